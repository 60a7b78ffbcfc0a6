//! Review end to end: on the demo database, the funnel on screen is the one
//! counted straight from the calls with SQL (domain.md section 5), the call
//! log lists the newest calls first and opens a call's timeline, and a
//! figure and a chart are written to files.

use std::path::PathBuf;
use std::time::Duration;

use crate::harness::{App, By, TestEnv};
use crate::parse_count;

/// Dials, connects, conversations and meetings, counted from the calls table
/// with the definitions (not through the app's code).
fn funnel_from_sql(conn: &rusqlite::Connection) -> [u32; 4] {
    conn.query_row(
        "SELECT
            count(*),
            count(*) FILTER (WHERE outcome IN ('not_interested', 'callback', 'meeting', 'do_not_call')),
            count(*) FILTER (WHERE outcome IN ('not_interested', 'callback', 'meeting', 'do_not_call')
                AND (duration_ms >= 60000 OR asked_for_meeting = 1 OR outcome = 'meeting')),
            count(*) FILTER (WHERE outcome = 'meeting')
         FROM calls WHERE outcome IS NOT NULL",
        [],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
    )
    .expect("count the funnel with SQL")
}

/// Review's tabs of figures: (Alt+ key, name, a figure each draws).
pub(crate) const FIGURE_TABS: [(char, &str, &str); 4] = [
    ('b', "blocks", "blocks_by_week"),
    ('w', "timing", "connects_by_hour"),
    ('l', "length", "length_distribution"),
    ('p', "playbook", "objections"),
];

/// A script's string result (or "").
fn js(app: &App, script: &str) -> String {
    app.execute(script).as_str().unwrap_or_default().to_string()
}

/// The count shown for one step of the funnel.
fn shown(app: &App, step: &str) -> u32 {
    let text = app.text(&By::css(format!(
        r#"[data-testid="funnel-figures"] [data-figure="{step}"] dd"#
    )));
    parse_count(&text, step)
}

/// Wait until the Review panel has finished loading the current selection.
fn settled(app: &App, what: &str) {
    app.wait_until(what, Duration::from_secs(20), |a| {
        js(
            a,
            "const p = document.querySelector('.rv-panel'); \
             return p && p.getAttribute('aria-busy') === 'false' && !p.classList.contains('stale') ? 'yes' : 'no'",
        ) == "yes"
    });
}

const OUTCOME_LABELS: [(&str, &str); 8] = [
    ("no_answer", "No answer"),
    ("voicemail", "Voicemail left"),
    ("gatekeeper", "Gatekeeper"),
    ("bad_number", "Bad number"),
    ("not_interested", "Not interested"),
    ("callback", "Callback requested"),
    ("meeting", "Meeting booked"),
    ("do_not_call", "Do not call"),
];

fn label_of(outcome: &str) -> &'static str {
    OUTCOME_LABELS
        .iter()
        .find(|(k, _)| *k == outcome)
        .map(|(_, l)| *l)
        .unwrap_or_else(|| panic!("unknown outcome {outcome}"))
}

#[test]
fn review_shows_the_funnel_counted_from_the_database_and_a_calls_timeline() {
    let env = TestEnv::new("review_funnel_and_call_log");
    env.cli_ok(&["demo"]);
    let conn = env.open_db();
    let [dials, connects, conversations, meetings] = funnel_from_sql(&conn);
    assert!(dials > 0 && meetings > 0, "the demo has calls and meetings");
    let newest: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare(
                "SELECT id, outcome FROM calls WHERE outcome IS NOT NULL
                 ORDER BY started_at DESC, id DESC LIMIT 8",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let objections_of = |id: &str| -> usize {
        conn.query_row(
            "SELECT count(*) FROM call_objections WHERE call_id = ?1",
            [id],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize
    };
    let first_objections = objections_of(&newest[0].0);
    let second_objections = objections_of(&newest[1].0);
    drop(conn);

    let app = env.launch();
    app.wait_for(&By::nav("Main"));

    // Review (Alt+4), all time.
    app.alt('4');
    app.wait_for(&By::named("Period"));
    app.wait_for(&By::css(
        r#"select[aria-label="Period"] option[value="all"]"#,
    ))
    .click();
    app.wait_until("the period to be all time", Duration::from_secs(10), |a| {
        js(
            a,
            "return document.querySelector('select[aria-label=\"Period\"]').value",
        ) == "all"
    });
    settled(&app, "the dashboards of all time");
    app.wait_for(&By::testid("funnel-figures"));

    // The funnel on screen is the funnel of the database.
    let on_screen = [
        shown(&app, "dials"),
        shown(&app, "connects"),
        shown(&app, "conversations"),
        shown(&app, "meetings"),
    ];
    assert_eq!(
        on_screen,
        [dials, connects, conversations, meetings],
        "dials, connects, conversations, meetings on screen vs counted with SQL"
    );
    // The rates between the steps, with their counts.
    let connect_rate = app.text(&By::css(r#"[data-rate="connect"] .rv-rate-value"#));
    assert_eq!(
        connect_rate,
        format!("{:.1} %", f64::from(connects) * 100.0 / f64::from(dials))
    );
    let parts = app.text(&By::css(r#"[data-rate="connect-meeting"] .rv-rate-parts"#));
    assert!(
        parts.contains(&format!("{meetings} of {connects}"))
            || parts.contains(&format!("{meetings} of {}", fmt_count(connects))),
        "meetings per connect says what it is made of: {parts:?}"
    );
    // The definitions are printed beside the figures.
    let defs = app.text(&By::css("#definitions-title + ul"));
    assert!(
        defs.contains("Conversation: a connect with at least 60 s of talk or on which the rep asked for the meeting"),
        "{defs}"
    );
    assert!(
        defs.contains("Connect: a call on which the prospect was reached"),
        "{defs}"
    );
    // The funnel per rep adds up to the whole.
    let rep_dials: u32 = app
        .find_all(&By::css(
            r#"table[aria-label="Funnel by rep"] tbody tr td:nth-of-type(1)"#,
        ))
        .iter()
        .map(|td| parse_count(&td.text(), "rep dials"))
        .sum();
    assert_eq!(rep_dials, dials, "the reps' dials add up to the total");
    app.screenshot("review-dashboard");

    // The funnel table exported as CSV: its "All" row holds the same counts.
    app.wait_for(&By::aria_label("Export CSV of “The funnel”"))
        .click();
    let field = app.wait_for(&By::named("Export the table to"));
    let csv_path = PathBuf::from(field.attr("value").unwrap_or_default());
    let csv_path = if csv_path.as_os_str().is_empty() {
        PathBuf::from(js(
            &app,
            "return document.querySelector('input[aria-label=\"Export the table to\"]').value",
        ))
    } else {
        csv_path
    };
    assert!(csv_path.is_absolute(), "a full default path: {csv_path:?}");
    app.press(&App::enter().to_string());
    app.wait_for(&By::css(".rv-saved"));
    let csv = std::fs::read_to_string(&csv_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", csv_path.display()));
    let all = csv.lines().nth(1).expect("a row under the header");
    assert!(
        all.starts_with(&format!(
            "All,{dials},{connects},{conversations},{meetings},"
        )),
        "the exported funnel: {all}"
    );

    // The chart saved as a PNG (drawn on a canvas from the SVG).
    app.wait_for(&By::aria_label("Save image of the chart “The funnel”"))
        .click();
    app.wait_for(&By::named("Save the chart to"));
    let png_path = PathBuf::from(js(
        &app,
        "return document.querySelector('input[aria-label=\"Save the chart to\"]').value",
    ));
    app.press(&App::enter().to_string());
    app.wait_for(&By::css(".rv-saved"));
    let png =
        std::fs::read(&png_path).unwrap_or_else(|e| panic!("read {}: {e}", png_path.display()));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image");
    assert!(
        png.len() > 2_000,
        "the image has a chart in it ({} bytes)",
        png.len()
    );

    // Every other tab draws its figures.
    for (key, tab, figure) in FIGURE_TABS {
        app.alt(key);
        app.wait_for(&By::css(format!(
            r#"[data-figure="{figure}"] svg[role="img"]"#
        )));
        app.screenshot(&format!("review-{tab}"));
    }

    // The call log: the newest calls first, as in the database.
    app.alt('c');
    app.wait_for(&By::css(
        r#"[data-testid="call-log"] [data-row="0"][data-call-id]"#,
    ));
    let count_text = app.text(&By::testid("call-count"));
    assert_eq!(
        parse_count(count_text.trim_end_matches(" calls"), "calls in the log"),
        dials,
        "{count_text}"
    );
    for (i, (id, outcome)) in newest.iter().enumerate() {
        let row = app.wait_for(&By::css(format!(
            r#"[data-testid="call-log"] [data-row="{i}"][data-call-id]"#
        )));
        assert_eq!(
            row.attr("data-call-id").as_deref(),
            Some(id.as_str()),
            "row {i}"
        );
        let shown_outcome = row.find(&By::css(r#"[data-col="outcome"]"#)).text();
        assert_eq!(shown_outcome, label_of(outcome), "row {i}'s outcome");
    }
    app.screenshot("review-call-log");

    // A click opens the call's detail: its outcome and its timeline.
    app.find(&By::css(r#"[data-row="0"] [data-col="prospect"]"#))
        .expect("the first row")
        .click();
    let detail = By::css(format!(
        r#"[data-testid="call-detail"][data-call-id="{}"]"#,
        newest[0].0
    ));
    app.wait_for(&detail);
    assert_eq!(
        app.text(&By::testid("detail-outcome")),
        label_of(&newest[0].1)
    );
    assert_eq!(
        app.find_all(&By::css(".rv-events li.ev-objection")).len(),
        first_objections,
        "every objection of the call is on its timeline"
    );
    app.wait_for(&By::css(r#"[data-testid="call-detail"] svg[role="img"]"#));
    app.screenshot("review-call-detail");

    // The arrow key moves to the next call, and its detail follows.
    let down: char = fantoccini::key::Key::Down.into();
    app.press(&down.to_string());
    app.wait_for(&By::css(format!(
        r#"[data-testid="call-detail"][data-call-id="{}"]"#,
        newest[1].0
    )));
    app.wait_until("the second call's timeline", Duration::from_secs(5), |a| {
        a.find_all(&By::css(".rv-events li.ev-objection")).len() == second_objections
    });
    assert_eq!(
        app.find(&By::css(r#"[data-row="1"]"#))
            .and_then(|r| r.attr("aria-selected"))
            .as_deref(),
        Some("true")
    );
    // Escape closes it.
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("call-detail"));

    app.close();
}

/// 1713 -> "1,713"
fn fmt_count(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// (calls, blocks, prospects, meetings) in the database.
fn team_counts(env: &TestEnv) -> [i64; 4] {
    env.open_db()
        .query_row(
            "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM blocks),
                    (SELECT count(*) FROM prospects), (SELECT count(*) FROM meetings)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .expect("count the rows")
}

#[test]
fn the_team_panel_exports_a_bundle_and_refuses_a_damaged_one() {
    let env = TestEnv::new("review_team_bundles");
    env.cli_ok(&["demo"]);
    let rep_calls: i64 = env
        .open_db()
        .query_row(
            "SELECT count(*) FROM calls c JOIN reps r ON r.id = c.rep_id
             WHERE r.name = 'Alex Rivera' AND c.outcome IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count Alex's calls");
    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('4');
    // The Review view loads on demand: its own shortcuts work once its tabs
    // are there (an Alt+T sent before that reaches no one).
    app.wait_for(&By::css(r#"[role="tablist"][aria-label="Review parts"]"#));
    app.alt('t');

    // Export the current rep's bundle to the suggested file.
    let file = app.wait_for(&By::named("Bundle file"));
    let path = PathBuf::from(js(
        &app,
        "return document.querySelector('input[aria-label=\"Bundle file\"]').value",
    ));
    assert!(path.is_absolute(), "{path:?}");
    assert!(path.to_string_lossy().ends_with(".cbbundle"), "{path:?}");
    drop(file);
    app.wait_for(&By::button("Export bundle")).click();
    let done = app.wait_for(&By::testid("bundle-exported")).text();
    assert!(done.contains(&format!("{rep_calls} calls")), "{done}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(bytes.starts_with(&[0x1f, 0x8b]), "a gzip-compressed bundle");

    // Imported into the database it came from: nothing changes.
    let before = team_counts(&env);
    let paths = app.wait_for(&By::named("Bundle files, one per line"));
    paths.type_text(&path.display().to_string());
    app.wait_for(&By::button("Import bundles")).click();
    let report = app.wait_for(&By::testid("bundle-report")).text();
    assert!(report.contains("Nothing new"), "{report}");
    assert_eq!(team_counts(&env), before);

    // A damaged bundle beside it: refused, with the file named; nothing imported.
    let cut = env.dir().join("cut.cbbundle");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write a damaged bundle");
    paths.clear();
    paths.type_text(&format!(
        "{}{}{}",
        path.display(),
        App::enter(),
        cut.display()
    ));
    app.wait_for(&By::button("Import bundles")).click();
    let error = app.wait_for(&By::css(".rv-team .error-banner")).text();
    assert!(error.contains("cut.cbbundle"), "{error}");
    assert!(error.contains("damaged"), "{error}");
    assert!(error.contains("none was imported"), "{error}");
    assert_eq!(team_counts(&env), before);
    app.screenshot("review-team");
    app.close();
}

/// The rep this database works as: (id, name).
fn current_rep(conn: &rusqlite::Connection) -> (String, String) {
    conn.query_row(
        "SELECT r.id, r.name FROM reps r
         ORDER BY r.id IS NOT (SELECT value FROM settings WHERE key = 'app.current_rep'), r.name
         LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("the demo's rep")
}

#[test]
fn a_managers_comment_in_review_reaches_the_reps_next_call() {
    // The rep's database, and the manager's, which took in the rep's bundle.
    let rep = TestEnv::new("coaching_rep");
    rep.cli_ok(&["demo"]);
    let (rep_id, rep_name) = current_rep(&rep.open_db());
    let from_rep = rep.dir().join("from-rep.cbbundle");
    rep.cli_ok(&["export", "bundle", "-o", from_rep.to_str().unwrap()]);
    let manager = TestEnv::new("coaching_manager");
    manager.cli_ok(&["import-bundle", from_rep.to_str().unwrap()]);
    // The rep's newest unanswered call: the one the manager will comment on.
    let (call_id, prospect_id): (String, String) = manager
        .open_db()
        .query_row(
            "SELECT c.id, c.prospect_id FROM calls c JOIN prospects p ON p.id = c.prospect_id
             WHERE c.outcome = 'no_answer' AND c.rep_id = ?1
             ORDER BY c.started_at DESC, c.id DESC LIMIT 1",
            [&rep_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the rep has an unanswered call");

    // The manager: Review, all time, outcome "No answer", the newest call.
    let app = manager.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('4');
    app.wait_for(&By::css(
        r#"select[aria-label="Period"] option[value="all"]"#,
    ))
    .click();
    settled(&app, "all time");
    // The filter's button is named by its label and what it says ("Outcome Any outcome").
    app.wait_for(&By::named("Outcome")).click();
    app.wait_for(&By::named("No answer")).click();
    app.press(&App::escape().to_string());
    settled(&app, "the unanswered calls");
    app.alt('c');
    let row = By::css(format!(
        r#"[data-testid="call-log"] [data-row="0"][data-call-id="{call_id}"]"#
    ));
    app.wait_for(&row);
    app.find(&By::css(r#"[data-row="0"] [data-col="prospect"]"#))
        .expect("the first row")
        .click();
    app.wait_for(&By::css(format!(
        r#"[data-testid="call-detail"][data-call-id="{call_id}"]"#
    )));
    let said = "Leave a voicemail on the second try: name the freight audit.";
    app.wait_for(&By::named("Comment on this call"))
        .type_text(said);
    app.wait_for(&By::button("Add comment")).click();
    app.wait_for(&By::xpath(
        "//*[@role='status' and normalize-space(.)='Comment saved.']",
    ));
    app.wait_for(&By::button("Flag for coaching")).click();
    app.wait_for(&By::css(
        r#"[data-testid="coaching"] button[aria-pressed="true"]"#,
    ));
    app.screenshot("review-coaching-detail");
    // In the database: the comment, by the manager's file, and the flag.
    let db = manager.open_db();
    let (body, author): (String, String) = db
        .query_row(
            "SELECT body, author FROM call_comments WHERE call_id = ?1 AND deleted_at IS NULL",
            [&call_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the comment is saved");
    assert_eq!(body, said);
    assert_eq!(author, "Manager", "a manager's file has no rep of its own");
    let flagged: i64 = db
        .query_row(
            "SELECT flagged FROM call_flags WHERE call_id = ?1",
            [&call_id],
            |r| r.get(0),
        )
        .expect("the flag is saved");
    assert_eq!(flagged, 1);
    // The log's row says so; the flag filter leaves that one call.
    app.wait_for(&By::css(
        r#"[data-row="0"] [data-col="outcome"] [aria-label="Flagged for coaching"]"#,
    ));
    app.wait_for(&By::css(
        r#"[data-row="0"] [data-col="outcome"] [aria-label="1 comment"]"#,
    ));
    app.press(&App::escape().to_string());
    app.wait_for(&By::named("Only calls flagged for coaching"))
        .click();
    app.wait_until("only the flagged call", Duration::from_secs(15), |a| {
        a.find(&By::testid("call-count"))
            .map(|e| e.text())
            .is_some_and(|t| t.starts_with("1 call"))
    });
    app.wait_for(&row);
    app.screenshot("review-coaching");
    app.close();

    // The manager's bundle of the rep's calls goes back to the rep.
    let to_rep = manager.dir().join("to-rep.cbbundle");
    manager.cli_ok(&[
        "export",
        "bundle",
        "--rep",
        &rep_name,
        "-o",
        to_rep.to_str().unwrap(),
    ]);
    rep.cli_ok(&["import-bundle", to_rep.to_str().unwrap()]);
    // That prospect is due for a callback now, anywhere (time zone unknown).
    rep.write_db(&format!(
        "UPDATE prospects SET time_zone = NULL;
         UPDATE prospects SET status = 'callback', next_attempt_at = NULL, do_not_call = 0,
             bad_number = 0, callback_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minute')
         WHERE id = '{prospect_id}';"
    ));

    // The rep's next call is that prospect: the comment is on the card.
    let theme: String = rep
        .open_db()
        .query_row(
            "SELECT t.name FROM prospects p JOIN themes t ON t.id = p.theme_id WHERE p.id = ?1",
            [&prospect_id],
            |r| r.get(0),
        )
        .expect("the prospect's theme");
    let app = rep.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('2');
    // The block on that prospect's theme alone.
    let length = app.wait_for(&By::named("Length (minutes)"));
    for ticked in app.find_all(&By::css(".theme-choice input:checked")) {
        ticked.click();
    }
    app.wait_for(&By::xpath(format!(
        "//label[contains(@class, 'theme-choice')][span[@class='name' and normalize-space(.)={}]]/input",
        crate::harness::xpath_literal(&theme)
    )))
    .click();
    length.clear();
    length.type_text("30");
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));
    let card = app.wait_for(&By::testid("call-card"));
    assert_eq!(
        card.attr("data-prospect-id").as_deref(),
        Some(prospect_id.as_str()),
        "the callback due comes first"
    );
    let coaching = app.wait_for(&By::css(".history .coach-notes")).text();
    assert!(
        coaching.contains(said) && coaching.contains("Manager"),
        "{coaching}"
    );
    let history = app.text(&By::css(".history"));
    assert!(history.contains("flagged for coaching"), "{history}");
    app.screenshot("block-card-coaching");
    app.close();
    let comments: i64 = rep
        .open_db()
        .query_row(
            "SELECT count(*) FROM call_comments WHERE call_id = ?1 AND body = ?2",
            rusqlite::params![call_id, said],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comments, 1, "the rep's database holds the comment");
}

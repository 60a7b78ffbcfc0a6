//! The plan end to end: a quota entered with the keyboard in the Plan view
//! gives the figures that the rates shown imply, this period's and this
//! week's progress match the call log, suggested slots go on the week and out
//! to an .ics file, and a scheduled block that is due is offered in the Block
//! view on its theme.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use fantoccini::key::Key;

use crate::harness::{App, By, TestEnv};

const REP: &str = "Alex Rivera";
const ZONE: &str = "America/Chicago";
const DUE_THEME: &str = "Texas";

/// The text of the first element `css` matches, read in one script.
fn text_now(app: &App, css: &str) -> Option<String> {
    let script = format!(
        "const el = document.querySelector({}); return el ? el.innerText : null",
        serde_json::to_string(css).expect("a CSS string")
    );
    app.execute(&script).as_str().map(|s| s.trim().to_string())
}

/// A count as shown (`2,634`).
fn count_in(text: &str, what: &str) -> u64 {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{what}: {text:?} is not a count"))
}

fn cell(app: &App, css: &str) -> u64 {
    let text = text_now(app, css).unwrap_or_else(|| panic!("no element {css}"));
    count_in(&text, css)
}

/// `x` rounded up, forgiving float noise as the plan does (3 / 0.05 is 60).
fn ceil(x: f64) -> u64 {
    (x - 1e-9 * x.abs().max(1.0)).ceil().max(0.0) as u64
}

/// The rep's own counts in a rate's basis: "... your last 90 days: 109 connects
/// of 941 dials = 11.6 %" gives (109, 941), whether or not they were enough.
fn history_of(basis: &str) -> (u64, u64) {
    let lower = basis.to_lowercase();
    let (_, after) = lower
        .split_once("your last 90 days:")
        .unwrap_or_else(|| panic!("a basis with the rep's counts: {basis:?}"));
    let numbers: Vec<u64> = after
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    assert!(numbers.len() >= 2, "the rep's counts: {basis:?}");
    (numbers[0], numbers[1])
}

/// Local midnight of `date` in the rep's zone, as the store writes instants.
fn midnight_db(date: NaiveDate) -> String {
    let zone = callblock_core::time::parse_tz(ZONE).expect("the rep's zone");
    let local = zone
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .expect("midnight exists in Chicago");
    callblock_core::time::to_db(local.with_timezone(&Utc))
}

/// Monday to Friday from `from` to `to`, both included.
fn working_days(from: NaiveDate, to: NaiveDate) -> u64 {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u64
}

/// A conversation is a connect of a minute or more, or one that asked for
/// (or booked) the meeting: the definition of the reports.
struct Counts {
    dials: u64,
    connects: u64,
    conversations: u64,
    meetings: u64,
}

/// The rep's finished calls in `[from, until)`, counted straight from the table.
fn calls(conn: &rusqlite::Connection, rep: &str, from: &str, until: &str) -> Counts {
    conn.query_row(
        "SELECT count(*),
            coalesce(sum(outcome IN ('not_interested','callback','meeting','do_not_call')), 0),
            coalesce(sum(outcome IN ('not_interested','callback','meeting','do_not_call')
                AND (duration_ms >= 60000 OR asked_for_meeting = 1 OR outcome = 'meeting')), 0),
            coalesce(sum(outcome = 'meeting'), 0)
         FROM calls
         WHERE rep_id = ?1 AND outcome IS NOT NULL AND started_at >= ?2 AND started_at < ?3",
        [rep, from, until],
        |r| {
            Ok(Counts {
                dials: r.get::<_, u32>(0)?.into(),
                connects: r.get::<_, u32>(1)?.into(),
                conversations: r.get::<_, u32>(2)?.into(),
                meetings: r.get::<_, u32>(3)?.into(),
            })
        },
    )
    .expect("count the calls")
}

fn blocks_started(conn: &rusqlite::Connection, rep: &str, from: &str) -> u64 {
    conn.query_row(
        "SELECT count(*) FROM blocks WHERE rep_id = ?1 AND started_at >= ?2",
        [rep, from],
        |r| r.get::<_, u32>(0),
    )
    .map(u64::from)
    .expect("count the blocks")
}

#[test]
fn a_quota_entered_in_the_plan_view_gives_the_figures_the_rates_imply_and_progress_matches_the_call_log(
) {
    let env = TestEnv::new("a_quota_entered_in_the_plan_view");
    env.cli_ok(&["demo"]);
    std::fs::create_dir_all(env.dir().join("home").join("Documents")).expect("create ~/Documents");

    // A block slot that is due now, on Texas, created yesterday: the Block
    // view should offer it. Unknown prospect zones make the queue callable today.
    let zone = callblock_core::time::parse_tz(ZONE).expect("the rep's zone");
    let now_local = Utc::now().with_timezone(&zone);
    let minute = now_local.hour() * 60 + now_local.minute();
    let start = minute.saturating_sub(5);
    let length = 52.min(24 * 60 - start);
    let (rep_id, texas_id): (String, String) = {
        let conn = env.open_db();
        let rep = conn
            .query_row("SELECT id FROM reps WHERE name = ?1", [REP], |r| r.get(0))
            .expect("the demo rep");
        let texas = conn
            .query_row("SELECT id FROM themes WHERE name = ?1", [DUE_THEME], |r| {
                r.get(0)
            })
            .expect("the demo's Texas theme");
        (rep, texas)
    };
    let yesterday = callblock_core::time::to_db(Utc::now() - chrono::Duration::days(1));
    env.write_db(&format!(
        "UPDATE prospects SET time_zone = NULL;
         INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone,
             theme_id, created_at)
         VALUES ('e2e-due-slot', '{rep_id}', 'block', {}, {start}, {length}, '{ZONE}', '{texas_id}',
             '{yesterday}');",
        now_local.weekday().num_days_from_monday()
    ));

    let app = env.launch();
    app.wait_for(&By::nav("Main"));

    // Plan (Alt+5): the quota field has the focus; type, Tab, type, Ctrl+S.
    app.alt('5');
    app.wait_for(&By::named("Quota for the month"));
    app.wait_until(
        "the quota field to have the focus",
        Duration::from_secs(10),
        |app| {
            app.execute("return document.activeElement?.placeholder ?? null")
                .as_str()
                == Some("120,000")
        },
    );
    app.press("120000");
    app.press(&char::from(Key::Tab).to_string());
    app.press("15000");
    app.wait_until("the preview", Duration::from_secs(10), |app| {
        text_now(
            app,
            r#"[data-testid="plan-output"] tr[data-stage="wins"] td[data-col="period"]"#,
        )
        .is_some_and(|t| t == "8")
    });
    app.screenshot("plan-preview");
    app.ctrl('s');
    app.wait_for(&By::testid("plan-saved"));
    app.wait_for(&By::testid("progress-summary"));
    app.screenshot("plan-saved");

    let conn = env.open_db();
    let (quota, deal, close, period): (f64, f64, f64, String) = conn
        .query_row(
            "SELECT quota, deal_size, close_ratio, period FROM plans WHERE rep_id = ?1",
            [&rep_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the plan was saved once");
    assert_eq!(
        (quota, deal, close, period.as_str()),
        (120_000.0, 15_000.0, 4.0, "month")
    );

    // The rates shown, with the calls behind them; those calls match the log.
    let basis = |key: &str| -> String {
        text_now(
            &app,
            &format!(r#"[data-rate="{key}"] .plan-rate-basis .muted"#),
        )
        .unwrap_or_else(|| panic!("the basis of {key}"))
    };
    let source = |key: &str| -> String {
        text_now(&app, &format!(r#"[data-testid="rate-source-{key}"]"#)).unwrap_or_default()
    };
    let now_db = callblock_core::time::to_db(Utc::now());
    let ninety = callblock_core::time::to_db(Utc::now() - chrono::Duration::days(90));
    let history = calls(&conn, &rep_id, &ninety, &now_db);
    // Each rate: the rep's own counts in its basis match the log; its value is
    // theirs when the badge says history, else the benchmark shown.
    let value_shown = |key: &str| -> f64 {
        let text =
            text_now(&app, &format!(r#"[data-testid="rate-value-{key}"]"#)).unwrap_or_default();
        match text.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().expect("a percentage") / 100.0,
            None => text.parse().expect("a number"),
        }
    };
    let rate = |key: &str, counts: (u64, u64)| -> f64 {
        let (num, den) = history_of(&basis(key));
        assert_eq!((num, den), counts, "{key}: the rep's counts, from the log");
        if source(key).starts_with("Your history") {
            num as f64 / den as f64
        } else {
            assert_eq!(source(key), "Benchmark", "{key}");
            value_shown(key)
        }
    };
    assert!(
        source("dial_to_connect").starts_with("Your history"),
        "the demo rep's dials are enough: {}",
        source("dial_to_connect")
    );
    let d2k = rate("dial_to_connect", (history.connects, history.dials));
    let k2c = rate(
        "connect_to_conversation",
        (history.conversations, history.connects),
    );
    let c2m = rate(
        "conversation_to_meeting",
        (history.meetings, history.conversations),
    );
    let (block_dials, blocks) = history_of(&basis("dials_per_block"));
    let dpb = if source("dials_per_block").starts_with("Your history") {
        block_dials as f64 / blocks as f64
    } else {
        value_shown("dials_per_block")
    };
    assert_eq!(source("meeting_to_opportunity"), "Assumption");
    let m2o = 0.5;
    assert!(basis("meeting_to_opportunity").contains("50 %"));

    // The plan's arithmetic, recomputed.
    let wins = ceil(120_000.0 / 15_000.0);
    let opportunities = ceil(wins as f64 * 4.0);
    let need_meetings = ceil(opportunities as f64 / m2o);
    let need_conversations = ceil(need_meetings as f64 / c2m);
    let need_connects = ceil(need_conversations as f64 / k2c);
    let need_dials = ceil(need_connects as f64 / d2k);
    let need_blocks = ceil(need_dials as f64 / dpb);
    let today = now_local.date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("the 1st");
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .expect("the month's last day");
    let days = working_days(first, last);
    let weeks = days as f64 / 5.0;
    let out = r#"[data-testid="plan-output"]"#;
    for (stage, total) in [
        ("wins", wins),
        ("opportunities", opportunities),
        ("meetings", need_meetings),
        ("conversations", need_conversations),
        ("connects", need_connects),
        ("dials", need_dials),
        ("blocks", need_blocks),
    ] {
        let at = |col: &str| {
            cell(
                &app,
                &format!(r#"{out} tr[data-stage="{stage}"] td[data-col="{col}"]"#),
            )
        };
        assert_eq!(at("period"), total, "{stage} for the month");
        assert_eq!(at("week"), ceil(total as f64 / weeks), "{stage} per week");
        assert_eq!(
            at("day"),
            ceil(total as f64 / days as f64),
            "{stage} per working day"
        );
    }
    let per_week = ceil(need_blocks as f64 / weeks);
    assert_eq!(
        cell(&app, r#"[data-figure="blocks_per_week"] .value"#),
        per_week
    );
    let share = (per_week as f64 * 52.0 / 60.0 / 40.0 * 100.0).round() as u64;
    assert_eq!(
        cell(&app, r#"[data-figure="selling_hours_share"] .value"#),
        share
    );

    // This period and this week so far, against counts from the log.
    let period_start = midnight_db(first);
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let week_start = midnight_db(monday);
    let now_db = callblock_core::time::to_db(Utc::now());
    let period = calls(&conn, &rep_id, &period_start, &now_db);
    let week = calls(&conn, &rep_id, &week_start, &now_db);
    let row = |stage: &str, col: &str| {
        cell(
            &app,
            &format!(r#"tr[data-progress-stage="{stage}"] td[data-col="{col}"]"#),
        )
    };
    assert_eq!(row("dials", "actual"), period.dials, "dials this month");
    assert_eq!(
        row("connects", "actual"),
        period.connects,
        "connects this month"
    );
    assert_eq!(
        row("meetings", "actual"),
        period.meetings,
        "meetings this month"
    );
    assert_eq!(row("dials", "week-actual"), week.dials, "dials this week");
    assert_eq!(
        row("meetings", "week-actual"),
        week.meetings,
        "meetings this week"
    );
    assert_eq!(row("meetings", "target"), need_meetings);
    assert_eq!(
        row("meetings", "week-target"),
        ceil(need_meetings as f64 / weeks)
    );
    assert_eq!(
        row("blocks", "week-actual"),
        blocks_started(&conn, &rep_id, &week_start)
    );
    let elapsed = if today > first {
        working_days(first, today.pred_opt().expect("yesterday"))
    } else {
        0
    };
    let expected = ceil(need_meetings as f64 * elapsed as f64 / days as f64);
    assert_eq!(
        row("meetings", "expected"),
        expected,
        "meetings expected by now"
    );
    let gap = text_now(
        &app,
        r#"tr[data-progress-stage="meetings"] td[data-col="gap"]"#,
    )
    .unwrap_or_default();
    let behind = expected as i64 - period.meetings as i64;
    let summary = text_now(&app, r#"[data-testid="progress-summary"]"#).unwrap_or_default();
    match behind {
        b if b > 0 => {
            assert_eq!(gap, format!("{b} behind"));
            if elapsed > 0 {
                let said = if b == 1 {
                    "1 meeting behind".to_string()
                } else {
                    format!("{b} meetings behind")
                };
                assert!(summary.starts_with(&said), "{summary}");
            }
        }
        0 => assert_eq!(gap, "on plan"),
        b => assert_eq!(gap, format!("{} ahead", -b)),
    }

    // The week: suggested blocks go on the grid and out to the calendar.
    app.find(&By::xpath(
        "//button[starts-with(normalize-space(.), 'Suggest slots')]",
    ))
    .expect("the Suggest slots button")
    .click();
    let add = app.wait_for(&By::xpath(
        "//*[@data-testid='suggestion']//button[starts-with(normalize-space(.), 'Add ')]",
    ));
    let suggested = count_in(&add.text(), "the suggested slots");
    add.click();
    let slots: u64 = 1 + suggested;
    app.wait_until("the slots on the grid", Duration::from_secs(10), |app| {
        app.find_all(&By::css("[data-testid=week-grid] button[data-slot-id]"))
            .len() as u64
            == slots
    });
    let in_db: u64 = conn
        .query_row(
            "SELECT count(*) FROM schedule_slots WHERE rep_id = ?1 AND kind = 'block'",
            [&rep_id],
            |r| r.get::<_, u32>(0),
        )
        .map(u64::from)
        .expect("count the slots");
    assert_eq!(in_db, slots);
    app.screenshot("plan-week");
    app.wait_for(&By::button("Export .ics")).click();
    app.wait_for(&By::testid("ics-exported"));
    let ics = std::fs::read_to_string(env.dir().join("home/Documents/callblock-schedule.ics"))
        .expect("the .ics file in ~/Documents");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT").count() as u64, slots);
    assert!(ics.contains("UID:e2e-due-slot@callblock"), "{ics}");

    // Block (Alt+2): the due block is offered on its theme, and starts on it.
    app.alt('2');
    let due = app.wait_for(&By::testid("due-block"));
    assert!(
        due.text()
            .contains(&format!("Your scheduled block ({DUE_THEME}) is due now")),
        "{}",
        due.text()
    );
    let checked = app.execute(
        "return [...document.querySelectorAll('.block-setup input[type=checkbox]')]\
         .filter(c => c.checked).map(c => c.value)",
    );
    assert_eq!(
        checked,
        serde_json::json!([texas_id]),
        "only the slot's theme is chosen"
    );
    app.screenshot("block-due");
    app.wait_for(&By::button("Start it")).click();
    app.wait_until("the block on Texas", Duration::from_secs(10), |app| {
        text_now(app, ".runner-head .themes").is_some_and(|t| t.contains(DUE_THEME))
    });
    let started: String = conn
        .query_row(
            "SELECT started_at FROM blocks WHERE rep_id = ?1 AND ended_at IS NULL",
            [&rep_id],
            |r| r.get(0),
        )
        .expect("the running block");
    let started: DateTime<Utc> = callblock_core::time::from_db(&started).expect("an instant");
    assert!(started <= Utc::now());
    app.close();
}

/// The footer's rep opens the rep's own profile in Settings; a new name is
/// saved to the database and the footer says it.
#[test]
fn the_reps_profile_is_edited_from_the_footer() {
    let env = TestEnv::new("reps_profile");
    env.cli_ok(&["demo"]);
    let app = env.launch();
    app.wait_for(&By::testid("rep-link")).click();
    // The field is enabled once the saved profile is in it.
    let name = app.wait_for(&By::css("#profile-name:enabled"));
    assert_eq!(
        app.execute("return document.querySelector('#profile-name').value")
            .as_str(),
        Some("Alex Rivera")
    );
    name.clear();
    name.type_text("Alex R. Rivera");
    app.wait_for(&By::button("Save profile")).click();
    app.wait_until("the footer's new name", crate::harness::WAIT_TIMEOUT, |a| {
        a.find(&By::testid("rep-link"))
            .is_some_and(|l| l.text() == "Alex R. Rivera")
    });
    let saved: String = env
        .open_db()
        .query_row(
            "SELECT r.name FROM reps r JOIN settings s ON s.value = r.id WHERE s.key = 'app.current_rep'",
            [],
            |r| r.get(0),
        )
        .expect("the current rep");
    assert_eq!(saved, "Alex R. Rivera");
}

//! The call block in the real app: a short block run with the keyboard only,
//! and a kill -9 in the middle of a call.

use std::time::Duration;

use crate::harness::{App, By, TestEnv};

/// The demo, with every prospect's time zone unknown: unknown zones are always
/// inside calling hours, so the block has prospects on any day of the week.
fn demo_env(test: &str) -> TestEnv {
    let env = TestEnv::new(test);
    env.cli_ok(&["demo"]);
    env.write_db("UPDATE prospects SET time_zone = NULL;");
    env
}

fn card_prospect(app: &App) -> String {
    app.wait_for(&By::testid("call-card"))
        .attr("data-prospect-id")
        .expect("the card names its prospect")
}

/// Wait until the card shows another prospect than `before`.
fn next_card(app: &App, before: &str) -> String {
    let mut now = String::new();
    app.wait_until("the next prospect's card", Duration::from_secs(15), |a| {
        now = a
            .find(&By::testid("call-card"))
            .and_then(|c| c.attr("data-prospect-id"))
            .unwrap_or_default();
        !now.is_empty() && now != before
    });
    now
}

/// Space starts the call; wait until the call timer shows a phase.
fn start_call(app: &App) {
    app.press(" ");
    app.wait_for(&By::css(r#"[data-testid="call-timer"] .phase[data-phase]"#));
}

fn parse_clock(text: &str) -> u32 {
    let parts: Vec<u32> = text
        .trim()
        .split(':')
        .map(|p| p.parse().unwrap_or_else(|_| panic!("{text:?} is not m:ss")))
        .collect();
    parts.iter().fold(0, |acc, p| acc * 60 + p)
}

fn figure(app: &App, name: &str) -> u32 {
    let text = app
        .wait_for(&By::css(format!(
            r#"[data-testid="block-summary"] [data-figure="{name}"] .value"#
        )))
        .text();
    text.trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("summary figure {name}: {text:?}"))
}

/// Start a block of `minutes` on the preselected theme, with the keyboard only.
fn start_block(app: &App, minutes: u32) {
    app.wait_for(&By::nav("Main"));
    app.alt('2');
    let length = app.wait_for(&By::named("Length (minutes)"));
    length.clear();
    length.type_text(&format!("{minutes}"));
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));
}

#[test]
fn a_short_block_runs_on_the_keyboard_and_its_summary_matches_the_database() {
    let env = demo_env("a_short_block_runs_on_the_keyboard");
    let app = env.launch();
    start_block(&app, 1);

    // 1. Voicemail, with the script shown (Alt+V).
    let p1 = card_prospect(&app);
    start_call(&app);
    app.alt('v');
    let script = app.wait_for(&By::testid("voicemail-script")).text();
    assert!(
        !script.contains('{'),
        "the voicemail script is filled: {script}"
    );
    app.press("2");
    let p2 = next_card(&app, &p1);

    // 2. Not interested after two objections, with a note typed at Alt+N.
    start_call(&app);
    app.press("n");
    app.wait_until("the first objection", Duration::from_secs(10), |a| {
        a.text(&By::testid("objection-count")) == "1"
    });
    let response = app.wait_for(&By::testid("objection-response")).text();
    assert!(
        !response.is_empty() && !response.contains('{'),
        "{response}"
    );
    app.press("b");
    app.wait_until("the second objection", Duration::from_secs(10), |a| {
        a.text(&By::testid("objection-count")) == "2"
    });
    app.alt('n');
    app.press("uses spreadsheets today");
    app.press(&App::escape().to_string());
    app.press("5");
    let p3 = next_card(&app, &p2);

    // 3. Callback requested: the inline form comes prefilled; Enter saves it.
    start_call(&app);
    app.press("6");
    app.wait_for(&By::css(r#"form[aria-label="Callback requested"]"#));
    app.press(&App::enter().to_string());
    let p4 = next_card(&app, &p3);

    // 4. Meeting booked: time prefilled, e-mail from the card; Enter saves it.
    start_call(&app);
    app.press("7");
    // The length the talk track asks for, and the time in both zones.
    assert_eq!(
        app.execute(r#"return document.querySelector('form[aria-label="Meeting booked"] input[type="number"]').value"#)
            .as_str()
            .unwrap_or_default(),
        "20",
        "the demo's request asks for 20 minutes"
    );
    let zones = app.wait_for(&By::testid("meeting-zones")).text();
    assert!(
        zones.contains("your time") && zones.contains("their"),
        "{zones}"
    );
    assert!(!zones.contains("Z)"), "never a bare UTC: {zones}");
    let email = app.wait_for(&By::named("E-mail"));
    let prefilled = app.execute(r#"return document.querySelector('form[aria-label="Meeting booked"] input[type="email"]').value"#);
    if prefilled.as_str().unwrap_or_default().is_empty() {
        email.type_text("prospect@example.com");
    }
    app.press(&App::enter().to_string());
    let p5 = next_card(&app, &p4);
    let logged = app.wait_for(&By::testid("last-outcome")).text();
    assert!(
        logged.contains("Meeting booked") && logged.contains(".ics"),
        "{logged}"
    );
    // No mail program here: one plain line, and the e-mail to copy instead.
    app.wait_for(&By::button("Write the invitation e-mail"))
        .click();
    let problem = app.wait_for(&By::testid("mail-problem")).text();
    assert!(problem.starts_with("No mail program took"), "{problem}");
    let banner = app.wait_for(&By::testid("last-outcome")).text();
    for launcher in ["os error", "exit status", "xdg-open", "gio "] {
        assert!(!banner.contains(launcher), "no launcher's words: {banner}");
    }
    app.wait_for(&By::button("Copy e-mail"));
    app.wait_for(&By::button("Show the invitation file"));
    app.screenshot("mail-problem");

    // 5. No answer.
    start_call(&app);
    app.press("1");
    let p6 = next_card(&app, &p5);

    // 6. A call still going when the block's time is up: the timer never cuts
    //    it; its outcome ends the block and shows the summary.
    start_call(&app);
    app.wait_until(
        "the block's time to run out",
        Duration::from_secs(90),
        |a| a.find(&By::css(".runner-head.time-up")).is_some(),
    );
    app.wait_for(&By::css(r#"[role="alert"]"#));
    assert!(
        app.find(&By::testid("call-card")).is_some(),
        "the call in progress stays on screen after the time is up"
    );
    app.press("3");
    app.wait_for(&By::testid("block-summary"));
    app.screenshot("summary");
    // A one-minute block against the demo's full ones: compared per hour.
    let compared = app.wait_for(&By::testid("compared-per-hour")).text();
    assert!(compared.contains("shorter than your usual"), "{compared}");

    let shown = [
        ("dials", figure(&app, "dials")),
        ("connects", figure(&app, "connects")),
        ("conversations", figure(&app, "conversations")),
        ("meetings", figure(&app, "meetings")),
        ("objections", figure(&app, "objections")),
    ];
    let db = env.open_db();
    let (block_id, end_reason): (String, String) = db
        .query_row(
            "SELECT id, end_reason FROM blocks WHERE ended_at IS NOT NULL ORDER BY started_at DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the block ended");
    assert_eq!(end_reason, "completed", "the block ran its length");
    let count = |sql: &str| -> u32 {
        db.query_row(sql, [&block_id], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let dials = count("SELECT count(*) FROM calls WHERE block_id = ?1 AND outcome IS NOT NULL");
    let connects = count(
        "SELECT count(*) FROM calls WHERE block_id = ?1 AND outcome IN
         ('not_interested','callback','meeting','do_not_call')",
    );
    let conversations = count(
        "SELECT count(*) FROM calls WHERE block_id = ?1 AND outcome IN
         ('not_interested','callback','meeting','do_not_call')
         AND (duration_ms >= 60000 OR asked_for_meeting = 1)",
    );
    let meetings = count("SELECT count(*) FROM calls WHERE block_id = ?1 AND outcome = 'meeting'");
    let objections = count(
        "SELECT count(*) FROM call_objections co JOIN calls c ON c.id = co.call_id WHERE c.block_id = ?1",
    );
    assert_eq!(
        shown,
        [
            ("dials", dials),
            ("connects", connects),
            ("conversations", conversations),
            ("meetings", meetings),
            ("objections", objections),
        ],
        "the summary on screen is the block in the database"
    );
    assert_eq!((dials, connects, meetings, objections), (6, 3, 1, 2));

    // Each call is in the database with its outcome, in order, on the prospects shown.
    let mut stmt = db
        .prepare(
            "SELECT prospect_id, outcome, notes FROM calls WHERE block_id = ?1 ORDER BY started_at",
        )
        .unwrap();
    let calls: Vec<(String, String, String)> = stmt
        .query_map([&block_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        (&p1, "voicemail"),
        (&p2, "not_interested"),
        (&p3, "callback"),
        (&p4, "meeting"),
        (&p5, "no_answer"),
        (&p6, "gatekeeper"),
    ];
    assert_eq!(calls.len(), expected.len());
    for ((pid, outcome, _), (want_pid, want_outcome)) in calls.iter().zip(expected) {
        assert_eq!((pid, outcome.as_str()), (want_pid, want_outcome));
    }
    assert_eq!(
        calls[1].2, "uses spreadsheets today",
        "the note typed during the call"
    );
    let positions: Vec<(u32, String)> = {
        let mut s = db
            .prepare(
                "SELECT co.position, o.slug FROM call_objections co JOIN objections o ON o.id = co.objection_id
                 JOIN calls c ON c.id = co.call_id WHERE c.prospect_id = ?1 AND c.block_id = ?2
                 ORDER BY co.position",
            )
            .unwrap();
        s.query_map([&p2, &block_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        positions,
        vec![
            (1, "not_interested".to_string()),
            (2, "no_budget".to_string())
        ]
    );
    let callback: Option<String> = db
        .query_row(
            "SELECT callback_at FROM prospects WHERE id = ?1 AND status = 'callback'",
            [&p3],
            |r| r.get(0),
        )
        .expect("the callback prospect waits for its time");
    assert!(callback.is_some());

    // The meeting's invitation is a valid iCalendar file.
    let (ics_path, email): (String, String) = db
        .query_row(
            "SELECT ics_path, email FROM meetings m JOIN calls c ON c.id = m.call_id WHERE c.block_id = ?1",
            [&block_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the meeting and its invitation");
    let ics = std::fs::read_to_string(&ics_path).unwrap_or_else(|e| panic!("read {ics_path}: {e}"));
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT\r\n").count(), 1);
    for prop in ["UID:", "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:"] {
        assert!(ics.contains(&format!("\r\n{prop}")), "{prop} in {ics}");
    }
    assert!(ics
        .replace("\r\n ", "")
        .contains(&format!("mailto:{email}")));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
    }
    app.close();
}

/// A meeting booked for a prospect in Tokyo by a rep whose profile says UTC
/// (the zone the test machine's clock shows too): both zones on the form,
/// and both times with their zones in the invitation's text.
#[test]
fn a_meeting_in_another_zone_names_both_zones_on_screen_and_in_the_ics() {
    let env = demo_env("a_meeting_in_another_zone_names_both_zones");
    env.write_db("UPDATE reps SET time_zone = 'UTC';");
    let app = env.launch();
    start_block(&app, 30);
    let prospect = card_prospect(&app);
    // Its zone becomes known during the call (the queue draws prospects of
    // an unknown zone on any day): the app, opened again, reopens the block
    // with the call going on and reads the card again.
    start_call(&app);
    app.close();
    env.write_db(&format!(
        "UPDATE prospects SET time_zone = 'Asia/Tokyo', email = 'kenji@example.com' WHERE id = '{prospect}';"
    ));
    let app = env.launch();
    app.alt('2');
    app.wait_until("the card in Tokyo", Duration::from_secs(15), |a| {
        a.find(&By::testid("call-card")).is_some_and(|c| {
            c.attr("data-prospect-id").as_deref() == Some(prospect.as_str())
                && c.find_opt(&By::css(".local-time")).is_some()
        })
    });
    app.press("7");
    let zones = app.wait_for(&By::testid("meeting-zones")).text();
    assert!(
        zones.contains("their time")
            && zones.contains("(Asia/Tokyo)")
            && zones.contains("your time"),
        "{zones}"
    );
    app.screenshot("meeting-two-zones");
    app.press(&App::enter().to_string());
    app.wait_until("the meeting logged", Duration::from_secs(15), |a| {
        a.find(&By::testid("last-outcome"))
            .is_some_and(|l| l.text().contains(".ics"))
    });
    let db = env.open_db();
    let (ics_path, starts_at): (String, String) = db
        .query_row(
            "SELECT m.ics_path, m.starts_at FROM meetings m JOIN calls c ON c.id = m.call_id
             WHERE c.prospect_id = ?1",
            [&prospect],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the meeting and its invitation");
    let ics = std::fs::read_to_string(&ics_path)
        .unwrap_or_else(|e| panic!("read {ics_path}: {e}"))
        .replace("\r\n ", "")
        // The text as a calendar shows it (RFC 5545 escapes).
        .replace("\\;", ";")
        .replace("\\,", ",");
    let start = chrono::DateTime::parse_from_rfc3339(&starts_at)
        .expect("the meeting's start")
        .with_timezone(&chrono::Utc);
    let zone = |name: &str| callblock_core::time::parse_tz(name).expect("a zone");
    let tokyo = start.with_timezone(&zone("Asia/Tokyo"));
    let utc = start.with_timezone(&zone("UTC"));
    let theirs = tokyo.format("%H:%M JST (Asia/Tokyo; ").to_string();
    let mine = utc.format("%H:%M UTC my time, UTC)").to_string();
    assert!(ics.contains(&theirs), "{theirs} in {ics}");
    assert!(ics.contains(&mine), "{mine} in {ics}");
    assert!(
        ics.contains(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ"))),
        "the start in UTC: {ics}"
    );
    app.close();
}

#[test]
fn a_killed_app_reopens_the_running_block_with_its_call_in_progress() {
    let env = demo_env("a_killed_app_reopens_the_running_block");
    let app = env.launch();
    start_block(&app, 30);
    let first = card_prospect(&app);
    start_call(&app);
    app.press("1");
    let second = next_card(&app, &first);
    start_call(&app);
    app.press("4");
    let third = next_card(&app, &second);
    start_call(&app);
    app.press("n");
    app.wait_until("the objection", Duration::from_secs(10), |a| {
        a.text(&By::testid("objection-count")) == "1"
    });
    app.alt('n');
    app.press("asked about pricing");
    app.press(&App::escape().to_string());
    // The note is kept as it is typed (saved within a second).
    app.wait_until(
        "the draft note to be saved",
        Duration::from_secs(10),
        |_| {
            env.open_db()
                .query_row(
                    "SELECT notes FROM calls WHERE prospect_id = ?1 AND outcome IS NULL",
                    [&third],
                    |r| r.get::<_, String>(0),
                )
                .is_ok_and(|n| n == "asked about pricing")
        },
    );

    // kill -9: no chance to save anything more.
    let killed: Vec<i32> = app
        .processes()
        .iter()
        .filter(|p| p.name == "callblock")
        .map(|p| p.pid)
        .collect();
    assert_eq!(killed.len(), 1, "{:?}", app.processes());
    // SAFETY: kill has no memory-safety preconditions.
    unsafe { libc::kill(killed[0], libc::SIGKILL) };
    app.close();

    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('2');
    let shown = parse_clock(
        &app.wait_for(&By::css(r#"[data-testid="block-clock"] .big"#))
            .text(),
    );
    // The time left, from the database: planned length minus the time since the start.
    let db = env.open_db();
    let (planned, started): (u32, String) = db
        .query_row(
            "SELECT planned_seconds, started_at FROM blocks WHERE ended_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the block is still running in the database");
    let started = chrono::DateTime::parse_from_rfc3339(&started).unwrap();
    let elapsed = (chrono::Utc::now() - started.with_timezone(&chrono::Utc)).num_seconds() as u32;
    let expected = planned - elapsed;
    assert!(
        shown.abs_diff(expected) <= 5,
        "the clock shows {shown} s left; the database says {expected} s"
    );
    assert_eq!(
        card_prospect(&app),
        third,
        "the call in progress is on screen"
    );
    assert_eq!(app.text(&By::testid("objection-count")), "1");
    assert!(
        app.find(&By::css(r#"[data-testid="call-timer"] .phase[data-phase]"#))
            .is_some(),
        "its timer runs on"
    );
    app.wait_for(&By::css(".notes textarea"));
    let note = app.execute("return document.querySelector('.notes textarea').value");
    assert_eq!(
        note.as_str(),
        Some("asked about pricing"),
        "the note typed before the kill"
    );
    let outcomes: Vec<String> = {
        let mut s = db
            .prepare("SELECT outcome FROM calls WHERE outcome IS NOT NULL AND block_id = (SELECT id FROM blocks WHERE ended_at IS NULL) ORDER BY started_at")
            .unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        outcomes,
        ["no_answer", "bad_number"],
        "every outcome logged before the kill"
    );
    app.screenshot("reopened");

    // The call goes on to its outcome after the restart.
    app.press("5");
    next_card(&app, &third);
    let outcome: String = env
        .open_db()
        .query_row(
            "SELECT outcome FROM calls WHERE prospect_id = ?1 ORDER BY started_at DESC LIMIT 1",
            [&third],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outcome, "not_interested");
    app.close();
}

/// The timer's seconds as shown.
fn timer_seconds(app: &App) -> u32 {
    parse_clock(&app.text(&By::css(r#"[data-testid="call-timer"] .big"#)))
}

fn conversations_today(env: &TestEnv) -> u64 {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let out = env.cli_ok(&["report", "--from", &today, "--to", &today, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("report --json is JSON");
    v["conversations"]
        .as_u64()
        .unwrap_or_else(|| panic!("no conversations in {out}"))
}

#[test]
fn connected_starts_the_talk_the_ask_is_a_conversation_and_a_bad_number_leaves_the_next() {
    let env = demo_env("connected_ask_and_second_number");
    // Every prospect gets a second number, tried after the first.
    env.write_db(
        "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
         SELECT id, 9, 'mobile', '+1512555' || printf('%04d', rowid % 10000), 'mobile'
         FROM prospects;",
    );
    let before = conversations_today(&env);
    let app = env.launch();
    start_block(&app, 30);

    // 1. Ringing for 8 s, then Space: "Connected", and the timer starts at 0:00.
    let p1 = card_prospect(&app);
    start_call(&app);
    app.wait_for(&By::css(
        r#"[data-testid="call-timer"] .phase[data-phase="ringing"]"#,
    ));
    app.wait_for(&By::button("Connected Space"));
    std::thread::sleep(Duration::from_secs(8));
    assert!(timer_seconds(&app) >= 7, "the timer counts the ringing");
    app.screenshot("ringing");
    app.press(" ");
    app.wait_for(&By::css(
        r#"[data-testid="call-timer"] .phase[data-phase="opening"]"#,
    ));
    let at_answer = timer_seconds(&app);
    assert!(
        at_answer <= 1,
        "talk starts at 0:00 at the answer, not {at_answer} s"
    );

    // 2. The ask, marked with Alt+A, then not interested after a few seconds.
    app.alt('a');
    app.wait_for(&By::css(
        r#"button[aria-pressed="true"][aria-keyshortcuts="Alt+A"]"#,
    ));
    std::thread::sleep(Duration::from_secs(2));
    // Two objection keys pressed at once: both count, in order.
    app.press("nb");
    app.wait_until("both objections", Duration::from_secs(10), |a| {
        a.text(&By::testid("objection-count")) == "2"
    });
    app.wait_for(&By::testid("objection-timer"));
    app.screenshot("objections");
    app.press("5");
    let p2 = next_card(&app, &p1);
    let logged = app.wait_for(&By::testid("last-outcome")).text();
    assert!(logged.contains("rang 0:0"), "ring time apart: {logged}");
    let db = env.open_db();
    let (ring, talk, asked, first_at): (u32, u32, bool, u32) = db
        .query_row(
            "SELECT ring_ms, duration_ms, asked_for_meeting,
                (SELECT at_ms FROM call_objections WHERE call_id = c.id AND position = 1)
             FROM calls c WHERE prospect_id = ?1
             AND outcome = 'not_interested' ORDER BY started_at DESC LIMIT 1",
            [&p1],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the call is saved");
    assert!(
        first_at < talk,
        "an objection's time counts from the answer: {first_at} ms"
    );
    assert!((7_500..14_000).contains(&ring), "ring {ring} ms");
    assert!(
        (1_000..30_000).contains(&talk),
        "talk {talk} ms, from the answer"
    );
    assert!(asked, "the ask is recorded");
    // The header's live scoreboard counts the block as the database does.
    let (dials, conversations): (u32, u32) = db
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE asked_for_meeting OR duration_ms >= 60000)
             FROM calls WHERE outcome IS NOT NULL
               AND block_id = (SELECT id FROM blocks WHERE ended_at IS NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the block's calls");
    assert_eq!(conversations, 1);
    assert_eq!(app.text(&By::testid("score-dials")), dials.to_string());
    assert_eq!(app.text(&By::testid("score-conversations")), "1");
    drop(db);

    // 3. A bad number on the first of two numbers: the same prospect stays,
    //    the first number marked bad, the second dialable.
    start_call(&app);
    app.press("4");
    app.wait_for(&By::css(".phones li.bad"));
    app.screenshot("bad-number");
    assert_eq!(card_prospect(&app), p2, "the same prospect, next number");
    let dial_second = app.wait_for(&By::xpath(
        "//*[contains(@class, 'phones')]/li[not(contains(@class, 'bad'))]\
         //button[starts-with(normalize-space(.), 'Dial ')]",
    ));
    assert_eq!(
        dial_second.attr("disabled"),
        None,
        "the second number is dialable"
    );
    start_call(&app);
    let db = env.open_db();
    let (first_bad, second_bad): (bool, bool) = db
        .query_row(
            "SELECT (SELECT bad FROM prospect_phones WHERE prospect_id = ?1 ORDER BY position LIMIT 1),
                    (SELECT bad FROM prospect_phones WHERE prospect_id = ?1 AND position = 9)",
            [&p2],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((first_bad, second_bad), (true, false));
    let (status, dialling, second): (String, String, String) = db
        .query_row(
            "SELECT p.status, c.phone_e164,
                (SELECT e164 FROM prospect_phones WHERE prospect_id = p.id AND position = 9)
             FROM prospects p JOIN calls c ON c.prospect_id = p.id
             WHERE p.id = ?1 AND c.outcome IS NULL",
            [&p2],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(status, "attempting", "not out: a good number is left");
    assert_eq!(dialling, second, "the call dials the second number");
    drop(db);
    app.press("1");
    let p3 = next_card(&app, &p2);

    // "Do not call" is permanent: its key asks once more; Esc keeps calling.
    start_call(&app);
    app.press("8");
    let confirm = app.wait_for(&By::testid("confirm-outcome")).text();
    assert!(confirm.contains("It is permanent"), "{confirm}");
    let open_calls = |env: &TestEnv| -> i64 {
        env.open_db()
            .query_row(
                "SELECT count(*) FROM calls WHERE prospect_id = ?1 AND outcome IS NULL",
                [&p3],
                |r| r.get(0),
            )
            .expect("calls")
    };
    assert_eq!(
        open_calls(&env),
        1,
        "nothing logged before the confirmation"
    );
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("confirm-outcome"));
    let state_of = |env: &TestEnv| -> (String, i64, Option<String>) {
        env.open_db()
            .query_row(
                "SELECT status, attempts, next_attempt_at FROM prospects WHERE id = ?1",
                [&p3],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the prospect")
    };
    let p3_before = state_of(&env);
    app.press("8");
    app.wait_for(&By::testid("confirm-outcome"));
    app.press("8");
    next_card(&app, &p3);
    assert_eq!(state_of(&env).0, "do_not_call");
    assert_eq!(open_calls(&env), 0);

    // Undo (Alt+Z) takes it back: the prospect as it was, the call open
    // again on their card for the right outcome.
    app.wait_for(&By::testid("undo-outcome"));
    app.alt('z');
    app.wait_until(
        "the card of the call taken back",
        Duration::from_secs(15),
        |a| {
            a.find(&By::testid("call-card"))
                .and_then(|c| c.attr("data-prospect-id"))
                .is_some_and(|id| id == p3)
        },
    );
    assert_eq!(state_of(&env), p3_before, "the prospect's state restored");
    assert_eq!(open_calls(&env), 1, "the call is open again");
    let dnc: i64 = env
        .open_db()
        .query_row(
            "SELECT count(*) FROM do_not_call WHERE prospect_id = ?1",
            [&p3],
            |r| r.get(0),
        )
        .expect("the list");
    assert_eq!(dnc, 0, "off the do-not-call list");
    app.press("1");
    next_card(&app, &p3);
    assert_eq!(state_of(&env).0, "attempting");
    assert_eq!(open_calls(&env), 0);

    // The ask made the short call a conversation, on screen and in the report.
    app.alt('e');
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-summary"));
    assert_eq!(figure(&app, "conversations"), 1);
    app.close();
    assert_eq!(conversations_today(&env), before + 1);
}

#[test]
fn a_referral_is_called_next_the_break_follows_the_block_and_callbacks_show_outside_it() {
    let env = demo_env("referral_break_and_callbacks");
    // One callback agreed for a minute ago, a callback nobody has made yet.
    env.write_db(
        "UPDATE prospects SET status = 'callback', next_attempt_at = NULL,
             callback_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minute')
         WHERE id = (SELECT id FROM prospects WHERE status IN ('new', 'attempting')
                     AND do_not_call = 0 AND bad_number = 0 ORDER BY id LIMIT 1);",
    );
    let app = env.launch();
    let due = app.wait_for(&By::testid("callbacks-due")).text();
    assert!(
        due.contains("callback due") || due.contains("callbacks due"),
        "{due}"
    );
    start_block(&app, 30);

    // Alt+R, a name, Enter: the referral is saved and called next.
    let referrer = card_prospect(&app);
    start_call(&app);
    app.press(" ");
    app.alt('r');
    let name = app.wait_for(&By::named("Name"));
    name.type_text("Dana Ruiz");
    app.find(&By::named("What was said"))
        .expect("the note field")
        .type_text("owns the freight budget");
    app.press(&App::enter().to_string());
    app.wait_until("the referral to be saved", Duration::from_secs(10), |a| {
        a.find(&By::css(r#"form[aria-label="Referral"]"#)).is_none()
    });
    app.press("5");
    let referred = next_card(&app, &referrer);
    let card = app.wait_for(&By::testid("call-card")).text();
    assert!(card.contains("Dana Ruiz"), "{card}");
    let by = app.text(&By::testid("referred-by"));
    assert!(by.contains("owns the freight budget"), "{by}");
    let db = env.open_db();
    let (first, last, call_prospect, theme_same): (String, String, String, bool) = db
        .query_row(
            "SELECT r.first_name, r.last_name, c.prospect_id,
                r.theme_id IS (SELECT theme_id FROM prospects WHERE id = c.prospect_id)
             FROM prospects r JOIN calls c ON c.id = r.referred_by_call WHERE r.id = ?1",
            [&referred],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the referral is linked to the call it was heard on");
    assert_eq!((first.as_str(), last.as_str()), ("Dana", "Ruiz"));
    assert_eq!(call_prospect, referrer);
    assert!(theme_same, "on the referrer's theme");
    drop(db);

    // End the block: the break runs, ticked from Rust.
    app.alt('e');
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("break-panel"));
    let first_read = parse_clock(
        app.text(&By::testid("break-clock"))
            .split_whitespace()
            .next()
            .unwrap_or_default(),
    );
    assert!(
        (16 * 60..=17 * 60).contains(&first_read),
        "a 17-minute break: {first_read} s left"
    );
    app.wait_until("the break clock to tick", Duration::from_secs(10), |a| {
        let t = a.text(&By::testid("break-clock"));
        parse_clock(t.split_whitespace().next().unwrap_or("0:00")) < first_read
    });
    app.screenshot("break");
    app.close();
}

/// The setup says who is callable on each theme; a block that runs dry
/// offers the themes that still have people callable now, and one click
/// adds one without ending the block.
#[test]
fn a_block_that_runs_dry_offers_another_theme_and_goes_on() {
    let env = demo_env("block_runs_dry");
    // Texas keeps one prospect to call; the others wait.
    env.write_db(
        "CREATE TEMP TABLE keep AS SELECT min(id) AS id FROM prospects
           WHERE theme_id = (SELECT id FROM themes WHERE name = 'Texas')
             AND status = 'attempting' AND do_not_call = 0 AND bad_number = 0;
         UPDATE prospects SET next_attempt_at = '2000-01-01T00:00:00.000Z'
          WHERE id = (SELECT id FROM keep);
         UPDATE prospects SET status = 'exhausted', next_attempt_at = NULL, callback_at = NULL
          WHERE theme_id = (SELECT id FROM themes WHERE name = 'Texas')
            AND id <> (SELECT id FROM keep) AND status IN ('new', 'attempting', 'callback');",
    );
    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('2');
    let texas = By::xpath(
        "//label[contains(@class,'theme-choice')][.//span[@class='name' and normalize-space(.)='Texas']]",
    );
    app.wait_until("the callable counts", crate::harness::WAIT_TIMEOUT, |a| {
        a.find(&texas)
            .is_some_and(|l| l.text().contains("1 callable now"))
    });
    app.screenshot("setup-callable");
    // Only Texas.
    for checked in app.find_all(&By::css(".theme-choice input:checked")) {
        checked.click();
    }
    app.wait_for(&texas).find(&By::css("input")).click();
    app.wait_for(&By::named("Length (minutes)"));
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));

    let p1 = card_prospect(&app);
    start_call(&app);
    app.press("1");
    let offer = app.wait_for(&By::testid("callable-elsewhere")).text();
    assert!(offer.contains("Logistics & freight"), "{offer}");
    app.screenshot("dry-offer");
    app.wait_for(&By::button("Add Logistics & freight to this block"))
        .click();
    let p2 = next_card(&app, &p1);
    let theme: String = env
        .open_db()
        .query_row(
            "SELECT t.name FROM prospects p JOIN themes t ON t.id = p.theme_id WHERE p.id = ?1",
            [&p2],
            |r| r.get(0),
        )
        .expect("the next prospect");
    assert_eq!(theme, "Logistics & freight");
    let themes: i64 = env
        .open_db()
        .query_row(
            "SELECT count(*) FROM block_themes WHERE block_id = (SELECT id FROM blocks WHERE ended_at IS NULL)",
            [],
            |r| r.get(0),
        )
        .expect("the block's themes");
    assert_eq!(themes, 2, "the block goes on with both themes");
    app.screenshot("dry-block-went-on");
}

/// A window of 800 x 600 beside the CRM: the running block keeps every
/// control inside the window, and Lists and Review need no sideways
/// scrolling.
#[test]
fn a_narrow_window_keeps_every_control_of_a_block_on_screen() {
    let env = demo_env("narrow_window");
    let app = env.launch();
    app.resize(800, 600);
    start_block(&app, 30);
    start_call(&app);
    app.screenshot("narrow-block");
    let off = app.controls_off_screen();
    assert!(off.is_empty(), "controls past the right edge: {off:?}");
    let sideways = |app: &App| -> bool {
        app.execute(
            "const m = document.querySelector('main'); return m.scrollWidth > m.clientWidth + 1;",
        )
        .as_bool()
        .unwrap_or(true)
    };
    assert!(!sideways(&app), "the block scrolls sideways");
    app.press("1");
    for (key, name) in [('1', "narrow-lists"), ('4', "narrow-review")] {
        app.alt(key);
        app.wait_for(&By::css("main h1"));
        std::thread::sleep(Duration::from_millis(500));
        app.screenshot(name);
        assert!(!sideways(&app), "{name} scrolls sideways");
    }
}

#[test]
fn an_outcome_renamed_in_settings_is_logged_on_its_new_key_under_its_new_label() {
    let env = demo_env("an_outcome_renamed_in_settings");
    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('6');
    let label = app.wait_for(&By::named("Label for No answer"));
    label.clear();
    label.type_text("Nobody home");
    let key = app.wait_for(&By::named("Key for No answer"));
    key.clear();
    // An objection's hotkey first: said in words before saving.
    key.type_text("n");
    let problem = app
        .wait_for(&By::css("#outcome-key-problem-no_answer"))
        .text();
    assert_eq!(
        problem,
        "The key n is already the hotkey of the objection “Not interested”."
    );
    key.clear();
    key.type_text("g");
    app.wait_for_absent(&By::css("#outcome-key-problem-no_answer"));
    app.execute(r#"document.querySelector('[data-testid="outcome-words"]').scrollIntoView()"#);
    app.screenshot("settings-outcomes");
    app.wait_for(&By::button("Save settings Ctrl+S")).click();
    app.wait_until("the settings saved", Duration::from_secs(10), |a| {
        a.text(&By::testid("settings-toast")).starts_with("Saved.")
    });
    let stored: String = env
        .open_db()
        .query_row(
            "SELECT value FROM settings WHERE key = 'outcome_keys'",
            [],
            |r| r.get(0),
        )
        .expect("the outcome keys are stored");
    assert!(stored.contains(r#""no_answer":"g""#), "{stored}");

    start_block(&app, 5);
    let bar = app.wait_for(&By::css("button.outcome-no_answer")).text();
    assert_eq!(bar.trim(), "g Nobody home", "the outcome bar");
    assert_eq!(
        app.wait_for(&By::css("button.outcome-no_answer kbd"))
            .text(),
        "g"
    );
    let p1 = card_prospect(&app);
    start_call(&app);
    app.press("g");
    next_card(&app, &p1);
    let logged = app.wait_for(&By::testid("last-outcome")).text();
    assert!(
        logged.contains("· Nobody home ·") && !logged.contains("No answer"),
        "{logged}"
    );
    app.screenshot("renamed-outcome");
    let outcome: String = env
        .open_db()
        .query_row(
            "SELECT outcome FROM calls WHERE prospect_id = ?1 AND outcome IS NOT NULL
             ORDER BY started_at DESC LIMIT 1",
            [&p1],
            |r| r.get(0),
        )
        .expect("the call is logged");
    assert_eq!(
        outcome, "no_answer",
        "the database keeps the outcome's code"
    );
    app.close();
}

/// The meeting form offers the free slots of the rep's calendar (issue 18):
/// an .ics file set in the profile, with a busy morning on the next working
/// day and a meeting already booked that afternoon; neither is offered, a
/// free slot is, and choosing it books the meeting at that time.
#[test]
fn the_meeting_form_offers_the_free_slots_of_the_reps_calendar() {
    use chrono::{Datelike, TimeZone, Utc, Weekday};
    let env = demo_env("meeting_slots_calendar");
    let zone = callblock_core::time::parse_tz("Europe/Paris").expect("a zone");
    // The next working day after today, in the rep's zone (Friday's is Monday).
    let mut day = Utc::now().with_timezone(&zone).date_naive();
    loop {
        day = day.succ_opt().expect("a next day");
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            break;
        }
    }
    let at = |h: u32, m: u32| {
        zone.from_local_datetime(&day.and_hms_opt(h, m, 0).expect("a time"))
            .earliest()
            .expect("a local time that exists")
            .with_timezone(&Utc)
    };
    let booked = callblock_core::time::to_db(at(14, 0));
    // The demo's meetings out of the way, but one: that afternoon, the rep's.
    env.write_db(&format!(
        "UPDATE reps SET time_zone = 'Europe/Paris';
         UPDATE meetings SET starts_at = '2000-01-03T10:00:00.000Z';
         UPDATE meetings SET starts_at = '{booked}', duration_minutes = 30,
           rep_id = COALESCE((SELECT value FROM settings WHERE key = 'app.current_rep'),
                             (SELECT id FROM reps ORDER BY name LIMIT 1))
         WHERE id = (SELECT id FROM meetings ORDER BY id LIMIT 1);"
    ));
    let file = env.dir().join("work.ics");
    std::fs::write(
        &file,
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\nUID:review@e2e\r\n\
             DTSTART;TZID=Europe/Paris:{d}T090000\r\nDTEND;TZID=Europe/Paris:{d}T110000\r\n\
             SUMMARY:Pipeline review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            d = day.format("%Y%m%d")
        ),
    )
    .expect("write the calendar");

    let app = env.launch();
    // The profile keeps the calendar (typed: the picker is the desktop's).
    app.alt('6');
    app.wait_for(&By::css("#profile-calendar:enabled"))
        .type_text(&file.display().to_string());
    app.wait_for(&By::button("Save profile")).click();
    app.wait_until("the profile saved", Duration::from_secs(10), |a| {
        a.text(&By::testid("settings-toast"))
            .contains("Profile saved")
    });
    let kept: String = env
        .open_db()
        .query_row(
            "SELECT value FROM settings WHERE key = 'calendar_file'",
            [],
            |r| r.get(0),
        )
        .expect("the calendar setting");
    assert_eq!(
        kept,
        serde_json::to_string(&file.display().to_string()).unwrap()
    );

    app.resize(800, 600);
    start_block(&app, 30);
    start_call(&app);
    app.press("7");
    app.wait_until("the slots of the calendar", Duration::from_secs(15), |a| {
        a.find(&By::testid("slots-source"))
            .is_some_and(|s| s.text().contains("From your calendar work.ics"))
    });
    let minutes: i64 = app
        .execute(r#"return document.querySelector('form[aria-label="Meeting booked"] input[type="number"]').value"#)
        .as_str()
        .and_then(|v| v.parse().ok())
        .expect("the meeting's length");
    let offered: Vec<String> = app
        .execute(r#"return [...document.querySelectorAll('[data-testid="meeting-slots"] button.slot')].map(b => b.dataset.startsAt)"#)
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    assert!(!offered.is_empty(), "slots are offered");
    let length = chrono::Duration::minutes(minutes);
    for text in &offered {
        let start = callblock_core::time::from_db(text).expect("an instant");
        let end = start + length;
        assert!(
            !(start < at(11, 0) && at(9, 0) < end),
            "{text} is in the calendar's busy morning"
        );
        assert!(
            !(start < at(14, 30) && at(14, 0) < end),
            "{text} is on the meeting booked"
        );
    }
    let free = at(11, 0);
    let chosen = offered
        .iter()
        .find(|t| callblock_core::time::from_db(t).ok() == Some(free))
        .unwrap_or_else(|| panic!("11:00 in Paris on {day} is offered: {offered:?}"))
        .clone();
    let slot = app.wait_for(&By::css(format!(
        r#"[data-testid="meeting-slots"] button.slot[data-starts-at="{chosen}"]"#
    )));
    let name = slot.attr("aria-label").unwrap_or_default();
    assert!(
        name.contains("11:00 CE") && name.contains(&day.format("%-d").to_string()),
        "the slot is named by its day and the rep's time and zone: {name}"
    );
    app.screenshot("meeting-slots");
    let off = app.controls_off_screen();
    assert!(off.is_empty(), "controls past the right edge: {off:?}");
    assert!(
        !app.execute(
            "const m = document.querySelector('main'); return m.scrollWidth > m.clientWidth + 1;"
        )
        .as_bool()
        .unwrap_or(true),
        "the block scrolls sideways with the slots shown"
    );
    slot.click();
    app.wait_until("the slot chosen", Duration::from_secs(5), |a| {
        a.find(&By::css(format!(
            r#"button.slot[data-starts-at="{chosen}"][aria-pressed="true"]"#
        )))
        .is_some()
    });
    // "Your time" is the profile's zone, as the slots are.
    let zones = app.wait_for(&By::testid("meeting-zones")).text();
    assert!(
        zones.contains("your time") && zones.contains("(Europe/Paris)"),
        "{zones}"
    );
    let email = app.execute(r#"return document.querySelector('form[aria-label="Meeting booked"] input[type="email"]').value"#);
    if email.as_str().unwrap_or_default().is_empty() {
        app.wait_for(&By::named("E-mail"))
            .type_text("prospect@example.com");
    }
    app.wait_for(&By::css(
        r#"form[aria-label="Meeting booked"] button[type="submit"]"#,
    ))
    .click();
    app.wait_until("the meeting booked", Duration::from_secs(15), |a| {
        a.find(&By::testid("last-outcome"))
            .is_some_and(|o| o.text().contains("Meeting booked"))
    });
    let starts: String = env
        .open_db()
        .query_row(
            "SELECT m.starts_at FROM meetings m JOIN calls c ON c.id = m.call_id
             JOIN blocks b ON b.id = c.block_id WHERE b.ended_at IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("the meeting");
    assert_eq!(
        callblock_core::time::from_db(&starts).expect("an instant"),
        free,
        "the meeting starts at the slot chosen"
    );
    app.close();
}

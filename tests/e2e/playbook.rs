//! The playbook end to end: an edit in the Playbook view reaches the call
//! card, and the call records the version it used.

use std::time::Duration;

use crate::harness::{App, By, TestEnv};

const THEME: &str = "Logistics & freight";

/// The newest version of the theme's own talk track.
fn newest_version(conn: &rusqlite::Connection, theme_id: &str) -> u32 {
    conn.query_row(
        "SELECT max(v.version) FROM talk_track_versions v
         JOIN talk_tracks t ON t.id = v.talk_track_id WHERE t.theme_id = ?1",
        [theme_id],
        |r| r.get(0),
    )
    .expect("the theme's newest talk track version")
}

/// The text of the first element `css` matches, read in one script (an
/// element found first may be replaced before its text is read).
fn text_now(app: &App, css: &str) -> Option<String> {
    let script = format!(
        "const el = document.querySelector({}); return el ? el.innerText : null",
        serde_json::to_string(css).expect("a CSS string")
    );
    app.execute(&script).as_str().map(str::to_string)
}

#[test]
fn an_edited_engage_statement_reaches_the_call_card_and_the_call_records_its_version() {
    let env = TestEnv::new("an_edited_engage_statement_reaches_the_call_card");
    env.cli_ok(&["demo"]);
    let (theme_id, before) = {
        let conn = rusqlite::Connection::open(env.db()).expect("open the demo database");
        // Unknown time zones are callable on any day, so the block has a queue.
        conn.execute("UPDATE prospects SET time_zone = NULL", [])
            .expect("clear the time zones");
        let id: String = conn
            .query_row("SELECT id FROM themes WHERE name = ?1", [THEME], |r| {
                r.get(0)
            })
            .expect("the demo has the logistics theme");
        let before = newest_version(&conn, &id);
        (id, before)
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let sentence = format!(
        "Fleets like {{company}} cut their detention time in half within a quarter (check {nanos})."
    );

    let app = env.launch();
    app.wait_for(&By::nav("Main"));

    // Playbook (Alt+3), the theme, its Engage Statement.
    app.alt('3');
    app.wait_for(&By::css(format!(r#"[data-track-theme="{theme_id}"]"#)))
        .click();
    app.wait_until(
        "the theme's track in the editor",
        Duration::from_secs(10),
        |app| text_now(app, "#track-title").is_some_and(|t| t.trim() == THEME),
    );
    let engage = app.wait_for(&By::named("Engage Statement"));
    engage.clear();
    engage.type_text(&sentence);
    app.wait_for(&By::named("Change note"))
        .type_text("End-to-end test");

    // The live preview fills the new text for a prospect of the theme.
    let marker = format!("(check {nanos})");
    let preview = r#"[data-testid="preview-talk-track"] [data-section="engage_statement"]"#;
    app.wait_until(
        "the preview to show the new text",
        Duration::from_secs(10),
        |app| text_now(app, preview).is_some_and(|t| t.contains(&marker)),
    );
    let previewed = text_now(&app, preview).unwrap_or_default();
    assert!(
        !previewed.contains('{'),
        "no braces in the preview: {previewed:?}"
    );
    app.screenshot("playbook-edited");

    // Save with Ctrl+S: a new version.
    app.ctrl('s');
    let expected_version = before + 1;
    app.wait_until("the save to be confirmed", Duration::from_secs(10), |app| {
        text_now(app, r#"[data-testid="track-status"]"#)
            .is_some_and(|t| t.trim() == format!("Saved as version {expected_version}."))
    });
    app.screenshot("playbook-saved");

    // Block (Alt+2): a block on that theme only, started with Enter.
    app.alt('2');
    app.wait_for(&By::css(".block-setup form"));
    let checked = |app: &App| -> Vec<String> {
        let v = app.execute(
            "return [...document.querySelectorAll('.block-setup input[type=checkbox]')]\
             .filter(c => c.checked).map(c => c.value)",
        );
        serde_json::from_value(v).expect("the checked themes")
    };
    for el in app.find_all(&By::css(".block-setup input[type=checkbox]")) {
        let value = el.attr("value").unwrap_or_default();
        let is_checked = checked(&app).contains(&value);
        if is_checked != (value == theme_id) {
            el.click();
        }
    }
    assert_eq!(
        checked(&app),
        vec![theme_id.as_str()],
        "only {THEME} is chosen"
    );
    app.execute("document.activeElement && document.activeElement.blur(); return null");
    app.press(&App::enter().to_string());

    // The first prospect; Space starts the call.
    let card = app.wait_for(&By::testid("call-card"));
    let prospect_id = card
        .attr("data-prospect-id")
        .expect("the call card names its prospect");
    app.wait_for(&By::button("Start call Space"));
    app.press(" ");
    app.wait_for(&By::css(r#"[data-testid="call-timer"] [data-phase]"#));

    let company: String = env
        .open_db()
        .query_row(
            "SELECT company FROM prospects WHERE id = ?1",
            [&prospect_id],
            |r| r.get(0),
        )
        .expect("the prospect's company");
    let filled = sentence.replace(
        "{company}",
        if company.trim().is_empty() {
            "your company"
        } else {
            company.trim()
        },
    );
    let section = app.wait_for(&By::css(
        r#"[data-testid="talk-track"] [data-section="engage_statement"]"#,
    ));
    let shown = section.text();
    assert!(
        shown.contains(&filled),
        "the call card shows {filled:?}; it shows {shown:?}"
    );
    assert!(
        !shown.contains('{'),
        "no braces on the call card: {shown:?}"
    );
    app.screenshot("call-card");

    // Log "No answer" (1).
    app.press("1");
    app.wait_for(&By::testid("last-outcome"));
    app.screenshot("logged");

    // The call names the new version, whose Engage Statement is the saved text.
    let conn = env.open_db();
    let (outcome, version, engage_text): (String, u32, String) = conn
        .query_row(
            "SELECT c.outcome, v.version, v.engage_statement FROM calls c
             JOIN talk_track_versions v ON v.id = c.talk_track_version_id
             JOIN talk_tracks t ON t.id = v.talk_track_id
             WHERE c.prospect_id = ?1 AND t.theme_id = ?2
             ORDER BY c.started_at DESC LIMIT 1",
            rusqlite::params![prospect_id, theme_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the call and the talk track version it used");
    assert_eq!(outcome, "no_answer");
    assert!(version > 1, "a new version: {version}");
    assert_eq!(version, expected_version);
    assert_eq!(engage_text, sentence);
    app.close();
}

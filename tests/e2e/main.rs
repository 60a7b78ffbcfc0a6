//! End-to-end tests: the real Callblock binary, in a real window under Xvfb,
//! driven through tauri-driver and WebKitWebDriver. See `harness.rs`.
//!
//! Run (the UI must be built first, it is embedded):
//!
//! ```sh
//! npm --prefix ui run build
//! cargo test --features e2e --test e2e -- --test-threads=1
//! ```
//!
//! Needs (Debian 12): `xvfb`, `webkit2gtk-driver`, `imagemagick`, and
//! `cargo install tauri-driver --locked`. Screenshots and logs go to
//! `target/e2e-artifacts/<test>/`.

mod a11y;
mod block;
mod harness;
mod import;
mod plan;
mod playbook;
mod review;
mod team;

/// A real PostgreSQL server for the team store's test (the team crate's).
#[path = "../../src-tauri/team/tests/support/mod.rs"]
mod pg;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use chrono::SecondsFormat;

use harness::{describe_output, run_bounded, xpath_literal, By, El, TestEnv};

/// The rows of the Themes table in the Lists view.
const THEME_ROWS: &str = r#"table[aria-label="Themes"] tbody tr[data-theme-id]"#;
/// The count columns of the Themes table, by their `data-col`.
const COUNT_COLUMNS: [&str; 7] = [
    "prospects",
    "ready",
    "waiting",
    "callbacks_due",
    "meetings",
    "exhausted",
    "do_not_call",
];

fn main_nav() -> By {
    By::nav("Main")
}

/// A button of the main navigation, by its view's name: each is named by what
/// it shows, the view and its shortcut ("Lists Alt+1").
fn nav_button(name: &str) -> By {
    By::xpath(format!(
        "//*[self::button and span[1][normalize-space(.)={}]]",
        xpath_literal(name)
    ))
    .inside(&main_nav())
}

/// Now, as the store writes instants (`2026-11-22T09:30:00.000Z`).
fn now_db() -> String {
    chrono::Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A count as shown in a cell: digits, maybe with thousands separators.
fn parse_count(text: &str, what: &str) -> u32 {
    let digits: String = text
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, ',' | '.' | '\'' | '\u{202f}')))
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{what}: {text:?} is not a count"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ThemeCounts {
    name: String,
    prospects: u32,
    ready: u32,
    meetings: u32,
    do_not_call: u32,
}

/// Per theme id, counted straight from the tables (not through the app's code).
fn db_theme_counts(conn: &rusqlite::Connection, now: &str) -> BTreeMap<String, ThemeCounts> {
    let mut stmt = conn
        .prepare(
            "SELECT t.id, t.name,
                count(p.id),
                coalesce(sum(p.status = 'new'
                    OR (p.status = 'attempting' AND p.next_attempt_at <= ?1)), 0),
                coalesce(sum(p.status = 'meeting'), 0),
                coalesce(sum(p.status = 'do_not_call'), 0)
             FROM themes t LEFT JOIN prospects p ON p.theme_id = t.id
             WHERE t.archived_at IS NULL
             GROUP BY t.id",
        )
        .expect("prepare the theme counts");
    let rows = stmt
        .query_map([now], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ThemeCounts {
                    name: r.get(1)?,
                    prospects: r.get(2)?,
                    ready: r.get(3)?,
                    meetings: r.get(4)?,
                    do_not_call: r.get(5)?,
                },
            ))
        })
        .expect("query the theme counts");
    rows.collect::<rusqlite::Result<_>>()
        .expect("read the theme counts")
}

/// What one row of the Themes table shows.
fn screen_row(row: &El<'_>) -> (String, ThemeCounts) {
    let id = row
        .attr("data-theme-id")
        .expect("a theme row has data-theme-id");
    let name = row
        .find(&By::css(r#"th[scope="row"]"#))
        .text()
        .trim()
        .to_string();
    let mut counts = BTreeMap::new();
    for col in COUNT_COLUMNS {
        let cell = row.find(&By::css(format!(r#"td[data-col="{col}"]"#)));
        let text = cell.text();
        // "95 +12 later": ready now, and due but outside calling hours; the
        // two make the prospects due.
        let (now, later) = match text.split_once('+') {
            Some((n, l)) => (n, Some(l.trim().trim_end_matches("later"))),
            None => (text.as_str(), None),
        };
        let what = format!("theme {name:?}, column {col}");
        let n = parse_count(now, &what) + later.map_or(0, |l| parse_count(l, &what));
        counts.insert(col, n);
    }
    (
        id,
        ThemeCounts {
            name,
            prospects: counts["prospects"],
            // Ready now and later: the prospects due.
            ready: counts["ready"],
            meetings: counts["meetings"],
            do_not_call: counts["do_not_call"],
        },
    )
}

#[test]
fn lists_view_shows_demo_themes_and_counts() {
    let env = TestEnv::new("lists_view_shows_demo_themes_and_counts");
    env.cli_ok(&["demo"]);
    // `ready` grows as attempts come due, so the screen must lie between the
    // counts before the app started and after the screen was read.
    let (before, total_prospects) = {
        let conn = env.open_db();
        let total: u32 = conn
            .query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))
            .expect("count the prospects");
        (db_theme_counts(&conn, &now_db()), total)
    };
    assert_eq!(before.len(), 4, "the demo has 4 themes: {before:?}");

    let app = env.launch();
    let rows = app.wait_for_count(&By::css(THEME_ROWS), before.len());
    let screen: BTreeMap<String, ThemeCounts> = rows.iter().map(screen_row).collect();
    let after = db_theme_counts(&env.open_db(), &now_db());
    app.screenshot("lists");

    assert_eq!(
        screen.len(),
        4,
        "4 distinct theme ids on screen: {screen:?}"
    );
    assert_eq!(
        screen.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the rows are the database's themes"
    );
    for (id, shown) in &screen {
        let (b, a) = (&before[id], &after[id]);
        let theme = &b.name;
        assert_eq!(&shown.name, theme, "theme {id}: name");
        assert_eq!(shown.prospects, b.prospects, "{theme}: prospects");
        assert_eq!(shown.meetings, b.meetings, "{theme}: meetings");
        assert_eq!(shown.do_not_call, b.do_not_call, "{theme}: do not call");
        assert!(
            (b.ready..=a.ready).contains(&shown.ready),
            "{theme}: ready shows {}, the database has {} (before) to {} (after)",
            shown.ready,
            b.ready,
            a.ready
        );
    }
    let shown_total: u32 = screen.values().map(|c| c.prospects).sum();
    assert_eq!(
        shown_total, total_prospects,
        "the themes' prospects add up to all prospects"
    );

    // The Status filter's "Ready now" shows the prospects the table's
    // "Ready now" counts: the theme with the most of them, its count read
    // from the screen (the number before "+N later").
    let ready_now = |row: &El<'_>| -> u32 {
        let text = row.find(&By::css(r#"td[data-col="ready"]"#)).text();
        let now = text.split_once('+').map_or(text.as_str(), |(n, _)| n);
        parse_count(now, "ready now")
    };
    let rows = app.wait_for_count(&By::css(THEME_ROWS), before.len());
    let (row, shown_ready) = rows
        .iter()
        .map(|r| (r, ready_now(r)))
        .max_by_key(|(_, n)| *n)
        .expect("a theme row");
    let theme_id = row.attr("data-theme-id").expect("data-theme-id");
    row.find(&By::css("th button")).click();
    app.wait_for(&By::css(
        r#"section.prospects select option[value="ready"]"#,
    ))
    .click();
    app.wait_until("the Ready now page", Duration::from_secs(10), |app| {
        app.find(&By::testid("page-rows"))
            .is_some_and(|p| !p.text().contains(" from "))
            && app
                .find_all(&By::css("section.prospects tbody tr td span.status"))
                .iter()
                .all(|s| {
                    let t = s.text();
                    t == "Never called" || t == "Due for another attempt"
                })
    });
    let pager = app.text(&By::testid("page-rows"));
    let total = parse_count(
        pager.rsplit_once(" of ").map_or("", |(_, n)| n),
        "the Ready now page's total",
    );
    // Attempts come due while the test runs: at least what the table said,
    // at most that plus what came due since the app started.
    let grown = after[&theme_id]
        .ready
        .saturating_sub(before[&theme_id].ready);
    assert!(
        (shown_ready..=shown_ready + grown).contains(&total),
        "Ready now: the table says {shown_ready}, the filter shows {total} ({pager})"
    );
    // Every row shown is callable now in the database.
    let names: Vec<String> = app
        .find_all(&By::css("section.prospects tbody tr th[scope=\"row\"]"))
        .iter()
        .map(|e| e.text().trim().to_string())
        .collect();
    assert!(!names.is_empty(), "the Ready now page has rows");
    let conn = env.open_db();
    for name in &names {
        let due: bool = conn
            .query_row(
                &format!(
                    "SELECT count(*) > 0 FROM prospects p WHERE p.theme_id = ?1
                     AND trim(p.first_name || ' ' || p.last_name) = ?2 AND ({})",
                    callblock_core::lists::DUE_SQL.replace("?1", "?3")
                ),
                rusqlite::params![theme_id, name, now_db()],
                |r| r.get(0),
            )
            .expect("read the prospect");
        assert!(due, "{name} is shown as ready now but is not due");
    }
    app.screenshot("lists-ready-now");
    app.close();
}

/// A file someone might pass by mistake: a CSV of leads, a few KB.
fn not_a_database() -> Vec<u8> {
    let mut text = String::from("first_name,last_name,company,phone\n");
    for i in 0..120 {
        text.push_str(&format!(
            "Ada{i},Lovelace{i},Analytical Engines {i},+1 312 555 {:04}\n",
            i * 7
        ));
    }
    text.into_bytes()
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the database's directory")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn corrupt_database_shows_a_clear_error() {
    let env = TestEnv::with_db_file("corrupt_database_shows_a_clear_error", "leads.csv");
    let bytes = not_a_database();
    fs::write(env.db(), &bytes).expect("write the file");
    let db_dir = env
        .db()
        .parent()
        .expect("the database's directory")
        .to_path_buf();
    let untouched = |when: &str| {
        assert!(
            fs::read(env.db()).expect("read the file") == bytes,
            "{when}: the file was changed"
        );
        assert_eq!(
            file_names(&db_dir),
            ["leads.csv"],
            "{when}: files appeared next to the database"
        );
    };

    let app = env.launch();
    let alert = app.wait_for(&By::testid("db-error"));
    assert_eq!(
        alert.attr("role").as_deref(),
        Some("alert"),
        "the error is an alert"
    );
    let heading = alert
        .find(&By::css(r#"h1, h2, h3, [role="heading"]"#))
        .text();
    assert!(
        heading.contains("Callblock can't open this database"),
        "heading: {heading:?}"
    );
    let text = alert.text();
    for needle in ["can't open", "leads.csv", "not an SQLite database"] {
        assert!(
            text.contains(needle),
            "the error should say {needle:?}; it says {text:?}"
        );
    }
    assert!(
        app.find(&main_nav()).is_none(),
        "no navigation over a database that is not open"
    );
    app.screenshot("db-error");
    untouched("while the app runs");

    app.close();
    untouched("after the app closed");
}

#[test]
fn a_second_launch_focuses_the_first_window() {
    let env = TestEnv::new("a_second_launch_focuses_the_first_window");
    let app = env.launch();
    app.wait_for(&nav_button("Lists"));
    let apps_running = || {
        app.processes()
            .iter()
            .filter(|p| p.name == "callblock")
            .count()
    };
    assert_eq!(apps_running(), 1, "one app process: {:?}", app.processes());

    // Bounded: a second launch that opened its own window would never exit.
    let out = run_bounded(app.app_command(), Duration::from_secs(20));
    assert!(
        out.status.success(),
        "the second launch fails\n{}",
        describe_output(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("already open"),
        "the second launch says {stdout:?}"
    );

    // The first window is still there and answers.
    assert_eq!(
        apps_running(),
        1,
        "still one app process: {:?}",
        app.processes()
    );
    app.wait_for(&nav_button("Lists"));
    assert!(!app.title().is_empty(), "the window has a title");
    app.screenshot("after-second-launch");
    app.close();
}

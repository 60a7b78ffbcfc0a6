//! The team store end to end: a real PostgreSQL server (the team crate's
//! test server), the store created by its owner from the command line, a
//! rep who connects from Settings in the real app; the window syncs by
//! itself, says so in the sidebar, says "offline" when the server goes away
//! and catches up when it is back. The server's tables are checked behind
//! what the window says.

use std::time::Duration;

use crate::harness::{By, TestEnv};
use crate::pg::Pg;

fn sidebar_line(app: &crate::harness::App) -> String {
    app.find(&By::testid("team-status"))
        .map(|e| e.text())
        .unwrap_or_default()
}

#[test]
fn a_rep_connects_from_settings_and_the_window_syncs_by_itself() {
    let pg = Pg::start();
    let env = TestEnv::new("team_sync");
    // The store's owner creates the schema and Dana's role (another database file).
    let owner = env.dir().join("owner.db");
    let owner_db = owner.to_str().unwrap();
    let mut cmd = env.command(crate::harness::app_binary());
    cmd.args(["--db", owner_db, "team", "connect", &pg.owner_url()]);
    let out = crate::harness::run_bounded(cmd, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{}",
        crate::harness::describe_output(&out)
    );
    let mut cmd = env.command(crate::harness::app_binary());
    cmd.args([
        "--db",
        owner_db,
        "team",
        "add-rep",
        "dana",
        "--password-stdin",
    ]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"dana-pw\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        crate::harness::describe_output(&out)
    );

    env.cli_ok(&["demo"]);
    let app = env.launch();
    app.wait_for(&By::button("Settings")).click();
    let field = app.wait_for(&By::named("Team store address"));
    field.type_text(&pg.url("dana", "dana-pw"));
    app.wait_for(&By::button("Connect")).click();
    let linked = app.wait_for_within(&By::testid("team-linked"), Duration::from_secs(30));
    assert!(
        linked.text().contains("as dana (a rep"),
        "{}",
        linked.text()
    );
    let toast = app.text(&By::testid("settings-toast"));
    assert!(
        toast.starts_with(&format!(
            "Connected to dana@127.0.0.1:{}/postgres as dana (a rep).",
            pg.port
        )),
        "{toast}"
    );

    // The window pushes by itself; the sidebar says when it is done.
    app.wait_until("the sidebar to say synced", Duration::from_secs(60), |a| {
        sidebar_line(a).starts_with("Team: synced")
    });
    let db = env.open_db();
    let (mine, link_url): (i64, String) = db
        .query_row(
            "SELECT (SELECT count(*) FROM calls WHERE outcome IS NOT NULL AND rep_id = l.rep_id), l.url
             FROM team_link l",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        !link_url.contains("dana-pw"),
        "no password in the database: {link_url}"
    );
    let waiting: i64 = db
        .query_row("SELECT count(*) FROM team_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(waiting, 0);
    let in_store: i64 = pg
        .psql("SELECT count(*) FROM callblock.rows WHERE kind = 'call' AND owner = 'dana'")
        .parse()
        .unwrap();
    assert!(mine > 0);
    assert_eq!(in_store, mine, "every call of Dana's is in the team store");

    // The server goes away: the sidebar says so; it comes back: synced again.
    pg.stop_server();
    app.wait_until("the sidebar to say offline", Duration::from_secs(60), |a| {
        sidebar_line(a).starts_with("Team: offline since")
    });
    env.write_db_while_running(
        "UPDATE calls SET notes = 'asked for the deck' WHERE id = (SELECT id FROM calls WHERE outcome IS NOT NULL AND rep_id = (SELECT rep_id FROM team_link) ORDER BY started_at DESC LIMIT 1)",
    );
    pg.start_server();
    app.wait_until(
        "the sidebar to say synced again",
        Duration::from_secs(90),
        |a| sidebar_line(a).starts_with("Team: synced"),
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM callblock.rows WHERE kind = 'call' AND body->>'notes' = 'asked for the deck'"),
        "1"
    );
}

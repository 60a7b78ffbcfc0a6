//! `callblock team ...` as a user meets it, against a real PostgreSQL server
//! (the team crate's test server: Debian's postgresql, started and stopped
//! by the test): a store created by its owner, roles for a rep and a
//! manager, a rep's calls pushed, a manager's bundle landing in the store,
//! the manager's report equal to the rep's, a server that goes away.

#[path = "../src-tauri/team/tests/support/mod.rs"]
mod pg;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn callblock(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callblock"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("CALLBLOCK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run callblock");
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

struct T {
    home: tempfile::TempDir,
    pg: pg::Pg,
}

impl T {
    fn db(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }
    fn run(&self, db: &str, args: &[&str]) -> Output {
        self.run_in(db, args, None)
    }
    fn run_in(&self, db: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let db = self.db(db);
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        callblock(self.home.path(), &all, stdin)
    }
    fn ok(&self, db: &str, args: &[&str]) -> String {
        let o = self.run(db, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}{}", out(&o), err(&o));
        out(&o)
    }
    fn json(&self, db: &str, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(db, args)).unwrap()
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn rename_current_rep(db: &Path, name: &str) -> String {
    let store = callblock_core::Store::open(db).unwrap();
    let me = callblock_core::reps::current_rep(store.conn())
        .unwrap()
        .unwrap();
    store
        .conn()
        .execute("UPDATE reps SET name = ?1 WHERE id = ?2", [name, &me.id])
        .unwrap();
    me.id
}

#[test]
fn a_team_store_from_the_command_line() {
    let t = T {
        home: tempfile::tempdir().unwrap(),
        pg: pg::Pg::start(),
    };
    let port = t.pg.port;
    // The owner creates the store and the roles.
    let said = t.ok("owner.db", &["team", "connect", &t.pg.owner_url()]);
    assert!(
        said.contains(&format!(
            "Team schema version {} created.",
            callblock_team::migrate::LATEST
        )),
        "{said}"
    );
    assert!(said.contains("as callblock (a manager)"), "{said}");
    let o = t.run_in(
        "owner.db",
        &["team", "add-rep", "dana", "--password-stdin"],
        Some("dana-pw\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("dana may connect as a rep (with the password given)"),
        "{}",
        out(&o)
    );
    let o = t.run_in(
        "owner.db",
        &["team", "add-rep", "lee", "--manager", "--password-stdin"],
        Some("lee-pw\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));

    // Dana: a demo database, connected, synced.
    t.ok("dana.db", &["demo"]);
    rename_current_rep(&t.db("dana.db"), "Dana Ruiz");
    let said = t.ok(
        "dana.db",
        &["team", "connect", &t.pg.url("dana", "dana-pw")],
    );
    assert!(said.contains("Calling as Dana Ruiz."), "{said}");
    assert!(said.contains("queued to push"), "{said}");
    let status = t.ok("dana.db", &["team", "status"]);
    assert!(status.contains(&format!("Team store: postgres://dana@127.0.0.1:{port}/postgres?sslmode=disable (role dana, rep).")), "{status}");
    assert!(!status.contains("dana-pw"), "{status}");
    assert!(
        status.contains(&format!(
            "Server: reachable, team schema {}; 0 of yours there",
            callblock_team::migrate::LATEST
        )),
        "{status}"
    );
    let synced = t.json("dana.db", &["team", "sync", "--json"]);
    let pushed = synced["pushed"]["calls"].as_u64().unwrap();
    assert!(pushed > 0);
    let st = t.json("dana.db", &["team", "status", "--json"]);
    assert_eq!(st["local"]["waiting"], 0);
    assert_eq!(st["server"]["Ok"]["my_calls"].as_u64().unwrap(), pushed);

    // Sam's calls reach the store through a bundle the manager imports.
    t.ok("sam.db", &["demo", "--seed", "7"]);
    rename_current_rep(&t.db("sam.db"), "Priya Shah");
    let bundle = t.home.path().join("sam.cbbundle");
    t.ok(
        "sam.db",
        &["export", "bundle", "-o", bundle.to_str().unwrap()],
    );
    t.ok("lee.db", &["team", "connect", &t.pg.url("lee", "lee-pw")]);
    t.ok("lee.db", &["import-bundle", bundle.to_str().unwrap()]);
    let synced = t.json("lee.db", &["team", "sync", "--json"]);
    let sams = synced["pushed"]["calls"].as_u64().unwrap();
    assert!(sams > 0, "{synced}");
    assert!(
        synced["pulled"]["reps"].to_string().contains("Dana Ruiz"),
        "{synced}"
    );
    let in_store: u64 = t
        .pg
        .psql("SELECT count(*) FROM callblock.rows r JOIN callblock.reps p ON p.id = r.rep_id WHERE r.kind = 'call' AND p.name = 'Priya Shah'")
        .parse()
        .unwrap();
    assert_eq!(in_store, sams, "the bundle landed in the team store");

    // The manager publishes a theme; Dana's copy takes it in. A theme not
    // there, or a rep publishing, gets one clear line.
    let o = t.run("lee.db", &["team", "publish", "No such theme"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        err(&o).contains("no theme is named \"No such theme\" here"),
        "{}",
        err(&o)
    );
    // A name of 100,000 characters is quoted cut, not echoed whole.
    let o = t.run("lee.db", &["team", "publish", &"T".repeat(100_000)]);
    assert_ne!(o.status.code(), Some(0));
    let e = err(&o);
    assert!(
        e.contains("no theme is named \"TTTT"),
        "{}",
        &e[..e.len().min(200)]
    );
    assert!(e.len() < 400, "{} characters", e.len());
    let (theme, callable): (String, i64) = rusqlite::Connection::open(t.db("lee.db"))
        .unwrap()
        .query_row(
            "SELECT t.name, count(*) FROM themes t JOIN prospects p ON p.theme_id = t.id
             WHERE p.do_not_call = 0 GROUP BY t.id ORDER BY count(*) DESC, t.name LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let said = t.ok("lee.db", &["team", "publish", &theme]);
    assert!(
        said.contains(&format!(
            "Published {callable} prospects ({theme}) to the team"
        )),
        "{said}"
    );
    let o = t.run("dana.db", &["team", "publish", &theme]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        err(&o).contains("only a manager publishes lists to the team"),
        "{}",
        err(&o)
    );
    let said = t.ok("dana.db", &["team", "sync"]);
    // Those Dana had (her own calls' prospects, which the manager's copy
    // holds) are hers already; the others are new.
    assert!(said.contains("The team's lists: "), "{said}");
    let shared: i64 = rusqlite::Connection::open(t.db("dana.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM team_shared", [], |r| r.get(0))
        .unwrap();
    assert_eq!(shared, callable, "{said}");

    // The manager withdraws the list: a rep cannot, nothing named is one
    // clear line, and Dana's copy hears of it on its next sync.
    let o = t.run("lee.db", &["team", "withdraw"]);
    assert_ne!(o.status.code(), Some(0));
    let o = t.run("lee.db", &["team", "withdraw", "--json"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        err(&o).contains("name a theme or give --prospect ID"),
        "{}",
        err(&o)
    );
    let o = t.run("dana.db", &["team", "withdraw", &theme]);
    assert!(
        err(&o).contains("only a manager withdraws leads from the team's lists"),
        "{}",
        err(&o)
    );
    let r = t.json("lee.db", &["team", "withdraw", &theme, "--json"]);
    assert_eq!(r["prospects"].as_i64(), Some(callable), "{r}");
    assert_eq!(r["themes"][0].as_str(), Some(theme.as_str()), "{r}");
    let said = t.ok("lee.db", &["team", "withdraw", &theme]);
    assert!(
        said.contains(&format!("Nothing to withdraw ({theme})")),
        "{said}"
    );
    let said = t.ok("dana.db", &["team", "sync"]);
    assert!(
        said.contains(&format!(
            "Withdrawn from the team's lists by a manager: {callable} prospects"
        )),
        "{said}"
    );
    // Published again, the list is back.
    t.ok("lee.db", &["team", "publish", &theme]);
    t.ok("dana.db", &["team", "sync"]);
    let withdrawn: i64 = rusqlite::Connection::open(t.db("dana.db"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM team_shared WHERE withdrawn_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(withdrawn, 0);

    // The manager's playbook becomes the team's version 1; Dana takes it in.
    let said = t.ok("lee.db", &["team", "publish", "--playbook"]);
    assert!(
        said.contains("Published the playbook as team version 1"),
        "{said}"
    );
    let said = t.ok("lee.db", &["team", "publish", "--playbook"]);
    assert!(said.contains("already this one (team version 1)"), "{said}");
    let said = t.ok("dana.db", &["team", "sync"]);
    assert!(
        said.contains("Took in the team's playbook, version 1."),
        "{said}"
    );
    let said = t.ok("dana.db", &["team", "playbook"]);
    assert!(
        said.contains("Team playbook version 1 (published by lee): yours is the same."),
        "{said}"
    );
    let o = t.run("dana.db", &["team", "publish", "--playbook"]);
    assert!(
        err(&o).contains("only a manager publishes the playbook"),
        "{}",
        err(&o)
    );

    // Priya connects as her own role later: her calls, pushed by the
    // manager, are hers to read; syncing writes nothing twice.
    let o = t.run_in(
        "owner.db",
        &["team", "add-rep", "priya", "--password-stdin"],
        Some("priya-pw\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    t.ok(
        "sam.db",
        &["team", "connect", &t.pg.url("priya", "priya-pw")],
    );
    let st = t.json("sam.db", &["team", "status", "--json"]);
    assert_eq!(
        st["server"]["Ok"]["my_calls"].as_u64().unwrap(),
        sams,
        "{st}"
    );
    let synced = t.json("sam.db", &["team", "sync", "--json"]);
    assert_eq!(
        synced["pushed"]["calls"].as_u64().unwrap(),
        sams,
        "{synced}"
    );
    let calls_now: u64 = t
        .pg
        .psql("SELECT count(*) FROM callblock.rows r JOIN callblock.reps p ON p.id = r.rep_id WHERE r.kind = 'call' AND p.name = 'Priya Shah'")
        .parse()
        .unwrap();
    assert_eq!(calls_now, sams, "nothing duplicated");

    // The manager's report of Dana equals Dana's own; --team pulls first.
    let c = rusqlite::Connection::open(t.db("dana.db")).unwrap();
    c.execute("UPDATE calls SET asked_for_meeting = 1 WHERE id = (SELECT id FROM calls WHERE outcome = 'not_interested' AND duration_ms < 60000 AND asked_for_meeting = 0 AND rep_id = (SELECT rep_id FROM team_link) LIMIT 1)", [])
        .unwrap();
    drop(c);
    t.ok("dana.db", &["team", "sync"]);
    let mine = t.json("dana.db", &["report", "--rep", "Dana Ruiz", "--json"]);
    let stale = t.json("lee.db", &["report", "--rep", "Dana Ruiz", "--json"]);
    assert_ne!(
        mine["conversations"], stale["conversations"],
        "not pulled yet"
    );
    let theirs = t.json(
        "lee.db",
        &["report", "--team", "--rep", "Dana Ruiz", "--json"],
    );
    for k in ["dials", "connects", "conversations", "meetings"] {
        assert_eq!(mine[k], theirs[k], "{k}");
    }
    // Counted in the store itself, nothing pulled: the same figures, by rep too.
    let pulled = t.json("lee.db", &["report", "--team", "--by", "rep", "--json"]);
    let live = t.json(
        "lee.db",
        &["report", "--team", "--live", "--by", "rep", "--json"],
    );
    for k in [
        "dials",
        "connects",
        "conversations",
        "meetings",
        "talk_seconds",
        "groups",
    ] {
        assert_eq!(pulled[k], live[k], "{k}");
    }
    assert!(
        live["selection"]
            .as_str()
            .unwrap()
            .ends_with("(counted in the team store)"),
        "{live}"
    );
    let o = t.run("lee.db", &["report", "--live"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(err(&o).contains("--team"), "{}", err(&o));
    let o = t.run(
        "lee.db",
        &["report", "--team", "--live", "--search", "deck"],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(
        err(&o).contains("selects by period, rep, theme and outcome"),
        "{}",
        err(&o)
    );
    let o = t.run("dana.db", &["report", "--team"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--team: the role dana reads only its own calls"),
        "{}",
        err(&o)
    );

    // The server goes away: status still answers, sync says why and keeps what waits.
    let c = rusqlite::Connection::open(t.db("dana.db")).unwrap();
    c.execute("UPDATE calls SET notes = notes || ' (follow up)' WHERE id = (SELECT id FROM calls WHERE outcome IS NOT NULL AND rep_id = (SELECT rep_id FROM team_link) LIMIT 1)", [])
        .unwrap();
    drop(c);
    t.pg.stop_server();
    let status = t.ok("dana.db", &["team", "status"]);
    assert!(status.contains("Waiting to push: 1"), "{status}");
    assert!(
        status.contains("Server: cannot reach the team store at dana@127.0.0.1"),
        "{status}"
    );
    let o = t.run("dana.db", &["team", "sync"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("1 waiting stay queued and go with the next sync"),
        "{}",
        err(&o)
    );
    let status = t.ok("dana.db", &["team", "status"]);
    assert!(status.contains("Server: offline since "), "{status}");
    t.pg.start_server();
    let synced = t.json("dana.db", &["team", "sync", "--json"]);
    assert_eq!(synced["pushed"]["calls"], 1);

    // Bad input: one clear line, nothing linked.
    let o = t.run("new.db", &["team", "connect", "mysql://x@h/d"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("does not start with postgres://"),
        "{}",
        err(&o)
    );
    let o = t.run("new.db", &["team", "status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("not linked to a team store"),
        "{}",
        err(&o)
    );
    let said = t.ok("dana.db", &["team", "disconnect"]);
    assert!(said.contains("Disconnected"), "{said}");
}

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
    app.wait_for(&crate::nav_button("Settings")).click();
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

/// `callblock --db DB ARGS...` with `stdin`, in `env`'s environment; it must succeed.
fn cli_in(env: &TestEnv, db: &std::path::Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut cmd = env.command(crate::harness::app_binary());
    cmd.arg("--db").arg(db).args(args);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        crate::harness::describe_output(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A database at `path` working as a new rep `name`; with `leads`, a theme
/// "Shared logistics" of that many prospects (no known zone: callable at
/// any hour), numbered +1 415 555 03xx.
fn rep_db(path: &std::path::Path, name: Option<&str>, leads: usize) {
    use callblock_core::lists::{self, NewPhone, NewProspect};
    let store = callblock_core::Store::open(path).unwrap();
    if let Some(name) = name {
        let rep = callblock_core::reps::create_rep(store.conn(), name, None, None).unwrap();
        callblock_core::reps::set_current_rep(store.conn(), &rep.id).unwrap();
    }
    if leads > 0 {
        let t = lists::create_theme(
            store.conn(),
            "Shared logistics",
            callblock_core::domain::ThemeKind::Custom,
            "",
        )
        .unwrap();
        for i in 0..leads {
            let p = NewProspect {
                theme_id: Some(t.id.clone()),
                first_name: format!("Lead{i}"),
                last_name: "Shared".into(),
                company: format!("Freight {i}"),
                phones: vec![NewPhone {
                    kind: "direct".into(),
                    e164: Some(format!("+1415555{:04}", 300 + i)),
                    extension: None,
                    raw: format!("(415) 555-{:04}", 300 + i),
                }],
                ..NewProspect::default()
            };
            lists::insert_prospect(store.conn(), &p, chrono::Utc::now()).unwrap();
        }
    }
}

/// The shared prospects `db` called.
fn shared_called(db: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT DISTINCT c.prospect_id FROM calls c JOIN team_shared s ON s.prospect_id = c.prospect_id
             WHERE c.outcome IS NOT NULL AND c.rep_id = (SELECT rep_id FROM team_link)
             ORDER BY 1",
        )
        .unwrap();
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    ids
}

/// A second instance of the app next to the session's window, on its own
/// database: the same binary, environment and display, driven by X key
/// events as a rep's keyboard drives it (one WebDriver session at a time).
struct SecondWindow {
    child: std::process::Child,
    display: String,
    window: String,
}

/// Sends keys to one window (`xdotool`: focus it, then type).
#[derive(Clone)]
struct Keyboard {
    display: String,
    window: String,
}

fn xdotool(display: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs (the Debian package xdotool)")
}

impl SecondWindow {
    fn launch(env: &TestEnv, app: &crate::harness::App, db: &std::path::Path) -> SecondWindow {
        let log = std::fs::File::create(env.artifacts().join("second-window.log")).unwrap();
        let display = app.display();
        let child = env
            .command(crate::harness::app_binary())
            .arg("--db")
            .arg(db)
            .env("DISPLAY", &display)
            .env("GDK_BACKEND", "x11")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start the second window");
        let pid = child.id().to_string();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let window = loop {
            let out = xdotool(&display, &["search", "--onlyvisible", "--pid", &pid]);
            if let Some(w) = String::from_utf8_lossy(&out.stdout).lines().next() {
                break w.trim().to_string();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the second window did not show within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        SecondWindow {
            child,
            display,
            window,
        }
    }

    fn keyboard(&self) -> Keyboard {
        Keyboard {
            display: self.display.clone(),
            window: self.window.clone(),
        }
    }

    /// The whole screen, as a user would see it, into the test's artifacts.
    fn screenshot(&self, env: &TestEnv, name: &str) {
        let _ = std::process::Command::new("import")
            .args(["-window", "root"])
            .arg(env.artifacts().join(format!("{name}.png")))
            .env("DISPLAY", &self.display)
            .output();
    }
}

impl Keyboard {
    fn keys(&self, keys: &[&str]) {
        let out = xdotool(&self.display, &["windowfocus", "--sync", &self.window]);
        assert!(out.status.success(), "xdotool windowfocus: {out:?}");
        let mut args = vec!["key", "--clearmodifiers", "--delay", "60"];
        args.extend_from_slice(keys);
        let out = xdotool(&self.display, &args);
        assert!(out.status.success(), "xdotool key: {out:?}");
    }
}

impl Drop for SecondWindow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_reps_call_a_published_list_and_no_lead_is_called_twice() {
    const LEADS: usize = 10;
    let pg = Pg::start();
    // Dana's app; the manager's and Sam's databases live in the same place.
    let env = TestEnv::new("team_shared_list");
    let owner = env.dir().join("owner.db");
    cli_in(&env, &owner, &["team", "connect", &pg.owner_url()], "");
    for (role, pw, manager) in [
        ("dana", "dana-pw\n", false),
        ("sam", "sam-pw\n", false),
        ("lee", "lee-pw\n", true),
    ] {
        let mut args = vec!["team", "add-rep", role, "--password-stdin"];
        if manager {
            args.push("--manager");
        }
        cli_in(&env, &owner, &args, pw);
    }
    // The manager publishes the list.
    let lee = env.dir().join("lee.db");
    rep_db(&lee, None, LEADS);
    cli_in(
        &env,
        &lee,
        &["team", "connect", &pg.url("lee", "lee-pw")],
        "",
    );
    let said = cli_in(&env, &lee, &["team", "publish", "Shared logistics"], "");
    assert!(
        said.contains(&format!("Published {LEADS} prospects")),
        "{said}"
    );

    // Sam works in his own window: a second instance of the app, on his own
    // database, next to Dana's on the same display. One WebDriver session
    // at a time drives Dana's; Sam's is driven on the keyboard as a rep
    // drives it (X key events, `xdotool`), and read from his database.
    let sam = env.dir().join("sam.db");
    rep_db(&sam, Some("Sam Okafor"), 0);
    cli_in(
        &env,
        &sam,
        &["team", "connect", &pg.url("sam", "sam-pw")],
        "",
    );
    rep_db(env.db(), Some("Dana Ruiz"), 0);
    env.cli_ok(&["team", "connect", &pg.url("dana", "dana-pw")]);
    let app = env.launch();
    let sam_app = SecondWindow::launch(&env, &app, &sam);
    app.wait_until("the sidebar to say synced", Duration::from_secs(60), |a| {
        sidebar_line(a).starts_with("Team:") && !sidebar_line(a).contains("waiting")
    });
    app.wait_until("the team's list to arrive", Duration::from_secs(60), |_| {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        c.query_row("SELECT count(*) FROM team_shared", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == LEADS as i64
    });

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Set once Sam's block runs with a lead on his screen: both call at once.
    let sam_calling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sam_thread = {
        let (sam, stop, calling) = (sam.clone(), stop.clone(), sam_calling.clone());
        let window = sam_app.keyboard();
        std::thread::spawn(move || {
            let q = |sql: &str| -> i64 {
                let c = rusqlite::Connection::open(&sam).unwrap();
                c.query_row(sql, [], |r| r.get(0)).unwrap()
            };
            let until = |what: &str, secs: u64, ok: &dyn Fn() -> bool| -> bool {
                let deadline = std::time::Instant::now() + Duration::from_secs(secs);
                while std::time::Instant::now() < deadline {
                    if ok() {
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(150));
                }
                eprintln!("e2e: Sam's window: no {what} within {secs} s");
                false
            };
            // His window pulls the list by itself.
            assert!(until("shared list", 60, &|| q(
                "SELECT count(*) FROM team_shared"
            ) == LEADS as i64));
            // A block on the shared theme: Alt+2, then Enter.
            window.keys(&["alt+2"]);
            std::thread::sleep(Duration::from_millis(1500));
            window.keys(&["Return"]);
            const RUNNING: &str = "(SELECT id FROM blocks WHERE ended_at IS NULL)";
            assert!(until("block", 20, &|| q(&format!(
                "SELECT count(*) FROM {RUNNING}"
            )) == 1));
            let calls = || {
                q(&format!(
                    "SELECT count(*) FROM calls WHERE block_id IN {RUNNING}"
                ))
            };
            let logged = || {
                q(&format!(
                    "SELECT count(*) FROM calls WHERE block_id IN {RUNNING} AND outcome IS NOT NULL"
                ))
            };
            // A lead is on his screen when he holds its lease and has not
            // called it in this block.
            let lead_held = || {
                q(&format!(
                    "SELECT count(*) FROM team_leases l WHERE l.mine = 1
                       AND l.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                       AND l.prospect_id NOT IN (SELECT prospect_id FROM calls WHERE block_id IN {RUNNING})"
                )) > 0
            };
            let deadline = std::time::Instant::now() + Duration::from_secs(120);
            while !stop.load(std::sync::atomic::Ordering::SeqCst)
                && std::time::Instant::now() < deadline
            {
                if !lead_held() {
                    std::thread::sleep(Duration::from_millis(300));
                    continue;
                }
                calling.store(true, std::sync::atomic::Ordering::SeqCst);
                let before = calls();
                // Space starts the call on the card; a call takes a moment
                // (Dana calls meanwhile); 1 logs "No answer".
                window.keys(&["space"]);
                if !until("call started", 5, &|| calls() > before) {
                    continue;
                }
                std::thread::sleep(Duration::from_millis(2500));
                let done = logged();
                window.keys(&["1"]);
                assert!(until("outcome logged", 15, &|| logged() > done));
            }
            // He ends his block: Alt+E, then Enter; his window pushes it.
            window.keys(&["alt+e"]);
            std::thread::sleep(Duration::from_millis(800));
            window.keys(&["Return"]);
            assert!(until("block ended", 20, &|| q(&format!(
                "SELECT count(*) FROM {RUNNING}"
            )) == 0));
            assert!(until("everything pushed", 60, &|| q(
                "SELECT count(*) FROM team_outbox"
            ) == 0));
        })
    };

    // Dana: a block on the shared theme, on the keyboard; each lead comes up
    // as the team store leases it to her.
    app.wait_for(&By::nav("Main"));
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while !sam_calling.load(std::sync::atomic::Ordering::SeqCst) {
        assert!(
            std::time::Instant::now() < deadline,
            "Sam's window did not start calling within 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    app.alt('2');
    app.wait_for(&By::named("Length (minutes)"));
    app.press(&crate::harness::App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));
    let mut dana_calls = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // Read in one script each time: the view re-renders as leads arrive.
    let state = |a: &crate::harness::App| -> String {
        a.execute(
            "const card = document.querySelector('[data-testid=\"call-card\"]'); \
             if (card) return 'card:' + card.getAttribute('data-prospect-id'); \
             if (!document.querySelector('[data-testid=\"queue-empty\"]')) return ''; \
             return document.querySelector('[data-testid=\"waiting-for-team\"]') ? '' : 'done';",
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    loop {
        let mut now = String::new();
        app.wait_until("a lead, or nobody left", Duration::from_secs(60), |a| {
            now = state(a);
            !now.is_empty()
        });
        if now == "done" || std::time::Instant::now() > deadline {
            break;
        }
        app.press(" ");
        app.wait_for(&By::css(r#"[data-testid="call-timer"] .phase[data-phase]"#));
        // A call takes a moment; Sam calls meanwhile.
        std::thread::sleep(Duration::from_millis(1500));
        app.press("1");
        dana_calls += 1;
        app.wait_until("the outcome to be saved", Duration::from_secs(15), |a| {
            state(a) != now
        });
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    sam_thread.join().unwrap();
    // Each window as its rep sees it: Sam's on top, then Dana's once his
    // has closed (the screenshots are of the screen).
    sam_app.screenshot(&env, "sam-after-the-list");
    drop(sam_app);
    app.screenshot("dana-after-the-list");
    app.wait_until("Dana's calls to be pushed", Duration::from_secs(60), |a| {
        sidebar_line(a).starts_with("Team: synced")
    });
    app.close();

    // No lead was called by both; every lead was called.
    let (d, s) = (shared_called(env.db()), shared_called(&sam));
    assert_eq!(
        d.len(),
        dana_calls,
        "Dana's calls on the window are in her database"
    );
    assert!(
        d.iter().all(|p| !s.contains(p)),
        "called by both: {d:?} {s:?}"
    );
    assert!(
        !d.is_empty() && !s.is_empty(),
        "both reps had leads: {d:?} {s:?}"
    );
    assert_eq!(d.len() + s.len(), LEADS);
    assert_eq!(
        pg.psql(
            "SELECT count(DISTINCT body->>'prospect_id') FROM callblock.rows WHERE kind = 'call'"
        ),
        LEADS.to_string()
    );

    // The manager's Review, in a third window, shows both reps' calls.
    let manager = TestEnv::new("team_shared_list_manager");
    rep_db(manager.db(), None, 0);
    manager.cli_ok(&["team", "connect", &pg.url("lee", "lee-pw")]);
    let review = manager.launch();
    review.wait_until(
        "both reps' calls to arrive",
        Duration::from_secs(60),
        |_| {
            let c = rusqlite::Connection::open(manager.db()).unwrap();
            c.query_row("SELECT count(DISTINCT rep_id) FROM calls", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
                == 2
        },
    );
    review.wait_for(&By::nav("Main"));
    review.alt('4');
    review.wait_until("both reps in the Review", Duration::from_secs(30), |a| {
        let t = a.body_text();
        t.contains("Dana Ruiz") && t.contains("Sam Okafor")
    });
    review.screenshot("manager-review");

    // The Team tab counts the same calls in the store itself (PostgreSQL).
    review.alt('t');
    review.wait_for(&By::button("Count in the store")).click();
    let table = review.wait_for_within(
        &By::aria_label("Funnel by rep, counted in the team store"),
        Duration::from_secs(30),
    );
    let text = table.text();
    assert!(
        text.contains("Dana Ruiz") && text.contains("Sam Okafor"),
        "{text}"
    );
    let in_store: String = pg.psql("SELECT count(*) FROM callblock.calls");
    let team_dials = review.text(&By::css(
        r#"table[aria-label="Funnel by rep, counted in the team store"] tfoot td:nth-of-type(1)"#,
    ));
    assert_eq!(
        team_dials.trim(),
        in_store,
        "the team's dials are the store's calls"
    );
    review.screenshot("manager-counted-in-the-store");

    // Review's Dashboard counted in the store: the team's dials are the
    // store's calls (all time, no other filter).
    review.alt('d');
    review
        .wait_for(&By::css(
            r#"select[aria-label="Period"] option[value="all"]"#,
        ))
        .click();
    review.wait_for(&By::button("The team store, live")).click();
    // A tab counted in the store: the line says so, and `shown` holds.
    let in_the_store = |what: &str, shown: &dyn Fn(&crate::harness::App) -> bool| {
        review.wait_until(what, Duration::from_secs(30), |a| {
            a.find(&By::testid("counted-in-line"))
                .is_some_and(|l| l.text().contains("Counted in the team store (PostgreSQL)"))
                && shown(a)
        });
    };
    in_the_store("the Dashboard counted in the store", &|_| true);
    let shown = review
        .find(&By::css(
            r#"[data-testid="funnel-figures"] [data-figure="dials"] dd"#,
        ))
        .and_then(|d| d.attr("data-value"))
        .unwrap_or_default();
    let in_store: String = pg.psql("SELECT count(*) FROM callblock.calls");
    assert_eq!(
        shown,
        in_store.trim(),
        "the Dashboard's dials are the store's calls"
    );
    review.screenshot("manager-dashboard-in-the-store");
    // The Reps tab counts there too: both reps on the leaderboard.
    review.alt('r');
    in_the_store("the Reps tab counted in the store", &|a| {
        a.find(&By::css("#rv-panel-reps table"))
            .is_some_and(|t| t.text().contains("Dana Ruiz") && t.text().contains("Sam Okafor"))
    });
    review.screenshot("manager-reps-in-the-store");
    // And when to call: the prospects' local hours, counted there.
    review.alt('w');
    in_the_store("When to call counted in the store", &|a| {
        a.find(&By::css(
            r#"[data-figure="connects_by_hour"] svg[role="img"]"#,
        ))
        .is_some()
    });
    review.screenshot("manager-timing-in-the-store");
    // Call length: every call of the store in the total row.
    review.alt('l');
    let calls = in_store.trim().to_string();
    in_the_store("Call length counted in the store", &|a| {
        a.find(&By::css(
            r#"table[aria-label="Length by outcome"] tr.rv-total-row td"#,
        ))
        .is_some_and(|t| t.text().trim() == calls)
    });
    review.screenshot("manager-length-in-the-store");
    // The Blocks tab: the blocks the store holds as run (Sam's, ended).
    review.alt('b');
    let run: String = pg.psql(
        "SELECT count(*) FROM callblock.rows WHERE kind = 'block' AND body ->> 'end_reason' IS NOT NULL",
    );
    assert_ne!(run.trim(), "0", "Sam's block ended");
    in_the_store("the Blocks tab counted in the store", &|a| {
        a.find(&By::css(r#"dl[aria-label="Blocks"] dd .rv-big"#))
            .is_some_and(|d| d.text().trim() == run.trim())
    });
    review.screenshot("manager-blocks-in-the-store");
    // The Playbook: every call of the store under a talk-track version.
    review.alt('p');
    in_the_store("the Playbook counted in the store", &|a| {
        a.execute(
            "return Array.from(document.querySelectorAll(\
             'table[aria-label=\"Talk-track versions\"] tbody tr td:nth-of-type(3)'))\
             .reduce((n, td) => n + Number(td.textContent.replace(/,/g, '')), 0);",
        )
        .as_u64()
        .is_some_and(|n| n.to_string() == calls)
    });
    review.screenshot("manager-playbook-in-the-store");
    // The call log: read page by page in the store; the store's count on top.
    review.alt('c');
    in_the_store("the call log read in the store", &|a| {
        a.find(&By::testid("call-count"))
            .is_some_and(|t| t.text().trim().starts_with(&format!("{calls} call")))
            && a.find(&By::css(r#"[role="grid"] [role="row"][data-call-id]"#))
                .is_some()
    });
    assert!(
        review.find(&By::button("Export these calls")).is_none(),
        "the export reads this copy: hidden while the log reads the store"
    );
    review.screenshot("manager-call-log-in-the-store");

    // The manager takes the list off the team's lists, from the Lists view:
    // the line says what the team shares, the store marks every lead
    // withdrawn, and says so again after the next sync.
    review.alt('1');
    review.wait_for(&By::button("Shared logistics")).click();
    let line = review.wait_for_within(&By::testid("team-sharing-line"), Duration::from_secs(30));
    assert_eq!(
        line.text().trim(),
        format!("{LEADS} prospects are on the team's lists: each is leased to one rep at a time.")
    );
    review
        .wait_for(&By::button("Withdraw from the team…"))
        .click();
    review.wait_for(&By::button("Withdraw")).click();
    review.wait_until("the withdrawal to be said", Duration::from_secs(30), |a| {
        a.find(&By::testid("lists-message"))
            .is_some_and(|m| m.text().contains(&format!("Withdrew {LEADS} prospects")))
    });
    assert_eq!(
        pg.psql("SELECT count(*) FROM callblock.published WHERE kind = 'prospect' AND withdrawn_at IS NOT NULL"),
        LEADS.to_string()
    );
    assert_eq!(pg.psql("SELECT count(*) FROM callblock.leases"), "0");
    review.wait_until("the line to say withdrawn", Duration::from_secs(30), |a| {
        a.find(&By::testid("team-sharing-line")).is_some_and(|l| {
            l.text()
                .starts_with("Withdrawn from the team's lists by a manager: ")
        })
    });
    let c = rusqlite::Connection::open(manager.db()).unwrap();
    let withdrawn: i64 = c
        .query_row(
            "SELECT count(*) FROM team_shared WHERE withdrawn_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(withdrawn, LEADS as i64, "the manager's copy knows");
    review.screenshot("manager-withdrew-the-list");
}

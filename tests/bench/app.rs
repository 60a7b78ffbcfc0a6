//! Benchmarks of the real app (release build, UI embedded), printing their
//! figures; nothing here is a pass/fail test.
//!
//! - start-up: from launching the binary to the Lists view showing the demo's
//!   themes, and the memory (PSS) of all the app's processes, WebKit's
//!   included, under Xvfb;
//! - between calls: from the keystroke that logs an outcome to the next
//!   prospect drawn with a fresh call timer, measured in the page over 220+
//!   calls of one block driven through WebDriver;
//! - review: opening Review on a database of a million calls (50 reps, one
//!   year: the one `cargo bench -p callblock-core --bench review` generates,
//!   made here when missing) until the first dashboard is drawn, as the page
//!   measures it (`window.__callblockTimings.review_open_to_dashboard`), and
//!   the call log's pages at the top and deep in the list.
//!
//! - between calls with the team store on: the same block, its database
//!   linked to a PostgreSQL server that is up (a real one, pushing each call
//!   as it is logged), down (nothing listens), or silent (accepts the
//!   connection and never answers): the block must not notice.
//!
//! Run: `npm --prefix ui run build && cargo bench --features e2e --bench app`
//! (`CALLBLOCK_BENCH=startup`, `=calls`, `=calls-sync` or `=review` runs one of them).

#[path = "../e2e/harness.rs"]
mod harness;

/// A real PostgreSQL server for the team store (the team crate's test server).
#[path = "../../src-tauri/team/tests/support/mod.rs"]
mod pg;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use harness::{App, By, TestEnv};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The pid and its descendants, from /proc.
fn process_tree(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let ppid = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0);
        parents.push((pid, ppid));
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// PSS in kB of one process, from smaps_rollup.
fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn startup(runs: usize) {
    let env = TestEnv::new("bench_startup");
    env.cli_ok(&["demo"]);
    let demo = std::fs::read(env.db()).expect("the demo database");
    // One X server for every run.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb (Debian package xvfb)");
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().expect("Xvfb's stdout"))
        .read_line(&mut line)
        .expect("Xvfb's display number");
    let display = format!(":{}", line.trim());

    let (mut ready_ms, mut inner_ms, mut pss_mb) = (Vec::new(), Vec::new(), Vec::new());
    let mut breakdown = String::new();
    for run in 0..=runs {
        // A fresh copy each run: the first open of a file is part of start-up.
        let db = env.dir().join(format!("startup-{run}.db"));
        std::fs::write(&db, &demo).expect("copy the demo database");
        let started = Instant::now();
        let mut child = env
            .command(harness::app_binary())
            .arg("--db")
            .arg(&db)
            .env("DISPLAY", &display)
            .env("GDK_BACKEND", "x11")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("CALLBLOCK_REPORT_READY", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app");
        let stdout = child.stdout.take().expect("the app's stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("callblock-ready") {
                    let _ = tx.send((Instant::now(), line));
                    return;
                }
            }
        });
        let (at, line) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the Lists view never showed the demo");
        let items: u32 = field(&line, "items=").parse().unwrap_or(0);
        assert!(items > 0, "the Lists view showed no theme: {line}");
        // Let WebKit settle its processes, then read their memory.
        std::thread::sleep(Duration::from_millis(1500));
        let tree = process_tree(child.id());
        let total: u64 = tree.iter().map(|p| pss_kb(*p)).sum();
        if run == 0 {
            breakdown = tree
                .iter()
                .map(|p| format!("{} {} MB", comm(*p), pss_kb(*p) / 1024))
                .collect::<Vec<_>>()
                .join(", ");
        } else {
            // Run 0 warms the disk cache and is not counted.
            ready_ms.push((at - started).as_secs_f64() * 1000.0);
            inner_ms.push(field(&line, "ms=").parse().unwrap_or(f64::NAN));
            pss_mb.push(total as f64 / 1024.0);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    println!("start-up to the Lists view showing the demo ({runs} runs, release build, Xvfb):");
    println!(
        "  launch -> Lists with data: median {:.0} ms (min {:.0}, max {:.0}); inside the process: median {:.0} ms   (aim: < 400 ms)",
        median(&mut ready_ms.clone()),
        ready_ms.iter().cloned().fold(f64::INFINITY, f64::min),
        ready_ms.iter().cloned().fold(0.0, f64::max),
        median(&mut inner_ms)
    );
    println!(
        "  memory, PSS of the app and its WebKit processes: median {:.0} MB (max {:.0})   (aim: < 350 MB)",
        median(&mut pss_mb.clone()),
        pss_mb.iter().cloned().fold(0.0, f64::max)
    );
    println!("  processes: {breakdown}");
}

fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key))
        .unwrap_or("")
}

/// Enough fresh prospects for a long block: copies of the demo's, never called.
fn add_prospects(env: &TestEnv, copies: u32) {
    let mut sql = String::from("BEGIN;");
    for i in 0..copies {
        sql.push_str(&format!(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city, region,
                country, time_zone, industry, employees, status, created_at, updated_at)
             SELECT lower(hex(randomblob(16))) || '-{i}', theme_id, first_name, last_name || ' {i}', title,
                company, NULL, city, region, country, NULL, industry, employees, 'new',
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             FROM prospects WHERE theme_id = (SELECT id FROM themes ORDER BY name LIMIT 1)
               AND length(id) = 36;"
        ));
    }
    sql.push_str(
        "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
         SELECT p.id, 0, 'direct', '+13125550100', '312-555-0100'
         FROM prospects p WHERE NOT EXISTS (SELECT 1 FROM prospect_phones ph WHERE ph.prospect_id = p.id);
         UPDATE prospects SET time_zone = NULL;
         COMMIT;",
    );
    env.write_db(&sql);
}

/// The team store a block's database is linked to in [`between_calls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Team {
    Off,
    Up,
    Down,
    Silent,
}

/// Link the test's database to `url` as the CLI would, without asking the
/// server (it may be down or silent on purpose).
fn link(env: &TestEnv, url: &str) {
    env.write_db(&format!(
        "INSERT INTO team_link (id, url, role, rep_id, manager, team_schema, connected_at)
         SELECT 1, '{url}', 'dana', id, 0, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         FROM reps ORDER BY created_at LIMIT 1;"
    ));
}

fn between_calls(calls: usize, team: Team) {
    let env = TestEnv::new(&format!("bench_between_calls_{team:?}").to_lowercase());
    env.cli_ok(&["demo"]);
    add_prospects(&env, 3);
    let mut _server = None;
    match team {
        Team::Off => {}
        Team::Down => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            link(
                &env,
                &format!("postgres://dana@127.0.0.1:{port}/team?sslmode=disable"),
            );
        }
        Team::Silent => {
            let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
            let port = silent.local_addr().expect("its port").port();
            // Accepts every connection and never answers (the thread ends with the process).
            std::thread::spawn(move || {
                let mut held = Vec::new();
                for c in silent.incoming() {
                    held.push(c);
                }
            });
            link(
                &env,
                &format!("postgres://dana@127.0.0.1:{port}/team?sslmode=disable"),
            );
        }
        Team::Up => {
            let server = pg::Pg::start_durable();
            let owner = env.dir().join("owner.db");
            let run = |args: &[&str], stdin: Option<&str>| {
                let mut cmd = env.command(harness::app_binary());
                cmd.arg("--db").arg(&owner).args(args);
                cmd.stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = cmd.spawn().expect("run callblock");
                if let Some(s) = stdin {
                    use std::io::Write;
                    child
                        .stdin
                        .take()
                        .expect("stdin")
                        .write_all(s.as_bytes())
                        .expect("write");
                }
                drop(child.stdin.take());
                let out = child.wait_with_output().expect("callblock");
                assert!(out.status.success(), "{}", harness::describe_output(&out));
            };
            run(&["team", "connect", &server.owner_url()], None);
            run(
                &["team", "add-rep", "dana", "--password-stdin"],
                Some("dana-pw\n"),
            );
            env.cli_ok(&["team", "connect", &server.url("dana", "dana-pw")]);
            env.cli_ok(&["team", "sync"]);
            _server = Some(server);
        }
    }
    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    app.alt('2');
    // The theme the copies went to: the first by name.
    let first_theme: String = env
        .open_db()
        .query_row("SELECT id FROM themes ORDER BY name LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("a theme");
    app.execute(&format!(
        "document.querySelectorAll('.block-setup input[type=checkbox]').forEach(c => {{ if (c.checked !== (c.value === '{first_theme}')) c.click(); }});"
    ));
    let length = app.wait_for(&By::named("Length (minutes)"));
    length.clear();
    length.type_text("240");
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));
    let mut last = String::new();
    for i in 0..calls {
        let mut card = String::new();
        app.wait_until(
            &format!("call {i}: the next prospect"),
            Duration::from_secs(15),
            |a| {
                card = a
                    .find(&By::testid("call-card"))
                    .and_then(|c| c.attr("data-prospect-id"))
                    .unwrap_or_default();
                !card.is_empty() && card != last
            },
        );
        app.press(" ");
        app.wait_for(&By::css(r#"[data-testid="call-timer"] .phase[data-phase]"#));
        app.press(["1", "2", "3", "5"][i % 4]);
        last = card;
    }
    app.wait_until("the last timing", Duration::from_secs(10), |a| {
        a.execute("return (window.__callblockTimings?.outcome_to_next_card ?? []).length")
            .as_u64()
            .unwrap_or(0) as usize
            >= calls
    });
    let timings = app.execute("return window.__callblockTimings.outcome_to_next_card");
    let mut ms: Vec<f64> = timings
        .as_array()
        .expect("timings")
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let logged: u32 = env
        .open_db()
        .query_row(
            "SELECT count(*) FROM calls WHERE outcome IS NOT NULL AND block_id = (SELECT id FROM blocks WHERE ended_at IS NULL)",
            [],
            |r| r.get(0),
        )
        .expect("count the calls");
    let team_line = match team {
        Team::Off => "no team store".to_string(),
        Team::Up => {
            let waiting: i64 = env
                .open_db()
                .query_row("SELECT count(*) FROM team_outbox", [], |r| r.get(0))
                .unwrap_or(-1);
            let pushed = _server
                .as_ref()
                .map(|s| s.psql("SELECT count(*) FROM callblock.rows WHERE kind = 'call'"))
                .unwrap_or_default();
            format!("team store up: {pushed} calls in PostgreSQL, {waiting} waiting at the end")
        }
        Team::Down => "team store down (nothing listens)".to_string(),
        Team::Silent => "team store silent (accepts, never answers)".to_string(),
    };
    println!(
        "between calls, {team_line}: keystroke logging an outcome -> next prospect drawn with a fresh call timer ({} calls, {logged} in the database, release build):",
        ms.len()
    );
    println!(
        "  median {:.1} ms   p95 {:.1} ms   p99 {:.1} ms   max {:.1} ms   (targets: median < 16 ms, p95 < 33 ms)",
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        percentile(&ms, 0.99),
        ms[ms.len() - 1]
    );
    // Where the time goes, from the page's side.
    let phase = |name: &str| -> Vec<f64> {
        let mut v: Vec<f64> = app
            .execute(&format!("return window.__callblockTimings.{name} ?? []"))
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    };
    for (name, label) in [
        (
            "outcome_command",
            "the command (IPC, commit, next prospect, card)",
        ),
        ("outcome_render", "rendering the new card"),
        ("outcome_frame_wait", "waiting for the frame that paints it"),
    ] {
        let v = phase(name);
        if !v.is_empty() {
            println!(
                "    {label}: median {:.1} ms, p95 {:.1} ms",
                percentile(&v, 0.5),
                percentile(&v, 0.95)
            );
        }
    }
    app.close();
}

/// The million-call database of the core's review benchmark: found in the
/// target's tmp dir, or generated by running that benchmark (generation only).
fn review_bench_db() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let latest = callblock_core::store::LATEST;
    let find = || -> Option<std::path::PathBuf> {
        let mut found: Vec<_> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with("review-bench-g")
                        && n.ends_with("-r50.db")
                        && n.contains(&format!("-s{latest}-"))
                })
            })
            .collect();
        found.sort();
        found.pop()
    };
    if let Some(p) = find() {
        return p;
    }
    println!("review: generating the million-call database (cargo bench -p callblock-core --bench review, generation only)...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["bench", "-p", "callblock-core", "--bench", "review"])
        .env("REVIEW_BENCH_GENERATE_ONLY", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run the core's review benchmark");
    assert!(status.success(), "the core's review benchmark failed");
    find().expect("the generated database")
}

fn timings(app: &App, name: &str) -> Vec<f64> {
    app.execute(&format!(
        "return (window.__callblockTimings?.{name} ?? []).slice()"
    ))
    .as_array()
    .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
    .unwrap_or_default()
}

fn review(runs: usize) {
    let source = review_bench_db();
    let env = TestEnv::with_db_file("bench_review", "review.db");
    // A hard link when the file system allows (the app only reads it: its
    // rollups are fresh), else a copy.
    if std::fs::hard_link(&source, env.db()).is_err() {
        std::fs::copy(&source, env.db()).expect("copy the review database");
    }
    let (calls, last_day): (i64, String) = env
        .open_db()
        .query_row(
            "SELECT count(*), substr(max(started_at), 1, 10) FROM calls",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count the calls");
    let last = chrono::NaiveDate::parse_from_str(&last_day, "%Y-%m-%d").expect("a day");
    let first30 = (last - chrono::Duration::days(29))
        .format("%Y-%m-%d")
        .to_string();
    let app = env.launch();
    app.wait_for(&By::nav("Main"));
    println!(
        "review: opening Review on {calls} calls (release build, Xvfb), until the first dashboard is drawn:"
    );
    let cases = [
        (
            "all time (every call)",
            r#"{"period":"all","from":"","to":""}"#.to_string(),
        ),
        (
            "the last 30 days of the data",
            format!(r#"{{"period":"custom","from":"{first30}","to":"{last_day}"}}"#),
        ),
    ];
    for (label, period) in &cases {
        let mut inner = Vec::new();
        let mut outer = Vec::new();
        for run in 0..=runs {
            app.alt('1');
            app.wait_for(&By::css(r#"main[aria-label="Lists"]"#));
            app.execute(&format!(
                "localStorage.setItem('callblock.review.period', {period:?}); \
                 if (window.__callblockTimings) window.__callblockTimings.review_open_to_dashboard = [];"
            ));
            let t = Instant::now();
            app.alt('4');
            app.wait_until("the first dashboard", Duration::from_secs(120), |a| {
                !timings(a, "review_open_to_dashboard").is_empty()
            });
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            let ms = timings(&app, "review_open_to_dashboard")[0];
            if run == 0 {
                println!("  {label}: first open {ms:.0} ms in the page ({wall:.0} ms from the key press through WebDriver)");
            } else {
                inner.push(ms);
                outer.push(wall);
            }
        }
        let dials = app.text(&By::css(
            r#"[data-testid="funnel-figures"] [data-figure="dials"] dd"#,
        ));
        println!(
            "  {label} ({dials} dials): median {:.0} ms (min {:.0}, max {:.0}) over {runs} more opens; through WebDriver median {:.0} ms   (target: < 1000 ms)",
            median(&mut inner.clone()),
            inner.iter().cloned().fold(f64::INFINITY, f64::min),
            inner.iter().cloned().fold(0.0, f64::max),
            median(&mut outer),
        );
    }
    // The call log: the first page, then a jump to the middle of the list.
    app.alt('c');
    app.wait_for_within(
        &By::css(r#"[data-testid="call-log"] [data-row="0"][data-call-id]"#),
        Duration::from_secs(60),
    );
    let first = timings(&app, "review_call_log_page");
    let mut jumps = Vec::new();
    for f in [0.5, 0.9, 0.25, 0.75, 0.1] {
        let before = timings(&app, "review_call_log_page").len();
        app.execute(&format!(
            "const g = document.querySelector('[data-testid=\"call-log\"]'); g.scrollTop = (g.scrollHeight - g.clientHeight) * {f};"
        ));
        app.wait_until("a page deep in the log", Duration::from_secs(60), |a| {
            timings(a, "review_call_log_page").len() > before
        });
        let t = timings(&app, "review_call_log_page");
        jumps.extend_from_slice(&t[before..]);
    }
    println!(
        "  call log: first page {:.0} ms; pages read after jumping deep into the list: median {:.0} ms, max {:.0} ms ({} pages)",
        first.first().copied().unwrap_or(f64::NAN),
        median(&mut jumps.clone()),
        jumps.iter().cloned().fold(0.0, f64::max),
        jumps.len()
    );
    app.close();
}

fn main() {
    let only = std::env::var("CALLBLOCK_BENCH").unwrap_or_default();
    if !Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/dist/index.html")
        .exists()
    {
        eprintln!("build the UI first: npm --prefix ui run build");
        std::process::exit(1);
    }
    if only.is_empty() || only == "startup" {
        startup(7);
    }
    if only.is_empty() || only == "calls" {
        between_calls(220, Team::Off);
    }
    if only.is_empty() || only == "calls-sync" {
        for team in [Team::Up, Team::Down, Team::Silent] {
            between_calls(220, team);
        }
    }
    if only.is_empty() || only == "review" {
        review(5);
    }
}

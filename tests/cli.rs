//! The command line as a user meets it: exit codes, messages, and files left
//! as they were. These run the real binary without a display.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_callblock")
}

/// `callblock ARGS...` with no display, no `CALLBLOCK_DB` and a private HOME.
fn callblock(home: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("CALLBLOCK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run callblock")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
    fn run(&self, args: &[&str]) -> Output {
        callblock(self.path(), args)
    }
}

#[test]
fn help_and_version_print_and_succeed() {
    let d = Dir::new();
    let help = d.run(&["--help"]);
    assert_eq!(help.status.code(), Some(0), "{}", stderr(&help));
    let text = stdout(&help);
    for needle in ["Usage: callblock", "demo", "lists", "--db", "CALLBLOCK_DB"] {
        assert!(text.contains(needle), "--help lacks {needle:?}:\n{text}");
    }
    let version = d.run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        stdout(&version).trim(),
        format!("callblock {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_subcommand_or_flag_prints_usage_and_exits_2() {
    let d = Dir::new();
    for args in [
        &["frobnicate"][..],
        &["--frobnicate"][..],
        &["lists", "--colour"][..],
        &["demo", "--seed", "many"][..],
    ] {
        let out = d.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "callblock {args:?}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(
            err.contains("Usage:"),
            "callblock {args:?} shows usage: {err}"
        );
        assert!(
            stdout(&out).is_empty(),
            "callblock {args:?} prints nothing on stdout"
        );
    }
    // Nothing was created in the default place either.
    assert!(!d.path().join("data").exists());
}

#[test]
fn demo_fills_a_new_database_and_lists_shows_it() {
    let d = Dir::new();
    let db = d.file("demo.db");
    let db_arg = db.to_str().unwrap();
    let out = d.run(&["--db", db_arg, "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("4 themes"), "{}", stdout(&out));

    let out = d.run(&["--db", db_arg, "lists", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lists: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("lists --json is JSON");
    let rows = lists.as_array().expect("an array");
    assert_eq!(rows.len(), 4);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for row in rows {
        let name = row["theme"].as_str().unwrap();
        let (kind, n): (String, i64) = conn
            .query_row(
                "SELECT t.kind, count(p.id) FROM themes t LEFT JOIN prospects p ON p.theme_id = t.id
                 WHERE t.name = ?1 GROUP BY t.id",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(row["kind"].as_str(), Some(kind.as_str()), "{name}");
        assert_eq!(row["prospects"].as_i64(), Some(n), "{name}");
    }

    // A second demo refuses to mix into existing data.
    let again = d.run(&["--db", db_arg, "demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("only fills an empty database"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn dnc_add_marks_whoever_holds_the_number_and_dnc_list_shows_it() {
    let d = Dir::new();
    let db = d.file("demo.db");
    let db_arg = db.to_str().unwrap();
    let out = d.run(&["--db", db_arg, "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A demo prospect not on the list, and a number only they have.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (prospect, e164): (String, String) = conn
        .query_row(
            "SELECT p.id, ph.e164 FROM prospects p JOIN prospect_phones ph ON ph.prospect_id = p.id
              WHERE p.do_not_call = 0 AND ph.e164 LIKE '+1%' AND ph.extension IS NULL
                AND (SELECT count(*) FROM prospect_phones o WHERE o.e164 = ph.e164) = 1
              ORDER BY p.rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let listed_before: i64 = conn
        .query_row("SELECT count(*) FROM do_not_call", [], |r| r.get(0))
        .unwrap();

    // One value that is no number refuses the whole command: nothing added.
    let bad = d.run(&["--db", db_arg, "dnc", "add", &e164, "call me maybe"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("\"call me maybe\" is neither an e-mail address nor a valid number")
            && stderr(&bad).contains("nothing was added"),
        "{}",
        stderr(&bad)
    );
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM do_not_call"), listed_before);

    // The number typed as a rep would (national form): listed, its holder
    // marked, and said.
    let national = format!("({}) {}-{}", &e164[2..5], &e164[5..8], &e164[8..]);
    let out = d.run(&[
        "--db",
        db_arg,
        "dnc",
        "add",
        &national,
        "Stop.Calling@Example.com",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("on the do-not-call list; 1 prospect marked do-not-call"),
        "{said}"
    );
    assert!(
        said.contains("stop.calling@example.com: on the do-not-call list."),
        "{said}"
    );
    let (status, dnc): (String, bool) = conn
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [&prospect],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), dnc), ("do_not_call", true));
    let source: String = conn
        .query_row(
            "SELECT source FROM do_not_call WHERE kind = 'phone' AND value = ?1",
            [&e164],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(source, "manual");

    // Found again by its digits, as JSON.
    let digits = &e164[2..8];
    let out = d.run(&["--db", db_arg, "dnc", "list", "--search", digits, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let values: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&e164.as_str()), "{list}");
    assert_eq!(list["entries"][0]["why"], "added by hand", "{list}");
    assert_eq!(
        list["total"].as_i64(),
        Some(count("SELECT count(*) FROM do_not_call"))
    );
    // A limit outside 1 to 1000 is a usage error.
    let out = d.run(&["--db", db_arg, "dnc", "list", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn the_database_comes_from_the_flag_then_the_environment_then_the_default() {
    let d = Dir::new();
    let from_env = d.file("env.db");
    let out = Command::new(bin())
        .args(["info", "--json"])
        .env("HOME", d.path())
        .env("XDG_DATA_HOME", d.path().join("data"))
        .env("CALLBLOCK_DB", &from_env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["database"].as_str(), from_env.to_str());
    assert!(from_env.exists());

    let out = d.run(&["info", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let default = d.path().join("data/app.callblock.desktop/callblock.db");
    assert_eq!(info["database"].as_str(), default.to_str());
    assert!(default.exists());
}

/// The one-line error for `file`, checked to name it, and the file unchanged.
fn refused(d: &Dir, file: &Path, bytes: &[u8], args: &[&str], needle: &str) {
    let mut full = vec!["--db", file.to_str().unwrap()];
    full.extend_from_slice(args);
    let out = d.run(&full);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "callblock {full:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("callblock: error: "), "{err}");
    assert!(
        err.contains(file.to_str().unwrap()),
        "names the file: {err}"
    );
    assert!(err.contains(needle), "says {needle:?}: {err}");
    assert_eq!(
        std::fs::read(file).unwrap(),
        bytes,
        "the file is byte-for-byte unchanged"
    );
    let siblings: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(file.file_name().unwrap().to_str().unwrap()))
        .collect();
    assert_eq!(
        siblings.len(),
        1,
        "no files appeared beside it: {siblings:?}"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let d = Dir::new();
    let file = d.file("contacts.csv");
    let bytes = b"First Name,Last Name,Phone\nAda,Lovelace,+1 312 555 0100\n".repeat(20);
    std::fs::write(&file, &bytes).unwrap();
    for args in [&["lists"][..], &["demo"][..], &["info"][..]] {
        refused(&d, &file, &bytes, args, "not an SQLite database");
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let d = Dir::new();
    let file = d.file("newer.db");
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA application_id = {}; CREATE TABLE future (x); PRAGMA user_version = 999;",
            u32::from_be_bytes(*b"CBlk") as i32
        ))
        .unwrap();
    }
    let bytes = std::fs::read(&file).unwrap();
    for args in [&["lists"][..], &["demo"][..]] {
        refused(&d, &file, &bytes, args, "newer version of Callblock");
    }
}

#[test]
fn opening_the_window_without_a_display_is_a_clear_error() {
    let d = Dir::new();
    let db = d.file("x.db");
    let out = d.run(&["--db", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no display"), "{}", stderr(&out));
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn a_display_that_cannot_be_opened_is_a_clear_error_not_a_panic() {
    let d = Dir::new();
    let db = d.file("x.db");
    let out = Command::new(bin())
        .args(["--db", db.to_str().unwrap()])
        .env("HOME", d.path())
        .env("XDG_DATA_HOME", d.path().join("data"))
        .env("XDG_RUNTIME_DIR", d.path())
        .env("DISPLAY", ":987")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CALLBLOCK_DB")
        .output()
        .expect("run callblock");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the display \":987\" cannot be opened"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

/// Every row of the playbook's tables, to see that nothing changed.
fn playbook_rows(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for (table, cols) in [
        ("talk_tracks", "id, theme_id, name"),
        (
            "talk_track_versions",
            "id, talk_track_id, version, engage_statement, change_note",
        ),
        (
            "objections",
            "id, slug, label, hotkey, position, archived_at",
        ),
        (
            "objection_responses",
            "id, objection_id, theme_id, version, response",
        ),
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT {cols} FROM {table} ORDER BY id"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = format!("{table}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!(" {v:?}"));
                }
                Ok(line)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// A playbook file without the `exported_at` stamp and version numbers,
/// which differ between databases.
fn playbook_content(file: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v["exported_at"] = serde_json::Value::Null;
    for t in v["talk_tracks"].as_array_mut().unwrap() {
        t["version"] = serde_json::Value::Null;
    }
    v
}

#[test]
fn a_playbook_travels_between_two_databases() {
    use callblock_core::playbook;
    let d = Dir::new();
    let (a, b) = (d.file("a.db"), d.file("b.db"));
    for db in [&a, &b] {
        let out = d.run(&["--db", db.to_str().unwrap(), "demo"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // A improves its playbook: the logistics Engage Statement, the default
    // opener, a new objection.
    let logistics_text = "Fleets like {company} lose a day a week to paperwork.";
    {
        let mut store = callblock_core::Store::open(&a).unwrap();
        store
            .write(|tx| {
                let theme: String = tx.query_row(
                    "SELECT id FROM themes WHERE name = 'Logistics & freight'",
                    [],
                    |r| r.get(0),
                )?;
                let mut s = playbook::own_talk_track(tx, Some(&theme))?
                    .unwrap()
                    .sections;
                s.engage_statement = logistics_text.into();
                playbook::save_talk_track(tx, Some(&theme), "x", &s, "shorter", None)?;
                let mut d = playbook::own_talk_track(tx, None)?.unwrap().sections;
                d.opener = "Hello {first_name}, {rep_name} here.".into();
                playbook::save_talk_track(tx, None, "x", &d, "", None)?;
                playbook::create_objection(
                    tx,
                    "We're locked into a contract",
                    Some("k"),
                    "Most are. Let's meet before the renewal. Tuesday?",
                    None,
                )?;
                Ok::<_, callblock_core::Error>(())
            })
            .unwrap();
    }
    let file = d.file("team.callblock-playbook.json");
    let out = d.run(&[
        "--db",
        a.to_str().unwrap(),
        "playbook",
        "export",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Playbook exported to"),
        "{}",
        stdout(&out)
    );
    // Exporting again over the file needs --force.
    let again = d.run(&[
        "--db",
        a.to_str().unwrap(),
        "playbook",
        "export",
        file.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    // A dry run reports and changes nothing.
    let before = playbook_rows(&b);
    let out = d.run(&[
        "--db",
        b.to_str().unwrap(),
        "playbook",
        "import",
        file.to_str().unwrap(),
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["new_versions"], 2, "{report:#}");
    assert_eq!(report["created"], 2, "{report:#}");
    assert_eq!(playbook_rows(&b), before, "a dry run writes nothing");

    // The import brings B's playbook to A's.
    let out = d.run(&[
        "--db",
        b.to_str().unwrap(),
        "playbook",
        "import",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Imported: 2 created, 2 new versions"),
        "{text}"
    );
    assert!(text.contains("new version v3  talk track"), "{text}");
    let conn = rusqlite::Connection::open(&b).unwrap();
    let (version, engage): (u32, String) = conn
        .query_row(
            "SELECT v.version, v.engage_statement FROM talk_track_versions v
             JOIN talk_tracks t ON t.id = v.talk_track_id JOIN themes th ON th.id = t.theme_id
             WHERE th.name = 'Logistics & freight' ORDER BY v.version DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, engage.as_str()), (3, logistics_text));
    let back = d.file("back.json");
    let out = d.run(&[
        "--db",
        b.to_str().unwrap(),
        "playbook",
        "export",
        back.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["objections"], 8);
    assert_eq!(playbook_content(&back), playbook_content(&file));

    // Importing the same file again changes nothing.
    let before = playbook_rows(&b);
    let out = d.run(&[
        "--db",
        b.to_str().unwrap(),
        "playbook",
        "import",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Nothing to change"),
        "{}",
        stdout(&out)
    );
    assert_eq!(playbook_rows(&b), before);
}

#[test]
fn a_malformed_or_foreign_playbook_file_is_refused_and_nothing_changes() {
    let d = Dir::new();
    let db = d.file("team.db");
    let out = d.run(&["--db", db.to_str().unwrap(), "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = playbook_rows(&db);
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "broken.json",
            "{\"format\": \"callblock-playbook\", \"format_version\": 1,\n  \"talk_tracks\": [,]}",
            &["line 2"],
        ),
        (
            "other.json",
            "{\"format\": \"crm-export\", \"rows\": []}",
            &["crm-export"],
        ),
        ("leads.csv", "first_name,company\nAda,Acme\n", &["JSON"]),
        (
            "future.json",
            "{\"format\": \"callblock-playbook\", \"format_version\": 99, \"exported_at\": \"\", \
             \"app_version\": \"9\", \"talk_tracks\": [], \"objections\": []}",
            &["99"],
        ),
    ];
    for (name, text, needles) in cases {
        let file = d.file(name);
        std::fs::write(&file, text).unwrap();
        for dry in [true, false] {
            let mut args = vec![
                "--db",
                db.to_str().unwrap(),
                "playbook",
                "import",
                file.to_str().unwrap(),
            ];
            if dry {
                args.push("--dry-run");
            }
            let out = d.run(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
            assert!(err.starts_with("callblock: error: "), "{err}");
            assert!(
                err.contains(file.to_str().unwrap()),
                "names the file: {err}"
            );
            assert!(err.contains("nothing was imported"), "{err}");
            for n in needles {
                assert!(err.contains(n), "{name}: says {n:?}: {err}");
            }
            assert!(stdout(&out).is_empty());
        }
    }
    let missing = d.file("missing.json");
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "playbook",
        "import",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.json"), "{}", stderr(&out));
    assert_eq!(playbook_rows(&db), before, "the database is unchanged");
}

// -- Plan and schedule ----------------------------------------------------------

/// A demo database in `d` and its path as an argument.
fn demo_db(d: &Dir) -> String {
    let db = d.file("demo.db");
    let out = d.run(&["--db", db.to_str().unwrap(), "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db.to_str().unwrap().to_string()
}

#[test]
fn reports_use_the_reps_outcome_labels_and_exports_keep_the_codes() {
    use callblock_core::domain::Outcome;
    let d = Dir::new();
    let db = demo_db(&d);
    {
        let mut store = callblock_core::Store::open(Path::new(&db)).unwrap();
        let mut s = callblock_core::settings::load(store.conn()).unwrap();
        s.outcome_labels.insert(Outcome::Meeting, "Demo set".into());
        s.outcome_keys.insert(Outcome::Meeting, "m".into());
        callblock_core::api::settings::save(&mut store, &s).unwrap();
    }
    let out = d.run(&["--db", &db, "report", "--by", "outcome"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Demo set"), "{text}");
    assert!(!text.contains("Meeting booked"), "{text}");
    let out = d.run(&["--db", &db, "report", "--outcome", "meeting"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("outcome Demo set"),
        "{}",
        stdout(&out)
    );
    // The export keeps the stable code.
    let out = d.run(&["--db", &db, "export", "calls", "--outcome", "meeting"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.lines().count() > 1, "{csv}");
    for line in csv.lines().skip(1) {
        assert!(line.contains(",meeting,"), "{line}");
        assert!(!line.contains("Demo set"), "{line}");
    }
}

/// `x` rounded up, forgiving float noise as the plan does (3 / 0.05 is 60).
fn ceil(x: f64) -> u64 {
    (x - 1e-9 * x.abs().max(1.0)).ceil().max(0.0) as u64
}

fn plan_json(d: &Dir, db: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--db", db, "plan", "--json"];
    args.extend_from_slice(extra);
    let out = d.run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "plan {extra:?}: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("plan --json is JSON")
}

#[test]
fn plan_json_has_every_figure_and_its_arithmetic_holds() {
    let d = Dir::new();
    let db = demo_db(&d);
    let p = plan_json(&d, &db, &["--quota", "120,000", "--deal-size", "15000"]);
    let n = |k: &str| {
        p[k].as_u64()
            .unwrap_or_else(|| panic!("{k} is a count: {}", p[k]))
    };
    let f = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{k}: {}", p[k]));
    let rate = |k: &str| {
        let r = &p["rates"][k];
        let source = r["source"].as_str().unwrap_or_default().to_string();
        assert!(
            ["history", "benchmark", "assumption", "user"].contains(&source.as_str()),
            "{k}: {r}"
        );
        (r["value"].as_f64().unwrap(), source)
    };
    assert_eq!(p["rep"], "Alex Rivera");
    assert_eq!(p["period"], "month");
    assert_eq!(
        (f("quota"), f("deal_size"), f("close_ratio")),
        (120_000.0, 15_000.0, 4.0)
    );
    let (m2o, m2o_src) = rate("meeting_to_opportunity");
    let (c2m, _) = rate("conversation_to_meeting");
    let (k2c, _) = rate("connect_to_conversation");
    let (d2k, d2k_src) = rate("dial_to_connect");
    let (dpb, _) = rate("dials_per_block");
    assert_eq!(m2o_src, "assumption");
    // The demo rep has hundreds of calls: the dial-to-connect rate is theirs.
    assert_eq!(d2k_src, "history");
    assert!(
        p["rates"]["dial_to_connect"]["history_denominator"]
            .as_u64()
            .unwrap()
            >= 30
    );

    assert_eq!(n("wins"), 8);
    assert_eq!(n("opportunities"), 32);
    assert_eq!(n("meetings"), ceil(32.0 / m2o));
    assert_eq!(n("conversations"), ceil(n("meetings") as f64 / c2m));
    assert_eq!(n("connects"), ceil(n("conversations") as f64 / k2c));
    assert_eq!(n("dials"), ceil(n("connects") as f64 / d2k));
    assert_eq!(n("blocks"), ceil(n("dials") as f64 / dpb));
    let weeks = f("weeks");
    assert!((weeks - n("working_days") as f64 / 5.0).abs() < 1e-9);
    assert_eq!(n("blocks_per_week"), ceil(n("blocks") as f64 / weeks));
    assert_eq!(
        p["per_week"]["dials"].as_u64().unwrap(),
        ceil(n("dials") as f64 / weeks)
    );
    assert_eq!(
        p["per_working_day"]["meetings"].as_u64().unwrap(),
        ceil(n("meetings") as f64 / n("working_days") as f64)
    );
    let hours = n("blocks_per_week") as f64 * 52.0 / 60.0;
    assert!((f("selling_hours_share") - hours / 40.0).abs() < 1e-9);
    assert!(p["saved_plan_id"].is_null() && p["progress"].is_null());

    // The rep's own rates: each flag sets one, labelled as theirs.
    let p = plan_json(
        &d,
        &db,
        &[
            "--quota",
            "60000",
            "--deal-size",
            "15000",
            "--close-ratio",
            "4",
            "--rate-opportunity",
            "0.5",
            "--rate-meeting",
            "0.25",
            "--rate-conversation",
            "0.5",
            "--rate-connect",
            "0.1",
            "--period",
            "month",
        ],
    );
    for k in [
        "meeting_to_opportunity",
        "conversation_to_meeting",
        "connect_to_conversation",
        "dial_to_connect",
    ] {
        assert_eq!(p["rates"][k]["source"], "user", "{k}");
    }
    // 4 wins, 16 opportunities, 32 meetings, 128 conversations, 256 connects, 2,560 dials.
    let got: Vec<u64> = [
        "wins",
        "opportunities",
        "meetings",
        "conversations",
        "connects",
        "dials",
    ]
    .iter()
    .map(|k| p[*k].as_u64().unwrap())
    .collect();
    assert_eq!(got, [4, 16, 32, 128, 256, 2560]);
}

#[test]
fn impossible_plan_inputs_are_refused_with_a_clear_message() {
    let d = Dir::new();
    let db = demo_db(&d);
    for (args, needle) in [
        (
            &["--deal-size", "0"][..],
            "deal size: must be more than 0; got 0",
        ),
        (
            &["--deal-size", "-5000"][..],
            "deal size: must be more than 0; got -5000",
        ),
        (
            &["--close-ratio", "0.5"][..],
            "close ratio: must be at least 1",
        ),
        (
            &["--rate-connect", "1.5"][..],
            "--rate-connect: must be more than 0 and at most 1",
        ),
        (
            &["--rate-meeting", "0"][..],
            "--rate-meeting: must be more than 0 and at most 1",
        ),
        (
            &["--rate-opportunity", "-0.2"][..],
            "--rate-opportunity: must be more than 0",
        ),
        (&["--quota", "-1"][..], "quota: must be more than 0"),
    ] {
        let mut all = vec!["--db", db.as_str(), "plan", "--save"];
        for (flag, value) in [("--quota", "60000"), ("--deal-size", "15000")] {
            if !args.contains(&flag) {
                all.extend([flag, value]);
            }
        }
        all.extend_from_slice(args);
        let out = d.run(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("callblock: error: "), "{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(stdout(&out).is_empty());
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let plans: i64 = conn
        .query_row("SELECT count(*) FROM plans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(plans, 0, "nothing refused was saved");

    // Not a number, or not a period: usage errors.
    for args in [
        &["--quota", "lots", "--deal-size", "1"][..],
        &["--close-ratio", "four"][..],
        &["--period", "year"][..],
    ] {
        let mut all = vec!["--db", db.as_str(), "plan"];
        all.extend_from_slice(args);
        let out = d.run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Usage: callblock plan"),
            "{}",
            stderr(&out)
        );
    }
    // No plan saved and no quota: say what to pass.
    let out = d.run(&["--db", &db, "plan"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("pass --quota AMOUNT and --deal-size AMOUNT"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_saved_plan_is_shown_with_its_progress_and_a_database_without_a_rep_is_refused() {
    let d = Dir::new();
    let db = demo_db(&d);
    let saved = plan_json(
        &d,
        &db,
        &[
            "--quota",
            "90k",
            "--deal-size",
            "15000",
            "--period",
            "quarter",
            "--save",
        ],
    );
    let id = saved["saved_plan_id"]
        .as_str()
        .expect("the saved plan's id")
        .to_string();
    let shown = plan_json(&d, &db, &[]);
    assert_eq!(shown["saved_plan_id"].as_str(), Some(id.as_str()));
    assert_eq!(shown["period"], "quarter");
    assert_eq!(shown["dials"], saved["dials"]);
    let progress = &shown["progress"];
    let stages: Vec<&str> = progress["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["dials", "connects", "conversations", "meetings"]);
    assert!(!progress["summary"].as_str().unwrap().is_empty());
    assert_eq!(progress["stages"][0]["target"], shown["dials"]);
    // The text form says the same.
    let out = d.run(&["--db", &db, "plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Plan for Alex Rivera: the quarter of"),
        "{text}"
    );
    assert!(
        text.contains(progress["summary"].as_str().unwrap()),
        "{text}"
    );

    let empty = d.file("empty.db");
    let out = d.run(&[
        "--db",
        empty.to_str().unwrap(),
        "plan",
        "--quota",
        "1",
        "--deal-size",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("there is no rep in this database yet"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_plan_counts_wins_to_date_and_the_open_pipeline_and_splits_the_selling_hours() {
    let d = Dir::new();
    let db = demo_db(&d);
    let rates = [
        "--rate-opportunity",
        "0.5",
        "--rate-meeting",
        "0.25",
        "--rate-conversation",
        "0.5",
        "--rate-connect",
        "0.1",
        "--dials-per-block",
        "26",
        "--period",
        "quarter",
    ];
    let mut args = vec![
        "--quota",
        "120k",
        "--deal-size",
        "15000",
        "--won-to-date",
        "30,000",
        "--open-pipeline",
        "60k",
        "--save",
    ];
    args.extend_from_slice(&rates);
    let p = plan_json(&d, &db, &args);
    // 120,000 - 30,000 won - 60,000 / 4 expected = 75,000 to find: 5 wins, 20 opportunities.
    let c = &p["cover"];
    assert_eq!(
        (
            c["won_to_date"].as_f64(),
            c["remaining_quota"].as_f64(),
            c["expected_from_pipeline"].as_f64(),
            c["to_find"].as_f64(),
            c["covered"].as_bool()
        ),
        (
            Some(30_000.0),
            Some(90_000.0),
            Some(15_000.0),
            Some(75_000.0),
            Some(false)
        )
    );
    assert_eq!(
        (p["wins"].as_u64(), p["opportunities"].as_u64()),
        (Some(5), Some(20))
    );
    // The hours: blocks with their breaks, no prep slot in the demo, 30-minute meetings.
    let h = &p["hours"];
    let acts = h["activities"].as_array().expect("activities");
    let names: Vec<&str> = acts
        .iter()
        .map(|a| a["activity"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prospecting", "prep", "meetings", "other"]);
    let week = |i: usize| acts[i]["hours_per_week"].as_f64().unwrap();
    let bpw = p["blocks_per_week"].as_f64().unwrap();
    assert!((week(0) - bpw * 69.0 / 60.0).abs() < 1e-9, "{}", acts[0]);
    assert_eq!(week(1), 0.0);
    let mpw = p["per_week"]["meetings"].as_f64().unwrap();
    assert!((week(2) - mpw * 30.0 / 60.0).abs() < 1e-9, "{}", acts[2]);
    let year: f64 = acts
        .iter()
        .map(|a| a["hours_per_year"].as_f64().unwrap())
        .sum();
    assert!((year - 1760.0).abs() < 1e-6, "{year}");
    assert_eq!(h["over_by_hours_per_week"].as_f64(), Some(0.0));

    // Saved with the plan: shown again without the flags, in text too.
    let shown = plan_json(&d, &db, &[]);
    assert_eq!(shown["saved_plan_id"], p["saved_plan_id"]);
    assert_eq!(shown["cover"]["open_pipeline"].as_f64(), Some(60_000.0));
    let out = d.run(&["--db", &db, "plan"]);
    let text = stdout(&out);
    assert!(
        text.contains("75,000 is left to find in new opportunities"),
        "{text}"
    );
    assert!(
        text.contains("Selling hours: 1,760 a year = 40 a week over 44 weeks."),
        "{text}"
    );
    assert!(text.contains("Other work"), "{text}");
    assert!(text.contains("NEEDED"), "{text}");

    // Covered: said plainly, no table of zeros.
    let mut args = vec![
        "--quota",
        "120k",
        "--deal-size",
        "15000",
        "--won-to-date",
        "100k",
        "--open-pipeline",
        "80k",
    ];
    args.extend_from_slice(&rates);
    let p = plan_json(&d, &db, &args);
    assert_eq!(p["cover"]["covered"].as_bool(), Some(true));
    assert_eq!(
        (p["wins"].as_u64(), p["dials"].as_u64()),
        (Some(0), Some(0))
    );
    let mut all = vec!["--db", db.as_str(), "plan"];
    all.extend_from_slice(&args);
    let out = d.run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Nothing more is needed to hit it"), "{text}");
    assert!(!text.contains("NEEDED"), "{text}");

    // Refused with the flag named; nothing saved.
    for (flag, needle) in [
        ("--won-to-date", "--won-to-date: must be 0 or more"),
        ("--open-pipeline", "--open-pipeline: must be 0 or more"),
    ] {
        let out = d.run(&[
            "--db",
            &db,
            "plan",
            "--quota",
            "1",
            "--deal-size",
            "1",
            flag,
            "-5",
            "--save",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
    }
    let shown = plan_json(&d, &db, &[]);
    assert_eq!(shown["cover"]["won_to_date"].as_f64(), Some(30_000.0));
}

#[test]
fn the_schedule_exports_as_an_ics_file() {
    let d = Dir::new();
    let db = demo_db(&d);
    let file = d.file("week.ics");
    let file_arg = file.to_str().unwrap();
    let out = d.run(&["--db", &db, "schedule", "export", "-o", file_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no slots to export"),
        "{}",
        stderr(&out)
    );
    assert!(!file.exists());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone,
                theme_id, created_at)
             SELECT 'slot-1', id, 'block', 1, 540, 52, 'America/Chicago', NULL,
                '2026-01-01T00:00:00.000Z' FROM reps WHERE name = 'Alex Rivera'",
            [],
        )
        .unwrap();
    }
    let out = d.run(&["--db", &db, "schedule", "export", "-o", file_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 block slot, 0 preparation slots"),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=TU"), "{text}");
    assert!(text.contains("UID:slot-1@callblock"), "{text}");
    let again = d.run(&["--db", &db, "schedule", "export", "-o", file_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("pass --force"),
        "{}",
        stderr(&again)
    );
    let forced = d.run(&["--db", &db, "schedule", "export", "-o", file_arg, "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    let list = d.run(&["--db", &db, "schedule", "list"]);
    assert!(
        stdout(&list).contains("Tue 09:00-09:52  block"),
        "{}",
        stdout(&list)
    );
}

// -- Review: report, export, bundles ------------------------------------------------

mod review {
    use super::*;
    use callblock_core::block::{insert_finished_block, FinishedBlock};
    use callblock_core::calls::{
        insert_open_call, record_completed_call, CompletedCall, NewCall, NewMeeting,
    };
    use callblock_core::domain::{Outcome, Settings, ThemeKind};
    use callblock_core::lists::{create_theme, insert_prospect, NewProspect};
    use callblock_core::reps::create_rep;
    use callblock_core::Store;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    /// Ten completed calls and one in progress by two reps over three days,
    /// counted by hand:
    ///
    /// | # | rep  | theme   | start (UTC) | s   | outcome        | asked | counts as |
    /// |---|------|---------|-------------|-----|----------------|-------|-----------|
    /// | 1 | Alex | Texas   | 16th 15:00  | 25  | no answer      |   | dial |
    /// | 2 | Alex | Texas   | 16th 15:05  | 30  | not interested |   | connect |
    /// | 3 | Alex | Texas   | 16th 15:10  | 75  | not interested |   | connect, conversation (60 s) |
    /// | 4 | Alex | Finance | 16th 16:00  | 40  | callback       | x | connect, conversation (asked) |
    /// | 5 | Sam  | Finance | 17th 14:30  | 250 | meeting        | x | meeting, past 3:00 |
    /// | 6 | Sam  | Finance | 17th 20:00  | 50  | voicemail      |   | dial |
    /// | 7 | Sam  | Texas   | 17th 21:00  | 185 | not interested |   | conversation, past 3:00 |
    /// | 8 | Alex | (none)  | 18th 13:00  | 120 | meeting        | x | meeting |
    /// | 9 | Sam  | Texas   | 18th 14:00  | 10  | do not call    |   | connect |
    /// |10 | Alex | Texas   | 18th 15:00  | 20  | gatekeeper     |   | dial |
    /// | - | Sam  | Texas   | 18th 16:00  | -   | (in progress)  |   | nothing |
    fn hand_made(db: &Path) {
        let mut store = Store::open(db).expect("create the database");
        let settings = Settings::default();
        store
            .write(|tx| -> callblock_core::Result<()> {
                let c: &rusqlite::Connection = tx;
                let alex = create_rep(c, "Alex", None, None)?.id;
                let sam = create_rep(c, "Sam", None, None)?.id;
                callblock_core::reps::set_current_rep(c, &alex)?;
                let texas = create_theme(c, "Texas", ThemeKind::Geography, "")?.id;
                let finance = create_theme(c, "Finance", ThemeKind::Role, "")?.id;
                // (rep, theme, start, seconds, outcome, asked for the meeting, notes)
                type HandCall<'a> = (
                    &'a str,
                    Option<&'a str>,
                    DateTime<Utc>,
                    u32,
                    Outcome,
                    bool,
                    &'a str,
                );
                let rows: [HandCall<'_>; 10] = [
                    (
                        &alex,
                        Some(&texas),
                        at(16, 15, 0),
                        25,
                        Outcome::NoAnswer,
                        false,
                        "=HYPERLINK(\"x\")",
                    ),
                    (
                        &alex,
                        Some(&texas),
                        at(16, 15, 5),
                        30,
                        Outcome::NotInterested,
                        false,
                        "",
                    ),
                    (
                        &alex,
                        Some(&texas),
                        at(16, 15, 10),
                        75,
                        Outcome::NotInterested,
                        false,
                        "budget frozen",
                    ),
                    (
                        &alex,
                        Some(&finance),
                        at(16, 16, 0),
                        40,
                        Outcome::Callback,
                        true,
                        "",
                    ),
                    (
                        &sam,
                        Some(&finance),
                        at(17, 14, 30),
                        250,
                        Outcome::Meeting,
                        true,
                        "budget next quarter",
                    ),
                    (
                        &sam,
                        Some(&finance),
                        at(17, 20, 0),
                        50,
                        Outcome::Voicemail,
                        false,
                        "",
                    ),
                    (
                        &sam,
                        Some(&texas),
                        at(17, 21, 0),
                        185,
                        Outcome::NotInterested,
                        false,
                        "",
                    ),
                    (&alex, None, at(18, 13, 0), 120, Outcome::Meeting, true, ""),
                    (
                        &sam,
                        Some(&texas),
                        at(18, 14, 0),
                        10,
                        Outcome::DoNotCall,
                        false,
                        "",
                    ),
                    (
                        &alex,
                        Some(&texas),
                        at(18, 15, 0),
                        20,
                        Outcome::Gatekeeper,
                        false,
                        "",
                    ),
                ];
                let block = insert_finished_block(
                    c,
                    &FinishedBlock {
                        rep_id: &alex,
                        theme_ids: std::slice::from_ref(&texas),
                        planned_seconds: 3120,
                        break_seconds: 1020,
                        started_at: at(16, 14, 55),
                        ended_at: at(16, 15, 47),
                        end_reason: "completed",
                    },
                )?;
                for (i, (rep, theme, start, secs, outcome, asked, notes)) in rows.iter().enumerate()
                {
                    let prospect = insert_prospect(
                        c,
                        &NewProspect {
                            theme_id: theme.map(str::to_string),
                            first_name: format!("P{i}"),
                            last_name: "Doe".into(),
                            company: format!("Company {i}"),
                            time_zone: Some("America/Chicago".into()),
                            ..NewProspect::default()
                        },
                        at(1, 0, 0),
                    )?;
                    record_completed_call(
                        c,
                        &CompletedCall {
                            prospect_id: prospect,
                            rep_id: rep.to_string(),
                            block_id: (i < 3).then(|| block.clone()),
                            theme_id: theme.map(str::to_string),
                            talk_track_version_id: None,
                            started_at: *start,
                            ring_ms: None,
                            duration_ms: secs * 1000,
                            outcome: *outcome,
                            asked_for_meeting: *asked,
                            callback_at: (*outcome == Outcome::Callback)
                                .then(|| *start + Duration::days(2)),
                            notes: notes.to_string(),
                            gap_current_state: String::new(),
                            gap_objectives: String::new(),
                            gap_impact: String::new(),
                            objections: vec![],
                            meeting: (*outcome == Outcome::Meeting).then(|| NewMeeting {
                                starts_at: *start + Duration::days(3),
                                duration_minutes: 30,
                                email: format!("p{i}@example.com"),
                                format: "web".into(),
                            }),
                        },
                        &settings,
                    )?;
                }
                let open = insert_prospect(
                    c,
                    &NewProspect {
                        theme_id: Some(texas.clone()),
                        first_name: "Open".into(),
                        last_name: "Call".into(),
                        ..NewProspect::default()
                    },
                    at(1, 0, 0),
                )?;
                insert_open_call(
                    c,
                    &NewCall {
                        prospect_id: &open,
                        rep_id: &sam,
                        block_id: None,
                        theme_id: Some(&texas),
                        talk_track_version_id: None,
                        started_at: at(18, 16, 0),
                    },
                )?;
                Ok(())
            })
            .expect("write the hand-made calls");
    }

    fn json_of(d: &Dir, args: &[&str]) -> serde_json::Value {
        let out = d.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "callblock {args:?}: {}",
            stderr(&out)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("callblock {args:?} prints JSON ({e}): {}", stdout(&out)))
    }

    /// (dials, connects, conversations, meetings) of a JSON funnel.
    fn four(v: &serde_json::Value) -> (u64, u64, u64, u64) {
        let n = |k: &str| {
            v[k].as_u64()
                .unwrap_or_else(|| panic!("{k} is a count in {v}"))
        };
        (n("dials"), n("connects"), n("conversations"), n("meetings"))
    }

    type Funnel = (u64, u64, u64, u64);

    /// A report's groups as (the group's `name` field, its funnel).
    fn funnel_groups(report: &serde_json::Value, name: &str) -> Vec<(String, Funnel)> {
        report["groups"]
            .as_array()
            .unwrap_or_else(|| panic!("groups with --by: {report}"))
            .iter()
            .map(|g| (g[name].as_str().unwrap().to_string(), four(&g["funnel"])))
            .collect()
    }

    fn core_report(
        db: &Path,
        filter: &callblock_core::reports::ReportFilter,
        by: Option<&str>,
    ) -> serde_json::Value {
        let store = Store::open(db).unwrap();
        let by = by.map(|b| callblock_core::reports::ReportBy::parse(b).unwrap());
        let r = callblock_core::reports::report(store.conn(), filter, by, &Settings::default())
            .unwrap();
        serde_json::to_value(r).unwrap()
    }

    #[test]
    fn report_json_gives_the_funnel_counted_by_hand_and_the_cores_figures() {
        let d = Dir::new();
        let db = d.file("team.db");
        hand_made(&db);
        let db_arg = db.to_str().unwrap();

        let all = json_of(&d, &["--db", db_arg, "report", "--json"]);
        assert_eq!(four(&all), (10, 7, 5, 2));
        assert_eq!(all["calls_past_limit"].as_u64(), Some(2));
        assert_eq!(all["talk_seconds"].as_u64(), Some(805));
        assert_eq!(all["rates"]["connect_rate"]["numerator"].as_u64(), Some(7));
        assert_eq!(
            all["rates"]["connect_rate"]["denominator"].as_u64(),
            Some(10)
        );
        assert!(all.get("groups").is_none(), "no groups without --by: {all}");
        assert!(all["definitions"].as_array().is_some_and(|d| !d.is_empty()));
        assert_eq!(all, core_report(&db, &Default::default(), None));

        // By rep and by theme: the groups add up to the total.
        let by_rep = json_of(&d, &["--db", db_arg, "report", "--by", "rep", "--json"]);
        let groups = funnel_groups(&by_rep, "label");
        assert_eq!(
            groups,
            vec![
                ("Alex".to_string(), (6, 4, 3, 1)),
                ("Sam".to_string(), (4, 3, 2, 1))
            ]
        );
        assert_eq!(four(&by_rep), (10, 7, 5, 2));
        assert_eq!(by_rep, core_report(&db, &Default::default(), Some("rep")));

        let by_theme = json_of(&d, &["--db", db_arg, "report", "--by", "theme", "--json"]);
        let groups = funnel_groups(&by_theme, "label");
        assert_eq!(
            groups,
            vec![
                ("Finance".to_string(), (3, 2, 2, 1)),
                ("Texas".to_string(), (6, 4, 2, 0)),
                ("No theme".to_string(), (1, 1, 1, 1)),
            ]
        );

        let by_day = json_of(&d, &["--db", db_arg, "report", "--by", "day", "--json"]);
        let days = funnel_groups(&by_day, "key");
        assert_eq!(
            days,
            vec![
                ("2026-11-16".to_string(), (4, 3, 2, 0)),
                ("2026-11-17".to_string(), (3, 2, 2, 1)),
                ("2026-11-18".to_string(), (3, 2, 1, 1)),
            ]
        );
        let by_week = json_of(&d, &["--db", db_arg, "report", "--by", "week", "--json"]);
        assert_eq!(by_week["groups"].as_array().unwrap().len(), 1);
        assert_eq!(by_week["groups"][0]["key"].as_str(), Some("2026-11-16"));
        assert_eq!(four(&by_week["groups"][0]["funnel"]), (10, 7, 5, 2));
        let by_outcome = json_of(&d, &["--db", db_arg, "report", "--by", "outcome", "--json"]);
        let meetings = by_outcome["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == "meeting")
            .expect("a meeting group");
        assert_eq!(four(&meetings["funnel"]), (2, 2, 2, 2));
        let by_hour = json_of(&d, &["--db", db_arg, "report", "--by", "hour", "--json"]);
        let hour_dials: u64 = by_hour["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["funnel"]["dials"].as_u64().unwrap())
            .sum();
        assert_eq!(hour_dials, 10);

        // A period (days included) and names (case-insensitive).
        let one_day = json_of(
            &d,
            &[
                "--db",
                db_arg,
                "report",
                "--from",
                "2026-11-17",
                "--to",
                "2026-11-17",
                "--json",
            ],
        );
        assert_eq!(four(&one_day), (3, 2, 2, 1));
        let alex_texas = json_of(
            &d,
            &[
                "--db", db_arg, "report", "--rep", "alex", "--theme", "Texas", "--json",
            ],
        );
        assert_eq!(four(&alex_texas), (4, 2, 1, 0));
        assert!(
            alex_texas["selection"]
                .as_str()
                .unwrap()
                .contains("rep Alex"),
            "{alex_texas}"
        );

        // The text report shows the same figures and the definitions.
        let out = d.run(&["--db", db_arg, "report", "--by", "rep"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        for needle in [
            "Dials",
            "70.0 % (7/10)",
            "Alex",
            "Sam",
            "Definitions:",
            "Conversation: a connect",
        ] {
            assert!(text.contains(needle), "report lacks {needle:?}:\n{text}");
        }
    }

    /// (conversations, meetings) of each bucket of a JSON curve.
    fn buckets(curve: &serde_json::Value) -> Vec<(u64, u64)> {
        curve["buckets"]
            .as_array()
            .unwrap_or_else(|| panic!("buckets in {curve}"))
            .iter()
            .map(|b| {
                (
                    b["calls"].as_u64().unwrap(),
                    b["meetings"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn report_selects_by_talk_track_version_and_by_coaching_flag() {
        let d = Dir::new();
        let db = d.file("demo.db");
        let db_arg = db.to_str().unwrap();
        assert_eq!(d.run(&["--db", db_arg, "demo"]).status.code(), Some(0));
        let (version, label, calls, flagged): (String, String, i64, String) = {
            let store = Store::open(&db).unwrap();
            let c = store.conn();
            let (version, label, calls): (String, String, i64) = c
                .query_row(
                    "SELECT v.id, t.name || ' v' || v.version, count(*) FROM calls c
                     JOIN talk_track_versions v ON v.id = c.talk_track_version_id
                     JOIN talk_tracks t ON t.id = v.talk_track_id
                     WHERE c.outcome IS NOT NULL GROUP BY v.id ORDER BY count(*) DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            let call: String = c
                .query_row(
                    "SELECT id FROM calls WHERE outcome IS NOT NULL LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            callblock_core::coaching::set_flag(c, &call, true, callblock_core::time::now())
                .unwrap();
            (version, label, calls, call)
        };
        assert!(!flagged.is_empty());
        let by_label = json_of(
            &d,
            &[
                "--db",
                db_arg,
                "report",
                "--from",
                "2000-01-01",
                "--track-version",
                &label,
                "--json",
            ],
        );
        assert_eq!(by_label["dials"], calls, "{by_label}");
        let by_id = json_of(
            &d,
            &[
                "--db",
                db_arg,
                "report",
                "--from",
                "2000-01-01",
                "--track-version",
                &version,
                "--json",
            ],
        );
        assert_eq!(by_id["dials"], calls);
        let flagged_only = json_of(
            &d,
            &[
                "--db",
                db_arg,
                "report",
                "--from",
                "2000-01-01",
                "--flagged",
                "--json",
            ],
        );
        assert_eq!(flagged_only["dials"], 1, "{flagged_only}");
        let out = d.run(&["--db", db_arg, "report", "--track-version", "Nothing v9"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let e = stderr(&out);
        assert!(
            e.contains("no talk-track version") && e.contains(&label),
            "{e}"
        );
    }

    #[test]
    fn report_by_objections_counts_conversations_by_objections_heard() {
        let d = Dir::new();
        let db = d.file("team.db");
        hand_made(&db);
        // Objections on the hand-made calls (by start): #2 is a 30 s connect,
        // not a conversation, so its three are left out; #8 heard none.
        {
            let store = Store::open(&db).unwrap();
            let c = store.conn();
            let objection: String = c
                .query_row(
                    "SELECT id FROM objections ORDER BY position LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            for (start, n) in [
                (at(16, 15, 5), 3),
                (at(16, 15, 10), 1),
                (at(16, 16, 0), 2),
                (at(17, 14, 30), 4),
                (at(17, 21, 0), 5),
            ] {
                for k in 1..=n {
                    c.execute(
                        "INSERT INTO call_objections (id, call_id, objection_id, position, at_ms)
                         SELECT ?1 || id, id, ?2, ?3, 60000 FROM calls WHERE started_at = ?4",
                        rusqlite::params![
                            format!("o{k}-"),
                            objection,
                            k,
                            callblock_core::time::to_db(start)
                        ],
                    )
                    .unwrap();
                }
            }
            // Finance's calls used the default talk track's first version.
            c.execute(
                "UPDATE calls SET talk_track_version_id =
                    (SELECT id FROM talk_track_versions ORDER BY version LIMIT 1)
                 WHERE theme_id = (SELECT id FROM themes WHERE name = 'Finance')",
                [],
            )
            .unwrap();
        }
        let db_arg = db.to_str().unwrap();
        let r = json_of(
            &d,
            &["--db", db_arg, "report", "--by", "objections", "--json"],
        );
        assert_eq!(r["by"], "objections");
        assert!(r.get("groups").is_none(), "{r}");
        let o = &r["by_objections"];
        assert_eq!(o["denominator"], "conversations");
        assert_eq!(
            buckets(&o["overall"]),
            vec![(1, 1), (1, 0), (1, 0), (0, 0), (2, 1)]
        );
        assert_eq!(o["overall"]["calls"].as_u64(), r["conversations"].as_u64());
        let four_plus = &o["overall"]["buckets"][4];
        assert_eq!(four_plus["label"], "4+");
        assert_eq!(four_plus["meeting_rate"]["numerator"], 1);
        assert_eq!(four_plus["meeting_rate"]["denominator"], 2);
        assert_eq!(four_plus["meeting_rate"]["value"], 0.5);
        assert!(o["overall"]["buckets"][3]["meeting_rate"]["value"].is_null());
        let themes: Vec<(&str, Vec<(u64, u64)>)> = o["by_theme"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["label"].as_str().unwrap(), buckets(t)))
            .collect();
        assert_eq!(
            themes,
            vec![
                ("Finance", vec![(0, 0), (0, 0), (1, 0), (0, 0), (1, 1)]),
                ("Texas", vec![(0, 0), (1, 0), (0, 0), (0, 0), (1, 0)]),
                ("No theme", vec![(1, 1), (0, 0), (0, 0), (0, 0), (0, 0)]),
            ]
        );
        let versions = o["by_version"].as_array().unwrap();
        assert_eq!(versions.len(), 2, "{o}");
        assert!(versions[0]["label"].as_str().unwrap().ends_with(" v1"));
        assert_eq!(versions[0]["version"], 1);
        assert_eq!(buckets(&versions[0]), themes[0].1);
        assert!(versions[1]["version_id"].is_null());
        assert_eq!(versions[1]["label"], "No talk track recorded");
        assert!(o["definitions"][0]
            .as_str()
            .unwrap()
            .contains("meetings / conversations"));
        assert_eq!(r, core_report(&db, &Default::default(), Some("objections")));

        // The filters apply: Sam's calls only (#5 and #7, both 4+).
        let sam = json_of(
            &d,
            &[
                "--db",
                db_arg,
                "report",
                "--by",
                "objections",
                "--rep",
                "sam",
                "--json",
            ],
        );
        assert_eq!(
            buckets(&sam["by_objections"]["overall"]),
            vec![(0, 0), (0, 0), (0, 0), (0, 0), (2, 1)]
        );
        // Not asked for: not there.
        let plain = json_of(&d, &["--db", db_arg, "report", "--json"]);
        assert!(plain.get("by_objections").is_none(), "{plain}");

        let out = d.run(&["--db", db_arg, "report", "--by", "objections"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        for needle in [
            "Meeting rate by objections heard",
            "All conversations: 5 conversations, 2 meetings",
            "OBJECTIONS",
            "4+",
            "50.0 % (1/2)",
            "- (0/0)",
            "Theme: Finance",
            "Theme: No theme",
            "Talk track: No talk track recorded",
            "(default track)",
            "Out of conversations, not connects",
        ] {
            assert!(text.contains(needle), "report lacks {needle:?}:\n{text}");
        }
    }

    #[test]
    fn report_errors_name_what_is_wrong() {
        let d = Dir::new();
        let db = d.file("team.db");
        hand_made(&db);
        let db_arg = db.to_str().unwrap();
        let cases: [(&[&str], i32, &str); 8] = [
            (
                &["report", "--rep", "Nobody"],
                1,
                "the reps are: \"Alex\", \"Sam\"",
            ),
            (
                &["report", "--theme", "Ohio"],
                1,
                "the themes are: \"Finance\", \"Texas\"",
            ),
            (
                &["report", "--from", "2026-13-01"],
                1,
                "--from: \"2026-13-01\" is not a date",
            ),
            (
                &["report", "--from", "2026-11-18", "--to", "2026-11-16"],
                1,
                "the period would be empty",
            ),
            (&["report", "--outcome", "won"], 1, "not an outcome"),
            (&["report", "--duration", "long"], 1, "not a length band"),
            (&["report", "--by", "month"], 2, "possible values"),
            (&["report", "--jsn"], 2, "Usage: callblock report"),
        ];
        for (args, code, needle) in cases {
            let mut full = vec!["--db", db_arg];
            full.extend_from_slice(args);
            let out = d.run(&full);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(code), "callblock {args:?}: {err}");
            assert!(
                err.contains(needle),
                "callblock {args:?} says {needle:?}: {err}"
            );
            if code == 1 {
                assert!(err.starts_with("callblock: error: "), "{err}");
                assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
            }
        }
    }

    #[test]
    fn export_calls_writes_csv_or_json_of_the_selection() {
        let d = Dir::new();
        let db = d.file("team.db");
        hand_made(&db);
        let db_arg = db.to_str().unwrap();
        // To standard output, CSV by default.
        let out = d.run(&["--db", db_arg, "export", "calls"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let csv = stdout(&out);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].starts_with("id,started_at,rep,theme,prospect"),
            "{}",
            lines[0]
        );
        assert_eq!(lines.len(), 11, "a header and ten completed calls:\n{csv}");
        assert!(csv.contains("'=HYPERLINK"), "formulas are escaped:\n{csv}");
        // A period, to a JSON file (format from the extension).
        let file = d.file("calls.json");
        let out = d.run(&[
            "--db",
            db_arg,
            "export",
            "calls",
            "--from",
            "2026-11-17",
            "--to",
            "2026-11-17",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("Exported 3 calls"),
            "{}",
            stdout(&out)
        );
        let calls: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(calls.as_array().unwrap().len(), 3);
        // An existing file is kept unless --force.
        let out = d.run(&[
            "--db",
            db_arg,
            "export",
            "calls",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
        let out = d.run(&[
            "--db",
            db_arg,
            "export",
            "calls",
            "--format",
            "csv",
            "--force",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(std::fs::read_to_string(&file).unwrap().starts_with("id,"));
        let out = d.run(&["--db", db_arg, "export", "calls", "--format", "xml"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }

    /// Rows per table, counted with SQL.
    fn counts(db: &Path) -> Vec<(String, i64)> {
        let conn = rusqlite::Connection::open(db).unwrap();
        [
            "reps",
            "themes",
            "prospects",
            "blocks",
            "calls",
            "call_objections",
            "meetings",
            "talk_track_versions",
            "objections",
            "objection_responses",
        ]
        .iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t.to_string(), n)
        })
        .collect()
    }

    #[test]
    fn a_bundle_travels_once_and_damaged_or_newer_ones_are_refused() {
        let d = Dir::new();
        let a = d.file("rep.db");
        hand_made(&a);
        let a_arg = a.to_str().unwrap();
        let b = d.file("manager.db");
        let b_arg = b.to_str().unwrap();
        // The manager's own database, with the demo in it.
        let out = d.run(&["--db", b_arg, "demo"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        let bundle = d.file("alex.cbbundle");
        let out = d.run(&[
            "--db",
            a_arg,
            "export",
            "bundle",
            "--rep",
            "Alex",
            "--to",
            "2026-11-17",
            "-o",
            bundle.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("4 calls"), "{}", stdout(&out));
        // Without --rep: the rep this database works as (Alex), every day.
        let whole = d.file("alex-all.cbbundle");
        let exported = json_of(
            &d,
            &[
                "--db",
                a_arg,
                "export",
                "bundle",
                "-o",
                whole.to_str().unwrap(),
                "--json",
            ],
        );
        assert_eq!(exported["rep_name"].as_str(), Some("Alex"));
        assert_eq!(exported["counts"]["calls"].as_u64(), Some(6));
        let again = d.run(&[
            "--db",
            a_arg,
            "export",
            "bundle",
            "-o",
            whole.to_str().unwrap(),
        ]);
        assert_eq!(again.status.code(), Some(1), "an existing file is kept");

        let before = counts(&b);
        let out = d.run(&["--db", b_arg, "import-bundle", whole.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("6 calls added"), "{}", stdout(&out));
        let once = counts(&b);
        let calls = |c: &[(String, i64)]| c.iter().find(|x| x.0 == "calls").unwrap().1;
        assert_eq!(calls(&once), calls(&before) + 6);
        // The calls keep their rep: Alex's figures in the manager's database.
        let alex = json_of(&d, &["--db", b_arg, "report", "--rep", "Alex", "--json"]);
        assert_eq!(four(&alex), (6, 4, 3, 1));

        // Twice (and the part of it again): nothing changes.
        let out = d.run(&[
            "--db",
            b_arg,
            "import-bundle",
            whole.to_str().unwrap(),
            bundle.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("already imported"),
            "{}",
            stdout(&out)
        );
        assert_eq!(
            counts(&b),
            once,
            "importing the same bundle twice changes nothing"
        );

        // A damaged bundle (cut short) and one from a newer version are refused;
        // nothing is imported, even with a good bundle beside them.
        let bytes = std::fs::read(&bundle).unwrap();
        let cut = d.file("cut.cbbundle");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let parsed = callblock_core::bundle::read(bytes.as_slice(), "alex").unwrap();
        let mut newer = serde_json::to_value(&parsed).unwrap();
        newer["format_version"] = serde_json::json!(callblock_core::bundle::FORMAT_VERSION + 1);
        newer["app_version"] = serde_json::json!("9.0.0");
        let newer_file = d.file("newer.cbbundle");
        std::fs::write(&newer_file, serde_json::to_vec(&newer).unwrap()).unwrap();

        let fresh = d.file("fresh.db");
        let fresh_arg = fresh.to_str().unwrap();
        let out = d.run(&["--db", fresh_arg, "info"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let empty = counts(&fresh);
        for (files, needle) in [
            (vec![cut.to_str().unwrap()], "damaged"),
            (
                vec![newer_file.to_str().unwrap()],
                "newer version of Callblock",
            ),
            (
                vec![bundle.to_str().unwrap(), newer_file.to_str().unwrap()],
                "1 of 2 bundles was refused",
            ),
        ] {
            for db in [b_arg, fresh_arg] {
                let mut args = vec!["--db", db, "import-bundle"];
                args.extend(files.iter().copied());
                let out = d.run(&args);
                let err = stderr(&out);
                assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
                assert!(err.contains(needle), "{args:?} says {needle:?}: {err}");
                let lower = err.to_lowercase();
                assert!(
                    lower.contains("nothing was imported") || lower.contains("none was imported"),
                    "{err}"
                );
                assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
            }
            assert_eq!(
                counts(&b),
                once,
                "{files:?}: the manager's database is unchanged"
            );
            assert_eq!(counts(&fresh), empty, "{files:?}: nothing was imported");
        }
        let out = d.run(&["--db", b_arg, "import-bundle"]);
        assert_eq!(out.status.code(), Some(2), "a file is required");
    }
}

// -- Import and export -------------------------------------------------------------

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/core/tests/fixtures/samples")
        .join(name)
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `import ... --json` that succeeds; its report.
fn import_json(d: &Dir, db: &Path, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["--db", db.to_str().unwrap(), "import"];
    full.extend_from_slice(args);
    full.push("--json");
    let out = d.run(&full);
    assert_eq!(
        out.status.code(),
        Some(0),
        "callblock {full:?}: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {}", stdout(&out)))
}

fn rejected_lines(report: &serde_json::Value) -> Vec<u64> {
    report["rejected"]
        .as_array()
        .expect("rejected is an array")
        .iter()
        .map(|r| {
            assert!(
                !r["reason"].as_str().unwrap_or_default().is_empty(),
                "each rejected row has a reason: {r}"
            );
            r["line"].as_u64().expect("each rejected row has a line")
        })
        .collect()
}

#[test]
fn every_sample_export_imports_with_its_counts_and_rejected_lines() {
    let d = Dir::new();
    // (file, rows read, imported, rejected lines, format)
    let cases: [(&str, u64, u64, &[u64], &str); 5] = [
        ("hubspot-contacts.csv", 240, 239, &[152], "hubspot"),
        ("salesforce-leads.csv", 180, 179, &[131], "salesforce"),
        ("apollo-people.csv", 150, 148, &[53, 138], "apollo"),
        ("semicolon-latin1.csv", 20, 20, &[], "salesforce"),
        ("messy-hubspot.csv", 13, 11, &[7, 14], "hubspot"),
    ];
    for (file, rows, imported, lines, format) in cases {
        let db = d.file(&format!("{file}.db"));
        let path = sample(file);
        let r = import_json(&d, &db, &[path.to_str().unwrap(), "--theme-by", "industry"]);
        assert_eq!(r["rows_read"].as_u64(), Some(rows), "{file}: {r}");
        assert_eq!(r["imported"].as_u64(), Some(imported), "{file}");
        assert_eq!(r["updated"].as_u64(), Some(0), "{file}");
        assert_eq!(rejected_lines(&r), lines, "{file}");
        assert_eq!(r["format"].as_str(), Some(format), "{file}");
        assert_eq!(r["committed"].as_bool(), Some(true), "{file}");
        // Themes: name -> count, matching the database.
        let themes = r["themes"].as_object().expect("themes is an object");
        let total: u64 = themes.values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(
            total, imported,
            "{file}: every prospect has an industry theme"
        );
        let conn = rusqlite::Connection::open(&db).unwrap();
        for (name, n) in themes {
            let (kind, in_db): (String, u32) = conn
                .query_row(
                    "SELECT t.kind, count(p.id) FROM themes t JOIN prospects p ON p.theme_id = t.id
                     WHERE t.name = ?1 GROUP BY t.id",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(
                (kind.as_str(), u64::from(in_db)),
                ("vertical", n.as_u64().unwrap()),
                "{file}: {name}"
            );
        }
        assert_eq!(
            count(&db, "SELECT count(*) FROM prospects") as u64,
            imported,
            "{file}"
        );
        // The human-readable report says the same.
        let again = d.file(&format!("{file}-text.db"));
        let out = d.run(&[
            "--db",
            again.to_str().unwrap(),
            "import",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(&format!("{imported} new")), "{file}: {text}");
        for line in lines {
            assert!(text.contains(&format!("line {line}: ")), "{file}: {text}");
        }
    }
}

#[test]
fn files_that_cannot_be_read_fail_clearly_and_write_nothing() {
    let d = Dir::new();
    let cut = d.file("cut.csv");
    let mut text = String::from("Name,Phone,Title\n");
    for i in 0..3000 {
        text.push_str(&format!("Person {i},312555{:04},CEO\n", i % 10_000));
    }
    text.push_str("Zed,3125550199,\"VP, Sales\n");
    std::fs::write(&cut, text).unwrap();
    let cases = [
        (sample("not-a-csv.csv"), "is not a text file"),
        (sample("headers-only.csv"), "has a header but no rows"),
        (
            cut.clone(),
            "line 3002: a quoted field opens here and is never closed",
        ),
        (d.file("missing.csv"), "cannot be read"),
    ];
    for (file, needle) in cases {
        // A new database is not even created...
        let fresh = d.file("fresh.db");
        let out = d.run(&[
            "--db",
            fresh.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", file.display());
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
        assert!(err.starts_with("callblock: error: "), "{err}");
        assert!(
            err.contains(file.to_str().unwrap()),
            "names the file: {err}"
        );
        assert!(err.contains(needle), "says {needle:?}: {err}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        if file != cut {
            assert!(
                !fresh.exists(),
                "{}: the database was created",
                file.display()
            );
        } else {
            assert_eq!(count(&fresh, "SELECT count(*) FROM prospects"), 0);
            assert_eq!(count(&fresh, "SELECT count(*) FROM imports"), 0);
            assert_eq!(count(&fresh, "SELECT count(*) FROM themes"), 0);
        }
        let _ = std::fs::remove_file(&fresh);
        // ... and an existing one keeps what it had.
        let db = d.file("existing.db");
        if !db.exists() {
            import_json(&d, &db, &[sample("messy-hubspot.csv").to_str().unwrap()]);
        }
        let before = count(&db, "SELECT count(*) FROM prospects")
            + 1000 * count(&db, "SELECT count(*) FROM imports");
        let out = d.run(&[
            "--db",
            db.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
            "--theme",
            "Imported",
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stdout(&out).is_empty(),
            "no JSON on failure: {}",
            stdout(&out)
        );
        let after = count(&db, "SELECT count(*) FROM prospects")
            + 1000 * count(&db, "SELECT count(*) FROM imports");
        assert_eq!(after, before, "{}: the database changed", file.display());
    }
}

/// Each CRM's export as it is: `--dry-run --json` maps industry, size,
/// title, every phone and the country without `--map`, names the CRM, and
/// groups by industry; the text says how each column was matched.
#[test]
fn every_crm_export_maps_without_map() {
    let d = Dir::new();
    let db = d.file("crm.db");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/core/tests/fixtures/crm");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{files:?}");
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let r = import_json(
            &d,
            &db,
            &[
                path.to_str().unwrap(),
                "--theme-by",
                "industry",
                "--dry-run",
            ],
        );
        let vendor = name.split('-').next().unwrap();
        let format = r["format"].as_str().unwrap();
        assert_eq!(
            format,
            match vendor {
                "salesnav" => "linkedin",
                other => other,
            },
            "{name}: the CRM is named"
        );
        assert_eq!(r["rejected_count"], 0, "{name}: {r:#}");
        let mapping = r["mapping"].as_object().unwrap();
        for field in ["industry", "employees", "company"] {
            assert!(mapping.contains_key(field), "{name}: {field}: {r:#}");
        }
        let companies = name.contains("organizations") || name.contains("companies");
        assert!(companies || mapping.contains_key("title"), "{name}: {r:#}");
        assert!(
            mapping.contains_key("country") || mapping.contains_key("address"),
            "{name}: {r:#}"
        );
        let columns = r["columns"].as_array().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let headers: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        for (i, h) in headers.iter().enumerate() {
            let lower = h.to_lowercase();
            if lower.contains("phone") && !lower.contains("type") {
                let c = columns
                    .iter()
                    .find(|c| c["column"].as_u64() == Some(i as u64 + 1))
                    .unwrap_or_else(|| panic!("{name}: {h:?} is not read: {r:#}"));
                assert!(
                    c["field"].as_str().unwrap().contains("phone") || c["field"] == "mobile",
                    "{name}: {h:?}: {c}"
                );
            }
        }
        assert!(!r["themes"].as_object().unwrap().is_empty(), "{name}");
        assert_eq!(r["unthemed"], 0, "{name}: every row has an industry");
    }
    // The words: how each column was matched, and what was merged.
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "import",
        dir.join("pipedrive-persons.csv").to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Pipedrive export"), "{text}");
    assert!(
        text.contains("industry         \"Organization - Industry\": its name without \"Organization\"; the company's"),
        "{text}"
    );
    assert!(
        text.contains("\"Person - Phone - Home\": another column like \"Person - Phone - Work\""),
        "{text}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM prospects"), 0, "a dry run");
}

#[test]
fn dry_run_reports_everything_and_writes_nothing() {
    let d = Dir::new();
    let db = d.file("dry.db");
    let path = sample("hubspot-contacts.csv");
    let out = d.run(&["--db", db.to_str().unwrap(), "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = std::fs::read(&db).unwrap();
    let r = import_json(
        &d,
        &db,
        &[path.to_str().unwrap(), "--theme-by", "state", "--dry-run"],
    );
    assert_eq!(r["dry_run"].as_bool(), Some(true));
    assert_eq!(r["committed"].as_bool(), Some(false));
    assert_eq!(r["import_id"], serde_json::Value::Null);
    assert_eq!(r["imported"].as_u64(), Some(239));
    assert_eq!(rejected_lines(&r), [152]);
    let themes = r["themes"].as_object().unwrap();
    assert!(themes.contains_key("Illinois"), "{themes:?}");
    for table in ["prospects", "prospect_phones", "themes", "imports"] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database file is unchanged"
    );
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "import",
        path.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("nothing was written"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn import_progress_goes_to_stderr_and_json_stays_whole() {
    let d = Dir::new();
    let db = d.file("p.db");
    // Rows enough for the progress of the reading itself.
    let mut text = String::from("Email,Phone,Industry\n");
    for i in 0..2500 {
        text.push_str(&format!("p{i}@x.example,312555{i:04},Logistics\n"));
    }
    let path = d.file("long.csv");
    std::fs::write(&path, text).unwrap();
    let args = [
        "--db",
        db.to_str().unwrap(),
        "import",
        path.to_str().unwrap(),
        "--json",
    ];
    // stderr is not a terminal here: nothing unless asked.
    let out = d.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Importing"), "{}", stderr(&out));
    let with = [&args[..], &["--progress"]].concat();
    let out = d.run(&with);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {}", stdout(&out)));
    assert_eq!(report["updated"].as_u64(), Some(2500));
    assert_eq!(report["unchanged"].as_u64(), Some(2500));
    let err = stderr(&out);
    assert!(
        err.lines()
            .next()
            .is_some_and(|l| l.starts_with("Importing ")
                && l.contains("(1,000 rows, ")
                && l.contains(" rows/s")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l == "Importing 100 %: saving (2,500 rows read)"),
        "{err}"
    );
    // A dry run says it checks.
    let dry = [&with[..], &["--dry-run"]].concat();
    let err = stderr(&d.run(&dry));
    assert!(err.starts_with("Checking "), "{err}");
    assert!(
        err.contains("Checking 100 %: finishing (2,500 rows read)"),
        "{err}"
    );
}

#[test]
fn a_reimport_updates_instead_of_duplicating() {
    let d = Dir::new();
    let db = d.file("re.db");
    let path = sample("hubspot-contacts.csv");
    let first = import_json(
        &d,
        &db,
        &[path.to_str().unwrap(), "--theme", "Chicago spring"],
    );
    assert_eq!(first["imported"].as_u64(), Some(239));
    assert_eq!(first["themes"]["Chicago spring"].as_u64(), Some(239));
    // Someone was called in between: their status survives the re-import.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE prospects SET status = 'exhausted', attempts = 6 WHERE email = 'amara.garcia@bluebird.example'",
            [],
        )
        .unwrap();
    }
    let second = import_json(
        &d,
        &db,
        &[path.to_str().unwrap(), "--theme", "Chicago spring"],
    );
    assert_eq!(second["imported"].as_u64(), Some(0));
    assert_eq!(second["updated"].as_u64(), Some(239));
    assert_eq!(rejected_lines(&second), [152]);
    assert_eq!(count(&db, "SELECT count(*) FROM prospects"), 239);
    assert_eq!(count(&db, "SELECT count(*) FROM themes"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM imports"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT attempts FROM prospects WHERE email = 'amara.garcia@bluebird.example' AND status = 'exhausted'"
        ),
        6
    );
}

#[test]
fn the_mapping_can_be_corrected_and_mistakes_are_explained() {
    let d = Dir::new();
    let db = d.file("map.db");
    let path = sample("salesforce-leads.csv");
    let p = path.to_str().unwrap();
    let r = import_json(
        &d,
        &db,
        &[
            p,
            "--map",
            "title=Lead Source",
            "--map",
            "industry=",
            "--theme-by",
            "title",
        ],
    );
    assert_eq!(r["mapping"]["title"].as_str(), Some("Lead Source"));
    assert!(r["mapping"].get("industry").is_none(), "{}", r["mapping"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (title, industry): (String, String) = conn
        .query_row(
            "SELECT title, industry FROM prospects WHERE email = 'emma.muller@cedar.example'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((title.as_str(), industry.as_str()), ("Web", ""));
    drop(conn);

    // Usage errors: exit 2, with the usage.
    for args in [
        &[p, "--map", "colour=Notes"][..],
        &[p, "--map", "no-equals-sign"][..],
        &[p, "--region", "XX"][..],
        &[p, "--theme", "A", "--theme-by", "industry"][..],
        &[][..],
    ] {
        let mut full = vec!["--db", db.to_str().unwrap(), "import"];
        full.extend_from_slice(args);
        let out = d.run(&full);
        assert_eq!(out.status.code(), Some(2), "{full:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Usage: callblock import"),
            "{}",
            stderr(&out)
        );
    }
    // Errors about this file: exit 1, one line naming the file.
    for (args, needle) in [
        (
            &[p, "--map", "title=Job Titel"][..],
            "no column named \"Job Titel\"",
        ),
        (
            &[p, "--map", "phone=", "--map", "mobile="][..],
            "no column is mapped to a phone number",
        ),
        (
            &[p, "--map", "industry=", "--theme-by", "industry"][..],
            "no column is mapped to industry",
        ),
    ] {
        let mut full = vec!["--db", db.to_str().unwrap(), "import"];
        full.extend_from_slice(args);
        let out = d.run(&full);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{full:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("salesforce-leads.csv") && err.contains(needle),
            "{err}"
        );
    }
    assert_eq!(count(&db, "SELECT count(*) FROM imports"), 1);
}

#[test]
fn formula_cells_stay_text_and_are_escaped_on_export() {
    let d = Dir::new();
    let db = d.file("f.db");
    let csv = d.file("danger.csv");
    std::fs::write(
        &csv,
        "First Name,Last Name,Company,Phone,Industry\n\
         \"=cmd|' /C calc'!A0\",@SUM(1+1),-2+3,+1 312 555 0142,=HYPERLINK(\"\"http://x\"\")\n\
         Ann,Lee,Acme,312 555 0143,Logistics\n",
    )
    .unwrap();
    let r = import_json(&d, &db, &[csv.to_str().unwrap(), "--theme-by", "industry"]);
    assert_eq!(r["imported"].as_u64(), Some(2), "{r}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let first: String = conn
        .query_row(
            "SELECT first_name FROM prospects WHERE last_name = '@SUM(1+1)'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, "=cmd|' /C calc'!A0");
    drop(conn);

    let out_file = d.file("out.csv");
    let o = out_file.to_str().unwrap();
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "export",
        "prospects",
        "-o",
        o,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["prospects"].as_u64(), Some(2));
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with a BOM");
    for escaped in [
        "'=cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "'+13125550142",
    ] {
        assert!(text.contains(escaped), "{escaped:?} in {text}");
    }
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would evaluate: {cell:?} in {line:?}"
            );
        }
    }

    // One theme; a second export to the same file needs --force; an unknown theme is named.
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "export",
        "prospects",
        "--theme",
        "logistics",
        "-o",
        o,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pass --force"), "{}", stderr(&out));
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "export",
        "prospects",
        "--theme",
        "logistics",
        "-o",
        o,
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Exported 1 prospect to"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap().lines().count(),
        2
    );
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "export",
        "prospects",
        "--theme",
        "Nope",
        "-o",
        o,
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no theme named \"Nope\"; the themes are:"),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["--db", db.to_str().unwrap(), "export", "prospects"]);
    assert_eq!(out.status.code(), Some(2), "-o is required");
}

#[test]
fn lists_shows_the_imported_themes() {
    let d = Dir::new();
    let db = d.file("l.db");
    let r = import_json(
        &d,
        &db,
        &[
            sample("apollo-people.csv").to_str().unwrap(),
            "--theme-by",
            "employees",
        ],
    );
    let out = d.run(&["--db", db.to_str().unwrap(), "lists", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lists: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let themes = r["themes"].as_object().unwrap();
    let rows = lists.as_array().unwrap();
    let with_theme: Vec<_> = rows.iter().filter(|r| !r["id"].is_null()).collect();
    assert_eq!(with_theme.len(), themes.len(), "{lists}");
    for row in with_theme {
        let name = row["theme"].as_str().unwrap();
        assert_eq!(row["kind"].as_str(), Some("size"), "{name}");
        assert_eq!(row["prospects"], themes[name], "{name}");
        assert_eq!(
            row["ready"].as_u64().unwrap() + row["due_outside_hours"].as_u64().unwrap(),
            themes[name].as_u64().unwrap(),
            "{name}: new prospects are due, now or when their calling hours open"
        );
    }
    let text = stdout(&d.run(&["--db", db.to_str().unwrap(), "lists"]));
    assert!(
        text.contains("THEME") && text.contains("KIND") && text.contains("PROSPECTS"),
        "{text}"
    );
}

/// Names that came from a file reach the terminal cut to a column and with
/// their control characters shown, not run: a 70,000-character theme name
/// with an escape sequence lists and reports without a panic.
#[test]
fn hostile_names_reach_the_terminal_cleaned_and_cut() {
    use callblock_core::domain::ThemeKind;
    let d = Dir::new();
    let db = d.file("hostile.db");
    let long = format!("\u{1b}]0;owned\u{7}Texas\u{1b}[2J{}", "x".repeat(70_000));
    {
        // As a bundle brings them today (its names are not checked yet).
        let store = callblock_core::Store::open(&db).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO themes (id, name, kind, created_at) VALUES ('t1', ?1, ?2, '2026-12-01T00:00:00Z')",
                [long.as_str(), ThemeKind::Geography.as_str()],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO reps (id, name, created_at) VALUES ('r1', 'Ada\u{1b}[31m', '2026-12-01T00:00:00Z')",
                [],
            )
            .unwrap();
        // One call, so that the theme and the rep have a row in the report.
        let c = store.conn();
        let prospect = callblock_core::lists::insert_prospect(
            c,
            &callblock_core::lists::NewProspect {
                theme_id: Some("t1".into()),
                first_name: "Pat".into(),
                company: "Acme".into(),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap();
        callblock_core::calls::record_completed_call(
            c,
            &callblock_core::calls::CompletedCall {
                prospect_id: prospect,
                rep_id: "r1".into(),
                block_id: None,
                theme_id: Some("t1".into()),
                talk_track_version_id: None,
                started_at: chrono::Utc::now() - chrono::Duration::hours(1),
                ring_ms: None,
                duration_ms: 30_000,
                outcome: callblock_core::domain::Outcome::NotInterested,
                asked_for_meeting: false,
                callback_at: None,
                notes: String::new(),
                gap_current_state: String::new(),
                gap_objectives: String::new(),
                gap_impact: String::new(),
                objections: Vec::new(),
                meeting: None,
            },
            &callblock_core::domain::Settings::default(),
        )
        .unwrap();
    }
    let db = db.to_str().unwrap();
    for args in [
        &["--db", db, "lists"][..],
        &["--db", db, "report", "--by", "theme"][..],
        &["--db", db, "report", "--by", "rep"][..],
    ] {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?}: {text:.300}"
        );
        assert!(
            text.lines().all(|l| l.chars().count() < 300),
            "{args:?}: a line is not cut"
        );
    }
    let lists = stdout(&d.run(&["--db", db, "lists"]));
    assert!(
        lists.contains("\u{FFFD}]0;owned\u{FFFD}Texas\u{FFFD}[2J"),
        "{lists:.200}"
    );
    let by_theme = stdout(&d.run(&["--db", db, "report", "--by", "theme"]));
    assert!(
        by_theme.contains("\u{FFFD}]0;owned\u{FFFD}Texas"),
        "{by_theme:.400}"
    );
    let by_rep = stdout(&d.run(&["--db", db, "report", "--by", "rep"]));
    assert!(by_rep.contains("Ada\u{FFFD}[31m"), "{by_rep:.400}");
    // JSON keeps the name whole, escaped by JSON itself.
    let json = stdout(&d.run(&["--db", db, "lists", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["theme"].as_str().unwrap(), long);
    // An error that quotes a name is one clean line.
    let out = d.run(&["--db", db, "report", "--theme", "Nope\u{1b}[2J"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
}

#[test]
fn an_import_refused_by_all_or_nothing_reports_its_rows_and_exits_1() {
    let d = Dir::new();
    let db = d.file("strict.db");
    let path = sample("messy-hubspot.csv");
    let args = [
        "--db",
        db.to_str().unwrap(),
        "import",
        path.to_str().unwrap(),
        "--all-or-nothing",
    ];
    let out = d.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Nothing was imported from") && stdout(&out).contains("line 7:"),
        "the report still lists the rejected rows: {}",
        stdout(&out)
    );
    assert!(
        stderr(&out)
            .contains("nothing was imported: 2 rows were rejected and --all-or-nothing was given"),
        "{}",
        stderr(&out)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM prospects"), 0);
    // With --json, the report on stdout and the same exit code.
    let mut json = args.to_vec();
    json.push("--json");
    let out = d.run(&json);
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(r["committed"].as_bool(), Some(false));
    // A dry run that finds rejected rows is not a failure.
    let out = d.run(&[
        "--db",
        db.to_str().unwrap(),
        "import",
        path.to_str().unwrap(),
        "--all-or-nothing",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// -- A database the user cannot write ------------------------------------------

/// `callblock ARGS...` as `callblock()` runs it, as the user `nobody` when
/// `as_nobody` (root writes any file whatever its mode, so only another user
/// meets a read-only file).
#[cfg(target_os = "linux")]
fn callblock_as(as_nobody: bool, home: &Path, args: &[&str]) -> std::io::Result<Output> {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("CALLBLOCK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    if as_nobody {
        cmd.uid(65534).gid(65534);
    }
    cmd.output()
}

#[cfg(target_os = "linux")]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The names in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn fingerprint(path: &Path) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).unwrap();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len(), h.finish())
}

#[cfg(target_os = "linux")]
#[test]
fn read_only_commands_work_on_a_database_the_user_cannot_write_and_change_nothing() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let d = Dir::new();
    // `nobody` must reach the folders (the temporary folder is private).
    set_mode(d.path(), 0o755);
    let out = d.file("out");
    std::fs::create_dir(&out).unwrap();
    set_mode(&out, 0o777);
    if root {
        match callblock_as(true, d.path(), &["--version"]) {
            Ok(o) if o.status.success() => {}
            other => {
                eprintln!(
                    "note: skipped: running as root, and `callblock` cannot be run as nobody here \
                     ({other:?}); the read-only open is tested through the core \
                     (callblock-core store tests: a_read_only_open_*)"
                );
                return;
            }
        }
    }

    // A folder the reader may write (SQLite creates -wal and -shm there,
    // which must go again), and one it may not (a read-only mount: nothing
    // can be created, the file is read as it is).
    for folder_mode in [0o777, 0o555] {
        let case = d.file(&format!("case-{folder_mode:o}"));
        std::fs::create_dir(&case).unwrap();
        let db = case.join("team.db");
        let db_arg = db.to_str().unwrap();
        let o = d.run(&["--db", db_arg, "demo"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // A weekly slot, for `schedule list|export`.
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute(
                "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone,
                    theme_id, created_at)
                 SELECT 'slot-1', id, 'block', 1, 540, 52, 'America/Chicago', NULL,
                    '2026-01-01T00:00:00.000Z' FROM reps WHERE name = 'Alex Rivera'",
                [],
            )
            .unwrap();

        let o_ref = |name: &str| d.file(&format!("ref-{folder_mode:o}-{name}"));
        let o_ro = |name: &str| out.join(format!("{folder_mode:o}-{name}"));
        // (command, the file it writes if any, compare that file's bytes)
        type Cmd = (Vec<String>, Option<&'static str>, bool);
        let commands: Vec<Cmd> = vec![
            (vec!["lists".into(), "--json".into()], None, false),
            (vec!["lists".into()], None, false),
            (vec!["info".into(), "--json".into()], None, false),
            (
                vec![
                    "report".into(),
                    "--json".into(),
                    "--by".into(),
                    "rep".into(),
                ],
                None,
                false,
            ),
            (
                vec!["report".into(), "--search".into(), "budget".into()],
                None,
                false,
            ),
            (vec!["export".into(), "calls".into()], None, false),
            (
                vec!["export".into(), "calls".into(), "-o".into()],
                Some("calls.csv"),
                true,
            ),
            (
                vec!["export".into(), "prospects".into(), "-o".into()],
                Some("prospects.csv"),
                true,
            ),
            (
                vec!["export".into(), "bundle".into(), "-o".into()],
                Some("rep.cbbundle"),
                false,
            ),
            (vec!["schedule".into(), "list".into()], None, false),
            (
                vec!["schedule".into(), "export".into(), "-o".into()],
                Some("week.ics"),
                false,
            ),
            (
                vec!["playbook".into(), "export".into()],
                Some("playbook.json"),
                false,
            ),
            (
                vec![
                    "plan".into(),
                    "--quota".into(),
                    "120000".into(),
                    "--deal-size".into(),
                    "10000".into(),
                    "--json".into(),
                ],
                None,
                false,
            ),
        ];
        let args_for = |c: &Cmd, file: Option<PathBuf>| -> Vec<String> {
            let mut a = vec!["--db".to_string(), db_arg.to_string()];
            a.extend(c.0.iter().cloned());
            if let Some(f) = file {
                a.push(f.to_str().unwrap().to_string());
            }
            a
        };
        // What each command prints on the writable file.
        let mut expected = Vec::new();
        for c in &commands {
            let args = args_for(c, c.1.map(o_ref));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = d.run(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            expected.push(o.stdout);
        }

        set_mode(&db, 0o444);
        set_mode(&case, folder_mode);
        assert_eq!(names_in(&case), ["team.db"]);
        let before = fingerprint(&db);
        for (c, want) in commands.iter().zip(&expected) {
            let args = args_for(c, c.1.map(o_ro));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = if root {
                callblock_as(true, d.path(), &args).unwrap()
            } else {
                d.run(&args)
            };
            assert_eq!(
                o.status.code(),
                Some(0),
                "{args:?} on a read-only file (folder {folder_mode:o}): {}",
                stderr(&o)
            );
            match c.1 {
                None => assert_eq!(
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(want),
                    "{args:?}: the same output as on the writable file"
                ),
                Some(name) => {
                    let written = std::fs::read(o_ro(name)).unwrap();
                    assert!(!written.is_empty(), "{name}");
                    if c.2 {
                        assert_eq!(written, std::fs::read(o_ref(name)).unwrap(), "{name}");
                    }
                }
            }
            assert_eq!(fingerprint(&db), before, "{args:?} changed no byte");
            assert_eq!(
                names_in(&case),
                ["team.db"],
                "{args:?} left no -wal, -shm or -journal (folder {folder_mode:o})"
            );
        }

        // A command that writes is refused, clearly, and changes nothing.
        let args = [
            "--db",
            db_arg,
            "plan",
            "--quota",
            "120000",
            "--deal-size",
            "10000",
            "--save",
        ];
        let o = if root {
            callblock_as(true, d.path(), &args).unwrap()
        } else {
            d.run(&args)
        };
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains("readonly") || err.contains("read-only"),
            "{err}"
        );
        assert_eq!(fingerprint(&db), before);
        assert_eq!(names_in(&case), ["team.db"], "{err}");
        set_mode(&case, 0o755);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_older_database_the_user_cannot_write_is_refused_with_what_to_do() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let d = Dir::new();
    set_mode(d.path(), 0o755);
    let db = d.file("old.db");
    let db_arg = db.to_str().unwrap();
    assert_eq!(d.run(&["--db", db_arg, "demo"]).status.code(), Some(0));
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(&format!(
            "PRAGMA user_version = {};",
            callblock_core::store::LATEST - 1
        ))
        .unwrap();
    set_mode(&db, 0o444);
    let before = fingerprint(&db);
    let o = if root {
        match callblock_as(true, d.path(), &["--db", db_arg, "lists"]) {
            Ok(o) if o.status.code() != Some(127) => o,
            other => {
                eprintln!("note: skipped: running as root and cannot run as nobody ({other:?}); see the core's store tests");
                return;
            }
        }
    } else {
        d.run(&["--db", db_arg, "lists"])
    };
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("cannot be upgraded"), "{err}");
    assert!(
        err.contains("Open it once with a Callblock that can write to it"),
        "{err}"
    );
    assert_eq!(fingerprint(&db), before);
    assert_eq!(names_in(d.path()), ["old.db"]);
}

#[test]
fn a_person_who_said_do_not_call_is_not_callable_when_imported_again_under_a_new_crm_id() {
    // The demo's calls include do-not-call outcomes: their numbers and
    // e-mails are on the list.
    let d = Dir::new();
    let db_arg = demo_db(&d);
    let db = PathBuf::from(&db_arg);
    let (phone, email): (String, String) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT ph.e164, p.email FROM calls c JOIN prospects p ON p.id = c.prospect_id
               JOIN prospect_phones ph ON ph.prospect_id = p.id AND ph.position = 0
             WHERE c.outcome = 'do_not_call' ORDER BY c.started_at LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let listed = format!(
        "SELECT count(*) FROM do_not_call WHERE (kind = 'phone' AND value = '{phone}')
            OR (kind = 'email' AND value = lower('{email}'))"
    );
    assert_eq!(count(&db, &listed), 2, "{phone} and {email} are listed");

    // The same person from another CRM: new record id, new e-mail and
    // company, the same number; and someone else.
    let csv = d.file("came-back.csv");
    std::fs::write(
        &csv,
        format!(
            "Record ID,First Name,Last Name,Email,Phone Number,Company Name\n\
             NEW-1,Pat,Again,pat.again@elsewhere.example,{phone},Elsewhere Inc\n\
             NEW-2,Sam,Fresh,sam@fresh.example,+44 20 7946 0958,Fresh Co\n"
        ),
    )
    .unwrap();
    let csv_arg = csv.to_str().unwrap();
    let out = d.run(&[
        "--db",
        &db_arg,
        "import",
        csv_arg,
        "--theme",
        "Came back",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 row is on the do-not-call list: kept, not to be called."),
        "{}",
        stdout(&out)
    );
    let report = import_json(&d, &db, &[csv_arg, "--theme", "Came back"]);
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["do_not_call"], 1, "{report}");

    let out = d.run(&["--db", &db_arg, "lists", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lists: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let came_back = lists
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["theme"] == "Came back")
        .expect("the new theme is listed");
    assert_eq!(came_back["prospects"], 2, "{came_back}");
    assert_eq!(
        came_back["ready"].as_u64().unwrap() + came_back["due_outside_hours"].as_u64().unwrap(),
        1,
        "only Sam is callable (now, or when his calling hours open): {came_back}"
    );
    assert_eq!(came_back["do_not_call"], 1, "{came_back}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM prospects WHERE crm_id = 'NEW-1' AND status = 'do_not_call'
               AND do_not_call = 1"
        ),
        1
    );
    // Her new e-mail joined the list.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM do_not_call WHERE value = 'pat.again@elsewhere.example'"
        ),
        1
    );
}

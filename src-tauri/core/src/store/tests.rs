use super::*;
use std::fs;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A file's length and a hash of its bytes (never print whole files in a failure).
fn sha(path: &Path) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    let bytes = fs::read(path).unwrap();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len(), h.finish())
}

/// Every file in the directory and its bytes' hash, to prove nothing was touched.
fn snapshot(dir: &Path) -> Vec<(String, (usize, u64))> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), sha(&e.path()))
        })
        .collect();
    v.sort();
    v
}

fn table_names(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_new_file_gets_the_whole_schema_and_the_pragmas() {
    let dir = tmp();
    let path = dir.path().join("new.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 0);
    let c = store.conn();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST);
    let app: i64 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app as u32, APPLICATION_ID);
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = c
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert!(busy >= 1000);
    let tables = table_names(&store);
    for t in [
        "reps",
        "themes",
        "imports",
        "prospects",
        "prospect_phones",
        "talk_tracks",
        "talk_track_versions",
        "objections",
        "objection_responses",
        "blocks",
        "block_themes",
        "block_pauses",
        "calls",
        "call_objections",
        "meetings",
        "skips",
        "plans",
        "schedule_slots",
        "settings",
    ] {
        assert!(
            tables.iter().any(|n| n == t),
            "missing table {t}: {tables:?}"
        );
    }
}

#[test]
fn an_empty_file_is_a_new_database() {
    let dir = tmp();
    let path = dir.path().join("empty.db");
    fs::write(&path, b"").unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 0);
}

/// A rollback journal's header (SQLite's file format, section 3): magic,
/// page records, nonce, the database's page count before the transaction,
/// sector size, page size; padded to a sector.
fn journal_header(pages_before: u32) -> Vec<u8> {
    let mut j = vec![0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
    for word in [0u32, 0x81cb_7cea, pages_before, 512, 4096] {
        j.extend_from_slice(&word.to_be_bytes());
    }
    j.resize(512, 0);
    j
}

#[test]
fn a_new_database_whose_creation_was_killed_opens_as_new() {
    // What a kill during the first open leaves (found by the torture test):
    // the first page written with the switch to WAL, and the rollback journal
    // of that switch, which says the file had no page before. The read-only
    // look cannot roll it back (SQLITE_READONLY_ROLLBACK: it reads the file
    // as immutable instead); the read-write open does. Before that fallback
    // the file was refused at every open ("attempt to write a readonly
    // database").
    let dir = tmp();
    let path = dir.path().join("new.db");
    {
        let c = Connection::open(&path).unwrap();
        c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
    }
    assert_eq!(fs::metadata(&path).unwrap().len(), 4096);
    let journal = sidecar(&path, "-journal");
    fs::write(&journal, journal_header(0)).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 0);
    assert!(table_names(&store).contains(&"calls".to_string()));
    assert!(!journal.exists(), "rolled back");
}

#[test]
fn another_applications_file_with_a_hot_journal_is_refused_and_untouched() {
    let dir = tmp();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    fs::write(sidecar(&path, "-journal"), journal_header(2)).unwrap();
    let before = snapshot(dir.path());
    assert!(Store::open(&path).is_err());
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn reopening_keeps_the_data_and_does_not_migrate_again() {
    let dir = tmp();
    let path = dir.path().join("reopen.db");
    {
        let store = Store::open(&path).unwrap();
        crate::lists::create_theme(
            store.conn(),
            "Texas",
            crate::domain::ThemeKind::Geography,
            "",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), LATEST);
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM themes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    // The default playbook was seeded once, not on every open.
    let tracks: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM talk_tracks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tracks, 1);
    // No backup is made when nothing migrates.
    assert!(!fs::read_dir(dir.path()).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".bak")));
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_untouched() {
    let dir = tmp();
    let path = dir.path().join("newer.db");
    {
        let store = Store::open(&path).unwrap();
        store
            .conn()
            .execute_batch(&format!("PRAGMA user_version = {};", LATEST + 1))
            .unwrap();
    }
    let before = snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.kind(), "too_new", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("newer version of Callblock"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(!msg.contains('\n'));
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
}

#[test]
fn a_newer_version_still_in_the_write_ahead_log_is_refused() {
    // The raw header says "ours, current" but the WAL holds a newer version:
    // the read-only check must see it.
    let dir = tmp();
    let path = dir.path().join("wal.db");
    let store = Store::open(&path).unwrap();
    store
        .conn()
        .execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    store
        .conn()
        .execute_batch(&format!("PRAGMA user_version = {};", LATEST + 7))
        .unwrap();
    // Keep the first connection open so the WAL is not checkpointed.
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.kind(), "too_new", "{err}");
    drop(store);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tmp();
    for (name, bytes) in [
        ("text.db", b"name,phone\nAnn,555\n".to_vec()),
        ("short.db", b"SQLite".to_vec()),
        (
            "random.db",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, &bytes).unwrap();
        let before = snapshot(dir.path());
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.kind(), "not_sqlite", "{name}: {err}");
        assert!(err.to_string().contains(name));
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{name} untouched, no -wal or -shm"
        );
    }
}

#[test]
fn a_damaged_database_is_refused_and_untouched() {
    let dir = tmp();
    let path = dir.path().join("damaged.db");
    {
        let store = Store::open(&path).unwrap();
        crate::demo::fill(&mut { store }, 1, chrono::Utc::now()).unwrap();
    }
    // Keep the SQLite header, overwrite page 1's schema and the pages after it.
    let mut bytes = fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(100).take(8000) {
        *b = 0xA5;
    }
    fs::write(&path, &bytes).unwrap();
    let before = snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err.kind(), "corrupt" | "not_sqlite"),
        "{}: {err}",
        err.kind()
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn another_applications_sqlite_file_is_refused_and_untouched() {
    let dir = tmp();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    let before = snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.kind(), "foreign_database", "{err}");
    assert_eq!(snapshot(dir.path()), before);

    // The same with an application id set.
    let path2 = dir.path().join("other2.db");
    {
        let c = Connection::open(&path2).unwrap();
        c.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);")
            .unwrap();
    }
    assert_eq!(Store::open(&path2).unwrap_err().kind(), "foreign_database");
}

#[test]
fn a_directory_is_refused() {
    let dir = tmp();
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.kind(), "is_directory");
}

#[test]
fn a_missing_parent_directory_is_a_clear_error() {
    let dir = tmp();
    let err = Store::open(dir.path().join("no/such/dir/x.db")).unwrap_err();
    assert_eq!(err.kind(), "cannot_open", "{err}");
}

#[cfg(unix)]
#[test]
fn a_pipe_or_a_device_is_refused_without_waiting_or_writing_beside_it() {
    let dir = tmp();
    let fifo = dir.path().join("pipe.db");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.map(|s| s.success()).unwrap_or(false) {
        // Opening the pipe would wait for a writer for ever.
        let err = Store::open(&fifo).unwrap_err();
        assert_eq!(err.kind(), "not_a_file", "{err}");
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
    let err = Store::open("/dev/null").unwrap_err();
    assert_eq!(err.kind(), "not_a_file", "{err}");
    assert!(!std::path::Path::new("/dev/null-journal").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.len() <= 1, "nothing written beside the pipe: {left:?}");
}

#[test]
fn foreign_keys_are_enforced() {
    let store = Store::open_in_memory().unwrap();
    let err = store
        .conn()
        .execute(
            "INSERT INTO calls (id, prospect_id, rep_id, started_at) VALUES ('c', 'nope', 'nope', 'x')",
            [],
        )
        .unwrap_err();
    assert_eq!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation),
        "{err}"
    );
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[test]
fn check_constraints_guard_the_domain() {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    assert!(c
        .execute(
            "INSERT INTO themes (id, name, kind, created_at) VALUES ('t', 'X', 'planet', 'now')",
            []
        )
        .is_err());
    c.execute(
        "INSERT INTO themes (id, name, kind, created_at) VALUES ('t', 'X', 'custom', 'now')",
        [],
    )
    .unwrap();
    // A callback status needs its time.
    assert!(c
        .execute(
            "INSERT INTO prospects (id, status, created_at, updated_at) VALUES ('p', 'callback', 'n', 'n')",
            []
        )
        .is_err());
}

/// Build a database at schema `version` by running the steps up to it, the
/// way an older release left it.
fn database_at(path: &Path, version: i64) {
    let c = Connection::open(path).unwrap();
    c.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    for m in migrations::MIGRATIONS
        .iter()
        .filter(|m| m.version <= version)
    {
        c.execute_batch(m.sql).unwrap();
    }
    c.execute_batch(&format!(
        "PRAGMA user_version = {version}; PRAGMA application_id = {};",
        APPLICATION_ID as i32
    ))
    .unwrap();
}

#[test]
fn every_earlier_version_migrates_to_the_latest() {
    for from in 0..LATEST {
        let dir = tmp();
        let path = dir.path().join(format!("v{from}.db"));
        database_at(&path, from);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.opened_at_version(), from);
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, LATEST, "from version {from}");
        // The result has the same tables as a new database.
        let fresh = Store::open(dir.path().join("fresh.db")).unwrap();
        assert_eq!(
            table_names(&store),
            table_names(&fresh),
            "from version {from}"
        );
        if from > 0 {
            let backups = fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with(&format!("v{from}.db.v{from}-"))
                })
                .count();
            assert_eq!(backups, 1, "a backup before migrating from {from}");
        }
    }
}

#[test]
fn migrations_are_numbered_one_by_one() {
    for (i, m) in migrations::MIGRATIONS.iter().enumerate() {
        assert_eq!(m.version, i as i64 + 1);
    }
}

#[test]
fn version_4_keeps_every_phone_and_its_bad_mark() {
    let dir = tmp();
    let path = dir.path().join("v3.db");
    database_at(&path, 3);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO prospects (id, last_name, created_at, updated_at)
                 VALUES ('p1', 'Ng', 'n', 'n'), ('p2', 'Ruiz', 'n', 'n');
             INSERT INTO prospect_phones (id, prospect_id, position, kind, e164, extension, raw, bad)
                 VALUES ('a', 'p1', 0, 'direct', '+13125550100', '12', '312-555-0100 x12', 0),
                        ('b', 'p1', 1, 'mobile', '+13125550101', NULL, '312 555 0101', 1),
                        ('c', 'p2', 0, 'office', NULL, NULL, 'call reception', 0);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 3);
    let rows: Vec<String> = store
        .conn()
        .prepare(
            "SELECT prospect_id || position || kind || ifnull(e164, '-') || ifnull(extension, '-')
                    || raw || bad
             FROM prospect_phones ORDER BY prospect_id, position",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            "p10direct+1312555010012312-555-0100 x120",
            "p11mobile+13125550101-312 555 01011",
            "p20office--call reception0",
        ]
    );
    // Still one number per position, still gone with its prospect.
    let c = store.conn();
    assert!(c
        .execute(
            "INSERT INTO prospect_phones (prospect_id, position, kind, raw) VALUES ('p1', 1, 'other', 'x')",
            [],
        )
        .is_err());
    assert!(c
        .execute(
            "INSERT INTO prospect_phones (prospect_id, position, kind, raw) VALUES ('nobody', 0, 'other', 'x')",
            [],
        )
        .is_err());
    c.execute("DELETE FROM prospects WHERE id = 'p1'", [])
        .unwrap();
    let left: i64 = c
        .query_row("SELECT count(*) FROM prospect_phones", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1);
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

#[test]
fn version_5_keeps_old_calls_whole_and_checks_ring_time() {
    let dir = tmp();
    let path = dir.path().join("v4.db");
    database_at(&path, 4);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO reps (id, name, created_at) VALUES ('r', 'Ana', 'n');
             INSERT INTO prospects (id, last_name, created_at, updated_at) VALUES ('p', 'Ng', 'n', 'n');
             INSERT INTO calls (id, prospect_id, rep_id, started_at, ended_at, duration_ms, outcome)
                 VALUES ('c', 'p', 'r', '2026-11-02T15:00:00.000Z', '2026-11-02T15:01:10.000Z', 70000, 'not_interested');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 4);
    let c = store.conn();
    let row: (i64, Option<String>, Option<i64>) = c
        .query_row(
            "SELECT duration_ms, answered_at, ring_ms FROM calls WHERE id = 'c'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // An old call's length stays the whole call; its answer is unknown.
    assert_eq!(row, (70000, None, None));
    assert!(c
        .execute("UPDATE calls SET ring_ms = -1 WHERE id = 'c'", [])
        .is_err());
    c.execute("UPDATE calls SET ring_ms = 8000 WHERE id = 'c'", [])
        .unwrap();
}

#[test]
fn version_6_keeps_every_plan_with_nothing_won_or_open() {
    // From every version that has the plans table (all of them) to the latest.
    for from in 1..6 {
        let dir = tmp();
        let path = dir.path().join(format!("v{from}.db"));
        database_at(&path, from);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "INSERT INTO reps (id, name, created_at) VALUES ('r1', 'Alex', 'n');
                 INSERT INTO plans (id, rep_id, period, starts_on, quota, deal_size, close_ratio,
                     rate_overrides, created_at)
                 VALUES ('p1', 'r1', 'quarter', '2026-10-01', 120000, 15000, 4,
                     '{\"dial_to_connect\":0.08}', '2026-10-02T09:00:00Z');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.opened_at_version(), from);
        let plan = crate::plan::plan_by_id(store.conn(), "p1").unwrap();
        let i = &plan.inputs;
        assert_eq!(
            (
                i.quota,
                i.deal_size,
                i.close_ratio,
                i.overrides.dial_to_connect
            ),
            (120_000.0, 15_000.0, 4.0, Some(0.08)),
            "from version {from}"
        );
        assert_eq!(
            (i.won_to_date, i.open_pipeline),
            (0.0, 0.0),
            "from version {from}"
        );
        // The new columns refuse what the plan refuses.
        for column in ["won_to_date", "open_pipeline"] {
            let e = store
                .conn()
                .execute(
                    &format!("UPDATE plans SET {column} = -1 WHERE id = 'p1'"),
                    [],
                )
                .unwrap_err();
            assert!(e.to_string().contains("CHECK"), "{column}: {e}");
        }
    }
}

#[test]
fn version_8_puts_every_do_not_call_prospects_numbers_and_e_mail_on_the_list() {
    let dir = tmp();
    let path = dir.path().join("v4.db");
    database_at(&path, 4);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO reps (id, name, created_at) VALUES ('r', 'Alex', 'n');
             INSERT INTO prospects (id, last_name, email, status, do_not_call, last_called_at,
                    created_at, updated_at)
                 VALUES ('p1', 'Ng', ' Dana.Ng@Acme.example', 'do_not_call', 1,
                         '2026-03-02T10:00:30Z', 'n', '2026-03-02T10:00:31Z'),
                        ('p2', 'Ruiz', 'ruiz@acme.example', 'new', 0, NULL, 'n', 'n'),
                        ('p3', 'Old', NULL, 'do_not_call', 1, NULL, 'n', '2025-01-01T00:00:00Z'),
                        ('p4', 'Twin', 'dana.ng@acme.example', 'do_not_call', 1, NULL, 'n',
                         '2027-01-01T00:00:00Z');
             INSERT INTO prospect_phones (prospect_id, position, kind, e164, extension, raw, bad)
                 VALUES ('p1', 0, 'direct', '+13125550100', NULL, '312-555-0100', 0),
                        ('p1', 1, 'corporate', '+13125550199', '12', '312 555 0199 x12', 1),
                        ('p1', 2, 'other', NULL, NULL, 'ask reception', 0),
                        ('p2', 0, 'direct', '+13125550111', NULL, '312-555-0111', 0),
                        ('p3', 0, 'mobile', '+14155550142', '', '415 555 0142', 0);
             INSERT INTO calls (id, prospect_id, rep_id, started_at, ended_at, duration_ms, outcome)
                 VALUES ('c0', 'p1', 'r', '2026-03-01T10:00:00Z', '2026-03-01T10:00:20Z', 20000,
                         'no_answer'),
                        ('c1', 'p1', 'r', '2026-03-02T10:00:00Z', '2026-03-02T10:00:30Z', 30000,
                         'do_not_call');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 4);
    let rows: Vec<String> = store
        .conn()
        .prepare(
            "SELECT kind || ' ' || value || ' ' || since || ' ' || source || ' '
                    || ifnull(call_id, '-') || ' ' || ifnull(prospect_id, '-')
             FROM do_not_call ORDER BY kind, value",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            // The twin's e-mail is the same value: the first entry stays.
            "email dana.ng@acme.example 2026-03-02T10:00:30Z call c1 p1",
            "phone +13125550100 2026-03-02T10:00:30Z call c1 p1",
            "phone +13125550199;ext=12 2026-03-02T10:00:30Z call c1 p1",
            "phone +14155550142 2025-01-01T00:00:00Z migration - p3",
        ]
    );
    // One entry per value; the list outlives the prospect it came from.
    let c = store.conn();
    assert!(c
        .execute(
            "INSERT INTO do_not_call (kind, value, since, source) VALUES ('email', 'dana.ng@acme.example', 'n', 'manual')",
            [],
        )
        .is_err());
    assert!(c
        .execute(
            "INSERT INTO do_not_call (kind, value, since, source) VALUES ('fax', 'x', 'n', 'manual')",
            [],
        )
        .is_err());
    c.execute_batch("DELETE FROM calls; DELETE FROM prospects WHERE id = 'p1';")
        .unwrap();
    let kept: i64 = c
        .query_row(
            "SELECT count(*) FROM do_not_call WHERE prospect_id IS NULL AND call_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 3);
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

#[test]
fn version_9_counts_every_list_and_pages_and_searches_the_prospects_kept() {
    // From every version since prospects have had their phones keyed by
    // prospect (4) and before 9 to the latest (from 9 on, the counts take in
    // inserted rows when a page is asked for: see `lists::page`).
    for from in 4..9 {
        let dir = tmp();
        let path = dir.path().join(format!("v{from}.db"));
        database_at(&path, from);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "INSERT INTO themes (id, name, kind, created_at) VALUES ('t', 'Texas', 'geography', 'n');
                 INSERT INTO prospects (id, theme_id, first_name, last_name, company, status,
                        created_at, updated_at)
                     VALUES ('p1', 't', 'Ann', 'Doe', 'Acme', 'new', 'n', 'n'),
                            ('p2', 't', 'Bob', 'doe', 'Northwind', 'meeting', 'n', 'n'),
                            ('p3', NULL, 'Cy', 'Roe', 'Acme', 'new', 'n', 'n'),
                            ('p0', 't', 'Ann', 'DOE', 'Contoso', 'new', 'n', 'n');
                 INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
                     VALUES ('p2', 0, 'direct', '+13125550100', '312-555-0100');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.opened_at_version(), from);
        let c = store.conn();
        let counts: Vec<(String, String, i64)> = c
            .prepare("SELECT theme_id, status, prospects FROM prospect_list_counts ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            counts,
            [
                ("".to_string(), "new".to_string(), 1),
                ("t".to_string(), "meeting".to_string(), 1),
                ("t".to_string(), "new".to_string(), 2),
            ],
            "from version {from}"
        );
        let page = |search: Option<&str>| {
            crate::lists::prospects(
                c,
                &crate::lists::ProspectQuery {
                    theme_id: Some("t".into()),
                    search: search.map(str::to_string),
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let all = page(None);
        assert_eq!(
            all.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["p0", "p1", "p2"],
            "Doe, Doe, Doe by first name then id; from version {from}"
        );
        assert_eq!((all.total, all.exact), (3, true));
        assert_eq!(page(Some("0100")).rows[0].id, "p2");
        assert_eq!(page(Some("acm")).rows[0].id, "p1");
        let index: String = c
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'prospects_list'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(index.contains("last_name COLLATE NOCASE"), "{index}");
    }
}

// -- Read-only opening ---------------------------------------------------------

/// A demo database at `path`, closed (so no `-wal` or `-shm` is left), whose
/// review rollups are stale: a report on it wants to write them.
fn closed_demo_at(path: &Path) {
    let mut store = Store::open(path).unwrap();
    crate::demo::fill(&mut store, 3, chrono::Utc::now()).unwrap();
    store
        .conn()
        .execute_batch("DELETE FROM review_rollup_state;")
        .unwrap();
    drop(store);
    assert!(!sidecar(path, "-wal").exists() && !sidecar(path, "-shm").exists());
}

fn report_json(store: &Store) -> String {
    let r = crate::api::review::report(
        store.conn(),
        &crate::api::review::TypedFilter::default(),
        Some("rep"),
    )
    .unwrap();
    serde_json::to_string(&r).unwrap()
}

#[test]
fn a_read_only_open_reads_everything_and_leaves_the_folder_as_found() {
    let dir = tmp();
    let path = dir.path().join("shared.db");
    closed_demo_at(&path);
    let before = snapshot(dir.path());

    let store = Store::open_read_only(&path).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.opened_at_version(), LATEST);
    let calls: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
        .unwrap();
    assert!(calls > 100, "the demo's calls are read ({calls})");
    let lists = crate::lists::theme_summaries(store.conn(), chrono::Utc::now()).unwrap();
    assert_eq!(lists.len(), 4);
    // The rollups are stale and cannot be written: the report reads the calls.
    let read_only_report = report_json(&store);
    // Every write is refused.
    let err = store
        .conn()
        .execute("DELETE FROM calls", [])
        .expect_err("a read-only store does not write");
    assert!(err.to_string().contains("readonly"), "{err}");
    drop(store);
    assert_eq!(
        snapshot(dir.path()),
        before,
        "same bytes, no -wal, -shm or -journal left"
    );

    // The same figures as a writable store computes (with fresh rollups).
    let writable = Store::open(&path).unwrap();
    assert_eq!(report_json(&writable), read_only_report);
}

#[test]
fn a_read_only_open_reads_the_log_and_leaves_side_files_it_did_not_create() {
    let dir = tmp();
    let path = dir.path().join("live.db");
    let writer = Store::open(&path).unwrap();
    writer
        .conn()
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             INSERT INTO reps (id, name, created_at) VALUES ('r1', 'Only In The Log', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
    let wal = sidecar(&path, "-wal");
    assert!(fs::metadata(&wal).unwrap().len() > 0);
    {
        let reader = Store::open_read_only(&path).unwrap();
        let name: String = reader
            .conn()
            .query_row("SELECT name FROM reps WHERE id = 'r1'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Only In The Log");
    }
    assert!(wal.exists() && sidecar(&path, "-shm").exists());
    // The writer goes on writing.
    writer
        .conn()
        .execute("UPDATE reps SET name = 'Still Writing' WHERE id = 'r1'", [])
        .unwrap();
}

#[test]
fn a_read_only_open_refuses_what_open_refuses_with_the_same_messages() {
    let dir = tmp();
    let newer = dir.path().join("newer.db");
    Store::open(&newer)
        .unwrap()
        .conn()
        .execute_batch(&format!("PRAGMA user_version = {};", LATEST + 1))
        .unwrap();
    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT);")
        .unwrap();
    let text = dir.path().join("text.db");
    fs::write(&text, b"name,phone\nAnn,555\n").unwrap();
    let damaged = dir.path().join("damaged.db");
    closed_demo_at(&damaged);
    let mut bytes = fs::read(&damaged).unwrap();
    for b in bytes.iter_mut().skip(100).take(8000) {
        *b = 0xA5;
    }
    fs::write(&damaged, &bytes).unwrap();

    let before = snapshot(dir.path());
    for (path, kinds) in [
        (&newer, &["too_new"][..]),
        (&foreign, &["foreign_database"][..]),
        (&text, &["not_sqlite"][..]),
        (&damaged, &["corrupt", "not_sqlite"][..]),
    ] {
        let ro = Store::open_read_only(path).unwrap_err();
        let rw = Store::open(path).unwrap_err();
        assert!(kinds.contains(&ro.kind()), "{}: {ro}", path.display());
        assert_eq!(ro.to_string(), rw.to_string());
    }
    assert_eq!(snapshot(dir.path()), before, "all left untouched");

    let missing = Store::open_read_only(dir.path().join("missing.db")).unwrap_err();
    assert_eq!(missing.kind(), "cannot_open", "{missing}");
    assert_eq!(snapshot(dir.path()), before, "nothing created");
}

#[test]
fn an_older_file_opened_read_only_is_refused_and_says_how_to_upgrade_it() {
    let dir = tmp();
    let path = dir.path().join("old.db");
    database_at(&path, LATEST - 1);
    let empty = dir.path().join("empty.db");
    fs::write(&empty, b"").unwrap();
    let before = snapshot(dir.path());
    for p in [&path, &empty] {
        let err = Store::open_read_only(p).unwrap_err();
        assert_eq!(err.kind(), "needs_upgrade", "{err}");
        let msg = err.to_string();
        assert!(msg.contains("cannot be upgraded"), "{msg}");
        assert!(
            msg.contains("Open it once with a Callblock that can write to it"),
            "{msg}"
        );
        assert!(msg.contains(&p.display().to_string()), "{msg}");
        assert!(!msg.contains('\n'));
    }
    assert_eq!(
        snapshot(dir.path()),
        before,
        "no migration, no backup, no side file"
    );
    // A writable open upgrades it as before.
    assert_eq!(Store::open(&path).unwrap().opened_at_version(), LATEST - 1);
}

#[test]
fn the_immutable_fallback_opens_any_path() {
    // What a read-only folder without `-shm` falls back to, for any name a
    // user can give (the path is a URI there).
    let dir = tmp();
    let sub = dir.path().join("a dir ? # %20");
    fs::create_dir(&sub).unwrap();
    let path = sub.join("we?ird #name %41 ünï.db");
    closed_demo_at(&path);
    let before = snapshot(&sub);
    let conn = open_read_only_flags(&path, true).unwrap();
    let (version, app_id, _) = read_identity(&conn).unwrap();
    assert_eq!((version, app_id), (LATEST, APPLICATION_ID));
    drop(conn);
    assert_eq!(snapshot(&sub), before, "an immutable reader writes nothing");
}

#[test]
fn version_11_keeps_the_do_not_call_list_and_queues_new_entries_for_the_team() {
    let dir = tmp();
    let path = dir.path().join("v10.db");
    database_at(&path, 10);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO do_not_call (kind, value, since, source)
                 VALUES ('phone', '+13125550100', '2026-03-02T10:00:30Z', 'manual');
             INSERT INTO team_link (id, url, role, team_schema, connected_at)
                 VALUES (1, 'postgres://dana@db/team', 'dana', 1, 'n');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 10);
    let c = store.conn();
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count(
            "SELECT count(*) FROM do_not_call WHERE value = '+13125550100' AND source = 'manual'"
        ),
        1
    );
    c.execute_batch(
        "INSERT INTO do_not_call (kind, value, since, source) VALUES ('email', 'a@b.example', 'n', 'call');
         INSERT INTO do_not_call (kind, value, since, source) VALUES ('phone', '+14155550100', 'n', 'team');",
    )
    .unwrap();
    assert_eq!(
        count("SELECT count(*) FROM team_dnc_outbox WHERE value = 'a@b.example'"),
        1,
        "a new entry goes to the team's list"
    );
    assert_eq!(
        count("SELECT count(*) FROM team_dnc_outbox WHERE value = '+14155550100'"),
        0,
        "what came from the team is not sent back"
    );
    // Version 14: a linked copy sends its own listings again (the store
    // learns every copy that lists a value).
    assert_eq!(
        count("SELECT count(*) FROM team_dnc_outbox WHERE value = '+13125550100' AND removed = 0"),
        1
    );
}

//! The team store against a real PostgreSQL server (see `support`): the
//! schema, pushes and pulls, row-level security with a role per rep, a
//! server that is down or does not answer.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use callblock_core::domain::Settings;
use callblock_core::reports::{self, ReportFilter};
use callblock_core::team::link;
use callblock_core::Store;
use callblock_team::{self as team, block_on, TeamError};
use chrono::{TimeZone, Utc};
use support::Pg;

struct Conn {
    rt: tokio::runtime::Runtime,
    c: tokio_postgres::Client,
}

struct Setup {
    pg: Pg,
    dir: tempfile::TempDir,
}

impl Setup {
    /// A server with the team schema (created by its owner's first
    /// connection, from a manager's empty database) and three roles.
    fn new() -> Setup {
        let pg = Pg::start();
        let dir = tempfile::tempdir().unwrap();
        let s = Setup { pg, dir };
        let mut owner = s.store("owner.db");
        let r = block_on(team::connect(&mut owner, &s.pg.owner_url(), &s.secrets())).unwrap();
        assert_eq!(
            r.schema_migrated_from,
            Some(None),
            "created by the first connection"
        );
        assert!(r.manager, "the owner reads the whole team");
        for (role, pw, manager) in [
            ("dana", "dana-pw", false),
            ("sam", "sam-pw", false),
            ("lee", "lee-pw", true),
        ] {
            block_on(team::add_rep(&owner, &s.secrets(), role, Some(pw), manager)).unwrap();
        }
        s
    }

    fn secrets(&self) -> PathBuf {
        self.dir.path().join("config").join("team-passwords.json")
    }

    fn store(&self, name: &str) -> Store {
        Store::open(self.dir.path().join(name)).unwrap()
    }

    /// A rep's database with the demo's calls, working as the demo's rep
    /// renamed `rep_name`.
    fn rep_db(&self, name: &str, seed: u64, rep_name: &str) -> Store {
        let mut store = self.store(name);
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
        callblock_core::demo::fill(&mut store, seed, now).unwrap();
        let me = callblock_core::reps::current_rep(store.conn())
            .unwrap()
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE reps SET name = ?1 WHERE id = ?2",
                [rep_name, &me.id],
            )
            .unwrap();
        store
    }

    /// A plain connection as `role`, on a runtime of its own.
    fn client(&self, role: &str, pw: &str) -> Conn {
        let url = self.pg.url(role, pw);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let c = rt.block_on(async {
            let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            c
        });
        Conn { rt, c }
    }
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn me(store: &Store) -> String {
    callblock_core::reps::current_rep(store.conn())
        .unwrap()
        .unwrap()
        .id
}

fn my_calls(store: &Store) -> i64 {
    let me = callblock_core::reps::current_rep(store.conn())
        .unwrap()
        .unwrap();
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL",
            [&me.id],
            |r| r.get(0),
        )
        .unwrap()
}

fn pg_count(s: &Setup, sql: &str) -> i64 {
    s.pg.psql(sql).parse().unwrap()
}

#[test]
fn reps_push_once_and_a_manager_pulls_the_same_figures() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let r = block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    assert!(!r.manager);
    assert_eq!(
        r.password_kept,
        Some(team::config::Kept::File),
        "no keyring in the tests' session"
    );
    assert_eq!(r.schema_migrated_from, None, "the schema was there");
    assert!(r.queued > 0);
    // The link keeps no password; the password file does.
    let l = link::get(dana.conn()).unwrap().unwrap();
    assert!(!l.url.contains("dana-pw"), "{}", l.url);
    assert!(std::fs::read_to_string(s.secrets())
        .unwrap()
        .contains("dana-pw"));

    let first = block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(first.pushed.calls as i64, my_calls(&dana));
    assert_eq!(link::status(dana.conn()).unwrap().waiting, 0);
    // What the push wrote is hers already: the pull after it reads none of it.
    assert!(!first.pushed.own_transactions.is_empty());
    assert_eq!(first.pulled.rows, 0, "{:?}", first.pulled);
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind = 'call'"
        ),
        my_calls(&dana)
    );
    // Everything pushed again (an acknowledgement lost in a crash): nothing changes.
    let seq_before = s.pg.psql("SELECT max(seq) FROM callblock.rows");
    dana.conn()
        .execute_batch(
            "INSERT INTO team_outbox (kind, row_id) SELECT 'call', id FROM calls WHERE outcome IS NOT NULL",
        )
        .unwrap();
    let again = block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(again.pushed.rows_written, 0, "{again:?}");
    assert_eq!(s.pg.psql("SELECT max(seq) FROM callblock.rows"), seq_before);
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind = 'call'"
        ),
        my_calls(&dana)
    );

    // A note changed after the call: the store has the new text.
    let call: String = dana
        .conn()
        .query_row(
            &format!(
                "SELECT id FROM calls WHERE outcome = 'meeting' AND rep_id = '{}' LIMIT 1",
                me(&dana)
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    dana.conn()
        .execute(
            "UPDATE calls SET notes = 'budget in Q1' WHERE id = ?1",
            [&call],
        )
        .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(
        s.pg.psql(&format!(
            "SELECT body->>'notes' FROM callblock.rows WHERE kind = 'call' AND id = '{call}'"
        )),
        "budget in Q1"
    );

    // The manager's database pulls Dana's calls: the same figures.
    let mut lee = s.store("lee.db");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &s.secrets(),
    ))
    .unwrap();
    let pulled = block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    assert_eq!(pulled.pulled.calls_added as i64, my_calls(&dana));
    assert_eq!(pulled.pulled.reps, vec!["Dana Ruiz".to_string()]);
    let me = callblock_core::reps::current_rep(dana.conn())
        .unwrap()
        .unwrap();
    let f = ReportFilter {
        rep_ids: vec![me.id.clone()],
        ..ReportFilter::default()
    };
    let st = Settings::default();
    assert_eq!(
        reports::funnel(dana.conn(), &f, &st).unwrap(),
        reports::funnel(lee.conn(), &f, &st).unwrap()
    );
    // A second pull brings nothing new; nothing pulled is pushed back.
    let second = block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    assert_eq!(second.pulled.calls_added, 0);
    assert_eq!(second.pushed.entries, 0);
    assert_eq!(count(&lee, "SELECT count(*) FROM team_outbox"), 0);
}

#[test]
fn a_rep_reads_and_writes_only_their_own_calls() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let mut sam = s.rep_db("sam.db", 9, "Sam Lee");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::connect(
        &mut sam,
        &s.pg.url("sam", "sam-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    block_on(team::sync(&mut sam, &s.secrets())).unwrap();
    let total = my_calls(&dana) + my_calls(&sam);
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind = 'call'"
        ),
        total
    );

    let Conn { rt, c } = s.client("sam", "sam-pw");
    rt.block_on(async {
        let seen: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE kind = 'call'", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen, my_calls(&sam), "Sam sees his own calls only");
        let notes: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE owner = 'dana' AND rep_id IS NOT NULL", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(notes, 0, "none of Dana's calls, nor their notes");
        let shared: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE kind = 'theme'", &[])
            .await
            .unwrap()
            .get(0);
        assert!(shared > 0, "the team's themes are read by all");
        // Writing Dana's rows: the team's rows she wrote first are read, not changed.
        let themes_of_dana: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE kind = 'theme' AND owner = 'dana'", &[])
            .await
            .unwrap()
            .get(0);
        assert!(themes_of_dana > 0, "Dana wrote some of the team's themes");
        let touched = c
            .execute("UPDATE callblock.rows SET body = body WHERE kind = 'theme' AND owner = 'dana'", &[])
            .await
            .unwrap();
        assert_eq!(touched, 0, "a row of the team's Dana wrote is not Sam's to change");
        let deleted = c
            .execute("DELETE FROM callblock.rows WHERE kind = 'theme'", &[])
            .await
            .unwrap();
        assert_eq!(deleted, 0, "nothing of the team's is deleted");
        // His own row, moved to Dana's name, or given to her: refused, kept.
        let e = c
            .execute(
                "UPDATE callblock.rows SET rep_id = (SELECT id FROM callblock.reps WHERE db_role = 'dana')
                 WHERE kind = 'call' AND id = (SELECT id FROM callblock.rows WHERE kind = 'call' LIMIT 1)",
                &[],
            )
            .await
            .unwrap_err();
        let msg = e.as_db_error().unwrap().message().to_string();
        assert!(msg.contains("row-level security"), "{msg}");
        c.execute(
            "UPDATE callblock.rows SET owner = 'dana' WHERE kind = 'call' AND id = (SELECT id FROM callblock.rows WHERE kind = 'call' LIMIT 1)",
            &[],
        )
        .await
        .unwrap();
        let others: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE kind = 'call' AND owner <> 'sam'", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(others, 0, "who wrote a row is not changed by hand");
        let dana_rep: String = c
            .query_one("SELECT id FROM callblock.reps WHERE db_role = 'dana'", &[])
            .await
            .unwrap()
            .get(0);
        let e = c
            .execute(
                "INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('call', 'forged', $1, '{}')",
                &[&dana_rep],
            )
            .await
            .unwrap_err();
        let msg = e.as_db_error().unwrap().message().to_string();
        assert!(msg.contains("row-level security"), "{msg}");
        let e = c
            .execute("UPDATE callblock.reps SET name = 'x' WHERE db_role = 'dana'", &[])
            .await
            .unwrap();
        assert_eq!(e, 0, "another rep's name is not Sam's to change");
        // A call of Dana's recorded as taken back: refused in her name.
        let e = c
            .execute(
                "INSERT INTO callblock.removed (kind, id, rep_id) VALUES ('call', 'any', $1)",
                &[&dana_rep],
            )
            .await
            .unwrap_err();
        let msg = e.as_db_error().unwrap().message().to_string();
        assert!(msg.contains("row-level security"), "{msg}");
        // A function of his own in place of pg_catalog's is not used by the policies.
        let _ = c
            .batch_execute(
                "CREATE FUNCTION public.pg_has_role(name, name, text) RETURNS boolean
                 LANGUAGE sql AS 'SELECT true'",
            )
            .await;
        c.batch_execute("SET search_path = public, pg_catalog").await.unwrap();
        let seen: i64 = c
            .query_one("SELECT count(*) FROM callblock.rows WHERE kind = 'call'", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen, my_calls(&sam), "still his own calls only");
    });

    // The manager reads both.
    let l = s.client("lee", "lee-pw");
    let both: i64 =
        l.rt.block_on(l.c.query_one(
            "SELECT count(*) FROM callblock.rows WHERE kind = 'call'",
            &[],
        ))
        .unwrap()
        .get(0);
    assert_eq!(both, total);
}

#[test]
fn a_server_down_loses_nothing_and_says_so() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    s.pg.stop_server();
    let call: String = dana
        .conn()
        .query_row(
            &format!(
                "SELECT id FROM calls WHERE outcome = 'not_interested' AND rep_id = '{}' LIMIT 1",
                me(&dana)
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    dana.conn()
        .execute(
            "UPDATE calls SET asked_for_meeting = 1 WHERE id = ?1",
            [&call],
        )
        .unwrap();
    let e = block_on(team::sync(&mut dana, &s.secrets())).unwrap_err();
    assert!(e.is_offline(), "{e}");
    assert!(
        e.to_string()
            .starts_with("cannot reach the team store at dana@127.0.0.1:"),
        "{e}"
    );
    let st = link::status(dana.conn()).unwrap();
    assert_eq!(st.waiting, 1);
    let l = st.link.unwrap();
    assert!(l.offline_since.is_some());
    assert!(l.last_error.unwrap().contains("cannot reach"));
    let status = block_on(team::status(&dana, &s.secrets(), Duration::from_secs(3))).unwrap();
    assert!(status.server.unwrap_err().contains("cannot reach"));

    s.pg.start_server();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(link::status(dana.conn()).unwrap().waiting, 0);
    assert!(link::get(dana.conn())
        .unwrap()
        .unwrap()
        .offline_since
        .is_none());
    assert_eq!(
        s.pg.psql(&format!(
            "SELECT body->>'asked_for_meeting' FROM callblock.rows WHERE kind = 'call' AND id = '{call}'"
        )),
        "true"
    );
}

#[test]
fn a_server_that_never_answers_is_given_up_on_in_time() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    // A listener that accepts connections and says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut conns = vec![];
        silent.set_nonblocking(false).unwrap();
        for c in silent.incoming().take(1) {
            conns.push(c);
            std::thread::sleep(Duration::from_secs(8));
        }
    });
    dana.conn()
        .execute(
            "UPDATE team_link SET url = ?1",
            [format!(
                "postgres://dana@127.0.0.1:{port}/postgres?sslmode=disable"
            )],
        )
        .unwrap();
    let st = block_on(team::status(&dana, &s.secrets(), Duration::from_secs(2))).unwrap();
    let e = st.server.unwrap_err();
    assert!(e.contains("did not answer within 2 s"), "{e}");
    held.join().unwrap();
}

#[test]
fn a_newer_schema_is_refused_and_a_rep_cannot_create_one() {
    let s = Setup::new();
    s.pg.psql("INSERT INTO callblock.schema_version (version, description) VALUES (99, 'from the future')");
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let e = block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap_err();
    assert!(matches!(e, TeamError::Newer { found: 99, .. }), "{e}");
    assert!(link::get(dana.conn()).unwrap().is_none(), "nothing linked");
    assert_eq!(
        s.pg.psql("SELECT max(version) FROM callblock.schema_version"),
        "99",
        "never touched"
    );

    // A store without the schema, reached by a rep's role: said what to do.
    s.pg.psql("DROP SCHEMA callblock CASCADE");
    let e = block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("has no Callblock schema yet"), "{e}");
    // A wrong password: the server's own words.
    let e = block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "nope"),
        &s.secrets(),
    ))
    .unwrap_err();
    assert!(
        e.to_string().contains("password authentication failed"),
        "{e}"
    );
}

#[test]
fn an_undone_call_leaves_the_store_until_it_is_logged_again() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    let (call, meeting): (String, String) = dana
        .conn()
        .query_row(
            &format!(
                "SELECT call_id, id FROM meetings WHERE rep_id = '{}' LIMIT 1",
                me(&dana)
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // The undo of a booked meeting: the meeting gone, the call open again.
    dana.conn()
        .execute_batch(&format!(
            "DELETE FROM meetings WHERE id = '{meeting}';
             UPDATE calls SET outcome = NULL, ended_at = NULL, duration_ms = NULL, callback_at = NULL WHERE id = '{call}';"
        ))
        .unwrap();
    let r = block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(r.pushed.retracted, 1);
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.rows WHERE id IN ('{call}', '{meeting}')")
        ),
        0
    );
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.removed WHERE id = '{call}'")
        ),
        1
    );
    // Logged again as not interested: back, without the meeting.
    dana.conn()
        .execute(
            "UPDATE calls SET outcome = 'not_interested', ended_at = started_at, duration_ms = 61000 WHERE id = ?1",
            [&call],
        )
        .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(
        s.pg.psql(&format!(
            "SELECT body->>'outcome' FROM callblock.rows WHERE kind = 'call' AND id = '{call}'"
        )),
        "not_interested"
    );
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.rows WHERE id = '{meeting}'")
        ),
        0
    );
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.removed WHERE id = '{call}'")
        ),
        0
    );
}

#[test]
fn a_managers_copy_follows_the_reps_changes_and_shows_the_floor() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let me = me(&dana);
    let now = Utc::now();
    let at = |mins: i64| callblock_core::time::to_db(now - chrono::Duration::minutes(mins));
    // Dana is in a block: one call logged in it so far.
    dana.conn()
        .execute(
            "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at)
             VALUES ('live-block', ?1, 3120, 1020, ?2)",
            [&me, &at(10)],
        )
        .unwrap();
    dana.conn()
        .execute(
            "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, started_at, ended_at,
                                duration_ms, outcome, answered_at)
             SELECT 'live-call', prospect_id, rep_id, 'live-block', theme_id, ?2, ?3, 75000,
                    'not_interested', ?2
             FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL LIMIT 1",
            [&me, &at(5), &at(4)],
        )
        .unwrap();
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();

    let mut lee = s.store("lee.db");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    let st = Settings::default();
    let floor = callblock_core::team::floor::floor(lee.conn(), &st, now).unwrap();
    assert_eq!(floor.reps.len(), 1, "{floor:?}");
    let f = &floor.reps[0];
    assert_eq!(
        (f.name.as_str(), f.dials, f.connects, f.conversations),
        ("Dana Ruiz", 1, 1, 1)
    );
    assert!(floor.pulled_at.is_some());

    // Dana adds a note, ends her block and takes back a booked meeting.
    let (undone, meeting): (String, String) = dana
        .conn()
        .query_row(
            "SELECT call_id, id FROM meetings WHERE rep_id = ?1 LIMIT 1",
            [&me],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    dana.conn()
        .execute_batch(&format!(
            "UPDATE calls SET notes = 'wants a call in March' WHERE id = 'live-call';
             UPDATE blocks SET ended_at = '{}', end_reason = 'completed' WHERE id = 'live-block';
             DELETE FROM meetings WHERE id = '{meeting}';
             UPDATE calls SET outcome = NULL, ended_at = NULL, duration_ms = NULL, callback_at = NULL
             WHERE id = '{undone}';",
            at(0)
        ))
        .unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    let r = block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    assert_eq!(r.pulled.calls_updated, 1, "{r:?}");
    assert_eq!(r.pulled.blocks_updated, 1, "{r:?}");
    assert_eq!(r.pulled.calls_removed, 1, "{r:?}");
    let notes: String = lee
        .conn()
        .query_row("SELECT notes FROM calls WHERE id = 'live-call'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(notes, "wants a call in March");
    assert_eq!(
        count(
            &lee,
            &format!("SELECT count(*) FROM calls WHERE id = '{undone}'")
        ),
        0,
        "the call taken back is gone from the manager's copy"
    );
    assert!(callblock_core::team::floor::floor(lee.conn(), &st, now)
        .unwrap()
        .reps
        .is_empty());
    // The manager's figures are still Dana's own.
    let filter = ReportFilter {
        rep_ids: vec![me.clone()],
        ..ReportFilter::default()
    };
    assert_eq!(
        reports::funnel(dana.conn(), &filter, &st).unwrap(),
        reports::funnel(lee.conn(), &filter, &st).unwrap()
    );
}

#[test]
fn a_listening_manager_hears_a_push_when_it_commits() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &s.secrets(),
    ))
    .unwrap();
    let mut lee = s.store("lee.db");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(async {
        let mut heard = team::listen(&lee, &s.secrets()).await.unwrap();
        team::sync(&mut dana, &s.secrets()).await.unwrap();
        tokio::time::timeout(Duration::from_secs(10), heard.heard())
            .await
            .expect("heard within 10 s")
            .expect("the connection is open");
        // What was heard is there to pull.
        let r = team::sync(&mut lee, &s.secrets()).await.unwrap();
        assert_eq!(r.pulled.calls_added as i64, my_calls(&dana));
    });
}

// The team's shared lists: a manager publishes, reps lease.

/// A database working as a new rep `name`, with nothing else.
fn fresh_rep(s: &Setup, file: &str, name: &str) -> Store {
    let store = s.store(file);
    let rep = callblock_core::reps::create_rep(store.conn(), name, None, None).unwrap();
    callblock_core::reps::set_current_rep(store.conn(), &rep.id).unwrap();
    store
}

/// `n` prospects on a new theme `theme` (no known zone: callable at any
/// hour), numbered +1 415 555 01xx; returns the theme's id.
fn shared_theme(store: &Store, theme: &str, n: usize) -> String {
    use callblock_core::domain::ThemeKind;
    use callblock_core::lists::{self, NewPhone, NewProspect};
    let t = lists::create_theme(store.conn(), theme, ThemeKind::Custom, "").unwrap();
    for i in 0..n {
        let p = NewProspect {
            theme_id: Some(t.id.clone()),
            first_name: format!("Lead{i}"),
            last_name: "Shared".into(),
            company: format!("Acme {i}"),
            phones: vec![NewPhone {
                kind: "direct".into(),
                e164: Some(format!("+1415555{:04}", 100 + i)),
                extension: None,
                raw: format!("(415) 555-{:04}", 100 + i),
            }],
            ..NewProspect::default()
        };
        lists::insert_prospect(store.conn(), &p, Utc::now()).unwrap();
    }
    t.id
}

fn db_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

/// Lee, a manager, publishes a new theme `theme` of `n` leads.
fn lee_publishes(s: &Setup, theme: &str, n: usize) -> team::PublishReport {
    let mut lee = s.store("lee.db");
    let theme = shared_theme(&lee, theme, n);
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &s.secrets(),
    ))
    .unwrap();
    block_on(team::publish(&mut lee, &s.secrets(), &[theme])).unwrap()
}

fn theme_id(store: &Store, name: &str) -> String {
    store
        .conn()
        .query_row("SELECT id FROM themes WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

fn result(outcome: callblock_core::domain::Outcome) -> callblock_core::calls::CallResult {
    callblock_core::calls::CallResult {
        outcome,
        callback_at: None,
        meeting: None,
        notes: Default::default(),
        asked_for_meeting: false,
    }
}

#[test]
fn two_reps_on_a_published_list_never_call_the_same_lead() {
    use callblock_core::domain::Outcome;
    use callblock_core::session::Session;
    let s = Setup::new();
    let secrets = s.secrets();
    let published = lee_publishes(&s, "Shared logistics", 12);
    assert_eq!(published.prospects, 12);
    assert_eq!(published.themes, vec!["Shared logistics".to_string()]);

    let mut dana = fresh_rep(&s, "dana.db", "Dana Ruiz");
    let mut sam = fresh_rep(&s, "sam.db", "Sam Okafor");
    // Sam has a lead of his own on a number Dana will be asked never to call again.
    let own = {
        use callblock_core::lists::{self, NewPhone, NewProspect};
        let t = lists::create_theme(
            sam.conn(),
            "Own",
            callblock_core::domain::ThemeKind::Custom,
            "",
        )
        .unwrap();
        let p = NewProspect {
            theme_id: Some(t.id),
            first_name: "Pat".into(),
            phones: vec![NewPhone {
                kind: "mobile".into(),
                e164: Some("+14155550100".into()),
                extension: None,
                raw: "415 555 0100".into(),
            }],
            ..NewProspect::default()
        };
        lists::insert_prospect(sam.conn(), &p, Utc::now()).unwrap()
    };
    for (store, role, pw) in [(&mut dana, "dana", "dana-pw"), (&mut sam, "sam", "sam-pw")] {
        block_on(team::connect(store, &s.pg.url(role, pw), &secrets)).unwrap();
        let r = block_on(team::sync(store, &secrets)).unwrap();
        assert_eq!(
            r.pulled.shared.prospects_added, 12,
            "{role} takes the list in"
        );
        assert_eq!(
            r.pulled.shared.themes_added,
            vec!["Shared logistics".to_string()]
        );
        assert_eq!(count(store, "SELECT count(*) FROM team_shared"), 12);
        assert_eq!(
            count(store, "SELECT count(*) FROM prospect_phones ph JOIN team_shared s ON s.prospect_id = ph.prospect_id"),
            12,
            "with their numbers"
        );
    }

    let dir = s.dir.path().join("invites");
    let (dt, st) = (
        theme_id(&dana, "Shared logistics"),
        theme_id(&sam, "Shared logistics"),
    );
    let mut dana_block = Session::start(&mut dana, &[dt], None, None, Utc::now()).unwrap();
    let mut sam_block = Session::start(&mut sam, &[st], None, None, Utc::now()).unwrap();
    // Nobody on the team's list until the store hands leads out.
    let snap = dana_block.snapshot();
    assert!(snap.card.is_none(), "no lease yet, no shared lead");
    assert_eq!(snap.queue_rest.unwrap().waiting_for_team, 12);

    let mut called: [Vec<String>; 2] = [vec![], vec![]];
    for round in 0..12 {
        for (i, (store, block)) in [(&mut dana, &mut dana_block), (&mut sam, &mut sam_block)]
            .into_iter()
            .enumerate()
        {
            let r = block_on(team::sync(store, &secrets)).unwrap();
            assert!(r.leases.held <= callblock_core::team::lists::AHEAD as u32);
            block.refresh(store).unwrap();
            let Some(card) = block.snapshot().card else {
                continue;
            };
            block.start_call(store).unwrap();
            let outcome = if i == 0 && round == 0 {
                Outcome::DoNotCall
            } else {
                Outcome::NoAnswer
            };
            block.begin_outcome().unwrap();
            block.log_outcome(store, &result(outcome), &dir).unwrap();
            called[i].push(card.prospect_id.clone());
            block_on(team::sync(store, &secrets)).unwrap();
        }
    }
    let [d, sm] = &called;
    assert!(
        d.iter().all(|p| !sm.contains(p)),
        "no lead called by both: {d:?} {sm:?}"
    );
    let mut all: Vec<&String> = d.iter().chain(sm).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 12, "every lead called once, by one rep");
    assert!(!d.is_empty() && !sm.is_empty(), "both reps had leads");

    // Outcomes flow back: Sam's copy knows what Dana's calls left.
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    for p in d.iter().skip(1) {
        let (status, attempts): (String, i64) = sam
            .conn()
            .query_row(
                "SELECT status, attempts FROM prospects WHERE id = ?1",
                [p],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (status.as_str(), attempts),
            ("attempting", 1),
            "Dana's call on {p}, in Sam's copy"
        );
    }
    // Do-not-call is the team's, per number: Dana's first lead in Sam's copy,
    // and Sam's own lead on the same number.
    let first = &d[0];
    let dnc: bool = sam
        .conn()
        .query_row(
            "SELECT do_not_call FROM prospects WHERE id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    assert!(dnc);
    let number: String = dana
        .conn()
        .query_row(
            "SELECT e164 FROM prospect_phones WHERE prospect_id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.do_not_call WHERE value = '{number}'")
        ),
        1
    );
    if number == "+14155550100" {
        let own_dnc: bool = sam
            .conn()
            .query_row(
                "SELECT do_not_call FROM prospects WHERE id = ?1",
                [&own],
                |r| r.get(0),
            )
            .unwrap();
        assert!(own_dnc, "Sam's own lead on that number");
    }
    assert_eq!(
        count(
            &sam,
            &format!(
                "SELECT count(*) FROM do_not_call WHERE value = '{number}' AND source = 'team'"
            )
        ),
        1
    );

    // Ending the blocks gives every lease back.
    dana_block
        .end(&mut dana, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
    sam_block
        .end(&mut sam, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
    for store in [&mut dana, &mut sam] {
        let r = block_on(team::sync(store, &secrets)).unwrap();
        assert_eq!(r.leases.held, 0);
        assert_eq!(
            count(store, "SELECT count(*) FROM team_leases WHERE mine = 1"),
            0
        );
    }
    assert_eq!(pg_count(&s, "SELECT count(*) FROM callblock.leases"), 0);
    assert_eq!(
        pg_count(&s, "SELECT count(*) FROM callblock.prospect_state"),
        12
    );
}

#[test]
fn a_crashed_reps_lease_comes_back_by_expiry_and_nobody_takes_it_before() {
    let s = Setup::new();
    let secrets = s.secrets();
    lee_publishes(&s, "Shared", 2);
    let mut dana = fresh_rep(&s, "dana.db", "Dana Ruiz");
    let mut sam = fresh_rep(&s, "sam.db", "Sam Okafor");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::connect(
        &mut sam,
        &s.pg.url("sam", "sam-pw"),
        &secrets,
    ))
    .unwrap();
    let lead: String =
        s.pg.psql("SELECT min(id) FROM callblock.published WHERE kind = 'prospect'");
    let (dana_id, sam_id) = (me(&dana), me(&sam));
    let take = |c: &Conn, rep: &str, secs: f64| -> Result<Option<String>, String> {
        c.rt.block_on(c.c.query_one(
            "SELECT rep_id FROM callblock.take_leases($1, ARRAY[$2], NULL, $3)",
            &[&rep, &lead, &secs],
        ))
        .map(|r| r.get(0))
        .map_err(|e| db_message(&e))
    };
    let dc = s.client("dana", "dana-pw");
    let sc = s.client("sam", "sam-pw");
    // Dana's client takes a lease for two seconds, then dies.
    assert_eq!(
        take(&dc, &dana_id, 2.0).unwrap().as_deref(),
        Some(dana_id.as_str())
    );
    drop(dc);
    // Sam cannot have it while it runs, nor take it in Dana's name, nor
    // write the leases table himself.
    assert_eq!(
        take(&sc, &sam_id, 600.0).unwrap().as_deref(),
        Some(dana_id.as_str())
    );
    let e = take(&sc, &dana_id, 600.0).unwrap_err();
    assert!(e.contains("does not call as rep"), "{e}");
    let e = sc
        .rt
        .block_on(sc.c.execute("UPDATE callblock.leases SET rep_id = $1", &[&sam_id]))
        .unwrap_err();
    let e = db_message(&e);
    assert!(e.contains("permission denied"), "{e}");
    // Once it expires (the server's clock), it is Sam's.
    std::thread::sleep(Duration::from_millis(2200));
    assert_eq!(
        take(&sc, &sam_id, 600.0).unwrap().as_deref(),
        Some(sam_id.as_str())
    );
    // A rep publishes nothing.
    let t = shared_theme(&sam, "Sam's own", 1);
    let e = block_on(team::publish(&mut sam, &secrets, &[t])).unwrap_err();
    assert!(e.to_string().contains("only a manager publishes"), "{e}");
    let e = sc
        .rt
        .block_on(sc.c.execute(
            "INSERT INTO callblock.published (kind, id) VALUES ('prospect', $1)",
            &[&lead],
        ))
        .unwrap_err();
    let e = db_message(&e);
    assert!(e.contains("row-level security"), "{e}");
    let _ = &mut dana;
}

#[test]
fn a_reps_password_reaches_the_server_hashed_never_in_clear() {
    let s = Setup::new();
    s.pg.psql("ALTER SYSTEM SET log_statement = 'all'");
    s.pg.psql("SELECT pg_reload_conf()");
    std::thread::sleep(Duration::from_millis(300));
    let owner = s.store("owner.db");
    block_on(team::add_rep(
        &owner,
        &s.secrets(),
        "kim",
        Some("kim-secret-pw"),
        false,
    ))
    .unwrap();
    // An existing role given a new password: the same.
    block_on(team::add_rep(
        &owner,
        &s.secrets(),
        "kim",
        Some("kim-other-pw"),
        false,
    ))
    .unwrap();
    let log = s.pg.log_text();
    assert!(
        log.contains("SCRAM-SHA-256$4096:"),
        "the statements are logged"
    );
    assert!(!log.contains("kim-secret-pw") && !log.contains("kim-other-pw"));
    // And the role logs in with it.
    let mut kim = s.store("kim.db");
    callblock_core::reps::create_rep(kim.conn(), "Kim Lee", None, None).unwrap();
    block_on(team::connect(
        &mut kim,
        &s.pg.url("kim", "kim-other-pw"),
        &s.secrets(),
    ))
    .unwrap();
}

/// Save a new version of the default talk track with `opener`.
fn new_opener(store: &Store, opener: &str) {
    use callblock_core::playbook::talk_tracks;
    let now = talk_tracks::own_talk_track(store.conn(), None)
        .unwrap()
        .expect("a default talk track");
    let mut sections = now.sections.clone();
    sections.opener = opener.into();
    talk_tracks::save_talk_track(store.conn(), None, &now.name, &sections, "test", None).unwrap();
}

fn opener(store: &Store) -> String {
    callblock_core::playbook::talk_tracks::own_talk_track(store.conn(), None)
        .unwrap()
        .unwrap()
        .sections
        .opener
}

#[test]
fn the_managers_playbook_reaches_the_reps_and_waits_for_one_who_changed_theirs() {
    use callblock_core::team::playbook;
    let s = Setup::new();
    let secrets = s.secrets();
    let mut lee = s.rep_db("lee.db", 9, "Lena Lund");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &secrets,
    ))
    .unwrap();
    new_opener(&lee, "Hi {first_name}, Lee's team here.");
    let v1 = block_on(team::publish_playbook(&mut lee, &secrets)).unwrap();
    assert_eq!((v1.version, v1.unchanged), (1, false));
    let again = block_on(team::publish_playbook(&mut lee, &secrets)).unwrap();
    assert_eq!(
        (again.version, again.unchanged),
        (1, true),
        "the same words: no new version"
    );

    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let mut sam = s.rep_db("sam.db", 7, "Sam Oduya");
    for (store, role, pw) in [(&mut dana, "dana", "dana-pw"), (&mut sam, "sam", "sam-pw")] {
        block_on(team::connect(store, &s.pg.url(role, pw), &secrets)).unwrap();
        let r = block_on(team::sync(store, &secrets)).unwrap();
        assert_eq!(r.pulled.playbook_version, Some(1));
        assert!(
            r.pulled.playbook_taken,
            "{role} had not changed theirs since: taken"
        );
        assert_eq!(opener(store), "Hi {first_name}, Lee's team here.");
        let st = playbook::status(store.conn()).unwrap();
        assert_eq!(
            (st.taken_version, st.waiting, st.yours_changed),
            (Some(1), false, false)
        );
    }
    // Dana writes her own opener; Lee publishes a new one.
    new_opener(&dana, "Dana's own opener, {first_name}.");
    assert!(playbook::status(dana.conn()).unwrap().yours_changed);
    new_opener(&lee, "Hello {first_name}, version two.");
    let v2 = block_on(team::publish_playbook(&mut lee, &secrets)).unwrap();
    assert_eq!(v2.version, 2);
    // Sam takes it in; Dana's waits for her: team version 2 vs hers.
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert!(r.pulled.playbook_taken);
    assert_eq!(opener(&sam), "Hello {first_name}, version two.");
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(
        (r.pulled.playbook_version, r.pulled.playbook_taken),
        (Some(2), false)
    );
    assert_eq!(opener(&dana), "Dana's own opener, {first_name}.");
    let st = playbook::status(dana.conn()).unwrap();
    assert_eq!(
        (st.version, st.taken_version, st.waiting, st.yours_changed),
        (Some(2), Some(1), true, true)
    );
    assert_eq!(st.published_by.as_deref(), Some("lee"));
    // She takes the team's: hers stays in the history.
    let report = dana.write(|tx| playbook::take(tx)).unwrap();
    assert!(report.new_versions > 0);
    assert_eq!(opener(&dana), "Hello {first_name}, version two.");
    let st = playbook::status(dana.conn()).unwrap();
    assert_eq!(
        (st.taken_version, st.waiting, st.yours_changed),
        (Some(2), false, false)
    );
    assert_eq!(
        count(&dana, "SELECT count(*) FROM talk_track_versions WHERE opener = 'Dana''s own opener, {first_name}.'"),
        1
    );
    // A rep publishes no playbook, by the app or by hand.
    let e = block_on(team::publish_playbook(&mut sam, &secrets)).unwrap_err();
    assert!(
        e.to_string()
            .contains("only a manager publishes the playbook"),
        "{e}"
    );
    let sc = s.client("sam", "sam-pw");
    let e = sc
        .rt
        .block_on(sc.c.execute(
            "INSERT INTO callblock.playbook (version, document) VALUES (3, '{\"format\": \"callblock-playbook\"}')",
            &[],
        ))
        .unwrap_err();
    assert!(db_message(&e).contains("row-level security"), "{e}");
}

#[test]
fn a_network_cut_mid_push_loses_nothing_and_duplicates_nothing() {
    let s = Setup::new();
    // A slow link (each chunk waits 5 ms), so the cut lands mid-sync.
    let proxy = support::Proxy::start(s.pg.port, Duration::from_millis(5));
    let url = format!(
        "postgres://dana:dana-pw@127.0.0.1:{}/postgres?sslmode=disable",
        proxy.port
    );
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    block_on(team::connect(&mut dana, &url, &s.secrets())).unwrap();
    let calls = my_calls(&dana);
    let blocks = count(
        &dana,
        &format!("SELECT count(*) FROM blocks WHERE rep_id = '{}'", me(&dana)),
    );
    let path = s.dir.path().join("dana.db");
    let secrets = s.secrets();
    let syncing = std::thread::spawn(move || {
        let mut store = Store::open(&path).unwrap();
        block_on(team::sync(&mut store, &secrets))
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    // Cut while the push's transaction is open (its rows on the way),
    // watched over a connection of the owner's (a psql per look is slow).
    let owner = s.client(support::SUPERUSER, support::SUPERUSER_PASSWORD);
    let pushing = || -> bool {
        owner
            .rt
            .block_on(owner.c.query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE usename = 'dana' AND state = 'idle in transaction'",
                &[],
            ))
            .unwrap()
            .get::<_, i64>(0)
            > 0
    };
    while !pushing() {
        assert!(std::time::Instant::now() < deadline, "no push began");
        std::thread::sleep(Duration::from_millis(2));
    }
    proxy.cut();
    let e = syncing.join().unwrap().expect_err("the cut ends the sync");
    let before = pg_count(
        &s,
        "SELECT count(*) FROM callblock.rows WHERE kind IN ('call', 'block')",
    );
    assert!(
        before < calls + blocks,
        "cut mid-push ({before} of {}): {e}",
        calls + blocks
    );
    let st = link::status(dana.conn()).unwrap();
    assert!(st.waiting > 0, "what did not arrive still waits");
    assert!(
        st.link.unwrap().offline_since.is_some(),
        "and the sidebar says offline"
    );

    // The network is back: everything arrives, once.
    proxy.heal();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind = 'call'"
        ),
        calls
    );
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind = 'block'"
        ),
        blocks
    );
    assert_eq!(link::status(dana.conn()).unwrap().waiting, 0);
    let again = block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(
        again.pushed.rows_written, 0,
        "pushed again, nothing written"
    );
}

#[test]
fn the_stores_live_report_has_the_figures_of_the_managers_copy() {
    use callblock_core::reports::{funnel, funnel_by, GroupBy, ReportFilter};
    let s = Setup::new();
    let secrets = s.secrets();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let mut sam = s.rep_db("sam.db", 7, "Sam Oduya");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::connect(
        &mut sam,
        &s.pg.url("sam", "sam-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    let mut lee = s.store("lee.db");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::sync(&mut lee, &secrets)).unwrap();
    let settings = callblock_core::settings::load(lee.conn()).unwrap();

    let url = s.pg.url("lee", "lee-pw");
    let target = team::config::parse(&url).unwrap();
    let lc = s.client("lee", "lee-pw");
    let live = |f: &ReportFilter, by: Option<GroupBy>| {
        lc.rt.block_on(async {
            match by {
                None => (
                    Some(
                        team::review::funnel(&lc.c, &target, f, &[], &settings)
                            .await
                            .unwrap(),
                    ),
                    vec![],
                ),
                Some(by) => (
                    None,
                    team::review::funnel_by(&lc.c, &target, f, &[], by, &settings)
                        .await
                        .unwrap(),
                ),
            }
        })
    };
    let month = ReportFilter {
        from: Some(Utc.with_ymd_and_hms(2026, 11, 9, 0, 0, 0).unwrap()),
        to: Some(Utc.with_ymd_and_hms(2026, 11, 16, 12, 0, 0).unwrap()),
        ..ReportFilter::default()
    };
    let connects = ReportFilter {
        outcomes: vec![
            callblock_core::domain::Outcome::Meeting,
            callblock_core::domain::Outcome::NotInterested,
        ],
        rep_ids: vec![me(&dana)],
        ..ReportFilter::default()
    };
    // A whole month with days and part-days around it.
    let around = ReportFilter {
        from: Some(Utc.with_ymd_and_hms(2026, 10, 28, 10, 30, 0).unwrap()),
        to: Some(Utc.with_ymd_and_hms(2026, 12, 2, 9, 15, 0).unwrap()),
        ..ReportFilter::default()
    };
    for f in [ReportFilter::default(), month, connects, around] {
        let here = funnel(lee.conn(), &f, &settings).unwrap();
        assert!(here.dials > 0, "{f:?}");
        assert_eq!(live(&f, None).0.unwrap(), here, "{f:?}");
        for by in GroupBy::ALL.iter().copied() {
            let here = funnel_by(lee.conn(), &f, by, &settings).unwrap();
            let there = live(&f, Some(by)).1;
            if by == GroupBy::Theme {
                // A theme is its name across the team.
                let named = |g: &Vec<callblock_core::reports::FunnelGroup>| {
                    g.iter()
                        .map(|x| (x.label.clone(), x.funnel.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(named(&there), named(&here), "{f:?} by theme");
            } else {
                assert_eq!(there, here, "{f:?} by {}", by.as_str());
            }
        }
    }
    assert!(pg_count(&s, "SELECT count(*) FROM callblock.calls_by_outcome") > 0);
    assert!(pg_count(&s, "SELECT count(*) FROM callblock.calls_by_hour") > 0);
    // Calls changed after the rollups were built (asked for the meeting,
    // longer talk: conversations now) keep the rollups true.
    dana.conn()
        .execute_batch(&format!(
            "UPDATE calls SET asked_for_meeting = 1, duration_ms = duration_ms + 61000
             WHERE id IN (SELECT id FROM calls WHERE rep_id = '{}' AND outcome IN
                          ('not_interested', 'callback') ORDER BY started_at LIMIT 25)",
            me(&dana)
        ))
        .unwrap();
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    block_on(team::sync(&mut lee, &secrets)).unwrap();
    let f = ReportFilter::default();
    assert_eq!(
        live(&f, None).0.unwrap(),
        funnel(lee.conn(), &f, &settings).unwrap(),
        "after changes"
    );
    for by in [GroupBy::Rep, GroupBy::Day, GroupBy::Hour] {
        assert_eq!(
            live(&f, Some(by)).1,
            funnel_by(lee.conn(), &f, by, &settings).unwrap(),
            "after changes, by {}",
            by.as_str()
        );
    }

    // Review's Dashboard counted in the store (the window's "the team
    // store, live"): the summary of the manager's copy, a theme chosen by
    // this copy's id included; an id the copy does not know is refused.
    let summary = |f: &ReportFilter| block_on(team::live_summary(&lee, &secrets, f));
    let theme_id: String = lee
        .conn()
        .query_row("SELECT id FROM themes ORDER BY name LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let one_theme = ReportFilter {
        theme_ids: vec![theme_id],
        from: Some(Utc.with_ymd_and_hms(2026, 11, 9, 0, 0, 0).unwrap()),
        to: Some(Utc.with_ymd_and_hms(2026, 11, 16, 12, 0, 0).unwrap()),
        ..ReportFilter::default()
    };
    for f in [ReportFilter::default(), one_theme] {
        let here =
            callblock_core::reports::funnel::review_summary(lee.conn(), &f, &settings).unwrap();
        let there = summary(&f).unwrap();
        assert!(there.total.dials > 0, "{f:?}");
        assert_eq!(there.total, here.total, "{f:?}");
        assert_eq!(there.rates, here.rates, "{f:?}");
        assert_eq!(there.by_rep, here.by_rep, "{f:?}");
        assert_eq!(there.by_day, here.by_day, "{f:?}");
        assert_eq!(there.by_week, here.by_week, "{f:?}");
        assert_eq!(there.definitions, here.definitions, "{f:?}");
        let named = |g: &[callblock_core::reports::FunnelGroup]| {
            g.iter()
                .map(|x| (x.label.clone(), x.funnel.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(named(&there.by_theme), named(&here.by_theme), "{f:?}");
        // When to call, call length and the blocks, counted there too: the
        // same cells, bins, blocks and rows.
        let all = team::LiveParts {
            timing: true,
            length: true,
            blocks: true,
            playbook: true,
        };
        let live = block_on(team::live_review(&lee, &secrets, &f, all)).unwrap();
        let timing = live.timing.expect("asked for");
        let here = callblock_core::reports::timing::timing(lee.conn(), &f, &settings).unwrap();
        assert!(
            !timing.grid.is_empty() || !timing.by_hour.is_empty(),
            "{f:?}"
        );
        assert_eq!(timing, here, "{f:?}");
        let length = live.length.expect("asked for");
        let here = callblock_core::reports::length::length(lee.conn(), &f, &settings).unwrap();
        assert!(length.all.calls > 0, "{f:?}");
        assert_eq!(length, here, "{f:?}");
        let blocks = live.blocks.expect("asked for");
        let here = callblock_core::reports::blocks::blocks(lee.conn(), &f, &settings).unwrap();
        assert!(blocks.total.run > 0 && blocks.total.dials > 0, "{f:?}");
        assert!(blocks.total.active_seconds > 0, "{f:?}");
        assert_eq!(blocks, here, "{f:?}");
        let playbook = live.playbook.expect("asked for");
        let here = callblock_core::reports::playbook::playbook(lee.conn(), &f, &settings).unwrap();
        assert!(
            !playbook.objections.is_empty() && !playbook.talk_tracks.is_empty(),
            "{f:?}: {playbook:?}"
        );
        assert_eq!(playbook, here, "{f:?}");
        let heard = live.by_objections.expect("asked for");
        let here = callblock_core::reports::by_objections::by_objections(lee.conn(), &f, &settings)
            .unwrap();
        assert!(heard.overall.calls > 0, "{f:?}: {heard:?}");
        assert_eq!(heard, here, "{f:?}");
    }
    // The call log read in the store: the copy's pages, at the top, after
    // and before a cursor, and from a row number, in this copy's words.
    {
        use callblock_core::reports::calllog::{call_log, CallLogQuery};
        let page = |q: &CallLogQuery| {
            (
                block_on(team::live_call_log(&lee, &secrets, q)).unwrap(),
                call_log(lee.conn(), q, &settings).unwrap(),
            )
        };
        let top = CallLogQuery {
            limit: 7,
            ..CallLogQuery::default()
        };
        let (there, here) = page(&top);
        assert!(here.rows.len() == 7 && here.next.is_some(), "{here:?}");
        assert_eq!(there, here);
        let after = CallLogQuery {
            after: here.next.clone(),
            ..top.clone()
        };
        let (there, second) = page(&after);
        assert_eq!(there, second);
        let before = CallLogQuery {
            before: second.prev.clone(),
            ..top.clone()
        };
        let (there, back) = page(&before);
        assert_eq!(there, back);
        // Back from the third page: the second again, and on from it.
        let (there, third) = page(&CallLogQuery {
            after: second.next.clone(),
            ..top.clone()
        });
        assert_eq!(there, third);
        let (there, back) = page(&CallLogQuery {
            before: third.prev.clone(),
            ..top.clone()
        });
        assert_eq!(there, back);
        assert_eq!(back.rows, second.rows);
        let (there, again) = page(&CallLogQuery {
            after: back.next.clone(),
            ..top.clone()
        });
        assert_eq!(there, again);
        assert_eq!(again.rows, third.rows);
        let deep = CallLogQuery {
            offset: 9,
            ..top.clone()
        };
        let (there, here) = page(&deep);
        assert!(!here.rows.is_empty());
        assert_eq!(there, here);
        // Far down (the store finds the day that holds the row first), and
        // at the very end.
        for offset in [here.total.value / 2, here.total.value - 3] {
            assert!(offset > 2 * 7, "{offset}: the test needs more calls");
            let far = CallLogQuery {
                offset,
                ..top.clone()
            };
            let (there, here) = page(&far);
            assert!(!here.rows.is_empty());
            assert_eq!(there, here, "from row {offset}");
        }
        let one_theme = CallLogQuery {
            filter: ReportFilter {
                theme_ids: vec![lee
                    .conn()
                    .query_row("SELECT id FROM themes ORDER BY name LIMIT 1", [], |r| {
                        r.get(0)
                    })
                    .unwrap()],
                ..ReportFilter::default()
            },
            ..top.clone()
        };
        let (there, here) = page(&one_theme);
        assert!(!here.rows.is_empty());
        assert_eq!(there, here);
    }
    // A selection of outcomes: the playbook read from the objections raised.
    let some = ReportFilter {
        outcomes: vec![
            callblock_core::domain::Outcome::Meeting,
            callblock_core::domain::Outcome::NotInterested,
        ],
        ..ReportFilter::default()
    };
    let parts = team::LiveParts {
        playbook: true,
        ..Default::default()
    };
    let live = block_on(team::live_review(&lee, &secrets, &some, parts)).unwrap();
    let here = callblock_core::reports::playbook::playbook(lee.conn(), &some, &settings).unwrap();
    assert_eq!(live.playbook.expect("asked for"), here);
    let here = callblock_core::reports::by_objections::by_objections(lee.conn(), &some, &settings)
        .unwrap();
    assert_eq!(live.by_objections.expect("asked for"), here);
    let unknown = ReportFilter {
        theme_ids: vec!["no-such-theme".into()],
        ..ReportFilter::default()
    };
    let e = summary(&unknown).unwrap_err().to_string();
    assert!(e.contains("no theme"), "{e}");

    // The rollups' thresholds are bounded (each pair is a build over every
    // call): a rep cannot make the store build for nonsense.
    let e = lc
        .rt
        .block_on(lc.c.query_one(
            "SELECT callblock.ensure_rollups($1, $2)",
            &[&-1i64, &99_000_000i64],
        ))
        .unwrap_err();
    assert!(
        db_message(&e).contains("thresholds of up to an hour"),
        "{e}"
    );

    // A rep's live report is their own calls only.
    let dc = s.client("dana", "dana-pw");
    let mine = dc
        .rt
        .block_on(team::review::funnel(
            &dc.c,
            &team::config::parse(&s.pg.url("dana", "dana-pw")).unwrap(),
            &ReportFilter::default(),
            &[],
            &settings,
        ))
        .unwrap();
    assert_eq!(
        mine,
        funnel(
            dana.conn(),
            &ReportFilter {
                rep_ids: vec![me(&dana)],
                ..ReportFilter::default()
            },
            &settings
        )
        .unwrap()
    );
}

#[test]
fn a_managers_comment_reaches_the_rep_through_the_store_and_stays_the_managers() {
    let s = Setup::new();
    let mut dana = s.rep_db("dana.db", 5, "Dana Ruiz");
    let mut sam = s.rep_db("sam.db", 9, "Sam Lee");
    let mut lee = s.store("lee.db");
    for (store, role, pw) in [
        (&mut dana, "dana", "dana-pw"),
        (&mut sam, "sam", "sam-pw"),
        (&mut lee, "lee", "lee-pw"),
    ] {
        block_on(team::connect(store, &s.pg.url(role, pw), &s.secrets())).unwrap();
    }
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    block_on(team::sync(&mut sam, &s.secrets())).unwrap();
    block_on(team::sync(&mut lee, &s.secrets())).unwrap();

    // Lee, a manager, comments on one of Dana's calls and flags it.
    let dana_id = me(&dana);
    let call: String = dana
        .conn()
        .query_row(
            "SELECT id FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL
             ORDER BY started_at DESC LIMIT 1",
            [&dana_id],
            |r| r.get(0),
        )
        .unwrap();
    let said = "Ask the impact question before you pitch.";
    callblock_core::api::review::comment_on_call(&mut lee, &call, said).unwrap();
    callblock_core::api::review::flag_call(&mut lee, &call, true).unwrap();
    assert_eq!(
        link::status(lee.conn()).unwrap().waiting,
        2,
        "a comment and a flag wait"
    );
    let pushed = block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    assert_eq!(link::status(lee.conn()).unwrap().waiting, 0);
    assert!(pushed.pushed.coaching >= 2, "{pushed:?}");
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.rows WHERE kind IN ('call_comment', 'call_flag')"
        ),
        2
    );

    // Dana's next sync brings them into her file: on the call's detail.
    let got = block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(got.pulled.coaching, 2, "{got:?}");
    let coaching = callblock_core::coaching::of_call(dana.conn(), &call).unwrap();
    assert!(coaching.flagged);
    assert_eq!(coaching.comments.len(), 1);
    assert_eq!(coaching.comments[0].body, said);
    assert!(!coaching.comments[0].mine, "Lee's, not Dana's");
    assert_eq!(
        count(&dana, "SELECT count(*) FROM team_coaching_outbox"),
        0,
        "what came from the store is not queued back to it"
    );
    // Sam never sees them: they are Dana's.
    block_on(team::sync(&mut sam, &s.secrets())).unwrap();
    assert_eq!(count(&sam, "SELECT count(*) FROM call_comments"), 0);
    let Conn { rt, c } = s.client("sam", "sam-pw");
    rt.block_on(async {
        let seen: i64 = c
            .query_one(
                "SELECT count(*) FROM callblock.rows WHERE kind IN ('call_comment', 'call_flag')",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen, 0, "another rep's coaching is not Sam's to read");
    });
    // Dana may not remove or rewrite Lee's comment in the store, by hand
    // either; nor delete the flag.
    let Conn { rt, c } = s.client("dana", "dana-pw");
    rt.block_on(async {
        let seen: i64 = c
            .query_one(
                "SELECT count(*) FROM callblock.rows WHERE kind IN ('call_comment', 'call_flag')",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen, 2, "Dana reads the coaching of her calls");
        for (sql, what) in [
            (
                "UPDATE callblock.rows SET body = jsonb_set(body, '{deleted_at}', '\"2026-12-01T00:00:00.000Z\"')
                 WHERE kind = 'call_comment'",
                "coaching is changed by a manager only",
            ),
            (
                "UPDATE callblock.rows SET body = jsonb_set(body, '{flagged}', 'false')
                 WHERE kind = 'call_flag'",
                "nor the flag",
            ),
            (
                "DELETE FROM callblock.rows WHERE kind IN ('call_comment', 'call_flag')",
                "coaching is deleted only by a manager",
            ),
            (
                "UPDATE callblock.rows SET kind = 'meeting' WHERE kind IN ('call_comment', 'call_flag')",
                "a row cannot be turned into another kind (to delete it as that)",
            ),
        ] {
            assert_eq!(c.execute(sql, &[]).await.unwrap(), 0, "{what}");
        }
        let e = c
            .execute(
                "INSERT INTO callblock.rows (kind, id, rep_id, parent_id, body)
                 VALUES ('call_comment', 'forged', $1, $2,
                         jsonb_build_object('id', 'forged', 'call_id', $2::text, 'author', 'Lee',
                                            'body', 'forged', 'created_at', '2026-12-01T00:00:00.000Z'))",
                &[&dana_id, &call],
            )
            .await
            .unwrap_err();
        assert!(db_message(&e).contains("row-level security"), "{}", db_message(&e));
    });
    // Dana takes the flag off in her own file: it stays hers (the store
    // takes coaching from managers only), and Lee's stays flagged.
    callblock_core::api::review::flag_call(&mut dana, &call, false).unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    assert_eq!(link::status(dana.conn()).unwrap().waiting, 0);
    block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    assert!(
        callblock_core::coaching::of_call(lee.conn(), &call)
            .unwrap()
            .flagged
    );
    // Dana's own file refuses to remove it too, in words.
    let e = callblock_core::api::review::remove_call_comment(&mut dana, &coaching.comments[0].id)
        .unwrap_err()
        .to_string();
    assert!(e.contains("only its author"), "{e}");

    // Lee flags it again (after Dana's change) and removes the comment:
    // Dana's copy follows, the later change winning.
    callblock_core::api::review::flag_call(&mut lee, &call, false).unwrap();
    callblock_core::api::review::flag_call(&mut lee, &call, true).unwrap();
    callblock_core::api::review::remove_call_comment(&mut lee, &coaching.comments[0].id).unwrap();
    block_on(team::sync(&mut lee, &s.secrets())).unwrap();
    block_on(team::sync(&mut dana, &s.secrets())).unwrap();
    let after = callblock_core::coaching::of_call(dana.conn(), &call).unwrap();
    assert!(after.flagged, "Lee's later flag wins over Dana's");
    assert!(after.comments.is_empty(), "the removal reached Dana's copy");
}

/// A store made by an earlier Callblock (team schema 3), with calls, a
/// block and rollups in it, is brought up to date by the next connection:
/// its calls get their block, and the rollups by length and by block count
/// them; a call pushed after counts in them too.
#[test]
fn a_store_of_schema_3_gains_the_rollups_of_reviews_tabs() {
    let pg = Pg::start();
    let mut sql = String::new();
    for m in &team::migrate::MIGRATIONS[..3] {
        sql.push_str(m.sql);
        sql.push_str(&format!(
            ";\nINSERT INTO callblock.schema_version (version, description) VALUES ({0}, 'v{0}');\n",
            m.version
        ));
    }
    pg.psql(&sql);
    let call = |id: &str, block: &str, secs: u32, outcome: &str| {
        format!(
            "INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('call', '{id}', 'r1',
             '{{\"id\": \"{id}\", \"block_id\": {block}, \"theme_id\": \"t1\",
               \"started_at\": \"2026-11-16T09:0{n}:00.000Z\", \"duration_ms\": {ms},
               \"outcome\": \"{outcome}\", \"asked_for_meeting\": false,
               \"local_hour\": 9, \"local_weekday\": 0, \"talk_track_version_id\": \"v1\"}}');",
            n = id.len() % 10,
            ms = secs * 1000,
        )
    };
    pg.psql(&format!(
        "INSERT INTO callblock.reps (id, name) VALUES ('r1', 'Dana');
         INSERT INTO callblock.rows (kind, id, body)
              VALUES ('theme', 't1', '{{\"id\": \"t1\", \"name\": \"Logistics\"}}');
         INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('block', 'b1', 'r1',
              '{{\"id\": \"b1\", \"planned_seconds\": 3120, \"break_seconds\": 0,
                \"started_at\": \"2026-11-16T09:00:00.000Z\", \"ended_at\": null,
                \"end_reason\": null, \"theme_ids\": [\"t1\"]}}');
         {} {} {}
         INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('call_objection', 'x1', 'r1',
              '{{\"id\": \"x1\", \"call_id\": \"c22\", \"objection_id\": \"o1\", \"response_id\": null,
                \"position\": 0, \"at_ms\": 1000}}');
         SELECT callblock.ensure_rollups(30000, 180000);",
        call("c1", "\"b1\"", 20, "no_answer"),
        call("c22", "\"b1\"", 400, "meeting"),
        call("c333", "null", 50, "not_interested"),
    ));
    // The next connection (the owner's) migrates.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("owner.db")).unwrap();
    block_on(team::connect(
        &mut store,
        &pg.owner_url(),
        &dir.path().join("secrets.json"),
    ))
    .unwrap();
    assert_eq!(
        pg.psql("SELECT max(version) FROM callblock.schema_version"),
        team::migrate::LATEST.to_string()
    );
    assert_eq!(
        pg.psql("SELECT string_agg(id || ':' || coalesce(block_id, '-') || ':' || talk_track_version_id, ' ' ORDER BY id) FROM callblock.calls"),
        "c1:b1:v1 c22:b1:v1 c333:-:v1"
    );
    let raised = || {
        pg.psql(
            "SELECT call_id || ' ' || objection_id || ' ' || outcome || ' ' || theme_name || ' ' || started_at
             FROM callblock.call_objections",
        )
    };
    assert_eq!(raised(), "c22 o1 meeting Logistics 2026-11-16 09:03:00+00");
    let heard = || {
        pg.psql(
            "SELECT string_agg(c.id || '=' || c.objections_heard, ' ' ORDER BY c.id)
             FROM callblock.calls c",
        ) + " | "
            + &pg.psql(
                "SELECT string_agg(heard || ':' || conversations || '/' || meetings, ' '
                                   ORDER BY heard)
                 FROM callblock.calls_by_heard
                 WHERE grain = 'm' AND conv_ms = 30000 AND limit_ms = 180000
                   AND conversations > 0",
            )
    };
    // c22 (a meeting, one objection) and c333 (50 s, not interested): conversations.
    assert_eq!(heard(), "c1=0 c22=1 c333=0 | 0:1/0 1:1/1");
    let playbook = || {
        pg.psql(
            "SELECT string_agg(grain::text || ' ' || kind || ' ' || item_id || ' ' || times || '/' || calls
                               || '/' || meetings, ', ' ORDER BY grain, kind, item_id)
             FROM callblock.objections_by_day",
        )
    };
    assert_eq!(
        playbook(),
        "d objection o1 1/1/1, d response  1/1/1, m objection o1 1/1/1, m response  1/1/1"
    );
    assert_eq!(
        pg.psql("SELECT string_agg(track_version_id || '=' || dials, ' ') FROM callblock.calls_by_track WHERE grain = 'm'"),
        "v1=3"
    );
    let by_length = || {
        pg.psql(
            "SELECT string_agg(outcome || '@' || bin || '=' || calls || '/' || talk_ms || '/' || past_limit,
                               ' ' ORDER BY outcome, bin)
             FROM callblock.calls_by_length WHERE grain = 'd' AND calls > 0
               AND conv_ms = 30000 AND limit_ms = 180000",
        )
    };
    let by_block = || {
        pg.psql(
            "SELECT dials || ' ' || connects || ' ' || conversations || ' ' || meetings || ' ' || talk_ms
             FROM callblock.calls_by_block WHERE block_id = 'b1'
               AND conv_ms = 30000 AND limit_ms = 180000",
        )
    };
    assert_eq!(
        by_length(),
        "meeting@24=1/400000/1 no_answer@1=1/20000/0 not_interested@3=1/50000/0"
    );
    assert_eq!(by_block(), "2 1 1 1 420000");
    assert_eq!(
        pg.psql("SELECT id || ' ' || rep_id || ' ' || started_at || ' ' || array_to_string(theme_ids, ',') FROM callblock.blocks"),
        "b1 r1 2026-11-16T09:00:00.000Z t1"
    );
    // A call pushed now counts in both; a pause, and the block's end,
    // reach the typed tables.
    pg.psql(
        "INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('pause', 'p1', 'r1',
              '{\"id\": \"p1\", \"block_id\": \"b1\", \"paused_at\": \"2026-11-16T09:10:00.000Z\",
                \"resumed_at\": \"2026-11-16T09:12:00.500Z\"}');
         UPDATE callblock.rows SET body = body || '{\"ended_at\": \"2026-11-16T09:52:00.000Z\",
              \"end_reason\": \"completed\"}' WHERE kind = 'block' AND id = 'b1';",
    );
    assert_eq!(
        pg.psql(
            "SELECT b.ended_at || ' ' || b.end_reason || ' ' || p.paused_at || ' ' || p.resumed_at
                 FROM callblock.blocks b JOIN callblock.block_pauses p ON p.block_id = b.id"
        ),
        "2026-11-16T09:52:00.000Z completed 2026-11-16T09:10:00.000Z 2026-11-16T09:12:00.500Z"
    );
    pg.psql(&call("c4444", "\"b1\"", 45, "not_interested"));
    assert_eq!(
        by_length(),
        "meeting@24=1/400000/1 no_answer@1=1/20000/0 not_interested@3=2/95000/0"
    );
    assert_eq!(by_block(), "3 2 2 1 465000");
    // The call an objection was raised on changes: the objection follows.
    pg.psql(
        "UPDATE callblock.rows SET body = body || '{\"outcome\": \"callback\"}'
          WHERE kind = 'call' AND id = 'c22'",
    );
    assert_eq!(raised(), "c22 o1 callback Logistics 2026-11-16 09:03:00+00");
    // The playbook's rollup follows: raised once more on the call, no meeting.
    pg.psql(
        "INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('call_objection', 'x2', 'r1',
              '{\"id\": \"x2\", \"call_id\": \"c22\", \"objection_id\": \"o1\",
                \"response_id\": \"p9\", \"position\": 1, \"at_ms\": 2000}');",
    );
    assert_eq!(
        playbook(),
        "d objection o1 2/1/0, d response  1/1/0, d response p9 1/1/0, \
         m objection o1 2/1/0, m response  1/1/0, m response p9 1/1/0"
    );
    // Its count of objections heard follows, and so does their rollup.
    assert_eq!(heard(), "c1=0 c22=2 c333=0 c4444=0 | 0:2/0 2:1/0");
    // Another rep's row naming Dana's call learns nothing of it, and counts
    // nowhere; nor does it when her call changes.
    pg.psql(
        "INSERT INTO callblock.reps (id, name) VALUES ('r2', 'Sam');
         INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES ('call_objection', 'x3', 'r2',
              '{\"id\": \"x3\", \"call_id\": \"c22\", \"objection_id\": \"o1\",
                \"response_id\": null, \"position\": 0, \"at_ms\": 10}');
         UPDATE callblock.rows SET body = body || '{\"notes\": \"again\"}'
          WHERE kind = 'call' AND id = 'c22';",
    );
    assert_eq!(
        pg.psql(
            "SELECT coalesce(started_at::text, '-') || ' ' || coalesce(outcome, '-')
             FROM callblock.call_objections WHERE id = 'x3'"
        ),
        "- -"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM callblock.objections_by_day WHERE rep_id = 'r2'"),
        "0"
    );
    pg.psql("DELETE FROM callblock.rows WHERE kind = 'call_objection'");
    assert_eq!(
        pg.psql("SELECT count(*) FROM callblock.objections_by_day"),
        "0"
    );
    assert_eq!(by_block(), "3 2 2 0 465000");
}

/// The store counts a block's active time as a copy's SQLite does
/// (`callblock.block_active_seconds`, kept on every block), to the second:
/// compared with the core's `blocks::active_seconds` (itself tested against
/// SQLite's SQL) over 1,500 blocks with up to 6 pauses, many of them half a
/// second from a whole one.
#[test]
fn the_store_counts_a_blocks_active_time_as_a_copy_does() {
    use callblock_core::reports::blocks::active_seconds;
    let pg = Pg::start();
    let dir = tempfile::tempdir().unwrap();
    let mut owner = Store::open(dir.path().join("owner.db")).unwrap();
    block_on(team::connect(
        &mut owner,
        &pg.owner_url(),
        &dir.path().join("secrets.json"),
    ))
    .unwrap();
    pg.psql("INSERT INTO callblock.reps (id, name) VALUES ('r1', 'Dana') ON CONFLICT DO NOTHING");
    let t0 = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
    let mut seed: u64 = 0xb10c;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let at = |ms: u64| callblock_core::time::to_db(t0 + chrono::Duration::milliseconds(ms as i64));
    let mut blocks = Vec::new();
    let mut values = Vec::new();
    for i in 0..1500u64 {
        let start = next(86_400_000 * 30);
        let len = next(4_000) * 1000 + [0, 500, 499, 501, 1][next(5) as usize];
        let ended = (next(10) > 0).then(|| at(start + len));
        let id = format!("b{i:05}");
        let mut pauses = Vec::new();
        for j in 0..next(7) {
            let p = start + next(len.max(1));
            let resumed = match next(4) {
                0 => None,
                1 => Some(at(start + len + next(5000))),
                _ => Some(at(p + next(300_000) + 500)),
            };
            let pid = format!("{id}-p{j}");
            values.push(format!(
                "('pause', '{pid}', 'r1', '{{\"id\": \"{pid}\", \"block_id\": \"{id}\", \"paused_at\": \"{}\", \"resumed_at\": {}}}')",
                at(p),
                resumed
                    .as_ref()
                    .map_or("null".to_string(), |r| format!("\"{r}\""))
            ));
            pauses.push((at(p), resumed));
        }
        values.push(format!(
            "('block', '{id}', 'r1', '{{\"id\": \"{id}\", \"planned_seconds\": 3120, \"break_seconds\": 0, \
             \"started_at\": \"{}\", \"ended_at\": {}, \"end_reason\": {}, \"theme_ids\": []}}')",
            at(start),
            ended
                .as_ref()
                .map_or("null".to_string(), |e| format!("\"{e}\"")),
            if ended.is_some() { "\"completed\"" } else { "null" }
        ));
        blocks.push((id, at(start), ended, pauses));
    }
    // Pauses before their blocks, in one statement, as a push may send them.
    let insert = format!(
        "INSERT INTO callblock.rows (kind, id, rep_id, body) VALUES {}",
        values.join(", ")
    );
    block_on(async {
        let (client, conn) = tokio_postgres::connect(&pg.owner_url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(&insert).await.unwrap();
    });
    let stored = pg.psql(
        "SELECT string_agg(id || '=' || coalesce(active_seconds::text, '-'), ' ' ORDER BY id)
         FROM callblock.blocks",
    );
    let expected = blocks
        .iter()
        .map(|(id, start, ended, pauses)| {
            let a = active_seconds(start, ended.as_deref(), pauses);
            format!("{id}={}", a.map_or("-".to_string(), |a| a.to_string()))
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(stored, expected);
}

#[test]
fn a_withdrawn_lead_is_leased_to_nobody_until_it_is_published_again() {
    use callblock_core::domain::Outcome;
    use callblock_core::session::Session;
    use callblock_core::team::lists::AHEAD;
    let s = Setup::new();
    let secrets = s.secrets();
    lee_publishes(&s, "Shared", 6);
    let mut lee = s.store("lee.db");
    let mut dana = fresh_rep(&s, "dana.db", "Dana Ruiz");
    block_on(team::connect(
        &mut dana,
        &s.pg.url("dana", "dana-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(count(&dana, "SELECT count(*) FROM team_shared"), 6);
    let dt = theme_id(&dana, "Shared");
    let mut block =
        Session::start(&mut dana, std::slice::from_ref(&dt), None, None, Utc::now()).unwrap();
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.leases.held, AHEAD as u32);

    // A rep withdraws nothing.
    let e = block_on(team::withdraw(
        &mut dana,
        &secrets,
        std::slice::from_ref(&dt),
        &[],
    ))
    .unwrap_err();
    assert!(e.to_string().contains("only a manager"), "{e}");
    let dc = s.client("dana", "dana-pw");
    let e = dc
        .rt
        .block_on(dc.c.query("SELECT callblock.withdraw(NULL, ARRAY['x'])", &[]))
        .unwrap_err();
    assert!(db_message(&e).contains("permission denied"), "{e}");

    // Lee takes two leads off the list: one Dana holds, one nobody holds.
    let held: String = dana
        .conn()
        .query_row(
            "SELECT min(prospect_id) FROM team_leases WHERE mine = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let free: String = dana
        .conn()
        .query_row(
            "SELECT prospect_id FROM team_shared
             WHERE prospect_id NOT IN (SELECT prospect_id FROM team_leases)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let w = block_on(team::withdraw(
        &mut lee,
        &secrets,
        &[],
        &[held.clone(), free.clone()],
    ))
    .unwrap();
    assert_eq!((w.prospects, w.themes.len()), (2, 0));
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.published WHERE withdrawn_at IS NOT NULL"
        ),
        2
    );
    assert_eq!(
        pg_count(
            &s,
            &format!("SELECT count(*) FROM callblock.leases WHERE prospect_id = '{held}'")
        ),
        0,
        "Dana's lease ended at once"
    );
    assert_eq!(
        count(
            &lee,
            "SELECT count(*) FROM team_shared WHERE withdrawn_at IS NOT NULL"
        ),
        2,
        "the manager's own copy knows"
    );
    let again = block_on(team::withdraw(
        &mut lee,
        &secrets,
        &[],
        std::slice::from_ref(&held),
    ))
    .unwrap();
    assert_eq!(again.prospects, 0, "withdrawn once");
    // The store leases it to nobody, asked directly.
    let dana_id = me(&dana);
    let holder: Option<String> = dc
        .rt
        .block_on(dc.c.query_one(
            "SELECT rep_id FROM callblock.take_leases($1, ARRAY[$2], NULL, 600)",
            &[&dana_id, &held],
        ))
        .unwrap()
        .get(0);
    assert_eq!(holder, None);

    // Dana's next sync: her copy stops drawing them, nor counts them ready.
    let ready = |store: &Store| {
        let t = callblock_core::lists::theme_summaries(store.conn(), Utc::now())
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Shared")
            .unwrap();
        let callable: u32 = callblock_core::queue::callable(
            store.conn(),
            std::slice::from_ref(t.id.as_ref().unwrap()),
            &Settings::default(),
            Utc::now(),
        )
        .unwrap()
        .iter()
        .map(|c| c.callable_now)
        .sum();
        (t.ready, callable)
    };
    assert_eq!(ready(&dana), (6, 6));
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.pulled.shared.prospects_withdrawn, 2);
    assert_eq!(ready(&dana), (4, 4), "a withdrawn lead is not ready");
    assert_eq!(r.leases.held, 4, "the four still on the list");
    assert_eq!(
        count(
            &dana,
            &format!("SELECT count(*) FROM team_leases WHERE prospect_id IN ('{held}', '{free}')")
        ),
        0
    );
    let dir = s.dir.path().join("invites");
    let mut called = Vec::new();
    for _ in 0..8 {
        block_on(team::sync(&mut dana, &secrets)).unwrap();
        block.refresh(&dana).unwrap();
        let Some(card) = block.snapshot().card else {
            break;
        };
        block.start_call(&mut dana).unwrap();
        block.begin_outcome().unwrap();
        block
            .log_outcome(&mut dana, &result(Outcome::NoAnswer), &dir)
            .unwrap();
        called.push(card.prospect_id.clone());
    }
    assert_eq!(called.len(), 4, "{called:?}");
    assert!(!called.contains(&held) && !called.contains(&free));
    block.refresh(&dana).unwrap();
    let rest = block.snapshot().queue_rest.unwrap();
    assert_eq!(
        rest.waiting_for_team, 0,
        "a withdrawn lead is not waited for"
    );
    assert_eq!(rest.outside_hours, 0, "nor counted as outside its hours");

    // Lee withdraws the whole theme, then publishes it again: the two
    // withdrawn leads are back, and Dana's block calls them.
    let lt = theme_id(&lee, "Shared");
    let w = block_on(team::withdraw(
        &mut lee,
        &secrets,
        std::slice::from_ref(&lt),
        &[],
    ))
    .unwrap();
    assert_eq!(w.prospects, 4);
    assert_eq!(w.themes, vec!["Shared".to_string()]);
    let p = block_on(team::publish(&mut lee, &secrets, &[lt])).unwrap();
    assert_eq!(p.prospects, 6);
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.published WHERE withdrawn_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(
            &lee,
            "SELECT count(*) FROM team_shared WHERE withdrawn_at IS NOT NULL"
        ),
        0
    );
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(
        count(
            &dana,
            "SELECT count(*) FROM team_shared WHERE withdrawn_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(r.leases.held, 2, "the two due again; the four called wait");
    block.refresh(&dana).unwrap();
    let card = block.snapshot().card.expect("a lead back on the list");
    assert!(card.prospect_id == held || card.prospect_id == free);
    block
        .end(&mut dana, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
    block_on(team::sync(&mut dana, &secrets)).unwrap();

    // A store older than this copy: a rep's sync says what to do (the
    // owner's connection brings it up to date), never a raw error about a
    // missing column.
    let latest = team::migrate::LATEST;
    s.pg.psql(&format!(
        "DELETE FROM callblock.schema_version WHERE version = {latest}"
    ));
    let e = block_on(team::sync(&mut dana, &secrets)).unwrap_err();
    assert!(
        matches!(e, TeamError::Older { found, known } if found == latest - 1 && known == latest),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("connect once as the database's owner to bring it up to date"),
        "{e}"
    );
    let e = block_on(team::withdraw(&mut lee, &secrets, &[], &[held])).unwrap_err();
    assert!(matches!(e, TeamError::Older { .. }), "{e:?}");
}

/// A new theme `theme` with one lead of this copy's own on `number`; its id
/// (the prospect's).
fn own_lead(store: &Store, theme: &str, number: &str) -> String {
    use callblock_core::lists::{self, NewPhone, NewProspect};
    let t = lists::create_theme(
        store.conn(),
        theme,
        callblock_core::domain::ThemeKind::Custom,
        "",
    )
    .unwrap();
    let p = NewProspect {
        theme_id: Some(t.id),
        first_name: "Pat".into(),
        last_name: theme.into(),
        phones: vec![NewPhone {
            kind: "direct".into(),
            e164: Some(number.into()),
            extension: None,
            raw: number.into(),
        }],
        ..NewProspect::default()
    };
    lists::insert_prospect(store.conn(), &p, Utc::now()).unwrap()
}

/// A block on `theme` of one call, logged `outcome`; the block, still
/// running (its undo at hand).
fn one_call(
    store: &mut Store,
    theme: &str,
    outcome: callblock_core::domain::Outcome,
    dir: &std::path::Path,
) -> callblock_core::session::Session {
    let t = theme_id(store, theme);
    let mut block =
        callblock_core::session::Session::start(store, &[t], None, None, Utc::now()).unwrap();
    block.start_call(store).unwrap();
    block.begin_outcome().unwrap();
    block.log_outcome(store, &result(outcome), dir).unwrap();
    block
}

/// The block's last outcome undone, and `outcome` logged on the call instead.
fn undo_then_log(
    block: &mut callblock_core::session::Session,
    store: &mut Store,
    outcome: callblock_core::domain::Outcome,
    dir: &std::path::Path,
) {
    block.undo(store).unwrap();
    block.begin_outcome().unwrap();
    block.log_outcome(store, &result(outcome), dir).unwrap();
}

fn state_of(store: &Store, prospect: &str) -> (String, bool) {
    store
        .conn()
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [prospect],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_number_put_on_the_list_by_hand_reaches_the_team_and_marks_another_reps_lead() {
    let s = Setup::new();
    let secrets = s.secrets();
    let mut dana = fresh_rep(&s, "dana.db", "Dana Ruiz");
    let mut sam = fresh_rep(&s, "sam.db", "Sam Okafor");
    let dana_lead = own_lead(&dana, "Dana one", "+14155550888");
    let sam_lead = own_lead(&sam, "Sam one", "+14155550888");
    for (store, role, pw) in [(&mut dana, "dana", "dana-pw"), (&mut sam, "sam", "sam-pw")] {
        block_on(team::connect(store, &s.pg.url(role, pw), &secrets)).unwrap();
        block_on(team::sync(store, &secrets)).unwrap();
    }

    // The person wrote to Dana: she puts the number on the list as they
    // gave it. Her lead is do-not-call at once, the team's list has it at
    // her next sync, and Sam's own lead on it at his.
    let added = callblock_core::api::dnc::add(&mut dana, "415.555.0888", Utc::now()).unwrap();
    assert_eq!((added.value.as_str(), added.marked), ("+14155550888", 1));
    assert_eq!(state_of(&dana, &dana_lead), ("do_not_call".into(), true));
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.pushed.do_not_call, 1);
    assert_eq!(
        s.pg.psql(
            "SELECT count(*) FROM callblock.do_not_call
              WHERE value = '+14155550888' AND removed_at IS NULL"
        ),
        "1"
    );
    assert_eq!(state_of(&sam, &sam_lead), ("new".into(), false));
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(r.pulled.shared.do_not_call_added, 1);
    assert_eq!(state_of(&sam, &sam_lead), ("do_not_call".into(), true));
    let err = callblock_core::suppress::check_not_listed(sam.conn(), &sam_lead).unwrap_err();
    assert_eq!(err.kind(), "do_not_call");
}

#[test]
fn an_undone_do_not_call_leaves_the_teams_list_once_nobody_lists_it() {
    use callblock_core::domain::Outcome;
    let s = Setup::new();
    let secrets = s.secrets();
    let dir = s.dir.path().join("invites");
    let mut dana = fresh_rep(&s, "dana.db", "Dana Ruiz");
    let mut sam = fresh_rep(&s, "sam.db", "Sam Okafor");
    let dana_one = own_lead(&dana, "Dana one", "+14155550777");
    let sam_one = own_lead(&sam, "Sam one", "+14155550777");
    let dana_two = own_lead(&dana, "Dana two", "+14155550778");
    let sam_two = own_lead(&sam, "Sam two", "+14155550778");
    for (store, role, pw) in [(&mut dana, "dana", "dana-pw"), (&mut sam, "sam", "sam-pw")] {
        block_on(team::connect(store, &s.pg.url(role, pw), &secrets)).unwrap();
        block_on(team::sync(store, &secrets)).unwrap();
    }
    let listed = |value: &str| -> String {
        s.pg.psql(&format!(
            "SELECT coalesce((SELECT CASE WHEN removed_at IS NULL THEN 'listed' ELSE 'taken off' END
                                FROM callblock.do_not_call WHERE value = '{value}'), 'never')"
        ))
    };

    // Dana's call ends "do not call": the team lists the number, and Sam's
    // own lead on it is do-not-call in his copy.
    let mut block = one_call(&mut dana, "Dana one", Outcome::DoNotCall, &dir);
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(listed("+14155550777"), "listed");
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(r.pulled.shared.prospects_marked, 1);
    assert_eq!(state_of(&sam, &sam_one), ("do_not_call".into(), true));
    let mut lee = s.store("lee.db");
    block_on(team::connect(
        &mut lee,
        &s.pg.url("lee", "lee-pw"),
        &secrets,
    ))
    .unwrap();
    block_on(team::sync(&mut lee, &secrets)).unwrap();
    assert_eq!(state_of(&lee, &dana_one), ("do_not_call".into(), true));

    // She undoes it (a key pressed by mistake) and logs what was said: the
    // number leaves the team's list, and Sam's lead is as it was.
    undo_then_log(&mut block, &mut dana, Outcome::NotInterested, &dir);
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.pushed.do_not_call_removed, 1);
    assert_eq!(listed("+14155550777"), "taken off");
    assert_eq!(state_of(&dana, &dana_one), ("not_interested".into(), false));
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(r.pulled.shared.do_not_call_removed, 1);
    assert_eq!(r.pulled.shared.prospects_unmarked, 1);
    assert_eq!(state_of(&sam, &sam_one), ("new".into(), false));
    // The manager's copy, which had pulled Dana's call and its lead: as she
    // left them now, and the number off its list.
    block_on(team::sync(&mut lee, &secrets)).unwrap();
    assert_eq!(state_of(&lee, &dana_one), ("not_interested".into(), false));
    assert_eq!(
        count(
            &lee,
            "SELECT count(*) FROM do_not_call WHERE value = '+14155550777'"
        ),
        0
    );
    assert_eq!(
        count(
            &sam,
            "SELECT count(*) FROM do_not_call WHERE value = '+14155550777'"
        ),
        0
    );
    block
        .end(&mut dana, callblock_core::block::EndReason::EndedEarly)
        .unwrap();

    // Both list the other number before either syncs: it stays on the
    // team's list while one of them still lists it.
    let mut dana_block = one_call(&mut dana, "Dana two", Outcome::DoNotCall, &dir);
    let mut sam_block = one_call(&mut sam, "Sam two", Outcome::DoNotCall, &dir);
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(
        pg_count(
            &s,
            "SELECT count(*) FROM callblock.do_not_call_by WHERE value = '+14155550778'"
        ),
        2
    );
    undo_then_log(&mut dana_block, &mut dana, Outcome::NoAnswer, &dir);
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.pushed.do_not_call_removed, 0, "Sam still lists it");
    assert_eq!(listed("+14155550778"), "listed");
    // Dana's copy reads it again as the team's (Sam's), and her lead on it
    // is do-not-call by the team's word.
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(state_of(&dana, &dana_two), ("do_not_call".into(), true));
    assert_eq!(
        count(
            &dana,
            "SELECT count(*) FROM do_not_call WHERE value = '+14155550778' AND source = 'team'"
        ),
        1
    );

    // A rep takes back only their own listing.
    let c = s.client("sam", "sam-pw");
    let dana_id = me(&dana);
    let e =
        c.rt.block_on(c.c.query_one(
            "SELECT callblock.unlist_do_not_call($1, ARRAY['phone'], ARRAY['+14155550778'])",
            &[&dana_id],
        ))
        .unwrap_err();
    assert!(db_message(&e).contains("does not call as rep"), "{e}");

    // Sam undoes his too: now it leaves the list, and Dana's lead is as her
    // own call left it.
    undo_then_log(&mut sam_block, &mut sam, Outcome::NoAnswer, &dir);
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(r.pushed.do_not_call_removed, 1);
    assert_eq!(listed("+14155550778"), "taken off");
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(r.pulled.shared.prospects_unmarked, 1);
    assert_eq!(state_of(&dana, &dana_two), ("attempting".into(), false));
    assert_eq!(state_of(&sam, &sam_two), ("attempting".into(), false));

    // Listed again by a call: back on the list, for everyone.
    sam_block
        .end(&mut sam, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
    let mut again = one_call(&mut sam, "Sam one", Outcome::DoNotCall, &dir);
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(listed("+14155550777"), "listed");
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    assert_eq!(state_of(&dana, &dana_one), ("do_not_call".into(), true));
    again
        .end(&mut sam, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
    dana_block
        .end(&mut dana, callblock_core::block::EndReason::EndedEarly)
        .unwrap();

    // Both list a third number, Dana first; Sam, who listed it second,
    // undoes his: it stays on the team's list (Dana's), and Sam's copy,
    // which had only his own listing of it, reads it again as the team's.
    let _dana_three = own_lead(&dana, "Dana three", "+14155550779");
    let sam_three = own_lead(&sam, "Sam three", "+14155550779");
    let mut dana_block = one_call(&mut dana, "Dana three", Outcome::DoNotCall, &dir);
    let mut sam_block = one_call(&mut sam, "Sam three", Outcome::DoNotCall, &dir);
    block_on(team::sync(&mut dana, &secrets)).unwrap();
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    sam_block.undo(&mut sam).unwrap();
    assert_eq!(state_of(&sam, &sam_three), ("new".into(), false));
    sam_block.begin_outcome().unwrap();
    sam_block
        .log_outcome(&mut sam, &result(Outcome::NoAnswer), &dir)
        .unwrap();
    let r = block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(r.pushed.do_not_call_removed, 0, "Dana still lists it");
    assert_eq!(listed("+14155550779"), "listed");
    block_on(team::sync(&mut sam, &secrets)).unwrap();
    assert_eq!(state_of(&sam, &sam_three), ("do_not_call".into(), true));
    assert_eq!(
        count(
            &sam,
            "SELECT count(*) FROM do_not_call WHERE value = '+14155550779' AND source = 'team'"
        ),
        1
    );
    // And a manager's own listing: no rep takes it back.
    let c = s.client("lee", "lee-pw");
    c.rt.block_on(c.c.query_one(
        "SELECT callblock.list_do_not_call(NULL, ARRAY['phone'], ARRAY['+14155550780'],
                                               ARRAY['2026-12-07T10:00:00.000Z'])",
        &[],
    ))
    .unwrap();
    let c = s.client("sam", "sam-pw");
    let sam_id = me(&sam);
    c.rt.block_on(c.c.query_one(
        "SELECT callblock.list_do_not_call($1, ARRAY['phone'], ARRAY['+14155550780'],
                                               ARRAY['2026-12-07T10:00:00.000Z'])",
        &[&sam_id],
    ))
    .unwrap();
    let n: i32 =
        c.rt.block_on(c.c.query_one(
            "SELECT callblock.unlist_do_not_call($1, ARRAY['phone'], ARRAY['+14155550780'])",
            &[&sam_id],
        ))
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    assert_eq!(listed("+14155550780"), "listed");
    dana_block
        .end(&mut dana, callblock_core::block::EndReason::EndedEarly)
        .unwrap();
}

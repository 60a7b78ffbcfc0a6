//! The team store's sync against a real PostgreSQL server on this machine
//! (the tests' server: initdb into a temporary folder, fsync on as a real
//! server has it). Prints:
//!
//! - pushing 10,000 queued calls (with their blocks, objections, meetings,
//!   prospects and playbook rows) from a rep's database: target under 2 s;
//! - the same queue pushed again (an acknowledgement lost): nothing written;
//! - a manager's first pull of those calls into an empty database;
//! - one call changed, pushed by the rep, heard by the manager's listening
//!   connection (LISTEN) and pulled: p50 and p95 over 50 calls (the rep's
//!   window adds up to 250 ms: it looks at its outbox four times a second).
//!
//! Run: `cargo bench -p callblock-team --bench sync` (release build).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use callblock_core::Store;
use callblock_team::{self as team, block_on};
use chrono::{TimeZone, Utc};

const CALLS: i64 = 10_000;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let pg = support::Pg::start_durable();
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("team-passwords.json");
    let mut owner = Store::open(dir.path().join("owner.db")).unwrap();
    block_on(team::connect(&mut owner, &pg.owner_url(), &secrets)).unwrap();
    // A manager has reported live already: every push keeps the rollups too.
    pg.psql("SELECT callblock.ensure_rollups(60000, 180000)");
    block_on(team::add_rep(
        &owner,
        &secrets,
        "dana",
        Some("dana-pw"),
        false,
    ))
    .unwrap();
    block_on(team::add_rep(&owner, &secrets, "lee", Some("lee-pw"), true)).unwrap();

    // Dana's database: the demo, its calls copied until she has 10,000.
    let mut dana = Store::open(dir.path().join("dana.db")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    callblock_core::demo::fill(&mut dana, 52, now).unwrap();
    let me = callblock_core::reps::current_rep(dana.conn())
        .unwrap()
        .unwrap();
    let c = dana.conn();
    let count = |c: &rusqlite::Connection| -> i64 {
        c.query_row(
            "SELECT count(*) FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL",
            [&me.id],
            |r| r.get(0),
        )
        .unwrap()
    };
    let mut round = 0;
    while count(c) < CALLS {
        round += 1;
        c.execute(
            &format!(
                "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, phone_e164,
                    talk_track_version_id, started_at, ended_at, duration_ms, outcome,
                    asked_for_meeting, prospect_time_zone, local_hour, local_weekday, callback_at,
                    notes, gap_current_state, gap_objectives, gap_impact, answered_at, ring_ms)
                 SELECT id || '-{round}', prospect_id, rep_id, block_id, theme_id, phone_e164,
                    talk_track_version_id, strftime('%Y-%m-%dT%H:%M:%fZ', started_at, '-{round} days'),
                    strftime('%Y-%m-%dT%H:%M:%fZ', ended_at, '-{round} days'), duration_ms,
                    CASE outcome WHEN 'meeting' THEN 'not_interested' ELSE outcome END,
                    asked_for_meeting, prospect_time_zone, local_hour, local_weekday, callback_at,
                    notes, gap_current_state, gap_objectives, gap_impact,
                    strftime('%Y-%m-%dT%H:%M:%fZ', answered_at, '-{round} days'), ring_ms
                 FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL AND id NOT LIKE '%-%-%-%-%-%'
                 LIMIT ?2"
            ),
            rusqlite::params![me.id, CALLS - count(c)],
        )
        .unwrap();
    }
    let calls = count(dana.conn());
    block_on(team::connect(
        &mut dana,
        &pg.url("dana", "dana-pw"),
        &secrets,
    ))
    .unwrap();
    let waiting = callblock_core::team::link::status(dana.conn())
        .unwrap()
        .waiting;

    println!(
        "Team store sync (PostgreSQL 15 on 127.0.0.1, release build; the store keeps its rollups)"
    );
    let stats = std::env::var("SYNC_BENCH_STATS").is_ok();
    if stats {
        pg.psql(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()",
        );
    }
    let t = Instant::now();
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    let push = t.elapsed();
    if stats {
        println!(
            "{}",
            pg.psql(
                "SELECT round(total_exec_time::numeric, 1) || ' ms  ' || calls || 'x  '
                        || left(regexp_replace(query, '\\s+', ' ', 'g'), 150)
                   FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40"
            )
        );
        // With auto_explain loaded too, the plans are in the server's log.
        std::fs::write("/tmp/sync-bench-pg.log", pg.log_text()).unwrap();
    }
    println!(
        "  push {calls} queued calls ({waiting} outbox entries, {} rows, {} batches): {}  (target < 2,000 ms)",
        r.pushed.rows_written,
        r.pushed.batches,
        ms(push)
    );

    dana.conn()
        .execute_batch("INSERT INTO team_outbox (kind, row_id) SELECT 'call', id FROM calls WHERE outcome IS NOT NULL")
        .unwrap();
    let t = Instant::now();
    let r = block_on(team::sync(&mut dana, &secrets)).unwrap();
    println!(
        "  the same calls pushed again: {} rows written, {}",
        r.pushed.rows_written,
        ms(t.elapsed())
    );

    let mut lee = Store::open(dir.path().join("lee.db")).unwrap();
    block_on(team::connect(&mut lee, &pg.url("lee", "lee-pw"), &secrets)).unwrap();
    let t = Instant::now();
    let r = block_on(team::sync(&mut lee, &secrets)).unwrap();
    println!(
        "  a manager's first pull: {} calls in {}",
        r.pulled.calls_added,
        ms(t.elapsed())
    );

    let ids: Vec<String> = {
        let mut s = dana
            .conn()
            .prepare("SELECT id FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL LIMIT 50")
            .unwrap();
        let rows = s.query_map([&me.id], |r| r.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    // As the windows do it: the manager listens, the rep pushes, the
    // manager pulls when it hears the push.
    let trips = block_on(async {
        let mut heard = team::listen(&lee, &secrets).await.unwrap();
        let mut trips = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            dana.conn()
                .execute(
                    "UPDATE calls SET notes = ?1 WHERE id = ?2",
                    rusqlite::params![format!("round trip {i}"), id],
                )
                .unwrap();
            let t = Instant::now();
            team::sync(&mut dana, &secrets).await.unwrap();
            heard.heard().await.unwrap();
            team::sync(&mut lee, &secrets).await.unwrap();
            trips.push(t.elapsed());
        }
        trips
    });
    let mut trips = trips;
    trips.sort();
    println!(
        "  one call, rep's push, heard by the listening manager, pulled: p50 {}, p95 {}, max {}  (the window adds up to 250 ms: its outbox look; target < 1,000 ms)",
        ms(trips[trips.len() / 2]),
        ms(trips[trips.len() * 95 / 100]),
        ms(*trips.last().unwrap())
    );
}

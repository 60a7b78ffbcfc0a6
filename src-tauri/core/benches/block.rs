//! Block benchmarks (release build; figures printed, nothing asserted):
//!
//! - committing one call durably: a call started and completed with its
//!   outcome, each in its own transaction, on a file database with WAL and
//!   `synchronous=FULL`, on this machine's disk; percentiles of the outcome's
//!   commit over 1,000 calls;
//! - block clock drift: the real ticker runs a real block (5 minutes by
//!   default; `CALLBLOCK_DRIFT_SECONDS` to change) and the time-up alert is
//!   compared with the planned end on the monotonic clock.
//!
//! Run: `cargo bench -p callblock-core --bench block`

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use callblock_core::block;
use callblock_core::calls::{self, CallNotes, CallResult};
use callblock_core::clock::{self, Alert, BlockClock, Clocks};
use callblock_core::domain::{Outcome, Settings, ThemeKind};
use callblock_core::lists::{create_theme, insert_prospect, NewPhone, NewProspect};
use callblock_core::{card, queue, reps, time, Store};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn durable_commits(calls: usize) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target")
        });
    let dir = tempfile::Builder::new()
        .prefix("callblock-bench-")
        .tempdir_in(&target)
        .expect("a temp dir on the target disk");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path).expect("open the bench database");
    // As in the app: checkpoints run on a background thread, not in a commit.
    let _checkpointer = store
        .checkpoint_in_background(Duration::from_secs(5))
        .expect("start the checkpointer");
    let settings = Settings::default();
    let (rep, theme, prospects) = store
        .write(|tx| {
            let rep = reps::create_rep(tx, "Bench", None, None)?;
            let theme = create_theme(tx, "Bench", ThemeKind::Custom, "")?;
            let mut ids = Vec::with_capacity(calls);
            for i in 0..calls {
                ids.push(insert_prospect(
                    tx,
                    &NewProspect {
                        theme_id: Some(theme.id.clone()),
                        first_name: format!("P{i}"),
                        last_name: "Bench".into(),
                        company: "Acme".into(),
                        phones: vec![NewPhone {
                            kind: "direct".into(),
                            e164: Some(format!("+1312555{:04}", i % 10_000)),
                            extension: None,
                            raw: String::new(),
                        }],
                        ..NewProspect::default()
                    },
                    time::now(),
                )?);
            }
            Ok::<_, callblock_core::Error>((rep, theme, ids))
        })
        .expect("seed");
    let b = store
        .write(|tx| {
            block::start_block(
                tx,
                &rep.id,
                std::slice::from_ref(&theme.id),
                Some(240),
                &settings,
                time::now(),
            )
        })
        .expect("start a block");
    let mut commit_ms = Vec::with_capacity(calls);
    let mut next_ms = Vec::with_capacity(calls);
    let outcomes = [
        Outcome::NoAnswer,
        Outcome::Voicemail,
        Outcome::Gatekeeper,
        Outcome::NotInterested,
    ];
    for (i, p) in prospects.iter().enumerate() {
        let call = store
            .write(|tx| calls::start_call(tx, &b.id, p, None, time::now()))
            .expect("start a call");
        let result = CallResult {
            outcome: outcomes[i % outcomes.len()],
            callback_at: None,
            meeting: None,
            notes: CallNotes {
                notes: "left a message with the referral".into(),
                ..CallNotes::default()
            },
            asked_for_meeting: false,
        };
        let t = Instant::now();
        store
            .write(|tx| calls::finish_call(tx, &call.id, &result, time::now(), &settings))
            .expect("log the outcome");
        commit_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        // What follows the commit on the way to the screen: the next prospect and its card.
        let t = Instant::now();
        let next = queue::next(
            store.conn(),
            &b.id,
            std::slice::from_ref(&theme.id),
            &settings,
            time::now(),
        )
        .expect("the queue");
        if let Some(e) = next {
            card::call_card(store.conn(), &e.prospect_id, Some(&rep.id)).expect("the card");
        }
        next_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    next_ms.sort_by(|a, b| a.total_cmp(b));
    commit_ms.sort_by(|a, b| a.total_cmp(b));
    let floor = raw_fsync(dir.path(), calls);
    println!(
        "next prospect and its card after a commit (queue + card + playbook filled): p50 {:.3} ms   p95 {:.3} ms   p99 {:.3} ms",
        percentile(&next_ms, 0.50),
        percentile(&next_ms, 0.95),
        percentile(&next_ms, 0.99)
    );
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap_or_default();
    let sync: i64 = store
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap_or_default();
    println!(
        "durable commit of one call (outcome + prospect update; journal_mode={mode}, synchronous={sync} (2 = FULL); {calls} calls; file under {}):",
        target.display()
    );
    println!(
        "  p50 {:.3} ms   p95 {:.3} ms   p99 {:.3} ms   max {:.3} ms   (target: p99 < 5 ms)",
        percentile(&commit_ms, 0.50),
        percentile(&commit_ms, 0.95),
        percentile(&commit_ms, 0.99),
        commit_ms[commit_ms.len() - 1]
    );
    println!(
        "  the disk's floor, one fdatasync of 4 KiB: p50 {:.3} ms   p95 {:.3} ms   p99 {:.3} ms   max {:.3} ms",
        percentile(&floor, 0.50),
        percentile(&floor, 0.95),
        percentile(&floor, 0.99),
        floor[floor.len() - 1]
    );
}

/// The floor under any durable commit: one fdatasync of a 4 KiB write on the
/// same disk, timed the same way.
fn raw_fsync(dir: &std::path::Path, n: usize) -> Vec<f64> {
    use std::io::{Seek, SeekFrom, Write};
    let path = dir.join("fsync-floor.bin");
    let mut f = std::fs::File::create(&path).expect("a file for the fsync floor");
    let page = [7u8; 4096];
    let mut ms = Vec::with_capacity(n);
    for i in 0..n {
        f.seek(SeekFrom::Start(((i % 64) * 4096) as u64))
            .expect("seek");
        f.write_all(&page).expect("write");
        let t = Instant::now();
        f.sync_data().expect("fdatasync");
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_file(&path);
    ms.sort_by(|a, b| a.total_cmp(b));
    ms
}

fn drift(seconds: u64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let planned = Duration::from_secs(seconds);
    let start = Instant::now();
    let clocks = Clocks {
        block: BlockClock::new(
            planned,
            Duration::ZERO,
            false,
            tokio::time::Instant::now(),
            time::now(),
        ),
        call: None,
    };
    let seen: Arc<Mutex<Option<(Duration, Duration)>>> = Arc::default();
    let ticks = Arc::new(Mutex::new(0u64));
    let changed = tokio::sync::Notify::new();
    println!("block clock drift: running a real {seconds}-second block on the ticker...");
    rt.block_on(async {
        let s = seen.clone();
        let n = ticks.clone();
        let ticker = clock::run_ticker(
            || Some(("bench".to_string(), clocks.clone(), ())),
            move |_, _, tick| {
                *n.lock().unwrap() += 1;
                if tick.alert == Some(Alert::TimeUp) {
                    *s.lock().unwrap() = Some((start.elapsed(), tick.block_elapsed));
                }
            },
            &changed,
        );
        tokio::select! {
            _ = ticker => {}
            _ = tokio::time::sleep(planned + Duration::from_secs(2)) => {}
        }
    });
    let result = *seen.lock().unwrap();
    match result {
        Some((wall, shown)) => {
            let drift_ms = wall.as_secs_f64() * 1000.0 - planned.as_secs_f64() * 1000.0;
            println!(
                "  time-up alert {:.1} ms after the planned end (monotonic clock); the block clock read {:+.1} ms; {} ticks (target: |drift| < 100 ms)",
                drift_ms,
                shown.as_secs_f64() * 1000.0 - planned.as_secs_f64() * 1000.0,
                ticks.lock().unwrap()
            );
        }
        None => println!("  the time-up alert never came"),
    }
}

fn main() {
    durable_commits(1000);
    let seconds = std::env::var("CALLBLOCK_DRIFT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    drift(seconds);
}

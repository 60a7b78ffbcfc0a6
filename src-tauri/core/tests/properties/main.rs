//! Property-based tests of every reader of files from outside: generated
//! hostile inputs, and what must hold whatever they are.
//!
//! - `csv`: the CSV reader, the column mapping and the import;
//! - `playbook`: the playbook file's parser and import;
//! - `bundle`: the bundle reader and import.
//!
//! (The `.ics` writer has properties of its own; the terminal cleaner's are
//! in the app crate, `cli/output/props.rs`.)
//!
//! Every property holds: no panic; a refusal is a clear, bounded message
//! with no raw control character, and leaves the database as it was; what
//! is accepted is stored clean (no control, invisible or bidi character,
//! NFC, within the limits of `callblock_core::text`), and the database
//! passes SQLite's own checks.
//!
//! Run with its own harness (figures are printed, and `--long` is a flag):
//!
//! ```text
//! cargo test -p callblock-core --test properties                 # CI: a short seeded slice
//! cargo test -p callblock-core --test properties -- --long       # the full counts, a new seed
//! cargo test -p callblock-core --test properties -- --seed 42 csv
//! PROPTEST_CASES=1000 cargo test -p callblock-core --test properties
//! cargo test -p callblock-core --test properties -- --cases 300 --outcomes after.txt
//! ```
//!
//! `--outcomes FILE` writes what came of each input, one line each, and
//! lets every case run whatever it finds: the same seed on two builds reads
//! the same inputs, so the two files compare a change to the readers (which
//! inputs import before and after).
//!
//! Failures are not written to `proptest-regressions/` files: the seed is
//! fixed in CI and printed by every run, so `--seed N` replays a failure, and
//! the runner prints the shrunk input; a bug found this way gets a plain unit
//! test beside its fix, which says what it checks (a regressions file holds
//! only a hash of a generator's state, which changes meaning whenever the
//! generator does).

mod bundle;
mod common;
mod csv;
mod mutate;
mod playbook;

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};

use common::{Run, Tally};

/// CI's seed; `--long` without `--seed` draws a new one (printed).
const CI_SEED: u64 = 0x00C0_FFEE_5EED;

/// Where the last panic happened (the runner catches it; its message
/// does not say where).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// Panics caught, shrinking included.
static PANICS: AtomicU64 = AtomicU64::new(0);

/// A property's figures.
pub struct Outcome {
    pub cases: u32,
    pub tally: Tally,
    pub result: Result<(), String>,
}

type Property = fn(&Run) -> Outcome;

const PROPERTIES: &[(&str, &str, Property)] = &[
    ("csv", "CSV reader, mapping and import", csv::property),
    ("playbook", "playbook parser and import", playbook::property),
    ("bundle", "bundle reader and import", bundle::property),
];

/// Run `test` on `cases` inputs drawn from `strategy`; the failure, shrunk,
/// as text.
pub fn check<S>(
    run: &Run,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Result<(), String>
where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(run.config(cases));
    match runner.run(&strategy, test) {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, value)) => {
            let place = LAST_PANIC
                .lock()
                .map(|p| p.clone().unwrap_or_default())
                .unwrap_or_default();
            Err(format!(
                "{reason}{place}\n  minimal input: {}",
                common::clip(&format!("{value:?}"), 3000)
            ))
        }
        Err(TestError::Abort(reason)) => Err(format!("aborted: {reason}")),
    }
}

/// Whether outcomes are recorded (`--outcomes FILE`): then every case runs
/// whatever it finds (a violation is a line of the file, not a failure), so
/// that two builds given the same seed read the same inputs and their
/// outcomes can be compared line by line.
static RECORDING: AtomicBool = AtomicBool::new(false);

pub fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// A case's result: `Err` fails the case, unless outcomes are recorded.
pub fn outcome(
    r: Result<(), String>,
    tally: &std::cell::RefCell<Tally>,
) -> Result<(), TestCaseError> {
    match r {
        Err(e) if recording() => {
            tally
                .borrow_mut()
                .note(&format!("VIOLATED: {}", common::clip(&e, 200)));
            Ok(())
        }
        r => r.map_err(TestCaseError::fail),
    }
}

fn parse_args() -> Result<(Run, Vec<String>, Option<String>), String> {
    let mut long = false;
    let mut outcomes = None;
    let mut seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut filters = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--long" => long = true,
            "--seed" => {
                seed = Some(
                    args.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--seed needs a number")?,
                )
            }
            "--outcomes" => outcomes = Some(args.next().ok_or("--outcomes needs a file")?),
            "--cases" => {
                cases = Some(
                    args.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--cases needs a number")?,
                )
            }
            // What cargo test may pass to a harness; nothing to do here.
            "--nocapture" | "--quiet" | "-q" | "--show-output" | "--include-ignored"
            | "--ignored" | "--exact" => {}
            "--test-threads" => {
                args.next();
            }
            s if s.starts_with("--test-threads=") => {}
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => filters.push(s.to_string()),
        }
    }
    let seed = seed.unwrap_or_else(|| {
        if long {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(CI_SEED)
        } else {
            CI_SEED
        }
    });
    Ok((Run { long, seed, cases }, filters, outcomes))
}

fn main() {
    let (run, filters, outcomes) = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "properties: {e}\nusage: properties [--long] [--seed N] [--cases N] [NAME...]"
            );
            std::process::exit(2);
        }
    };
    // A panic inside a case is caught and shrunk; print none of them, keep
    // where the last one happened.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" (panicked at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        PANICS.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut p) = LAST_PANIC.lock() {
            *p = Some(place);
        }
    }));
    println!(
        "properties: {} run, seed {} (replay: -- --seed {}{})",
        if run.long { "long" } else { "short (CI)" },
        run.seed,
        run.seed,
        if run.long { " --long" } else { "" }
    );
    RECORDING.store(outcomes.is_some(), Ordering::Relaxed);
    let mut log = String::new();
    let mut passed = 0;
    let mut failed = 0;
    let mut rows = Vec::new();
    for (name, what, property) in PROPERTIES {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        common::reset_peak_rss();
        let start = Instant::now();
        let outcome = property(&run);
        let elapsed = start.elapsed();
        let peak = common::peak_rss_kib();
        match &outcome.result {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                println!("FAILED {name} ({what}): {e}");
            }
        }
        for line in &outcome.tally.log {
            log.push_str(&format!("{name} {line}\n"));
        }
        rows.push((*name, *what, outcome, elapsed, peak));
    }
    if let Some(path) = &outcomes {
        if let Err(e) = std::fs::write(path, &log) {
            eprintln!("properties: cannot write {path}: {e}");
            std::process::exit(2);
        }
    }
    println!();
    println!(
        "{:<10} {:<32} {:>6} {:>7} {:>9} {:>8} {:>10} {:>9} {:>7}",
        "property",
        "reader",
        "cases",
        "inputs",
        "accepted",
        "refused",
        "largest",
        "peak RSS",
        "time"
    );
    for (name, what, o, elapsed, peak) in &rows {
        println!(
            "{:<10} {:<32} {:>6} {:>7} {:>9} {:>8} {:>10} {:>9} {:>7}",
            name,
            what,
            o.cases,
            o.tally.tried,
            o.tally.accepted,
            o.tally.refused,
            bytes(o.tally.largest_bytes),
            bytes(peak * 1024),
            secs(*elapsed),
        );
    }
    println!("panics found: {}", PANICS.load(Ordering::Relaxed));
    println!();
    println!("properties: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

pub fn bytes(b: u64) -> String {
    if b >= 1024 * 1024 {
        format!("{:.1} MB", b as f64 / (1024.0 * 1024.0))
    } else if b >= 1024 {
        format!("{:.1} KB", b as f64 / 1024.0)
    } else {
        format!("{b} B")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

//! The crash torture test, in the style of SQLite's: a block driven by a
//! seeded random script in a child process (this binary again), killed with
//! SIGKILL at random points across outcome logging, objections, meetings,
//! callbacks, CSV imports and bundle imports. After each kill the database
//! files, exactly as the kill left them, are copied and checked:
//! `integrity_check`, foreign keys, no acknowledged write lost, nothing
//! unacknowledged but the interrupted action (whole or absent), no
//! duplicate, and the block resumable through the app's own restart path.
//! Then the next child goes on with the same database (and recovers it).
//!
//! `cargo test -p callblock-core --test torture` runs a short seeded slice;
//! `-- --long` runs 1,000 kill points; `-- --seed N` another seed;
//! `-- --kills N` any number. Kills land where the OS schedules them, so a
//! seed repeats the script and the aim of each kill, not the exact instant.

#[path = "torture/child.rs"]
mod child;
#[path = "torture/data.rs"]
mod data;
#[path = "torture/protocol.rs"]
mod protocol;
#[path = "torture/resume.rs"]
mod resume;
#[path = "torture/state.rs"]
mod state;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use callblock_core::Store;
use protocol::{ChildConfig, Kind, Line};
use state::{Pending, State};

/// Set (to the child's configuration, as JSON) in a child's environment.
const CHILD_ENV: &str = "CALLBLOCK_TORTURE_CHILD";
const DEFAULT_SEED: u64 = 15;
/// Kill points of the short slice (`cargo test`, CI).
const SHORT: u32 = 48;
/// Kill points of `--long`.
const LONG: u32 = 1000;
/// Kill points per database: then a fresh one, so that the imports do not
/// grow one file (and each check) without end.
const PER_DATABASE: u32 = 100;
/// The longest a child may take to reach the action it is to be killed in.
const CHILD_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a killed child may take to be gone (process and pipe).
const REAP_TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        child::main(&config);
    }
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("torture: {e}");
            std::process::exit(2);
        }
    };
    if args.list {
        println!("torture: test");
        return;
    }
    if !args.selected() {
        println!("torture: filtered out");
        return;
    }
    let kills = args.kills.unwrap_or(if args.long { LONG } else { SHORT });
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    println!("torture: seed {seed}, {kills} kill points (a fresh database every {PER_DATABASE})");
    match Torture::new(seed, kills).and_then(|mut t| t.run().map(|()| t)) {
        Ok(t) => t.summary(),
        Err(failure) => {
            eprintln!("\n{failure}");
            eprintln!(
                "torture: FAILED (seed {seed}; repeat with \
                 `cargo test -p callblock-core --test torture -- --seed {seed} --kills {kills}`)"
            );
            std::process::exit(1);
        }
    }
}

/// The command line: ours (`--long`, `--seed N`, `--kills N`), and what
/// libtest takes, which cargo may pass on: a name filter runs this test
/// only when it matches `torture` (as does `--skip`), `--ignored` and
/// `--bench` run nothing (this test is neither ignored nor a benchmark),
/// `--list` lists it; other flags are ignored.
#[derive(Debug, Default)]
struct Args {
    long: bool,
    seed: Option<u64>,
    kills: Option<u32>,
    list: bool,
    exact: bool,
    /// `--ignored` or `--bench`: not this test.
    other_tests: bool,
    filters: Vec<String>,
    skips: Vec<String>,
}

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut a = Args::default();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |inline: Option<String>| inline.or_else(|| args.next());
            let mut number = |inline| {
                let v = value(inline).unwrap_or_default();
                v.parse::<u64>()
                    .map_err(|_| format!("{flag} takes a number, not {v:?}"))
            };
            match flag.as_str() {
                "--long" => a.long = true,
                "--seed" => a.seed = Some(number(inline)?),
                "--kills" => {
                    a.kills = Some(u32::try_from(number(inline)?).map_err(|e| e.to_string())?)
                }
                "--list" => a.list = true,
                "--exact" => a.exact = true,
                "--ignored" | "--bench" => a.other_tests = true,
                "--skip" => a.skips.extend(value(inline)),
                // libtest's flags that take a value.
                "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" => {
                    value(inline);
                }
                f if f.starts_with('-') => {}
                _ => a.filters.push(arg),
            }
        }
        Ok(a)
    }

    /// Selected by the name filters, as libtest selects a test.
    fn selected(&self) -> bool {
        let name = "torture";
        let matches = |f: &String| {
            if self.exact {
                f == name
            } else {
                name.contains(f.as_str())
            }
        };
        !self.other_tests
            && (self.filters.is_empty() || self.filters.iter().any(matches))
            && !self.skips.iter().any(matches)
    }
}

/// What a kill point aims at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    /// Inside an action of this kind: soon after its `BEGIN`.
    Kind(Kind),
    /// Anywhere: after a few acknowledgements and a short random wait.
    Any,
}

impl Aim {
    fn name(self) -> &'static str {
        match self {
            Aim::Kind(k) => k.as_str(),
            Aim::Any => "any",
        }
    }
}

/// The aims of one round, shuffled: twice each of the six actions the
/// torture is about, once the open (recovery) and once anywhere.
const ROUND: [Aim; 14] = [
    Aim::Kind(Kind::Outcome),
    Aim::Kind(Kind::Outcome),
    Aim::Kind(Kind::Objection),
    Aim::Kind(Kind::Objection),
    Aim::Kind(Kind::Meeting),
    Aim::Kind(Kind::Meeting),
    Aim::Kind(Kind::Callback),
    Aim::Kind(Kind::Callback),
    Aim::Kind(Kind::Import),
    Aim::Kind(Kind::Import),
    Aim::Kind(Kind::Bundle),
    Aim::Kind(Kind::Bundle),
    Aim::Kind(Kind::Open),
    Aim::Any,
];

/// When to kill a child.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    /// `delay` after the first `BEGIN` of `kind`.
    Begin { kind: Kind, delay: Duration },
    /// `delay` after the `acks`-th acknowledgement.
    Acks { acks: u32, delay: Duration },
}

/// One child's life, as the parent saw it.
struct ChildRun {
    lines: Vec<String>,
    /// Why the run is a failure before any check: the child ended by
    /// itself, never reached its aim, or would not die.
    fault: Option<String>,
    /// The action the kill interrupted and how long after its `BEGIN`.
    interrupted: Option<(Kind, f64)>,
}

#[derive(Default)]
struct Stats {
    survived: u32,
    /// Where the kills landed: inside an action of a kind (its `BEGIN`
    /// seen, its `ACK` not), or between actions (`None`).
    landed: BTreeMap<Option<Kind>, u32>,
    /// The interrupted action was found committed (killed between the
    /// commit and the acknowledgement) / rolled back.
    applied: u32,
    rolled_back: u32,
    /// Kills inside an action of a kind that found it committed.
    landed_applied: BTreeMap<Kind, u32>,
    /// Acknowledgements received, by kind.
    acked: BTreeMap<Kind, u32>,
    resumed_blocks: u32,
    resumed_mid_call: u32,
    next_calls: u32,
    databases: u32,
    /// The largest database (file and log) seen, in bytes, and its prospects.
    largest: (u64, i64),
    /// Invitation files no meeting refers to (written, then the meeting's
    /// transaction was killed), and temporary files of killed writes.
    orphan_invitations: u32,
    temp_files: u32,
    /// Kills that left a rollback journal (a new file's switch to WAL).
    journals: u32,
}

struct Torture {
    seed: u64,
    kills: u32,
    rng: StdRng,
    work: tempfile::TempDir,
    bundles: Vec<data::BundleFile>,
    /// How long each kind of action takes (BEGIN to ACK as seen here), in
    /// microseconds: where inside it to kill.
    took: BTreeMap<Kind, f64>,
    /// Where in each kind of action its commit falls, in microseconds after
    /// its `BEGIN`, as far as the kills so far tell (committed: before the
    /// kill; rolled back: after it): most kills aim around it.
    commit_at: BTreeMap<Kind, f64>,
    stats: Stats,
    started: Instant,
}

/// A failure, with what is needed to look into it.
fn failure(k: u32, what: &str, details: &[String]) -> String {
    let mut s = format!("torture: kill point {}: {what}", k + 1);
    for d in details {
        s.push_str("\n  ");
        s.push_str(d);
    }
    s
}

impl Torture {
    fn new(seed: u64, kills: u32) -> Result<Torture, String> {
        let started = Instant::now();
        let work = tempfile::Builder::new()
            .prefix("callblock-torture-")
            .tempdir()
            .map_err(|e| format!("a temporary folder: {e}"))?;
        let dir = work.path().join("bundles");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let bundles = data::make_bundles(&dir)?;
        let took = Kind::ALL
            .iter()
            .map(|&k| {
                let us = match k {
                    // What a debug build takes; learnt as the run goes.
                    Kind::Import => 600_000.0,
                    Kind::Bundle => 250_000.0,
                    Kind::Open => 20_000.0,
                    _ => 3_000.0,
                };
                (k, us)
            })
            .collect::<BTreeMap<Kind, f64>>();
        let commit_at = took.iter().map(|(k, us)| (*k, us / 2.0)).collect();
        Ok(Torture {
            seed,
            kills,
            rng: StdRng::seed_from_u64(seed),
            work,
            bundles,
            took,
            commit_at,
            stats: Stats::default(),
            started,
        })
    }

    fn run(&mut self) -> Result<(), String> {
        let mut aims = Vec::new();
        let mut expected = State::default();
        let mut db_dir = PathBuf::new();
        for k in 0..self.kills {
            if k % PER_DATABASE == 0 {
                if k > 0 {
                    // The previous database passed; free its space.
                    let _ = std::fs::remove_dir_all(&db_dir);
                }
                db_dir = self.work.path().join(format!("db{}", k / PER_DATABASE));
                for sub in ["csv", "invitations", "check"] {
                    std::fs::create_dir_all(db_dir.join(sub)).map_err(|e| e.to_string())?;
                }
                expected = State::default();
                self.stats.databases += 1;
            }
            if aims.is_empty() {
                aims = ROUND.to_vec();
                aims.shuffle(&mut self.rng);
            }
            // A new database is killed while it is being created first.
            let aim = if k % PER_DATABASE == 0 {
                Aim::Kind(Kind::Open)
            } else {
                aims.pop().unwrap_or(Aim::Any)
            };
            let result = self.kill_point(k, aim, &db_dir, &mut expected);
            if let Err(e) = result {
                let kept = std::mem::replace(
                    &mut self.work,
                    tempfile::tempdir().map_err(|e| e.to_string())?,
                )
                .keep();
                return Err(format!(
                    "{e}\n  (the files are kept in {}; survived {} of {} kill points before this one)",
                    kept.display(),
                    self.stats.survived,
                    self.kills
                ));
            }
            self.stats.survived += 1;
            if (k + 1) % PER_DATABASE == 0 || k + 1 == self.kills {
                self.leftovers(&db_dir)?;
            }
            if (k + 1) % 100 == 0 && k + 1 < self.kills {
                println!(
                    "torture: {} of {} kill points survived ({:.0} s)",
                    k + 1,
                    self.kills,
                    self.started.elapsed().as_secs_f64()
                );
            }
        }
        Ok(())
    }

    /// One kill point: a child on the database, killed; its files checked.
    fn kill_point(
        &mut self,
        k: u32,
        aim: Aim,
        db_dir: &Path,
        expected: &mut State,
    ) -> Result<(), String> {
        let db = db_dir.join("callblock.db");
        let config = ChildConfig {
            db: db.clone(),
            invitations: db_dir.join("invitations"),
            csv_dir: db_dir.join("csv"),
            bundles: self.bundles.iter().map(|b| b.path.clone()).collect(),
            bundle_probes: self.bundles.iter().map(|b| b.calls[0].clone()).collect(),
            seed: self.rng.random(),
            run: k,
            target: aim.name().to_string(),
            checkpoint_ms: self.rng.random_range(5..200),
        };
        let trigger = match aim {
            Aim::Kind(kind) => {
                // Anywhere in the action, and a little past its end (between
                // its commit and its acknowledgement, or just after). A new
                // file is half the time killed in its first milliseconds,
                // where it switches to WAL with a rollback journal.
                // Else mostly around its commit: before it the action must
                // leave no trace, after it all of it.
                let span = if k.is_multiple_of(PER_DATABASE) && self.rng.random_bool(0.5) {
                    3000.0
                } else if self.rng.random_bool(0.6) {
                    self.commit_at[&kind] * 1.5
                } else {
                    self.took[&kind] * 1.25
                };
                Trigger::Begin {
                    kind,
                    delay: Duration::from_micros(self.rng.random_range(0.0..span) as u64),
                }
            }
            Aim::Any => Trigger::Acks {
                acks: self.rng.random_range(1..8),
                delay: Duration::from_micros(self.rng.random_range(0..3000)),
            },
        };
        let stderr_path = db_dir.join("child-stderr.txt");
        let run = self.run_child(&config, trigger, &stderr_path)?;
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let tail = |run: &ChildRun| -> Vec<String> {
            let mut d: Vec<String> = run
                .lines
                .iter()
                .rev()
                .take(12)
                .rev()
                .map(|l| format!("child: {l}"))
                .collect();
            d.extend(stderr.lines().map(|l| format!("child stderr: {l}")));
            d.insert(0, format!("aimed at: {}, trigger {trigger:?}", aim.name()));
            d
        };
        if let Some(fault) = &run.fault {
            return Err(failure(k, fault, &tail(&run)));
        }

        // What the child acknowledged, and what the kill interrupted.
        let mut pending: Option<Line> = None;
        for text in &run.lines {
            let line = Line::parse(text)
                .ok_or_else(|| failure(k, &format!("a line not understood: {text:?}"), &[]))?;
            if line.ack {
                expected
                    .apply(&line)
                    .map_err(|e| failure(k, &e, &tail(&run)))?;
                *self.stats.acked.entry(line.kind).or_default() += 1;
                pending = None;
            } else {
                pending = Some(line);
            }
        }
        *self
            .stats
            .landed
            .entry(pending.as_ref().map(|l| l.kind))
            .or_default() += 1;

        // The files as the kill left them, copied: the next child recovers
        // the originals itself. The log or the rollback journal (the switch
        // to WAL of a new file uses one) is part of the crash; the shared
        // memory index is not (SQLite rebuilds it, as after a reboot).
        let check = db_dir.join("check");
        let copy = check.join("callblock.db");
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
        }
        if Path::new(&format!("{}-journal", db.display())).exists() {
            self.stats.journals += 1;
        }
        for suffix in ["", "-wal", "-journal"] {
            let from = PathBuf::from(format!("{}{suffix}", db.display()));
            if from.exists() {
                std::fs::copy(&from, format!("{}{suffix}", copy.display()))
                    .map_err(|e| format!("copying {}: {e}", from.display()))?;
            }
        }
        let store = Store::open_to_write(&copy).map_err(|e| {
            failure(
                k,
                &format!("the database does not open after the kill: {e}"),
                &tail(&run),
            )
        })?;
        let (actual, mut errors) =
            state::read(store.conn(), &self.bundles).map_err(|e| failure(k, &e, &tail(&run)))?;
        let size: u64 = ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
            .map(|m| m.len())
            .sum();
        if size > self.stats.largest.0 {
            let prospects = store
                .conn()
                .query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))
                .unwrap_or(0);
            self.stats.largest = (size, prospects);
        }
        drop(store);
        let (differences, interrupted) = state::compare(expected, &actual, pending.as_ref());
        errors.extend(differences);
        if !errors.is_empty() {
            let mut details = tail(&run);
            details.extend(errors);
            return Err(failure(
                k,
                "the database is not what was acknowledged",
                &details,
            ));
        }
        if let Some((kind, us)) = run.interrupted {
            let c = self.commit_at.entry(kind).or_insert(us);
            let moved = 0.7 * *c + 0.3 * us;
            match interrupted {
                Pending::Applied if us < *c => *c = moved,
                Pending::NotApplied if us > *c => *c = moved.min(self.took[&kind]),
                _ => {}
            }
        }
        match interrupted {
            Pending::Applied => {
                self.stats.applied += 1;
                if let Some(l) = &pending {
                    *self.stats.landed_applied.entry(l.kind).or_default() += 1;
                }
            }
            Pending::NotApplied => self.stats.rolled_back += 1,
            Pending::None => {}
        }
        let resumed = resume::check(&copy, &check, &actual)
            .map_err(|e| failure(k, &format!("the block cannot be resumed: {e}"), &tail(&run)))?;
        self.stats.resumed_blocks += u32::from(resumed.block);
        self.stats.resumed_mid_call += u32::from(resumed.mid_call);
        self.stats.next_calls += u32::from(resumed.next_call);
        *expected = actual;
        Ok(())
    }

    /// Count the files the kills left beside a database: invitations no
    /// meeting refers to, temporary files of atomic writes.
    fn leftovers(&mut self, db_dir: &Path) -> Result<(), String> {
        let store = Store::open(db_dir.join("check").join("callblock.db"))
            .map_err(|e| format!("the last copy: {e}"))?;
        let mut stmt = store
            .conn()
            .prepare("SELECT ics_path FROM meetings WHERE ics_path IS NOT NULL")
            .map_err(|e| e.to_string())?;
        let known = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|r| r.collect::<rusqlite::Result<std::collections::HashSet<_>>>())
            .map_err(|e| e.to_string())?;
        let Ok(dir) = std::fs::read_dir(db_dir.join("invitations")) else {
            return Ok(());
        };
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                self.stats.temp_files += 1;
            } else if !known.contains(&entry.path().display().to_string()) {
                self.stats.orphan_invitations += 1;
            }
        }
        Ok(())
    }

    /// Start a child, kill it when `trigger` says, and collect its lines.
    fn run_child(
        &mut self,
        config: &ChildConfig,
        trigger: Trigger,
        stderr_path: &Path,
    ) -> Result<ChildRun, String> {
        let exe = std::env::current_exe().map_err(|e| format!("this test's binary: {e}"))?;
        let json = serde_json::to_string(config).map_err(|e| e.to_string())?;
        let stderr = std::fs::File::create(stderr_path).map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .env(CHILD_ENV, json)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .spawn()
            .map_err(|e| format!("starting a child: {e}"))?;
        let stdout = child.stdout.take().ok_or("the child's stdout")?;
        let (tx, rx) = mpsc::channel::<(Instant, String)>();
        let reader = std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stdout);
            let mut buf = String::new();
            loop {
                buf.clear();
                match r.read_line(&mut buf) {
                    // A line cut by the kill (never seen: each is one short
                    // write) would have no newline; it does not count.
                    Ok(n) if n > 0 && buf.ends_with('\n') => {
                        let line = buf.trim_end().to_string();
                        if tx.send((Instant::now(), line)).is_err() {
                            break;
                        }
                    }
                    _ => break,
                }
            }
        });

        let mut run = ChildRun {
            lines: Vec::new(),
            fault: None,
            interrupted: None,
        };
        let mut begun: Option<(Kind, Instant)> = None;
        let mut acks = 0;
        let start = Instant::now();
        let mut fired = false;
        while !fired {
            let left = CHILD_TIMEOUT.saturating_sub(start.elapsed());
            match rx.recv_timeout(left) {
                Ok((at, text)) => {
                    let line = Line::parse(&text);
                    self.time(&mut begun, line.as_ref(), at);
                    run.lines.push(text);
                    let Some(line) = line else { continue };
                    acks += u32::from(line.ack);
                    let delay = match trigger {
                        Trigger::Begin { kind, delay } if !line.ack && line.kind == kind => {
                            Some(delay)
                        }
                        Trigger::Acks { acks: n, delay } if acks >= n => Some(delay),
                        _ => None,
                    };
                    if let Some(delay) = delay {
                        std::thread::sleep(delay);
                        fired = true;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    run.fault = Some(format!(
                        "the child did not reach its aim in {} s",
                        CHILD_TIMEOUT.as_secs()
                    ));
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // SIGKILL (on Unix): no destructor, no flush, no checkpoint runs.
        let _ = child.kill();
        let killed_at = Instant::now();
        let status = reap(&mut child);
        let deadline = Instant::now() + REAP_TIMEOUT;
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok((at, text)) => {
                    let line = Line::parse(&text);
                    self.time(&mut begun, line.as_ref(), at);
                    run.lines.push(text);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = reader.join();
                    break;
                }
                Err(RecvTimeoutError::Timeout) => {
                    run.fault
                        .get_or_insert_with(|| "the child's output did not close".into());
                    break;
                }
            }
        }
        // An action killed late in its expected time took longer than
        // expected: expect longer (only acknowledged ones teach otherwise).
        if let Some((kind, t0)) = begun {
            let us = killed_at.duration_since(t0).as_micros() as f64;
            run.interrupted = Some((kind, us));
            let e = self.took.entry(kind).or_insert(us);
            if us > 0.75 * *e {
                *e = e.max(1.3 * us);
            }
        }
        match status {
            Err(e) => {
                run.fault.get_or_insert(e);
            }
            Ok(status) if run.fault.is_none() && !killed(&status) => {
                run.fault = Some(format!("the child ended by itself ({status})"));
            }
            Ok(_) => {}
        }
        Ok(run)
    }

    /// Learn how long each kind of action takes.
    fn time(&mut self, begun: &mut Option<(Kind, Instant)>, line: Option<&Line>, at: Instant) {
        let Some(line) = line else { return };
        if !line.ack {
            *begun = Some((line.kind, at));
        } else if let Some((kind, t0)) = begun.take() {
            if kind == line.kind {
                let us = at.duration_since(t0).as_micros() as f64;
                let e = self.took.entry(kind).or_insert(us);
                *e = 0.7 * *e + 0.3 * us;
            }
        }
    }

    fn summary(&self) {
        let s = &self.stats;
        println!(
            "torture: kill points survived: {} of {} ({} databases)",
            s.survived, self.kills, s.databases
        );
        let mut landed = Vec::new();
        for k in [
            Kind::Outcome,
            Kind::Objection,
            Kind::Meeting,
            Kind::Callback,
            Kind::Import,
            Kind::Bundle,
        ] {
            landed.push(format!(
                "{} {} ({})",
                k.label(),
                s.landed.get(&Some(k)).copied().unwrap_or(0),
                s.landed_applied.get(&k).copied().unwrap_or(0)
            ));
        }
        println!(
            "torture: kills inside (of which found committed): {}",
            landed.join(", ")
        );
        let others: Vec<String> = s
            .landed
            .iter()
            .filter_map(|(k, n)| match k {
                Some(k)
                    if !matches!(
                        k,
                        Kind::Outcome
                            | Kind::Objection
                            | Kind::Meeting
                            | Kind::Callback
                            | Kind::Import
                            | Kind::Bundle
                    ) =>
                {
                    Some(format!("{} {n}", k.label()))
                }
                _ => None,
            })
            .collect();
        println!(
            "torture:   and inside: {}; between actions: {}",
            if others.is_empty() {
                "nothing else".to_string()
            } else {
                others.join(", ")
            },
            s.landed.get(&None).copied().unwrap_or(0)
        );
        println!(
            "torture: interrupted actions found committed (unacknowledged) {}, rolled back {}; \
             kills that left a rollback journal (a new file's switch to WAL) {}",
            s.applied, s.rolled_back, s.journals
        );
        let acked: Vec<String> = s
            .acked
            .iter()
            .filter(|(k, _)| **k != Kind::Open)
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        println!("torture: acknowledged: {}", acked.join(", "));
        println!(
            "torture: resumed after the kill: {} running blocks ({} mid-call), next call logged {} times",
            s.resumed_blocks, s.resumed_mid_call, s.next_calls
        );
        let took: Vec<String> = [
            Kind::Open,
            Kind::Outcome,
            Kind::Meeting,
            Kind::Import,
            Kind::Bundle,
        ]
        .iter()
        .map(|k| {
            let mut t = format!("{} {:.1} ms", k.label(), self.took[k] / 1000.0);
            if *k != Kind::Open {
                t.push_str(&format!(
                    " (commit near {:.1} ms)",
                    self.commit_at[k] / 1000.0
                ));
            }
            t
        })
        .collect();
        println!(
            "torture: typical action times, BEGIN to ACK: {}",
            took.join(", ")
        );
        println!(
            "torture: largest database {:.1} MB ({} prospects); left beside the databases: \
             {} invitation files without a meeting, {} temporary files",
            s.largest.0 as f64 / 1e6,
            s.largest.1,
            s.orphan_invitations,
            s.temp_files
        );
        println!(
            "torture: seed {}, {:.1} s",
            self.seed,
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// Wait (a bounded time) for a killed child to be gone.
fn reap(child: &mut Child) -> Result<ExitStatus, String> {
    let deadline = Instant::now() + REAP_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => return Err("the child did not die after SIGKILL".into()),
            Err(e) => return Err(format!("waiting for the child: {e}")),
        }
    }
}

/// Did the child end by our SIGKILL (rather than by itself)?
#[cfg(unix)]
fn killed(status: &ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

#[cfg(not(unix))]
fn killed(status: &ExitStatus) -> bool {
    !status.success()
}

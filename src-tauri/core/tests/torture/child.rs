//! The child: the app's own start (the store opened, checkpoints in the
//! background, the block left running reopened), then a seeded random script
//! of user actions through the core's API, until the parent kills it. Each
//! action is announced (`BEGIN`) and acknowledged (`ACK`) once it returned,
//! that is once its transaction committed.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use callblock_core::api::import::{self as api_import, ImportSetup, RunOptions};
use callblock_core::api::team;
use callblock_core::calls::{CallNotes, CallResult, NewMeeting};
use callblock_core::domain::Outcome;
use callblock_core::import::{OnRejects, ThemeChoice};
use callblock_core::session::{BlockDesk, BlockSnapshot, BlockView, CallState};
use callblock_core::{time, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::OptionalExtension;

use super::data;
use super::protocol::{ChildConfig, Kind, REP_NAME, THEMES};

type R<T> = Result<T, String>;

/// The child never runs longer than this, killed or not.
const LIFETIME: Duration = Duration::from_secs(90);

/// Run the child described by `config` (JSON); never returns.
pub fn main(config: &str) -> ! {
    let code = match serde_json::from_str::<ChildConfig>(config) {
        Ok(cfg) => match run(&cfg) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("torture child {}: {e}", cfg.run);
                3
            }
        },
        Err(e) => {
            eprintln!("torture child: bad configuration: {e}");
            2
        }
    };
    std::process::exit(code)
}

/// One line to the parent, in one write (a pipe never splits a write this
/// short), flushed at once.
fn say(line: &str) {
    let text = format!("{line}\n");
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        // The parent is gone.
        std::process::exit(4);
    }
}

fn run(cfg: &ChildConfig) -> R<()> {
    say("BEGIN open");
    let store = Store::open_to_write(&cfg.db).map_err(|e| format!("open: {e}"))?;
    // As the app does (state.rs: open_to_write, background checkpoints),
    // with a short period so that kills land during checkpoints too.
    let _checkpointer = store
        .checkpoint_in_background(Duration::from_millis(cfg.checkpoint_ms))
        .map_err(|e| format!("checkpointer: {e}"))?;
    let mut desk = BlockDesk::new(cfg.invitations.clone());
    desk.reopen(&store).map_err(|e| format!("reopen: {e}"))?;
    let running = match desk.refresh(&store).map_err(|e| format!("refresh: {e}"))? {
        BlockView::Running { snapshot } => snapshot.block_id.clone(),
        BlockView::Idle { .. } => "-".to_string(),
    };
    say(&format!("ACK open {running}"));
    let mut child = Child {
        cfg,
        rng: StdRng::seed_from_u64(cfg.seed),
        store,
        desk,
        n: 0,
    };
    let end = Instant::now() + LIFETIME;
    while Instant::now() < end {
        child.step()?;
    }
    Err("still running after its lifetime: the parent never killed it".into())
}

struct Child<'a> {
    cfg: &'a ChildConfig,
    rng: StdRng,
    store: Store,
    desk: BlockDesk,
    /// Actions so far.
    n: u32,
}

/// An index drawn by weight.
fn pick(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn err<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> String {
    move |e| format!("{what}: {e}")
}

impl Child<'_> {
    fn target(&self) -> &str {
        &self.cfg.target
    }

    fn step(&mut self) -> R<()> {
        self.n += 1;
        match self.desk.refresh(&self.store).map_err(err("refresh"))? {
            BlockView::Idle { .. } => self.idle(),
            BlockView::Running { snapshot } => self.running(&snapshot),
        }
    }

    fn rep_exists(&self) -> R<bool> {
        self.store
            .conn()
            .query_row("SELECT 1 FROM reps WHERE name = ?1", [REP_NAME], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(err("rep"))
    }

    /// The torture's themes with someone never called.
    fn callable_themes(&self) -> R<Vec<String>> {
        let mut stmt = self
            .store
            .conn()
            .prepare(
                "SELECT t.id FROM themes t WHERE t.name GLOB 'Torture *' AND t.archived_at IS NULL
                   AND EXISTS (SELECT 1 FROM prospects p WHERE p.theme_id = t.id AND p.status = 'new')
                 ORDER BY t.name",
            )
            .map_err(err("themes"))?;
        let ids = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(err("themes"))?;
        Ok(ids)
    }

    fn idle(&mut self) -> R<()> {
        let themes = self.callable_themes()?;
        let rep = self.rep_exists()?;
        let r: f64 = self.rng.random();
        let t = self.target().to_string();
        if themes.is_empty() || (t == "import" && r < 0.85) || r < 0.1 {
            return self.import();
        }
        // Bundles only once the torture's rep exists: on a database with
        // no rep yet, the first rep by name would become the current one.
        if rep && ((t == "bundle" && r < 0.85) || r < 0.18) {
            return self.bundle();
        }
        self.start_block(themes)
    }

    fn running(&mut self, s: &BlockSnapshot) -> R<()> {
        let r: f64 = self.rng.random();
        let t = self.target().to_string();
        if s.clock.paused {
            return if r < 0.85 {
                self.simple(Kind::Resume, &s.block_id)
            } else {
                self.simple(Kind::EndBlock, &s.block_id)
            };
        }
        if let Some(call) = &s.call {
            return self.in_call(s, call);
        }
        let Some(card) = &s.card else {
            // Nobody to call now.
            return if r < 0.2 && self.rep_exists()? {
                self.bundle()
            } else {
                self.simple(Kind::EndBlock, &s.block_id)
            };
        };
        if t == "import" && r < 0.6 {
            return self.simple(Kind::EndBlock, &s.block_id);
        }
        if t == "bundle" && r < 0.5 {
            return self.bundle();
        }
        match pick(&mut self.rng, &[10.0, 1.0, 0.6, 0.8, 0.3]) {
            0 => {
                let prospect = card.prospect_id.clone();
                say(&format!("BEGIN start_call {} {prospect}", s.block_id));
                let view = self
                    .desk
                    .start_call(&mut self.store)
                    .map_err(err("start call"))?;
                let call = match view {
                    BlockView::Running { snapshot } => snapshot.call.map(|c| c.call_id),
                    BlockView::Idle { .. } => None,
                }
                .ok_or("start call: no call in progress after starting it")?;
                say(&format!("ACK start_call {} {prospect} {call}", s.block_id));
                Ok(())
            }
            1 => {
                let prospect = card.prospect_id.clone();
                say(&format!("BEGIN skip {} {prospect}", s.block_id));
                self.desk.skip(&mut self.store).map_err(err("skip"))?;
                say(&format!("ACK skip {} {prospect}", s.block_id));
                Ok(())
            }
            2 => self.simple(Kind::Pause, &s.block_id),
            3 => self.simple(Kind::EndBlock, &s.block_id),
            _ => self.bundle(),
        }
    }

    /// Pause, resume or end the block.
    fn simple(&mut self, kind: Kind, block: &str) -> R<()> {
        say(&format!("BEGIN {kind} {block}"));
        let store = &mut self.store;
        let done = match kind {
            Kind::Pause => self.desk.pause(store),
            Kind::Resume => self.desk.resume(store),
            _ => self.desk.end(store),
        };
        done.map_err(|e| format!("{kind}: {e}"))?;
        say(&format!("ACK {kind} {block}"));
        Ok(())
    }

    fn in_call(&mut self, s: &BlockSnapshot, call: &CallState) -> R<()> {
        let t = self.target().to_string();
        let objections: Vec<String> = s
            .card
            .as_ref()
            .map(|c| {
                c.playbook
                    .objections
                    .iter()
                    .map(|o| o.objection.objection_id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let outcome_target = matches!(t.as_str(), "outcome" | "callback" | "meeting");
        let w_objection = if objections.is_empty() || call.objections.len() >= 6 {
            0.0
        } else if t == "objection" {
            15.0
        } else {
            3.0
        };
        let w_outcome = if outcome_target { 12.0 } else { 4.0 };
        match pick(&mut self.rng, &[w_objection, 1.0, w_outcome]) {
            0 => {
                let o = objections[self.rng.random_range(0..objections.len())].clone();
                say(&format!("BEGIN objection {} {o}", call.call_id));
                self.desk
                    .log_objection(&mut self.store, &o)
                    .map_err(err("objection"))?;
                say(&format!("ACK objection {} {o}", call.call_id));
                Ok(())
            }
            1 => {
                let text = format!("n{}x{}", self.cfg.run, self.n);
                let notes = CallNotes {
                    notes: text.clone(),
                    ..call.notes.clone()
                };
                say(&format!("BEGIN notes {} {text}", call.call_id));
                self.desk
                    .save_notes(&mut self.store, notes)
                    .map_err(err("notes"))?;
                say(&format!("ACK notes {} {text}", call.call_id));
                Ok(())
            }
            _ => {
                let kind = if outcome_target && self.rng.random_bool(0.75) {
                    Kind::parse(&t).unwrap_or(Kind::Outcome)
                } else {
                    [Kind::Outcome, Kind::Callback, Kind::Meeting]
                        [pick(&mut self.rng, &[6.0, 2.0, 2.0])]
                };
                self.outcome(kind, s, call)
            }
        }
    }

    fn outcome(&mut self, kind: Kind, s: &BlockSnapshot, call: &CallState) -> R<()> {
        let now = time::now();
        let (outcome, callback_at, meeting) = match kind {
            Kind::Callback => {
                // Some come due while the torture runs, and are called again.
                let secs = if self.rng.random_bool(0.5) {
                    self.rng.random_range(2..30)
                } else {
                    self.rng.random_range(60..7200)
                };
                (
                    Outcome::Callback,
                    Some(now + chrono::Duration::seconds(secs)),
                    None,
                )
            }
            Kind::Meeting => {
                let email = s
                    .card
                    .as_ref()
                    .and_then(|c| c.email.clone())
                    .unwrap_or_else(|| "someone@torture.example".into());
                let meeting = NewMeeting {
                    starts_at: now
                        + chrono::Duration::days(self.rng.random_range(1..10))
                        + chrono::Duration::minutes(self.rng.random_range(0..600)),
                    duration_minutes: [15, 30, 45][self.rng.random_range(0..3)],
                    email,
                    format: ["phone", "web", "in_person"][self.rng.random_range(0..3)].into(),
                };
                (Outcome::Meeting, None, Some(meeting))
            }
            _ => {
                let plain = [
                    Outcome::NoAnswer,
                    Outcome::Voicemail,
                    Outcome::Gatekeeper,
                    Outcome::NotInterested,
                    Outcome::BadNumber,
                    Outcome::DoNotCall,
                ];
                let o = plain[pick(&mut self.rng, &[4.0, 3.0, 2.0, 3.0, 1.0, 1.0])];
                (o, None, None)
            }
        };
        let cb = callback_at.map(time::to_db).unwrap_or_else(|| "-".into());
        let result = CallResult {
            outcome,
            callback_at,
            meeting,
            notes: call.notes.clone(),
            asked_for_meeting: self.rng.random_bool(0.3),
        };
        let words = format!("{kind} {} {} {cb}", call.call_id, outcome.as_str());
        say(&format!("BEGIN {words}"));
        let view = self
            .desk
            .log_outcome(&mut self.store, &result)
            .map_err(|e| format!("{kind}: {e}"))?;
        let ended = matches!(view, BlockView::Idle { .. });
        say(&format!("ACK {words} {}", u8::from(ended)));
        Ok(())
    }

    fn start_block(&mut self, mut themes: Vec<String>) -> R<()> {
        let n = if themes.len() > 1 && self.rng.random_bool(0.3) {
            2
        } else {
            1
        };
        let mut chosen = Vec::new();
        for _ in 0..n {
            chosen.push(themes.remove(self.rng.random_range(0..themes.len())));
        }
        // Short blocks end on their own ("time up") over a few children.
        let minutes = [1, 2, 5, 52][pick(&mut self.rng, &[1.0, 2.0, 2.0, 3.0])];
        say("BEGIN start_block");
        let view = self
            .desk
            .start(&mut self.store, &chosen, Some(minutes), Some(REP_NAME))
            .map_err(err("start block"))?;
        let BlockView::Running { snapshot } = view else {
            return Err("start block: no block running after starting it".into());
        };
        say(&format!("ACK start_block {}", snapshot.block_id));
        Ok(())
    }

    /// A CSV import as the Lists view runs it: the file opened as a draft
    /// (the suggested mapping), a theme named, then the run.
    fn import(&mut self) -> R<()> {
        self.desk.check_list_work().map_err(err("import"))?;
        let again = if self.rng.random_bool(0.2) {
            self.imported_file()?
        } else {
            None
        };
        let (path, key, rows, re) = match again {
            Some(path) => {
                let (key, rows) = data::parse_csv_name(Path::new(&path))
                    .ok_or_else(|| format!("import: {path} is not a torture file"))?;
                (path, key, rows, true)
            }
            None => {
                let key = format!("T{}x{}", self.cfg.run, self.n);
                // Mostly a few hundred rows, sometimes a few thousand.
                let x: f64 = self.rng.random();
                let rows = 200 + (x * x * 2300.0) as u32;
                let path = data::write_csv(&self.cfg.csv_dir, &key, rows)
                    .map_err(err("writing the CSV"))?;
                (path.display().to_string(), key, rows, false)
            }
        };
        let theme = THEMES[self.rng.random_range(0..THEMES.len())];
        say(&format!("BEGIN import {key} {rows} {}", u8::from(re)));
        let draft = api_import::open_draft(self.store.conn(), &path).map_err(err("import"))?;
        let setup = ImportSetup {
            theme: ThemeChoice::Named(theme.to_string()),
            ..draft.setup
        };
        let how = RunOptions {
            dry_run: false,
            on_rejects: OnRejects::ImportValid,
            remember_region: false,
        };
        let report =
            api_import::run(&mut self.store, &setup, how, &mut |_| true).map_err(err("import"))?;
        if !report.committed || report.rejected_count != 0 {
            return Err(format!("import of {path}: {report:?}"));
        }
        if !re && report.imported != rows {
            return Err(format!(
                "import of {path}: {} imported of {rows} rows",
                report.imported
            ));
        }
        say(&format!(
            "ACK import {key} {rows} {} {} {} {}",
            u8::from(re),
            report.import_id.unwrap_or_default(),
            report.imported,
            report.updated
        ));
        Ok(())
    }

    /// A torture CSV imported before, to import again.
    fn imported_file(&mut self) -> R<Option<String>> {
        let mut stmt = self
            .store
            .conn()
            .prepare("SELECT source_file FROM imports WHERE source_file GLOB '*/T*x*-*.csv' ORDER BY rowid")
            .map_err(err("imports"))?;
        let files = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(err("imports"))?;
        if files.is_empty() {
            return Ok(None);
        }
        Ok(Some(files[self.rng.random_range(0..files.len())].clone()))
    }

    /// A bundle imported as the Review view's Team tab does; mostly one not
    /// imported yet.
    fn bundle(&mut self) -> R<()> {
        let fresh: Vec<usize> = (0..self.cfg.bundles.len())
            .filter(|&i| {
                self.store
                    .conn()
                    .query_row(
                        "SELECT 1 FROM calls WHERE id = ?1",
                        [&self.cfg.bundle_probes[i]],
                        |_| Ok(()),
                    )
                    .optional()
                    .ok()
                    .flatten()
                    .is_none()
            })
            .collect();
        let i = if !fresh.is_empty() && self.rng.random_bool(0.7) {
            fresh[self.rng.random_range(0..fresh.len())]
        } else {
            self.rng.random_range(0..self.cfg.bundles.len())
        };
        say(&format!("BEGIN bundle {i}"));
        let reports =
            team::import_bundle_files(&mut self.store, std::slice::from_ref(&self.cfg.bundles[i]))
                .map_err(err("bundle"))?;
        let added: u32 = reports.iter().map(|r| r.calls.added).sum();
        say(&format!("ACK bundle {i} {added}"));
        Ok(())
    }
}

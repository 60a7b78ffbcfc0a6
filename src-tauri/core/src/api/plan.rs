//! The plan, as the Plan view and `callblock plan|schedule` ask for it: the
//! plan from quota to dials to blocks (a preview while the rep types, then
//! saved), this period's progress, the weekly schedule of block and
//! preparation slots, its `.ics` export, the prime-time settings, and the
//! block that is due (with the notification that announces it once). Every
//! rule lives in [`crate::plan`].

use std::collections::HashSet;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::plan::{
    self, DueBlock, HistoryCounts, HourInputs, NewSlot, Period, PlanInputs, PlanProgress,
    PlanRates, PlanResult, RateOverrides, SavedPlan, SavedSlot, SlotSuggestion,
};
use crate::reps::Rep;
use crate::store::Store;
use crate::{files, settings, time};

/// The file name the schedule export starts with.
pub const DEFAULT_ICS_NAME: &str = "callblock-schedule.ics";

/// What the rep enters: the inputs of a plan for the month or quarter that
/// contains today (in the rep's zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanForm {
    pub period: Period,
    pub quota: f64,
    pub deal_size: f64,
    /// Opportunities per win (4 by default).
    pub close_ratio: f64,
    /// Revenue already won in the period (0 for none).
    pub won_to_date: f64,
    /// The value of the opportunities already open (0 for none).
    pub open_pipeline: f64,
    #[serde(default)]
    pub overrides: RateOverrides,
}

impl PlanForm {
    pub fn inputs(&self, today: NaiveDate) -> PlanInputs {
        PlanInputs {
            period: self.period,
            starts_on: self.period.start_containing(today),
            quota: self.quota,
            deal_size: self.deal_size,
            close_ratio: self.close_ratio,
            won_to_date: self.won_to_date,
            open_pipeline: self.open_pipeline,
            overrides: self.overrides.clone(),
        }
    }

    fn from_inputs(i: &PlanInputs) -> PlanForm {
        PlanForm {
            period: i.period,
            quota: i.quota,
            deal_size: i.deal_size,
            close_ratio: i.close_ratio,
            won_to_date: i.won_to_date,
            open_pipeline: i.open_pipeline,
            overrides: i.overrides.clone(),
        }
    }
}

/// The settings the plan and the schedule use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PlanSettings {
    /// Prime time, in minutes after midnight in the rep's zone (540 = 09:00).
    pub prime_time_start_minute: u32,
    pub prime_time_end_minute: u32,
    pub selling_hours_per_year: u32,
    /// For the schedule grid and the suggestions (read-only here).
    pub block_minutes: u32,
    pub break_minutes: u32,
}

impl PlanSettings {
    pub fn of(s: &Settings) -> PlanSettings {
        PlanSettings {
            prime_time_start_minute: s.prime_time_start_minute,
            prime_time_end_minute: s.prime_time_end_minute,
            selling_hours_per_year: s.selling_hours_per_year,
            block_minutes: s.block_minutes,
            break_minutes: s.break_minutes,
        }
    }
}

/// What the Plan view shows when it opens.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PlanOverview {
    /// The rep the plan is for; `None` on a database without a rep yet.
    pub rep: Option<Rep>,
    /// Today in the rep's zone.
    pub today: NaiveDate,
    /// The rep's zone (UTC when the rep has none).
    pub time_zone: String,
    /// The newest plan whose period contains today.
    pub saved: Option<SavedPlan>,
    /// Its form, to fill the fields with.
    pub form: Option<PlanForm>,
    /// This period so far against the saved plan.
    pub progress: Option<PlanProgress>,
    /// The rep's own figures over the last 90 days.
    pub history: HistoryCounts,
    /// The rates a plan uses now without the rep's own: history, benchmark
    /// or assumption (what an empty override field stands for).
    pub rates: PlanRates,
    pub default_close_ratio: f64,
    pub settings: PlanSettings,
}

/// The weekly schedule.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ScheduleView {
    /// Each slot with what the rep should know about it.
    pub slots: Vec<SavedSlot>,
    /// The zone new slots are placed in: the rep's, `None` when the rep has none.
    pub time_zone: Option<String>,
    pub settings: PlanSettings,
    /// Where the export starts: `~/Documents/callblock-schedule.ics`.
    pub default_file: String,
    /// The next block to call (due now, or coming), if any.
    pub next_due: Option<DueBlock>,
}

/// What the export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ScheduleExport {
    pub path: String,
    pub slots: u32,
    pub blocks: u32,
    pub prep: u32,
}

fn no_rep() -> Error {
    Error::invalid(
        "rep",
        "there is no rep in this database yet; start a block in the Block view (it asks your \
         name), or load the demo with `callblock demo`",
    )
}

/// The current rep, or the error that says how to get one.
pub fn require_rep(conn: &Connection) -> Result<Rep> {
    crate::reps::current_rep(conn)?.ok_or_else(no_rep)
}

/// The rep's zone name, `UTC` when there is no rep or zone.
fn zone_name(rep: Option<&Rep>) -> String {
    rep.and_then(|r| r.time_zone.as_deref())
        .and_then(time::parse_tz)
        .map(|tz| tz.name().to_string())
        .unwrap_or_else(|| "UTC".to_string())
}

/// Today in the rep's zone (UTC when there is no rep or zone).
pub fn today_for(rep: Option<&Rep>, now: DateTime<Utc>) -> NaiveDate {
    match rep
        .and_then(|r| r.time_zone.as_deref())
        .and_then(time::parse_tz)
    {
        Some(tz) => now.with_timezone(&tz).date_naive(),
        None => now.date_naive(),
    }
}

/// The rep's history at `now`; all zeros without a rep.
fn history_for(
    conn: &Connection,
    rep: Option<&Rep>,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<HistoryCounts> {
    match rep {
        Some(r) => plan::history_rates(conn, &r.id, now, settings),
        None => Ok(HistoryCounts::default()),
    }
}

/// The rep's preparation slots and meeting length at `now`; none without a rep.
fn hours_for(conn: &Connection, rep: Option<&Rep>, now: DateTime<Utc>) -> Result<HourInputs> {
    match rep {
        Some(r) => plan::hour_inputs(conn, &r.id, now),
        None => Ok(HourInputs::none()),
    }
}

/// The plan of `form` for the current rep at `now` (benchmarks without a rep).
pub fn preview(conn: &Connection, form: &PlanForm, now: DateTime<Utc>) -> Result<PlanResult> {
    let settings = settings::load(conn)?;
    let rep = crate::reps::current_rep(conn)?;
    let history = history_for(conn, rep.as_ref(), now, &settings)?;
    let time = hours_for(conn, rep.as_ref(), now)?;
    plan::compute_plan(
        &form.inputs(today_for(rep.as_ref(), now)),
        &history,
        &time,
        &settings,
    )
}

/// The dials an hour a block needs to keep the plan: the saved plan's
/// dials per block (else the rates a plan would use: the rep's history or
/// the benchmark) over the block's length; with the words of its basis.
pub fn block_pace(conn: &Connection, now: DateTime<Utc>) -> Result<BlockPace> {
    let settings = settings::load(conn)?;
    let rep = crate::reps::current_rep(conn)?;
    let today = today_for(rep.as_ref(), now);
    let history = history_for(conn, rep.as_ref(), now, &settings)?;
    let saved = match &rep {
        Some(r) => plan::current_plan(conn, &r.id, today)?,
        None => None,
    };
    let (rate, from_plan) = match &saved {
        Some(p) => {
            let time = hours_for(conn, rep.as_ref(), now)?;
            let result = plan::compute_plan(&p.inputs, &history, &time, &settings)?;
            (result.rates.dials_per_block, true)
        }
        None => (
            plan::choose_rates(&RateOverrides::default(), &history, &settings).dials_per_block,
            false,
        ),
    };
    let minutes = f64::from(settings.block_minutes.max(1));
    Ok(BlockPace {
        dials_per_hour: rate.value * 60.0 / minutes,
        basis: format!(
            "{}: {:.0} dials a {}-minute block ({})",
            if from_plan {
                "your plan"
            } else {
                "no plan saved"
            },
            rate.value,
            settings.block_minutes,
            rate.basis
        ),
    })
}

/// The pace a block needs ([`block_pace`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockPace {
    pub dials_per_hour: f64,
    pub basis: String,
}

/// The Plan view's state at `now`.
pub fn overview(conn: &Connection, now: DateTime<Utc>) -> Result<PlanOverview> {
    let settings = settings::load(conn)?;
    let rep = crate::reps::current_rep(conn)?;
    let today = today_for(rep.as_ref(), now);
    let history = history_for(conn, rep.as_ref(), now, &settings)?;
    let saved = match &rep {
        Some(r) => plan::current_plan(conn, &r.id, today)?,
        None => None,
    };
    let progress = match &saved {
        Some(p) => Some(plan::progress(conn, p, now, &settings)?),
        None => None,
    };
    Ok(PlanOverview {
        time_zone: zone_name(rep.as_ref()),
        today,
        form: saved.as_ref().map(|p| PlanForm::from_inputs(&p.inputs)),
        rates: plan::choose_rates(&RateOverrides::default(), &history, &settings),
        history,
        saved,
        progress,
        rep,
        default_close_ratio: plan::DEFAULT_CLOSE_RATIO,
        settings: PlanSettings::of(&settings),
    })
}

/// Save `form` as the current rep's plan for the period containing today.
pub fn save(store: &mut Store, form: &PlanForm, now: DateTime<Utc>) -> Result<SavedPlan> {
    store.write(|tx| {
        let rep = require_rep(tx)?;
        let inputs = form.inputs(today_for(Some(&rep), now));
        plan::save_plan(tx, &rep.id, &inputs)
    })
}

/// The current rep's schedule at `now`.
pub fn schedule(conn: &Connection, now: DateTime<Utc>) -> Result<ScheduleView> {
    let settings = settings::load(conn)?;
    let rep = crate::reps::current_rep(conn)?;
    let (slots, next_due) = match &rep {
        Some(r) => {
            let slots = plan::slots(conn, &r.id)?
                .into_iter()
                .map(|slot| {
                    let warnings = plan::slot_warnings(&plan::schedule::as_new(&slot), &settings);
                    SavedSlot { slot, warnings }
                })
                .collect();
            (slots, plan::next_due_block(conn, &r.id, now)?)
        }
        None => (Vec::new(), None),
    };
    Ok(ScheduleView {
        slots,
        time_zone: rep
            .and_then(|r| r.time_zone)
            .filter(|z| time::parse_tz(z).is_some()),
        settings: PlanSettings::of(&settings),
        default_file: default_ics_file().display().to_string(),
        next_due,
    })
}

/// Add slots for the current rep, all or none (one user action).
pub fn add_slots(store: &mut Store, slots: &[NewSlot]) -> Result<Vec<SavedSlot>> {
    let settings = settings::load(store.conn())?;
    store.write(|tx| {
        let rep = require_rep(tx)?;
        slots
            .iter()
            .map(|s| plan::add_slot(tx, &rep.id, s, &settings))
            .collect()
    })
}

/// Block slots for `blocks_per_week` in prime time, around the rep's slots.
pub fn suggest(conn: &Connection, blocks_per_week: u32, time_zone: &str) -> Result<SlotSuggestion> {
    let settings = settings::load(conn)?;
    let rep = require_rep(conn)?;
    let existing = plan::slots(conn, &rep.id)?;
    plan::suggest_block_slots(blocks_per_week, time_zone, &existing, &settings)
}

/// Change the prime time and the selling hours, validated with the other settings.
pub fn save_settings(conn: &Connection, p: &PlanSettings) -> Result<Settings> {
    let mut s = settings::load(conn)?;
    s.prime_time_start_minute = p.prime_time_start_minute;
    s.prime_time_end_minute = p.prime_time_end_minute;
    s.selling_hours_per_year = p.selling_hours_per_year;
    settings::save(conn, &s)?;
    Ok(s)
}

/// `~/Documents/callblock-schedule.ics`, or the home folder when there is no
/// Documents folder.
pub fn default_ics_file() -> PathBuf {
    files::default_file(DEFAULT_ICS_NAME)
}

/// The path typed in the export field: `~` is the home folder; it must be absolute.
pub fn typed_ics_path(text: &str) -> Result<PathBuf> {
    files::typed_path_of(text, "calendar file", DEFAULT_ICS_NAME)
}

/// Write the current rep's schedule to `path` as iCalendar. An existing file
/// is replaced only with `replace`.
pub fn export_ics(
    conn: &Connection,
    path: &Path,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<ScheduleExport> {
    let rep = require_rep(conn)?;
    let slots = plan::slots(conn, &rep.id)?;
    if slots.is_empty() {
        return Err(Error::invalid(
            "schedule",
            "there are no slots to export yet; add block or preparation slots to the week first",
        ));
    }
    files::check_output_file(path, replace, DEFAULT_ICS_NAME)?;
    let text = plan::ics::schedule_ics(conn, &rep.id, now)?;
    files::write_file(path, replace, DEFAULT_ICS_NAME, |w| {
        w.write_all(text.as_bytes()).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let blocks = slots
        .iter()
        .filter(|s| s.kind == plan::SlotKind::Block)
        .count() as u32;
    Ok(ScheduleExport {
        path: path.display().to_string(),
        slots: slots.len() as u32,
        blocks,
        prep: slots.len() as u32 - blocks,
    })
}

/// Save `form` as the current rep's plan, then the view's new state.
pub fn save_and_overview(
    store: &mut Store,
    form: &PlanForm,
    now: DateTime<Utc>,
) -> Result<PlanOverview> {
    save(store, form, now)?;
    overview(store.conn(), now)
}

/// Change one slot; it comes back with its warnings.
pub fn update_slot(store: &mut Store, id: &str, slot: &NewSlot) -> Result<SavedSlot> {
    let settings = settings::load(store.conn())?;
    store.write(|tx| plan::update_slot(tx, id, slot, &settings))
}

/// Add one slot (see [`add_slots`]).
pub fn add_slot(store: &mut Store, slot: &NewSlot) -> Result<SavedSlot> {
    add_slots(store, std::slice::from_ref(slot))?
        .pop()
        .ok_or_else(|| Error::Conflict("the slot was not saved".into()))
}

/// Change the prime time and the selling hours in one transaction.
pub fn save_plan_settings(store: &mut Store, p: &PlanSettings) -> Result<PlanSettings> {
    store.write(|tx| save_settings(tx, p).map(|saved| PlanSettings::of(&saved)))
}

/// The next scheduled block of the current rep with no block started for it
/// (due now, or coming); `None` without a rep.
pub fn next_due_block(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DueBlock>> {
    match crate::reps::current_rep(conn)? {
        Some(rep) => plan::next_due_block(conn, &rep.id, now),
        None => Ok(None),
    }
}

// -- The due-block notification ---------------------------------------------------

/// The notification for `due`, once per occurrence: `None` when nothing is
/// due, a block is running, or this occurrence was announced already.
pub fn due_notification(
    due: Option<&DueBlock>,
    block_running: bool,
    announced: &mut HashSet<String>,
) -> Option<(String, String)> {
    let due = due.filter(|d| d.due_now)?;
    if block_running {
        return None;
    }
    let o = &due.occurrence;
    let key = format!("{}@{}", o.slot_id, time::to_db(o.starts_at));
    if !announced.insert(key) {
        return None;
    }
    let theme = o
        .theme_name
        .as_deref()
        .map(|t| format!(" on {t}"))
        .unwrap_or_default();
    Some((
        format!("Your {} block is due", o.local_start),
        format!("Your scheduled block{theme} is due now. Open Callblock's Block view to start it."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{SlotKind, SlotOccurrence};
    use chrono::TimeZone;

    fn demo_store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        crate::demo::fill(&mut store, 52, time::now()).unwrap();
        store
    }

    fn form(quota: f64, deal: f64) -> PlanForm {
        PlanForm {
            period: Period::Month,
            quota,
            deal_size: deal,
            close_ratio: 4.0,
            won_to_date: 0.0,
            open_pipeline: 0.0,
            overrides: RateOverrides::default(),
        }
    }

    #[test]
    fn a_saved_plan_comes_back_with_its_progress() {
        let mut store = demo_store();
        let now = time::now();
        let before = overview(store.conn(), now).unwrap();
        assert!(before.saved.is_none() && before.progress.is_none());
        assert_eq!(before.rep.as_ref().unwrap().name, "Alex Rivera");
        assert_eq!(before.time_zone, "America/Chicago");
        assert!(before.history.dials > 0);

        let f = form(120_000.0, 15_000.0);
        let shown = preview(store.conn(), &f, now).unwrap();
        save(&mut store, &f, now).unwrap();
        let after = overview(store.conn(), now).unwrap();
        assert_eq!(after.form.as_ref(), Some(&f));
        let progress = after.progress.unwrap();
        assert_eq!(progress.plan.wins, 8);
        assert_eq!(progress.plan.dials, shown.dials);
        assert_eq!(
            progress.plan.starts_on,
            f.period.start_containing(after.today)
        );
    }

    #[test]
    fn without_a_rep_the_preview_uses_benchmarks_and_saving_says_what_to_do() {
        let mut store = Store::open_in_memory().unwrap();
        let p = preview(store.conn(), &form(60_000.0, 15_000.0), time::now()).unwrap();
        assert_eq!(p.rates.dial_to_connect.source, plan::RateSource::Benchmark);
        let e = save(&mut store, &form(60_000.0, 15_000.0), time::now()).unwrap_err();
        assert!(e.to_string().contains("no rep in this database"), "{e}");
        let bad = preview(store.conn(), &form(60_000.0, 0.0), time::now()).unwrap_err();
        assert_eq!(bad.to_string(), "deal size: must be more than 0; got 0");
    }

    #[test]
    fn the_schedule_exports_to_a_file_and_refuses_to_replace_one() {
        let mut store = demo_store();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("week.ics");
        let now = time::now();
        let e = export_ics(store.conn(), &path, false, now).unwrap_err();
        assert!(e.to_string().contains("no slots to export"), "{e}");
        let slot = NewSlot {
            kind: SlotKind::Block,
            weekday: 1,
            start_minute: 540,
            minutes: 52,
            time_zone: "America/Chicago".into(),
            theme_id: None,
        };
        let saved = add_slots(&mut store, std::slice::from_ref(&slot)).unwrap();
        assert!(saved[0].warnings.is_empty(), "{:?}", saved[0].warnings);
        let out = export_ics(store.conn(), &path, false, now).unwrap();
        assert_eq!((out.slots, out.blocks, out.prep), (1, 1, 0));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.contains("RRULE:FREQ=WEEKLY"));
        let e = export_ics(store.conn(), &path, false, now).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        export_ics(store.conn(), &path, true, now).unwrap();
        let e = export_ics(store.conn(), dir.path(), true, now).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        // Overlapping slots of one action: none is saved.
        let before = schedule(store.conn(), now).unwrap().slots.len();
        let prep = NewSlot {
            kind: SlotKind::Prep,
            weekday: 2,
            start_minute: 14 * 60,
            minutes: 60,
            ..slot.clone()
        };
        assert!(add_slots(&mut store, &[prep, slot]).is_err());
        assert_eq!(schedule(store.conn(), now).unwrap().slots.len(), before);
    }

    #[test]
    fn prime_time_is_validated_with_the_other_settings() {
        let store = Store::open_in_memory().unwrap();
        let mut p = PlanSettings::of(&Settings::default());
        p.prime_time_start_minute = 600;
        p.prime_time_end_minute = 630; // shorter than a 52-minute block
        let e = save_settings(store.conn(), &p).unwrap_err();
        assert!(
            e.to_string().contains("at least as long as one block"),
            "{e}"
        );
        p.prime_time_end_minute = 780;
        let s = save_settings(store.conn(), &p).unwrap();
        assert_eq!(
            (s.prime_time_start_minute, s.prime_time_end_minute),
            (600, 780)
        );
        assert_eq!(settings::load(store.conn()).unwrap(), s);
    }

    #[test]
    fn typed_paths_expand_the_home_folder() {
        let home = files::home_dir().unwrap();
        assert_eq!(typed_ics_path("~/x.ics").unwrap(), home.join("x.ics"));
        assert!(typed_ics_path("x.ics")
            .unwrap_err()
            .to_string()
            .contains("not a full path"));
        assert!(typed_ics_path("  ").is_err());
    }

    #[test]
    fn a_due_block_is_announced_once_and_not_while_a_block_runs() {
        let at = Utc.with_ymd_and_hms(2026, 11, 17, 15, 0, 0).unwrap();
        let due = |due_now: bool, starts_at: DateTime<Utc>| DueBlock {
            occurrence: SlotOccurrence {
                slot_id: "s1".into(),
                kind: SlotKind::Block,
                theme_id: Some("t".into()),
                theme_name: Some("Logistics & freight".into()),
                starts_at,
                ends_at: starts_at + chrono::Duration::minutes(52),
                local_date: starts_at.date_naive(),
                local_start: "09:00".into(),
                time_zone: "America/Chicago".into(),
            },
            due_now,
            minutes_until: 0,
        };
        let mut seen = HashSet::new();
        assert_eq!(due_notification(None, false, &mut seen), None);
        assert_eq!(
            due_notification(Some(&due(false, at)), false, &mut seen),
            None
        );
        assert_eq!(
            due_notification(Some(&due(true, at)), true, &mut seen),
            None
        );
        let (title, body) = due_notification(Some(&due(true, at)), false, &mut seen).unwrap();
        assert_eq!(title, "Your 09:00 block is due");
        assert!(body.contains("on Logistics & freight is due now"), "{body}");
        assert_eq!(
            due_notification(Some(&due(true, at)), false, &mut seen),
            None
        );
        // Next week's occurrence of the same slot is announced again.
        let next = at + chrono::Duration::days(7);
        assert!(due_notification(Some(&due(true, next)), false, &mut seen).is_some());
    }
}

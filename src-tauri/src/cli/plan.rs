//! `callblock plan` and `callblock schedule list|export`: the current rep's
//! plan from quota to blocks a week (with this period's progress), and the
//! weekly schedule.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use callblock_core::api::plan::{self as plan_api, PlanForm};
use callblock_core::plan::{
    self, Activity, HourSplit, Period, PlanProgress, PlanResult, RateSource,
};

use super::output::{file_error, print_json, share, thousands};
use super::{open, open_to_read};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodArg {
    Month,
    Quarter,
}

impl From<PeriodArg> for Period {
    fn from(p: PeriodArg) -> Period {
        match p {
            PeriodArg::Month => Period::Month,
            PeriodArg::Quarter => Period::Quarter,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The quota for the period, in money (120000, 120,000 or 120k)
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub quota: Option<f64>,
    /// The average deal size, in the same money
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub deal_size: Option<f64>,
    /// Opportunities per win (4 means one win in four opportunities) [default: 4]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub close_ratio: Option<f64>,
    /// Revenue already won this period, in the same money [default: 0]
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub won_to_date: Option<f64>,
    /// The value of the opportunities already open; they close at the close ratio [default: 0]
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub open_pipeline: Option<f64>,
    /// The period the quota is for (the one that contains today) [default: month]
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// Your own share of dials that connect (0-1; 0.08 is 8 %)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_connect: Option<f64>,
    /// Your own share of connects that become conversations (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_conversation: Option<f64>,
    /// Your own share of conversations that book a meeting (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_meeting: Option<f64>,
    /// Your own share of meetings that become opportunities (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_opportunity: Option<f64>,
    /// Your own dials in one block
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub dials_per_block: Option<f64>,
    /// Save the plan as the current rep's plan for this period
    #[arg(long)]
    pub save: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Show the weekly slots
    List {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Write the weekly slots to an iCalendar (.ics) file for your calendar
    Export {
        /// The file to write
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
}

/// An amount of money: digits with optional thousands separators (`,` `_`),
/// an optional currency sign in front, and an optional `k` or `m` after.
fn parse_amount(text: &str) -> Result<f64, String> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let t = t.trim_start_matches(['$', '€', '£']);
    let (digits, factor) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        _ => (t, 1.0),
    };
    let v: f64 = digits.parse().map_err(|_| {
        format!(
            "{} is not an amount (for example 120000, 120,000 or 120k)",
            callblock_core::quote::quoted(text)
        )
    })?;
    if !v.is_finite() {
        return Err(format!(
            "{} is not an amount",
            callblock_core::quote::quoted(text)
        ));
    }
    Ok(if neg { -v * factor } else { v * factor })
}

pub enum PlanError {
    /// A usage error: exit 2 with the usage.
    Usage(String),
    /// Refused or failed: exit 1.
    Failed(String),
}

impl From<String> for PlanError {
    fn from(m: String) -> Self {
        PlanError::Failed(m)
    }
}

impl From<callblock_core::Error> for PlanError {
    fn from(e: callblock_core::Error) -> Self {
        PlanError::Failed(e.to_string())
    }
}

/// What `plan --json` prints: the plan's figures at the top level, the rep,
/// whether it is the saved plan, and the period's progress when it is.
#[derive(serde::Serialize)]
struct PlanJson {
    rep: String,
    #[serde(flatten)]
    plan: PlanResult,
    /// The saved plan shown (or just saved); `None` for a plan not saved.
    saved_plan_id: Option<String>,
    progress: Option<ProgressJson>,
}

#[derive(serde::Serialize)]
struct ProgressJson {
    as_of: String,
    elapsed_working_days: u32,
    remaining_working_days: u32,
    stages: Vec<plan::ProgressStage>,
    blocks_started: u32,
    blocks_completed: u32,
    meetings_behind: i32,
    extra_blocks_this_week: u32,
    scheduled_blocks_past: u32,
    missed_blocks: u32,
    this_week: plan::WeekSoFar,
    summary: String,
}

impl From<PlanProgress> for ProgressJson {
    fn from(p: PlanProgress) -> Self {
        ProgressJson {
            as_of: callblock_core::time::to_db(p.as_of),
            elapsed_working_days: p.elapsed_working_days,
            remaining_working_days: p.remaining_working_days,
            stages: p.stages,
            blocks_started: p.blocks_started,
            blocks_completed: p.blocks_completed,
            meetings_behind: p.meetings_behind,
            extra_blocks_this_week: p.extra_blocks_this_week,
            scheduled_blocks_past: p.scheduled_blocks_past,
            missed_blocks: p.missed_blocks.len() as u32,
            this_week: p.this_week,
            summary: p.summary,
        }
    }
}

pub fn run_plan(path: &Path, a: &PlanArgs) -> Result<(), PlanError> {
    // Only --save writes.
    let mut store = if a.save {
        open(path)?
    } else {
        open_to_read(path)?
    };
    let now = callblock_core::time::now();
    let rep = plan_api::require_rep(store.conn())?;
    let today = plan_api::today_for(Some(&rep), now);
    let saved = plan::current_plan(store.conn(), &rep.id, today)?;
    let base = saved.as_ref().map(|p| &p.inputs);
    let (quota, deal_size) = match (
        a.quota.or(base.map(|b| b.quota)),
        a.deal_size.or(base.map(|b| b.deal_size)),
    ) {
        (Some(q), Some(d)) => (q, d),
        _ => {
            return Err(PlanError::Usage(format!(
                "{} has no plan for this period yet: pass --quota AMOUNT and --deal-size AMOUNT",
                rep.name
            )))
        }
    };
    let mut overrides = base.map(|b| b.overrides.clone()).unwrap_or_default();
    for (flag, slot) in [
        (a.rate_connect, &mut overrides.dial_to_connect),
        (a.rate_conversation, &mut overrides.connect_to_conversation),
        (a.rate_meeting, &mut overrides.conversation_to_meeting),
        (a.rate_opportunity, &mut overrides.meeting_to_opportunity),
        (a.dials_per_block, &mut overrides.dials_per_block),
    ] {
        if flag.is_some() {
            *slot = flag;
        }
    }
    let form = PlanForm {
        period: a
            .period
            .map(Period::from)
            .or(base.map(|b| b.period))
            .unwrap_or(Period::Month),
        quota,
        deal_size,
        close_ratio: a
            .close_ratio
            .or(base.map(|b| b.close_ratio))
            .unwrap_or(plan::DEFAULT_CLOSE_RATIO),
        won_to_date: a.won_to_date.or(base.map(|b| b.won_to_date)).unwrap_or(0.0),
        open_pipeline: a
            .open_pipeline
            .or(base.map(|b| b.open_pipeline))
            .unwrap_or(0.0),
        overrides,
    };
    let result = plan_api::preview(store.conn(), &form, now).map_err(|e| {
        // Name the flag that set a rate, not the core's field.
        let mut m = e.to_string();
        for (field, flag) in [
            ("rate dial_to_connect", "--rate-connect"),
            ("rate connect_to_conversation", "--rate-conversation"),
            ("rate conversation_to_meeting", "--rate-meeting"),
            ("rate meeting_to_opportunity", "--rate-opportunity"),
            ("dials per block", "--dials-per-block"),
            ("wins to date", "--won-to-date"),
            ("open pipeline", "--open-pipeline"),
        ] {
            if let Some(rest) = m.strip_prefix(field) {
                m = format!("{flag}{rest}");
            }
        }
        PlanError::Failed(m)
    })?;
    let shown = if a.save {
        Some(plan_api::save(&mut store, &form, now)?)
    } else {
        saved.filter(|p| p.inputs == form.inputs(today))
    };
    let settings = callblock_core::settings::load(store.conn())?;
    let progress = match &shown {
        Some(p) => Some(plan::progress(store.conn(), p, now, &settings)?),
        None => None,
    };
    if a.json {
        return Ok(print_json(&PlanJson {
            rep: rep.name,
            plan: result,
            saved_plan_id: shown.map(|p| p.id),
            progress: progress.map(ProgressJson::from),
        })?);
    }
    print_plan(&rep.name, &result, progress.as_ref(), a.save);
    Ok(())
}

fn print_plan(rep: &str, p: &PlanResult, progress: Option<&PlanProgress>, just_saved: bool) {
    say!(
        "Plan for {rep}: the {} of {} to {} ({} working days){}",
        p.period.as_str(),
        p.starts_on,
        p.ends_on,
        p.working_days,
        if just_saved { ", saved" } else { "" }
    );
    say!(
        "Quota {} at {} a deal, {}:1 close ratio.",
        thousands(p.quota),
        thousands(p.deal_size),
        p.close_ratio
    );
    say!("{}", p.cover.summary);
    say!();
    if !p.cover.covered {
        print_needed(p);
        say!();
        say!(
            "{} blocks a week of {} minutes = {:.1} calling hours, {} of your {:.0} selling hours a week.",
            p.blocks_per_week,
            p.block_minutes,
            p.block_hours_per_week,
            share(p.selling_hours_share),
            p.selling_hours_per_week
        );
        say!();
    }
    print_hours(&p.hours);
    say!();
    print_rates(p);
    say!();
    for note in &p.notes {
        say!("- {note}");
    }
    if let Some(pr) = progress {
        say!();
        print_progress(p, pr);
    }
}

/// What the plan needs, in the period, a week and a working day.
fn print_needed(p: &PlanResult) {
    say!(
        "{:<15} {:>10} {:>10} {:>13}",
        "NEEDED",
        "PERIOD",
        "PER WEEK",
        "PER WORK DAY"
    );
    let rows = [
        ("Wins", p.wins, p.per_week.wins, p.per_working_day.wins),
        (
            "Opportunities",
            p.opportunities,
            p.per_week.opportunities,
            p.per_working_day.opportunities,
        ),
        (
            "Meetings",
            p.meetings,
            p.per_week.meetings,
            p.per_working_day.meetings,
        ),
        (
            "Conversations",
            p.conversations,
            p.per_week.conversations,
            p.per_working_day.conversations,
        ),
        (
            "Connects",
            p.connects,
            p.per_week.connects,
            p.per_working_day.connects,
        ),
        ("Dials", p.dials, p.per_week.dials, p.per_working_day.dials),
        ("Blocks", p.blocks, p.blocks_per_week, p.blocks_per_day),
    ];
    for (label, total, week, day) in rows {
        say!(
            "{label:<15} {:>10} {:>10} {:>13}",
            thousands(f64::from(total)),
            thousands(f64::from(week)),
            thousands(f64::from(day))
        );
    }
}

/// The selling hours split across the rep's work, a week and a year.
fn print_hours(h: &HourSplit) {
    say!(
        "Selling hours: {} a year = {:.0} a week over {:.0} weeks.",
        thousands(h.selling_hours_per_year),
        h.selling_hours_per_week,
        h.weeks_per_year
    );
    say!(
        "  {:<13} {:>8} {:>8} {:>6}  {}",
        "ACTIVITY",
        "PER WEEK",
        "PER YEAR",
        "SHARE",
        "COUNTED AS"
    );
    for a in &h.activities {
        say!(
            "  {:<13} {:>8.1} {:>8} {:>6}  {}",
            activity_word(a.activity),
            a.hours_per_week,
            thousands(a.hours_per_year),
            share(a.share),
            a.basis
        );
    }
}

fn activity_word(a: Activity) -> &'static str {
    match a {
        Activity::Prospecting => "Prospecting",
        Activity::Prep => "Preparation",
        Activity::Meetings => "Meetings",
        Activity::Other => "Other work",
    }
}

/// The rates the plan uses, each with where it comes from.
fn print_rates(p: &PlanResult) {
    say!("Rates:");
    let r = &p.rates;
    for (label, rate) in [
        ("Dials that connect", &r.dial_to_connect),
        ("Connects -> conversations", &r.connect_to_conversation),
        ("Conversations -> meetings", &r.conversation_to_meeting),
        ("Meetings -> opportunities", &r.meeting_to_opportunity),
    ] {
        say!(
            "  {label:<26} {:>7}  {:<10} {}",
            share(rate.value),
            source_word(rate.source),
            rate.basis
        );
    }
    say!(
        "  {:<26} {:>7.1}  {:<10} {}",
        "Dials per block",
        r.dials_per_block.value,
        source_word(r.dials_per_block.source),
        r.dials_per_block.basis
    );
}

/// This period so far against the plan.
fn print_progress(p: &PlanResult, pr: &PlanProgress) {
    say!(
        "Progress ({} of {} working days done): {}",
        pr.elapsed_working_days,
        p.working_days,
        pr.summary
    );
    for st in &pr.stages {
        say!(
            "  {:<15} {:>7} of {:>7}, {:>7} expected by now",
            st.stage,
            thousands(f64::from(st.actual)),
            thousands(f64::from(st.target)),
            thousands(f64::from(st.expected_by_now))
        );
    }
    let w = &pr.this_week;
    say!(
        "  This week (from {}): {} dials, {} meetings, {} blocks of {} a week.",
        w.starts_on,
        thousands(f64::from(w.dials)),
        w.meetings,
        w.blocks_started,
        p.blocks_per_week
    );
}

fn source_word(s: RateSource) -> &'static str {
    match s {
        RateSource::History => "history",
        RateSource::Benchmark => "benchmark",
        RateSource::Assumption => "assumption",
        RateSource::User => "yours",
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

pub fn run_schedule_list(path: &Path, json: bool) -> Result<(), String> {
    let store = open_to_read(path)?;
    let rep = plan_api::require_rep(store.conn()).map_err(|e| e.to_string())?;
    let view =
        plan_api::schedule(store.conn(), callblock_core::time::now()).map_err(|e| e.to_string())?;
    if json {
        return print_json(&view.slots);
    }
    if view.slots.is_empty() {
        say!(
            "{} has no slots in the week yet. Add them in the Plan view.",
            rep.name
        );
        return Ok(());
    }
    for s in &view.slots {
        let slot = &s.slot;
        say!(
            "{} {}-{}  {:<5}  {}  {}",
            WEEKDAYS[usize::from(slot.weekday.min(6))],
            plan::hhmm(slot.start_minute),
            plan::hhmm(slot.start_minute + slot.minutes),
            slot.kind.as_str(),
            slot.time_zone,
            slot.theme_name.as_deref().unwrap_or("-")
        );
        for w in &s.warnings {
            say!("    warning: {w}");
        }
    }
    Ok(())
}

pub fn run_schedule_export(
    path: &Path,
    file: &Path,
    force: bool,
    json: bool,
) -> Result<(), String> {
    let store = open_to_read(path)?;
    let out = plan_api::export_ics(store.conn(), file, force, callblock_core::time::now())
        .map_err(file_error)?;
    if json {
        return print_json(&out);
    }
    say!(
        "Schedule exported to {}: {} block {}, {} preparation {}.",
        out.path,
        out.blocks,
        if out.blocks == 1 { "slot" } else { "slots" },
        out.prep,
        if out.prep == 1 { "slot" } else { "slots" }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_take_separators_signs_and_suffixes() {
        assert_eq!(parse_amount("120000"), Ok(120_000.0));
        assert_eq!(parse_amount("120,000"), Ok(120_000.0));
        assert_eq!(parse_amount("$120_000.50"), Ok(120_000.5));
        assert_eq!(parse_amount("120k"), Ok(120_000.0));
        assert_eq!(parse_amount("1.5M"), Ok(1_500_000.0));
        assert_eq!(parse_amount("-5"), Ok(-5.0));
        assert!(parse_amount("lots").is_err());
        assert!(parse_amount("").is_err());
        assert!(parse_amount("inf").is_err());
    }
}

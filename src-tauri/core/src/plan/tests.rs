use super::*;
use crate::domain::{Settings, ThemeKind};
use crate::store::Store;
use crate::time;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
}

fn rates(m2o: f64, c2m: f64, k2c: f64, d2k: f64, dpb: f64) -> RateOverrides {
    RateOverrides {
        meeting_to_opportunity: Some(m2o),
        conversation_to_meeting: Some(c2m),
        connect_to_conversation: Some(k2c),
        dial_to_connect: Some(d2k),
        dials_per_block: Some(dpb),
    }
}

fn november(quota: f64, deal: f64, close: f64, overrides: RateOverrides) -> PlanInputs {
    PlanInputs {
        period: Period::Month,
        starts_on: d(2026, 11, 1),
        quota,
        deal_size: deal,
        close_ratio: close,
        won_to_date: 0.0,
        open_pipeline: 0.0,
        overrides,
    }
}

#[test]
fn periods_and_working_days() {
    assert_eq!(
        Period::Month.start_containing(d(2026, 11, 19)),
        d(2026, 11, 1)
    );
    assert_eq!(
        Period::Quarter.start_containing(d(2026, 11, 19)),
        d(2026, 10, 1)
    );
    assert_eq!(
        Period::Quarter.start_containing(d(2026, 3, 31)),
        d(2026, 1, 1)
    );
    assert_eq!(Period::Month.last_day(d(2026, 11, 1)), d(2026, 11, 30));
    assert_eq!(Period::Month.last_day(d(2028, 2, 1)), d(2028, 2, 29));
    assert_eq!(Period::Quarter.last_day(d(2026, 10, 1)), d(2026, 12, 31));
    // November 2026 starts on a Sunday: 2-6, 9-13, 16-20, 23-27, 30.
    let s = Settings::default();
    assert_eq!(working_days(d(2026, 11, 1), d(2026, 11, 30), &s), 21);
    assert_eq!(working_days(d(2026, 10, 1), d(2026, 12, 31), &s), 66);
    assert_eq!(working_days(d(2026, 11, 7), d(2026, 11, 8), &s), 0);
    // A rep who calls Tuesday to Saturday: November has 4 Tuesdays and 4
    // Saturdays, and the weekend of the 7th has a calling day.
    let tue_sat = Settings {
        calling_days: vec![1, 2, 3, 4, 5],
        ..Settings::default()
    };
    assert_eq!(working_days(d(2026, 11, 1), d(2026, 11, 30), &tue_sat), 20);
    assert_eq!(working_days(d(2026, 11, 7), d(2026, 11, 8), &tue_sat), 1);
    assert_eq!(Period::parse(" Quarter ").unwrap(), Period::Quarter);
    assert!(Period::parse("year")
        .unwrap_err()
        .to_string()
        .contains("month, quarter"));
}

/// A hand-computed plan: 60,000 at 15,000 a deal, 4:1, with set rates.
#[test]
fn the_arithmetic_matches_a_hand_computed_plan() {
    let s = Settings::default();
    let p = compute_plan(
        &november(60_000.0, 15_000.0, 4.0, rates(0.5, 0.25, 0.5, 0.1, 26.0)),
        &HistoryCounts::default(),
        &HourInputs::none(),
        &s,
    )
    .unwrap();
    // 4 wins, 16 opportunities, 32 meetings, 128 conversations, 256 connects, 2,560 dials.
    assert_eq!(
        (
            p.wins,
            p.opportunities,
            p.meetings,
            p.conversations,
            p.connects,
            p.dials
        ),
        (4, 16, 32, 128, 256, 2560)
    );
    // 2,560 / 26 = 98.5 -> 99 blocks; 21 working days = 4.2 weeks.
    assert_eq!(p.blocks, 99);
    assert_eq!(p.working_days, 21);
    assert!((p.weeks - 4.2).abs() < 1e-12);
    // 99 / 4.2 = 23.6 -> 24 a week; 99 / 21 = 4.7 -> 5 a day.
    assert_eq!((p.blocks_per_week, p.blocks_per_day), (24, 5));
    assert_eq!(
        p.per_week,
        StageCounts {
            wins: 1,
            opportunities: 4,
            meetings: 8,
            conversations: 31,
            connects: 61,
            dials: 610,
        }
    );
    assert_eq!(p.per_working_day.meetings, 2);
    assert_eq!(p.per_working_day.dials, 122);
    // 24 blocks x 52 minutes = 20.8 hours of the 40 selling hours in a week.
    assert!((p.block_hours_per_week - 20.8).abs() < 1e-9);
    assert!((p.selling_hours_per_week - 40.0).abs() < 1e-9);
    assert!((p.selling_hours_share - 0.52).abs() < 1e-9);
    assert!((p.meetings_per_block - 0.325).abs() < 1e-12);
    assert_eq!(p.rates.dial_to_connect.source, RateSource::User);
    assert!(p.notes[0].contains("rounds up"));
}

#[test]
fn a_rep_who_calls_four_days_a_week_gets_a_plan_over_them() {
    // The same quota for a rep who calls Monday to Thursday: November 2026
    // has 17 of those days, 4.25 weeks of four.
    let s = Settings {
        calling_days: vec![0, 1, 2, 3],
        ..Settings::default()
    };
    let p = plan_with(
        &november(60_000.0, 15_000.0, 4.0, rates(0.5, 0.25, 0.5, 0.1, 26.0)),
        &s,
    );
    assert_eq!((p.blocks, p.working_days), (99, 17));
    assert!((p.weeks - 4.25).abs() < 1e-12);
    // 99 / 4.25 = 23.3 -> 24 a week; 99 / 17 = 5.8 -> 6 a day.
    assert_eq!((p.blocks_per_week, p.blocks_per_day), (24, 6));
    // Four days of 8 selling hours.
    assert!((p.selling_hours_per_week - 32.0).abs() < 1e-9);
    // No calling day at all is refused in words.
    let none = Settings {
        calling_days: vec![],
        ..Settings::default()
    };
    let e = none.validate().unwrap_err().to_string();
    assert!(e.contains("at least one day"), "{e}");
}

#[test]
fn every_step_rounds_up_but_exact_divisions_stay_exact() {
    let s = Settings::default();
    // 10,001 / 10,000 = 1.0001 wins -> 2; 2 x 1.5 = 3 opportunities; 3 / 0.4 = 7.5 -> 8.
    let p = compute_plan(
        &november(10_001.0, 10_000.0, 1.5, rates(0.4, 0.5, 0.5, 0.5, 10.0)),
        &HistoryCounts::default(),
        &HourInputs::none(),
        &s,
    )
    .unwrap();
    assert_eq!((p.wins, p.opportunities, p.meetings), (2, 3, 8));
    // 8 / 0.5 = 16, 32, 64 dials, 64 / 10 = 6.4 -> 7 blocks.
    assert_eq!(
        (p.conversations, p.connects, p.dials, p.blocks),
        (16, 32, 64, 7)
    );
    // Divisions that are exact on paper but not in binary floating point.
    let p = compute_plan(
        &november(30_000.0, 10_000.0, 1.0, rates(1.0, 0.05, 0.07, 0.1, 7.0)),
        &HistoryCounts::default(),
        &HourInputs::none(),
        &s,
    )
    .unwrap();
    // 3 / 0.05 = 60 (not 61); 60 / 0.07 = 857.1 -> 858; 858 / 0.1 = 8,580 (not 8,581).
    assert_eq!(
        (p.meetings, p.conversations, p.connects, p.dials),
        (3, 60, 858, 8580)
    );
    // A deal bigger than the quota is still one win.
    let p = compute_plan(
        &november(5_000.0, 80_000.0, 4.0, RateOverrides::default()),
        &HistoryCounts::default(),
        &HourInputs::none(),
        &s,
    )
    .unwrap();
    assert_eq!((p.wins, p.opportunities), (1, 4));
}

#[test]
fn benchmarks_and_the_assumption_apply_without_history() {
    let s = Settings::default();
    let p = compute_plan(
        &november(60_000.0, 15_000.0, 4.0, RateOverrides::default()),
        &HistoryCounts::default(),
        &HourInputs::none(),
        &s,
    )
    .unwrap();
    let r = &p.rates;
    assert_eq!(r.meeting_to_opportunity.source, RateSource::Assumption);
    assert_eq!(r.meeting_to_opportunity.value, 0.5);
    assert!(r.meeting_to_opportunity.basis.starts_with("assumption"));
    assert!(
        !r.meeting_to_opportunity.basis.contains("your last"),
        "no history can stand behind this rate: {}",
        r.meeting_to_opportunity.basis
    );
    assert_eq!(r.conversation_to_meeting.source, RateSource::Benchmark);
    assert_eq!(r.conversation_to_meeting.value, 0.05);
    assert_eq!(r.connect_to_conversation.value, 0.5);
    assert_eq!(r.dial_to_connect.value, 0.075);
    assert!(
        r.dial_to_connect
            .basis
            .contains("0 connects of 0 dials (30 dials needed"),
        "{}",
        r.dial_to_connect.basis
    );
    // 30 dials an hour for 52 minutes.
    assert_eq!(r.dials_per_block.source, RateSource::Benchmark);
    assert!((r.dials_per_block.value - 26.0).abs() < 1e-9);
    // 16 opportunities / 0.5 = 32 meetings / 0.05 = 640 conversations / 0.5 = 1,280
    // connects / 0.075 = 17,067 dials / 26 = 657 blocks.
    assert_eq!(
        (p.meetings, p.conversations, p.connects, p.dials, p.blocks),
        (32, 640, 1280, 17067, 657)
    );
    assert!(p.selling_hours_share > 1.0);
    assert!(
        p.notes.iter().any(|n| n.contains("more than all your")),
        "{:?}",
        p.notes
    );
}

#[test]
fn history_is_used_once_enough_calls_stand_behind_a_rate() {
    let s = Settings::default();
    let thin = HistoryCounts {
        dials: 29,
        connects: 29,
        conversations: 12,
        meetings: 3,
        completed_blocks: 4,
        dials_in_completed_blocks: 120,
        ..HistoryCounts::default()
    };
    let r = choose_rates(&RateOverrides::default(), &thin, &s);
    assert_eq!(r.dial_to_connect.source, RateSource::Benchmark);
    assert_eq!(
        (
            r.dial_to_connect.history_numerator,
            r.dial_to_connect.history_denominator,
            r.dial_to_connect.min_history
        ),
        (29, 29, 30)
    );
    assert_eq!(r.connect_to_conversation.source, RateSource::Benchmark);
    assert_eq!(r.conversation_to_meeting.source, RateSource::Benchmark);
    assert!(r
        .conversation_to_meeting
        .basis
        .contains("3 meetings of 12 conversations (30 conversations needed"));
    assert_eq!(r.dials_per_block.source, RateSource::Benchmark);

    let enough = HistoryCounts {
        dials: 300,
        connects: 30,
        conversations: 30,
        meetings: 3,
        completed_blocks: 5,
        dials_in_completed_blocks: 140,
        ..HistoryCounts::default()
    };
    let r = choose_rates(&RateOverrides::default(), &enough, &s);
    assert_eq!(
        (r.dial_to_connect.source, r.dial_to_connect.value),
        (RateSource::History, 0.1)
    );
    assert_eq!(
        (
            r.connect_to_conversation.source,
            r.connect_to_conversation.value
        ),
        (RateSource::History, 1.0)
    );
    assert_eq!(
        (
            r.conversation_to_meeting.source,
            r.conversation_to_meeting.value
        ),
        (RateSource::History, 0.1)
    );
    assert_eq!(
        (r.dials_per_block.source, r.dials_per_block.value),
        (RateSource::History, 28.0)
    );
    assert!(
        r.dial_to_connect
            .basis
            .contains("30 connects of 300 dials = 10 %"),
        "{}",
        r.dial_to_connect.basis
    );
    // Meetings to opportunities has no history in the call log.
    assert_eq!(r.meeting_to_opportunity.source, RateSource::Assumption);

    // A zero rate with enough behind it cannot plan: the benchmark stands in.
    let zero = HistoryCounts {
        conversations: 40,
        meetings: 0,
        ..enough.clone()
    };
    let r = choose_rates(&RateOverrides::default(), &zero, &s);
    assert_eq!(r.conversation_to_meeting.source, RateSource::Benchmark);
    assert!(r.conversation_to_meeting.basis.contains("a rate of zero"));

    // The rep's own setting beats history.
    let o = RateOverrides {
        dial_to_connect: Some(0.2),
        ..RateOverrides::default()
    };
    let r = choose_rates(&o, &enough, &s);
    assert_eq!(
        (r.dial_to_connect.source, r.dial_to_connect.value),
        (RateSource::User, 0.2)
    );
    assert_eq!(r.connect_to_conversation.source, RateSource::History);
}

#[test]
fn impossible_inputs_are_refused_with_the_field_named() {
    let s = Settings::default();
    let h = HistoryCounts::default();
    let plan = |quota: f64, deal: f64, close: f64, o: RateOverrides| {
        compute_plan(
            &november(quota, deal, close, o),
            &h,
            &HourInputs::none(),
            &s,
        )
        .unwrap_err()
        .to_string()
    };
    let none = RateOverrides::default;
    assert_eq!(
        plan(1000.0, 0.0, 4.0, none()),
        "deal size: must be more than 0; got 0"
    );
    assert_eq!(
        plan(1000.0, -5.0, 4.0, none()),
        "deal size: must be more than 0; got -5"
    );
    assert_eq!(
        plan(0.0, 10.0, 4.0, none()),
        "quota: must be more than 0; got 0"
    );
    assert!(plan(1000.0, f64::NAN, 4.0, none()).starts_with("deal size"));
    assert!(plan(1000.0, 10.0, 0.5, none()).starts_with("close ratio: must be at least 1"));
    let bad_rate = RateOverrides {
        conversation_to_meeting: Some(1.5),
        ..RateOverrides::default()
    };
    assert_eq!(
        plan(1000.0, 10.0, 4.0, bad_rate),
        "rate conversation_to_meeting: must be more than 0 and at most 1 (0.25 means 25 %); got 1.5"
    );
    let zero_rate = RateOverrides {
        dial_to_connect: Some(0.0),
        ..RateOverrides::default()
    };
    assert!(plan(1000.0, 10.0, 4.0, zero_rate).starts_with("rate dial_to_connect"));
    let bad_dpb = RateOverrides {
        dials_per_block: Some(-1.0),
        ..RateOverrides::default()
    };
    assert!(plan(1000.0, 10.0, 4.0, bad_dpb).starts_with("dials per block"));
    // Absurd but valid numbers overflow into a clear refusal, not a panic.
    let e = plan(1e15, 1.0, 1000.0, rates(0.001, 0.001, 0.001, 0.001, 1.0));
    assert!(e.contains("which no rep can make"), "{e}");
}

// -- What is won and open, and the selling hours ------------------------------

/// November, 60,000 at 15,000 a deal with the hand-computed rates, with what
/// is already won and open.
fn with_pipeline(won: f64, pipeline: f64, close: f64) -> PlanInputs {
    PlanInputs {
        won_to_date: won,
        open_pipeline: pipeline,
        ..november(60_000.0, 15_000.0, close, rates(0.5, 0.25, 0.5, 0.1, 26.0))
    }
}

fn plan_of(inputs: &PlanInputs) -> PlanResult {
    plan_with(inputs, &Settings::default())
}

/// The plan of `inputs` without history or other time, under `s`.
fn plan_with(inputs: &PlanInputs, s: &Settings) -> PlanResult {
    compute_plan(inputs, &HistoryCounts::default(), &HourInputs::none(), s).unwrap()
}

fn funnel(p: &PlanResult) -> (u32, u32, u32, u32, u32, u32, u32) {
    (
        p.wins,
        p.opportunities,
        p.meetings,
        p.conversations,
        p.connects,
        p.dials,
        p.blocks,
    )
}

#[test]
fn wins_to_date_come_off_the_quota() {
    let none = plan_of(&with_pipeline(0.0, 0.0, 4.0));
    assert_eq!(funnel(&none), (4, 16, 32, 128, 256, 2560, 99));
    assert!(
        none.cover.summary.starts_with("Nothing won or open yet"),
        "{}",
        none.cover.summary
    );
    // 15,000 won: 45,000 to go, 3 wins, 12 opportunities, 24 meetings...
    let p = plan_of(&with_pipeline(15_000.0, 0.0, 4.0));
    assert_eq!(funnel(&p), (3, 12, 24, 96, 192, 1920, 74));
    let c = &p.cover;
    assert_eq!(
        (c.quota, c.won_to_date, c.remaining_quota),
        (60_000.0, 15_000.0, 45_000.0)
    );
    assert_eq!(
        (c.expected_from_pipeline, c.to_find, c.covered),
        (0.0, 45_000.0, false)
    );
    assert_eq!(
        c.summary,
        "Quota 60,000 - 15,000 won = 45,000 to go; the open pipeline of 0 should bring 0 at 4:1; \
         45,000 is left to find in new opportunities: if you're short, prospect."
    );
    assert!(p.blocks_per_week < none.blocks_per_week);
}

#[test]
fn the_open_pipeline_counts_at_the_close_ratio() {
    // 60,000 open at 4:1 should bring 15,000: 45,000 to find, 3 wins.
    let p = plan_of(&with_pipeline(0.0, 60_000.0, 4.0));
    assert_eq!(p.cover.expected_from_pipeline, 15_000.0);
    assert_eq!(p.cover.to_find, 45_000.0);
    assert_eq!((p.wins, p.opportunities, p.meetings), (3, 12, 24));
    // The same pipeline at 2:1 brings 30,000: 2 wins of 2 opportunities each.
    let p = plan_of(&with_pipeline(0.0, 60_000.0, 2.0));
    assert_eq!(p.cover.expected_from_pipeline, 30_000.0);
    assert_eq!((p.wins, p.opportunities, p.meetings), (2, 4, 8));
    // Won and open together: 60,000 - 15,000 - 60,000 / 4 = 30,000.
    let p = plan_of(&with_pipeline(15_000.0, 60_000.0, 4.0));
    assert_eq!(
        (p.cover.remaining_quota, p.cover.to_find),
        (45_000.0, 30_000.0)
    );
    assert_eq!((p.wins, p.opportunities), (2, 8));
    assert!(p
        .cover
        .summary
        .contains("the open pipeline of 60,000 should bring 15,000 at 4:1"));
    // A shortfall smaller than a deal is still one win to find.
    let p = plan_of(&with_pipeline(44_999.0, 60_000.0, 4.0));
    assert_eq!((p.cover.to_find, p.wins, p.cover.covered), (1.0, 1, false));
}

#[test]
fn a_quota_covered_by_wins_and_pipeline_needs_nothing_more() {
    // 40,000 won and 80,000 open at 4:1 (20,000) cover 60,000.
    let p = plan_of(&with_pipeline(40_000.0, 80_000.0, 4.0));
    assert!(p.cover.covered);
    assert_eq!(p.cover.to_find, 0.0);
    assert_eq!(funnel(&p), (0, 0, 0, 0, 0, 0, 0));
    assert_eq!(p.per_week, StageCounts::default());
    assert_eq!((p.blocks_per_week, p.blocks_per_day), (0, 0));
    assert_eq!(
        p.cover.summary,
        "40,000 won, and the open pipeline of 80,000 should bring 20,000 at 4:1: that covers the \
         quota of 60,000. Nothing more is needed to hit it; keep prospecting to fill the next \
         period."
    );
    // More won than the quota: nothing left, never a negative figure.
    let p = plan_of(&with_pipeline(75_000.0, 0.0, 4.0));
    assert!(p.cover.covered);
    assert_eq!((p.cover.remaining_quota, p.cover.to_find), (0.0, 0.0));
    assert_eq!(funnel(&p), (0, 0, 0, 0, 0, 0, 0));
    assert_eq!(
        p.cover.summary,
        "75,000 won of a quota of 60,000: the quota is hit; keep prospecting to fill the next period."
    );
    let prospecting = &p.hours.activities[0];
    assert_eq!(
        (prospecting.activity, prospecting.hours_per_week),
        (Activity::Prospecting, 0.0)
    );
}

#[test]
fn won_and_open_amounts_are_refused_when_negative_or_not_numbers() {
    let err = |won: f64, open: f64| {
        compute_plan(
            &with_pipeline(won, open, 4.0),
            &HistoryCounts::default(),
            &HourInputs::none(),
            &Settings::default(),
        )
        .unwrap_err()
    };
    let e = err(-1.0, 0.0);
    assert_eq!(e.kind(), "invalid");
    assert_eq!(
        e.to_string(),
        "wins to date: must be 0 or more (an amount of money); got -1"
    );
    assert_eq!(
        err(0.0, -2500.5).to_string(),
        "open pipeline: must be 0 or more (an amount of money); got -2500.5"
    );
    assert!(err(f64::NAN, 0.0)
        .to_string()
        .starts_with("wins to date: must be 0 or more"));
    assert!(err(0.0, f64::INFINITY)
        .to_string()
        .starts_with("open pipeline: must be 0 or more"));
    // The store refuses them too.
    let (store, rep, _) = setup();
    let e = save_plan(store.conn(), &rep, &with_pipeline(0.0, -1.0, 4.0)).unwrap_err();
    assert!(e.to_string().starts_with("open pipeline"), "{e}");
}

/// The selling hours of `p`'s split, checked to add up per week and per year.
fn assert_adds_up(p: &PlanResult, year: f64) {
    let h = &p.hours;
    assert_eq!(h.over_by_hours_per_week, 0.0);
    let week: f64 = h.activities.iter().map(|a| a.hours_per_week).sum();
    let total: f64 = h.activities.iter().map(|a| a.hours_per_year).sum();
    let shares: f64 = h.activities.iter().map(|a| a.share).sum();
    assert!((week - h.selling_hours_per_week).abs() < 1e-9, "{week}");
    assert!((total - year).abs() < 1e-6, "{total} of {year}");
    assert!((shares - 1.0).abs() < 1e-12, "{shares}");
    assert_eq!(h.selling_hours_per_year, year);
}

#[test]
fn the_selling_hours_split_adds_up_to_the_year() {
    let time = HourInputs {
        prep_minutes_per_week: 150,
        prep_slots: 3,
        meeting_minutes: 30.0,
        meetings_measured: 12,
    };
    let s = Settings::default();
    let p = compute_plan(
        &with_pipeline(0.0, 0.0, 4.0),
        &HistoryCounts::default(),
        &time,
        &s,
    )
    .unwrap();
    // 24 blocks x (52 + 17) minutes = 27.6 h; 2.5 h of prep; 8 meetings x 30 min = 4 h;
    // 40 - 34.1 = 5.9 h for the rest. 44 weeks make the year.
    let h = &p.hours;
    assert_eq!(h.weeks_per_year, 44.0);
    let got: Vec<(Activity, f64)> = h
        .activities
        .iter()
        .map(|a| (a.activity, (a.hours_per_week * 1000.0).round() / 1000.0))
        .collect();
    assert_eq!(
        got,
        [
            (Activity::Prospecting, 27.6),
            (Activity::Prep, 2.5),
            (Activity::Meetings, 4.0),
            (Activity::Other, 5.9)
        ]
    );
    assert!((h.activities[0].hours_per_year - 1214.4).abs() < 1e-9);
    assert!((h.activities[0].share - 0.69).abs() < 1e-12);
    assert_eq!(h.activities[2].hours_per_year, 176.0);
    assert_adds_up(&p, 1760.0);
    assert_eq!(
        h.activities[0].basis,
        "24 blocks a week x (52 calling + 17 break minutes)"
    );
    assert_eq!(
        h.activities[1].basis,
        "3 preparation slots in your week, 150 minutes"
    );
    assert!(
        h.activities[2].basis.contains("average of the 12 meetings"),
        "{}",
        h.activities[2].basis
    );
    // Another selling year, and a smaller plan: still the whole year.
    let s = Settings {
        selling_hours_per_year: 1500,
        ..Settings::default()
    };
    let p = compute_plan(
        &with_pipeline(30_000.0, 0.0, 4.0),
        &HistoryCounts::default(),
        &time,
        &s,
    )
    .unwrap();
    assert_adds_up(&p, 1500.0);
    // Without prep slots or booked meetings, the basis says so.
    let p = plan_of(&with_pipeline(0.0, 0.0, 4.0));
    assert!(p.hours.activities[1]
        .basis
        .starts_with("no preparation slot"));
    assert!(p.hours.activities[2].basis.contains("you booked none"));
    assert_eq!(
        p.hours.activities[2].hours_per_week, 4.0,
        "the default 30 minutes"
    );
}

#[test]
fn a_plan_that_needs_more_than_the_selling_hours_leaves_nothing_for_the_rest() {
    // 84 wins of 1,000 at 1:1, every rate 1 but half the conversations book:
    // 84 meetings, 168 dials, 21 blocks of 8 dials: 5 blocks and 20 meetings a week.
    let time = HourInputs {
        prep_minutes_per_week: 480,
        prep_slots: 4,
        meeting_minutes: 90.0,
        meetings_measured: 3,
    };
    let inputs = PlanInputs {
        overrides: rates(1.0, 0.5, 1.0, 1.0, 8.0),
        ..november(84_000.0, 1_000.0, 1.0, RateOverrides::default())
    };
    let p = compute_plan(
        &inputs,
        &HistoryCounts::default(),
        &time,
        &Settings::default(),
    )
    .unwrap();
    assert_eq!((p.per_week.meetings, p.blocks_per_week), (20, 5));
    // 5 x 69 min = 5.75 h, 8 h of prep, 20 x 90 min = 30 h: 43.75 h of 40.
    let h = &p.hours;
    assert_eq!(h.over_by_hours_per_week, 3.75);
    let other = &h.activities[3];
    assert_eq!(
        (other.activity, other.hours_per_week, other.hours_per_year),
        (Activity::Other, 0.0, 0.0)
    );
    assert!(other.basis.starts_with("nothing left"), "{}", other.basis);
    assert_eq!(h.activities[2].hours_per_week, 30.0);
    // The blocks alone fit (a tenth of the hours): the note is about the whole week.
    assert!(p.selling_hours_share < 1.0);
    assert!(
        p.notes.iter().any(
            |n| n.starts_with("Blocks, preparation and meetings need 3.")
                && n.ends_with("more than your 40 selling hours.")
        ),
        "{:?}",
        p.notes
    );
}

fn meeting(c: &Connection, rep: &str, prospect: &str, at: DateTime<Utc>, minutes: u32) {
    let call_id = uuid::Uuid::now_v7().to_string();
    c.execute(
        "INSERT INTO calls (id, prospect_id, rep_id, started_at, ended_at, duration_ms, outcome,
            asked_for_meeting)
         VALUES (?1, ?2, ?3, ?4, ?4, 200000, 'meeting', 1)",
        params![call_id, prospect, rep, time::to_db(at)],
    )
    .unwrap();
    c.execute(
        "INSERT INTO meetings (id, call_id, prospect_id, rep_id, starts_at, duration_minutes,
            email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'dana@example.com', ?5)",
        params![
            uuid::Uuid::now_v7().to_string(),
            call_id,
            prospect,
            rep,
            time::to_db(at),
            minutes
        ],
    )
    .unwrap();
}

#[test]
fn hour_inputs_read_the_prep_slots_and_the_reps_meeting_length() {
    let (store, rep, p) = setup();
    let c = store.conn();
    let now = utc(2026, 11, 16, 15, 0);
    let none = hour_inputs(c, &rep, now).unwrap();
    assert_eq!(none, HourInputs::none());
    let s = Settings::default();
    for (kind, weekday, start, minutes) in [
        (SlotKind::Prep, 0, 14 * 60, 60),
        (SlotKind::Prep, 2, 14 * 60, 45),
        (SlotKind::Block, 1, 9 * 60, 52),
    ] {
        add_slot(
            c,
            &rep,
            &new_slot(kind, weekday, start, minutes, "America/Chicago"),
            &s,
        )
        .unwrap();
    }
    meeting(c, &rep, &p, utc(2026, 11, 10, 15, 0), 30);
    meeting(c, &rep, &p, utc(2026, 11, 12, 15, 0), 45);
    meeting(c, &rep, &p, now - Duration::days(91), 240); // too old
    let other = crate::reps::create_rep(c, "Sam", None, None).unwrap();
    meeting(c, &other.id, &p, utc(2026, 11, 12, 16, 0), 240); // another rep's
    let got = hour_inputs(c, &rep, now).unwrap();
    assert_eq!(
        got,
        HourInputs {
            prep_minutes_per_week: 105,
            prep_slots: 2,
            meeting_minutes: 37.5,
            meetings_measured: 2,
        }
    );
}

#[test]
fn progress_of_a_covered_plan_says_so_instead_of_a_gap() {
    let (store, rep, p) = setup();
    let c = store.conn();
    let plan = save_plan(c, &rep, &with_pipeline(50_000.0, 40_000.0, 4.0)).unwrap();
    assert_eq!(
        plan_by_id(c, &plan.id).unwrap().inputs.won_to_date,
        50_000.0
    );
    call(c, &rep, &p, utc(2026, 11, 3, 15, 0), "meeting", 200, None);
    let pr = progress(c, &plan, utc(2026, 11, 16, 15, 0), &Settings::default()).unwrap();
    assert!(pr.plan.cover.covered);
    assert!(
        pr.summary.contains("Nothing more is needed to hit it"),
        "{}",
        pr.summary
    );
    assert_eq!((pr.meetings_behind, pr.extra_blocks_this_week), (-1, 0));
    assert!(pr.stages.iter().all(|s| s.target == 0 && s.behind <= 0));
}

fn setup() -> (Store, String, String) {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let rep = crate::reps::create_rep(c, "Alex", None, Some("America/Chicago")).unwrap();
    let p = crate::lists::insert_prospect(
        c,
        &crate::lists::NewProspect {
            first_name: "Dana".into(),
            ..Default::default()
        },
        utc(2026, 1, 1, 0, 0),
    )
    .unwrap();
    (store, rep.id, p)
}

/// A finished call, written directly (the prospect's state does not matter here).
fn call(
    c: &Connection,
    rep: &str,
    prospect: &str,
    at: DateTime<Utc>,
    outcome: &str,
    secs: u32,
    block: Option<&str>,
) {
    let asked = outcome == "meeting";
    c.execute(
        "INSERT INTO calls (id, prospect_id, rep_id, block_id, started_at, ended_at, duration_ms,
            outcome, asked_for_meeting, callback_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)",
        params![
            uuid::Uuid::now_v7().to_string(),
            prospect,
            rep,
            block,
            time::to_db(at),
            secs * 1000,
            outcome,
            asked,
            (outcome == "callback").then(|| time::to_db(at))
        ],
    )
    .unwrap();
}

fn block(c: &Connection, rep: &str, at: DateTime<Utc>, reason: &str) -> String {
    crate::block::insert_finished_block(
        c,
        &crate::block::FinishedBlock {
            rep_id: rep,
            theme_ids: &[],
            planned_seconds: 52 * 60,
            break_seconds: 17 * 60,
            started_at: at,
            ended_at: at + Duration::minutes(52),
            end_reason: reason,
        },
    )
    .unwrap()
}

#[test]
fn history_counts_the_reps_calls_in_the_window_with_the_report_definitions() {
    let (store, rep, p) = setup();
    let c = store.conn();
    let other = crate::reps::create_rep(c, "Sam", None, None).unwrap();
    let until = utc(2026, 11, 16, 0, 0);
    let t = utc(2026, 11, 10, 15, 0);
    let b = block(c, &rep, t, "completed");
    block(c, &rep, t + Duration::hours(2), "ended_early");
    call(c, &rep, &p, t, "no_answer", 20, Some(&b));
    call(c, &rep, &p, t, "not_interested", 30, Some(&b)); // connect only
    call(c, &rep, &p, t, "not_interested", 61, Some(&b)); // conversation by length
    call(c, &rep, &p, t, "meeting", 45, None); // conversation by outcome
    call(c, &rep, &p, until, "meeting", 300, None); // at `until`: outside
    call(
        c,
        &rep,
        &p,
        until - Duration::days(91),
        "meeting",
        300,
        None,
    ); // too old
    call(c, &other.id, &p, t, "meeting", 300, None); // another rep
    let h = history_rates(c, &rep, until, &Settings::default()).unwrap();
    assert_eq!(
        (h.dials, h.connects, h.conversations, h.meetings),
        (4, 3, 2, 1)
    );
    assert_eq!((h.completed_blocks, h.dials_in_completed_blocks), (1, 3));
    assert_eq!(h.from, Some(until - Duration::days(90)));
}

#[test]
fn plans_are_saved_loaded_and_found_by_date() {
    let (mut store, rep, _) = setup();
    let inputs = with_pipeline(12_500.5, 80_000.0, 4.0);
    let saved = store.write(|tx| save_plan(tx, &rep, &inputs)).unwrap();
    let c = store.conn();
    assert_eq!(plan_by_id(c, &saved.id).unwrap().inputs, inputs);
    let newer = save_plan(
        c,
        &rep,
        &november(90_000.0, 15_000.0, 4.0, RateOverrides::default()),
    )
    .unwrap();
    assert_eq!(
        current_plan(c, &rep, d(2026, 11, 30)).unwrap().unwrap().id,
        newer.id
    );
    assert_eq!(current_plan(c, &rep, d(2026, 12, 1)).unwrap(), None);
    assert_eq!(plans_for_rep(c, &rep).unwrap().len(), 2);
    delete_plan(c, &newer.id).unwrap();
    assert_eq!(
        current_plan(c, &rep, d(2026, 11, 2)).unwrap().unwrap().id,
        saved.id
    );
    assert_eq!(delete_plan(c, &newer.id).unwrap_err().kind(), "not_found");
    assert_eq!(
        save_plan(c, "ghost", &inputs).unwrap_err().kind(),
        "not_found"
    );
    let bad = november(60_000.0, 0.0, 4.0, RateOverrides::default());
    assert!(save_plan(c, &rep, &bad).is_err());
}

#[test]
fn progress_says_the_gap_plainly_and_counts_missed_blocks() {
    let (store, rep, p) = setup();
    let c = store.conn();
    let s = Settings::default();
    // 32 meetings in November; one block books 40 x 0.1 x 0.5 x 0.25 = 0.5 meetings.
    let plan = save_plan(
        c,
        &rep,
        &november(60_000.0, 15_000.0, 4.0, rates(0.5, 0.25, 0.5, 0.1, 40.0)),
    )
    .unwrap();
    // Monday 16 November, 09:00 in Chicago: 10 working days have passed.
    let now = utc(2026, 11, 16, 15, 0);
    for i in 0..10 {
        call(c, &rep, &p, utc(2026, 11, 3, 15, i), "meeting", 200, None);
    }
    call(c, &rep, &p, utc(2026, 11, 3, 16, 0), "no_answer", 20, None);
    // Calls before the period (local time: 31 October, 23:30 in Chicago) do not count.
    call(c, &rep, &p, utc(2026, 11, 1, 4, 30), "meeting", 200, None);

    // A block slot on Tuesdays at 09:00 Chicago, created before the month.
    let slot = add_slot(
        c,
        &rep,
        &NewSlot {
            kind: SlotKind::Block,
            weekday: 1,
            start_minute: 540,
            minutes: 52,
            time_zone: "America/Chicago".into(),
            theme_id: None,
        },
        &s,
    )
    .unwrap();
    c.execute(
        "UPDATE schedule_slots SET created_at = '2026-10-01T00:00:00.000Z' WHERE id = ?1",
        [&slot.slot.id],
    )
    .unwrap();
    // The past Tuesdays are the 3rd and the 10th: the 3rd is kept (the block started
    // 10 minutes early, within the grace), the 10th is missed.
    block(c, &rep, utc(2026, 11, 3, 14, 50), "completed");

    let pr = progress(c, &plan, now, &s).unwrap();
    assert_eq!(pr.time_zone, "America/Chicago");
    assert_eq!(
        (pr.elapsed_working_days, pr.remaining_working_days),
        (10, 11)
    );
    let m = pr.stages.iter().find(|x| x.stage == "meetings").unwrap();
    // 32 x 10 / 21 = 15.2 -> 16 expected, 10 booked.
    assert_eq!(
        (m.target, m.expected_by_now, m.actual, m.behind),
        (32, 16, 10, 6)
    );
    assert_eq!(pr.meetings_behind, 6);
    assert_eq!(pr.extra_blocks_this_week, 12);
    assert_eq!(pr.scheduled_blocks_past, 2);
    assert_eq!(pr.missed_blocks.len(), 1);
    assert_eq!(pr.missed_blocks[0].local_date, d(2026, 11, 10));
    assert_eq!(pr.blocks_started, 1);
    assert_eq!(
        pr.summary,
        "6 meetings behind; at your rates that is 12 more blocks this week. 1 of 2 scheduled \
         blocks missed this period."
    );
    // A slot added on the 12th has no past before it: its Wednesdays of the
    // 4th and the 11th are neither scheduled nor missed.
    let later = add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Block, 2, 600, 52, "America/Chicago"),
        &s,
    )
    .unwrap();
    c.execute(
        "UPDATE schedule_slots SET created_at = '2026-11-12T00:00:00.000Z' WHERE id = ?1",
        [&later.slot.id],
    )
    .unwrap();
    let pr = progress(c, &plan, now, &s).unwrap();
    assert_eq!((pr.scheduled_blocks_past, pr.missed_blocks.len()), (2, 1));
    delete_slot(c, &later.slot.id).unwrap();

    // Ahead, on plan, at the start and after the end.
    for i in 0..8 {
        call(c, &rep, &p, utc(2026, 11, 4, 15, i), "meeting", 200, None);
    }
    let pr = progress(c, &plan, now, &s).unwrap();
    assert!(
        pr.summary.starts_with("2 meetings ahead of plan; keep to "),
        "{}",
        pr.summary
    );
    let pr = progress(c, &plan, utc(2026, 11, 2, 15, 0), &s).unwrap();
    assert!(
        pr.summary
            .starts_with("The period has just begun: 32 meetings to book by 2026-11-30"),
        "{}",
        pr.summary
    );
    let pr = progress(c, &plan, utc(2026, 12, 5, 15, 0), &s).unwrap();
    assert!(
        pr.summary
            .starts_with("The period is over: 18 of 32 meetings booked, 14 short."),
        "{}",
        pr.summary
    );
    let pr = progress(c, &plan, utc(2026, 10, 20, 15, 0), &s).unwrap();
    assert!(
        pr.summary.starts_with("The period starts on 2026-11-01"),
        "{}",
        pr.summary
    );
}

#[test]
fn the_week_so_far_starts_on_monday_in_the_reps_zone() {
    let (store, rep, p) = setup();
    let c = store.conn();
    let s = Settings::default();
    // Wednesday 18 November 2026, 09:00 in Chicago; the week began on Monday
    // the 16th at 00:00 Chicago (06:00 UTC).
    let now = utc(2026, 11, 18, 15, 0);
    call(c, &rep, &p, utc(2026, 11, 16, 5, 59), "meeting", 200, None); // Sunday night: last week
    call(c, &rep, &p, utc(2026, 11, 16, 15, 0), "meeting", 200, None);
    call(c, &rep, &p, utc(2026, 11, 17, 15, 0), "no_answer", 10, None);
    call(
        c,
        &rep,
        &p,
        utc(2026, 11, 17, 15, 5),
        "not_interested",
        30,
        None,
    );
    call(c, &rep, &p, utc(2026, 11, 18, 15, 1), "meeting", 200, None); // after now
    block(c, &rep, utc(2026, 11, 16, 15, 0), "completed");
    for weekday in [1, 3] {
        let slot = add_slot(
            c,
            &rep,
            &new_slot(SlotKind::Block, weekday, 600, 52, "America/Chicago"),
            &s,
        )
        .unwrap();
        c.execute(
            "UPDATE schedule_slots SET created_at = '2026-10-01T00:00:00.000Z' WHERE id = ?1",
            [&slot.slot.id],
        )
        .unwrap();
    }
    let w = week_so_far(c, &rep, now, &s).unwrap();
    assert_eq!(w.starts_on, d(2026, 11, 16));
    assert_eq!(w.from, utc(2026, 11, 16, 6, 0));
    assert_eq!(
        (w.dials, w.connects, w.conversations, w.meetings),
        (3, 2, 1, 1)
    );
    assert_eq!((w.blocks_started, w.blocks_completed), (1, 1));
    // Tuesday's 10:00 slot passed without a block; Thursday's is to come.
    assert_eq!((w.scheduled_blocks, w.missed_blocks), (2, 1));
    let plan = save_plan(
        c,
        &rep,
        &november(60_000.0, 15_000.0, 4.0, rates(0.5, 0.25, 0.5, 0.1, 40.0)),
    )
    .unwrap();
    assert_eq!(progress(c, &plan, now, &s).unwrap().this_week, w);
}

fn new_slot(kind: SlotKind, weekday: u8, start: u32, minutes: u32, tz: &str) -> NewSlot {
    NewSlot {
        kind,
        weekday,
        start_minute: start,
        minutes,
        time_zone: tz.into(),
        theme_id: None,
    }
}

#[test]
fn slots_are_validated_and_may_not_overlap() {
    let (store, rep, _) = setup();
    let c = store.conn();
    let s = Settings::default();
    let chicago = "America/Chicago";
    let first = add_slot(c, &rep, &new_slot(SlotKind::Block, 0, 540, 52, chicago), &s).unwrap();
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    // Back to back is fine; one minute into it is not.
    add_slot(c, &rep, &new_slot(SlotKind::Block, 0, 592, 52, chicago), &s).unwrap();
    let e = add_slot(c, &rep, &new_slot(SlotKind::Prep, 0, 591, 30, chicago), &s).unwrap_err();
    assert_eq!(e.kind(), "conflict");
    assert!(
        e.to_string()
            .contains("overlaps the block slot on Monday 09:00-09:52"),
        "{e}"
    );
    // 10:00 in New York is 09:00 in Chicago.
    let e = add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Block, 0, 600, 30, "America/New_York"),
        &s,
    )
    .unwrap_err();
    assert_eq!(e.kind(), "conflict");
    // Bad input.
    let bad = [
        (new_slot(SlotKind::Block, 7, 540, 52, chicago), "weekday"),
        (new_slot(SlotKind::Block, 1, 1440, 52, chicago), "start"),
        (
            new_slot(SlotKind::Block, 1, 1400, 52, chicago),
            "must end by midnight",
        ),
        (new_slot(SlotKind::Block, 1, 540, 0, chicago), "length"),
        (
            new_slot(SlotKind::Block, 1, 540, 52, "Mars/Olympus"),
            "not an IANA time zone",
        ),
    ];
    for (slot, want) in bad {
        let e = add_slot(c, &rep, &slot, &s).unwrap_err().to_string();
        assert!(e.contains(want), "{want}: {e}");
    }
    let mut themed = new_slot(SlotKind::Block, 1, 540, 52, chicago);
    themed.theme_id = Some("ghost".into());
    assert_eq!(
        add_slot(c, &rep, &themed, &s).unwrap_err().kind(),
        "not_found"
    );
    // Warnings: a block outside prime time, preparation inside it, a weekend.
    let w = add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Block, 2, 14 * 60, 52, chicago),
        &s,
    )
    .unwrap();
    assert!(
        w.warnings[0].contains("outside your prime time (09:00-12:00)"),
        "{:?}",
        w.warnings
    );
    let w = add_slot(c, &rep, &new_slot(SlotKind::Prep, 3, 570, 30, chicago), &s).unwrap();
    assert!(
        w.warnings[0].contains("inside your prime time"),
        "{:?}",
        w.warnings
    );
    let w = add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Prep, 5, 16 * 60, 30, chicago),
        &s,
    )
    .unwrap();
    assert!(
        w.warnings[0].contains("Saturday is not a working day"),
        "{:?}",
        w.warnings
    );
    // Update: a slot does not overlap itself; delete.
    let moved = update_slot(
        c,
        &first.slot.id,
        &new_slot(SlotKind::Block, 0, 545, 47, chicago),
        &s,
    )
    .unwrap();
    assert_eq!(moved.slot.start_minute, 545);
    assert_eq!(slots(c, &rep).unwrap().len(), 5);
    delete_slot(c, &first.slot.id).unwrap();
    assert_eq!(
        delete_slot(c, &first.slot.id).unwrap_err().kind(),
        "not_found"
    );
    // A theme's name comes along.
    let t = crate::lists::create_theme(c, "Texas", ThemeKind::Geography, "").unwrap();
    let mut themed = new_slot(SlotKind::Block, 4, 540, 52, chicago);
    themed.theme_id = Some(t.id);
    let saved = add_slot(c, &rep, &themed, &s).unwrap();
    assert_eq!(saved.slot.theme_name.as_deref(), Some("Texas"));
}

#[test]
fn zones_whose_clocks_change_on_different_dates_overlap_only_some_weeks() {
    // Monday 09:00 Chicago and Monday 14:00 London are an hour apart most of the
    // year, but meet in the weeks when the US has moved its clocks and the UK has not.
    let a = new_slot(SlotKind::Block, 0, 9 * 60, 52, "America/Chicago");
    let b = new_slot(SlotKind::Block, 0, 14 * 60, 52, "Europe/London");
    assert!(slots_overlap(&a, &b, utc(2027, 1, 1, 0, 0)).unwrap());
    let oa = occurrences_of_new(&a, utc(2027, 3, 15, 0, 0), utc(2027, 3, 16, 0, 0));
    let ob = occurrences_of_new(&b, utc(2027, 3, 15, 0, 0), utc(2027, 3, 16, 0, 0));
    assert_eq!(oa[0].starts_at, ob[0].starts_at);
    let c = new_slot(SlotKind::Block, 0, 13 * 60, 52, "Europe/London");
    assert!(!slots_overlap(
        &c,
        &new_slot(SlotKind::Block, 0, 9 * 60, 52, "America/Los_Angeles"),
        utc(2027, 1, 1, 0, 0)
    )
    .unwrap());
}

fn occurrences_of_new(s: &NewSlot, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<SlotOccurrence> {
    let slot = ScheduleSlot {
        id: "x".into(),
        rep_id: "r".into(),
        kind: s.kind,
        weekday: s.weekday,
        start_minute: s.start_minute,
        minutes: s.minutes,
        time_zone: s.time_zone.clone(),
        theme_id: None,
        theme_name: None,
        created_at: "2020-01-01T00:00:00.000Z".into(),
    };
    occurrences(&slot, from, to).unwrap()
}

#[test]
fn occurrences_keep_local_time_across_daylight_saving_changes() {
    let chicago = "America/Chicago";
    // Mondays at 09:00: 14:00 UTC in summer time, 15:00 UTC after 1 November 2026.
    let mon = new_slot(SlotKind::Block, 0, 540, 52, chicago);
    let o = occurrences_of_new(&mon, utc(2026, 10, 20, 0, 0), utc(2026, 11, 10, 0, 0));
    let starts: Vec<_> = o.iter().map(|x| x.starts_at).collect();
    assert_eq!(
        starts,
        [
            utc(2026, 10, 26, 14, 0),
            utc(2026, 11, 2, 15, 0),
            utc(2026, 11, 9, 15, 0)
        ]
    );
    assert!(o
        .iter()
        .all(|x| x.local_start == "09:00" && x.ends_at - x.starts_at == Duration::minutes(52)));
    assert_eq!(o[1].local_date, d(2026, 11, 2));
    // Sunday 14 March 2027, 02:30 does not exist in Chicago: read with the offset
    // before the gap (-06:00), i.e. 08:30 UTC = 03:30 CDT, as RFC 5545 says.
    let gap = new_slot(SlotKind::Prep, 6, 150, 30, chicago);
    let o = occurrences_of_new(&gap, utc(2027, 3, 14, 0, 0), utc(2027, 3, 15, 0, 0));
    assert_eq!(o[0].starts_at, utc(2027, 3, 14, 8, 30));
    // Sunday 7 November 2027, 01:30 happens twice: the first (CDT, 06:30 UTC).
    let twice = new_slot(SlotKind::Prep, 6, 90, 30, chicago);
    let o = occurrences_of_new(&twice, utc(2027, 11, 7, 0, 0), utc(2027, 11, 8, 0, 0));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].starts_at, utc(2027, 11, 7, 6, 30));
    // A slot in progress at `from` is included; one that ended is not.
    let o = occurrences_of_new(&mon, utc(2026, 11, 2, 15, 30), utc(2026, 11, 2, 16, 0));
    assert_eq!(o.len(), 1);
    let o = occurrences_of_new(&mon, utc(2026, 11, 2, 15, 52), utc(2026, 11, 2, 16, 0));
    assert!(o.is_empty());
    // Southern hemisphere: Sydney moves forward on 4 October 2026.
    let syd = new_slot(SlotKind::Block, 0, 540, 52, "Australia/Sydney");
    let o = occurrences_of_new(&syd, utc(2026, 9, 27, 0, 0), utc(2026, 10, 13, 0, 0));
    let starts: Vec<_> = o.iter().map(|x| x.starts_at).collect();
    assert_eq!(
        starts,
        [
            utc(2026, 9, 27, 23, 0),
            utc(2026, 10, 4, 22, 0),
            utc(2026, 10, 11, 22, 0)
        ]
    );
}

#[test]
fn the_next_due_block_is_offered_until_a_block_is_started() {
    let (store, rep, _) = setup();
    let c = store.conn();
    let s = Settings::default();
    let t = crate::lists::create_theme(c, "Texas", ThemeKind::Geography, "").unwrap();
    let mut slot = new_slot(SlotKind::Block, 0, 540, 52, "America/Chicago");
    slot.theme_id = Some(t.id.clone());
    add_slot(c, &rep, &slot, &s).unwrap();
    add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Prep, 0, 14 * 60, 60, "America/Chicago"),
        &s,
    )
    .unwrap();
    // Monday 16 November 2026, 08:50 in Chicago.
    let before = utc(2026, 11, 16, 14, 50);
    let due = next_due_block(c, &rep, before).unwrap().unwrap();
    assert!(!due.due_now);
    assert_eq!(due.minutes_until, 10);
    assert_eq!(due.occurrence.theme_name.as_deref(), Some("Texas"));
    assert_eq!(due.occurrence.theme_id, Some(t.id));
    let during = utc(2026, 11, 16, 15, 5);
    let due = next_due_block(c, &rep, during).unwrap().unwrap();
    assert!(due.due_now);
    assert_eq!(due.minutes_until, 0);
    assert_eq!(due.occurrence.starts_at, utc(2026, 11, 16, 15, 0));
    // The rep starts the block: the next one offered is next week's.
    block(c, &rep, utc(2026, 11, 16, 15, 6), "completed");
    let due = next_due_block(c, &rep, during).unwrap().unwrap();
    assert_eq!(due.occurrence.starts_at, utc(2026, 11, 23, 15, 0));
    assert!(!due.due_now);
    // Nothing scheduled: nothing due.
    let other = crate::reps::create_rep(c, "Sam", None, None).unwrap();
    assert_eq!(next_due_block(c, &other.id, during).unwrap(), None);
}

#[test]
fn suggested_blocks_fill_prime_time_day_by_day_around_existing_slots() {
    let s = Settings::default();
    // 09:00-12:00 holds two 52+17 blocks a day: 09:00 and 10:09.
    let sug = suggest_block_slots(7, "America/Chicago", &[], &s).unwrap();
    let placed: Vec<_> = sug
        .slots
        .iter()
        .map(|x| (x.weekday, x.start_minute))
        .collect();
    assert_eq!(
        placed,
        [
            (0, 540),
            (0, 609),
            (1, 540),
            (1, 609),
            (2, 540),
            (3, 540),
            (4, 540)
        ]
    );
    assert_eq!(sug.unplaced, 0);
    assert!(
        sug.note.starts_with("7 blocks in prime time"),
        "{}",
        sug.note
    );
    let existing = ScheduleSlot {
        id: "x".into(),
        rep_id: "r".into(),
        kind: SlotKind::Prep,
        weekday: 0,
        start_minute: 540,
        minutes: 30,
        time_zone: "America/Chicago".into(),
        theme_id: None,
        theme_name: None,
        created_at: "2026-01-01T00:00:00.000Z".into(),
    };
    let sug = suggest_block_slots(12, "America/Chicago", &[existing], &s).unwrap();
    assert_eq!(sug.slots.len(), 9);
    assert_eq!(sug.unplaced, 3);
    assert!(!sug
        .slots
        .iter()
        .any(|x| x.weekday == 0 && x.start_minute == 540));
    assert!(sug.note.contains("Only 9 of 12"), "{}", sug.note);
    assert!(suggest_block_slots(1, "Nowhere/Land", &[], &s).is_err());
}

#[test]
fn the_schedule_exports_as_ics() {
    let (store, rep, _) = setup();
    let c = store.conn();
    let s = Settings::default();
    let saved = add_slot(
        c,
        &rep,
        &new_slot(SlotKind::Block, 0, 540, 52, "America/Chicago"),
        &s,
    )
    .unwrap();
    let ics = ics::schedule_ics(c, &rep, utc(2026, 11, 22, 9, 30)).unwrap();
    assert!(ics.contains("X-WR-CALNAME:Callblock: Alex\r\n"));
    assert!(ics.contains(&format!("UID:{}@callblock\r\n", saved.slot.id)));
    assert!(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=MO\r\n"));
    assert_eq!(
        ics::schedule_ics(c, "ghost", utc(2026, 11, 22, 9, 30))
            .unwrap_err()
            .kind(),
        "not_found"
    );
}

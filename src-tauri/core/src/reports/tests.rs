//! Every figure against a small data set counted by hand, the rollups
//! against the calls, filters, paging and full-text search.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::params;

use super::blocks::blocks_with;
use super::calllog::{call_detail, call_log, call_log_with, CallCursor, CallLogQuery};
use super::export::{escape_formula, export_calls, write_csv, ExportFormat, Figures};
use super::funnel::{funnel_by_with, funnel_with};
use super::length::{length, length_with, median_of};
use super::playbook::{playbook, playbook_with};
use super::timing::{timing, timing_with};
use super::*;
use crate::block::{insert_finished_block, FinishedBlock};
use crate::calls::{record_completed_call, CompletedCall};
use crate::calls::{NewMeeting, RaisedObjection};
use crate::domain::ThemeKind;
use crate::lists::{create_theme, insert_prospect, NewProspect};
use crate::playbook::{current_talk_track, default_talk_track, objections_for, save_talk_track};
use crate::reps::create_rep;
use crate::store::Store;
use crate::time;

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

pub(crate) struct Hand {
    pub store: Store,
    pub alex: String,
    pub sam: String,
    pub texas: String,
    pub finance: String,
    pub no_budget: String,
    pub send_info: String,
    pub not_interested: String,
    pub v1: String,
    pub v2: String,
    pub calls: Vec<String>,
    pub blocks: Vec<String>,
}

/// Eight completed calls and one in progress, by two reps over three days
/// (Monday 2026-11-16 to Wednesday), counted by hand in the tests below.
///
/// | # | rep | theme | prospect tz | start (UTC) | s | outcome | asked | track | objections (s) |
/// |---|-----|-------|-------------|-------------|---|---------|-------|-------|----------------|
/// | 1 | A | Texas   | Chicago  | 16th 15:00 | 25  | no answer      |   | v1 | |
/// | 2 | A | Texas   | Chicago  | 16th 15:05 | 30  | not interested |   | v1 | not_interested 10 |
/// | 3 | A | Texas   | New York | 16th 15:10 | 75  | not interested |   | v1 | no_budget 60, send_information 70 |
/// | 4 | A | Finance | New York | 16th 16:00 | 40  | callback       | x | v2 | send_information 30 |
/// | 5 | S | Finance | Chicago  | 17th 14:30 | 250 | meeting        | x | v2 | no_budget 70, no_budget 100 (no response) |
/// | 6 | S | Finance | none     | 17th 20:00 | 50  | voicemail      |   | v2 | |
/// | 7 | S | Texas   | Chicago  | 17th 21:00 | 185 | not interested |   | v1 | |
/// | 8 | A | none    | New York | 18th 13:00 | 120 | meeting        | x | v1 | send_information 65 |
pub(crate) fn hand() -> Hand {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let s = Settings::default();
    let alex = create_rep(c, "Alex", None, Some("America/Chicago"))
        .unwrap()
        .id;
    let sam = create_rep(c, "Sam", None, None).unwrap().id;
    let texas = create_theme(c, "Texas", ThemeKind::Geography, "")
        .unwrap()
        .id;
    let finance = create_theme(c, "Finance", ThemeKind::Role, "").unwrap().id;
    let v1 = current_talk_track(c, None).unwrap().unwrap().id;
    let mut sections = default_talk_track();
    sections.impact_question = "What would a day a week be worth?".into();
    let v2 = save_talk_track(
        c,
        None,
        "Default talk track",
        &sections,
        "Sharper question",
        None,
    )
    .unwrap()
    .id;
    let lib = objections_for(c, None).unwrap();
    let obj = |slug: &str| lib.iter().find(|o| o.slug == slug).unwrap().clone();
    let (ni, nb, si) = (
        obj("not_interested"),
        obj("no_budget"),
        obj("send_information"),
    );
    let prospect = |name: &str, tz: Option<&str>| {
        insert_prospect(
            c,
            &NewProspect {
                first_name: name.into(),
                last_name: "Doe".into(),
                company: format!("{name} Inc"),
                time_zone: tz.map(str::to_string),
                ..NewProspect::default()
            },
            at(1, 0, 0),
        )
        .unwrap()
    };
    let chi = [
        prospect("Chi1", Some("America/Chicago")),
        prospect("Chi2", Some("America/Chicago")),
        prospect("Chi3", Some("America/Chicago")),
        prospect("Chi4", Some("America/Chicago")),
    ];
    let ny = [
        prospect("Ny1", Some("America/New_York")),
        prospect("Ny2", Some("America/New_York")),
        prospect("Ny3", Some("America/New_York")),
    ];
    let none = prospect("Nozone", None);

    let block = |rep: &str, start: DateTime<Utc>, mins: i64, reason: &str| {
        insert_finished_block(
            c,
            &FinishedBlock {
                rep_id: rep,
                theme_ids: &[],
                planned_seconds: 3120,
                break_seconds: 1020,
                started_at: start,
                ended_at: start + Duration::minutes(mins),
                end_reason: reason,
            },
        )
        .unwrap()
    };
    let b1 = block(&alex, at(16, 15, 0), 52, "completed");
    let b2 = block(&alex, at(16, 16, 0), 30, "ended_early");
    let b3 = block(&sam, at(17, 14, 30), 52, "completed");
    c.execute(
        "INSERT INTO block_themes (block_id, theme_id) VALUES (?1, ?2), (?3, ?4), (?5, ?4)",
        params![b1, texas, b2, finance, b3],
    )
    .unwrap();
    c.execute(
        "INSERT INTO block_pauses (id, block_id, paused_at, resumed_at) VALUES ('pause1', ?1, ?2, ?3)",
        params![b1, time::to_db(at(16, 15, 20)), time::to_db(at(16, 15, 22))],
    )
    .unwrap();
    // A block still running: not "run".
    c.execute(
        "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at)
         VALUES ('b4', ?1, 3120, 1020, ?2)",
        params![sam, time::to_db(at(18, 14, 0))],
    )
    .unwrap();

    type Spec<'a> = (
        &'a str,
        Option<&'a str>,
        &'a str,
        DateTime<Utc>,
        u32,
        Outcome,
        bool,
        &'a str,
        Vec<(&'a crate::playbook::ObjectionWithResponse, u32, bool)>,
        &'a str,
        Option<&'a str>,
    );
    let specs: Vec<Spec> = vec![
        (
            &alex,
            Some(&texas),
            &chi[0],
            at(16, 15, 0),
            25,
            Outcome::NoAnswer,
            false,
            &v1,
            vec![],
            "",
            Some(&b1),
        ),
        (
            &alex,
            Some(&texas),
            &chi[1],
            at(16, 15, 5),
            30,
            Outcome::NotInterested,
            false,
            &v1,
            vec![(&ni, 10, true)],
            "Happy with the current vendor",
            Some(&b1),
        ),
        (
            &alex,
            Some(&texas),
            &ny[0],
            at(16, 15, 10),
            75,
            Outcome::NotInterested,
            false,
            &v1,
            vec![(&nb, 60, true), (&si, 70, true)],
            "Budget frozen until spring",
            Some(&b1),
        ),
        (
            &alex,
            Some(&finance),
            &ny[1],
            at(16, 16, 0),
            40,
            Outcome::Callback,
            true,
            &v2,
            vec![(&si, 30, true)],
            "Call after the budget review",
            Some(&b2),
        ),
        (
            &sam,
            Some(&finance),
            &chi[2],
            at(17, 14, 30),
            250,
            Outcome::Meeting,
            true,
            &v2,
            vec![(&nb, 70, true), (&nb, 100, false)],
            "Booked a demo; budget approved",
            Some(&b3),
        ),
        (
            &sam,
            Some(&finance),
            &none,
            at(17, 20, 0),
            50,
            Outcome::Voicemail,
            false,
            &v2,
            vec![],
            "Left a voicemail",
            None,
        ),
        (
            &sam,
            Some(&texas),
            &chi[3],
            at(17, 21, 0),
            185,
            Outcome::NotInterested,
            false,
            &v1,
            vec![],
            "=HYPERLINK(\"http://x\") went long",
            None,
        ),
        (
            &alex,
            None,
            &ny[2],
            at(18, 13, 0),
            120,
            Outcome::Meeting,
            true,
            &v1,
            vec![(&si, 65, true)],
            "Booked after the pricing talk",
            None,
        ),
    ];
    let mut calls = Vec::new();
    for (rep, theme, p, start, secs, outcome, asked, track, objs, notes, block) in specs {
        let id = record_completed_call(
            c,
            &CompletedCall {
                prospect_id: p.to_string(),
                rep_id: rep.to_string(),
                block_id: block.map(str::to_string),
                theme_id: theme.map(str::to_string),
                talk_track_version_id: Some(track.to_string()),
                started_at: start,
                ring_ms: None,
                duration_ms: secs * 1000,
                outcome,
                asked_for_meeting: asked,
                callback_at: (outcome == Outcome::Callback).then(|| start + Duration::days(2)),
                notes: notes.into(),
                gap_current_state: if outcome == Outcome::Meeting && secs == 250 {
                    "Spreadsheets on Mondays".into()
                } else {
                    String::new()
                },
                gap_objectives: String::new(),
                gap_impact: String::new(),
                objections: objs
                    .iter()
                    .map(|(o, at_s, with)| RaisedObjection {
                        objection_id: o.objection_id.clone(),
                        response_id: with.then(|| o.response_id.clone()),
                        at_ms: at_s * 1000,
                    })
                    .collect(),
                meeting: (outcome == Outcome::Meeting).then(|| NewMeeting {
                    starts_at: start + Duration::days(3),
                    duration_minutes: 30,
                    email: "p@example.com".into(),
                    format: "web".into(),
                }),
            },
            &s,
        )
        .unwrap();
        calls.push(id);
    }
    // A call in progress: never counted.
    c.execute(
        "INSERT INTO calls (id, prospect_id, rep_id, theme_id, started_at, notes)
         VALUES ('in-progress', ?1, ?2, ?3, ?4, 'budget talk in progress')",
        params![chi[0], alex, texas, time::to_db(at(18, 14, 0))],
    )
    .unwrap();
    // Alex's weekly schedule: Monday 15:00 and 16:00 UTC.
    for (i, minute) in [900, 960].iter().enumerate() {
        c.execute(
            "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone, created_at)
             VALUES (?1, ?2, 'block', 0, ?3, 52, 'UTC', ?4)",
            params![format!("slot{i}"), alex, minute, time::to_db(at(1, 0, 0))],
        )
        .unwrap();
    }
    // The rollups are brought up to date, as every public report does.
    assert!(super::rollup::ensure_fresh(c, &s));
    Hand {
        store,
        alex,
        sam,
        texas,
        finance,
        no_budget: nb.objection_id.clone(),
        send_info: si.objection_id.clone(),
        not_interested: ni.objection_id.clone(),
        v1,
        v2,
        calls,
        blocks: vec![b1, b2, b3],
    }
}

fn f(d: u32, c: u32, v: u32, m: u32, t: u32, p: u32) -> Funnel {
    Funnel {
        dials: d,
        connects: c,
        conversations: v,
        meetings: m,
        talk_seconds: t,
        calls_past_limit: p,
    }
}

fn all() -> ReportFilter {
    ReportFilter::default()
}

#[test]
fn the_funnel_matches_the_hand_count() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    for fresh in [true, false] {
        assert_eq!(
            funnel_with(c, &all(), &s, fresh).unwrap(),
            f(8, 6, 5, 2, 775, 2),
            "fresh {fresh}"
        );
        let by = |b| funnel_by_with(c, &all(), b, &s, fresh).unwrap();
        let rep = by(GroupBy::Rep);
        assert_eq!(
            rep.iter()
                .map(|g| (g.label.as_str(), g.funnel.clone()))
                .collect::<Vec<_>>(),
            vec![
                ("Alex", f(5, 4, 3, 1, 290, 0)),
                ("Sam", f(3, 2, 2, 1, 485, 2))
            ]
        );
        assert_eq!(rep[0].key, h.alex);
        let theme = by(GroupBy::Theme);
        assert_eq!(
            theme
                .iter()
                .map(|g| (g.key.as_str(), g.label.as_str(), g.funnel.clone()))
                .collect::<Vec<_>>(),
            vec![
                (h.finance.as_str(), "Finance", f(3, 2, 2, 1, 340, 1)),
                (h.texas.as_str(), "Texas", f(4, 3, 2, 0, 315, 1)),
                ("", "No theme", f(1, 1, 1, 1, 120, 0)),
            ]
        );
        let day = by(GroupBy::Day);
        assert_eq!(
            day.iter()
                .map(|g| (
                    g.key.as_str(),
                    g.funnel.dials,
                    g.funnel.connects,
                    g.funnel.meetings
                ))
                .collect::<Vec<_>>(),
            vec![
                ("2026-11-16", 4, 3, 0),
                ("2026-11-17", 3, 2, 1),
                ("2026-11-18", 1, 1, 1)
            ]
        );
        let week = by(GroupBy::Week);
        assert_eq!(week.len(), 1);
        assert_eq!(week[0].key, "2026-11-16");
        assert_eq!(week[0].label, "2026-W47 (from 16 Nov)");
        assert_eq!(week[0].funnel, f(8, 6, 5, 2, 775, 2));
        let hour = by(GroupBy::Hour);
        assert_eq!(
            hour.iter()
                .map(|g| (
                    g.key.as_str(),
                    g.funnel.dials,
                    g.funnel.connects,
                    g.funnel.meetings
                ))
                .collect::<Vec<_>>(),
            vec![
                ("08", 2, 2, 2),
                ("09", 2, 1, 0),
                ("10", 1, 1, 0),
                ("11", 1, 1, 0),
                ("15", 1, 1, 0),
                ("unknown", 1, 0, 0)
            ]
        );
        assert_eq!(hour[0].label, "08:00-09:00");
        let weekday = by(GroupBy::Weekday);
        assert_eq!(
            weekday
                .iter()
                .map(|g| (g.label.as_str(), g.funnel.dials, g.funnel.connects))
                .collect::<Vec<_>>(),
            vec![
                ("Monday", 4, 3),
                ("Tuesday", 2, 2),
                ("Wednesday", 1, 1),
                ("Time zone unknown", 1, 0)
            ]
        );
        let outcome = by(GroupBy::Outcome);
        assert_eq!(
            outcome
                .iter()
                .map(|g| (g.key.as_str(), g.funnel.dials))
                .collect::<Vec<_>>(),
            vec![
                ("no_answer", 1),
                ("voicemail", 1),
                ("not_interested", 3),
                ("callback", 1),
                ("meeting", 2)
            ]
        );
    }
    // Rates carry their counts.
    let total = funnel(c, &all(), &s).unwrap();
    let r = total.rates();
    assert_eq!(
        (r.connect_rate.numerator, r.connect_rate.denominator),
        (6, 8)
    );
    assert_eq!(r.connect_rate.value, Some(0.75));
    assert_eq!(
        (r.meeting_rate.numerator, r.meeting_rate.denominator),
        (2, 5)
    );
    assert_eq!(r.connect_to_meeting.value, Some(2.0 / 6.0));
    assert_eq!(Rate::new(0, 0).value, None);
    assert_eq!(Rate::new(1, 3).display(), "33.3 % (1/3)");
}

#[test]
fn the_report_has_the_cli_shape() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    let r = report(c, &all(), Some(ReportBy::Funnel(GroupBy::Rep)), &s).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["dials"], 8);
    assert_eq!(json["connects"], 6);
    assert_eq!(json["conversations"], 5);
    assert_eq!(json["meetings"], 2);
    assert_eq!(json["groups"].as_array().unwrap().len(), 2);
    assert_eq!(json["groups"][0]["funnel"]["dials"], 5);
    assert!(json["definitions"][2].as_str().unwrap().contains("60 s"));
    let r = report(c, &all(), None, &s).unwrap();
    assert!(serde_json::to_value(&r).unwrap().get("groups").is_none());
}

#[test]
fn filters_select_what_they_say() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    let dials = |flt: ReportFilter| -> Vec<u32> {
        [true, false]
            .iter()
            .map(|fresh| funnel_with(c, &flt, &s, *fresh).unwrap().dials)
            .collect()
    };
    let rep_ni = ReportFilter {
        rep_ids: vec![h.alex.clone()],
        outcomes: vec![Outcome::NotInterested],
        ..all()
    };
    assert_eq!(dials(rep_ni), vec![2, 2]);
    let themes = ReportFilter {
        theme_ids: vec![h.texas.clone(), h.finance.clone()],
        ..all()
    };
    assert_eq!(dials(themes), vec![7, 7]);
    let band = |b| ReportFilter {
        duration: Some(b),
        ..all()
    };
    assert_eq!(dials(band(DurationBand::UNDER_1)), vec![4, 4]);
    assert_eq!(dials(band(DurationBand::FROM_1_TO_2)), vec![1, 1]);
    assert_eq!(dials(band(DurationBand::FROM_2_TO_3)), vec![1, 1]);
    assert_eq!(dials(band(DurationBand::OVER_3)), vec![2, 2]);
    assert_eq!(
        dials(band(DurationBand::parse("0:20-0:45").unwrap())),
        vec![3, 3]
    );
    let obj = ReportFilter {
        objection_id: Some(h.no_budget.clone()),
        ..all()
    };
    assert_eq!(dials(obj), vec![2, 2]);
    // Talk-track versions (read from the calls, as the rollups do not keep them).
    let versions = |ids: &[&String]| ReportFilter {
        talk_track_version_ids: ids.iter().map(|s| s.to_string()).collect(),
        ..all()
    };
    assert_eq!(dials(versions(&[&h.v2])), vec![3, 3]);
    assert_eq!(dials(versions(&[&h.v1])), vec![5, 5]);
    assert_eq!(dials(versions(&[&h.v1, &h.v2])), vec![8, 8]);
    let name: String = c
        .query_row(
            "SELECT t.name || ' v' || v.version FROM talk_track_versions v
             JOIN talk_tracks t ON t.id = v.talk_track_id WHERE v.id = ?1",
            [&h.v2],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        resolve_track_version(c, &name.to_uppercase()).unwrap(),
        h.v2
    );
    assert_eq!(resolve_track_version(c, &h.v1).unwrap(), h.v1);
    let e = resolve_track_version(c, "No such track v9")
        .unwrap_err()
        .to_string();
    assert!(e.contains("--track-version") && e.contains(&name), "{e}");
    assert_eq!(
        dials(ReportFilter {
            rep_ids: vec![h.alex.clone()],
            ..versions(&[&h.v1])
        }),
        vec![4, 4]
    );
    let log = call_log(
        c,
        &CallLogQuery {
            filter: versions(&[&h.v2]),
            ..CallLogQuery::default()
        },
        &s,
    )
    .unwrap();
    assert_eq!((log.rows.len(), log.total.value), (3, 3));
    let text = |t: &str| ReportFilter {
        text: Some(t.into()),
        ..all()
    };
    assert_eq!(dials(text("budget")), vec![3, 3]);
    assert_eq!(dials(text("BUDG*")), vec![3, 3]);
    assert_eq!(dials(text("budget booked")), vec![1, 1]);
    assert_eq!(dials(text("\"budget review\"")), vec![1, 1]);
    assert_eq!(
        dials(text("spreadsheets")),
        vec![1, 1],
        "gap notes are searched"
    );
    assert_eq!(dials(text("nothing-like-this")), vec![0, 0]);
    assert_eq!(
        dials(text("\" * ( -")),
        vec![8, 8],
        "no word: no text filter"
    );
    assert_eq!(
        dials(text("budget AND (OR")),
        vec![0, 0],
        "operators are plain words"
    );
    assert_eq!(dials(text("budget-review")), vec![1, 1]);
    // Periods: whole days (inclusive), and instants inside days.
    let (from, to) = parse_period(Some("2026-11-17"), Some("2026-11-17")).unwrap();
    assert_eq!(dials(ReportFilter { from, to, ..all() }), vec![3, 3]);
    let partial = ReportFilter {
        from: Some(at(16, 15, 7)),
        to: Some(at(17, 20, 30)),
        ..all()
    };
    assert_eq!(dials(partial.clone()), vec![4, 4]);
    let by_day = funnel_by_with(c, &partial, GroupBy::Day, &s, true).unwrap();
    assert_eq!(
        by_day.iter().map(|g| g.funnel.dials).collect::<Vec<_>>(),
        vec![2, 2]
    );
    let inside = ReportFilter {
        from: Some(at(16, 15, 1)),
        to: Some(at(16, 15, 20)),
        ..all()
    };
    assert_eq!(dials(inside), vec![2, 2]);
}

#[test]
fn parse_helpers_give_clear_errors() {
    let (f, t) = parse_period(Some("2026-11-16"), Some("2026-11-16")).unwrap();
    assert_eq!(f, Some(at(16, 0, 0)));
    assert_eq!(t, Some(at(17, 0, 0)));
    let e = parse_period(Some("2026-13-01"), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--from") && e.contains("YYYY-MM-DD"), "{e}");
    let e = parse_period(Some("2026-11-20"), Some("2026-11-10"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("after"), "{e}");
    assert_eq!(
        parse_period(None, Some("2026-11-16T09:30:00Z")).unwrap().1,
        Some(at(16, 9, 30))
    );
    assert_eq!(GroupBy::parse("Week").unwrap(), GroupBy::Week);
    assert!(GroupBy::parse("month")
        .unwrap_err()
        .to_string()
        .contains("rep, theme, day, week, hour, weekday, outcome"));
    assert_eq!(DurationBand::parse("over-3").unwrap(), DurationBand::OVER_3);
    assert_eq!(
        DurationBand::parse("1:30-").unwrap(),
        DurationBand {
            min_seconds: Some(90),
            max_seconds: None
        }
    );
    assert!(DurationBand::parse("3-1").is_err());
    assert!(DurationBand::parse("soon").is_err());
    assert_eq!(DurationBand::FROM_1_TO_2.label(), "1:00-2:00");
    let h = hand();
    let c = h.store.conn();
    assert_eq!(resolve_rep(c, "alex").unwrap(), h.alex);
    let e = resolve_rep(c, "Zed").unwrap_err().to_string();
    assert!(e.contains("\"Alex\", \"Sam\""), "{e}");
    assert_eq!(resolve_theme(c, "TEXAS").unwrap(), h.texas);
    assert_eq!(resolve_objection(c, "no_budget").unwrap(), h.no_budget);
    assert_eq!(
        fts_query("a \"b c\" d*"),
        Some("\"a\" \"b c\" \"d\"*".into())
    );
    assert_eq!(fts_query("  \"  "), None);
}

#[test]
fn when_to_call_matches_the_hand_count() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    for fresh in [true, false] {
        let t = timing_with(c, &all(), &s, fresh).unwrap();
        let hours: Vec<_> = t
            .by_hour
            .iter()
            .map(|r| (r.key.as_str(), r.dials, r.connects))
            .collect();
        assert_eq!(
            hours,
            vec![
                ("08", 2, 2),
                ("09", 2, 1),
                ("10", 1, 1),
                ("11", 1, 1),
                ("15", 1, 1),
                ("unknown", 1, 0)
            ]
        );
        assert_eq!(t.by_hour[1].connect_rate, Rate::new(1, 2));
        let days: Vec<_> = t
            .by_weekday
            .iter()
            .map(|r| (r.key.as_str(), r.dials, r.connects, r.meetings))
            .collect();
        assert_eq!(
            days,
            vec![
                ("0", 4, 3, 0),
                ("1", 2, 2, 1),
                ("2", 1, 1, 1),
                ("unknown", 1, 0, 0)
            ]
        );
        assert_eq!(t.grid.len(), 6);
        assert!(t
            .grid
            .iter()
            .any(|g| (g.weekday, g.hour, g.dials, g.connects) == (0, 9, 2, 1)));
    }
    let t = timing(c, &all(), &s).unwrap();
    assert!(t.definitions.iter().any(|d| d.contains("local time")));
}

#[test]
fn call_length_matches_the_hand_count() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    for fresh in [true, false] {
        let l = length_with(c, &all(), &s, fresh).unwrap();
        assert_eq!(l.bins.len(), 25);
        assert_eq!(l.bins[24].label, "6:00+");
        assert_eq!(l.bins[4].label, "1:00-1:15");
        let mut expect = vec![0u32; 25];
        for b in [1, 2, 2, 3, 5, 8, 12, 16] {
            expect[b] += 1;
        }
        assert_eq!(l.all.counts, expect);
        assert_eq!(l.all.calls, 8);
        assert_eq!(l.all.median_seconds, Some(60.0));
        assert_eq!(l.all.mean_seconds, Some(775.0 / 8.0));
        assert_eq!(l.all.past_limit, Rate::new(2, 8));
        let ni = l
            .by_outcome
            .iter()
            .find(|x| x.outcome == Some(Outcome::NotInterested))
            .unwrap();
        assert_eq!(ni.calls, 3);
        assert_eq!(ni.median_seconds, Some(82.5));
        assert_eq!(ni.past_limit, Rate::new(1, 3));
        let m = l
            .by_outcome
            .iter()
            .find(|x| x.outcome == Some(Outcome::Meeting))
            .unwrap();
        assert_eq!(
            (m.calls, m.median_seconds, m.mean_seconds),
            (2, Some(135.0), Some(185.0))
        );
        assert_eq!(
            l.by_outcome
                .iter()
                .map(|x| x.outcome.unwrap())
                .collect::<Vec<_>>(),
            vec![
                Outcome::NoAnswer,
                Outcome::Voicemail,
                Outcome::NotInterested,
                Outcome::Callback,
                Outcome::Meeting
            ]
        );
    }
    // A band filter keeps only its calls.
    let l = length(
        c,
        &ReportFilter {
            duration: Some(DurationBand::OVER_3),
            ..all()
        },
        &s,
    )
    .unwrap();
    assert_eq!((l.all.calls, l.all.past_limit.numerator), (2, 2));
    assert_eq!(median_of(&[0, 0, 2], 15), Some(30.0));
    assert_eq!(median_of(&[0, 0], 15), None);
}

#[test]
fn the_playbook_matches_the_hand_count() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    for fresh in [true, false] {
        let p = playbook_with(c, &all(), &s, fresh).unwrap();
        assert_eq!(p.connects, 6);
        let o: Vec<_> = p
            .objections
            .iter()
            .map(|o| (o.objection_id.as_str(), o.times, o.calls, o.meetings))
            .collect();
        assert_eq!(
            o,
            vec![
                (h.send_info.as_str(), 3, 3, 1),
                (h.no_budget.as_str(), 3, 2, 1),
                (h.not_interested.as_str(), 1, 1, 0)
            ]
        );
        assert_eq!(p.objections[1].share_of_connects, Rate::new(2, 6));
        assert_eq!(p.objections[1].meeting_rate, Rate::new(1, 2));
        assert_eq!(p.objections[0].label, "Send me information");
        let r: Vec<_> = p
            .responses
            .iter()
            .map(|r| (r.objection_label.as_str(), r.times, r.calls, r.meetings))
            .collect();
        assert_eq!(
            r,
            vec![
                ("Not interested", 1, 1, 0),
                ("Send me information", 3, 3, 1),
                ("No budget", 2, 2, 1),
                ("No response recorded", 1, 1, 1)
            ]
        );
        assert!(p.responses[0].response.starts_with("Fair enough"));
        assert_eq!(p.responses[3].response_id, None);
        let t: Vec<_> = p
            .talk_tracks
            .iter()
            .map(|t| {
                (
                    t.version_id.clone().unwrap(),
                    t.version,
                    t.dials,
                    t.connects,
                    t.conversations,
                    t.meetings,
                )
            })
            .collect();
        assert_eq!(
            t,
            vec![
                (h.v1.clone(), Some(1), 5, 4, 3, 1),
                (h.v2.clone(), Some(2), 3, 2, 2, 1)
            ]
        );
        assert_eq!(p.talk_tracks[0].connect_to_meeting, Rate::new(1, 4));
        assert_eq!(p.talk_tracks[1].connect_to_meeting, Rate::new(1, 2));
    }
    // Filtered by rep.
    let p = playbook(
        c,
        &ReportFilter {
            rep_ids: vec![h.sam.clone()],
            ..all()
        },
        &s,
    )
    .unwrap();
    assert_eq!(p.connects, 2);
    assert_eq!(p.objections.len(), 1);
    assert_eq!((p.objections[0].times, p.objections[0].calls), (2, 1));
}

#[test]
fn blocks_match_the_hand_count() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    let (from, to) = parse_period(Some("2026-11-16"), Some("2026-11-22")).unwrap();
    let week = ReportFilter { from, to, ..all() };
    let now = at(25, 0, 0);
    for fresh in [true, false] {
        let b = blocks_with(c, &week, &s, fresh, now).unwrap();
        assert!(b.schedule_defined);
        let t = &b.total;
        assert_eq!(t.planned, Some(2));
        assert_eq!(
            (
                t.run,
                t.completed,
                t.ended_early,
                t.abandoned,
                t.in_progress
            ),
            (3, 2, 1, 0, 1)
        );
        assert_eq!(t.run_vs_planned, Some(Rate::new(3, 2)));
        assert_eq!(t.planned_seconds, 3 * 3120);
        assert_eq!(t.active_seconds, 3000 + 1800 + 3120);
        assert_eq!(t.phone_seconds, 25 + 30 + 75 + 40 + 250);
        assert_eq!(
            (t.dials, t.connects, t.conversations, t.meetings),
            (5, 4, 3, 1)
        );
        assert_eq!(t.dials_per_hour, Some(5.0 * 3600.0 / 7920.0));
        assert_eq!(b.by_rep.len(), 2);
        assert_eq!(b.by_rep[0].label, "Alex");
        assert_eq!(b.by_rep[0].stats.planned, Some(2));
        assert_eq!(b.by_rep[0].stats.run, 2);
        assert_eq!(
            b.by_rep[0].stats.dials_per_hour,
            Some(4.0 * 3600.0 / 4800.0)
        );
        assert_eq!(b.by_rep[1].stats.planned, Some(0));
        assert_eq!(b.by_week.len(), 1);
        assert_eq!(b.dials_per_hour[0].blocks, 3);
        assert_eq!(b.dials_per_hour.iter().map(|x| x.blocks).sum::<u32>(), 3);
    }
    // Planned counts only up to now, and only from the period's start.
    let b = blocks_with(c, &week, &s, true, at(16, 15, 30)).unwrap();
    assert_eq!(b.total.planned, Some(1));
    // A theme selects blocks by their themes; no schedule for Sam.
    let b = blocks_with(
        c,
        &ReportFilter {
            theme_ids: vec![h.finance.clone()],
            ..week.clone()
        },
        &s,
        true,
        now,
    )
    .unwrap();
    assert_eq!(b.total.run, 2);
    let b = blocks_with(
        c,
        &ReportFilter {
            rep_ids: vec![h.sam.clone()],
            ..week
        },
        &s,
        true,
        now,
    )
    .unwrap();
    assert!(!b.schedule_defined);
    assert_eq!(b.total.planned, None);
    assert!(b
        .definitions
        .iter()
        .any(|d| d.contains("No weekly schedule")));
    let _ = &h.blocks;
}

#[test]
fn the_call_log_pages_filters_and_searches() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    for fresh in [true, false] {
        let q = CallLogQuery {
            limit: 3,
            ..CallLogQuery::default()
        };
        let p1 = call_log_with(c, &q, &s, fresh).unwrap();
        assert_eq!(p1.total.value, 8);
        assert!(p1.total.exact);
        assert_eq!(p1.rows.len(), 3);
        assert_eq!(p1.rows[0].id, h.calls[7], "newest first");
        assert_eq!(p1.rows[0].prospect_name, "Ny3 Doe");
        assert_eq!(p1.rows[0].theme_name, None);
        let mut seen: Vec<String> = p1.rows.iter().map(|r| r.id.clone()).collect();
        let mut next = p1.next.clone();
        while let Some(cur) = next {
            let p = call_log_with(
                c,
                &CallLogQuery {
                    after: Some(cur),
                    ..q.clone()
                },
                &s,
                fresh,
            )
            .unwrap();
            seen.extend(p.rows.iter().map(|r| r.id.clone()));
            next = p.next;
        }
        let mut expect = h.calls.clone();
        expect.reverse();
        assert_eq!(seen, expect, "fresh {fresh}");
        // Offset paging gives the same rows.
        let p = call_log_with(
            c,
            &CallLogQuery {
                offset: 5,
                ..q.clone()
            },
            &s,
            fresh,
        )
        .unwrap();
        assert_eq!(
            p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            expect[5..8].to_vec()
        );
        assert_eq!(p.offset, Some(5));
        assert!(p.next.is_none());
        // The row for call 3.
        let row = call_log_with(
            c,
            &CallLogQuery {
                offset: 5,
                limit: 1,
                ..CallLogQuery::default()
            },
            &s,
            fresh,
        )
        .unwrap()
        .rows
        .remove(0);
        assert_eq!(row.id, h.calls[2]);
        assert_eq!(row.rep_name, "Alex");
        assert_eq!(row.theme_name.as_deref(), Some("Texas"));
        assert_eq!(row.company, "Ny1 Inc");
        assert_eq!(row.duration_ms, 75_000);
        assert_eq!(row.outcome_label, "Not interested");
        assert_eq!(row.objections, vec!["No budget", "Send me information"]);
        assert_eq!(row.notes, "Budget frozen until spring");
        // Filters.
        let ids = |flt: ReportFilter| -> (Vec<String>, u32) {
            let p = call_log_with(
                c,
                &CallLogQuery {
                    filter: flt,
                    ..CallLogQuery::default()
                },
                &s,
                fresh,
            )
            .unwrap();
            (p.rows.iter().map(|r| r.id.clone()).collect(), p.total.value)
        };
        assert_eq!(
            ids(ReportFilter {
                text: Some("budget".into()),
                ..all()
            }),
            (
                vec![h.calls[4].clone(), h.calls[3].clone(), h.calls[2].clone()],
                3
            )
        );
        assert_eq!(
            ids(ReportFilter {
                objection_id: Some(h.send_info.clone()),
                rep_ids: vec![h.alex.clone()],
                ..all()
            }),
            (
                vec![h.calls[7].clone(), h.calls[3].clone(), h.calls[2].clone()],
                3
            )
        );
        assert_eq!(
            ids(ReportFilter {
                duration: Some(DurationBand::OVER_3),
                ..all()
            }),
            (vec![h.calls[6].clone(), h.calls[4].clone()], 2)
        );
        assert_eq!(
            ids(ReportFilter {
                duration: Some(DurationBand::parse("0:20-0:33").unwrap()),
                ..all()
            })
            .0,
            vec![h.calls[1].clone(), h.calls[0].clone()]
        );
        assert_eq!(
            ids(ReportFilter {
                from: Some(at(16, 15, 7)),
                to: Some(at(17, 20, 30)),
                outcomes: vec![Outcome::Callback, Outcome::Meeting, Outcome::NotInterested],
                ..all()
            }),
            (
                vec![h.calls[4].clone(), h.calls[3].clone(), h.calls[2].clone()],
                3
            )
        );
        assert_eq!(
            ids(ReportFilter {
                rep_ids: vec![h.sam.clone()],
                outcomes: vec![Outcome::NoAnswer],
                ..all()
            }),
            (vec![], 0)
        );
    }
}

#[test]
fn a_call_detail_shows_its_timeline() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    let d = call_detail(c, &h.calls[4], &s).unwrap();
    assert_eq!(d.rep_name, "Sam");
    assert_eq!(d.outcome, Some(Outcome::Meeting));
    assert_eq!(d.local_hour, Some(8));
    assert_eq!(d.talk_track.as_ref().map(|t| t.version), Some(2));
    assert_eq!(d.gap_current_state, "Spreadsheets on Mondays");
    assert_eq!(d.objections.len(), 2);
    assert_eq!(d.objections[0].phase, "objections");
    assert_eq!(d.objections[1].phase, "objections");
    assert!(d.objections[0]
        .response
        .as_deref()
        .unwrap()
        .contains("budget"));
    assert_eq!(d.objections[1].response, None);
    assert!(d.meeting.is_some());
    assert!(
        d.phases.iter().all(|p| p.reached),
        "250 s reaches every phase"
    );
    let kinds: Vec<_> = d.timeline.iter().map(|e| (e.at_ms, e.kind)).collect();
    use super::calllog::TimelineKind::*;
    assert_eq!(
        kinds,
        vec![
            (0, Phase),
            (45_000, Phase),
            (60_000, Phase),
            (70_000, Objection),
            (100_000, Objection),
            (120_000, Phase),
            (180_000, Phase),
            (250_000, End)
        ]
    );
    assert!(d.timeline[7].detail.starts_with("Meeting on"));
    let short = call_detail(c, &h.calls[0], &s).unwrap();
    assert_eq!(
        short.phases.iter().filter(|p| p.reached).count(),
        1,
        "25 s stays in the opening"
    );
    let running = call_detail(c, "in-progress", &s).unwrap();
    assert_eq!(running.outcome, None);
    assert_eq!(running.outcome_label, "In progress");
    assert_eq!(call_detail(c, "nope", &s).unwrap_err().kind(), "not_found");
}

#[test]
fn rollups_follow_every_change_to_the_calls() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    let total = |c: &rusqlite::Connection| funnel(c, &all(), &s).unwrap();
    assert_eq!(total(c).dials, 8);
    // The call in progress completes.
    c.execute(
        "UPDATE calls SET ended_at = ?1, duration_ms = 61000, outcome = 'not_interested' WHERE id = 'in-progress'",
        [time::to_db(at(18, 14, 1))],
    )
    .unwrap();
    assert_eq!(total(c), f(9, 7, 6, 2, 836, 2));
    // An objection added afterwards counts.
    c.execute(
        "INSERT INTO call_objections (id, call_id, objection_id, position, at_ms) VALUES ('x', 'in-progress', ?1, 1, 5000)",
        [&h.no_budget],
    )
    .unwrap();
    let p = playbook(c, &all(), &s).unwrap();
    assert_eq!(
        p.objections
            .iter()
            .find(|o| o.objection_id == h.no_budget)
            .unwrap()
            .calls,
        3
    );
    // Notes edited: the search follows.
    c.execute(
        "UPDATE calls SET notes = 'Wants a proposal' WHERE id = ?1",
        [&h.calls[2]],
    )
    .unwrap();
    let n = |t: &str| {
        funnel(
            c,
            &ReportFilter {
                text: Some(t.into()),
                ..all()
            },
            &s,
        )
        .unwrap()
        .dials
    };
    assert_eq!(n("proposal"), 1);
    assert_eq!(n("frozen"), 0);
    assert_eq!(n("budget"), 3, "the completed call's notes mention budget");
    // A call deleted.
    c.execute("DELETE FROM meetings WHERE call_id = ?1", [&h.calls[7]])
        .unwrap();
    c.execute("DELETE FROM calls WHERE id = ?1", [&h.calls[7]])
        .unwrap();
    assert_eq!(total(c).dials, 8);
    assert_eq!(n("pricing"), 0);
    // Other thresholds: everything is recomputed.
    let strict = Settings {
        conversation_seconds: 100,
        phase_limit: 200,
        ..Settings::default()
    };
    let f2 = funnel(c, &all(), &strict).unwrap();
    let raw = funnel_with(c, &all(), &strict, false).unwrap();
    assert_eq!(f2, raw);
    assert_eq!(f2.calls_past_limit, 1);
    assert_eq!(funnel(c, &all(), &s).unwrap().calls_past_limit, 2);
}

#[test]
fn exports_escape_formulas_and_quote() {
    let h = hand();
    let c = h.store.conn();
    let s = Settings::default();
    assert_eq!(escape_formula("=1+2"), "'=1+2");
    assert_eq!(escape_formula("-3"), "'-3");
    assert_eq!(escape_formula("@x"), "'@x");
    assert_eq!(escape_formula("+x"), "'+x");
    assert_eq!(escape_formula("plain"), "plain");
    let mut out = Vec::new();
    let n = export_calls(c, &all(), ExportFormat::Csv, &mut out).unwrap();
    assert_eq!(n, 8);
    let text = String::from_utf8(out).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let headers = rd.headers().unwrap().clone();
    assert_eq!(headers.len(), super::export::CALL_COLUMNS.len());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 8);
    let injected = rows.iter().find(|r| r[13].contains("HYPERLINK")).unwrap();
    assert_eq!(&injected[13], "'=HYPERLINK(\"http://x\") went long");
    assert_eq!(&injected[6], "185");
    assert_eq!(&injected[7], "", "ring time unknown: a call written whole");
    let three = rows.iter().find(|r| r[0] == h.calls[2]).unwrap();
    assert_eq!(&three[12], "No budget; Send me information");
    // JSON.
    let mut out = Vec::new();
    export_calls(
        c,
        &ReportFilter {
            outcomes: vec![Outcome::Meeting],
            ..all()
        },
        ExportFormat::Json,
        &mut out,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["outcome"], "meeting");
    // A figure table.
    let r = report(c, &all(), Some(ReportBy::Funnel(GroupBy::Rep)), &s).unwrap();
    let tables = r.tables();
    let mut out = Vec::new();
    write_csv(&tables[0], &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("rep,Dials,Connects"), "{}", lines[0]);
    assert_eq!(lines[1], "All,8,6,5,2,75,83.3,40,33.3,12.9,2");
    assert!(lines[2].starts_with("Alex,5,4,3,1,80,"));
    // Every dashboard has tables.
    let d = dashboards(c, &all(), &s).unwrap();
    for t in d
        .summary
        .tables()
        .into_iter()
        .chain(d.blocks.tables())
        .chain(d.timing.tables())
        .chain(d.length.tables())
        .chain(d.playbook.tables())
    {
        assert!(!t.columns.is_empty(), "{}", t.name);
        assert!(
            t.rows.iter().all(|r| r.len() == t.columns.len()),
            "{}",
            t.name
        );
        let mut out = Vec::new();
        write_csv(&t, &mut out).unwrap();
    }
    let mut out = Vec::new();
    super::export::write_json(&d.playbook.tables(), &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["rows"][0]["Objection"], "Send me information");
}

/// On the demo database, the rollups and the calls give the same figures for
/// every report and filter, and the call log pages through every call once.
#[test]
fn rollups_agree_with_the_calls_on_the_demo() {
    let mut store = Store::open_in_memory().unwrap();
    let now = at(20, 18, 0);
    crate::demo::fill(&mut store, 11, now).unwrap();
    let c = store.conn();
    let s = Settings::default();
    let reps = crate::reps::reps(c).unwrap();
    let themes = crate::lists::themes(c).unwrap();
    let obj = objections_for(c, None).unwrap();
    let filters = vec![
        all(),
        ReportFilter {
            from: Some(at(10, 13, 17)),
            to: Some(at(17, 9, 45)),
            ..all()
        },
        ReportFilter {
            rep_ids: vec![reps[0].id.clone()],
            theme_ids: vec![themes[1].id.clone(), themes[2].id.clone()],
            ..all()
        },
        ReportFilter {
            outcomes: vec![Outcome::Meeting, Outcome::Callback],
            ..all()
        },
        ReportFilter {
            duration: Some(DurationBand::FROM_1_TO_2),
            ..all()
        },
        ReportFilter {
            duration: Some(DurationBand::parse("0:50-1:10").unwrap()),
            ..all()
        },
        ReportFilter {
            objection_id: Some(obj[3].objection_id.clone()),
            ..all()
        },
        ReportFilter {
            from: Some(Utc.with_ymd_and_hms(2026, 10, 20, 7, 0, 0).unwrap()),
            to: Some(Utc.with_ymd_and_hms(2026, 12, 3, 5, 0, 0).unwrap()),
            ..all()
        },
        ReportFilter {
            from: Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
            to: Some(at(19, 0, 0)),
            outcomes: vec![Outcome::NotInterested],
            ..all()
        },
        ReportFilter {
            text: Some("month-end".into()),
            from: Some(at(12, 0, 0)),
            ..all()
        },
    ];
    for flt in &filters {
        let fresh = super::rollup::ensure_fresh(c, &s);
        assert!(fresh);
        assert_eq!(
            dashboards_with(c, flt, &s, true).unwrap(),
            dashboards_with(c, flt, &s, false).unwrap(),
            "{flt:?}"
        );
        for by in GroupBy::ALL {
            assert_eq!(
                funnel_by_with(c, flt, *by, &s, true).unwrap(),
                funnel_by_with(c, flt, *by, &s, false).unwrap(),
                "{by:?} {flt:?}"
            );
        }
        // Page through with the cursor, and by offsets.
        let mut all_ids = Vec::new();
        super::calllog::for_each_call(c, flt, |x| {
            all_ids.push(x.id.clone());
            Ok(())
        })
        .unwrap();
        let q = CallLogQuery {
            filter: flt.clone(),
            limit: 37,
            ..CallLogQuery::default()
        };
        let first = call_log(c, &q, &s).unwrap();
        if first.total.exact {
            assert_eq!(first.total.value as usize, all_ids.len(), "{flt:?}");
        }
        let mut seen: Vec<String> = first.rows.iter().map(|r| r.id.clone()).collect();
        let mut next: Option<CallCursor> = first.next;
        while let Some(cur) = next {
            let p = call_log(
                c,
                &CallLogQuery {
                    after: Some(cur),
                    ..q.clone()
                },
                &s,
            )
            .unwrap();
            seen.extend(p.rows.iter().map(|r| r.id.clone()));
            next = p.next;
        }
        assert_eq!(seen, all_ids, "{flt:?}");
        for off in [0u32, 36, 37, 100, 250] {
            let p = call_log(
                c,
                &CallLogQuery {
                    offset: off,
                    ..q.clone()
                },
                &s,
            )
            .unwrap();
            let want: Vec<String> = all_ids
                .iter()
                .skip(off as usize)
                .take(37)
                .cloned()
                .collect();
            assert_eq!(
                p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
                want,
                "offset {off} {flt:?}"
            );
        }
    }
}

#[test]
fn a_version_1_database_with_calls_migrates_and_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(crate::store::migrations::MIGRATIONS[0].sql)
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {};
             INSERT INTO reps (id, name, created_at) VALUES ('r1', 'Alex', 'x');
             INSERT INTO prospects (id, created_at, updated_at) VALUES ('p1', 'x', 'x');
             INSERT INTO calls (id, prospect_id, rep_id, started_at, ended_at, duration_ms, outcome, notes, gap_impact)
             VALUES ('c1', 'p1', 'r1', '2026-11-16T15:00:00.000Z', '2026-11-16T15:01:10.000Z', 70000,
                     'not_interested', 'Asked about pricing tiers', ''),
                    ('c2', 'p1', 'r1', '2026-11-17T15:00:00.000Z', '2026-11-17T15:00:20.000Z', 20000,
                     'no_answer', '', 'Would save a hire'),
                    ('c3', 'p1', 'r1', '2026-11-18T15:00:00.000Z', NULL, NULL, NULL, 'pricing in progress', '');",
            crate::store::APPLICATION_ID as i32
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.opened_at_version(), 1);
    let c = store.conn();
    let s = Settings::default();
    let n = |t: &str| {
        funnel(
            c,
            &ReportFilter {
                text: Some(t.into()),
                ..all()
            },
            &s,
        )
        .unwrap()
        .dials
    };
    assert_eq!(n("pricing"), 1, "the call in progress is not counted");
    assert_eq!(n("hire"), 1);
    assert_eq!(funnel(c, &all(), &s).unwrap(), f(2, 1, 1, 0, 90, 0));
    let page = call_log(
        c,
        &CallLogQuery {
            filter: ReportFilter {
                text: Some("tiers".into()),
                ..all()
            },
            ..CallLogQuery::default()
        },
        &s,
    )
    .unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].id, "c1");
    // A copy made by VACUUM INTO (the backups) keeps the search working.
    let copy = dir.path().join("copy.db");
    c.execute("VACUUM INTO ?1", [copy.to_string_lossy()])
        .unwrap();
    let store2 = Store::open(&copy).unwrap();
    let hits: i64 = store2
        .conn()
        .query_row(
            "SELECT count(*) FROM calls c JOIN calls_fts f ON f.rowid = c.rowid
             WHERE calls_fts MATCH 'tiers' AND c.id = 'c1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 1);
}

#[test]
fn a_blocks_active_time_is_counted_in_rust_as_sqlite_counts_it() {
    use super::blocks::{active_seconds, ACTIVE_SECONDS_SQL};
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE blocks (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT);
         CREATE TABLE block_pauses (block_id TEXT NOT NULL, paused_at TEXT NOT NULL, resumed_at TEXT);",
    )
    .unwrap();
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-16T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut seed: u64 = 0x5eed;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let ms = |t: chrono::DateTime<chrono::Utc>, n: u64| {
        crate::time::to_db(t + chrono::Duration::milliseconds(n as i64))
    };
    let mut blocks = Vec::new();
    for i in 0..4000u64 {
        let start_ms = next(86_400_000 * 30);
        // Often half a second apart exactly: the rounding's edge.
        let len = next(4_000) * 1000 + [0, 500, 499, 501, 1][next(5) as usize];
        let start = ms(t0, start_ms);
        let ended = (next(10) > 0).then(|| ms(t0, start_ms + len));
        let mut pauses = Vec::new();
        for _ in 0..next(7) {
            let at = start_ms + next(len.max(1));
            let resumed = match next(4) {
                0 => None,
                // Past the block's end: counted up to the end.
                1 => Some(ms(t0, start_ms + len + next(5000))),
                _ => Some(ms(t0, at + next(300_000) + 500)),
            };
            pauses.push((ms(t0, at), resumed));
        }
        let id = format!("b{i}");
        conn.execute(
            "INSERT INTO blocks (id, started_at, ended_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![id, start, ended],
        )
        .unwrap();
        for (at, resumed) in &pauses {
            conn.execute(
                "INSERT INTO block_pauses (block_id, paused_at, resumed_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, at, resumed],
            )
            .unwrap();
        }
        blocks.push((id, start, ended, pauses));
    }
    for (id, start, ended, pauses) in &blocks {
        let sql: Option<i64> = conn
            .query_row(
                &format!("SELECT {ACTIVE_SECONDS_SQL} FROM blocks b WHERE b.id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            active_seconds(start, ended.as_deref(), pauses).map(i64::from),
            sql,
            "block {id}: {start} to {ended:?}, pauses {pauses:?}"
        );
    }
}

/// The blocks planned, walked a week at a time, equal the day-by-day walk
/// they replaced, for slots in zones with and without daylight saving, at
/// the edges of a day, over periods that cut through changes of clock.
#[test]
fn blocks_planned_a_week_at_a_time_equal_the_day_by_day_walk() {
    use chrono::{Datelike, NaiveDate, NaiveTime};
    use std::collections::BTreeMap;
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let rep = create_rep(c, "Alex", None, None).unwrap().id;
    let zones = [
        "UTC",
        "America/New_York",
        "Europe/London",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Pacific/Chatham",
    ];
    let mut slots = Vec::new();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: u64| {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % n
    };
    for i in 0..60 {
        let weekday = next(7) as u32;
        let minute = [0, 1, 59, 120, 150, 720, 1380, 1439][next(8) as usize] as u32;
        let tz = zones[next(zones.len() as u64) as usize];
        let created = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
            + Duration::hours(next(24 * 500) as i64);
        c.execute(
            "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone, created_at)
             VALUES (?1, ?2, 'block', ?3, ?4, 52, ?5, ?6)",
            params![format!("s{i}"), rep, weekday, minute, tz, time::to_db(created)],
        )
        .unwrap();
        slots.push((weekday, minute, tz, created));
    }
    let naive = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>, now: DateTime<Utc>| {
        let mut out: BTreeMap<(String, String), u32> = BTreeMap::new();
        let end = to.map_or(now, |t| t.min(now));
        for &(weekday, minute, tz, created) in &slots {
            let tz = time::parse_tz(tz).unwrap();
            let start = from.map_or(created, |f| f.max(created));
            if start >= end {
                continue;
            }
            let mut day: NaiveDate = start.with_timezone(&tz).date_naive() - Duration::days(1);
            let last: NaiveDate = end.with_timezone(&tz).date_naive() + Duration::days(1);
            while day <= last {
                if day.weekday().num_days_from_monday() == weekday {
                    let local = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                    if let Some(at) = tz.from_local_datetime(&local).earliest() {
                        let at = at.with_timezone(&Utc);
                        if at >= start && at < end {
                            let d = at.date_naive();
                            let monday =
                                d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
                            *out.entry((rep.clone(), monday.format("%Y-%m-%d").to_string()))
                                .or_default() += 1;
                        }
                    }
                }
                day += Duration::days(1);
            }
        }
        out
    };
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
    let mut compared = 0;
    for _ in 0..200 {
        let a = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
            + Duration::minutes(next(60 * 24 * 720) as i64);
        let b = a + Duration::minutes(next(60 * 24 * 200) as i64);
        let (from, to) = match next(4) {
            0 => (None, None),
            1 => (Some(a), None),
            2 => (None, Some(b)),
            _ => (Some(a), Some(b)),
        };
        let filter = ReportFilter {
            from,
            to,
            ..ReportFilter::default()
        };
        let got = super::blocks::planned_blocks(c, &filter, now)
            .unwrap()
            .unwrap();
        let want = naive(from, to, now);
        assert_eq!(got, want, "from {from:?} to {to:?}");
        compared += want.values().sum::<u32>();
    }
    assert!(compared > 10_000, "{compared} planned blocks compared");
}

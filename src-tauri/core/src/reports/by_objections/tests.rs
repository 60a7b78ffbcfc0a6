//! The meeting rate by objections heard against calls built by hand.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::{params, Connection};

use super::*;
use crate::calls::{record_completed_call, CompletedCall, NewMeeting, RaisedObjection};
use crate::domain::ThemeKind;
use crate::lists::{create_theme, insert_prospect, NewProspect};
use crate::playbook::{current_talk_track, default_talk_track, objections_for, save_talk_track};
use crate::reps::create_rep;
use crate::store::Store;

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

struct Ladder {
    store: Store,
    alex: String,
    sam: String,
    texas: String,
    finance: String,
    /// The objection raised first on every call.
    first: String,
    /// Default track v1, v2; the Texas track's v1.
    v1: String,
    v2: String,
    tx1: String,
}

/// One completed call: who, where, when, how long, how it ended, objections.
struct Spec<'a> {
    rep: &'a str,
    theme: Option<&'a str>,
    version: &'a str,
    day: u32,
    secs: u32,
    outcome: Outcome,
    asked: bool,
    objections: usize,
}

/// | rep | theme   | version      | day | s   | outcome        | objections | conversation |
/// |-----|---------|--------------|-----|-----|----------------|------------|--------------|
/// | A   | Texas   | Texas v1     | 16  | 150 | meeting        | 0          | yes |
/// | A   | Texas   | Texas v1     | 16  | 90  | not interested | 0          | yes |
/// | A   | Texas   | Texas v1     | 16  | 130 | meeting        | 1          | yes |
/// | A   | Texas   | Texas v1     | 16  | 100 | not interested | 3          | yes |
/// | A   | Texas   | Texas v1     | 16  | 240 | meeting        | 4          | yes |
/// | A   | Texas   | Texas v1     | 16  | 200 | not interested | 6          | yes |
/// | S   | Finance | Default v2   | 17  | 180 | meeting        | 2 (same)   | yes |
/// | S   | Finance | Default v2   | 17  | 40  | callback, asked| 2          | yes |
/// | S   | Finance | Default v2   | 17  | 200 | not interested | 5          | yes |
/// | A   | Texas   | Texas v1     | 16  | 20  | not interested | 1          | no (short) |
/// | S   | Finance | Default v2   | 17  | 70  | gatekeeper     | 1          | no (no connect) |
/// | S   | Finance | Default v2   | 17  | 30  | voicemail      | 0          | no |
/// | S   | none    | Default v1   | 18  | 110 | meeting        | 1          | yes |
///
/// and a call in progress with two objections, never counted.
fn ladder() -> Ladder {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let alex = create_rep(c, "Alex", None, None).unwrap().id;
    let sam = create_rep(c, "Sam", None, None).unwrap().id;
    let texas = create_theme(c, "Texas", ThemeKind::Geography, "")
        .unwrap()
        .id;
    let finance = create_theme(c, "Finance", ThemeKind::Role, "").unwrap().id;
    let v1 = current_talk_track(c, None).unwrap().unwrap().id;
    let mut sections = default_talk_track();
    sections.impact_question = "What would a day a week be worth?".into();
    let v2 = save_talk_track(c, None, "Default talk track", &sections, "", None)
        .unwrap()
        .id;
    let tx1 = save_talk_track(
        c,
        Some(&texas),
        "Texas opener",
        &default_talk_track(),
        "",
        None,
    )
    .unwrap()
    .id;
    let lib = objections_for(c, None).unwrap();
    let first = lib[0].objection_id.clone();
    let (a, s, tx, fi) = (&alex, &sam, &texas, &finance);
    let (v1r, v2r, tx1r) = (&v1, &v2, &tx1);
    use Outcome::*;
    let spec = |rep, theme, version, day, secs, outcome, asked, objections| Spec {
        rep,
        theme,
        version,
        day,
        secs,
        outcome,
        asked,
        objections,
    };
    let specs = [
        spec(a, Some(tx), tx1r, 16, 150, Meeting, true, 0),
        spec(a, Some(tx), tx1r, 16, 90, NotInterested, false, 0),
        spec(a, Some(tx), tx1r, 16, 130, Meeting, true, 1),
        spec(a, Some(tx), tx1r, 16, 100, NotInterested, false, 3),
        spec(a, Some(tx), tx1r, 16, 240, Meeting, true, 4),
        spec(a, Some(tx), tx1r, 16, 200, NotInterested, false, 6),
        spec(s, Some(fi), v2r, 17, 180, Meeting, true, 2),
        spec(s, Some(fi), v2r, 17, 40, Callback, true, 2),
        spec(s, Some(fi), v2r, 17, 200, NotInterested, false, 5),
        spec(a, Some(tx), tx1r, 16, 20, NotInterested, false, 1),
        spec(s, Some(fi), v2r, 17, 70, Gatekeeper, false, 1),
        spec(s, Some(fi), v2r, 17, 30, Voicemail, false, 0),
        spec(s, None, v1r, 18, 110, Meeting, true, 1),
    ];
    for (i, sp) in specs.iter().enumerate() {
        // The first call of Finance raises the same objection twice; the
        // others walk down the library.
        let ids: Vec<&str> = (0..sp.objections)
            .map(|k| {
                let same = sp.outcome == Meeting && sp.theme == Some(fi);
                lib[if same { 0 } else { k % lib.len() }]
                    .objection_id
                    .as_str()
            })
            .collect();
        call(c, sp, i, &ids);
    }
    // A call in progress: no outcome yet, never counted.
    let p = prospect(c, 99);
    c.execute(
        "INSERT INTO calls (id, prospect_id, rep_id, theme_id, started_at)
         VALUES ('open', ?1, ?2, ?3, ?4)",
        params![p, alex, texas, time::to_db(at(18, 14))],
    )
    .unwrap();
    for k in 1..=2 {
        c.execute(
            "INSERT INTO call_objections (id, call_id, objection_id, position, at_ms)
             VALUES (?1, 'open', ?2, ?3, 1000)",
            params![format!("open{k}"), first, k],
        )
        .unwrap();
    }
    Ladder {
        store,
        alex,
        sam,
        texas,
        finance,
        first,
        v1,
        v2,
        tx1,
    }
}

fn prospect(c: &Connection, i: usize) -> String {
    insert_prospect(
        c,
        &NewProspect {
            first_name: format!("P{i}"),
            last_name: "Doe".into(),
            company: format!("Company {i}"),
            ..NewProspect::default()
        },
        at(1, 0),
    )
    .unwrap()
}

fn call(c: &Connection, sp: &Spec, i: usize, objections: &[&str]) {
    let start = at(sp.day, 9) + Duration::minutes(i as i64 * 5);
    record_completed_call(
        c,
        &CompletedCall {
            prospect_id: prospect(c, i),
            rep_id: sp.rep.to_string(),
            block_id: None,
            theme_id: sp.theme.map(str::to_string),
            talk_track_version_id: Some(sp.version.to_string()),
            started_at: start,
            ring_ms: None,
            duration_ms: sp.secs * 1000,
            outcome: sp.outcome,
            asked_for_meeting: sp.asked,
            callback_at: (sp.outcome == Outcome::Callback).then(|| start + Duration::days(2)),
            notes: String::new(),
            gap_current_state: String::new(),
            gap_objectives: String::new(),
            gap_impact: String::new(),
            objections: objections
                .iter()
                .enumerate()
                .map(|(k, o)| RaisedObjection {
                    objection_id: o.to_string(),
                    response_id: None,
                    at_ms: 60_000 + k as u32 * 20_000,
                })
                .collect(),
            meeting: (sp.outcome == Outcome::Meeting).then(|| NewMeeting {
                starts_at: start + Duration::days(3),
                duration_minutes: 30,
                email: "p@example.com".into(),
                format: "web".into(),
            }),
        },
        &Settings::default(),
    )
    .unwrap();
}

/// (calls, meetings) of the five buckets.
fn counts(c: &ObjectionCurve) -> Vec<(u32, u32)> {
    c.buckets.iter().map(|b| (b.calls, b.meetings)).collect()
}

fn run(l: &Ladder, filter: &ReportFilter) -> ByObjections {
    by_objections(l.store.conn(), filter, &Settings::default()).unwrap()
}

#[test]
fn conversations_fall_into_their_bucket_with_four_and_more_together() {
    let l = ladder();
    let r = run(&l, &ReportFilter::default());
    assert_eq!(r.denominator, "conversations");
    assert_eq!(
        counts(&r.overall),
        vec![(2, 1), (2, 2), (2, 1), (1, 0), (3, 1)]
    );
    assert_eq!((r.overall.calls, r.overall.meetings), (10, 5));
    let labels: Vec<&str> = r.overall.buckets.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["0", "1", "2", "3", "4+"]);
    let objections: Vec<u32> = r.overall.buckets.iter().map(|b| b.objections).collect();
    assert_eq!(objections, [0, 1, 2, 3, 4]);
    let four = &r.overall.buckets[4];
    assert_eq!(four.meeting_rate, Rate::new(1, 3));
    assert_eq!(r.overall.buckets[3].meeting_rate.value, Some(0.0));
}

#[test]
fn themes_and_versions_split_the_same_calls() {
    let l = ladder();
    let r = run(&l, &ReportFilter::default());
    let themes: Vec<(&str, Option<&str>)> = r
        .by_theme
        .iter()
        .map(|t| (t.curve.label.as_str(), t.theme_id.as_deref()))
        .collect();
    assert_eq!(
        themes,
        [
            ("Finance", Some(l.finance.as_str())),
            ("Texas", Some(l.texas.as_str())),
            ("No theme", None)
        ]
    );
    assert_eq!(
        counts(&r.by_theme[0].curve),
        vec![(0, 0), (0, 0), (2, 1), (0, 0), (1, 0)]
    );
    assert_eq!(
        counts(&r.by_theme[1].curve),
        vec![(2, 1), (1, 1), (0, 0), (1, 0), (2, 1)]
    );
    assert_eq!(
        counts(&r.by_theme[2].curve),
        vec![(0, 0), (1, 1), (0, 0), (0, 0), (0, 0)]
    );

    let versions: Vec<(&str, Option<u32>, Option<&str>)> = r
        .by_version
        .iter()
        .map(|v| (v.curve.label.as_str(), v.version, v.theme_name.as_deref()))
        .collect();
    assert_eq!(
        versions,
        [
            ("Default talk track v1", Some(1), None),
            ("Default talk track v2", Some(2), None),
            ("Texas opener v1", Some(1), Some("Texas")),
        ]
    );
    assert_eq!(r.by_version[0].version_id.as_deref(), Some(l.v1.as_str()));
    assert_eq!(r.by_version[1].version_id.as_deref(), Some(l.v2.as_str()));
    assert_eq!(r.by_version[2].version_id.as_deref(), Some(l.tx1.as_str()));
    assert_eq!(r.by_version[2].track_name, "Texas opener");
    assert_eq!(
        counts(&r.by_version[1].curve),
        vec![(0, 0), (0, 0), (2, 1), (0, 0), (1, 0)]
    );
    assert_eq!(counts(&r.by_version[2].curve), counts(&r.by_theme[1].curve));
    // Every split adds up to the whole.
    for split in [
        r.by_theme.iter().map(|t| &t.curve).collect::<Vec<_>>(),
        r.by_version.iter().map(|v| &v.curve).collect(),
    ] {
        let sum: Vec<(u32, u32)> = (0..5)
            .map(|b| {
                split.iter().fold((0, 0), |(n, m), c| {
                    (n + c.buckets[b].calls, m + c.buckets[b].meetings)
                })
            })
            .collect();
        assert_eq!(sum, counts(&r.overall));
    }
}

#[test]
fn the_selection_filters_apply() {
    let l = ladder();
    let sam = run(
        &l,
        &ReportFilter {
            rep_ids: vec![l.sam.clone()],
            ..ReportFilter::default()
        },
    );
    assert_eq!(
        counts(&sam.overall),
        vec![(0, 0), (1, 1), (2, 1), (0, 0), (1, 0)]
    );
    let texas = run(
        &l,
        &ReportFilter {
            theme_ids: vec![l.texas.clone()],
            ..ReportFilter::default()
        },
    );
    assert_eq!(
        counts(&texas.overall),
        vec![(2, 1), (1, 1), (0, 0), (1, 0), (2, 1)]
    );
    assert_eq!(texas.by_theme.len(), 1);
    let alex = run(
        &l,
        &ReportFilter {
            rep_ids: vec![l.alex.clone()],
            ..ReportFilter::default()
        },
    );
    assert_eq!(counts(&alex.overall), counts(&texas.overall));
    let day18 = run(
        &l,
        &ReportFilter {
            from: Some(at(18, 0)),
            to: Some(at(19, 0)),
            ..ReportFilter::default()
        },
    );
    assert_eq!(
        counts(&day18.overall),
        vec![(0, 0), (1, 1), (0, 0), (0, 0), (0, 0)]
    );
    let meetings = run(
        &l,
        &ReportFilter {
            outcomes: vec![Outcome::Meeting],
            ..ReportFilter::default()
        },
    );
    assert_eq!(
        counts(&meetings.overall),
        vec![(1, 1), (2, 2), (1, 1), (0, 0), (1, 1)]
    );
    // The calls on which the first objection was raised: never 0 heard.
    let first = run(
        &l,
        &ReportFilter {
            objection_id: Some(l.first.clone()),
            ..ReportFilter::default()
        },
    );
    assert_eq!(first.overall.buckets[0].calls, 0);
    assert_eq!(first.overall.calls, 8);
    let long = run(
        &l,
        &ReportFilter {
            duration: Some(crate::reports::DurationBand::OVER_3),
            ..ReportFilter::default()
        },
    );
    assert_eq!(
        counts(&long.overall),
        vec![(0, 0), (0, 0), (1, 1), (0, 0), (3, 1)]
    );
}

#[test]
fn empty_buckets_and_an_empty_selection_keep_their_shape() {
    let l = ladder();
    let none = run(
        &l,
        &ReportFilter {
            from: Some(at(20, 0)),
            ..ReportFilter::default()
        },
    );
    assert_eq!(none.overall.buckets.len(), 5);
    assert!(none
        .overall
        .buckets
        .iter()
        .all(|b| b.calls == 0 && b.meeting_rate.value.is_none()));
    assert!(none.by_theme.is_empty() && none.by_version.is_empty());
    // Every curve has its five buckets, empty ones included.
    let r = run(&l, &ReportFilter::default());
    for c in r
        .by_theme
        .iter()
        .map(|t| &t.curve)
        .chain(r.by_version.iter().map(|v| &v.curve))
    {
        assert_eq!(c.buckets.len(), 5, "{}", c.label);
    }
    // A new database.
    let store = Store::open_in_memory().unwrap();
    let e = by_objections(store.conn(), &ReportFilter::default(), &Settings::default()).unwrap();
    assert_eq!(e.overall.calls, 0);
}

#[test]
fn the_conversation_threshold_moves_calls_in_and_out() {
    let l = ladder();
    // At 20 s, the short not-interested call (20 s, one objection) is a
    // conversation too; at 120 s, the 90 s and 100 s ones are not.
    let low = by_objections(
        l.store.conn(),
        &ReportFilter::default(),
        &Settings {
            conversation_seconds: 20,
            ..Settings::default()
        },
    )
    .unwrap();
    assert_eq!(low.overall.buckets[1].calls, 3);
    assert!(low.definitions[0].contains("at least 20 s"));
    let high = by_objections(
        l.store.conn(),
        &ReportFilter::default(),
        &Settings {
            conversation_seconds: 120,
            ..Settings::default()
        },
    )
    .unwrap();
    assert_eq!(
        counts(&high.overall),
        vec![(1, 1), (2, 2), (2, 1), (0, 0), (3, 1)]
    );
}

#[test]
fn the_hand_data_set_counts_the_same() {
    // reports::tests::hand(): conversations #3 (2 objections), #4 (1, asked),
    // #5 (2, meeting), #7 (0), #8 (1, meeting); #2 is a 30 s connect.
    let h = crate::reports::tests::hand();
    let r = by_objections(
        h.store.conn(),
        &ReportFilter::default(),
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(
        counts(&r.overall),
        vec![(1, 0), (2, 1), (2, 1), (0, 0), (0, 0)]
    );
    let v2 = r
        .by_version
        .iter()
        .find(|v| v.version_id.as_deref() == Some(h.v2.as_str()))
        .unwrap();
    assert_eq!(
        counts(&v2.curve),
        vec![(0, 0), (1, 0), (1, 1), (0, 0), (0, 0)]
    );
    // It agrees with the funnel's conversations and meetings.
    let f = crate::reports::funnel(
        h.store.conn(),
        &ReportFilter::default(),
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(
        (r.overall.calls, r.overall.meetings),
        (f.conversations, f.meetings)
    );
}

#[test]
fn the_table_has_a_row_per_group_and_bucket() {
    let l = ladder();
    let r = run(&l, &ReportFilter::default());
    let t = r.table();
    assert_eq!(t.name, TABLE);
    assert_eq!(t.rows.len(), 5 * (1 + 3 + 3));
    assert_eq!(t.columns[2], "Objections heard");
    assert!(!t.definitions.is_empty());
}

//! The log's pages over several months, every way a page is found: pages
//! joined by "next" and by "previous" are the whole log, a page at row n is
//! the list's rows from n (or, far down an estimated list, a run of the
//! list near it), with ties in the start time.

use chrono::{Duration, TimeZone, Utc};
use rusqlite::{params, Connection};

use super::page::COUNTED;
use super::*;
use crate::domain::{Outcome, Settings};
use crate::reports::{DurationBand, ReportFilter};
use crate::store::Store;

/// Each way: as the app does; without reading few calls whole; and with
/// every estimated row placed by the estimate.
const WAYS: [Tuning; 3] = [
    Tuning {
        drive_small: true,
        counted: COUNTED,
    },
    Tuning {
        drive_small: false,
        counted: COUNTED,
    },
    Tuning {
        drive_small: false,
        counted: 0.0,
    },
];

const OUTCOMES: [&str; 6] = [
    "no_answer",
    "voicemail",
    "not_interested",
    "meeting",
    "callback",
    "gatekeeper",
];

/// 600 calls from September 2026 to March 2027, some at the same instant.
fn log() -> (Store, Vec<String>, Vec<String>) {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    c.execute_batch(
        "INSERT INTO reps (id, name, created_at) VALUES ('r1', 'Alex', 'n'), ('r2', 'Sam', 'n');
         INSERT INTO themes (id, name, kind, created_at) VALUES ('t1', 'Texas', 'geography', 'n');
         INSERT INTO prospects (id, first_name, last_name, created_at, updated_at)
             VALUES ('p1', 'Ann', 'Doe', 'n', 'n');",
    )
    .unwrap();
    let objections: Vec<String> = c
        .prepare("SELECT id FROM objections ORDER BY position LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let start = Utc.with_ymd_and_hms(2026, 9, 3, 14, 0, 0).unwrap();
    let mut seed = 17u64;
    let mut rnd = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut ids = Vec::new();
    let mut at = start;
    for i in 0..600u32 {
        // Several calls a day, now and then two at the same instant.
        if rnd(5) != 0 {
            at += Duration::minutes(rnd(600) as i64 + 1);
        }
        if rnd(9) == 0 {
            at += Duration::days(rnd(4) as i64);
        }
        let id = format!("c{:04}-{}", rnd(10_000), i);
        let outcome = OUTCOMES[rnd(OUTCOMES.len() as u64) as usize];
        let secs = rnd(400) as i64 + 5;
        let notes = match rnd(4) {
            0 => "asked about pricing",
            1 => "pricing and budget",
            _ => "",
        };
        c.execute(
            "INSERT INTO calls (id, prospect_id, rep_id, theme_id, started_at, ended_at, duration_ms,
                outcome, callback_at, notes)
             VALUES (?1, 'p1', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                if rnd(3) == 0 { "r2" } else { "r1" },
                (rnd(4) != 0).then_some("t1"),
                crate::time::to_db(at),
                crate::time::to_db(at + Duration::seconds(secs)),
                secs * 1000,
                outcome,
                (outcome == "callback").then(|| crate::time::to_db(at + Duration::days(2))),
                notes
            ],
        )
        .unwrap();
        if rnd(3) == 0 {
            c.execute(
                "INSERT INTO call_objections (id, call_id, objection_id, position, at_ms)
                 VALUES (?1, ?2, ?3, 1, 1000)",
                params![format!("o{i}"), id, objections[rnd(2) as usize]],
            )
            .unwrap();
        }
        ids.push(id);
    }
    (store, ids, objections)
}

fn filters(objections: &[String]) -> Vec<ReportFilter> {
    vec![
        ReportFilter::default(),
        ReportFilter {
            rep_ids: vec!["r2".into()],
            ..ReportFilter::default()
        },
        ReportFilter {
            outcomes: vec![Outcome::Meeting, Outcome::Callback],
            theme_ids: vec!["t1".into()],
            ..ReportFilter::default()
        },
        ReportFilter {
            duration: Some(DurationBand::OVER_3),
            ..ReportFilter::default()
        },
        ReportFilter {
            duration: Some(DurationBand::parse("0:40-2:10").unwrap()),
            ..ReportFilter::default()
        },
        ReportFilter {
            objection_id: Some(objections[0].clone()),
            ..ReportFilter::default()
        },
        ReportFilter {
            objection_id: Some(objections[1].clone()),
            outcomes: vec![Outcome::NotInterested, Outcome::Meeting],
            ..ReportFilter::default()
        },
        ReportFilter {
            text: Some("pricing".into()),
            ..ReportFilter::default()
        },
        ReportFilter {
            text: Some("budget".into()),
            rep_ids: vec!["r1".into()],
            from: Some(Utc.with_ymd_and_hms(2026, 9, 20, 13, 17, 0).unwrap()),
            to: Some(Utc.with_ymd_and_hms(2026, 11, 28, 9, 5, 0).unwrap()),
            ..ReportFilter::default()
        },
        ReportFilter {
            from: Some(Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()),
            to: Some(Utc.with_ymd_and_hms(2026, 10, 19, 16, 30, 0).unwrap()),
            ..ReportFilter::default()
        },
    ]
}

fn expected(c: &Connection, f: &ReportFilter) -> Vec<String> {
    let mut all = Vec::new();
    for_each_call(c, f, |x| {
        all.push(x.id.clone());
        Ok(())
    })
    .unwrap();
    all
}

fn ids(p: &CallLogPage) -> Vec<String> {
    p.rows.iter().map(|r| r.id.clone()).collect()
}

#[test]
fn pages_joined_either_way_and_pages_by_row_are_the_log() {
    let (store, _, objections) = log();
    let c = store.conn();
    let s = Settings::default();
    assert!(crate::reports::rollup::ensure_fresh(c, &s));
    for f in filters(&objections) {
        let all = expected(c, &f);
        assert!(all.len() > 20, "{f:?}: {}", all.len());
        for fresh in [true, false] {
            for way in WAYS {
                let what = format!("{f:?} fresh {fresh} {way:?}");
                let q = CallLogQuery {
                    filter: f.clone(),
                    limit: 9,
                    ..CallLogQuery::default()
                };
                let get = |q: &CallLogQuery| call_log_tuned(c, q, &s, fresh, way).unwrap();
                // Forwards by "next".
                let mut pages = vec![get(&q)];
                assert!(pages[0].prev.is_none(), "{what}");
                while let Some(n) = pages.last().unwrap().next.clone() {
                    let p = get(&CallLogQuery {
                        after: Some(n),
                        ..q.clone()
                    });
                    assert!(p.prev.is_some(), "{what}");
                    pages.push(p);
                }
                let fwd: Vec<String> = pages.iter().flat_map(ids).collect();
                assert_eq!(fwd, all, "forwards, {what}");
                if pages[0].total.exact {
                    assert_eq!(pages[0].total.value as usize, all.len(), "{what}");
                }
                // Backwards by "previous", from the last page.
                let mut back = vec![pages.last().unwrap().clone()];
                while let Some(b) = back.last().unwrap().prev.clone() {
                    let p = get(&CallLogQuery {
                        before: Some(b),
                        ..q.clone()
                    });
                    assert!(p.next.is_some(), "{what}");
                    back.push(p);
                }
                back.reverse();
                let mut seen = std::collections::HashSet::new();
                let bwd: Vec<String> = back
                    .iter()
                    .flat_map(ids)
                    .filter(|id| seen.insert(id.clone()))
                    .collect();
                assert_eq!(bwd, all, "backwards, {what}");
                assert_eq!(ids(&back[0]), all[..9], "the top is a full page, {what}");
                // By row number.
                for n in (0..all.len() + 9).step_by(7) {
                    let p = get(&CallLogQuery {
                        offset: n as u32,
                        ..q.clone()
                    });
                    let got = ids(&p);
                    match p.offset {
                        Some(o) => {
                            assert_eq!(o as usize, n, "{what}");
                            let want: Vec<String> = all.iter().skip(n).take(9).cloned().collect();
                            assert_eq!(got, want, "row {n}, {what}");
                        }
                        None => {
                            // Placed by the estimate: a run of the log.
                            assert!(!p.total.exact, "{what}");
                            if let Some(first) = got.first() {
                                let at = all.iter().position(|id| id == first).unwrap();
                                assert_eq!(got, all[at..(at + got.len()).min(all.len())], "{what}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_call_written_between_two_pages_is_not_shown_twice_nor_makes_one_skipped() {
    let (store, _, _) = log();
    let c = store.conn();
    let s = Settings::default();
    let q = CallLogQuery {
        limit: 25,
        ..CallLogQuery::default()
    };
    let first = call_log(c, &q, &s).unwrap();
    let before = expected(c, &ReportFilter::default());
    // A new call on top (newest) and one in the middle of the next page's days.
    let mid = &first.rows[24];
    c.execute_batch(&format!(
        "INSERT INTO calls (id, prospect_id, rep_id, started_at, ended_at, duration_ms, outcome)
         VALUES ('zz-new', 'p1', 'r1', '2099-01-05T10:00:00.000Z', '2099-01-05T10:00:30.000Z', 30000, 'no_answer'),
                ('zz-mid', 'p1', 'r1', '{}', '{}', 1000, 'no_answer');",
        mid.started_at, mid.started_at
    ))
    .unwrap();
    let mut seen: Vec<String> = ids(&first);
    let mut next = first.next.clone();
    while let Some(n) = next {
        let p = call_log(
            c,
            &CallLogQuery {
                after: Some(n),
                ..q.clone()
            },
            &s,
        )
        .unwrap();
        seen.extend(ids(&p));
        next = p.next;
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "nothing twice");
    for id in &before {
        assert!(seen.contains(id), "{id} skipped");
    }
    assert!(
        !seen.contains(&"zz-new".to_string()),
        "newer than the page: not read"
    );
    // Tied with the page's last call: read only if its id sorts after it.
    assert_eq!(
        seen.contains(&"zz-mid".to_string()),
        "zz-mid" < mid.id.as_str()
    );
}

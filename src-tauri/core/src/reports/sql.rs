//! Building the parameterized SQL of the reports: numbered parameters, the
//! conditions of a [`ReportFilter`] on raw calls or on a rollup, and the
//! split of a period into whole UTC days (served by the rollups) and the
//! partial days at its edges (served by the calls themselves).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rusqlite::types::Value;

use super::ReportFilter;
use crate::domain::Outcome;
use crate::time;

/// Width of a call-length bin in the rollups, in milliseconds.
pub(crate) const BIN_MS: u64 = 15_000;
/// The last bin holds every call of `LAST_BIN * 15 s` (6:00) and longer.
pub(crate) const LAST_BIN: u32 = 24;

/// Parameters bound by number (`?1`, `?2`, ...), so that one value can be
/// used twice and fragments can be assembled in any order.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub values: Vec<Value>,
}

impl Params {
    pub fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("?{}", self.values.len())
    }

    pub fn list(&mut self, items: impl IntoIterator<Item = impl Into<Value>>) -> String {
        let marks: Vec<String> = items.into_iter().map(|v| self.bind(v)).collect();
        format!("({})", marks.join(", "))
    }

    pub fn as_params(&self) -> rusqlite::ParamsFromIter<std::slice::Iter<'_, Value>> {
        rusqlite::params_from_iter(self.values.iter())
    }
}

/// The text of a UTC day, `YYYY-MM-DD`.
pub(crate) fn day_of(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    t.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// A period cut into whole days and the partial days at its edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// Whole UTC days `[lo, hi)`, each side open when `None`; `None` overall
    /// when no whole day is in the period.
    pub days: Option<(Option<String>, Option<String>)>,
    /// Partial days `[from, to)` as db instants, to read from the calls.
    pub edges: Vec<(String, String)>,
    /// The period is empty.
    pub empty: bool,
}

pub(crate) fn split(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Split {
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            return Split {
                days: None,
                edges: vec![],
                empty: true,
            };
        }
        if f != midnight(f) && t != midnight(t) && midnight(f) == midnight(t) {
            return Split {
                days: None,
                edges: vec![(time::to_db(f), time::to_db(t))],
                empty: false,
            };
        }
    }
    let mut edges = Vec::new();
    let lo = match from {
        None => None,
        Some(f) if f == midnight(f) => Some(f),
        Some(f) => {
            let next = midnight(f) + Duration::days(1);
            let end = to.map_or(next, |t| t.min(next));
            edges.push((time::to_db(f), time::to_db(end)));
            Some(next)
        }
    };
    let hi = match to {
        None => None,
        Some(t) if t == midnight(t) => Some(t),
        Some(t) => {
            let start = from.map_or(midnight(t), |f| f.max(midnight(t)));
            if edges.last().map(|e| e.1.as_str()) != Some(time::to_db(t).as_str()) {
                edges.push((time::to_db(start), time::to_db(t)));
            }
            Some(midnight(t))
        }
    };
    let days = match (lo, hi) {
        (Some(a), Some(b)) if a >= b => None,
        (a, b) => Some((a.map(day_of), b.map(day_of))),
    };
    Split {
        days,
        edges,
        empty: false,
    }
}

/// What a rollup can filter on besides period, rep and theme.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caps {
    pub outcome: bool,
    pub band: bool,
}

/// True when a rollup with `caps` can answer `filter` exactly.
pub(crate) fn cube_can_serve(filter: &ReportFilter, caps: Caps) -> bool {
    filter.objection_id.is_none()
        && !filter.flagged
        && filter.talk_track_version_ids.is_empty()
        && filter.text_query().is_none()
        && (filter.outcomes.is_empty() || caps.outcome)
        && match filter.duration {
            None => true,
            Some(b) => caps.band && band_bins(b).is_some(),
        }
}

/// The bins `[lo, hi)` that make up a band, when its edges fall on bins.
pub(crate) fn band_bins(b: super::DurationBand) -> Option<(u32, u32)> {
    let bin_s = (BIN_MS / 1000) as u32;
    let lo = match b.min_seconds {
        None => 0,
        Some(s) if s % bin_s == 0 && s / bin_s <= LAST_BIN => s / bin_s,
        Some(_) => return None,
    };
    let hi = match b.max_seconds {
        None => LAST_BIN + 1,
        Some(s) if s % bin_s == 0 && s / bin_s <= LAST_BIN => s / bin_s,
        Some(_) => return None,
    };
    Some((lo, hi))
}

fn outcome_texts(outcomes: &[Outcome]) -> Vec<String> {
    outcomes.iter().map(|o| o.as_str().to_string()).collect()
}

/// Conditions of `filter` (except the period) on raw calls `c`.
pub(crate) fn raw_conditions(filter: &ReportFilter, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    if !filter.rep_ids.is_empty() {
        w.push(format!("c.rep_id IN {}", p.list(filter.rep_ids.clone())));
    }
    if !filter.theme_ids.is_empty() {
        w.push(format!(
            "c.theme_id IN {}",
            p.list(filter.theme_ids.clone())
        ));
    }
    if !filter.outcomes.is_empty() {
        w.push(format!(
            "c.outcome IN {}",
            p.list(outcome_texts(&filter.outcomes))
        ));
    }
    if let Some(b) = filter.duration {
        if let Some(a) = b.min_seconds {
            w.push(format!("c.duration_ms >= {}", p.bind(i64::from(a) * 1000)));
        }
        if let Some(z) = b.max_seconds {
            w.push(format!("c.duration_ms < {}", p.bind(i64::from(z) * 1000)));
        }
    }
    if let Some(o) = &filter.objection_id {
        w.push(format!(
            "EXISTS (SELECT 1 FROM call_objections fo WHERE fo.call_id = c.id AND +fo.objection_id = {})",
            p.bind(o.clone())
        ));
    }
    if filter.flagged {
        w.push("c.id IN (SELECT call_id FROM call_flags WHERE flagged = 1)".to_string());
    }
    if !filter.talk_track_version_ids.is_empty() {
        w.push(format!(
            "c.talk_track_version_id IN {}",
            p.list(filter.talk_track_version_ids.clone())
        ));
    }
    if let Some(q) = filter.text_query() {
        w.push(format!(
            "c.rowid IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH {})",
            p.bind(q)
        ));
    }
    w
}

/// Conditions of `filter` (except the period) on a rollup `r`; only call it
/// when [`cube_can_serve`] said yes.
pub(crate) fn cube_conditions(filter: &ReportFilter, caps: Caps, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    if !filter.rep_ids.is_empty() {
        w.push(format!("r.rep_id IN {}", p.list(filter.rep_ids.clone())));
    }
    if !filter.theme_ids.is_empty() {
        w.push(format!(
            "r.theme_id IN {}",
            p.list(filter.theme_ids.clone())
        ));
    }
    if caps.outcome && !filter.outcomes.is_empty() {
        w.push(format!(
            "r.outcome IN {}",
            p.list(outcome_texts(&filter.outcomes))
        ));
    }
    if caps.band {
        if let Some((lo, hi)) = filter.duration.and_then(band_bins) {
            w.push(format!(
                "r.bin >= {} AND r.bin < {}",
                p.bind(i64::from(lo)),
                p.bind(i64::from(hi))
            ));
        }
    }
    w
}

/// `WHERE` text from conditions (`1` when there are none).
pub(crate) fn and(conds: &[String]) -> String {
    if conds.is_empty() {
        "1".to_string()
    } else {
        conds.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    #[test]
    fn a_period_splits_into_whole_days_and_edges() {
        // Day-aligned: no edges.
        let s = split(Some(t(0, 16)), Some(t(0, 18)));
        assert_eq!(
            s.days,
            Some((Some("2026-11-16".into()), Some("2026-11-18".into())))
        );
        assert!(s.edges.is_empty());
        // Both sides partial.
        let s = split(Some(t(9, 16)), Some(t(15, 18)));
        assert_eq!(
            s.days,
            Some((Some("2026-11-17".into()), Some("2026-11-18".into())))
        );
        assert_eq!(
            s.edges,
            vec![
                (time::to_db(t(9, 16)), time::to_db(t(0, 17))),
                (time::to_db(t(0, 18)), time::to_db(t(15, 18)))
            ]
        );
        // Within one day.
        let s = split(Some(t(9, 16)), Some(t(15, 16)));
        assert_eq!(s.days, None);
        assert_eq!(s.edges.len(), 1);
        // Partial start, next midnight end.
        let s = split(Some(t(9, 16)), Some(t(0, 17)));
        assert_eq!(s.days, None);
        assert_eq!(
            s.edges,
            vec![(time::to_db(t(9, 16)), time::to_db(t(0, 17)))]
        );
        // Open sides.
        let s = split(None, Some(t(12, 16)));
        assert_eq!(s.days, Some((None, Some("2026-11-16".into()))));
        assert_eq!(s.edges.len(), 1);
        assert!(split(Some(t(5, 16)), Some(t(5, 16))).empty);
        assert_eq!(split(None, None).days, Some((None, None)));
    }
}

//! Call length by outcome: a distribution in 15-second bins (the last bin is
//! 6:00 and longer), so that a manager sees whether meetings come from the
//! long calls or the short ones, with the median, the mean and the share of
//! calls past the outer limit.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::rollup::{self, BY_LENGTH};
use super::sql::{Params, BIN_MS, LAST_BIN};
use super::{mmss, Rate, ReportFilter};
use crate::domain::{Outcome, Settings};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LengthBin {
    pub from_seconds: u32,
    /// `None` for the last, open bin.
    pub to_seconds: Option<u32>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LengthSeries {
    /// `None` for all outcomes together.
    pub outcome: Option<Outcome>,
    pub label: String,
    pub calls: u32,
    /// Calls per bin, in the order of [`LengthReport::bins`].
    pub counts: Vec<u32>,
    /// Estimated from the bins (linear within the bin); the last bin's lower
    /// edge when the median falls in it.
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    /// Calls longer than the outer limit / calls.
    pub past_limit: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LengthReport {
    pub bin_seconds: u32,
    pub bins: Vec<LengthBin>,
    pub all: LengthSeries,
    /// Outcomes that have calls, in the order of the outcome list.
    pub by_outcome: Vec<LengthSeries>,
    pub limit_seconds: u32,
    pub definitions: Vec<String>,
}

pub fn bins() -> Vec<LengthBin> {
    let w = (BIN_MS / 1000) as u32;
    (0..=LAST_BIN)
        .map(|i| {
            if i == LAST_BIN {
                LengthBin {
                    from_seconds: i * w,
                    to_seconds: None,
                    label: format!("{}+", mmss(i * w)),
                }
            } else {
                LengthBin {
                    from_seconds: i * w,
                    to_seconds: Some((i + 1) * w),
                    label: format!("{}-{}", mmss(i * w), mmss((i + 1) * w)),
                }
            }
        })
        .collect()
}

/// The median of a binned distribution, linear within the bin.
pub(crate) fn median_of(counts: &[u32], bin_seconds: u32) -> Option<f64> {
    let n: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if n == 0 {
        return None;
    }
    let half = n as f64 / 2.0;
    let mut before = 0f64;
    for (i, &c) in counts.iter().enumerate() {
        let c = f64::from(c);
        if c > 0.0 && before + c >= half {
            let lo = f64::from(i as u32 * bin_seconds);
            if i + 1 == counts.len() {
                return Some(lo);
            }
            return Some(lo + (half - before) / c * f64::from(bin_seconds));
        }
        before += c;
    }
    None
}

pub fn length(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<LengthReport> {
    let fresh = rollup::ensure_fresh(conn, settings);
    length_with(conn, filter, settings, fresh)
}

pub(crate) fn length_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<LengthReport> {
    let mut p = Params::default();
    let src = rollup::source(&BY_LENGTH, filter, settings, fresh, &mut p);
    let sql = format!(
        "SELECT outcome, bin, sum(calls), sum(talk_ms), sum(past_limit) FROM ({src}) s GROUP BY 1, 2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let cells = stmt
        .query_map(p.as_params(), |r| {
            Ok(LengthCell {
                outcome: r.get(0)?,
                bin: r.get(1)?,
                calls: r.get(2)?,
                talk_ms: r.get::<_, i64>(3)?.max(0) as u64,
                past_limit: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(length_of_cells(&cells, settings))
}

/// The calls of one outcome in one length bin (15 s; the last, 24, open),
/// with their talk time and how many ran past the outer limit: what a
/// copy's rollup and the team store's (`callblock.calls_by_length`) sum to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthCell {
    pub outcome: Outcome,
    pub bin: i64,
    pub calls: u32,
    pub talk_ms: u64,
    pub past_limit: u32,
}

/// The report of call length from its cells (one definition, whichever
/// store counted them).
pub fn length_of_cells(cells: &[LengthCell], settings: &Settings) -> LengthReport {
    let nbins = (LAST_BIN + 1) as usize;
    let w = (BIN_MS / 1000) as u32;
    let mut counts: Vec<(Outcome, Vec<u32>)> = Outcome::ALL
        .iter()
        .map(|o| (*o, vec![0u32; nbins]))
        .collect();
    // Exact sums per outcome: calls, talk time, past the limit.
    let mut sums: Vec<(Outcome, u32, u64, u32)> = Vec::new();
    for c in cells {
        if let Some((_, v)) = counts.iter_mut().find(|(x, _)| *x == c.outcome) {
            let b = (c.bin.max(0) as usize).min(nbins - 1);
            v[b] = v[b].saturating_add(c.calls);
        }
        match sums.iter_mut().find(|s| s.0 == c.outcome) {
            Some(s) => {
                s.1 = s.1.saturating_add(c.calls);
                s.2 = s.2.saturating_add(c.talk_ms);
                s.3 = s.3.saturating_add(c.past_limit);
            }
            None => sums.push((c.outcome, c.calls, c.talk_ms, c.past_limit)),
        }
    }
    let series = |outcome: Option<Outcome>, c: Vec<u32>| -> LengthSeries {
        let pick = |o: &Outcome| outcome.is_none_or_eq(*o);
        let calls: u32 = sums.iter().filter(|s| pick(&s.0)).map(|s| s.1).sum();
        let talk: u64 = sums.iter().filter(|s| pick(&s.0)).map(|s| s.2).sum();
        let past: u32 = sums.iter().filter(|s| pick(&s.0)).map(|s| s.3).sum();
        LengthSeries {
            outcome,
            label: outcome
                .map_or("All calls", |o| settings.outcome_label(o))
                .to_string(),
            calls,
            median_seconds: median_of(&c, w),
            mean_seconds: (calls > 0).then(|| talk as f64 / 1000.0 / f64::from(calls)),
            counts: c,
            past_limit: Rate::new(past, calls),
        }
    };
    let mut all = vec![0u32; nbins];
    for (_, v) in &counts {
        for (a, b) in all.iter_mut().zip(v) {
            *a += b;
        }
    }
    let by_outcome = counts
        .into_iter()
        .filter(|(_, v)| v.iter().any(|&n| n > 0))
        .map(|(o, v)| series(Some(o), v))
        .collect();
    let mut defs = super::definitions(settings);
    defs.push(format!(
        "Length: from the start of the call to its end, in {w}-second bins; the last bin is \
         {} and longer. The median is estimated within its bin.",
        mmss(LAST_BIN * w)
    ));
    LengthReport {
        bin_seconds: w,
        bins: bins(),
        all: series(None, all),
        by_outcome,
        limit_seconds: settings.phase_limit,
        definitions: defs,
    }
}

trait NoneOrEq<T> {
    fn is_none_or_eq(&self, x: T) -> bool;
}

impl<T: PartialEq> NoneOrEq<T> for Option<T> {
    fn is_none_or_eq(&self, x: T) -> bool {
        match self {
            None => true,
            Some(v) => *v == x,
        }
    }
}

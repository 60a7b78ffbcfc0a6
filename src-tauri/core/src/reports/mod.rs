//! Review: what happened in the blocks and which parts of the playbook book
//! meetings (the manager's view). Every report counts completed calls only
//! (a call in progress has no outcome yet) and states its definitions
//! (domain.md section 5) beside its figures; every rate carries its
//! numerator and denominator so that small samples show as small.
//!
//! - [`funnel`]: dials, connects, conversations, meetings, total and grouped
//! - [`blocks`]: blocks run against planned, minutes on the phone, dials per hour
//! - [`timing`]: when to call (prospect's local hour and weekday)
//! - [`length`]: call length by outcome, share past the outer limit
//! - [`playbook`]: objections heard, responses and talk-track versions that book
//! - [`by_objections`]: meeting rate by the number of objections heard (the
//!   method's claim that the third, at times the fourth, seals a call)
//! - [`calllog`]: the call log (paged, filtered, full-text) and a call's detail
//! - [`export`]: CSV and JSON of any figure table and of the calls
//! - [`rollup`]: the precomputed sums that keep all of it fast
//!
//! A [`ReportFilter`] selects the calls: period, reps, themes, outcomes, a
//! duration band, an objection and a full-text query on the notes.

pub mod blocks;
pub mod by_objections;
pub mod calllog;
pub mod export;
pub mod funnel;
pub mod length;
pub mod playbook;
pub mod rollup;
pub mod timing;

mod sql;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};

pub use by_objections::{by_objections, ByObjections};
pub use funnel::{
    definitions, funnel, funnel_by, report, review_summary, Funnel, FunnelGroup, FunnelRates,
    FunnelReport, GroupBy, ReportBy, ReviewSummary,
};

/// Which calls a report looks at. Empty lists and `None` select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct ReportFilter {
    /// Calls started at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Calls started before this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    pub rep_ids: Vec<String>,
    pub theme_ids: Vec<String>,
    pub outcomes: Vec<Outcome>,
    /// Call length band.
    pub duration: Option<DurationBand>,
    /// Calls on which this objection was raised.
    pub objection_id: Option<String>,
    /// Full-text query on the notes and gap notes: words (all must appear),
    /// `"a phrase"`, `word*` for a prefix.
    pub text: Option<String>,
    /// Only calls flagged for coaching.
    pub flagged: bool,
    /// Calls made with one of these talk-track versions.
    pub talk_track_version_ids: Vec<String>,
}

impl ReportFilter {
    /// The text query, trimmed; `None` when it has no word.
    pub(crate) fn text_query(&self) -> Option<String> {
        self.text.as_deref().and_then(fts_query)
    }

    /// A short description of the selection, for titles and exports.
    pub fn describe(&self, conn: &Connection) -> Result<String> {
        let mut parts = Vec::new();
        match (self.from, self.to) {
            (None, None) => parts.push("all time".to_string()),
            (f, t) => parts.push(format!(
                "{} to {}",
                f.map(describe_instant)
                    .unwrap_or_else(|| "the start".into()),
                t.map(describe_instant_end).unwrap_or_else(|| "now".into())
            )),
        }
        let names = |sql: &str, ids: &[String]| -> Result<Vec<String>> {
            let mut out = Vec::new();
            for id in ids {
                let n: Option<String> = conn.query_row(sql, [id], |r| r.get(0)).optional()?;
                out.push(n.unwrap_or_else(|| id.clone()));
            }
            Ok(out)
        };
        if !self.rep_ids.is_empty() {
            parts.push(format!(
                "rep {}",
                names("SELECT name FROM reps WHERE id = ?1", &self.rep_ids)?.join(", ")
            ));
        }
        if !self.theme_ids.is_empty() {
            parts.push(format!(
                "theme {}",
                names("SELECT name FROM themes WHERE id = ?1", &self.theme_ids)?.join(", ")
            ));
        }
        if !self.outcomes.is_empty() {
            let settings = crate::settings::load(conn)?;
            parts.push(format!(
                "outcome {}",
                self.outcomes
                    .iter()
                    .map(|o| settings.outcome_label(*o))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(b) = self.duration {
            parts.push(format!("length {}", b.label()));
        }
        if let Some(o) = &self.objection_id {
            parts.push(format!(
                "objection {}",
                names(
                    "SELECT label FROM objections WHERE id = ?1",
                    std::slice::from_ref(o)
                )?
                .join("")
            ));
        }
        if !self.talk_track_version_ids.is_empty() {
            parts.push(format!(
                "talk track {}",
                names(
                    &format!(
                        "SELECT {TRACK_VERSION_LABEL} FROM talk_track_versions v
                         JOIN talk_tracks t ON t.id = v.talk_track_id WHERE v.id = ?1"
                    ),
                    &self.talk_track_version_ids
                )?
                .join(", ")
            ));
        }
        if self.flagged {
            parts.push("flagged for coaching".to_string());
        }
        if let Some(t) = self.text.as_deref().filter(|t| !t.trim().is_empty()) {
            parts.push(format!("notes matching {}", crate::quote::quoted(t.trim())));
        }
        Ok(parts.join("; "))
    }
}

fn describe_instant(t: DateTime<Utc>) -> String {
    if t.time() == NaiveTime::MIN {
        t.format("%Y-%m-%d").to_string()
    } else {
        crate::time::to_db(t)
    }
}

/// The last day included when `t` is an exclusive midnight.
fn describe_instant_end(t: DateTime<Utc>) -> String {
    if t.time() == NaiveTime::MIN {
        (t - chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string()
    } else {
        crate::time::to_db(t)
    }
}

/// A band of call length: from `min_seconds` (included) to `max_seconds`
/// (excluded); `None` leaves that side open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct DurationBand {
    pub min_seconds: Option<u32>,
    pub max_seconds: Option<u32>,
}

impl DurationBand {
    pub const UNDER_1: DurationBand = DurationBand {
        min_seconds: None,
        max_seconds: Some(60),
    };
    pub const FROM_1_TO_2: DurationBand = DurationBand {
        min_seconds: Some(60),
        max_seconds: Some(120),
    };
    pub const FROM_2_TO_3: DurationBand = DurationBand {
        min_seconds: Some(120),
        max_seconds: Some(180),
    };
    pub const OVER_3: DurationBand = DurationBand {
        min_seconds: Some(180),
        max_seconds: None,
    };

    /// The bands the Review view offers: (key, band).
    pub fn presets() -> Vec<(&'static str, DurationBand)> {
        vec![
            ("under-1", Self::UNDER_1),
            ("1-2", Self::FROM_1_TO_2),
            ("2-3", Self::FROM_2_TO_3),
            ("over-3", Self::OVER_3),
        ]
    }

    /// `under-1`, `1-2`, `2-3`, `over-3` (minutes), or `M:SS-M:SS` with either
    /// side left empty (`1:30-`, `-0:45`).
    pub fn parse(s: &str) -> Result<DurationBand> {
        let t = s.trim().to_ascii_lowercase();
        if let Some((_, b)) = Self::presets().into_iter().find(|(k, _)| *k == t) {
            return Ok(b);
        }
        let bad = || {
            Error::invalid(
                "duration",
                format!(
                    "{} is not a length band; use under-1, 1-2, 2-3, over-3 or a range such \
                     as 1:30-2:45 (either side may be empty)",
                    crate::quote::quoted(s)
                ),
            )
        };
        let (a, b) = t.split_once('-').ok_or_else(bad)?;
        let side = |x: &str| -> Result<Option<u32>> {
            let x = x.trim();
            if x.is_empty() {
                return Ok(None);
            }
            let secs = match x.split_once(':') {
                Some((m, s)) => {
                    let m: u32 = m.parse().map_err(|_| bad())?;
                    let s: u32 = s.parse().map_err(|_| bad())?;
                    if s >= 60 {
                        return Err(bad());
                    }
                    m * 60 + s
                }
                None => x.parse::<u32>().map_err(|_| bad())? * 60,
            };
            Ok(Some(secs))
        };
        let band = DurationBand {
            min_seconds: side(a)?,
            max_seconds: side(b)?,
        };
        band.validate()?;
        Ok(band)
    }

    pub fn validate(&self) -> Result<()> {
        match (self.min_seconds, self.max_seconds) {
            (None, None) => Err(Error::invalid(
                "duration",
                "a length band needs a lower or an upper bound",
            )),
            (Some(a), Some(b)) if a >= b => Err(Error::invalid(
                "duration",
                format!(
                    "the band starts at {} and ends at {}; the start must come first",
                    mmss(a),
                    mmss(b)
                ),
            )),
            _ => Ok(()),
        }
    }

    pub fn label(&self) -> String {
        match (self.min_seconds, self.max_seconds) {
            (None, Some(b)) => format!("under {}", mmss(b)),
            (Some(a), None) => format!("{} and longer", mmss(a)),
            (Some(a), Some(b)) => format!("{}-{}", mmss(a), mmss(b)),
            (None, None) => "any length".into(),
        }
    }
}

/// `m:ss`
pub fn mmss(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A share with what it is made of: `numerator / denominator`. `value` is
/// `None` when the denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct Rate {
    pub numerator: u32,
    pub denominator: u32,
    pub value: Option<f64>,
}

impl Rate {
    pub fn new(numerator: u32, denominator: u32) -> Rate {
        Rate {
            numerator,
            denominator,
            value: (denominator > 0).then(|| f64::from(numerator) / f64::from(denominator)),
        }
    }

    /// `12.5 % (3/24)`, or `- (0/0)`.
    pub fn display(&self) -> String {
        match self.value {
            Some(v) => format!(
                "{:.1} % ({}/{})",
                v * 100.0,
                self.numerator,
                self.denominator
            ),
            None => format!("- ({}/{})", self.numerator, self.denominator),
        }
    }
}

/// A period `[from, to)`, each side open when `None`.
pub type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Parse a date `YYYY-MM-DD` (for `--from`/`--to`).
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!(
                "{} is not a date; write it as YYYY-MM-DD, for example 2026-11-16",
                crate::quote::quoted(s)
            ),
        )
    })
}

/// A period from the command line: `from` and `to` are dates `YYYY-MM-DD`
/// (UTC days, both included) or RFC 3339 instants (`to` then exclusive).
/// Returns `[from, to)` as instants.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> Result<Period> {
    let one = |field: &str, s: &str, end: bool| -> Result<DateTime<Utc>> {
        if s.trim().len() > 10 {
            return crate::time::from_db(s.trim()).map_err(|_| {
                Error::invalid(
                    field,
                    format!(
                        "{} is neither a date (YYYY-MM-DD) nor a time such as \
                         2026-11-16T09:00:00Z",
                        crate::quote::quoted(s)
                    ),
                )
            });
        }
        let d = parse_date(field, s)?;
        let d = if end {
            d.succ_opt()
                .ok_or_else(|| Error::invalid(field, format!("{s:?} is too far in the future")))?
        } else {
            d
        };
        Ok(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)))
    };
    let f = from.map(|s| one("--from", s, false)).transpose()?;
    let t = to.map(|s| one("--to", s, true)).transpose()?;
    if let (Some(a), Some(b), Some(fs), Some(ts)) = (f, t, from, to) {
        if a >= b {
            return Err(Error::invalid(
                "period",
                format!("--from {fs} is after --to {ts}; the period would be empty"),
            ));
        }
    }
    Ok((f, t))
}

fn list_names(conn: &Connection, sql: &str) -> Result<String> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if names.is_empty() {
        "none yet".to_string()
    } else {
        crate::quote::quoted_list(names.iter().map(String::as_str), 40)
    })
}

/// How a talk-track version is named ("Texas track v2"), in SQL over
/// `talk_track_versions v JOIN talk_tracks t`: Review's options, the
/// selection's description and the command line's `--track-version` agree.
pub(crate) const TRACK_VERSION_LABEL: &str = "t.name || ' v' || v.version";

/// What a name typed on the command line is looked up as.
struct Lookup {
    /// The flag it came with, for the message.
    flag: &'static str,
    /// "rep named", "objection", ...: what was not found.
    missing: &'static str,
    /// "reps", "objections", ...: the list offered instead.
    many: &'static str,
    /// The id of the row `?1` names.
    find: String,
    /// The names to offer, in order.
    list: String,
}

/// The id `name` names by `l`, or an error that lists the names there are.
fn resolve(conn: &Connection, l: Lookup, name: &str) -> Result<String> {
    let id: Option<String> = conn
        .query_row(&l.find, [name.trim()], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => Ok(id),
        None => Err(Error::invalid(
            l.flag,
            format!(
                "no {} {}; the {} are: {}",
                l.missing,
                crate::quote::quoted(name.trim()),
                l.many,
                list_names(conn, &l.list)?
            ),
        )),
    }
}

/// The id of the rep called `name` (case-insensitive), or an error that
/// lists the reps there are.
pub fn resolve_rep(conn: &Connection, name: &str) -> Result<String> {
    let l = Lookup {
        flag: "--rep",
        missing: "rep named",
        many: "reps",
        find: "SELECT id FROM reps WHERE name = ?1 COLLATE NOCASE OR id = ?1 ORDER BY name = ?1 DESC LIMIT 1".into(),
        list: "SELECT name FROM reps ORDER BY name".into(),
    };
    resolve(conn, l, name)
}

/// The id of the theme called `name` (case-insensitive), or an error that
/// lists the themes there are.
pub fn resolve_theme(conn: &Connection, name: &str) -> Result<String> {
    let l = Lookup {
        flag: "--theme",
        missing: "theme named",
        many: "themes",
        find: "SELECT id FROM themes WHERE name = ?1 OR id = ?1 LIMIT 1".into(),
        list: "SELECT name FROM themes ORDER BY name".into(),
    };
    resolve(conn, l, name)
}

/// The id of an objection given by its slug or its label (case-insensitive).
pub fn resolve_objection(conn: &Connection, name: &str) -> Result<String> {
    let l = Lookup {
        flag: "--objection",
        missing: "objection",
        many: "objections",
        find: "SELECT id FROM objections
               WHERE slug = ?1 OR label = ?1 COLLATE NOCASE OR id = ?1 LIMIT 1"
            .into(),
        list: "SELECT slug FROM objections ORDER BY position".into(),
    };
    resolve(conn, l, name)
}

/// A talk-track version by id or as the Review names it ("Texas track v2",
/// any case); the error lists the versions there are.
pub fn resolve_track_version(conn: &Connection, name: &str) -> Result<String> {
    const FROM: &str = "talk_track_versions v JOIN talk_tracks t ON t.id = v.talk_track_id";
    let l = Lookup {
        flag: "--track-version",
        missing: "talk-track version",
        many: "versions",
        find: format!(
            "SELECT v.id FROM {FROM} WHERE v.id = ?1 OR {TRACK_VERSION_LABEL} = ?1 COLLATE NOCASE
             ORDER BY v.id = ?1 DESC, t.name, v.version LIMIT 1"
        ),
        list: format!("SELECT {TRACK_VERSION_LABEL} FROM {FROM} ORDER BY t.name, v.version"),
    };
    resolve(conn, l, name)
}

/// Turn what a user typed into an FTS5 query that cannot be a syntax error:
/// every word becomes a quoted phrase (all must match), `"..."` stays a
/// phrase, a trailing `*` asks for a prefix. `None` when nothing is left.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let mut terms = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (raw, next) = if let Some(stripped) = rest.strip_prefix('"') {
            match stripped.find('"') {
                Some(end) => (&stripped[..end], &stripped[end + 1..]),
                None => (stripped, ""),
            }
        } else {
            match rest.find(char::is_whitespace) {
                Some(end) => (&rest[..end], &rest[end..]),
                None => (rest, ""),
            }
        };
        let prefix = next.starts_with('*') || raw.ends_with('*');
        let next = next.strip_prefix('*').unwrap_or(next);
        let word: String = raw
            .trim_end_matches('*')
            .chars()
            .map(|c| if c == '"' { ' ' } else { c })
            .collect();
        if word.chars().any(char::is_alphanumeric) {
            terms.push(format!(
                "\"{}\"{}",
                word.trim(),
                if prefix { "*" } else { "" }
            ));
        }
        rest = next;
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Every dashboard of the Review view for one selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Dashboards {
    pub summary: ReviewSummary,
    pub blocks: blocks::BlocksReport,
    pub timing: timing::TimingReport,
    pub length: length::LengthReport,
    pub playbook: playbook::PlaybookReport,
}

pub fn dashboards(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<Dashboards> {
    let fresh = rollup::ensure_fresh(conn, settings);
    dashboards_with(conn, filter, settings, fresh)
}

pub(crate) fn dashboards_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<Dashboards> {
    Ok(Dashboards {
        summary: funnel::review_summary_with(conn, filter, settings, fresh)?,
        blocks: blocks::blocks_with(conn, filter, settings, fresh, crate::time::now())?,
        timing: timing::timing_with(conn, filter, settings, fresh)?,
        length: length::length_with(conn, filter, settings, fresh)?,
        playbook: playbook::playbook_with(conn, filter, settings, fresh)?,
    })
}

#[cfg(test)]
mod tests;

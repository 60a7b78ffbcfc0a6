//! The team's funnel read in the store itself: what a manager's `callblock
//! report --team --live` and the review benchmark's PostgreSQL mode read,
//! with the definitions of this copy's reports
//! (`callblock_core::reports::funnel`: the same connects, conversations,
//! limits, keys and labels), over every call the role may read (a rep: their
//! own; a manager: the team's).
//!
//! As in a copy's reports, whole UTC days are read from the rollups
//! (`callblock.calls_by_outcome`, `callblock.calls_by_hour`, kept by the
//! push's triggers for each pair of thresholds, built once for a new pair
//! by `ensure_rollups`) and the partial days at the edges of the period
//! from the calls (`callblock.calls`); a selection the rollup by hour does
//! not keep (an outcome) is read from the calls.
//!
//! A theme is its name across the team (two reps' "Logistics" are one, as a
//! manager's copy merges them by name).

use callblock_core::domain::{Outcome, Settings};
use callblock_core::reports::funnel::{group, relabel_outcomes, sort_groups, weeks_of, RawKey};
use callblock_core::reports::playbook::{StoreObjection, StoreResponse, StoreTrack};
use callblock_core::reports::{Funnel, FunnelGroup, GroupBy, ReportFilter};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use tokio_postgres::types::ToSql;
use tokio_postgres::Client;

use crate::config::Target;
use crate::error::{Result, TeamError};

/// Which rollup a grouping reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cube {
    Outcome,
    Hour,
    Length,
    Track,
    Heard,
}

impl Cube {
    fn table(self) -> &'static str {
        match self {
            Cube::Outcome => "callblock.calls_by_outcome",
            Cube::Hour => "callblock.calls_by_hour",
            Cube::Length => "callblock.calls_by_length",
            Cube::Track => "callblock.calls_by_track",
            Cube::Heard => "callblock.calls_by_heard",
        }
    }
}

/// A range of instants `[from, to)`; an end `None`: unbounded (or no range,
/// as a partial day).
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The selection: its parameters, and the period cut into whole days (the
/// rollups) and partial days (the calls).
struct Selection {
    reps: Vec<String>,
    themes: Vec<String>,
    outcomes: Vec<String>,
    conv_ms: i64,
    limit_ms: i64,
    /// Whole days `[first, end)`; `None` ends: unbounded. `None`: no whole day.
    days: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// Up to two partial ranges of instants `[from, to)`.
    partial: [Span; 2],
    /// Everything from the calls (a selection the rollup cannot answer).
    raw_only: bool,
    /// Grouped by day: the daily rows only.
    by_day: bool,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// The filter's outcomes as the store writes them.
fn outcome_codes(filter: &ReportFilter) -> Vec<String> {
    filter
        .outcomes
        .iter()
        .map(|o| o.as_str().to_string())
        .collect()
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

impl Selection {
    fn of(
        filter: &ReportFilter,
        theme_names: &[String],
        settings: &Settings,
        cube: Cube,
    ) -> Result<Selection> {
        if filter.duration.is_some()
            || filter.objection_id.is_some()
            || filter.text.is_some()
            || filter.flagged
            || !filter.talk_track_version_ids.is_empty()
        {
            return Err(TeamError::Refused(
                "the team store's live report selects by period, rep, theme and outcome; \
                 for call length, objections, words, talk-track versions or coaching flags, pull the team's calls \
                 (`callblock report --team` without --live) and report from this copy"
                    .into(),
            ));
        }
        let (from, to) = (filter.from, filter.to);
        let first = from.map(|f| {
            let d = f.date_naive();
            if midnight(d) == f {
                d
            } else {
                d + Duration::days(1)
            }
        });
        let end = to.map(|t| t.date_naive());
        let days = match (first, end) {
            (Some(a), Some(b)) if a >= b => None,
            (a, b) => Some((a, b)),
        };
        let mut partial = [(None, None), (None, None)];
        match days {
            None => partial[0] = (from, to), // within one day
            Some(_) => {
                if let (Some(f), Some(a)) = (from, first) {
                    if midnight(a) != f {
                        partial[0] = (Some(f), Some(midnight(a)));
                    }
                }
                if let (Some(t), Some(b)) = (to, end) {
                    if midnight(b) != t {
                        partial[1] = (Some(midnight(b)), Some(t));
                    }
                }
            }
        }
        Ok(Selection {
            reps: filter.rep_ids.clone(),
            themes: theme_names.to_vec(),
            outcomes: outcome_codes(filter),
            conv_ms: i64::from(settings.conversation_seconds) * 1000,
            limit_ms: i64::from(settings.phase_limit) * 1000,
            days,
            partial,
            // The rollups by hour and by version keep no outcome.
            raw_only: matches!(cube, Cube::Hour | Cube::Track | Cube::Heard)
                && !filter.outcomes.is_empty(),
            by_day: false,
            from,
            to,
        })
    }

    /// The rows to sum, each with the columns `keys` (over a rollup row or
    /// a call, aliased `n`) and the six measures, and their parameters.
    fn source(&self, cube: Cube, keys: &str) -> (String, Args) {
        let c = Outcome::CONNECT_SQL;
        let mut a = Args::default();
        let (reps, themes, outcomes) = (
            a.add(self.reps.clone()),
            a.add(self.themes.clone()),
            a.add(self.outcomes.clone()),
        );
        let (conv, limit) = (a.add(self.conv_ms), a.add(self.limit_ms));
        let filters = |outcome: &str| {
            format!(
                "(cardinality({reps}::text[]) = 0 OR n.rep_id = ANY ({reps}))
                 AND (cardinality({themes}::text[]) = 0 OR n.theme_name = ANY ({themes}))
                 AND (cardinality({outcomes}::text[]) = 0 OR {outcome} = ANY ({outcomes}))"
            )
        };
        // A call's measures, and a rollup row's (the length rollup keeps
        // calls, talk and past the limit; the others the funnel).
        let (call_measures, rollup_measures) = match cube {
            Cube::Length => (
                format!(
                    "1::bigint AS calls, n.duration_ms AS talk_ms,
                     (n.duration_ms > {limit})::int::bigint AS past_limit"
                ),
                "n.calls, n.talk_ms, n.past_limit",
            ),
            Cube::Heard => (
                // (The outer limit is no measure here; it is named, typed,
                // so that a query of the calls alone still binds it.)
                format!(
                    "(n.outcome IN {c} AND (n.duration_ms >= {conv} OR n.asked_for_meeting
                         OR n.outcome = 'meeting'))::int::bigint AS conversations,
                     (n.outcome = 'meeting' AND {limit}::bigint IS NOT NULL)::int::bigint
                         AS meetings"
                ),
                "n.conversations, n.meetings",
            ),
            Cube::Outcome | Cube::Hour | Cube::Track => (
                format!(
                    "1::bigint AS dials,
                     (n.outcome IN {c})::int::bigint AS connects,
                     (n.outcome IN {c} AND (n.duration_ms >= {conv} OR n.asked_for_meeting
                         OR n.outcome = 'meeting'))::int::bigint AS conversations,
                     (n.outcome = 'meeting')::int::bigint AS meetings,
                     n.duration_ms AS talk_ms,
                     (n.duration_ms > {limit})::int::bigint AS past_limit"
                ),
                "n.dials, n.connects, n.conversations, n.meetings, n.talk_ms, n.past_limit",
            ),
        };
        let calls = |period: String| {
            format!(
                "SELECT {keys}, {call_measures}
                 FROM (SELECT c.*, (c.started_at AT TIME ZONE 'UTC')::date AS day,
                              coalesce(c.theme_name, '') AS theme,
                              coalesce(c.local_hour, -1) AS hour,
                              coalesce(c.local_weekday, -1) AS weekday,
                              least(c.duration_ms / 15000, 24)::integer AS bin,
                              coalesce(c.talk_track_version_id, '') AS track,
                              least(c.objections_heard, 4) AS heard
                       FROM callblock.calls c) n
                 WHERE {} AND {period}",
                filters("n.outcome")
            )
        };
        let days = match self.whole_days(&mut a, "n.started_at") {
            Ok(d) => d,
            // Everything from the calls.
            Err(period) => return (calls(period), a),
        };
        let (hour, weekday, outcome) = match cube {
            Cube::Hour => ("r.local_hour", "r.local_weekday", "NULL::text"),
            Cube::Track | Cube::Heard => ("-1", "-1", "NULL::text"),
            Cube::Outcome | Cube::Length => ("-1", "-1", "n.outcome"),
        };
        // The rollup by objections heard has its own `heard` (in `r.*`).
        let (track, heard) = match cube {
            Cube::Track => ("r.track_version_id", ", 0 AS heard"),
            Cube::Heard => ("r.track_version_id", ""),
            _ => ("''", ", 0 AS heard"),
        };
        let mut parts = Vec::new();
        // Grouped by day, every day is read (a month's row would stand
        // for its first day).
        let ranges = if self.by_day {
            vec![('d', days.0, days.1)]
        } else {
            grains(days)
        };
        for (grain, first, end) in ranges {
            let (first, end) = (a.add(first), a.add(end));
            parts.push(format!(
                "SELECT {keys}, {rollup_measures}
                 FROM (SELECT r.*, r.theme_name AS theme, {hour} AS hour, {weekday} AS weekday,
                              {track} AS track{heard}
                       FROM {table} r
                       WHERE r.conv_ms = {conv} AND r.limit_ms = {limit} AND r.grain = '{grain}'
                         AND ({first}::date IS NULL OR r.day >= {first})
                         AND ({end}::date IS NULL OR r.day < {end})) n
                 WHERE {}",
                filters(outcome),
                table = cube.table(),
            ));
        }
        let mut sql = parts.join(" UNION ALL ");
        for (from, to) in self.partial {
            if let (Some(from), Some(to)) = (from, to) {
                let (f, t) = (a.add(from), a.add(to));
                sql.push_str(" UNION ALL ");
                sql.push_str(&calls(format!(
                    "n.started_at >= {f} AND n.started_at < {t}"
                )));
            }
        }
        (sql, a)
    }
}

impl Selection {
    /// The whole days the rollups answer for, or (`Err`) the condition on
    /// `at` (an instant column) that reads everything from the rows
    /// instead: a selection the rollup cannot answer, or a period within
    /// one day.
    fn whole_days(&self, a: &mut Args, at: &str) -> std::result::Result<Days, String> {
        match self.days {
            Some(d) if !self.raw_only => Ok(d),
            _ => {
                let (from, to) = if self.raw_only {
                    (self.from, self.to)
                } else {
                    self.partial[0]
                };
                let (f, t) = (a.add(from), a.add(to));
                Err(format!(
                    "({f}::timestamptz IS NULL OR {at} >= {f})
                     AND ({t}::timestamptz IS NULL OR {at} < {t})"
                ))
            }
        }
    }

    /// The objections raised (`kind` "objection", keyed by objection) or
    /// the responses used ("response", keyed by response, '' for none),
    /// as rows (k, t: times, c: calls, m: meetings) to sum: whole days
    /// from `callblock.objections_by_day`, partial days (or everything, for
    /// a selection of outcomes) from `callblock.call_objections`, where a
    /// call counts once per key.
    fn raised(&self, kind: &'static str) -> (String, Args) {
        let mut a = Args::default();
        let (reps, themes, outcomes) = (
            a.add(self.reps.clone()),
            a.add(self.themes.clone()),
            a.add(self.outcomes.clone()),
        );
        let who = |rep: &str, theme: &str| {
            format!(
                "(cardinality({reps}::text[]) = 0 OR {rep} = ANY ({reps}))
                 AND (cardinality({themes}::text[]) = 0 OR {theme} = ANY ({themes}))"
            )
        };
        let item = match kind {
            "objection" => "co.objection_id",
            _ => "coalesce(co.response_id, '')",
        };
        let raw = |period: String| {
            format!(
                "SELECT {item} AS k, count(*)::bigint AS t, count(DISTINCT co.call_id)::bigint AS c,
                        count(DISTINCT co.call_id) FILTER (WHERE co.outcome = 'meeting')::bigint AS m
                 FROM callblock.call_objections co
                 WHERE co.outcome IS NOT NULL AND {}
                   AND (cardinality({outcomes}::text[]) = 0 OR co.outcome = ANY ({outcomes}))
                   AND {period}
                 GROUP BY 1",
                who("co.rep_id", "co.theme_name")
            )
        };
        let days = match self.whole_days(&mut a, "co.started_at") {
            Ok(d) => d,
            Err(period) => return (raw(period), a),
        };
        let mut parts = Vec::new();
        for (grain, first, end) in grains(days) {
            let (first, end) = (a.add(first), a.add(end));
            parts.push(format!(
                "SELECT r.item_id AS k, r.times AS t, r.calls AS c, r.meetings AS m
                 FROM callblock.objections_by_day r
                 WHERE r.grain = '{grain}' AND r.kind = '{kind}'
                   -- The rollup keeps no outcome: read when none is selected.
                   AND cardinality({outcomes}::text[]) = 0
                   AND ({first}::date IS NULL OR r.day >= {first})
                   AND ({end}::date IS NULL OR r.day < {end})
                   AND {}",
                who("r.rep_id", "r.theme_name")
            ));
        }
        for (from, to) in self.partial {
            if let (Some(from), Some(to)) = (from, to) {
                let (f, t) = (a.add(from), a.add(to));
                parts.push(raw(format!("co.started_at >= {f} AND co.started_at < {t}")));
            }
        }
        (parts.join(" UNION ALL "), a)
    }
}

/// Whole days `[first, end)` as the rollups' grains read them: whole
/// months from the monthly rows ('m'), the days around them from the daily
/// rows ('d').
type Days = (Option<NaiveDate>, Option<NaiveDate>);

fn grains((first, end): Days) -> Vec<(char, Option<NaiveDate>, Option<NaiveDate>)> {
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let next_month = |d: NaiveDate| {
        let m = month_start(d);
        m.checked_add_months(chrono::Months::new(1)).unwrap_or(m)
    };
    // The first whole month, and the end of the last.
    let m0 = first.map(|d| if d.day() == 1 { d } else { next_month(d) });
    let m1 = end.map(month_start);
    match (m0, m1) {
        (Some(a), Some(b)) if a >= b => vec![('d', first, end)],
        _ => {
            let mut out = vec![('m', m0, m1)];
            if let (Some(f), Some(a)) = (first, m0) {
                if f < a {
                    out.push(('d', Some(f), Some(a)));
                }
            }
            if let (Some(b), Some(e)) = (m1, end) {
                if b < e {
                    out.push(('d', Some(b), Some(e)));
                }
            }
            out
        }
    }
}

/// A query's parameters, numbered as they are added.
#[derive(Default)]
struct Args(Vec<Box<dyn ToSql + Sync + Send>>);

impl Args {
    /// Add `v`; returns its placeholder (`$n`).
    fn add(&mut self, v: impl ToSql + Sync + Send + 'static) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0
            .iter()
            .map(|b| b.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

const SUMS: &str = "coalesce(sum(s.dials), 0)::bigint, coalesce(sum(s.connects), 0)::bigint,
    coalesce(sum(s.conversations), 0)::bigint, coalesce(sum(s.meetings), 0)::bigint,
    coalesce(sum(s.talk_ms), 0)::bigint / 1000, coalesce(sum(s.past_limit), 0)::bigint";

/// Make sure the store keeps the rollups for these thresholds (built once,
/// the first time a report asks).
async fn ensure(client: &Client, target: &Target, settings: &Settings) -> Result<()> {
    let conv = i64::from(settings.conversation_seconds) * 1000;
    let limit = i64::from(settings.phase_limit) * 1000;
    client
        .query_one("SELECT callblock.ensure_rollups($1, $2)", &[&conv, &limit])
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(())
}

/// The funnel of the calls `filter` selects (themes by name), counted in
/// the store.
pub async fn funnel(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<Funnel> {
    ensure(client, target, settings).await?;
    let s = Selection::of(filter, theme_names, settings, Cube::Outcome)?;
    let (src, args) = s.source(Cube::Outcome, "n.rep_id AS k");
    let sql = format!("SELECT {SUMS} FROM ({src}) s");
    let row = client
        .query_one(&sql, &args.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(funnel_of(&row, 0))
}

/// When to call (the prospect's local hour and weekday), counted in the
/// store from its rollup by hour: the same cells, rows and definitions as
/// this copy's report (`reports::timing::timing_of_cells`).
pub async fn timing(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<callblock_core::reports::timing::TimingReport> {
    ensure(client, target, settings).await?;
    let s = Selection::of(filter, theme_names, settings, Cube::Hour)?;
    let (src, args) = s.source(Cube::Hour, "n.weekday AS wd, n.hour AS h");
    let sql = format!(
        "SELECT coalesce(s.wd, -1)::bigint, coalesce(s.h, -1)::bigint,
                sum(s.dials)::bigint, sum(s.connects)::bigint,
                sum(s.conversations)::bigint, sum(s.meetings)::bigint
         FROM ({src}) s GROUP BY 1, 2 ORDER BY 1, 2"
    );
    let rows = client
        .query(&sql, &args.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let n =
        |r: &tokio_postgres::Row, i: usize| u32::try_from(r.get::<_, i64>(i)).unwrap_or(u32::MAX);
    let cells: Vec<(i64, i64, u32, u32, u32, u32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), n(r, 2), n(r, 3), n(r, 4), n(r, 5)))
        .collect();
    Ok(callblock_core::reports::timing::timing_of_cells(
        &cells, settings,
    ))
}

/// Call length by outcome, counted in the store from its rollup by length
/// (`callblock.calls_by_length`): the same bins, series and definitions as
/// this copy's report (`reports::length::length_of_cells`).
pub async fn length(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<callblock_core::reports::length::LengthReport> {
    use callblock_core::reports::length::{length_of_cells, LengthCell};
    ensure(client, target, settings).await?;
    let s = Selection::of(filter, theme_names, settings, Cube::Length)?;
    let (src, args) = s.source(Cube::Length, "n.outcome AS o, n.bin AS b");
    let sql = format!(
        "SELECT s.o, s.b::bigint, sum(s.calls)::bigint, sum(s.talk_ms)::bigint,
                sum(s.past_limit)::bigint
         FROM ({src}) s GROUP BY 1, 2"
    );
    let rows = client
        .query(&sql, &args.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let n =
        |r: &tokio_postgres::Row, i: usize| u32::try_from(r.get::<_, i64>(i)).unwrap_or(u32::MAX);
    let mut cells = Vec::with_capacity(rows.len());
    for r in &rows {
        // An outcome this version does not know is left out, as a copy
        // cannot hold one.
        let Ok(outcome) = Outcome::parse(r.get::<_, &str>(0)) else {
            continue;
        };
        cells.push(LengthCell {
            outcome,
            bin: r.get(1),
            calls: n(r, 2),
            talk_ms: r.get::<_, i64>(3).max(0) as u64,
            past_limit: n(r, 4),
        });
    }
    Ok(length_of_cells(&cells, settings))
}

/// The blocks the filter selects (by when they started, their rep and
/// their themes by name; the other filters are about calls, as in this
/// copy's report), summed by rep, week, end and pace, with the figures of
/// their calls from the store's rollup by block and their active time as
/// the store keeps it (`callblock.block_active_seconds`: the core's
/// `blocks::active_seconds` in SQL; a test compares the two).
pub async fn block_facts(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<callblock_core::reports::blocks::BlockSums> {
    use callblock_core::reports::blocks::{BlockFacts, BlockSums};
    ensure(client, target, settings).await?;
    let mut a = Args::default();
    let conv = a.add(i64::from(settings.conversation_seconds) * 1000);
    let limit = a.add(i64::from(settings.phase_limit) * 1000);
    let mut w = vec!["true".to_string()];
    // As a copy compares them: the instants as written (`time::to_db`).
    if let Some(f) = filter.from {
        w.push(format!(
            "b.started_at >= {}",
            a.add(callblock_core::time::to_db(f))
        ));
    }
    if let Some(t) = filter.to {
        w.push(format!(
            "b.started_at < {}",
            a.add(callblock_core::time::to_db(t))
        ));
    }
    if !filter.rep_ids.is_empty() {
        w.push(format!(
            "b.rep_id = ANY ({})",
            a.add(filter.rep_ids.clone())
        ));
    }
    if !theme_names.is_empty() {
        w.push(format!(
            "b.theme_ids && ARRAY(SELECT t.id FROM callblock.rows t
                                  WHERE t.kind = 'theme' AND t.body ->> 'name' = ANY ({}))",
            a.add(theme_names.to_vec())
        ));
    }
    // The blocks summed by rep and by week, each with its end and pace (a
    // thousand groups for the team's year, not a row a block: the report
    // needs no finer grouping); each block's active time and week are kept
    // by the store as a copy counts them (`callblock.block_active_seconds`,
    // `week_of`), and its pace bin is the core's `blocks::pace_bin` in SQL
    // (the same doubles).
    let sql = format!(
        "SELECT g.rep_id, g.week, g.end_reason, count(*)::bigint,
                sum(g.planned_seconds)::bigint, sum(g.active_seconds)::bigint,
                sum(g.dials)::bigint, sum(g.connects)::bigint, sum(g.conversations)::bigint,
                sum(g.meetings)::bigint, sum(g.talk_ms)::bigint, g.pace,
                GROUPING(g.rep_id) = 0 AS by_rep
         FROM (
            -- Grouped byte by byte: the server's collation made sorting the
            -- groups the slowest part.
            SELECT b.rep_id COLLATE \"C\" AS rep_id, b.week COLLATE \"C\" AS week,
                   b.end_reason COLLATE \"C\" AS end_reason, b.planned_seconds, b.active_seconds,
                   coalesce(s.dials, 0) AS dials, coalesce(s.connects, 0) AS connects,
                   coalesce(s.conversations, 0) AS conversations,
                   coalesce(s.meetings, 0) AS meetings, coalesce(s.talk_ms, 0) AS talk_ms,
                   CASE WHEN b.end_reason IS NOT NULL AND b.active_seconds > 0
                        THEN least(floor(coalesce(s.dials, 0)::float8 * 3600::float8
                                         / b.active_seconds::float8 / 5::float8), 12)::integer
                   END AS pace
            FROM callblock.blocks b
            LEFT JOIN (
                SELECT * FROM callblock.calls_by_block
                WHERE conv_ms = {conv} AND limit_ms = {limit}) s
                   ON s.block_id = b.id AND s.rep_id = b.rep_id
            WHERE {}) g
         GROUP BY GROUPING SETS ((g.rep_id, g.end_reason, g.pace), (g.week, g.end_reason, g.pace))",
        w.join(" AND ")
    );
    let rows = client
        .query(&sql, &a.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let n = |r: &tokio_postgres::Row, i: usize| {
        u32::try_from(r.get::<_, Option<i64>>(i).unwrap_or(0).max(0)).unwrap_or(u32::MAX)
    };
    let mut sums = BlockSums::default();
    for r in &rows {
        let facts = BlockFacts {
            blocks: n(r, 3),
            pace_bin: r
                .get::<_, Option<i32>>(11)
                .and_then(|b| usize::try_from(b).ok()),
            rep_id: r.get::<_, Option<String>>(0).unwrap_or_default(),
            week: r.get::<_, Option<String>>(1).unwrap_or_default(),
            end_reason: r.get(2),
            planned: n(r, 4),
            active: r
                .get::<_, Option<i64>>(5)
                .map(|v| u32::try_from(v.max(0)).unwrap_or(u32::MAX)),
            dials: n(r, 6),
            connects: n(r, 7),
            conversations: n(r, 8),
            meetings: n(r, 9),
            talk_ms: r.get::<_, Option<i64>>(10).unwrap_or(0).max(0) as u64,
        };
        if r.get::<_, bool>(12) {
            sums.by_rep.push(facts);
        } else {
            sums.by_week.push(facts);
        }
    }
    Ok(sums)
}

/// What the playbook report counts, read in the store: the objections
/// raised and the responses used (from `callblock.call_objections`, each
/// with its call's start, theme and outcome), and the talk-track versions'
/// funnels (from the rollup by version), each with its words in the store.
/// `reports::playbook::playbook_of_store` makes the report in this copy's
/// words.
pub async fn playbook_counts(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<(Vec<StoreObjection>, Vec<StoreResponse>, Vec<StoreTrack>)> {
    ensure(client, target, settings).await?;
    // The rollup by version and the objections' keep no outcome: a
    // selection of outcomes is read from the calls (`raw_only`).
    let s = Selection::of(filter, theme_names, settings, Cube::Track)?;
    let pg = |e| TeamError::pg(&target.label, e);
    let n = |r: &tokio_postgres::Row, i: usize| {
        u32::try_from(r.get::<_, i64>(i).max(0)).unwrap_or(u32::MAX)
    };
    let version = |r: &tokio_postgres::Row, i: usize| {
        r.get::<_, Option<String>>(i)
            .and_then(|v| v.parse::<u32>().ok())
    };
    let sums = "SELECT s.k, sum(s.t)::bigint AS t, sum(s.c)::bigint AS c, sum(s.m)::bigint AS m";

    let (src, a) = s.raised("objection");
    let rows = client
        .query(
            &format!(
                "SELECT g.k, o.body ->> 'slug', o.body ->> 'label', g.t, g.c, g.m FROM (
                    {sums} FROM ({src}) s GROUP BY 1) g
                 LEFT JOIN callblock.rows o ON o.kind = 'objection' AND o.id = g.k"
            ),
            &a.refs(),
        )
        .await
        .map_err(pg)?;
    let objections = rows
        .iter()
        .map(|r| StoreObjection {
            id: r.get(0),
            slug: r.get(1),
            label: r.get(2),
            times: n(r, 3),
            calls: n(r, 4),
            meetings: n(r, 5),
        })
        .collect();

    let (src, a) = s.raised("response");
    let rows = client
        .query(
            &format!(
                "SELECT g.k, x.body ->> 'objection_id', o.body ->> 'slug', o.body ->> 'label',
                        th.body ->> 'name', x.body ->> 'version', x.body ->> 'response',
                        g.t, g.c, g.m FROM (
                    {sums} FROM ({src}) s GROUP BY 1) g
                 LEFT JOIN callblock.rows x ON x.kind = 'response' AND x.id = g.k
                 LEFT JOIN callblock.rows o ON o.kind = 'objection' AND o.id = x.body ->> 'objection_id'
                 LEFT JOIN callblock.rows th ON th.kind = 'theme' AND th.id = x.body ->> 'theme_id'"
            ),
            &a.refs(),
        )
        .await
        .map_err(pg)?;
    let responses = rows
        .iter()
        .map(|r| StoreResponse {
            id: r.get(0),
            objection_id: r.get(1),
            objection_slug: r.get(2),
            objection_label: r.get(3),
            theme_name: r.get(4),
            version: version(r, 5),
            response: r.get(6),
            times: n(r, 7),
            calls: n(r, 8),
            meetings: n(r, 9),
        })
        .collect();

    let (src, args) = s.source(Cube::Track, "n.track AS k");
    let rows = client
        .query(
            &format!(
                "SELECT g.k, tt.body ->> 'name', th.body ->> 'name', v.body ->> 'version',
                        v.body ->> 'change_note', v.body ->> 'created_at',
                        v.body ->> 'opener', v.body ->> 'engage_statement',
                        v.body ->> 'impact_question', v.body ->> 'appointment_request',
                        v.body ->> 'voicemail_script', v.body ->> 'referral',
                        v.body ->> 'agenda_line',
                        g.d, g.c, g.v, g.m FROM (
                    SELECT s.k, sum(s.dials)::bigint AS d, sum(s.connects)::bigint AS c,
                           sum(s.conversations)::bigint AS v, sum(s.meetings)::bigint AS m
                    FROM ({src}) s GROUP BY 1) g
                 LEFT JOIN callblock.rows v ON v.kind = 'talk_track_version' AND v.id = g.k
                 LEFT JOIN callblock.rows tt ON tt.kind = 'talk_track' AND tt.id = v.body ->> 'talk_track_id'
                 LEFT JOIN callblock.rows th ON th.kind = 'theme' AND th.id = tt.body ->> 'theme_id'"
            ),
            &args.refs(),
        )
        .await
        .map_err(pg)?;
    let tracks = rows
        .iter()
        .map(|r| {
            let text = |i: usize| r.get::<_, Option<String>>(i);
            let texts = (6..13).map(text).collect::<Option<Vec<String>>>();
            StoreTrack {
                id: r.get(0),
                track_name: r.get(1),
                theme_name: r.get(2),
                version: version(r, 3),
                change_note: r.get(4),
                created_at: r.get(5),
                texts: texts.and_then(|t| <[String; 7]>::try_from(t).ok()),
                dials: n(r, 13),
                connects: n(r, 14),
                conversations: n(r, 15),
                meetings: n(r, 16),
            }
        })
        .collect();
    Ok((objections, responses, tracks))
}

/// The selection's conversations by theme, talk-track version and the
/// objections heard on each (0 to 3, and 4 or more), counted in the store
/// as this copy's `reports::by_objections` counts them (each conversation's
/// objections in `callblock.call_objections`), with each version's words
/// there.
pub async fn conversations_by_objections(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    settings: &Settings,
) -> Result<Vec<callblock_core::reports::by_objections::StoreCell>> {
    use callblock_core::reports::by_objections::StoreCell;
    ensure(client, target, settings).await?;
    // The rollup keeps no outcome: a selection of outcomes reads the calls.
    let sel = Selection::of(filter, theme_names, settings, Cube::Heard)?;
    let (src, a) = sel.source(Cube::Heard, "n.theme AS t, n.track AS v, n.heard AS b");
    let sql = format!(
        "SELECT nullif(g.t, ''), g.v, g.b, g.n, g.m, tt.body ->> 'name', th.body ->> 'name',
                v.body ->> 'version', v.body ->> 'opener', v.body ->> 'engage_statement',
                v.body ->> 'impact_question', v.body ->> 'appointment_request',
                v.body ->> 'voicemail_script', v.body ->> 'referral', v.body ->> 'agenda_line'
         FROM (
            SELECT s.t, s.v, s.b::bigint AS b, sum(s.conversations)::bigint AS n,
                   sum(s.meetings)::bigint AS m
            FROM ({src}) s GROUP BY 1, 2, 3 HAVING sum(s.conversations) > 0) g
         LEFT JOIN callblock.rows v ON v.kind = 'talk_track_version' AND v.id = g.v
         LEFT JOIN callblock.rows tt ON tt.kind = 'talk_track' AND tt.id = v.body ->> 'talk_track_id'
         LEFT JOIN callblock.rows th ON th.kind = 'theme' AND th.id = tt.body ->> 'theme_id'"
    );
    let rows = client
        .query(&sql, &a.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let n = |r: &tokio_postgres::Row, i: usize| {
        u32::try_from(r.get::<_, i64>(i).max(0)).unwrap_or(u32::MAX)
    };
    Ok(rows
        .iter()
        .map(|r| {
            let texts = (8..15)
                .map(|i| r.get::<_, Option<String>>(i))
                .collect::<Option<Vec<String>>>();
            StoreCell {
                theme_name: r.get(0),
                version: StoreTrack {
                    id: r.get(1),
                    track_name: r.get(5),
                    theme_name: r.get(6),
                    version: r.get::<_, Option<String>>(7).and_then(|v| v.parse().ok()),
                    texts: texts.and_then(|t| <[String; 7]>::try_from(t).ok()),
                    ..StoreTrack::default()
                },
                bucket: n(r, 2),
                calls: n(r, 3),
                meetings: n(r, 4),
            }
        })
        .collect())
}

/// A page of the call log read in the store: the calls `query` selects
/// (period, reps, themes by name, outcomes), newest first, by cursor
/// (keyset on start and id) or from a row number, in the store's words
/// (`reports::calllog::rows_in_copy_words` says them in this copy's). The
/// total is the store's count of the selection (its rollups).
pub async fn call_log(
    client: &Client,
    target: &Target,
    query: &callblock_core::reports::calllog::CallLogQuery,
    theme_names: &[String],
    settings: &Settings,
) -> Result<(
    Vec<callblock_core::reports::calllog::StoreCallRow>,
    Option<callblock_core::reports::calllog::CallCursor>,
    Option<callblock_core::reports::calllog::CallCursor>,
    callblock_core::reports::calllog::CallCount,
    Option<u32>,
)> {
    use callblock_core::reports::calllog::{
        CallCount, CallCursor, CallLogRow, StoreCallRow, StoreObjectionRaised,
    };
    let filter = &query.filter;
    // Refuses what the store cannot select by, as every live count does.
    Selection::of(filter, theme_names, settings, Cube::Outcome)?;
    let total = funnel(client, target, filter, theme_names, settings).await?;
    let pg = |e| TeamError::pg(&target.label, e);
    let limit = i64::from(query.limit.clamp(1, 500));
    let mut a = Args::default();
    let (f, t) = (a.add(filter.from), a.add(filter.to));
    let (reps, themes, outcomes) = (
        a.add(filter.rep_ids.clone()),
        a.add(theme_names.to_vec()),
        a.add(outcome_codes(filter)),
    );
    let mut w = format!(
        "({f}::timestamptz IS NULL OR c.started_at >= {f})
         AND ({t}::timestamptz IS NULL OR c.started_at < {t})
         AND (cardinality({reps}::text[]) = 0 OR c.rep_id = ANY ({reps}))
         AND (cardinality({themes}::text[]) = 0 OR c.theme_name = ANY ({themes}))
         AND (cardinality({outcomes}::text[]) = 0 OR c.outcome = ANY ({outcomes}))"
    );
    // Newest first; ids compared byte by byte, as a copy compares them.
    let (order, offset, mode) = if let Some(b) = &query.before {
        let (at, id) = (a.add(b.started_at.clone()), a.add(b.id.clone()));
        w.push_str(&format!(
            " AND (c.started_at, c.id COLLATE \"C\") > ({at}::text::timestamptz, {id})"
        ));
        ("c.started_at, c.id COLLATE \"C\"", 0i64, 'b')
    } else if let Some(c) = &query.after {
        let (at, id) = (a.add(c.started_at.clone()), a.add(c.id.clone()));
        w.push_str(&format!(
            " AND (c.started_at, c.id COLLATE \"C\") < ({at}::text::timestamptz, {id})"
        ));
        ("c.started_at DESC, c.id COLLATE \"C\" DESC", 0, 'a')
    } else {
        // Far down: the day that holds the row, from the rollup's count of
        // each day (a period of whole days), then the rows of that day
        // before it; an OFFSET over a million rows took half a second.
        let mut skip = i64::from(query.offset);
        let whole_days = [filter.from, filter.to]
            .iter()
            .flatten()
            .all(|t| midnight(t.date_naive()) == *t);
        if skip > 2 * limit && whole_days {
            let mut d = Args::default();
            let (conv, lim) = (
                d.add(i64::from(settings.conversation_seconds) * 1000),
                d.add(i64::from(settings.phase_limit) * 1000),
            );
            let (first, end) = (
                d.add(filter.from.map(|f| f.date_naive())),
                d.add(filter.to.map(|t| t.date_naive())),
            );
            let (dr, dt, dout) = (
                d.add(filter.rep_ids.clone()),
                d.add(theme_names.to_vec()),
                d.add(outcome_codes(filter)),
            );
            let days = client
                .query(
                    &format!(
                        "SELECT r.day, sum(r.dials)::bigint FROM callblock.calls_by_outcome r
                         WHERE r.conv_ms = {conv} AND r.limit_ms = {lim} AND r.grain = 'd'
                           AND ({first}::date IS NULL OR r.day >= {first})
                           AND ({end}::date IS NULL OR r.day < {end})
                           AND (cardinality({dr}::text[]) = 0 OR r.rep_id = ANY ({dr}))
                           AND (cardinality({dt}::text[]) = 0 OR r.theme_name = ANY ({dt}))
                           AND (cardinality({dout}::text[]) = 0 OR r.outcome = ANY ({dout}))
                         GROUP BY 1 ORDER BY 1 DESC"
                    ),
                    &d.refs(),
                )
                .await
                .map_err(pg)?;
            let mut before = 0i64;
            for r in &days {
                let n: i64 = r.get(1);
                if before + n > skip {
                    let day: NaiveDate = r.get(0);
                    let until = a.add(midnight(day + Duration::days(1)));
                    w.push_str(&format!(" AND c.started_at < {until}"));
                    skip -= before;
                    break;
                }
                before += n;
            }
        }
        ("c.started_at DESC, c.id COLLATE \"C\" DESC", skip, 'o')
    };
    let (lim, off) = (a.add(limit + 1), a.add(offset));
    let sql = format!(
        "WITH page AS (
            SELECT c.* FROM callblock.calls c WHERE {w}
            ORDER BY {order} LIMIT {lim} OFFSET {off})
         SELECT c.id, r.body ->> 'started_at', c.rep_id, coalesce(rp.name, c.rep_id), c.theme_id,
                c.theme_name, r.body ->> 'prospect_id',
                trim(coalesce(p.body ->> 'first_name', '') || ' ' || coalesce(p.body ->> 'last_name', '')),
                coalesce(p.body ->> 'company', ''), c.duration_ms, (r.body ->> 'ring_ms')::bigint,
                c.outcome, left(coalesce(r.body ->> 'notes', ''), 160),
                coalesce(r.body ->> 'gap_current_state', '') <> ''
                    OR coalesce(r.body ->> 'gap_objectives', '') <> ''
                    OR coalesce(r.body ->> 'gap_impact', '') <> '',
                ARRAY(SELECT x.body ->> 'objection_id' FROM callblock.rows x
                       WHERE x.kind = 'call_objection' AND x.parent_id = c.id AND x.rep_id = c.rep_id
                       ORDER BY (x.body ->> 'position')::bigint),
                ARRAY(SELECT o.body ->> 'slug' FROM callblock.rows x
                       LEFT JOIN callblock.rows o ON o.kind = 'objection' AND o.id = x.body ->> 'objection_id'
                       WHERE x.kind = 'call_objection' AND x.parent_id = c.id AND x.rep_id = c.rep_id
                       ORDER BY (x.body ->> 'position')::bigint),
                ARRAY(SELECT o.body ->> 'label' FROM callblock.rows x
                       LEFT JOIN callblock.rows o ON o.kind = 'objection' AND o.id = x.body ->> 'objection_id'
                       WHERE x.kind = 'call_objection' AND x.parent_id = c.id AND x.rep_id = c.rep_id
                       ORDER BY (x.body ->> 'position')::bigint),
                coalesce((SELECT (fl.body ->> 'flagged')::boolean FROM callblock.rows fl
                          WHERE fl.kind = 'call_flag' AND fl.id = c.id), false),
                (SELECT count(*) FROM callblock.rows m
                  WHERE m.kind = 'call_comment' AND m.body ->> 'call_id' = c.id
                    AND m.body ->> 'deleted_at' IS NULL)
         FROM page c
         JOIN callblock.rows r ON r.kind = 'call' AND r.id = c.id
         LEFT JOIN callblock.reps rp ON rp.id = c.rep_id
         LEFT JOIN callblock.rows p ON p.kind = 'prospect' AND p.id = r.body ->> 'prospect_id'
         ORDER BY {order}"
    );
    let found = client.query(&sql, &a.refs()).await.map_err(pg)?;
    let n = |r: &tokio_postgres::Row, i: usize| {
        u32::try_from(r.get::<_, i64>(i).max(0)).unwrap_or(u32::MAX)
    };
    let mut rows = Vec::with_capacity(found.len());
    for r in &found {
        let Ok(outcome) = callblock_core::domain::Outcome::parse(r.get::<_, &str>(11)) else {
            continue;
        };
        let ids: Vec<Option<String>> = r.get(14);
        let slugs: Vec<Option<String>> = r.get(15);
        let labels: Vec<Option<String>> = r.get(16);
        let raised = ids
            .into_iter()
            .zip(slugs)
            .zip(labels)
            .map(|((id, slug), label)| StoreObjectionRaised {
                id: id.unwrap_or_default(),
                slug,
                label,
            })
            .collect();
        rows.push(StoreCallRow {
            row: CallLogRow {
                id: r.get(0),
                started_at: r.get::<_, Option<String>>(1).unwrap_or_default(),
                rep_id: r.get(2),
                rep_name: r.get(3),
                theme_id: r.get(4),
                theme_name: r.get(5),
                prospect_id: r.get::<_, Option<String>>(6).unwrap_or_default(),
                prospect_name: r.get(7),
                company: r.get(8),
                duration_ms: n(r, 9),
                ring_ms: r
                    .get::<_, Option<i64>>(10)
                    .and_then(|v| u32::try_from(v).ok()),
                outcome,
                outcome_label: settings.outcome_label(outcome).to_string(),
                objections: vec![],
                notes: r.get(12),
                has_gap_notes: r.get(13),
                flagged: r.get(17),
                comments: n(r, 18),
            },
            raised,
        });
    }
    let key = |row: &CallLogRow| CallCursor {
        started_at: row.started_at.clone(),
        id: row.id.clone(),
    };
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let (next, prev, at) = match mode {
        'b' => {
            if !more {
                // Less than a page before the cursor: the top of the log.
                let top = callblock_core::reports::calllog::CallLogQuery {
                    before: None,
                    after: None,
                    offset: 0,
                    ..query.clone()
                };
                return Box::pin(call_log(client, target, &top, theme_names, settings)).await;
            }
            rows.reverse();
            // The page after this one starts after its oldest row (the
            // cursor's call is its first).
            let prev = rows.first().map(|x| key(&x.row));
            let next = rows.last().map(|x| key(&x.row));
            (next, prev, None)
        }
        'a' => (
            if more {
                rows.last().map(|x| key(&x.row))
            } else {
                None
            },
            rows.first().map(|x| key(&x.row)),
            None,
        ),
        _ => (
            if more {
                rows.last().map(|x| key(&x.row))
            } else {
                None
            },
            if query.offset > 0 {
                rows.first().map(|x| key(&x.row))
            } else {
                None
            },
            Some(query.offset),
        ),
    };
    Ok((
        rows,
        next,
        prev,
        CallCount {
            value: total.dials,
            exact: true,
        },
        at,
    ))
}

/// The team's reps by id, with their names (the Blocks tab's rows).
pub async fn rep_names(
    client: &Client,
    target: &Target,
) -> Result<std::collections::BTreeMap<String, String>> {
    let rows = client
        .query("SELECT id, name FROM callblock.reps", &[])
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The funnel grouped `by`, counted in the store: the same keys, labels and
/// order as this copy's reports (a rep by id with their name; a theme by
/// its name).
pub async fn funnel_by(
    client: &Client,
    target: &Target,
    filter: &ReportFilter,
    theme_names: &[String],
    by: GroupBy,
    settings: &Settings,
) -> Result<Vec<FunnelGroup>> {
    if by == GroupBy::Week {
        let days = Box::pin(funnel_by(
            client,
            target,
            filter,
            theme_names,
            GroupBy::Day,
            settings,
        ))
        .await?;
        return Ok(weeks_of(&days));
    }
    ensure(client, target, settings).await?;
    let cube = match by {
        GroupBy::Hour | GroupBy::Weekday => Cube::Hour,
        _ => Cube::Outcome,
    };
    let mut s = Selection::of(filter, theme_names, settings, cube)?;
    s.by_day = matches!(by, GroupBy::Day | GroupBy::Week);
    let (key, label, join, order) = match by {
        GroupBy::Rep => (
            "n.rep_id",
            "coalesce(r.name, g.k)",
            "LEFT JOIN callblock.reps r ON r.id = g.k",
            "lower(coalesce(r.name, g.k)), 1",
        ),
        GroupBy::Theme => (
            "n.theme",
            "CASE g.k WHEN '' THEN 'No theme' ELSE g.k END",
            "",
            "g.k = '', lower(g.k), 1",
        ),
        // Grouped by the value, made text once per group.
        GroupBy::Day | GroupBy::Week => ("n.day", "to_char(g.k, 'YYYY-MM-DD')", "", "1"),
        GroupBy::Hour => ("n.hour", "g.k::text", "", "1"),
        GroupBy::Weekday => ("n.weekday", "g.k::text", "", "1"),
        GroupBy::Outcome => ("n.outcome", "g.k", "", "1"),
    };
    let key_text = match by {
        GroupBy::Day | GroupBy::Week | GroupBy::Hour | GroupBy::Weekday => label,
        _ => "g.k",
    };
    let (src, args) = s.source(cube, &format!("{key} AS k"));
    let sql = format!(
        "SELECT {key_text}, {label}, g.d, g.c, g.v, g.m, g.t, g.p FROM (
            SELECT s.k, {SUMS} FROM ({src}) s GROUP BY 1
         ) AS g (k, d, c, v, m, t, p) {join}
         ORDER BY {order}"
    );
    let rows = client
        .query(&sql, &args.refs())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let mut out = Vec::with_capacity(rows.len());
    let number = matches!(by, GroupBy::Hour | GroupBy::Weekday);
    for r in &rows {
        let k: Option<String> = r.get(0);
        let l: Option<String> = r.get(1);
        let raw = |v: Option<String>, number: bool| match v {
            None => RawKey::None,
            Some(s) if number => s.parse().map(RawKey::Int).unwrap_or(RawKey::Text(s)),
            Some(s) => RawKey::Text(s),
        };
        out.push(group(by, raw(k, number), raw(l, false), funnel_of(r, 2)));
    }
    relabel_outcomes(by, &mut out, settings);
    sort_groups(by, &mut out);
    Ok(out)
}

fn funnel_of(r: &tokio_postgres::Row, at: usize) -> Funnel {
    let n = |i: usize| r.get::<_, i64>(at + i).max(0) as u32;
    Funnel {
        dials: n(0),
        connects: n(1),
        conversations: n(2),
        meetings: n(3),
        talk_seconds: n(4),
        calls_past_limit: n(5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn whole_months_from_the_monthly_rows_and_the_days_around_them() {
        assert_eq!(grains((None, None)), vec![('m', None, None)]);
        assert_eq!(
            grains((Some(d("2026-10-29")), Some(d("2026-12-02")))),
            vec![
                ('m', Some(d("2026-11-01")), Some(d("2026-12-01"))),
                ('d', Some(d("2026-10-29")), Some(d("2026-11-01"))),
                ('d', Some(d("2026-12-01")), Some(d("2026-12-02"))),
            ]
        );
        assert_eq!(
            grains((Some(d("2026-11-01")), Some(d("2026-12-01")))),
            vec![('m', Some(d("2026-11-01")), Some(d("2026-12-01")))]
        );
        // No whole month: days only.
        assert_eq!(
            grains((Some(d("2026-11-03")), Some(d("2026-11-20")))),
            vec![('d', Some(d("2026-11-03")), Some(d("2026-11-20")))]
        );
        assert_eq!(
            grains((Some(d("2026-12-15")), None)),
            vec![
                ('m', Some(d("2027-01-01")), None),
                ('d', Some(d("2026-12-15")), Some(d("2027-01-01"))),
            ]
        );
    }
}

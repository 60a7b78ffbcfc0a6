//! The team's funnel read in the store itself (`callblock.calls`, kept from
//! the pushed rows by a trigger): what a manager's `callblock report --team
//! --live` and the review benchmark's PostgreSQL mode read, with the
//! definitions of this copy's reports (`callblock_core::reports::funnel`:
//! the same connects, conversations, limits and labels), over every call
//! the role may read (a rep: their own; a manager: the team's).
//!
//! A theme is its name across the team (two reps' "Logistics" are one, as a
//! manager's copy merges them by name).

use callblock_core::domain::{Outcome, Settings};
use callblock_core::reports::funnel::{group, sort_groups, weeks_of, RawKey};
use callblock_core::reports::{Funnel, FunnelGroup, GroupBy, ReportFilter};
use chrono::{DateTime, Utc};
use tokio_postgres::types::ToSql;
use tokio_postgres::Client;

use crate::config::Target;
use crate::error::{Result, TeamError};

/// The funnel's columns over `callblock.calls` (see `funnel_columns` in the
/// core's reports: the same definitions).
fn columns(settings: &Settings) -> String {
    let c = Outcome::CONNECT_SQL;
    format!(
        "count(*),
         count(*) FILTER (WHERE outcome IN {c}),
         count(*) FILTER (WHERE outcome IN {c}
             AND (duration_ms >= {conv} OR asked_for_meeting OR outcome = 'meeting')),
         count(*) FILTER (WHERE outcome = 'meeting'),
         coalesce(sum(duration_ms), 0)::bigint / 1000,
         count(*) FILTER (WHERE duration_ms > {limit})",
        conv = u64::from(settings.conversation_seconds) * 1000,
        limit = u64::from(settings.phase_limit) * 1000,
    )
}

/// The selection as SQL over `callblock.calls` and its parameters. Themes
/// are named (the store's ids are each rep's own).
struct Selection {
    sql: String,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    reps: Vec<String>,
    themes: Vec<String>,
    outcomes: Vec<String>,
}

impl Selection {
    fn of(filter: &ReportFilter, theme_names: &[String]) -> Result<Selection> {
        if filter.duration.is_some() || filter.objection_id.is_some() || filter.text.is_some() {
            return Err(TeamError::Refused(
                "the team store's live report selects by period, rep, theme and outcome; \
                 for call length, objections or words, pull the team's calls \
                 (`callblock report --team` without --live) and report from this copy"
                    .into(),
            ));
        }
        Ok(Selection {
            sql: "($1::timestamptz IS NULL OR started_at >= $1)
                  AND ($2::timestamptz IS NULL OR started_at < $2)
                  AND (cardinality($3::text[]) = 0 OR rep_id = ANY ($3))
                  AND (cardinality($4::text[]) = 0 OR theme_name = ANY ($4))
                  AND (cardinality($5::text[]) = 0 OR outcome = ANY ($5))"
                .into(),
            from: filter.from,
            to: filter.to,
            reps: filter.rep_ids.clone(),
            themes: theme_names.to_vec(),
            outcomes: filter
                .outcomes
                .iter()
                .map(|o| o.as_str().to_string())
                .collect(),
        })
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 5] {
        [
            &self.from,
            &self.to,
            &self.reps,
            &self.themes,
            &self.outcomes,
        ]
    }
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
    let s = Selection::of(filter, theme_names)?;
    let sql = format!(
        "SELECT {} FROM callblock.calls WHERE {}",
        columns(settings),
        s.sql
    );
    let row = client
        .query_one(&sql, &s.params())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(funnel_of(&row, 0))
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
    let s = Selection::of(filter, theme_names)?;
    let (key, label, join, order) = match by {
        GroupBy::Rep => (
            "c.rep_id",
            "coalesce(r.name, g.k)",
            "LEFT JOIN callblock.reps r ON r.id = g.k",
            "lower(coalesce(r.name, g.k)), 1",
        ),
        GroupBy::Theme => (
            "coalesce(c.theme_name, '')",
            "CASE g.k WHEN '' THEN 'No theme' ELSE g.k END",
            "",
            "g.k = '', lower(g.k), 1",
        ),
        GroupBy::Day | GroupBy::Week => (
            "to_char(c.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            "g.k",
            "",
            "1",
        ),
        GroupBy::Hour => ("c.local_hour::text", "g.k", "", "1"),
        GroupBy::Weekday => ("c.local_weekday::text", "g.k", "", "1"),
        GroupBy::Outcome => ("c.outcome", "g.k", "", "1"),
    };
    let sql = format!(
        "SELECT g.k, {label}, g.d, g.c, g.v, g.m, g.t, g.p FROM (
            SELECT {key} AS k, {cols} FROM callblock.calls c WHERE {sel} GROUP BY 1
         ) AS g (k, d, c, v, m, t, p) {join}
         ORDER BY {order}",
        cols = columns(settings),
        sel = s.sql,
    );
    let rows = client
        .query(&sql, &s.params())
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let k: Option<String> = r.get(0);
        let l: Option<String> = r.get(1);
        let raw = |v: Option<String>, number: bool| match v {
            None => RawKey::None,
            Some(s) if number => s.parse().map(RawKey::Int).unwrap_or(RawKey::Text(s)),
            Some(s) => RawKey::Text(s),
        };
        let number = matches!(by, GroupBy::Hour | GroupBy::Weekday);
        out.push(group(by, raw(k, number), raw(l, false), funnel_of(r, 2)));
    }
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

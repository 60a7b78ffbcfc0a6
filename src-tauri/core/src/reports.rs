//! The funnel (domain.md section 5): dials, connects, conversations and
//! meetings over a selection of calls, with the definitions printed beside the
//! figures wherever they are shown.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::time;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Funnel {
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// Seconds on the phone.
    pub talk_seconds: u32,
    /// Calls longer than the outer limit (3:00 by default).
    pub calls_past_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FunnelGroup {
    /// The group's key: a rep or theme id, a date (YYYY-MM-DD, UTC), ...
    pub key: String,
    pub label: String,
    pub funnel: Funnel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Rep,
    Theme,
    Day,
    Outcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ReportFilter {
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    pub rep_id: Option<String>,
    pub theme_id: Option<String>,
}

/// The definitions behind the figures, stated on every report.
pub fn definitions(settings: &Settings) -> Vec<String> {
    vec![
        "Dial: every call logged with an outcome.".to_string(),
        "Connect: a call on which the prospect was reached (not interested, callback requested, \
         meeting booked, do not call)."
            .to_string(),
        format!(
            "Conversation: a connect that lasted at least {} s or reached the appointment request.",
            settings.conversation_seconds
        ),
        "Meeting: a call that ended with a meeting booked.".to_string(),
    ]
}

/// The funnel's columns over calls aliased `c` (read back with [`funnel_from`]).
pub(crate) fn select_funnel(settings: &Settings) -> String {
    let c = Outcome::CONNECT_SQL;
    format!(
        "count(*),
         count(*) FILTER (WHERE c.outcome IN {c}),
         count(*) FILTER (WHERE c.outcome IN {c}
             AND (c.duration_ms >= {conv} OR c.asked_for_meeting = 1 OR c.outcome = 'meeting')),
         count(*) FILTER (WHERE c.outcome = 'meeting'),
         ifnull(sum(c.duration_ms), 0) / 1000,
         count(*) FILTER (WHERE c.duration_ms > {limit})",
        conv = u64::from(settings.conversation_seconds) * 1000,
        limit = u64::from(settings.phase_limit) * 1000,
    )
}

const WHERE: &str = "c.outcome IS NOT NULL
    AND (?1 IS NULL OR c.started_at >= ?1) AND (?2 IS NULL OR c.started_at < ?2)
    AND (?3 IS NULL OR c.rep_id = ?3) AND (?4 IS NULL OR c.theme_id = ?4)";

pub(crate) fn funnel_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Funnel> {
    Ok(Funnel {
        dials: r.get(at)?,
        connects: r.get(at + 1)?,
        conversations: r.get(at + 2)?,
        meetings: r.get(at + 3)?,
        talk_seconds: r.get(at + 4)?,
        calls_past_limit: r.get(at + 5)?,
    })
}

pub fn funnel(conn: &Connection, filter: &ReportFilter, settings: &Settings) -> Result<Funnel> {
    let sql = format!(
        "SELECT {} FROM calls c WHERE {WHERE}",
        select_funnel(settings)
    );
    Ok(conn.query_row(
        &sql,
        params![
            filter.from.map(time::to_db),
            filter.to.map(time::to_db),
            filter.rep_id,
            filter.theme_id
        ],
        |r| funnel_from(r, 0),
    )?)
}

pub fn funnel_by(
    conn: &Connection,
    filter: &ReportFilter,
    by: GroupBy,
    settings: &Settings,
) -> Result<Vec<FunnelGroup>> {
    let (key, label, join, order) = match by {
        GroupBy::Rep => (
            "c.rep_id",
            "r.name",
            "JOIN reps r ON r.id = c.rep_id",
            "2 COLLATE NOCASE",
        ),
        GroupBy::Theme => (
            "ifnull(c.theme_id, '')",
            "ifnull(t.name, 'No theme')",
            "LEFT JOIN themes t ON t.id = c.theme_id",
            "2 COLLATE NOCASE",
        ),
        GroupBy::Day => (
            "substr(c.started_at, 1, 10)",
            "substr(c.started_at, 1, 10)",
            "",
            "1",
        ),
        GroupBy::Outcome => ("c.outcome", "c.outcome", "", "1"),
    };
    let sql = format!(
        "SELECT {key}, {label}, {} FROM calls c {join} WHERE {WHERE} GROUP BY 1 ORDER BY {order}",
        select_funnel(settings)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            filter.from.map(time::to_db),
            filter.to.map(time::to_db),
            filter.rep_id,
            filter.theme_id
        ],
        |r| {
            Ok(FunnelGroup {
                key: r.get(0)?,
                label: r.get(1)?,
                funnel: funnel_from(r, 2)?,
            })
        },
    )?;
    let mut out: Vec<FunnelGroup> = rows.collect::<rusqlite::Result<_>>()?;
    if by == GroupBy::Outcome {
        for g in &mut out {
            if let Ok(o) = Outcome::parse(&g.key) {
                g.label = o.label().to_string();
            }
        }
    }
    Ok(out)
}

/// What the Review view opens with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ReviewSummary {
    pub from: Option<String>,
    pub to: Option<String>,
    pub total: Funnel,
    pub by_rep: Vec<FunnelGroup>,
    pub by_theme: Vec<FunnelGroup>,
    pub by_day: Vec<FunnelGroup>,
    pub definitions: Vec<String>,
}

pub fn review_summary(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<ReviewSummary> {
    Ok(ReviewSummary {
        from: filter.from.map(time::to_db),
        to: filter.to.map(time::to_db),
        total: funnel(conn, filter, settings)?,
        by_rep: funnel_by(conn, filter, GroupBy::Rep, settings)?,
        by_theme: funnel_by(conn, filter, GroupBy::Theme, settings)?,
        by_day: funnel_by(conn, filter, GroupBy::Day, settings)?,
        definitions: definitions(settings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{record_completed_call, CompletedCall, NewMeeting};
    use crate::lists::{create_theme, insert_prospect, NewProspect};
    use crate::reps::create_rep;
    use crate::store::Store;
    use chrono::{Duration, TimeZone};

    /// A hand-counted set: six calls by two reps.
    #[test]
    fn funnel_counts_match_a_hand_computed_set() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let s = Settings::default();
        let a = create_rep(c, "Alex", None, None).unwrap();
        let b = create_rep(c, "Sam", None, None).unwrap();
        let t = create_theme(c, "Texas", crate::domain::ThemeKind::Geography, "").unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 16, 15, 0, 0).unwrap();
        // (rep, outcome, seconds, asked for meeting)
        let calls = [
            (&a, Outcome::NoAnswer, 25, false),      // dial
            (&a, Outcome::NotInterested, 30, false), // connect, not a conversation
            (&a, Outcome::NotInterested, 75, false), // conversation (>= 60 s)
            (&a, Outcome::Callback, 40, true),       // conversation (asked)
            (&b, Outcome::Meeting, 250, true),       // conversation, meeting, past 3:00
            (&b, Outcome::Voicemail, 50, false),     // dial
        ];
        for (i, (rep, outcome, secs, asked)) in calls.iter().enumerate() {
            let p = insert_prospect(
                c,
                &NewProspect {
                    theme_id: Some(t.id.clone()),
                    first_name: format!("P{i}"),
                    ..NewProspect::default()
                },
                t0,
            )
            .unwrap();
            let started = t0 + Duration::minutes(i as i64 * 5);
            record_completed_call(
                c,
                &CompletedCall {
                    prospect_id: p,
                    rep_id: rep.id.clone(),
                    block_id: None,
                    theme_id: Some(t.id.clone()),
                    talk_track_version_id: None,
                    started_at: started,
                    duration_ms: secs * 1000,
                    outcome: *outcome,
                    asked_for_meeting: *asked,
                    callback_at: (*outcome == Outcome::Callback)
                        .then(|| started + Duration::days(1)),
                    notes: String::new(),
                    gap_current_state: String::new(),
                    gap_objectives: String::new(),
                    gap_impact: String::new(),
                    objections: vec![],
                    meeting: (*outcome == Outcome::Meeting).then(|| NewMeeting {
                        starts_at: started + Duration::days(3),
                        duration_minutes: 30,
                        email: "p@example.com".into(),
                        format: "web".into(),
                    }),
                },
                &s,
            )
            .unwrap();
        }
        let all = funnel(c, &ReportFilter::default(), &s).unwrap();
        assert_eq!(
            all,
            Funnel {
                dials: 6,
                connects: 4,
                conversations: 3,
                meetings: 1,
                talk_seconds: 25 + 30 + 75 + 40 + 250 + 50,
                calls_past_limit: 1,
            }
        );
        let by_rep = funnel_by(c, &ReportFilter::default(), GroupBy::Rep, &s).unwrap();
        assert_eq!(by_rep.len(), 2);
        assert_eq!(
            (
                by_rep[0].label.as_str(),
                by_rep[0].funnel.dials,
                by_rep[0].funnel.conversations
            ),
            ("Alex", 4, 2)
        );
        assert_eq!(
            (by_rep[1].label.as_str(), by_rep[1].funnel.meetings),
            ("Sam", 1)
        );
        // A period filter: only the first two calls.
        let early = ReportFilter {
            to: Some(t0 + Duration::minutes(6)),
            ..ReportFilter::default()
        };
        assert_eq!(funnel(c, &early, &s).unwrap().dials, 2);
        let by_outcome = funnel_by(c, &ReportFilter::default(), GroupBy::Outcome, &s).unwrap();
        assert!(by_outcome
            .iter()
            .any(|g| g.label == "Not interested" && g.funnel.dials == 2));
    }
}

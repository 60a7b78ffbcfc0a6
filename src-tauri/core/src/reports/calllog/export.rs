//! Every completed call of a filter, streamed for exports.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::cursor::period;
use crate::domain::Outcome;
use crate::error::Result;
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;

/// Every completed call of the filter, newest first, for exports: calls `f`
/// for each row in turn (streamed, so a million calls fit).
pub fn for_each_call(
    conn: &Connection,
    filter: &ReportFilter,
    mut f: impl FnMut(&ExportCall) -> Result<()>,
) -> Result<u32> {
    let mut p = Params::default();
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    w.extend(sql::raw_conditions(filter, &mut p));
    let sql = format!(
        "SELECT c.id, c.started_at, ifnull(r.name, c.rep_id), ifnull(t.name, ''),
            trim(ifnull(p.first_name, '') || ' ' || ifnull(p.last_name, '')), ifnull(p.company, ''),
            c.duration_ms, c.outcome, c.asked_for_meeting, c.local_hour, c.local_weekday,
            (SELECT group_concat(label, '; ') FROM (
                SELECT o.label AS label FROM call_objections co JOIN objections o ON o.id = co.objection_id
                WHERE co.call_id = c.id ORDER BY co.position)),
            c.notes, c.gap_current_state, c.gap_objectives, c.gap_impact,
            (SELECT starts_at FROM meetings m WHERE m.call_id = c.id), c.ring_ms
         FROM calls c
         LEFT JOIN reps r ON r.id = c.rep_id
         LEFT JOIN themes t ON t.id = c.theme_id
         LEFT JOIN prospects p ON p.id = c.prospect_id
         WHERE {} ORDER BY c.started_at DESC, c.id DESC",
        sql::and(&w)
    );
    let settings = crate::settings::load(conn)?;
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(p.as_params())?;
    let mut n = 0u32;
    while let Some(r) = rows.next()? {
        let outcome: Outcome = r.get(7)?;
        let call = ExportCall {
            id: r.get(0)?,
            started_at: r.get(1)?,
            rep: r.get(2)?,
            theme: r.get(3)?,
            prospect: r.get(4)?,
            company: r.get(5)?,
            duration_seconds: f64::from(r.get::<_, u32>(6)?) / 1000.0,
            ring_seconds: r
                .get::<_, Option<u32>>(17)?
                .map(|ms| f64::from(ms) / 1000.0),
            outcome: outcome.as_str().to_string(),
            outcome_label: settings.outcome_label(outcome).to_string(),
            asked_for_meeting: r.get(8)?,
            local_hour: r.get(9)?,
            local_weekday: r.get(10)?,
            objections: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            notes: r.get(12)?,
            gap_current_state: r.get(13)?,
            gap_objectives: r.get(14)?,
            gap_impact: r.get(15)?,
            meeting_at: r.get(16)?,
        };
        f(&call)?;
        n += 1;
    }
    Ok(n)
}

/// One call as `export calls` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportCall {
    pub id: String,
    pub started_at: String,
    pub rep: String,
    pub theme: String,
    pub prospect: String,
    pub company: String,
    /// Talk time, from the answer.
    pub duration_seconds: f64,
    /// Ring time; `None` when unknown.
    pub ring_seconds: Option<f64>,
    pub outcome: String,
    pub outcome_label: String,
    pub asked_for_meeting: bool,
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    /// Labels in order, separated by "; ".
    pub objections: String,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    pub meeting_at: Option<String>,
}

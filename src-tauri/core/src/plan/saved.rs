//! Plans saved per rep: the newest plan of a period counts.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::inputs::{Period, PlanInputs, RateOverrides};
use crate::error::{Error, Result};
use crate::time;

/// A plan as saved for a rep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SavedPlan {
    pub id: String,
    pub rep_id: String,
    pub inputs: PlanInputs,
    pub created_at: String,
}

pub(super) fn check_rep(conn: &Connection, rep_id: &str) -> Result<()> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM reps WHERE id = ?1", [rep_id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound {
        what: "rep",
        id: rep_id.to_string(),
    })
}

/// Save a plan for a rep (a new row each time: the newest plan of a period counts).
pub fn save_plan(conn: &Connection, rep_id: &str, inputs: &PlanInputs) -> Result<SavedPlan> {
    inputs.validate()?;
    check_rep(conn, rep_id)?;
    let overrides = serde_json::to_string(&inputs.overrides)
        .map_err(|e| Error::invalid("rate overrides", e.to_string()))?;
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO plans (id, rep_id, period, starts_on, quota, deal_size, close_ratio,
            won_to_date, open_pipeline, rate_overrides, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            rep_id,
            inputs.period.as_str(),
            inputs.starts_on.format("%Y-%m-%d").to_string(),
            inputs.quota,
            inputs.deal_size,
            inputs.close_ratio,
            inputs.won_to_date,
            inputs.open_pipeline,
            overrides,
            time::to_db(time::now())
        ],
    )?;
    plan_by_id(conn, &id)
}

const PLAN_COLUMNS: &str = "id, rep_id, period, starts_on, quota, deal_size, close_ratio,
    won_to_date, open_pipeline, rate_overrides, created_at";

/// A `plans` row as read, before its text is parsed.
struct PlanRow {
    id: String,
    rep_id: String,
    period: String,
    starts_on: String,
    /// quota, deal_size, close_ratio, won_to_date, open_pipeline
    figures: [f64; 5],
    overrides: String,
    created_at: String,
}

fn plan_from(row: PlanRow) -> Result<SavedPlan> {
    let PlanRow {
        id,
        rep_id,
        period,
        starts_on,
        figures: [quota, deal_size, close_ratio, won_to_date, open_pipeline],
        overrides,
        created_at,
    } = row;
    let starts_on = NaiveDate::parse_from_str(&starts_on, "%Y-%m-%d").map_err(|e| {
        Error::invalid(
            format!("plan {id}"),
            format!(
                "starts_on {} is not a date ({e})",
                crate::quote::quoted(&starts_on)
            ),
        )
    })?;
    let overrides: RateOverrides = serde_json::from_str(&overrides).map_err(|e| {
        Error::invalid(
            format!("plan {id}"),
            format!("the stored rate overrides are not readable ({e})"),
        )
    })?;
    Ok(SavedPlan {
        id,
        rep_id,
        inputs: PlanInputs {
            period: Period::parse(&period)?,
            starts_on,
            quota,
            deal_size,
            close_ratio,
            won_to_date,
            open_pipeline,
            overrides,
        },
        created_at,
    })
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        id: r.get(0)?,
        rep_id: r.get(1)?,
        period: r.get(2)?,
        starts_on: r.get(3)?,
        figures: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?],
        overrides: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub fn plan_by_id(conn: &Connection, id: &str) -> Result<SavedPlan> {
    let row = conn
        .query_row(
            &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
            [id],
            plan_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "plan",
            id: id.to_string(),
        })?;
    plan_from(row)
}

/// A rep's plans, newest first.
pub fn plans_for_rep(conn: &Connection, rep_id: &str) -> Result<Vec<SavedPlan>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PLAN_COLUMNS} FROM plans WHERE rep_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt
        .query_map([rep_id], plan_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(plan_from).collect()
}

/// The newest plan of the rep whose period contains `on`.
pub fn current_plan(conn: &Connection, rep_id: &str, on: NaiveDate) -> Result<Option<SavedPlan>> {
    Ok(plans_for_rep(conn, rep_id)?
        .into_iter()
        .find(|p| p.inputs.starts_on <= on && on <= p.inputs.period.last_day(p.inputs.starts_on)))
}

pub fn delete_plan(conn: &Connection, id: &str) -> Result<()> {
    let n = conn.execute("DELETE FROM plans WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::NotFound {
            what: "plan",
            id: id.to_string(),
        });
    }
    Ok(())
}

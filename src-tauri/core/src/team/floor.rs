//! The floor: who is in a block now and how it goes (dials, connects,
//! conversations, meetings this block), from the blocks and calls this
//! database holds: a manager's, which pulls the team's every few seconds.
//! Counted by the same definitions as every report ([`crate::block::block_funnel`]).

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::Result;
use crate::time;

/// A block that is running, or was left open (a crash), is shown this long
/// after its planned end at most.
const OPEN_FOR_AT_MOST: i64 = 2 * 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FloorRep {
    pub rep_id: String,
    pub name: String,
    pub block_id: String,
    pub started_at: String,
    pub planned_seconds: u32,
    pub paused: bool,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    pub last_call_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Floor {
    /// Reps in a block now, the longest-running first.
    pub reps: Vec<FloorRep>,
    /// When the team's calls were last pulled (none: this database pulls
    /// nothing, and shows its own blocks only).
    pub pulled_at: Option<String>,
}

pub fn floor(conn: &Connection, settings: &Settings, now: DateTime<Utc>) -> Result<Floor> {
    let oldest = time::to_db(now - Duration::seconds(OPEN_FOR_AT_MOST + 4 * 3600));
    let mut stmt = conn.prepare(
        "SELECT b.id, b.rep_id, r.name, b.started_at, b.planned_seconds,
                EXISTS (SELECT 1 FROM block_pauses p WHERE p.block_id = b.id AND p.resumed_at IS NULL),
                (SELECT max(ended_at) FROM calls c WHERE c.block_id = b.id)
         FROM blocks b JOIN reps r ON r.id = b.rep_id
         WHERE b.ended_at IS NULL AND b.started_at >= ?1
         ORDER BY b.started_at, r.name",
    )?;
    let open: Vec<FloorRep> = stmt
        .query_map([&oldest], |r| {
            Ok(FloorRep {
                block_id: r.get(0)?,
                rep_id: r.get(1)?,
                name: r.get(2)?,
                started_at: r.get(3)?,
                planned_seconds: r.get(4)?,
                paused: r.get(5)?,
                last_call_at: r.get(6)?,
                dials: 0,
                connects: 0,
                conversations: 0,
                meetings: 0,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut reps = Vec::new();
    for mut rep in open {
        let start = time::from_db(&rep.started_at)?;
        if now - start > Duration::seconds(i64::from(rep.planned_seconds) + OPEN_FOR_AT_MOST) {
            continue; // left open by a crash long ago
        }
        let f = crate::block::block_funnel(conn, &rep.block_id, settings)?;
        (rep.dials, rep.connects, rep.conversations, rep.meetings) =
            (f.dials, f.connects, f.conversations, f.meetings);
        reps.push(rep);
    }
    let pulled_at = super::link::get(conn)?.and_then(|l| l.pulled_at);
    Ok(Floor { reps, pulled_at })
}

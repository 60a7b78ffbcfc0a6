//! The Settings view's save, and a past block's summary: what the window
//! and the command line ask of the settings and the blocks.

use rusqlite::Connection;

use crate::block::BlockRow;
use crate::block::BlockSummary;
use crate::domain::Settings;
use crate::error::Result;
use crate::store::Store;
use crate::{settings, time};

/// Save the settings (every default of the method a user can change),
/// checked together first, in one transaction. A change to what counts as a
/// conversation or to the outer limit recomputes Review's figures in the
/// same transaction. A running block keeps the settings it started with.
pub fn save(store: &mut Store, new: &Settings) -> Result<Settings> {
    store.write(|tx| {
        let before = settings::load(tx)?;
        settings::save(tx, new)?;
        if before.conversation_seconds != new.conversation_seconds
            || before.phase_limit != new.phase_limit
        {
            crate::reports::rollup::rebuild(tx, new)?;
        }
        settings::load(tx)
    })
}

/// A past block's summary, as the settings define its figures.
pub fn block_summary(conn: &Connection, block_id: &str) -> Result<BlockSummary> {
    let settings = settings::load(conn)?;
    crate::block::summary(conn, block_id, &settings, time::now())
}

/// The newest blocks of every rep (1 to 500 of them).
pub fn recent_blocks(conn: &Connection, limit: u32) -> Result<Vec<BlockRow>> {
    crate::block::recent_blocks(conn, None, limit.clamp(1, 500))
}

//! Past blocks as the Block view lists them, and a past block's summary.

use rusqlite::Connection;

use crate::block::{BlockRow, BlockSummary};
use crate::error::Result;
use crate::{settings, time};

/// A past block's summary, as the settings define its figures.
pub fn summary(conn: &Connection, block_id: &str) -> Result<BlockSummary> {
    let settings = settings::load(conn)?;
    crate::block::summary(conn, block_id, &settings, time::now())
}

/// The newest blocks of every rep (1 to 500 of them).
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<BlockRow>> {
    crate::block::recent_blocks(conn, None, limit.clamp(1, 500))
}

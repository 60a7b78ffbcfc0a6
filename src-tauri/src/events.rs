//! The events the window sends to the UI (typed in the generated bindings).

use serde::{Deserialize, Serialize};
use specta::Type;

use callblock_core::import::{ImportStage, IndexStep};
use callblock_core::session::TickView;

/// Sent about once a second (on the block's and the call's whole seconds)
/// while a block runs; the UI draws the clocks from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(transparent)]
#[specta(transparent)]
pub struct BlockTick(pub TickView);

/// Sent while an import (or the check of every row) reads rows, at most
/// ten times a second, and at each step of its end (indexes, saving).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct ImportProgress {
    pub job: u32,
    /// True while every row is checked (nothing is written).
    pub dry_run: bool,
    pub rows_read: u32,
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
    pub stage: ImportStage,
    /// Rows read per second since the start.
    pub rows_per_second: f64,
    /// Seconds until every row is read at that pace; `None` at first and
    /// once the rows are read.
    pub seconds_left: Option<f64>,
    /// While the indexes are built: which one, of how many.
    pub index: Option<IndexStep>,
}

/// Sent every second of the break after a block, and once when it is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct BreakTick {
    /// The block the break follows.
    pub block_id: String,
    pub remaining_ms: u32,
    pub over: bool,
}

/// Sent when the number of callbacks due changes (looked at every 30 s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct CallbacksChanged {
    pub total: u32,
}

/// Sent when the team store's link or what waits to be pushed changes
/// (looked at every second by the sync thread).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(transparent)]
#[specta(transparent)]
pub struct TeamStatus(pub callblock_core::team::LinkStatus);

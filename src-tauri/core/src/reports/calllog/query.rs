//! What the log is asked (the filter and where the page starts) and what a
//! page holds: its rows, where the next one starts, and the total.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Outcome;
use crate::reports::ReportFilter;

/// Where a page ends: the next page starts after this call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallCursor {
    pub started_at: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct CallLogQuery {
    pub filter: ReportFilter,
    /// Continue after this call (keyset paging: the next page).
    pub after: Option<CallCursor>,
    /// Or end before this call (the previous page); `after` is then ignored.
    pub before: Option<CallCursor>,
    /// Or start at this row of the list (0 = the newest call); used when
    /// neither cursor is given.
    pub offset: u32,
    /// Rows per page, 1 to 500.
    pub limit: u32,
}

impl Default for CallLogQuery {
    fn default() -> Self {
        CallLogQuery {
            filter: ReportFilter::default(),
            after: None,
            before: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// How many calls the filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallCount {
    pub value: u32,
    /// False when `value` is an estimate (a text or objection filter over
    /// many calls): show it as "about".
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallLogRow {
    pub id: String,
    pub started_at: String,
    pub rep_id: String,
    pub rep_name: String,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub prospect_id: String,
    pub prospect_name: String,
    pub company: String,
    /// Talk time (from the answer).
    pub duration_ms: u32,
    /// Ring time; `None` when unknown.
    pub ring_ms: Option<u32>,
    pub outcome: Outcome,
    pub outcome_label: String,
    /// The objections raised, in order (labels).
    pub objections: Vec<String>,
    /// The first 160 characters of the notes.
    pub notes: String,
    pub has_gap_notes: bool,
    /// Flagged for coaching.
    pub flagged: bool,
    /// Comments on the call.
    pub comments: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallLogPage {
    pub rows: Vec<CallLogRow>,
    /// Where the next page starts (`after`); `None` on the last page.
    pub next: Option<CallCursor>,
    /// Where the previous page ends (`before`); `None` on the first page.
    pub prev: Option<CallCursor>,
    pub total: CallCount,
    /// The row number of the first row, when known: `None` from a cursor,
    /// or for a row far down a list whose total is an estimate (the page is
    /// then about there).
    pub offset: Option<u32>,
}

//! The matches of the last searches, sorted, while neither the list nor
//! what the search reads has changed: the next page, a jump or the last
//! page of a search that had to be found whole costs no more than a page
//! of a list.
//!
//! An entry is known by the database file, the list (theme and status), the
//! text, the list's version (moved by any prospect added, removed, moved,
//! renamed or changing status) and the search index's version (moved
//! whenever the index took in a change). Nothing else can change a search's
//! matches or their order.

use std::sync::{Arc, Mutex};

use super::order::Entry;
use crate::domain::ProspectStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub path: String,
    pub theme_id: Option<String>,
    pub status: Option<ProspectStatus>,
    pub text: String,
    pub list_version: i64,
    pub search_version: i64,
}

/// Searches remembered (the last ones asked for).
const KEPT: usize = 4;

static MEMO: Mutex<Vec<(Key, Arc<Vec<Entry>>)>> = Mutex::new(Vec::new());

pub(crate) fn get(key: &Key) -> Option<Arc<Vec<Entry>>> {
    let mut memo = MEMO.lock().ok()?;
    let i = memo.iter().position(|(k, _)| k == key)?;
    let hit = memo.remove(i);
    let all = hit.1.clone();
    memo.push(hit);
    Some(all)
}

pub(crate) fn put(key: Key, all: Arc<Vec<Entry>>) {
    let Ok(mut memo) = MEMO.lock() else {
        return;
    };
    memo.retain(|(k, _)| k != &key);
    memo.push((key, all));
    let extra = memo.len().saturating_sub(KEPT);
    memo.drain(..extra);
}

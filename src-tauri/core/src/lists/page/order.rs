//! The Lists table's order: last name, then first name (both compared as
//! SQLite's NOCASE compares them: ASCII letters folded, then bytes), then id.
//! A list (a theme, or a theme and a status) is read in that order from any
//! place, forwards or backwards, from the index `prospects_list`: one range
//! per status, merged here when the list holds every status.

use std::cmp::Ordering;
use std::collections::VecDeque;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::ProspectStatus;
use crate::error::Result;

/// A prospect's place in the table: where a page starts or ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct ProspectKey {
    pub last_name: String,
    pub first_name: String,
    pub id: String,
}

/// SQLite's NOCASE collation: ASCII letters folded, then byte order, a
/// prefix first.
pub(crate) fn nocase(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

impl ProspectKey {
    /// The table's order (`ORDER BY last_name COLLATE NOCASE, first_name
    /// COLLATE NOCASE, id`).
    pub fn order(&self, other: &ProspectKey) -> Ordering {
        nocase(&self.last_name, &other.last_name)
            .then_with(|| nocase(&self.first_name, &other.first_name))
            .then_with(|| self.id.cmp(&other.id))
    }
}

/// A prospect read from a list: its rowid (to read the row) and its key.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub rowid: i64,
    pub key: ProspectKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    /// A to Z.
    Forward,
    /// Z to A.
    Backward,
}

/// Where a walk starts.
#[derive(Debug, Clone)]
pub(crate) enum Start {
    /// At the first row (forwards) or the last (backwards).
    Edge,
    /// Past this key (the key itself excluded).
    Past(ProspectKey),
    /// At this key (itself included, if it is in the list).
    At(ProspectKey),
}

/// Which prospects a list holds: one theme (or none), and the statuses
/// whose ranges are read (one, or every status that has prospects).
#[derive(Debug, Clone)]
pub(crate) struct List {
    pub theme_id: Option<String>,
    pub statuses: Vec<ProspectStatus>,
}

/// The condition on the rows past or at `?3..?5` in a direction; the
/// first term lets SQLite seek in the index, the rest decides ties.
fn bound_sql(dir: Dir, start: &Start) -> &'static str {
    match (dir, start) {
        (_, Start::Edge) => "",
        (Dir::Forward, Start::Past(_)) => {
            "AND p.last_name COLLATE NOCASE >= ?3 AND (p.last_name COLLATE NOCASE > ?3
                OR p.first_name COLLATE NOCASE > ?4 OR (p.first_name COLLATE NOCASE = ?4 AND p.id > ?5))"
        }
        (Dir::Forward, Start::At(_)) => {
            "AND p.last_name COLLATE NOCASE >= ?3 AND (p.last_name COLLATE NOCASE > ?3
                OR p.first_name COLLATE NOCASE > ?4 OR (p.first_name COLLATE NOCASE = ?4 AND p.id >= ?5))"
        }
        (Dir::Backward, Start::Past(_)) => {
            "AND p.last_name COLLATE NOCASE <= ?3 AND (p.last_name COLLATE NOCASE < ?3
                OR p.first_name COLLATE NOCASE < ?4 OR (p.first_name COLLATE NOCASE = ?4 AND p.id < ?5))"
        }
        (Dir::Backward, Start::At(_)) => {
            "AND p.last_name COLLATE NOCASE <= ?3 AND (p.last_name COLLATE NOCASE < ?3
                OR p.first_name COLLATE NOCASE < ?4 OR (p.first_name COLLATE NOCASE = ?4 AND p.id <= ?5))"
        }
    }
}

fn chunk_sql(dir: Dir, start: &Start) -> String {
    let d = match dir {
        Dir::Forward => "",
        Dir::Backward => " DESC",
    };
    format!(
        "SELECT p.rowid, p.last_name, p.first_name, p.id FROM prospects p INDEXED BY prospects_list
         WHERE p.theme_id IS ?1 AND p.status = ?2 {}
         ORDER BY p.last_name COLLATE NOCASE{d}, p.first_name COLLATE NOCASE{d}, p.id{d} LIMIT ?6",
        bound_sql(dir, start)
    )
}

/// Up to `n` rows of one status range from `start` in `dir`.
fn chunk(
    conn: &Connection,
    theme_id: Option<&str>,
    status: ProspectStatus,
    dir: Dir,
    start: &Start,
    n: usize,
) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&chunk_sql(dir, start))?;
    let empty = ProspectKey {
        last_name: String::new(),
        first_name: String::new(),
        id: String::new(),
    };
    let k = match start {
        Start::Edge => &empty,
        Start::Past(k) | Start::At(k) => k,
    };
    let rows = stmt.query_map(
        params![theme_id, status, k.last_name, k.first_name, k.id, n as i64],
        |r| {
            Ok(Entry {
                rowid: r.get(0)?,
                key: ProspectKey {
                    last_name: r.get(1)?,
                    first_name: r.get(2)?,
                    id: r.get(3)?,
                },
            })
        },
    )?;
    // `Edge` binds unused parameters: SQLite ignores them.
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The key `skip` rows forwards from `start` in one status range: SQLite
/// steps over the index entries between without returning them.
pub(crate) fn key_after(
    conn: &Connection,
    theme_id: Option<&str>,
    status: ProspectStatus,
    start: &Start,
    skip: usize,
) -> Result<Option<ProspectKey>> {
    let sql = format!(
        "SELECT p.last_name, p.first_name, p.id FROM prospects p INDEXED BY prospects_list
         WHERE p.theme_id IS ?1 AND p.status = ?2 {}
         ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id LIMIT 1 OFFSET ?6",
        bound_sql(Dir::Forward, start)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let empty = ProspectKey {
        last_name: String::new(),
        first_name: String::new(),
        id: String::new(),
    };
    let k = match start {
        Start::Edge => &empty,
        Start::Past(k) | Start::At(k) => k,
    };
    let mut rows = stmt.query(params![
        theme_id,
        status,
        k.last_name,
        k.first_name,
        k.id,
        skip as i64
    ])?;
    Ok(match rows.next()? {
        Some(r) => Some(ProspectKey {
            last_name: r.get(0)?,
            first_name: r.get(1)?,
            id: r.get(2)?,
        }),
        None => None,
    })
}

struct Range {
    status: ProspectStatus,
    buf: VecDeque<Entry>,
    /// Where the next chunk starts.
    next: Start,
    chunk: usize,
    done: bool,
}

/// A list read in order, chunk by chunk: each status range is read from the
/// index, and the ranges are merged by key.
pub(crate) struct Walk<'c> {
    conn: &'c Connection,
    theme_id: Option<String>,
    dir: Dir,
    ranges: Vec<Range>,
    /// Rows taken so far.
    pub taken: usize,
}

/// The largest chunk read at once.
const MAX_CHUNK: usize = 4096;

impl<'c> Walk<'c> {
    /// A walk of `list` in `dir` from `start`; `chunk` rows are read from a
    /// range at first (what the caller expects to need), then twice as many
    /// each time, up to 4,096.
    pub fn new(conn: &'c Connection, list: &List, dir: Dir, start: Start, chunk: usize) -> Self {
        let ranges = list
            .statuses
            .iter()
            .map(|s| Range {
                status: *s,
                buf: VecDeque::new(),
                next: start.clone(),
                chunk: chunk.clamp(1, MAX_CHUNK),
                done: false,
            })
            .collect();
        Walk {
            conn,
            theme_id: list.theme_id.clone(),
            dir,
            ranges,
            taken: 0,
        }
    }

    fn fill(&mut self, i: usize) -> Result<()> {
        let r = &mut self.ranges[i];
        if r.done || !r.buf.is_empty() {
            return Ok(());
        }
        let got = chunk(
            self.conn,
            self.theme_id.as_deref(),
            r.status,
            self.dir,
            &r.next,
            r.chunk,
        )?;
        if got.len() < r.chunk {
            r.done = true;
        }
        if let Some(last) = got.last() {
            r.next = Start::Past(last.key.clone());
        }
        r.buf.extend(got);
        r.chunk = (r.chunk * 2).min(MAX_CHUNK);
        Ok(())
    }

    /// The next row of the list, or `None` at its end.
    pub fn next_entry(&mut self) -> Result<Option<Entry>> {
        let mut best: Option<usize> = None;
        for i in 0..self.ranges.len() {
            self.fill(i)?;
            let Some(head) = self.ranges[i].buf.front() else {
                continue;
            };
            best = match best {
                None => Some(i),
                Some(b) => {
                    let cur = self.ranges[b].buf.front().map(|e| &e.key);
                    let ord = cur.map_or(Ordering::Greater, |c| head.key.order(c));
                    let better = match self.dir {
                        Dir::Forward => ord == Ordering::Less,
                        Dir::Backward => ord == Ordering::Greater,
                    };
                    if better {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        let Some(b) = best else {
            return Ok(None);
        };
        self.taken += 1;
        Ok(self.ranges[b].buf.pop_front())
    }

    /// Up to `n` rows.
    pub fn take(&mut self, n: usize) -> Result<Vec<Entry>> {
        let mut out = Vec::with_capacity(n.min(MAX_CHUNK));
        while out.len() < n {
            match self.next_entry()? {
                Some(e) => out.push(e),
                None => break,
            }
        }
        Ok(out)
    }

    /// Pass over `n` rows; how many there were.
    pub fn skip(&mut self, n: usize) -> Result<usize> {
        let mut skipped = 0;
        while skipped < n && self.next_entry()?.is_some() {
            skipped += 1;
        }
        Ok(skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nocase_folds_ascii_letters_only_and_puts_a_prefix_first() {
        assert_eq!(nocase("doe", "DOE"), Ordering::Equal);
        assert_eq!(nocase("Doe", "doex"), Ordering::Less);
        assert_eq!(nocase("Zed", "abe"), Ordering::Greater);
        // Non-ASCII letters are compared as bytes, as SQLite does.
        assert_eq!(nocase("Émile", "émile"), Ordering::Less);
        assert_eq!(nocase("", "a"), Ordering::Less);
        assert_eq!(nocase("_", "a"), Ordering::Less, "'_' (0x5F) < 'a' (0x61)");
        assert_eq!(nocase("_", "A"), Ordering::Less, "'A' folds to 'a'");
    }
}

//! The Lists table a page at a time, as fast at row 500,000 of a theme of a
//! million as at the top (keyset paging).
//!
//! A page is asked for by where it starts ([`ProspectSeek`]): the first or
//! the last page, the rows after or before a key (next and previous), the
//! rows from a key on (a filter changed: the first row shown stays when it
//! still matches), or from a row number (a jump to a page). Every way but
//! the row number reads the list's index from the key; a row number starts
//! from the list's page index (`posts`). The total comes from the counts the
//! triggers keep, not from counting.
//!
//! - `order`: the table's order, and a list read in it from any key
//! - `posts`: the lists' sizes, and their page index (a post every 500 rows)
//! - `search`: the search box (a trigram index, then LIKE)
//! - `memo`: the matches of the last searches found whole
//! - `ready`: the prospects callable now (the themes table's "Ready now")
//!
//! With a search, the search index gives the candidates: a few thousand are
//! read, checked and sorted (every page exact). More: the page is looked for
//! among the rows walked, each checked with LIKE, when few rows hold it (a
//! text found in many prospects), and the total is estimated from the first
//! candidates (their share of the rowids, and the share of a sample that the
//! list holds and LIKE keeps); else every match is found, sorted and
//! remembered, and the next pages of that search are read from memory. A
//! text the index cannot narrow (one or two characters) is walked the same
//! way, its total estimated from the rows walked.

mod memo;
mod order;
mod posts;
mod ready;
mod search;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::ProspectStatus;
use crate::error::Result;
pub use order::ProspectKey;
use order::{Dir, Entry, Start, Walk};
use posts::Counts;
pub(crate) use search::like_pattern;

/// One prospect as the Lists table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectRow {
    pub id: String,
    pub name: String,
    pub title: String,
    pub company: String,
    /// The first good number, as a person reads it: national format when it
    /// is in the rep's country ("(312) 555-0142"), else international
    /// ("+49 30 12345678"); the text as imported when it was not read.
    pub phone: String,
    pub location: String,
    /// IANA time zone; `None` when unknown.
    pub time_zone: Option<String>,
    pub status: ProspectStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub callback_at: Option<String>,
}

/// Where a page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "to", content = "at", rename_all = "snake_case")]
pub enum ProspectSeek {
    #[default]
    First,
    Last,
    /// The rows after this one (the next page).
    After(ProspectKey),
    /// The rows before this one (the previous page).
    Before(ProspectKey),
    /// From this row on, itself included if it still matches (the filters
    /// changed: stay where the page was).
    From(ProspectKey),
    /// From this row number (0 = the first row): a jump to a page.
    Row(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct ProspectQuery {
    /// A theme id; `None` for prospects without a theme.
    pub theme_id: Option<String>,
    /// Matches name, company, title, e-mail or phone (case-insensitive).
    pub search: Option<String>,
    pub status: Option<ProspectStatus>,
    /// Only the prospects callable now, as the themes table's "Ready now"
    /// counts them (never called or due for another attempt, inside their
    /// local calling hours); `status` is then not looked at.
    pub ready: bool,
    pub seek: ProspectSeek,
    /// Rows per page, 1 to 1,000.
    pub limit: u32,
}

impl Default for ProspectQuery {
    fn default() -> Self {
        ProspectQuery {
            theme_id: None,
            search: None,
            status: None,
            ready: false,
            seek: ProspectSeek::First,
            limit: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectPage {
    pub rows: Vec<ProspectRow>,
    /// How many prospects the filters select.
    pub total: u32,
    /// False when `total` is an estimate (a search matching many prospects
    /// of a long list): show it as "about".
    pub exact: bool,
    /// The row number of the first row (0 = the top), when known.
    pub offset: Option<u32>,
    /// The keys of the first and the last row: ask for the rows before the
    /// first (previous page), after the last (next page), or from the first
    /// (the filters changed).
    pub first: Option<ProspectKey>,
    pub last: Option<ProspectKey>,
    /// Whether rows come before the first row and after the last.
    pub has_before: bool,
    pub has_after: bool,
}

/// A page before its rows are read: the entries and what is known of them.
struct Found {
    entries: Vec<Entry>,
    total: u32,
    exact: bool,
    offset: Option<u32>,
    has_before: bool,
    has_after: bool,
}

/// How a search is served (the tests try each way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tuning {
    /// Candidates from the search index up to this many are read, checked
    /// and sorted whole.
    pub small: usize,
    /// Past that, rows walked at most, each checked with LIKE (about 7 µs
    /// a row): enough for a page of a text one prospect in forty holds.
    pub glance: usize,
    /// Past the glance, every match is found (from up to this many
    /// candidates, else by checking the whole list) and remembered.
    pub big: usize,
    /// Remember the matches found whole for the next pages.
    pub memo: bool,
}

/// Candidates sampled to estimate a search's total.
const SAMPLE: usize = 200;

pub(crate) const TUNING: Tuning = Tuning {
    small: 5_000,
    glance: 4_000,
    big: 300_000,
    memo: true,
};

pub fn prospects(conn: &Connection, q: &ProspectQuery) -> Result<ProspectPage> {
    prospects_with(conn, q, TUNING)
}

/// [`prospects`] as of `now` (what "ready" means depends on the hour).
pub fn prospects_at(
    conn: &Connection,
    q: &ProspectQuery,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ProspectPage> {
    if q.ready {
        let limit = q.limit.clamp(1, 1000) as usize;
        let text = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let all = ready::list(conn, q.theme_id.as_deref(), text, now)?;
        return page_of(conn, in_memory(&all, &q.seek, limit));
    }
    prospects_with(conn, q, TUNING)
}

/// [`prospects`] with the search served a given way.
pub(crate) fn prospects_with(
    conn: &Connection,
    q: &ProspectQuery,
    t: Tuning,
) -> Result<ProspectPage> {
    if q.ready {
        return prospects_at(conn, q, crate::time::now());
    }
    let limit = q.limit.clamp(1, 1000) as usize;
    let text = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let counts = posts::counts(conn, q.theme_id.as_deref(), q.status)?;
    let found = match text {
        None => plain(conn, &counts, q.status, &q.seek, limit)?,
        Some(text) => searched(conn, &counts, q.status, text, &q.seek, limit, t)?,
    };
    page_of(conn, found)
}

/// The page the table shows for what was found.
fn page_of(conn: &Connection, found: Found) -> Result<ProspectPage> {
    Ok(ProspectPage {
        rows: rows_for(conn, &found.entries)?,
        total: found.total,
        exact: found.exact,
        offset: found.offset,
        first: found.entries.first().map(|e| e.key.clone()),
        last: found.entries.last().map(|e| e.key.clone()),
        has_before: found.has_before,
        has_after: found.has_after,
    })
}

/// A list read in order, every row or only those a search keeps.
struct Rows<'a> {
    conn: &'a Connection,
    walk: Walk<'a>,
    /// A search's LIKE pattern: the rows walked are checked with it.
    check: Option<&'a str>,
    pending: VecDeque<Entry>,
    batch: usize,
    /// Rows that matched so far (taken or pending).
    matched: usize,
    /// The walk reached the end of the list.
    exhausted: bool,
    /// Rows walked at most before giving up (`over`).
    budget: usize,
    over: bool,
}

impl<'a> Rows<'a> {
    fn next_row(&mut self) -> Result<Option<Entry>> {
        let Some(pattern) = self.check else {
            let e = self.walk.next_entry()?;
            self.exhausted = e.is_none();
            self.matched += usize::from(e.is_some());
            return Ok(e);
        };
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(e));
            }
            if self.exhausted || self.over {
                return Ok(None);
            }
            if self.walk.taken >= self.budget {
                self.over = true;
                return Ok(None);
            }
            let mut batch = Vec::new();
            while batch.len() < self.batch {
                match self.walk.next_entry()? {
                    Some(e) => batch.push(e),
                    None => {
                        self.exhausted = true;
                        break;
                    }
                }
            }
            self.batch = (self.batch * 2).min(4096);
            let rowids: Vec<i64> = batch.iter().map(|e| e.rowid).collect();
            let ok: HashSet<i64> = search::check(self.conn, &rowids, pattern)?
                .into_iter()
                .collect();
            let before = self.pending.len();
            self.pending
                .extend(batch.into_iter().filter(|e| ok.contains(&e.rowid)));
            self.matched += self.pending.len() - before;
        }
    }

    fn take(&mut self, n: usize) -> Result<Vec<Entry>> {
        let mut out = Vec::with_capacity(n.min(4096));
        while out.len() < n {
            match self.next_row()? {
                Some(e) => out.push(e),
                None => break,
            }
        }
        Ok(out)
    }

    fn skip(&mut self, n: usize) -> Result<()> {
        let mut k = 0;
        while k < n && self.next_row()?.is_some() {
            k += 1;
        }
        Ok(())
    }

    /// The share of the rows walked that matched (1 without a search).
    fn density(&self) -> f64 {
        if self.walk.taken == 0 {
            1.0
        } else {
            self.matched as f64 / self.walk.taken as f64
        }
    }
}

/// Where pages are read from: a list, and the search that filters it.
struct Source<'a> {
    conn: &'a Connection,
    counts: &'a Counts,
    check: Option<&'a str>,
    limit: usize,
    /// Rows walked at most.
    budget: usize,
}

impl<'a> Source<'a> {
    fn open(&self, dir: Dir, start: Start) -> Rows<'a> {
        Rows {
            conn: self.conn,
            walk: Walk::new(self.conn, &self.counts.list, dir, start, self.limit + 1),
            check: self.check,
            pending: VecDeque::new(),
            batch: self.limit + 1,
            matched: 0,
            exhausted: false,
            budget: self.budget,
            over: false,
        }
    }

    /// The first page.
    fn first(&self) -> Result<(Found, Rows<'a>)> {
        let mut rows = self.open(Dir::Forward, Start::Edge);
        let mut entries = rows.take(self.limit + 1)?;
        let has_after = entries.len() > self.limit;
        entries.truncate(self.limit);
        Ok((
            Found {
                entries,
                total: 0,
                exact: false,
                offset: Some(0),
                has_before: false,
                has_after,
            },
            rows,
        ))
    }

    /// The last page (its row number is the caller's: it knows the total).
    fn last(&self) -> Result<(Found, Rows<'a>)> {
        let mut rows = self.open(Dir::Backward, Start::Edge);
        let mut entries = rows.take(self.limit + 1)?;
        let has_before = entries.len() > self.limit;
        entries.truncate(self.limit);
        entries.reverse();
        Ok((
            Found {
                entries,
                total: 0,
                exact: false,
                offset: None,
                has_before,
                has_after: false,
            },
            rows,
        ))
    }

    /// The rows after a key, before it, or from it; `None` when the page is
    /// rather the first (less than a page before the key) or the last
    /// (nothing from the key on), or the walk went past its budget.
    fn keyed(&self, seek: &ProspectSeek) -> Result<(Option<Found>, Rows<'a>)> {
        let (dir, start) = match seek {
            ProspectSeek::After(k) => (Dir::Forward, Start::Past(k.clone())),
            ProspectSeek::Before(k) => (Dir::Backward, Start::Past(k.clone())),
            ProspectSeek::From(k) => (Dir::Forward, Start::At(k.clone())),
            _ => (Dir::Forward, Start::Edge),
        };
        let mut rows = self.open(dir, start);
        let mut entries = rows.take(self.limit + 1)?;
        if rows.over {
            return Ok((None, rows));
        }
        let found = match dir {
            Dir::Forward if entries.is_empty() => None,
            Dir::Forward => {
                let has_after = entries.len() > self.limit;
                entries.truncate(self.limit);
                Some(Found {
                    entries,
                    total: 0,
                    exact: false,
                    offset: None,
                    has_before: !matches!(seek, ProspectSeek::From(_)),
                    has_after,
                })
            }
            Dir::Backward if entries.len() <= self.limit => None,
            Dir::Backward => {
                entries.truncate(self.limit);
                entries.reverse();
                Some(Found {
                    entries,
                    total: 0,
                    exact: false,
                    offset: None,
                    has_before: true,
                    has_after: true,
                })
            }
        };
        Ok((found, rows))
    }
}

/// A list without a search: every row of the theme (and status).
fn plain(
    conn: &Connection,
    counts: &Counts,
    one: Option<ProspectStatus>,
    seek: &ProspectSeek,
    limit: usize,
) -> Result<Found> {
    let total = counts.total;
    let src = Source {
        conn,
        counts,
        check: None,
        limit,
        budget: usize::MAX,
    };
    let last = || -> Result<Found> {
        let (mut f, _) = src.last()?;
        f.offset = Some(total.saturating_sub(f.entries.len() as u32));
        Ok(f)
    };
    let mut found = match seek {
        ProspectSeek::First => src.first()?.0,
        ProspectSeek::Last => last()?,
        ProspectSeek::Row(r) if *r >= total => last()?,
        ProspectSeek::Row(r) => {
            let posts = posts::posts(conn, counts, one)?;
            let mut walk = posts::walk_from_row(conn, counts, posts.as_ref(), *r, limit + 1)?;
            let mut entries = walk.take(limit + 1)?;
            let has_after = entries.len() > limit;
            entries.truncate(limit);
            if entries.is_empty() {
                last()?
            } else {
                Found {
                    entries,
                    total,
                    exact: true,
                    offset: Some(*r),
                    has_before: *r > 0,
                    has_after,
                }
            }
        }
        keyed => match src.keyed(keyed)?.0 {
            Some(mut f) => {
                // The row number, from the page index when it is current, or
                // written now when the filters changed (a jump back to where
                // the page was); a short list is read from the top.
                let posts = match keyed {
                    ProspectSeek::From(_) => posts::posts(conn, counts, one)?,
                    _ => posts::current(conn, counts, one)?,
                };
                if posts.is_some() || total <= posts::SHORT {
                    if let Some(e) = f.entries.first() {
                        let row = posts::row_of(conn, counts, posts.as_ref(), &e.key)?;
                        f.offset = Some(row);
                        f.has_before = row > 0;
                    }
                }
                f
            }
            None => match keyed {
                ProspectSeek::Before(_) => src.first()?.0,
                _ => last()?,
            },
        },
    };
    found.total = total;
    found.exact = true;
    Ok(found)
}

/// A list with a search: from the memo of this search; else from the
/// candidates of the search index when few; else from a glance at the rows
/// (each checked with LIKE) when few hold the page; else every match is
/// found, sorted and remembered for the next pages.
fn searched(
    conn: &Connection,
    counts: &Counts,
    one: Option<ProspectStatus>,
    text: &str,
    seek: &ProspectSeek,
    limit: usize,
    t: Tuning,
) -> Result<Found> {
    let pattern = like_pattern(text);
    let key = |version: i64| memo::Key {
        path: conn.path().unwrap_or_default().to_string(),
        theme_id: counts.list.theme_id.clone(),
        status: one,
        text: text.to_string(),
        list_version: counts.version,
        search_version: version,
    };
    // A list counted for this request only (a read-only connection) has no
    // version a remembered search could hold.
    let version = search::refresh(conn).filter(|_| counts.version >= 0);
    if let Some(all) = version.and_then(|v| memo::get(&key(v))).filter(|_| t.memo) {
        return Ok(in_memory(&all, seek, limit));
    }
    // The first candidates (the index stops there): all of them when few.
    let first = match version {
        Some(_) => search::candidates(conn, text, t.small)?,
        None => None,
    };
    if let Some(c) = first.as_ref().filter(|c| c.len() <= t.small) {
        let all = Arc::new(with_candidates(conn, counts, one, c, &pattern)?);
        if let (Some(v), true) = (version, t.memo) {
            memo::put(key(v), all.clone());
        }
        return Ok(in_memory(&all, seek, limit));
    }
    // Many: about how many of them are in the list and match, from the
    // first ones (the index gives them in rowid order, the order they were
    // written in, not the list's): their share of the rowids, and the share
    // of a sample of them that the list holds and LIKE keeps.
    let estimate = match &first {
        Some(c) => {
            let max: i64 =
                conn.query_row("SELECT ifnull(max(rowid), 1) FROM prospects", [], |r| {
                    r.get(0)
                })?;
            let reach = c.last().copied().unwrap_or(max).max(1);
            let sample = &c[..c.len().min(SAMPLE)];
            let kept = with_candidates(conn, counts, one, sample, &pattern)?.len();
            Some(
                c.len() as f64 * max as f64 / reach as f64 * kept as f64
                    / sample.len().max(1) as f64,
            )
        }
        None => None,
    };
    // A page that needs few rows walked, every row checked with LIKE: by
    // the estimate when there is one (rows to walk = the rows before the
    // page and on it, over the share of rows that match), else tried.
    let reach = match seek {
        ProspectSeek::Row(r) => *r as usize + limit,
        _ => limit,
    };
    let few = match estimate {
        Some(e) => (reach as f64) * f64::from(counts.total) / e.max(1.0) <= t.glance as f64,
        None => reach < t.glance,
    };
    if few {
        let src = Source {
            conn,
            counts,
            check: Some(&pattern),
            limit,
            budget: t.glance,
        };
        if let Some(f) = walk_search(&src, seek, estimate)? {
            return Ok(f);
        }
    }
    // Else every match, found once and remembered for the next pages.
    let candidates = match first {
        Some(_) => search::candidates(conn, text, t.big)?,
        None => None,
    };
    let all = match &candidates {
        Some(c) if c.len() <= t.big => with_candidates(conn, counts, one, c, &pattern)?,
        _ => scan(conn, counts, one, &pattern)?,
    };
    let all = Arc::new(all);
    if let (Some(v), true) = (version, t.memo) {
        memo::put(key(v), all.clone());
    }
    Ok(in_memory(&all, seek, limit))
}

/// A page of a search found by walking the list from an edge or a key;
/// `None` when the walk went past its budget first. `estimate`: about how
/// many prospects of the list match, from the search index.
fn walk_search(src: &Source, seek: &ProspectSeek, estimate: Option<f64>) -> Result<Option<Found>> {
    let limit = src.limit;
    let (mut found, rows, from_edge) = match seek {
        ProspectSeek::First => {
            let (f, r) = src.first()?;
            (f, r, true)
        }
        ProspectSeek::Last => {
            let (f, r) = src.last()?;
            (f, r, true)
        }
        ProspectSeek::Row(n) => {
            let mut rows = src.open(Dir::Forward, Start::Edge);
            rows.skip(*n as usize)?;
            let mut entries = rows.take(limit + 1)?;
            if rows.over {
                return Ok(None);
            }
            if entries.is_empty() {
                let (f, r) = src.last()?;
                (f, r, true)
            } else {
                let has_after = entries.len() > limit;
                entries.truncate(limit);
                let f = Found {
                    entries,
                    total: 0,
                    exact: false,
                    offset: Some(*n),
                    has_before: *n > 0,
                    has_after,
                };
                (f, rows, true)
            }
        }
        keyed => {
            let (found, rows) = src.keyed(keyed)?;
            match found {
                Some(f) => (f, rows, false),
                None if rows.over => return Ok(None),
                None => {
                    let (f, r) = match keyed {
                        ProspectSeek::Before(_) => src.first()?,
                        _ => src.last()?,
                    };
                    (f, r, true)
                }
            }
        }
    };
    if rows.over {
        return Ok(None);
    }
    // The total: every match when the walk went through the whole list from
    // one end, else the share of matches among the rows walked.
    if from_edge && rows.exhausted {
        found.total = rows.matched as u32;
        found.exact = true;
        if found.offset.is_none() {
            found.offset = Some(found.total.saturating_sub(found.entries.len() as u32));
        }
    } else {
        // From the search index when it answered; else the share of matches
        // among the rows walked (off when the matches gather at one end).
        let estimate = estimate
            .unwrap_or_else(|| rows.density() * f64::from(src.counts.total))
            .round() as u32;
        let at_least =
            found.offset.unwrap_or(0) + found.entries.len() as u32 + u32::from(found.has_after);
        found.total = estimate.min(src.counts.total).max(at_least);
        found.exact = false;
    }
    Ok(Some(found))
}

/// Every match of a search in a list, read by checking each of its rows.
fn scan(
    conn: &Connection,
    counts: &Counts,
    one: Option<ProspectStatus>,
    pattern: &str,
) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.rowid, p.last_name, p.first_name, p.id FROM prospects p
         WHERE p.theme_id IS ?1 AND (?2 IS NULL OR p.status = ?2) AND {}",
        search::matches_sql("?3")
    ))?;
    let mut all: Vec<Entry> = stmt
        .query_map(params![counts.list.theme_id, one, pattern], entry)?
        .collect::<rusqlite::Result<_>>()?;
    all.sort_by(|a, b| a.key.order(&b.key));
    Ok(all)
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        rowid: r.get(0)?,
        key: ProspectKey {
            last_name: r.get(1)?,
            first_name: r.get(2)?,
            id: r.get(3)?,
        },
    })
}

/// Every match of a search among the candidates of the search index, in
/// the table's order.
fn with_candidates(
    conn: &Connection,
    counts: &Counts,
    one: Option<ProspectStatus>,
    candidates: &[i64],
    pattern: &str,
) -> Result<Vec<Entry>> {
    if candidates.is_empty() {
        return Ok(vec![]);
    }
    let json = serde_json::to_string(candidates).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.rowid, p.last_name, p.first_name, p.id
         FROM json_each(?1) j CROSS JOIN prospects p ON p.rowid = j.value
         WHERE p.theme_id IS ?2 AND (?3 IS NULL OR p.status = ?3) AND {}",
        search::matches_sql("?4")
    ))?;
    let mut all: Vec<Entry> = stmt
        .query_map(params![json, counts.list.theme_id, one, pattern], |r| {
            Ok(Entry {
                rowid: r.get(0)?,
                key: ProspectKey {
                    last_name: r.get(1)?,
                    first_name: r.get(2)?,
                    id: r.get(3)?,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    all.sort_by(|a, b| a.key.order(&b.key));
    Ok(all)
}

/// A page of a list held whole, in order.
fn in_memory(all: &[Entry], seek: &ProspectSeek, limit: usize) -> Found {
    let n = all.len();
    let before = |k: &ProspectKey| all.partition_point(|e| e.key.order(k) == Ordering::Less);
    let after = |k: &ProspectKey| all.partition_point(|e| e.key.order(k) != Ordering::Greater);
    // Nothing from the place asked on: the last page.
    let or_last = |i: usize| if i < n { i } else { n.saturating_sub(limit) };
    let start = match seek {
        ProspectSeek::First => 0,
        ProspectSeek::Last => or_last(n),
        ProspectSeek::After(k) => or_last(after(k)),
        ProspectSeek::Before(k) => before(k).saturating_sub(limit),
        ProspectSeek::From(k) => or_last(before(k)),
        ProspectSeek::Row(r) => or_last(*r as usize),
    };
    let end = (start + limit).min(n);
    Found {
        entries: all[start..end].to_vec(),
        total: n as u32,
        exact: true,
        offset: Some(start as u32),
        has_before: start > 0,
        has_after: end < n,
    }
}

/// The rows the table shows for `entries`, in their order.
fn rows_for(conn: &Connection, entries: &[Entry]) -> Result<Vec<ProspectRow>> {
    if entries.is_empty() {
        return Ok(vec![]);
    }
    let rowids: Vec<i64> = entries.iter().map(|e| e.rowid).collect();
    let json = serde_json::to_string(&rowids).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(
        "SELECT p.rowid, p.id, trim(p.first_name || ' ' || p.last_name), p.title, p.company,
            (SELECT json_array(ph.e164, ph.raw, ph.extension)
             FROM prospect_phones ph WHERE ph.prospect_id = p.id AND ph.bad = 0
             ORDER BY ph.position LIMIT 1),
            trim(p.city || CASE WHEN p.city <> '' AND p.region <> '' THEN ', ' ELSE '' END || p.region
                 || CASE WHEN p.country <> '' AND (p.city <> '' OR p.region <> '') THEN ', ' ELSE '' END
                 || p.country),
            p.time_zone, p.status, p.attempts, p.next_attempt_at, p.callback_at
         FROM json_each(?1) j CROSS JOIN prospects p ON p.rowid = j.value",
    )?;
    let home = crate::settings::load(conn)
        .ok()
        .and_then(|s| crate::import::phone::parse_region(&s.default_region));
    let phone = |cell: Option<String>| -> String {
        let Some(cell) = cell else {
            return String::new();
        };
        let (e164, raw, ext): (Option<String>, String, Option<String>) =
            serde_json::from_str(&cell).unwrap_or((None, String::new(), None));
        match e164 {
            Some(e) => crate::import::phone::display(&e, ext.as_deref(), home),
            None => raw,
        }
    };
    let mut rows: HashMap<i64, ProspectRow> = stmt
        .query_map([json], |r| {
            Ok((
                r.get(0)?,
                ProspectRow {
                    id: r.get(1)?,
                    name: r.get(2)?,
                    title: r.get(3)?,
                    company: r.get(4)?,
                    phone: phone(r.get(5)?),
                    location: r.get(6)?,
                    time_zone: r.get(7)?,
                    status: r.get(8)?,
                    attempts: r.get(9)?,
                    next_attempt_at: r.get(10)?,
                    callback_at: r.get(11)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rowids.iter().filter_map(|r| rows.remove(r)).collect())
}

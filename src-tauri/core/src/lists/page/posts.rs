//! How many prospects a list holds (kept by triggers for updates and deletes,
//! and brought up to date with the rows inserted since, schema 9), and its page
//! index: the key of every `STEP`th prospect, so that row n of a list of a
//! million is read from the post before it, not counted from the top.
//!
//! The posts of a list are written when a jump first needs them and written
//! again when the list's version has moved since (any prospect added,
//! removed, moved, renamed or changing status). Writing them reads the list
//! once in order (about 0.2 s for a million); a connection that cannot write
//! keeps them for the one request.

use rusqlite::{params, Connection, OptionalExtension};

use super::order::{key_after, Dir, List, ProspectKey, Start, Walk};
use crate::domain::ProspectStatus;
use crate::error::Result;

/// A post every this many prospects.
pub(crate) const STEP: u32 = 500;
/// Lists up to this long are read from the top instead.
pub(crate) const SHORT: u32 = 4 * STEP;

/// A list's size and version, from `prospect_list_counts`.
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    pub list: List,
    pub total: u32,
    /// Moves whenever the list changes (the sum over its statuses).
    pub version: i64,
}

/// The list of a theme (`None`: prospects without a theme), one status or
/// all; only the statuses that hold prospects are read. The rows inserted
/// since the counts were last brought up to date are added first (by a
/// connection that cannot write, counted for this request: the version is
/// then -1, which no page index or remembered search holds).
pub(crate) fn counts(
    conn: &Connection,
    theme_id: Option<&str>,
    status: Option<ProspectStatus>,
) -> Result<Counts> {
    let fresh = fold(conn);
    let mut stmt = conn.prepare_cached(
        "SELECT status, prospects, version FROM prospect_list_counts
         WHERE theme_id = ifnull(?1, '') AND (?2 IS NULL OR status = ?2)",
    )?;
    let mut rows: Vec<(ProspectStatus, u32, i64)> = stmt
        .query_map(params![theme_id, status], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if !fresh {
        let mut stmt = conn.prepare_cached(
            "SELECT p.status, count(*) FROM prospects p
             WHERE p.rowid > (SELECT counted_to FROM prospect_list_state)
               AND p.theme_id IS ?1 AND (?2 IS NULL OR p.status = ?2)
             GROUP BY 1",
        )?;
        let new: Vec<(ProspectStatus, u32)> = stmt
            .query_map(params![theme_id, status], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (st, n) in new {
            match rows.iter_mut().find(|r| r.0 == st) {
                Some(r) => r.1 += n,
                None => rows.push((st, n, 0)),
            }
        }
    }
    let mut statuses: Vec<ProspectStatus> = rows.iter().filter(|r| r.1 > 0).map(|r| r.0).collect();
    statuses.sort_by_key(|s| s.as_str());
    Ok(Counts {
        list: List {
            theme_id: theme_id.map(str::to_string),
            statuses,
        },
        total: rows.iter().map(|r| r.1).sum(),
        version: if fresh {
            rows.iter().map(|r| r.2).sum()
        } else {
            -1
        },
    })
}

/// Add the prospects inserted since the counts were last brought up to
/// date (a scan of the new rows only). False when they could not be written.
pub(crate) fn fold(conn: &Connection) -> bool {
    let state = conn.query_row(
        "SELECT counted_to, (SELECT ifnull(max(rowid), 0) FROM prospects) FROM prospect_list_state",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    );
    let Ok((to, max)) = state else {
        return false;
    };
    if max <= to {
        return true;
    }
    if conn
        .execute_batch("SAVEPOINT prospect_list_counts")
        .is_err()
    {
        return false;
    }
    let run = || -> rusqlite::Result<()> {
        conn.execute(
            "INSERT INTO prospect_list_counts (theme_id, status, prospects, version)
             SELECT ifnull(theme_id, ''), status, count(*), 1 FROM prospects
             WHERE rowid > ?1 AND rowid <= ?2 GROUP BY 1, 2
             ON CONFLICT (theme_id, status) DO UPDATE
             SET prospects = prospects + excluded.prospects, version = version + 1",
            params![to, max],
        )?;
        conn.execute("UPDATE prospect_list_state SET counted_to = ?1", [max])?;
        Ok(())
    };
    match run() {
        Ok(()) => conn.execute_batch("RELEASE prospect_list_counts").is_ok(),
        Err(_) => {
            let _ = conn
                .execute_batch("ROLLBACK TO prospect_list_counts; RELEASE prospect_list_counts");
            false
        }
    }
}

fn status_key(list: &List, one: Option<ProspectStatus>) -> (String, &'static str) {
    (
        list.theme_id.clone().unwrap_or_default(),
        one.map_or("", |s| s.as_str()),
    )
}

/// The posts of a list: `keys[n]` is row `n * STEP`.
pub(crate) struct Posts {
    pub keys: Vec<ProspectKey>,
}

impl Posts {
    /// The post at or before row `row`: (its row, its key).
    pub fn before_row(&self, row: u32) -> Option<(u32, &ProspectKey)> {
        let n = (row / STEP) as usize;
        self.keys
            .get(n.min(self.keys.len().saturating_sub(1)))
            .map(|k| ((n.min(self.keys.len().saturating_sub(1)) as u32) * STEP, k))
    }

    /// The last post at or before `key`: (its row, its key).
    pub fn before_key(&self, key: &ProspectKey) -> Option<(u32, &ProspectKey)> {
        let n = self
            .keys
            .partition_point(|k| k.order(key) != std::cmp::Ordering::Greater);
        n.checked_sub(1).map(|i| (i as u32 * STEP, &self.keys[i]))
    }
}

/// The posts of the list `c` (`one`: the status it is limited to), read if
/// they are current, else written now. `None` for a short list.
pub(crate) fn posts(
    conn: &Connection,
    c: &Counts,
    one: Option<ProspectStatus>,
) -> Result<Option<Posts>> {
    if c.total <= SHORT {
        return Ok(None);
    }
    if let Some(p) = current(conn, c, one)? {
        return Ok(Some(p));
    }
    let p = build(conn, c)?;
    // Kept for the next jump when this connection may write; else used once.
    let _ = save(conn, c, one, &p);
    Ok(Some(p))
}

/// The posts as written, when they are of this version of the list.
pub(crate) fn current(
    conn: &Connection,
    c: &Counts,
    one: Option<ProspectStatus>,
) -> Result<Option<Posts>> {
    if c.total <= SHORT {
        return Ok(None);
    }
    let (theme, status) = status_key(&c.list, one);
    let state: Option<(i64, i64)> = conn
        .prepare_cached(
            "SELECT version, step FROM prospect_list_post_state WHERE theme_id = ?1 AND status = ?2",
        )?
        .query_row(params![theme, status], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if state != Some((c.version, i64::from(STEP))) {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT last_name, first_name, id FROM prospect_list_posts
         WHERE theme_id = ?1 AND status = ?2 ORDER BY n",
    )?;
    let keys = stmt
        .query_map(params![theme, status], |r| {
            Ok(ProspectKey {
                last_name: r.get(0)?,
                first_name: r.get(1)?,
                id: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Posts { keys }))
}

fn build(conn: &Connection, c: &Counts) -> Result<Posts> {
    let mut keys = Vec::with_capacity((c.total / STEP) as usize + 1);
    if let [status] = c.list.statuses[..] {
        // One range: from post to post, SQLite stepping over the rows between.
        let theme = c.list.theme_id.as_deref();
        let mut next = key_after(conn, theme, status, &Start::Edge, 0)?;
        while let Some(k) = next {
            next = key_after(conn, theme, status, &Start::At(k.clone()), STEP as usize)?;
            keys.push(k);
        }
        return Ok(Posts { keys });
    }
    let mut walk = Walk::new(conn, &c.list, Dir::Forward, Start::Edge, 1024);
    let mut i: u32 = 0;
    while let Some(e) = walk.next_entry()? {
        if i.is_multiple_of(STEP) {
            keys.push(e.key);
        }
        i += 1;
    }
    Ok(Posts { keys })
}

fn save(conn: &Connection, c: &Counts, one: Option<ProspectStatus>, p: &Posts) -> Result<()> {
    let (theme, status) = status_key(&c.list, one);
    conn.execute_batch("SAVEPOINT prospect_list_posts")?;
    let run = || -> Result<()> {
        conn.execute(
            "DELETE FROM prospect_list_posts WHERE theme_id = ?1 AND status = ?2",
            params![theme, status],
        )?;
        let mut ins = conn.prepare_cached(
            "INSERT INTO prospect_list_posts (theme_id, status, n, last_name, first_name, id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (n, k) in p.keys.iter().enumerate() {
            ins.execute(params![
                theme,
                status,
                n as i64,
                k.last_name,
                k.first_name,
                k.id
            ])?;
        }
        conn.execute(
            "INSERT INTO prospect_list_post_state (theme_id, status, version, step)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (theme_id, status) DO UPDATE SET version = excluded.version, step = excluded.step",
            params![theme, status, c.version, STEP],
        )?;
        Ok(())
    };
    match run() {
        Ok(()) => {
            conn.execute_batch("RELEASE prospect_list_posts")?;
            Ok(())
        }
        Err(e) => {
            let _ =
                conn.execute_batch("ROLLBACK TO prospect_list_posts; RELEASE prospect_list_posts");
            Err(e)
        }
    }
}

/// A walk of the list forwards from row `row` (0-based): from the post
/// before it, past the rows between.
pub(crate) fn walk_from_row<'c>(
    conn: &'c Connection,
    c: &Counts,
    posts: Option<&Posts>,
    row: u32,
    chunk: usize,
) -> Result<Walk<'c>> {
    let (at, start) = match posts.and_then(|p| p.before_row(row)) {
        Some((at, k)) => (at, Start::At(k.clone())),
        None => (0, Start::Edge),
    };
    let gap = (row - at) as usize;
    let mut walk = Walk::new(conn, &c.list, Dir::Forward, start, gap + chunk);
    walk.skip(gap)?;
    Ok(walk)
}

/// The row number of `key` in the list: how many prospects come before it.
pub(crate) fn row_of(
    conn: &Connection,
    c: &Counts,
    posts: Option<&Posts>,
    key: &ProspectKey,
) -> Result<u32> {
    let (at, start) = match posts.and_then(|p| p.before_key(key)) {
        Some((at, k)) => (at, Start::At(k.clone())),
        None => (0, Start::Edge),
    };
    let mut walk = Walk::new(conn, &c.list, Dir::Forward, start, 256);
    let mut n = at;
    while let Some(e) = walk.next_entry()? {
        if e.key.order(key) != std::cmp::Ordering::Less {
            break;
        }
        n += 1;
    }
    Ok(n)
}

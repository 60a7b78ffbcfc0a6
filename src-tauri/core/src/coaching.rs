//! Coaching (issue 18): a manager's comments on a call, shown to the rep in
//! the call's detail and on the card's earlier attempts, and the calls
//! flagged for coaching (the call log filters by the flag).
//!
//! Comments are never edited; a removal keeps the row with `deleted_at`, so
//! that it travels as the comment did. A flag is one row per call, and the
//! later change wins wherever two copies meet. Both travel in bundles and
//! through the team store (`call_comment` and `call_flag` rows, private to
//! the call's rep and the managers), merged here by [`merge`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::{ids, text, time};

/// Who writes when this copy has no rep of its own (a manager's file).
pub const NO_REP_AUTHOR: &str = "Manager";

/// A comment on a call, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallComment {
    pub id: String,
    pub call_id: String,
    pub author: String,
    pub body: String,
    pub created_at: String,
    /// Written from this copy (by its rep): only its author removes it.
    pub mine: bool,
}

/// A call's coaching: its flag and its comments, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Coaching {
    pub flagged: bool,
    /// Who flagged it (or took the flag off) and when.
    pub flag_author: Option<String>,
    pub flag_changed_at: Option<String>,
    pub comments: Vec<CallComment>,
}

/// A comment as it travels (bundle rows, the team store's `call_comment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BComment {
    pub id: String,
    pub call_id: String,
    pub author: String,
    pub body: String,
    pub created_at: String,
    pub deleted_at: Option<String>,
}

/// A call's flag as it travels; `id` is the call's id (one flag a call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BFlag {
    pub id: String,
    pub flagged: bool,
    pub author: String,
    pub updated_at: String,
}

/// The name comments and flags written here carry: this copy's rep, or
/// [`NO_REP_AUTHOR`].
pub fn author(conn: &Connection) -> Result<String> {
    Ok(crate::reps::current_rep(conn)?
        .map(|r| r.name)
        .unwrap_or_else(|| NO_REP_AUTHOR.to_string()))
}

fn completed_call(conn: &Connection, call_id: &str) -> Result<()> {
    let done: Option<bool> = conn
        .query_row(
            "SELECT outcome IS NOT NULL FROM calls WHERE id = ?1",
            [call_id],
            |r| r.get(0),
        )
        .optional()?;
    match done {
        Some(true) => Ok(()),
        Some(false) => Err(Error::invalid(
            "call",
            "is still in progress: comment on it once its outcome is logged",
        )),
        None => Err(Error::NotFound {
            what: "call",
            id: call_id.to_string(),
        }),
    }
}

/// Add a comment to a completed call.
pub fn add_comment(
    conn: &Connection,
    call_id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<CallComment> {
    completed_call(conn, call_id)?;
    let body = text::required(text::COMMENT, body)?;
    let author = author(conn)?;
    let c = CallComment {
        id: ids::new_id(),
        call_id: call_id.to_string(),
        author,
        body,
        created_at: time::to_db(now),
        mine: true,
    };
    conn.execute(
        "INSERT INTO call_comments (id, call_id, author, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.id, c.call_id, c.author, c.body, c.created_at],
    )?;
    Ok(c)
}

/// Remove a comment written here (kept as removed, so the removal travels).
pub fn remove_comment(conn: &Connection, comment_id: &str, now: DateTime<Utc>) -> Result<()> {
    let found: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT author, deleted_at FROM call_comments WHERE id = ?1",
            [comment_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None | Some((_, Some(_))) => Err(Error::NotFound {
            what: "comment",
            id: comment_id.to_string(),
        }),
        Some((who, None)) if who != author(conn)? => Err(Error::invalid(
            "comment",
            format!("was written by {who}: only its author can remove it"),
        )),
        Some(_) => {
            conn.execute(
                "UPDATE call_comments SET deleted_at = ?2 WHERE id = ?1",
                params![comment_id, time::to_db(now)],
            )?;
            Ok(())
        }
    }
}

/// Flag a completed call for coaching, or take the flag off.
pub fn set_flag(
    conn: &Connection,
    call_id: &str,
    flagged: bool,
    now: DateTime<Utc>,
) -> Result<Coaching> {
    completed_call(conn, call_id)?;
    let author = author(conn)?;
    // Later than the change it replaces, even when that came from a clock
    // ahead of this one: the later change wins wherever copies meet.
    let before: Option<String> = conn
        .query_row(
            "SELECT updated_at FROM call_flags WHERE call_id = ?1",
            [call_id],
            |r| r.get(0),
        )
        .optional()?;
    let at = match before.as_deref().map(time::from_db).transpose()? {
        Some(b) if b >= now => b + chrono::Duration::milliseconds(1),
        _ => now,
    };
    conn.execute(
        "INSERT INTO call_flags (call_id, flagged, author, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (call_id) DO UPDATE
         SET flagged = excluded.flagged, author = excluded.author, updated_at = excluded.updated_at
         WHERE call_flags.flagged IS NOT excluded.flagged",
        params![call_id, flagged, author, time::to_db(at)],
    )?;
    of_call(conn, call_id)
}

/// The coaching of one call.
pub fn of_call(conn: &Connection, call_id: &str) -> Result<Coaching> {
    Ok(of_calls(conn, &[call_id.to_string()])?
        .remove(call_id)
        .unwrap_or_default())
}

/// The coaching of these calls, by call id (calls with none are absent).
pub fn of_calls(conn: &Connection, call_ids: &[String]) -> Result<HashMap<String, Coaching>> {
    let me = author(conn)?;
    let mut out: HashMap<String, Coaching> = HashMap::new();
    let mut flag = conn
        .prepare_cached("SELECT flagged, author, updated_at FROM call_flags WHERE call_id = ?1")?;
    let mut comments = conn.prepare_cached(
        "SELECT id, author, body, created_at FROM call_comments
         WHERE call_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id",
    )?;
    for id in call_ids {
        let f: Option<(bool, String, String)> = flag
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let list: Vec<CallComment> = comments
            .query_map([id], |r| {
                let author: String = r.get(1)?;
                Ok(CallComment {
                    id: r.get(0)?,
                    call_id: id.clone(),
                    mine: author == me,
                    author,
                    body: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if f.is_none() && list.is_empty() {
            continue;
        }
        out.insert(
            id.clone(),
            Coaching {
                flagged: f.as_ref().is_some_and(|f| f.0),
                flag_author: f.as_ref().map(|f| f.1.clone()),
                flag_changed_at: f.map(|f| f.2),
                comments: list,
            },
        );
    }
    Ok(out)
}

/// The comments (removed ones too) and flags of these calls, to travel.
pub(crate) fn for_calls(
    conn: &Connection,
    call_ids: &[String],
) -> Result<(Vec<BComment>, Vec<BFlag>)> {
    let mut comments = Vec::new();
    let mut flags = Vec::new();
    let mut c = conn.prepare_cached(
        "SELECT id, call_id, author, body, created_at, deleted_at FROM call_comments
         WHERE call_id = ?1 ORDER BY created_at, id",
    )?;
    let mut f = conn.prepare_cached(
        "SELECT call_id, flagged, author, updated_at FROM call_flags WHERE call_id = ?1",
    )?;
    for id in call_ids {
        for row in c.query_map([id], comment_row)? {
            comments.push(row?);
        }
        if let Some(x) = f.query_row([id], flag_row).optional()? {
            flags.push(x);
        }
    }
    Ok((comments, flags))
}

fn comment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BComment> {
    Ok(BComment {
        id: r.get(0)?,
        call_id: r.get(1)?,
        author: r.get(2)?,
        body: r.get(3)?,
        created_at: r.get(4)?,
        deleted_at: r.get(5)?,
    })
}

fn flag_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BFlag> {
    Ok(BFlag {
        id: r.get(0)?,
        flagged: r.get(1)?,
        author: r.get(2)?,
        updated_at: r.get(3)?,
    })
}

/// One comment row of the team store's outbox, with its call's rep.
pub(crate) fn comment_by_id(conn: &Connection, id: &str) -> Result<Option<(BComment, String)>> {
    Ok(conn
        .query_row(
            "SELECT m.id, m.call_id, m.author, m.body, m.created_at, m.deleted_at, c.rep_id
             FROM call_comments m JOIN calls c ON c.id = m.call_id WHERE m.id = ?1",
            [id],
            |r| Ok((comment_row(r)?, r.get(6)?)),
        )
        .optional()?)
}

/// One flag row of the team store's outbox, with its call's rep.
pub(crate) fn flag_by_call(conn: &Connection, call_id: &str) -> Result<Option<(BFlag, String)>> {
    Ok(conn
        .query_row(
            "SELECT f.call_id, f.flagged, f.author, f.updated_at, c.rep_id
             FROM call_flags f JOIN calls c ON c.id = f.call_id WHERE f.call_id = ?1",
            [call_id],
            |r| Ok((flag_row(r)?, r.get(4)?)),
        )
        .optional()?)
}

/// What [`merge`] took in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Merged {
    /// Comments added or removed here, flags changed.
    pub taken: u32,
    /// Rows whose call this copy does not hold (kept for when it does: a
    /// bundle or a pull brings them again), or that were not valid (a pull
    /// leaves those out rather than stop).
    pub left_out: u32,
}

/// A comment or flag as this copy stores it: ids, times and text checked.
fn valid_comment(c: &BComment) -> std::result::Result<BComment, String> {
    text::check_id("comment", &c.id)?;
    text::check_id("call", &c.call_id)?;
    let author = text::required(text::REP_NAME.named("comment's author"), &c.author)
        .map_err(|e| e.to_string())?;
    let body = text::required(text::COMMENT, &c.body).map_err(|e| e.to_string())?;
    let created = time::from_db(&c.created_at).map_err(|e| e.to_string())?;
    let deleted = c
        .deleted_at
        .as_deref()
        .map(|d| time::from_db(d).map(time::to_db))
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(BComment {
        id: c.id.clone(),
        call_id: c.call_id.clone(),
        author,
        body,
        created_at: time::to_db(created),
        deleted_at: deleted,
    })
}

fn valid_flag(f: &BFlag) -> std::result::Result<BFlag, String> {
    text::check_id("call", &f.id)?;
    let author = text::required(text::REP_NAME.named("flag's author"), &f.author)
        .map_err(|e| e.to_string())?;
    let at = time::from_db(&f.updated_at).map_err(|e| e.to_string())?;
    Ok(BFlag {
        id: f.id.clone(),
        flagged: f.flagged,
        author,
        updated_at: time::to_db(at),
    })
}

/// Take in comments and flags from elsewhere (a bundle, the team store):
/// a comment new here is added, a removal there removes it here; a flag
/// changed later than this copy's wins. With `strict` (a bundle), an
/// invalid row refuses the whole; without (a pull), it is left out.
pub(crate) fn merge(
    tx: &Connection,
    comments: &[BComment],
    flags: &[BFlag],
    strict: bool,
) -> Result<Merged> {
    let mut m = Merged::default();
    let mut has_call = tx.prepare_cached("SELECT 1 FROM calls WHERE id = ?1")?;
    let mut add = tx.prepare_cached(
        "INSERT INTO call_comments (id, call_id, author, body, created_at, deleted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at
         WHERE call_comments.deleted_at IS NULL AND excluded.deleted_at IS NOT NULL",
    )?;
    for c in comments {
        let c = match valid_comment(c) {
            Ok(c) => c,
            Err(why) if strict => return Err(Error::invalid("comment", why)),
            Err(_) => {
                m.left_out += 1;
                continue;
            }
        };
        if !has_call.exists([&c.call_id])? {
            m.left_out += 1;
            continue;
        }
        m.taken += add.execute(params![
            c.id,
            c.call_id,
            c.author,
            c.body,
            c.created_at,
            c.deleted_at
        ])? as u32;
    }
    let mut set = tx.prepare_cached(
        "INSERT INTO call_flags (call_id, flagged, author, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (call_id) DO UPDATE
         SET flagged = excluded.flagged, author = excluded.author, updated_at = excluded.updated_at
         WHERE excluded.updated_at > call_flags.updated_at",
    )?;
    for f in flags {
        let f = match valid_flag(f) {
            Ok(f) => f,
            Err(why) if strict => return Err(Error::invalid("coaching flag", why)),
            Err(_) => {
                m.left_out += 1;
                continue;
            }
        };
        if !has_call.exists([&f.id])? {
            m.left_out += 1;
            continue;
        }
        m.taken += set.execute(params![f.id, f.flagged, f.author, f.updated_at])? as u32;
    }
    Ok(m)
}

/// The comments and flags waiting for the team store, oldest first: at most
/// `limit` entries, with the last entry they answer for; `None` when none
/// waits. Each row comes with its call's rep. Only a manager's copy pushes
/// them (the store takes coaching from managers only); a rep's coaching
/// stays in their file and their bundles, and their queue is let go.
#[allow(clippy::type_complexity)]
pub fn waiting(
    conn: &Connection,
    limit: u32,
) -> Result<Option<(i64, Vec<(BComment, String)>, Vec<(BFlag, String)>)>> {
    let entries: Vec<(i64, String, String)> = {
        let mut stmt = conn
            .prepare("SELECT seq, kind, row_id FROM team_coaching_outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let Some(upto) = entries.last().map(|e| e.0) else {
        return Ok(None);
    };
    let mut seen = std::collections::HashSet::new();
    let (mut comments, mut flags) = (Vec::new(), Vec::new());
    for (_, kind, id) in entries {
        if !seen.insert((kind.clone(), id.clone())) {
            continue;
        }
        if kind == "comment" {
            comments.extend(comment_by_id(conn, &id)?);
        } else {
            flags.extend(flag_by_call(conn, &id)?);
        }
    }
    Ok(Some((upto, comments, flags)))
}

/// The store committed the coaching rows up to `upto`.
pub fn ack(conn: &Connection, upto: i64) -> Result<u32> {
    Ok(conn.execute("DELETE FROM team_coaching_outbox WHERE seq <= ?1", [upto])? as u32)
}

#[cfg(test)]
mod tests;

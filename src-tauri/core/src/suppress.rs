//! The do-not-call list (domain.md section 4: do-not-call requests are never
//! dialled again), kept per number and per e-mail in the `do_not_call` table,
//! apart from the prospect rows, so that a person imported again under a new
//! CRM id is still not called.
//!
//! - A call that ends "do not call" puts every number and the e-mail of its
//!   prospect on the list, and marks every other prospect with one of them
//!   ([`after_do_not_call`]), in the call's transaction.
//! - Every write of a prospect (CSV import, bundle, [`crate::lists::insert_prospect`])
//!   checks the list: a prospect with a number or e-mail on it is stored as
//!   do-not-call ([`mark`]), and its other numbers and e-mail join the list.
//! - Starting a call refuses a prospect with a number or e-mail on the list
//!   even if the prospect row was not marked ([`check_not_listed`]).
//!
//! Every number and e-mail of a do-not-call prospect is on the list (the
//! migration filled it from the prospects already marked).
//!
//! A number's value is its E.164 text, with `;ext=` and the extension when it
//! has one (RFC 3966): a switchboard with someone's extension is their line,
//! not the whole company's. An e-mail's value is trimmed of spaces and
//! lower-cased (ASCII letters, as SQLite's `lower` and NOCASE fold them).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};

/// The list's value of a phone (see the module documentation).
pub fn phone_value(e164: &str, extension: Option<&str>) -> String {
    match extension.filter(|e| !e.is_empty()) {
        Some(ext) => format!("{e164};ext={ext}"),
        None => e164.to_string(),
    }
}

/// The list's value of an e-mail (see the module documentation).
pub fn email_value(email: &str) -> String {
    email.trim_matches(' ').to_ascii_lowercase()
}

/// The same as [`phone_value`] in SQL, over a `prospect_phones` row `ph`.
const PHONE_VALUE_SQL: &str = "ph.e164 || ifnull(';ext=' || nullif(ph.extension, ''), '')";

/// The listings of the prospect `?1`: each entry of the list that one of
/// their numbers or their e-mail is, as rows of `kind`, `value`, `since`,
/// `source` and `prospect_id` (the entry's, for the filters of the queries
/// below).
fn listings_of_prospect() -> String {
    format!(
        "SELECT d.kind, d.value, d.since, d.source, d.prospect_id FROM prospect_phones ph
           JOIN do_not_call d ON d.kind = 'phone' AND d.value = {PHONE_VALUE_SQL}
          WHERE ph.prospect_id = ?1 AND ph.e164 IS NOT NULL
         UNION ALL
         SELECT d.kind, d.value, d.since, d.source, d.prospect_id FROM prospects p
           JOIN do_not_call d ON d.kind = 'email' AND d.value = lower(trim(p.email))
          WHERE p.id = ?1 AND p.email IS NOT NULL"
    )
}

/// A filter over [`listings_of_prospect`]: leaves out the entries the team's
/// word on this very prospect listed (its state lists their values with
/// source "team" under their id).
const NOT_THE_TEAMS_WORD: &str = "NOT (source = 'team' AND prospect_id IS ?1)";

/// A call here on the prospect `?1` that ended "do not call".
const CALLED_DO_NOT_CALL: &str =
    "EXISTS (SELECT 1 FROM calls WHERE prospect_id = ?1 AND outcome = 'do_not_call')";

/// Why an entry went on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// A call that ended "do not call" (its id).
    Call(&'a str),
    /// A CSV import (its id) wrote a prospect already on the list.
    Import(&'a str),
    /// A bundle brought a prospect marked do-not-call.
    Bundle,
    /// A prospect written one at a time (the demo, a prospect added by hand).
    Manual,
    /// Another rep of the team listed it (the team store).
    Team,
}

impl<'a> Source<'a> {
    fn parts(self) -> (&'static str, Option<&'a str>, Option<&'a str>) {
        match self {
            Source::Call(id) => ("call", Some(id), None),
            Source::Import(id) => ("import", None, Some(id)),
            Source::Bundle => ("bundle", None, None),
            Source::Manual => ("manual", None, None),
            Source::Team => ("team", None, None),
        }
    }
}

/// Put every number and the e-mail of `prospect_id` on the list; values
/// already there keep their first entry. Returns the entries added.
pub fn list_prospect(
    conn: &Connection,
    prospect_id: &str,
    source: Source<'_>,
    at: &str,
) -> Result<usize> {
    let (kind, call_id, import_id) = source.parts();
    let sql = format!(
        "INSERT OR IGNORE INTO do_not_call (kind, value, since, source, call_id, import_id, prospect_id)
         SELECT 'phone', {PHONE_VALUE_SQL}, ?2, ?3, ?4, ?5, ?1 FROM prospect_phones ph
          WHERE ph.prospect_id = ?1 AND ph.e164 IS NOT NULL AND ph.e164 <> ''
         UNION ALL
         SELECT 'email', lower(trim(p.email)), ?2, ?3, ?4, ?5, ?1 FROM prospects p
          WHERE p.id = ?1 AND p.email IS NOT NULL AND trim(p.email) <> ''"
    );
    let n =
        conn.prepare_cached(&sql)?
            .execute(params![prospect_id, at, kind, call_id, import_id])?;
    Ok(n)
}

/// Put one number on the list (a bundled call's number, which its prospect
/// row does not carry). Returns whether it was new.
pub fn list_phone(
    conn: &Connection,
    value: &str,
    prospect_id: &str,
    source: Source<'_>,
    at: &str,
) -> Result<bool> {
    let (kind, call_id, import_id) = source.parts();
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO do_not_call (kind, value, since, source, call_id, import_id, prospect_id)
             VALUES ('phone', ?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![value, at, kind, call_id, import_id, prospect_id])?;
    Ok(n > 0)
}

/// A prospect as do-not-call: the status and the flag, no retry or callback
/// left. Returns whether it changed.
pub fn mark(conn: &Connection, prospect_id: &str, at: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE prospects SET status = 'do_not_call', do_not_call = 1, next_attempt_at = NULL,
                callback_at = NULL, updated_at = ?2
             WHERE id = ?1 AND (do_not_call = 0 OR status <> 'do_not_call')",
        )?
        .execute(params![prospect_id, at])?;
    Ok(n > 0)
}

/// A number or e-mail on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// "phone" or "email".
    pub kind: String,
    pub value: String,
    /// When it went on the list.
    pub since: String,
}

/// The first number or e-mail of `prospect_id` that is on the list.
pub fn listed_contact(conn: &Connection, prospect_id: &str) -> Result<Option<Listed>> {
    let sql = format!(
        "SELECT kind, value, since FROM ({}) LIMIT 1",
        listings_of_prospect()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([prospect_id], |r| {
            Ok(Listed {
                kind: r.get(0)?,
                value: r.get(1)?,
                since: r.get(2)?,
            })
        })
        .optional()?)
}

/// Starting a call: refused when a number or the e-mail of the prospect is
/// on the list, even if the prospect row was not marked.
pub fn check_not_listed(conn: &Connection, prospect_id: &str) -> Result<()> {
    match listed_contact(conn, prospect_id)? {
        None => Ok(()),
        Some(l) => Err(Error::OnDoNotCallList {
            what: if l.kind == "email" {
                "e-mail"
            } else {
                "number"
            },
            value: l.value,
            since: l.since,
        }),
    }
}

/// A prospect written one at a time (lists, the demo): stored as
/// do-not-call when a number or its e-mail is on the list, its other values
/// joining the list. Returns whether it was listed.
pub fn check_written(
    conn: &Connection,
    prospect_id: &str,
    source: Source<'_>,
    at: &str,
) -> Result<bool> {
    if listed_contact(conn, prospect_id)?.is_none() {
        return Ok(false);
    }
    mark(conn, prospect_id, at)?;
    list_prospect(conn, prospect_id, source, at)?;
    Ok(true)
}

/// After a call on `prospect_id` ended "do not call" (`call_id`, at `at`):
/// its numbers and e-mail go on the list, and every other prospect with one
/// of them is marked do-not-call too. Returns the other prospects marked.
pub fn after_do_not_call(
    conn: &Connection,
    prospect_id: &str,
    call_id: &str,
    at: &str,
) -> Result<usize> {
    list_prospect(conn, prospect_id, Source::Call(call_id), at)?;
    mark_sharing(conn, prospect_id, at)
}

/// Mark every prospect but `prospect_id` that shares one of its numbers (with
/// the same extension) or its e-mail. Returns how many changed.
fn mark_sharing(conn: &Connection, prospect_id: &str, at: &str) -> Result<usize> {
    const SET: &str = "UPDATE prospects SET status = 'do_not_call', do_not_call = 1,
        next_attempt_at = NULL, callback_at = NULL, updated_at = ?2";
    let by_phone = conn
        .prepare_cached(&format!(
            "{SET} WHERE do_not_call = 0 AND id <> ?1 AND id IN (
                SELECT other.prospect_id FROM prospect_phones ph
                  JOIN prospect_phones other ON other.e164 = ph.e164
                   AND ifnull(other.extension, '') = ifnull(ph.extension, '')
                 WHERE ph.prospect_id = ?1 AND ph.e164 IS NOT NULL AND other.e164 IS NOT NULL)"
        ))?
        .execute(params![prospect_id, at])?;
    // The numbers listed for it that it no longer has (an import replaced
    // its numbers while the call ran; the number dialled is listed all the
    // same): whoever has one of them is marked too.
    let by_listed = conn
        .prepare_cached(&format!(
            "{SET} WHERE do_not_call = 0 AND id <> ?1 AND id IN (
                SELECT ph.prospect_id FROM do_not_call d
                  JOIN prospect_phones ph ON ph.e164 IS NOT NULL AND {PHONE_VALUE_SQL} = d.value
                 WHERE d.kind = 'phone' AND d.prospect_id = ?1)"
        ))?
        .execute(params![prospect_id, at])?;
    let by_email = conn
        .prepare_cached(&format!(
            "{SET} WHERE do_not_call = 0 AND id <> ?1 AND email IS NOT NULL
                AND email = (SELECT trim(email) FROM prospects WHERE id = ?1) COLLATE NOCASE"
        ))?
        .execute(params![prospect_id, at])?;
    Ok(by_phone + by_listed + by_email)
}

/// A number or an e-mail put on the list by hand (a request that came by
/// mail, a complaint): listed under the first prospect here who holds it,
/// and every holder marked do-not-call with those who share one of their
/// numbers or their e-mail, their other values joining the list (as a call
/// that ends "do not call" does). A value listed before by a call, an
/// import, a bundle or the team's word becomes this copy's own word: no
/// undo of that call and no take-back by the team removes it then, and a
/// linked copy gives it to the team's list under its own name. Returns
/// whether the value was new to the list and how many prospects were marked.
pub fn add_by_hand(conn: &Connection, kind: &str, value: &str, at: &str) -> Result<(bool, usize)> {
    let holders = holding(conn, kind, value)?;
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO do_not_call (kind, value, since, source, prospect_id)
             VALUES (?1, ?2, ?3, 'manual', ?4)",
        )?
        .execute(params![kind, value, at, holders.first()])?
        > 0;
    if !added {
        let made_own = conn
            .prepare_cached(
                "UPDATE do_not_call SET source = 'manual', call_id = NULL, import_id = NULL
                  WHERE kind = ?1 AND value = ?2 AND source <> 'manual'",
            )?
            .execute(params![kind, value])?;
        if made_own > 0 {
            conn.prepare_cached(
                "INSERT INTO team_dnc_outbox (kind, value, since)
                 SELECT kind, value, since FROM do_not_call
                  WHERE kind = ?1 AND value = ?2 AND EXISTS (SELECT 1 FROM team_link)",
            )?
            .execute(params![kind, value])?;
        }
    }
    let mut marked = 0;
    for id in &holders {
        marked += mark(conn, id, at)? as usize;
        list_prospect(conn, id, Source::Manual, at)?;
        marked += mark_sharing(conn, id, at)?;
    }
    Ok((added, marked))
}

/// The prospects not yet marked do-not-call that hold `value` of the list
/// ("phone": one of their numbers, with its extension; "email"), in the
/// order they were written.
pub fn holding(conn: &Connection, kind: &str, value: &str) -> Result<Vec<String>> {
    holders(conn, kind, value, false)
}

/// The prospects marked do-not-call that hold `value`.
pub fn marked_holding(conn: &Connection, kind: &str, value: &str) -> Result<Vec<String>> {
    holders(conn, kind, value, true)
}

fn holders(conn: &Connection, kind: &str, value: &str, marked: bool) -> Result<Vec<String>> {
    let ids = match kind {
        "phone" => {
            let (e164, ext) = value.split_once(";ext=").unwrap_or((value, ""));
            conn.prepare_cached(
                "SELECT DISTINCT p.id, p.rowid FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
                  WHERE ph.e164 = ?1 AND ifnull(ph.extension, '') = ?2 AND p.do_not_call = ?3
                  ORDER BY p.rowid",
            )?
            .query_map(params![e164, ext, marked], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
        }
        "email" => conn
            .prepare_cached(
                "SELECT id FROM prospects WHERE do_not_call = ?2 AND email = ?1 COLLATE NOCASE
                  ORDER BY rowid",
            )?
            .query_map(params![value, marked], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        _ => Vec::new(),
    };
    Ok(ids)
}

/// Take `value` off this copy's list (its row, whatever listed it) unless
/// a prospect marked do-not-call, other than `except`, holds it: every value
/// of a do-not-call prospect stays on the list. Returns whether it went.
pub fn unlist_unless_held(
    conn: &Connection,
    kind: &str,
    value: &str,
    except: &[String],
) -> Result<bool> {
    let held = marked_holding(conn, kind, value)?
        .iter()
        .any(|id| !except.contains(id));
    if held {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached("DELETE FROM do_not_call WHERE kind = ?1 AND value = ?2")?
        .execute(params![kind, value])?
        > 0)
}

/// The list for a long run of writes (a CSV import): the hashes of its
/// values in memory, so that a row none of whose values is listed (nearly
/// every row) costs no lookup and no copy; a hash that is there is confirmed
/// in the table. Values listed during the run are added as they go.
#[derive(Debug, Default)]
pub struct ListFilter {
    hashes: HashSet<u64>,
}

/// The hash of the value made of `parts` end to end, ASCII letters folded
/// (so that an e-mail hashes as its list value does).
fn value_hash(kind: &str, parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    for p in parts {
        for b in p.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
    }
    h.finish()
}

fn phone_parts<'a>(e164: &'a str, extension: Option<&'a str>) -> ([&'a str; 3], usize) {
    match extension.filter(|e| !e.is_empty()) {
        Some(ext) => ([e164, ";ext=", ext], 3),
        None => ([e164, "", ""], 1),
    }
}

impl ListFilter {
    /// The whole list, read once.
    pub fn load(conn: &Connection) -> Result<ListFilter> {
        let mut f = ListFilter::default();
        let mut stmt = conn.prepare("SELECT kind, value FROM do_not_call")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let value: String = r.get(1)?;
            f.hashes.insert(value_hash(&kind, &[&value]));
        }
        Ok(f)
    }

    /// Remember a number put on the list.
    pub fn add_phone(&mut self, e164: &str, extension: Option<&str>) {
        let (parts, n) = phone_parts(e164, extension);
        self.hashes.insert(value_hash("phone", &parts[..n]));
    }

    /// Remember an e-mail put on the list.
    pub fn add_email(&mut self, email: &str) {
        self.hashes
            .insert(value_hash("email", &[email.trim_matches(' ')]));
    }

    /// Is this number on the list?
    pub fn phone_listed(
        &self,
        conn: &Connection,
        e164: &str,
        extension: Option<&str>,
    ) -> Result<bool> {
        let (parts, n) = phone_parts(e164, extension);
        if !self.hashes.contains(&value_hash("phone", &parts[..n])) {
            return Ok(false);
        }
        is_listed(conn, "phone", &phone_value(e164, extension))
    }

    /// Is this e-mail on the list?
    pub fn email_listed(&self, conn: &Connection, email: &str) -> Result<bool> {
        if !self
            .hashes
            .contains(&value_hash("email", &[email.trim_matches(' ')]))
        {
            return Ok(false);
        }
        is_listed(conn, "email", &email_value(email))
    }

    /// Is any of these numbers (E.164, extension) or the e-mail on the list?
    pub fn any_listed<'a>(
        &self,
        conn: &Connection,
        phones: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
        email: Option<&str>,
    ) -> Result<bool> {
        if self.is_empty() {
            return Ok(false);
        }
        for (e164, extension) in phones {
            if self.phone_listed(conn, e164, extension)? {
                return Ok(true);
            }
        }
        match email {
            Some(email) => self.email_listed(conn, email),
            None => Ok(false),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// Is this value (of `kind`, as [`phone_value`] or [`email_value`] made it)
/// on the list?
pub fn is_listed(conn: &Connection, kind: &str, value: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM do_not_call WHERE kind = ?1 AND value = ?2")?
        .query_row([kind, value], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether `prospect_id` is a shared lead marked do-not-call by the team's
/// word only: no call here ended "do not call" on them, and every value of
/// theirs on the list came from the team.
pub fn by_team_word_only(conn: &Connection, prospect_id: &str) -> Result<bool> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM team_shared WHERE prospect_id = ?1)
            AND NOT {CALLED_DO_NOT_CALL}
            AND NOT EXISTS (SELECT 1 FROM ({}) WHERE source <> 'team')",
        listings_of_prospect()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([prospect_id], |r| r.get(0))?)
}

/// Whether `prospect_id` is do-not-call by this copy's own word: a call
/// here that ended "do not call" on them, or a value of theirs listed for
/// another reason than the team's word on this very prospect (its state,
/// which lists their values with source "team" under their id).
pub fn own_word(conn: &Connection, prospect_id: &str) -> Result<bool> {
    own_word_besides(conn, prospect_id, None)
}

/// [`own_word`], not counting the listing of `besides` (a kind and a
/// value): whether anything else here keeps `prospect_id` do-not-call.
pub fn own_word_besides(
    conn: &Connection,
    prospect_id: &str,
    besides: Option<(&str, &str)>,
) -> Result<bool> {
    let sql = format!(
        "SELECT {CALLED_DO_NOT_CALL}
             OR EXISTS (SELECT 1 FROM ({}) WHERE {NOT_THE_TEAMS_WORD}
                                             AND NOT (kind IS ?2 AND value IS ?3))",
        listings_of_prospect()
    );
    let (kind, value) = besides.unzip();
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![prospect_id, kind, value], |r| r.get(0))?)
}

#[cfg(test)]
mod tests;

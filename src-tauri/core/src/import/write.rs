//! Matching rows to prospects already saved, and writing them.
//!
//! A row is the same prospect as a saved one when it has the same CRM record
//! id, else the same e-mail (ignoring case), else the same first name, last
//! name and company (ignoring case). Never on a phone number alone:
//! colleagues share a switchboard. An update refreshes contact fields and
//! phones and never touches the call history, status or attempts.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::ThemeKind;
use crate::error::Result;
use crate::lists;

use super::convert::{Candidate, PhoneOut};
use super::keys::{KeyIndex, MatchKeys};

/// What a row was matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    CrmId,
    Email,
    NameAndCompany,
}

impl MatchKey {
    pub fn label(self) -> &'static str {
        match self {
            MatchKey::CrmId => "CRM id",
            MatchKey::Email => "e-mail",
            MatchKey::NameAndCompany => "name and company",
        }
    }
}

/// A saved prospect a row matches.
#[derive(Debug, Clone)]
pub struct Found {
    pub rowid: i64,
    pub id: String,
    pub by: MatchKey,
}

// Written so that the plan does not depend on the bound value (`IS NOT NULL`
// first, for the partial indexes; the CAST): otherwise SQLite prepares the
// statement again on every bind (see the test
// `statements_are_not_prepared_again_for_each_row`).
pub(crate) const BY_CRM: &str = "SELECT rowid, id, first_name, last_name, email FROM prospects
    WHERE crm_id IS NOT NULL AND crm_id = CAST(?1 AS TEXT) ORDER BY rowid LIMIT 8";
pub(crate) const BY_EMAIL: &str = "SELECT rowid, id FROM prospects
    WHERE email IS NOT NULL AND email = ?1 COLLATE NOCASE ORDER BY rowid LIMIT 1";
pub(crate) const BY_NAME: &str = "SELECT rowid, id FROM prospects
    WHERE last_name = ?1 COLLATE NOCASE AND first_name = ?2 COLLATE NOCASE
      AND company = ?3 COLLATE NOCASE ORDER BY rowid LIMIT 1";

fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Is a saved prospect with the row's CRM id plainly someone else? Only when
/// e-mails or names can be compared and none agrees (another CRM's
/// numbering, or a reused id).
fn plainly_someone_else(first: &str, last: &str, email: Option<&str>, c: &Candidate) -> bool {
    let emails = match (email, &c.email) {
        (Some(a), Some(b)) => Some(same_text(a, b)),
        _ => None,
    };
    let name_a = format!("{first} {last}");
    let name_b = format!("{} {}", c.first_name, c.last_name);
    let names = (!name_a.trim().is_empty() && !name_b.trim().is_empty())
        .then(|| same_text(&name_a, &name_b));
    (emails.is_some() || names.is_some()) && emails != Some(true) && names != Some(true)
}

/// A saved prospect with the row's CRM id: rowid, id, first name, last
/// name, e-mail.
pub(crate) type CrmHit = (i64, String, String, String, Option<String>);

/// Where matching finds the saved prospects that have a key: the indexes of
/// the database ([`find_match`], for the preview) or the import's
/// [`KeyIndex`] checked against the rows ([`IndexedLookup`]). Both answer
/// as the queries [`BY_CRM`], [`BY_EMAIL`] and [`BY_NAME`] do.
pub(crate) trait Lookup {
    /// The first 8 prospects whose CRM id is the row's, by rowid.
    fn by_crm(&mut self, c: &Candidate, crm: &str) -> Result<Vec<CrmHit>>;
    /// The first prospect (by rowid) with the row's e-mail, ignoring case.
    fn by_email(&mut self, c: &Candidate, email: &str) -> Result<Option<(i64, String)>>;
    /// The first prospect (by rowid) with the row's last name, first name
    /// and company, ignoring case.
    fn by_name(&mut self, c: &Candidate) -> Result<Option<(i64, String)>>;
}

/// The indexes of the database.
struct Queries<'c>(&'c Connection);

impl Lookup for Queries<'_> {
    fn by_crm(&mut self, _: &Candidate, crm: &str) -> Result<Vec<CrmHit>> {
        let mut stmt = self.0.prepare_cached(BY_CRM)?;
        let hits = stmt
            .query_map([crm], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(hits)
    }

    fn by_email(&mut self, _: &Candidate, email: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .0
            .prepare_cached(BY_EMAIL)?
            .query_row([email], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn by_name(&mut self, c: &Candidate) -> Result<Option<(i64, String)>> {
        Ok(self
            .0
            .prepare_cached(BY_NAME)?
            .query_row(params![c.last_name, c.first_name, c.company], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }
}

/// The saved prospect this row is, if any, and a remark when the row's CRM
/// id belongs to someone else (the row is then matched by e-mail or name,
/// or is new).
pub fn find_match(conn: &Connection, c: &Candidate) -> Result<(Option<Found>, Option<String>)> {
    find_match_in(&mut Queries(conn), c)
}

/// [`find_match`] over any [`Lookup`].
pub(crate) fn find_match_in(
    saved: &mut impl Lookup,
    c: &Candidate,
) -> Result<(Option<Found>, Option<String>)> {
    let mut remark = None;
    if let Some(crm) = &c.crm_id {
        let mut other = None;
        for (rowid, id, first, last, email) in saved.by_crm(c, crm)? {
            if !plainly_someone_else(&first, &last, email.as_deref(), c) {
                return Ok((
                    Some(Found {
                        rowid,
                        id,
                        by: MatchKey::CrmId,
                    }),
                    None,
                ));
            }
            if other.is_none() {
                let name = format!("{first} {last}");
                other = Some(match email {
                    Some(e) => format!("{} <{e}>", name.trim()),
                    None => name.trim().to_string(),
                });
            }
        }
        if let Some(who) = other {
            remark = Some(format!(
                "CRM id {crm:?} also belongs to another prospect ({who}); not merged with them"
            ));
        }
    }
    if let Some(email) = &c.email {
        if let Some((rowid, id)) = saved.by_email(c, email)? {
            let by = MatchKey::Email;
            return Ok((Some(Found { rowid, id, by }), remark));
        }
    }
    if !c.first_name.is_empty() && !c.last_name.is_empty() && !c.company.is_empty() {
        if let Some((rowid, id)) = saved.by_name(c)? {
            let by = MatchKey::NameAndCompany;
            return Ok((Some(Found { rowid, id, by }), remark));
        }
    }
    Ok((None, remark))
}

/// The saved keys, each read from its index alone.
pub(crate) const KEYS_BY_CRM: &str = "SELECT rowid, crm_id FROM prospects WHERE crm_id IS NOT NULL";
pub(crate) const KEYS_BY_EMAIL: &str = "SELECT rowid, email FROM prospects WHERE email IS NOT NULL";
pub(crate) const KEYS_BY_NAME: &str = "SELECT rowid, last_name, first_name, company FROM prospects
    WHERE last_name <> '' AND first_name <> '' AND company <> ''";

/// The keys of every saved prospect in a [`KeyIndex`], with room for about
/// `new_rows` more prospects; `None` when the rowids do not fit in one (the
/// import then matches with queries, row by row).
pub fn load_key_index(conn: &Connection, new_rows: u64) -> Result<Option<KeyIndex>> {
    let (saved, low, high): (i64, Option<i64>, Option<i64>) = conn.query_row(
        "SELECT count(*), min(rowid), max(rowid) FROM prospects",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // Half the rowids left for the rows to come.
    if low.unwrap_or(0) < 0 || high.unwrap_or(0) > KeyIndex::MAX_ROWID / 2 {
        return Ok(None);
    }
    let mut ix = KeyIndex::with_capacity(3 * (saved as u64 + new_rows) as usize);
    // Each key from its own index (a covering scan: a fraction of the
    // table's pages), filtered as `MatchKeys::of` filters them.
    let mut keys =
        |sql: &str, key: &dyn Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Option<u64>>| {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(k) = key(r)? {
                    ix.insert(k, r.get(0)?);
                }
            }
            Ok::<_, crate::Error>(())
        };
    keys(KEYS_BY_CRM, &|r| {
        Ok(MatchKeys::of(Some(r.get_ref(1)?.as_str()?), None, "", "", "").crm)
    })?;
    keys(KEYS_BY_EMAIL, &|r| {
        Ok(MatchKeys::of(None, Some(r.get_ref(1)?.as_str()?), "", "", "").email)
    })?;
    keys(KEYS_BY_NAME, &|r| {
        let (last, first) = (r.get_ref(1)?.as_str()?, r.get_ref(2)?.as_str()?);
        Ok(MatchKeys::of(None, None, first, last, r.get_ref(3)?.as_str()?).name)
    })?;
    Ok(Some(ix))
}

/// The import's [`KeyIndex`], each candidate it gives read back and its keys
/// compared as the queries compare them (the CRM id exactly, the others
/// ignoring ASCII case, as NOCASE does), in rowid order. A candidate still
/// waiting in the writer's batch is written first. The row read stays with
/// the writer, for the update that usually follows.
pub(crate) struct IndexedLookup<'a, 'c> {
    pub index: &'a KeyIndex,
    pub writer: &'a mut Writer<'c>,
    /// Reused between lookups.
    pub rowids: &'a mut Vec<i64>,
}

impl IndexedLookup<'_, '_> {
    /// The first `limit` prospects (by rowid) that have `key` and that
    /// `keep` accepts: rowid, id, first name, last name, e-mail.
    fn first(
        &mut self,
        key: Option<u64>,
        limit: usize,
        mut keep: impl FnMut(&SavedRow) -> bool,
    ) -> Result<Vec<CrmHit>> {
        let mut found = Vec::new();
        let Some(key) = key else {
            return Ok(found);
        };
        self.index.candidates(key, self.rowids);
        let rowids = std::mem::take(self.rowids);
        for &rowid in &rowids {
            if found.len() == limit {
                break;
            }
            if self.writer.is_pending(rowid) {
                self.writer.flush()?;
            }
            if let Some(row) = self.writer.read_saved(rowid)? {
                if keep(row) {
                    found.push((
                        rowid,
                        row.id.clone(),
                        row.first_name.clone(),
                        row.last_name.clone(),
                        row.email.clone(),
                    ));
                }
            }
        }
        *self.rowids = rowids;
        Ok(found)
    }
}

fn nocase(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Lookup for IndexedLookup<'_, '_> {
    fn by_crm(&mut self, c: &Candidate, crm: &str) -> Result<Vec<CrmHit>> {
        self.first(c.keys.crm, 8, |r| r.crm_id.as_deref() == Some(crm))
    }

    fn by_email(&mut self, c: &Candidate, email: &str) -> Result<Option<(i64, String)>> {
        let hit = self.first(c.keys.email, 1, |r| {
            r.email.as_deref().is_some_and(|e| nocase(e, email))
        })?;
        Ok(hit.into_iter().next().map(|h| (h.0, h.1)))
    }

    fn by_name(&mut self, c: &Candidate) -> Result<Option<(i64, String)>> {
        let hit = self.first(c.keys.name, 1, |r| {
            nocase(&r.last_name, &c.last_name)
                && nocase(&r.first_name, &c.first_name)
                && nocase(&r.company, &c.company)
        })?;
        Ok(hit.into_iter().next().map(|h| (h.0, h.1)))
    }
}

/// Themes by name (lowercased): (id, name as saved).
#[derive(Default)]
pub struct ThemeCache {
    by_name: HashMap<String, (String, String)>,
}

impl ThemeCache {
    /// The theme called `name` (ignoring case), created if there is none.
    /// An archived theme of that name is brought back.
    pub fn get_or_create(
        &mut self,
        conn: &Connection,
        name: &str,
        kind: ThemeKind,
    ) -> Result<(String, String)> {
        let key = name.to_lowercase();
        if let Some(hit) = self.by_name.get(&key) {
            return Ok(hit.clone());
        }
        let existing: Option<(String, String, Option<String>)> = conn
            .query_row(
                "SELECT id, name, archived_at FROM themes WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let hit = match existing {
            Some((id, saved, archived)) => {
                if archived.is_some() {
                    conn.execute("UPDATE themes SET archived_at = NULL WHERE id = ?1", [&id])?;
                }
                (id, saved)
            }
            None => {
                let t = lists::create_theme(conn, name, kind, "")?;
                (t.id, t.name)
            }
        };
        self.by_name.insert(key, hit.clone());
        Ok(hit)
    }

    /// The saved theme called `name`, without creating it.
    pub fn lookup(&mut self, conn: &Connection, name: &str) -> Result<Option<(String, String)>> {
        let key = name.to_lowercase();
        if let Some(hit) = self.by_name.get(&key) {
            return Ok(Some(hit.clone()));
        }
        Ok(conn
            .query_row("SELECT id, name FROM themes WHERE name = ?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }
}

/// The match keys of a prospect as saved.
#[derive(Debug, Clone, Default)]
pub struct SavedKeys {
    pub crm_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
}

/// A saved prospect by rowid: its id, the columns a row updates and its
/// flag (matching compares the keys among them).
pub(crate) const SAVED_ROW: &str = "SELECT id, first_name, last_name, title, company, email, city,
    region, country, time_zone, industry, employees, crm_id, theme_id, extra, do_not_call
    FROM prospects WHERE rowid = ?1";

/// A saved prospect as [`SAVED_ROW`] reads it.
pub(crate) struct SavedRow {
    id: String,
    first_name: String,
    last_name: String,
    title: String,
    company: String,
    email: Option<String>,
    city: String,
    region: String,
    country: String,
    time_zone: Option<String>,
    industry: String,
    employees: String,
    crm_id: Option<String>,
    theme_id: Option<String>,
    extra: String,
    do_not_call: bool,
}

/// The columns a row may update, in the order of [`SavedRow::changes`]'s bits.
const UPDATED_COLUMNS: [&str; 14] = [
    "first_name",
    "last_name",
    "title",
    "company",
    "email",
    "city",
    "region",
    "country",
    "time_zone",
    "industry",
    "employees",
    "crm_id",
    "theme_id",
    "extra",
];
const EXTRA_BIT: u32 = 1 << 13;

/// `UPDATE prospects SET` the columns of `mask` (bits of
/// [`UPDATED_COLUMNS`]), `?1` to `?n` in that order (the unmapped columns
/// merged into `extra` with `json_patch`), then the file, the import, the
/// time and the rowid.
fn update_sql(mask: u32) -> String {
    use std::fmt::Write as _;
    let mut sql = String::from("UPDATE prospects SET ");
    let mut n = 0;
    for (i, col) in UPDATED_COLUMNS.iter().enumerate() {
        if mask & (1 << i) != 0 {
            n += 1;
            if 1 << i == EXTRA_BIT {
                let _ = write!(sql, "extra = json_patch(extra, ?{n}), ");
            } else {
                let _ = write!(sql, "{col} = ?{n}, ");
            }
        }
    }
    let _ = write!(
        sql,
        "source_file = ?{}, import_id = ?{}, updated_at = ?{} WHERE rowid = ?{}",
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    sql
}

impl SavedRow {
    /// What a row changes in the saved prospect, as the rules of an update
    /// say: an empty cell never blanks a saved value (nor a missing e-mail
    /// or CRM id); a known zone becomes "unknown" only when the row says
    /// where the prospect is now; the theme is given to a prospect without
    /// one (to any with `retheme`); the unmapped columns are merged into
    /// `extra`. Returns the columns that change (bits of
    /// [`UPDATED_COLUMNS`]) and their new values, in that order.
    fn changes<'a>(
        &'a self,
        c: &'a Candidate,
        theme_id: Option<&'a str>,
        retheme: bool,
    ) -> (u32, Vec<Option<&'a str>>) {
        let mut mask = 0;
        let mut values = Vec::new();
        let mut set = |bit: usize, new: Option<&'a str>| {
            mask |= 1 << bit;
            values.push(new);
        };
        let texts: [(&'a str, &str); 4] = [
            (&c.first_name, &self.first_name),
            (&c.last_name, &self.last_name),
            (&c.title, &self.title),
            (&c.company, &self.company),
        ];
        for (i, (new, saved)) in texts.into_iter().enumerate() {
            if !new.is_empty() && new != saved {
                set(i, Some(new));
            }
        }
        if let Some(e) = c.email.as_deref() {
            if self.email.as_deref() != Some(e) {
                set(4, Some(e));
            }
        }
        let texts: [(&'a str, &str); 3] = [
            (&c.city, &self.city),
            (&c.region, &self.region),
            (&c.country, &self.country),
        ];
        for (i, (new, saved)) in texts.into_iter().enumerate() {
            if !new.is_empty() && new != saved {
                set(5 + i, Some(new));
            }
        }
        let zone = match (&c.time_zone, c.location_given) {
            (Some(z), _) => Some(z.as_str()),
            (None, true) => None,
            (None, false) => self.time_zone.as_deref(),
        };
        if zone != self.time_zone.as_deref() {
            set(8, zone);
        }
        let texts: [(&'a str, &str); 2] = [
            (&c.industry, &self.industry),
            (&c.employees, &self.employees),
        ];
        for (i, (new, saved)) in texts.into_iter().enumerate() {
            if !new.is_empty() && new != saved {
                set(9 + i, Some(new));
            }
        }
        if let Some(id) = c.crm_id.as_deref() {
            if self.crm_id.as_deref() != Some(id) {
                set(11, Some(id));
            }
        }
        let theme = match theme_id {
            None => self.theme_id.as_deref(),
            Some(t) if retheme => Some(t),
            Some(t) => self.theme_id.as_deref().or(Some(t)),
        };
        if theme != self.theme_id.as_deref() {
            set(12, theme);
        }
        if c.extra != "{}" && patch_changes(&self.extra, &c.extra) {
            set(13, Some(&c.extra));
        }
        (mask, values)
    }
}

/// Would SQLite's `json_patch(saved, patch)` (RFC 7396) change anything?
/// Read as JSON values; when in doubt (not objects, a nested object), yes.
fn patch_changes(saved: &str, patch: &str) -> bool {
    use serde_json::Value;
    let (Ok(Value::Object(saved)), Ok(Value::Object(patch))) = (
        serde_json::from_str::<Value>(saved),
        serde_json::from_str::<Value>(patch),
    ) else {
        return true;
    };
    patch.iter().any(|(k, v)| match v {
        Value::Null => saved.contains_key(k),
        Value::Object(_) => true,
        v => saved.get(k) != Some(v),
    })
}

pub(crate) const SAVED_PHONES: &str = "SELECT kind, e164, extension, raw, bad
    FROM prospect_phones WHERE prospect_id = CAST(?1 AS TEXT) ORDER BY position";
pub(crate) const DELETE_PHONES: &str = "DELETE FROM prospect_phones WHERE prospect_id = ?1";

/// The columns of an inserted prospect, in the order of [`PROSPECT_SLOTS`].
const PROSPECT_COLUMNS: &str = "id, theme_id, first_name, last_name, title, company, email, \
    city, region, country, time_zone, industry, employees, source_file, crm_id, import_id, extra, \
    created_at, updated_at";
/// Where each column's value comes from: `Row(k)`, the row's k-th value, or
/// `Shared(j)`, a value the whole statement shares (bound once, not per row):
/// the file (0), the import (1), now (2).
const PROSPECT_SLOTS: &[Slot] = &[
    Slot::Row(0),
    Slot::Row(1),
    Slot::Row(2),
    Slot::Row(3),
    Slot::Row(4),
    Slot::Row(5),
    Slot::Row(6),
    Slot::Row(7),
    Slot::Row(8),
    Slot::Row(9),
    Slot::Row(10),
    Slot::Row(11),
    Slot::Row(12),
    Slot::Shared(0),
    Slot::Row(13),
    Slot::Shared(1),
    Slot::Row(14),
    Slot::Shared(2),
    Slot::Shared(2),
];
/// Values per prospect row, and shared by the statement.
const PROSPECT_ROW_PARAMS: usize = 15;
const PROSPECT_SHARED_PARAMS: usize = 3;
const PHONE_COLUMNS: &str = "prospect_id, position, kind, e164, extension, raw, bad";
const PHONE_SLOTS: &[Slot] = &[
    Slot::Row(0),
    Slot::Row(1),
    Slot::Row(2),
    Slot::Row(3),
    Slot::Row(4),
    Slot::Row(5),
    Slot::Row(6),
];
const PHONE_ROW_PARAMS: usize = 7;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    Row(usize),
    Shared(usize),
}

/// `INSERT OR FAIL INTO table (columns) VALUES (...), ...` of `rows` rows:
/// the shared values are `?1..?shared`, then each row's own. Rows go in
/// batches, one statement run for many rows (the cost of running a statement
/// is paid per batch). `OR FAIL` (and foreign keys checked at the end, see
/// `import::run`) spares SQLite a statement journal: a failing row fails the
/// whole import, whose transaction is rolled back, so the rows before it in
/// the same statement need no undoing of their own.
pub(crate) fn insert_sql(
    table: &str,
    columns: &str,
    slots: &[Slot],
    row_params: usize,
    shared: usize,
    rows: usize,
) -> String {
    use std::fmt::Write as _;
    let mut sql = format!("INSERT OR FAIL INTO {table} ({columns}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for (i, slot) in slots.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let n = match *slot {
                Slot::Shared(j) => j + 1,
                Slot::Row(k) => shared + r * row_params + k + 1,
            };
            let _ = write!(sql, "?{n}");
        }
        sql.push(')');
    }
    sql
}

/// Rows inserted in one statement (at most). Measured with the import bench:
/// 1 row per statement pays the statement's run 100,000 times; each run
/// also builds the lists of the schema's `IN (...)` checks again (an
/// ephemeral table each). Measured in instructions (callgrind, 30,000 rows):
/// 8 rows a statement cost 5 % more than 32; 64 no less than 32 (more shapes
/// of the phones statement to prepare, one per number of phones in a batch).
pub const INSERT_BATCH: usize = 32;

/// A prospect waiting in the batch.
struct Pending {
    id: String,
    rowid: i64,
    theme_id: Option<String>,
    c: Candidate,
    /// A number or the e-mail is on the do-not-call list.
    do_not_call: bool,
}

/// A saved prospect as an update left it.
#[derive(Debug, Clone, Default)]
pub struct Updated {
    pub theme_id: Option<String>,
    pub keys: SavedKeys,
    /// It was marked do-not-call before the update.
    pub do_not_call: bool,
    /// False when the row brought nothing new: nothing was written (not
    /// even the import, file and time of the update).
    pub changed: bool,
}

/// A saved phone: kind, E.164, extension, raw text, marked bad.
type SavedPhone = (String, Option<String>, Option<String>, String, bool);

/// Writes rows of one import. New prospects wait in a batch; call
/// [`Writer::flush`] before looking anything up and at the end.
pub struct Writer<'c> {
    conn: &'c Connection,
    import_id: String,
    source_file: String,
    now: String,
    retheme_existing: bool,
    pending: Vec<Pending>,
    /// Rows written go back to the thread that made them, to be freed there
    /// (freeing memory of another thread costs more).
    pub garbage: Option<std::sync::mpsc::Sender<Vec<Candidate>>>,
    /// Prepared inserts by (table, rows).
    inserts: HashMap<(bool, usize), rusqlite::Statement<'c>>,
    /// The rowid of the next prospect inserted. SQLite gives one past the
    /// largest; the writer knows it in advance, so that a prospect has its
    /// rowid while it waits in the batch (checked after each batch).
    next_rowid: i64,
    /// The saved prospect read last (by rowid), as it is in the database:
    /// matching reads it, the update uses it; anything written to it drops it.
    saved: Option<(i64, SavedRow)>,
    /// Prepared updates, by the columns they set (see [`update_sql`]).
    updates: HashMap<u32, rusqlite::Statement<'c>>,
}

impl<'c> Writer<'c> {
    pub fn new(
        conn: &'c Connection,
        import_id: String,
        source_file: String,
        now: String,
        retheme_existing: bool,
    ) -> Result<Writer<'c>> {
        Ok(Writer {
            conn,
            import_id,
            source_file,
            now,
            retheme_existing,
            pending: Vec::with_capacity(INSERT_BATCH),
            garbage: None,
            inserts: HashMap::new(),
            next_rowid: conn.query_row(
                "SELECT coalesce(max(rowid), 0) + 1 FROM prospects",
                [],
                |r| r.get(0),
            )?,
            saved: None,
            updates: HashMap::new(),
        })
    }

    /// The saved prospect at `rowid`, read (and kept for an update).
    pub(crate) fn read_saved(&mut self, rowid: i64) -> Result<Option<&SavedRow>> {
        let row = self
            .conn
            .prepare_cached(SAVED_ROW)?
            .query_row([rowid], |r| {
                Ok(SavedRow {
                    id: r.get(0)?,
                    first_name: r.get(1)?,
                    last_name: r.get(2)?,
                    title: r.get(3)?,
                    company: r.get(4)?,
                    email: r.get(5)?,
                    city: r.get(6)?,
                    region: r.get(7)?,
                    country: r.get(8)?,
                    time_zone: r.get(9)?,
                    industry: r.get(10)?,
                    employees: r.get(11)?,
                    crm_id: r.get(12)?,
                    theme_id: r.get(13)?,
                    extra: r.get(14)?,
                    do_not_call: r.get(15)?,
                })
            })
            .optional()?;
        self.saved = row.map(|row| (rowid, row));
        Ok(self.saved.as_ref().map(|(_, row)| row))
    }

    /// The rowid the next prospect inserted will have.
    pub fn next_rowid(&self) -> i64 {
        self.next_rowid
    }

    /// Is the prospect at `rowid` still waiting in the batch?
    pub fn is_pending(&self, rowid: i64) -> bool {
        self.pending.first().is_some_and(|p| rowid >= p.rowid)
    }

    /// Queue a new prospect; returns its rowid. It is written by the next
    /// [`Writer::flush`] (at the latest when the batch is full), as
    /// do-not-call when `do_not_call` (its numbers and e-mail then go on
    /// the list).
    pub fn insert(
        &mut self,
        c: Candidate,
        theme_id: Option<&str>,
        do_not_call: bool,
    ) -> Result<i64> {
        let rowid = self.next_rowid;
        self.next_rowid += 1;
        self.pending.push(Pending {
            id: crate::ids::new_id(),
            rowid,
            theme_id: theme_id.map(str::to_string),
            c,
            do_not_call,
        });
        if self.pending.len() >= INSERT_BATCH {
            self.flush()?;
        }
        Ok(rowid)
    }

    fn statement(&mut self, prospects: bool, rows: usize) -> Result<&mut rusqlite::Statement<'c>> {
        let conn = self.conn;
        Ok(match self.inserts.entry((prospects, rows)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let sql = if prospects {
                    insert_sql(
                        "prospects",
                        PROSPECT_COLUMNS,
                        PROSPECT_SLOTS,
                        PROSPECT_ROW_PARAMS,
                        PROSPECT_SHARED_PARAMS,
                        rows,
                    )
                } else {
                    insert_sql(
                        "prospect_phones",
                        PHONE_COLUMNS,
                        PHONE_SLOTS,
                        PHONE_ROW_PARAMS,
                        0,
                        rows,
                    )
                };
                e.insert(conn.prepare(&sql)?)
            }
        })
    }

    /// Write the queued prospects and their phones.
    pub fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        {
            let (source_file, import_id, now) = (
                self.source_file.clone(),
                self.import_id.clone(),
                self.now.clone(),
            );
            let mut values: Vec<&dyn rusqlite::ToSql> =
                Vec::with_capacity(PROSPECT_SHARED_PARAMS + pending.len() * PROSPECT_ROW_PARAMS);
            values.extend_from_slice(&[&source_file as &dyn rusqlite::ToSql, &import_id, &now]);
            for p in &pending {
                let c = &p.c;
                values.extend_from_slice(&[
                    &p.id as &dyn rusqlite::ToSql,
                    &p.theme_id,
                    &c.first_name,
                    &c.last_name,
                    &c.title,
                    &c.company,
                    &c.email,
                    &c.city,
                    &c.region,
                    &c.country,
                    &c.time_zone,
                    &c.industry,
                    &c.employees,
                    &c.crm_id,
                    &c.extra,
                ]);
            }
            self.statement(true, pending.len())?
                .execute(values.as_slice())?;
        }
        // SQLite gives each row one past the largest rowid, as `insert`
        // said it would (a rowid in the statement would make SQLite keep a
        // statement journal, to undo a row that is not an integer).
        let last = pending.last().map_or(0, |p| p.rowid);
        if self.conn.last_insert_rowid() != last {
            return Err(crate::Error::invalid(
                "import",
                format!(
                    "the prospects were written at rowid {} instead of {last}",
                    self.conn.last_insert_rowid()
                ),
            ));
        }
        let phones: usize = pending.iter().map(|p| p.c.phones.len()).sum();
        if phones > 0 {
            let positions: Vec<i64> = (0..5).collect();
            let mut values: Vec<&dyn rusqlite::ToSql> =
                Vec::with_capacity(phones * PHONE_ROW_PARAMS);
            for p in &pending {
                for (i, ph) in p.c.phones.iter().enumerate() {
                    values.extend_from_slice(&[
                        &p.id as &dyn rusqlite::ToSql,
                        positions.get(i).unwrap_or(&0),
                        &ph.kind,
                        &ph.e164,
                        &ph.extension,
                        &ph.raw,
                        &false,
                    ]);
                }
            }
            self.statement(false, phones)?.execute(values.as_slice())?;
        }
        for p in pending.iter().filter(|p| p.do_not_call) {
            self.suppress(&p.id)?;
        }
        if let Some(g) = &self.garbage {
            let _ = g.send(pending.into_iter().map(|p| p.c).collect());
        }
        Ok(())
    }

    /// A prospect written by this import whose number or e-mail is on the
    /// do-not-call list (or who was marked before): stored as do-not-call,
    /// and every number and e-mail of theirs on the list.
    pub fn suppress(&mut self, prospect_id: &str) -> Result<()> {
        self.saved = None;
        crate::suppress::mark(self.conn, prospect_id, &self.now)?;
        let source = crate::suppress::Source::Import(&self.import_id);
        crate::suppress::list_prospect(self.conn, prospect_id, source, &self.now)?;
        Ok(())
    }

    /// Insert a saved prospect's new phones, keeping the marks of bad numbers.
    fn replace_phones(
        &mut self,
        prospect_id: &str,
        phones: &[PhoneOut],
        bad: &[(Option<String>, String)],
    ) -> Result<()> {
        if phones.is_empty() {
            return Ok(());
        }
        let positions: Vec<i64> = (0..phones.len() as i64).collect();
        let flags: Vec<bool> = phones
            .iter()
            .map(|p| {
                bad.iter().any(|(e164, raw)| match (e164, &p.e164) {
                    (Some(a), Some(b)) => a == b,
                    _ => *raw == p.raw,
                })
            })
            .collect();
        let mut values: Vec<&dyn rusqlite::ToSql> =
            Vec::with_capacity(phones.len() * PHONE_ROW_PARAMS);
        for (i, p) in phones.iter().enumerate() {
            values.extend_from_slice(&[
                &prospect_id as &dyn rusqlite::ToSql,
                &positions[i],
                &p.kind,
                &p.e164,
                &p.extension,
                &p.raw,
                &flags[i],
            ]);
        }
        self.statement(false, phones.len())?
            .execute(values.as_slice())?;
        Ok(())
    }

    /// Refresh a saved prospect from a row; returns the prospect as the
    /// update left it. A row that brings nothing new writes nothing.
    pub fn update(
        &mut self,
        found: &Found,
        c: &Candidate,
        theme_id: Option<&str>,
    ) -> Result<Updated> {
        if self
            .saved
            .as_ref()
            .is_none_or(|(rowid, _)| *rowid != found.rowid)
        {
            self.read_saved(found.rowid)?;
        }
        let Some((_, saved)) = self.saved.take() else {
            return Err(crate::Error::invalid(
                "import",
                format!("prospect {} is gone", found.id),
            ));
        };
        let phones: Vec<SavedPhone> = self
            .conn
            .prepare_cached(SAVED_PHONES)?
            .query_map([&found.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let same_phones = phones.len() == c.phones.len()
            && phones
                .iter()
                .zip(&c.phones)
                .all(|(s, p)| s.0 == p.kind && s.1 == p.e164 && s.2 == p.extension && s.3 == p.raw);
        let (mask, values) = saved.changes(c, theme_id, self.retheme_existing);
        // The prospect as the update leaves it.
        let new = |bit: u32, saved: Option<&str>| -> Option<String> {
            if mask & bit == 0 {
                return saved.map(str::to_string);
            }
            let i = (mask & (bit - 1)).count_ones() as usize;
            values[i].map(str::to_string)
        };
        let updated = Updated {
            keys: SavedKeys {
                crm_id: new(1 << 11, saved.crm_id.as_deref()),
                email: new(1 << 4, saved.email.as_deref()),
                first_name: new(1, Some(&saved.first_name)).unwrap_or_default(),
                last_name: new(1 << 1, Some(&saved.last_name)).unwrap_or_default(),
                company: new(1 << 3, Some(&saved.company)).unwrap_or_default(),
            },
            theme_id: new(1 << 12, saved.theme_id.as_deref()),
            do_not_call: saved.do_not_call,
            changed: mask != 0 || !same_phones,
        };
        if !updated.changed {
            return Ok(updated);
        }
        let conn = self.conn;
        let stmt = match self.updates.entry(mask) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(conn.prepare(&update_sql(mask))?)
            }
        };
        let mut bound: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(values.len() + 4);
        for v in &values {
            bound.push(v);
        }
        bound.extend_from_slice(&[
            &self.source_file as &dyn rusqlite::ToSql,
            &self.import_id,
            &self.now,
            &found.rowid,
        ]);
        stmt.execute(bound.as_slice())?;
        // Phones: replaced when they changed; a number marked bad stays bad.
        if !same_phones {
            let bad: Vec<(Option<String>, String)> = phones
                .into_iter()
                .filter(|s| s.4)
                .map(|s| (s.1, s.3))
                .collect();
            self.conn
                .prepare_cached(DELETE_PHONES)?
                .execute([&found.id])?;
            self.replace_phones(&found.id, &c.phones, &bad)?;
        }
        Ok(updated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// The update every import ran before rows that change nothing wrote
    /// nothing: each column by a `CASE`, every column set.
    const ONE_STATEMENT: &str = "UPDATE prospects SET
        first_name = CASE WHEN ?2 <> '' THEN ?2 ELSE first_name END,
        last_name = CASE WHEN ?3 <> '' THEN ?3 ELSE last_name END,
        title = CASE WHEN ?4 <> '' THEN ?4 ELSE title END,
        company = CASE WHEN ?5 <> '' THEN ?5 ELSE company END,
        email = coalesce(?6, email),
        city = CASE WHEN ?7 <> '' THEN ?7 ELSE city END,
        region = CASE WHEN ?8 <> '' THEN ?8 ELSE region END,
        country = CASE WHEN ?9 <> '' THEN ?9 ELSE country END,
        time_zone = CASE WHEN ?10 IS NOT NULL THEN ?10 WHEN ?11 THEN NULL ELSE time_zone END,
        industry = CASE WHEN ?12 <> '' THEN ?12 ELSE industry END,
        employees = CASE WHEN ?13 <> '' THEN ?13 ELSE employees END,
        crm_id = coalesce(?14, crm_id),
        theme_id = CASE WHEN ?15 IS NULL THEN theme_id WHEN ?16 THEN ?15
                        ELSE coalesce(theme_id, ?15) END,
        extra = CASE WHEN ?17 = '{}' THEN extra ELSE json_patch(extra, ?17) END
        WHERE rowid = ?1";

    const COLUMNS: &str = "first_name, last_name, title, company, email, city, region, country, \
        time_zone, industry, employees, crm_id, theme_id, extra";

    fn row(conn: &Connection) -> Vec<rusqlite::types::Value> {
        conn.query_row(&format!("SELECT {COLUMNS} FROM prospects"), [], |r| {
            (0..14).map(|i| r.get(i)).collect()
        })
        .unwrap()
    }

    #[test]
    fn an_update_writes_what_the_one_statement_wrote() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        // As in an import (the writer's import id names no import here).
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        let t1 = lists::create_theme(conn, "One", ThemeKind::Custom, "")
            .unwrap()
            .id;
        let t2 = lists::create_theme(conn, "Two", ThemeKind::Custom, "")
            .unwrap()
            .id;
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut pick = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        for _ in 0..600 {
            // A saved prospect, and a row: each value empty, the same, in
            // other case, or another.
            let saved_theme = [None, Some(t1.as_str())][pick(2) as usize];
            let saved_zone = [None, Some("America/Chicago")][pick(2) as usize];
            let saved_email = [None, Some("ann@x.example")][pick(2) as usize];
            let saved_crm = [None, Some("100")][pick(2) as usize];
            let saved_extra = [r#"{}"#, r#"{"Stage":"Lead"}"#][pick(2) as usize];
            conn.execute("DELETE FROM prospects", []).unwrap();
            conn.execute(
                "INSERT INTO prospects (id, first_name, last_name, title, company, email, city,
                    region, country, time_zone, industry, employees, crm_id, theme_id, extra,
                    created_at, updated_at)
                 VALUES ('p', 'Ann', 'Lee', 'CFO', 'Acme', ?1, 'Austin', 'TX', 'US', ?2,
                    'Legal', '11-50', ?3, ?4, ?5, 'then', 'then')",
                rusqlite::params![saved_email, saved_zone, saved_crm, saved_theme, saved_extra],
            )
            .unwrap();
            let rowid: i64 = conn
                .query_row("SELECT rowid FROM prospects", [], |r| r.get(0))
                .unwrap();
            let mut text = |saved: &str, other: &str| {
                [
                    String::new(),
                    saved.to_string(),
                    saved.to_uppercase(),
                    other.to_string(),
                ][pick(4) as usize]
                    .clone()
            };
            let mut c = Candidate {
                first_name: text("Ann", "Bea"),
                last_name: text("Lee", "Roe"),
                title: text("CFO", "CEO"),
                company: text("Acme", "Initech"),
                city: text("Austin", "Dallas"),
                region: text("TX", "OK"),
                country: text("US", "CA"),
                industry: text("Legal", "Retail"),
                employees: text("11-50", "51-200"),
                ..Candidate::default()
            };
            c.email = [
                None,
                Some("ann@x.example"),
                Some("ANN@x.example"),
                Some("bea@x.example"),
            ][pick(4) as usize]
                .map(str::to_string);
            c.crm_id = [None, Some("100"), Some("200")][pick(3) as usize].map(str::to_string);
            c.time_zone = [None, Some("America/Chicago"), Some("America/Denver")][pick(3) as usize]
                .map(str::to_string);
            c.location_given = pick(2) == 0;
            c.extra = [
                r#"{}"#,
                r#"{"Stage":"Lead"}"#,
                r#"{"Stage":"Won"}"#,
                r#"{"Owner":"Rep 1"}"#,
            ][pick(4) as usize]
                .to_string();
            let theme = [None, Some(t1.as_str()), Some(t2.as_str())][pick(3) as usize];
            let retheme = pick(2) == 0;

            conn.execute_batch("SAVEPOINT one").unwrap();
            conn.execute(
                ONE_STATEMENT,
                rusqlite::params![
                    rowid,
                    c.first_name,
                    c.last_name,
                    c.title,
                    c.company,
                    c.email,
                    c.city,
                    c.region,
                    c.country,
                    c.time_zone,
                    c.location_given,
                    c.industry,
                    c.employees,
                    c.crm_id,
                    theme,
                    retheme,
                    c.extra,
                ],
            )
            .unwrap();
            let expected = row(conn);
            conn.execute_batch("ROLLBACK TO one; RELEASE one").unwrap();

            let before = row(conn);
            let mut w =
                Writer::new(conn, "i".into(), "f.csv".into(), "now".into(), retheme).unwrap();
            let found = Found {
                rowid,
                id: "p".into(),
                by: MatchKey::CrmId,
            };
            let u = w.update(&found, &c, theme).unwrap();
            drop(w);
            let got = row(conn);
            // json_patch writes the same object its own way: compare values.
            let json = |v: &rusqlite::types::Value| match v {
                rusqlite::types::Value::Text(t) => {
                    serde_json::from_str::<serde_json::Value>(t).unwrap()
                }
                _ => serde_json::Value::Null,
            };
            assert_eq!(
                got[..13],
                expected[..13],
                "{c:?} theme {theme:?} retheme {retheme}"
            );
            assert_eq!(json(&got[13]), json(&expected[13]), "{c:?}");
            assert_eq!(
                u.changed,
                got != before || json(&got[13]) != json(&before[13]),
                "{c:?}"
            );
            let text = |v: &rusqlite::types::Value| match v {
                rusqlite::types::Value::Text(t) => Some(t.clone()),
                _ => None,
            };
            assert_eq!(u.theme_id, text(&got[12]));
            assert_eq!(u.keys.crm_id, text(&got[11]));
            assert_eq!(u.keys.email, text(&got[4]));
            assert_eq!(Some(u.keys.first_name), text(&got[0]));
            assert_eq!(Some(u.keys.last_name), text(&got[1]));
            assert_eq!(Some(u.keys.company), text(&got[3]));
        }
    }
}

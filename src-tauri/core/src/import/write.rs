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
use super::keys::candidate_keys;
#[cfg(test)]
use super::keys::key_hash;

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

/// The saved prospect this row is, if any, and a remark when the row's CRM
/// id belongs to someone else (the row is then matched by e-mail or name,
/// or is new).
pub fn find_match(conn: &Connection, c: &Candidate) -> Result<(Option<Found>, Option<String>)> {
    let mut remark = None;
    if let Some(crm) = &c.crm_id {
        let mut stmt = conn.prepare_cached(BY_CRM)?;
        let hits = stmt.query_map([crm], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut other = None;
        for hit in hits {
            let (rowid, id, first, last, email) = hit?;
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
        let hit = conn
            .prepare_cached(BY_EMAIL)?
            .query_row([email], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((rowid, id)) = hit {
            let by = MatchKey::Email;
            return Ok((Some(Found { rowid, id, by }), remark));
        }
    }
    if !c.first_name.is_empty() && !c.last_name.is_empty() && !c.company.is_empty() {
        let hit = conn
            .prepare_cached(BY_NAME)?
            .query_row(params![c.last_name, c.first_name, c.company], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((rowid, id)) = hit {
            let by = MatchKey::NameAndCompany;
            return Ok((Some(Found { rowid, id, by }), remark));
        }
    }
    Ok((None, remark))
}

/// A Bloom filter of the match keys of every saved prospect, so that a row
/// that matches none (most rows of a new list) skips the three lookups. A
/// hit only means "maybe": the lookups then decide. Keys are folded the way
/// SQLite's NOCASE folds them (ASCII letters only), so rows SQLite would
/// match always hash alike. About 12 bits a key: a 1,000,000-row import
/// needs a few MB where a set of hashes needed tens.
pub struct KeyFilter {
    bits: Vec<u64>,
    /// Number of bits, a power of two.
    mask: u64,
}

/// Bits per expected key, and probes per key (false positives ~0.5 %).
const BITS_PER_KEY: u64 = 12;
const PROBES: u64 = 6;

impl KeyFilter {
    /// A filter sized for about `keys` keys.
    pub fn with_capacity(keys: u64) -> KeyFilter {
        let bits = (keys.max(1024) * BITS_PER_KEY).next_power_of_two();
        KeyFilter {
            bits: vec![0; (bits / 64) as usize],
            mask: bits - 1,
        }
    }

    fn probes(key: u64) -> impl Iterator<Item = u64> {
        // Double hashing: h1 + i * h2.
        let h1 = key;
        let h2 = key.rotate_left(32).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..PROBES).map(move |i| h1.wrapping_add(i.wrapping_mul(h2)))
    }

    fn insert(&mut self, key: u64) {
        for p in Self::probes(key) {
            let bit = p & self.mask;
            self.bits[(bit / 64) as usize] |= 1 << (bit % 64);
        }
    }

    fn contains(&self, key: u64) -> bool {
        Self::probes(key).all(|p| {
            let bit = p & self.mask;
            self.bits[(bit / 64) as usize] & (1 << (bit % 64)) != 0
        })
    }

    /// The keys of every saved prospect, with room for `new_rows` more.
    pub fn load(conn: &Connection, new_rows: u64) -> Result<KeyFilter> {
        let saved: u64 =
            conn.query_row("SELECT count(*) FROM prospects", [], |r| r.get::<_, i64>(0))? as u64;
        let mut f = KeyFilter::with_capacity(3 * (saved + new_rows));
        let mut stmt =
            conn.prepare("SELECT crm_id, email, first_name, last_name, company FROM prospects")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let crm: Option<String> = r.get(0)?;
            let email: Option<String> = r.get(1)?;
            let first: String = r.get(2)?;
            let last: String = r.get(3)?;
            let company: String = r.get(4)?;
            for k in candidate_keys(crm.as_deref(), email.as_deref(), &first, &last, &company) {
                f.insert(k);
            }
        }
        Ok(f)
    }

    /// False when no saved prospect can match the row.
    pub fn may_match(&self, c: &Candidate) -> bool {
        c.keys.iter().any(|k| self.contains(*k))
    }

    /// Remember the keys of a prospect inserted from a row.
    pub fn add_candidate(&mut self, c: &Candidate) {
        for k in &c.keys {
            self.insert(*k);
        }
    }

    /// Remember the keys of a prospect as an update left it.
    pub fn add(&mut self, k: &SavedKeys) {
        let keys = candidate_keys(
            k.crm_id.as_deref(),
            k.email.as_deref(),
            &k.first_name,
            &k.last_name,
            &k.company,
        );
        for key in keys {
            self.insert(key);
        }
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

/// Empty cells never blank a saved value; a known zone is replaced by
/// "unknown" only when the row says where the prospect is now.
pub(crate) const UPDATE_PROSPECT: &str = "UPDATE prospects SET
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
    extra = CASE WHEN ?17 = '{}' THEN extra ELSE json_patch(extra, ?17) END,
    source_file = ?18, import_id = ?19, updated_at = ?20
    WHERE rowid = ?1
    RETURNING theme_id, crm_id, email, first_name, last_name, company, do_not_call";

/// The match keys of a prospect as saved.
#[derive(Debug, Clone, Default)]
pub struct SavedKeys {
    pub crm_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
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
/// 1 row per statement pays the statement's run 100,000 times; 64 or more
/// make long programs and many shapes of the phones statement (one per
/// number of phones in a batch) to prepare; 4 to 16 are fastest.
pub const INSERT_BATCH: usize = 8;

/// A prospect waiting in the batch.
struct Pending {
    id: String,
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
        })
    }

    /// Queue a new prospect; returns its id. It is written by the next
    /// [`Writer::flush`] (at the latest when the batch is full), as
    /// do-not-call when `do_not_call` (its numbers and e-mail then go on
    /// the list).
    pub fn insert(
        &mut self,
        c: Candidate,
        theme_id: Option<&str>,
        do_not_call: bool,
    ) -> Result<String> {
        let id = crate::ids::new_id();
        self.pending.push(Pending {
            id: id.clone(),
            theme_id: theme_id.map(str::to_string),
            c,
            do_not_call,
        });
        if self.pending.len() >= INSERT_BATCH {
            self.flush()?;
        }
        Ok(id)
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
    pub fn suppress(&self, prospect_id: &str) -> Result<()> {
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
    /// update left it.
    pub fn update(
        &mut self,
        found: &Found,
        c: &Candidate,
        theme_id: Option<&str>,
    ) -> Result<Updated> {
        let updated: Updated = self.conn.prepare_cached(UPDATE_PROSPECT)?.query_row(
            params![
                found.rowid,
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
                theme_id,
                self.retheme_existing,
                c.extra,
                self.source_file,
                self.import_id,
                self.now,
            ],
            |r| {
                Ok(Updated {
                    theme_id: r.get(0)?,
                    keys: SavedKeys {
                        crm_id: r.get(1)?,
                        email: r.get(2)?,
                        first_name: r.get(3)?,
                        last_name: r.get(4)?,
                        company: r.get(5)?,
                    },
                    do_not_call: r.get(6)?,
                })
            },
        )?;
        // Phones: replaced when they changed; a number marked bad stays bad.
        let saved: Vec<SavedPhone> = self
            .conn
            .prepare_cached(SAVED_PHONES)?
            .query_map([&found.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let same = saved.len() == c.phones.len()
            && saved
                .iter()
                .zip(&c.phones)
                .all(|(s, p)| s.0 == p.kind && s.1 == p.e164 && s.2 == p.extension && s.3 == p.raw);
        if !same {
            let bad: Vec<(Option<String>, String)> = saved
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

    #[test]
    fn the_key_filter_never_misses_a_key_it_holds() {
        let mut f = KeyFilter::with_capacity(30_000);
        for i in 0..10_000u64 {
            f.insert(key_hash(b'e', &[&format!("p{i}@x.example")]));
        }
        for i in 0..10_000u64 {
            assert!(f.contains(key_hash(b'e', &[&format!("P{i}@X.example")])));
        }
        let false_hits = (10_000..20_000u64)
            .filter(|i| f.contains(key_hash(b'e', &[&format!("p{i}@x.example")])))
            .count();
        assert!(false_hits < 200, "{false_hits}");
    }
}

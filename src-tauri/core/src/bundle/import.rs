//! Import: a bundle merged into this database in one transaction (see the
//! module documentation of [`crate::bundle`] for how rows are matched).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::error::BundleError;
use super::format::{BCall, BProspect, Bundle};
use super::read::read;
use crate::error::{Error, Result};
use crate::store::merge::{merge, Merged};
use crate::store::Store;
use crate::suppress;
use crate::time;

/// What one kind of row did on import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportCount {
    pub in_bundle: u32,
    pub added: u32,
    pub already_present: u32,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BundleReport {
    pub source: String,
    pub rep_id: String,
    pub rep_name: String,
    /// The bundle's rep was found under another id by name.
    pub rep_matched_by_name: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub calls: ImportCount,
    pub blocks: ImportCount,
    pub prospects: ImportCount,
    pub meetings: ImportCount,
    pub call_objections: ImportCount,
    pub themes_added: Vec<String>,
    /// Themes of the bundle found here by name (under another id).
    pub themes_matched: Vec<String>,
    pub objections_added: Vec<String>,
    pub talk_track_versions_added: u32,
    pub responses_added: u32,
    /// Prospects added who asked not to be called (marked so in the bundle,
    /// or a number or e-mail of theirs is on this database's do-not-call
    /// list): kept as do-not-call, never queued or dialled.
    pub do_not_call: u32,
    /// Comments and coaching flags taken in (new comments, removals, flags
    /// changed later than here).
    pub coaching: u32,
    /// True when nothing new was imported (the bundle was imported before).
    pub unchanged: bool,
}

/// Import a bundle into `store` in one transaction. See the module
/// documentation for how rows are matched.
pub fn import(store: &mut Store, reader: impl Read) -> Result<BundleReport> {
    import_named(store, reader, "bundle")
}

/// Import the bundle file at `path`; messages name the file.
pub fn import_file(store: &mut Store, path: &Path) -> Result<BundleReport> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_owned(),
        source: e,
    })?;
    import_named(store, std::io::BufReader::new(file), &name)
}

pub fn import_named(
    store: &mut Store,
    reader: impl Read,
    source_name: &str,
) -> Result<BundleReport> {
    let bundle = read(reader, source_name)?;
    store
        .write(|tx| {
            let mut report = apply(tx, &bundle, source_name)?;
            report.source = source_name.to_string();
            let settings = crate::settings::load(tx)?;
            crate::reports::rollup::ensure_fresh(tx, &settings);
            Ok(report)
        })
        .map_err(|e| refused_by_the_database(e, source_name))
}

/// Import a bundle already read and checked ([`super::read::checked`]) in
/// the caller's transaction: the team store's pull, which does more in the
/// same transaction.
pub fn import_checked(tx: &Connection, bundle: &Bundle, source_name: &str) -> Result<BundleReport> {
    let mut report =
        apply(tx, bundle, source_name).map_err(|e| refused_by_the_database(e, source_name))?;
    report.source = source_name.to_string();
    Ok(report)
}

/// A row the checks let through but the database's constraints refuse is
/// a damaged bundle, named as such (not a raw constraint message).
fn refused_by_the_database(e: Error, source_name: &str) -> Error {
    match &e {
        Error::Store(crate::error::StoreError::Sqlite(s))
            if s.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
        {
            super::read::damaged(source_name, format!("a row does not fit the database: {s}"))
                .into()
        }
        _ => e,
    }
}

/// `id` when `table` has a row with it.
fn here(conn: &Connection, table: &str, id: &str) -> Result<Option<String>> {
    let found = conn
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE id = ?1"),
            [id],
            |_| Ok(()),
        )
        .optional()?;
    Ok(found.map(|()| id.to_string()))
}

/// The first column of the first row of a lookup, if any.
fn lookup(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Option<String>> {
    Ok(conn
        .query_row(sql, params, |r| r.get::<_, String>(0))
        .optional()?)
}

/// Is any of these numbers on the do-not-call list?
fn any_listed(conn: &Connection, phones: Option<&Vec<&str>>) -> Result<bool> {
    for phone in phones.into_iter().flatten() {
        if suppress::is_listed(conn, "phone", phone)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The bundle's ids of one kind of row -> their ids in this database.
type IdMap = HashMap<String, String>;

/// One import under way: the bundle, where its rows went, and the report.
/// Each kind of row is merged by a method of its own, in the order the
/// references between them need.
struct Apply<'a> {
    tx: &'a Connection,
    b: &'a Bundle,
    source_name: &'a str,
    /// What a new prospect's `source_file` says (a bundle: its rep's).
    source_file: String,
    report: BundleReport,
    themes: IdMap,
    objections: IdMap,
    responses: IdMap,
    tracks: IdMap,
    versions: IdMap,
}

/// Import only the themes and prospects of `b` (a list the team store
/// published; its rep is not added) in the caller's transaction: themes by
/// id, else by name; prospects by id, else added, checked against the
/// do-not-call list. New prospects say `source_file` came from where.
/// Returns the report and the prospects added.
pub(crate) fn import_lists(
    tx: &Connection,
    b: &Bundle,
    source_name: &str,
    source_file: &str,
) -> Result<(BundleReport, Vec<String>)> {
    let mut a = Apply::new(tx, b, source_name);
    a.source_file = source_file.to_string();
    let go = |a: &mut Apply<'_>| -> Result<Vec<String>> {
        a.themes()?;
        let added = a.prospects()?;
        a.suppress_listed(&added)?;
        Ok(added.iter().map(|p| p.id.clone()).collect())
    };
    let added = go(&mut a).map_err(|e| refused_by_the_database(e, source_name))?;
    let mut report = a.finish();
    report.source = source_name.to_string();
    Ok((report, added))
}

impl<'a> Apply<'a> {
    fn new(tx: &'a Connection, b: &'a Bundle, source_name: &'a str) -> Apply<'a> {
        Apply {
            tx,
            b,
            source_name,
            source_file: format!("bundle from {}", b.rep.name),
            report: BundleReport {
                from: b.from.clone(),
                to: b.to.clone(),
                ..BundleReport::default()
            },
            themes: IdMap::new(),
            objections: IdMap::new(),
            responses: IdMap::new(),
            tracks: IdMap::new(),
            versions: IdMap::new(),
        }
    }
}

fn apply(tx: &Connection, b: &Bundle, source_name: &str) -> Result<BundleReport> {
    let mut a = Apply::new(tx, b, source_name);
    a.rep()?;
    a.themes()?;
    a.objections()?;
    a.responses()?;
    a.talk_tracks()?;
    a.talk_track_versions()?;
    let new_prospects = a.prospects()?;
    a.blocks()?;
    a.pauses()?;
    let new_calls = a.calls()?;
    a.call_objections(&new_calls)?;
    a.meetings(&new_calls)?;
    // Coaching only on the bundle's own calls: anything else is not the
    // bundle's to say (and would reach another rep's calls).
    let own: HashSet<&str> = b.calls.iter().map(|c| c.id.as_str()).collect();
    if let Some(stray) = b
        .comments
        .iter()
        .map(|c| c.call_id.as_str())
        .chain(b.flags.iter().map(|f| f.id.as_str()))
        .find(|id| !own.contains(id))
    {
        return Err(a.conflict(format!(
            "a comment or coaching flag is on call {}, which the bundle does not hold",
            crate::quote::quoted(stray)
        )));
    }
    a.report.coaching = crate::coaching::merge(tx, &b.comments, &b.flags, true)?.taken;
    a.do_not_call(&new_calls)?;
    a.suppress_listed(&new_prospects)?;
    Ok(a.finish())
}

impl<'a> Apply<'a> {
    fn conflict(&self, detail: String) -> Error {
        BundleError::Conflict {
            source_name: self.source_name.to_string(),
            detail,
        }
        .into()
    }

    /// The theme here of a theme of the bundle.
    fn theme(&self, t: &Option<String>) -> Option<String> {
        t.as_ref().and_then(|t| self.themes.get(t).cloned())
    }

    /// The rep: by id, else by name, else added. Who this copy of the app
    /// works as is pinned first, so that a rep added by a bundle never
    /// becomes the one who calls here.
    fn rep(&mut self) -> Result<()> {
        crate::reps::pin_current_rep(self.tx)?;
        let (tx, r) = (self.tx, &self.b.rep);
        let merged = merge(
            || here(tx, "reps", &r.id),
            || {
                lookup(
                    tx,
                    "SELECT id FROM reps WHERE name = ?1 COLLATE NOCASE",
                    [&r.name],
                )
            },
            || {
                tx.execute(
                    "INSERT INTO reps (id, name, email, time_zone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![r.id, r.name, r.email, r.time_zone, time::to_db(time::now())],
                )?;
                Ok(r.id.clone())
            },
        )?;
        self.report.rep_matched_by_name = matches!(merged, Merged::ByKey(_));
        self.report.rep_id = merged.into_id();
        self.report.rep_name = tx.query_row(
            "SELECT name FROM reps WHERE id = ?1",
            [&self.report.rep_id],
            |r| r.get(0),
        )?;
        Ok(())
    }

    /// Themes: by id, else by name, else added.
    fn themes(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        for t in &b.themes {
            let merged = merge(
                || here(tx, "themes", &t.id),
                || lookup(tx, "SELECT id FROM themes WHERE name = ?1", [&t.name]),
                || {
                    tx.execute(
                        "INSERT INTO themes (id, name, kind, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![t.id, t.name, t.kind, t.description, t.created_at],
                    )?;
                    Ok(t.id.clone())
                },
            )?;
            match &merged {
                Merged::ById(_) => {}
                Merged::ByKey(_) => self.report.themes_matched.push(t.name.clone()),
                Merged::Inserted(_) => self.report.themes_added.push(t.name.clone()),
            }
            self.themes.insert(t.id.clone(), merged.into_id());
        }
        Ok(())
    }

    /// Objections: by id, else by slug, else added (at the end of the
    /// library, with their hotkey unless this database uses it, for an
    /// objection or an outcome).
    fn objections(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        for o in &b.objections {
            let merged = merge(
                || here(tx, "objections", &o.id),
                || lookup(tx, "SELECT id FROM objections WHERE slug = ?1", [&o.slug]),
                || {
                    let hotkey_free: bool = match &o.hotkey {
                        Some(k) => {
                            lookup(tx, "SELECT id FROM objections WHERE hotkey = ?1", [k])?
                                .is_none()
                                && crate::settings::outcome_with_key(tx, k)?.is_none()
                        }
                        None => true,
                    };
                    tx.execute(
                        "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
                         VALUES (?1, ?2, ?3, ?4, (SELECT ifnull(max(position), -1) + 1 FROM objections), ?5)",
                        params![
                            o.id,
                            o.slug,
                            o.label,
                            o.hotkey.as_ref().filter(|_| hotkey_free),
                            o.created_at
                        ],
                    )?;
                    Ok(o.id.clone())
                },
            )?;
            if let Merged::Inserted(_) = merged {
                self.report.objections_added.push(o.label.clone());
            }
            self.objections.insert(o.id.clone(), merged.into_id());
        }
        Ok(())
    }

    /// Responses: by id, else identical text for the same objection and
    /// theme, else added (numbered after this database's own when their
    /// number is taken).
    fn responses(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        for r in &b.responses {
            let oid = self
                .objections
                .get(&r.objection_id)
                .cloned()
                .unwrap_or_default();
            let tid = self.theme(&r.theme_id);
            let merged = merge(
                || here(tx, "objection_responses", &r.id),
                || {
                    lookup(
                        tx,
                        "SELECT id FROM objection_responses
                         WHERE objection_id = ?1 AND theme_id IS ?2 AND response = ?3 ORDER BY version LIMIT 1",
                        params![oid, tid, r.response],
                    )
                },
                || {
                    tx.execute(
                        "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
                         VALUES (?1, ?2, ?3,
                            CASE WHEN EXISTS (SELECT 1 FROM objection_responses WHERE objection_id = ?2
                                AND ifnull(theme_id, '') = ifnull(?3, '') AND version = ?4)
                            THEN (SELECT max(version) + 1 FROM objection_responses WHERE objection_id = ?2
                                AND ifnull(theme_id, '') = ifnull(?3, ''))
                            ELSE ?4 END, ?5, ?6)",
                        params![r.id, oid, tid, r.version, r.response, r.created_at],
                    )?;
                    Ok(r.id.clone())
                },
            )?;
            if let Merged::Inserted(_) = merged {
                self.report.responses_added += 1;
            }
            self.responses.insert(r.id.clone(), merged.into_id());
        }
        Ok(())
    }

    /// Talk tracks: by id, else the track of the same theme (or the default
    /// track), else added.
    fn talk_tracks(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        for t in &b.talk_tracks {
            let tid = self.theme(&t.theme_id);
            let merged = merge(
                || here(tx, "talk_tracks", &t.id),
                || {
                    lookup(
                        tx,
                        "SELECT id FROM talk_tracks WHERE theme_id IS ?1",
                        [&tid],
                    )
                },
                || {
                    tx.execute(
                        "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![t.id, tid, t.name, t.created_at],
                    )?;
                    Ok(t.id.clone())
                },
            )?;
            self.tracks.insert(t.id.clone(), merged.into_id());
        }
        Ok(())
    }

    /// Talk-track versions: by id, else identical text on the same track,
    /// else added with a note naming the rep (numbered after this database's
    /// own when their number is taken).
    fn talk_track_versions(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        for v in &b.talk_track_versions {
            let track = self
                .tracks
                .get(&v.talk_track_id)
                .cloned()
                .unwrap_or_default();
            let merged = merge(
                || here(tx, "talk_track_versions", &v.id),
                || {
                    lookup(
                        tx,
                        "SELECT id FROM talk_track_versions WHERE talk_track_id = ?1 AND opener = ?2
                           AND engage_statement = ?3 AND impact_question = ?4 AND appointment_request = ?5
                           AND voicemail_script = ?6 AND referral = ?7 AND agenda_line = ?8
                         ORDER BY version LIMIT 1",
                        params![
                            track,
                            v.opener,
                            v.engage_statement,
                            v.impact_question,
                            v.appointment_request,
                            v.voicemail_script,
                            v.referral,
                            v.agenda_line
                        ],
                    )
                },
                || {
                    let note = if v.change_note.is_empty() {
                        format!("From {}'s bundle (their version {})", b.rep.name, v.version)
                    } else {
                        format!(
                            "{} (from {}'s bundle, their version {})",
                            v.change_note, b.rep.name, v.version
                        )
                    };
                    tx.execute(
                        "INSERT INTO talk_track_versions (id, talk_track_id, version, opener, engage_statement,
                            impact_question, appointment_request, voicemail_script, referral, agenda_line,
                            change_note, created_at)
                         VALUES (?1, ?2,
                            CASE WHEN EXISTS (SELECT 1 FROM talk_track_versions WHERE talk_track_id = ?2 AND version = ?3)
                            THEN (SELECT max(version) + 1 FROM talk_track_versions WHERE talk_track_id = ?2)
                            ELSE ?3 END,
                            ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        params![
                            v.id,
                            track,
                            v.version,
                            v.opener,
                            v.engage_statement,
                            v.impact_question,
                            v.appointment_request,
                            v.voicemail_script,
                            v.referral,
                            v.agenda_line,
                            note,
                            v.created_at
                        ],
                    )?;
                    Ok(v.id.clone())
                },
            )?;
            if let Merged::Inserted(_) = merged {
                self.report.talk_track_versions_added += 1;
            }
            self.versions.insert(v.id.clone(), merged.into_id());
        }
        Ok(())
    }

    /// Prospects: by id only (two reps' lists are their own), else added.
    /// Returns the prospects added.
    fn prospects(&mut self) -> Result<Vec<&'a BProspect>> {
        let (tx, b) = (self.tx, self.b);
        self.report.prospects.in_bundle = b.prospects.len() as u32;
        let mut added = Vec::new();
        for p in &b.prospects {
            let merged = merge(
                || here(tx, "prospects", &p.id),
                || Ok(None),
                || {
                    self.insert_prospect(p)?;
                    Ok(p.id.clone())
                },
            )?;
            match merged {
                Merged::Inserted(_) => {
                    self.report.prospects.added += 1;
                    added.push(p);
                }
                _ => self.report.prospects.already_present += 1,
            }
        }
        Ok(added)
    }

    /// The do-not-call calls added: their prospect marked, its e-mail (and
    /// numbers, when this database has them) and the number called on the
    /// list, and every prospect here who shares one of them marked too (as
    /// a call logged here does; see [`crate::suppress`]).
    fn do_not_call(&mut self, new_calls: &HashSet<&str>) -> Result<()> {
        let tx = self.tx;
        let dnc = self.b.calls.iter().filter(|c| {
            c.outcome == crate::domain::Outcome::DoNotCall && new_calls.contains(c.id.as_str())
        });
        for c in dnc {
            let source = suppress::Source::Call(&c.id);
            if let Some(phone) = c.phone_e164.as_deref().filter(|p| p.starts_with('+')) {
                suppress::list_phone(tx, phone, &c.prospect_id, source, &c.ended_at)?;
            }
            suppress::mark(tx, &c.prospect_id, &c.ended_at)?;
            suppress::after_do_not_call(tx, &c.prospect_id, &c.id, &c.ended_at)?;
        }
        Ok(())
    }

    /// The prospects added: one marked do-not-call in the bundle puts its
    /// e-mail on the list; one whose e-mail, or a number it was called on,
    /// is on the list is stored as do-not-call. Each is counted.
    fn suppress_listed(&mut self, added: &[&BProspect]) -> Result<()> {
        let tx = self.tx;
        let now = time::to_db(time::now());
        let mut called_on: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in &self.b.calls {
            if let Some(phone) = c.phone_e164.as_deref() {
                called_on.entry(&c.prospect_id).or_default().push(phone);
            }
        }
        for p in added {
            let listed = p.do_not_call
                || suppress::listed_contact(tx, &p.id)?.is_some()
                || any_listed(tx, called_on.get(p.id.as_str()))?;
            if listed {
                suppress::mark(tx, &p.id, &now)?;
                suppress::list_prospect(tx, &p.id, suppress::Source::Bundle, &now)?;
                self.report.do_not_call += 1;
            }
        }
        Ok(())
    }

    fn insert_prospect(&self, p: &BProspect) -> Result<()> {
        self.tx.execute(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city,
                region, country, time_zone, industry, employees, status, attempts, next_attempt_at,
                callback_at, last_called_at, do_not_call, bad_number, source_file, crm_id,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24)",
            params![
                p.id,
                self.theme(&p.theme_id),
                p.first_name,
                p.last_name,
                p.title,
                p.company,
                p.email,
                p.city,
                p.region,
                p.country,
                p.time_zone,
                p.industry,
                p.employees,
                p.status,
                p.attempts,
                p.next_attempt_at,
                p.callback_at,
                p.last_called_at,
                p.do_not_call,
                p.bad_number,
                self.source_file,
                p.crm_id,
                p.created_at,
                p.updated_at
            ],
        )?;
        Ok(())
    }

    /// Blocks and their themes: by id (a block here must be the same rep's;
    /// one still open here takes the bundle's end), else added.
    fn blocks(&mut self) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        self.report.blocks.in_bundle = b.blocks.len() as u32;
        for bl in &b.blocks {
            let existing: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT rep_id, ended_at FROM blocks WHERE id = ?1",
                    [&bl.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match existing {
                Some((rep, ended)) => {
                    if rep != self.report.rep_id {
                        return Err(self.conflict(format!(
                            "block {} belongs to another rep in this database",
                            bl.id
                        )));
                    }
                    if ended.is_none() && bl.ended_at.is_some() {
                        tx.execute(
                            "UPDATE blocks SET ended_at = ?2, end_reason = ?3 WHERE id = ?1",
                            params![bl.id, bl.ended_at, bl.end_reason],
                        )?;
                    }
                    self.report.blocks.already_present += 1;
                }
                None => {
                    tx.execute(
                        "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at, ended_at, end_reason)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            bl.id,
                            self.report.rep_id,
                            bl.planned_seconds,
                            bl.break_seconds,
                            bl.started_at,
                            bl.ended_at,
                            bl.end_reason
                        ],
                    )?;
                    self.report.blocks.added += 1;
                }
            }
            for t in &bl.theme_ids {
                if let Some(t) = self.themes.get(t) {
                    tx.execute(
                        "INSERT OR IGNORE INTO block_themes (block_id, theme_id) VALUES (?1, ?2)",
                        params![bl.id, t],
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Pauses: added, or a pause still open here takes the bundle's resume.
    fn pauses(&mut self) -> Result<()> {
        for p in &self.b.pauses {
            self.tx.execute(
                "INSERT INTO block_pauses (id, block_id, paused_at, resumed_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET resumed_at = excluded.resumed_at
                 WHERE block_pauses.resumed_at IS NULL AND excluded.resumed_at IS NOT NULL",
                params![p.id, p.block_id, p.paused_at, p.resumed_at],
            )?;
        }
        Ok(())
    }

    /// Calls: by id (a call here must be the same rep's), else added under
    /// the rep. Returns the calls added.
    fn calls(&mut self) -> Result<HashSet<&'a str>> {
        let (tx, b) = (self.tx, self.b);
        self.report.calls.in_bundle = b.calls.len() as u32;
        let mut new_calls: HashSet<&str> = HashSet::new();
        for c in &b.calls {
            let existing: Option<String> = tx
                .query_row("SELECT rep_id FROM calls WHERE id = ?1", [&c.id], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(rep) = existing {
                if rep != self.report.rep_id {
                    return Err(self.conflict(format!(
                        "call {} belongs to another rep in this database",
                        c.id
                    )));
                }
                self.report.calls.already_present += 1;
                continue;
            }
            self.insert_call(c)?;
            new_calls.insert(c.id.as_str());
            self.report.calls.added += 1;
        }
        Ok(new_calls)
    }

    fn insert_call(&self, c: &BCall) -> Result<()> {
        let started = time::to_db(time::from_db(&c.started_at)?);
        self.tx.execute(
            "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, phone_e164, talk_track_version_id,
                started_at, ended_at, duration_ms, outcome, asked_for_meeting, prospect_time_zone,
                local_hour, local_weekday, callback_at, notes, gap_current_state, gap_objectives, gap_impact,
                answered_at, ring_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22)",
            params![
                c.id,
                c.prospect_id,
                self.report.rep_id,
                c.block_id,
                self.theme(&c.theme_id),
                c.phone_e164,
                c.talk_track_version_id
                    .as_ref()
                    .and_then(|v| self.versions.get(v)),
                started,
                c.ended_at,
                c.duration_ms,
                c.outcome,
                c.asked_for_meeting,
                c.prospect_time_zone,
                c.local_hour,
                c.local_weekday,
                c.callback_at,
                c.notes,
                c.gap_current_state,
                c.gap_objectives,
                c.gap_impact,
                c.answered_at
                    .as_deref()
                    .map(|a| time::from_db(a).map(time::to_db))
                    .transpose()?,
                c.ring_ms,
            ],
        )?;
        Ok(())
    }

    /// The objections raised in the calls added (those of a call already
    /// here are already here).
    fn call_objections(&mut self, new_calls: &HashSet<&str>) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        self.report.call_objections.in_bundle = b.call_objections.len() as u32;
        for o in &b.call_objections {
            if !new_calls.contains(o.call_id.as_str()) {
                self.report.call_objections.already_present += 1;
                continue;
            }
            tx.execute(
                "INSERT INTO call_objections (id, call_id, objection_id, response_id, position, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    o.id,
                    o.call_id,
                    self.objections.get(&o.objection_id),
                    o.response_id.as_ref().and_then(|r| self.responses.get(r)),
                    o.position,
                    o.at_ms
                ],
            )?;
            self.report.call_objections.added += 1;
        }
        Ok(())
    }

    /// The meetings booked in the calls added.
    fn meetings(&mut self, new_calls: &HashSet<&str>) -> Result<()> {
        let (tx, b) = (self.tx, self.b);
        self.report.meetings.in_bundle = b.meetings.len() as u32;
        for m in &b.meetings {
            if !new_calls.contains(m.call_id.as_str()) {
                self.report.meetings.already_present += 1;
                continue;
            }
            tx.execute(
                "INSERT INTO meetings (id, call_id, prospect_id, rep_id, starts_at, duration_minutes, format,
                    email, invitation_sent_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    m.id,
                    m.call_id,
                    m.prospect_id,
                    self.report.rep_id,
                    m.starts_at,
                    m.duration_minutes,
                    m.format,
                    m.email,
                    m.invitation_sent_at,
                    m.created_at
                ],
            )?;
            self.report.meetings.added += 1;
        }
        Ok(())
    }

    fn finish(mut self) -> BundleReport {
        let r = &mut self.report;
        r.unchanged = r.calls.added == 0
            && r.blocks.added == 0
            && r.prospects.added == 0
            && r.themes_added.is_empty()
            && r.objections_added.is_empty()
            && r.responses_added == 0
            && r.talk_track_versions_added == 0
            && r.coaching == 0;
        self.report
    }
}

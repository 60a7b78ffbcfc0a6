//! Import: a bundle merged into this database in one transaction (see the
//! module documentation of [`crate::bundle`] for how rows are matched).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::error::BundleError;
use super::format::Bundle;
use super::read::read;
use crate::error::{Error, Result};
use crate::store::Store;
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
    store.write(|tx| {
        let mut report = apply(tx, &bundle, source_name)?;
        report.source = source_name.to_string();
        let settings = crate::settings::load(tx)?;
        crate::reports::rollup::ensure_fresh(tx, &settings);
        Ok(report)
    })
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE id = ?1"),
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn apply(tx: &Connection, b: &Bundle, source_name: &str) -> Result<BundleReport> {
    let conflict = |d: String| -> Error {
        BundleError::Conflict {
            source_name: source_name.to_string(),
            detail: d,
        }
        .into()
    };
    let now = time::to_db(time::now());
    let mut report = BundleReport {
        from: b.from.clone(),
        to: b.to.clone(),
        ..BundleReport::default()
    };

    // The rep: by id, else by name, else added.
    let rep_id = if exists(tx, "reps", &b.rep.id)? {
        b.rep.id.clone()
    } else if let Some(id) = tx
        .query_row(
            "SELECT id FROM reps WHERE name = ?1 COLLATE NOCASE",
            [&b.rep.name],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        report.rep_matched_by_name = true;
        id
    } else {
        tx.execute(
            "INSERT INTO reps (id, name, email, time_zone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![b.rep.id, b.rep.name, b.rep.email, b.rep.time_zone, now],
        )?;
        b.rep.id.clone()
    };
    report.rep_id = rep_id.clone();
    report.rep_name = tx.query_row("SELECT name FROM reps WHERE id = ?1", [&rep_id], |r| {
        r.get(0)
    })?;

    // Themes: by id, else by name, else added.
    let mut theme_map: HashMap<String, String> = HashMap::new();
    for t in &b.themes {
        let id = if exists(tx, "themes", &t.id)? {
            t.id.clone()
        } else if let Some(id) = tx
            .query_row("SELECT id FROM themes WHERE name = ?1", [&t.name], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
        {
            report.themes_matched.push(t.name.clone());
            id
        } else {
            tx.execute(
                "INSERT INTO themes (id, name, kind, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.id, t.name, t.kind, t.description, t.created_at],
            )?;
            report.themes_added.push(t.name.clone());
            t.id.clone()
        };
        theme_map.insert(t.id.clone(), id);
    }
    let theme = |t: &Option<String>| t.as_ref().and_then(|t| theme_map.get(t).cloned());

    // Objections: by id, else by slug, else added.
    let mut objection_map: HashMap<String, String> = HashMap::new();
    for o in &b.objections {
        let id = if exists(tx, "objections", &o.id)? {
            o.id.clone()
        } else if let Some(id) = tx
            .query_row(
                "SELECT id FROM objections WHERE slug = ?1",
                [&o.slug],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        {
            id
        } else {
            let hotkey_free: bool = match &o.hotkey {
                Some(k) => tx
                    .query_row(
                        "SELECT 1 FROM objections WHERE hotkey = ?1",
                        [k],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_none(),
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
            report.objections_added.push(o.label.clone());
            o.id.clone()
        };
        objection_map.insert(o.id.clone(), id);
    }

    // Responses: by id, else identical text for the same objection and theme, else added.
    let mut response_map: HashMap<String, String> = HashMap::new();
    for r in &b.responses {
        let oid = objection_map
            .get(&r.objection_id)
            .cloned()
            .unwrap_or_default();
        let tid = theme(&r.theme_id);
        let id = if exists(tx, "objection_responses", &r.id)? {
            r.id.clone()
        } else if let Some(id) = tx
            .query_row(
                "SELECT id FROM objection_responses
                 WHERE objection_id = ?1 AND theme_id IS ?2 AND response = ?3 ORDER BY version LIMIT 1",
                params![oid, tid, r.response],
                |x| x.get::<_, String>(0),
            )
            .optional()?
        {
            id
        } else {
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
            report.responses_added += 1;
            r.id.clone()
        };
        response_map.insert(r.id.clone(), id);
    }

    // Talk tracks: by id, else the track of the same theme (or the default track).
    let mut track_map: HashMap<String, String> = HashMap::new();
    for t in &b.talk_tracks {
        let tid = theme(&t.theme_id);
        let id = if exists(tx, "talk_tracks", &t.id)? {
            t.id.clone()
        } else if let Some(id) = tx
            .query_row(
                "SELECT id FROM talk_tracks WHERE theme_id IS ?1",
                [&tid],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        {
            id
        } else {
            tx.execute(
                "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![t.id, tid, t.name, t.created_at],
            )?;
            t.id.clone()
        };
        track_map.insert(t.id.clone(), id);
    }
    let mut version_map: HashMap<String, String> = HashMap::new();
    for v in &b.talk_track_versions {
        let track = track_map.get(&v.talk_track_id).cloned().unwrap_or_default();
        let id = if exists(tx, "talk_track_versions", &v.id)? {
            v.id.clone()
        } else if let Some(id) = tx
            .query_row(
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
                |r| r.get::<_, String>(0),
            )
            .optional()?
        {
            id
        } else {
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
            report.talk_track_versions_added += 1;
            v.id.clone()
        };
        version_map.insert(v.id.clone(), id);
    }

    // Prospects: by id only.
    report.prospects.in_bundle = b.prospects.len() as u32;
    for p in &b.prospects {
        if exists(tx, "prospects", &p.id)? {
            report.prospects.already_present += 1;
            continue;
        }
        tx.execute(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city,
                region, country, time_zone, industry, employees, status, attempts, next_attempt_at,
                callback_at, last_called_at, do_not_call, bad_number, source_file, crm_id,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24)",
            params![
                p.id,
                theme(&p.theme_id),
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
                format!("bundle from {}", b.rep.name),
                p.crm_id,
                p.created_at,
                p.updated_at
            ],
        )?;
        report.prospects.added += 1;
    }

    // Blocks, their themes and pauses.
    report.blocks.in_bundle = b.blocks.len() as u32;
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
                if rep != rep_id {
                    return Err(conflict(format!(
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
                report.blocks.already_present += 1;
            }
            None => {
                tx.execute(
                    "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at, ended_at, end_reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        bl.id,
                        rep_id,
                        bl.planned_seconds,
                        bl.break_seconds,
                        bl.started_at,
                        bl.ended_at,
                        bl.end_reason
                    ],
                )?;
                report.blocks.added += 1;
            }
        }
        for t in &bl.theme_ids {
            if let Some(t) = theme_map.get(t) {
                tx.execute(
                    "INSERT OR IGNORE INTO block_themes (block_id, theme_id) VALUES (?1, ?2)",
                    params![bl.id, t],
                )?;
            }
        }
    }
    for p in &b.pauses {
        tx.execute(
            "INSERT INTO block_pauses (id, block_id, paused_at, resumed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET resumed_at = excluded.resumed_at
             WHERE block_pauses.resumed_at IS NULL AND excluded.resumed_at IS NOT NULL",
            params![p.id, p.block_id, p.paused_at, p.resumed_at],
        )?;
    }

    // Calls, with the objections raised in them and the meetings booked.
    report.calls.in_bundle = b.calls.len() as u32;
    report.call_objections.in_bundle = b.call_objections.len() as u32;
    report.meetings.in_bundle = b.meetings.len() as u32;
    let mut new_calls: HashSet<&str> = HashSet::new();
    for c in &b.calls {
        let existing: Option<String> = tx
            .query_row("SELECT rep_id FROM calls WHERE id = ?1", [&c.id], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(rep) = existing {
            if rep != rep_id {
                return Err(conflict(format!(
                    "call {} belongs to another rep in this database",
                    c.id
                )));
            }
            report.calls.already_present += 1;
            continue;
        }
        let started = time::to_db(time::from_db(&c.started_at)?);
        tx.execute(
            "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, phone_e164, talk_track_version_id,
                started_at, ended_at, duration_ms, outcome, asked_for_meeting, prospect_time_zone,
                local_hour, local_weekday, callback_at, notes, gap_current_state, gap_objectives, gap_impact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            params![
                c.id,
                c.prospect_id,
                rep_id,
                c.block_id,
                theme(&c.theme_id),
                c.phone_e164,
                c.talk_track_version_id
                    .as_ref()
                    .and_then(|v| version_map.get(v)),
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
                c.gap_impact
            ],
        )?;
        new_calls.insert(c.id.as_str());
        report.calls.added += 1;
    }
    for o in &b.call_objections {
        if !new_calls.contains(o.call_id.as_str()) {
            report.call_objections.already_present += 1;
            continue;
        }
        tx.execute(
            "INSERT INTO call_objections (id, call_id, objection_id, response_id, position, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                o.id,
                o.call_id,
                objection_map.get(&o.objection_id),
                o.response_id.as_ref().and_then(|r| response_map.get(r)),
                o.position,
                o.at_ms
            ],
        )?;
        report.call_objections.added += 1;
    }
    for m in &b.meetings {
        if !new_calls.contains(m.call_id.as_str()) {
            report.meetings.already_present += 1;
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
                rep_id,
                m.starts_at,
                m.duration_minutes,
                m.format,
                m.email,
                m.invitation_sent_at,
                m.created_at
            ],
        )?;
        report.meetings.added += 1;
    }
    report.unchanged = report.calls.added == 0
        && report.blocks.added == 0
        && report.prospects.added == 0
        && report.themes_added.is_empty()
        && report.objections_added.is_empty()
        && report.responses_added == 0
        && report.talk_track_versions_added == 0;
    Ok(report)
}

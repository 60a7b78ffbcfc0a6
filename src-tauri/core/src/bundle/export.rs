//! Export: a rep's calls and blocks of a period, with every row they refer
//! to, as a bundle document.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::write::GzEncoder;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::format::{
    BBlock, BCall, BCallObjection, BMeeting, BObjection, BPause, BProspect, BRep, BResponse,
    BTalkTrack, BTalkTrackVersion, BTheme, Bundle, BundleCounts, FORMAT, FORMAT_VERSION,
};
use crate::error::{Error, Result};
use crate::store::LATEST;
use crate::time;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportSummary {
    pub rep_name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub counts: BundleCounts,
}

fn in_list(n: usize) -> String {
    format!("({})", vec!["?"; n].join(", "))
}

/// Rows selected by ids, in chunks (SQLite limits the number of parameters).
fn by_ids<T>(
    conn: &Connection,
    sql_with_in: &str,
    ids: &[String],
    f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = sql_with_in.replace("(?)", &in_list(chunk.len()));
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk.iter()), &f)?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

fn sorted(set: HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.into_iter().collect();
    v.sort();
    v
}

/// Collect `rep_id`'s completed calls started in `[from, to)` and the blocks
/// started then, with every row they refer to.
pub fn build(
    conn: &Connection,
    rep_id: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Bundle> {
    let rep = rep(conn, rep_id)?;
    let (f, t) = (from.map(time::to_db), to.map(time::to_db));
    let calls = calls(conn, rep_id, &f, &t)?;
    let block_ids = block_ids(conn, rep_id, &f, &t, &calls)?;
    let mut bundle = build_of(conn, rep, calls, &block_ids)?;
    bundle.from = f;
    bundle.to = t;
    Ok(bundle)
}

/// A bundle of these calls and blocks (already read), with every row they
/// refer to. The team store's outbox builds its batches with it.
pub(crate) fn build_of(
    conn: &Connection,
    rep: BRep,
    calls: Vec<BCall>,
    block_ids: &[String],
) -> Result<Bundle> {
    let call_ids: Vec<String> = calls.iter().map(|c| c.id.clone()).collect();
    let blocks = blocks(conn, block_ids)?;
    let pauses = pauses(conn, block_ids)?;
    let call_objections = call_objections(conn, &call_ids)?;
    let meetings = meetings(conn, &call_ids)?;
    let prospects = prospects(conn, &calls, &meetings)?;
    let versions = talk_track_versions(conn, &calls)?;
    let tracks = talk_tracks(conn, &versions)?;
    let responses = responses(conn, &call_objections)?;
    let objections = objections(conn, &call_objections, &responses)?;
    let themes = themes(conn, &calls, &prospects, &blocks, &tracks, &responses)?;
    let (comments, flags) = crate::coaching::for_calls(conn, &call_ids)?;
    let mut bundle = Bundle {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: LATEST,
        app_version: env!("CARGO_PKG_VERSION").into(),
        created_at: time::to_db(time::now()),
        from: None,
        to: None,
        rep,
        themes,
        prospects,
        talk_tracks: tracks,
        talk_track_versions: versions,
        objections,
        responses,
        blocks,
        pauses,
        calls,
        call_objections,
        meetings,
        comments,
        flags,
        counts: BundleCounts::default(),
    };
    bundle.counts = counts(&bundle);
    Ok(bundle)
}

/// How many rows of each kind `b` holds.
pub(crate) fn counts(b: &Bundle) -> BundleCounts {
    BundleCounts {
        themes: b.themes.len() as u32,
        prospects: b.prospects.len() as u32,
        talk_track_versions: b.talk_track_versions.len() as u32,
        objections: b.objections.len() as u32,
        responses: b.responses.len() as u32,
        blocks: b.blocks.len() as u32,
        pauses: b.pauses.len() as u32,
        calls: b.calls.len() as u32,
        call_objections: b.call_objections.len() as u32,
        meetings: b.meetings.len() as u32,
        comments: b.comments.len() as u32,
        flags: b.flags.len() as u32,
    }
}

pub(crate) fn rep(conn: &Connection, rep_id: &str) -> Result<BRep> {
    conn.query_row(
        "SELECT id, name, email, time_zone FROM reps WHERE id = ?1",
        [rep_id],
        |r| {
            Ok(BRep {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                time_zone: r.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "rep",
        id: rep_id.to_string(),
    })
}

/// The rep's completed calls started in `[f, t)` (database instants), oldest first.
fn calls(
    conn: &Connection,
    rep_id: &str,
    f: &Option<String>,
    t: &Option<String>,
) -> Result<Vec<BCall>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CALL_COLUMNS} FROM calls c
             WHERE c.rep_id = ?1 AND c.outcome IS NOT NULL
               AND (?2 IS NULL OR c.started_at >= ?2) AND (?3 IS NULL OR c.started_at < ?3)
             ORDER BY c.started_at, c.id"
    ))?;
    let calls = stmt
        .query_map(params![rep_id, f, t], call_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(calls)
}

/// The columns [`call_row`] reads, in its order (`c` is the calls table).
pub(crate) const CALL_COLUMNS: &str =
    "c.id, c.prospect_id, c.block_id, c.theme_id, c.phone_e164, c.talk_track_version_id,
     c.started_at, c.ended_at, c.duration_ms, c.outcome, c.asked_for_meeting,
     c.prospect_time_zone, c.local_hour, c.local_weekday, c.callback_at, c.notes,
     c.gap_current_state, c.gap_objectives, c.gap_impact, c.answered_at, c.ring_ms";

/// A completed call as a bundle carries it, from [`CALL_COLUMNS`].
pub(crate) fn call_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BCall> {
    Ok(BCall {
        id: r.get(0)?,
        prospect_id: r.get(1)?,
        block_id: r.get(2)?,
        theme_id: r.get(3)?,
        phone_e164: r.get(4)?,
        talk_track_version_id: r.get(5)?,
        started_at: r.get(6)?,
        ended_at: r.get(7)?,
        duration_ms: r.get(8)?,
        answered_at: r.get(19)?,
        ring_ms: r.get(20)?,
        outcome: r.get(9)?,
        asked_for_meeting: r.get(10)?,
        prospect_time_zone: r.get(11)?,
        local_hour: r.get(12)?,
        local_weekday: r.get(13)?,
        callback_at: r.get(14)?,
        notes: r.get(15)?,
        gap_current_state: r.get(16)?,
        gap_objectives: r.get(17)?,
        gap_impact: r.get(18)?,
    })
}

/// Blocks of the period, and any block a call of the period ran in.
fn block_ids(
    conn: &Connection,
    rep_id: &str,
    f: &Option<String>,
    t: &Option<String>,
    calls: &[BCall],
) -> Result<Vec<String>> {
    let mut block_ids: HashSet<String> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM blocks WHERE rep_id = ?1
               AND (?2 IS NULL OR started_at >= ?2) AND (?3 IS NULL OR started_at < ?3)",
        )?;
        let rows = stmt.query_map(params![rep_id, f, t], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    block_ids.extend(calls.iter().filter_map(|c| c.block_id.clone()));
    Ok(sorted(block_ids))
}

/// The blocks with their themes, by start.
fn blocks(conn: &Connection, block_ids: &[String]) -> Result<Vec<BBlock>> {
    let block_themes: Vec<(String, String)> = by_ids(
        conn,
        "SELECT block_id, theme_id FROM block_themes WHERE block_id IN (?) ORDER BY block_id, theme_id",
        block_ids,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut themes_of: HashMap<String, Vec<String>> = HashMap::new();
    for (b, t) in &block_themes {
        themes_of.entry(b.clone()).or_default().push(t.clone());
    }
    let mut blocks: Vec<BBlock> = by_ids(
        conn,
        "SELECT id, planned_seconds, break_seconds, started_at, ended_at, end_reason
         FROM blocks WHERE id IN (?)",
        block_ids,
        |r| {
            Ok(BBlock {
                id: r.get(0)?,
                planned_seconds: r.get(1)?,
                break_seconds: r.get(2)?,
                started_at: r.get(3)?,
                ended_at: r.get(4)?,
                end_reason: r.get(5)?,
                theme_ids: vec![],
            })
        },
    )?;
    for b in &mut blocks {
        b.theme_ids = themes_of.remove(&b.id).unwrap_or_default();
    }
    blocks.sort_by(|a, b| (&a.started_at, &a.id).cmp(&(&b.started_at, &b.id)));
    Ok(blocks)
}

fn pauses(conn: &Connection, block_ids: &[String]) -> Result<Vec<BPause>> {
    let mut pauses: Vec<BPause> = by_ids(
        conn,
        "SELECT id, block_id, paused_at, resumed_at FROM block_pauses WHERE block_id IN (?)",
        block_ids,
        |r| {
            Ok(BPause {
                id: r.get(0)?,
                block_id: r.get(1)?,
                paused_at: r.get(2)?,
                resumed_at: r.get(3)?,
            })
        },
    )?;
    pauses.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pauses)
}

/// The objections raised in the calls, by call and position.
fn call_objections(conn: &Connection, call_ids: &[String]) -> Result<Vec<BCallObjection>> {
    let mut call_objections: Vec<BCallObjection> = by_ids(
        conn,
        "SELECT id, call_id, objection_id, response_id, position, at_ms
         FROM call_objections WHERE call_id IN (?)",
        call_ids,
        |r| {
            Ok(BCallObjection {
                id: r.get(0)?,
                call_id: r.get(1)?,
                objection_id: r.get(2)?,
                response_id: r.get(3)?,
                position: r.get(4)?,
                at_ms: r.get(5)?,
            })
        },
    )?;
    call_objections.sort_by(|a, b| (&a.call_id, a.position).cmp(&(&b.call_id, b.position)));
    Ok(call_objections)
}

/// The meetings booked in the calls.
fn meetings(conn: &Connection, call_ids: &[String]) -> Result<Vec<BMeeting>> {
    let mut meetings: Vec<BMeeting> = by_ids(
        conn,
        "SELECT id, call_id, prospect_id, starts_at, duration_minutes, format, email,
            invitation_sent_at, created_at
         FROM meetings WHERE call_id IN (?)",
        call_ids,
        |r| {
            Ok(BMeeting {
                id: r.get(0)?,
                call_id: r.get(1)?,
                prospect_id: r.get(2)?,
                starts_at: r.get(3)?,
                duration_minutes: r.get(4)?,
                format: r.get(5)?,
                email: r.get(6)?,
                invitation_sent_at: r.get(7)?,
                created_at: r.get(8)?,
            })
        },
    )?;
    meetings.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(meetings)
}

/// The prospects called or met.
fn prospects(conn: &Connection, calls: &[BCall], meetings: &[BMeeting]) -> Result<Vec<BProspect>> {
    let prospect_ids = sorted(
        calls
            .iter()
            .map(|c| c.prospect_id.clone())
            .chain(meetings.iter().map(|m| m.prospect_id.clone()))
            .collect(),
    );
    prospects_by_ids(conn, &prospect_ids)
}

/// The prospects of `prospect_ids`, as bundle rows, by id.
pub(crate) fn prospects_by_ids(
    conn: &Connection,
    prospect_ids: &[String],
) -> Result<Vec<BProspect>> {
    let mut prospects: Vec<BProspect> = by_ids(
        conn,
        "SELECT id, theme_id, first_name, last_name, title, company, email, city, region, country,
            time_zone, industry, employees, status, attempts, next_attempt_at, callback_at,
            last_called_at, do_not_call, bad_number, crm_id, created_at, updated_at
         FROM prospects WHERE id IN (?)",
        prospect_ids,
        |r| {
            Ok(BProspect {
                id: r.get(0)?,
                theme_id: r.get(1)?,
                first_name: r.get(2)?,
                last_name: r.get(3)?,
                title: r.get(4)?,
                company: r.get(5)?,
                email: r.get(6)?,
                city: r.get(7)?,
                region: r.get(8)?,
                country: r.get(9)?,
                time_zone: r.get(10)?,
                industry: r.get(11)?,
                employees: r.get(12)?,
                status: r.get(13)?,
                attempts: r.get(14)?,
                next_attempt_at: r.get(15)?,
                callback_at: r.get(16)?,
                last_called_at: r.get(17)?,
                do_not_call: r.get(18)?,
                bad_number: r.get(19)?,
                crm_id: r.get(20)?,
                created_at: r.get(21)?,
                updated_at: r.get(22)?,
            })
        },
    )?;
    prospects.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(prospects)
}

/// The talk-track versions the calls used.
fn talk_track_versions(conn: &Connection, calls: &[BCall]) -> Result<Vec<BTalkTrackVersion>> {
    let version_ids = sorted(
        calls
            .iter()
            .filter_map(|c| c.talk_track_version_id.clone())
            .collect(),
    );
    let mut versions: Vec<BTalkTrackVersion> = by_ids(
        conn,
        "SELECT id, talk_track_id, version, opener, engage_statement, impact_question,
            appointment_request, voicemail_script, referral, agenda_line, change_note, created_at
         FROM talk_track_versions WHERE id IN (?)",
        &version_ids,
        |r| {
            Ok(BTalkTrackVersion {
                id: r.get(0)?,
                talk_track_id: r.get(1)?,
                version: r.get(2)?,
                opener: r.get(3)?,
                engage_statement: r.get(4)?,
                impact_question: r.get(5)?,
                appointment_request: r.get(6)?,
                voicemail_script: r.get(7)?,
                referral: r.get(8)?,
                agenda_line: r.get(9)?,
                change_note: r.get(10)?,
                created_at: r.get(11)?,
            })
        },
    )?;
    versions.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(versions)
}

/// The talk tracks of those versions.
fn talk_tracks(conn: &Connection, versions: &[BTalkTrackVersion]) -> Result<Vec<BTalkTrack>> {
    let track_ids = sorted(versions.iter().map(|v| v.talk_track_id.clone()).collect());
    let mut tracks: Vec<BTalkTrack> = by_ids(
        conn,
        "SELECT id, theme_id, name, created_at FROM talk_tracks WHERE id IN (?)",
        &track_ids,
        |r| {
            Ok(BTalkTrack {
                id: r.get(0)?,
                theme_id: r.get(1)?,
                name: r.get(2)?,
                created_at: r.get(3)?,
            })
        },
    )?;
    tracks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(tracks)
}

/// The responses given to the objections raised.
fn responses(conn: &Connection, call_objections: &[BCallObjection]) -> Result<Vec<BResponse>> {
    let response_ids = sorted(
        call_objections
            .iter()
            .filter_map(|o| o.response_id.clone())
            .collect(),
    );
    let mut responses: Vec<BResponse> = by_ids(
        conn,
        "SELECT id, objection_id, theme_id, version, response, created_at
         FROM objection_responses WHERE id IN (?)",
        &response_ids,
        |r| {
            Ok(BResponse {
                id: r.get(0)?,
                objection_id: r.get(1)?,
                theme_id: r.get(2)?,
                version: r.get(3)?,
                response: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )?;
    responses.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(responses)
}

/// The objections raised, and those the responses answer.
fn objections(
    conn: &Connection,
    call_objections: &[BCallObjection],
    responses: &[BResponse],
) -> Result<Vec<BObjection>> {
    let objection_ids = sorted(
        call_objections
            .iter()
            .map(|o| o.objection_id.clone())
            .chain(responses.iter().map(|r| r.objection_id.clone()))
            .collect(),
    );
    let mut objections: Vec<BObjection> = by_ids(
        conn,
        "SELECT id, slug, label, hotkey, position, created_at FROM objections WHERE id IN (?)",
        &objection_ids,
        |r| {
            Ok(BObjection {
                id: r.get(0)?,
                slug: r.get(1)?,
                label: r.get(2)?,
                hotkey: r.get(3)?,
                position: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )?;
    objections.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(objections)
}

/// Every theme a row of the bundle refers to.
fn themes(
    conn: &Connection,
    calls: &[BCall],
    prospects: &[BProspect],
    blocks: &[BBlock],
    tracks: &[BTalkTrack],
    responses: &[BResponse],
) -> Result<Vec<BTheme>> {
    let theme_ids = sorted(
        calls
            .iter()
            .filter_map(|c| c.theme_id.clone())
            .chain(prospects.iter().filter_map(|p| p.theme_id.clone()))
            .chain(blocks.iter().flat_map(|b| b.theme_ids.clone()))
            .chain(tracks.iter().filter_map(|t| t.theme_id.clone()))
            .chain(responses.iter().filter_map(|r| r.theme_id.clone()))
            .collect(),
    );
    themes_by_ids(conn, &theme_ids)
}

/// The themes of `theme_ids`, as bundle rows, by id.
pub(crate) fn themes_by_ids(conn: &Connection, theme_ids: &[String]) -> Result<Vec<BTheme>> {
    let mut themes: Vec<BTheme> = by_ids(
        conn,
        "SELECT id, name, kind, description, created_at FROM themes WHERE id IN (?)",
        theme_ids,
        |r| {
            Ok(BTheme {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                description: r.get(3)?,
                created_at: r.get(4)?,
            })
        },
    )?;
    themes.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(themes)
}

/// Write `rep_id`'s bundle for `[from, to)` to `writer` (gzip-compressed JSON).
pub fn export(
    conn: &Connection,
    rep_id: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    writer: impl Write,
) -> Result<ExportSummary> {
    let bundle = build(conn, rep_id, from, to)?;
    write_bundle(&bundle, writer)?;
    Ok(ExportSummary {
        rep_name: bundle.rep.name.clone(),
        from: bundle.from.clone(),
        to: bundle.to.clone(),
        counts: bundle.counts.clone(),
    })
}

/// Write a bundle document (gzip-compressed JSON).
pub fn write_bundle(bundle: &Bundle, writer: impl Write) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: "bundle".into(),
        source: e,
    };
    let mut gz = GzEncoder::new(writer, flate2::Compression::default());
    serde_json::to_writer(&mut gz, bundle).map_err(|e| io(e.into()))?;
    gz.finish().map_err(io)?.flush().map_err(io)?;
    Ok(())
}

/// Export to a file, written atomically ([`crate::files::write_atomic`]): a
/// failed export never leaves a half-written bundle under the name, and an
/// existing file is replaced only with `replace`.
pub fn export_file(
    conn: &Connection,
    rep_id: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    path: &Path,
    replace: bool,
) -> Result<ExportSummary> {
    crate::files::write_atomic(path, replace, |w| export(conn, rep_id, from, to, w))
}

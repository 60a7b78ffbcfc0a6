//! A team's calls in one place: a rep exports a *bundle* of their calls and
//! blocks for a period; a manager imports any number of bundles into their
//! own database.
//!
//! The file is one JSON document, gzip-compressed (`.cbbundle`): a format name
//! and version, the schema version of the app that wrote it, the rep, and
//! every row the calls need: themes, prospects (names, company, time zone,
//! status; no phone numbers), talk tracks and their versions, objections and
//! responses, blocks with their themes and pauses, calls, the objections
//! raised in them and the meetings booked. gzip's checksum and the counts
//! stated in the document catch a damaged or truncated file.
//!
//! Import runs in one transaction: everything or nothing.
//! - Rows are matched by id (UUID): what is already there is left as it is,
//!   so importing the same bundle twice changes nothing. A call keeps its rep.
//! - A bundle from a newer format, or from a newer schema than this app's, is
//!   refused, as is a damaged one, with a sentence that says which.
//! - Rows the manager has under another id are matched by their natural key
//!   instead of being duplicated: the rep by name, a theme by name, an
//!   objection by slug (the default library's slugs are the same in every
//!   database), a response by objection, theme and identical text, a talk
//!   track by theme (one track per theme), a talk-track version by track and
//!   identical text. A version or response with new text is added to the
//!   manager's track or objection under the bundle's id (numbered after the
//!   manager's own when its number is taken), so that the playbook reports
//!   compare it like any other.
//! - Prospects are matched by id only (two reps' lists are their own).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Outcome;
use crate::error::{Error, Result};
use crate::store::{Store, LATEST};
use crate::time;

pub const FORMAT: &str = "callblock-bundle";
pub const FORMAT_VERSION: u32 = 1;
/// The file extension bundles are written with.
pub const EXTENSION: &str = "cbbundle";

/// Why a bundle was refused. Every message ends by saying nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{source_name}: not a Callblock bundle ({detail}); nothing was imported")]
    NotABundle { source_name: String, detail: String },

    #[error("{source_name}: written by a newer version of Callblock ({detail}); update Callblock to import it. Nothing was imported")]
    TooNew { source_name: String, detail: String },

    #[error("{source_name}: the bundle is damaged or incomplete ({detail}); nothing was imported. Ask for a new export")]
    Damaged { source_name: String, detail: String },

    #[error("{source_name}: {detail}; nothing was imported")]
    Conflict { source_name: String, detail: String },
}

impl BundleError {
    pub fn kind(&self) -> &'static str {
        match self {
            BundleError::NotABundle { .. } => "not_a_bundle",
            BundleError::TooNew { .. } => "bundle_too_new",
            BundleError::Damaged { .. } => "bundle_damaged",
            BundleError::Conflict { .. } => "bundle_conflict",
        }
    }
}

// ------------------------------------------------------------------ format

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub format_version: u32,
    pub schema_version: i64,
    pub app_version: String,
    pub created_at: String,
    /// The period asked for, `[from, to)`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub rep: BRep,
    pub themes: Vec<BTheme>,
    pub prospects: Vec<BProspect>,
    pub talk_tracks: Vec<BTalkTrack>,
    pub talk_track_versions: Vec<BTalkTrackVersion>,
    pub objections: Vec<BObjection>,
    pub responses: Vec<BResponse>,
    pub blocks: Vec<BBlock>,
    pub pauses: Vec<BPause>,
    pub calls: Vec<BCall>,
    pub call_objections: Vec<BCallObjection>,
    pub meetings: Vec<BMeeting>,
    pub counts: BundleCounts,
}

/// How many rows of each kind the bundle holds (checked on import).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BundleCounts {
    pub themes: u32,
    pub prospects: u32,
    pub talk_track_versions: u32,
    pub objections: u32,
    pub responses: u32,
    pub blocks: u32,
    pub pauses: u32,
    pub calls: u32,
    pub call_objections: u32,
    pub meetings: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BRep {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTheme {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BProspect {
    pub id: String,
    pub theme_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub city: String,
    pub region: String,
    pub country: String,
    pub time_zone: Option<String>,
    pub industry: String,
    pub employees: String,
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub callback_at: Option<String>,
    pub last_called_at: Option<String>,
    pub do_not_call: bool,
    pub bad_number: bool,
    pub crm_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTalkTrack {
    pub id: String,
    pub theme_id: Option<String>,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTalkTrackVersion {
    pub id: String,
    pub talk_track_id: String,
    pub version: u32,
    pub opener: String,
    pub engage_statement: String,
    pub impact_question: String,
    pub appointment_request: String,
    pub voicemail_script: String,
    pub referral: String,
    pub agenda_line: String,
    pub change_note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BObjection {
    pub id: String,
    pub slug: String,
    pub label: String,
    pub hotkey: Option<String>,
    pub position: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BResponse {
    pub id: String,
    pub objection_id: String,
    pub theme_id: Option<String>,
    pub version: u32,
    pub response: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BBlock {
    pub id: String,
    pub planned_seconds: u32,
    pub break_seconds: u32,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    pub theme_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BPause {
    pub id: String,
    pub block_id: String,
    pub paused_at: String,
    pub resumed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BCall {
    pub id: String,
    pub prospect_id: String,
    pub block_id: Option<String>,
    pub theme_id: Option<String>,
    pub phone_e164: Option<String>,
    pub talk_track_version_id: Option<String>,
    pub started_at: String,
    pub ended_at: String,
    pub duration_ms: u32,
    pub outcome: Outcome,
    pub asked_for_meeting: bool,
    pub prospect_time_zone: Option<String>,
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    pub callback_at: Option<String>,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BCallObjection {
    pub id: String,
    pub call_id: String,
    pub objection_id: String,
    pub response_id: Option<String>,
    pub position: u32,
    pub at_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BMeeting {
    pub id: String,
    pub call_id: String,
    pub prospect_id: String,
    pub starts_at: String,
    pub duration_minutes: u32,
    pub format: String,
    pub email: String,
    pub invitation_sent_at: Option<String>,
    pub created_at: String,
}

/// The first fields of a bundle, read before anything else so that a newer
/// format is refused by its version, not by a parse error.
#[derive(Debug, Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<u32>,
    schema_version: Option<i64>,
    app_version: Option<String>,
}

// ------------------------------------------------------------------ export

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
    let rep = conn
        .query_row(
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
        })?;
    let (f, t) = (from.map(time::to_db), to.map(time::to_db));
    let mut stmt = conn.prepare(
        "SELECT id, prospect_id, block_id, theme_id, phone_e164, talk_track_version_id, started_at,
            ended_at, duration_ms, outcome, asked_for_meeting, prospect_time_zone, local_hour,
            local_weekday, callback_at, notes, gap_current_state, gap_objectives, gap_impact
         FROM calls
         WHERE rep_id = ?1 AND outcome IS NOT NULL
           AND (?2 IS NULL OR started_at >= ?2) AND (?3 IS NULL OR started_at < ?3)
         ORDER BY started_at, id",
    )?;
    let calls: Vec<BCall> = stmt
        .query_map(params![rep_id, f, t], |r| {
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
        })?
        .collect::<rusqlite::Result<_>>()?;
    let call_ids: Vec<String> = calls.iter().map(|c| c.id.clone()).collect();

    // Blocks of the period, and any block a call of the period ran in.
    let mut block_ids: HashSet<String> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM blocks WHERE rep_id = ?1
               AND (?2 IS NULL OR started_at >= ?2) AND (?3 IS NULL OR started_at < ?3)",
        )?;
        let rows = stmt.query_map(params![rep_id, f, t], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    block_ids.extend(calls.iter().filter_map(|c| c.block_id.clone()));
    let block_ids = sorted(block_ids);
    let block_themes: Vec<(String, String)> = by_ids(
        conn,
        "SELECT block_id, theme_id FROM block_themes WHERE block_id IN (?) ORDER BY block_id, theme_id",
        &block_ids,
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
        &block_ids,
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
    let mut pauses: Vec<BPause> = by_ids(
        conn,
        "SELECT id, block_id, paused_at, resumed_at FROM block_pauses WHERE block_id IN (?)",
        &block_ids,
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

    let mut call_objections: Vec<BCallObjection> = by_ids(
        conn,
        "SELECT id, call_id, objection_id, response_id, position, at_ms
         FROM call_objections WHERE call_id IN (?)",
        &call_ids,
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
    let mut meetings: Vec<BMeeting> = by_ids(
        conn,
        "SELECT id, call_id, prospect_id, starts_at, duration_minutes, format, email,
            invitation_sent_at, created_at
         FROM meetings WHERE call_id IN (?)",
        &call_ids,
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

    let prospect_ids = sorted(
        calls
            .iter()
            .map(|c| c.prospect_id.clone())
            .chain(meetings.iter().map(|m| m.prospect_id.clone()))
            .collect(),
    );
    let mut prospects: Vec<BProspect> = by_ids(
        conn,
        "SELECT id, theme_id, first_name, last_name, title, company, email, city, region, country,
            time_zone, industry, employees, status, attempts, next_attempt_at, callback_at,
            last_called_at, do_not_call, bad_number, crm_id, created_at, updated_at
         FROM prospects WHERE id IN (?)",
        &prospect_ids,
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
    let mut themes: Vec<BTheme> = by_ids(
        conn,
        "SELECT id, name, kind, description, created_at FROM themes WHERE id IN (?)",
        &theme_ids,
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

    let counts = BundleCounts {
        themes: themes.len() as u32,
        prospects: prospects.len() as u32,
        talk_track_versions: versions.len() as u32,
        objections: objections.len() as u32,
        responses: responses.len() as u32,
        blocks: blocks.len() as u32,
        pauses: pauses.len() as u32,
        calls: calls.len() as u32,
        call_objections: call_objections.len() as u32,
        meetings: meetings.len() as u32,
    };
    Ok(Bundle {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: LATEST,
        app_version: env!("CARGO_PKG_VERSION").into(),
        created_at: time::to_db(time::now()),
        from: f,
        to: t,
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
        counts,
    })
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

// ------------------------------------------------------------------ import

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

/// Read and check a bundle (gzip-compressed or plain JSON) without importing it.
pub fn read(mut reader: impl Read, source_name: &str) -> Result<Bundle> {
    let damaged = |d: String| BundleError::Damaged {
        source_name: source_name.to_string(),
        detail: d,
    };
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).map_err(|e| Error::Io {
        path: source_name.into(),
        source: e,
    })?;
    let json = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| damaged(format!("the compressed data does not check out: {e}")))?;
        out
    } else if raw.first().is_some_and(|b| *b == b'{') {
        raw
    } else {
        return Err(BundleError::NotABundle {
            source_name: source_name.to_string(),
            detail: "the file is neither a compressed bundle nor JSON".into(),
        }
        .into());
    };
    let header: Header = serde_json::from_slice(&json).map_err(|e| {
        if e.is_eof() {
            damaged(format!("the document ends too early: {e}"))
        } else if e.is_syntax() {
            damaged(format!("the document is not valid JSON: {e}"))
        } else {
            BundleError::NotABundle {
                source_name: source_name.to_string(),
                detail: e.to_string(),
            }
        }
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(BundleError::NotABundle {
            source_name: source_name.to_string(),
            detail: format!(
                "its format is {:?}, not {FORMAT:?}",
                header.format.unwrap_or_default()
            ),
        }
        .into());
    }
    let app = header.app_version.unwrap_or_else(|| "unknown".into());
    let version = header.format_version.unwrap_or(0);
    if version > FORMAT_VERSION {
        return Err(BundleError::TooNew {
            source_name: source_name.to_string(),
            detail: format!(
                "bundle format {version} from Callblock {app}; this version reads format {FORMAT_VERSION}"
            ),
        }
        .into());
    }
    let schema = header.schema_version.unwrap_or(0);
    if schema > LATEST {
        return Err(BundleError::TooNew {
            source_name: source_name.to_string(),
            detail: format!(
                "database schema {schema} from Callblock {app}; this version knows up to {LATEST}"
            ),
        }
        .into());
    }
    if version == 0 {
        return Err(damaged("it has no format version".into()).into());
    }
    let bundle: Bundle = serde_json::from_slice(&json).map_err(|e| damaged(format!("{e}")))?;
    check(&bundle).map_err(damaged)?;
    Ok(bundle)
}

/// The bundle is whole: counts as stated, every reference inside it.
fn check(b: &Bundle) -> std::result::Result<(), String> {
    let c = &b.counts;
    let stated = [
        ("themes", c.themes, b.themes.len()),
        ("prospects", c.prospects, b.prospects.len()),
        (
            "talk-track versions",
            c.talk_track_versions,
            b.talk_track_versions.len(),
        ),
        ("objections", c.objections, b.objections.len()),
        ("responses", c.responses, b.responses.len()),
        ("blocks", c.blocks, b.blocks.len()),
        ("pauses", c.pauses, b.pauses.len()),
        ("calls", c.calls, b.calls.len()),
        (
            "objections raised",
            c.call_objections,
            b.call_objections.len(),
        ),
        ("meetings", c.meetings, b.meetings.len()),
    ];
    for (what, said, has) in stated {
        if said as usize != has {
            return Err(format!("it says {said} {what} but holds {has}"));
        }
    }
    let ids = |v: Vec<&String>| -> HashSet<String> { v.into_iter().cloned().collect() };
    let themes = ids(b.themes.iter().map(|x| &x.id).collect());
    let prospects = ids(b.prospects.iter().map(|x| &x.id).collect());
    let tracks = ids(b.talk_tracks.iter().map(|x| &x.id).collect());
    let versions = ids(b.talk_track_versions.iter().map(|x| &x.id).collect());
    let objections = ids(b.objections.iter().map(|x| &x.id).collect());
    let responses = ids(b.responses.iter().map(|x| &x.id).collect());
    let blocks = ids(b.blocks.iter().map(|x| &x.id).collect());
    let calls = ids(b.calls.iter().map(|x| &x.id).collect());
    let theme_ok = |t: &Option<String>| t.as_ref().map_or(true, |t| themes.contains(t));
    let missing = |what: &str, id: &str, whose: &str| {
        format!("{whose} refers to {what} {id}, which is not in the bundle")
    };
    for p in &b.prospects {
        if !theme_ok(&p.theme_id) {
            return Err(missing(
                "theme",
                p.theme_id.as_deref().unwrap_or(""),
                &format!("prospect {}", p.id),
            ));
        }
    }
    for t in &b.talk_tracks {
        if !theme_ok(&t.theme_id) {
            return Err(missing(
                "theme",
                t.theme_id.as_deref().unwrap_or(""),
                &format!("talk track {}", t.id),
            ));
        }
    }
    for v in &b.talk_track_versions {
        if !tracks.contains(&v.talk_track_id) {
            return Err(missing(
                "talk track",
                &v.talk_track_id,
                &format!("version {}", v.id),
            ));
        }
    }
    for r in &b.responses {
        if !objections.contains(&r.objection_id) || !theme_ok(&r.theme_id) {
            return Err(missing(
                "objection or theme",
                &r.objection_id,
                &format!("response {}", r.id),
            ));
        }
    }
    for bl in &b.blocks {
        if let Some(t) = bl.theme_ids.iter().find(|t| !themes.contains(*t)) {
            return Err(missing("theme", t, &format!("block {}", bl.id)));
        }
        time::from_db(&bl.started_at).map_err(|e| e.to_string())?;
    }
    for p in &b.pauses {
        if !blocks.contains(&p.block_id) {
            return Err(missing("block", &p.block_id, &format!("pause {}", p.id)));
        }
    }
    for c in &b.calls {
        let whose = format!("call {}", c.id);
        if !prospects.contains(&c.prospect_id) {
            return Err(missing("prospect", &c.prospect_id, &whose));
        }
        if let Some(bl) = c.block_id.as_ref().filter(|x| !blocks.contains(*x)) {
            return Err(missing("block", bl, &whose));
        }
        if !theme_ok(&c.theme_id) {
            return Err(missing(
                "theme",
                c.theme_id.as_deref().unwrap_or(""),
                &whose,
            ));
        }
        if let Some(v) = c
            .talk_track_version_id
            .as_ref()
            .filter(|x| !versions.contains(*x))
        {
            return Err(missing("talk-track version", v, &whose));
        }
        time::from_db(&c.started_at).map_err(|e| format!("{whose}: {e}"))?;
    }
    for o in &b.call_objections {
        let whose = format!("objection raised {}", o.id);
        if !calls.contains(&o.call_id) {
            return Err(missing("call", &o.call_id, &whose));
        }
        if !objections.contains(&o.objection_id) {
            return Err(missing("objection", &o.objection_id, &whose));
        }
        if let Some(r) = o.response_id.as_ref().filter(|x| !responses.contains(*x)) {
            return Err(missing("response", r, &whose));
        }
    }
    for m in &b.meetings {
        if !calls.contains(&m.call_id) || !prospects.contains(&m.prospect_id) {
            return Err(missing(
                "call or prospect",
                &m.call_id,
                &format!("meeting {}", m.id),
            ));
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests;

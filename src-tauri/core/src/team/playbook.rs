//! The team's playbook, this database's half. A manager publishes their
//! playbook (the playbook file's document: every talk track's current
//! version, the objections and their responses); each publish that changes
//! it is the team's next version. A rep's copy keeps the newest it has heard
//! of (`team_playbook`) and takes it in through the playbook file's import
//! (new versions only where the words differ; nothing deleted) when the rep
//! has not changed their playbook since the team version they last took.
//! When they have, the team's version waits: the Playbook view says "team
//! version N vs yours" and the rep chooses ([`take`]).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::playbook::share::{self, ImportOptions, ImportReport, PlaybookFile};
use crate::time;

/// A team version of the playbook, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamPlaybook {
    pub version: u32,
    /// The playbook file's JSON.
    pub document: String,
    pub published_by: String,
    pub published_at: String,
}

/// Where this copy stands with the team's playbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TeamPlaybookStatus {
    /// The newest team version heard of (none: no manager has published one).
    pub version: Option<u32>,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
    /// The team version this playbook last took in.
    pub taken_version: Option<u32>,
    /// The playbook here was changed since it took `taken_version` in.
    pub yours_changed: bool,
    /// A newer team version waits for the rep's choice.
    pub waiting: bool,
}

/// The words of a playbook, without when and by what it was written: what
/// two playbooks are compared by.
fn words(file: &PlaybookFile) -> Result<String> {
    let mut tracks = file.talk_tracks.clone();
    for t in &mut tracks {
        t.version = 0;
    }
    serde_json::to_string(&(tracks, &file.objections))
        .map_err(|e| Error::invalid("playbook", e.to_string()))
}

fn words_here(conn: &Connection) -> Result<String> {
    words(&share::export_playbook(conn, time::now())?)
}

/// The document of this database's playbook, to publish.
pub fn to_publish(conn: &Connection) -> Result<(serde_json::Value, String)> {
    let file = share::export_playbook(conn, time::now())?;
    let doc = serde_json::to_value(&file).map_err(|e| Error::invalid("playbook", e.to_string()))?;
    Ok((doc, words(&file)?))
}

/// The words of a published document (to tell an unchanged publish).
pub fn words_of(document: &serde_json::Value) -> Result<String> {
    let file: PlaybookFile = serde_json::from_value(document.clone()).map_err(|e| {
        Error::invalid(
            "team store",
            format!("its playbook cannot be read by this version of Callblock ({e})"),
        )
    })?;
    words(&file)
}

/// The newest team version this copy has heard of (0: none).
pub fn known_version(conn: &Connection) -> Result<u32> {
    Ok(conn
        .query_row("SELECT version FROM team_playbook WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0))
}

pub fn status(conn: &Connection) -> Result<TeamPlaybookStatus> {
    /// version, published by, at, taken version, taken words.
    type Row = (u32, String, String, Option<u32>, Option<String>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT version, published_by, published_at, taken_version, taken_words
             FROM team_playbook WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((version, by, at, taken, taken_words)) = row else {
        return Ok(TeamPlaybookStatus::default());
    };
    let yours_changed = match &taken_words {
        Some(w) => *w != words_here(conn)?,
        None => false,
    };
    Ok(TeamPlaybookStatus {
        version: Some(version),
        published_by: Some(by),
        published_at: Some(at),
        taken_version: taken,
        yours_changed,
        waiting: taken != Some(version),
    })
}

/// A newer team version heard of, in the caller's transaction: kept, and
/// taken in at once unless the rep changed their playbook since the team
/// version they last took. Returns the import's report when it was taken.
pub fn received(tx: &Connection, p: &TeamPlaybook) -> Result<Option<ImportReport>> {
    if p.version <= known_version(tx)? {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO team_playbook (id, version, document, published_by, published_at)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, document = excluded.document,
             published_by = excluded.published_by, published_at = excluded.published_at",
        params![p.version, p.document, p.published_by, p.published_at],
    )?;
    let st = status(tx)?;
    if st.yours_changed {
        return Ok(None);
    }
    take(tx).map(Some)
}

/// Take the newest team version in (the rep's choice, or [`received`]'s):
/// imported as a playbook file is, in the caller's transaction.
pub fn take(tx: &Connection) -> Result<ImportReport> {
    let (version, document, by): (u32, String, String) = tx
        .query_row(
            "SELECT version, document, published_by FROM team_playbook WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::Conflict("no team playbook has been published to this team yet".into())
        })?;
    let created_by = crate::reps::current_rep(tx)?.map(|r| r.id);
    let report = share::import_playbook(
        tx,
        &document,
        &format!("team playbook version {version} (published by {by})"),
        &ImportOptions {
            dry_run: false,
            created_by,
        },
    )?;
    tx.execute(
        "UPDATE team_playbook SET taken_version = ?1, taken_words = ?2 WHERE id = 1",
        params![version, words_here(tx)?],
    )?;
    Ok(report)
}

/// A manager's publish reached the store as team version `version`: their
/// own playbook is that version, taken.
pub fn published_here(tx: &Connection, p: &TeamPlaybook) -> Result<()> {
    tx.execute(
        "INSERT INTO team_playbook (id, version, document, published_by, published_at,
                                    taken_version, taken_words)
         VALUES (1, ?1, ?2, ?3, ?4, ?1, ?5)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, document = excluded.document,
             published_by = excluded.published_by, published_at = excluded.published_at,
             taken_version = excluded.taken_version, taken_words = excluded.taken_words",
        params![
            p.version,
            p.document,
            p.published_by,
            p.published_at,
            words_here(tx)?
        ],
    )?;
    Ok(())
}

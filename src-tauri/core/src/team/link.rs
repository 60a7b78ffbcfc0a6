//! The link to a team store: at most one per database (`team_link`), with
//! what the last pushes and pulls did.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Result;
use crate::time;

/// The team store this database syncs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TeamLink {
    /// The connection string without its password.
    pub url: String,
    /// The database role this rep connects as.
    pub role: String,
    /// Who this copy calls as, registered with the store (none yet: a
    /// manager who does not call).
    pub rep_id: Option<String>,
    /// The role may read the whole team (a manager).
    pub manager: bool,
    /// The team schema's version when last seen.
    pub team_schema: u32,
    pub connected_at: String,
    pub pushed_at: Option<String>,
    pub pulled_at: Option<String>,
    /// Where the last pull read up to (the server's transaction horizon):
    /// the sync's own business, not shown.
    #[serde(skip)]
    #[specta(skip)]
    pub pulled_seq: i64,
    /// The first failure since the last success.
    pub offline_since: Option<String>,
    pub last_error: Option<String>,
}

impl TeamLink {
    /// Whose rows this copy pushes: its own rep's (`Some`), or every rep's
    /// (`None`: a manager's copy, which may hold the team's bundles).
    pub fn pushes_only(&self) -> Option<&str> {
        if self.manager {
            None
        } else {
            self.rep_id.as_deref()
        }
    }
}

/// What `connect` learnt from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub url: String,
    pub role: String,
    pub rep_id: Option<String>,
    pub manager: bool,
    pub team_schema: u32,
}

/// The link and the outbox, as the sidebar and `team status` tell them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LinkStatus {
    pub link: Option<TeamLink>,
    /// Entries waiting to be pushed.
    pub waiting: u32,
    /// When the oldest of them was queued.
    pub oldest_waiting: Option<String>,
    /// Shared prospects this rep holds a lease on now (the next ones of a
    /// running block).
    pub leased: u32,
}

pub fn get(conn: &Connection) -> Result<Option<TeamLink>> {
    Ok(conn
        .query_row(
            "SELECT url, role, rep_id, manager, team_schema, connected_at, pushed_at, pulled_at,
                    pulled_seq, offline_since, last_error
             FROM team_link WHERE id = 1",
            [],
            |r| {
                Ok(TeamLink {
                    url: r.get(0)?,
                    role: r.get(1)?,
                    rep_id: r.get(2)?,
                    manager: r.get(3)?,
                    team_schema: r.get(4)?,
                    connected_at: r.get(5)?,
                    pushed_at: r.get(6)?,
                    pulled_at: r.get(7)?,
                    pulled_seq: r.get(8)?,
                    offline_since: r.get(9)?,
                    last_error: r.get(10)?,
                })
            },
        )
        .optional()?)
}

pub fn status(conn: &Connection) -> Result<LinkStatus> {
    let (waiting, oldest): (u32, Option<String>) = conn.query_row(
        "SELECT count(*) + (SELECT count(*) FROM team_dnc_outbox)
                + (SELECT count(*) FROM team_coaching_outbox), min(queued_at)
         FROM team_outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(LinkStatus {
        link: get(conn)?,
        waiting,
        oldest_waiting: oldest,
        leased: super::lists::leased(conn, time::now())?,
    })
}

/// Link this database to a team store, in the caller's transaction. Linking
/// to another store (or another role), or for the first time, queues every
/// completed call and every block this database holds, oldest first, so the
/// store gets the history too; linking again to the same one keeps the
/// queue and where the pulls were. Returns how many entries were queued.
pub fn save(tx: &Connection, new: &NewLink) -> Result<u32> {
    let old = get(tx)?;
    let same = old
        .as_ref()
        .is_some_and(|o| o.url == new.url && o.role == new.role);
    let now = time::to_db(time::now());
    if same {
        tx.execute(
            "UPDATE team_link SET rep_id = ?1, manager = ?2, team_schema = ?3, connected_at = ?4,
                    offline_since = NULL, last_error = NULL
             WHERE id = 1",
            params![new.rep_id, new.manager, new.team_schema, now],
        )?;
        return Ok(0);
    }
    tx.execute("DELETE FROM team_outbox", [])?;
    tx.execute("DELETE FROM team_dnc_outbox", [])?;
    tx.execute("DELETE FROM team_coaching_outbox", [])?;
    tx.execute("DELETE FROM team_leases", [])?;
    tx.execute("DELETE FROM team_shared", [])?;
    tx.execute("DELETE FROM team_playbook", [])?;
    tx.execute("DELETE FROM team_link", [])?;
    tx.execute(
        "INSERT INTO team_link (id, url, role, rep_id, manager, team_schema, connected_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            new.url,
            new.role,
            new.rep_id,
            new.manager,
            new.team_schema,
            now
        ],
    )?;
    let blocks = tx.execute(
        "INSERT INTO team_outbox (kind, row_id)
         SELECT 'block', id FROM blocks ORDER BY started_at, id",
        [],
    )?;
    let calls = tx.execute(
        "INSERT INTO team_outbox (kind, row_id)
         SELECT 'call', id FROM calls WHERE outcome IS NOT NULL ORDER BY started_at, id",
        [],
    )?;
    // The do-not-call list goes to the team's.
    let dnc = tx.execute(
        "INSERT INTO team_dnc_outbox (kind, value, since)
         SELECT kind, value, since FROM do_not_call WHERE source <> 'team' ORDER BY since",
        [],
    )?;
    // A manager's comments and coaching flags, in the order they were
    // written (a rep's stay in their file: the store takes coaching from
    // managers only).
    let coaching = if !new.manager {
        0
    } else {
        tx.execute(
            "INSERT INTO team_coaching_outbox (kind, row_id)
         SELECT 'comment', id FROM call_comments ORDER BY created_at, id",
            [],
        )? + tx.execute(
            "INSERT INTO team_coaching_outbox (kind, row_id)
         SELECT 'flag', call_id FROM call_flags ORDER BY updated_at, call_id",
            [],
        )?
    };
    Ok((blocks + calls + dnc + coaching) as u32)
}

/// Unlink: the link and whatever waits are forgotten (the store keeps what
/// it has).
pub fn forget(tx: &Connection) -> Result<bool> {
    tx.execute("DELETE FROM team_outbox", [])?;
    tx.execute("DELETE FROM team_dnc_outbox", [])?;
    tx.execute("DELETE FROM team_coaching_outbox", [])?;
    // Without the store, the team's prospects are this rep's own again.
    tx.execute("DELETE FROM team_leases", [])?;
    tx.execute("DELETE FROM team_shared", [])?;
    tx.execute("DELETE FROM team_playbook", [])?;
    Ok(tx.execute("DELETE FROM team_link", [])? > 0)
}

/// A push or a pull reached the server.
pub fn reached(conn: &Connection, pushed: bool) -> Result<()> {
    let now = time::to_db(time::now());
    let column = if pushed { "pushed_at" } else { "pulled_at" };
    conn.execute(
        &format!(
            "UPDATE team_link SET {column} = ?1, offline_since = NULL, last_error = NULL WHERE id = 1"
        ),
        [now],
    )?;
    Ok(())
}

/// The server could not be reached, or refused: said once in the sidebar,
/// with the time it started.
pub fn failed(conn: &Connection, message: &str) -> Result<()> {
    let now = time::to_db(time::now());
    conn.execute(
        "UPDATE team_link SET offline_since = coalesce(offline_since, ?1), last_error = ?2
         WHERE id = 1",
        params![now, message],
    )?;
    Ok(())
}

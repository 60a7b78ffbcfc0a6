//! The team schema, as plain SQL files applied in order (`migrations/`),
//! each in one transaction with its number recorded in
//! `callblock.schema_version`. A store written by a newer Callblock is
//! refused, never touched; an older one is brought up to date by a role
//! that may (the database's owner), and refused with what to do otherwise.

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use crate::config::Target;
use crate::error::{Result, TeamError};

pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "reps and their rows, with row-level security",
        sql: include_str!("../migrations/0001_team.sql"),
    },
    Migration {
        version: 2,
        description: "published lists, leases, prospects' team state, the team's do-not-call list",
        sql: include_str!("../migrations/0002_shared_lists.sql"),
    },
    Migration {
        version: 3,
        description: "coaching: managers' comments on calls and calls flagged for coaching",
        sql: include_str!("../migrations/0003_coaching.sql"),
    },
    Migration {
        version: 4,
        description:
            "Review's call length, blocks and playbook counted in the store: rollups by length, \
             block and talk-track version; typed blocks, pauses and objections raised",
        sql: include_str!("../migrations/0004_review_tabs.sql"),
    },
    Migration {
        version: 5,
        description: "leads withdrawn from the team's lists: leased to nobody, read by every copy",
        sql: include_str!("../migrations/0005_withdraw.sql"),
    },
    Migration {
        version: 6,
        description: "a leaner push: the typed calls' triggers pass over statements without calls",
        sql: include_str!("../migrations/0006_lean_push.sql"),
    },
    Migration {
        version: 7,
        description: "a do-not-call listing taken back (an undo) leaves the team's list everywhere",
        sql: include_str!("../migrations/0007_dnc_taken_back.sql"),
    },
];

/// The newest team schema this binary knows.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The store's schema version; `None` when it has none.
pub(crate) async fn version(client: &Client, target: &Target) -> Result<Option<i64>> {
    let pg = |e| TeamError::pg(&target.label, e);
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('callblock.schema_version') IS NOT NULL",
            &[],
        )
        .await
        .map_err(pg)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let v: Option<i32> = client
        .query_one("SELECT max(version) FROM callblock.schema_version", &[])
        .await
        .map_err(pg)?
        .get(0);
    Ok(v.map(i64::from))
}

/// Bring the store's schema to [`LATEST`]: returns the version found first.
pub(crate) async fn ensure(client: &mut Client, target: &Target) -> Result<Option<i64>> {
    let found = version(client, target).await?;
    match found {
        Some(v) if v > LATEST => {
            return Err(TeamError::Newer {
                found: v,
                known: LATEST,
            })
        }
        Some(v) if v == LATEST => return Ok(found),
        _ => {}
    }
    let refused = |e: tokio_postgres::Error| {
        if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
            match found {
                None => TeamError::NoSchema {
                    target: target.label.clone(),
                },
                Some(v) => TeamError::Older {
                    found: v,
                    known: LATEST,
                },
            }
        } else {
            TeamError::pg(&target.label, e)
        }
    };
    let tx = client.transaction().await.map_err(refused)?;
    // Two first connections at once: one migrates, the other waits for it.
    tx.execute("SELECT pg_advisory_xact_lock(7312500417)", &[])
        .await
        .map_err(refused)?;
    let now = {
        let exists: bool = tx
            .query_one(
                "SELECT to_regclass('callblock.schema_version') IS NOT NULL",
                &[],
            )
            .await
            .map_err(refused)?
            .get(0);
        if exists {
            let v: Option<i32> = tx
                .query_one("SELECT max(version) FROM callblock.schema_version", &[])
                .await
                .map_err(refused)?
                .get(0);
            v.map(i64::from).unwrap_or(0)
        } else {
            0
        }
    };
    for m in MIGRATIONS.iter().filter(|m| m.version > now) {
        tx.batch_execute(m.sql).await.map_err(refused)?;
        tx.execute(
            "INSERT INTO callblock.schema_version (version, description) VALUES ($1, $2)",
            &[&(m.version as i32), &m.description],
        )
        .await
        .map_err(refused)?;
    }
    tx.commit().await.map_err(refused)?;
    Ok(found)
}

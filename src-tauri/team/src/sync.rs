//! Push and pull.
//!
//! Push: the outbox's batches, oldest first, each in one server transaction
//! (upserts keyed by kind and id, a row written again only when it changed),
//! acknowledged locally after the server's commit. A crash between the two
//! pushes the batch again, which changes nothing.
//!
//! Pull: what committed transactions wrote since the last pull, read below
//! the oldest transaction still running (`pg_snapshot_xmin`), so a slow
//! push that commits later is read by the next pull, never skipped; then
//! every row those rows refer to; written into the local database as bundles
//! (`callblock_core::team::pull`).

use callblock_core::bundle::BRep;
use callblock_core::team::{link, outbox, pull, Kind, PullReport, TeamLink, TeamRow};
use callblock_core::Store;
use serde::{Deserialize, Serialize};
use tokio_postgres::Client;

use crate::config::Target;
use crate::error::{Result, TeamError};

/// Outbox entries a batch answers for.
pub const BATCH: u32 = 500;

/// What a push sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReport {
    pub batches: u32,
    /// Outbox entries acknowledged.
    pub entries: u32,
    /// Rows the server wrote (new or changed).
    pub rows_written: u32,
    /// Calls sent (each once, however often it changed).
    pub calls: u32,
    pub retracted: u32,
}

pub(crate) async fn push(
    client: &mut Client,
    target: &Target,
    store: &Store,
    me: &TeamLink,
) -> Result<PushReport> {
    let pg = |e| TeamError::pg(&target.label, e);
    let mut report = PushReport::default();
    let mut calls = std::collections::HashSet::new();
    while let Some(b) = outbox::next_batch(
        store.conn(),
        BATCH,
        if me.manager {
            None
        } else {
            me.rep_id.as_deref()
        },
    )? {
        let tx = client.transaction().await.map_err(pg)?;
        for rep in &b.reps {
            if me.rep_id.as_deref() == Some(rep.id.as_str()) {
                continue; // registered, with its role, when linking
            }
            tx.execute(
                "INSERT INTO callblock.reps (id, name, email, time_zone) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
                &[&rep.id, &rep.name, &rep.email, &rep.time_zone],
            )
            .await
            .map_err(pg)?;
        }
        if !b.retracted_calls.is_empty() {
            let ids: Vec<&str> = b
                .retracted_calls
                .iter()
                .map(|(id, _)| id.as_str())
                .collect();
            let reps: Vec<&str> = b.retracted_calls.iter().map(|(_, r)| r.as_str()).collect();
            tx.execute(
                "DELETE FROM callblock.rows
                 WHERE (kind = 'call' AND id = ANY($1))
                    OR (kind IN ('call_objection', 'meeting') AND parent_id = ANY($1))",
                &[&ids],
            )
            .await
            .map_err(pg)?;
            tx.execute(
                "INSERT INTO callblock.removed (kind, id, rep_id)
                 SELECT 'call', i, r FROM unnest($1::text[], $2::text[]) AS t (i, r)
                 ON CONFLICT (kind, id) DO UPDATE
                 SET xid = pg_current_xact_id(), removed_at = now()",
                &[&ids, &reps],
            )
            .await
            .map_err(pg)?;
        }
        if !b.calls.is_empty() {
            // What the calls have now: any other objection or meeting the
            // store holds for them was taken back.
            let children: Vec<&str> = b
                .rows
                .iter()
                .filter(|r| matches!(r.kind, Kind::CallObjection | Kind::Meeting))
                .map(|r| r.id.as_str())
                .collect();
            tx.execute(
                "DELETE FROM callblock.rows
                 WHERE kind IN ('call_objection', 'meeting') AND parent_id = ANY($1)
                   AND id <> ALL($2)",
                &[&b.calls, &children],
            )
            .await
            .map_err(pg)?;
            tx.execute(
                "DELETE FROM callblock.removed WHERE kind = 'call' AND id = ANY($1)",
                &[&b.calls],
            )
            .await
            .map_err(pg)?;
        }
        let kinds: Vec<&str> = b.rows.iter().map(|r| r.kind.name()).collect();
        let ids: Vec<&str> = b.rows.iter().map(|r| r.id.as_str()).collect();
        let reps: Vec<Option<&str>> = b.rows.iter().map(|r| r.rep_id.as_deref()).collect();
        let parents: Vec<Option<&str>> = b.rows.iter().map(|r| r.parent_id.as_deref()).collect();
        let bodies: Vec<&serde_json::Value> = b.rows.iter().map(|r| &r.body).collect();
        let written = tx
            .execute(
                "INSERT INTO callblock.rows AS r (kind, id, rep_id, parent_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
                 ON CONFLICT (kind, id) DO UPDATE
                 SET body = EXCLUDED.body, parent_id = EXCLUDED.parent_id
                 WHERE (r.body IS DISTINCT FROM EXCLUDED.body
                        OR r.parent_id IS DISTINCT FROM EXCLUDED.parent_id)
                   -- the team's rows are changed by the role that wrote them
                   -- first, or a manager; another rep's copy is left as it is
                   AND (r.rep_id IS NOT NULL OR r.owner = current_user
                        OR callblock.is_manager())",
                &[&kinds, &ids, &reps, &parents, &bodies],
            )
            .await
            .map_err(pg)?;
        // Listening managers hear of it when the transaction commits.
        tx.execute("SELECT pg_notify('callblock_rows', '')", &[])
            .await
            .map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        outbox::ack(store.conn(), b.upto)?;
        report.batches += 1;
        report.entries += b.entries;
        report.rows_written += written as u32;
        calls.extend(b.calls);
        report.calls = calls.len() as u32;
        report.retracted += b.retracted_calls.len() as u32;
    }
    link::reached(store.conn(), true)?;
    Ok(report)
}

fn team_row(r: &tokio_postgres::Row) -> Result<TeamRow> {
    let kind: String = r.get(0);
    let kind = Kind::from_name(&kind).ok_or_else(|| {
        TeamError::Refused(format!(
            "the store holds a kind of row this Callblock does not know ({kind})"
        ))
    })?;
    let row = TeamRow {
        kind,
        id: r.get(1),
        rep_id: r.get(2),
        parent_id: r.get(3),
        body: r.get(4),
    };
    if row.body.get("id").and_then(|v| v.as_str()) != Some(row.id.as_str()) {
        return Err(TeamError::Refused(format!(
            "the store's {} {} holds another row's content",
            kind.name(),
            row.id
        )));
    }
    Ok(row)
}

pub(crate) async fn pull(
    client: &mut Client,
    target: &Target,
    store: &mut Store,
    me: &TeamLink,
) -> Result<PullReport> {
    let pg = |e| TeamError::pg(&target.label, e);
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(pg)?;
    let xmin: i64 = tx
        .query_one(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
            &[],
        )
        .await
        .map_err(pg)?
        .get(0);
    let mut rows = Vec::new();
    // Where each row of the window was written, to read again next time
    // what must wait (a row it refers to cannot be read yet).
    let mut written_in = std::collections::HashMap::new();
    for r in tx
        .query(
            "SELECT kind, id, rep_id, parent_id, body, xid::text::bigint FROM callblock.rows
             WHERE rep_id IS NOT NULL AND xid >= $1::text::xid8 AND xid < $2::text::xid8
             ORDER BY seq",
            &[&me.pulled_seq.to_string(), &xmin.to_string()],
        )
        .await
        .map_err(pg)?
    {
        let row = team_row(&r)?;
        written_in.insert((row.kind, row.id.clone()), r.get::<_, i64>(5));
        rows.push(row);
    }
    let mut horizon = xmin;
    rows = complete(&tx, &target.label, rows, &written_in, &mut horizon).await?;
    let removed: Vec<(String, String)> = tx
        .query(
            "SELECT id, rep_id FROM callblock.removed
             WHERE kind = 'call' AND xid >= $1::text::xid8 AND xid < $2::text::xid8",
            &[&me.pulled_seq.to_string(), &xmin.to_string()],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // Every call's objections and meeting as they are now (a call is
    // imported whole: see `pull::apply`).
    let call_ids: Vec<&str> = rows
        .iter()
        .filter(|r| r.kind == Kind::Call)
        .map(|r| r.id.as_str())
        .collect();
    let have: std::collections::HashSet<(Kind, String)> =
        rows.iter().map(|r| (r.kind, r.id.clone())).collect();
    let mut children = Vec::new();
    for r in tx
        .query(
            "SELECT kind, id, rep_id, parent_id, body FROM callblock.rows
             WHERE kind IN ('call_objection', 'meeting') AND parent_id = ANY($1)",
            &[&call_ids],
        )
        .await
        .map_err(pg)?
    {
        let row = team_row(&r)?;
        if !have.contains(&(row.kind, row.id.clone())) {
            children.push(row);
        }
    }
    rows.extend(children);
    rows = complete(&tx, &target.label, rows, &written_in, &mut horizon).await?;
    let reps: Vec<BRep> = tx
        .query("SELECT id, name, email, time_zone FROM callblock.reps", &[])
        .await
        .map_err(pg)?
        .iter()
        .map(|r| BRep {
            id: r.get(0),
            name: r.get(1),
            email: r.get(2),
            time_zone: r.get(3),
        })
        .collect();
    tx.commit().await.map_err(pg)?;
    Ok(pull::apply(store, &reps, &rows, &removed, horizon)?)
}

/// `rows` with every row they refer to, read from the store until nothing
/// is missing. A reference the store cannot give (a row another rep keeps
/// private, or taken back) drops the rows that need it, and `horizon` moves
/// back to where they were written, so the next pull reads them again.
async fn complete(
    tx: &tokio_postgres::Transaction<'_>,
    label: &str,
    mut rows: Vec<TeamRow>,
    written_in: &std::collections::HashMap<(Kind, String), i64>,
    horizon: &mut i64,
) -> Result<Vec<TeamRow>> {
    let pg = |e| TeamError::pg(label, e);
    loop {
        let missing = pull::missing(&rows)?;
        if missing.is_empty() {
            break;
        }
        let kinds: Vec<&str> = missing.iter().map(|(k, _)| k.name()).collect();
        let ids: Vec<&str> = missing.iter().map(|(_, id)| id.as_str()).collect();
        let found = tx
            .query(
                "SELECT r.kind, r.id, r.rep_id, r.parent_id, r.body
                 FROM callblock.rows r
                 JOIN unnest($1::text[], $2::text[]) AS m (kind, id)
                   ON r.kind = m.kind AND r.id = m.id",
                &[&kinds, &ids],
            )
            .await
            .map_err(pg)?;
        if found.len() < missing.len() {
            // A reference the store cannot give (a row another rep keeps
            // private, or taken back): the rows that need it wait.
            let have: Vec<(Kind, String)> = found
                .iter()
                .map(|r| team_row(r).map(|t| (t.kind, t.id)))
                .collect::<Result<_>>()?;
            let gone: Vec<&(Kind, String)> = missing.iter().filter(|m| !have.contains(m)).collect();
            let before: Vec<(Kind, String)> = rows.iter().map(|r| (r.kind, r.id.clone())).collect();
            rows = drop_needing(rows, &gone)?;
            let kept: std::collections::HashSet<(Kind, &str)> =
                rows.iter().map(|r| (r.kind, r.id.as_str())).collect();
            for key in before {
                if !kept.contains(&(key.0, key.1.as_str())) {
                    if let Some(x) = written_in.get(&key) {
                        *horizon = (*horizon).min(*x);
                    }
                }
            }
        }
        for r in &found {
            rows.push(team_row(r)?);
        }
    }
    Ok(rows)
}

/// `rows` without those that refer to a row in `gone`, and without what
/// refers to those, until none is left that refers to a dropped row.
fn drop_needing(mut rows: Vec<TeamRow>, gone: &[&(Kind, String)]) -> Result<Vec<TeamRow>> {
    let mut gone: Vec<(Kind, String)> = gone.iter().map(|g| (*g).clone()).collect();
    loop {
        let before = rows.len();
        let mut kept = Vec::with_capacity(rows.len());
        for r in rows {
            let needs = pull::missing(std::slice::from_ref(&r))?;
            if needs.iter().any(|n| gone.contains(n)) {
                gone.push((r.kind, r.id.clone()));
            } else {
                kept.push(r);
            }
        }
        rows = kept;
        if rows.len() == before {
            return Ok(rows);
        }
    }
}

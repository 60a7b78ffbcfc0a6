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
use callblock_core::team::lists::{self, LeaseAnswer, SharedIn, SharedProspect};
use callblock_core::team::playbook as team_playbook;
use callblock_core::team::{link, outbox, pull, Kind, PullReport, TeamLink, TeamRow};
use callblock_core::Store;
use serde::{Deserialize, Serialize};
use tokio_postgres::Client;

use crate::config::Target;
use crate::error::{Result, TeamError};

/// Outbox entries a batch answers for.
pub const BATCH: u32 = 2000;

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
    /// Shared prospects whose state went to the team (a later call than
    /// the store's).
    pub states: u32,
    /// Do-not-call entries sent to the team's list.
    pub do_not_call: u32,
    /// Values taken off the team's list (undone, and listed by nobody else).
    pub do_not_call_removed: u32,
    /// Comments and coaching flags the store wrote (new, removed, changed).
    pub coaching: u32,
    /// The transactions of this push (their ids): what they wrote is this
    /// copy's own, and the pull right after passes it over.
    #[serde(skip)]
    pub own_transactions: Vec<i64>,
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
    let mut batches = outbox::Batches::new(store, BATCH, me.pushes_only());
    while let Some(b) = batches.next()? {
        let tx = client.transaction().await.map_err(pg)?;
        report
            .own_transactions
            .push(own_transaction(&tx, target).await?);
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
        // The team's shared prospects this rep called: their state for
        // every rep's copy, and their leases given back.
        if let Some(rep) = me.rep_id.as_deref() {
            let called: Vec<String> = b
                .rows
                .iter()
                .filter(|r| r.kind == Kind::Call && r.rep_id.as_deref() == Some(rep))
                .filter_map(|r| r.body.get("prospect_id")?.as_str().map(str::to_string))
                .collect();
            let states = lists::states_of(store.conn(), &called)?;
            if !states.is_empty() {
                report.states += push_states(&tx, target, rep, &states).await?;
                let ids: Vec<&str> = states.iter().map(|s| s.prospect_id.as_str()).collect();
                tx.query_one("SELECT callblock.release_leases($1, $2)", &[&rep, &ids])
                    .await
                    .map_err(pg)?;
            }
        }
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
    // The do-not-call list: the team's, per number and per e-mail; listings
    // and listings taken back (an undo), in their order.
    while let Some((upto, entries)) = lists::dnc_waiting(store.conn(), BATCH)? {
        // One transaction: a pull never reads a value taken back and listed
        // again in between.
        let tx = client.transaction().await.map_err(pg)?;
        for run in entries.chunk_by(|a, b| a.removed == b.removed) {
            let kinds: Vec<&str> = run.iter().map(|e| e.kind.as_str()).collect();
            let values: Vec<&str> = run.iter().map(|e| e.value.as_str()).collect();
            if run[0].removed {
                let n: i32 = tx
                    .query_one(
                        "SELECT callblock.unlist_do_not_call($1, $2, $3)",
                        &[&me.rep_id, &kinds, &values],
                    )
                    .await
                    .map_err(pg)?
                    .get(0);
                report.do_not_call_removed += n.max(0) as u32;
            } else {
                let since: Vec<&str> = run.iter().map(|e| e.since.as_str()).collect();
                let n: i32 = tx
                    .query_one(
                        "SELECT callblock.list_do_not_call($1, $2, $3, $4)",
                        &[&me.rep_id, &kinds, &values, &since],
                    )
                    .await
                    .map_err(pg)?
                    .get(0);
                report.do_not_call += n.max(0) as u32;
            }
        }
        tx.commit().await.map_err(pg)?;
        lists::dnc_ack(store.conn(), upto)?;
    }
    // Comments and coaching flags, a manager's only (the store's policies;
    // a rep's queue is let go): a comment is added once and changed only to
    // be removed, a flag only by a later change. Inserted, then updated by a
    // plain UPDATE, so a row the policies keep from this role is passed
    // over, never an error that would stop the queue.
    if !me.manager {
        callblock_core::coaching::ack(store.conn(), i64::MAX)?;
    }
    while let Some((upto, comments, flags)) =
        callblock_core::coaching::waiting(store.conn(), BATCH)?
    {
        let mut rows: Vec<(&str, &str, &str, &str, serde_json::Value)> = Vec::new();
        for (c, rep) in &comments {
            rows.push(("call_comment", &c.id, rep, &c.call_id, json(c)));
        }
        for (f, rep) in &flags {
            rows.push(("call_flag", &f.id, rep, &f.id, json(f)));
        }
        if !rows.is_empty() {
            let kinds: Vec<&str> = rows.iter().map(|r| r.0).collect();
            let ids: Vec<&str> = rows.iter().map(|r| r.1).collect();
            let reps: Vec<&str> = rows.iter().map(|r| r.2).collect();
            let parents: Vec<&str> = rows.iter().map(|r| r.3).collect();
            let bodies: Vec<&serde_json::Value> = rows.iter().map(|r| &r.4).collect();
            let tx = client.transaction().await.map_err(pg)?;
            report
                .own_transactions
                .push(own_transaction(&tx, target).await?);
            let added = tx
                .execute(
                    "INSERT INTO callblock.rows (kind, id, rep_id, parent_id, body)
                     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
                     ON CONFLICT (kind, id) DO NOTHING",
                    &[&kinds, &ids, &reps, &parents, &bodies],
                )
                .await
                .map_err(pg)?;
            let changed = tx
                .execute(
                    "UPDATE callblock.rows r SET body = n.body
                     FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS n (kind, id, body)
                     WHERE r.kind = n.kind AND r.id = n.id AND r.body IS DISTINCT FROM n.body
                       AND CASE r.kind
                           WHEN 'call_flag' THEN n.body ->> 'updated_at' > r.body ->> 'updated_at'
                           ELSE r.body ->> 'deleted_at' IS NULL AND n.body ->> 'deleted_at' IS NOT NULL
                           END",
                    &[&kinds, &ids, &bodies],
                )
                .await
                .map_err(pg)?;
            tx.execute("SELECT pg_notify('callblock_rows', '')", &[])
                .await
                .map_err(pg)?;
            tx.commit().await.map_err(pg)?;
            report.coaching += (added + changed) as u32;
        }
        callblock_core::coaching::ack(store.conn(), upto)?;
    }
    link::reached(store.conn(), true)?;
    Ok(report)
}

/// The id of the transaction `tx` (`pg_current_xact_id`): the rows it
/// writes carry it.
async fn own_transaction(tx: &tokio_postgres::Transaction<'_>, target: &Target) -> Result<i64> {
    Ok(tx
        .query_one("SELECT pg_current_xact_id()::text::bigint", &[])
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?
        .get(0))
}

fn json(v: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(v).expect("a bundle row is plain data")
}

/// Write the shared prospects' states `rep`'s calls left, each only over
/// an earlier one. Returns how many were written.
async fn push_states(
    tx: &tokio_postgres::Transaction<'_>,
    target: &Target,
    rep: &str,
    states: &[lists::ProspectState],
) -> Result<u32> {
    let ids: Vec<&str> = states.iter().map(|s| s.prospect_id.as_str()).collect();
    let status: Vec<&str> = states.iter().map(|s| s.status.as_str()).collect();
    let attempts: Vec<i32> = states.iter().map(|s| s.attempts as i32).collect();
    let next: Vec<Option<&str>> = states
        .iter()
        .map(|s| s.next_attempt_at.as_deref())
        .collect();
    let callback: Vec<Option<&str>> = states.iter().map(|s| s.callback_at.as_deref()).collect();
    let last: Vec<&str> = states.iter().map(|s| s.last_called_at.as_str()).collect();
    let dnc: Vec<bool> = states.iter().map(|s| s.do_not_call).collect();
    let bad: Vec<bool> = states.iter().map(|s| s.bad_number).collect();
    let n = tx
        .execute(
            "INSERT INTO callblock.prospect_state AS s (prospect_id, status, attempts,
                    next_attempt_at, callback_at, last_called_at, do_not_call, bad_number, rep_id)
             SELECT t.*, $9 FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
                    $6::text[], $7::bool[], $8::bool[]) AS t
             ON CONFLICT (prospect_id) DO UPDATE
             SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
                 next_attempt_at = EXCLUDED.next_attempt_at, callback_at = EXCLUDED.callback_at,
                 last_called_at = EXCLUDED.last_called_at, do_not_call = EXCLUDED.do_not_call,
                 bad_number = EXCLUDED.bad_number, rep_id = EXCLUDED.rep_id,
                 updated_at = now(), xid = pg_current_xact_id()
             WHERE EXCLUDED.last_called_at > s.last_called_at",
            &[
                &ids, &status, &attempts, &next, &callback, &last, &dnc, &bad, &rep,
            ],
        )
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(n as u32)
}

/// What a lease round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseReport {
    /// Leases this rep holds now.
    pub held: u32,
    /// Prospects asked for that another rep holds.
    pub held_by_others: u32,
    /// Leases given back.
    pub released: u32,
}

/// This rep's leases: given back when no block runs, else renewed and
/// topped up to the next few prospects of the block (see
/// `callblock_core::team::lists`).
pub(crate) async fn leases(
    client: &Client,
    target: &Target,
    store: &mut Store,
    me: &TeamLink,
) -> Result<LeaseReport> {
    let pg = |e| TeamError::pg(&target.label, e);
    let mut report = LeaseReport::default();
    let Some(rep) = me.rep_id.as_deref() else {
        return Ok(report);
    };
    let ask = lists::lease_ask(store.conn(), Some(rep), callblock_core::time::now())?;
    if ask.is_empty() {
        report.held = lists::leased(store.conn(), callblock_core::time::now())?;
        return Ok(report);
    }
    if ask.release_all || !ask.release.is_empty() {
        let ids: Option<&[String]> = (!ask.release_all).then_some(&ask.release[..]);
        let n: i32 = client
            .query_one("SELECT callblock.release_leases($1, $2)", &[&rep, &ids])
            .await
            .map_err(pg)?
            .get(0);
        report.released = n as u32;
        store.write(|tx| lists::released(tx, ids))?;
    }
    let ids: Vec<&str> = ask
        .renew
        .iter()
        .chain(&ask.take)
        .map(String::as_str)
        .collect();
    if !ids.is_empty() {
        // Counted from before the question: our copy never outlives the
        // store's lease, whatever either clock says.
        let asked_at = callblock_core::time::now();
        let answers: Vec<LeaseAnswer> = client
            .query(
                "SELECT prospect_id, rep_id, rep_name, seconds_left
                 FROM callblock.take_leases($1, $2, $3, $4)",
                &[&rep, &ids, &ask.block_id, &lists::LEASE_SECONDS],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| LeaseAnswer {
                prospect_id: r.get(0),
                rep_id: r.get(1),
                rep_name: r.get(2),
                seconds_left: r.get::<_, Option<f64>>(3).unwrap_or(0.0),
            })
            .collect();
        report.held_by_others = answers
            .iter()
            .filter(|a| a.rep_id.as_deref().is_some_and(|r| r != rep))
            .count() as u32;
        report.held = store.write(|tx| lists::lease_answers(tx, rep, &answers, asked_at))?;
    } else {
        report.held = lists::leased(store.conn(), callblock_core::time::now())?;
    }
    Ok(report)
}

/// What a publish sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReport {
    pub themes: Vec<String>,
    pub prospects: u32,
}

/// Rows published in one statement.
const PUBLISH_CHUNK: usize = 1000;

/// Publish the themes `theme_ids` and their callable prospects (with their
/// numbers) to the team, in one server transaction: every rep's copy takes
/// them in on its next pull. A manager's act (the store refuses a rep).
pub(crate) async fn publish(
    client: &mut Client,
    target: &Target,
    store: &mut Store,
    theme_ids: &[String],
) -> Result<PublishReport> {
    let pg = |e| TeamError::pg(&target.label, e);
    let what = lists::to_publish(store.conn(), theme_ids)?;
    let tx = client.transaction().await.map_err(pg)?;
    publish_rows(
        &tx,
        what.themes.iter().collect(),
        what.themes.iter().map(|_| serde_json::json!([])).collect(),
        what.themes.iter().map(|_| None).collect(),
    )
    .await
    .map_err(pg)?;
    for chunk in what.prospects.chunks(PUBLISH_CHUNK) {
        publish_rows(
            &tx,
            chunk.iter().map(|p| &p.row).collect(),
            chunk
                .iter()
                .map(|p| serde_json::to_value(&p.phones).unwrap_or_default())
                .collect(),
            chunk.iter().map(|p| p.theme_id.as_deref()).collect(),
        )
        .await
        .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)?;
    let ids: Vec<String> = what.prospects.iter().map(|p| p.row.id.clone()).collect();
    store.write(|tx| lists::mark_published(tx, &ids))?;
    Ok(PublishReport {
        themes: what
            .themes
            .iter()
            .filter_map(|t| t.body.get("name")?.as_str().map(str::to_string))
            .collect(),
        prospects: ids.len() as u32,
    })
}

/// What a withdrawal took off the team's lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawReport {
    /// The themes withdrawn, by name.
    pub themes: Vec<String>,
    /// The prospects withdrawn now (those withdrawn before not counted).
    pub prospects: u32,
}

/// Take the published prospects on the themes `theme_ids`, and the
/// prospects `prospect_ids`, off the team's lists, in one server
/// transaction: leased to nobody from now on (leases held end at once);
/// every rep's copy reads it on its next pull. A manager's act.
pub(crate) async fn withdraw(
    client: &mut Client,
    target: &Target,
    store: &mut Store,
    theme_ids: &[String],
    prospect_ids: &[String],
) -> Result<WithdrawReport> {
    let pg = |e| TeamError::pg(&target.label, e);
    let (themes, on_themes) = lists::to_withdraw(store.conn(), theme_ids)?;
    let ids: Vec<&str> = prospect_ids
        .iter()
        .chain(&on_themes)
        .map(String::as_str)
        .collect();
    let tx = client.transaction().await.map_err(pg)?;
    let gone: Vec<String> = tx
        .query("SELECT callblock.withdraw($1, $2)", &[&theme_ids, &ids])
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Listening copies hear of it when the transaction commits.
    tx.execute("SELECT pg_notify('callblock_rows', '')", &[])
        .await
        .map_err(pg)?;
    tx.commit().await.map_err(pg)?;
    let at = callblock_core::time::to_db(callblock_core::time::now());
    store.write(|tx| lists::withdrawn_here(tx, &gone, &at))?;
    Ok(WithdrawReport {
        themes,
        prospects: gone.len() as u32,
    })
}

/// What publishing the playbook did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookPublished {
    /// The team version it is now.
    pub version: u32,
    /// The team's newest version had the same words: nothing new published.
    pub unchanged: bool,
}

/// `published_at` as this app writes times.
const AT_UTC: &str =
    "to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

/// Publish this database's playbook as the team's next version (unless the
/// newest has the same words), one publish at a time.
pub(crate) async fn publish_playbook(
    client: &mut Client,
    target: &Target,
    store: &mut Store,
) -> Result<PlaybookPublished> {
    let pg = |e| TeamError::pg(&target.label, e);
    let (document, words) = team_playbook::to_publish(store.conn())?;
    let tx = client.transaction().await.map_err(pg)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('callblock.playbook'))",
        &[],
    )
    .await
    .map_err(pg)?;
    let newest = tx
        .query_opt(
            "SELECT version, document FROM callblock.playbook ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await
        .map_err(pg)?;
    let mut version = 1;
    if let Some(row) = &newest {
        let v: i32 = row.get(0);
        if team_playbook::words_of(&row.get(1))? == words {
            tx.commit().await.map_err(pg)?;
            return Ok(PlaybookPublished {
                version: v as u32,
                unchanged: true,
            });
        }
        version = v + 1;
    }
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO callblock.playbook (version, document) VALUES ($1, $2)
                 RETURNING published_by::text, {AT_UTC}"
            ),
            &[&version, &document],
        )
        .await
        .map_err(pg)?;
    tx.commit().await.map_err(pg)?;
    let published = team_playbook::TeamPlaybook {
        version: version as u32,
        document: document.to_string(),
        published_by: row.get(0),
        published_at: row.get(1),
    };
    store.write(|tx| team_playbook::published_here(tx, &published))?;
    Ok(PlaybookPublished {
        version: version as u32,
        unchanged: false,
    })
}

/// The team's newest playbook, when it is newer than `known`.
async fn newer_playbook(
    tx: &tokio_postgres::Transaction<'_>,
    target: &Target,
    known: u32,
) -> Result<Option<team_playbook::TeamPlaybook>> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT version, document::text, published_by::text, {AT_UTC}
                 FROM callblock.playbook WHERE version > $1 ORDER BY version DESC LIMIT 1"
            ),
            &[&(known as i32)],
        )
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(row.map(|r| team_playbook::TeamPlaybook {
        version: r.get::<_, i32>(0) as u32,
        document: r.get(1),
        published_by: r.get(2),
        published_at: r.get(3),
    }))
}

/// Upsert published rows: the row, then its publication (bumped each time,
/// so every rep's copy reads it again; a withdrawn one is back).
async fn publish_rows(
    tx: &tokio_postgres::Transaction<'_>,
    rows: Vec<&TeamRow>,
    phones: Vec<serde_json::Value>,
    themes: Vec<Option<&str>>,
) -> std::result::Result<(), tokio_postgres::Error> {
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.name()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let bodies: Vec<&serde_json::Value> = rows.iter().map(|r| &r.body).collect();
    tx.execute(
        "INSERT INTO callblock.rows AS r (kind, id, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
         ON CONFLICT (kind, id) DO UPDATE SET body = EXCLUDED.body
         WHERE r.body IS DISTINCT FROM EXCLUDED.body",
        &[&kinds, &ids, &bodies],
    )
    .await?;
    tx.execute(
        "INSERT INTO callblock.published AS p (kind, id, theme_id, phones)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
         ON CONFLICT (kind, id) DO UPDATE
         SET theme_id = EXCLUDED.theme_id, phones = EXCLUDED.phones, withdrawn_at = NULL,
             published_by = current_user, published_at = now(), xid = pg_current_xact_id()",
        &[&kinds, &ids, &themes, &phones],
    )
    .await?;
    Ok(())
}

/// The team's lists written since the last pull (`lo` up to `hi`): what
/// managers published, with the themes its prospects are on; the shared
/// prospects' states; the do-not-call entries other reps listed.
async fn pull_shared(
    tx: &tokio_postgres::Transaction<'_>,
    target: &Target,
    me: &TeamLink,
    lo: i64,
    hi: i64,
) -> Result<SharedIn> {
    let pg = |e| TeamError::pg(&target.label, e);
    let (lo, hi) = (lo.to_string(), hi.to_string());
    let mut shared = SharedIn::default();
    for r in tx
        .query(
            "SELECT p.kind, p.id, p.theme_id, p.phones, r.body, p.withdrawn_at IS NOT NULL
             FROM callblock.published p
             JOIN callblock.rows r ON r.kind = p.kind AND r.id = p.id
             WHERE p.xid >= $1::text::xid8 AND p.xid < $2::text::xid8
             ORDER BY p.kind = 'prospect', p.published_at, p.id",
            &[&lo, &hi],
        )
        .await
        .map_err(pg)?
    {
        let kind: String = r.get(0);
        let id: String = r.get(1);
        if r.get::<_, bool>(5) {
            // Taken off the team's lists: a copy that has it stops leasing
            // it; a theme withdrawn brings nothing.
            if kind == "prospect" {
                shared.withdrawn.push(id);
            }
            continue;
        }
        let body: serde_json::Value = r.get(4);
        let row = team_row_of(&kind, id, None, None, body)?;
        if row.kind == Kind::Theme {
            shared.themes.push(row);
        } else {
            let phones: serde_json::Value = r.get(3);
            let phones = serde_json::from_value(phones).map_err(|e| {
                TeamError::Refused(format!(
                    "the store's numbers for published prospect {} cannot be read ({e})",
                    row.id
                ))
            })?;
            shared.prospects.push(SharedProspect {
                theme_id: r.get(2),
                phones,
                row,
            });
        }
    }
    // The themes of prospects published earlier than their theme's window.
    let mut want: Vec<&str> = shared
        .prospects
        .iter()
        .filter_map(|p| p.theme_id.as_deref())
        .filter(|t| !shared.themes.iter().any(|x| x.id == *t))
        .collect();
    want.sort_unstable();
    want.dedup();
    if !want.is_empty() {
        for r in tx
            .query(
                "SELECT kind, id, rep_id, parent_id, body FROM callblock.rows
                 WHERE kind = 'theme' AND id = ANY($1)",
                &[&want],
            )
            .await
            .map_err(pg)?
        {
            shared.themes.push(team_row(&r)?);
        }
    }
    for r in tx
        .query(
            "SELECT prospect_id, status, attempts, next_attempt_at, callback_at, last_called_at,
                    do_not_call, bad_number
             FROM callblock.prospect_state
             WHERE xid >= $1::text::xid8 AND xid < $2::text::xid8",
            &[&lo, &hi],
        )
        .await
        .map_err(pg)?
    {
        shared.states.push(lists::ProspectState {
            prospect_id: r.get(0),
            status: r.get(1),
            attempts: r.get::<_, i32>(2).max(0) as u32,
            next_attempt_at: r.get(3),
            callback_at: r.get(4),
            last_called_at: r.get(5),
            do_not_call: r.get(6),
            bad_number: r.get(7),
        });
    }
    for r in tx
        .query(
            "SELECT kind, value, since, removed_at IS NOT NULL FROM callblock.do_not_call
             WHERE xid >= $1::text::xid8 AND xid < $2::text::xid8
               AND rep_id IS DISTINCT FROM $3",
            &[&lo, &hi, &me.rep_id],
        )
        .await
        .map_err(pg)?
    {
        shared.dnc.push(lists::DncEntry {
            kind: r.get(0),
            value: r.get(1),
            since: r.get(2),
            removed: r.get(3),
        });
    }
    Ok(shared)
}

fn team_row(r: &tokio_postgres::Row) -> Result<TeamRow> {
    team_row_of(
        &r.get::<_, String>(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
    )
}

fn team_row_of(
    kind: &str,
    id: String,
    rep_id: Option<String>,
    parent_id: Option<String>,
    body: serde_json::Value,
) -> Result<TeamRow> {
    let kind = Kind::from_name(kind).ok_or_else(|| {
        TeamError::Refused(format!(
            "the store holds a kind of row this Callblock does not know ({kind})"
        ))
    })?;
    let row = TeamRow {
        kind,
        id,
        rep_id,
        parent_id,
        body,
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
    own: &[i64],
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
               AND xid::text::bigint <> ALL($3)
             ORDER BY seq",
            &[&me.pulled_seq.to_string(), &xmin.to_string(), &own],
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
    let shared = pull_shared(&tx, target, me, me.pulled_seq, horizon).await?;
    let playbook = newer_playbook(&tx, target, team_playbook::known_version(store.conn())?).await?;
    tx.commit().await.map_err(pg)?;
    let mut report = pull::apply(store, &reps, &rows, &removed, &shared, horizon)?;
    if let Some(p) = playbook {
        report.playbook_version = Some(p.version);
        report.playbook_taken = store.write(|tx| team_playbook::received(tx, &p))?.is_some();
    }
    Ok(report)
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

use chrono::{TimeZone, Utc};
use rusqlite::Connection;

use super::outbox::{self, Kind, TeamRow};
use super::{link, pull, NewLink};
use crate::bundle::BRep;
use crate::domain::Settings;
use crate::reports::{self, ReportFilter};
use crate::store::Store;

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    crate::demo::fill(&mut store, 5, now).unwrap();
    store
}

fn new_link(conn: &Connection) -> NewLink {
    let rep: String = conn
        .query_row("SELECT id FROM reps ORDER BY created_at LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    NewLink {
        url: "postgres://dana@db.example:5432/team".into(),
        role: "dana".into(),
        rep_id: Some(rep),
        manager: false,
        team_schema: 1,
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every batch until the outbox is empty, acknowledged.
fn drain(store: &Store) -> (Vec<BRep>, Vec<TeamRow>) {
    let (mut reps, mut rows): (Vec<BRep>, Vec<TeamRow>) = (vec![], vec![]);
    while let Some(b) = outbox::next_batch(store.conn(), 200, None).unwrap() {
        for r in b.reps {
            if !reps.iter().any(|x| x.id == r.id) {
                reps.push(r);
            }
        }
        for r in b.rows {
            rows.retain(|x| !(x.kind == r.kind && x.id == r.id));
            rows.push(r);
        }
        outbox::ack(store.conn(), b.upto).unwrap();
    }
    (reps, rows)
}

#[test]
fn nothing_is_queued_until_a_team_store_is_linked_then_the_history_is() {
    let mut store = demo_store();
    let c = store.conn();
    assert_eq!(count(c, "SELECT count(*) FROM team_outbox"), 0);
    let calls = count(c, "SELECT count(*) FROM calls WHERE outcome IS NOT NULL");
    let blocks = count(c, "SELECT count(*) FROM blocks");
    let queued = store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    assert_eq!(queued as i64, calls + blocks);
    let st = link::status(store.conn()).unwrap();
    assert_eq!(st.waiting as i64, calls + blocks);
    assert_eq!(st.link.unwrap().role, "dana");
    // Linking again to the same store keeps the queue as it is.
    let again = store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    assert_eq!(again, 0);
    assert_eq!(
        link::status(store.conn()).unwrap().waiting as i64,
        calls + blocks
    );
    // Unlinked: nothing waits and nothing more is queued.
    store.write(|tx| link::forget(tx)).unwrap();
    store
        .conn()
        .execute(
            "UPDATE calls SET notes = notes || ' more' WHERE outcome IS NOT NULL",
            [],
        )
        .unwrap();
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_outbox"), 0);
}

#[test]
fn a_change_to_a_call_is_queued_in_its_own_transaction_and_an_undo_retracts_it() {
    let mut store = demo_store();
    store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    drain(&store);
    let call: String = store
        .conn()
        .query_row(
            "SELECT id FROM calls WHERE outcome = 'not_interested' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // A change that is rolled back queues nothing.
    {
        let tx = store.conn().unchecked_transaction().unwrap();
        tx.execute("UPDATE calls SET notes = 'x' WHERE id = ?1", [&call])
            .unwrap();
        tx.rollback().unwrap();
    }
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_outbox"), 0);
    store
        .conn()
        .execute(
            "UPDATE calls SET notes = 'said to call in March' WHERE id = ?1",
            [&call],
        )
        .unwrap();
    let b = outbox::next_batch(store.conn(), 100, None)
        .unwrap()
        .unwrap();
    let row = b.rows.iter().find(|r| r.kind == Kind::Call).unwrap();
    assert_eq!(row.id, call);
    assert_eq!(row.body["notes"], "said to call in March");
    assert!(row.rep_id.is_some());
    // Its prospect and theme travel with it, before it.
    let kinds: Vec<Kind> = b.rows.iter().map(|r| r.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    assert!(kinds.contains(&Kind::Prospect));
    assert!(pull::missing(&b.rows)
        .unwrap()
        .iter()
        .all(|(k, _)| *k == Kind::Block));
    assert_eq!(b.calls, vec![call.clone()]);
    assert!(b.retracted_calls.is_empty());
    outbox::ack(store.conn(), b.upto).unwrap();

    // The call opened again (as an undo does): the store is told to drop it.
    store
        .conn()
        .execute(
            "UPDATE calls SET outcome = NULL, ended_at = NULL, duration_ms = NULL WHERE id = ?1",
            [&call],
        )
        .unwrap();
    let b = outbox::next_batch(store.conn(), 100, None)
        .unwrap()
        .unwrap();
    assert_eq!(b.retracted_calls.len(), 1);
    assert_eq!(b.retracted_calls[0].0, call);
    assert!(b.rows.iter().all(|r| r.kind != Kind::Call));
}

#[test]
fn a_call_in_progress_is_not_queued() {
    let mut store = demo_store();
    store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    drain(&store);
    let (prospect, rep): (String, String) = store
        .conn()
        .query_row(
            "SELECT p.id, r.id FROM prospects p, reps r LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO calls (id, prospect_id, rep_id, started_at) VALUES ('open-1', ?1, ?2, '2026-11-20T17:00:00.000Z')",
            [&prospect, &rep],
        )
        .unwrap();
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_outbox"), 0);
}

/// The rows every batch carried, written into another database by a pull,
/// give that database's reports the same figures as the rep's own.
#[test]
fn what_a_rep_pushes_a_manager_pulls_with_the_same_figures() {
    let mut rep_db = demo_store();
    rep_db.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    let (reps, rows) = drain(&rep_db);
    assert_eq!(count(rep_db.conn(), "SELECT count(*) FROM team_outbox"), 0);
    assert!(rows.iter().any(|r| r.kind == Kind::Meeting));
    assert!(rows.iter().any(|r| r.kind == Kind::CallObjection));
    assert_eq!(pull::missing(&rows).unwrap(), vec![]);

    let mut manager = Store::open_in_memory().unwrap();
    manager
        .write(|tx| {
            link::save(
                tx,
                &NewLink {
                    url: "postgres://lee@db.example/team".into(),
                    role: "lee".into(),
                    rep_id: None,
                    manager: true,
                    team_schema: 1,
                },
            )
        })
        .unwrap();
    let report = pull::apply(&mut manager, &reps, &rows, &[], 42).unwrap();
    let calls = count(
        rep_db.conn(),
        "SELECT count(*) FROM calls WHERE outcome IS NOT NULL",
    );
    assert_eq!(report.calls_added as i64, calls);
    assert_eq!(
        count(manager.conn(), "SELECT count(*) FROM team_outbox"),
        0,
        "nothing pulled is queued back"
    );
    assert_eq!(link::get(manager.conn()).unwrap().unwrap().pulled_seq, 42);
    let s = Settings::default();
    for rep in &reps {
        let f = ReportFilter {
            rep_ids: vec![rep.id.clone()],
            ..ReportFilter::default()
        };
        let a = reports::funnel(rep_db.conn(), &f, &s).unwrap();
        let b = reports::funnel(manager.conn(), &f, &s).unwrap();
        assert_eq!(a, b, "{}", rep.name);
    }
    // The same rows again add nothing.
    let again = pull::apply(&mut manager, &reps, &rows, &[], 42).unwrap();
    assert_eq!(again.calls_added, 0);
}

#[test]
fn a_row_the_app_cannot_read_is_named() {
    let rows = vec![TeamRow {
        kind: Kind::Call,
        id: "c1".into(),
        rep_id: Some("r1".into()),
        parent_id: None,
        body: serde_json::json!({"id": "c1"}),
    }];
    let e = pull::missing(&rows).unwrap_err().to_string();
    assert!(e.contains("call c1 cannot be read"), "{e}");
}

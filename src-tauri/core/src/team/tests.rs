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

/// A manager's empty copy, linked to the team store (no rep).
fn managers_copy() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store
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
    store
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
    // The do-not-call list goes to the team's too.
    let dnc = count(c, "SELECT count(*) FROM do_not_call");
    assert!(dnc > 0, "the demo has do-not-call calls");
    let queued = store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    assert_eq!(queued as i64, calls + blocks + dnc);
    assert_eq!(
        count(store.conn(), "SELECT count(*) FROM team_dnc_outbox"),
        dnc
    );
    let (calls, blocks) = (calls, blocks + dnc);
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

    let mut manager = managers_copy();
    let report = pull::apply(&mut manager, &reps, &rows, &[], &Default::default(), 42).unwrap();
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
    let again = pull::apply(&mut manager, &reps, &rows, &[], &Default::default(), 42).unwrap();
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

/// A database working as a new rep, linked to a team store.
fn linked_rep() -> (Store, crate::reps::Rep) {
    let mut store = Store::open_in_memory().unwrap();
    let rep = crate::reps::create_rep(store.conn(), "Dana Ruiz", None, None).unwrap();
    crate::reps::set_current_rep(store.conn(), &rep.id).unwrap();
    let mut link = new_link(store.conn());
    link.rep_id = Some(rep.id.clone());
    store.write(|tx| link::save(tx, &link)).unwrap();
    (store, rep)
}

/// A linked rep's copy that took in a published theme of `n` leads: the
/// store, the rep, the leads' ids and the theme's.
fn with_shared(n: usize) -> (Store, crate::reps::Rep, Vec<String>, String) {
    let what = published(n);
    let (mut store, rep) = linked_rep();
    let incoming = super::lists::SharedIn {
        themes: what.themes.clone(),
        prospects: what.prospects.clone(),
        ..super::lists::SharedIn::default()
    };
    pull::apply(&mut store, &[], &[], &[], &incoming, 7).unwrap();
    let ids = what.prospects.iter().map(|p| p.row.id.clone()).collect();
    let theme = store
        .conn()
        .query_row("SELECT id FROM themes WHERE name = 'Shared'", [], |r| {
            r.get(0)
        })
        .unwrap();
    (store, rep, ids, theme)
}

/// A manager's database with a theme of `n` prospects (no known zone) and
/// a number each: what it publishes.
fn published(n: usize) -> super::lists::ToPublish {
    use crate::lists::{self, NewPhone, NewProspect};
    let store = Store::open_in_memory().unwrap();
    let t =
        lists::create_theme(store.conn(), "Shared", crate::domain::ThemeKind::Custom, "").unwrap();
    for i in 0..n {
        let p = NewProspect {
            theme_id: Some(t.id.clone()),
            first_name: format!("Lead{i}"),
            phones: vec![NewPhone {
                kind: "direct".into(),
                e164: Some(format!("+1415555{:04}", 200 + i)),
                extension: None,
                raw: format!("415 555 {:04}", 200 + i),
            }],
            ..NewProspect::default()
        };
        lists::insert_prospect(store.conn(), &p, Utc::now()).unwrap();
    }
    super::lists::to_publish(store.conn(), &[t.id]).unwrap()
}

#[test]
fn a_shared_lead_is_drawn_only_under_this_reps_lease_and_the_teams_list_applies() {
    use super::lists::{self, DncEntry, LeaseAnswer, ProspectState, SharedIn};
    let what = published(3);
    assert_eq!(what.prospects.len(), 3);
    assert!(what.prospects.iter().all(|p| p.phones.len() == 1));

    let (mut store, rep) = linked_rep();
    let incoming = SharedIn {
        themes: what.themes.clone(),
        prospects: what.prospects.clone(),
        ..SharedIn::default()
    };
    let r = pull::apply(&mut store, &[], &[], &[], &incoming, 7).unwrap();
    assert_eq!(r.shared.prospects_added, 3);
    let c = store.conn();
    assert_eq!(count(c, "SELECT count(*) FROM team_shared"), 3);
    assert_eq!(count(c, "SELECT count(*) FROM prospect_phones"), 3);
    let ids: Vec<String> = what.prospects.iter().map(|p| p.row.id.clone()).collect();

    let theme: String = c
        .query_row("SELECT id FROM themes WHERE name = 'Shared'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let now = Utc::now();
    let session =
        crate::session::Session::start(&mut store, std::slice::from_ref(&theme), None, None, now)
            .unwrap();
    let c = store.conn();
    let s = Settings::default();
    let next = |at| {
        crate::queue::next(c, session.block_id(), std::slice::from_ref(&theme), &s, at).unwrap()
    };
    assert_eq!(next(now), None, "no lease, no shared lead");
    let rest =
        crate::queue::rest(c, session.block_id(), std::slice::from_ref(&theme), now).unwrap();
    assert_eq!(rest.waiting_for_team, 3);

    let ask = lists::lease_ask(c, Some(&rep.id), now).unwrap();
    assert_eq!(ask.block_id.as_deref(), Some(session.block_id()));
    assert_eq!(
        ask.take, ids,
        "the block's next leads, in the queue's order"
    );
    let answer = |id: &String, holder: Option<&str>, name: Option<&str>| LeaseAnswer {
        prospect_id: id.clone(),
        rep_id: holder.map(str::to_string),
        rep_name: name.map(str::to_string),
        seconds_left: lists::LEASE_SECONDS,
    };
    let held = lists::lease_answers(
        c,
        &rep.id,
        &[
            answer(&ids[0], Some(&rep.id), None),
            answer(&ids[1], Some("sam-id"), Some("Sam Okafor")),
            answer(&ids[2], None, None),
        ],
        now,
    )
    .unwrap();
    assert_eq!(held, 1);
    assert_eq!(next(now).map(|e| e.prospect_id), Some(ids[0].clone()));
    // Sam's lead and the one nobody may have are not asked for again while
    // Sam holds his; the one refused outright is.
    let ask = lists::lease_ask(c, Some(&rep.id), now).unwrap();
    assert_eq!(ask.renew, vec![ids[0].clone()]);
    assert_eq!(ask.take, vec![ids[2].clone()]);
    let soon = now + chrono::Duration::seconds(lists::ASK_AGAIN_SECONDS as i64 + 1);
    let ask = lists::lease_ask(c, Some(&rep.id), soon).unwrap();
    assert_eq!(
        ask.take,
        vec![ids[1].clone(), ids[2].clone()],
        "another rep's lead is asked for again soon (they may have given it back)"
    );
    // A lease not renewed runs out, here as at the store.
    let later = now + chrono::Duration::seconds(lists::LEASE_SECONDS as i64 + 1);
    assert_eq!(next(later), None);

    // The team's word: a later call's state, not an earlier one's; a number
    // on the team's list marks whoever has it, and is not sent back.
    let state = |at: &str| ProspectState {
        prospect_id: ids[1].clone(),
        status: "attempting".into(),
        attempts: 1,
        next_attempt_at: Some("2099-01-01T00:00:00.000Z".into()),
        callback_at: None,
        last_called_at: at.into(),
        do_not_call: false,
        bad_number: false,
    };
    let dnc = DncEntry {
        kind: "phone".into(),
        value: "+14155550202".into(),
        since: "2026-12-01T10:00:00.000Z".into(),
        removed: false,
    };
    let status_before: String = store
        .conn()
        .query_row(
            "SELECT status FROM prospects WHERE id = ?1",
            [&ids[2]],
            |r| r.get(0),
        )
        .unwrap();
    let incoming = SharedIn {
        states: vec![state("2026-12-01T10:00:00.000Z")],
        dnc: vec![dnc],
        ..SharedIn::default()
    };
    let r = pull::apply(&mut store, &[], &[], &[], &incoming, 8).unwrap();
    assert_eq!(r.shared.states_applied, 1);
    assert_eq!(r.shared.do_not_call_added, 1);
    assert_eq!(r.shared.prospects_marked, 1);
    let c = store.conn();
    assert_eq!(
        count(
            c,
            &format!("SELECT attempts FROM prospects WHERE id = '{}'", ids[1])
        ),
        1
    );
    assert_eq!(
        count(
            c,
            &format!("SELECT do_not_call FROM prospects WHERE id = '{}'", ids[2])
        ),
        1
    );
    assert_eq!(count(c, "SELECT count(*) FROM team_dnc_outbox"), 0);
    let older = SharedIn {
        states: vec![ProspectState {
            attempts: 5,
            ..state("2026-11-01T10:00:00.000Z")
        }],
        ..SharedIn::default()
    };
    let r = pull::apply(&mut store, &[], &[], &[], &older, 9).unwrap();
    assert_eq!(
        r.shared.states_applied, 0,
        "an earlier call changes nothing"
    );

    // The rep who listed the number undid that call: the team took it off
    // its list. The prospect it marked here is as it was before, and the
    // number is callable again.
    let taken_back = SharedIn {
        dnc: vec![DncEntry {
            removed: true,
            ..incoming.dnc[0].clone()
        }],
        ..SharedIn::default()
    };
    let r = pull::apply(&mut store, &[], &[], &[], &taken_back, 10).unwrap();
    assert_eq!(r.shared.do_not_call_removed, 1);
    assert_eq!(r.shared.prospects_unmarked, 1);
    let c = store.conn();
    let (status, dnc_flag): (String, bool) = c
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [&ids[2]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), dnc_flag), (status_before.as_str(), false));
    assert_eq!(
        count(
            c,
            "SELECT count(*) FROM do_not_call WHERE value = '+14155550202'"
        ),
        0
    );
    assert_eq!(count(c, "SELECT count(*) FROM team_dnc_marks"), 0);
    assert_eq!(
        count(c, "SELECT count(*) FROM team_dnc_outbox"),
        0,
        "nothing sent back"
    );
    // Taken back again: nothing left to do.
    let r = pull::apply(&mut store, &[], &[], &[], &taken_back, 11).unwrap();
    assert_eq!(r.shared.do_not_call_removed, 0);

    // A shared lead the team's state made do-not-call, then a later call's
    // state (the undo of that outcome, and another logged): it applies.
    let dnc_state = ProspectState {
        status: "do_not_call".into(),
        do_not_call: true,
        next_attempt_at: None,
        ..state("2026-12-02T10:00:00.000Z")
    };
    let number: String = store
        .conn()
        .query_row(
            "SELECT e164 FROM prospect_phones WHERE prospect_id = ?1",
            [&ids[1]],
            |r| r.get(0),
        )
        .unwrap();
    let listing = DncEntry {
        kind: "phone".into(),
        value: number.clone(),
        since: "2026-12-02T10:00:00.000Z".into(),
        removed: false,
    };
    let r = pull::apply(
        &mut store,
        &[],
        &[],
        &[],
        &SharedIn {
            states: vec![dnc_state],
            dnc: vec![listing.clone()],
            ..SharedIn::default()
        },
        12,
    )
    .unwrap();
    assert_eq!(r.shared.states_applied, 1);
    let later = |at: &str| ProspectState {
        status: "not_interested".into(),
        attempts: 2,
        next_attempt_at: None,
        ..state(at)
    };
    // While the team still lists the number, a later state leaves the lead
    // do-not-call.
    let r = pull::apply(
        &mut store,
        &[],
        &[],
        &[],
        &SharedIn {
            states: vec![later("2026-12-02T10:05:00.000Z")],
            ..SharedIn::default()
        },
        13,
    )
    .unwrap();
    assert_eq!(
        r.shared.states_applied, 0,
        "the team's list still has the number"
    );
    // The number taken off, and a later state: it applies.
    let r = pull::apply(
        &mut store,
        &[],
        &[],
        &[],
        &SharedIn {
            states: vec![later("2026-12-02T10:06:00.000Z")],
            dnc: vec![DncEntry {
                removed: true,
                ..listing
            }],
            ..SharedIn::default()
        },
        14,
    )
    .unwrap();
    assert_eq!(r.shared.do_not_call_removed, 1);
    assert_eq!(
        r.shared.states_applied, 1,
        "the team's own do-not-call gives way"
    );
    let c = store.conn();
    let (status, dnc_flag): (String, bool) = c
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [&ids[1]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), dnc_flag), ("not_interested", false));
    assert_eq!(
        count(
            c,
            &format!(
                "SELECT count(*) FROM do_not_call WHERE prospect_id = '{}'",
                ids[1]
            )
        ),
        0,
        "the values its state had listed are off the list"
    );

    // Unlinked, the team's leads are this rep's own again.
    store.write(|tx| link::forget(tx)).unwrap();
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_shared"), 0);
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_leases"), 0);
}

#[test]
fn a_reps_clock_ten_minutes_off_keeps_a_lease_as_long_as_the_store_does() {
    use super::lists::{self, LeaseAnswer};
    let (mut store, rep, ids, theme) = with_shared(1);
    let lead = ids[0].clone();
    let session = crate::session::Session::start(
        &mut store,
        std::slice::from_ref(&theme),
        None,
        None,
        Utc::now(),
    )
    .unwrap();
    let s = Settings::default();
    for skew in [-600, 600] {
        // The store said 600 s are left; this machine's clock is off by `skew` s.
        let mine = Utc::now() + chrono::Duration::seconds(skew);
        let c = store.conn();
        lists::lease_answers(
            c,
            &rep.id,
            &[LeaseAnswer {
                prospect_id: lead.clone(),
                rep_id: Some(rep.id.clone()),
                rep_name: None,
                seconds_left: 600.0,
            }],
            mine,
        )
        .unwrap();
        let next = |at| {
            crate::queue::next(c, session.block_id(), std::slice::from_ref(&theme), &s, at)
                .unwrap()
                .map(|e| e.prospect_id)
        };
        assert_eq!(
            next(mine + chrono::Duration::seconds(590)),
            Some(lead.clone()),
            "{skew}"
        );
        assert_eq!(next(mine + chrono::Duration::seconds(601)), None, "{skew}");
    }
}

#[test]
fn what_the_store_sends_is_checked_as_a_bundle_is_and_one_reps_bad_row_stops_nobody() {
    use super::lists::{DncEntry, ProspectState, SharedIn};
    let (mut store, _rep) = linked_rep();
    let what = published(2);
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut prospects = what.prospects.clone();
        f(&mut prospects[0].row.body);
        SharedIn {
            themes: what.themes.clone(),
            prospects,
            ..SharedIn::default()
        }
    };
    // A name of 100,000 characters: the pull refused, by name, nothing written.
    let long = with(&|b| b["first_name"] = "x".repeat(100_000).into());
    let e = pull::apply(&mut store, &[], &[], &[], &long, 7)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the team store's published lists") && e.contains("first name"),
        "{e}"
    );
    assert!(
        e.len() < 600,
        "the refusal does not echo the value: {} chars",
        e.len()
    );
    assert_eq!(count(store.conn(), "SELECT count(*) FROM prospects"), 0);
    // A number that is not one: refused too.
    let mut bad_phone = with(&|_| {});
    bad_phone.prospects[1].phones[0].e164 = Some("+1 (415) DROP TABLE".into());
    let e = pull::apply(&mut store, &[], &[], &[], &bad_phone, 7)
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not a number in E.164 form"), "{e}");
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_shared"), 0);
    // A terminal escape in a company: taken in without it.
    let escape = with(&|b| b["company"] = "\u{1b}[31mAcme\u{7}".into());
    pull::apply(&mut store, &[], &[], &[], &escape, 7).unwrap();
    let companies: String = store
        .conn()
        .query_row(
            "SELECT group_concat(company, '|') FROM prospects",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !companies.contains('\u{1b}') && !companies.contains('\u{7}'),
        "{companies:?}"
    );

    // A rep's bad do-not-call entry or state is left out; the good ones land.
    let ids: Vec<String> = what.prospects.iter().map(|p| p.row.id.clone()).collect();
    let state = |at: &str| ProspectState {
        prospect_id: ids[1].clone(),
        status: "attempting".into(),
        attempts: 1,
        next_attempt_at: Some("2099-01-01T00:00:00.000Z".into()),
        callback_at: None,
        last_called_at: at.into(),
        do_not_call: false,
        bad_number: false,
    };
    let dnc = |value: String| DncEntry {
        kind: "phone".into(),
        value,
        since: "2026-12-01T10:00:00.000Z".into(),
        removed: false,
    };
    let mixed = SharedIn {
        states: vec![state("not a time"), state("2026-12-01T10:00:00.000Z")],
        dnc: vec![
            dnc("9".repeat(100_000)),
            dnc("+1415\u{0}5550201".into()),
            dnc("+14155550201".into()),
        ],
        ..SharedIn::default()
    };
    let r = pull::apply(&mut store, &[], &[], &[], &mixed, 8).unwrap();
    assert_eq!(r.shared.left_out, 3);
    assert_eq!(r.shared.states_applied, 1);
    assert_eq!(r.shared.do_not_call_added, 1);
    assert_eq!(
        count(store.conn(), "SELECT max(length(value)) FROM do_not_call"),
        12
    );
}

#[test]
fn batches_read_ahead_on_a_second_connection_are_the_batches_read_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dana.db");
    let mut store = Store::open(&path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    crate::demo::fill(&mut store, 5, now).unwrap();
    let queued = store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    assert!(queued > 60, "several batches of 25: {queued}");

    // Read ahead (the first batch is full), acknowledged as a push does.
    let mut ahead = Vec::new();
    {
        let mut batches = outbox::Batches::new(&store, 25, None);
        while let Some(b) = batches.next().unwrap() {
            outbox::ack(store.conn(), b.upto).unwrap();
            ahead.push(b);
            if ahead.len() == 1 {
                assert!(
                    batches.reads_ahead(),
                    "a full first batch: the rest read ahead"
                );
            }
        }
    }
    assert!(ahead.len() >= 3, "{} batches", ahead.len());
    assert_eq!(count(store.conn(), "SELECT count(*) FROM team_outbox"), 0);

    // The same queue again, read one batch at a time on the store's own
    // connection.
    store
        .conn()
        .execute_batch("DELETE FROM team_link; DELETE FROM team_dnc_outbox;")
        .unwrap();
    store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    let mut one_by_one = Vec::new();
    while let Some(b) = outbox::next_batch(store.conn(), 25, None).unwrap() {
        outbox::ack(store.conn(), b.upto).unwrap();
        one_by_one.push(b);
    }
    type Shape = (u32, Vec<(Kind, String)>, Vec<String>);
    let shape = |bs: &[outbox::Batch]| -> Vec<Shape> {
        bs.iter()
            .map(|b| {
                let rows = b.rows.iter().map(|r| (r.kind, r.id.clone())).collect();
                (b.entries, rows, b.calls.clone())
            })
            .collect()
    };
    assert_eq!(shape(&ahead), shape(&one_by_one));

    // A call changed while the batches are read (the window's block writes
    // on its own connection as the sync pushes): it is in a batch read
    // after the change, or still waits; nothing is lost.
    store
        .conn()
        .execute_batch("DELETE FROM team_link; DELETE FROM team_dnc_outbox;")
        .unwrap();
    store.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    let call: String = store
        .conn()
        .query_row(
            "SELECT id FROM calls WHERE outcome IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut after_change = Vec::new();
    {
        let mut batches = outbox::Batches::new(&store, 25, None);
        let mut n = 0;
        while let Some(b) = batches.next().unwrap() {
            outbox::ack(store.conn(), b.upto).unwrap();
            n += 1;
            if n == 2 {
                store
                    .conn()
                    .execute(
                        "UPDATE calls SET notes = 'changed mid-push' WHERE id = ?1",
                        [&call],
                    )
                    .unwrap();
            } else if n > 2 {
                after_change.push(b);
            }
        }
    }
    let pushed = after_change.iter().any(|b| {
        b.rows
            .iter()
            .any(|r| r.id == call && r.body["notes"] == "changed mid-push")
    });
    let waiting = count(
        store.conn(),
        &format!("SELECT count(*) FROM team_outbox WHERE row_id = '{call}'"),
    );
    assert!(
        pushed || waiting == 1,
        "the change is pushed or waits ({waiting} waiting)"
    );

    // An in-memory store has no second connection: it reads them on its
    // own, one at a time (as many batches).
    let mut mem = demo_store();
    mem.write(|tx| link::save(tx, &new_link(tx))).unwrap();
    assert!(mem.reader().unwrap().is_none());
    let mut in_memory = Vec::new();
    let mut batches = outbox::Batches::new(&mem, 25, None);
    while let Some(b) = batches.next().unwrap() {
        assert!(!batches.reads_ahead());
        outbox::ack(mem.conn(), b.upto).unwrap();
        in_memory.push(b);
    }
    assert_eq!(in_memory.len(), one_by_one.len());
}

#[test]
fn a_card_drawn_before_its_withdrawal_arrived_is_not_called() {
    use super::lists::{self, LeaseAnswer};
    let (mut store, rep, ids, theme) = with_shared(2);
    let now = Utc::now();
    let session =
        crate::session::Session::start(&mut store, std::slice::from_ref(&theme), None, None, now)
            .unwrap();
    let answers: Vec<LeaseAnswer> = ids
        .iter()
        .map(|id| LeaseAnswer {
            prospect_id: id.clone(),
            rep_id: Some(rep.id.clone()),
            rep_name: None,
            seconds_left: lists::LEASE_SECONDS,
        })
        .collect();
    lists::lease_answers(store.conn(), &rep.id, &answers, now).unwrap();
    let card = crate::queue::next(
        store.conn(),
        session.block_id(),
        std::slice::from_ref(&theme),
        &Settings::default(),
        now,
    )
    .unwrap()
    .expect("a leased lead is drawn");

    // The manager's withdrawal reaches this copy while the card is on screen.
    store
        .write(|tx| {
            lists::withdrawn_here(
                tx,
                std::slice::from_ref(&card.prospect_id),
                "2026-12-07T09:30:00.000Z",
            )
        })
        .unwrap();
    let calls = count(store.conn(), "SELECT count(*) FROM calls");
    let err = crate::calls::start_call(
        store.conn(),
        session.block_id(),
        &card.prospect_id,
        None,
        now,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "withdrawn");
    assert_eq!(
        err.to_string(),
        "a manager withdrew this lead from the team's lists (2026-12-07 09:30 UTC); it is no longer called. Skip it"
    );
    assert_eq!(
        count(store.conn(), "SELECT count(*) FROM calls"),
        calls,
        "no call opened"
    );
    // The other lead is called as before.
    let other = ids.iter().find(|id| **id != card.prospect_id).unwrap();
    crate::calls::start_call(store.conn(), session.block_id(), other, None, now).unwrap();
}

#[test]
fn an_undone_do_not_call_queues_its_listing_taken_back_for_the_team() {
    use crate::calls::{CallNotes, CallResult};
    use crate::domain::Outcome;
    use crate::lists::{self as local, NewPhone, NewProspect};
    let (mut store, _rep) = linked_rep();
    let t =
        local::create_theme(store.conn(), "Mine", crate::domain::ThemeKind::Custom, "").unwrap();
    for i in 0..2 {
        let p = NewProspect {
            theme_id: Some(t.id.clone()),
            first_name: format!("Lead{i}"),
            email: Some(format!("lead{i}@example.com")),
            phones: vec![NewPhone {
                kind: "direct".into(),
                e164: Some(format!("+1415555{:04}", 300 + i)),
                extension: None,
                raw: format!("415 555 {:04}", 300 + i),
            }],
            ..NewProspect::default()
        };
        local::insert_prospect(store.conn(), &p, Utc::now()).unwrap();
    }
    let theme = [t.id.clone()];
    let mut s =
        crate::session::Session::start(&mut store, &theme, Some(30), None, Utc::now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    s.start_call(&mut store).unwrap();
    s.answer(&mut store).unwrap();
    let dnc = CallResult {
        outcome: Outcome::DoNotCall,
        callback_at: None,
        meeting: None,
        notes: CallNotes::default(),
        asked_for_meeting: false,
    };
    s.log_outcome(&mut store, &dnc, dir.path()).unwrap();
    let (_, listed) = super::lists::dnc_waiting(store.conn(), 100)
        .unwrap()
        .unwrap();
    assert_eq!(listed.len(), 2, "the number and the e-mail: {listed:?}");
    assert!(listed.iter().all(|e| !e.removed));

    s.undo(&mut store).unwrap();
    let (upto, all) = super::lists::dnc_waiting(store.conn(), 100)
        .unwrap()
        .unwrap();
    let taken_back: Vec<_> = all.iter().filter(|e| e.removed).collect();
    assert_eq!(taken_back.len(), 2, "{all:?}");
    for e in &taken_back {
        assert!(listed
            .iter()
            .any(|l| l.kind == e.kind && l.value == e.value));
    }
    // In their order: listed, then taken back.
    assert!(!all[0].removed && all[all.len() - 1].removed);
    super::lists::dnc_ack(store.conn(), upto).unwrap();

    // Another outcome now lists nothing.
    let no = CallResult {
        outcome: Outcome::NotInterested,
        ..dnc
    };
    s.log_outcome(&mut store, &no, dir.path()).unwrap();
    assert!(super::lists::dnc_waiting(store.conn(), 100)
        .unwrap()
        .is_none());
}

#[test]
fn a_managers_copy_keeps_a_number_the_team_still_lists_when_a_reps_call_on_it_is_undone() {
    use super::lists::{DncEntry, SharedIn};
    use crate::calls::{CallNotes, CallResult};
    use crate::domain::Outcome;
    use crate::lists::{self as local, NewPhone, NewProspect};
    use rusqlite::OptionalExtension;
    // Dana's copy: a lead of hers, called "do not call" and pushed.
    let (mut dana, _rep) = linked_rep();
    let t = local::create_theme(dana.conn(), "Mine", crate::domain::ThemeKind::Custom, "").unwrap();
    let lead = local::insert_prospect(
        dana.conn(),
        &NewProspect {
            theme_id: Some(t.id.clone()),
            first_name: "Pat".into(),
            phones: vec![NewPhone {
                kind: "direct".into(),
                e164: Some("+14155550990".into()),
                extension: None,
                raw: "415 555 0990".into(),
            }],
            ..NewProspect::default()
        },
        Utc::now(),
    )
    .unwrap();
    let mut s = crate::session::Session::start(
        &mut dana,
        std::slice::from_ref(&t.id),
        Some(30),
        None,
        Utc::now(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    s.start_call(&mut dana).unwrap();
    s.answer(&mut dana).unwrap();
    let dnc = CallResult {
        outcome: Outcome::DoNotCall,
        callback_at: None,
        meeting: None,
        notes: CallNotes::default(),
        asked_for_meeting: false,
    };
    s.log_outcome(&mut dana, &dnc, dir.path()).unwrap();
    let (reps, rows) = drain(&dana);

    // The manager's copy pulls her call before the team's list has the
    // number: its listing here is the call's own.
    let mut lee = managers_copy();
    pull::apply(&mut lee, &reps, &rows, &[], &SharedIn::default(), 1).unwrap();
    let listed = |store: &Store| -> Option<String> {
        store
            .conn()
            .query_row(
                "SELECT source FROM do_not_call WHERE value = '+14155550990'",
                [],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
    };
    assert_eq!(listed(&lee).as_deref(), Some("call"));

    // She undoes it and logs another outcome; in the same pull the team's
    // list still has the number (another copy lists it too).
    s.undo(&mut dana).unwrap();
    s.log_outcome(
        &mut dana,
        &CallResult {
            outcome: Outcome::NotInterested,
            ..dnc
        },
        dir.path(),
    )
    .unwrap();
    // The pull reads the rows the call refers to as well (its block).
    let (_, changed) = drain(&dana);
    let mut rows = rows;
    for r in changed {
        rows.retain(|x| !(x.kind == r.kind && x.id == r.id));
        rows.push(r);
    }
    let still = SharedIn {
        dnc: vec![DncEntry {
            kind: "phone".into(),
            value: "+14155550990".into(),
            since: "2026-12-07T10:00:00.000Z".into(),
            removed: false,
        }],
        ..SharedIn::default()
    };
    pull::apply(&mut lee, &reps, &rows, &[], &still, 2).unwrap();
    assert_eq!(
        listed(&lee).as_deref(),
        Some("team"),
        "the call's listing went with the undo; the team's stands"
    );
    // Her lead here (a bundle carries no numbers: it holds none of the
    // list's) is as she left it.
    let status: String = lee
        .conn()
        .query_row("SELECT status FROM prospects WHERE id = ?1", [&lead], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "not_interested");
}

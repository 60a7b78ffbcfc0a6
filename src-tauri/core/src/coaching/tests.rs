use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::bundle;
use crate::reports::calllog::{self, CallLogQuery};
use crate::reports::ReportFilter;
use crate::store::Store;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

/// A rep's database with a few weeks of calls (the demo's).
fn rep_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    crate::demo::fill(&mut store, 5, t0()).unwrap();
    store
}

fn me(conn: &Connection) -> crate::reps::Rep {
    crate::reps::current_rep(conn)
        .unwrap()
        .expect("the demo has a rep")
}

/// The rep's latest completed calls, newest first.
fn calls_of(conn: &Connection, rep_id: &str, n: usize) -> Vec<String> {
    let mut s = conn
        .prepare(
            "SELECT id FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL
             ORDER BY started_at DESC, id LIMIT ?2",
        )
        .unwrap();
    s.query_map(rusqlite::params![rep_id, n as i64], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn bundle_of(conn: &Connection, rep_id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    bundle::export(conn, rep_id, None, None, &mut out).unwrap();
    out
}

#[test]
fn a_comment_and_a_flag_are_kept_and_checked() {
    let store = rep_store();
    let c = store.conn();
    let rep = me(c);
    let call = calls_of(c, &rep.id, 1).remove(0);
    let added = add_comment(
        c,
        &call,
        "  Ask the impact question before the pitch.  ",
        t0(),
    )
    .unwrap();
    assert_eq!(added.body, "Ask the impact question before the pitch.");
    assert_eq!(added.author, rep.name);
    assert!(added.mine);
    let flagged = set_flag(c, &call, true, t0()).unwrap();
    assert!(flagged.flagged);
    assert_eq!(flagged.flag_author.as_deref(), Some(rep.name.as_str()));
    assert_eq!(flagged.comments, vec![added.clone()]);

    // Refused, each in words, and nothing written.
    let e = add_comment(c, &call, " \n ", t0()).unwrap_err().to_string();
    assert!(e.contains("comment") && e.contains("empty"), "{e}");
    let e = add_comment(c, &call, &"x".repeat(2001), t0())
        .unwrap_err()
        .to_string();
    assert!(e.contains("2001") || e.contains("2,001"), "{e}");
    let e = add_comment(c, "no-such-call", "hi", t0())
        .unwrap_err()
        .to_string();
    assert!(e.contains("call"), "{e}");
    let e = set_flag(c, "no-such-call", true, t0())
        .unwrap_err()
        .to_string();
    assert!(e.contains("call"), "{e}");
    assert_eq!(of_call(c, &call).unwrap().comments.len(), 1);

    // Someone else's comment (a manager's, from a bundle) is not this rep's
    // to remove; their own is, once.
    merge(
        c,
        &[BComment {
            id: ids::new_id(),
            call_id: call.clone(),
            author: "Morgan (manager)".into(),
            body: "Good recovery on the budget objection.".into(),
            created_at: time::to_db(t0() + Duration::minutes(1)),
            deleted_at: None,
        }],
        &[],
        true,
    )
    .unwrap();
    let both = of_call(c, &call).unwrap().comments;
    assert_eq!(both.len(), 2);
    assert!(!both[1].mine);
    let e = remove_comment(c, &both[1].id, t0())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Morgan (manager)"), "{e}");
    remove_comment(c, &added.id, t0()).unwrap();
    assert!(remove_comment(c, &added.id, t0()).is_err(), "removed once");
    assert_eq!(of_call(c, &call).unwrap().comments, vec![both[1].clone()]);

    // The flag taken off stays a row (it travels), no longer flagged.
    assert!(!set_flag(c, &call, false, t0()).unwrap().flagged);
}

#[test]
fn a_call_in_progress_takes_no_comment() {
    let store = rep_store();
    let c = store.conn();
    let rep = me(c);
    let call = calls_of(c, &rep.id, 1).remove(0);
    c.execute(
        "UPDATE calls SET outcome = NULL, ended_at = NULL, duration_ms = NULL, callback_at = NULL
         WHERE id = ?1",
        [&call],
    )
    .unwrap();
    let e = add_comment(c, &call, "hi", t0()).unwrap_err().to_string();
    assert!(e.contains("in progress"), "{e}");
}

#[test]
fn comments_and_flags_travel_from_the_manager_to_the_rep_by_bundle() {
    // The rep's file, and the manager's, which imports the rep's bundle.
    let mut rep_db = rep_store();
    let rep = me(rep_db.conn());
    let calls = calls_of(rep_db.conn(), &rep.id, 3);
    let mut manager = Store::open_in_memory().unwrap();
    bundle::import(&mut manager, &bundle_of(rep_db.conn(), &rep.id)[..]).unwrap();
    crate::settings::set_app_value(manager.conn(), "current_rep", "").unwrap();

    let m = manager.conn();
    let said = add_comment(
        m,
        &calls[0],
        "Let the silence work after the question.",
        t0(),
    )
    .unwrap();
    assert_eq!(said.author, NO_REP_AUTHOR, "the manager's file has no rep");
    set_flag(m, &calls[0], true, t0()).unwrap();
    let gone = add_comment(m, &calls[1], "typo", t0()).unwrap();
    remove_comment(m, &gone.id, t0()).unwrap();

    // The rep imports the manager's bundle of their calls.
    let r = bundle::import(&mut rep_db, &bundle_of(m, &rep.id)[..]).unwrap();
    assert_eq!(r.coaching, 3, "a comment, a removed one and a flag: {r:?}");
    assert!(!r.unchanged);
    let c = rep_db.conn();
    let got = of_call(c, &calls[0]).unwrap();
    assert!(got.flagged);
    assert_eq!(got.comments.len(), 1);
    assert_eq!(got.comments[0].body, said.body);
    assert_eq!(got.comments[0].author, NO_REP_AUTHOR);
    assert!(!got.comments[0].mine);
    assert!(
        of_call(c, &calls[1]).unwrap().comments.is_empty(),
        "removed there"
    );

    // On the card's earlier attempts, and in the call log.
    let prospect: String = c
        .query_row(
            "SELECT prospect_id FROM calls WHERE id = ?1",
            [&calls[0]],
            |r| r.get(0),
        )
        .unwrap();
    let card = crate::card::call_card(c, &prospect, Some(&rep.id)).unwrap();
    let past = card.history.iter().find(|h| h.call_id == calls[0]).unwrap();
    assert!(past.flagged);
    assert_eq!(past.comments[0].body, said.body);

    // Again: nothing new.
    let again = bundle::import(&mut rep_db, &bundle_of(manager.conn(), &rep.id)[..]).unwrap();
    assert_eq!(again.coaching, 0);
    assert!(again.unchanged);

    // The flag taken off later in the rep's file wins over the older one.
    set_flag(rep_db.conn(), &calls[0], false, t0() + Duration::hours(1)).unwrap();
    let back = bundle::import(&mut manager, &bundle_of(rep_db.conn(), &rep.id)[..]).unwrap();
    assert_eq!(back.coaching, 1, "{back:?}");
    assert!(!of_call(manager.conn(), &calls[0]).unwrap().flagged);
    let older = bundle::import(&mut rep_db, &bundle_of(manager.conn(), &rep.id)[..]).unwrap();
    assert_eq!(older.coaching, 0);
}

#[test]
fn a_bad_comment_refuses_a_bundle_and_is_left_out_of_a_pull() {
    let store = rep_store();
    let c = store.conn();
    let rep = me(c);
    let call = calls_of(c, &rep.id, 1).remove(0);
    let bad = BComment {
        id: ids::new_id(),
        call_id: call.clone(),
        author: "M".into(),
        body: "x".repeat(5000),
        created_at: time::to_db(t0()),
        deleted_at: None,
    };
    let e = merge(c, std::slice::from_ref(&bad), &[], true)
        .unwrap_err()
        .to_string();
    assert!(e.contains("comment"), "{e}");
    let elsewhere = BComment {
        id: ids::new_id(),
        call_id: "a-call-not-here".into(),
        body: "fine".into(),
        ..bad.clone()
    };
    let m = merge(c, &[bad, elsewhere], &[], false).unwrap();
    assert_eq!(
        m,
        Merged {
            taken: 0,
            left_out: 2
        }
    );
    assert!(of_call(c, &call).unwrap().comments.is_empty());
}

#[test]
fn the_call_log_filters_by_the_flag() {
    let store = rep_store();
    let c = store.conn();
    let rep = me(c);
    let calls = calls_of(c, &rep.id, 5);
    for id in &calls[..3] {
        set_flag(c, id, true, t0()).unwrap();
    }
    set_flag(c, &calls[2], false, t0()).unwrap();
    add_comment(c, &calls[0], "see me", t0()).unwrap();
    let s = crate::settings::load(c).unwrap();
    let page = calllog::call_log(
        c,
        &CallLogQuery {
            filter: ReportFilter {
                flagged: true,
                ..ReportFilter::default()
            },
            ..CallLogQuery::default()
        },
        &s,
    )
    .unwrap();
    let mut got: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
    got.sort();
    let mut want = calls[..2].to_vec();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(page.total.value, 2);
    assert!(page.rows.iter().all(|r| r.flagged));
    let commented = page.rows.iter().find(|r| r.id == calls[0]).unwrap();
    assert_eq!(commented.comments, 1);
    // The funnel of the flagged calls counts them (read from the calls).
    let f = crate::reports::funnel(
        c,
        &ReportFilter {
            flagged: true,
            ..ReportFilter::default()
        },
        &s,
    )
    .unwrap();
    assert_eq!(f.dials, 2);
}

#[test]
fn a_flag_changed_on_a_slow_clock_still_comes_later() {
    let store = rep_store();
    let c = store.conn();
    let rep = me(c);
    let call = calls_of(c, &rep.id, 1).remove(0);
    // Flagged from a copy whose clock was an hour ahead ...
    merge(
        c,
        &[],
        &[BFlag {
            id: call.clone(),
            flagged: true,
            author: "Lee".into(),
            updated_at: time::to_db(t0() + Duration::hours(1)),
        }],
        true,
    )
    .unwrap();
    // ... taken off here: the change is stamped after it, so it travels.
    let off = set_flag(c, &call, false, t0()).unwrap();
    assert!(!off.flagged);
    assert_eq!(
        off.flag_changed_at.as_deref(),
        Some(time::to_db(t0() + Duration::hours(1) + Duration::milliseconds(1)).as_str())
    );
}

#[test]
fn a_bundle_may_coach_only_its_own_calls() {
    let store = rep_store();
    let rep = me(store.conn());
    let calls = calls_of(store.conn(), &rep.id, 1);
    let mut b = bundle::build(store.conn(), &rep.id, None, None).unwrap();
    // Someone else's call (not in the bundle): refused whole.
    b.comments.push(BComment {
        id: ids::new_id(),
        call_id: "another-reps-call".into(),
        author: "Manager".into(),
        body: "forged".into(),
        created_at: time::to_db(t0()),
        deleted_at: None,
    });
    b.counts = bundle::counts(&b);
    let mut bytes = Vec::new();
    bundle::write_bundle(&b, &mut bytes).unwrap();
    let mut other = Store::open_in_memory().unwrap();
    let e = bundle::import(&mut other, &bytes[..])
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not hold"), "{e}");
    assert_eq!(
        other
            .conn()
            .query_row("SELECT count(*) FROM calls", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        0,
        "nothing imported"
    );
    // On its own call: taken.
    b.comments[0].call_id = calls[0].clone();
    let mut bytes = Vec::new();
    bundle::write_bundle(&b, &mut bytes).unwrap();
    let r = bundle::import(&mut other, &bytes[..]).unwrap();
    assert_eq!(r.coaching, 1);
}

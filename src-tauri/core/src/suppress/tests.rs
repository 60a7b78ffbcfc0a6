use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::calls::{record_completed_call, CompletedCall};
use crate::domain::{Outcome, Settings};
use crate::import::{self, ImportOptions, ImportReport, ThemeChoice};
use crate::store::Store;

/// Monday 2026-11-23 15:00 UTC.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
}

/// A person in a CRM export: record id, first, last, e-mail, phone.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// The company is the e-mail's domain: a person with a new e-mail has a new
/// job, so that name and company do not match them to the saved one.
fn csv(dir: &Path, name: &str, rows: &[Row<'_>]) -> PathBuf {
    let mut text = String::from("Record ID,First Name,Last Name,Email,Phone Number,Company Name\n");
    for (crm, first, last, email, phone) in rows {
        let company = email.rsplit('@').next().unwrap_or_default().to_lowercase();
        text.push_str(&format!("{crm},{first},{last},{email},{phone},{company}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import_into(store: &mut Store, path: &Path, theme: &str) -> ImportReport {
    let source = import::read_file(path).unwrap();
    let mut opts = ImportOptions::new(&source, &Settings::default());
    opts.theme = ThemeChoice::Named(theme.into());
    opts.retheme_existing = true;
    import::run(store, &source, &opts, &mut |_| true).unwrap()
}

fn prospect_by_crm(store: &Store, crm: &str) -> String {
    store
        .conn()
        .query_row("SELECT id FROM prospects WHERE crm_id = ?1", [crm], |r| {
            r.get(0)
        })
        .unwrap()
}

fn status(store: &Store, id: &str) -> (String, bool) {
    store
        .conn()
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn rep(store: &Store) -> String {
    let found: Option<String> = store
        .conn()
        .query_row("SELECT id FROM reps WHERE name = 'Alex'", [], |r| r.get(0))
        .optional()
        .unwrap();
    found.unwrap_or_else(|| {
        crate::reps::create_rep(store.conn(), "Alex", None, None)
            .unwrap()
            .id
    })
}

/// A call on `prospect` that ended with `outcome`, as the block writes it.
fn call(store: &mut Store, prospect: &str, outcome: Outcome) -> String {
    let rep = rep(store);
    let call = CompletedCall {
        prospect_id: prospect.into(),
        rep_id: rep,
        block_id: None,
        theme_id: None,
        talk_track_version_id: None,
        started_at: t0() - Duration::days(1),
        ring_ms: None,
        duration_ms: 20_000,
        outcome,
        asked_for_meeting: false,
        callback_at: None,
        notes: String::new(),
        gap_current_state: String::new(),
        gap_objectives: String::new(),
        gap_impact: String::new(),
        objections: vec![],
        meeting: None,
    };
    store
        .write(|tx| record_completed_call(tx, &call, &Settings::default()))
        .unwrap()
}

/// Who a block on `theme` offers first, if anyone.
fn queued(store: &mut Store, theme: &str) -> Option<String> {
    let theme_id: String = store
        .conn()
        .query_row("SELECT id FROM themes WHERE name = ?1", [theme], |r| {
            r.get(0)
        })
        .unwrap();
    let rep = rep(store);
    let s = Settings::default();
    let themes = vec![theme_id];
    let block = store
        .write(|tx| crate::block::start_block(tx, &rep, &themes, Some(30), &s, t0()))
        .unwrap();
    let next = crate::queue::next(store.conn(), &block.id, &themes, &s, t0()).unwrap();
    store
        .write(|tx| {
            crate::block::end_block(tx, &block.id, crate::block::EndReason::EndedEarly, t0())
        })
        .unwrap();
    next.map(|e| e.prospect_id)
}

fn entries(store: &Store) -> Vec<(String, String, String)> {
    store
        .conn()
        .prepare("SELECT kind, value, source FROM do_not_call ORDER BY kind, value")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Dana asked not to be called on her only number.
fn dana_said_do_not_call(dir: &Path) -> Store {
    let mut store = Store::open(dir.join("t.db")).unwrap();
    let first = csv(
        dir,
        "first.csv",
        &[
            (
                "HS-1",
                "Dana",
                "Ng",
                "Dana.Ng@Acme.example",
                "+1 312 555 0100",
            ),
            ("HS-2", "Lee", "Park", "lee@acme.example", "+1 312 555 0111"),
        ],
    );
    import_into(&mut store, &first, "First list");
    let dana = prospect_by_crm(&store, "HS-1");
    let call_id = call(&mut store, &dana, Outcome::DoNotCall);
    let listed = entries(&store);
    assert_eq!(
        listed,
        [
            ("email".into(), "dana.ng@acme.example".into(), "call".into()),
            ("phone".into(), "+13125550100".into(), "call".into()),
        ]
    );
    let by_call: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM do_not_call WHERE call_id = ?1 AND prospect_id = ?2",
            [&call_id, &dana],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by_call, 2, "each entry names the call and the prospect");
    store
}

#[test]
fn the_same_person_under_a_new_crm_id_and_the_same_number_is_not_queued() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = dana_said_do_not_call(dir.path());
    // Another CRM's export: new id, new e-mail, same number written otherwise.
    let again = csv(
        dir.path(),
        "again.csv",
        &[("SF-9", "Dana", "Ng", "dng@newjob.example", "(312) 555-0100")],
    );
    let report = import_into(&mut store, &again, "Re-import");
    assert_eq!((report.imported, report.do_not_call), (1, 1));
    let new_dana = prospect_by_crm(&store, "SF-9");
    assert_ne!(new_dana, prospect_by_crm(&store, "HS-1"));
    assert_eq!(status(&store, &new_dana), ("do_not_call".into(), true));
    assert_eq!(queued(&mut store, "Re-import"), None);
    // Her new e-mail is on the list from now on.
    assert!(is_listed(store.conn(), "email", "dng@newjob.example").unwrap());
}

#[test]
fn the_same_e_mail_with_another_number_is_not_queued_either() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = dana_said_do_not_call(dir.path());
    let again = csv(
        dir.path(),
        "again.csv",
        &[(
            "SF-9",
            "Dana",
            "Ng-Smith",
            "DANA.NG@acme.EXAMPLE",
            "+1 415 555 0199",
        )],
    );
    // The e-mail matches the saved Dana: an update, kept as do-not-call.
    let report = import_into(&mut store, &again, "Re-import");
    assert_eq!(
        (report.imported, report.updated, report.do_not_call),
        (0, 1, 1)
    );
    assert_eq!(queued(&mut store, "Re-import"), None);
    // Her new number joined the list.
    assert!(is_listed(store.conn(), "phone", "+14155550199").unwrap());

    // A new prospect (the e-mail matches no one here any more: new CRM id,
    // new name) with her e-mail is stored as do-not-call.
    store
        .conn()
        .execute("UPDATE prospects SET email = NULL", [])
        .unwrap();
    let third = csv(
        dir.path(),
        "third.csv",
        &[(
            "ZI-3",
            "D.",
            "N.",
            "dana.ng@acme.example",
            "+1 206 555 0142",
        )],
    );
    let report = import_into(&mut store, &third, "Third");
    assert_eq!((report.imported, report.do_not_call), (1, 1));
    assert_eq!(queued(&mut store, "Third"), None);
}

#[test]
fn a_row_listed_in_the_same_file_lists_its_other_number_for_the_rows_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = dana_said_do_not_call(dir.path());
    let again = csv(
        dir.path(),
        "again.csv",
        &[
            // Her listed e-mail, and a new mobile written in the same row.
            ("SF-9", "D", "N", "dana.ng@acme.example", "+1 415 555 0100"),
            // Someone sharing only that new mobile, two rows down.
            ("SF-7", "Lou", "Vo", "lou@else.example", "+1 312 555 0177"),
            ("SF-8", "Dee", "En", "dee@other.example", "+1 415 555 0100"),
        ],
    );
    // No saved e-mail left to match on: every row is new.
    store
        .conn()
        .execute("UPDATE prospects SET email = NULL", [])
        .unwrap();
    let r = import_into(&mut store, &again, "Again");
    assert_eq!((r.imported, r.do_not_call), (3, 2), "{r:?}");
    assert_eq!(
        status(&store, &prospect_by_crm(&store, "SF-8")).0,
        "do_not_call"
    );
    assert_eq!(status(&store, &prospect_by_crm(&store, "SF-7")).0, "new");
}

#[test]
fn a_different_person_is_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = dana_said_do_not_call(dir.path());
    let lee = prospect_by_crm(&store, "HS-2");
    assert_eq!(status(&store, &lee), ("new".into(), false));
    let others = csv(
        dir.path(),
        "others.csv",
        &[
            (
                "SF-1",
                "Sam",
                "Ortiz",
                "sam@acme.example",
                "+1 312 555 0101",
            ),
            // The switchboard Dana shares, with another extension.
            (
                "SF-2",
                "Kim",
                "Ruiz",
                "kim@acme.example",
                "+1 312 555 0100 x12",
            ),
        ],
    );
    let report = import_into(&mut store, &others, "Others");
    assert_eq!((report.imported, report.do_not_call), (2, 0));
    assert!(queued(&mut store, "Others").is_some());
    for crm in ["SF-1", "SF-2"] {
        assert!(!status(&store, &prospect_by_crm(&store, crm)).1, "{crm}");
    }
}

#[test]
fn a_do_not_call_marks_who_shares_the_number_and_a_call_on_them_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let both = csv(
        dir.path(),
        "both.csv",
        &[
            ("HS-1", "Dana", "Ng", "dana@acme.example", "+1 312 555 0100"),
            ("SF-9", "Dana", "Ng", "dng@new.example", "+1 312 555 0100"),
            ("HS-3", "Ali", "Berg", "ali@acme.example", "+1 312 555 0102"),
        ],
    );
    import_into(&mut store, &both, "List");
    let (first, twin, ali) = (
        prospect_by_crm(&store, "HS-1"),
        prospect_by_crm(&store, "SF-9"),
        prospect_by_crm(&store, "HS-3"),
    );
    call(&mut store, &first, Outcome::DoNotCall);
    assert_eq!(status(&store, &twin), ("do_not_call".into(), true));
    assert_eq!(status(&store, &ali), ("new".into(), false));

    // Defence in depth: a prospect row somehow not marked is still refused.
    store
        .conn()
        .execute(
            "UPDATE prospects SET status = 'new', do_not_call = 0 WHERE id = ?1",
            [&twin],
        )
        .unwrap();
    let rep = rep(&store);
    let s = Settings::default();
    let theme: String = store
        .conn()
        .query_row(
            "SELECT theme_id FROM prospects WHERE id = ?1",
            [&twin],
            |r| r.get(0),
        )
        .unwrap();
    let block = store
        .write(|tx| crate::block::start_block(tx, &rep, &[theme], Some(30), &s, t0()))
        .unwrap();
    let err = store
        .write(|tx| crate::calls::start_call(tx, &block.id, &twin, None, t0()))
        .unwrap_err();
    assert_eq!(err.kind(), "do_not_call", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("+13125550100"), "{msg}");
    assert!(msg.contains("do-not-call list"), "{msg}");
    assert!(store
        .write(|tx| crate::calls::start_call(tx, &block.id, &ali, None, t0()))
        .is_ok());
}

#[test]
fn a_prospect_written_by_hand_checks_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = dana_said_do_not_call(dir.path());
    let p = crate::lists::insert_prospect(
        store.conn(),
        &crate::lists::NewProspect {
            first_name: "D".into(),
            email: Some("DANA.NG@acme.example".into()),
            ..Default::default()
        },
        t0(),
    )
    .unwrap();
    assert_eq!(status(&store, &p), ("do_not_call".into(), true));
}

#[test]
fn the_preview_says_a_row_is_on_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = dana_said_do_not_call(dir.path());
    let again = csv(
        dir.path(),
        "again.csv",
        &[
            ("SF-9", "Dana", "Ng", "dng@newjob.example", "+13125550100"),
            (
                "SF-1",
                "Sam",
                "Ortiz",
                "sam@acme.example",
                "+1 312 555 0101",
            ),
        ],
    );
    let source = import::read_file(&again).unwrap();
    let opts = ImportOptions::new(&source, &Settings::default());
    let p = import::preview(store.conn(), &source, &opts, 10).unwrap();
    assert!(p.rows[0].warnings.iter().any(|w| w == import::ON_THE_LIST));
    assert!(!p.rows[1].warnings.iter().any(|w| w == import::ON_THE_LIST));
}

#[test]
fn a_dry_run_counts_without_listing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = dana_said_do_not_call(dir.path());
    let again = csv(
        dir.path(),
        "again.csv",
        &[("SF-9", "Dana", "Ng", "dng@newjob.example", "+13125550100")],
    );
    let source = import::read_file(&again).unwrap();
    let mut opts = ImportOptions::new(&source, &Settings::default());
    opts.dry_run = true;
    let r = import::run(&mut store, &source, &opts, &mut |_| true).unwrap();
    assert_eq!((r.committed, r.do_not_call), (false, 1));
    assert_eq!(entries(&store).len(), 2, "nothing written");
}

#[test]
fn bundles_bring_the_list_and_are_checked_against_it() {
    let dir = tempfile::tempdir().unwrap();
    // The rep's database: Dana said do not call; Lee did not answer.
    let rep_store = dana_said_do_not_call(dir.path());
    let lee = prospect_by_crm(&rep_store, "HS-2");
    let mut rep_store = rep_store;
    call(&mut rep_store, &lee, Outcome::NoAnswer);
    let rep_id = rep(&rep_store);
    let mut bytes = Vec::new();
    crate::bundle::export(rep_store.conn(), &rep_id, None, None, &mut bytes).unwrap();

    // The manager's database already has Lee's number on its list.
    let mdir = tempfile::tempdir().unwrap();
    let mut manager = Store::open(mdir.path().join("m.db")).unwrap();
    let own = csv(
        mdir.path(),
        "own.csv",
        &[("M-1", "Lee", "P.", "lp@other.example", "+1 312 555 0111")],
    );
    import_into(&mut manager, &own, "Mine");
    let lee_here = prospect_by_crm(&manager, "M-1");
    call(&mut manager, &lee_here, Outcome::DoNotCall);

    let report = crate::bundle::import(&mut manager, bytes.as_slice()).unwrap();
    assert_eq!(report.do_not_call, 2, "Dana (marked) and Lee (listed here)");
    assert_eq!(status(&manager, &lee), ("do_not_call".into(), true));
    // Dana's e-mail and number came with the bundle: a re-import of her
    // under a new CRM id is not queued here either.
    let again = csv(
        mdir.path(),
        "again.csv",
        &[(
            "SF-9",
            "Dana",
            "Ng",
            "dng@newjob.example",
            "+1 312 555 0100",
        )],
    );
    let r = import_into(&mut manager, &again, "Re-import");
    assert_eq!(r.do_not_call, 1);
    assert_eq!(queued(&mut manager, "Re-import"), None);
}

/// A bundle's do-not-call call lists the number it was made on, which its
/// prospect (a bundle carries no numbers) does not hold: whoever has that
/// number here is marked all the same (the torture test found a prospect
/// imported before the bundle offered by the queue).
#[test]
fn a_listed_number_its_prospect_does_not_hold_marks_who_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let both = csv(
        dir.path(),
        "both.csv",
        &[
            ("HS-1", "Dana", "Ng", "dana@acme.example", "+1 312 555 0100"),
            (
                "SF-9",
                "Lee",
                "Park",
                "lee@other.example",
                "+1 312 555 0100",
            ),
        ],
    );
    import_into(&mut store, &both, "List");
    let (first, other) = (
        prospect_by_crm(&store, "HS-1"),
        prospect_by_crm(&store, "SF-9"),
    );
    store
        .write(|tx| {
            tx.execute(
                "DELETE FROM prospect_phones WHERE prospect_id = ?1",
                [&first],
            )?;
            crate::suppress::list_phone(
                tx,
                "+13125550100",
                &first,
                crate::suppress::Source::Manual,
                "2026-12-01T10:00:00.000Z",
            )?;
            super::mark_sharing(tx, &first, "2026-12-01T10:00:00.000Z")
        })
        .unwrap();
    assert_eq!(status(&store, &other), ("do_not_call".into(), true));
}

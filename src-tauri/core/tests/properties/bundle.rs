//! The bundle reader and import, on a real bundle of the demo (one rep, one
//! day) mutated: hostile text in any string, numbers out of range, wrong
//! types, ids duplicated or copied onto other rows, keys deleted, rows
//! duplicated, deep nesting; then written as JSON or gzip, and the bytes cut
//! or a byte changed. Half the cases import into an empty database, half
//! into one that holds another rep's bundle of the same day (rows matched
//! by id and by natural key).
//!
//! Holds: no panic; a refusal is a message under 500 characters with no raw
//! control character, and the database is as it was; an accepted bundle
//! stores only clean text (see `common::check_stored_text`), and SQLite's
//! `integrity_check` is ok and `foreign_key_check` empty.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::sync::OnceLock;

use callblock_core::bundle;
use chrono::{TimeZone, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{self, check_integrity, check_message, check_stored_text, fingerprint};
use crate::mutate::{self, Damage, Mutation};
use crate::{check, Outcome};

/// The longest a refusal of a bundle may be.
const MESSAGE_MAX: usize = 500;

/// One day of the demo's two reps as bundles: the document of the first
/// (mutated by the cases); an empty database, and one holding the second
/// rep's bundle, to import it into.
struct Demo {
    doc: Value,
    empty: Vec<u8>,
    team: Vec<u8>,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = common::open_copy(common::demo_db(), dir.path());
        let reps: Vec<String> = store
            .conn()
            .prepare("SELECT id FROM reps ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(reps.len() >= 2, "the demo has two reps");
        // A working day of the demo's history.
        let from = Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        let bytes = |rep: &str| {
            let mut out = Vec::new();
            bundle::export(store.conn(), rep, Some(from), Some(to), &mut out).unwrap();
            out
        };
        let mut json = Vec::new();
        GzDecoder::new(bytes(&reps[0]).as_slice())
            .read_to_end(&mut json)
            .unwrap();
        let team = bytes(&reps[1]);
        Demo {
            doc: serde_json::from_slice(&json).unwrap(),
            empty: common::template(|_| {}),
            team: common::template(|s| {
                bundle::import_named(s, team.as_slice(), "team.cbbundle").unwrap();
            }),
        }
    })
}

#[derive(Debug, Clone)]
struct BundleCase {
    mutations: Vec<Mutation>,
    damage: Vec<Damage>,
    gzip: bool,
    /// A byte of the file changed (at a fraction of its length).
    flip: Option<(f64, u8)>,
    /// The bytes cut (at a fraction of their length).
    cut: Option<f64>,
    /// Import into a database holding the other rep's bundle.
    into_team: bool,
}

fn bundle_case() -> impl Strategy<Value = BundleCase> {
    (
        mutate::mutations(6, 12_000),
        mutate::damage(),
        any::<bool>(),
        proptest::option::weighted(0.1, (0.0..1.0f64, any::<u8>())),
        proptest::option::weighted(0.1, 0.0..1.0f64),
        any::<bool>(),
    )
        .prop_map(
            |(mutations, damage, gzip, flip, cut, into_team)| BundleCase {
                mutations,
                damage,
                gzip,
                flip,
                cut,
                into_team,
            },
        )
}

fn one(case: &BundleCase, tally: &RefCell<common::Tally>) -> Result<(), String> {
    let demo = demo();
    let mut doc = demo.doc.clone();
    mutate::apply(&mut doc, &case.mutations);
    let mut text = serde_json::to_string(&doc).unwrap();
    mutate::damage_text(&mut text, &case.damage);
    let mut bytes = if case.gzip {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        gz.finish().unwrap()
    } else {
        text.into_bytes()
    };
    if let Some((at, b)) = case.flip {
        if !bytes.is_empty() {
            let i = ((at * bytes.len() as f64) as usize).min(bytes.len() - 1);
            bytes[i] = b;
        }
    }
    if let Some(at) = case.cut {
        bytes.truncate((at * bytes.len() as f64) as usize);
    }
    tally.borrow_mut().input(bytes.len());

    let dir = tempfile::tempdir().unwrap();
    let mut store = common::open_copy(
        if case.into_team {
            &demo.team
        } else {
            &demo.empty
        },
        dir.path(),
    );
    let before = fingerprint(store.conn());
    match bundle::import_named(&mut store, bytes.as_slice(), "rep.cbbundle") {
        Err(e) => {
            tally.borrow_mut().refuse(&e.to_string());
            check_message(&e.to_string(), MESSAGE_MAX).map_err(|m| format!("refused: {m}"))?;
            if fingerprint(store.conn()) != before {
                return Err(format!("refused ({e}) but the database changed"));
            }
        }
        Ok(report) => {
            tally.borrow_mut().accept(&format!(
                "{} calls added, {} present",
                report.calls.added, report.calls.already_present
            ));
            let summary = serde_json::to_value(&report).unwrap();
            if let Some(p) = common::json_problem(&summary) {
                return Err(format!("the report {p}"));
            }
            check_stored_text(store.conn())?;
            check_integrity(store.conn())?;
        }
    }
    Ok(())
}

pub fn property(run: &common::Run) -> Outcome {
    let cases = run.cases(64, 3_000);
    demo();
    let tally = RefCell::new(common::Tally::default());
    let result = check(run, cases, bundle_case(), |case| {
        crate::outcome(one(&case, &tally), &tally)
    });
    Outcome {
        cases,
        tally: tally.into_inner(),
        result,
    }
}

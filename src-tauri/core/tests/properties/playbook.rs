//! The playbook file's parser and import, on the demo's exported playbook
//! mutated: hostile text in any text field (escape sequences, controls,
//! bidi and zero-width characters, runs past every limit), wrong types,
//! numbers out of range, keys deleted, rows duplicated, deep nesting, then
//! the text cut or spliced; some cases go through a file with bytes that are
//! not UTF-8.
//!
//! Holds: no panic; a refusal is a message under 2,000 characters with no
//! raw control character, and the database is as it was; an accepted file
//! stores only clean text (see `common::check_stored_text`) and the
//! database passes SQLite's checks.

use std::cell::RefCell;
use std::sync::OnceLock;

use callblock_core::domain::ThemeKind;
use callblock_core::playbook::{self, ImportOptions};
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{self, check_integrity, check_message, check_stored_text, fingerprint};
use crate::mutate::{self, Damage, Mutation};
use crate::{check, Outcome};

/// The longest a refusal of a playbook file may be.
const MESSAGE_MAX: usize = 2_000;

/// The demo's playbook as a file, and a database holding the demo's themes
/// (and nothing else) to import it into.
fn demo() -> &'static (Value, Vec<u8>) {
    static DEMO: OnceLock<(Value, Vec<u8>)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let demo = common::open_copy(common::demo_db(), dir.path());
        let file = playbook::export_playbook(demo.conn(), common::demo_now()).unwrap();
        let themes: Vec<String> = file
            .talk_tracks
            .iter()
            .filter_map(|t| t.theme.clone())
            .chain(
                file.objections
                    .iter()
                    .flat_map(|o| o.overrides.iter().map(|v| v.theme.clone())),
            )
            .collect();
        let target = common::template(|store| {
            for name in &themes {
                // Some are named twice: the first is enough.
                let _ =
                    callblock_core::lists::create_theme(store.conn(), name, ThemeKind::Custom, "");
            }
        });
        (serde_json::to_value(&file).unwrap(), target)
    })
}

#[derive(Debug, Clone)]
struct PlaybookCase {
    mutations: Vec<Mutation>,
    damage: Vec<Damage>,
    /// Through a file, with these bytes inserted (not UTF-8, NUL, a BOM).
    file_bytes: Option<(f64, Vec<u8>)>,
    dry_run: bool,
}

fn playbook_case() -> impl Strategy<Value = PlaybookCase> {
    (
        mutate::mutations(6, 10_000),
        mutate::damage(),
        proptest::option::weighted(
            0.2,
            (
                0.0..1.0f64,
                proptest::sample::select(vec![
                    b"\xff".to_vec(),
                    b"\xc3".to_vec(),
                    b"\0".to_vec(),
                    b"\xef\xbb\xbf".to_vec(),
                    Vec::new(),
                ]),
            ),
        ),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(mutations, damage, file_bytes, dry_run)| PlaybookCase {
            mutations,
            damage,
            file_bytes,
            dry_run,
        })
}

fn one(case: &PlaybookCase, tally: &RefCell<common::Tally>) -> Result<(), String> {
    let (doc, target) = demo();
    let mut doc = doc.clone();
    mutate::apply(&mut doc, &case.mutations);
    let mut text = serde_json::to_string_pretty(&doc).unwrap();
    mutate::damage_text(&mut text, &case.damage);

    let dir = tempfile::tempdir().unwrap();
    let store = common::open_copy(target, dir.path());
    let before = fingerprint(store.conn());
    let opts = ImportOptions {
        dry_run: case.dry_run,
        created_by: None,
    };
    let result = match &case.file_bytes {
        None => {
            tally.borrow_mut().input(text.len());
            playbook::import_playbook(store.conn(), &text, "playbook.json", &opts)
        }
        Some((at, extra)) => {
            let mut bytes = text.into_bytes();
            let i = ((at * bytes.len() as f64) as usize).min(bytes.len());
            bytes.splice(i..i, extra.iter().copied());
            tally.borrow_mut().input(bytes.len());
            let path = dir.path().join("team.callblock-playbook.json");
            std::fs::write(&path, &bytes).unwrap();
            playbook::import_playbook_file(store.conn(), &path, &opts)
        }
    };
    match result {
        Err(e) => {
            tally.borrow_mut().refuse(&e.to_string());
            check_message(&e.to_string(), MESSAGE_MAX).map_err(|m| format!("refused: {m}"))?;
            if fingerprint(store.conn()) != before {
                return Err(format!("refused ({e}) but the database changed"));
            }
        }
        Ok(report) => {
            tally.borrow_mut().accept(&report.summary);
            if case.dry_run && fingerprint(store.conn()) != before {
                return Err("a dry run changed the database".into());
            }
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
    let cases = run.cases(128, 5_000);
    demo();
    let tally = RefCell::new(common::Tally::default());
    let result = check(run, cases, playbook_case(), |case| {
        crate::outcome(one(&case, &tally), &tally)
    });
    Outcome {
        cases,
        tally: tally.into_inner(),
        result,
    }
}

//! What every property shares: the run's settings (cases, seed), hostile
//! text, the database's fingerprint, the checks of stored text and of
//! refusal messages, and the process's peak memory.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use std::path::Path;
use std::sync::OnceLock;

use callblock_core::{text, Store};
use proptest::prelude::*;
use rusqlite::types::Value;
use rusqlite::Connection;

/// How a run was asked for: CI's short seeded slice, or `--long`.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub long: bool,
    pub seed: u64,
    /// Cases per property when given (`--cases N` or `PROPTEST_CASES`).
    pub cases: Option<u32>,
}

impl Run {
    /// Cases for a property: `short` in CI, `long` with `--long`, or as given.
    pub fn cases(&self, short: u32, long: u32) -> u32 {
        self.cases.unwrap_or(if self.long { long } else { short })
    }

    /// proptest's configuration: the seed fixed (printed, so that a failure
    /// is reproduced with `--seed`), no failure file (see main.rs), and
    /// no shrinking marathon.
    pub fn config(&self, cases: u32) -> proptest::test_runner::Config {
        proptest::test_runner::Config {
            cases,
            rng_seed: proptest::test_runner::RngSeed::Fixed(self.seed),
            failure_persistence: None,
            max_shrink_iters: 2_000,
            max_shrink_time: 20_000,
            ..proptest::test_runner::Config::default()
        }
    }
}

// ---------------------------------------------------------------------------
// Hostile text

/// Pieces that break naive readers and terminals: escape sequences, controls,
/// line ends, invisible and bidi characters, combining marks and
/// compatibility characters (NFC), quotes and delimiters, formulas.
pub const NASTY: &[&str] = &[
    "\u{1b}[31m",
    "\u{1b}[2J",
    "\u{1b}]0;title\u{7}",
    "\u{1b}]8;;http://x\u{1b}\\",
    "\u{9b}2J",
    "\u{85}",
    "\0",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{200E}",
    "\u{200F}",
    "\u{202A}",
    "\u{202B}",
    "\u{202C}",
    "\u{202D}",
    "\u{202E}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{2060}",
    "\u{FEFF}",
    "\u{AD}",
    "\u{61C}",
    "\u{180E}",
    "\u{2028}",
    "\u{2029}",
    "e\u{301}",
    "\u{301}",
    "a\u{328}\u{301}",
    "\u{212B}",
    "\u{FB01}",
    "\u{344}",
    "\u{1100}\u{1161}\u{11A8}",
    "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
    "\u{645}\u{6CC}\u{200C}\u{62E}",
    "\u{FFFD}",
    "\u{E000}",
    "\u{10FFFF}",
    "\"",
    "\"\"",
    "'",
    ",",
    ";",
    "\\",
    "\\u0000",
    "{",
    "}",
    "[",
    "]",
    "'=1+1",
    "=HYPERLINK(\"http://x\")",
    "+1",
    "-",
    "@",
    "{{first_name}}",
    "{{",
    "%s%n",
    " ",
    "Z\u{fc}rich",
    "\u{5d0}\u{5d1}",
    "Texas",
    "Ann",
    "+1 312 555 0142",
    "ann@example.com",
];

/// Characters of every kind, weighted to the ones that matter.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('\0', '\u{a0}'),
        1 => proptest::char::range('\u{200b}', '\u{206f}'),
        1 => proptest::char::range('\u{300}', '\u{36f}'),
        1 => any::<char>(),
    ]
}

/// One piece of hostile text.
fn piece(max_run: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(NASTY).prop_map(str::to_string),
        3 => proptest::collection::vec(hostile_char(), 0..12)
            .prop_map(|v| v.into_iter().collect::<String>()),
        1 => (proptest::sample::select(NASTY), 1..=max_run.max(1))
            .prop_map(|(p, n)| p.repeat(n)),
        1 => (proptest::char::range('a', 'z'), 1..=max_run.max(1))
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// Hostile text: up to `pieces` pieces, a run of one of them up to
/// `max_run` long (past every field's limit when it is large).
pub fn hostile(pieces: usize, max_run: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(max_run), 0..=pieces).prop_map(|v| v.concat())
}

// ---------------------------------------------------------------------------
// The database

/// A database file made by `fill`, as bytes: made once, copied for each
/// case (a copy opens in a few milliseconds; migrating a new database or
/// importing takes far longer in a debug build).
pub fn template(fill: impl FnOnce(&mut Store)) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("template.db");
    let mut store = Store::open(&db).unwrap();
    fill(&mut store);
    drop(store);
    std::fs::read(&db).unwrap()
}

/// A database opened on a copy of `template`, in `dir`.
pub fn open_copy(template: &[u8], dir: &Path) -> Store {
    let db = dir.join("callblock.db");
    std::fs::write(&db, template).unwrap();
    Store::open(&db).unwrap()
}

/// The demo database (seed 5, two weeks ending 2026-11-20), made once.
pub fn demo_db() -> &'static [u8] {
    static DEMO: OnceLock<Vec<u8>> = OnceLock::new();
    DEMO.get_or_init(|| {
        template(|store| {
            callblock_core::demo::fill(store, 5, demo_now()).unwrap();
        })
    })
}

/// The demo's "now".
pub fn demo_now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 20, 18, 0, 0)
        .unwrap()
}

/// Every table's rows, hashed: proof that nothing changed.
pub fn fingerprint(conn: &Connection) -> Vec<(String, usize, u64)> {
    tables(conn)
        .into_iter()
        .map(|t| {
            let mut s = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = s.column_count();
            let mut rows: Vec<String> = s
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            let mut h = DefaultHasher::new();
            rows.hash(&mut h);
            (t, rows.len(), h.finish())
        })
        .collect()
}

fn tables(conn: &Connection) -> Vec<String> {
    let mut s = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'calls_fts%' ORDER BY name",
        )
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// SQLite's own checks: the file is sound and every reference holds.
pub fn check_integrity(conn: &Connection) -> Result<(), String> {
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if ok != "ok" {
        return Err(format!("integrity_check: {ok}"));
    }
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    if broken != 0 {
        return Err(format!("foreign_key_check: {broken} broken references"));
    }
    Ok(())
}

/// Characters that show nothing or reorder text, which no stored text holds.
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// How a stored column is checked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// One line, at most this many characters (`usize::MAX`: no limit).
    Line(usize),
    /// Several lines allowed, at most this many characters.
    Text(usize),
    /// A JSON document whose every string is a (multi-line) text.
    Json,
    /// Not text from outside (a file path the test chose, a generated time).
    Skip,
}

fn kind_of(table: &str, column: &str) -> Kind {
    use Kind::*;
    let line = |r: text::Rule| Line(r.max_chars);
    let many = |r: text::Rule| Text(r.max_chars);
    match (table, column) {
        ("imports", "source_file") | ("prospects", "source_file") => Skip,
        ("imports", "mapping") | ("prospects", "extra") | ("settings", "value") => Json,
        ("themes", "name") => line(text::THEME_NAME),
        ("themes", "description") => many(text::THEME_DESCRIPTION),
        ("reps", "name") => line(text::REP_NAME),
        ("reps", "email") | ("meetings", "email") | ("prospects", "email") => line(text::EMAIL),
        (_, "time_zone") | (_, "prospect_time_zone") => line(text::TIME_ZONE),
        ("prospects", "first_name") => line(text::FIRST_NAME),
        ("prospects", "last_name") => line(text::LAST_NAME),
        ("prospects", "title") => line(text::TITLE),
        ("prospects", "company") => line(text::COMPANY),
        ("prospects", "city") => line(text::CITY),
        ("prospects", "region") => line(text::REGION),
        ("prospects", "country") => line(text::COUNTRY),
        ("prospects", "industry") => line(text::INDUSTRY),
        ("prospects", "employees") => line(text::EMPLOYEES),
        ("prospects", "crm_id") => line(text::CRM_ID),
        ("prospect_phones", "raw") => line(text::PHONE),
        ("talk_tracks", "name") => line(text::TALK_TRACK_NAME),
        ("talk_track_versions", "change_note") => many(text::CHANGE_NOTE),
        (
            "talk_track_versions",
            "opener"
            | "engage_statement"
            | "impact_question"
            | "appointment_request"
            | "voicemail_script"
            | "referral"
            | "agenda_line",
        ) => many(text::SECTION),
        ("objections", "label") => line(text::OBJECTION_LABEL),
        ("objection_responses", "response") => many(text::RESPONSE),
        ("calls", "notes") => many(text::NOTES),
        ("calls", "gap_current_state" | "gap_objectives" | "gap_impact") => many(text::GAP_NOTE),
        ("meetings", "format") => line(text::MEETING_FORMAT),
        (_, c) if c == "id" || c.ends_with("_id") => Line(text::ID_MAX_CHARS),
        _ => Line(usize::MAX),
    }
}

/// What is wrong with one stored text, if anything.
fn text_problem(s: &str, lines_allowed: bool, max: usize) -> Option<String> {
    if let Some(c) = s
        .chars()
        .find(|&c| (c.is_control() && !(lines_allowed && c == '\n')) || invisible(c))
    {
        return Some(format!("holds U+{:04X}", c as u32));
    }
    if !unicode_normalization::is_nfc(s) {
        return Some("is not NFC".to_string());
    }
    let n = s.chars().count();
    if n > max {
        return Some(format!("is {n} characters long, more than {max}"));
    }
    None
}

/// What is wrong with a JSON document's strings (as [`check_stored_text`]).
pub fn json_problem(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    match v {
        J::String(s) => {
            text_problem(s, true, usize::MAX).map(|p| format!("{p}: {:?}", clip(s, 200)))
        }
        J::Array(a) => a.iter().find_map(json_problem),
        J::Object(o) => o.iter().find_map(|(k, v)| {
            text_problem(k, false, usize::MAX)
                .map(|p| format!("key {p}"))
                .or_else(|| json_problem(v).map(|p| format!("{k}: {p}")))
        }),
        _ => None,
    }
}

/// Every text stored in the database is clean: no control character but
/// `\n` (and that only in a multi-line field), no invisible or bidi
/// character, NFC, within its field's limit; JSON columns parse and their
/// strings are clean.
pub fn check_stored_text(conn: &Connection) -> Result<(), String> {
    for t in tables(conn) {
        let mut s = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let names: Vec<String> = s.column_names().map(|c| c.to_string()).collect();
        let mut rows = s.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for (i, col) in names.iter().enumerate() {
                let Value::Text(v) = r.get::<_, Value>(i).unwrap() else {
                    continue;
                };
                // App values (`app.current_rep`, ...) are plain text, not
                // JSON settings.
                let app_value = t == "settings"
                    && col == "value"
                    && r.get::<_, String>("key")
                        .is_ok_and(|k| k.starts_with("app."));
                let kind = if app_value {
                    Kind::Line(200)
                } else {
                    kind_of(&t, col)
                };
                let problem = match kind {
                    Kind::Skip => None,
                    Kind::Line(max) => text_problem(&v, false, max),
                    Kind::Text(max) => text_problem(&v, true, max),
                    Kind::Json => match serde_json::from_str::<serde_json::Value>(&v) {
                        Ok(j) => json_problem(&j),
                        Err(e) => Some(format!("is not JSON ({e})")),
                    },
                };
                if let Some(p) = problem {
                    return Err(format!("{t}.{col} {p}: {:?}", clip(&v, 120)));
                }
            }
        }
    }
    Ok(())
}

/// A refusal reads well: not longer than `max` characters, no raw control
/// character (a value it quotes is escaped), not empty.
pub fn check_message(msg: &str, max: usize) -> Result<(), String> {
    let n = msg.chars().count();
    if n == 0 {
        return Err("the message is empty".into());
    }
    if n > max {
        return Err(format!(
            "the message is {n} characters long (more than {max}): {:?}",
            clip(msg, 300)
        ));
    }
    if let Some(c) = msg.chars().find(|&c| c.is_control() || invisible(c)) {
        return Err(format!(
            "the message holds U+{:04X}: {:?}",
            c as u32,
            clip(msg, 300)
        ));
    }
    Ok(())
}

/// The first `n` characters of `s`, for a failure message.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

// ---------------------------------------------------------------------------
// Memory

/// The process's resident-set high-water mark (VmHWM), in KiB; 0 where
/// /proc is not there.
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Start the high-water mark again from the current resident set (Linux:
/// writing 5 to clear_refs); false when it cannot.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Counts of one property's run, for the figures; with `--outcomes FILE`,
/// what came of each input, one line each.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub tried: u64,
    pub accepted: u64,
    pub refused: u64,
    pub largest_bytes: u64,
    pub log: Vec<String>,
}

impl Tally {
    /// A refusal, printed with `PROPERTIES_VERBOSE=1` (to see what the
    /// generators reach).
    pub fn refuse(&mut self, why: &str) {
        self.refused += 1;
        if std::env::var_os("PROPERTIES_VERBOSE").is_some() {
            println!("  refused: {}", clip(why, 160));
        }
        // The temporary folder is not part of the outcome.
        let why = match why.strip_prefix('/') {
            Some(_) => why.split_once(": ").map_or(why, |x| x.1),
            None => why,
        };
        self.note(&format!("refused: {}", clip(why, 100)));
    }

    pub fn accept(&mut self, what: &str) {
        self.accepted += 1;
        self.note(&format!("accepted: {what}"));
    }

    /// A line of the outcomes, when they are recorded.
    pub fn note(&mut self, line: &str) {
        if crate::recording() {
            self.log.push(format!("{} {line}", self.tried));
        }
    }

    pub fn input(&mut self, bytes: usize) {
        self.tried += 1;
        self.largest_bytes = self.largest_bytes.max(bytes as u64);
    }
}

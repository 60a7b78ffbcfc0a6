//! The CSV reader, the column mapping and the import, on generated files:
//! random headers (repeated, empty, entity-prefixed, hostile names), cells
//! of hostile text (escape sequences, controls, bidi and zero-width
//! characters, long runs), quotes right, doubled or unbalanced, mixed line
//! ends, `sep=` lines, blank lines, every encoding the reader knows (UTF-8
//! with and without BOM, UTF-16 LE/BE with and without BOM, Windows-1252),
//! then damage to the bytes: NUL, bytes that are not UTF-8, stray BOMs, a
//! cut-off end.
//!
//! Holds: no panic; a file refused (by the reader, the mapping, the preview
//! or the import) gives a message under 500 characters with no raw control
//! character and leaves the database as it was; a file imported stores only
//! clean text (see `common::check_stored_text`), passes SQLite's checks,
//! and counts every row read as imported, updated or rejected; a dry run,
//! or a refusal of a file with rejected rows, changes nothing; all of it
//! again when the same file is imported a second time (rows now update).

use std::cell::RefCell;
use std::path::Path;
use std::sync::OnceLock;

use callblock_core::domain::Settings;
use callblock_core::import::{
    self, parse_override, read_file, Field, ImportOptions, OnRejects, ThemeChoice,
};
use callblock_core::Store;
use proptest::prelude::*;

use crate::common::{self, check_integrity, check_message, check_stored_text, fingerprint};
use crate::{check, Outcome};

/// The longest a refusal of a CSV file may be.
const MESSAGE_MAX: usize = 500;

const KNOWN: &[&str] = &[
    "First Name",
    "Last Name",
    "Full Name",
    "Name",
    "Email",
    "E-mail",
    "Phone",
    "Phone Number",
    "Mobile",
    "Mobile Phone",
    "Direct Phone",
    "Corporate Phone",
    "Other Phone",
    "Company",
    "Account Name",
    "Title",
    "Job Title",
    "Country",
    "State",
    "Region",
    "City",
    "Time Zone",
    "Industry",
    "Employees",
    "# Employees",
    "Record ID",
    "Lead ID",
    "Contact ID",
    "Notes",
    "Lifecycle Stage",
    "Person - Name",
    "Person - Phone - Work",
    "Person - Email - Work",
    "Organization - Name",
    "Contact Phone",
    "Lead Email",
    "Mailing City",
    "Primary Phone",
    "Prospect Company",
    "sep=,",
];

const VALUES: &[&str] = &[
    "+1 312 555 0142",
    "(312) 555-0142 x12",
    "312.555.0143",
    "+44 20 7946 0958",
    "+49 30 901820",
    "0044 20 7946 0959",
    "n/a",
    "12",
    "ann@example.com",
    "bob@example.com",
    "not an e-mail",
    "Ann",
    "Lee",
    "Acme",
    "US",
    "United States",
    "Texas",
    "TX",
    "GB",
    "Deutschland",
    "America/Chicago",
    "Europe/Berlin",
    "UTC+2",
    "51-200",
    "10000+",
    "VP of Sales",
    "Logistics",
    "42",
];

/// One cell or header: a known value, hostile text, or nothing.
fn cell(known: &'static [&'static str], long: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(known).prop_map(str::to_string),
        3 => common::hostile(4, 40),
        1 => Just(String::new()),
        1 => common::hostile(2, long),
    ]
    // NUL in the first 64 KB makes the file binary data: that case is one
    // of the damages, not in every other file.
    .prop_map(|s| s.replace('\0', ""))
}

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16LeBom,
    Utf16BeBom,
    Windows1252,
}

#[derive(Debug, Clone)]
enum Damage {
    /// Insert bytes at a point of the file (a fraction of its length).
    Insert(f64, Vec<u8>),
    /// Replace the byte at a point.
    Set(f64, u8),
    /// Cut the file at a point.
    Truncate(f64),
}

#[derive(Debug, Clone)]
enum Theme {
    None,
    Named(String),
    Field(usize),
    Column(String),
}

const PHONES: &[&str] = &[
    "+1 312 555 0142",
    "(312) 555-0144",
    "312-555-0145 ext. 7",
    "+44 20 7946 0958",
    "+49 30 901820",
    "+33 1 23 45 67 89",
    "0044 20 7946 0959",
    "+1 (512) 555-0146",
    "13035550116",
];

/// A row's cell: its generic value, a phone number, and whether a phone
/// column takes the phone number.
type Cell = (String, &'static str, bool);

#[derive(Debug, Clone)]
struct CsvCase {
    headers: Vec<String>,
    /// The column of phone numbers, if any.
    phone_column: Option<usize>,
    rows: Vec<Vec<Cell>>,
    delimiter: u8,
    /// How each cell is quoted, cycled: 0-5 as it is, 6-7 quoted, 8 an
    /// unbalanced quote, 9 a quote in the middle.
    quoting: Vec<u8>,
    /// Line ends, cycled.
    line_ends: Vec<&'static str>,
    sep_line: bool,
    blank_lines: bool,
    final_line_end: bool,
    encoding: Encoding,
    damage: Vec<Damage>,
    theme: Theme,
    overrides: Vec<String>,
    import_nothing: bool,
    dry_run: bool,
}

fn csv_case() -> impl Strategy<Value = CsvCase> {
    let columns = prop_oneof![8 => 1usize..10, 1 => 10usize..80];
    columns
        .prop_flat_map(|n| {
            let headers = proptest::collection::vec(cell(KNOWN, 300), n);
            let phone_column = proptest::option::weighted(
                0.95,
                (
                    0..n,
                    proptest::sample::select(vec![
                        "Phone",
                        "Mobile",
                        "Phone Number",
                        "Person - Phone - Work",
                        "Direct Phone",
                    ]),
                ),
            );
            let c = (
                cell(VALUES, 6_000),
                proptest::sample::select(PHONES),
                proptest::bool::weighted(0.85),
            );
            let row = proptest::collection::vec(c, n.saturating_sub(2)..n + 3);
            let rows = proptest::collection::vec(row, 1..8);
            (headers, phone_column, rows)
        })
        .prop_flat_map(|(mut headers, phone, rows)| {
            let phone_column = phone.map(|(i, name)| {
                headers[i] = name.to_string();
                i
            });
            let layout = (
                proptest::sample::select(vec![b',', b';', b'\t']),
                proptest::collection::vec(0u8..10, 1..12),
                proptest::collection::vec(proptest::sample::select(vec!["\n", "\r\n", "\r"]), 1..4),
                proptest::bool::weighted(0.1),
                proptest::bool::weighted(0.2),
                any::<bool>(),
                prop_oneof![
                    6 => Just(Encoding::Utf8),
                    1 => Just(Encoding::Utf8Bom),
                    1 => Just(Encoding::Utf16Le),
                    1 => Just(Encoding::Utf16LeBom),
                    1 => Just(Encoding::Utf16BeBom),
                    1 => Just(Encoding::Windows1252),
                ],
            );
            let damage = proptest::collection::vec(
                prop_oneof![
                    3 => (0.0..1.0f64, proptest::sample::select(vec![
                        b"\0".to_vec(),
                        b"\xff".to_vec(),
                        b"\xc3".to_vec(),
                        b"\xed\xa0\x80".to_vec(),
                        b"\xef\xbb\xbf".to_vec(),
                        b"\xff\xfe".to_vec(),
                        b"\"".to_vec(),
                        b"\r".to_vec(),
                        b"\x1b[2J".to_vec(),
                    ])).prop_map(|(at, b)| Damage::Insert(at, b)),
                    2 => (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Damage::Set(at, b)),
                    1 => (0.0..1.0f64).prop_map(Damage::Truncate),
                ],
                0..3,
            );
            let damage = prop_oneof![3 => Just(Vec::new()), 1 => damage];
            let names = headers.clone();
            let theme = prop_oneof![
                3 => Just(Theme::None),
                1 => common::hostile(3, 200).prop_map(Theme::Named),
                3 => (0..Field::ALL.len()).prop_map(Theme::Field),
                2 => proptest::sample::select(names.clone()).prop_map(Theme::Column),
                1 => common::hostile(2, 20).prop_map(Theme::Column),
            ];
            let overrides = proptest::collection::vec(
                prop_oneof![
                    (
                        proptest::sample::select(Field::ALL.to_vec()),
                        proptest::sample::select(names)
                    )
                        .prop_map(|(f, h)| format!("{}={h}", f.as_str())),
                    common::hostile(3, 30),
                ],
                1..3,
            );
            let overrides = prop_oneof![4 => Just(Vec::new()), 1 => overrides];
            (
                Just(headers),
                Just(phone_column),
                Just(rows),
                layout,
                damage,
                theme,
                overrides,
                proptest::bool::weighted(0.25),
                proptest::bool::weighted(0.15),
            )
        })
        .prop_map(
            |(
                headers,
                phone_column,
                rows,
                layout,
                damage,
                theme,
                overrides,
                import_nothing,
                dry_run,
            )| {
                let (
                    delimiter,
                    quoting,
                    line_ends,
                    sep_line,
                    blank_lines,
                    final_line_end,
                    encoding,
                ) = layout;
                CsvCase {
                    headers,
                    phone_column,
                    rows,
                    delimiter,
                    quoting,
                    line_ends,
                    sep_line,
                    blank_lines,
                    final_line_end,
                    encoding,
                    damage,
                    theme,
                    overrides,
                    import_nothing,
                    dry_run,
                }
            },
        )
}

impl CsvCase {
    fn text(&self) -> String {
        let d = self.delimiter as char;
        let mut out = String::new();
        let mut k = 0usize;
        let mut line = 0usize;
        let mut end = |out: &mut String| {
            out.push_str(self.line_ends[line % self.line_ends.len()]);
            line += 1;
        };
        if self.sep_line {
            out.push_str(&format!("sep={d}"));
            end(&mut out);
        }
        let rows = self.rows.iter().map(|row| {
            row.iter()
                .enumerate()
                .map(|(j, (value, phone, take))| {
                    if *take && self.phone_column == Some(j) {
                        phone.to_string()
                    } else {
                        value.clone()
                    }
                })
                .collect::<Vec<_>>()
        });
        let records = std::iter::once(self.headers.clone()).chain(rows);
        let n = 1 + self.rows.len();
        for (r, rec) in records.enumerate() {
            for (j, c) in rec.iter().enumerate() {
                if j > 0 {
                    out.push(d);
                }
                let mode = self.quoting[k % self.quoting.len()];
                k += 1;
                match mode {
                    6 | 7 => {
                        out.push('"');
                        out.push_str(&c.replace('"', "\"\""));
                        out.push('"');
                    }
                    8 => {
                        out.push('"');
                        out.push_str(c);
                    }
                    9 => {
                        let mid = c
                            .char_indices()
                            .nth(c.chars().count() / 2)
                            .map_or(0, |x| x.0);
                        out.push_str(&c[..mid]);
                        out.push('"');
                        out.push_str(&c[mid..]);
                    }
                    _ => out.push_str(c),
                }
            }
            if r + 1 < n || self.final_line_end {
                end(&mut out);
            }
            if self.blank_lines && r % 3 == 1 {
                end(&mut out);
            }
        }
        out
    }

    fn bytes(&self) -> Vec<u8> {
        let text = self.text();
        let utf16 = |le: bool, bom: bool| {
            let mut b = Vec::new();
            if bom {
                b.extend_from_slice(if le { b"\xff\xfe" } else { b"\xfe\xff" });
            }
            for u in text.encode_utf16() {
                b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            b
        };
        let mut bytes = match self.encoding {
            Encoding::Utf8 => text.into_bytes(),
            Encoding::Utf8Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
            Encoding::Utf16Le => utf16(true, false),
            Encoding::Utf16LeBom => utf16(true, true),
            Encoding::Utf16BeBom => utf16(false, true),
            // Latin-1 where it can be, '?' elsewhere (what a lossy export does).
            Encoding::Windows1252 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
        };
        for d in &self.damage {
            let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
            match d {
                Damage::Insert(f, b) => {
                    let i = at(*f, bytes.len());
                    bytes.splice(i..i, b.iter().copied());
                }
                Damage::Set(f, b) => {
                    if !bytes.is_empty() {
                        let i = at(*f, bytes.len() - 1);
                        bytes[i] = *b;
                    }
                }
                Damage::Truncate(f) => {
                    let i = at(*f, bytes.len());
                    bytes.truncate(i);
                }
            }
        }
        bytes
    }
}

/// A few prospects already saved, so that rows can update them.
const SAVED: &str = "First Name,Last Name,Email,Phone,Company,Record ID\n\
                     Ann,Lee,ann@example.com,+1 312 555 0142,Acme,42\n\
                     Bob,Ng,bob@example.com,+1 312 555 0143,Beta,43\n";

fn store_with_saved(dir: &Path) -> Store {
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        common::template(|store| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("saved.csv");
            std::fs::write(&path, SAVED).unwrap();
            let source = read_file(&path).unwrap();
            let opts = ImportOptions::new(&source, &Settings::default());
            import::run(store, &source, &opts, &mut |_| true).unwrap();
        })
    });
    common::open_copy(template, dir)
}

/// A refusal: a good message, and nothing changed.
fn refused(
    what: &str,
    msg: String,
    store: &Store,
    before: &[(String, usize, u64)],
) -> Result<(), String> {
    check_message(&msg, MESSAGE_MAX).map_err(|e| format!("{what} refused: {e}"))?;
    if fingerprint(store.conn()) != before {
        return Err(format!("{what} refused ({msg}) but the database changed"));
    }
    Ok(())
}

/// Row reasons and warnings are messages too.
fn check_report(r: &import::ImportReport) -> Result<(), String> {
    if r.rows_read != r.imported + r.updated + r.rejected_count {
        return Err(format!(
            "{} rows read but {} imported + {} updated + {} rejected",
            r.rows_read, r.imported, r.updated, r.rejected_count
        ));
    }
    for issue in r.rejected.iter().chain(r.warnings.iter()) {
        check_message(&issue.reason, MESSAGE_MAX)
            .map_err(|e| format!("line {}: {e}", issue.line))?;
    }
    for name in r.themes.keys() {
        check_message(name, 80).map_err(|e| format!("theme {e}"))?;
    }
    Ok(())
}

fn one(case: &CsvCase, tally: &RefCell<common::Tally>) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let bytes = case.bytes();
    tally.borrow_mut().input(bytes.len());
    let path = dir.path().join("list.csv");
    std::fs::write(&path, &bytes).unwrap();
    let mut store = store_with_saved(dir.path());
    let before = fingerprint(store.conn());

    let source = match read_file(&path) {
        Ok(s) => s,
        Err(e) => {
            tally.borrow_mut().refuse(&e.to_string());
            return refused("the reader", e.to_string(), &store, &before);
        }
    };
    for h in &source.headers {
        check_message(h, 220).map_err(|e| format!("a header: {e}"))?;
        if h.chars().any(common::invisible) {
            return Err(format!("header {h:?} holds an invisible character"));
        }
    }
    for n in &source.notes {
        check_message(n, MESSAGE_MAX).map_err(|e| format!("a note: {e}"))?;
    }
    let mut opts = ImportOptions::new(&source, &Settings::default());
    for o in &case.overrides {
        let applied = parse_override(o).and_then(|pair| {
            opts.mapping
                .apply_overrides(&source.path, std::slice::from_ref(&pair))
        });
        if let Err(e) = applied {
            tally.borrow_mut().refuse(&e.to_string());
            return refused("the mapping", e.to_string(), &store, &before);
        }
    }
    opts.theme = match &case.theme {
        Theme::None => ThemeChoice::None,
        Theme::Named(n) => ThemeChoice::Named(n.clone()),
        Theme::Field(i) => ThemeChoice::Field(Field::ALL[*i]),
        Theme::Column(c) => ThemeChoice::Column(c.clone()),
    };
    if case.import_nothing {
        opts.on_rejects = OnRejects::ImportNothing;
    }
    opts.dry_run = case.dry_run;

    match import::preview(store.conn(), &source, &opts, 20) {
        Ok(p) => {
            for row in &p.rows {
                for w in &row.warnings {
                    check_message(w, MESSAGE_MAX).map_err(|e| format!("a preview warning: {e}"))?;
                }
            }
        }
        Err(e) => refused("the preview", e.to_string(), &store, &before)?,
    }
    if fingerprint(store.conn()) != before {
        return Err("the preview changed the database".into());
    }

    for pass in 0..2 {
        let before = fingerprint(store.conn());
        let report = match import::run(&mut store, &source, &opts, &mut |_| true) {
            Ok(r) => r,
            Err(e) => {
                tally.borrow_mut().refuse(&e.to_string());
                return refused("the import", e.to_string(), &store, &before);
            }
        };
        check_report(&report)?;
        if !report.committed {
            if pass == 0 {
                tally.borrow_mut().refuse(&format!(
                    "not committed: dry run {}, {} rejected",
                    report.dry_run, report.rejected_count
                ));
            }
            if fingerprint(store.conn()) != before {
                return Err("an import that was not committed changed the database".into());
            }
            return Ok(());
        }
        if pass == 0 {
            tally.borrow_mut().accept(&format!(
                "{} read, {} imported, {} updated, {} rejected",
                report.rows_read, report.imported, report.updated, report.rejected_count
            ));
        }
        check_stored_text(store.conn())?;
        check_integrity(store.conn())?;
    }
    Ok(())
}

pub fn property(run: &common::Run) -> Outcome {
    let cases = run.cases(64, 5_000);
    let tally = RefCell::new(common::Tally::default());
    let result = check(run, cases, csv_case(), |case| {
        crate::outcome(one(&case, &tally), &tally)
    });
    Outcome {
        cases,
        tally: tally.into_inner(),
        result,
    }
}

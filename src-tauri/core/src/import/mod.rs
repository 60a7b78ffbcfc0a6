//! Importing CSV exports of CRMs and data providers into themed call lists.
//!
//! The flow the app and the CLI follow:
//!
//! 1. [`read_file`] detects the encoding and delimiter and reads the header
//!    (a file that cannot be read at all fails here, with the reason);
//! 2. [`suggest_mapping`] maps columns to [`Field`]s by their header names;
//!    the user corrects it ([`Mapping::apply_overrides`], `--map FIELD=HEADER`);
//! 3. [`preview`] shows the first rows as they will be saved (and whether each
//!    is new or updates a saved prospect);
//! 4. [`run`] with `dry_run` reads the whole file and reports what would be
//!    imported, updated and rejected (line and reason), changing nothing;
//! 5. [`run`] imports, in one transaction: with [`OnRejects::ImportNothing`]
//!    and any rejected row it rolls back and reports; cancelling through the
//!    progress callback rolls back too.
//!
//! Rows stream: memory stays flat however long the file is. Rows are read
//! and converted on a second thread while the first writes.
//!
//! What a run does with each row:
//! - a row without any dialable number, or whose fields do not line up with
//!   the header, is rejected (line and reason);
//! - a row that is the same prospect as a saved one (same CRM id, else same
//!   e-mail, else same first name, last name and company, ignoring case;
//!   never a phone number alone) updates it: non-empty cells refresh the
//!   contact fields and the phones (numbers marked bad stay bad), the status,
//!   attempts and call history are untouched, and the theme is given only to
//!   a prospect without one (unless `retheme_existing`);
//! - a CRM id that belongs to plainly someone else (e-mails and names both
//!   differ) is not merged: the row is matched by e-mail or name, or is new,
//!   with a warning;
//! - a second row for a prospect already written by the same run is rejected
//!   as "the same prospect as line N";
//! - everything else is a new prospect; columns no field reads are kept as
//!   JSON in `prospects.extra`.

pub mod convert;
pub mod error;
pub mod geo;
pub mod group;
pub mod mapping;
pub mod phone;
pub mod reader;
pub mod write;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::Result;
use crate::store::Store;
use crate::time;

pub use convert::Candidate;
pub use error::ImportError;
pub use group::{employee_band, role_family, RoleFamily, EMPLOYEE_BANDS};
pub use mapping::{parse_override, suggest_mapping, Field, Mapping, MappingEntry};
pub use reader::{read_file, Delimiter, SourceFile, TextEncoding};
pub use write::MatchKey;

use convert::{Converter, ThemeRule};
use write::{find_match, KeyFilter, ThemeCache, Writer};

/// How imported prospects are put into themes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum ThemeChoice {
    /// No theme.
    None,
    /// One theme of this name (kind custom), created if there is none.
    Named(String),
    /// A theme per value of a field: industry makes verticals, region and
    /// country geographies, employees size bands, title role families.
    Field(Field),
    /// A theme per value of any column, by header name (kind custom).
    Column(String),
}

/// What to do when some rows are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OnRejects {
    /// Import the valid rows; the rejected ones are listed.
    ImportValid,
    /// Import nothing if any row is rejected (the report lists them).
    ImportNothing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportOptions {
    pub mapping: Mapping,
    pub theme: ThemeChoice,
    /// Region for phone numbers without a country code (ISO 3166 alpha-2),
    /// used when the row has no country.
    pub region: String,
    /// Read and check everything, write nothing.
    pub dry_run: bool,
    pub on_rejects: OnRejects,
    /// Move prospects already in a theme to this import's theme. By default
    /// an update only gives a theme to prospects that have none.
    pub retheme_existing: bool,
}

impl ImportOptions {
    /// The suggested mapping of `source`, no theme, the settings' region,
    /// importing the valid rows.
    pub fn new(source: &SourceFile, settings: &Settings) -> ImportOptions {
        ImportOptions {
            mapping: suggest_mapping(&source.headers),
            theme: ThemeChoice::None,
            region: settings.default_region.clone(),
            dry_run: false,
            on_rejects: OnRejects::ImportValid,
            retheme_existing: false,
        }
    }
}

/// A row with a problem: the physical line where it starts and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RowIssue {
    pub line: u32,
    pub reason: String,
}

/// Progress of a long import.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct Progress {
    pub rows_read: u32,
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
}

/// Rows between two progress calls.
pub const PROGRESS_EVERY: u32 = 1000;
/// At most this many rejected rows and warnings are listed (all are counted).
pub const ISSUE_LIST_LIMIT: usize = 10_000;

/// Named `CsvImportReport` for the UI (the playbook's import has its own report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename = "CsvImportReport")]
pub struct ImportReport {
    pub file: String,
    /// The `imports` row, when the import was committed.
    pub import_id: Option<String>,
    pub committed: bool,
    pub dry_run: bool,
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
    /// Non-blank rows read.
    pub rows_read: u32,
    pub imported: u32,
    pub updated: u32,
    pub rejected_count: u32,
    /// The rejected rows (the first [`ISSUE_LIST_LIMIT`]).
    pub rejected: Vec<RowIssue>,
    pub warning_count: u32,
    /// Rows imported with a remark: a number kept as text, a time zone not
    /// recognized, an e-mail that is not one (the first [`ISSUE_LIST_LIMIT`]).
    pub warnings: Vec<RowIssue>,
    /// Prospects imported or updated whose time zone is unknown.
    pub time_zone_unknown: u32,
    /// Theme name -> prospects of this import in it.
    pub themes: BTreeMap<String, u32>,
    /// Prospects of this import without a theme.
    pub unthemed: u32,
}

/// A phone as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PreviewPhone {
    pub kind: String,
    pub e164: Option<String>,
    pub extension: Option<String>,
    pub raw: String,
}

/// What importing a row will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RowAction {
    New,
    Update {
        prospect_id: String,
        matched_by: MatchKey,
    },
}

/// A row as it will be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PreviewRow {
    pub line: u32,
    pub action: RowAction,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub phones: Vec<PreviewPhone>,
    pub city: String,
    pub region: String,
    pub country: String,
    /// `None`: time zone unknown.
    pub time_zone: Option<String>,
    pub industry: String,
    pub employees: String,
    pub crm_id: Option<String>,
    pub theme: Option<String>,
    pub warnings: Vec<String>,
}

/// Named `ImportPreview` for the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename = "ImportPreview")]
pub struct Preview {
    pub file: SourceFile,
    pub mapping: Mapping,
    /// Columns no field reads (kept with each prospect as extra values).
    pub unmapped: Vec<String>,
    pub rows: Vec<PreviewRow>,
    /// Rejected rows among the rows read for the preview.
    pub rejected: Vec<RowIssue>,
    /// True when the preview read the whole file.
    pub complete: bool,
}

fn region_id(region: &str) -> Result<phonenumber::country::Id> {
    phone::parse_region(region).ok_or_else(|| {
        ImportError::BadRegion {
            region: region.to_string(),
        }
        .into()
    })
}

fn theme_rule(source: &SourceFile, opts: &ImportOptions) -> Result<ThemeRule> {
    Ok(match &opts.theme {
        ThemeChoice::None => ThemeRule::None,
        ThemeChoice::Named(n) => {
            let n = group::clip_theme_name(n);
            if n.is_empty() {
                return Err(crate::Error::invalid("theme name", "must not be empty"));
            }
            ThemeRule::Named(n)
        }
        ThemeChoice::Field(f) => ThemeRule::Field(*f),
        ThemeChoice::Column(h) => {
            let c = opts
                .mapping
                .find_column(&source.path, "theme", h)
                .map_err(|_| ImportError::UnknownThemeColumn {
                    path: source.path.clone(),
                    header: h.clone(),
                    columns: source
                        .headers
                        .iter()
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            ThemeRule::Column(c)
        }
    })
}

fn check_mapping(source: &SourceFile, opts: &ImportOptions) -> Result<()> {
    if opts.mapping.headers != source.headers
        || opts
            .mapping
            .entries
            .iter()
            .any(|e| e.column as usize >= source.headers.len())
    {
        return Err(crate::Error::invalid(
            "mapping",
            format!(
                "it was made for other columns than those of {}",
                source.path.display()
            ),
        ));
    }
    if !opts.mapping.has_phone() {
        return Err(ImportError::NoPhoneColumn {
            path: source.path.clone(),
        }
        .into());
    }
    Ok(())
}

fn line32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// The first `limit` rows of the file as they will be saved, and whether each
/// would be new or update a saved prospect. Reads only as far as needed;
/// writes nothing.
pub fn preview(
    conn: &Connection,
    source: &SourceFile,
    opts: &ImportOptions,
    limit: usize,
) -> Result<Preview> {
    check_mapping(source, opts)?;
    let rule = theme_rule(source, opts)?;
    let mut conv = Converter::new(&opts.mapping, rule, region_id(&opts.region)?);
    let mut themes = ThemeCache::default();
    let mut records = source.records()?;
    let mut rec = reader::Record::default();
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut complete = true;
    while records.next_into(&mut rec)? {
        if rec.is_blank() {
            continue;
        }
        if rows.len() + rejected.len() >= limit {
            complete = false;
            break;
        }
        let line = line32(rec.line);
        let mut c = match conv.convert(&rec) {
            Ok(c) => c,
            Err(reason) => {
                rejected.push(RowIssue { line, reason });
                continue;
            }
        };
        let (found, remark) = find_match(conn, &c)?;
        c.warnings.extend(remark);
        let action = match found {
            Some(f) => RowAction::Update {
                prospect_id: f.id,
                matched_by: f.by,
            },
            None => RowAction::New,
        };
        let theme = match &c.theme {
            Some((name, _)) => Some(
                themes
                    .lookup(conn, name)?
                    .map(|(_, saved)| saved)
                    .unwrap_or_else(|| name.clone()),
            ),
            None => None,
        };
        rows.push(PreviewRow {
            line,
            action,
            phones: c
                .phones
                .iter()
                .map(|p| PreviewPhone {
                    kind: p.kind.to_string(),
                    e164: p.e164.clone(),
                    extension: p.extension.clone(),
                    raw: p.raw.clone(),
                })
                .collect(),
            first_name: c.first_name,
            last_name: c.last_name,
            title: c.title,
            company: c.company,
            email: c.email,
            city: c.city,
            region: c.region,
            country: c.country,
            time_zone: c.time_zone,
            industry: c.industry,
            employees: c.employees,
            crm_id: c.crm_id,
            theme,
            warnings: c.warnings,
        });
    }
    let unmapped = (0..source.headers.len())
        .filter(|&i| opts.mapping.field_of(i).is_none())
        .map(|i| source.headers[i].clone())
        .collect();
    Ok(Preview {
        file: source.clone(),
        mapping: opts.mapping.clone(),
        unmapped,
        rows,
        rejected,
        complete,
    })
}

fn push_issue(list: &mut Vec<RowIssue>, count: &mut u32, line: u32, reason: String) {
    *count += 1;
    if list.len() < ISSUE_LIST_LIMIT {
        list.push(RowIssue { line, reason });
    }
}

/// Import the file in one transaction. `progress` is called every
/// [`PROGRESS_EVERY`] rows; returning false cancels the import, which then
/// changes nothing and fails with [`ImportError::Cancelled`].
///
/// With `dry_run`, or with [`OnRejects::ImportNothing`] and a rejected row,
/// everything is rolled back and the report says `committed: false`.
pub fn run(
    store: &mut Store,
    source: &SourceFile,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<ImportReport> {
    check_mapping(source, opts)?;
    let rule = theme_rule(source, opts)?;
    let conv = Converter::new(&opts.mapping, rule, region_id(&opts.region)?);
    let file = source.path.display().to_string();
    // A larger page cache for the import (the default 2 MB spills the
    // transaction's pages to the log and reads them back); restored after.
    let cache_size: i64 = store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store
        .conn()
        .execute_batch(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))?;
    // CHECK, NOT NULL and UNIQUE are checked as the rows go in. Foreign keys
    // are checked once, by SQLite's own `foreign_key_check` over the tables
    // the import writes, before the commit: checked row by row, they make
    // every multi-row INSERT keep a statement journal (a copy of each page it
    // touches), about a sixth of the import's time. They are switched back
    // on whatever happens.
    store.conn().execute_batch("PRAGMA foreign_keys = OFF")?;
    // Rows are read and converted (phones, zones, themes) on a second thread
    // while this one writes; a bounded channel keeps memory flat.
    let result = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(8);
        let (garbage, to_free) = std::sync::mpsc::channel::<Vec<Candidate>>();
        scope.spawn(move || {
            convert_rows(source, conv, sender, &to_free);
            // Free the rows written, until the import is over.
            for rows in to_free {
                drop(rows);
            }
        });
        run_in_transaction(store, source, opts, progress, receiver, garbage, file)
    });
    let restored = store.conn().execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA cache_size = {cache_size}"
    ));
    let report = result?;
    restored?;
    Ok(report)
}

/// The tables an import writes, whose references are checked before commit.
const IMPORT_TABLES: [&str; 4] = ["imports", "themes", "prospects", "prospect_phones"];

/// SQLite's own check of the references the import wrote (foreign keys are
/// off while it writes): any broken one fails the import, which is then
/// rolled back.
fn check_references(conn: &Connection) -> Result<()> {
    for table in IMPORT_TABLES {
        let broken: i64 = conn.query_row(
            "SELECT count(*) FROM pragma_foreign_key_check(?1)",
            [table],
            |r| r.get(0),
        )?;
        if broken > 0 {
            return Err(ImportError::BrokenReferences {
                table,
                rows: broken,
            }
            .into());
        }
    }
    Ok(())
}

/// Page cache during an import, in KiB.
const IMPORT_CACHE_KIB: i64 = 96 * 1024;

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// A row converted on the reading thread.
struct Converted {
    line: u64,
    bytes_read: u64,
    result: std::result::Result<Candidate, String>,
}

/// Rows travel between the threads in batches.
const BATCH_ROWS: usize = 256;

type Batch = Result<Vec<Converted>>;

/// Read and convert every non-blank row of the file, sending them in
/// batches; stops when the receiver is gone (the import ended early).
fn convert_rows(
    source: &SourceFile,
    mut conv: Converter,
    out: std::sync::mpsc::SyncSender<Batch>,
    to_free: &std::sync::mpsc::Receiver<Vec<Candidate>>,
) {
    let mut read = || -> Result<()> {
        let mut records = source.records()?;
        let mut rec = reader::Record::default();
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        while records.next_into(&mut rec)? {
            if rec.is_blank() {
                continue;
            }
            batch.push(Converted {
                line: rec.line,
                bytes_read: records.bytes_read(),
                result: conv.convert(&rec),
            });
            if batch.len() == BATCH_ROWS {
                // Free the rows the writer is done with as we go, so that
                // they never pile up.
                while let Ok(rows) = to_free.try_recv() {
                    drop(rows);
                }
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                if out.send(Ok(full)).is_err() {
                    return Ok(());
                }
            }
        }
        if !batch.is_empty() {
            let _ = out.send(Ok(batch));
        }
        Ok(())
    };
    if let Err(e) = read() {
        let _ = out.send(Err(e));
    }
}

fn run_in_transaction(
    store: &mut Store,
    source: &SourceFile,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
    rows: std::sync::mpsc::Receiver<Batch>,
    garbage: std::sync::mpsc::Sender<Vec<Candidate>>,
    file: String,
) -> Result<ImportReport> {
    let tx = Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)?;
    let import_id = crate::store::new_id();
    let now = time::to_db(time::now());
    tx.execute(
        "INSERT INTO imports (id, source_file, source_format, mapping, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            import_id,
            file,
            source_format(&source.headers),
            opts.mapping.to_json(),
            now
        ],
    )?;
    let mut writer = Writer::new(
        &tx,
        import_id.clone(),
        file.clone(),
        now,
        opts.retheme_existing,
    )?;
    writer.garbage = Some(garbage);
    let mut report = ImportReport {
        file: file.clone(),
        import_id: None,
        committed: false,
        dry_run: opts.dry_run,
        encoding: source.encoding,
        delimiter: source.delimiter,
        rows_read: 0,
        imported: 0,
        updated: 0,
        rejected_count: 0,
        rejected: Vec::new(),
        warning_count: 0,
        warnings: Vec::new(),
        time_zone_unknown: 0,
        themes: BTreeMap::new(),
        unthemed: 0,
    };
    let mut themes = ThemeCache::default();
    // Prospects written by this import (rowid -> line), to catch a person
    // who appears twice in the file.
    // Keyed by a hash of the prospect id (8 bytes instead of 36).
    let mut written: HashMap<u64, u32> = HashMap::new();
    // Rows are at least ~60 bytes in the exports people have.
    let mut filter = KeyFilter::load(&tx, (source.size_bytes / 60.0) as u64)?;
    let total = source.size_bytes.max(1.0);
    for item in rows.iter().flat_map(|batch| match batch {
        Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => vec![Err(e)],
    }) {
        let item = item?;
        report.rows_read += 1;
        if report.rows_read % PROGRESS_EVERY == 0 {
            let fraction = (item.bytes_read as f64 / total).min(1.0);
            if !progress(Progress {
                rows_read: report.rows_read,
                fraction,
            }) {
                return Err(ImportError::Cancelled {
                    path: source.path.clone(),
                    rows: u64::from(report.rows_read),
                }
                .into());
            }
        }
        let line = line32(item.line);
        let mut c = match item.result {
            Ok(c) => c,
            Err(reason) => {
                push_issue(
                    &mut report.rejected,
                    &mut report.rejected_count,
                    line,
                    reason,
                );
                continue;
            }
        };
        let (found, remark) = if filter.may_match(&c) {
            // The lookups must see the prospects still waiting in the batch.
            writer.flush()?;
            find_match(&tx, &c)?
        } else {
            (None, None)
        };
        c.warnings.extend(remark);
        if let Some(f) = &found {
            if let Some(first) = written.get(&id_hash(&f.id)) {
                let reason = format!(
                    "the same prospect as line {first} (same {}); not imported twice",
                    f.by.label()
                );
                push_issue(
                    &mut report.rejected,
                    &mut report.rejected_count,
                    line,
                    reason,
                );
                continue;
            }
        }
        let theme = match &c.theme {
            Some((name, kind)) => Some(themes.get_or_create(&tx, name, *kind)?),
            None => None,
        };
        let theme_id = theme.as_ref().map(|(id, _)| id.as_str());
        if c.time_zone.is_none() {
            report.time_zone_unknown += 1;
        }
        for w in std::mem::take(&mut c.warnings) {
            push_issue(&mut report.warnings, &mut report.warning_count, line, w);
        }
        let theme_after = match &found {
            Some(f) => {
                let (after, keys) = writer.update(f, &c, theme_id)?;
                filter.add(&keys);
                written.insert(id_hash(&f.id), line);
                report.updated += 1;
                after
            }
            None => {
                filter.add_candidate(&c);
                let id = writer.insert(c, theme_id)?;
                written.insert(id_hash(&id), line);
                report.imported += 1;
                theme_id.map(str::to_string)
            }
        };
        match (&theme, theme_after) {
            (Some((id, name)), Some(after)) if *id == after => {
                *report.themes.entry(name.clone()).or_insert(0) += 1;
            }
            (_, None) => report.unthemed += 1,
            _ => {}
        }
    }
    writer.flush()?;
    let _ = progress(Progress {
        rows_read: report.rows_read,
        fraction: 1.0,
    });
    tx.execute(
        "UPDATE imports SET finished_at = ?2, rows_read = ?3, imported = ?4, updated = ?5,
            rejected = ?6 WHERE id = ?1",
        params![
            import_id,
            time::to_db(time::now()),
            report.rows_read,
            report.imported,
            report.updated,
            report.rejected_count
        ],
    )?;
    // The writer's statements borrow the transaction.
    drop(writer);
    let refuse = opts.on_rejects == OnRejects::ImportNothing && report.rejected_count > 0;
    let keep = !opts.dry_run && !refuse;
    if keep {
        // Only what is kept needs its references checked.
        check_references(&tx)?;
        tx.commit()?;
        report.committed = true;
        report.import_id = Some(import_id);
    } else {
        tx.rollback()?;
    }
    Ok(report)
}

/// The CRM or provider a header looks like it comes from.
pub fn source_format(headers: &[String]) -> &'static str {
    let has = |name: &str| {
        headers
            .iter()
            .any(|h| mapping::compact(h) == mapping::compact(name))
    };
    if has("Record ID") && (has("Lifecycle Stage") || has("Contact owner")) {
        "hubspot"
    } else if has("Lead ID") || has("Contact ID") && has("Account Name") || has("Lead Owner") {
        "salesforce"
    } else if has("Apollo Contact Id") || (has("Email Status") && has("Seniority")) {
        "apollo"
    } else if headers.iter().any(|h| h.starts_with("Person - ")) {
        "pipedrive"
    } else if has("ZoomInfo Contact ID") {
        "zoominfo"
    } else {
        "csv"
    }
}

/// Load the phone-number metadata now: its first use compiles its patterns
/// (about 0.2 s). The app calls this at start-up, off the main thread, so
/// that the first preview of an import does not wait for it.
pub fn warm_up() {
    let _ = phone::parse_region("US");
}

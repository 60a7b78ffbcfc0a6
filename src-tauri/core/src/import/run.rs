//! Running an import: rows are read and converted on a second thread while
//! this one writes them, in one transaction, with foreign keys checked once
//! before the commit.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::convert::{Candidate, Converter};
use super::write::{find_match, Found, KeyFilter, ThemeCache, Writer};
use super::{
    check_mapping, line32, reader, region_id, source_format, theme_rule, ImportError,
    ImportOptions, ImportReport, OnRejects, Progress, RowIssue, SourceFile, ISSUE_LIST_LIMIT,
    PROGRESS_EVERY,
};
use crate::error::Result;
use crate::store::Store;
use crate::suppress::ListFilter;
use crate::time;

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
const IMPORT_TABLES: [&str; 5] = [
    "imports",
    "themes",
    "prospects",
    "prospect_phones",
    "do_not_call",
];

/// SQLite's own check of the references the import wrote (foreign keys are
/// off while it writes): any broken one fails the import, which is then
/// rolled back.
pub(super) fn check_references(conn: &Connection) -> Result<()> {
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
    let import_id = crate::ids::new_id();
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
    let mut rw = RowWriter::new(&tx, writer, new_report(file, source, opts), source)?;
    let total = source.size_bytes.max(1.0);
    for item in rows.iter().flat_map(|batch| match batch {
        Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => vec![Err(e)],
    }) {
        let item = item?;
        rw.report.rows_read += 1;
        if rw.report.rows_read % PROGRESS_EVERY == 0 {
            let fraction = (item.bytes_read as f64 / total).min(1.0);
            go_on(progress, source, rw.report.rows_read, fraction)?;
        }
        rw.row(item)?;
    }
    let report = rw.finish(progress, &import_id)?;
    settle(tx, opts, report, import_id)
}

/// The report of an import that has read nothing yet.
fn new_report(file: String, source: &SourceFile, opts: &ImportOptions) -> ImportReport {
    ImportReport {
        file,
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
        do_not_call: 0,
        warning_count: 0,
        warnings: Vec::new(),
        time_zone_unknown: 0,
        themes: BTreeMap::new(),
        unthemed: 0,
    }
}

/// Tell `progress` how far the import is; it fails with
/// [`ImportError::Cancelled`] when `progress` says stop.
fn go_on(
    progress: &mut dyn FnMut(Progress) -> bool,
    source: &SourceFile,
    rows_read: u32,
    fraction: f64,
) -> Result<()> {
    if progress(Progress {
        rows_read,
        fraction,
    }) {
        Ok(())
    } else {
        Err(ImportError::Cancelled {
            path: source.path.clone(),
            rows: u64::from(rows_read),
        }
        .into())
    }
}

/// Commit what is kept (a real import without a refusal, its references
/// checked first), else roll back.
fn settle(
    tx: Transaction<'_>,
    opts: &ImportOptions,
    mut report: ImportReport,
    import_id: String,
) -> Result<ImportReport> {
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

/// The rows of one import as they are written, with the report so far and
/// what the next rows are checked against.
struct RowWriter<'c> {
    tx: &'c Connection,
    writer: Writer<'c>,
    report: ImportReport,
    themes: ThemeCache,
    /// Prospects written by this import (rowid -> line), to catch a person
    /// who appears twice in the file.
    /// Keyed by a hash of the prospect id (8 bytes instead of 36).
    written: HashMap<u64, u32>,
    filter: KeyFilter,
    /// The do-not-call list.
    listed: ListFilter,
}

impl<'c> RowWriter<'c> {
    fn new(
        tx: &'c Connection,
        writer: Writer<'c>,
        report: ImportReport,
        source: &SourceFile,
    ) -> Result<RowWriter<'c>> {
        Ok(RowWriter {
            tx,
            writer,
            report,
            themes: ThemeCache::default(),
            written: HashMap::new(),
            // Rows are at least ~60 bytes in the exports people have.
            filter: KeyFilter::load(tx, (source.size_bytes / 60.0) as u64)?,
            listed: ListFilter::load(tx)?,
        })
    }

    /// Is a number or the e-mail of the row on the do-not-call list?
    fn on_the_list(&self, c: &Candidate) -> Result<bool> {
        self.listed
            .any_listed(self.tx, c.listed_values(), c.email.as_deref())
    }

    /// A row kept as do-not-call: counted, and its values (on the list from
    /// now on) remembered for the rows after it.
    fn kept_as_do_not_call(&mut self, c: &Candidate, saved_email: Option<&str>) {
        self.report.do_not_call += 1;
        for p in &c.phones {
            if let Some(e164) = &p.e164 {
                self.listed.add_phone(e164, p.extension.as_deref());
            }
        }
        for email in c.email.as_deref().into_iter().chain(saved_email) {
            self.listed.add_email(email);
        }
    }

    /// One row: rejected (with the reason), or written as a new prospect or
    /// as an update of the saved one it matches.
    fn row(&mut self, item: Converted) -> Result<()> {
        let line = line32(item.line);
        let mut c = match item.result {
            Ok(c) => c,
            Err(reason) => {
                push_issue(
                    &mut self.report.rejected,
                    &mut self.report.rejected_count,
                    line,
                    reason,
                );
                return Ok(());
            }
        };
        let (found, remark) = if self.filter.may_match(&c) {
            // The lookups must see the prospects still waiting in the batch.
            self.writer.flush()?;
            find_match(self.tx, &c)?
        } else {
            (None, None)
        };
        c.warnings.extend(remark);
        if let Some(f) = &found {
            if let Some(first) = self.written.get(&id_hash(&f.id)) {
                let reason = format!(
                    "the same prospect as line {first} (same {}); not imported twice",
                    f.by.label()
                );
                push_issue(
                    &mut self.report.rejected,
                    &mut self.report.rejected_count,
                    line,
                    reason,
                );
                return Ok(());
            }
        }
        self.write(c, found, line)
    }

    /// Write an accepted row, in its theme (created if need be).
    fn write(&mut self, mut c: Candidate, found: Option<Found>, line: u32) -> Result<()> {
        let theme = match &c.theme {
            Some((name, kind)) => Some(self.themes.get_or_create(self.tx, name, *kind)?),
            None => None,
        };
        let theme_id = theme.as_ref().map(|(id, _)| id.as_str());
        if c.time_zone.is_none() {
            self.report.time_zone_unknown += 1;
        }
        for w in std::mem::take(&mut c.warnings) {
            push_issue(
                &mut self.report.warnings,
                &mut self.report.warning_count,
                line,
                w,
            );
        }
        let listed = self.on_the_list(&c)?;
        let theme_after = match &found {
            Some(f) => {
                let u = self.writer.update(f, &c, theme_id)?;
                if listed || u.do_not_call {
                    self.writer.suppress(&f.id)?;
                    self.kept_as_do_not_call(&c, u.keys.email.as_deref());
                }
                self.filter.add(&u.keys);
                self.written.insert(id_hash(&f.id), line);
                self.report.updated += 1;
                u.theme_id
            }
            None => {
                if listed {
                    self.kept_as_do_not_call(&c, None);
                }
                self.filter.add_candidate(&c);
                let id = self.writer.insert(c, theme_id, listed)?;
                if listed {
                    // Its values on the list now, for a later row that
                    // shares only a number with it (no key to flush on).
                    self.writer.flush()?;
                }
                self.written.insert(id_hash(&id), line);
                self.report.imported += 1;
                theme_id.map(str::to_string)
            }
        };
        match (&theme, theme_after) {
            (Some((id, name)), Some(after)) if *id == after => {
                *self.report.themes.entry(name.clone()).or_insert(0) += 1;
            }
            (_, None) => self.report.unthemed += 1,
            _ => {}
        }
        Ok(())
    }

    /// Write what is still queued, tell `progress` the file is read, and
    /// record the import's figures in its `imports` row.
    fn finish(
        mut self,
        progress: &mut dyn FnMut(Progress) -> bool,
        import_id: &str,
    ) -> Result<ImportReport> {
        self.writer.flush()?;
        let _ = progress(Progress {
            rows_read: self.report.rows_read,
            fraction: 1.0,
        });
        let r = &self.report;
        self.tx.execute(
            "UPDATE imports SET finished_at = ?2, rows_read = ?3, imported = ?4, updated = ?5,
                rejected = ?6 WHERE id = ?1",
            params![
                import_id,
                time::to_db(time::now()),
                r.rows_read,
                r.imported,
                r.updated,
                r.rejected_count
            ],
        )?;
        // The writer's statements borrow the transaction: dropped with it here.
        Ok(self.report)
    }
}

//! Running an import: rows are read and converted on a second thread while
//! this one writes them, in one transaction, with foreign keys checked once
//! before the commit.
//!
//! Linear in the rows (see `benches/import.rs`): rows are matched in memory
//! ([`KeyIndex`], checked against the rows it names), new prospects get
//! their rowids here, and an import that brings many new prospects drops
//! the indexes whose keys arrive in random order (e-mail, name and company,
//! phone number) once it has seen where it is heading, and builds them again
//! at its end, inside its transaction: a sort instead of a random insert
//! per row into B-trees larger than the page cache.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::convert::{Candidate, Converter};
use super::keys::{KeyIndex, MatchKeys};
use super::write::{
    find_match, find_match_in, load_key_index, Found, IndexedLookup, ThemeCache, Writer,
};
use super::{
    check_mapping, line32, reader, region_id, source_format, theme_rule, ImportError,
    ImportOptions, ImportReport, ImportStage, IndexStep, OnRejects, Progress, RowIssue, SourceFile,
    ISSUE_LIST_LIMIT, PROGRESS_EVERY,
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
/// [`PROGRESS_EVERY`] rows and at each step of the end; returning false
/// cancels the import, which then changes nothing and fails with
/// [`ImportError::Cancelled`].
///
/// With `dry_run`, or with [`OnRejects::ImportNothing`] and a rejected row,
/// everything is rolled back and the report says `committed: false`.
pub fn run(
    store: &mut Store,
    source: &SourceFile,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<ImportReport> {
    run_with(store, source, opts, progress, Tuning::default())
}

/// When an import leaves some indexes for its end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tuning {
    /// Rows read before deciding where the import is heading.
    pub decide_after: u32,
    /// New prospects it must be heading for, at least (and at least as many
    /// as the database holds: building an index again reads every row).
    pub defer_from: u64,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            decide_after: 20_000,
            defer_from: DEFER_FROM,
        }
    }
}

/// New prospects from which an import builds its random-key indexes at its
/// end, measured with `benches/import.rs`: [see the figures in
/// ARCHITECTURE.md, "Import"].
const DEFER_FROM: u64 = 50_000;

/// The indexes whose keys come in random order (so that each row's insert
/// lands on a page of its own): dropped by an import heading for many new
/// prospects, built again before its commit. The Lists table's index
/// (`prospects_list`, schema 9: theme, status, then the names) is one of
/// them; the import matches in memory and reads none of them.
pub const DEFERRED_INDEXES: [&str; 4] = [
    "prospects_email",
    "prospects_name_company",
    "prospects_list",
    "prospect_phones_e164",
];

pub(crate) fn run_with(
    store: &mut Store,
    source: &SourceFile,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
    tuning: Tuning,
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
    // The sort that builds an index again spills to a temporary file past
    // its run size (see `build_deferred`) instead of sorting everything in
    // one run in memory. Set here: SQLite refuses it inside a transaction
    // once the connection has opened its temporary database.
    store.conn().execute_batch("PRAGMA temp_store = FILE")?;
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
        let how = How {
            opts,
            tuning,
            file,
            started: Instant::now(),
        };
        run_in_transaction(store, source, &how, progress, receiver, garbage)
    });
    // The settings of the index builds too (see `build_deferred`).
    let restored = store.conn().execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA cache_size = {cache_size};
         PRAGMA temp_store = MEMORY; PRAGMA threads = 0;"
    ));
    let report = result?;
    restored?;
    Ok(report)
}

/// What a run was asked and when it started.
struct How<'a> {
    opts: &'a ImportOptions,
    tuning: Tuning,
    file: String,
    started: Instant,
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
/// Page cache while the deferred indexes are built, in KiB: the sorter
/// sorts runs of this size (measured at 1,000,000 rows: runs of 4 MB sort
/// in half the time of runs of 32 MB; a second sorting thread takes the
/// three builds of then (before `prospects_list` joined them) from 2.5 s
/// to 1.7 s on an idle machine, and costs little on a busy one).
const BUILD_CACHE_KIB: i64 = 4 * 1024;

/// A row converted on the reading thread.
struct Converted {
    line: u64,
    bytes_read: u64,
    result: std::result::Result<Candidate, String>,
}

/// Rows travel between the threads in batches.
const BATCH_ROWS: usize = 256;

type Batch = Result<Vec<Converted>>;

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
    how: &How<'_>,
    progress: &mut dyn FnMut(Progress) -> bool,
    rows: std::sync::mpsc::Receiver<Batch>,
    garbage: std::sync::mpsc::Sender<Vec<Candidate>>,
) -> Result<ImportReport> {
    let opts = how.opts;
    let tx = Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)?;
    let import_id = crate::ids::new_id();
    let now = time::to_db(time::now());
    tx.execute(
        "INSERT INTO imports (id, source_file, source_format, mapping, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            import_id,
            how.file,
            source_format(&source.headers),
            opts.mapping.to_json(),
            now
        ],
    )?;
    let mut writer = Writer::new(
        &tx,
        import_id.clone(),
        how.file.clone(),
        now,
        opts.retheme_existing,
    )?;
    writer.garbage = Some(garbage);
    let report = new_report(how.file.clone(), source, opts);
    let mut rw = RowWriter::new(&tx, writer, report, source, how.tuning)?;
    let total = source.size_bytes.max(1.0);
    let mut fraction = 0.0;
    for item in rows.iter().flat_map(|batch| match batch {
        Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => vec![Err(e)],
    }) {
        let item = item?;
        rw.report.rows_read += 1;
        fraction = (item.bytes_read as f64 / total).min(1.0);
        if rw.report.rows_read % PROGRESS_EVERY == 0 {
            let p = how.progress(ImportStage::Reading, rw.report.rows_read, fraction);
            go_on(progress, source, p)?;
        }
        rw.row(item)?;
        if rw.report.rows_read == how.tuning.decide_after {
            rw.decide(fraction)?;
        }
    }
    let _ = fraction;
    let report = rw.finish(how, source, progress, &import_id)?;
    settle(tx, opts, report, import_id)
}

impl How<'_> {
    /// How far the import is, with its pace.
    fn progress(&self, stage: ImportStage, rows_read: u32, fraction: f64) -> Progress {
        let seconds = self.started.elapsed().as_secs_f64();
        let rows_per_second = if seconds > 0.0 {
            f64::from(rows_read) / seconds
        } else {
            0.0
        };
        // Told once the pace means something.
        let seconds_left = (stage == ImportStage::Reading && seconds >= 1.0 && fraction > 0.0)
            .then(|| seconds * (1.0 - fraction) / fraction);
        Progress {
            rows_read,
            fraction,
            stage,
            rows_per_second,
            seconds_left,
            index: None,
        }
    }

    /// Is what was read to be kept (committed)?
    fn keeps(&self, report: &ImportReport) -> bool {
        let refuse = self.opts.on_rejects == OnRejects::ImportNothing && report.rejected_count > 0;
        !self.opts.dry_run && !refuse
    }
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
        unchanged: 0,
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
    p: Progress,
) -> Result<()> {
    if progress(p) {
        Ok(())
    } else {
        Err(ImportError::Cancelled {
            path: source.path.clone(),
            rows: u64::from(p.rows_read),
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

/// Drop the [`DEFERRED_INDEXES`] there are; returns their SQL, to build
/// them again.
fn drop_deferred(tx: &Connection) -> Result<Vec<String>> {
    let mut dropped = Vec::new();
    for name in DEFERRED_INDEXES {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(sql) = sql {
            // `name` is one of the constants above.
            tx.execute_batch(&format!("DROP INDEX {name}"))?;
            dropped.push(sql);
        }
    }
    Ok(dropped)
}

/// Build the dropped indexes again. SQLite's sorter sorts runs as large as
/// the page cache and merges them from a temporary file (`temp_store` is
/// FILE during an import): with a small cache, runs that fit the
/// processor's caches, and little memory (the pages the import changed go
/// to the log as the cache needs room). A second thread sorts runs while
/// the table is read (the reading thread is done by then). `run_with` sets
/// these back.
fn build_deferred(
    tx: &Connection,
    sqls: &[String],
    mut step: impl FnMut(IndexStep) -> Result<()>,
) -> Result<()> {
    tx.execute_batch(&format!(
        "PRAGMA cache_size = -{BUILD_CACHE_KIB}; PRAGMA threads = 2"
    ))?;
    let of = sqls.len() as u32;
    for (i, sql) in sqls.iter().enumerate() {
        step(IndexStep {
            n: i as u32 + 1,
            of,
        })?;
        tx.execute_batch(sql)?;
    }
    Ok(())
}

/// The rows of one import as they are written, with the report so far and
/// what the next rows are checked against.
struct RowWriter<'c> {
    tx: &'c Connection,
    writer: Writer<'c>,
    report: ImportReport,
    themes: ThemeCache,
    /// The prospects by their match keys; `None` when their rowids do not
    /// fit in one (rows are then matched with queries).
    index: Option<KeyIndex>,
    /// Reused by the lookups.
    rowids: Vec<i64>,
    /// The first rowid of this import: the prospects from it on are new.
    first_new: i64,
    /// The line of each new prospect, by rowid from `first_new`, and of each
    /// saved prospect updated (by rowid): to catch a person who appears
    /// twice in the file.
    new_lines: Vec<u32>,
    updated_lines: HashMap<i64, u32>,
    /// Prospects saved before the import.
    saved: u64,
    /// The SQL of the indexes dropped for the import's end.
    deferred: Vec<String>,
    tuning: Tuning,
    /// The do-not-call list.
    listed: ListFilter,
}

impl<'c> RowWriter<'c> {
    fn new(
        tx: &'c Connection,
        writer: Writer<'c>,
        report: ImportReport,
        source: &SourceFile,
        tuning: Tuning,
    ) -> Result<RowWriter<'c>> {
        let saved: i64 = tx.query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))?;
        Ok(RowWriter {
            tx,
            first_new: writer.next_rowid(),
            writer,
            report,
            themes: ThemeCache::default(),
            // Rows of the exports people have are 100 to 400 bytes; the
            // index grows if there are more.
            index: load_key_index(tx, (source.size_bytes / 200.0) as u64)?,
            rowids: Vec::new(),
            new_lines: Vec::new(),
            updated_lines: HashMap::new(),
            saved: saved as u64,
            deferred: Vec::new(),
            tuning,
            listed: ListFilter::load(tx)?,
        })
    }

    /// Once `decide_after` rows are read (`fraction` of the file): when the
    /// import is heading for at least `defer_from` new prospects, and as
    /// many as the database holds, drop the [`DEFERRED_INDEXES`].
    fn decide(&mut self, fraction: f64) -> Result<()> {
        if self.index.is_none() || fraction <= 0.0 {
            return Ok(());
        }
        let heading_for = f64::from(self.report.imported) / fraction;
        if heading_for >= self.tuning.defer_from as f64 && heading_for >= self.saved as f64 {
            self.writer.flush()?;
            self.deferred = drop_deferred(self.tx)?;
        }
        Ok(())
    }

    /// The line that wrote or updated the prospect at `rowid`, when this
    /// import did.
    fn written_line(&self, rowid: i64) -> Option<u32> {
        if rowid >= self.first_new {
            self.new_lines
                .get((rowid - self.first_new) as usize)
                .copied()
        } else {
            self.updated_lines.get(&rowid).copied()
        }
    }

    /// The saved prospect the row is, if any (see [`find_match`]).
    fn find(&mut self, c: &Candidate) -> Result<(Option<Found>, Option<String>)> {
        match &self.index {
            Some(index) => find_match_in(
                &mut IndexedLookup {
                    index,
                    writer: &mut self.writer,
                    rowids: &mut self.rowids,
                },
                c,
            ),
            None => {
                // The queries must see the prospects still in the batch.
                self.writer.flush()?;
                find_match(self.tx, c)
            }
        }
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
        let (found, remark) = self.find(&c)?;
        c.warnings.extend(remark);
        if let Some(f) = &found {
            if let Some(first) = self.written_line(f.rowid) {
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

    /// Remember the keys of the prospect at `rowid`.
    fn index_keys(&mut self, keys: MatchKeys, rowid: i64) {
        if let Some(index) = &mut self.index {
            for k in keys.iter() {
                index.insert(k, rowid);
            }
        }
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
                let k = &u.keys;
                let keys = MatchKeys::of(
                    k.crm_id.as_deref(),
                    k.email.as_deref(),
                    &k.first_name,
                    &k.last_name,
                    &k.company,
                );
                self.index_keys(keys, f.rowid);
                self.updated_lines.insert(f.rowid, line);
                self.report.updated += 1;
                if !u.changed && (u.do_not_call || !listed) {
                    self.report.unchanged += 1;
                }
                u.theme_id
            }
            None => {
                if listed {
                    self.kept_as_do_not_call(&c, None);
                }
                let keys = c.keys;
                let rowid = self.writer.insert(c, theme_id, listed)?;
                self.index_keys(keys, rowid);
                if listed {
                    // Its values on the list now, for a later row that
                    // shares only a number with it (no key to flush on).
                    self.writer.flush()?;
                }
                debug_assert_eq!(rowid, self.first_new + self.new_lines.len() as i64);
                self.new_lines.push(line);
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

    /// Write what is still queued, build the indexes left for the end (when
    /// the import is kept: a rollback brings them back), and record the
    /// import's figures in its `imports` row. `progress` hears each step
    /// and may still cancel.
    fn finish(
        mut self,
        how: &How<'_>,
        source: &SourceFile,
        progress: &mut dyn FnMut(Progress) -> bool,
        import_id: &str,
    ) -> Result<ImportReport> {
        self.writer.flush()?;
        let rows = self.report.rows_read;
        if how.keeps(&self.report) && !self.deferred.is_empty() {
            // The reading thread's memory is free for the sorter.
            self.index = None;
            let deferred = std::mem::take(&mut self.deferred);
            build_deferred(self.tx, &deferred, |index| {
                go_on(
                    progress,
                    source,
                    Progress {
                        index: Some(index),
                        ..how.progress(ImportStage::Indexing, rows, 1.0)
                    },
                )
            })?;
        }
        go_on(
            progress,
            source,
            how.progress(ImportStage::Saving, rows, 1.0),
        )?;
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

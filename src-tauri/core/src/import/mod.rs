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
//! - a row with a number or an e-mail on the do-not-call list (see
//!   [`crate::suppress`]), even under a new CRM id, is written as
//!   do-not-call (never queued) and counted in the report; its other
//!   numbers and e-mail join the list, as do those of a do-not-call prospect
//!   an update refreshes;
//! - everything else is a new prospect; columns no field reads are kept as
//!   JSON in `prospects.extra`.

pub mod address;
pub mod convert;
pub mod error;
pub mod geo;
pub mod group;
mod keys;
pub mod mapping;
pub mod phone;
pub mod reader;
mod run;
pub mod write;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::Result;

pub use convert::Candidate;
pub use error::ImportError;
pub use group::{employee_band, role_family, RoleFamily, EMPLOYEE_BANDS};
pub use mapping::{
    parse_override, suggest_mapping, Entity, Field, Mapping, MappingEntry, MatchRule,
};
pub use reader::{read_file, Delimiter, SourceFile, TextEncoding};
pub use run::{run, DEFERRED_INDEXES};
pub use write::MatchKey;

use convert::{Converter, ThemeRule};
use write::{find_match, ThemeCache};

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

/// A preview's remark on a row whose number or e-mail is on the do-not-call list.
pub const ON_THE_LIST: &str =
    "on the do-not-call list: kept as do-not-call, never queued or dialled";

/// What a running import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    /// Reading, checking and writing the rows.
    Reading,
    /// Building the indexes a big import leaves for its end.
    Indexing,
    /// Checking what was written and saving it (the commit).
    Saving,
}

/// Progress of a long import.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct Progress {
    pub rows_read: u32,
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
    pub stage: ImportStage,
    /// Rows read per second since the import started.
    pub rows_per_second: f64,
    /// Seconds until every row is read, at the pace so far (the end, when
    /// the import builds indexes and saves, comes after); `None` in the first
    /// second and once the rows are read.
    pub seconds_left: Option<f64>,
    /// While the indexes are built: which one, of how many.
    pub index: Option<IndexStep>,
}

/// The index being built at the end of a big import: the `n`th of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct IndexStep {
    pub n: u32,
    pub of: u32,
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
    /// Rows that matched a saved prospect (refreshed from the row).
    pub updated: u32,
    /// Of those, rows that brought nothing new: nothing was written for them
    /// (the prospect keeps the import and time of its last change).
    pub unchanged: u32,
    pub rejected_count: u32,
    /// The rejected rows (the first [`ISSUE_LIST_LIMIT`]).
    pub rejected: Vec<RowIssue>,
    /// Rows (imported or updated) of people who asked not to be called: a
    /// number or the e-mail is on the do-not-call list, or the saved
    /// prospect was marked. Kept, as do-not-call: never queued or dialled.
    pub do_not_call: u32,
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
        // A name the user typed: refused when too long, never cut unseen.
        ThemeChoice::Named(n) => ThemeRule::Named(group::clip_theme_name(&crate::text::required(
            crate::text::THEME_NAME,
            n,
        )?)),
        ThemeChoice::Field(f) => ThemeRule::Field(*f),
        ThemeChoice::Column(h) => {
            let c = opts
                .mapping
                .find_column(&source.path, "theme", h)
                .map_err(|_| ImportError::UnknownThemeColumn {
                    path: source.path.clone(),
                    header: h.clone(),
                    columns: crate::quote::quoted_list(
                        source.headers.iter().map(String::as_str),
                        40,
                    ),
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
    let listed = crate::suppress::ListFilter::load(conn)?;
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
        if listed.any_listed(conn, c.listed_values(), c.email.as_deref())? {
            c.warnings.push(ON_THE_LIST.to_string());
        }
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

/// The CRM or provider a header looks like it comes from.
pub fn source_format(headers: &[String]) -> &'static str {
    let has = |name: &str| {
        headers
            .iter()
            .any(|h| mapping::compact(h) == mapping::compact(name))
    };
    let starts = |prefix: &str| headers.iter().any(|h| h.starts_with(prefix));
    if has("Record ID")
        && (has("Lifecycle Stage") || has("Contact owner") || has("Company Domain Name"))
    {
        "hubspot"
    } else if starts("lead.") || has("lead_id") && has("contact_name") || has("status_label") {
        // Before Salesforce: Close's "lead_id" reads as "Lead ID".
        "close"
    } else if has("Lead ID")
        || has("Contact ID") && has("Account Name")
        || has("Lead Owner")
        || has("Id") && (has("OwnerId") || has("AccountId"))
    {
        "salesforce"
    } else if has("Apollo Contact Id") || (has("Email Status") && has("Seniority")) {
        "apollo"
    } else if starts("Person - ") || starts("Organization - ") {
        "pipedrive"
    } else if has("ZoomInfo Contact ID") {
        "zoominfo"
    } else if has("Phone 1 Type") || has("Phone 1") && has("Company Domain") {
        "lusha"
    } else if has("Sales Navigator Profile URL") || has("LinkedIn Sales Navigator URL") {
        "linkedin"
    } else if has("Work Phones") || has("Mobile Phones") || has("Voip Phones") {
        "outreach"
    } else {
        "csv"
    }
}

/// The name of a source format ([`source_format`]) as the user knows it.
pub fn source_format_label(format: &str) -> &'static str {
    match format {
        "hubspot" => "HubSpot",
        "salesforce" => "Salesforce",
        "apollo" => "Apollo",
        "pipedrive" => "Pipedrive",
        "zoominfo" => "ZoomInfo",
        "close" => "Close",
        "lusha" => "Lusha",
        "linkedin" => "LinkedIn Sales Navigator",
        "outreach" => "Outreach",
        _ => "CSV",
    }
}

/// Load the phone-number metadata now: its first use compiles its patterns
/// (about 0.2 s). The app calls this at start-up, off the main thread, so
/// that the first preview of an import does not wait for it.
pub fn warm_up() {
    let _ = phone::parse_region("US");
}

//! What can go wrong with a file as a whole. Problems with single rows are
//! not errors: they are listed in the report (line and reason) and the user
//! chooses to import the valid rows or nothing.

use std::path::PathBuf;

use crate::quote::quoted;

/// Errors that stop an import (or a preview) before anything is written.
/// Every message names the file and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: cannot be read ({source})", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: is a directory, not a CSV file", path.display())]
    IsDirectory { path: PathBuf },

    #[error("{}: is not a text file ({detail}); export the list as CSV and import that file", path.display())]
    NotText { path: PathBuf, detail: String },

    #[error("{}: is not a CSV file ({detail})", path.display())]
    NotCsv { path: PathBuf, detail: String },

    #[error("{}: has no header line ({detail}); the first line must name the columns", path.display())]
    NoHeader { path: PathBuf, detail: String },

    #[error("{}: has a header but no rows to import", path.display())]
    NoRows { path: PathBuf },

    #[error("{}: line {line}: a quoted field opens here and is never closed (the file is cut off or a quote is missing); nothing was imported", path.display())]
    TruncatedQuote { path: PathBuf, line: u64 },

    #[error("{}: line {line}: one record is longer than {limit_mib} MiB (a closing quote is probably missing); nothing was imported", path.display())]
    RecordTooLong {
        path: PathBuf,
        line: u64,
        limit_mib: u64,
    },

    #[error("{}: line {line}: more than {limit} columns in one record, more than any export has (the file is probably not a list, or was cut and joined wrongly); nothing was imported. Export the list from the CRM again", path.display())]
    TooManyFields {
        path: PathBuf,
        line: u64,
        limit: u64,
    },

    #[error(
        "unknown field {} in the column mapping; the fields are: {known}",
        quoted(name)
    )]
    UnknownField { name: String, known: String },

    #[error("{}: no column named {} (for {field}); the columns are: {columns}", path.display(), quoted(header))]
    UnknownHeader {
        path: PathBuf,
        field: String,
        header: String,
        columns: String,
    },

    #[error("{}: the column name {} (for {field}) appears more than once, in columns {columns}; name the column by its number instead, e.g. {field}=#{first}", path.display(), quoted(header))]
    AmbiguousHeader {
        path: PathBuf,
        field: String,
        header: String,
        columns: String,
        first: usize,
    },

    #[error(
        "invalid column mapping {}: write FIELD=HEADER, e.g. phone=\"Phone Number\"",
        quoted(text)
    )]
    BadMappingSyntax { text: String },

    #[error("{}: no column is mapped to a phone number; map one, e.g. phone=\"Phone Number\" (fields: phone, mobile, direct_phone, corporate_phone, other_phone)", path.display())]
    NoPhoneColumn { path: PathBuf },

    #[error("{}: no column named {} to group themes by; the columns are: {columns}", path.display(), quoted(header))]
    UnknownThemeColumn {
        path: PathBuf,
        header: String,
        columns: String,
    },

    #[error("{} is not a region phone numbers know; give a two-letter country code such as US, GB or DE", quoted(region))]
    BadRegion { region: String },

    #[error("the import would leave {rows} rows of {table} pointing at rows that do not exist; nothing was imported (this is a bug in Callblock, please report it)")]
    BrokenReferences { table: &'static str, rows: i64 },

    #[error("{}: the import was cancelled after {rows} rows; nothing was changed", path.display())]
    Cancelled { path: PathBuf, rows: u64 },
}

impl ImportError {
    /// A stable machine name for tests and for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            ImportError::Io { .. } => "io",
            ImportError::IsDirectory { .. } => "is_directory",
            ImportError::NotText { .. } => "not_text",
            ImportError::NotCsv { .. } => "not_csv",
            ImportError::NoHeader { .. } => "no_header",
            ImportError::NoRows { .. } => "no_rows",
            ImportError::TruncatedQuote { .. } => "truncated_quote",
            ImportError::RecordTooLong { .. } => "record_too_long",
            ImportError::TooManyFields { .. } => "too_many_fields",
            ImportError::UnknownField { .. } => "unknown_field",
            ImportError::UnknownHeader { .. } => "unknown_header",
            ImportError::AmbiguousHeader { .. } => "ambiguous_header",
            ImportError::BadMappingSyntax { .. } => "bad_mapping",
            ImportError::NoPhoneColumn { .. } => "no_phone_column",
            ImportError::UnknownThemeColumn { .. } => "unknown_theme_column",
            ImportError::BadRegion { .. } => "bad_region",
            ImportError::Cancelled { .. } => "cancelled",
            ImportError::BrokenReferences { .. } => "broken_references",
        }
    }
}

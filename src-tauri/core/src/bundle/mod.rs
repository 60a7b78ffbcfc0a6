//! A team's calls in one place: a rep exports a *bundle* of their calls and
//! blocks for a period; a manager imports any number of bundles into their
//! own database.
//!
//! The file is one JSON document, gzip-compressed (`.cbbundle`): a format name
//! and version, the schema version of the app that wrote it, the rep, and
//! every row the calls need: themes, prospects (names, company, time zone,
//! status; no phone numbers), talk tracks and their versions, objections and
//! responses, blocks with their themes and pauses, calls, the objections
//! raised in them and the meetings booked. gzip's checksum and the counts
//! stated in the document catch a damaged or truncated file.
//!
//! Import runs in one transaction: everything or nothing.
//! - Rows are matched by id (UUID): what is already there is left as it is,
//!   so importing the same bundle twice changes nothing. A call keeps its rep.
//! - A bundle from a newer format, or from a newer schema than this app's, is
//!   refused, as is a damaged one, with a sentence that says which.
//! - Rows the manager has under another id are matched by their natural key
//!   instead of being duplicated: the rep by name, a theme by name, an
//!   objection by slug (the default library's slugs are the same in every
//!   database), a response by objection, theme and identical text, a talk
//!   track by theme (one track per theme), a talk-track version by track and
//!   identical text. A version or response with new text is added to the
//!   manager's track or objection under the bundle's id (numbered after the
//!   manager's own when its number is taken), so that the playbook reports
//!   compare it like any other.
//! - Prospects are matched by id only (two reps' lists are their own).
//!
//! By concept: `error` (why a bundle is refused; a leaf the crate's error
//! wraps), `format` (the document), `export`, `read` (the checks before an
//! import: the document whole, every reference inside it), `values` (every
//! value checked and normalized by the rules of [`crate::text`], ids unique),
//! `import` (each kind of row merged through [`crate::store::merge`]).

pub mod error;
mod export;
mod format;
mod import;
mod read;
mod values;

pub use error::BundleError;
pub use export::{build, export, export_file, write_bundle, ExportSummary};
pub(crate) use export::{
    build_of, call_row, counts, prospects_by_ids, rep, themes_by_ids, CALL_COLUMNS,
};
pub use format::{
    BBlock, BCall, BCallObjection, BComment, BFlag, BMeeting, BObjection, BPause, BProspect, BRep,
    BResponse, BTalkTrack, BTalkTrackVersion, BTheme, Bundle, BundleCounts, EXTENSION, FORMAT,
    FORMAT_VERSION,
};
pub(crate) use import::import_lists;
pub use import::{import, import_checked, import_file, import_named, BundleReport, ImportCount};
pub use read::{checked, read, MAX_BUNDLE_BYTES};

#[cfg(test)]
mod tests;

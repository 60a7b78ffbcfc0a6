//! Call lists as the Lists view and `callblock lists|info|export prospects`
//! use them: prospects written to a CSV file, and what a database holds. The rules are [`crate::lists`], [`crate::themes`]
//! and [`crate::export`]'s.

use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Result;
use crate::export::{self, ExportScope};
use crate::files;

/// The file name examples in messages.
const EXAMPLE: &str = "prospects.csv";

/// Prospects written to a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectExport {
    pub path: String,
    pub prospects: u32,
}

/// Write the prospects of `scope` to a CSV file (cells a spreadsheet would
/// run as formulas are escaped); an existing file only with `replace`.
pub fn export_prospects(
    conn: &Connection,
    path: &Path,
    scope: &ExportScope,
    replace: bool,
) -> Result<ProspectExport> {
    files::check_output_file(path, replace, EXAMPLE)?;
    let prospects = export::export_prospects(conn, path, scope, replace)?;
    Ok(ProspectExport {
        path: path.display().to_string(),
        prospects,
    })
}

/// What a database holds, for `callblock info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseInfo {
    pub database: String,
    pub schema_version: i64,
    pub themes: i64,
    pub prospects: i64,
    pub calls: i64,
}

/// The counts of `conn`'s database at `path`.
pub fn info(conn: &Connection, path: &Path) -> Result<DatabaseInfo> {
    let (themes, prospects, calls) = conn.query_row(
        "SELECT (SELECT count(*) FROM themes), (SELECT count(*) FROM prospects),
                (SELECT count(*) FROM calls)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(DatabaseInfo {
        database: path.display().to_string(),
        schema_version: crate::store::LATEST,
        themes,
        prospects,
        calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn export_refuses_to_replace_a_file_unless_asked() {
        let store = Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.csv");
        std::fs::write(&f, "old").unwrap();
        let e = export_prospects(store.conn(), &f, &ExportScope::All, false).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "old");
        let done = export_prospects(store.conn(), &f, &ExportScope::All, true).unwrap();
        assert_eq!(done.prospects, 0);
        let e = export_prospects(store.conn(), dir.path(), &ExportScope::All, false).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let missing = dir.path().join("nope/x.csv");
        let e = export_prospects(store.conn(), &missing, &ExportScope::All, false).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[test]
    fn info_counts_rows() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .write(|tx| {
                crate::lists::create_theme(tx, "Logistics", crate::domain::ThemeKind::Vertical, "")
            })
            .unwrap();
        let i = info(store.conn(), Path::new("x.db")).unwrap();
        assert_eq!((i.themes, i.prospects, i.calls), (1, 0, 0));
    }
}

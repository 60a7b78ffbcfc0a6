//! Prospects to CSV (for `callblock export prospects`), safe to open in a
//! spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'` (the OWASP advice against CSV
//! injection), so no formula runs. Phone numbers in E.164 start with `+` and
//! are escaped too: the spreadsheet shows them as text, not as a number.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};

/// Which prospects to export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "scope", content = "theme_id", rename_all = "snake_case")]
pub enum ExportScope {
    All,
    Theme(String),
    NoTheme,
}

/// The columns of the export, in order.
pub const PROSPECT_COLUMNS: &[&str] = &[
    "theme",
    "first_name",
    "last_name",
    "title",
    "company",
    "email",
    "phone",
    "phone_kind",
    "other_phones",
    "city",
    "region",
    "country",
    "time_zone",
    "industry",
    "employees",
    "status",
    "attempts",
    "last_called_at",
    "next_attempt_at",
    "callback_at",
    "do_not_call",
    "bad_number",
    "crm_id",
    "source_file",
    "id",
];

/// Prefix a cell a spreadsheet would take for a formula with `'`.
pub fn escape_formula(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One CSV line of formula-escaped cells (quoted as needed, CRLF).
fn write_row(out: &mut dyn Write, cells: &[&str]) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(cells.iter().map(|c| escape_formula(c).into_owned()))?;
    w.flush()
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Write the prospects of `scope` as CSV (a header line, then one line per
/// prospect, sorted by theme and name). Returns the number of prospects.
pub fn write_prospects_csv(
    conn: &Connection,
    out: &mut dyn Write,
    scope: &ExportScope,
) -> Result<u32> {
    write_csv(conn, out, scope, Path::new("<output>"))
}

fn write_csv(
    conn: &Connection,
    out: &mut dyn Write,
    scope: &ExportScope,
    path: &Path,
) -> Result<u32> {
    let (filter, theme) = match scope {
        ExportScope::All => ("1", None),
        ExportScope::Theme(id) => {
            let exists: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM themes WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::NotFound {
                    what: "theme",
                    id: id.clone(),
                });
            }
            ("p.theme_id = ?1", Some(id.as_str()))
        }
        ExportScope::NoTheme => ("p.theme_id IS NULL", None),
    };
    write_row(out, PROSPECT_COLUMNS).map_err(io_error(path))?;
    let mut phones = conn.prepare(
        "SELECT kind, e164, extension, raw, bad FROM prospect_phones
         WHERE prospect_id = ?1 ORDER BY position",
    )?;
    let sql = format!(
        "SELECT ifnull(t.name, ''), p.first_name, p.last_name, p.title, p.company,
            ifnull(p.email, ''), p.city, p.region, p.country, ifnull(p.time_zone, ''),
            p.industry, p.employees, p.status, p.attempts, ifnull(p.last_called_at, ''),
            ifnull(p.next_attempt_at, ''), ifnull(p.callback_at, ''), p.do_not_call,
            p.bad_number, ifnull(p.crm_id, ''), ifnull(p.source_file, ''), p.id
         FROM prospects p LEFT JOIN themes t ON t.id = p.theme_id
         WHERE {filter} AND (?1 IS NULL OR ?1 IS NOT NULL)
         ORDER BY t.name COLLATE NOCASE, p.last_name COLLATE NOCASE,
            p.first_name COLLATE NOCASE, p.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![theme])?;
    let mut n = 0u32;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        let id = text(21)?;
        let mut first = (String::new(), String::new());
        let mut others = Vec::new();
        let list = phones.query_map([&id], |p| {
            Ok((
                p.get::<_, String>(0)?,
                p.get::<_, Option<String>>(1)?,
                p.get::<_, Option<String>>(2)?,
                p.get::<_, String>(3)?,
                p.get::<_, bool>(4)?,
            ))
        })?;
        for ph in list {
            let (kind, e164, ext, raw, bad) = ph?;
            let mut number = e164.unwrap_or(raw);
            if let Some(x) = ext {
                number.push_str(" x");
                number.push_str(&x);
            }
            if bad {
                number.push_str(" (bad)");
            }
            if first.0.is_empty() && !bad {
                first = (number, kind);
            } else {
                others.push(number);
            }
        }
        let attempts: i64 = r.get(13)?;
        let flag = |b: bool| if b { "yes" } else { "no" };
        let cells: Vec<String> = vec![
            text(0)?,
            text(1)?,
            text(2)?,
            text(3)?,
            text(4)?,
            text(5)?,
            first.0,
            first.1,
            others.join("; "),
            text(6)?,
            text(7)?,
            text(8)?,
            text(9)?,
            text(10)?,
            text(11)?,
            text(12)?,
            attempts.to_string(),
            text(14)?,
            text(15)?,
            text(16)?,
            flag(r.get(17)?).to_string(),
            flag(r.get(18)?).to_string(),
            text(19)?,
            text(20)?,
            id,
        ];
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        write_row(out, &refs).map_err(io_error(path))?;
        n += 1;
    }
    out.flush().map_err(io_error(path))?;
    Ok(n)
}

/// Export to a file, UTF-8 with a BOM so that Excel reads accents right,
/// written atomically ([`crate::files::write_atomic`]): a failed export
/// leaves no half-written file, and an existing file is replaced only with
/// `replace`.
pub fn export_prospects(
    conn: &Connection,
    path: &Path,
    scope: &ExportScope,
    replace: bool,
) -> Result<u32> {
    crate::files::write_atomic(path, replace, |out| {
        out.write_all(b"\xEF\xBB\xBF").map_err(io_error(path))?;
        write_csv(conn, out, scope, path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Settings;
    use crate::import::{self, ImportOptions, ThemeChoice};
    use crate::store::Store;

    #[test]
    fn formulas_are_escaped_and_fields_quoted() {
        assert_eq!(escape_formula("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(escape_formula("+1 312 555 0142"), "'+1 312 555 0142");
        assert_eq!(escape_formula("-2+3"), "'-2+3");
        assert_eq!(escape_formula("@cmd"), "'@cmd");
        assert_eq!(escape_formula("\t=1"), "'\t=1");
        assert_eq!(escape_formula("Acme"), "Acme");
        assert_eq!(escape_formula(""), "");
        let line = |cells: &[&str]| {
            let mut out = Vec::new();
            write_row(&mut out, cells).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(line(&["Director, Sales", "x"]), "\"Director, Sales\",x\r\n");
        assert_eq!(line(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(
            line(&["=HYPERLINK(\"x\")"]),
            "\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
        assert_eq!(line(&["two\nlines"]), "\"two\nlines\"\r\n");
    }

    #[test]
    fn imported_formula_cells_come_back_escaped_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let src_path = dir.path().join("in.csv");
        std::fs::write(
            &src_path,
            "First Name,Last Name,Company,Phone,Title,Email\n\
             =cmd|' /C calc'!A0,@SUM(1+1),\"-2+3, Inc\",+1 312 555 0142 x7,Müller & Co,a@b.example\n\
             Bob,Plain,Acme,(312) 555-0143,CEO,b@b.example\n",
        )
        .unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let src = import::read_file(&src_path).unwrap();
        let mut opts = ImportOptions::new(&src, &Settings::default());
        opts.theme = ThemeChoice::Named("Chicago".into());
        import::run(&mut store, &src, &opts, &mut |_| true).unwrap();

        let out_path = dir.path().join("out.csv");
        let n = export_prospects(store.conn(), &out_path, &ExportScope::All, false).unwrap();
        assert_eq!(n, 2);
        let bytes = std::fs::read(&out_path).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], PROSPECT_COLUMNS.join(","));
        let evil = lines.iter().find(|l| l.contains("calc")).unwrap();
        assert!(evil.contains("'=cmd|' /C calc'!A0"), "{evil}");
        assert!(evil.contains("'@SUM(1+1)"), "{evil}");
        assert!(evil.contains("\"'-2+3, Inc\""), "{evil}");
        assert!(evil.contains("'+13125550142 x7"), "{evil}");
        // No cell of the export starts with a formula character.
        for line in &lines[1..] {
            for cell in line.split(',') {
                let c = cell.trim_start_matches('"');
                assert!(!c.starts_with(['=', '+', '-', '@']), "{cell} in {line}");
            }
        }
        // Importing the export gives back the same text, not the escapes.
        let mut again = Store::open_in_memory().unwrap();
        let src = import::read_file(&out_path).unwrap();
        let opts = ImportOptions::new(&src, &Settings::default());
        let r = import::run(&mut again, &src, &opts, &mut |_| true).unwrap();
        assert_eq!(r.imported, 2, "{:?}", r.rejected);
        let first: String = again
            .conn()
            .query_row(
                "SELECT first_name FROM prospects WHERE last_name = '@SUM(1+1)'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(first, "=cmd|' /C calc'!A0");

        // One theme, no theme, unknown theme.
        let themes = crate::lists::themes(store.conn()).unwrap();
        let mut buf = Vec::new();
        let n = write_prospects_csv(
            store.conn(),
            &mut buf,
            &ExportScope::Theme(themes[0].id.clone()),
        )
        .unwrap();
        assert_eq!(n, 2);
        let n = write_prospects_csv(store.conn(), &mut Vec::new(), &ExportScope::NoTheme).unwrap();
        assert_eq!(n, 0);
        let e = write_prospects_csv(
            store.conn(),
            &mut Vec::new(),
            &ExportScope::Theme("nope".into()),
        )
        .unwrap_err();
        assert_eq!(e.kind(), "not_found");
        // A directory that does not exist: a clear error, no stray file.
        let e = export_prospects(
            store.conn(),
            &dir.path().join("no/such/dir.csv"),
            &ExportScope::All,
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind(), "io");
    }
}

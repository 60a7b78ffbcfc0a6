//! A team's calls by file: a rep exports a bundle of their calls and blocks,
//! a manager imports bundles (`callblock export bundle|import-bundle` and
//! Review's Team tab). The format and its rules are [`crate::bundle`]'s.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;
use specta::Type;

use crate::bundle::{self, BundleCounts, BundleReport, ExportSummary};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::{files, reports};

/// The rep a bundle is exported for: `rep` (a name, id or unique start of a
/// name), else the current rep; an error that says so when neither is there.
pub fn bundle_rep(conn: &Connection, rep: Option<&str>) -> Result<String> {
    match rep.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => super::review::rep_id(conn, r),
        None => match crate::reps::current_rep(conn)? {
            Some(r) => Ok(r.id),
            None => Err(Error::invalid(
                "--rep",
                "there is no rep in this database yet, so there are no calls to export",
            )),
        },
    }
}

/// A bundle file name: `callblock-alex-2026-11-01-to-2026-11-30.cbbundle`.
pub fn bundle_file_name(rep_name: &str, from: Option<&str>, to: Option<&str>) -> String {
    let slug: String = rep_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let period = match (from, to) {
        (None, None) => "all".to_string(),
        (f, t) => format!("{}-to-{}", f.unwrap_or("start"), t.unwrap_or("now")),
    };
    format!(
        "callblock-{}-{period}.{}",
        if slug.is_empty() { "rep" } else { &slug },
        bundle::EXTENSION
    )
}

/// The file name examples in messages.
fn example() -> String {
    format!("callblock-rep.{}", bundle::EXTENSION)
}

/// Export `rep_id`'s calls and blocks of the period (dates `YYYY-MM-DD`, both
/// included, or RFC 3339 instants) to a bundle at `path`; an existing file is
/// replaced only with `replace`.
pub fn export_bundle_to(
    conn: &Connection,
    rep_id: &str,
    from: Option<&str>,
    to: Option<&str>,
    path: &Path,
    replace: bool,
) -> Result<ExportSummary> {
    let (from, to) = reports::parse_period(from, to)?;
    files::check_output_file(path, replace, &example())?;
    bundle::export_file(conn, rep_id, from, to, path, replace)
}

/// What a bundle export wrote. (The core's `bundle::ExportSummary` shares its
/// name with the playbook's, so the window gets this type instead.)
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleExported {
    pub path: String,
    pub rep_name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub counts: BundleCounts,
}

/// Export a rep's calls and blocks of a period as the Team tab asks: `rep`
/// (`None`: the current rep), dates `YYYY-MM-DD` where blank means open.
pub fn export_rep_bundle(
    conn: &Connection,
    rep: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    path: &Path,
    replace: bool,
) -> Result<BundleExported> {
    let (from, to) = (nonempty(from), nonempty(to));
    let rep = bundle_rep(conn, rep)?;
    let summary = export_bundle_to(conn, &rep, from, to, path, replace)?;
    Ok(BundleExported {
        path: path.display().to_string(),
        rep_name: summary.rep_name,
        from: summary.from,
        to: summary.to,
        counts: summary.counts,
    })
}

/// `s` trimmed, `None` when blank.
fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The bundle paths typed in the Team tab (blank lines skipped; `~/` allowed).
pub fn typed_bundle_paths(typed: &[String]) -> Result<Vec<PathBuf>> {
    typed
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| files::typed_path(p, &example()))
        .collect()
}

/// Import bundle files, all or nothing: every file is read and checked
/// first; when one is refused (damaged, from a newer version, not a bundle)
/// none is imported and the error names each refused file. Then each is
/// imported in its own transaction (importing one twice changes nothing).
pub fn import_bundle_files(store: &mut Store, paths: &[PathBuf]) -> Result<Vec<BundleReport>> {
    if paths.is_empty() {
        return Err(Error::invalid(
            "bundles",
            "give at least one bundle file (.cbbundle) to import",
        ));
    }
    let mut refused = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let checked = std::fs::File::open(path)
            .map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })
            .and_then(|f| bundle::read(std::io::BufReader::new(f), &name));
        if let Err(e) = checked {
            refused.push(e);
        }
    }
    if !refused.is_empty() {
        if paths.len() == 1 {
            return Err(refused.remove(0));
        }
        let messages: Vec<String> = refused.iter().map(|e| e.to_string()).collect();
        // One line (the command line prints it so); the view breaks it at " | ".
        return Err(Error::Conflict(format!(
            "{} of {} bundles {} refused, so none was imported: {}",
            refused.len(),
            paths.len(),
            if refused.len() == 1 { "was" } else { "were" },
            messages.join(" | ")
        )));
    }
    let mut out = Vec::new();
    for path in paths {
        out.push(bundle::import_file(store, path)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::api::demo_on_disk as demo;

    #[test]
    fn bundles_round_trip_and_a_refused_one_stops_all() {
        let (d, store) = demo();
        let rep = bundle_rep(store.conn(), None).unwrap();
        let path = d.path().join("a.cbbundle");
        let s = export_bundle_to(store.conn(), &rep, None, None, &path, false).unwrap();
        assert!(s.counts.calls > 0);
        let mut b = Store::open(d.path().join("b.db")).unwrap();
        let bad = d.path().join("bad.cbbundle");
        std::fs::write(&bad, b"\x1f\x8b\x08\x00garbage").unwrap();
        let e = import_bundle_files(&mut b, &[path.clone(), bad.clone()]).unwrap_err();
        assert!(e.to_string().contains("1 of 2 bundles was refused"), "{e}");
        assert!(e.to_string().contains("bad.cbbundle"), "{e}");
        let calls = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(calls(&b), 0);
        let r = import_bundle_files(&mut b, std::slice::from_ref(&path)).unwrap();
        assert_eq!(r[0].calls.added, s.counts.calls);
        let again = import_bundle_files(&mut b, &[path]).unwrap();
        assert!(again[0].unchanged);
        assert_eq!(calls(&b), i64::from(s.counts.calls));
        assert_eq!(
            bundle_file_name("Alex O'Neil", Some("2026-11-01"), None),
            "callblock-alex-o-neil-2026-11-01-to-now.cbbundle"
        );
    }
}

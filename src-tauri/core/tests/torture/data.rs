//! The files the torture imports: CSV exports (written by the child) and
//! rep bundles (made once by the parent, from a demo database, with the
//! core's own export).

use std::io::Write;
use std::path::{Path, PathBuf};

use callblock_core::{api, bundle, demo, reps, Store};
use chrono::{Duration, Utc};

/// A CSV file's name says what it holds: `<key>-<rows>.csv`, where every row's
/// CRM record id is `<key>-<row>`.
pub fn csv_name(key: &str, rows: u32) -> String {
    format!("{key}-{rows}.csv")
}

/// The key and row count of a CSV file written by [`write_csv`].
pub fn parse_csv_name(path: &Path) -> Option<(String, u32)> {
    let stem = path.file_stem()?.to_str()?;
    let (key, rows) = stem.rsplit_once('-')?;
    Some((key.to_string(), rows.parse().ok()?))
}

const AREAS: [u32; 8] = [312, 512, 415, 646, 617, 303, 206, 404];

/// A HubSpot-shaped export of `rows` people, none of whom matches a row of
/// another key (CRM id, e-mail and name are all made from the key), and with
/// no location: their time zone stays unknown, so they can be called at any
/// hour of any day the test runs.
pub fn write_csv(dir: &Path, key: &str, rows: u32) -> std::io::Result<PathBuf> {
    let path = dir.join(csv_name(key, rows));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        out,
        "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name"
    )?;
    let low = key.to_lowercase();
    for i in 0..rows {
        writeln!(
            out,
            "{key}-{i},Pat{i},Tester{key},{low}-{i}@torture.example,+1 {} 555-01{:02},Head of Operations,Company {}",
            AREAS[(i as usize) % AREAS.len()],
            i % 100,
            i % 97
        )?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(path)
}

/// A bundle made for the torture, and the rows it brings.
#[derive(Debug, Clone)]
pub struct BundleFile {
    pub path: PathBuf,
    pub calls: Vec<String>,
    pub meetings: Vec<String>,
    pub call_objections: Vec<String>,
}

/// A demo database (two reps, two weeks of calls) exported as one bundle
/// per rep and half of the two weeks: bundles whose calls do not overlap.
pub fn make_bundles(dir: &Path) -> Result<Vec<BundleFile>, String> {
    let now = Utc::now();
    let mut store = Store::open(dir.join("source.db")).map_err(|e| e.to_string())?;
    demo::fill(&mut store, 7, now).map_err(|e| e.to_string())?;
    let mid = (now - Duration::days(8)).date_naive();
    let first_to = mid.format("%Y-%m-%d").to_string();
    let second_from = (mid + Duration::days(1)).format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    for rep in reps::reps(store.conn()).map_err(|e| e.to_string())? {
        for (from, to) in [
            (None, Some(first_to.as_str())),
            (Some(second_from.as_str()), None),
        ] {
            let path = dir.join(format!("bundle-{}.cbbundle", out.len()));
            api::team::export_bundle_to(store.conn(), &rep.id, from, to, &path, false)
                .map_err(|e| format!("exporting {}: {e}", path.display()))?;
            let file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            let b =
                bundle::read(std::io::BufReader::new(file), "bundle").map_err(|e| e.to_string())?;
            if b.calls.is_empty() {
                continue;
            }
            out.push(BundleFile {
                path,
                calls: b.calls.iter().map(|c| c.id.clone()).collect(),
                meetings: b.meetings.iter().map(|m| m.id.clone()).collect(),
                call_objections: b.call_objections.iter().map(|o| o.id.clone()).collect(),
            });
        }
    }
    if out.len() < 2 {
        return Err(format!(
            "the demo gave {} bundles with calls; expected 4",
            out.len()
        ));
    }
    Ok(out)
}

//! Reading a bundle: gzip or plain JSON, the header checked first (a newer
//! format or schema is refused by its version), then the whole document
//! checked (counts as stated, every reference inside it).

use std::collections::HashSet;
use std::io::Read;

use flate2::read::GzDecoder;

use super::error::BundleError;
use super::format::{Bundle, Header, FORMAT, FORMAT_VERSION};
use crate::error::{escaped, Error, Result};
use crate::store::LATEST;

/// Read and check a bundle (gzip-compressed or plain JSON) without importing it.
pub fn read(reader: impl Read, source_name: &str) -> Result<Bundle> {
    let mut raw = Vec::new();
    reader
        .take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Error::Io {
            path: source_name.into(),
            source: e,
        })?;
    if raw.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(too_large(source_name).into());
    }
    let json = json_of(raw, source_name)?;
    check_header(read_header(&json, source_name)?, source_name)?;
    let damaged = |d: String| damaged(source_name, d);
    let mut bundle: Bundle = serde_json::from_slice(&json).map_err(|e| damaged(format!("{e}")))?;
    drop(json);
    super::values::check(&mut bundle).map_err(damaged)?;
    check(&bundle).map_err(damaged)?;
    Ok(bundle)
}

/// A bundle that did not come from a file (the team store's rows, read back
/// into bundles): every value and reference checked as [`read`] checks a file's.
pub fn checked(mut bundle: Bundle, source_name: &str) -> Result<Bundle> {
    let damaged = |d: String| damaged(source_name, d);
    super::values::check(&mut bundle).map_err(damaged)?;
    check(&bundle).map_err(damaged)?;
    Ok(bundle)
}

/// The most a bundle may hold, compressed or not: years of one rep's calls
/// (about 500 bytes of JSON a call), and little enough that reading one
/// stays within a few hundred MB of memory.
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

fn too_large(source_name: &str) -> BundleError {
    BundleError::TooLarge {
        source_name: source_name.to_string(),
        limit_mib: MAX_BUNDLE_BYTES / (1024 * 1024),
    }
}

/// The most of a detail a refusal shows: a parser's message may quote a
/// value of any length (and any content: control and bidi characters are
/// shown escaped).
const DETAIL_MAX_CHARS: usize = 240;

pub(super) fn damaged(source_name: &str, detail: String) -> BundleError {
    BundleError::Damaged {
        source_name: source_name.to_string(),
        detail: escaped(&detail, DETAIL_MAX_CHARS),
    }
}

fn not_a_bundle(source_name: &str, detail: String) -> BundleError {
    BundleError::NotABundle {
        source_name: source_name.to_string(),
        detail: escaped(&detail, DETAIL_MAX_CHARS),
    }
}

/// The JSON document: decompressed when gzip, as it is when JSON.
fn json_of(raw: Vec<u8>, source_name: &str) -> Result<Vec<u8>> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        // Read no more than the limit: a small file may inflate to gigabytes.
        GzDecoder::new(raw.as_slice())
            .take(MAX_BUNDLE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                damaged(
                    source_name,
                    format!("the compressed data does not check out: {e}"),
                )
            })?;
        if out.len() as u64 > MAX_BUNDLE_BYTES {
            return Err(too_large(source_name).into());
        }
        Ok(out)
    } else if raw.first().is_some_and(|b| *b == b'{') {
        Ok(raw)
    } else {
        Err(not_a_bundle(
            source_name,
            "the file is neither a compressed bundle nor JSON".into(),
        )
        .into())
    }
}

fn read_header(json: &[u8], source_name: &str) -> Result<Header> {
    let header = serde_json::from_slice(json).map_err(|e| {
        if e.is_eof() {
            damaged(source_name, format!("the document ends too early: {e}"))
        } else if e.is_syntax() {
            damaged(source_name, format!("the document is not valid JSON: {e}"))
        } else {
            not_a_bundle(source_name, e.to_string())
        }
    })?;
    Ok(header)
}

/// Ours, of a format and a schema this version reads.
fn check_header(header: Header, source_name: &str) -> Result<()> {
    if header.format.as_deref() != Some(FORMAT) {
        return Err(not_a_bundle(
            source_name,
            format!(
                "its format is {}, not {FORMAT:?}",
                crate::quote::quoted(&header.format.unwrap_or_default())
            ),
        )
        .into());
    }
    let too_new = |detail: String| BundleError::TooNew {
        source_name: source_name.to_string(),
        detail: escaped(&detail, DETAIL_MAX_CHARS),
    };
    let app = header.app_version.unwrap_or_else(|| "unknown".into());
    let version = header.format_version.unwrap_or(0);
    if version > FORMAT_VERSION {
        return Err(too_new(format!(
            "bundle format {version} from Callblock {app}; this version reads format {FORMAT_VERSION}"
        ))
        .into());
    }
    let schema = header.schema_version.unwrap_or(0);
    if schema > LATEST {
        return Err(too_new(format!(
            "database schema {schema} from Callblock {app}; this version knows up to {LATEST}"
        ))
        .into());
    }
    if version == 0 {
        return Err(damaged(source_name, "it has no format version".into()).into());
    }
    Ok(())
}

/// The bundle is whole: counts as stated, every reference inside it.
fn check(b: &Bundle) -> std::result::Result<(), String> {
    check_counts(b)?;
    let ids = Ids::of(b);
    check_prospects_and_playbook(b, &ids)?;
    check_blocks(b, &ids)?;
    check_calls(b, &ids)
}

fn check_counts(b: &Bundle) -> std::result::Result<(), String> {
    let c = &b.counts;
    let stated = [
        ("themes", c.themes, b.themes.len()),
        ("prospects", c.prospects, b.prospects.len()),
        (
            "talk-track versions",
            c.talk_track_versions,
            b.talk_track_versions.len(),
        ),
        ("objections", c.objections, b.objections.len()),
        ("responses", c.responses, b.responses.len()),
        ("blocks", c.blocks, b.blocks.len()),
        ("pauses", c.pauses, b.pauses.len()),
        ("calls", c.calls, b.calls.len()),
        (
            "objections raised",
            c.call_objections,
            b.call_objections.len(),
        ),
        ("meetings", c.meetings, b.meetings.len()),
        ("comments", c.comments, b.comments.len()),
        ("coaching flags", c.flags, b.flags.len()),
    ];
    for (what, said, has) in stated {
        if said as usize != has {
            return Err(format!("it says {said} {what} but holds {has}"));
        }
    }
    Ok(())
}

/// The ids of each kind of row the bundle holds.
struct Ids {
    themes: HashSet<String>,
    prospects: HashSet<String>,
    tracks: HashSet<String>,
    versions: HashSet<String>,
    objections: HashSet<String>,
    responses: HashSet<String>,
    blocks: HashSet<String>,
    calls: HashSet<String>,
}

impl Ids {
    fn of(b: &Bundle) -> Ids {
        let ids = |v: Vec<&String>| -> HashSet<String> { v.into_iter().cloned().collect() };
        Ids {
            themes: ids(b.themes.iter().map(|x| &x.id).collect()),
            prospects: ids(b.prospects.iter().map(|x| &x.id).collect()),
            tracks: ids(b.talk_tracks.iter().map(|x| &x.id).collect()),
            versions: ids(b.talk_track_versions.iter().map(|x| &x.id).collect()),
            objections: ids(b.objections.iter().map(|x| &x.id).collect()),
            responses: ids(b.responses.iter().map(|x| &x.id).collect()),
            blocks: ids(b.blocks.iter().map(|x| &x.id).collect()),
            calls: ids(b.calls.iter().map(|x| &x.id).collect()),
        }
    }

    /// No theme, or one the bundle holds.
    fn theme_ok(&self, t: &Option<String>) -> bool {
        t.as_ref().is_none_or(|t| self.themes.contains(t))
    }
}

fn missing(what: &str, id: &str, whose: &str) -> String {
    format!("{whose} refers to {what} {id}, which is not in the bundle")
}

/// Prospects, talk tracks, their versions and responses refer to rows of the bundle.
fn check_prospects_and_playbook(b: &Bundle, ids: &Ids) -> std::result::Result<(), String> {
    for p in &b.prospects {
        if !ids.theme_ok(&p.theme_id) {
            return Err(missing(
                "theme",
                p.theme_id.as_deref().unwrap_or(""),
                &format!("prospect {}", p.id),
            ));
        }
    }
    for t in &b.talk_tracks {
        if !ids.theme_ok(&t.theme_id) {
            return Err(missing(
                "theme",
                t.theme_id.as_deref().unwrap_or(""),
                &format!("talk track {}", t.id),
            ));
        }
    }
    for v in &b.talk_track_versions {
        if !ids.tracks.contains(&v.talk_track_id) {
            return Err(missing(
                "talk track",
                &v.talk_track_id,
                &format!("version {}", v.id),
            ));
        }
    }
    for r in &b.responses {
        if !ids.objections.contains(&r.objection_id) || !ids.theme_ok(&r.theme_id) {
            return Err(missing(
                "objection or theme",
                &r.objection_id,
                &format!("response {}", r.id),
            ));
        }
    }
    Ok(())
}

/// Blocks refer to themes of the bundle; pauses refer to blocks of the bundle.
fn check_blocks(b: &Bundle, ids: &Ids) -> std::result::Result<(), String> {
    for bl in &b.blocks {
        if let Some(t) = bl.theme_ids.iter().find(|t| !ids.themes.contains(*t)) {
            return Err(missing("theme", t, &format!("block {}", bl.id)));
        }
    }
    for p in &b.pauses {
        if !ids.blocks.contains(&p.block_id) {
            return Err(missing("block", &p.block_id, &format!("pause {}", p.id)));
        }
    }
    Ok(())
}

/// Calls, the objections raised in them and the meetings booked refer to
/// rows of the bundle.
fn check_calls(b: &Bundle, ids: &Ids) -> std::result::Result<(), String> {
    for c in &b.calls {
        let whose = format!("call {}", c.id);
        if !ids.prospects.contains(&c.prospect_id) {
            return Err(missing("prospect", &c.prospect_id, &whose));
        }
        if let Some(bl) = c.block_id.as_ref().filter(|x| !ids.blocks.contains(*x)) {
            return Err(missing("block", bl, &whose));
        }
        if !ids.theme_ok(&c.theme_id) {
            return Err(missing(
                "theme",
                c.theme_id.as_deref().unwrap_or(""),
                &whose,
            ));
        }
        if let Some(v) = c
            .talk_track_version_id
            .as_ref()
            .filter(|x| !ids.versions.contains(*x))
        {
            return Err(missing("talk-track version", v, &whose));
        }
    }
    for o in &b.call_objections {
        let whose = format!("objection raised {}", o.id);
        if !ids.calls.contains(&o.call_id) {
            return Err(missing("call", &o.call_id, &whose));
        }
        if !ids.objections.contains(&o.objection_id) {
            return Err(missing("objection", &o.objection_id, &whose));
        }
        if let Some(r) = o
            .response_id
            .as_ref()
            .filter(|x| !ids.responses.contains(*x))
        {
            return Err(missing("response", r, &whose));
        }
    }
    for m in &b.meetings {
        if !ids.calls.contains(&m.call_id) || !ids.prospects.contains(&m.prospect_id) {
            return Err(missing(
                "call or prospect",
                &m.call_id,
                &format!("meeting {}", m.id),
            ));
        }
    }
    Ok(())
}

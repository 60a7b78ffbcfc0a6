//! Reading a bundle: gzip or plain JSON, the header checked first (a newer
//! format or schema is refused by its version), then the whole document
//! checked (counts as stated, every reference inside it).

use std::collections::HashSet;
use std::io::Read;

use flate2::read::GzDecoder;

use super::error::BundleError;
use super::format::{Bundle, Header};
use super::{FORMAT, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::store::LATEST;
use crate::time;

/// Read and check a bundle (gzip-compressed or plain JSON) without importing it.
pub fn read(mut reader: impl Read, source_name: &str) -> Result<Bundle> {
    let damaged = |d: String| BundleError::Damaged {
        source_name: source_name.to_string(),
        detail: d,
    };
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).map_err(|e| Error::Io {
        path: source_name.into(),
        source: e,
    })?;
    let json = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| damaged(format!("the compressed data does not check out: {e}")))?;
        out
    } else if raw.first().is_some_and(|b| *b == b'{') {
        raw
    } else {
        return Err(BundleError::NotABundle {
            source_name: source_name.to_string(),
            detail: "the file is neither a compressed bundle nor JSON".into(),
        }
        .into());
    };
    let header: Header = serde_json::from_slice(&json).map_err(|e| {
        if e.is_eof() {
            damaged(format!("the document ends too early: {e}"))
        } else if e.is_syntax() {
            damaged(format!("the document is not valid JSON: {e}"))
        } else {
            BundleError::NotABundle {
                source_name: source_name.to_string(),
                detail: e.to_string(),
            }
        }
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(BundleError::NotABundle {
            source_name: source_name.to_string(),
            detail: format!(
                "its format is {:?}, not {FORMAT:?}",
                header.format.unwrap_or_default()
            ),
        }
        .into());
    }
    let app = header.app_version.unwrap_or_else(|| "unknown".into());
    let version = header.format_version.unwrap_or(0);
    if version > FORMAT_VERSION {
        return Err(BundleError::TooNew {
            source_name: source_name.to_string(),
            detail: format!(
                "bundle format {version} from Callblock {app}; this version reads format {FORMAT_VERSION}"
            ),
        }
        .into());
    }
    let schema = header.schema_version.unwrap_or(0);
    if schema > LATEST {
        return Err(BundleError::TooNew {
            source_name: source_name.to_string(),
            detail: format!(
                "database schema {schema} from Callblock {app}; this version knows up to {LATEST}"
            ),
        }
        .into());
    }
    if version == 0 {
        return Err(damaged("it has no format version".into()).into());
    }
    let bundle: Bundle = serde_json::from_slice(&json).map_err(|e| damaged(format!("{e}")))?;
    check(&bundle).map_err(damaged)?;
    Ok(bundle)
}

/// The bundle is whole: counts as stated, every reference inside it.
fn check(b: &Bundle) -> std::result::Result<(), String> {
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
    ];
    for (what, said, has) in stated {
        if said as usize != has {
            return Err(format!("it says {said} {what} but holds {has}"));
        }
    }
    let ids = |v: Vec<&String>| -> HashSet<String> { v.into_iter().cloned().collect() };
    let themes = ids(b.themes.iter().map(|x| &x.id).collect());
    let prospects = ids(b.prospects.iter().map(|x| &x.id).collect());
    let tracks = ids(b.talk_tracks.iter().map(|x| &x.id).collect());
    let versions = ids(b.talk_track_versions.iter().map(|x| &x.id).collect());
    let objections = ids(b.objections.iter().map(|x| &x.id).collect());
    let responses = ids(b.responses.iter().map(|x| &x.id).collect());
    let blocks = ids(b.blocks.iter().map(|x| &x.id).collect());
    let calls = ids(b.calls.iter().map(|x| &x.id).collect());
    let theme_ok = |t: &Option<String>| t.as_ref().map_or(true, |t| themes.contains(t));
    let missing = |what: &str, id: &str, whose: &str| {
        format!("{whose} refers to {what} {id}, which is not in the bundle")
    };
    for p in &b.prospects {
        if !theme_ok(&p.theme_id) {
            return Err(missing(
                "theme",
                p.theme_id.as_deref().unwrap_or(""),
                &format!("prospect {}", p.id),
            ));
        }
    }
    for t in &b.talk_tracks {
        if !theme_ok(&t.theme_id) {
            return Err(missing(
                "theme",
                t.theme_id.as_deref().unwrap_or(""),
                &format!("talk track {}", t.id),
            ));
        }
    }
    for v in &b.talk_track_versions {
        if !tracks.contains(&v.talk_track_id) {
            return Err(missing(
                "talk track",
                &v.talk_track_id,
                &format!("version {}", v.id),
            ));
        }
    }
    for r in &b.responses {
        if !objections.contains(&r.objection_id) || !theme_ok(&r.theme_id) {
            return Err(missing(
                "objection or theme",
                &r.objection_id,
                &format!("response {}", r.id),
            ));
        }
    }
    for bl in &b.blocks {
        if let Some(t) = bl.theme_ids.iter().find(|t| !themes.contains(*t)) {
            return Err(missing("theme", t, &format!("block {}", bl.id)));
        }
        time::from_db(&bl.started_at).map_err(|e| e.to_string())?;
    }
    for p in &b.pauses {
        if !blocks.contains(&p.block_id) {
            return Err(missing("block", &p.block_id, &format!("pause {}", p.id)));
        }
    }
    for c in &b.calls {
        let whose = format!("call {}", c.id);
        if !prospects.contains(&c.prospect_id) {
            return Err(missing("prospect", &c.prospect_id, &whose));
        }
        if let Some(bl) = c.block_id.as_ref().filter(|x| !blocks.contains(*x)) {
            return Err(missing("block", bl, &whose));
        }
        if !theme_ok(&c.theme_id) {
            return Err(missing(
                "theme",
                c.theme_id.as_deref().unwrap_or(""),
                &whose,
            ));
        }
        if let Some(v) = c
            .talk_track_version_id
            .as_ref()
            .filter(|x| !versions.contains(*x))
        {
            return Err(missing("talk-track version", v, &whose));
        }
        time::from_db(&c.started_at).map_err(|e| format!("{whose}: {e}"))?;
    }
    for o in &b.call_objections {
        let whose = format!("objection raised {}", o.id);
        if !calls.contains(&o.call_id) {
            return Err(missing("call", &o.call_id, &whose));
        }
        if !objections.contains(&o.objection_id) {
            return Err(missing("objection", &o.objection_id, &whose));
        }
        if let Some(r) = o.response_id.as_ref().filter(|x| !responses.contains(*x)) {
            return Err(missing("response", r, &whose));
        }
    }
    for m in &b.meetings {
        if !calls.contains(&m.call_id) || !prospects.contains(&m.prospect_id) {
            return Err(missing(
                "call or prospect",
                &m.call_id,
                &format!("meeting {}", m.id),
            ));
        }
    }
    Ok(())
}

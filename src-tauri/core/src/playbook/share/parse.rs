//! Parsing and validating a playbook file before anything is written: JSON,
//! the format and its version, the shape (with the path of what is wrong),
//! then the content (every problem listed, placeholders linted).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::format::{
    FileObjection, FileTalkTrack, PlaybookFile, FORMAT_NAME, FORMAT_VERSION, MAX_FILE_BYTES,
};
use crate::error::{escaped, quoted, Error, Result};
use crate::playbook::objections::normalize_hotkey;
use crate::playbook::placeholders::{lint_text, PlaceholderWarning};
use crate::playbook::talk_tracks::{NAME_MAX_CHARS, SECTION_MAX_CHARS};
use crate::playbook::{is_valid_slug, LABEL_MAX_CHARS, RESPONSE_MAX_CHARS};
use crate::time;

/// How many problems an error message lists before "and N more".
const MAX_LISTED_PROBLEMS: usize = 12;

/// A file that passed validation, with its placeholder warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ParsedPlaybook {
    pub file: PlaybookFile,
    pub warnings: Vec<PlaceholderWarning>,
}

fn refuse(source: &str, reason: impl Into<String>) -> Error {
    Error::invalid(source, format!("{}; nothing was imported", reason.into()))
}

/// serde_json's message without its " at line L column C" tail, cut to a
/// readable length and with control and bidi characters escaped (it may
/// quote a value of any length and content).
fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => &s,
    };
    escaped(s, 240)
}

fn track_where(t: &FileTalkTrack) -> String {
    match &t.theme {
        Some(name) => format!("theme {}", quoted(name.trim())),
        None => "default track".to_string(),
    }
}

fn check_text(problems: &mut Vec<String>, at: &str, text: &str, required: bool, max: usize) {
    if required && text.trim().is_empty() {
        problems.push(format!("{at} is empty"));
    }
    let n = text.trim().chars().count();
    if n > max {
        problems.push(format!(
            "{at} is {n} characters long; at most {max} are allowed"
        ));
    }
}

/// Parse and validate a playbook file's text without touching any database.
/// `source` names the file in messages.
pub fn parse_playbook(text: &str, source: &str) -> Result<ParsedPlaybook> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(refuse(
            source,
            "the file is empty, not a Callblock playbook",
        ));
    }
    check_format(text, source)?;
    let mut file = read_shape(text, source)?;
    normalize(&mut file);
    let mut check = Check::default();
    check.header(&file);
    check.talk_tracks(&file.talk_tracks);
    check.objections(&file.objections);
    if !check.problems.is_empty() {
        return Err(refuse(source, problem_list(check.problems)));
    }
    Ok(ParsedPlaybook {
        file,
        warnings: check.warnings,
    })
}

/// Every text of the file normalized as all text that comes in (see
/// [`crate::text`]): a CR/LF or a bidi override in a label does not reach
/// the call screen. Lengths are checked afterwards, on the normalized text.
fn normalize(file: &mut PlaybookFile) {
    use crate::text::{clip, normalize, Lines, APP_VERSION};
    let line = |s: &mut String| *s = normalize(s, Lines::One).into_owned();
    // Only shown, in the import's report: one clean line, cut to its limit.
    file.app_version = clip(APP_VERSION, &file.app_version).0.into_owned();
    for t in &mut file.talk_tracks {
        if let Some(theme) = t.theme.as_mut() {
            line(theme);
        }
        line(&mut t.name);
        t.sections = t.sections.normalized();
    }
    for o in &mut file.objections {
        line(&mut o.label);
        o.response = normalize(&o.response, Lines::Many).into_owned();
        for ov in &mut o.overrides {
            line(&mut ov.theme);
            ov.response = normalize(&ov.response, Lines::Many).into_owned();
        }
    }
}

/// JSON at all, ours, and a version we read.
fn check_format(text: &str, source: &str) -> Result<()> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        refuse(
            source,
            format!(
                "not valid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                bare_message(&e)
            ),
        )
    })?;
    let obj = value.as_object().ok_or_else(|| {
        refuse(
            source,
            "not a Callblock playbook: the file is JSON, but not an object with \
             \"format\": \"callblock-playbook\"",
        )
    })?;
    match obj.get("format") {
        None => {
            return Err(refuse(
                source,
                "not a Callblock playbook: it has no \"format\" field (a playbook file has \
                 \"format\": \"callblock-playbook\")",
            ))
        }
        Some(serde_json::Value::String(f)) if f == FORMAT_NAME => {}
        Some(other) => {
            return Err(refuse(
                source,
                format!(
                    "not a Callblock playbook: its format is {}, not \"{FORMAT_NAME}\"",
                    escaped(&other.to_string(), 80)
                ),
            ))
        }
    }
    match obj.get("format_version") {
        None => Err(refuse(source, "the \"format_version\" field is missing")),
        Some(v) => match v.as_u64() {
            Some(n) if n > u64::from(FORMAT_VERSION) => Err(refuse(
                source,
                format!(
                    "written by a newer Callblock (playbook format version {n}; this \
                     version reads up to {FORMAT_VERSION}); update Callblock to import it"
                ),
            )),
            Some(n) if n >= 1 => Ok(()),
            _ => Err(refuse(
                source,
                format!(
                    "\"format_version\" is {}, not a version number such as 1",
                    escaped(&v.to_string(), 80)
                ),
            )),
        },
    }
}

/// The shape, with the path and position of what is wrong.
fn read_shape(text: &str, source: &str) -> Result<PlaybookFile> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let path = e.path().to_string();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        refuse(
            source,
            format!(
                "{at}{} (line {}, column {})",
                bare_message(inner),
                inner.line(),
                inner.column()
            ),
        )
    })
}

/// "N problems: a; b; ...", the first [`MAX_LISTED_PROBLEMS`] listed.
fn problem_list(problems: Vec<String>) -> String {
    let n = problems.len();
    let mut listed: Vec<String> = problems.into_iter().take(MAX_LISTED_PROBLEMS).collect();
    if n > MAX_LISTED_PROBLEMS {
        listed.push(format!("and {} more", n - MAX_LISTED_PROBLEMS));
    }
    let head = if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    };
    format!("{head}: {}", listed.join("; "))
}

/// The content of a file of the right shape: every problem, in file order,
/// and the placeholder warnings.
#[derive(Default)]
struct Check {
    problems: Vec<String>,
    warnings: Vec<PlaceholderWarning>,
}

impl Check {
    fn header(&mut self, file: &PlaybookFile) {
        if time::from_db(&file.exported_at).is_err() {
            self.problems.push(format!(
                "exported_at: {} is not a date and time (RFC 3339)",
                quoted(&file.exported_at)
            ));
        }
        if file.talk_tracks.is_empty() && file.objections.is_empty() {
            self.problems
                .push("it contains no talk tracks and no objections".to_string());
        }
    }

    /// One track per theme, a name, every section but the referral written.
    fn talk_tracks(&mut self, tracks: &[FileTalkTrack]) {
        let mut themes_seen = HashSet::new();
        for (i, t) in tracks.iter().enumerate() {
            let at = format!("talk_tracks[{i}] ({})", track_where(t));
            if let Some(name) = &t.theme {
                if name.trim().is_empty() {
                    self.problems.push(format!(
                        "talk_tracks[{i}]: the theme name is empty (use null for the default track)"
                    ));
                }
            }
            let key = t.theme.as_ref().map(|n| n.trim().to_lowercase());
            if !themes_seen.insert(key) {
                self.problems
                    .push(format!("{at}: appears twice; a theme has one talk track"));
            }
            if t.name.trim().is_empty() {
                self.problems.push(format!("{at}: the name is empty"));
            } else if t.name.trim().chars().count() > NAME_MAX_CHARS {
                self.problems.push(format!(
                    "{at}: the name is longer than {NAME_MAX_CHARS} characters"
                ));
            }
            for (section, text) in t.sections.named() {
                check_text(
                    &mut self.problems,
                    &format!("{at}: {section}"),
                    text,
                    section != "referral",
                    SECTION_MAX_CHARS,
                );
                for mut w in lint_text(section, text) {
                    w.section = format!("{}: {section}", track_where(t));
                    self.warnings.push(w);
                }
            }
        }
    }

    /// Slugs, labels and hotkeys unique and well formed, a response each.
    fn objections(&mut self, objections: &[FileObjection]) {
        let mut slugs = HashMap::new();
        let mut labels = HashMap::new();
        let mut keys = HashMap::new();
        for (i, o) in objections.iter().enumerate() {
            let at = format!("objections[{i}] ({})", quoted(o.label.trim()));
            if !is_valid_slug(&o.slug) {
                self.problems.push(format!(
                    "{at}: slug {} must be 1 to 64 lower-case letters, digits or _",
                    quoted(&o.slug)
                ));
            } else if let Some(j) = slugs.insert(o.slug.clone(), i) {
                self.problems.push(format!(
                    "{at}: slug {} is also used by objections[{j}]",
                    quoted(&o.slug)
                ));
            }
            if o.label.trim().is_empty() {
                self.problems
                    .push(format!("objections[{i}]: the label is empty"));
            } else if o.label.trim().chars().count() > LABEL_MAX_CHARS {
                self.problems.push(format!(
                    "{at}: the label is longer than {LABEL_MAX_CHARS} characters"
                ));
            } else if let Some(j) = labels.insert(o.label.trim().to_lowercase(), i) {
                self.problems
                    .push(format!("{at}: the label is also used by objections[{j}]"));
            }
            match normalize_hotkey(o.hotkey.as_deref()) {
                Ok(Some(k)) => {
                    if let Some(j) = keys.insert(k.clone(), i) {
                        self.problems.push(format!(
                            "{at}: hotkey {k:?} is also the hotkey of objections[{j}]"
                        ));
                    }
                }
                Ok(None) => {}
                Err(e) => self.problems.push(format!("{at}: {e}")),
            }
            check_text(
                &mut self.problems,
                &format!("{at}: response"),
                &o.response,
                true,
                RESPONSE_MAX_CHARS,
            );
            self.warnings
                .extend(lint_text(&format!("objection:{}", o.slug), &o.response));
            self.overrides(&at, o);
        }
    }

    /// An objection's theme overrides: a theme each, once, a response each.
    fn overrides(&mut self, at: &str, o: &FileObjection) {
        let mut override_themes = HashSet::new();
        for (k, ov) in o.overrides.iter().enumerate() {
            let at_o = format!("{at}: overrides[{k}]");
            if ov.theme.trim().is_empty() {
                self.problems
                    .push(format!("{at_o}: the theme name is empty"));
            } else if !override_themes.insert(ov.theme.trim().to_lowercase()) {
                self.problems.push(format!(
                    "{at_o}: theme {} has two overrides",
                    quoted(ov.theme.trim())
                ));
            }
            check_text(
                &mut self.problems,
                &format!("{at_o}: response"),
                &ov.response,
                true,
                RESPONSE_MAX_CHARS,
            );
            self.warnings.extend(lint_text(
                &format!("objection:{}@{}", o.slug, ov.theme.trim()),
                &ov.response,
            ));
        }
    }
}

/// Read and validate a playbook file: size, UTF-8, then [`parse_playbook`].
pub fn read_playbook_file(path: &Path) -> Result<ParsedPlaybook> {
    let source = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return Err(refuse(&source, "is a folder, not a playbook file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(refuse(
            &source,
            format!(
                "the file is {} bytes, too large to be a playbook (at most {MAX_FILE_BYTES})",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        refuse(
            &source,
            format!(
                "not a text file (byte {} is not UTF-8); a playbook file is JSON text",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse_playbook(&text, &source)
}

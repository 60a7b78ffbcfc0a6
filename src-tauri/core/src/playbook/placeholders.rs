//! Placeholders in talk tracks and objection responses: `{first_name}`,
//! `{company}`, ... filled from the prospect on the call card.
//!
//! Syntax:
//! - `{name}` is a placeholder. Names are matched without regard to case or
//!   surrounding spaces (`{ Company }` is `{company}`).
//! - `{{` and `}}` are a literal `{` and `}`.
//! - Anything else between braces is an unknown placeholder, and a brace with
//!   no partner is a stray brace. Both are warnings in the editor
//!   ([`lint_text`], [`lint_sections`]).
//!
//! Rendering ([`render`]) never shows a brace to the rep that the author did
//! not escape:
//! - a known placeholder with a value is replaced by the value (trimmed);
//! - a known placeholder without a value takes its fallback from
//!   [`PLACEHOLDERS`] ("your company", "your area", ...) or, where no neutral
//!   wording exists (names, title, referral), is dropped;
//! - an unknown placeholder and a stray brace are dropped;
//! - where something is dropped, the space it leaves is tidied: no double
//!   space, no space before a comma or full stop, no comma at the start of a
//!   line (`"Hi {first_name}, it's"` becomes `"Hi, it's"`).
//!
//! [`Rendered::missing`] names the known placeholders that had no value and
//! [`Rendered::unknown`] the unknown ones, so the call card can flag them.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::TalkTrackSections;
use crate::error::{Error, Result};

/// The known placeholders: (name, what it holds, fallback when empty; `""`
/// means the placeholder is dropped).
pub const PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("first_name", "the prospect's first name", ""),
    ("last_name", "the prospect's last name", ""),
    (
        "full_name",
        "the prospect's first and last name (built from them when not set)",
        "",
    ),
    ("title", "the prospect's job title", ""),
    ("company", "the prospect's company", "your company"),
    ("city", "the prospect's city", "your area"),
    (
        "region",
        "the prospect's state, province or region",
        "your region",
    ),
    ("country", "the prospect's country", "your country"),
    ("industry", "the prospect's industry", "your industry"),
    (
        "referral",
        "the theme's third-party referral (the talk track's referral section)",
        "",
    ),
    ("rep_name", "the rep's name", ""),
];

/// One known placeholder, for the editor's help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PlaceholderInfo {
    pub name: String,
    pub description: String,
    /// What the rep sees when the value is empty; empty: the placeholder is dropped.
    pub fallback: String,
}

pub fn placeholder_catalog() -> Vec<PlaceholderInfo> {
    PLACEHOLDERS
        .iter()
        .map(|(n, d, f)| PlaceholderInfo {
            name: (*n).to_string(),
            description: (*d).to_string(),
            fallback: (*f).to_string(),
        })
        .collect()
}

pub fn is_known(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| p.0 == name)
}

/// The values for one call. An empty string is "not known".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct PlaceholderValues {
    pub first_name: String,
    pub last_name: String,
    /// When empty, first and last name joined.
    pub full_name: String,
    pub title: String,
    pub company: String,
    pub city: String,
    pub region: String,
    pub country: String,
    pub industry: String,
    /// When empty, [`render_track`] uses the track's rendered referral section.
    pub referral: String,
    pub rep_name: String,
}

impl PlaceholderValues {
    /// The value of a known placeholder (trimmed; empty when not known), or
    /// `None` for a name that is not a placeholder.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match name {
            "first_name" => self.first_name.trim().to_string(),
            "last_name" => self.last_name.trim().to_string(),
            "full_name" => {
                let full = self.full_name.trim();
                if full.is_empty() {
                    format!("{} {}", self.first_name.trim(), self.last_name.trim())
                        .trim()
                        .to_string()
                } else {
                    full.to_string()
                }
            }
            "title" => self.title.trim().to_string(),
            "company" => self.company.trim().to_string(),
            "city" => self.city.trim().to_string(),
            "region" => self.region.trim().to_string(),
            "country" => self.country.trim().to_string(),
            "industry" => self.industry.trim().to_string(),
            "referral" => self.referral.trim().to_string(),
            "rep_name" => self.rep_name.trim().to_string(),
            _ => return None,
        };
        Some(v)
    }
}

/// The values for a call to `prospect_id` by `rep_id` (the referral is left
/// empty: it comes from the talk track, see [`render_track`]).
pub fn placeholder_values(
    conn: &Connection,
    prospect_id: &str,
    rep_id: Option<&str>,
) -> Result<PlaceholderValues> {
    let mut v = conn
        .query_row(
            "SELECT first_name, last_name, title, company, city, region, country, industry
             FROM prospects WHERE id = ?1",
            [prospect_id],
            |r| {
                Ok(PlaceholderValues {
                    first_name: r.get(0)?,
                    last_name: r.get(1)?,
                    title: r.get(2)?,
                    company: r.get(3)?,
                    city: r.get(4)?,
                    region: r.get(5)?,
                    country: r.get(6)?,
                    industry: r.get(7)?,
                    ..PlaceholderValues::default()
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "prospect",
            id: prospect_id.to_string(),
        })?;
    if let Some(rep) = rep_id {
        v.rep_name = conn
            .query_row("SELECT name FROM reps WHERE id = ?1", [rep], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound {
                what: "rep",
                id: rep.to_string(),
            })?;
    }
    Ok(v)
}

/// A template with its placeholders filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Rendered {
    pub text: String,
    /// Known placeholders that had no value (their fallback was used or they
    /// were dropped), in order of first use.
    pub missing: Vec<String>,
    /// Unknown placeholders, dropped, in order of first use.
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    /// A literal brace written `{{` or `}}`.
    Brace(char),
    /// `{...}`: the raw text between the braces.
    Placeholder(&'a str),
    StrayOpen,
    StrayClose,
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    fn flush<'a>(out: &mut Vec<Token<'a>>, s: &'a str, from: usize, to: usize) {
        if to > from {
            out.push(Token::Text(&s[from..to]));
        }
    }
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                flush(&mut out, s, text_start, i);
                out.push(Token::Brace('{'));
                i += 2;
                text_start = i;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                flush(&mut out, s, text_start, i);
                out.push(Token::Brace('}'));
                i += 2;
                text_start = i;
            }
            b'{' => {
                flush(&mut out, s, text_start, i);
                // The placeholder ends at the next '}', unless a '{' or a line
                // break comes first: then this brace is a stray one.
                let close = b[i + 1..]
                    .iter()
                    .position(|&c| matches!(c, b'}' | b'{' | b'\n'))
                    .map(|p| i + 1 + p);
                match close {
                    Some(j) if b[j] == b'}' => {
                        out.push(Token::Placeholder(&s[i + 1..j]));
                        i = j + 1;
                    }
                    _ => {
                        out.push(Token::StrayOpen);
                        i += 1;
                    }
                }
                text_start = i;
            }
            b'}' => {
                flush(&mut out, s, text_start, i);
                out.push(Token::StrayClose);
                i += 1;
                text_start = i;
            }
            _ => i += 1,
        }
    }
    flush(&mut out, s, text_start, b.len());
    out
}

fn normalize(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn fallback(name: &str) -> &'static str {
    PLACEHOLDERS
        .iter()
        .find(|p| p.0 == name)
        .map(|p| p.2)
        .unwrap_or("")
}

fn at_line_start(out: &str) -> bool {
    out.is_empty() || out.ends_with('\n')
}

/// Append `text` after something was dropped, tidying the space it left.
fn push_after_drop(out: &mut String, mut text: &str) {
    if at_line_start(out) {
        text = text.trim_start_matches([' ', '\t']);
        if let Some(rest) = text.strip_prefix([',', ';', ':']) {
            text = rest.trim_start_matches([' ', '\t']);
        }
    } else if out.ends_with(' ') {
        if text.starts_with(' ') {
            text = text.trim_start_matches(' ');
        } else if text.starts_with([',', '.', ';', ':', '!', '?', ')']) {
            while out.ends_with(' ') {
                out.pop();
            }
        }
    }
    out.push_str(text);
}

/// Fill `template`'s placeholders from `values` (see the module documentation
/// for the rules).
pub fn render(template: &str, values: &PlaceholderValues) -> Rendered {
    render_inner(template, values, None)
}

fn render_inner(template: &str, values: &PlaceholderValues, exclude: Option<&str>) -> Rendered {
    let mut r = Rendered::default();
    let mut out = String::with_capacity(template.len());
    let mut dropped = false;
    for tok in tokenize(template) {
        let piece: Option<String> = match tok {
            Token::Text(t) => Some(t.to_string()),
            Token::Brace(c) => Some(c.to_string()),
            Token::Placeholder(raw) => {
                let name = normalize(raw);
                let value = if exclude == Some(name.as_str()) {
                    None
                } else {
                    values.get(&name)
                };
                match value {
                    Some(v) if !v.is_empty() => Some(v),
                    Some(_) => {
                        push_unique(&mut r.missing, &name);
                        let f = fallback(&name);
                        (!f.is_empty()).then(|| f.to_string())
                    }
                    None => {
                        push_unique(&mut r.unknown, &name);
                        None
                    }
                }
            }
            Token::StrayOpen | Token::StrayClose => None,
        };
        match piece {
            Some(p) if dropped => {
                push_after_drop(&mut out, &p);
                dropped = false;
            }
            Some(p) => out.push_str(&p),
            None => dropped = true,
        }
    }
    if dropped {
        let trimmed = out.trim_end_matches([' ', '\t']).len();
        out.truncate(trimmed);
    }
    r.text = out;
    r
}

/// A talk track filled for one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RenderedTrack {
    pub sections: TalkTrackSections,
    /// Union over the sections, in order of first use.
    pub missing: Vec<String>,
    pub unknown: Vec<String>,
}

/// Fill every section of a talk track. `{referral}` takes `values.referral`
/// when set, else the track's own referral section (rendered; a `{referral}`
/// inside the referral section itself is dropped as unknown).
pub fn render_track(sections: &TalkTrackSections, values: &PlaceholderValues) -> RenderedTrack {
    let referral = render_inner(&sections.referral, values, Some("referral"));
    let mut v = values.clone();
    if v.referral.trim().is_empty() {
        v.referral = referral.text.clone();
    }
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut one = |t: &str, r: Option<Rendered>| {
        let r = r.unwrap_or_else(|| render(t, &v));
        for m in &r.missing {
            push_unique(&mut missing, m);
        }
        for u in &r.unknown {
            push_unique(&mut unknown, u);
        }
        r.text
    };
    let out = TalkTrackSections {
        opener: one(&sections.opener, None),
        engage_statement: one(&sections.engage_statement, None),
        impact_question: one(&sections.impact_question, None),
        appointment_request: one(&sections.appointment_request, None),
        voicemail_script: one(&sections.voicemail_script, None),
        referral: one(&sections.referral, Some(referral)),
        agenda_line: one(&sections.agenda_line, None),
    };
    RenderedTrack {
        sections: out,
        missing,
        unknown,
    }
}

/// A problem with a placeholder, shown in the editor beside the section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PlaceholderWarning {
    /// The section (`opener`, `voicemail_script`, ...) or, for objection
    /// responses, `objection:<slug>` (and `objection:<slug>@<theme>` for an
    /// override).
    pub section: String,
    /// The placeholder as written, with its braces (`{compnay}`), or the
    /// stray brace.
    pub placeholder: String,
    pub message: String,
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggestion(name: &str) -> Option<&'static str> {
    let compact = name.replace([' ', '-'], "_");
    PLACEHOLDERS
        .iter()
        .map(|p| (edit_distance(&compact, p.0), p.0))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// The placeholder problems in one text. `section` names it in the warnings.
pub fn lint_text(section: &str, text: &str) -> Vec<PlaceholderWarning> {
    let known = PLACEHOLDERS
        .iter()
        .map(|p| p.0)
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = Vec::new();
    for tok in tokenize(text) {
        let (placeholder, message) = match tok {
            Token::Placeholder(raw) => {
                let name = normalize(raw);
                if is_known(&name) {
                    if section == "referral" && name == "referral" {
                        (
                            format!("{{{raw}}}"),
                            "the referral section cannot contain {referral} itself; it is \
                             dropped"
                                .to_string(),
                        )
                    } else {
                        continue;
                    }
                } else if name.is_empty() {
                    (
                        format!("{{{raw}}}"),
                        "empty braces are not a placeholder and are not shown to the rep; \
                         write {{ and }} for literal braces"
                            .to_string(),
                    )
                } else {
                    let hint = match suggestion(&name) {
                        Some(s) => format!("did you mean {{{s}}}? "),
                        None => String::new(),
                    };
                    (
                        format!("{{{raw}}}"),
                        format!(
                            "{{{}}} is not a known placeholder and is not shown to the rep; \
                             {hint}known placeholders: {known}",
                            raw.trim()
                        ),
                    )
                }
            }
            Token::StrayOpen => (
                "{".to_string(),
                "a '{' with no closing '}' on the same line is not shown to the rep; \
                 close the placeholder, or write {{ for a literal brace"
                    .to_string(),
            ),
            Token::StrayClose => (
                "}".to_string(),
                "a '}' with no opening '{' is not shown to the rep; write }} for a literal \
                 brace"
                    .to_string(),
            ),
            Token::Text(_) | Token::Brace(_) => continue,
        };
        out.push(PlaceholderWarning {
            section: section.to_string(),
            placeholder,
            message,
        });
    }
    out
}

/// The placeholder problems in every section of a talk track.
pub fn lint_sections(s: &TalkTrackSections) -> Vec<PlaceholderWarning> {
    s.named()
        .into_iter()
        .flat_map(|(name, text)| lint_text(name, text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dana() -> PlaceholderValues {
        PlaceholderValues {
            first_name: "Dana".into(),
            last_name: "Reyes".into(),
            company: "Acme Freight".into(),
            city: "Austin".into(),
            rep_name: "Alex".into(),
            ..PlaceholderValues::default()
        }
    }

    #[test]
    fn known_placeholders_are_filled() {
        let r = render(
            "Hi {first_name}, it's {rep_name} about {company} in {city}. {full_name}",
            &dana(),
        );
        assert_eq!(
            r.text,
            "Hi Dana, it's Alex about Acme Freight in Austin. Dana Reyes"
        );
        assert!(r.missing.is_empty() && r.unknown.is_empty());
    }

    #[test]
    fn names_ignore_case_and_spaces() {
        let r = render("{ First_Name } at {COMPANY}", &dana());
        assert_eq!(r.text, "Dana at Acme Freight");
    }

    #[test]
    fn empty_values_fall_back_or_drop_without_leaving_braces_or_gaps() {
        let v = PlaceholderValues::default();
        let r = render(
            "Hi {first_name}, it's {rep_name}. How does {company} handle it in {city}?",
            &v,
        );
        assert_eq!(
            r.text,
            "Hi, it's. How does your company handle it in your area?"
        );
        assert_eq!(r.missing, ["first_name", "rep_name", "company", "city"]);
        // A placeholder at the start of a line or the end of the text.
        let r = render(
            "{first_name}, quick question.\n{referral} Call me {rep_name}",
            &v,
        );
        assert_eq!(r.text, "quick question.\nCall me");
        // Whitespace-only values count as empty.
        let mut w = dana();
        w.company = "   ".into();
        assert_eq!(render("at {company}.", &w).text, "at your company.");
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_never_reach_the_rep() {
        let r = render(
            "Hi {frist_name}, {first_name} here {oops} and { } end",
            &dana(),
        );
        assert_eq!(r.text, "Hi, Dana here and end");
        assert_eq!(r.unknown, ["frist_name", "oops", ""]);
        let r = render("50% {off and } more {first_name", &dana());
        assert!(!r.text.contains('{') && !r.text.contains('}'), "{}", r.text);
        assert_eq!(r.text, "50% more first_name");
    }

    #[test]
    fn doubled_braces_are_literal() {
        let r = render("Use {{first_name}} to write {first_name}; }} too", &dana());
        assert_eq!(r.text, "Use {first_name} to write Dana; } too");
        assert!(r.unknown.is_empty());
        assert!(lint_text("opener", "{{literal}} }}").is_empty());
    }

    #[test]
    fn the_referral_comes_from_the_track_and_drops_cleanly_when_empty() {
        let mut s = crate::playbook::default_talk_track();
        s.referral = "Riverbend Freight in {city} cut empty miles by a fifth.".into();
        let r = render_track(&s, &dana());
        assert!(
            r.sections
                .voicemail_script
                .contains("Alex. Riverbend Freight in Austin cut empty miles by a fifth. I "),
            "{}",
            r.sections.voicemail_script
        );
        s.referral = String::new();
        let r = render_track(&s, &dana());
        assert!(
            r.sections.voicemail_script.contains("it's Alex. I have"),
            "{}",
            r.sections.voicemail_script
        );
        assert_eq!(r.missing, ["referral"]);
        // An explicit value wins over the section.
        let mut v = dana();
        v.referral = "Northwind in Dallas did.".into();
        let r = render_track(&s, &v);
        assert!(r
            .sections
            .voicemail_script
            .contains("Northwind in Dallas did."));
        // The referral section may not refer to itself.
        s.referral = "As {referral} said".into();
        let r = render_track(&s, &dana());
        assert_eq!(r.sections.referral, "As said");
        assert!(lint_sections(&s)
            .iter()
            .any(|w| w.section == "referral" && w.placeholder == "{referral}"));
    }

    #[test]
    fn lint_names_the_section_the_placeholder_and_a_suggestion() {
        let mut s = crate::playbook::default_talk_track();
        assert!(lint_sections(&s).is_empty(), "{:?}", lint_sections(&s));
        s.opener = "Hi {frist_name}, {weather} today?".into();
        s.agenda_line = "Great {question".into();
        let w = lint_sections(&s);
        assert_eq!(w.len(), 3, "{w:?}");
        assert_eq!(
            (w[0].section.as_str(), w[0].placeholder.as_str()),
            ("opener", "{frist_name}")
        );
        assert!(
            w[0].message.contains("did you mean {first_name}?"),
            "{}",
            w[0].message
        );
        assert_eq!(w[1].placeholder, "{weather}");
        assert!(!w[1].message.contains("did you mean"));
        assert!(w[1].message.contains("known placeholders: first_name"));
        assert_eq!(
            (w[2].section.as_str(), w[2].placeholder.as_str()),
            ("agenda_line", "{")
        );
    }

    #[test]
    fn every_known_placeholder_has_a_value_field() {
        let v = PlaceholderValues::default();
        for (name, _, _) in PLACEHOLDERS {
            assert_eq!(v.get(name).as_deref(), Some(""), "{name}");
        }
        assert_eq!(v.get("nope"), None);
        assert_eq!(placeholder_catalog().len(), PLACEHOLDERS.len());
    }

    #[test]
    fn values_come_from_the_prospect_and_the_rep() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let c = store.conn();
        let rep = crate::reps::create_rep(c, "Alex", None, None).unwrap();
        let p = crate::lists::insert_prospect(
            c,
            &crate::lists::NewProspect {
                first_name: "Dana".into(),
                company: "Acme".into(),
                city: "Austin".into(),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap();
        let v = placeholder_values(c, &p, Some(&rep.id)).unwrap();
        assert_eq!(
            (
                v.first_name.as_str(),
                v.company.as_str(),
                v.rep_name.as_str()
            ),
            ("Dana", "Acme", "Alex")
        );
        assert_eq!(
            placeholder_values(c, "nope", None).unwrap_err().kind(),
            "not_found"
        );
    }
}

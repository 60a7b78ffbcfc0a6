//! Text that comes in: one set of rules for every way in (a CSV import, a
//! bundle, a playbook file, the window, the command line), so that a name is
//! the same name whichever way it arrived.
//!
//! [`normalize`] makes text safe to store, show, print and write to a file:
//! - Unicode NFC, so that an "é" typed as one character and one composed of
//!   "e" and an accent are the same name.
//! - Invisible characters removed: the zero-width space, the word joiner, the
//!   byte-order mark, the soft hyphen, the Mongolian vowel separator, the
//!   invisible operators, and every bidirectional mark, embedding, override
//!   and isolate. "Texas", "Texas" + a zero-width space and "Texas" + a
//!   right-to-left override are one theme, not three that look identical.
//!   Zero-width joiners and non-joiners are kept only between two non-ASCII
//!   characters (emoji sequences, Persian or Indic spelling need them).
//! - Control characters (C0, DEL and C1; so also the ESC that starts an ANSI
//!   or OSC terminal sequence): on a one-line field a line break or tab
//!   becomes one space and the others are removed; on a multi-line field line
//!   ends become `\n`, a tab a space, and the others are removed.
//! - Trimmed.
//!
//! A [`Rule`] adds the field's name and its longest length, in characters:
//! [`check`] refuses a longer value with its length, never echoing it (a
//! refused 10 MB name is not printed); [`clip`] cuts it, for imports where a
//! long cell must not cost the whole row.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::error::{Error, Result};

/// Whether a field holds one line or several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// A field's name (as messages call it), its longest length in characters
/// and whether it may hold several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub field: &'static str,
    pub max_chars: usize,
    pub lines: Lines,
}

impl Rule {
    pub const fn line(field: &'static str, max_chars: usize) -> Rule {
        Rule {
            field,
            max_chars,
            lines: Lines::One,
        }
    }

    pub const fn text(field: &'static str, max_chars: usize) -> Rule {
        Rule {
            field,
            max_chars,
            lines: Lines::Many,
        }
    }

    /// The same limits under another name in messages.
    pub const fn named(self, field: &'static str) -> Rule {
        Rule { field, ..self }
    }
}

// The fields of Callblock and their limits, in one place.
pub const THEME_NAME: Rule = Rule::line("theme name", 80);
pub const THEME_DESCRIPTION: Rule = Rule::text("theme description", 2000);
pub const REP_NAME: Rule = Rule::line("rep name", 80);
pub const EMAIL: Rule = Rule::line("e-mail", 254);
pub const TIME_ZONE: Rule = Rule::line("time zone", 64);
pub const FIRST_NAME: Rule = Rule::line("first name", 100);
pub const LAST_NAME: Rule = Rule::line("last name", 100);
pub const TITLE: Rule = Rule::line("title", 200);
pub const COMPANY: Rule = Rule::line("company", 200);
pub const CITY: Rule = Rule::line("city", 100);
pub const REGION: Rule = Rule::line("region", 100);
pub const COUNTRY: Rule = Rule::line("country", 100);
pub const INDUSTRY: Rule = Rule::line("industry", 100);
pub const EMPLOYEES: Rule = Rule::line("company size", 40);
pub const CRM_ID: Rule = Rule::line("CRM id", 128);
pub const PHONE: Rule = Rule::line("phone number", 64);
pub const TALK_TRACK_NAME: Rule = Rule::line("talk track name", 120);
pub const SECTION: Rule = Rule::text("section", 4000);
pub const CHANGE_NOTE: Rule = Rule::text("change note", 480);
pub const COMMENT: Rule = Rule::text("comment", 2000);
pub const OBJECTION_LABEL: Rule = Rule::line("objection label", 80);
pub const OUTCOME_LABEL: Rule = Rule::line("outcome label", 40);
pub const RESPONSE: Rule = Rule::text("response", 2000);
pub const NOTES: Rule = Rule::text("notes", 10_000);
/// A CSV column no field reads, kept with the prospect.
pub const EXTRA_VALUE: Rule = Rule::text("value", 10_000);
pub const GAP_NOTE: Rule = Rule::text("gap note", 2000);
pub const MEETING_FORMAT: Rule = Rule::line("meeting format", 40);
/// The Callblock version a file says wrote it (shown, never stored).
pub const APP_VERSION: Rule = Rule::line("app version", 40);
/// A row id: a UUID as Callblock writes them, or any short id of letters,
/// digits, `-` and `_` (see [`check_id`]).
pub const ID_MAX_CHARS: usize = 64;

/// Characters that show nothing and are removed wherever they are.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{061C}' // Arabic letter mark
            | '\u{180E}' // Mongolian vowel separator
            | '\u{200B}' // zero-width space
            | '\u{200E}'..='\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}' // byte-order mark, zero-width no-break space
    )
}

/// The zero-width joiner and non-joiner: kept between two non-ASCII characters.
fn joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Plain printable ASCII needs no work but trimming (the common case of a
/// million-row import).
fn plain(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Text made safe to store, show and print (see the module documentation).
pub fn normalize(raw: &str, lines: Lines) -> Cow<'_, str> {
    if plain(raw) {
        return Cow::Borrowed(raw.trim());
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\r' if lines == Lines::Many => {
                out.push('\n');
                if chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
            }
            '\n' if lines == Lines::Many => out.push('\n'),
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                if lines == Lines::Many && matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
                    out.push('\n');
                } else if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_control() || invisible(c) => {}
            c if joiner(c) => {
                let before = out.chars().next_back().is_some_and(|p| !p.is_ascii());
                let after = chars.get(i + 1).is_some_and(|n| !n.is_ascii());
                if before && after {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    let trimmed = out.trim();
    let text = match is_nfc_quick(trimmed.chars()) {
        IsNormalized::Yes => trimmed.to_string(),
        _ => trimmed.nfc().collect(),
    };
    Cow::Owned(text)
}

/// A value normalized and within its rule's length (it may be empty).
pub fn check(rule: Rule, raw: &str) -> Result<String> {
    let text = normalize(raw, rule.lines);
    let n = text.chars().count();
    if n > rule.max_chars {
        return Err(too_long(rule, n));
    }
    Ok(text.into_owned())
}

/// As [`check`], and not empty.
pub fn required(rule: Rule, raw: &str) -> Result<String> {
    let text = check(rule, raw)?;
    if text.is_empty() {
        return Err(Error::invalid(rule.field, "must not be empty"));
    }
    Ok(text)
}

/// As [`check`], for an optional value: `None` when it is empty.
pub fn optional(rule: Rule, raw: Option<&str>) -> Result<Option<String>> {
    match raw {
        Some(r) => Ok(Some(check(rule, r)?).filter(|t| !t.is_empty())),
        None => Ok(None),
    }
}

/// The reason a value of `n` characters is refused.
pub fn too_long_reason(max: usize, n: usize) -> String {
    format!("is {n} characters long; at most {max} are allowed")
}

fn too_long(rule: Rule, n: usize) -> Error {
    Error::invalid(rule.field, too_long_reason(rule.max_chars, n))
}

/// A value normalized and cut to its rule's length; with the length it had
/// when it was cut.
pub fn clip(rule: Rule, raw: &str) -> (Cow<'_, str>, Option<usize>) {
    let text = normalize(raw, rule.lines);
    match cut(rule, &text) {
        Some((cut, n)) => (Cow::Owned(cut), Some(n)),
        None => (text, None),
    }
}

/// Text already normalized, cut to its rule's length: the cut text and the
/// length it had, or `None` when it fits.
pub fn cut(rule: Rule, text: &str) -> Option<(String, usize)> {
    // Fast: a value of at most `max_chars` bytes has at most that many characters.
    if text.len() <= rule.max_chars {
        return None;
    }
    let n = text.chars().count();
    if n <= rule.max_chars {
        return None;
    }
    let cut: String = text.chars().take(rule.max_chars).collect();
    Some((cut.trim_end().to_string(), n))
}

/// A plausible e-mail address: one `@`, a dot in the domain, no spaces.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
}

/// A row id from a file: 1 to 64 ASCII letters, digits, `-` or `_` (what
/// Callblock writes is a UUID). `what` names the row in the message.
pub fn check_id(what: &str, id: &str) -> std::result::Result<(), String> {
    if id.is_empty()
        || id.len() > ID_MAX_CHARS
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "{what} has the id {}, which is not an id (1 to {ID_MAX_CHARS} letters, digits, - or _)",
            crate::error::quoted(id)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> String {
        normalize(s, Lines::One).into_owned()
    }

    fn many(s: &str) -> String {
        normalize(s, Lines::Many).into_owned()
    }

    #[test]
    fn look_alikes_become_one_name() {
        let names = [
            "Texas",
            "Texas\u{200B}",
            "Tex\u{200B}as",
            "\u{202E}Texas",
            "Texas\u{202C}",
            "\u{FEFF}Texas",
            "Te\u{00AD}xas",
            "\u{2066}Texas\u{2069}",
            " Texas\t",
            "Texas\u{200D}",
        ];
        for n in names {
            assert_eq!(line(n), "Texas", "{n:?}");
        }
    }

    #[test]
    fn nfc_joins_composed_and_precomposed() {
        assert_eq!(line("Jose\u{301}"), "Jos\u{e9}");
        assert_eq!(line("Jos\u{e9}"), "Jos\u{e9}");
        assert_eq!(
            line("Ame\u{301}lie Mu\u{308}ller"),
            "Am\u{e9}lie M\u{fc}ller"
        );
    }

    #[test]
    fn control_characters_and_terminal_sequences() {
        assert_eq!(line("Ann\r\nSmith"), "Ann Smith");
        assert_eq!(line("Ann\n\n\tSmith"), "Ann Smith");
        assert_eq!(line("A\0nn"), "Ann");
        assert_eq!(line("\u{1b}[31mRed\u{1b}[0m"), "[31mRed[0m");
        assert_eq!(line("\u{1b}]0;title\u{7}x"), "]0;titlex");
        assert_eq!(line("a\u{9b}b\u{7f}c"), "abc");
        assert_eq!(
            many("one\r\ntwo\rthree\n\tfour\u{0}"),
            "one\ntwo\nthree\n four"
        );
        assert_eq!(many("a\u{2028}b"), "a\nb");
    }

    #[test]
    fn joiners_kept_inside_scripts_that_need_them() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(line(family), family);
        let persian = "\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}";
        assert_eq!(line(persian), persian);
        assert_eq!(line("Ann\u{200C}a"), "Anna");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            normalize(" Ann ", Lines::One),
            Cow::Borrowed("Ann")
        ));
    }

    #[test]
    fn limits_are_stated_never_echoed() {
        let long = "x".repeat(10_000_000);
        let e = check(THEME_NAME, &long).unwrap_err().to_string();
        assert!(e.contains("10000000 characters"), "{e}");
        assert!(e.contains("at most 80"), "{e}");
        assert!(e.len() < 200, "{e}");
        assert_eq!(
            check(THEME_NAME, &"é".repeat(80)).unwrap().chars().count(),
            80
        );
        assert!(required(THEME_NAME, " \u{200B} ").is_err());
        assert_eq!(optional(EMAIL, Some("  ")).unwrap(), None);
        assert_eq!(optional(EMAIL, None).unwrap(), None);
    }

    #[test]
    fn clip_cuts_to_the_limit_and_says_so() {
        let long = "ab".repeat(100);
        let (t, cut) = clip(THEME_NAME, &long);
        assert_eq!(t.chars().count(), 80);
        assert_eq!(cut, Some(200));
        let accents = "é".repeat(80);
        let (t, cut) = clip(THEME_NAME, &accents);
        assert_eq!(t.chars().count(), 80);
        assert_eq!(cut, None);
    }

    #[test]
    fn ids() {
        assert!(check_id("prospect", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").is_ok());
        assert!(check_id("prospect", "p_1").is_ok());
        assert!(check_id("prospect", "").is_err());
        assert!(check_id("prospect", "a b").is_err());
        let e = check_id("prospect", &"x".repeat(1000)).unwrap_err();
        assert!(e.len() < 250, "{e}");
    }
}

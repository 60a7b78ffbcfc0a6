//! How a message quotes what a user gave: in quotes, escaped, and cut to a
//! readable length. A leaf module (it names nothing of the core), so that
//! every error type, leaf or not, quotes the same way.

use std::borrow::Cow;

/// The most of a value a message quotes.
pub const QUOTE_MAX_CHARS: usize = 80;

/// A value a user gave, as a message quotes it: in quotes, escaped, and cut
/// to 80 characters (a 100,000-character value makes no readable message).
pub fn quoted(value: &str) -> String {
    quoted_cut(value, QUOTE_MAX_CHARS)
}

/// As [`quoted`], cut to `max` characters, escapes included (80 bidi
/// controls are 640 characters escaped, so fewer of them are shown).
pub fn quoted_cut(value: &str, max: usize) -> String {
    let mut n = max;
    loop {
        let q = format!("{:?}", clipped(value, n));
        if q.chars().count() <= max + 2 || n <= 1 {
            return q;
        }
        n -= (n / 4).max(1);
    }
}

/// A message from elsewhere (a parser's, a library's) cut to `max`
/// characters, with "…" where it was cut: such messages may hold a value
/// of any length.
pub fn clipped(value: &str, max: usize) -> Cow<'_, str> {
    if value.len() <= max || value.chars().count() <= max {
        return Cow::Borrowed(value);
    }
    let cut: String = value.chars().take(max.saturating_sub(1)).collect();
    Cow::Owned(format!("{cut}…"))
}

/// A message from elsewhere (a parser's, a library's) as a refusal shows
/// it: every control, invisible or bidi character written as an escape
/// (`\u{1b}`), as [`quoted`] writes them, and cut to `max` characters
/// escapes included, with "…" where it was cut. A parser's message quotes
/// the file's text raw ("unknown variant `...`"), which may hold a
/// terminal's escape sequence or a right-to-left override.
pub fn escaped(value: &str, max: usize) -> String {
    if !value.chars().any(unseen) {
        return clipped(value, max).into_owned();
    }
    // Cut after escaping (an escape is up to 10 characters), never inside one.
    let mut out = String::new();
    let mut n = 0;
    for c in value.chars() {
        let piece: String = if unseen(c) {
            c.escape_unicode().collect()
        } else {
            c.to_string()
        };
        let k = piece.chars().count();
        if n + k > max.saturating_sub(1) {
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        n += k;
    }
    out
}

/// A character that acts instead of showing: a control (C0, DEL, C1), a line
/// or paragraph separator, or an invisible or bidi formatting character.
fn unseen(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{61C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// A list of names for a message ("the columns are: ..."): each quoted and
/// cut to 40 characters, at most `max` of them and about 240 characters in
/// all (40 names of 80 characters would make a 3,000-character message),
/// then how many more.
pub fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    const LIST_MAX_CHARS: usize = 240;
    let mut out: Vec<String> = Vec::new();
    let mut chars = 0;
    let mut more = 0usize;
    for n in names {
        let q = quoted_cut(n, 40);
        let k = q.chars().count() + 2;
        if more == 0 && out.len() < max && (out.is_empty() || chars + k <= LIST_MAX_CHARS) {
            chars += k;
            out.push(q);
        } else {
            more += 1;
        }
    }
    if more > 0 {
        out.push(format!("and {more} more"));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_lists_are_cut() {
        assert_eq!(quoted("Ann"), "\"Ann\"");
        let q = quoted(&"x".repeat(100_000));
        assert_eq!(q.chars().count(), 82);
        assert!(q.ends_with("…\""));
        let names: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let l = quoted_list(names.iter().map(String::as_str), 3);
        assert_eq!(l, "\"c0\", \"c1\", \"c2\", and 997 more");
        // Long names: about 240 characters of them, each cut to 40.
        let long: Vec<String> = (0..40)
            .map(|i| format!("{i:02}{}", "n".repeat(198)))
            .collect();
        let l = quoted_list(long.iter().map(String::as_str), 40);
        assert!(l.chars().count() < 300, "{l}");
        assert!(l.ends_with("and 35 more"), "{l}");
    }

    #[test]
    fn a_quoted_value_is_short_escapes_included() {
        assert_eq!(quoted("Texas"), "\"Texas\"");
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 82);
        let q = quoted(&"\u{202a}".repeat(1000));
        assert!(q.chars().count() <= 82, "{q}");
        assert!(q.starts_with("\"\\u{202a}"), "{q}");
    }

    #[test]
    fn a_parsers_message_shows_no_control_or_bidi_character() {
        let m = "unknown variant `\u{1b}[31mred\u{9b}2J\u{202e}x\u{7f}`, expected `meeting`";
        assert_eq!(
            escaped(m, 240),
            "unknown variant `\\u{1b}[31mred\\u{9b}2J\\u{202e}x\\u{7f}`, expected `meeting`"
        );
        assert_eq!(escaped("Zürich, e\u{301}", 240), "Zürich, e\u{301}");
        let long = format!("{}\u{1b}", "x".repeat(1000));
        let e = escaped(&long, 240);
        assert_eq!(e.chars().count(), 240);
        assert!(e.ends_with('…'));
        // Escapes count: 1,000 bidi controls are not 8,000 characters.
        let e = escaped(&"\u{202a}".repeat(1000), 240);
        assert!(e.chars().count() <= 240, "{e}");
        assert!(e.ends_with("\\u{202a}…"), "{e}");
    }
}

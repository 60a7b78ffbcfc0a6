//! How a message quotes what a user gave: in quotes, escaped, and cut to a
//! readable length. A leaf module (it names nothing of the core), so that
//! every error type, leaf or not, quotes the same way.

use std::borrow::Cow;

/// The most of a value a message quotes.
pub const QUOTE_MAX_CHARS: usize = 80;

/// A value a user gave, as a message quotes it: in quotes, escaped, and cut
/// to 80 characters (a 100,000-character value makes no readable message).
pub fn quoted(value: &str) -> String {
    format!("{:?}", clipped(value, QUOTE_MAX_CHARS))
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

/// A list of names for a message ("the columns are: ..."): each quoted,
/// at most `max` of them, then how many more.
pub fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let mut out = Vec::new();
    let mut more = 0usize;
    for n in names {
        if out.len() < max {
            out.push(quoted(n));
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
    }
}

//! How the command line prints: JSON for scripts, numbers with thousands
//! separators and shares as percentages for people, and errors as one line.
//!
//! Text for people goes through `say!` (or [`say_text`]): what
//! came from a file or a database (a name from a CSV, a theme from a bundle)
//! may hold control characters, and an escape sequence printed raw could
//! rewrite the terminal (colours, titles, hidden text, links). They are shown
//! as U+FFFD instead, as are the controls that reorder text right to left.
//! Table columns are cut to [`CELL_MAX`] characters.

use std::borrow::Cow;
use std::io::Write;

#[cfg(test)]
mod props;

/// The widest a table column of names gets, in characters.
pub const CELL_MAX: usize = 60;

/// Print a line for people on standard output, cleaned for a terminal (see
/// the module's doc). `say!()` prints an empty line.
macro_rules! say {
    () => {
        $crate::cli::output::say_text("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::say_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Print `text` for people on standard output, cleaned for a terminal; its
/// line breaks are kept. A reader that went away (`| head`) is not an error.
pub fn say_text(text: &str) {
    let mut out = std::io::stdout().lock();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            let _ = out.write_all(b"\n");
        }
        let _ = out.write_all(clean(line).as_bytes());
    }
}

/// Would `c` act on a terminal rather than show? Control characters (C0,
/// DEL, C1: every ANSI and OSC sequence starts with one) and the controls
/// that reorder text (bidi embeddings, overrides and isolates, direction
/// marks).
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character that would act on a terminal shown as
/// U+FFFD; borrowed when there is none.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if acts_on_terminal(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// `text` for a table column: cleaned, and cut to `max` characters with `…`.
pub fn cell(text: &str, max: usize) -> String {
    let clean = clean(text);
    if clean.chars().count() <= max {
        return clean.into_owned();
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The width of a column holding `cells` (at least `min`), in characters.
pub fn width<'a>(cells: impl Iterator<Item = &'a str>, min: usize) -> usize {
    cells.map(|c| c.chars().count()).max().unwrap_or(0).max(min)
}

/// The one line an error is printed as on standard error, cleaned.
pub fn error_line(message: &str) -> String {
    format!("callblock: error: {}", clean(message))
}

/// Print `value` as pretty JSON on standard output; a reader that stopped
/// early (`| head`) is not an error. (JSON escapes control characters.)
pub fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let s = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    match writeln!(std::io::stdout().lock(), "{s}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to the standard output ({e})"))
        }
        _ => Ok(()),
    }
}

/// The message of a failed write to a file the user named: a file that is
/// there already says how to replace it.
pub fn file_error(e: callblock_core::Error) -> String {
    match e {
        callblock_core::Error::Conflict(m) => format!("{m} (pass --force to replace it)"),
        e => e.to_string(),
    }
}

/// `1234567.0` as `1,234,567` (rounded to a whole number).
pub fn thousands(v: f64) -> String {
    let whole = v.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A share (0-1) as a percentage: `8 %`, `12.5 %`.
pub fn share(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// `count one` or `count many`, the count with thousands separators.
pub fn count(n: u32, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(f64::from(n)),
        if n == 1 { one } else { many }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_would_act_on_a_terminal_is_shown_not_run() {
        assert_eq!(clean("Texas"), "Texas");
        assert!(matches!(clean("Texas"), Cow::Borrowed(_)));
        assert_eq!(
            clean("\u{1b}[31mred\u{1b}[0m"),
            "\u{FFFD}[31mred\u{FFFD}[0m"
        );
        assert_eq!(clean("\u{1b}]0;title\u{7}x"), "\u{FFFD}]0;title\u{FFFD}x");
        assert_eq!(clean("a\u{9b}2Jb"), "a\u{FFFD}2Jb");
        assert_eq!(clean("Texas\u{202E}sax"), "Texas\u{FFFD}sax");
        assert_eq!(clean("two\nlines\r"), "two\u{FFFD}lines\u{FFFD}");
        assert_eq!(clean("Zürich ✓"), "Zürich ✓");
        assert_eq!(
            error_line("bad\u{1b}[2J"),
            "callblock: error: bad\u{FFFD}[2J"
        );
    }

    #[test]
    fn cells_are_cut_to_their_width() {
        let long = "x".repeat(70_000);
        let c = cell(&long, CELL_MAX);
        assert_eq!(c.chars().count(), CELL_MAX);
        assert!(c.ends_with('…'));
        assert_eq!(cell("short", CELL_MAX), "short");
        // A padded column of the widest cell formats without a panic.
        let w = width([c.as_str(), "THEME"].into_iter(), 5);
        assert_eq!(format!("{c:<w$}|").chars().count(), CELL_MAX + 1);
    }
}

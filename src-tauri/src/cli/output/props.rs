//! Properties of the terminal cleaner: whatever text comes from a file or a
//! database, what `say!`, `cell` and `error_line` print cannot act on the
//! terminal (no ESC, no other C0 or C1 control, no bidi control), shows
//! every other character as it was, keeps a table column within its width,
//! and never panics, however long the text (70,000 characters and more).
//!
//! 256 cases in CI with a fixed seed (PROPTEST_RNG_SEED=N replays another,
//! PROPTEST_CASES=N runs more); failures are not written to a regressions
//! file (see `src-tauri/core/tests/properties/main.rs`).

use proptest::prelude::*;

use super::*;

fn config() -> ProptestConfig {
    // The default reads PROPTEST_CASES and PROPTEST_RNG_SEED.
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x00C0_FFEE_5EED);
    }
    c.failure_persistence = None;
    c
}

/// Text of every kind, weighted to what a terminal acts on.
fn hostile() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => proptest::char::range('a', 'z'),
        3 => proptest::char::range('\0', '\u{a0}'),
        1 => proptest::char::range('\u{2000}', '\u{206f}'),
        1 => proptest::char::range('\u{300}', '\u{36f}'),
        1 => Just('\u{61c}'),
        2 => any::<char>(),
    ];
    let piece = prop_oneof![
        4 => proptest::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect::<String>()),
        1 => proptest::sample::select(vec![
            "\u{1b}[31m", "\u{1b}]0;title\u{7}", "\u{1b}]8;;http://x\u{1b}\\", "\u{9b}2J",
            "\u{1b}P1$r\u{1b}\\", "\r", "\n", "\u{202e}", "\u{2066}", "\u{200f}",
        ])
        .prop_map(str::to_string),
        1 => (proptest::sample::select(vec!["x", "é", "\u{1b}[2J", "\u{202e}", "漢"]), 1..80_000usize)
            .prop_map(|(p, n)| p.repeat(n)),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

/// What must not reach a terminal.
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cleaned_text_cannot_act_on_a_terminal(s in hostile()) {
        let c = clean(&s);
        prop_assert!(!c.chars().any(acts));
        // Every other character is shown as it was, one for one.
        prop_assert_eq!(c.chars().count(), s.chars().count());
        for (a, b) in s.chars().zip(c.chars()) {
            prop_assert_eq!(b, if acts(a) { '\u{FFFD}' } else { a });
        }
        let e = error_line(&s);
        prop_assert!(!e.chars().any(acts));
    }

    #[test]
    fn a_cell_keeps_within_its_width(s in hostile(), max in 1usize..200) {
        let c = cell(&s, max);
        prop_assert!(!c.chars().any(acts));
        prop_assert!(c.chars().count() <= max);
        if s.chars().count() <= max {
            prop_assert_eq!(c, clean(&s).into_owned());
        } else {
            prop_assert!(c.ends_with('…'));
        }
        let cells = [cell(&s, CELL_MAX), "THEME".to_string()];
        let w = width(cells.iter().map(String::as_str), 5);
        prop_assert!((5..=CELL_MAX).contains(&w));
        prop_assert_eq!(format!("{:<w$}|", cells[0]).chars().count(), w + 1);
    }
}

//! How the command line prints: JSON for scripts, numbers with thousands
//! separators and shares as percentages for people, and errors as one line.

use std::io::Write;

/// Print `value` as pretty JSON on standard output; a reader that stopped
/// early (`| head`) is not an error.
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
        if i > 0 && (digits.len() - i) % 3 == 0 {
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

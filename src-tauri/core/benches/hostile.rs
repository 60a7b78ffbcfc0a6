//! Hostile inputs: the worst files each reader of the outside world may be
//! given (CSV import, playbook import, bundle import), each read in a child
//! process of its own whose peak memory (VmHWM, from /proc) is measured.
//! Printed: a table of input, size, outcome (the first 100 characters of the
//! message or what was imported), peak RSS and time; then, per reader, how
//! many inputs were tried and the peak of the worst. The target: under
//! 300 MB for any input (an input over it is flagged, not hidden).
//!
//! Then the sample exports of `tests/fixtures/samples` imported, one line
//! each: the corpus that must import the same before and after a change to
//! the readers.
//!
//! Run: `cargo bench -p callblock-core --bench hostile` (release; about 15
//! seconds, up to 940 MB of temporary files one at a time). `-- NAME...`
//! runs only the inputs whose name contains a NAME (`-- samples` the samples
//! only); `-- --quick` leaves out the inputs of 50 MB and more, as a debug
//! build does by itself: `tests/hostile.rs` runs this file in `cargo test`
//! (about 15 s). Either way the run fails when an input takes more than the
//! target or its child process fails.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use callblock_core::domain::Settings;
use callblock_core::import::{self, ImportOptions};
use callblock_core::store::Store;
use callblock_core::{bundle, playbook};

const MB: usize = 1024 * 1024;
/// The issue's target for any input.
const TARGET_MB: f64 = 300.0;

/// Which reader an input is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    Csv,
    Playbook,
    Bundle,
}

impl Reader {
    fn name(self) -> &'static str {
        match self {
            Reader::Csv => "csv",
            Reader::Playbook => "playbook",
            Reader::Bundle => "bundle",
        }
    }

    fn parse(s: &str) -> Option<Reader> {
        [Reader::Csv, Reader::Playbook, Reader::Bundle]
            .into_iter()
            .find(|r| r.name() == s)
    }
}

/// One hostile input: its name, reader, whether it is 50 MB or more, and
/// how to write it.
struct Input {
    name: &'static str,
    reader: Reader,
    big: bool,
    write: fn(&mut dyn Write) -> std::io::Result<()>,
}

/// `n` bytes of `b`, in chunks.
fn repeat(out: &mut dyn Write, b: &[u8], n: usize) -> std::io::Result<()> {
    let chunk = b.repeat((64 * 1024 / b.len()).max(1));
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len());
        out.write_all(&chunk[..k])?;
        left -= k;
    }
    Ok(())
}

/// A bundle's first fields, so that a reader gets past the header.
const BUNDLE_HEAD: &str = r#"{"format":"callblock-bundle","format_version":1,"schema_version":1,"app_version":"0.1.0","created_at":"2026-11-20T18:00:00Z","from":null,"to":null,"rep":{"id":"r1","name":"Alex","email":null,"time_zone":null},"themes":[],"prospects":[],"talk_tracks":[],"talk_track_versions":[],"objections":[],"responses":[],"#;
const BUNDLE_TAIL: &str = r#""calls":[],"call_objections":[],"meetings":[],"counts":{"themes":0,"prospects":0,"talk_track_versions":0,"objections":0,"responses":0,"blocks":1,"pauses":0,"calls":0,"call_objections":0,"meetings":0}}"#;

fn gzip(
    out: &mut dyn Write,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
    body(&mut gz)?;
    gz.finish()?;
    Ok(())
}

const INPUTS: &[Input] = &[
    // CSV
    // A header of 10 million empty columns.
    Input {
        name: "csv-header-empty-columns-10mb",
        reader: Reader::Csv,
        big: false,
        write: |o| {
            repeat(o, b",", 10 * MB)?;
            o.write_all(b"\n+1 312 555 0142\n")
        },
    },
    // A header of 50 million empty columns.
    Input {
        name: "csv-header-empty-columns-50mb",
        reader: Reader::Csv,
        big: true,
        write: |o| {
            repeat(o, b",", 50 * MB)?;
            o.write_all(b"\n+1 312 555 0142\n")
        },
    },
    // A row whose second field is 50 MB.
    Input {
        name: "csv-one-field-50mb",
        reader: Reader::Csv,
        big: true,
        write: |o| {
            o.write_all(b"Phone,Notes\n+1 312 555 0142,")?;
            repeat(o, b"x", 50 * MB)?;
            o.write_all(b"\n")
        },
    },
    // 50 MB without a line break.
    Input {
        name: "csv-no-newline-50mb",
        reader: Reader::Csv,
        big: true,
        write: |o| repeat(o, b"Phone ", 50 * MB),
    },
    // A quote opened in the first row and never closed, 50 MB on.
    Input {
        name: "csv-unclosed-quote-50mb",
        reader: Reader::Csv,
        big: true,
        write: |o| {
            o.write_all(b"Phone,Notes\n+1 312 555 0142,\"")?;
            repeat(o, b"line\n", 50 * MB)
        },
    },
    // UTF-16 with a BOM, 50 MB without a line break.
    Input {
        name: "csv-utf16-no-newline-50mb",
        reader: Reader::Csv,
        big: true,
        write: |o| {
            o.write_all(b"\xff\xfe")?;
            repeat(o, b"P\0h\0o\0n\0e\0 \0", 50 * MB)
        },
    },
    // 9,999 columns named Phone, 200 rows.
    Input {
        name: "csv-10000-columns-of-one-name",
        reader: Reader::Csv,
        big: false,
        write: |o| {
            let n = 9_999;
            o.write_all(vec!["Phone"; n].join(",").as_bytes())?;
            o.write_all(b"\n")?;
            let row = format!("{}\n", vec!["+1 312 555 0142"; n].join(","));
            for _ in 0..200 {
                o.write_all(row.as_bytes())?;
            }
            Ok(())
        },
    },
    // 12 rows of 3.9 MB of bidi, zero-width and combining characters and
    // line breaks in a cell no field reads (kept as extra values).
    Input {
        name: "csv-4mb-cells-12-rows",
        reader: Reader::Csv,
        big: false,
        write: |o| {
            o.write_all(b"Phone,Email,Notes\n")?;
            for i in 0..12 {
                write!(o, "+1 312 555 {:04},p{i}@example.com,\"", 100 + i)?;
                repeat(o, "e\u{301}\u{200b}\u{202e}x\r\n".as_bytes(), 3_900_000)?;
                o.write_all(b"\"\n")?;
            }
            Ok(())
        },
    },
    // 10 MB of pseudo-random bytes.
    Input {
        name: "csv-random-bytes-10mb",
        reader: Reader::Csv,
        big: false,
        write: |o| {
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut buf = Vec::with_capacity(10 * MB);
            while buf.len() < 10 * MB {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf.extend_from_slice(&x.to_le_bytes());
            }
            o.write_all(&buf)
        },
    },
    // 200,000 rows, every cell with an escape sequence, bidi or zero-width
    // characters, line breaks in quotes.
    Input {
        name: "csv-200k-rows-hostile",
        reader: Reader::Csv,
        big: true,
        write: |o| {
            o.write_all(b"First Name,Last Name,Company,Phone,Notes\n")?;
            for i in 0..200_000u32 {
                // One escape sequence a row: more than 1% of control
                // characters would make the file binary data.
                writeln!(
                    o,
                    "\u{202e}Ann{i}\u{200b},\u{1b}[31mLee,\"Acme\r\n\u{2066}{i}\u{2069}\",+1 312 555 {:04},\"{}\u{200f}\"",
                    i % 10_000,
                    "n".repeat(300)
                )?;
            }
            Ok(())
        },
    },
    // Playbook
    // A 10 MB playbook (one 10 MB response).
    Input {
        name: "playbook-10mb",
        reader: Reader::Playbook,
        big: false,
        write: |o| {
            o.write_all(br#"{"format":"callblock-playbook","format_version":1,"exported_at":"2026-11-20T18:00:00Z","app_version":"0.1.0","talk_tracks":[],"objections":[{"slug":"x","label":"X","response":""#)?;
            repeat(o, b"x", 10 * MB)?;
            o.write_all(br#""}]}"#)
        },
    },
    // A 4.9 MB response (under the 5 MB file limit).
    Input {
        name: "playbook-4.9mb-one-string",
        reader: Reader::Playbook,
        big: false,
        write: |o| {
            o.write_all(br#"{"format":"callblock-playbook","format_version":1,"exported_at":"2026-11-20T18:00:00Z","app_version":"0.1.0","talk_tracks":[],"objections":[{"slug":"x","label":"X","response":""#)?;
            let one = br"\u001b[2J\u202e";
            repeat(o, one, 4_900_000 / one.len() * one.len())?;
            o.write_all(br#""}]}"#)
        },
    },
    // 4.9 MB of nested arrays.
    Input {
        name: "playbook-deep-nesting",
        reader: Reader::Playbook,
        big: false,
        write: |o| {
            o.write_all(br#"{"format":"callblock-playbook","format_version":1,"x":"#)?;
            repeat(o, b"[", 4_900_000)
        },
    },
    // 4.9 MB of small objections (60,000 problems).
    Input {
        name: "playbook-many-objections",
        reader: Reader::Playbook,
        big: false,
        write: |o| {
            o.write_all(br#"{"format":"callblock-playbook","format_version":1,"exported_at":"2026-11-20T18:00:00Z","app_version":"0.1.0","talk_tracks":[],"objections":["#)?;
            let one = br#"{"slug":"a","label":"A","response":"","overrides":[]},"#;
            for _ in 0..(4_900_000 / one.len()) {
                o.write_all(one)?;
            }
            o.write_all(br#"{"slug":"a","label":"A","response":""}]}"#)
        },
    },
    // 4.9 MB of empty overrides in one objection.
    Input {
        name: "playbook-many-overrides",
        reader: Reader::Playbook,
        big: false,
        write: |o| {
            o.write_all(br#"{"format":"callblock-playbook","format_version":1,"exported_at":"2026-11-20T18:00:00Z","app_version":"0.1.0","talk_tracks":[],"objections":[{"slug":"a","label":"A","response":"R","overrides":["#)?;
            let one = br#"{"theme":"","response":""},"#;
            for _ in 0..(4_900_000 / one.len()) {
                o.write_all(one)?;
            }
            o.write_all(br#"{"theme":"","response":""}]}]}"#)
        },
    },
    // Bundle
    // A gzip file inflating to 2 GB.
    Input {
        name: "bundle-gzip-bomb",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            gzip(o, |g| {
                g.write_all(BUNDLE_HEAD.as_bytes())?;
                g.write_all(br#""notes":""#)?;
                repeat(g, b"a", 2048 * MB)
            })
        },
    },
    // A 60 MB JSON bundle whose rep name is one string.
    Input {
        name: "bundle-json-one-string-60mb",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            o.write_all(br#"{"format":"callblock-bundle","format_version":1,"schema_version":1,"app_version":"0.1.0","created_at":"2026-11-20T18:00:00Z","from":null,"to":null,"rep":{"id":"r1","email":null,"time_zone":null,"name":""#)?;
            repeat(o, b"x", 60 * MB)?;
            o.write_all(br#""},"themes":[],"prospects":[],"talk_tracks":[],"talk_track_versions":[],"objections":[],"responses":[],"blocks":[],"pauses":[],"calls":[],"call_objections":[],"meetings":[],"counts":{"themes":0,"prospects":0,"talk_track_versions":0,"objections":0,"responses":0,"blocks":0,"pauses":0,"calls":0,"call_objections":0,"meetings":0}}"#)
        },
    },
    // 60 MB of nested arrays under a key a bundle does not have, in an
    // otherwise valid bundle.
    Input {
        name: "bundle-deep-nesting-60mb",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            o.write_all(BUNDLE_HEAD.as_bytes())?;
            o.write_all(br#""x":"#)?;
            repeat(o, b"[", 30 * MB)?;
            repeat(o, b"]", 30 * MB)?;
            o.write_all(br#","blocks":[{"id":"b1","planned_seconds":3120,"break_seconds":1020,"started_at":"2026-11-20T09:00:00Z","ended_at":null,"end_reason":null,"theme_ids":[]}],"pauses":[],"#)?;
            o.write_all(BUNDLE_TAIL.as_bytes())
        },
    },
    // A block with 20 million empty theme ids (60 MB of JSON).
    Input {
        name: "bundle-many-theme-ids-60mb",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            o.write_all(BUNDLE_HEAD.as_bytes())?;
            o.write_all(br#""blocks":[{"id":"b1","planned_seconds":3120,"break_seconds":1020,"started_at":"2026-11-20T09:00:00Z","ended_at":null,"end_reason":null,"theme_ids":["#)?;
            repeat(o, br#""","#, 60 * MB)?;
            o.write_all(br#"""]}],"pauses":[],"#)?;
            o.write_all(BUNDLE_TAIL.as_bytes())
        },
    },
    // A block with a million empty theme ids (3 MB of JSON).
    Input {
        name: "bundle-many-theme-ids-3mb",
        reader: Reader::Bundle,
        big: false,
        write: |o| {
            o.write_all(BUNDLE_HEAD.as_bytes())?;
            o.write_all(br#""blocks":[{"id":"b1","planned_seconds":3120,"break_seconds":1020,"started_at":"2026-11-20T09:00:00Z","ended_at":null,"end_reason":null,"theme_ids":["#)?;
            repeat(o, br#""","#, 3 * MB)?;
            o.write_all(br#"""]}],"pauses":[],"#)?;
            o.write_all(BUNDLE_TAIL.as_bytes())
        },
    },
    // A million small pauses (60 MB of JSON).
    Input {
        name: "bundle-many-pauses-60mb",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            o.write_all(BUNDLE_HEAD.as_bytes())?;
            o.write_all(br#""blocks":[{"id":"b1","planned_seconds":3120,"break_seconds":1020,"started_at":"2026-11-20T09:00:00Z","ended_at":null,"end_reason":null,"theme_ids":[]}],"pauses":["#)?;
            let one = br#"{"id":"p","block_id":"b1","paused_at":"","resumed_at":null},"#;
            for _ in 0..(60 * MB / one.len()) {
                o.write_all(one)?;
            }
            o.write_all(br#"{"id":"p","block_id":"b1","paused_at":"","resumed_at":null}],"#)?;
            o.write_all(BUNDLE_TAIL.as_bytes())
        },
    },
    // A gzip bundle of 100 MB of small pauses.
    Input {
        name: "bundle-gzip-over-limit",
        reader: Reader::Bundle,
        big: true,
        write: |o| {
            gzip(o, |g| {
                g.write_all(BUNDLE_HEAD.as_bytes())?;
                g.write_all(br#""pauses":["#)?;
                let one = br#"{"id":"p","block_id":"b1","paused_at":"","resumed_at":null},"#;
                for _ in 0..(100 * MB / one.len()) {
                    g.write_all(one)?;
                }
                g.write_all(b"{}]}")
            })
        },
    },
];

/// Read `path` with `reader` into a new database in `dir`; what came of it.
fn read_with(reader: Reader, path: &Path, dir: &Path) -> String {
    let mut store = Store::open(dir.join("callblock.db")).expect("a new database");
    let outcome = match reader {
        Reader::Csv => import::read_file(path)
            .map_err(callblock_core::Error::from)
            .and_then(|source| {
                let opts = ImportOptions::new(&source, &Settings::default());
                import::run(&mut store, &source, &opts, &mut |_| true)
            })
            .map(|r| {
                format!(
                    "imported {} of {} rows ({} rejected, {} warnings)",
                    r.imported + r.updated,
                    r.rows_read,
                    r.rejected_count,
                    r.warning_count
                )
            }),
        Reader::Playbook => {
            playbook::import_playbook_file(store.conn(), path, &playbook::ImportOptions::default())
                .map(|r| r.summary)
        }
        Reader::Bundle => bundle::import_file(&mut store, path)
            .map(|r| format!("imported {} calls", r.calls.added)),
    };
    match outcome {
        Ok(s) => s,
        Err(e) => format!("refused: {e}"),
    }
    .replace(&format!("{}/", path.parent().unwrap().display()), "")
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// In the child: read one input and print `outcome \t peak KiB \t seconds`.
fn child(reader: &str, path: &str) {
    let reader = Reader::parse(reader).expect("a reader name");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let start = Instant::now();
    let outcome = read_with(reader, Path::new(path), dir.path());
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}\t{}\t{secs:.2}",
        outcome.replace(['\t', '\n'], " "),
        peak_kib()
    );
}

/// Run one input in a child process: (outcome, peak MB, seconds).
fn measure(reader: Reader, path: &Path) -> (String, f64, f64) {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe)
        .args(["--child", reader.name()])
        .arg(path)
        .output()
        .expect("the child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim_end().rsplitn(3, '\t');
    let secs = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let kib: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let outcome = match parts.next() {
        Some(o) if out.status.success() => o.to_string(),
        _ => format!(
            "CHILD FAILED ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
    };
    (outcome, kib / 1024.0, secs)
}

fn first_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn size(bytes: u64) -> String {
    if bytes >= MB as u64 {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    println!();
    println!("The sample exports ({}):", dir.display());
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().expect("a temporary folder");
        println!(
            "  {name:<40} {}",
            first_chars(&read_with(Reader::Csv, &f, tmp.path()), 110)
        );
    }
}

pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1], &args[2]);
        return;
    }
    // A debug build (`cargo test`) reads the inputs under 50 MB only.
    let quick = args.iter().any(|a| a == "--quick") || cfg!(debug_assertions);
    let filters: Vec<String> = args.into_iter().filter(|a| !a.starts_with("--")).collect();
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!(
        "{:<31} {:<8} {:>9}  {:<100} {:>9} {:>7}",
        "input", "reader", "size", "outcome", "peak RSS", "time"
    );
    let mut worst: Vec<(Reader, usize, f64, &str)> = Vec::new();
    let mut failed = 0;
    for input in INPUTS {
        if (quick && input.big)
            || (!filters.is_empty() && !filters.iter().any(|f| input.name.contains(f.as_str())))
        {
            continue;
        }
        let path = dir.path().join(input.name);
        {
            let file = std::fs::File::create(&path).expect("a file");
            let mut w = BufWriter::new(file);
            (input.write)(&mut w).expect("the input written");
            w.flush().expect("the input written");
        }
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let (outcome, mb, secs) = measure(input.reader, &path);
        std::fs::remove_file(&path).ok();
        if mb > TARGET_MB || outcome.starts_with("CHILD FAILED") {
            failed += 1;
        }
        println!(
            "{:<31} {:<8} {:>9}  {:<100} {:>6.0} MB {:>5.1} s{}",
            input.name,
            input.reader.name(),
            size(bytes),
            first_chars(&outcome, 100),
            mb,
            secs,
            if mb > TARGET_MB { "  OVER 300 MB" } else { "" }
        );
        match worst.iter_mut().find(|w| w.0 == input.reader) {
            Some(w) => {
                w.1 += 1;
                if mb > w.2 {
                    w.2 = mb;
                    w.3 = input.name;
                }
            }
            None => worst.push((input.reader, 1, mb, input.name)),
        }
    }
    println!();
    for (reader, tried, mb, name) in &worst {
        println!(
            "{:<8} {tried} hostile inputs; worst peak {mb:.0} MB ({name}){}",
            reader.name(),
            if *mb > TARGET_MB {
                ": OVER the 300 MB target"
            } else {
                ""
            }
        );
    }
    if filters.is_empty() || filters.iter().any(|f| f == "samples") {
        samples();
    }
    println!();
    let tried: usize = worst.iter().map(|w| w.1).sum();
    println!("hostile: {} passed, {failed} failed", tried - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}

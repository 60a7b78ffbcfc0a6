//! Import benchmark, in two parts.
//!
//! 1. A 100,000-row HubSpot-shaped export imported end to end into a fresh
//!    database file (parse, map, normalize phones, infer zones, match,
//!    insert), against a bare parse-and-insert of the same file; the parts
//!    of a row's conversion.
//! 2. Scaling: at 100,000, 300,000 and 1,000,000 rows, three imports, each
//!    in a new process (its peak memory, VmHWM, read from /proc): a fresh
//!    import into a new database; a "mixed" file (80 % new people, 10 %
//!    rows repeating an earlier row of the file under the same record id,
//!    the same e-mail in other case or the same name and company, 10 %
//!    updates of the people of a database made beforehand from another
//!    file of rows/10 people) into that database; and the mixed file again
//!    (nothing left to change). Rows per second of wall and of CPU time
//!    show whether the time is linear in the rows.
//!
//! Run: `cargo bench -p callblock-core --bench import`. Knobs:
//! - `BENCH_ROWS=20000`: the first part only, on that many rows;
//! - `BENCH_SCALING_ONLY=1`: the second part only; `BENCH_SIZES=100000,300000`
//!   its sizes;
//! - `BENCH_ONLY_IMPORT=fresh|mixed|reimport` (with `BENCH_ROWS`): make the
//!   files of that case, import once in this process, print the time and
//!   stop (for `perf record`; the files are made first, so sample from the
//!   import's start or subtract them);
//! - `BENCH_ONLY_IMPORT=floor` (with `BENCH_ROWS`): the fresh import, then
//!   SQLite's own floor for the same data: its rows copied by SQL alone
//!   (`INSERT ... SELECT`, no parsing, binding or matching) into a new
//!   database with the same schema, in one transaction, the same indexes
//!   built at the end with the import's settings, then the commit;
//! - `BENCH_DIR=/some/folder`: make the files there and leave those of
//!   `BENCH_ONLY_IMPORT` (the database `only.db` or `saved-N.db`) for a look.
//!
//! Targets: end to end under 2 s for 100,000 rows; 1,000,000 mixed rows
//! under 10 s with under 300 MB peak RSS.
//!
//! The end-to-end figure of part 1 is the median of five imports, each in a
//! new process (so each loads the phone metadata, which the `phonenumber`
//! crate compiles once per process) into a new database opened as the app
//! opens it: log checkpoints on the store's background thread, not in the
//! commit. The same import with the checkpoint in the commit (as a one-shot
//! CLI import) and a second import in a warm process are printed beside it.
//! Wall and CPU time are both printed: on a shared machine wall time also
//! counts the time other programs hold the cores.

// The app's allocator (src-tauri/src/main.rs), so that the figures are the
// app's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use callblock_core::domain::Settings;
use callblock_core::import::{self, ImportOptions, ThemeChoice, DEFERRED_INDEXES};
use callblock_core::store::Store;

const CHILD_ENV: &str = "CALLBLOCK_IMPORT_BENCH_CHILD";

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Amara", "Noah", "Ines", "Elif", "Sofia", "Kenji", "Clara", "Liam", "Emma", "Mateo", "Aisha",
    "Ben", "Diego", "Olivia", "Ava", "Ethan", "Zoe", "Omar", "Hugo", "Lucas", "Priya", "Raj",
    "Chloe", "Gus", "Tomas", "Mason", "Lena", "Renée", "Jürgen", "Siobhan", "Wei", "Fatima",
    "José", "Anna", "Mark", "Grace", "Yusuf", "Maria", "David", "Sarah",
];
const LAST_SUFFIX: &[&str] = &["", "", "", "son", "ski", "ez", "er", "ová", "sen", "i"];
const COMPANY_C: &[&str] = &[
    "",
    "North",
    "Prairie",
    "Coastal",
    "Pacific",
    "Union",
    "Metro",
    "Heritage",
    "Apex",
    "Vista",
    "River",
    "Capital",
    "Liberty",
    "Frontier",
    "Central",
    "Evergreen",
    "Crown",
    "Legacy",
    "Sterling",
    "Canyon",
];
const LAST: &[&str] = &[
    "Garcia",
    "Novak",
    "Silva",
    "Moreau",
    "Larsen",
    "Wright",
    "O'Brien",
    "Patel",
    "Tanaka",
    "Khan",
    "Dubois",
    "Johnson",
    "Schmidt",
    "Rossi",
    "Okafor",
    "Lindqvist",
    "Kowalski",
    "Haddad",
    "Nguyen",
    "Costa",
    "Müller",
    "Brown",
    "Smith",
    "Ivanova",
    "Chen",
    "Murphy",
    "Fischer",
    "Martin",
    "Lopez",
    "Walker",
];
const COMPANY_A: &[&str] = &[
    "Bluebird",
    "Granite",
    "Summit",
    "Redwood",
    "Ironbridge",
    "Keystone",
    "Atlas",
    "Beacon",
    "Pioneer",
    "Harbor",
    "Orchard",
    "Cedar",
    "Meridian",
    "Northwind",
    "Lakeside",
    "Falcon",
];
const COMPANY_B: &[&str] = &[
    "Builders",
    "Partners LLP",
    "Engineering",
    "Manufacturing Co.",
    "Logistics",
    "Group",
    "Architects",
    "& Associates",
    "Holdings",
    "Systems",
];
const TITLES: &[&str] = &[
    "\"Director, Supply Chain\"",
    "Head of IT",
    "Office Manager",
    "Director of Finance",
    "Controller",
    "Plant Manager",
    "VP of Operations",
    "CIO",
    "COO",
    "Chief Financial Officer",
    "IT Manager",
    "Operations Manager",
    "VP Sales",
    "Marketing Manager",
    "HR Director",
    "CEO",
    "Senior Software Engineer",
    "Procurement Lead",
];
const INDUSTRIES: &[&str] = &[
    "Accounting",
    "Construction",
    "Civil Engineering",
    "Logistics and Supply Chain",
    "Hospital & Health Care",
    "Manufacturing",
    "Legal Services",
    "Architecture & Planning",
];
/// (city, state, area code, IANA zone)
const PLACES: &[(&str, &str, &str, &str)] = &[
    ("Chicago", "IL", "312", "America/Chicago"),
    ("Denver", "CO", "303", "America/Denver"),
    ("Phoenix", "AZ", "602", "America/Phoenix"),
    ("Seattle", "WA", "206", "America/Los_Angeles"),
    ("Austin", "TX", "512", "America/Chicago"),
    ("Boston", "MA", "617", "America/New_York"),
    ("New York", "NY", "212", "America/New_York"),
    ("Atlanta", "GA", "404", "America/New_York"),
    ("Miami", "FL", "305", "America/New_York"),
    ("Nashville", "TN", "615", "America/Chicago"),
    ("Portland", "OR", "503", "America/Los_Angeles"),
    ("Minneapolis", "MN", "612", "America/Chicago"),
];
const BANDS: &[&str] = &[
    "1-10",
    "11-50",
    "51-200",
    "201-500",
    "501-1000",
    "1001-5000",
    "5001-10000",
    "\"10,001+\"",
];
const COUNTRIES: &[&str] = &["USA", "United States", "US", "usa"];
const ZONE_FORMS: &[&str] = &["", "iana", "iana", "iana", "windows"];

fn phone(rng: &mut Rng, area: &str) -> String {
    let exch = 200 + rng.below(800);
    let line = rng.below(10000);
    match rng.below(7) {
        0 => format!("({area}) {exch}-{line:04}"),
        1 => format!("+1 {area} {exch}-{line:04}"),
        2 => format!("{area}.{exch}.{line:04}"),
        3 => format!("1{area}{exch}{line:04}"),
        4 => format!("{area}-{exch}-{line:04}"),
        5 => format!("+1 ({area}) {exch}-{line:04} ext. {}", 10 + rng.below(90)),
        _ => format!("{area} {exch} {line:04} x{}", 100 + rng.below(900)),
    }
}

/// One contact of a generated export: the same `n` always makes the same
/// person (so that a later file can bring them again).
struct Person {
    record_id: u64,
    first: &'static str,
    last: String,
    email: String,
    phone: String,
    mobile: String,
    title: &'static str,
    company: String,
    industry: &'static str,
    place: (&'static str, &'static str, &'static str, &'static str),
    country: &'static str,
    band: &'static str,
    zone_text: String,
    owner: usize,
}

fn person(n: u64) -> Person {
    let mut rng = Rng((n ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0xD6E8_FEB8_6659_FD93) | 1);
    rng.next();
    let first = rng.pick(FIRST);
    let last = format!("{}{}", rng.pick(LAST), rng.pick(LAST_SUFFIX));
    let company = format!(
        "{} {} {}",
        rng.pick(COMPANY_A),
        rng.pick(COMPANY_C),
        rng.pick(COMPANY_B)
    )
    .replace("  ", " ");
    let place = PLACES[rng.below(PLACES.len())];
    let (_, _, area, zone) = place;
    let domain: String = company
        .split_whitespace()
        .next()
        .unwrap_or("x")
        .to_lowercase();
    let mobile = if rng.below(3) == 0 {
        phone(&mut rng, area)
    } else {
        String::new()
    };
    let zone_text = match rng.pick(ZONE_FORMS) {
        "iana" => zone.to_string(),
        "windows" => match zone {
            "America/Chicago" => "(GMT-06:00) Central Time (US & Canada)".to_string(),
            "America/New_York" => "Eastern Time (US & Canada)".to_string(),
            "America/Los_Angeles" => "PST".to_string(),
            _ => zone.to_string(),
        },
        _ => String::new(),
    };
    let email = format!(
        "{}.{}.{n}@{domain}.example",
        first.to_lowercase(),
        last.to_lowercase().replace('\'', "")
    );
    Person {
        record_id: 1_000_000 + n,
        first,
        email,
        phone: phone(&mut rng, area),
        mobile,
        title: rng.pick(TITLES),
        company,
        industry: rng.pick(INDUSTRIES),
        place,
        country: rng.pick(COUNTRIES),
        band: rng.pick(BANDS),
        zone_text,
        owner: 1 + rng.below(5),
        last,
    }
}

const HEADER: &str = "\u{feff}Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Job Title,Company Name,Industry,City,State/Region,Country/Region,Number of Employees,Time Zone,Contact owner,Lifecycle Stage\r\n";

fn write_person(out: &mut impl Write, line: &mut String, p: &Person) {
    line.clear();
    let (city, state, _, _) = p.place;
    let _ = write!(
        line,
        "{},{},{},{},{},{},{},{},{},{city},{state},{},{},\"{}\",Rep {},Lead\r\n",
        p.record_id,
        p.first,
        p.last,
        p.email,
        p.phone,
        p.mobile,
        p.title,
        p.company,
        p.industry,
        p.country,
        p.band,
        p.zone_text,
        p.owner,
    );
    out.write_all(line.as_bytes()).expect("write");
}

fn create(path: &Path) -> BufWriter<std::fs::File> {
    let file = std::fs::File::create(path).expect("create the benchmark file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(HEADER.as_bytes()).expect("write");
    out
}

/// Write a HubSpot-shaped export of `rows` contacts, people `first..`.
fn generate(path: &Path, rows: usize, first: u64) {
    let mut out = create(path);
    let mut line = String::with_capacity(512);
    for i in 0..rows as u64 {
        write_person(&mut out, &mut line, &person(first + i));
    }
    out.flush().expect("flush");
}

/// People of the database a mixed file updates: `rows / 10` of them.
const SAVED_FIRST: u64 = 50_000_000;

/// A file of `rows` rows: 80 % new people, 10 % the same person as an
/// earlier row of the file (same record id; or the same e-mail in other
/// case under another record id; or the same name and company with another
/// e-mail and record id), 10 % people of the database made by
/// `generate(_, rows / 10, SAVED_FIRST)` (by record id, or by e-mail under
/// a new record id), each with a new title and a new number.
fn generate_mixed(path: &Path, rows: usize, first: u64) {
    let mut out = create(path);
    let mut line = String::with_capacity(512);
    let mut rng = Rng(0x0005_EED0_F0D0_B1E5);
    let saved = (rows / 10).max(1) as u64;
    let mut next_saved = 0u64;
    // Rows of new people so far, for the duplicates to repeat.
    let mut new_rows: Vec<u64> = Vec::with_capacity(rows);
    for i in 0..rows as u64 {
        let kind = match i % 10 {
            3 if next_saved < saved => 1,
            7 if !new_rows.is_empty() => 2,
            _ => 0,
        };
        let p = match kind {
            1 => {
                let mut p = person(SAVED_FIRST + next_saved);
                next_saved += 1;
                p.title = rng.pick(TITLES);
                let area = p.place.2;
                p.phone = phone(&mut rng, area);
                if rng.below(4) == 0 {
                    p.record_id = 9_000_000_000 + i;
                }
                p
            }
            2 => {
                let n = new_rows[rng.below(new_rows.len())];
                let mut p = person(n);
                match rng.below(3) {
                    0 => {}
                    1 => {
                        p.record_id = 9_000_000_000 + i;
                        p.email = p.email.to_ascii_uppercase();
                    }
                    _ => {
                        p.record_id = 9_000_000_000 + i;
                        p.email = format!("other.{i}@elsewhere.example");
                        p.company = p.company.to_ascii_uppercase();
                    }
                }
                p
            }
            _ => {
                new_rows.push(first + i);
                person(first + i)
            }
        };
        write_person(&mut out, &mut line, &p);
    }
    out.flush().expect("flush");
}

/// Open (create) the database, then import: returns the report and the
/// seconds of the import alone (wall, CPU).
/// Where the write-ahead log is copied into the database file.
#[derive(Clone, Copy, PartialEq)]
enum Checkpoints {
    /// On the store's background thread, as the app runs (`gui.rs`).
    Background,
    /// In the commit that fills the log (SQLite's default), as the CLI runs.
    AtCommit,
}

fn open(db: &Path, checkpoints: Checkpoints) -> (Store, Option<impl Drop>) {
    let store = Store::open(db).expect("open the database");
    let background = match checkpoints {
        Checkpoints::Background => store
            .checkpoint_in_background(std::time::Duration::from_secs(5))
            .expect("background checkpoints"),
        Checkpoints::AtCommit => None,
    };
    (store, background)
}

fn full_import(
    db: &Path,
    csv: &Path,
    checkpoints: Checkpoints,
) -> (import::ImportReport, f64, f64) {
    let (report, wall, cpu, _) = staged_import(db, csv, checkpoints);
    (report, wall, cpu)
}

/// [`full_import`], with the wall time of each step of the import: the
/// rows, each index built again, the references and the commit.
fn staged_import(
    db: &Path,
    csv: &Path,
    checkpoints: Checkpoints,
) -> (import::ImportReport, f64, f64, Vec<(String, f64)>) {
    let (mut store, _background) = open(db, checkpoints);
    let t = Instant::now();
    let c = cpu_seconds();
    let source = import::read_file(csv).expect("read the file");
    let mut opts = ImportOptions::new(&source, &Settings::default());
    opts.theme = ThemeChoice::Field(import::Field::Industry);
    // Each step from its first progress call to the next step's.
    let mut marks: Vec<(String, f64)> = Vec::new();
    let mut stage = None;
    let mut index = 0;
    let report = import::run(&mut store, &source, &opts, &mut |p| {
        let name = match p.stage {
            import::ImportStage::Reading => (stage != Some(p.stage)).then(|| "rows".to_string()),
            import::ImportStage::Indexing => {
                index += 1;
                Some(format!("index {index}"))
            }
            import::ImportStage::Saving => {
                (stage != Some(p.stage)).then(|| "references and commit".to_string())
            }
        };
        if let Some(name) = name {
            marks.push((name, t.elapsed().as_secs_f64()));
        }
        stage = Some(p.stage);
        true
    })
    .expect("import");
    let wall = t.elapsed().as_secs_f64();
    let steps = marks
        .iter()
        .enumerate()
        .map(|(i, (name, from))| {
            let to = marks.get(i + 1).map_or(wall, |m| m.1);
            (name.clone(), to - from)
        })
        .collect();
    (report, wall, cpu_seconds() - c, steps)
}

/// Parse the file and insert each row with its first phone as raw text: no
/// mapping, normalization, zones or matching.
fn bare_import(store: &Store, csv: &Path) -> usize {
    let source = import::read_file(csv).expect("read the file");
    let conn = store.conn();
    let tx = conn.unchecked_transaction().expect("begin");
    let mut records = source.records().expect("records");
    let mut rec = Default::default();
    let now = "2026-11-22T00:00:00.000Z";
    let mut n = 0;
    {
        let mut p = tx
            .prepare_cached(
                "INSERT INTO prospects (id, first_name, last_name, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )
            .expect("prepare");
        let mut ph = tx
            .prepare_cached(
                "INSERT INTO prospect_phones (prospect_id, position, kind, raw)
                 VALUES (?1, 0, 'office', ?2)",
            )
            .expect("prepare");
        while records.next_into(&mut rec).expect("record") {
            let id = uuid::Uuid::now_v7().to_string();
            p.execute(rusqlite::params![id, rec.get(1), rec.get(2), now])
                .expect("insert");
            ph.execute(rusqlite::params![id, rec.get(4)])
                .expect("insert");
            n += 1;
        }
    }
    tx.commit().expect("commit");
    n
}

/// CPU seconds (user + system) this process has used: on a shared machine
/// wall time also counts the time other programs hold the cores.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (ticks(11) + ticks(12)) / 100.0
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn child(args: &str) {
    let mut parts = args.split('|');
    let (db, csv, mode) = (
        parts.next().expect("db"),
        parts.next().expect("csv"),
        parts.next().expect("checkpoints"),
    );
    let checkpoints = if mode == "at-commit" {
        Checkpoints::AtCommit
    } else {
        Checkpoints::Background
    };
    let (report, wall, cpu) = full_import(Path::new(db), Path::new(csv), checkpoints);
    println!(
        "child: rows={} imported={} updated={} rejected={} seconds={wall:.3} cpu={cpu:.3} vmhwm_kib={}",
        report.rows_read,
        report.imported,
        report.updated,
        report.rejected_count,
        vm_hwm_kib().unwrap_or(0)
    );
}

fn main() {
    if let Ok(args) = std::env::var(CHILD_ENV) {
        child(&args);
        return;
    }
    // `cargo bench` passes --bench; a filter argument other than ours skips.
    let temp = tempfile::tempdir().expect("temp dir");
    let kept = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    if let Ok(case) = std::env::var("BENCH_ONLY_IMPORT") {
        only_import(dir, &case);
        return;
    }
    if std::env::var("BENCH_SCALING_ONLY").is_err() {
        detail(dir);
    }
    if std::env::var("BENCH_ROWS").is_err() || std::env::var("BENCH_SIZES").is_ok() {
        scaling(dir);
    }
}

/// The 100,000-row figures: end to end against a bare parse-and-insert,
/// the parts of a row's conversion.
fn detail(dir: &Path) {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let csv = dir.join("hubspot-100k.csv");
    let t = Instant::now();
    generate(&csv, rows, 0);
    let size = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {rows} rows ({:.1} MB) in {:.2} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let cold = |mode: &str, runs: usize| -> Vec<ChildRun> {
        (0..runs)
            .map(|i| {
                let db = dir.join(format!("cold-{mode}-{i}.db"));
                let run = run_child(&db, &csv, mode);
                let _ = std::fs::remove_file(&db);
                run
            })
            .collect()
    };
    let app_runs = cold("background", 5);
    let cli_runs = cold("at-commit", 3);
    let full = median(app_runs.iter().map(|r| r.wall));
    let full_cpu = median(app_runs.iter().map(|r| r.cpu));
    let cli = median(cli_runs.iter().map(|r| r.wall));
    let cli_cpu = median(cli_runs.iter().map(|r| r.cpu));
    let runs_text = |runs: &[ChildRun]| {
        runs.iter()
            .map(|r| format!("{:.2}", r.wall))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The database the re-import below updates.
    let (report, _, _) = full_import(&dir.join("full.db"), &csv, Checkpoints::Background);
    assert_eq!(
        report.imported as usize + report.rejected_count as usize,
        rows
    );
    for r in report.rejected.iter().take(3) {
        println!("rejected: line {}: {}", r.line, r.reason);
    }

    let (bare_store, _background) = open(&dir.join("bare.db"), Checkpoints::Background);
    let t = Instant::now();
    let c = cpu_seconds();
    let n = bare_import(&bare_store, &csv);
    let bare = t.elapsed().as_secs_f64();
    let bare_cpu = cpu_seconds() - c;
    assert_eq!(n, rows);

    // Re-import into the same database: every row matched and updated.
    let (again, reimport, _) = full_import(&dir.join("full.db"), &csv, Checkpoints::Background);

    // The same import into a new database, in a process that has already
    // loaded the phone metadata (the app has, once a file is previewed).
    let (warm_report, warm, warm_cpu) =
        full_import(&dir.join("warm.db"), &csv, Checkpoints::Background);
    assert_eq!(warm_report.imported, report.imported);

    // Parse and convert (phones, zones, themes), no database.
    let source = import::read_file(&csv).expect("read");
    let opts = ImportOptions::new(&source, &Settings::default());
    let mut conv = import::convert::Converter::new(
        &opts.mapping,
        import::convert::ThemeRule::Field(import::Field::Industry),
        import::phone::parse_region("US").expect("US"),
    );
    let t = Instant::now();
    let mut records = source.records().expect("records");
    let mut rec = Default::default();
    let mut converted = 0;
    while records.next_into(&mut rec).expect("record") {
        if conv.convert(&rec).is_ok() {
            converted += 1;
        }
    }
    let convert = t.elapsed().as_secs_f64();
    assert_eq!(converted, rows);

    // Phone normalization alone, over the same cells.
    let source = import::read_file(&csv).expect("read");
    let mut records = source.records().expect("records");
    let mut rec = Default::default();
    let mut cells = Vec::new();
    while records.next_into(&mut rec).expect("record") {
        cells.push(rec.get(4).to_string());
        if !rec.get(5).is_empty() {
            cells.push(rec.get(5).to_string());
        }
    }
    let us = import::phone::parse_region("US").expect("US");
    let mut normalizer = import::phone::PhoneNormalizer::new();
    let t = Instant::now();
    let valid = cells
        .iter()
        .filter(|c| normalizer.normalize(c, us).e164.is_some())
        .count();
    let phones = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let crate_valid = cells
        .iter()
        .take(20_000)
        .filter(|c| {
            phonenumber::parse(Some(us), c.as_str())
                .map(|n| phonenumber::is_valid(&n))
                .unwrap_or(false)
        })
        .count();
    let crate_per = t.elapsed().as_secs_f64() / 20_000f64.min(cells.len() as f64);
    let _ = crate_valid;

    println!("--- 100,000 rows (release build, file database, one transaction) ---");
    println!(
        "end to end import:        {full:.2} s wall, {full_cpu:.2} s CPU  (median of {} new processes: {} s; {:.0} rows/s; imported {}, rejected {}, {} themes)",
        app_runs.len(),
        runs_text(&app_runs),
        rows as f64 / full,
        report.imported,
        report.rejected_count,
        report.themes.len()
    );
    println!(
        "  checkpoint in the commit (a one-shot CLI import): {cli:.2} s wall, {cli_cpu:.2} s CPU  (median of {}: {} s)",
        cli_runs.len(),
        runs_text(&cli_runs)
    );
    println!(
        "  phone metadata already loaded (as in the app after the preview): {warm:.2} s wall, {warm_cpu:.2} s CPU"
    );
    println!("bare parse + insert:      {bare:.2} s wall, {bare_cpu:.2} s CPU");
    println!("parse + convert, no db:   {convert:.2} s");
    println!(
        "ratio end to end / bare:  {:.2} (wall), {:.2} (CPU)",
        full / bare,
        full_cpu / bare_cpu
    );
    println!(
        "re-import (all updates):  {reimport:.2} s  (updated {}, imported {})",
        again.updated, again.imported
    );
    println!(
        "phone normalization:      {phones:.2} s for {} cells ({:.1} us each, {valid} valid); the crate's own is_valid: {:.1} us each",
        cells.len(),
        phones * 1e6 / cells.len() as f64,
        crate_per * 1e6
    );
    println!(
        "target end to end < 2 s: {} (wall {full:.2} s, CPU {full_cpu:.2} s; load average now {})",
        if full < 2.0 { "met" } else { "NOT met" },
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or("?")
    );
}

/// The sizes of the scaling table (`BENCH_SIZES=100000,300000`).
fn sizes() -> Vec<usize> {
    std::env::var("BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 300_000, 1_000_000])
}

/// Make the files and databases of one size: the fresh file, the database
/// a mixed file updates (its import not timed) and the mixed file.
fn prepare(
    dir: &Path,
    rows: usize,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let fresh = dir.join(format!("fresh-{rows}.csv"));
    generate(&fresh, rows, 0);
    let saved_csv = dir.join(format!("saved-{rows}.csv"));
    generate(&saved_csv, (rows / 10).max(1), SAVED_FIRST);
    let saved_db = dir.join(format!("saved-{rows}.db"));
    remove_db(&saved_db);
    let _ = run_child(&saved_db, &saved_csv, "background");
    let _ = std::fs::remove_file(&saved_csv);
    let mixed = dir.join(format!("mixed-{rows}.csv"));
    generate_mixed(&mixed, rows, 0);
    (fresh, saved_db, mixed)
}

/// Import time against rows: a fresh import, a file with duplicates and
/// updates into a database, and that file again (nothing left to change),
/// each in a new process (its peak memory its own).
fn scaling(dir: &Path) {
    println!(
        "--- scaling: each import in a new process, CPU of both threads; dups + updates = 80 % new, 10 % repeated in the file, 10 % updates of rows/10 saved ---"
    );
    println!(
        "{:>9}  {:<22} {:>7} {:>7} {:>9} {:>9} {:>8} {:>9} {:>8} {:>8} {:>7}",
        "rows",
        "case",
        "wall s",
        "CPU s",
        "rows/s",
        "rows/CPUs",
        "us/row",
        "imported",
        "updated",
        "rejected",
        "peak MB"
    );
    let mut per_row: Vec<(usize, &str, f64)> = Vec::new();
    for rows in sizes() {
        let (fresh, saved_db, mixed) = prepare(dir, rows);
        let db = dir.join(format!("fresh-{rows}.db"));
        let r = run_child(&db, &fresh, "background");
        remove_db(&db);
        let _ = std::fs::remove_file(&fresh);
        print_row(rows, "fresh", &r);
        per_row.push((rows, "fresh", r.cpu / rows as f64));
        let r = run_child(&saved_db, &mixed, "background");
        print_row(rows, "dups + updates", &r);
        per_row.push((rows, "dups + updates", r.cpu / rows as f64));
        let r = run_child(&saved_db, &mixed, "background");
        print_row(rows, "re-import, no change", &r);
        per_row.push((rows, "re-import, no change", r.cpu / rows as f64));
        remove_db(&saved_db);
        let _ = std::fs::remove_file(&mixed);
    }
    // Linear: the CPU time per row does not grow with the rows.
    let smallest = per_row.iter().map(|p| p.0).min().unwrap_or(0);
    let largest = per_row.iter().map(|p| p.0).max().unwrap_or(0);
    if largest > smallest {
        for case in ["fresh", "dups + updates", "re-import, no change"] {
            let at = |n: usize| {
                per_row
                    .iter()
                    .find(|p| p.0 == n && p.1 == case)
                    .map(|p| p.2)
                    .unwrap_or(f64::NAN)
            };
            println!(
                "CPU per row, {largest} rows against {smallest} rows, {case}: x{:.2}",
                at(largest) / at(smallest)
            );
        }
    }
    println!(
        "targets at 1,000,000 rows: < 10 s, < 300 MB peak RSS (load average now {})",
        load_average()
    );
}

fn print_row(rows: usize, case: &str, r: &ChildRun) {
    println!(
        "{:>9}  {:<22} {:>7.2} {:>7.2} {:>9.0} {:>9.0} {:>8.2} {:>9} {:>8} {:>8} {:>7.0}",
        thousands(rows),
        case,
        r.wall,
        r.cpu,
        rows as f64 / r.wall,
        rows as f64 / r.cpu,
        r.cpu * 1e6 / rows as f64,
        r.imported,
        r.updated,
        r.rejected,
        r.vmhwm_kib / 1024.0
    );
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_string()
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// For `perf`: make the files of one case (`BENCH_ONLY_IMPORT=fresh`,
/// `mixed` or `reimport`, of `BENCH_ROWS` rows), then import once in this
/// process and print the time; nothing else.
fn only_import(dir: &Path, case: &str) {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (fresh, saved_db, mixed) = prepare(dir, rows);
    let (db, csv) = match case {
        "mixed" => (saved_db, mixed),
        "reimport" => {
            let _ = run_child(&saved_db, &mixed, "background");
            (saved_db, mixed)
        }
        _ => {
            let db = dir.join("only.db");
            remove_db(&db);
            (db, fresh)
        }
    };
    // For `perf record -p`: the files are made, the import starts.
    eprintln!("import starts (pid {})", std::process::id());
    let (report, wall, cpu, steps) = staged_import(&db, &csv, Checkpoints::Background);
    println!(
        "{case} import of {rows} rows: {wall:.2} s wall, {cpu:.2} s CPU (imported {}, updated {}, rejected {}; peak RSS {} MB)",
        report.imported,
        report.updated,
        report.rejected_count,
        vm_hwm_kib().unwrap_or(0) / 1024
    );
    let steps: Vec<String> = steps
        .iter()
        .map(|(name, s)| format!("{name} {s:.2} s"))
        .collect();
    println!("  its steps (wall): {}", steps.join(", "));
    if case == "floor" {
        floor(dir, &db);
    }
}

/// SQLite's floor for an import's data: the prospects and numbers of
/// `imported` copied by `INSERT ... SELECT` into a new database of the same
/// schema (opened as the app opens it), in one transaction, as the import
/// writes them: foreign keys off, its page cache, the random-key indexes
/// dropped first and built again at the end with a 4 MB cache and a second
/// sorting thread, then the commit (`synchronous=FULL`). What no import of
/// these rows into this schema can beat on this machine.
fn floor(dir: &Path, imported: &Path) {
    let db = dir.join("floor.db");
    remove_db(&db);
    let (store, _background) = open(&db, Checkpoints::Background);
    let conn = store.conn();
    let sqls: Vec<String> = DEFERRED_INDEXES
        .iter()
        .map(|name| {
            conn.query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .expect("a deferred index")
        })
        .collect();
    conn.execute_batch(
        "PRAGMA cache_size = -98304; PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE;",
    )
    .expect("settings");
    conn.execute("ATTACH ?1 AS src", [imported.to_string_lossy()])
        .expect("attach");
    let t = Instant::now();
    let c = cpu_seconds();
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    for name in DEFERRED_INDEXES {
        conn.execute_batch(&format!("DROP INDEX main.{name}"))
            .expect("drop");
    }
    conn.execute_batch(
        "INSERT INTO main.imports SELECT * FROM src.imports;
         INSERT INTO main.themes SELECT * FROM src.themes;
         INSERT INTO main.prospects SELECT * FROM src.prospects ORDER BY rowid;
         INSERT INTO main.prospect_phones SELECT * FROM src.prospect_phones;",
    )
    .expect("copy the rows");
    let rows = t.elapsed().as_secs_f64();
    conn.execute_batch("PRAGMA cache_size = -4096; PRAGMA threads = 2;")
        .expect("build settings");
    for sql in &sqls {
        conn.execute_batch(sql).expect("build an index");
    }
    let indexes = t.elapsed().as_secs_f64() - rows;
    conn.execute_batch("COMMIT").expect("commit");
    let wall = t.elapsed().as_secs_f64();
    let prospects: i64 = conn
        .query_row("SELECT count(*) FROM main.prospects", [], |r| r.get(0))
        .expect("count");
    println!(
        "SQLite's floor for these rows ({prospects} prospects copied by SQL alone): {wall:.2} s wall, {:.2} s CPU",
        cpu_seconds() - c
    );
    println!(
        "  its steps (wall): rows {rows:.2} s, the {} indexes {indexes:.2} s, commit {:.2} s",
        DEFERRED_INDEXES.len(),
        wall - rows - indexes
    );
}

/// What an import in a child process reported.
struct ChildRun {
    wall: f64,
    cpu: f64,
    imported: String,
    updated: String,
    rejected: String,
    vmhwm_kib: f64,
}

/// Import `csv` into `db` in a new process (`mode`: "background" or
/// "at-commit" checkpoints).
fn run_child(db: &Path, csv: &Path, mode: &str) -> ChildRun {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe)
        .env(
            CHILD_ENV,
            format!("{}|{}|{mode}", db.display(), csv.display()),
        )
        .output()
        .expect("run the child");
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("child:")).unwrap_or("");
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .unwrap_or("?")
            .to_string()
    };
    ChildRun {
        wall: field("seconds=").parse().unwrap_or(f64::NAN),
        cpu: field("cpu=").parse().unwrap_or(f64::NAN),
        imported: field("imported="),
        updated: field("updated="),
        rejected: field("rejected="),
        vmhwm_kib: field("vmhwm_kib=").parse().unwrap_or(f64::NAN),
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

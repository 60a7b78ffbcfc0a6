//! Long lists a page at a time: the Lists table on a theme of 1,000,000
//! prospects (every way the window asks for a page: first, next, previous,
//! last, a jump to row 50,000 or 500,000, random jumps, the filters changed
//! while keeping the first row; by theme, by status, with a search of each
//! kind), and the block's next card when the theme's first 100,000 prospects
//! are outside their calling hours.
//!
//! Run: `cargo bench -p callblock-core --bench paging` (release build). The
//! generated database is kept in the target directory and reused while its
//! generator and schema versions match (`PAGING_BENCH_REGENERATE=1` makes a
//! new one). Times are the first, best, median and worst of five runs;
//! target: 30 ms on the median for every page. Figures are printed, nothing
//! is asserted. One-time costs (writing a list's page index after a change,
//! building the search index after an import) are printed apart.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use callblock_core::domain::{ProspectStatus, Settings};
use callblock_core::lists::{prospects, ProspectPage, ProspectQuery, ProspectSeek};
use callblock_core::queue;
use callblock_core::store::{Store, LATEST};
use chrono::{TimeZone, Utc};
use rusqlite::{params, Connection};

/// Bump when the generator changes, so a cached file is not reused.
const GENERATOR_VERSION: i64 = 3;
const BIG: u32 = 1_000_000;
const SMALL_THEMES: u32 = 3;
const SMALL: u32 = 20_000;
/// The theme's first prospects (oldest) are in Tokyo: outside US hours.
const TOKYO_FIRST: u32 = 100_000;
const TARGET: Duration = Duration::from_millis(30);

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Skewed towards 0: a few values very common, most rare.
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as u64
    }
}

const SYLLABLES: &[&str] = &[
    "an", "ber", "son", "mar", "tin", "lee", "wal", "ker", "har", "ris", "dav", "ids", "gar",
    "cia", "ro", "dri", "guez", "wil", "li", "ams", "mo", "ore", "tay", "lor", "tho", "mas", "hen",
    "der",
];
const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Ana",
    "Luis",
    "Mei",
    "Wei",
    "Olga",
    "Émile",
    "Zoë",
    "Ahmed",
    "Fatima",
    "Kenji",
];
const COMPANY_A: &[&str] = &[
    "North", "Blue", "Iron", "Summit", "Harbor", "Cedar", "Pioneer", "Granite", "Prairie",
    "Coastal",
];
const COMPANY_B: &[&str] = &["Freight", "Health", "Systems", "Foods", "Works", "Partners"];
const TITLES: &[&str] = &[
    "Director of Operations",
    "VP Logistics",
    "Fleet Manager",
    "Controller",
    "Head of Procurement",
    "COO",
];
const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
];

fn last_name(rng: &mut Rng) -> String {
    // About 4,000 names; the commonest hold about 1% of the list each.
    let n = rng.skewed(4_000);
    let a = SYLLABLES[(n % 28) as usize];
    let b = SYLLABLES[((n / 28) % 28) as usize];
    let c = if n >= 784 {
        SYLLABLES[((n / 784) % 28) as usize]
    } else {
        ""
    };
    let mut s = format!("{a}{b}{c}");
    if let Some(f) = s.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    s
}

fn status(rng: &mut Rng) -> &'static str {
    match rng.below(100) {
        0..=59 => "new",
        60..=74 => "attempting",
        75..=76 => "callback",
        77..=79 => "meeting",
        80..=89 => "not_interested",
        90..=96 => "exhausted",
        97 => "do_not_call",
        _ => "bad_number",
    }
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

fn main() {
    let dir = target_dir();
    std::fs::create_dir_all(&dir).expect("target dir");
    let path = dir.join(format!("paging-bench-g{GENERATOR_VERSION}-s{LATEST}.db"));
    let regenerate = std::env::var("PAGING_BENCH_REGENERATE").is_ok_and(|v| v == "1");
    if regenerate || !is_complete(&path) {
        generate(&path);
    } else {
        println!("Using the cached database {}", path.display());
    }
    run(&path);
}

fn is_complete(path: &Path) -> bool {
    let Ok(c) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return false;
    };
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(0);
    let g: i64 = c
        .query_row("SELECT generator FROM bench_meta", [], |r| r.get(0))
        .unwrap_or(0);
    v == LATEST && g == GENERATOR_VERSION
}

fn generate(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let started = Instant::now();
    println!(
        "Generating {BIG} prospects on one theme and {SMALL_THEMES} themes of {SMALL} in {} ...",
        path.display()
    );
    let store = Store::open(path).expect("open");
    let c = store.conn();
    c.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; BEGIN;")
        .unwrap();
    c.execute_batch(
        "INSERT INTO reps (id, name, created_at) VALUES ('rep', 'Bench', '2025-01-01T00:00:00Z');
         INSERT INTO themes (id, name, kind, created_at) VALUES ('big', 'Big list', 'custom', '2025-01-01T00:00:00Z');",
    )
    .unwrap();
    for t in 0..SMALL_THEMES {
        c.execute(
            "INSERT INTO themes (id, name, kind, created_at) VALUES (?1, ?2, 'custom', '2025-01-01T00:00:00Z')",
            params![format!("small{t}"), format!("Small list {t}")],
        )
        .unwrap();
    }
    let mut ins = c
        .prepare(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city,
                region, country, time_zone, status, attempts, next_attempt_at, callback_at,
                do_not_call, bad_number, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'Springfield', 'IL', 'US', ?8, ?9, ?10, ?11, ?12,
                ?13, ?14, ?15, ?15)",
        )
        .unwrap();
    let mut phone = c
        .prepare(
            "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .unwrap();
    let mut rng = Rng(0x5EED_1234);
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut n_total = 0u32;
    let themes: Vec<(String, u32)> = std::iter::once(("big".to_string(), BIG))
        .chain((0..SMALL_THEMES).map(|t| (format!("small{t}"), SMALL)))
        .collect();
    for (theme, n) in themes {
        for i in 0..n {
            n_total += 1;
            let id = format!("{:08x}-0000-7000-8000-{:012x}", n_total, rng.below(1 << 48));
            let first = FIRST[rng.skewed(FIRST.len() as u64) as usize];
            let last = last_name(&mut rng);
            let st = status(&mut rng);
            let zone = if theme == "big" && i < TOKYO_FIRST {
                "Asia/Tokyo"
            } else {
                ZONES[rng.below(ZONES.len() as u64) as usize]
            };
            let created = base + chrono::Duration::seconds(i64::from(n_total));
            let company = format!(
                "{} {}",
                COMPANY_A[rng.below(COMPANY_A.len() as u64) as usize],
                COMPANY_B[rng.below(COMPANY_B.len() as u64) as usize]
            );
            ins.execute(params![
                id,
                theme,
                first,
                last,
                TITLES[rng.below(TITLES.len() as u64) as usize],
                company,
                format!(
                    "{}.{}{}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    n_total
                ),
                zone,
                st,
                i64::from(st == "attempting") + i64::from(st == "exhausted") * 6,
                (st == "attempting").then_some("2025-06-01T15:00:00Z"),
                (st == "callback").then_some("2026-06-01T15:00:00Z"),
                i64::from(st == "do_not_call"),
                i64::from(st == "bad_number"),
                callblock_core::time::to_db(created),
            ])
            .unwrap();
            for pos in 0..(1 + u32::from(rng.below(10) < 3)) {
                let digits = rng.below(10_000_000);
                phone
                    .execute(params![
                        id,
                        pos,
                        if pos == 0 { "direct" } else { "mobile" },
                        format!("+1312{digits:07}"),
                        format!("(312) {:03}-{:04}", digits / 10_000, digits % 10_000),
                    ])
                    .unwrap();
            }
            if n_total.is_multiple_of(200_000) {
                println!(
                    "  {n_total} prospects ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    drop((ins, phone));
    c.execute_batch(&format!(
        "COMMIT;
         CREATE TABLE bench_meta (generator INTEGER NOT NULL); INSERT INTO bench_meta VALUES ({GENERATOR_VERSION});
         ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    drop(store);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "Generated in {:.1} s; {:.0} MB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
}

struct Timer {
    rows: Vec<(String, Duration)>,
}

fn ms(d: Duration) -> String {
    format!("{:8.1}", d.as_secs_f64() * 1000.0)
}

impl Timer {
    /// Run `f` five times (fewer when a run takes seconds); print the first,
    /// best, median and worst times against the target.
    fn time<T>(&mut self, label: &str, mut f: impl FnMut() -> T) -> T {
        let mut times = Vec::new();
        let mut out = None;
        let started = Instant::now();
        for _ in 0..5 {
            let t = Instant::now();
            out = Some(f());
            times.push(t.elapsed());
            if started.elapsed() > Duration::from_secs(10) {
                break;
            }
        }
        let first = times[0];
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{label:<62} {} {} {} {}  {}",
            ms(first),
            ms(times[0]),
            ms(median),
            ms(times[times.len() - 1]),
            if median <= TARGET { "ok" } else { "SLOW" }
        );
        self.rows.push((label.to_string(), median));
        out.expect("ran")
    }

    /// A cost paid once (not repeated: the second run would not pay it).
    fn once<T>(&mut self, label: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        println!("{label:<62} {}  (once)", ms(t.elapsed()));
        out
    }
}

fn q(
    theme: &str,
    status: Option<ProspectStatus>,
    search: Option<&str>,
    seek: ProspectSeek,
) -> ProspectQuery {
    ProspectQuery {
        theme_id: Some(theme.into()),
        search: search.map(str::to_string),
        status,
        ready: false,
        seek,
        limit: 100,
    }
}

fn run(path: &Path) {
    let store = Store::open(path).expect("open");
    let c = store.conn();
    let (n, big): (i64, i64) = c
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE theme_id = 'big') FROM prospects",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    println!();
    println!("Database: {n} prospects, {big} of them on the theme \"Big list\"");
    println!();
    println!(
        "{:<62} {:>8} {:>8} {:>8} {:>8}  (ms; target 30 ms on the median)",
        "page (100 rows)", "first", "best", "median", "worst"
    );
    let mut tm = Timer { rows: vec![] };
    let page = |query: &ProspectQuery| -> ProspectPage { prospects(c, query).unwrap() };

    // One-time costs first, on a database as an import left it.
    println!("-- once after an import (paid by the first jump or search, then kept)");
    c.execute_batch(
        "DELETE FROM prospects WHERE id = 'added';
         DELETE FROM prospect_list_counts; UPDATE prospect_list_state SET counted_to = 0;
         DELETE FROM prospect_list_posts; DELETE FROM prospect_list_post_state;
         INSERT INTO prospects_search (prospects_search) VALUES ('delete-all');
         UPDATE prospects_search_state SET indexed_to = 0;
         DELETE FROM prospects_search_dirty;",
    )
    .unwrap();
    tm.once(
        "first jump: 1.06 M new rows counted, the page index written",
        || page(&q("big", None, None, ProspectSeek::Row(500_000))),
    );
    tm.once(
        "first jump with status new: its page index is written",
        || {
            page(&q(
                "big",
                Some(ProspectStatus::New),
                None,
                ProspectSeek::Row(300_000),
            ))
        },
    );
    tm.once(
        "first search: the search index is built (1.06 M prospects)",
        || page(&q("big", None, Some("harbor freight"), ProspectSeek::First)),
    );
    // A prospect added: the next jump writes the theme's page index again.
    c.execute(
        "INSERT INTO prospects (id, theme_id, first_name, last_name, created_at, updated_at)
         VALUES ('added', 'big', 'Ann', 'Added', 'n', 'n')",
        [],
    )
    .unwrap();
    tm.once(
        "first jump after a prospect was added (page index rewritten)",
        || page(&q("big", None, None, ProspectSeek::Row(500_000))),
    );
    tm.once("first search after it (one prospect indexed)", || {
        page(&q("big", None, Some("harbor freight"), ProspectSeek::First))
    });

    for (name, status) in [
        ("theme", None),
        ("theme, status new", Some(ProspectStatus::New)),
        ("theme, status meeting", Some(ProspectStatus::Meeting)),
    ] {
        println!("-- {name}");
        let first = tm.time(&format!("{name}: first page"), || {
            page(&q("big", status, None, ProspectSeek::First))
        });
        let total = first.total;
        let next = tm.time(&format!("{name}: next page"), || {
            page(&q(
                "big",
                status,
                None,
                ProspectSeek::After(first.last.clone().unwrap()),
            ))
        });
        if next.offset != Some(100) {
            println!("    (next page: row number {:?})", next.offset);
        }
        for row in [50_000u32, 500_000] {
            if row < total {
                tm.time(&format!("{name}: page at row {row}"), || {
                    page(&q("big", status, None, ProspectSeek::Row(row)))
                });
            }
        }
        let last = tm.time(&format!("{name}: last page (row {})", total - 100), || {
            page(&q("big", status, None, ProspectSeek::Last))
        });
        tm.time(&format!("{name}: previous page from the last"), || {
            page(&q(
                "big",
                status,
                None,
                ProspectSeek::Before(last.first.clone().unwrap()),
            ))
        });
        let mut rng = Rng(42);
        let jumps: Vec<u32> = (0..5).map(|_| rng.below(u64::from(total)) as u32).collect();
        let mut i = 0;
        tm.time(&format!("{name}: jump to a random row (5 rows)"), || {
            i = (i + 1) % jumps.len();
            page(&q("big", status, None, ProspectSeek::Row(jumps[i])))
        });
    }

    println!("-- Ready now (callable now): read whole once a minute, then from memory");
    let ready = |seek: ProspectSeek| ProspectQuery {
        ready: true,
        ..q("big", None, None, seek)
    };
    let first = tm.time("ready now: first page", || {
        page(&ready(ProspectSeek::First))
    });
    println!("    {} callable now", first.total);
    if first.total > 100 {
        tm.time("ready now: page at the middle", || {
            page(&ready(ProspectSeek::Row(first.total / 2)))
        });
    }

    println!("-- the filters changed: the page starts at the first row shown");
    let mid = page(&q("big", None, None, ProspectSeek::Row(600_000)));
    let top = mid.rows[0].clone();
    let key = mid.first.clone().unwrap();
    tm.time(
        &format!("theme at row 600,000 -> status {}", top.status.as_str()),
        || {
            page(&q(
                "big",
                Some(top.status),
                None,
                ProspectSeek::From(key.clone()),
            ))
        },
    );
    let company = top.company.clone();
    tm.time(
        &format!("theme at row 600,000 -> search \"{company}\""),
        || {
            page(&q(
                "big",
                None,
                Some(&company),
                ProspectSeek::From(key.clone()),
            ))
        },
    );

    println!("-- search");
    let one: (String, String) = c
        .query_row(
            "SELECT p.email, ph.e164 FROM prospects p JOIN prospect_phones ph ON ph.prospect_id = p.id
             WHERE p.theme_id = 'big' ORDER BY p.rowid LIMIT 1 OFFSET 777777",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let common_last: String = c
        .query_row(
            "SELECT last_name FROM prospects WHERE theme_id = 'big' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mid_last: String = c
        .query_row(
            "SELECT last_name FROM prospects WHERE theme_id = 'big' GROUP BY 1 HAVING count(*) BETWEEN 1500 AND 4000 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| common_last.clone());
    let digits = one.1[5..].to_string();
    let searches: Vec<(String, Option<ProspectStatus>)> = vec![
        (one.0.clone(), None),
        (digits.clone(), None),
        ("zeppelin".into(), None),
        (mid_last.clone(), None),
        (common_last.clone(), None),
        (common_last.clone(), Some(ProspectStatus::New)),
        ("harbor freight".into(), None),
        ("freight".into(), None),
        ("freight".into(), Some(ProspectStatus::Meeting)),
        ("an".into(), None),
        ("x".into(), None),
    ];
    for (text, status) in &searches {
        let label = match status {
            Some(s) => format!("\"{text}\", status {}", s.as_str()),
            None => format!("\"{text}\""),
        };
        let first = tm.time(&format!("search {label}: first page"), || {
            page(&q("big", *status, Some(text), ProspectSeek::First))
        });
        println!(
            "    {} {} matches",
            if first.exact { "exactly" } else { "about" },
            first.total
        );
        if let Some(k) = first.last.clone().filter(|_| first.has_after) {
            tm.time(&format!("search {label}: next page"), || {
                page(&q(
                    "big",
                    *status,
                    Some(text),
                    ProspectSeek::After(k.clone()),
                ))
            });
        }
        if first.total > 5_100 {
            tm.time(&format!("search {label}: page at row 5,000"), || {
                page(&q("big", *status, Some(text), ProspectSeek::Row(5_000)))
            });
        }
        if first.total > 50_100 {
            tm.time(&format!("search {label}: page at row 50,000"), || {
                page(&q("big", *status, Some(text), ProspectSeek::Row(50_000)))
            });
        }
        if first.has_after {
            tm.time(&format!("search {label}: last page"), || {
                page(&q("big", *status, Some(text), ProspectSeek::Last))
            });
        }
    }

    println!("-- for comparison: the OFFSET query the table used before (count + page)");
    for row in [0u32, 50_000, 500_000] {
        tm.time(&format!("OFFSET query, theme, page at row {row}"), || {
            old_offset_page(c, "big", None, row)
        });
    }
    tm.time(
        "OFFSET query, search \"zeppelin\" (counts every row)",
        || old_offset_page(c, "big", Some("zeppelin"), 0),
    );

    println!("-- the block's next card");
    let settings = Settings::default();
    // Monday 15:00 UTC: 9:00 in Chicago, midnight in Tokyo.
    let now = Utc.with_ymd_and_hms(2025, 6, 2, 15, 0, 0).unwrap();
    c.execute_batch(
        "INSERT OR IGNORE INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at)
         VALUES ('bench-block', 'rep', 3120, 1020, '2025-06-02T15:00:00Z');",
    )
    .unwrap();
    tm.time(
        &format!("next card: the theme's first {TOKYO_FIRST} are outside their hours"),
        || {
            queue::next(c, "bench-block", &["big".to_string()], &settings, now)
                .unwrap()
                .expect("someone to call")
        },
    );
    tm.time("next card: a small theme", || {
        queue::next(c, "bench-block", &["small0".to_string()], &settings, now)
            .unwrap()
            .expect("someone to call")
    });

    let slow: Vec<&str> = tm
        .rows
        .iter()
        .filter(|r| r.1 > TARGET && !r.0.starts_with("OFFSET"))
        .map(|r| r.0.as_str())
        .collect();
    println!();
    println!(
        "{} timed; {} over 30 ms on the median (the OFFSET comparison rows aside){}",
        tm.rows.len(),
        slow.len(),
        if slow.is_empty() {
            String::new()
        } else {
            format!(": {}", slow.join("; "))
        }
    );
}

/// The page as `lists::prospects` read it before schema 9: a count, then
/// the rows by LIMIT and OFFSET.
fn old_offset_page(c: &Connection, theme: &str, search: Option<&str>, offset: u32) -> usize {
    let search = search.map(|s| format!("%{s}%"));
    let filter = "(p.theme_id = ?1 OR (?1 IS NULL AND p.theme_id IS NULL))
        AND (?2 IS NULL OR p.status = ?2)
        AND (?3 IS NULL
             OR (p.first_name || ' ' || p.last_name) LIKE ?3 ESCAPE '\\'
             OR p.company LIKE ?3 ESCAPE '\\' OR p.title LIKE ?3 ESCAPE '\\'
             OR ifnull(p.email, '') LIKE ?3 ESCAPE '\\'
             OR EXISTS (SELECT 1 FROM prospect_phones ph WHERE ph.prospect_id = p.id
                        AND (ifnull(ph.e164, '') LIKE ?3 ESCAPE '\\' OR ph.raw LIKE ?3 ESCAPE '\\')))";
    let status: Option<String> = None;
    let _total: u32 = c
        .query_row(
            &format!("SELECT count(*) FROM prospects p WHERE {filter}"),
            params![theme, status, search],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT p.id, trim(p.first_name || ' ' || p.last_name), p.title, p.company,
                ifnull((SELECT ifnull(ph.e164, ph.raw) || ifnull(' x' || ph.extension, '')
                        FROM prospect_phones ph WHERE ph.prospect_id = p.id AND ph.bad = 0
                        ORDER BY ph.position LIMIT 1), '')
             FROM prospects p WHERE {filter}
             ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id
             LIMIT 100 OFFSET ?4"
        ))
        .unwrap();
    stmt.query_map(params![theme, status, search, offset], |r| {
        r.get::<_, String>(0)
    })
    .unwrap()
    .count()
}

//! Review on a big team database: one year of calls by 50 reps (over a
//! million calls, with objections, notes and gap notes). Times every
//! dashboard query, call-log pages at any depth with every kind of filter,
//! and "opening Review" (open the file, show the first dashboard).
//!
//! Run: `cargo bench -p callblock-core --bench review` (release build). The
//! generated database is kept in the target directory and reused while its
//! generator and schema versions match. `REVIEW_BENCH_REGENERATE=1` forces a
//! new one; `REVIEW_BENCH_REPS` changes the number of reps (default 50).
//! `REVIEW_BENCH_GENERATE_ONLY=1` makes (or finds) the database and stops:
//! the app's benchmark (`tests/bench/app.rs`, part `review`) opens it in the
//! real window.
//!
//! Targets: every dashboard query < 100 ms; every call-log page < 30 ms,
//! at any depth (jumps to a row, the last page, the way back by cursor);
//! opening Review < 1 s.

use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use callblock_core::domain::{Outcome, Settings};
use callblock_core::reports::calllog::{call_detail, call_log, CallLogQuery};
use callblock_core::reports::{
    self, blocks::blocks, by_objections, length::length, playbook::playbook, timing::timing,
    DurationBand, GroupBy, ReportFilter,
};
use callblock_core::store::{Store, LATEST};
use callblock_core::time;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};

/// A call-log page, at any depth.
const PAGE_TARGET: StdDuration = StdDuration::from_millis(30);
/// Bump when the generator changes, so a cached file is not reused.
const GENERATOR_VERSION: i64 = 5;
const CALLS_PER_BLOCK: (u32, u32) = (38, 45);
const PROSPECTS_PER_REP: u32 = 6_000;
const YEAR: i32 = 2025;

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Toronto",
];
const THEMES: &[&str] = &[
    "Logistics",
    "Texas",
    "Manufacturers 200-500",
    "Finance leaders",
    "Healthcare",
    "Retail chains",
    "Construction",
    "Midwest",
    "SaaS 50-200",
    "HR leaders",
    "Energy",
    "Hospitality",
];
const WORDS: &[&str] = &[
    "vendor",
    "contract",
    "renewal",
    "spreadsheet",
    "quarter",
    "team",
    "headcount",
    "manual",
    "reporting",
    "invoice",
    "shipping",
    "warehouse",
    "schedule",
    "compliance",
    "audit",
    "board",
    "approval",
    "pilot",
    "integration",
    "migration",
    "timeline",
    "priority",
    "expansion",
    "turnover",
    "overtime",
    "forecast",
    "inventory",
    "margin",
    "dispatch",
    "payroll",
    "onboarding",
    "security",
    "review",
    "legacy",
    "upgrade",
    "support",
    "tickets",
    "backlog",
    "hiring",
    "training",
    "travel",
    "conference",
    "holiday",
    "season",
    "peak",
    "slow",
    "busy",
    "growth",
];
const COMPETITORS: &[&str] = &["Acmesoft", "Globex", "Initech", "Umbrella", "Vandelay"];

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

fn main() {
    let reps: u32 = std::env::var("REVIEW_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let dir = target_dir();
    std::fs::create_dir_all(&dir).expect("target dir");
    let path = dir.join(format!(
        "review-bench-g{GENERATOR_VERSION}-s{LATEST}-r{reps}.db"
    ));
    let regenerate = std::env::var("REVIEW_BENCH_REGENERATE").is_ok_and(|v| v == "1");
    if regenerate || !is_complete(&path) {
        generate(&path, reps);
    } else {
        println!("Using the cached database {}", path.display());
    }
    if std::env::var("REVIEW_BENCH_GENERATE_ONLY").is_ok_and(|v| v == "1") {
        println!("REVIEW_BENCH_DB={}", path.display());
        return;
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

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn id(rng: &mut StdRng, at: DateTime<Utc>) -> String {
    // A v7 UUID made from the given instant, so ids sort like time.
    let ms = at.timestamp_millis().max(0) as u64;
    let r: u128 = rng.random();
    let v = (u128::from(ms) << 80) | (0x7u128 << 76) | (r & ((1u128 << 76) - 1));
    let v = (v & !(0xC0u128 << 56)) | (0x80u128 << 56);
    uuid::Uuid::from_u128(v).to_string()
}

fn generate(path: &Path, n_reps: u32) {
    remove_db(path);
    let started = Instant::now();
    println!(
        "Generating one year of calls for {n_reps} reps in {} ...",
        path.display()
    );
    let store = Store::open(path).expect("open");
    let c = store.conn();
    c.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")
        .expect("pragmas");
    let mut rng = StdRng::seed_from_u64(20250101);
    let created = Utc.with_ymd_and_hms(YEAR - 1, 12, 1, 0, 0, 0).unwrap();
    let created_s = time::to_db(created);

    c.execute_batch("BEGIN").unwrap();
    // Themes, objections (the default library is seeded), talk tracks.
    let mut themes = Vec::new();
    for (i, name) in THEMES.iter().enumerate() {
        let tid = id(&mut rng, created);
        c.execute(
            "INSERT INTO themes (id, name, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                tid,
                name,
                ["vertical", "geography", "size", "role"][i % 4],
                created_s
            ],
        )
        .unwrap();
        themes.push(tid);
    }
    let objections: Vec<(String, String)> = {
        let mut s = c
            .prepare("SELECT o.id, r.id FROM objections o JOIN objection_responses r ON r.objection_id = o.id ORDER BY o.position")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    // A second version of two responses, used from mid-year.
    let mut responses_v2 = Vec::new();
    for (oid, _) in objections.iter().take(2) {
        let rid = id(&mut rng, created);
        c.execute(
            "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
             VALUES (?1, ?2, NULL, 2, 'A sharper response, version 2.', ?3)",
            params![rid, oid, created_s],
        )
        .unwrap();
        responses_v2.push(rid);
    }
    let default_track: String = c
        .query_row("SELECT id FROM talk_track_versions LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut tracks: Vec<Vec<String>> = Vec::new(); // per theme: versions
    for (i, t) in themes.iter().enumerate() {
        if i % 3 != 0 {
            tracks.push(vec![default_track.clone()]);
            continue;
        }
        let track = id(&mut rng, created);
        c.execute(
            "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![track, t, THEMES[i], created_s],
        )
        .unwrap();
        let mut vs = Vec::new();
        for v in 1..=3 {
            let vid = id(&mut rng, created);
            c.execute(
                "INSERT INTO talk_track_versions (id, talk_track_id, version, opener, engage_statement,
                    impact_question, appointment_request, voicemail_script, agenda_line, change_note, created_at)
                 VALUES (?1, ?2, ?3, 'Hi', 'We help', 'What if', 'Tuesday?', 'Call me', 'Agenda', ?4, ?5)",
                params![vid, track, v, format!("Version {v}"), created_s],
            )
            .unwrap();
            vs.push(vid);
        }
        tracks.push(vs);
    }
    // Reps, their schedule and their prospects.
    struct RepGen {
        id: String,
        tz: Tz,
        themes: [usize; 3],
        prospects: Vec<(String, Tz, usize)>,
        next: usize,
    }
    let mut reps = Vec::new();
    let mut ins_prospect = c
        .prepare(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city,
                region, country, time_zone, industry, employees, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'Director of Operations', ?5, ?6, '', '', 'US', ?7, '', '51-200',
                'new', ?8, ?8)",
        )
        .unwrap();
    for r in 0..n_reps {
        let rid = id(&mut rng, created);
        let tz_name = ZONES[r as usize % 5];
        c.execute(
            "INSERT INTO reps (id, name, email, time_zone, created_at) VALUES (?1, ?2, NULL, ?3, ?4)",
            params![rid, format!("Rep {:02}", r + 1), tz_name, created_s],
        )
        .unwrap();
        for wd in 0..5 {
            for minute in [9 * 60, 10 * 60 + 30] {
                c.execute(
                    "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone, created_at)
                     VALUES (?1, ?2, 'block', ?3, ?4, 52, ?5, ?6)",
                    params![id(&mut rng, created), rid, wd, minute, tz_name, created_s],
                )
                .unwrap();
            }
        }
        let picks = [
            r as usize % THEMES.len(),
            (r as usize * 7 + 3) % THEMES.len(),
            (r as usize * 5 + 8) % THEMES.len(),
        ];
        let mut prospects = Vec::new();
        for i in 0..PROSPECTS_PER_REP {
            let pid = id(&mut rng, created);
            let theme = picks[i as usize % 3];
            let tz_name = if rng.random_bool(0.03) {
                None
            } else {
                Some(ZONES[rng.random_range(0..ZONES.len())])
            };
            let company = format!(
                "{} {}",
                ["North", "Blue", "Iron", "Summit", "Harbor", "Cedar", "Pioneer", "Granite"]
                    [rng.random_range(0..8)],
                ["Freight", "Health", "Systems", "Foods", "Works", "Partners"]
                    [rng.random_range(0..6)]
            );
            ins_prospect
                .execute(params![
                    pid,
                    themes[theme],
                    format!("First{}", i % 500),
                    format!("Last{}", rng.random_range(0..2000)),
                    company,
                    format!("p{i}.r{r}@example.com"),
                    tz_name,
                    created_s
                ])
                .unwrap();
            prospects.push((
                pid,
                tz_name.and_then(time::parse_tz).unwrap_or(chrono_tz::UTC),
                theme,
            ));
        }
        reps.push(RepGen {
            id: rid,
            tz: time::parse_tz(tz_name).unwrap_or(chrono_tz::UTC),
            themes: picks,
            prospects,
            next: 0,
        });
    }
    drop(ins_prospect);
    c.execute_batch("COMMIT").unwrap();

    let mut ins_block = c
        .prepare(
            "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at, ended_at, end_reason)
             VALUES (?1, ?2, 3120, 1020, ?3, ?4, ?5)",
        )
        .unwrap();
    let mut ins_block_theme = c
        .prepare("INSERT INTO block_themes (block_id, theme_id) VALUES (?1, ?2)")
        .unwrap();
    let mut ins_pause = c
        .prepare("INSERT INTO block_pauses (id, block_id, paused_at, resumed_at) VALUES (?1, ?2, ?3, ?4)")
        .unwrap();
    let mut ins_call = c
        .prepare(
            "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, phone_e164, talk_track_version_id,
                started_at, ended_at, duration_ms, outcome, asked_for_meeting, prospect_time_zone,
                local_hour, local_weekday, callback_at, notes, gap_current_state, gap_objectives, gap_impact)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )
        .unwrap();
    let mut ins_obj = c
        .prepare(
            "INSERT INTO call_objections (id, call_id, objection_id, response_id, position, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .unwrap();
    let mut ins_meeting = c
        .prepare(
            "INSERT INTO meetings (id, call_id, prospect_id, rep_id, starts_at, duration_minutes, format, email, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 30, 'web', 'p@example.com', ?6)",
        )
        .unwrap();

    let mut n_calls = 0u64;
    let mut n_blocks = 0u64;
    let mut n_obj = 0u64;
    let mut day = NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(YEAR + 1, 1, 1).unwrap();
    c.execute_batch("BEGIN").unwrap();
    while day < end {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day = day.succ_opt().unwrap();
            continue;
        }
        let mid_year = day.month() >= 7;
        for rep in reps.iter_mut() {
            for (slot, (h, m)) in [(9u32, 0u32), (10, 30)].into_iter().enumerate() {
                if rng.random_bool(0.06) {
                    continue; // a block skipped
                }
                let local = day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap())
                    + Duration::seconds(rng.random_range(0..300));
                let Some(start) = rep.tz.from_local_datetime(&local).earliest() else {
                    continue;
                };
                let start = start.with_timezone(&Utc);
                let theme = rep.themes[(day.ordinal() as usize + slot) % 3];
                let bid = id(&mut rng, start);
                let reason = match rng.random_range(0..100) {
                    0..=84 => "completed",
                    85..=96 => "ended_early",
                    _ => "abandoned",
                };
                let length = if reason == "completed" {
                    3120
                } else {
                    rng.random_range(900..3000)
                };
                let bend = start + Duration::seconds(length);
                ins_block
                    .execute(params![
                        bid,
                        rep.id,
                        time::to_db(start),
                        time::to_db(bend),
                        reason
                    ])
                    .unwrap();
                ins_block_theme
                    .execute(params![bid, themes[theme]])
                    .unwrap();
                if rng.random_bool(0.2) {
                    let p = start + Duration::seconds(rng.random_range(300..2000));
                    ins_pause
                        .execute(params![
                            id(&mut rng, p),
                            bid,
                            time::to_db(p),
                            time::to_db(p + Duration::seconds(rng.random_range(30..300)))
                        ])
                        .unwrap();
                }
                n_blocks += 1;
                let n = rng.random_range(CALLS_PER_BLOCK.0..=CALLS_PER_BLOCK.1);
                let step = length as f64 / f64::from(n);
                for i in 0..n {
                    let t = start
                        + Duration::milliseconds((f64::from(i) * step * 1000.0) as i64)
                        + Duration::milliseconds(rng.random_range(0..5000));
                    // The rep's next prospect of the block's theme.
                    let mut pi = rep.next % rep.prospects.len();
                    for _ in 0..3 {
                        if rep.prospects[pi].2 == theme {
                            break;
                        }
                        pi = (pi + 1) % rep.prospects.len();
                    }
                    rep.next = pi + 1;
                    let (pid, ptz, _) = rep.prospects[pi].clone();
                    let roll: f64 = rng.random();
                    let outcome = if roll < 0.05 {
                        Outcome::BadNumber
                    } else if roll < 0.50 {
                        Outcome::NoAnswer
                    } else if roll < 0.76 {
                        Outcome::Voicemail
                    } else if roll < 0.88 {
                        Outcome::Gatekeeper
                    } else {
                        let x: f64 = rng.random();
                        if x < 0.48 {
                            Outcome::NotInterested
                        } else if x < 0.65 {
                            Outcome::Callback
                        } else if x < 0.85 {
                            Outcome::Meeting
                        } else {
                            Outcome::DoNotCall
                        }
                    };
                    let secs: u32 = match outcome {
                        Outcome::BadNumber => rng.random_range(6..20),
                        Outcome::NoAnswer => rng.random_range(18..35),
                        Outcome::Voicemail => rng.random_range(40..75),
                        Outcome::Gatekeeper => rng.random_range(25..95),
                        Outcome::NotInterested => rng.random_range(15..200),
                        Outcome::Callback => rng.random_range(45..240),
                        Outcome::Meeting => rng.random_range(100..420),
                        Outcome::DoNotCall => rng.random_range(10..45),
                    };
                    let dur = secs * 1000 + rng.random_range(0..1000);
                    let cid = id(&mut rng, t);
                    let lt = t.with_timezone(&ptz);
                    let known = ptz != chrono_tz::UTC;
                    let asked = matches!(outcome, Outcome::Meeting | Outcome::Callback)
                        || (outcome == Outcome::NotInterested && secs > 50);
                    let word = |rng: &mut StdRng| WORDS[rng.random_range(0..WORDS.len())];
                    let notes = match outcome {
                        Outcome::NoAnswer | Outcome::BadNumber => String::new(),
                        Outcome::Voicemail => "Left the theme voicemail.".to_string(),
                        Outcome::Gatekeeper => {
                            format!("Front desk; {} {}", word(&mut rng), word(&mut rng))
                        }
                        Outcome::NotInterested => format!(
                            "Happy with {}; {} {} {}",
                            COMPETITORS[rng.random_range(0..COMPETITORS.len())],
                            word(&mut rng),
                            word(&mut rng),
                            if rng.random_bool(0.1) {
                                "budget frozen"
                            } else {
                                ""
                            }
                        ),
                        Outcome::Callback => format!(
                            "Call back after the {} {}; {}",
                            word(&mut rng),
                            word(&mut rng),
                            if rng.random_bool(0.3) {
                                "pricing question"
                            } else {
                                ""
                            }
                        ),
                        Outcome::Meeting => format!(
                            "Booked: {} {} {} {}",
                            word(&mut rng),
                            word(&mut rng),
                            word(&mut rng),
                            if rng.random_bool(0.01) {
                                "zeppelin"
                            } else {
                                ""
                            }
                        ),
                        Outcome::DoNotCall => "Asked not to be called again.".to_string(),
                    };
                    let (gap_cs, gap_obj, gap_imp) = if outcome == Outcome::Meeting {
                        (
                            format!(
                                "Uses {} for {}",
                                COMPETITORS[rng.random_range(0..5)],
                                word(&mut rng)
                            ),
                            format!("Wants {} before {}", word(&mut rng), word(&mut rng)),
                            format!("{} hours a week saved", rng.random_range(2..20)),
                        )
                    } else {
                        (String::new(), String::new(), String::new())
                    };
                    let versions = &tracks[theme];
                    let track = if versions.len() == 1 {
                        &versions[0]
                    } else {
                        &versions[((day.ordinal() as usize) * versions.len() / 366)
                            .min(versions.len() - 1)]
                    };
                    ins_call
                        .execute(params![
                            cid,
                            pid,
                            rep.id,
                            bid,
                            themes[theme],
                            track,
                            time::to_db(t),
                            time::to_db(t + Duration::milliseconds(i64::from(dur))),
                            dur,
                            outcome.as_str(),
                            asked,
                            known.then(|| ptz.name()),
                            known.then(|| lt.hour()),
                            known.then(|| lt.weekday().num_days_from_monday()),
                            (outcome == Outcome::Callback)
                                .then(|| time::to_db(t + Duration::days(3))),
                            notes,
                            gap_cs,
                            gap_obj,
                            gap_imp
                        ])
                        .unwrap();
                    n_calls += 1;
                    let n_objections = match outcome {
                        Outcome::NotInterested => rng.random_range(1..=3),
                        Outcome::Callback => rng.random_range(1..=2),
                        Outcome::Meeting => rng.random_range(0..=3),
                        Outcome::Gatekeeper => rng.random_range(0..=1),
                        _ => 0,
                    };
                    for k in 0..n_objections {
                        let o = rng.random_range(0..objections.len());
                        let (oid, rid) = &objections[o];
                        let rid = if o < 2 && mid_year {
                            &responses_v2[o]
                        } else {
                            rid
                        };
                        let at = (secs * 1000 * (k + 1) / (n_objections + 1)).max(1);
                        ins_obj
                            .execute(params![
                                id(&mut rng, t),
                                cid,
                                oid,
                                (!rng.random_bool(0.05)).then_some(rid),
                                k + 1,
                                at
                            ])
                            .unwrap();
                        n_obj += 1;
                    }
                    if outcome == Outcome::Meeting {
                        ins_meeting
                            .execute(params![
                                id(&mut rng, t),
                                cid,
                                pid,
                                rep.id,
                                time::to_db(t + Duration::days(4)),
                                time::to_db(t)
                            ])
                            .unwrap();
                    }
                }
            }
        }
        // One transaction per day.
        c.execute_batch("COMMIT; BEGIN").unwrap();
        if day.day() == 1 {
            println!(
                "  {} ... {n_calls} calls so far ({:.0} s)",
                day.format("%B"),
                started.elapsed().as_secs_f64()
            );
        }
        day = day.succ_opt().unwrap();
    }
    c.execute_batch("COMMIT").unwrap();
    drop((
        ins_block,
        ins_block_theme,
        ins_pause,
        ins_call,
        ins_obj,
        ins_meeting,
    ));
    println!(
        "  {n_calls} calls, {n_obj} objections, {n_blocks} blocks in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    assert!(reports::rollup::ensure_fresh(c, &Settings::default()));
    println!("  rollups built in {:.1} s", t.elapsed().as_secs_f64());
    c.execute_batch(&format!(
        "CREATE TABLE bench_meta (generator INTEGER NOT NULL); INSERT INTO bench_meta VALUES ({GENERATOR_VERSION});
         PRAGMA wal_checkpoint(TRUNCATE);"
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
    rows: Vec<(String, StdDuration, StdDuration, StdDuration, StdDuration)>,
    targets: Vec<StdDuration>,
    /// The target of `time` (100 ms; 30 ms for call-log pages).
    target: StdDuration,
}

impl Timer {
    /// Run `f` five times; keep the first, best, median and worst times.
    fn time<T>(&mut self, label: &str, f: impl FnMut() -> T) -> T {
        self.time_to(label, self.target, f)
    }

    fn time_to<T>(&mut self, label: &str, target: StdDuration, mut f: impl FnMut() -> T) -> T {
        let mut times = Vec::new();
        let mut out = None;
        for _ in 0..5 {
            let t = Instant::now();
            let v = f();
            times.push(t.elapsed());
            out = Some(v);
        }
        let first = times[0];
        times.sort();
        let row = (label.to_string(), first, times[0], times[2], times[4]);
        print_row(&row, target);
        if target <= StdDuration::from_millis(100) {
            self.rows.push(row);
            self.targets.push(target);
        }
        out.expect("ran")
    }
}

fn ms(d: StdDuration) -> String {
    format!("{:8.1}", d.as_secs_f64() * 1000.0)
}

fn print_row(
    r: &(String, StdDuration, StdDuration, StdDuration, StdDuration),
    target: StdDuration,
) {
    println!(
        "{:<58} {} {} {} {}  {}",
        r.0,
        ms(r.1),
        ms(r.2),
        ms(r.3),
        ms(r.4),
        if r.3 <= target { "ok" } else { "SLOW" }
    );
}

fn run(path: &Path) {
    let s = Settings::default();
    // Opening Review: open the file (checks, pragmas), then the first dashboard.
    let t = Instant::now();
    let store = Store::open(path).expect("open");
    let opened = t.elapsed();
    let c = store.conn();
    let (first_day, last_day): (String, String) = c
        .query_row(
            "SELECT min(started_at), max(started_at) FROM calls",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let end = time::from_db(&last_day).unwrap();
    let last30 = ReportFilter {
        from: Some(end - Duration::days(30)),
        ..ReportFilter::default()
    };
    let t2 = Instant::now();
    let summary = reports::review_summary(c, &last30, &s).unwrap();
    let first_dashboard = t2.elapsed();
    let counts: (i64, i64, i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM call_objections),
                (SELECT count(*) FROM blocks), (SELECT count(*) FROM reps)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    println!();
    println!(
        "Database: {} calls, {} objections raised, {} blocks, {} reps, {} to {}",
        counts.0,
        counts.1,
        counts.2,
        counts.3,
        &first_day[..10],
        &last_day[..10]
    );
    println!(
        "Opening Review: open {:.1} ms + first dashboard (last 30 days, {} dials) {:.1} ms = {:.1} ms  {}",
        opened.as_secs_f64() * 1000.0,
        summary.total.dials,
        first_dashboard.as_secs_f64() * 1000.0,
        (opened + first_dashboard).as_secs_f64() * 1000.0,
        if opened + first_dashboard < StdDuration::from_secs(1) { "ok (< 1 s)" } else { "SLOW (>= 1 s)" }
    );
    println!();
    println!(
        "{:<58} {:>8} {:>8} {:>8} {:>8}  (ms; target 100 ms on the median)",
        "query", "first", "best", "median", "worst"
    );
    let mut tm = Timer {
        rows: vec![],
        targets: vec![],
        target: StdDuration::from_millis(100),
    };
    let year = ReportFilter::default();
    let reps = callblock_core::reps::reps(c).unwrap();
    let themes = callblock_core::lists::themes(c).unwrap();
    let rep = ReportFilter {
        rep_ids: vec![reps[7].id.clone()],
        ..ReportFilter::default()
    };
    let theme = ReportFilter {
        theme_ids: vec![themes[3].id.clone()],
        ..ReportFilter::default()
    };
    let odd = ReportFilter {
        from: Some(time::from_db("2025-03-03T13:17:00Z").unwrap()),
        to: Some(time::from_db("2025-09-19T10:05:00Z").unwrap()),
        ..ReportFilter::default()
    };
    let objection: String = c
        .query_row(
            "SELECT id FROM objections WHERE slug = 'no_budget'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let rare_obj: String = c
        .query_row(
            "SELECT id FROM objections WHERE slug = 'how_number'",
            [],
            |r| r.get(0),
        )
        .unwrap();

    println!("-- dashboards");
    tm.time("open Review: review_summary, last 30 days", || {
        reports::review_summary(c, &last30, &s).unwrap()
    });
    tm.time("review_summary, whole year", || {
        reports::review_summary(c, &year, &s).unwrap()
    });
    tm.time("funnel, whole year", || {
        reports::funnel(c, &year, &s).unwrap()
    });
    for by in GroupBy::ALL {
        tm.time(&format!("funnel by {}, whole year", by.as_str()), || {
            reports::funnel_by(c, &year, *by, &s).unwrap()
        });
    }
    tm.time("funnel by week, one rep", || {
        reports::funnel_by(c, &rep, GroupBy::Week, &s).unwrap()
    });
    tm.time("funnel by rep, one theme", || {
        reports::funnel_by(c, &theme, GroupBy::Rep, &s).unwrap()
    });
    tm.time("funnel by day, period cut inside days", || {
        reports::funnel_by(c, &odd, GroupBy::Day, &s).unwrap()
    });
    tm.time("blocks, whole year", || blocks(c, &year, &s).unwrap());
    tm.time("blocks, one rep", || blocks(c, &rep, &s).unwrap());
    tm.time("when to call, whole year", || timing(c, &year, &s).unwrap());
    tm.time("call length, whole year", || length(c, &year, &s).unwrap());
    tm.time("call length, band over 3:00", || {
        length(
            c,
            &ReportFilter {
                duration: Some(DurationBand::OVER_3),
                ..ReportFilter::default()
            },
            &s,
        )
        .unwrap()
    });
    tm.time("playbook, whole year", || playbook(c, &year, &s).unwrap());
    tm.time("playbook, one theme", || playbook(c, &theme, &s).unwrap());
    // Read from the calls (no rollup keeps a call's objection count).
    tm.time("meeting rate by objections heard, whole year", || {
        by_objections(c, &year, &s).unwrap()
    });
    tm.time("meeting rate by objections heard, last 30 days", || {
        by_objections(c, &last30, &s).unwrap()
    });
    tm.time("meeting rate by objections heard, one rep", || {
        by_objections(c, &rep, &s).unwrap()
    });
    tm.time("meeting rate by objections heard, one theme", || {
        by_objections(c, &theme, &s).unwrap()
    });
    tm.time_to(
        "all five dashboards together, whole year (target 1 s)",
        StdDuration::from_secs(1),
        || reports::dashboards(c, &year, &s).unwrap(),
    );
    tm.time_to(
        "all five dashboards together, last 30 days (target 1 s)",
        StdDuration::from_secs(1),
        || reports::dashboards(c, &last30, &s).unwrap(),
    );
    println!("-- dashboards with filters the rollups do not keep (read from the calls)");
    let last30_obj = ReportFilter {
        objection_id: Some(objection.clone()),
        ..last30.clone()
    };
    tm.time("funnel, objection no_budget, last 30 days", || {
        reports::funnel(c, &last30_obj, &s).unwrap()
    });
    tm.time("funnel, text \"pricing\", last 30 days", || {
        reports::funnel(
            c,
            &ReportFilter {
                text: Some("pricing".into()),
                ..last30.clone()
            },
            &s,
        )
        .unwrap()
    });
    tm.time("funnel, text \"zeppelin\", whole year", || {
        reports::funnel(
            c,
            &ReportFilter {
                text: Some("zeppelin".into()),
                ..ReportFilter::default()
            },
            &s,
        )
        .unwrap()
    });
    tm.time("funnel, objection no_budget, whole year", || {
        reports::funnel(
            c,
            &ReportFilter {
                objection_id: Some(objection.clone()),
                ..ReportFilter::default()
            },
            &s,
        )
        .unwrap()
    });

    println!("-- call log (100 rows a page; target 30 ms on the median)");
    tm.target = PAGE_TARGET;
    let page = |flt: &ReportFilter, offset: u32| {
        call_log(
            c,
            &CallLogQuery {
                filter: flt.clone(),
                offset,
                limit: 100,
                after: None,
                before: None,
            },
            &s,
        )
        .unwrap()
    };
    let first = tm.time("first page, everything", || page(&year, 0));
    let total = first.total.value;
    tm.time("next page (cursor)", || {
        call_log(
            c,
            &CallLogQuery {
                after: first.next.clone(),
                limit: 100,
                ..CallLogQuery::default()
            },
            &s,
        )
        .unwrap()
    });
    tm.time(&format!("page at row {}", total / 2), || {
        page(&year, total / 2)
    });
    let deep = tm.time(
        &format!("page at row {} (the last)", total.saturating_sub(100)),
        || page(&year, total.saturating_sub(100)),
    );
    assert_eq!(deep.rows.len(), 100);
    tm.time("previous page from the last (cursor)", || {
        call_log(
            c,
            &CallLogQuery {
                before: deep.prev.clone(),
                limit: 100,
                ..CallLogQuery::default()
            },
            &s,
        )
        .unwrap()
    });
    tm.time("one rep, page at row 10,000", || page(&rep, 10_000));
    tm.time("one theme, first page", || page(&theme, 0));
    tm.time("outcome meeting, page at row 5,000", || {
        page(
            &ReportFilter {
                outcomes: vec![Outcome::Meeting],
                ..ReportFilter::default()
            },
            5_000,
        )
    });
    tm.time("band over 3:00, page at row 20,000", || {
        page(
            &ReportFilter {
                duration: Some(DurationBand::OVER_3),
                ..ReportFilter::default()
            },
            20_000,
        )
    });
    tm.time("band 0:40-0:50 (off the bins), first page", || {
        page(
            &ReportFilter {
                duration: Some(DurationBand::parse("0:40-0:50").unwrap()),
                ..ReportFilter::default()
            },
            0,
        )
    });
    let sparse = ReportFilter {
        rep_ids: vec![reps[3].id.clone()],
        outcomes: vec![Outcome::DoNotCall],
        duration: Some(DurationBand::OVER_3),
        ..ReportFilter::default()
    };
    tm.time("sparse: one rep + do not call + over 3:00", || {
        page(&sparse, 0)
    });
    tm.time("period cut inside days, page at row 30,000", || {
        page(&odd, 30_000)
    });
    let obj_filter = ReportFilter {
        objection_id: Some(objection.clone()),
        ..ReportFilter::default()
    };
    let p = tm.time("objection no_budget (common), first page", || {
        page(&obj_filter, 0)
    });
    tm.time("objection no_budget, next page (cursor)", || {
        call_log(
            c,
            &CallLogQuery {
                filter: obj_filter.clone(),
                after: p.next.clone(),
                before: None,
                limit: 100,
                offset: 0,
            },
            &s,
        )
        .unwrap()
    });
    tm.time("objection how_number + one rep, first page", || {
        page(
            &ReportFilter {
                objection_id: Some(rare_obj.clone()),
                rep_ids: vec![reps[9].id.clone()],
                ..ReportFilter::default()
            },
            0,
        )
    });
    let text = |t: &str| ReportFilter {
        text: Some(t.into()),
        ..ReportFilter::default()
    };
    let p = tm.time("text \"booked\" (common), first page", || {
        page(&text("booked"), 0)
    });
    tm.time("text \"booked\", next page (cursor)", || {
        call_log(
            c,
            &CallLogQuery {
                filter: text("booked"),
                after: p.next.clone(),
                before: None,
                limit: 100,
                offset: 0,
            },
            &s,
        )
        .unwrap()
    });
    tm.time("text \"budget frozen\", first page", || {
        page(&text("budget frozen"), 0)
    });
    tm.time("text \"zeppelin\" (rare), first page", || {
        page(&text("zeppelin"), 0)
    });
    tm.time("text \"pric*\" + one rep, first page", || {
        page(
            &ReportFilter {
                text: Some("pric*".into()),
                rep_ids: vec![reps[2].id.clone()],
                ..ReportFilter::default()
            },
            0,
        )
    });
    tm.time("text \"acmesoft\" + meeting, last 30 days", || {
        page(
            &ReportFilter {
                text: Some("acmesoft".into()),
                outcomes: vec![Outcome::Meeting],
                ..last30.clone()
            },
            0,
        )
    });
    println!("-- call log at any depth: jumps (the scroll bar, End) and the way back");
    let deep = |label: &str, tm: &mut Timer, flt: &ReportFilter, at: fn(u32) -> u32| {
        let total = page(flt, 0).total;
        let row = at(total.value);
        let p = tm.time(
            &format!(
                "{label}: page at row {row} of {}{}",
                if total.exact { "" } else { "about " },
                total.value
            ),
            || page(flt, row),
        );
        if p.prev.is_some() {
            tm.time(&format!("{label}: the page before it (cursor)"), || {
                call_log(
                    c,
                    &CallLogQuery {
                        filter: flt.clone(),
                        before: p.prev.clone(),
                        limit: 100,
                        ..CallLogQuery::default()
                    },
                    &s,
                )
                .unwrap()
            });
        }
    };
    deep("everything", &mut tm, &year, |_| 50_000);
    deep("one theme", &mut tm, &theme, |_| 50_000);
    deep("one theme", &mut tm, &theme, |t| t.saturating_sub(100));
    deep(
        "one rep + meeting",
        &mut tm,
        &ReportFilter {
            outcomes: vec![Outcome::Meeting],
            ..rep.clone()
        },
        |t| t.saturating_sub(100),
    );
    deep("period cut inside days", &mut tm, &odd, |t| {
        t.saturating_sub(100)
    });
    let band_off = ReportFilter {
        duration: Some(DurationBand::parse("0:40-0:50").unwrap()),
        ..ReportFilter::default()
    };
    deep("band 0:40-0:50 (off the bins)", &mut tm, &band_off, |_| {
        20_000
    });
    deep("band 0:40-0:50 (off the bins)", &mut tm, &band_off, |t| {
        t.saturating_sub(100)
    });
    deep("objection no_budget", &mut tm, &obj_filter, |_| 20_000);
    deep("objection no_budget", &mut tm, &obj_filter, |t| {
        t.saturating_sub(100)
    });
    let obj_meeting = ReportFilter {
        outcomes: vec![Outcome::Meeting],
        ..obj_filter.clone()
    };
    deep(
        "objection no_budget + meeting",
        &mut tm,
        &obj_meeting,
        |t| t / 2,
    );
    deep("text \"booked\"", &mut tm, &text("booked"), |_| 50_000);
    deep("text \"booked\"", &mut tm, &text("booked"), |t| {
        t.saturating_sub(100)
    });
    deep("text \"left\"", &mut tm, &text("left"), |t| t / 2);
    tm.target = StdDuration::from_millis(100);
    let some_call = first.rows[0].id.clone();
    tm.time("call detail", || call_detail(c, &some_call, &s).unwrap());

    let slow: Vec<_> = tm
        .rows
        .iter()
        .zip(&tm.targets)
        .filter(|(r, t)| r.3 > **t)
        .map(|(r, _)| r)
        .collect();
    println!();
    println!(
        "{} single queries timed; {} over their target on the median{}",
        tm.rows.len(),
        slow.len(),
        if slow.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                slow.iter()
                    .map(|r| r.0.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    );
}

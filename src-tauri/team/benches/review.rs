//! The review benchmark's PostgreSQL mode: the same generated team (one
//! year of calls by 50 reps, over a million calls) loaded into a real
//! PostgreSQL server's `callblock.calls`, and the funnel queries the team
//! store answers (`callblock_team::review`) timed side by side with this
//! copy's SQLite reports (`callblock_core::reports`) on the same data. Each
//! pair's figures are compared too.
//!
//! Run: `REVIEW_BENCH_GENERATE_ONLY=1 cargo bench -p callblock-core --bench
//! review` makes (or finds) the generated database; then `cargo bench -p
//! callblock-team --bench review` finds it in the target directory (or
//! `REVIEW_BENCH_DB=PATH`). Target: each query under 100 ms on the median.
//! `REVIEW_BENCH_PARTS=1` also prints the parts of the blocks' figures and
//! the server's plan of their query; `REVIEW_BENCH_HOLD=FILE` keeps the
//! loaded server up at the end until FILE exists (to try a query by hand).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use callblock_core::domain::Settings;
use callblock_core::reports::{self, GroupBy, ReportFilter};
use callblock_core::store::{Store, LATEST};
use callblock_core::time;
use futures_util::SinkExt;

const TARGET: Duration = Duration::from_millis(100);
const RUNS: usize = 7;

fn find_db() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("REVIEW_BENCH_DB") {
        return Some(PathBuf::from(p));
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let suffix = format!("-s{LATEST}-r50.db");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("review-bench-") && n.ends_with(&suffix))
        })
        .collect();
    found.sort();
    found.pop()
}

fn main() {
    let Some(path) = find_db() else {
        eprintln!(
            "No generated review database for schema {LATEST}: run \
             `REVIEW_BENCH_GENERATE_ONLY=1 cargo bench -p callblock-core --bench review` first \
             (or set REVIEW_BENCH_DB)."
        );
        std::process::exit(2);
    };
    println!("SQLite: {}", path.display());
    let pg = support::Pg::start_durable();
    let server = &pg;
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets.json");
    // The owner's first connection creates the team schema.
    let mut owner = Store::open(dir.path().join("owner.db")).unwrap();
    callblock_team::block_on(callblock_team::connect(
        &mut owner,
        &pg.owner_url(),
        &secrets,
    ))
    .unwrap();
    let store = Store::open(&path).expect("open the generated database");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async {
        // With the session settings of the app's connections (`config`).
        let mut config: tokio_postgres::Config = pg.owner_url().parse().unwrap();
        config.options(callblock_team::config::SESSION_OPTIONS);
        let (c, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        // But for the time a statement may take: loading runs for minutes.
        c.batch_execute("SET statement_timeout = 0").await.unwrap();
        c
    });
    let t = Instant::now();
    let n = rt.block_on(load(&client, &store));
    println!(
        "PostgreSQL: {n} calls loaded into callblock.calls in {:.1} s (COPY, then ANALYZE)",
        t.elapsed().as_secs_f64()
    );
    let target = callblock_team::config::parse(&pg.owner_url()).unwrap();
    let s = Settings::default();
    // The rollups for these thresholds, built once (the first report's wait).
    let t = Instant::now();
    rt.block_on(client.query_one(
        "SELECT callblock.ensure_rollups($1, $2)",
        &[
            &(i64::from(s.conversation_seconds) * 1000),
            &(i64::from(s.phase_limit) * 1000),
        ],
    ))
    .unwrap();
    let rows: i64 = rt
        .block_on(client.query_one(
            "SELECT (SELECT count(*) FROM callblock.calls_by_outcome)
                  + (SELECT count(*) FROM callblock.calls_by_hour)
                  + (SELECT count(*) FROM callblock.calls_by_length)
                  + (SELECT count(*) FROM callblock.calls_by_block)
                  + (SELECT count(*) FROM callblock.calls_by_track)
                  + (SELECT count(*) FROM callblock.calls_by_heard)",
            &[],
        ))
        .unwrap()
        .get(0);
    println!(
        "Rollups built in {:.1} s ({rows} rows, by outcome, hour, length, block, version and \
         objections heard)",
        t.elapsed().as_secs_f64()
    );
    rt.block_on(client.batch_execute(
        "ANALYZE callblock.calls_by_outcome; ANALYZE callblock.calls_by_hour;
             ANALYZE callblock.calls_by_length; ANALYZE callblock.calls_by_block;
             ANALYZE callblock.calls_by_track; ANALYZE callblock.call_objections;
             ANALYZE callblock.calls_by_heard",
    ))
    .unwrap();
    let c = store.conn();
    let reps = callblock_core::reps::reps(c).unwrap();
    let themes = callblock_core::lists::themes(c).unwrap();
    let (_, last_day): (String, String) = c
        .query_row(
            "SELECT min(started_at), max(started_at) FROM calls",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let end = time::from_db(&last_day).unwrap();
    let year = ReportFilter::default();
    let last30 = ReportFilter {
        from: Some(end - chrono::Duration::days(30)),
        ..ReportFilter::default()
    };
    let rep = ReportFilter {
        rep_ids: vec![reps[7].id.clone()],
        ..ReportFilter::default()
    };
    let theme_name = themes[3].name.clone();
    let theme = ReportFilter {
        theme_ids: vec![themes[3].id.clone()],
        ..ReportFilter::default()
    };
    let odd = ReportFilter {
        from: Some(time::from_db("2025-03-03T13:17:00Z").unwrap()),
        to: Some(time::from_db("2025-09-19T10:05:00Z").unwrap()),
        ..ReportFilter::default()
    };
    println!();
    println!(
        "{:<44} {:>10} {:>10} {:>10} {:>10}  same figures  (ms; PostgreSQL: rollups for whole days, calls for partial ones; target 100 ms on the median)",
        "query", "SQLite med", "PG med", "PG best", "PG worst"
    );
    let mut slow = Vec::new();
    // One line: `lite` (this copy's report) and `live` (the store's) timed
    // RUNS times each, and their figures compared.
    let mut pair = |label: &str, lite: &dyn Fn() -> String, live: &dyn Fn() -> String| {
        let time = |f: &dyn Fn() -> String| {
            let mut took = Vec::new();
            let mut out = String::new();
            for _ in 0..RUNS {
                let t = Instant::now();
                out = f();
                took.push(t.elapsed());
            }
            took.sort();
            (took, out)
        };
        let (lite, here) = time(lite);
        let (live, there) = time(live);
        let med = |v: &[Duration]| v[v.len() / 2];
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        if med(&live) >= TARGET {
            slow.push(label.to_string());
        }
        println!(
            "{:<44} {:>10} {:>10} {:>10} {:>10}  {}",
            label,
            ms(med(&lite)),
            ms(med(&live)),
            ms(live[0]),
            ms(live[live.len() - 1]),
            if here == there { "yes" } else { "NO" }
        );
    };
    let pg_filter = |filter: &ReportFilter| ReportFilter {
        theme_ids: vec![],
        ..filter.clone()
    };
    let mut row = |label: &str, filter: &ReportFilter, themes: &[String], by: Option<GroupBy>| {
        let pg = pg_filter(filter);
        pair(
            label,
            &|| match by {
                None => format!("{:?}", reports::funnel(c, filter, &s).unwrap()),
                Some(b) => format!(
                    "{:?}",
                    figures(reports::funnel_by(c, filter, b, &s).unwrap(), b)
                ),
            },
            &|| {
                rt.block_on(async {
                    match by {
                        None => format!(
                            "{:?}",
                            callblock_team::review::funnel(&client, &target, &pg, themes, &s)
                                .await
                                .unwrap()
                        ),
                        Some(b) => format!(
                            "{:?}",
                            figures(
                                callblock_team::review::funnel_by(
                                    &client, &target, &pg, themes, b, &s
                                )
                                .await
                                .unwrap(),
                                b
                            )
                        ),
                    }
                })
            },
        )
    };
    row("funnel, whole year", &year, &[], None);
    row("funnel, last 30 days", &last30, &[], None);
    for by in GroupBy::ALL {
        row(
            &format!("funnel by {}, whole year", by.as_str()),
            &year,
            &[],
            Some(*by),
        );
    }
    row("funnel by week, one rep", &rep, &[], Some(GroupBy::Week));
    row(
        "funnel by rep, one theme",
        &theme,
        std::slice::from_ref(&theme_name),
        Some(GroupBy::Rep),
    );
    row(
        "funnel by day, period cut inside days",
        &odd,
        &[],
        Some(GroupBy::Day),
    );
    row(
        "funnel by rep, last 30 days",
        &last30,
        &[],
        Some(GroupBy::Rep),
    );
    // Call length and the blocks (Review's tabs counted in the store).
    let now = time::now();
    for (label, filter, themes) in [
        ("whole year", &year, &[][..]),
        ("last 30 days", &last30, &[][..]),
        ("one theme", &theme, std::slice::from_ref(&theme_name)),
    ] {
        let pg = pg_filter(filter);
        pair(
            &format!("call length, {label}"),
            &|| format!("{:?}", reports::length::length(c, filter, &s).unwrap()),
            &|| {
                format!(
                    "{:?}",
                    rt.block_on(callblock_team::review::length(
                        &client, &target, &pg, themes, &s
                    ))
                    .unwrap()
                )
            },
        );
        if std::env::var_os("REVIEW_BENCH_PARTS").is_some() {
            let t = Instant::now();
            let sums = rt
                .block_on(callblock_team::review::block_facts(
                    &client, &target, &pg, themes, &s,
                ))
                .unwrap();
            let store_part = t.elapsed();
            let t = Instant::now();
            let _ = reports::blocks::planned_blocks(c, filter, now).unwrap();
            println!(
                "  (blocks, {label}: {} groups by rep and {} by week read from the store in {:.1} ms, \
                 the schedule in {:.1} ms)",
                sums.by_rep.len(),
                sums.by_week.len(),
                store_part.as_secs_f64() * 1000.0,
                t.elapsed().as_secs_f64() * 1000.0
            );
            // The store's plan of that read, as the server ran it.
            let before = server.log_text().len();
            rt.block_on(client.batch_execute(
                "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;
                 SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on",
            ))
            .unwrap();
            rt.block_on(callblock_team::review::block_facts(
                &client, &target, &pg, themes, &s,
            ))
            .unwrap();
            rt.block_on(client.batch_execute("SET auto_explain.log_min_duration = -1"))
                .unwrap();
            println!("{}", &server.log_text()[before..]);
        }
        pair(
            &format!("blocks, {label}"),
            &|| {
                let r = reports::blocks::blocks(c, filter, &s).unwrap();
                format!("{:?}", (r.total, r.by_rep, r.by_week, r.dials_per_hour))
            },
            &|| {
                let sums = rt
                    .block_on(callblock_team::review::block_facts(
                        &client, &target, &pg, themes, &s,
                    ))
                    .unwrap();
                let names = rt
                    .block_on(callblock_team::review::rep_names(&client, &target))
                    .unwrap();
                let schedule = reports::blocks::planned_blocks(c, filter, now).unwrap();
                let r =
                    reports::blocks::blocks_of(&sums.by_rep, &sums.by_week, schedule, &names, &s);
                format!("{:?}", (r.total, r.by_rep, r.by_week, r.dials_per_hour))
            },
        );
        pair(
            &format!("objections heard, {label}"),
            &|| {
                format!(
                    "{:?}",
                    reports::by_objections::by_objections(c, filter, &s).unwrap()
                )
            },
            &|| {
                let cells = rt
                    .block_on(callblock_team::review::conversations_by_objections(
                        &client, &target, &pg, themes, &s,
                    ))
                    .unwrap();
                let cells = reports::by_objections::cells_of_store(c, &cells).unwrap();
                format!("{:?}", reports::by_objections::by_objections_of(&cells, &s))
            },
        );
        pair(
            &format!("playbook, {label}"),
            &|| format!("{:?}", reports::playbook::playbook(c, filter, &s).unwrap()),
            &|| {
                let (connects, (objections, responses, tracks)) = rt
                    .block_on(async {
                        let f = callblock_team::review::funnel(&client, &target, &pg, themes, &s)
                            .await?;
                        let counts = callblock_team::review::playbook_counts(
                            &client, &target, &pg, themes, &s,
                        )
                        .await?;
                        Ok::<_, callblock_team::TeamError>((f.connects, counts))
                    })
                    .unwrap();
                format!(
                    "{:?}",
                    reports::playbook::playbook_of_store(
                        c,
                        connects,
                        &objections,
                        &responses,
                        &tracks,
                        &s
                    )
                    .unwrap()
                )
            },
        );
    }
    // The call log, a page of 100: at the top, by cursor deep down, and by
    // row number (the page field) deep down.
    let top = reports::calllog::CallLogQuery {
        limit: 100,
        ..Default::default()
    };
    let deep_cursor = {
        let mut q = top.clone();
        q.offset = 50_000;
        let p = reports::calllog::call_log(c, &q, &s).unwrap();
        p.next
    };
    for (label, q) in [
        ("call log, first page", top.clone()),
        (
            "call log, the page after row 50,100 (cursor)",
            reports::calllog::CallLogQuery {
                after: deep_cursor.clone(),
                ..top.clone()
            },
        ),
        (
            "call log, row 500,000 (page number)",
            reports::calllog::CallLogQuery {
                offset: 500_000,
                ..top.clone()
            },
        ),
    ] {
        pair(
            label,
            &|| {
                let p = reports::calllog::call_log(c, &q, &s).unwrap();
                format!(
                    "{:?}",
                    (p.rows.len(), p.rows.first().map(|r| &r.id), p.next)
                )
            },
            &|| {
                let (rows, next, _, _, _) = rt
                    .block_on(callblock_team::review::call_log(
                        &client,
                        &target,
                        &q,
                        &[],
                        &s,
                    ))
                    .unwrap();
                format!("{:?}", (rows.len(), rows.first().map(|r| &r.row.id), next))
            },
        );
    }
    println!();
    if slow.is_empty() {
        println!("Every query in PostgreSQL under 100 ms on the median.");
    } else {
        println!(
            "Over 100 ms on the median in PostgreSQL: {}",
            slow.join("; ")
        );
    }
    // `REVIEW_BENCH_HOLD=FILE`: the loaded server stays up (its address
    // printed) until FILE exists, to try a query by hand with `psql`.
    if let Some(file) = std::env::var_os("REVIEW_BENCH_HOLD") {
        println!(
            "Holding the server until {} exists: psql -h {} -p {} -U {} postgres",
            PathBuf::from(&file).display(),
            server.socket_dir.display(),
            server.port,
            support::SUPERUSER
        );
        while !PathBuf::from(&file).exists() {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
}

/// Groups compared by what they say (a theme by its name: see `review`).
fn figures(groups: Vec<reports::FunnelGroup>, by: GroupBy) -> Vec<(String, reports::Funnel)> {
    groups
        .into_iter()
        .map(|g| {
            let key = if by == GroupBy::Theme { g.label } else { g.key };
            (key, g.funnel)
        })
        .collect()
}

/// Copy the generated database's reps and completed calls into the store
/// (`COPY ... FROM STDIN`), then `ANALYZE`. Returns the calls copied.
async fn load(client: &tokio_postgres::Client, store: &Store) -> u64 {
    let c = store.conn();
    let reps: Vec<(String, String)> = c
        .prepare("SELECT id, name FROM reps")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (id, name) in &reps {
        client
            .execute(
                "INSERT INTO callblock.reps (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[id, name],
            )
            .await
            .unwrap();
    }
    let n = copy(
        client,
        store,
        "COPY callblock.calls (id, rep_id, theme_id, theme_name, started_at, duration_ms,
            outcome, asked_for_meeting, local_hour, local_weekday, block_id,
            talk_track_version_id, objections_heard) FROM STDIN",
        "SELECT c.id, c.rep_id, c.theme_id, t.name, c.started_at, CAST(c.duration_ms AS TEXT),
                c.outcome, CASE WHEN c.asked_for_meeting THEN 't' ELSE 'f' END,
                CAST(c.local_hour AS TEXT), CAST(c.local_weekday AS TEXT), c.block_id,
                c.talk_track_version_id,
                CAST((SELECT count(*) FROM call_objections co WHERE co.call_id = c.id) AS TEXT)
         FROM calls c LEFT JOIN themes t ON t.id = c.theme_id
         WHERE c.outcome IS NOT NULL",
    )
    .await;
    load_blocks(client, store).await;
    load_call_rows(client, store).await;
    client
        .batch_execute("ANALYZE callblock.calls; ANALYZE callblock.rows")
        .await
        .unwrap();
    n
}

/// The calls' own rows and their prospects', as a push writes them, with
/// what the call log reads of them (the typed `calls` are loaded already:
/// the triggers that keep them are off meanwhile).
async fn load_call_rows(client: &tokio_postgres::Client, store: &Store) {
    client
        .batch_execute("ALTER TABLE callblock.rows DISABLE TRIGGER rows_calls_insert")
        .await
        .unwrap();
    copy(
        client,
        store,
        "COPY callblock.rows (kind, id, rep_id, body) FROM STDIN",
        "SELECT 'prospect', id, NULL, json_object('id', id, 'first_name', first_name,
                    'last_name', last_name, 'company', company)
             FROM prospects WHERE id IN (SELECT prospect_id FROM calls)
             UNION ALL
             SELECT 'call', id, rep_id, json_object('id', id, 'prospect_id', prospect_id,
                    'started_at', started_at, 'ring_ms', ring_ms, 'notes', notes,
                    'gap_current_state', gap_current_state, 'gap_objectives', gap_objectives,
                    'gap_impact', gap_impact)
             FROM calls WHERE outcome IS NOT NULL",
    )
    .await;
    client
        .batch_execute("ALTER TABLE callblock.rows ENABLE TRIGGER rows_calls_insert")
        .await
        .unwrap();
}

/// The generated blocks, their pauses and the themes they name, as the
/// rows a push writes (`callblock.rows`, one JSON body each).
async fn load_blocks(client: &tokio_postgres::Client, store: &Store) {
    let sql = [
        "SELECT 'theme', id, NULL, json_object('id', id, 'name', name) FROM themes",
        "SELECT 'block', b.id, b.rep_id, json_object('id', b.id,
                'planned_seconds', b.planned_seconds, 'break_seconds', b.break_seconds,
                'started_at', b.started_at, 'ended_at', b.ended_at, 'end_reason', b.end_reason,
                'theme_ids', json((SELECT json_group_array(bt.theme_id) FROM block_themes bt
                                   WHERE bt.block_id = b.id)))
         FROM blocks b",
        "SELECT 'pause', p.id, b.rep_id, json_object('id', p.id, 'block_id', p.block_id,
                'paused_at', p.paused_at, 'resumed_at', p.resumed_at)
         FROM block_pauses p JOIN blocks b ON b.id = p.block_id",
        "SELECT 'objection', id, NULL, json_object('id', id, 'slug', slug, 'label', label,
                'hotkey', hotkey, 'position', position, 'created_at', created_at)
         FROM objections",
        "SELECT 'response', id, NULL, json_object('id', id, 'objection_id', objection_id,
                'theme_id', theme_id, 'version', version, 'response', response,
                'created_at', created_at)
         FROM objection_responses",
        "SELECT 'talk_track', id, NULL, json_object('id', id, 'theme_id', theme_id, 'name', name,
                'created_at', created_at)
         FROM talk_tracks",
        "SELECT 'talk_track_version', id, NULL, json_object('id', id,
                'talk_track_id', talk_track_id, 'version', version, 'opener', opener,
                'engage_statement', engage_statement, 'impact_question', impact_question,
                'appointment_request', appointment_request, 'voicemail_script', voicemail_script,
                'referral', referral, 'agenda_line', agenda_line, 'change_note', change_note,
                'created_at', created_at)
         FROM talk_track_versions",
    ]
    .join(" UNION ALL ");
    copy(
        client,
        store,
        "COPY callblock.rows (kind, id, rep_id, body) FROM STDIN",
        &sql,
    )
    .await;
    // The objections raised, with their calls' start, theme and outcome (as
    // the store's triggers keep them).
    copy(
        client,
        store,
        "COPY callblock.call_objections (id, call_id, rep_id, objection_id, response_id,
            started_at, theme_name, outcome) FROM STDIN",
        "SELECT co.id, co.call_id, c.rep_id, co.objection_id, co.response_id, c.started_at,
                t.name, c.outcome
         FROM call_objections co JOIN calls c ON c.id = co.call_id
         LEFT JOIN themes t ON t.id = c.theme_id
         WHERE c.outcome IS NOT NULL",
    )
    .await;
}

/// Copy what `select` reads of the generated database (every column text
/// or NULL) into the store by `copy_sql` (`COPY ... FROM STDIN`, text
/// format), a megabyte at a time; returns the rows copied.
async fn copy(client: &tokio_postgres::Client, store: &Store, copy_sql: &str, select: &str) -> u64 {
    let sink = client.copy_in(copy_sql).await.unwrap();
    let mut sink = Box::pin(sink);
    let mut stmt = store.conn().prepare(select).unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut buf = String::new();
    while let Some(r) = rows.next().unwrap() {
        let line = (0..columns)
            .map(|i| copy_field(r.get(i).unwrap()))
            .collect::<Vec<_>>()
            .join("\t");
        buf.push_str(&line);
        buf.push('\n');
        if buf.len() > 1 << 20 {
            sink.send(bytes::Bytes::from(std::mem::take(&mut buf)))
                .await
                .unwrap();
        }
    }
    if !buf.is_empty() {
        sink.send(bytes::Bytes::from(buf)).await.unwrap();
    }
    sink.as_mut().finish().await.unwrap()
}

/// A value as `COPY ... FROM STDIN` reads it (text format).
fn copy_field(v: Option<String>) -> String {
    match v {
        None => "\\N".to_string(),
        Some(s) => s
            .replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n"),
    }
}

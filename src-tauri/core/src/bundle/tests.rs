use std::hash::{Hash, Hasher};
use std::io::Read;

use chrono::{TimeZone, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rusqlite::types::Value;
use rusqlite::Connection;

use super::*;
use crate::domain::Settings;
use crate::reports::{self, GroupBy, ReportFilter};
use crate::store::{Store, LATEST};

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    crate::demo::fill(&mut store, 5, now).unwrap();
    store
}

fn rep_id(conn: &Connection, name: &str) -> String {
    conn.query_row("SELECT id FROM reps WHERE name = ?1", [name], |r| r.get(0))
        .unwrap()
}

fn bundle_bytes(conn: &Connection, rep: &str) -> Vec<u8> {
    let mut out = Vec::new();
    export(conn, rep, None, None, &mut out).unwrap();
    out
}

/// Every table's rows, hashed: proof that nothing changed.
fn fingerprint(conn: &Connection) -> Vec<(String, usize, u64)> {
    let tables: Vec<String> = {
        let mut s = conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 AND name NOT LIKE 'calls_fts%' ORDER BY name",
            )
            .unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    tables
        .into_iter()
        .map(|t| {
            let mut s = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = s.column_count();
            let mut rows: Vec<String> = s
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            rows.hash(&mut h);
            (t, rows.len(), h.finish())
        })
        .collect()
}

fn rep_filter(id: &str) -> ReportFilter {
    ReportFilter {
        rep_ids: vec![id.to_string()],
        ..ReportFilter::default()
    }
}

#[test]
fn a_bundle_round_trips_and_importing_it_twice_changes_nothing() {
    let source = demo_store();
    let s = Settings::default();
    let sc = source.conn();
    let alex = rep_id(sc, "Alex Rivera");
    let sam = rep_id(sc, "Sam Okafor");
    let alex_bytes = bundle_bytes(sc, &alex);
    let sam_bytes = bundle_bytes(sc, &sam);
    assert_eq!(&alex_bytes[..2], &[0x1f, 0x8b], "gzip");

    let mut manager = Store::open_in_memory().unwrap();
    // The manager already has a theme of the same name under another id.
    crate::lists::create_theme(
        manager.conn(),
        "texas",
        crate::domain::ThemeKind::Geography,
        "",
    )
    .unwrap();
    let r1 = import(&mut manager, alex_bytes.as_slice()).unwrap();
    assert_eq!(r1.rep_name, "Alex Rivera");
    assert_eq!(r1.rep_id, alex, "a new rep keeps the bundle's id");
    assert!(r1.calls.added > 0);
    assert_eq!(r1.calls.added, r1.calls.in_bundle);
    assert_eq!(r1.calls.already_present, 0);
    assert!(r1.themes_matched.iter().any(|t| t == "Texas"));
    assert!(!r1.unchanged);
    let r2 = import(&mut manager, sam_bytes.as_slice()).unwrap();
    assert_eq!(r2.rep_name, "Sam Okafor");
    let mc = manager.conn();
    let themes: i64 = mc
        .query_row(
            "SELECT count(*) FROM themes WHERE name = 'Texas' COLLATE NOCASE",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(themes, 1, "no duplicate theme");
    // No duplicate objection library either: matched by slug.
    let objections: i64 = mc
        .query_row("SELECT count(*) FROM objections", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        objections as usize,
        crate::playbook::DEFAULT_OBJECTIONS.len()
    );

    // Every figure of each rep is the same in the manager's database.
    for (rep, name) in [(&alex, "Alex Rivera"), (&sam, "Sam Okafor")] {
        let mine = rep_id(mc, name);
        assert_eq!(&mine, rep, "calls keep their rep");
        let a = reports::funnel(sc, &rep_filter(rep), &s).unwrap();
        let b = reports::funnel(mc, &rep_filter(&mine), &s).unwrap();
        assert_eq!(a, b, "{name}");
        let by_day_a = reports::funnel_by(sc, &rep_filter(rep), GroupBy::Day, &s).unwrap();
        let by_day_b = reports::funnel_by(mc, &rep_filter(&mine), GroupBy::Day, &s).unwrap();
        assert_eq!(by_day_a, by_day_b);
        let pa = reports::playbook::playbook(sc, &rep_filter(rep), &s).unwrap();
        let pb = reports::playbook::playbook(mc, &rep_filter(&mine), &s).unwrap();
        let key = |p: &reports::playbook::PlaybookReport| {
            (
                p.objections
                    .iter()
                    .map(|o| (o.slug.clone(), o.times, o.calls, o.meetings))
                    .collect::<Vec<_>>(),
                p.responses
                    .iter()
                    .map(|r| (r.response.clone(), r.calls, r.meetings))
                    .collect::<Vec<_>>(),
                p.talk_tracks
                    .iter()
                    .map(|t| (t.track_name.clone(), t.version, t.dials, t.meetings))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(key(&pa), key(&pb), "{name}");
        let ba = reports::blocks::blocks(sc, &rep_filter(rep), &s).unwrap();
        let bb = reports::blocks::blocks(mc, &rep_filter(&mine), &s).unwrap();
        assert_eq!(ba.total.run, bb.total.run);
        assert_eq!(ba.total.dials, bb.total.dials);
        assert_eq!(ba.total.active_seconds, bb.total.active_seconds);
    }
    // Text search works on imported notes.
    let hits = reports::funnel(
        mc,
        &ReportFilter {
            text: Some("month-end".into()),
            ..ReportFilter::default()
        },
        &s,
    )
    .unwrap();
    assert!(hits.dials > 0);

    // The same bundles again: nothing changes.
    let before = fingerprint(manager.conn());
    let again = import(&mut manager, alex_bytes.as_slice()).unwrap();
    assert!(again.unchanged, "{again:?}");
    assert_eq!(again.calls.added, 0);
    assert_eq!(again.calls.already_present, r1.calls.in_bundle);
    import(&mut manager, sam_bytes.as_slice()).unwrap();
    assert_eq!(fingerprint(manager.conn()), before);
}

#[test]
fn a_period_selects_its_calls_and_blocks() {
    let source = demo_store();
    let sc = source.conn();
    let alex = rep_id(sc, "Alex Rivera");
    let from = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 13, 0, 0, 0).unwrap();
    let b = build(sc, &alex, Some(from), Some(to)).unwrap();
    let expect: i64 = sc
        .query_row(
            "SELECT count(*) FROM calls WHERE rep_id = ?1 AND outcome IS NOT NULL
             AND started_at >= '2026-11-10' AND started_at < '2026-11-13'",
            [&alex],
            |r| r.get(0),
        )
        .unwrap();
    assert!(expect > 0);
    assert_eq!(b.calls.len() as i64, expect);
    assert!(b
        .blocks
        .iter()
        .all(|bl| bl.started_at.as_str() >= "2026-11-10" && bl.started_at.as_str() < "2026-11-13"));
    assert_eq!(b.counts.calls as usize, b.calls.len());
    assert!(build(sc, "nobody", None, None).is_err());
}

fn reencode(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut json = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut json).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    edit(&mut v);
    let mut out = Vec::new();
    let mut gz = GzEncoder::new(&mut out, flate2::Compression::fast());
    serde_json::to_writer(&mut gz, &v).unwrap();
    gz.finish().unwrap();
    out
}

#[test]
fn newer_damaged_and_foreign_bundles_are_refused_and_nothing_is_imported() {
    let source = demo_store();
    let sc = source.conn();
    let bytes = bundle_bytes(sc, &rep_id(sc, "Alex Rivera"));
    let mut manager = Store::open_in_memory().unwrap();
    let before = fingerprint(manager.conn());
    let refuse = |m: &mut Store, b: &[u8], kind: &str, words: &str| {
        let e = import_named(m, b, "alex.cbbundle").unwrap_err();
        assert_eq!(e.kind(), kind, "{e}");
        let msg = e.to_string();
        assert!(msg.contains("alex.cbbundle"), "{msg}");
        assert!(msg.contains(words), "{msg}");
        assert!(
            msg.contains("nothing was imported") || msg.contains("Nothing was imported"),
            "{msg}"
        );
    };
    let newer = reencode(&bytes, |v| {
        v["format_version"] = serde_json::json!(FORMAT_VERSION + 1)
    });
    refuse(
        &mut manager,
        &newer,
        "bundle_too_new",
        "newer version of Callblock",
    );
    let newer_schema = reencode(&bytes, |v| {
        v["schema_version"] = serde_json::json!(LATEST + 1);
        v["calls"] = serde_json::json!("a shape this version does not know");
    });
    refuse(&mut manager, &newer_schema, "bundle_too_new", "schema");
    refuse(
        &mut manager,
        &bytes[..bytes.len() / 2],
        "bundle_damaged",
        "damaged",
    );
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    refuse(&mut manager, &flipped, "bundle_damaged", "damaged");
    let short = reencode(&bytes, |v| {
        v["calls"].as_array_mut().unwrap().pop();
    });
    refuse(&mut manager, &short, "bundle_damaged", "calls");
    let dangling = reencode(&bytes, |v| {
        v["prospects"].as_array_mut().unwrap().pop();
        let n = v["counts"]["prospects"].as_u64().unwrap();
        v["counts"]["prospects"] = serde_json::json!(n - 1);
    });
    refuse(
        &mut manager,
        &dangling,
        "bundle_damaged",
        "not in the bundle",
    );
    refuse(
        &mut manager,
        b"name,phone\nAnn,555\n",
        "not_a_bundle",
        "not a Callblock bundle",
    );
    let other = reencode(&bytes, |v| {
        v["format"] = serde_json::json!("something-else")
    });
    refuse(&mut manager, &other, "not_a_bundle", "something-else");
    assert_eq!(fingerprint(manager.conn()), before, "nothing was imported");

    // A call that belongs to another rep here: refused, and the whole import undone.
    let alex = rep_id(sc, "Alex Rivera");
    import(&mut manager, bytes.as_slice()).unwrap();
    let other_rep = crate::reps::create_rep(manager.conn(), "Someone Else", None, None).unwrap();
    let call: String = manager
        .conn()
        .query_row("SELECT id FROM calls LIMIT 1", [], |r| r.get(0))
        .unwrap();
    manager
        .conn()
        .execute(
            "UPDATE calls SET rep_id = ?1 WHERE id = ?2",
            [&other_rep.id, &call],
        )
        .unwrap();
    let mid = fingerprint(manager.conn());
    // A fresh export from Alex with one more block: the conflict undoes it all.
    let extra = reencode(&bytes, |v| {
        let mut b = v["blocks"][0].clone();
        b["id"] = serde_json::json!("a-new-block");
        v["blocks"].as_array_mut().unwrap().push(b);
        let n = v["counts"]["blocks"].as_u64().unwrap();
        v["counts"]["blocks"] = serde_json::json!(n + 1);
    });
    let e = import(&mut manager, extra.as_slice()).unwrap_err();
    assert_eq!(e.kind(), "bundle_conflict", "{e}");
    assert!(e.to_string().contains(&call));
    assert_eq!(fingerprint(manager.conn()), mid);
    let _ = alex;
}

#[test]
fn a_rep_known_by_name_keeps_the_managers_id_and_new_playbook_text_is_added() {
    let source = demo_store();
    let sc = source.conn();
    let alex = rep_id(sc, "Alex Rivera");
    // Alex edits a library response after the demo.
    let (oid, theme): (String, Option<String>) = sc
        .query_row(
            "SELECT objection_id, theme_id FROM objection_responses r JOIN objections o ON o.id = r.objection_id
             WHERE o.slug = 'busy_now'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(theme.is_none());
    sc.execute(
        "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
         VALUES ('alex-busy-v2', ?1, NULL, 2, 'Two minutes now, or Thursday?', '2026-11-20T10:00:00.000Z')",
        [&oid],
    )
    .unwrap();
    sc.execute(
        "UPDATE call_objections SET response_id = 'alex-busy-v2' WHERE objection_id = ?1",
        [&oid],
    )
    .unwrap();
    let bytes = bundle_bytes(sc, &alex);
    let mut manager = Store::open_in_memory().unwrap();
    let mine = crate::reps::create_rep(manager.conn(), "alex rivera", None, None).unwrap();
    let r = import(&mut manager, bytes.as_slice()).unwrap();
    assert!(r.rep_matched_by_name);
    assert_eq!(r.rep_id, mine.id);
    let mc = manager.conn();
    let n: i64 = mc
        .query_row(
            "SELECT count(*) FROM calls WHERE rep_id = ?1",
            [&mine.id],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(n as u32, r.calls.added);
    let v: u32 = mc
        .query_row(
            "SELECT version FROM objection_responses WHERE id = 'alex-busy-v2'",
            [],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(v, 2);
    assert!(r.responses_added >= 1);
    assert!(
        r.talk_track_versions_added >= 2,
        "the logistics track's versions"
    );
}

#[test]
fn a_bundle_that_inflates_past_the_limit_is_refused_before_it_is_read_whole() {
    use std::io::Write;
    // 65 MiB of spaces inside a JSON object compress to about 65 KiB.
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"format\": \"callblock-bundle\", \"pad\": \"")
        .unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..65 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\"}").unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let e = read(bomb.as_slice(), "bomb.cbbundle").unwrap_err();
    assert_eq!(e.kind(), "bundle_too_large", "{e}");
    assert!(e.to_string().contains("more than 64 MiB"), "{e}");
    assert!(
        e.to_string()
            .contains("nothing was imported. Export a shorter period"),
        "{e}"
    );
    // So is a file larger than the limit before it is decompressed.
    let big = vec![b'{'; (MAX_BUNDLE_BYTES + 10) as usize];
    let e = read(big.as_slice(), "big.cbbundle").unwrap_err();
    assert_eq!(e.kind(), "bundle_too_large", "{e}");
}

#[test]
fn a_block_naming_millions_of_themes_is_refused_as_it_is_read() {
    let source = demo_store();
    let sc = source.conn();
    let bytes = bundle_bytes(sc, &rep_id(sc, "Alex Rivera"));
    let mut manager = Store::open_in_memory().unwrap();
    let before = fingerprint(manager.conn());
    let many = reencode(&bytes, |v| {
        let ids = vec![serde_json::json!(""); format::MAX_BLOCK_THEMES + 1];
        v["blocks"][0]["theme_ids"] = ids.into();
    });
    let e = import_named(&mut manager, many.as_slice(), "alex.cbbundle").unwrap_err();
    assert_eq!(e.kind(), "bundle_damaged", "{e}");
    assert!(e.to_string().contains("at most 1000 theme ids"), "{e}");
    assert_eq!(fingerprint(manager.conn()), before);
}

#[test]
fn a_refusal_shows_the_bundles_text_escaped_and_cut() {
    let source = demo_store();
    let sc = source.conn();
    let bytes = bundle_bytes(sc, &rep_id(sc, "Alex Rivera"));
    let mut manager = Store::open_in_memory().unwrap();
    let before = fingerprint(manager.conn());
    let refused = |m: &mut Store, b: &[u8]| {
        let msg = import_named(m, b, "alex.cbbundle").unwrap_err().to_string();
        assert!(
            !msg.chars()
                .any(|c| c.is_control() || c == '\u{200e}' || c == '\u{202e}'),
            "{msg:?}"
        );
        assert!(msg.len() < 500, "{msg}");
        msg
    };
    // serde's "unknown variant" quotes the value raw.
    let m = refused(
        &mut manager,
        &reencode(&bytes, |v| {
            v["calls"][0]["outcome"] = "\u{1b}[31m\u{9b}2J".into()
        }),
    );
    assert!(m.contains("unknown variant"), "{m}");
    // A reference to a row that is not there quotes the reference.
    let m = refused(
        &mut manager,
        &reencode(&bytes, |v| {
            let id = v["calls"][0]["prospect_id"].as_str().unwrap().to_string();
            v["calls"][0]["prospect_id"] = format!("\u{200e}{id}\u{202e}").into();
        }),
    );
    assert!(m.contains("refers to prospect"), "{m}");
    // A newer bundle names the app version it came from: cut, escaped.
    let m = refused(
        &mut manager,
        &reencode(&bytes, |v| {
            v["format_version"] = serde_json::json!(FORMAT_VERSION + 1);
            v["app_version"] = format!("9\u{1b}[2J{}", "9".repeat(1_000_000)).into();
        }),
    );
    assert!(m.contains("newer version"), "{m}");
    assert_eq!(fingerprint(manager.conn()), before);
}

#[test]
fn every_value_of_a_bundle_is_checked_by_the_rules_of_every_way_in() {
    let source = demo_store();
    let sc = source.conn();
    let bytes = bundle_bytes(sc, &rep_id(sc, "Alex Rivera"));
    let mut manager = Store::open_in_memory().unwrap();
    let before = fingerprint(manager.conn());
    let refuse = |m: &mut Store, b: &[u8], words: &str| {
        let e = import_named(m, b, "alex.cbbundle").unwrap_err();
        assert_eq!(e.kind(), "bundle_damaged", "{e}");
        let msg = e.to_string();
        assert!(msg.contains("alex.cbbundle"), "{msg}");
        assert!(msg.contains(words), "{words:?} in {msg}");
        assert!(
            msg.len() < 600,
            "a refusal never echoes a long value: {msg}"
        );
    };
    let huge = "x".repeat(10 * 1024 * 1024);
    for (path, words) in [
        (
            &["themes", "0", "name"][..],
            "theme name: is 10485760 characters long",
        ),
        (
            &["rep", "name"][..],
            "rep name: is 10485760 characters long",
        ),
        (
            &["prospects", "0", "company"][..],
            "company: is 10485760 characters",
        ),
        (&["meetings", "0", "starts_at"][..], "starts_at"),
        (&["themes", "0", "kind"][..], "ThemeKind"),
        (&["meetings", "0", "format"][..], "format"),
        (&["calls", "0", "outcome"][..], "unknown variant"),
    ] {
        let long = reencode(&bytes, |v| {
            let mut at = &mut *v;
            for k in path {
                at = match k.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*k],
                };
            }
            *at = serde_json::json!(huge);
        });
        refuse(&mut manager, &long, words);
    }
    let not_a_date = reencode(&bytes, |v| {
        v["meetings"][0]["starts_at"] = serde_json::json!("not a date")
    });
    refuse(&mut manager, &not_a_date, "meeting");
    let twice = reencode(&bytes, |v| {
        let first = v["prospects"][0]["id"].clone();
        v["prospects"][1]["id"] = first;
    });
    refuse(&mut manager, &twice, "two prospect rows have the id");
    let bad_kind = reencode(&bytes, |v| {
        v["themes"][0]["kind"] = serde_json::json!("galaxy")
    });
    refuse(&mut manager, &bad_kind, "\"galaxy\" is not one of");
    let bad_id = reencode(&bytes, |v| {
        v["calls"][0]["id"] = serde_json::json!("a b\r\nc")
    });
    refuse(&mut manager, &bad_id, "which is not an id");
    assert_eq!(fingerprint(manager.conn()), before, "nothing was imported");

    // Text is normalized as it comes in: a line break in a first name and a
    // look-alike theme name (zero-width space, right-to-left override).
    let theme_name: String = sc
        .query_row("SELECT name FROM themes ORDER BY name LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let odd = reencode(&bytes, |v| {
        v["prospects"][0]["first_name"] = serde_json::json!("Ann\r\nATTENDEE:evil");
        let t = v["themes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|t| t["name"] == serde_json::json!(theme_name))
            .unwrap();
        t["name"] = serde_json::json!(format!("\u{202E}{theme_name}\u{200B}"));
    });
    import(&mut manager, odd.as_slice()).unwrap();
    let mc = manager.conn();
    let first: String = mc
        .query_row(
            "SELECT first_name FROM prospects WHERE first_name LIKE 'Ann%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, "Ann ATTENDEE:evil");
    let count = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM themes", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        count(mc),
        count(sc),
        "the look-alike name is the theme's own name"
    );
    assert!(mc
        .query_row(
            "SELECT 1 FROM themes WHERE name = ?1",
            [&theme_name],
            |_| Ok(())
        )
        .is_ok());
    // A later bundle with the plain name matches that theme: no second one.
    import(&mut manager, bytes.as_slice()).unwrap();
    assert_eq!(count(manager.conn()), count(sc));
}

#[test]
fn a_bundle_never_changes_who_calls_here() {
    let source = demo_store();
    let sc = source.conn();
    let bytes = bundle_bytes(sc, &rep_id(sc, "Alex Rivera"));
    // A manager's database with no rep of its own: still none after the
    // import (the window asks the name of the rep who calls).
    let mut manager = Store::open_in_memory().unwrap();
    import(&mut manager, bytes.as_slice()).unwrap();
    assert_eq!(crate::reps::current_rep(manager.conn()).unwrap(), None);
    // A rep whose name sorts after the bundle's stays the one who calls.
    let mut rep_db = Store::open_in_memory().unwrap();
    let zed = crate::reps::create_rep(rep_db.conn(), "Zed Young", None, None).unwrap();
    import(&mut rep_db, bytes.as_slice()).unwrap();
    let now = crate::reps::current_rep(rep_db.conn()).unwrap().unwrap();
    assert_eq!(now.id, zed.id);
}

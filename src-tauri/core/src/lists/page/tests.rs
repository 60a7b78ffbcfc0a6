use std::collections::HashSet;

use chrono::Utc;
use rusqlite::{params, Connection};

use super::*;
use crate::domain::ThemeKind;
use crate::lists::{create_theme, insert_prospect, NewPhone, NewProspect};
use crate::store::Store;

/// Each way of serving a search (nothing remembered, so that each is taken):
/// as the app does; the rows walked and checked with LIKE; the candidates
/// of the search index read whole; every match found from the candidates
/// after a glance; every match found by checking the whole list.
const WAYS: [Tuning; 5] = [
    Tuning {
        memo: false,
        ..TUNING
    },
    Tuning {
        small: 0,
        glance: usize::MAX,
        big: 0,
        memo: false,
    },
    Tuning {
        small: usize::MAX,
        glance: 0,
        big: usize::MAX,
        memo: false,
    },
    Tuning {
        small: 0,
        glance: 0,
        big: usize::MAX,
        memo: false,
    },
    Tuning {
        small: 0,
        glance: 0,
        big: 0,
        memo: false,
    },
];

fn prospect(theme: &str, first: &str, last: &str, company: &str) -> NewProspect {
    NewProspect {
        theme_id: Some(theme.to_string()),
        first_name: first.into(),
        last_name: last.into(),
        company: company.into(),
        phones: vec![NewPhone {
            kind: "direct".into(),
            e164: Some("+13125550142".into()),
            extension: Some("12".into()),
            raw: "(312) 555-0142 x12".into(),
        }],
        ..NewProspect::default()
    }
}

fn query(
    theme: Option<&str>,
    status: Option<ProspectStatus>,
    search: Option<&str>,
) -> ProspectQuery {
    ProspectQuery {
        theme_id: theme.map(str::to_string),
        search: search.map(str::to_string),
        status,
        ready: false,
        seek: ProspectSeek::First,
        limit: 7,
    }
}

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
}

const LASTS: &[&str] = &[
    "Doe", "doe", "DOE", "Müller", "muller", "O'Neil", "van Dyke", "", "Zhang", "Ng", "Abe",
    "_under", "Ærø",
];
const FIRSTS: &[&str] = &["Ann", "ann", "Bob", "", "Émile", "Zoe", "Al"];
const COMPANIES: &[&str] = &["Acme 100%", "Northwind", "Contoso_Ltd", "Initech", "Acme"];
const STATUSES: &[&str] = &[
    "new",
    "attempting",
    "exhausted",
    "meeting",
    "not_interested",
];

/// `n` prospects on `theme` (or none) with many equal names, written as an
/// import writes them (the triggers count them).
fn fill(c: &Connection, theme: Option<&str>, n: usize, seed: u64) {
    let mut rng = Rng(seed);
    let mut ins = c
        .prepare(
            "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email,
                status, attempts, next_attempt_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'Buyer', ?5, ?6, ?7, ?8, ?9, 'n', 'n')",
        )
        .unwrap();
    let mut phone = c
        .prepare(
            "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
             VALUES (?1, 0, 'direct', ?2, ?3)",
        )
        .unwrap();
    for _ in 0..n {
        let id = crate::ids::new_id();
        let status = STATUSES[rng.below(STATUSES.len() as u64) as usize];
        let attempting = status == "attempting";
        ins.execute(params![
            id,
            theme,
            FIRSTS[rng.below(FIRSTS.len() as u64) as usize],
            LASTS[rng.below(LASTS.len() as u64) as usize],
            COMPANIES[rng.below(COMPANIES.len() as u64) as usize],
            (rng.below(3) == 0).then(|| format!("x{}@acme.example", rng.below(1000))),
            status,
            i64::from(attempting),
            attempting.then_some("2030-01-01T00:00:00Z"),
        ])
        .unwrap();
        let digits = format!("{:07}", rng.below(10_000_000));
        phone
            .execute(params![
                id,
                format!("+1312{digits}"),
                format!("(312) {}-{}", &digits[..3], &digits[3..])
            ])
            .unwrap();
    }
}

/// The list as one query orders it: the reference every way is held to.
fn expected(c: &Connection, q: &ProspectQuery) -> Vec<String> {
    let search = q
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(like_pattern);
    let mut stmt = c
        .prepare(&format!(
            "SELECT p.id FROM prospects p
             WHERE p.theme_id IS ?1 AND (?2 IS NULL OR p.status = ?2) AND (?3 IS NULL OR {})
             ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id",
            search::matches_sql("?3")
        ))
        .unwrap();
    stmt.query_map(params![q.theme_id, q.status, search], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn page(c: &Connection, q: &ProspectQuery, seek: ProspectSeek, way: Tuning) -> ProspectPage {
    prospects_with(c, &ProspectQuery { seek, ..q.clone() }, way).unwrap()
}

fn ids(p: &ProspectPage) -> Vec<String> {
    p.rows.iter().map(|r| r.id.clone()).collect()
}

/// Every page from the first by "next", and from the last by "previous".
fn check_paging(c: &Connection, q: &ProspectQuery, way: Tuning) {
    let all = expected(c, q);
    let what = format!("{:?} {:?} {:?} way {way:?}", q.theme_id, q.status, q.search);
    let limit = q.limit as usize;
    // Forwards.
    let mut got = Vec::new();
    let mut p = page(c, q, ProspectSeek::First, way);
    assert_eq!(p.offset, Some(0), "{what}");
    assert!(!p.has_before, "{what}");
    loop {
        if let Some(o) = p.offset {
            assert_eq!(o as usize, got.len(), "row number, {what}");
        }
        got.extend(ids(&p));
        if !p.has_after {
            break;
        }
        assert_eq!(p.rows.len(), limit, "a full page before the last, {what}");
        p = page(c, q, ProspectSeek::After(p.last.clone().unwrap()), way);
        assert!(p.has_before, "{what}");
    }
    assert_eq!(got, all, "forwards, {what}");
    if p.exact {
        assert_eq!(p.total as usize, all.len(), "{what}");
    }
    // Backwards.
    let mut back: Vec<Vec<String>> = Vec::new();
    let mut p = page(c, q, ProspectSeek::Last, way);
    assert!(!p.has_after, "{what}");
    if p.exact {
        assert_eq!(
            p.offset,
            Some(all.len().saturating_sub(limit) as u32),
            "{what}"
        );
    }
    loop {
        back.push(ids(&p));
        if !p.has_before {
            break;
        }
        p = page(c, q, ProspectSeek::Before(p.first.clone().unwrap()), way);
        assert!(p.has_after, "{what}");
    }
    back.reverse();
    let back: Vec<String> = back.into_iter().flatten().collect();
    // The first page is full when it is reached backwards: it overlaps the
    // second one when the list is not a whole number of pages.
    let mut dedup = Vec::new();
    let mut seen = HashSet::new();
    for id in back {
        if seen.insert(id.clone()) {
            dedup.push(id);
        }
    }
    assert_eq!(dedup, all, "backwards, {what}");
    // Jumps to every page.
    for start in (0..all.len() + limit).step_by(limit) {
        let p = page(c, q, ProspectSeek::Row(start as u32), way);
        if start < all.len() {
            assert_eq!(
                ids(&p),
                all[start..(start + limit).min(all.len())],
                "row {start}, {what}"
            );
            assert_eq!(p.offset, Some(start as u32), "{what}");
        } else {
            // Past the end: the last page.
            assert_eq!(
                ids(&p),
                all[all.len().saturating_sub(limit)..],
                "row {start}, {what}"
            );
        }
    }
}

fn setup(n: usize) -> (Store, String, String) {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let a = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
    let b = create_theme(c, "Texas", ThemeKind::Geography, "").unwrap();
    fill(c, Some(&a.id), n, 7);
    fill(c, Some(&b.id), n / 3, 11);
    fill(c, None, n / 5, 13);
    (store, a.id, b.id)
}

#[test]
fn pages_put_together_are_the_whole_list_under_every_filter_and_way() {
    let (store, a, b) = setup(150);
    let c = store.conn();
    let searches = [
        None,
        Some("doe"),
        Some("Ann D"),
        Some("acme 100%"),
        Some("%"),
        Some("_"),
        Some("555"),
        Some("o"),
        Some("x1"),
        Some("nobody at all"),
        Some("MÜLLER"),
        Some("müller"),
    ];
    for theme in [Some(a.as_str()), Some(b.as_str()), None] {
        for status in [
            None,
            Some(ProspectStatus::New),
            Some(ProspectStatus::Callback),
        ] {
            for search in searches {
                for way in WAYS {
                    if search.is_none() && way != WAYS[0] {
                        continue;
                    }
                    check_paging(c, &query(theme, status, search), way);
                }
            }
        }
    }
}

#[test]
fn jumps_read_from_the_page_index_of_a_long_list_and_stay_exact_after_changes() {
    let (store, a, _) = setup(2600);
    let c = store.conn();
    for status in [None, Some(ProspectStatus::New)] {
        let q = ProspectQuery {
            limit: 100,
            ..query(Some(&a), status, None)
        };
        let all = expected(c, &q);
        assert!(all.len() > posts::SHORT as usize || status.is_some());
        for start in [0usize, 99, 100, 499, 500, 501, 1234, 2000, all.len() - 1] {
            if start >= all.len() {
                continue;
            }
            let p = page(c, &q, ProspectSeek::Row(start as u32), WAYS[0]);
            assert_eq!(
                ids(&p),
                all[start..(start + 100).min(all.len())],
                "row {start}"
            );
        }
    }
    let q = ProspectQuery {
        limit: 100,
        ..query(Some(&a), None, None)
    };
    let posts_written: i64 = c
        .query_row("SELECT count(*) FROM prospect_list_posts", [], |r| r.get(0))
        .unwrap();
    assert!(posts_written > 0, "the long list got its page index");
    // Prospects added, renamed and moved: the index is written again.
    fill(c, Some(&a), 40, 99);
    c.execute(
        "UPDATE prospects SET last_name = 'Aaron' WHERE id = (SELECT id FROM prospects WHERE theme_id = ?1 ORDER BY id DESC LIMIT 1)",
        [&a],
    )
    .unwrap();
    c.execute(
        "UPDATE prospects SET theme_id = NULL WHERE id = (SELECT id FROM prospects WHERE theme_id = ?1 ORDER BY id LIMIT 1)",
        [&a],
    )
    .unwrap();
    let all = expected(c, &q);
    for start in [0usize, 500, 1000, 1501, 2555] {
        let p = page(c, &q, ProspectSeek::Row(start as u32), WAYS[0]);
        assert_eq!(
            ids(&p),
            all[start..(start + 100).min(all.len())],
            "row {start} after changes"
        );
        assert_eq!(p.total as usize, all.len());
    }
    // "Next" from a page found by a jump knows its row number again.
    let p = page(c, &q, ProspectSeek::Row(1200), WAYS[0]);
    let next = page(c, &q, ProspectSeek::After(p.last.clone().unwrap()), WAYS[0]);
    assert_eq!(next.offset, Some(1300));
    assert_eq!(ids(&next), all[1300..1400]);
}

#[test]
fn rows_written_between_two_pages_are_neither_shown_twice_nor_skipped_after_the_page() {
    let (store, a, _) = setup(60);
    let c = store.conn();
    let q = query(Some(&a), None, None);
    let before = expected(c, &q);
    let first = page(c, &q, ProspectSeek::First, WAYS[0]);
    let cut = first.last.clone().unwrap();
    // New rows on both sides of the page's end, and a row of the page moved on.
    let top = &first.first.clone().unwrap();
    let early = "00000000-0000-7000-8000-000000000000".to_string();
    c.execute(
        "INSERT INTO prospects (id, theme_id, first_name, last_name, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'n', 'n')",
        params![early, a, top.first_name, top.last_name],
    )
    .unwrap();
    let late = insert_prospect(c, &prospect(&a, "Zz", "Zzz", "Acme"), Utc::now()).unwrap();
    c.execute(
        "UPDATE prospects SET last_name = 'Zzzz' WHERE id = ?1",
        [&first.rows[0].id],
    )
    .unwrap();
    let mut rest = Vec::new();
    let mut p = page(c, &q, ProspectSeek::After(cut), WAYS[0]);
    loop {
        rest.extend(ids(&p));
        if !p.has_after {
            break;
        }
        p = page(c, &q, ProspectSeek::After(p.last.clone().unwrap()), WAYS[0]);
    }
    let shown: Vec<String> = ids(&first);
    let mut seen: HashSet<&String> = HashSet::new();
    for id in shown.iter().chain(&rest) {
        assert!(
            seen.insert(id) || id == &first.rows[0].id,
            "{id} shown twice"
        );
    }
    assert!(
        rest.contains(&late),
        "a row written after the page is found"
    );
    assert!(
        !rest.contains(&early),
        "a row written before the page is not"
    );
    assert!(
        rest.contains(&first.rows[0].id),
        "renamed to the end: read again there"
    );
    for id in &before[shown.len()..] {
        assert!(rest.contains(id), "{id} skipped");
    }
    // The counts followed.
    assert_eq!(p.total as usize, before.len() + 2);
}

#[test]
fn a_filter_change_keeps_the_first_row_when_it_still_matches() {
    let (store, a, _) = setup(2300);
    let c = store.conn();
    let q = ProspectQuery {
        limit: 50,
        ..query(Some(&a), None, None)
    };
    let p = page(c, &q, ProspectSeek::Row(1750), WAYS[0]);
    let top = p.rows[0].clone();
    let key = p.first.clone().unwrap();
    // The status of the first row: it stays first, at its row in the new list.
    let narrowed = ProspectQuery {
        status: Some(top.status),
        ..q.clone()
    };
    let n = page(c, &narrowed, ProspectSeek::From(key.clone()), WAYS[0]);
    let all = expected(c, &narrowed);
    let at = all.iter().position(|id| *id == top.id).unwrap();
    assert_eq!(n.rows[0].id, top.id);
    assert_eq!(n.offset, Some(at as u32));
    assert_eq!(n.has_before, at > 0);
    // A search it matches, each way.
    for way in WAYS {
        let s = ProspectQuery {
            search: Some(top.company.clone()),
            ..q.clone()
        };
        let n = page(c, &s, ProspectSeek::From(key.clone()), way);
        assert_eq!(n.rows[0].id, top.id, "way {way:?}");
        let all = expected(c, &s);
        let at = all.iter().position(|id| *id == top.id).unwrap();
        assert_eq!(ids(&n), all[at..(at + 50).min(all.len())], "way {way:?}");
    }
    // A status it does not have: the page starts at the next row that has it.
    let other = if top.status == ProspectStatus::New {
        ProspectStatus::Meeting
    } else {
        ProspectStatus::New
    };
    let elsewhere = ProspectQuery {
        status: Some(other),
        ..q.clone()
    };
    let n = page(c, &elsewhere, ProspectSeek::From(key), WAYS[0]);
    let all = expected(c, &elsewhere);
    let order = |id: &str| -> ProspectKey {
        c.query_row(
            "SELECT last_name, first_name, id FROM prospects WHERE id = ?1",
            [id],
            |r| {
                Ok(ProspectKey {
                    last_name: r.get(0)?,
                    first_name: r.get(1)?,
                    id: r.get(2)?,
                })
            },
        )
        .unwrap()
    };
    let key = order(&top.id);
    let at = all
        .iter()
        .position(|id| order(id).order(&key) == Ordering::Greater)
        .unwrap_or(all.len());
    if at < all.len() {
        assert_eq!(n.rows[0].id, all[at]);
    }
}

#[test]
fn edges_an_empty_list_a_single_page_and_keys_past_the_ends() {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let t = create_theme(c, "Empty", ThemeKind::Custom, "").unwrap();
    for seek in [
        ProspectSeek::First,
        ProspectSeek::Last,
        ProspectSeek::Row(40),
        ProspectSeek::After(ProspectKey {
            last_name: "M".into(),
            first_name: "".into(),
            id: "".into(),
        }),
    ] {
        let p = page(c, &query(Some(&t.id), None, None), seek, WAYS[0]);
        assert!(p.rows.is_empty() && p.total == 0 && p.exact);
        assert!(!p.has_before && !p.has_after);
    }
    for name in ["B", "C", "A"] {
        insert_prospect(c, &prospect(&t.id, "X", name, "Acme"), Utc::now()).unwrap();
    }
    let q = query(Some(&t.id), None, None);
    let p = page(c, &q, ProspectSeek::First, WAYS[0]);
    assert_eq!(
        p.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["X A", "X B", "X C"]
    );
    assert!(!p.has_before && !p.has_after);
    assert_eq!(page(c, &q, ProspectSeek::Last, WAYS[0]).rows, p.rows);
    // After the last row: the last page; before the first: the first.
    let after = page(c, &q, ProspectSeek::After(p.last.clone().unwrap()), WAYS[0]);
    assert_eq!(after.rows, p.rows);
    assert_eq!(after.offset, Some(0));
    let before = page(
        c,
        &q,
        ProspectSeek::Before(p.first.clone().unwrap()),
        WAYS[0],
    );
    assert_eq!(before.rows, p.rows);
    // A key between two rows starts the page at the next one.
    let between = ProspectKey {
        last_name: "b".into(),
        first_name: "Y".into(),
        id: String::new(),
    };
    let from = page(c, &q, ProspectSeek::From(between), WAYS[0]);
    assert_eq!(from.rows[0].name, "X C");
    assert_eq!(from.offset, Some(2));
}

#[test]
fn search_matches_names_companies_and_phones_literally() {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let t = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
    insert_prospect(
        c,
        &prospect(&t.id, "Ann", "Doe", "Northwind 100%"),
        Utc::now(),
    )
    .unwrap();
    insert_prospect(c, &prospect(&t.id, "Bob", "Doe", "Contoso"), Utc::now()).unwrap();
    for way in WAYS {
        let q = |s: &str| {
            page(
                c,
                &query(Some(&t.id), None, Some(s)),
                ProspectSeek::First,
                way,
            )
        };
        assert_eq!(q("ann").total, 1);
        assert_eq!(q("contoso").rows[0].name, "Bob Doe");
        assert_eq!(q("100%").total, 1);
        assert_eq!(q("%").total, 1, "% is matched literally");
        assert_eq!(q("555014").total, 2);
        assert_eq!(q("").total, 2);
        assert_eq!(
            q("ann").rows[0].phone,
            "(312) 555-0142 ext. 12",
            "as a US rep reads it"
        );
        assert_eq!(q("Ann Doe").total, 1);
        assert_eq!(q("Ann  Doe").total, 0);
    }
}

#[test]
fn the_search_index_follows_every_change_to_what_it_searches() {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let t = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
    let ann = insert_prospect(c, &prospect(&t.id, "Ann", "Doe", "Northwind"), Utc::now()).unwrap();
    let bob = insert_prospect(c, &prospect(&t.id, "Bob", "Roe", "Contoso"), Utc::now()).unwrap();
    // Through the search index (its candidates read whole), and every other
    // way agreeing.
    let found = |s: &str| -> Vec<String> {
        let q = query(Some(&t.id), None, Some(s));
        let p = ids(&page(c, &q, ProspectSeek::First, WAYS[2]));
        for way in WAYS {
            assert_eq!(
                ids(&page(c, &q, ProspectSeek::First, way)),
                p,
                "{s:?} {way:?}"
            );
        }
        p
    };
    assert_eq!(found("northwind"), std::slice::from_ref(&ann));
    let indexed: i64 = c
        .query_row("SELECT indexed_to FROM prospects_search_state", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(indexed > 0, "the first search built the index");
    // A field changed, a number added and one removed, a prospect added.
    c.execute(
        "UPDATE prospects SET company = 'Fabrikam' WHERE id = ?1",
        [&ann],
    )
    .unwrap();
    // A number added the way every writer adds one: with the prospect's row.
    c.execute(
        "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
         VALUES (?1, 1, 'mobile', '+14155550199', '415 555 0199')",
        [&bob],
    )
    .unwrap();
    c.execute(
        "UPDATE prospects SET updated_at = 'later' WHERE id = ?1",
        [&bob],
    )
    .unwrap();
    c.execute(
        "DELETE FROM prospect_phones WHERE prospect_id = ?1 AND position = 0",
        [&ann],
    )
    .unwrap();
    let cy = insert_prospect(c, &prospect(&t.id, "Cy", "Poe", "Northwind"), Utc::now()).unwrap();
    assert_eq!(found("northwind"), std::slice::from_ref(&cy));
    assert_eq!(found("fabrikam"), std::slice::from_ref(&ann));
    assert_eq!(found("4155550199"), std::slice::from_ref(&bob));
    assert_eq!(found("3125550142"), [cy.clone(), bob.clone()], "Poe, Roe");
    // A prospect deleted, and its rowid used again.
    c.execute("DELETE FROM prospects WHERE id = ?1", [&cy])
        .unwrap();
    assert!(found("poe").is_empty());
    let dee =
        insert_prospect(c, &prospect(&t.id, "Dee", "Quill", "Northwind"), Utc::now()).unwrap();
    assert_eq!(found("northwind"), std::slice::from_ref(&dee));
    assert_eq!(found("quill"), [dee]);
    // The index says nothing the rows do not.
    let in_index: i64 = c
        .query_row(
            "SELECT count(*) FROM prospects_search WHERE prospects_search MATCH '\"poe\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_index, 0);
}

#[test]
fn a_read_only_connection_searches_the_rows_without_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let t;
    {
        let store = Store::open(&path).unwrap();
        t = create_theme(store.conn(), "Logistics", ThemeKind::Vertical, "").unwrap();
        fill(store.conn(), Some(&t.id), 30, 5);
    }
    let ro =
        Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    for way in WAYS {
        check_paging(&ro, &query(Some(&t.id), None, Some("acme")), way);
    }
    let q = ProspectQuery {
        limit: 7,
        ..query(Some(&t.id), None, None)
    };
    check_paging(&ro, &q, WAYS[0]);
}

#[test]
fn the_counts_follow_every_write_to_the_prospects() {
    let (mut store, a, b) = setup(80);
    let check = |c: &Connection| {
        assert!(posts::fold(c), "the rows inserted since are counted");
        let kept: Vec<(String, String, i64)> = c
            .prepare("SELECT theme_id, status, prospects FROM prospect_list_counts WHERE prospects > 0 ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let counted: Vec<(String, String, i64)> = c
            .prepare("SELECT ifnull(theme_id, ''), status, count(*) FROM prospects GROUP BY 1, 2 ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(kept, counted);
    };
    check(store.conn());
    store
        .conn()
        .execute(
            "UPDATE prospects SET status = 'meeting' WHERE status = 'new' AND theme_id = ?1",
            [&a],
        )
        .unwrap();
    check(store.conn());
    let moved: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM prospects WHERE theme_id = ?1 LIMIT 9")
        .unwrap()
        .query_map([&b], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    store
        .write(|tx| crate::themes::move_prospects(tx, &moved, Some(&a)))
        .unwrap();
    check(store.conn());
    store
        .write(|tx| crate::themes::move_prospects(tx, &moved[..3], None))
        .unwrap();
    let c = store.conn();
    check(c);
    c.execute("DELETE FROM prospect_phones", []).unwrap();
    c.execute("DELETE FROM prospects WHERE theme_id IS NULL", [])
        .unwrap();
    check(c);
    // The last rows deleted before they were counted, then their rowids
    // given again to new rows.
    fill(c, Some(&b), 5, 3);
    c.execute(
        "DELETE FROM prospects WHERE rowid > (SELECT max(rowid) - 3 FROM prospects)",
        [],
    )
    .unwrap();
    check(c);
    c.execute(
        "DELETE FROM prospects WHERE rowid = (SELECT max(rowid) FROM prospects)",
        [],
    )
    .unwrap();
    fill(c, Some(&a), 4, 21);
    check(c);
    let p = page(
        c,
        &query(Some(&a), None, None),
        ProspectSeek::First,
        WAYS[0],
    );
    assert_eq!(
        p.total as usize,
        expected(c, &query(Some(&a), None, None)).len()
    );
}

#[test]
fn a_search_found_whole_is_remembered_until_the_list_or_the_index_changes() {
    let (store, a, _) = setup(120);
    let c = store.conn();
    let whole = Tuning {
        small: 0,
        glance: 0,
        big: usize::MAX,
        memo: true,
    };
    let q = query(Some(&a), None, Some("acme"));
    check_paging(c, &q, whole);
    check_paging(
        c,
        &query(Some(&a), Some(ProspectStatus::New), Some("acme")),
        whole,
    );
    // A searched field changed: the next page reads the change.
    let other: String = c
        .query_row(
            "SELECT id FROM prospects WHERE theme_id = ?1 AND company = 'Initech' LIMIT 1",
            [&a],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE prospects SET company = 'Acme West' WHERE id = ?1",
        [&other],
    )
    .unwrap();
    check_paging(c, &q, whole);
    assert!(expected(c, &q).contains(&other));
    // A status changed: the list of that status reads it.
    let q_new = query(Some(&a), Some(ProspectStatus::New), Some("acme"));
    let first = page(c, &q_new, ProspectSeek::First, whole);
    c.execute(
        "UPDATE prospects SET status = 'meeting' WHERE id = ?1",
        [&first.rows[0].id],
    )
    .unwrap();
    let again = page(c, &q_new, ProspectSeek::First, whole);
    assert!(!ids(&again).contains(&first.rows[0].id));
    check_paging(c, &q_new, whole);
}

//! The search box of the Lists table: name, company, title, e-mail or a
//! number containing the text (case-insensitive for ASCII letters, `%` and
//! `_` literal), as SQLite's LIKE says.
//!
//! Which prospects may match comes from a trigram index (schema 9): every
//! three-character run of the text must appear in the prospect's searched
//! fields. That is a superset (the runs may be apart, or letters of another
//! case than LIKE folds), so a candidate is checked with LIKE before it is
//! shown or counted. The index has no content and is brought up to date
//! before a search reads it (new prospects past `indexed_to`, and those the
//! triggers marked); a text of one or two characters, or a connection that
//! cannot bring the index up to date, checks the list's rows with LIKE alone.

use std::cmp::Ordering;

use rusqlite::{params, Connection};

use crate::error::Result;

/// The LIKE pattern of a search text: contains it, `%`, `_` and `\` literal.
pub(crate) fn like_pattern(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Whether prospect `p` matches the LIKE pattern bound as `param`.
pub(crate) fn matches_sql(param: &str) -> String {
    format!(
        "((p.first_name || ' ' || p.last_name) LIKE {param} ESCAPE '\\'
          OR p.company LIKE {param} ESCAPE '\\' OR p.title LIKE {param} ESCAPE '\\'
          OR ifnull(p.email, '') LIKE {param} ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM prospect_phones ph WHERE ph.prospect_id = p.id
                     AND (ifnull(ph.e164, '') LIKE {param} ESCAPE '\\' OR ph.raw LIKE {param} ESCAPE '\\')))"
    )
}

/// What the index holds for a prospect: every searched field on a line.
const DOCUMENT: &str = "p.first_name || ' ' || p.last_name || char(10) || p.company || char(10)
    || p.title || char(10) || ifnull(p.email, '') || char(10)
    || ifnull((SELECT group_concat(ifnull(ph.e164, '') || char(10) || ph.raw, char(10))
               FROM prospect_phones ph WHERE ph.prospect_id = p.id), '')";

/// More new prospects than this are indexed by [`bulk`].
const BULK: i64 = 20_000;
/// Page cache while [`bulk`] runs, in KiB.
const BULK_CACHE_KIB: i64 = 96 * 1024;

/// Index every prospect past rowid `to`, reading the prospects and their
/// numbers side by side in id order (a lookup of each prospect's numbers
/// would read the numbers' table in random order: 24 s instead of 7 for a
/// million on this machine).
fn bulk(conn: &Connection, to: i64) -> rusqlite::Result<()> {
    let mut ins = conn.prepare("INSERT INTO prospects_search (rowid, text) VALUES (?1, ?2)")?;
    documents(conn, to, |rowid, text| {
        ins.execute(params![rowid, text]).map(|_| ())
    })
}

/// Each prospect past rowid `to` with its document (as [`DOCUMENT`] writes
/// it), in id order.
fn documents(
    conn: &Connection,
    to: i64,
    mut f: impl FnMut(i64, &str) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut people = conn.prepare(
        "SELECT p.rowid, p.id, p.first_name || ' ' || p.last_name || char(10) || p.company
                || char(10) || p.title || char(10) || ifnull(p.email, '') || char(10)
         FROM prospects p WHERE p.rowid > ?1 ORDER BY p.id",
    )?;
    let mut numbers = conn.prepare(
        "SELECT prospect_id, ifnull(e164, '') || char(10) || raw
         FROM prospect_phones ORDER BY prospect_id, position",
    )?;
    let mut numbers = numbers.query([])?;
    let mut number: Option<(String, String)> = match numbers.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    };
    let mut people = people.query([to])?;
    while let Some(p) = people.next()? {
        let rowid: i64 = p.get(0)?;
        let id: String = p.get(1)?;
        let mut text: String = p.get(2)?;
        let mut first = true;
        while let Some((pid, t)) = &number {
            match pid.as_str().cmp(id.as_str()) {
                Ordering::Greater => break,
                Ordering::Equal => {
                    if !first {
                        text.push('\n');
                    }
                    text.push_str(t);
                    first = false;
                }
                Ordering::Less => {}
            }
            number = match numbers.next()? {
                Some(r) => Some((r.get(0)?, r.get(1)?)),
                None => None,
            };
        }
        f(rowid, &text)?;
    }
    Ok(())
}

/// The index query for `text`: each run of three characters, all required.
/// `None` when the text is shorter than three characters.
pub(crate) fn trigram_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let mut runs: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    runs.sort();
    runs.dedup();
    Some(
        runs.iter()
            .map(|r| format!("\"{}\"", r.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

/// The index's version when it is up to date (nothing to take in).
pub(crate) fn current_version(conn: &Connection) -> Option<i64> {
    let (pending, version): (bool, i64) = conn
        .query_row(
            "SELECT (SELECT ifnull(max(rowid), 0) FROM prospects) > indexed_to
                    OR EXISTS (SELECT 1 FROM prospects_search_dirty),
                    version
             FROM prospects_search_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()?;
    (!pending).then_some(version)
}

/// Bring the index up to date; its version then. `None` when it could not
/// be (a read-only connection): the search then reads the rows.
pub(crate) fn refresh(conn: &Connection) -> Option<i64> {
    if let Some(v) = current_version(conn) {
        return Some(v);
    }
    conn.execute_batch("SAVEPOINT prospects_search").ok()?;
    let run = || -> rusqlite::Result<i64> {
        let to: i64 = conn.query_row("SELECT indexed_to FROM prospects_search_state", [], |r| {
            r.get(0)
        })?;
        conn.execute(
            "DELETE FROM prospects_search
             WHERE rowid IN (SELECT prospect_rowid FROM prospects_search_dirty)",
            [],
        )?;
        conn.execute(
            &format!(
                "INSERT INTO prospects_search (rowid, text)
                 SELECT p.rowid, {DOCUMENT}
                 FROM prospects_search_dirty d CROSS JOIN prospects p ON p.rowid = d.prospect_rowid"
            ),
            [],
        )?;
        conn.execute("DELETE FROM prospects_search_dirty", [])?;
        let max: i64 = conn.query_row("SELECT ifnull(max(rowid), 0) FROM prospects", [], |r| {
            r.get(0)
        })?;
        if max - to > BULK {
            // A larger page cache while the index's segments are written
            // and merged (as an import does): 18 s instead of 33 for a
            // million on this machine.
            let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
            conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
            let built = bulk(conn, to);
            conn.execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
            built?;
        } else {
            conn.execute(
                &format!(
                    "INSERT INTO prospects_search (rowid, text)
                     SELECT p.rowid, {DOCUMENT} FROM prospects p WHERE p.rowid > ?1"
                ),
                [to],
            )?;
        }
        conn.execute(
            "UPDATE prospects_search_state
             SET indexed_to = (SELECT ifnull(max(rowid), 0) FROM prospects), version = version + 1",
            [],
        )?;
        conn.query_row("SELECT version FROM prospects_search_state", [], |r| {
            r.get(0)
        })
    };
    match run() {
        Ok(v) => conn
            .execute_batch("RELEASE prospects_search")
            .ok()
            .map(|_| v),
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK TO prospects_search; RELEASE prospects_search");
            None
        }
    }
}

/// The rowids (ascending) of the prospects that may contain `text`, up to
/// `cap + 1` of them, from an index brought up to date; `None` for a text
/// too short for it.
pub(crate) fn candidates(conn: &Connection, text: &str, cap: usize) -> Result<Option<Vec<i64>>> {
    let Some(q) = trigram_query(text) else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM prospects_search WHERE prospects_search MATCH ?1 ORDER BY rowid LIMIT ?2",
    )?;
    let ids = stmt
        .query_map(
            params![q, i64::try_from(cap).unwrap_or(i64::MAX - 1) + 1],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(Some(ids))
}

/// The rowids of `rowids` whose prospect matches the LIKE pattern, in the
/// order given.
pub(crate) fn check(conn: &Connection, rowids: &[i64], pattern: &str) -> Result<Vec<i64>> {
    if rowids.is_empty() {
        return Ok(vec![]);
    }
    let json = serde_json::to_string(rowids).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.rowid FROM json_each(?1) j CROSS JOIN prospects p ON p.rowid = j.value
         WHERE {}",
        matches_sql("?2")
    ))?;
    let ok: std::collections::HashSet<i64> = stmt
        .query_map(params![json, pattern], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rowids.iter().copied().filter(|r| ok.contains(r)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_query_asks_for_every_run_of_three_characters() {
        assert_eq!(trigram_query("an"), None);
        assert_eq!(trigram_query("Ann").as_deref(), Some("\"Ann\""));
        assert_eq!(
            trigram_query("a\"b c").as_deref(),
            Some("\"\"\"b \" AND \"a\"\"b\" AND \"b c\"")
        );
        assert_eq!(
            trigram_query("aaaa").as_deref(),
            Some("\"aaa\""),
            "runs asked once"
        );
        assert_eq!(
            trigram_query("Müller")
                .as_deref()
                .map(|q| q.matches(" AND ").count()),
            Some(3)
        );
    }

    #[test]
    fn the_bulk_index_holds_what_the_one_by_one_index_holds() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO prospects (id, first_name, last_name, company, title, email, created_at, updated_at)
                 VALUES ('b', 'Ann', 'Lee', 'Acme', 'COO', 'ann@acme.example', 'n', 'n'),
                        ('a', 'Bob', 'Roe', 'Initech', '', NULL, 'n', 'n'),
                        ('c', 'Cy', 'Poe', 'Globex', 'CFO', NULL, 'n', 'n');
             INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
                 VALUES ('a', 0, 'direct', '+13125550100', '312-555-0100'),
                        ('a', 1, 'mobile', NULL, 'ask for Bob'),
                        ('b', 0, 'direct', '+14155550111', '415 555 0111');",
        )
        .unwrap();
        let docs = |c: &Connection| -> Vec<(i64, String)> {
            c.prepare(&format!(
                "SELECT p.rowid, {DOCUMENT} FROM prospects p ORDER BY 1"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let found = |q: &str| -> Vec<i64> {
            c.prepare(
                "SELECT rowid FROM prospects_search WHERE prospects_search MATCH ?1 ORDER BY rowid",
            )
            .unwrap()
            .query_map([trigram_query(q).unwrap()], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let queries = [
            "ann",
            "555",
            "0111",
            "ask for",
            "globex",
            "roe\n",
            "lee\nacme",
            "x",
        ];
        assert!(refresh(c).is_some());
        let one_by_one: Vec<Vec<i64>> = queries
            .iter()
            .filter(|q| q.len() >= 3)
            .map(|q| found(q))
            .collect();
        c.execute_batch("DELETE FROM prospects_search;").unwrap();
        assert!(found("ann").is_empty());
        bulk(c, 0).unwrap();
        let bulk_found: Vec<Vec<i64>> = queries
            .iter()
            .filter(|q| q.len() >= 3)
            .map(|q| found(q))
            .collect();
        assert_eq!(bulk_found, one_by_one);
        assert_eq!(one_by_one[0], [1]);
        assert_eq!(one_by_one[3], [2], "a number's raw text");
        // The same documents.
        let mut side = Vec::new();
        documents(c, 0, |r, t| {
            side.push((r, t.to_string()));
            Ok(())
        })
        .unwrap();
        side.sort();
        assert_eq!(side, docs(c));
        assert_eq!(
            side[0].1,
            "Ann Lee\nAcme\nCOO\nann@acme.example\n+14155550111\n415 555 0111"
        );
    }
}

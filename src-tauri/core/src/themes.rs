//! Theme operations of the Lists view: rename, merge, split by a filter,
//! move prospects, recycle exhausted prospects into a theme. Each takes the
//! caller's transaction (`Store::write(|tx| ...)`), so each is one user
//! action that happens whole or not at all.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{ProspectStatus, ThemeKind};
use crate::error::{Error, Result};
use crate::import::{geo, group, Field};
use crate::lists::{self, Theme};
use crate::rules::{self, ProspectState};
use crate::time;

/// A theme by id (archived ones too: `None` when it does not exist).
fn theme_by_id(conn: &Connection, id: &str) -> Result<Option<(Theme, bool)>> {
    Ok(conn
        .query_row(
            "SELECT id, name, kind, description, archived_at IS NOT NULL FROM themes WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    Theme {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        kind: r.get(2)?,
                        description: r.get(3)?,
                    },
                    r.get(4)?,
                ))
            },
        )
        .optional()?)
}

/// A theme that exists and is not archived.
fn live_theme(conn: &Connection, id: &str) -> Result<Theme> {
    match theme_by_id(conn, id)? {
        Some((t, false)) => Ok(t),
        _ => Err(Error::NotFound {
            what: "theme",
            id: id.to_string(),
        }),
    }
}

fn check_name(name: &str) -> Result<String> {
    crate::text::required(crate::text::THEME_NAME, name)
}

/// Rename a theme. Names are unique regardless of case; a theme may change
/// the case of its own name.
pub fn rename_theme(tx: &Transaction<'_>, theme_id: &str, new_name: &str) -> Result<Theme> {
    let mut theme = live_theme(tx, theme_id)?;
    let name = check_name(new_name)?;
    let other: Option<String> = tx
        .query_row(
            "SELECT name FROM themes WHERE name = ?1 AND id <> ?2",
            params![name, theme_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = other {
        return Err(Error::Conflict(format!(
            "a theme named {other:?} already exists"
        )));
    }
    tx.execute(
        "UPDATE themes SET name = ?2 WHERE id = ?1",
        params![theme_id, name],
    )?;
    theme.name = name;
    Ok(theme)
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct MergeReport {
    /// The theme that remains.
    pub into: Theme,
    pub moved_prospects: u32,
    /// Calls made under the merged theme now count for the remaining one.
    pub moved_calls: u32,
    /// The merged theme's talk track or objection responses were used in
    /// calls, so it is archived (hidden, kept for the call history) instead
    /// of deleted.
    pub archived: bool,
}

/// Merge theme `from` into theme `into`: every prospect (and call, block
/// and schedule slot) of `from` moves to `into`, which keeps its own
/// playbook; `from` is deleted, or archived when calls used its playbook.
pub fn merge_themes(tx: &Transaction<'_>, from_id: &str, into_id: &str) -> Result<MergeReport> {
    if from_id == into_id {
        return Err(Error::invalid(
            "merge",
            "a theme cannot be merged into itself",
        ));
    }
    let from = live_theme(tx, from_id)?;
    let into = live_theme(tx, into_id)?;
    let moved_prospects = tx.execute(
        "UPDATE prospects SET theme_id = ?2, updated_at = ?3 WHERE theme_id = ?1",
        params![from_id, into_id, time::to_db(time::now())],
    )? as u32;
    let moved_calls = tx.execute(
        "UPDATE calls SET theme_id = ?2 WHERE theme_id = ?1",
        params![from_id, into_id],
    )? as u32;
    tx.execute(
        "INSERT OR IGNORE INTO block_themes (block_id, theme_id)
         SELECT block_id, ?2 FROM block_themes WHERE theme_id = ?1",
        params![from_id, into_id],
    )?;
    tx.execute("DELETE FROM block_themes WHERE theme_id = ?1", [from_id])?;
    tx.execute(
        "UPDATE schedule_slots SET theme_id = ?2 WHERE theme_id = ?1",
        params![from_id, into_id],
    )?;
    let playbook_used: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM calls c
                JOIN talk_track_versions v ON v.id = c.talk_track_version_id
                JOIN talk_tracks t ON t.id = v.talk_track_id WHERE t.theme_id = ?1)
             OR EXISTS (SELECT 1 FROM call_objections co
                JOIN objection_responses r ON r.id = co.response_id WHERE r.theme_id = ?1)",
        [from_id],
        |r| r.get(0),
    )?;
    if playbook_used {
        let base = format!("{} (merged into {})", from.name, into.name);
        let mut name: String = base.chars().take(70).collect();
        let mut n = 2;
        while tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM themes WHERE name = ?1)",
            [&name],
            |r| r.get::<_, bool>(0),
        )? {
            name = format!("{} {n}", base.chars().take(70).collect::<String>());
            n += 1;
        }
        tx.execute(
            "UPDATE themes SET archived_at = ?2, name = ?3 WHERE id = ?1",
            params![from_id, time::to_db(time::now()), name],
        )?;
    } else {
        tx.execute("DELETE FROM themes WHERE id = ?1", [from_id])?;
    }
    Ok(MergeReport {
        into,
        moved_prospects,
        moved_calls,
        archived: playbook_used,
    })
}

/// Prospects to act on: all of the given conditions hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectFilter {
    /// Name, company, title, e-mail or phone contains this (ignoring case),
    /// as in the Lists view's search.
    pub search: Option<String>,
    /// A field has this value, as themes group by it: an industry, a state
    /// ("Texas" or "TX"), a country ("Germany" or "DE"), an employee band
    /// ("51-200"), a role family ("finance") or words of the title.
    pub field: Option<FieldFilter>,
    pub status: Option<ProspectStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldFilter {
    pub field: Field,
    pub value: String,
}

impl ProspectFilter {
    pub fn is_empty(&self) -> bool {
        self.search.as_deref().is_none_or(|s| s.trim().is_empty())
            && self.field.is_none()
            && self.status.is_none()
    }
}

/// The columns a filter looks at.
struct Row {
    id: String,
    first_name: String,
    last_name: String,
    title: String,
    company: String,
    email: String,
    city: String,
    region: String,
    country: String,
    time_zone: String,
    industry: String,
    employees: String,
    status: ProspectStatus,
    phones: String,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn matches_field(row: &Row, f: &FieldFilter) -> bool {
    let v = f.value.trim();
    let lower = v.to_lowercase();
    match f.field {
        Field::Industry => same(&row.industry, v),
        Field::City => same(&row.city, v),
        Field::Company => same(&row.company, v),
        Field::TimeZone => same(&row.time_zone, v),
        Field::Region => {
            same(&row.region, v)
                || geo::state(&row.country, &row.region)
                    .is_some_and(|(code, name)| same(code, v) || same(name, v))
        }
        Field::Country => {
            same(&row.country, v)
                || geo::country(v).is_some_and(|(code, _)| same(&row.country, code))
        }
        Field::Employees => {
            same(&row.employees, v)
                || group::employee_band(&row.employees)
                    .is_some_and(|band| same(band, v) || same(&group::size_theme_name(band), v))
        }
        Field::Title => {
            let family = group::role_family(&row.title);
            same(family.as_str(), v)
                || same(family.theme_name(), v)
                || (!row.title.is_empty() && row.title.to_lowercase().contains(&lower))
        }
        Field::FirstName => same(&row.first_name, v),
        Field::LastName => same(&row.last_name, v),
        Field::FullName => same(&format!("{} {}", row.first_name, row.last_name), v),
        Field::Email => row.email.to_lowercase().contains(&lower),
        Field::CrmId => false,
        // A prospect keeps the parts of an address: any of them.
        Field::Address => {
            [&row.city, &row.region, &row.country]
                .iter()
                .any(|part| same(part, v))
                || geo::country(v).is_some_and(|(code, _)| same(&row.country, code))
        }
        Field::Phone
        | Field::DirectPhone
        | Field::Mobile
        | Field::CorporatePhone
        | Field::OtherPhone => row.phones.to_lowercase().contains(&lower),
    }
}

fn matches(row: &Row, filter: &ProspectFilter) -> bool {
    if let Some(s) = filter.status {
        if row.status != s {
            return false;
        }
    }
    if let Some(q) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let q = q.to_lowercase();
        let name = format!("{} {}", row.first_name, row.last_name).to_lowercase();
        let hit = name.contains(&q)
            || row.company.to_lowercase().contains(&q)
            || row.title.to_lowercase().contains(&q)
            || row.email.to_lowercase().contains(&q)
            || row.phones.to_lowercase().contains(&q);
        if !hit {
            return false;
        }
    }
    match &filter.field {
        Some(f) => matches_field(row, f),
        None => true,
    }
}

/// How many prospects of a theme (`None`: without a theme) match `filter`,
/// as a split would move them.
pub fn count_matching(
    conn: &Connection,
    theme_id: Option<&str>,
    filter: &ProspectFilter,
) -> Result<u32> {
    Ok(matching_prospects(conn, theme_id, filter)?.len() as u32)
}

/// The ids of the prospects of a theme (`None`: without a theme) that match
/// `filter`, in name order.
pub fn matching_prospects(
    conn: &Connection,
    theme_id: Option<&str>,
    filter: &ProspectFilter,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.first_name, p.last_name, p.title, p.company, ifnull(p.email, ''),
            p.city, p.region, p.country, ifnull(p.time_zone, ''), p.industry, p.employees,
            p.status,
            ifnull((SELECT group_concat(ifnull(ph.e164, '') || ' ' || ph.raw, ' ')
                    FROM prospect_phones ph WHERE ph.prospect_id = p.id), '')
         FROM prospects p
         WHERE (p.theme_id = ?1 OR (?1 IS NULL AND p.theme_id IS NULL))
         ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id",
    )?;
    let rows = stmt.query_map([theme_id], |r| {
        Ok(Row {
            id: r.get(0)?,
            first_name: r.get(1)?,
            last_name: r.get(2)?,
            title: r.get(3)?,
            company: r.get(4)?,
            email: r.get(5)?,
            city: r.get(6)?,
            region: r.get(7)?,
            country: r.get(8)?,
            time_zone: r.get(9)?,
            industry: r.get(10)?,
            employees: r.get(11)?,
            status: r.get(12)?,
            phones: r.get(13)?,
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let row = row?;
        if matches(&row, filter) {
            out.push(row.id);
        }
    }
    Ok(out)
}

fn set_theme(tx: &Transaction<'_>, ids: &[String], theme_id: Option<&str>) -> Result<u32> {
    let now = time::to_db(time::now());
    let mut stmt =
        tx.prepare_cached("UPDATE prospects SET theme_id = ?2, updated_at = ?3 WHERE id = ?1")?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![id, theme_id, now])? as u32;
    }
    Ok(n)
}

/// What a split did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SplitReport {
    /// The new theme.
    pub theme: Theme,
    pub moved: u32,
}

/// Move the prospects of a theme that match `filter` to a new theme called
/// `new_name` (of `kind`, by default the kind of the theme split).
pub fn split_theme(
    tx: &Transaction<'_>,
    theme_id: &str,
    filter: &ProspectFilter,
    new_name: &str,
    kind: Option<ThemeKind>,
) -> Result<SplitReport> {
    let source = live_theme(tx, theme_id)?;
    if filter.is_empty() {
        return Err(Error::invalid(
            "split",
            "give a search, a field value or a status to choose the prospects that move",
        ));
    }
    let name = check_name(new_name)?;
    let taken: Option<String> = tx
        .query_row("SELECT name FROM themes WHERE name = ?1", [&name], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(taken) = taken {
        return Err(Error::Conflict(format!(
            "a theme named {taken:?} already exists; move the prospects to it instead"
        )));
    }
    let ids = matching_prospects(tx, Some(theme_id), filter)?;
    if ids.is_empty() {
        return Err(Error::invalid(
            "split",
            format!(
                "no prospect of {:?} matches the filter; nothing was split",
                source.name
            ),
        ));
    }
    if ids.len() as i64 == count_in(tx, theme_id)? {
        return Err(Error::invalid(
            "split",
            format!(
                "every prospect of {:?} matches the filter; rename the theme instead",
                source.name
            ),
        ));
    }
    let theme = lists::create_theme(tx, &name, kind.unwrap_or(source.kind), "")?;
    let moved = set_theme(tx, &ids, Some(&theme.id))?;
    Ok(SplitReport { theme, moved })
}

fn count_in(conn: &Connection, theme_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM prospects WHERE theme_id = ?1",
        [theme_id],
        |r| r.get(0),
    )?)
}

/// Move prospects to a theme (`None`: out of any theme). Every id must
/// exist, or nothing moves.
pub fn move_prospects(
    tx: &Transaction<'_>,
    prospect_ids: &[String],
    theme_id: Option<&str>,
) -> Result<u32> {
    if let Some(t) = theme_id {
        live_theme(tx, t)?;
    }
    let mut exists = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM prospects WHERE id = ?1)")?;
    for id in prospect_ids {
        if !exists.query_row([id], |r| r.get::<_, bool>(0))? {
            return Err(Error::NotFound {
                what: "prospect",
                id: id.clone(),
            });
        }
    }
    set_theme(tx, prospect_ids, theme_id)
}

/// Which prospects to recycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RecycleScope {
    /// Only the prospects of this theme; `None`: of every theme.
    pub from_theme_id: Option<String>,
    /// Not-interested prospects come back too (exhausted ones always do).
    pub include_not_interested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RecycleReport {
    pub recycled: u32,
    /// Do-not-call and bad-number prospects in scope, never recycled.
    pub left_out: u32,
}

/// Put exhausted (and, if asked, not-interested) prospects back into play in
/// theme `into_theme_id`, by [`rules::recycle`]: status new, attempts from
/// zero, the call history kept. Do-not-call and bad numbers never come back.
pub fn recycle_into_theme(
    tx: &Transaction<'_>,
    into_theme_id: &str,
    scope: &RecycleScope,
    at: DateTime<Utc>,
) -> Result<RecycleReport> {
    live_theme(tx, into_theme_id)?;
    if let Some(from) = &scope.from_theme_id {
        live_theme(tx, from)?;
    }
    let mut stmt = tx.prepare(
        "SELECT id, status, attempts, do_not_call, bad_number FROM prospects
         WHERE (?1 IS NULL OR theme_id = ?1)
           AND status IN ('exhausted', 'not_interested', 'do_not_call', 'bad_number')",
    )?;
    let rows: Vec<(String, ProspectStatus, u32, bool, bool)> = stmt
        .query_map([&scope.from_theme_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let now = time::to_db(at);
    let mut update = tx.prepare_cached(
        "UPDATE prospects SET status = ?2, attempts = ?3, next_attempt_at = NULL,
            callback_at = NULL, recycled = recycled + 1, theme_id = ?4, updated_at = ?5
         WHERE id = ?1",
    )?;
    let mut report = RecycleReport {
        recycled: 0,
        left_out: 0,
    };
    for (id, status, attempts, dnc, bad) in rows {
        if status == ProspectStatus::NotInterested && !scope.include_not_interested {
            continue;
        }
        let before = ProspectState {
            status,
            attempts,
            do_not_call: dnc,
            bad_number: bad,
            ..ProspectState::new()
        };
        match rules::recycle(&before) {
            Some(after) => {
                update.execute(params![
                    id,
                    after.status,
                    after.attempts,
                    into_theme_id,
                    now
                ])?;
                report.recycled += 1;
            }
            None => report.left_out += 1,
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Settings;
    use crate::import::{self, ImportOptions, ThemeChoice};
    use crate::lists::theme_summaries;
    use crate::store::Store;
    use std::path::Path;

    fn store_with_samples() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/samples/hubspot-contacts.csv");
        let src = import::read_file(&path).unwrap();
        let mut opts = ImportOptions::new(&src, &Settings::default());
        opts.theme = ThemeChoice::Field(Field::Industry);
        import::run(&mut store, &src, &opts, &mut |_| true).unwrap();
        store
    }

    fn theme(store: &Store, name: &str) -> Theme {
        lists::themes(store.conn())
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no theme {name}"))
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn rename_keeps_names_unique() {
        let mut store = store_with_samples();
        let acc = theme(&store, "Accounting");
        let t = store
            .write(|tx| rename_theme(tx, &acc.id, "  Accounting firms "))
            .unwrap();
        assert_eq!(t.name, "Accounting firms");
        store
            .write(|tx| rename_theme(tx, &acc.id, "ACCOUNTING FIRMS"))
            .unwrap();
        let e = store
            .write(|tx| rename_theme(tx, &acc.id, "construction"))
            .unwrap_err();
        assert_eq!(e.kind(), "conflict");
        let e = store
            .write(|tx| rename_theme(tx, &acc.id, " "))
            .unwrap_err();
        assert_eq!(e.kind(), "invalid");
        let e = store.write(|tx| rename_theme(tx, "nope", "X")).unwrap_err();
        assert_eq!(e.kind(), "not_found");
    }

    #[test]
    fn merge_moves_everything_and_keeps_the_target_playbook() {
        let mut store = store_with_samples();
        let a = theme(&store, "Accounting");
        let b = theme(&store, "Construction");
        let total = count(&store, "SELECT count(*) FROM prospects");
        let in_a = count(
            &store,
            &format!("SELECT count(*) FROM prospects WHERE theme_id = '{}'", a.id),
        );
        let in_b = count(
            &store,
            &format!("SELECT count(*) FROM prospects WHERE theme_id = '{}'", b.id),
        );
        // Both have talk tracks; B's stays.
        let sections = crate::playbook::default_talk_track();
        crate::playbook::save_talk_track(store.conn(), Some(&a.id), "A", &sections, "", None)
            .unwrap();
        let kept =
            crate::playbook::save_talk_track(store.conn(), Some(&b.id), "B", &sections, "", None)
                .unwrap();
        let r = store.write(|tx| merge_themes(tx, &a.id, &b.id)).unwrap();
        assert_eq!(r.moved_prospects as i64, in_a);
        assert!(!r.archived);
        assert_eq!(
            count(
                &store,
                &format!("SELECT count(*) FROM prospects WHERE theme_id = '{}'", b.id)
            ),
            in_a + in_b
        );
        assert_eq!(count(&store, "SELECT count(*) FROM prospects"), total);
        assert_eq!(
            count(
                &store,
                &format!("SELECT count(*) FROM themes WHERE id = '{}'", a.id)
            ),
            0
        );
        let track = crate::playbook::current_talk_track(store.conn(), Some(&b.id))
            .unwrap()
            .unwrap();
        assert_eq!(track.id, kept.id);
        let e = store
            .write(|tx| merge_themes(tx, &b.id, &b.id))
            .unwrap_err();
        assert_eq!(e.kind(), "invalid");
        let e = store
            .write(|tx| merge_themes(tx, &a.id, &b.id))
            .unwrap_err();
        assert_eq!(e.kind(), "not_found");
    }

    #[test]
    fn merging_a_theme_whose_playbook_was_used_archives_it() {
        let mut store = store_with_samples();
        let a = theme(&store, "Accounting");
        let b = theme(&store, "Construction");
        let sections = crate::playbook::default_talk_track();
        let v =
            crate::playbook::save_talk_track(store.conn(), Some(&a.id), "A", &sections, "", None)
                .unwrap();
        let rep = crate::reps::create_rep(store.conn(), "Rep One", None, None).unwrap();
        let prospect: String = store
            .conn()
            .query_row(
                "SELECT id FROM prospects WHERE theme_id = ?1 LIMIT 1",
                [&a.id],
                |r| r.get(0),
            )
            .unwrap();
        let call = crate::calls::CompletedCall {
            prospect_id: prospect,
            rep_id: rep.id,
            block_id: None,
            theme_id: Some(a.id.clone()),
            talk_track_version_id: Some(v.id),
            started_at: Utc::now(),
            ring_ms: None,
            duration_ms: 40_000,
            outcome: crate::domain::Outcome::NoAnswer,
            asked_for_meeting: false,
            callback_at: None,
            notes: String::new(),
            gap_current_state: String::new(),
            gap_objectives: String::new(),
            gap_impact: String::new(),
            objections: vec![],
            meeting: None,
        };
        store
            .write(|tx| crate::calls::record_completed_call(tx, &call, &Settings::default()))
            .unwrap();
        let r = store.write(|tx| merge_themes(tx, &a.id, &b.id)).unwrap();
        assert!(r.archived);
        assert_eq!(r.moved_calls, 1);
        assert!(lists::themes(store.conn())
            .unwrap()
            .iter()
            .all(|t| t.id != a.id));
        // The name is free again.
        lists::create_theme(store.conn(), "Accounting", ThemeKind::Vertical, "").unwrap();
        assert_eq!(
            count(&store, "SELECT count(*) FROM pragma_foreign_key_check"),
            0
        );
    }

    #[test]
    fn split_moves_the_matching_prospects_to_a_new_theme() {
        let mut store = store_with_samples();
        let c = theme(&store, "Construction");
        let before = count(
            &store,
            &format!("SELECT count(*) FROM prospects WHERE theme_id = '{}'", c.id),
        );
        let texas = ProspectFilter {
            field: Some(FieldFilter {
                field: Field::Region,
                value: "Texas".into(),
            }),
            ..ProspectFilter::default()
        };
        let expected = matching_prospects(store.conn(), Some(&c.id), &texas)
            .unwrap()
            .len();
        assert!(expected > 0 && (expected as i64) < before);
        let r = store
            .write(|tx| {
                split_theme(
                    tx,
                    &c.id,
                    &texas,
                    "Construction - Texas",
                    Some(ThemeKind::Geography),
                )
            })
            .unwrap();
        assert_eq!(r.moved as usize, expected);
        assert_eq!(r.theme.kind, ThemeKind::Geography);
        assert_eq!(
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM prospects WHERE theme_id = '{}' AND region = 'TX'",
                    r.theme.id
                )
            ),
            expected as i64
        );
        // By search, employee band and role family.
        let it = ProspectFilter {
            field: Some(FieldFilter {
                field: Field::Title,
                value: "IT".into(),
            }),
            ..ProspectFilter::default()
        };
        let r = store
            .write(|tx| split_theme(tx, &c.id, &it, "Construction IT", None))
            .unwrap();
        assert!(r.moved > 0);
        assert_eq!(r.theme.kind, ThemeKind::Vertical);
        let band = ProspectFilter {
            field: Some(FieldFilter {
                field: Field::Employees,
                value: "501-1000".into(),
            }),
            ..ProspectFilter::default()
        };
        assert!(!matching_prospects(store.conn(), Some(&c.id), &band)
            .unwrap()
            .is_empty());
        let search = ProspectFilter {
            search: Some("BLUEBIRD".into()),
            ..ProspectFilter::default()
        };
        assert!(matching_prospects(store.conn(), Some(&c.id), &search)
            .unwrap()
            .iter()
            .all(|id| count(&store, &format!("SELECT count(*) FROM prospects WHERE id = '{id}' AND company LIKE '%bluebird%'")) == 1));
        // Nothing matches, an empty filter, a taken name: typed errors, nothing changes.
        let none = ProspectFilter {
            search: Some("zzz".into()),
            ..ProspectFilter::default()
        };
        assert_eq!(
            store
                .write(|tx| split_theme(tx, &c.id, &none, "X", None))
                .unwrap_err()
                .kind(),
            "invalid"
        );
        assert_eq!(
            store
                .write(|tx| split_theme(tx, &c.id, &ProspectFilter::default(), "X", None))
                .unwrap_err()
                .kind(),
            "invalid"
        );
        let e = store
            .write(|tx| split_theme(tx, &c.id, &search, "accounting", None))
            .unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert!(lists::themes(store.conn())
            .unwrap()
            .iter()
            .all(|t| t.name != "X"));
    }

    #[test]
    fn move_is_all_or_nothing() {
        let mut store = store_with_samples();
        let a = theme(&store, "Accounting");
        let ids: Vec<String> = store
            .conn()
            .prepare("SELECT id FROM prospects WHERE theme_id IS NOT ?1 LIMIT 3")
            .unwrap()
            .query_map([&a.id], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let n = store
            .write(|tx| move_prospects(tx, &ids, Some(&a.id)))
            .unwrap();
        assert_eq!(n, 3);
        let mut bad = ids.clone();
        bad.push("missing".into());
        let e = store
            .write(|tx| move_prospects(tx, &bad, None))
            .unwrap_err();
        assert_eq!(e.kind(), "not_found");
        assert_eq!(
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM prospects WHERE theme_id = '{}' AND id IN ('{}')",
                    a.id,
                    ids.join("','")
                )
            ),
            3
        );
        store.write(|tx| move_prospects(tx, &ids, None)).unwrap();
        let s = theme_summaries(store.conn(), Utc::now()).unwrap();
        assert_eq!(s.last().unwrap().id, None);
        assert_eq!(s.last().unwrap().prospects, 3);
    }

    #[test]
    fn recycle_brings_back_exhausted_never_do_not_call_or_bad_numbers() {
        let mut store = store_with_samples();
        let a = theme(&store, "Accounting");
        let set = |store: &Store, sql: &str, n: u32| {
            store
                .conn()
                .execute(
                    &format!(
                        "UPDATE prospects SET {sql} WHERE id IN
                         (SELECT id FROM prospects WHERE status = 'new' AND theme_id = ?1 LIMIT {n})"
                    ),
                    [&a.id],
                )
                .unwrap();
        };
        set(&store, "status = 'exhausted', attempts = 6", 3);
        set(&store, "status = 'not_interested', attempts = 2", 2);
        set(
            &store,
            "status = 'do_not_call', do_not_call = 1, attempts = 1",
            1,
        );
        set(
            &store,
            "status = 'bad_number', bad_number = 1, attempts = 1",
            1,
        );
        let target = store
            .write(|tx| lists::create_theme(tx, "Second chance", ThemeKind::Custom, ""))
            .unwrap();
        let scope = RecycleScope {
            from_theme_id: Some(a.id.clone()),
            include_not_interested: false,
        };
        let r = store
            .write(|tx| recycle_into_theme(tx, &target.id, &scope, Utc::now()))
            .unwrap();
        assert_eq!((r.recycled, r.left_out), (3, 2));
        let scope = RecycleScope {
            include_not_interested: true,
            ..scope
        };
        let r = store
            .write(|tx| recycle_into_theme(tx, &target.id, &scope, Utc::now()))
            .unwrap();
        assert_eq!(r.recycled, 2);
        assert_eq!(
            count(&store, &format!(
                "SELECT count(*) FROM prospects WHERE theme_id = '{}' AND status = 'new' AND attempts = 0 AND recycled = 1",
                target.id
            )),
            5
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM prospects WHERE status IN ('do_not_call', 'bad_number')"
            ),
            2
        );
        let e = store
            .write(|tx| recycle_into_theme(tx, "nope", &RecycleScope::default(), Utc::now()))
            .unwrap_err();
        assert_eq!(e.kind(), "not_found");
    }
}

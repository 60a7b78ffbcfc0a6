//! Which prospect a block offers next (domain.md sections 4 and 5): callbacks
//! that have come due first, then prospects never called, then recycled ones
//! whose next attempt is due; only prospects inside their local calling hours
//! (an unknown time zone is allowed and shown), never do-not-call or bad
//! numbers, and never one already called or skipped in this block.

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::Result;
use crate::time;

/// Why a prospect is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum QueueReason {
    /// A callback the prospect asked for, now due.
    CallbackDue,
    /// Never called.
    New,
    /// An earlier attempt did not reach them; the next one is due.
    Retry,
    /// The number just dialled was bad: their next number, now.
    NextNumber,
    /// Referred on the call just made; the rep chose to call them next.
    Referral,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueueEntry {
    pub prospect_id: String,
    pub reason: QueueReason,
    /// `None`: the time zone is unknown (allowed, shown on the card).
    pub time_zone: Option<String>,
}

/// What the queue has left, when it offers nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueueRest {
    /// Due now but outside their local calling hours.
    pub outside_hours: u32,
    /// Waiting for a later attempt or an agreed callback time.
    pub waiting: u32,
    /// Due now on the team's shared lists, but not leased to this rep yet
    /// (the team store hands them out one rep at a time; offline, it
    /// cannot).
    pub waiting_for_team: u32,
}

/// Is `now` inside the calling hours of a prospect in `tz` (Monday to Friday,
/// from `calling_hour_start` to `calling_hour_end` their time)? An unknown
/// zone is allowed.
pub fn in_calling_hours(tz: Option<&str>, now: DateTime<Utc>, s: &Settings) -> bool {
    let Some(tz) = tz.and_then(time::parse_tz) else {
        return true;
    };
    let local = now.with_timezone(&tz);
    let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
    weekday && local.hour() >= s.calling_hour_start && local.hour() < s.calling_hour_end
}

const PAGE: u32 = 200;

/// Which prospects a page of candidates holds, as to the team's shared
/// lists ([`crate::team::lists`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// Who this block may call: the rep's own prospects, and the team's
    /// shared ones this rep holds a lease on (two reps never call one lead).
    Draw,
    /// The team's shared prospects nobody holds a lease on here: those to
    /// ask the team store for.
    ToLease,
}

impl Pick {
    fn filter(self) -> &'static str {
        match self {
            Pick::Draw => {
                "(NOT EXISTS (SELECT 1 FROM team_shared ts WHERE ts.prospect_id = p.id)
                  OR (EXISTS (SELECT 1 FROM team_leases l
                              WHERE l.prospect_id = p.id AND l.mine = 1 AND l.expires_at > ?3)
                      AND NOT EXISTS (SELECT 1 FROM team_shared ts
                                      WHERE ts.prospect_id = p.id AND ts.withdrawn_at IS NOT NULL)))"
            }
            Pick::ToLease => {
                "EXISTS (SELECT 1 FROM team_shared ts
                         WHERE ts.prospect_id = p.id AND ts.withdrawn_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM team_leases l
                                 WHERE l.prospect_id = p.id AND l.expires_at > ?3)"
            }
        }
    }
}

/// Where the previous page of candidates ended: its last row's order value
/// and id (keyset paging: a page deep in a theme of a million costs what
/// the first does).
type After = (String, String);

/// The candidates of one kind, in order, a page at a time: each kind read
/// in its own index's order (`prospects_queue_*`, schema 9: by theme, time,
/// then id), so a page costs what the first one does.
fn candidates(
    conn: &Connection,
    pick: Pick,
    reason: QueueReason,
    themes: &[String],
    block_id: &str,
    now: &str,
    after: Option<&After>,
) -> Result<Vec<(QueueEntry, String)>> {
    let (index, filter, col) = match reason {
        QueueReason::CallbackDue => (
            "prospects_queue_callback",
            "p.status = 'callback' AND p.callback_at <= ?3",
            "p.callback_at",
        ),
        QueueReason::New => ("prospects_queue_new", "p.status = 'new'", "p.created_at"),
        QueueReason::Retry | QueueReason::NextNumber | QueueReason::Referral => (
            "prospects_queue_retry",
            "p.status = 'attempting' AND p.next_attempt_at <= ?3",
            "p.next_attempt_at",
        ),
    };
    // One theme: its range of the index, in order. Several: each theme's
    // range, sorted together.
    let theme = if themes.len() == 1 {
        "p.theme_id = ?1"
    } else {
        "p.theme_id IN (SELECT value FROM json_each(?1))"
    };
    let past = if after.is_some() {
        format!("AND {col} >= ?5 AND ({col} > ?5 OR p.id > ?6)")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT p.id, p.time_zone, {col} FROM prospects p INDEXED BY {index}
         WHERE {theme} AND {filter} {past}
           AND p.do_not_call = 0 AND p.bad_number = 0
           AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.block_id = ?2 AND c.prospect_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM skips s WHERE s.block_id = ?2 AND s.prospect_id = p.id)
           AND {shared}
         ORDER BY {col}, p.id LIMIT ?4",
        shared = pick.filter(),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let themes_param = if themes.len() == 1 {
        themes[0].clone()
    } else {
        serde_json::to_string(themes).unwrap_or_else(|_| "[]".into())
    };
    let map = |r: &rusqlite::Row<'_>| {
        Ok((
            QueueEntry {
                prospect_id: r.get(0)?,
                reason,
                time_zone: r.get(1)?,
            },
            r.get(2)?,
        ))
    };
    let rows = match after {
        Some((v, id)) => stmt
            .query_map(params![themes_param, block_id, now, PAGE, v, id], map)?
            .collect::<rusqlite::Result<_>>()?,
        None => stmt
            .query_map(params![themes_param, block_id, now, PAGE], map)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

/// The next prospect to call in block `block_id` on `theme_ids` at `now`.
/// Why a prospect in a call was offered, read from its state: a call
/// reopened after a restart no longer has the queue's answer, and its
/// prospect keeps the state it was offered in until the outcome.
pub fn reason_of(conn: &Connection, prospect_id: &str) -> Result<QueueReason> {
    let (status, attempts): (String, u32) = conn.query_row(
        "SELECT status, attempts FROM prospects WHERE id = ?1",
        [prospect_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(if status == "callback" {
        QueueReason::CallbackDue
    } else if attempts > 0 {
        QueueReason::Retry
    } else {
        QueueReason::New
    })
}

pub fn next(
    conn: &Connection,
    block_id: &str,
    theme_ids: &[String],
    s: &Settings,
    now: DateTime<Utc>,
) -> Result<Option<QueueEntry>> {
    Ok(in_order(conn, Pick::Draw, block_id, theme_ids, s, now, 1)?
        .into_iter()
        .next())
}

/// The next `n` of the team's shared prospects this block would call, in
/// the queue's order, that nobody holds a lease on here: the leases to ask
/// the team store for, ahead of the rep.
pub fn to_lease(
    conn: &Connection,
    block_id: &str,
    theme_ids: &[String],
    s: &Settings,
    now: DateTime<Utc>,
    n: usize,
) -> Result<Vec<String>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(
        in_order(conn, Pick::ToLease, block_id, theme_ids, s, now, n)?
            .into_iter()
            .map(|e| e.prospect_id)
            .collect(),
    )
}

/// The first `n` prospects of `pick`, in the queue's order.
fn in_order(
    conn: &Connection,
    pick: Pick,
    block_id: &str,
    theme_ids: &[String],
    s: &Settings,
    now: DateTime<Utc>,
    n: usize,
) -> Result<Vec<QueueEntry>> {
    let now_db = time::to_db(now);
    let mut out: Vec<QueueEntry> = Vec::new();
    let first = |reason, themes: &[String], out: &mut Vec<QueueEntry>| {
        let want = n - out.len();
        let found = first_in(conn, pick, reason, themes, block_id, &now_db, now, s, want)?;
        for e in found {
            if !out.iter().any(|o| o.prospect_id == e.prospect_id) {
                out.push(e);
            }
        }
        Ok::<bool, crate::error::Error>(out.len() >= n)
    };
    // Callbacks come back at the time agreed, whatever their theme ...
    if first(QueueReason::CallbackDue, theme_ids, &mut out)? {
        return Ok(out);
    }
    // ... then the themes one after the other, so that one talk track
    // serves the calls in a row (domain.md section 1).
    for theme in theme_ids {
        let one = std::slice::from_ref(theme);
        for reason in [QueueReason::New, QueueReason::Retry] {
            if first(reason, one, &mut out)? {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// The first `n` prospects of `reason` on the themes inside their calling
/// hours, page by page.
#[allow(clippy::too_many_arguments)]
fn first_in(
    conn: &Connection,
    pick: Pick,
    reason: QueueReason,
    themes: &[String],
    block_id: &str,
    now_db: &str,
    now: DateTime<Utc>,
    s: &Settings,
    n: usize,
) -> Result<Vec<QueueEntry>> {
    let mut after: Option<After> = None;
    let mut out = Vec::new();
    // Each zone's answer once: a theme holds few zones and many prospects.
    let mut zones: std::collections::HashMap<Option<String>, bool> = Default::default();
    loop {
        let page = candidates(conn, pick, reason, themes, block_id, now_db, after.as_ref())?;
        for (e, _) in &page {
            let open = *zones
                .entry(e.time_zone.clone())
                .or_insert_with(|| in_calling_hours(e.time_zone.as_deref(), now, s));
            if open {
                out.push(e.clone());
                if out.len() >= n {
                    return Ok(out);
                }
            }
        }
        match page.last() {
            Some((e, v)) if page.len() as u32 == PAGE => {
                after = Some((v.clone(), e.prospect_id.clone()));
            }
            _ => return Ok(out),
        }
    }
}

/// Why the queue is empty: how many are due but outside their hours, and how
/// many wait for a later time.
pub fn rest(
    conn: &Connection,
    block_id: &str,
    theme_ids: &[String],
    now: DateTime<Utc>,
) -> Result<QueueRest> {
    let themes = serde_json::to_string(theme_ids).unwrap_or_else(|_| "[]".into());
    let now_db = time::to_db(now);
    let (due, waiting, for_team): (u32, u32, u32) = conn.query_row(
        "SELECT
            count(*) FILTER (WHERE (p.status = 'new'
                OR (p.status = 'callback' AND p.callback_at <= ?3)
                OR (p.status = 'attempting' AND p.next_attempt_at <= ?3)) AND NOT shared),
            count(*) FILTER (WHERE (p.status = 'callback' AND p.callback_at > ?3)
                OR (p.status = 'attempting' AND p.next_attempt_at > ?3)),
            count(*) FILTER (WHERE (p.status = 'new'
                OR (p.status = 'callback' AND p.callback_at <= ?3)
                OR (p.status = 'attempting' AND p.next_attempt_at <= ?3)) AND shared)
         FROM (SELECT p.*,
                 EXISTS (SELECT 1 FROM team_shared ts
                         WHERE ts.prospect_id = p.id AND ts.withdrawn_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM team_leases l
                                 WHERE l.prospect_id = p.id AND l.mine = 1 AND l.expires_at > ?3)
                   AS shared
               FROM prospects p) p
         WHERE p.theme_id IN (SELECT value FROM json_each(?1))
           AND p.do_not_call = 0 AND p.bad_number = 0
           AND NOT EXISTS (SELECT 1 FROM team_shared ts
                           WHERE ts.prospect_id = p.id AND ts.withdrawn_at IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.block_id = ?2 AND c.prospect_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM skips s WHERE s.block_id = ?2 AND s.prospect_id = p.id)",
        params![themes, block_id, now_db],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(QueueRest {
        outside_hours: due,
        waiting,
        waiting_for_team: for_team,
    })
}

/// Who on a theme can be called, said before a block starts (and when a
/// block runs dry): due now and inside their local calling hours, until
/// when, and when the next window opens for the others due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ThemeCallable {
    pub theme_id: String,
    pub theme_name: String,
    /// Due now (new, callback due, retry due) and inside their calling hours
    /// (an unknown zone counts: it is allowed).
    pub callable_now: u32,
    /// When the last of them leaves their calling hours (UTC); `None` when
    /// nobody is callable now, or when some have no known zone.
    pub callable_until: Option<DateTime<Utc>>,
    /// Due now but outside their calling hours.
    pub later: u32,
    /// When the first of those enters their calling hours (UTC).
    pub next_window_at: Option<DateTime<Utc>>,
}

/// The calling window of a zone around `now`: `Ok(end)` when `now` is inside
/// it (the end today), `Err(start)` when outside (the next start).
pub(crate) fn window(
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    s: &Settings,
) -> std::result::Result<DateTime<Utc>, DateTime<Utc>> {
    use chrono::TimeZone;
    let local = now.with_timezone(&tz);
    let at = |date: chrono::NaiveDate, hour: u32| {
        tz.from_local_datetime(&date.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let workday = |d: chrono::NaiveDate| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let today = local.date_naive();
    if workday(today) && local.hour() >= s.calling_hour_start && local.hour() < s.calling_hour_end {
        let end = if s.calling_hour_end >= 24 {
            at(today.succ_opt().unwrap_or(today), 0)
        } else {
            at(today, s.calling_hour_end)
        };
        return Ok(end);
    }
    let mut d = today;
    if !(workday(d) && local.hour() < s.calling_hour_start) {
        d = d.succ_opt().unwrap_or(d);
    }
    for _ in 0..7 {
        if workday(d) {
            break;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    Err(at(d, s.calling_hour_start))
}

/// Who is callable on each theme of `theme_ids` (all themes when empty) at
/// `now`, by the same rules as the block's queue (without the block's own
/// calls and skips): counted by time zone, so a million prospects cost one
/// grouped count.
pub fn callable(
    conn: &Connection,
    theme_ids: &[String],
    s: &Settings,
    now: DateTime<Utc>,
) -> Result<Vec<ThemeCallable>> {
    let themes = serde_json::to_string(theme_ids).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.id, t.name, p.time_zone, count(p.id)
         FROM themes t LEFT JOIN prospects p ON p.theme_id = t.id
              AND p.do_not_call = 0 AND p.bad_number = 0
              AND (p.status = 'new'
                   OR (p.status = 'callback' AND p.callback_at <= ?2)
                   OR (p.status = 'attempting' AND p.next_attempt_at <= ?2))
              AND {}
         WHERE t.archived_at IS NULL
           AND (json_array_length(?1) = 0 OR t.id IN (SELECT value FROM json_each(?1)))
         GROUP BY t.id, p.time_zone
         ORDER BY t.name COLLATE NOCASE, t.id",
        crate::team::lists::not_withdrawn_sql(conn)?
    ))?;
    let rows = stmt.query_map(params![themes, time::to_db(now)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, u32>(3)?,
        ))
    })?;
    let mut out: Vec<ThemeCallable> = Vec::new();
    let mut unknown_now: Vec<bool> = Vec::new();
    for row in rows {
        let (id, name, zone, n) = row?;
        if out.last().map(|t| &t.theme_id) != Some(&id) {
            out.push(ThemeCallable {
                theme_id: id,
                theme_name: name,
                callable_now: 0,
                callable_until: None,
                later: 0,
                next_window_at: None,
            });
            unknown_now.push(false);
        }
        if n == 0 {
            continue;
        }
        let (t, unknown) = (
            out.last_mut().expect("pushed"),
            unknown_now.last_mut().expect("pushed"),
        );
        match zone.as_deref().and_then(time::parse_tz) {
            None => {
                t.callable_now += n;
                *unknown = true;
            }
            Some(tz) => match window(tz, now, s) {
                Ok(end) => {
                    t.callable_now += n;
                    t.callable_until = Some(t.callable_until.map_or(end, |u| u.max(end)));
                }
                Err(start) => {
                    t.later += n;
                    t.next_window_at = Some(t.next_window_at.map_or(start, |u| u.min(start)));
                }
            },
        }
    }
    for (t, unknown) in out.iter_mut().zip(unknown_now) {
        if unknown || t.callable_now == 0 {
            t.callable_until = None;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block;
    use crate::calls::CallNotes;
    use crate::calls::{self, CallResult};
    use crate::domain::Outcome;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        // Monday 2026-11-23 15:00 UTC = 09:00 Chicago, 07:00 Los Angeles, 10:00 New York.
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    #[test]
    fn who_is_callable_now_until_when_and_when_the_next_window_opens() {
        let f = block::tests_fixture(3);
        let c = f.store.conn();
        let s = Settings::default();
        // Chicago (09:00 there), Los Angeles (07:00: opens at 08:00), unknown.
        c.execute(
            "UPDATE prospects SET time_zone = 'America/Los_Angeles' WHERE id = ?1",
            [&f.prospects[1]],
        )
        .unwrap();
        c.execute(
            "UPDATE prospects SET time_zone = NULL WHERE id = ?1",
            [&f.prospects[2]],
        )
        .unwrap();
        let all = callable(c, &[], &s, t0()).unwrap();
        assert_eq!(all.len(), 1);
        let t = &all[0];
        assert_eq!((t.callable_now, t.later), (2, 1));
        assert_eq!(
            t.callable_until, None,
            "an unknown zone is callable any time"
        );
        assert_eq!(
            t.next_window_at,
            Some(t0() + Duration::hours(1)),
            "08:00 in LA"
        );
        c.execute(
            "UPDATE prospects SET time_zone = 'America/New_York' WHERE id = ?1",
            [&f.prospects[2]],
        )
        .unwrap();
        let t = &callable(c, std::slice::from_ref(&f.theme), &s, t0()).unwrap()[0];
        assert_eq!(
            t.callable_until,
            Some(t0() + Duration::hours(8)),
            "17:00 in Chicago, the last to close"
        );
        // Friday 17:30 in Los Angeles: the next window is Monday.
        let friday = Utc.with_ymd_and_hms(2026, 11, 28, 1, 30, 0).unwrap();
        let t = &callable(c, &[], &s, friday).unwrap()[0];
        assert_eq!(t.callable_now, 0);
        assert_eq!(
            t.next_window_at,
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 13, 0, 0).unwrap()),
            "Monday 08:00 in New York"
        );
    }

    #[test]
    fn calling_hours_are_the_prospects_own_on_weekdays() {
        let s = Settings::default();
        assert!(in_calling_hours(Some("America/Chicago"), t0(), &s));
        assert!(
            !in_calling_hours(Some("America/Los_Angeles"), t0(), &s),
            "7:00 there"
        );
        assert!(in_calling_hours(
            Some("America/Los_Angeles"),
            t0() + Duration::hours(1),
            &s
        ));
        assert!(
            !in_calling_hours(Some("America/New_York"), t0() + Duration::hours(7), &s),
            "17:00 there"
        );
        assert!(
            in_calling_hours(None, t0(), &s),
            "unknown zones are allowed"
        );
        let saturday = Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0).unwrap();
        assert!(!in_calling_hours(Some("America/Chicago"), saturday, &s));
        let late = Settings {
            calling_hour_end: 20,
            ..Settings::default()
        };
        assert!(in_calling_hours(
            Some("America/New_York"),
            t0() + Duration::hours(7),
            &late
        ));
    }

    #[test]
    fn callbacks_due_come_first_then_new_then_retries_in_hours_only() {
        let f = block::tests_fixture(6);
        let c = f.store.conn();
        let s = Settings::default();
        let p = &f.prospects;
        let set = |id: &str, sql: &str, v: String| {
            c.execute(
                &format!("UPDATE prospects SET {sql} WHERE id = ?2"),
                params![v, id],
            )
            .unwrap();
        };
        // p0 new; p1 retry due; p2 callback due; p3 callback later; p4 new in LA (7:00 there); p5 do not call.
        set(
            &p[1],
            "status = 'attempting', attempts = 1, next_attempt_at = ?1",
            time::to_db(t0() - Duration::hours(1)),
        );
        set(
            &p[2],
            "status = 'callback', attempts = 1, callback_at = ?1",
            time::to_db(t0() - Duration::minutes(5)),
        );
        set(
            &p[3],
            "status = 'callback', attempts = 1, callback_at = ?1",
            time::to_db(t0() + Duration::hours(3)),
        );
        set(&p[4], "time_zone = ?1", "America/Los_Angeles".into());
        set(
            &p[5],
            "status = 'do_not_call', do_not_call = 1, time_zone = ?1",
            "America/Chicago".into(),
        );
        let b =
            block::start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let themes = std::slice::from_ref(&f.theme);

        let mut order = Vec::new();
        while let Some(e) = next(c, &b.id, themes, &s, t0()).unwrap() {
            order.push((e.prospect_id.clone(), e.reason));
            let call = calls::start_call(c, &b.id, &e.prospect_id, None, t0()).unwrap();
            // A call reopened after a restart tells the same reason.
            assert_eq!(reason_of(c, &e.prospect_id).unwrap(), e.reason);
            calls::finish_call(
                c,
                &call.id,
                &CallResult {
                    outcome: Outcome::NoAnswer,
                    callback_at: None,
                    meeting: None,
                    notes: CallNotes::default(),
                    asked_for_meeting: false,
                },
                t0() + Duration::seconds(20),
                &s,
            )
            .unwrap();
        }
        assert_eq!(
            order,
            vec![
                (p[2].clone(), QueueReason::CallbackDue),
                (p[0].clone(), QueueReason::New),
                (p[1].clone(), QueueReason::Retry),
            ]
        );
        // Left: p4 (outside hours), p3 (callback later); p5 is never offered.
        let rest = rest(c, &b.id, themes, t0()).unwrap();
        assert_eq!((rest.outside_hours, rest.waiting), (1, 1));
        // An hour later it is 8:00 in Los Angeles.
        let later = next(c, &b.id, themes, &s, t0() + Duration::hours(1))
            .unwrap()
            .unwrap();
        assert_eq!(later.prospect_id, p[4]);
    }

    #[test]
    fn a_skipped_prospect_is_not_offered_again_in_the_block() {
        let f = block::tests_fixture(2);
        let c = f.store.conn();
        let s = Settings::default();
        let b =
            block::start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let first = next(c, &b.id, std::slice::from_ref(&f.theme), &s, t0())
            .unwrap()
            .unwrap();
        block::skip(c, &b.id, &first.prospect_id, "", t0()).unwrap();
        let second = next(c, &b.id, std::slice::from_ref(&f.theme), &s, t0())
            .unwrap()
            .unwrap();
        assert_ne!(first.prospect_id, second.prospect_id);
        block::skip(c, &b.id, &second.prospect_id, "", t0()).unwrap();
        assert!(next(c, &b.id, std::slice::from_ref(&f.theme), &s, t0())
            .unwrap()
            .is_none());
        let skips: i64 = c
            .query_row("SELECT count(*) FROM skips", [], |r| r.get(0))
            .unwrap();
        let calls: i64 = c
            .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!((skips, calls), (2, 0), "skips are logged, not dials");
    }

    #[test]
    fn the_queue_pages_past_hundreds_outside_their_hours_in_order_with_ties() {
        let f = block::tests_fixture(0);
        let c = f.store.conn();
        let s = Settings::default();
        // 650 new prospects in Tokyo (midnight there), all created at the
        // same instant (the id decides), then Chicago ones.
        let mut ins = c
            .prepare(
                "INSERT INTO prospects (id, theme_id, last_name, time_zone, status, created_at, updated_at)
                 VALUES (?1, ?2, 'Doe', ?3, 'new', ?4, 'n')",
            )
            .unwrap();
        for i in 0..650 {
            ins.execute(params![
                format!("t{i:04}"),
                f.theme,
                "Asia/Tokyo",
                "2026-01-01T00:00:00Z"
            ])
            .unwrap();
        }
        for id in ["c2", "c1"] {
            ins.execute(params![
                id,
                f.theme,
                "America/Chicago",
                "2026-01-01T00:00:00Z"
            ])
            .unwrap();
        }
        ins.execute(params![
            "a0",
            f.theme,
            "America/Chicago",
            "2026-01-02T00:00:00Z"
        ])
        .unwrap();
        let b =
            block::start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let themes = std::slice::from_ref(&f.theme);
        let mut order = Vec::new();
        while let Some(e) = next(c, &b.id, themes, &s, t0()).unwrap() {
            order.push(e.prospect_id.clone());
            crate::block::skip(c, &b.id, &e.prospect_id, "", t0()).unwrap();
        }
        // Same creation time: by id ("c1" < "c2" < "t0000"); then the later one.
        assert_eq!(order, ["c1", "c2", "a0"]);
        // Nine hours later it is 9:00 in Tokyo (Tuesday): their turn, in id order.
        let later = t0() + Duration::hours(9);
        let first = next(c, &b.id, themes, &s, later).unwrap().unwrap();
        assert_eq!(first.prospect_id, "t0000");
    }
}

//! The team's shared lists, this database's half: what a manager publishes
//! ([`to_publish`]), what a rep's copy takes in ([`apply_shared`]: the
//! published themes and prospects with their numbers, each shared
//! prospect's state as the last call on it left it, the team's do-not-call
//! list), and the leases that keep two reps off one lead ([`lease_ask`],
//! [`lease_answers`]).
//!
//! A shared prospect (`team_shared`) is drawn into a block only while this
//! rep holds its lease (`team_leases`, see [`crate::queue`]). The sync asks
//! the team store for leases on the next few prospects of a running block,
//! ahead of the rep, renews them while the block runs, and gives them back
//! when the block ends; the store releases one when the call's outcome
//! arrives. Nothing here waits on the network: the queue reads the leases
//! the last sync left, and offline a rep calls the leads already leased,
//! then their own lists.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::outbox::{Kind, TeamRow};
use super::pull::body;
use crate::bundle::{self, BProspect, BRep, BTheme};
use crate::error::{Error, Result};
use crate::suppress;
use crate::time;

/// Leases held ahead of the rep: the card on screen and the next few.
pub const AHEAD: usize = 5;
/// How long a lease lasts unless renewed (a crashed client's leases come
/// back to the team after this).
pub const LEASE_SECONDS: f64 = 600.0;
/// How long a lead another rep holds is left alone before asking again.
pub const ASK_AGAIN_SECONDS: f64 = 20.0;

/// A prospect's number as published (a bundle's prospect row carries none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPhone {
    pub kind: String,
    pub e164: Option<String>,
    pub extension: Option<String>,
    pub raw: String,
    pub bad: bool,
}

/// A published prospect: its bundle row, and its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedProspect {
    pub row: TeamRow,
    pub theme_id: Option<String>,
    pub phones: Vec<SharedPhone>,
}

/// What a manager publishes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToPublish {
    pub themes: Vec<TeamRow>,
    pub prospects: Vec<SharedProspect>,
}

/// A shared prospect as the last call on it left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProspectState {
    pub prospect_id: String,
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub callback_at: Option<String>,
    pub last_called_at: String,
    pub do_not_call: bool,
    pub bad_number: bool,
}

/// An entry of the do-not-call list ("phone" or "email", its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DncEntry {
    pub kind: String,
    pub value: String,
    pub since: String,
    /// Taken back (an undo of the call that listed it): off this rep's
    /// listings, and off the team's list once nobody else lists it.
    #[serde(default)]
    pub removed: bool,
}

/// What a pull brought of the team's lists.
#[derive(Debug, Clone, Default)]
pub struct SharedIn {
    pub themes: Vec<TeamRow>,
    pub prospects: Vec<SharedProspect>,
    /// Prospects a manager took off the team's lists (their ids).
    pub withdrawn: Vec<String>,
    pub states: Vec<ProspectState>,
    pub dnc: Vec<DncEntry>,
}

impl SharedIn {
    pub fn is_empty(&self) -> bool {
        self.themes.is_empty()
            && self.prospects.is_empty()
            && self.withdrawn.is_empty()
            && self.states.is_empty()
            && self.dnc.is_empty()
    }
}

fn json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).expect("a bundle row is plain data")
}

fn shared_row(kind: Kind, id: &str, body: serde_json::Value) -> TeamRow {
    TeamRow {
        kind,
        id: id.to_string(),
        rep_id: None,
        parent_id: None,
        body,
    }
}

/// The themes `theme_ids` and every prospect on them who may be called
/// (not do-not-call), with their numbers: what a manager publishes.
pub fn to_publish(conn: &Connection, theme_ids: &[String]) -> Result<ToPublish> {
    let themes = bundle::themes_by_ids(conn, theme_ids)?;
    if let Some(missing) = theme_ids
        .iter()
        .find(|id| !themes.iter().any(|t| &t.id == *id))
    {
        return Err(Error::NotFound {
            what: "theme",
            id: missing.clone(),
        });
    }
    let mut ids = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id FROM prospects WHERE theme_id = ?1 AND do_not_call = 0
             ORDER BY created_at, id",
        )?;
        for t in theme_ids {
            for id in stmt.query_map([t], |r| r.get::<_, String>(0))? {
                ids.push(id?);
            }
        }
    }
    let mut phones: HashMap<String, Vec<SharedPhone>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT ph.prospect_id, ph.kind, ph.e164, ph.extension, ph.raw, ph.bad
             FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
             WHERE p.theme_id = ?1 AND p.do_not_call = 0
             ORDER BY ph.prospect_id, ph.position",
        )?;
        for t in theme_ids {
            let rows = stmt.query_map([t], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    SharedPhone {
                        kind: r.get(1)?,
                        e164: r.get(2)?,
                        extension: r.get(3)?,
                        raw: r.get(4)?,
                        bad: r.get(5)?,
                    },
                ))
            })?;
            for row in rows {
                let (id, phone) = row?;
                phones.entry(id).or_default().push(phone);
            }
        }
    }
    let prospects = bundle::prospects_by_ids(conn, &ids)?
        .into_iter()
        .map(|p| SharedProspect {
            theme_id: p.theme_id.clone(),
            phones: phones.remove(&p.id).unwrap_or_default(),
            row: shared_row(Kind::Prospect, &p.id, json(&p)),
        })
        .collect();
    Ok(ToPublish {
        themes: themes
            .iter()
            .map(|t| shared_row(Kind::Theme, &t.id, json(t)))
            .collect(),
        prospects,
    })
}

/// What a manager withdraws of the themes `theme_ids` (each must be here):
/// their names, and the prospects on them this copy shares with the team
/// (the store withdraws by theme too; these ids also reach a prospect the
/// store lists under another copy's theme).
pub fn to_withdraw(conn: &Connection, theme_ids: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let themes = bundle::themes_by_ids(conn, theme_ids)?;
    let names = theme_ids
        .iter()
        .map(|id| {
            themes
                .iter()
                .find(|t| &t.id == id)
                .map(|t| t.name.clone())
                .ok_or_else(|| Error::NotFound {
                    what: "theme",
                    id: id.clone(),
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT ts.prospect_id FROM team_shared ts JOIN prospects p ON p.id = ts.prospect_id
         WHERE p.theme_id = ?1 AND ts.withdrawn_at IS NULL ORDER BY ts.prospect_id",
    )?;
    let mut ids = Vec::new();
    for t in theme_ids {
        for id in stmt.query_map([t], |r| r.get::<_, String>(0))? {
            ids.push(id?);
        }
    }
    Ok((names, ids))
}

/// SQL true for a prospect `p` a manager has not withdrawn from the team's
/// lists, for the counts of who is ready ("1" while none is withdrawn: the
/// common case costs nothing).
pub fn not_withdrawn_sql(conn: &Connection) -> Result<&'static str> {
    let any: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM team_shared WHERE withdrawn_at IS NOT NULL)",
        [],
        |r| r.get(0),
    )?;
    Ok(if any {
        "NOT EXISTS (SELECT 1 FROM team_shared ts
                     WHERE ts.prospect_id = p.id AND ts.withdrawn_at IS NOT NULL)"
    } else {
        "1"
    })
}

/// Starting a call: refused for a lead a manager withdrew from the team's
/// lists, whose card was drawn before the withdrawal reached this copy.
pub fn check_not_withdrawn(conn: &Connection, prospect_id: &str) -> Result<()> {
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT withdrawn_at FROM team_shared WHERE prospect_id = ?1 AND withdrawn_at IS NOT NULL",
        )?
        .query_row([prospect_id], |r| r.get(0))
        .optional()?;
    match at {
        None => Ok(()),
        Some(at) => Err(Error::Withdrawn {
            at: DateTime::parse_from_rfc3339(&at)
                .map(|t| t.to_utc().format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or(at),
        }),
    }
}

/// How a theme here stands on the team's lists: its prospects shared with
/// the team (leased one rep at a time), and those a manager withdrew.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ThemeSharing {
    pub shared: u32,
    pub withdrawn: u32,
}

pub fn theme_sharing(conn: &Connection, theme_id: &str) -> Result<ThemeSharing> {
    Ok(conn.query_row(
        "SELECT count(*) FILTER (WHERE ts.withdrawn_at IS NULL),
                count(*) FILTER (WHERE ts.withdrawn_at IS NOT NULL)
         FROM team_shared ts JOIN prospects p ON p.id = ts.prospect_id
         WHERE p.theme_id = ?1",
        [theme_id],
        |r| {
            Ok(ThemeSharing {
                shared: r.get(0)?,
                withdrawn: r.get(1)?,
            })
        },
    )?)
}

/// After a publish reached the store: these prospects are the team's here
/// too (the manager's own blocks lease them like anyone's).
pub fn mark_published(tx: &Connection, prospect_ids: &[String]) -> Result<()> {
    let now = time::to_db(time::now());
    let mut stmt = tx.prepare_cached(
        "INSERT INTO team_shared (prospect_id, published_at)
         SELECT id, ?2 FROM prospects WHERE id = ?1
         ON CONFLICT (prospect_id) DO UPDATE SET withdrawn_at = NULL
         WHERE withdrawn_at IS NOT NULL",
    )?;
    for id in prospect_ids {
        stmt.execute(params![id, now])?;
    }
    Ok(())
}

/// The state of each shared prospect of `prospect_ids` that was called.
pub fn states_of(conn: &Connection, prospect_ids: &[String]) -> Result<Vec<ProspectState>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.status, p.attempts, p.next_attempt_at, p.callback_at, p.last_called_at,
                p.do_not_call, p.bad_number
         FROM prospects p JOIN team_shared ts ON ts.prospect_id = p.id
         WHERE p.id = ?1 AND p.last_called_at IS NOT NULL",
    )?;
    let mut out = Vec::new();
    for id in prospect_ids {
        if let Some(s) = stmt
            .query_row([id], |r| {
                Ok(ProspectState {
                    prospect_id: r.get(0)?,
                    status: r.get(1)?,
                    attempts: r.get(2)?,
                    next_attempt_at: r.get(3)?,
                    callback_at: r.get(4)?,
                    last_called_at: r.get(5)?,
                    do_not_call: r.get(6)?,
                    bad_number: r.get(7)?,
                })
            })
            .optional()?
        {
            out.push(s);
        }
    }
    Ok(out)
}

/// Do-not-call entries waiting to be pushed (at most `limit`), and the last
/// one's place, to acknowledge with [`dnc_ack`].
pub fn dnc_waiting(conn: &Connection, limit: u32) -> Result<Option<(i64, Vec<DncEntry>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, value, since, removed FROM team_dnc_outbox ORDER BY seq LIMIT ?1",
    )?;
    let rows: Vec<(i64, DncEntry)> = stmt
        .query_map([limit], |r| {
            Ok((
                r.get(0)?,
                DncEntry {
                    kind: r.get(1)?,
                    value: r.get(2)?,
                    since: r.get(3)?,
                    removed: r.get(4)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .last()
        .map(|(upto, _)| *upto)
        .map(|upto| (upto, rows.into_iter().map(|(_, e)| e).collect())))
}

pub fn dnc_ack(conn: &Connection, upto: i64) -> Result<()> {
    conn.execute("DELETE FROM team_dnc_outbox WHERE seq <= ?1", [upto])?;
    Ok(())
}

/// What [`apply_shared`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SharedReport {
    /// Published prospects new here.
    pub prospects_added: u32,
    /// Published themes new here (by name).
    pub themes_added: Vec<String>,
    /// Shared prospects here a manager took off the team's lists (leased
    /// to nobody from now on).
    pub prospects_withdrawn: u32,
    /// Shared prospects brought to the state another rep's call left.
    pub states_applied: u32,
    /// Numbers and e-mails the team listed, new here.
    pub do_not_call_added: u32,
    /// Prospects here marked do-not-call by them.
    pub prospects_marked: u32,
    /// Numbers and e-mails the team took off its list (the undo of the
    /// call that listed them), off this copy's list too.
    pub do_not_call_removed: u32,
    /// Prospects here they had marked, as they were before.
    pub prospects_unmarked: u32,
    /// States and do-not-call entries another rep wrote that this copy
    /// cannot hold (a time that is not one, a number that is not E.164, ...):
    /// left out, never the whole pull refused.
    pub left_out: u32,
}

/// Write what a pull brought of the team's lists, in the caller's
/// transaction: published themes and prospects (matched as a bundle's are;
/// a new prospect with its numbers, checked against the do-not-call list),
/// marked shared; states newer than this copy's; the team's do-not-call
/// entries, and everyone here who has one of them marked.
///
/// `undone`: leads whose do-not-call call by another rep this pull brings
/// back with another outcome (the rep undid it); they keep no value of the
/// team's list on it.
pub fn apply_shared(
    tx: &Connection,
    incoming: &SharedIn,
    undone: &[String],
) -> Result<SharedReport> {
    let mut report = SharedReport::default();
    let now = time::to_db(time::now());
    if !incoming.themes.is_empty() || !incoming.prospects.is_empty() {
        let themes: Vec<BTheme> = incoming.themes.iter().map(body).collect::<Result<_>>()?;
        let prospects: Vec<BProspect> = incoming
            .prospects
            .iter()
            .map(|p| body(&p.row))
            .collect::<Result<_>>()?;
        let mut b = super::pull::empty_bundle(BRep {
            id: crate::ids::new_id(),
            name: "the team store".into(),
            email: None,
            time_zone: None,
        });
        b.themes = themes;
        b.prospects = prospects;
        b.counts = bundle::counts(&b);
        // Checked and normalized as a bundle file is (every text within its
        // field's limit, no control characters, times, references).
        let name = "the team store's published lists";
        let b = bundle::checked(b, name)?;
        let (r, added) = bundle::import_lists(tx, &b, name, "published to the team")?;
        report.themes_added = r.themes_added;
        report.prospects_added = added.len() as u32;
        let added: std::collections::HashSet<String> = added.into_iter().collect();
        let mut phone = tx.prepare_cached(
            "INSERT OR IGNORE INTO prospect_phones (prospect_id, position, kind, e164, extension, raw, bad)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for p in &incoming.prospects {
            if added.contains(&p.row.id) {
                let whose = format!("published prospect {}", p.row.id);
                let phones = p
                    .phones
                    .iter()
                    .map(|ph| checked_phone(&whose, ph))
                    .collect::<Result<Vec<_>>>()?;
                for (i, ph) in phones.iter().enumerate() {
                    phone.execute(params![
                        p.row.id,
                        i as i64,
                        ph.kind,
                        ph.e164,
                        ph.extension,
                        ph.raw,
                        ph.bad
                    ])?;
                }
                // A number of theirs already on the list here.
                let listed = phones.iter().filter_map(|ph| {
                    ph.e164
                        .as_deref()
                        .map(|e| suppress::phone_value(e, ph.extension.as_deref()))
                });
                for v in listed {
                    if suppress::is_listed(tx, "phone", &v)? {
                        remember_marks(tx, "phone", &v, std::slice::from_ref(&p.row.id))?;
                        if suppress::mark(tx, &p.row.id, &now)? {
                            report.prospects_marked += 1;
                        }
                        suppress::list_prospect(tx, &p.row.id, suppress::Source::Team, &now)?;
                        break;
                    }
                }
            }
            // Shared (again, when a manager had withdrawn it).
            tx.prepare_cached(
                "INSERT INTO team_shared (prospect_id, published_at)
                 SELECT id, ?2 FROM prospects WHERE id = ?1
                 ON CONFLICT (prospect_id) DO UPDATE SET withdrawn_at = NULL
                 WHERE withdrawn_at IS NOT NULL",
            )?
            .execute(params![p.row.id, now])?;
        }
    }
    report.prospects_withdrawn = withdrawn_here(tx, &incoming.withdrawn, &now)?;
    // Values taken off the team's list first: a later state of a lead they
    // had marked then applies.
    for e in incoming.dnc.iter().filter(|e| e.removed) {
        if !dnc_is_sound(e) {
            report.left_out += 1;
            continue;
        }
        let (gone, unmarked) = taken_off(tx, e, undone)?;
        report.do_not_call_removed += gone;
        report.prospects_unmarked += unmarked;
    }
    for s in &incoming.states {
        if !state_is_sound(s) {
            report.left_out += 1;
            continue;
        }
        report.states_applied += apply_state(tx, s)? as u32;
    }
    list_from_team(tx, &incoming.dnc, &mut report)?;
    Ok(report)
}

/// The values the team listed (`entries`, those not taken back) on this
/// copy's list, and every prospect here holding one marked (as it was,
/// remembered). Run again after a pull's bundles: a listing of this copy's
/// that a bundle's undo took away leaves the team's in its place.
pub fn list_from_team(
    tx: &Connection,
    entries: &[DncEntry],
    report: &mut SharedReport,
) -> Result<()> {
    let now = time::to_db(time::now());
    for e in entries.iter().filter(|e| !e.removed) {
        if !dnc_is_sound(e) {
            report.left_out += 1;
            continue;
        }
        let added = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO do_not_call (kind, value, since, source)
                 VALUES (?1, ?2, ?3, 'team')",
            )?
            .execute(params![e.kind, e.value, e.since])?;
        if added > 0 {
            report.do_not_call_added += 1;
        }
        // On the team's list: the team's word on the value, not on one lead
        // (a lead's state had listed it under its id).
        tx.prepare_cached(
            "UPDATE do_not_call SET prospect_id = NULL
              WHERE kind = ?1 AND value = ?2 AND source = 'team' AND prospect_id IS NOT NULL",
        )?
        .execute(params![e.kind, e.value])?;
        // Those it marks, looked up once: remembered as they are, then marked.
        let holding = suppress::holding(tx, &e.kind, &e.value)?;
        remember_marks(tx, &e.kind, &e.value, &holding)?;
        for id in &holding {
            suppress::mark(tx, id, &now)?;
        }
        report.prospects_marked += holding.len() as u32;
    }
    Ok(())
}

/// Prospects here (`ids`) that `value` of the team's list is about to mark,
/// as they are now: brought back if the team takes the value off its list.
fn remember_marks(tx: &Connection, kind: &str, value: &str, ids: &[String]) -> Result<()> {
    let mut keep = tx.prepare_cached(
        "INSERT OR IGNORE INTO team_dnc_marks (kind, value, prospect_id, status, next_attempt_at,
                                               callback_at)
         SELECT ?1, ?2, id, status, next_attempt_at, callback_at FROM prospects
          WHERE id = ?3 AND do_not_call = 0",
    )?;
    for id in ids {
        keep.execute(params![kind, value, id])?;
    }
    Ok(())
}

/// A value the team took off its list (no copy lists it any more): off
/// this copy's too when the team put it there (never when a call, an
/// import, a bundle or a hand here listed it), unless a prospect here stays
/// do-not-call and holds it: every value of a do-not-call prospect stays
/// listed. Those that do not count: the prospects the value marked that
/// nothing else keeps do-not-call (brought back as they were), the leads
/// this pull brings back from another rep's undone do-not-call (`undone`),
/// and shared leads only the team's state marked (a later state follows).
/// Returns (values taken off, prospects brought back).
fn taken_off(tx: &Connection, e: &DncEntry, undone: &[String]) -> Result<(u32, u32)> {
    type Mark = (String, String, Option<String>, Option<String>);
    let marked: Vec<Mark> = tx
        .prepare_cached(
            "SELECT prospect_id, status, next_attempt_at, callback_at FROM team_dnc_marks
              WHERE kind = ?1 AND value = ?2",
        )?
        .query_map(params![e.kind, e.value], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    tx.prepare_cached("DELETE FROM team_dnc_marks WHERE kind = ?1 AND value = ?2")?
        .execute(params![e.kind, e.value])?;
    let source: Option<String> = tx
        .prepare_cached("SELECT source FROM do_not_call WHERE kind = ?1 AND value = ?2")?
        .query_row(params![e.kind, e.value], |r| r.get(0))
        .optional()?;
    if source.as_deref() != Some("team") {
        return Ok((0, 0));
    }
    let mut back: Vec<Mark> = Vec::new();
    for m in marked {
        if !suppress::own_word_besides(tx, &m.0, Some((&e.kind, &e.value)))? {
            back.push(m);
        }
    }
    let mut except: Vec<String> = back.iter().map(|m| m.0.clone()).collect();
    except.extend(undone.iter().cloned());
    for id in suppress::marked_holding(tx, &e.kind, &e.value)? {
        if !except.contains(&id) && suppress::by_team_word_only(tx, &id)? {
            except.push(id);
        }
    }
    if !suppress::unlist_unless_held(tx, &e.kind, &e.value, &except)? {
        return Ok((0, 0));
    }
    let now = time::to_db(time::now());
    let mut unmarked = 0;
    for (id, status, next, callback) in back {
        // Its other values, listed here because of this one.
        tx.prepare_cached("DELETE FROM do_not_call WHERE source = 'team' AND prospect_id = ?1")?
            .execute([&id])?;
        unmarked += tx
            .prepare_cached(
                "UPDATE prospects SET status = ?2, do_not_call = 0, next_attempt_at = ?3,
                        callback_at = ?4, updated_at = ?5
                  WHERE id = ?1 AND do_not_call = 1 AND status = 'do_not_call'",
            )?
            .execute(params![id, status, next, callback, now])? as u32;
    }
    Ok((1, unmarked))
}

/// Shared prospects a manager took off the team's lists: leased to nobody
/// from now on (this rep's leases on them end here too), so no block draws
/// them; they stay in this copy with their calls. Returns how many were
/// shared here.
pub fn withdrawn_here(tx: &Connection, ids: &[String], at: &str) -> Result<u32> {
    let mut mark = tx.prepare_cached(
        "UPDATE team_shared SET withdrawn_at = ?2 WHERE prospect_id = ?1 AND withdrawn_at IS NULL",
    )?;
    let mut unlease = tx.prepare_cached("DELETE FROM team_leases WHERE prospect_id = ?1")?;
    let mut n = 0;
    for id in ids {
        n += mark.execute(params![id, at])? as u32;
        unlease.execute([id])?;
    }
    Ok(n)
}

/// A state any rep may have written (the store checks little of it): one
/// this copy can hold, else it is left out of the pull (never the whole
/// pull refused: one rep's bad row must not stop the team's syncs).
fn state_is_sound(s: &ProspectState) -> bool {
    use crate::domain::ProspectStatus;
    let time_ok = |t: &Option<String>| t.as_deref().is_none_or(|t| time::from_db(t).is_ok());
    let Ok(status) = ProspectStatus::parse(&s.status) else {
        return false;
    };
    s.prospect_id.len() <= 64
        && time::from_db(&s.last_called_at).is_ok()
        && time_ok(&s.next_attempt_at)
        && time_ok(&s.callback_at)
        && (status != ProspectStatus::Callback || s.callback_at.is_some())
        && (status != ProspectStatus::DoNotCall || s.do_not_call)
}

/// A do-not-call entry any rep may have written: a number (E.164, with
/// `;ext=` and digits) or an e-mail, within their fields' limits.
fn dnc_is_sound(e: &DncEntry) -> bool {
    match e.kind.as_str() {
        "phone" => {
            let (number, ext) = e.value.split_once(";ext=").unwrap_or((&e.value, ""));
            is_e164(number) && ext.len() <= 20 && ext.bytes().all(|b| b.is_ascii_digit())
        }
        "email" => {
            e.value.contains('@')
                && crate::text::check(crate::text::EMAIL, &e.value).is_ok_and(|v| v == e.value)
        }
        _ => false,
    }
}

/// `+`, then 7 to 15 digits, the first not 0.
fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// A published number, checked as an import's are: its kind, its text
/// within the field's limit, a dialable number in E.164 or none.
fn checked_phone(whose: &str, p: &SharedPhone) -> Result<SharedPhone> {
    const KINDS: [&str; 5] = ["direct", "mobile", "office", "corporate", "other"];
    let bad = |what: String| Error::invalid("team store", format!("{whose}: {what}"));
    if !KINDS.contains(&p.kind.as_str()) {
        return Err(bad(format!(
            "a number of kind {} this Callblock does not know",
            crate::quote::quoted(&p.kind)
        )));
    }
    let raw = crate::text::check(crate::text::PHONE, &p.raw).map_err(|e| bad(e.to_string()))?;
    let extension = crate::text::optional(crate::text::PHONE, p.extension.as_deref())
        .map_err(|e| bad(e.to_string()))?;
    if let Some(e) = p.e164.as_deref().filter(|e| !is_e164(e)) {
        return Err(bad(format!(
            "{} is not a number in E.164 form",
            crate::quote::quoted(e)
        )));
    }
    Ok(SharedPhone {
        kind: p.kind.clone(),
        e164: p.e164.clone(),
        extension,
        raw,
        bad: p.bad,
    })
}

/// Bring a shared prospect here to `s` when its last call is later than
/// the last one here (two reps' copies agree on the latest call). A
/// do-not-call here stays.
fn apply_state(tx: &Connection, s: &ProspectState) -> Result<bool> {
    let here: Option<(bool, Option<String>)> = tx
        .prepare_cached(
            "SELECT do_not_call, last_called_at FROM prospects
              WHERE id = ?1 AND id IN (SELECT prospect_id FROM team_shared)",
        )?
        .query_row([&s.prospect_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((dnc, last)) = here else {
        return Ok(false);
    };
    if last.is_some_and(|l| l.as_str() >= s.last_called_at.as_str()) {
        return Ok(false);
    }
    if dnc {
        // Do-not-call by this copy's own word stays so; by the team's
        // word only (an earlier state, since followed by a later call: the
        // undo of a do-not-call and another outcome), it gives way.
        if suppress::own_word(tx, &s.prospect_id)? {
            return Ok(false);
        }
        tx.prepare_cached("DELETE FROM do_not_call WHERE source = 'team' AND prospect_id = ?1")?
            .execute([&s.prospect_id])?;
    }
    let n = tx
        .prepare_cached(
            "UPDATE prospects SET status = ?2, attempts = ?3, next_attempt_at = ?4,
                callback_at = ?5, last_called_at = ?6, do_not_call = ?7, bad_number = ?8,
                updated_at = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            s.prospect_id,
            s.status,
            s.attempts,
            s.next_attempt_at,
            s.callback_at,
            s.last_called_at,
            s.do_not_call,
            s.bad_number
        ])?;
    if n > 0 && s.do_not_call {
        suppress::list_prospect(
            tx,
            &s.prospect_id,
            suppress::Source::Team,
            &s.last_called_at,
        )?;
    }
    Ok(n > 0)
}

/// What the sync asks the team store for, for this rep's leases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaseAsk {
    /// The running block the leases are for.
    pub block_id: Option<String>,
    /// Held, still to be called: renewed.
    pub renew: Vec<String>,
    /// Next in the block's queue, held by nobody here: asked for.
    pub take: Vec<String>,
    /// Held, and called (or no longer callable): given back.
    pub release: Vec<String>,
    /// No block runs: every lease of this rep is given back.
    pub release_all: bool,
}

impl LeaseAsk {
    pub fn is_empty(&self) -> bool {
        self.renew.is_empty()
            && self.take.is_empty()
            && self.release.is_empty()
            && !self.release_all
    }
}

/// What this rep's leases need now: with a block running, the leases ahead
/// of it renewed and topped up to [`AHEAD`]; without, all given back.
pub fn lease_ask(conn: &Connection, rep_id: Option<&str>, now: DateTime<Utc>) -> Result<LeaseAsk> {
    let shared: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM team_shared)", [], |r| {
        r.get(0)
    })?;
    let held: Vec<(String, bool)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT l.prospect_id,
                    p.do_not_call = 0 AND p.bad_number = 0
                    AND p.status IN ('new', 'attempting', 'callback')
             FROM team_leases l JOIN prospects p ON p.id = l.prospect_id
             WHERE l.mine = 1 ORDER BY l.prospect_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let block = match rep_id {
        Some(rep) if shared => crate::block::running_block(conn, rep)?,
        _ => None,
    };
    let Some(block) = block else {
        return Ok(LeaseAsk {
            release_all: !held.is_empty(),
            ..LeaseAsk::default()
        });
    };
    let mut ask = LeaseAsk {
        block_id: Some(block.id.clone()),
        ..LeaseAsk::default()
    };
    let mut called = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM calls
                        WHERE block_id = ?1 AND prospect_id = ?2 AND outcome IS NOT NULL)
             OR EXISTS (SELECT 1 FROM skips WHERE block_id = ?1 AND prospect_id = ?2)",
    )?;
    for (id, callable) in held {
        let done: bool = called.query_row(params![block.id, id], |r| r.get(0))?;
        if done || !callable {
            ask.release.push(id);
        } else {
            ask.renew.push(id);
        }
    }
    let settings = crate::settings::load(conn)?;
    let need = AHEAD.saturating_sub(ask.renew.len());
    ask.take = crate::queue::to_lease(conn, &block.id, &block.theme_ids, &settings, now, need)?;
    Ok(ask)
}

/// The store's answer for one prospect asked for: who holds it now (none:
/// nobody may, for now) and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseAnswer {
    pub prospect_id: String,
    pub rep_id: Option<String>,
    pub rep_name: Option<String>,
    pub seconds_left: f64,
}

/// Record the store's answers, counted from `now` on this machine's clock
/// (the store's own time is never compared with ours). Returns how many
/// leases this rep holds now.
pub fn lease_answers(
    tx: &Connection,
    me: &str,
    answers: &[LeaseAnswer],
    now: DateTime<Utc>,
) -> Result<u32> {
    for a in answers {
        match &a.rep_id {
            Some(holder) if a.seconds_left > 0.0 => {
                // Another rep's lead is asked for again soon: they may call
                // it and give it back long before their lease would expire.
                let secs = if holder == me {
                    a.seconds_left
                } else {
                    a.seconds_left.min(ASK_AGAIN_SECONDS)
                };
                let until = now + chrono::Duration::milliseconds((secs * 1000.0) as i64);
                // Never a lead withdrawn here meanwhile (an answer to an
                // ask made before the withdrawal was pulled).
                tx.prepare_cached(
                    "INSERT INTO team_leases (prospect_id, mine, holder, expires_at)
                     SELECT id, ?2, ?3, ?4 FROM prospects WHERE id = ?1
                       AND id NOT IN (SELECT prospect_id FROM team_shared
                                      WHERE withdrawn_at IS NOT NULL)
                     ON CONFLICT (prospect_id) DO UPDATE
                     SET mine = excluded.mine, holder = excluded.holder,
                         expires_at = excluded.expires_at",
                )?
                .execute(params![
                    a.prospect_id,
                    holder == me,
                    (holder != me).then(|| a.rep_name.clone()).flatten(),
                    time::to_db(until)
                ])?;
            }
            _ => {
                tx.prepare_cached("DELETE FROM team_leases WHERE prospect_id = ?1")?
                    .execute([&a.prospect_id])?;
            }
        }
    }
    leased(tx, now)
}

/// Leases given back: forgotten here (`None`: all of this rep's).
pub fn released(tx: &Connection, ids: Option<&[String]>) -> Result<()> {
    match ids {
        None => {
            tx.execute("DELETE FROM team_leases WHERE mine = 1", [])?;
        }
        Some(ids) => {
            let mut stmt =
                tx.prepare_cached("DELETE FROM team_leases WHERE mine = 1 AND prospect_id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
    }
    Ok(())
}

/// The leases this rep holds at `now`.
pub fn leased(conn: &Connection, now: DateTime<Utc>) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM team_leases WHERE mine = 1 AND expires_at > ?1",
        [time::to_db(now)],
        |r| r.get(0),
    )?)
}

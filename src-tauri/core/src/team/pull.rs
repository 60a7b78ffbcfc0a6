//! What the team store sent back, written into this database: each rep's
//! rows read back into a bundle and imported as a bundle file is (same
//! checks, same matching), so a manager's database holds the team's calls
//! and every report reads them with the same definitions as a rep's own.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::outbox::{Kind, TeamRow};
use crate::bundle::{self, BRep, Bundle, FORMAT, FORMAT_VERSION};
use crate::domain::Outcome;
use crate::error::{Error, Result};
use crate::store::{Store, LATEST};
use crate::suppress;
use crate::time;

/// What a pull brought.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PullReport {
    /// Rows read from the store.
    pub rows: u32,
    pub calls_added: u32,
    pub blocks_added: u32,
    pub meetings_added: u32,
    /// Calls already here that came again from the store (a note, an outcome
    /// taken back and logged again, ...): replaced with their objections and
    /// meeting; and blocks that ended or paused since.
    pub calls_updated: u32,
    pub blocks_updated: u32,
    /// Calls a rep took back (an undo) since they came in.
    pub calls_removed: u32,
    /// The reps whose calls came in, by name.
    pub reps: Vec<String>,
    /// Comments and coaching flags taken in; and those left out (not valid,
    /// or on a call this copy does not hold).
    pub coaching: u32,
    pub coaching_left_out: u32,
    /// The store's sequence number read up to.
    pub seq: i64,
    /// The team's shared lists: published prospects, states, do-not-call.
    pub shared: super::lists::SharedReport,
    /// A newer team version of the playbook heard of ...
    pub playbook_version: Option<u32>,
    /// ... and taken in (not: the rep changed theirs, and chooses).
    pub playbook_taken: bool,
}

pub(super) fn body<T: DeserializeOwned>(row: &TeamRow) -> Result<T> {
    serde_json::from_value(row.body.clone()).map_err(|e| {
        Error::invalid(
            "team store",
            format!(
                "its {} {} cannot be read by this version of Callblock ({e})",
                row.kind.name().replace('_', " "),
                row.id
            ),
        )
    })
}

/// The rows `rows` refer to that it does not hold, each once: the pull asks
/// the store for them too, until nothing is missing.
pub fn missing(rows: &[TeamRow]) -> Result<Vec<(Kind, String)>> {
    let have: HashSet<(Kind, &str)> = rows.iter().map(|r| (r.kind, r.id.as_str())).collect();
    let mut out = Vec::new();
    let mut want = |kind: Kind, id: &Option<String>| {
        if let Some(id) = id {
            if !have.contains(&(kind, id.as_str())) && !out.contains(&(kind, id.clone())) {
                out.push((kind, id.clone()));
            }
        }
    };
    for r in rows {
        match r.kind {
            Kind::Call => {
                let c: bundle::BCall = body(r)?;
                want(Kind::Prospect, &Some(c.prospect_id));
                want(Kind::Block, &c.block_id);
                want(Kind::Theme, &c.theme_id);
                want(Kind::TalkTrackVersion, &c.talk_track_version_id);
            }
            Kind::CallObjection => {
                let o: bundle::BCallObjection = body(r)?;
                want(Kind::Call, &Some(o.call_id));
                want(Kind::Objection, &Some(o.objection_id));
                want(Kind::Response, &o.response_id);
            }
            Kind::Meeting => {
                let m: bundle::BMeeting = body(r)?;
                want(Kind::Call, &Some(m.call_id));
                want(Kind::Prospect, &Some(m.prospect_id));
            }
            Kind::Pause => {
                let p: bundle::BPause = body(r)?;
                want(Kind::Block, &Some(p.block_id));
            }
            Kind::Block => {
                let b: bundle::BBlock = body(r)?;
                for t in b.theme_ids {
                    want(Kind::Theme, &Some(t));
                }
            }
            Kind::Prospect => {
                let p: bundle::BProspect = body(r)?;
                want(Kind::Theme, &p.theme_id);
            }
            Kind::TalkTrackVersion => {
                let v: bundle::BTalkTrackVersion = body(r)?;
                want(Kind::TalkTrack, &Some(v.talk_track_id));
            }
            Kind::TalkTrack => {
                let t: bundle::BTalkTrack = body(r)?;
                want(Kind::Theme, &t.theme_id);
            }
            Kind::Response => {
                let x: bundle::BResponse = body(r)?;
                want(Kind::Objection, &Some(x.objection_id));
                want(Kind::Theme, &x.theme_id);
            }
            // Loose: a comment or flag waits here for its call when the
            // call is not here yet (`coaching::merge`).
            Kind::Theme | Kind::Objection | Kind::CallComment | Kind::CallFlag => {}
        }
    }
    Ok(out)
}

/// Write what a pull read (`rows`, whole: see [`missing`]; `removed`: the
/// calls reps took back) into this database in one transaction, one bundle
/// per rep, and remember `seq`. New rows are imported as a bundle file's
/// are; another rep's calls, blocks and pauses already here take the store's
/// latest values (this copy's own rows are its own truth and never
/// overwritten). Nothing the pull writes is queued to be pushed back.
pub fn apply(
    store: &mut Store,
    reps: &[BRep],
    rows: &[TeamRow],
    removed: &[(String, String)],
    shared_in: &super::lists::SharedIn,
    seq: i64,
) -> Result<PullReport> {
    let mut shared = empty_bundle(BRep {
        id: String::new(),
        name: String::new(),
        email: None,
        time_zone: None,
    });
    let mut own: BTreeMap<String, Bundle> = BTreeMap::new();
    // Comments and flags are merged apart, each with the rep whose call it
    // must be on; one that cannot be read is left out and counted (one
    // row must not stop the team's pulls).
    let (mut comments, mut flags) = (Vec::new(), Vec::new());
    let mut coaching_unread = 0u32;
    for r in rows {
        if !r.kind.is_private() {
            match r.kind {
                Kind::Theme => shared.themes.push(body(r)?),
                Kind::Prospect => shared.prospects.push(body(r)?),
                Kind::TalkTrack => shared.talk_tracks.push(body(r)?),
                Kind::TalkTrackVersion => shared.talk_track_versions.push(body(r)?),
                Kind::Objection => shared.objections.push(body(r)?),
                Kind::Response => shared.responses.push(body(r)?),
                _ => unreachable!("the shared kinds"),
            }
            continue;
        }
        let Some(rep_id) = &r.rep_id else { continue };
        let Some(rep) = reps.iter().find(|x| &x.id == rep_id) else {
            return Err(Error::invalid(
                "team store",
                format!(
                    "its {} {} names a rep it does not hold ({rep_id})",
                    r.kind.name(),
                    r.id
                ),
            ));
        };
        let b = own
            .entry(rep_id.clone())
            .or_insert_with(|| empty_bundle(rep.clone()));
        match r.kind {
            Kind::Block => b.blocks.push(body(r)?),
            Kind::Pause => b.pauses.push(body(r)?),
            Kind::Call => b.calls.push(body(r)?),
            Kind::CallObjection => b.call_objections.push(body(r)?),
            Kind::Meeting => b.meetings.push(body(r)?),
            Kind::CallComment => match body::<crate::coaching::BComment>(r) {
                Ok(c) if r.parent_id.as_deref() == Some(c.call_id.as_str()) => {
                    comments.push((c, rep_id.clone()))
                }
                _ => coaching_unread += 1,
            },
            Kind::CallFlag => match body::<crate::coaching::BFlag>(r) {
                Ok(f) if r.parent_id.as_deref() == Some(f.id.as_str()) => {
                    flags.push((f, rep_id.clone()))
                }
                _ => coaching_unread += 1,
            },
            _ => unreachable!("the private kinds"),
        }
    }
    let mut bundles = Vec::new();
    for (_, mut b) in own {
        b.themes = shared.themes.clone();
        b.prospects = shared.prospects.clone();
        b.talk_tracks = shared.talk_tracks.clone();
        b.talk_track_versions = shared.talk_track_versions.clone();
        b.objections = shared.objections.clone();
        b.responses = shared.responses.clone();
        b.counts = bundle::counts(&b);
        let name = format!("the team store's rows of {}", b.rep.name);
        bundles.push((bundle::checked(b, &name)?, name));
    }
    store.write(|tx| {
        let before: i64 = tx.query_row("SELECT ifnull(max(seq), 0) FROM team_outbox", [], |r| {
            r.get(0)
        })?;
        let coaching_before: i64 = tx.query_row(
            "SELECT ifnull(max(seq), 0) FROM team_coaching_outbox",
            [],
            |r| r.get(0),
        )?;
        let dnc_before: i64 =
            tx.query_row("SELECT ifnull(max(seq), 0) FROM team_dnc_outbox", [], |r| {
                r.get(0)
            })?;
        let mut report = PullReport {
            rows: rows.len() as u32,
            seq,
            ..PullReport::default()
        };
        // This copy's own rep, now (a manager may have started calling since
        // linking): its rows here are its own truth. None: nothing is.
        let own: String = match crate::reps::current_rep(tx)? {
            Some(r) => r.id,
            None => tx
                .query_row("SELECT rep_id FROM team_link WHERE id = 1", [], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()?
                .flatten()
                .unwrap_or_default(),
        };
        let own = Some(own.as_str());
        let undone = undone_dnc(tx, &bundles, own)?;
        if !shared_in.is_empty() {
            let leads: Vec<String> = undone.values().cloned().collect();
            report.shared = super::lists::apply_shared(tx, shared_in, &leads)?;
        }
        for (b, _) in &bundles {
            same_rep_by_id(tx, &b.rep)?;
        }
        for (b, name) in &bundles {
            let again = refresh_present(tx, b, own, &undone)?;
            report.calls_updated += again.calls;
            report.blocks_updated += again.blocks;
            let r = bundle::import_checked(tx, b, name)?;
            report.shared.prospects_unmarked += restate_undone(tx, b, &again.undone_dnc)?;
            let new_calls = r.calls.added.saturating_sub(again.calls);
            report.calls_added += new_calls;
            report.blocks_added += r.blocks.added;
            report.meetings_added += r.meetings.added.saturating_sub(again.meetings);
            if new_calls > 0 {
                report.reps.push(r.rep_name);
            }
        }
        // The team's listings again: one this copy had of its own (an
        // undone call's, just taken away) left the team's out.
        if shared_in.dnc.iter().any(|e| !e.removed) {
            let mut again = super::lists::SharedReport::default();
            super::lists::list_from_team(tx, &shared_in.dnc, &mut again)?;
            report.shared.do_not_call_added += again.do_not_call_added;
            report.shared.prospects_marked += again.prospects_marked;
        }
        // Only on a call of the row's own rep.
        let mut rep_of = tx.prepare_cached("SELECT rep_id FROM calls WHERE id = ?1")?;
        let mut on_their_call = |call_id: &str, rep: &str| -> Result<bool> {
            Ok(rep_of
                .query_row([call_id], |r| r.get::<_, String>(0))
                .optional()?
                .is_some_and(|r| r == rep))
        };
        let mut misplaced = 0;
        let mut cs = Vec::new();
        for (c, rep) in comments {
            if on_their_call(&c.call_id, &rep)? {
                cs.push(c);
            } else {
                misplaced += 1;
            }
        }
        let mut fs = Vec::new();
        for (f, rep) in flags {
            if on_their_call(&f.id, &rep)? {
                fs.push(f);
            } else {
                misplaced += 1;
            }
        }
        let coaching = crate::coaching::merge(tx, &cs, &fs, false)?;
        report.coaching = coaching.taken;
        report.coaching_left_out = coaching.left_out + misplaced + coaching_unread;
        for (id, rep) in removed {
            report.calls_removed += tx.execute(
                "DELETE FROM calls WHERE id = ?1 AND rep_id = ?2 AND rep_id IS NOT ?3",
                rusqlite::params![id, rep, own],
            )? as u32;
        }
        // What the import wrote came from the store: not queued back to it.
        tx.execute("DELETE FROM team_outbox WHERE seq > ?1", [before])?;
        tx.execute("DELETE FROM team_dnc_outbox WHERE seq > ?1", [dnc_before])?;
        tx.execute(
            "DELETE FROM team_coaching_outbox WHERE seq > ?1",
            [coaching_before],
        )?;
        tx.execute(
            "UPDATE team_link SET pulled_seq = max(pulled_seq, ?1), pulled_at = ?2,
                    offline_since = NULL, last_error = NULL
             WHERE id = 1",
            rusqlite::params![seq, time::to_db(time::now())],
        )?;
        if !bundles.is_empty() || report.calls_removed > 0 {
            let settings = crate::settings::load(tx)?;
            crate::reports::rollup::ensure_fresh(tx, &settings);
        }
        Ok(report)
    })
}

/// Another rep's rows already here, brought to the store's values: a block's
/// end, a pause's resumption; a call replaced whole. Returns the calls
/// replaced and the blocks changed. (New rows are left to the import.)
/// What [`refresh_present`] did: calls taken out to be imported again (with
/// their meetings), blocks changed.
struct Refreshed {
    calls: u32,
    meetings: u32,
    blocks: u32,
    /// The prospects of replaced calls that had ended "do not call" here:
    /// their listings from those calls are gone, and the rep's word on
    /// them now is looked at after the import ([`restate_undone`]).
    undone_dnc: Vec<String>,
}

fn refresh_present(
    tx: &Connection,
    b: &Bundle,
    own: Option<&str>,
    undone: &HashMap<String, String>,
) -> Result<Refreshed> {
    let mut blocks = 0;
    for x in &b.blocks {
        blocks += tx.execute(
            "UPDATE blocks SET ended_at = ?2, end_reason = ?3
             WHERE id = ?1 AND rep_id IS NOT ?4 AND (ended_at IS NOT ?2 OR end_reason IS NOT ?3)",
            params![x.id, x.ended_at, x.end_reason, own],
        )? as u32;
    }
    for p in &b.pauses {
        tx.execute(
            "UPDATE block_pauses SET resumed_at = ?2
             WHERE id = ?1 AND resumed_at IS NOT ?2
               AND block_id IN (SELECT id FROM blocks WHERE rep_id IS NOT ?3)",
            params![p.id, p.resumed_at, own],
        )?;
    }
    // A call already here is taken out and imported again with the store's
    // values and its objections and meeting as they are now (the pull
    // brings every call's children): an undo and a new outcome between two
    // pulls leave no stale meeting, and a do-not-call is applied as on a new
    // call. Its referrals keep their rows, and so do its do-not-call
    // entries unless the rep undid that outcome.
    let (mut calls, mut meetings) = (0, 0);
    let mut undone_dnc = Vec::new();
    for c in &b.calls {
        // A do-not-call here that the rep has since undone (the store's
        // call ends otherwise now): what it listed here goes with it.
        if let Some(prospect) = undone.get(&c.id) {
            // Each value it listed, unless another do-not-call prospect here
            // holds it (another rep's call on the same number).
            let listed: Vec<(String, String)> = tx
                .prepare_cached(
                    "SELECT kind, value FROM do_not_call WHERE source = 'call' AND call_id = ?1",
                )?
                .query_map([&c.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (kind, value) in listed {
                suppress::unlist_unless_held(tx, &kind, &value, std::slice::from_ref(prospect))?;
            }
            undone_dnc.push(prospect.clone());
        }
        let had: u32 = tx.query_row(
            "SELECT count(*) FROM meetings m JOIN calls c ON c.id = m.call_id
             WHERE c.id = ?1 AND c.rep_id IS NOT ?2",
            params![c.id, own],
            |r| r.get(0),
        )?;
        let gone = tx.execute(
            "DELETE FROM calls WHERE id = ?1 AND rep_id IS NOT ?2",
            params![c.id, own],
        )? as u32;
        calls += gone;
        meetings += had * gone;
    }
    Ok(Refreshed {
        calls,
        meetings,
        blocks,
        undone_dnc,
    })
}

/// The calls `bundles` bring that end "do not call" here, as another rep's
/// than `own` (this copy's), and otherwise now (the rep undid that
/// outcome): each call's id and its lead. Found once, before the pull
/// changes anything, for the team's list ([`super::lists::apply_shared`])
/// and for the calls taken out and imported again ([`refresh_present`]).
fn undone_dnc(
    tx: &Connection,
    bundles: &[(Bundle, String)],
    own: Option<&str>,
) -> Result<HashMap<String, String>> {
    // The same condition as the calls `refresh_present` replaces: any rep's
    // but `own`.
    let mut was = tx.prepare_cached(
        "SELECT prospect_id FROM calls
          WHERE id = ?1 AND rep_id IS NOT ?2 AND outcome = 'do_not_call'",
    )?;
    let mut out = HashMap::new();
    for (b, _) in bundles {
        for c in b.calls.iter().filter(|c| c.outcome != Outcome::DoNotCall) {
            if let Some(p) = was
                .query_row(params![c.id, own], |r| r.get::<_, String>(0))
                .optional()?
            {
                out.insert(c.id.clone(), p);
            }
        }
    }
    Ok(out)
}

/// The prospects of another rep's do-not-call calls since undone
/// ([`Refreshed::undone_dnc`]), after the import: one that nothing here
/// keeps do-not-call any more (see [`suppress::own_word`]: another call of
/// that outcome, a value still listed) takes the rep's state of it from the
/// bundle. Returns how many changed.
fn restate_undone(tx: &Connection, b: &Bundle, prospects: &[String]) -> Result<u32> {
    let mut n = 0;
    for id in prospects {
        let Some(p) = b.prospects.iter().find(|p| &p.id == id) else {
            continue;
        };
        if p.do_not_call {
            continue;
        }
        // The values the rep's row had listed here (a bundle's lead marked
        // do-not-call), unless another do-not-call prospect holds them.
        let tied: Vec<(String, String)> = tx
            .prepare_cached(
                "SELECT kind, value FROM do_not_call WHERE source = 'bundle' AND prospect_id = ?1",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (kind, value) in tied {
            suppress::unlist_unless_held(tx, &kind, &value, std::slice::from_ref(id))?;
        }
        if suppress::own_word(tx, id)? {
            continue;
        }
        n += tx.execute(
            "UPDATE prospects SET status = ?2, attempts = ?3, next_attempt_at = ?4,
                    callback_at = ?5, last_called_at = ?6, do_not_call = 0, bad_number = ?7,
                    updated_at = ?8
              WHERE id = ?1 AND do_not_call = 1",
            params![
                id,
                p.status,
                p.attempts,
                p.next_attempt_at,
                p.callback_at,
                p.last_called_at,
                p.bad_number,
                p.updated_at
            ],
        )? as u32;
    }
    Ok(n)
}

/// A rep of the store is the same rep here only by id: one not here yet is
/// added under its id before the import (which would otherwise take a rep
/// of the same name for them), named apart when the name is taken.
fn same_rep_by_id(tx: &Connection, rep: &BRep) -> Result<()> {
    let here: Option<i64> = tx
        .query_row("SELECT 1 FROM reps WHERE id = ?1", [&rep.id], |r| r.get(0))
        .optional()?;
    if here.is_some() {
        return Ok(());
    }
    crate::reps::pin_current_rep(tx)?;
    let now = time::to_db(time::now());
    for n in 1..=50 {
        let name = if n == 1 {
            rep.name.clone()
        } else {
            format!("{} ({n})", rep.name)
        };
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM reps WHERE name = ?1 COLLATE NOCASE",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_none() {
            tx.execute(
                "INSERT INTO reps (id, name, email, time_zone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![rep.id, name, rep.email, rep.time_zone, now],
            )?;
            return Ok(());
        }
    }
    Ok(())
}

/// A bundle of `rep` with no rows yet, as this app writes one.
pub(crate) fn empty_bundle(rep: BRep) -> Bundle {
    Bundle {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: LATEST,
        app_version: env!("CARGO_PKG_VERSION").into(),
        created_at: time::to_db(time::now()),
        from: None,
        to: None,
        rep,
        themes: vec![],
        prospects: vec![],
        talk_tracks: vec![],
        talk_track_versions: vec![],
        objections: vec![],
        responses: vec![],
        blocks: vec![],
        pauses: vec![],
        calls: vec![],
        call_objections: vec![],
        meetings: vec![],
        comments: vec![],
        flags: vec![],
        counts: Default::default(),
    }
}

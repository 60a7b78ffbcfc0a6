//! What the database must hold. The parent keeps the state the children
//! acknowledged (`ACK` lines applied in order) and, after each kill, reads
//! the same state from the database and compares: every acknowledged write is
//! there, nothing else is, except the one action the kill interrupted, which
//! is there whole or not at all. The state read then becomes the expected
//! one for the next kill point.
//!
//! Reading also checks what holds whatever was acknowledged: SQLite's
//! integrity and foreign keys, the full-text index, no duplicate, every
//! prospect's status and attempts in line with its calls, each meeting with
//! its invitation file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::data::BundleFile;
use super::protocol::{Kind, Line, REP_NAME};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockS {
    pub ended: bool,
    pub pauses: u32,
    pub paused: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallS {
    pub block: String,
    pub prospect: String,
    pub outcome: Option<String>,
    pub callback_at: Option<String>,
    pub notes: String,
    /// Objection ids, in the order they were logged.
    pub objections: Vec<String>,
}

/// The torture's rows: the rep's blocks, calls and skips; the CSV imports
/// (prospects per key, runs); the bundles imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub blocks: BTreeMap<String, BlockS>,
    pub calls: BTreeMap<String, CallS>,
    pub skips: u32,
    /// Prospects per CSV key.
    pub import_keys: BTreeMap<String, u32>,
    /// Rows of the `imports` table.
    pub import_runs: u32,
    pub bundles: BTreeSet<usize>,
}

impl State {
    /// Apply an acknowledged action. An ACK about something the state does not
    /// know is an error of its own (the database gave the child a row the
    /// parent never saw).
    pub fn apply(&mut self, l: &Line) -> Result<(), String> {
        let missing = || format!("{l}: refers to a row the acknowledged state lacks");
        match l.kind {
            Kind::Open => {}
            Kind::StartBlock => {
                self.blocks.insert(l.arg(0).to_string(), BlockS::default());
            }
            Kind::StartCall => {
                self.calls.insert(
                    l.arg(2).to_string(),
                    CallS {
                        block: l.arg(0).to_string(),
                        prospect: l.arg(1).to_string(),
                        ..CallS::default()
                    },
                );
            }
            Kind::Objection => self
                .calls
                .get_mut(l.arg(0))
                .ok_or_else(missing)?
                .objections
                .push(l.arg(1).to_string()),
            Kind::Notes => {
                self.calls.get_mut(l.arg(0)).ok_or_else(missing)?.notes = l.arg(1).into()
            }
            Kind::Outcome | Kind::Callback | Kind::Meeting => {
                let c = self.calls.get_mut(l.arg(0)).ok_or_else(missing)?;
                c.outcome = Some(l.arg(1).to_string());
                c.callback_at = l.opt(2);
                let block = c.block.clone();
                if l.arg(3) == "1" {
                    let b = self.blocks.get_mut(&block).ok_or_else(missing)?;
                    b.ended = true;
                }
            }
            Kind::EndBlock => {
                let b = self.blocks.get_mut(l.arg(0)).ok_or_else(missing)?;
                b.ended = true;
                b.paused = false;
            }
            Kind::Pause => {
                let b = self.blocks.get_mut(l.arg(0)).ok_or_else(missing)?;
                b.pauses += 1;
                b.paused = true;
            }
            Kind::Resume => self.blocks.get_mut(l.arg(0)).ok_or_else(missing)?.paused = false,
            Kind::Skip => self.skips += 1,
            Kind::Import => {
                self.import_runs += 1;
                if l.arg(2) == "0" {
                    let rows = l.arg(1).parse().map_err(|_| missing())?;
                    self.import_keys.insert(l.arg(0).to_string(), rows);
                }
            }
            Kind::Bundle => {
                self.bundles
                    .insert(l.arg(0).parse().map_err(|_| missing())?);
            }
        }
        Ok(())
    }
}

/// What the comparison found about the interrupted action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// No action was under way (the kill came between two).
    None,
    /// It left no trace: rolled back.
    NotApplied,
    /// It committed, but the child died before saying so.
    Applied,
}

/// Compare the acknowledged state with the one read, `pending` being the
/// action the kill interrupted (its `BEGIN` line). Returns the differences
/// that are errors, and whether the pending action is in the database.
pub fn compare(exp: &State, act: &State, pending: Option<&Line>) -> (Vec<String>, Pending) {
    let mut errors = Vec::new();
    let mut applied = false;
    let p = |k: Kind| pending.filter(|l| l.kind == k);
    let pending_outcome = pending.filter(|l| l.kind.is_outcome());

    // Blocks.
    for (id, e) in &exp.blocks {
        let Some(a) = act.blocks.get(id) else {
            errors.push(format!("acknowledged block {id} is gone"));
            continue;
        };
        let ending = p(Kind::EndBlock).is_some_and(|l| l.arg(0) == id)
            || pending_outcome
                .and_then(|l| exp.calls.get(l.arg(0)))
                .is_some_and(|c| &c.block == id);
        if e.ended && !a.ended {
            errors.push(format!("block {id} was acknowledged ended, is running"));
        } else if !e.ended && a.ended {
            if ending {
                applied = true;
            } else {
                errors.push(format!("block {id} ended without an acknowledgement"));
            }
        }
        let pausing = p(Kind::Pause).is_some_and(|l| l.arg(0) == id);
        if a.pauses == e.pauses + 1 && pausing {
            applied = true;
        } else if a.pauses != e.pauses {
            errors.push(format!(
                "block {id}: {} pauses, {} acknowledged",
                a.pauses, e.pauses
            ));
        }
        let toggling = pausing
            || p(Kind::Resume).is_some_and(|l| l.arg(0) == id)
            || p(Kind::EndBlock).is_some_and(|l| l.arg(0) == id);
        if a.paused != e.paused {
            if toggling {
                applied = true;
            } else {
                errors.push(format!(
                    "block {id}: paused {} but {} acknowledged",
                    a.paused, e.paused
                ));
            }
        }
    }
    let new_blocks: Vec<&String> = act
        .blocks
        .keys()
        .filter(|id| !exp.blocks.contains_key(*id))
        .collect();
    match (new_blocks.as_slice(), p(Kind::StartBlock)) {
        ([], _) => {}
        ([id], Some(_)) => {
            applied = true;
            if act.blocks[*id] != BlockS::default() {
                errors.push(format!(
                    "block {id} (start not acknowledged) is not as it started"
                ));
            }
        }
        (ids, _) => errors.push(format!("blocks without an acknowledged start: {ids:?}")),
    }

    // Calls, their outcomes, objections and notes.
    for (id, e) in &exp.calls {
        let Some(a) = act.calls.get(id) else {
            errors.push(format!("acknowledged call {id} is gone"));
            continue;
        };
        if (&a.block, &a.prospect) != (&e.block, &e.prospect) {
            errors.push(format!(
                "call {id}: block/prospect {}/{} instead of {}/{}",
                a.block, a.prospect, e.block, e.prospect
            ));
        }
        if (&a.outcome, &a.callback_at) != (&e.outcome, &e.callback_at) {
            let this = pending_outcome.filter(|l| l.arg(0) == id);
            match this {
                Some(l)
                    if e.outcome.is_none()
                        && a.outcome.as_deref() == Some(l.arg(1))
                        && a.callback_at == l.opt(2) =>
                {
                    applied = true
                }
                _ => errors.push(format!(
                    "call {id}: outcome {:?} (callback {:?}), acknowledged {:?} ({:?})",
                    a.outcome, a.callback_at, e.outcome, e.callback_at
                )),
            }
        }
        if a.objections != e.objections {
            let this = p(Kind::Objection).filter(|l| l.arg(0) == id);
            let one_more = |l: &Line| {
                a.objections.len() == e.objections.len() + 1
                    && a.objections.starts_with(&e.objections)
                    && a.objections.last().map(String::as_str) == Some(l.arg(1))
            };
            match this {
                Some(l) if one_more(l) => applied = true,
                _ => errors.push(format!(
                    "call {id}: objections {:?}, acknowledged {:?}",
                    a.objections, e.objections
                )),
            }
        }
        if a.notes != e.notes {
            match p(Kind::Notes).filter(|l| l.arg(0) == id) {
                Some(l) if a.notes == l.arg(1) => applied = true,
                _ => errors.push(format!(
                    "call {id}: notes {:?}, acknowledged {:?}",
                    a.notes, e.notes
                )),
            }
        }
    }
    let new_calls: Vec<&String> = act
        .calls
        .keys()
        .filter(|id| !exp.calls.contains_key(*id))
        .collect();
    match (new_calls.as_slice(), p(Kind::StartCall)) {
        ([], _) => {}
        ([id], Some(l)) => {
            applied = true;
            let c = &act.calls[*id];
            let fresh = CallS {
                block: l.arg(0).to_string(),
                prospect: l.arg(1).to_string(),
                ..CallS::default()
            };
            if c != &fresh {
                errors.push(format!(
                    "call {id} (start not acknowledged) is not as it started: {c:?}"
                ));
            }
        }
        (ids, _) => errors.push(format!("calls without an acknowledged start: {ids:?}")),
    }

    // Skips.
    if act.skips == exp.skips + 1 && p(Kind::Skip).is_some() {
        applied = true;
    } else if act.skips != exp.skips {
        errors.push(format!("{} skips, {} acknowledged", act.skips, exp.skips));
    }

    // CSV imports: every acknowledged file whole; the interrupted one whole
    // or absent; no row twice (a key's count would be off).
    let importing = p(Kind::Import);
    for (key, rows) in &exp.import_keys {
        match act.import_keys.get(key) {
            Some(n) if n == rows => {}
            n => errors.push(format!(
                "import {key}: {n:?} prospects, {rows} acknowledged"
            )),
        }
    }
    let mut new_key = false;
    for (key, n) in &act.import_keys {
        if exp.import_keys.contains_key(key) {
            continue;
        }
        match importing {
            Some(l) if l.arg(0) == key && l.arg(2) == "0" && l.arg(1) == n.to_string() => {
                new_key = true;
            }
            Some(l) if l.arg(0) == key => errors.push(format!(
                "import {key} (not acknowledged) is partly there: {n} of {} rows",
                l.arg(1)
            )),
            _ => errors.push(format!(
                "{n} prospects of import {key}, which was never acknowledged"
            )),
        }
    }
    if act.import_runs == exp.import_runs + 1 && importing.is_some() {
        applied = true;
    } else if act.import_runs != exp.import_runs {
        errors.push(format!(
            "{} imports recorded, {} acknowledged",
            act.import_runs, exp.import_runs
        ));
    }
    if new_key && act.import_runs != exp.import_runs + 1 {
        errors.push("an unacknowledged import's rows are there without its record".into());
    }
    if let Some(l) = importing {
        if l.arg(2) == "0" && act.import_runs == exp.import_runs + 1 && !new_key {
            errors.push(format!(
                "the unacknowledged import {} is recorded without its rows",
                l.arg(0)
            ));
        }
    }

    // Bundles (each already found whole or absent when read).
    for i in exp.bundles.difference(&act.bundles) {
        errors.push(format!("acknowledged bundle {i} is gone"));
    }
    for i in act.bundles.difference(&exp.bundles) {
        match p(Kind::Bundle) {
            Some(l) if l.arg(0) == i.to_string() => applied = true,
            _ => errors.push(format!("bundle {i} is there without an acknowledgement")),
        }
    }

    let pending = match pending {
        None => Pending::None,
        Some(_) if applied => Pending::Applied,
        Some(_) => Pending::NotApplied,
    };
    (errors, pending)
}

fn one<T: rusqlite::types::FromSql>(c: &Connection, sql: &str) -> Result<T, String> {
    c.query_row(sql, [], |r| r.get(0))
        .map_err(|e| format!("{sql}: {e}"))
}

fn strings(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<String>, String> {
    let mut stmt = c.prepare(sql).map_err(|e| format!("{sql}: {e}"))?;
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| format!("{sql}: {e}"));
    rows
}

/// Count of rows of `table` whose id is in `ids`.
fn present(c: &Connection, table: &str, ids: &[String]) -> Result<usize, String> {
    let json = serde_json::to_string(ids).map_err(|e| e.to_string())?;
    let n: i64 = c
        .query_row(
            &format!("SELECT count(*) FROM {table} WHERE id IN (SELECT value FROM json_each(?1))"),
            [json],
            |r| r.get(0),
        )
        .map_err(|e| format!("{table}: {e}"))?;
    Ok(n as usize)
}

/// Read the state from the database, with the checks that hold whatever
/// was acknowledged (returned as errors beside the state).
pub fn read(c: &Connection, bundles: &[BundleFile]) -> Result<(State, Vec<String>), String> {
    let mut errors = Vec::new();

    // SQLite's own checks.
    let integrity = strings(c, "SELECT * FROM pragma_integrity_check", [])?;
    if integrity != ["ok"] {
        errors.push(format!("integrity_check: {integrity:?}"));
    }
    let broken: i64 = one(c, "SELECT count(*) FROM pragma_foreign_key_check")?;
    if broken != 0 {
        errors.push(format!("foreign_key_check: {broken} broken references"));
    }
    if let Err(e) = c.execute(
        "INSERT INTO calls_fts (calls_fts) VALUES ('integrity-check')",
        [],
    ) {
        errors.push(format!("the notes' full-text index: {e}"));
    }

    let mut s = State::default();
    let rep: Option<String> = c
        .query_row("SELECT id FROM reps WHERE name = ?1", [REP_NAME], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| e.to_string())?;
    if let Some(rep) = &rep {
        let mut stmt = c
            .prepare(
                "SELECT b.id, b.ended_at IS NOT NULL,
                    (SELECT count(*) FROM block_pauses p WHERE p.block_id = b.id),
                    EXISTS (SELECT 1 FROM block_pauses p WHERE p.block_id = b.id AND p.resumed_at IS NULL)
                 FROM blocks b WHERE b.rep_id = ?1",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([rep], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    BlockS {
                        ended: r.get(1)?,
                        pauses: r.get(2)?,
                        paused: r.get(3)?,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| e.to_string())?;
        s.blocks = rows.into_iter().collect();

        let mut stmt = c
            .prepare(
                "SELECT id, block_id, prospect_id, outcome, callback_at, notes FROM calls WHERE rep_id = ?1",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([rep], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    CallS {
                        block: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        prospect: r.get(2)?,
                        outcome: r.get(3)?,
                        callback_at: r.get(4)?,
                        notes: r.get(5)?,
                        objections: Vec::new(),
                    },
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| e.to_string())?;
        s.calls = rows.into_iter().collect();

        let mut stmt = c
            .prepare(
                "SELECT co.call_id, co.objection_id, co.position FROM call_objections co
                 JOIN calls c ON c.id = co.call_id WHERE c.rep_id = ?1 ORDER BY co.call_id, co.position",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([rep], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| e.to_string())?;
        for (call, objection, position) in rows {
            let Some(cs) = s.calls.get_mut(&call) else {
                errors.push(format!("objection of an unknown call {call}"));
                continue;
            };
            cs.objections.push(objection);
            if cs.objections.len() as u32 != position {
                errors.push(format!(
                    "call {call}: objection positions are not 1, 2, 3...: {position} at {}",
                    cs.objections.len()
                ));
            }
        }
        s.skips = c
            .query_row("SELECT count(*) FROM skips WHERE rep_id = ?1", [rep], |r| {
                r.get(0)
            })
            .map_err(|e| e.to_string())?;

        // No prospect called twice in one block.
        let twice = strings(
            c,
            "SELECT block_id || ' ' || prospect_id FROM calls WHERE rep_id = ?1 AND block_id IS NOT NULL
             GROUP BY block_id, prospect_id HAVING count(*) > 1",
            [rep],
        )?;
        if !twice.is_empty() {
            errors.push(format!("prospects called twice in a block: {twice:?}"));
        }
        // Each meeting with its invitation, whole (written atomically).
        let mut stmt = c
            .prepare(
                "SELECT m.id, m.ics_path FROM meetings m JOIN calls c ON c.id = m.call_id WHERE c.rep_id = ?1",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([rep], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| e.to_string())?;
        for (id, path) in rows {
            match path.map(|p| std::fs::read_to_string(Path::new(&p))) {
                None => errors.push(format!("meeting {id} has no invitation file")),
                Some(Err(e)) => errors.push(format!("meeting {id}: its invitation: {e}")),
                Some(Ok(text)) => {
                    if !text.starts_with("BEGIN:VCALENDAR")
                        || !text.trim_end().ends_with("END:VCALENDAR")
                    {
                        errors.push(format!("meeting {id}: its invitation file is cut"));
                    }
                }
            }
        }
    }

    // CSV imports.
    let mut stmt = c
        .prepare(
            "SELECT substr(crm_id, 1, instr(crm_id, '-') - 1), count(*) FROM prospects
             WHERE crm_id GLOB 'T[0-9]*x[0-9]*-[0-9]*' GROUP BY 1",
        )
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| e.to_string())?;
    s.import_keys = rows.into_iter().collect();
    s.import_runs = one(c, "SELECT count(*) FROM imports")?;
    let unfinished: i64 = one(c, "SELECT count(*) FROM imports WHERE finished_at IS NULL")?;
    if unfinished != 0 {
        errors.push(format!("{unfinished} imports recorded without their end"));
    }
    let twice = strings(
        c,
        "SELECT crm_id FROM prospects WHERE crm_id GLOB 'T*' GROUP BY crm_id HAVING count(*) > 1 LIMIT 5",
        [],
    )?;
    if !twice.is_empty() {
        errors.push(format!("prospects imported twice: {twice:?}"));
    }
    let phones: i64 = one(
        c,
        "SELECT count(*) FROM prospects p WHERE p.crm_id GLOB 'T*'
           AND (SELECT count(*) FROM prospect_phones f WHERE f.prospect_id = p.id) <> 1",
    )?;
    if phones != 0 {
        errors.push(format!(
            "{phones} imported prospects without their one phone"
        ));
    }

    // Bundles: each whole or absent.
    for (i, b) in bundles.iter().enumerate() {
        let n = (
            present(c, "calls", &b.calls)?,
            present(c, "meetings", &b.meetings)?,
            present(c, "call_objections", &b.call_objections)?,
        );
        if n == (b.calls.len(), b.meetings.len(), b.call_objections.len()) {
            s.bundles.insert(i);
        } else if n != (0, 0, 0) {
            errors.push(format!(
                "bundle {i} is partly there: calls, meetings, objections {n:?} of {:?}",
                (b.calls.len(), b.meetings.len(), b.call_objections.len())
            ));
        }
    }

    // Over every call: one running block per rep, open calls only in
    // running blocks and one at a time, a meeting exactly for each call
    // that booked one, nobody dialled after a do-not-call or a bad number.
    let two_running = strings(
        c,
        "SELECT rep_id FROM blocks WHERE ended_at IS NULL GROUP BY rep_id HAVING count(*) > 1",
        [],
    )?;
    if !two_running.is_empty() {
        errors.push(format!("reps with two running blocks: {two_running:?}"));
    }
    let stray: i64 = one(
        c,
        "SELECT count(*) FROM calls c WHERE c.outcome IS NULL
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.id = c.block_id AND b.ended_at IS NULL)",
    )?;
    if stray != 0 {
        errors.push(format!("{stray} calls in progress outside a running block"));
    }
    let two_open = strings(
        c,
        "SELECT block_id FROM calls WHERE outcome IS NULL GROUP BY block_id HAVING count(*) > 1",
        [],
    )?;
    if !two_open.is_empty() {
        errors.push(format!("blocks with two calls in progress: {two_open:?}"));
    }
    let meetings: i64 = one(
        c,
        "SELECT count(*) FROM calls c
         WHERE (c.outcome IS 'meeting') <> EXISTS (SELECT 1 FROM meetings m WHERE m.call_id = c.id)",
    )?;
    if meetings != 0 {
        errors.push(format!(
            "{meetings} calls whose meeting and outcome disagree"
        ));
    }
    let after_flag: i64 = one(
        c,
        // A bad number marks that number only: a later call may dial the
        // prospect's next number, never the bad one again.
        "SELECT count(*) FROM calls c JOIN calls d ON d.prospect_id = c.prospect_id
         WHERE d.started_at > c.started_at
           AND (c.outcome = 'do_not_call'
                OR (c.outcome = 'bad_number' AND d.phone_e164 = c.phone_e164))",
    )?;
    if after_flag != 0 {
        errors.push(format!(
            "{after_flag} calls after a do-not-call, or to a number marked bad"
        ));
    }
    prospects_agree_with_calls(c, &mut errors)?;
    Ok((s, errors))
}

/// An outcome and the prospect's state agree (they are one transaction):
/// attempts = completed calls, the last call's time, the status the last
/// outcome gives (rules.rs), a callback's time; or do-not-call, whatever the
/// calls said, when a number or the e-mail is on the do-not-call list
/// (suppress.rs: the torture's lists share numbers between people).
fn prospects_agree_with_calls(c: &Connection, errors: &mut Vec<String>) -> Result<(), String> {
    let mut stmt = c
        .prepare(
            "SELECT p.id, p.status, p.attempts, p.last_called_at, p.callback_at, p.do_not_call, p.bad_number,
                (SELECT count(*) FROM calls c WHERE c.prospect_id = p.id AND c.outcome IS NOT NULL),
                (SELECT max(ended_at) FROM calls c WHERE c.prospect_id = p.id AND c.outcome IS NOT NULL),
                (SELECT outcome FROM calls c WHERE c.prospect_id = p.id AND c.outcome IS NOT NULL
                 ORDER BY ended_at DESC LIMIT 1),
                (SELECT callback_at FROM calls c WHERE c.prospect_id = p.id AND c.outcome IS NOT NULL
                 ORDER BY ended_at DESC LIMIT 1),
                EXISTS (SELECT 1 FROM prospect_phones ph JOIN do_not_call d ON d.kind = 'phone'
                          AND d.value = ph.e164 || ifnull(';ext=' || nullif(ph.extension, ''), '')
                        WHERE ph.prospect_id = p.id)
                OR EXISTS (SELECT 1 FROM do_not_call d WHERE d.kind = 'email'
                          AND d.value = lower(trim(p.email)))
             FROM prospects p
             WHERE p.crm_id GLOB 'T*'
               AND (p.attempts > 0 OR p.status <> 'new' OR p.last_called_at IS NOT NULL
                    OR EXISTS (SELECT 1 FROM calls c WHERE c.prospect_id = p.id AND c.outcome IS NOT NULL))",
        )
        .map_err(|e| e.to_string())?;
    type Row = (
        String,
        String,
        u32,
        Option<String>,
        Option<String>,
        bool,
        bool,
        u32,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| e.to_string())?;
    for (id, status, attempts, last, callback, dnc, bad, n, last_call, outcome, call_cb, listed) in
        rows
    {
        let mut wrong = Vec::new();
        if attempts != n {
            wrong.push(format!("{attempts} attempts for {n} calls"));
        }
        if last != last_call {
            wrong.push(format!(
                "last called {last:?}, last call ended {last_call:?}"
            ));
        }
        let fits = match outcome.as_deref() {
            _ if listed && status == "do_not_call" && dnc => true,
            None => status == "new",
            Some("no_answer" | "voicemail" | "gatekeeper") => {
                status == "attempting" || status == "exhausted"
            }
            Some("callback") => status == "callback" && callback == call_cb,
            Some("bad_number") => status == "bad_number" && bad,
            Some("do_not_call") => status == "do_not_call" && dnc,
            Some(o) => status == o,
        };
        if !fits {
            wrong.push(format!(
                "status {status} (callback {callback:?}) after a last outcome {outcome:?} (callback {call_cb:?})"
            ));
        }
        if !wrong.is_empty() {
            errors.push(format!("prospect {id}: {}", wrong.join("; ")));
        }
    }
    Ok(())
}

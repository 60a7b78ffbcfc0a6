//! What waits to be pushed to the team store (`team_outbox`, filled by
//! triggers in the transaction that changed each row), read as batches of
//! rows the store upserts by id.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::bundle::{self, BCall};
use crate::error::Result;
use crate::Store;

/// A kind of row in the team store, in the order a batch writes them (a row
/// after the rows it refers to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Theme,
    Prospect,
    TalkTrack,
    TalkTrackVersion,
    Objection,
    Response,
    Block,
    Pause,
    Call,
    CallObjection,
    Meeting,
    CallComment,
    CallFlag,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::Theme,
        Kind::Prospect,
        Kind::TalkTrack,
        Kind::TalkTrackVersion,
        Kind::Objection,
        Kind::Response,
        Kind::Block,
        Kind::Pause,
        Kind::Call,
        Kind::CallObjection,
        Kind::Meeting,
        Kind::CallComment,
        Kind::CallFlag,
    ];

    /// The name the team store's `kind` column holds.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Theme => "theme",
            Kind::Prospect => "prospect",
            Kind::TalkTrack => "talk_track",
            Kind::TalkTrackVersion => "talk_track_version",
            Kind::Objection => "objection",
            Kind::Response => "response",
            Kind::Block => "block",
            Kind::Pause => "pause",
            Kind::Call => "call",
            Kind::CallObjection => "call_objection",
            Kind::Meeting => "meeting",
            Kind::CallComment => "call_comment",
            Kind::CallFlag => "call_flag",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// A rep's own rows (their calls, blocks and what was said in them):
    /// written only by that rep and read only by them and the managers.
    /// The others (themes, prospects, the playbook) are the team's.
    pub fn is_private(self) -> bool {
        matches!(
            self,
            Kind::Block
                | Kind::Pause
                | Kind::Call
                | Kind::CallObjection
                | Kind::Meeting
                | Kind::CallComment
                | Kind::CallFlag
        )
    }
}

/// One row for the team store: its bundle row as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    pub kind: Kind,
    pub id: String,
    /// Whose row it is (a private row's rep).
    pub rep_id: Option<String>,
    /// The call of an objection or meeting, the block of a pause.
    pub parent_id: Option<String>,
    pub body: serde_json::Value,
}

/// The entries of the outbox up to `upto`, as rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The last outbox entry this batch answers for (acknowledged with [`ack`]).
    pub upto: i64,
    /// How many outbox entries it answers for.
    pub entries: u32,
    /// The reps whose rows these are.
    pub reps: Vec<bundle::BRep>,
    /// Rows in [`Kind`] order, each once.
    pub rows: Vec<TeamRow>,
    /// Calls the store should no longer hold as completed (an undo opened
    /// them again, or they are gone), with their rep: removed there with
    /// their objections and meeting until they are completed again.
    pub retracted_calls: Vec<(String, String)>,
    /// For each call of the batch, the objections and meeting it has now:
    /// the store drops any other it holds for the call (an undo removed it).
    pub calls: Vec<String>,
}

fn json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).expect("a bundle row is plain data")
}

/// The next batch: at most `limit` outbox entries, oldest first; `None` when
/// nothing waits. With `only_rep`, rows of other reps (calls a bundle
/// brought into a rep's own database) are left out: a rep pushes only their
/// own calls; a manager (`None`) pushes every rep's.
pub fn next_batch(conn: &Connection, limit: u32, only_rep: Option<&str>) -> Result<Option<Batch>> {
    batch_after(conn, i64::MIN, limit, only_rep)
}

/// The batch of the entries after `after` (see [`next_batch`]).
fn batch_after(
    conn: &Connection,
    after: i64,
    limit: u32,
    only_rep: Option<&str>,
) -> Result<Option<Batch>> {
    let entries: Vec<(i64, String, String)> = {
        let mut stmt = conn.prepare(
            "SELECT seq, kind, row_id FROM team_outbox WHERE seq > ?2 ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map(rusqlite::params![limit, after], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let Some(upto) = entries.last().map(|e| e.0) else {
        return Ok(None);
    };
    let mut call_ids = BTreeSet::new();
    let mut block_ids = BTreeSet::new();
    for (_, kind, id) in &entries {
        if kind == "call" {
            call_ids.insert(id.clone());
        } else {
            block_ids.insert(id.clone());
        }
    }

    // Completed calls and existing blocks, by rep.
    let mut by_rep: BTreeMap<String, (Vec<BCall>, Vec<String>)> = BTreeMap::new();
    let mut completed = HashSet::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT {}, c.rep_id FROM calls c WHERE c.id = ?1 AND c.outcome IS NOT NULL",
            bundle::CALL_COLUMNS
        ))?;
        for id in &call_ids {
            let found = stmt
                .query_row([id], |r| {
                    Ok((bundle::call_row(r)?, r.get::<_, String>(21)?))
                })
                .optional()?;
            if let Some((call, rep)) = found {
                completed.insert(call.id.clone());
                if only_rep.is_some_and(|o| o != rep) {
                    continue;
                }
                by_rep.entry(rep).or_default().0.push(call);
            }
        }
        let mut stmt = conn.prepare("SELECT rep_id FROM blocks WHERE id = ?1")?;
        for id in &block_ids {
            if let Some(rep) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                if only_rep.is_some_and(|o| o != rep) {
                    continue;
                }
                by_rep.entry(rep).or_default().1.push(id.clone());
            }
        }
    }

    let mut reps = Vec::new();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for (rep_id, (calls, blocks)) in by_rep {
        let rep = bundle::rep(conn, &rep_id)?;
        let b = bundle::build_of(conn, rep, calls, &blocks)?;
        let mut add = |kind: Kind, id: &str, rep: Option<&str>, parent: Option<&str>, body| {
            if seen.insert((kind, id.to_string())) {
                rows.push(TeamRow {
                    kind,
                    id: id.to_string(),
                    rep_id: rep.map(str::to_string),
                    parent_id: parent.map(str::to_string),
                    body,
                });
            }
        };
        let r = Some(rep_id.as_str());
        for t in &b.themes {
            add(Kind::Theme, &t.id, None, None, json(t));
        }
        for p in &b.prospects {
            add(Kind::Prospect, &p.id, None, None, json(p));
        }
        for t in &b.talk_tracks {
            add(Kind::TalkTrack, &t.id, None, None, json(t));
        }
        for v in &b.talk_track_versions {
            add(
                Kind::TalkTrackVersion,
                &v.id,
                None,
                Some(&v.talk_track_id),
                json(v),
            );
        }
        for o in &b.objections {
            add(Kind::Objection, &o.id, None, None, json(o));
        }
        for x in &b.responses {
            add(Kind::Response, &x.id, None, Some(&x.objection_id), json(x));
        }
        for x in &b.blocks {
            add(Kind::Block, &x.id, r, None, json(x));
        }
        for x in &b.pauses {
            add(Kind::Pause, &x.id, r, Some(&x.block_id), json(x));
        }
        for x in &b.calls {
            add(Kind::Call, &x.id, r, x.block_id.as_deref(), json(x));
        }
        for x in &b.call_objections {
            add(Kind::CallObjection, &x.id, r, Some(&x.call_id), json(x));
        }
        for x in &b.meetings {
            add(Kind::Meeting, &x.id, r, Some(&x.call_id), json(x));
        }
        reps.push(b.rep);
    }
    rows.sort_by_key(|r| r.kind);
    let mut retracted_calls = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT rep_id FROM calls WHERE id = ?1")?;
        let me: Option<String> = conn
            .query_row("SELECT rep_id FROM team_link WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        for id in call_ids.iter().filter(|id| !completed.contains(*id)) {
            // A call gone from this file was this copy's own.
            let rep = stmt
                .query_row([id], |r| r.get::<_, String>(0))
                .optional()?
                .or_else(|| me.clone());
            match rep {
                Some(rep) if only_rep.is_none_or(|o| o == rep) => {
                    retracted_calls.push((id.clone(), rep))
                }
                _ => {}
            }
        }
    }
    let mut calls: Vec<String> = rows
        .iter()
        .filter(|r| r.kind == Kind::Call)
        .map(|r| r.id.clone())
        .collect();
    calls.sort();
    Ok(Some(Batch {
        upto,
        entries: entries.len() as u32,
        reps,
        rows,
        retracted_calls,
        calls,
    }))
}

/// Every batch waiting, oldest first, as [`next_batch`] reads them; a
/// push acknowledges each ([`ack`]) once the server has it. When the first
/// batch is full, the rest are read one ahead on a thread of their own,
/// over a second connection ([`Store::reader`]): the next batch is built
/// while the server writes this one (a push of 10,000 calls spent a sixth
/// of its time building batches). An in-memory store, or a thread or
/// connection that cannot be had, reads them here, one after the other.
pub struct Batches<'s> {
    store: &'s Store,
    limit: u32,
    only_rep: Option<String>,
    /// The last entry read.
    after: i64,
    ahead: Option<Ahead>,
}

/// The reading thread and what it has read.
struct Ahead {
    rx: Option<Receiver<Result<Option<Batch>>>>,
    thread: Option<JoinHandle<()>>,
}

impl<'s> Batches<'s> {
    pub fn new(store: &'s Store, limit: u32, only_rep: Option<&str>) -> Batches<'s> {
        Batches {
            store,
            limit,
            only_rep: only_rep.map(str::to_string),
            after: i64::MIN,
            ahead: None,
        }
    }

    /// The next batch; `None` once none waits.
    #[allow(clippy::should_implement_trait)] // fallible, and not a plain iterator
    pub fn next(&mut self) -> Result<Option<Batch>> {
        if let Some(rx) = self.ahead.as_ref().and_then(|a| a.rx.as_ref()) {
            match rx.recv() {
                Ok(Ok(Some(b))) => {
                    self.after = b.upto;
                    return Ok(Some(b));
                }
                Ok(other) => {
                    self.ahead = None;
                    return other;
                }
                // The thread is gone (it cannot be, short of a panic): read
                // on here from the last entry read.
                Err(_) => self.ahead = None,
            }
        }
        let b = batch_after(
            self.store.conn(),
            self.after,
            self.limit,
            self.only_rep.as_deref(),
        )?;
        if let Some(b) = &b {
            let first = self.after == i64::MIN;
            self.after = b.upto;
            if first && b.entries >= self.limit {
                self.ahead = self.read_ahead();
            }
        }
        Ok(b)
    }

    /// True while a thread reads the batches ahead.
    pub fn reads_ahead(&self) -> bool {
        self.ahead.is_some()
    }

    fn read_ahead(&self) -> Option<Ahead> {
        let conn = self.store.reader().ok()??;
        // No room in the channel: the thread hands a batch over when the
        // push asks for it, then builds the next (one ahead, not two).
        let (tx, rx) = sync_channel(0);
        let (mut after, limit, only_rep) = (self.after, self.limit, self.only_rep.clone());
        let thread = std::thread::Builder::new()
            .name("outbox-ahead".into())
            .spawn(move || loop {
                let b = batch_after(&conn, after, limit, only_rep.as_deref());
                let more = match &b {
                    Ok(Some(b)) => {
                        after = b.upto;
                        true
                    }
                    _ => false,
                };
                // Sent, or the push stopped listening (an error of its own).
                if tx.send(b).is_err() || !more {
                    break;
                }
            })
            .ok()?;
        Some(Ahead {
            rx: Some(rx),
            thread: Some(thread),
        })
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        // Its next send fails, and it ends (after the batch in hand: tens
        // of milliseconds, which a push given up on waits for here).
        self.rx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The server committed the batch up to `upto`: its entries are done.
pub fn ack(conn: &Connection, upto: i64) -> Result<u32> {
    Ok(conn.execute("DELETE FROM team_outbox WHERE seq <= ?1", [upto])? as u32)
}

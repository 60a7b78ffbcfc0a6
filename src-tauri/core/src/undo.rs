//! Taking back an outcome logged by mistake (a slip of one digit: "Do not
//! call" beside "Meeting booked"). Before an outcome is written, what it
//! will change is read ([`undo_point`]): the prospect's state, its numbers'
//! bad marks, and for a do-not-call the prospects it will mark for sharing a
//! number or the e-mail. [`undo_outcome`] puts all of it back in one
//! transaction, removes the meeting and the do-not-call entries the outcome
//! added, and opens the call again, its notes kept, so that the rep logs
//! the right outcome for the same call.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::Outcome;
use crate::error::{Error, Result};

/// The prospect columns an outcome writes.
const STATE_COLUMNS: &str = "status, attempts, next_attempt_at, callback_at, do_not_call, \
    bad_number, last_called_at, updated_at";
const STATE_WIDTH: usize = 8;

/// What an outcome is about to change, to put back.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoPoint {
    pub call_id: String,
    pub prospect_id: String,
    pub outcome: Outcome,
    asked_for_meeting: bool,
    /// (prospect id, its state columns) of the prospect and of those a
    /// do-not-call marks with it.
    prospects: Vec<(String, Vec<Value>)>,
    /// (position, bad) of the prospect's numbers.
    phones: Vec<(u32, bool)>,
}

fn state_of(conn: &Connection, id: &str) -> Result<Vec<Value>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {STATE_COLUMNS} FROM prospects WHERE id = ?1"
        ))?
        .query_row([id], |r| (0..STATE_WIDTH).map(|i| r.get(i)).collect())?)
}

/// Read what logging `outcome` for the open call `call_id` will change.
pub fn undo_point(conn: &Connection, call_id: &str, outcome: Outcome) -> Result<UndoPoint> {
    let (prospect_id, asked): (String, bool) = conn
        .prepare_cached("SELECT prospect_id, asked_for_meeting FROM calls WHERE id = ?1")?
        .query_row([call_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "call",
            id: call_id.to_string(),
        })?;
    let mut ids = vec![prospect_id.clone()];
    if outcome == Outcome::DoNotCall {
        // Those `suppress::after_do_not_call` marks: a number or the e-mail shared.
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM prospects WHERE do_not_call = 0 AND id <> ?1 AND (
                id IN (SELECT other.prospect_id FROM prospect_phones ph
                         JOIN prospect_phones other ON other.e164 = ph.e164
                          AND ifnull(other.extension, '') = ifnull(ph.extension, '')
                        WHERE ph.prospect_id = ?1 AND ph.e164 IS NOT NULL)
                OR (email IS NOT NULL AND email = (SELECT trim(email) FROM prospects WHERE id = ?1)
                    COLLATE NOCASE))",
        )?;
        let others = stmt.query_map([&prospect_id], |r| r.get::<_, String>(0))?;
        for id in others {
            ids.push(id?);
        }
    }
    let mut prospects = Vec::with_capacity(ids.len());
    for id in ids {
        let state = state_of(conn, &id)?;
        prospects.push((id, state));
    }
    let phones = conn
        .prepare_cached("SELECT position, bad FROM prospect_phones WHERE prospect_id = ?1")?
        .query_map([&prospect_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(UndoPoint {
        call_id: call_id.to_string(),
        prospect_id,
        outcome,
        asked_for_meeting: asked,
        prospects,
        phones,
    })
}

/// Put back what the outcome of `p.call_id` changed and open the call again
/// (run it in the caller's transaction). Returns the path of the meeting's
/// invitation file the outcome had saved, for the caller to remove.
pub fn undo_outcome(conn: &Connection, p: &UndoPoint) -> Result<Option<String>> {
    let logged: Option<Option<Outcome>> = conn
        .prepare_cached("SELECT outcome FROM calls WHERE id = ?1")?
        .query_row([&p.call_id], |r| r.get(0))
        .optional()?;
    match logged {
        Some(Some(o)) if o == p.outcome => {}
        _ => {
            return Err(Error::Conflict(
                "this outcome can no longer be undone: the call changed since".into(),
            ))
        }
    }
    let ics: Option<Option<String>> = conn
        .prepare_cached("SELECT ics_path FROM meetings WHERE call_id = ?1")?
        .query_row([&p.call_id], |r| r.get(0))
        .optional()?;
    conn.prepare_cached("DELETE FROM meetings WHERE call_id = ?1")?
        .execute([&p.call_id])?;
    conn.prepare_cached("DELETE FROM do_not_call WHERE source = 'call' AND call_id = ?1")?
        .execute([&p.call_id])?;
    conn.prepare_cached(
        "UPDATE calls SET outcome = NULL, ended_at = NULL, duration_ms = NULL, ring_ms = NULL,
            callback_at = NULL, asked_for_meeting = ?2
         WHERE id = ?1",
    )?
    .execute(params![p.call_id, p.asked_for_meeting])?;
    let set: String = STATE_COLUMNS
        .split(", ")
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare_cached(&format!("UPDATE prospects SET {set} WHERE id = ?1"))?;
    for (id, state) in &p.prospects {
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![id];
        values.extend(state.iter().map(|v| v as &dyn rusqlite::ToSql));
        stmt.execute(values.as_slice())?;
    }
    let mut stmt = conn.prepare_cached(
        "UPDATE prospect_phones SET bad = ?3 WHERE prospect_id = ?1 AND position = ?2",
    )?;
    for (position, bad) in &p.phones {
        stmt.execute(params![p.prospect_id, position, bad])?;
    }
    Ok(ics.flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::tests_fixture;
    use crate::calls::{CallNotes, CallResult};
    use crate::domain::Settings;

    /// Every row an outcome may touch, to compare before and after.
    fn rows(conn: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        for (table, order) in [
            ("prospects", "id"),
            ("prospect_phones", "prospect_id, position"),
            ("meetings", "id"),
            ("do_not_call", "kind, value"),
            ("calls", "id"),
        ] {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
                .unwrap();
            let n = stmt.column_count();
            let found = stmt
                .query_map([], |r| {
                    let values: Vec<Value> =
                        (0..n).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                    Ok(format!("{table}: {values:?}"))
                })
                .unwrap();
            out.extend(found.map(|r| r.unwrap()));
        }
        out
    }

    #[test]
    fn every_outcome_taken_back_leaves_the_database_as_before_with_the_call_open() {
        let settings = Settings::default();
        for outcome in [
            Outcome::NoAnswer,
            Outcome::BadNumber,
            Outcome::NotInterested,
            Outcome::Callback,
            Outcome::Meeting,
            Outcome::DoNotCall,
        ] {
            let f = tests_fixture(3);
            let c = f.store.conn();
            // A second prospect shares the first one's number: a do-not-call marks both.
            c.execute(
                "INSERT INTO prospect_phones (prospect_id, position, kind, e164, extension, raw, bad)
                 SELECT ?2, 5, kind, e164, extension, raw, 0 FROM prospect_phones
                 WHERE prospect_id = ?1 AND position = 0",
                [&f.prospects[0], &f.prospects[1]],
            )
            .unwrap();
            let now = crate::time::now();
            let block = crate::block::start_block(
                c,
                &f.rep,
                std::slice::from_ref(&f.theme),
                None,
                &settings,
                now,
            )
            .unwrap()
            .id;
            let call = crate::calls::start_call(c, &block, &f.prospects[0], None, now)
                .unwrap()
                .id;
            let before = rows(c);
            let point = undo_point(c, &call, outcome).unwrap();
            let meeting = crate::domain::NewMeeting {
                starts_at: now + chrono::Duration::days(2),
                duration_minutes: 20,
                format: "web".into(),
                email: "p0@example.com".into(),
            };
            let result = CallResult {
                outcome,
                callback_at: (outcome == Outcome::Callback)
                    .then(|| now + chrono::Duration::days(1)),
                meeting: (outcome == Outcome::Meeting).then_some(meeting),
                notes: CallNotes::default(),
                asked_for_meeting: outcome == Outcome::NotInterested,
            };
            crate::calls::finish_call(c, &call, &result, now, &settings).unwrap();
            assert_ne!(rows(c), before, "{outcome:?} changed something");
            undo_outcome(c, &point).unwrap();
            let after = rows(c);
            assert_eq!(after, before, "{outcome:?} taken back");
            assert!(
                crate::calls::open_call(c, &block).unwrap().is_some(),
                "the call is open again"
            );
            // Twice: nothing left to take back.
            assert_eq!(undo_outcome(c, &point).unwrap_err().kind(), "conflict");
        }
    }
}

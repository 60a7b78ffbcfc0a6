//! A page of the log counted in a team store (`callblock_team::review`),
//! said in this copy's words: a theme is this copy's theme of that name, a
//! rep has this copy's name for them, and each objection raised is this
//! copy's own (by id, else by slug, as a bundle's import matches it), else
//! keeps the store's words.

use rusqlite::Connection;

use super::query::CallLogRow;
use crate::error::Result;
use crate::reports::playbook::{copy_objection, copy_theme};

/// An objection raised on a call, as a team store names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreObjectionRaised {
    pub id: String,
    pub slug: Option<String>,
    pub label: Option<String>,
}

/// A row of the log read in a team store, with the objections raised on
/// the call in order (its `objections` labels are filled in from them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCallRow {
    pub row: CallLogRow,
    pub raised: Vec<StoreObjectionRaised>,
}

/// The store's rows in this copy's words, in their order.
pub fn rows_in_copy_words(conn: &Connection, rows: Vec<StoreCallRow>) -> Result<Vec<CallLogRow>> {
    let mut out = Vec::with_capacity(rows.len());
    for StoreCallRow { mut row, raised } in rows {
        if let Some(id) = copy_theme(conn, row.theme_name.as_deref())? {
            row.theme_id = Some(id);
        }
        let name: Option<String> = conn
            .query_row("SELECT name FROM reps WHERE id = ?1", [&row.rep_id], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if let Some(name) = name {
            row.rep_name = name;
        }
        row.objections = Vec::with_capacity(raised.len());
        for o in raised {
            let label = match copy_objection(conn, &o.id, o.slug.as_deref())? {
                Some((_, _, label, _)) => label,
                None => o.label.unwrap_or(o.id),
            };
            row.objections.push(label);
        }
        out.push(row);
    }
    Ok(out)
}

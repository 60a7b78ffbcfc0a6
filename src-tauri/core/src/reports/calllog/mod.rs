//! The call log: completed calls newest first, filtered, a page at a time,
//! fast at any depth of a million calls; and one call's detail (its timeline).
//!
//! How a page is found. The rollups know how many calls each UTC day holds
//! for any filter of period, reps, themes, outcomes and length bands, so a
//! page reads only the days that hold its rows: the total is exact, a deep
//! offset skips whole days, and a sparse filter skips empty days. Filters the
//! rollups do not know (the text query, an objection) are served from their
//! own index when they match few calls (all matches are read and sorted), or
//! else by walking the days of the rest of the filter until the page is
//! full; the total is then an estimate, and says so.
//!
//! - `query`: what the log is asked, and what a page holds
//! - `page`: which way a page is found, and its rows
//! - `cursor`: a call's place in the log, and the period's conditions
//! - `days`: how many calls each month (and each day of a month) holds
//! - `walk`: the calls read in order over stretches of days, from a cursor,
//!   either way
//! - `direct`: few calls read from the text or objection index; the calls in
//!   order without rollups
//! - `detail`: one call's detail and timeline
//! - `export`: every call of a filter, streamed for exports
//! - `store`: a page read in a team store, said in this copy's words

mod cursor;
mod days;
mod detail;
mod direct;
mod export;
mod page;
mod query;
mod store;
#[cfg(test)]
mod tests;
mod walk;

pub use detail::{
    call_detail, phases, CallDetail, CallObjection, MeetingInfo, Phase, TalkTrackRef,
    TimelineEvent, TimelineKind,
};
pub use export::{for_each_call, ExportCall};
pub use page::call_log;
/// The tests ask for a page with and without the rollups, each way.
#[cfg(test)]
pub(crate) use page::{call_log_tuned, call_log_with, Tuning};
pub use query::{CallCount, CallCursor, CallLogPage, CallLogQuery, CallLogRow};
pub use store::{rows_in_copy_words, StoreCallRow, StoreObjectionRaised};

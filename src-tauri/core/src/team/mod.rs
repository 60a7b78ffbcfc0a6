//! The team store's local half: which PostgreSQL team store this database
//! syncs with ([`link`]), what waits to be pushed ([`outbox`]) and what the
//! store sent back ([`pull`]); the team's shared lists and their leases
//! ([`lists`]); the team's playbook ([`playbook`]). The network side (PostgreSQL, TLS, the team
//! schema) is the `callblock-team` crate; nothing here opens a socket, so a
//! block never waits on the network.
//!
//! Rows travel as the bundle's rows ([`crate::bundle`]): the same document a
//! rep's export file holds, one row at a time, so the team store, a bundle
//! file and a manager's database agree on what a call is.

pub mod floor;
pub mod link;
pub mod lists;
pub mod outbox;
pub mod playbook;
pub mod pull;

pub use floor::{Floor, FloorRep};
pub use link::{LinkStatus, NewLink, TeamLink};
pub use lists::SharedReport;
pub use outbox::{Batch, Kind, TeamRow};
pub use playbook::TeamPlaybookStatus;
pub use pull::PullReport;

#[cfg(test)]
mod tests;

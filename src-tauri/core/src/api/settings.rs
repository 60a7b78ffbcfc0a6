//! The Settings view's save: every default of the method, checked together,
//! and the rep's own profile.

use crate::domain::Settings;
use crate::error::Result;
use crate::settings;
use crate::store::Store;

/// Save the settings (every default of the method a user can change),
/// checked together first, in one transaction. A change to what counts as a
/// conversation or to the outer limit recomputes Review's figures in the
/// same transaction. A running block keeps the settings it started with.
pub fn save(store: &mut Store, new: &Settings) -> Result<Settings> {
    store.write(|tx| {
        let before = settings::load(tx)?;
        settings::save(tx, new)?;
        if before.conversation_seconds != new.conversation_seconds
            || before.phase_limit != new.phase_limit
        {
            crate::reports::rollup::rebuild(tx, new)?;
        }
        settings::load(tx)
    })
}

/// The rep's profile as the Settings view edits it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct Profile {
    pub name: String,
    /// For invitations (the organizer of the meeting).
    pub email: Option<String>,
    /// IANA name; the plan's days and the meeting's time are in it.
    pub time_zone: Option<String>,
}

/// Save the profile of the rep this copy works as (created, and made the
/// current rep, on a database that has none yet), in one transaction.
pub fn save_profile(store: &mut Store, p: &Profile) -> Result<crate::reps::Rep> {
    store.write(|tx| {
        let email = p.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let zone = p
            .time_zone
            .as_deref()
            .map(str::trim)
            .filter(|z| !z.is_empty());
        match crate::reps::current_rep(tx)? {
            Some(r) => crate::reps::update_rep(tx, &r.id, &p.name, email, zone),
            None => {
                let r = crate::reps::create_rep(tx, &p.name, email, zone)?;
                crate::reps::set_current_rep(tx, &r.id)?;
                Ok(r)
            }
        }
    })
}

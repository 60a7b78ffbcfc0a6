//! The Settings view's save: every default of the method, checked together.

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

//! The Settings view's save: every default of the method, checked together,
//! and the rep's own profile.

use crate::domain::Settings;
use crate::error::Result;
use crate::settings;
use crate::store::Store;

/// Save the settings (every default of the method a user can change),
/// checked together first, in one transaction (a new calendar file as
/// [`crate::calendar::setting`] checks it). A change to what counts as a
/// conversation or to the outer limit recomputes Review's figures in the
/// same transaction. A running block keeps the settings it started with.
pub fn save(store: &mut Store, new: &Settings) -> Result<Settings> {
    store.write(|tx| {
        let before = settings::load(tx)?;
        // A calendar changed here is checked as the profile checks it.
        let mut new = new.clone();
        if new.calendar_file != before.calendar_file {
            new.calendar_file = crate::calendar::setting(new.calendar_file.as_deref())?;
        }
        let new = &new;
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
    /// The days the rep calls, 0 = Monday ... 6 = Sunday (the setting of
    /// that name: the plan spreads its blocks over them).
    pub calling_days: Vec<u8>,
    /// The rep's calendar, read-only (an `.ics` file's path, `~/...` or a
    /// `file://` URL; empty: none), for the meeting form's free slots.
    pub calendar_file: Option<String>,
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
        let mut s = settings::load(tx)?;
        let mut days = p.calling_days.clone();
        days.sort_unstable();
        days.dedup();
        // The calendar as it is stored is kept unchecked (a file moved since
        // must not stop a change of name); a new one is checked.
        let unchanged = p
            .calendar_file
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            == s.calendar_file.as_deref();
        let calendar_file = if unchanged {
            s.calendar_file.clone()
        } else {
            crate::calendar::setting(p.calendar_file.as_deref())?
        };
        if days != s.calling_days || calendar_file != s.calendar_file {
            s.calling_days = days;
            s.calendar_file = calendar_file;
            settings::save(tx, &s)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_moved_away_does_not_stop_a_change_of_name() {
        let (dir, mut store) = crate::api::demo_on_disk();
        let file = dir.path().join("work.ics");
        std::fs::write(&file, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").unwrap();
        let path = file.to_string_lossy().to_string();
        let profile = |name: &str, calendar: Option<&str>| Profile {
            name: name.into(),
            email: None,
            time_zone: Some("Europe/Paris".into()),
            calling_days: vec![0, 1, 2, 3, 4],
            calendar_file: calendar.map(str::to_string),
        };
        save_profile(&mut store, &profile("Alex Rivera", Some(&path))).unwrap();
        std::fs::remove_file(&file).unwrap();
        // The same calendar: kept as it is, the name changes.
        let rep = save_profile(&mut store, &profile("Alex Stone", Some(&path))).unwrap();
        assert_eq!(rep.name, "Alex Stone");
        let s = settings::load(store.conn()).unwrap();
        assert_eq!(s.calendar_file.as_deref(), Some(path.as_str()));
        // Another file that is not there: refused, nothing written.
        let other = dir.path().join("other.ics").to_string_lossy().to_string();
        assert!(save_profile(&mut store, &profile("Alex Third", Some(&other))).is_err());
        let me = crate::reps::current_rep(store.conn()).unwrap().unwrap();
        assert_eq!(me.name, "Alex Stone");
        // None clears it.
        save_profile(&mut store, &profile("Alex Stone", None)).unwrap();
        assert_eq!(settings::load(store.conn()).unwrap().calendar_file, None);
    }

    #[test]
    fn the_profile_keeps_the_reps_calling_days_in_one_transaction() {
        let (_d, mut store) = crate::api::demo_on_disk();
        let me = crate::reps::current_rep(store.conn()).unwrap().unwrap();
        let profile = |days: Vec<u8>| Profile {
            name: "Alex Rivera-Stone".into(),
            email: Some("alex@example.com".into()),
            time_zone: Some("America/Chicago".into()),
            calling_days: days,
            calendar_file: None,
        };
        // Tuesday to Saturday, given in any order and twice.
        let rep = save_profile(&mut store, &profile(vec![5, 1, 2, 3, 4, 1])).unwrap();
        assert_eq!(rep.id, me.id);
        assert_eq!(rep.name, "Alex Rivera-Stone");
        let s = settings::load(store.conn()).unwrap();
        assert_eq!(s.calling_days, vec![1, 2, 3, 4, 5]);
        assert!(s.calls_on(chrono::Weekday::Sat) && !s.calls_on(chrono::Weekday::Mon));
        // No day, or a day past Sunday: refused, and nothing of the profile
        // is written.
        for bad in [vec![], vec![0, 7]] {
            let e = save_profile(
                &mut store,
                &Profile {
                    name: "Somebody Else".into(),
                    ..profile(bad)
                },
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains("calling_days"), "{e}");
        }
        let now = crate::reps::current_rep(store.conn()).unwrap().unwrap();
        assert_eq!(now.name, "Alex Rivera-Stone");
        assert_eq!(
            settings::load(store.conn()).unwrap().calling_days,
            vec![1, 2, 3, 4, 5]
        );
    }
}

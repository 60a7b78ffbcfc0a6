//! The demo's playbook: a talk track of its own for the logistics theme,
//! improved after week one, and an override of one objection response for
//! finance leaders.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::error::Result;
use crate::playbook::{self, ObjectionWithResponse, TalkTrackVersion};
use crate::time;

/// What the demo's calls use.
pub(super) struct DemoPlaybook {
    /// The logistics track, first and second versions.
    pub track_v1: TalkTrackVersion,
    pub track_v2: TalkTrackVersion,
    /// The current version of the default track.
    pub default_track: Option<String>,
    /// The library, and the library with the finance override.
    pub objections: Vec<ObjectionWithResponse>,
    pub finance_objections: Vec<ObjectionWithResponse>,
}

impl DemoPlaybook {
    /// `theme_ids` in the demo's theme order (logistics first, finance fourth).
    pub fn create(
        c: &Connection,
        theme_ids: &[String],
        created: DateTime<Utc>,
    ) -> Result<DemoPlaybook> {
        let mut logistics = playbook::default_talk_track();
        logistics.engage_statement =
            "Carriers and 3PLs like {company} tell us empty miles and detention time eat \
            their margins. We help operations teams cut both, usually within one quarter."
                .into();
        logistics.referral =
            "Riverbend Freight in Nashville cut their empty miles by a fifth with us.".into();
        let track_v1 = playbook::save_talk_track(
            c,
            Some(&theme_ids[0]),
            "Logistics & freight",
            &logistics,
            "First version",
            None,
        )?;
        let mut v2 = logistics.clone();
        v2.impact_question =
            "If you took a fifth off your empty miles this quarter, where would that money go?"
                .into();
        let track_v2 = playbook::save_talk_track(
            c,
            Some(&theme_ids[0]),
            "Logistics & freight",
            &v2,
            "A sharper Impact Question after week one",
            None,
        )?;
        let default_track = playbook::current_talk_track(c, None)?.map(|v| v.id);
        let objections = playbook::objections_for(c, None)?;
        if let Some(no_budget) = objections.iter().find(|o| o.slug == "no_budget") {
            c.execute(
                "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                rusqlite::params![
                    crate::ids::new_id(),
                    no_budget.objection_id,
                    theme_ids[3],
                    "Most finance teams we meet found the budget in what they already spend. The meeting \
                     is 20 minutes to see if that holds for {company}. Tuesday or Thursday?",
                    time::to_db(created)
                ],
            )?;
        }
        let finance_objections = playbook::objections_for(c, Some(&theme_ids[3]))?;
        Ok(DemoPlaybook {
            track_v1,
            track_v2,
            default_track,
            objections,
            finance_objections,
        })
    }

    /// The talk-track version a call on theme number `theme` uses.
    pub fn track_for(&self, theme: usize, week_two: bool) -> Option<&String> {
        if theme == 0 {
            Some(if week_two {
                &self.track_v2.id
            } else {
                &self.track_v1.id
            })
        } else {
            self.default_track.as_ref()
        }
    }

    /// The objections (with their responses) of theme number `theme`.
    pub fn objections_for(&self, theme: usize) -> &[ObjectionWithResponse] {
        if theme == 3 {
            &self.finance_objections
        } else {
            &self.objections
        }
    }
}

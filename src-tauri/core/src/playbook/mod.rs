//! Playbooks (domain.md section 6): a versioned talk track per theme and an
//! objection library shared across themes, with per-theme overrides. A new
//! database gets the default playbook below, written for Callblock.
//!
//! - [`placeholders`]: `{first_name}` and friends, rendering and the editor's warnings
//! - [`talk_tracks`]: saving, listing, viewing and restoring talk track versions
//! - [`objections`]: the objection library, its hotkeys, responses and overrides
//! - [`share`]: export to and import from a `callblock-playbook` JSON file
//!
//! Every saved edit is a new version; nothing is ever overwritten or deleted,
//! because calls name the talk track version and the objection responses they
//! used (`calls.talk_track_version_id`, `call_objections.response_id`), so
//! Review can compare versions.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Result;
use crate::time;

pub mod objections;
pub mod placeholders;
pub mod share;
pub mod talk_tracks;

pub use objections::*;
pub use placeholders::*;
pub use share::*;
pub use talk_tracks::*;

/// The sections of a talk track, in the order of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackSections {
    pub opener: String,
    pub engage_statement: String,
    pub impact_question: String,
    pub appointment_request: String,
    pub voicemail_script: String,
    /// A third-party referral for voicemails (a customer in the same vertical
    /// or city); fills `{referral}`. May be empty.
    pub referral: String,
    /// What to say to questions after a "yes".
    pub agenda_line: String,
}

impl TalkTrackSections {
    /// The sections with their field names, in call order.
    pub fn named(&self) -> [(&'static str, &str); 7] {
        [
            ("opener", &self.opener),
            ("engage_statement", &self.engage_statement),
            ("impact_question", &self.impact_question),
            ("appointment_request", &self.appointment_request),
            ("voicemail_script", &self.voicemail_script),
            ("referral", &self.referral),
            ("agenda_line", &self.agenda_line),
        ]
    }

    /// Every section normalized as all text that comes in (trimmed, control
    /// and invisible characters removed, NFC; see [`crate::text`]).
    pub fn normalized(&self) -> TalkTrackSections {
        let n = |s: &str| crate::text::normalize(s, crate::text::Lines::Many).into_owned();
        TalkTrackSections {
            opener: n(&self.opener),
            engage_statement: n(&self.engage_statement),
            impact_question: n(&self.impact_question),
            appointment_request: n(&self.appointment_request),
            voicemail_script: n(&self.voicemail_script),
            referral: n(&self.referral),
            agenda_line: n(&self.agenda_line),
        }
    }
}

/// One saved version of a talk track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackVersion {
    pub id: String,
    pub talk_track_id: String,
    pub name: String,
    /// The theme this track is written for; `None` for the default track.
    pub theme_id: Option<String>,
    pub version: u32,
    pub sections: TalkTrackSections,
    pub change_note: String,
    /// The rep who saved it, when known.
    pub created_by: Option<String>,
    pub created_at: String,
}

/// An objection with the response that applies to a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ObjectionWithResponse {
    pub objection_id: String,
    pub slug: String,
    pub label: String,
    pub hotkey: Option<String>,
    pub response_id: String,
    pub response: String,
    pub response_version: u32,
    /// True when the theme has its own response instead of the library's.
    pub overridden: bool,
}

/// The playbook as a theme sees it: its talk track (or the default) and the
/// objection library with the theme's overrides applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Playbook {
    pub talk_track: Option<TalkTrackVersion>,
    pub objections: Vec<ObjectionWithResponse>,
}

/// The talk track that ships with Callblock: generic, so that it serves any
/// theme until the team writes its own.
pub fn default_talk_track() -> TalkTrackSections {
    TalkTrackSections {
        opener: "Hi {first_name}, it's {rep_name}. I know I'm calling out of the blue, so I'll \
            be brief."
            .into(),
        engage_statement: "People in your role tell us the biggest drain on their week is work \
            that should run itself. We help teams like yours win those hours back, usually \
            within the first quarter and without adding headcount."
            .into(),
        impact_question: "How much of your team's week goes to that today, and what would it \
            mean for you to have that time back?"
            .into(),
        appointment_request: "Then it's worth a closer look. Let's put 20 minutes on the \
            calendar to see whether the numbers work for {company}. Is Tuesday or Thursday \
            better for you?"
            .into(),
        voicemail_script: "Hi {first_name}, it's {rep_name}. {referral} I have one idea on how \
            {company} could win back hours every week. I'll try you again in a couple of days; \
            if it's easier, call me back on this number."
            .into(),
        referral: String::new(),
        agenda_line: "That's a great question; let's make it the first item on our agenda.".into(),
    }
}

/// The objections reps hear most, each with a short response that aims at the
/// meeting, not the sale: (slug, label, hotkey, response).
pub const DEFAULT_OBJECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "not_interested",
        "Not interested",
        "n",
        "Fair enough; most people say that before they have seen what it does, which is why I'm \
         only asking for 20 minutes, not a decision. If it isn't a fit, you'll know fast. Would \
         Thursday morning work?",
    ),
    (
        "send_information",
        "Send me information",
        "i",
        "Happy to. So that I send what matters to you and not a brochure, let's take 15 minutes \
         where I walk you through it. How is Wednesday at 10?",
    ),
    (
        "have_provider",
        "We already have a provider",
        "p",
        "Most of the teams we work with did too when we first spoke. The meeting isn't about \
         replacing anyone; it's a benchmark of what you have against what your peers get. Worth \
         20 minutes to know where you stand?",
    ),
    (
        "no_budget",
        "No budget",
        "b",
        "Understood, and I'm not asking for any today. The meeting is to find out whether there \
         is a case worth budgeting for at all. If there isn't, you've spent 20 minutes. Tuesday \
         or Thursday?",
    ),
    (
        "call_later",
        "Call me later",
        "l",
        "Glad to. So I don't interrupt you again, let's put a time in both our calendars now. \
         Later this week, or early next?",
    ),
    (
        "how_number",
        "How did you get my number?",
        "h",
        "Fair question. I research businesses before I call, and your number came up as the \
         person who owns this at {company}. We've had good results with teams like yours; can I \
         show you in 20 minutes next week?",
    ),
    (
        "busy_now",
        "I'm busy right now",
        "t",
        "Then I'll be quick: I'm calling to find a better time for a short meeting, not to take \
         yours now. Tomorrow morning or Thursday afternoon?",
    ),
];

/// Insert the default talk track and objection library. Called once, in the
/// transaction that creates a new database.
pub fn seed_default(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let now = time::to_db(time::now());
    let track_id = crate::ids::new_id();
    tx.execute(
        "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, NULL, ?2, ?3)",
        params![track_id, "Default talk track", now],
    )?;
    talk_tracks::insert_version(
        tx,
        &track_id,
        1,
        &default_talk_track(),
        "The default talk track that ships with Callblock",
        None,
        &now,
    )?;
    for (i, (slug, label, hotkey, response)) in DEFAULT_OBJECTIONS.iter().enumerate() {
        let oid = crate::ids::new_id();
        tx.execute(
            "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![oid, slug, label, hotkey, i as i64, now],
        )?;
        tx.execute(
            "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
             VALUES (?1, ?2, NULL, 1, ?3, ?4)",
            params![crate::ids::new_id(), oid, response, now],
        )?;
    }
    Ok(())
}

pub fn playbook_for(conn: &rusqlite::Connection, theme_id: Option<&str>) -> Result<Playbook> {
    Ok(Playbook {
        talk_track: current_talk_track(conn, theme_id)?,
        objections: objections_for(conn, theme_id)?,
    })
}

/// An objection with its response filled for one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RenderedObjection {
    pub objection: ObjectionWithResponse,
    /// The response with its placeholders filled.
    pub text: String,
}

/// The playbook of a theme, filled for one prospect: what the call card shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallPlaybook {
    /// The version used (its id goes on the call as `talk_track_version_id`).
    pub talk_track: Option<TalkTrackVersion>,
    pub rendered: Option<RenderedTrack>,
    pub objections: Vec<RenderedObjection>,
    /// Placeholders without a value, over the track and the responses.
    pub missing: Vec<String>,
    /// Unknown placeholders (dropped), over the track and the responses.
    pub unknown: Vec<String>,
    /// The meeting's length the appointment request asks for ("20 minutes
    /// on the calendar"), the meeting form's default; `None` when it names
    /// none.
    pub meeting_minutes: Option<u32>,
}

/// The playbook `theme_id` sees, filled with `values` (see
/// [`placeholder_values`]). `{referral}` in responses takes the track's referral.
pub fn call_playbook(
    conn: &rusqlite::Connection,
    theme_id: Option<&str>,
    values: &PlaceholderValues,
) -> Result<CallPlaybook> {
    Ok(fill_playbook(playbook_for(conn, theme_id)?, values))
}

/// A playbook filled with `values`, exactly as the call card fills it; the
/// editor's preview passes a playbook whose track holds the unsaved text.
pub fn fill_playbook(pb: Playbook, values: &PlaceholderValues) -> CallPlaybook {
    let rendered = pb
        .talk_track
        .as_ref()
        .map(|t| render_track(&t.sections, values));
    let mut v = values.clone();
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let add = |list: &mut Vec<String>, items: &[String]| {
        for i in items {
            if !list.contains(i) {
                list.push(i.clone());
            }
        }
    };
    if let Some(r) = &rendered {
        if v.referral.trim().is_empty() {
            v.referral = r.sections.referral.clone();
        }
        add(&mut missing, &r.missing);
        add(&mut unknown, &r.unknown);
    }
    let objections = pb
        .objections
        .into_iter()
        .map(|o| {
            let r = render(&o.response, &v);
            add(&mut missing, &r.missing);
            add(&mut unknown, &r.unknown);
            RenderedObjection {
                objection: o,
                text: r.text,
            }
        })
        .collect();
    let meeting_minutes = rendered
        .as_ref()
        .and_then(|r| minutes_asked(&r.sections.appointment_request));
    CallPlaybook {
        talk_track: pb.talk_track,
        rendered,
        objections,
        missing,
        unknown,
        meeting_minutes,
    }
}

/// The first length of time a request names: "20 minutes", "a 15-min call",
/// "half an hour" (30); from 5 to 240 minutes.
pub fn minutes_asked(text: &str) -> Option<u32> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\b(\d{1,3})[\s-]?(?:minutes?|mins?)\b|\b(half an hour)\b|\b(an hour)\b",
        )
        .expect("a valid pattern")
    });
    let c = re.captures(text)?;
    let n = if let Some(m) = c.get(1) {
        m.as_str().parse().ok()?
    } else if c.get(2).is_some() {
        30
    } else {
        60
    };
    (5..=240).contains(&n).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn the_meetings_length_is_read_from_the_request() {
        assert_eq!(
            minutes_asked(&default_talk_track().appointment_request),
            Some(20)
        );
        assert_eq!(minutes_asked("Can we do a 15-min call Tuesday?"), Some(15));
        assert_eq!(
            minutes_asked("Let's take half an hour next week."),
            Some(30)
        );
        assert_eq!(minutes_asked("Are you free Thursday?"), None);
        assert_eq!(
            minutes_asked("It takes 1 minute"),
            None,
            "too short to be a meeting"
        );
    }

    #[test]
    fn a_new_database_has_the_default_playbook() {
        let store = Store::open_in_memory().unwrap();
        let pb = playbook_for(store.conn(), None).unwrap();
        let track = pb.talk_track.expect("default track");
        assert_eq!(track.version, 1);
        assert_eq!(track.theme_id, None);
        assert_eq!(track.sections, default_talk_track());
        let slugs: Vec<_> = pb.objections.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(
            slugs,
            DEFAULT_OBJECTIONS.iter().map(|o| o.0).collect::<Vec<_>>()
        );
        assert!(pb
            .objections
            .iter()
            .all(|o| !o.overridden && o.response_version == 1));
        // Hotkeys are distinct and valid.
        let mut keys: Vec<_> = pb
            .objections
            .iter()
            .filter_map(|o| o.hotkey.clone())
            .collect();
        for k in &keys {
            assert_eq!(
                normalize_hotkey(Some(k)).unwrap().as_deref(),
                Some(k.as_str())
            );
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), DEFAULT_OBJECTIONS.len());
    }

    #[test]
    fn the_call_card_gets_the_playbook_filled_for_the_prospect() {
        let store = Store::open_in_memory().unwrap();
        let values = PlaceholderValues {
            first_name: "Dana".into(),
            rep_name: "Alex".into(),
            ..PlaceholderValues::default()
        };
        let cp = call_playbook(store.conn(), None, &values).unwrap();
        let r = cp.rendered.unwrap();
        assert_eq!(
            r.sections.opener,
            "Hi Dana, it's Alex. I know I'm calling out of the blue, so I'll be brief."
        );
        let how = cp
            .objections
            .iter()
            .find(|o| o.objection.slug == "how_number")
            .unwrap();
        assert!(
            how.text.contains("owns this at your company."),
            "{}",
            how.text
        );
        assert!(!how.text.contains('{'));
        assert_eq!(cp.missing, ["company", "referral"]);
        assert!(cp.unknown.is_empty());
    }

    #[test]
    fn the_default_playbook_covers_the_common_objections_and_is_clean() {
        // The seven objections reps hear most, each asking for the meeting.
        let labels: Vec<_> = DEFAULT_OBJECTIONS.iter().map(|o| o.1).collect();
        for want in [
            "Not interested",
            "Send me information",
            "We already have a provider",
            "No budget",
            "Call me later",
            "How did you get my number?",
            "I'm busy right now",
        ] {
            assert!(labels.contains(&want), "{want}");
        }
        for (slug, _, _, response) in DEFAULT_OBJECTIONS {
            assert!(response.len() < 300, "{slug}: keep responses short");
            assert!(response.ends_with('?'), "{slug}: ends by asking");
            assert!(lint_text(slug, response).is_empty(), "{slug}");
        }
        let track = default_talk_track();
        assert!(lint_sections(&track).is_empty());
        validate_sections(&track).unwrap();
        for p in ["{first_name}", "{company}", "{rep_name}", "{referral}"] {
            assert!(
                track.named().iter().any(|(_, t)| t.contains(p)),
                "{p} is used"
            );
        }
    }
}

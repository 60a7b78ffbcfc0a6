//! What the call card shows about a prospect (issue: the call card): who they
//! are, their numbers as dial actions, their local time zone, the earlier
//! attempts and notes, and the theme's playbook.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, ProspectStatus};
use crate::error::{Error, Result};
use crate::playbook::{self, CallPlaybook};

/// One number to dial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CardPhone {
    /// Its place among the prospect's numbers (0 = tried first).
    pub position: u32,
    /// direct, mobile, office, corporate or other
    pub kind: String,
    /// Marked bad on an earlier call: never dialled again.
    pub bad: bool,
    /// What to show: the number in national format when it is in the rep's
    /// region, else international (with " ext. " and the extension); the
    /// raw text when it could not be read.
    pub display: String,
    /// The number in E.164, when it could be read.
    pub e164: Option<String>,
    /// The `tel:` link handed to the softphone (RFC 3966); `None` when the
    /// number could not be read as a dialable number.
    pub tel_uri: Option<String>,
}

/// An earlier call to the prospect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PastCall {
    pub call_id: String,
    pub started_at: String,
    pub rep_name: String,
    pub outcome: Outcome,
    /// Talk time (from the answer).
    pub duration_seconds: u32,
    /// Ring time; `None` when unknown.
    pub ring_seconds: Option<u32>,
    pub notes: String,
    /// The gap the rep noted: current state, objectives, impact.
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    /// The manager's comments on it (oldest first) and the coaching flag.
    pub comments: Vec<crate::coaching::CallComment>,
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallCard {
    pub prospect_id: String,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub location: String,
    /// IANA zone; `None`: unknown (shown as such, never guessed).
    pub time_zone: Option<String>,
    pub status: ProspectStatus,
    /// Attempts before this one.
    pub attempts: u32,
    pub callback_at: Option<String>,
    pub phones: Vec<CardPhone>,
    /// Newest first.
    pub history: Vec<PastCall>,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    /// Who referred them, and what was said ("Rosa Abbott: talk to Dana").
    pub referred_by: Option<String>,
    /// The theme's talk track and objection responses, filled for this prospect.
    pub playbook: CallPlaybook,
}

/// The `tel:` URI for an E.164 number and an optional extension.
pub fn tel_uri(e164: &str, extension: Option<&str>) -> Option<String> {
    let digits_ok =
        e164.starts_with('+') && e164.len() > 2 && e164[1..].chars().all(|c| c.is_ascii_digit());
    if !digits_ok {
        return None;
    }
    Some(match extension.map(str::trim).filter(|e| !e.is_empty()) {
        Some(ext) if ext.chars().all(|c| c.is_ascii_digit()) => format!("tel:{e164};ext={ext}"),
        _ => format!("tel:{e164}"),
    })
}

/// The card of `prospect_id`, its playbook filled for them and for `rep_id`
/// (the `{rep_name}` placeholder).
pub fn call_card(conn: &Connection, prospect_id: &str, rep_id: Option<&str>) -> Result<CallCard> {
    let mut card = conn
        .prepare_cached(
            "SELECT p.id, p.first_name, p.last_name, p.title, p.company, p.email,
                trim(p.city || CASE WHEN p.city <> '' AND p.region <> '' THEN ', ' ELSE '' END || p.region
                     || CASE WHEN p.country <> '' AND (p.city <> '' OR p.region <> '') THEN ', ' ELSE '' END
                     || p.country),
                p.time_zone, p.status, p.attempts, p.callback_at, p.theme_id, t.name
             FROM prospects p LEFT JOIN themes t ON t.id = p.theme_id WHERE p.id = ?1",
        )?
        .query_row([prospect_id], |r| {
            Ok(CallCard {
                prospect_id: r.get(0)?,
                first_name: r.get(1)?,
                last_name: r.get(2)?,
                title: r.get(3)?,
                company: r.get(4)?,
                email: r.get(5)?,
                location: r.get(6)?,
                time_zone: r.get(7)?,
                status: r.get(8)?,
                attempts: r.get(9)?,
                callback_at: r.get(10)?,
                theme_id: r.get(11)?,
                theme_name: r.get(12)?,
                referred_by: None,
                phones: Vec::new(),
                history: Vec::new(),
                playbook: CallPlaybook::default(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "prospect",
            id: prospect_id.to_string(),
        })?;

    let home = crate::settings::load(conn)
        .ok()
        .and_then(|s| crate::import::phone::parse_region(&s.default_region));
    let mut stmt = conn.prepare_cached(
        "SELECT kind, e164, extension, raw, position, bad FROM prospect_phones
         WHERE prospect_id = ?1 ORDER BY position",
    )?;
    card.phones = stmt
        .query_map([prospect_id], |r| {
            let kind: String = r.get(0)?;
            let e164: Option<String> = r.get(1)?;
            let ext: Option<String> = r.get(2)?;
            let raw: String = r.get(3)?;
            let display = match &e164 {
                Some(e) => crate::import::phone::display(e, ext.as_deref(), home),
                None => raw,
            };
            let bad: bool = r.get(5)?;
            Ok(CardPhone {
                position: r.get(4)?,
                bad,
                kind,
                // A bad number is never dialled again.
                tel_uri: e164
                    .as_deref()
                    .filter(|_| !bad)
                    .and_then(|e| tel_uri(e, ext.as_deref())),
                display,
                e164,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT c.started_at, r.name, c.outcome, c.duration_ms / 1000, c.notes,
            c.gap_current_state, c.gap_objectives, c.gap_impact, c.ring_ms / 1000, c.id
         FROM calls c JOIN reps r ON r.id = c.rep_id
         WHERE c.prospect_id = ?1 AND c.outcome IS NOT NULL
         ORDER BY c.started_at DESC LIMIT 20",
    )?;
    card.history = stmt
        .query_map([prospect_id], |r| {
            Ok(PastCall {
                started_at: r.get(0)?,
                rep_name: r.get(1)?,
                outcome: r.get(2)?,
                duration_seconds: r.get(3)?,
                notes: r.get(4)?,
                gap_current_state: r.get(5)?,
                gap_objectives: r.get(6)?,
                gap_impact: r.get(7)?,
                ring_seconds: r.get(8)?,
                call_id: r.get(9)?,
                comments: Vec::new(),
                flagged: false,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let ids: Vec<String> = card.history.iter().map(|h| h.call_id.clone()).collect();
    let mut coaching = crate::coaching::of_calls(conn, &ids)?;
    for h in &mut card.history {
        if let Some(c) = coaching.remove(&h.call_id) {
            h.comments = c.comments;
            h.flagged = c.flagged;
        }
    }

    card.referred_by = crate::referral::referred_by(conn, prospect_id)?;
    let values = playbook::placeholder_values(conn, prospect_id, rep_id)?;
    card.playbook = playbook::call_playbook(conn, card.theme_id.as_deref(), &values)?;
    Ok(card)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block;
    use crate::calls::CallNotes;
    use crate::calls::{self, CallResult};
    use crate::domain::Settings;
    use chrono::Duration;

    #[test]
    fn tel_links_follow_rfc_3966() {
        assert_eq!(
            tel_uri("+13125550142", None).as_deref(),
            Some("tel:+13125550142")
        );
        assert_eq!(
            tel_uri("+13125550142", Some("12")).as_deref(),
            Some("tel:+13125550142;ext=12")
        );
        assert_eq!(
            tel_uri("+13125550142", Some("ab")).as_deref(),
            Some("tel:+13125550142")
        );
        assert_eq!(tel_uri("3125550142", None), None);
        assert_eq!(tel_uri("+1 312", None), None);
    }

    #[test]
    fn the_card_has_the_prospect_numbers_history_and_playbook() {
        let f = block::tests_fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        let t0 = block::tests::t0();
        let b =
            block::start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0).unwrap();
        let call = calls::start_call(c, &b.id, &f.prospects[0], None, t0).unwrap();
        // The front desk picked up after 6 s of ringing.
        calls::mark_answered(c, &call.id, t0 + Duration::seconds(6)).unwrap();
        calls::finish_call(
            c,
            &call.id,
            &CallResult {
                outcome: Outcome::Gatekeeper,
                callback_at: None,
                meeting: None,
                notes: CallNotes {
                    notes: "ask for Dana in accounts".into(),
                    ..CallNotes::default()
                },
                asked_for_meeting: false,
            },
            t0 + Duration::seconds(40),
            &s,
        )
        .unwrap();
        let card = call_card(c, &f.prospects[0], Some(&f.rep)).unwrap();
        assert_eq!(card.first_name, "P0");
        assert_eq!(card.theme_name.as_deref(), Some("Texas"));
        assert_eq!(card.time_zone.as_deref(), Some("America/Chicago"));
        assert_eq!(card.phones.len(), 1);
        assert_eq!(card.phones[0].tel_uri.as_deref(), Some("tel:+15125550000"));
        assert_eq!(card.attempts, 1);
        assert_eq!(card.history.len(), 1);
        assert_eq!(card.history[0].outcome, Outcome::Gatekeeper);
        assert_eq!(card.history[0].duration_seconds, 34, "talk from the answer");
        assert_eq!(card.history[0].notes, "ask for Dana in accounts");
        assert!(
            card.playbook.talk_track.is_some(),
            "the default talk track applies"
        );
        let opener = &card.playbook.rendered.as_ref().unwrap().sections.opener;
        assert!(
            opener.contains("P0") && opener.contains("Alex"),
            "filled for the prospect and the rep: {opener}"
        );
        assert!(
            !opener.contains('{'),
            "no raw placeholder reaches the rep: {opener}"
        );
        assert_eq!(card.playbook.objections.len(), 7);
        assert!(call_card(c, "nobody", None).is_err());
    }
}

//! One demo call: its outcome, length, objections, callback or meeting and
//! notes, drawn in a fixed order from the demo's generator.

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::Rng;

use super::data::{pick, slug};
use super::people::DemoProspect;
use crate::calls::{CompletedCall, NewMeeting, RaisedObjection};
use crate::domain::Outcome;
use crate::playbook::ObjectionWithResponse;

/// Where a call is made: by whom, in which block, on which theme, with
/// which talk-track version and objections.
pub(super) struct Dialling<'a> {
    pub rep_id: &'a str,
    pub block_id: &'a str,
    pub theme_id: &'a str,
    pub track: Option<&'a String>,
    pub objections: &'a [ObjectionWithResponse],
}

/// A call to `p` at `t`.
pub(super) fn demo_call(
    rng: &mut StdRng,
    p: &DemoProspect,
    d: &Dialling<'_>,
    t: DateTime<Utc>,
) -> CompletedCall {
    let outcome = outcome(rng);
    let secs = seconds(rng, outcome);
    // Someone picked up (the rep pressed "connected"): ring time apart;
    // nobody did: the whole call rang (a voicemail's message included).
    let answered = outcome.is_connect() || outcome == Outcome::Gatekeeper;
    let length = secs * 1000 + rng.random_range(0..1000);
    let (ring_ms, duration_ms) = if answered {
        (rng.random_range(4_000..20_000), length)
    } else {
        (length, 0)
    };
    let raised = objections(rng, outcome, secs, d.objections);
    let callback_at = (outcome == Outcome::Callback).then(|| callback_at(rng, p, t));
    let meeting = (outcome == Outcome::Meeting).then(|| meeting(rng, p, t));
    let (notes, gap_current_state, gap_objectives, gap_impact) = notes(outcome, p);
    CompletedCall {
        prospect_id: p.id.clone(),
        rep_id: d.rep_id.to_string(),
        block_id: Some(d.block_id.to_string()),
        theme_id: Some(d.theme_id.to_string()),
        talk_track_version_id: d.track.cloned(),
        started_at: t,
        ring_ms: Some(ring_ms),
        duration_ms,
        outcome,
        asked_for_meeting: matches!(outcome, Outcome::Meeting | Outcome::Callback)
            || (outcome == Outcome::NotInterested && secs > 50),
        callback_at,
        notes,
        gap_current_state,
        gap_objectives,
        gap_impact,
        objections: raised,
        meeting,
    }
}

/// Per dial (near domain.md section 8, a little kinder so that Review has
/// meetings to show): 5 % bad number, 47 % no answer, 26 % voicemail, 12 %
/// gatekeeper, 10 % connects; of the connects 58 % not interested, 22 %
/// callback, 10 % meeting, 10 % do not call.
fn outcome(rng: &mut StdRng) -> Outcome {
    let roll: f64 = rng.random();
    if roll < 0.05 {
        Outcome::BadNumber
    } else if roll < 0.52 {
        Outcome::NoAnswer
    } else if roll < 0.78 {
        Outcome::Voicemail
    } else if roll < 0.90 {
        Outcome::Gatekeeper
    } else {
        let c: f64 = rng.random();
        if c < 0.58 {
            Outcome::NotInterested
        } else if c < 0.80 {
            Outcome::Callback
        } else if c < 0.90 {
            Outcome::Meeting
        } else {
            Outcome::DoNotCall
        }
    }
}

/// The call's length in whole seconds: the talk after the answer, or the
/// ringing (and the voicemail) when nobody answered.
fn seconds(rng: &mut StdRng, outcome: Outcome) -> u32 {
    match outcome {
        Outcome::BadNumber => rng.random_range(6..20),
        Outcome::NoAnswer => rng.random_range(18..35),
        Outcome::Voicemail => rng.random_range(40..75),
        Outcome::Gatekeeper => rng.random_range(25..95),
        Outcome::NotInterested => rng.random_range(15..110),
        Outcome::Callback => rng.random_range(45..140),
        Outcome::Meeting => rng.random_range(120..330),
        Outcome::DoNotCall => rng.random_range(10..45),
    }
}

/// The objections raised in a conversation, a minute in and then every 20
/// seconds or so, while the call lasted.
fn objections(
    rng: &mut StdRng,
    outcome: Outcome,
    secs: u32,
    objections: &[ObjectionWithResponse],
) -> Vec<RaisedObjection> {
    let mut raised = Vec::new();
    let n_objections = match outcome {
        Outcome::NotInterested => rng.random_range(1..=3),
        Outcome::Callback => rng.random_range(1..=2),
        Outcome::Meeting => rng.random_range(0..=3),
        _ => 0,
    };
    for i in 0..n_objections {
        let o = pick(rng, objections);
        let at = 60 + i * 20 + rng.random_range(0..10);
        if at < secs {
            raised.push(RaisedObjection {
                objection_id: o.objection_id.clone(),
                response_id: Some(o.response_id.clone()),
                at_ms: at * 1000,
            });
        }
    }
    raised
}

/// 10:00 in the prospect's zone, one to three business days later.
fn callback_at(rng: &mut StdRng, p: &DemoProspect, t: DateTime<Utc>) -> DateTime<Utc> {
    let d = crate::time::add_business_days(t, rng.random_range(1..4), Some(p.tz));
    let local = d
        .with_timezone(&p.tz)
        .date_naive()
        .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
    p.tz.from_local_datetime(&local)
        .earliest()
        .map(|l| l.with_timezone(&Utc))
        .unwrap_or(d)
}

/// A 30-minute web meeting at a round hour in the prospect's zone, two to
/// six business days later.
fn meeting(rng: &mut StdRng, p: &DemoProspect, t: DateTime<Utc>) -> NewMeeting {
    let d = crate::time::add_business_days(t, rng.random_range(2..7), Some(p.tz));
    let hour = *pick(rng, &[10u32, 11, 14, 15]);
    let local = d
        .with_timezone(&p.tz)
        .date_naive()
        .and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    NewMeeting {
        starts_at: p
            .tz
            .from_local_datetime(&local)
            .earliest()
            .map(|l| l.with_timezone(&Utc))
            .unwrap_or(d),
        duration_minutes: 30,
        email: format!(
            "{}.{}@{}.example",
            slug(&p.first),
            slug(&p.last),
            slug(&p.company)
        ),
        format: "web".into(),
    }
}

/// (notes, gap: current state, objectives, impact)
fn notes(outcome: Outcome, p: &DemoProspect) -> (String, String, String, String) {
    match outcome {
        Outcome::Meeting => (
            format!(
                "Booked with {}; sent invite for the discovery meeting.",
                p.first
            ),
            "Tracks it in spreadsheets; two people spend Mondays on it.".to_string(),
            "Wants the weekly report automated before next quarter.".to_string(),
            "Frees a day a week for the team.".to_string(),
        ),
        Outcome::Callback => (
            format!("{} asked to talk after the month-end close.", p.first),
            String::new(),
            String::new(),
            String::new(),
        ),
        Outcome::NotInterested => (
            "Happy with the current setup.".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ),
        Outcome::Gatekeeper => (
            format!("Front desk; asked for {}'s direct line.", p.first),
            String::new(),
            String::new(),
            String::new(),
        ),
        _ => (String::new(), String::new(), String::new(), String::new()),
    }
}

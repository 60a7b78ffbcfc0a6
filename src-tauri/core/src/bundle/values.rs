//! The values of a bundle, checked and normalized by the same rules as every
//! other way in (see [`crate::text`]): ids well formed and unique per kind of
//! row, every text within its field's limit and normalized, every time an
//! RFC 3339 instant, every enumeration one of its values, every number within
//! what the database accepts. A refusal names the row, never echoing more
//! than a few dozen characters of a value.

use std::collections::HashSet;

use super::format::Bundle;
use crate::block::EndReason;
use crate::domain::{ProspectStatus, ThemeKind};
use crate::error::quoted;
use crate::playbook::{is_valid_slug, normalize_hotkey};
use crate::text::{self, Rule};
use crate::time;

type Checked<T> = std::result::Result<T, String>;

/// A text field of a row, normalized in place.
fn text_of(whose: &str, rule: Rule, value: &mut String, required: bool) -> Checked<()> {
    let clean = if required {
        text::required(rule, value)
    } else {
        text::check(rule, value)
    }
    .map_err(|e| format!("{whose}: {e}"))?;
    *value = clean;
    Ok(())
}

fn optional_of(whose: &str, rule: Rule, value: &mut Option<String>) -> Checked<()> {
    if let Some(v) = value.as_deref() {
        *value = text::optional(rule, Some(v)).map_err(|e| format!("{whose}: {e}"))?;
    }
    Ok(())
}

fn instant(whose: &str, what: &str, value: &str) -> Checked<()> {
    time::from_db(value)
        .map(|_| ())
        .map_err(|_| format!("{whose}: {what} {} is not a time", quoted(value)))
}

fn optional_instant(whose: &str, what: &str, value: &Option<String>) -> Checked<()> {
    value.as_deref().map_or(Ok(()), |v| instant(whose, what, v))
}

fn zone(whose: &str, value: &mut Option<String>) -> Checked<()> {
    optional_of(whose, text::TIME_ZONE, value)?;
    if let Some(z) = value.as_deref() {
        if time::parse_tz(z).is_none() {
            return Err(format!(
                "{whose}: time zone {} is not an IANA time zone",
                quoted(z)
            ));
        }
    }
    Ok(())
}

fn email(whose: &str, rule: Rule, value: &mut Option<String>) -> Checked<()> {
    optional_of(whose, rule, value)?;
    match value.as_deref() {
        Some(e) if !text::valid_email(e) => {
            Err(format!("{whose}: {} is not an e-mail address", quoted(e)))
        }
        _ => Ok(()),
    }
}

/// Ids well formed and each used once within its kind of row.
fn unique_ids<'a>(what: &str, ids: impl Iterator<Item = &'a String>) -> Checked<()> {
    let mut seen = HashSet::new();
    for id in ids {
        text::check_id(what, id)?;
        if !seen.insert(id.as_str()) {
            return Err(format!("two {what} rows have the id {}", quoted(id)));
        }
    }
    Ok(())
}

/// Check and normalize every value of the bundle.
pub(super) fn check(b: &mut Bundle) -> Checked<()> {
    ids(b)?;
    rep_and_themes(b)?;
    prospects(b)?;
    playbook(b)?;
    blocks(b)?;
    calls(b)?;
    meetings(b)
}

fn ids(b: &Bundle) -> Checked<()> {
    text::check_id("the rep", &b.rep.id)?;
    unique_ids("theme", b.themes.iter().map(|x| &x.id))?;
    unique_ids("prospect", b.prospects.iter().map(|x| &x.id))?;
    unique_ids("talk track", b.talk_tracks.iter().map(|x| &x.id))?;
    unique_ids(
        "talk-track version",
        b.talk_track_versions.iter().map(|x| &x.id),
    )?;
    unique_ids("objection", b.objections.iter().map(|x| &x.id))?;
    unique_ids("response", b.responses.iter().map(|x| &x.id))?;
    unique_ids("block", b.blocks.iter().map(|x| &x.id))?;
    unique_ids("pause", b.pauses.iter().map(|x| &x.id))?;
    unique_ids("call", b.calls.iter().map(|x| &x.id))?;
    unique_ids("objection raised", b.call_objections.iter().map(|x| &x.id))?;
    unique_ids("meeting", b.meetings.iter().map(|x| &x.id))
}

fn rep_and_themes(b: &mut Bundle) -> Checked<()> {
    let r = &mut b.rep;
    text_of("the rep", text::REP_NAME, &mut r.name, true)?;
    email("the rep", text::EMAIL, &mut r.email)?;
    zone("the rep", &mut r.time_zone)?;
    for t in &mut b.themes {
        let whose = format!("theme {}", t.id);
        text_of(&whose, text::THEME_NAME, &mut t.name, true)?;
        text_of(&whose, text::THEME_DESCRIPTION, &mut t.description, false)?;
        t.kind = ThemeKind::parse(&t.kind)
            .map_err(|e| format!("{whose}: {e}"))?
            .as_str()
            .to_string();
        instant(&whose, "created_at", &t.created_at)?;
    }
    Ok(())
}

fn prospects(b: &mut Bundle) -> Checked<()> {
    for p in &mut b.prospects {
        let whose = format!("prospect {}", p.id);
        let fields: [(&mut String, Rule); 9] = [
            (&mut p.first_name, text::FIRST_NAME),
            (&mut p.last_name, text::LAST_NAME),
            (&mut p.title, text::TITLE),
            (&mut p.company, text::COMPANY),
            (&mut p.city, text::CITY),
            (&mut p.region, text::REGION),
            (&mut p.country, text::COUNTRY),
            (&mut p.industry, text::INDUSTRY),
            (&mut p.employees, text::EMPLOYEES),
        ];
        for (value, rule) in fields {
            text_of(&whose, rule, value, false)?;
        }
        email(&whose, text::EMAIL, &mut p.email)?;
        zone(&whose, &mut p.time_zone)?;
        optional_of(&whose, text::CRM_ID, &mut p.crm_id)?;
        let status = ProspectStatus::parse(&p.status).map_err(|e| format!("{whose}: {e}"))?;
        p.status = status.as_str().to_string();
        if status == ProspectStatus::Callback && p.callback_at.is_none() {
            return Err(format!("{whose}: a callback without its time"));
        }
        if status == ProspectStatus::DoNotCall && !p.do_not_call {
            return Err(format!("{whose}: do not call, but not marked so"));
        }
        instant(&whose, "created_at", &p.created_at)?;
        instant(&whose, "updated_at", &p.updated_at)?;
        optional_instant(&whose, "next_attempt_at", &p.next_attempt_at)?;
        optional_instant(&whose, "callback_at", &p.callback_at)?;
        optional_instant(&whose, "last_called_at", &p.last_called_at)?;
    }
    Ok(())
}

fn playbook(b: &mut Bundle) -> Checked<()> {
    for t in &mut b.talk_tracks {
        let whose = format!("talk track {}", t.id);
        text_of(&whose, text::TALK_TRACK_NAME, &mut t.name, true)?;
        instant(&whose, "created_at", &t.created_at)?;
    }
    for v in &mut b.talk_track_versions {
        let whose = format!("talk-track version {}", v.id);
        if v.version == 0 {
            return Err(format!("{whose}: version 0 (versions count from 1)"));
        }
        let sections: [(&mut String, &'static str); 7] = [
            (&mut v.opener, "opener"),
            (&mut v.engage_statement, "engage statement"),
            (&mut v.impact_question, "impact question"),
            (&mut v.appointment_request, "appointment request"),
            (&mut v.voicemail_script, "voicemail script"),
            (&mut v.referral, "referral"),
            (&mut v.agenda_line, "agenda line"),
        ];
        for (value, name) in sections {
            text_of(&whose, text::SECTION.named(name), value, false)?;
        }
        text_of(&whose, text::CHANGE_NOTE, &mut v.change_note, false)?;
        instant(&whose, "created_at", &v.created_at)?;
    }
    for o in &mut b.objections {
        let whose = format!("objection {}", o.id);
        if !is_valid_slug(&o.slug) {
            return Err(format!(
                "{whose}: slug {} is not 1 to 64 lower-case letters, digits or _",
                quoted(&o.slug)
            ));
        }
        text_of(&whose, text::OBJECTION_LABEL, &mut o.label, true)?;
        o.hotkey = normalize_hotkey(o.hotkey.as_deref()).map_err(|e| format!("{whose}: {e}"))?;
        instant(&whose, "created_at", &o.created_at)?;
    }
    for r in &mut b.responses {
        let whose = format!("response {}", r.id);
        if r.version == 0 {
            return Err(format!("{whose}: version 0 (versions count from 1)"));
        }
        text_of(&whose, text::RESPONSE, &mut r.response, true)?;
        instant(&whose, "created_at", &r.created_at)?;
    }
    Ok(())
}

fn blocks(b: &mut Bundle) -> Checked<()> {
    for bl in &b.blocks {
        let whose = format!("block {}", bl.id);
        if bl.planned_seconds == 0 {
            return Err(format!("{whose}: a planned length of 0 seconds"));
        }
        instant(&whose, "started_at", &bl.started_at)?;
        optional_instant(&whose, "ended_at", &bl.ended_at)?;
        match bl.end_reason.as_deref() {
            None | Some("abandoned") => {}
            Some(r)
                if [EndReason::Completed, EndReason::EndedEarly]
                    .iter()
                    .any(|x| x.as_str() == r) => {}
            Some(r) => {
                return Err(format!(
                    "{whose}: end reason {} is not one of: completed, ended_early, abandoned",
                    quoted(r)
                ))
            }
        }
        if bl.ended_at.is_some() != bl.end_reason.is_some() {
            return Err(format!(
                "{whose}: an end time without a reason, or the reverse"
            ));
        }
    }
    for p in &b.pauses {
        let whose = format!("pause {}", p.id);
        instant(&whose, "paused_at", &p.paused_at)?;
        optional_instant(&whose, "resumed_at", &p.resumed_at)?;
        if let Some(r) = &p.resumed_at {
            if time::from_db(r).ok() < time::from_db(&p.paused_at).ok() {
                return Err(format!("{whose}: resumed before it was paused"));
            }
        }
    }
    Ok(())
}

fn calls(b: &mut Bundle) -> Checked<()> {
    for c in &mut b.calls {
        let whose = format!("call {}", c.id);
        optional_of(&whose, text::PHONE, &mut c.phone_e164)?;
        instant(&whose, "started_at", &c.started_at)?;
        instant(&whose, "ended_at", &c.ended_at)?;
        optional_instant(&whose, "answered_at", &c.answered_at)?;
        optional_instant(&whose, "callback_at", &c.callback_at)?;
        zone(&whose, &mut c.prospect_time_zone)?;
        if c.local_hour.is_some_and(|h| h > 23) || c.local_weekday.is_some_and(|d| d > 6) {
            return Err(format!("{whose}: a local hour past 23 or a weekday past 6"));
        }
        if c.outcome == crate::domain::Outcome::Callback && c.callback_at.is_none() {
            return Err(format!("{whose}: a callback without its time"));
        }
        text_of(&whose, text::NOTES, &mut c.notes, false)?;
        let gaps: [(&mut String, &'static str); 3] = [
            (&mut c.gap_current_state, "current state"),
            (&mut c.gap_objectives, "objectives"),
            (&mut c.gap_impact, "impact"),
        ];
        for (value, name) in gaps {
            text_of(&whose, text::GAP_NOTE.named(name), value, false)?;
        }
    }
    for o in &b.call_objections {
        if o.position == 0 {
            return Err(format!(
                "objection raised {}: position 0 (positions count from 1)",
                o.id
            ));
        }
    }
    Ok(())
}

fn meetings(b: &mut Bundle) -> Checked<()> {
    for m in &mut b.meetings {
        let whose = format!("meeting {}", m.id);
        instant(&whose, "starts_at", &m.starts_at)?;
        instant(&whose, "created_at", &m.created_at)?;
        optional_instant(&whose, "invitation_sent_at", &m.invitation_sent_at)?;
        if m.duration_minutes == 0 || m.duration_minutes > 480 {
            return Err(format!(
                "{whose}: a length of {} minutes (1 to 480)",
                m.duration_minutes
            ));
        }
        if !matches!(m.format.as_str(), "phone" | "web" | "in_person") {
            return Err(format!(
                "{whose}: format {} is not one of: phone, web, in_person",
                quoted(&m.format)
            ));
        }
        let mut mail = Some(std::mem::take(&mut m.email));
        email(&whose, text::EMAIL.named("meeting e-mail"), &mut mail)?;
        m.email = mail.unwrap_or_default();
    }
    Ok(())
}

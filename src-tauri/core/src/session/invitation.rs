//! The invitation of a meeting booked in a block: the text the prospect
//! reads (summary and description, in the prospect's time zone), the mail
//! draft, and the `.ics` file saved for the rep.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Utc};

use crate::calls::{CallNotes, NewMeeting};
use crate::card::CallCard;
use crate::error::Result;
use crate::reps::Rep;
use crate::{files, invite, time};

/// The prospect's name as the card shows it.
pub(crate) fn full_name(card: &CallCard) -> String {
    format!("{} {}", card.first_name, card.last_name)
        .trim()
        .to_string()
}

/// The gap the rep noted on the call (current state, objectives, impact),
/// in the prospect's words, for the meeting's agenda; empty when none.
fn gap_lines(gap: &CallNotes) -> String {
    let lines: Vec<String> = [
        ("Where you are today", &gap.gap_current_state),
        ("What you want to reach", &gap.gap_objectives),
        ("What it would mean", &gap.gap_impact),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("- {k}: {}", v.trim()))
    .collect();
    if lines.is_empty() {
        String::new()
    } else {
        format!("\n\nWhat I heard today:\n{}", lines.join("\n"))
    }
}

/// The meeting's summary and description.
fn meeting_text(
    m: &NewMeeting,
    card: &CallCard,
    rep: Option<&Rep>,
    gap: &CallNotes,
) -> (String, String) {
    let company = if card.company.is_empty() {
        String::new()
    } else {
        format!(", {}", card.company)
    };
    let rep_name = rep.map(|r| r.name.as_str()).unwrap_or("your Callblock rep");
    let summary = format!("Meeting: {}{} and {}", full_name(card), company, rep_name);
    // The time in the prospect's zone, named; else in the rep's, said so.
    let zone_of = |z: Option<&str>| z.and_then(time::parse_tz);
    let when = match (
        zone_of(card.time_zone.as_deref()),
        zone_of(rep.and_then(|r| r.time_zone.as_deref())),
    ) {
        // The rep's own time too when the rep is elsewhere (another clock,
        // not only another name for the same zone): both zones named, the
        // rep's day said when it is another (and its year, another year).
        (Some(tz), Some(mine))
            if m.starts_at
                .with_timezone(&tz)
                .format("%F %R %Z")
                .to_string()
                != m.starts_at
                    .with_timezone(&mine)
                    .format("%F %R %Z")
                    .to_string() =>
        {
            let theirs = m.starts_at.with_timezone(&tz);
            let ours = m.starts_at.with_timezone(&mine);
            let my_time = if ours.date_naive() == theirs.date_naive() {
                ours.format("%H:%M %Z").to_string()
            } else if ours.year() == theirs.year() {
                ours.format("%A %-d %B, %H:%M %Z").to_string()
            } else {
                ours.format("%A %-d %B %Y, %H:%M %Z").to_string()
            };
            format!(
                "{} ({}; {} my time, {})",
                theirs.format("%A %-d %B %Y, %H:%M %Z"),
                tz.name(),
                my_time,
                mine.name()
            )
        }
        (Some(tz), _) => format!(
            "{} ({})",
            m.starts_at
                .with_timezone(&tz)
                .format("%A %-d %B %Y, %H:%M %Z"),
            tz.name()
        ),
        (None, Some(tz)) => format!(
            "{} ({}, my time)",
            m.starts_at
                .with_timezone(&tz)
                .format("%A %-d %B %Y, %H:%M %Z"),
            tz.name()
        ),
        (None, None) => m.starts_at.format("%A %-d %B %Y, %H:%M (UTC)").to_string(),
    };
    // Only what the prospect should read: the talk track's agenda line is
    // the rep's script ("let's make it the first item on our agenda") and
    // stays on the rep's screen.
    let description = format!(
        "Hi {},\n\nThank you for your time today. As agreed: {} ({} minutes).\n\n\
         Agenda: your questions first, then where you stand today and what you want to reach.{}\n\n{}",
        if card.first_name.is_empty() { "there" } else { &card.first_name },
        when,
        m.duration_minutes,
        gap_lines(gap),
        rep_name
    );
    (summary, description)
}

/// A `mailto:` draft to the prospect describing the meeting.
pub(crate) fn mailto(
    m: &NewMeeting,
    card: &CallCard,
    rep: Option<&Rep>,
    gap: &CallNotes,
) -> String {
    let (summary, description) = meeting_text(m, card, rep, gap);
    invite::mailto(
        &m.email,
        &summary,
        &format!("{description}\n\n(The calendar invitation is attached.)"),
    )
}

/// The same e-mail as text, to paste into any mail program when none takes
/// the `mailto:` link: the address, the subject, the body.
pub(crate) fn mail_text(
    m: &NewMeeting,
    card: &CallCard,
    rep: Option<&Rep>,
    gap: &CallNotes,
) -> String {
    let (summary, description) = meeting_text(m, card, rep, gap);
    format!(
        "To: {}\nSubject: {summary}\n\n{description}\n\n(The calendar invitation is attached.)",
        m.email
    )
}

/// Write the meeting's `.ics` file into `dir` (created when missing), through
/// [`files::write_file`]; returns its path.
pub(crate) fn save(
    dir: &Path,
    meeting_id: &str,
    m: &NewMeeting,
    card: &CallCard,
    rep: Option<&Rep>,
    gap: &CallNotes,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let (summary, description) = meeting_text(m, card, rep, gap);
    let ics = invite::meeting_ics(&invite::Invitation {
        uid: meeting_id,
        starts_at: m.starts_at,
        duration_minutes: m.duration_minutes,
        summary: &summary,
        description: &description,
        format: &m.format,
        attendee_name: &full_name(card),
        attendee_email: &m.email,
        organizer_name: rep.map(|r| r.name.as_str()).unwrap_or("Callblock"),
        organizer_email: rep.and_then(|r| r.email.as_deref()),
        created_at: now,
    })?;
    files::ensure_folder(dir)?;
    let name = invite::file_name(m.starts_at, &full_name(card));
    let path = dir.join(&name);
    // The same prospect booked twice at one time: the newer invitation wins.
    files::write_bytes(&path, true, &name, ics.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProspectStatus;
    use chrono::TimeZone;

    fn card() -> CallCard {
        CallCard {
            prospect_id: "p".into(),
            first_name: "Dana".into(),
            last_name: "Ng".into(),
            title: String::new(),
            company: "Acme".into(),
            email: None,
            location: String::new(),
            time_zone: Some("America/Chicago".into()),
            status: ProspectStatus::New,
            attempts: 0,
            callback_at: None,
            phones: vec![],
            history: vec![],
            theme_id: None,
            theme_name: None,
            referred_by: None,
            playbook: Default::default(),
        }
    }

    #[test]
    fn the_gap_heard_on_the_call_goes_with_the_meeting() {
        let m = NewMeeting {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 8, 16, 0, 0).unwrap(),
            duration_minutes: 30,
            email: "dana@acme.example".into(),
            format: "web".into(),
        };
        let gap = CallNotes {
            notes: "internal: sounded rushed".into(),
            gap_current_state: "Reports by hand every Monday".into(),
            gap_objectives: String::new(),
            gap_impact: "A day a week back".into(),
        };
        let mut with_track = card();
        with_track.playbook.rendered = Some(crate::playbook::placeholders::RenderedTrack {
            sections: crate::playbook::default_talk_track(),
            missing: vec![],
            unknown: vec![],
        });
        let (_, text) = meeting_text(&m, &with_track, None, &gap);
        assert!(text.contains("What I heard today:\n- Where you are today: Reports by hand every Monday\n- What it would mean: A day a week back"), "{text}");
        assert!(
            !text.contains("What you want to reach:"),
            "empty parts are left out"
        );
        assert!(
            !text.contains("rushed"),
            "the rep's own notes stay with the rep"
        );
        assert!(
            text.contains("Tuesday 8 December 2026, 10:00 CST (America/Chicago)"),
            "{text}"
        );
        assert!(
            !text.contains("first item on our agenda"),
            "the rep's script line stays with the rep: {text}"
        );
        let (_, none) = meeting_text(&m, &card(), None, &CallNotes::default());
        assert!(!none.contains("What I heard"));
    }

    #[test]
    fn a_rep_elsewhere_gives_both_times_with_their_zones() {
        let m = NewMeeting {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 8, 16, 0, 0).unwrap(),
            duration_minutes: 30,
            email: "dana@acme.example".into(),
            format: "web".into(),
        };
        let rep = |zone: &str| Rep {
            id: "r".into(),
            name: "Alex Rivera".into(),
            email: None,
            time_zone: Some(zone.into()),
        };
        let text =
            |zone: &str| meeting_text(&m, &card(), Some(&rep(zone)), &CallNotes::default()).1;
        let berlin = text("Europe/Berlin");
        assert!(
            berlin.contains(
                "Tuesday 8 December 2026, 10:00 CST (America/Chicago; 17:00 CET my time, Europe/Berlin)"
            ),
            "{berlin}"
        );
        // Another day where the rep is: the day is said.
        let tokyo = text("Asia/Tokyo");
        assert!(
            tokyo
                .contains("(America/Chicago; Wednesday 9 December, 01:00 JST my time, Asia/Tokyo)"),
            "{tokyo}"
        );
        // The same zone, or another name of it: said once.
        for zone in ["America/Chicago", "US/Central"] {
            let same = text(zone);
            assert!(same.contains("10:00 CST (America/Chicago) ("), "{same}");
            assert!(!same.contains("my time"), "{same}");
        }
    }
}

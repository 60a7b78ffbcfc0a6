//! Calendar invitations for booked meetings: an iCalendar file (RFC 5545)
//! saved for the rep, and a mail draft (`mailto:`, RFC 6068) that describes
//! the meeting, since a `mailto:` link cannot carry an attachment.
//!
//! Both `.ics` writers, this one and the schedule's (`plan::ics`), build the
//! calendar with the `icalendar` crate and write it with [`write_calendar`].
//! What they hand the crate, and why:
//!
//! - Every TEXT value (SUMMARY, DESCRIPTION, UID, ...) is cleaned first
//!   ([`clean_text`]): a carriage return and every other control character
//!   is dropped, a line feed is kept (the crate writes it as `\n`). The crate
//!   escapes `\`, `;`, `,` and line feeds but passes any other control
//!   character through, and a bare CR would end the line for some readers.
//! - A name in a parameter (`CN="..."`) is cleaned with [`clean_param`] and
//!   always quoted ([`common_name`]): RFC 5545 section 3.2 wants quotes
//!   around a value holding `,`, `;` or `:`, and icalendar 0.17.6 adds them
//!   only for `:` and `;`.
//! - `X-WR-CALNAME` is escaped here ([`x_text`]): icalendar 0.17.6 writes an
//!   `X-` property's value verbatim (later versions treat it as TEXT).
//! - [`write_calendar`] folds the crate's output again: icalendar 0.17.6
//!   folds a line of exactly 150 octets (and others) into a last line of 76.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Parameter, Property};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Error, Result};

/// A TEXT value as the calendar files carry it: a carriage return and every
/// other control character (C0, DEL, C1; tabs too) dropped, line feeds kept.
/// So `"a\r\nb"` becomes `"a\nb"`, and no value can start a line of its own.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

/// Text for a quoted parameter value (RFC 5545 section 3.2: QSAFE-CHAR, any
/// character but a control or a double quote): a name such as `CN="..."`.
/// Control characters (a CR/LF would start a calendar line of its own)
/// become spaces; a double quote becomes a single one.
pub fn clean_param(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The `CN` parameter of an ORGANIZER or ATTENDEE, always quoted; none for
/// an empty name (`CN=""` says nothing, and the crate's parser reads it as
/// two quotes).
///
/// Hand-quoted because icalendar 0.17.6 quotes a parameter value only when
/// it holds `:` or `;`, not for `,`, which RFC 5545 also forbids unquoted
/// (`CN=Lee, Dana` reads as two values). A value already in quotes and
/// without `:` or `;` is written as it is; one with them is quoted by the
/// crate. [`clean_param`] leaves no double quote inside.
pub(crate) fn common_name(name: &str) -> Option<Parameter> {
    let clean = clean_param(name);
    if clean.is_empty() {
        None
    } else if clean.contains([':', ';']) {
        Some(Parameter::new("CN", &clean))
    } else {
        Some(Parameter::new("CN", &format!("\"{clean}\"")))
    }
}

/// A value for an `X-` property whose value is TEXT (`X-WR-CALNAME`),
/// cleaned and escaped as RFC 5545 section 3.3.11 says.
///
/// By hand because icalendar 0.17.6 writes an `X-` property verbatim (0.17.9
/// and later escape it as TEXT themselves; with them this would escape
/// twice, which the tests reading the file back would show).
pub(crate) fn x_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_text(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// An e-mail address as a `mailto:` calendar address: no control
/// characters and no spaces (they cannot be part of an address). None when
/// nothing is left.
fn cal_address(email: &str) -> Option<String> {
    let clean: String = email
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    (!clean.is_empty()).then(|| format!("mailto:{clean}"))
}

/// A content line folded at 75 octets (never inside a UTF-8 sequence), each
/// physical line ended with CRLF.
fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

/// A calendar with the properties both files start with: VERSION, PRODID,
/// CALSCALE and METHOD (REQUEST for an invitation, PUBLISH for the schedule).
pub(crate) fn new_calendar(prodid: &str, method: &str) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", prodid))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method));
    cal
}

/// The calendar as the text of an `.ics` file: the crate writes it (escaping
/// TEXT values, CRLF line ends), then its folds are undone and every line
/// folded again at 75 octets, since icalendar 0.17.6 can leave a last
/// continuation line of 76 (it stops folding when 75 octets are left, which
/// the leading space makes 76). Undoing its folds is exact: what it folds
/// holds no CR of its own (every value was cleaned).
pub(crate) fn write_calendar(cal: &Calendar) -> Result<String> {
    let mut written = String::new();
    write!(written, "{cal}").map_err(|e| {
        Error::invalid(
            "calendar",
            format!("the iCalendar file could not be written: {e}"),
        )
    })?;
    let unfolded = written.replace("\r\n ", "");
    let mut out = String::with_capacity(written.len() + written.len() / 32);
    for line in unfolded.split_terminator("\r\n") {
        out.push_str(&fold_line(line));
    }
    Ok(out)
}

/// An instant the calendar can carry: years 0 to 9999 (a DATE-TIME has four
/// digits for the year).
pub(crate) fn checked_instant(what: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if (0..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(Error::invalid(
            what,
            format!("{t} is outside the years a calendar file can hold"),
        ))
    }
}

/// What an invitation says.
#[derive(Debug, Clone)]
pub struct Invitation<'a> {
    /// A stable id: the meeting's.
    pub uid: &'a str,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub summary: &'a str,
    pub description: &'a str,
    /// phone, web or in_person
    pub format: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
    pub organizer_name: &'a str,
    pub organizer_email: Option<&'a str>,
    pub created_at: DateTime<Utc>,
}

fn format_label(format: &str) -> &'static str {
    match format {
        "phone" => "Phone call",
        "in_person" => "In person",
        _ => "Web meeting",
    }
}

/// The invitation as an .ics file (METHOD:REQUEST, one VEVENT).
///
/// Fails only for times a calendar cannot hold (before year 0 or after 9999).
pub fn meeting_ics(inv: &Invitation<'_>) -> Result<String> {
    let starts_at = checked_instant("meeting start", inv.starts_at)?;
    let end = starts_at
        .checked_add_signed(Duration::minutes(i64::from(inv.duration_minutes)))
        .ok_or_else(|| Error::invalid("meeting length", "the meeting would never end"))?;
    let end = checked_instant("meeting end", end)?;
    let created_at = checked_instant("invitation time", inv.created_at)?;
    let mut event = Event::new();
    event
        .uid(&clean_text(&format!("{}@callblock", inv.uid)))
        .timestamp(created_at)
        .starts(starts_at)
        .ends(end)
        .summary(&clean_text(inv.summary))
        .description(&clean_text(&format!(
            "{}\n\n{}",
            format_label(inv.format),
            inv.description
        )))
        .status(EventStatus::Confirmed)
        .sequence(0);
    if let Some(address) = inv.organizer_email.and_then(cal_address) {
        let mut organizer = Property::new("ORGANIZER", address);
        if let Some(cn) = common_name(inv.organizer_name) {
            organizer.append_parameter(cn);
        }
        event.append_property(organizer);
    }
    let mut attendee = Property::new(
        "ATTENDEE",
        cal_address(inv.attendee_email).unwrap_or_else(|| "mailto:".to_string()),
    );
    if let Some(cn) = common_name(inv.attendee_name) {
        attendee.append_parameter(cn);
    }
    attendee
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("PARTSTAT", "NEEDS-ACTION")
        .add_parameter("RSVP", "TRUE");
    event.append_multi_property(attendee);
    let mut cal = new_calendar("-//Callblock//Callblock//EN", "REQUEST");
    cal.push(event.done());
    write_calendar(&cal)
}

/// Characters kept as they are in a `mailto:` header value.
const MAILTO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters kept as they are in a `mailto:` address.
const ADDRESS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'@')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'+');

/// A mail draft to the prospect describing the meeting.
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    // Line breaks in a mailto body are CRLF, percent-encoded.
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(to.trim(), ADDRESS),
        utf8_percent_encode(subject, MAILTO),
        utf8_percent_encode(&body, MAILTO)
    )
}

/// A file name for the invitation: `2026-11-24-1500-dana-lee.ics`.
pub fn file_name(starts_at: DateTime<Utc>, attendee: &str) -> String {
    let slug: String = attendee
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "meeting".to_string()
    } else {
        slug
    };
    format!("{}-{}.ics", starts_at.format("%Y-%m-%d-%H%M"), slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use icalendar::parser::{read_calendar, unfold, Component as Parsed};

    fn inv() -> Invitation<'static> {
        Invitation {
            uid: "0190-abc",
            starts_at: Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap(),
            duration_minutes: 30,
            summary: "Callblock intro: Dana Lee, Acme; Northwind",
            description:
                "Agenda:\n1. Your questions, first item\n2. How teams like yours, win hours back",
            format: "web",
            attendee_name: "Dana \"DL\" Lee",
            attendee_email: "dana.lee@acme.example",
            organizer_name: "Alex Rivera",
            organizer_email: Some("alex@callblock.example"),
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 15, 4, 0).unwrap(),
        }
    }

    /// Every physical line ends with CRLF, holds no other CR or LF, and is
    /// at most 75 octets.
    fn assert_lines(ics: &str) {
        assert!(ics.ends_with("\r\n"), "{ics:?}");
        for line in ics.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        }
    }

    /// The one VEVENT of an invitation, read back with the crate's parser.
    fn the_event(unfolded: &str) -> Parsed<'_> {
        let cal = read_calendar(unfolded).expect("the icalendar parser reads the file");
        let method: Vec<&str> = cal
            .properties
            .iter()
            .filter(|p| p.name == "METHOD")
            .map(|p| p.val.as_str())
            .collect();
        assert_eq!(method, ["REQUEST"]);
        assert_eq!(cal.components.len(), 1);
        let event = cal.components.into_iter().next().unwrap();
        assert_eq!(event.name.as_str(), "VEVENT");
        event
    }

    fn value<'a>(event: &'a Parsed<'_>, name: &str) -> &'a str {
        event
            .find_prop(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .val
            .as_str()
    }

    #[test]
    fn the_ics_is_valid_icalendar() {
        let ics = meeting_ics(&inv()).unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(ics.contains("\r\nDTSTART:20261124T150000Z\r\n"));
        assert!(ics.contains("\r\nDTEND:20261124T153000Z\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20261123T150400Z\r\n"));
        assert!(ics.contains("\r\nUID:0190-abc@callblock\r\n"));
        // Every line ends with CRLF, is at most 75 octets, and folds start with a space.
        assert_lines(&ics);
        // Unfolded, the text comes back escaped.
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Callblock intro: Dana Lee\\, Acme\\; Northwind\r\n"),
            "{unfolded}"
        );
        assert!(unfolded
            .contains("DESCRIPTION:Web meeting\\n\\nAgenda:\\n1. Your questions\\, first item"));
        // The crate writes parameters in the order of their names.
        assert!(
            unfolded.contains("ATTENDEE;CN=\"Dana 'DL' Lee\";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:dana.lee@acme.example\r\n"),
            "{unfolded}"
        );
        assert!(unfolded.contains("ORGANIZER;CN=\"Alex Rivera\":mailto:alex@callblock.example\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        assert_eq!(ics.matches("END:VEVENT").count(), 1);
    }

    #[test]
    fn the_ics_reads_back_with_the_icalendar_parser() {
        let i = inv();
        let ics = meeting_ics(&i).unwrap();
        let unfolded = unfold(&ics);
        let event = the_event(&unfolded);
        assert_eq!(value(&event, "UID"), "0190-abc@callblock");
        assert_eq!(value(&event, "DTSTAMP"), "20261123T150400Z");
        assert_eq!(value(&event, "DTSTART"), "20261124T150000Z");
        assert_eq!(value(&event, "DTEND"), "20261124T153000Z");
        assert_eq!(value(&event, "SUMMARY"), i.summary);
        assert_eq!(
            value(&event, "DESCRIPTION"),
            format!("Web meeting\n\n{}", i.description)
        );
        assert_eq!(value(&event, "STATUS"), "CONFIRMED");
        assert_eq!(value(&event, "SEQUENCE"), "0");
        let attendees: Vec<_> = event
            .properties
            .iter()
            .filter(|p| p.name == "ATTENDEE")
            .collect();
        assert_eq!(attendees.len(), 1);
        assert_eq!(attendees[0].val.as_str(), "mailto:dana.lee@acme.example");
        let params: Vec<(&str, &str)> = attendees[0]
            .params
            .iter()
            .map(|p| (p.key.as_str(), p.val.as_ref().map_or("", |v| v.as_str())))
            .collect();
        assert_eq!(
            params,
            [
                ("CN", "Dana 'DL' Lee"),
                ("PARTSTAT", "NEEDS-ACTION"),
                ("ROLE", "REQ-PARTICIPANT"),
                ("RSVP", "TRUE")
            ]
        );
        let organizer = event.find_prop("ORGANIZER").expect("an organizer");
        assert_eq!(organizer.val.as_str(), "mailto:alex@callblock.example");
        assert_eq!(organizer.params.len(), 1);
        assert_eq!(
            organizer.params[0].val.as_ref().map(|v| v.as_str()),
            Some("Alex Rivera")
        );
        // Nothing else in the event.
        let mut names: Vec<&str> = event.properties.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "ATTENDEE",
                "DESCRIPTION",
                "DTEND",
                "DTSTAMP",
                "DTSTART",
                "ORGANIZER",
                "SEQUENCE",
                "STATUS",
                "SUMMARY",
                "UID"
            ]
        );
        assert!(event.components.is_empty());
    }

    #[test]
    fn names_and_addresses_cannot_start_calendar_lines_of_their_own() {
        let mut i = inv();
        i.attendee_name = "Dana\r\nATTENDEE:mailto:evil@x.example\r\nX";
        i.organizer_name = "Alex\nMETHOD:CANCEL";
        i.organizer_email = Some("alex@callblock.example\r\nSTATUS:CANCELLED");
        i.summary = "Intro\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil";
        let ics = meeting_ics(&i).unwrap();
        assert_lines(&ics);
        let unfolded = ics.replace("\r\n ", "");
        let lines: Vec<&str> = unfolded.split("\r\n").collect();
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
            1,
            "{unfolded}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("METHOD:CANCEL")));
        assert!(!lines.iter().any(|l| l.starts_with("STATUS:CANCELLED")));
        assert!(unfolded.contains("ATTENDEE;CN=\"Dana  ATTENDEE:mailto:evil@x.example  X\";"));
        assert!(unfolded.contains(":mailto:alex@callblock.exampleSTATUS:CANCELLED\r\n"));
        // The crate's parser agrees: one event, one attendee, the text kept as text.
        let unfolded = unfold(&ics);
        let event = the_event(&unfolded);
        assert_eq!(
            event
                .properties
                .iter()
                .filter(|p| p.name == "ATTENDEE")
                .count(),
            1
        );
        assert_eq!(
            value(&event, "SUMMARY"),
            "Intro\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
        );
        assert_eq!(value(&event, "UID"), "0190-abc@callblock");
        assert_eq!(value(&event, "STATUS"), "CONFIRMED");
    }

    #[test]
    fn a_name_with_a_comma_is_quoted_and_an_empty_one_left_out() {
        let mut i = inv();
        i.attendee_name = "Lee, Dana";
        i.organizer_name = "";
        let ics = meeting_ics(&i).unwrap();
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("ATTENDEE;CN=\"Lee, Dana\";PARTSTAT="),
            "{unfolded}"
        );
        assert!(
            unfolded.contains("\r\nORGANIZER:mailto:alex@callblock.example\r\n"),
            "{unfolded}"
        );
        // No organizer without an address left after cleaning.
        i.organizer_email = Some(" \r\n\t");
        let ics = meeting_ics(&i).unwrap();
        assert!(!ics.contains("ORGANIZER"), "{ics}");
    }

    #[test]
    fn no_line_is_longer_than_75_octets_even_where_the_crate_folds_to_76() {
        // icalendar 0.17.6 folds a content line of 150 octets into 75 + 76.
        for len in 140..=160 {
            let mut i = inv();
            let summary = "a".repeat(len - "SUMMARY:".len());
            i.summary = &summary;
            let ics = meeting_ics(&i).unwrap();
            assert_lines(&ics);
            let unfolded = unfold(&ics);
            assert_eq!(value(&the_event(&unfolded), "SUMMARY"), summary);
        }
    }

    #[test]
    fn times_a_calendar_cannot_hold_are_refused() {
        let mut i = inv();
        i.starts_at = Utc.with_ymd_and_hms(9999, 12, 31, 23, 50, 0).unwrap();
        assert_eq!(meeting_ics(&i).unwrap_err().kind(), "invalid");
        i.duration_minutes = 5;
        assert!(meeting_ics(&i).is_ok());
    }

    #[test]
    fn folding_never_splits_a_character() {
        let long = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold_line(&long);
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75);
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn the_mail_draft_is_percent_encoded() {
        let m = mailto(
            "dana.lee+x@acme.example",
            "Our meeting on Tue & more",
            "Hi Dana,\nsee you then.",
        );
        assert_eq!(
            m,
            "mailto:dana.lee+x@acme.example?subject=Our%20meeting%20on%20Tue%20%26%20more&body=Hi%20Dana%2C%0D%0Asee%20you%20then."
        );
    }

    #[test]
    fn file_names_are_safe() {
        let t = Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap();
        assert_eq!(
            file_name(t, "Dana Lee / Acme"),
            "2026-11-24-1500-dana-lee-acme.ics"
        );
        assert_eq!(file_name(t, "../../etc"), "2026-11-24-1500-etc.ics");
        assert_eq!(file_name(t, "李"), "2026-11-24-1500-meeting.ics");
    }
}

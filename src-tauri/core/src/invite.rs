//! Calendar invitations for booked meetings: an iCalendar file (RFC 5545)
//! saved for the rep, and a mail draft (`mailto:`, RFC 6068) that describes
//! the meeting, since a `mailto:` link cannot carry an attachment. The
//! content-line writing here ([`Calendar`], [`escape_text`], [`param_text`],
//! [`fold_line`]) is shared with the schedule's `.ics` (`plan::ics`).
//!
//! Why these files are not written by the `icalendar` crate (which the tests
//! use to read every file back): its writer, 0.17.6 (the newest whose
//! rust-version fits ours; the first two points hold in 0.17.17 too),
//! - panics on some user text: `fold_line` mixes byte and character
//!   positions, so a SUMMARY of 141 no-break spaces (U+00A0, as pasted from
//!   a web page) slices a string backwards;
//! - folds a content line of 150 octets into a last line of 76;
//! - passes a CR, NUL or other control character in a TEXT value through;
//! - leaves a parameter with a comma unquoted (`CN=Lee, Dana`: two values);
//! - gives every component a `DTSTAMP` (now) and a random `UID` when it has
//!   none, VTIMEZONE and its STANDARD/DAYLIGHT parts included (RFC 5545
//!   defines neither there, and the file would change at every export);
//! - and 0.17.6 writes an `X-` property (X-WR-CALNAME) without escaping it.
//!
//! Working around all of it left the crate nothing to write, and the panic
//! cannot be worked around from outside. What is written here is small:
//! text cleaned and escaped, names always quoted, lines folded at 75 octets.

use chrono::{DateTime, Datelike, Duration, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Error, Result};

/// Text escaped for an iCalendar TEXT value (RFC 5545 section 3.3.11). A
/// carriage return and every other control character (C0, DEL, C1; tabs
/// too) are dropped, line feeds kept (as `\n`): so `"a\r\nb"` reads back as
/// `"a\nb"`, and no value can start a line of its own.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text as a quoted parameter value (RFC 5545 section 3.2: QSAFE-CHAR, any
/// character but a control or a double quote): a name such as `CN="..."`.
/// Control characters (a CR/LF would start a calendar line of its own)
/// become spaces; a double quote becomes a single one.
pub fn param_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// `;CN="<name>"` for an ORGANIZER or ATTENDEE, always quoted (a name may
/// hold `,` `;` or `:`); nothing for an empty name (`CN=""` says nothing).
fn common_name(name: &str) -> String {
    let name = param_text(name);
    if name.is_empty() {
        String::new()
    } else {
        format!(";CN=\"{name}\"")
    }
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
pub fn fold_line(line: &str) -> String {
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

/// An instant as an iCalendar UTC DATE-TIME (`20261124T150000Z`).
pub fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `t` if a calendar can hold it: a DATE-TIME has four digits for the year
/// (0 to 9999).
pub fn checked_instant(what: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if (0..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(Error::invalid(
            what,
            format!("{t} is outside the years a calendar file can hold"),
        ))
    }
}

/// A calendar made of content lines; `finish` adds the frame and folds.
#[derive(Debug, Default)]
pub struct Calendar {
    lines: Vec<String>,
}

impl Calendar {
    pub fn new() -> Self {
        Calendar::default()
    }

    /// A property with a raw (already valid) value.
    pub fn raw(&mut self, name: &str, value: &str) -> &mut Self {
        self.lines.push(format!("{name}:{value}"));
        self
    }

    /// A TEXT property, escaped.
    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.lines.push(format!("{name}:{}", escape_text(value)));
        self
    }

    /// The whole VCALENDAR, with `method` (e.g. REQUEST, PUBLISH) when given.
    pub fn finish(&self, method: Option<&str>) -> String {
        let mut out = String::new();
        out.push_str(&fold_line("BEGIN:VCALENDAR"));
        out.push_str(&fold_line("VERSION:2.0"));
        out.push_str(&fold_line("PRODID:-//Callblock//Callblock//EN"));
        out.push_str(&fold_line("CALSCALE:GREGORIAN"));
        if let Some(m) = method {
            out.push_str(&fold_line(&format!("METHOD:{m}")));
        }
        for l in &self.lines {
            out.push_str(&fold_line(l));
        }
        out.push_str(&fold_line("END:VCALENDAR"));
        out
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
    let mut cal = Calendar::new();
    cal.raw("BEGIN", "VEVENT")
        .text("UID", &format!("{}@callblock", inv.uid))
        .raw("DTSTAMP", &ics_time(created_at))
        .raw("DTSTART", &ics_time(starts_at))
        .raw("DTEND", &ics_time(end))
        .text("SUMMARY", inv.summary)
        .text(
            "DESCRIPTION",
            &format!("{}\n\n{}", format_label(inv.format), inv.description),
        )
        .raw("STATUS", "CONFIRMED")
        .raw("SEQUENCE", "0");
    if let Some(address) = inv.organizer_email.and_then(cal_address) {
        cal.raw(
            &format!("ORGANIZER{}", common_name(inv.organizer_name)),
            &address,
        );
    }
    cal.raw(
        &format!(
            "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
            common_name(inv.attendee_name)
        ),
        &cal_address(inv.attendee_email).unwrap_or_else(|| "mailto:".to_string()),
    )
    .raw("END", "VEVENT");
    Ok(cal.finish(Some("REQUEST")))
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
    // Line breaks in a mailto body are CRLF, percent-encoded; a subject is
    // one line (a CR/LF there would break the mail's Subject header).
    let body = crate::text::normalize(body, crate::text::Lines::Many).replace('\n', "\r\n");
    let subject = crate::text::normalize(subject, crate::text::Lines::One);
    format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(to.trim(), ADDRESS),
        utf8_percent_encode(&subject, MAILTO),
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
        assert!(
            unfolded.contains("ATTENDEE;CN=\"Dana 'DL' Lee\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dana.lee@acme.example\r\n"),
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
                ("ROLE", "REQ-PARTICIPANT"),
                ("PARTSTAT", "NEEDS-ACTION"),
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
            unfolded.contains("ATTENDEE;CN=\"Lee, Dana\";ROLE="),
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
    fn text_the_icalendar_writer_fails_on_folds_within_75_octets() {
        // icalendar's writer folds a content line of 150 octets into 75 + 76
        // octets, and panics on 141 or more no-break spaces (module note).
        let mut summaries: Vec<String> = (140..=160)
            .map(|len| "a".repeat(len - "SUMMARY:".len()))
            .collect();
        summaries.extend((139..=160).map(|n| "\u{a0}".repeat(n)));
        summaries.push("\u{3000}".repeat(200));
        summaries.push("é\u{a0}".repeat(100));
        for summary in &summaries {
            let mut i = inv();
            i.summary = summary;
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
    fn a_subject_is_one_line() {
        let m = mailto("a@b.example", "Meeting\r\nBcc: x@evil.example", "Hi");
        assert!(
            m.contains("subject=Meeting%20Bcc%3A%20x%40evil.example&"),
            "{m}"
        );
        assert!(!m.contains("%0D") && !m.contains("%0A"), "{m}");
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

//! Calendar invitations for booked meetings: an iCalendar file (RFC 5545)
//! saved for the rep, and a mail draft (`mailto:`, RFC 6068) that describes
//! the meeting, since a `mailto:` link cannot carry an attachment.

use chrono::{DateTime, Duration, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Text escaped for an iCalendar TEXT value (RFC 5545 section 3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
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

/// An e-mail address as a `mailto:` calendar address: no control
/// characters and no spaces (they cannot be part of an address).
fn cal_address(email: &str) -> String {
    let clean: String = email
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    format!("mailto:{clean}")
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
pub fn meeting_ics(inv: &Invitation<'_>) -> String {
    let end = inv.starts_at + Duration::minutes(i64::from(inv.duration_minutes));
    let mut cal = Calendar::new();
    cal.raw("BEGIN", "VEVENT")
        .raw("UID", &format!("{}@callblock", inv.uid))
        .raw("DTSTAMP", &ics_time(inv.created_at))
        .raw("DTSTART", &ics_time(inv.starts_at))
        .raw("DTEND", &ics_time(end))
        .text("SUMMARY", inv.summary)
        .text(
            "DESCRIPTION",
            &format!("{}\n\n{}", format_label(inv.format), inv.description),
        )
        .raw("STATUS", "CONFIRMED")
        .raw("SEQUENCE", "0");
    if let Some(org) = inv.organizer_email.filter(|e| !e.trim().is_empty()) {
        cal.raw(
            &format!("ORGANIZER;CN=\"{}\"", param_text(inv.organizer_name)),
            &cal_address(org),
        );
    }
    cal.raw(
        &format!(
            "ATTENDEE;CN=\"{}\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
            param_text(inv.attendee_name)
        ),
        &cal_address(inv.attendee_email),
    )
    .raw("END", "VEVENT");
    cal.finish(Some("REQUEST"))
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

    #[test]
    fn the_ics_is_valid_icalendar() {
        let ics = meeting_ics(&inv());
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(ics.contains("\r\nDTSTART:20261124T150000Z\r\n"));
        assert!(ics.contains("\r\nDTEND:20261124T153000Z\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20261123T150400Z\r\n"));
        assert!(ics.contains("\r\nUID:0190-abc@callblock\r\n"));
        // Every line ends with CRLF, is at most 75 octets, and folds start with a space.
        for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?}");
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        // Unfolded, the text comes back escaped.
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Callblock intro: Dana Lee\\, Acme\\; Northwind\r\n"),
            "{unfolded}"
        );
        assert!(unfolded
            .contains("DESCRIPTION:Web meeting\\n\\nAgenda:\\n1. Your questions\\, first item"));
        assert!(unfolded.contains("ATTENDEE;CN=\"Dana 'DL' Lee\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dana.lee@acme.example"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        assert_eq!(ics.matches("END:VEVENT").count(), 1);
    }

    #[test]
    fn names_and_addresses_cannot_start_calendar_lines_of_their_own() {
        let mut i = inv();
        i.attendee_name = "Dana\r\nATTENDEE:mailto:evil@x.example\r\nX";
        i.organizer_name = "Alex\nMETHOD:CANCEL";
        i.organizer_email = Some("alex@callblock.example\r\nSTATUS:CANCELLED");
        let ics = meeting_ics(&i);
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

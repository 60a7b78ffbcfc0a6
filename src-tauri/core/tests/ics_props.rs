//! Property-based tests of the two `.ics` writers: a meeting's invitation
//! (`invite::meeting_ics`) and the weekly schedule (`plan::ics::slots_to_ics`),
//! fed hostile text: any Unicode, CR, LF, NUL and other control characters,
//! `;` `,` `\` `"` `:`, bidi and zero-width characters, emoji, lines that
//! look like calendar lines, and very long names.
//!
//! For every input:
//! - nothing panics (and a time a calendar cannot hold is a typed error);
//! - every physical line ends with CRLF, holds no other CR or LF, and is at
//!   most 75 octets;
//! - the `icalendar` crate's parser reads the file back;
//! - the file has exactly the components and properties the writer means to
//!   write: no name or text can add a property, a parameter, a line or a
//!   component (a name holding "\r\nATTENDEE:..." gives no second ATTENDEE);
//! - the values read back equal what went in, after the documented cleaning
//!   (`invite::escape_text`: control characters dropped, line feeds kept;
//!   `invite::param_text` for a CN: control characters become spaces, `"`
//!   becomes `'`; addresses lose control characters and spaces), and a CN
//!   is quoted.
//!
//! The text includes what icalendar's own writer fails on (why it does not
//! write these files: `invite.rs`), such as long runs of no-break spaces.
//!
//! On the values: icalendar 0.17.6 (the version whose rust-version fits
//! ours) unescapes TEXT with chained replacements, so `\` followed by `n`,
//! `N` or `:` in a value reads back wrong (fixed upstream in 0.17.13). So a
//! TEXT value is checked twice: the crate's reading must equal the input
//! whenever the input holds no backslash, and the raw escaped value on its
//! line, unescaped as RFC 5545 section 3.3.11 says (`unescape` below), must
//! equal the input always. 0.17.6 also reads an `X-` property (X-WR-CALNAME)
//! without unescaping it, so that one is checked through `unescape` only.
//!
//! 256 cases per property (proptest's default; `PROPTEST_CASES` changes it).

use callblock_core::invite::{meeting_ics, Invitation};
use callblock_core::plan::ics::slots_to_ics;
use callblock_core::plan::schedule::{ScheduleSlot, SlotKind};
use chrono::{DateTime, Utc};
use icalendar::parser::{read_calendar, unfold, Component};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------------
// Hostile text

/// Single characters that break writers, and pieces that look like calendar
/// syntax.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(String::from),
        4 => select(vec![
            '\r', '\n', '\0', '\t', '\u{b}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9c}', ';', ',',
            '\\', '"', '\'', ':', '=', ' ', 'n', 'N', '\u{202e}', '\u{202d}', '\u{2066}',
            '\u{2069}', '\u{200b}', '\u{200d}', '\u{feff}', '\u{2028}', '\u{2029}', '\u{a0}',
            '\u{a0}', '\u{a0}', '\u{1680}', '\u{2003}', '\u{3000}',
            'é', '李', '😀', '\u{10ffff}',
        ])
        .prop_map(String::from),
        1 => select(vec![
            "\r\nATTENDEE:mailto:evil@x.example",
            "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
            "\r\nEND:VCALENDAR\r\n",
            "\nMETHOD:CANCEL",
            "\rSTATUS:CANCELLED",
            "\r\n ORGANIZER:mailto:x@y",
            "\r\n\tX",
            "\";ROLE=CHAIR:mailto:evil@x.example",
            ";CN=x:",
            "\\n",
            "\\N",
            "\\,",
            "\\;",
            "\\:",
            "\\\\",
            "BEGIN:VCALENDAR",
            "👩\u{200d}👩\u{200d}👧\u{200d}👦",
            "e\u{301}",
        ])
        .prop_map(String::from),
        2 => "[a-zA-Z0-9 .@-]{1,20}",
    ]
}

/// Hostile text: mostly short, sometimes thousands of octets, sometimes a
/// long run of one (multi-byte, white) character.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(piece(), 0..40).prop_map(|v| v.concat()),
        1 => (vec(piece(), 1..8), 10usize..150).prop_map(|(v, n)| v.concat().repeat(n)),
        1 => (
            select(vec!['\u{a0}', '\u{3000}', '\u{2003}', ' ', 'é', '😀']),
            1usize..400,
            vec(piece(), 0..3),
        )
            .prop_map(|(c, n, tail)| c.to_string().repeat(n) + &tail.concat()),
    ]
}

/// Instants the calendar can hold (1970 to 2100), to the second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_102_444_800).prop_filter_map("a valid instant", |s| DateTime::from_timestamp(s, 0))
}

/// Any instant chrono can hold, far past and far future included.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (-8_200_000_000_000i64..8_200_000_000_000).prop_filter_map("an instant chrono holds", |s| {
        DateTime::from_timestamp(s, 0)
    })
}

// ---------------------------------------------------------------------------
// The documented cleaning, stated again here as the oracle

/// `invite::escape_text`'s cleaning: control characters dropped, line feeds kept.
fn text(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

/// `invite::param_text`: control characters become spaces, `"` becomes `'`.
fn param(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A calendar address: `mailto:` and the address less control characters
/// and spaces.
fn address(s: &str) -> String {
    let a: String = s
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    format!("mailto:{a}")
}

/// A TEXT value unescaped as RFC 5545 section 3.3.11 says, in one pass.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ';' | ',')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A TEXT value escaped as RFC 5545 section 3.3.11 says.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Checks shared by both files

/// Every physical line ends with CRLF, holds no other CR or LF, and is at
/// most 75 octets.
fn check_lines(ics: &str) -> Result<(), TestCaseError> {
    prop_assert!(ics.ends_with("\r\n"), "no final CRLF");
    for line in ics[..ics.len() - 2].split("\r\n") {
        prop_assert!(line.len() <= 75, "{} octets: {:?}", line.len(), line);
        prop_assert!(!line.contains(['\r', '\n']), "a bare CR or LF: {:?}", line);
    }
    Ok(())
}

/// The values of the properties called `name`, as the crate read them.
fn values<'a>(c: &'a Component<'_>, name: &str) -> Vec<&'a str> {
    c.properties
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.val.as_str())
        .collect()
}

/// The component's property names, sorted.
fn names<'a>(c: &'a Component<'_>) -> Vec<&'a str> {
    let mut n: Vec<&str> = c.properties.iter().map(|p| p.name.as_str()).collect();
    n.sort_unstable();
    n
}

/// The raw (escaped) values of the unfolded lines that start with `name:`.
fn raw_values<'a>(unfolded: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    unfolded
        .split("\r\n")
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

/// The TEXT values called `name` equal `want`: in the crate's reading
/// (where its unescaping is right: no backslash in what went in), and as
/// written, which must be `want` escaped as RFC 5545 says (`\` `;` `,`
/// escaped, line feeds as `\n`), and so unescape to `want`.
fn check_text(
    read: Vec<&str>,
    unfolded: &str,
    name: &str,
    want: &[String],
) -> Result<(), TestCaseError> {
    if want.iter().all(|w| !w.contains('\\')) {
        prop_assert_eq!(read, want.to_vec(), "{} as the crate reads it", name);
    }
    let raw = raw_values(unfolded, name);
    let escaped: Vec<String> = want.iter().map(|w| escape(w)).collect();
    prop_assert_eq!(&raw, &escaped, "{} as written", name);
    let back: Vec<String> = raw.into_iter().map(unescape).collect();
    prop_assert_eq!(back, want.to_vec(), "{} unescaped", name);
    Ok(())
}

/// A parameter's value, as the crate read it.
fn param_value<'a>(p: &'a icalendar::parser::Property<'_>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key == key)
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str())
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

// ---------------------------------------------------------------------------
// The invitation

#[derive(Debug, Clone)]
struct Meeting {
    uid: String,
    starts_at: DateTime<Utc>,
    duration_minutes: u32,
    summary: String,
    description: String,
    format: String,
    attendee_name: String,
    attendee_email: String,
    organizer_name: String,
    organizer_email: Option<String>,
    created_at: DateTime<Utc>,
}

impl Meeting {
    fn invitation(&self) -> Invitation<'_> {
        Invitation {
            uid: &self.uid,
            starts_at: self.starts_at,
            duration_minutes: self.duration_minutes,
            summary: &self.summary,
            description: &self.description,
            format: &self.format,
            attendee_name: &self.attendee_name,
            attendee_email: &self.attendee_email,
            organizer_name: &self.organizer_name,
            organizer_email: self.organizer_email.as_deref(),
            created_at: self.created_at,
        }
    }
}

prop_compose! {
    fn meeting()(
        uid in hostile(),
        starts_at in instant(),
        duration_minutes in prop_oneof![0u32..600, 0u32..1_000_000],
        summary in hostile(),
        description in hostile(),
        format in prop_oneof![
            select(vec!["phone", "web", "in_person"]).prop_map(String::from),
            hostile(),
        ],
        attendee_name in hostile(),
        attendee_email in prop_oneof!["[a-z.+]{1,12}@[a-z]{1,8}\\.example", hostile()],
        organizer_name in hostile(),
        organizer_email in proptest::option::of(
            prop_oneof!["[a-z.+]{1,12}@[a-z]{1,8}\\.example", hostile()]
        ),
        created_at in instant(),
    ) -> Meeting {
        Meeting {
            uid, starts_at, duration_minutes, summary, description, format, attendee_name,
            attendee_email, organizer_name, organizer_email, created_at,
        }
    }
}

fn format_label(format: &str) -> &'static str {
    match format {
        "phone" => "Phone call",
        "in_person" => "In person",
        _ => "Web meeting",
    }
}

/// All the invariants of an invitation's file.
fn check_invitation(m: &Meeting, ics: &str) -> Result<(), TestCaseError> {
    check_lines(ics)?;
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded)
        .map_err(|e| TestCaseError::fail(format!("the parser refused the file: {e}")))?;

    let cal_props: Vec<&str> = cal.properties.iter().map(|p| p.name.as_str()).collect();
    prop_assert_eq!(cal_props, ["VERSION", "PRODID", "CALSCALE", "METHOD"]);
    prop_assert_eq!(cal.properties[3].val.as_str(), "REQUEST", "the method");
    prop_assert_eq!(cal.components.len(), 1, "one component");
    let event = &cal.components[0];
    prop_assert_eq!(event.name.as_str(), "VEVENT");
    prop_assert!(event.components.is_empty(), "no alarm or other part");

    let organizer_address = m
        .organizer_email
        .as_deref()
        .map(address)
        .filter(|a| a != "mailto:");
    let mut want_names = vec![
        "ATTENDEE",
        "DESCRIPTION",
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "UID",
    ];
    if organizer_address.is_some() {
        want_names.push("ORGANIZER");
        want_names.sort_unstable();
    }
    prop_assert_eq!(names(event), want_names, "the event's properties");

    check_text(
        values(event, "UID"),
        &unfolded,
        "UID",
        &[text(&format!("{}@callblock", m.uid))],
    )?;
    check_text(
        values(event, "SUMMARY"),
        &unfolded,
        "SUMMARY",
        &[text(&m.summary)],
    )?;
    check_text(
        values(event, "DESCRIPTION"),
        &unfolded,
        "DESCRIPTION",
        &[text(&format!(
            "{}\n\n{}",
            format_label(&m.format),
            m.description
        ))],
    )?;
    let end = m.starts_at + chrono::Duration::minutes(i64::from(m.duration_minutes));
    prop_assert_eq!(values(event, "DTSTART"), [utc(m.starts_at)]);
    prop_assert_eq!(values(event, "DTEND"), [utc(end)]);
    prop_assert_eq!(values(event, "DTSTAMP"), [utc(m.created_at)]);
    prop_assert_eq!(values(event, "STATUS"), ["CONFIRMED"]);
    prop_assert_eq!(values(event, "SEQUENCE"), ["0"]);

    // The attendee: its address, its name (none when nothing is left), and
    // exactly the parameters written.
    let attendee = event
        .find_prop("ATTENDEE")
        .ok_or_else(|| TestCaseError::fail("no attendee"))?;
    prop_assert_eq!(attendee.val.as_str(), address(&m.attendee_email));
    let cn = param(&m.attendee_name);
    let mut keys: Vec<&str> = attendee.params.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    if cn.is_empty() {
        prop_assert_eq!(keys, ["PARTSTAT", "ROLE", "RSVP"]);
    } else {
        prop_assert_eq!(keys, ["CN", "PARTSTAT", "ROLE", "RSVP"]);
        prop_assert_eq!(param_value(attendee, "CN"), Some(cn.as_str()));
        // Quoted, as RFC 5545 wants for a name with `,` `;` or `:` (the
        // crate's parser would also read `CN=Lee, Dana` unquoted).
        let quoted = format!("\r\nATTENDEE;CN=\"{cn}\";");
        prop_assert!(unfolded.contains(&quoted), "CN not quoted");
    }
    prop_assert_eq!(param_value(attendee, "ROLE"), Some("REQ-PARTICIPANT"));
    prop_assert_eq!(param_value(attendee, "PARTSTAT"), Some("NEEDS-ACTION"));
    prop_assert_eq!(param_value(attendee, "RSVP"), Some("TRUE"));

    if let Some(want) = organizer_address {
        let organizer = event
            .find_prop("ORGANIZER")
            .ok_or_else(|| TestCaseError::fail("no organizer"))?;
        prop_assert_eq!(organizer.val.as_str(), want);
        let cn = param(&m.organizer_name);
        let keys: Vec<&str> = organizer.params.iter().map(|p| p.key.as_str()).collect();
        if cn.is_empty() {
            prop_assert!(keys.is_empty(), "{:?}", keys);
        } else {
            prop_assert_eq!(keys, ["CN"]);
            prop_assert_eq!(param_value(organizer, "CN"), Some(cn.as_str()));
            let quoted = format!("\r\nORGANIZER;CN=\"{cn}\":");
            prop_assert!(unfolded.contains(&quoted), "CN not quoted");
        }
    }

    // No line of the file starts with a property of the event other than
    // those above (what a reader that does not unfold would see).
    for line in ics.split("\r\n") {
        if let Some(rest) = line.strip_prefix("ATTENDEE") {
            prop_assert!(rest.starts_with(';') || rest.starts_with(':'));
        }
    }
    prop_assert_eq!(unfolded.matches("\r\nATTENDEE").count(), 1);
    Ok(())
}

proptest! {
    #[test]
    fn an_invitation_with_hostile_text_reads_back_as_written(m in meeting()) {
        let ics = meeting_ics(&m.invitation())
            .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
        check_invitation(&m, &ics)?;
    }

    #[test]
    fn any_times_and_lengths_give_a_valid_invitation_or_a_typed_error(
        mut m in meeting(),
        starts_at in any_instant(),
        created_at in any_instant(),
        duration_minutes in any::<u32>(),
    ) {
        m.starts_at = starts_at;
        m.created_at = created_at;
        m.duration_minutes = duration_minutes;
        match meeting_ics(&m.invitation()) {
            Ok(ics) => check_invitation(&m, &ics)?,
            Err(e) => prop_assert_eq!(e.kind(), "invalid"),
        }
    }
}

// ---------------------------------------------------------------------------
// The schedule

const ZONES: [&str; 8] = [
    "America/Chicago",
    "Europe/London",
    "Asia/Kolkata",
    "Africa/Casablanca",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "UTC",
];

prop_compose! {
    fn slot()(
        id in hostile(),
        block in any::<bool>(),
        weekday in 0u8..7,
        start_minute in 0u32..1440,
        minutes in 0u32..600,
        time_zone in select(ZONES.to_vec()),
        theme_name in proptest::option::of(hostile()),
        created_at in (1_600_000_000i64..2_000_000_000)
            .prop_filter_map("a valid instant", |s| DateTime::from_timestamp(s, 0)),
    ) -> ScheduleSlot {
        ScheduleSlot {
            id,
            rep_id: "r".into(),
            kind: if block { SlotKind::Block } else { SlotKind::Prep },
            weekday,
            start_minute,
            minutes,
            time_zone: time_zone.to_string(),
            theme_id: theme_name.as_ref().map(|_| "t".to_string()),
            theme_name,
            created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

/// What the schedule's event is called.
fn slot_summary(s: &ScheduleSlot) -> String {
    match (s.kind, s.theme_name.as_deref()) {
        (SlotKind::Block, Some(t)) => format!("Call block: {t}"),
        (SlotKind::Block, None) => "Call block".into(),
        (SlotKind::Prep, Some(t)) => format!("Preparation: {t}"),
        (SlotKind::Prep, None) => "Preparation".into(),
    }
}

/// All the invariants of a schedule's file.
fn check_schedule(
    slots: &[ScheduleSlot],
    name: &str,
    stamp: DateTime<Utc>,
    ics: &str,
) -> Result<(), TestCaseError> {
    check_lines(ics)?;
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded)
        .map_err(|e| TestCaseError::fail(format!("the parser refused the file: {e}")))?;

    let cal_props: Vec<&str> = cal.properties.iter().map(|p| p.name.as_str()).collect();
    prop_assert_eq!(
        cal_props,
        ["VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME"]
    );
    prop_assert_eq!(cal.properties[3].val.as_str(), "PUBLISH");
    // icalendar 0.17.6 reads an X- property without unescaping it.
    let calname = cal.properties[4].val.as_str();
    prop_assert_eq!(calname, escape(&text(name)));
    prop_assert_eq!(unescape(calname), text(name));

    let zones: std::collections::BTreeSet<&str> =
        slots.iter().map(|s| s.time_zone.as_str()).collect();
    let kinds: Vec<&str> = cal.components.iter().map(|c| c.name.as_str()).collect();
    let mut want_kinds = vec!["VTIMEZONE"; zones.len()];
    want_kinds.extend(vec!["VEVENT"; slots.len()]);
    prop_assert_eq!(kinds, want_kinds);
    let (vtimezones, events) = cal.components.split_at(zones.len());

    let tzids: Vec<&str> = vtimezones.iter().flat_map(|z| values(z, "TZID")).collect();
    prop_assert_eq!(tzids, zones.iter().copied().collect::<Vec<_>>());
    for z in vtimezones {
        prop_assert_eq!(names(z), ["TZID"]);
        prop_assert!(!z.components.is_empty());
        for part in &z.components {
            prop_assert!(["STANDARD", "DAYLIGHT"].contains(&part.name.as_str()));
            let n = names(part);
            prop_assert!(!n.contains(&"DTSTAMP") && !n.contains(&"UID"), "{:?}", n);
        }
    }

    // The events, in the order of the slots: each with exactly these
    // properties, and its texts as they went in.
    for (s, e) in slots.iter().zip(events) {
        prop_assert_eq!(
            names(e),
            [
                "CATEGORIES",
                "DESCRIPTION",
                "DTSTAMP",
                "DTSTART",
                "DURATION",
                "RRULE",
                "SUMMARY",
                "TRANSP",
                "UID",
            ]
        );
        prop_assert_eq!(values(e, "DTSTAMP"), [utc(stamp)]);
        let start = e
            .find_prop("DTSTART")
            .ok_or_else(|| TestCaseError::fail("no DTSTART"))?;
        prop_assert_eq!(param_value(start, "TZID"), Some(s.time_zone.as_str()));
        prop_assert_eq!(
            values(e, "CATEGORIES"),
            [if s.kind == SlotKind::Block {
                "Callblock,Call block"
            } else {
                "Callblock,Preparation"
            }]
        );
        if let Some(theme) = &s.theme_name {
            let description = e
                .find_prop("DESCRIPTION")
                .ok_or_else(|| TestCaseError::fail("no DESCRIPTION"))?;
            if !theme.contains('\\') {
                prop_assert!(description.val.as_str().contains(&text(theme)));
            }
        }
    }
    let uids: Vec<String> = slots
        .iter()
        .map(|s| text(&format!("{}@callblock", s.id)))
        .collect();
    let summaries: Vec<String> = slots.iter().map(|s| text(&slot_summary(s))).collect();
    // Checked across the events, in order (UID and SUMMARY lines are only
    // in events).
    let read = |name: &str| -> Vec<&str> { events.iter().flat_map(|e| values(e, name)).collect() };
    check_text(read("UID"), &unfolded, "UID", &uids)?;
    check_text(read("SUMMARY"), &unfolded, "SUMMARY", &summaries)?;
    Ok(())
}

proptest! {
    #[test]
    fn a_schedule_with_hostile_names_reads_back_as_written(
        slots in vec(slot(), 1..4),
        name in hostile(),
        stamp in instant(),
    ) {
        let ics = slots_to_ics(&slots, &name, stamp)
            .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
        check_schedule(&slots, &name, stamp, &ics)?;
    }

    #[test]
    fn odd_slots_give_a_valid_schedule_or_a_typed_error(
        mut slots in vec(slot(), 1..3),
        weekday in any::<u8>(),
        start_minute in any::<u32>(),
        minutes in any::<u32>(),
        zone in prop_oneof![select(ZONES.to_vec()).prop_map(String::from), hostile()],
        created_at in prop_oneof![
            any_instant().prop_map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            hostile(),
        ],
        stamp in any_instant(),
    ) {
        slots[0].weekday = weekday;
        slots[0].start_minute = start_minute;
        slots[0].minutes = minutes;
        slots[0].time_zone = zone;
        slots[0].created_at = created_at;
        // Only the file's form is checked here: its texts are covered above.
        match slots_to_ics(&slots, "x", stamp) {
            Ok(ics) => {
                check_lines(&ics)?;
                let unfolded = unfold(&ics);
                let cal = read_calendar(&unfolded)
                    .map_err(|e| TestCaseError::fail(format!("the parser refused the file: {e}")))?;
                let events = cal.components.iter().filter(|c| c.name == "VEVENT").count();
                prop_assert_eq!(events, slots.len());
            }
            Err(e) => prop_assert_eq!(e.kind(), "invalid"),
        }
    }
}

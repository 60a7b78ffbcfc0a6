//! The schedule as an iCalendar file (RFC 5545), for the rep's own calendar.
//!
//! Each slot is one weekly recurring event (`RRULE:FREQ=WEEKLY;BYDAY=..`)
//! with `DTSTART;TZID=<zone>` in the slot's zone and a `DURATION`, and a
//! stable `UID` (`<slot id>@callblock`), so that importing the file again
//! updates the events instead of doubling them. Each zone used gets a
//! `VTIMEZONE` built from the time-zone database: a yearly `RRULE` per
//! observance when the zone's changes follow one (as in the US and the EU),
//! else the exact change dates as `RDATE`s. Lines end in CRLF, are folded at
//! 75 octets (never inside a UTF-8 character), and text is escaped, by the
//! content-line writer of `invite.rs` (which says why the `icalendar` crate
//! does not write these files; the tests read them back with its parser).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use rusqlite::{Connection, OptionalExtension};

use super::schedule::{slots, ScheduleSlot, SlotKind};
use crate::error::{Error, Result};
use crate::time;

const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/// Years of zone rules written into each VTIMEZONE, from the first event's year.
const ZONE_YEARS: i32 = 6;

use crate::invite::{checked_instant, escape_text, fold_line, ics_time as utc_stamp};

/// Append one content line, folded at 75 octets, with CRLF.
fn push_line(out: &mut String, line: &str) {
    out.push_str(&fold_line(line));
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ZoneState {
    offset: i32,
    dst: bool,
    abbr: String,
}

fn state_at(tz: Tz, t: DateTime<Utc>) -> ZoneState {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    ZoneState {
        offset: o.fix().local_minus_utc(),
        dst: !o.dst_offset().is_zero(),
        abbr: o.abbreviation().unwrap_or("").to_string(),
    }
}

#[derive(Debug, Clone)]
struct Transition {
    at: DateTime<Utc>,
    from: ZoneState,
    to: ZoneState,
}

impl Transition {
    /// The wall-clock time of the change, in the offset before it.
    fn local(&self) -> NaiveDateTime {
        self.at.naive_utc() + Duration::seconds(i64::from(self.from.offset))
    }
}

/// The zone's changes from `from` to `to`, found day by day and then to the minute.
fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    let mut t = from;
    let mut state = state_at(tz, t);
    while t < to {
        let next = t + Duration::days(1);
        let s = state_at(tz, next);
        if s.offset != state.offset || s.dst != state.dst {
            // The first minute after t with the new state.
            let same = |m: i64| {
                let ms = state_at(tz, t + Duration::minutes(m));
                ms.offset == state.offset && ms.dst == state.dst
            };
            let (mut lo, mut hi) = (0i64, 24 * 60i64);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if same(mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let at = t + Duration::minutes(hi);
            out.push(Transition {
                at,
                from: state.clone(),
                to: s.clone(),
            });
            state = s;
        }
        t = next;
    }
    out
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The `n`th (or, for -1, the last) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: chrono::Weekday, n: i32) -> Option<NaiveDate> {
    if n > 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let shift =
            (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
        let d = first + Duration::days(i64::from(shift) + 7 * i64::from(n - 1));
        (d.month() == month).then_some(d)
    } else {
        let last = last_day_of_month(year, month)?;
        let shift =
            (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        Some(last - Duration::days(i64::from(shift)))
    }
}

/// A yearly rule that produces exactly these changes, if there is one:
/// `FREQ=YEARLY;BYMONTH=m;BYDAY=nWD`.
fn yearly_rule(group: &[&Transition], last_year: i32) -> Option<String> {
    let first = group.first()?.local();
    let (month, weekday, time) = (first.month(), first.weekday(), first.time());
    let day = first.day();
    let last = last_day_of_month(first.year(), month)?.day();
    let n: i32 = if day + 7 > last {
        -1
    } else {
        ((day - 1) / 7 + 1) as i32
    };
    // One change a year, every year up to the end of the window, all on the rule.
    let years: Vec<i32> = group.iter().map(|t| t.local().year()).collect();
    let consecutive = years.windows(2).all(|w| w[1] == w[0] + 1);
    if !consecutive || *years.last()? != last_year {
        return None;
    }
    for t in group {
        let l = t.local();
        if l.time() != time || Some(l.date()) != nth_weekday(l.year(), month, weekday, n) {
            return None;
        }
    }
    Some(format!(
        "FREQ=YEARLY;BYMONTH={month};BYDAY={n}{}",
        BYDAY[weekday.num_days_from_monday() as usize]
    ))
}

/// The VTIMEZONE of `tz` for events from `first_year` on.
fn vtimezone(out: &mut String, tz: Tz, first_year: i32) {
    let start = Utc
        .with_ymd_and_hms(first_year - 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let end_year = first_year + ZONE_YEARS - 1;
    let end = Utc
        .with_ymd_and_hms(end_year + 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{}", tz.name()));
    let changes = transitions(tz, start, end);
    if changes.is_empty() {
        let s = state_at(tz, start);
        push_line(out, "BEGIN:STANDARD");
        push_line(out, "DTSTART:19700101T000000");
        push_line(out, &format!("TZOFFSETFROM:{}", offset_text(s.offset)));
        push_line(out, &format!("TZOFFSETTO:{}", offset_text(s.offset)));
        if !s.abbr.is_empty() {
            push_line(out, &format!("TZNAME:{}", escape_text(&s.abbr)));
        }
        push_line(out, "END:STANDARD");
    } else {
        // Group the changes into observances: same kind, offsets and name.
        let mut keys: Vec<(bool, i32, i32, String)> = Vec::new();
        for c in &changes {
            let k = (c.to.dst, c.from.offset, c.to.offset, c.to.abbr.clone());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        for k in keys {
            let group: Vec<&Transition> = changes
                .iter()
                .filter(|c| (c.to.dst, c.from.offset, c.to.offset, c.to.abbr.clone()) == k)
                .collect();
            let kind = if k.0 { "DAYLIGHT" } else { "STANDARD" };
            push_line(out, &format!("BEGIN:{kind}"));
            push_line(out, &format!("DTSTART:{}", local_stamp(group[0].local())));
            push_line(out, &format!("TZOFFSETFROM:{}", offset_text(k.1)));
            push_line(out, &format!("TZOFFSETTO:{}", offset_text(k.2)));
            if !k.3.is_empty() {
                push_line(out, &format!("TZNAME:{}", escape_text(&k.3)));
            }
            match yearly_rule(&group, end_year) {
                Some(rule) => push_line(out, &format!("RRULE:{rule}")),
                None if group.len() > 1 => {
                    let dates: Vec<String> =
                        group[1..].iter().map(|t| local_stamp(t.local())).collect();
                    push_line(out, &format!("RDATE:{}", dates.join(",")));
                }
                None => {}
            }
            push_line(out, &format!("END:{kind}"));
        }
    }
    push_line(out, "END:VTIMEZONE");
}

/// The first local date on or after `from` that falls on `weekday` (0 = Monday).
fn first_on_weekday(from: NaiveDate, weekday: u8) -> Option<NaiveDate> {
    let shift = (7 + u32::from(weekday) - from.weekday().num_days_from_monday()) % 7;
    from.checked_add_signed(Duration::days(i64::from(shift)))
}

fn duration_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("PT{m}M"),
        (h, 0) => format!("PT{h}H"),
        (h, m) => format!("PT{h}H{m}M"),
    }
}

/// The slots as an iCalendar file, stamped `dtstamp`.
pub fn slots_to_ics(
    slots: &[ScheduleSlot],
    calendar_name: &str,
    dtstamp: DateTime<Utc>,
) -> Result<String> {
    let dtstamp = checked_instant("export time", dtstamp)?;
    let events = slots
        .iter()
        .map(first_occurrence)
        .collect::<Result<Vec<_>>>()?;
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(
        &mut out,
        &format!(
            "PRODID:-//Callblock//Callblock {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
    );
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape_text(calendar_name)),
    );
    let zones: BTreeSet<&str> = events.iter().map(|(_, tz, _)| tz.name()).collect();
    for name in zones {
        let first_year = events
            .iter()
            .filter(|(_, tz, _)| tz.name() == name)
            .map(|(_, _, start)| start.year())
            .min()
            .unwrap_or_else(|| dtstamp.year());
        if let Some(tz) = time::parse_tz(name) {
            vtimezone(&mut out, tz, first_year);
        }
    }
    for (s, tz, start) in &events {
        vevent(&mut out, s, *tz, *start, dtstamp);
    }
    push_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

/// A slot's zone and first occurrence (on or after the day it was created).
fn first_occurrence(s: &ScheduleSlot) -> Result<(&ScheduleSlot, Tz, NaiveDateTime)> {
    let tz = time::parse_tz(&s.time_zone).ok_or_else(|| {
        Error::invalid(
            format!("schedule slot {}", s.id),
            format!("{:?} is not an IANA time zone", s.time_zone),
        )
    })?;
    if s.weekday > 6 {
        return Err(Error::invalid(
            format!("schedule slot {}", s.id),
            format!(
                "weekday {} is not a day of the week (0 = Monday to 6 = Sunday)",
                s.weekday
            ),
        ));
    }
    let created = time::from_db(&s.created_at)?
        .with_timezone(&tz)
        .date_naive();
    let date = first_on_weekday(created, s.weekday)
        .filter(|d| (0..=9999).contains(&d.year()))
        .ok_or_else(|| {
            Error::invalid(
                format!("schedule slot {}", s.id),
                format!(
                    "created at {}, outside the years a calendar file can hold",
                    s.created_at
                ),
            )
        })?;
    let start = date
        .and_hms_opt(s.start_minute / 60, s.start_minute % 60, 0)
        .ok_or_else(|| {
            Error::invalid(
                format!("schedule slot {}", s.id),
                format!("start minute {} is not a time of day", s.start_minute),
            )
        })?;
    Ok((s, tz, start))
}

/// The event's title and description.
fn slot_text(s: &ScheduleSlot) -> (String, String) {
    match (s.kind, s.theme_name.as_deref()) {
        (SlotKind::Block, Some(t)) => (
            format!("Call block: {t}"),
            format!(
                "{} minutes of calls, one right after the other, on the theme {t}. Open \
                 Callblock's Block view to start it.",
                s.minutes
            ),
        ),
        (SlotKind::Block, None) => (
            "Call block".to_string(),
            format!(
                "{} minutes of calls, one right after the other. Open Callblock's Block \
                 view to start it.",
                s.minutes
            ),
        ),
        (SlotKind::Prep, Some(t)) => (
            format!("Preparation: {t}"),
            format!(
                "Research and list preparation for the theme {t}, kept apart from the call blocks."
            ),
        ),
        (SlotKind::Prep, None) => (
            "Preparation".to_string(),
            "Research and list preparation, kept apart from the call blocks.".to_string(),
        ),
    }
}

/// One slot as a weekly event from its first occurrence.
fn vevent(
    out: &mut String,
    s: &ScheduleSlot,
    tz: Tz,
    start: NaiveDateTime,
    dtstamp: DateTime<Utc>,
) {
    let (summary, description) = slot_text(s);
    push_line(out, "BEGIN:VEVENT");
    push_line(
        out,
        &format!("UID:{}", escape_text(&format!("{}@callblock", s.id))),
    );
    push_line(out, &format!("DTSTAMP:{}", utc_stamp(dtstamp)));
    push_line(
        out,
        &format!("DTSTART;TZID={}:{}", tz.name(), local_stamp(start)),
    );
    push_line(out, &format!("DURATION:{}", duration_text(s.minutes)));
    push_line(
        out,
        &format!(
            "RRULE:FREQ=WEEKLY;BYDAY={}",
            BYDAY[usize::from(s.weekday.min(6))]
        ),
    );
    push_line(out, &format!("SUMMARY:{}", escape_text(&summary)));
    push_line(out, &format!("DESCRIPTION:{}", escape_text(&description)));
    push_line(
        out,
        &format!(
            "CATEGORIES:{}",
            if s.kind == SlotKind::Block {
                "Callblock,Call block"
            } else {
                "Callblock,Preparation"
            }
        ),
    );
    push_line(out, "TRANSP:OPAQUE");
    push_line(out, "END:VEVENT");
}

/// A rep's schedule as an iCalendar file.
pub fn schedule_ics(conn: &Connection, rep_id: &str, dtstamp: DateTime<Utc>) -> Result<String> {
    let name: String = conn
        .query_row("SELECT name FROM reps WHERE id = ?1", [rep_id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "rep",
            id: rep_id.to_string(),
        })?;
    slots_to_ics(
        &slots(conn, rep_id)?,
        &format!("Callblock: {name}"),
        dtstamp,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(
        id: &str,
        kind: SlotKind,
        weekday: u8,
        start: u32,
        minutes: u32,
        tz: &str,
        theme: Option<&str>,
    ) -> ScheduleSlot {
        ScheduleSlot {
            id: id.into(),
            rep_id: "r".into(),
            kind,
            weekday,
            start_minute: start,
            minutes,
            time_zone: tz.into(),
            theme_id: theme.map(|_| "t".to_string()),
            theme_name: theme.map(str::to_string),
            // A Wednesday.
            created_at: "2026-11-18T12:00:00.000Z".into(),
        }
    }

    /// Unfold the file, checking CRLF and the 75-octet limit on the way.
    fn unfold(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"));
        let mut lines: Vec<String> = Vec::new();
        for physical in ics.trim_end_matches("\r\n").split("\r\n") {
            assert!(
                !physical.contains('\n') && !physical.contains('\r'),
                "bare line break in {physical:?}"
            );
            assert!(
                physical.len() <= 75,
                "{} octets: {physical:?}",
                physical.len()
            );
            match physical.strip_prefix(' ') {
                Some(rest) => lines.last_mut().unwrap().push_str(rest),
                None => lines.push(physical.to_string()),
            }
        }
        lines
    }

    /// The lines of the component that starts with `begin` and contains `marker`.
    fn component(lines: &[String], begin: &str, marker: &str) -> Vec<String> {
        let end = begin.replace("BEGIN", "END");
        let mut cur: Option<Vec<String>> = None;
        for l in lines {
            if l == begin {
                cur = Some(Vec::new());
            }
            if let Some(c) = cur.as_mut() {
                c.push(l.clone());
                if *l == end {
                    if c.iter().any(|x| x == marker) {
                        return c.clone();
                    }
                    cur = None;
                }
            }
        }
        panic!("no {begin} with {marker}");
    }

    #[test]
    fn a_valid_calendar_with_weekly_events_zones_and_stable_uids() {
        let stamp = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
        let slots = [
            slot(
                "s1",
                SlotKind::Block,
                0,
                9 * 60,
                52,
                "America/Chicago",
                Some("Logistics, freight; & more"),
            ),
            slot(
                "s2",
                SlotKind::Prep,
                4,
                14 * 60 + 30,
                90,
                "America/Chicago",
                None,
            ),
            slot("s3", SlotKind::Block, 2, 8 * 60, 60, "Europe/London", None),
            slot("s4", SlotKind::Block, 1, 10 * 60, 52, "Asia/Kolkata", None),
        ];
        let ics = slots_to_ics(&slots, "Callblock: Alex", stamp).unwrap();
        let lines = unfold(&ics);
        assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
        assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
        for required in ["VERSION:2.0", "CALSCALE:GREGORIAN"] {
            assert!(lines.iter().any(|l| l == required), "{required}");
        }
        assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
        // BEGIN and END balance.
        let begins = lines.iter().filter(|l| l.starts_with("BEGIN:")).count();
        let ends = lines.iter().filter(|l| l.starts_with("END:")).count();
        assert_eq!(begins, ends);

        let e1 = component(&lines, "BEGIN:VEVENT", "UID:s1@callblock");
        for want in [
            "DTSTAMP:20261122T093000Z",
            // Created on Wednesday 18 November: the first Monday is the 23rd.
            "DTSTART;TZID=America/Chicago:20261123T090000",
            "DURATION:PT52M",
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            "SUMMARY:Call block: Logistics\\, freight\\; & more",
        ] {
            assert!(e1.iter().any(|l| l == want), "{want} in {e1:?}");
        }
        let e2 = component(&lines, "BEGIN:VEVENT", "UID:s2@callblock");
        assert!(e2
            .iter()
            .any(|l| l == "DTSTART;TZID=America/Chicago:20261120T143000"));
        assert!(e2.iter().any(|l| l == "DURATION:PT1H30M"));
        assert!(e2.iter().any(|l| l == "RRULE:FREQ=WEEKLY;BYDAY=FR"));
        assert!(e2.iter().any(|l| l == "SUMMARY:Preparation"));

        // Every zone used has its VTIMEZONE, with the rules of the zone.
        let chicago = component(&lines, "BEGIN:VTIMEZONE", "TZID:America/Chicago");
        let daylight = component(&chicago, "BEGIN:DAYLIGHT", "TZOFFSETTO:-0500");
        assert!(daylight.contains(&"TZOFFSETFROM:-0600".to_string()));
        assert!(
            daylight.contains(&"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU".to_string()),
            "{daylight:?}"
        );
        assert!(
            daylight.contains(&"DTSTART:20250309T020000".to_string()),
            "{daylight:?}"
        );
        assert!(daylight.contains(&"TZNAME:CDT".to_string()));
        let standard = component(&chicago, "BEGIN:STANDARD", "TZOFFSETTO:-0600");
        assert!(
            standard.contains(&"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU".to_string()),
            "{standard:?}"
        );
        assert!(
            standard.contains(&"DTSTART:20251102T020000".to_string()),
            "{standard:?}"
        );
        let london = component(&lines, "BEGIN:VTIMEZONE", "TZID:Europe/London");
        let bst = component(&london, "BEGIN:DAYLIGHT", "TZOFFSETTO:+0100");
        assert!(
            bst.contains(&"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU".to_string()),
            "{bst:?}"
        );
        assert!(
            bst.contains(&"DTSTART:20250330T010000".to_string()),
            "{bst:?}"
        );
        let gmt = component(&london, "BEGIN:STANDARD", "TZOFFSETTO:+0000");
        assert!(
            gmt.contains(&"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU".to_string()),
            "{gmt:?}"
        );
        assert!(
            gmt.contains(&"DTSTART:20251026T020000".to_string()),
            "{gmt:?}"
        );
        let kolkata = component(&lines, "BEGIN:VTIMEZONE", "TZID:Asia/Kolkata");
        assert!(kolkata.contains(&"TZOFFSETTO:+0530".to_string()));
        assert!(!kolkata
            .iter()
            .any(|l| l.starts_with("RRULE") || l == "BEGIN:DAYLIGHT"));
        // One VTIMEZONE per zone, whatever the number of events in it.
        assert_eq!(
            lines
                .iter()
                .filter(|l| *l == "TZID:America/Chicago")
                .count(),
            1
        );
        // TZID references all resolve.
        for l in lines.iter().filter(|l| l.starts_with("DTSTART;TZID=")) {
            let zone = l["DTSTART;TZID=".len()..].split(':').next().unwrap();
            assert!(lines.contains(&format!("TZID:{zone}")), "{zone}");
        }
    }

    #[test]
    fn long_lines_fold_between_characters_and_text_is_escaped() {
        let stamp = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
        let theme = "Zürich–Genève région, équipes de logistique; backslash \\ and more text to pass 75 octets";
        let ics = slots_to_ics(
            &[slot(
                "s1",
                SlotKind::Block,
                0,
                540,
                52,
                "Europe/Zurich",
                Some(theme),
            )],
            "Callblock: Ann\nMarie",
            stamp,
        )
        .unwrap();
        // `unfold` checks every physical line is at most 75 octets and valid UTF-8 was kept.
        let lines = unfold(&ics);
        assert!(lines
            .iter()
            .any(|l| l == "X-WR-CALNAME:Callblock: Ann\\nMarie"));
        let summary = lines.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert_eq!(
            summary,
            "SUMMARY:Call block: Zürich–Genève région\\, équipes de logistique\\; backslash \\\\ and more text to pass 75 octets"
        );
        assert!(
            ics.split("\r\n").any(|l| l.starts_with(' ')),
            "something was folded"
        );
    }

    #[test]
    fn the_file_reads_back_with_the_icalendar_parser() {
        use icalendar::parser::{read_calendar, unfold, Component as Parsed};

        fn values<'a>(c: &'a Parsed<'_>, name: &str) -> Vec<&'a str> {
            c.properties
                .iter()
                .filter(|p| p.name == name)
                .map(|p| p.val.as_str())
                .collect()
        }
        fn names<'a>(c: &'a Parsed<'_>) -> Vec<&'a str> {
            let mut n: Vec<&str> = c.properties.iter().map(|p| p.name.as_str()).collect();
            n.sort_unstable();
            n
        }

        let stamp = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
        let theme = "Logistics, freight; & more \\ back\r\nEND:VEVENT";
        let slots = [
            slot(
                "s1",
                SlotKind::Block,
                0,
                9 * 60,
                52,
                "America/Chicago",
                Some(theme),
            ),
            slot(
                "s2",
                SlotKind::Prep,
                4,
                14 * 60 + 30,
                90,
                "Europe/London",
                None,
            ),
            slot("s3", SlotKind::Block, 1, 10 * 60, 52, "Asia/Kolkata", None),
        ];
        let ics = slots_to_ics(&slots, "Callblock: Ann, \"Lee\"", stamp).unwrap();
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).expect("the icalendar parser reads the file");

        let props: Vec<(&str, &str)> = cal
            .properties
            .iter()
            .map(|p| (p.name.as_str(), p.val.as_str()))
            .collect();
        assert_eq!(
            props,
            [
                ("VERSION", "2.0"),
                (
                    "PRODID",
                    concat!(
                        "-//Callblock//Callblock ",
                        env!("CARGO_PKG_VERSION"),
                        "//EN"
                    )
                ),
                ("CALSCALE", "GREGORIAN"),
                ("METHOD", "PUBLISH"),
                // icalendar 0.17.6 reads an X- property without unescaping it.
                ("X-WR-CALNAME", "Callblock: Ann\\, \"Lee\""),
            ]
        );

        let kinds: Vec<&str> = cal.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "VTIMEZONE",
                "VTIMEZONE",
                "VTIMEZONE",
                "VEVENT",
                "VEVENT",
                "VEVENT"
            ]
        );
        let (zones, events) = cal.components.split_at(3);
        let zone_ids: Vec<&str> = zones.iter().flat_map(|z| values(z, "TZID")).collect();
        assert_eq!(
            zone_ids,
            ["America/Chicago", "Asia/Kolkata", "Europe/London"]
        );
        for zone in zones {
            // Nothing but the zone (icalendar's writer would add a DTSTAMP and a UID).
            assert_eq!(names(zone), ["TZID"]);
            assert!(!zone.components.is_empty());
            for part in &zone.components {
                assert!(["STANDARD", "DAYLIGHT"].contains(&part.name.as_str()));
                let n = names(part);
                assert!(!n.contains(&"DTSTAMP") && !n.contains(&"UID"), "{n:?}");
                for required in ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"] {
                    assert_eq!(values(part, required).len(), 1, "{required} in {n:?}");
                }
            }
        }

        let e1 = &events[0];
        assert_eq!(
            names(e1),
            [
                "CATEGORIES",
                "DESCRIPTION",
                "DTSTAMP",
                "DTSTART",
                "DURATION",
                "RRULE",
                "SUMMARY",
                "TRANSP",
                "UID"
            ]
        );
        assert_eq!(values(e1, "UID"), ["s1@callblock"]);
        assert_eq!(values(e1, "DTSTAMP"), ["20261122T093000Z"]);
        let start = e1.find_prop("DTSTART").unwrap();
        assert_eq!(start.val.as_str(), "20261123T090000");
        assert_eq!(start.params.len(), 1);
        assert_eq!(start.params[0].key.as_str(), "TZID");
        assert_eq!(
            start.params[0].val.as_ref().map(|v| v.as_str()),
            Some("America/Chicago")
        );
        assert_eq!(values(e1, "DURATION"), ["PT52M"]);
        assert_eq!(values(e1, "RRULE"), ["FREQ=WEEKLY;BYDAY=MO"]);
        // The theme's text comes back as it was, less the carriage return.
        let clean_theme = "Logistics, freight; & more \\ back\nEND:VEVENT";
        assert_eq!(
            values(e1, "SUMMARY"),
            [format!("Call block: {clean_theme}")]
        );
        assert!(values(e1, "DESCRIPTION")[0].contains(&format!("on the theme {clean_theme}.")));
        assert_eq!(values(e1, "CATEGORIES"), ["Callblock,Call block"]);
        assert_eq!(values(e1, "TRANSP"), ["OPAQUE"]);

        let e2 = &events[1];
        assert_eq!(values(e2, "UID"), ["s2@callblock"]);
        assert_eq!(values(e2, "DTSTART"), ["20261120T143000"]);
        assert_eq!(values(e2, "DURATION"), ["PT1H30M"]);
        assert_eq!(values(e2, "RRULE"), ["FREQ=WEEKLY;BYDAY=FR"]);
        assert_eq!(values(e2, "SUMMARY"), ["Preparation"]);
        assert_eq!(values(e2, "CATEGORIES"), ["Callblock,Preparation"]);
        assert_eq!(values(&events[2], "UID"), ["s3@callblock"]);
    }

    #[test]
    fn irregular_zones_list_their_change_dates() {
        // Morocco suspends its offset around Ramadan, on dates no yearly rule gives.
        let stamp = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
        let ics = slots_to_ics(
            &[slot(
                "s1",
                SlotKind::Block,
                0,
                540,
                52,
                "Africa/Casablanca",
                None,
            )],
            "x",
            stamp,
        )
        .unwrap();
        let lines = unfold(&ics);
        let zone = component(&lines, "BEGIN:VTIMEZONE", "TZID:Africa/Casablanca");
        assert!(zone.iter().any(|l| l.starts_with("RDATE:")), "{zone:?}");
        assert!(!zone.iter().any(|l| l.starts_with("RRULE:")), "{zone:?}");
    }

    #[test]
    fn offsets_and_durations_are_written_as_rfc_5545_wants() {
        assert_eq!(offset_text(-6 * 3600), "-0600");
        assert_eq!(offset_text(5 * 3600 + 1800), "+0530");
        assert_eq!(offset_text(0), "+0000");
        assert_eq!(offset_text(-(17 * 60 + 30)), "-001730");
        assert_eq!(duration_text(52), "PT52M");
        assert_eq!(duration_text(120), "PT2H");
        assert_eq!(duration_text(90), "PT1H30M");
        assert_eq!(
            nth_weekday(2027, 3, chrono::Weekday::Sun, 2),
            NaiveDate::from_ymd_opt(2027, 3, 14)
        );
        assert_eq!(
            nth_weekday(2027, 10, chrono::Weekday::Sun, -1),
            NaiveDate::from_ymd_opt(2027, 10, 31)
        );
    }
}

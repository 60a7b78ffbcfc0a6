//! The busy times of an iCalendar file (RFC 5545), read-only: every VEVENT
//! of every VCALENDAR in it, parsed with the `icalendar` crate's parser and
//! its repeating events expanded with the `rrule` crate, cut to a window.
//!
//! What counts as busy:
//! - an event with a start and a length (DTEND or DURATION), in its TZID's
//!   zone (an IANA name, a `/vendor/.../Area/City` one, or a common Windows
//!   name), in UTC (`Z`), or floating (the calendar's X-WR-TIMEZONE, else
//!   the rep's zone);
//! - an all-day event (DATE values): busy from midnight to midnight in the
//!   rep's zone, for as many days as it lasts (one when it gives no end);
//! - each occurrence of a repeating event (RRULE, RDATE) except its EXDATEs
//!   and the occurrences another VEVENT of the same UID replaces
//!   (RECURRENCE-ID: that one counts on its own, where it was moved to).
//!
//! Not busy: TRANSP:TRANSPARENT (shown as free), STATUS:CANCELLED, an event
//! with no length. What cannot be understood (no start, a start that is not
//! a date, a rule the `rrule` crate refuses, a repeating rule finer than
//! hourly) is counted in [`Busy::skipped`] and left out: the caller says so.
//! So are the events left when working out occurrences has taken 3 s (a
//! hostile file); a rule with no COUNT starts near the window (in whole
//! periods), so a daily stand-up since 1990 costs what one since last week
//! does.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property};

/// One interval of busy time, UTC, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.start < end && start < self.end
    }
}

/// What a calendar says about a window of time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Busy {
    /// The busy intervals that overlap the window, sorted.
    pub intervals: Vec<Interval>,
    /// VEVENTs in the file (overrides of one occurrence included).
    pub events: usize,
    /// VEVENTs left out because they could not be understood.
    pub skipped: usize,
    /// VEVENTs whose TZID names no zone known here: read in the rep's zone.
    pub unknown_zones: usize,
}

/// Why a file's text is not a calendar (one line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCalendar(pub String);

/// A repeating event is expanded for at most this many occurrences in the
/// window ...
const MAX_OCCURRENCES: usize = 2_000;
/// ... from at most this many occurrences worked out (those before the
/// window included: a rule with a COUNT is counted from its start); past
/// it, the event is not read (the form says so) rather than waited for.
const MAX_STEPS: usize = 200_000;
/// An event longer than this is no meeting (and its end no date a calendar
/// can reach): it is not read.
const LONGEST_DAYS: i64 = 366;
/// A rule repeating every more periods than this is not read.
const MAX_INTERVAL: i64 = 1_000;

/// The time the occurrences of a file's events may take to work out.
const MAX_EXPANDING: std::time::Duration = std::time::Duration::from_secs(3);

/// The busy intervals of `text` (an .ics file's content) that overlap
/// `[from, to)`. Floating times and dates are in `zone` unless the
/// calendar names its own (X-WR-TIMEZONE).
pub fn busy_between(
    text: &str,
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Busy, NotCalendar> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let starts_right = text
        .trim_start()
        .get(..15)
        .is_some_and(|h| h.eq_ignore_ascii_case("BEGIN:VCALENDAR"));
    if !starts_right {
        return Err(NotCalendar("it does not start with BEGIN:VCALENDAR".into()));
    }
    // The parser wants lines unfolded and ending alike.
    let unfolded = icalendar::parser::unfold(&text.replace("\r\n", "\n"));
    let roots = icalendar::parser::read_components(&unfolded).map_err(|e| {
        let line = e
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && *l != "error:")
            .unwrap_or("unreadable");
        NotCalendar(crate::quote::escaped(
            line.trim_start_matches("error: "),
            120,
        ))
    })?;
    let mut busy = Busy::default();
    let mut events = Vec::new();
    for cal in roots.iter().filter(|c| is(c.name.as_str(), "VCALENDAR")) {
        let floating = prop(cal_props(cal), "X-WR-TIMEZONE")
            .and_then(|p| zone_named(p.val.as_str()))
            .unwrap_or(zone);
        for c in cal
            .components
            .iter()
            .filter(|c| is(c.name.as_str(), "VEVENT"))
        {
            busy.events += 1;
            match Event::read(c, floating) {
                Some(e) => {
                    busy.unknown_zones += usize::from(e.unknown_zone);
                    events.push(e);
                }
                None => busy.skipped += 1,
            }
        }
    }
    // The occurrences replaced by another VEVENT (RECURRENCE-ID), by UID.
    let mut replaced: HashMap<&str, Vec<When>> = HashMap::new();
    for e in &events {
        if let (Some(uid), Some(r)) = (e.uid.as_deref(), e.recurrence_id) {
            replaced.entry(uid).or_default().push(r);
        }
    }
    // A bound on the work, whatever the file: past it, the events left are
    // counted as not read (the form says so) rather than waited for.
    let started = std::time::Instant::now();
    for e in &events {
        if started.elapsed() > MAX_EXPANDING {
            busy.skipped += 1;
            continue;
        }
        let skip = if e.recurrence_id.is_some() {
            &[][..]
        } else {
            e.uid
                .as_deref()
                .and_then(|u| replaced.get(u))
                .map_or(&[][..], Vec::as_slice)
        };
        match e.occurrences(from, to, skip) {
            Some(list) if e.busy => busy
                .intervals
                .extend(list.into_iter().filter(|i| i.overlaps(from, to))),
            Some(_) => {}
            None => busy.skipped += 1,
        }
    }
    busy.intervals.sort();
    Ok(busy)
}

fn cal_props<'a>(c: &'a Component<'a>) -> &'a [Property<'a>] {
    &c.properties
}

fn is(name: &str, want: &str) -> bool {
    name.eq_ignore_ascii_case(want)
}

fn prop<'a>(props: &'a [Property<'a>], name: &str) -> Option<&'a Property<'a>> {
    props.iter().find(|p| is(p.name.as_str(), name))
}

fn param<'a>(p: &'a Property<'a>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| is(x.key.as_str(), key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// A time as a calendar writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    At(DateTime<Utc>),
}

impl When {
    fn utc(self, zone: Tz) -> DateTime<Utc> {
        match self {
            When::At(t) => t,
            When::Date(d) => local(zone, d.and_time(chrono::NaiveTime::MIN)),
        }
    }
}

/// A local time in `zone` as an instant: the earlier of two (a clock set
/// back), an hour later when it does not exist (a clock set forward).
fn local(zone: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    zone.from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(t + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&t))
}

/// A zone by the name a calendar gives it.
pub fn zone_named(name: &str) -> Option<Tz> {
    let n = name.trim().trim_matches('"').trim();
    if n.is_empty() {
        return None;
    }
    if let Ok(z) = Tz::from_str_insensitive(n) {
        return Some(z);
    }
    // "/mozilla.org/20050126_1/America/New_York", "/citadel.org/.../Europe/Paris"
    let parts: Vec<&str> = n.split('/').filter(|p| !p.is_empty()).collect();
    for take in [3, 2] {
        if parts.len() >= take {
            if let Ok(z) = Tz::from_str_insensitive(&parts[parts.len() - take..].join("/")) {
                return Some(z);
            }
        }
    }
    WINDOWS_ZONES
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(n))
        .and_then(|(_, iana)| iana.parse().ok())
}

/// The Windows zone names Outlook and Exchange write most, with their IANA
/// zone (CLDR's windowsZones, territory 001).
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central Standard Time", "America/Chicago"),
    ("Canada Central Standard Time", "America/Regina"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Eastern Standard Time", "America/New_York"),
    ("US Eastern Standard Time", "America/Indianapolis"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("UTC", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Calcutta"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
];

/// One VEVENT, read.
#[derive(Debug)]
struct Event {
    uid: Option<String>,
    start: When,
    /// The zone of its times (TZID, else floating).
    zone: Tz,
    length: Length,
    rrule: Option<String>,
    rdates: Vec<When>,
    exdates: Vec<When>,
    recurrence_id: Option<When>,
    /// Busy: not transparent, not cancelled, and some length.
    busy: bool,
    unknown_zone: bool,
}

#[derive(Debug, Clone, Copy)]
enum Length {
    Days(i64),
    Time(Duration),
}

impl Event {
    fn read(c: &Component<'_>, floating: Tz) -> Option<Event> {
        let props = &c.properties[..];
        let dtstart = prop(props, "DTSTART")?;
        let mut unknown_zone = false;
        let mut zone_of = |p: &Property<'_>| match param(p, "TZID") {
            Some(name) => zone_named(name).unwrap_or_else(|| {
                unknown_zone = true;
                floating
            }),
            None => floating,
        };
        let zone = zone_of(dtstart);
        let start = when(dtstart.val.as_str(), zone)?;
        let end = match prop(props, "DTEND") {
            Some(p) => {
                let z = zone_of(p);
                Some(when(p.val.as_str(), z)?)
            }
            None => None,
        };
        let length = match (start, end, prop(props, "DURATION")) {
            (When::Date(a), Some(When::Date(b)), _) => Length::Days((b - a).num_days()),
            (When::Date(a), Some(When::At(b)), _) => {
                Length::Time(b - a.and_hms_opt(0, 0, 0).map(|t| local(zone, t))?)
            }
            (When::At(a), Some(b), _) => Length::Time(b.utc(zone) - a),
            (When::Date(_), None, Some(d)) => {
                let d = duration(d.val.as_str())?;
                if d.num_seconds() % 86_400 == 0 {
                    Length::Days(d.num_days())
                } else {
                    Length::Time(d)
                }
            }
            (When::At(_), None, Some(d)) => Length::Time(duration(d.val.as_str())?),
            (When::Date(_), None, None) => Length::Days(1),
            (When::At(_), None, None) => Length::Time(Duration::zero()),
        };
        let too_long = match length {
            Length::Days(d) => d > LONGEST_DAYS,
            Length::Time(t) => t > Duration::days(LONGEST_DAYS),
        };
        if too_long {
            return None;
        }
        let mut list = |name: &str| -> Option<Vec<When>> {
            let mut out = Vec::new();
            for p in props.iter().filter(|p| is(p.name.as_str(), name)) {
                let z = zone_of(p);
                for v in p.val.as_str().split(',') {
                    // A PERIOD (start/end or start/duration): its start.
                    let v = v.split('/').next().unwrap_or(v);
                    out.push(when(v, z)?);
                }
            }
            Some(out)
        };
        let rdates = list("RDATE")?;
        let exdates = list("EXDATE")?;
        let recurrence_id = match prop(props, "RECURRENCE-ID") {
            Some(p) => {
                let z = zone_of(p);
                Some(when(p.val.as_str(), z)?)
            }
            None => None,
        };
        let transparent =
            prop(props, "TRANSP").is_some_and(|p| is(p.val.as_str().trim(), "TRANSPARENT"));
        let cancelled =
            prop(props, "STATUS").is_some_and(|p| is(p.val.as_str().trim(), "CANCELLED"));
        let some_length = match length {
            Length::Days(d) => d > 0,
            Length::Time(t) => t > Duration::zero(),
        };
        Some(Event {
            uid: prop(props, "UID").map(|p| p.val.as_str().trim().to_string()),
            start,
            zone,
            length,
            rrule: prop(props, "RRULE").map(|p| p.val.as_str().trim().to_string()),
            rdates,
            exdates,
            recurrence_id,
            busy: !transparent && !cancelled && some_length,
            unknown_zone,
        })
    }

    /// The busy intervals of its occurrences that may overlap `[from, to)`,
    /// without those in `replaced`; None when its rule cannot be expanded.
    fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        replaced: &[When],
    ) -> Option<Vec<Interval>> {
        let mut starts = vec![self.start];
        if let Some(rule) = &self.rrule {
            starts = self.expand(rule, from, to)?;
        }
        starts.extend(self.rdates.iter().copied());
        let gone: HashSet<DateTime<Utc>> = self
            .exdates
            .iter()
            .chain(replaced)
            .map(|w| w.utc(self.zone))
            .collect();
        let gone_days: HashSet<NaiveDate> = self
            .exdates
            .iter()
            .chain(replaced)
            .filter_map(|w| match w {
                When::Date(d) => Some(*d),
                When::At(_) => None,
            })
            .collect();
        let mut out = Vec::new();
        for s in starts {
            let day = match s {
                When::Date(d) => d,
                When::At(t) => t.with_timezone(&self.zone).date_naive(),
            };
            if gone.contains(&s.utc(self.zone))
                || (matches!(s, When::Date(_)) && gone_days.contains(&day))
            {
                continue;
            }
            let interval = match (s, self.length) {
                (When::Date(d), Length::Days(n)) => Interval {
                    start: s.utc(self.zone),
                    end: When::Date(d + Duration::days(n)).utc(self.zone),
                },
                (_, Length::Time(len)) => {
                    let start = s.utc(self.zone);
                    Interval {
                        start,
                        end: start + len,
                    }
                }
                (When::At(t), Length::Days(n)) => Interval {
                    start: t,
                    end: t + Duration::days(n),
                },
            };
            out.push(interval);
        }
        out.dedup();
        Some(out)
    }

    /// The starts of a repeating event that may overlap `[from, to)`.
    fn expand(&self, rule: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Vec<When>> {
        // UNTIL is applied here: the `rrule` crate wants it in UTC when
        // the start has a zone, and calendars write it every way.
        let mut until = None;
        let mut kept = Vec::new();
        let mut period_days = None;
        let mut interval: i64 = 1;
        let mut counted = false;
        for part in rule.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("INTERVAL") => {
                    interval = v
                        .trim()
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_INTERVAL).contains(n))?;
                    kept.push(part);
                }
                Some((k, _)) if k.eq_ignore_ascii_case("COUNT") => {
                    counted = true;
                    kept.push(part);
                }
                Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") => {
                    until = Some(match when(v, self.zone)? {
                        // A date: that whole day.
                        When::Date(d) => When::Date(d + Duration::days(1)).utc(self.zone),
                        When::At(t) => t,
                    });
                }
                Some((k, v)) if k.eq_ignore_ascii_case("FREQ") => {
                    // Finer than hourly is no calendar's meeting, and would
                    // be counted through the years one by one.
                    if v.eq_ignore_ascii_case("SECONDLY") || v.eq_ignore_ascii_case("MINUTELY") {
                        return None;
                    }
                    if v.eq_ignore_ascii_case("HOURLY") || v.eq_ignore_ascii_case("DAILY") {
                        period_days = Some(1);
                    } else if v.eq_ignore_ascii_case("WEEKLY") {
                        period_days = Some(7);
                    }
                    kept.push(part);
                }
                _ => kept.push(part),
            }
        }
        let rrule_zone = rrule::Tz::Tz(self.zone);
        let start_utc = self.start.utc(self.zone);
        let longest = match self.length {
            Length::Days(n) => Duration::days(n.max(1)),
            Length::Time(t) => t,
        };
        // A rule without a COUNT repeats the same from any of its periods:
        // a stand-up since 1990 starts near the window, in whole periods of
        // the local calendar, rather than being counted through the years.
        let mut first = start_utc;
        if let (Some(days), false) = (period_days, counted) {
            let step = days * interval;
            let local_start = start_utc.with_timezone(&self.zone).naive_local();
            let near = (from - longest - Duration::days(step + 2))
                .with_timezone(&self.zone)
                .naive_local();
            let periods = (near - local_start).num_days() / step;
            if periods > 1 {
                first = local(
                    self.zone,
                    local_start + Duration::days((periods - 1) * step),
                );
            }
        }
        let dtstart = first.with_timezone(&rrule_zone);
        let set = kept
            .join(";")
            .parse::<rrule::RRule<rrule::Unvalidated>>()
            .ok()?
            .build(dtstart)
            .ok()?;
        let mut before = to;
        if let Some(u) = until {
            before = before.min(u);
        }
        if before < start_utc {
            return Some(Vec::new());
        }
        let after = (from - longest - Duration::days(1)).max(start_utc);
        // Worked out one by one with a bound on the steps, those before the
        // window passed over.
        let mut dates = Vec::new();
        let mut steps = 0;
        for t in &set {
            if t.with_timezone(&Utc) > before || dates.len() >= MAX_OCCURRENCES {
                break;
            }
            steps += 1;
            if steps > MAX_STEPS {
                return None;
            }
            if t.with_timezone(&Utc) >= after {
                dates.push(t);
            }
        }
        Some(
            dates
                .into_iter()
                .map(|t| match self.start {
                    When::Date(_) => When::Date(t.date_naive()),
                    When::At(_) => When::At(t.with_timezone(&Utc)),
                })
                .filter(|w| until.is_none_or(|u| w.utc(self.zone) <= u))
                .collect(),
        )
    }
}

/// A DATE or DATE-TIME value: `20260414`, `20260414T090000Z`, or a local
/// `20260414T090000` in `zone`.
fn when(value: &str, zone: Tz) -> Option<When> {
    let v = value.trim();
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(When::Date);
    }
    let (v, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(v) => (v, true),
        None => (v, false),
    };
    let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M"))
        .ok()?;
    Some(When::At(if utc {
        Utc.from_utc_datetime(&t)
    } else {
        local(zone, t)
    }))
}

/// An RFC 5545 DURATION: `PT1H30M`, `P1D`, `P1W`, `P1DT2H`, `+PT15M`.
fn duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    let (sign, v) = match v.strip_prefix('-') {
        Some(v) => (-1, v),
        None => (1, v.strip_prefix('+').unwrap_or(v)),
    };
    let v = v.strip_prefix(['P', 'p'])?;
    let mut total = Duration::zero();
    let mut n: i64 = 0;
    let mut digits = false;
    let mut in_time = false;
    let mut units = 0;
    for ch in v.chars() {
        match ch.to_ascii_uppercase() {
            d @ '0'..='9' => {
                n = n.checked_mul(10)?.checked_add(i64::from(d as u8 - b'0'))?;
                if n > 1_000_000 {
                    return None;
                }
                digits = true;
            }
            'T' => in_time = true,
            unit => {
                if !digits {
                    return None;
                }
                let part = match (unit, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
                // No meeting lasts longer (and no sum of units overflows).
                total = total.checked_add(&part)?;
                if total > Duration::days(LONGEST_DAYS) {
                    return None;
                }
                n = 0;
                digits = false;
                units += 1;
            }
        }
    }
    if digits || units == 0 {
        return None;
    }
    Some(total * sign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_rfc_5545_writes_them() {
        assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(duration("P1D"), Some(Duration::days(1)));
        assert_eq!(duration("P2W"), Some(Duration::days(14)));
        assert_eq!(duration("P1DT2H"), Some(Duration::hours(26)));
        assert_eq!(duration("-PT15M"), Some(Duration::minutes(-15)));
        for bad in ["", "P", "1H", "PT", "PTH", "PT5", "P1H", "PT99999999999H"] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn zones_by_the_names_calendars_give_them() {
        assert_eq!(zone_named("Europe/Paris"), Some(chrono_tz::Europe::Paris));
        assert_eq!(
            zone_named("\"america/chicago\""),
            Some(chrono_tz::America::Chicago)
        );
        assert_eq!(
            zone_named("/mozilla.org/20050126_1/America/New_York"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(
            zone_named("/citadel.org/20190914_1/America/Argentina/Buenos_Aires"),
            Some(chrono_tz::America::Argentina::Buenos_Aires)
        );
        assert_eq!(
            zone_named("W. Europe Standard Time"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(zone_named("Mars/Olympus"), None);
        assert_eq!(zone_named(""), None);
    }
}

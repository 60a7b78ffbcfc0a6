//! The rep's calendar read, and the free slots cut from it.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use chrono_tz::{America, Asia, Europe};

use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn cal(events: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{}END:VCALENDAR\r\n",
        events.replace('\n', "\r\n")
    )
}

/// The busy intervals of `events` over four weeks from `from`.
fn busy(events: &str, zone: Tz, from: DateTime<Utc>) -> Busy {
    ics::busy_between(&cal(events), zone, from, from + Duration::days(28)).unwrap()
}

/// Local start times ("%a %H:%M") of the slots of each day, in `zone`.
fn shown(days: &[FreeDay], zone: Tz) -> Vec<(String, Vec<String>)> {
    days.iter()
        .map(|d| {
            (
                d.date.format("%a %d").to_string(),
                d.slots
                    .iter()
                    .map(|s| s.starts_at.with_timezone(&zone).format("%H:%M").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn all_slots(days: &[FreeDay]) -> Vec<FreeSlot> {
    days.iter().flat_map(|d| d.slots.clone()).collect()
}

fn every_slot(zone: Tz, prospect: Option<Tz>, minutes: u32) -> SlotRules {
    SlotRules {
        per_day: 100,
        ..SlotRules::new(zone, prospect, minutes)
    }
}

// Monday 13 April 2026, 08:00 in Paris (CEST, UTC+2).
fn monday_morning() -> DateTime<Utc> {
    utc(2026, 4, 13, 6, 0)
}

#[test]
fn an_empty_calendar_leaves_the_working_hours() {
    let now = monday_morning();
    let read = busy("", Europe::Paris, now);
    assert_eq!(read, Busy::default());
    let rules = every_slot(Europe::Paris, None, 30);
    let days = free_slots(now, &rules, &read.intervals);
    let view = shown(&days, Europe::Paris);
    // Five working days, Monday to Friday; today from an hour from now.
    assert_eq!(
        view.iter().map(|d| d.0.as_str()).collect::<Vec<_>>(),
        ["Mon 13", "Tue 14", "Wed 15", "Thu 16", "Fri 17"]
    );
    assert_eq!(view[0].1.first().map(String::as_str), Some("09:00"));
    assert_eq!(view[1].1.len(), 16, "09:00 to 16:30 every half hour");
    assert_eq!(view[1].1.last().map(String::as_str), Some("16:30"));
    // At 08:40 the first slot is 10:00 (an hour ahead, on the half hour).
    let later = free_slots(now + Duration::minutes(40), &rules, &[]);
    assert_eq!(
        shown_first(&later, Europe::Paris),
        Some("10:00".to_string())
    );
    // At 16:31 today is over: Tuesday to the next Monday.
    let evening = free_slots(utc(2026, 4, 13, 14, 31), &rules, &[]);
    let days: Vec<_> = shown(&evening, Europe::Paris)
        .into_iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(days, ["Tue 14", "Wed 15", "Thu 16", "Fri 17", "Mon 20"]);
    // Eight a day by default, spread over the day from its first slot to
    // its last.
    let spread = free_slots(now, &SlotRules::new(Europe::Paris, None, 30), &[]);
    let tuesday = &shown(&spread, Europe::Paris)[1].1;
    assert_eq!(tuesday.len(), 8);
    assert_eq!(tuesday.first().map(String::as_str), Some("09:00"));
    assert_eq!(tuesday.last().map(String::as_str), Some("16:30"));
}

fn shown_first(days: &[FreeDay], zone: Tz) -> Option<String> {
    all_slots(days)
        .first()
        .map(|s| s.starts_at.with_timezone(&zone).format("%H:%M").to_string())
}

#[test]
fn a_busy_event_in_its_own_zone_is_not_offered() {
    let now = monday_morning();
    // Tuesday 10:00-11:00 in New York is 16:00-17:00 in Paris; Wednesday
    // 09:15-10:15 UTC is 11:15-12:15 in Paris; a floating Thursday 09:00.
    let read = busy(
        "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=America/New_York:20260414T100000\nDTEND;TZID=America/New_York:20260414T110000\nSUMMARY:Pipeline review\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:b\nDTSTART:20260415T091500Z\nDURATION:PT1H\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:c\nDTSTART:20260416T090000\nDTEND:20260416T093000\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!(read.intervals.len(), 3);
    assert_eq!(read.intervals[0].start, utc(2026, 4, 14, 14, 0));
    assert_eq!(read.intervals[1].end, utc(2026, 4, 15, 10, 15));
    assert_eq!(read.intervals[2].start, utc(2026, 4, 16, 7, 0));
    let days = free_slots(now, &every_slot(Europe::Paris, None, 30), &read.intervals);
    let view = shown(&days, Europe::Paris);
    assert!(!view[1].1.contains(&"16:00".into()) && !view[1].1.contains(&"16:30".into()));
    assert!(view[1].1.contains(&"15:30".into()));
    for gone in ["11:00", "11:30", "12:00"] {
        assert!(!view[2].1.contains(&gone.into()), "{gone}");
    }
    assert!(view[2].1.contains(&"10:30".into()) && view[2].1.contains(&"12:30".into()));
    assert!(!view[3].1.contains(&"09:00".into()) && view[3].1.contains(&"09:30".into()));
    // A longer meeting needs the whole hour free: 10:00 would run into
    // 11:15 on Wednesday.
    let hour = free_slots(now, &every_slot(Europe::Paris, None, 90), &read.intervals);
    let wed = &shown(&hour, Europe::Paris)[2].1;
    assert!(!wed.contains(&"10:00".into()) && wed.contains(&"09:30".into()));
    assert!(wed.contains(&"12:30".into()) && !wed.contains(&"16:00".into()));
}

#[test]
fn an_all_day_event_fills_the_day() {
    let now = monday_morning();
    // Wednesday (one day, no end given) and Thursday-Friday (DTEND excluded).
    let read = busy(
        "BEGIN:VEVENT\nUID:off\nDTSTART;VALUE=DATE:20260415\nSUMMARY:Trade show\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:trip\nDTSTART;VALUE=DATE:20260416\nDTEND;VALUE=DATE:20260418\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!(
        read.intervals[0],
        Interval {
            start: utc(2026, 4, 14, 22, 0),
            end: utc(2026, 4, 15, 22, 0)
        },
        "midnight to midnight in the rep's zone"
    );
    let days = free_slots(now, &every_slot(Europe::Paris, None, 30), &read.intervals);
    let counts: Vec<_> = shown(&days, Europe::Paris)
        .into_iter()
        .map(|(d, s)| (d, s.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("Mon 13".to_string(), 16),
            ("Tue 14".to_string(), 16),
            ("Wed 15".to_string(), 0),
            ("Thu 16".to_string(), 0),
            ("Fri 17".to_string(), 0)
        ]
    );
}

#[test]
fn cancelled_and_transparent_events_are_not_busy() {
    let now = monday_morning();
    let read = busy(
        "BEGIN:VEVENT\nUID:x\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nSTATUS:CANCELLED\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:y\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nTRANSP:TRANSPARENT\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:h\nDTSTART;VALUE=DATE:20260415\nTRANSP:TRANSPARENT\nSUMMARY:A holiday elsewhere\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:z\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nSTATUS:CONFIRMED\nTRANSP:OPAQUE\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!(read.events, 4);
    assert_eq!(read.skipped, 0);
    assert_eq!(
        read.intervals,
        [Interval {
            start: utc(2026, 4, 14, 8, 0),
            end: utc(2026, 4, 14, 9, 0)
        }],
        "only the confirmed one"
    );
}

#[test]
fn a_weekly_meeting_repeats_less_its_exceptions() {
    // Since January, Tuesdays 10:00-10:30 in Paris (across the change to
    // summer time): the week of 14 April skipped (EXDATE), the week of 21
    // April moved to 15:00 (RECURRENCE-ID), the week of 28 April
    // cancelled (an override with STATUS:CANCELLED), until 5 May included.
    let now = monday_morning();
    let read = busy(
        "BEGIN:VEVENT\nUID:weekly@x\nDTSTART;TZID=Europe/Paris:20260106T100000\nDTEND;TZID=Europe/Paris:20260106T103000\n\
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260505T080000Z\nEXDATE;TZID=Europe/Paris:20260414T100000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:weekly@x\nRECURRENCE-ID;TZID=Europe/Paris:20260421T100000\nDTSTART;TZID=Europe/Paris:20260421T150000\nDTEND;TZID=Europe/Paris:20260421T153000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:weekly@x\nRECURRENCE-ID:20260428T080000Z\nDTSTART;TZID=Europe/Paris:20260428T100000\nDTEND;TZID=Europe/Paris:20260428T103000\nSTATUS:CANCELLED\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!((read.events, read.skipped), (3, 0));
    let starts: Vec<_> = read.intervals.iter().map(|i| i.start).collect();
    assert_eq!(
        starts,
        [utc(2026, 4, 21, 13, 0), utc(2026, 5, 5, 8, 0)],
        "14 April skipped, 21 April at 15:00, 28 April cancelled, 5 May the last"
    );
    // A daily stand-up with a COUNT, and one whose UNTIL is a date.
    let read = busy(
        "BEGIN:VEVENT\nUID:s\nDTSTART;TZID=Europe/Paris:20260413T093000\nDURATION:PT15M\nRRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=3\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:t\nDTSTART;VALUE=DATE:20260401\nRRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20260416\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    let starts: Vec<_> = read.intervals.iter().map(|i| i.start).collect();
    assert_eq!(
        starts,
        [
            utc(2026, 4, 13, 7, 30),
            utc(2026, 4, 14, 7, 30),
            utc(2026, 4, 15, 7, 30),
            utc(2026, 4, 15, 22, 0),
        ]
    );
    let days = free_slots(now, &every_slot(Europe::Paris, None, 30), &read.intervals);
    let view = shown(&days, Europe::Paris);
    assert!(!view[1].1.contains(&"09:30".into()) && view[1].1.contains(&"09:00".into()));
    assert!(view[3].1.is_empty(), "Thursday 16 April, all day");
}

#[test]
fn what_cannot_be_read_is_counted_not_a_panic() {
    let now = monday_morning();
    let read = busy(
        "BEGIN:VEVENT\nUID:nostart\nSUMMARY:x\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:bad\nDTSTART:tomorrow\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:rule\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nRRULE:FREQ=FORTNIGHTLY\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:fine\nDTSTART;TZID=Mars/Olympus:20260414T080000\nDTEND;TZID=Mars/Olympus:20260414T090000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:tiny\nDTSTART:20200101T000000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!((read.events, read.skipped, read.unknown_zones), (5, 4, 1));
    assert_eq!(
        read.intervals[0].start,
        utc(2026, 4, 14, 6, 0),
        "in the rep's zone"
    );
    for text in [
        "",
        "hello",
        "BEGIN:VCARD\r\nEND:VCARD\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\n\u{0}\u{1}END:VCALENDAR",
    ] {
        let e = ics::busy_between(text, Europe::Paris, now, now + Duration::days(7));
        if let Err(ics::NotCalendar(why)) = &e {
            assert!(!why.contains('\n') && !why.is_empty(), "{why:?}");
        } else {
            assert_eq!(e.unwrap().intervals, [], "{text:?}");
        }
    }
}

/// Hostile lines: a repeat interval or a length no calendar means, a sum
/// of units past any date, a rule counted through millions of occurrences
/// from long ago. Each event is left out (counted), never a panic or a wait.
#[test]
fn absurd_rules_and_lengths_are_left_out_quickly() {
    let now = monday_morning();
    let started = std::time::Instant::now();
    let read = busy(
        "BEGIN:VEVENT\nUID:interval\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nRRULE:FREQ=DAILY;INTERVAL=1000000000000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:interval2\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nRRULE:FREQ=WEEKLY;INTERVAL=100000000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:long\nDTSTART:20260414T080000Z\nDURATION:P999999WP999999W\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:units\nDTSTART:20260414T080000Z\nDURATION:P999999W999999W999999W999999W999999W999999W999999W999999W999999W999999W999999W999999W999999W999999W\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:years\nDTSTART:19000101T080000Z\nDTEND:99991231T090000Z\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:counted\nDTSTART:19000101T000000Z\nDURATION:PT1M\nRRULE:FREQ=HOURLY;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55;COUNT=4000000000\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:fine\nDTSTART:20260414T080000Z\nDTEND:20260414T090000Z\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!((read.events, read.skipped), (7, 6), "{read:?}");
    assert_eq!(read.intervals.len(), 1, "the one sensible event");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "bounded work (measured, not a benchmark): {:?}",
        started.elapsed()
    );
}

#[test]
fn a_file_that_is_not_there_or_not_a_calendar_says_so_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let now = monday_morning();
    let to = now + Duration::days(7);
    let missing = dir.path().join("work.ics");
    let e = read(&missing.display().to_string(), Europe::Paris, now, to).unwrap_err();
    assert_eq!(e.kind(), "missing");
    assert!(e.to_string().contains("work.ics is not there"), "{e}");
    std::fs::write(&missing, "name,phone\nAda,1\n").unwrap();
    let e = read(&missing.display().to_string(), Europe::Paris, now, to).unwrap_err();
    assert_eq!(e.kind(), "not_calendar");
    assert!(!e.to_string().contains('\n'));
    let e = read(&dir.path().display().to_string(), Europe::Paris, now, to).unwrap_err();
    assert_eq!(e.kind(), "not_a_file");
    let e = read("https://calendar.example/x.ics", Europe::Paris, now, to).unwrap_err();
    assert_eq!(e.kind(), "web_address");
    // A file: URL is a path.
    std::fs::write(
        &missing,
        cal("BEGIN:VEVENT\nUID:a\nDTSTART:20260414T080000Z\nDURATION:PT1H\nEND:VEVENT\n"),
    )
    .unwrap();
    let url = format!(
        "file://{}",
        missing.display().to_string().replace(' ', "%20")
    );
    assert_eq!(
        read(&url, Europe::Paris, now, to).unwrap().intervals.len(),
        1
    );
    // The profile's field: kept as a full path, refused when not a file.
    assert_eq!(setting(Some("  ")).unwrap(), None);
    assert_eq!(
        setting(Some(&url)).unwrap(),
        Some(missing.display().to_string())
    );
    for bad in [
        "webcal://x.example/c.ics",
        "relative/work.ics",
        "/no/such/file.ics",
    ] {
        let e = setting(Some(bad)).unwrap_err().to_string();
        assert!(e.starts_with("calendar: "), "{e}");
    }
    // A path of 100,000 characters, or with a terminal's escape in it: one
    // short line, the escape written out.
    let long = format!("/{}.ics", "a".repeat(100_000));
    let escape = "/tmp/\u{1b}[31mwork.ics";
    for bad in [long.as_str(), escape] {
        for e in [
            setting(Some(bad)).unwrap_err().to_string(),
            read(bad, Europe::Paris, now, to).unwrap_err().to_string(),
        ] {
            assert!(e.chars().count() < 300, "{} characters", e.chars().count());
            assert!(!e.chars().any(char::is_control), "{e:?}");
        }
    }
}

#[test]
fn a_change_of_summer_time_keeps_the_local_hours() {
    // Paris moves to summer time on Sunday 29 March 2026; New York did on
    // 8 March. Friday 27 March 09:00 in Paris is 08:00 UTC, Monday 30
    // March 09:00 is 07:00 UTC; in New York 04:00 then 03:00 (a five-hour
    // gap before, six after).
    let now = utc(2026, 3, 26, 6, 0);
    let rules = every_slot(Europe::Paris, Some(America::New_York), 30);
    let days = free_slots(
        now,
        &SlotRules {
            work_start_minute: 14 * 60,
            work_end_minute: 18 * 60,
            ..rules
        },
        &[],
    );
    let fri = days
        .iter()
        .find(|d| d.date == NaiveDate::from_ymd_opt(2026, 3, 27).unwrap())
        .unwrap();
    let mon = days
        .iter()
        .find(|d| d.date == NaiveDate::from_ymd_opt(2026, 3, 30).unwrap())
        .unwrap();
    // Friday: 14:00 Paris is 09:00 New York; from 13:00 UTC.
    assert_eq!(fri.slots[0].starts_at, utc(2026, 3, 27, 13, 0));
    // Monday: 14:00 Paris is 08:00 New York, 12:00 UTC.
    assert_eq!(mon.slots[0].starts_at, utc(2026, 3, 30, 12, 0));
    assert!(fri
        .slots
        .iter()
        .chain(&mon.slots)
        .all(|s| s.inside_their_hours));
    // A calendar's weekly 14:00 Paris meeting follows the clock, too.
    let read = busy(
        "BEGIN:VEVENT\nUID:w\nDTSTART;TZID=Europe/Paris:20260302T140000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    assert_eq!(read.intervals[0].start, utc(2026, 3, 30, 12, 0));
    // The night the clock goes forward: a 02:00-03:00 working day has no
    // 02:00 or 02:30 that Sunday.
    let night = SlotRules {
        work_start_minute: 2 * 60,
        work_end_minute: 4 * 60,
        work_days: vec![6],
        days: 1,
        ..every_slot(Europe::Paris, None, 30)
    };
    let sunday = free_slots(utc(2026, 3, 28, 12, 0), &night, &[]);
    assert_eq!(shown(&sunday, Europe::Paris)[0].1, ["03:00", "03:30"]);
}

#[test]
fn a_prospect_far_away_gets_the_hours_both_share_or_is_told() {
    let now = monday_morning();
    // Berlin 09:00-17:00 and Chicago 08:00-17:00 share 15:00-17:00 Berlin.
    let days = free_slots(
        now,
        &every_slot(Europe::Berlin, Some(America::Chicago), 30),
        &[],
    );
    assert_eq!(
        shown(&days, Europe::Berlin)[1].1,
        ["15:00", "15:30", "16:00", "16:30"]
    );
    // Los Angeles and Kolkata (12.5 hours apart) share none: the rep's
    // hours, marked outside theirs.
    let days = free_slots(
        now,
        &every_slot(America::Los_Angeles, Some(Asia::Kolkata), 30),
        &[],
    );
    let slots = all_slots(&days);
    assert!(!slots.is_empty() && slots.iter().all(|s| !s.inside_their_hours));
    // Their weekend is not their hours: Friday in Los Angeles at 17:00 is
    // Saturday in Tokyo.
    let friday_evening = every_slot(America::Los_Angeles, Some(Asia::Tokyo), 60);
    let late = SlotRules {
        work_start_minute: 16 * 60,
        work_end_minute: 20 * 60,
        ..friday_evening
    };
    let days = free_slots(now, &late, &[]);
    let thu = &days[3];
    assert!(
        thu.slots.iter().all(|s| s.inside_their_hours),
        "Friday morning in Tokyo"
    );
    let fri = &days[4];
    assert!(
        fri.slots.iter().all(|s| !s.inside_their_hours),
        "Saturday in Tokyo"
    );
}

#[test]
fn booked_meetings_and_the_calendar_are_both_left_out() {
    use crate::api::meeting;
    let (dir, mut store) = crate::api::demo_on_disk();
    let now = monday_morning();
    let (prospect, rep): (String, String) = store
        .conn()
        .query_row(
            "SELECT p.id, (SELECT id FROM reps ORDER BY name LIMIT 1) FROM prospects p WHERE p.time_zone = 'America/Chicago' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    store
        .write(|tx| {
            crate::reps::update_rep(tx, &rep, "Alex", None, Some("America/New_York"))?;
            crate::reps::set_current_rep(tx, &rep)
        })
        .unwrap();
    // No calendar: the working hours, less a meeting booked Tuesday 10:00
    // New York.
    let call: String = store
        .conn()
        .query_row(
            "SELECT id FROM calls WHERE rep_id = ?1 LIMIT 1",
            [&rep],
            |r| r.get(0),
        )
        .unwrap();
    store
        .write(|tx| {
            tx.execute("DELETE FROM meetings WHERE call_id = ?1", [&call])?;
            tx.execute(
                "INSERT INTO meetings (id, call_id, prospect_id, rep_id, starts_at, duration_minutes, email, created_at)
                 VALUES ('m1', ?1, ?2, ?3, '2026-04-14T14:00:00.000Z', 45, 'a@b.example', '2026-04-01T00:00:00.000Z')",
                rusqlite::params![call, prospect, rep],
            )?;
            Ok::<_, crate::error::Error>(())
        })
        .unwrap();
    let slots =
        meeting::meeting_slots(store.conn(), &prospect, 30, Some("Europe/Paris"), now).unwrap();
    assert_eq!(slots.source, "Your working hours: no calendar set");
    assert_eq!(
        (slots.rep_zone.as_str(), slots.prospect_zone.as_deref()),
        ("America/New_York", Some("America/Chicago"))
    );
    let tue = &slots.days[1];
    assert_eq!(tue.label, "Tue 14 Apr");
    let times: Vec<_> = tue.slots.iter().map(|s| s.rep_time.as_str()).collect();
    assert!(
        !times.contains(&"10:00 EDT") && !times.contains(&"10:30 EDT"),
        "{times:?}"
    );
    assert!(
        times.contains(&"09:00 EDT") && times.contains(&"11:00 EDT"),
        "{times:?}"
    );
    let nine = &tue.slots[0];
    assert_eq!(nine.prospect_time.as_deref(), Some("08:00 CDT"));
    // A calendar: its events too; the profile keeps it.
    let file = dir.path().join("work.ics");
    std::fs::write(&file, cal("BEGIN:VEVENT\nUID:a\nDTSTART;TZID=America/New_York:20260414T090000\nDTEND;TZID=America/New_York:20260414T093000\nEND:VEVENT\n")).unwrap();
    crate::api::settings::save_profile(
        &mut store,
        &crate::api::settings::Profile {
            name: "Alex".into(),
            email: None,
            time_zone: Some("America/New_York".into()),
            calling_days: vec![0, 1, 2, 3, 4],
            calendar_file: Some(file.display().to_string()),
        },
    )
    .unwrap();
    let slots = meeting::meeting_slots(store.conn(), &prospect, 30, None, now).unwrap();
    assert_eq!(slots.source, "From your calendar work.ics");
    assert_eq!(slots.warning, None);
    let times: Vec<_> = slots.days[1]
        .slots
        .iter()
        .map(|s| s.rep_time.as_str())
        .collect();
    assert_eq!(times.first(), Some(&"09:30 EDT"), "{times:?}");
    // The file gone: the working hours, and why, in one line.
    std::fs::remove_file(&file).unwrap();
    let slots = meeting::meeting_slots(store.conn(), &prospect, 30, None, now).unwrap();
    assert!(
        slots.source.starts_with("Your working hours"),
        "{}",
        slots.source
    );
    let warning = slots.warning.unwrap();
    assert!(
        warning.contains("work.ics is not there") && !warning.contains('\n'),
        "{warning}"
    );
    assert_eq!(slots.days[1].slots[0].rep_time, "09:00 EDT");
    // A length out of bounds or an unknown prospect: refused.
    assert!(meeting::meeting_slots(store.conn(), &prospect, 0, None, now).is_err());
    assert_eq!(
        meeting::meeting_slots(store.conn(), "nobody", 30, None, now)
            .unwrap_err()
            .kind(),
        "not_found"
    );
}

#[test]
fn a_rule_since_long_ago_keeps_its_rhythm_near_the_window() {
    // Every other Tuesday since 2 January 1990, 10:00 in Paris; a daily
    // and an hourly one since 1900 (read near the window, not counted from
    // 1900); a daily one of five from 1900 is long over.
    let now = monday_morning();
    let read = busy(
        "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Europe/Paris:19900102T100000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;INTERVAL=2\nEND:VEVENT\n",
        Europe::Paris,
        now,
    );
    let first = NaiveDate::from_ymd_opt(1990, 1, 2).unwrap();
    assert_eq!(read.intervals.len(), 2, "two in four weeks");
    for i in &read.intervals {
        let local = i.start.with_timezone(&Europe::Paris);
        assert_eq!(local.format("%a %H:%M").to_string(), "Tue 10:00");
        assert_eq!((local.date_naive() - first).num_days() % 14, 0, "{local}");
    }
    for (rule, n) in [
        ("FREQ=DAILY", 28),
        ("FREQ=HOURLY", 28 * 24),
        ("FREQ=DAILY;COUNT=5", 0),
    ] {
        let started = std::time::Instant::now();
        let read = busy(
            &format!("BEGIN:VEVENT\nUID:d\nDTSTART;TZID=Europe/Paris:19000101T090000\nDURATION:PT30M\nRRULE:{rule}\nEND:VEVENT\n"),
            Europe::Paris,
            now,
        );
        assert_eq!(read.intervals.len(), n, "{rule}");
        eprintln!("{rule} since 1900: {:?}", started.elapsed());
    }
}

#[test]
fn the_settings_form_checks_a_new_calendar_as_the_profile_does() {
    let (dir, mut store) = crate::api::demo_on_disk();
    let s = crate::settings::load(store.conn()).unwrap();
    let bad = crate::domain::Settings {
        calendar_file: Some("https://calendar.example/me.ics".into()),
        ..s.clone()
    };
    let e = crate::api::settings::save(&mut store, &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("web address"), "{e}");
    let file = dir.path().join("me.ics");
    std::fs::write(&file, cal("")).unwrap();
    let good = crate::domain::Settings {
        calendar_file: Some(format!("file://{}", file.display())),
        ..s
    };
    let saved = crate::api::settings::save(&mut store, &good).unwrap();
    assert_eq!(saved.calendar_file, Some(file.display().to_string()));
}

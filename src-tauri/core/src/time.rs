//! Time in the store: every instant is UTC, written as RFC 3339 text with
//! milliseconds and a `Z` (`2026-11-22T09:30:00.000Z`), which sorts as text in
//! the same order as in time. Local time only exists at the edges (a prospect's
//! calling hours, a rep's schedule), computed with chrono-tz.

use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// Format an instant the way the store keeps it.
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parse an instant written by [`to_db`] (or any RFC 3339 text).
pub fn from_db(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::invalid(
                "time",
                format!("{} is not an RFC 3339 time ({e})", crate::error::quoted(s)),
            )
        })
}

/// The current instant, rounded to the millisecond the store keeps.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    Utc.timestamp_millis_opt(t.timestamp_millis())
        .single()
        .unwrap_or(t)
}

/// Parse an IANA time-zone name (`America/Chicago`).
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// Add `days` business days (Monday to Friday) to `t`, counting in the time
/// zone `tz` so that a Friday afternoon in Chicago moves to Tuesday afternoon
/// in Chicago. The time of day is kept.
pub fn add_business_days(t: DateTime<Utc>, days: u32, tz: Option<Tz>) -> DateTime<Utc> {
    let tz = tz.unwrap_or(chrono_tz::UTC);
    let local = t.with_timezone(&tz);
    let mut date: NaiveDate = local.date_naive();
    let mut left = days;
    while left > 0 {
        date = date.succ_opt().unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    let naive = date.and_time(local.time());
    match tz.from_local_datetime(&naive).earliest() {
        Some(l) => l.with_timezone(&Utc),
        // The local time does not exist (a daylight-saving gap): an hour later does.
        None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map(|l| l.with_timezone(&Utc))
            .unwrap_or(t + Duration::days(i64::from(days))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_format_round_trips_and_sorts() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + Duration::milliseconds(1500);
        assert_eq!(to_db(a), "2026-01-02T03:04:05.000Z");
        assert_eq!(from_db(&to_db(b)).unwrap(), b);
        assert!(to_db(a) < to_db(b));
        assert!(from_db("yesterday").is_err());
    }

    #[test]
    fn business_days_skip_weekends_in_local_time() {
        let chicago: Tz = "America/Chicago".parse().unwrap();
        // Friday 2026-11-20 15:00 in Chicago = 21:00 UTC.
        let fri = Utc.with_ymd_and_hms(2026, 11, 20, 21, 0, 0).unwrap();
        let next = add_business_days(fri, 2, Some(chicago));
        let local = next.with_timezone(&chicago);
        assert_eq!(local.weekday(), Weekday::Tue);
        assert_eq!(
            local.date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        assert_eq!(local.time(), fri.with_timezone(&chicago).time());
        // Wednesday + 2 = Friday.
        let wed = Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap();
        assert_eq!(add_business_days(wed, 2, None).weekday(), Weekday::Fri);
    }
}

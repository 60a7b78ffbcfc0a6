//! The method's rules about prospects and outcomes (domain.md sections 4 and
//! 5), as pure functions, so the block, the demo, the bundles and the tests
//! all follow the same rules:
//!
//! - what an outcome does to a prospect: leads are recyclable, time is not
//!   ([`apply_outcome`], [`recycle`]);
//! - what the method refuses: dialling a do-not-call or bad number again
//!   ([`check_may_call`]), an outcome without what it needs (a callback's
//!   time, a meeting's details: [`check_outcome_details`],
//!   [`check_meeting`]), a callback agreed in the past
//!   ([`check_callback_ahead`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{NewMeeting, Outcome, ProspectStatus, Settings};
use crate::error::{Error, Result};
use crate::time::add_business_days;

/// The part of a prospect that outcomes change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProspectState {
    pub status: ProspectStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub callback_at: Option<DateTime<Utc>>,
    pub do_not_call: bool,
    pub bad_number: bool,
}

impl ProspectState {
    pub fn new() -> Self {
        ProspectState {
            status: ProspectStatus::New,
            attempts: 0,
            next_attempt_at: None,
            callback_at: None,
            do_not_call: false,
            bad_number: false,
        }
    }

    /// May this prospect be offered for dialling at all (ignoring time)?
    pub fn dialable(&self) -> bool {
        !self.do_not_call
            && !self.bad_number
            && matches!(
                self.status,
                ProspectStatus::New | ProspectStatus::Attempting | ProspectStatus::Callback
            )
    }
}

impl Default for ProspectState {
    fn default() -> Self {
        Self::new()
    }
}

/// The prospect's state after a call that ended with `outcome` at `at`.
/// `callback_at` is the time agreed for a callback (required for
/// [`Outcome::Callback`]); `tz` is the prospect's time zone, for counting
/// business days in their week.
pub fn apply_outcome(
    before: &ProspectState,
    outcome: Outcome,
    at: DateTime<Utc>,
    callback_at: Option<DateTime<Utc>>,
    tz: Option<Tz>,
    settings: &Settings,
) -> ProspectState {
    let mut s = before.clone();
    s.attempts = before.attempts.saturating_add(1);
    s.next_attempt_at = None;
    s.callback_at = None;
    match outcome {
        Outcome::NoAnswer | Outcome::Voicemail | Outcome::Gatekeeper => {
            if s.attempts >= settings.max_attempts {
                s.status = ProspectStatus::Exhausted;
            } else {
                s.status = ProspectStatus::Attempting;
                s.next_attempt_at = Some(add_business_days(at, settings.retry_business_days, tz));
            }
        }
        Outcome::BadNumber => {
            s.status = ProspectStatus::BadNumber;
            s.bad_number = true;
        }
        Outcome::NotInterested => s.status = ProspectStatus::NotInterested,
        Outcome::Callback => {
            s.status = ProspectStatus::Callback;
            // A callback without a time comes back like a missed call would.
            s.callback_at = Some(
                callback_at
                    .unwrap_or_else(|| add_business_days(at, settings.retry_business_days, tz)),
            );
        }
        Outcome::Meeting => s.status = ProspectStatus::Meeting,
        Outcome::DoNotCall => {
            s.status = ProspectStatus::DoNotCall;
            s.do_not_call = true;
        }
    }
    // A flag, once set, wins over whatever a later call said.
    if s.do_not_call {
        s.status = ProspectStatus::DoNotCall;
        s.next_attempt_at = None;
        s.callback_at = None;
    } else if s.bad_number {
        s.status = ProspectStatus::BadNumber;
        s.next_attempt_at = None;
        s.callback_at = None;
    }
    s
}

/// The prospect's state after a call whose number turned out bad, with
/// `numbers_left` good numbers still on file: the prospect is out (status
/// bad number) only when none is left; otherwise the attempt counts and the
/// next number is due at once.
pub fn apply_bad_number(
    before: &ProspectState,
    numbers_left: u32,
    at: DateTime<Utc>,
    tz: Option<Tz>,
    settings: &Settings,
) -> ProspectState {
    if numbers_left == 0 {
        return apply_outcome(before, Outcome::BadNumber, at, None, tz, settings);
    }
    let mut s = apply_outcome(before, Outcome::NoAnswer, at, None, tz, settings);
    if s.status == ProspectStatus::Attempting {
        s.next_attempt_at = Some(at);
    }
    s
}

/// Put an exhausted (or not interested) prospect back into play for a new
/// list: attempts start again. Do-not-call and bad numbers stay out.
pub fn recycle(before: &ProspectState) -> Option<ProspectState> {
    if before.do_not_call || before.bad_number {
        return None;
    }
    match before.status {
        ProspectStatus::Exhausted | ProspectStatus::NotInterested => Some(ProspectState {
            status: ProspectStatus::New,
            attempts: 0,
            next_attempt_at: None,
            callback_at: None,
            do_not_call: false,
            bad_number: false,
        }),
        _ => None,
    }
}

// -- What the method refuses ----------------------------------------------------

/// Wrong numbers and do-not-call requests are never dialled again.
pub fn check_may_call(do_not_call: bool, bad_number: bool) -> Result<()> {
    if do_not_call {
        return Err(Error::Conflict(
            "this prospect asked not to be called; they are never dialled again".into(),
        ));
    }
    if bad_number {
        return Err(Error::Conflict(
            "this prospect's number is bad; it is never dialled again".into(),
        ));
    }
    Ok(())
}

/// A callback needs its time and a meeting its details.
pub fn check_outcome_details(
    outcome: Outcome,
    callback_at: Option<DateTime<Utc>>,
    meeting: Option<&NewMeeting>,
) -> Result<()> {
    if outcome == Outcome::Callback && callback_at.is_none() {
        return Err(Error::invalid(
            "callback",
            "a callback needs the time agreed",
        ));
    }
    if outcome == Outcome::Meeting {
        match meeting {
            None => {
                return Err(Error::invalid(
                    "meeting",
                    "a booked meeting needs its time and e-mail",
                ))
            }
            Some(m) => check_meeting(m)?,
        }
    }
    Ok(())
}

/// A callback agreed during a call comes back later, not before `now`.
pub fn check_callback_ahead(
    outcome: Outcome,
    callback_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    match (outcome, callback_at) {
        (Outcome::Callback, Some(at)) if at <= now => Err(Error::invalid(
            "callback time",
            "the callback must be in the future",
        )),
        _ => Ok(()),
    }
}

/// A meeting needs a plausible e-mail address, a length and a known format.
pub fn check_meeting(m: &NewMeeting) -> Result<()> {
    let email = crate::text::check(crate::text::EMAIL.named("meeting e-mail"), &m.email)?;
    if !crate::text::valid_email(&email) {
        return Err(Error::invalid(
            "meeting e-mail",
            format!("{} is not an e-mail address", crate::error::quoted(&email)),
        ));
    }
    if m.duration_minutes == 0 || m.duration_minutes > 480 {
        return Err(Error::invalid(
            "meeting length",
            "must be between 1 and 480 minutes",
        ));
    }
    if !matches!(m.format.as_str(), "phone" | "web" | "in_person") {
        return Err(Error::invalid(
            "meeting format",
            "must be phone, web or in_person",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Weekday};

    fn at() -> DateTime<Utc> {
        // Thursday 2026-11-19 15:00 UTC.
        Utc.with_ymd_and_hms(2026, 11, 19, 15, 0, 0).unwrap()
    }

    #[test]
    fn no_answer_comes_back_after_two_business_days_until_six_attempts() {
        let settings = Settings::default();
        let mut s = ProspectState::new();
        for attempt in 1..=5 {
            s = apply_outcome(&s, Outcome::NoAnswer, at(), None, None, &settings);
            assert_eq!(s.status, ProspectStatus::Attempting);
            assert_eq!(s.attempts, attempt);
            // Thursday + 2 business days = Monday.
            assert_eq!(s.next_attempt_at.unwrap().weekday(), Weekday::Mon);
            assert!(s.dialable());
        }
        s = apply_outcome(&s, Outcome::Voicemail, at(), None, None, &settings);
        assert_eq!(s.status, ProspectStatus::Exhausted);
        assert_eq!(s.attempts, 6);
        assert_eq!(s.next_attempt_at, None);
        assert!(!s.dialable());
        let r = recycle(&s).unwrap();
        assert_eq!((r.status, r.attempts), (ProspectStatus::New, 0));
    }

    #[test]
    fn bad_numbers_and_do_not_call_are_never_dialled_again() {
        let settings = Settings::default();
        for o in [Outcome::BadNumber, Outcome::DoNotCall] {
            let s = apply_outcome(&ProspectState::new(), o, at(), None, None, &settings);
            assert!(!s.dialable(), "{o}");
            assert!(recycle(&s).is_none(), "{o}");
            // Even a later outcome cannot clear the flag.
            let again = apply_outcome(&s, Outcome::Callback, at(), Some(at()), None, &settings);
            assert!(again.do_not_call == s.do_not_call && again.bad_number == s.bad_number);
            assert!(!again.dialable(), "{o}");
        }
    }

    #[test]
    fn callback_keeps_the_agreed_time_and_meeting_ends_the_sequence() {
        let settings = Settings::default();
        let when = at() + chrono::Duration::hours(26);
        let s = apply_outcome(
            &ProspectState::new(),
            Outcome::Callback,
            at(),
            Some(when),
            None,
            &settings,
        );
        assert_eq!(s.status, ProspectStatus::Callback);
        assert_eq!(s.callback_at, Some(when));
        assert!(s.dialable());
        let m = apply_outcome(&s, Outcome::Meeting, when, None, None, &settings);
        assert_eq!(
            (m.status, m.attempts, m.callback_at),
            (ProspectStatus::Meeting, 2, None)
        );
        assert!(!m.dialable());
    }

    #[test]
    fn max_attempts_is_a_setting() {
        let settings = Settings {
            max_attempts: 2,
            ..Settings::default()
        };
        let s1 = apply_outcome(
            &ProspectState::new(),
            Outcome::Gatekeeper,
            at(),
            None,
            None,
            &settings,
        );
        let s2 = apply_outcome(&s1, Outcome::Gatekeeper, at(), None, None, &settings);
        assert_eq!(s1.status, ProspectStatus::Attempting);
        assert_eq!(s2.status, ProspectStatus::Exhausted);
    }

    #[test]
    fn the_method_refuses_what_it_never_does() {
        assert!(check_may_call(false, false).is_ok());
        let dnc = check_may_call(true, false).unwrap_err().to_string();
        assert!(dnc.contains("asked not to be called"), "{dnc}");
        let bad = check_may_call(false, true).unwrap_err().to_string();
        assert!(bad.contains("number is bad"), "{bad}");

        let now = at();
        let past = now - chrono::Duration::minutes(1);
        assert!(check_callback_ahead(Outcome::Callback, Some(past), now).is_err());
        assert!(check_callback_ahead(
            Outcome::Callback,
            Some(now + chrono::Duration::hours(1)),
            now
        )
        .is_ok());
        assert!(check_callback_ahead(Outcome::NoAnswer, Some(past), now).is_ok());
        assert!(check_outcome_details(Outcome::Callback, None, None).is_err());
        assert!(check_outcome_details(Outcome::Meeting, None, None).is_err());

        let mut m = NewMeeting {
            starts_at: now,
            duration_minutes: 30,
            email: "ada@acme.example".into(),
            format: "web".into(),
        };
        assert!(check_outcome_details(Outcome::Meeting, None, Some(&m)).is_ok());
        m.email = "ada at acme".into();
        assert!(check_meeting(&m)
            .unwrap_err()
            .to_string()
            .contains("not an e-mail"));
        m.email = "ada@acme.example".into();
        m.duration_minutes = 0;
        assert!(check_meeting(&m).is_err());
        m.duration_minutes = 30;
        m.format = "carrier pigeon".into();
        assert!(check_meeting(&m).is_err());
    }

    #[test]
    fn a_bad_number_puts_the_prospect_out_only_without_another_number() {
        let s = Settings::default();
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap();
        let before = ProspectState::new();
        let left = apply_bad_number(&before, 1, at, None, &s);
        assert_eq!(left.status, ProspectStatus::Attempting);
        assert_eq!((left.attempts, left.next_attempt_at), (1, Some(at)));
        assert!(left.dialable());
        let none = apply_bad_number(&left, 0, at, None, &s);
        assert_eq!(none.status, ProspectStatus::BadNumber);
        assert!(!none.dialable());
    }
}

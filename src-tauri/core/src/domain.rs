//! The vocabulary of the method (../shared/domain.md): theme kinds, prospect
//! statuses, call outcomes and what each outcome counts as, the meeting a
//! call books, and the settings with their defaults.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};

macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text kept in the database and used on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The words shown to a user.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Result<Self> {
                let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                match t.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::invalid(
                        stringify!($name),
                        format!(
                            "{} is not one of: {}",
                            crate::error::quoted(s),
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

str_enum! {
    /// What a theme groups its prospects by (domain.md section 1).
    ThemeKind {
        Vertical = "vertical" / "Vertical (industry)",
        Geography = "geography" / "Geography",
        Size = "size" / "Size (employees or revenue)",
        Role = "role" / "Role (title family)",
        Custom = "custom" / "Custom",
    }
}

str_enum! {
    /// Where a prospect stands (domain.md section 4).
    ProspectStatus {
        New = "new" / "Never called",
        Attempting = "attempting" / "Waiting for a later attempt",
        Callback = "callback" / "Callback agreed",
        Meeting = "meeting" / "Meeting booked",
        NotInterested = "not_interested" / "Not interested",
        Exhausted = "exhausted" / "Exhausted",
        DoNotCall = "do_not_call" / "Do not call",
        BadNumber = "bad_number" / "Bad number",
    }
}

str_enum! {
    /// How one call ended (domain.md section 5). Every call ends in exactly one.
    Outcome {
        NoAnswer = "no_answer" / "No answer",
        Voicemail = "voicemail" / "Voicemail left",
        Gatekeeper = "gatekeeper" / "Gatekeeper",
        BadNumber = "bad_number" / "Bad number",
        NotInterested = "not_interested" / "Not interested",
        Callback = "callback" / "Callback requested",
        Meeting = "meeting" / "Meeting booked",
        DoNotCall = "do_not_call" / "Do not call",
    }
}

impl Outcome {
    /// Every outcome is a dial.
    pub fn is_dial(self) -> bool {
        true
    }

    /// A connect is a call on which the prospect was reached.
    pub fn is_connect(self) -> bool {
        matches!(
            self,
            Outcome::NotInterested | Outcome::Callback | Outcome::Meeting | Outcome::DoNotCall
        )
    }

    pub fn is_meeting(self) -> bool {
        self == Outcome::Meeting
    }

    /// The outcomes that count as connects, as an SQL list for `IN (...)`.
    pub const CONNECT_SQL: &'static str = "('not_interested','callback','meeting','do_not_call')";

    /// The key that logs this outcome in a block unless the rep changed it:
    /// "1" to "8", in domain.md's order.
    pub fn default_key(self) -> &'static str {
        match self {
            Outcome::NoAnswer => "1",
            Outcome::Voicemail => "2",
            Outcome::Gatekeeper => "3",
            Outcome::BadNumber => "4",
            Outcome::NotInterested => "5",
            Outcome::Callback => "6",
            Outcome::Meeting => "7",
            Outcome::DoNotCall => "8",
        }
    }
}

/// The longest an outcome's label may be, in characters.
pub const OUTCOME_LABEL_MAX_CHARS: usize = crate::text::OUTCOME_LABEL.max_chars;

/// Normalize an outcome's key: trimmed and lower-cased; one character, a
/// digit 0-9 or a letter a-z. The error says which outcome it is for.
pub fn normalize_outcome_key(o: Outcome, key: &str) -> Result<String> {
    let k = key.trim().to_lowercase();
    let mut chars = k.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_digit() || c.is_ascii_lowercase() => Ok(c.to_string()),
        (None, _) => Err(Error::invalid(
            "outcome_keys",
            format!(
                "the key for {} is empty; give it a digit 0-9 or a letter a-z",
                o.label()
            ),
        )),
        _ => Err(Error::invalid(
            "outcome_keys",
            format!(
                "{} is not allowed as the key for {}: a key is one digit 0-9 or one letter a-z",
                crate::error::quoted(key.trim()),
                o.label()
            ),
        )),
    }
}

/// The meeting a call books (domain.md section 3): when, how long, the
/// prospect's e-mail for the invitation, and how it is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NewMeeting {
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub email: String,
    /// phone, web or in_person
    pub format: String,
}

/// The product's settings. Every number marked "default" in domain.md is one
/// of these; they live in the `settings` table as JSON, one key per field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Settings {
    /// Planned length of a block, in minutes (52).
    pub block_minutes: u32,
    /// The break suggested after a block, in minutes (17).
    pub break_minutes: u32,
    /// Business days before a prospect who did not pick up comes back (2).
    pub retry_business_days: u32,
    /// Attempts before a prospect is let go as exhausted (6).
    pub max_attempts: u32,
    /// Prospects' local calling hours: from this hour (8) ...
    pub calling_hour_start: u32,
    /// ... to this hour (17), in their own time zone.
    pub calling_hour_end: u32,
    /// A connect lasting at least this many seconds is a conversation (60).
    pub conversation_seconds: u32,
    /// Call phases, in seconds: the opening ends (45) ...
    pub phase_opening_end: u32,
    /// ... the answer and the appointment request end (60) ...
    pub phase_request_end: u32,
    /// ... a good call is done by now (120) ...
    pub phase_caution: u32,
    /// ... the outer limit: ask for the meeting or let go (180).
    pub phase_limit: u32,
    /// An objection raised and answered takes about this many seconds (20);
    /// past it the objection timer turns to caution.
    pub objection_seconds: u32,
    /// Default region for phone numbers without a country code (ISO 3166 alpha-2).
    pub default_region: String,
    /// The rep's prime time, when blocks go (domain.md section 1), in minutes
    /// after midnight in the rep's own time zone: from (540 = 09:00) ...
    pub prime_time_start_minute: u32,
    /// ... to (720 = 12:00).
    pub prime_time_end_minute: u32,
    /// Selling hours in a year (1,760 = 220 days x 8 hours), for the plan's share.
    pub selling_hours_per_year: u32,
    /// The days the rep calls, 0 = Monday ... 6 = Sunday (Monday to
    /// Friday): the plan spreads its blocks over them and counts its weeks
    /// by them. The rep's own profile edits them.
    pub calling_days: Vec<u8>,
    /// The rep's words for each outcome, shown wherever an outcome is (the
    /// block, the card, Review, the CLI's reports); domain.md's names by
    /// default. What is stored and exported is the outcome's code, never this.
    /// An outcome missing here reads its default label.
    pub outcome_labels: BTreeMap<Outcome, String>,
    /// The key that logs each outcome in a block ("1" to "8" by default): one
    /// digit 0-9 or letter a-z, no two outcomes alike and none an active
    /// objection's hotkey. An outcome missing here has its default key.
    pub outcome_keys: BTreeMap<Outcome, String>,
    /// The rep's working hours, in minutes after midnight in the rep's
    /// zone, on the calling days: the meeting form offers its free slots
    /// inside them, from (540 = 09:00) ...
    pub work_start_minute: u32,
    /// ... to (1020 = 17:00).
    pub work_end_minute: u32,
    /// The rep's calendar, read-only: the full path of an `.ics` file (an
    /// export, or one a sync tool keeps); its busy times are left out of
    /// the meeting form's free slots. None: the working hours alone. The
    /// rep's own profile edits it (`calendar::setting` checks it).
    pub calendar_file: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            block_minutes: 52,
            break_minutes: 17,
            retry_business_days: 2,
            max_attempts: 6,
            calling_hour_start: 8,
            calling_hour_end: 17,
            conversation_seconds: 60,
            phase_opening_end: 45,
            phase_request_end: 60,
            phase_caution: 120,
            phase_limit: 180,
            objection_seconds: 20,
            default_region: "US".to_string(),
            prime_time_start_minute: 9 * 60,
            prime_time_end_minute: 12 * 60,
            selling_hours_per_year: 1760,
            calling_days: vec![0, 1, 2, 3, 4],
            outcome_labels: default_outcome_labels(),
            outcome_keys: default_outcome_keys(),
            work_start_minute: 9 * 60,
            work_end_minute: 17 * 60,
            calendar_file: None,
        }
    }
}

/// domain.md's name of every outcome.
pub fn default_outcome_labels() -> BTreeMap<Outcome, String> {
    Outcome::ALL
        .iter()
        .map(|o| (*o, o.label().to_string()))
        .collect()
}

/// The number key of every outcome, "1" to "8".
pub fn default_outcome_keys() -> BTreeMap<Outcome, String> {
    Outcome::ALL
        .iter()
        .map(|o| (*o, o.default_key().to_string()))
        .collect()
}

impl Settings {
    /// Is `day` one of the rep's calling days?
    pub fn calls_on(&self, day: chrono::Weekday) -> bool {
        self.calling_days
            .contains(&(day.num_days_from_monday() as u8))
    }

    /// The rep's calling days a week (at least one).
    pub fn calling_days_a_week(&self) -> u32 {
        let mut days = self.calling_days.clone();
        days.sort_unstable();
        days.dedup();
        (days.len() as u32).max(1)
    }

    /// The rep's words for outcome `o` (its default label when none is set).
    pub fn outcome_label(&self, o: Outcome) -> &str {
        self.outcome_labels
            .get(&o)
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .unwrap_or(o.label())
    }

    /// The key that logs outcome `o` in a block (its default key when none is set).
    pub fn outcome_key(&self, o: Outcome) -> &str {
        self.outcome_keys
            .get(&o)
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .unwrap_or(o.default_key())
    }

    /// The outcome whose key is `key` (any case), if any.
    pub fn outcome_for_key(&self, key: &str) -> Option<Outcome> {
        let key = key.trim().to_lowercase();
        Outcome::ALL
            .iter()
            .copied()
            .find(|o| self.outcome_key(*o).to_lowercase() == key)
    }

    /// The settings as they are stored: every outcome's label normalized
    /// (see [`crate::text`]) and its key trimmed and lower-cased, each
    /// outcome present. Fails on a label or key that cannot be made valid.
    pub fn normalized(&self) -> Result<Settings> {
        let mut s = self.clone();
        let mut labels = BTreeMap::new();
        let mut keys = BTreeMap::new();
        for o in Outcome::ALL.iter().copied() {
            let raw = self
                .outcome_labels
                .get(&o)
                .map_or(o.label(), |l| l.as_str());
            let label = crate::text::check(crate::text::OUTCOME_LABEL, raw)
                .map_err(|_| outcome_label_too_long(o, raw))?;
            labels.insert(o, label);
            let raw = self
                .outcome_keys
                .get(&o)
                .map_or(o.default_key(), |k| k.as_str());
            keys.insert(o, normalize_outcome_key(o, raw)?);
        }
        s.outcome_labels = labels;
        s.outcome_keys = keys;
        Ok(s)
    }

    /// Every outcome's label and key: labels not empty, not too long, no two
    /// alike (ignoring case); keys one digit or letter, no two alike.
    fn validate_outcomes(&self) -> Result<()> {
        let mut seen_labels: Vec<(Outcome, String)> = Vec::new();
        let mut seen_keys: Vec<(Outcome, String)> = Vec::new();
        for o in Outcome::ALL.iter().copied() {
            let raw = self
                .outcome_labels
                .get(&o)
                .map_or(o.label(), |l| l.as_str());
            let label = crate::text::normalize(raw, crate::text::Lines::One);
            if label.is_empty() {
                return Err(Error::invalid(
                    "outcome_labels",
                    format!("the label for {} is empty; give it a name", o.label()),
                ));
            }
            if label.chars().count() > OUTCOME_LABEL_MAX_CHARS {
                return Err(outcome_label_too_long(o, raw));
            }
            let folded = label.to_lowercase();
            if let Some((other, _)) = seen_labels.iter().find(|(_, l)| *l == folded) {
                return Err(Error::invalid(
                    "outcome_labels",
                    format!(
                        "{} is the label of both {} and {}; give each outcome its own label",
                        crate::error::quoted(&label),
                        other.label(),
                        o.label()
                    ),
                ));
            }
            seen_labels.push((o, folded));
            let raw = self
                .outcome_keys
                .get(&o)
                .map_or(o.default_key(), |k| k.as_str());
            let key = normalize_outcome_key(o, raw)?;
            if let Some((other, _)) = seen_keys.iter().find(|(_, k)| *k == key) {
                return Err(Error::invalid(
                    "outcome_keys",
                    format!(
                        "the key {key} is the key of both {} and {}; give each outcome its own key",
                        other.label(),
                        o.label()
                    ),
                ));
            }
            seen_keys.push((o, key));
        }
        Ok(())
    }

    /// Check that the numbers make sense together.
    pub fn validate(&self) -> Result<()> {
        self.validate_outcomes()?;
        let bad = |f: &str, r: &str| Err(Error::invalid(f, r));
        if self.calling_days.is_empty() {
            return bad("calling_days", "pick at least one day the rep calls");
        }
        if self.calling_days.iter().any(|d| *d > 6) {
            return bad("calling_days", "days are 0 (Monday) to 6 (Sunday)");
        }
        if self.block_minutes == 0 || self.block_minutes > 240 {
            return bad("block_minutes", "must be between 1 and 240");
        }
        if self.max_attempts == 0 {
            return bad("max_attempts", "must be at least 1");
        }
        if self.calling_hour_start >= self.calling_hour_end || self.calling_hour_end > 24 {
            return bad(
                "calling_hours",
                "the start must be before the end, within 0-24",
            );
        }
        if !(self.phase_opening_end < self.phase_request_end
            && self.phase_request_end < self.phase_caution
            && self.phase_caution < self.phase_limit)
        {
            return bad(
                "phases",
                "thresholds must increase: opening < request < caution < limit",
            );
        }
        if self.objection_seconds == 0 || self.objection_seconds > 600 {
            return bad("objection_seconds", "must be between 1 and 600 seconds");
        }
        if self.default_region.len() != 2
            || !self.default_region.chars().all(|c| c.is_ascii_alphabetic())
        {
            return bad(
                "default_region",
                "must be a two-letter country code such as US",
            );
        }
        if self.prime_time_start_minute >= self.prime_time_end_minute
            || self.prime_time_end_minute > 24 * 60
        {
            return bad(
                "prime_time",
                "the start must be before the end, within 00:00-24:00",
            );
        }
        if self.prime_time_end_minute - self.prime_time_start_minute < self.block_minutes {
            return bad("prime_time", "must be at least as long as one block");
        }
        if self.work_start_minute >= self.work_end_minute || self.work_end_minute > 24 * 60 {
            return bad(
                "working_hours",
                "the start must be before the end, within 00:00-24:00",
            );
        }
        if self.work_end_minute - self.work_start_minute < 30 {
            return bad("working_hours", "must be at least half an hour long");
        }
        if self
            .calendar_file
            .as_ref()
            .is_some_and(|f| f.chars().count() > 4096)
        {
            return bad("calendar", "a path of 4,096 characters at most");
        }
        if self.selling_hours_per_year == 0 || self.selling_hours_per_year > 8760 {
            return bad(
                "selling_hours_per_year",
                "must be between 1 and 8,760 (the hours in a year)",
            );
        }
        Ok(())
    }
}

fn outcome_label_too_long(o: Outcome, raw: &str) -> Error {
    let n = crate::text::normalize(raw, crate::text::Lines::One)
        .chars()
        .count();
    Error::invalid(
        "outcome_labels",
        format!(
            "the label for {} {}",
            o.label(),
            crate::text::too_long_reason(OUTCOME_LABEL_MAX_CHARS, n)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_count_as_domain_md_says() {
        use Outcome::*;
        let connects: Vec<_> = Outcome::ALL.iter().filter(|o| o.is_connect()).collect();
        assert_eq!(
            connects,
            vec![&NotInterested, &Callback, &Meeting, &DoNotCall]
        );
        assert!(Outcome::ALL.iter().all(|o| o.is_dial()));
        assert_eq!(Outcome::ALL.iter().filter(|o| o.is_meeting()).count(), 1);
        // The SQL list names exactly the connect outcomes.
        for o in Outcome::ALL {
            assert_eq!(
                Outcome::CONNECT_SQL.contains(&format!("'{}'", o.as_str())),
                o.is_connect(),
                "{o}"
            );
        }
    }

    #[test]
    fn parse_is_forgiving_about_case_and_separators() {
        assert_eq!(ThemeKind::parse("Geography").unwrap(), ThemeKind::Geography);
        assert_eq!(Outcome::parse("no-answer").unwrap(), Outcome::NoAnswer);
        assert_eq!(Outcome::parse("Do not call").unwrap(), Outcome::DoNotCall);
        let e = ThemeKind::parse("planet").unwrap_err().to_string();
        assert!(e.contains("vertical, geography, size, role, custom"), "{e}");
    }

    #[test]
    fn default_settings_are_the_method_defaults_and_valid() {
        let s = Settings::default();
        assert_eq!((s.block_minutes, s.break_minutes), (52, 17));
        assert_eq!((s.retry_business_days, s.max_attempts), (2, 6));
        assert_eq!((s.calling_hour_start, s.calling_hour_end), (8, 17));
        assert_eq!(
            (
                s.phase_opening_end,
                s.phase_request_end,
                s.phase_caution,
                s.phase_limit
            ),
            (45, 60, 120, 180)
        );
        s.validate().unwrap();
        let mut bad = s.clone();
        bad.phase_caution = 30;
        assert!(bad.validate().is_err());
        assert_eq!(
            (
                s.prime_time_start_minute,
                s.prime_time_end_minute,
                s.selling_hours_per_year
            ),
            (540, 720, 1760)
        );
        let mut bad = s.clone();
        bad.prime_time_end_minute = 500;
        assert!(bad.validate().is_err());
        let mut bad = s.clone();
        bad.prime_time_end_minute = 560;
        assert!(bad.validate().is_err(), "shorter than a block");
        let mut bad = s.clone();
        bad.selling_hours_per_year = 0;
        assert!(bad.validate().is_err());
        assert_eq!(
            (s.work_start_minute, s.work_end_minute, s.calendar_file),
            (540, 1020, None)
        );
        let mut bad = Settings {
            work_end_minute: 9 * 60,
            ..Settings::default()
        };
        assert!(
            bad.validate().is_err(),
            "working hours end before they start"
        );
        bad.work_end_minute = 25 * 60;
        assert!(bad.validate().is_err(), "past midnight");
    }

    #[test]
    fn outcome_words_default_to_domain_md_and_keys_one_to_eight() {
        let s = Settings::default();
        let keys: Vec<_> = Outcome::ALL.iter().map(|o| s.outcome_key(*o)).collect();
        assert_eq!(keys, ["1", "2", "3", "4", "5", "6", "7", "8"]);
        for o in Outcome::ALL {
            assert_eq!(s.outcome_label(*o), o.label());
            assert_eq!(s.outcome_for_key(o.default_key()), Some(*o));
        }
        assert_eq!(s.outcome_for_key("9"), None);
        // An outcome missing from the maps (an older or partial setting)
        // reads its defaults.
        let partial = Settings {
            outcome_labels: [(Outcome::Meeting, "Demo set".to_string())].into(),
            outcome_keys: [(Outcome::Meeting, "d".to_string())].into(),
            ..Settings::default()
        };
        partial.validate().unwrap();
        assert_eq!(partial.outcome_label(Outcome::Meeting), "Demo set");
        assert_eq!(partial.outcome_label(Outcome::NoAnswer), "No answer");
        assert_eq!(partial.outcome_key(Outcome::Callback), "6");
        assert_eq!(partial.outcome_for_key("D"), Some(Outcome::Meeting));
        let full = partial.normalized().unwrap();
        assert_eq!(full.outcome_labels.len(), 8);
        assert_eq!(full.outcome_keys[&Outcome::NoAnswer], "1");
        // The TypeScript the UI gets: a map keyed by the outcome's code.
        let json = serde_json::to_value(Settings::default()).unwrap();
        assert_eq!(json["outcome_labels"]["do_not_call"], "Do not call");
        assert_eq!(json["outcome_keys"]["no_answer"], "1");
    }

    #[test]
    fn outcome_labels_and_keys_are_checked_with_clear_errors() {
        let with = |o: Outcome, label: Option<&str>, key: Option<&str>| {
            let mut s = Settings::default();
            if let Some(l) = label {
                s.outcome_labels.insert(o, l.to_string());
            }
            if let Some(k) = key {
                s.outcome_keys.insert(o, k.to_string());
            }
            s
        };
        let err = |s: Settings| s.validate().unwrap_err().to_string();
        let e = err(with(Outcome::Voicemail, Some("   "), None));
        assert_eq!(
            e,
            "outcome_labels: the label for Voicemail left is empty; give it a name"
        );
        let e = err(with(Outcome::Voicemail, Some(&"x".repeat(41)), None));
        assert!(
            e.contains("the label for Voicemail left is 41 characters long; at most 40"),
            "{e}"
        );
        let e = err(with(Outcome::Gatekeeper, Some("  no ANSWER "), None));
        assert_eq!(
            e,
            "outcome_labels: \"no ANSWER\" is the label of both No answer and Gatekeeper; \
             give each outcome its own label"
        );
        for bad in ["12", "!", "F1", "é"] {
            let e = err(with(Outcome::Meeting, None, Some(bad)));
            assert!(
                e.contains(
                    "as the key for Meeting booked: a key is one digit 0-9 or one letter a-z"
                ),
                "{bad}: {e}"
            );
        }
        let e = err(with(Outcome::Meeting, None, Some(" ")));
        assert!(e.contains("the key for Meeting booked is empty"), "{e}");
        let e = err(with(Outcome::DoNotCall, None, Some("1")));
        assert_eq!(
            e,
            "outcome_keys: the key 1 is the key of both No answer and Do not call; give each \
             outcome its own key"
        );
        // Upper case is the same key as lower case.
        let mut s = with(Outcome::Meeting, None, Some("M"));
        s.outcome_keys.insert(Outcome::Callback, "m".into());
        assert!(
            err(s).contains("the key m is the key of both Callback requested and Meeting booked")
        );
        // Accepted and stored normalized: trimmed, lower case.
        let s = with(Outcome::Meeting, Some("  Demo  set "), Some(" M "));
        s.validate().unwrap();
        let n = s.normalized().unwrap();
        assert_eq!(n.outcome_labels[&Outcome::Meeting], "Demo  set");
        assert_eq!(n.outcome_keys[&Outcome::Meeting], "m");
        // Swapping two keys is fine.
        let mut s = with(Outcome::NoAnswer, None, Some("2"));
        s.outcome_keys.insert(Outcome::Voicemail, "1".into());
        s.validate().unwrap();
    }
}

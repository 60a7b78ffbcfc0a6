//! What the rep enters: the period, the quota, the deal size, the close
//! ratio, what is already won and open in the period, and any rate they set.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};

/// Opportunities per win when the rep does not say (4:1).
pub const DEFAULT_CLOSE_RATIO: f64 = 4.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    pub fn parse(s: &str) -> Result<Period> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" => Ok(Period::Month),
            "quarter" => Ok(Period::Quarter),
            _ => Err(Error::invalid(
                "period",
                format!("{} is not one of: month, quarter", crate::quote::quoted(s)),
            )),
        }
    }

    fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
        }
    }

    /// The first day of the calendar month or quarter that contains `date`.
    pub fn start_containing(self, date: NaiveDate) -> NaiveDate {
        let month0 = match self {
            Period::Month => date.month0(),
            Period::Quarter => date.month0() / 3 * 3,
        };
        NaiveDate::from_ymd_opt(date.year(), month0 + 1, 1).unwrap_or(date)
    }

    /// The last day of the period that starts on `starts_on`.
    pub fn last_day(self, starts_on: NaiveDate) -> NaiveDate {
        starts_on
            .checked_add_months(Months::new(self.months()))
            .and_then(|d| d.pred_opt())
            .unwrap_or(starts_on)
    }
}

/// The rep's calling days (Monday to Friday unless the profile says
/// otherwise) from `from` to `to`, both included.
pub fn working_days(from: NaiveDate, to: NaiveDate, settings: &crate::domain::Settings) -> u32 {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| settings.calls_on(d.weekday()))
        .count() as u32
}

/// Rates the rep set; `None` takes history or the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct RateOverrides {
    pub meeting_to_opportunity: Option<f64>,
    pub conversation_to_meeting: Option<f64>,
    pub connect_to_conversation: Option<f64>,
    pub dial_to_connect: Option<f64>,
    pub dials_per_block: Option<f64>,
}

/// What the rep enters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanInputs {
    pub period: Period,
    /// The first day of the period.
    pub starts_on: NaiveDate,
    /// The quota for the period, in money.
    pub quota: f64,
    /// The average deal size, in the same money.
    pub deal_size: f64,
    /// Opportunities per win (4 means one win in four opportunities).
    pub close_ratio: f64,
    /// Revenue already won in the period, in the same money (0 for none).
    pub won_to_date: f64,
    /// The value of the opportunities already open, in the same money (0 for
    /// none); they are expected to close at the close ratio.
    pub open_pipeline: f64,
    #[serde(default)]
    pub overrides: RateOverrides,
}

impl PlanInputs {
    /// Inputs for the calendar month or quarter that contains `today`, with the
    /// default close ratio and no overrides.
    pub fn new(period: Period, today: NaiveDate, quota: f64, deal_size: f64) -> PlanInputs {
        PlanInputs {
            period,
            starts_on: period.start_containing(today),
            quota,
            deal_size,
            close_ratio: DEFAULT_CLOSE_RATIO,
            won_to_date: 0.0,
            open_pipeline: 0.0,
            overrides: RateOverrides::default(),
        }
    }

    /// Refuse impossible inputs with a message naming the field.
    pub fn validate(&self) -> Result<()> {
        self.validate_money()?;
        if !self.close_ratio.is_finite() || self.close_ratio < 1.0 {
            return Err(Error::invalid(
                "close ratio",
                format!(
                    "must be at least 1 (opportunities per win: 4 means one win in four); got {}",
                    num(self.close_ratio)
                ),
            ));
        }
        self.overrides.validate()
    }

    /// The quota and the deal size are more than 0; what is won and open is 0 or more.
    fn validate_money(&self) -> Result<()> {
        for (name, v) in [("quota", self.quota), ("deal size", self.deal_size)] {
            if !v.is_finite() || v <= 0.0 {
                return Err(Error::invalid(
                    name,
                    format!("must be more than 0; got {}", num(v)),
                ));
            }
        }
        for (name, v) in [
            ("wins to date", self.won_to_date),
            ("open pipeline", self.open_pipeline),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::invalid(
                    name,
                    format!("must be 0 or more (an amount of money); got {}", num(v)),
                ));
            }
        }
        Ok(())
    }
}

impl RateOverrides {
    /// Shares are more than 0 and at most 1; dials per block more than 0 and at most 1000.
    fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("meeting_to_opportunity", self.meeting_to_opportunity),
            ("conversation_to_meeting", self.conversation_to_meeting),
            ("connect_to_conversation", self.connect_to_conversation),
            ("dial_to_connect", self.dial_to_connect),
        ] {
            match v {
                Some(v) if !v.is_finite() || v <= 0.0 || v > 1.0 => {
                    return Err(Error::invalid(
                        format!("rate {name}"),
                        format!(
                            "must be more than 0 and at most 1 (0.25 means 25 %); got {}",
                            num(v)
                        ),
                    ))
                }
                _ => {}
            }
        }
        match self.dials_per_block {
            Some(v) if !v.is_finite() || v <= 0.0 || v > 1000.0 => Err(Error::invalid(
                "dials per block",
                format!("must be more than 0 and at most 1000; got {}", num(v)),
            )),
            _ => Ok(()),
        }
    }
}

/// A number as a message shows it: whole numbers without a decimal point.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

//! Where the quota stands before any new opportunity: what is already won
//! this period, what the open pipeline should bring at the close ratio, and
//! what is left to find by prospecting ("if you're short, prospect").

use serde::{Deserialize, Serialize};
use specta::Type;

use super::compute::ceil_count;
use super::inputs::PlanInputs;
use crate::error::Result;

/// The quota's account: won, expected from the open pipeline, left to find.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct QuotaCover {
    pub quota: f64,
    /// Revenue already won this period.
    pub won_to_date: f64,
    /// `quota - won_to_date`, never below 0.
    pub remaining_quota: f64,
    /// The value of the opportunities already open.
    pub open_pipeline: f64,
    /// `open_pipeline / close_ratio`: what they should bring at the close ratio.
    pub expected_from_pipeline: f64,
    /// `remaining_quota - expected_from_pipeline`, never below 0: what new
    /// opportunities must bring, and so what the funnel below is computed for.
    pub to_find: f64,
    /// Wins to date and the pipeline's expected wins cover the quota: no new
    /// opportunity is needed to hit it.
    pub covered: bool,
    /// The account in one sentence.
    pub summary: String,
}

impl QuotaCover {
    /// The account of `inputs` (already validated), and the new wins it needs.
    pub(super) fn of(inputs: &PlanInputs) -> Result<(QuotaCover, u32)> {
        let remaining_quota = (inputs.quota - inputs.won_to_date).max(0.0);
        let expected_from_pipeline = inputs.open_pipeline / inputs.close_ratio;
        let to_find = (remaining_quota - expected_from_pipeline).max(0.0);
        // Rounded as every step is: a shortfall of float noise needs no win.
        let wins = ceil_count(to_find / inputs.deal_size, "wins")?;
        let covered = wins == 0;
        let mut cover = QuotaCover {
            quota: inputs.quota,
            won_to_date: inputs.won_to_date,
            remaining_quota,
            open_pipeline: inputs.open_pipeline,
            expected_from_pipeline,
            to_find: if covered { 0.0 } else { to_find },
            covered,
            summary: String::new(),
        };
        cover.summary = cover.sentence(inputs.close_ratio);
        Ok((cover, wins))
    }

    fn sentence(&self, close_ratio: f64) -> String {
        let pipeline = format!(
            "the open pipeline of {} should bring {} at {}:1",
            amount(self.open_pipeline),
            amount(self.expected_from_pipeline),
            ratio(close_ratio)
        );
        let next = "keep prospecting to fill the next period";
        if self.won_to_date >= self.quota {
            return format!(
                "{} won of a quota of {}: the quota is hit; {next}.",
                amount(self.won_to_date),
                amount(self.quota)
            );
        }
        if self.covered {
            return format!(
                "{} won, and {pipeline}: that covers the quota of {}. Nothing more is needed to \
                 hit it; {next}.",
                amount(self.won_to_date),
                amount(self.quota)
            );
        }
        if self.won_to_date == 0.0 && self.open_pipeline == 0.0 {
            return format!(
                "Nothing won or open yet: the whole quota of {} is to find in new opportunities.",
                amount(self.quota)
            );
        }
        format!(
            "Quota {} - {} won = {} to go; {pipeline}; {} is left to find in new opportunities: \
             if you're short, prospect.",
            amount(self.quota),
            amount(self.won_to_date),
            amount(self.remaining_quota),
            amount(self.to_find)
        )
    }
}

/// Money as a sentence shows it: whole, with thousands separators (120,000).
pub(super) fn amount(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v.round() < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A close ratio as `4` or `2.5`.
fn ratio(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

//! Themes from columns (domain.md section 1): industry is a vertical, state or
//! country a geography, employee count a size band, job title a role family.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::ThemeKind;

use super::mapping::Field;

/// Employee bands, smallest first: (label, lowest count, highest count).
pub const EMPLOYEE_BANDS: &[(&str, u64, u64)] = &[
    ("1-10", 1, 10),
    ("11-50", 11, 50),
    ("51-200", 51, 200),
    ("201-500", 201, 500),
    ("501-1000", 501, 1000),
    ("1001-5000", 1001, 5000),
    ("5000+", 5001, u64::MAX),
];

fn band_of(n: u64) -> Option<&'static str> {
    EMPLOYEE_BANDS
        .iter()
        .find(|(_, lo, hi)| (*lo..=*hi).contains(&n))
        .map(|(label, _, _)| *label)
}

/// Numbers in a text, reading "10,001" and "1.000" as thousands and "5k" as
/// 5000.
fn numbers(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut cur: Option<u64> = None;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        if ch.is_ascii_digit() {
            cur = Some(cur.unwrap_or(0).saturating_mul(10) + u64::from(ch - b'0'));
        } else if (ch == b',' || ch == b'.')
            && cur.is_some()
            && b.get(i + 1..i + 4)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            // A thousands separator: the digits follow.
        } else {
            if let Some(n) = cur.take() {
                if ch == b'k' || ch == b'K' {
                    out.push(n * 1000);
                    i += 1;
                    continue;
                }
                out.push(n);
            }
        }
        i += 1;
    }
    if let Some(n) = cur {
        out.push(n);
    }
    out
}

/// The band of an employee count or range as exports write it ("500",
/// "51-200", "1,001-5,000", "10,001+", "100 - 250"). A range falls in the band
/// of its middle. `None` when the text holds no count.
pub fn employee_band(text: &str) -> Option<&'static str> {
    let t = text.trim().to_ascii_lowercase();
    if t.contains("self") || t.contains("myself") {
        return Some("1-10");
    }
    let n = numbers(&t);
    let count = match n.as_slice() {
        [] => return None,
        [one] => *one,
        [lo, hi, ..] if hi > lo => lo + (hi - lo) / 2,
        [lo, ..] => *lo,
    };
    if count == 0 {
        return None;
    }
    band_of(count)
}

/// Role families of job titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RoleFamily {
    Executive,
    Finance,
    It,
    Operations,
    Sales,
    Marketing,
    Hr,
    Engineering,
    Other,
}

impl RoleFamily {
    pub const ALL: &'static [RoleFamily] = &[
        RoleFamily::Executive,
        RoleFamily::Finance,
        RoleFamily::It,
        RoleFamily::Operations,
        RoleFamily::Sales,
        RoleFamily::Marketing,
        RoleFamily::Hr,
        RoleFamily::Engineering,
        RoleFamily::Other,
    ];

    /// The theme name for the family.
    pub fn theme_name(self) -> &'static str {
        match self {
            RoleFamily::Executive => "Executives",
            RoleFamily::Finance => "Finance roles",
            RoleFamily::It => "IT roles",
            RoleFamily::Operations => "Operations roles",
            RoleFamily::Sales => "Sales roles",
            RoleFamily::Marketing => "Marketing roles",
            RoleFamily::Hr => "HR roles",
            RoleFamily::Engineering => "Engineering roles",
            RoleFamily::Other => "Other roles",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RoleFamily::Executive => "executive",
            RoleFamily::Finance => "finance",
            RoleFamily::It => "it",
            RoleFamily::Operations => "operations",
            RoleFamily::Sales => "sales",
            RoleFamily::Marketing => "marketing",
            RoleFamily::Hr => "hr",
            RoleFamily::Engineering => "engineering",
            RoleFamily::Other => "other",
        }
    }
}

/// Words (or phrases, space-separated) that put a title in a family; checked
/// in this order, so "VP Sales Operations" is sales and "CFO" finance.
#[rustfmt::skip]
const ROLE_WORDS: &[(RoleFamily, &[&str])] = &[
    (RoleFamily::Engineering, &["cto", "chief technology officer", "chief technical officer"]),
    (RoleFamily::It, &["cio", "ciso", "chief information officer", "chief information security officer", "chief digital officer"]),
    (RoleFamily::Finance, &["cfo", "chief financial officer", "chief finance officer"]),
    (RoleFamily::Operations, &["coo", "chief operating officer", "chief operations officer"]),
    (RoleFamily::Marketing, &["cmo", "chief marketing officer"]),
    (RoleFamily::Sales, &["cro", "chief revenue officer", "chief sales officer", "chief commercial officer"]),
    (RoleFamily::Hr, &["chro", "cpo", "chief people officer", "chief human resources officer"]),
    (RoleFamily::Hr, &["hr", "human resources", "people", "talent", "recruiting", "recruiter", "recruitment", "benefits", "payroll", "personnel", "hrbp"]),
    (RoleFamily::Finance, &["finance", "financial", "controller", "comptroller", "accounting", "accountant", "accounts", "treasurer", "treasury", "fp&a", "fpa", "audit", "auditor", "tax", "bookkeeper", "billing", "credit"]),
    (RoleFamily::It, &["it", "information technology", "information systems", "is", "infrastructure", "sysadmin", "systems administrator", "network", "networking", "helpdesk", "help desk", "security", "technology", "tech", "cybersecurity", "servicedesk", "service desk", "erp"]),
    (RoleFamily::Engineering, &["engineer", "engineering", "developer", "development", "software", "devops", "architect", "r&d", "research", "scientist", "programmer", "qa", "firmware", "hardware", "data"]),
    (RoleFamily::Sales, &["sales", "business development", "bdr", "sdr", "account executive", "account manager", "revenue", "partnerships", "channel", "commercial", "key account"]),
    (RoleFamily::Marketing, &["marketing", "brand", "growth", "demand generation", "demand gen", "communications", "content", "seo", "pr", "digital marketing", "product marketing", "events", "social media"]),
    (RoleFamily::Operations, &["operations", "operating", "ops", "plant", "supply chain", "logistics", "procurement", "purchasing", "facilities", "facility", "office manager", "warehouse", "production", "manufacturing", "fleet", "quality", "maintenance", "distribution", "inventory", "buyer", "sourcing", "administration", "admin"]),
    (RoleFamily::Executive, &["ceo", "chief executive", "chief executive officer", "president", "founder", "cofounder", "co founder", "owner", "managing director", "general manager", "gm", "principal", "chairman", "chair", "partner", "managing partner", "executive director", "proprietor", "md", "board"]),
];

/// The role family of a job title; `Other` when nothing matches.
pub fn role_family(title: &str) -> RoleFamily {
    // Words of the title, lowercased, with a space on each side so that
    // phrases match on word boundaries.
    let mut words = String::with_capacity(title.len() + 2);
    words.push(' ');
    for ch in title.chars() {
        if ch.is_alphanumeric() || ch == '&' {
            words.extend(ch.to_lowercase());
        } else if !words.ends_with(' ') {
            words.push(' ');
        }
    }
    if !words.ends_with(' ') {
        words.push(' ');
    }
    let words = words.replace(" co founder ", " cofounder ");
    for (family, keys) in ROLE_WORDS {
        for k in *keys {
            let padded = format!(" {k} ");
            if words.contains(&padded) {
                return *family;
            }
        }
    }
    RoleFamily::Other
}

/// The kind of theme grouping by a field makes.
pub fn theme_kind_for(field: Field) -> ThemeKind {
    match field {
        Field::Industry => ThemeKind::Vertical,
        Field::Region | Field::Country | Field::City => ThemeKind::Geography,
        Field::Employees => ThemeKind::Size,
        Field::Title => ThemeKind::Role,
        _ => ThemeKind::Custom,
    }
}

/// A theme name from a cell: normalized (see [`crate::text`]), its spaces
/// collapsed, cut to the longest theme name.
pub fn clip_theme_name(name: &str) -> String {
    let t = crate::text::normalize(name, crate::text::Lines::One);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::clip(crate::text::THEME_NAME, &t)
        .0
        .into_owned()
}

/// The theme name for a size band.
pub fn size_theme_name(band: &str) -> String {
    format!("{band} employees")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_counts_and_ranges_fall_in_bands() {
        let cases = [
            ("1", Some("1-10")),
            ("10", Some("1-10")),
            ("11-50", Some("11-50")),
            ("500", Some("201-500")),
            ("501", Some("501-1000")),
            ("1,001-5,000", Some("1001-5000")),
            ("5000", Some("1001-5000")),
            ("5001", Some("5000+")),
            ("10,001+", Some("5000+")),
            ("10001+", Some("5000+")),
            ("100 - 250", Some("51-200")),
            ("250 - 500", Some("201-500")),
            ("2-10", Some("1-10")),
            ("5k", Some("1001-5000")),
            ("Self-employed", Some("1-10")),
            ("", None),
            ("unknown", None),
            ("0", None),
        ];
        for (text, band) in cases {
            assert_eq!(employee_band(text), band, "{text}");
        }
    }

    #[test]
    fn titles_fall_in_role_families() {
        use RoleFamily::*;
        let cases = [
            ("Chief Financial Officer", Finance),
            ("CFO", Finance),
            ("Controller", Finance),
            ("Director of Finance", Finance),
            ("Head of IT", It),
            ("IT Manager", It),
            ("CIO", It),
            ("VP of Operations", Operations),
            ("COO", Operations),
            ("Plant Manager", Operations),
            ("Office Manager", Operations),
            ("Director, Supply Chain", Operations),
            ("Operations Manager", Operations),
            ("VP Sales", Sales),
            ("VP Sales Operations", Sales),
            ("Account Executive", Sales),
            ("Marketing Operations Manager", Marketing),
            ("CMO", Marketing),
            ("HR Business Partner", Hr),
            ("Talent Acquisition Lead", Hr),
            ("Senior Software Engineer", Engineering),
            ("Founder & CTO", Engineering),
            ("CEO", Executive),
            ("Co-Founder", Executive),
            ("Owner", Executive),
            ("Managing Director", Executive),
            ("Editor", Other),
            ("", Other),
        ];
        for (title, family) in cases {
            assert_eq!(role_family(title), family, "{title}");
        }
    }
}

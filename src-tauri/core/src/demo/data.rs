//! The demo's fictional people, companies, places and themes.

use rand::rngs::StdRng;
use rand::Rng;

use crate::domain::ThemeKind;

pub(super) const FIRST: &[&str] = &[
    "Avery", "Blake", "Carmen", "Devon", "Elena", "Farid", "Grace", "Hector", "Imani", "Jonas",
    "Keiko", "Luis", "Maya", "Nikhil", "Olivia", "Priya", "Quentin", "Rosa", "Samir", "Tessa",
    "Umar", "Valerie", "Wes", "Ximena", "Yusuf", "Zoe", "Andre", "Bianca", "Colin", "Dalia",
    "Ethan", "Fiona", "Gabriel", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nora",
];
pub(super) const LAST: &[&str] = &[
    "Abbott",
    "Baptiste",
    "Castillo",
    "Dorsey",
    "Eriksen",
    "Fontaine",
    "Gallagher",
    "Haddad",
    "Ibarra",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Petrov",
    "Quinlan",
    "Ramos",
    "Sandoval",
    "Thornton",
    "Ueda",
    "Vasquez",
    "Whitfield",
    "Xu",
    "Yates",
    "Zimmerman",
    "Achebe",
    "Brennan",
    "Calloway",
    "Delgado",
    "Esposito",
    "Fairbanks",
];
pub(super) const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluewater",
    "Ironbridge",
    "Redcliff",
    "Summit",
    "Prairie",
    "Harbor",
    "Granite",
    "Lakeshore",
    "Keystone",
    "Silverline",
    "Cedar",
    "Frontier",
    "Riverbend",
    "Oakmont",
    "Pioneer",
    "Copperfield",
    "Westgate",
    "Brightpath",
    "Lone Star",
];

/// (city, state, IANA zone, area code)
pub(super) const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Chicago", "IL", "America/Chicago", "312"),
    ("Columbus", "OH", "America/New_York", "614"),
    ("Atlanta", "GA", "America/New_York", "404"),
    ("Denver", "CO", "America/Denver", "303"),
    ("Phoenix", "AZ", "America/Phoenix", "602"),
    ("Seattle", "WA", "America/Los_Angeles", "206"),
    ("Nashville", "TN", "America/Chicago", "615"),
    ("Charlotte", "NC", "America/New_York", "704"),
    ("Milwaukee", "WI", "America/Chicago", "414"),
    ("Sacramento", "CA", "America/Los_Angeles", "916"),
];
pub(super) const TEXAS: &[(&str, &str, &str, &str)] = &[
    ("Austin", "TX", "America/Chicago", "512"),
    ("Dallas", "TX", "America/Chicago", "214"),
    ("Houston", "TX", "America/Chicago", "713"),
    ("San Antonio", "TX", "America/Chicago", "210"),
    ("El Paso", "TX", "America/Denver", "915"),
    ("Fort Worth", "TX", "America/Chicago", "817"),
];

pub(super) struct ThemeSpec {
    pub name: &'static str,
    pub kind: ThemeKind,
    pub description: &'static str,
    pub size: usize,
    pub company_b: &'static [&'static str],
    pub titles: &'static [&'static str],
    pub industries: &'static [&'static str],
    pub employees: &'static [&'static str],
    pub texas: bool,
}

pub(super) const THEMES: &[ThemeSpec] = &[
    ThemeSpec {
        name: "Logistics & freight",
        kind: ThemeKind::Vertical,
        description: "Carriers, 3PLs and freight brokers",
        size: 300,
        company_b: &[
            "Freight",
            "Logistics",
            "Transport",
            "Carriers",
            "Distribution",
        ],
        titles: &[
            "VP Operations",
            "Director of Logistics",
            "Fleet Manager",
            "COO",
            "Head of Transportation",
        ],
        industries: &["Transportation & Logistics"],
        employees: &["51-200", "201-500", "501-1000"],
        texas: false,
    },
    ThemeSpec {
        name: "Texas",
        kind: ThemeKind::Geography,
        description: "Every industry, Texas offices",
        size: 260,
        company_b: &["Energy", "Health", "Builders", "Software", "Foods", "Group"],
        titles: &[
            "CEO",
            "Operations Manager",
            "VP Sales",
            "Office Manager",
            "Director of IT",
        ],
        industries: &[
            "Energy",
            "Healthcare",
            "Construction",
            "Software",
            "Food & Beverage",
        ],
        employees: &["11-50", "51-200", "201-500"],
        texas: true,
    },
    ThemeSpec {
        name: "Manufacturers 200-500",
        kind: ThemeKind::Size,
        description: "Manufacturers with 200 to 500 employees",
        size: 220,
        company_b: &[
            "Manufacturing",
            "Industries",
            "Fabrication",
            "Components",
            "Works",
        ],
        titles: &[
            "Plant Manager",
            "VP Manufacturing",
            "Director of Operations",
            "CEO",
            "Supply Chain Manager",
        ],
        industries: &["Manufacturing"],
        employees: &["201-500"],
        texas: false,
    },
    ThemeSpec {
        name: "Finance leaders",
        kind: ThemeKind::Role,
        description: "CFOs, controllers and VPs of finance",
        size: 240,
        company_b: &[
            "Partners", "Holdings", "Systems", "Health", "Labs", "Retail",
        ],
        titles: &[
            "CFO",
            "VP Finance",
            "Controller",
            "Director of Finance",
            "Head of FP&A",
        ],
        industries: &["Software", "Healthcare", "Retail", "Professional Services"],
        employees: &["51-200", "201-500", "501-1000"],
        texas: false,
    },
];

pub(super) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

pub(super) fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

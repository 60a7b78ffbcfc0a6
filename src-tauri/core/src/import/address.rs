//! An address written in one cell ("Chicago, IL, United States", "10115
//! Berlin, Germany", "Unit 4\n12 High St\nManchester M1 1AA\nUK") split into
//! city, region, country and postcode, so that the row's country decides how
//! its numbers are read and its zone, as a country column would.
//!
//! The parts are read from the end: the country (names, codes and common
//! short forms, [`geo::country`]), then the postcode (a pattern per country,
//! kept as data in [`POSTCODES`]), the state or province (US, Canada,
//! Australia: names and codes, [`geo::state`]; elsewhere the part after the
//! city), then the city. Street lines (with house numbers or street words,
//! [`STREET_WORDS`]) are left out. Nothing is guessed: a part that is not
//! recognized stays out of the result.

use std::sync::OnceLock;

use regex::Regex;

use super::geo;
use super::mapping::compact;

/// An address as read from one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub city: String,
    /// The state or province code for US, CA and AU; the region as written
    /// elsewhere ("Île-de-France", "England").
    pub region: String,
    /// ISO code of the country, when the address names it (or its state
    /// tells it).
    pub country: Option<&'static str>,
    pub postcode: Option<String>,
}

/// Postcode patterns, by country (`*`: tried when the country is not known,
/// in this order). Case is ignored.
#[rustfmt::skip]
const POSTCODES: &[(&str, &str)] = &[
    ("US", r"\b\d{5}(?:-\d{4})?\b"),
    ("CA", r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"),
    ("GB", r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b"),
    ("IE", r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}\b"),
    ("NL", r"\b\d{4} ?[A-Z]{2}\b"),
    ("DE", r"\b\d{5}\b"), ("FR", r"\b\d{5}\b"), ("ES", r"\b\d{5}\b"), ("IT", r"\b\d{5}\b"),
    ("FI", r"\b\d{5}\b"), ("MX", r"\b\d{5}\b"), ("MY", r"\b\d{5}\b"), ("TR", r"\b\d{5}\b"),
    ("AU", r"\b\d{4}\b"), ("NZ", r"\b\d{4}\b"), ("AT", r"\b\d{4}\b"), ("BE", r"\b\d{4}\b"),
    ("CH", r"\b\d{4}\b"), ("DK", r"\b\d{4}\b"), ("NO", r"\b\d{4}\b"), ("HU", r"\b\d{4}\b"),
    ("ZA", r"\b\d{4}\b"), ("PH", r"\b\d{4}\b"), ("LU", r"\b(?:L-)?\d{4}\b"),
    ("SE", r"\b\d{3} ?\d{2}\b"), ("CZ", r"\b\d{3} ?\d{2}\b"), ("SK", r"\b\d{3} ?\d{2}\b"),
    ("PL", r"\b\d{2}-\d{3}\b"), ("PT", r"\b\d{4}-\d{3}\b"), ("BR", r"\b\d{5}-?\d{3}\b"),
    ("JP", r"(?:〒\s?)?\b\d{3}-\d{4}\b"), ("IN", r"\b\d{3} ?\d{3}\b"), ("SG", r"\b\d{6}\b"),
    ("CN", r"\b\d{6}\b"), ("RU", r"\b\d{6}\b"), ("KR", r"\b\d{5}\b"), ("IL", r"\b\d{7}\b"),
    ("*", r"\b\d{5}-\d{4}\b"),
    ("*", r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d\b"),
    ("*", r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"),
    ("*", r"\b\d{4} [A-Z]{2}\b"),
    ("*", r"\b\d{3}-\d{4}\b"),
    ("*", r"\b\d{4,6}\b"),
];

/// Words of street lines, not of places (compacted). A part holding one of
/// them as a word, or a house number, is a street line.
#[rustfmt::skip]
const STREET_WORDS: &[&str] = &[
    "street", "st", "road", "rd", "avenue", "ave", "av", "boulevard", "blvd", "lane", "ln",
    "drive", "dr", "way", "court", "ct", "place", "pl", "square", "sq", "parkway", "pkwy",
    "highway", "hwy", "terrace", "crescent", "close", "suite", "ste", "floor", "fl", "unit",
    "building", "bldg", "apt", "apartment", "pobox", "box", "rue", "chemin", "allée", "allee",
    "straße", "strasse", "str", "weg", "gasse", "platz", "ring", "allee", "via", "viale",
    "piazza", "corso", "calle", "avenida", "plaza", "paseo", "carrer", "rua", "travessa",
    "straat", "laan", "plein", "gracht", "kade", "vej", "gatan", "gata", "ulica", "ul",
    "marg", "nagar", "chome", "dori", "house", "tower", "centre", "center", "park",
];

/// Country names that are the name of a part of it: kept as the region.
const COUNTRY_PARTS: &[&str] = &["england", "scotland", "wales", "northernireland"];

fn postcode_patterns() -> &'static Vec<(&'static str, Regex)> {
    static P: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    P.get_or_init(|| {
        POSTCODES
            .iter()
            .filter_map(|(c, p)| Some((*c, Regex::new(&format!("(?i){p}")).ok()?)))
            .collect()
    })
}

/// The postcode in `part`, for `country` (or any country), and the part
/// without it.
fn take_postcode(part: &str, country: Option<&str>) -> Option<(String, String)> {
    let patterns = postcode_patterns();
    let chosen: Vec<&Regex> = match country {
        Some(cc) if patterns.iter().any(|(c, _)| *c == cc) => patterns
            .iter()
            .filter(|(c, _)| *c == cc)
            .map(|(_, r)| r)
            .collect(),
        Some(_) => patterns
            .iter()
            .filter(|(c, _)| *c == "*")
            .map(|(_, r)| r)
            .collect(),
        None => patterns
            .iter()
            .filter(|(c, _)| *c == "*")
            .map(|(_, r)| r)
            .collect(),
    };
    for re in chosen {
        // The last match: "12 Main St 60601" keeps the house number.
        if let Some(m) = re.find_iter(part).last() {
            let rest = format!("{} {}", &part[..m.start()], &part[m.end()..]);
            return Some((m.as_str().trim().to_string(), tidy(&rest)));
        }
    }
    None
}

/// Spaces collapsed, stray separators off the ends.
fn tidy(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c == '-' || c == '/' || c.is_whitespace())
        .to_string()
}

fn is_street(part: &str) -> bool {
    if part.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    part.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| STREET_WORDS.contains(&w.to_lowercase().as_str()))
}

/// A state or province of a country with a table of them; for an unknown
/// country, of the US, then Canada, then Australia (the first whose
/// postcode pattern agrees with `postcode`, when there is one).
fn region_of(
    text: &str,
    country: Option<&'static str>,
    postcode: Option<&str>,
) -> Option<(&'static str, &'static str)> {
    match country {
        Some(cc) => geo::state(cc, text).map(|(code, _)| (cc, code)),
        None => {
            let found: Vec<(&'static str, &'static str)> = ["US", "CA", "AU"]
                .into_iter()
                .filter_map(|cc| geo::state(cc, text).map(|(code, _)| (cc, code)))
                .collect();
            let agrees = |cc: &str| match postcode {
                None => true,
                Some(p) => take_postcode(p, Some(cc)).is_some_and(|(m, _)| m == p),
            };
            found
                .iter()
                .copied()
                .find(|(cc, _)| agrees(cc))
                .or_else(|| found.first().copied())
        }
    }
}

/// A region at the end of a part: "Mountain View CA" -> ("Mountain View",
/// CA), "Sydney NSW", "Vancouver British Columbia".
fn trailing_region(
    part: &str,
    country: Option<&'static str>,
    postcode: Option<&str>,
) -> Option<(String, &'static str, &'static str)> {
    let words: Vec<&str> = part.split_whitespace().collect();
    for take in (1..=3.min(words.len())).rev() {
        let tail = words[words.len() - take..].join(" ");
        if let Some((cc, code)) = region_of(&tail, country, postcode) {
            let head = words[..words.len() - take].join(" ");
            return Some((tidy(&head), cc, code));
        }
    }
    None
}

/// A LinkedIn-style area: "Greater Seattle Area" -> "Seattle".
fn area_city(part: &str) -> String {
    let mut t = part.trim();
    for p in ["Greater ", "greater "] {
        if let Some(r) = t.strip_prefix(p) {
            t = r;
        }
    }
    for s in [
        " Metropolitan Area",
        " Metro Area",
        " Bay Area",
        " Area",
        " Metroplex",
        " Metro",
    ] {
        if let Some(r) = t.strip_suffix(s) {
            t = r;
            break;
        }
    }
    if t == "New York City" {
        t = "New York";
    }
    tidy(t)
}

/// A part that is a city with a district number ("Dublin 2"): the city.
fn district_city(part: &str) -> Option<String> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let (last, head) = words.split_last()?;
    let district = !last.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit());
    let head = head.join(" ");
    (district && !head.is_empty() && !is_street(&head)).then_some(head)
}

/// Whether `text` names `code` as a country, where it could also be a
/// state code ("IL": Illinois or Israel; "DE": Delaware or Germany). Read
/// as a state after one place ("Chicago, IL"), as the country after two
/// ("Pune, Maharashtra, IN") or after a postcode of that country only
/// ("3011 AD Rotterdam, NL").
fn names_country(parts: &[String], text: &str, code: &str) -> bool {
    let Some((state_country, _)) = region_of(text, None, None) else {
        return true;
    };
    if text.chars().count() > 3 {
        return true;
    }
    let before = &parts[..parts.len() - 1];
    let places = before.iter().rev().take_while(|p| !is_street(p)).count();
    if places >= 2 {
        return true;
    }
    before.iter().any(|p| {
        take_postcode(p, Some(code)).is_some() && take_postcode(p, Some(state_country)).is_none()
    })
}

/// Take the country off the end of `parts`: the last part, or the last
/// words of it ("Berlin Germany"), then any part before that names the same
/// country ("England, UK").
fn take_country(parts: &mut Vec<String>, a: &mut Address) {
    let Some(last) = parts.last().cloned() else {
        return;
    };
    if let Some((code, _)) = geo::country(&last) {
        if (a.country.is_none() || a.country == Some(code)) && names_country(parts, &last, code) {
            a.country = Some(code);
            parts.pop();
            if COUNTRY_PARTS.contains(&compact(&last).as_str()) {
                a.region = last;
            }
        }
    } else {
        let words: Vec<&str> = last.split_whitespace().collect();
        for take in (1..=3.min(words.len().saturating_sub(1))).rev() {
            let tail = words[words.len() - take..].join(" ");
            // A two-letter tail is a state more often than a country.
            if tail.len() <= 2 {
                continue;
            }
            if let Some((code, _)) = geo::country(&tail) {
                if a.country.is_none() || a.country == Some(code) {
                    a.country = Some(code);
                    let n = parts.len();
                    parts[n - 1] = words[..words.len() - take].join(" ");
                    break;
                }
            }
        }
    }
    while let Some(last) = parts.last() {
        match geo::country(last) {
            Some((code, _)) if Some(code) == a.country => {
                if COUNTRY_PARTS.contains(&compact(last).as_str()) && a.region.is_empty() {
                    a.region = last.clone();
                }
                parts.pop();
            }
            _ => break,
        }
    }
}

/// Split one cell of address. `known_country`: the row's country from
/// another column, when it has one (it then decides how the postcode and
/// the state are read).
pub fn parse(text: &str, known_country: Option<&'static str>) -> Address {
    let mut parts: Vec<String> = text
        .replace(" - ", ",")
        .split([',', ';', '\n', '\r', '|', '•', '·'])
        .map(tidy)
        .filter(|p| !p.is_empty())
        .collect();
    let mut a = Address {
        country: known_country,
        ..Address::default()
    };
    take_country(&mut parts, &mut a);
    // The postcode: in the last part or the one before it ("SW1A 1AA, UK").
    let mut i = parts.len();
    while i > 0 && a.postcode.is_none() && parts.len() - i < 2 {
        i -= 1;
        if let Some((code, rest)) = take_postcode(&parts[i], a.country) {
            a.postcode = Some(code);
            if rest.is_empty() {
                parts.remove(i);
            } else {
                parts[i] = rest;
            }
        }
    }
    if a.country.is_none() {
        // "Singapore 048616": the country came after the postcode.
        take_country(&mut parts, &mut a);
    }
    if parts.is_empty() {
        return a;
    }
    // The state: a whole part, or the end of one ("Mountain View CA").
    let states = a.country.is_none() || matches!(a.country, Some("US" | "CA" | "AU"));
    if states {
        let n = parts.len();
        for j in (n.saturating_sub(2)..n).rev() {
            if let Some((cc, code)) = region_of(&parts[j], a.country, a.postcode.as_deref()) {
                a.country = Some(cc);
                a.region = code.to_string();
                a.city = j
                    .checked_sub(1)
                    .map(|k| &parts[k])
                    .filter(|c| !is_street(c))
                    .map(|c| area_city(c))
                    .unwrap_or_default();
                return a;
            }
            if let Some((head, cc, code)) =
                trailing_region(&parts[j], a.country, a.postcode.as_deref())
            {
                if !head.is_empty() && !is_street(&head) {
                    a.country = Some(cc);
                    a.region = code.to_string();
                    a.city = area_city(&head);
                    return a;
                }
            }
        }
    }
    // Elsewhere: the places after the street lines, city then region.
    let mut places: Vec<String> = parts
        .iter()
        .rev()
        .take_while(|p| !is_street(p))
        .cloned()
        .collect();
    places.reverse();
    if places.is_empty() {
        // "Dublin 2, D02 X285": a city with its district number.
        places.extend(parts.last().and_then(|p| district_city(p)));
    }
    match places.as_slice() {
        [] => {}
        [city] => a.city = area_city(city),
        [.., city, region] => {
            a.city = area_city(city);
            if a.region.is_empty() {
                a.region = region.to_string();
            }
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table: `input<TAB>city<TAB>region<TAB>country<TAB>postcode`,
    /// with `\n` for a line break in the input.
    const CASES: &str = include_str!("address_cases.tsv");

    #[test]
    fn every_address_shape_in_the_table_splits_as_written() {
        let mut failures = Vec::new();
        let mut countries = std::collections::BTreeSet::new();
        let mut n = 0;
        for line in CASES.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "a case has five columns: {line:?}");
            let input = cols[0].replace("\\n", "\n");
            let got = parse(&input, None);
            let want = (
                cols[1].to_string(),
                cols[2].to_string(),
                (!cols[3].is_empty()).then(|| cols[3].to_string()),
                (!cols[4].is_empty()).then(|| cols[4].to_string()),
            );
            let have = (
                got.city.clone(),
                got.region.clone(),
                got.country.map(str::to_string),
                got.postcode.clone(),
            );
            if have != want {
                failures.push(format!("{input:?}: got {have:?}, want {want:?}"));
            }
            if let Some(c) = got.country {
                countries.insert(c);
            }
            n += 1;
        }
        assert!(n >= 100, "the table holds {n} shapes");
        assert!(countries.len() >= 10, "{countries:?}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn a_known_country_decides_how_the_rest_is_read() {
        // "WA" is Western Australia in Australia, Washington elsewhere.
        let a = parse("Perth WA 6000", Some("AU"));
        assert_eq!((a.city.as_str(), a.region.as_str()), ("Perth", "WA"));
        let a = parse("Perth, WA 6000", None);
        assert_eq!(a.country, Some("AU"), "the postcode agrees with Australia");
        let a = parse("Seattle, WA 98101", None);
        assert_eq!(a.country, Some("US"));
        // A country column that disagrees with the address keeps its own.
        assert_eq!(parse("Paris, France", Some("US")).country, Some("US"));
        assert_eq!(parse("", None), Address::default());
    }
}

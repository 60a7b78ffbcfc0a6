//! Phone numbers to E.164 with the `phonenumber` crate, keeping extensions
//! and the raw text.
//!
//! Two things on top of the crate:
//! - validity is checked against the crate's own metadata with regexes
//!   compiled once per region (the crate's `is_valid` looks its patterns up
//!   in a shared LRU cache by their text on every call, which costs ~30 µs a
//!   number; this costs ~1 µs and gives the same answer);
//! - a number written in international form whose national part starts with
//!   the digits of a trunk prefix rule (`+33 1 42 68 53 00`) loses a digit in
//!   the crate's parser; when that makes it invalid it is parsed again in
//!   national form.

use std::collections::HashMap;

use phonenumber::country::Id;
use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use phonenumber::{Mode, PhoneNumber};
use regex::Regex;

/// A phone cell, normalized (the default: not a valid number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// E.164 (`+13125550142`) when the text is a valid number.
    pub e164: Option<String>,
    pub extension: Option<String>,
    /// The calling country of a valid number (ISO 3166 alpha-2).
    pub country: Option<String>,
}

/// A metadata pattern, anchored at the start, compiled as the crate does
/// (whitespace in the pattern is ignored).
fn compile(pattern: &str) -> Option<Regex> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})"))
        .ignore_whitespace(true)
        .build()
        .ok()
}

struct DescriptorRe {
    re: Regex,
    lengths: Vec<u16>,
}

impl DescriptorRe {
    fn new(d: &Descriptor) -> Option<Self> {
        Some(DescriptorRe {
            // The crate matches at the start (find + start == 0) and checks
            // the length separately; do the same.
            re: compile(d.national_number().as_str())?,
            lengths: d.possible_length().to_vec(),
        })
    }

    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.re.is_match(national)
    }
}

struct RegionRe {
    general: Option<DescriptorRe>,
    types: Vec<DescriptorRe>,
    leading_digits: Option<Regex>,
}

impl RegionRe {
    fn new(meta: &Metadata) -> Self {
        let d = meta.descriptors();
        let types = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .flatten()
        .filter_map(DescriptorRe::new)
        .collect();
        RegionRe {
            general: DescriptorRe::new(d.general()),
            types,
            leading_digits: meta.leading_digits().and_then(|l| compile(l.as_str())),
        }
    }

    /// The crate's `number_type(..) != Unknown`.
    fn known_type(&self, national: &str) -> bool {
        self.general.as_ref().is_some_and(|g| g.is_match(national))
            && self.types.iter().any(|t| t.is_match(national))
    }
}

/// Normalizes phone cells; keeps compiled patterns and a cache of results.
pub struct PhoneNormalizer {
    regions: HashMap<&'static str, RegionRe>,
    /// Results by region, then by raw text.
    cache: Vec<(Id, HashMap<String, Normalized>)>,
    cached: usize,
}

const CACHE_LIMIT: usize = 100_000;

impl Default for PhoneNormalizer {
    fn default() -> Self {
        Self::new()
    }
}

impl PhoneNormalizer {
    pub fn new() -> Self {
        PhoneNormalizer {
            regions: HashMap::new(),
            cache: Vec::new(),
            cached: 0,
        }
    }

    fn region(&mut self, meta: &'static Metadata) -> &RegionRe {
        self.regions
            .entry(meta.id())
            .or_insert_with(|| RegionRe::new(meta))
    }

    /// The crate's `is_valid`, with patterns compiled once.
    pub fn is_valid(&mut self, n: &PhoneNumber) -> bool {
        self.valid_region(n).is_some()
    }

    /// For a valid number, the region it belongs to (`"001"` for
    /// non-geographic numbers); `None` for an invalid one. The crate's
    /// `country().id()` goes through its slow pattern cache; this does not.
    fn valid_region(&mut self, n: &PhoneNumber) -> Option<&'static str> {
        self.valid_region_of(n.code().value(), &n.national().to_string())
    }

    /// [`Self::valid_region`] of the number with calling code `code` and
    /// national number `national` (its digits).
    fn valid_region_of(&mut self, code: u16, national: &str) -> Option<&'static str> {
        let national = national.to_string();
        let regions = DATABASE.region(&code)?;
        let meta: &'static Metadata = if regions.len() == 1 {
            if regions[0] == "001" {
                DATABASE.by_code(&code).and_then(|m| m.into_iter().next())?
            } else {
                DATABASE.by_id(regions[0])?
            }
        } else {
            let mut found = None;
            for r in regions {
                let Some(meta) = DATABASE.by_id(r) else {
                    continue;
                };
                let re = self.region(meta);
                let hit = match &re.leading_digits {
                    Some(ld) => ld.is_match(&national),
                    None => re.known_type(&national),
                };
                if hit {
                    found = Some(meta);
                    break;
                }
            }
            found?
        };
        self.region(meta).known_type(&national).then(|| meta.id())
    }

    /// Normalize one phone cell. `region` is the country to read national
    /// numbers in (the row's country, else the default region).
    pub fn normalize(&mut self, raw: &str, region: Id) -> Normalized {
        let raw = raw.trim();
        let slot = match self.cache.iter().position(|(r, _)| *r == region) {
            Some(i) => i,
            None => {
                self.cache.push((region, HashMap::new()));
                self.cache.len() - 1
            }
        };
        if let Some(hit) = self.cache[slot].1.get(raw) {
            return hit.clone();
        }
        let out = self.normalize_uncached(raw, region);
        if self.cached >= CACHE_LIMIT {
            for (_, m) in &mut self.cache {
                m.clear();
            }
            self.cached = 0;
        }
        self.cache[slot].1.insert(raw.to_string(), out.clone());
        self.cached += 1;
        out
    }

    fn normalize_uncached(&mut self, raw: &str, region: Id) -> Normalized {
        self.read(raw, region, true)
    }

    /// Without the fast path, for the tests that compare them.
    #[cfg(test)]
    fn normalize_by_the_crate(&mut self, raw: &str, region: Id) -> Normalized {
        self.read(raw.trim(), region, false)
    }

    fn read(&mut self, raw: &str, region: Id, fast: bool) -> Normalized {
        let invalid = Normalized {
            e164: None,
            extension: None,
            country: None,
        };
        let mut text = raw.trim_start_matches('\'').trim().to_string();
        if text.is_empty() {
            return invalid;
        }
        // Excel turns long numbers into 1.3125550142E+10; recover the digits
        // when nothing was lost.
        if let Some(digits) = from_scientific(&text) {
            text = digits;
        }
        if fast {
            if let Some(hit) = self.north_american(&text, region) {
                return hit;
            }
        }
        let international = text.starts_with('+');
        if international {
            // "+44 (0)20 ..." writes the trunk prefix for national callers.
            text = text.replace("(0)", "");
        }
        let Ok(n) = phonenumber::parse(Some(region), &text) else {
            return invalid;
        };
        let (n, country) = match self.valid_region(&n) {
            Some(r) => (n, r),
            None if international => {
                let Some(n) = self.reparse_national(&text) else {
                    return invalid;
                };
                match self.valid_region(&n) {
                    Some(r) => (n, r),
                    None => return invalid,
                }
            }
            None => return invalid,
        };
        Normalized {
            // What `n.format().mode(Mode::E164)` writes, without the
            // national format it looks up first (a regex per number).
            e164: Some(format!("+{}{}", n.code().value(), n.national())),
            extension: n.extension().map(|e| e.to_string()),
            country: (country != "001").then(|| country.to_string()),
        }
    }

    /// The commonest cells without the crate's parser (about 20,000
    /// instructions a number): a valid North American number written as ten
    /// digits, in groups of 3, 3 and 4 (the first in parentheses or not,
    /// separated by a space, a dot or a dash), after "+1" or "1" (or
    /// nothing, when the region is North American). The crate reads these
    /// the same way (code 1, the ten digits, no extension:
    /// `north_american_numbers_read_as_the_crate_reads_them`); anything
    /// else, or an invalid number, goes to the crate.
    fn north_american(&mut self, text: &str, region: Id) -> Option<Normalized> {
        static SHAPE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r"^(\+1[ .-]?|1[ .-]?)?(\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}$")
                .expect("a valid pattern")
        });
        let caps = SHAPE.captures(text)?;
        let prefix = caps.get(1).map_or("", |m| m.as_str());
        let north_american =
            || DATABASE.by_id(region.as_ref()).map(|m| m.country_code()) == Some(1);
        if !prefix.starts_with('+') && !north_american() {
            return None;
        }
        let rest = &text[prefix.len()..];
        let national: String = rest.chars().filter(char::is_ascii_digit).collect();
        let country = self.valid_region_of(1, &national)?;
        Some(Normalized {
            e164: Some(format!("+1{national}")),
            extension: None,
            country: (country != "001").then(|| country.to_string()),
        })
    }

    /// Parse `+CC rest` again as the country's national form (its trunk
    /// prefix followed by `rest`).
    fn reparse_national(&mut self, text: &str) -> Option<PhoneNumber> {
        let digits: String = text
            .chars()
            .take_while(|c| !c.is_alphabetic() && *c != '#' && *c != ';' && *c != ',')
            .filter(char::is_ascii_digit)
            .collect();
        let ext_start = text
            .char_indices()
            .find(|(_, c)| c.is_alphabetic() || *c == '#' || *c == ';' || *c == ',')
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        let ext = &text[ext_start..];
        for len in 1..=3.min(digits.len()) {
            let Ok(code) = digits[..len].parse::<u16>() else {
                continue;
            };
            let Some(regions) = DATABASE.region(&code) else {
                continue;
            };
            for r in regions {
                let Some(meta) = DATABASE.by_id(r) else {
                    continue;
                };
                let Ok(id) = r.parse::<Id>() else {
                    continue;
                };
                let prefix = meta.national_prefix().unwrap_or("");
                let national = format!("{prefix}{} {ext}", &digits[len..]);
                if let Ok(n) = phonenumber::parse(Some(id), national.trim()) {
                    if n.code().value() == code && self.is_valid(&n) {
                        return Some(n);
                    }
                }
            }
            return None;
        }
        None
    }
}

/// "1.3125550142E+10" -> "13125550142" when the mantissa holds every digit.
fn from_scientific(s: &str) -> Option<String> {
    let (mantissa, exp) = s.split_once(['E', 'e'])?;
    let exp: usize = exp.trim_start_matches('+').parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.len() != 1
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() != exp
        || !(6..=14).contains(&exp)
    {
        return None;
    }
    Some(format!("{int}{frac}"))
}

/// A saved number as a person reads it: in national format when it shares
/// the calling code of `home` (the rep's region: "(312) 555-0142" for a US
/// rep), else in international format ("+49 30 12345678"); the extension
/// after " ext. ". A number that does not parse is shown as saved.
pub fn display(e164: &str, extension: Option<&str>, home: Option<Id>) -> String {
    let base = match phonenumber::parse(None, e164) {
        Ok(n) => {
            let home_code = home
                .and_then(|h| DATABASE.by_id(h.as_ref()))
                .map(|m| m.country_code());
            let mode = if home_code == Some(n.code().value()) {
                Mode::National
            } else {
                Mode::International
            };
            n.format().mode(mode).to_string()
        }
        Err(_) => e164.to_string(),
    };
    match extension.filter(|x| !x.is_empty()) {
        Some(x) => format!("{base} ext. {x}"),
        None => base,
    }
}

/// Parse a two-letter region code for phone numbers.
pub fn parse_region(code: &str) -> Option<Id> {
    let c = code.trim().to_ascii_uppercase();
    if c.len() != 2 {
        return None;
    }
    let id = c.parse::<Id>().ok()?;
    DATABASE.by_id(id.as_ref()).map(|_| id)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_number_shows_as_its_reader_writes_it() {
        let us = parse_region("US");
        assert_eq!(display("+13125550142", None, us), "(312) 555-0142");
        assert_eq!(
            display("+13125550142", Some("12"), us),
            "(312) 555-0142 ext. 12"
        );
        assert_eq!(display("+493012345678", None, us), "+49 30 12345678");
        assert_eq!(
            display("+493012345678", None, parse_region("DE")),
            "030 12345678"
        );
        assert_eq!(display("+13125550142", None, None), "+1 312-555-0142");
        assert_eq!(display("not a number", None, us), "not a number");
    }

    use super::*;

    fn norm(raw: &str, region: &str) -> (Option<String>, Option<String>) {
        let mut n = PhoneNormalizer::new();
        let r = n.normalize(raw, parse_region(region).unwrap());
        (r.e164, r.extension)
    }

    #[test]
    fn common_formats_become_e164_with_extensions() {
        let e = |s: &str| Some(s.to_string());
        assert_eq!(norm("(312) 555-0142", "US"), (e("+13125550142"), None));
        assert_eq!(norm("+1 312 555-0112", "US"), (e("+13125550112"), None));
        assert_eq!(norm("312.555.0137", "US"), (e("+13125550137"), None));
        assert_eq!(norm("16025550109", "US"), (e("+16025550109"), None));
        assert_eq!(norm("+44 20 7946 0294", "US"), (e("+442079460294"), None));
        assert_eq!(norm("020 7946 0791", "GB"), (e("+442079460791"), None));
        assert_eq!(
            norm("+44 (0)20 7946 0294", "US"),
            (e("+442079460294"), None)
        );
        assert_eq!(norm("+33 1 42 68 53 00", "US"), (e("+33142685300"), None));
        assert_eq!(norm("+353 1 234 5678", "US"), (e("+35312345678"), None));
        assert_eq!(norm("'+1 312 555 0142", "US"), (e("+13125550142"), None));
        assert_eq!(norm("1.3125550142E+10", "US"), (e("+13125550142"), None));
        assert_eq!(
            norm("+1 (512) 555-0147 ext. 12", "US"),
            (e("+15125550147"), e("12"))
        );
        assert_eq!(norm("512-555-0194 x12", "US"), (e("+15125550194"), e("12")));
        assert_eq!(
            norm("312 555 0142 ext 7", "US"),
            (e("+13125550142"), e("7"))
        );
        assert_eq!(norm("not a phone", "US"), (None, None));
        assert_eq!(norm("555-0142", "US"), (None, None));
        assert_eq!(norm("020 7946 0791", "US"), (None, None));
        assert_eq!(norm("", "US"), (None, None));
    }

    #[test]
    fn north_american_numbers_read_as_the_crate_reads_them() {
        let mut fast = PhoneNormalizer::new();
        let mut crate_only = PhoneNormalizer::new();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut fast_hits = 0;
        for i in 0..4000 {
            let area = [
                "312", "212", "416", "876", "800", "555", "123", "999", "604", "787",
            ][next(10) as usize];
            let exch = format!("{:03}", next(1000));
            let line = format!("{:04}", next(10000));
            let text = match i % 12 {
                0 => format!("({area}) {exch}-{line}"),
                1 => format!("+1 {area} {exch}-{line}"),
                2 => format!("{area}.{exch}.{line}"),
                3 => format!("1{area}{exch}{line}"),
                4 => format!("{area}-{exch}-{line}"),
                5 => format!("+1 ({area}) {exch}-{line}"),
                6 => format!("+1{area}{exch}{line}"),
                7 => format!("1 {area} {exch} {line}"),
                8 => format!("{area}{exch}{line}"),
                9 => format!("1-{area}-{exch}-{line}"),
                10 => format!("({area}){exch}-{line}"),
                _ => format!("+1.{area}.{exch}.{line}"),
            };
            for region in ["US", "CA", "JM", "GB", "FR", "DE"] {
                let id = parse_region(region).unwrap();
                let expected = crate_only.normalize_by_the_crate(&text, id);
                if let Some(got) = fast.north_american(&text, id) {
                    fast_hits += 1;
                    assert_eq!(got, expected, "{text} in {region}");
                }
                assert_eq!(fast.normalize(&text, id), expected, "{text} in {region}");
            }
        }
        assert!(fast_hits > 5000, "{fast_hits}");
    }

    #[test]
    fn fast_validity_agrees_with_the_crate() {
        let mut n = PhoneNormalizer::new();
        let samples = [
            ("(312) 555-0142", "US"),
            ("(999) 555-0142", "US"),
            ("(212) 736-5000", "US"),
            ("+1 416 555 0199", "US"),
            ("+1 876 555 0199", "US"),
            ("+1 800 555 0199", "US"),
            ("+44 20 7946 0294", "US"),
            ("+44 7700 900123", "US"),
            ("+49 30 1234567", "US"),
            ("+61 2 9374 4000", "US"),
            ("+91 98765 43210", "US"),
            ("+7 495 123 45 67", "US"),
            ("+7 727 123 4567", "US"),
            ("+39 06 1234 5678", "US"),
            ("+800 1234 5678", "US"),
            ("01 42 68 53 00", "FR"),
            ("030 1234567", "DE"),
            ("12", "US"),
        ];
        for (s, r) in samples {
            let id = parse_region(r).unwrap();
            if let Ok(p) = phonenumber::parse(Some(id), s) {
                assert_eq!(n.is_valid(&p), phonenumber::is_valid(&p), "{s}");
                if n.is_valid(&p) {
                    // E.164 written as the crate writes it (Italian numbers
                    // keep their leading zero).
                    assert_eq!(
                        n.normalize(s, id).e164,
                        Some(p.format().mode(phonenumber::Mode::E164).to_string()),
                        "{s}"
                    );
                }
            }
        }
    }
}

//! One CSV row to one prospect as it will be saved: cleaned cells, phones in
//! E.164, country and state codes, the time zone, the theme, the columns no
//! field reads kept as JSON. A row that cannot become a callable prospect
//! gives the reason instead.

use std::borrow::Cow;

use phonenumber::country::Id;

use crate::domain::ThemeKind;
use crate::error::quoted;
use crate::text::{self, Lines, Rule};

use super::address;
use super::geo;
use super::group;
use super::mapping::{Field, Mapping, PHONE_FIELDS};
use super::phone::{parse_region, PhoneNormalizer};
use super::reader::Record;

/// A phone as it will be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneOut {
    pub kind: &'static str,
    pub e164: Option<String>,
    pub extension: Option<String>,
    pub raw: String,
}

/// A row as it will be saved.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub city: String,
    pub region: String,
    pub country: String,
    pub time_zone: Option<String>,
    /// The row says where the prospect is (time zone, country or region):
    /// an update then replaces a known zone even with "unknown".
    pub location_given: bool,
    pub industry: String,
    pub employees: String,
    pub phones: Vec<PhoneOut>,
    pub crm_id: Option<String>,
    /// Other columns, as a JSON object.
    pub extra: String,
    pub theme: Option<(String, ThemeKind)>,
    pub warnings: Vec<String>,
    /// Hashes of the match keys (CRM id, e-mail, name and company), computed
    /// on the reading thread.
    pub keys: super::keys::MatchKeys,
}

impl Candidate {
    /// The row's dialable numbers: (E.164, extension).
    pub fn listed_values(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.phones
            .iter()
            .filter_map(|p| Some((p.e164.as_deref()?, p.extension.as_deref())))
    }
}

/// How rows are grouped into themes, resolved against the file's columns.
#[derive(Debug, Clone)]
pub enum ThemeRule {
    None,
    Named(String),
    Field(Field),
    Column(usize),
}

/// Where the row's country came from: said when a number is not valid in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountryFrom {
    Column,
    Address,
    Default,
}

pub struct Converter {
    /// The columns each field reads (by [`field_index`]), its own first.
    columns: Vec<Vec<usize>>,
    headers: Vec<String>,
    /// Unmapped columns and their JSON-escaped keys.
    extra_columns: Vec<(usize, String)>,
    default_region: Id,
    default_country: String,
    theme: ThemeRule,
    phones: PhoneNormalizer,
}

fn field_index(f: Field) -> usize {
    Field::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

/// Append `s` to `out` as a JSON string.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A cell as text, normalized as every text that comes in (see
/// [`crate::text`]); an apostrophe that a spreadsheet export put in front of
/// `=`, `+`, `-` or `@` is removed (the text is stored as text either way
/// and escaped again on export). Multi-line: line breaks are kept.
pub fn clean_cell(cell: &str) -> Cow<'_, str> {
    strip_formula_guard(text::normalize(cell, Lines::Many))
}

/// A cell for a one-line field: line breaks and tabs become spaces.
fn one_line(cell: &str) -> Cow<'_, str> {
    strip_formula_guard(text::normalize(cell, Lines::One))
}

fn strip_formula_guard(t: Cow<'_, str>) -> Cow<'_, str> {
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => match t {
            Cow::Borrowed(b) => Cow::Borrowed(&b[1..]),
            Cow::Owned(mut o) => {
                o.remove(0);
                Cow::Owned(o)
            }
        },
        _ => t,
    }
}

pub use crate::text::valid_email;

fn cut_warning(header: &str, rule: Rule, n: usize) -> String {
    let name = if header.is_empty() {
        rule.field
    } else {
        header
    };
    format!(
        "{name} is {n} characters long; cut to the first {}",
        rule.max_chars
    )
}

const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mx"];

/// Split a full name: "Doe, Jane" or "Jane Doe" (the first word is the first
/// name, the rest the last name).
pub fn split_full_name(full: &str) -> (String, String) {
    if let Some((last, first)) = full.split_once(',') {
        return (first.trim().to_string(), last.trim().to_string());
    }
    let mut words: Vec<&str> = full.split_whitespace().collect();
    while words.len() > 1
        && HONORIFICS.contains(&words[0].trim_end_matches('.').to_ascii_lowercase().as_str())
    {
        words.remove(0);
    }
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (one.to_string(), String::new()),
        [first, rest @ ..] => (first.to_string(), rest.join(" ")),
    }
}

impl Converter {
    /// `region`: the default region for numbers without a country code.
    pub fn new(mapping: &Mapping, theme: ThemeRule, region: Id) -> Converter {
        let mut columns = vec![Vec::new(); Field::ALL.len()];
        for e in &mapping.entries {
            columns[field_index(e.field)].push(e.column as usize);
        }
        let extra_columns = (0..mapping.headers.len())
            .filter(|&i| mapping.field_of(i).is_none())
            .map(|i| {
                let mut key = String::new();
                push_json_str(&mut key, &mapping.headers[i]);
                (i, key)
            })
            .collect();
        Converter {
            columns,
            headers: mapping.headers.clone(),
            extra_columns,
            default_region: region,
            default_country: region.as_ref().to_string(),
            theme,
            phones: PhoneNormalizer::new(),
        }
    }

    /// The field's cell: its first column that is not empty.
    fn line_cell<'r>(&self, rec: &'r Record, f: Field) -> Cow<'r, str> {
        let mut first = Cow::Borrowed("");
        for (i, &c) in self.columns[field_index(f)].iter().enumerate() {
            let cell = one_line(rec.get(c));
            if i == 0 || !cell.is_empty() {
                first = cell;
            }
            if !first.is_empty() {
                break;
            }
        }
        first
    }

    fn header_of(&self, f: Field) -> &str {
        self.column_header(self.columns[field_index(f)].first().copied())
    }

    fn column_header(&self, c: Option<usize>) -> &str {
        c.and_then(|c| self.headers.get(c))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The prospect a row becomes, or why it cannot.
    pub fn convert(&mut self, rec: &Record) -> Result<Candidate, String> {
        self.check_width(rec)?;
        let mut c = Candidate::default();
        if rec.invalid_utf8 {
            c.warnings.push(
                "holds bytes that are not UTF-8 text, shown as \u{FFFD}; the file may mix \
                 encodings: check this row in its CRM"
                    .to_string(),
            );
        }
        if rec.nul_bytes {
            c.warnings
                .push("holds NUL bytes (a damaged export?); they were removed".to_string());
        }

        // Where: the country first, as phone numbers are read in it; from
        // the country column, else from a one-cell address.
        let country_cell = self.line_cell(rec, Field::Country);
        let mut country_code: Option<&'static str> = geo::country(&country_cell).map(|c| c.0);
        let mut from = CountryFrom::Column;
        let mut region_cell = self.line_cell(rec, Field::Region).into_owned();
        let mut city = self.line_cell(rec, Field::City).into_owned();
        let mut address_given = false;
        // Each address column in turn (the person's, then the company's)
        // fills what is still unknown.
        for &col in &self.columns[field_index(Field::Address)] {
            if country_code.is_some() && !region_cell.is_empty() && !city.is_empty() {
                break;
            }
            let cell = clean_cell(rec.get(col));
            if cell.is_empty() {
                continue;
            }
            let a = address::parse(&cell, country_code);
            if country_code.is_none() && a.country.is_some() {
                country_code = a.country;
                from = CountryFrom::Address;
                address_given = true;
            }
            if a.country.is_none() || a.country != country_code {
                // Nothing more from an address of another (or no) country,
                // but its city when there is none.
                if city.is_empty() && a.country.is_none() {
                    city = a.city;
                }
                continue;
            }
            if region_cell.is_empty() && !a.region.is_empty() {
                region_cell = a.region;
                address_given = true;
            }
            if city.is_empty() && !a.city.is_empty() {
                city = a.city;
            }
        }
        if country_code.is_none() && country_cell.is_empty() {
            from = CountryFrom::Default;
        }
        self.read_phones(
            rec,
            &mut c,
            &mut country_code,
            country_cell.is_empty(),
            from,
        )?;
        if country_code.is_none() && country_cell.is_empty() {
            country_code = geo::country(&self.default_country).map(|c| c.0);
        }
        c.country = match country_code {
            Some(code) => code.to_string(),
            None => country_cell.to_string(),
        };
        c.region = match country_code.and_then(|cc| geo::state(cc, &region_cell)) {
            Some((code, _)) => code.to_string(),
            None => region_cell.clone(),
        };
        c.city = city;
        let zone_given = self.time_zone(rec, &mut c, country_code, &region_cell);
        c.location_given =
            zone_given || !country_cell.is_empty() || !region_cell.is_empty() || address_given;

        self.person(rec, &mut c);
        self.extra(rec, &mut c);
        self.clip_fields(&mut c);
        c.theme = self.theme_for(rec, &c, country_code);
        c.keys = super::keys::MatchKeys::of(
            c.crm_id.as_deref(),
            c.email.as_deref(),
            &c.first_name,
            &c.last_name,
            &c.company,
        );
        Ok(c)
    }

    /// The words that say which country a number was read in, and why.
    fn read_in(&self, region: Id, from: CountryFrom) -> String {
        let name = geo::country_name(region.as_ref()).unwrap_or(region.as_ref());
        match from {
            CountryFrom::Column => format!("{name}, the row's country"),
            CountryFrom::Address => format!("{name}, from the row's address"),
            CountryFrom::Default => format!(
                "{name}, the default region: the row names no country (map its country or \
                 address column, or choose another region)"
            ),
        }
    }

    /// As many fields as the header, or more that are empty.
    fn check_width(&self, rec: &Record) -> Result<(), String> {
        let n = self.headers.len();
        if rec.len() < n || (rec.len() > n && (n..rec.len()).any(|i| !rec.get(i).trim().is_empty()))
        {
            return Err(format!(
                "has {} fields where the header has {} (a quote or a line break may be missing)",
                rec.len(),
                n
            ));
        }
        Ok(())
    }

    /// The row's phones, in dialling order, read in the row's country (else
    /// the default region); the same number twice is kept once. When the row
    /// names no country, the first valid number tells it. A row without a
    /// dialable number is refused.
    fn read_phones(
        &mut self,
        rec: &Record,
        c: &mut Candidate,
        country_code: &mut Option<&'static str>,
        no_country_cell: bool,
        from: CountryFrom,
    ) -> Result<(), String> {
        let (phone_region, from) = match country_code.and_then(parse_region) {
            Some(r) => (r, from),
            None => (self.default_region, CountryFrom::Default),
        };
        let mut raw_cells: Vec<Cow<'_, str>> = Vec::new();
        let cells = PHONE_FIELDS.iter().flat_map(|&(field, kind)| {
            self.columns[field_index(field)]
                .iter()
                .map(move |&col| (col, kind))
        });
        for (col, kind) in cells {
            let raw = one_line(rec.get(col));
            if raw.is_empty() {
                continue;
            }
            // No number is that long: not parsed, kept (cut) as text.
            let (raw, too_long) = match text::cut(text::PHONE, &raw) {
                Some((cut, _)) => (Cow::Owned(cut), true),
                None => (raw, false),
            };
            raw_cells.push(raw.clone());
            let raw = raw.as_ref();
            let norm = if too_long {
                Default::default()
            } else {
                self.phones.normalize(raw, phone_region)
            };
            let dup = c.phones.iter().any(|p| match (&p.e164, &norm.e164) {
                (Some(a), Some(b)) => a == b && p.extension == norm.extension,
                (None, None) => p.raw == raw,
                _ => false,
            });
            if dup {
                continue;
            }
            if norm.e164.is_none() {
                c.warnings.push(format!(
                    "{} {} is not a valid phone number (read in {}); kept as text, not dialled",
                    self.column_header(Some(col)),
                    quoted(raw),
                    self.read_in(phone_region, from)
                ));
            } else if country_code.is_none() && no_country_cell {
                // The first valid number tells the country the row leaves out.
                if let Some(cc) = norm.country.as_deref().and_then(geo::country) {
                    *country_code = Some(cc.0);
                }
            }
            c.phones.push(PhoneOut {
                kind,
                e164: norm.e164,
                extension: norm.extension,
                raw: raw.to_string(),
            });
        }
        if raw_cells.is_empty() {
            return Err("no phone number".to_string());
        }
        if c.phones.iter().all(|p| p.e164.is_none()) {
            return Err(format!(
                "no dialable phone number ({}: not valid in {})",
                raw_cells
                    .iter()
                    .map(|r| quoted(r))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.read_in(phone_region, from)
            ));
        }
        Ok(())
    }

    /// When: the file's zone column, else the location. Returns whether the
    /// row has a zone cell.
    fn time_zone(
        &self,
        rec: &Record,
        c: &mut Candidate,
        country_code: Option<&str>,
        region_cell: &str,
    ) -> bool {
        let location = geo::zone_for_location(country_code, region_cell, &c.city);
        let tz_cell = self.line_cell(rec, Field::TimeZone);
        let mut zone = None;
        if !tz_cell.is_empty() {
            zone = geo::parse_zone_text(&tz_cell, country_code, location);
            if zone.is_none() {
                c.warnings.push(format!(
                    "time zone {} is not recognized; {}",
                    quoted(&tz_cell),
                    if location.is_some() {
                        "taken from the location instead"
                    } else {
                        "time zone unknown"
                    }
                ));
            }
        }
        c.time_zone = zone.or(location).map(|z| z.name().to_string());
        !tz_cell.is_empty()
    }

    /// Who: the name (split from a full name when there is no first or last
    /// name), title, company, industry, size and CRM id.
    fn person(&self, rec: &Record, c: &mut Candidate) {
        c.first_name = self.line_cell(rec, Field::FirstName).into_owned();
        c.last_name = self.line_cell(rec, Field::LastName).into_owned();
        if c.first_name.is_empty() && c.last_name.is_empty() {
            let full = self.line_cell(rec, Field::FullName);
            (c.first_name, c.last_name) = split_full_name(&full);
        }
        c.title = self.line_cell(rec, Field::Title).into_owned();
        c.company = self.line_cell(rec, Field::Company).into_owned();
        c.industry = self.line_cell(rec, Field::Industry).into_owned();
        c.employees = self.line_cell(rec, Field::Employees).into_owned();
        let crm = self.line_cell(rec, Field::CrmId);
        c.crm_id = (!crm.is_empty()).then(|| crm.into_owned());
    }

    /// Fields longer than their limit (see [`crate::text`]) cut to it, with
    /// a warning: one overlong cell does not cost the row.
    fn clip_fields(&self, c: &mut Candidate) {
        let fields: [(&mut String, Rule, Field); 9] = [
            (&mut c.first_name, text::FIRST_NAME, Field::FirstName),
            (&mut c.last_name, text::LAST_NAME, Field::LastName),
            (&mut c.title, text::TITLE, Field::Title),
            (&mut c.company, text::COMPANY, Field::Company),
            (&mut c.city, text::CITY, Field::City),
            (&mut c.region, text::REGION, Field::Region),
            (&mut c.country, text::COUNTRY, Field::Country),
            (&mut c.industry, text::INDUSTRY, Field::Industry),
            (&mut c.employees, text::EMPLOYEES, Field::Employees),
        ];
        // The values are normalized already (`line_cell`): only cut.
        for (value, rule, field) in fields {
            if let Some((cut, n)) = text::cut(rule, value) {
                c.warnings.push(cut_warning(self.header_of(field), rule, n));
                *value = cut;
            }
        }
        if let Some(id) = &c.crm_id {
            if let Some((cut, n)) = text::cut(text::CRM_ID, id) {
                c.warnings
                    .push(cut_warning(self.header_of(Field::CrmId), text::CRM_ID, n));
                c.crm_id = Some(cut);
            }
        }
    }

    /// The e-mail when it is one; other columns, and an e-mail that is not
    /// one, kept as JSON in `extra`.
    fn extra(&self, rec: &Record, c: &mut Candidate) {
        let mut extra = String::from("{");
        // The first e-mail is the prospect's; the others are kept as extra
        // values under their headers.
        for &col in &self.columns[field_index(Field::Email)] {
            let email = one_line(rec.get(col));
            if email.is_empty() {
                continue;
            }
            let valid = email.len() <= text::EMAIL.max_chars && valid_email(&email);
            if valid && c.email.is_none() {
                c.email = Some(email.into_owned());
                continue;
            }
            if !valid {
                c.warnings.push(format!(
                    "{} {} is not an e-mail address; kept with the other columns",
                    self.column_header(Some(col)),
                    quoted(&email)
                ));
            } else if c
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&email))
            {
                continue;
            }
            if extra.len() > 1 {
                extra.push(',');
            }
            push_json_str(&mut extra, self.column_header(Some(col)));
            extra.push(':');
            push_json_str(&mut extra, &email);
        }
        for (i, key) in &self.extra_columns {
            let v = clean_cell(rec.get(*i));
            if v.is_empty() {
                continue;
            }
            let v = match text::cut(text::EXTRA_VALUE, &v) {
                Some((cut, n)) => {
                    let header = self.headers.get(*i).map(String::as_str).unwrap_or("");
                    c.warnings.push(cut_warning(header, text::EXTRA_VALUE, n));
                    Cow::Owned(cut)
                }
                None => v,
            };
            if extra.len() > 1 {
                extra.push(',');
            }
            extra.push_str(key);
            extra.push(':');
            push_json_str(&mut extra, &v);
        }
        extra.push('}');
        c.extra = extra;
    }

    fn theme_for(
        &self,
        rec: &Record,
        c: &Candidate,
        country_code: Option<&str>,
    ) -> Option<(String, ThemeKind)> {
        let name = match &self.theme {
            ThemeRule::None => return None,
            ThemeRule::Named(n) => return Some((group::clip_theme_name(n), ThemeKind::Custom)),
            ThemeRule::Column(i) => one_line(rec.get(*i)).into_owned(),
            ThemeRule::Field(f) => match f {
                Field::Region => match country_code.and_then(|cc| geo::state(cc, &c.region)) {
                    Some((_, name)) => name.to_string(),
                    None => c.region.clone(),
                },
                Field::Country => geo::country_name(&c.country)
                    .map(str::to_string)
                    .unwrap_or_else(|| c.country.clone()),
                Field::Employees => match group::employee_band(&c.employees) {
                    Some(b) => group::size_theme_name(b),
                    None => String::new(),
                },
                Field::Title => {
                    if c.title.is_empty() {
                        String::new()
                    } else {
                        group::role_family(&c.title).theme_name().to_string()
                    }
                }
                Field::Industry => c.industry.clone(),
                Field::City => c.city.clone(),
                Field::Company => c.company.clone(),
                Field::TimeZone => c.time_zone.clone().unwrap_or_default(),
                other => self.line_cell(rec, *other).into_owned(),
            },
        };
        let name = group::clip_theme_name(&name);
        if name.is_empty() {
            return None;
        }
        let kind = match &self.theme {
            ThemeRule::Field(f) => group::theme_kind_for(*f),
            _ => ThemeKind::Custom,
        };
        Some((name, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::mapping::suggest_mapping;

    fn converter(headers: &str, theme: ThemeRule) -> Converter {
        let h: Vec<String> = headers.split(',').map(str::to_string).collect();
        Converter::new(&suggest_mapping(&h), theme, parse_region("US").unwrap())
    }

    #[test]
    fn a_row_becomes_a_clean_prospect() {
        let mut conv = converter(
            "Record ID,Full Name,Email,Phone,Mobile,Company,State,Country,Time Zone,Notes,Employees",
            ThemeRule::Field(Field::Region),
        );
        let rec = Record::from_fields(
            7,
            &[
                " 42 ",
                "Dr. Jane Q. Doe",
                "JANE@Acme.example",
                "(312) 555-0142 x12",
                "+1 312 555 0142 ext. 12",
                "Acme\nLogistics",
                "Texas",
                "",
                "",
                "=HYPERLINK(\"x\")",
                "51-200",
            ],
        );
        let c = conv.convert(&rec).unwrap();
        assert_eq!(
            (c.first_name.as_str(), c.last_name.as_str()),
            ("Jane", "Q. Doe")
        );
        assert_eq!(c.company, "Acme Logistics");
        assert_eq!(c.email.as_deref(), Some("JANE@Acme.example"));
        assert_eq!(c.crm_id.as_deref(), Some("42"));
        assert_eq!(c.phones.len(), 1, "the same number twice is kept once");
        assert_eq!(c.phones[0].e164.as_deref(), Some("+13125550142"));
        assert_eq!(c.phones[0].extension.as_deref(), Some("12"));
        assert_eq!(c.phones[0].raw, "(312) 555-0142 x12");
        assert_eq!((c.country.as_str(), c.region.as_str()), ("US", "TX"));
        assert_eq!(c.time_zone.as_deref(), Some("America/Chicago"));
        assert_eq!(c.extra, r#"{"Notes":"=HYPERLINK(\"x\")"}"#);
        assert_eq!(c.theme, Some(("Texas".to_string(), ThemeKind::Geography)));
        let v: serde_json::Value = serde_json::from_str(&c.extra).unwrap();
        assert_eq!(v["Notes"], "=HYPERLINK(\"x\")");
    }

    #[test]
    fn rows_without_a_dialable_number_are_refused_with_the_reason() {
        let mut conv = converter("Name,Phone,Mobile", ThemeRule::None);
        let e = conv
            .convert(&Record::from_fields(2, &["Ann", "", " "]))
            .unwrap_err();
        assert_eq!(e, "no phone number");
        let e = conv
            .convert(&Record::from_fields(3, &["Ann", "n/a", "12"]))
            .unwrap_err();
        assert!(
            e.contains("no dialable phone number") && e.contains("\"n/a\""),
            "{e}"
        );
        let e = conv.convert(&Record::from_fields(4, &["Ann"])).unwrap_err();
        assert!(e.contains("has 1 fields where the header has 3"), "{e}");
        // One bad number beside a good one: kept as text, with a warning.
        let c = conv
            .convert(&Record::from_fields(
                5,
                &["Ann", "not a phone", "13035550116"],
            ))
            .unwrap();
        assert_eq!(c.phones.len(), 2);
        assert_eq!(c.phones[0].e164, None);
        assert_eq!(c.phones[1].e164.as_deref(), Some("+13035550116"));
        assert_eq!(c.warnings.len(), 1);
        // Without country or state the zone is unknown, not guessed.
        assert_eq!(c.time_zone, None);
        assert_eq!(c.country, "US");
    }

    #[test]
    fn names_and_emails() {
        assert_eq!(split_full_name("Doe, Jane"), ("Jane".into(), "Doe".into()));
        assert_eq!(split_full_name("Mr. Bob"), ("Bob".into(), "".into()));
        assert_eq!(
            split_full_name("Anne van der Berg"),
            ("Anne".into(), "van der Berg".into())
        );
        assert!(valid_email("a.b@c.example"));
        for bad in ["n/a", "a@b", "a b@c.d", "@c.d", "a@@c.d", "a@c.d, b@e.f"] {
            assert!(!valid_email(bad), "{bad}");
        }
        assert_eq!(clean_cell(" '=1+1 "), "=1+1");
        assert_eq!(clean_cell("'plain"), "'plain");
    }
}

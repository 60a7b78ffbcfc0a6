//! Which column holds which field: suggested from the header names of the
//! exports people have (HubSpot, Salesforce, Apollo, Pipedrive, ZoomInfo and
//! the like), shown to the user, corrected with `FIELD=HEADER`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::error::ImportError;

macro_rules! fields {
    ($($variant:ident = $name:literal / $label:literal),+ $(,)?) => {
        /// A prospect field a column can be mapped to. The names are stable:
        /// the CLI's `--map FIELD=HEADER` uses them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $($variant),+ }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The stable name (`first_name`, `phone`, ...).
            pub fn as_str(self) -> &'static str {
                match self { $(Field::$variant => $name),+ }
            }

            /// The words shown to a user.
            pub fn label(self) -> &'static str {
                match self { $(Field::$variant => $label),+ }
            }
        }
    };
}

fields! {
    CrmId = "crm_id" / "CRM record id",
    FirstName = "first_name" / "First name",
    LastName = "last_name" / "Last name",
    FullName = "full_name" / "Full name",
    Title = "title" / "Job title",
    Company = "company" / "Company",
    Email = "email" / "E-mail",
    Phone = "phone" / "Phone",
    DirectPhone = "direct_phone" / "Direct phone",
    Mobile = "mobile" / "Mobile phone",
    CorporatePhone = "corporate_phone" / "Corporate phone",
    OtherPhone = "other_phone" / "Other phone",
    City = "city" / "City",
    Region = "region" / "State or region",
    Country = "country" / "Country",
    Industry = "industry" / "Industry",
    Employees = "employees" / "Employees",
    TimeZone = "time_zone" / "Time zone",
    Address = "address" / "Address (one cell)",
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The phone fields, in the order their numbers are dialled, with the kind
/// each is stored as.
pub const PHONE_FIELDS: [(Field, &str); 5] = [
    (Field::DirectPhone, "direct"),
    (Field::Phone, "office"),
    (Field::Mobile, "mobile"),
    (Field::CorporatePhone, "corporate"),
    (Field::OtherPhone, "other"),
];

impl Field {
    /// Parse a field name as the CLI takes it: the stable name, forgiving
    /// about case, dashes and a few synonyms (`state`, `mobile_phone`).
    pub fn parse(s: &str) -> Result<Field, ImportError> {
        let t = compact(s);
        let found = Field::ALL
            .iter()
            .copied()
            .find(|f| compact(f.as_str()) == t)
            .or(match t.as_str() {
                "id" | "recordid" => Some(Field::CrmId),
                "first" => Some(Field::FirstName),
                "last" | "surname" => Some(Field::LastName),
                "name" => Some(Field::FullName),
                "jobtitle" => Some(Field::Title),
                "companyname" | "account" => Some(Field::Company),
                "mail" | "emailaddress" => Some(Field::Email),
                "phonenumber" | "officephone" | "workphone" => Some(Field::Phone),
                "direct" | "directdial" => Some(Field::DirectPhone),
                "mobilephone" | "cell" | "cellphone" => Some(Field::Mobile),
                "corporate" | "companyphone" | "switchboard" => Some(Field::CorporatePhone),
                "state" | "province" => Some(Field::Region),
                "employeecount" | "employeeband" | "size" => Some(Field::Employees),
                "timezone" | "tz" => Some(Field::TimeZone),
                "location" | "fulladdress" => Some(Field::Address),
                _ => None,
            });
        found.ok_or_else(|| ImportError::UnknownField {
            name: s.to_string(),
            known: Field::ALL
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    pub fn is_phone(self) -> bool {
        PHONE_FIELDS.iter().any(|(f, _)| *f == self)
    }

    /// Fields several columns may feed: every phone (the extra columns are
    /// the prospect's other numbers) and the e-mail (the first valid one is
    /// the prospect's; the others are kept with the extra values).
    pub fn takes_many(self) -> bool {
        self.is_phone() || self == Field::Email
    }

    /// Fields that read several columns: the phones and e-mails (all of
    /// them kept) and where the prospect is (the first column that is not
    /// empty: the person's city, else their company's).
    pub fn reads_several(self) -> bool {
        self.takes_many() || self.is_location()
    }

    /// Fields of where the prospect is: a person's own beats their company's.
    fn is_location(self) -> bool {
        matches!(
            self,
            Field::City | Field::Region | Field::Country | Field::Address | Field::TimeZone
        )
    }
}

/// Lowercase letters and digits only: "Company / Account" -> "companyaccount".
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header names (compacted) that mean each field, most specific first.
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::CrmId,
        &[
            "recordid",
            "contactid",
            "leadid",
            "personid",
            "prospectid",
            "crmid",
            "hubspotid",
            "hubspotcontactid",
            "salesforceid",
            "sfdcid",
            "apollocontactid",
            "apolloid",
            "zoominfocontactid",
            "zoominfoid",
            "pipedriveid",
            "externalid",
            "id",
        ],
    ),
    (
        Field::FirstName,
        &[
            "firstname",
            "first",
            "givenname",
            "fname",
            "forename",
            "contactfirstname",
            "personfirstname",
            "leadfirstname",
        ],
    ),
    (
        Field::LastName,
        &[
            "lastname",
            "last",
            "surname",
            "familyname",
            "lname",
            "contactlastname",
            "personlastname",
            "leadlastname",
        ],
    ),
    (
        Field::FullName,
        &[
            "fullname",
            "name",
            "contactname",
            "personname",
            "leadname",
            "prospectname",
            "contact",
            "person",
        ],
    ),
    (
        Field::Title,
        &[
            "title",
            "jobtitle",
            "position",
            "designation",
            "jobposition",
            "persontitle",
            "contacttitle",
            "persontitle",
            "role",
        ],
    ),
    (
        Field::Company,
        &[
            "company",
            "companyname",
            "companyaccount",
            "account",
            "accountname",
            "organization",
            "organisation",
            "organizationname",
            "organisationname",
            "orgname",
            "employer",
            "companynameforemails",
            "personorganization",
            "associatedcompany",
            "organizationname",
        ],
    ),
    (
        Field::Email,
        &[
            "email",
            "emailaddress",
            "workemail",
            "businessemail",
            "emailwork",
            "primaryemail",
            "personemail",
            "personemailwork",
            "contactemail",
            "email1",
            "emails",
            "mail",
        ],
    ),
    (
        Field::DirectPhone,
        &[
            "directphone",
            "directphonenumber",
            "workdirectphone",
            "directdial",
            "directline",
            "directnumber",
            "directdialphone",
        ],
    ),
    (
        Field::Mobile,
        &[
            "mobile",
            "mobilephone",
            "mobilephonenumber",
            "mobilenumber",
            "cell",
            "cellphone",
            "cellular",
            "phonemobile",
            "personphonemobile",
        ],
    ),
    (
        Field::CorporatePhone,
        &[
            "corporatephone",
            "companyphone",
            "companyphonenumber",
            "hqphone",
            "companyhqphone",
            "headquartersphone",
            "switchboard",
            "mainphone",
            "accountphone",
            "organizationphone",
        ],
    ),
    (
        Field::Phone,
        &[
            "phone",
            "phonenumber",
            "workphone",
            "businessphone",
            "officephone",
            "telephone",
            "telephonenumber",
            "tel",
            "phonework",
            "personphonework",
            "personphone",
            "primaryphone",
            "firstphone",
            "contactphone",
            "phone1",
        ],
    ),
    (
        Field::OtherPhone,
        &[
            "otherphone",
            "phone2",
            "alternatephone",
            "additionalphone",
            "phoneother",
        ],
    ),
    (
        Field::City,
        &[
            "city",
            "mailingcity",
            "personcity",
            "contactcity",
            "town",
            "citytown",
            "locality",
        ],
    ),
    (
        Field::Region,
        &[
            "state",
            "stateregion",
            "stateprovince",
            "region",
            "province",
            "mailingstate",
            "mailingstateprovince",
            "personstate",
            "contactstate",
            "statecode",
            "statecounty",
            "stateprovinceregion",
            "county",
        ],
    ),
    (
        Field::Country,
        &[
            "country",
            "countryregion",
            "mailingcountry",
            "personcountry",
            "contactcountry",
            "countrycode",
            "countryname",
        ],
    ),
    (
        Field::Industry,
        &[
            "industry",
            "primaryindustry",
            "vertical",
            "sector",
            "industrytype",
            "companyindustry",
        ],
    ),
    (
        Field::Employees,
        &[
            "numberofemployees",
            "noofemployees",
            "employees",
            "employeecount",
            "employeerange",
            "numemployees",
            "companysize",
            "headcount",
            "employeesize",
            "estimatednumemployees",
            "companyemployees",
            "employeecountrange",
            "employeesrange",
            "sizerange",
            "employeerangeband",
            "size",
        ],
    ),
    (
        Field::Address,
        &[
            "address",
            "fulladdress",
            "location",
            "postaladdress",
            "mailingaddress",
            "formattedaddress",
            "addressformatted",
            "streetaddressfull",
            "geo",
        ],
    ),
    (
        Field::TimeZone,
        &[
            "timezone",
            "tz",
            "contacttimezone",
            "persontimezone",
            "localtimezone",
        ],
    ),
];

/// Whose record a column comes from, when its header says ("Person -",
/// "Organization -", "Account:", "Company ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Person,
    Company,
}

/// How a column came to feed its field: shown beside it on the mapping
/// screen and by `--dry-run`, so that a wrong guess is seen and corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum MatchRule {
    /// The header is one of the field's names.
    Name,
    /// The header is one of the field's names once the record it comes from
    /// ("Organization -", "Account:", "lead.custom.") and words such as
    /// "Billing" or "Work" are taken off.
    Entity {
        entity: Option<Entity>,
        /// What was taken off, as written in the header.
        removed: String,
    },
    /// Another column of a field that reads several: another number of the
    /// prospect, another e-mail.
    Another { first: String },
    /// Read where the field's first column is empty (the company's city
    /// where the person's is not given).
    Fallback { first: String },
    /// Chosen by the user.
    Chosen,
}

impl MatchRule {
    /// The rule in words, after the header: `"Organization - Industry":` ...
    pub fn describe(&self) -> String {
        match self {
            MatchRule::Name => "its name".to_string(),
            MatchRule::Entity { entity, removed } => {
                let whose = match entity {
                    Some(Entity::Company) => "; the company's",
                    Some(Entity::Person) => "; the person's",
                    None => "",
                };
                format!("its name without {}{whose}", crate::error::quoted(removed))
            }
            MatchRule::Another { first } => format!(
                "another column like {}: kept as well",
                crate::error::quoted(first)
            ),
            MatchRule::Fallback { first } => {
                format!("read where {} is empty", crate::error::quoted(first))
            }
            MatchRule::Chosen => "chosen by you".to_string(),
        }
    }
}

/// One field and the column it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct MappingEntry {
    pub field: Field,
    /// 0-based column index.
    pub column: u32,
    pub header: String,
    /// How the column was matched.
    pub rule: MatchRule,
    /// The rule in words ([`MatchRule::describe`]).
    pub why: String,
}

/// Which column feeds which field. A column feeds at most one field; a field
/// reads one column, but for phones and e-mails, which read every column
/// given (the first is the field's own). Columns no field reads are kept
/// with the prospect as "extra" values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Mapping {
    pub headers: Vec<String>,
    /// Sorted by field; a field's first column first.
    pub entries: Vec<MappingEntry>,
}

/// Header words that name the record a column comes from (compacted).
const ENTITY_WORDS: &[(&str, Entity)] = &[
    ("person", Entity::Person),
    ("people", Entity::Person),
    ("contact", Entity::Person),
    ("contacts", Entity::Person),
    ("lead", Entity::Person),
    ("prospect", Entity::Person),
    ("organization", Entity::Company),
    ("organisation", Entity::Company),
    ("org", Entity::Company),
    ("account", Entity::Company),
    ("accountname", Entity::Company),
    ("company", Entity::Company),
    ("associatedcompany", Entity::Company),
    ("employer", Entity::Company),
];

/// Header words that qualify a field without changing it (compacted):
/// "Billing Country", "Email - Work", "address_1_city", "lead.custom.".
const QUALIFIERS: &[&str] = &[
    "custom",
    "customfield",
    "cf",
    "billing",
    "shipping",
    "mailing",
    "postal",
    "primary",
    "main",
    "work",
    "business",
    "home",
    "personal",
    "hq",
    "headquarters",
    "office",
    "address",
    "voip",
    "current",
    "default",
];

/// How headers are read: a few CRMs use an entity word for another record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Plain,
    /// Close: a "lead" is a company; its people are "contacts".
    Close,
}

fn dialect_of(headers: &[String]) -> Dialect {
    let close = headers.iter().any(|h| {
        let t = h.trim().to_ascii_lowercase();
        t.starts_with("lead.") || t == "display_name" || t == "status_label" || t == "lead_name"
    });
    if close {
        Dialect::Close
    } else {
        Dialect::Plain
    }
}

fn entity_of(word: &str, dialect: Dialect) -> Option<Entity> {
    if dialect == Dialect::Close && word == "lead" {
        return Some(Entity::Company);
    }
    ENTITY_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, e)| *e)
}

fn lookup(c: &str) -> Option<Field> {
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&c))
        .map(|(f, _)| *f)
}

/// A field looked up from a compacted name, allowing up to two leading
/// entity or qualifier words run into it ("Company City", "Company Billing
/// Country") and a plural ("Work Phones").
fn lookup_words(c: &str, dialect: Dialect) -> Option<(Field, Option<Entity>, usize)> {
    lookup_words_within(c, dialect, 2)
}

fn lookup_words_within(
    c: &str,
    dialect: Dialect,
    words_left: u8,
) -> Option<(Field, Option<Entity>, usize)> {
    if c.is_empty() {
        return None;
    }
    if let Some(f) = lookup(c) {
        return Some((f, None, 0));
    }
    if let Some(f) = c.strip_suffix('s').and_then(lookup) {
        return Some((f, None, 0));
    }
    if words_left == 0 {
        return None;
    }
    let mut words: Vec<(&str, Option<Entity>)> = ENTITY_WORDS
        .iter()
        .map(|(w, _)| (*w, entity_of(w, dialect)))
        .chain(QUALIFIERS.iter().map(|w| (*w, None)))
        .collect();
    // Longest first: "accountname" before "account".
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    for (w, entity) in words {
        if let Some(rest) = c.strip_prefix(w) {
            if rest.is_empty() {
                continue;
            }
            let rest_entity = lookup(rest).map(|f| (f, None)).or_else(|| {
                lookup_words_within(rest, dialect, words_left - 1).map(|(f, e, _)| (f, e))
            });
            if let Some((f, e)) = rest_entity {
                return Some((f, entity.or(e), w.len()));
            }
        }
    }
    None
}

/// The parts of a header split at the separators exports put between a
/// record and its field (" - ", ":", ".", "_", brackets, "|"), compacted.
fn segments(header: &str) -> Vec<(String, String)> {
    header
        .split(|ch: char| {
            matches!(
                ch,
                '-' | ':' | '.' | '_' | '(' | ')' | '[' | ']' | '|' | '>'
            )
        })
        .map(|s| (s.trim().to_string(), compact(s)))
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

/// What a header suggests: the field, whose record it is when the header
/// says, and how it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Suggestion {
    field: Field,
    entity: Option<Entity>,
    rule: MatchRule,
}

fn suggest(header: &str, dialect: Dialect) -> Option<Suggestion> {
    let h = without_copy_number(header);
    let c = compact(h);
    if c.is_empty() {
        return None;
    }
    let close_lead = dialect == Dialect::Close && c.starts_with("lead");
    if !close_lead {
        if let Some(field) = lookup(&c) {
            return Some(Suggestion {
                field,
                entity: None,
                rule: MatchRule::Name,
            });
        }
    }
    // Step two: take the record and the qualifiers off.
    let segs = segments(h);
    let is_word = |s: &str| entity_of(s, dialect).is_some() || QUALIFIERS.contains(&s);
    let is_noise = |s: &str| is_word(s) || s.bytes().all(|b| b.is_ascii_digit());
    let mut entity = None;
    let mut candidates: Vec<(Vec<usize>, usize)> = Vec::new();
    let n = segs.len();
    if n > 1 {
        // Leading and trailing record/qualifier parts off, then every one.
        let lead = segs.iter().take_while(|(_, c)| is_noise(c)).count();
        let trail = segs[lead..]
            .iter()
            .rev()
            .take_while(|(_, c)| is_noise(c))
            .count();
        let core: Vec<usize> = (lead..n - trail).collect();
        candidates.push(((lead..n).collect(), lead));
        candidates.push((core.clone(), lead));
        candidates.push(((0..n).filter(|&i| !is_noise(&segs[i].1)).collect(), lead));
        for (_, c) in &segs {
            if let Some(e) = entity_of(c, dialect) {
                entity = Some(e);
                break;
            }
        }
    }
    candidates.push(((0..n).collect(), 0));
    for (idx, _) in &candidates {
        if idx.is_empty() {
            continue;
        }
        let joined: String = idx.iter().map(|&i| segs[i].1.as_str()).collect();
        let found = if idx.len() < n {
            lookup(&joined)
                .map(|f| (f, None, 0))
                .or_else(|| lookup_words(&joined, dialect))
        } else {
            lookup_words(&joined, dialect)
        };
        let Some((field, word_entity, cut)) = found else {
            continue;
        };
        let mut removed: Vec<String> = (0..n)
            .filter(|i| !idx.contains(i))
            .map(|i| segs[i].0.clone())
            .collect();
        if cut > 0 {
            // The word run into the name: shown as the header writes it.
            let first = &segs[idx[0]].0;
            let mut taken = 0;
            let mut end = 0;
            for (i, ch) in first.char_indices() {
                if taken == cut {
                    end = i;
                    break;
                }
                if ch.is_alphanumeric() {
                    taken += ch.to_lowercase().count();
                }
                end = i + ch.len_utf8();
            }
            removed.push(first[..end].trim().to_string());
        }
        return Some(Suggestion {
            field,
            entity: entity.or(word_entity),
            rule: MatchRule::Entity {
                entity: entity.or(word_entity),
                removed: removed.join(" "),
            },
        });
    }
    None
}

/// A company's column of a person's field: the company's line for a phone,
/// its name for a name; none for the fields that are the person's only.
fn as_company_field(field: Field) -> Option<Field> {
    match field {
        f if f.is_phone() => Some(Field::CorporatePhone),
        Field::FullName | Field::Company => Some(Field::Company),
        Field::FirstName | Field::LastName | Field::Title | Field::Email => None,
        other => Some(other),
    }
}

/// The field a header name suggests, if any.
pub fn field_for_header(header: &str) -> Option<Field> {
    let s = suggest(header, Dialect::Plain)?;
    match s.entity {
        Some(Entity::Company) => as_company_field(s.field),
        _ => Some(s.field),
    }
}

/// Suggest a mapping from header names: a field reads the first column that
/// names it, a person's own column before their company's for where they
/// are; phones and e-mails read every column that names them.
pub fn suggest_mapping(headers: &[String]) -> Mapping {
    let dialect = dialect_of(headers);
    let mut m = Mapping {
        headers: headers.to_vec(),
        entries: Vec::new(),
    };
    // (rank, column, field, rule): lower ranks are taken first.
    let mut found: Vec<(u8, usize, Field, MatchRule, Option<Entity>)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let Some(s) = suggest(h, dialect) else {
            continue;
        };
        let field = match s.entity {
            Some(Entity::Company) => match as_company_field(s.field) {
                Some(f) => f,
                None => continue,
            },
            _ => s.field,
        };
        let rank = match s.entity {
            Some(Entity::Company) if field.is_location() => 1,
            // A company's record id is the prospect's only in a file of
            // companies (checked below).
            Some(Entity::Company) if field == Field::CrmId => 2,
            _ => 0,
        };
        found.push((rank, i, field, s.rule, s.entity));
    }
    found.sort_by_key(|(rank, i, ..)| (*rank, *i));
    let people = found.iter().any(|(_, _, f, _, e)| {
        matches!(f, Field::FirstName | Field::LastName | Field::FullName)
            && *e != Some(Entity::Company)
    });
    for (_, i, field, rule, entity) in found {
        if field == Field::CrmId && entity == Some(Entity::Company) && people {
            continue;
        }
        match m.first_entry(field) {
            None => m.push(field, i, rule),
            Some(first) if field.takes_many() => {
                let first = first.header.clone();
                m.push(field, i, MatchRule::Another { first });
            }
            Some(first) if field.reads_several() => {
                let first = first.header.clone();
                m.push(field, i, MatchRule::Fallback { first });
            }
            Some(_) => {}
        }
    }
    m
}

/// A header without the number the reader gives a repeated name
/// ("Phone (2)" -> "Phone").
fn without_copy_number(header: &str) -> &str {
    let h = header.trim_end();
    if let Some(rest) = h.strip_suffix(')') {
        if let Some((name, n)) = rest.rsplit_once(" (") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                return name;
            }
        }
    }
    header
}

impl Mapping {
    /// The column (0-based) a field is read from (its first, for a field
    /// that reads several).
    pub fn column(&self, field: Field) -> Option<usize> {
        self.first_entry(field).map(|e| e.column as usize)
    }

    /// Every column a field reads, its own first.
    pub fn columns(&self, field: Field) -> impl Iterator<Item = usize> + '_ {
        self.entries
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.column as usize)
    }

    fn first_entry(&self, field: Field) -> Option<&MappingEntry> {
        self.entries.iter().find(|e| e.field == field)
    }

    /// The field a column feeds.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        self.entries
            .iter()
            .find(|e| e.column as usize == column)
            .map(|e| e.field)
    }

    /// Add `column` to what `field` reads (after its other columns), taking
    /// it from any field that read it.
    fn push(&mut self, field: Field, column: usize, rule: MatchRule) {
        self.entries.retain(|e| e.column as usize != column);
        let why = rule.describe();
        self.entries.push(MappingEntry {
            field,
            column: column as u32,
            header: self.headers.get(column).cloned().unwrap_or_default(),
            rule,
            why,
        });
        self.entries.sort_by_key(|e| e.field);
    }

    /// Read `field` from `column` (or from no column), as the user chose:
    /// the field reads that column only. A column feeds one field, so a
    /// field that read `column` before loses it.
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        self.entries.retain(|e| e.field != field);
        if let Some(c) = column {
            self.push(field, c, MatchRule::Chosen);
        }
    }

    /// Read `field` from `column` as well (a field that takes several: see
    /// [`Field::takes_many`]), or from it alone. The rule is the suggested
    /// one when `suggested` maps the column the same way, else "chosen".
    pub fn add(&mut self, field: Field, column: usize, suggested: Option<&Mapping>) {
        let rule = suggested
            .and_then(|s| {
                s.entries
                    .iter()
                    .find(|e| e.field == field && e.column as usize == column)
            })
            .map(|e| e.rule.clone());
        let first = self
            .first_entry(field)
            .filter(|e| e.column as usize != column)
            .map(|e| e.header.clone());
        match first {
            Some(first) if field.takes_many() => {
                let rule = rule.unwrap_or(MatchRule::Another { first });
                self.push(field, column, rule);
            }
            Some(first) if field.reads_several() => {
                let rule = rule.unwrap_or(MatchRule::Fallback { first });
                self.push(field, column, rule);
            }
            _ => {
                self.entries.retain(|e| e.field != field);
                self.push(field, column, rule.unwrap_or(MatchRule::Chosen));
            }
        }
    }

    /// Columns read as another column of the same field, in words, for the
    /// report: `"Phone (2)" read as another phone beside "Phone"`.
    pub fn merged(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|e| match &e.rule {
                MatchRule::Another { first } => Some(format!(
                    "{} read as another {} beside {}",
                    crate::error::quoted(&e.header),
                    e.field.label().to_lowercase(),
                    crate::error::quoted(first)
                )),
                _ => None,
            })
            .collect()
    }

    /// True when at least one phone field is mapped.
    pub fn has_phone(&self) -> bool {
        self.entries.iter().any(|e| e.field.is_phone())
    }

    /// Find a column by its header name (exact, then ignoring case and
    /// spaces), or by number written `#N` (1-based).
    pub fn find_column(
        &self,
        path: &Path,
        field: &str,
        header: &str,
    ) -> Result<usize, ImportError> {
        let h = header.trim();
        if let Some(n) = h.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
            if n >= 1 && n <= self.headers.len() {
                return Ok(n - 1);
            }
        }
        let exact: Vec<usize> = (0..self.headers.len())
            .filter(|&i| self.headers[i] == h)
            .collect();
        let found = if exact.is_empty() {
            let c = compact(h);
            (0..self.headers.len())
                .filter(|&i| !c.is_empty() && compact(&self.headers[i]) == c)
                .collect()
        } else {
            exact
        };
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(ImportError::UnknownHeader {
                path: path.to_owned(),
                field: field.to_string(),
                header: h.to_string(),
                columns: self.columns_list(),
            }),
            many => Err(ImportError::AmbiguousHeader {
                path: path.to_owned(),
                field: field.to_string(),
                header: h.to_string(),
                columns: many
                    .iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                first: many[0] + 1,
            }),
        }
    }

    fn columns_list(&self) -> String {
        crate::quote::quoted_list(self.headers.iter().map(String::as_str), 40)
    }

    /// Apply the user's corrections, `(FIELD, HEADER)` pairs as given to
    /// `--map FIELD=HEADER`. An empty HEADER (or `-`) unmaps the field.
    /// `path` names the file in error messages.
    pub fn apply_overrides(
        &mut self,
        path: &Path,
        overrides: &[(String, String)],
    ) -> Result<(), ImportError> {
        for (name, header) in overrides {
            let field = Field::parse(name)?;
            let h = header.trim();
            if h.is_empty() || h == "-" {
                self.set(field, None);
            } else {
                let c = self.find_column(path, field.as_str(), h)?;
                self.set(field, Some(c));
            }
        }
        Ok(())
    }

    /// The mapping as JSON (field -> header), as the `imports` table keeps it.
    pub fn to_json(&self) -> String {
        // A field that reads several columns lists their headers.
        let mut map = serde_json::Map::new();
        for e in &self.entries {
            let header = serde_json::Value::from(e.header.clone());
            match map.get_mut(e.field.as_str()) {
                None => {
                    map.insert(e.field.as_str().to_string(), header);
                }
                Some(serde_json::Value::Array(list)) => list.push(header),
                Some(first) => *first = serde_json::Value::Array(vec![first.take(), header]),
            }
        }
        serde_json::Value::Object(map).to_string()
    }
}

/// Split `FIELD=HEADER` as written on the command line.
pub fn parse_override(text: &str) -> Result<(String, String), ImportError> {
    match text.split_once('=') {
        Some((f, h)) if !f.trim().is_empty() => Ok((f.trim().to_string(), h.trim().to_string())),
        _ => Err(ImportError::BadMappingSyntax {
            text: text.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    fn mapped(m: &Mapping) -> Vec<(&'static str, String)> {
        m.entries
            .iter()
            .map(|e| (e.field.as_str(), e.header.clone()))
            .collect()
    }

    #[test]
    fn hubspot_salesforce_apollo_pipedrive_zoominfo_headers_map() {
        let hs = suggest_mapping(&headers("Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Job Title,Company Name,Industry,City,State/Region,Country/Region,Number of Employees,Time Zone,Contact owner,Lifecycle Stage"));
        assert_eq!(hs.entries.len(), 14, "{:?}", mapped(&hs));
        assert_eq!(hs.column(Field::Mobile), Some(5));
        assert_eq!(hs.column(Field::TimeZone), Some(13));

        let sf = suggest_mapping(&headers("Lead ID,First Name,Last Name,Title,Company / Account,Phone,Mobile,Email,Industry,Lead Source,Street,City,State/Province,Zip/Postal Code,Country,No. of Employees,Lead Status,Lead Owner"));
        assert_eq!(sf.column(Field::CrmId), Some(0));
        assert_eq!(sf.column(Field::Company), Some(4));
        assert_eq!(sf.column(Field::Region), Some(12));
        assert_eq!(sf.column(Field::Employees), Some(15));
        assert_eq!(sf.field_of(9), None, "Lead Source stays extra");

        let ap = suggest_mapping(&headers("First Name,Last Name,Title,Company,Email,Email Status,Seniority,Departments,Work Direct Phone,Mobile Phone,Corporate Phone,# Employees,Industry,City,State,Country,Apollo Contact Id"));
        assert_eq!(ap.column(Field::DirectPhone), Some(8));
        assert_eq!(ap.column(Field::Mobile), Some(9));
        assert_eq!(ap.column(Field::CorporatePhone), Some(10));
        assert_eq!(ap.column(Field::Employees), Some(11));
        assert_eq!(ap.column(Field::CrmId), Some(16));
        assert_eq!(ap.field_of(5), None, "Email Status is not the e-mail");

        let pd = suggest_mapping(&headers("Person - ID,Person - Name,Person - Organization,Person - Email - Work,Person - Phone - Work,Person - Phone - Mobile,Person - Job title"));
        assert_eq!(pd.column(Field::CrmId), Some(0));
        assert_eq!(pd.column(Field::FullName), Some(1));
        assert_eq!(pd.column(Field::Company), Some(2));
        assert_eq!(pd.column(Field::Email), Some(3));
        assert_eq!(pd.column(Field::Phone), Some(4));
        assert_eq!(pd.column(Field::Mobile), Some(5));
        assert_eq!(pd.column(Field::Title), Some(6));

        let zi = suggest_mapping(&headers("ZoomInfo Contact ID,First Name,Last Name,Job Title,Direct Phone Number,Email Address,Mobile phone,Company Name,Company HQ Phone,Employees,Primary Industry,Person City,Person State,Country"));
        assert_eq!(zi.column(Field::CrmId), Some(0));
        assert_eq!(zi.column(Field::DirectPhone), Some(4));
        assert_eq!(zi.column(Field::CorporatePhone), Some(8));
        assert_eq!(zi.column(Field::Industry), Some(10));
        assert_eq!(zi.column(Field::City), Some(11));
        assert_eq!(zi.column(Field::Region), Some(12));
    }

    #[test]
    fn overrides_remap_unmap_and_explain_mistakes() {
        let p = Path::new("leads.csv");
        let mut m = suggest_mapping(&headers("Name,Phone,Cell,Notes,Phone"));
        m.apply_overrides(
            p,
            &[
                ("mobile".into(), "cell".into()),
                ("phone".into(), "#5".into()),
                ("full_name".into(), "-".into()),
            ],
        )
        .unwrap();
        assert_eq!(m.column(Field::Mobile), Some(2));
        assert_eq!(m.column(Field::Phone), Some(4));
        assert_eq!(m.column(Field::FullName), None);
        let e = m
            .apply_overrides(p, &[("colour".into(), "Notes".into())])
            .unwrap_err();
        assert_eq!(e.kind(), "unknown_field");
        assert!(e.to_string().contains("first_name"), "{e}");
        let e = m
            .apply_overrides(p, &[("title".into(), "Job".into())])
            .unwrap_err();
        assert_eq!(e.kind(), "unknown_header");
        assert!(
            e.to_string().contains("leads.csv") && e.to_string().contains("\"Notes\""),
            "{e}"
        );
        let e = m
            .apply_overrides(p, &[("phone".into(), "Phone".into())])
            .unwrap_err();
        assert_eq!(e.kind(), "ambiguous_header");
        assert!(e.to_string().contains("phone=#2"), "{e}");
        // One column feeds one field.
        m.apply_overrides(p, &[("title".into(), "Cell".into())])
            .unwrap();
        assert_eq!(m.column(Field::Mobile), None);
        assert_eq!(m.column(Field::Title), Some(2));
        assert_eq!(
            parse_override("email = E-mail").unwrap(),
            ("email".into(), "E-mail".into())
        );
        assert_eq!(parse_override("nothing").unwrap_err().kind(), "bad_mapping");
        assert_eq!(Field::parse("State").unwrap(), Field::Region);
        assert_eq!(Field::parse("direct-phone").unwrap(), Field::DirectPhone);
    }
}

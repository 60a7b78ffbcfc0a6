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
        &["city", "mailingcity", "personcity", "contactcity", "town"],
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
            "size",
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

/// One field and the column it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct MappingEntry {
    pub field: Field,
    /// 0-based column index.
    pub column: u32,
    pub header: String,
}

/// Which column feeds which field. A column feeds at most one field; columns
/// no field reads are kept with the prospect as "extra" values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Mapping {
    pub headers: Vec<String>,
    /// Sorted by field.
    pub entries: Vec<MappingEntry>,
}

/// The field a header name suggests, if any.
pub fn field_for_header(header: &str) -> Option<Field> {
    let c = compact(without_copy_number(header));
    if c.is_empty() {
        return None;
    }
    let lookup = |c: &str| {
        SYNONYMS
            .iter()
            .find(|(_, names)| names.contains(&c))
            .map(|(f, _)| *f)
    };
    if let Some(f) = lookup(&c) {
        return Some(f);
    }
    for prefix in [
        "person", "contact", "lead", "mailing", "primary", "prospect",
    ] {
        if let Some(rest) = c.strip_prefix(prefix) {
            if let Some(f) = lookup(rest) {
                return Some(f);
            }
        }
    }
    None
}

/// Suggest a mapping from header names. The first column that names a field
/// gets it.
pub fn suggest_mapping(headers: &[String]) -> Mapping {
    let mut m = Mapping {
        headers: headers.to_vec(),
        entries: Vec::new(),
    };
    for (i, h) in headers.iter().enumerate() {
        let Some(f) = field_for_header(h) else {
            continue;
        };
        if m.column(f).is_none() {
            m.set(f, Some(i));
        } else if f.is_phone() {
            // A second phone column of the same kind is another number of
            // the prospect: read as the first phone field still free.
            let free = ANOTHER_PHONE.iter().find(|p| m.column(**p).is_none());
            if let Some(p) = free {
                m.set(*p, Some(i));
            }
        }
    }
    m
}

/// Where a repeated phone column goes, in order.
const ANOTHER_PHONE: [Field; 5] = [
    Field::OtherPhone,
    Field::Mobile,
    Field::DirectPhone,
    Field::CorporatePhone,
    Field::Phone,
];

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
    /// The column (0-based) a field is read from.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.entries
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.column as usize)
    }

    /// The field a column feeds.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        self.entries
            .iter()
            .find(|e| e.column as usize == column)
            .map(|e| e.field)
    }

    /// Read `field` from `column` (or from no column). A column feeds one
    /// field, so a field that read `column` before loses it.
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        self.entries.retain(|e| e.field != field);
        if let Some(c) = column {
            self.entries.retain(|e| e.column as usize != c);
            self.entries.push(MappingEntry {
                field,
                column: c as u32,
                header: self.headers.get(c).cloned().unwrap_or_default(),
            });
            self.entries.sort_by_key(|e| e.field);
        }
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
        let map: serde_json::Map<String, serde_json::Value> = self
            .entries
            .iter()
            .map(|e| (e.field.as_str().to_string(), e.header.clone().into()))
            .collect();
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

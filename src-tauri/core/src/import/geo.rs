//! Countries, states and time zones: what the block needs to call prospects
//! in their local business hours.
//!
//! A prospect's time zone comes from the file's time-zone column (IANA
//! names, Windows and Rails names such as "Eastern Time (US & Canada)", US
//! abbreviations such as "EST" where the country makes them unambiguous,
//! "GMT-05:00" offsets where the location makes them unambiguous), else from
//! the country and state/region. Where neither tells, it stays unknown
//! (`None`): never guessed.
//!
//! States that span two zones resolve to the zone of nearly all of their
//! people (Texas: Central), with the cities of the other zone listed; states
//! split more evenly (Kentucky, Tennessee, South Dakota, Nunavut) resolve
//! only from a listed city.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::mapping::compact;

/// A country: ISO code, English name, its zone if it has one, other names.
struct Country {
    code: &'static str,
    name: &'static str,
    zone: Option<&'static str>,
    aliases: &'static [&'static str],
}

const fn c(
    code: &'static str,
    name: &'static str,
    zone: Option<&'static str>,
    aliases: &'static [&'static str],
) -> Country {
    Country {
        code,
        name,
        zone,
        aliases,
    }
}

#[rustfmt::skip]
const COUNTRIES: &[Country] = &[
    c("US", "United States", None, &["usa", "unitedstatesofamerica", "america", "us", "unitedstates", "estadosunidos"]),
    c("CA", "Canada", None, &[]),
    c("AU", "Australia", None, &[]),
    c("MX", "Mexico", None, &["méxico"]),
    c("BR", "Brazil", None, &["brasil"]),
    c("RU", "Russia", None, &["russianfederation"]),
    c("ID", "Indonesia", None, &[]),
    c("GB", "United Kingdom", Some("Europe/London"), &["uk", "greatbritain", "britain", "england", "scotland", "wales", "northernireland", "gbr", "unitedkingdomofgreatbritainandnorthernireland"]),
    c("IE", "Ireland", Some("Europe/Dublin"), &["republicofireland", "eire"]),
    c("FR", "France", Some("Europe/Paris"), &[]),
    c("DE", "Germany", Some("Europe/Berlin"), &["deutschland"]),
    c("ES", "Spain", Some("Europe/Madrid"), &["españa", "espana"]),
    c("PT", "Portugal", Some("Europe/Lisbon"), &[]),
    c("IT", "Italy", Some("Europe/Rome"), &["italia"]),
    c("NL", "Netherlands", Some("Europe/Amsterdam"), &["thenetherlands", "holland", "nederland"]),
    c("BE", "Belgium", Some("Europe/Brussels"), &["belgique", "belgie"]),
    c("LU", "Luxembourg", Some("Europe/Luxembourg"), &[]),
    c("CH", "Switzerland", Some("Europe/Zurich"), &["schweiz", "suisse"]),
    c("AT", "Austria", Some("Europe/Vienna"), &["österreich", "osterreich"]),
    c("DK", "Denmark", Some("Europe/Copenhagen"), &["danmark"]),
    c("NO", "Norway", Some("Europe/Oslo"), &["norge"]),
    c("SE", "Sweden", Some("Europe/Stockholm"), &["sverige"]),
    c("FI", "Finland", Some("Europe/Helsinki"), &["suomi"]),
    c("IS", "Iceland", Some("Atlantic/Reykjavik"), &[]),
    c("PL", "Poland", Some("Europe/Warsaw"), &["polska"]),
    c("CZ", "Czechia", Some("Europe/Prague"), &["czechrepublic"]),
    c("SK", "Slovakia", Some("Europe/Bratislava"), &[]),
    c("HU", "Hungary", Some("Europe/Budapest"), &[]),
    c("RO", "Romania", Some("Europe/Bucharest"), &[]),
    c("BG", "Bulgaria", Some("Europe/Sofia"), &[]),
    c("GR", "Greece", Some("Europe/Athens"), &[]),
    c("HR", "Croatia", Some("Europe/Zagreb"), &[]),
    c("SI", "Slovenia", Some("Europe/Ljubljana"), &[]),
    c("RS", "Serbia", Some("Europe/Belgrade"), &[]),
    c("EE", "Estonia", Some("Europe/Tallinn"), &[]),
    c("LV", "Latvia", Some("Europe/Riga"), &[]),
    c("LT", "Lithuania", Some("Europe/Vilnius"), &[]),
    c("CY", "Cyprus", Some("Asia/Nicosia"), &[]),
    c("MT", "Malta", Some("Europe/Malta"), &[]),
    c("UA", "Ukraine", Some("Europe/Kyiv"), &[]),
    c("TR", "Türkiye", Some("Europe/Istanbul"), &["turkey", "turkiye"]),
    c("IL", "Israel", Some("Asia/Jerusalem"), &[]),
    c("AE", "United Arab Emirates", Some("Asia/Dubai"), &["uae"]),
    c("SA", "Saudi Arabia", Some("Asia/Riyadh"), &["ksa"]),
    c("QA", "Qatar", Some("Asia/Qatar"), &[]),
    c("KW", "Kuwait", Some("Asia/Kuwait"), &[]),
    c("BH", "Bahrain", Some("Asia/Bahrain"), &[]),
    c("OM", "Oman", Some("Asia/Muscat"), &[]),
    c("JO", "Jordan", Some("Asia/Amman"), &[]),
    c("EG", "Egypt", Some("Africa/Cairo"), &[]),
    c("ZA", "South Africa", Some("Africa/Johannesburg"), &[]),
    c("NG", "Nigeria", Some("Africa/Lagos"), &[]),
    c("KE", "Kenya", Some("Africa/Nairobi"), &[]),
    c("GH", "Ghana", Some("Africa/Accra"), &[]),
    c("MA", "Morocco", Some("Africa/Casablanca"), &[]),
    c("IN", "India", Some("Asia/Kolkata"), &[]),
    c("PK", "Pakistan", Some("Asia/Karachi"), &[]),
    c("BD", "Bangladesh", Some("Asia/Dhaka"), &[]),
    c("LK", "Sri Lanka", Some("Asia/Colombo"), &[]),
    c("SG", "Singapore", Some("Asia/Singapore"), &[]),
    c("MY", "Malaysia", Some("Asia/Kuala_Lumpur"), &[]),
    c("PH", "Philippines", Some("Asia/Manila"), &[]),
    c("TH", "Thailand", Some("Asia/Bangkok"), &[]),
    c("VN", "Vietnam", Some("Asia/Ho_Chi_Minh"), &["vietnam", "vietnamese"]),
    c("HK", "Hong Kong", Some("Asia/Hong_Kong"), &[]),
    c("TW", "Taiwan", Some("Asia/Taipei"), &[]),
    c("JP", "Japan", Some("Asia/Tokyo"), &[]),
    c("KR", "South Korea", Some("Asia/Seoul"), &["korea", "republicofkorea", "korearepublicof"]),
    c("CN", "China", Some("Asia/Shanghai"), &["prc", "peoplesrepublicofchina"]),
    c("NZ", "New Zealand", Some("Pacific/Auckland"), &[]),
    c("CO", "Colombia", Some("America/Bogota"), &[]),
    c("PE", "Peru", Some("America/Lima"), &["perú"]),
    c("AR", "Argentina", Some("America/Argentina/Buenos_Aires"), &[]),
    c("UY", "Uruguay", Some("America/Montevideo"), &[]),
    c("VE", "Venezuela", Some("America/Caracas"), &[]),
    c("CR", "Costa Rica", Some("America/Costa_Rica"), &[]),
    c("PA", "Panama", Some("America/Panama"), &["panamá"]),
    c("GT", "Guatemala", Some("America/Guatemala"), &[]),
    c("SV", "El Salvador", Some("America/El_Salvador"), &[]),
    c("DO", "Dominican Republic", Some("America/Santo_Domingo"), &[]),
    c("JM", "Jamaica", Some("America/Jamaica"), &[]),
    c("PR", "Puerto Rico", Some("America/Puerto_Rico"), &[]),
];

/// How a state's zone is found.
enum Rule {
    /// The whole state.
    Single(&'static str),
    /// Nearly all of the state, except the listed cities.
    Mostly(&'static str, &'static [(&'static str, &'static str)]),
    /// Only the listed cities resolve.
    Split(&'static [(&'static str, &'static str)]),
}

struct State {
    code: &'static str,
    name: &'static str,
    rule: Rule,
}

const fn s(code: &'static str, name: &'static str, rule: Rule) -> State {
    State { code, name, rule }
}

const NY: &str = "America/New_York";
const CHI: &str = "America/Chicago";
const DEN: &str = "America/Denver";
const LA: &str = "America/Los_Angeles";

#[rustfmt::skip]
const US_STATES: &[State] = &[
    s("AL", "Alabama", Rule::Single(CHI)),
    s("AK", "Alaska", Rule::Mostly("America/Anchorage", &[("adak", "America/Adak")])),
    s("AZ", "Arizona", Rule::Single("America/Phoenix")),
    s("AR", "Arkansas", Rule::Single(CHI)),
    s("CA", "California", Rule::Single(LA)),
    s("CO", "Colorado", Rule::Single(DEN)),
    s("CT", "Connecticut", Rule::Single(NY)),
    s("DE", "Delaware", Rule::Single(NY)),
    s("DC", "District of Columbia", Rule::Single(NY)),
    s("FL", "Florida", Rule::Mostly(NY, &[("pensacola", CHI), ("panamacity", CHI), ("fortwaltonbeach", CHI), ("destin", CHI), ("navarre", CHI), ("crestview", CHI), ("milton", CHI), ("niceville", CHI), ("gulfbreeze", CHI), ("marianna", CHI), ("panamacitybeach", CHI)])),
    s("GA", "Georgia", Rule::Single(NY)),
    s("HI", "Hawaii", Rule::Single("Pacific/Honolulu")),
    s("ID", "Idaho", Rule::Mostly("America/Boise", &[("coeurdalene", LA), ("moscow", LA), ("lewiston", LA), ("postfalls", LA), ("sandpoint", LA), ("hayden", LA)])),
    s("IL", "Illinois", Rule::Single(CHI)),
    s("IN", "Indiana", Rule::Mostly("America/Indiana/Indianapolis", &[("gary", CHI), ("hammond", CHI), ("eastchicago", CHI), ("merrillville", CHI), ("valparaiso", CHI), ("portage", CHI), ("crownpoint", CHI), ("michigancity", CHI), ("laporte", CHI), ("evansville", CHI), ("schererville", CHI), ("munster", CHI), ("hobart", CHI), ("highland", CHI), ("mountvernon", CHI)])),
    s("IA", "Iowa", Rule::Single(CHI)),
    s("KS", "Kansas", Rule::Mostly(CHI, &[("goodland", DEN), ("sharonsprings", DEN)])),
    s("KY", "Kentucky", Rule::Split(&[("louisville", NY), ("lexington", NY), ("frankfort", NY), ("covington", NY), ("florence", NY), ("richmond", NY), ("georgetown", NY), ("ashland", NY), ("elizabethtown", NY), ("nicholasville", NY), ("newport", NY), ("winchester", NY), ("erlanger", NY), ("independence", NY), ("bowlinggreen", CHI), ("owensboro", CHI), ("paducah", CHI), ("hopkinsville", CHI), ("henderson", CHI), ("madisonville", CHI), ("murray", CHI), ("glasgow", CHI), ("mayfield", CHI)])),
    s("LA", "Louisiana", Rule::Single(CHI)),
    s("ME", "Maine", Rule::Single(NY)),
    s("MD", "Maryland", Rule::Single(NY)),
    s("MA", "Massachusetts", Rule::Single(NY)),
    s("MI", "Michigan", Rule::Mostly("America/Detroit", &[("menominee", "America/Menominee"), ("ironmountain", "America/Menominee"), ("ironwood", "America/Menominee"), ("kingsford", "America/Menominee")])),
    s("MN", "Minnesota", Rule::Single(CHI)),
    s("MS", "Mississippi", Rule::Single(CHI)),
    s("MO", "Missouri", Rule::Single(CHI)),
    s("MT", "Montana", Rule::Single(DEN)),
    s("NE", "Nebraska", Rule::Mostly(CHI, &[("scottsbluff", DEN), ("gering", DEN), ("sidney", DEN), ("alliance", DEN), ("chadron", DEN), ("kimball", DEN)])),
    s("NV", "Nevada", Rule::Mostly(LA, &[("westwendover", DEN)])),
    s("NH", "New Hampshire", Rule::Single(NY)),
    s("NJ", "New Jersey", Rule::Single(NY)),
    s("NM", "New Mexico", Rule::Single(DEN)),
    s("NY", "New York", Rule::Single(NY)),
    s("NC", "North Carolina", Rule::Single(NY)),
    s("ND", "North Dakota", Rule::Mostly(CHI, &[("dickinson", DEN), ("bowman", DEN), ("beach", DEN)])),
    s("OH", "Ohio", Rule::Single(NY)),
    s("OK", "Oklahoma", Rule::Single(CHI)),
    s("OR", "Oregon", Rule::Mostly(LA, &[("ontario", "America/Boise"), ("nyssa", "America/Boise"), ("vale", "America/Boise")])),
    s("PA", "Pennsylvania", Rule::Single(NY)),
    s("RI", "Rhode Island", Rule::Single(NY)),
    s("SC", "South Carolina", Rule::Single(NY)),
    s("SD", "South Dakota", Rule::Split(&[("siouxfalls", CHI), ("aberdeen", CHI), ("brookings", CHI), ("watertown", CHI), ("mitchell", CHI), ("yankton", CHI), ("pierre", CHI), ("huron", CHI), ("vermillion", CHI), ("rapidcity", DEN), ("spearfish", DEN), ("sturgis", DEN), ("bellefourche", DEN), ("boxelder", DEN), ("lead", DEN), ("deadwood", DEN), ("hotsprings", DEN)])),
    s("TN", "Tennessee", Rule::Split(&[("nashville", CHI), ("memphis", CHI), ("clarksville", CHI), ("murfreesboro", CHI), ("franklin", CHI), ("jackson", CHI), ("hendersonville", CHI), ("smyrna", CHI), ("brentwood", CHI), ("columbia", CHI), ("springhill", CHI), ("gallatin", CHI), ("lebanon", CHI), ("mountjuliet", CHI), ("cookeville", CHI), ("bartlett", CHI), ("collierville", CHI), ("germantown", CHI), ("dyersburg", CHI), ("tullahoma", CHI), ("knoxville", NY), ("chattanooga", NY), ("johnsoncity", NY), ("kingsport", NY), ("cleveland", NY), ("bristol", NY), ("oakridge", NY), ("maryville", NY), ("morristown", NY), ("sevierville", NY), ("pigeonforge", NY), ("gatlinburg", NY), ("elizabethton", NY), ("greeneville", NY), ("athens", NY), ("farragut", NY), ("alcoa", NY)])),
    s("TX", "Texas", Rule::Mostly(CHI, &[("elpaso", DEN), ("socorro", DEN), ("horizoncity", DEN), ("canutillo", DEN), ("vanhorn", DEN)])),
    s("UT", "Utah", Rule::Single(DEN)),
    s("VT", "Vermont", Rule::Single(NY)),
    s("VA", "Virginia", Rule::Single(NY)),
    s("WA", "Washington", Rule::Single(LA)),
    s("WV", "West Virginia", Rule::Single(NY)),
    s("WI", "Wisconsin", Rule::Single(CHI)),
    s("WY", "Wyoming", Rule::Single(DEN)),
    s("PR", "Puerto Rico", Rule::Single("America/Puerto_Rico")),
    s("GU", "Guam", Rule::Single("Pacific/Guam")),
    s("VI", "U.S. Virgin Islands", Rule::Single("America/St_Thomas")),
    s("AS", "American Samoa", Rule::Single("Pacific/Pago_Pago")),
    s("MP", "Northern Mariana Islands", Rule::Single("Pacific/Saipan")),
];

#[rustfmt::skip]
const CA_PROVINCES: &[State] = &[
    s("AB", "Alberta", Rule::Single("America/Edmonton")),
    s("BC", "British Columbia", Rule::Mostly("America/Vancouver", &[("dawsoncreek", "America/Dawson_Creek"), ("fortstjohn", "America/Dawson_Creek"), ("fortnelson", "America/Fort_Nelson"), ("cranbrook", "America/Edmonton"), ("golden", "America/Edmonton"), ("invermere", "America/Edmonton"), ("fernie", "America/Edmonton"), ("creston", "America/Creston")])),
    s("MB", "Manitoba", Rule::Single("America/Winnipeg")),
    s("NB", "New Brunswick", Rule::Single("America/Moncton")),
    s("NL", "Newfoundland and Labrador", Rule::Mostly("America/St_Johns", &[("labradorcity", "America/Goose_Bay"), ("happyvalleygoosebay", "America/Goose_Bay"), ("wabush", "America/Goose_Bay")])),
    s("NS", "Nova Scotia", Rule::Single("America/Halifax")),
    s("NT", "Northwest Territories", Rule::Single("America/Edmonton")),
    s("NU", "Nunavut", Rule::Split(&[("iqaluit", "America/Iqaluit"), ("rankininlet", "America/Rankin_Inlet"), ("cambridgebay", "America/Cambridge_Bay")])),
    s("ON", "Ontario", Rule::Mostly("America/Toronto", &[("kenora", "America/Winnipeg"), ("dryden", "America/Winnipeg"), ("fortfrances", "America/Winnipeg"), ("siouxlookout", "America/Winnipeg"), ("redlake", "America/Winnipeg")])),
    s("PE", "Prince Edward Island", Rule::Single("America/Halifax")),
    s("QC", "Quebec", Rule::Single("America/Toronto")),
    s("SK", "Saskatchewan", Rule::Mostly("America/Regina", &[("lloydminster", "America/Edmonton")])),
    s("YT", "Yukon", Rule::Single("America/Whitehorse")),
];

#[rustfmt::skip]
const AU_STATES: &[State] = &[
    s("NSW", "New South Wales", Rule::Mostly("Australia/Sydney", &[("brokenhill", "Australia/Broken_Hill")])),
    s("VIC", "Victoria", Rule::Single("Australia/Melbourne")),
    s("QLD", "Queensland", Rule::Single("Australia/Brisbane")),
    s("SA", "South Australia", Rule::Single("Australia/Adelaide")),
    s("WA", "Western Australia", Rule::Single("Australia/Perth")),
    s("TAS", "Tasmania", Rule::Single("Australia/Hobart")),
    s("ACT", "Australian Capital Territory", Rule::Single("Australia/Sydney")),
    s("NT", "Northern Territory", Rule::Single("Australia/Darwin")),
];

/// Regions of otherwise single-zone countries that have their own zone.
#[rustfmt::skip]
const REGION_EXCEPTIONS: &[(&str, &[&str], &str)] = &[
    ("ES", &["canarias", "canaryislands", "islascanarias", "laspalmas", "santacruzdetenerife"], "Atlantic/Canary"),
    ("PT", &["açores", "acores", "azores", "regiãoautónomadosaçores"], "Atlantic/Azores"),
];

fn states_of(country: &str) -> Option<&'static [State]> {
    match country {
        "US" => Some(US_STATES),
        "CA" => Some(CA_PROVINCES),
        "AU" => Some(AU_STATES),
        _ => None,
    }
}

struct Index {
    countries: HashMap<String, usize>,
    states: HashMap<(&'static str, String), usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut countries = HashMap::new();
        for (i, c) in COUNTRIES.iter().enumerate() {
            countries.insert(compact(c.code), i);
            countries.insert(compact(c.name), i);
            for a in c.aliases {
                countries.insert(compact(a), i);
            }
        }
        let mut states = HashMap::new();
        for country in ["US", "CA", "AU"] {
            for (i, s) in states_of(country).unwrap_or(&[]).iter().enumerate() {
                states.insert((country, compact(s.code)), i);
                states.insert((country, compact(s.name)), i);
            }
        }
        // Common other spellings.
        for (country, alias, code) in [
            ("US", "washingtondc", "DC"),
            ("US", "districtofcolumbia", "DC"),
            ("CA", "québec", "QC"),
            ("CA", "pq", "QC"),
            ("CA", "newfoundland", "NL"),
            ("CA", "nf", "NL"),
            ("CA", "yukonterritory", "YT"),
        ] {
            if let Some(i) = states_of(country)
                .unwrap_or(&[])
                .iter()
                .position(|s| s.code == code)
            {
                states.insert((country, compact(alias)), i);
            }
        }
        Index { countries, states }
    })
}

/// A country recognized from a code or a name: (ISO code, English name).
pub fn country(text: &str) -> Option<(&'static str, &'static str)> {
    let key = compact(text);
    if key.is_empty() {
        return None;
    }
    let i = *index().countries.get(&key)?;
    Some((COUNTRIES[i].code, COUNTRIES[i].name))
}

/// The English name of a country code this module knows.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|c| c.code == code).map(|c| c.name)
}

/// A state or province of `country` (US, CA, AU): (code, name).
pub fn state(country: &str, text: &str) -> Option<(&'static str, &'static str)> {
    let states = states_of(country)?;
    let key = compact(text);
    let key_country: &'static str = match country {
        "US" => "US",
        "CA" => "CA",
        _ => "AU",
    };
    let i = *index().states.get(&(key_country, key))?;
    Some((states[i].code, states[i].name))
}

/// The zone of a location, when it is known without guessing.
pub fn zone_for_location(country: Option<&str>, region: &str, city: &str) -> Option<Tz> {
    let country = country?;
    let city_key = compact(city);
    if let Some(states) = states_of(country) {
        let (code, _) = state(country, region)?;
        let st = states.iter().find(|s| s.code == code)?;
        let name = match &st.rule {
            Rule::Single(z) => Some(*z),
            Rule::Mostly(z, except) => Some(
                except
                    .iter()
                    .find(|(c, _)| *c == city_key)
                    .map(|(_, z)| *z)
                    .unwrap_or(z),
            ),
            Rule::Split(cities) => cities.iter().find(|(c, _)| *c == city_key).map(|(_, z)| *z),
        }?;
        return name.parse().ok();
    }
    let region_key = compact(region);
    for (c, regions, zone) in REGION_EXCEPTIONS {
        if *c == country
            && (regions.contains(&region_key.as_str()) || regions.contains(&city_key.as_str()))
        {
            return zone.parse().ok();
        }
    }
    COUNTRIES
        .iter()
        .find(|c| c.code == country)?
        .zone?
        .parse()
        .ok()
}

/// The standard (winter) offset of a zone in seconds: the smaller of its
/// January and July offsets.
fn standard_offset(tz: Tz) -> i32 {
    let at = |m| {
        Utc.with_ymd_and_hms(2025, m, 15, 12, 0, 0)
            .single()
            .map(|t| t.with_timezone(&tz).offset().fix().local_minus_utc())
            .unwrap_or(0)
    };
    at(1).min(at(7))
}

fn summer_offset(tz: Tz) -> i32 {
    let at = |m| {
        Utc.with_ymd_and_hms(2025, m, 15, 12, 0, 0)
            .single()
            .map(|t| t.with_timezone(&tz).offset().fix().local_minus_utc())
            .unwrap_or(0)
    };
    at(1).max(at(7))
}

/// Names of zones as exports write them (compacted), and whether the name is
/// an abbreviation only North America uses that way.
#[rustfmt::skip]
const ZONE_NAMES: &[(&[&str], &str, bool)] = &[
    (&["easterntimeuscanada", "easterntime", "easternstandardtime", "easterndaylighttime", "useastern", "eastern"], NY, false),
    (&["est", "edt", "et", "est5edt"], NY, true),
    (&["centraltimeuscanada", "centraltime", "centralstandardtime", "centraldaylighttime", "uscentral", "central"], CHI, false),
    (&["cst", "cdt", "ct", "cst6cdt"], CHI, true),
    (&["mountaintimeuscanada", "mountaintime", "mountainstandardtime", "mountaindaylighttime", "usmountain", "mountain"], DEN, false),
    (&["mst", "mdt", "mt", "mst7mdt"], DEN, true),
    (&["pacifictimeuscanada", "pacifictime", "pacificstandardtime", "pacificdaylighttime", "uspacific", "pacific"], LA, false),
    (&["pst", "pdt", "pt", "pst8pdt"], LA, true),
    (&["arizona", "usmountainstandardtime", "usarizona"], "America/Phoenix", false),
    (&["alaska", "alaskanstandardtime", "alaskatime", "usalaska"], "America/Anchorage", false),
    (&["akst", "akdt"], "America/Anchorage", true),
    (&["hawaii", "hawaiianstandardtime", "hawaiitime", "hawaiialeutian", "ushawaii"], "Pacific/Honolulu", false),
    (&["hst"], "Pacific/Honolulu", true),
    (&["atlantictimecanada", "atlanticstandardtime", "atlantictime", "canadaatlantic"], "America/Halifax", false),
    (&["ast", "adt"], "America/Halifax", true),
    (&["newfoundland", "newfoundlandstandardtime", "canadanewfoundland"], "America/St_Johns", false),
    (&["nst", "ndt"], "America/St_Johns", true),
    (&["saskatchewan", "canadacentralstandardtime", "canadasaskatchewan"], "America/Regina", false),
    (&["indianaeast", "useasternstandardtime", "useastindiana"], "America/Indiana/Indianapolis", false),
    (&["london", "edinburgh", "gmtstandardtime", "britishsummertime", "bst"], "Europe/London", false),
    (&["dublin"], "Europe/Dublin", false),
    (&["lisbon", "wet", "west", "westerneuropeantime"], "Europe/Lisbon", false),
    (&["paris", "romancestandardtime", "brussels", "copenhagen", "madrid", "cet", "cest", "centraleuropeantime", "mez", "middleeuropeantime"], "Europe/Paris", false),
    (&["berlin", "westeuropestandardtime", "amsterdam", "bern", "rome", "stockholm", "vienna", "zurich", "oslo"], "Europe/Berlin", false),
    (&["centraleuropeanstandardtime", "warsaw", "sarajevo", "skopje", "zagreb"], "Europe/Warsaw", false),
    (&["centraleuropestandardtime", "budapest", "belgrade", "bratislava", "ljubljana", "prague"], "Europe/Budapest", false),
    (&["eet", "eest", "easterneuropeantime", "helsinki", "flestandardtime", "kyiv", "riga", "sofia", "tallinn", "vilnius", "athens", "bucharest", "gtbstandardtime"], "Europe/Helsinki", false),
    (&["istanbul", "turkeystandardtime"], "Europe/Istanbul", false),
    (&["jerusalem", "israelstandardtime"], "Asia/Jerusalem", false),
    (&["dubai", "abudhabi", "arabianstandardtime", "gst", "gulfstandardtime"], "Asia/Dubai", false),
    (&["indiastandardtime", "chennai", "kolkata", "mumbai", "newdelhi"], "Asia/Kolkata", false),
    (&["singapore", "singaporestandardtime", "sgt", "kualalumpur"], "Asia/Singapore", false),
    (&["hongkong", "hkt"], "Asia/Hong_Kong", false),
    (&["beijing", "chongqing", "chinastandardtime", "shanghai"], "Asia/Shanghai", false),
    (&["tokyo", "osaka", "sapporo", "tokyostandardtime", "jst"], "Asia/Tokyo", false),
    (&["seoul", "koreastandardtime", "kst"], "Asia/Seoul", false),
    (&["sydney", "canberra", "melbourne", "auseasternstandardtime", "aest", "aedt"], "Australia/Sydney", false),
    (&["brisbane", "eastaustraliastandardtime"], "Australia/Brisbane", false),
    (&["adelaide", "cenaustraliastandardtime", "acst", "acdt"], "Australia/Adelaide", false),
    (&["darwin", "auscentralstandardtime"], "Australia/Darwin", false),
    (&["perth", "waustraliastandardtime", "awst"], "Australia/Perth", false),
    (&["auckland", "wellington", "newzealandstandardtime", "nzst", "nzdt"], "Pacific/Auckland", false),
    (&["saopaulo", "brasilia", "esouthamericastandardtime", "brt"], "America/Sao_Paulo", false),
    (&["mexicocity", "guadalajara", "monterrey", "centralstandardtimemexico"], "America/Mexico_City", false),
    (&["bogota", "lima", "quito", "sapacificstandardtime"], "America/Bogota", false),
    (&["buenosaires", "argentinastandardtime"], "America/Argentina/Buenos_Aires", false),
    (&["johannesburg", "pretoria", "southafricastandardtime", "sast"], "Africa/Johannesburg", false),
    (&["utc", "coordinateduniversaltime", "gmt", "greenwichmeantime", "zulu", "z", "etcutc", "etcgmt", "universal"], "UTC", false),
];

/// Zones by offset, for the US and Canada, where an offset alone names one
/// zone (given in standard time, as Windows writes "(GMT-05:00) ...").
const NORTH_AMERICA_BY_OFFSET: &[(i32, &str)] = &[
    (-5 * 3600, NY),
    (-6 * 3600, CHI),
    (-7 * 3600, DEN),
    (-8 * 3600, LA),
    (-9 * 3600, "America/Anchorage"),
    (-10 * 3600, "Pacific/Honolulu"),
    (-4 * 3600, "America/Halifax"),
    (-(3 * 3600 + 1800), "America/St_Johns"),
];

/// Split a leading "GMT-05:00", "(UTC+01:00)", "UTC+1", "-0500" off the text.
fn split_offset(text: &str) -> (Option<i32>, &str) {
    let t = text.trim().trim_start_matches('(');
    let upper = t.get(..3).map(|p| p.to_ascii_uppercase());
    let body = match upper.as_deref() {
        Some("GMT") | Some("UTC") => &t[3..],
        _ => t,
    };
    let mut chars = body.char_indices();
    let sign = match chars.next() {
        Some((_, '+')) => 1,
        Some((_, '-')) | Some((_, '−')) => -1,
        _ => return (None, text),
    };
    let rest = &body[1..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let num = &rest[..end];
    let (h, m) = if let Some((h, m)) = num.split_once(':') {
        (h.parse::<i32>().ok(), m.parse::<i32>().ok())
    } else if num.len() == 4 {
        (num[..2].parse().ok(), num[2..].parse().ok())
    } else {
        (num.parse().ok(), Some(0))
    };
    match (h, m) {
        (Some(h), Some(m)) if h <= 14 && m < 60 => {
            let after = rest[end..].trim_start_matches(')').trim();
            (Some(sign * (h * 3600 + m * 60)), after)
        }
        _ => (None, text),
    }
}

/// The zone a time-zone cell names, given what else the row says.
/// `location` is the zone of the row's country and region, if known; it wins
/// over a name or offset with the same standard offset (so "MST" in Arizona
/// is Phoenix, "Eastern Time" in Indiana is Indianapolis, "GMT" in the UK is
/// London).
pub fn parse_zone_text(text: &str, country: Option<&str>, location: Option<Tz>) -> Option<Tz> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let prefer_location = |candidate: Tz| -> Tz {
        match location {
            Some(loc) if standard_offset(loc) == standard_offset(candidate) => loc,
            _ => candidate,
        }
    };
    // An IANA name, alone or inside the text: "(GMT-05:00) Eastern (America/New_York)".
    if t.contains('/') {
        if let Ok(tz) = Tz::from_str_insensitive(t) {
            return Some(tz);
        }
        for word in t.split(|c: char| !(c.is_alphanumeric() || matches!(c, '/' | '_' | '-' | '+')))
        {
            if word.contains('/') {
                if let Ok(tz) = Tz::from_str_insensitive(word) {
                    return Some(tz);
                }
            }
        }
    }
    let north_america = matches!(country, None | Some("US") | Some("CA"));
    let (offset, rest) = split_offset(t);
    let key = compact(rest);
    if !key.is_empty() {
        for (names, zone, na_only) in ZONE_NAMES {
            if names.contains(&key.as_str()) {
                if *na_only && !north_america {
                    break;
                }
                let tz: Tz = zone.parse().ok()?;
                // "MST" where the location keeps standard time all year.
                return Some(prefer_location(tz));
            }
        }
        if offset.is_none() {
            // A plain IANA name without a slash ("UTC", "Japan" are links).
            if let Ok(tz) = Tz::from_str_insensitive(rest) {
                if rest.len() > 4 {
                    return Some(tz);
                }
            }
            return None;
        }
    }
    let offset = offset?;
    if let Some(loc) = location {
        if standard_offset(loc) == offset || summer_offset(loc) == offset {
            return Some(loc);
        }
    }
    if north_america {
        if let Some((_, z)) = NORTH_AMERICA_BY_OFFSET.iter().find(|(o, _)| *o == offset) {
            return z.parse().ok();
        }
    }
    if offset == 0 && country.is_none() {
        return Some(chrono_tz::UTC);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(s: &str) -> Option<Tz> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn countries_and_states_by_name_or_code() {
        assert_eq!(country("United States").unwrap().0, "US");
        assert_eq!(country("U.S.A.").unwrap().0, "US");
        assert_eq!(country("usa").unwrap().0, "US");
        assert_eq!(country("UK").unwrap().0, "GB");
        assert_eq!(country("England").unwrap().0, "GB");
        assert_eq!(country("Deutschland").unwrap().0, "DE");
        assert_eq!(country("Atlantis"), None);
        assert_eq!(state("US", "Texas"), Some(("TX", "Texas")));
        assert_eq!(state("US", "tx"), Some(("TX", "Texas")));
        assert_eq!(state("CA", "Québec"), Some(("QC", "Quebec")));
        assert_eq!(state("AU", "WA"), Some(("WA", "Western Australia")));
        assert_eq!(state("US", "WA"), Some(("WA", "Washington")));
    }

    #[test]
    fn zones_from_locations_without_guessing() {
        assert_eq!(
            zone_for_location(Some("US"), "IL", ""),
            tz("America/Chicago")
        );
        assert_eq!(
            zone_for_location(Some("US"), "Texas", "Austin"),
            tz("America/Chicago")
        );
        assert_eq!(
            zone_for_location(Some("US"), "TX", "El Paso"),
            tz("America/Denver")
        );
        assert_eq!(
            zone_for_location(Some("US"), "AZ", ""),
            tz("America/Phoenix")
        );
        // Split states resolve only from a known city.
        assert_eq!(zone_for_location(Some("US"), "TN", ""), None);
        assert_eq!(
            zone_for_location(Some("US"), "TN", "Knoxville"),
            tz("America/New_York")
        );
        assert_eq!(
            zone_for_location(Some("US"), "TN", "Nashville"),
            tz("America/Chicago")
        );
        assert_eq!(zone_for_location(Some("US"), "", "Chicago"), None);
        assert_eq!(
            zone_for_location(Some("CA"), "Ontario", "Toronto"),
            tz("America/Toronto")
        );
        assert_eq!(
            zone_for_location(Some("AU"), "QLD", ""),
            tz("Australia/Brisbane")
        );
        assert_eq!(
            zone_for_location(Some("GB"), "England", "London"),
            tz("Europe/London")
        );
        assert_eq!(zone_for_location(Some("DE"), "", ""), tz("Europe/Berlin"));
        assert_eq!(
            zone_for_location(Some("ES"), "Canarias", ""),
            tz("Atlantic/Canary")
        );
        assert_eq!(zone_for_location(Some("BR"), "SP", ""), None);
        assert_eq!(zone_for_location(None, "TX", ""), None);
    }

    #[test]
    fn zone_cells_in_the_forms_exports_use() {
        let us = Some("US");
        let z = |s: &str| parse_zone_text(s, us, None);
        assert_eq!(z("America/Chicago"), tz("America/Chicago"));
        assert_eq!(z("america/new_york"), tz("America/New_York"));
        assert_eq!(z("Eastern Time (US & Canada)"), tz("America/New_York"));
        assert_eq!(
            z("(GMT-06:00) Central Time (US & Canada)"),
            tz("America/Chicago")
        );
        assert_eq!(
            z("(GMT-05:00) Eastern Standard Time (America/New_York)"),
            tz("America/New_York")
        );
        assert_eq!(z("EST"), tz("America/New_York"));
        assert_eq!(z("PDT"), tz("America/Los_Angeles"));
        assert_eq!(z("GMT-05:00"), tz("America/New_York"));
        assert_eq!(z("UTC-8"), tz("America/Los_Angeles"));
        assert_eq!(z("Pacific Standard Time"), tz("America/Los_Angeles"));
        assert_eq!(z("Mars/Olympus"), None);
        assert_eq!(z("soon"), None);
        // The location settles what a name leaves open.
        let phoenix = tz("America/Phoenix");
        assert_eq!(parse_zone_text("MST", us, phoenix), phoenix);
        assert_eq!(parse_zone_text("MST", us, None), tz("America/Denver"));
        let indy = tz("America/Indiana/Indianapolis");
        assert_eq!(parse_zone_text("Eastern Time", us, indy), indy);
        // US abbreviations mean nothing outside North America.
        assert_eq!(parse_zone_text("CST", Some("CN"), None), None);
        // An offset alone outside North America needs the location.
        assert_eq!(
            parse_zone_text("GMT+01:00", Some("DE"), tz("Europe/Berlin")),
            tz("Europe/Berlin")
        );
        assert_eq!(parse_zone_text("GMT+01:00", Some("DE"), None), None);
        assert_eq!(
            parse_zone_text("GMT", Some("GB"), tz("Europe/London")),
            tz("Europe/London")
        );
        assert_eq!(
            parse_zone_text("CET", Some("DE"), tz("Europe/Berlin")),
            tz("Europe/Berlin")
        );
    }
}

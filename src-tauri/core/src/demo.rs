//! A demo database: four themes of prospects (one of each kind the method
//! names), two reps, a theme-specific talk track with two versions and an
//! objection override, and two weeks of plausible blocks and calls played
//! through the same rules as real calls, so every view has something true to
//! show. Names, companies and numbers are fictional (555-01xx numbers,
//! `.example` e-mail domains).

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use serde::Serialize;

use crate::calls::{self, CompletedCall, NewMeeting, RaisedObjection};
use crate::domain::{Outcome, ThemeKind};
use crate::error::{Error, Result};
use crate::lists::{self, NewPhone, NewProspect};
use crate::playbook;
use crate::queue;
use crate::reps;
use crate::store::Store;
use crate::{settings as settings_store, time};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub themes: u32,
    pub prospects: u32,
    pub reps: u32,
    pub blocks: u32,
    pub calls: u32,
    pub meetings: u32,
}

const FIRST: &[&str] = &[
    "Avery", "Blake", "Carmen", "Devon", "Elena", "Farid", "Grace", "Hector", "Imani", "Jonas",
    "Keiko", "Luis", "Maya", "Nikhil", "Olivia", "Priya", "Quentin", "Rosa", "Samir", "Tessa",
    "Umar", "Valerie", "Wes", "Ximena", "Yusuf", "Zoe", "Andre", "Bianca", "Colin", "Dalia",
    "Ethan", "Fiona", "Gabriel", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nora",
];
const LAST: &[&str] = &[
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
const COMPANY_A: &[&str] = &[
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
const CITIES: &[(&str, &str, &str, &str)] = &[
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
const TEXAS: &[(&str, &str, &str, &str)] = &[
    ("Austin", "TX", "America/Chicago", "512"),
    ("Dallas", "TX", "America/Chicago", "214"),
    ("Houston", "TX", "America/Chicago", "713"),
    ("San Antonio", "TX", "America/Chicago", "210"),
    ("El Paso", "TX", "America/Denver", "915"),
    ("Fort Worth", "TX", "America/Chicago", "817"),
];

struct ThemeSpec {
    name: &'static str,
    kind: ThemeKind,
    description: &'static str,
    size: usize,
    company_b: &'static [&'static str],
    titles: &'static [&'static str],
    industries: &'static [&'static str],
    employees: &'static [&'static str],
    texas: bool,
}

const THEMES: &[ThemeSpec] = &[
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

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Fill an empty database with the demo. `now` anchors the two weeks of
/// history (they end the day before `now`).
pub fn fill(store: &mut Store, seed: u64, now: DateTime<Utc>) -> Result<DemoSummary> {
    if !store.is_empty()? {
        return Err(Error::Conflict(format!(
            "{} already has themes, prospects or calls; the demo only fills an empty database \
             (use another --db path)",
            store.path().display()
        )));
    }
    store.write(|tx| fill_in(tx, seed, now))
}

struct DemoProspect {
    id: String,
    first: String,
    last: String,
    company: String,
    tz: Tz,
}

fn fill_in(c: &Connection, seed: u64, now: DateTime<Utc>) -> Result<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let settings = settings_store::load(c)?;
    let created = now - Duration::days(21);

    let alex = reps::create_rep(
        c,
        "Alex Rivera",
        Some("alex.rivera@callblock.example"),
        Some("America/Chicago"),
    )?;
    let sam = reps::create_rep(
        c,
        "Sam Okafor",
        Some("sam.okafor@callblock.example"),
        Some("America/New_York"),
    )?;
    reps::set_current_rep(c, &alex.id)?;

    let mut theme_ids = Vec::new();
    let mut prospects: Vec<DemoProspect> = Vec::new();
    for (ti, spec) in THEMES.iter().enumerate() {
        let theme = lists::create_theme(c, spec.name, spec.kind, spec.description)?;
        let cities = if spec.texas { TEXAS } else { CITIES };
        for n in 0..spec.size {
            let first = pick(&mut rng, FIRST).to_string();
            let last = pick(&mut rng, LAST).to_string();
            let company = format!(
                "{} {}",
                pick(&mut rng, COMPANY_A),
                pick(&mut rng, spec.company_b)
            );
            let (city, state, tz, area) = *pick(&mut rng, cities);
            let line = format!("{:04}", 100 + (n % 100));
            let mut phones = vec![NewPhone {
                kind: "direct".into(),
                e164: Some(format!("+1{area}555{line}")),
                extension: None,
                raw: format!("({area}) 555-{line}"),
            }];
            if rng.random_bool(0.3) {
                let ext = rng.random_range(100..400).to_string();
                phones.push(NewPhone {
                    kind: "corporate".into(),
                    e164: Some(format!("+1{area}5550199")),
                    extension: Some(ext.clone()),
                    raw: format!("{area}.555.0199 ext. {ext}"),
                });
            }
            // A few prospects have no known time zone, as real lists do.
            let time_zone = if rng.random_bool(0.04) {
                None
            } else {
                Some(tz.to_string())
            };
            let id = lists::insert_prospect(
                c,
                &NewProspect {
                    theme_id: Some(theme.id.clone()),
                    first_name: first.clone(),
                    last_name: last.clone(),
                    title: pick(&mut rng, spec.titles).to_string(),
                    company: company.clone(),
                    email: Some(format!(
                        "{}.{}@{}.example",
                        slug(&first),
                        slug(&last),
                        slug(&company)
                    )),
                    city: if time_zone.is_some() {
                        city.to_string()
                    } else {
                        String::new()
                    },
                    region: if time_zone.is_some() {
                        state.to_string()
                    } else {
                        String::new()
                    },
                    country: "US".into(),
                    time_zone: time_zone.clone(),
                    industry: pick(&mut rng, spec.industries).to_string(),
                    employees: pick(&mut rng, spec.employees).to_string(),
                    phones,
                    source_file: Some("demo".into()),
                    crm_id: Some(format!("DEMO-{}-{n:04}", ti + 1)),
                },
                created,
            )?;
            prospects.push(DemoProspect {
                id,
                first,
                last,
                company,
                tz: time_zone
                    .as_deref()
                    .and_then(time::parse_tz)
                    .unwrap_or(chrono_tz::America::Chicago),
            });
        }
        theme_ids.push(theme.id);
    }

    // A talk track of its own for the logistics theme, improved after week one,
    // and an override of one objection response for finance leaders.
    let mut logistics = playbook::default_talk_track();
    logistics.engage_statement =
        "Carriers and 3PLs like {company} tell us empty miles and detention time eat \
        their margins. We help operations teams cut both, usually within one quarter."
            .into();
    logistics.referral =
        "Riverbend Freight in Nashville cut their empty miles by a fifth with us.".into();
    let track_v1 = playbook::save_talk_track(
        c,
        Some(&theme_ids[0]),
        "Logistics & freight",
        &logistics,
        "First version",
        None,
    )?;
    let mut v2 = logistics.clone();
    v2.impact_question =
        "If you took a fifth off your empty miles this quarter, where would that money go?".into();
    let track_v2 = playbook::save_talk_track(
        c,
        Some(&theme_ids[0]),
        "Logistics & freight",
        &v2,
        "A sharper Impact Question after week one",
        None,
    )?;
    let default_track = playbook::current_talk_track(c, None)?.map(|v| v.id);
    let objections = playbook::objections_for(c, None)?;
    if let Some(no_budget) = objections.iter().find(|o| o.slug == "no_budget") {
        c.execute(
            "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
             VALUES (?1, ?2, ?3, 1, ?4, ?5)",
            rusqlite::params![
                crate::store::new_id(),
                no_budget.objection_id,
                theme_ids[3],
                "Most finance teams we meet found the budget in what they already spend. The meeting \
                 is 20 minutes to see if that holds for {company}. Tuesday or Thursday?",
                time::to_db(created)
            ],
        )?;
    }
    let finance_objections = playbook::objections_for(c, Some(&theme_ids[3]))?;

    let by_id: std::collections::HashMap<&str, &DemoProspect> =
        prospects.iter().map(|p| (p.id.as_str(), p)).collect();

    // Two weeks of blocks: weekdays, morning prime time for each rep, a second
    // block on most days, each on one theme.
    let mut blocks = 0u32;
    let mut call_count = 0u32;
    let mut meetings = 0u32;
    let today = now.date_naive();
    let first_day = today - Duration::days(14);
    let mut day = first_day;
    while day < today {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day = day.succ_opt().unwrap_or(today);
            continue;
        }
        let week_two = (day - first_day).num_days() >= 7;
        for (ri, rep) in [&alex, &sam].into_iter().enumerate() {
            let rep_tz: Tz = rep
                .time_zone
                .as_deref()
                .and_then(time::parse_tz)
                .unwrap_or(chrono_tz::UTC);
            let slots: &[(u32, u32)] = if rng.random_bool(0.7) {
                &[(9, 0), (10, 30)]
            } else {
                &[(9, 15)]
            };
            for (si, (h, m)) in slots.iter().enumerate() {
                let start_local = day
                    .and_time(NaiveTime::from_hms_opt(*h, *m, 0).unwrap_or_default())
                    + Duration::seconds(rng.random_range(0..600));
                let Some(start) = rep_tz.from_local_datetime(&start_local).earliest() else {
                    continue;
                };
                let start = start.with_timezone(&Utc);
                if start >= now {
                    continue;
                }
                let theme = (day.ordinal() as usize + ri * 2 + si) % THEMES.len();
                let planned = settings.block_minutes * 60;
                let block_end_target = start + Duration::seconds(i64::from(planned));
                let block_id = crate::block::insert_finished_block(
                    c,
                    &crate::block::FinishedBlock {
                        rep_id: &rep.id,
                        theme_ids: std::slice::from_ref(&theme_ids[theme]),
                        planned_seconds: planned,
                        break_seconds: settings.break_minutes * 60,
                        started_at: start,
                        ended_at: block_end_target,
                        end_reason: "completed",
                    },
                )?;
                blocks += 1;
                let mut t = start + Duration::seconds(rng.random_range(5..30));
                let mut ended_early = false;
                let mut first = true;
                while t < block_end_target {
                    let next = queue::next(
                        c,
                        &block_id,
                        std::slice::from_ref(&theme_ids[theme]),
                        &settings,
                        t,
                    )?;
                    let Some(p) = next.and_then(|e| by_id.get(e.prospect_id.as_str()).copied())
                    else {
                        ended_early = true;
                        break;
                    };
                    first = false;
                    let call = demo_call(
                        &mut rng,
                        p,
                        &rep.id,
                        &block_id,
                        &theme_ids[theme],
                        t,
                        if theme == 0 {
                            Some(if week_two { &track_v2.id } else { &track_v1.id })
                        } else {
                            default_track.as_ref()
                        },
                        if theme == 3 {
                            &finance_objections
                        } else {
                            &objections
                        },
                    );
                    let next = t
                        + Duration::milliseconds(i64::from(call.duration_ms))
                        + Duration::seconds(rng.random_range(4..25));
                    if call.outcome == Outcome::Meeting {
                        meetings += 1;
                    }
                    calls::record_completed_call(c, &call, &settings)?;
                    call_count += 1;
                    t = next;
                }
                if first {
                    // Nobody to call: a rep would not have started this block.
                    c.execute("DELETE FROM blocks WHERE id = ?1", [&block_id])?;
                    blocks -= 1;
                } else if ended_early {
                    c.execute(
                        "UPDATE blocks SET ended_at = ?2, end_reason = 'ended_early' WHERE id = ?1",
                        rusqlite::params![block_id, time::to_db(t)],
                    )?;
                } else {
                    c.execute(
                        "UPDATE blocks SET ended_at = ?2 WHERE id = ?1",
                        rusqlite::params![block_id, time::to_db(t.max(block_end_target))],
                    )?;
                }
            }
        }
        day = day.succ_opt().unwrap_or(today);
    }

    Ok(DemoSummary {
        themes: THEMES.len() as u32,
        prospects: prospects.len() as u32,
        reps: 2,
        blocks,
        calls: call_count,
        meetings,
    })
}

#[allow(clippy::too_many_arguments)]
fn demo_call(
    rng: &mut StdRng,
    p: &DemoProspect,
    rep_id: &str,
    block_id: &str,
    theme_id: &str,
    t: DateTime<Utc>,
    track: Option<&String>,
    objections: &[playbook::ObjectionWithResponse],
) -> CompletedCall {
    // Per dial (near domain.md section 8, a little kinder so that Review has
    // meetings to show): 5 % bad number, 47 % no answer, 26 % voicemail, 12 %
    // gatekeeper, 10 % connects; of the connects 58 % not interested, 22 %
    // callback, 10 % meeting, 10 % do not call.
    let roll: f64 = rng.random();
    let outcome = if roll < 0.05 {
        Outcome::BadNumber
    } else if roll < 0.52 {
        Outcome::NoAnswer
    } else if roll < 0.78 {
        Outcome::Voicemail
    } else if roll < 0.90 {
        Outcome::Gatekeeper
    } else {
        let c: f64 = rng.random();
        if c < 0.58 {
            Outcome::NotInterested
        } else if c < 0.80 {
            Outcome::Callback
        } else if c < 0.90 {
            Outcome::Meeting
        } else {
            Outcome::DoNotCall
        }
    };
    let secs: u32 = match outcome {
        Outcome::BadNumber => rng.random_range(6..20),
        Outcome::NoAnswer => rng.random_range(18..35),
        Outcome::Voicemail => rng.random_range(40..75),
        Outcome::Gatekeeper => rng.random_range(25..95),
        Outcome::NotInterested => rng.random_range(15..110),
        Outcome::Callback => rng.random_range(45..140),
        Outcome::Meeting => rng.random_range(120..330),
        Outcome::DoNotCall => rng.random_range(10..45),
    };
    let mut raised = Vec::new();
    let n_objections = match outcome {
        Outcome::NotInterested => rng.random_range(1..=3),
        Outcome::Callback => rng.random_range(1..=2),
        Outcome::Meeting => rng.random_range(0..=3),
        _ => 0,
    };
    for i in 0..n_objections {
        let o = pick(rng, objections);
        let at = 60 + i * 20 + rng.random_range(0..10);
        if at < secs {
            raised.push(RaisedObjection {
                objection_id: o.objection_id.clone(),
                response_id: Some(o.response_id.clone()),
                at_ms: at * 1000,
            });
        }
    }
    let callback_at = (outcome == Outcome::Callback).then(|| {
        let d = crate::time::add_business_days(t, rng.random_range(1..4), Some(p.tz));
        let local = d
            .with_timezone(&p.tz)
            .date_naive()
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
        p.tz.from_local_datetime(&local)
            .earliest()
            .map(|l| l.with_timezone(&Utc))
            .unwrap_or(d)
    });
    let meeting = (outcome == Outcome::Meeting).then(|| {
        let d = crate::time::add_business_days(t, rng.random_range(2..7), Some(p.tz));
        let hour = *pick(rng, &[10u32, 11, 14, 15]);
        let local = d
            .with_timezone(&p.tz)
            .date_naive()
            .and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
        NewMeeting {
            starts_at: p
                .tz
                .from_local_datetime(&local)
                .earliest()
                .map(|l| l.with_timezone(&Utc))
                .unwrap_or(d),
            duration_minutes: 30,
            email: format!(
                "{}.{}@{}.example",
                slug(&p.first),
                slug(&p.last),
                slug(&p.company)
            ),
            format: "web".into(),
        }
    });
    let (notes, gap_current_state, gap_objectives, gap_impact) = match outcome {
        Outcome::Meeting => (
            format!(
                "Booked with {}; sent invite for the discovery meeting.",
                p.first
            ),
            "Tracks it in spreadsheets; two people spend Mondays on it.".to_string(),
            "Wants the weekly report automated before next quarter.".to_string(),
            "Frees a day a week for the team.".to_string(),
        ),
        Outcome::Callback => (
            format!("{} asked to talk after the month-end close.", p.first),
            String::new(),
            String::new(),
            String::new(),
        ),
        Outcome::NotInterested => (
            "Happy with the current setup.".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ),
        Outcome::Gatekeeper => (
            format!("Front desk; asked for {}'s direct line.", p.first),
            String::new(),
            String::new(),
            String::new(),
        ),
        _ => (String::new(), String::new(), String::new(), String::new()),
    };
    CompletedCall {
        prospect_id: p.id.clone(),
        rep_id: rep_id.to_string(),
        block_id: Some(block_id.to_string()),
        theme_id: Some(theme_id.to_string()),
        talk_track_version_id: track.cloned(),
        started_at: t,
        duration_ms: secs * 1000 + rng.random_range(0..1000),
        outcome,
        asked_for_meeting: matches!(outcome, Outcome::Meeting | Outcome::Callback)
            || (outcome == Outcome::NotInterested && secs > 50),
        callback_at,
        notes,
        gap_current_state,
        gap_objectives,
        gap_impact,
        objections: raised,
        meeting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fills_every_view_and_follows_the_rules() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
        let s = fill(&mut store, 7, now).unwrap();
        assert_eq!((s.themes, s.reps), (4, 2));
        assert_eq!(s.prospects, 1020);
        assert!(s.blocks >= 20, "{s:?}");
        assert!(s.calls >= 400, "{s:?}");
        assert!(s.meetings >= 1, "{s:?}");
        let c = store.conn();
        let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(n("SELECT count(*) FROM calls"), i64::from(s.calls));
        assert_eq!(n("SELECT count(*) FROM meetings"), i64::from(s.meetings));
        assert_eq!(n("SELECT count(*) FROM blocks"), i64::from(s.blocks));
        // Every block has calls: a rep with nobody to call does not start one.
        assert_eq!(
            n("SELECT count(*) FROM blocks b WHERE NOT EXISTS (SELECT 1 FROM calls WHERE block_id = b.id)"),
            0
        );
        // No call after now, none on a weekend for the rep, none twice on a day.
        assert_eq!(
            n(&format!(
                "SELECT count(*) FROM calls WHERE started_at >= '{}'",
                time::to_db(now)
            )),
            0
        );
        // Nobody was dialled after a do-not-call or a bad number.
        assert_eq!(
            n(
                "SELECT count(*) FROM calls c JOIN calls d ON d.prospect_id = c.prospect_id
               WHERE c.outcome IN ('do_not_call', 'bad_number') AND d.started_at > c.started_at"
            ),
            0
        );
        // Prospect attempts agree with the calls made.
        assert_eq!(
            n("SELECT count(*) FROM prospects p WHERE attempts <> (SELECT count(*) FROM calls WHERE prospect_id = p.id)"),
            0
        );
        // Both talk-track versions of the logistics theme were used.
        assert_eq!(n("SELECT count(DISTINCT talk_track_version_id) FROM calls c JOIN themes t ON t.id = c.theme_id WHERE t.kind = 'vertical'"), 2);
        // The demo refuses a database that is not empty.
        assert!(fill(&mut store, 7, now).is_err());
    }
}

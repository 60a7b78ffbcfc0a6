//! A referral heard on a call ("talk to Dana in operations"): a new
//! prospect on the call's theme, at the referrer's company and place, linked
//! to the call, with the rep's words; called next in the block if the rep
//! wants (see `session`).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::import::phone::{parse_region, PhoneNormalizer};
use crate::lists::{NewPhone, NewProspect};
use crate::text;

/// What the rep types about the person they were referred to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NewReferral {
    /// "Dana" or "Dana Ruiz".
    pub name: String,
    /// Their role, if said ("operations").
    pub title: String,
    /// Their number, if given; empty: the number the call dialled (their
    /// company's line).
    pub phone: String,
    /// What was said ("talk to Dana in operations, she owns the budget").
    pub note: String,
}

/// The referrer: the call's prospect, theme and number.
struct Referrer {
    prospect: NewProspect,
    dialled: Option<String>,
}

fn referrer(conn: &Connection, call_id: &str) -> Result<Referrer> {
    conn.query_row(
        "SELECT p.company, p.city, p.region, p.country, p.time_zone, p.industry, p.employees,
            c.theme_id, c.phone_e164
         FROM calls c JOIN prospects p ON p.id = c.prospect_id WHERE c.id = ?1",
        [call_id],
        |r| {
            Ok(Referrer {
                prospect: NewProspect {
                    company: r.get(0)?,
                    city: r.get(1)?,
                    region: r.get(2)?,
                    country: r.get(3)?,
                    time_zone: r.get(4)?,
                    industry: r.get(5)?,
                    employees: r.get(6)?,
                    theme_id: r.get(7)?,
                    ..NewProspect::default()
                },
                dialled: r.get(8)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "call",
        id: call_id.to_string(),
    })
}

/// The referral's number: the one typed, read in the referrer's country
/// (else the default region); without one, the number the call dialled.
fn phone(
    typed: &str,
    country: &str,
    dialled: Option<String>,
    s: &Settings,
) -> Result<Vec<NewPhone>> {
    let typed = text::check(text::PHONE, typed)?;
    if typed.is_empty() {
        return Ok(dialled
            .map(|e| NewPhone {
                kind: "office".into(),
                e164: Some(e.clone()),
                extension: None,
                raw: e,
            })
            .into_iter()
            .collect());
    }
    let region = parse_region(country)
        .or_else(|| parse_region(&s.default_region))
        .ok_or_else(|| Error::invalid("phone number", "no country to read it in"))?;
    let n = PhoneNormalizer::new().normalize(&typed, region);
    let Some(e164) = n.e164 else {
        return Err(Error::invalid(
            "phone number",
            format!(
                "{} is not a valid number in {}; type it with its country code (+44 ...)",
                crate::quote::quoted(&typed),
                region.as_ref()
            ),
        ));
    };
    Ok(vec![NewPhone {
        kind: "direct".into(),
        e164: Some(e164),
        extension: n.extension,
        raw: typed,
    }])
}

/// Save the referral heard on `call_id` as a new prospect; returns its id.
pub fn add_referral(
    conn: &Connection,
    call_id: &str,
    r: &NewReferral,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<String> {
    let name = text::required(text::Rule::line("referral's name", 201), &r.name)?;
    let (first, last) = match name.split_once(' ') {
        Some((f, l)) => (f.to_string(), l.trim().to_string()),
        None => (name.clone(), String::new()),
    };
    let first = text::check(text::FIRST_NAME, &first)?;
    let last = text::check(text::LAST_NAME, &last)?;
    let title = text::check(text::TITLE, &r.title)?;
    let note = text::check(text::NOTES, &r.note)?;
    let from = referrer(conn, call_id)?;
    let phones = phone(&r.phone, &from.prospect.country, from.dialled, settings)?;
    let id = crate::lists::insert_prospect(
        conn,
        &NewProspect {
            first_name: first,
            last_name: last,
            title,
            phones,
            ..from.prospect
        },
        now,
    )?;
    conn.execute(
        "UPDATE prospects SET referred_by_call = ?2, referral_note = ?3 WHERE id = ?1",
        params![id, call_id, note],
    )?;
    Ok(id)
}

/// Who referred a prospect, and what was said: "Rosa Abbott: talk to Dana
/// in operations"; `None` for a prospect nobody referred.
pub fn referred_by(conn: &Connection, prospect_id: &str) -> Result<Option<String>> {
    let row: Option<(Option<String>, String)> = conn
        .query_row(
            "SELECT trim(p.first_name || ' ' || p.last_name), r.referral_note
             FROM prospects r LEFT JOIN calls c ON c.id = r.referred_by_call
             LEFT JOIN prospects p ON p.id = c.prospect_id
             WHERE r.id = ?1 AND r.referred_by_call IS NOT NULL",
            [prospect_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(row.map(|(who, note)| {
        let who = who
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "a call".into());
        if note.is_empty() {
            who
        } else {
            format!("{who}: {note}")
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{start_block, tests::t0, tests_fixture};
    use crate::calls::start_call;

    #[test]
    fn a_referral_is_a_prospect_at_the_same_company_linked_to_the_call() {
        let f = tests_fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        c.execute("UPDATE prospects SET country = 'US', city = 'Austin'", [])
            .unwrap();
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let call = start_call(c, &b.id, &f.prospects[0], None, t0()).unwrap();
        let r = NewReferral {
            name: " Dana  Ruiz ".into(),
            title: "VP Operations".into(),
            phone: String::new(),
            note: "owns the budget".into(),
        };
        let id = add_referral(c, &call.id, &r, &s, t0()).unwrap();
        let row: (String, String, String, String, Option<String>, String) = c
            .query_row(
                "SELECT first_name, last_name, company, city, theme_id, status FROM prospects WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (
                "Dana".into(),
                "Ruiz".into(),
                "Acme".into(),
                "Austin".into(),
                Some(f.theme.clone()),
                "new".into()
            )
        );
        let card = crate::card::call_card(c, &id, None).unwrap();
        assert_eq!(
            card.phones[0].e164.as_deref(),
            Some("+15125550000"),
            "the company's line, as dialled"
        );
        assert_eq!(
            referred_by(c, &id).unwrap().as_deref(),
            Some("P0 Doe: owns the budget")
        );
        assert_eq!(referred_by(c, &f.prospects[0]).unwrap(), None);
        // A number of their own, read in the referrer's country.
        let own = NewReferral {
            name: "Lee".into(),
            phone: "(512) 555-0199".into(),
            ..NewReferral::default()
        };
        let lee = add_referral(c, &call.id, &own, &s, t0()).unwrap();
        let card = crate::card::call_card(c, &lee, None).unwrap();
        assert_eq!(card.phones[0].tel_uri.as_deref(), Some("tel:+15125550199"));
        // Refused, with nothing written: no name; a number that is none.
        let n = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))
                .unwrap()
        };
        let before = n(c);
        let e = add_referral(c, &call.id, &NewReferral::default(), &s, t0()).unwrap_err();
        assert!(e.to_string().contains("referral's name"), "{e}");
        let bad = NewReferral {
            name: "Kim".into(),
            phone: "12".into(),
            ..NewReferral::default()
        };
        let e = add_referral(c, &call.id, &bad, &s, t0()).unwrap_err();
        assert!(e.to_string().contains("not a valid number in US"), "{e}");
        assert_eq!(n(c), before);
    }
}

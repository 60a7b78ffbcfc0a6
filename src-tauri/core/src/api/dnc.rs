//! The do-not-call list as the Lists view and `callblock dnc` show it: its
//! entries, newest first, found by a number's digits, an e-mail or the
//! name of the prospect they came from; a number or an e-mail put on it by
//! hand. The rules are [`crate::suppress`]'s.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::import::phone::{self, PhoneNormalizer};
use crate::store::Store;
use crate::{quote, suppress, text, time};

/// The entries shown at most, and by default.
pub const MAX_SHOWN: u32 = 1000;
pub const SHOWN: u32 = 200;

/// One number or e-mail on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DncEntry {
    /// "phone" or "email".
    pub kind: String,
    /// As stored: E.164 (with `;ext=` and the extension) or the e-mail.
    pub value: String,
    /// As shown: a number in the home country's national form, else the
    /// international one.
    pub shown: String,
    /// When it went on the list (UTC).
    pub since: String,
    /// Why it is there, in words ("a call ended do not call", ...).
    pub why: String,
    /// The prospect it was listed for, by name, when there is one.
    pub prospect: Option<String>,
}

/// A look at the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DncList {
    /// Entries on the list.
    pub total: u32,
    /// Entries the search finds (all without one).
    pub matching: u32,
    /// The newest of them, at most the limit asked.
    pub entries: Vec<DncEntry>,
}

/// A number or an e-mail put on the list by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DncAdded {
    pub kind: String,
    pub value: String,
    pub shown: String,
    /// False when it was on the list already.
    pub added: bool,
    /// Prospects here marked do-not-call for holding it.
    pub marked: u32,
}

fn why(source: &str) -> &'static str {
    match source {
        "call" => "a call ended do not call",
        "import" => "imported with a prospect on the list",
        "bundle" => "a rep's bundle",
        "manual" => "added by hand",
        "migration" => "marked before the list was kept",
        "team" => "the team's list",
        _ => "unknown",
    }
}

/// A typed number or e-mail as the list keeps it: ("email", the address
/// trimmed and lower-cased) or ("phone", E.164 read in `region` when it has
/// no country code, with `;ext=` and its extension).
pub fn parse_entry(typed: &str, region: &str) -> Result<(String, String)> {
    const FIELD: &str = "do-not-call";
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::invalid(
            FIELD,
            "type a phone number or an e-mail address",
        ));
    }
    if typed.contains('@') {
        let email = text::check(text::EMAIL, typed)?;
        if !text::valid_email(&email) {
            return Err(Error::invalid(
                FIELD,
                format!("{} is not an e-mail address", quote::quoted(&email)),
            ));
        }
        return Ok(("email".into(), suppress::email_value(&email)));
    }
    let number = text::check(text::PHONE, typed)?;
    let home = phone::parse_region(region)
        .or_else(|| phone::parse_region("US"))
        .ok_or_else(|| Error::invalid(FIELD, "no country to read the number in"))?;
    let n = PhoneNormalizer::new().normalize(&number, home);
    let Some(e164) = n.e164 else {
        return Err(Error::invalid(
            FIELD,
            format!(
                "{} is neither an e-mail address nor a valid number in {}; type a number with its country code (+44 ...)",
                quote::quoted(&number),
                home.as_ref()
            ),
        ));
    };
    Ok((
        "phone".into(),
        suppress::phone_value(&e164, n.extension.as_deref()),
    ))
}

/// A value of the list as shown (see [`DncEntry::shown`]).
fn shown(kind: &str, value: &str, region: &str) -> String {
    if kind != "phone" {
        return value.to_string();
    }
    let (e164, ext) = value.split_once(";ext=").unwrap_or((value, ""));
    phone::display(e164, Some(ext), phone::parse_region(region))
}

/// The entries `search` finds (a number's digits, part of an e-mail, or
/// the name of the prospect an entry came from; empty: all), newest first,
/// at most `limit` (1 to [`MAX_SHOWN`]).
pub fn list(conn: &Connection, search: &str, limit: u32) -> Result<DncList> {
    let settings = crate::settings::load(conn)?;
    let search = text::check(text::Rule::line("search", 200), search)?;
    // Folded as SQLite's lower() folds (ASCII letters), so that a name
    // typed as it is written ("Élodie") is found.
    let search = search.trim().to_ascii_lowercase();
    // A search of a number's characters only ("415 555", "(020) 7946")
    // looks at the numbers' digits (a national number's trunk zero dropped:
    // E.164 has none; the extension left out); anything else at the
    // e-mails and the names ("jdoe82", "ana 2").
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    let number_like = !digits.is_empty()
        && search
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c));
    let (by_digits, needle) = if number_like {
        let national = digits.trim_start_matches('0');
        (
            true,
            if national.is_empty() { "0" } else { national }.to_string(),
        )
    } else {
        (false, search.clone())
    };
    const FOUND: &str = "(?1 = '' OR CASE WHEN ?2
             THEN d.kind = 'phone'
                  AND instr(replace(substr(d.value, 1, instr(d.value || ';', ';') - 1), '+', ''), ?1) > 0
             ELSE instr(d.value, ?1) > 0
                  OR instr(lower(trim(p.first_name || ' ' || p.last_name)), ?1) > 0 END)";
    let total: u32 = conn.query_row("SELECT count(*) FROM do_not_call", [], |r| r.get(0))?;
    let matching: u32 = conn.query_row(
        &format!(
            "SELECT count(*) FROM do_not_call d LEFT JOIN prospects p ON p.id = d.prospect_id
              WHERE {FOUND}"
        ),
        params![needle, by_digits],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT d.kind, d.value, d.since, d.source,
                nullif(trim(p.first_name || ' ' || p.last_name), '')
           FROM do_not_call d LEFT JOIN prospects p ON p.id = d.prospect_id
          WHERE {FOUND}
          ORDER BY d.since DESC, d.kind, d.value
          LIMIT ?3"
    ))?;
    let entries = stmt
        .query_map(params![needle, by_digits, limit.clamp(1, MAX_SHOWN)], |r| {
            let kind: String = r.get(0)?;
            let value: String = r.get(1)?;
            let source: String = r.get(3)?;
            Ok(DncEntry {
                shown: shown(&kind, &value, &settings.default_region),
                kind,
                value,
                since: r.get(2)?,
                why: why(&source).to_string(),
                prospect: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(DncList {
        total,
        matching,
        entries,
    })
}

/// Put the typed number or e-mail on the list (numbers without a country
/// code read in the settings' default region), in one transaction; every
/// prospect here who holds it is marked do-not-call at once.
pub fn add(store: &mut Store, typed: &str, now: DateTime<Utc>) -> Result<DncAdded> {
    let region = crate::settings::load(store.conn())?.default_region;
    let (kind, value) = parse_entry(typed, &region)?;
    let at = time::to_db(now);
    let (added, marked) = store.write(|tx| suppress::add_by_hand(tx, &kind, &value, &at))?;
    Ok(DncAdded {
        shown: shown(&kind, &value, &region),
        kind,
        value,
        added,
        marked: marked as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::{insert_prospect, NewPhone, NewProspect};

    fn prospect(store: &Store, first: &str, e164: &str, email: Option<&str>) -> String {
        insert_prospect(
            store.conn(),
            &NewProspect {
                first_name: first.into(),
                last_name: "Reyes".into(),
                email: email.map(str::to_string),
                phones: vec![NewPhone {
                    kind: "direct".into(),
                    e164: Some(e164.into()),
                    extension: None,
                    raw: e164.into(),
                }],
                ..NewProspect::default()
            },
            Utc::now(),
        )
        .unwrap()
    }

    fn state(store: &Store, id: &str) -> (String, bool) {
        store
            .conn()
            .query_row(
                "SELECT status, do_not_call FROM prospects WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    #[test]
    fn typed_numbers_and_e_mails_are_read_as_the_list_keeps_them() {
        let p = |t: &str| parse_entry(t, "US").unwrap();
        assert_eq!(p("(415) 555-0123"), ("phone".into(), "+14155550123".into()));
        assert_eq!(
            p(" +44 20 7946 0958 "),
            ("phone".into(), "+442079460958".into())
        );
        assert_eq!(
            p("415-555-0123 x 204"),
            ("phone".into(), "+14155550123;ext=204".into())
        );
        assert_eq!(
            p("  Ana.Reyes@Example.COM "),
            ("email".into(), "ana.reyes@example.com".into())
        );
        assert_eq!(
            parse_entry("020 7946 0958", "GB").unwrap().1,
            "+442079460958",
            "a national number in the default region"
        );
        for (typed, says) in [
            ("", "type a phone number or an e-mail address"),
            ("   ", "type a phone number or an e-mail address"),
            (
                "12",
                "is neither an e-mail address nor a valid number in US",
            ),
            (
                "call me maybe",
                "is neither an e-mail address nor a valid number",
            ),
            ("ana@", "is not an e-mail address"),
        ] {
            let e = parse_entry(typed, "US").unwrap_err();
            assert_eq!(e.kind(), "invalid", "{typed}");
            assert!(e.to_string().contains(says), "{typed}: {e}");
        }
    }

    #[test]
    fn a_number_added_by_hand_marks_whoever_holds_it_and_lists_their_other_values() {
        let mut store = Store::open_in_memory().unwrap();
        let ana = prospect(&store, "Ana", "+14155550123", Some("ana@example.com"));
        let ben = prospect(&store, "Ben", "+14155550999", None);
        let added = add(&mut store, "(415) 555-0123", Utc::now()).unwrap();
        assert_eq!(
            (
                added.kind.as_str(),
                added.value.as_str(),
                added.added,
                added.marked
            ),
            ("phone", "+14155550123", true, 1)
        );
        assert_eq!(added.shown, "(415) 555-0123", "national at home");
        assert_eq!(state(&store, &ana), ("do_not_call".into(), true));
        assert_eq!(state(&store, &ben), ("new".into(), false));
        assert!(suppress::is_listed(store.conn(), "email", "ana@example.com").unwrap());
        let err = suppress::check_not_listed(store.conn(), &ana).unwrap_err();
        assert_eq!(err.kind(), "do_not_call");

        // Again: nothing new, nobody marked twice.
        let again = add(&mut store, "+1 415 555 0123", Utc::now()).unwrap();
        assert_eq!((again.added, again.marked), (false, 0));
        // An e-mail nobody holds is listed all the same, and a prospect
        // written later with it is stored as do-not-call.
        let e = add(&mut store, "Cara@Example.com", Utc::now()).unwrap();
        assert_eq!((e.kind.as_str(), e.added, e.marked), ("email", true, 0));
        let cara = prospect(&store, "Cara", "+14155550777", Some("cara@example.com"));
        assert_eq!(state(&store, &cara), ("do_not_call".into(), true));

        // A second record of Ana's (her e-mail, another number) is marked
        // with her when her number goes on the list: a prospect who shares
        // a holder's e-mail is the same person.
        let dup = prospect(&store, "Ana", "+14155550555", Some("ANA@example.com"));
        store
            .conn()
            .execute_batch("UPDATE prospects SET status = 'new', do_not_call = 0")
            .unwrap();
        store.conn().execute("DELETE FROM do_not_call", []).unwrap();
        let both = add(&mut store, "(415) 555-0123", Utc::now()).unwrap();
        assert_eq!((both.added, both.marked), (true, 2));
        assert_eq!(state(&store, &dup), ("do_not_call".into(), true));

        // Refused input changes nothing.
        let before = list(store.conn(), "", 10).unwrap().total;
        assert!(add(&mut store, "not a number", Utc::now()).is_err());
        assert_eq!(list(store.conn(), "", 10).unwrap().total, before);
    }

    #[test]
    fn a_value_listed_by_a_call_or_the_team_becomes_this_copys_own_word_when_added_by_hand() {
        let mut store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO do_not_call (kind, value, since, source)
             VALUES ('phone', '+14155550123', '2026-12-01T10:00:00.000Z', 'team'),
                    ('phone', '+14155550456', '2026-12-01T11:00:00.000Z', 'call');",
        )
        .unwrap();
        let source = |store: &Store, value: &str| -> String {
            store
                .conn()
                .query_row(
                    "SELECT source FROM do_not_call WHERE value = ?1",
                    [value],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let outbox = |store: &Store| -> Vec<(String, String)> {
            store
                .conn()
                .prepare("SELECT value, since FROM team_dnc_outbox ORDER BY seq")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        // Not linked to a team store: the row is made this copy's own, and
        // nothing waits for a team.
        let a = add(&mut store, "+1 415 555 0456", Utc::now()).unwrap();
        assert!(!a.added);
        assert_eq!(source(&store, "+14155550456"), "manual");
        assert!(outbox(&store).is_empty());

        // Linked: the team's entry becomes this copy's own word, given to
        // the team under this copy's name, with its first date.
        store
            .conn()
            .execute_batch(
                "INSERT INTO team_link (id, url, role, team_schema, connected_at)
                 VALUES (1, 'postgres://dana@db/sales', 'dana', 7, '2026-12-01T09:00:00.000Z');",
            )
            .unwrap();
        let t = add(&mut store, "(415) 555-0123", Utc::now()).unwrap();
        assert_eq!((t.added, t.marked), (false, 0));
        assert_eq!(source(&store, "+14155550123"), "manual");
        assert_eq!(
            outbox(&store),
            [(
                "+14155550123".to_string(),
                "2026-12-01T10:00:00.000Z".to_string()
            )]
        );
        // Added again by hand: nothing more to give.
        add(&mut store, "(415) 555-0123", Utc::now()).unwrap();
        assert_eq!(outbox(&store).len(), 1);
        // A value new to the list goes to the team by the list's trigger.
        add(&mut store, "new@example.com", Utc::now()).unwrap();
        assert_eq!(outbox(&store).len(), 2);
    }

    #[test]
    fn the_list_is_found_by_digits_e_mail_or_name_newest_first() {
        let mut store = Store::open_in_memory().unwrap();
        prospect(&store, "Ana", "+14155550123", Some("ana@example.com"));
        let t0 = Utc::now() - chrono::Duration::hours(2);
        add(&mut store, "+14155550123", t0).unwrap();
        add(
            &mut store,
            "+44 20 7946 0958",
            t0 + chrono::Duration::hours(1),
        )
        .unwrap();
        let all = list(store.conn(), "", SHOWN).unwrap();
        // The number, Ana's e-mail (listed with her), the London number.
        assert_eq!((all.total, all.matching), (3, 3));
        assert_eq!(all.entries[0].value, "+442079460958", "newest first");
        assert_eq!(all.entries[0].shown, "+44 20 7946 0958");
        assert_eq!(all.entries[0].why, "added by hand");
        assert_eq!(all.entries[0].prospect, None);
        let ana_email = all
            .entries
            .iter()
            .find(|e| e.kind == "email")
            .expect("her e-mail");
        assert_eq!(ana_email.prospect.as_deref(), Some("Ana Reyes"));

        fn found_in(store: &Store, q: &str) -> Vec<String> {
            list(store.conn(), q, SHOWN)
                .unwrap()
                .entries
                .into_iter()
                .map(|e| e.value)
                .collect()
        }
        let found = |q: &str| found_in(&store, q);
        assert_eq!(found("415 555"), ["+14155550123"]);
        assert_eq!(found("(020) 7946"), ["+442079460958"]);
        assert_eq!(found("ANA@"), ["ana@example.com"]);
        // The number added by hand is listed under the prospect holding it.
        assert_eq!(found("reyes"), ["ana@example.com", "+14155550123"]);
        assert!(found("nobody").is_empty());
        // An e-mail with digits is found by them with its letters; a
        // number's extension is not part of its digits.
        add(&mut store, "jdoe82@example.com", t0).unwrap();
        add(&mut store, "(415) 555-0199 x 204", t0).unwrap();
        let found = |q: &str| found_in(&store, q);
        assert_eq!(found("jdoe82"), ["jdoe82@example.com"]);
        assert_eq!(found("555 0199"), ["+14155550199;ext=204"]);
        assert!(found("204").is_empty(), "{:?}", found("204"));
        assert_eq!(
            list(store.conn(), "", SHOWN)
                .unwrap()
                .entries
                .iter()
                .find(|e| e.value.ends_with(";ext=204"))
                .map(|e| e.shown.clone()),
            Some("(415) 555-0199 ext. 204".to_string())
        );
        let one = list(store.conn(), "", 1).unwrap();
        assert_eq!((one.matching, one.entries.len()), (5, 1));
    }
}

//! Reps: the people who make the calls. The app works as one "current" rep
//! (kept in settings); a manager's database holds many.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::{settings, time};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Rep {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub time_zone: Option<String>,
}

/// A rep's name, e-mail and zone checked as every form checks them.
fn checked(id: String, name: &str, email: Option<&str>, time_zone: Option<&str>) -> Result<Rep> {
    let name = crate::text::required(crate::text::REP_NAME, name)?;
    let email = crate::text::optional(crate::text::EMAIL, email)?;
    if let Some(e) = &email {
        if !crate::text::valid_email(e) {
            return Err(Error::invalid(
                "e-mail",
                format!("{e:?} is not an e-mail address such as alex@example.com"),
            ));
        }
    }
    let time_zone = crate::text::optional(crate::text::TIME_ZONE, time_zone)?;
    if let Some(tz) = time_zone.as_deref() {
        if time::parse_tz(tz).is_none() {
            return Err(Error::invalid(
                "time zone",
                format!("{tz:?} is not an IANA time zone such as America/Chicago"),
            ));
        }
    }
    Ok(Rep {
        id,
        name,
        email,
        time_zone,
    })
}

fn name_taken(name: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Error::Conflict(format!("a rep named {name:?} already exists"))
        }
        _ => e.into(),
    }
}

/// Change a rep's profile: name, e-mail (for invitations), time zone (for
/// the plan's days and the meeting's time).
pub fn update_rep(
    conn: &Connection,
    id: &str,
    name: &str,
    email: Option<&str>,
    time_zone: Option<&str>,
) -> Result<Rep> {
    let rep = checked(id.to_string(), name, email, time_zone)?;
    let n = conn
        .execute(
            "UPDATE reps SET name = ?2, email = ?3, time_zone = ?4 WHERE id = ?1",
            params![rep.id, rep.name, rep.email, rep.time_zone],
        )
        .map_err(name_taken(&rep.name))?;
    if n == 0 {
        return Err(Error::NotFound {
            what: "rep",
            id: id.to_string(),
        });
    }
    Ok(rep)
}

pub fn create_rep(
    conn: &Connection,
    name: &str,
    email: Option<&str>,
    time_zone: Option<&str>,
) -> Result<Rep> {
    let rep = checked(crate::ids::new_id(), name, email, time_zone)?;
    let name = rep.name.as_str();
    conn.execute(
        "INSERT INTO reps (id, name, email, time_zone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            rep.id,
            rep.name,
            rep.email,
            rep.time_zone,
            time::to_db(time::now())
        ],
    )
    .map_err(name_taken(name))?;
    Ok(rep)
}

pub fn reps(conn: &Connection) -> Result<Vec<Rep>> {
    let mut stmt = conn.prepare("SELECT id, name, email, time_zone FROM reps ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok(Rep {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            time_zone: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rep this copy of the app works as: the one set in settings, else the
/// first rep, else none yet. Set to "" (see [`pin_current_rep`]): none yet,
/// whatever reps other copies sent.
pub fn current_rep(conn: &Connection) -> Result<Option<Rep>> {
    let set = settings::get_app_value(conn, "current_rep")?;
    let all = reps(conn)?;
    if let Some(id) = set {
        if let Some(r) = all.iter().find(|r| r.id == id) {
            return Ok(Some(r.clone()));
        }
        if id.is_empty() {
            return Ok(None);
        }
    }
    Ok(all.into_iter().next())
}

/// Make who this copy works as explicit before reps of other copies arrive
/// (a bundle): the current rep as it is now, or "none yet" (the window then
/// asks the name of the rep who calls) on a database without a rep.
pub fn pin_current_rep(conn: &Connection) -> Result<()> {
    if settings::get_app_value(conn, "current_rep")?.is_some() {
        return Ok(());
    }
    let id = current_rep(conn)?.map(|r| r.id).unwrap_or_default();
    settings::set_app_value(conn, "current_rep", &id)
}

pub fn set_current_rep(conn: &Connection, rep_id: &str) -> Result<()> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM reps WHERE id = ?1", [rep_id], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Err(Error::NotFound {
            what: "rep",
            id: rep_id.to_string(),
        });
    }
    settings::set_app_value(conn, "current_rep", rep_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_reps_profile_is_edited_and_checked() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let alex = create_rep(c, "Alex", None, None).unwrap();
        create_rep(c, "Sam", None, None).unwrap();
        let r = update_rep(
            c,
            &alex.id,
            " Alex Rivera ",
            Some("alex@example.com"),
            Some("America/Chicago"),
        )
        .unwrap();
        assert_eq!(r.name, "Alex Rivera");
        assert_eq!(reps(c).unwrap().iter().find(|x| x.id == alex.id), Some(&r));
        let e = update_rep(c, &alex.id, "Sam", None, None).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        let e = update_rep(c, &alex.id, "Alex", Some("not mail"), None).unwrap_err();
        assert!(e.to_string().contains("not an e-mail address"), "{e}");
        let e = update_rep(c, &alex.id, "Alex", None, Some("Mars/Base")).unwrap_err();
        assert!(e.to_string().contains("IANA"), "{e}");
        assert_eq!(
            update_rep(c, "nobody", "X", None, None).unwrap_err().kind(),
            "not_found"
        );
        assert_eq!(
            reps(c).unwrap().iter().find(|x| x.id == alex.id),
            Some(&r),
            "unchanged by a refused edit"
        );
    }
}

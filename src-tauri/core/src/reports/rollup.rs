//! Precomputed sums of completed calls per UTC day and a few dimensions, so
//! that a dashboard over a year of a team's calls reads a few hundred
//! thousand small rows instead of a million calls.
//!
//! How they stay true: triggers on `calls` and `call_objections` (schema
//! step 2) only mark the UTC day of a changed call dirty; before a report
//! reads a rollup, [`ensure_fresh`] recomputes the dirty days from the calls,
//! in one savepoint. The conversation and outer-limit thresholds used are
//! stored with the rollups; when the settings differ, everything is rebuilt.
//! When the rollups cannot be brought up to date (a read-only file, a lock),
//! the reports read the calls directly: slower, same figures.
//!
//! A report asks for a *source*: the rows of one rollup shape over the
//! filter's period, made of the rollup for whole days and of the calls
//! themselves for partial days at the edges (or for everything, when the
//! filter uses something the rollup does not keep: an objection, a text
//! query, a length band that does not fall on the 15-second bins).

use rusqlite::{params, Connection, OptionalExtension};

use super::sql::{self, Caps, Params};
use super::ReportFilter;
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::time;

/// One rollup table and how to compute its rows from the calls.
pub(crate) struct Cube {
    pub table: &'static str,
    /// (column, expression over calls `c` [and `co`])
    pub keys: &'static [(&'static str, &'static str)],
    /// The measures: `Funnel` (the six funnel sums), `Length` or `Playbook`.
    pub measures: Measures,
    /// FROM clause over the calls.
    pub from: &'static str,
    /// Extra condition on the calls, and on the rollup rows.
    pub raw_where: &'static str,
    pub cube_where: &'static str,
    pub caps: Caps,
    /// Kept per month too (grain 'm'); false for the rollup by block.
    pub monthly: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measures {
    Funnel,
    Length,
    Playbook,
}

const DAY: &str = "substr(c.started_at, 1, 10)";

pub(crate) const BY_OUTCOME: Cube = Cube {
    table: "review_by_outcome",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("outcome", "c.outcome"),
    ],
    measures: Measures::Funnel,
    from: "calls c",
    raw_where: "1",
    cube_where: "1",
    caps: Caps {
        outcome: true,
        band: false,
    },
    monthly: true,
};

pub(crate) const BY_HOUR: Cube = Cube {
    table: "review_by_hour",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("local_hour", "ifnull(c.local_hour, -1)"),
        ("local_weekday", "ifnull(c.local_weekday, -1)"),
    ],
    measures: Measures::Funnel,
    from: "calls c",
    raw_where: "1",
    cube_where: "1",
    caps: Caps {
        outcome: false,
        band: false,
    },
    monthly: true,
};

pub(crate) const BY_LENGTH: Cube = Cube {
    table: "review_by_length",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("outcome", "c.outcome"),
        ("bin", "min(c.duration_ms / 15000, 24)"),
    ],
    measures: Measures::Length,
    from: "calls c",
    raw_where: "1",
    cube_where: "1",
    caps: Caps {
        outcome: true,
        band: true,
    },
    monthly: true,
};

pub(crate) const BY_TRACK: Cube = Cube {
    table: "review_by_track",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("track_version_id", "ifnull(c.talk_track_version_id, '')"),
    ],
    measures: Measures::Funnel,
    from: "calls c",
    raw_where: "1",
    cube_where: "1",
    caps: Caps {
        outcome: false,
        band: false,
    },
    monthly: true,
};

pub(crate) const OBJECTIONS: Cube = Cube {
    table: "review_playbook",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("kind", "'objection'"),
        ("item_id", "co.objection_id"),
    ],
    measures: Measures::Playbook,
    from: "calls c JOIN call_objections co ON co.call_id = c.id",
    raw_where: "1",
    cube_where: "r.kind = 'objection'",
    caps: Caps {
        outcome: false,
        band: false,
    },
    monthly: true,
};

pub(crate) const RESPONSES: Cube = Cube {
    table: "review_playbook",
    keys: &[
        ("day", DAY),
        ("rep_id", "c.rep_id"),
        ("theme_id", "ifnull(c.theme_id, '')"),
        ("kind", "'response'"),
        ("item_id", "ifnull(co.response_id, '')"),
    ],
    measures: Measures::Playbook,
    from: "calls c JOIN call_objections co ON co.call_id = c.id",
    raw_where: "1",
    cube_where: "r.kind = 'response'",
    caps: Caps {
        outcome: false,
        band: false,
    },
    monthly: true,
};

pub(crate) const BY_BLOCK: Cube = Cube {
    table: "review_by_block",
    keys: &[("block_id", "c.block_id"), ("day", DAY)],
    measures: Measures::Funnel,
    from: "calls c",
    raw_where: "c.block_id IS NOT NULL",
    cube_where: "1",
    caps: Caps {
        outcome: false,
        band: false,
    },
    monthly: false,
};

const ALL: &[&Cube] = &[
    &BY_OUTCOME,
    &BY_HOUR,
    &BY_LENGTH,
    &BY_TRACK,
    &OBJECTIONS,
    &RESPONSES,
    &BY_BLOCK,
];

pub(crate) const FUNNEL_COLUMNS: &[&str] = &[
    "dials",
    "connects",
    "conversations",
    "meetings",
    "talk_ms",
    "past_limit",
];

/// The thresholds, in milliseconds, that the funnel measures depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Thresholds {
    pub conversation_ms: i64,
    pub limit_ms: i64,
}

impl Thresholds {
    pub fn of(settings: &Settings) -> Thresholds {
        Thresholds {
            conversation_ms: i64::from(settings.conversation_seconds) * 1000,
            limit_ms: i64::from(settings.phase_limit) * 1000,
        }
    }
}

impl Measures {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Measures::Funnel => FUNNEL_COLUMNS,
            Measures::Length => &["calls", "talk_ms", "past_limit"],
            Measures::Playbook => &["times", "calls", "meetings"],
        }
    }

    /// Aggregates over calls `c`, in the order of [`Measures::columns`]. The
    /// thresholds are integers from the settings, written into the SQL.
    fn raw(self, th: Thresholds) -> Vec<String> {
        let c = Outcome::CONNECT_SQL;
        match self {
            Measures::Funnel => vec![
                "count(*)".into(),
                format!("count(*) FILTER (WHERE c.outcome IN {c})"),
                format!(
                    "count(*) FILTER (WHERE c.outcome IN {c} AND (c.duration_ms >= {} \
                     OR c.asked_for_meeting = 1 OR c.outcome = 'meeting'))",
                    th.conversation_ms
                ),
                "count(*) FILTER (WHERE c.outcome = 'meeting')".into(),
                "ifnull(sum(c.duration_ms), 0)".into(),
                format!("count(*) FILTER (WHERE c.duration_ms > {})", th.limit_ms),
            ],
            Measures::Length => vec![
                "count(*)".into(),
                "ifnull(sum(c.duration_ms), 0)".into(),
                format!("count(*) FILTER (WHERE c.duration_ms > {})", th.limit_ms),
            ],
            Measures::Playbook => vec![
                "count(*)".into(),
                "count(DISTINCT c.id)".into(),
                "count(DISTINCT CASE WHEN c.outcome = 'meeting' THEN c.id END)".into(),
            ],
        }
    }
}

impl Cube {
    /// The columns of the rollup table that are written (grain first for
    /// rollups kept per month).
    fn table_columns(&self) -> Vec<&'static str> {
        let mut c = if self.monthly { vec!["grain"] } else { vec![] };
        c.extend(self.columns());
        c
    }

    /// `INSERT INTO table (...) SELECT ...` of the monthly rows of the
    /// months in `months` (a subquery of `m` = `YYYY-MM`), from the daily rows.
    fn monthly_insert(&self, months: &str) -> String {
        let mut select = vec!["'m'".to_string()];
        let mut group = Vec::new();
        for (i, (col, _)) in self.keys.iter().enumerate() {
            match *col {
                "day" => select.push("substr(r.day, 1, 7) || '-01'".into()),
                other => select.push(format!("r.{other}")),
            }
            group.push((i + 2).to_string());
        }
        for m in self.measures.columns() {
            select.push(format!("sum(r.{m})"));
        }
        format!(
            "INSERT INTO {t} ({cols}) SELECT {sel} FROM ({months}) dm
             JOIN {t} r ON r.grain = 'd' AND r.day >= dm.m || '-01' AND r.day < dm.m || '-99' {extra}
             GROUP BY {grp}",
            t = self.table,
            cols = self.table_columns().join(", "),
            sel = select.join(", "),
            extra = if self.cube_where == "1" {
                String::new()
            } else {
                format!("AND {}", self.cube_where)
            },
            grp = group.join(", ")
        )
    }

    fn columns(&self) -> Vec<&'static str> {
        self.keys
            .iter()
            .map(|k| k.0)
            .chain(self.measures.columns().iter().copied())
            .collect()
    }

    /// `SELECT keys, measures FROM calls ... WHERE completed AND <cond> GROUP BY keys`.
    fn raw_select(&self, th: Thresholds, cond: &str) -> String {
        self.raw_select_from(th, self.from, cond)
    }

    fn raw_select_from(&self, th: Thresholds, from: &str, cond: &str) -> String {
        self.raw_select_grain(th, from, cond, false)
    }

    /// With `grain`, the first column is `'d'` (to insert daily rows).
    fn raw_select_grain(&self, th: Thresholds, from: &str, cond: &str, grain: bool) -> String {
        let mut keys: Vec<String> = if grain && self.monthly {
            vec!["'d' AS grain".to_string()]
        } else {
            vec![]
        };
        let offset = keys.len();
        keys.extend(
            self.keys
                .iter()
                .map(|(col, expr)| format!("{expr} AS {col}")),
        );
        let aggs: Vec<String> = self
            .measures
            .raw(th)
            .into_iter()
            .zip(self.measures.columns())
            .map(|(e, col)| format!("{e} AS {col}"))
            .collect();
        let group: Vec<String> = (1 + offset..=self.keys.len() + offset)
            .map(|i| i.to_string())
            .collect();
        format!(
            "SELECT {}, {} FROM {from} WHERE c.outcome IS NOT NULL AND {} AND {cond} GROUP BY {}",
            keys.join(", "),
            aggs.join(", "),
            self.raw_where,
            group.join(", ")
        )
    }
}

fn state(conn: &Connection) -> rusqlite::Result<Option<Thresholds>> {
    conn.query_row(
        "SELECT conversation_ms, limit_ms FROM review_rollup_state WHERE id = 1",
        [],
        |r| {
            Ok(Thresholds {
                conversation_ms: r.get(0)?,
                limit_ms: r.get(1)?,
            })
        },
    )
    .optional()
}

/// Bring the rollups up to date (recompute dirty days; rebuild everything
/// when the thresholds changed). Returns false when that was not possible,
/// in which case the reports read the calls directly.
pub fn ensure_fresh(conn: &Connection, settings: &Settings) -> bool {
    let th = Thresholds::of(settings);
    let needed = || -> rusqlite::Result<bool> {
        Ok(state(conn)? != Some(th)
            || conn.query_row("SELECT EXISTS (SELECT 1 FROM review_dirty_days)", [], |r| {
                r.get(0)
            })?)
    };
    match needed() {
        Ok(false) => return true,
        Ok(true) => {}
        Err(_) => return false,
    }
    if conn.execute_batch("SAVEPOINT review_rollup").is_err() {
        return false;
    }
    match refresh(conn, th) {
        Ok(()) => conn.execute_batch("RELEASE review_rollup").is_ok(),
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK TO review_rollup; RELEASE review_rollup");
            false
        }
    }
}

/// Recompute the rollups from the calls, whatever their state (after a
/// settings change, or to repair). Runs in the caller's transaction.
pub fn rebuild(conn: &Connection, settings: &Settings) -> Result<()> {
    conn.execute("DELETE FROM review_rollup_state", [])?;
    refresh(conn, Thresholds::of(settings))?;
    Ok(())
}

fn refresh(conn: &Connection, th: Thresholds) -> rusqlite::Result<()> {
    let full = state(conn)? != Some(th);
    let tables: Vec<&str> = {
        let mut t: Vec<&str> = ALL.iter().map(|c| c.table).collect();
        t.dedup();
        t
    };
    if full {
        for t in &tables {
            conn.execute(&format!("DELETE FROM {t}"), [])?;
        }
        for cube in ALL {
            conn.execute(
                &format!(
                    "INSERT INTO {} ({}) {}",
                    cube.table,
                    cube.table_columns().join(", "),
                    cube.raw_select_grain(th, cube.from, "1", true)
                ),
                [],
            )?;
            if cube.monthly {
                conn.execute(
                    &cube.monthly_insert(&format!(
                        "SELECT DISTINCT substr(day, 1, 7) AS m FROM {} WHERE grain = 'd'",
                        cube.table
                    )),
                    [],
                )?;
            }
        }
        conn.execute(
            "INSERT INTO review_rollup_state (id, conversation_ms, limit_ms, built_at)
             VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET conversation_ms = excluded.conversation_ms,
                limit_ms = excluded.limit_ms, built_at = excluded.built_at",
            params![th.conversation_ms, th.limit_ms, time::to_db(time::now())],
        )?;
    } else {
        let months = "SELECT DISTINCT substr(day, 1, 7) AS m FROM review_dirty_days";
        for cube in ALL {
            if cube.monthly {
                // Each table once (the playbook rollup serves two cubes).
                if cube.cube_where == "1" || cube.cube_where.contains("objection") {
                    conn.execute(
                        &format!(
                            "DELETE FROM {} WHERE grain = 'd' AND day IN (SELECT day FROM review_dirty_days)",
                            cube.table
                        ),
                        [],
                    )?;
                    conn.execute(
                        &format!(
                            "DELETE FROM {} WHERE grain = 'm' AND day IN (SELECT m || '-01' FROM ({months}))",
                            cube.table
                        ),
                        [],
                    )?;
                }
            } else {
                conn.execute(
                    &format!(
                        "DELETE FROM {} WHERE day IN (SELECT day FROM review_dirty_days)",
                        cube.table
                    ),
                    [],
                )?;
            }
        }
        for cube in ALL {
            let from = format!(
                "review_dirty_days d JOIN {} ON c.started_at >= d.day || 'T' AND c.started_at < d.day || 'U'",
                cube.from
            );
            let select = cube.raw_select_grain(th, &from, "1", true);
            conn.execute(
                &format!(
                    "INSERT INTO {} ({}) {select}",
                    cube.table,
                    cube.table_columns().join(", ")
                ),
                [],
            )?;
            if cube.monthly {
                conn.execute(&cube.monthly_insert(months), [])?;
            }
        }
    }
    conn.execute("DELETE FROM review_dirty_days", [])?;
    Ok(())
}

/// Rows of `cube`'s shape for `filter`: a subquery with the cube's columns,
/// to be summed by the caller. `fresh` says whether the rollup may be read.
pub(crate) fn source(
    cube: &Cube,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
    p: &mut Params,
) -> String {
    source_grains(cube, filter, settings, fresh, cube.monthly, p)
}

/// Like [`source`]; `months: false` keeps every row daily (for callers that
/// group or count by day or week).
pub(crate) fn source_grains(
    cube: &Cube,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
    months: bool,
    p: &mut Params,
) -> String {
    let th = Thresholds::of(settings);
    let cols = cube.columns().join(", ");
    let split = sql::split(filter.from, filter.to);
    let empty = format!("SELECT {cols} FROM {} r WHERE 0", cube.table);
    if split.empty {
        return empty;
    }
    let mut parts = Vec::new();
    if fresh && sql::cube_can_serve(filter, cube.caps) {
        if let Some((lo, hi)) = &split.days {
            let mut ranges: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
            let months = months && cube.monthly;
            // Whole months inside [lo, hi) come from the monthly rows.
            let lo_m = lo.as_deref().map(month_ceil);
            let hi_m = hi.as_deref().map(month_floor);
            let use_months = months
                && match (&lo_m, &hi_m) {
                    (Some(a), Some(b)) => a < b,
                    _ => true,
                };
            if use_months {
                if let (Some(lo), Some(lo_m)) = (lo, &lo_m) {
                    if lo < lo_m {
                        ranges.push(("d", Some(lo.clone()), Some(lo_m.clone())));
                    }
                }
                ranges.push(("m", lo_m.clone(), hi_m.clone()));
                if let (Some(hi), Some(hi_m)) = (hi, &hi_m) {
                    if hi_m < hi {
                        ranges.push(("d", Some(hi_m.clone()), Some(hi.clone())));
                    }
                }
            } else {
                ranges.push(("d", lo.clone(), hi.clone()));
            }
            for (grain, lo, hi) in ranges {
                let mut w = Vec::new();
                if cube.monthly {
                    w.push(format!("r.grain = '{grain}'"));
                }
                if let Some(lo) = lo {
                    w.push(format!("r.day >= {}", p.bind(lo)));
                }
                if let Some(hi) = hi {
                    w.push(format!("r.day < {}", p.bind(hi)));
                }
                w.extend(sql::cube_conditions(filter, cube.caps, p));
                w.push(cube.cube_where.to_string());
                parts.push(format!(
                    "SELECT {cols} FROM {} r WHERE {}",
                    cube.table,
                    sql::and(&w)
                ));
            }
        }
        for (a, b) in &split.edges {
            let mut w = vec![
                format!("c.started_at >= {}", p.bind(a.clone())),
                format!("c.started_at < {}", p.bind(b.clone())),
            ];
            w.extend(sql::raw_conditions(filter, p));
            parts.push(cube.raw_select(th, &sql::and(&w)));
        }
    } else {
        let mut w = Vec::new();
        if let Some(f) = filter.from {
            w.push(format!("c.started_at >= {}", p.bind(time::to_db(f))));
        }
        if let Some(t) = filter.to {
            w.push(format!("c.started_at < {}", p.bind(time::to_db(t))));
        }
        // An objection: start from its calls (its index) rather than
        // checking every call of the period.
        let (from, rest) = match &filter.objection_id {
            Some(o) => (
                cube.from.replacen(
                    "calls c",
                    &format!(
                        "(SELECT DISTINCT call_id AS cid FROM call_objections WHERE objection_id = {}) fo_
                         CROSS JOIN calls c INDEXED BY calls_by_id_funnel ON c.id = fo_.cid",
                        p.bind(o.clone())
                    ),
                    1,
                ),
                ReportFilter {
                    objection_id: None,
                    ..filter.clone()
                },
            ),
            None => (cube.from.to_string(), filter.clone()),
        };
        w.extend(sql::raw_conditions(&rest, p));
        parts.push(cube.raw_select_from(th, &from, &sql::and(&w)));
    }
    if parts.is_empty() {
        return empty;
    }
    parts.join(" UNION ALL ")
}

/// The first day of the month of `day` (`YYYY-MM-DD`) if `day` is one,
/// else the first day of the next month.
fn month_ceil(day: &str) -> String {
    if day.ends_with("-01") {
        return day.to_string();
    }
    month_floor(&next_month_start(day))
}

/// The first day of the month of `day`.
fn month_floor(day: &str) -> String {
    format!("{}-01", day.get(..7).unwrap_or(day))
}

fn next_month_start(day: &str) -> String {
    let y: i32 = day.get(..4).and_then(|s| s.parse().ok()).unwrap_or(1970);
    let m: u32 = day.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
    let (y, m) = if m >= 12 { (y + 1, 1) } else { (y, m + 1) };
    format!("{y:04}-{m:02}-01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_up_and_down() {
        assert_eq!(month_ceil("2026-11-01"), "2026-11-01");
        assert_eq!(month_ceil("2026-11-16"), "2026-12-01");
        assert_eq!(month_ceil("2026-12-16"), "2027-01-01");
        assert_eq!(month_floor("2026-11-16"), "2026-11-01");
    }
}

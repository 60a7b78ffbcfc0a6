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
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measures {
    Funnel,
    Length,
    Playbook,
}

const DAY: &str = "substr(c.started_at, 1, 10)";
const WEEK: &str = "date(substr(c.started_at, 1, 10), '-' || ((CAST(strftime('%w', substr(c.started_at, 1, 10)) AS INTEGER) + 6) % 7) || ' days')";

pub(crate) const BY_OUTCOME: Cube = Cube {
    table: "review_by_outcome",
    keys: &[
        ("day", DAY),
        ("week", WEEK),
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
            Measures::Length => &["calls"],
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
            Measures::Length => vec!["count(*)".into()],
            Measures::Playbook => vec![
                "count(*)".into(),
                "count(DISTINCT c.id)".into(),
                "count(DISTINCT CASE WHEN c.outcome = 'meeting' THEN c.id END)".into(),
            ],
        }
    }
}

impl Cube {
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
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|(col, expr)| format!("{expr} AS {col}"))
            .collect();
        let aggs: Vec<String> = self
            .measures
            .raw(th)
            .into_iter()
            .zip(self.measures.columns())
            .map(|(e, col)| format!("{e} AS {col}"))
            .collect();
        let group: Vec<String> = (1..=self.keys.len()).map(|i| i.to_string()).collect();
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
                    cube.columns().join(", "),
                    cube.raw_select(th, "1")
                ),
                [],
            )?;
        }
        conn.execute(
            "INSERT INTO review_rollup_state (id, conversation_ms, limit_ms, built_at)
             VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET conversation_ms = excluded.conversation_ms,
                limit_ms = excluded.limit_ms, built_at = excluded.built_at",
            params![th.conversation_ms, th.limit_ms, time::to_db(time::now())],
        )?;
    } else {
        for t in &tables {
            conn.execute(
                &format!("DELETE FROM {t} WHERE day IN (SELECT day FROM review_dirty_days)"),
                [],
            )?;
        }
        for cube in ALL {
            let from = format!(
                "review_dirty_days d JOIN {} ON c.started_at >= d.day || 'T' AND c.started_at < d.day || 'U'",
                cube.from
            );
            let select = cube.raw_select_from(th, &from, "1");
            conn.execute(
                &format!(
                    "INSERT INTO {} ({}) {select}",
                    cube.table,
                    cube.columns().join(", ")
                ),
                [],
            )?;
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
            let mut w = sql::cube_conditions(filter, cube.caps, p);
            if let Some(lo) = lo {
                w.insert(0, format!("r.day >= {}", p.bind(lo.clone())));
            }
            if let Some(hi) = hi {
                w.insert(0, format!("r.day < {}", p.bind(hi.clone())));
            }
            w.push(cube.cube_where.to_string());
            parts.push(format!(
                "SELECT {cols} FROM {} r WHERE {}",
                cube.table,
                sql::and(&w)
            ));
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
        w.extend(sql::raw_conditions(filter, p));
        parts.push(cube.raw_select(th, &sql::and(&w)));
    }
    if parts.is_empty() {
        return empty;
    }
    parts.join(" UNION ALL ")
}

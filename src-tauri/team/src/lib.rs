//! Callblock's team store: one PostgreSQL database a sales floor shares.
//!
//! Each rep's SQLite file stays the source of truth during a block; what
//! they commit is queued in the same transaction (the core's outbox) and
//! pushed from here in the background, so a slow or absent server never
//! slows a call. A manager's database pulls the team's calls and reads them
//! with the same reports as a rep's own.
//!
//! - [`config`]: the connection string (libpq's form and `sslmode`s), the
//!   password file
//! - [`client`]: TLS (rustls), the connection, a bound on every wait
//! - [`migrate`]: the team schema as plain SQL files (`migrations/`), a newer
//!   one refused
//! - [`sync`]: push (the outbox, batch by batch, idempotent) and pull;
//!   shared lists, leases, the playbook
//! - [`review`]: the team's funnel counted in the store
//! - this file: what the CLI and the window call: connect, status, sync,
//!   add a rep, disconnect
//!
//! Why tokio-postgres and not sqlx: the queries are plain SQL strings checked
//! by the tests against a real server (sqlx's checked queries need a
//! database at build time, its runtime mode brings nothing here), the
//! driver is small, and rustls plugs in through `tokio-postgres-rustls`.

pub mod client;
pub mod config;
pub mod error;
pub mod migrate;
pub mod review;
pub mod sync;

use std::path::Path;
use std::time::Duration;

use callblock_core::team::{link, LinkStatus, NewLink, PullReport};
use callblock_core::Store;
use serde::{Deserialize, Serialize};

pub use error::{Result, TeamError};
pub use sync::{LeaseReport, PlaybookPublished, PublishReport, PushReport, WithdrawReport};

/// What `connect` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectReport {
    /// role@host:port/database.
    pub store: String,
    pub role: String,
    pub manager: bool,
    pub schema_version: i64,
    /// The schema was created (or brought up to date) by this connection.
    pub schema_migrated_from: Option<Option<i64>>,
    /// The rep registered with the store (none: a manager who does not call).
    pub rep: Option<String>,
    /// Calls and blocks queued to be pushed (the history, on a first link).
    pub queued: u32,
    /// Where the connection string's password went (none given: none).
    pub password_kept: Option<config::Kept>,
}

/// The link, what waits, and what the server says now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamStatus {
    pub local: LinkStatus,
    /// The server's answer, or why there was none.
    pub server: Result<ServerState, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerState {
    pub schema_version: Option<i64>,
    pub manager: bool,
    /// Calls of this role the store holds.
    pub my_calls: i64,
    /// Calls of the whole team this role may read.
    pub team_calls: i64,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub pushed: PushReport,
    pub pulled: PullReport,
    pub leases: LeaseReport,
}

/// Run `f` on a runtime of its own (the CLI, the window's sync thread).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a single-threaded runtime")
        .block_on(f)
}

/// Link `store` to the team store at `url`: the server checked, its schema
/// created or brought up to date (a newer one refused), this copy's rep
/// registered under the role, the password kept in `secrets` (not in the
/// database), and the history queued to be pushed.
pub async fn connect(store: &mut Store, url: &str, secrets: &Path) -> Result<ConnectReport> {
    let target = config::parse(url)?;
    let mut client = client::open(&target, secrets, client::WAIT).await?;
    let c = &target;
    let pg = |e| TeamError::pg(&c.label, e);
    let found = client::bounded(c, client::WAIT, migrate::ensure(&mut client, c)).await?;
    let row = client
        .query_one("SELECT current_user::text, callblock.is_manager()", &[])
        .await
        .map_err(pg)?;
    let (role, manager): (String, bool) = (row.get(0), row.get(1));
    let rep = callblock_core::reps::current_rep(store.conn())?;
    if let Some(rep) = &rep {
        register(&client, &target, rep).await?;
    }
    let password = target
        .config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let kept = match &password {
        Some(p) => Some(config::keep_password(secrets, &target.label, p)?),
        None => None,
    };
    let new = NewLink {
        url: target.url.clone(),
        role: role.clone(),
        rep_id: rep.as_ref().map(|r| r.id.clone()),
        manager,
        team_schema: migrate::LATEST as u32,
    };
    let queued = store.write(|tx| link::save(tx, &new))?;
    Ok(ConnectReport {
        store: target.label.clone(),
        role,
        manager,
        schema_version: migrate::LATEST,
        schema_migrated_from: (found != Some(migrate::LATEST)).then_some(found),
        rep: rep.map(|r| r.name),
        queued,
        password_kept: kept,
    })
}

/// Register `rep` under this connection's role (or find it registered):
/// refused when the role calls as another rep.
async fn register(
    client: &tokio_postgres::Client,
    target: &config::Target,
    rep: &callblock_core::reps::Rep,
) -> Result<()> {
    let pg = |e| TeamError::pg(&target.label, e);
    if let Some(other) = client
        .query_opt(
            "SELECT id, name FROM callblock.reps WHERE db_role = current_user AND id <> $1",
            &[&rep.id],
        )
        .await
        .map_err(pg)?
    {
        return Err(TeamError::RoleTaken {
            role: target.role().to_string(),
            name: other.get(1),
            id: other.get(0),
        });
    }
    // New, or known from a manager's bundle (no role yet): this role's now.
    client
        .execute(
            "INSERT INTO callblock.reps (id, db_role, name, email, time_zone)
             VALUES ($1, current_user, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE
             SET db_role = current_user, name = EXCLUDED.name, email = EXCLUDED.email,
                 time_zone = EXCLUDED.time_zone",
            &[&rep.id, &rep.name, &rep.email, &rep.time_zone],
        )
        .await
        .map_err(pg)?;
    Ok(())
}

fn linked(store: &Store) -> Result<(callblock_core::team::TeamLink, config::Target)> {
    let link = link::get(store.conn())?.ok_or(TeamError::NotLinked)?;
    let target = config::parse(&link.url)?;
    Ok((link, target))
}

/// The link and the outbox, and the server's answer within `wait`.
pub async fn status(store: &Store, secrets: &Path, wait: Duration) -> Result<TeamStatus> {
    let local = link::status(store.conn())?;
    let (_, target) = linked(store)?;
    let server = async {
        let client = client::open(&target, secrets, wait).await?;
        let pg = |e| TeamError::pg(&target.label, e);
        let version = migrate::version(&client, &target).await?;
        if version.is_none() {
            return Ok(ServerState {
                schema_version: None,
                manager: false,
                my_calls: 0,
                team_calls: 0,
            });
        }
        let row = client
            .query_one(
                // The typed calls (one for each call row, read as the rows
                // are: a rep's own, every rep's for a manager), by rep from
                // their index.
                "SELECT callblock.is_manager(),
                        (SELECT count(*) FROM callblock.calls
                          WHERE rep_id IN (SELECT callblock.my_reps())),
                        (SELECT count(*) FROM callblock.calls)",
                &[],
            )
            .await
            .map_err(pg)?;
        Ok::<_, TeamError>(ServerState {
            schema_version: version,
            manager: row.get(0),
            my_calls: row.get(1),
            team_calls: row.get(2),
        })
    };
    let server = client::bounded(&target, wait, server)
        .await
        .map_err(|e| e.to_string());
    Ok(TeamStatus { local, server })
}

/// Push what waits, then pull what is new, once. A server that cannot be
/// reached is recorded (the sidebar's "offline since"), and said.
pub async fn sync(store: &mut Store, secrets: &Path) -> Result<SyncReport> {
    let (me, target) = linked(store)?;
    let outcome = async {
        let mut client = client::open(&target, secrets, client::WAIT).await?;
        let work = async {
            up_to_date(&mut client, &target).await?;
            let me = same_rep(store, &client, &target, me).await?;
            let pushed = sync::push(&mut client, &target, store, &me).await?;
            let me = link::get(store.conn())?.ok_or(TeamError::NotLinked)?;
            // What this push wrote is this copy's already: not read back.
            let own = pushed.own_transactions.clone();
            let pulled = sync::pull(&mut client, &target, store, &me, &own).await?;
            let leases = sync::leases(&client, &target, store, &me).await?;
            Ok(SyncReport {
                pushed,
                pulled,
                leases,
            })
        };
        // However many batches: a server that stops answering mid-way is
        // given up on (the statements have their own timeouts too).
        client::bounded(&target, client::SYNC_WAIT, work).await
    }
    .await;
    if let Err(e) = &outcome {
        if !matches!(e, TeamError::NotLinked) {
            link::failed(store.conn(), &e.to_string())?;
        }
    }
    outcome
}

/// The store's schema, before this copy writes or reads what a newer one
/// holds: a newer one is refused; an older one is brought up to date when
/// this role may (the database's owner), else refused with what to do
/// (`TeamError::Older`), never a raw error about a missing column.
async fn up_to_date(client: &mut tokio_postgres::Client, target: &config::Target) -> Result<()> {
    match migrate::version(client, target).await? {
        Some(v) if v > migrate::LATEST => Err(TeamError::Newer {
            found: v,
            known: migrate::LATEST,
        }),
        Some(v) if v < migrate::LATEST => migrate::ensure(client, target).await.map(|_| ()),
        _ => Ok(()),
    }
}

/// The link's rep, checked against who this copy calls as now: a rep made
/// since linking (the first block's) is registered; another rep than the
/// one linked is refused before anything is pushed (their calls would go
/// under the wrong role).
async fn same_rep(
    store: &Store,
    client: &tokio_postgres::Client,
    target: &config::Target,
    me: callblock_core::team::TeamLink,
) -> Result<callblock_core::team::TeamLink> {
    let now = callblock_core::reps::current_rep(store.conn())?;
    match (&me.rep_id, now) {
        (None, Some(rep)) => {
            register(client, target, &rep).await?;
            store
                .conn()
                .execute("UPDATE team_link SET rep_id = ?1 WHERE id = 1", [&rep.id])
                .map_err(callblock_core::Error::from)?;
            Ok(link::get(store.conn())?.ok_or(TeamError::NotLinked)?)
        }
        (Some(linked), Some(rep)) if *linked != rep.id => Err(TeamError::Refused(format!(
            "this database now calls as {}, but it was linked to the team store as another rep; \
             disconnect and connect again (Settings) to sync as {}",
            rep.name, rep.name
        ))),
        _ => Ok(me),
    }
}

/// Publish the themes `theme_ids` and their callable prospects to the team
/// (a manager's act): each rep's copy takes them in on its next pull, and
/// their blocks lease them one rep at a time.
pub async fn publish(
    store: &mut Store,
    secrets: &Path,
    theme_ids: &[String],
) -> Result<PublishReport> {
    let (me, target) = linked(store)?;
    let work = async {
        let mut client = client::open(&target, secrets, client::WAIT).await?;
        up_to_date(&mut client, &target).await?;
        require_manager(&client, &target, &me, "publishes lists to the team").await?;
        sync::publish(&mut client, &target, store, theme_ids).await
    };
    client::bounded(&target, client::SYNC_WAIT, work).await
}

/// Take the published prospects on the themes `theme_ids`, and the
/// prospects `prospect_ids`, off the team's lists (a manager's act): nobody
/// is leased them from now on, and each rep's copy stops drawing them on
/// its next pull. Publishing them again brings them back.
pub async fn withdraw(
    store: &mut Store,
    secrets: &Path,
    theme_ids: &[String],
    prospect_ids: &[String],
) -> Result<WithdrawReport> {
    let (me, target) = linked(store)?;
    let work = async {
        let mut client = client::open(&target, secrets, client::WAIT).await?;
        up_to_date(&mut client, &target).await?;
        require_manager(
            &client,
            &target,
            &me,
            "withdraws leads from the team's lists",
        )
        .await?;
        sync::withdraw(&mut client, &target, store, theme_ids, prospect_ids).await
    };
    client::bounded(&target, client::SYNC_WAIT, work).await
}

/// Publish this database's playbook as the team's next version (a
/// manager's act): each rep's copy takes it in on its next pull, unless
/// the rep changed their own since the last one (then they choose).
pub async fn publish_playbook(store: &mut Store, secrets: &Path) -> Result<PlaybookPublished> {
    let (me, target) = linked(store)?;
    let work = async {
        let mut client = client::open(&target, secrets, client::WAIT).await?;
        up_to_date(&mut client, &target).await?;
        require_manager(&client, &target, &me, "publishes the playbook to the team").await?;
        sync::publish_playbook(&mut client, &target, store).await
    };
    client::bounded(&target, client::SYNC_WAIT, work).await
}

async fn require_manager(
    client: &tokio_postgres::Client,
    target: &config::Target,
    me: &callblock_core::team::TeamLink,
    what: &str,
) -> Result<()> {
    let manager: bool = client
        .query_one("SELECT callblock.is_manager()", &[])
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?
        .get(0);
    if manager {
        return Ok(());
    }
    Err(TeamError::Refused(format!(
        "only a manager {what}, and {} is a rep's role \
         (the store's owner makes a manager with `callblock team add-rep {} --manager`)",
        me.role, me.role
    )))
}

/// The funnel report counted in the store itself (`report --team --live`):
/// the same figures, groups, labels and definitions as this copy's reports
/// (see [`review`]), over every call the role may read, with nothing pulled
/// first. Themes are named (a theme is its name across the team).
pub async fn live_report(
    store: &Store,
    secrets: &Path,
    filter: &callblock_core::reports::ReportFilter,
    theme_names: &[String],
    by: Option<callblock_core::reports::GroupBy>,
) -> Result<callblock_core::reports::FunnelReport> {
    let (_, target) = linked(store)?;
    let settings = callblock_core::settings::load(store.conn())?;
    let mut selection = filter.describe(store.conn())?;
    if !theme_names.is_empty() {
        selection.push_str(&format!(", themes {}", theme_names.join(", ")));
    }
    let work = async {
        let client = client::open(&target, secrets, client::WAIT).await?;
        let total = review::funnel(&client, &target, filter, theme_names, &settings).await?;
        let groups = match by {
            Some(b) => {
                Some(review::funnel_by(&client, &target, filter, theme_names, b, &settings).await?)
            }
            None => None,
        };
        Ok::<_, TeamError>((total, groups))
    };
    let (total, groups) = client::bounded(&target, client::SYNC_WAIT, work).await?;
    Ok(callblock_core::reports::FunnelReport {
        selection: format!("{selection} (counted in the team store)"),
        from: filter.from.map(callblock_core::time::to_db),
        to: filter.to.map(callblock_core::time::to_db),
        rates: total.rates(),
        total,
        by: by.map(callblock_core::reports::ReportBy::Funnel),
        groups,
        by_objections: None,
        definitions: callblock_core::reports::definitions(&settings),
    })
}

/// A filter of this copy (themes by id) as the store reads it: the same
/// filter without the ids, and the themes' names (a theme is its name
/// across the team). A theme id this copy does not know is refused.
fn by_theme_names(
    store: &Store,
    filter: &callblock_core::reports::ReportFilter,
) -> Result<(callblock_core::reports::ReportFilter, Vec<String>)> {
    let mut filter = filter.clone();
    let ids = std::mem::take(&mut filter.theme_ids);
    let mut names = Vec::with_capacity(ids.len());
    for id in &ids {
        let name: Option<String> = store
            .conn()
            .query_row("SELECT name FROM themes WHERE id = ?1", [id], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(callblock_core::Error::from)?;
        names.push(name.ok_or_else(|| {
            TeamError::Refused(format!(
                "no theme {id:?} in this copy: choose the themes again"
            ))
        })?);
    }
    Ok((filter, names))
}

/// Review's summary (the Dashboard: the funnel with its rates, and the
/// funnel by rep, theme, day and week) counted in the team store itself,
/// for this copy's filter (period, reps, themes, outcomes), with the
/// definitions of this copy's reports ([`review`]); nothing is pulled.
pub async fn live_summary(
    store: &Store,
    secrets: &Path,
    filter: &callblock_core::reports::ReportFilter,
) -> Result<callblock_core::reports::funnel::ReviewSummary> {
    Ok(live_review(store, secrets, filter, LiveParts::default())
        .await?
        .summary)
}

/// What Review counts in the store besides the summary: the report of one
/// tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveParts {
    /// When to call (the prospect's local hour and weekday).
    pub timing: bool,
    /// Call length by outcome.
    pub length: bool,
    /// Blocks run, their time and pace.
    pub blocks: bool,
    /// Objections heard, responses used and talk-track versions compared.
    pub playbook: bool,
}

/// Review counted in the team store: the summary, and the parts asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveReview {
    pub summary: callblock_core::reports::funnel::ReviewSummary,
    pub timing: Option<callblock_core::reports::timing::TimingReport>,
    pub length: Option<callblock_core::reports::length::LengthReport>,
    pub blocks: Option<callblock_core::reports::blocks::BlocksReport>,
    pub playbook: Option<callblock_core::reports::playbook::PlaybookReport>,
    /// With the playbook: the meeting rate of conversations by objections heard.
    pub by_objections: Option<callblock_core::reports::by_objections::ByObjections>,
}

/// The summary ([`live_summary`]) and the `parts` asked for, counted in the
/// team store on one connection. Blocks planned are this copy's weekly
/// schedule's (a schedule is not shared), as in this copy's report; the
/// playbook is said in this copy's words
/// (`reports::playbook::playbook_of_store`).
pub async fn live_review(
    store: &Store,
    secrets: &Path,
    filter: &callblock_core::reports::ReportFilter,
    parts: LiveParts,
) -> Result<LiveReview> {
    use callblock_core::reports::GroupBy;
    let (_, target) = linked(store)?;
    let settings = callblock_core::settings::load(store.conn())?;
    let schedule = match parts.blocks {
        true => callblock_core::reports::blocks::planned_blocks(
            store.conn(),
            filter,
            callblock_core::time::now(),
        )?,
        false => None,
    };
    let (by_names, themes) = by_theme_names(store, filter)?;
    let (f, t, s) = (&by_names, &themes[..], &settings);
    let work = async {
        let client = client::open(&target, secrets, client::WAIT).await?;
        let c = &client;
        let total = review::funnel(c, &target, f, t, s).await?;
        let by_rep = review::funnel_by(c, &target, f, t, GroupBy::Rep, s).await?;
        let by_theme = review::funnel_by(c, &target, f, t, GroupBy::Theme, s).await?;
        let by_day = review::funnel_by(c, &target, f, t, GroupBy::Day, s).await?;
        let timing = match parts.timing {
            true => Some(review::timing(c, &target, f, t, s).await?),
            false => None,
        };
        let length = match parts.length {
            true => Some(review::length(c, &target, f, t, s).await?),
            false => None,
        };
        let blocks = match parts.blocks {
            true => Some((
                review::block_facts(c, &target, f, t, s).await?,
                review::rep_names(c, &target).await?,
            )),
            false => None,
        };
        let playbook = match parts.playbook {
            true => Some((
                review::playbook_counts(c, &target, f, t, s).await?,
                review::conversations_by_objections(c, &target, f, t, s).await?,
            )),
            false => None,
        };
        Ok::<_, TeamError>((
            total, by_rep, by_theme, by_day, timing, length, blocks, playbook,
        ))
    };
    let (total, by_rep, by_theme, by_day, timing, length, blocks, playbook) =
        client::bounded(&target, client::SYNC_WAIT, work).await?;
    let (playbook, by_objections) = match playbook {
        Some(((objections, responses, tracks), cells)) => {
            use callblock_core::reports::{by_objections, playbook};
            let cells = by_objections::cells_of_store(store.conn(), &cells)?;
            (
                Some(playbook::playbook_of_store(
                    store.conn(),
                    total.connects,
                    &objections,
                    &responses,
                    &tracks,
                    &settings,
                )?),
                Some(by_objections::by_objections_of(&cells, &settings)),
            )
        }
        None => (None, None),
    };
    let summary = callblock_core::reports::funnel::ReviewSummary {
        from: by_names.from.map(callblock_core::time::to_db),
        to: by_names.to.map(callblock_core::time::to_db),
        rates: total.rates(),
        total,
        by_rep,
        by_theme,
        by_week: callblock_core::reports::funnel::weeks_of(&by_day),
        by_day,
        definitions: callblock_core::reports::definitions(&settings),
    };
    let blocks = blocks.map(|(sums, names)| {
        callblock_core::reports::blocks::blocks_of(
            &sums.by_rep,
            &sums.by_week,
            schedule,
            &names,
            &settings,
        )
    });
    Ok(LiveReview {
        summary,
        timing,
        length,
        blocks,
        playbook,
        by_objections,
    })
}

/// A page of Review's call log read in the team store for this copy's
/// query (themes by id, as [`live_summary`]), in this copy's words
/// (`reports::calllog::rows_in_copy_words`).
pub async fn live_call_log(
    store: &Store,
    secrets: &Path,
    query: &callblock_core::reports::calllog::CallLogQuery,
) -> Result<callblock_core::reports::calllog::CallLogPage> {
    let (_, target) = linked(store)?;
    let settings = callblock_core::settings::load(store.conn())?;
    let (filter, themes) = by_theme_names(store, &query.filter)?;
    let query = callblock_core::reports::calllog::CallLogQuery {
        filter,
        ..query.clone()
    };
    let (q, t, s) = (&query, &themes[..], &settings);
    let work = async {
        let client = client::open(&target, secrets, client::WAIT).await?;
        review::call_log(&client, &target, q, t, s).await
    };
    let (rows, next, prev, total, offset) =
        client::bounded(&target, client::SYNC_WAIT, work).await?;
    Ok(callblock_core::reports::calllog::CallLogPage {
        rows: callblock_core::reports::calllog::rows_in_copy_words(store.conn(), rows)?,
        next,
        prev,
        total,
        offset,
    })
}

/// The funnel grouped `by`, counted in the team store, for this copy's
/// filter (themes by id, as [`live_summary`]).
pub async fn live_funnel_by(
    store: &Store,
    secrets: &Path,
    filter: &callblock_core::reports::ReportFilter,
    by: callblock_core::reports::GroupBy,
) -> Result<Vec<callblock_core::reports::FunnelGroup>> {
    let (filter, themes) = by_theme_names(store, filter)?;
    let report = live_report(store, secrets, &filter, &themes, Some(by)).await?;
    Ok(report.groups.unwrap_or_default())
}

/// A connection that hears when any rep's push commits (`LISTEN
/// callblock_rows`): a manager's window pulls at once instead of on its
/// next round. Keep the [`Listener`]; [`Listener::heard`] waits for the next
/// push (or `None` once the connection is gone).
pub async fn listen(store: &Store, secrets: &Path) -> Result<Listener> {
    let (_, target) = linked(store)?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let client = client::open_listening(&target, secrets, client::WAIT, tx).await?;
    client
        .batch_execute("LISTEN callblock_rows")
        .await
        .map_err(|e| TeamError::pg(&target.label, e))?;
    Ok(Listener {
        _client: client,
        rx,
    })
}

pub struct Listener {
    _client: tokio_postgres::Client,
    rx: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl Listener {
    /// The next push heard (several at once count as one); `None` when the
    /// connection is closed.
    pub async fn heard(&mut self) -> Option<()> {
        self.rx.recv().await?;
        while self.rx.try_recv().is_ok() {}
        Some(())
    }
}

/// Create a rep's login role in the team store (run by its owner or a
/// manager who may create roles): a member of `callblock_rep`, and of
/// `callblock_manager` with `manager`. The password goes to the server
/// hashed (SCRAM-SHA-256, computed here), never in clear.
pub async fn add_rep(
    store: &Store,
    secrets: &Path,
    role: &str,
    password: Option<&str>,
    manager: bool,
) -> Result<()> {
    let (_, target) = linked(store)?;
    let client = client::open(&target, secrets, client::WAIT).await?;
    let pg = |e| TeamError::pg(&target.label, e);
    let group = if manager {
        "callblock_manager"
    } else {
        "callblock_rep"
    };
    let password = password.map(|p| postgres_protocol::password::scram_sha_256(p.as_bytes()));
    let password = password.as_deref();
    let exists = client
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .await
        .map_err(pg)?
        .is_some();
    let sql: String = if exists {
        client
            .query_one(
                "SELECT format('GRANT %I TO %I', $1::text, $2::text)",
                &[&group, &role],
            )
            .await
            .map_err(pg)?
            .get(0)
    } else {
        client
            .query_one(
                "SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', $1::text, $2::text)
                        || coalesce(format(' PASSWORD %L', $3::text), '')",
                &[&role, &group, &password],
            )
            .await
            .map_err(pg)?
            .get(0)
    };
    client.batch_execute(&sql).await.map_err(pg)?;
    if exists {
        if let Some(p) = password {
            let sql: String = client
                .query_one(
                    "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                    &[&role, &p],
                )
                .await
                .map_err(pg)?
                .get(0);
            client.batch_execute(&sql).await.map_err(pg)?;
        }
    }
    Ok(())
}

/// Forget the link (and what waits); the store keeps what it holds.
pub fn disconnect(store: &mut Store, secrets: &Path) -> Result<bool> {
    let target = link::get(store.conn())?
        .map(|l| config::parse(&l.url))
        .transpose()?;
    let was = store.write(|tx| link::forget(tx))?;
    if let Some(t) = target {
        config::forget_password(secrets, &t.label)?;
    }
    Ok(was)
}

//! The team store from the Settings view: connect, disconnect, the status
//! (local: the link and what waits; the sync thread does the network).

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use callblock_core::team::{link, LinkStatus};
use callblock_core::Store;

use crate::error::AppError;
use crate::state::AppState;

/// What connecting did, as the Settings view says it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TeamConnected {
    pub store: String,
    pub role: String,
    pub manager: bool,
    pub rep: Option<String>,
    pub queued: u32,
    pub schema_created: bool,
}

#[tauri::command(async)]
#[specta::specta]
pub fn team_status(state: State<'_, AppState>) -> Result<LinkStatus, AppError> {
    state.with_store(|s| link::status(s.conn()))
}

/// Link the database to a team store. A connection of its own, so the
/// window's stays free while the server is asked (at most a few seconds).
#[tauri::command(async)]
#[specta::specta]
pub fn team_connect(state: State<'_, AppState>, url: String) -> Result<TeamConnected, AppError> {
    let r = on_team_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::connect(store, &url, secrets))
    })?;
    Ok(TeamConnected {
        store: r.store,
        role: r.role,
        manager: r.manager,
        rep: r.rep,
        queued: r.queued,
        schema_created: r.schema_migrated_from == Some(None),
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn team_disconnect(state: State<'_, AppState>) -> Result<bool, AppError> {
    let mut store = Store::open_to_write(&state.db_path)?;
    Ok(callblock_team::disconnect(
        &mut store,
        &callblock_team::config::secrets_path(),
    )?)
}

/// How a theme stands on the team's lists, in this copy: its prospects
/// shared with the team, and those a manager withdrew.
#[tauri::command(async)]
#[specta::specta]
pub fn team_theme_sharing(
    state: State<'_, AppState>,
    theme_id: String,
) -> Result<callblock_core::team::lists::ThemeSharing, AppError> {
    state.with_store(|s| callblock_core::team::lists::theme_sharing(s.conn(), &theme_id))
}

/// What publishing or withdrawing a theme did, as the Lists view says it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TeamListChange {
    /// The themes, by name.
    pub themes: Vec<String>,
    /// The prospects published, or withdrawn.
    pub prospects: u32,
}

impl From<callblock_team::PublishReport> for TeamListChange {
    fn from(r: callblock_team::PublishReport) -> Self {
        TeamListChange {
            themes: r.themes,
            prospects: r.prospects,
        }
    }
}

impl From<callblock_team::WithdrawReport> for TeamListChange {
    fn from(r: callblock_team::WithdrawReport) -> Self {
        TeamListChange {
            themes: r.themes,
            prospects: r.prospects,
        }
    }
}

/// An act on the team store that writes this database (connect, publish,
/// withdraw): a store and a connection of their own, on a thread of its own
/// (a command already runs inside Tauri's runtime, and the team crate's
/// calls run on one of their own); bounded like every wait on the store.
fn on_team_store<T: Send>(
    state: &AppState,
    work: impl FnOnce(&mut Store, &std::path::Path) -> callblock_team::Result<T> + Send,
) -> Result<T, AppError> {
    let mut store = Store::open_to_write(&state.db_path)?;
    let secrets = callblock_team::config::secrets_path();
    std::thread::scope(|s| s.spawn(|| work(&mut store, &secrets)).join())
        .map_err(|_| AppError::new("internal", "the team store's work failed unexpectedly"))?
        .map_err(AppError::from)
}

/// Publish the themes and their callable prospects to the team (a
/// manager's act): each rep's copy takes them in on its next sync.
#[tauri::command(async)]
#[specta::specta]
pub fn team_publish(
    state: State<'_, AppState>,
    theme_ids: Vec<String>,
) -> Result<TeamListChange, AppError> {
    on_team_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::publish(store, secrets, &theme_ids))
    })
    .map(TeamListChange::from)
}

/// Take the themes' published prospects off the team's lists (a manager's
/// act): leased to nobody from now on.
#[tauri::command(async)]
#[specta::specta]
pub fn team_withdraw(
    state: State<'_, AppState>,
    theme_ids: Vec<String>,
) -> Result<TeamListChange, AppError> {
    on_team_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::withdraw(store, secrets, &theme_ids, &[]))
    })
    .map(TeamListChange::from)
}

/// Who is in a block now, from the team's blocks and calls this database
/// holds (a manager's pulls them every few seconds).
#[tauri::command(async)]
#[specta::specta]
pub fn team_floor(state: State<'_, AppState>) -> Result<callblock_core::team::Floor, AppError> {
    state.with_store(|s| {
        let settings = callblock_core::settings::load(s.conn())?;
        callblock_core::team::floor::floor(s.conn(), &settings, callblock_core::time::now())
    })
}

/// The team's playbook: its newest version, the one this copy took, and
/// whether the rep changed theirs since (the Playbook view's "team version
/// N vs yours").
#[tauri::command(async)]
#[specta::specta]
pub fn team_playbook_status(
    state: State<'_, AppState>,
) -> Result<callblock_core::team::TeamPlaybookStatus, AppError> {
    state.with_store(|s| callblock_core::team::playbook::status(s.conn()))
}

/// Take the team's newest playbook in, as a playbook file is imported (the
/// rep's own versions stay in the history).
#[tauri::command(async)]
#[specta::specta]
pub fn team_playbook_take(
    state: State<'_, AppState>,
) -> Result<callblock_core::playbook::share::ImportReport, AppError> {
    state.with_store(|s| s.write(|tx| callblock_core::team::playbook::take(tx)))
}

/// Count in the team store (PostgreSQL) for the window: a read-only store
/// of its own and a connection of its own, on a thread of its own, bounded
/// like every wait on the store (`callblock_team::client::bounded`).
fn count_in_store<T: Send>(
    state: &AppState,
    work: impl FnOnce(&Store, &std::path::Path) -> callblock_team::Result<T> + Send,
) -> Result<T, AppError> {
    let path = state.db_path.clone();
    let secrets = callblock_team::config::secrets_path();
    std::thread::scope(|s| {
        s.spawn(move || {
            let store = Store::open_to_read(&path).map_err(AppError::from)?;
            work(&store, &secrets).map_err(AppError::from)
        })
        .join()
    })
    .map_err(|_| AppError::new("internal", "counting in the team store failed unexpectedly"))?
}

/// The team's funnel by rep over the last `days` days (all time: none),
/// counted in the team store itself (PostgreSQL) with the same definitions
/// as every report here; nothing is pulled.
#[tauri::command(async)]
#[specta::specta]
pub fn team_store_report(
    state: State<'_, AppState>,
    days: Option<u32>,
) -> Result<callblock_core::reports::FunnelReport, AppError> {
    let filter = callblock_core::reports::ReportFilter {
        from: days.map(|d| callblock_core::time::now() - chrono::Duration::days(i64::from(d))),
        ..Default::default()
    };
    count_in_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::live_report(
            store,
            secrets,
            &filter,
            &[],
            Some(callblock_core::reports::GroupBy::Rep),
        ))
    })
}

/// Review counted in the team store ("The team store, live").
#[derive(Debug, Clone, Serialize, Type)]
pub struct LiveReview {
    /// The Dashboard's and the Reps tab's: the funnel, its rates, and by
    /// rep, theme, day and week.
    pub summary: callblock_core::reports::funnel::ReviewSummary,
    /// When to call, when asked for.
    pub timing: Option<callblock_core::reports::timing::TimingReport>,
    /// Call length by outcome, when asked for.
    pub length: Option<callblock_core::reports::length::LengthReport>,
    /// The blocks, when asked for.
    pub blocks: Option<callblock_core::reports::blocks::BlocksReport>,
    /// The playbook, when asked for, and the meeting rate by objections heard.
    pub playbook: Option<callblock_core::reports::playbook::PlaybookReport>,
    pub by_objections: Option<callblock_core::reports::by_objections::ByObjections>,
}

/// The Review tab counted in the team store besides the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LiveTab {
    /// The Dashboard and the Reps tab: the summary alone.
    Summary,
    Timing,
    Length,
    Blocks,
    Playbook,
}

/// Review's figures counted in the team store (a manager's "The team
/// store, live") for Review's filter: the summary, and the report of the
/// tab shown (when to call, call length, the blocks or the playbook).
#[tauri::command(async)]
#[specta::specta]
pub fn review_live(
    state: State<'_, AppState>,
    filter: callblock_core::reports::ReportFilter,
    tab: LiveTab,
) -> Result<LiveReview, AppError> {
    let parts = callblock_team::LiveParts {
        timing: tab == LiveTab::Timing,
        length: tab == LiveTab::Length,
        blocks: tab == LiveTab::Blocks,
        playbook: tab == LiveTab::Playbook,
    };
    count_in_store(&state, |store, secrets| {
        let r =
            callblock_team::block_on(callblock_team::live_review(store, secrets, &filter, parts))?;
        Ok(LiveReview {
            summary: r.summary,
            timing: r.timing,
            length: r.length,
            blocks: r.blocks,
            playbook: r.playbook,
            by_objections: r.by_objections,
        })
    })
}

/// A page of Review's call log read in the team store (a manager's "The
/// team store, live"), for Review's query.
#[tauri::command(async)]
#[specta::specta]
pub fn review_call_log_live(
    state: State<'_, AppState>,
    query: callblock_core::reports::calllog::CallLogQuery,
) -> Result<callblock_core::reports::calllog::CallLogPage, AppError> {
    count_in_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::live_call_log(store, secrets, &query))
    })
}

/// The funnel grouped `by`, counted in the team store, for Review's filter.
#[tauri::command(async)]
#[specta::specta]
pub fn review_funnel_by_live(
    state: State<'_, AppState>,
    filter: callblock_core::reports::ReportFilter,
    by: callblock_core::reports::GroupBy,
) -> Result<Vec<callblock_core::reports::FunnelGroup>, AppError> {
    count_in_store(&state, |store, secrets| {
        callblock_team::block_on(callblock_team::live_funnel_by(store, secrets, &filter, by))
    })
}

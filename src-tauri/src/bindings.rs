//! The typed list of commands, shared by the app (to route invocations) and
//! by the test that writes the TypeScript bindings in `ui/src/lib/bindings.ts`.

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands::{app, block, lists, plan, playbook, review, team};
use crate::{desktop, events};

/// Where the generated TypeScript lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            app::app_info,
            app::list_themes,
            app::list_prospects,
            app::get_playbook,
            block::list_blocks,
            app::ui_ready,
            app::get_settings,
            app::save_settings,
            app::save_profile,
            app::load_demo,
            team::team_status,
            team::team_connect,
            team::team_disconnect,
            team::team_floor,
            team::team_theme_sharing,
            team::team_publish,
            team::team_withdraw,
            team::team_playbook_status,
            team::team_playbook_take,
            team::team_store_report,
            team::review_live,
            team::review_call_log_live,
            team::review_funnel_by_live,
            block::block_view,
            block::start_block,
            block::pause_block,
            block::resume_block,
            block::end_block,
            block::start_call,
            block::answer_call,
            block::toggle_asked,
            block::dial_number,
            block::begin_outcome,
            block::back_to_call,
            block::callbacks_due,
            block::add_referral,
            block::log_objection,
            block::save_call_notes,
            block::log_outcome,
            block::skip_prospect,
            block::undo_outcome,
            block::add_block_themes,
            block::callable_themes,
            block::block_summary,
            block::meeting_slots,
            desktop::open_link,
            desktop::open_invitation,
            desktop::reveal_invitation,
            desktop::copy_text,
            desktop::pick_files,
            playbook::talk_track_editor,
            playbook::save_talk_track,
            playbook::list_talk_track_versions,
            playbook::restore_talk_track_version,
            playbook::lint_talk_track,
            playbook::lint_response,
            playbook::preview_playbook,
            playbook::list_objections,
            playbook::create_objection,
            playbook::update_objection,
            playbook::reorder_objections,
            playbook::archive_objection,
            playbook::restore_objection,
            playbook::save_library_response,
            playbook::save_theme_override,
            playbook::remove_theme_override,
            playbook::list_response_versions,
            playbook::restore_response_version,
            playbook::export_playbook,
            playbook::import_playbook,
            plan::plan_overview,
            plan::preview_plan,
            plan::save_plan,
            plan::plan_schedule,
            plan::add_schedule_slot,
            plan::add_schedule_slots,
            plan::update_schedule_slot,
            plan::delete_schedule_slot,
            plan::suggest_schedule_slots,
            plan::export_schedule,
            plan::save_plan_settings,
            plan::next_due_block,
            review::review_options,
            review::review_dashboards,
            review::review_funnel_by,
            review::review_by_objections,
            review::review_call_log,
            review::review_call_detail,
            review::comment_on_call,
            review::remove_call_comment,
            review::flag_call,
            review::export_review_table,
            review::export_review_calls,
            review::save_chart_image,
            review::export_rep_bundle,
            review::import_bundles,
            lists::import_defaults,
            lists::open_import,
            lists::preview_import,
            lists::check_import,
            lists::run_import,
            lists::cancel_import,
            lists::create_theme,
            lists::rename_theme,
            lists::merge_themes,
            lists::count_matching_prospects,
            lists::split_theme,
            lists::move_prospects,
            lists::recycle_prospects,
            lists::export_prospects,
            lists::do_not_call_list,
            lists::add_to_do_not_call,
        ])
        .events(collect_events![
            events::BlockTick,
            events::BreakTick,
            events::CallbacksChanged,
            events::ImportProgress,
            events::TeamStatus
        ])
}

/// The TypeScript text for the current commands and types.
pub fn typescript() -> Result<String, String> {
    builder()
        .export_str(
            Typescript::default()
                .header("// Generated from the Rust commands by `cargo test -p callblock bindings`. Do not edit.\n// @ts-nocheck\n"),
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// Fails when a command or type changed and the TypeScript was not
    /// regenerated. `UPDATE_BINDINGS=1 cargo test -p callblock bindings`
    /// rewrites the file.
    #[test]
    fn bindings_are_fresh() {
        let fresh = typescript().expect("export the bindings");
        let path = root().join(BINDINGS_PATH);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).expect("write the bindings");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == fresh,
            "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p callblock bindings` and commit the result",
            BINDINGS_PATH
        );
    }

    /// Two Rust types of one name would give two TypeScript types of one
    /// name, and the second would silently shadow the first.
    #[test]
    fn every_exported_type_name_is_unique() {
        let ts = typescript().expect("export the bindings");
        let mut seen = std::collections::HashSet::new();
        for line in ts.lines() {
            if let Some(rest) = line.strip_prefix("export type ") {
                let name = rest.split([' ', '=', '<']).next().unwrap_or_default();
                assert!(seen.insert(name.to_string()), "two types are named {name}");
            }
        }
    }

    /// Every command is declared in build.rs (so it has a permission) and
    /// granted by the capability, and nothing more is granted.
    #[test]
    fn every_command_is_declared_and_granted_exactly() {
        let build_rs = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("src-tauri/capabilities/default.json")).unwrap(),
        )
        .unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| p.starts_with("allow-"))
            .map(str::to_string)
            .collect();
        let ts = typescript().unwrap();
        let mut names = Vec::new();
        for line in ts.lines() {
            if let Some(rest) = line.trim().strip_prefix("async ") {
                if let Some(name) = rest.split('(').next() {
                    names.push(name.to_string());
                }
            }
        }
        assert!(!names.is_empty());
        let snake = |s: &str| {
            let mut out = String::new();
            for c in s.chars() {
                if c.is_ascii_uppercase() {
                    out.push('_');
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.push(c);
                }
            }
            out
        };
        let mut expected: Vec<String> = names
            .iter()
            .map(|n| format!("allow-{}", snake(n).replace('_', "-")))
            .collect();
        for n in &names {
            assert!(
                build_rs.contains(&format!("\"{}\"", snake(n))),
                "command {} is not declared in src-tauri/build.rs",
                snake(n)
            );
        }
        expected.sort();
        let mut granted_sorted = granted.clone();
        granted_sorted.sort();
        assert_eq!(
            granted_sorted, expected,
            "the capability grants exactly the app's commands"
        );
    }
}

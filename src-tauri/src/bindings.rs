//! The typed list of commands, shared by the app (to route invocations) and
//! by the test that writes the TypeScript bindings in `ui/src/lib/bindings.ts`.

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, collect_events, Builder};

use crate::{
    commands, commands_import, commands_plan, commands_playbook, commands_review, desktop, session,
};

/// Where the generated TypeScript lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_info,
            commands::list_themes,
            commands::list_prospects,
            commands::get_playbook,
            commands::list_blocks,
            commands::ui_ready,
            commands::get_settings,
            commands::save_settings,
            commands::block_view,
            commands::start_block,
            commands::pause_block,
            commands::resume_block,
            commands::end_block,
            commands::start_call,
            commands::log_objection,
            commands::save_call_notes,
            commands::log_outcome,
            commands::skip_prospect,
            commands::block_summary,
            desktop::open_link,
            desktop::open_invitation,
            desktop::copy_text,
            commands_playbook::talk_track_editor,
            commands_playbook::save_talk_track,
            commands_playbook::list_talk_track_versions,
            commands_playbook::restore_talk_track_version,
            commands_playbook::lint_talk_track,
            commands_playbook::lint_response,
            commands_playbook::preview_playbook,
            commands_playbook::list_objections,
            commands_playbook::create_objection,
            commands_playbook::update_objection,
            commands_playbook::reorder_objections,
            commands_playbook::archive_objection,
            commands_playbook::restore_objection,
            commands_playbook::save_library_response,
            commands_playbook::save_theme_override,
            commands_playbook::remove_theme_override,
            commands_playbook::list_response_versions,
            commands_playbook::restore_response_version,
            commands_playbook::export_playbook,
            commands_playbook::import_playbook,
            commands_plan::plan_overview,
            commands_plan::preview_plan,
            commands_plan::save_plan,
            commands_plan::plan_schedule,
            commands_plan::add_schedule_slot,
            commands_plan::add_schedule_slots,
            commands_plan::update_schedule_slot,
            commands_plan::delete_schedule_slot,
            commands_plan::suggest_schedule_slots,
            commands_plan::export_schedule,
            commands_plan::save_plan_settings,
            commands_plan::next_due_block,
            commands_review::review_options,
            commands_review::review_dashboards,
            commands_review::review_funnel_by,
            commands_review::review_call_log,
            commands_review::review_call_detail,
            commands_review::export_review_table,
            commands_review::export_review_calls,
            commands_review::save_chart_image,
            commands_review::export_rep_bundle,
            commands_review::import_bundles,
            commands_import::import_defaults,
            commands_import::open_import,
            commands_import::preview_import,
            commands_import::check_import,
            commands_import::run_import,
            commands_import::cancel_import,
            commands_import::create_theme,
            commands_import::rename_theme,
            commands_import::merge_themes,
            commands_import::count_matching_prospects,
            commands_import::split_theme,
            commands_import::move_prospects,
            commands_import::recycle_prospects,
            commands_import::export_prospects,
        ])
        .events(collect_events![
            session::BlockTick,
            commands_import::ImportProgress
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

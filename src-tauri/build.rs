// The app's commands are declared here so that each one gets its own
// permission (`allow-<command>`); the capability in src-tauri/capabilities
// grants exactly these to the main window. A test checks that this list, the
// registered commands and the capability agree.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_themes",
    "list_prospects",
    "get_playbook",
    "list_blocks",
    "ui_ready",
    "get_settings",
    "block_view",
    "start_block",
    "pause_block",
    "resume_block",
    "end_block",
    "start_call",
    "log_objection",
    "save_call_notes",
    "log_outcome",
    "skip_prospect",
    "block_summary",
    "open_link",
    "open_invitation",
    "copy_text",
    "talk_track_editor",
    "save_talk_track",
    "list_talk_track_versions",
    "restore_talk_track_version",
    "lint_talk_track",
    "lint_response",
    "preview_playbook",
    "list_objections",
    "create_objection",
    "update_objection",
    "reorder_objections",
    "archive_objection",
    "restore_objection",
    "save_library_response",
    "save_theme_override",
    "remove_theme_override",
    "list_response_versions",
    "restore_response_version",
    "export_playbook",
    "import_playbook",
    "review_options",
    "review_dashboards",
    "review_funnel_by",
    "review_call_log",
    "review_call_detail",
    "export_review_table",
    "export_review_calls",
    "save_chart_image",
    "export_rep_bundle",
    "import_bundles",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}

// No console window on Windows release builds; the CLI still prints when run from a terminal.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

fn main() {
    std::process::exit(callblock_lib::main_entry());
}

// No console window on Windows release builds; the CLI still prints when run from a terminal.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

/// The allocator of the app and its CLI: a big import allocates and frees a
/// few strings a cell on two threads, and spends a fifth less time with it
/// than with the system's (`cargo bench -p callblock-core --bench import`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(callblock_lib::main_entry());
}

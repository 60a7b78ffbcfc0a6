//! The commands the UI invokes, one module per view. Each command is a shim:
//! take the input (a path typed in a field is read with
//! `callblock_core::files::typed_path`), call one core function with the
//! open store (in `Store::write` when it writes and the function takes a
//! transaction), map the error. They run off the main thread (`async` in the
//! attribute) and hold the store's lock only for one call.

pub mod app;
pub mod block;
pub mod lists;
pub mod plan;
pub mod playbook;
pub mod review;
pub mod team;

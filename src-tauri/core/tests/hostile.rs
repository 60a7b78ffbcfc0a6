//! The hostile-input bench (`benches/hostile.rs`) in `cargo test`: a debug
//! build reads the inputs under 50 MB (about 15 s), each in a child process
//! of this binary, and fails when one takes more than 300 MB of memory or its
//! child fails. The full set runs in release: `cargo bench -p callblock-core
//! --bench hostile`.

#[path = "../benches/hostile.rs"]
mod hostile;

fn main() {
    hostile::main()
}

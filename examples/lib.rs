//! Examples live beside this file; run `cargo run --release --example demo`.

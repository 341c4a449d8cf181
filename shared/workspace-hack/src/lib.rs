//! No code: this crate only depends on third-party crates, with the features the whole
//! workspace uses (Cargo.toml, written by `cargo hakari generate`), so that every package
//! that depends on it builds them the same way. See README.md.

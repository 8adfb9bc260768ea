//! The properties the fuzz targets check; `crates/domain/tests/no_panic.rs`
//! runs the same file under proptest on stable.

pub mod checks;

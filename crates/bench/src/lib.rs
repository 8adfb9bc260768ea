//! Benchmark support: a realistic data set of any size, and percentiles.

pub mod dataset;
pub mod events_bench;
pub mod stats;

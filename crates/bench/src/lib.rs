//! Benchmark support: a realistic data set of any size, and percentiles.

pub mod dataset;
pub mod stats;

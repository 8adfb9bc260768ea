//! Benchmark support: a realistic data set of any size, and percentiles.

pub mod dataset;
pub mod events_bench;
pub mod order_list_bench;
pub mod receiver;
pub mod stats;

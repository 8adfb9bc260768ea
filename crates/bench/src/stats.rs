//! Latency percentiles.

use std::time::Duration;

/// p50, p90, p99 and max of a sample.
#[derive(Debug, Clone, Copy)]
pub struct Percentiles {
    /// Median.
    pub p50: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

/// Percentiles of `samples` (sorted here).
pub fn percentiles(samples: &mut [Duration]) -> Percentiles {
    samples.sort_unstable();
    let at = |q: f64| {
        if samples.is_empty() {
            return Duration::ZERO;
        }
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i.min(samples.len() - 1)]
    };
    Percentiles {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: at(1.0),
    }
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// One latency table row (`| name | rows | p50 | p99 | max |`): `page`
/// (which answers how many rows it read) warms up five times, then is
/// timed `runs` times.
pub async fn latency_row(
    name: &str,
    runs: usize,
    mut page: impl AsyncFnMut() -> anyhow::Result<usize>,
) -> anyhow::Result<String> {
    let mut rows = 0;
    for _ in 0..5 {
        rows = page().await?;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        std::hint::black_box(page().await?);
        samples.push(t.elapsed());
    }
    let p = percentiles(&mut samples);
    Ok(format!(
        "| {name} | {rows} | {} | {} | {} |\n",
        ms(p.p50),
        ms(p.p99),
        ms(p.max)
    ))
}

//! Criterion: the ticket list in-process on a generated SQLite data set.
//! Size from `TESSERA_BENCH_TICKETS` (default 100,000; the figures in
//! docs/benchmarks.md use 1,000,000 via `tessera-load list`).

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use tessera_domain::TicketStatus;
use tessera_store::{Store, TicketFilter};

fn bench(c: &mut Criterion) {
    let tickets: i64 = std::env::var("TESSERA_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("criterion-{tickets}.db"));
    let now = Timestamp::now();
    if !path.exists() {
        rt.block_on(tessera_bench::dataset::generate(
            path.to_str().expect("path"),
            tickets,
            now,
        ))
        .expect("data set");
    }
    let store = rt
        .block_on(Store::open(&format!("sqlite://{}", path.display())))
        .expect("store");
    let base = TicketFilter {
        limit: 50,
        ..TicketFilter::default()
    };
    let cases = [
        ("first page", base.clone()),
        (
            "deep cursor",
            TicketFilter {
                before: Some(tickets / 50),
                ..base.clone()
            },
        ),
        (
            "visitor prefix",
            TicketFilter {
                visitor: Some("ма".into()),
                ..base.clone()
            },
        ),
        (
            "rare visitor prefix",
            TicketFilter {
                visitor: Some("щу".into()),
                ..base.clone()
            },
        ),
        (
            "status cancelled",
            TicketFilter {
                statuses: vec![TicketStatus::Cancelled],
                ..base.clone()
            },
        ),
    ];
    let mut group = c.benchmark_group("ticket_list");
    for (name, filter) in cases {
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(store.list_tickets(&filter, now)).expect("list"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The orders list in-process on the generated data set (one order per
//! ticket): every filter and their combinations, first and deep cursor page.

use jiff::Timestamp;
use tessera_domain::OrderStatus;
use tessera_store::{OrderFilter, Store};

use crate::stats::latency_row;

/// Runs every case `runs` times; the Markdown table of percentiles.
pub async fn run(store: &Store, orders: i64, runs: usize) -> anyhow::Result<String> {
    let now = Timestamp::now();
    let today = tessera_domain::period::day_number(now.to_zoned(jiff::tz::TimeZone::get("Europe/Moscow")?).date());
    let deep = Some(orders / 50);
    let base = OrderFilter {
        limit: 50,
        ..OrderFilter::default()
    };
    let with = |f: &dyn Fn(&mut OrderFilter)| {
        let mut filter = base.clone();
        f(&mut filter);
        filter
    };
    use OrderStatus::*;
    let cases: Vec<(&str, OrderFilter)> = vec![
        ("no filter", base.clone()),
        ("no filter, deep cursor", with(&|f| f.before = deep)),
        ("number", with(&|f| f.number = Some(orders / 3))),
        ("customer", with(&|f| f.customer_id = Some(4321))),
        (
            "customer, deep cursor",
            with(&|f| {
                f.customer_id = Some(4321);
                f.before = Some(orders / 2);
            }),
        ),
        ("status new", with(&|f| f.statuses = vec![New])),
        ("status confirmed", with(&|f| f.statuses = vec![Confirmed])),
        (
            "status completed, deep cursor",
            with(&|f| {
                f.statuses = vec![Completed];
                f.before = deep;
            }),
        ),
        (
            "status cancelled_refunded (none)",
            with(&|f| f.statuses = vec![CancelledRefunded]),
        ),
        (
            "status new+payment+invoice",
            with(&|f| f.statuses = vec![New, NewPaymentInProgress, NewAwaitingInvoice]),
        ),
        (
            "period: one week ahead",
            with(&|f| {
                f.from_day = Some(today + 7);
                f.to_day = Some(today + 13);
            }),
        ),
        (
            "period: one day a year ago",
            with(&|f| {
                f.from_day = Some(today - 365);
                f.to_day = Some(today - 365);
            }),
        ),
        (
            "period, deep cursor",
            with(&|f| {
                f.from_day = Some(today - 400);
                f.to_day = Some(today - 300);
                f.before = deep;
            }),
        ),
        (
            "customer + status confirmed",
            with(&|f| {
                f.customer_id = Some(4321);
                f.statuses = vec![Confirmed];
            }),
        ),
        (
            "period month + status new,confirmed",
            with(&|f| {
                f.from_day = Some(today);
                f.to_day = Some(today + 30);
                f.statuses = vec![New, Confirmed];
            }),
        ),
        (
            "all filters but number, deep cursor",
            with(&|f| {
                f.customer_id = Some(4321);
                f.from_day = Some(today - 700);
                f.to_day = Some(today - 10);
                f.statuses = vec![Completed, Cancelled];
                f.before = Some(orders / 2);
            }),
        ),
    ];
    let mut out = format!(
        "Orders list in-process, SQLite, {orders} orders, 50 per page, {runs} runs per case (ms)\n\n| filter | rows | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n"
    );
    for (name, filter) in cases {
        let row = latency_row(name, runs, async || {
            Ok(store.list_orders(&filter, now).await?.items.len())
        })
        .await?;
        out.push_str(&row);
    }
    Ok(out)
}

//! The audit trail: the line a plan leaves, and reading the lines back.

use tessera_events::Plan;

use super::plan_writer::AlikeCharges;
use super::shapes::AuditEntry;
use crate::{Result, Store, args, sql};

/// The plan as the audit trail keeps it: every changed item with its values
/// before and after. Activities and blocks are rows (`[id, date before,
/// date after, PAX before, PAX after, status after]`); charges, which run to
/// tens of thousands, are grouped by the change they share (a Move of
/// 20,000 charges over a month is some thirty groups of ids, not 20,000
/// rows), so the line stays a few hundred kilobytes and exact.
pub(super) fn audit_detail(plan: &Plan, alike: &[AlikeCharges]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(256 + plan.charges.len() * 8 + plan.activities.len() * 48);
    let _ = write!(
        out,
        "{{\"pax\":{},\"start_date\":\"{}\",\"end_date\":\"{}\",\"rows\":\"[id, date_before, date_after, pax_before, pax_after, status_after, time_before, time_after]\",\"activities\":[",
        plan.pax, plan.start_date, plan.end_date
    );
    for (i, a) in plan.activities.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(
            out,
            "{sep}[{},\"{}\",\"{}\",{},{},\"{}\",{},{}]",
            a.id,
            a.date_before,
            a.date_after,
            a.pax_before,
            a.pax_after,
            a.status_after.as_str(),
            time_json(a.time_before),
            time_json(a.time_after)
        );
    }
    out.push_str("],\"charges\":[");
    for (i, g) in alike.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(out, "{sep}{{\"ids\":[");
        for (k, id) in g.ids.iter().enumerate() {
            let sep = if k > 0 { "," } else { "" };
            let _ = write!(out, "{sep}{id}");
        }
        let _ = write!(
            out,
            "],\"date_before\":\"{}\",\"date_after\":\"{}\",\"quantity_before\":\"{}\",\"quantity_after\":\"{}\",\"status_after\":\"{}\"}}",
            g.date_before,
            g.date_after,
            g.quantity_before.normalize(),
            g.quantity_after.normalize(),
            g.status_after.as_str(),
        );
    }
    out.push_str("],\"blocks\":[");
    for (i, b) in plan.blocks.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(
            out,
            "{sep}[{},\"{}\",\"{}\",\"{}\"]",
            b.id,
            b.start_date,
            b.end_date,
            b.status_after.as_str()
        );
    }
    // Closed-folio charges the change left as they were.
    out.push_str("],\"kept\":[");
    for (i, k) in plan.kept.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(out, "{sep}{}", k.id);
    }
    out.push_str("],\"texts\":");
    let texts: Vec<serde_json::Value> = plan
        .texts
        .iter()
        .map(|t| serde_json::json!({"id": t.id, "name": t.name, "notes": t.notes}))
        .collect();
    out.push_str(&serde_json::Value::Array(texts).to_string());
    let _ = write!(out, ",\"cancelled\":{}}}", plan.cancelled);
    out
}

/// An activity's time in the audit: `"09:00-12:00"`, or `null` for the whole day.
fn time_json(t: tessera_events::DayTime) -> String {
    t.hh_mm()
        .map_or_else(|| "null".to_owned(), |(s, e)| format!("\"{s}-{e}\""))
}

impl Store {
    /// The event's audit trail, oldest first: who, when, which command, what
    /// changed (the plan, as JSON), and the version it made.
    pub async fn event_audit(&self, id: i64, after: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, at, actor_id, command, detail, version_after FROM event_audit
                 WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3"
            ),
            &args![id, after.unwrap_or(0), limit],
        )
        .await
    }

    /// The newest `limit` lines of an event's audit trail, newest first.
    pub async fn event_audit_newest(&self, id: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, at, actor_id, command, detail, version_after FROM event_audit
                 WHERE event_id = $1 ORDER BY id DESC LIMIT $2"
            ),
            &args![id, limit],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan_writer::alike_charges;
    use super::super::plan_writer::tests::charge;
    use super::*;
    use jiff::civil::Date;
    use tessera_events::{ActivityChange, ItemStatus};

    #[test]
    fn the_audit_keeps_every_changed_item_before_and_after_as_json() {
        let d = |s: &str| s.parse::<Date>().expect("date");
        let plan = Plan {
            pax: 110,
            start_date: d("2024-02-15"),
            end_date: d("2024-02-17"),
            activities: vec![ActivityChange {
                id: 7,
                date_before: d("2024-02-11"),
                date_after: d("2024-02-16"),
                pax_before: 100,
                pax_after: 110,
                time_before: tessera_events::DayTime::WHOLE_DAY,
                time_after: tessera_events::DayTime::new(
                    jiff::civil::time(9, 0, 0, 0),
                    jiff::civil::time(12, 30, 0, 0),
                )
                .expect("time"),
                status_after: ItemStatus::Active,
            }],
            charges: vec![
                charge(9, "2024-02-12", "2024-02-17", (100, 110), ItemStatus::Cancelled),
                charge(12, "2024-02-12", "2024-02-17", (100, 110), ItemStatus::Cancelled),
                charge(10, "2024-02-12", "2024-02-12", (100, 110), ItemStatus::Active),
            ],
            blocks: vec![],
            kept: vec![tessera_events::KeptCharge {
                id: 30,
                folio_id: 2,
                service_date: d("2024-02-12"),
                quantity: rust_decimal::Decimal::from(100),
            }],
            texts: vec![],
            cancelled: false,
        };
        let v: serde_json::Value =
            serde_json::from_str(&audit_detail(&plan, &alike_charges(&plan.charges))).expect("valid JSON");
        assert_eq!(v["pax"], 110);
        assert_eq!(v["start_date"], "2024-02-15");
        assert_eq!(
            v["activities"][0],
            serde_json::json!([7, "2024-02-11", "2024-02-16", 100, 110, "active", null, "09:00-12:30"])
        );
        assert_eq!(
            v["charges"][0],
            serde_json::json!({"ids": [9, 12], "date_before": "2024-02-12", "date_after": "2024-02-17",
                "quantity_before": "100", "quantity_after": "110", "status_after": "cancelled"})
        );
        assert_eq!(v["charges"][1]["ids"], serde_json::json!([10]));
        assert_eq!(v["charges"][1]["date_after"], "2024-02-12");
        assert_eq!(v["blocks"], serde_json::json!([]));
        assert_eq!(v["kept"], serde_json::json!([30]));
    }
}

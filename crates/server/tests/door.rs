//! The door beyond one check: signed passes with expiry and key rotation,
//! `out` checks, who is in, offline uploads and the door log.

mod common;

use common::{Client, World, days};
use serde_json::{Value, json};

async fn visitor(w: &World, email: &str) -> Client {
    let a = w
        .server
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({"email": email, "password": "visitor-pass", "first_name": "Мария", "last_name": "Гостева"}),
        )
        .await;
    let body = a.ok(201);
    w.server.with_token(
        body["token"].as_str().expect("token"),
        body["user"]["id"].as_i64().expect("id"),
    )
}

/// A confirmed, validated ticket running from today for three days, and its holder.
async fn ready_ticket(w: &World, email: &str, workplace: i64) -> (Client, i64) {
    let v = visitor(w, email).await;
    let (order, ticket) = w.ticket(v.user_id, workplace, days(0, 2)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    (v, ticket)
}

async fn pass(v: &Client, ticket: i64) -> String {
    v.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn check(gate: &Client, token: &str, premises: i64, direction: &str) -> Value {
    gate.post(
        "/api/v1/access/check",
        json!({"token": token, "premises_id": premises, "direction": direction}),
    )
    .await
    .ok(200)
    .clone()
}

fn hours(h: i64) -> jiff::Timestamp {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(h))
        .expect("time")
}

#[tokio::test]
async fn a_pass_is_signed_expires_within_a_day_and_survives_a_key_rotation() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "pass@example.test", w.workplaces[0]).await;
    let answer = v.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await;
    let body = answer.ok(200);
    let token = body["token"].as_str().expect("token").to_owned();
    assert_eq!(body["premises_id"], json!(w.premises));
    let expires: jiff::Timestamp = body["expires_at"].as_str().expect("expiry").parse().expect("RFC 3339");
    assert!(
        expires <= hours(24) && expires > hours(23),
        "a pass lives a day: {expires}"
    );

    // The published key verifies the pass as a turnstile would, offline.
    let keys = gate.get("/api/v1/access/keys").await;
    let key = &keys.ok(200)["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    let kid = key["kid"].as_str().expect("kid").to_owned();
    assert_eq!(token.split('.').nth(1), Some(kid.as_str()), "the pass names its key");
    assert_eq!(check(&gate, &token, w.premises, "in").await["reason"], "allowed");

    // Rotation: a new key signs; the old one keeps its passes working.
    let rotated = w.admin.post("/api/v1/access/keys/rotate", json!({})).await;
    assert_eq!(rotated.ok(200)["keys"].as_array().map(Vec::len), Some(2));
    let fresh = pass(&v, ticket).await;
    assert_ne!(fresh.split('.').nth(1), Some(kid.as_str()), "the new key signs");
    assert_eq!(check(&gate, &token, w.premises, "in").await["reason"], "allowed");
    assert_eq!(check(&gate, &fresh, w.premises, "in").await["reason"], "allowed");
    // A day later the retired key is no longer published.
    w.server.clock.set(hours(25));
    let keys = gate.get("/api/v1/access/keys").await;
    let kids: Vec<&str> = keys.ok(200)["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(!kids.contains(&kid.as_str()), "{kids:?}");
    assert_eq!(kids.len(), 1);
}

#[tokio::test]
async fn forged_expired_and_foreign_passes_stay_outside() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "forge@example.test", w.workplaces[0]).await;
    let (_, other) = ready_ticket(&w, "other@example.test", w.workplaces[1]).await;
    let token = pass(&v, ticket).await;

    // Another ticket's number in this pass: the signature no longer fits.
    let swapped = token.replacen(&format!(".{ticket}."), &format!(".{other}."), 1);
    assert_ne!(swapped, token);
    let c = check(&gate, &swapped, w.premises, "in").await;
    assert_eq!(
        (c["allowed"].clone(), c["reason"].clone()),
        (json!(false), json!("unknown_pass"))
    );
    assert!(c["ticket_number"].is_null());
    // A longer life, signed by nobody we know.
    let parts: Vec<&str> = token.split('.').collect();
    let mut longer: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
    longer[6] = i64::MAX.to_string();
    let longer = longer.join(".");
    assert_eq!(check(&gate, &longer, w.premises, "in").await["reason"], "unknown_pass");
    let foreign = format!("P2.deadbeef.{ticket}.0.{}.0.99999999999.1.{}", w.premises, parts[8]);
    assert_eq!(check(&gate, &foreign, w.premises, "in").await["reason"], "unknown_pass");
    // Other premises.
    assert_eq!(
        check(&gate, &token, w.premises + 77, "in").await["reason"],
        "wrong_premises"
    );
    // Expired: the ticket runs three days, a pass one; a fresh one works.
    w.server.clock.set(hours(25));
    let c = check(&gate, &token, w.premises, "in").await;
    assert_eq!(
        (c["reason"].clone(), c["ticket_number"].clone()),
        (json!("expired"), json!(ticket))
    );
    assert!(c["reason_text"].as_str().is_some_and(|t| t.contains("устарел")), "{c}");
    let fresh = pass(&v, ticket).await;
    assert_eq!(check(&gate, &fresh, w.premises, "in").await["reason"], "allowed");
    // A bad direction is refused at the field and logs nothing.
    let bad = gate
        .post(
            "/api/v1/access/check",
            json!({"token": fresh, "premises_id": w.premises, "direction": "up"}),
        )
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["field"], "direction");
}

#[tokio::test]
async fn out_lets_anyone_with_a_genuine_pass_leave_and_presence_counts_who_is_in() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (a, ta) = ready_ticket(&w, "a@example.test", w.workplaces[0]).await;
    let (b, tb) = ready_ticket(&w, "b@example.test", w.workplaces[1]).await;
    let (pa, pb) = (pass(&a, ta).await, pass(&b, tb).await);
    let presence = || async {
        let p = w
            .manager
            .get(&format!("/api/v1/premises/{}/presence", w.premises))
            .await;
        let body = p.ok(200).clone();
        (body["entered_today"].as_i64(), body["inside_now"].as_i64())
    };
    assert_eq!(presence().await, (Some(0), Some(0)));
    check(&gate, &pa, w.premises, "in").await;
    check(&gate, &pb, w.premises, "in").await;
    assert_eq!(presence().await, (Some(2), Some(2)));
    let out = check(&gate, &pa, w.premises, "out").await;
    assert_eq!(
        (out["allowed"].clone(), out["direction"].clone()),
        (json!(true), json!("out"))
    );
    assert_eq!(presence().await, (Some(2), Some(1)));
    // Out through the wrong premises is refused, and counts nothing.
    assert_eq!(
        check(&gate, &pb, w.premises + 5, "out").await["reason"],
        "wrong_premises"
    );
    assert_eq!(presence().await, (Some(2), Some(1)));
    // An unvalidated ticket cannot come in, but its holder may still leave.
    w.manager
        .delete(&format!("/api/v1/coworking/tickets/{tb}/validation"))
        .await
        .ok(200);
    let pb = pass(&b, tb).await;
    assert_eq!(check(&gate, &pb, w.premises, "in").await["reason"], "not_validated");
    assert_eq!(check(&gate, &pb, w.premises, "out").await["allowed"], json!(true));
    assert_eq!(presence().await, (Some(2), Some(0)));
    // Presence of nothing is a 404.
    w.manager.get("/api/v1/premises/999999/presence").await.problem(404);
}

fn offline(id: &str, token: &str, premises: i64, at: &str, allowed: bool, reason: &str) -> Value {
    json!({"id": id, "token": token, "premises_id": premises, "at": at, "allowed": allowed, "reason": reason})
}

#[tokio::test]
async fn offline_checks_upload_once_count_the_first_visit_and_show_in_the_log() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "offline@example.test", w.workplaces[0]).await;
    let token = pass(&v, ticket).await;
    let earlier = hours(-1).to_string();
    let checks = json!({"checks": [
        offline("0b9f7c1e-8a52-4c1b-9a57-1d2f0c3e4a51", &token, w.premises, &earlier, true, "allowed"),
        offline("5d3c2b1a-0f9e-4d8c-8b7a-6e5d4c3b2a19", "garbage", w.premises, &earlier, false, "unknown_pass"),
    ]});
    let first = gate.post("/api/v1/access/checks", checks.clone()).await;
    assert_eq!(
        (first.ok(200)["recorded"].clone(), first.body["duplicates"].clone()),
        (json!(2), json!(0))
    );
    let again = gate.post("/api/v1/access/checks", checks).await;
    assert_eq!(
        (again.ok(200)["recorded"].clone(), again.body["duplicates"].clone()),
        (json!(0), json!(2))
    );

    let log = w
        .manager
        .get(&format!("/api/v1/access/checks?ticket_number={ticket}"))
        .await;
    let items = log.ok(200)["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["offline"], json!(true));
    assert_eq!(items[0]["allowed"], json!(true));
    assert_eq!(items[0]["gate"]["id"], json!(gate.user_id));
    assert_eq!(items[0]["premises"]["id"], json!(w.premises));
    let at: jiff::Timestamp = items[0]["at"].as_str().expect("at").parse().expect("RFC 3339");
    assert_eq!(
        at.as_second(),
        earlier.parse::<jiff::Timestamp>().expect("t").as_second()
    );
    // The offline entry was the first visit, an hour ago.
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    let first: jiff::Timestamp = t.ok(200)["first_visit_at"]
        .as_str()
        .expect("first visit")
        .parse()
        .expect("RFC 3339");
    assert_eq!(first, at);
    // An online entry now does not move the first visit later.
    check(&gate, &token, w.premises, "in").await;
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["first_visit_at"], items[0]["at"]);
    let refused = w.manager.get("/api/v1/access/checks?allowed=false").await;
    assert_eq!(refused.ok(200)["items"].as_array().map(Vec::len), Some(1));
    assert!(refused.body["items"][0]["ticket_number"].is_null());
}

#[tokio::test]
async fn a_bad_offline_upload_is_refused_whole_and_records_nothing() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "bad@example.test", w.workplaces[0]).await;
    let token = pass(&v, ticket).await;
    let now = hours(0).to_string();
    let good = offline(
        "7e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
        &token,
        w.premises,
        &now,
        true,
        "allowed",
    );
    let cases = [
        (
            offline("not-a-uuid", &token, w.premises, &now, true, "allowed"),
            "checks[1].id",
        ),
        (
            offline(
                "1e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                &token,
                w.premises,
                &hours(2).to_string(),
                true,
                "allowed",
            ),
            "checks[1].at",
        ),
        (
            offline(
                "2e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                &token,
                w.premises,
                "yesterday",
                true,
                "allowed",
            ),
            "checks[1].at",
        ),
        (
            offline(
                "3e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                "forged",
                w.premises,
                &now,
                true,
                "allowed",
            ),
            "checks[1].token",
        ),
        (
            offline(
                "4e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                &token,
                w.premises,
                &now,
                true,
                "open_sesame",
            ),
            "checks[1].reason",
        ),
        (
            offline(
                "5e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                &token,
                w.premises,
                &now,
                false,
                "allowed",
            ),
            "checks[1].reason",
        ),
        (
            offline(
                "6e0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                &token,
                999_999,
                &now,
                false,
                "wrong_premises",
            ),
            "checks[1].premises_id",
        ),
    ];
    for (bad, field) in cases {
        let a = gate
            .clone()
            .lang("bg")
            .post("/api/v1/access/checks", json!({"checks": [good.clone(), bad]}))
            .await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        let message = p["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            message.chars().any(|c| ('а'..='я').contains(&c)),
            "in Bulgarian: {message}"
        );
    }
    let log = w.manager.get("/api/v1/access/checks").await;
    assert_eq!(
        log.ok(200)["items"].as_array().map(Vec::len),
        Some(0),
        "nothing was recorded"
    );
    // Only a turnstile uploads.
    w.admin
        .post("/api/v1/access/checks", json!({"checks": [good]}))
        .await
        .problem(403);
}

#[tokio::test]
async fn the_door_log_filters_and_pages_newest_first() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "log@example.test", w.workplaces[0]).await;
    let token = pass(&v, ticket).await;
    for _ in 0..3 {
        check(&gate, &token, w.premises, "in").await;
    }
    check(&gate, "rubbish", w.premises, "in").await;
    check(&gate, &token, w.premises + 9, "in").await;
    let all = w.manager.get("/api/v1/access/checks?limit=2").await;
    let first_page = all.ok(200)["items"].as_array().expect("items").clone();
    assert_eq!(first_page.len(), 2);
    let ids: Vec<i64> = first_page.iter().filter_map(|i| i["id"].as_i64()).collect();
    assert!(ids[0] > ids[1], "newest first: {ids:?}");
    let cursor = all.body["next_cursor"].as_str().expect("more").to_owned();
    let mut seen = ids.clone();
    let mut next = Some(cursor);
    while let Some(c) = next {
        let page = w
            .manager
            .get(&format!("/api/v1/access/checks?limit=2&cursor={c}"))
            .await;
        seen.extend(
            page.ok(200)["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|i| i["id"].as_i64()),
        );
        next = page.body["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 5);
    let premises = w
        .manager
        .get(&format!("/api/v1/access/checks?premises_id={}", w.premises))
        .await;
    assert_eq!(premises.ok(200)["items"].as_array().map(Vec::len), Some(4));
    let allowed = w.manager.get("/api/v1/access/checks?allowed=true").await;
    assert_eq!(allowed.ok(200)["items"].as_array().map(Vec::len), Some(3));
    let today = common::day(0);
    let dated = w
        .manager
        .get(&format!("/api/v1/access/checks?from={today}&to={today}"))
        .await;
    assert_eq!(dated.ok(200)["items"].as_array().map(Vec::len), Some(5));
    let tomorrow = common::day(1);
    let later = w.manager.get(&format!("/api/v1/access/checks?from={tomorrow}")).await;
    assert_eq!(later.ok(200)["items"].as_array().map(Vec::len), Some(0));
    let instant = hours(1).to_string();
    let before = w
        .manager
        .get(&format!("/api/v1/access/checks?to={}", instant.replace('+', "%2B")))
        .await;
    assert_eq!(before.ok(200)["items"].as_array().map(Vec::len), Some(5));
    // Bad filters: 400 naming them, in the caller's language.
    let bad = w
        .manager
        .clone()
        .lang("ru")
        .get("/api/v1/access/checks?allowed=maybe&from=soon&ticket_number=-1")
        .await;
    let text = bad.problem(400).to_string();
    for field in ["allowed", "from", "ticket_number"] {
        assert!(text.contains(field), "{field} in {text}");
    }
    w.manager.get("/api/v1/access/checks?cursor=zzz").await.problem(400);
}

/// A turnstile offline for a long day uploads 10,000 checks at once (a body
/// well over the API's 1 MiB): all recorded, and counted in the log.
#[tokio::test]
async fn ten_thousand_offline_checks_go_up_in_one_upload() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let (v, ticket) = ready_ticket(&w, "many@example.test", w.workplaces[0]).await;
    let token = pass(&v, ticket).await;
    let at = hours(-1).to_string();
    let checks: Vec<Value> = (0..10_000)
        .map(|i| {
            offline(
                &format!("00000000-0000-4000-8000-{i:012}"),
                &token,
                w.premises,
                &at,
                true,
                "allowed",
            )
        })
        .collect();
    let body = json!({ "checks": checks });
    assert!(body.to_string().len() > 1024 * 1024, "bigger than other bodies may be");
    let up = gate.post("/api/v1/access/checks", body).await;
    assert_eq!(up.ok(200)["recorded"], json!(10_000));
    let log = w
        .manager
        .get(&format!("/api/v1/access/checks?ticket_number={ticket}&limit=500"))
        .await;
    assert_eq!(log.ok(200)["items"].as_array().map(Vec::len), Some(500));
}

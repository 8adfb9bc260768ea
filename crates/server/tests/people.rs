//! People: editing accounts, deactivation, the last admin, passwords and
//! reset links, on the backend `TESSERA_TEST_DATABASE` names.

mod common;

use common::*;
use serde_json::json;
use tessera_server::{hash_password_now, token_hash};

/// A user who can sign in with `password`.
async fn with_password(s: &Server, c: &Client, password: &str) -> String {
    let user = s.store.user(c.user_id).await.expect("store").expect("user");
    s.store
        .set_password(
            c.user_id,
            hash_password_now(password).expect("hash"),
            Some(token_hash(c.token.as_deref().expect("t"))),
            0,
        )
        .await
        .expect("set");
    user.email
}

async fn sign_in(s: &Server, email: &str, password: &str) -> Answer {
    s.anonymous()
        .post("/api/v1/auth/login", json!({"email": email, "password": password}))
        .await
}

#[tokio::test]
async fn an_admin_edits_a_user_and_every_answer_shows_active_and_locale() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let got = w.admin.get(&format!("/api/v1/users/{}", maria.user_id)).await;
    let u = got.ok(200);
    assert_eq!(u["active"], json!(true));
    assert_eq!(u["locale"], json!("ru"));

    let edited = w
        .admin
        .patch(
            &format!("/api/v1/users/{}", maria.user_id),
            json!({"first_name": "  Мария ", "phone": null, "locale": "bg", "role": "event_manager"}),
        )
        .await;
    let u = edited.ok(200);
    assert_eq!(u["first_name"], json!("Мария"));
    assert_eq!(u["phone"], json!(null), "null removes the phone");
    assert_eq!(u["locale"], json!("bg"));
    assert_eq!(u["role"], json!("event_manager"));
    // The role counts on the very next request (no cached session keeps the old one).
    maria.get("/api/v1/events").await.ok(200);

    w.admin.get("/api/v1/users/999999").await.problem(404);
    w.admin.patch("/api/v1/users/abc", json!({})).await.problem(404);
}

#[tokio::test]
async fn bad_edits_are_refused_at_the_field_in_the_callers_language_and_change_nothing() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let ivan = w.server.user("visitor", "Иван", "Столповский").await;
    let ivan_email = w.server.store.user(ivan.user_id).await.expect("s").expect("u").email;
    let path = format!("/api/v1/users/{}", maria.user_id);

    let bad = w
        .admin
        .clone()
        .lang("ru")
        .patch(
            &path,
            json!({"email": "not-an-email", "role": "boss", "locale": "de", "last_name": ""}),
        )
        .await;
    let p = bad.problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for f in ["email", "role", "locale", "last_name"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(p.to_string().contains("это не адрес электронной почты"), "{p}");

    let taken = w
        .admin
        .clone()
        .lang("en")
        .patch(&path, json!({"email": ivan_email}))
        .await;
    assert_eq!(
        taken.problem(409)["type"].as_str().map(|t| t.ends_with("email-taken")),
        Some(true)
    );
    w.admin.patch(&path, json!({"surname": "X"})).await.problem(400);

    let now = w.admin.get(&path).await;
    let u = now.ok(200);
    assert_eq!(
        (u["first_name"].as_str(), u["role"].as_str()),
        (Some("Мария"), Some("visitor")),
        "nothing changed"
    );
    assert_ne!(u["email"], json!(ivan_email));
}

#[tokio::test]
async fn a_rental_manager_edits_a_visitors_contact_data_and_nothing_else() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let path = format!("/api/v1/users/{}", maria.user_id);
    let ok = w
        .manager
        .patch(
            &path,
            json!({"phone": "+7 (965) 577-65-00", "email": "maria.new@example.test"}),
        )
        .await;
    assert_eq!(ok.ok(200)["email"], json!("maria.new@example.test"));
    for body in [
        json!({"role": "admin"}),
        json!({"active": false}),
        json!({"locale": "en"}),
    ] {
        w.manager.patch(&path, body.clone()).await.problem(403);
    }
    w.manager
        .patch(&format!("/api/v1/users/{}", em.user_id), json!({"first_name": "Е"}))
        .await
        .problem(403);
    w.manager
        .put(
            &format!("/api/v1/users/{}/password", maria.user_id),
            json!({"password": "a long enough secret 1"}),
        )
        .await
        .problem(403);
    // A visitor edits nobody, not even their own role.
    maria.patch(&path, json!({"role": "admin"})).await.problem(403);
    let u = w.admin.get(&path).await;
    assert_eq!(u.ok(200)["role"], json!("visitor"));
}

#[tokio::test]
async fn deactivating_ends_the_sessions_at_once_and_sign_in_answers_as_a_wrong_password() {
    let w = World::new().await;
    let maria = w.server.user("rental_manager", "Мария", "Семенова").await;
    let email = with_password(&w.server, &maria, "maria's long password").await;
    let live = sign_in(&w.server, &email, "maria's long password").await;
    live.ok(200);
    maria.get("/api/v1/me").await.ok(200);

    let off = w
        .admin
        .patch(&format!("/api/v1/users/{}", maria.user_id), json!({"active": false}))
        .await;
    assert_eq!(off.ok(200)["active"], json!(false));
    maria.get("/api/v1/me").await.problem(401);

    let wrong = sign_in(&w.server, &email, "not her password at all").await;
    let deactivated = sign_in(&w.server, &email, "maria's long password").await;
    assert_eq!(deactivated.status, wrong.status);
    assert_eq!(deactivated.body["type"], wrong.body["type"]);
    assert_eq!(deactivated.body["detail"], wrong.body["detail"]);

    let listed = w.admin.get("/api/v1/users?active=false").await;
    let ids: Vec<i64> = listed.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![maria.user_id]);
    w.admin.get("/api/v1/users?active=maybe").await.problem(400);

    w.admin
        .patch(&format!("/api/v1/users/{}", maria.user_id), json!({"active": true}))
        .await
        .ok(200);
    sign_in(&w.server, &email, "maria's long password").await.ok(200);
}

#[tokio::test]
async fn the_last_active_admin_stays_one() {
    let w = World::new().await;
    let me = format!("/api/v1/users/{}", w.admin.user_id);
    for body in [json!({"active": false}), json!({"role": "rental_manager"})] {
        let refused = w.admin.clone().lang("ru").patch(&me, body).await;
        let p = refused.problem(409);
        assert!(p["type"].as_str().is_some_and(|t| t.ends_with("last-admin")), "{p}");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("администратор")), "{p}");
    }
    let second = w.server.user("admin", "Вера", "Второва").await;
    w.admin.patch(&me, json!({"role": "rental_manager"})).await.ok(200);
    // Now the other one is the last.
    second
        .patch(&format!("/api/v1/users/{}", second.user_id), json!({"active": false}))
        .await
        .problem(409);
}

#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let email = with_password(&w.server, &maria, "the old long password").await;
    let other = sign_in(&w.server, &email, "the old long password").await;
    let other_token = other.ok(200)["token"].as_str().expect("token").to_owned();
    let other = w.server.with_token(&other_token, maria.user_id);

    let wrong = maria
        .clone()
        .lang("en")
        .put(
            "/api/v1/me/password",
            json!({"current_password": "not it", "new_password": "password"}),
        )
        .await;
    let p = wrong.problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("e")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["current_password", "new_password"], "{p}");
    assert!(p.to_string().contains("this is not your current password"));
    other.get("/api/v1/me").await.ok(200);

    maria
        .put(
            "/api/v1/me/password",
            json!({"current_password": "the old long password", "new_password": "a brand new long secret"}),
        )
        .await
        .ok(204);
    maria.get("/api/v1/me").await.ok(200);
    other.get("/api/v1/me").await.problem(401);
    sign_in(&w.server, &email, "the old long password").await.problem(401);
    sign_in(&w.server, &email, "a brand new long secret").await.ok(200);

    let locale = maria.patch("/api/v1/me", json!({"locale": "en"})).await;
    assert_eq!(locale.ok(200)["locale"], json!("en"));
    maria.patch("/api/v1/me", json!({"locale": "fr"})).await.problem(422);
}

#[tokio::test]
async fn an_admin_sets_a_password_and_the_users_sessions_end() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let path = format!("/api/v1/users/{}/password", maria.user_id);
    w.admin.put(&path, json!({"password": "short"})).await.problem(422);
    maria.get("/api/v1/me").await.ok(200);
    w.admin
        .put(&path, json!({"password": "set by the admin, long"}))
        .await
        .ok(204);
    maria.get("/api/v1/me").await.problem(401);
    let email = w.server.store.user(maria.user_id).await.expect("s").expect("u").email;
    sign_in(&w.server, &email, "set by the admin, long").await.ok(200);
    w.admin
        .put(
            "/api/v1/users/999999/password",
            json!({"password": "set by the admin, long"}),
        )
        .await
        .problem(404);
}

#[tokio::test]
async fn an_admin_setting_their_own_password_stays_signed_in_where_they_are() {
    let w = World::new().await;
    let email = with_password(&w.server, &w.admin, "the admin's first password").await;
    let elsewhere = sign_in(&w.server, &email, "the admin's first password").await;
    let other = w
        .server
        .with_token(elsewhere.ok(200)["token"].as_str().expect("token"), w.admin.user_id);
    other.get("/api/v1/me").await.ok(200);

    w.admin
        .put(
            &format!("/api/v1/users/{}/password", w.admin.user_id),
            json!({"password": "the admin's second password"}),
        )
        .await
        .ok(204);
    w.admin.get("/api/v1/me").await.ok(200);
    other.get("/api/v1/me").await.problem(401);
    sign_in(&w.server, &email, "the admin's second password").await.ok(200);
}

#[tokio::test]
async fn a_reset_link_works_once_within_the_hour() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let email = with_password(&w.server, &maria, "forgotten long password").await;
    let anon = w.server.anonymous();
    for e in [email.as_str(), "nobody@example.test", "not even an e-mail"] {
        anon.post("/api/v1/auth/password-reset", json!({"email": e}))
            .await
            .ok(202);
    }

    let now = jiff::Timestamp::now().as_second();
    w.server
        .store
        .create_password_reset(
            maria.user_id,
            token_hash("fresh-link"),
            "/password-reset?token=fresh-link".into(),
            now,
            now + 3600,
        )
        .await
        .expect("link");
    w.server
        .store
        .create_password_reset(
            maria.user_id,
            token_hash("old-link"),
            "/password-reset?token=old-link".into(),
            now - 7200,
            now - 3600,
        )
        .await
        .expect("link");
    let confirm = |token: &str, pw: &str| {
        let anon = anon.clone();
        let body = json!({"token": token, "new_password": pw});
        async move { anon.lang("ru").post("/api/v1/auth/password-reset/confirm", body).await }
    };
    let expired = confirm("old-link", "a new long password here").await;
    assert_eq!(expired.problem(422)["errors"][0]["field"], json!("token"));
    confirm("never-issued", "a new long password here").await.problem(422);
    let weak = confirm("fresh-link", "password").await;
    assert_eq!(weak.problem(422)["errors"][0]["field"], json!("new_password"));

    confirm("fresh-link", "a new long password here").await.ok(204);
    maria.get("/api/v1/me").await.problem(401);
    sign_in(&w.server, &email, "a new long password here").await.ok(200);
    let again = confirm("fresh-link", "another long password").await;
    assert!(again.problem(422).to_string().contains("ссылка уже использована"));
}

#[tokio::test]
async fn a_phone_is_measured_as_sent_and_an_integral_float_id_is_that_id() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let blank = "\u{85}".repeat(33);
    let edit = w
        .admin
        .patch(&format!("/api/v1/users/{}", maria.user_id), json!({"phone": blank}))
        .await;
    assert_eq!(edit.problem(422)["errors"][0]["field"], json!("phone"));
    let create = w
        .admin
        .post(
            "/api/v1/users",
            json!({"first_name": "А", "last_name": "Б", "email": "ab@example.test", "phone": "\u{85}".repeat(33)}),
        )
        .await;
    assert_eq!(create.problem(422)["errors"][0]["field"], json!("phone"));
    // 16 significant digits: parsed exactly, so it is an id (of no modifier), not a wrong type.
    let quote = w
        .manager
        .post(
            "/api/v1/orders/quote",
            json!({"customer_id": maria.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(3, 3),
                "tariff_id": w.daily, "modifier_ids": [1_882_063_543_694_627.0_f64]}]}),
        )
        .await;
    let p = quote.problem(422);
    assert_eq!(p["errors"][0]["field"], json!("items[0].modifier_ids"), "{p}");
}

#[tokio::test]
async fn a_visitor_s_mail_speaks_the_language_they_signed_up_in() {
    let w = World::new().await;
    let signed_up = w
        .server
        .anonymous()
        .lang("bg")
        .post(
            "/api/v1/auth/register",
            json!({"first_name": "Иван", "last_name": "Петров", "email": "ivan.bg@example.test", "password": "ivan's long password"}),
        )
        .await;
    assert_eq!(signed_up.ok(201)["user"]["locale"], json!("bg"));
    // An account made for somebody takes the server's default.
    let made = w
        .admin
        .clone()
        .lang("en")
        .post(
            "/api/v1/users",
            json!({"first_name": "Ольга", "last_name": "Новикова", "email": "olga@example.test"}),
        )
        .await;
    assert_eq!(made.ok(201)["locale"], json!("ru"));
}

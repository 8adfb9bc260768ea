//! The web UI over HTTP: sign-in by cookie, CSRF on writes, roles, pages in
//! three languages, and the order quote the "Add order" form shows.

mod common;

use common::{World, days};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn cookie(token: &str) -> String {
    format!("tessera_session={token}")
}

/// The CSRF token a page hands its scripts.
fn csrf_of(html: &str) -> String {
    let start = html.find("data-csrf=\"").expect("page has a CSRF token") + "data-csrf=\"".len();
    html[start..].split('"').next().expect("token").to_owned()
}

/// A rental manager who signs in with a password: m.petrova@example.test / "correct horse battery".
async fn manager_with_password(w: &World) {
    w.admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Марина", "last_name": "Петрова", "email": "m.petrova@example.test", "password": "correct horse battery", "role": "rental_manager"}),
        )
        .await
        .ok(201);
}

async fn page(http: &reqwest::Client, url: &str, cookie: &str, lang: &str) -> (StatusCode, String, String) {
    let r = http
        .get(url)
        .header(COOKIE, cookie)
        .header("accept-language", lang)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, r.text().await.expect("body"))
}

#[tokio::test]
async fn pages_send_the_signed_out_to_the_sign_in_page_and_back() {
    let w = World::new().await;
    let r = no_redirects()
        .get(format!("{}/admin/coworking?status=new", w.server.base))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/login?next=%2Fadmin%2Fcoworking%3Fstatus%3Dnew")
    );
}

#[tokio::test]
async fn the_sign_in_form_sets_an_http_only_cookie_and_refuses_wrong_passwords_and_foreign_redirects() {
    let w = World::new().await;
    manager_with_password(&w).await;
    let http = no_redirects();
    let login = |password: &'static str, next: &'static str| {
        http.post(format!("{}/login", w.server.base))
            .form(&[
                ("email", "m.petrova@example.test"),
                ("password", password),
                ("next", next),
            ])
            .send()
    };
    let bad = login("wrong", "/admin/coworking").await.expect("request");
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(bad.headers().get(SET_COOKIE).is_none());
    assert!(
        bad.text()
            .await
            .expect("body")
            .contains("Неверная электронная почта или пароль")
    );

    let ok = login("correct horse battery", "/admin/coworking")
        .await
        .expect("request");
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ok.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/admin/coworking")
    );
    let set = ok
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(set.starts_with("tessera_session="));
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");

    assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
    let behind_tls = http
        .post(format!("{}/login", w.server.base))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("email", "m.petrova@example.test"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .expect("request");
    let set = behind_tls
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(set.contains("; Secure"), "behind a TLS proxy: {set}");

    // Only a path of ours: never off to another site after signing in.
    let away = login("correct horse battery", "//evil.example/phish")
        .await
        .expect("request");
    assert_eq!(away.headers().get(LOCATION).and_then(|v| v.to_str().ok()), Some("/"));

    // A form posted from another site is refused before any password check.
    let foreign = http
        .post(format!("{}/login", w.server.base))
        .header("origin", "https://evil.example")
        .form(&[
            ("email", "m.petrova@example.test"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign.headers().get(SET_COOKIE).is_none());
}

/// `/lang/{tag}?back=` and `/login?next=` send the browser only to a path of
/// this site: a tab or newline that a browser would drop (`/<TAB>/host` is
/// `//host` to it), a backslash or a second slash goes home instead, and a
/// newline is never a 500.
#[tokio::test]
async fn redirects_after_a_language_switch_or_sign_in_never_leave_the_site() {
    let w = World::new().await;
    manager_with_password(&w).await;
    let http = no_redirects();
    for back in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%5Cevil.example",
        "//evil.example",
        "/%2F/evil.example",
        "/ok%0aSet-Cookie:%20x=1",
        "https://evil.example",
    ] {
        let r = http
            .get(format!("{}/lang/en?back={back}", w.server.base))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(
            r.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
            Some("/"),
            "{back}"
        );
        let signed_in = http
            .post(format!("{}/login", w.server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email=m.petrova%40example.test&password=correct+horse+battery&next={back}"
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(
            signed_in.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
            Some("/"),
            "{back}"
        );
    }
    let r = http
        .get(format!(
            "{}/lang/bg?back=%2Fadmin%2Fcoworking%3Fvisitor%3D%D0%BC%D0%B0%D1%80",
            w.server.base
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(
        r.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/admin/coworking?visitor=%D0%BC%D0%B0%D1%80"),
        "a page of ours, with its query, is kept"
    );
}

#[tokio::test]
async fn a_cookie_reads_the_api_but_writes_only_with_the_pages_csrf_token() {
    let w = World::new().await;
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(visitor.user_id, w.workplaces[0], days(3, 4)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    let token = w.manager.token.clone().expect("token");
    let http = no_redirects();
    let url = format!("{}/api/v1/coworking/tickets/{ticket}/validation", w.server.base);

    let me = http
        .get(format!("{}/api/v1/me", w.server.base))
        .header(COOKIE, cookie(&token))
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), StatusCode::OK);

    let forged = http
        .post(&url)
        .header(COOKIE, cookie(&token))
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = http
        .post(&url)
        .header(COOKIE, cookie(&token))
        .header("x-csrf-token", "0".repeat(32))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["validation"], json!(null), "nothing changed");

    let (_, _, html) = page(
        &http,
        &format!("{}/admin/coworking/tickets/{ticket}", w.server.base),
        &cookie(&token),
        "ru",
    )
    .await;
    let csrf = csrf_of(&html);
    let done = http
        .post(&url)
        .header(COOKIE, cookie(&token))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("request");
    assert_eq!(done.status(), StatusCode::OK);

    // Another session's token does not fit this one.
    let other = w.server.user("rental_manager", "Иван", "Иванов").await;
    let reset = http
        .delete(&url)
        .header(COOKIE, cookie(other.token.as_deref().expect("token")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("request");
    assert_eq!(reset.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn visitors_and_gates_get_a_403_page_and_managers_only_their_area() {
    let w = World::new().await;
    let http = no_redirects();
    for role in ["visitor", "gate"] {
        let c = w.server.user(role, "Кто", "То").await;
        let (status, ct, html) = page(
            &http,
            &format!("{}/admin/coworking", w.server.base),
            &cookie(c.token.as_deref().expect("t")),
            "ru",
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        assert!(ct.starts_with("text/html"), "an HTML page, not problem+json: {ct}");
        assert!(html.contains("Нет доступа"));
    }
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let em_cookie = cookie(em.token.as_deref().expect("t"));
    assert_eq!(
        page(&http, &format!("{}/admin/coworking", w.server.base), &em_cookie, "ru")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&http, &format!("{}/admin/events", w.server.base), &em_cookie, "ru")
            .await
            .0,
        StatusCode::OK
    );
    let rm_cookie = cookie(w.manager.token.as_deref().expect("t"));
    assert_eq!(
        page(&http, &format!("{}/admin/events", w.server.base), &rm_cookie, "ru")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // A bearer token is the API's: pages ask for the cookie.
    let r = http
        .get(format!("{}/admin/coworking", w.server.base))
        .bearer_auth(w.manager.token.as_deref().expect("t"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_ticket_list_page_shows_the_seeds_columns_filtered_in_the_users_language() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let ivan = w.server.user("visitor", "Иван", "Столповский").await;
    let (order, confirmed) = w.ticket(maria.user_id, w.workplaces[0], days(3, 4)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    let (_, other) = w.ticket(ivan.user_id, w.workplaces[1], days(3, 4)).await;
    let http = no_redirects();
    let rm = cookie(w.manager.token.as_deref().expect("t"));
    let base = &w.server.base;

    let (status, _, html) = page(
        &http,
        &format!("{base}/admin/coworking?visitor=%D0%BC%D0%B0%D1%80&status=confirmed"),
        &rm,
        "ru",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "Номер",
        "Период аренды",
        "Посетитель",
        "Статус",
        "Номер места",
        "Сбросить фильтр",
        "Добавить заказ",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains(&format!("/admin/coworking/tickets/{confirmed}\"")));
    assert!(
        !html.contains(&format!("/admin/coworking/tickets/{other}\"")),
        "Иван is filtered out"
    );
    assert!(html.contains("Подтвержден"));

    let (_, _, bg) = page(&http, &format!("{base}/admin/coworking"), &rm, "bg").await;
    assert!(bg.contains("Период на наема") && bg.contains("Изчисти филтъра") && bg.contains("lang=\"bg\""));
    let (_, _, en) = page(
        &http,
        &format!("{base}/admin/coworking"),
        &format!("{rm}; tessera_lang=en"),
        "bg",
    )
    .await;
    assert!(
        en.contains("Rental period") && en.contains("lang=\"en\""),
        "the user's pick beats the browser's"
    );

    // A bad filter is a message on the page, never a server error.
    let (status, _, bad) = page(
        &http,
        &format!("{base}/admin/coworking?number=abc&from=2022-13-40"),
        &rm,
        "ru",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Each at its field, in the page's language, without the parameter's key.
    assert!(
        bad.contains(r#"data-error-for="number">положительное целое число</p>"#),
        "{bad}"
    );
    assert!(bad.contains(r#"id="f-number" name="number""#) && bad.contains(r#"aria-invalid="true""#));
    assert!(bad.contains("В фильтре ошибка"));
    assert!(!bad.contains("number:"), "no parameter key shows");
}

#[tokio::test]
async fn the_ticket_page_shows_the_seeds_blocks_and_only_free_workplaces() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(maria.user_id, w.workplaces[0], days(3, 4)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    w.ticket(maria.user_id, w.workplaces[1], days(4, 5)).await;
    let http = no_redirects();
    let rm = cookie(w.manager.token.as_deref().expect("t"));
    let (status, _, html) = page(
        &http,
        &format!("{}/admin/coworking/tickets/{ticket}", w.server.base),
        &rm,
        "ru",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Проверьте личность посетителя",
        "Выполнить",
        "Детали билета",
        "Информация об идентификации посетителя",
        "Мария Семенова",
        "Суточный",
        &format!("Заказ {order}"),
    ] {
        assert!(html.contains(text), "{text}");
    }
    let marker = "name=\"workplace_id\" value=\"";
    let ids: Vec<i64> = html
        .match_indices(marker)
        .filter_map(|(i, _)| html[i + marker.len()..].split('"').next()?.parse().ok())
        .collect();
    assert_eq!(ids, vec![w.workplaces[2]], "PM №1 is its own, PM №2 is taken on day 4");

    let (status, _, _) = page(
        &http,
        &format!("{}/admin/coworking/tickets/999999", w.server.base),
        &rm,
        "ru",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(
        &http,
        &format!("{}/admin/coworking/tickets/x'1", w.server.base),
        &rm,
        "ru",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_ends_the_session() {
    let w = World::new().await;
    let http = no_redirects();
    let token = w.manager.token.clone().expect("t");
    let logout = |csrf: String| {
        http.post(format!("{}/logout", w.server.base))
            .header(COOKIE, cookie(&token))
            .form(&[("csrf", csrf)])
            .send()
    };
    assert_eq!(logout("nope".into()).await.expect("r").status(), StatusCode::FORBIDDEN);
    w.manager.get("/api/v1/me").await.ok(200);
    let (_, _, html) = page(
        &http,
        &format!("{}/admin/coworking", w.server.base),
        &cookie(&token),
        "ru",
    )
    .await;
    let r = logout(csrf_of(&html)).await.expect("r");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    w.manager.get("/api/v1/me").await.problem(401);
}

#[tokio::test]
async fn a_quote_prices_an_order_as_creating_it_would_and_creates_nothing() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let body = json!({"customer_id": maria.user_id, "items": [{
        "workplace_id": w.workplaces[0], "period": days(3, 5), "tariff_id": w.daily,
        "modifier_ids": [w.locker, w.printer]}]});
    let quote = w
        .manager
        .clone()
        .lang("ru")
        .post("/api/v1/orders/quote", body.clone())
        .await;
    let q = quote.ok(200).clone();
    // Three days at 1500 plus a locker (500) and a printer (300).
    assert_eq!(q["total"], json!("5300.00"));
    assert_eq!(q["total_text"], json!("5 300,00 ₽"));
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    assert_eq!(list.ok(200)["items"], json!([]), "a quote books nothing");
    let created = w.manager.post("/api/v1/orders", body).await;
    assert_eq!(created.ok(201)["total"], q["total"]);

    let bad = json!({"customer_id": maria.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(3, 5), "tariff_id": 999999}]});
    w.manager.post("/api/v1/orders/quote", bad).await.problem(422);
    // A visitor may quote only for themselves, as they may only order for themselves.
    let other = json!({"customer_id": w.manager.user_id, "items": [{"workplace_id": w.workplaces[1], "period": days(3, 5), "tariff_id": w.daily}]});
    maria.post("/api/v1/orders/quote", other).await.problem(422);
}

#[tokio::test]
async fn field_errors_come_in_the_callers_language() {
    let w = World::new().await;
    let body = json!({"first_name": "Ольга", "last_name": "Новикова", "email": "not-an-email"});
    for (lang, text) in [
        ("ru", "это не адрес электронной почты"),
        ("bg", "това не е имейл адрес"),
        ("en", "is not an e-mail address"),
    ] {
        let a = w.manager.clone().lang(lang).post("/api/v1/users", body.clone()).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], json!("email"), "{lang}");
        assert_eq!(p["errors"][0]["message"], json!(text), "{lang}");
    }
}

#[tokio::test]
async fn the_sign_in_form_is_throttled_like_the_api() {
    let w = World::new().await;
    manager_with_password(&w).await;
    let http = no_redirects();
    let login = |password: &'static str| {
        http.post(format!("{}/login", w.server.base))
            .form(&[("email", "m.petrova@example.test"), ("password", password)])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(login("wrong").await.expect("r").status(), StatusCode::UNAUTHORIZED);
    }
    let sixth = login("correct horse battery").await.expect("r");
    assert!(sixth.headers().get(SET_COOKIE).is_none(), "no session while throttled");
    assert!(
        sixth
            .text()
            .await
            .expect("body")
            .contains("Слишком много попыток входа")
    );
}

/// A page whose database query fails says so in the reader's language, as
/// a 500 page, not in Russian whatever the language.
#[tokio::test]
async fn a_failing_database_gives_an_error_page_in_the_readers_language() {
    let w = World::new().await;
    let http = no_redirects();
    let manager = cookie(w.manager.token.as_deref().expect("token"));
    let list = format!("{}/admin/coworking", w.server.base);
    // Once, so the session is known without asking the database.
    let (status, _, _) = page(&http, &list, &manager, "en").await;
    assert_eq!(status, StatusCode::OK);
    w.server.store.close().await;
    for (lang, title) in [("en", "Error"), ("bg", "Грешка"), ("ru", "Ошибка")] {
        let (status, content_type, html) = page(&http, &list, &manager, lang).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{lang}");
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(html.contains(&format!("<title>{title}")), "{lang}: {html}");
    }
}

#[tokio::test]
async fn the_order_pages_offer_exactly_the_next_statuses_and_only_to_coworking_managers() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(maria.user_id, w.workplaces[0], days(3, 4)).await;
    let http = no_redirects();
    let rm = cookie(w.manager.token.as_deref().expect("t"));
    let base = &w.server.base;

    let (status, _, list) = page(&http, &format!("{base}/admin/coworking/orders"), &rm, "ru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("/admin/coworking/orders/{order}\"")));
    assert!(list.contains("Мария Семенова") && list.contains("Новый"));

    let (status, _, html) = page(&http, &format!("{base}/admin/coworking/orders/{order}"), &rm, "ru").await;
    assert_eq!(status, StatusCode::OK);
    for action in [
        "Принять оплату",
        "Ожидает выставления счета",
        "Счет выставлен",
        "Подтвердить заказ",
        "Отменить заказ",
    ] {
        assert!(html.contains(action), "{action}");
    }
    assert!(
        !html.contains("Начать возврат"),
        "a refund is not offered for a new order"
    );
    assert!(html.contains(&format!("data-api=\"POST /api/v1/orders/{order}/status\"")));

    // The ticket page offers the confirmation while the order is new, and links the order.
    let (_, _, t) = page(&http, &format!("{base}/admin/coworking/tickets/{ticket}"), &rm, "ru").await;
    assert!(t.contains("id=\"confirm-order\"") && t.contains(&format!("/admin/coworking/orders/{order}\"")));
    w.set_order_status(order, "confirmed").await.ok(200);
    let (_, _, t) = page(&http, &format!("{base}/admin/coworking/tickets/{ticket}"), &rm, "ru").await;
    assert!(!t.contains("id=\"confirm-order\""), "not once confirmed");
    let (_, _, html) = page(&http, &format!("{base}/admin/coworking/orders/{order}"), &rm, "en").await;
    assert!(html.contains("Start the refund") && html.contains("Cancel the order") && !html.contains("Take payment"));

    let (status, _, _) = page(&http, &format!("{base}/admin/coworking/orders/999999"), &rm, "ru").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(&http, &format!("{base}/admin/coworking/orders/abc"), &rm, "ru").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let visitor = cookie(maria.token.as_deref().expect("t"));
    for path in ["/admin/coworking/orders", &format!("/admin/coworking/orders/{order}")] {
        let (status, _, _) = page(&http, &format!("{base}{path}"), &visitor, "ru").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn every_account_lands_in_its_own_area_and_the_app_and_door_are_theirs() {
    let w = World::new().await;
    let http = no_redirects();
    let visitor = w.server.user("visitor", "Мария", "Гостева").await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let events = w.server.user("event_manager", "Елена", "Димитрова").await;
    let cases = [
        (&visitor, "/app"),
        (&gate, "/door"),
        (&w.manager, "/admin/coworking"),
        (&events, "/admin/events"),
    ];
    for (who, home) in cases {
        let c = cookie(who.token.as_deref().expect("t"));
        let r = http
            .get(format!("{}/", w.server.base))
            .header("cookie", &c)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers().get("location").and_then(|v| v.to_str().ok()), Some(home));
        let (status, _, html) = page(&http, &format!("{}{home}", w.server.base), &c, "ru").await;
        assert_eq!(status, StatusCode::OK, "{home}");
        assert!(html.contains("action=\"/logout\""), "{home} offers signing out");
    }
    // Someone else's area: whose it is, in words, with a way out.
    let em = cookie(events.token.as_deref().expect("t"));
    let (status, _, html) = page(&http, &format!("{}/admin/coworking", w.server.base), &em, "ru").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Этот раздел — для менеджеров по аренде."), "{html}");
    assert!(html.contains("action=\"/logout\""));
    for (who, path) in [
        (&w.manager, "/app"),
        (&visitor, "/door"),
        (&gate, "/app"),
        (&visitor, "/admin/coworking/door"),
    ] {
        let c = cookie(who.token.as_deref().expect("t"));
        let (status, _, html) = page(&http, &format!("{}{path}", w.server.base), &c, "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("Sign out"), "{path}");
    }
    // A visitor sees only their own tickets in the app.
    let (_, other) = w.ticket(visitor.user_id, w.workplaces[0], common::days(2, 2)).await;
    let stranger = w.server.user("visitor", "Чужой", "Гость").await;
    let sc = cookie(stranger.token.as_deref().expect("t"));
    let (status, _, _) = page(&http, &format!("{}/app/tickets/{other}", w.server.base), &sc, "ru").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let vc = cookie(visitor.token.as_deref().expect("t"));
    let (status, _, html) = page(&http, &format!("{}/app/tickets/{other}", w.server.base), &vc, "ru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("Билет {other}")));
    // The service worker may control the whole app.
    let sw = http
        .get(format!("{}/app/sw.js", w.server.base))
        .send()
        .await
        .expect("request");
    assert_eq!(
        sw.headers().get("service-worker-allowed").and_then(|v| v.to_str().ok()),
        Some("/app")
    );
}

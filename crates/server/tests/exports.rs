//! Exports: each list's CSV holds exactly the rows its API answers for the
//! same filters, in the same order, under a header row in the caller's
//! language; the XLSX holds the same rows with dates as dates and money as
//! numbers (read back with calamine); bad formats and filters are refused.

mod common;

use common::{Client, World, days};
use serde_json::{Value, json};

/// The raw answer of an export: status, content type, bytes.
async fn export(client: &Client, path: &str) -> (u16, String, Vec<u8>) {
    let mut req = client.http.get(format!("{}{path}", client.base));
    if let Some(t) = &client.token {
        req = req.bearer_auth(t);
    }
    if let Some(l) = client.lang {
        req = req.header("accept-language", l);
    }
    let res = req.send().await.expect("export");
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, res.bytes().await.expect("bytes").to_vec())
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark first");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn csv_header(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes)
        .expect("utf-8")
        .trim_start_matches('\u{feff}');
    csv::Reader::from_reader(text.as_bytes())
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect()
}

/// Every page of a list, as the API answers it.
async fn all_pages(client: &Client, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut url = format!("{path}{}limit=2", if path.contains('?') { "&" } else { "?" });
    loop {
        let page = client.get(&url).await;
        let body = page.ok(200).clone();
        items.extend(body["items"].as_array().cloned().unwrap_or_default());
        match body["next_cursor"].as_str() {
            Some(c) => url = format!("{path}{}limit=2&cursor={c}", if path.contains('?') { "&" } else { "?" }),
            None => return items,
        }
    }
}

async fn coworking() -> (World, Vec<i64>) {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let ivan = w.server.user("visitor", "Иван", "Петров").await;
    let mut orders = Vec::new();
    for (i, who) in [&maria, &ivan, &maria, &ivan, &maria].iter().enumerate() {
        let d = i64::try_from(i).expect("small");
        let (order, _) = w.ticket(who.user_id, w.workplaces[i % 3], days(d + 1, d + 2)).await;
        orders.push(order);
    }
    w.set_order_status(orders[1], "confirmed").await.ok(200);
    w.set_order_status(orders[3], "confirmed").await.ok(200);
    (w, orders)
}

#[tokio::test]
async fn the_ticket_csv_is_the_list_row_for_row_with_a_header_in_the_callers_language() {
    let (w, _) = coworking().await;
    for filter in [
        "",
        "?status=confirmed",
        "?visitor=%D0%BC%D0%B0%D1%80",
        "?from=2000-01-01&to=2000-01-02",
    ] {
        let listed = all_pages(&w.manager, &format!("/api/v1/coworking/tickets{filter}")).await;
        let sep = if filter.is_empty() { "?" } else { "&" };
        let (status, ct, bytes) = export(
            &w.manager,
            &format!("/api/v1/coworking/tickets/export{filter}{sep}format=csv"),
        )
        .await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(ct, "text/csv; charset=utf-8");
        let rows = csv_rows(&bytes);
        let numbers: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
        let expected: Vec<String> = listed.iter().map(|t| t["number"].to_string()).collect();
        assert_eq!(numbers, expected, "filter {filter}");
        for (row, t) in rows.iter().zip(&listed) {
            assert_eq!(row[1], t["period"]["text"].as_str().expect("text"));
            assert_eq!(
                row[4],
                format!(
                    "{} {}",
                    t["visitor"]["first_name"].as_str().unwrap_or(""),
                    t["visitor"]["last_name"].as_str().unwrap_or("")
                )
            );
            assert_eq!(row[5], t["status_text"].as_str().expect("status"));
            assert_eq!(row[6], t["workplace"]["name"].as_str().expect("workplace"));
        }
    }
    let (_, _, ru) = export(&w.manager.clone().lang("ru"), "/api/v1/coworking/tickets/export").await;
    assert_eq!(csv_header(&ru)[0], "Билет");
    let (_, _, en) = export(&w.manager.clone().lang("en"), "/api/v1/coworking/tickets/export").await;
    assert_eq!(csv_header(&en)[..3], ["Ticket", "Rental period", "Start"]);
    assert_eq!(csv_rows(&en)[0][5].chars().next().map(char::is_alphabetic), Some(true));
}

#[tokio::test]
async fn the_xlsx_holds_the_same_rows_with_dates_and_money_typed() {
    use calamine::{Data, Reader, Xlsx};
    let (w, _) = coworking().await;
    let listed = all_pages(&w.manager, "/api/v1/orders").await;
    let (status, ct, bytes) = export(&w.manager, "/api/v1/orders/export?format=xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("Заказ".into()));
    let numbers: Vec<i64> = rows[1..]
        .iter()
        .map(|r| match &r[0] {
            Data::Float(f) => *f as i64,
            Data::Int(i) => *i,
            other => panic!("an order number, not {other:?}"),
        })
        .collect();
    let expected: Vec<i64> = listed.iter().map(|o| o["number"].as_i64().expect("number")).collect();
    assert_eq!(numbers, expected);
    for (row, o) in rows[1..].iter().zip(&listed) {
        assert!(matches!(row[1], Data::DateTime(_)), "made at is a date: {:?}", row[1]);
        let total: f64 = o["total"].as_str().expect("total").parse().expect("decimal");
        assert_eq!(row[5], Data::Float(total), "the total is a number");
        assert_eq!(row[6], Data::String("RUB".into()));
    }
}

#[tokio::test]
async fn the_door_log_and_an_events_charges_export_too() {
    let (w, _) = coworking().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    for token in ["forged-1", "forged-2", "forged-3"] {
        gate.post(
            "/api/v1/access/check",
            json!({"token": token, "premises_id": w.premises, "direction": "in"}),
        )
        .await
        .ok(200);
    }
    let listed = all_pages(&w.manager, "/api/v1/access/checks?allowed=false").await;
    let (status, _, bytes) = export(&w.manager, "/api/v1/access/checks/export?allowed=false").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), listed.len());
    assert_eq!(rows.len(), 3);
    for (row, c) in rows.iter().zip(&listed) {
        assert_eq!(row[5], "нет");
        assert_eq!(row[6], c["reason_text"].as_str().expect("reason"));
    }

    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "Форум", "start_date": "2030-02-10", "end_date": "2030-02-12", "pax": 100}),
        )
        .await;
    let event = e.ok(201)["id"].as_i64().expect("event");
    let folio = e.body["folios"][0]["id"].as_i64().expect("folio");
    for (what, qty, price) in [("Кофе-брейк", 100, "25.50"), ("Обед", 100, "40")] {
        em.post(
            &format!("/api/v1/folios/{folio}/charges"),
            json!({"description": what, "service_date": "2030-02-11", "quantity": qty, "unit_price": price}),
        )
        .await
        .ok(201);
    }
    let (status, _, bytes) = export(&em, &format!("/api/v1/events/{event}/charges/export")).await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "Кофе-брейк");
    assert_eq!(rows[0][3], "2030-02-11");
    assert_eq!(rows[0][6], "2550");
    assert_eq!(rows[1][6], "4000");
    assert_eq!(rows[0][8], "действует");
    // A rental manager does not see events' money; an unknown event is a 404.
    assert_eq!(
        export(&w.manager, &format!("/api/v1/events/{event}/charges/export"))
            .await
            .0,
        403
    );
    assert_eq!(export(&em, "/api/v1/events/999999/charges/export").await.0, 404);
}

#[tokio::test]
async fn bad_formats_and_filters_are_refused_in_the_callers_language() {
    let (w, _) = coworking().await;
    let en = w.manager.clone().lang("en");
    for (path, field) in [
        ("/api/v1/coworking/tickets/export?format=pdf", "format"),
        ("/api/v1/coworking/tickets/export?status=lost", "status"),
        ("/api/v1/orders/export?number=abc", "number"),
        ("/api/v1/access/checks/export?from=yesterday", "from"),
    ] {
        let a = en.get(path).await;
        let p = a.problem(400);
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
    }
    // Exports are not paged: a page size is not one of their parameters.
    let paged = en.get("/api/v1/coworking/tickets/export?limit=5").await;
    assert!(
        paged.problem(400)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("`limit`"))
    );
    let bg = w
        .manager
        .clone()
        .lang("bg")
        .get("/api/v1/orders/export?format=pdf")
        .await;
    let p = bg.problem(400);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("csv") && m.chars().any(|c| ('а'..='я').contains(&c))),
        "{p}"
    );
    let visitor = w.server.user("visitor", "Ольга", "Новикова").await;
    assert_eq!(export(&visitor, "/api/v1/coworking/tickets/export").await.0, 403);
    assert_eq!(export(&w.server.anonymous(), "/api/v1/orders/export").await.0, 401);
}

//! Exports: a list's every match as CSV (UTF-8, a header row in the
//! caller's language) or XLSX (dates as dates, money as numbers), streamed
//! page by page so that memory stays flat however long the list is.

mod columns;
mod lists;
mod xlsx;

pub use lists::*;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use tessera_domain::refusal::Refusal;
use tokio::sync::mpsc;

use crate::error::Problem;

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8 with a byte-order mark (so that
    /// spreadsheet programs read Cyrillic right).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The `format` parameter; CSV when absent.
    pub fn parse(raw: Option<&str>) -> Result<Format, Problem> {
        match raw.map(|s| s.trim_matches([' ', '\t'])).unwrap_or("") {
            "" | "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(Problem::Malformed(crate::field_text::Malformed::Values(vec![(
                "format".into(),
                Refusal::OneOf(&["csv", "xlsx"]),
            )]))),
        }
    }
}

/// One cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number (a ticket's, an order's).
    Int(i64),
    /// An amount or a quantity.
    Number(Decimal),
    /// A day.
    Date(Date),
    /// An instant, shown in a time zone.
    Instant(Timestamp, TimeZone),
    /// Nothing.
    Empty,
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(d) => d.normalize().to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Instant(t, tz) => t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// Rows as a list produces them, a page at a time.
pub type Rows = Vec<Vec<Cell>>;

/// Where a list's pages go.
pub struct Sink(mpsc::Sender<Rows>);

impl Sink {
    /// Hands on one page; `false` when the client has gone (stop reading).
    pub async fn send(&self, rows: Rows) -> bool {
        self.0.send(rows).await.is_ok()
    }
}

/// Answers an export: `produce` reads the list page by page into the sink,
/// on a task of its own, while the answer streams out.
pub fn respond<F, Fut>(format: Format, file: &str, header: Vec<&'static str>, produce: F) -> Response
where
    F: FnOnce(Sink) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), tessera_store::StoreError>> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Rows>(4);
    let name = file.to_owned();
    tokio::spawn(async move {
        if let Err(e) = produce(Sink(tx)).await {
            // The answer is under way: the client sees it cut short.
            tracing::error!(error = %e, export = name, "an export failed while streaming");
        }
    });
    match format {
        Format::Csv => csv_answer(file, header, rx),
        Format::Xlsx => xlsx::answer(file, header, rx),
    }
}

fn disposition(file: &str, ext: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("attachment; filename=\"{file}.{ext}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn csv_answer(file: &str, header: Vec<&'static str>, rx: mpsc::Receiver<Rows>) -> Response {
    let head = {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&header);
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend(w.into_inner().unwrap_or_default());
        Bytes::from(bytes)
    };
    let first = futures::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(head) });
    let rest = futures::stream::unfold(rx, |mut rx| async move {
        let rows = rx.recv().await?;
        let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 96));
        for row in &rows {
            let _ = w.write_record(row.iter().map(Cell::csv));
        }
        let bytes = w.into_inner().unwrap_or_default();
        Some((Ok(Bytes::from(bytes)), rx))
    });
    use futures::StreamExt;
    let body = Body::from_stream(first.chain(rest));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition(file, "csv")),
        ],
        body,
    )
        .into_response()
}

//! XLSX exports: the workbook is written row by row in rust_xlsxwriter's
//! constant-memory mode (rows go to a temporary file as they come), then
//! the finished file is streamed and removed.

use std::io::Read;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use tokio::sync::mpsc;

use super::{Cell, Rows, disposition};

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
        Cell::Int(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
        Cell::Number(d) => sheet
            .write_number_with_format(row, col, d.to_f64().unwrap_or(0.0), &formats.number)
            .map(|_| ()),
        Cell::Date(d) => {
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet
                .write_datetime_with_format(row, col, &day, &formats.date)
                .map(|_| ())
        }
        Cell::Instant(t, tz) => {
            let z = t.to_zoned(tz.clone());
            let at = ExcelDateTime::from_ymd(z.year() as u16, z.month() as u8, z.day() as u8)?.and_hms(
                z.hour() as u16,
                z.minute() as u8,
                f64::from(z.second()),
            )?;
            sheet
                .write_datetime_with_format(row, col, &at, &formats.instant)
                .map(|_| ())
        }
        Cell::Empty => Ok(()),
    }
}

struct Formats {
    header: Format,
    number: Format,
    date: Format,
    instant: Format,
}

/// Writes every row that comes into a workbook saved at `path`.
fn write_workbook(path: &std::path::Path, header: &[&str], mut rx: mpsc::Receiver<Rows>) -> Result<(), XlsxError> {
    let formats = Formats {
        header: Format::new().set_bold(),
        number: Format::new().set_num_format("0.00##"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        instant: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    for (col, name) in header.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *name, &formats.header)?;
        sheet.set_column_width(col, 18)?;
    }
    let mut row: u32 = 1;
    while let Some(rows) = rx.blocking_recv() {
        for r in &rows {
            for (col, cell) in r.iter().enumerate() {
                write_cell(sheet, row, u16::try_from(col).unwrap_or(u16::MAX), cell, &formats)?;
            }
            row = row.saturating_add(1);
        }
    }
    book.save(path)
}

/// The answer: the workbook, once written.
pub fn answer(file: &str, header: Vec<&'static str>, rx: mpsc::Receiver<Rows>) -> Response {
    let (tx, bytes) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let path = std::env::temp_dir().join(format!(
        "tessera-export-{}-{:016x}.xlsx",
        std::process::id(),
        rand::random::<u64>()
    ));
    tokio::task::spawn_blocking(move || {
        let sent = write_workbook(&path, &header, rx)
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|()| std::fs::File::open(&path));
        match sent {
            Ok(mut f) => {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match f.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if tx.blocking_send(Ok(Bytes::copy_from_slice(&buf[..n]))).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = tx.blocking_send(Err(e));
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "an XLSX export failed");
                let _ = tx.blocking_send(Err(e));
            }
        }
        let _ = std::fs::remove_file(&path);
    });
    let body = Body::from_stream(futures::stream::unfold(bytes, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            (header::CONTENT_DISPOSITION, disposition(file, "xlsx")),
        ],
        body,
    )
        .into_response()
}

//! Slowloris: the real binary closes a connection whose request headers do
//! not arrive within `--header-read-timeout-secs`, and keeps serving others.

mod support;

use std::time::{Duration, Instant};

use support::{Instance, fresh_database_url};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The server's header-read timeout in these tests.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How long a test waits for the server to close a connection: far past
/// `TIMEOUT`, yet bounded (a server without the timeout never closes).
const PATIENCE: Duration = Duration::from_secs(10);

fn start(url: &str) -> Instance {
    Instance::start(url, &["--header-read-timeout-secs", &TIMEOUT.as_secs().to_string()])
}

/// Reads until the server closes the connection (end of stream or reset);
/// what it sent before, and how long that took. Panics after `PATIENCE`.
async fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut seen = Vec::new();
    let closed = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(closed.is_ok(), "connection still open after {PATIENCE:?}; got {seen:?}");
    (seen, started.elapsed())
}

/// The status code of a whole HTTP/1.1 answer.
fn status(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// `GET /healthz` on a fresh connection, its request sent in two parts
/// `pause` apart; the answer's status.
async fn healthz_in_two_parts(addr: &str, pause: Duration) -> u16 {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHo").await.expect("write");
    tokio::time::sleep(pause).await;
    stream
        .write_all(b"st: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let (answer, _) = read_until_closed(&mut stream).await;
    status(&answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off_while_others_are_served() {
    let url = fresh_database_url("slow_clients").await;
    let server = start(&url);
    // Half a request: the final blank line never comes.
    let mut slow = TcpStream::connect(&server.addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    let (seen, took) = read_until_closed(&mut slow).await;
    // Closed silently or with a 408, never with an answer to the request.
    assert!(seen.is_empty() || status(&seen) == 408, "{seen:?}");
    // The timeout closed it, not something sooner.
    assert!(took >= TIMEOUT - Duration::from_millis(100), "closed after {took:?}");
    assert_eq!(healthz_in_two_parts(&server.addr, Duration::ZERO).await, 200);
    // Slow headers are fine as long as they are whole within the timeout.
    assert_eq!(
        healthz_in_two_parts(&server.addr, Duration::from_millis(200)).await,
        200
    );
    eprintln!("half a request: closed after {took:?}; whole requests answered 200");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_cut_off() {
    let url = fresh_database_url("silent_clients").await;
    let server = start(&url);
    // Connects and never sends a byte.
    let mut silent = TcpStream::connect(&server.addr).await.expect("connect");
    let (seen, took) = read_until_closed(&mut silent).await;
    assert!(seen.is_empty() || status(&seen) == 408, "{seen:?}");
    assert!(took >= TIMEOUT - Duration::from_millis(100), "closed after {took:?}");
    assert_eq!(healthz_in_two_parts(&server.addr, Duration::ZERO).await, 200);
    eprintln!("silent connection: closed after {took:?}");
}

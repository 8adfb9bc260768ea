//! A real SMTP server for the mail tests: `scripts/smtp-sink.py` (aiosmtpd)
//! on a free port, writing each message it takes into a directory of its
//! own, read back here with a kept MIME parser. (The binary's tests use
//! this file too.)
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One message as it arrived.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub content_language: String,
}

/// A running sink; it stops when dropped.
pub struct Sink {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// The Python that has aiosmtpd: `TESSERA_TEST_PYTHON`, else the venv
/// `scripts/test` makes, else `python3`.
fn python() -> PathBuf {
    if let Ok(p) = std::env::var("TESSERA_TEST_PYTHON") {
        return p.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| workspace().join("target"), PathBuf::from);
    let venv = target.join("smtp-venv").join("bin").join("python");
    if venv.exists() { venv } else { "python3".into() }
}

impl Sink {
    pub fn start() -> Sink {
        Sink::start_with(&[])
    }

    /// With the sink's options (`--fail-first N`, `--reject`).
    pub fn start_with(options: &[&str]) -> Sink {
        let dir = std::env::temp_dir().join(format!(
            "tessera-smtp-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        let mut child = Command::new(python())
            .arg(workspace().join("scripts").join("smtp-sink.py"))
            .arg("--dir")
            .arg(&dir)
            .args(options)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the SMTP sink starts (./scripts/test installs aiosmtpd into target/smtp-venv)");
        let stdout = child.stdout.take().expect("sink stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("sink prints its port");
        let port = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP sink did not start (is aiosmtpd installed? run ./scripts/test): {line:?}")
            });
        Sink { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message so far, in the order they arrived.
    pub fn arrived(&self) -> Vec<Arrived> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| parse(&std::fs::read(p).expect("read a message")))
            .collect()
    }

    /// Waits (at most 20 s) until `n` messages have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Arrived> {
        for _ in 0..400 {
            let got = self.arrived();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("waited in vain for {n} mails; got {:#?}", self.arrived());
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(raw: &[u8]) -> Arrived {
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message");
    let addr = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_owned()
    };
    Arrived {
        to: addr(m.to()),
        from: addr(m.from()),
        subject: m.subject().unwrap_or("").to_owned(),
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: m.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        message_id: m.message_id().unwrap_or("").to_owned(),
        content_language: m
            .header_raw("Content-Language")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}

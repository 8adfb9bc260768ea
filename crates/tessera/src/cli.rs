//! The command line. Every option can also come from a `TESSERA_*`
//! environment variable; flags win.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tessera_domain::booking::VisitorLimits;
use tessera_domain::password::check_password;
use tessera_domain::person::{parse_email, parse_name, parse_phone};
use tessera_domain::sign_in::{SignInLimits, SignUpLimits};
use tessera_domain::{Locale, Role};
use tessera_store::{NewUser, Store};

use crate::{demo, serve};

/// Tessera: coworking tickets, events and folios for venues.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database: `sqlite://path` (created if missing) or `postgres://…`.
    #[arg(
        long,
        env = "TESSERA_DATABASE_URL",
        default_value = "sqlite://tessera.db",
        global = true
    )]
    pub database_url: String,
    /// Connections each instance may open to PostgreSQL (several instances
    /// share the server's `max_connections`); SQLite ignores it.
    #[arg(long, env = "TESSERA_PG_POOL_SIZE", default_value_t = tessera_store::DEFAULT_POSTGRES_POOL,
        value_parser = clap::value_parser!(u32).range(2..=1000), global = true)]
    pub pg_pool_size: u32,
    /// Log format: `pretty` or `json`.
    #[arg(long, env = "TESSERA_LOG_FORMAT", default_value = "pretty", global = true)]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the HTTP server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TESSERA_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Language when a request names none: ru, bg or en.
        #[arg(long, env = "TESSERA_DEFAULT_LOCALE", default_value = "ru")]
        default_locale: String,
        /// Seconds between sweeps writing down time-driven status changes.
        #[arg(long, env = "TESSERA_SWEEP_SECONDS", default_value_t = 5)]
        sweep_seconds: u64,
        /// Hours a sign-in token lives.
        #[arg(long, env = "TESSERA_SESSION_HOURS", default_value_t = 720)]
        session_hours: u64,
        /// Seconds a client has to send a request's headers; slower
        /// connections are closed (against slowloris).
        #[arg(long, env = "TESSERA_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
            value_parser = clap::value_parser!(u64).range(1..))]
        header_read_timeout_secs: u64,
        /// Load the demo data first if the database is empty.
        #[arg(long)]
        demo: bool,
        /// Behind a proxy that appends the client's address to
        /// `X-Forwarded-For`: throttle sign-ins by that address.
        #[arg(long, env = "TESSERA_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Visitor accounts one client address may register in an hour.
        #[arg(long, env = "TESSERA_SIGN_UPS_PER_HOUR", default_value_t = 30,
            value_parser = clap::value_parser!(u32).range(1..))]
        sign_ups_per_hour: u32,
        /// Unpaid orders a visitor may have open at once (their own orders;
        /// managers' orders for them do not count).
        #[arg(long, env = "TESSERA_VISITOR_UNPAID_ORDERS", default_value_t = 3,
            value_parser = clap::value_parser!(u32).range(1..))]
        visitor_unpaid_orders: u32,
        /// The address people open Tessera at, for links in mail
        /// (default: http:// and the listen address).
        #[arg(long, env = "TESSERA_PUBLIC_URL")]
        public_url: Option<String>,
        /// SMTP server for mail: `smtp://host:port`, `smtp://host?tls=required`
        /// or `smtps://user:password@host`. Without it mail waits.
        #[arg(long, env = "TESSERA_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of mail: `Tessera <noreply@example.com>`.
        #[arg(long, env = "TESSERA_MAIL_FROM")]
        mail_from: Option<String>,
    },
    /// Manages users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fills an empty database with the seeds' examples and prints the demo logins.
    Demo,
    /// Writes an online, consistent copy of the SQLite database (the server may run).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Adds a user; the password is read from standard input.
    Add {
        /// E-mail (the login).
        #[arg(long)]
        email: String,
        /// First name.
        #[arg(long)]
        first_name: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
        /// admin, rental_manager, event_manager, visitor or gate.
        #[arg(long)]
        role: String,
        /// The language of mail to them: ru, bg or en.
        #[arg(long, env = "TESSERA_DEFAULT_LOCALE", default_value = "ru")]
        locale: String,
    },
}

impl Cli {
    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Serve {
                listen,
                default_locale,
                sweep_seconds,
                session_hours,
                header_read_timeout_secs,
                demo: with_demo,
                trust_forwarded_for,
                sign_ups_per_hour,
                visitor_unpaid_orders,
                public_url,
                smtp_url,
                mail_from,
            } => {
                let mail = match (smtp_url.filter(|u| !u.is_empty()), mail_from.filter(|f| !f.is_empty())) {
                    (Some(url), Some(from)) => {
                        Some(tessera_server::mail::MailSettings::parse(&url, &from).map_err(anyhow::Error::msg)?)
                    }
                    (None, None) => {
                        tracing::warn!("TESSERA_SMTP_URL is not set: mail waits until it is");
                        None
                    }
                    (Some(_), None) => bail!("TESSERA_SMTP_URL is set without TESSERA_MAIL_FROM"),
                    (None, Some(_)) => bail!("TESSERA_MAIL_FROM is set without TESSERA_SMTP_URL"),
                };
                // Empty: the address the server ends up listening on.
                let public_url = match public_url.filter(|u| !u.is_empty()) {
                    Some(u) if u.starts_with("http://") || u.starts_with("https://") => u,
                    Some(u) => bail!("TESSERA_PUBLIC_URL must start with http:// or https://, not {u:?}"),
                    None => String::new(),
                };
                let store = open(&self.database_url, self.pg_pool_size).await?;
                if with_demo {
                    if store.count_users().await? == 0 {
                        demo::load(&store, jiff::Timestamp::now()).await?.print();
                    } else {
                        tracing::info!("the database has data; demo not loaded");
                    }
                }
                let default_locale =
                    Locale::parse(&default_locale).context("TESSERA_DEFAULT_LOCALE must be ru, bg or en")?;
                let config = tessera_server::Config {
                    default_locale,
                    session_ttl: Duration::from_secs(session_hours.saturating_mul(3600)),
                    demo_logins: with_demo,
                    trust_forwarded_for,
                    sign_in: SignInLimits::DEFAULT,
                    sign_up: SignUpLimits {
                        per_address: sign_ups_per_hour,
                        window_seconds: 3600,
                    },
                    visitor: VisitorLimits {
                        unpaid_orders: visitor_unpaid_orders,
                    },
                    public_url,
                    mail,
                };
                serve::run(
                    store,
                    &listen,
                    config,
                    Duration::from_secs(sweep_seconds.max(1)),
                    Duration::from_secs(header_read_timeout_secs),
                )
                .await
            }
            Command::User {
                command:
                    UserCommand::Add {
                        email,
                        first_name,
                        last_name,
                        phone,
                        role,
                        locale,
                    },
            } => {
                let locale = Locale::parse(&locale).context("--locale must be ru, bg or en")?;
                let role = Role::parse(&role)
                    .context("--role must be admin, rental_manager, event_manager, visitor or gate")?;
                let mut password = String::new();
                std::io::stdin()
                    .read_to_string(&mut password)
                    .context("reading the password from standard input")?;
                let password = password.trim_end_matches(['\n', '\r']).to_owned();
                check_password(&password, &[&email, &first_name, &last_name])
                    .map_err(|e| anyhow::anyhow!("the password (from standard input) {e}"))?;
                let user = NewUser {
                    email: parse_email(&email).map_err(|e| anyhow::anyhow!("--email {e}"))?,
                    first_name: parse_name(&first_name).map_err(|e| anyhow::anyhow!("--first-name {e}"))?,
                    last_name: parse_name(&last_name).map_err(|e| anyhow::anyhow!("--last-name {e}"))?,
                    phone: phone
                        .as_deref()
                        .map(parse_phone)
                        .transpose()
                        .map_err(|e| anyhow::anyhow!("--phone {e}"))?,
                    role: role.as_str().into(),
                    password_hash: Some(demo::hash(&password)?),
                    locale: locale.tag().into(),
                };
                let store = open(&self.database_url, self.pg_pool_size).await?;
                let created = store
                    .create_user(user, jiff::Timestamp::now().as_second())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!(
                    "created {} {} <{}> as {}, id {}",
                    created.first_name, created.last_name, created.email, created.role, created.id
                );
                Ok(())
            }
            Command::Backup { to } => {
                if to.exists() {
                    bail!("{} exists; a backup never overwrites", to.display());
                }
                let target = to.to_str().context("the backup path must be UTF-8")?.to_owned();
                let store = open(&self.database_url, self.pg_pool_size).await?;
                store.backup_sqlite(target).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("backed up to {}", to.display());
                Ok(())
            }
            Command::Demo => {
                let store = open(&self.database_url, self.pg_pool_size).await?;
                if store.count_users().await? > 0 {
                    bail!("the database is not empty; the demo fills an empty one");
                }
                demo::load(&store, jiff::Timestamp::now()).await?.print();
                Ok(())
            }
        }
    }
}

async fn open(url: &str, pg_pool_size: u32) -> anyhow::Result<Store> {
    Store::open_with(url, pg_pool_size)
        .await
        .with_context(|| format!("opening the database {url}"))
}

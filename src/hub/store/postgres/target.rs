//! The PostgreSQL database a `--db postgres://USER@HOST[:PORT]/DB` names:
//! checked when the hub starts, so a URL missing its user or database is
//! said at once rather than at the first connection; named in logs and
//! errors as `postgres://USER@HOST:PORT/DB`, never with its password.
//!
//! Connections are plain TCP or a Unix socket: there is no TLS yet, so a URL
//! asking for it (`sslmode=require`) is refused rather than quietly sent in
//! the clear.
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::{Config, Host, SslMode};
use tokio_postgres::{Client, NoTls};

use crate::hub::store::StoreError;

/// How long a connection may take before the database counts as
/// unreachable, unless the URL says (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a silent connection waits before it is probed, so that one to a
/// machine that vanished is found dead in well under a minute.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(15);

/// Set on every session: the server ends one left inside a transaction this
/// long. A hub's transactions never wait on anything but the database, so
/// only a hub gone mid-change (its machine lost, its connection not yet
/// known dead) leaves one idle; ended, its session's locks go with it, and
/// the writes lock is free for the other hubs within seconds, not at the
/// end of the TCP timeout.
const SESSION_OPTIONS: &str = "-c idle_in_transaction_session_timeout=10s";

/// A PostgreSQL database to keep the hub in.
#[derive(Clone)]
pub struct PgTarget {
    /// Boxed: it is large, and a `DbTarget` is mostly a path.
    config: Box<Config>,
    /// `postgres://USER@HOST:PORT/DB`, for messages.
    name: String,
}

/// The name of a hub's sessions, unless the URL names another.
pub const HUB_APPLICATION: &str = "oncall hub";

const SHAPE: &str = "postgres://USER@HOST[:PORT]/DB";

impl PgTarget {
    /// The database `url` names, with `password` when the URL has none.
    pub fn parse(url: &str, password: Option<String>) -> Result<PgTarget, String> {
        // tokio-postgres' own messages never repeat the URL, so no password
        // reaches them.
        let mut config =
            Config::from_str(url).map_err(|e| format!("the database URL is not {SHAPE}: {e}"))?;
        let user = config
            .get_user()
            .ok_or(format!("the database URL names no user: write it {SHAPE}"))?
            .to_string();
        let db = config
            .get_dbname()
            .ok_or(format!(
                "the database URL names no database: write it {SHAPE}"
            ))?
            .to_string();
        let host = match config.get_hosts() {
            [] => return Err(format!("the database URL names no host: write it {SHAPE}")),
            [one] => host_text(one),
            _ => {
                return Err(format!(
                    "the database URL names several hosts; name one: {SHAPE}"
                ));
            }
        };
        if config.get_ssl_mode() == SslMode::Require {
            return Err(
                "the database URL asks for TLS (sslmode=require), which this oncall cannot speak to PostgreSQL yet: \
                 reach the database on a private network or through a tunnel, with sslmode=disable or prefer"
                    .to_string(),
            );
        }
        if config.get_password().is_none()
            && let Some(password) = password.filter(|p| !p.is_empty())
        {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_keepalives_idle() > KEEPALIVE_IDLE {
            config.keepalives_idle(KEEPALIVE_IDLE);
        }
        let options = match config.get_options() {
            Some(given) => format!("{given} {SESSION_OPTIONS}"),
            None => SESSION_OPTIONS.to_string(),
        };
        config.options(options);
        if config.get_application_name().is_none() {
            config.application_name(HUB_APPLICATION);
        }
        let port = config.get_ports().first().copied().unwrap_or(5432);
        Ok(PgTarget {
            name: format!("postgres://{user}@{host}:{port}/{db}"),
            config: Box::new(config),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// One connection of its own, outside the pool, for the migration (whose
    /// lock ends with the connection, whatever happens). Its connection task
    /// runs until the client is dropped.
    pub async fn connect(&self) -> Result<Client, StoreError> {
        open(&self.config).await
    }

    /// As [`PgTarget::connect`], the session named `application` (unless
    /// the URL names one): what the database's list of sessions shows, so
    /// that a hub's sessions can be told from other programs'.
    pub async fn connect_as(&self, application: &str) -> Result<Client, StoreError> {
        let mut config = (*self.config).clone();
        if config.get_application_name() == Some(HUB_APPLICATION) {
            config.application_name(application);
        }
        open(&config).await
    }

    /// A failure to reach the database, naming it.
    pub fn unreachable(&self, e: &dyn std::error::Error) -> StoreError {
        StoreError::Busy(format!(
            "cannot reach PostgreSQL at {}: {}",
            self.name,
            said(e)
        ))
    }

    /// `e`, with the database it came from named in its message.
    pub fn named(&self, e: StoreError) -> StoreError {
        match e {
            StoreError::Busy(m) => StoreError::Busy(format!("PostgreSQL at {}: {m}", self.name)),
            StoreError::Db(m) => StoreError::Db(format!("PostgreSQL at {}: {m}", self.name)),
            other => other,
        }
    }
}

/// One connection with `config`, its connection task spawned.
async fn open(config: &Config) -> Result<Client, StoreError> {
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|e| StoreError::Busy(format!("cannot connect: {}", said(&e))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "a PostgreSQL connection ended");
        }
    });
    Ok(client)
}

/// `e` with what caused it ("error connecting to server: Connection
/// refused"): tokio-postgres says the cause apart.
pub fn said(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

fn host_text(host: &Host) -> String {
    match host {
        Host::Tcp(name) => name.clone(),
        #[cfg(unix)]
        Host::Unix(path) => path.display().to_string(),
    }
}

impl fmt::Display for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The name only: the password stays out of every `{:?}`.
impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PgTarget").field(&self.name).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_missing_is_said() {
        let cases = [
            ("postgres://db.example/pager", "no user"),
            ("postgres://oncall@db.example", "no database"),
            ("postgres://oncall@/pager", "no host"),
            ("postgres://oncall@a,b/pager", "several hosts"),
            ("postgres://oncall@db.example/pager?sslmode=require", "TLS"),
            ("postgres://oncall@db.example:port/pager", SHAPE),
        ];
        for (url, says) in cases {
            match PgTarget::parse(url, None) {
                Err(e) => assert!(e.contains(says), "{url}: {e}"),
                Ok(t) => panic!("{url} was taken as {t}"),
            }
        }
    }

    #[test]
    fn the_password_comes_from_the_url_first() {
        let t = PgTarget::parse("postgres://oncall:fromurl@h/db", Some("env".into())).unwrap();
        assert_eq!(t.config().get_password(), Some(&b"fromurl"[..]));
        let t = PgTarget::parse("postgres://oncall@h/db", Some("env".into())).unwrap();
        assert_eq!(t.config().get_password(), Some(&b"env"[..]));
        let t = PgTarget::parse("postgresql://oncall@h:6543/db", None).unwrap();
        assert_eq!(t.config().get_password(), None);
        assert_eq!(t.to_string(), "postgres://oncall@h:6543/db");
    }
}

//! What the hub pages with, as typed values read once when it starts: the
//! config's `[hub.notify]` and contacts, with the secrets the config names by
//! variable read from the environment. An unset or empty variable is an error
//! that names the line that names it, so a hub never serves unsigned links.
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::notify::{ChannelConfig, ChannelEvent, Contact, EnvName, SmtpTls};
use super::{ConfigError, HubConfig};
use crate::incident::Severity;

/// A key shorter than this could be guessed, and with it acknowledge links forged.
pub const MIN_SECRET_BYTES: usize = 16;

/// A key or password from the environment; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<[u8]>);

impl Secret {
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Secret {
        Secret(bytes.into())
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The SMTP server, with the login read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub from: String,
    /// User name and password, when the server wants a login.
    pub login: Option<(String, Secret)>,
}

/// Who is paged how, and when; see `[hub.notify]` in docs/config.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySettings {
    /// Acknowledge links start with this (no trailing slash).
    pub public_url: Option<String>,
    pub min_severity: Severity,
    pub repeat: Option<Duration>,
    pub ack_timeout: Option<Duration>,
    /// Signs acknowledge links and webhook bodies; present whenever any
    /// contact or webhook channel is configured.
    pub secret: Option<Secret>,
    pub smtp: Option<Smtp>,
    pub channels: Vec<ChannelConfig>,
    /// Each responder's contacts, in the order they are tried (by `after`).
    contacts: BTreeMap<String, Vec<Contact>>,
}

/// Nobody has contacts: nothing is paged outside the console.
impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            public_url: None,
            min_severity: Severity::High,
            repeat: None,
            ack_timeout: None,
            secret: None,
            smtp: None,
            channels: Vec::new(),
            contacts: BTreeMap::new(),
        }
    }
}

impl NotifySettings {
    /// Whether an incident this severe pages anyone.
    pub fn pages(&self, severity: Severity) -> bool {
        // Severities are ordered most severe first.
        severity <= self.min_severity
    }

    /// `name`'s contacts in the order they are tried; none for an unknown name.
    pub fn contacts_of(&self, name: &str) -> &[Contact] {
        self.contacts.get(name).map_or(&[], Vec::as_slice)
    }

    /// The channels that hear of `event`.
    pub fn channels_for(&self, event: ChannelEvent) -> impl Iterator<Item = &ChannelConfig> {
        self.channels
            .iter()
            .filter(move |c| c.events.contains(&event))
    }

    /// The acknowledge link for a signed token, when the hub has a public URL.
    pub fn ack_url(&self, token: &str) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|base| format!("{base}/ack/{token}"))
    }
}

impl HubConfig {
    /// The paging settings, reading the variables the config names through
    /// `env` (`std::env::var(name).ok()` when serving); `path` is the config
    /// file, for errors.
    pub fn notify_settings(
        &self,
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<NotifySettings, ConfigError> {
        let notify = &self.notify;
        let lines = notify.env_lines;
        let read =
            |name: &EnvName, line: Option<usize>, what: &str| -> Result<String, ConfigError> {
                match env(&name.0) {
                    Some(value) if !value.trim().is_empty() => Ok(value),
                    _ => Err(ConfigError {
                        path: path.to_path_buf(),
                        line,
                        problem: format!("{} is not set, or empty: it holds {what}", name.0),
                        fix: format!("start the hub with {} set (export {}=...)", name.0, name.0),
                    }),
                }
            };
        let secret = match &notify.secret_env {
            None => None,
            Some(name) => {
                let value = read(name, lines.secret, "the key that signs acknowledge links")?;
                if value.len() < MIN_SECRET_BYTES {
                    return Err(ConfigError {
                        path: path.to_path_buf(),
                        line: lines.secret,
                        problem: format!(
                            "{} holds {} characters; a key this short could be guessed and links forged",
                            name.0,
                            value.len()
                        ),
                        fix: format!(
                            "set {} to at least {MIN_SECRET_BYTES} random characters: export {}=$(openssl rand -hex 32)",
                            name.0, name.0
                        ),
                    });
                }
                Some(Secret::new(value.into_bytes()))
            }
        };
        let smtp = match &notify.smtp {
            None => None,
            Some(s) => {
                let login = match (&s.username_env, &s.password_env) {
                    (Some(user), Some(password)) => Some((
                        read(user, lines.username, "the SMTP user name")?,
                        Secret::new(
                            read(password, lines.password, "the SMTP password")?.into_bytes(),
                        ),
                    )),
                    _ => None,
                };
                Some(Smtp {
                    host: s.host.trim().to_string(),
                    port: s.port(),
                    tls: s.tls,
                    from: s.from.trim().to_string(),
                    login,
                })
            }
        };
        let contacts = self
            .responders
            .iter()
            .filter(|r| !r.contacts.is_empty())
            .map(|r| {
                let mut ordered = r.contacts.clone();
                // Stable: contacts with the same `after` keep the file's order.
                ordered.sort_by_key(|c| c.after);
                (r.name.clone(), ordered)
            })
            .collect();
        Ok(NotifySettings {
            public_url: notify.public_url.clone(),
            min_severity: notify.min_severity,
            repeat: notify.repeat.map(|d| d.0),
            ack_timeout: notify.ack_timeout.map(|d| d.0),
            secret,
            smtp,
            channels: notify.channels.clone(),
            contacts,
        })
    }
}

//! The paging parts of the config: each responder's contacts
//! (`[[hub.responders.contacts]]`), and `[hub.notify]` with its SMTP server and
//! team channels. Values are checked while read where they stand alone; the
//! checks that look across tables (an email contact needs `[hub.notify.smtp]`)
//! are in `notify_check`, and the environment is read when the hub starts
//! (`notify_settings`).
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::{HumanDuration, zero_or_more};
use super::error::FIX_SEPARATOR;
use crate::incident::Severity;

/// How a page travels to a person or a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Push to a phone through an ntfy server; `to` is the topic URL.
    Ntfy,
    /// Mail through `[hub.notify.smtp]`; `to` is the address.
    Email,
    /// A signed JSON POST; `to` is the URL.
    Webhook,
    /// Slack's incoming-webhook format (Mattermost takes it too); `to` is the URL.
    Slack,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Ntfy => "ntfy",
            Via::Email => "email",
            Via::Webhook => "webhook",
            Via::Slack => "slack",
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way to reach a responder, tried `after` this long into a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub via: Via,
    /// A topic URL (ntfy), an address (email) or a URL (webhook, slack).
    pub to: String,
    #[serde(
        default,
        deserialize_with = "zero_or_more",
        serialize_with = "write_delay"
    )]
    pub after: Duration,
}

/// Written back the way it is read, so a page queued as JSON reads again.
fn write_delay<S: serde::Serializer>(after: &Duration, s: S) -> Result<S::Ok, S::Error> {
    if after.is_zero() {
        s.serialize_str("0s")
    } else {
        s.collect_str(&HumanDuration(*after))
    }
}

/// What a team channel is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelEvent {
    Opened,
    Escalated,
    Resolved,
    Handoff,
    /// A status update for stakeholders.
    Status,
}

impl ChannelEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelEvent::Opened => "opened",
            ChannelEvent::Escalated => "escalated",
            ChannelEvent::Resolved => "resolved",
            ChannelEvent::Handoff => "handoff",
            ChannelEvent::Status => "status",
        }
    }
}

/// `[[hub.notify.channels]]`: a team chat, a stakeholders' list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    pub name: String,
    pub via: Via,
    pub to: String,
    pub events: Vec<ChannelEvent>,
}

impl ChannelConfig {
    /// The channel as a contact, tried at once.
    pub fn contact(&self) -> Contact {
        Contact {
            via: self.via,
            to: self.to.clone(),
            after: Duration::ZERO,
        }
    }
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: a relay on the same host or network only.
    None,
    /// Plain, then upgraded with STARTTLS; refused if the server cannot.
    #[default]
    Starttls,
    /// TLS from the first byte (often port 465).
    Tls,
}

/// `[hub.notify.smtp]`: the server email pages leave through.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// By default 25 without TLS, 587 with STARTTLS, 465 with TLS.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    /// The sender: an address, or a name and an address ("Oncall <oncall@example.com>").
    pub from: String,
    #[serde(default)]
    pub username_env: Option<EnvName>,
    #[serde(default)]
    pub password_env: Option<EnvName>,
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        })
    }
}

/// `[hub.notify]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// The hub as people's phones reach it: acknowledge links start with it.
    #[serde(default, deserialize_with = "public_url")]
    pub public_url: Option<String>,
    /// Below this severity nobody is paged (the console still shows it).
    #[serde(default = "default_min_severity")]
    pub min_severity: Severity,
    /// Still unacknowledged this long: paged again, contacts from the start.
    #[serde(default)]
    pub repeat: Option<HumanDuration>,
    /// Acknowledged but not resolved this long: back to triggered, paged again.
    #[serde(default)]
    pub ack_timeout: Option<HumanDuration>,
    /// The variable holding the key that signs acknowledge links and webhook bodies.
    #[serde(default)]
    pub secret_env: Option<EnvName>,
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    #[serde(default)]
    pub channels: Vec<ChannelConfig>,
    /// Where the variables are named, for errors raised when the hub starts.
    #[serde(skip)]
    pub(crate) env_lines: EnvLines,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            public_url: None,
            min_severity: default_min_severity(),
            repeat: None,
            ack_timeout: None,
            secret_env: None,
            smtp: None,
            channels: Vec::new(),
            env_lines: EnvLines::default(),
        }
    }
}

fn default_min_severity() -> Severity {
    Severity::High
}

/// The lines of `secret_env`, `username_env` and `password_env`, found when
/// the file is read: the variables are read later, when the hub starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EnvLines {
    pub secret: Option<usize>,
    pub username: Option<usize>,
    pub password: Option<usize>,
}

/// The name of an environment variable: the config names it, the value
/// stays out of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvName(pub String);

impl<'de> Deserialize<'de> for EnvName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let name = raw.trim();
        let mut chars = name.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(serde::de::Error::custom(format!(
                "'{raw}' is not the name of an environment variable{FIX_SEPARATOR}name the variable, not its value, like \"ONCALL_NOTIFY_SECRET\""
            )));
        }
        Ok(EnvName(name.to_string()))
    }
}

fn public_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(d)?;
    let fix = "write the hub's address as phones reach it, like \"https://oncall.example.com\"";
    let url =
        http_url(&raw).map_err(|e| serde::de::Error::custom(format!("{e}{FIX_SEPARATOR}{fix}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(serde::de::Error::custom(format!(
            "'{raw}' has a query or fragment, which acknowledge links cannot follow{FIX_SEPARATOR}{fix}"
        )));
    }
    Ok(Some(url.as_str().trim_end_matches('/').to_string()))
}

/// `raw` as an http(s) URL with a host, or why not.
pub(crate) fn http_url(raw: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| format!("'{raw}' is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{raw}' must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{raw}' names no host"));
    }
    Ok(url)
}

/// An ntfy topic URL split into the server's root (where the JSON publish
/// API is) and the topic: `https://ntfy.example.com/alice-pager`.
pub fn ntfy_topic(raw: &str) -> Result<(reqwest::Url, String), String> {
    let mut url = http_url(raw)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "'{raw}' has a query or fragment; a topic URL has neither"
        ));
    }
    let path = url.path().trim_end_matches('/').to_string();
    let (root, topic) = path.rsplit_once('/').unwrap_or(("", &path));
    let valid = !topic.is_empty()
        && topic.len() <= 64
        && topic
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "'{raw}' does not end in a topic (up to 64 letters, digits, - and _)"
        ));
    }
    let topic = topic.to_string();
    url.set_path(&format!("{root}/"));
    Ok((url, topic))
}

/// Whether `to` suits `via`, or what is wrong and how to write it.
pub(crate) fn check_to(via: Via, to: &str) -> Result<(), (String, String)> {
    let fail = |problem: String, example: &str| -> Result<(), (String, String)> {
        Err((problem, format!("write it like to = \"{example}\"")))
    };
    match via {
        Via::Ntfy => match ntfy_topic(to) {
            Ok(_) => Ok(()),
            Err(e) => fail(e, "https://ntfy.sh/alice-pager"),
        },
        Via::Email => match to.trim().parse::<lettre::Address>() {
            Ok(_) => Ok(()),
            Err(e) => fail(
                format!("'{to}' is not an email address ({e})"),
                "alice@example.com",
            ),
        },
        Via::Webhook | Via::Slack => match http_url(to) {
            Ok(_) => Ok(()),
            Err(e) => fail(e, "https://hooks.example.com/services/T000/B000/XXXX"),
        },
    }
}

#[cfg(test)]
mod tests;

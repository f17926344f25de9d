//! The one config file (docs/config.md). Every value is checked while it
//! is read, so a bad value is reported with the file and line it came from;
//! unknown keys are rejected rather than silently ignored.
mod alertmanager;
mod duration;
mod error;
mod heartbeat;
mod notify;
mod notify_check;
mod notify_settings;
mod responder;
mod rota;
mod rota_check;
mod sha;
mod timezone;
mod watch;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use alertmanager::{AlertmanagerConfig, Matcher, SeverityMap};
pub use duration::{HumanDuration, parse_any as parse_duration_or_zero};
pub use error::ConfigError;
pub(crate) use error::FIX_SEPARATOR;
pub use heartbeat::{CronExpr, HeartbeatConfig, Schedule, ZoneName, is_heartbeat_name};
pub use notify::{
    ChannelConfig, ChannelEvent, Contact, EnvName, NotifyConfig, SmtpConfig, SmtpTls, Via,
    ntfy_topic,
};
pub use notify_settings::{MIN_SECRET_BYTES, NotifySettings, Secret, Smtp};
pub use responder::{ResponderConfig, Role};
pub use rota::{ANY_SERVICE, LevelConfig, OverrideConfig, PolicyConfig, RotaConfig, Timestamp};
pub use sha::Sha256Hex;
pub use timezone::TimeZoneName;
pub use watch::{MetricsAccess, PingUrl, WatchdogConfig};

/// Everything the config file can say. Each section has defaults, so an empty
/// file is valid.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The responder running the console, as the team knows them.
    #[serde(default)]
    pub responder: Option<String>,
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
    #[serde(default)]
    pub runbooks: RunbooksConfig,
    #[serde(default)]
    pub console: ConsoleConfig,
    #[serde(default)]
    pub hub: HubConfig,
}

/// Which kind of feed the console polls.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    #[default]
    Hub,
    /// A Prometheus Alertmanager, polled directly (API v2).
    Alertmanager,
}

/// One incident feed the console polls.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    #[serde(default = "default_feed_name")]
    pub name: String,
    #[serde(default)]
    pub kind: FeedKind,
    /// The feed's one URL; or `urls`, never both ([`FeedConfig::urls`]).
    #[serde(default)]
    pub url: Option<FeedUrl>,
    /// Several hubs on one database, tried in turn when one does not answer.
    #[serde(default)]
    pub urls: Option<Vec<FeedUrl>>,
    /// The environment variable that holds this responder's token. A hub
    /// feed defaults to `ONCALL_TOKEN`; an Alertmanager feed sends no token
    /// unless one is named (for an Alertmanager behind an authenticating proxy).
    #[serde(default)]
    pub token_env: Option<String>,
    #[serde(default = "default_poll_interval")]
    pub poll_interval: HumanDuration,
    /// Alertmanager feeds only: which alerts to show (the API's `filter`).
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    /// Alertmanager feeds only: how long the silence an acknowledge creates lasts.
    #[serde(default)]
    pub silence: Option<HumanDuration>,
}

impl FeedConfig {
    /// The feed's URLs, in the order they are tried: one or more once the
    /// file has been checked (`url` or `urls`, never both, never none).
    pub fn urls(&self) -> &[FeedUrl] {
        match (&self.url, &self.urls) {
            (Some(url), _) => std::slice::from_ref(url),
            (None, Some(urls)) => urls,
            (None, None) => &[],
        }
    }

    /// The first URL: what the feed is known by (its cache and outbox on
    /// disk), whichever hub answers.
    pub fn first_url(&self) -> &str {
        self.urls().first().map_or("", |u| u.0.as_str())
    }

    /// `url` or `urls`, exactly one of them, with at least one URL; an
    /// Alertmanager is one server (a cluster shares its silences).
    fn check_urls(&self, text: &str, path: &Path, nth: usize) -> Result<(), ConfigError> {
        let at = |key: &str, problem: String, fix: &str| {
            ConfigError::in_table(path, text, ("[[feeds]]", nth), key, &problem, fix)
        };
        let name = &self.name;
        match (&self.url, &self.urls) {
            (Some(_), Some(_)) => Err(at(
                "urls",
                format!("the feed '{name}' has both `url` and `urls`"),
                "keep one: `url = \"...\"` for one hub, or `urls = [\"...\", \"...\"]` for several",
            )),
            (None, None) => Err(at(
                "url",
                format!("the feed '{name}' has no `url`"),
                "add `url = \"http://hub.example:8080\"` (or `urls = [...]` for several hubs) to this [[feeds]] entry",
            )),
            (None, Some(urls)) if urls.is_empty() => Err(at(
                "urls",
                format!("the feed '{name}' has an empty `urls` list"),
                "list at least one URL, like urls = [\"https://hub-a.example\", \"https://hub-b.example\"]",
            )),
            (None, Some(urls)) if urls.len() > 1 && self.kind == FeedKind::Alertmanager => Err(at(
                "urls",
                format!(
                    "the Alertmanager feed '{name}' lists {} URLs, but it polls one Alertmanager",
                    urls.len()
                ),
                "keep one URL: the instances of an Alertmanager cluster share their alerts and silences",
            )),
            _ => Ok(()),
        }
    }

    /// `matchers` and `silence` mean something only to an Alertmanager feed;
    /// on a hub feed they would be silently ignored, so they are refused.
    fn check_kind(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        if self.kind == FeedKind::Alertmanager {
            return Ok(());
        }
        for (key, set) in [
            ("matchers", !self.matchers.is_empty()),
            ("silence", self.silence.is_some()),
        ] {
            if set {
                return Err(ConfigError::at_key(
                    path,
                    text,
                    key,
                    &format!(
                        "`{key}` is set on the hub feed '{}', but only Alertmanager feeds use it",
                        self.name
                    ),
                    "remove it, or set kind = \"alertmanager\" if this feed is an Alertmanager",
                ));
            }
        }
        Ok(())
    }

    /// The variable the hub token is read from.
    pub fn hub_token_env(&self) -> String {
        self.token_env.clone().unwrap_or_else(default_token_env)
    }

    /// How long an acknowledge silences an Alertmanager alert.
    pub fn silence_duration(&self) -> HumanDuration {
        self.silence.unwrap_or(DEFAULT_SILENCE)
    }
}

/// An acknowledged alert stays silent for this long unless the feed says otherwise.
pub const DEFAULT_SILENCE: HumanDuration = HumanDuration::from_secs(2 * 3600);

fn default_feed_name() -> String {
    "hub".to_string()
}

pub fn default_token_env() -> String {
    "ONCALL_TOKEN".to_string()
}

fn default_poll_interval() -> HumanDuration {
    HumanDuration::from_secs(2)
}

/// An http(s) base URL, checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUrl(pub String);

impl<'de> Deserialize<'de> for FeedUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let parsed = reqwest::Url::parse(&raw).map_err(|e| {
            serde::de::Error::custom(format!(
                "'{raw}' is not a URL ({e}){FIX_SEPARATOR}write it like \"http://hub.example:8080\""
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(serde::de::Error::custom(format!(
                "'{raw}' must start with http:// or https://{FIX_SEPARATOR}write it like \"https://hub.example\" or \"http://hub.example:8080\""
            )));
        }
        Ok(FeedUrl(raw.trim_end_matches('/').to_string()))
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunbooksConfig {
    /// Folders of the team's own runbooks; they add to the shipped ones and
    /// override them by id.
    #[serde(default)]
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsoleConfig {
    /// Ring the terminal bell when something reaches you.
    #[serde(default = "yes")]
    pub bell: bool,
    /// Raise a desktop notification (OSC 777 / OSC 9) when a page reaches you.
    #[serde(default = "yes")]
    pub notify: bool,
    /// Draw URLs as terminal hyperlinks (OSC 8) where the terminal takes
    /// them; `false` never does.
    #[serde(default = "yes")]
    pub hyperlinks: bool,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            bell: true,
            notify: true,
            hyperlinks: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// The hub's part of the file (`oncall serve`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    #[serde(default)]
    pub responders: Vec<ResponderConfig>,
    /// Who is on call when; without it nobody is, and incidents wait
    /// unowned until someone acknowledges them.
    #[serde(default)]
    pub rota: Option<RotaConfig>,
    /// Escalation policies by service; without a default (`"*"`) one, other
    /// services get three levels that each reach the person on call.
    #[serde(default)]
    pub policies: Vec<PolicyConfig>,
    #[serde(default)]
    pub alertmanager: AlertmanagerConfig,
    /// Paging people outside the console: `[hub.notify]`.
    #[serde(default)]
    pub notify: NotifyConfig,
    /// Who may read `GET /metrics`: `"token"` (the default) or `"public"`.
    #[serde(default)]
    pub metrics: MetricsAccess,
    /// `[hub.watchdog]`: an outside check pinged while the hub is healthy.
    #[serde(default)]
    pub watchdog: Option<WatchdogConfig>,
    /// `[[hub.heartbeats]]`: jobs expected to ping on a schedule.
    #[serde(default)]
    pub heartbeats: Vec<HeartbeatConfig>,
    /// The hub's time zone (`timezone = "Europe/Berlin"`): the noise report
    /// counts pages at night in it. UTC by default.
    #[serde(default)]
    pub timezone: TimeZoneName,
}

impl HubConfig {
    /// The names of the responders with `role = "integration"`, which are
    /// never on call nor an owner.
    pub fn integrations(&self) -> impl Iterator<Item = &str> {
        self.responders
            .iter()
            .filter(|r| r.role == Role::Integration)
            .map(|r| r.name.as_str())
    }
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::unreadable(path, &e))?;
        Config::parse(&text, path)
    }

    /// Reads the file if it exists; a missing file at the default path means
    /// defaults, a missing file the user named is an error.
    pub fn load_or_default(path: &Path, named_by_user: bool) -> Result<Config, ConfigError> {
        if !named_by_user && !path.exists() {
            return Ok(Config::default());
        }
        Config::load(path)
    }

    /// Parses and checks `text`; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        config.check(text, path)?;
        notify_check::locate_env(&mut config.hub.notify, text);
        Ok(config)
    }

    /// Checks that span more than one value (duplicates and the like).
    fn check(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.hub.responders.iter().enumerate() {
            if let Some(c) = crate::sanitize::first_unsafe(&r.name) {
                // Names are shown bare everywhere; the hub refuses such
                // characters in every name it is sent, so none is configured.
                return Err(ConfigError::in_table(
                    path,
                    text,
                    ("[[hub.responders]]", i),
                    "name",
                    &format!("a responder's name holds {}", crate::sanitize::describe(c)),
                    "use letters, digits, dots or dashes, like name = \"alice\"",
                ));
            }
            if r.name
                .trim()
                .eq_ignore_ascii_case(crate::incident::HUB_ACTOR)
            {
                // What the hub does by itself is credited to this name.
                return Err(ConfigError::in_table(
                    path,
                    text,
                    ("[[hub.responders]]", i),
                    "name",
                    &format!(
                        "'{}' is the name the hub's own changes go by",
                        crate::incident::HUB_ACTOR
                    ),
                    "give the responder another name",
                ));
            }
            if r.name.trim().is_empty() {
                return Err(ConfigError::at_key(
                    path,
                    text,
                    "name",
                    "a responder in [[hub.responders]] has an empty name",
                    "give every responder a name, like name = \"alice\"",
                ));
            }
            if !seen.insert(r.name.as_str()) {
                return Err(ConfigError::at_value(
                    path,
                    text,
                    &r.name,
                    &format!(
                        "responder '{}' is listed twice in [[hub.responders]]",
                        r.name
                    ),
                    "keep one entry per responder; remove the other",
                ));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, f) in self.feeds.iter().enumerate() {
            f.check_urls(text, path, i)?;
            if !names.insert(f.name.as_str()) {
                return Err(ConfigError::at_value(
                    path,
                    text,
                    &f.name,
                    &format!("two feeds are named '{}'", f.name),
                    "give each [[feeds]] entry its own name",
                ));
            }
            f.check_kind(text, path)?;
        }
        rota_check::check(&self.hub, text, path)?;
        heartbeat::check(&self.hub.heartbeats, text, path)?;
        notify_check::check(&self.hub, text, path)
    }

    /// The responder's name: from the file, else the login name.
    pub fn responder_name(&self) -> String {
        self.responder
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "responder".to_string())
    }
}

/// A file holding token hashes must not be readable by other users: with a
/// hash, a weak token can be guessed offline. Refused, with the fix.
pub fn check_private(path: &Path) -> Result<(), ConfigError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| ConfigError::unreadable(path, &e))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConfigError {
                path: path.to_path_buf(),
                line: None,
                problem: format!("holds token hashes but other users can read it (mode {mode:o})"),
                fix: format!("chmod 600 {}", path.display()),
            });
        }
    }
    Ok(())
}

/// Where the config file is by default (`~/.config/oncall/config.toml` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "oncall").map(|d| d.config_dir().join("config.toml"))
}

/// Where logs, the cache and hand-off notes go (`~/.local/share/oncall`).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ONCALL_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "oncall")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("oncall"))
}

#[cfg(test)]
mod tests;

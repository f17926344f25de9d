//! How the hub itself is watched: `[hub] metrics` says who may read
//! `GET /metrics`, and `[hub.watchdog]` names an outside dead man's switch
//! (a Healthchecks check, say) the hub pings while its timers and deliveries
//! are healthy. A pager nobody watches fails silently; these two are how
//! someone notices.
use serde::Deserialize;

use super::HumanDuration;
use super::error::FIX_SEPARATOR;

/// Who may read `GET /metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Any token the hub knows (a person's, a lead's or an integration's,
    /// so Prometheus can scrape with a token of its own).
    #[default]
    Token,
    /// Anyone who reaches the hub: for a hub whose port only the
    /// monitoring network reaches.
    Public,
}

impl<'de> Deserialize<'de> for MetricsAccess {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        match raw.as_str() {
            "token" => Ok(MetricsAccess::Token),
            "public" => Ok(MetricsAccess::Public),
            other => Err(serde::de::Error::custom(format!(
                "metrics = \"{other}\" is not a way to serve /metrics{FIX_SEPARATOR}write metrics = \"token\" (the default: a bearer token of the hub's) or metrics = \"public\" (no token)"
            ))),
        }
    }
}

/// `[hub.watchdog]`: the outside check the hub pings while it is healthy.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WatchdogConfig {
    /// Where to ping, like `https://hc-ping.com/UUID`.
    pub url: PingUrl,
    /// How often; the check's period should be this, its grace a few times it.
    #[serde(default = "default_every")]
    pub every: HumanDuration,
    /// When unhealthy, also tell the check so at once, with a POST to
    /// `URL/fail` saying why (Healthchecks' convention); `false` only stops
    /// pinging, for a switch without that convention.
    #[serde(default = "yes")]
    pub fail: bool,
}

fn default_every() -> HumanDuration {
    HumanDuration::from_secs(60)
}

fn yes() -> bool {
    true
}

/// An http(s) URL, checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingUrl(pub reqwest::Url);

impl PingUrl {
    /// Where a failure is reported: the URL's path with `/fail` added, its
    /// query kept (a switch that reads its token from the query still gets it).
    pub fn fail(&self) -> reqwest::Url {
        let mut url = self.0.clone();
        let path = format!("{}/fail", url.path().trim_end_matches('/'));
        url.set_path(&path);
        url
    }

    /// The URL without its path and query, which may hold the check's
    /// secret: what the log says.
    pub fn shown(&self) -> String {
        format!(
            "{}://{}/...",
            self.0.scheme(),
            self.0.host_str().unwrap_or("?")
        )
    }
}

impl<'de> Deserialize<'de> for PingUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let hint = "write the check's ping URL, like url = \"https://hc-ping.com/your-check-uuid\"";
        let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
            serde::de::Error::custom(format!("'{raw}' is not a URL ({e}){FIX_SEPARATOR}{hint}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(serde::de::Error::custom(format!(
                "the watchdog URL '{raw}' must start with http:// or https:// and name a host{FIX_SEPARATOR}{hint}"
            )));
        }
        Ok(PingUrl(url))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    fn parse(text: &str) -> Result<Config, crate::config::ConfigError> {
        Config::parse(text, Path::new("hub.toml"))
    }

    #[test]
    fn metrics_need_a_token_unless_public() {
        assert_eq!(parse("").unwrap().hub.metrics, MetricsAccess::Token);
        let public = parse("[hub]\nmetrics = \"public\"\n").unwrap();
        assert_eq!(public.hub.metrics, MetricsAccess::Public);
        let token = parse("[hub]\nmetrics = \"token\"\n").unwrap();
        assert_eq!(token.hub.metrics, MetricsAccess::Token);
    }

    #[test]
    fn a_bad_metrics_value_names_its_line_and_the_fix() {
        let e = parse("[hub]\n\nmetrics = \"open\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.problem.contains("\"open\""), "{e}");
        assert!(e.fix.contains("metrics = \"public\""), "{e}");
        assert_eq!(e.path, Path::new("hub.toml"));
    }

    #[test]
    fn the_watchdog_reads_its_url_and_period() {
        let c =
            parse("[hub.watchdog]\nurl = \"https://hc-ping.com/abc\"\nevery = \"2s\"\n").unwrap();
        let w = c.hub.watchdog.unwrap();
        assert_eq!(w.url.0.as_str(), "https://hc-ping.com/abc");
        assert_eq!(w.every, HumanDuration::from_secs(2));
        assert!(w.fail);
        let c = parse("[hub.watchdog]\nurl = \"https://hc-ping.com/abc\"\nfail = false\n").unwrap();
        let w = c.hub.watchdog.unwrap();
        assert_eq!(w.every, HumanDuration::from_secs(60), "a minute by default");
        assert!(!w.fail);
        assert!(parse("").unwrap().hub.watchdog.is_none());
    }

    #[test]
    fn bad_watchdog_values_name_their_line_and_the_fix() {
        for (text, line, fix) in [
            (
                "[hub.watchdog]\nurl = \"hc-ping.com/abc\"\n",
                2,
                "hc-ping.com",
            ),
            ("[hub.watchdog]\nurl = \"ftp://x/abc\"\n", 2, "https://"),
            (
                "[hub.watchdog]\nurl = \"https://x/a\"\nevery = \"0s\"\n",
                3,
                "above zero",
            ),
            (
                "[hub.watchdog]\nurl = \"https://x/a\"\nevery = \"5\"\n",
                3,
                "\"5s\"",
            ),
            (
                "[hub.watchdog]\nurl = \"https://x/a\"\nperiod = \"5s\"\n",
                3,
                "",
            ),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.fix.contains(fix), "{text}: {e}");
        }
        let e = parse("[hub.watchdog]\nevery = \"1m\"\n").unwrap_err();
        assert!(e.problem.contains("url"), "{e}");
    }

    #[test]
    fn failures_go_to_the_url_with_fail_added_and_the_log_hides_the_check() {
        let url = |s: &str| PingUrl(reqwest::Url::parse(s).unwrap());
        assert_eq!(
            url("https://hc-ping.com/abc").fail().as_str(),
            "https://hc-ping.com/abc/fail"
        );
        assert_eq!(
            url("https://hc-ping.com/abc/").fail().as_str(),
            "https://hc-ping.com/abc/fail"
        );
        assert_eq!(
            url("https://kuma.example/api/push/t0k?status=up")
                .fail()
                .as_str(),
            "https://kuma.example/api/push/t0k/fail?status=up"
        );
        assert_eq!(
            url("https://hc-ping.com/abc").shown(),
            "https://hc-ping.com/..."
        );
    }
}

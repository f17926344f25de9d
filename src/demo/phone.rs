//! The demo responder's phone: a small HTTP receiver on 127.0.0.1 that takes
//! the hub's webhook pages, so the demo shows paging end to end with
//! nothing to set up. The demo hub pages "you" through a webhook contact
//! pointing here, signed with a secret made for the run; each page's
//! delivery shows on the incident's timeline ("paged alex by webhook:
//! delivered") and rings the console like a real page.
use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::routing::post;

use crate::config::{Contact, EnvName, HubConfig, NotifyConfig, NotifySettings, Via};

/// The secret's variable, named only inside the demo.
const SECRET_VAR: &str = "ONCALL_DEMO_NOTIFY_SECRET";

/// A receiver on 127.0.0.1 that answers every page as a phone would; it
/// stops with the demo's runtime.
pub async fn start() -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen for the demo phone's pages")?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/page", post(|| async { "shown on your demo phone" }));
    tokio::spawn(async move {
        // The demo ends with its runtime; nothing to do if serving fails.
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

/// `config` with `you` paged at once through the phone at `phone`, and the
/// paging settings that go with it (acknowledge links on the demo hub at
/// `hub_url`, a secret drawn for this run).
pub fn paging(
    mut config: HubConfig,
    you: &str,
    phone: SocketAddr,
    hub_url: &str,
) -> anyhow::Result<(HubConfig, NotifySettings)> {
    for responder in config.responders.iter_mut().filter(|r| r.name == you) {
        responder.contacts = vec![Contact {
            via: Via::Webhook,
            to: format!("http://{phone}/page"),
            after: std::time::Duration::ZERO,
        }];
    }
    config.notify = NotifyConfig {
        public_url: Some(hub_url.to_string()),
        secret_env: Some(EnvName(SECRET_VAR.to_string())),
        ..NotifyConfig::default()
    };
    let secret = crate::hub::token::new_token()
        .context("no random bytes from the operating system for the demo's secret")?;
    let settings = config
        .notify_settings(std::path::Path::new("demo"), |_| Some(secret.clone()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((config, settings))
}

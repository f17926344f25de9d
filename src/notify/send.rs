//! Sending a page through its contact: ntfy, a signed webhook, Slack or
//! email. One attempt per call, bounded by a timeout, so a slow or silent
//! contact costs one attempt's time and never holds up another page; what to
//! do after a failure (back off and retry, or give up) is the queue's.
use std::time::Duration;

use super::email::SmtpSender;
use super::outcome::{SendOutcome, http_answer, request_failure, retry_status, short_answer};
use super::page::Page;
use super::{ntfy, webhook};
use crate::config::{HumanDuration, NotifySettings, Secret, Via};

/// How long one attempt may take, connecting included.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a receiver's answer is read; the rest is not waited for.
const MAX_ANSWER_BYTES: usize = 1024;

/// Everything a page needs to leave: an HTTP client, the SMTP server, the
/// secret that signs webhook bodies. Made once when the hub starts; cheap to
/// share between tasks (`Arc` it).
pub struct Sender {
    http: reqwest::Client,
    smtp: Option<SmtpSender>,
    secret: Option<Secret>,
    timeout: Duration,
}

impl Sender {
    /// A sender for `settings`, each attempt bounded by `timeout`
    /// ([`ATTEMPT_TIMEOUT`] when serving).
    pub fn new(settings: &NotifySettings, timeout: Duration) -> Result<Sender, String> {
        let http = crate::feed::http::client_builder()
            .user_agent(concat!("oncall/", env!("CARGO_PKG_VERSION")))
            // A receiver that moved says so in a failure, rather than the
            // page and its signature following a redirect elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        let smtp = match &settings.smtp {
            Some(smtp) => Some(SmtpSender::new(smtp, timeout)?),
            None => None,
        };
        Ok(Sender {
            http,
            smtp,
            secret: settings.secret.clone(),
            timeout,
        })
    }

    /// One attempt to deliver `page` through its contact.
    pub async fn send(&self, page: &Page) -> SendOutcome {
        match tokio::time::timeout(self.timeout, self.attempt(page)).await {
            Ok(outcome) => outcome,
            Err(_) => SendOutcome::failed(
                format!("no answer within {}", HumanDuration(self.timeout)),
                true,
            ),
        }
    }

    async fn attempt(&self, page: &Page) -> SendOutcome {
        let to = page.contact.to.trim();
        match page.contact.via {
            Via::Ntfy => match ntfy::request(page, to) {
                Ok(r) => self.post(r.url, json_bytes(&r.body), &[]).await,
                // The reason would repeat the URL, and a topic URL is
                // all it takes to read the topic.
                Err(_) => SendOutcome::failed("`to` is not an ntfy topic URL", false),
            },
            Via::Webhook => {
                let Some(secret) = &self.secret else {
                    return SendOutcome::failed(
                        "no secret to sign the webhook with (secret_env)",
                        false,
                    );
                };
                let body = webhook::webhook_body(page);
                let headers = [
                    (webhook::DELIVERY_HEADER, page.delivery_id.clone()),
                    (webhook::SIGNATURE_HEADER, webhook::signature(secret, &body)),
                ];
                match reqwest::Url::parse(to) {
                    Ok(url) => self.post(url, body, &headers).await,
                    Err(e) => SendOutcome::failed(short_answer(&format!("bad URL: {e}")), false),
                }
            }
            Via::Slack => match reqwest::Url::parse(to) {
                Ok(url) => self.post(url, webhook::slack_body(page), &[]).await,
                Err(e) => SendOutcome::failed(short_answer(&format!("bad URL: {e}")), false),
            },
            Via::Email => match &self.smtp {
                Some(smtp) => smtp.send(page, to).await,
                None => SendOutcome::failed("no [hub.notify.smtp] to send email through", false),
            },
        }
    }

    /// POSTs `body` as JSON and judges the answer.
    async fn post(
        &self,
        url: reqwest::Url,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> SendOutcome {
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return request_failure(&e),
        };
        let status = response.status();
        let mut answer = Vec::new();
        while answer.len() < MAX_ANSWER_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => answer.extend_from_slice(&chunk),
                // The status is what counts; a body cut short is still an answer.
                Ok(None) | Err(_) => break,
            }
        }
        answer.truncate(MAX_ANSWER_BYTES);
        let said = http_answer(status, &answer);
        if status.is_success() {
            SendOutcome::accepted(said)
        } else if status.is_redirection() {
            SendOutcome::failed(
                format!("{said} (the receiver moved: point `to` at its new URL)"),
                false,
            )
        } else {
            SendOutcome::failed(said, retry_status(status.as_u16()))
        }
    }
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

//! The hub's deliveries sent for real: the queue's [`Delivery`] becomes the
//! page `notify` writes for its contact (ntfy, a signed webhook, Slack,
//! email), with the incident's best runbook named and, when it asks a
//! person to act, a signed acknowledge link that works once for an hour.
//! Everything here but
//! the send itself is a pure function of the delivery, so a page sent again
//! after a restart says what it said the first time (save its link, which is
//! signed anew and still names the same incident and person).
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::{Delivery, PageEvent, Recipient, SendOutcome, Sender};
use crate::config::NotifySettings;
use crate::hub::clock::Clock;
use crate::notify::{self, ack_token};
use crate::runbook::Library;
use crate::runbook::matcher::{Query, rank};

/// Sends through `notify`'s senders, signing acknowledge links with the
/// hub's secret.
pub struct NotifySender {
    sender: notify::Sender,
    settings: NotifySettings,
    library: Arc<Library>,
    clock: Arc<dyn Clock>,
}

impl NotifySender {
    /// The sender `oncall serve` pages through; each attempt bounded by
    /// [`notify::ATTEMPT_TIMEOUT`].
    pub fn new(
        settings: NotifySettings,
        library: Arc<Library>,
        clock: Arc<dyn Clock>,
    ) -> Result<NotifySender, String> {
        let sender = notify::Sender::new(&settings, notify::ATTEMPT_TIMEOUT)?;
        Ok(NotifySender {
            sender,
            settings,
            library,
            clock,
        })
    }
}

impl Sender for NotifySender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, SendOutcome> {
        Box::pin(async move {
            let nonce = ack_token::new_nonce().unwrap_or_default();
            let page = page_of(
                delivery,
                &self.settings,
                &self.library,
                self.clock.now(),
                nonce,
            );
            self.sender.send(&page).await
        })
    }
}

/// The page for `delivery` at `now`. An acknowledge link goes on pages that
/// ask a person to act on an open incident, when the hub has a public URL
/// and a secret and a nonce could be drawn.
pub fn page_of(
    delivery: &Delivery,
    settings: &NotifySettings,
    library: &Library,
    now: DateTime<Utc>,
    nonce: String,
) -> notify::Page {
    let incident = delivery.incident.as_ref().map(|i| notify::PagedIncident {
        runbook: best_runbook(library, &i.title, &i.service),
        ..i.clone()
    });
    let asks_to_act = matches!(
        delivery.event,
        PageEvent::Opened
            | PageEvent::Escalated
            | PageEvent::Repeat
            | PageEvent::AckTimeout
            | PageEvent::Assigned
            | PageEvent::Unacknowledged
            | PageEvent::SnoozeOver
    );
    let ack_url = match (&delivery.recipient, &delivery.incident, &settings.secret) {
        (Recipient::Person(person), Some(i), Some(secret)) if asks_to_act && !nonce.is_empty() => {
            let claims = ack_token::AckClaims::new(i.id, person, now, nonce);
            settings.ack_url(&ack_token::sign(secret, &claims))
        }
        _ => None,
    };
    notify::Page {
        event: delivery.event,
        delivery_id: delivery.id.clone(),
        incident,
        recipient: delivery.recipient.clone(),
        contact: delivery.contact.clone(),
        ack_url,
        detail: delivery.detail.clone(),
    }
}

/// The title of the runbook the console would show first for an incident
/// with this title and service.
fn best_runbook(library: &Library, title: &str, service: &str) -> Option<String> {
    let query = Query {
        title,
        description: "",
        service,
        labels: None,
        runbook: None,
        runbook_url: None,
    };
    let best = rank(library, &query).into_iter().next()?;
    library.get(&best.id).map(|r| r.title.clone())
}

#[cfg(test)]
mod tests;

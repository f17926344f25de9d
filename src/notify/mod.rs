//! Pages that reach a person outside the terminal: what a page is, how it
//! is written for each kind of contact (ntfy, a signed webhook, Slack, email),
//! how it is sent and how a failure is judged, when a failed page is tried
//! again, and the signed acknowledge links with their pages. Everything here
//! is free of the hub's store: the queue and the routes that use it call in.
//!
//! - `page`: the [`Page`] value the delivery queue stores.
//! - `text`: the words every format shares, cleaned once.
//! - `ntfy`, `webhook` (webhook and Slack), `email`: the formats, pure.
//! - `send`: one attempt through a contact, bounded in time ([`Sender`]).
//! - `outcome`: accepted or failed, and whether to retry ([`SendOutcome`]).
//! - `ack_token`, `ack_page`: acknowledge links and the HTML behind them.
pub mod ack_page;
pub mod ack_token;
pub mod email;
pub mod ntfy;
pub mod outcome;
pub mod page;
pub mod send;
pub mod text;
pub mod webhook;

pub use ack_token::{ACK_LINK_LIFETIME, AckClaims, Refusal};
pub use outcome::SendOutcome;
pub use page::{Page, PageEvent, PagedIncident, Recipient};
pub use send::{ATTEMPT_TIMEOUT, Sender};

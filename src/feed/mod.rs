//! The console's side of the wire: a client for the hub's API, the task that
//! polls it, and the task that sends actions.
pub mod client;
pub mod poller;
pub mod worker;

pub use client::{Action, FeedError, HubClient, ListOutcome};
pub use poller::FeedEvent;
pub use worker::{Request, WorkerEvent};

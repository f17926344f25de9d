//! oncall: a terminal console for on-call responders, and the hub that is the
//! team's shared incident feed.
//!
//! - `alertmanager`: what a Prometheus Alertmanager alert means as an incident.
//! - `hub`: the HTTP server and its SQLite store (`oncall serve`).
//! - `feed`: the console's side of the wire: polling feeds, sending actions.
//! - `console`: the full-screen TUI, model / update / view.
//! - `notify`: pages through ntfy, email, webhooks and Slack; acknowledge links.
//! - `runbook`: the runbook library, matcher and markdown reader.
//! - `report`: the noise report, as the hub serves it and the CLI and console show it.
//! - `files`: the files and directories it writes, owner-only and replaced whole.
//! - `weblink`: links from outside, cleaned before they are opened or shown.
//! - `demo`: a hub in-process with incidents that keep arriving (`oncall --demo`).
pub mod alertmanager;
pub mod cli;
pub mod config;
pub mod console;
pub mod demo;
pub mod feed;
pub mod files;
pub mod handoff;
pub mod hub;
pub mod incident;
pub mod logging;
pub mod notify;
pub mod report;
pub mod runbook;
pub mod sanitize;
pub mod weblink;

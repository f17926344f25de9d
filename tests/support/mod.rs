//! What the integration tests share, in one folder: each test file says `mod
//! support;` and takes what it needs. `hub` starts a real hub on 127.0.0.1
//! with a SQLite file and talks to it (its items are re-exported here, as
//! most tests want them); `cli` and `pty` run the real binary, from a shell
//! or in a pseudo-terminal; `alertmanager` runs a real Alertmanager;
//! `hostile` holds the text a terminal must never obey; `receiver` records
//! what the hub sends to webhooks, `proxy` loses a hub's first answer,
//! `failover` polls several hubs as a console's feed does, `pages` receives
//! pages over real sockets and sends them, and `smtp` runs a real SMTP
//! server (aiosmtpd) for email pages; `team` writes a team's hub config
//! (people, contacts, policies); `postgres` runs a real PostgreSQL
//! cluster, a database per test, for hubs on that store
//! (`TestHub::start_on`), and `backends` runs one test on both stores
//! (`both_backends!`); `timeline` sends a change under an Idempotency-Key
//! and reads what the timeline says of it. The incident itself is written with
//! `oncall::incident::Incident::builder`.
// Each test binary uses its own part of this.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod alertmanager;
pub mod backends;
pub mod cli;
pub mod failover;
pub mod hostile;
pub mod hub;
pub mod pages;
pub mod postgres;
pub mod prometheus;
pub mod proxy;
pub mod pty;
pub mod receiver;
pub mod serve;
pub mod smtp;
pub mod team;
pub mod timeline;

pub(crate) use backends::both_backends;
pub use hub::*;

//! The hub: the team's shared incident feed (`oncall serve`). An HTTP server
//! over a store (an embedded SQLite file, or PostgreSQL shared by several
//! hubs); see docs/api.md.
//!
//! - `routes`, `oncall_routes`, `ownership_routes`, `alertmanager`: the
//!   handlers; each checks its request and builds a `change::Change`, which
//!   `HubState::apply` makes.
//! - `apply`: how any change is made in one store transaction: read, ask the
//!   rule, write, remember the answer under its Idempotency-Key.
//! - `rules`: what each change does or why it may not (pure); beside them
//!   `rota` and `policy`: who is on call when, and whom each escalation level
//!   reaches (pure too).
//! - `store`: the store's traits, `store/sqlite` and `store/postgres`.
//! - `list`, `list_body`, `list_cache`: the polled list, built once per
//!   change and answered `304` while nothing changed.
//! - `deliveries`: pages on their way to people, and the worker that sends
//!   them; what pages whom is a rule (`rules::pages`).
//! - `migrate`: `oncall migrate`, a SQLite hub copied to PostgreSQL and
//!   compared.
//! - `auth`, `extract`, `validate`, `idempotency`, `taken_at`, `error`: what
//!   a request must be, and the JSON errors when it is not.
//! - `heartbeat`: jobs that ping the hub, and the incidents they open when
//!   they stop.
//! - `metrics`, `watchdog`: how the hub itself is watched (`GET /metrics`,
//!   and pings to an outside dead man's switch while it is healthy).
mod ack_routes;
mod alertmanager;
mod apply;
mod auth;
mod change;
mod clock;
pub mod deliveries;
mod error;
mod extract;
mod followup_routes;
mod heartbeat;
mod idempotency;
mod list;
mod list_body;
mod list_cache;
mod metrics;
pub mod migrate;
mod oncall_routes;
mod override_routes;
mod ownership_routes;
mod policy;
mod report_route;
mod rota;
mod routes;
mod rules;
mod squash_routes;
mod state;
mod store;
mod taken_at;
#[cfg(test)]
mod test_store;
pub mod token;
mod validate;
pub mod watchdog;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use auth::Responder;
pub use change::TimersDone;
pub use clock::{Clock, ManualClock, SystemClock};
pub use deliveries::Pages;
pub use error::ApiError;
pub use rules::Attempted;
pub use state::HubState;
pub use store::{DbTarget, PgTarget};
// The wire types and limits live with the incident; named here too, for
// the callers that know them as the hub's.
pub use crate::incident::limits::{MAX_BODY, MAX_DESCRIPTION_BYTES, MAX_TITLE_CHARS};
pub use crate::incident::{
    HUB_ACTOR, HUB_ID_HEADER, RESOLVED_TEXT, WebhookAlert, WebhookAnswer, WebhookPayload,
};

/// What a hub needs to run.
pub struct HubSettings {
    /// The SQLite file (created on first use), or the PostgreSQL database.
    pub db: DbTarget,
    pub config: crate::config::HubConfig,
    pub clock: Arc<dyn Clock>,
    /// How often the hub looks for incidents to escalate by itself; `None`
    /// leaves it to whoever calls [`HubState::escalate_overdue`] (tests that
    /// move a `ManualClock`). Repeats and ack timeouts run in the same pass.
    pub escalation_tick: Option<Duration>,
    /// Paging people outside the console: whom, when, and through what.
    pub pages: Pages,
}

/// How often a running hub checks the escalation timers. Levels wait
/// minutes, so a few seconds late is on time.
pub const ESCALATION_TICK: Duration = Duration::from_secs(5);

impl HubSettings {
    /// Settings with the wall clock.
    pub fn new(db: impl Into<DbTarget>, config: crate::config::HubConfig) -> Self {
        HubSettings {
            db: db.into(),
            config,
            clock: Arc::new(SystemClock),
            escalation_tick: Some(ESCALATION_TICK),
            pages: Pages::off(),
        }
    }
}

/// A hub serving in the background. Dropping it stops the server without
/// waiting; [`RunningHub::shutdown`] stops it and waits.
#[must_use = "dropping a RunningHub stops the hub"]
pub struct RunningHub {
    pub addr: SocketAddr,
    state: HubState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    timers: Option<JoinHandle<()>>,
    /// The delivery worker, when the hub has a sender.
    deliveries: Option<JoinHandle<()>>,
    /// The pings to `[hub.watchdog]`, when configured.
    watchdog: Option<JoinHandle<()>>,
}

impl RunningHub {
    /// The hub's state, for work beside the HTTP API (tests run the
    /// escalation pass through it).
    pub fn state(&self) -> &HubState {
        &self.state
    }

    /// The hub's own tasks (timers, deliveries, watchdog), taken to be stopped.
    fn take_tasks(&mut self) -> impl Iterator<Item = JoinHandle<()>> + use<> {
        [
            self.timers.take(),
            self.deliveries.take(),
            self.watchdog.take(),
        ]
        .into_iter()
        .flatten()
    }

    /// Stops taking connections, lets requests in flight finish, and returns
    /// once the server task has ended (and with it the database connections).
    pub async fn shutdown(mut self) {
        for task in self.take_tasks() {
            task.abort();
            // Cancelled, it ends at its next await; wait for that, so its
            // share of the state is gone when this returns. A delivery in
            // flight stays leased and goes again after the lease.
            let _ = task.await;
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(Ok(())) => tracing::info!(addr = %self.addr, "hub stopped"),
            Ok(Err(e)) => tracing::error!(error = %e, "hub server failed"),
            Err(e) => tracing::error!(error = %e, "hub server task failed"),
        }
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        for task in self.take_tasks() {
            task.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A listening socket that can take the address back at once after a
/// restart (SO_REUSEADDR), while connections of the last run linger.
fn bind(listen: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if listen.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(listen)?;
    socket.listen(1024)
}

/// Opens the database and starts serving on `listen` (port 0 picks a free
/// port; see [`RunningHub::addr`]). Returns once the socket is listening.
pub async fn start(listen: SocketAddr, settings: HubSettings) -> anyhow::Result<RunningHub> {
    let db = settings.db.clone();
    let tick = settings.escalation_tick;
    let sender = settings.pages.sender.clone();
    let delivery = settings.pages.delivery;
    let watchdog = settings.config.watchdog.clone();
    // The socket first: a hub that cannot listen (the port is taken) must
    // not create, migrate or lock a database it will never serve.
    let listener = bind(listen).with_context(|| {
        format!("cannot listen on {listen}: is another hub (or program) using that port?")
    })?;
    let state = HubState::connect(settings).await?;
    let addr = listener
        .local_addr()
        .context("the listening socket has no address")?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(state.clone());
    let timers = tick.map(|every| tokio::spawn(escalation_timers(state.clone(), every)));
    let watched = watchdog::Watched {
        state: state.clone(),
        timers_every: tick,
        sends: sender.is_some(),
    };
    let watchdog = watchdog.map(|config| tokio::spawn(watchdog::run(watched, config)));
    let deliveries =
        sender.map(|sender| tokio::spawn(deliveries::worker::run(state.clone(), sender, delivery)));
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // A dropped sender means the RunningHub is gone: stop too.
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, %db, "hub listening");
    Ok(RunningHub {
        addr,
        state,
        stop: Some(stop),
        task,
        timers,
        deliveries,
        watchdog,
    })
}

/// Runs the timers' pass every `every` until the hub stops (the task is
/// aborted then). A failed pass is logged and tried again next time.
async fn escalation_timers(state: HubState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match state.timers().await {
            Ok(done) => {
                if !done.escalated.is_empty() {
                    tracing::info!(ids = ?done.escalated, "escalated unacknowledged incidents");
                }
                if !done.repeated.is_empty() {
                    tracing::info!(ids = ?done.repeated, "paged again: still unacknowledged");
                }
                if !done.retriggered.is_empty() {
                    tracing::info!(ids = ?done.retriggered, "triggered again: acknowledged too long");
                }
                if !done.unsnoozed.is_empty() {
                    tracing::info!(ids = ?done.unsnoozed, "triggered again: snooze over");
                }
                if !done.heartbeats_down.is_empty() {
                    tracing::info!(names = ?done.heartbeats_down, "heartbeats down");
                }
            }
            Err(e) => tracing::warn!(error = %e, "the timers' pass failed"),
        }
    }
}

/// Reads the hub's config file again, checked as at start: the hub's part
/// and its contacts and channels, or what is wrong (file, line and fix).
pub type Reload = Box<
    dyn Fn() -> anyhow::Result<(crate::config::HubConfig, crate::config::NotifySettings)>
        + Send
        + Sync,
>;

/// `oncall serve`: runs the hub until Ctrl-C or SIGTERM, then stops it
/// gracefully. On SIGHUP it reads its config again with `reload`: a good
/// config is taken at once, a bad one is refused (logged, with what is
/// wrong) and the running one kept.
pub async fn serve(
    listen: SocketAddr,
    settings: HubSettings,
    reload: Reload,
) -> anyhow::Result<()> {
    let mut hub = start(listen, settings).await?;
    let mut hangups = hangups()?;
    loop {
        tokio::select! {
            signal = shutdown_signal() => {
                signal?;
                tracing::info!("stopping the hub");
                hub.shutdown().await;
                return Ok(());
            }
            Some(()) = hangups.recv() => reconfigure(&hub.state, &reload),
            ended = &mut hub.task => {
                hub.stop = None;
                return match ended {
                    Ok(Ok(())) => anyhow::bail!("the hub server stopped by itself"),
                    Ok(Err(e)) => Err(anyhow::Error::new(e).context("the hub server failed")),
                    Err(e) => Err(anyhow::Error::new(e).context("the hub server task failed")),
                };
            }
        }
    }
}

/// Takes the config `reload` reads, or keeps the running one and says why.
fn reconfigure(state: &HubState, reload: &Reload) {
    match reload() {
        Ok((config, notify)) => {
            let responders = config.responders.len();
            state.reconfigure(config, notify);
            tracing::info!(responders, "config reloaded");
        }
        Err(e) => {
            // One line in the log: the file, the line, the problem and the fix.
            let why = format!("{e:#}").replace("\n  ", "; ");
            tracing::error!("config not reloaded, the running one is kept: {why}");
        }
    }
}

/// Each SIGHUP, as one message (none where there are no such signals).
fn hangups() -> anyhow::Result<mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                if tx.send(()).is_err() {
                    return;
                }
            }
        });
    }
    #[cfg(not(unix))]
    drop(tx);
    Ok(rx)
}

async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("cannot watch for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot watch for Ctrl-C")?;
    Ok(())
}

/// The hub's HTTP API over `state`.
pub fn router(state: HubState) -> Router {
    let api = Router::new()
        .route(
            "/incidents",
            get(list::list_incidents).post(routes::open_incident),
        )
        .route("/incidents/{id}", get(routes::get_incident))
        .route("/incidents/{id}/acknowledge", post(routes::acknowledge))
        .route("/incidents/{id}/escalate", post(routes::escalate))
        .route("/incidents/{id}/resolve", post(routes::resolve))
        .route("/incidents/{id}/notes", post(routes::add_note))
        .route("/incidents/{id}/steps", post(routes::set_step))
        .route("/incidents/{id}/assign", post(ownership_routes::assign))
        .route(
            "/incidents/{id}/unacknowledge",
            post(ownership_routes::unacknowledge),
        )
        .route("/incidents/{id}/snooze", post(ownership_routes::snooze))
        .route("/incidents/{id}/helpers", post(ownership_routes::ask_help))
        .route("/incidents/{id}/roles", post(ownership_routes::set_role))
        .route(
            "/incidents/{id}/updates",
            post(ownership_routes::status_update),
        )
        .route("/oncall", get(oncall_routes::oncall))
        .route("/handoff", post(oncall_routes::hand_off))
        .route("/handoffs/latest", get(oncall_routes::latest_handoff))
        .route("/alertmanager", post(alertmanager::webhook))
        .route("/heartbeats", get(heartbeat::routes::list))
        .route("/heartbeats/{name}", post(heartbeat::routes::ping))
        .route("/report", get(report_route::report))
        .route(
            "/squashes",
            get(squash_routes::list).post(squash_routes::make),
        )
        .route("/squashes/{id}", delete(squash_routes::remove))
        .route(
            "/overrides",
            get(override_routes::list).post(override_routes::make),
        )
        .route("/overrides/{id}", delete(override_routes::remove))
        .route("/incidents/{id}/followups", post(followup_routes::add))
        .route("/followups", get(followup_routes::list))
        .route("/followups/{id}", post(followup_routes::close))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_responder,
        ));
    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/metrics", get(metrics::scrape))
        .route(
            "/ack/{token}",
            get(ack_routes::confirm).post(ack_routes::acknowledge),
        )
        .nest("/api/v1", api)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track_request,
        ))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One debug line per request. Only method, path and outcome: headers (and
/// so tokens) never reach the log.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    let micros = started.elapsed().as_micros();
    if status.is_server_error() {
        tracing::warn!(%method, %path, status = status.as_u16(), micros, "request failed");
    } else {
        tracing::debug!(%method, %path, status = status.as_u16(), micros, "request");
    }
    response
}

//! `GET /metrics`: the hub as Prometheus sees it, in the text exposition
//! format (0.0.4), written by `prometheus-client`. The pager must be watched
//! like anything else: how many incidents are open, whether pages go out and
//! how late, how often incidents escalate, how fast the API answers.
//!
//! What comes from the store (open incidents, the change sequence) is read
//! when scraped, so every hub sharing a store says the same; the open counts
//! come with the full open list the polls already keep (`list_body`), which
//! costs nothing while nothing changed. Counters and histograms count what
//! this hub did since it started, as Prometheus expects of each instance.
//!
//! The request histogram is fed on every request, the 304 poll included, so
//! it costs a label lookup and a histogram's lock, held for an add: no
//! allocation, nothing held across an await.
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::{CONTENT_TYPE, encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::config::{MetricsAccess, Via};
use crate::incident::{Severity, Status};

use super::HubState;
use super::deliveries::DeliveryState;
use super::error::ApiError;
use super::list::Filter;
use super::list_body::Tally;
use super::list_cache::full_list;
use super::store::Store;

/// Every contact kind, so each counter shows from the start, at zero.
const VIAS: [Via; 4] = [Via::Ntfy, Via::Email, Via::Webhook, Via::Slack];

/// The open statuses, each shown even when no incident is in it.
const OPEN: [Status; 2] = [Status::Triggered, Status::Acknowledged];

/// The routes as routed (`router`), to label requests by template without
/// allocating: a route missing here is labelled `other`.
const ROUTES: &[&str] = &[
    "/healthz",
    "/metrics",
    "/ack/{token}",
    "/api/v1/incidents",
    "/api/v1/incidents/{id}",
    "/api/v1/incidents/{id}/acknowledge",
    "/api/v1/incidents/{id}/escalate",
    "/api/v1/incidents/{id}/resolve",
    "/api/v1/incidents/{id}/notes",
    "/api/v1/incidents/{id}/steps",
    "/api/v1/oncall",
    "/api/v1/handoff",
    "/api/v1/handoffs/latest",
    "/api/v1/alertmanager",
];

/// Seconds an answer takes: 0.25 ms (a 304 from memory) to 8 s.
const REQUEST_BUCKETS: [f64; 16] = [
    0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0,
    16.0,
];

/// Seconds a page waits from due to accepted: at once, to after retries.
const DELIVERY_BUCKETS: [f64; 14] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 3600.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ByVia {
    via: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ByKind {
    severity: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ByHow {
    how: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ByRequest {
    route: &'static str,
    method: &'static str,
    status: &'static str,
}

/// How an incident went up a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalated {
    /// The timers: unacknowledged for its level's `after`.
    Automatic,
    /// Someone asked (`POST .../escalate`).
    Manual,
}

/// The hub's metrics, registered once; cheap to update from any task.
pub struct Metrics {
    registry: Registry,
    open: Family<ByKind, Gauge>,
    sequence: Gauge,
    sent: Family<ByVia, Counter>,
    failed: Family<ByVia, Counter>,
    retried: Family<ByVia, Counter>,
    delivery_seconds: Family<ByVia, Histogram>,
    escalations: Family<ByHow, Counter>,
    requests: Family<ByRequest, Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let delivery: fn() -> Histogram = || Histogram::new(DELIVERY_BUCKETS);
        let request: fn() -> Histogram = || Histogram::new(REQUEST_BUCKETS);
        let m = Metrics {
            registry: Registry::default(),
            open: Family::default(),
            sequence: Gauge::default(),
            sent: Family::default(),
            failed: Family::default(),
            retried: Family::default(),
            delivery_seconds: Family::new_with_constructor(delivery),
            escalations: Family::default(),
            requests: Family::new_with_constructor(request),
        };
        for via in VIAS {
            let label = ByVia { via: via.as_str() };
            m.sent.get_or_create_owned(&label);
            m.failed.get_or_create_owned(&label);
            m.retried.get_or_create_owned(&label);
            m.delivery_seconds.get_or_create_owned(&label);
        }
        for how in [Escalated::Automatic, Escalated::Manual] {
            m.escalations
                .get_or_create_owned(&ByHow { how: how.as_str() });
        }
        m.registered()
    }

    fn registered(mut self) -> Metrics {
        let r = &mut self.registry;
        r.register(
            "oncall_open_incidents",
            "Incidents open (triggered or acknowledged) in the hub's store when scraped, by severity and status",
            self.open.clone(),
        );
        r.register(
            "oncall_change_sequence",
            "The number of the store's last change (the list's cursor); it goes up by one per change, whichever hub made it",
            self.sequence.clone(),
        );
        r.register(
            "oncall_pages_sent",
            "Pages a receiver accepted, sent by this hub, by contact kind",
            self.sent.clone(),
        );
        r.register(
            "oncall_pages_failed",
            "Pages this hub gave up on (refused for good, too many attempts, too late), by contact kind",
            self.failed.clone(),
        );
        r.register(
            "oncall_page_attempts_retried",
            "Attempts at a page that failed and are tried again after a wait, by contact kind",
            self.retried.clone(),
        );
        r.register(
            "oncall_page_delivery_seconds",
            "Seconds from when a page was due to when its receiver accepted it, retries included, by contact kind",
            self.delivery_seconds.clone(),
        );
        r.register(
            "oncall_escalations",
            "Incidents this hub moved up an escalation level: automatic (unacknowledged too long) or manual (someone asked)",
            self.escalations.clone(),
        );
        r.register(
            "oncall_http_request_duration_seconds",
            "Seconds this hub took to answer a request, by route template, method and status class",
            self.requests.clone(),
        );
        self
    }

    /// What an attempt through `via` left a delivery as, `waited` after
    /// it was due.
    pub fn delivery(&self, via: Via, state: DeliveryState, waited: Duration) {
        match state {
            DeliveryState::Delivered => self.page_sent(via, waited),
            DeliveryState::Failed => self.page_failed(via),
            DeliveryState::Queued => self.page_retried(via),
            // Its page ended on the way: nobody needs it now.
            DeliveryState::Sending | DeliveryState::Cancelled => {}
        }
    }

    /// A page accepted by its receiver `waited` after it was due.
    pub fn page_sent(&self, via: Via, waited: Duration) {
        let label = ByVia { via: via.as_str() };
        self.sent.get_or_create(&label).inc();
        self.delivery_seconds
            .get_or_create(&label)
            .observe(waited.as_secs_f64());
    }

    /// A page given up for good.
    pub fn page_failed(&self, via: Via) {
        self.failed
            .get_or_create(&ByVia { via: via.as_str() })
            .inc();
    }

    /// An attempt that failed and goes again.
    pub fn page_retried(&self, via: Via) {
        self.retried
            .get_or_create(&ByVia { via: via.as_str() })
            .inc();
    }

    pub fn escalated(&self, how: Escalated, count: usize) {
        let by = u64::try_from(count).unwrap_or(u64::MAX);
        self.escalations
            .get_or_create(&ByHow { how: how.as_str() })
            .inc_by(by);
    }

    fn request(&self, route: &'static str, method: &Method, status: StatusCode, took: Duration) {
        let label = ByRequest {
            route,
            method: method_label(method),
            status: status_class(status),
        };
        self.requests
            .get_or_create(&label)
            .observe(took.as_secs_f64());
    }

    /// The text Prometheus reads, with the store's part as of now.
    fn render(&self, open: &Tally, seq: u64) -> Result<String, std::fmt::Error> {
        for severity in Severity::ALL {
            for status in OPEN {
                let label = ByKind {
                    severity: severity.as_str(),
                    status: status.as_str(),
                };
                let count = i64::try_from(open.count(severity, status)).unwrap_or(i64::MAX);
                self.open.get_or_create(&label).set(count);
            }
        }
        self.sequence.set(i64::try_from(seq).unwrap_or(i64::MAX));
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

impl Escalated {
    fn as_str(self) -> &'static str {
        match self {
            Escalated::Automatic => "automatic",
            Escalated::Manual => "manual",
        }
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The template a request was routed by, as a label.
fn route_label(matched: Option<&MatchedPath>) -> &'static str {
    let Some(matched) = matched else {
        return "other";
    };
    ROUTES
        .iter()
        .find(|r| **r == matched.as_str())
        .copied()
        .unwrap_or("other")
}

/// Times every routed request (a route layer: matched paths only, never the
/// raw path with its ids).
pub async fn track_request(
    State(state): State<HubState>,
    request: Request,
    next: Next,
) -> Response {
    let route = route_label(request.extensions().get::<MatchedPath>());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics()
        .request(route, &method, response.status(), started.elapsed());
    response
}

/// `GET /metrics`.
pub async fn scrape(
    State(state): State<HubState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if state.metrics_access() == MetricsAccess::Token {
        // Any role: an integration token is what a scraper is given.
        state.responders().authenticate(&headers)?;
    }
    let open = full_list(&state, Filter::Open).await?;
    let seq = state.store().current_seq().await?;
    let text = state
        .metrics()
        .render(&open.tally, seq.max(open.seq))
        .map_err(|e| ApiError::Internal(format!("the metrics could not be written: {e}")))?;
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_label_is_distinct_and_unknown_ones_are_other() {
        let mut seen = std::collections::BTreeSet::new();
        for r in ROUTES {
            assert!(seen.insert(r), "{r} twice");
        }
        assert_eq!(route_label(None), "other");
    }

    #[test]
    fn statuses_go_by_class() {
        assert_eq!(status_class(StatusCode::OK), "2xx");
        assert_eq!(status_class(StatusCode::NOT_MODIFIED), "3xx");
        assert_eq!(status_class(StatusCode::UNAUTHORIZED), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }

    #[test]
    fn the_text_names_every_kind_at_zero_from_the_start() {
        let m = Metrics::new();
        m.page_sent(Via::Ntfy, Duration::from_millis(300));
        m.escalated(Escalated::Automatic, 2);
        let text = m.render(&Tally::default(), 7).unwrap();
        for line in [
            "# TYPE oncall_pages_sent_total counter",
            "oncall_pages_sent_total{via=\"ntfy\"} 1",
            "oncall_pages_sent_total{via=\"slack\"} 0",
            "oncall_pages_failed_total{via=\"email\"} 0",
            "oncall_escalations_total{how=\"automatic\"} 2",
            "oncall_escalations_total{how=\"manual\"} 0",
            "oncall_page_delivery_seconds_bucket{via=\"ntfy\",le=\"0.5\"} 1",
            "oncall_open_incidents{severity=\"critical\",status=\"triggered\"} 0",
            "oncall_change_sequence 7",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "no line {line:?} in\n{text}"
            );
        }
    }
}

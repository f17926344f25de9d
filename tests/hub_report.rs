//! The noise report over a real hub: a scripted week of alerts, opened,
//! folded, squashed, acknowledged, escalated and resolved at set times of
//! the hub's injected clock (in Europe/Berlin, so "night" is read in the
//! hub's time zone, not UTC), pages delivered to a real receiver on
//! 127.0.0.1, then `GET /api/v1/report?since=7d` checked figure by figure,
//! on SQLite and (with `--features postgres`) PostgreSQL. Also: a hub where
//! nobody has contacts counts what its timelines record, `since` is
//! checked, and an integration token may not read the report.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use oncall::hub::deliveries::DeliveryState;
use oncall::incident::{Incident, NewIncident, Severity, Squash};
use oncall::report::{AlertFigures, Figures, NoiseReport, ResponderFigures};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::pages::{Receiver, notify_table, paging};
use support::team::{alice_then_bob, policy};
use support::{
    ALERTMANAGER, ALICE, BOB, Backend, TestHub, both_backends, expect, expect_error, incident,
};

/// alice and bob paged at once through the receiver; db goes to alice,
/// then bob after 15 minutes; everything else to bob; high and above page.
fn week_config(rx: &Receiver) -> String {
    "[hub]\ntimezone = \"Europe/Berlin\"\n".to_string()
        + &alice_then_bob(rx)
        + &policy(&["*"], &[("bob", None)])
        + &notify_table("")
}

/// One alert of Alertmanager's, by its fingerprint.
#[derive(Clone, Copy)]
struct Alert {
    fingerprint: &'static str,
    name: &'static str,
    service: &'static str,
    severity: &'static str,
}

const DISK: Alert = Alert {
    fingerprint: "fp-disk",
    name: "DiskFull",
    service: "db",
    severity: "critical",
};
const CPU: Alert = Alert {
    fingerprint: "fp-cpu",
    name: "CpuBlip",
    service: "web",
    severity: "critical",
};
const PING: Alert = Alert {
    fingerprint: "fp-ping",
    name: "Ping",
    service: "web",
    severity: "warning",
};
const QUEUE: Alert = Alert {
    fingerprint: "fp-queue",
    name: "QueueDeep",
    service: "batch",
    severity: "critical",
};

impl Alert {
    /// The alert as Alertmanager's webhook sends it, firing or resolved.
    fn webhook(&self, firing: bool) -> serde_json::Value {
        let status = if firing { "firing" } else { "resolved" };
        let (name, service) = (self.name, self.service);
        json!({
            "receiver": "oncall",
            "status": status,
            "alerts": [{
                "status": status,
                "labels": {"alertname": name, "service": service, "severity": self.severity},
                "annotations": {"summary": format!("{name} on {service}")},
                "startsAt": "2026-11-20T00:00:00Z",
                "endsAt": if firing { "0001-01-01T00:00:00Z" } else { "2026-11-30T00:00:00Z" },
                "generatorURL": "http://prometheus.local/graph",
                "fingerprint": self.fingerprint
            }],
            "groupLabels": {},
            "commonLabels": {},
            "commonAnnotations": {},
            "externalURL": "http://alertmanager.local",
            "version": "4",
            "groupKey": "{}",
            "truncatedAlerts": 0
        })
    }
}

struct Week {
    hub: TestHub,
    rx: Receiver,
}

impl Week {
    /// At `time`, Alertmanager says `alert` fires (or resolved).
    async fn alertmanager(&self, time: &str, alert: Alert, firing: bool) {
        self.hub.set_time(time);
        let resp = self
            .hub
            .post(ALERTMANAGER, "/api/v1/alertmanager", &alert.webhook(firing))
            .await;
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "{}",
            resp.text().await.unwrap()
        );
    }

    async fn fires(&self, time: &str, alert: Alert) {
        self.alertmanager(time, alert, true).await;
    }

    async fn clears(&self, time: &str, alert: Alert) {
        self.alertmanager(time, alert, false).await;
    }

    /// The open incident of `alert`.
    async fn open_of(&self, alert: Alert) -> Incident {
        let list: oncall::incident::IncidentList = expect(
            self.hub.get(ALICE, "/api/v1/incidents").await,
            StatusCode::OK,
        )
        .await;
        list.incidents
            .into_iter()
            .find(|i| i.dedup_key == format!("am:{}", alert.fingerprint))
            .unwrap()
    }

    /// Waits until every page of incident `id` so far was delivered, and
    /// `who` has received `total` pages in all.
    async fn delivered(&self, id: u64, who: &str, total: usize) {
        self.rx.until_got(who, total).await;
        self.hub
            .until_deliveries(Some(id), "its pages delivered", |d| {
                !d.is_empty() && d.iter().all(|r| r.state == DeliveryState::Delivered)
            })
            .await;
    }

    async fn act(&self, time: &str, token: &str, id: u64, verb: &str) {
        self.hub.set_time(time);
        self.hub.acted(token, id, verb, &json!({})).await;
    }

    /// At `time`, `token` squashes `alert` until `until`; the squash.
    async fn squash(&self, time: &str, token: &str, alert: Alert, until: &str) -> Squash {
        self.hub.set_time(time);
        let body = json!({
            "matchers": {"alertname": alert.name, "service": alert.service},
            "until": until,
            "reason": "reindexing the queue",
        });
        let resp = self.hub.post(token, "/api/v1/squashes", &body).await;
        expect(resp, StatusCode::CREATED).await
    }
}

/// The counts (incidents, occurrences, pages, night pages, self-resolved,
/// flapping, squashed), then the times to acknowledge and to resolve
/// (median, 90th percentile).
fn figures(
    (incidents, occurrences, pages, night_pages, self_resolved, flapping, squashed): (
        u64,
        u64,
        u64,
        u64,
        u64,
        u64,
        u64,
    ),
    ack: Option<(u64, u64)>,
    resolve: Option<(u64, u64)>,
) -> Figures {
    Figures {
        incidents,
        occurrences,
        pages,
        night_pages,
        self_resolved,
        flapping,
        squashed,
        ack_median_secs: ack.map(|a| a.0),
        ack_p90_secs: ack.map(|a| a.1),
        resolve_median_secs: resolve.map(|r| r.0),
        resolve_p90_secs: resolve.map(|r| r.1),
    }
}

async fn a_scripted_week_adds_up_figure_by_figure(backend: Backend) {
    let rx = Receiver::start().await;
    let (config, pages) = paging(&week_config(&rx));
    let hub = TestHub::with_pages_on(backend, config, pages).await;
    let week = Week { hub, rx };

    // The Saturday before the window: DiskFull pages alice, and clears just
    // before the window opens (Monday 08:00 UTC).
    week.fires("2026-11-22T10:00:00Z", DISK).await;
    let before = week.open_of(DISK).await;
    week.delivered(before.id, "alice", 1).await;
    week.clears("2026-11-23T07:30:00Z", DISK).await;

    // Monday: it is back 50 minutes after it cleared (flapping), fires
    // again (folded), alice acknowledges in 10 minutes, resolves in an hour.
    week.fires("2026-11-23T08:20:00Z", DISK).await;
    let monday = week.open_of(DISK).await;
    week.delivered(monday.id, "alice", 2).await;
    week.fires("2026-11-23T08:22:00Z", DISK).await;
    week.act("2026-11-23T08:30:00Z", ALICE, monday.id, "acknowledge")
        .await;
    week.act("2026-11-23T09:20:00Z", ALICE, monday.id, "resolve")
        .await;

    // Tuesday night, 22:00 in Berlin (21:00 UTC): CpuBlip pages bob and
    // clears by itself in 3 minutes; again at 03:00 (4 minutes); again at
    // 03:30, 26 minutes after it cleared (flapping), which bob acknowledges
    // in 10 minutes and Alertmanager resolves 15 minutes in.
    week.fires("2026-11-24T21:00:00Z", CPU).await;
    let blip = week.open_of(CPU).await;
    week.delivered(blip.id, "bob", 1).await;
    week.clears("2026-11-24T21:03:00Z", CPU).await;
    week.fires("2026-11-25T02:00:00Z", CPU).await;
    let blip = week.open_of(CPU).await;
    week.delivered(blip.id, "bob", 2).await;
    week.clears("2026-11-25T02:04:00Z", CPU).await;
    week.fires("2026-11-25T02:30:00Z", CPU).await;
    let blip = week.open_of(CPU).await;
    week.delivered(blip.id, "bob", 3).await;
    week.act("2026-11-25T02:40:00Z", BOB, blip.id, "acknowledge")
        .await;
    week.clears("2026-11-25T02:45:00Z", CPU).await;

    // Wednesday 10:00: bob squashes QueueDeep until noon. It fires at 10:30
    // and twice more, pages nobody, and clears at 11:00, squashed still.
    let reindex = week
        .squash("2026-11-25T10:00:00Z", BOB, QUEUE, "2026-11-25T12:00:00Z")
        .await;
    week.fires("2026-11-25T10:30:00Z", QUEUE).await;
    let quiet = week.open_of(QUEUE).await;
    assert_eq!(quiet.squashed_by, Some(reindex.id));
    week.fires("2026-11-25T10:35:00Z", QUEUE).await;
    week.fires("2026-11-25T10:40:00Z", QUEUE).await;
    week.clears("2026-11-25T11:00:00Z", QUEUE).await;
    assert!(week.hub.never_paged(quiet.id).await);

    // Thursday noon: alice pages db by hand (no alertname: its title is the
    // alert); nobody acknowledges in 15 minutes, the timers escalate to bob,
    // who acknowledges 20 minutes in and resolves in an hour.
    week.hub.set_time("2026-11-26T12:00:00Z");
    let by_hand = week
        .hub
        .open(&NewIncident {
            severity: Severity::Critical,
            service: "db".to_string(),
            ..incident("disk full on db-3")
        })
        .await;
    week.delivered(by_hand.id, "alice", 3).await;
    week.hub.set_time("2026-11-26T12:15:00Z");
    assert_eq!(week.hub.escalate_overdue().await, vec![by_hand.id]);
    week.delivered(by_hand.id, "bob", 4).await;
    week.act("2026-11-26T12:20:00Z", BOB, by_hand.id, "acknowledge")
        .await;
    week.act("2026-11-26T13:00:00Z", BOB, by_hand.id, "resolve")
        .await;

    // Thursday 14:00: QueueDeep pages bob, who acknowledges in 5 minutes,
    // squashes it at 14:10 (the squash takes the open incident) and removes
    // the squash at 14:20 (the incident is released); Alertmanager resolves
    // it at 15:00. Squashed no more, but squashed for a while: it counts.
    week.fires("2026-11-26T14:00:00Z", QUEUE).await;
    let taken = week.open_of(QUEUE).await;
    week.delivered(taken.id, "bob", 5).await;
    week.act("2026-11-26T14:05:00Z", BOB, taken.id, "acknowledge")
        .await;
    let second = week
        .squash("2026-11-26T14:10:00Z", BOB, QUEUE, "2026-11-26T16:00:00Z")
        .await;
    assert_eq!(
        week.hub.incident(taken.id).await.squashed_by,
        Some(second.id)
    );
    week.hub.set_time("2026-11-26T14:20:00Z");
    let path = format!("/api/v1/squashes/{}", second.id);
    let resp = week.hub.request(Method::DELETE, BOB, &path).send().await;
    let _: Squash = expect(resp.unwrap(), StatusCode::OK).await;
    assert_eq!(week.hub.incident(taken.id).await.squashed_by, None);
    week.clears("2026-11-26T15:00:00Z", QUEUE).await;

    // Friday, 07:00 in Berlin (06:00 UTC), the end of the night, so a day
    // page: DiskFull again, days after it last cleared (not flapping).
    week.fires("2026-11-27T06:00:00Z", DISK).await;
    let friday = week.open_of(DISK).await;
    week.delivered(friday.id, "alice", 4).await;
    week.act("2026-11-27T06:40:00Z", ALICE, friday.id, "acknowledge")
        .await;
    week.act("2026-11-27T07:00:00Z", ALICE, friday.id, "resolve")
        .await;

    // Saturday night: a warning, below what pages; it stays open.
    week.fires("2026-11-28T23:00:00Z", PING).await;

    // Sunday: CacheCold pages bob, who resolves it in 2 minutes without
    // acknowledging: quick, but by a person, so not self-resolved.
    week.hub.set_time("2026-11-29T10:00:00Z");
    let cold = week
        .hub
        .open(&NewIncident {
            severity: Severity::High,
            service: "web".to_string(),
            labels: [("alertname".to_string(), "CacheCold".to_string())].into(),
            ..incident("cache cold on web-2")
        })
        .await;
    week.delivered(cold.id, "bob", 6).await;
    week.act("2026-11-29T10:02:00Z", BOB, cold.id, "resolve")
        .await;

    // Monday 08:00 UTC: the week since Monday 08:00.
    week.hub.set_time("2026-11-30T08:00:00Z");
    let report: NoiseReport = expect(
        week.hub.get(ALICE, "/api/v1/report?since=7d").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report.since.to_rfc3339(), "2026-11-23T08:00:00+00:00");
    assert_eq!(report.until.to_rfc3339(), "2026-11-30T08:00:00+00:00");
    assert_eq!(report.timezone, "Europe/Berlin");

    let alert = |name: &str, service: &str, alertname: bool, f: Figures| AlertFigures {
        alert: name.to_string(),
        service: service.to_string(),
        alertname,
        figures: f,
    };
    assert_eq!(
        report.alerts,
        vec![
            // 3 incidents, 3 pages all at night, 2 cleared by themselves,
            // 1 reopened; acknowledged once in 10m; resolved in 3m, 4m, 15m.
            alert(
                "CpuBlip",
                "web",
                true,
                figures((3, 3, 3, 3, 2, 1, 0), Some((600, 600)), Some((240, 768)))
            ),
            // Monday's (2 occurrences, flapping) and Friday's (a day page):
            // acknowledged in 10m and 40m, resolved in an hour each.
            alert(
                "DiskFull",
                "db",
                true,
                figures(
                    (2, 3, 2, 0, 0, 1, 0),
                    Some((1500, 2220)),
                    Some((3600, 3600))
                )
            ),
            // alice, then bob after the escalation.
            alert(
                "disk full on db-3",
                "db",
                false,
                figures(
                    (1, 1, 2, 0, 0, 0, 0),
                    Some((1200, 1200)),
                    Some((3600, 3600))
                )
            ),
            // Squashed both times, while it fired on Wednesday and for ten
            // minutes on Thursday, which paged bob (by day) before that;
            // acknowledged in 5m, resolved in 30m and 60m.
            alert(
                "QueueDeep",
                "batch",
                true,
                figures((2, 4, 1, 0, 0, 0, 2), Some((300, 300)), Some((2700, 3420)))
            ),
            alert(
                "CacheCold",
                "web",
                true,
                figures((1, 1, 1, 0, 0, 0, 0), None, Some((120, 120)))
            ),
            alert(
                "Ping",
                "web",
                true,
                figures((1, 1, 0, 0, 0, 0, 0), None, None)
            ),
        ]
    );
    let services: Vec<(&str, &Figures)> = report
        .services
        .iter()
        .map(|s| (s.service.as_str(), &s.figures))
        .collect();
    assert_eq!(
        services,
        vec![
            (
                "web",
                &figures((5, 5, 4, 3, 2, 1, 0), Some((600, 600)), Some((210, 702)))
            ),
            (
                "db",
                &figures(
                    (3, 4, 4, 0, 0, 1, 0),
                    Some((1200, 2160)),
                    Some((3600, 3600))
                )
            ),
            (
                "batch",
                &figures((2, 4, 1, 0, 0, 0, 2), Some((300, 300)), Some((2700, 3420)))
            ),
        ]
    );
    // The Saturday page before the window is not counted.
    assert_eq!(
        report.responders,
        vec![
            ResponderFigures {
                responder: "bob".into(),
                pages: 6,
                night_pages: 3
            },
            ResponderFigures {
                responder: "alice".into(),
                pages: 3,
                night_pages: 0
            },
        ]
    );
    let noisiest: Vec<(&str, &str)> = report
        .noisiest
        .iter()
        .map(|a| (a.alert.as_str(), a.action.as_str()))
        .collect();
    assert_eq!(
        noisiest,
        vec![
            (
                "CpuBlip",
                "Change the alert: 2 of its 3 incidents resolved by themselves within 5 minutes: make it wait longer before it fires (a `for:` of 5m or more), or raise its threshold. Until then, squash alertname=\"CpuBlip\", service=\"web\"."
            ),
            (
                "DiskFull",
                "Change the alert: 1 of its 2 incidents reopened within an hour of resolving: it flaps, so widen its threshold or add hysteresis (a longer `for:`, or a lower value to clear at). Until then, squash alertname=\"DiskFull\", service=\"db\"."
            ),
            (
                "disk full on db-3",
                "Squash service=\"db\" (it has no alertname label, so this squashes every alert of db; give it one to squash it alone) while its cause is fixed: it paged twice (0 at night)."
            ),
            (
                "QueueDeep",
                "Squash alertname=\"QueueDeep\", service=\"batch\" while its cause is fixed: it paged once (0 at night)."
            ),
            (
                "CacheCold",
                "Squash alertname=\"CacheCold\", service=\"web\" while its cause is fixed: it paged once (0 at night)."
            ),
            (
                "Ping",
                "Nothing to silence: it paged nobody (raised once). Squash alertname=\"Ping\", service=\"web\" only if even its list entries are noise."
            ),
        ]
    );
    assert_eq!(
        report.noisiest[0].squash,
        [
            ("alertname".to_string(), "CpuBlip".to_string()),
            ("service".to_string(), "web".to_string())
        ]
        .into()
    );

    // A day back from Monday 08:00 holds only Sunday's CacheCold.
    let day: NoiseReport = expect(
        week.hub.get(BOB, "/api/v1/report?since=24h").await,
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = day.alerts.iter().map(|a| a.alert.as_str()).collect();
    assert_eq!(names, ["CacheCold"]);
    assert_eq!(
        day.responders,
        vec![ResponderFigures {
            responder: "bob".into(),
            pages: 1,
            night_pages: 0
        }]
    );
}
both_backends!(a_scripted_week_adds_up_figure_by_figure);

/// No one has contacts: a page is an opening or an escalation recorded on
/// the timeline, for whom it names.
async fn without_contacts_the_recorded_pages_count(backend: Backend) {
    let config = support::hub_config(
        r#"
[[hub.policies]]
services = ["db"]
[[hub.policies.levels]]
who = ["alice"]
after = "15m"
[[hub.policies.levels]]
who = ["bob"]
"#,
    );
    let hub = TestHub::start_on(backend, config).await;
    // 23:00 UTC, night in the default time zone (UTC).
    hub.set_time("2026-11-23T23:00:00Z");
    let inc = hub.open_for("db", "replica lag").await;
    hub.set_time("2026-11-23T23:15:00Z");
    assert_eq!(hub.escalate_overdue().await, vec![inc.id]);
    hub.set_time("2026-11-24T08:00:00Z");
    let report: NoiseReport = expect(
        hub.get(ALICE, "/api/v1/report?since=1d").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report.timezone, "UTC");
    let f = &report.alerts[0].figures;
    assert_eq!((f.incidents, f.pages, f.night_pages), (1, 2, 2));
    assert_eq!(
        report.responders,
        vec![
            ResponderFigures {
                responder: "alice".into(),
                pages: 1,
                night_pages: 1
            },
            ResponderFigures {
                responder: "bob".into(),
                pages: 1,
                night_pages: 1
            },
        ]
    );
}
both_backends!(without_contacts_the_recorded_pages_count);

async fn since_is_checked_and_integrations_may_not_read_it(backend: Backend) {
    let hub = TestHub::start_on(backend, support::two_responders()).await;
    for bad in ["7", "seven days", "0s", "400d", "-1d"] {
        let resp = hub.get(ALICE, &format!("/api/v1/report?since={bad}")).await;
        let body = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(body.error.starts_with("since: "), "{bad}: {}", body.error);
    }
    let empty: NoiseReport = expect(hub.get(BOB, "/api/v1/report").await, StatusCode::OK).await;
    assert_eq!(
        empty.until - empty.since,
        chrono::TimeDelta::days(7),
        "7 days unless asked"
    );
    assert!(empty.alerts.is_empty() && empty.noisiest.is_empty());
    let resp = hub.get(ALERTMANAGER, "/api/v1/report?since=7d").await;
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
}
both_backends!(since_is_checked_and_integrations_may_not_read_it);

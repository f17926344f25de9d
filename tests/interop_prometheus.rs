#![cfg(feature = "interop")]
//! The whole chain a team runs, with real parts: Prometheus (Debian's
//! `prometheus`) scrapes metrics shaped as kube-state-metrics and
//! node-exporter expose them, evaluates alert rules as kube-prometheus
//! (kubernetes-mixin) and node-exporter's node-mixin write them, and sends
//! what fires to a real Alertmanager 0.25, whose webhook reaches a real hub.
//! Each incident must arrive named for what fails (never the exporter that
//! reported it) and find the runbook, and the section of it, written for its
//! alert first, as the console shows it.
//! `cargo test --features interop --test interop_prometheus`.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::collections::BTreeMap;

use oncall::incident::{Incident, IncidentList};
use oncall::runbook::{Library, Query, rank};
use support::alertmanager::{Alertmanager, Webhook, eventually};
use support::prometheus::{Exporters, Job, Prometheus};
use support::{ALERTMANAGER, ALICE, TestHub, expect};

/// As kube-state-metrics exposes them: a container crash-looping, a
/// deployment short of replicas, a node not ready.
const KUBE_STATE_METRICS: &str = r#"# TYPE kube_pod_container_status_waiting_reason gauge
kube_pod_container_status_waiting_reason{namespace="shop",pod="checkout-7d9f8c6b5-x2kqp",container="checkout",reason="CrashLoopBackOff"} 1
# TYPE kube_deployment_spec_replicas gauge
kube_deployment_spec_replicas{namespace="shop",deployment="cart"} 3
# TYPE kube_deployment_status_replicas_available gauge
kube_deployment_status_replicas_available{namespace="shop",deployment="cart"} 1
# TYPE kube_deployment_status_replicas_updated gauge
kube_deployment_status_replicas_updated{namespace="shop",deployment="cart"} 3
# TYPE kube_node_status_condition gauge
kube_node_status_condition{node="worker-2",condition="Ready",status="true"} 0
kube_node_status_condition{node="worker-2",condition="Ready",status="false"} 1
"#;

/// As node-exporter exposes them: /var on db-3 with 3% left.
const NODE_EXPORTER: &str = r#"# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{device="/dev/sda2",fstype="ext4",mountpoint="/var"} 3e+09
# TYPE node_filesystem_size_bytes gauge
node_filesystem_size_bytes{device="/dev/sda2",fstype="ext4",mountpoint="/var"} 1e+11
# TYPE node_filesystem_readonly gauge
node_filesystem_readonly{device="/dev/sda2",fstype="ext4",mountpoint="/var"} 0
"#;

/// The rules as the collections write them (kubernetes-mixin's
/// apps_alerts and kubernetes_system_kubelet, node-mixin's node alerts),
/// save `for`, which is 15m and 30m there and nothing here, so they fire at
/// the first evaluation.
const RULES: &str = r#"groups:
  - name: kubernetes-apps
    rules:
      - alert: KubePodCrashLooping
        annotations:
          description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in waiting state (reason: "CrashLoopBackOff").'
          runbook_url: https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping
          summary: Pod is crash looping.
        expr: |
          max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1
        labels:
          severity: warning
      - alert: KubeDeploymentReplicasMismatch
        annotations:
          description: Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has not matched the expected number of replicas for longer than 15 minutes.
          runbook_url: https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch
          summary: Deployment has not matched the expected number of replicas.
        expr: |
          (
            kube_deployment_spec_replicas{job="kube-state-metrics"}
              >
            kube_deployment_status_replicas_available{job="kube-state-metrics"}
          ) and (
            changes(kube_deployment_status_replicas_updated{job="kube-state-metrics"}[10m])
              ==
            0
          )
        labels:
          severity: warning
  - name: kubernetes-system-kubelet
    rules:
      - alert: KubeNodeNotReady
        annotations:
          description: '{{ $labels.node }} has been unready for more than 15 minutes.'
          runbook_url: https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubenodenotready
          summary: Node is not ready.
        expr: |
          kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 0
        labels:
          severity: warning
  - name: node-exporter
    rules:
      - alert: NodeFilesystemAlmostOutOfSpace
        annotations:
          description: Filesystem on {{ $labels.device }}, mounted on {{ $labels.mountpoint }}, at {{ $labels.instance }} has only {{ printf "%.2f" $value }}% available space left.
          runbook_url: https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemalmostoutofspace
          summary: Filesystem has less than 5% space left.
        expr: |
          (
            node_filesystem_avail_bytes{job="node",fstype!="",mountpoint!=""} / node_filesystem_size_bytes{job="node",fstype!="",mountpoint!=""} * 100 < 5
          and
            node_filesystem_readonly{job="node",fstype!="",mountpoint!=""} == 0
          )
        labels:
          severity: warning
"#;

/// Each alert: the service its incident must name, the runbook that must
/// come first, and the heading the pane must open at (None: at the top).
const EXPECTED: [(&str, &str, &str, Option<&str>); 4] = [
    (
        "KubePodCrashLooping",
        "checkout",
        "kubernetes-workloads",
        Some("crash"),
    ),
    (
        "KubeDeploymentReplicasMismatch",
        "cart",
        "kubernetes-workloads",
        Some("replica"),
    ),
    (
        "KubeNodeNotReady",
        "worker-2",
        "kubernetes-nodes",
        Some("conditions"),
    ),
    ("NodeFilesystemAlmostOutOfSpace", "db-3", "disk-full", None),
];

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_alerts_arrive_named_for_what_fails_with_their_runbook_and_section_first() {
    let hub = TestHub::start().await;
    let am = Alertmanager::start(&Webhook {
        url: hub.url("/api/v1/alertmanager"),
        token: ALERTMANAGER.to_string(),
    })
    .await;
    let exporters = Exporters::start(BTreeMap::from([
        ("/kube-state-metrics", KUBE_STATE_METRICS),
        ("/node-exporter", NODE_EXPORTER),
    ]))
    .await;
    let jobs = [
        Job {
            name: "kube-state-metrics",
            path: "/kube-state-metrics",
            instance: "10.42.0.17:8080",
        },
        Job {
            name: "node",
            path: "/node-exporter",
            instance: "db-3:9100",
        },
    ];
    let _prometheus = Prometheus::start(&exporters, &jobs, RULES, &am.base).await;

    let incidents: Vec<Incident> = eventually("an incident for each alert", || async {
        let list: IncidentList = expect(
            hub.get(ALICE, "/api/v1/incidents").await,
            reqwest::StatusCode::OK,
        )
        .await;
        let names: Vec<&str> = list
            .incidents
            .iter()
            .filter_map(|i| i.labels.get("alertname"))
            .collect();
        if EXPECTED.iter().all(|(name, ..)| names.contains(name)) {
            Ok(list.incidents)
        } else {
            Err(format!("{names:?}"))
        }
    })
    .await;

    let library = Library::shipped();
    let mut wrong = Vec::new();
    for (alert, service, runbook, heading) in EXPECTED {
        let incident = incidents
            .iter()
            .find(|i| i.labels.get("alertname") == Some(alert))
            .unwrap();
        let ranked = rank(&library, &Query::for_incident(incident));
        let first = ranked.first();
        let got_runbook = first.map_or("(none)", |m| m.id.as_str());
        let got_heading = first
            .and_then(|m| m.section.as_ref())
            .map(|s| s.heading.to_lowercase());
        let heading_ok = match (heading, &got_heading) {
            (None, _) => true,
            (Some(want), Some(got)) => got.contains(want),
            (Some(_), None) => false,
        };
        if incident.service != service || got_runbook != runbook || !heading_ok {
            wrong.push(format!(
                "{alert}: service {:?} (want {service}), runbook {got_runbook} (want {runbook}), \
                 section {got_heading:?} (want one naming {heading:?}); {:?}",
                incident.service,
                first.map(|m| m.reason())
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

//! The demo's storm: a log shipper stuck in a retry loop fills /var on a dozen
//! web hosts at once, one alert firing on each. Grouped by alert (`=`), it is
//! one row, acknowledged with `a` and `y`.
use std::collections::BTreeMap;

use crate::incident::{NewIncident, Severity};

/// How many hosts the storm hits.
pub const HOSTS: u32 = 12;

/// The storm's alert, the same on every host.
pub const ALERT: &str = "NodeFilesystemAlmostOutOfSpace";

/// How long ago the storm began.
pub const MINUTES_AGO: i64 = 6;

/// The page of host `n` (from 1).
pub fn page(n: u32) -> NewIncident {
    let host = format!("web-{n}");
    let full = 90 + (n * 7) % 9;
    let labels: BTreeMap<String, String> = [
        ("alertname", ALERT.to_string()),
        ("instance", format!("{host}:9100")),
        ("mountpoint", "/var".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    NewIncident {
        title: format!("Disk /var on {host} at {full}%"),
        service: "web".to_string(),
        severity: Severity::Warning,
        dedup_key: Some(format!("storm-var-{host}")),
        labels,
        description: "/var/log/shipper/spool grows by 2 GB a minute: the log shipper retries a \
                      rejected batch without end."
            .to_string(),
        runbook: None,
        runbook_url: None,
        source: Some("demo".to_string()),
    }
}

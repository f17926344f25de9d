//! The demo's incidents: what a real shift throws at a small team, across
//! network, hardware, OS, database, web, queue and batch jobs.
use std::collections::BTreeMap;

use crate::alertmanager::SOURCE_URL_LABEL;
use crate::incident::{NewIncident, Severity};

/// One incident the demo can raise.
pub struct Scene {
    pub key: &'static str,
    pub severity: Severity,
    pub service: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub labels: &'static [(&'static str, &'static str)],
    /// How long ago it started, for the incidents there at the start.
    pub minutes_ago: i64,
}

/// Runbook URLs some scenes carry, as alerts do in their annotations, so
/// `O` has something to open.
const RUNBOOK_URLS: &[(&str, &str)] = &[
    (
        "k8s-crashloop-checkout",
        "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping/",
    ),
    (
        "pg-conn-db1",
        "https://www.postgresql.org/docs/current/runtime-config-connection.html",
    ),
];

impl Scene {
    pub fn to_new(&self) -> NewIncident {
        let mut labels: BTreeMap<String, String> = self
            .labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // Where each alert came from, as Alertmanager's generatorURL says:
        // the rule's expression in the (imaginary) demo Prometheus.
        if let Some(name) = labels.get("alertname") {
            let source = format!(
                "http://prometheus.demo.example:9090/graph?g0.expr=ALERTS%7Balertname%3D%22{name}%22%7D"
            );
            labels.insert(SOURCE_URL_LABEL.to_string(), source);
        }
        let runbook_url = RUNBOOK_URLS
            .iter()
            .find(|(key, _)| *key == self.key)
            .map(|(_, url)| url.to_string());
        NewIncident {
            title: self.title.to_string(),
            service: self.service.to_string(),
            severity: self.severity,
            dedup_key: Some(self.key.to_string()),
            labels,
            description: self.description.to_string(),
            runbook: None,
            runbook_url,
            source: Some("demo".to_string()),
        }
    }
}

use Severity::{Critical, High, Info, Warning};

/// What is open when the demo starts.
pub const OPENING: &[Scene] = &[
    Scene {
        key: "pg-conn-db1",
        severity: Critical,
        service: "postgres",
        title: "PostgreSQL primary db-1 refusing connections: too many clients",
        description: "FATAL: sorry, too many clients already (max_connections=200). Checkout and login return 500.",
        labels: &[
            ("alertname", "PostgresqlTooManyConnections"),
            ("instance", "db-1:9187"),
            ("job", "postgres"),
            ("severity", "critical"),
        ],
        minutes_ago: 4,
    },
    Scene {
        key: "k8s-crashloop-checkout",
        severity: High,
        service: "checkout",
        title: "Pod is crash looping.",
        description: "Pod shop/checkout-7d9f8c6b5-x2kqp (checkout) is in waiting state (reason: \"CrashLoopBackOff\").",
        labels: &[
            ("alertname", "KubePodCrashLooping"),
            ("namespace", "shop"),
            ("pod", "checkout-7d9f8c6b5-x2kqp"),
            ("container", "checkout"),
            ("job", "kube-state-metrics"),
            ("severity", "warning"),
        ],
        minutes_ago: 6,
    },
    Scene {
        key: "net-loss-edge1",
        severity: Critical,
        service: "edge-lb",
        title: "Receive errors and 18% packet loss on edge-lb-1 bond0",
        description: "rx_errors climbing on eno2 (bond0 member); blackbox probes from eu-west time out intermittently.",
        labels: &[
            ("alertname", "HostNetworkReceiveErrors"),
            ("instance", "edge-lb-1:9100"),
            ("device", "eno2"),
            ("category", "network"),
        ],
        minutes_ago: 17,
    },
    Scene {
        key: "lock-wait-checkout",
        severity: High,
        service: "checkout",
        title: "Checkout hanging: transaction open 9 minutes holding locks on orders",
        description: "31 sessions waiting on a lock held by pid 48213 (idle in transaction).",
        labels: &[
            ("alertname", "PostgresqlLongRunningTransaction"),
            ("instance", "db-1:9187"),
            ("datname", "shop"),
        ],
        minutes_ago: 9,
    },
    Scene {
        key: "raid-db2",
        severity: High,
        service: "postgres",
        title: "RAID array md0 degraded on db-2: /dev/sdb faulty",
        description: "mdadm: md0 [UU_U]; sdb kicked after 2 read errors. Array still serving, no redundancy left on that mirror.",
        labels: &[
            ("alertname", "NodeRAIDDegraded"),
            ("instance", "db-2:9100"),
            ("device", "md0"),
        ],
        minutes_ago: 95,
    },
    Scene {
        key: "oom-api3",
        severity: High,
        service: "api",
        title: "OOM killer ended java (pid 31544) on api-3",
        description: "Out of memory: Killed process 31544 (java) total-vm:9.1G anon-rss:7.8G. Third time today.",
        labels: &[
            ("alertname", "HostOomKillDetected"),
            ("instance", "api-3:9100"),
        ],
        minutes_ago: 41,
    },
    Scene {
        key: "fs-backup1-var",
        severity: Warning,
        service: "backups",
        title: "Filesystem /var on backup-1 at 93% and filling: full in ~3h",
        description: "Nightly pg_dump writes to /var/backups on the same volume; old dumps not pruned since Tuesday.",
        labels: &[
            ("alertname", "NodeFilesystemSpaceFillingUp"),
            ("instance", "backup-1:9100"),
            ("mountpoint", "/var"),
        ],
        minutes_ago: 130,
    },
    Scene {
        key: "5xx-checkout",
        severity: Warning,
        service: "web",
        title: "HTTP 5xx rate 7.2% on checkout (threshold 2%)",
        description: "nginx upstream checkout-app: 502 Bad Gateway, upstream prematurely closed connection.",
        labels: &[
            ("alertname", "NginxHighHttp5xxErrorRate"),
            ("instance", "web-1:9113"),
            ("host", "shop.example.com"),
        ],
        minutes_ago: 6,
    },
    Scene {
        key: "cert-api",
        severity: High,
        service: "api",
        title: "TLS certificate for api.example.com expires in 6 days",
        description: "Renewal by certbot failed: DNS-01 challenge could not update the TXT record.",
        labels: &[
            ("alertname", "BlackboxSslCertificateWillExpireSoon"),
            ("instance", "https://api.example.com"),
            ("job", "blackbox"),
        ],
        minutes_ago: 600,
    },
    Scene {
        key: "rabbit-orders",
        severity: Warning,
        service: "rabbitmq",
        title: "Queue orders.created: 48,000 messages and no consumers",
        description: "Consumer fulfilment-worker disconnected at 02:11; messages accumulating at ~400/min.",
        labels: &[
            ("alertname", "RabbitmqNoConsumer"),
            ("instance", "mq-1:15692"),
            ("queue", "orders.created"),
        ],
        minutes_ago: 22,
    },
    Scene {
        key: "invoice-export",
        severity: Warning,
        service: "batch",
        title: "Nightly invoice export did not run (last success 26h ago)",
        description: "systemd timer invoice-export.timer fired; the unit exited 1: lock file /run/invoice.lock exists.",
        labels: &[
            ("alertname", "JobLastSuccessTooOld"),
            ("job", "invoice-export"),
        ],
        minutes_ago: 200,
    },
    Scene {
        key: "nginx-web2-loop",
        severity: Warning,
        service: "web",
        title: "nginx.service crash-looping on web-2 (14 restarts)",
        description: "nginx: [emerg] cannot load certificate \"/etc/ssl/shop.pem\": No such file",
        labels: &[
            ("alertname", "NodeSystemdServiceCrashlooping"),
            ("instance", "web-2:9100"),
            ("name", "nginx.service"),
        ],
        minutes_ago: 12,
    },
    Scene {
        key: "ecc-hv4",
        severity: High,
        service: "hypervisor",
        title: "Uncorrectable ECC memory error on hv-4 (DIMM B2)",
        description: "EDAC MC1: 1 UE memory read error on CPU_SrcID#1_Ha#0_Chan#1_DIMM#0",
        labels: &[
            ("alertname", "HostEdacUncorrectableErrorsDetected"),
            ("instance", "hv-4:9100"),
        ],
        minutes_ago: 300,
    },
    Scene {
        key: "clock-worker7",
        severity: Info,
        service: "worker",
        title: "Clock on worker-7 is 1.8s off NTP",
        description: "chronyc tracking: System time 1.8 seconds slow; no selectable sources.",
        labels: &[
            ("alertname", "NodeClockSkewDetected"),
            ("instance", "worker-7:9100"),
        ],
        minutes_ago: 55,
    },
];

/// What keeps arriving while the demo runs.
pub const ARRIVALS: &[Scene] = &[
    Scene {
        key: "dns-internal",
        severity: High,
        service: "dns",
        title: "SERVFAIL for 12% of lookups in svc.internal",
        description: "CoreDNS forward to 10.0.0.2 timing out.",
        labels: &[
            ("alertname", "CoreDNSErrorsHigh"),
            ("instance", "coredns-1:9153"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "inodes-build",
        severity: Warning,
        service: "ci",
        title: "Filesystem / on build-3 out of inodes (98% used)",
        description: "Millions of small files under /var/lib/docker/overlay2.",
        labels: &[
            ("alertname", "NodeFilesystemAlmostOutOfFiles"),
            ("instance", "build-3:9100"),
            ("mountpoint", "/"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "fan-hv2",
        severity: Warning,
        service: "hypervisor",
        title: "Fan 3 speed low on hv-2 (1,100 RPM)",
        description: "ipmitool sdr: FAN3 | 1100 RPM | lower critical 1200.",
        labels: &[("alertname", "IpmiFanSpeedLow"), ("instance", "hv-2-bmc")],
        minutes_ago: 0,
    },
    Scene {
        key: "kafka-lag",
        severity: Warning,
        service: "kafka",
        title: "Consumer group billing lagging 220k messages on payments",
        description: "Lag growing since the 02:40 deploy of billing-consumer.",
        labels: &[
            ("alertname", "KafkaConsumerGroupLag"),
            ("consumergroup", "billing"),
            ("topic", "payments"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "backup-failed",
        severity: High,
        service: "backups",
        title: "Backup of db-1 failed: pg_dump exited 1",
        description: "pg_dump: error: could not write to output file: No space left on device",
        labels: &[
            ("alertname", "BackupFailed"),
            ("instance", "backup-1"),
            ("job", "pg-backup"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "conntrack-edge2",
        severity: High,
        service: "edge-lb",
        title: "Conntrack table 91% full on edge-lb-2",
        description: "nf_conntrack: table full, dropping packet (seen in dmesg).",
        labels: &[
            ("alertname", "HostConntrackLimit"),
            ("instance", "edge-lb-2:9100"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "load-api1",
        severity: Warning,
        service: "api",
        title: "Load average 38 on api-1 (8 cores)",
        description: "A runaway report generator pegging all cores.",
        labels: &[("alertname", "HostHighCpuLoad"), ("instance", "api-1:9100")],
        minutes_ago: 0,
    },
    Scene {
        key: "fd-api2",
        severity: Warning,
        service: "api",
        title: "Process java on api-2 using 95% of its file descriptors",
        description: "accept: Too many open files",
        labels: &[
            ("alertname", "ProcessFdsNearLimit"),
            ("instance", "api-2:9256"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "ro-fs-worker3",
        severity: Critical,
        service: "worker",
        title: "Filesystem /data remounted read-only on worker-3",
        description: "EXT4-fs error (device nvme1n1p1): ext4_find_entry: reading directory lblock 0",
        labels: &[
            ("alertname", "HostFilesystemReadOnly"),
            ("instance", "worker-3:9100"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "pg-replag",
        severity: High,
        service: "postgres",
        title: "Replica db-2 is 14 minutes behind the primary",
        description: "replay_lag 00:14:08; WAL receiver restarting.",
        labels: &[
            ("alertname", "PostgresqlReplicationLag"),
            ("instance", "db-2:9187"),
        ],
        minutes_ago: 0,
    },
    Scene {
        key: "ups-rack4",
        severity: Critical,
        service: "power",
        title: "UPS rack-4 on battery: 11 minutes runtime left",
        description: "Input power lost on feed B at 03:02.",
        labels: &[("alertname", "UpsOnBattery"), ("instance", "ups-rack4")],
        minutes_ago: 0,
    },
    Scene {
        key: "smart-db3",
        severity: Warning,
        service: "postgres",
        title: "SMART: /dev/nvme0 on db-3 at 92% of rated wear",
        description: "Percentage Used: 92%; Available Spare: 18%.",
        labels: &[
            ("alertname", "SmartNvmeWearoutIndicator"),
            ("instance", "db-3"),
            ("device", "nvme0"),
        ],
        minutes_ago: 0,
    },
];

/// The noisy alert: it paged all night and cleared by itself each time,
/// until a teammate squashed it (`demo::noise`).
pub const NOISY: Scene = Scene {
    key: "steal-worker5",
    severity: High,
    service: "worker",
    title: "CPU steal at 34% on worker-5: a noisy neighbour on hv-2",
    description: "Steal time above 20% for 2 minutes, then gone; back within the hour, every hour since 22:00.",
    labels: &[
        ("alertname", "HostCpuStealNoisyNeighbour"),
        ("instance", "worker-5:9100"),
        ("severity", "high"),
    ],
    minutes_ago: 0,
};

/// The demo's teammates, who acknowledge, note and resolve on their own.
pub const TEAMMATES: &[&str] = &["sam", "priya"];

/// The responder the demo console runs as.
pub const YOU: &str = "alex";

/// Who posts alerts in the demo.
pub const MONITORING: &str = "monitoring";

/// Notes teammates leave.
pub const NOTES: &[&str] = &[
    "Looking at it now; graphs attached in #ops.",
    "Customer support reports slow checkout since 02:50.",
    "Vendor ticket opened, case 4471823.",
    "Rolled back the 02:40 deploy; watching.",
    "Not urgent: this repeats every night around 03:00, candidate for tuning.",
];

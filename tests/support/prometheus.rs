//! A real Prometheus (Debian package `prometheus`) on 127.0.0.1: it scrapes
//! metrics a test serves (as kube-state-metrics and node-exporter would
//! expose them, under their usual job names), evaluates alert rules written
//! as the public rule collections write them, and sends what fires to an
//! Alertmanager. Everything runs each second, so alerts fire within a few
//! seconds. Stopped when dropped.

use std::collections::BTreeMap;
use std::path::Path;

use axum::Router;
use axum::routing::get;
use tempfile::TempDir;

use super::alertmanager::{Process, launch};

pub const BINARY: &str = "/usr/bin/prometheus";
pub const MISSING: &str = "prometheus is not installed: apt-get install -y prometheus";

/// Metrics in the text exposition format, by the path they are served on.
pub struct Exporters {
    pub addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Exporters {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Exporters {
    /// Serves each `(path, text)` on a port of its own.
    pub async fn start(pages: BTreeMap<&'static str, &'static str>) -> Exporters {
        let mut app = Router::new();
        for (path, text) in pages {
            app = app.route(path, get(move || async move { text }));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Exporters { addr, server }
    }
}

/// One scrape job: its name, the path of [`Exporters`] it reads, and the
/// `instance` its series carry (what the real exporter's address would be).
pub struct Job {
    pub name: &'static str,
    pub path: &'static str,
    pub instance: &'static str,
}

pub struct Prometheus {
    pub base: String,
    _process: Process,
    _dir: TempDir,
}

impl Prometheus {
    /// Starts Prometheus scraping `jobs` at `exporters`, evaluating `rules`
    /// (a rules file's YAML) and alerting the Alertmanager at
    /// `alertmanager` (its base URL). Panics, naming the package, when it is
    /// not installed.
    pub async fn start(
        exporters: &Exporters,
        jobs: &[Job],
        rules: &str,
        alertmanager: &str,
    ) -> Prometheus {
        assert!(Path::new(BINARY).exists(), "{MISSING}");
        let dir = TempDir::new().unwrap();
        let rules_path = dir.path().join("rules.yml");
        std::fs::write(&rules_path, rules).unwrap();
        let mut scrapes = String::new();
        for job in jobs {
            scrapes.push_str(&format!(
                "  - job_name: '{}'\n    metrics_path: '{}'\n    static_configs:\n      - targets: ['{}']\n        labels:\n          instance: '{}'\n",
                job.name, job.path, exporters.addr, job.instance
            ));
        }
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files: ['{}']\n\
             alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{}']\n\
             scrape_configs:\n{scrapes}",
            rules_path.display(),
            alertmanager.trim_start_matches("http://")
        );
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, config).unwrap();
        let (process, base) = launch(BINARY, "Prometheus", dir.path(), |port, data| {
            vec![
                format!("--config.file={}", config_path.display()),
                format!("--storage.tsdb.path={}", data.display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
                // Its first notification can otherwise be dropped before
                // it has found its Alertmanager.
                "--rules.alert.resend-delay=1s".to_string(),
            ]
        })
        .await;
        Prometheus {
            base,
            _process: process,
            _dir: dir,
        }
    }
}

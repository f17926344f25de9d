//! A real Prometheus Alertmanager (Debian package `prometheus-alertmanager`)
//! on 127.0.0.1, with clustering off, its data in a temporary folder, and a
//! webhook receiver pointing wherever the test says. Stopped when dropped.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const BINARY: &str = "/usr/bin/prometheus-alertmanager";
pub const MISSING: &str =
    "prometheus-alertmanager is not installed: apt-get install -y prometheus-alertmanager";

/// How long Alertmanager, or what it sends, may take before a test fails.
/// It bounds a wait, it measures nothing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Between two looks at something a test waits for.
pub const POLL: Duration = Duration::from_millis(50);

/// Where Alertmanager sends its notifications, and the token it sends.
pub struct Webhook {
    pub url: String,
    pub token: String,
}

pub struct Alertmanager {
    pub base: String,
    _process: Process,
    // After the process, so the folder goes once nothing writes to it.
    _dir: TempDir,
}

/// The running program; killed and reaped when dropped, test failed or not.
pub struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Short intervals so a test sees notifications, repeats and resolutions
/// within a second or two: every alert its own group (`...`), sent 100 ms
/// after it arrives, repeated every second while it fires.
fn config(webhook: &Webhook) -> String {
    format!(
        r#"route:
  receiver: oncall
  group_by: ['...']
  group_wait: 100ms
  group_interval: 500ms
  repeat_interval: 1s
receivers:
  - name: oncall
    webhook_configs:
      - url: '{url}'
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: '{token}'
"#,
        url = webhook.url,
        token = webhook.token,
    )
}

impl Alertmanager {
    /// Starts Alertmanager on a free port and returns once it is ready.
    /// Panics, naming the package, when it is not installed.
    pub async fn start(webhook: &Webhook) -> Alertmanager {
        assert!(Path::new(BINARY).exists(), "{MISSING}");
        let dir = TempDir::new().unwrap();
        let config_path = dir.path().join("alertmanager.yml");
        std::fs::write(&config_path, config(webhook)).unwrap();
        let (process, base) = launch(BINARY, "Alertmanager", dir.path(), |port, data| {
            vec![
                format!("--config.file={}", config_path.display()),
                format!("--storage.path={}", data.display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
                "--cluster.listen-address=".to_string(),
                format!("--web.external-url=http://127.0.0.1:{port}"),
            ]
        })
        .await;
        Alertmanager {
            base,
            _process: process,
            _dir: dir,
        }
    }

    /// `POST /api/v2/alerts`.
    pub async fn post_alerts(&self, alerts: &serde_json::Value) {
        let resp = oncall::feed::http::client_builder()
            .build()
            .unwrap()
            .post(format!("{}/api/v2/alerts", self.base))
            .json(alerts)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            status.is_success(),
            "{status}: {}",
            resp.text().await.unwrap_or_default()
        );
    }

    /// `GET` of one of its API's paths, as JSON.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let resp = oncall::feed::http::client_builder()
            .build()
            .unwrap()
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json().await.unwrap()
    }
}

/// Starts `binary` (a Prometheus program: Alertmanager, Prometheus) with
/// the arguments `args` gives for a port and a data folder in `dir`, and
/// returns once its `GET /-/ready` answers, with its base URL. The port is
/// free when looked at and, now and then, someone else's by the time the
/// program binds it: then another is tried.
pub async fn launch(
    binary: &str,
    name: &str,
    dir: &Path,
    args: impl Fn(u16, &Path) -> Vec<String>,
) -> (Process, String) {
    let mut failures = Vec::new();
    for attempt in 0..5 {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let log_path = dir.join(format!("{name}-{attempt}.log"));
        let log = File::create(&log_path).unwrap();
        let child = Command::new(binary)
            .args(args(port, &dir.join(format!("data-{attempt}"))))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let mut process = Process(child);
        match wait_ready(&mut process, &base).await {
            Ok(()) => return (process, base),
            Err(why) => {
                drop(process);
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let clash = log.contains("address already in use");
                failures.push(format!("port {port}: {why}\n{log}"));
                if !clash {
                    break;
                }
            }
        }
    }
    panic!("{name} did not start:\n{}", failures.join("\n"));
}

/// Polls `GET /-/ready` until the program says it is ready, or has exited.
async fn wait_ready(process: &mut Process, base: &str) -> Result<(), String> {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = process.0.try_wait() {
            return Err(format!("it exited ({status})"));
        }
        let ready = http
            .get(format!("{base}/-/ready"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
    Err(format!("not ready within {PATIENCE:?}"))
}

/// A port nobody was listening on a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Waits until `check` gives a value, looking every [`POLL`] up to
/// [`PATIENCE`]; the panic says what was awaited and what was last seen.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        match check().await {
            Ok(v) => return v,
            Err(last) if Instant::now() >= deadline => {
                panic!("waited {PATIENCE:?} for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

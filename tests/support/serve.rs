//! The real `oncall serve` as a process of its own, for the tests that kill
//! it with SIGKILL: started on a port of its own choosing (the address is
//! read from what it logs, so no port is guessed and none can clash), on a
//! config file and database in a folder the test keeps across restarts,
//! or on a PostgreSQL database (`on_database`) that several hubs share.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Bounds the wait for a hub to say where it listens.
const PATIENCE: Duration = Duration::from_secs(60);

/// A folder with the hub's config (`hub.toml`, private, as the hub demands
/// of a file of token hashes) and its database (`hub.db`).
pub struct HubFiles {
    pub dir: PathBuf,
    /// Set in each hub's environment: a notify secret, say.
    pub env: Vec<(String, String)>,
    /// What `--db` is given instead of `hub.db`: a PostgreSQL URL.
    database: Option<String>,
}

impl HubFiles {
    pub fn new(dir: &Path, config: &str) -> HubFiles {
        let path = dir.join("hub.toml");
        std::fs::write(&path, config).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        HubFiles {
            dir: dir.to_path_buf(),
            env: Vec::new(),
            database: None,
        }
    }

    /// The same, the hubs serving `url` (`postgres://...`) instead of a
    /// SQLite file: every hub started from these files shares it.
    pub fn on_database(dir: &Path, config: &str, url: &str) -> HubFiles {
        HubFiles {
            database: Some(url.to_string()),
            ..HubFiles::new(dir, config)
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("hub.db")
    }

    /// Starts `oncall serve` on these files.
    pub fn start(&self) -> ServedHub {
        let config = self.dir.join("hub.toml");
        let db = match &self.database {
            Some(url) => url.clone(),
            None => self.db().to_str().unwrap().to_string(),
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oncall"));
        cmd.args(["--config", config.to_str().unwrap(), "serve"])
            .args(["--listen", "127.0.0.1:0", "--db", &db])
            .env("ONCALL_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start oncall serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = std::sync::mpsc::channel();
        // Drained to the end, so the hub never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut hub = ServedHub {
            child,
            base: String::new(),
            lines,
        };
        let listening = hub.wait_for_log("hub listening addr=");
        let addr = listening
            .split("hub listening addr=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("");
        hub.base = format!("http://{addr}");
        hub
    }
}

/// A running `oncall serve`; killed with SIGKILL and reaped when dropped,
/// the test failed or not.
pub struct ServedHub {
    child: Child,
    pub base: String,
    /// What the hub logs, line by line, from its start.
    lines: std::sync::mpsc::Receiver<String>,
}

impl ServedHub {
    /// SIGKILL: no graceful stop, nothing flushed.
    pub fn kill(self) {
        drop(self);
    }

    /// SIGHUP: the hub reads its config again.
    #[allow(dead_code)]
    pub fn hang_up(&self) {
        let status = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -HUP failed");
    }

    /// The next line the hub logs that contains `fragment` (the lines before
    /// it are passed over); fails the test when none comes in time.
    pub fn wait_for_log(&self, fragment: &str) -> String {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(fragment) => return line,
                Ok(_) => {}
                Err(e) => panic!("the hub never logged {fragment:?}: {e}"),
            }
        }
    }
}

impl Drop for ServedHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

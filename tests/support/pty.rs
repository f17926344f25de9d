//! Runs the real `oncall` binary in a pseudo-terminal and reads its screen
//! through a terminal emulator (vt100), as a responder would see it.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// What the program asked of the terminal besides drawing.
#[derive(Default)]
pub struct Seen {
    /// Base64 payloads of OSC 52 clipboard writes.
    pub clipboard: Vec<Vec<u8>>,
    pub bells: usize,
    pub titles: Vec<Vec<u8>>,
    /// Desktop notifications (OSC 777;notify;TITLE;BODY), as written.
    pub notifications: Vec<(String, String)>,
}

impl vt100::Callbacks for Seen {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        if let [b"777", b"notify", title, body @ ..] = params {
            let body: Vec<String> = body
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            self.notifications
                .push((String::from_utf8_lossy(title).into_owned(), body.join(";")));
        }
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

pub struct Console {
    parser: vt100::Parser<Seen>,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

/// How long a condition may take before the test fails with the screen shown.
/// It bounds a wait, it measures nothing.
const PATIENCE: Duration = Duration::from_secs(60);

impl Console {
    /// The console of responder `who` (token `token`) on the hub at `base`,
    /// its config and data in `dir`, polling every second, at 120x40.
    pub fn of_hub(dir: &std::path::Path, who: &str, token: &str, base: &str) -> Console {
        let cfg = dir.join(format!("{who}.toml"));
        let text = format!(
            "responder = \"{who}\"\n[[feeds]]\nname = \"team hub\"\nurl = \"{base}\"\ntoken_env = \"TEST_ONCALL_TOKEN\"\npoll_interval = \"1s\"\n"
        );
        std::fs::write(&cfg, text).unwrap();
        let data = dir.join(format!("{who}-data"));
        Console::spawn(
            &["--config", cfg.to_str().unwrap()],
            &[
                ("TEST_ONCALL_TOKEN", token),
                ("ONCALL_DATA_DIR", data.to_str().unwrap()),
            ],
            120,
            40,
        )
    }

    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Console {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_oncall"));
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("start oncall");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Console {
            parser: vt100::Parser::new_with_callbacks(
                nonzero(rows),
                nonzero(cols),
                0,
                Seen::default(),
            ),
            output,
            writer,
            child,
            _master: pair.master,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn seen(&self) -> &Seen {
        self.parser.callbacks()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.screen().alternate_screen()
    }

    /// Reads output until `cond` holds for the screen; panics with the
    /// screen if it does not within `PATIENCE`.
    pub fn wait_for(&mut self, what: &str, cond: impl Fn(&str) -> bool) {
        self.wait_until(what, |screen, _| cond(screen));
    }

    /// Reads output until `cond` holds for the screen and what else the
    /// program asked of the terminal (bells, notifications).
    pub fn wait_until(&mut self, what: &str, cond: impl Fn(&str, &Seen) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if cond(&self.screen(), self.seen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; screen:\n{}", self.screen())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    if cond(&self.screen(), self.seen()) {
                        return;
                    }
                    panic!(
                        "oncall exited while waiting for {what}; screen:\n{}",
                        self.screen()
                    )
                }
            }
        }
    }

    pub fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(&format!("'{text}'"), move |s| s.contains(&t));
    }

    /// Sends a signal to the program, as `kill -SIG` would.
    pub fn signal(&self, sig: &str) {
        let pid = self.child.process_id().expect("a process id");
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -{sig} {pid} failed");
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Waits for the program to exit and returns whether it succeeded,
    /// reading the rest of its output first (the pty closes when it exits).
    pub fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("oncall did not exit; screen:\n{}", self.screen())
                }
            }
        }
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

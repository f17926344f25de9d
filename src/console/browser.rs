//! Opening a link in the responder's browser: which program (`$BROWSER`,
//! else `xdg-open`, or `open` on macOS), started detached so it never
//! draws over the console nor takes its keys, and never waited for on the
//! event loop. Whether it started is said at once; a browser that then
//! fails says so later, as a message of its own.
use std::io;
use std::process::{Child, Command, Stdio};

use tokio::sync::mpsc;

use super::msg::Msg;

/// The programs to try, in order: each of `$BROWSER`'s `:`-separated
/// entries (the convention), each run as a program with the link as its
/// only argument, never through a shell; without it, the system's opener.
pub fn candidates(var: impl Fn(&str) -> Option<String>, macos: bool) -> Vec<String> {
    let from_env: Vec<String> = var("BROWSER")
        .unwrap_or_default()
        .split(':')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if !from_env.is_empty() {
        return from_env;
    }
    vec![if macos { "open" } else { "xdg-open" }.to_string()]
}

/// How to open links, set from the environment at start.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    /// The programs to try ([`candidates`]).
    pub programs: Vec<String>,
    /// Over SSH: the link was put on the clipboard too, and a failure says so.
    pub remote: bool,
    /// Where a later failure is told (the console's own queue).
    pub replies: Option<mpsc::UnboundedSender<Msg>>,
}

impl Browser {
    /// Starts the first program that runs on `url`, which is clean (http or
    /// https, printable ASCII). What is said at once: which one started, or
    /// why none did.
    pub fn open(&self, url: &str) -> Result<String, String> {
        let mut tried = Vec::new();
        for program in &self.programs {
            match start(program, url) {
                Ok(child) => {
                    self.reap(program.clone(), child);
                    let mut said = format!("Opened {url} in the browser ({program}).");
                    if self.remote {
                        said.push_str(" Over SSH it is on the clipboard too (OSC 52).");
                    }
                    return Ok(said);
                }
                Err(e) => tried.push(format!("{program}: {e}")),
            }
        }
        Err(self.no_browser(&tried.join("; ")))
    }

    fn no_browser(&self, why: &str) -> String {
        let mut said = format!("No browser: set $BROWSER ({why}).");
        if self.remote {
            said.push_str(
                " Over SSH there is usually none: the link was copied to the clipboard (OSC 52).",
            );
        }
        said
    }

    /// Waits for the program off the event loop (so it leaves no zombie)
    /// and tells of a failure: `xdg-open` with no browser behind it ends
    /// with an error soon after it started.
    fn reap(&self, program: String, mut child: Child) {
        let replies = self.replies.clone();
        let remote = self.remote;
        std::thread::spawn(move || {
            let failed = match child.wait() {
                Ok(status) if status.success() => return,
                Ok(status) => format!("{program} could not open the link ({status})"),
                Err(e) => format!("{program} could not be waited for: {e}"),
            };
            let said = Browser {
                remote,
                ..Browser::default()
            }
            .no_browser(&failed);
            if let Some(replies) = replies {
                // A console that is gone has nobody to tell.
                let _ = replies.send(Msg::External(Err(said)));
            }
        });
    }
}

/// Runs `program` on `url` with nothing of the terminal: no input, its
/// output thrown away, in a process group of its own (Ctrl-C and a closed
/// window are the console's, not the browser's).
fn start(program: &str, url: &str) -> io::Result<Child> {
    let mut command = Command::new(program);
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::external::tests::env;

    #[test]
    fn browser_entries_are_tried_in_order_else_the_systems_opener() {
        assert_eq!(
            candidates(
                env(vec![("BROWSER", "firefox:/usr/bin/w3m -dump: ")]),
                false
            ),
            ["firefox", "/usr/bin/w3m -dump"],
            "each entry is one program, spaces and all: no shell splits it"
        );
        assert_eq!(candidates(env(vec![]), false), ["xdg-open"]);
        assert_eq!(
            candidates(env(vec![("BROWSER", " : ")]), false),
            ["xdg-open"]
        );
        assert_eq!(candidates(env(vec![]), true), ["open"]);
    }

    #[test]
    fn with_no_program_that_runs_it_says_to_set_browser_and_over_ssh_that_it_copied() {
        let browser = Browser {
            programs: vec!["/nonexistent/oncall-browser".into()],
            ..Browser::default()
        };
        let said = browser.open("https://r/x").unwrap_err();
        assert!(said.starts_with("No browser: set $BROWSER"), "{said}");
        assert!(said.contains("/nonexistent/oncall-browser"), "{said}");
        let remote = Browser {
            remote: true,
            ..browser
        };
        let said = remote.open("https://r/x").unwrap_err();
        assert!(said.contains("copied to the clipboard (OSC 52)"), "{said}");
    }
}

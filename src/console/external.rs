//! What the console hands to the terminal and to other programs: the
//! clipboard through OSC 52, and the responder's pager or editor.
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, ExitStatus};

use base64::Engine;

/// Asks the terminal to put `text` on the clipboard. Works over SSH in
/// terminals that allow it (most do; tmux needs `set -g set-clipboard on`).
pub fn copy(text: &str) -> io::Result<()> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// Rings the terminal bell once.
pub fn bell() -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(b"\x07")?;
    out.flush()
}

/// The program to read a runbook with: `$PAGER`, else `$EDITOR`, else `less`.
pub fn viewer() -> String {
    ["PAGER", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "less".to_string())
}

/// Runs the viewer on `file` in the foreground and waits for it. The viewer
/// may carry arguments ("less -R", "code --wait"), so a shell runs it; the
/// file travels as an argument, never inside the command text.
pub fn open(viewer: &str, file: &Path) -> io::Result<ExitStatus> {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{viewer} \"$1\""))
        .arg("sh")
        .arg(file)
        .status()
}

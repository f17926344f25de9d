//! What the console hands to the terminal and to other programs: the
//! escape sequences it writes between frames (the bell, the clipboard
//! through OSC 52; a desktop notification will be one more), and the
//! responder's pager or editor.
use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus};

use base64::Engine;

/// Rings the terminal bell once.
pub const BELL: &str = "\x07";

/// Asks the terminal to put `text` on the clipboard. Works over SSH in
/// terminals that allow it (most do; tmux needs `set -g set-clipboard on`).
pub fn clipboard(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
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

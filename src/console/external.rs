//! What the console hands to the terminal and to other programs: the
//! escape sequences it writes between frames (the bell, the clipboard
//! through OSC 52, a desktop notification through OSC 777 or OSC 9), and
//! the responder's pager or editor.
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

/// How the terminal takes a desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationForm {
    /// `OSC 777;notify;TITLE;BODY`: foot, Ghostty, WezTerm, rxvt-unicode,
    /// VTE terminals (GNOME Terminal, Tilix), Konsole.
    Osc777,
    /// `OSC 9;TEXT`: iTerm2, Windows Terminal, kitty.
    Osc9,
}

impl NotificationForm {
    /// The form the terminal this console runs in understands, from what
    /// terminals say of themselves in the environment.
    pub fn of_terminal(var: impl Fn(&str) -> Option<String>) -> NotificationForm {
        let program = var("TERM_PROGRAM").unwrap_or_default();
        let term = var("TERM").unwrap_or_default();
        if program == "iTerm.app" || var("WT_SESSION").is_some() || term == "xterm-kitty" {
            NotificationForm::Osc9
        } else {
            NotificationForm::Osc777
        }
    }
}

/// The sequence that raises a desktop notification. The texts arrive
/// cleaned; `;` would end a field of OSC 777 early, so it reads `,` here.
/// Inside tmux the sequence is passed through to the outer terminal (tmux
/// needs `set -g allow-passthrough on`), since tmux keeps OSC 777 to itself.
pub fn notification(form: NotificationForm, title: &str, body: &str, in_tmux: bool) -> String {
    let field = |s: &str| crate::sanitize::line(s).replace(';', ",");
    let osc = match form {
        NotificationForm::Osc777 => format!("\x1b]777;notify;{};{}\x07", field(title), field(body)),
        NotificationForm::Osc9 => format!("\x1b]9;{}: {}\x07", field(title), field(body)),
    };
    if in_tmux {
        // DCS passthrough: every ESC inside is doubled.
        format!("\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b"))
    } else {
        osc
    }
}

/// Whether the terminal draws OSC 8 hyperlinks, from what it says of itself
/// in the environment (the console reads it once, at start).
/// `FORCE_HYPERLINK` decides when set (`0` is no). No for the dumb and the
/// Linux console, and inside tmux or screen (whose own variables hide the
/// terminal's); yes for terminals known to take them; no when unsure, since
/// a terminal that does not may show the sequence as text.
pub fn hyperlinks_supported(var: impl Fn(&str) -> Option<String>) -> bool {
    if let Some(forced) = var("FORCE_HYPERLINK") {
        return forced.trim() != "0";
    }
    let term = var("TERM").unwrap_or_default();
    if term.is_empty()
        || term == "dumb"
        || term == "linux"
        || term.starts_with("screen")
        || term.starts_with("tmux")
        || var("TMUX").is_some()
        || var("STY").is_some()
    {
        return false;
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    let known_program = [
        "iTerm.app",
        "WezTerm",
        "vscode",
        "ghostty",
        "Hyper",
        "Tabby",
        "rio",
    ];
    // VTE (GNOME Terminal, Tilix, ...) from 0.50, written 5000.
    let vte = var("VTE_VERSION")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .is_some_and(|v| v >= 5000);
    known_program.contains(&program.as_str())
        || vte
        || var("KITTY_WINDOW_ID").is_some()
        || var("WT_SESSION").is_some()
        || var("KONSOLE_VERSION").is_some()
        || ["kitty", "wezterm", "foot", "alacritty", "ghostty", "rio"]
            .iter()
            .any(|t| term.contains(t))
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn a_notification_is_one_osc_with_fields_that_cannot_end_early() {
        let seq = notification(
            NotificationForm::Osc777,
            "oncall: #7",
            "a;b\x1b]0;x\x07",
            false,
        );
        assert_eq!(seq, "\x1b]777;notify;oncall: #7;a,b\x07");
        let seq = notification(NotificationForm::Osc9, "oncall: #7", "db down", false);
        assert_eq!(seq, "\x1b]9;oncall: #7: db down\x07");
    }

    #[test]
    fn inside_tmux_the_notification_passes_through_to_the_outer_terminal() {
        let seq = notification(NotificationForm::Osc777, "t", "b", true);
        assert_eq!(seq, "\x1bPtmux;\x1b\x1b]777;notify;t;b\x07\x1b\\");
    }

    /// An environment of these variables only.
    pub(in crate::console) fn env(
        pairs: Vec<(&'static str, &'static str)>,
    ) -> impl Fn(&str) -> Option<String> {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn hyperlinks_are_drawn_only_where_the_terminal_is_known_to_take_them() {
        for yes in [
            &[("TERM", "xterm-kitty")][..],
            &[("TERM", "foot")],
            &[("TERM", "xterm-256color"), ("VTE_VERSION", "7006")],
            &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "WezTerm")],
            &[("TERM", "xterm-256color"), ("WT_SESSION", "x")],
            &[("TERM", "dumb"), ("FORCE_HYPERLINK", "1")],
        ] {
            assert!(hyperlinks_supported(env(yes.to_vec())), "{yes:?}");
        }
        for no in [
            &[][..],
            &[("TERM", "dumb")],
            &[("TERM", "linux")],
            &[("TERM", "xterm-256color")],
            &[("TERM", "xterm-256color"), ("VTE_VERSION", "4803")],
            &[("TERM", "tmux-256color"), ("KITTY_WINDOW_ID", "1")],
            &[("TERM", "xterm-kitty"), ("TMUX", "/tmp/tmux-1/default,1,0")],
            &[("TERM", "xterm-kitty"), ("FORCE_HYPERLINK", "0")],
        ] {
            assert!(!hyperlinks_supported(env(no.to_vec())), "{no:?}");
        }
    }

    #[test]
    fn the_form_follows_what_the_terminal_says_of_itself() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let iterm = env(&[("TERM_PROGRAM", "iTerm.app")]);
        assert_eq!(NotificationForm::of_terminal(iterm), NotificationForm::Osc9);
        let wt = env(&[("WT_SESSION", "x")]);
        assert_eq!(NotificationForm::of_terminal(wt), NotificationForm::Osc9);
        let foot = env(&[("TERM", "foot")]);
        assert_eq!(
            NotificationForm::of_terminal(foot),
            NotificationForm::Osc777
        );
    }
}

//! `N`: the noise report, asked of the hub when the key is pressed (a
//! command for the feed worker; nothing is fetched in `update`), shown when
//! it comes, scrolled and closed by keys.
use super::super::keys::KeyAction;
use super::super::model::{Mode, Model};
use super::super::msg::Command;
use crate::feed::{FeedError, Request};
use crate::report::NoiseReport;

/// The window the console asks for.
pub const SINCE: &str = "7d";

/// How far a page key scrolls the report.
const PAGE: u16 = 10;

/// `N`: asks the hub for the report; it opens when it comes.
pub fn start(model: &mut Model) -> Vec<Command> {
    if let Some(why) = &model.feed.unavailable {
        model.warn(format!("No noise report without a feed: {why}."));
        return Vec::new();
    }
    if let Some(why) = model.feed.capabilities.report_refusal() {
        model.warn(why);
        return Vec::new();
    }
    if model.report_asked {
        model.say("Still waiting for the noise report…");
        return Vec::new();
    }
    model.report_asked = true;
    model.say("Asking the hub for the noise report of the last 7 days…");
    vec![Command::Feed(Request::Report {
        since: SINCE.to_string(),
    })]
}

/// The report came (or could not).
pub fn ready(model: &mut Model, result: Result<Box<NoiseReport>, FeedError>) {
    model.report_asked = false;
    match result {
        Ok(report) => {
            model.message = None;
            // Opened over the list only: a prompt or a note being written
            // keeps the keyboard, and the report waits for the next `N`.
            if model.mode == Mode::Normal {
                model.mode = Mode::Report { report, scroll: 0 };
            } else {
                model.say("The noise report came while you were busy: N shows it.");
            }
        }
        Err(e) => model.warn(format!("Could not read the noise report: {e}.")),
    }
}

/// Keys while the report is open.
pub fn key(model: &mut Model, report: Box<NoiseReport>, scroll: u16, action: Option<KeyAction>) {
    let scroll = match action {
        Some(KeyAction::Close) => return,
        Some(KeyAction::Down) => scroll.saturating_add(1),
        Some(KeyAction::Up) => scroll.saturating_sub(1),
        Some(KeyAction::PageDown) => scroll.saturating_add(PAGE),
        Some(KeyAction::PageUp) => scroll.saturating_sub(PAGE),
        Some(KeyAction::Top) => 0,
        _ => scroll,
    };
    model.mode = Mode::Report { report, scroll };
}

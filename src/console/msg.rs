//! What reaches `update` (messages) and what it asks for in return (commands).
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::feed::{FeedEvent, Request, WorkerEvent};

// One message is moved through a channel at a time; boxing the large
// variants would cost an allocation each for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Feed(FeedEvent),
    Worker(WorkerEvent),
    /// The terminal window gained (`true`) or lost the responder's focus.
    Focus(bool),
    /// The clock moved on; ages and staleness may read differently.
    Tick(DateTime<Utc>),
    /// SIGTERM, SIGHUP: leave cleanly.
    Terminate,
    /// How handing something to the terminal or another program went.
    External(Result<String, String>),
    /// Something the console found wrong outside the screen (a file of its
    /// own it could not read back), for the responder to know.
    Problem(String),
}

impl From<FeedEvent> for Msg {
    fn from(e: FeedEvent) -> Msg {
        Msg::Feed(e)
    }
}

impl From<WorkerEvent> for Msg {
    fn from(e: WorkerEvent) -> Msg {
        Msg::Worker(e)
    }
}

/// Side effects `update` asks the runtime to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send an action or fetch a detail (the feed worker).
    Feed(Request),
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Show a runbook in $PAGER/$EDITOR: its file, or its text when it is
    /// compiled in.
    OpenRunbook {
        id: String,
        file: Option<std::path::PathBuf>,
        text: String,
    },
    /// Open a web link in the responder's browser, without waiting for it.
    /// The link is clean (`weblink::clean`): http or https, printable ASCII.
    OpenUrl(String),
    /// Remember that the hand-off note with this id was read.
    RememberDismissed(u64),
    /// Ring the terminal bell once.
    Bell,
    /// Raise a desktop notification through the terminal (OSC 777 or
    /// OSC 9); both texts are already cleaned.
    Notify {
        title: String,
        body: String,
    },
    /// Write the on-disk cache of the feed.
    SaveCache(Box<crate::feed::cache::CachedFeed>),
    Quit,
}

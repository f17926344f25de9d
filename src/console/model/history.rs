//! The history popup (`R`) as the console holds it: the words being typed,
//! the resolved incidents the hub found for the last search (newest first,
//! a page at a time), the page on its way, and the one incident being read
//! with its timeline. All of it lives in the popup alone: nothing here joins
//! the list or the detail pane, and nothing is kept once it closes.
use crate::incident::Incident;

use super::super::input::LineInput;

/// How many incidents a page asks the hub for.
pub const HISTORY_PAGE: u32 = 50;

/// The search of resolved incidents, its results and what is being read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistorySearch {
    /// The words being typed.
    pub input: LineInput,
    /// The words the results were found for; `None` until a first answer.
    pub shown: Option<String>,
    /// Newest first, the pages come one after the other.
    pub results: Vec<Incident>,
    /// The result chosen.
    pub cursor: usize,
    /// The cursor of the page after the results; `None` after the last.
    pub next: Option<u64>,
    /// The page asked and not answered yet: its words and its cursor.
    pub asking: Option<(String, Option<u64>)>,
    /// Why the last page asked did not come (the hub unreachable): said in
    /// the popup, above what was shown before, which stays.
    pub problem: Option<String>,
    /// The incident opened from the results, read-only.
    pub reading: Option<Reading>,
}

/// A resolved incident being read: as its page listed it until its
/// timeline comes, then whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub incident: Box<Incident>,
    /// Its timeline came.
    pub whole: bool,
    /// Why it could not be read whole.
    pub problem: Option<String>,
    /// The first row on screen.
    pub scroll: u16,
}

impl HistorySearch {
    /// The words typed, as a search sends them: one space between words.
    pub fn typed(&self) -> String {
        words(self.input.text())
    }

    /// Whether `Enter` searches: the words typed are not what the results
    /// are for. Otherwise it opens the result chosen.
    pub fn searches(&self) -> bool {
        self.shown.as_deref() != Some(self.typed().as_str()) || self.results.is_empty()
    }

    /// The incident chosen, if any.
    pub fn chosen(&self) -> Option<&Incident> {
        self.results.get(self.cursor)
    }

    /// Whether the page after the results can be asked now: there is one,
    /// and no page is on its way.
    pub fn more(&self) -> Option<u64> {
        self.next.filter(|_| self.asking.is_none())
    }
}

/// `text`'s words, one space between them.
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

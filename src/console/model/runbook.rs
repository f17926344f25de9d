//! The runbook pane: which runbook shows (a match, or one picked from the
//! search), rendered for the pane's width, with its cursor and scroll.
use std::collections::BTreeSet;

use crate::runbook::markdown::Rendered;
use crate::runbook::{Match, Section};

#[derive(Debug, Clone, Default)]
pub struct RunbookPane {
    /// Runbooks that match the selected incident, best first.
    pub matches: Vec<Match>,
    /// Which of `matches` is shown (1..9 pick).
    pub choice: usize,
    /// A runbook picked from the search (`b`), shown instead of the matches
    /// until another incident is selected.
    pub pick: Option<String>,
    /// First line of the runbook on screen, and the line the cursor is on.
    pub scroll: usize,
    pub cursor: usize,
    pub view: Option<RunbookView>,
    /// The runbook shown next opens at its section (or its top), once its
    /// view is built: set when another incident, match or runbook is chosen,
    /// never by a refresh of the same incident.
    pub open_at_section: bool,
}

impl RunbookPane {
    /// The section the shown runbook opens at: the chosen match's; none
    /// for a runbook picked from the search.
    pub fn section(&self) -> Option<&Section> {
        if self.pick.is_some() {
            return None;
        }
        self.matches.get(self.choice)?.section.as_ref()
    }

    /// The line the section's heading is drawn on in the view as rendered.
    pub fn section_line(&self) -> Option<usize> {
        let wanted = self.section()?.heading.trim();
        let headings = &self.view.as_ref()?.doc.headings;
        headings
            .iter()
            .find(|h| h.text == wanted)
            .or_else(|| {
                headings
                    .iter()
                    .find(|h| h.text.to_lowercase() == wanted.to_lowercase())
            })
            .map(|h| h.line)
    }
}

/// The runbook pane's content, rendered for the pane's width.
#[derive(Debug, Clone)]
pub struct RunbookView {
    pub id: String,
    pub width: u16,
    pub done: BTreeSet<usize>,
    pub doc: Rendered,
}

/// A code block as messages name it: its first line, and how many more
/// follow ("`systemctl restart nginx` (+2 lines)"), in one clean line.
pub fn block_summary(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let more = text.trim_end().lines().count().saturating_sub(1);
    let tail = if more > 0 {
        format!(" (+{more} lines)")
    } else {
        String::new()
    };
    format!("`{}`{tail}", crate::sanitize::line(first))
}

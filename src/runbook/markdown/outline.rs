//! The headings of a runbook without drawing it: what `sections` may name,
//! what the matcher compares an incident with, and where the standard's
//! sections are. The text is the one the renderer draws for the heading.
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::sanitize;

/// A heading as the markdown source has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHeading {
    /// 1 for `#`, 2 for `##`, ...
    pub level: u8,
    /// Clean, one line, as `HeadingAnchor::text` shows it.
    pub text: String,
    /// 0-based line of the markdown the heading is on.
    pub line: usize,
}

/// Every heading of `markdown` with text, in document order.
pub fn outline(markdown: &str) -> Vec<SourceHeading> {
    let mut out = Vec::new();
    let mut open: Option<(u8, usize, String)> = None;
    for (event, range) in Parser::new_ext(markdown, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let line = markdown
                    .get(..range.start)
                    .map_or(0, |before| before.matches('\n').count());
                open = Some((level as u8, line, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, text)) = open.take()
                    && !text.trim().is_empty()
                {
                    out.push(SourceHeading {
                        level,
                        text: text.trim().to_string(),
                        line,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if let Some((_, _, text)) = &mut open {
                    text.push_str(&sanitize::line(&t));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, text)) = &mut open {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

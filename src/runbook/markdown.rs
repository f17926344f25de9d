//! Markdown to terminal lines, wrapped to the pane's width: headings, lists,
//! checklists, code blocks, tables, quotes, and where clean links' text
//! lands (`links`). Rendering is done once per
//! runbook and width (the caller caches it); drawing then only slices the
//! visible rows.
use std::collections::BTreeSet;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::sanitize;

mod layout;
mod links;
mod outline;
mod tag;
use layout::{Segment, expand_tabs, fit, split_at_width, wrap};
pub use links::LinkAnchor;
pub use outline::{SourceHeading, outline};
pub use tag::BlockTag;

/// A `- [ ]` item: where it is drawn and whether it is ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepAnchor {
    /// The first and last screen line of the step (it may wrap).
    pub line: usize,
    pub last_line: usize,
    pub done: bool,
    pub text: String,
}

/// A fenced or indented code block: its rows on screen and its text to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAnchor {
    pub first_line: usize,
    pub last_line: usize,
    pub text: String,
    /// What running it does, as its fence info says (`sh irreversible`).
    pub tag: Option<BlockTag>,
}

/// A heading: where it is drawn, so the pane can open at a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingAnchor {
    /// The screen line the heading starts on.
    pub line: usize,
    /// 1 for `#`, 2 for `##`, ...
    pub level: u8,
    /// The heading's text, clean, as `Section::heading` names it.
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub steps: Vec<StepAnchor>,
    pub code_blocks: Vec<CodeAnchor>,
    pub headings: Vec<HeadingAnchor>,
    /// Clean links, in the order they are drawn (by line, then column).
    pub links: Vec<LinkAnchor>,
}

const HEADING: Color = Color::Cyan;
const CODE: Color = Color::Yellow;

/// Renders `markdown` for a pane `width` columns wide. `done` holds the
/// indexes (in document order) of the checklist steps already ticked.
pub fn render(markdown: &str, width: u16, done: &BTreeSet<usize>) -> Rendered {
    let mut r = Renderer {
        width: usize::from(width.max(10)),
        done,
        out: Rendered::default(),
        inline: Vec::new(),
        styles: Vec::new(),
        lists: Vec::new(),
        item_marker: None,
        heading: None,
        quote_depth: 0,
        code: None,
        code_tag: None,
        table: None,
        step_count: 0,
        link: None,
        link_urls: Vec::new(),
    };
    for event in Parser::new_ext(markdown, options()) {
        r.event(event);
    }
    r.flush_inline();
    while r.out.lines.last().is_some_and(|l| l.width() == 0) {
        r.out.lines.pop();
    }
    r.out
}

/// The markdown the renderer reads (and the outline with it).
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

struct Renderer<'a> {
    width: usize,
    done: &'a BTreeSet<usize>,
    out: Rendered,
    /// Text of the block being built, with its styles.
    inline: Vec<Segment>,
    styles: Vec<Style>,
    /// One entry per open list: the next number for ordered lists.
    lists: Vec<Option<u64>>,
    /// The marker of the item whose first line is not drawn yet.
    item_marker: Option<String>,
    heading: Option<HeadingLevel>,
    quote_depth: usize,
    code: Option<String>,
    code_tag: Option<BlockTag>,
    table: Option<Table>,
    step_count: usize,
    /// Inside `[text](url)` with a clean URL: its index in `link_urls`.
    link: Option<usize>,
    /// The clean URLs of the links in the block being built.
    link_urls: Vec<String>,
}

#[derive(Default)]
struct Table {
    align: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    header_rows: usize,
    cell: String,
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let s = f(self.style());
        self.styles.push(s);
    }

    fn event(&mut self, event: Event) {
        if let Some(table) = &mut self.table {
            match event {
                Event::Text(t) | Event::Code(t) => return table.cell.push_str(&t),
                Event::SoftBreak | Event::HardBreak => return table.cell.push(' '),
                Event::End(TagEnd::TableCell) => {
                    let cell = std::mem::take(&mut table.cell);
                    if let Some(row) = table.rows.last_mut() {
                        row.push(cell.trim().to_string());
                    }
                    return;
                }
                Event::Start(Tag::TableHead | Tag::TableRow) => return table.rows.push(Vec::new()),
                Event::End(TagEnd::TableHead) => {
                    table.header_rows = table.rows.len();
                    return;
                }
                Event::End(TagEnd::Table) => {}
                _ => return,
            }
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&t);
                } else {
                    self.text(&sanitize::line(&t));
                }
            }
            Event::Code(t) => {
                self.inline
                    .push((sanitize::line(&t), self.style().fg(CODE), self.link))
            }
            // A heading is one anchor, whatever breaks its source has.
            Event::SoftBreak => self.inline.push((" ".into(), self.style(), self.link)),
            Event::HardBreak if self.heading.is_some() => {
                self.inline.push((" ".into(), self.style(), self.link))
            }
            Event::HardBreak => self.flush_inline(),
            Event::Rule => {
                self.flush_inline();
                let w = self.width;
                self.out.lines.push(Line::styled(
                    "─".repeat(w),
                    Style::default().fg(Color::DarkGray),
                ));
                self.blank();
            }
            Event::TaskListMarker(checked) => {
                let index = self.step_count;
                self.step_count += 1;
                let done = checked || self.done.contains(&index);
                self.item_marker = Some(if done { "[x] " } else { "[ ] " }.to_string());
                self.out.steps.push(StepAnchor {
                    line: self.out.lines.len(),
                    last_line: self.out.lines.len(),
                    done,
                    text: String::new(),
                });
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                self.inline.push((sanitize::line(&t), self.style(), None))
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.heading = Some(level);
                let style = match level {
                    HeadingLevel::H1 => Style::new()
                        .fg(HEADING)
                        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                    HeadingLevel::H2 => Style::new().fg(HEADING).add_modifier(Modifier::BOLD),
                    _ => Style::new().add_modifier(Modifier::BOLD),
                };
                self.styles.push(style);
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                self.code_tag = None;
                if let CodeBlockKind::Fenced(info) = kind {
                    self.code_tag = BlockTag::parse(&info);
                    self.out.lines.extend(tag::info_line(&info, self.width));
                }
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inline();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush_inline();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                self.item_marker = Some(marker);
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.link = self.note_link(&dest_url);
                self.push_style(|s| s.add_modifier(Modifier::UNDERLINED));
            }
            Tag::Table(align) => {
                self.flush_inline();
                self.table = Some(Table {
                    align,
                    ..Table::default()
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Heading(level) => {
                let text: String = self.inline.iter().map(|(t, _, _)| t.as_str()).collect();
                if !text.trim().is_empty() {
                    self.out.headings.push(HeadingAnchor {
                        line: self.out.lines.len(),
                        level: level as u8,
                        text: text.trim().to_string(),
                    });
                }
                self.flush_inline();
                self.heading = None;
                self.styles.pop();
                self.blank();
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.blank();
            }
            TagEnd::CodeBlock => self.code_block(),
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush_inline(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.link = None;
                self.styles.pop();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.draw_table(t);
                }
            }
            _ => {}
        }
    }

    fn blank(&mut self) {
        if self.out.lines.last().is_some_and(|l| l.width() > 0) {
            self.out.lines.push(Line::default());
        }
    }

    fn indent(&self) -> usize {
        self.lists.len().saturating_sub(1) * 3
    }

    /// Wraps the pending inline text into lines, with the list marker or
    /// quote bar in front of the first line and an indent on the others.
    fn flush_inline(&mut self) {
        let marker = self.item_marker.take();
        if self.inline.is_empty() && marker.is_none() {
            return;
        }
        let segments = std::mem::take(&mut self.inline);
        let quote = "│ ".repeat(self.quote_depth);
        let indent = " ".repeat(self.indent());
        let marker_text = marker.unwrap_or_default();
        let first: Vec<Span<'static>> = vec![
            Span::styled(quote.clone(), Style::new().fg(Color::DarkGray)),
            Span::raw(indent.clone()),
            Span::styled(marker_text.clone(), marker_style(&marker_text)),
        ];
        let cont = format!("{quote}{indent}{}", " ".repeat(marker_text.width()));
        let step_starts_here = self
            .out
            .steps
            .last()
            .is_some_and(|s| s.line == self.out.lines.len() && s.text.is_empty());
        let text: String = segments.iter().map(|(t, _, _)| t.as_str()).collect();
        let (lines, runs) = wrap(segments, first, &cont, self.width);
        let urls = self.take_link_urls();
        let base = self.out.lines.len();
        self.out.links.extend(runs.into_iter().filter_map(|run| {
            Some(LinkAnchor {
                line: base + run.line,
                column: u16::try_from(run.column).ok()?,
                width: u16::try_from(run.width).ok()?,
                url: urls.get(run.link)?.clone(),
            })
        }));
        self.out.lines.extend(lines);
        if step_starts_here && let Some(step) = self.out.steps.last_mut() {
            step.text = text.trim().to_string();
            step.last_line = self.out.lines.len().saturating_sub(1);
        }
    }

    fn code_block(&mut self) {
        let text = self.code.take().unwrap_or_default();
        let first_line = self.out.lines.len();
        let style = Style::new().fg(CODE);
        let prefix = format!("{}  ", " ".repeat(self.indent()));
        let room = self.width.saturating_sub(prefix.width()).max(4);
        for raw in text.trim_end_matches('\n').split('\n') {
            // A tab is one character but up to eight columns: lay it out as spaces.
            let expanded = sanitize::line(&expand_tabs(raw));
            let mut rest = expanded.as_str();
            loop {
                let (head, tail) = split_at_width(rest, room);
                self.out.lines.push(Line::from(vec![
                    Span::raw(prefix.clone()),
                    Span::styled(head.to_string(), style),
                ]));
                if tail.is_empty() {
                    break;
                }
                rest = tail;
            }
        }
        let last_line = self.out.lines.len().saturating_sub(1);
        self.out.code_blocks.push(CodeAnchor {
            first_line,
            last_line,
            text,
            tag: self.code_tag.take(),
        });
        self.blank();
    }

    fn draw_table(&mut self, t: Table) {
        let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let mut widths = vec![0usize; cols];
        for row in &t.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.width());
            }
        }
        // Shrink the widest column until the table fits (3 columns of separators each).
        let room = self.width.saturating_sub(cols.saturating_sub(1) * 3);
        while widths.iter().sum::<usize>() > room {
            let Some(widest) = widths.iter_mut().max() else {
                break;
            };
            if *widest <= 3 {
                break;
            }
            *widest -= 1;
        }
        let sep = Style::new().fg(Color::DarkGray);
        for (r, row) in t.rows.iter().enumerate() {
            let mut spans = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" │ ", sep));
                }
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                let text = fit(cell, *w, t.align.get(i).copied().unwrap_or(Alignment::None));
                let style = if r < t.header_rows {
                    Style::new().add_modifier(Modifier::BOLD)
                } else {
                    Style::new()
                };
                spans.push(Span::styled(text, style));
            }
            self.out.lines.push(Line::from(spans));
            if r + 1 == t.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.out.lines.push(Line::styled(rule.join("─┼─"), sep));
            }
        }
        self.blank();
    }
}

fn marker_style(marker: &str) -> Style {
    match marker {
        "[x] " => Style::new().fg(Color::Green),
        "[ ] " => Style::new().fg(Color::Magenta),
        _ => Style::new().fg(Color::DarkGray),
    }
}

#[cfg(test)]
mod tests;

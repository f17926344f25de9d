//! Laying text out in columns: word wrap of styled text, cutting to a
//! width, table cells, tabs. Wrapping says where each link's text landed.
use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub(super) fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if c == '\t' {
            let pad = 4 - out.width() % 4;
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.push(c);
        }
    }
    out
}

/// Pads or cuts `text` to exactly `width` columns.
pub(super) fn fit(text: &str, width: usize, align: Alignment) -> String {
    let w = text.width();
    if w > width {
        let (head, _) = split_at_width(text, width.saturating_sub(1));
        let mut s = head.to_string();
        s.push('…');
        let pad = width.saturating_sub(s.width());
        return s + &" ".repeat(pad);
    }
    let pad = width - w;
    match align {
        Alignment::Right => format!("{}{text}", " ".repeat(pad)),
        Alignment::Center => format!("{}{text}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2)),
        _ => format!("{text}{}", " ".repeat(pad)),
    }
}

/// The longest prefix of `s` that fits in `width` columns, and the rest.
pub(super) fn split_at_width(s: &str, width: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            return s.split_at(i);
        }
        used += w;
    }
    (s, "")
}

/// Inline text: its words, their style, and the link (an index into the
/// block's links) they are the text of, if any.
pub(super) type Segment = (String, Style, Option<usize>);

/// Where wrapped text of a link landed: the line (from the first one
/// `wrap` made), the column it starts at, its width, and which link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LinkRun {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub link: usize,
}

/// A word may span several styles ("(" then `code` then ")"): it is kept
/// together on one line all the same.
struct Word {
    pieces: Vec<Segment>,
    /// The style of the space before it, if there is one.
    space: Option<Style>,
}

impl Word {
    fn width(&self) -> usize {
        self.pieces.iter().map(|(t, _, _)| t.width()).sum()
    }
}

fn words(segments: Vec<Segment>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut space: Option<Style> = None;
    let mut open = false;
    for (text, style, link) in segments {
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                space = Some(style);
                open = false;
            }
            if part.is_empty() {
                continue;
            }
            match out.last_mut() {
                Some(w) if open => w.pieces.push((part.to_string(), style, link)),
                _ => out.push(Word {
                    pieces: vec![(part.to_string(), style, link)],
                    space: space.take(),
                }),
            }
            open = true;
        }
    }
    out
}

/// Greedy word wrap of styled text. Words longer than a line are cut.
/// Also says where the text of links landed, a run per piece of it on a
/// line.
pub(super) fn wrap(
    segments: Vec<Segment>,
    first: Vec<Span<'static>>,
    cont: &str,
    width: usize,
) -> (Vec<Line<'static>>, Vec<LinkRun>) {
    let mut lines = Vec::new();
    let mut runs: Vec<LinkRun> = Vec::new();
    let mut used: usize = first.iter().map(|s| s.content.width()).sum();
    let mut current: Vec<Span<'static>> = first;
    let mut line_start = true;
    for word in words(segments) {
        let space = usize::from(word.space.is_some() && !line_start);
        if !line_start && used + space + word.width() > width {
            lines.push(Line::from(std::mem::take(&mut current)));
            current.push(Span::raw(cont.to_string()));
            used = cont.width();
            line_start = true;
        }
        if let Some(style) = word.space
            && !line_start
        {
            current.push(Span::styled(" ", style));
            used += 1;
        }
        for (mut text, style, link) in word.pieces {
            // A word wider than the whole line is cut where it must be.
            while used + text.width() > width && cont.width() < width {
                let (head, tail) = split_at_width(&text, width.saturating_sub(used));
                if head.is_empty() && used == cont.width() {
                    break; // not even one character fits on a fresh line
                }
                if !head.is_empty() {
                    run(&mut runs, link, lines.len(), used, head.width());
                    current.push(Span::styled(head.to_string(), style));
                }
                lines.push(Line::from(std::mem::take(&mut current)));
                current.push(Span::raw(cont.to_string()));
                used = cont.width();
                text = tail.to_string();
            }
            run(&mut runs, link, lines.len(), used, text.width());
            used += text.width();
            current.push(Span::styled(text, style));
        }
        line_start = false;
    }
    lines.push(Line::from(current));
    (lines, runs)
}

/// Notes that link `link` has `width` columns of text at `column` of
/// `line`: one run with the last when it goes on from it (a word after a
/// space of the same link's text).
fn run(runs: &mut Vec<LinkRun>, link: Option<usize>, line: usize, column: usize, width: usize) {
    let Some(link) = link else {
        return;
    };
    if width == 0 {
        return;
    }
    match runs.last_mut() {
        Some(last)
            if last.link == link && last.line == line && column <= last.column + last.width + 1 =>
        {
            last.width = column + width - last.column;
        }
        _ => runs.push(LinkRun {
            line,
            column,
            width,
            link,
        }),
    }
}

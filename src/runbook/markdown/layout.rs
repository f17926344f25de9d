//! Laying text out in columns: word wrap of styled text, cutting to a
//! width, table cells, tabs.
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

/// A word may span several styles ("(" then `code` then ")"): it is kept
/// together on one line all the same.
struct Word {
    pieces: Vec<(String, Style)>,
    /// The style of the space before it, if there is one.
    space: Option<Style>,
}

impl Word {
    fn width(&self) -> usize {
        self.pieces.iter().map(|(t, _)| t.width()).sum()
    }
}

fn words(segments: Vec<(String, Style)>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut space: Option<Style> = None;
    let mut open = false;
    for (text, style) in segments {
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                space = Some(style);
                open = false;
            }
            if part.is_empty() {
                continue;
            }
            match out.last_mut() {
                Some(w) if open => w.pieces.push((part.to_string(), style)),
                _ => out.push(Word {
                    pieces: vec![(part.to_string(), style)],
                    space: space.take(),
                }),
            }
            open = true;
        }
    }
    out
}

/// Greedy word wrap of styled text. Words longer than a line are cut.
pub(super) fn wrap(
    segments: Vec<(String, Style)>,
    first: Vec<Span<'static>>,
    cont: &str,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
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
        for (mut text, style) in word.pieces {
            // A word wider than the whole line is cut where it must be.
            while used + text.width() > width && cont.width() < width {
                let (head, tail) = split_at_width(&text, width.saturating_sub(used));
                if head.is_empty() && used == cont.width() {
                    break; // not even one character fits on a fresh line
                }
                if !head.is_empty() {
                    current.push(Span::styled(head.to_string(), style));
                }
                lines.push(Line::from(std::mem::take(&mut current)));
                current.push(Span::raw(cont.to_string()));
                used = cont.width();
                text = tail.to_string();
            }
            used += text.width();
            current.push(Span::styled(text, style));
        }
        line_start = false;
    }
    lines.push(Line::from(current));
    lines
}

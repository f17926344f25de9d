//! Word wrap of styled lines into rows of a width. ratatui's own wrap does
//! not say how many rows it made; a pane that scrolls, and says what is
//! below, needs to know.
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// `lines` cut into rows at most `width` columns wide: at spaces where it
/// can, inside a word longer than the row where it must. A space that
/// falls at the end of a row is dropped; indentation is kept. Stops once
/// there are more than `limit` rows: a pane needs to know only that.
pub fn wrap(lines: &[Line<'_>], width: u16, limit: usize) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut rows = Vec::new();
    for line in lines {
        if rows.len() > limit {
            break;
        }
        let mut out = Rows::new(width, line.style);
        for span in &line.spans {
            for c in span.content.chars() {
                out.push(c, span.style);
            }
        }
        rows.extend(out.finish());
    }
    rows
}

type Cell = (char, Style);

struct Rows {
    width: usize,
    style: Style,
    done: Vec<Line<'static>>,
    row: Vec<Cell>,
    used: usize,
    word: Vec<Cell>,
    word_width: usize,
}

impl Rows {
    fn new(width: usize, style: Style) -> Rows {
        Rows {
            width: width.max(1),
            style,
            done: Vec::new(),
            row: Vec::new(),
            used: 0,
            word: Vec::new(),
            word_width: 0,
        }
    }

    fn push(&mut self, c: char, style: Style) {
        let w = c.width().unwrap_or(0);
        if c != ' ' {
            self.word.push((c, style));
            self.word_width += w;
            return;
        }
        self.place_word();
        if self.used < self.width {
            self.row.push((c, style));
            self.used += 1;
        } else {
            self.break_row();
        }
    }

    /// The word ends: on this row if it fits, else on the next, else cut.
    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        if self.used + self.word_width > self.width && self.used > 0 {
            self.break_row();
        }
        for (c, style) in std::mem::take(&mut self.word) {
            let w = c.width().unwrap_or(0);
            if self.used + w > self.width && self.used > 0 {
                self.break_row();
            }
            self.row.push((c, style));
            self.used += w;
        }
        self.word_width = 0;
    }

    fn break_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        self.done.push(to_line(row, self.style));
        self.used = 0;
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        self.place_word();
        self.break_row();
        self.done
    }
}

/// Cells back into spans, one for each run of a style.
fn to_line(cells: Vec<Cell>, style: Style) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Style> = None;
    for (c, s) in cells {
        if current.is_some_and(|cur| cur != s) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                current.unwrap_or_default(),
            ));
        }
        current = Some(s);
        text.push(c);
    }
    if let Some(s) = current {
        spans.push(Span::styled(text, s));
    }
    Line::from(spans).style(style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn texts(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wraps_at_spaces_and_cuts_what_cannot_fit() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let line = Line::from(vec![
            Span::styled("02:59 sam ", bold),
            Span::raw("note: Switch port counters clean on core-sw-2."),
        ]);
        let rows = wrap(&[line], 20, 99);
        assert_eq!(
            texts(&rows),
            [
                "02:59 sam note: ",
                "Switch port counters",
                "clean on core-sw-2."
            ]
        );
        assert_eq!(rows[0].spans[0].style, bold, "styles stay with their text");
        assert_eq!(
            texts(&wrap(&[Line::raw("abcdefghij")], 4, 99)),
            ["abcd", "efgh", "ij"]
        );
        assert_eq!(
            texts(&wrap(&[Line::raw("")], 4, 99)),
            [""],
            "an empty line is a row"
        );
        for row in wrap(&[Line::raw("障害 が 発生 しました 障害障害障害")], 5, 99) {
            assert!(row.width() <= 5, "{row}");
        }
    }
}

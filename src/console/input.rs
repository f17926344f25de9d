//! A one-line text field for filters and notes.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
}

/// Longest text a field takes; the hub's limits are larger, but a note typed
/// in one line at 3 a.m. does not need more.
const MAX_CHARS: usize = 4000;

impl LineInput {
    pub fn with_text(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies an editing key; returns false for keys it does not edit with.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.len(),
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                if self.len() < MAX_CHARS {
                    let at = self.byte_at(self.cursor);
                    self.text.insert(at, c);
                    self.cursor += 1;
                }
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete if self.cursor < self.len() => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }

    /// Pasted text arrives as one string; newlines become spaces.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            let c = if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            };
            if !c.is_control() && self.len() < MAX_CHARS {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
        }
    }

    /// What of the text shows in a field `width` columns wide, and the
    /// cursor's column in it. A text longer than the field scrolls sideways
    /// by half a field at a time so the cursor stays in view; `…` marks text
    /// cut off on either side.
    pub fn window(&self, width: usize) -> (String, usize) {
        let widths: Vec<usize> = self.text.chars().map(char_width).collect();
        let cursor_col: usize = widths[..self.cursor.min(widths.len())].iter().sum();
        let total: usize = widths.iter().sum();
        // The last column stays free for the cursor at the end, or for `…`.
        let room = width.saturating_sub(1);
        if total <= room || room < 2 {
            return (self.text.clone(), cursor_col.min(room));
        }
        let half = (room / 2).max(1);
        let start = if cursor_col < room {
            0
        } else {
            ((cursor_col - room) / half + 1) * half
        };
        // Column `x` of the text shows at `x - start`; the first one is the
        // marker when the start is cut off.
        let first = start + usize::from(start > 0);
        let mut shown = String::from(if start > 0 { "…" } else { "" });
        let mut col = 0;
        for (c, w) in self.text.chars().zip(widths) {
            let at = col;
            col += w;
            if at < first {
                // A wide character cut in two by the marker: its half is blank.
                shown.extend(std::iter::repeat_n(' ', col.saturating_sub(first)));
                continue;
            }
            if at - start + w > room {
                shown.push('…');
                break;
            }
            shown.push(c);
        }
        (shown, cursor_col - start)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

/// Columns a character takes on screen (what the field cannot show, none).
fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode) {
        input.handle(&KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn edits_in_the_middle() {
        let mut i = LineInput::with_text("héllo");
        press(&mut i, KeyCode::Left);
        press(&mut i, KeyCode::Backspace);
        press(&mut i, KeyCode::Char('L'));
        assert_eq!(i.text(), "hélLo");
        press(&mut i, KeyCode::Home);
        press(&mut i, KeyCode::Delete);
        assert_eq!(i.text(), "élLo");
        i.paste("a\nb\u{1b}");
        assert_eq!(i.text(), "a bélLo");
    }

    #[test]
    fn a_long_line_scrolls_sideways_to_keep_the_cursor_in_view() {
        let text = "the primary was restarted at 03:12 after the disk filled";
        let mut i = LineInput::with_text(text);
        assert_eq!(i.window(80), (text.to_string(), text.len()), "fits");
        // At the end of the line: its end shows, the start is cut off (the
        // field moves by half its width, not at every letter).
        let (shown, at) = i.window(20);
        assert_eq!(shown, "…isk filled");
        assert_eq!(at, shown.chars().count());
        // Back at the start: the start shows, the end is cut off.
        press(&mut i, KeyCode::Home);
        assert_eq!(i.window(20), ("the primary was res…".to_string(), 0));
        // Every position keeps the cursor inside the field, on its character.
        for n in 0..text.len() {
            i.cursor = n;
            let (shown, at) = i.window(20);
            assert!(at < 20, "{n}: {at}");
            assert_eq!(shown.chars().nth(at), text.chars().nth(n), "{n}: {shown:?}");
        }
        // Wide characters count two columns.
        let mut wide = LineInput::with_text(&"障害".repeat(20));
        for n in 0..=40 {
            wide.cursor = n;
            let (shown, at) = wide.window(21);
            assert!(unicode_width::UnicodeWidthStr::width(shown.as_str()) <= 21);
            assert!(at < 21, "{n}: {at}");
        }
    }
}

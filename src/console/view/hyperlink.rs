//! Terminal hyperlinks (OSC 8) over text already drawn. The text is drawn
//! as any other; then the run of cells it takes becomes one cell holding
//! `ESC ] 8 ;; URL ESC \ text ESC ] 8 ;; ESC \`, told to ratatui to be as
//! wide as the run (`CellDiffOption::ForcedWidth`), the cells after it
//! skipped. The sequence is the console's own: the URL is one `weblink`
//! cleaned (printable ASCII, nothing that could end the sequence early) and
//! the text is what the cells already showed, which untrusted text reached
//! only cleaned. Anything else is left as plain text.
use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// Opens a hyperlink to `url`; [`END`] closes it.
pub fn start(url: &str) -> String {
    format!("\x1b]8;;{url}\x1b\\")
}

/// Closes a hyperlink.
pub const END: &str = "\x1b]8;;\x1b\\";

/// Makes the `width` cells from `(x, y)` a hyperlink to `url`, within
/// `area`. Does nothing unless `url` is fit to go inside the sequence and
/// the cells hold plain text.
pub fn link(buf: &mut Buffer, area: Rect, (x, y): (u16, u16), width: u16, url: &str) {
    let area = area.intersection(buf.area);
    if !fit_for_sequence(url) || y < area.top() || y >= area.bottom() || x < area.left() {
        return;
    }
    let end = x.saturating_add(width).min(area.right());
    let Some(forced) = NonZeroU16::new(end.saturating_sub(x)) else {
        return;
    };
    let mut text = String::new();
    let mut col = x;
    while col < end {
        let symbol = buf[(col, y)].symbol();
        if symbol.chars().any(char::is_control) {
            return;
        }
        text.push_str(symbol);
        // A wide character covers the cell after it.
        col = col.saturating_add(u16::try_from(symbol.width().max(1)).unwrap_or(1));
    }
    if col > end {
        // The last character would stick out of the run: leave it plain.
        return;
    }
    let first = &mut buf[(x, y)];
    first.set_symbol(&format!("{}{text}{END}", start(url)));
    first.set_diff_option(CellDiffOption::ForcedWidth(forced));
    for col in x + 1..end {
        buf[(col, y)].set_diff_option(CellDiffOption::Skip);
    }
}

/// Printable ASCII with no space, as `weblink::clean` writes URLs: nothing
/// a terminal could obey, nothing that ends the sequence.
fn fit_for_sequence(url: &str) -> bool {
    !url.is_empty()
        && url.len() <= crate::weblink::MAX_CHARS
        && url.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHOLE: Rect = Rect::new(0, 0, 20, 1);

    fn row(text: &str) -> Buffer {
        let mut buf = Buffer::empty(WHOLE);
        buf.set_string(0, 0, text, ratatui::style::Style::new());
        buf
    }

    #[test]
    fn the_run_becomes_one_cell_as_wide_as_it_with_the_url_around_the_text() {
        let mut buf = row("see https://r/x now");
        link(&mut buf, WHOLE, (4, 0), 11, "https://r/x");
        let cell = &buf[(4, 0)];
        assert_eq!(
            cell.symbol(),
            "\x1b]8;;https://r/x\x1b\\https://r/x\x1b]8;;\x1b\\"
        );
        assert_eq!(
            cell.diff_option,
            CellDiffOption::ForcedWidth(NonZeroU16::new(11).unwrap())
        );
        assert_eq!(buf[(5, 0)].diff_option, CellDiffOption::Skip);
        assert_eq!(buf[(15, 0)].symbol(), " ");
        assert_eq!(buf[(15, 0)].diff_option, CellDiffOption::None);
    }

    #[test]
    fn wide_characters_are_taken_once_and_a_run_is_cut_to_the_area() {
        let mut buf = row("ab日本cd");
        link(&mut buf, WHOLE, (0, 0), 6, "https://r/x");
        assert_eq!(
            buf[(0, 0)].symbol(),
            format!("{}ab日本{END}", start("https://r/x"))
        );
        let mut buf = row("abcdef");
        link(&mut buf, Rect::new(0, 0, 3, 1), (0, 0), 6, "https://r/x");
        assert_eq!(
            buf[(0, 0)].symbol(),
            format!("{}abc{END}", start("https://r/x"))
        );
        assert_eq!(buf[(3, 0)].symbol(), "d");
    }

    #[test]
    fn a_url_that_could_break_out_of_the_sequence_is_never_linked() {
        for url in [
            "https://r/\x1b\\\x1b]0;owned\x07",
            "https://r/\x07",
            "https://r/a b",
            "https://r/\u{9c}",
            "",
        ] {
            let mut buf = row("https://r/x");
            link(&mut buf, WHOLE, (0, 0), 11, url);
            assert_eq!(buf[(0, 0)].symbol(), "h", "{url:?}");
            assert_eq!(buf[(0, 0)].diff_option, CellDiffOption::None, "{url:?}");
        }
    }
}

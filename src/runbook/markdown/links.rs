//! Links in a runbook: `[text](url)`, `<url>`, and bare `http(s)://` URLs
//! in its text. Each clean one (`weblink::clean`) is noted where its text is
//! drawn, for the console to make that text a terminal hyperlink; a link
//! that is not a clean web link (a relative path, `javascript:`) is text.

use super::Renderer;

impl Renderer<'_> {
    /// Text of the block being built: inside a link, all of it is the
    /// link's; elsewhere, bare URLs in it become links of their own.
    pub(super) fn text(&mut self, text: &str) {
        let style = self.style();
        if self.link.is_some() {
            self.inline.push((text.to_string(), style, self.link));
            return;
        }
        for (piece, is_url) in split_bare(text) {
            let link = if is_url { self.note_link(piece) } else { None };
            self.inline.push((piece.to_string(), style, link));
        }
    }

    /// Keeps `raw`'s clean URL for the block being built, and says which it
    /// is; `None` when it is not a clean web link.
    pub(super) fn note_link(&mut self, raw: &str) -> Option<usize> {
        let url = crate::weblink::clean(raw).ok()?;
        self.link_urls.push(url);
        Some(self.link_urls.len() - 1)
    }

    /// The clean URLs of the block just built, for its anchors. A link
    /// whose text goes on past a hard break keeps its URL for the next.
    pub(super) fn take_link_urls(&mut self) -> Vec<String> {
        let urls = std::mem::take(&mut self.link_urls);
        if let Some(url) = self.link.and_then(|i| urls.get(i)) {
            self.link_urls.push(url.clone());
            self.link = Some(0);
        }
        urls
    }
}

/// Where a link's text is drawn: the screen line, the column its text
/// starts at, how wide it is there, and the clean URL it goes to. Text that
/// wraps is one anchor per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAnchor {
    pub line: usize,
    pub column: u16,
    pub width: u16,
    pub url: String,
}

/// `text` cut into pieces that are not a URL and pieces that are one
/// (`true`), in order. A URL starts at `http://` or `https://` and runs to
/// whitespace; closing punctuation at its end is the sentence's, not its.
pub fn split_bare(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = next_start(rest) {
        let (before, from) = rest.split_at(start);
        let end = from.find(char::is_whitespace).unwrap_or(from.len());
        let url = from[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '>']);
        if url.len() <= "https://".len() {
            // Only the scheme: not a link, and the search goes on after it.
            let (head, tail) = from.split_at(url.len().max(1));
            out.push((before, false));
            out.push((head, false));
            rest = tail;
            continue;
        }
        if !before.is_empty() {
            out.push((before, false));
        }
        out.push((url, true));
        rest = &from[url.len()..];
    }
    if !rest.is_empty() {
        out.push((rest, false));
    }
    out.retain(|(piece, _)| !piece.is_empty());
    out
}

fn next_start(text: &str) -> Option<usize> {
    match (text.find("http://"), text.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors(markdown: &str, width: u16) -> Vec<(usize, u16, u16, String)> {
        super::super::render(markdown, width, &Default::default())
            .links
            .into_iter()
            .map(|l| (l.line, l.column, l.width, l.url))
            .collect()
    }

    #[test]
    fn each_clean_link_is_noted_where_its_text_is_drawn_a_run_per_line() {
        let md =
            "- see [the big dashboard](https://Grafana.example/d/x) or https://status.example.\n";
        assert_eq!(
            anchors(md, 80),
            [
                (0, 6, 17, "https://grafana.example/d/x".to_string()),
                (0, 27, 22, "https://status.example/".to_string()),
            ]
        );
        // Wrapped: the link's text is on two lines, one run on each.
        assert_eq!(
            anchors("see [the big dashboard](https://g.example/)", 12),
            [
                (0, 4, 7, "https://g.example/".to_string()),
                (1, 0, 9, "https://g.example/".to_string()),
            ]
        );
    }

    #[test]
    fn links_that_are_not_clean_web_links_are_text() {
        let md = "[a](javascript:alert(1)) [b](other.md) [c](file:///etc/passwd) <mailto:x@y>";
        assert_eq!(anchors(md, 80), []);
    }

    #[test]
    fn bare_urls_are_cut_out_of_text_without_the_sentences_punctuation() {
        assert_eq!(
            split_bare("See https://wiki.example/disk (or http://x/y)."),
            [
                ("See ", false),
                ("https://wiki.example/disk", true),
                (" (or ", false),
                ("http://x/y", true),
                (").", false),
            ]
        );
        assert_eq!(split_bare("no links"), [("no links", false)]);
        assert_eq!(
            split_bare("just https:// then"),
            [("just ", false), ("https://", false), (" then", false)]
        );
    }
}

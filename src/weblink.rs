//! Web links that came from outside (an incident's runbook URL, its alert's
//! source, a link in a runbook), made fit to open and to show as a terminal
//! hyperlink. A link is taken only as an `http` or `https` URL, parsed and
//! written out again by the `url` crate: what comes out is printable ASCII
//! with everything else percent-encoded, so it can neither run a program
//! (`javascript:`, `file:`) nor end an escape sequence early. Everything else
//! is refused, in words the responder can act on.
use url::Url;

/// The longest link shown as a terminal hyperlink or opened: terminals cut
/// or drop longer ones (VTE keeps 2083 bytes).
pub const MAX_CHARS: usize = 2083;

/// `raw` as a clean `http`/`https` URL, or why it is not one.
pub fn clean(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("the link is empty".to_string());
    }
    // The URL parser would quietly drop tabs and newlines and encode the
    // rest; a link that holds any is not what its sender showed.
    if crate::sanitize::first_unsafe(raw).is_some() {
        return Err("the link holds control characters".to_string());
    }
    let url = Url::parse(raw).map_err(|e| format!("the link is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "only http and https links are opened, not {}:",
            url.scheme()
        ));
    }
    if !url.has_host() {
        return Err("the link names no host".to_string());
    }
    let text = url.as_str();
    if text.len() > MAX_CHARS {
        return Err(format!("the link is longer than {MAX_CHARS} characters"));
    }
    // What `url` writes is ASCII; this says so where it matters.
    if !text.chars().all(|c| c.is_ascii_graphic()) {
        return Err("the link holds characters a terminal could obey".to_string());
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_links_come_back_written_out_by_the_url_parser() {
        assert_eq!(
            clean(" https://Wiki.example/run books/disk.md#top ").unwrap(),
            "https://wiki.example/run%20books/disk.md#top"
        );
        assert_eq!(
            clean("http://prometheus:9090/graph?g0.expr=up%3D%3D0").unwrap(),
            "http://prometheus:9090/graph?g0.expr=up%3D%3D0"
        );
        assert_eq!(
            clean("https://wiki.example/dé").unwrap(),
            "https://wiki.example/d%C3%A9"
        );
    }

    #[test]
    fn other_schemes_and_non_urls_are_refused_in_words() {
        for (raw, why) in [
            ("javascript:alert(1)", "not javascript:"),
            ("file:///etc/passwd", "not file:"),
            ("JavaScript://x/%0aalert(1)", "not javascript:"),
            ("disk.md", "not a URL"),
            ("", "empty"),
            ("http://", "not a URL"),
        ] {
            let refused = clean(raw).unwrap_err();
            assert!(refused.contains(why), "{raw:?}: {refused}");
        }
    }

    #[test]
    fn a_link_holding_an_escape_or_a_control_character_is_refused() {
        for raw in [
            "http://r/\u{1b}]8;;http://evil\u{7}disk",
            "https://r/a\u{1b}\\b",
            "https://r/a\nb",
            "https://r/a\u{9b}b",
            "https://r/\u{202e}kcab",
        ] {
            assert!(clean(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn a_link_longer_than_terminals_keep_is_refused() {
        let long = format!("https://r/{}", "a".repeat(MAX_CHARS));
        assert!(clean(&long).unwrap_err().contains("longer than"));
    }
}

//! Fuzzy search over every runbook (the `b` browser): titles count most,
//! then keywords, then the best-matching line of the body.
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::library::Library;

/// One search result: the runbook and the line that matched best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub score: u32,
    /// The body line that matched best, trimmed, when the body matched.
    pub line: Option<String>,
}

/// Runbooks matching `query`, best first. An empty query lists them all by title.
pub fn search(library: &Library, query: &str) -> Vec<Hit> {
    let query = query.trim();
    if query.is_empty() {
        let mut all: Vec<Hit> = library
            .all()
            .iter()
            .map(|r| Hit {
                id: r.id.clone(),
                title: r.title.clone(),
                score: 0,
                line: None,
            })
            .collect();
        all.sort_by(|a, b| a.title.cmp(&b.title));
        return all;
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut score = |text: &str| pattern.score(Utf32Str::new(text, &mut buf), &mut matcher);
    let mut hits: Vec<Hit> = library
        .all()
        .iter()
        .filter_map(|rb| {
            let title = score(&rb.title).map(|s| s * 3);
            let keywords = score(&format!("{} {}", rb.id, rb.keywords.join(" "))).map(|s| s * 2);
            let (line_score, line) = rb
                .body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .filter_map(|l| score(l).map(|s| (s, l)))
                .max_by_key(|(s, _)| *s)
                .map_or((None, None), |(s, l)| (Some(s), Some(l.to_string())));
            let best = [title, keywords, line_score].into_iter().flatten().max()?;
            Some(Hit {
                id: rb.id.clone(),
                title: rb.title.clone(),
                score: best,
                line: line.filter(|_| line_score == Some(best)),
            })
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.title.cmp(&b.title)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_bodies_are_searched() {
        let lib = Library::shipped();
        let hits = search(&lib, "disk full");
        assert_eq!(hits[0].id, "disk-full", "{hits:?}");
        let hits = search(&lib, "pg_terminate_backend");
        assert!(
            hits.iter().take(3).any(|h| h.id == "hung-production"),
            "{hits:?}"
        );
        assert!(hits[0].line.is_some());
        assert_eq!(search(&lib, "").len(), lib.len());
        assert!(search(&lib, "zzzqqqxxxjjj").is_empty());
    }
}

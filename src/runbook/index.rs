//! Which runbooks could match an incident at all, found without looking at
//! every runbook: alert names, label values and services by table, keywords
//! by one Aho-Corasick pass over the title and description. The matcher then
//! scores only these, so a library of hundreds costs about what one does;
//! and the same pass says which keywords are in the title or description as
//! whole words, so scoring never searches the text again per keyword.
use std::collections::{BTreeSet, HashMap};

use aho_corasick::AhoCorasick;

use super::library::Runbook;
use super::matcher::{Query, id_stem, whole_word_at};

#[derive(Debug, Clone, Default)]
pub struct MatchIndex {
    /// Lowercase alert names.
    alerts: HashMap<String, Vec<usize>>,
    /// Lowercase last parts of ids, which a runbook_url may name.
    id_stems: HashMap<String, Vec<usize>>,
    /// (label name, lowercase value).
    labels: HashMap<(String, String), Vec<usize>>,
    /// Lowercase service names.
    services: HashMap<String, Vec<usize>>,
    /// Every keyword of the library once; `keyword_owners[pattern]` are the
    /// runbooks that list it, each with the keyword's place in its `keywords`
    /// (a word many runbooks share is found once, not once per runbook).
    keywords: Option<AhoCorasick>,
    keyword_owners: Vec<Vec<(usize, usize)>>,
}

/// Where an incident's title and description hold a runbook's keywords as
/// whole words, from one pass over each.
#[derive(Debug, Default)]
pub struct KeywordHits {
    /// (runbook position, keyword's place in its `keywords`, in the title),
    /// sorted, so one runbook's hits are one slice.
    hits: Vec<(usize, usize, bool)>,
}

impl KeywordHits {
    /// The hits of the runbook at `runbook`: (place, in the title).
    pub fn of(&self, runbook: usize) -> impl Iterator<Item = (usize, bool)> + '_ {
        let from = self.hits.partition_point(|&(r, _, _)| r < runbook);
        let to = self.hits.partition_point(|&(r, _, _)| r <= runbook);
        self.hits
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .map(|&(_, place, in_title)| (place, in_title))
    }

    /// The runbooks with at least one keyword in the text.
    fn runbooks(&self) -> impl Iterator<Item = usize> + '_ {
        self.hits.iter().map(|&(r, _, _)| r)
    }
}

impl MatchIndex {
    pub fn build(runbooks: &[Runbook]) -> MatchIndex {
        let mut index = MatchIndex::default();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_of: HashMap<String, usize> = HashMap::new();
        for (i, rb) in runbooks.iter().enumerate() {
            for alert in &rb.alerts {
                index
                    .alerts
                    .entry(alert.to_lowercase())
                    .or_default()
                    .push(i);
            }
            index
                .id_stems
                .entry(id_stem(&rb.id).to_lowercase())
                .or_default()
                .push(i);
            for (k, v) in &rb.labels {
                index
                    .labels
                    .entry((k.clone(), v.to_lowercase()))
                    .or_default()
                    .push(i);
            }
            for service in &rb.services {
                index
                    .services
                    .entry(service.to_lowercase())
                    .or_default()
                    .push(i);
            }
            for (place, kw) in rb.keywords.iter().enumerate() {
                if kw.is_empty() {
                    continue;
                }
                let kw = kw.to_lowercase();
                let pattern = *pattern_of.entry(kw.clone()).or_insert_with(|| {
                    patterns.push(kw);
                    index.keyword_owners.push(Vec::new());
                    patterns.len() - 1
                });
                if let Some(owners) = index.keyword_owners.get_mut(pattern) {
                    owners.push((i, place));
                }
            }
        }
        // Keywords are plain words; should the automaton not build, every
        // runbook is a candidate instead (slower, never wrong).
        index.keywords = AhoCorasick::new(&patterns).ok();
        index
    }

    /// Every runbook keyword in `title` or `description` (both lowercase)
    /// as a whole word; `None` when the automaton could not be built, and
    /// the matcher must search the text for each keyword itself.
    pub fn keyword_hits(&self, title: &str, description: &str) -> Option<KeywordHits> {
        let ac = self.keywords.as_ref()?;
        let mut hits = KeywordHits::default();
        for (text, in_title) in [(title, true), (description, false)] {
            for m in ac.find_overlapping_iter(text) {
                if !whole_word_at(text, m.start(), m.end()) {
                    continue;
                }
                let owners = self.keyword_owners.get(m.pattern().as_usize());
                for &(owner, place) in owners.into_iter().flatten() {
                    hits.hits.push((owner, place, in_title));
                }
            }
        }
        hits.hits.sort_unstable();
        hits.hits.dedup();
        Some(hits)
    }

    /// The runbooks that may match `q`, by position in the library.
    /// `hits` are the keywords in its title and description; `url_stem` the
    /// last part of its runbook_url.
    pub fn candidates(
        &self,
        runbooks: &[Runbook],
        q: &Query,
        hits: Option<&KeywordHits>,
        url_stem: Option<&str>,
    ) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let Some(hits) = hits.filter(|_| q.runbook.is_none()) else {
            // An incident naming its runbook (rare, compared by id), or no
            // automaton: let the scorer look at all.
            out.extend(0..runbooks.len());
            return out;
        };
        if let Some(stem) = url_stem.map(str::to_lowercase) {
            // The runbook's own name, or an alert it answers.
            for table in [&self.id_stems, &self.alerts] {
                out.extend(table.get(&stem).into_iter().flatten());
            }
        }
        if let Some(labels) = q.labels {
            if let Some(alert) = labels.get("alertname")
                && let Some(hits) = self.alerts.get(&alert.to_lowercase())
            {
                out.extend(hits);
            }
            for (k, v) in labels {
                if let Some(hits) = self.labels.get(&(k.to_string(), v.to_lowercase())) {
                    out.extend(hits);
                }
            }
        }
        if let Some(hits) = self.services.get(&q.service.to_lowercase()) {
            out.extend(hits);
        }
        out.extend(hits.runbooks());
        out
    }
}

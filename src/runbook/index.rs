//! Which runbooks could match an incident at all, found without looking at
//! every runbook: alert names, label values and services by table, keywords
//! by one Aho-Corasick pass over the title and description. The matcher then
//! scores only these, so a library of hundreds costs about what one does.
use std::collections::{BTreeSet, HashMap};

use aho_corasick::AhoCorasick;

use super::library::Runbook;
use super::matcher::{Query, id_stem};

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
    /// Every keyword of every runbook; `keyword_owner[pattern]` is its runbook.
    keywords: Option<AhoCorasick>,
    keyword_owner: Vec<usize>,
}

impl MatchIndex {
    pub fn build(runbooks: &[Runbook]) -> MatchIndex {
        let mut index = MatchIndex::default();
        let mut patterns = Vec::new();
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
            for kw in rb.keywords.iter().filter(|k| !k.is_empty()) {
                patterns.push(kw.to_lowercase());
                index.keyword_owner.push(i);
            }
        }
        // Keywords are plain words; should the automaton not build, every
        // runbook is a candidate instead (slower, never wrong).
        index.keywords = AhoCorasick::new(&patterns).ok();
        index
    }

    /// The runbooks that may match `q`, by position in the library.
    /// `title` and `description` are `q`'s, lowercased; `url_stem` the
    /// last part of its runbook_url.
    pub fn candidates(
        &self,
        runbooks: &[Runbook],
        q: &Query,
        title: &str,
        description: &str,
        url_stem: Option<&str>,
    ) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        if q.runbook.is_some() || self.keywords.is_none() {
            // Rare, and compared by id: let the scorer look at all.
            out.extend(0..runbooks.len());
            return out;
        }
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
        if let Some(ac) = &self.keywords {
            for text in [title, description] {
                for m in ac.find_overlapping_iter(text) {
                    if let Some(&owner) = self.keyword_owner.get(m.pattern().as_usize()) {
                        out.insert(owner);
                    }
                }
            }
        }
        out
    }
}

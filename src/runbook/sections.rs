//! Which part of a matched runbook answers the incident, so the pane opens
//! there: the runbook's own `sections` mapping (alert name, then keyword),
//! else the heading whose words best match the alert name and title. The
//! headings' words are worked out once, when the library loads.
use std::collections::BTreeMap;

use aho_corasick::AhoCorasick;

use super::frontmatter::{self, Problem};
use super::library::Runbook;
use super::markdown::{SourceHeading, outline};
use super::matcher::{Query, Section, whole_word_at};
use super::words::{alert_words, fold, words};

/// The top sections every runbook has: they answer every incident alike,
/// so the pane opens at them anyway.
const FIXED: [&str; 4] = [
    "First five minutes",
    "Stop and escalate if",
    "Impact",
    "What this covers",
];

/// What of one runbook the section choice reads, prepared at load.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// `sections` entries: the key lowercased, the key as written, the heading.
    rules: Vec<(String, String, String)>,
    /// The lowercased keys, pattern `i` being `rules[i]`: one pass over a
    /// title finds every key in it, however many a runbook maps.
    keys: Option<AhoCorasick>,
    headings: Vec<HeadingWords>,
}

#[derive(Debug, Clone)]
struct HeadingWords {
    text: String,
    /// (folded, as written in the heading), each fold once.
    words: Vec<(String, String)>,
}

impl Outline {
    pub fn of(rb: &Runbook) -> Outline {
        let rules: Vec<(String, String, String)> = rb
            .sections
            .iter()
            .map(|(k, heading)| (k.to_lowercase(), k.clone(), heading.clone()))
            .collect();
        // Keys are short words; should the automaton not build, keywords
        // are not looked for (the alert names and headings still are).
        let keys = (!rules.is_empty())
            .then(|| AhoCorasick::new(rules.iter().map(|(lower, _, _)| lower)).ok())
            .flatten();
        let headings = outline(&rb.body)
            .into_iter()
            .filter(|h| matches!(h.level, 2 | 3))
            .filter(|h| !FIXED.iter().any(|f| f.eq_ignore_ascii_case(&h.text)))
            .map(|h| {
                let mut folded: Vec<(String, String)> = Vec::new();
                for w in words(&h.text) {
                    if let Some(f) = fold(&w)
                        && !folded.iter().any(|(have, _)| *have == f)
                    {
                        folded.push((f, w));
                    }
                }
                HeadingWords {
                    text: h.text,
                    words: folded,
                }
            })
            .filter(|h| !h.words.is_empty())
            .collect();
        Outline {
            rules,
            keys,
            headings,
        }
    }

    /// The section of this runbook for `incident`, if one stands out.
    pub fn choose(&self, incident: &mut Incident) -> Option<Section> {
        if self.rules.is_empty() && self.headings.is_empty() {
            return None;
        }
        // The alert by its label, else the alert a runbook_url names
        // (kube-prometheus links each alert to a page named after it).
        for (alert, via) in [
            (incident.alert, ""),
            (incident.url_alert, " (named by runbook_url)"),
        ] {
            if let Some(alert) = alert
                && let Some((_, key, heading)) = self
                    .rules
                    .iter()
                    .find(|(_, key, _)| key.eq_ignore_ascii_case(alert))
            {
                return Some(Section {
                    heading: heading.clone(),
                    why: format!("sections maps {key}{via}"),
                });
            }
        }
        if let Some(keys) = &self.keys {
            let places = [
                (incident.title, "title"),
                (incident.description, "description"),
            ];
            for (hay, place) in places {
                // The longest keyword found is the most specific.
                let found = keys
                    .find_overlapping_iter(hay)
                    .filter(|m| whole_word_at(hay, m.start(), m.end()))
                    .filter_map(|m| self.rules.get(m.pattern().as_usize()))
                    .max_by_key(|(lower, _, _)| lower.len());
                if let Some((_, key, heading)) = found {
                    return Some(Section {
                        heading: heading.clone(),
                        why: format!("sections maps '{key}' in the {place}"),
                    });
                }
            }
        }
        if self.headings.is_empty() {
            return None;
        }
        self.best_heading(incident.words())
    }

    /// The heading sharing the most words with the incident (the first
    /// such in the runbook on a tie); none when no heading shares one.
    fn best_heading(&self, incident: &[String]) -> Option<Section> {
        let mut best: Option<(usize, &HeadingWords)> = None;
        for h in &self.headings {
            let shared = h.words.iter().filter(|(f, _)| incident.contains(f)).count();
            if shared > best.map_or(0, |(n, _)| n) {
                best = Some((shared, h));
            }
        }
        let (_, h) = best?;
        let named: Vec<String> = h
            .words
            .iter()
            .filter(|(f, _)| incident.contains(f))
            .map(|(_, w)| format!("'{w}'"))
            .collect();
        Some(Section {
            heading: h.text.clone(),
            why: format!("heading matches {}", named.join(", ")),
        })
    }
}

/// What the section choice reads of one incident, prepared once and
/// shared by all its matches: the alert name, the lowercased title and
/// description, and the folded words of alert name and title, worked out
/// the first time a match needs them.
#[derive(Debug)]
pub struct Incident<'a> {
    alert: Option<&'a str>,
    /// The last part of the incident's runbook_url, which may name its alert.
    url_alert: Option<&'a str>,
    title: &'a str,
    description: &'a str,
    words: Option<Vec<String>>,
}

impl<'a> Incident<'a> {
    /// `title` and `description` are `q`'s, lowercased; `url_stem` the
    /// last part of its runbook_url.
    pub fn new(
        q: &Query<'a>,
        title: &'a str,
        description: &'a str,
        url_stem: Option<&'a str>,
    ) -> Incident<'a> {
        Incident {
            alert: q.labels.and_then(|l| l.get("alertname")),
            url_alert: url_stem,
            title,
            description,
            words: None,
        }
    }

    fn words(&mut self) -> &[String] {
        let (alert, title) = (self.alert, self.title);
        self.words.get_or_insert_with(|| {
            let alert = alert.map(alert_words).unwrap_or_default();
            let mut out: Vec<String> = Vec::new();
            for f in alert
                .into_iter()
                .chain(words(title))
                .filter_map(|w| fold(&w))
            {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
            out
        })
    }
}

/// The front matter's `sections`, each value resolved to the heading of
/// `body` it names (its text as written, or without the number in front:
/// "Image pull failures" names "3. Image pull failures"). A value naming
/// no heading is a problem on its line of `text`, and is left out.
pub fn resolve(
    given: &BTreeMap<String, String>,
    body: &str,
    text: &str,
) -> (BTreeMap<String, String>, Vec<Problem>) {
    let headings = outline(body);
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (key, value) in given {
        let key = crate::sanitize::line(key).trim().to_string();
        let found = headings.iter().find(|h| names(value, h));
        match found {
            Some(h) if !key.is_empty() => {
                out.insert(key, h.text.clone());
            }
            Some(_) => problems.push(Problem {
                line: frontmatter::value_line(text, "sections", value),
                message: format!(
                    "sections has an empty key for '{value}', so it is ignored: use an alert name or a keyword"
                ),
            }),
            None => problems.push(Problem {
                line: frontmatter::value_line(text, "sections", value),
                message: format!(
                    "sections maps '{key}' to '{value}', which is no heading of this runbook, so it is ignored: write a heading's text as it stands after its #s"
                ),
            }),
        }
    }
    (out, problems)
}

/// Whether `value` names heading `h`: the same words, case aside, with or
/// without the heading's leading number.
fn names(value: &str, h: &SourceHeading) -> bool {
    let norm = |s: &str| {
        s.replace('`', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let want = norm(value);
    let text = norm(&h.text);
    let unnumbered = text
        .split_once(". ")
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, rest)| rest.to_string());
    !want.is_empty() && (want == text || unnumbered.is_some_and(|u| u == want))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::library::{Origin, runbook_from_text};
    use crate::runbook::{Library, rank};
    use std::path::Path;

    const PODS: &str = "+++
id = \"pods\"
title = \"Pods\"
alerts = [\"KubePodCrashLooping\", \"KubePodNotReady\", \"KubeHpaMaxedOut\", \"KubeletDown\"]
sections = { kubepodcrashlooping = \"Crash-looping pods\", \"image pull\" = \"Image pull failures\", pull = \"Pods stuck Pending\" }
+++
# Pods

## First five minutes

1. Look at the pods that crash.

## What this covers

Crash-looping pods, image pulls, pending pods.

## Checks

### 1. Crash-looping pods

### 2. Image pull failures

### 3. Pods stuck Pending

### 4. HPA at its maximum
";

    fn library(text: &str) -> Library {
        let read =
            runbook_from_text(text, Path::new("pods.md"), Origin::File("pods.md".into())).unwrap();
        assert!(read.bad_sections.is_empty(), "{:?}", read.bad_sections);
        Library::from_runbooks(vec![read.runbook])
    }

    fn section_for(lib: &Library, alert: &str, title: &str) -> Option<Section> {
        let labels: crate::incident::Labels = [("alertname".to_string(), alert.to_string())]
            .into_iter()
            .collect();
        let q = Query {
            title,
            labels: Some(&labels),
            service: "kubernetes",
            ..Query::default()
        };
        let ranked = rank(lib, &q);
        assert_eq!(ranked.len(), 1, "{ranked:?}");
        ranked[0].section.clone()
    }

    #[test]
    fn the_alert_name_in_sections_comes_first_whatever_its_case() {
        let lib = library(PODS);
        let s = section_for(&lib, "KubePodCrashLooping", "Image pull failed for api").unwrap();
        assert_eq!(s.heading, "1. Crash-looping pods");
        assert_eq!(s.why, "sections maps kubepodcrashlooping");
    }

    #[test]
    fn with_no_alert_label_the_alert_a_runbook_url_names_chooses_the_section() {
        let lib = library(PODS);
        let url =
            "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping";
        let q = Query {
            title: "Image pull failed for api",
            service: "kubernetes",
            runbook_url: Some(url),
            ..Query::default()
        };
        let s = rank(&lib, &q)[0].section.clone().unwrap();
        assert_eq!(s.heading, "1. Crash-looping pods");
        assert_eq!(
            s.why,
            "sections maps kubepodcrashlooping (named by runbook_url)"
        );
    }

    #[test]
    fn then_a_sections_keyword_the_longest_found() {
        let lib = library(PODS);
        let s = section_for(&lib, "KubePodNotReady", "Image pull failing for api").unwrap();
        assert_eq!(s.heading, "2. Image pull failures");
        assert_eq!(s.why, "sections maps 'image pull' in the title");
    }

    #[test]
    fn otherwise_the_heading_sharing_most_words_and_never_a_fixed_one() {
        let lib = library(PODS);
        let s = section_for(&lib, "KubeHpaMaxedOut", "HPA is running at max replicas").unwrap();
        assert_eq!(s.heading, "4. HPA at its maximum");
        assert_eq!(s.why, "heading matches 'hpa'");
        let s = section_for(&lib, "KubePodNotReady", "Pods are stuck").unwrap();
        assert_eq!(s.heading, "3. Pods stuck Pending", "two words beat one");
        assert_eq!(s.why, "heading matches 'pods', 'stuck'");
        // "five", "minutes", "covers" are words of fixed sections only.
        assert_eq!(
            section_for(&lib, "KubeletDown", "What the first five minutes cover"),
            None
        );
        assert_eq!(section_for(&lib, "KubeletDown", "on the node it is"), None);
    }

    #[test]
    fn a_sections_value_naming_no_heading_is_a_problem_on_its_line_and_ignored() {
        let text = PODS.replace("\"Pods stuck Pending\"", "\"Pods stuck\"");
        let read =
            runbook_from_text(&text, Path::new("pods.md"), Origin::File("pods.md".into())).unwrap();
        assert_eq!(read.bad_sections.len(), 1, "{:?}", read.bad_sections);
        assert_eq!(read.bad_sections[0].line, 5);
        assert!(
            read.bad_sections[0]
                .message
                .starts_with("sections maps 'pull' to 'Pods stuck', which is no heading"),
            "{:?}",
            read.bad_sections
        );
        let kept: Vec<(&str, &str)> = read
            .runbook
            .sections
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                ("image pull", "2. Image pull failures"),
                ("kubepodcrashlooping", "1. Crash-looping pods")
            ]
        );
    }
}

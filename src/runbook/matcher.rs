//! Which runbooks answer an incident, strongest first, each with the reason a
//! responder can check at a glance (runbooks/template.md).
use super::index::KeywordHits;
use super::library::{Library, Runbook};
use super::sections::Incident;

/// What the matcher looks at; built from an incident, or from the command
/// line for `oncall runbooks match`.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub service: &'a str,
    pub labels: Option<&'a crate::incident::Labels>,
    pub runbook: Option<&'a str>,
    pub runbook_url: Option<&'a str>,
}

impl<'a> Query<'a> {
    pub fn for_incident(inc: &'a crate::incident::Incident) -> Query<'a> {
        Query {
            title: &inc.title,
            description: &inc.description,
            service: &inc.service,
            labels: Some(&inc.labels),
            runbook: inc.runbook.as_deref(),
            runbook_url: inc.runbook_url.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub id: String,
    pub score: u32,
    /// Why, strongest reason first: "alert HostOutOfMemory", "keyword 'dns' in title".
    pub reasons: Vec<String>,
    /// The part of the runbook that answers the incident, for the pane to
    /// open at; none when nothing in it stands out (the pane opens at the top).
    pub section: Option<Section>,
}

/// A heading of a runbook chosen for an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's text as the markdown writes it, without the `#`s.
    pub heading: String,
    /// Why this heading, in words a responder can check:
    /// "sections maps KubePodCrashLooping", "heading matches 'crash', 'looping'".
    pub why: String,
}

impl Match {
    pub fn reason(&self) -> String {
        self.reasons.join(", ")
    }
}

// Tiers far enough apart that no number of weaker reasons outranks a stronger one.
const EXPLICIT: u32 = 1_000_000;
const RUNBOOK_URL: u32 = 500_000;
const ALERT: u32 = 100_000;
const LABEL: u32 = 10_000;
const SERVICE: u32 = 1_000;
const KEYWORD_TITLE: u32 = 20;
const KEYWORD_DESCRIPTION: u32 = 5;
const KEYWORD_CAP: u32 = 900;

/// How many of the best matches name their section: the console offers
/// the first nine (`1`-`9`), and a runbook further down is opened from the
/// search, at its top. Choosing a section costs a pass over the incident's
/// words, so a feed matched against hundreds of runbooks does not pay it for
/// every weak keyword match.
pub const SECTIONED: usize = 9;

/// The runbooks that match, best first; ties go by id so the order is
/// stable. The first [`SECTIONED`] name the section of their runbook that
/// answers, if one does.
pub fn rank(library: &Library, q: &Query) -> Vec<Match> {
    rank_among(library, q, true)
}

/// `rank`, scoring only the index's candidates or, to check the index
/// against, every runbook.
fn rank_among(library: &Library, q: &Query, use_index: bool) -> Vec<Match> {
    let title = q.title.to_lowercase();
    let description = q.description.to_lowercase();
    let url_stem = q.runbook_url.map(url_file_stem);
    let all = library.all();
    let index = library.index();
    let hits = index.keyword_hits(&title, &description);
    let candidates = if use_index {
        index.candidates(all, q, hits.as_ref(), url_stem.as_deref())
    } else {
        (0..all.len()).collect()
    };
    let text = Text {
        title: &title,
        description: &description,
        hits: hits.as_ref(),
    };
    let mut out: Vec<(usize, Match)> = candidates
        .into_iter()
        .filter_map(|i| Some((i, all.get(i)?)))
        .filter_map(|(i, rb)| Some((i, score(i, rb, q, &text, url_stem.as_deref())?)))
        .collect();
    out.sort_by(|(_, a), (_, b)| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    let mut incident = Incident::new(q, &title, &description, url_stem.as_deref());
    out.into_iter()
        .enumerate()
        .map(|(n, (i, mut m))| {
            if n < SECTIONED {
                m.section = library.outline(i).and_then(|o| o.choose(&mut incident));
            }
            m
        })
        .collect()
}

/// The incident's title and description, lowercased, and where the index
/// found runbook keywords in them.
struct Text<'a> {
    title: &'a str,
    description: &'a str,
    hits: Option<&'a KeywordHits>,
}

impl Text<'_> {
    /// Where each keyword of `rb` (at `position` in the library) is, by
    /// place in its `keywords`: in the title (`Some(true)`), in the
    /// description only (`Some(false)`), or neither.
    fn keywords(&self, position: usize, rb: &Runbook) -> Vec<Option<bool>> {
        match self.hits {
            Some(hits) => {
                let mut found = vec![None; rb.keywords.len()];
                for (place, in_title) in hits.of(position) {
                    if let Some(f) = found.get_mut(place) {
                        *f = Some(f.unwrap_or(false) || in_title);
                    }
                }
                found
            }
            None => rb
                .keywords
                .iter()
                .map(|kw| {
                    if contains_word(self.title, kw) {
                        Some(true)
                    } else {
                        contains_word(self.description, kw).then_some(false)
                    }
                })
                .collect(),
        }
    }
}

fn score(
    position: usize,
    rb: &Runbook,
    q: &Query,
    text: &Text,
    url_stem: Option<&str>,
) -> Option<Match> {
    let mut score = 0;
    let mut reasons = Vec::new();
    if q.runbook.is_some_and(|r| r.eq_ignore_ascii_case(&rb.id)) {
        score += EXPLICIT;
        reasons.push("runbook set on the incident".to_string());
    }
    if let Some(stem) = url_stem {
        if stem.eq_ignore_ascii_case(id_stem(&rb.id)) {
            score += RUNBOOK_URL;
            reasons.push(format!("runbook_url names {stem}"));
        } else if let Some(alert) = rb.alerts.iter().find(|a| a.eq_ignore_ascii_case(stem)) {
            // kube-prometheus links each alert to a page named after it.
            score += RUNBOOK_URL;
            reasons.push(format!("runbook_url names alert {alert}"));
        }
    }
    if let Some(labels) = q.labels {
        if let Some(alert) = labels.get("alertname")
            && rb.alerts.iter().any(|a| a.eq_ignore_ascii_case(alert))
        {
            score += ALERT;
            reasons.push(format!("alert {alert}"));
        }
        for (k, v) in &rb.labels {
            if labels
                .get(k)
                .is_some_and(|have| have.eq_ignore_ascii_case(v))
            {
                score += LABEL;
                reasons.push(format!("label {k}={v}"));
            }
        }
    }
    if !q.service.is_empty()
        && rb
            .services
            .iter()
            .any(|s| s.eq_ignore_ascii_case(q.service))
    {
        score += SERVICE;
        reasons.push(format!("service {}", q.service));
    }
    let mut keyword_score = 0;
    for (kw, found) in rb.keywords.iter().zip(text.keywords(position, rb)) {
        match found {
            Some(true) => {
                keyword_score += KEYWORD_TITLE;
                reasons.push(format!("keyword '{kw}' in title"));
            }
            Some(false) => {
                keyword_score += KEYWORD_DESCRIPTION;
                reasons.push(format!("keyword '{kw}' in description"));
            }
            None => {}
        }
    }
    score += keyword_score.min(KEYWORD_CAP);
    (score > 0).then(|| Match {
        id: rb.id.clone(),
        score,
        reasons,
        section: None,
    })
}

/// The last part of a runbook's id: `team/disk-full` -> `disk-full`.
pub(super) fn id_stem(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// `https://wiki/runbooks/Disk-Full.md#x` -> `Disk-Full`.
fn url_file_stem(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let file = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => file.to_string(),
    }
}

/// Whether `needle` occurs in `hay` (both lowercase) with no letter or digit
/// either side, so "dns" does not match "dnsmasq" but "packet loss" matches
/// "50% packet loss on eth0".
pub fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(pos) = hay[start..].find(needle) {
        let at = start + pos;
        if whole_word_at(hay, at, at + needle.len()) {
            return true;
        }
        start = at + hay[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether `hay[at..end]` has no letter or digit either side.
pub(super) fn whole_word_at(hay: &str, at: usize, end: usize) -> bool {
    let before_ok = hay
        .get(..at)
        .and_then(|b| b.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric());
    let after_ok = hay
        .get(end..)
        .and_then(|a| a.chars().next())
        .is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::library::Origin;
    use std::path::PathBuf;

    fn rb(
        id: &str,
        services: &[&str],
        keywords: &[&str],
        labels: &[(&str, &str)],
        alerts: &[&str],
    ) -> Runbook {
        Runbook {
            id: id.into(),
            title: id.into(),
            services: services.iter().map(|s| s.to_string()).collect(),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            alerts: alerts.iter().map(|s| s.to_string()).collect(),
            sections: Default::default(),
            body: String::new(),
            origin: Origin::File(PathBuf::from(format!("{id}.md"))),
        }
    }

    fn lib() -> Library {
        Library::from_runbooks(vec![
            rb(
                "network",
                &["*"],
                &["packet loss", "dns"],
                &[("category", "network")],
                &["HostNetworkReceiveErrors"],
            ),
            rb(
                "database",
                &["postgres", "db"],
                &["replication"],
                &[],
                &["PostgresqlDown"],
            ),
            rb(
                "disk-full",
                &["*"],
                &["disk full", "no space left"],
                &[("category", "os")],
                &["NodeFilesystemAlmostOutOfSpace"],
            ),
        ])
    }

    fn labels(pairs: &[(&str, &str)]) -> crate::incident::Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn word_boundaries() {
        assert!(contains_word("50% packet loss on eth0", "packet loss"));
        assert!(!contains_word("dnsmasq restarted", "dns"));
        assert!(contains_word("dns: timeout", "dns"));
        assert!(contains_word("ünïcode dns", "dns"));
        assert!(!contains_word("", "dns"));
    }

    #[test]
    fn stronger_reasons_win() {
        let l = labels(&[("alertname", "NodeFilesystemAlmostOutOfSpace")]);
        let q = Query {
            title: "packet loss to db-3",
            service: "postgres",
            labels: Some(&l),
            ..Default::default()
        };
        let ranked = rank(&lib(), &q);
        let ids: Vec<_> = ranked.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["disk-full", "database", "network"]);
        assert_eq!(ranked[0].reason(), "alert NodeFilesystemAlmostOutOfSpace");
        assert_eq!(ranked[1].reason(), "service postgres");
        assert_eq!(ranked[2].reason(), "keyword 'packet loss' in title");
    }

    #[test]
    fn explicit_and_url_beat_everything() {
        let q = Query {
            title: "dns",
            runbook: Some("database"),
            ..Default::default()
        };
        assert_eq!(rank(&lib(), &q)[0].id, "database");
        let q = Query {
            title: "dns",
            runbook_url: Some("https://wiki/x/Disk-Full.md#top"),
            ..Default::default()
        };
        assert_eq!(rank(&lib(), &q)[0].id, "disk-full");
        assert_eq!(
            rank(&lib(), &q)[0].reasons[0],
            "runbook_url names Disk-Full"
        );
    }

    #[test]
    fn alert_names_compare_without_case() {
        let l = labels(&[("alertname", "postgresqldown")]);
        let q = Query {
            title: "x",
            labels: Some(&l),
            ..Default::default()
        };
        let ranked = rank(&lib(), &q);
        assert_eq!(ranked[0].id, "database");
        assert_eq!(ranked[0].reason(), "alert postgresqldown");
    }

    #[test]
    fn a_runbook_url_naming_an_alert_finds_the_runbook_listing_it() {
        for url in [
            "https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemalmostoutofspace",
            "https://wiki/NodeFilesystemAlmostOutOfSpace.md?x=1#top",
            "https://wiki/nodefilesystemalmostoutofspace/",
        ] {
            let q = Query {
                title: "dns",
                runbook_url: Some(url),
                ..Default::default()
            };
            let ranked = rank(&lib(), &q);
            assert_eq!(ranked[0].id, "disk-full", "{url}");
            assert_eq!(
                ranked[0].reasons[0], "runbook_url names alert NodeFilesystemAlmostOutOfSpace",
                "{url}"
            );
            assert!(ranked[0].score >= RUNBOOK_URL);
        }
    }

    /// Every runbook scored, no index: what the index must agree with.
    fn rank_everything(library: &Library, q: &Query) -> Vec<Match> {
        rank_among(library, q, false)
    }

    proptest::proptest! {
        #[test]
        fn the_index_finds_what_scoring_everything_finds(
            title in "(disk|full|packet loss|dns|oom|raid|Replication|lag|tls|certificate|backup| |[a-z]{1,6}){0,8}",
            description in "(no space left|conntrack|hung|slow query|[a-z]{1,6}| ){0,6}",
            service in "postgres|web|api|batch|rabbitmq|db|[a-z]{1,5}",
            alert in "HostOutOfMemory|hostoutofmemory|NodeFilesystemAlmostOutOfSpace|BlackboxProbeFailed|KUBEPODCRASHLOOPING|[A-Za-z]{1,12}",
            category in "network|os|hardware|database|[a-z]{1,6}",
            url in proptest::option::of("https://r/(runbooks/kubernetes/)?(kubepodcrashlooping|Disk-Full.md|dns/|KubeNodeNotReady\\?x=1|[a-z]{1,8})(#[a-z]{1,4})?"),
        ) {
            let lib = Library::shipped();
            let labels: crate::incident::Labels =
                [("alertname".to_string(), alert), ("category".to_string(), category)].into_iter().collect();
            let q = Query { title: &title, description: &description, service: &service, labels: Some(&labels), runbook_url: url.as_deref(), ..Default::default() };
            proptest::prop_assert_eq!(rank(&lib, &q), rank_everything(&lib, &q));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_index_finds_each_keyword_where_searching_the_text_finds_it(
            title in "(disk|full|packet loss|dns|dnsmasq|oom|-|lag|crash ?looping|no space left| |[a-z]{1,6}){0,10}",
            description in "(no space left|conntrack|hung|slow query|packet loss|[a-z]{1,6}|ü| ){0,8}",
        ) {
            let lib = Library::shipped();
            let hits = lib.index().keyword_hits(&title, &description).unwrap();
            let indexed = Text { title: &title, description: &description, hits: Some(&hits) };
            let searched = Text { hits: None, ..indexed };
            for (position, rb) in lib.all().iter().enumerate() {
                proptest::prop_assert_eq!(
                    indexed.keywords(position, rb),
                    searched.keywords(position, rb),
                    "{} keywords {:?}", rb.id, rb.keywords
                );
            }
        }
    }

    #[test]
    fn nothing_matches_nothing() {
        let q = Query {
            title: "weird",
            service: "x",
            ..Default::default()
        };
        assert!(rank(&lib(), &q).is_empty());
    }
}

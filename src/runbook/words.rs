//! The words an incident and a runbook heading are compared by: lowercase,
//! alert names split where their case changes (`KubePodCrashLooping` is
//! kube pod crash looping), stop words and words under three letters left
//! out, and endings folded so "pods" meets "pod" and "looping" meets "loop".

/// Words that say nothing about which part of a runbook answers: English
/// glue, and what every alert says (high, detected, instance...).
const STOP: &[&str] = &[
    "about", "above", "after", "again", "alert", "alerts", "all", "also", "and", "any", "are",
    "at", "been", "before", "being", "below", "but", "can", "could", "critical", "detected",
    "does", "down", "during", "each", "expected", "for", "from", "had", "has", "have", "high",
    "hour", "hours", "how", "info", "instance", "into", "its", "just", "last", "least", "less",
    "longer", "low", "may", "might", "minute", "minutes", "more", "most", "must", "non", "not",
    "now", "off", "one", "only", "other", "out", "over", "per", "seconds", "should", "some",
    "still", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "too", "two", "under", "very", "warning", "was", "were", "what", "when", "where",
    "which", "while", "who", "why", "will", "with", "within", "would", "you", "your",
];

/// The folded form of `word` (lowercase already), or `None` when it is too
/// short or a stop word to count.
pub fn fold(word: &str) -> Option<String> {
    if word.chars().count() < 3 || STOP.contains(&word) || word.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut w = word;
    for ending in ["ing", "ed", "s"] {
        if let Some(stem) = w.strip_suffix(ending)
            && stem.chars().count() >= 3
            && !(ending == "s" && stem.ends_with('s'))
        {
            w = stem;
            break;
        }
    }
    Some(w.to_string())
}

/// The lowercase words of free text: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// An alert name's words: split at underscores and where the case changes,
/// keeping an acronym whole (`HTTPRequestsSlow` is http requests slow).
pub fn alert_words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_alphabetic() != cur.is_alphabetic());
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        if start < chars.len() {
            out.push(chars[start..].iter().collect::<String>().to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_split_where_their_case_changes() {
        assert_eq!(
            alert_words("KubePodCrashLooping"),
            ["kube", "pod", "crash", "looping"]
        );
        assert_eq!(
            alert_words("HTTPRequestsSlow"),
            ["http", "requests", "slow"]
        );
        assert_eq!(
            alert_words("ApcUpsLessThan15Minutes"),
            ["apc", "ups", "less", "than", "15", "minutes"]
        );
        assert_eq!(alert_words("node_down"), ["node", "down"]);
        assert_eq!(alert_words("UPSOnBattery"), ["ups", "on", "battery"]);
        assert!(alert_words("").is_empty());
    }

    #[test]
    fn short_and_stop_words_do_not_count_and_endings_fold() {
        assert_eq!(fold("pods").as_deref(), Some("pod"));
        assert_eq!(fold("looping").as_deref(), Some("loop"));
        assert_eq!(fold("failed").as_deref(), Some("fail"));
        assert_eq!(fold("class").as_deref(), Some("class"));
        assert_eq!(fold("the"), None);
        assert_eq!(fold("high"), None);
        assert_eq!(fold("on"), None);
        assert_eq!(fold("2024"), None);
        let w: Vec<String> = words("Crash-looping pods, in 3 ways").collect();
        assert_eq!(w, ["crash", "looping", "pods", "in", "3", "ways"]);
    }
}

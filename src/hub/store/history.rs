//! Resolved incidents, searched: the history a post-incident review or a
//! responder looking for "did this happen before?" pages through, newest
//! first, beyond the incidents still in the list. The SQL is the same for
//! both stores but for how parameters are written; the partial index on
//! resolved incidents' ids (migration 11 -> 12, PostgreSQL 6 -> 7) lets each
//! page start at its cursor instead of reading every incident ever.
use super::stored::INCIDENT_COLUMNS;

/// The most incidents one page holds.
pub const MAX_PAGE: u32 = 200;

/// One page of a search: every word appears (in any case) in the title,
/// the service, the owner, the labels or the dedup key; ids below `before`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    pub words: Vec<String>,
    pub before: Option<u64>,
    pub limit: u32,
}

impl HistoryQuery {
    /// The page after `before`, of at most `limit` (1 to [`MAX_PAGE`]),
    /// matching every word of `text`.
    pub fn new(text: &str, before: Option<u64>, limit: u32) -> HistoryQuery {
        HistoryQuery {
            words: text.split_whitespace().map(str::to_lowercase).collect(),
            before,
            limit: limit.clamp(1, MAX_PAGE),
        }
    }

    /// The parameters of [`history_sql`]'s query, in order: the cursor, the
    /// page's size, then a LIKE pattern per word.
    pub fn params(&self) -> (i64, i64, Vec<String>) {
        let before = self
            .before
            .and_then(|b| i64::try_from(b).ok())
            .unwrap_or(i64::MAX);
        let patterns = self
            .words
            .iter()
            .map(|w| format!("%{}%", escaped(w)))
            .collect();
        (before, i64::from(self.limit), patterns)
    }
}

/// The query of `words` words, its parameters written by `param` (`?1`,
/// `$1`): resolved incidents below the cursor, newest first.
pub fn history_sql(words: usize, param: impl Fn(usize) -> String) -> String {
    let mut sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE status = 'resolved' AND id < {}",
        param(1)
    );
    for n in 0..words {
        sql.push_str(&format!(
            " AND lower(title || ' ' || service || ' ' || COALESCE(owner, '') || ' ' || labels \
             || ' ' || dedup_key) LIKE {} ESCAPE '\\'",
            param(3 + n)
        ));
    }
    sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", param(2)));
    sql
}

/// `word` with LIKE's wildcards (and its escape) taken literally.
fn escaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_and_taken_literally() {
        let q = HistoryQuery::new("  Disk 100%_full ", Some(40), 50);
        assert_eq!(
            q.params(),
            (40, 50, vec!["%disk%".into(), "%100\\%\\_full%".into()])
        );
        let q = HistoryQuery::new("", None, 10_000);
        assert_eq!(q.params(), (i64::MAX, i64::from(MAX_PAGE), Vec::new()));
        assert_eq!(HistoryQuery::new("x", None, 0).limit, 1);
    }

    #[test]
    fn each_word_is_one_more_condition() {
        let sql = history_sql(2, |n| format!("${n}"));
        assert!(sql.contains("id < $1"), "{sql}");
        assert!(sql.contains("LIKE $3 ESCAPE"), "{sql}");
        assert!(sql.contains("LIKE $4 ESCAPE"), "{sql}");
        assert!(sql.ends_with("ORDER BY id DESC LIMIT $2"), "{sql}");
    }
}

//! What can be wrong with the runbook files a library is loaded from, and
//! where: the console shows these, and `oncall runbooks check` prints them.
//! Some leave a file out, some are only worth knowing (an override).
use std::collections::BTreeMap;

use super::frontmatter::{self, FrontMatter, Problem};
use super::library::Runbook;
use crate::sanitize;

/// A problem with one runbook file: `FILE:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    /// 1-based; 0 when it is about the whole file.
    pub line: usize,
    pub message: String,
    pub kind: ProblemKind,
}

/// How bad a problem is, and what became of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file could not be read as a runbook: it is left out.
    Unreadable,
    /// Its id is already taken by another file of the same folder.
    Duplicate,
    /// Its text holds escape sequences, control characters or bidi
    /// overrides: it loads, and is shown without them.
    UnsafeText,
    /// A `sections` value names no heading of the file: that mapping is
    /// left out, the runbook loads.
    BadSection,
    /// It falls short of the runbook standard (`runbooks check --strict`).
    BelowStandard,
    /// It takes the place of a shipped runbook (or of an earlier folder's)
    /// with the same id. Teams do this on purpose; it is said, not refused.
    Override,
}

impl ProblemKind {
    /// Whether `oncall runbooks check` fails on it and the console shows it.
    pub fn is_error(self) -> bool {
        self != ProblemKind::Override
    }
}

impl FileProblem {
    pub fn new(file: impl Into<String>, at: Problem, kind: ProblemKind) -> FileProblem {
        FileProblem {
            file: file.into(),
            line: at.line,
            message: at.message,
            kind,
        }
    }
}

impl FileProblem {
    /// The problem in a responder's words, for the console: what became of
    /// the file, then why. Clean, like `Display`.
    pub fn headline(&self) -> String {
        let at = match self.line {
            0 => String::new(),
            line => format!("line {line}: "),
        };
        let file = sanitize::line(&self.file);
        let message = sanitize::line(&self.message);
        match self.kind {
            ProblemKind::Unreadable => format!("{file} could not be read: {at}{message}"),
            _ => format!("{file}: {at}{message}"),
        }
    }
}

/// Clean for a terminal: file names and messages may quote what a file holds.
impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = sanitize::line(&self.file);
        let message = sanitize::line(&self.message);
        match self.line {
            0 => write!(f, "{file}: {message}"),
            line => write!(f, "{file}:{line}: {message}"),
        }
    }
}

/// Lines named one by one in a file full of escapes (pasted coloured
/// output); the rest are counted.
const LINES_NAMED: usize = 20;

/// Every line of a runbook file holding a character a terminal would obey
/// or that reorders text: ESC and the other controls (tabs and line ends
/// are fine), C1 controls, bidi overrides.
pub fn unsafe_lines(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut more = 0;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some(c) = sanitize::first_obeyed(line) else {
            continue;
        };
        if problems.len() == LINES_NAMED {
            more += 1;
            continue;
        }
        problems.push(Problem {
            line: i + 1,
            message: format!(
                "holds {}, which a terminal would obey or use to reorder text: the runbook is shown without it; remove it",
                sanitize::describe(c)
            ),
        });
    }
    if more > 0 {
        problems.push(Problem {
            line: 0,
            message: format!("and {more} more lines hold such characters"),
        });
    }
    problems
}

/// Front matter values holding what `unsafe_lines` cannot see: characters
/// the file spells as TOML escapes (`\u001b`, `\e`). One problem per key,
/// on the key's line.
pub fn unsafe_values(front: &FrontMatter, text: &str) -> Vec<Problem> {
    let fields: [(&str, Vec<&String>); 6] = [
        ("title", front.title.iter().collect()),
        ("services", front.services.iter().collect()),
        ("keywords", front.keywords.iter().collect()),
        (
            "labels",
            front.labels.iter().flat_map(|(k, v)| [k, v]).collect(),
        ),
        ("alerts", front.alerts.iter().collect()),
        (
            "sections",
            front.sections.iter().flat_map(|(k, v)| [k, v]).collect(),
        ),
    ];
    fields
        .into_iter()
        .filter_map(|(key, values)| {
            let c = values.iter().find_map(|v| sanitize::first_obeyed(v))?;
            Some(Problem {
                line: frontmatter::key_line(text, key),
                message: format!(
                    "{key} holds {} (from a TOML escape), which a terminal would obey or use to reorder text: it is shown without it; remove it",
                    sanitize::describe(c)
                ),
            })
        })
        .collect()
}

/// Runbooks of one folder that share an id: each after the first is named.
pub fn duplicate_ids(runbooks: &[Runbook]) -> Vec<FileProblem> {
    let mut first: BTreeMap<&str, &Runbook> = BTreeMap::new();
    let mut problems = Vec::new();
    for rb in runbooks {
        if let Some(prev) = first.get(rb.id.as_str()) {
            problems.push(FileProblem {
                file: rb.origin.display(),
                line: 2,
                message: format!(
                    "duplicate id '{}': also used by {}",
                    rb.id,
                    prev.origin.display()
                ),
                kind: ProblemKind::Duplicate,
            });
        } else {
            first.insert(&rb.id, rb);
        }
    }
    problems
}

/// `new` takes the place of `old` (same id). Said unless the two are the
/// same runbook word for word: a copy changes nothing anyone sees.
pub fn overrides(new: &Runbook, old: &Runbook) -> Option<FileProblem> {
    let same = Runbook {
        origin: new.origin.clone(),
        ..old.clone()
    };
    if same == *new {
        return None;
    }
    let what = match &old.origin {
        super::Origin::Shipped(_) => "the shipped runbook",
        super::Origin::File(_) => "the runbook",
    };
    Some(FileProblem {
        file: new.origin.display(),
        line: 0,
        message: format!("overrides {what} '{}' ({})", new.id, old.origin.display()),
        kind: ProblemKind::Override,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_with_an_escape_is_named() {
        let text =
            "+++\ntitle = \"a\u{1b}]0;x\u{7}\"\n+++\nplain\tand tabbed\r\n\u{202e}reversed\nok\n";
        let found = unsafe_lines(text);
        let lines: Vec<usize> = found.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 5]);
        assert!(found[0].message.contains("an escape (U+001B)"), "{found:?}");
        assert!(found[1].message.contains("bidirectional"), "{found:?}");
        assert!(unsafe_lines("a\r\nb\tc\n").is_empty());
        assert_eq!(
            unsafe_lines("a\rb")[0].line,
            1,
            "a lone CR rewrites the line"
        );
    }

    #[test]
    fn escapes_written_as_toml_escapes_are_found_on_their_key_line() {
        let text = "+++\nid = \"x\"\ntitle = \"a\\u001b[2Jb\"\n[labels]\nteam = \"\\u202e\"\n+++\n";
        let front = frontmatter::parse(text).unwrap().front;
        assert_eq!(front.title.as_deref(), Some("a\u{1b}[2Jb"));
        let found = unsafe_values(&front, text);
        let lines: Vec<(usize, &str)> = found
            .iter()
            .map(|p| (p.line, &p.message[..p.message.find(' ').unwrap()]))
            .collect();
        assert_eq!(lines, [(3, "title"), (4, "labels")]);
        assert!(unsafe_lines(text).is_empty(), "the text itself spells them");
    }

    #[test]
    fn a_file_full_of_escapes_is_summed_up() {
        let text = "\u{1b}[31mred\n".repeat(35);
        let found = unsafe_lines(&text);
        assert_eq!(found.len(), LINES_NAMED + 1);
        assert!(found[LINES_NAMED].message.contains("15 more lines"));
    }

    #[test]
    fn shown_problems_are_clean_and_whole_file_ones_have_no_line() {
        let p = FileProblem {
            file: "team/\u{1b}[2Jx.md".into(),
            line: 0,
            message: "id 'a\u{9b}2Jb' bad".into(),
            kind: ProblemKind::Unreadable,
        };
        assert_eq!(p.to_string(), "team/x.md: id 'ab' bad");
    }
}

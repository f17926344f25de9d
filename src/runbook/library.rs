//! All the runbooks the console knows: the shipped ones, compiled into the
//! binary so they open with no network and from any directory, and the
//! team's own folders, which add to them and override them by id.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::frontmatter::{self, Problem};
use super::index::MatchIndex;

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/runbooks");

/// Where a runbook came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled in; the path is relative to `runbooks/`.
    Shipped(PathBuf),
    File(PathBuf),
}

impl Origin {
    pub fn display(&self) -> String {
        match self {
            Origin::Shipped(p) => format!("(shipped) runbooks/{}", p.display()),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    pub id: String,
    pub title: String,
    pub services: Vec<String>,
    pub keywords: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub alerts: Vec<String>,
    pub body: String,
    pub origin: Origin,
}

/// A problem with one runbook file: `FILE:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    runbooks: Vec<Runbook>,
    index: MatchIndex,
}

impl Library {
    /// The shipped runbooks only.
    pub fn shipped() -> Library {
        let (runbooks, problems) = load_shipped();
        // Shipped runbooks are checked by tests and CI; one that still fails
        // is left out rather than taking the console down with it.
        for p in problems {
            tracing::error!("shipped runbook: {p}");
        }
        Library::from_runbooks(runbooks)
    }

    /// The shipped runbooks plus the team's folders (later folders win).
    /// Problems are returned for the caller to show; good files still load.
    pub fn load(dirs: &[PathBuf]) -> (Library, Vec<FileProblem>) {
        let (mut runbooks, mut problems) = load_shipped();
        for dir in dirs {
            let (found, dir_problems) = load_dir(dir);
            problems.extend(dir_problems);
            for rb in found {
                match runbooks.iter_mut().find(|r| r.id == rb.id) {
                    Some(existing) => *existing = rb,
                    None => runbooks.push(rb),
                }
            }
        }
        (Library::from_runbooks(runbooks), problems)
    }

    pub fn from_runbooks(mut runbooks: Vec<Runbook>) -> Library {
        runbooks.sort_by(|a, b| a.id.cmp(&b.id));
        let index = MatchIndex::build(&runbooks);
        Library { runbooks, index }
    }

    pub fn index(&self) -> &MatchIndex {
        &self.index
    }

    pub fn all(&self) -> &[Runbook] {
        &self.runbooks
    }

    pub fn get(&self, id: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.id == id)
    }

    pub fn len(&self) -> usize {
        self.runbooks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.runbooks.is_empty()
    }
}

fn load_shipped() -> (Vec<Runbook>, Vec<FileProblem>) {
    let mut runbooks = Vec::new();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    collect_embedded(&SHIPPED, &mut files);
    for (rel, text) in files {
        let name = format!("runbooks/{}", rel.display());
        match runbook_from_text(&text, &rel, Origin::Shipped(rel.clone())) {
            Ok(rb) => runbooks.push(rb),
            Err(p) => problems.push(FileProblem {
                file: name,
                line: p.line,
                message: p.message,
            }),
        }
    }
    problems.extend(duplicate_ids(&runbooks));
    (runbooks, problems)
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<(PathBuf, String)>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "md") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            out.push((file.path().to_path_buf(), text));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Loads every `*.md` under `dir` (recursively). Used for the team's folders
/// and by `oncall runbooks check DIR`.
pub fn load_dir(dir: &Path) -> (Vec<Runbook>, Vec<FileProblem>) {
    let mut runbooks = Vec::new();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    if let Err(e) = walk(dir, &mut files) {
        problems.push(FileProblem {
            file: dir.display().to_string(),
            line: 0,
            message: format!("cannot read the runbook folder: {e}"),
        });
    }
    files.sort();
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let shown = path.display().to_string();
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    problems.push(FileProblem {
                        file: shown,
                        line: 1,
                        message: "not UTF-8 text".into(),
                    });
                    continue;
                }
            },
            Err(e) => {
                problems.push(FileProblem {
                    file: shown,
                    line: 0,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        match runbook_from_text(&text, &rel, Origin::File(path.clone())) {
            Ok(rb) => runbooks.push(rb),
            Err(p) => problems.push(FileProblem {
                file: shown,
                line: p.line,
                message: p.message,
            }),
        }
    }
    problems.extend(duplicate_ids(&runbooks));
    (runbooks, problems)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

fn duplicate_ids(runbooks: &[Runbook]) -> Vec<FileProblem> {
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
            });
        } else {
            first.insert(&rb.id, rb);
        }
    }
    problems
}

/// Builds a runbook from a file's text; `rel` (the path within its folder)
/// gives the default id.
pub fn runbook_from_text(text: &str, rel: &Path, origin: Origin) -> Result<Runbook, Problem> {
    let parsed = frontmatter::parse(text)?;
    let front = parsed.front;
    let default_id = rel.with_extension("").to_string_lossy().replace('\\', "/");
    let id = front.id.unwrap_or(default_id);
    if id.trim().is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Problem {
            line: 2,
            message: format!("id '{id}' must be non-empty with no spaces"),
        });
    }
    let title = match front.title {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            return Err(Problem {
                line: 2,
                message: "missing `title = \"...\"` in the front matter".to_string(),
            });
        }
    };
    Ok(Runbook {
        id,
        title,
        services: front.services,
        keywords: front
            .keywords
            .into_iter()
            .map(|k| k.to_lowercase())
            .collect(),
        labels: front.labels,
        alerts: front.alerts,
        body: parsed.body,
        origin,
    })
}

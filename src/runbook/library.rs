//! All the runbooks the console knows: the shipped ones, compiled into the
//! binary so they open with no network and from any directory, and the
//! team's own folders, which add to them and override them by id.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::frontmatter::{self, Problem};
use super::index::MatchIndex;
use super::problems::{self, FileProblem, ProblemKind};
use super::sections::{self, Outline};
use crate::sanitize;

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
    /// Alert names and keywords, each to the text of the heading (as the
    /// outline has it) that answers them; only headings the body has.
    pub sections: BTreeMap<String, String>,
    pub body: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    runbooks: Vec<Runbook>,
    index: MatchIndex,
    /// Each runbook's headings and `sections`, by position, for choosing
    /// the section of a match.
    outlines: Vec<Outline>,
    /// What was wrong with the files it was loaded from, for the console to
    /// show and `runbooks check` to print.
    problems: Vec<FileProblem>,
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

    /// The shipped runbooks plus the team's folders (later folders win, and
    /// each such override is noted). Good files load whatever is wrong with
    /// the others; `problems` says what was.
    pub fn load(dirs: &[PathBuf]) -> Library {
        let (mut runbooks, mut problems) = load_shipped();
        for dir in dirs {
            let (found, dir_problems) = load_dir(dir);
            problems.extend(dir_problems);
            for rb in found {
                match runbooks.iter_mut().find(|r| r.id == rb.id) {
                    Some(existing) => {
                        problems.extend(problems::overrides(&rb, existing));
                        *existing = rb;
                    }
                    None => runbooks.push(rb),
                }
            }
        }
        Library {
            problems,
            ..Library::from_runbooks(runbooks)
        }
    }

    /// The problems found while loading, in file order.
    pub fn problems(&self) -> &[FileProblem] {
        &self.problems
    }

    pub fn from_runbooks(mut runbooks: Vec<Runbook>) -> Library {
        runbooks.sort_by(|a, b| a.id.cmp(&b.id));
        let index = MatchIndex::build(&runbooks);
        let outlines = runbooks.iter().map(Outline::of).collect();
        Library {
            runbooks,
            index,
            outlines,
            problems: Vec::new(),
        }
    }

    pub fn index(&self) -> &MatchIndex {
        &self.index
    }

    /// The outline of the runbook at `position` in `all()`.
    pub(crate) fn outline(&self, position: usize) -> Option<&Outline> {
        self.outlines.get(position)
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
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    collect_embedded(&SHIPPED, &mut files);
    for (rel, text) in files {
        let name = format!("runbooks/{}", rel.display());
        loaded.read(&text, &rel, Origin::Shipped(rel.clone()), &name);
    }
    loaded.done()
}

/// The text of the shipped runbook at `rel` (relative to `runbooks/`).
pub fn shipped_text(rel: &Path) -> Option<String> {
    let file = SHIPPED.get_file(rel)?;
    Some(String::from_utf8_lossy(file.contents()).into_owned())
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
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    if let Err(e) = walk(dir, &mut files) {
        let message = format!("cannot read the runbook folder: {e}");
        loaded.unreadable(dir.display().to_string(), 0, message);
    }
    files.sort();
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let shown = path.display().to_string();
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => loaded.read(&text, &rel, Origin::File(path.clone()), &shown),
            Ok(Err(_)) => loaded.unreadable(shown, 1, "not UTF-8 text".into()),
            Err(e) => loaded.unreadable(shown, 0, format!("cannot read: {e}")),
        }
    }
    loaded.done()
}

/// The runbooks of one folder as they are read, and what was wrong with
/// its files.
#[derive(Default)]
struct Loaded {
    runbooks: Vec<Runbook>,
    problems: Vec<FileProblem>,
}

impl Loaded {
    /// One file's text: its runbook, or why there is none, and the lines
    /// that hold what a terminal would obey.
    fn read(&mut self, text: &str, rel: &Path, origin: Origin, shown: &str) {
        let mut unsafe_text = problems::unsafe_lines(text);
        match runbook_from_text(text, rel, origin) {
            Ok(read) => {
                let named: Vec<usize> = unsafe_text.iter().map(|p| p.line).collect();
                let in_values = read.unsafe_values.into_iter();
                unsafe_text.extend(in_values.filter(|p| !named.contains(&p.line)));
                unsafe_text.sort_by_key(|p| (p.line == 0, p.line));
                self.problems.extend(
                    read.bad_sections
                        .into_iter()
                        .map(|p| FileProblem::new(shown, p, ProblemKind::BadSection)),
                );
                self.runbooks.push(read.runbook);
            }
            Err(p) => self
                .problems
                .push(FileProblem::new(shown, p, ProblemKind::Unreadable)),
        }
        self.problems.extend(
            unsafe_text
                .into_iter()
                .map(|p| FileProblem::new(shown, p, ProblemKind::UnsafeText)),
        );
    }

    fn unreadable(&mut self, file: String, line: usize, message: String) {
        let at = Problem { line, message };
        self.problems
            .push(FileProblem::new(file, at, ProblemKind::Unreadable));
    }

    /// The runbooks, and the problems with duplicate ids added.
    fn done(mut self) -> (Vec<Runbook>, Vec<FileProblem>) {
        self.problems
            .extend(problems::duplicate_ids(&self.runbooks));
        (self.runbooks, self.problems)
    }
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

/// A runbook read from its file, and what is wrong with the file that
/// does not keep it from loading.
#[derive(Debug)]
pub struct Read {
    pub runbook: Runbook,
    /// Front matter values holding escapes or controls (spelled as TOML
    /// escapes): shown without them.
    pub unsafe_values: Vec<Problem>,
    /// `sections` values naming no heading: left out.
    pub bad_sections: Vec<Problem>,
}

/// Builds a runbook from a file's text; `rel` (the path within its folder)
/// gives the default id. Its text is cleaned here, where it arrives: the
/// title and the lists to one clean line each, the body of escapes and
/// controls (tabs and newlines kept), so nothing shows or prints it raw.
pub fn runbook_from_text(text: &str, rel: &Path, origin: Origin) -> Result<Read, Problem> {
    let parsed = frontmatter::parse(text)?;
    let in_values = problems::unsafe_values(&parsed.front, text);
    let front = parsed.front;
    let default_id = rel.with_extension("").to_string_lossy().replace('\\', "/");
    let id = front.id.unwrap_or(default_id);
    if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
        return Err(Problem {
            line: 2,
            message: format!("id '{id}' must be non-empty with no spaces"),
        });
    }
    if let Some(c) = sanitize::first_unsafe(&id) {
        return Err(Problem {
            line: frontmatter::key_line(text, "id"),
            message: format!(
                "id '{id}' holds {}: use letters, digits, dashes",
                sanitize::describe(c)
            ),
        });
    }
    let title = match front.title.as_deref().map(sanitize::line) {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            return Err(Problem {
                line: 2,
                message: "missing `title = \"...\"` in the front matter".to_string(),
            });
        }
    };
    let lines = |list: Vec<String>| list.iter().map(|s| sanitize::line(s)).collect::<Vec<_>>();
    let body = sanitize::document(&parsed.body);
    let (sections, bad_sections) = sections::resolve(&front.sections, &body, text);
    let runbook = Runbook {
        id,
        title,
        services: lines(front.services),
        keywords: front
            .keywords
            .iter()
            .map(|k| sanitize::line(k).to_lowercase())
            .collect(),
        labels: front
            .labels
            .iter()
            .map(|(k, v)| (sanitize::line(k), sanitize::line(v)))
            .collect(),
        alerts: lines(front.alerts),
        sections,
        body,
        origin,
    };
    Ok(Read {
        runbook,
        unsafe_values: in_values,
        bad_sections,
    })
}

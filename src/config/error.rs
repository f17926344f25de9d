//! Config errors that say where and how to fix: `FILE:LINE: problem` and a
//! `fix:` line, whether the problem is TOML syntax, an unknown key, or a value
//! that failed its check.
use std::fmt;
use std::path::{Path, PathBuf};

/// Separates a problem from its fix inside messages raised by our own value
/// checks (see `HumanDuration`), so the fix survives the trip through serde.
pub(crate) const FIX_SEPARATOR: &str = "; fix: ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; `None` when the whole file is at fault (unreadable).
    pub line: Option<usize>,
    pub problem: String,
    pub fix: String,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.problem)?,
            None => write!(f, "{}: {}", self.path.display(), self.problem)?,
        }
        write!(f, "\n  fix: {}", self.fix)
    }
}

impl ConfigError {
    pub fn unreadable(path: &Path, err: &std::io::Error) -> ConfigError {
        let fix = match err.kind() {
            std::io::ErrorKind::NotFound => {
                "create it (see config.example.toml) or pass --config with the right path"
            }
            std::io::ErrorKind::PermissionDenied => "make it readable by you: chmod u+r FILE",
            _ => "check that the path is a readable text file",
        };
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            problem: format!("cannot read the config file: {err}"),
            fix: fix.replace("FILE", &path.display().to_string()),
        }
    }

    pub fn from_toml(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
        let line = err.span().map(|s| line_of(text, s.start));
        let message = err.message().trim().replace('\n', " ");
        let (problem, fix) = match message.split_once(FIX_SEPARATOR) {
            Some((problem, fix)) => (problem.to_string(), fix.to_string()),
            None => (message.clone(), fix_for(&message)),
        };
        ConfigError {
            path: path.to_path_buf(),
            line: line.map(|l| line_of_named_value(text, l, &problem)),
            problem,
            fix,
        }
    }

    /// An error about the first `key = ...` line in the file.
    pub fn at_key(path: &Path, text: &str, key: &str, problem: &str, fix: &str) -> ConfigError {
        let line = text.lines().position(|l| is_key(l, key)).map(|i| i + 1);
        ConfigError {
            path: path.to_path_buf(),
            line,
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }

    /// An error about the last place the quoted `value` appears (for
    /// duplicates, the second one is the one to remove).
    pub fn at_value(path: &Path, text: &str, value: &str, problem: &str, fix: &str) -> ConfigError {
        let quoted = format!("\"{value}\"");
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(&quoted))
            .map(|(i, _)| i + 1)
            .last();
        ConfigError {
            path: path.to_path_buf(),
            line,
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }

    /// An error about the `nth` (from 0) table with this `header` (like
    /// `[[hub.policies]]`): at its `key = ...` line when it has one, else at
    /// the header. Tables written inline, with no header line, get no line.
    pub fn in_table(
        path: &Path,
        text: &str,
        table: (&str, usize),
        key: &str,
        problem: &str,
        fix: &str,
    ) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line: line_in_table(text, table, key),
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }
}

/// The 1-based line of `key` in the `nth` table with this `header`, else of
/// the header; `None` when there is no such header line.
pub(crate) fn line_in_table(text: &str, (header, nth): (&str, usize), key: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_header(l, header))
        .nth(nth)
        .map(|(start, _)| {
            let body = lines.iter().skip(start + 1);
            let at_key = body
                .take_while(|l| !l.trim_start().starts_with('['))
                .position(|l| is_key(l, key));
            at_key.map_or(start, |k| start + 1 + k) + 1
        })
}

/// Whether `line` sets `key` (`key = ...`).
fn is_key(line: &str, key: &str) -> bool {
    line.trim_start()
        .strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// Whether `line` is exactly the table header `header`, maybe with a comment.
fn is_header(line: &str, header: &str) -> bool {
    line.trim()
        .strip_prefix(header)
        .is_some_and(|rest| rest.trim_start().is_empty() || rest.trim_start().starts_with('#'))
}

/// toml points at a whole list when one of its values fails its check: a
/// problem that starts by quoting the value (`'x' is not ...`) is moved from
/// `line` to the line, at or after it, that holds `"x"`.
fn line_of_named_value(text: &str, line: usize, problem: &str) -> usize {
    let named = problem
        .strip_prefix('\'')
        .and_then(|rest| rest.split_once('\''))
        .map(|(value, _)| format!("\"{value}\""));
    let Some(quoted) = named else {
        return line;
    };
    text.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .find(|(_, l)| l.contains(&quoted))
        .map_or(line, |(i, _)| i + 1)
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A fix for the errors serde and toml raise themselves.
fn fix_for(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        if allowed.is_empty() || allowed.starts_with("there are no fields") {
            return format!("remove `{name}`: this table takes no such key");
        }
        return format!("remove `{name}` or correct its spelling; this table takes: {allowed}");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return format!("add `{name} = ...` to this table (see config.example.toml)");
    }
    if message.starts_with("unknown variant") {
        let allowed = message
            .split_once("expected ")
            .map(|(_, a)| a.replace('`', ""))
            .unwrap_or_default();
        return format!("use one of: {allowed}");
    }
    if message.starts_with("invalid type") {
        return "check the value's type: text in quotes, lists in [ ], true/false unquoted"
            .to_string();
    }
    "correct the TOML at this line (see config.example.toml for every key)".to_string()
}

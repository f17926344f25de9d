//! A runbook file: TOML front matter between `+++` lines, then markdown.
use std::collections::BTreeMap;

use serde::Deserialize;

/// The keys a runbook's front matter may hold (runbooks/template.md).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub id: Option<String>,
    pub title: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub alerts: Vec<String>,
    /// Alert names or keywords, each to the heading that answers it.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
}

/// What is wrong with a runbook file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

/// The parts of a runbook file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub front: FrontMatter,
    pub body: String,
    /// The line of the file the body starts on (1-based), so problems found
    /// in the body can name the file's line.
    pub body_line: usize,
}

const FENCE: &str = "+++";

/// Splits and parses a runbook file. The front matter is required: without
/// it a runbook cannot be matched to anything.
pub fn parse(text: &str) -> Result<Parsed, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Err(Problem {
            line: 1,
            message: "the file must start with a `+++` line, then TOML front matter (id, title, \
                      services, keywords, labels, alerts, sections), then another `+++` line"
                .to_string(),
        });
    }
    let front_start = first.len();
    let mut offset = front_start;
    let mut line_no = 1;
    let mut front_end = None;
    for l in lines {
        line_no += 1;
        if l.trim_end() == FENCE {
            front_end = Some((offset, offset + l.len(), line_no));
            break;
        }
        offset += l.len();
    }
    let Some((end, body_start, closing_line)) = front_end else {
        return Err(Problem {
            line: 1,
            message: "the front matter has no closing `+++` line".to_string(),
        });
    };
    let toml_text = &text[front_start..end];
    let front: FrontMatter = toml::from_str(toml_text).map_err(|e| {
        let within = e
            .span()
            .map(|s| {
                toml_text.as_bytes()[..s.start.min(toml_text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
            })
            .unwrap_or(0);
        Problem {
            // +1 for the opening fence, +1 to be 1-based.
            line: within + 2,
            message: e.message().trim().replace('\n', " "),
        }
    })?;
    Ok(Parsed {
        front,
        body: text[body_start..].to_string(),
        body_line: closing_line + 1,
    })
}

/// The line (1-based) of the front matter that sets `key` (`key = ...` or a
/// `[key]` table), or 2, the front matter's first line, when none does.
pub fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != FENCE)
        .find(|(_, l)| {
            let l = l.trim();
            let assigned = l
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']));
            assigned || l == format!("[{key}]")
        })
        .map_or(2, |(i, _)| i + 1)
}

/// The line (1-based) of the front matter where `key`'s value `value` is
/// written (`"value"` on or after the key's line), or the key's line.
pub fn value_line(text: &str, key: &str, value: &str) -> usize {
    let from = key_line(text, key);
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .take_while(|(i, l)| *i == 0 || l.trim_end() != FENCE)
        .find(|(_, l)| quoted.iter().any(|q| l.contains(q.as_str())))
        .map_or(from, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_front_matter_and_body() {
        let p =
            parse("+++\nid = \"net\"\ntitle = \"Net\"\nkeywords = [\"dns\"]\n+++\n# Net\nbody\n")
                .unwrap();
        assert_eq!(p.front.id.as_deref(), Some("net"));
        assert_eq!(p.front.keywords, vec!["dns"]);
        assert_eq!(p.body, "# Net\nbody\n");
        assert_eq!(p.body_line, 6);
    }

    #[test]
    fn a_value_is_found_on_its_own_line() {
        let text = "+++\nid = \"k\"\nsections = {\n  A = \"Pods\",\n  b = 'Nodes' }\n+++\n";
        let p = parse(text).unwrap();
        assert_eq!(p.front.sections.get("A").map(String::as_str), Some("Pods"));
        assert_eq!(value_line(text, "sections", "Pods"), 4);
        assert_eq!(value_line(text, "sections", "Nodes"), 5);
        assert_eq!(value_line(text, "sections", "Gone"), 3);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse("+++\nid = \"net\"\nkeyword = [\"dns\"]\n+++\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("keyword"), "{}", err.message);
    }

    #[test]
    fn missing_fences_are_problems() {
        assert_eq!(parse("# just markdown\n").unwrap_err().line, 1);
        assert!(
            parse("+++\nid = \"x\"\n")
                .unwrap_err()
                .message
                .contains("closing")
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*", t in "(\\+\\+\\+\n)?[a-z =\"\\[\\]{},\n]*(\\+\\+\\+\n)?.*") {
            let _ = parse(&s);
            let _ = parse(&t);
        }
    }
}

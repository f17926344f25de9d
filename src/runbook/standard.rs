//! The standard every shipped runbook meets, as one definition that the
//! tests and `oncall runbooks check --strict` both hold runbooks to: the
//! sections a responder needs, in order; five first moves; what the alert
//! is usually a symptom of; and a tag on every command block saying what
//! running it does.
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use super::frontmatter::{self, Problem};
use super::markdown::outline;

/// The level-2 sections every runbook has, with these names (case aside),
/// in this order, before any other level-2 heading.
pub const SECTIONS: [&str; 9] = [
    "First five minutes",
    "Stop and escalate if",
    "Impact",
    "What this covers",
    "Symptoms",
    "Checks",
    "Actions",
    "Escalate",
    "Roll back",
];

/// What running a block does: only reads, loads the system, or cannot be undone.
pub const TAGS: [&str; 3] = ["read-only", "heavy", "irreversible"];

/// The line that says what the alert usually comes from.
const SYMPTOM_OF: &str = "Usually a symptom of:";

const FIRST_MOVES: usize = 5;

/// Where a runbook file falls short of the standard, each problem on its
/// line of the file; empty when it meets it. A file without front matter
/// has no body to judge (loading it says why).
pub fn check(text: &str) -> Vec<Problem> {
    let Ok(parsed) = frontmatter::parse(text) else {
        return Vec::new();
    };
    let body = parsed.body.as_str();
    // 1-based line of the file for a 0-based line of the body.
    let at = |body_line: usize| parsed.body_line + body_line;
    let mut problems = Vec::new();
    let level2: Vec<(String, usize)> = outline(body)
        .into_iter()
        .filter(|h| h.level == 2)
        .map(|h| (h.text, h.line))
        .collect();
    sections(&level2, &mut problems, &at, body);
    first_moves(&level2, body, &mut problems, &at);
    if !body.lines().any(|l| l.starts_with(SYMPTOM_OF)) {
        let line = position(&level2, "What this covers").map_or(parsed.body_line, |(_, l)| at(l));
        problems.push(Problem {
            line,
            message: format!(
                "no '{SYMPTOM_OF}' line: under '## What this covers', name the families of causes this alert usually comes from"
            ),
        });
    }
    code_tags(body, &mut problems, &at);
    problems.sort_by_key(|p| p.line);
    problems
}

/// Index among the level-2 headings and body line of the section `name`.
fn position(level2: &[(String, usize)], name: &str) -> Option<(usize, usize)> {
    level2
        .iter()
        .enumerate()
        .find(|(_, (text, _))| text.eq_ignore_ascii_case(name))
        .map(|(i, (_, line))| (i, *line))
}

/// Each standard section present, in order, and no other level-2 heading
/// among them.
fn sections(
    level2: &[(String, usize)],
    problems: &mut Vec<Problem>,
    at: &dyn Fn(usize) -> usize,
    body: &str,
) {
    let end_line = at(body.lines().count());
    if SECTIONS.iter().all(|name| position(level2, name).is_none()) {
        problems.push(Problem {
            line: end_line,
            message: format!(
                "none of the standard's sections: add, as ## headings in this order, {}",
                SECTIONS.join(", ")
            ),
        });
        return;
    }
    let mut last_found: Option<usize> = None;
    for (n, name) in SECTIONS.iter().enumerate() {
        match position(level2, name) {
            None => {
                let next = SECTIONS[n + 1..]
                    .iter()
                    .find_map(|later| position(level2, later).map(|p| (later, p)));
                let (line, place) = match next {
                    Some((later, (_, line))) => (at(line), format!("before '## {later}'")),
                    None => (end_line, "at the end".to_string()),
                };
                problems.push(Problem {
                    line,
                    message: format!("no '## {name}' section: add it {place}"),
                });
            }
            Some((i, line)) => {
                if last_found.is_some_and(|prev| i < prev) {
                    problems.push(Problem {
                        line: at(line),
                        message: format!(
                            "'## {name}' is out of order: the sections go {}",
                            SECTIONS.join(", ")
                        ),
                    });
                }
                last_found = Some(last_found.map_or(i, |prev| prev.max(i)));
            }
        }
    }
    let Some(last) = last_found else {
        return;
    };
    for (text, line) in &level2[..last] {
        if !SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(text)) {
            problems.push(Problem {
                line: at(*line),
                message: format!(
                    "'## {text}' stands among the standard's sections: make it a ### under one of them, or move it after '## Roll back'"
                ),
            });
        }
    }
}

/// "First five minutes" lists exactly five numbered moves.
fn first_moves(
    level2: &[(String, usize)],
    body: &str,
    problems: &mut Vec<Problem>,
    at: &dyn Fn(usize) -> usize,
) {
    let Some((i, start)) = position(level2, SECTIONS[0]) else {
        return;
    };
    let end = level2.get(i + 1).map_or(usize::MAX, |(_, l)| *l);
    let moves = body
        .lines()
        .enumerate()
        .filter(|(n, _)| *n > start && *n < end)
        .filter(|(_, l)| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u8>().is_ok())
        })
        .count();
    if moves != FIRST_MOVES {
        problems.push(Problem {
            line: at(start),
            message: format!(
                "'## {}' has {moves} numbered moves: write exactly {FIRST_MOVES} (1. to 5.)",
                SECTIONS[0]
            ),
        });
    }
}

/// Every code block fenced, with a tag after its language (`text` blocks,
/// sample output, need none).
fn code_tags(body: &str, problems: &mut Vec<Problem>, at: &dyn Fn(usize) -> usize) {
    let fix = format!("one of {}", TAGS.join(", "));
    for (event, range) in Parser::new(body).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            continue;
        };
        let line = at(body[..range.start].matches('\n').count());
        let message = match kind {
            CodeBlockKind::Indented => {
                "an indented code block cannot carry a tag: fence it, like ```sh read-only"
                    .to_string()
            }
            CodeBlockKind::Fenced(info) => {
                let words: Vec<&str> = info.split_whitespace().collect();
                match words[..] {
                    ["text"] => continue,
                    [_, tag] if TAGS.contains(&tag) => continue,
                    [lang] => format!(
                        "code block ```{lang} has no tag: write ```{lang} and {fix} (```text for sample output)"
                    ),
                    [] => format!(
                        "code block ``` has no language or tag: write ```sh and {fix} (```text for sample output)"
                    ),
                    _ => format!(
                        "code block ```{info} has no tag the standard knows: write the language, then {fix}"
                    ),
                }
            }
        };
        problems.push(Problem { line, message });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, String)> {
        check(text)
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn a_runbook_with_none_of_the_sections_gets_one_problem_naming_them() {
        let found = lines("+++\ntitle = \"x\"\n+++\n# X\n\nUsually a symptom of: y\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.starts_with("none of the standard's sections: add, as ## headings in this order, First five minutes, Stop and escalate if"), "{found:?}");
    }

    #[test]
    fn sections_out_of_order_and_indented_code_are_named_at_their_line() {
        let mut text = String::from("+++\ntitle = \"x\"\n+++\n# X\n");
        for name in SECTIONS {
            let name = match name {
                "Impact" => "Symptoms",
                "Symptoms" => "Impact",
                other => other,
            };
            text.push_str(&format!("\n## {name}\n"));
            if name == "First five minutes" {
                text.push_str("\n1. a\n2. b\n3. c\n4. d\n5. e\n");
            }
            if name == "What this covers" {
                text.push_str("\nUsually a symptom of: z\n");
            }
        }
        text.push_str("\n    rm -rf /tmp/x\n\n```bash heavy\nls\n```\n");
        let found = lines(&text);
        let at: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        // Impact and Symptoms swapped: what stands after its place is named.
        assert_eq!(at, [16, 18, 32], "{found:?}");
        let starts = [
            "'## Symptoms' is out of order",
            "'## What this covers' is out of order",
            "an indented code block",
        ];
        for ((_, message), start) in found.iter().zip(starts) {
            assert!(message.starts_with(start), "{found:?}");
        }
    }
}

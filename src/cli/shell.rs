//! What a terminal user expects of a command besides its work: completions
//! for their shell and a man page. Both are generated from the one clap
//! definition of the command line, so they never disagree with `--help`.
use std::io::Write;

use clap::{CommandFactory, ValueEnum};

use super::Cli;

/// The shells `oncall completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
        }
    }
}

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    let mut command = Cli::command();
    clap_complete::generate(shell.generator(), &mut command, "oncall", out);
}

/// Writes the man page, `oncall(1)` in roff, to `out`: the command, its
/// options and every subcommand with its own options.
pub fn man_page(out: &mut dyn Write) -> std::io::Result<()> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_subcommand(out, "oncall", sub)?;
    }
    man.render_version_section(out)?;
    Ok(())
}

/// One subcommand (and its own subcommands) as a section of the page.
fn render_subcommand(
    out: &mut dyn Write,
    parent: &str,
    sub: &clap::Command,
) -> std::io::Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        writeln!(out, "{}", roff_text(&about.to_string()))?;
    }
    let args: Vec<_> = sub
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help")
        .collect();
    for arg in args {
        let mut head = String::new();
        if let Some(short) = arg.get_short() {
            head.push_str(&format!("\\-{short}"));
        }
        if let Some(long) = arg.get_long() {
            if !head.is_empty() {
                head.push_str(", ");
            }
            head.push_str(&format!("\\-\\-{}", long.replace('-', "\\-")));
        }
        let takes_values = arg.get_action().takes_values();
        if let Some(names) = arg.get_value_names().filter(|_| takes_values) {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            if head.is_empty() {
                head = names.join(" ");
            } else {
                head.push_str(&format!(" {}", names.join(" ")));
            }
        } else if head.is_empty() {
            head = arg.get_id().to_string().to_uppercase();
        }
        writeln!(out, ".TP\n\\fB{head}\\fR")?;
        if let Some(help) = arg.get_long_help().or(arg.get_help()) {
            writeln!(out, "{}", roff_text(&help.to_string()))?;
        }
    }
    for nested in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_subcommand(out, &name, nested)?;
    }
    Ok(())
}

/// Text as roff reads it: a leading dot or quote would start a request, and
/// a backslash an escape.
fn roff_text(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.replace('\\', "\\e");
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_that_names_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            completions(shell, &mut out);
            let script = String::from_utf8(out).unwrap();
            for sub in [
                "serve",
                "page",
                "handoff",
                "runbooks",
                "token",
                "completions",
            ] {
                assert!(script.contains(sub), "{shell:?} lacks {sub}");
            }
        }
    }

    #[test]
    fn the_man_page_documents_every_subcommand_and_its_options() {
        let mut out = Vec::new();
        man_page(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(
            page.starts_with(".ie") || page.contains(".TH oncall"),
            "{page}"
        );
        for section in [
            "ONCALL SERVE",
            "ONCALL PAGE",
            "ONCALL HANDOFF",
            "ONCALL RUNBOOKS CHECK",
            "ONCALL TOKEN NEW",
        ] {
            assert!(page.contains(section), "no section {section}");
        }
        assert!(page.contains("\\-\\-listen"), "serve's options are missing");
    }

    #[test]
    fn roff_requests_in_help_text_stay_text() {
        assert_eq!(roff_text(".SH x\n'y\na\\b"), "\\&.SH x\n\\&'y\na\\eb");
    }
}

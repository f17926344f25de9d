//! README.md's "Keys" names every key of the console's key table, in every
//! mode, written as the footer and the help write it: a key added to the
//! table and not to the README fails here.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use oncall::console::keys::BINDINGS;

/// README.md from "## Keys" to the next section.
fn keys_section() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let start = readme
        .find("\n## Keys\n")
        .expect("README.md has a Keys section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

#[test]
fn the_readme_names_every_key_of_every_mode() {
    let section = keys_section();
    let mut missing = Vec::new();
    for b in BINDINGS {
        for label in b.group_labels() {
            if !section.contains(&format!("`{label}`")) {
                missing.push(format!("`{label}` ({:?}: {})", b.context, b.help));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README.md's Keys does not name:\n{}",
        missing.join("\n")
    );
}

//! Responder tokens: made here (`oncall token new NAME`), kept by the
//! responder, and known to the hub only by their SHA-256.
use crate::config::{Role, Sha256Hex};

/// Every token starts with this, so a leaked one is easy to recognise in a
/// secret scanner or a paste.
pub const PREFIX: &str = "oc_";

/// A new token: 32 bytes from the operating system's random source, as hex.
/// Without a random source no safe token can be made, and the error says so.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{PREFIX}{}", hex::encode(bytes)))
}

/// The `[[hub.responders]]` entry that lets `name` in with `token` as
/// `role` (the default role goes unsaid); the hub's config holds only the
/// hash, so it can be shared without sharing the token.
pub fn config_line(name: &str, token: &str, role: Role) -> String {
    let hash = Sha256Hex::of(token).to_hex();
    // Written as TOML basic strings so any name round-trips.
    let name = toml_string(name);
    let mut entry = format!("[[hub.responders]]\nname = {name}\ntoken_sha256 = \"{hash}\"\n");
    if role != Role::default() {
        entry.push_str(&format!("role = \"{role}\"\n"));
    }
    entry
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    #[test]
    fn tokens_are_prefixed_hex_of_32_bytes_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        let hex_part = a.strip_prefix(PREFIX).unwrap();
        assert_eq!(hex_part.len(), 64);
        assert!(hex_part.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn config_line_parses_and_its_hash_matches_the_token() {
        let token = new_token().unwrap();
        let line = config_line("alice", &token, Role::Responder);
        assert!(!line.contains("role"), "{line}");
        let config = Config::parse(&line, Path::new("config.toml")).unwrap();
        assert_eq!(config.hub.responders.len(), 1);
        assert_eq!(config.hub.responders[0].name, "alice");
        assert_eq!(config.hub.responders[0].role, Role::Responder);
        assert_eq!(config.hub.responders[0].token_sha256, Sha256Hex::of(&token));
        assert_ne!(
            config.hub.responders[0].token_sha256,
            Sha256Hex::of("oc_other")
        );
    }

    #[test]
    fn config_line_quotes_awkward_names() {
        let token = new_token().unwrap();
        let name = "o\"brien \\ é";
        let line = config_line(name, &token, Role::Responder);
        let config = Config::parse(&line, Path::new("config.toml")).unwrap();
        assert_eq!(config.hub.responders[0].name, name);
    }

    #[test]
    fn config_line_says_any_other_role() {
        let token = new_token().unwrap();
        for role in [Role::Lead, Role::Integration] {
            let line = config_line("am", &token, role);
            let config = Config::parse(&line, Path::new("config.toml")).unwrap();
            assert_eq!(config.hub.responders[0].role, role, "{line}");
        }
    }
}

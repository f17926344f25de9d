//! Who may use the hub: `[[hub.responders]]`, each known by the SHA-256 of
//! their token, with what their token may do and how the hub pages them.
use serde::Deserialize;

use super::{Contact, Sha256Hex};

/// A responder the hub accepts, known by the SHA-256 of their token.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResponderConfig {
    pub name: String,
    pub token_sha256: Sha256Hex,
    #[serde(default)]
    pub role: Role,
    /// How the hub pages them, in the file's order (`[[hub.responders.contacts]]`).
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

impl ResponderConfig {
    /// A person with the default role and no contacts.
    pub fn new(name: impl Into<String>, token_sha256: Sha256Hex) -> Self {
        ResponderConfig {
            name: name.into(),
            token_sha256,
            role: Role::default(),
            contacts: Vec::new(),
        }
    }
}

/// What a token may do on the hub (docs/api.md, "Who is asking").
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A person: works incidents, and hands off the shift they hold.
    #[default]
    Responder,
    /// A person who may also hand off a shift someone else holds.
    Lead,
    /// Alertmanager, scripts, cron jobs: may only send events, and is never
    /// on call, an owner or a hand-off target.
    Integration,
}

impl Role {
    pub const NAMES: [&str; 3] = ["responder", "lead", "integration"];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Responder => "responder",
            Role::Lead => "lead",
            Role::Integration => "integration",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s.trim() {
            "responder" => Ok(Role::Responder),
            "lead" => Ok(Role::Lead),
            "integration" => Ok(Role::Integration),
            other => Err(format!(
                "'{other}' is not a role: use {}",
                Role::NAMES.join(", ")
            )),
        }
    }
}

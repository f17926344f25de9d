//! A test team's hub config, written once: its people, each with a token
//! and the webhook contacts that page them; Alertmanager's integration
//! token; and the escalation policies, as the TOML a team would write. The
//! tests that page real receivers (`support::pages`), count pages, or run
//! several hubs on one database build their config from these rather than
//! spell the TOML out each time.

use oncall::config::Sha256Hex;

/// One person of the team: a name, a token, and where their pages go.
pub struct Person<'a> {
    pub name: &'a str,
    pub token: &'a str,
    /// Each contact: a webhook URL, and how long after a round starts it is
    /// paged ("0m" at once).
    pub contacts: Vec<(String, &'a str)>,
}

impl<'a> Person<'a> {
    /// `name` with `token`, paged by nothing yet.
    pub fn new(name: &'a str, token: &'a str) -> Person<'a> {
        Person {
            name,
            token,
            contacts: Vec::new(),
        }
    }

    /// Also paged through a webhook at `url`, `after` into each round.
    pub fn paged_at(mut self, url: String, after: &'a str) -> Person<'a> {
        self.contacts.push((url, after));
        self
    }
}

/// The `[[hub.responders]]` of `people`, in order, then Alertmanager's
/// integration token (`support::ALERTMANAGER`).
pub fn responders(people: &[Person<'_>]) -> String {
    let mut text = String::new();
    for person in people {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{}\"\ntoken_sha256 = \"{}\"\n",
            person.name,
            Sha256Hex::of(person.token).to_hex()
        ));
        for (url, after) in &person.contacts {
            text.push_str(&format!(
                "[[hub.responders.contacts]]\nvia = \"webhook\"\nto = \"{url}\"\nafter = \"{after}\"\n"
            ));
        }
    }
    text.push_str(&format!(
        "[[hub.responders]]\nname = \"alertmanager\"\nrole = \"integration\"\ntoken_sha256 = \"{}\"\n",
        Sha256Hex::of(super::ALERTMANAGER).to_hex()
    ));
    text
}

/// A `[[hub.policies]]` for `services`: its levels in order, each whom it
/// pages and how long it waits before the next level (`None` for the
/// last).
pub fn policy(services: &[&str], levels: &[(&str, Option<&str>)]) -> String {
    let services: Vec<String> = services.iter().map(|s| format!("\"{s}\"")).collect();
    let mut text = format!("\n[[hub.policies]]\nservices = [{}]\n", services.join(", "));
    for (who, after) in levels {
        text.push_str(&format!("[[hub.policies.levels]]\nwho = [\"{who}\"]\n"));
        if let Some(after) = after {
            text.push_str(&format!("after = \"{after}\"\n"));
        }
    }
    text
}

/// alice and bob, each paged at once through `rx` at `/alice` and `/bob`,
/// and db's policy: alice, then bob after 15 minutes.
pub fn alice_then_bob(rx: &super::receiver::Receiver) -> String {
    let people = [
        Person::new("alice", super::ALICE).paged_at(rx.url("alice"), "0m"),
        Person::new("bob", super::BOB).paged_at(rx.url("bob"), "0m"),
    ];
    responders(&people) + &policy(&["db"], &[("alice", Some("15m")), ("bob", None)])
}

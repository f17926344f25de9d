//! Hostile text for the tests that check nothing a terminal obeys gets
//! through: the sequences, the check on what came out, and the ways to put
//! them into a hub (its routes, and its database as an older hub left it) and
//! into a team runbook folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oncall::incident::NewIncident;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{ALERTMANAGER, ALICE, BOB, TestHub, expect};

/// What a terminal obeys, each with a name for the failure message.
pub const SEQUENCES: [(&str, &str); 10] = [
    ("OSC 52 clipboard", "\u{1b}]52;c;UFdOLUNMSVA=\u{7}"),
    ("OSC 0 title", "\u{1b}]0;PWN-TITLE0\u{7}"),
    ("OSC 2 title", "\u{1b}]2;PWN-TITLE2\u{1b}\\"),
    (
        "OSC 8 link",
        "\u{1b}]8;;http://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    ),
    ("CSI 2J", "\u{1b}[2J"),
    ("leave alt screen", "\u{1b}[?1049l"),
    ("DCS", "\u{1b}P+q544e\u{1b}\\"),
    ("C1 CSI", "\u{9b}2J"),
    ("C1 OSC", "\u{9d}0;PWN-C1\u{9c}"),
    ("bidi", "\u{202e}"),
];

/// What a sequence removed by halves would leave on screen.
pub const LEFTOVERS: [&str; 6] = ["52;c;", "PWN-", "evil.example", "[2J", "1049", "+q544e"];

pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// No ESC, BEL, other control (but newline and tab), C1 or bidi character,
/// and nothing left of a sequence.
pub fn assert_inert(place: &str, text: &str) {
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| (c.is_control() && c != '\n' && c != '\t') || is_bidi(c))
    {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!(
            "{place}: U+{:04X} reached the output after {:?}",
            u32::from(c),
            &text[from..i]
        );
    }
    for left in LEFTOVERS {
        assert!(!text.contains(left), "{place}: '{left}' is left in {text}");
    }
}

/// Free text carrying `seq`, readable around it.
pub fn text(name: &str, seq: &str) -> String {
    format!("before {name} <{seq}> after")
}

/// TOML's spelling of `s` inside a basic string: what a team writes to get
/// such characters into a title.
pub fn toml_escaped(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' | '\\' => format!("\\{c}"),
            c if c.is_control() || is_bidi(c) => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// A team folder with one runbook holding every sequence: in its title (as
/// TOML escapes) and raw in its body, one step a line.
pub fn team_runbooks(dir: &Path) -> PathBuf {
    let team = dir.join("team-runbooks");
    std::fs::create_dir_all(&team).unwrap();
    let title: String = SEQUENCES.iter().map(|(_, s)| toml_escaped(s)).collect();
    let mut body = String::from("# Evil\n\n");
    for (name, seq) in SEQUENCES {
        body.push_str(&format!("- [ ] {}\n", text(name, seq)));
    }
    body.push_str("\n```\nprintf '");
    body.push_str(&SEQUENCES.map(|(_, s)| s).concat());
    body.push_str("'\n```\n");
    std::fs::write(
        team.join("evil.md"),
        format!(
            "+++\nid = \"evil\"\ntitle = \"Evil {title} runbook\"\nkeywords = [\"evil\"]\n+++\n{body}"
        ),
    )
    .unwrap();
    team
}

pub fn config(dir: &Path, hub: &str, team: &Path) -> String {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "responder = \"alice\"\n[[feeds]]\nurl = \"{hub}\"\n[runbooks]\ndirs = [\"{}\"]\n",
            team.display()
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// Sends every sequence through every route that takes free text; returns
/// the incidents opened.
pub async fn store_free_text(hub: &TestHub) -> Vec<u64> {
    let mut ids = Vec::new();
    for (i, (name, seq)) in SEQUENCES.iter().enumerate() {
        let evil = text(name, seq);
        let new = NewIncident {
            title: evil.clone(),
            service: "db".into(),
            description: format!("{evil}\nsecond line {seq}"),
            labels: BTreeMap::from([
                ("team".to_string(), evil.clone()),
                // A source link (as the console reads it) around the
                // sequence, and one that runs script.
                (
                    oncall::alertmanager::SOURCE_URL_LABEL.to_string(),
                    if i % 4 != 3 {
                        format!("http://prom.example/graph?{evil}")
                    } else {
                        format!("javascript:alert('{evil}')")
                    },
                ),
            ]),
            ..NewIncident::default()
        };
        let id = hub.open(&new).await.id;
        ids.push(id);
        let path = |what: &str| format!("/api/v1/incidents/{id}/{what}");
        for (what, body) in [
            ("acknowledge", json!({ "note": evil })),
            ("notes", json!({ "text": evil })),
            ("escalate", json!({ "note": evil })),
            (
                "steps",
                json!({"runbook": "disk-full", "step": 0, "done": true, "text": evil}),
            ),
        ] {
            let resp = hub.post(ALICE, &path(what), &body).await;
            assert!(resp.status().is_success(), "{what} with {name}: {resp:?}");
        }
        if i % 2 == 1 {
            let resp = hub
                .post(ALICE, &path("resolve"), &json!({ "note": evil }))
                .await;
            assert!(resp.status().is_success(), "resolve with {name}");
        }
        let webhook = json!({
            "version": "4", "status": "firing", "receiver": evil,
            "alerts": [{
                "status": "firing",
                "labels": {"alertname": "Evil", "service": evil, "instance": evil},
                "annotations": {"summary": evil, "description": evil, "runbook_url": evil},
                "startsAt": "2026-11-23T07:59:00Z",
                "generatorURL": format!("http://prom.example/graph?g0.expr={evil}"),
                "fingerprint": format!("{i:016x}"),
            }],
        });
        let resp = hub
            .post(ALERTMANAGER, "/api/v1/alertmanager", &webhook)
            .await;
        let answer: oncall::hub::WebhookAnswer = expect(resp, StatusCode::OK).await;
        ids.extend(answer.opened);
    }
    let note: String = SEQUENCES.iter().map(|(n, s)| text(n, s) + "\n").collect();
    let resp = hub
        .post(
            BOB,
            "/api/v1/handoff",
            &json!({"to": "alice", "note": note}),
        )
        .await;
    let _: serde_json::Value = expect(resp, StatusCode::CREATED).await;
    ids
}

/// What an older hub let in: raw ids and names, written to its database
/// (SQLite or PostgreSQL) while it is stopped.
pub async fn store_as_an_older_hub(hub: &mut TestHub, id: u64) {
    let id = i64::try_from(id).unwrap();
    let all: String = SEQUENCES.iter().map(|(_, s)| *s).collect();
    let labels = json!({ format!("key{all}"): "v" }).to_string();
    // (SQL with `?N` placeholders, what it binds): the same statements on
    // both stores, PostgreSQL's spelling of a placeholder being `$N`.
    let mut writes: Vec<(&str, Vec<String>)> = Vec::new();
    for (name, seq) in SEQUENCES {
        writes.push((
            "INSERT INTO steps (incident_id, runbook, step) VALUES (?1, ?2, 1)",
            vec![format!("disk-full{seq}")],
        ));
        writes.push((
            "INSERT INTO timeline (incident_id, at, who, kind, text)
             SELECT incident_id, at, ?2, 'note', ?2 FROM timeline WHERE incident_id = ?1 LIMIT 1",
            vec![text(name, seq)],
        ));
    }
    writes.push((
        "UPDATE incidents SET service = ?2, dedup_key = ?2, owner = ?3, source = ?2,
             runbook = ?2, runbook_url = ?2, labels = ?4 WHERE id = ?1",
        vec![format!("db{all}"), format!("alice{all}"), labels],
    ));
    hub.pause().await;
    match &hub.postgres {
        None => {
            let db = rusqlite::Connection::open(&hub.db).unwrap();
            for (sql, texts) in &writes {
                let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id];
                params.extend(texts.iter().map(|t| t as &dyn rusqlite::ToSql));
                db.execute(sql, params.as_slice()).unwrap();
            }
            db.execute(
                "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
                 SELECT ?1, to_who, at, until, ?2, moved FROM handoffs ORDER BY id DESC LIMIT 1",
                rusqlite::params![format!("bob{all}"), format!("raw note {all}")],
            )
            .unwrap();
        }
        Some(database) => {
            let db = database.client().await;
            let dollars = |sql: &str| {
                (1..=4).fold(sql.to_string(), |s, n| {
                    s.replace(&format!("?{n}"), &format!("${n}"))
                })
            };
            for (sql, texts) in &writes {
                let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&id];
                params.extend(
                    texts
                        .iter()
                        .map(|t| t as &(dyn tokio_postgres::types::ToSql + Sync)),
                );
                db.execute(&dollars(sql), &params).await.unwrap();
            }
            db.execute(
                "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
                 SELECT $1, to_who, at, until, $2, moved FROM handoffs ORDER BY id DESC LIMIT 1",
                &[&format!("bob{all}"), &format!("raw note {all}")],
            )
            .await
            .unwrap();
        }
    }
    hub.resume().await;
}

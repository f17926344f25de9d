//! The hub takes a new config without a restart: on SIGHUP the real
//! `oncall serve` reads its config file again. A good one is taken at once
//! (a responder added can come in, the rota changed is the one
//! `GET /api/v1/oncall` answers); a bad one is refused with its file, line
//! and fix in the log, and the running config is kept.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use oncall::config::Sha256Hex;
use support::serve::HubFiles;

const ALICE: &str = "oc_reload_alice_token";
const BOB: &str = "oc_reload_bob_token";

fn responder(name: &str, token: &str) -> String {
    format!(
        "[[hub.responders]]\nname = \"{name}\"\ntoken_sha256 = \"{}\"\n",
        Sha256Hex::of(token).to_hex()
    )
}

fn rota(people: &str) -> String {
    format!(
        "[hub.rota]\nresponders = [{people}]\nshift = \"7d\"\nstart = \"2020-01-06T00:00:00Z\"\n"
    )
}

fn write_config(files: &HubFiles, text: &str) {
    // Written whole and renamed over, as an editor or a deploy tool would.
    let path = files.dir.join("hub.toml");
    let next = files.dir.join("hub.toml.next");
    std::fs::write(&next, text).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&next, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::rename(&next, &path).unwrap();
}

async fn on_call(http: &reqwest::Client, base: &str, token: &str) -> reqwest::Response {
    http.get(format!("{base}/api/v1/oncall"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sighup_takes_a_good_config_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let files = HubFiles::new(
        dir.path(),
        &format!("{}{}", responder("alice", ALICE), rota("\"alice\"")),
    );
    let hub = files.start();
    let http = oncall::feed::http::client_builder().build().unwrap();
    assert_eq!(on_call(&http, &hub.base, BOB).await.status(), 401);

    // Bob joins the hub and the rota: taken on SIGHUP, nothing restarted.
    let good = format!(
        "{}{}{}",
        responder("alice", ALICE),
        responder("bob", BOB),
        rota("\"bob\", \"alice\"")
    );
    write_config(&files, &good);
    hub.hang_up();
    hub.wait_for_log("config reloaded");
    let answer = on_call(&http, &hub.base, BOB).await;
    assert_eq!(answer.status(), 200);
    let who: serde_json::Value = answer.json().await.unwrap();
    assert!(
        who.to_string().contains("bob"),
        "the new rota is the one in force: {who}"
    );

    // A bad config (a shift that is not a duration) is refused: the log
    // names the file, the line and the fix, and the running config stays.
    let bad = good.replace("shift = \"7d\"", "shift = \"a week\"");
    write_config(&files, &bad);
    hub.hang_up();
    let refused = hub.wait_for_log("config not reloaded");
    let line = bad
        .lines()
        .position(|l| l.starts_with("shift"))
        .map(|i| i + 1)
        .unwrap();
    assert!(
        refused.contains(&format!("hub.toml:{line}")),
        "names the file and line: {refused}"
    );
    assert!(refused.contains("fix:"), "says how to fix it: {refused}");
    assert_eq!(on_call(&http, &hub.base, BOB).await.status(), 200);
    assert_eq!(on_call(&http, &hub.base, ALICE).await.status(), 200);

    // Fixed again, and bob left: his token no longer opens the hub.
    write_config(
        &files,
        &format!("{}{}", responder("alice", ALICE), rota("\"alice\"")),
    );
    hub.hang_up();
    hub.wait_for_log("config reloaded");
    assert_eq!(on_call(&http, &hub.base, BOB).await.status(), 401);
    assert_eq!(on_call(&http, &hub.base, ALICE).await.status(), 200);
}

/// Overrides made through the API live in the database, not the config: a
/// reload keeps them in force.
#[tokio::test]
async fn sighup_keeps_the_overrides_made_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let people = format!("{}{}", responder("alice", ALICE), responder("bob", BOB));
    let files = HubFiles::new(dir.path(), &format!("{people}{}", rota("\"alice\"")));
    let hub = files.start();
    let http = oncall::feed::http::client_builder().build().unwrap();
    let now = chrono::Utc::now();
    let made = http
        .post(format!("{}/api/v1/overrides", hub.base))
        .bearer_auth(BOB)
        .json(&serde_json::json!({
            "responder": "bob",
            "start": now,
            "end": now + chrono::TimeDelta::hours(2),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let who_now = |answer: serde_json::Value| answer["now"]["who"].as_str().map(str::to_string);
    let before: serde_json::Value = on_call(&http, &hub.base, ALICE).await.json().await.unwrap();
    assert_eq!(who_now(before).as_deref(), Some("bob"));

    // The rota changes its shift on reload; bob's override still holds.
    write_config(
        &files,
        &format!("{people}{}", rota("\"alice\"").replace("7d", "1d")),
    );
    hub.hang_up();
    hub.wait_for_log("config reloaded");
    let after: serde_json::Value = on_call(&http, &hub.base, ALICE).await.json().await.unwrap();
    assert_eq!(who_now(after).as_deref(), Some("bob"));
    let listed: serde_json::Value = http
        .get(format!("{}/api/v1/overrides", hub.base))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["overrides"][0]["responder"], "bob");
}

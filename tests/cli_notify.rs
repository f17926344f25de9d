//! `oncall notify test NAME` sends a test page through each of NAME's
//! contacts, as configured for the hub, to real receivers on 127.0.0.1 (an
//! HTTP receiver for ntfy, the webhook and Slack; aiosmtpd for email), and
//! prints what each answered; a contact that does not take it fails the
//! command, and a name with no contacts is told how to add one.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::config::Sha256Hex;
use support::cli::{oncall, stderr, stdout};
use support::receiver::{Receiver, down_url};
use support::smtp::SmtpServer;

const SECRET: &str = "a-test-secret-of-enough-length";

fn config(dir: &std::path::Path, contacts: &str, smtp_port: u16) -> String {
    config_tls(dir, contacts, smtp_port, "none")
}

fn config_tls(dir: &std::path::Path, contacts: &str, smtp_port: u16, tls: &str) -> String {
    let hash = Sha256Hex::of("oc_alice_test_token").to_hex();
    let text = format!(
        "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n{contacts}\n\
         [[hub.responders]]\nname = \"bob\"\ntoken_sha256 = \"{}\"\n\
         [hub.notify]\npublic_url = \"https://oncall.example.com\"\nsecret_env = \"TEST_NOTIFY_SECRET\"\n\
         [hub.notify.smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"{tls}\"\nfrom = \"oncall@example.com\"\n",
        Sha256Hex::of("oc_bob_test_token").to_hex()
    );
    let path = dir.join("hub.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.to_str().unwrap().to_string()
}

fn contact(via: &str, to: &str) -> String {
    format!("[[hub.responders.contacts]]\nvia = \"{via}\"\nto = \"{to}\"\n")
}

async fn notify_test(cfg: String, name: &'static str) -> std::process::Output {
    notify_test_trusting(cfg, name, None).await
}

/// With `ca`, the certificates the system trusts are that file's
/// (`SSL_CERT_FILE`, as for any program using the system's trust store).
async fn notify_test_trusting(
    cfg: String,
    name: &'static str,
    ca: Option<std::path::PathBuf>,
) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let ca = ca.map(|p| p.to_str().unwrap().to_string());
        let mut env = vec![("TEST_NOTIFY_SECRET", SECRET)];
        if let Some(ca) = &ca {
            env.push(("SSL_CERT_FILE", ca.as_str()));
        }
        oncall(&["--config", &cfg, "notify", "test", name], &env)
    })
    .await
    .unwrap()
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

#[tokio::test(flavor = "multi_thread")]
async fn email_goes_over_starttls_and_tls_to_a_server_the_system_trusts_and_not_otherwise() {
    for mode in ["starttls", "tls"] {
        let smtp = SmtpServer::start_tls(mode);
        let dir = tempfile::tempdir().unwrap();
        let contacts = contact("email", "alice@example.com");
        let cfg = config_tls(dir.path(), &contacts, smtp.port, mode);
        let out = notify_test_trusting(cfg.clone(), "alice", Some(fixture("ca.pem"))).await;
        let printed = stdout(&out);
        assert!(out.status.success(), "{mode}: {printed}{}", stderr(&out));
        assert!(
            printed.starts_with("email alice@example.com: delivered (250"),
            "{mode}: {printed}"
        );
        assert_eq!(smtp.received().len(), 1, "{mode}");
        assert_eq!(smtp.received()[0].rcpt_tos, ["alice@example.com"]);

        // A certificate signed by a CA the system does not trust: refused,
        // and nothing reaches the server.
        let out = notify_test_trusting(cfg, "alice", Some(fixture("other-ca.pem"))).await;
        assert_eq!(out.status.code(), Some(1), "{mode}: {}", stdout(&out));
        assert!(stdout(&out).contains("failed"), "{mode}: {}", stdout(&out));
        assert_eq!(
            smtp.received().len(),
            1,
            "{mode}: sent over an untrusted link"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_test_page_goes_through_every_contact_and_each_answer_is_printed() {
    let receiver = Receiver::start().await;
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let contacts = [
        contact("ntfy", &receiver.url("/alice-pager")),
        contact("webhook", &receiver.url("/hooks/secret-path")),
        contact("slack", &receiver.url("/services/T0/B0/secret")),
        contact("email", "alice@example.com"),
    ]
    .concat();
    let out = notify_test(config(dir.path(), &contacts, smtp.port), "alice").await;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 4, "{printed}");
    assert!(
        lines[0].starts_with("ntfy http://127.0.0.1/…: delivered"),
        "{printed}"
    );
    assert!(
        lines[1].starts_with("webhook http://127.0.0.1/…: delivered"),
        "{printed}"
    );
    assert!(
        lines[2].starts_with("slack http://127.0.0.1/…: delivered"),
        "{printed}"
    );
    assert!(
        lines[3].starts_with("email alice@example.com: delivered (250"),
        "{printed}"
    );
    assert!(
        !printed.contains("secret"),
        "a webhook's path is shown: {printed}"
    );

    let got = receiver.requests(3).await;
    let webhook = got.iter().find(|r| r.path == "/hooks/secret-path").unwrap();
    assert_eq!(webhook.json()["event"], "test");
    assert!(webhook.header("x-oncall-signature").is_some());
    assert_eq!(smtp.received()[0].rcpt_tos, ["alice@example.com"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contact_that_does_not_take_the_page_fails_the_command() {
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let contacts = [
        contact("webhook", &down_url("/gone")),
        contact("webhook", &receiver.url("/hook")),
    ]
    .concat();
    let out = notify_test(config(dir.path(), &contacts, 25), "alice").await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let printed = stdout(&out);
    assert!(
        printed.lines().next().unwrap().contains("failed"),
        "{printed}"
    );
    // The other contact is still tried.
    assert!(
        printed.lines().nth(1).unwrap().contains("delivered"),
        "{printed}"
    );
    assert!(stderr(&out).contains("1 of alice's contacts did not take the test page"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_responder_without_contacts_or_an_unknown_name_is_told_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "", 25);
    let out = notify_test(cfg.clone(), "bob").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bob has no contacts"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("[[hub.responders.contacts]]"));
    let out = notify_test(cfg, "mallory").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no responder named \"mallory\""),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("alice, bob"));
}

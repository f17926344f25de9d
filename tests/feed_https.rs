//! A hub behind TLS, as one is deployed: the command line and the console
//! (one HTTP client, `oncall::feed::http`) reach it over `https://`,
//! trusting the certificate authorities the system trusts (`SSL_CERT_FILE`
//! names the test's own), and refuse a certificate no trusted authority
//! signed. A TLS proxy on 127.0.0.1 holding tests/fixtures/tls stands in
//! front of the real hub.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use cli::{oncall, stderr, stdout};
use oncall::incident::IncidentList;
use reqwest::StatusCode;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::{ALICE, TestHub, expect};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// Listens on 127.0.0.1 with the certificate for 127.0.0.1 and passes each
/// connection, once its handshake is done, to the hub at `hub`.
async fn tls_proxy(hub: SocketAddr) -> SocketAddr {
    let chain = CertificateDer::pem_file_iter(fixture("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A handshake the client refuses ends the connection here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut to_hub = TcpStream::connect(hub).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut to_hub).await;
            });
        }
    });
    addr
}

/// `oncall page` to the hub through the proxy, trusting only `authority`.
async fn page_over_tls(hub: &TestHub, authority: &str) -> Output {
    let hub_addr: SocketAddr = hub.base.trim_start_matches("http://").parse().unwrap();
    let url = format!("https://{}", tls_proxy(hub_addr).await);
    let authority = fixture(authority);
    tokio::task::spawn_blocking(move || {
        oncall(
            &["page", "--hub", &url, "--service", "web", "web-1 down"],
            &[
                ("ONCALL_TOKEN", ALICE),
                ("SSL_CERT_FILE", authority.to_str().unwrap()),
            ],
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn page_reaches_a_hub_over_https() {
    let hub = TestHub::start().await;
    let out = page_over_tls(&hub, "ca.pem").await;
    assert!(out.status.success(), "{}", stderr(&out));
    let id: u64 = stdout(&out).trim().parse().unwrap();
    let inc = hub.incident(id).await;
    assert_eq!(
        (inc.title.as_str(), inc.service.as_str()),
        ("web-1 down", "web")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_no_trusted_authority_signed_is_refused() {
    let hub = TestHub::start().await;
    let out = page_over_tls(&hub, "other-ca.pem").await;
    assert!(!out.status.success(), "{}", stdout(&out));
    // Refused at the connection, not for the token or the input.
    assert!(
        stderr(&out).contains("cannot reach https://127.0.0.1"),
        "{}",
        stderr(&out)
    );
    let open: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert!(open.incidents.is_empty(), "{:?}", open.incidents);
}

//! Changes sent under an Idempotency-Key, and what an incident's timeline
//! says: for the tests of routes that must answer a repeat once and say who
//! did what, and when.
use oncall::incident::{EventKind, Incident, TimelineEntry};
use reqwest::{Method, Response};

impl super::TestHub {
    /// `POST /api/v1/incidents/{id}/{route}` with `body` as `token`, under
    /// the Idempotency-Key `key`.
    pub async fn keyed<B: serde::Serialize>(
        &self,
        token: &str,
        id: u64,
        route: &str,
        body: &B,
        key: &str,
    ) -> Response {
        self.request(
            Method::POST,
            token,
            &format!("/api/v1/incidents/{id}/{route}"),
        )
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
    }
}

/// The newest entry of `inc`'s timeline.
pub fn last(inc: &Incident) -> &TimelineEntry {
    inc.timeline.last().expect("a timeline")
}

/// How many entries of `kind` `inc`'s timeline holds.
pub fn count(inc: &Incident, kind: EventKind) -> usize {
    inc.timeline.iter().filter(|e| e.kind == kind).count()
}

/// A request that must be refused: who sends what, the status and code it
/// gets, and words its message holds.
pub type Refused<'a> = (
    &'a str,
    serde_json::Value,
    reqwest::StatusCode,
    &'a str,
    &'a str,
);

/// Posts each of `cases` to `path` and checks it is refused as it says.
pub async fn all_refused(hub: &super::TestHub, path: &str, cases: &[Refused<'_>]) {
    for (token, body, status, code, words) in cases {
        let e = super::expect_error(hub.post(token, path, body).await, *status, code).await;
        assert!(e.error.contains(words), "{body}: {}", e.error);
    }
}

/// What every change of an incident refuses alike: `body` from an
/// integration's token (403), and, once alice has resolved incident `id`,
/// `body` from bob (409 `resolved`, its message holding `words`).
pub async fn refused_to_integrations_and_once_resolved(
    hub: &super::TestHub,
    id: u64,
    path: &str,
    body: serde_json::Value,
    words: &str,
) {
    let forbidden = reqwest::StatusCode::FORBIDDEN;
    let integration = [(
        super::ALERTMANAGER,
        body.clone(),
        forbidden,
        "forbidden",
        "integration token",
    )];
    all_refused(hub, path, &integration).await;
    let resolve = serde_json::json!({});
    hub.acted(super::ALICE, id, "resolve", &resolve).await;
    let resolved = [(
        super::BOB,
        body,
        reqwest::StatusCode::CONFLICT,
        "resolved",
        words,
    )];
    all_refused(hub, path, &resolved).await;
}

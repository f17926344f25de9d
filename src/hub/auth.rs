//! Who is asking: every `/api/v1` request carries `Authorization: Bearer
//! TOKEN`, and the token names the responder, so "acknowledged by" is the
//! hub's word, never the client's. The token's role says what it may do: an
//! integration only sends events (docs/api.md, "Who is asking").
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::config::{ResponderConfig, Role};

use super::HubState;
use super::error::ApiError;

/// The responder a request was made by, as the token proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder(pub String);

/// The requests an integration token may make: sending events. Paths as
/// routed; everything else is refused (deny unless listed).
const EVENT_ROUTES: &[(Method, &str)] = &[
    (Method::POST, "/api/v1/incidents"),
    (Method::POST, "/api/v1/alertmanager"),
    (Method::POST, "/api/v1/heartbeats/{name}"),
];

/// One `[[hub.responders]]` entry as the hub keeps it.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    role: Role,
    hash: [u8; 32],
}

/// The responders the hub lets in, known only by the hash of their token.
#[derive(Debug, Clone, Default)]
pub struct Responders {
    entries: Vec<Entry>,
}

impl Responders {
    pub fn from_config(responders: &[ResponderConfig]) -> Self {
        Responders {
            entries: responders
                .iter()
                .map(|r| Entry {
                    name: r.name.clone(),
                    role: r.role,
                    hash: r.token_sha256.0,
                })
                .collect(),
        }
    }

    /// The role of the responder `name`; `None` when the hub does not know
    /// them.
    pub fn role(&self, name: &str) -> Option<Role> {
        self.entries.iter().find(|e| e.name == name).map(|e| e.role)
    }

    /// The names of the people (not integrations), in config order: who may
    /// be on call, own incidents and take a hand-off.
    pub fn people(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.role != Role::Integration)
            .map(|e| e.name.as_str())
            .collect()
    }

    /// The responder whose token this is. Every configured hash is compared,
    /// and in constant time, so neither the answer's timing nor its position
    /// in the list tells an attacker how close a guess was.
    pub fn identify(&self, token: &str) -> Option<Responder> {
        let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = u32::MAX;
        for (i, entry) in self.entries.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            found.conditional_assign(&index, entry.hash[..].ct_eq(&presented[..]));
        }
        let index = usize::try_from(found).ok()?;
        self.entries.get(index).map(|e| Responder(e.name.clone()))
    }

    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Responder, ApiError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized(
                "this needs a token: send Authorization: Bearer TOKEN",
            ))?;
        let token = bearer_token(value.as_bytes()).ok_or(ApiError::Unauthorized(
            "the Authorization header must be: Bearer TOKEN",
        ))?;
        self.identify(token).ok_or(ApiError::Unauthorized(
            "this token is not known to the hub: check the token, or ask for its line in the hub's config",
        ))
    }
}

/// The token of a `Bearer` credential; the scheme name is case-insensitive
/// (RFC 9110), the token itself is not.
fn bearer_token(value: &[u8]) -> Option<&str> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty() && !token.contains(char::is_whitespace)).then_some(token)
}

/// Lets only known responders through, and integrations only to send
/// events, and tells the handler who they are.
pub async fn require_responder(
    State(state): State<HubState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let responder = state.responders().authenticate(request.headers())?;
    if state.responders().role(&responder.0) == Some(Role::Integration) {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("this route", MatchedPath::as_str);
        allow_integration(&responder.0, request.method(), route)?;
    }
    request.extensions_mut().insert(responder);
    Ok(next.run(request).await)
}

/// Whether the integration `name` may make a `method` request to `route`;
/// when not, the 403 says what it may do instead.
fn allow_integration(name: &str, method: &Method, route: &str) -> Result<(), ApiError> {
    if EVENT_ROUTES.iter().any(|(m, r)| m == method && *r == route) {
        return Ok(());
    }
    let allowed: Vec<String> = EVENT_ROUTES
        .iter()
        .map(|(m, r)| format!("{m} {r}"))
        .collect();
    Err(ApiError::Forbidden(format!(
        "'{name}' is an integration token, which may only send events ({}), not {method} {route}; use a person's token for anything else",
        allowed.join(", ")
    )))
}

impl<S: Send + Sync> FromRequestParts<S> for Responder {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Only reachable without the middleware if a route was wired wrongly;
        // refusing is the safe answer.
        parts
            .extensions
            .get::<Responder>()
            .cloned()
            .ok_or(ApiError::Unauthorized(
                "this needs a token: send Authorization: Bearer TOKEN",
            ))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;
    use crate::config::Sha256Hex;

    fn responders() -> Responders {
        Responders::from_config(&[
            ResponderConfig::new("alice", Sha256Hex::of("oc_alice")),
            ResponderConfig::new("bob", Sha256Hex::of("oc_bob")),
            ResponderConfig {
                role: Role::Integration,
                ..ResponderConfig::new("am", Sha256Hex::of("oc_am"))
            },
        ])
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn the_token_names_the_responder() {
        let r = responders();
        assert_eq!(r.identify("oc_alice"), Some(Responder("alice".into())));
        assert_eq!(r.identify("oc_bob"), Some(Responder("bob".into())));
        assert_eq!(r.identify("oc_am"), Some(Responder("am".into())));
        assert_eq!(r.identify("oc_carol"), None);
        assert_eq!(r.identify(""), None);
        assert_eq!(Responders::default().identify("oc_alice"), None);
    }

    #[test]
    fn only_well_formed_bearer_credentials_pass() {
        let r = responders();
        assert!(r.authenticate(&headers("Bearer oc_bob")).is_ok());
        assert!(r.authenticate(&headers("bearer  oc_bob ")).is_ok());
        assert!(r.authenticate(&HeaderMap::new()).is_err());
        assert!(r.authenticate(&headers("Basic oc_bob")).is_err());
        assert!(r.authenticate(&headers("Bearer")).is_err());
        assert!(r.authenticate(&headers("Bearer oc_bob extra")).is_err());
        assert!(r.authenticate(&headers("oc_bob")).is_err());
    }

    #[test]
    fn roles_are_known_by_name_and_integrations_are_not_people() {
        let r = responders();
        assert_eq!(r.role("alice"), Some(Role::Responder));
        assert_eq!(r.role("am"), Some(Role::Integration));
        assert_eq!(r.role("zed"), None);
        assert_eq!(r.people(), ["alice", "bob"]);
    }

    #[test]
    fn an_integration_may_only_send_events() {
        assert!(allow_integration("am", &Method::POST, "/api/v1/incidents").is_ok());
        assert!(allow_integration("am", &Method::POST, "/api/v1/alertmanager").is_ok());
        for (method, route) in [
            (Method::GET, "/api/v1/incidents"),
            (Method::GET, "/api/v1/oncall"),
            (Method::POST, "/api/v1/handoff"),
            (Method::POST, "/api/v1/incidents/{id}/acknowledge"),
            (Method::POST, "this route"),
        ] {
            let e = allow_integration("am", &method, route).unwrap_err();
            assert_eq!(e.code(), "forbidden");
            assert!(
                e.to_string().contains(&format!("not {method} {route}")),
                "{e}"
            );
        }
    }
}

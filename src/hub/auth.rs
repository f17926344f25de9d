//! Who is asking: every `/api/v1` request carries `Authorization: Bearer
//! TOKEN`, and the token names the responder, so "acknowledged by" is the
//! hub's word, never the client's.
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::config::ResponderConfig;

use super::HubState;
use super::error::ApiError;

/// The responder a request was made by, as the token proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder(pub String);

/// The responders the hub lets in, known only by the hash of their token.
#[derive(Debug, Clone, Default)]
pub struct Responders {
    entries: Vec<(String, [u8; 32])>,
}

impl Responders {
    pub fn from_config(responders: &[ResponderConfig]) -> Self {
        Responders {
            entries: responders
                .iter()
                .map(|r| (r.name.clone(), r.token_sha256.0))
                .collect(),
        }
    }

    /// Whether `name` is a responder of this hub.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// Every responder's name, in config order.
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The responder whose token this is. Every configured hash is compared,
    /// and in constant time, so neither the answer's timing nor its position
    /// in the list tells an attacker how close a guess was.
    pub fn identify(&self, token: &str) -> Option<Responder> {
        let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = u32::MAX;
        for (i, (_, hash)) in self.entries.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            found.conditional_assign(&index, hash[..].ct_eq(&presented[..]));
        }
        let index = usize::try_from(found).ok()?;
        self.entries
            .get(index)
            .map(|(name, _)| Responder(name.clone()))
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

/// Lets only known responders through and tells the handler who they are.
pub async fn require_responder(
    State(state): State<HubState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let responder = state.responders().authenticate(request.headers())?;
    request.extensions_mut().insert(responder);
    Ok(next.run(request).await)
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
            ResponderConfig {
                name: "alice".into(),
                token_sha256: Sha256Hex::of("oc_alice"),
            },
            ResponderConfig {
                name: "bob".into(),
                token_sha256: Sha256Hex::of("oc_bob"),
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
}

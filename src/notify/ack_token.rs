//! Acknowledge links: `{public_url}/ack/{token}`, where the token names an
//! incident and a person, expires an hour after it was made, and carries a
//! nonce the store records when the link is used, so it works once. It is
//! signed (HMAC-SHA256) with a key derived from the hub's secret, checked in
//! constant time; whoever holds the link may acknowledge as that person, and
//! nobody can make one without the secret.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::Secret;

/// How long a link works after the page that carries it was made.
pub const ACK_LINK_LIFETIME: TimeDelta = TimeDelta::hours(1);

/// Longer than any token this hub makes: refused before any work.
const MAX_TOKEN_CHARS: usize = 2048;

/// An HMAC-SHA256.
const SIGNATURE_BYTES: usize = 32;

/// Separates these signatures from the webhook bodies signed with the same
/// secret: a signed body can never pass for a token.
const KEY_LABEL: &[u8] = b"oncall acknowledge link v1";

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckClaims {
    #[serde(rename = "i")]
    pub incident: u64,
    /// The responder who acknowledges by it.
    #[serde(rename = "p")]
    pub person: String,
    #[serde(rename = "e", with = "chrono::serde::ts_seconds")]
    pub expires: DateTime<Utc>,
    /// Random; the store records it when the link is used, so it works once.
    #[serde(rename = "n")]
    pub nonce: String,
}

impl AckClaims {
    /// Claims for a link made `now`, expiring [`ACK_LINK_LIFETIME`] later.
    pub fn new(incident: u64, person: &str, now: DateTime<Utc>, nonce: String) -> AckClaims {
        AckClaims {
            incident,
            person: person.to_string(),
            expires: now + ACK_LINK_LIFETIME,
            nonce,
        }
    }
}

/// A new nonce: 16 random bytes as hex.
pub fn new_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Why a link does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token at all (cut short when copied, or made up).
    Malformed,
    /// A token whose signature does not match: changed, or not ours.
    Tampered,
    /// Older than its hour.
    Expired { at: DateTime<Utc> },
    /// Used already (the store's answer: it has seen the nonce).
    Used,
}

impl Refusal {
    /// The HTTP status the acknowledge route answers with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::Malformed | Refusal::Tampered => 403,
            Refusal::Expired { .. } | Refusal::Used => 410,
        }
    }
}

fn mac(secret: &Secret) -> Option<Hmac<Sha256>> {
    let mut derive = Hmac::<Sha256>::new_from_slice(secret.bytes()).ok()?;
    derive.update(KEY_LABEL);
    let key = derive.finalize().into_bytes();
    Hmac::<Sha256>::new_from_slice(&key).ok()
}

/// The URL-safe token for `claims`: `PAYLOAD.SIGNATURE`, both base64url.
pub fn sign(secret: &Secret, claims: &AckClaims) -> String {
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(json);
    let signature = match mac(secret) {
        Some(mut m) => {
            m.update(payload.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        None => Vec::new(),
    };
    format!("{payload}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The claims of `token` if the hub signed it and it has not expired at
/// `now`; else why not. Whether it was used already is the store's question.
pub fn verify(secret: &Secret, token: &str, now: DateTime<Utc>) -> Result<AckClaims, Refusal> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(Refusal::Malformed);
    }
    let (payload, signature) = token.split_once('.').ok_or(Refusal::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| Refusal::Malformed)?;
    if payload.is_empty() || signature.len() != SIGNATURE_BYTES {
        return Err(Refusal::Malformed);
    }
    let mut m = mac(secret).ok_or(Refusal::Tampered)?;
    m.update(payload.as_bytes());
    // Constant time: how much of a guess matched never shows in the timing.
    m.verify_slice(&signature).map_err(|_| Refusal::Tampered)?;
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| Refusal::Malformed)?;
    let claims: AckClaims = serde_json::from_slice(&json).map_err(|_| Refusal::Malformed)?;
    if now >= claims.expires {
        return Err(Refusal::Expired { at: claims.expires });
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new(b"0123456789abcdef0123456789abcdef".to_vec())
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn claims() -> AckClaims {
        AckClaims::new(42, "alice", now(), "00ff".repeat(8))
    }

    #[test]
    fn a_signed_token_verifies_to_its_claims_until_it_expires() {
        let token = sign(&secret(), &claims());
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{token}"
        );
        assert_eq!(verify(&secret(), &token, now()), Ok(claims()));
        let almost = now() + ACK_LINK_LIFETIME - TimeDelta::seconds(1);
        assert_eq!(verify(&secret(), &token, almost), Ok(claims()));
        let expiry = now() + ACK_LINK_LIFETIME;
        assert_eq!(
            verify(&secret(), &token, expiry),
            Err(Refusal::Expired { at: expiry })
        );
    }

    #[test]
    fn a_changed_payload_or_signature_or_another_key_is_tampered() {
        let token = sign(&secret(), &claims());
        let (payload, signature) = token.split_once('.').unwrap();
        // The same claims for another person, with the old signature.
        let mut other = claims();
        other.person = "mallory".into();
        let forged = format!(
            "{}.{signature}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap())
        );
        assert_eq!(verify(&secret(), &forged, now()), Err(Refusal::Tampered));
        let mut sig = URL_SAFE_NO_PAD.decode(signature).unwrap();
        sig[0] ^= 1;
        let flipped = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(verify(&secret(), &flipped, now()), Err(Refusal::Tampered));
        let elsewhere = Secret::new(b"another hub's secret, as long".to_vec());
        assert_eq!(verify(&elsewhere, &token, now()), Err(Refusal::Tampered));
    }

    #[test]
    fn what_is_not_a_token_is_malformed() {
        let long = "a".repeat(5000);
        for bad in ["", "abc", "abc.!!!", ".", long.as_str()] {
            assert_eq!(
                verify(&secret(), bad, now()),
                Err(Refusal::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_webhook_signature_is_no_token() {
        // The webhook signs bodies with the secret itself; tokens use a key
        // derived from it, so the two never verify each other.
        let body = b"eyJpIjo0Mn0";
        let webhook = crate::notify::webhook::signature(&secret(), body);
        let hexsig = webhook.trim_start_matches("sha256=");
        let as_token = format!(
            "eyJpIjo0Mn0.{}",
            URL_SAFE_NO_PAD.encode(hex::decode(hexsig).unwrap())
        );
        assert_eq!(verify(&secret(), &as_token, now()), Err(Refusal::Tampered));
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(new_nonce().unwrap(), new_nonce().unwrap());
        assert_eq!(new_nonce().unwrap().len(), 32);
    }

    #[test]
    fn refusals_answer_forbidden_or_gone() {
        assert_eq!(Refusal::Tampered.status(), 403);
        assert_eq!(Refusal::Used.status(), 410);
        assert_eq!(Refusal::Expired { at: now() }.status(), 410);
    }
}

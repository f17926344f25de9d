//! A token's SHA-256 as the hub's config holds it: 64 hex digits.
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::FIX_SEPARATOR;

#[derive(Clone, PartialEq, Eq)]
pub struct Sha256Hex(pub [u8; 32]);

impl Sha256Hex {
    pub fn of(token: &str) -> Self {
        Sha256Hex(Sha256::digest(token.as_bytes()).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Never print the hash in full: it is not the token, but it is not for logs either.
impl std::fmt::Debug for Sha256Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256Hex({}...)", &self.to_hex()[..8])
    }
}

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let fix = "paste the line `oncall token new NAME` printed (64 hex digits)";
        let bytes = hex::decode(raw.trim()).map_err(|_| {
            serde::de::Error::custom(format!(
                "token_sha256 must be hex digits only{FIX_SEPARATOR}{fix}"
            ))
        })?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| {
            serde::de::Error::custom(format!(
                "token_sha256 must be 64 hex digits (a SHA-256), not {} characters{FIX_SEPARATOR}{fix}",
                raw.trim().len()
            ))
        })?;
        Ok(Sha256Hex(arr))
    }
}

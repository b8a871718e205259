//! Access tokens: short-lived JWTs signed with HMAC-SHA256 under a server-held key.
//!
//! Verification is strict: only HS256 is accepted (so `none` and every other algorithm fail),
//! `exp`, `nbf`, `iat`, `sub` must be present, the issuer and audience must match, a token
//! issued in the future is rejected, and the clock leeway is [`LEEWAY_SECONDS`] seconds.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::org::roles::Role;

/// Clock skew tolerated between servers, in seconds.
pub const LEEWAY_SECONDS: u64 = 5;
const ISSUER: &str = "juanzong";
const AUDIENCE: &str = "juanzong-api";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Team id of the user; absent for the system administrator.
    pub team: Option<String>,
    pub roles: Vec<Role>,
    /// Server-side device id (not the phone's own device key).
    pub device: String,
    /// Login session the token belongs to; revoking the session revokes the token.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    /// Issued at, seconds since the Unix epoch.
    pub iat: i64,
    /// Not before, seconds since the Unix epoch.
    pub nbf: i64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
}

/// Reason a token was rejected. Every reason maps to 401.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("token invalid: {0}")]
    Invalid(String),
}

/// The signing and verification keys with the pinned validation rules.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl TokenKeys {
    /// Builds keys from the HMAC secret; `lifetime` is the access token lifetime.
    pub fn new(secret: &[u8], lifetime: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        }
    }

    /// Issues an access token for a user on a device within a session; returns it with its expiry.
    pub fn issue(
        &self,
        user_id: &str,
        team_id: Option<&str>,
        roles: &[Role],
        device_id: &str,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires_at = now + self.lifetime;
        let claims = Claims {
            sub: user_id.to_string(),
            team: team_id.map(str::to_string),
            roles: roles.to_vec(),
            device: device_id.to_string(),
            sid: session_id.to_string(),
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::new_v4().to_string(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, expires_at))
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;

        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|error| {
            match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                other => TokenError::Invalid(format!("{other:?}")),
            }
        })?;
        let claims = data.claims;
        if claims.iat > now.timestamp() + LEEWAY_SECONDS as i64 {
            return Err(TokenError::Invalid("issued in the future".to_string()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15))
    }

    #[test]
    fn issued_token_verifies() {
        let keys = keys();
        let now = Utc::now();
        let (token, _) = keys
            .issue("u1", Some("t1"), &[Role::FieldOfficer], "d1", "s1", now)
            .unwrap();
        let claims = keys.verify(&token, now).unwrap();
        assert_eq!(claims.sub, "u1");
        assert_eq!(claims.roles, vec![Role::FieldOfficer]);
    }

    #[test]
    fn expired_token_is_rejected() {
        let keys = keys();
        let issued = Utc::now() - Duration::minutes(16);
        let (token, _) = keys.issue("u1", None, &[], "d1", "s1", issued).unwrap();
        assert_eq!(keys.verify(&token, Utc::now()), Err(TokenError::Expired));
    }

    #[test]
    fn other_key_is_rejected() {
        let now = Utc::now();
        let (token, _) = keys().issue("u1", None, &[], "d1", "s1", now).unwrap();
        let other = TokenKeys::new(b"ffffffffffffffffffffffffffffffff", Duration::minutes(15));
        assert!(matches!(other.verify(&token, now), Err(TokenError::Invalid(_))));
    }
}

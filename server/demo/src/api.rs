//! Calls to the server's HTTP API as one logged-in user: the case-file center's clerk and data
//! manager, who work at a desk rather than on a phone.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use juanzong_mobile_api::auth::TokenPair;
use juanzong_mobile_api::ErrorBody;

use crate::error::DemoError;
use crate::organisation::Account;

/// A logged-in user of the API.
pub struct ApiSession {
    http: reqwest::Client,
    base_url: String,
    token: std::sync::Mutex<String>,
    /// Account and device name to log in again with when the access token expires; `None` for
    /// a session made from a device client's token.
    login: Option<(Account, String)>,
}

impl ApiSession {
    /// Logs in as `account` from a device named `device_name`.
    pub async fn login(
        base_url: &str,
        account: &Account,
        device_name: &str,
    ) -> Result<ApiSession, DemoError> {
        let session = ApiSession {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            token: std::sync::Mutex::new(String::new()),
            login: Some((account.clone(), device_name.to_string())),
        };
        session.log_in().await?;
        Ok(session)
    }

    /// Wraps an access token that a device client already holds.
    pub fn with_token(base_url: &str, token: String) -> ApiSession {
        ApiSession {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            token: std::sync::Mutex::new(token),
            login: None,
        }
    }

    /// Logs in with the stored account and keeps the new access token.
    async fn log_in(&self) -> Result<(), DemoError> {
        let Some((account, device_name)) = &self.login else {
            return Ok(());
        };
        let body = json!({
            "username": account.username,
            "password": account.password,
            "device_id": format!("demo-desk-{}", account.username),
            "device_name": device_name,
        });
        let pair: TokenPair = self
            .send_once(Method::POST, "/api/v1/auth/login", Some(&body), false)
            .await?;
        *self.token.lock().expect("token lock is never poisoned") = pair.access_token;
        Ok(())
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, DemoError> {
        self.send::<(), T>(Method::GET, path, None).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, DemoError> {
        self.send(Method::POST, path, Some(body)).await
    }

    /// Sends a request; after a `TOKEN_EXPIRED` reply it logs in again once and resends.
    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, DemoError> {
        match self.send_once(method.clone(), path, body, true).await {
            Err(DemoError::Api { code, .. }) if code == "TOKEN_EXPIRED" && self.login.is_some() => {
                self.log_in().await?;
                self.send_once(method, path, body, true).await
            }
            other => other,
        }
    }

    async fn send_once<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        authenticated: bool,
    ) -> Result<T, DemoError> {
        let url = format!("{}{path}", self.base_url);
        let mut request = self.http.request(method.clone(), &url);
        if authenticated {
            let token = self
                .token
                .lock()
                .expect("token lock is never poisoned")
                .clone();
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let network = |source| DemoError::Network {
            url: self.base_url.clone(),
            source,
        };
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(network)?;
        if !status.is_success() {
            let (code, message) = match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(error) => (error.code, error.message),
                Err(_) => (
                    format!("HTTP_{}", status.as_u16()),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ),
            };
            return Err(DemoError::Api {
                method: if method == Method::GET { "GET" } else { "POST" },
                path: path.to_string(),
                status: status.as_u16(),
                code,
                message,
            });
        }
        serde_json::from_slice(&bytes).map_err(|error| DemoError::InvalidResponse {
            path: path.to_string(),
            reason: error.to_string(),
        })
    }
}

/// Encodes a value for a URL path segment or query, such as a case number with full-width
/// brackets.
pub fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

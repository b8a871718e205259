//! HTTP calls to the server: retries with backoff, token refresh, and the sync body formats.
//!
//! Invariants:
//! - a request is retried only for network errors and 5xx, within [`RetryPolicy`];
//! - a 401 with code `TOKEN_EXPIRED` triggers one refresh and one more try of the request;
//! - the refresh request is retried only when the connection was never made, because a refresh
//!   token is usable once: resending one the server may have received would count as reuse,
//!   which logs the device out;
//! - the new token pair is saved before it is used; tokens never appear in logs.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::{LoginRequest, RefreshRequest, TokenPair};
use crate::client::error::ClientError;
use crate::client::retry::{Failure, RetryPolicy};
use crate::client::rounds::{Exchanged, SyncTransport};
use crate::client::store::{OfflineStore, Session};
use crate::sync::{frame, SyncRequest, SyncResponse, BINARY_CONTENT_TYPE};
use crate::ErrorBody;

/// Body format of sync requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncFormat {
    /// `application/vnd.juanzong.sync`, see [`frame`].
    #[default]
    Binary,
    /// `application/json` with base64 messages.
    Json,
}

/// A response read to its end.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Turns a non-success response into [`ClientError::Api`], reading the server's error body.
    fn into_success(self) -> Result<RawResponse, ClientError> {
        if self.status.is_success() {
            return Ok(self);
        }
        Err(api_error(self.status, &self.body))
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body).map_err(|e| ClientError::InvalidResponse(e.to_string()))
    }
}

pub(crate) fn api_error(status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(error) => ClientError::Api {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
        },
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: format!("HTTP_{}", status.as_u16()),
            message: format!("服务器返回错误状态 {status}"),
        },
    }
}

/// Sends the request `build` makes, retrying per `policy`; returns the last response, whatever
/// its status, or the network error of the last attempt.
pub(crate) async fn send_with_retry<F>(
    policy: &RetryPolicy,
    build: F,
) -> Result<RawResponse, ClientError>
where
    F: Fn() -> RequestBuilder,
{
    let mut attempt = 1;
    loop {
        let failure = match read_response(build()).await {
            Ok(response) if !response.status.is_server_error() => return Ok(response),
            Ok(response) => {
                if !policy.should_retry(attempt, Failure::Status(response.status.as_u16())) {
                    return Ok(response);
                }
                tracing::warn!(status = response.status.as_u16(), attempt, "server error, retrying");
                Failure::Status(response.status.as_u16())
            }
            Err(error) => {
                if !policy.should_retry(attempt, Failure::Network) {
                    return Err(ClientError::Network {
                        attempts: attempt,
                        source: error,
                    });
                }
                tracing::warn!(error = %error, attempt, "network error, retrying");
                Failure::Network
            }
        };
        let wait = policy.delay(attempt, rand::thread_rng().gen::<f64>());
        tracing::debug!(?failure, wait_ms = wait.as_millis() as u64, "waiting before retry");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

async fn read_response(request: RequestBuilder) -> Result<RawResponse, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.bytes().await?.to_vec();
    Ok(RawResponse {
        status,
        content_type,
        body,
    })
}

/// Builds the HTTP client with the given timeouts.
pub(crate) fn build_http(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .user_agent(concat!("juanzong-device/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| ClientError::InvalidResponse(format!("无法创建 HTTP 客户端：{error}")))
}

/// Posts a login and returns the token pair. Login is retried like any request: a repeated login
/// only makes one more session.
pub(crate) async fn login(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    server_url: &str,
    request: &LoginRequest,
) -> Result<TokenPair, ClientError> {
    let url = format!("{server_url}/api/v1/auth/login");
    send_with_retry(policy, || http.post(&url).json(request))
        .await?
        .into_success()?
        .json()
}

/// An authenticated connection: the session, kept current through refreshes.
pub(crate) struct Connection<'a> {
    pub http: &'a reqwest::Client,
    pub policy: &'a RetryPolicy,
    pub store: &'a OfflineStore,
    pub session: Session,
    pub format: SyncFormat,
}

impl Connection<'_> {
    /// Sends an authenticated request; refreshes the tokens once on `TOKEN_EXPIRED`.
    async fn send<F>(&mut self, build: F) -> Result<RawResponse, ClientError>
    where
        F: Fn(&reqwest::Client, &str) -> RequestBuilder,
    {
        let response = self.send_once(&build).await?;
        let expired = response.status == StatusCode::UNAUTHORIZED
            && serde_json::from_slice::<ErrorBody>(&response.body)
                .is_ok_and(|body| body.code == "TOKEN_EXPIRED");
        if !expired {
            return response.into_success();
        }

        tracing::info!("access token expired, refreshing");
        self.refresh().await?;
        self.send_once(&build).await?.into_success()
    }

    async fn send_once<F>(&self, build: &F) -> Result<RawResponse, ClientError>
    where
        F: Fn(&reqwest::Client, &str) -> RequestBuilder,
    {
        let token = self.session.access_token.clone();
        send_with_retry(self.policy, || {
            build(self.http, &self.session.server_url).bearer_auth(&token)
        })
        .await
    }

    /// Exchanges the refresh token for a new pair and saves it before returning. A 401 means the
    /// session is over on the server (expired, revoked or reused token): the local session is
    /// deleted so the next command asks for a login.
    pub async fn refresh(&mut self) -> Result<(), ClientError> {
        let url = format!("{}/api/v1/auth/refresh", self.session.server_url);
        let body = RefreshRequest {
            refresh_token: self.session.refresh_token.clone(),
        };
        let pair: TokenPair = {
            let response = self.send_refresh(&url, &body).await?;
            if response.status == StatusCode::UNAUTHORIZED {
                self.store.clear_session()?;
            }
            response.into_success()?.json()?
        };
        apply_token_pair(&mut self.session, pair);
        self.store.save_session(&self.session)
    }

    async fn send_refresh(
        &self,
        url: &str,
        body: &RefreshRequest,
    ) -> Result<RawResponse, ClientError> {
        let mut attempt = 1;
        loop {
            match read_response(self.http.post(url).json(body)).await {
                Ok(response) => return Ok(response),
                Err(error) if error.is_connect() && attempt < self.policy.max_attempts => {
                    let wait = self.policy.delay(attempt, rand::thread_rng().gen::<f64>());
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(error) => {
                    return Err(ClientError::Network {
                        attempts: attempt,
                        source: error,
                    })
                }
            }
        }
    }

    /// Sends an authenticated GET and parses the JSON body.
    pub async fn get_json<T: DeserializeOwned>(&mut self, path: &str) -> Result<T, ClientError> {
        self.send(|http, base| http.get(format!("{base}{path}")))
            .await?
            .json()
    }

    /// Sends one `PUT` of raw bytes, without retries: a photo upload that breaks off is resumed
    /// from the bytes the server kept, which the caller reads first. Refreshes the tokens
    /// once on `TOKEN_EXPIRED`. Returns the response, whatever its status.
    pub(crate) async fn put_bytes_once(
        &mut self,
        path: &str,
        content_range: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(StatusCode, Vec<u8>), ClientError> {
        let single = RetryPolicy { max_attempts: 1, ..self.policy.clone() };
        let build = |token: &str, base: &str| {
            let mut request = self
                .http
                .put(format!("{base}{path}"))
                .header(CONTENT_TYPE, "application/octet-stream")
                .bearer_auth(token)
                .body(body.clone());
            if let Some(range) = content_range {
                request = request.header(reqwest::header::CONTENT_RANGE, range);
            }
            request
        };
        let base = self.session.server_url.clone();
        let token = self.session.access_token.clone();
        let mut response = send_with_retry(&single, || build(&token, &base)).await?;
        let expired = response.status == StatusCode::UNAUTHORIZED
            && serde_json::from_slice::<ErrorBody>(&response.body)
                .is_ok_and(|body| body.code == "TOKEN_EXPIRED");
        if expired {
            self.refresh().await?;
            let token = self.session.access_token.clone();
            response = send_with_retry(&single, || build(&token, &base)).await?;
        }
        Ok((response.status, response.body))
    }

    /// Sends an authenticated POST with a JSON body and ignores the response body.
    pub async fn post_json<B: Serialize>(&mut self, path: &str, body: &B) -> Result<(), ClientError> {
        self.send(|http, base| http.request(Method::POST, format!("{base}{path}")).json(body))
            .await
            .map(|_| ())
    }

    /// Sends an authenticated POST with a JSON body and parses the JSON response.
    pub async fn post_json_reply<B: Serialize, T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send(|http, base| http.request(Method::POST, format!("{base}{path}")).json(body))
            .await?
            .json()
    }

    async fn post_sync(&mut self, request: &SyncRequest) -> Result<Exchanged, ClientError> {
        let (content_type, body) = match self.format {
            SyncFormat::Binary => (BINARY_CONTENT_TYPE, frame::encode_request(request)),
            SyncFormat::Json => (
                "application/json",
                serde_json::to_vec(request)
                    .map_err(|e| ClientError::InvalidResponse(e.to_string()))?,
            ),
        };
        let bytes_sent = body.len() as u64;
        let response = self
            .send(|http, base| {
                http.post(format!("{base}/api/v1/sync"))
                    .header(CONTENT_TYPE, content_type)
                    .header(ACCEPT, content_type)
                    .body(body.clone())
            })
            .await?;
        let bytes_received = response.body.len() as u64;
        let response = decode_sync_response(&response)?;
        Ok(Exchanged {
            response,
            bytes_sent,
            bytes_received,
        })
    }
}

impl SyncTransport for Connection<'_> {
    async fn exchange(&mut self, request: &SyncRequest) -> Result<Exchanged, ClientError> {
        self.post_sync(request).await
    }
}

/// Decodes a sync response in the format its content type names.
fn decode_sync_response(response: &RawResponse) -> Result<SyncResponse, ClientError> {
    if response.content_type.starts_with(BINARY_CONTENT_TYPE) {
        Ok(frame::decode_response(&response.body)?)
    } else {
        response.json()
    }
}

/// Writes a new token pair into a session.
pub(crate) fn apply_token_pair(session: &mut Session, pair: TokenPair) {
    session.access_token = pair.access_token;
    session.access_token_expires_at = pair.access_token_expires_at;
    session.refresh_token = pair.refresh_token;
    session.refresh_token_expires_at = pair.refresh_token_expires_at;
    session.server_device_id = pair.device_id;
    session.user = pair.user;
}

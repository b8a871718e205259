//! Console sessions: logging in with a center account, the cookies that carry the session, and the
//! extractor every page takes.
//!
//! A browser is a device like a phone: logging in runs the same account checks and starts the same
//! kind of session, so revoking the device or disabling the user ends the console session at its
//! next request. The access token rides in [`ACCESS_COOKIE`] and the refresh token in
//! [`REFRESH_COOKIE`], both `HttpOnly`, `SameSite=Strict` and limited to `/console`; the API never
//! reads them. When the access token has expired, the next console request exchanges the refresh
//! token and [`session_cookies`] sets the new pair on the response. Renewals in one process run
//! one at a time and share their result for a minute, so two tabs renewing at once get the same
//! pair instead of tripping the refresh token's reuse detection. Changes (POST) must come from
//! the console's own origin.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use juanzong_mobile_api::auth::TokenPair;

use super::error::ConsoleError;
use crate::auth::extractor::authenticate;
use crate::auth::{service, AuthUser};
use crate::error::ApiError;
use crate::org;
use crate::org::roles::Role;
use crate::state::AppState;

/// Cookie with the console's access token.
pub const ACCESS_COOKIE: &str = "juanzong_access";

/// Cookie with the console's refresh token.
pub const REFRESH_COOKIE: &str = "juanzong_refresh";

/// Path of every console cookie.
const COOKIE_PATH: &str = "/console";

/// Cookie with the browser's device id, kept across logins so one browser stays one device.
pub const DEVICE_COOKIE: &str = "juanzong_console_device";

/// Returns the name a console device carries in the device list, such as 网页控制台（zhao）.
pub fn device_name(username: &str) -> String {
    format!("网页控制台（{}）", username.trim())
}

/// How long a renewed pair is handed to other requests that present the same refresh token.
const RENEWAL_SHARING: Duration = Duration::from_secs(60);

/// How long a browser keeps its device id, in days.
const DEVICE_COOKIE_DAYS: i64 = 400;

/// The person using a console page.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub caller: AuthUser,
    /// Such as 赵接收.
    pub display_name: String,
}

impl ConsoleUser {
    /// Chinese names of the user's roles, joined with 、.
    pub fn roles_label(&self) -> String {
        let names: Vec<&str> = self.caller.roles.iter().map(|role| role.label()).collect();
        names.join("、")
    }

    /// True for the roles that may register receipts: the intake posts and the center's manager.
    pub fn may_register(&self) -> bool {
        crate::center::access::is_intake(&self.caller)
    }

    /// True for the administrator, who imports calendar years.
    pub fn is_admin(&self) -> bool {
        self.caller.has_role(Role::Admin)
    }
}

/// Tells whether a user with `roles` may use the console: center posts, the director and the
/// administrator, the same people the API lets read the register.
pub fn may_use_console(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|role| role.is_center() || matches!(role, Role::Director | Role::Admin))
}

/// A token pair obtained during this request, to be set as cookies on its response.
#[derive(Debug, Clone)]
struct RenewedSession(TokenPair);

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let state = request
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            let caller = resume(&state, &request).await?;
            if !may_use_console(&caller.roles) {
                return Err(ApiError::forbidden(
                    "CONSOLE_ROLE_REQUIRED",
                    "网页控制台供卷宗管理中心、执行局长和系统管理员使用；外勤人员请使用移动办案系统。",
                )
                .into());
            }
            let display_name = org::service::user_summary(&state.db, &caller.user_id)
                .await?
                .map_or_else(|| caller.user_id.clone(), |user| user.display_name);
            Ok(ConsoleUser {
                caller,
                display_name,
            })
        })
    }
}

/// Authenticates the request by its access cookie, or by exchanging its refresh cookie.
async fn resume(state: &AppState, request: &HttpRequest) -> Result<AuthUser, ConsoleError> {
    let login_required = || ConsoleError::LoginRequired {
        next: safe_next(request.uri().path_and_query().map(|path| path.as_str())),
    };

    if let Some(access) = request.cookie(ACCESS_COOKIE) {
        match authenticate(state, access.value()).await {
            Ok(caller) => return Ok(caller),
            Err(ApiError::Unauthorized { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }

    let Some(refresh) = request.cookie(REFRESH_COOKIE) else {
        return Err(login_required());
    };
    let pair = match renew(state, refresh.value()).await {
        Ok(pair) => pair,
        Err(ApiError::Unauthorized { .. }) => return Err(login_required()),
        Err(other) => return Err(other.into()),
    };
    let caller = match authenticate(state, &pair.access_token).await {
        Ok(caller) => caller,
        Err(ApiError::Unauthorized { .. }) => return Err(login_required()),
        Err(other) => return Err(other.into()),
    };
    request.extensions_mut().insert(RenewedSession(pair));
    Ok(caller)
}

/// Pairs renewed in this process, by the hash of the refresh token they replaced.
type Renewals = tokio::sync::Mutex<HashMap<String, (Instant, TokenPair)>>;

/// Exchanges a refresh token, or hands out the pair this process got for the same token within
/// [`RENEWAL_SHARING`]. Two tabs whose access token expired together present the same refresh
/// token. Without sharing, the second exchange would look like a stolen token and end the
/// session.
async fn renew(state: &AppState, refresh: &str) -> Result<TokenPair, ApiError> {
    static RENEWALS: OnceLock<Renewals> = OnceLock::new();

    let key = service::hash_refresh_token(refresh);
    let mut renewals = RENEWALS.get_or_init(Renewals::default).lock().await;
    renewals.retain(|_, (at, _)| at.elapsed() < RENEWAL_SHARING);
    if let Some((_, pair)) = renewals.get(&key) {
        return Ok(pair.clone());
    }
    // NOTE: sharing is per process. Two tabs whose requests reach two server processes at the
    // same moment still trip the reuse detection, and both tabs return to the login page.
    let pair = service::refresh(state, refresh).await?;
    renewals.insert(key, (Instant::now(), pair.clone()));
    Ok(pair)
}

/// Logs a user in from the login form and returns the session's tokens. A field account gets 403:
/// the console is for the center, the director and the administrator.
pub async fn log_in(
    state: &AppState,
    request: &HttpRequest,
    username: &str,
    password: &str,
) -> Result<(TokenPair, String), ApiError> {
    let device_id = request
        .cookie(DEVICE_COOKIE)
        .map(|cookie| cookie.value().to_string())
        .filter(|value| Uuid::parse_str(value).is_ok())
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let pair = service::login(
        state,
        juanzong_mobile_api::auth::LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
            device_id: device_id.clone(),
            device_name: device_name(username),
        },
    )
    .await?;

    let roles: Vec<Role> = pair
        .user
        .roles
        .iter()
        .filter_map(|code| code.parse().ok())
        .collect();
    if !may_use_console(&roles) {
        let caller = authenticate(state, &pair.access_token).await?;
        service::logout(&state.db, &caller.session_id).await?;
        return Err(ApiError::forbidden(
            "CONSOLE_ROLE_REQUIRED",
            "网页控制台供卷宗管理中心、执行局长和系统管理员使用；外勤人员请使用移动办案系统。",
        ));
    }
    Ok((pair, device_id))
}

/// Cookies that carry a session's tokens.
pub fn cookies_for(pair: &TokenPair) -> [Cookie<'static>; 2] {
    [
        session_cookie(ACCESS_COOKIE, pair.access_token.clone()),
        session_cookie(REFRESH_COOKIE, pair.refresh_token.clone()),
    ]
}

/// Returns the cookie that keeps the browser's device id.
pub fn device_cookie(device_id: String) -> Cookie<'static> {
    let mut cookie = session_cookie(DEVICE_COOKIE, device_id);
    cookie.set_max_age(CookieDuration::days(DEVICE_COOKIE_DAYS));
    cookie
}

/// Cookies that remove the session's tokens from the browser.
pub fn removal_cookies() -> [Cookie<'static>; 2] {
    [ACCESS_COOKIE, REFRESH_COOKIE].map(|name| {
        let mut cookie = session_cookie(name, String::new());
        cookie.make_removal();
        cookie
    })
}

/// Returns a browser-session cookie, which is gone when the browser closes, hidden from scripts
/// and not sent with a request that another site starts.
fn session_cookie(name: &'static str, value: String) -> Cookie<'static> {
    // NOTE: the cookies are not marked `Secure` because courts run the server on closed networks
    // over plain HTTP. Behind a TLS proxy they should be.
    Cookie::build(name, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish()
}

/// Middleware of the console's scope: rejects changes sent from another origin, and sets the
/// cookies of a session renewed while handling the request.
pub async fn session_cookies(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if request.method() != Method::GET
        && request.method() != Method::HEAD
        && !same_origin(request.request())
    {
        return Err(ConsoleError::from(ApiError::forbidden(
            "CROSS_SITE_REQUEST",
            "请求不是从本系统的网页发出的，已拒绝。请在网页控制台中重新操作。",
        ))
        .into());
    }

    let mut response = next.call(request).await?;
    let renewed = response
        .request()
        .extensions_mut()
        .remove::<RenewedSession>();
    if let Some(RenewedSession(pair)) = renewed {
        for cookie in cookies_for(&pair) {
            response.response_mut().add_cookie(&cookie)?;
        }
    }
    Ok(response)
}

/// Tells whether a request that changes data comes from a page of this server: its `Origin` (or,
/// without one, its `Referer`) names the host the request was sent to. A request with neither
/// header does not come from a browser page and carries no cookie of another site's making.
fn same_origin(request: &HttpRequest) -> bool {
    let headers = request.headers();
    let source = headers
        .get(actix_web::http::header::ORIGIN)
        .or_else(|| headers.get(actix_web::http::header::REFERER))
        .and_then(|value| value.to_str().ok());
    let Some(source) = source else {
        return true;
    };
    let host = request.connection_info().host().to_string();
    origin_host(source).is_some_and(|source_host| source_host.eq_ignore_ascii_case(&host))
}

/// Returns the `host[:port]` of an origin or URL such as `http://127.0.0.1:8080/console/`.
fn origin_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find('/').unwrap_or(rest.len());
    Some(&rest[..end]).filter(|host| !host.is_empty())
}

/// Returns `next` when it is a console path that can go into a `Location` header, else the
/// console's first page, so a login link can never send the browser to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/console/")
                && path.bytes().all(|byte| byte.is_ascii_graphic()) =>
        {
            path.to_string()
        }
        _ => "/console/handovers".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_host_takes_host_and_port() {
        assert_eq!(origin_host("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(
            origin_host("http://127.0.0.1:8080/console/login"),
            Some("127.0.0.1:8080")
        );
        assert_eq!(origin_host("null"), None);
        assert_eq!(origin_host("http:///x"), None);
    }

    #[test]
    fn next_stays_inside_the_console() {
        assert_eq!(
            safe_next(Some("/console/register?case=x")),
            "/console/register?case=x"
        );
        assert_eq!(
            safe_next(Some("https://evil.example/")),
            "/console/handovers"
        );
        assert_eq!(
            safe_next(Some("//evil.example/console/")),
            "/console/handovers"
        );
        assert_eq!(safe_next(None), "/console/handovers");
        assert_eq!(safe_next(Some("/console/\u{0}")), "/console/handovers");
        assert_eq!(
            safe_next(Some("/console/x\r\nSet-Cookie: a=b")),
            "/console/handovers"
        );
        assert_eq!(
            safe_next(Some("/console/register?case=执1")),
            "/console/handovers"
        );
        assert_eq!(
            safe_next(Some("/console/register?case=%E6%89%A71")),
            "/console/register?case=%E6%89%A71"
        );
    }

    #[test]
    fn only_center_director_and_admin_use_the_console() {
        assert!(may_use_console(&[Role::CenterIntake]));
        assert!(may_use_console(&[Role::DataManager]));
        assert!(may_use_console(&[Role::Director]));
        assert!(may_use_console(&[Role::Admin]));
        assert!(!may_use_console(&[Role::FieldOfficer]));
        assert!(!may_use_console(&[]));
    }
}

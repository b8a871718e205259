//! Accounts and tokens over the real HTTP API: login, refresh rotation, reuse detection, device
//! revocation, strict token checks and role checks, on SQLite and PostgreSQL.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

/// Reads the generated JWT key of a test server.
fn server_key(app: &TestApp) -> Vec<u8> {
    use base64::engine::general_purpose::STANDARD;
    let text = std::fs::read_to_string(app.data_dir.path().join("jwt-secret")).expect("key file");
    STANDARD.decode(text.trim()).expect("base64 key")
}

/// Decodes the claims of a JWT without checking it, to build forged variants.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json")
}

async fn me_status(app: &TestApp, token: &str) -> (u16, Value) {
    app.get_json("/api/v1/me", token).await.expect("GET /me")
}

on_both_databases!(login_returns_both_tokens, |app| {
    let pair = app.login("admin", &app.admin_password, "laptop-1").await?;
    assert_eq!(pair.token_type, "Bearer");
    assert!(!pair.access_token.is_empty());
    assert!(pair.refresh_token.len() >= 40);
    assert_eq!(pair.user.username, "admin");
    assert_eq!(pair.user.roles, vec!["admin".to_string()]);

    let (status, me) = me_status(&app, &pair.access_token).await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "admin");
    app.stop().await?;
});

on_both_databases!(login_rejects_wrong_password, |app| {
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": "wrong-password-1", "device_id": "d", "device_name": "n"}),
        )
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "INVALID_CREDENTIALS");
    assert!(body["message"].as_str().unwrap().contains("用户名或密码错误"));

    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "nobody", "password": "wrong-password-1", "device_id": "d", "device_name": "n"}),
        )
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "INVALID_CREDENTIALS");
    app.stop().await?;
});

on_both_databases!(refresh_rotates_and_detects_reuse, |app| {
    app.seed_organisation().await?;
    let first = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;

    let (status, second) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": first.refresh_token}))
        .await?;
    assert_eq!(status, 200, "{second}");
    let second_refresh = second["refresh_token"].as_str().unwrap().to_string();
    let second_access = second["access_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh_token);
    assert_eq!(me_status(&app, &second_access).await.0, 200);

    // The first token was exchanged already: presenting it again is a reuse.
    let (status, body) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": first.refresh_token}))
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "REFRESH_TOKEN_REUSED");

    // The reuse revoked the device's sessions: the newest tokens stop working too.
    let (status, body) = me_status(&app, &second_access).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "SESSION_REVOKED");
    let (status, _) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": second_refresh}))
        .await?;
    assert_eq!(status, 401);

    // Logging in again works.
    app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    app.stop().await?;
});

on_both_databases!(unknown_refresh_token_is_rejected, |app| {
    let (status, body) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": "not-a-token"}))
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "INVALID_REFRESH_TOKEN");
    app.stop().await?;
});

on_both_databases!(logout_ends_the_session, |app| {
    let pair = app.login("admin", &app.admin_password, "laptop-1").await?;
    let (status, _) = app.post_json("/api/v1/auth/logout", Some(&pair.access_token), &json!({})).await?;
    assert_eq!(status, 204);
    assert_eq!(me_status(&app, &pair.access_token).await.0, 401);
    let (status, _) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": pair.refresh_token}))
        .await?;
    assert_eq!(status, 401);
    app.stop().await?;
});

on_both_databases!(revoked_device_gets_device_revoked, |app| {
    app.seed_organisation().await?;
    let admin = app.login("admin", &app.admin_password, "laptop-admin").await?;
    let phone = app.login("zhang", SEED_PASSWORD, "lost-phone").await?;
    assert_eq!(me_status(&app, &phone.access_token).await.0, 200);

    let (status, body) = app
        .post_json(
            &format!("/api/v1/admin/devices/{}/revoke", phone.device_id),
            Some(&admin.access_token),
            &json!({}),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    assert!(body["revoked_at"].is_string());

    let (status, body) = me_status(&app, &phone.access_token).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "DEVICE_REVOKED");

    let (status, body) = app
        .post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": phone.refresh_token}))
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "DEVICE_REVOKED");

    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "zhang", "password": SEED_PASSWORD, "device_id": "lost-phone", "device_name": "x"}),
        )
        .await?;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "DEVICE_REVOKED");
    app.stop().await?;
});

on_both_databases!(forged_tokens_are_rejected, |app| {
    let pair = app.login("admin", &app.admin_password, "laptop-1").await?;
    let claims = claims_of(&pair.access_token);
    let key = server_key(&app);
    let now = chrono::Utc::now().timestamp();

    let sign = |claims: &Value, algorithm: Algorithm, secret: &[u8]| {
        encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(secret)).unwrap()
    };
    let with = |field: &str, value: Value| {
        let mut changed = claims.clone();
        changed[field] = value;
        changed
    };
    let without = |field: &str| {
        let mut changed = claims.clone();
        changed.as_object_mut().unwrap().remove(field);
        changed
    };
    let unsigned = {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.")
    };

    let cases: Vec<(&str, String)> = vec![
        ("wrong key", sign(&claims, Algorithm::HS256, b"another-secret-another-secret-42")),
        ("HS512 with the right key", sign(&claims, Algorithm::HS512, &key)),
        ("HS384 with the right key", sign(&claims, Algorithm::HS384, &key)),
        ("alg none", unsigned),
        ("HMAC with public material", sign(&claims, Algorithm::HS256, b"juanzong-api")),
        ("expired", sign(&with("exp", json!(now - 60)), Algorithm::HS256, &key)),
        ("not yet valid", sign(&with("nbf", json!(now + 600)), Algorithm::HS256, &key)),
        ("issued in the future", sign(&with("iat", json!(now + 600)), Algorithm::HS256, &key)),
        ("missing exp", sign(&without("exp"), Algorithm::HS256, &key)),
        ("missing sub", sign(&without("sub"), Algorithm::HS256, &key)),
        ("missing device", sign(&without("device"), Algorithm::HS256, &key)),
        ("missing sid", sign(&without("sid"), Algorithm::HS256, &key)),
        ("wrong audience", sign(&with("aud", json!("other")), Algorithm::HS256, &key)),
        ("garbage", "abc.def.ghi".to_string()),
    ];
    for (name, token) in cases {
        let (status, body) = me_status(&app, &token).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert!(body["code"].is_string(), "{name}: {body}");
        assert!(body["message"].is_string(), "{name}: {body}");
    }

    // The same claims signed correctly still work, so the cases above failed for their flaw.
    let (status, _) = me_status(&app, &sign(&claims, Algorithm::HS256, &key)).await;
    assert_eq!(status, 200);

    let response = app.client.get(app.url("/api/v1/me")).send().await?;
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await?;
    assert_eq!(body["code"], "MISSING_TOKEN");
    app.stop().await?;
});

on_both_databases!(role_check_returns_403, |app| {
    app.seed_organisation().await?;
    let field = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let (status, body) = app.get_json("/api/v1/admin/devices", &field.access_token).await?;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "FORBIDDEN_ROLE");
    assert!(body["message"].as_str().unwrap().contains("系统管理员"));

    let admin = app.login("admin", &app.admin_password, "laptop").await?;
    let (status, devices) = app.get_json("/api/v1/admin/devices", &admin.access_token).await?;
    assert_eq!(status, 200);
    assert_eq!(devices.as_array().unwrap().len(), 2);
    app.stop().await?;
});

on_both_databases!(disabled_user_is_stopped_at_next_request, |app| {
    app.seed_organisation().await?;
    let pair = app.login("li", SEED_PASSWORD, "phone-li").await?;
    let db = app.db().await?;
    juanzong_server::org::service::set_disabled(&db, "li", true)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (status, body) = me_status(&app, &pair.access_token).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "ACCOUNT_DISABLED");
    db.close().await.ok();
    app.stop().await?;
});

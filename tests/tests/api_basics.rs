//! Error bodies, request ids, health checks, bad input and a broken database, on SQLite and
//! PostgreSQL.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use juanzong_tests::{on_both_databases, SEED_PASSWORD};

on_both_databases!(health_and_readiness, |app| {
    let response = app.client.get(app.url("/healthz")).send().await?;
    assert_eq!(response.status().as_u16(), 200);
    let response = app.client.get(app.url("/readyz")).send().await?;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await?;
    assert_eq!(body["status"], "ready");
    app.stop().await?;
});

on_both_databases!(every_response_has_a_request_id, |app| {
    let ok = app.client.get(app.url("/healthz")).send().await?;
    let missing = app.client.get(app.url("/no/such/route")).send().await?;
    for response in [ok, missing] {
        let id = response
            .headers()
            .get("x-request-id")
            .expect("x-request-id header")
            .to_str()?
            .to_string();
        assert_eq!(uuid::Uuid::parse_str(&id)?.get_version_num(), 7);
    }
    app.stop().await?;
});

on_both_databases!(unknown_route_is_json_404, |app| {
    let response = app.client.get(app.url("/api/v1/nothing")).send().await?;
    assert_eq!(response.status().as_u16(), 404);
    let body: Value = response.json().await?;
    assert_eq!(body["code"], "ROUTE_NOT_FOUND");
    app.stop().await?;
});

on_both_databases!(malformed_json_is_400, |app| {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": \"admin\", ")
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await?;
    assert_eq!(body["code"], "INVALID_JSON");
    assert!(body["message"].as_str().unwrap().contains("JSON"));

    let (status, body) = app
        .post_json("/api/v1/auth/login", None, &json!({"username": "admin"}))
        .await?;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "INVALID_JSON");
    app.stop().await?;
});

on_both_databases!(broken_database_gives_500_without_details, |app| {
    app.seed_organisation().await?;
    let pair = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let db = app.db().await?;
    db.execute_unprepared("DROP TABLE cases").await?;
    db.close().await.ok();

    let response = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&pair.access_token)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 500);
    let text = response.text().await?;
    let body: Value = serde_json::from_str(&text)?;
    assert_eq!(body["code"], "INTERNAL_ERROR");
    let lowered = text.to_lowercase();
    for leak in ["cases", "table", "sql", "relation", "error returned"] {
        assert!(!lowered.contains(leak), "500 body leaks {leak}: {text}");
    }
    app.stop().await?;
});

//! The OpenAPI description matches the routes the server serves.

use std::collections::BTreeSet;

use serde_json::Value;

use juanzong_server::routes::ROUTES;
use juanzong_tests::{Backend, TestApp};

fn described_routes() -> BTreeSet<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json is readable");
    let document: Value = serde_json::from_str(&text).expect("openapi.json is valid JSON");
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths object") {
        for method in item.as_object().expect("path item object").keys() {
            routes.insert((method.clone(), path.clone()));
        }
    }
    routes
}

fn served_routes() -> BTreeSet<(String, String)> {
    ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect()
}

#[test]
fn openapi_matches_route_table() {
    let described = described_routes();
    let served = served_routes();
    let undocumented: Vec<_> = served.difference(&described).collect();
    let stale: Vec<_> = described.difference(&served).collect();
    assert!(undocumented.is_empty(), "served but not in openapi.json: {undocumented:?}");
    assert!(stale.is_empty(), "in openapi.json but not served: {stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_listed_route_is_served() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap().unwrap();
    for (method, path) in ROUTES {
        let concrete = path
            .replace("{case_number}", "x")
            .replace("{list_id}", "x")
            .replace("{device_id}", "x");
        let request = match *method {
            "get" => app.client.get(app.url(&concrete)),
            "post" => app.client.post(app.url(&concrete)),
            "put" => app.client.put(app.url(&concrete)),
            other => panic!("method {other} not handled by this test"),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(body["code"], "ROUTE_NOT_FOUND", "{method} {path} is not served ({status})");
    }
    app.stop().await.unwrap();
}

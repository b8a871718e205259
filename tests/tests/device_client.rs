//! The device client of `juanzong-mobile-api` (the library behind `juanzong-device`) against the
//! real server on SQLite and PostgreSQL. Covered: offline edits of two devices converging, a wiped
//! phone getting its lists back, refusal of another team's device, a server undo reported in the
//! reply and the feed, lost responses, and token refresh.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use juanzong_mobile_api::client::{
    Client, ClientOptions, ItemInput, ListInput, RetryPolicy, SyncFormat, SyncStatus,
};
use juanzong_sync::{ItemChanges, MaterialListDocument, Originality, Status, TeamKind};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

/// Retries with short waits, so tests that cut connections stay fast.
fn test_options(format: SyncFormat) -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
        },
        sync_format: format,
        ..ClientOptions::default()
    }
}

/// A phone: its store folder and the client over it, logged in as `user`.
struct Phone {
    _folder: TempDir,
    client: Client,
}

async fn phone_at(server_url: &str, user: &str, format: SyncFormat) -> anyhow::Result<Phone> {
    let folder = tempfile::tempdir()?;
    let client = Client::open(folder.path(), test_options(format))?;
    client
        .login(server_url, user, SEED_PASSWORD, &format!("{user} 的手机"))
        .await?;
    Ok(Phone {
        _folder: folder,
        client,
    })
}

async fn phone(app: &TestApp, user: &str) -> anyhow::Result<Phone> {
    phone_at(&app.address, user, SyncFormat::Binary).await
}

fn enforcement_list(case_number: &str) -> ListInput {
    ListInput {
        case_number: case_number.to_string(),
        kind: TeamKind::Enforcement,
        trip_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2),
        trip_place: "南阳市宛城区".to_string(),
        participants: vec!["张警官".to_string(), "李警官".to_string()],
    }
}

fn record(title: &str, pages: i64) -> ItemInput {
    ItemInput {
        material_type: "执行笔录（现场笔录）".to_string(),
        title: title.to_string(),
        page_count: pages,
        originality: Originality::Original,
        produced_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 2),
        produced_by: "张警官".to_string(),
        notes: String::new(),
        uploaded_via_mobile_system: false,
    }
}

fn pages(count: i64) -> ItemChanges {
    ItemChanges {
        page_count: Some(count),
        ..ItemChanges::default()
    }
}

const CASE: &str = "(2026)豫13执123号";

on_both_databases!(two_devices_converge_through_server, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;
    let li = phone_at(&app.address, "li", SyncFormat::Json).await?;

    let list_id = zhang.client.create_list(enforcement_list(CASE))?;
    let first = zhang.client.add_item(list_id, record("执行笔录-张某", 3))?;
    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced, vec![list_id]);
    assert!(report.rounds.failed.is_empty(), "{:?}", report.rounds.failed);
    assert_eq!(report.details_refreshed, 1);

    // Li's phone learns of the list from the feed and fetches it.
    let report = li.client.sync().await?;
    assert_eq!(report.new_lists, vec![list_id]);
    assert_eq!(li.client.list(list_id)?, zhang.client.list(list_id)?);

    // Both offline: Zhang changes the page count and adds an item, Li renames the first item
    // and adds another.
    zhang.client.edit_item(list_id, first, pages(5))?;
    zhang.client.add_item(list_id, record("送达笔录", 1))?;
    let rename = ItemChanges {
        title: Some("执行笔录-张某（补充）".to_string()),
        ..ItemChanges::default()
    };
    li.client.edit_item(list_id, first, rename)?;
    li.client.add_item(list_id, record("询问笔录-李某", 2))?;
    let rows = zhang.client.lists()?;
    assert_eq!(rows[0].sync_status, SyncStatus::Pending);

    zhang.client.sync().await?;
    li.client.sync().await?;
    let report = zhang.client.sync().await?;
    assert!(report.rounds.rounds <= 3, "{}", report.rounds.rounds);

    let merged = zhang.client.list(list_id)?;
    assert_eq!(li.client.list(list_id)?, merged);
    assert_eq!(merged.live_items().len(), 3);
    assert_eq!(merged.items[&first].page_count, 5);
    assert_eq!(merged.items[&first].title, "执行笔录-张某（补充）");
    assert_eq!(merged.total_pages(), 8);

    // The stored server data matches the local document once both are synced.
    li.client.sync().await?;
    for device in [&zhang, &li] {
        let rows = device.client.lists()?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].sync_status, SyncStatus::Synced);
        let detail = device.client.store().server_detail(list_id)?.expect("server data stored");
        assert_eq!(detail.list, merged);
    }
    app.stop().await?;
});

on_both_databases!(wiped_phone_gets_lists_back, |app| {
    app.seed_organisation().await?;
    let old_phone = phone(&app, "zhang").await?;
    let list_id = old_phone.client.create_list(enforcement_list(CASE))?;
    old_phone.client.add_item(list_id, record("执行笔录-张某", 3))?;
    let second = old_phone
        .client
        .create_list(enforcement_list("(2026)豫13执124号"))?;
    old_phone.client.sync().await?;

    // A new store is a wiped phone: new device id, new actor id, nothing local.
    let new_phone = phone(&app, "zhang").await?;
    assert!(new_phone.client.lists()?.is_empty());
    let report = new_phone.client.sync().await?;

    let mut fetched = report.new_lists.clone();
    fetched.sort();
    let mut expected = vec![list_id, second];
    expected.sort();
    assert_eq!(fetched, expected);
    assert_eq!(new_phone.client.list(list_id)?, old_phone.client.list(list_id)?);
    assert_eq!(new_phone.client.list(second)?, old_phone.client.list(second)?);

    // The new phone can edit the list it got back, and the old one receives the edit.
    let item = new_phone.client.add_item(list_id, record("补充笔录", 2))?;
    new_phone.client.sync().await?;
    old_phone.client.sync().await?;
    assert_eq!(old_phone.client.list(list_id)?.items[&item].page_count, 2);
    app.stop().await?;
});

on_both_databases!(other_team_device_is_refused, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;
    let list_id = zhang.client.create_list(enforcement_list(CASE))?;
    zhang.client.add_item(list_id, record("执行笔录-张某", 3))?;
    zhang.client.sync().await?;
    let before = zhang.client.list(list_id)?;

    // Wang (asset-disposal team) got the list id somehow and has a list of his own.
    let wang = phone(&app, "wang").await?;
    let mut empty = MaterialListDocument::empty(wang.client.store().actor()?);
    wang.client.store().save_document(list_id, &mut empty)?;
    let own = wang.client.create_list(ListInput {
        kind: TeamKind::AssetDisposal,
        ..enforcement_list("(2026)豫13执200号")
    })?;

    let report = wang.client.sync().await?;
    assert_eq!(report.rounds.failed.len(), 1, "{:?}", report.rounds.failed);
    let failure = &report.rounds.failed[0];
    assert_eq!(failure.list_id, list_id);
    assert_eq!(failure.status, Some(403));
    assert!(!failure.message.is_empty());
    assert_eq!(report.rounds.synced, vec![own], "the other list still syncs");
    assert!(wang.client.list(list_id).is_err(), "nothing of the list reached Wang");

    zhang.client.sync().await?;
    assert_eq!(zhang.client.list(list_id)?, before);
    app.stop().await?;
});

on_both_databases!(edit_to_handed_over_list_is_undone, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;
    let li = phone(&app, "li").await?;
    let list_id = zhang.client.create_list(enforcement_list(CASE))?;
    let item = zhang.client.add_item(list_id, record("执行笔录-张某", 3))?;
    let returned_at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap();
    zhang.client.mark_returned(list_id, returned_at)?;
    zhang.client.sync().await?;
    li.client.sync().await?;
    assert_eq!(li.client.list(list_id)?.status, Status::Returned);

    // Zhang hands the list over; Li, offline, still has it returned and changes a page count.
    zhang.client.hand_over(list_id)?;
    zhang.client.sync().await?;
    li.client.edit_item(list_id, item, pages(9))?;

    let report = li.client.sync().await?;
    let codes: Vec<&str> = report.rounds.notices.iter().map(|n| n.notice.code.as_str()).collect();
    assert_eq!(codes, vec!["LIST_FROZEN"]);
    assert_eq!(report.rounds.notices[0].list_id, list_id);
    let on_li = li.client.list(list_id)?;
    assert_eq!(on_li.status, Status::HandedOver);
    assert_eq!(on_li.items[&item].page_count, 3, "the server undid the edit");

    // The same notice arrives through the feed and is kept for display.
    let feed_codes: Vec<String> = li
        .client
        .notices()?
        .into_iter()
        .filter(|n| n.kind == "rule_notice")
        .filter_map(|n| n.code)
        .collect();
    assert_eq!(feed_codes, vec!["LIST_FROZEN".to_string()]);
    assert!(zhang.client.notices()?.iter().all(|n| n.kind != "rule_notice"));

    // Locally the frozen list refuses edits before any sync.
    let error = li.client.edit_item(list_id, item, pages(8)).unwrap_err();
    assert_eq!(error.code(), "LIST_FROZEN");

    zhang.client.sync().await?;
    assert_eq!(zhang.client.list(list_id)?, on_li);
    app.stop().await?;
});

on_both_databases!(lost_responses_are_retried_and_converge, |app| {
    app.seed_organisation().await?;
    let proxy = CuttingProxy::start(&app.address).await?;
    let zhang = phone_at(&proxy.address, "zhang", SyncFormat::Binary).await?;
    let list_id = zhang.client.create_list(enforcement_list(CASE))?;
    for n in 0..3 {
        zhang.client.add_item(list_id, record(&format!("执行笔录-{n}"), 2))?;
    }

    // The response to the sync request carrying the changes is cut after the server applied it.
    // The client retries the same request and the sync completes.
    proxy.cut_sync_responses(&[2]);
    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced, vec![list_id]);
    assert!(report.rounds.rounds <= 4, "{}", report.rounds.rounds);
    assert!(proxy.sync_requests() >= 3);

    // A sync that gives up (every response cut) resumes on the next call.
    zhang.client.add_item(list_id, record("送达回证", 1))?;
    proxy.cut_sync_responses(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let start = proxy.sync_requests();
    let error = zhang.client.sync().await.unwrap_err();
    assert_eq!(error.code(), "NETWORK_ERROR");
    proxy.cut_sync_responses(&[]);
    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced, vec![list_id]);
    assert!(report.rounds.rounds <= 3, "{}", report.rounds.rounds);
    assert!(proxy.sync_requests() - start <= 10);

    // Another device receives every item exactly once.
    let li = phone(&app, "li").await?;
    li.client.sync().await?;
    let on_li = li.client.list(list_id)?;
    assert_eq!(on_li, zhang.client.list(list_id)?);
    assert_eq!(on_li.live_items().len(), 4);
    assert_eq!(on_li.trip.participants.len(), 2);
    proxy.stop().await;
    app.stop().await?;
});

on_both_databases!(expired_token_is_refreshed_once, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;
    let list_id = zhang.client.create_list(enforcement_list(CASE))?;

    // Put an access token that expired a minute ago, signed with the server's key, in the store.
    let mut session = zhang.client.session()?;
    let old_refresh = session.refresh_token.clone();
    session.access_token = expired_copy(&app, &session.access_token);
    zhang.client.store().save_session(&session)?;

    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced, vec![list_id]);
    let refreshed = zhang.client.session()?;
    assert_ne!(refreshed.refresh_token, old_refresh, "the new pair was stored");
    assert_ne!(refreshed.access_token, session.access_token);

    // The old refresh token is spent; logout ends the session and keeps the lists.
    zhang.client.logout().await?;
    assert_eq!(zhang.client.session().unwrap_err().code(), "NOT_LOGGED_IN");
    assert_eq!(zhang.client.store().list_ids()?, vec![list_id]);
    app.stop().await?;
});

/// Re-signs an access token with `exp` a minute in the past.
fn expired_copy(app: &TestApp, token: &str) -> String {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine;
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};

    let key_text = std::fs::read_to_string(app.data_dir.path().join("jwt-secret")).expect("key file");
    let key = STANDARD.decode(key_text.trim()).expect("base64 key");
    let payload = token.split('.').nth(1).expect("payload");
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json");
    claims["exp"] = serde_json::json!(Utc::now().timestamp() - 60);
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&key)).expect("sign")
}

/// A forwarding proxy on loopback that can cut the connection of chosen `POST /api/v1/sync`
/// requests after the server responded, so the server applied the request but the client
/// never reads the response.
struct CuttingProxy {
    address: String,
    state: Arc<Mutex<ProxyState>>,
    handle: actix_web::dev::ServerHandle,
}

#[derive(Default)]
struct ProxyState {
    /// Numbers (from 1) of the sync requests whose responses are cut, counted from the last call
    /// of `cut_sync_responses`.
    cut: Vec<usize>,
    since_reset: usize,
    total: usize,
}

struct Upstream {
    url: String,
    http: reqwest::Client,
    state: Arc<Mutex<ProxyState>>,
}

impl CuttingProxy {
    async fn start(upstream: &str) -> anyhow::Result<CuttingProxy> {
        let state = Arc::new(Mutex::new(ProxyState::default()));
        let data = web::Data::new(Upstream {
            url: upstream.to_string(),
            http: reqwest::Client::new(),
            state: state.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(32 * 1024 * 1024))
                .default_service(web::to(forward))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))?;
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(CuttingProxy {
            address: format!("http://127.0.0.1:{port}"),
            state,
            handle,
        })
    }

    fn cut_sync_responses(&self, numbers: &[usize]) {
        let mut state = self.state.lock().unwrap();
        state.cut = numbers.to_vec();
        state.since_reset = 0;
    }

    fn sync_requests(&self) -> usize {
        self.state.lock().unwrap().total
    }

    async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn forward(request: HttpRequest, body: Bytes, upstream: web::Data<Upstream>) -> HttpResponse {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    let mut outgoing = upstream.http.request(method, format!("{}{path}", upstream.url));
    for (name, value) in request.headers() {
        let name = name.as_str();
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value.as_bytes());
        }
    }
    let response = match outgoing.body(body.to_vec()).send().await {
        Ok(response) => response,
        Err(_) => return HttpResponse::BadGateway().finish(),
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let bytes = response.bytes().await.unwrap_or_default();

    let cut = request.path() == "/api/v1/sync" && {
        let mut state = upstream.state.lock().unwrap();
        state.total += 1;
        state.since_reset += 1;
        state.cut.contains(&state.since_reset)
    };
    if cut {
        return HttpResponse::Ok().content_type(content_type).body(CutBody);
    }
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY);
    HttpResponse::build(status).content_type(content_type).body(bytes)
}

/// A body that announces 64 bytes and fails before sending any, so the server aborts the
/// connection mid-response.
struct CutBody;

impl MessageBody for CutBody {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Sized(64)
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Bytes, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other("connection cut by the test proxy"))))
    }
}


on_both_databases!(sync_skips_lists_without_news, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;
    let li = phone(&app, "li").await?;

    let first = zhang.client.create_list(enforcement_list(CASE))?;
    let second = zhang.client.create_list(enforcement_list("(2026)豫13执124号"))?;
    zhang.client.add_item(first, record("执行笔录-张某", 3))?;
    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced.len(), 2);
    li.client.sync().await?;

    // The own sync's events mark both lists once more; the sync after that sends nothing.
    zhang.client.sync().await?;
    let idle = zhang.client.sync().await?;
    assert_eq!(idle.rounds.requests, 0, "{idle:?}");
    assert!(idle.rounds.synced.is_empty());

    // A local edit sends that list only.
    zhang.client.add_item(second, record("送达笔录", 1))?;
    let report = zhang.client.sync().await?;
    assert_eq!(report.rounds.synced, vec![second]);

    // An edit on another phone reaches this one through the feed.
    li.client.add_item(first, record("询问笔录-李某", 2))?;
    li.client.sync().await?;
    zhang.client.sync().await?;
    assert_eq!(zhang.client.list(first)?, li.client.list(first)?);
    assert_eq!(zhang.client.list(first)?.live_items().len(), 2);
    app.stop().await?;
});

on_both_databases!(center_results_reach_the_phone, |app| {
    app.seed_organisation().await?;
    let zhang = phone(&app, "zhang").await?;

    let list_id = zhang.client.create_list(enforcement_list(CASE))?;
    let record_id = zhang.client.add_item(list_id, record("执行笔录-张某", 3))?;
    let inquiry_id = zhang.client.add_item(list_id, record("询问笔录-李某", 2))?;
    zhang.client.mark_returned(list_id, Utc::now() - chrono::Duration::hours(2))?;
    zhang.client.hand_over(list_id)?;
    zhang.client.sync().await?;
    assert!(zhang.client.center_results()?.is_none(), "nothing registered yet");

    // The clerk receives the record and rejects the inquiry record.
    let clerk = app.login("zhao", SEED_PASSWORD, "desk-zhao").await?;
    let receipt = serde_json::json!({
        "registration_id": uuid::Uuid::new_v4(),
        "list_id": list_id,
        "handed_over_by": "张警官",
        "check": {"items": [
            {"item_id": record_id, "result": "received"},
            {"item_id": inquiry_id, "result": "rejected", "reason": "missing_signature",
             "correction": "末页缺少被询问人签名，请补签后重新移送"},
        ]},
    });
    let (status, body) = app.post_json("/api/v1/center/receipts", Some(&clerk.access_token), &receipt).await?;
    assert_eq!(status, 200, "{body}");
    let entry_id: uuid::Uuid = serde_json::from_value(body["entry_id"].clone())?;

    // The next sync brings the receipt and the task to the phone, which keeps them offline.
    let report = zhang.client.sync().await?;
    assert!(report.center_results_refreshed);
    let results = zhang.client.center_results()?.expect("results stored");
    assert_eq!(results.lists.len(), 1);
    assert_eq!(results.lists[0].list_id, list_id);
    assert_eq!(results.tasks.len(), 1);
    assert_eq!(results.tasks[0].item_id, inquiry_id);
    assert!(results.tasks[0].message.contains("末页缺少被询问人签名"), "{}", results.tasks[0].message);
    assert!(report.feed_notices.iter().any(|notice| notice.kind == "center_task"));
    assert_eq!(zhang.client.list(list_id)?.status, Status::Received);

    // The team disputes the 修改意见 from the phone; sending it twice stores one dispute.
    let dispute_id = uuid::Uuid::new_v4();
    let reason = "被询问人拒绝签名，笔录已注明";
    let dispute = zhang.client.raise_dispute(dispute_id, entry_id, inquiry_id, reason).await?;
    assert_eq!(dispute.decision, None);
    let again = zhang.client.raise_dispute(dispute_id, entry_id, inquiry_id, reason).await?;
    assert_eq!(again.dispute_id, dispute.dispute_id);
    let results = zhang.client.center_results()?.expect("results stored");
    assert_eq!(results.tasks[0].dispute.as_ref().map(|d| d.dispute_id), Some(dispute_id));
    app.stop().await?;
});

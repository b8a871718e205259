//! Material-list sync through the real server on SQLite and PostgreSQL: merging offline edits of
//! two devices, relational rows, access refusals, rule enforcement, malformed bytes, restarts,
//! and many devices syncing one list at once.

use juanzong_sync::engine;
use juanzong_sync::ItemChanges;
use juanzong_tests::phone::{add_item, editor, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const CASE: &str = "（2026）豫13执123号";

/// Logs a seeded user in and returns the access token and team id.
async fn sign_in(app: &TestApp, user: &str, device: &str) -> anyhow::Result<(String, String)> {
    let pair = app.login(user, SEED_PASSWORD, device).await?;
    Ok((pair.access_token, pair.user.team_id.unwrap_or_default()))
}

/// Sends up to three rounds and stops at the first non-200 status; returns every status seen.
/// A refusal that depends on the changes comes in the round that carries them, not the first.
async fn rounds_until_refused(phone: &mut TestPhone, app: &TestApp) -> anyhow::Result<Vec<u16>> {
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let (status, _) = phone.round(app).await?;
        statuses.push(status);
        if status != 200 {
            break;
        }
    }
    Ok(statuses)
}

async fn item_rows(app: &TestApp, list_id: uuid::Uuid) -> anyhow::Result<Vec<juanzong_server::entities::material_item::Model>> {
    use juanzong_server::entities::material_item;
    let db = app.db().await?;
    let rows = material_item::Entity::find()
        .filter(material_item::Column::ListId.eq(list_id.to_string()))
        .all(&db)
        .await?;
    db.close().await.ok();
    Ok(rows)
}

on_both_databases!(two_devices_merge_offline_edits, |app| {
    app.seed_organisation().await?;
    let (zhang_token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;

    // Zhang creates the list with two items and syncs; Li fetches it.
    let mut zhang = TestPhone::with_new_list("zhang", &zhang_token, &team, CASE);
    let ruling = add_item(&mut zhang.document, "seizure_ruling", "查封裁定书", 2, "zhang")?;
    let record = add_item(&mut zhang.document, "seizure_record", "查封笔录", 3, "zhang")?;
    zhang.sync(&app).await?;
    let mut li = TestPhone::joining("li", &li_token, zhang.list_id);
    li.sync(&app).await?;
    assert_eq!(li.document.snapshot()?, zhang.document.snapshot()?);

    // Offline: both add items, both change the record's pages, Zhang removes the ruling that
    // Li edits.
    add_item(&mut zhang.document, "seal_photo", "封条照片", 1, "zhang")?;
    add_item(&mut li.document, "service_receipt", "送达回证", 1, "li")?;
    let pages = |n| ItemChanges { page_count: Some(n), ..ItemChanges::default() };
    zhang.document.edit_item(record, pages(4), &editor("zhang"))?;
    li.document.edit_item(record, pages(5), &editor("li"))?;
    zhang.document.remove_item(ruling, &editor("zhang"))?;
    li.document.edit_item(ruling, ItemChanges { title: Some("查封裁定书（正本）".into()), ..ItemChanges::default() }, &editor("li"))?;

    li.sync(&app).await?;
    zhang.sync(&app).await?;
    li.sync(&app).await?;

    let merged = zhang.document.snapshot()?;
    assert_eq!(li.document.snapshot()?, merged);
    assert_eq!(merged.items.len(), 4, "no item lost");
    let removed = &merged.items[&ruling];
    assert!(removed.is_removed(), "the removal stands, as a tombstone");
    assert_eq!(removed.title, "查封裁定书（正本）", "the concurrent edit is kept on the tombstone");
    let record_pages = merged.items[&record].page_count;
    assert!(record_pages == 4 || record_pages == 5);

    // The server's relational rows show the same content.
    let rows = item_rows(&app, zhang.list_id).await?;
    assert_eq!(rows.len(), 4);
    let row = rows.iter().find(|r| r.item_id == record.to_string()).unwrap();
    assert_eq!(row.page_count, record_pages);
    let row = rows.iter().find(|r| r.item_id == ruling.to_string()).unwrap();
    assert!(row.removed_at.is_some());

    let (status, detail) = app
        .get_json(&format!("/api/v1/lists/{}", zhang.list_id), &zhang_token)
        .await?;
    assert_eq!(status, 200);
    assert_eq!(detail["list"]["items"].as_object().unwrap().len(), 4);
    app.stop().await?;
});

on_both_databases!(other_team_device_is_refused, |app| {
    app.seed_organisation().await?;
    let (zhang_token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let (wang_token, other_team) = sign_in(&app, "wang", "phone-wang").await?;
    let mut zhang = TestPhone::with_new_list("zhang", &zhang_token, &team, CASE);
    zhang.sync(&app).await?;
    let heads_before = zhang.document.heads();

    // Wang's device edits a copy of the list and tries to sync it.
    let mut wang = TestPhone::joining("wang", &wang_token, zhang.list_id);
    wang.document = zhang.document.clone();
    add_item(&mut wang.document, "other", "不该出现的材料", 1, "wang")?;
    let (status, _) = wang.round(&app).await?;
    assert_eq!(status, 403);

    // Nothing was stored: Zhang's next sync brings no change.
    zhang.sync(&app).await?;
    assert_eq!(zhang.document.heads(), heads_before);
    assert_eq!(item_rows(&app, zhang.list_id).await?.len(), 0);

    // Creating a list for another team is refused too, in the round that carries the changes.
    let mut forged = TestPhone::with_new_list("wang", &wang_token, &team, CASE);
    let statuses = rounds_until_refused(&mut forged, &app).await?;
    assert_eq!(statuses.last(), Some(&403), "{statuses:?}");
    let (_, lists) = app.get_json("/api/v1/lists", &wang_token).await?;
    assert_eq!(lists.as_array().map(Vec::len), Some(0), "nothing stored for the forged list");
    assert_ne!(team, other_team);
    app.stop().await?;
});

on_both_databases!(edit_to_handed_over_list_is_undone, |app| {
    app.seed_organisation().await?;
    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;

    // Two lists of the team; Li's device holds both while they are drafts.
    let mut frozen = TestPhone::with_new_list("zhang", &token, &team, CASE);
    let record = add_item(&mut frozen.document, "seizure_record", "查封笔录", 3, "zhang")?;
    frozen.document.set_trip_place("南阳市卧龙区", &editor("zhang"))?;
    frozen.document.add_participant("张警官", &editor("zhang"))?;
    frozen.document.set_trip_date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1), &editor("zhang"))?;
    frozen.sync(&app).await?;
    let mut open = TestPhone::with_new_list("zhang", &token, &team, "（2026）豫13执124号");
    let photo = add_item(&mut open.document, "site_photos", "现场照片", 2, "zhang")?;
    open.sync(&app).await?;
    let mut li_frozen = TestPhone::joining("li", &li_token, frozen.list_id);
    li_frozen.sync(&app).await?;
    let mut li_open = TestPhone::joining("li", &li_token, open.list_id);
    li_open.sync(&app).await?;

    // Zhang hands the first list over; Li, offline, changes page counts on both lists.
    frozen.document.mark_returned(chrono::Utc::now(), &editor("zhang"))?;
    frozen.document.hand_over(&editor("zhang"))?;
    frozen.sync(&app).await?;
    let pages = |n| ItemChanges { page_count: Some(n), ..ItemChanges::default() };
    li_frozen.document.edit_item(record, pages(9), &editor("li"))?;
    li_open.document.edit_item(photo, pages(4), &editor("li"))?;

    // Both edits go to the server in one request.
    let request = juanzong_mobile_api::sync::SyncRequest {
        documents: vec![
            juanzong_mobile_api::sync::DocumentMessage {
                list_id: li_frozen.list_id,
                message: engine::client_generate(&mut li_frozen.document, &mut li_frozen.state),
            },
            juanzong_mobile_api::sync::DocumentMessage {
                list_id: li_open.list_id,
                message: engine::client_generate(&mut li_open.document, &mut li_open.state),
            },
        ],
    };
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&li_token)
        .json(&request)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let body: juanzong_mobile_api::sync::SyncResponse = response.json().await?;
    let codes: Vec<&str> = body.documents[0].notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["LIST_FROZEN"]);
    assert!(body.documents[1].notices.is_empty());
    for (phone, reply) in [(&mut li_frozen, &body.documents[0]), (&mut li_open, &body.documents[1])] {
        if let Some(message) = &reply.message {
            engine::client_receive(&mut phone.document, &mut phone.state, message)?;
        }
    }
    li_frozen.sync(&app).await?;
    li_open.sync(&app).await?;
    assert_eq!(li_frozen.document.snapshot()?.items[&record].page_count, 3, "the server undid it");
    assert_eq!(li_open.document.snapshot()?.items[&photo].page_count, 4, "the other edit stays");
    frozen.sync(&app).await?;
    assert_eq!(frozen.document.snapshot()?, li_frozen.document.snapshot()?);

    let (status, feed) = app.get_json("/api/v1/feed?after=0", &li_token).await?;
    assert_eq!(status, 200);
    let notices: Vec<&str> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "rule_notice")
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(notices, vec!["LIST_FROZEN"]);

    // The notice is for Li's device only.
    let (_, zhang_feed) = app.get_json("/api/v1/feed?after=0", &token).await?;
    assert!(zhang_feed["events"].as_array().unwrap().iter().all(|e| e["kind"] != "rule_notice"));
    app.stop().await?;
});

on_both_databases!(malformed_bytes_get_400_and_change_nothing, |app| {
    app.seed_organisation().await?;
    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let mut phone = TestPhone::with_new_list("zhang", &token, &team, CASE);
    add_item(&mut phone.document, "seizure_record", "查封笔录", 3, "zhang")?;
    phone.sync(&app).await?;
    let rows_before = item_rows(&app, phone.list_id).await?;

    add_item(&mut phone.document, "seal_photo", "封条照片", 1, "zhang")?;
    let message = engine::client_generate(&mut phone.document, &mut phone.state).expect("a message");
    for bad in [message[..message.len() / 2].to_vec(), vec![0x42; 64], Vec::new()] {
        let body = serde_json::json!({"documents": [{"list_id": phone.list_id, "message": base64_encode(&bad)}]});
        let (status, error) = app.post_json("/api/v1/sync", Some(&token), &body).await?;
        assert_eq!(status, 400, "{error}");
        assert_eq!(error["code"], "SYNC_MESSAGE_MALFORMED");
    }
    let response = app
        .client
        .post(app.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header("content-type", "application/vnd.juanzong.sync")
        .body(vec![1u8, 2, 3])
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(item_rows(&app, phone.list_id).await?, rows_before);
    app.stop().await?;
});

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

on_both_databases!(restart_between_syncs_loses_nothing, |app| {
    app.seed_organisation().await?;
    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let mut phone = TestPhone::with_new_list("zhang", &token, &team, CASE);
    for n in 0..5 {
        add_item(&mut phone.document, "site_photos", &format!("现场照片{n}"), 1, "zhang")?;
        phone.sync(&app).await?;
    }
    let app = app.restart().await?;
    add_item(&mut phone.document, "seal_photo", "封条照片", 1, "zhang")?;
    phone.sync(&app).await?;

    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;
    let mut wiped = TestPhone::joining("li", &li_token, phone.list_id);
    wiped.sync(&app).await?;
    assert_eq!(wiped.document.snapshot()?, phone.document.snapshot()?);
    assert_eq!(item_rows(&app, phone.list_id).await?.len(), 6);
    app.stop().await?;
});

on_both_databases!(eight_devices_sync_one_list_at_once, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    for n in 0..8 {
        juanzong_server::org::service::create_user(
            &db,
            juanzong_server::org::service::NewUser {
                username: format!("officer{n}"),
                display_name: format!("干警{n}"),
                team: Some("执行一团队".into()),
                roles: vec![juanzong_server::org::roles::Role::FieldOfficer],
                password: SEED_PASSWORD.into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    db.close().await.ok();

    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let mut origin = TestPhone::with_new_list("zhang", &token, &team, CASE);
    origin.sync(&app).await?;

    let mut phones = Vec::new();
    for n in 0..8 {
        let (token, _) = sign_in(&app, &format!("officer{n}"), &format!("phone-{n}")).await?;
        let mut phone = TestPhone::joining(&format!("officer{n}"), &token, origin.list_id);
        phone.sync(&app).await?;
        add_item(&mut phone.document, "site_photos", &format!("第{n}台设备的照片"), 1, "x")?;
        phones.push(phone);
    }

    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for mut phone in phones {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            phone.sync(&app).await.map(|_| phone)
        }));
    }
    for task in tasks {
        task.await??;
    }
    origin.sync(&app).await?;
    assert_eq!(origin.document.snapshot()?.items.len(), 8, "every device's item landed");
    assert_eq!(item_rows(&app, origin.list_id).await?.len(), 8);
    let app = std::sync::Arc::try_unwrap(app).map_err(|_| anyhow::anyhow!("app still shared"))?;
    app.stop().await?;
});

on_both_databases!(two_server_processes_share_one_list, |app| {
    app.seed_organisation().await?;
    let other = app.start_another().await?;
    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;
    let mut origin = TestPhone::with_new_list("zhang", &token, &team, CASE);
    origin.sync(&app).await?;

    // Two phones per server edit the same list and sync at once through both processes.
    let mut phones = Vec::new();
    for n in 0..4 {
        let (user, user_token) = if n % 2 == 0 { ("zhang", &token) } else { ("li", &li_token) };
        let mut phone = TestPhone::joining(user, user_token, origin.list_id);
        phone.sync(&app).await?;
        add_item(&mut phone.document, "site_photos", &format!("照片{n}"), 1, user)?;
        let address = if n < 2 { app.address.clone() } else { other.address.clone() };
        phones.push((phone, address));
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for (mut phone, address) in phones {
        let app = app.clone();
        tasks.push(tokio::spawn(async move { phone.sync_at(&app, &address).await.map(|_| phone) }));
    }
    for task in tasks {
        task.await??;
    }
    origin.sync_at(&app, &other.address).await?;
    assert_eq!(origin.document.snapshot()?.items.len(), 4, "every edit landed through either process");
    assert_eq!(item_rows(&app, origin.list_id).await?.len(), 4);
    other.stop().await?;
    let app = std::sync::Arc::try_unwrap(app).map_err(|_| anyhow::anyhow!("app still shared"))?;
    app.stop().await?;
});

on_both_databases!(actor_of_another_device_is_refused, |app| {
    app.seed_organisation().await?;
    let (zhang_token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;
    let mut zhang = TestPhone::with_new_list("zhang", &zhang_token, &team, CASE);
    add_item(&mut zhang.document, "seizure_record", "查封笔录", 3, "zhang")?;
    zhang.sync(&app).await?;

    // Li's device copies Zhang's document, actor id included, and writes with it.
    let mut copy = TestPhone::joining("li", &li_token, zhang.list_id);
    copy.document = zhang.document.clone();
    add_item(&mut copy.document, "other", "冒用作者标识的材料", 1, "li")?;
    let statuses = rounds_until_refused(&mut copy, &app).await?;
    assert_eq!(statuses.last(), Some(&403), "{statuses:?}");
    assert_eq!(item_rows(&app, zhang.list_id).await?.len(), 1, "the forged change was not stored");

    // Zhang's own device keeps syncing with its actor.
    add_item(&mut zhang.document, "seal_photo", "封条照片", 1, "zhang")?;
    zhang.sync(&app).await?;
    assert_eq!(item_rows(&app, zhang.list_id).await?.len(), 2);
    app.stop().await?;
});

on_both_databases!(compaction_folds_chunks_and_keeps_content, |app| {
    use juanzong_server::entities::{document, document_chunk};

    app.seed_organisation().await?;
    let (token, team) = sign_in(&app, "zhang", "phone-zhang").await?;
    let mut phone = TestPhone::with_new_list("zhang", &token, &team, CASE);
    phone.sync(&app).await?;
    for n in 0..6 {
        add_item(&mut phone.document, "site_photos", &format!("现场照片{n}"), 1, "zhang")?;
        phone.sync(&app).await?;
    }

    let db = app.db().await?;
    let chunks_before = document_chunk::Entity::find().all(&db).await?.len();
    assert!(chunks_before >= 6, "each sync stored a chunk: {chunks_before}");
    let compacted = juanzong_server::workers::compaction::compact_all(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(compacted, 1);
    assert_eq!(document_chunk::Entity::find().all(&db).await?.len(), 0);
    let row = document::Entity::find_by_id(phone.list_id.to_string()).one(&db).await?.unwrap();
    assert_eq!(row.chunk_count, 0);
    db.close().await.ok();

    // A wiped phone still gets the whole list from the compacted document.
    let (li_token, _) = sign_in(&app, "li", "phone-li").await?;
    let mut wiped = TestPhone::joining("li", &li_token, phone.list_id);
    wiped.sync(&app).await?;
    assert_eq!(wiped.document.snapshot()?, phone.document.snapshot()?);

    // And the first phone keeps syncing incrementally on top of the new snapshot.
    add_item(&mut phone.document, "seal_photo", "封条照片", 1, "zhang")?;
    phone.sync(&app).await?;
    assert_eq!(item_rows(&app, phone.list_id).await?.len(), 7);
    app.stop().await?;
});

on_both_databases!(peer_states_of_revoked_devices_are_pruned, |app| {
    use juanzong_server::entities::sync_state;
    use juanzong_server::lists::store;

    app.seed_organisation().await?;
    let admin = app.login("admin", &app.admin_password, "laptop-admin").await?;
    let zhang_pair = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let li_pair = app.login("li", SEED_PASSWORD, "phone-li").await?;
    let team = zhang_pair.user.team_id.clone().unwrap_or_default();

    let mut zhang = TestPhone::with_new_list("zhang", &zhang_pair.access_token, &team, CASE);
    add_item(&mut zhang.document, "seizure_record", "查封笔录", 3, "zhang")?;
    zhang.sync(&app).await?;
    let mut li = TestPhone::joining("li", &li_pair.access_token, zhang.list_id);
    li.sync(&app).await?;

    let (status, body) = app
        .post_json(
            &format!("/api/v1/admin/devices/{}/revoke", li_pair.device_id),
            Some(&admin.access_token),
            &serde_json::json!({}),
        )
        .await?;
    assert_eq!(status, 200, "{body}");

    let db = app.db().await?;
    assert_eq!(sync_state::Entity::find().all(&db).await?.len(), 2);
    let pruned = store::prune_peer_states(&db, chrono::Utc::now()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(pruned, 1, "only the revoked phone's state goes");
    let left = sync_state::Entity::find().all(&db).await?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].device_id, zhang_pair.device_id);

    // Half a year later the unused state goes too; the phone then syncs from a fresh state.
    let later = chrono::Utc::now() + chrono::Duration::days(store::PEER_STATE_MAX_AGE_DAYS + 1);
    assert_eq!(store::prune_peer_states(&db, later).await.map_err(|e| anyhow::anyhow!("{e}"))?, 1);
    assert!(sync_state::Entity::find().all(&db).await?.is_empty());
    db.close().await.ok();

    add_item(&mut zhang.document, "seal_photo", "封条照片", 1, "zhang")?;
    zhang.sync(&app).await?;
    let list = app.get_json(&format!("/api/v1/lists/{}", zhang.list_id), &zhang_pair.access_token).await?;
    assert_eq!(list.1["list"]["items"].as_object().map(|items| items.len()), Some(2), "{}", list.1);
    app.stop().await?;
});

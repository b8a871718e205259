//! Photos (照片) through the real server on SQLite and PostgreSQL. Covered: idempotent and
//! resumable uploads, the type from the bytes, size and hash checks, processing that fails cleanly
//! and survives a restart, the other-case flag from OCR, garbage collection, and the device
//! client's upload.
//!
//! Only `other_case_number_is_flagged` runs OCR on printed text. The other photos are near-blank
//! pages, which the pipeline recognises as blank and does not send to OCR, so they process fast.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use juanzong_mobile_api::client::{Client, ClientOptions, ItemInput, ListInput, RetryPolicy};
use juanzong_server::blobs::{gc, BlobStore};
use juanzong_server::entities::{blob, photo};
use juanzong_sync::{Originality, TeamKind};
use juanzong_tests::phone::{add_item, editor, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

const CASE: &str = "（2026）川01执123号";
/// Maximum wait for a photo to leave 待处理/处理中.
const PROCESSING_TIMEOUT: Duration = Duration::from_secs(180);

async fn sign_in(app: &TestApp, user: &str, device: &str) -> anyhow::Result<(String, String)> {
    let pair = app.login(user, SEED_PASSWORD, device).await?;
    Ok((pair.access_token, pair.user.team_id.unwrap_or_default()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Encodes a near-blank grey page with faint noise as PNG; `seed` changes the bytes and the hash.
fn blank_page_png(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let page = image::GrayImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(31)) % 7;
        image::Luma([240 + noise as u8])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageLuma8(page)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encode PNG");
    bytes
}

/// Returns bytes that start like a JPEG and then break off, so they sniff as JPEG and do not decode.
fn truncated_jpeg() -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00,
    ];
    bytes.extend_from_slice(&[
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00,
    ]);
    bytes.extend((0..5000u32).map(|i| (i * 37 % 251) as u8));
    bytes
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/photos")
        .join(name)
}

/// Creates a phone of `user` with a new list of `case` holding one item with the given photos,
/// and syncs it.
async fn list_with_photos(
    app: &TestApp,
    user: &str,
    case: &str,
    hashes: &[&str],
) -> anyhow::Result<(TestPhone, Uuid, String)> {
    let (token, team) = sign_in(app, user, &format!("phone-{user}")).await?;
    let mut phone = TestPhone::with_new_list(user, &token, &team, case);
    let item = add_item(
        &mut phone.document,
        "seizure_ruling",
        "查封裁定书",
        hashes.len().max(1) as i64,
        user,
    )?;
    for hash in hashes {
        phone.document.attach_photo(item, hash, &editor(user))?;
    }
    phone.sync(app).await?;
    Ok((phone, item, token))
}

/// Sends `PUT /api/v1/blobs/{hash}`; returns the status and the JSON body.
async fn put_blob(
    app: &TestApp,
    token: &str,
    hash: &str,
    body: Vec<u8>,
    range: Option<String>,
) -> anyhow::Result<(u16, Value)> {
    let mut request = app
        .client
        .put(app.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(token)
        .header("Content-Type", "image/jpeg")
        .body(body);
    if let Some(range) = range {
        request = request.header("Content-Range", range);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// Like [`put_blob`], repeated while the server still finishes a broken-off request for the
/// same photo (`UPLOAD_IN_PROGRESS`).
async fn put_blob_when_free(
    app: &TestApp,
    token: &str,
    hash: &str,
    body: &[u8],
    range: Option<String>,
) -> anyhow::Result<(u16, Value)> {
    for _ in 0..50 {
        let outcome = put_blob(app, token, hash, body.to_vec(), range.clone()).await?;
        if outcome.1["code"] != "UPLOAD_IN_PROGRESS" {
            return Ok(outcome);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the upload of {hash} stayed in progress")
}

/// Polls the photo until it is 完成 or 失败 and returns its view.
async fn wait_processed(app: &TestApp, token: &str, hash: &str) -> anyhow::Result<Value> {
    let deadline = tokio::time::Instant::now() + PROCESSING_TIMEOUT;
    loop {
        let (status, body) = app
            .get_json(&format!("/api/v1/photos/{hash}"), token)
            .await?;
        anyhow::ensure!(status == 200, "GET photo returned {status}: {body}");
        if body["status"] == "done" || body["status"] == "failed" {
            return Ok(body);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "photo still {} after {PROCESSING_TIMEOUT:?}",
            body["status"]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Writes a raw HTTP/1.1 request and returns what the server sends until it closes the
/// connection or sends nothing for two seconds.
async fn raw_request(app: &TestApp, head: &str, body: &[u8]) -> anyhow::Result<String> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(read)) => response.extend_from_slice(&buffer[..read]),
        }
    }
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// Sends half of a photo with a `Content-Length` for all of it, then closes the connection.
async fn cut_upload(
    app: &TestApp,
    token: &str,
    hash: &str,
    bytes: &[u8],
    sent: usize,
) -> anyhow::Result<()> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let head = format!(
        "PUT /api/v1/blobs/{hash} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&bytes[..sent]).await?;
    stream.flush().await?;
    drop(stream);
    Ok(())
}

/// Polls the upload status until the server reports `expected` bytes kept.
async fn wait_received(
    app: &TestApp,
    token: &str,
    hash: &str,
    expected: u64,
) -> anyhow::Result<Value> {
    for _ in 0..100 {
        let (status, body) = app
            .get_json(&format!("/api/v1/blobs/{hash}/status"), token)
            .await?;
        anyhow::ensure!(status == 200, "status returned {status}: {body}");
        if body["received_bytes"] == expected {
            return Ok(body);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server never reported {expected} bytes kept")
}

fn object_files(app: &TestApp) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let objects = app.data_dir.path().join("blobs/objects");
    for shard in std::fs::read_dir(objects).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(shard.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            files.push(file.path());
        }
    }
    files
}

on_both_databases!(same_photo_uploaded_twice_is_stored_once, |app| {
    app.seed_organisation().await?;
    let bytes = blank_page_png(400, 300, 1);
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;

    let (status, missing) = app.get_json("/api/v1/blobs/missing", &token).await?;
    assert_eq!(status, 200);
    assert_eq!(missing["sha256"], serde_json::json!([hash]));

    let (first, body) = put_blob(&app, &token, &hash, bytes.clone(), None).await?;
    assert_eq!(first, 201, "{body}");
    assert_eq!(body["stored"], true);
    assert_eq!(body["media_type"], "png");
    let (second, body) = put_blob(&app, &token, &hash, bytes.clone(), None).await?;
    assert_eq!(second, 200, "{body}");
    assert_eq!(body["received_bytes"], bytes.len() as u64);

    assert_eq!(object_files(&app).len(), 1, "one file on disk");
    let db = app.db().await?;
    assert_eq!(
        blob::Entity::find().all(&db).await?.len(),
        1,
        "one blob row"
    );
    assert_eq!(
        photo::Entity::find().all(&db).await?.len(),
        1,
        "one photo queued"
    );
    db.close().await.ok();

    let (_, missing) = app.get_json("/api/v1/blobs/missing", &token).await?;
    assert_eq!(missing["sha256"], serde_json::json!([]));
    let original = app
        .client
        .get(app.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(
        original.bytes().await?.to_vec(),
        bytes,
        "the original bytes come back unchanged"
    );
    app.stop().await?;
});

on_both_databases!(cut_upload_resumes_from_kept_bytes, |app| {
    app.seed_organisation().await?;
    let bytes = blank_page_png(700, 500, 2);
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;
    let half = bytes.len() / 2;

    cut_upload(&app, &token, &hash, &bytes, half).await?;
    let kept = wait_received(&app, &token, &hash, half as u64).await?;
    assert_eq!(kept["stored"], false);

    let wrong_start = Some(format!("bytes 10-{}/{}", bytes.len() - 1, bytes.len()));
    let (status, body) = put_blob_when_free(&app, &token, &hash, &bytes[10..], wrong_start).await?;
    assert_eq!(
        status, 409,
        "a start other than the kept count is refused: {body}"
    );
    assert_eq!(body["code"], "UPLOAD_OFFSET_MISMATCH");

    let range = Some(format!("bytes {half}-{}/{}", bytes.len() - 1, bytes.len()));
    let (status, body) = put_blob_when_free(&app, &token, &hash, &bytes[half..], range).await?;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["received_bytes"], bytes.len() as u64);

    let stored = app
        .client
        .get(app.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(stored.bytes().await?.to_vec(), bytes);
    app.stop().await?;
});

on_both_databases!(photo_type_comes_from_bytes, |app| {
    app.seed_organisation().await?;
    let png = blank_page_png(300, 200, 3);
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let (png_hash, gif_hash) = (sha256_hex(&png), sha256_hex(&gif));
    let (_phone, _item, token) =
        list_with_photos(&app, "zhang", CASE, &[&png_hash, &gif_hash]).await?;

    // Sent as image/jpeg (the header put_blob sets), stored as what the bytes are.
    let (status, body) = put_blob(&app, &token, &png_hash, png, None).await?;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["media_type"], "png");

    let (status, body) = put_blob(&app, &token, &gif_hash, gif, None).await?;
    assert_eq!(status, 415, "{body}");
    assert_eq!(body["code"], "BLOB_TYPE_UNSUPPORTED");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("JPEG"),
        "{body}"
    );
    let (_, kept) = app
        .get_json(&format!("/api/v1/blobs/{gif_hash}/status"), &token)
        .await?;
    assert_eq!(kept["received_bytes"], 0, "the refused bytes are not kept");
    app.stop().await?;
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_webp_named_jpg_is_typed_webp() {
    let Ok(root) = std::env::var("JUANZONG_FIXTURES") else {
        eprintln!("skipped fixture_webp_named_jpg_is_typed_webp: JUANZONG_FIXTURES is not set");
        return;
    };
    let app = TestApp::spawn(juanzong_tests::Backend::Sqlite)
        .await
        .unwrap()
        .unwrap();
    app.seed_organisation().await.unwrap();
    let path = Path::new(&root).join("images/doc20_exam_paper_phone_webp_named_jpg.jpg");
    let bytes = std::fs::read(&path).unwrap();
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash])
        .await
        .unwrap();

    let (status, body) = put_blob(&app, &token, &hash, bytes, None).await.unwrap();

    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["media_type"], "webp",
        "a .jpg name does not make WebP bytes a JPEG"
    );
    app.stop().await.unwrap();
}

on_both_databases!(oversize_upload_is_rejected_before_body, |app| {
    app.seed_organisation().await?;
    let hash = sha256_hex(b"a photo far too large");
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;

    // Only the head is sent: the 413 must come without the body.
    let head = format!(
        "PUT /api/v1/blobs/{hash} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
        31 * 1024 * 1024
    );
    let response = raw_request(&app, &head, b"").await?;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("BLOB_TOO_LARGE"), "{response}");

    let range = format!("bytes 0-9/{}", 40 * 1024 * 1024);
    let (status, body) = put_blob(&app, &token, &hash, vec![0u8; 10], Some(range)).await?;
    assert_eq!(
        status, 413,
        "a declared total over the limit is refused: {body}"
    );
    app.stop().await?;
});

on_both_databases!(upload_checks_hash_and_access, |app| {
    app.seed_organisation().await?;
    let bytes = blank_page_png(300, 200, 4);
    let other_bytes = blank_page_png(300, 200, 5);
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;

    let (status, body) = put_blob(&app, &token, &hash, other_bytes.clone(), None).await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "BLOB_HASH_MISMATCH");
    let (_, missing) = app.get_json("/api/v1/blobs/missing", &token).await?;
    assert_eq!(
        missing["sha256"],
        serde_json::json!([hash]),
        "nothing was stored"
    );
    assert!(object_files(&app).is_empty());

    let (status, body) = put_blob(&app, &token, "not-a-hash", bytes.clone(), None).await?;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "INVALID_BLOB_HASH");

    let unreferenced = sha256_hex(&other_bytes);
    let (status, body) = put_blob(&app, &token, &unreferenced, other_bytes, None).await?;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "BLOB_NOT_REFERENCED");

    let (wang_token, _) = sign_in(&app, "wang", "phone-wang").await?;
    let (status, body) = put_blob(&app, &wang_token, &hash, bytes.clone(), None).await?;
    assert_eq!(status, 403, "another team's device: {body}");
    assert_eq!(body["code"], "BLOB_FORBIDDEN");
    let (status, _) = app
        .get_json(&format!("/api/v1/photos/{hash}"), &wang_token)
        .await?;
    assert_eq!(status, 403);
    app.stop().await?;
});

on_both_databases!(truncated_photo_fails_cleanly, |app| {
    app.seed_organisation().await?;
    let bytes = truncated_jpeg();
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;

    let (status, body) = put_blob(&app, &token, &hash, bytes, None).await?;
    assert_eq!(status, 201, "sniffed as JPEG and stored: {body}");
    let view = wait_processed(&app, &token, &hash).await?;

    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["status_label"], "失败");
    assert_eq!(view["failure"]["code"], "PHOTO_CORRUPT");
    assert!(
        view["failure"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("损坏"),
        "{view}"
    );
    let (status, body) = app
        .get_json(&format!("/api/v1/photos/{hash}/thumbnail"), &token)
        .await?;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "PHOTO_NOT_PROCESSED");
    let (status, _) = app.get_json("/readyz", &token).await?;
    assert_eq!(status, 200, "the server is still serving");
    app.stop().await?;
});

on_both_databases!(processing_status_survives_restart, |app| {
    app.seed_organisation().await?;
    let bytes = blank_page_png(500, 400, 6);
    let hash = sha256_hex(&bytes);
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;
    put_blob(&app, &token, &hash, bytes, None).await?;
    let before = wait_processed(&app, &token, &hash).await?;
    assert_eq!(before["status"], "done", "{before}");
    assert_eq!(before["attempts"], 1);

    let app = app.restart().await?;
    let (status, after) = app
        .get_json(&format!("/api/v1/photos/{hash}"), &token)
        .await?;
    assert_eq!(status, 200);
    assert_eq!(after["status"], "done");
    assert_eq!(
        after["checks"], before["checks"],
        "measured values are kept"
    );

    // A process that crashed mid-photo leaves it 处理中 with an expired lease: another takes it.
    let db = app.db().await?;
    photo::Entity::update_many()
        .set(photo::ActiveModel {
            status: Set("processing".to_string()),
            status_label: Set("处理中".to_string()),
            claimed_by: Set(Some("pid0-crashed-w0".to_string())),
            claimed_until: Set(Some(Utc::now() - chrono::Duration::minutes(1))),
            ..Default::default()
        })
        .filter(photo::Column::Sha256.eq(hash.clone()))
        .exec(&db)
        .await?;
    db.close().await.ok();
    let app = app.restart().await?;
    let retaken = wait_processed(&app, &token, &hash).await?;
    assert_eq!(retaken["status"], "done", "{retaken}");
    assert_eq!(retaken["attempts"], 2, "the expired claim was taken over");
    app.stop().await?;
});

on_both_databases!(two_processes_share_photo_queue, |app| {
    app.seed_organisation().await?;
    let other = app.start_another().await?;
    let pages: Vec<Vec<u8>> = (10..14)
        .map(|seed| blank_page_png(500, 400, seed))
        .collect();
    let hashes: Vec<String> = pages.iter().map(|page| sha256_hex(page)).collect();
    let hash_refs: Vec<&str> = hashes.iter().map(String::as_str).collect();
    let (_phone, _item, token) = list_with_photos(&app, "zhang", CASE, &hash_refs).await?;

    for (hash, page) in hashes.iter().zip(&pages) {
        let (status, body) = put_blob(&app, &token, hash, page.clone(), None).await?;
        assert_eq!(status, 201, "{body}");
    }
    for hash in &hashes {
        let view = wait_processed(&app, &token, hash).await?;
        assert_eq!(view["status"], "done", "{view}");
        assert_eq!(
            view["attempts"], 1,
            "claimed once across both processes: {view}"
        );
    }
    other.stop().await?;
    app.stop().await?;
});

on_both_databases!(other_case_number_is_flagged, |app| {
    app.seed_organisation().await?;
    let bytes = std::fs::read(fixture_path("ruling_case_2025_chuan01_456.tif"))?;
    let hash = sha256_hex(&bytes);
    let (_phone, item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;

    let (status, body) = put_blob(&app, &token, &hash, bytes, None).await?;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["media_type"], "tiff");
    let view = wait_processed(&app, &token, &hash).await?;

    assert_eq!(view["status"], "done", "{view}");
    assert_eq!(
        view["case_numbers"],
        serde_json::json!(["（2025）川01执456号"])
    );
    let flags: Vec<&str> = view["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|flag| flag["code"].as_str())
        .collect();
    assert!(flags.contains(&"OTHER_CASE"), "{flags:?}");
    assert!(
        flags.contains(&"LOW_RESOLUTION"),
        "1800 px is 154 dpi on A4: {flags:?}"
    );
    assert_eq!(view["used_in"][0]["item_id"], item.to_string());
    assert_eq!(view["used_in"][0]["other_case"], true);
    assert!(
        view["ocr_text"]
            .as_str()
            .unwrap_or_default()
            .contains("执行裁定书"),
        "{view}"
    );
    assert!(view["ocr_confidence"].as_i64().unwrap_or_default() > 0);
    assert!(view["checks"]["effective_dpi"]["flagged"]
        .as_bool()
        .unwrap_or_default());

    for path in ["thumbnail", "thumbnail?size=large", "working"] {
        let response = app
            .client
            .get(app.url(&format!("/api/v1/photos/{hash}/{path}")))
            .bearer_auth(&token)
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "image/jpeg", "{path}");
        assert!(
            response.bytes().await?.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{path}"
        );
    }

    // The center reads the photo and its flag too.
    let (center_token, _) = sign_in(&app, "zhao", "pc-zhao").await?;
    let (status, center_view) = app
        .get_json(&format!("/api/v1/photos/{hash}"), &center_token)
        .await?;
    assert_eq!(status, 200);
    assert_eq!(center_view["used_in"][0]["other_case"], true);
    app.stop().await?;
});

on_both_databases!(unreferenced_blob_is_collected_after_grace, |app| {
    app.seed_organisation().await?;
    let bytes = blank_page_png(300, 200, 7);
    let hash = sha256_hex(&bytes);
    let (mut phone, item, token) = list_with_photos(&app, "zhang", CASE, &[&hash]).await?;
    put_blob(&app, &token, &hash, bytes, None).await?;
    assert_eq!(object_files(&app).len(), 1);

    let db = app.db().await?;
    let store = BlobStore::open(app.data_dir.path().join("blobs"))?;
    let grace = Duration::from_secs(60);
    let partial_age = Duration::from_secs(3600);
    let sweep = |now: chrono::DateTime<Utc>| {
        let (db, store) = (db.clone(), store.clone());
        async move {
            gc::sweep(&db, &store, grace, partial_age, now)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))
        }
    };
    let swept = sweep(Utc::now() + chrono::Duration::days(30)).await?;
    assert_eq!(
        swept.blobs_removed, 0,
        "a referenced blob stays however old"
    );

    phone.document.detach_photo(item, &hash, &editor("zhang"))?;
    phone.sync(&app).await?;
    let swept = sweep(Utc::now()).await?;
    assert_eq!(swept.blobs_removed, 0, "kept within the grace period");
    assert_eq!(object_files(&app).len(), 1);

    let later = Utc::now() + chrono::Duration::seconds(61);
    let swept = sweep(later).await?;
    assert_eq!(swept.blobs_removed, 1);
    assert!(object_files(&app).is_empty(), "the file is gone");
    assert!(blob::Entity::find_by_id(hash.clone())
        .one(&db)
        .await?
        .is_none());
    assert!(photo::Entity::find_by_id(hash.clone())
        .one(&db)
        .await?
        .is_none());
    let swept = sweep(later).await?;
    assert_eq!(swept.blobs_removed, 0, "a second sweep finds nothing");
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(blob_file_without_row_is_collected_after_grace, |app| {
    // A file in objects/ without a row, as an upload whose transaction failed leaves it.
    let store = BlobStore::open(app.data_dir.path().join("blobs"))?;
    let write_orphan = |bytes: &[u8], age: Duration| -> anyhow::Result<String> {
        let hash = sha256_hex(bytes);
        let path = store.object_path(
            &juanzong_server::blobs::BlobHash::parse(&hash).map_err(|e| anyhow::anyhow!("{e}"))?,
        );
        std::fs::create_dir_all(path.parent().expect("shard folder"))?;
        std::fs::write(&path, bytes)?;
        let file = std::fs::File::options().write(true).open(&path)?;
        file.set_modified(std::time::SystemTime::now() - age)?;
        Ok(hash)
    };
    let old = write_orphan(b"left by a failed upload", Duration::from_secs(7200))?;
    let recent = write_orphan(b"being uploaded right now", Duration::from_secs(0))?;
    assert_eq!(object_files(&app).len(), 2);

    let db = app.db().await?;
    let swept = gc::sweep(
        &db,
        &store,
        Duration::from_secs(3600),
        Duration::from_secs(3600),
        Utc::now(),
    )
    .await
    .map_err(|error| anyhow::anyhow!("{error}"))?;

    assert_eq!(swept.orphans_removed, 1);
    assert_eq!(swept.blobs_removed, 0);
    let left: Vec<String> = object_files(&app)
        .iter()
        .filter_map(|path| path.file_name()?.to_str().map(str::to_string))
        .collect();
    assert_eq!(left, [recent], "the recent file stays, {old} is gone");
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(device_client_uploads_missing_photos, |app| {
    app.seed_organisation().await?;
    let folder = tempfile::tempdir()?;
    let options = ClientOptions {
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
        },
        ..ClientOptions::default()
    };
    let client = Client::open(folder.path().join("store"), options)?;
    client
        .login(&app.address, "zhang", SEED_PASSWORD, "张警官的手机")
        .await?;
    let list = client.create_list(ListInput {
        case_number: CASE.to_string(),
        kind: TeamKind::Enforcement,
        trip_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2),
        trip_place: "成都市".to_string(),
        participants: vec!["张警官".to_string()],
    })?;
    let item = client.add_item(
        list,
        ItemInput {
            material_type: "执行笔录（现场笔录）".to_string(),
            title: "现场笔录".to_string(),
            page_count: 2,
            originality: Originality::Original,
            produced_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 2),
            produced_by: "张警官".to_string(),
            notes: String::new(),
            uploaded_via_mobile_system: false,
        },
    )?;
    let pages = [blank_page_png(600, 450, 8), blank_page_png(600, 450, 9)];
    let mut hashes = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let file = folder.path().join(format!("page{index}.png"));
        std::fs::write(&file, page)?;
        hashes.push(client.attach_photo(list, item, &file)?);
    }
    client.sync().await?;

    // The second page's upload broke off halfway on an earlier try.
    let token = client.session()?.access_token;
    let half = pages[1].len() / 2;
    cut_upload(&app, &token, &hashes[1], &pages[1], half).await?;
    wait_received(&app, &token, &hashes[1], half as u64).await?;

    let report = client.upload_photos().await?;
    assert_eq!(report.requested, 2);
    assert_eq!(report.uploaded.len(), 2, "{report:?}");
    assert_eq!(report.resumed, vec![hashes[1].clone()]);
    assert!(report.failed.is_empty(), "{report:?}");
    let whole = pages[0].len() as u64;
    assert_eq!(
        report.bytes_sent,
        whole + (pages[1].len() - half) as u64,
        "only the missing half was sent again"
    );

    let again = client.upload_photos().await?;
    assert_eq!(again.requested, 0, "nothing missing any more");
    for (hash, page) in hashes.iter().zip(&pages) {
        let stored = app
            .client
            .get(app.url(&format!("/api/v1/blobs/{hash}")))
            .bearer_auth(&token)
            .send()
            .await?;
        assert_eq!(&stored.bytes().await?.to_vec(), page);
    }
    app.stop().await?;
});

//! The web console's (网页控制台) sessions, role checks and rejections over plain HTTP, on SQLite
//! and PostgreSQL, covering what a browser test does not reach. Missing or forged sessions lead to
//! the login. An expired access token is renewed from the refresh cookie. A form sent from another
//! site is rejected, and the API ignores the console's cookies. Two tabs renewing at once keep
//! the session. A field officer's token and the data manager's registration get 403 pages, bad
//! ids, unknown lists and unknown pages get Chinese 4xx pages, and a form sent twice registers
//! once.

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use uuid::Uuid;

use juanzong_sync::model::Status;
use juanzong_tests::phone::{add_item, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// Returns the `name=value` pairs a response sets, ready for a `Cookie` header.
fn cookies_of(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .map(str::to_string)
        .collect()
}

/// Logs in through the console's form and returns the session's cookies.
async fn console_login(app: &TestApp, username: &str) -> anyhow::Result<String> {
    let response = client()
        .post(app.url("/console/login"))
        .form(&[
            ("username", username),
            ("password", SEED_PASSWORD),
            ("next", "/console/register"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::SEE_OTHER,
        "login: {}",
        response.status()
    );
    assert_eq!(response.headers()[LOCATION], "/console/register");
    let cookies = cookies_of(&response);
    for name in [
        "juanzong_access=",
        "juanzong_refresh=",
        "juanzong_console_device=",
    ] {
        assert!(
            cookies.iter().any(|c| c.starts_with(name)),
            "{name} missing: {cookies:?}"
        );
    }
    for header in response.headers().get_all(SET_COOKIE) {
        let header = header.to_str()?;
        assert!(header.contains("HttpOnly"), "{header}");
        assert!(header.contains("SameSite=Strict"), "{header}");
    }
    Ok(cookies.join("; "))
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> anyhow::Result<Response> {
    Ok(client()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await?)
}

/// Creates a handed-over list of `zhang`'s team with one item and returns the list and item ids.
async fn handed_over_list(app: &TestApp) -> anyhow::Result<(Uuid, Uuid)> {
    let pair = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let team = pair.user.team_id.clone().expect("zhang has a team");
    let mut phone =
        TestPhone::with_new_list("zhang", &pair.access_token, &team, "（2026）豫13执701号");
    let item = add_item(
        &mut phone.document,
        "seizure_record",
        "查封笔录-王某",
        2,
        "zhang",
    )?;
    let editor = juanzong_tests::phone::editor("zhang");
    phone.document.add_participant("张警官", &editor)?;
    phone.document.set_trip_place("南阳市", &editor)?;
    phone
        .document
        .set_trip_date(Some(editor.at.date_naive()), &editor)?;
    phone.document.mark_returned(editor.at, &editor)?;
    phone.document.hand_over(&editor)?;
    phone.sync(app).await?;
    assert_eq!(phone.document.snapshot()?.status, Status::HandedOver);
    Ok((phone.list_id, item))
}

on_both_databases!(console_sessions_and_refusals, |app| {
    app.seed_organisation().await?;

    // Without a session, or with a forged one, a page leads to the login and back.
    let response = get(&app, "/console/figures?from=2026-12-01", "").await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/console/login?next=%2Fconsole%2Ffigures%3Ffrom%3D2026-12-01"
    );
    let response = get(
        &app,
        "/console/register",
        "juanzong_access=forged.token.value",
    )
    .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A wrong password gets a Chinese message on the login page.
    let response = client()
        .post(app.url("/console/login"))
        .form(&[("username", "zhao"), ("password", "wrong"), ("next", "")])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.text().await?.contains("用户名或密码"));

    // The clerk's session works, and only this site's pages may change data with it.
    let cookie = console_login(&app, "zhao").await?;
    let response = get(&app, "/console/register", &cookie).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await?.contains("赵接收"));

    let (list_id, item_id) = handed_over_list(&app).await?;
    let form = [
        ("registration_id", Uuid::new_v4().to_string()),
        ("handed_over_by", "张警官".to_string()),
        (&*format!("result_{item_id}"), "received".to_string()),
    ]
    .map(|(name, value)| (name.to_string(), value));
    let path = format!("/console/handovers/{list_id}");
    let rejected = client()
        .post(app.url(&path))
        .header(COOKIE, &cookie)
        .header(ORIGIN, "http://evil.example")
        .form(&form)
        .send()
        .await?;
    assert_eq!(rejected.status(), StatusCode::FORBIDDEN);
    assert!(rejected.text().await?.contains("CROSS_SITE_REQUEST"));

    // The API takes only the Authorization header, never the console's cookies.
    let response = get(&app, "/api/v1/center/register", &cookie).await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = client()
        .post(app.url("/api/v1/center/receipts"))
        .header(COOKIE, &cookie)
        .json(&serde_json::json!({}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The same form sent twice registers once and shows the same receipt.
    let origin = app.address.clone();
    let mut locations = Vec::new();
    for _ in 0..2 {
        let response = client()
            .post(app.url(&path))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&form)
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            response.text().await?
        );
        locations.push(response.headers()[LOCATION].to_str()?.to_string());
    }
    assert_eq!(locations[0], locations[1]);
    let zhao = app
        .login("zhao", SEED_PASSWORD, "desk-zhao")
        .await?
        .access_token;
    let (_, register) = app.get_json("/api/v1/center/register", &zhao).await?;
    assert_eq!(
        register["entries"].as_array().map(Vec::len),
        Some(1),
        "{register}"
    );
    let receipt = get(&app, &locations[0], &cookie).await?;
    assert_eq!(receipt.status(), StatusCode::OK);
    assert!(receipt.text().await?.contains("查封笔录-王某"));

    // A correction shows against the entry it corrects.
    let original = register["entries"][0]["number"]
        .as_str()
        .expect("number")
        .to_string();
    let entry_id = register["entries"][0]["entry_id"]
        .as_str()
        .expect("entry id")
        .to_string();
    let (status, correction) = app
        .post_json(
            &format!("/api/v1/center/entries/{entry_id}/corrections"),
            Some(&zhao),
            &serde_json::json!({
                "registration_id": Uuid::new_v4(),
                "note": "复核发现查封笔录未交来",
                "check": {"items": [{"item_id": item_id, "result": "missing"}]},
            }),
        )
        .await?;
    assert_eq!(status, 200, "{correction}");
    let corrected_by = correction["number"].as_str().expect("number");
    let page = get(&app, "/console/register", &cookie)
        .await?
        .text()
        .await?;
    assert!(
        page.contains(&format!("已由 {corrected_by} 更正")),
        "{page}"
    );
    assert!(page.contains(&format!("更正 {original}")), "{page}");
    assert!(page.contains("复核发现查封笔录未交来"), "{page}");

    // The item the correction marked missing is handed over later as a supplement.
    let supplement_path = format!("/console/register/{entry_id}/supplement");
    let page = get(&app, &supplement_path, &cookie).await?.text().await?;
    assert!(page.contains("查封笔录-王某"), "{page}");
    assert!(page.contains("登记补充移送"), "{page}");
    let receipt_page = get(
        &app,
        &format!(
            "/console/register/{}/receipt",
            correction["entry_id"].as_str().expect("id")
        ),
        &cookie,
    )
    .await?
    .text()
    .await?;
    assert!(receipt_page.contains("supplement-link"), "{receipt_page}");
    let supplement_form = [
        ("registration_id", Uuid::new_v4().to_string()),
        ("handed_over_by", "李警官".to_string()),
        (&*format!("result_{item_id}"), "received".to_string()),
    ]
    .map(|(name, value)| (name.to_string(), value));
    let mut supplement_receipts = Vec::new();
    for _ in 0..2 {
        let response = client()
            .post(app.url(&supplement_path))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&supplement_form)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        supplement_receipts.push(response.headers()[LOCATION].to_str()?.to_string());
    }
    assert_eq!(
        supplement_receipts[0], supplement_receipts[1],
        "the supplement form sent twice shows one entry"
    );
    let (_, register) = app.get_json("/api/v1/center/register", &zhao).await?;
    let kinds: Vec<&str> = register["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|entry| entry["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["receipt", "correction", "supplement"]);
    let response = get(&app, &supplement_path, &cookie).await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await?.contains("无需补充移送"));

    // The figures' CSV and the photos come through console addresses that use the session.
    for name in ["teams", "days"] {
        let csv = get(
            &app,
            &format!("/console/figures/{name}.csv?from=2026-11-01"),
            &cookie,
        )
        .await?;
        assert_eq!(csv.status(), StatusCode::OK, "{name}");
        assert!(csv.headers()["content-type"]
            .to_str()?
            .starts_with("text/csv"));
    }
    let response = get(
        &app,
        &format!("/console/photos/{}/thumbnail", "0".repeat(64)),
        &cookie,
    )
    .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await?.contains("照片"));

    // Unknown console addresses get a Chinese page, not the API's JSON.
    let response = get(&app, "/console/nope", &cookie).await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers()["content-type"]
        .to_str()?
        .starts_with("text/html"));
    assert!(response.text().await?.contains("页面不存在"));

    // A reversed period and part of a case number with half-width brackets.
    let response = get(
        &app,
        "/console/register?from=2026-12-31&to=2026-01-01",
        &cookie,
    )
    .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await?.contains("晚于截止日期"));
    let page = get(&app, "/console/register?case=(2026)%E8%B1%AB13", &cookie)
        .await?
        .text()
        .await?;
    assert!(page.contains("共 <strong>3</strong> 条登记"), "{page}");

    // A registered list is no longer waiting, so its check page returns 404 with the reason.
    let response = get(&app, &path, &cookie).await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await?.contains("不在待接收之列"));
    let response = get(&app, "/console/handovers/not-a-uuid", &cookie).await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await?.contains("清单编号“not-a-uuid”无效"));
    let response = get(&app, "/console/register?from=12/01", &cookie).await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await?.contains("应为 2026-12-04 的格式"));

    // Two tabs whose access token expired renew at once and both keep the session.
    let refresh_only = cookie
        .split("; ")
        .find(|pair| pair.starts_with("juanzong_refresh="))
        .expect("refresh cookie")
        .to_string();
    let (first, second) = tokio::join!(
        get(&app, "/console/register", &refresh_only),
        get(&app, "/console/overdue", &refresh_only)
    );
    let (first, second) = (first?, second?);
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    let renewed_first = cookies_of(&first);
    assert_eq!(
        renewed_first,
        cookies_of(&second),
        "both tabs get the same pair"
    );
    let cookie = renewed_first.join("; ");
    assert_eq!(
        get(&app, "/console/register", &cookie).await?.status(),
        StatusCode::OK
    );

    // An expired or broken access token is renewed from the refresh cookie.
    let refresh = cookie
        .split("; ")
        .find(|pair| pair.starts_with("juanzong_refresh="))
        .expect("refresh cookie");
    let response = get(
        &app,
        "/console/overdue",
        &format!("juanzong_access=expired; {refresh}"),
    )
    .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = cookies_of(&response);
    assert!(
        renewed
            .iter()
            .any(|c| c.starts_with("juanzong_access=") && c.len() > 40),
        "{renewed:?}"
    );
    assert!(renewed
        .iter()
        .any(|c| c.starts_with("juanzong_refresh=") && c.as_str() != refresh));

    // Only the administrator imports calendar years.
    let response = client()
        .post(app.url("/console/calendar"))
        .header(COOKIE, &cookie)
        .form(&[("name", "x.toml"), ("content", "x")])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await?.contains("系统管理员"));

    // A login link whose next page contains a control character logs in to the first page.
    let response = client()
        .post(app.url("/console/login"))
        .form(&[
            ("username", "zhao"),
            ("password", SEED_PASSWORD),
            ("next", "/console/\r\nx"),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/console/handovers");

    // The data manager reads the register but cannot register receipts.
    let qian = console_login(&app, "qian").await?;
    assert_eq!(
        get(&app, "/console/register", &qian).await?.status(),
        StatusCode::OK
    );
    let (second_list, second_item) = handed_over_list(&app).await?;
    let response = client()
        .post(app.url(&format!("/console/handovers/{second_list}")))
        .header(COOKIE, &qian)
        .header(ORIGIN, &origin)
        .form(&[
            ("registration_id", Uuid::new_v4().to_string()),
            ("handed_over_by", "张警官".to_string()),
            (&*format!("result_{second_item}"), "received".to_string()),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await?.contains("INTAKE_ROLE_REQUIRED"));

    // A field officer cannot log in, and a field token in the cookie gets 403 pages.
    let response = client()
        .post(app.url("/console/login"))
        .form(&[
            ("username", "zhang"),
            ("password", SEED_PASSWORD),
            ("next", ""),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(cookies_of(&response).is_empty());
    let zhang = app
        .login("zhang", SEED_PASSWORD, "phone-zhang-2")
        .await?
        .access_token;
    for page in [
        "/console/register",
        "/console/calendar",
        "/console/handovers",
    ] {
        let response = get(&app, page, &format!("juanzong_access={zhang}")).await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{page}");
        assert!(
            response
                .text()
                .await?
                .contains("外勤人员请使用移动办案系统"),
            "{page}"
        );
    }

    // Logging out ends the session on the server too.
    let response = client()
        .post(app.url("/console/logout"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = get(&app, "/console/register", &cookie).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
});

on_both_databases!(
    administrator_imports_a_calendar_year_in_the_console,
    |app| {
        let response = client()
            .post(app.url("/console/login"))
            .form(&[
                ("username", "admin"),
                ("password", app.admin_password.as_str()),
                ("next", "/console/calendar"),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = cookies_of(&response).join("; ");
        let origin = app.address.clone();

        // A broken file is rejected with its reason, and the typed text stays in the form.
        let response = client()
            .post(app.url("/console/calendar"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&[("name", "broken.toml"), ("content", "year = [")])
            .send()
            .await?;
        assert!(response.status().is_client_error(), "{}", response.status());
        let page = response.text().await?;
        assert!(page.contains("form-error"), "{page}");
        assert!(page.contains("year = ["), "{page}");

        // The shipped calendar imports again, and the result names its years.
        let shipped = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../data/calendar/cn-mainland.toml"),
        )?;
        let response = client()
            .post(app.url("/console/calendar"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, &origin)
            .form(&[("name", "cn-mainland.toml"), ("content", shipped.as_str())])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await?;
        assert!(
            page.contains("import-result") && page.contains("2026"),
            "{page}"
        );
    }
);

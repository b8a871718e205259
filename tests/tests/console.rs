//! The center's web console (网页控制台) in a real browser: Debian's headless Chromium driven
//! through ChromeDriver, against the real server on SQLite and PostgreSQL.
//!
//! The clerk logs in, finds the handover in 待接收 (the overdue one marked), checks it item by
//! item with the keyboard, registers it, opens the printable receipt (回执) in print media, and
//! finds the entry in the register (登记簿), the overdue list, the calendar and the figures change.
//! A field officer is refused at the login. Every page is drawn at 1366×768, the usual size of
//! court desktops, and a screenshot of each is saved under `target/console-screenshots/` for
//! review.
//!
//! ChromeDriver and Chromium come from the Debian packages `chromium-driver` and `chromium`,
//! which `scripts/install-deps.sh` installs.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{Datelike, Duration as Days, NaiveDate, Utc};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use juanzong_sync::engine::PeerState;
use juanzong_sync::model::{TeamKind, Trip};
use juanzong_sync::{ActorId, CaseNumber, Editor, MaterialListDocument, NewList};
use juanzong_tests::phone::{new_item, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;
const CASE_CHECKED: &str = "（2026）豫13执601号";
const CASE_OVERDUE: &str = "（2026）豫13执602号";
const PROCESSING_TIMEOUT: Duration = Duration::from_secs(180);

/// ChromeDriver and the browser session it drives. Both end when this is dropped.
struct Browser {
    driver: Child,
    client: Client,
    port: u16,
    shots: PathBuf,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.driver.kill().ok();
        self.driver.wait().ok();
    }
}

impl Browser {
    /// Starts ChromeDriver on a free loopback port and a headless Chromium with a new profile.
    async fn start(shots: PathBuf) -> anyhow::Result<Browser> {
        anyhow::ensure!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "{CHROMEDRIVER} or {CHROMIUM} is missing: run ./scripts/install-deps.sh"
        );
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let profile = tempfile::tempdir()?;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                    format!("--window-size={WIDTH},{HEIGHT}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("the capabilities are an object"),
        };

        // ChromeDriver takes a moment to listen.
        let address = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&address)
                .await
            {
                Ok(client) => {
                    std::fs::create_dir_all(&shots)?;
                    let browser = Browser {
                        driver,
                        client,
                        port,
                        shots,
                        _profile: profile,
                    };
                    browser.client.set_window_size(WIDTH, HEIGHT).await?;
                    return Ok(browser);
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("ChromeDriver did not start: {last_error:?}")
    }

    async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.client.find(Locator::Css(css)).await?.text().await?)
    }

    async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    async fn script(&self, code: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute(code, Vec::new()).await?)
    }

    /// Presses keys on whatever has the focus, as a person does.
    async fn press(&self, keys: &str) -> anyhow::Result<()> {
        let mut actions = KeyActions::new("keyboard".to_string());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Presses `key` while Control is held.
    async fn press_with_control(&self, key: char) -> anyhow::Result<()> {
        const CONTROL: char = '\u{E009}';
        let actions = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: CONTROL })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: CONTROL });
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Waits up to five seconds for the image at `css` to load and returns its natural width,
    /// 0 when it did not load.
    async fn wait_for_image(&self, css: &str) -> anyhow::Result<u64> {
        let script = format!(
            "const img = document.querySelector(\"{css}\"); return img && img.complete ? img.naturalWidth : -1;"
        );
        for _ in 0..50 {
            match self.script(&script).await?.as_i64() {
                Some(width) if width >= 0 => return Ok(width as u64),
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        Ok(0)
    }

    /// Saves a screenshot of the window as `name`.png.
    async fn shot(&self, name: &str) -> anyhow::Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(self.shots.join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Fails when the page is wider than the window, so nothing needs sideways scrolling.
    async fn fits_the_width(&self, page: &str) -> anyhow::Result<()> {
        let width = self
            .script("return document.documentElement.scrollWidth;")
            .await?
            .as_u64()
            .unwrap_or(u64::MAX);
        let inner = self
            .script("return window.innerWidth;")
            .await?
            .as_u64()
            .unwrap_or(0);
        anyhow::ensure!(
            width <= inner,
            "{page} is {width} px wide in a {inner} px window"
        );
        Ok(())
    }

    /// Switches CSS media to `print` (or back to `screen`) through ChromeDriver's DevTools
    /// endpoint, which WebDriver itself lacks.
    async fn emulate_media(&self, media: &str) -> anyhow::Result<()> {
        let session = self
            .client
            .session_id()
            .await?
            .ok_or_else(|| anyhow::anyhow!("no WebDriver session"))?;
        let response = reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
                self.port
            ))
            .json(&json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}}))
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "{}", response.text().await?);
        Ok(())
    }
}

fn editor(user: &str) -> Editor {
    Editor {
        user: user.to_string(),
        at: Utc::now(),
    }
}

/// Today in Asia/Shanghai.
fn today() -> NaiveDate {
    juanzong_calendar::shanghai_date(&Utc::now().fixed_offset())
}

/// Creates a phone with a new list of `case` for `team`, whose trip was on `day`.
fn phone_with_list(
    user: &str,
    token: &str,
    team: &str,
    case: &str,
    day: NaiveDate,
) -> anyhow::Result<TestPhone> {
    let list_id = Uuid::new_v4();
    let document = MaterialListDocument::create(
        ActorId::random(),
        NewList {
            list_id,
            case_number: CaseNumber::parse(case)?,
            team_id: team.to_string(),
            kind: TeamKind::Enforcement,
            trip: Trip::default(),
        },
        &editor(user),
    )?;
    let mut phone = TestPhone {
        user: user.to_string(),
        token: token.to_string(),
        document,
        state: PeerState::new(),
        list_id,
    };
    phone.document.set_trip_date(Some(day), &editor(user))?;
    phone
        .document
        .set_trip_place("南阳市宛城区建设路18号", &editor(user))?;
    phone.document.add_participant("张警官", &editor(user))?;
    Ok(phone)
}

/// Reads the project's ruling scan, whose OCR finds another court's case number, and its hash.
fn ruling_scan() -> anyhow::Result<(Vec<u8>, String)> {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/photos/ruling_case_2025_chuan01_456.tif"),
    )?;
    let hash = hex::encode(Sha256::digest(&bytes));
    Ok((bytes, hash))
}

/// Uploads a photo a synced list refers to and waits until the server processed it.
async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, hash: &str) -> anyhow::Result<()> {
    let response = app
        .client
        .put(app.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "upload: {}",
        response.text().await?
    );

    let deadline = tokio::time::Instant::now() + PROCESSING_TIMEOUT;
    loop {
        let (status, view) = app
            .get_json(&format!("/api/v1/photos/{hash}"), token)
            .await?;
        anyhow::ensure!(status == 200, "photo view: {view}");
        if view["status"] == "done" {
            return Ok(());
        }
        anyhow::ensure!(view["status"] != "failed", "processing failed: {view}");
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "photo not processed: {view}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Hands over one list of three items, the first with a photo, and leaves a second list
/// returned 30 days ago and never handed over. Returns the handed-over list and its item ids.
async fn prepare(app: &TestApp) -> anyhow::Result<(Uuid, Uuid, [Uuid; 3])> {
    app.seed_organisation().await?;
    let zhang = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let team = zhang.user.team_id.clone().expect("zhang has a team");
    let token = zhang.access_token;
    let yesterday = today() - Days::days(1);

    let mut checked = phone_with_list("zhang", &token, &team, CASE_CHECKED, yesterday)?;
    let mut ids = Vec::new();
    for (order, (material_type, title, pages)) in [
        ("seizure_ruling", "查封裁定书-王某", 1),
        ("service_receipt", "送达回证-王某", 1),
        ("seizure_record", "查封笔录-王某", 2),
    ]
    .into_iter()
    .enumerate()
    {
        let mut item = new_item(material_type, title, pages);
        item.produced_on = Some(yesterday);
        ids.push(item.id);
        // Items are listed in the order they were added, so each gets its own second.
        let added = Editor {
            user: "zhang".to_string(),
            at: Utc::now() + Days::seconds(order as i64),
        };
        checked.document.add_item(item, &added)?;
    }
    let (scan, hash) = ruling_scan()?;
    checked
        .document
        .attach_photo(ids[0], &hash, &editor("zhang"))?;
    checked.sync(app).await?;
    upload(app, &token, scan, &hash).await?;
    let returned = juanzong_calendar::shanghai_instant(
        yesterday,
        chrono::NaiveTime::from_hms_opt(17, 30, 0).expect("valid"),
    );
    checked
        .document
        .mark_returned(returned.with_timezone(&Utc), &editor("zhang"))?;
    checked.document.hand_over(&editor("张警官"))?;
    checked.sync(app).await?;

    let long_ago = today() - Days::days(30);
    let mut late = phone_with_list("zhang", &token, &team, CASE_OVERDUE, long_ago)?;
    late.document.add_item(
        new_item("service_receipt", "送达回证-李某", 1),
        &editor("zhang"),
    )?;
    let returned = juanzong_calendar::shanghai_instant(
        long_ago,
        chrono::NaiveTime::from_hms_opt(18, 0, 0).expect("valid"),
    );
    late.document
        .mark_returned(returned.with_timezone(&Utc), &editor("zhang"))?;
    late.sync(app).await?;

    Ok((checked.list_id, late.list_id, [ids[0], ids[1], ids[2]]))
}

/// Logs in through the form.
async fn log_in(browser: &Browser, app: &TestApp, username: &str) -> anyhow::Result<()> {
    browser.goto(&app.url("/console/login")).await?;
    let form = browser.client.form(Locator::Css("#login-form")).await?;
    form.set_by_name("username", username).await?;
    form.set_by_name("password", SEED_PASSWORD).await?;
    form.submit().await?;
    Ok(())
}

/// Returns the figures row of `team` from the data manager's API.
async fn team_figures(app: &TestApp, token: &str, team: &str) -> anyhow::Result<Value> {
    let (status, figures) = app.get_json("/api/v1/center/figures", token).await?;
    anyhow::ensure!(status == 200, "{figures}");
    Ok(figures["teams"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|row| row["team_id"] == team)
        .cloned()
        .unwrap_or(Value::Null))
}

fn screenshot_dir(backend: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("console-screenshots").join(backend)
}

on_both_databases!(
    clerk_checks_and_registers_a_handover_in_the_browser,
    |app| {
        let (list_id, late_list, [ruling, receipt_item, record]) = prepare(&app).await?;
        let zhao = app.login("zhao", SEED_PASSWORD, "desk-zhao-api").await?;
        let team = app
            .login("zhang", SEED_PASSWORD, "phone-zhang")
            .await?
            .user
            .team_id
            .expect("zhang has a team");
        let before = team_figures(&app, &zhao.access_token, &team).await?;
        let backend = match app.database.backend {
            juanzong_tests::Backend::Sqlite => "sqlite",
            juanzong_tests::Backend::Postgres => "postgres",
        };
        let browser = Browser::start(screenshot_dir(backend)).await?;

        // A page requested without a session leads to the login, which returns to it.
        browser.goto(&app.url("/console/register")).await?;
        let url = browser.client.current_url().await?;
        assert_eq!(url.path(), "/console/login");
        assert_eq!(url.query(), Some("next=%2Fconsole%2Fregister"));
        browser.shot("01-login").await?;

        // A field officer is turned away at the login.
        log_in(&browser, &app, "zhang").await?;
        let login_error = browser.text("#login-error").await?;
        assert!(
            login_error.contains("外勤人员请使用移动办案系统"),
            "{login_error}"
        );

        // The clerk sees both lists waiting, the overdue one first and marked.
        log_in(&browser, &app, "zhao").await?;
        assert_eq!(
            browser.client.current_url().await?.path(),
            "/console/handovers"
        );
        assert_eq!(browser.text("#current-user").await?, "赵接收");
        let rows = browser
            .client
            .find_all(Locator::Css("#waiting-table tbody tr"))
            .await?;
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].attr("data-list-id").await?,
            Some(late_list.to_string())
        );
        assert!(rows[0].text().await?.contains("已逾期"));
        assert_eq!(
            rows[1].attr("data-list-id").await?,
            Some(list_id.to_string())
        );
        assert!(browser.text("#waiting-summary").await?.contains("已逾期 1"));
        browser.fits_the_width("待接收").await?;
        browser.shot("02-waiting").await?;

        // Filtering by part of the case number leaves one.
        browser
            .goto(&app.url(&format!("/console/handovers?case={}", "执601")))
            .await?;
        assert_eq!(browser.count("#waiting-table tbody tr").await?, 1);

        // The check page: the thumbnail loads, the other court's case number is flagged.
        browser
            .client
            .find(Locator::Css(&format!(
                "tr[data-list-id='{list_id}'] a.button"
            )))
            .await?
            .click()
            .await?;
        assert_eq!(
            browser.client.current_url().await?.path(),
            format!("/console/handovers/{list_id}")
        );
        let thumbnail_width = browser.wait_for_image(".photo img").await?;
        assert!(thumbnail_width > 0, "the thumbnail did not load");
        let flags = browser
            .text(&format!("li[data-item-id='{ruling}'] .flags"))
            .await?;
        assert!(flags.contains("案号与清单不符"), "{flags}");
        browser.fits_the_width("核对").await?;
        browser.shot("03-check-top").await?;

        // Item by item with the keyboard: 已收, 缺失, 页数不符 with 3 pages counted.
        let focused = browser
            .script("return document.activeElement.dataset.itemId || '';")
            .await?;
        assert_eq!(
            focused,
            json!(ruling.to_string()),
            "the first item has the focus"
        );
        browser.press("1").await?;
        browser.press("2").await?;
        browser.press("3").await?;
        browser.press("3").await?;
        let chosen = browser
        .script("return Array.from(document.querySelectorAll('li.item')).map(li => li.dataset.result);")
        .await?;
        assert_eq!(chosen, json!(["received", "missing", "page_mismatch"]));
        let pages = browser
            .script(&format!(
                "return document.querySelector(\"input[name='pages_{record}']\").value;"
            ))
            .await?;
        assert_eq!(pages, json!("3"));

        // One paper that is not on the list.
        let extra = browser
            .client
            .find(Locator::Css("input[name='extra_title_0']"))
            .await?;
        extra.send_keys("查封公告").await?;
        browser
            .client
            .find(Locator::Css("input[name='extra_pages_0']"))
            .await?
            .send_keys("1")
            .await?;
        let handed_over_by = browser
            .client
            .find(Locator::Css("input[name='handed_over_by']"))
            .await?;
        assert_eq!(
            handed_over_by.prop("value").await?,
            Some("张警官".to_string())
        );
        browser.shot("03-check-filled").await?;

        // Ctrl+Enter registers and opens the receipt.
        browser.press_with_control('\u{E007}').await?;
        browser
            .client
            .wait()
            .for_element(Locator::Css("#receipt"))
            .await?;
        let number = browser.text("#receipt-number").await?;
        let year = today().year();
        assert!(number.starts_with(&format!("{year}-接-")), "{number}");
        let results = browser
        .script("return Array.from(document.querySelectorAll('.receipt-items tbody tr')).map(tr => tr.dataset.result);")
        .await?;
        assert_eq!(
            results,
            json!(["received", "missing", "page_mismatch", "extra"])
        );
        assert_eq!(
            browser.text("#receipt-counts").await?,
            "已收 2 件（其中页数不符 1 件），缺失 1 件，不规范退回 0 件，清单外材料 1 件。"
        );
        assert_eq!(browser.text("#received-by").await?, "赵接收");
        browser.fits_the_width("回执").await?;
        browser.shot("04-receipt").await?;

        // The print view hides the menu and buttons and keeps the receipt.
        browser.emulate_media("print").await?;
        let display = browser
        .script("return [getComputedStyle(document.querySelector('header.top')).display, getComputedStyle(document.querySelector('.actions')).display, getComputedStyle(document.querySelector('#receipt')).display];")
        .await?;
        assert_eq!(display, json!(["none", "none", "block"]));
        browser.shot("05-receipt-print").await?;
        browser.emulate_media("screen").await?;

        // The register lists the entry once, and the API returns the same entry.
        browser.goto(&app.url("/console/register")).await?;
        assert_eq!(
            browser
                .count(&format!("#register-table tr[data-entry-number='{number}']"))
                .await?,
            1
        );
        browser
            .goto(&app.url(&format!("/console/register?case={}", "执601")))
            .await?;
        assert_eq!(browser.count("#register-table tbody tr").await?, 1);
        browser.fits_the_width("登记簿").await?;
        browser.shot("06-register").await?;
        let (_, register) = app
            .get_json("/api/v1/center/register", &zhao.access_token)
            .await?;
        let entries = register["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 1, "{register}");
        assert_eq!(entries[0]["number"], json!(number));
        assert_eq!(entries[0]["counts"]["missing"], 1);
        assert_eq!(entries[0]["counts"]["page_mismatch"], 1);
        assert_eq!(
            entries[0]["check"]["items"][1]["item_id"],
            json!(receipt_item)
        );

        // The registered list left 待接收; the overdue one is on the manager's page.
        browser.goto(&app.url("/console/handovers")).await?;
        assert_eq!(browser.count("#waiting-table tbody tr").await?, 1);
        browser.goto(&app.url("/console/overdue")).await?;
        assert_eq!(
            browser
                .count(&format!("#overdue-table tr[data-list-id='{late_list}']"))
                .await?,
            1
        );
        assert!(browser
            .text("#today-unprocessed")
            .await?
            .contains("今天接收 3 件"));
        browser.fits_the_width("逾期与日清日结").await?;
        browser.shot("07-overdue").await?;

        // The figures changed: one list handed over, one item missing, three received today.
        let after = team_figures(&app, &zhao.access_token, &team).await?;
        assert_ne!(before, after);
        assert_eq!(after["lists_handed_over"], 1, "{after}");
        browser.goto(&app.url("/console/figures")).await?;
        let row = browser
            .text(&format!("#team-figures tr[data-team-id='{team}']"))
            .await?;
        assert!(row.starts_with("执行一团队 1 1 0 100%"), "{row}");
        let received_today = browser
        .script("const bars = Array.from(document.querySelectorAll('#chart-daily rect')); return bars.map(r => Number(r.dataset.value)).reduce((a, b) => Math.max(a, b), 0);")
        .await?;
        assert_eq!(received_today, json!(3));
        assert!(browser.count("#chart-on-time circle").await? >= 1);
        browser.fits_the_width("统计").await?;
        browser.shot("08-figures").await?;
        browser
            .script("document.querySelector('#chart-daily').scrollIntoView();")
            .await?;
        browser.shot("08-figures-daily").await?;

        // The calendar shows its years.
        browser.goto(&app.url("/console/calendar")).await?;
        assert!(browser.text("#loaded-years").await?.contains("2026年"));
        browser.fits_the_width("工作日历").await?;
        browser.shot("09-calendar").await?;

        // Logging out ends the session: pages lead to the login again.
        browser
            .client
            .find(Locator::Css("header.top button.link"))
            .await?
            .click()
            .await?;
        browser.goto(&app.url("/console/register")).await?;
        assert_eq!(browser.client.current_url().await?.path(), "/console/login");

        browser.client.clone().close().await?;
    }
);

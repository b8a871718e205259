//! The case-file center's (卷宗管理中心) side of a handover through the real server, on SQLite and
//! PostgreSQL: two teams' lists are checked and registered with one missing item, one page-count
//! mismatch, one extra paper, one rejected item handed over again as a supplement, one dispute
//! decided by the director (执行局长) and one late handover. Afterwards the register, the team's
//! view on its devices, the catalogue and the figures agree, also after a restart.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use juanzong_calendar::{shanghai_date, Calendar};
use juanzong_server::org::roles::Role;
use juanzong_server::org::service::{self as org, NewUser};
use juanzong_sync::engine::PeerState;
use juanzong_sync::model::{Status, TeamKind, Trip};
use juanzong_sync::{ActorId, CaseNumber, Editor, MaterialListDocument, NewList};
use juanzong_tests::phone::{new_item, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

const CASE_A: &str = "（2026）豫13执501号";
const CASE_B: &str = "（2026）豫13执502号";

fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .single()
        .expect("valid time")
}

fn editor(user: &str, time: DateTime<Utc>) -> Editor {
    Editor {
        user: user.to_string(),
        at: time,
    }
}

/// Creates the director, who sits with the center and is no field role.
async fn create_director(app: &TestApp) -> anyhow::Result<()> {
    let db = app.db().await?;
    org::create_user(
        &db,
        NewUser {
            username: "liu".to_string(),
            display_name: "刘局长".to_string(),
            team: Some("卷宗管理中心".to_string()),
            roles: vec![Role::Director],
            password: SEED_PASSWORD.to_string(),
        },
    )
    .await
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    db.close().await.ok();
    Ok(())
}

/// Creates a phone holding a new list of `kind` whose trip took place on `trip_day`.
fn phone_with_list(
    user: &str,
    token: &str,
    team: &str,
    kind: TeamKind,
    case: &str,
    trip_day: NaiveDate,
) -> anyhow::Result<TestPhone> {
    let list_id = Uuid::new_v4();
    let created = editor(
        user,
        trip_day.and_hms_opt(1, 0, 0).expect("valid").and_utc(),
    );
    let document = MaterialListDocument::create(
        ActorId::random(),
        NewList {
            list_id,
            case_number: CaseNumber::parse(case)?,
            team_id: team.to_string(),
            kind,
            trip: Trip::default(),
        },
        &created,
    )?;
    let mut phone = TestPhone {
        user: user.to_string(),
        token: token.to_string(),
        document,
        state: PeerState::new(),
        list_id,
    };
    phone.document.set_trip_place("南阳市宛城区", &created)?;
    phone.document.add_participant("张警官", &created)?;
    phone.document.set_trip_date(Some(trip_day), &created)?;
    Ok(phone)
}

/// Adds an item produced on `day` and returns its id.
fn add(
    phone: &mut TestPhone,
    material_type: &str,
    title: &str,
    pages: i64,
    day: NaiveDate,
) -> anyhow::Result<Uuid> {
    let mut item = new_item(material_type, title, pages);
    item.produced_on = Some(day);
    let id = item.id;
    let stamp = editor(
        &phone.user.clone(),
        day.and_hms_opt(2, 0, 0).expect("valid").and_utc(),
    );
    phone.document.add_item(item, &stamp)?;
    Ok(id)
}

async fn post(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &Value,
) -> anyhow::Result<(u16, Value)> {
    app.post_json(path, Some(token), body).await
}

/// Items and ids of the two lists.
struct Lists {
    a: TestPhone,
    b: TestPhone,
    seizure: Uuid,
    service_receipt: Uuid,
    notice: Uuid,
    inquiry: Uuid,
    appraisal: Uuid,
    auction: Uuid,
}

/// Hands over two lists. Team 执行一团队 returns on 1 December and hands over the next day, on
/// time. The asset-disposal team returns on 20 November and hands over on 2 December, late.
async fn hand_over_two_lists(
    app: &TestApp,
    zhang: &str,
    wang: &str,
    team_a: &str,
    team_b: &str,
) -> anyhow::Result<Lists> {
    let day_a = NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid");
    let mut a = phone_with_list("zhang", zhang, team_a, TeamKind::Enforcement, CASE_A, day_a)?;
    let seizure = add(&mut a, "seizure_record", "查封笔录-王某", 3, day_a)?;
    let service_receipt = add(&mut a, "service_receipt", "送达回证-王某", 1, day_a)?;
    let notice = add(&mut a, "enforcement_notice", "执行通知书-王某", 2, day_a)?;
    let inquiry = add(&mut a, "inquiry_record", "询问笔录-王某", 2, day_a)?;
    a.document
        .mark_returned(at(12, 1, 9), &editor("zhang", at(12, 1, 9)))?;
    a.document.hand_over(&editor("zhang", at(12, 2, 2)))?;
    a.sync(app).await?;

    let day_b = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid");
    let mut b = phone_with_list("wang", wang, team_b, TeamKind::AssetDisposal, CASE_B, day_b)?;
    let appraisal = add(&mut b, "appraisal_report", "评估报告", 5, day_b)?;
    let auction = add(&mut b, "auction_ruling", "拍卖裁定书", 2, day_b)?;
    b.document
        .mark_returned(at(11, 20, 9), &editor("wang", at(11, 20, 9)))?;
    b.document.hand_over(&editor("wang", at(12, 2, 3)))?;
    b.sync(app).await?;

    Ok(Lists {
        a,
        b,
        seizure,
        service_receipt,
        notice,
        inquiry,
        appraisal,
        auction,
    })
}

/// Returns the JSON of what must agree before and after a restart.
async fn snapshot(
    app: &TestApp,
    center: &str,
    zhang: &str,
    wang: &str,
    team_a: &str,
    period: &str,
) -> anyhow::Result<Vec<Value>> {
    let mut views = Vec::new();
    for (path, token) in [
        ("/api/v1/center/register".to_string(), center),
        ("/api/v1/center/results".to_string(), zhang),
        ("/api/v1/center/results".to_string(), wang),
        (format!("/api/v1/center/results?team_id={team_a}"), center),
        (format!("/api/v1/center/cases/{CASE_A}/catalogue"), center),
        (format!("/api/v1/center/cases/{CASE_B}/catalogue"), center),
        (format!("/api/v1/center/figures?{period}"), center),
    ] {
        let (status, body) = app.get_json(&path, token).await?;
        anyhow::ensure!(status == 200, "GET {path} returned {status}: {body}");
        views.push(body);
    }
    Ok(views)
}

on_both_databases!(center_registers_two_teams_handovers, |app| {
    let seed = app.seed_organisation().await?;
    create_director(&app).await?;
    let zhang = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let wang = app.login("wang", SEED_PASSWORD, "phone-wang").await?;
    let zhao = app
        .login("zhao", SEED_PASSWORD, "desk-zhao")
        .await?
        .access_token;
    let qian = app
        .login("qian", SEED_PASSWORD, "desk-qian")
        .await?
        .access_token;
    let liu = app
        .login("liu", SEED_PASSWORD, "desk-liu")
        .await?
        .access_token;
    let team_a = zhang.user.team_id.clone().expect("zhang has a team");
    let team_b = wang.user.team_id.clone().expect("wang has a team");
    let (zhang, wang) = (zhang.access_token, wang.access_token);
    assert_ne!(team_a, team_b, "{seed:?}");

    let mut lists = hand_over_two_lists(&app, &zhang, &wang, &team_a, &team_b).await?;

    // The clerk's queue: both lists with their items, the overdue one (earlier deadline) first.
    let (status, waiting) = app
        .get_json("/api/v1/center/handovers/waiting", &zhao)
        .await?;
    assert_eq!(status, 200, "{waiting}");
    let cases: Vec<&str> = waiting
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["case_number"].as_str().unwrap())
        .collect();
    assert_eq!(cases, [CASE_B, CASE_A]);
    assert_eq!(waiting[1]["items"].as_array().unwrap().len(), 4);
    assert_eq!(waiting[1]["status"], "handed_over");
    assert_eq!(waiting[0]["deadline"]["state"], "HANDED_OVER_LATE");
    let (status, _) = app
        .get_json("/api/v1/center/handovers/waiting", &zhang)
        .await?;
    assert_eq!(status, 403);

    // List A: one received, one missing, one page-count mismatch, one rejected, one extra paper.
    let receipt_a = json!({
        "registration_id": Uuid::new_v4(),
        "list_id": lists.a.list_id,
        "handed_over_by": "张警官",
        "check": {
            "items": [
                {"item_id": lists.seizure, "result": "received"},
                {"item_id": lists.service_receipt, "result": "missing"},
                {"item_id": lists.notice, "result": "page_mismatch", "counted_pages": 3},
                {"item_id": lists.inquiry, "result": "rejected", "reason": "missing_signature",
                 "correction": "询问笔录末页缺少被询问人签名，请补签后重新移送"},
            ],
            "extras": [{"id": Uuid::new_v4(), "title": "情况说明", "material_type": "other", "page_count": 1}],
        },
    });

    // A field user may not register; nothing is stored.
    let (status, body) = post(&app, "/api/v1/center/receipts", &zhang, &receipt_a).await?;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "INTAKE_ROLE_REQUIRED");

    // An incomplete check is rejected with every problem named.
    let mut incomplete = receipt_a.clone();
    incomplete["check"]["items"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    incomplete["registration_id"] = json!(Uuid::new_v4());
    let (status, body) = post(&app, "/api/v1/center/receipts", &zhao, &incomplete).await?;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "CHECK_INVALID");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains(&lists.seizure.to_string()));

    // The same registration sent twice gives one entry.
    let (status, first) = post(&app, "/api/v1/center/receipts", &zhao, &receipt_a).await?;
    assert_eq!(status, 200, "{first}");
    let (status, again) = post(&app, "/api/v1/center/receipts", &zhao, &receipt_a).await?;
    assert_eq!(status, 200, "{again}");
    assert_eq!(first, again);
    let year = shanghai_date(&Utc::now().fixed_offset())
        .format("%Y")
        .to_string();
    assert_eq!(first["number"], format!("{year}-接-000001"));
    assert_eq!(
        first["counts"],
        json!({"received": 1, "missing": 1, "page_mismatch": 1, "rejected": 1, "extra": 1})
    );
    assert_eq!(first["timeliness"], json!({"state": "on_time"}));

    // The same id with another content, and a second receipt of the list, are conflicts.
    let mut reused = receipt_a.clone();
    reused["handed_over_by"] = json!("李警官");
    let (status, body) = post(&app, "/api/v1/center/receipts", &zhao, &reused).await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("REGISTRATION_ID_REUSED"))
    );
    let mut second = receipt_a.clone();
    second["registration_id"] = json!(Uuid::new_v4());
    let (status, body) = post(&app, "/api/v1/center/receipts", &zhao, &second).await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("REGISTER_ALREADY_RECEIVED"))
    );

    // List B arrives late: the appraisal report is rejected, the ruling received.
    let receipt_b = json!({
        "registration_id": Uuid::new_v4(),
        "list_id": lists.b.list_id,
        "handed_over_by": "王处置",
        "check": {"items": [
            {"item_id": lists.appraisal, "result": "rejected", "reason": "illegible",
             "correction": "评估报告第3页复印不清，请提供清晰的复印件"},
            {"item_id": lists.auction, "result": "received"},
        ]},
    });
    // Sent at once to two server processes on the same database, it still gives one entry.
    let other = app.start_another().await?;
    let to_other_server = app
        .client
        .post(format!("{}/api/v1/center/receipts", other.address))
        .bearer_auth(&zhao)
        .json(&receipt_b)
        .send();
    let (here, on_other_server) = tokio::join!(
        post(&app, "/api/v1/center/receipts", &zhao, &receipt_b),
        to_other_server
    );
    let (status, entry_b) = here?;
    let on_other_server = on_other_server?;
    assert_eq!(on_other_server.status().as_u16(), 200);
    assert_eq!(on_other_server.json::<Value>().await?, entry_b);
    other.stop().await?;
    assert_eq!(status, 200, "{entry_b}");
    assert_eq!(entry_b["number"], format!("{year}-接-000002"));
    assert_eq!(entry_b["timeliness"]["state"], "late");
    let (_, detail_b) = app
        .get_json(&format!("/api/v1/lists/{}", lists.b.list_id), &wang)
        .await?;
    let deadline_b = &detail_b["server"]["handover_deadline"];
    let last_day: NaiveDate = serde_json::from_value(deadline_b["last_day"].clone())?;
    let late_days = Calendar::mainland()?
        .working_days_between(last_day, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())?;
    assert!(late_days >= 1);
    assert_eq!(entry_b["timeliness"]["working_days_late"], json!(late_days));
    assert_eq!(deadline_b["working_days_late"], json!(late_days));
    assert!(entry_b["timeliness_label"]
        .as_str()
        .unwrap()
        .starts_with("逾期移送"));

    // Registering marked both lists 已接收 in their documents; the phones receive it.
    lists.a.sync(&app).await?;
    lists.b.sync(&app).await?;
    let snapshot_a = lists.a.document.snapshot()?;
    assert_eq!(snapshot_a.status, Status::Received);
    let zhao_id = app.get_json("/api/v1/me", &zhao).await?.1["id"].clone();
    assert_eq!(json!(snapshot_a.received_by), zhao_id);
    assert_eq!(lists.b.document.snapshot()?.status, Status::Received);

    // Team B disputes the rejection; another team, the clerk and a field user cannot decide it.
    let entry_b_id = entry_b["entry_id"].as_str().unwrap().to_string();
    let dispute = json!({
        "dispute_id": Uuid::new_v4(),
        "entry_id": entry_b_id,
        "item_id": lists.appraisal,
        "reason": "评估报告为评估机构出具的原件，第3页为机构盖章页，内容清晰",
    });
    let (status, body) = post(&app, "/api/v1/center/disputes", &zhang, &dispute).await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("DISPUTE_FORBIDDEN"))
    );
    let (status, raised) = post(&app, "/api/v1/center/disputes", &wang, &dispute).await?;
    assert_eq!(status, 200, "{raised}");
    assert_eq!(raised["decision"], Value::Null);
    let (_, open) = app
        .get_json("/api/v1/center/disputes?open=true", &liu)
        .await?;
    assert_eq!(open["disputes"].as_array().unwrap().len(), 1);
    let decision_path = format!(
        "/api/v1/center/disputes/{}/decision",
        dispute["dispute_id"].as_str().unwrap()
    );
    let decision = json!({"upheld": false, "note": "经核对原件，第3页清晰，撤销修改意见"});
    for token in [&zhao, &wang] {
        let (status, body) = post(&app, &decision_path, token, &decision).await?;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("DIRECTOR_ROLE_REQUIRED"))
        );
    }
    let (status, decided) = post(&app, &decision_path, &liu, &decision).await?;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["decision"], "overturned");
    let (status, repeated) = post(&app, &decision_path, &liu, &decision).await?;
    assert_eq!((status, &repeated), (200, &decided));
    let (status, body) = post(
        &app,
        &decision_path,
        &liu,
        &json!({"upheld": true, "note": "改判"}),
    )
    .await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("DISPUTE_ALREADY_DECIDED"))
    );

    // Team A hands the signed inquiry record over again; the service receipt is still missing.
    let entry_a_id = first["entry_id"].as_str().unwrap().to_string();
    let supplement = json!({
        "registration_id": Uuid::new_v4(),
        "handed_over_by": "李警官",
        "check": {"items": [
            {"item_id": lists.inquiry, "result": "received"},
            {"item_id": lists.service_receipt, "result": "missing"},
        ]},
    });
    let supplement_path = format!("/api/v1/center/entries/{entry_a_id}/supplements");
    let (status, entry_s) = post(&app, &supplement_path, &zhao, &supplement).await?;
    assert_eq!(status, 200, "{entry_s}");
    assert_eq!(entry_s["kind"], "supplement");
    assert_eq!(entry_s["refers_to_number"], first["number"]);
    assert_eq!(entry_s["number"], format!("{year}-接-000003"));

    // The clerk miscounted the extra paper: a correction replaces the receipt's check and refers
    // to it. The receipt itself stays as it was, and it cannot be corrected a second time.
    let mut corrected_check = receipt_a["check"].clone();
    corrected_check["extras"][0]["page_count"] = json!(2);
    let correction = json!({"registration_id": Uuid::new_v4(), "note": "情况说明实为 2 页", "check": corrected_check});
    let correction_path = format!("/api/v1/center/entries/{entry_a_id}/corrections");
    let (status, entry_c) = post(&app, &correction_path, &zhao, &correction).await?;
    assert_eq!(status, 200, "{entry_c}");
    assert_eq!(entry_c["kind"], "correction");
    assert_eq!(entry_c["refers_to_number"], first["number"]);
    assert_eq!(entry_c["number"], format!("{year}-接-000004"));
    let mut twice = correction.clone();
    twice["registration_id"] = json!(Uuid::new_v4());
    let (status, body) = post(&app, &correction_path, &zhao, &twice).await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("REGISTER_ENTRY_ALREADY_CORRECTED"))
    );
    let (_, receipt_now) = app
        .get_json(&format!("/api/v1/center/entries/{entry_a_id}"), &zhao)
        .await?;
    assert_eq!(receipt_now, first);

    // The register: four entries in order, searchable by case, team and day.
    let (_, register) = app.get_json("/api/v1/center/register", &qian).await?;
    let numbers: Vec<&str> = register["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_str().unwrap())
        .collect();
    let expected_numbers: Vec<String> = (1..=4)
        .map(|serial| format!("{year}-接-{serial:06}"))
        .collect();
    assert_eq!(numbers, expected_numbers);
    let (_, by_case) = app
        .get_json(
            &format!("/api/v1/center/register?case_number={CASE_A}"),
            &zhao,
        )
        .await?;
    assert_eq!(by_case["entries"].as_array().unwrap().len(), 3);
    let (_, by_team) = app
        .get_json(&format!("/api/v1/center/register?team_id={team_b}"), &zhao)
        .await?;
    assert_eq!(by_team["entries"].as_array().unwrap().len(), 1);
    let today = shanghai_date(&Utc::now().fixed_offset());
    let (_, by_day) = app
        .get_json(
            &format!("/api/v1/center/register?from={today}&to={today}"),
            &zhao,
        )
        .await?;
    assert_eq!(by_day["entries"].as_array().unwrap().len(), 4);
    let (status, _) = app.get_json("/api/v1/center/register", &zhang).await?;
    assert_eq!(status, 403);

    // Team A's view on its phones: the receipt with current counts, and the missing item as a task.
    let (_, results_a) = app.get_json("/api/v1/center/results", &zhang).await?;
    assert_eq!(results_a["team_id"], team_a);
    assert_eq!(results_a["lists"].as_array().unwrap().len(), 1);
    assert_eq!(
        results_a["lists"][0]["counts"],
        json!({"received": 2, "missing": 1, "page_mismatch": 1, "rejected": 0, "extra": 1})
    );
    let tasks = results_a["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{results_a}");
    assert_eq!(tasks[0]["item_id"], json!(lists.service_receipt));
    assert_eq!(tasks[0]["result"], "missing");
    assert_eq!(tasks[0]["entry_number"], entry_s["number"]);
    let (status, _) = app
        .get_json(&format!("/api/v1/center/results?team_id={team_b}"), &zhang)
        .await?;
    assert_eq!(status, 403);

    // Team B: the overturned item counts as received; no tasks left.
    let (_, results_b) = app.get_json("/api/v1/center/results", &wang).await?;
    assert_eq!(
        results_b["lists"][0]["counts"],
        json!({"received": 2, "missing": 0, "page_mismatch": 0, "rejected": 0, "extra": 0})
    );
    assert_eq!(results_b["tasks"], json!([]));
    assert_eq!(results_b["lists"][0]["timeliness"], entry_b["timeliness"]);

    // The feed carries the receipts, the tasks and the decision to the teams' devices.
    let (_, feed_a) = app.get_json("/api/v1/feed?after=0", &zhang).await?;
    let kinds_a: Vec<(String, String)> = feed_a["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] != "list_changed")
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected_kinds: Vec<(String, String)> = [
        ("receipt_registered", "RECEIPT"),
        ("center_task", "ITEM_MISSING"),
        ("center_task", "ITEM_REJECTED"),
        ("receipt_registered", "SUPPLEMENT"),
        ("center_task", "ITEM_MISSING"),
        ("receipt_registered", "CORRECTION"),
    ]
    .iter()
    .map(|(kind, code)| (kind.to_string(), code.to_string()))
    .collect();
    let reminders_removed: Vec<(String, String)> = kinds_a
        .into_iter()
        .filter(|(kind, _)| kind != "reminder")
        .collect();
    assert_eq!(reminders_removed, expected_kinds);
    let (_, feed_b) = app.get_json("/api/v1/feed?after=0", &wang).await?;
    assert!(feed_b["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "dispute_decided" && e["code"] == "DISPUTE_OVERTURNED"));
    assert!(!feed_b["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["list_id"] == json!(lists.a.list_id)));

    // The catalogue of case A: kept items in catalogue order with standard names and page numbers.
    let (_, catalogue_a) = app
        .get_json(&format!("/api/v1/center/cases/{CASE_A}/catalogue"), &zhao)
        .await?;
    let rows: Vec<(String, String, String)> = catalogue_a["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["title"].as_str().unwrap().to_string(),
                r["node"].as_str().unwrap_or("").to_string(),
                r["pages"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected_rows: Vec<(String, String, String)> = [
        ("执行通知书-王某", "main/执行通知书存根和回执", "1-3"),
        ("查封笔录-王某", "main/执行笔录和调查笔录", "4-6"),
        ("询问笔录-王某", "main/执行笔录和调查笔录", "7-8"),
        ("情况说明", "", "9-10"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(rows, expected_rows);
    assert_eq!(catalogue_a["unfiled"], 4);
    assert_eq!(catalogue_a["rows"][1]["party"], "王某");
    assert_eq!(catalogue_a["rows"][3]["extra"], true);

    // Filing one item marks it processed.
    let (status, filed) = post(
        &app,
        &format!("/api/v1/center/items/{}/filing", lists.seizure),
        &zhao,
        &json!({"node": "main/执行笔录和调查笔录", "standard_name": "查封笔录-王某", "original_number": ""}),
    )
    .await?;
    assert_eq!(status, 200, "{filed}");
    assert_eq!(filed["filed"], true);
    let (status, body) = post(
        &app,
        &format!("/api/v1/center/items/{}/filing", lists.seizure),
        &zhao,
        &json!({"node": "main/不存在的节点", "standard_name": "查封笔录-王某"}),
    )
    .await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("CATALOGUE_NODE_UNKNOWN"))
    );

    // Figures for a period that contains both handovers and today.
    let period = format!("from=2026-11-01&to={today}");
    let (status, figures) = app
        .get_json(&format!("/api/v1/center/figures?{period}"), &qian)
        .await?;
    assert_eq!(status, 200, "{figures}");
    let teams = figures["teams"].as_array().unwrap();
    let team = |id: &str| {
        teams
            .iter()
            .find(|t| t["team_id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let figures_a = team(&team_a);
    assert_eq!(
        (
            figures_a["lists_handed_over"].clone(),
            figures_a["on_time"].clone(),
            figures_a["late"].clone()
        ),
        (json!(1), json!(1), json!(0))
    );
    assert_eq!(figures_a["items_missing"], 1);
    assert_eq!(
        figures_a["items_rejected_by_reason"]["missing_signature"],
        0
    );
    let figures_b = team(&team_b);
    assert_eq!(figures_b["late"], 1);
    assert_eq!(figures_b["mean_working_days_late"], json!(late_days as f64));
    let today_figures = figures["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == json!(today))
        .cloned()
        .unwrap();
    assert_eq!(today_figures["items_received"], 6);
    assert_eq!(today_figures["items_unprocessed"], 5);

    let response = app
        .client
        .get(app.url(&format!("/api/v1/center/figures/teams.csv?{period}")))
        .bearer_auth(&qian)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await?;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec())?;
    assert!(
        text.starts_with("团队,起始日期,截止日期,移送清单数,按时移送,逾期移送"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|line| line.starts_with("执行一团队,2026-11-01,") && line.contains(",1,1,0,")),
        "{text}"
    );
    let (status, _) = app
        .get_json(&format!("/api/v1/center/figures?{period}"), &zhang)
        .await?;
    assert_eq!(status, 403);

    // The register, the team's view, the catalogue and the figures agree with each other.
    let (_, results_a) = app.get_json("/api/v1/center/results", &zhang).await?;
    let counts_a = &results_a["lists"][0]["counts"];
    let kept_a = ["received", "page_mismatch", "extra"]
        .iter()
        .map(|key| counts_a[*key].as_u64().unwrap())
        .sum::<u64>();
    let (_, catalogue_a) = app
        .get_json(&format!("/api/v1/center/cases/{CASE_A}/catalogue"), &zhao)
        .await?;
    assert_eq!(catalogue_a["rows"].as_array().unwrap().len() as u64, kept_a);
    assert_eq!(figures_a["items_missing"], counts_a["missing"]);
    assert_eq!(
        results_a["tasks"].as_array().unwrap().len() as u64,
        counts_a["missing"].as_u64().unwrap()
    );
    let (_, results_b) = app.get_json("/api/v1/center/results", &wang).await?;
    let kept_b = results_b["lists"][0]["counts"]["received"]
        .as_u64()
        .unwrap();
    let (_, catalogue_b) = app
        .get_json(&format!("/api/v1/center/cases/{CASE_B}/catalogue"), &zhao)
        .await?;
    assert_eq!(catalogue_b["rows"].as_array().unwrap().len() as u64, kept_b);
    assert_eq!(
        today_figures["items_received"].as_u64().unwrap(),
        kept_a + kept_b
    );
    let (_, register) = app.get_json("/api/v1/center/register", &zhao).await?;
    let receipts: Vec<&Value> = register["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "receipt")
        .collect();
    assert_eq!(receipts.len(), 2);
    let mean_late = figures_b["mean_working_days_late"].as_f64().unwrap();
    assert_eq!(
        receipts[1]["timeliness"]["working_days_late"].as_f64(),
        Some(mean_late)
    );

    // Everything reads the same after a restart.
    let before = snapshot(&app, &zhao, &zhang, &wang, &team_a, &period).await?;
    let app = app.restart().await?;
    let after = snapshot(&app, &zhao, &zhang, &wang, &team_a, &period).await?;
    assert_eq!(before, after);
    let (_, register) = app.get_json("/api/v1/center/register", &zhao).await?;
    assert_eq!(register["entries"].as_array().unwrap().len(), 4);
    app.stop().await?;
});

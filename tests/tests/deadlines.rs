//! Working-day calendar and hand-over deadlines through the real server, on SQLite and
//! PostgreSQL: computing by hand, the missing-year error and warning, importing a year, and a
//! list that goes overdue across a restart, is handed over late, and reminds its team.

use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

use juanzong_calendar::{shanghai_date, Calendar};
use juanzong_server::deadlines::sweep;
use juanzong_tests::phone::{editor, new_item, TestPhone};
use juanzong_tests::{on_both_databases, TestApp, SEED_PASSWORD};

/// A made-up 2027 arrangement in the shipped format, enough to compute periods into 2027.
const YEAR_2027: &str = r#"
format_version = 1

[[year]]
year = 2027
notice = { title = "测试用 2027 年节假日安排", published = 2026-11-10 }
holidays = [
  { name = "元旦", start = 2027-01-01, end = 2027-01-03 },
]
make_up_workdays = []
"#;

async fn admin_token(app: &TestApp) -> anyhow::Result<String> {
    Ok(app.login("admin", &app.admin_password, "admin-laptop").await?.access_token)
}

/// Creates a list ready for the return: trip filled in and one item.
fn list_for_return(token: &str, team: &str, case: &str) -> anyhow::Result<TestPhone> {
    let mut phone = TestPhone::with_new_list("zhang", token, team, case);
    let trip_day = (Utc::now() - Duration::days(20)).date_naive();
    let mut item = new_item("seizure_record", "查封笔录", 3);
    item.produced_on = Some(trip_day);
    phone.document.add_item(item, &editor("zhang"))?;
    phone.document.set_trip_place("南阳市宛城区", &editor("zhang"))?;
    phone.document.add_participant("张警官", &editor("zhang"))?;
    phone.document.set_trip_date(Some(trip_day), &editor("zhang"))?;
    Ok(phone)
}

on_both_databases!(deadline_by_hand_matches_worked_example, |app| {
    let token = admin_token(&app).await?;
    let (status, body) = app
        .get_json("/api/v1/calendar/deadline?rule=field_handover&from=2026-09-30%2015:00", &token)
        .await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last_day"], "2026-10-09");
    assert_eq!(body["due_text"], "2026年10月9日 24:00（星期五）");

    let (status, body) = app
        .get_json("/api/v1/calendar/deadline?rule=no_such_rule&from=2026-09-30%2015:00", &token)
        .await?;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "DEADLINE_RULE_UNKNOWN");

    let (status, body) = app
        .get_json("/api/v1/calendar/deadline?rule=field_handover&from=yesterday", &token)
        .await?;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "INVALID_TIME");
    app.stop().await?;
});

on_both_databases!(missing_year_then_import_used_at_once, |app| {
    let token = admin_token(&app).await?;
    let path = "/api/v1/calendar/deadline?rule=field_handover&from=2026-12-30%2010:00";
    let (status, body) = app.get_json(path, &token).await?;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "CALENDAR_YEAR_MISSING");
    assert!(body["message"].as_str().unwrap().contains("2027"));

    // From 1 December the missing next year is a warning in /readyz and the calendar view.
    let today = shanghai_date(&Utc::now().fixed_offset());
    let ready: Value = app.client.get(app.url("/readyz")).send().await?.json().await?;
    let loaded: Vec<i32> = Calendar::mainland()?.loaded_years();
    let expect_warning = today.month() == 12 && !loaded.contains(&(today.year() + 1));
    let warned = ready["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "CALENDAR_NEXT_YEAR_MISSING");
    assert_eq!(warned, expect_warning, "{ready}");

    let (status, body) = app
        .post_json(
            "/api/v1/admin/calendar",
            Some(&token),
            &json!({"name": "cn-mainland-2027.toml", "content": YEAR_2027}),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["years_added"], json!([2027]));

    // Used at once, without a restart: 2026-12-30 (Wed) + 2 working days, skipping 1-3 January.
    let (status, body) = app.get_json(path, &token).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last_day"], "2027-01-04");
    let (_, calendar) = app.get_json("/api/v1/calendar", &token).await?;
    assert!(calendar["years"].as_array().unwrap().contains(&json!(2027)));

    // A broken file is rejected with its line, and nothing changes.
    let (status, body) = app
        .post_json(
            "/api/v1/admin/calendar",
            Some(&token),
            &json!({"name": "bad.toml", "content": "format_version = 1\n[[year]]\nyear = 2028\n"}),
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "CALENDAR_FILE_INVALID");

    // Only the administrator imports.
    app.seed_organisation().await?;
    let field = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let (status, _) = app
        .post_json("/api/v1/admin/calendar", Some(&field.access_token), &json!({"name": "x", "content": YEAR_2027}))
        .await?;
    assert_eq!(status, 403);
    app.stop().await?;
});

on_both_databases!(overdue_across_restart_then_late_handover, |app| {
    app.seed_organisation().await?;
    let pair = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let token = pair.access_token.clone();
    let team = pair.user.team_id.clone().unwrap();

    // Returned 10 days ago: overdue as soon as the server learns of it, and flagged.
    let mut late = list_for_return(&token, &team, "（2026）豫13执301号")?;
    let long_ago = Utc::now() - Duration::days(10);
    late.document.mark_returned(long_ago, &editor("zhang"))?;
    late.sync(&app).await?;

    // Returned now: not due yet.
    let mut fresh = list_for_return(&token, &team, "（2026）豫13执302号")?;
    fresh.document.mark_returned(Utc::now(), &editor("zhang"))?;
    fresh.sync(&app).await?;

    let (_, detail) = app.get_json(&format!("/api/v1/lists/{}", late.list_id), &token).await?;
    let deadline = &detail["server"]["handover_deadline"];
    assert_eq!(deadline["state"], "OVERDUE", "{detail}");
    assert_eq!(deadline["flag"], "DECLARED_LONG_BEFORE");
    let (_, detail) = app.get_json(&format!("/api/v1/lists/{}", fresh.list_id), &token).await?;
    let fresh_deadline = detail["server"]["handover_deadline"].clone();
    assert_eq!(fresh_deadline["state"], "NOT_DUE", "{detail}");
    assert!(fresh_deadline["flag"].is_null());

    // Restart, then sweep at a time after the fresh list's deadline, twice and concurrently:
    // the list goes overdue once and reminds the team once.
    let app = app.restart().await?;
    let due: chrono::DateTime<Utc> = serde_json::from_value(fresh_deadline["due_at"].clone())?;
    let later = due + Duration::hours(1);
    let db_one = app.db().await?;
    let db_two = app.db().await?;
    let (first, second) = tokio::join!(sweep::sweep(&db_one, later), sweep::sweep(&db_two, later));
    let first = first.map_err(|e| anyhow::anyhow!("{e}"))?;
    let second = second.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(first.overdue + second.overdue, 1, "{first:?} {second:?}");
    let again = sweep::sweep(&db_one, later).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(again.overdue, 0);
    db_one.close().await.ok();
    db_two.close().await.ok();

    // The team's device receives both reminders in its feed.
    let (_, feed) = app.get_json("/api/v1/feed?after=0", &token).await?;
    let reminders: Vec<(String, String)> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "reminder")
        .map(|e| (e["code"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(reminders.len(), 2, "{reminders:?}");
    assert!(reminders.iter().all(|(code, _)| code == "HANDOVER_OVERDUE"));
    assert!(reminders.iter().any(|(_, message)| message.contains("执301号")));

    // The center manager's list shows the overdue hand-overs.
    let center = app.login("zhao", SEED_PASSWORD, "desk-zhao").await?;
    let (status, open) = app.get_json("/api/v1/center/handovers/open", &center.access_token).await?;
    assert_eq!(status, 200);
    assert!(open.as_array().unwrap().iter().any(|h| h["case_number"] == "（2026）豫13执301号"));
    let (status, _) = app.get_json("/api/v1/center/handovers/open", &token).await?;
    assert_eq!(status, 403);

    // Handing the late list over now records 逾期移送 with its lateness in working days.
    late.document.hand_over(&editor("zhang"))?;
    late.sync(&app).await?;
    let (_, detail) = app.get_json(&format!("/api/v1/lists/{}", late.list_id), &token).await?;
    let deadline = &detail["server"]["handover_deadline"];
    assert_eq!(deadline["state"], "HANDED_OVER_LATE", "{detail}");
    let calendar = Calendar::mainland()?;
    let last_day: chrono::NaiveDate = serde_json::from_value(deadline["last_day"].clone())?;
    let handed_over_at: chrono::DateTime<Utc> = serde_json::from_value(detail["list"]["handed_over_at"].clone())?;
    let expected = calendar.working_days_between(last_day, shanghai_date(&handed_over_at.fixed_offset()))?;
    assert_eq!(deadline["working_days_late"], json!(expected));
    assert!(expected >= 1);
    assert!(deadline["state_label"].as_str().unwrap().contains("逾期移送"));
    app.stop().await?;
});

/// A made-up 2023 arrangement, for a list whose return falls in a year the shipped file lacks.
const YEAR_2023: &str = r#"
format_version = 1

[[year]]
year = 2023
notice = { title = "测试用 2023 年节假日安排", published = 2022-12-08 }
holidays = [
  { name = "元旦", start = 2023-01-01, end = 2023-01-02 },
]
make_up_workdays = []
"#;

on_both_databases!(deadline_recorded_after_missing_year_import, |app| {
    app.seed_organisation().await?;
    let pair = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let token = pair.access_token.clone();
    let team = pair.user.team_id.clone().unwrap();

    // Returned on Wednesday 1 March 2023, a year the shipped calendar does not cover.
    let mut phone = TestPhone::with_new_list("zhang", &token, &team, "（2023）豫13执77号");
    let trip_day = chrono::NaiveDate::from_ymd_opt(2023, 2, 28).unwrap();
    let mut item = new_item("seizure_record", "查封笔录", 3);
    item.produced_on = Some(trip_day);
    phone.document.add_item(item, &editor("zhang"))?;
    phone.document.set_trip_place("南阳市宛城区", &editor("zhang"))?;
    phone.document.add_participant("张警官", &editor("zhang"))?;
    phone.document.set_trip_date(Some(trip_day), &editor("zhang"))?;
    let returned: chrono::DateTime<Utc> = "2023-03-01T02:00:00Z".parse()?;
    phone.document.mark_returned(returned, &editor("zhang"))?;
    phone.sync(&app).await?;

    let path = format!("/api/v1/lists/{}", phone.list_id);
    let (_, detail) = app.get_json(&path, &token).await?;
    assert!(detail["server"]["handover_deadline"].is_null(), "{detail}");
    assert_eq!(detail["server"]["handover_deadline_error"]["code"], "CALENDAR_YEAR_MISSING", "{detail}");

    // Importing the year records the deadline at once, without another sync.
    let admin = admin_token(&app).await?;
    let (status, body) = app
        .post_json("/api/v1/admin/calendar", Some(&admin), &json!({"name": "2023.toml", "content": YEAR_2023}))
        .await?;
    assert_eq!(status, 200, "{body}");
    let (_, detail) = app.get_json(&path, &token).await?;
    let deadline = &detail["server"]["handover_deadline"];
    assert_eq!(deadline["last_day"], "2023-03-03", "{detail}");
    assert_eq!(deadline["state"], "OVERDUE");
    assert!(detail["server"]["handover_deadline_error"].is_null());
    app.stop().await?;
});

//! The field-to-center day of `juanzong demo`, run through the real API and device client against
//! the test server. Two phones edit one list offline, a disposal team hands over late and photos
//! go through OCR. The register, deadlines, phones and figures must agree.
//!
//! Photos come from `$JUANZONG_FIXTURES/images` when that folder has a `MANIFEST.tsv`, otherwise
//! they are generated (which needs Debian's fonts-noto-cjk).

use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveTime;
use juanzong_calendar::{rule_ids, shanghai_instant, Calendar, DeadlineRules};
use juanzong_demo::organisation::{DemoAccounts, DemoSetting};
use juanzong_demo::{run, DemoOptions, DemoReport, PhotoSource};
use juanzong_mobile_api::center::ItemResult;
use juanzong_sync::model::Status;
use juanzong_tests::on_both_databases;

/// Maximum wait for the server's photo worker.
const PHOTO_TIMEOUT: Duration = Duration::from_secs(300);

fn photo_source() -> PhotoSource {
    let folder =
        std::env::var_os("JUANZONG_FIXTURES").map(|root| PathBuf::from(root).join("images"));
    match folder {
        Some(folder) if folder.join("MANIFEST.tsv").is_file() => PhotoSource::Folder(folder),
        _ => PhotoSource::Generate,
    }
}

/// The demo's run with what the checks need besides the report.
struct DemoRun {
    report: DemoReport,
    transcript: String,
    generated: bool,
    accounts: DemoAccounts,
}

async fn prepare(
    app: &juanzong_tests::TestApp,
) -> anyhow::Result<(DemoAccounts, DemoSetting)> {
    let db = app.db().await?;
    let prepared = juanzong_server::demo::prepare(&db, None).await;
    db.close().await.ok();
    prepared.map_err(|error| anyhow::anyhow!("{error}"))
}

async fn run_demo(app: &juanzong_tests::TestApp) -> anyhow::Result<DemoRun> {
    let (accounts, setting) = prepare(app).await?;
    let photos = photo_source();
    let generated = matches!(photos, PhotoSource::Generate);
    let mut transcript = Vec::new();
    let options = DemoOptions {
        server_url: app.address.clone(),
        accounts: accounts.clone(),
        setting,
        photos,
        work_dir: None,
        photo_timeout: PHOTO_TIMEOUT,
    };
    let report = run(options, &mut transcript).await?;
    Ok(DemoRun {
        report,
        transcript: String::from_utf8(transcript)?,
        generated,
        accounts,
    })
}

fn check_merged_list(report: &DemoReport) {
    let merged = &report.enforcement.merged.list;
    assert_eq!(merged.live_items().len(), 5, "items of the merged list");
    let record = merged
        .items
        .get(&report.enforcement.items["查封笔录-张某"])
        .expect("record item");
    assert_eq!(
        record.page_count, 3,
        "the second officer's correction survives the merge"
    );
    assert_eq!(merged.total_pages(), 8);
    assert_eq!(merged.status, Status::Received);
    for phone in &report.phone_lists {
        assert_eq!(phone.status, Status::Received, "phone sees the receipt");
        assert_eq!(phone.total_pages(), 8, "phone pages");
        assert_eq!(phone.live_items().len(), 5, "phone items");
    }
}

fn check_deadlines(report: &DemoReport) {
    let calendar = Calendar::mainland().expect("shipped calendar");
    let rules = DeadlineRules::default_rules().expect("shipped rules");
    let rule = rules
        .get(rule_ids::FIELD_HANDOVER)
        .expect("field hand-over rule");
    let returned = shanghai_instant(
        report.field_day,
        NaiveTime::from_hms_opt(17, 30, 0).unwrap(),
    );
    let expected = calendar
        .deadline(rule, &returned)
        .expect("deadline of the field day");

    let enforcement = report.enforcement.deadline().expect("enforcement deadline");
    assert_eq!(enforcement.last_day, expected.last_day);
    assert_eq!(enforcement.state, "HANDED_OVER_ON_TIME");

    let disposal = report.disposal.deadline().expect("disposal deadline");
    let survey_return = shanghai_instant(
        report.survey_day,
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
    );
    let survey_expected = calendar
        .deadline(rule, &survey_return)
        .expect("deadline of the survey day");
    assert_eq!(disposal.last_day, survey_expected.last_day);
    assert_eq!(disposal.state, "HANDED_OVER_LATE");
    // Zero working days late is possible: a hand-over on the weekend after the deadline is late
    // but no working day has passed.
    assert!(
        disposal.working_days_late.is_some(),
        "days late {:?}",
        disposal.working_days_late
    );

    let open: Vec<&str> = report
        .open_handovers
        .iter()
        .map(|row| row.deadline.state.as_str())
        .collect();
    assert_eq!(
        open,
        ["OVERDUE"],
        "only the disposal list is overdue before the hand-over"
    );
    assert_eq!(
        report.open_handovers[0].list_id,
        report.disposal.list_id.to_string()
    );
}

fn check_register(report: &DemoReport) {
    let entry = &report.enforcement.entry;
    assert_eq!(entry.kind, "receipt");
    assert_eq!(entry.counts.received, 3);
    assert_eq!(entry.counts.page_mismatch, 1);
    assert_eq!(entry.counts.missing, 1);
    assert_eq!(entry.counts.rejected, 0);
    assert_eq!(entry.counts.extra, 1);
    assert_eq!(entry.timeliness_label.as_deref(), Some("按时移送"));
    let ruling = report.enforcement.items["执行裁定书-张某"];
    let ruling_result = entry
        .check
        .items
        .iter()
        .find(|item| item.item_id == ruling)
        .expect("ruling checked");
    assert_eq!(
        ruling_result.result,
        ItemResult::PageMismatch { counted_pages: 3 }
    );

    let survey = &report.disposal.entry;
    assert_eq!(survey.counts.received, 2);
    assert!(
        survey
            .timeliness_label
            .as_deref()
            .unwrap_or_default()
            .starts_with("逾期移送"),
        "{:?}",
        survey.timeliness_label
    );

    let year = report.field_day.format("%Y").to_string();
    assert_eq!(entry.number, format!("{year}-接-000001"));
    assert_eq!(survey.number, format!("{year}-接-000002"));
}

fn check_team_view(report: &DemoReport) {
    let tasks: Vec<&str> = report
        .enforcement_results
        .tasks
        .iter()
        .filter(|task| task.list_id == report.enforcement.list_id)
        .map(|task| task.title.as_str())
        .collect();
    assert_eq!(tasks, ["送达回证-南阳市不动产登记中心"]);
    let entry_number = &report.enforcement.entry.number;
    assert!(
        report
            .enforcement_feed
            .iter()
            .any(|message| message.contains(entry_number.as_str())),
        "feed {:?}",
        report.enforcement_feed
    );
    assert!(report
        .enforcement_feed
        .iter()
        .any(|message| message.contains("送达回证-南阳市不动产登记中心")));
}

fn check_catalogue_and_figures(report: &DemoReport) {
    let rows = &report.catalogue.rows;
    assert_eq!(rows.len(), 5, "four kept items and the extra paper");
    assert_eq!(rows.iter().filter(|row| row.extra).count(), 1);

    let team = |id: &str| {
        report
            .figures
            .teams
            .iter()
            .find(|team| team.team_id == id)
            .expect("team figures")
    };
    let enforcement = team(&report.enforcement.team_id);
    assert_eq!(enforcement.lists_handed_over, 1);
    assert_eq!(enforcement.on_time, 1);
    assert_eq!(enforcement.late, 0);
    assert_eq!(enforcement.items_missing, 1);
    let disposal = team(&report.disposal.team_id);
    assert_eq!(disposal.lists_handed_over, 1);
    assert_eq!(disposal.late, 1);
    assert_eq!(disposal.items_missing, 0);
}

fn check_photos(report: &DemoReport, generated: bool) {
    assert_eq!(report.photos.len(), 6, "one photo per photographed paper");
    for photo in &report.photos {
        if !generated {
            assert!(
                ["done", "failed"].contains(&photo.view.status.as_str()),
                "{}",
                photo.view.status
            );
            continue;
        }
        assert_eq!(
            photo.view.status, "done",
            "{}: {:?}",
            photo.item_title, photo.view.failure
        );
        assert!(
            photo.view.flags.is_empty(),
            "{}: flags {:?}",
            photo.item_title,
            photo.view.flags
        );
        for found in &photo.view.case_numbers {
            assert_eq!(
                found, &photo.list_case_number,
                "{}: OCR found another case",
                photo.item_title
            );
        }
    }
    if generated {
        let read = report
            .photos
            .iter()
            .filter(|photo| photo.view.case_numbers.contains(&photo.list_case_number))
            .count();
        assert!(read >= 5, "case number read back on {read} of 6 photos");
    }
}

/// Checks that the second list is handed over but unchecked: the center's waiting list, which
/// the clerk's web console reads, shows it with its items and photos.
async fn check_console_handover(
    app: &juanzong_tests::TestApp,
    run: &DemoRun,
) -> anyhow::Result<()> {
    let handover = &run.report.console_handover;
    assert_eq!(handover.case_number, run.report.enforcement.case_number);
    assert_ne!(handover.list_id, run.report.enforcement.list_id);

    let clerk = &run.accounts.center_intake;
    assert_eq!(clerk.username, "demo_zhao");
    let tokens = app
        .login(&clerk.username, &clerk.password, "console-check")
        .await?;
    let (status, waiting) = app
        .get_json("/api/v1/center/handovers/waiting", &tokens.access_token)
        .await?;
    assert_eq!(status, 200, "{waiting}");
    let rows = waiting.as_array().expect("waiting hand-overs are an array");
    let row = rows
        .iter()
        .find(|row| row["list_id"] == handover.list_id.to_string())
        .unwrap_or_else(|| panic!("second list not waiting: {waiting}"));
    assert_eq!(row["status"], "handed_over");
    assert_eq!(row["case_number"], handover.case_number.as_str());
    let items = row["items"].as_array().expect("items");
    let mut titles: Vec<&str> = items
        .iter()
        .map(|item| item["title"].as_str().unwrap_or_default())
        .collect();
    titles.sort_unstable();
    let mut expected: Vec<&str> = handover.items.keys().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(titles, expected);
    assert_eq!(titles.len(), 2, "two papers on the second list");
    for item in items {
        let photos = item["photos"].as_array().map_or(0, Vec::len);
        assert_eq!(photos, 1, "one photo on {}", item["title"]);
    }

    let others: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|row| {
            [run.report.enforcement.list_id, run.report.disposal.list_id]
                .iter()
                .any(|id| row["list_id"] == id.to_string())
        })
        .collect();
    assert!(others.is_empty(), "registered lists still waiting: {others:?}");

    assert!(run.transcript.contains("网页控制台"), "transcript names the console");
    assert!(
        run.transcript.contains(&format!("{}/console/", app.address)),
        "transcript gives the console address"
    );
    assert!(run.transcript.contains("demo_zhao"), "transcript names the clerk");
    Ok(())
}

on_both_databases!(demo_day_agrees_everywhere, |app| {
    let demo = run_demo(&app).await?;
    let (report, transcript) = (&demo.report, &demo.transcript);
    eprintln!("{transcript}");
    check_merged_list(report);
    check_deadlines(report);
    check_register(report);
    check_team_view(report);
    check_catalogue_and_figures(report);
    check_photos(report, demo.generated);
    check_console_handover(&app, &demo).await?;
    assert!(
        transcript.contains(&report.enforcement.entry.number),
        "transcript names the entry"
    );
    assert!(transcript.contains("【第 1 步】"), "transcript is numbered");
    app.stop().await?;
});

on_both_databases!(demo_rerun_gets_new_cases, |app| {
    let (_, first) = prepare(&app).await?;
    let (_, second) = prepare(&app).await?;
    let (_, third) = prepare(&app).await?;

    assert!(first.seizure_case.ends_with("）豫13执123号"), "{}", first.seizure_case);
    assert!(second.seizure_case.ends_with("）豫13执124号"), "{}", second.seizure_case);
    let seizure = [&first.seizure_case, &second.seizure_case, &third.seizure_case];
    let survey = [&first.survey_case, &second.survey_case, &third.survey_case];
    for cases in [seizure, survey] {
        assert_ne!(cases[0], cases[1]);
        assert_ne!(cases[1], cases[2]);
        assert_ne!(cases[0], cases[2]);
    }

    let admin = app.login("admin", &app.admin_password, "rerun-check").await?;
    for case in seizure.iter().chain(survey.iter()) {
        let path = format!("/api/v1/cases/{}", encode(case));
        let (status, body) = app.get_json(&path, &admin.access_token).await?;
        assert_eq!(status, 200, "{case} imported: {body}");
    }
    app.stop().await?;
});

/// Percent-encodes a case number for a URL path.
fn encode(text: &str) -> String {
    text.bytes().map(|byte| format!("%{byte:02X}")).collect()
}

//! Enforcement cases: CSV import in UTF-8 and GBK, all-or-nothing with bad rows reported, and
//! the team scope of the case list, on SQLite and PostgreSQL.

use encoding_rs::GB18030;

use juanzong_server::cases::service::{import_csv, ImportFailure};
use juanzong_tests::{on_both_databases, SEED_PASSWORD};

const GOOD_ROWS: &str = "案号,承办法官,执行团队,当事人,立案日期\n\
    （2026）豫13执101号,刘法官,执行一团队,张某,2026-01-05\n\
    (2026)豫13执恢102号,刘法官,执行一团队,李某,2026年2月3日\n\
    （2026）豫13执保103号,陈法官,财产处置团队,,\n";

fn with_bad_row(text: &str) -> String {
    format!("{text}（2026）豫13执0104号,陈法官,执行一团队,,\n")
}

on_both_databases!(utf8_import_then_repeat_is_idempotent, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    let report = import_csv(&db, GOOD_ROWS.as_bytes(), None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(report.encoding, "UTF-8");
    assert_eq!(report.imported, 3);
    assert_eq!(report.already_present, 0);

    let again = import_csv(&db, GOOD_ROWS.as_bytes(), None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(again.imported, 0);
    assert_eq!(again.already_present, 3);
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(gbk_import_with_bad_row_imports_nothing, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    let text = with_bad_row(GOOD_ROWS);
    let (bytes, _, _) = GB18030.encode(&text);

    match import_csv(&db, &bytes, None).await {
        Err(ImportFailure::Rows(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].line, 5);
            assert!(errors[0].reason.contains("序号"), "{}", errors[0].reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }

    let cases = juanzong_server::cases::service::list(&db, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert!(cases.is_empty(), "nothing may be imported: {cases:?}");

    let (good, _, _) = GB18030.encode(GOOD_ROWS);
    let report = import_csv(&db, &good, None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(report.encoding, "GBK");
    assert_eq!(report.imported, 3);
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(unknown_team_is_a_row_error, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    let text = "案号,承办法官,执行团队\n（2026）豫13执201号,刘法官,不存在的团队\n";
    match import_csv(&db, text.as_bytes(), None).await {
        Err(ImportFailure::Rows(errors)) => {
            assert_eq!(errors[0].line, 2);
            assert!(errors[0].reason.contains("不存在的团队"));
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(field_user_sees_own_team_cases_only, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    import_csv(&db, GOOD_ROWS.as_bytes(), None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    db.close().await.ok();

    let field = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let (status, cases) = app.get_json("/api/v1/cases", &field.access_token).await?;
    assert_eq!(status, 200);
    let numbers: Vec<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2, "{numbers:?}");
    assert!(numbers.iter().all(|n| !n.contains("执保")));

    let (status, body) = app
        .get_json("/api/v1/cases/(2026)豫13执保103号", &field.access_token)
        .await?;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "CASE_OUT_OF_SCOPE");

    let (status, body) = app.get_json("/api/v1/cases/(2026)豫13执101号", &field.access_token).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["case_number"], "（2026）豫13执101号");

    let (status, body) = app.get_json("/api/v1/cases/(2026)豫13执999号", &field.access_token).await?;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "CASE_NOT_FOUND");

    let (status, body) = app.get_json("/api/v1/cases/not-a-number", &field.access_token).await?;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "INVALID_CASE_NUMBER");

    let center = app.login("zhao", SEED_PASSWORD, "desk-zhao").await?;
    let (_, all) = app.get_json("/api/v1/cases", &center.access_token).await?;
    assert_eq!(all.as_array().unwrap().len(), 3);
    app.stop().await?;
});

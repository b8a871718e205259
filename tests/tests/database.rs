//! Database behaviour: concurrent writers, restarts, refusing a newer schema, and the startup
//! configuration checks.

use sea_orm::ConnectionTrait;

use juanzong_server::config::Settings;
use juanzong_server::org::roles::Role;
use juanzong_server::org::service::{self as org, NewUser};
use juanzong_server::startup::Application;
use juanzong_tests::{on_both_databases, test_settings, SEED_PASSWORD};

on_both_databases!(concurrent_writers_all_succeed, |app| {
    app.seed_organisation().await?;
    let db = app.db().await?;
    let mut tasks = Vec::new();
    for index in 0..16 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            org::create_user(
                &db,
                NewUser {
                    username: format!("officer{index}"),
                    display_name: format!("干警{index}"),
                    team: Some("执行一团队".to_string()),
                    roles: vec![Role::FieldOfficer],
                    password: SEED_PASSWORD.to_string(),
                },
            )
            .await
        }));
    }
    for task in tasks {
        task.await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    // Logins write sessions and tokens; run them concurrently through HTTP as well.
    let mut logins = Vec::new();
    for index in 0..16 {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        logins.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&serde_json::json!({
                    "username": format!("officer{index}"),
                    "password": SEED_PASSWORD,
                    "device_id": format!("phone-{index}"),
                    "device_name": "测试手机",
                }))
                .send()
                .await
                .map(|response| response.status().as_u16())
        }));
    }
    for login in logins {
        assert_eq!(login.await??, 200);
    }
    let users = org::list_users(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(users.len(), 1 + 5 + 16);
    db.close().await.ok();
    app.stop().await?;
});

on_both_databases!(restart_keeps_accounts_and_key, |app| {
    app.seed_organisation().await?;
    let before = app.login("zhang", SEED_PASSWORD, "phone-zhang").await?;
    let app = app.restart().await?;
    let (status, _) = app.get_json("/api/v1/me", &before.access_token).await?;
    assert_eq!(status, 200, "a token from before the restart must stay valid");
    app.login("admin", &app.admin_password, "laptop").await?;
    app.stop().await?;
});

on_both_databases!(newer_schema_is_refused, |app| {
    let db = app.db().await?;
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_from_the_future', 0)",
    )
    .await?;
    db.close().await.ok();

    let data_dir = tempfile::tempdir()?;
    let settings = test_settings(&app.database, data_dir.path());
    let error = match Application::build(settings).await {
        Ok(_) => panic!("startup must be refused"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("更新版本"), "{error}");
    assert!(error.contains("m29990101_000001_from_the_future"), "{error}");
    app.stop().await?;
});

#[test]
fn bad_setting_in_file_names_the_setting() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("juanzong.toml");
    std::fs::write(&path, "access_token_minutes = \"fifteen\"\n").unwrap();
    let error = Settings::load(Some(&path), &Default::default()).unwrap_err();
    assert!(error.message.contains("access_token_minutes"), "{}", error.message);

    std::fs::write(&path, "listen = \"nowhere\"\n").unwrap();
    let error = Settings::load(Some(&path), &Default::default()).unwrap_err();
    assert!(error.message.contains("listen"), "{}", error.message);

    std::fs::write(&path, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let error = Settings::load(Some(&path), &Default::default()).unwrap_err();
    assert!(error.message.contains("lisen"), "{}", error.message);
}

#[test]
fn layers_apply_in_order() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("juanzong.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:9001\"\naccess_token_minutes = 20\n").unwrap();
    let from_file = Settings::load(Some(&path), &Default::default()).unwrap();
    assert_eq!(from_file.listen, "127.0.0.1:9001");
    assert_eq!(from_file.access_token_minutes, 20);
    assert_eq!(from_file.refresh_token_days, 30, "default kept");

    let flags = juanzong_server::config::FlagOverrides {
        listen: Some("127.0.0.1:9002".to_string()),
        ..Default::default()
    };
    let from_flag = Settings::load(Some(&path), &flags).unwrap();
    assert_eq!(from_flag.listen, "127.0.0.1:9002");
}

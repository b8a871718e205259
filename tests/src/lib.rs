//! Test support: start the real server on port 0 with a fresh database, on SQLite or on
//! PostgreSQL, and talk to it over HTTP.
//!
//! PostgreSQL tests run when `JUANZONG_TEST_DATABASE_URL` names a server; each test creates its
//! own database there and drops it afterwards. Without the variable they print that they were
//! skipped and pass.

pub mod phone;

use std::time::Duration;

use actix_web::dev::ServerHandle;
use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use tokio::task::JoinHandle;

use juanzong_mobile_api::auth::TokenPair;
use juanzong_server::config::{DatabaseUrl, Settings};
use juanzong_server::org::roles::Role;
use juanzong_server::org::service::{self as org, NewUser};
use juanzong_server::startup::Application;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body on one backend, or reports the PostgreSQL variant skipped.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: $crate::TestApp) -> anyhow::Result<()> {
                $body
                Ok(())
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite)
                    .await
                    .expect("start on SQLite")
                    .expect("SQLite is always available");
                body(app).await.expect("test body");
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres)
                    .await
                    .expect("start on PostgreSQL")
                else {
                    eprintln!(
                        "skipped {}::postgres: JUANZONG_TEST_DATABASE_URL is not set",
                        stringify!($name)
                    );
                    return;
                };
                body(app).await.expect("test body");
            }
        }
    };
}

/// A fresh database for one test, removed when dropped.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: DatabaseUrl,
    /// For PostgreSQL: the server URL used to drop the database, and its name.
    postgres: Option<(String, String)>,
    /// For SQLite: the folder holding the file.
    _folder: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// Creates an empty database, or returns `None` for PostgreSQL when it is not configured.
    pub async fn create(backend: Backend) -> anyhow::Result<Option<TestDatabase>> {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::tempdir()?;
                let path = folder.path().join("test.db");
                Ok(Some(TestDatabase {
                    backend,
                    url: DatabaseUrl::new(format!("sqlite://{}", path.display())),
                    postgres: None,
                    _folder: Some(folder),
                }))
            }
            Backend::Postgres => {
                let Ok(server_url) = std::env::var("JUANZONG_TEST_DATABASE_URL") else {
                    return Ok(None);
                };
                let name = format!("jz_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(server_url.as_str())
                    .await
                    .context("connect to JUANZONG_TEST_DATABASE_URL")?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                admin.close().await.ok();
                let url = replace_database_name(&server_url, &name);
                Ok(Some(TestDatabase {
                    backend,
                    url: DatabaseUrl::new(url),
                    postgres: Some((server_url, name)),
                    _folder: None,
                }))
            }
        }
    }

    /// Opens a second connection to the same database, for direct checks.
    pub async fn connect(&self) -> anyhow::Result<DatabaseConnection> {
        Ok(juanzong_server::db::connect_url(&self.url, 2, Duration::from_secs(10)).await?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on async work, so the
        // database is dropped from a thread with its own runtime.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for dropping the test database");
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(server_url.as_str()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            });
        });
        let _ = dropper.join();
    }
}

fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = match path_start {
        Some(index) => &base[..index],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

/// A running server with its own database and data folder.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_password: String,
    pub database: TestDatabase,
    pub data_dir: tempfile::TempDir,
    handle: ServerHandle,
    task: JoinHandle<anyhow::Result<()>>,
}

/// Settings for a test server on port 0.
pub fn test_settings(database: &TestDatabase, data_dir: &std::path::Path) -> Settings {
    Settings {
        listen: "127.0.0.1:0".to_string(),
        data_dir: data_dir.to_path_buf(),
        database_url: Some(database.url.clone()),
        db_max_connections: 5,
        ..Settings::default()
    }
}

impl TestApp {
    /// Starts a server on a fresh database; `None` when the backend is not configured.
    pub async fn spawn(backend: Backend) -> anyhow::Result<Option<TestApp>> {
        juanzong_server::telemetry::init("warn", false);
        let Some(database) = TestDatabase::create(backend).await? else {
            return Ok(None);
        };
        let data_dir = tempfile::tempdir()?;
        let (address, handle, task, password) = start(&database, data_dir.path()).await?;
        Ok(Some(TestApp {
            address,
            client: reqwest::Client::new(),
            admin_password: password.context("a fresh database creates the administrator")?,
            database,
            data_dir,
            handle,
            task,
        }))
    }

    /// Stops the server gracefully and starts a new one on the same database and data folder.
    pub async fn restart(mut self) -> anyhow::Result<TestApp> {
        self.handle.stop(true).await;
        (&mut self.task).await??;
        let (address, handle, task, password) = start(&self.database, self.data_dir.path()).await?;
        anyhow::ensure!(password.is_none(), "a restart must not create a second administrator");
        self.address = address;
        self.handle = handle;
        self.task = task;
        Ok(self)
    }

    /// Stops the server gracefully and waits until the pool is closed.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.handle.stop(true).await;
        (&mut self.task).await??;
        Ok(())
    }

    /// Starts a second server process on the same database and data folder (so the same JWT
    /// key), as a deployment with several `juanzong` processes on one database has.
    pub async fn start_another(&self) -> anyhow::Result<OtherServer> {
        let (address, handle, task, _) = start(&self.database, self.data_dir.path()).await?;
        Ok(OtherServer { address, handle, task })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Opens a direct connection to the test database.
    pub async fn db(&self) -> anyhow::Result<DatabaseConnection> {
        self.database.connect().await
    }

    /// Logs in and returns the token pair, failing the test on any error.
    pub async fn login(&self, username: &str, password: &str, device_id: &str) -> anyhow::Result<TokenPair> {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({
                "username": username,
                "password": password,
                "device_id": device_id,
                "device_name": format!("测试设备 {device_id}"),
            }))
            .send()
            .await?;
        let status = response.status();
        let body = response.text().await?;
        anyhow::ensure!(status.is_success(), "login failed with {status}: {body}");
        Ok(serde_json::from_str(&body)?)
    }

    /// Sends an authenticated GET and returns the status and JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> anyhow::Result<(u16, Value)> {
        let response = self.client.get(self.url(path)).bearer_auth(token).send().await?;
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    /// Sends an authenticated POST with a JSON body and returns the status and JSON body.
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> anyhow::Result<(u16, Value)> {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    /// Creates the court 豫13, an enforcement team, a center team, and one user per role
    /// family, all with the password [`SEED_PASSWORD`].
    pub async fn seed_organisation(&self) -> anyhow::Result<Seed> {
        let db = self.db().await?;
        let result = seed(&db).await;
        db.close().await.ok();
        result
    }
}

/// A second server on the same database, from [`TestApp::start_another`].
pub struct OtherServer {
    pub address: String,
    handle: ServerHandle,
    task: JoinHandle<anyhow::Result<()>>,
}

impl OtherServer {
    /// Stops the server gracefully.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.handle.stop(true).await;
        (&mut self.task).await??;
        Ok(())
    }
}

/// Password of every seeded user.
pub const SEED_PASSWORD: &str = "field-pass-2026";

/// What [`TestApp::seed_organisation`] created.
#[derive(Debug, Clone)]
pub struct Seed {
    pub court_code: String,
    pub field_team: String,
    pub other_team: String,
    pub center_team: String,
}

async fn seed(db: &DatabaseConnection) -> anyhow::Result<Seed> {
    let api = |error: juanzong_server::error::ApiError| anyhow::anyhow!("{error}");
    org::create_court(db, "豫13", "河南省南阳市中级人民法院").await.map_err(api)?;
    org::create_team(db, None, "执行一团队", "执行实施团队").await.map_err(api)?;
    org::create_team(db, None, "财产处置团队", "财产处置团队").await.map_err(api)?;
    org::create_team(db, None, "卷宗管理中心", "卷宗管理中心").await.map_err(api)?;
    let users = [
        ("zhang", "张警官", "执行一团队", Role::FieldOfficer),
        ("li", "李警官", "执行一团队", Role::FieldOfficer),
        ("wang", "王处置", "财产处置团队", Role::DisposalOfficer),
        ("zhao", "赵接收", "卷宗管理中心", Role::CenterIntake),
        ("qian", "钱数据", "卷宗管理中心", Role::DataManager),
    ];
    for (username, name, team, role) in users {
        org::create_user(
            db,
            NewUser {
                username: username.to_string(),
                display_name: name.to_string(),
                team: Some(team.to_string()),
                roles: vec![role],
                password: SEED_PASSWORD.to_string(),
            },
        )
        .await
        .map_err(api)?;
    }
    Ok(Seed {
        court_code: "豫13".to_string(),
        field_team: "执行一团队".to_string(),
        other_team: "财产处置团队".to_string(),
        center_team: "卷宗管理中心".to_string(),
    })
}

async fn start(
    database: &TestDatabase,
    data_dir: &std::path::Path,
) -> anyhow::Result<(String, ServerHandle, JoinHandle<anyhow::Result<()>>, Option<String>)> {
    let application = Application::build(test_settings(database, data_dir)).await?;
    let address = format!("http://127.0.0.1:{}", application.port());
    let handle = application.handle();
    let password = application.initial_admin_password.clone();
    let task = tokio::spawn(application.run());
    Ok((address, handle, task, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            replace_database_name("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database_name("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(replace_database_name("postgres://h:5432", "x"), "postgres://h:5432/x");
    }
}

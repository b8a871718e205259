//! Building and running the HTTP server.
//!
//! [`Application::build`] opens and migrates the database, loads the JWT key, creates the
//! administrator on first start, and binds the listener, so the caller learns the bound port
//! (port 0 in tests) before serving. [`Application::run`] serves until SIGINT or SIGTERM, lets
//! requests in flight finish, then closes the database pool.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::auth::jwt::TokenKeys;
use crate::auth::secret;
use crate::blobs::BlobStore;
use crate::config::Settings;
use crate::error::{json_error_handler, path_error_handler, query_error_handler, route_not_found};
use crate::org::service as org;
use crate::state::AppState;
use crate::workers::Workers;
use crate::{db, routes, telemetry};

/// Largest JSON body accepted, in bytes.
const JSON_LIMIT_BYTES: usize = 4 * 1024 * 1024;
/// How long requests in flight may run after a stop signal, in seconds.
const SHUTDOWN_TIMEOUT_SECONDS: u64 = 10;

/// A server that is bound and ready to run.
pub struct Application {
    server: Server,
    port: u16,
    db: DatabaseConnection,
    /// Shared state for the background workers; the HTTP handlers own a copy.
    state: AppState,
    /// The administrator's password, generated on the first start only.
    pub initial_admin_password: Option<String>,
}

impl Application {
    /// Opens the database, migrates it, and binds the listen address.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let key = secret::load_or_create(&settings)?;
        let initial_admin_password = org::ensure_admin(&db)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))
            .context("无法创建系统管理员账号")?;

        let listener = TcpListener::bind(&settings.listen).with_context(|| {
            format!(
                "无法监听地址 {}：端口可能已被占用。请用 --listen 指定其他端口。",
                settings.listen
            )
        })?;
        let port = listener.local_addr()?.port();
        let blobs = BlobStore::open(settings.blob_dir()).with_context(|| {
            format!(
                "无法创建照片存储目录 {}：请检查数据目录的权限，或用 --data-dir 指定其他目录。",
                settings.blob_dir().display()
            )
        })?;

        let keys = TokenKeys::new(
            &key,
            chrono::Duration::minutes(settings.access_token_minutes),
        );
        let state = AppState {
            db: db.clone(),
            keys,
            settings: Arc::new(settings),
            blobs,
            photo_queue: Arc::new(tokio::sync::Notify::new()),
        };
        let server = serve(listener, state.clone())?;
        Ok(Application {
            server,
            port,
            db,
            state,
            initial_admin_password,
        })
    }

    /// Returns the bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Returns a handle that can stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, then stops the workers and closes the database pool. SIGINT (Ctrl+C)
    /// and SIGTERM both stop gracefully: requests in flight get up to the shutdown timeout.
    pub async fn run(self) -> anyhow::Result<()> {
        let workers = Workers::start(&self.state);
        let signals = tokio::spawn(stop_on_signal(self.server.handle()));
        let served = self.server.await;
        signals.abort();
        workers.stop().await;
        served.context("HTTP 服务异常退出")?;
        tracing::info!("server stopped; closing the database pool");
        self.db.close().await.context("关闭数据库连接池失败")?;
        Ok(())
    }
}

/// Waits for SIGINT or SIGTERM and stops the server gracefully. actix's own handler treats SIGINT
/// as a forced stop, which would cut requests in flight, so its signal handling is disabled.
async fn stop_on_signal(handle: ServerHandle) {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received; stopping gracefully"),
        _ = terminate => tracing::info!("SIGTERM received; stopping gracefully"),
    }
    handle.stop(true).await;
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(telemetry::request_span))
            .app_data(data.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT_BYTES)
                    .error_handler(json_error_handler),
            )
            .app_data(web::PathConfig::default().error_handler(path_error_handler))
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .configure(routes::configure)
            .configure(crate::console::configure)
            .default_service(web::to(route_not_found))
    })
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECONDS)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

//! Database connection, migration at startup, and write transactions.
//!
//! SQLite (the embedded default) runs in WAL mode with a busy timeout, and every write
//! transaction starts with `BEGIN IMMEDIATE`: a deferred transaction that reads before it writes
//! cannot upgrade its lock once another connection has committed, and SQLite then fails at once
//! with "database is locked" instead of waiting. Taking the write lock at the start makes
//! concurrent writers queue behind the busy timeout. SQLite's busy handler is not a queue, though:
//! it retries with sleeps, so under load a writer can lose every retry to newer ones until its
//! timeout ends. Writers of one process therefore first take their turn at a FIFO lock
//! ([`WriteTransaction`]), and only the writers of other processes compete through the busy
//! timeout. PostgreSQL needs none of this.

use std::ops::Deref;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};
use sea_orm_migration::MigratorTrait;

use crate::config::{Backend, DatabaseUrl, Settings};
use juanzong_migrations::Migrator;

/// Failure to open or migrate the database. Messages are Chinese and state what to do.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("无法创建数据目录 {path}：{source}。请检查目录权限，或用 --data-dir 指定其他目录。")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("无法连接数据库 {url}：{source}。请检查 database_url 设置和数据库是否已启动。")]
    Connect { url: String, source: DbErr },
    #[error(
        "数据库已由更新版本的卷宗同步迁移（未知的迁移：{names}）。请升级本程序后再启动，不要用旧版本打开此数据库。"
    )]
    NewerSchema { names: String },
    #[error("数据库迁移失败：{source}")]
    Migrate { source: DbErr },
}

/// Opens the database named by the settings, creating the SQLite file and its folder if needed.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbSetupError> {
    let url = settings.effective_database_url();
    connect_url(
        &url,
        settings.db_max_connections,
        Duration::from_millis(settings.sqlite_busy_timeout_ms),
    )
    .await
}

/// Opens a database by URL with the given pool size and SQLite busy timeout.
pub async fn connect_url(
    url: &DatabaseUrl,
    max_connections: u32,
    busy_timeout: Duration,
) -> Result<DatabaseConnection, DbSetupError> {
    if url.backend() == Some(Backend::Sqlite) {
        create_sqlite_folder(url)?;
    }

    let mut options = ConnectOptions::new(url.expose().to_string());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy_timeout)
                .foreign_keys(true)
        });

    Database::connect(options)
        .await
        .map_err(|source| DbSetupError::Connect {
            url: url.redacted(),
            source,
        })
}

fn create_sqlite_folder(url: &DatabaseUrl) -> Result<(), DbSetupError> {
    let path = url
        .expose()
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|source| DbSetupError::DataDir {
                path: parent.display().to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

/// Refuses a database migrated by a newer version, then applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    let newer = juanzong_migrations::newer_migrations(db)
        .await
        .map_err(|source| DbSetupError::Migrate { source })?;
    if !newer.is_empty() {
        return Err(DbSetupError::NewerSchema {
            names: newer.join("、"),
        });
    }
    Migrator::up(db, None)
        .await
        .map_err(|source| DbSetupError::Migrate { source })
}

/// How long a writer waits for its turn behind the other writers of this process, in seconds.
/// Equal to the default SQLite busy timeout; a writer waiting longer fails like one whose busy
/// timeout ran out.
pub const WRITE_TURN_TIMEOUT_SECONDS: u64 = 60;

/// The FIFO queue of this process's SQLite writers. One for the process, not per database file:
/// only tests open several files in one process, and they only lose some parallelism.
static SQLITE_WRITE_TURN: LazyLock<Arc<Mutex<()>>> = LazyLock::new(|| Arc::new(Mutex::new(())));

/// A write transaction. On SQLite it also holds this process's write turn until it is committed,
/// rolled back or dropped. It dereferences to the [`DatabaseTransaction`] and runs queries itself.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTransaction {
    /// Commits, then gives the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then gives the turn to the next writer.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}

/// Starts a transaction that will write. On SQLite it first waits for this process's turn (FIFO),
/// then takes the database's write lock at once with `BEGIN IMMEDIATE`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        let txn = db.begin_with_options(TransactionOptions::default()).await?;
        return Ok(WriteTransaction { txn, _turn: None });
    }

    let waiting = SQLITE_WRITE_TURN.clone().lock_owned();
    let turn = tokio::time::timeout(Duration::from_secs(WRITE_TURN_TIMEOUT_SECONDS), waiting)
        .await
        .map_err(|_| {
            DbErr::Custom(format!(
                "waited more than {WRITE_TURN_TIMEOUT_SECONDS} s for the SQLite write turn"
            ))
        })?;

    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = db.begin_with_options(options).await?;
    Ok(WriteTransaction {
        txn,
        _turn: Some(turn),
    })
}

/// Checks that the database responds and that no migration is pending, for `/readyz`.
pub async fn check_ready(db: &DatabaseConnection) -> anyhow::Result<usize> {
    db.execute_unprepared("SELECT 1")
        .await
        .context("database did not respond to SELECT 1")?;
    juanzong_migrations::pending_count(db)
        .await
        .context("could not read the migration table")
}

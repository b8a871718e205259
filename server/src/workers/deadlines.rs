//! Runs the deadline sweeper periodically.

use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::deadlines::sweep;

/// Seconds between two passes. Deadlines end at 24:00, so a minute's delay is of no consequence.
pub const INTERVAL_SECONDS: u64 = 60;

/// Runs passes until `stopped` turns true.
pub async fn run(db: DatabaseConnection, interval: Duration, mut stopped: watch::Receiver<bool>) {
    loop {
        match sweep::sweep(&db, Utc::now()).await {
            Ok(report) if report.due_today + report.overdue > 0 => {
                tracing::info!(due_today = report.due_today, overdue = report.overdue, "deadline sweep");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "deadline sweep failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.changed() => return,
        }
    }
}

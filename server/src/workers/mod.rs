//! Background workers. Each runs as a tokio task until the server stops, and coordinates with
//! other server processes through the database, never through memory.

pub mod compaction;
pub mod deadlines;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Running workers and the signal that stops them.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts every worker.
    pub fn start(db: DatabaseConnection) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(compaction::run(
                db.clone(),
                Duration::from_secs(compaction::INTERVAL_SECONDS),
                stopped.clone(),
            )),
            tokio::spawn(deadlines::run(
                db,
                Duration::from_secs(deadlines::INTERVAL_SECONDS),
                stopped,
            )),
        ];
        Workers { stop, tasks }
    }

    /// Signals every worker to stop and waits until they have.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

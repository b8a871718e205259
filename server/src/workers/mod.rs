//! Background workers. Each runs as a tokio task until the server stops, and coordinates with
//! other server processes through the database, never through memory. Photo processing also
//! runs one dedicated thread per Tesseract engine (see [`photos`]).

pub mod blob_gc;
pub mod compaction;
pub mod deadlines;
pub mod photos;

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// Running workers and the signal that stops them.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts every worker.
    pub fn start(state: &AppState) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let db = state.db.clone();
        let mut tasks = vec![
            tokio::spawn(compaction::run(
                db.clone(),
                Duration::from_secs(compaction::INTERVAL_SECONDS),
                stopped.clone(),
            )),
            tokio::spawn(deadlines::run(
                db,
                Duration::from_secs(deadlines::INTERVAL_SECONDS),
                stopped.clone(),
            )),
            tokio::spawn(blob_gc::run(state.clone(), stopped.clone())),
        ];
        tasks.extend(photos::start(state, stopped));
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

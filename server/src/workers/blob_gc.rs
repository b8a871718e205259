//! Runs the blob garbage collection periodically (see `blobs::gc`).

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use crate::blobs::gc;
use crate::state::AppState;

/// Runs passes every `blob_gc_interval_seconds` until `stopped` turns true.
pub async fn run(state: AppState, mut stopped: watch::Receiver<bool>) {
    let settings = state.settings.clone();
    let interval = Duration::from_secs(settings.blob_gc_interval_seconds);
    let grace = Duration::from_secs(settings.blob_gc_grace_seconds);
    let partial_max_age = Duration::from_secs(settings.blob_partial_max_age_seconds);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.changed() => return,
        }
        match gc::sweep(&state.db, &state.blobs, grace, partial_max_age, Utc::now()).await {
            Ok(report)
                if report.blobs_removed + report.orphans_removed + report.partials_removed > 0 =>
            {
                tracing::info!(
                    blobs = report.blobs_removed,
                    orphans = report.orphans_removed,
                    partials = report.partials_removed,
                    "blob garbage collection"
                )
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "blob garbage collection failed"),
        }
    }
}

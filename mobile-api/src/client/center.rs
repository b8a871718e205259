//! The case-file center's (卷宗管理中心) results on a team's phone: receipts of its handed-over
//! lists, the tasks they left (缺失 items to hand over, 不规范 items to hand over again), and
//! disputes of a 修改意见.
//!
//! Results are fetched from `GET /api/v1/center/results` and kept in the store, so a phone
//! without network still shows the last ones it received. [`Client::sync`] fetches them again
//! whenever the feed brought a center event.

use uuid::Uuid;

use crate::center::{DisputeView, RaiseDisputeRequest, TeamResults};
use crate::client::error::ClientError;
use crate::client::Client;

impl Client {
    /// Fetches the team's receipts and tasks from the server and stores them.
    pub async fn refresh_center_results(&self) -> Result<TeamResults, ClientError> {
        let session = self.session()?;
        let results: TeamResults = self
            .connection(session)
            .get_json("/api/v1/center/results")
            .await?;
        self.store.save_center_results(&results)?;
        Ok(results)
    }

    /// Returns the results stored by the last fetch, or `None` before the first one.
    pub fn center_results(&self) -> Result<Option<TeamResults>, ClientError> {
        self.store.center_results()
    }

    /// Disputes the 修改意见 of a rejected item; the 执行局长 decides. `entry_id` is the register
    /// entry whose check rejected the item, as the stored task names it. Sending the same dispute
    /// again (same `dispute_id`) returns the stored one.
    pub async fn raise_dispute(
        &self,
        dispute_id: Uuid,
        entry_id: Uuid,
        item_id: Uuid,
        reason: &str,
    ) -> Result<DisputeView, ClientError> {
        let session = self.session()?;
        let request = RaiseDisputeRequest {
            dispute_id,
            entry_id,
            item_id,
            reason: reason.to_string(),
        };
        let mut connection = self.connection(session);
        let dispute = connection
            .post_json_reply("/api/v1/center/disputes", &request)
            .await?;
        self.refresh_center_results().await?;
        Ok(dispute)
    }
}

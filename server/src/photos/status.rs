//! Processing status (处理状态) of a photo, stored as a stable code with its Chinese label.

/// Stage of a photo in processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoStatus {
    /// 待处理: queued, or released by a worker that stopped.
    Pending,
    /// 处理中: claimed by a worker until its lease ends.
    Processing,
    /// 完成: checks, OCR and thumbnails stored.
    Done,
    /// 失败: the photo cannot be processed; the reason is stored.
    Failed,
}

impl PhotoStatus {
    pub const ALL: [PhotoStatus; 4] = [
        PhotoStatus::Pending,
        PhotoStatus::Processing,
        PhotoStatus::Done,
        PhotoStatus::Failed,
    ];

    /// Stable code stored in `photos.status` and sent to clients.
    pub fn code(self) -> &'static str {
        match self {
            PhotoStatus::Pending => "pending",
            PhotoStatus::Processing => "processing",
            PhotoStatus::Done => "done",
            PhotoStatus::Failed => "failed",
        }
    }

    /// Label shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            PhotoStatus::Pending => "待处理",
            PhotoStatus::Processing => "处理中",
            PhotoStatus::Done => "完成",
            PhotoStatus::Failed => "失败",
        }
    }

    /// Reads a stored code; `None` for a code this build does not know.
    pub fn from_code(code: &str) -> Option<PhotoStatus> {
        PhotoStatus::ALL
            .into_iter()
            .find(|status| status.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for status in PhotoStatus::ALL {
            assert_eq!(PhotoStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(PhotoStatus::from_code("unknown"), None);
    }
}

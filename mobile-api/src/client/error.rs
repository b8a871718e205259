//! The error type of the device client. Every variant has a Chinese message for the officer and a
//! stable English code from [`ClientError::code`], so the command line and the app can show the
//! message and scripts can match the code.

use std::path::PathBuf;

use juanzong_sync::{CaseNumberError, DocumentError, SyncError, Violation};
use uuid::Uuid;

use crate::sync::frame::FrameError;

/// Failure of a client operation.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("尚未登录，请先运行 login 命令登录")]
    NotLoggedIn,
    /// The server responded with an error body; `message` is the server's Chinese text.
    #[error("{message}")]
    Api { status: u16, code: String, message: String },
    #[error("无法连接服务器（已重试 {attempts} 次）：{source}")]
    Network {
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },
    #[error("服务器返回的数据无法解析：{0}")]
    InvalidResponse(String),
    #[error("服务器地址“{0}”无效，应以 http:// 或 https:// 开头")]
    InvalidServerUrl(String),
    #[error("读写本地数据文件 {path} 失败：{source}")]
    StoreIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("本地数据文件 {path} 已损坏（{reason}），请删除该文件后重新同步")]
    StoreCorrupt { path: PathBuf, reason: String },
    #[error("数据目录 {0} 正被另一个进程使用，请等其结束后再试")]
    StoreBusy(PathBuf),
    #[error("本地没有清单 {0}")]
    ListNotFound(Uuid),
    #[error("卷宗管理中心的待办中没有材料 {0}。请先运行 results --refresh 查看被退回的材料。")]
    TaskNotFound(Uuid),
    #[error("当前用户不属于任何团队，不能创建清单")]
    NoTeam,
    #[error(transparent)]
    CaseNumber(#[from] CaseNumberError),
    #[error("材料类型“{0}”不存在，请使用材料类型代码或中文名称")]
    MaterialTypeUnknown(String),
    #[error("无法读取照片文件 {path}：{source}")]
    PhotoUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("文件 {0} 不是可上传的照片（支持 JPEG、PNG、WebP、TIFF、HEIC），未添加")]
    PhotoTypeUnsupported(PathBuf),
    #[error("有 {0} 张照片上传失败，原因见上；请稍后再运行 photo upload")]
    UploadsFailed(usize),
    #[error("{}", join_messages(.0))]
    Violations(Vec<Violation>),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Frame(#[from] FrameError),
}

fn join_messages(violations: &[Violation]) -> String {
    let messages: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    format!("修改未保存：{}", messages.join("；"))
}

impl ClientError {
    /// Returns the stable English code: the server's code for [`ClientError::Api`], the first
    /// rule's code for [`ClientError::Violations`].
    pub fn code(&self) -> String {
        let code = match self {
            ClientError::NotLoggedIn => "NOT_LOGGED_IN",
            ClientError::Api { code, .. } => return code.clone(),
            ClientError::Network { .. } => "NETWORK_ERROR",
            ClientError::InvalidResponse(_) => "RESPONSE_INVALID",
            ClientError::InvalidServerUrl(_) => "SERVER_URL_INVALID",
            ClientError::StoreIo { .. } => "STORE_IO_FAILED",
            ClientError::StoreCorrupt { .. } => "STORE_CORRUPT",
            ClientError::TaskNotFound(_) => "TASK_NOT_FOUND",
            ClientError::PhotoTypeUnsupported(_) => "PHOTO_TYPE_UNSUPPORTED",
            ClientError::UploadsFailed(_) => "UPLOADS_FAILED",
            ClientError::StoreBusy(_) => "STORE_BUSY",
            ClientError::ListNotFound(_) => "LIST_NOT_FOUND",
            ClientError::NoTeam => "NO_TEAM",
            ClientError::CaseNumber(_) => "CASE_NUMBER_INVALID",
            ClientError::MaterialTypeUnknown(_) => "MATERIAL_TYPE_UNKNOWN",
            ClientError::PhotoUnreadable { .. } => "PHOTO_UNREADABLE",
            ClientError::Violations(violations) => violations
                .first()
                .map(|v| v.code.as_str())
                .unwrap_or("LIST_INVALID"),
            ClientError::Document(error) => error.code(),
            ClientError::Sync(error) => error.code(),
            ClientError::Frame(_) => "SYNC_FRAME_INVALID",
        };
        code.to_string()
    }

    /// Returns the HTTP status for [`ClientError::Api`], `None` otherwise.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

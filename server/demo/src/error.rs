//! Failures of the demo. Messages are Chinese; [`DemoError::code`] is a stable English code.

use std::path::PathBuf;

use juanzong_mobile_api::client::ClientError;

use crate::images::ImageError;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("生成文书照片失败：{0}")]
    Image(#[from] ImageError),
    #[error("手机端操作失败：{0}")]
    Client(#[from] ClientError),
    #[error("请求 {method} {path} 失败：HTTP {status} {code}：{message}")]
    Api {
        method: &'static str,
        path: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "无法连接服务器 {url}：{source}。请确认服务已启动（./scripts/serve.sh），地址和端口正确"
    )]
    Network {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("服务器对 {path} 的回复无法解析：{reason}")]
    InvalidResponse { path: String, reason: String },
    #[error("无法读取照片目录 {}：{reason}", .path.display())]
    PhotoFolder { path: PathBuf, reason: String },
    #[error("照片目录 {} 中只有 {found} 张可用的照片，演示需要 {needed} 张", .path.display())]
    NotEnoughPhotos {
        path: PathBuf,
        found: usize,
        needed: usize,
    },
    #[error("无法写入工作目录 {}：{source}", .path.display())]
    WorkDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("等待服务器处理照片超时（{seconds} 秒），仍未完成的照片：{pending}")]
    PhotoTimeout { seconds: u64, pending: String },
    #[error("{0}")]
    Scenario(String),
}

impl DemoError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> String {
        match self {
            DemoError::Image(error) => error.code().to_string(),
            DemoError::Client(error) => error.code().to_string(),
            DemoError::Api { code, .. } => code.clone(),
            DemoError::Network { .. } => "NETWORK_ERROR".to_string(),
            DemoError::InvalidResponse { .. } => "INVALID_RESPONSE".to_string(),
            DemoError::PhotoFolder { .. } => "PHOTO_FOLDER_UNREADABLE".to_string(),
            DemoError::NotEnoughPhotos { .. } => "NOT_ENOUGH_PHOTOS".to_string(),
            DemoError::WorkDir { .. } => "WORK_DIR_UNWRITABLE".to_string(),
            DemoError::PhotoTimeout { .. } => "PHOTO_PROCESSING_TIMEOUT".to_string(),
            DemoError::Scenario(_) => "SCENARIO_FAILED".to_string(),
        }
    }
}

//! Errors of the photo pipeline (照片处理).
//!
//! Invariants: every variant has a stable English code, a Simplified Chinese message for users
//! and an HTTP status that the server uses as is. Bad input always ends here as a value; nothing in
//! this crate panics on the bytes it is given.

use thiserror::Error;

/// Everything that can stop `inspect` from producing an inspection.
#[derive(Debug, Error)]
pub enum PhotoError {
    /// The bytes are empty.
    #[error("photo is empty")]
    Empty,

    /// The upload is larger than `Limits::max_input_bytes`.
    #[error("photo has {size} bytes, more than the limit of {limit}")]
    InputTooLarge { size: u64, limit: u64 },

    /// The bytes start with none of the signatures of JPEG, PNG, WebP, TIFF or HEIC/HEIF.
    #[error("photo format not recognised from its first bytes")]
    UnknownFormat,

    /// HEIC/HEIF was recognised but this build cannot decode it (feature `heic` off).
    #[error("HEIC/HEIF decoding is not available in this build")]
    UnsupportedHeic,

    /// The header declares more pixels than `Limits` allows; nothing was allocated for them.
    #[error("photo is {width}x{height} pixels, over the limit of {max_width}x{max_height}")]
    TooManyPixels { width: u32, height: u32, max_width: u32, max_height: u32 },

    /// Decoding would need more memory than `Limits::max_alloc_bytes`.
    #[error("decoding the photo needs more memory than the limit of {limit} bytes")]
    MemoryLimit { limit: u64 },

    /// The file is truncated or corrupt; `reason` is the decoder's explanation.
    #[error("photo could not be decoded: {reason}")]
    Corrupt { reason: String },

    /// Tesseract could not be started (language data missing) or failed on the working image.
    #[error("OCR failed: {reason}")]
    Ocr { reason: String },

    /// Encoding a thumbnail or the working image failed.
    #[error("encoding the {what} failed: {source}")]
    Encode { what: &'static str, source: image::ImageError },
}

impl PhotoError {
    /// Stable English code sent to clients next to the Chinese message.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Empty => "PHOTO_EMPTY",
            PhotoError::InputTooLarge { .. } => "PHOTO_TOO_LARGE",
            PhotoError::UnknownFormat => "PHOTO_FORMAT_UNKNOWN",
            PhotoError::UnsupportedHeic => "PHOTO_HEIC_UNSUPPORTED",
            PhotoError::TooManyPixels { .. } => "PHOTO_DIMENSIONS_TOO_LARGE",
            PhotoError::MemoryLimit { .. } => "PHOTO_MEMORY_LIMIT",
            PhotoError::Corrupt { .. } => "PHOTO_CORRUPT",
            PhotoError::Ocr { .. } => "PHOTO_OCR_FAILED",
            PhotoError::Encode { .. } => "PHOTO_ENCODE_FAILED",
        }
    }

    /// Message for the user, in Simplified Chinese, saying what to do next.
    pub fn message_zh(&self) -> String {
        match self {
            PhotoError::Empty => "照片文件为空，请重新拍摄或上传".to_string(),
            PhotoError::InputTooLarge { limit, .. } => {
                format!("照片文件过大（上限 {} MB），请压缩后重新上传", limit / (1024 * 1024))
            }
            PhotoError::UnknownFormat => {
                "无法识别照片格式，请上传 JPEG、PNG、WebP、TIFF 或 HEIC 格式的照片".to_string()
            }
            PhotoError::UnsupportedHeic => {
                "服务器暂不支持 HEIC/HEIF 格式，请在手机上改用 JPEG 格式（兼容性最佳）后重新上传"
                    .to_string()
            }
            PhotoError::TooManyPixels { max_width, max_height, .. } => {
                format!("照片尺寸过大（上限 {max_width}×{max_height} 像素），请缩小后重新上传")
            }
            PhotoError::MemoryLimit { .. } => "照片解码所需内存超出限制，请缩小后重新上传".to_string(),
            PhotoError::Corrupt { .. } => "照片文件已损坏或不完整，请重新拍摄或上传".to_string(),
            PhotoError::Ocr { .. } => "文字识别失败，请稍后重试".to_string(),
            PhotoError::Encode { .. } => "照片处理失败，请稍后重试".to_string(),
        }
    }

    /// HTTP status the server replies with: 4xx for problems of the upload, 500 for ours.
    pub fn http_status(&self) -> u16 {
        match self {
            PhotoError::Empty | PhotoError::Corrupt { .. } => 400,
            PhotoError::InputTooLarge { .. } | PhotoError::TooManyPixels { .. } => 413,
            PhotoError::MemoryLimit { .. } => 413,
            PhotoError::UnknownFormat | PhotoError::UnsupportedHeic => 415,
            PhotoError::Ocr { .. } | PhotoError::Encode { .. } => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_unsupported_maps_to_415() {
        let error = PhotoError::UnsupportedHeic;

        assert_eq!(error.code(), "PHOTO_HEIC_UNSUPPORTED");
        assert_eq!(error.http_status(), 415);
        assert!(error.message_zh().contains("JPEG"));
    }

    #[test]
    fn corrupt_is_a_client_error() {
        let error = PhotoError::Corrupt { reason: "unexpected end of file".into() };

        assert_eq!(error.code(), "PHOTO_CORRUPT");
        assert_eq!(error.http_status(), 400);
    }
}

//! Format sniffing (格式识别) from the first bytes of a file, never from its name.
//!
//! Invariants: only magic numbers decide; a PNG named `.jpg` is a PNG. HEIC/HEIF is recognised by
//! the brand of its leading `ftyp` box.

use serde::{Deserialize, Serialize};

/// Image container formats the pipeline accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
    Tiff,
    Heif,
}

impl PhotoFormat {
    /// Returns the `image` crate's format, or `None` for HEIF, which `image` cannot decode.
    pub(crate) fn to_image_format(self) -> Option<image::ImageFormat> {
        match self {
            PhotoFormat::Jpeg => Some(image::ImageFormat::Jpeg),
            PhotoFormat::Png => Some(image::ImageFormat::Png),
            PhotoFormat::Webp => Some(image::ImageFormat::WebP),
            PhotoFormat::Tiff => Some(image::ImageFormat::Tiff),
            PhotoFormat::Heif => None,
        }
    }
}

/// `ftyp` brands of HEIF images (ISO/IEC 23008-12) and of HEVC-coded HEIC files.
const HEIF_BRANDS: [&[u8; 4]; 8] =
    [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"];

/// Detects the format from magic numbers, or returns `None` when none matches.
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(PhotoFormat::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(PhotoFormat::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(PhotoFormat::Webp);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Some(PhotoFormat::Tiff);
    }
    if is_heif(bytes) {
        return Some(PhotoFormat::Heif);
    }
    None
}

/// Reads the leading `ftyp` box: size (4 bytes), "ftyp", major brand, minor version, then
/// compatible brands. The major brand or any compatible brand may name HEIF.
fn is_heif(bytes: &[u8]) -> bool {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }

    let declared = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let box_end = declared.clamp(16, bytes.len());
    let major = &bytes[8..12];
    let compatible = bytes[16..box_end].chunks_exact(4);

    std::iter::once(major)
        .chain(compatible)
        .any(|brand| HEIF_BRANDS.iter().any(|heif| brand == heif.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_magic_numbers() {
        let cases: [(&[u8], Option<PhotoFormat>); 7] = [
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", Some(PhotoFormat::Jpeg)),
            (b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", Some(PhotoFormat::Png)),
            (b"RIFF\x10\0\0\0WEBPVP8 ", Some(PhotoFormat::Webp)),
            (b"II*\0\x08\0\0\0", Some(PhotoFormat::Tiff)),
            (b"MM\0*\0\0\0\x08", Some(PhotoFormat::Tiff)),
            (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Some(PhotoFormat::Heif)),
            (b"GIF89a\x01\0\x01\0", None),
        ];

        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), expected, "bytes {bytes:?}");
        }
    }

    #[test]
    fn heif_by_compatible_brand() {
        let bytes = b"\0\0\0\x18ftypavif\0\0\0\0mif1miaf";

        assert_eq!(sniff(bytes), Some(PhotoFormat::Heif));
    }

    #[test]
    fn mp4_is_not_heif() {
        let bytes = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";

        assert_eq!(sniff(bytes), None);
    }

    #[test]
    fn short_input_is_unknown() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"\xFF\xD8"), None);
        assert_eq!(sniff(b"\0\0\0\x18ftyp"), None);
    }
}

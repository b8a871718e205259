//! JPEG completeness check (JPEG 完整性): walks the marker segments to the end-of-image marker.
//!
//! The JPEG decoder of `image` 0.25 (zune-jpeg) returns an image for a truncated file, filling the
//! missing part with grey, so a cut upload would pass unnoticed. Invariant of
//! `find_end_of_image`: it succeeds only when an EOI marker follows a complete chain of segments
//! from SOI; bytes after EOI (some phones append data) are allowed.

/// Error text naming where the chain of segments broke.
pub type MarkerError = String;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;

/// Returns the offset of the EOI marker, or why the chain of segments is broken.
pub fn find_end_of_image(bytes: &[u8]) -> Result<usize, MarkerError> {
    if bytes.len() < 2 || bytes[0] != 0xFF || bytes[1] != SOI {
        return Err("missing start-of-image marker".to_string());
    }

    let mut position = 2;
    loop {
        let (marker, marker_start) = next_marker(bytes, position)?;
        position = marker_start + 2;

        match marker {
            EOI => return Ok(marker_start),
            // Restart markers and TEM have no length field.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }

        let length = segment_length(bytes, position)?;
        position += length;
        if marker == SOS {
            position = skip_entropy_coded_data(bytes, position)?;
        }
    }
}

/// Finds the next marker at or after `position`, skipping fill bytes (repeated 0xFF).
fn next_marker(bytes: &[u8], position: usize) -> Result<(u8, usize), MarkerError> {
    let mut index = position;
    while index + 1 < bytes.len() {
        if bytes[index] != 0xFF {
            return Err(format!("expected a marker at byte {index}"));
        }
        match bytes[index + 1] {
            0xFF => index += 1,
            marker => return Ok((marker, index)),
        }
    }
    Err(format!("file ends at byte {} before the end-of-image marker", bytes.len()))
}

fn segment_length(bytes: &[u8], position: usize) -> Result<usize, MarkerError> {
    let Some(&[high, low]) = bytes.get(position..position + 2) else {
        return Err(format!("file ends at byte {} inside a segment header", bytes.len()));
    };
    let length = usize::from(u16::from_be_bytes([high, low]));
    if length < 2 {
        return Err(format!("invalid segment length {length} at byte {position}"));
    }
    if position + length > bytes.len() {
        return Err(format!("segment at byte {position} runs past the end of the file"));
    }
    Ok(length)
}

/// Skips scan data up to the next marker that is not a stuffed zero or a restart marker.
fn skip_entropy_coded_data(bytes: &[u8], position: usize) -> Result<usize, MarkerError> {
    let mut index = position;
    while index + 1 < bytes.len() {
        let is_marker = bytes[index] == 0xFF && !matches!(bytes[index + 1], 0x00 | 0xD0..=0xD7 | 0xFF);
        if is_marker {
            return Ok(index);
        }
        index += 1;
    }
    Err(format!("file ends at byte {} inside scan data", bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, one APP0 segment of 4 bytes, SOS header, two scan bytes with a stuffed 0xFF, EOI.
    const MINIMAL: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x01, 0x02, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00,
        0x34, 0xFF, 0xD9,
    ];

    #[test]
    fn complete_stream_found() {
        assert_eq!(find_end_of_image(MINIMAL), Ok(MINIMAL.len() - 2));
    }

    #[test]
    fn trailing_bytes_after_end_allowed() {
        let mut bytes = MINIMAL.to_vec();
        bytes.extend_from_slice(b"appended by the phone");

        assert!(find_end_of_image(&bytes).is_ok());
    }

    #[test]
    fn every_truncation_rejected() {
        for keep in 0..MINIMAL.len() - 1 {
            assert!(find_end_of_image(&MINIMAL[..keep]).is_err(), "kept {keep} bytes");
        }
    }
}

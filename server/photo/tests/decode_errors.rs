//! Bounded decoding: oversized headers, truncated and corrupt files fail with an error value.

mod common;

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use juanzong_photo::{inspect, Limits, OcrEngine, PhotoError};

/// CRC-32 (IEEE) of a PNG chunk's type and data, as the PNG specification requires.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    chunk
}

/// Builds a PNG of a few dozen bytes whose IHDR declares `width` x `height` 8-bit RGB pixels.
fn png_header_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

fn encoded_page(format: ImageFormat) -> Vec<u8> {
    let page = RgbImage::from_fn(640, 480, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut bytes = Vec::new();
    let written = DynamicImage::ImageRgb8(page).write_to(&mut Cursor::new(&mut bytes), format);
    assert!(written.is_ok(), "encoding {format:?} failed: {written:?}");
    bytes
}

fn engine() -> OcrEngine {
    common::new_engine()
}

#[test]
fn png_header_60000_square_rejected() {
    let png = png_header_claiming(60_000, 60_000);
    assert!(png.len() < 100, "header is {} bytes", png.len());

    let result = inspect(&png, &Limits::default(), &mut engine());

    match result {
        Err(PhotoError::TooManyPixels { width, height, max_width, max_height }) => {
            assert_eq!((width, height), (60_000, 60_000));
            assert_eq!((max_width, max_height), (12_000, 12_000));
        }
        other => panic!("expected TooManyPixels, got {:?}", other.map(|i| i.format)),
    }
}

#[test]
fn memory_budget_rejects_large_image() {
    let png = png_header_claiming(10_000, 10_000);
    let limits = Limits { max_alloc_bytes: 100 * 1024 * 1024, ..Limits::default() };

    let result = inspect(&png, &limits, &mut engine());

    assert!(matches!(result, Err(PhotoError::MemoryLimit { .. })), "{:?}", result.err());
}

#[test]
fn truncated_jpeg_png_webp_tiff_fail() {
    for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Tiff] {
        let whole = encoded_page(format);
        let truncated = &whole[..whole.len() / 2];

        let result = inspect(truncated, &Limits::default(), &mut engine());

        let error = result.err();
        assert!(matches!(error, Some(PhotoError::Corrupt { .. })), "{format:?}: {error:?}");
    }
}

#[test]
fn header_only_files_fail() {
    for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Tiff] {
        let whole = encoded_page(format);

        let result = inspect(&whole[..40.min(whole.len())], &Limits::default(), &mut engine());

        let error = result.err();
        assert!(matches!(error, Some(PhotoError::Corrupt { .. })), "{format:?}: {error:?}");
    }
}

#[test]
fn unknown_and_empty_input_fail() {
    let unknown = inspect(b"GIF89a\x01\x00\x01\x00", &Limits::default(), &mut engine());
    let empty = inspect(b"", &Limits::default(), &mut engine());

    assert!(matches!(unknown, Err(PhotoError::UnknownFormat)), "{:?}", unknown.err());
    assert!(matches!(empty, Err(PhotoError::Empty)), "{:?}", empty.err());
}

#[test]
fn oversized_upload_rejected() {
    let bytes = encoded_page(ImageFormat::Png);
    let limits = Limits { max_input_bytes: 1000, ..Limits::default() };

    let result = inspect(&bytes, &limits, &mut engine());

    assert!(matches!(result, Err(PhotoError::InputTooLarge { .. })), "{:?}", result.err());
}

#[test]
fn fixture_partial_progressive_jpeg_fails() {
    let Some(images) = common::fixture_images("fixture_partial_progressive_jpeg_fails") else {
        return;
    };

    let result = common::inspect_fixture(&images, "edge02_partial_progressive.jpg");

    assert!(matches!(result, Err(PhotoError::Corrupt { .. })), "{:?}", result.err());
}

#[test]
fn fixture_truncated_heic_fails() {
    let Some(images) = common::fixture_images("fixture_truncated_heic_fails") else {
        return;
    };

    let result = common::inspect_fixture(&images, "heic03_truncated.heic");

    let error = result.err();
    let expected = matches!(error, Some(PhotoError::Corrupt { .. }))
        || matches!(error, Some(PhotoError::UnsupportedHeic));
    assert!(expected, "{error:?}");
}

#[test]
fn fixture_truncated_copies_fail() {
    let Some(images) = common::fixture_images("fixture_truncated_copies_fail") else {
        return;
    };
    let files = [
        "doc02_entrustment_agreement_phone.jpg",
        "doc10_resume_form_progressive.jpg",
        "doc11_ledger_form_png_named_jpg.jpg",
        "doc20_exam_paper_phone_webp_named_jpg.jpg",
        "heic01_arrow_paper_ori6.heic",
    ];

    for file in files {
        let whole = common::read_fixture(&images, file);
        for keep in [whole.len() / 3, whole.len() * 9 / 10] {
            let result = inspect(&whole[..keep], &Limits::default(), &mut engine());

            let error = result.err();
            assert!(matches!(error, Some(PhotoError::Corrupt { .. })), "{file} cut at {keep}: {error:?}");
        }
    }
}

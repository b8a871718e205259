//! Pipeline behaviour on the real fixtures: format sniffing, orientation, blank pages, HEIC.
//! Needs `JUANZONG_FIXTURES`; without it each test prints that it was skipped.

mod common;

use juanzong_photo::{without_whitespace, Flag, PhotoError, PhotoFormat, QuarterTurn};

#[test]
fn misnamed_files_typed_by_bytes() {
    let Some(images) = common::fixture_images("misnamed_files_typed_by_bytes") else {
        return;
    };
    let cases = [
        ("doc11_ledger_form_png_named_jpg.jpg", PhotoFormat::Png),
        ("doc20_exam_paper_phone_webp_named_jpg.jpg", PhotoFormat::Webp),
        ("doc10_resume_form_progressive.jpg", PhotoFormat::Jpeg),
        ("webp01_simple.webp", PhotoFormat::Webp),
        ("heic01_arrow_paper_ori6.heic", PhotoFormat::Heif),
    ];

    for (file, expected) in cases {
        let bytes = common::read_fixture(&images, file);

        assert_eq!(juanzong_photo::sniff(&bytes), Some(expected), "{file}");
    }
}

#[test]
fn bilevel_png_decodes() {
    let Some(images) = common::fixture_images("bilevel_png_decodes") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "edge03_bilevel_1bit.png");

    let inspection = inspection.unwrap_or_else(|error| panic!("edge03: {error}"));
    assert_eq!(inspection.format, PhotoFormat::Png);
    assert_eq!((inspection.original_width, inspection.original_height), (800, 566));
    assert!(without_whitespace(&inspection.ocr.text).contains("TEST"), "{}", inspection.ocr.text);
}

#[test]
fn exif_fixtures_come_out_upright() {
    let Some(images) = common::fixture_images("exif_fixtures_come_out_upright") else {
        return;
    };
    let cases = [
        ("exif01_simple_ori6.jpg", 6, (320, 180)),
        ("exif02_simple_ori8.jpg", 8, (320, 180)),
        ("exif03_simple_ori3.jpg", 3, (320, 180)),
    ];

    for (file, exif, upright_size) in cases {
        let inspection = common::inspect_fixture(&images, file);

        let inspection = inspection.unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(inspection.upright.exif_orientation, Some(exif), "{file}");
        assert_eq!(inspection.upright.detected_rotation, QuarterTurn::None, "{file}");
        assert_eq!((inspection.working_width, inspection.working_height), upright_size, "{file}");
        let text = without_whitespace(&inspection.ocr.text);
        assert!(text.contains("Tesseract"), "{file} read {text:?}");
    }
}

#[test]
fn exif_3_chinese_page_upright() {
    let Some(images) = common::fixture_images("exif_3_chinese_page_upright") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "doc27_exif_ori3_chinese_text.jpg");

    let inspection = inspection.unwrap_or_else(|error| panic!("doc27: {error}"));
    assert_eq!(inspection.upright.exif_orientation, Some(3));
    assert_eq!(inspection.upright.detected_rotation, QuarterTurn::None);
    let text = without_whitespace(&inspection.ocr.text);
    assert!(text.contains("我是中国"), "doc27 read {text:?}");
}

#[test]
fn pixel_rotated_page_turned() {
    let Some(images) = common::fixture_images("pixel_rotated_page_turned") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "doc07_contract_annex_table_rot90.png");

    let inspection = inspection.unwrap_or_else(|error| panic!("doc07: {error}"));
    assert_eq!(inspection.upright.exif_orientation, None);
    assert_eq!(inspection.upright.detected_rotation, QuarterTurn::Clockwise90);
    assert_eq!((inspection.working_width, inspection.working_height), (842, 596));
    assert!(without_whitespace(&inspection.ocr.text).contains("技术服务"));
}

#[test]
fn upright_pages_not_turned() {
    let Some(images) = common::fixture_images("upright_pages_not_turned") else {
        return;
    };
    let files = [
        "doc06_customs_declaration_form_scan.jpg",
        "doc10_resume_form_progressive.jpg",
        "doc15_train_ticket_photo.jpg",
        "doc16_boarding_pass_photo.jpg",
    ];

    for file in files {
        let inspection = common::inspect_fixture(&images, file);

        let inspection = inspection.unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(inspection.upright.detected_rotation, QuarterTurn::None, "{file}");
        assert_eq!(inspection.upright.exif_orientation, None, "{file}");
    }
}

#[test]
fn near_black_frame_flagged_blank() {
    let Some(images) = common::fixture_images("near_black_frame_flagged_blank") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "doc26_near_blank_dark.jpg");

    let inspection = inspection.unwrap_or_else(|error| panic!("doc26: {error}"));
    assert!(inspection.checks.blank.flagged, "blank check {:?}", inspection.checks.blank);
    assert!(inspection.checks.flags.contains(&Flag::Blank));
    assert_eq!(inspection.ocr.text, "");
}

#[test]
fn document_pages_not_blank() {
    let Some(images) = common::fixture_images("document_pages_not_blank") else {
        return;
    };
    let files = [
        "doc06_customs_declaration_form_scan.jpg",
        "doc11_ledger_form_png_named_jpg.jpg",
        "doc17_bank_pos_receipt_photo.jpg",
        "doc27_exif_ori3_chinese_text.jpg",
    ];

    for file in files {
        let inspection = common::inspect_fixture(&images, file);

        let inspection = inspection.unwrap_or_else(|error| panic!("{file}: {error}"));
        assert!(!inspection.checks.blank.flagged, "{file}: {:?}", inspection.checks.blank);
        assert!(!inspection.checks.blur.flagged, "{file}: {:?}", inspection.checks.blur);
    }
}

#[test]
fn effective_dpi_from_long_side() {
    let Some(images) = common::fixture_images("effective_dpi_from_long_side") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "doc06_customs_declaration_form_scan.jpg");

    let inspection = inspection.unwrap_or_else(|error| panic!("doc06: {error}"));
    let long_side = inspection.working_width.max(inspection.working_height);
    let expected = (f64::from(long_side) / 11.69 * 10.0).round() / 10.0;
    assert_eq!(inspection.checks.effective_dpi.value, expected);
    assert!(inspection.checks.effective_dpi.flagged, "2048 px is about 175 dpi");
}

#[test]
fn heic_decoded_without_double_rotation() {
    let Some(images) = common::fixture_images("heic_decoded_without_double_rotation") else {
        return;
    };

    let result = common::inspect_fixture(&images, "heic01_arrow_paper_ori6.heic");

    match result {
        Ok(inspection) => {
            assert_eq!(inspection.format, PhotoFormat::Heif);
            // libheif applies `irot`, which yields the 3024x4032 portrait; applying EXIF 6 on
            // top would give a 4032x3024 landscape with the arrow pointing sideways.
            assert_eq!((inspection.original_width, inspection.original_height), (3024, 4032));
            assert_eq!(inspection.upright.exif_orientation, None);
            assert!(inspection.working_height > inspection.working_width);
        }
        Err(PhotoError::UnsupportedHeic) => println!("HEIC support is not compiled in"),
        Err(error) => panic!("heic01: {error}"),
    }
}

#[test]
fn inspection_serialises_to_json() {
    let Some(images) = common::fixture_images("inspection_serialises_to_json") else {
        return;
    };

    let inspection = common::inspect_fixture(&images, "doc12_school_timetable_scan.png");

    let inspection = inspection.unwrap_or_else(|error| panic!("doc12: {error}"));
    let json = serde_json::to_value(&inspection).unwrap_or_default();
    assert_eq!(json["format"], "png");
    assert_eq!(json["sha256"], "4bea31eb88808465667dcd5bb2efcede4f28425603d59fdc1c0eab4be966d070");
    assert!(json["checks"]["effective_dpi"]["value"].is_number());
    assert!(json["ocr"]["text"].is_string());
    assert!(json.get("working_image").is_none());
    assert_eq!(inspection.thumbnails.len(), 2);
}

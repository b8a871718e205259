//! CMYK JPEG, as scanners and print workflows write it, baseline and progressive: decoded to the
//! right colours, not inverted, and carried through the pipeline.

mod common;

use std::path::Path;

use juanzong_photo::{inspect, Limits, PhotoFormat};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

#[test]
fn cmyk_jpegs_decode_with_their_colours() {
    let mut engine = common::new_engine();
    for name in ["cmyk_baseline.jpg", "cmyk_progressive.jpg"] {
        let inspection = inspect(&fixture(name), &Limits::default(), &mut engine)
            .unwrap_or_else(|error| panic!("{name}: {error}"));

        assert_eq!(inspection.format, PhotoFormat::Jpeg, "{name}");
        assert_eq!(
            (inspection.original_width, inspection.original_height),
            (600, 400),
            "{name}"
        );

        // The red half stays red and the white half white: an inverted or misread CMYK file
        // would come out cyan and black.
        let image = &inspection.working_image;
        let red = image.get_pixel(image.width() / 6, image.height() / 2);
        assert!(red[0] > 150, "{name}: red channel {red:?}");
        assert!(red[1] < 90, "{name}: green channel {red:?}");
        assert!(red[2] < 90, "{name}: blue channel {red:?}");
        let white = image.get_pixel(image.width() * 9 / 10, image.height() * 9 / 10);
        assert!(white.0.iter().all(|&channel| channel > 200), "{name}: white {white:?}");
    }
}

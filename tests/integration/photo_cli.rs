//! `permitpack photo FILE...` end to end, on the committed fixtures
//! (tests/fixtures/photos, made by `cargo run --example make_photo_fixtures`).

use crate::util::{Dir, stderr, stdout};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
        .display()
        .to_string()
}

/// The PASS/FAIL word printed for `name` (English output).
fn verdict_of<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| (l.starts_with("PASS  ") || l.starts_with("FAIL  ")) && l.ends_with(name))
        .map(|l| &l[..4])
        .unwrap_or_else(|| panic!("no verdict line for {name} in:\n{out}"))
}

/// The block of lines printed for `name` (its verdict line up to the next verdict line).
fn block_of(out: &str, name: &str) -> String {
    let mut lines = out.lines().skip_while(|l| {
        !(l.starts_with("PASS  ") || l.starts_with("FAIL  ")) || !l.ends_with(name)
    });
    let first = lines.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = lines.take_while(|l| l.starts_with("    ")).collect();
    format!("{first}\n{}", rest.join("\n"))
}

#[test]
fn every_fixture_gets_its_verdict_and_reasons() {
    let d = Dir::new();
    let expected: &[(&str, &str, &[&str])] = &[
        ("blue.jpg", "PASS", &[]),
        ("blue_studio.jpg", "PASS", &[]),
        ("light_blue.jpg", "PASS", &[]),
        ("white.jpg", "FAIL", &["[photo.background]"]),
        ("grey.jpg", "FAIL", &["[photo.background]"]),
        ("light_cyan.jpg", "FAIL", &["[photo.background]"]),
        (
            "mottled.jpg",
            "PASS",
            &["[photo.uniformity.mottled]", "[warning] evenness"],
        ),
        ("shadow.jpg", "PASS", &["[photo.uniformity.shadow]"]),
        (
            "square.jpg",
            "FAIL",
            &["[photo.aspect]", "[FAIL] aspect ratio: 1.000 (620 × 620)"],
        ),
        (
            "small.jpg",
            "FAIL",
            &[
                "[photo.resolution]",
                "[FAIL] resolution: 240 × 329 px  (need: at least 354 × 472 px)",
            ],
        ),
        ("rotated_exif.jpg", "PASS", &["480 × 658"]),
        (
            "rotated_no_exif.jpg",
            "FAIL",
            &["[photo.aspect]", "658 × 480"],
        ),
        ("cmyk.jpg", "PASS", &["[photo.colour.cmyk]"]),
        ("greyscale.jpg", "FAIL", &["[photo.colour.greyscale]"]),
        (
            "display_p3.jpg",
            "PASS",
            &["[photo.colour.profile]", "Display P3"],
        ),
        (
            "alpha.png",
            "FAIL",
            &["[photo.colour.alpha]", "[photo.background]"],
        ),
        ("opaque.png", "PASS", &[]),
        (
            "truncated.jpg",
            "FAIL",
            &["[photo.unreadable]", "incomplete file"],
        ),
        (
            "not_an_image.jpg",
            "FAIL",
            &["[photo.unreadable]", "not an image"],
        ),
        (
            "iphone.heic",
            "FAIL",
            &["[photo.format]", "HEIC", "Convert it to JPEG"],
        ),
        (
            "bomb.png",
            "FAIL",
            &["[photo.oversize_image]", "20000 × 20000"],
        ),
        // A plain blue image: no face is an error.
        ("no_person.jpg", "FAIL", &["[photo.face.none]"]),
    ];
    let mut args = vec!["photo".to_string(), "--lang".into(), "en".into()];
    args.extend(expected.iter().map(|(n, _, _)| fixture(n)));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = d.run(&argv);
    let text = stdout(&out);
    out.assert_code(1);
    for (name, verdict, needles) in expected {
        assert_eq!(
            verdict_of(&text, name),
            *verdict,
            "{name}:\n{}",
            block_of(&text, name)
        );
        let block = block_of(&text, name);
        for n in *needles {
            assert!(block.contains(n), "{name}: expected {n:?} in\n{block}");
        }
        if *verdict == "PASS" && needles.is_empty() {
            assert!(
                !block.contains("[photo."),
                "{name} should have no issue:\n{block}"
            );
        }
    }
    let passes = expected.iter().filter(|e| e.1 == "PASS").count();
    assert!(
        text.contains(&format!("{passes} of {} photos passed.", expected.len())),
        "{text}"
    );
}

#[test]
fn all_good_exits_zero_and_writes_previews() {
    let d = Dir::new();
    let out = d.run(&[
        "photo",
        &fixture("blue.jpg"),
        &fixture("rotated_exif.jpg"),
        "--previews",
        "prev",
    ]);
    out.assert_code(0);
    for name in ["blue.preview.jpg", "rotated_exif.preview.jpg"] {
        let img =
            image::load_from_memory(&d.read(format!("prev/{name}"))).expect("preview is an image");
        assert_eq!(img.height(), 240, "{name}");
        // As displayed: portrait even for the file stored sideways.
        assert!(img.width() < img.height(), "{name}");
    }
    // Chinese first by default.
    assert!(
        stdout(&out).starts_with("照片规格 shenzhen-2inch"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("通过 / PASS"));
}

#[test]
fn nothing_readable_or_bad_arguments_exit_two() {
    let d = Dir::new();
    let out = d.run(&[
        "photo",
        &fixture("not_an_image.jpg"),
        "missing.jpg",
        "--lang",
        "en",
    ]);
    out.assert_code(2);
    assert!(
        stdout(&out).contains("cannot read missing.jpg"),
        "{}",
        stdout(&out)
    );
    let out = d.run(&[
        "photo",
        &fixture("blue.jpg"),
        "--photo-profile",
        "passport-uk",
    ]);
    out.assert_code(2);
    assert!(
        stderr(&out).contains("cn-exit-entry, shenzhen-2inch"),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["photo"]);
    out.assert_code(2);
}

#[test]
fn exit_entry_profile_takes_white_three_by_four() {
    let d = Dir::new();
    let f = fixture("exit_entry_white.jpg");
    let out = d.run(&[
        "photo",
        &f,
        "--photo-profile",
        "cn-exit-entry",
        "--lang",
        "en",
    ]);
    out.assert_code(0);
    assert!(stdout(&out).contains("[ok] file size"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("[ok] dpi: 300 dpi"),
        "{}",
        stdout(&out)
    );
    // The default 35 x 48 mm blue profile takes its 3:4 studio size, with a note on the
    // print, but not its white backdrop.
    let out = d.run(&["photo", &f, "--lang", "en"]);
    out.assert_code(1);
    let text = stdout(&out);
    assert!(text.contains("[photo.background]"), "{text}");
    for code in ["[photo.aspect]", "[photo.resolution]"] {
        assert!(!text.contains(code), "{code} in {text}");
    }
    assert!(
        text.contains("the print glued on the form must still be 35 × 48 mm"),
        "{text}"
    );
}

#[test]
fn a_user_profile_is_used_and_checked() {
    let d = Dir::new();
    let base = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates/photo/shenzhen-2inch.toml"),
    )
    .unwrap();
    // A company that also accepts white backdrops.
    let white = base.replace(
        "[uniformity]",
        "[[background.colour]]\nname = \"white\"\nname_zh = \"白色\"\nhue_min = 0.0\nhue_max = 360.0\nsaturation_min = 0.0\nsaturation_max = 0.1\nvalue_min = 0.85\nvalue_max = 1.0\n\n[uniformity]",
    );
    d.write("tpl/photo/blue-or-white.toml", white);
    d.write(
        "tpl/photo/broken.toml",
        base.replace("min_share = 0.90", "min_share = 9"),
    );
    let out = d.run(&[
        "photo",
        &fixture("white.jpg"),
        "--templates",
        "tpl",
        "--photo-profile",
        "blue-or-white",
        "--lang",
        "en",
    ]);
    out.assert_code(0);
    assert!(stdout(&out).contains("blue or white"), "{}", stdout(&out));
    let out = d.run(&[
        "photo",
        &fixture("white.jpg"),
        "--templates",
        "tpl",
        "--photo-profile",
        "broken",
    ]);
    out.assert_code(2);
    assert!(
        stderr(&out).contains("photo/broken.toml") && stderr(&out).contains("background.min_share"),
        "{}",
        stderr(&out)
    );
}

/// Issue 13: a file name the user typed is shown as typed (no roster says its stem is a
/// passport number, and the user must tell the files apart), and its preview is named after
/// it: `EK1234567.jpg` and `EK7654567.jpg` stay two names, `p413x579.jpg` is not a passport.
#[test]
fn typed_file_names_are_never_masked() {
    let d = Dir::new();
    for name in [
        "photos/EK1234567.jpg",
        "photos/EK7654567.jpg",
        "photos/p413x579.jpg",
    ] {
        d.write(name, std::fs::read(fixture("blue.jpg")).unwrap());
    }
    d.write(
        "photos/G7654321.heic",
        std::fs::read(fixture("iphone.heic")).unwrap(),
    );
    let out = d.run(&[
        "photo",
        "photos/EK1234567.jpg",
        "photos/EK7654567.jpg",
        "photos/p413x579.jpg",
        "photos/G7654321.heic",
        "--previews",
        "prev",
    ]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("**"), "{all}");
    for name in [
        "EK1234567.jpg",
        "EK7654567.jpg",
        "p413x579.jpg",
        "G7654321.heic",
    ] {
        assert!(all.contains(&format!("photos/{name}")), "{name}: {all}");
    }
    for stem in ["EK1234567", "EK7654567", "p413x579"] {
        assert!(
            d.join(&format!("prev/{stem}.preview.jpg")).is_file(),
            "{stem}: {all}"
        );
    }
}

/// A 16-bit PNG is not waved through as "[ok] RGB, 16-bit (need 8-bit)": the colour line
/// warns, and the issue says what to do.
#[test]
fn a_sixteen_bit_png_says_to_save_it_as_8_bit_or_jpeg() {
    let d = Dir::new();
    let img = image::open(fixture("blue.jpg")).unwrap().to_rgb16();
    let path = d.join("deep.png");
    img.save(&path).unwrap();
    let out = d.run(&["photo", path.to_str().unwrap(), "--lang", "en"]);
    let text = stdout(&out);
    let block = block_of(&text, "deep.png");
    assert!(block.contains("[photo.colour.deep]"), "{block}");
    assert!(!block.contains("[ok] colour"), "{block}");
    assert!(block.contains("JPEG"), "says what to do: {block}");
    assert!(block.contains("8 Bits/Channel"), "{block}");
}

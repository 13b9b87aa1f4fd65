//! report.html opened in a real browser (headless Chromium): the DOM it builds has every card
//! and no script, and screenshots at desktop and phone widths are written for a person to
//! look at. Needs Debian's `chromium`; run with
//! `PERMITPACK_SHOT_DIR=/tmp/shots cargo test --test report_html_chromium -- --ignored`.

mod report_data;

use permitpack::assets::Templates;
use permitpack::catalog::Lang;
use permitpack::report;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn browser(bin: &Path, profile: &Path, extra: &[String], url: &str) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs")
}

#[test]
#[ignore = "needs chromium; run with --ignored"]
fn report_html_renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("chromium not found: skipped");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = match std::env::var_os("PERMITPACK_SHOT_DIR") {
        Some(d) => PathBuf::from(d),
        None => tmp.path().join("out"),
    };
    std::fs::create_dir_all(&out).unwrap();
    let cat = report_data::catalog(tmp.path());
    for (lang, dir) in [(Lang::Both, "both"), (Lang::En, "en")] {
        let d = out.join(dir);
        std::fs::create_dir_all(&d).unwrap();
        report::write_all(
            &d,
            &report_data::run(lang),
            &report_data::outcomes(),
            &cat,
            &Templates::builtin(),
        )
        .unwrap();
    }
    let page = out.join("both/report.html").canonicalize().unwrap();
    let url = format!("file://{}", page.display());
    let profile = tempfile::tempdir().unwrap();

    let dom = browser(&bin, profile.path(), &["--dump-dom".into()], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(
        dom.matches("<article class=\"card").count(),
        6,
        "cards in the DOM"
    );
    assert!(!dom.contains("<script"), "no script element was created");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The renewal timeline: one inline SVG, the as-of line, and a row per employee.
    assert_eq!(dom.matches("class=\"timeline-svg\"").count(), 1);
    assert_eq!(dom.matches("class=\"today\"").count(), 1);

    for (name, w, h, url) in [
        ("report-desktop.png", 1280, 2600, url.clone()),
        ("report-phone.png", 390, 2400, url.clone()),
        (
            "report-en-desktop.png",
            1280,
            1400,
            format!(
                "file://{}",
                out.join("en/report.html").canonicalize().unwrap().display()
            ),
        ),
    ] {
        let shot = out.join(name);
        let _ = std::fs::remove_file(&shot);
        let res = browser(
            &bin,
            profile.path(),
            &[
                format!("--screenshot={}", shot.display()),
                format!("--window-size={w},{h}"),
            ],
            &url,
        );
        assert!(
            shot.is_file(),
            "no screenshot: {}",
            String::from_utf8_lossy(&res.stderr)
        );
        let img = image::open(&shot).unwrap().to_rgb8();
        assert_eq!(img.width(), w);
        // The page header is the accent blue: the style sheet was applied.
        let top = img.get_pixel(w / 2, 5);
        assert_eq!(
            top.0,
            [0x1f, 0x4e, 0x78],
            "header colour at the top of {name}"
        );
        eprintln!("screenshot: {}", shot.display());
    }
}

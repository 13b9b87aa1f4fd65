//! Photo stage throughput on phone-size photos: `cargo bench --bench photo`.
//!
//! Generates one realistic 12-megapixel portrait (head and shoulders on a studio-blue
//! backdrop with sensor noise), stored sideways at 4000 x 3000 with EXIF orientation 6 as
//! phones do, encoded as a quality-90 JPEG. Reports photos per second for `photo::judge`
//! (headers, decode, colour, face, background, uniformity, preview) single-threaded and on
//! all cores, and the time of each phase, so the share spent decoding is visible.
//! Wall time is disturbed by other work on a shared machine, so the process CPU time
//! (Linux /proc, all threads) is reported beside it. Nothing is asserted.

#[path = "../examples/make_photo_fixtures/synth.rs"]
mod synth;

use permitpack::assets::Templates;
use permitpack::photo::{self, PhotoProfile, decode, face, measure, preview, sniff};
use rayon::prelude::*;
use std::time::Instant;

/// Process CPU time (user + system, all threads) in milliseconds, when /proc is there.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0) // USER_HZ is 100 on Linux
}

/// Median wall time and mean CPU time per run, in ms, after one warm-up run.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, Option<f64>) {
    std::hint::black_box(f());
    let cpu0 = cpu_ms();
    let mut walls: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let cpu = match (cpu0, cpu_ms()) {
        (Some(a), Some(b)) => Some((b - a) / runs as f64),
        _ => None,
    };
    walls.sort_by(f64::total_cmp);
    (walls[runs / 2], cpu)
}

fn line(label: &str, (wall, cpu): (f64, Option<f64>), total: f64) {
    let cpu = cpu.map_or("   n/a".to_string(), |c| format!("{c:>6.1}"));
    println!(
        "  {label:<32} {wall:>7.1} ms wall  {cpu} ms cpu  {:>4.0} %",
        100.0 * wall / total
    );
}

fn main() {
    let t0 = Instant::now();
    let upright = synth::portrait(3000, 4000, &synth::Scene::on([67, 142, 219]));
    let stored = image::imageops::rotate270(&upright);
    drop(upright);
    let bytes = synth::with_exif_orientation(&synth::jpeg(&stored, 90), 6);
    drop(stored);
    println!(
        "input: 4000 x 3000 JPEG, quality 90, EXIF orientation 6, {:.2} MB (generated in {:.1} s)",
        bytes.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let profile = PhotoProfile::load(&Templates::builtin(), "shenzhen-2inch").expect("profile");
    let v = photo::judge(&bytes, "bench.jpg", &profile);
    println!(
        "verdict: ok={} {:?} {}x{} background {:.1} % faces {:?}",
        v.ok(),
        v.issues.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        v.report.width.unwrap_or(0),
        v.report.height.unwrap_or(0),
        v.report.background_share.unwrap_or(0.0) * 100.0,
        v.report.face.as_ref().map(|f| f.count)
    );

    let runs = 21;
    let header = sniff::sniff(&bytes).expect("headers");
    let work = decode::decode(&bytes, &header, profile.limits.max_pixels).expect("decode");
    let faces = face::detect(&work, profile.face.min_score).expect("detector");
    let head = faces
        .first()
        .map(|f| f.head_region(work.width, work.height));
    let bg = measure::measure(&work, &profile.background, head);

    let judge = time(runs, || photo::judge(&bytes, "bench.jpg", &profile));
    let sniffing = time(runs, || sniff::sniff(&bytes));
    let decoding = time(runs, || {
        decode::decode(&bytes, &header, profile.limits.max_pixels)
    });
    let scaled = time(runs, || {
        let mut d = jpeg_decoder::Decoder::new(&bytes[..]);
        d.scale(300, u16::MAX).expect("scale");
        d.decode().expect("decode")
    });
    let detecting = time(runs, || face::detect(&work, profile.face.min_score));
    let measuring = time(runs, || measure::measure(&work, &profile.background, head));
    let bands = measure::bands(work.width, work.height, &profile.background);
    let previewing = time(runs, || {
        preview::render(
            &work,
            &preview::Marks {
                roles: &bg.roles,
                bands: &bands,
                faces: &[],
                face_ok: true,
            },
        )
    });
    let full = time(5, || {
        let mut d = jpeg_decoder::Decoder::new(&bytes[..]);
        d.decode().expect("decode")
    });

    let total = judge.0;
    println!(
        "\nsingle thread, median of {runs} (working image {} x {}):",
        work.width, work.height
    );
    line("judge, everything", judge, total);
    line("headers (sniff + end-of-image scan)", sniffing, total);
    line("decode to working image", decoding, total);
    line("  of which jpeg-decoder at 1/8", scaled, total);
    line("face detection", detecting, total);
    line("background + uniformity", measuring, total);
    line("preview", previewing, total);
    println!(
        "  => {:.1} photos/s; decoding is {:.0} % of the time",
        1000.0 / total,
        100.0 * decoding.0 / total
    );
    println!(
        "  (a full-size decode, without DCT scaling, takes {:.1} ms wall)",
        full.0
    );

    let threads = rayon::current_num_threads();
    let batch = 8 * threads;
    let par = time(3, || {
        (0..batch)
            .into_par_iter()
            .map(|_| photo::judge(&bytes, "bench.jpg", &profile).report.bytes)
            .sum::<u64>()
    });
    println!(
        "\n{threads} threads, {batch} photos: {:.1} ms wall = {:.1} photos/s",
        par.0,
        batch as f64 * 1000.0 / par.0
    );
}

//! The page of `permitpack serve` in a real browser: Debian's headless Chromium driven over
//! WebDriver (chromedriver, with `fantoccini`), a fresh profile and no background network.
//! It opens the printed URL, uploads the samples folder through the folder input, waits for
//! the report cards, checks what they show against the command line's report, uses a
//! filter, opens a ready employee's card (collapsed to one line) and copies a value of the
//! platform form, checks the download names, looks at the page and report.html at phone
//! width (no sideways scrolling), downloads one packet through the page's link with the
//! browser's cookie and opens it, and deletes the job through the confirmation (Cancel keeps
//! it). A second session (issue 24) adds a scan from a card to a folder named by person, drops
//! three files on another card, switches the roster from the page, and after a restart finds
//! the job in the list. Set `PERMITPACK_SHOT_DIR` to keep screenshots at 1280x800 (README's
//! docs/serve.png, the new controls as `serve-add`, `serve-added`, `serve-drop3`,
//! `serve-roster`, `serve-jobs`) and 390x844 (`*-390.png`).
//! Fails in CI when chromium or chromedriver is missing.

use crate::report::Report;
use crate::serve::{Server, samples};
use crate::util::{Dir, need_tool};
use fantoccini::{ClientBuilder, Locator};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_page_in_chromium_uploads_the_samples_and_downloads_a_packet() {
    if !need_tool("chromium", &["--version"]) || !need_tool("chromedriver", &["--version"]) {
        return;
    }
    let dir = Dir::new();
    let cli = dir.run(&[
        "build",
        samples().join("roster.xlsx").to_str().unwrap(),
        "--as-of",
        "2026-11-26",
        "--out",
        "cli-out",
        "-q",
    ]);
    cli.assert_code(1);
    let want = Report::read(&dir, "cli-out");
    let server = Server::start(&dir, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (driver, client) = browser(&dir).await;
        let result = drive(&client, &server, &dir, &want).await;
        let _ = client.close().await;
        drop(driver);
        if let Err(e) = result {
            panic!("{e}\nserver log:\n{}", server.log());
        }
    });
}

/// chromedriver on a free port and a WebDriver session of headless Chromium with a fresh
/// profile in `dir`, no background network, 1280x800.
async fn browser(dir: &Dir) -> (Driver, fantoccini::Client) {
    let port = free_port();
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--hide-scrollbars",
                "--window-size=1280,800",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let start = Instant::now();
    let client = loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if start.elapsed() > Duration::from_secs(30) => {
                panic!("no WebDriver session: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    (driver, client)
}

async fn drive(
    c: &fantoccini::Client,
    server: &Server,
    dir: &Dir,
    want: &Report,
) -> Result<(), String> {
    let e = |what: &str| {
        let what = what.to_string();
        move |err: fantoccini::error::CmdError| format!("{what}: {err}")
    };
    c.goto(&server.url).await.map_err(e("open the page"))?;
    let url = c.current_url().await.map_err(e("url"))?;
    if url.as_str().contains("token") {
        return Err(format!("the token stayed in the address bar: {url}"));
    }
    let cookie = c
        .get_named_cookie(&format!("permitpack-{}", server.port))
        .await
        .map_err(e("the cookie"))?;
    if cookie.http_only() != Some(true) {
        return Err("the cookie is not HttpOnly".into());
    }
    // The words arrived (the limits line is filled from /api/info).
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//p[@id='limits'][contains(., '64')]"))
        .await
        .map_err(e("the limits line"))?;
    c.find(Locator::Id("as_of"))
        .await
        .map_err(e("as_of"))?
        .send_keys("11262026")
        .await
        .map_err(e("type the date"))?;
    let picked: String = c
        .execute("return document.getElementById('as_of').value", vec![])
        .await
        .map_err(e("as_of value"))?
        .as_str()
        .unwrap_or("")
        .to_string();
    if picked != "2026-11-26" {
        // Some builds order the date fields by locale; set it directly then.
        c.execute(
            "document.getElementById('as_of').value = '2026-11-26'",
            vec![],
        )
        .await
        .map_err(e("set as_of"))?;
    }
    let folder = c
        .find(Locator::Id("folder"))
        .await
        .map_err(e("folder input"))?;
    folder
        .send_keys(samples().to_str().unwrap())
        .await
        .map_err(e("upload the samples folder"))?;
    let employees = want.employees.len();
    let start = Instant::now();
    loop {
        let n = c
            .execute(
                "return document.querySelectorAll('#cards .card').length",
                vec![],
            )
            .await
            .map_err(e("count cards"))?;
        if n.as_u64() == Some(employees as u64) {
            break;
        }
        if start.elapsed() > Duration::from_secs(240) {
            let err = c
                .execute("return document.getElementById('error').innerText", vec![])
                .await
                .unwrap_or_default();
            return Err(format!(
                "no report after 240 s: {n} cards; error box: {err}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The tiles show the command line's counts, in the report's order of statuses.
    let tiles = c
        .execute(
            "return [...document.querySelectorAll('#tiles .tile')].map(t => [t.className, t.querySelector('.n').textContent])",
            vec![],
        )
        .await
        .map_err(e("tiles"))?;
    // Each tile: its class (`tile s-<status>`) and the number it shows.
    let tiles: Vec<(String, String)> = read(tiles, "tiles")?;
    for (class, n) in &tiles {
        let status = class.rsplit("s-").next().unwrap();
        let shown: usize = n
            .parse()
            .map_err(|_| format!("tile {status} shows {n:?}"))?;
        if Some(shown) != want.summary.count(status) {
            return Err(format!(
                "tile {status} shows {shown}, the CLI says {:?}",
                want.summary.count(status)
            ));
        }
    }
    let progress = c
        .execute(
            "return document.getElementById('emp-n').textContent",
            vec![],
        )
        .await
        .map_err(e("progress"))?;
    if progress.as_str() != Some(&format!("{employees}/{employees}")) {
        return Err(format!("the employee bar ends at {progress}"));
    }
    // A filter: only the "too late" cards stay visible.
    c.find(Locator::Css("#filters button[data-f='too_late']"))
        .await
        .map_err(e("filter"))?
        .click()
        .await
        .map_err(e("click filter"))?;
    let visible = c
        .execute("return [...document.querySelectorAll('#cards .card')].filter(c => !c.hidden).map(c => c.dataset.status)", vec![])
        .await
        .map_err(e("visible cards"))?;
    let visible: Vec<String> = read(visible, "visible cards")?;
    if visible.len() != want.summary.too_late || visible.iter().any(|s| s != "too_late") {
        return Err(format!("the too-late filter shows {visible:?}"));
    }
    c.find(Locator::Css("#filters button[data-f='all']"))
        .await
        .map_err(e("filter all"))?
        .click()
        .await
        .map_err(e("click all"))?;
    let shots = std::env::var_os("PERMITPACK_SHOT_DIR").map(std::path::PathBuf::from);
    if let Some(shots) = &shots {
        // The part HR looks at once the job is done: progress, counts, filters, first cards.
        c.execute(
            "document.getElementById('progress').scrollIntoView()",
            vec![],
        )
        .await
        .map_err(e("scroll"))?;
        let png = c.screenshot().await.map_err(e("screenshot"))?;
        std::fs::write(shots.join("serve.png"), png).unwrap();
    }
    cards_at_a_glance(c, want).await?;
    form_values_with_copy_buttons(c, want).await?;
    no_command_line_advice(c).await?;
    download_names(c, want).await?;
    phone_width(c, shots.as_deref()).await?;
    // One packet through the page's own link and the browser's cookie.
    let fetched = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const a = document.querySelector('#cards .card a[download]');
               fetch(a.href).then(r => r.arrayBuffer()).then(b => {
                 let s = ''; const u = new Uint8Array(b);
                 for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
                 done([a.getAttribute('download'), btoa(s)]);
               }).catch(err => done(['', String(err)]));"#,
            vec![],
        )
        .await
        .map_err(e("download a packet"))?;
    let name = fetched[0].as_str().unwrap_or("").to_string();
    let bytes = base64_decode(fetched[1].as_str().unwrap_or(""));
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone()))
        .map_err(|err| format!("the packet {name} does not open: {err}"))?;
    if !zip
        .file_names()
        .any(|n| n.is_ok_and(|n| n.starts_with("00_cover")))
    {
        return Err(format!("packet {name} has no cover"));
    }
    let cli_packet = std::fs::read(dir.join("cli-out/packets").join(&name))
        .map_err(|err| format!("the CLI wrote no {name}: {err}"))?;
    if cli_packet != bytes {
        return Err(format!("packet {name} differs from the CLI's"));
    }
    delete_with_confirmation(c).await?;
    // The thumbnails' addresses hold passport numbers: the log has the route only.
    let log = server.log();
    if !log.contains("/thumb/{*path} job") || log.contains("EK1234567") {
        return Err(format!("the log:\n{log}"));
    }
    Ok(())
}

fn cmd_err(what: &str) -> impl Fn(fantoccini::error::CmdError) -> String {
    let what = what.to_string();
    move |err| format!("{what}: {err}")
}

/// What a script returned, read as `T`.
fn read<T: DeserializeOwned>(v: serde_json::Value, what: &str) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{what}: {e} in {v}"))
}

async fn js(c: &fantoccini::Client, script: &str) -> Result<serde_json::Value, String> {
    c.execute(script, vec![])
        .await
        .map_err(|err| format!("{script}: {err}"))
}

/// Waits until `script` returns true.
async fn until(c: &fantoccini::Client, what: &str, script: &str) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if js(c, script).await?.as_bool() == Some(true) {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(20) {
            return Err(format!("{what}: still not so after 20 s ({script})"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Ready employees' cards are one line (closed), the others open; a click opens a card and a
/// second one closes it; each line has the photo and labelled dates.
async fn cards_at_a_glance(c: &fantoccini::Client, want: &Report) -> Result<(), String> {
    /// A card as the page lays it out: its element, status, whether it is open, the dates
    /// labelled on its line, whether its line has the photo.
    #[derive(Debug, Deserialize)]
    struct Card(String, String, bool, u64, bool);
    let cards = js(
        c,
        "return [...document.querySelectorAll('#cards .card')].map(c => [c.tagName, c.dataset.status, c.open, c.querySelectorAll('summary .dates dt').length, !!c.querySelector('summary .thumb')])",
    )
    .await?;
    let cards: Vec<Card> = read(cards, "cards")?;
    let mut ready = 0;
    for (card, emp) in cards.iter().zip(&want.employees) {
        let Card(tag, status, open, dates, photo) = card;
        if *status != emp.status {
            return Err(format!("card {card:?} for {}", emp.status));
        }
        if tag != "DETAILS" || *open != (status != "ready") {
            return Err(format!(
                "a {status} card should be {}: {card:?}",
                if status == "ready" { "closed" } else { "open" }
            ));
        }
        if *dates < 3 || !photo {
            return Err(format!(
                "a card line without its labelled dates or photo: {card:?}"
            ));
        }
        ready += usize::from(status == "ready");
    }
    if ready == 0 {
        return Err("the samples have no ready employee".into());
    }
    // The photos arrive as thumbnails.
    until(
        c,
        "the photo thumbnails",
        "return [...document.querySelectorAll('#cards img.thumb')].some(i => i.complete && i.naturalWidth > 20)",
    )
    .await?;
    // Only photos of the upload are served as thumbnails.
    let refused = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const job = location.hash.replace('#job=', '');
               Promise.all(['samples/roster.xlsx', 'samples/photos/none.jpg', '..%2Fin%2Fsamples%2Froster.xlsx']
                 .map(p => fetch(`/api/jobs/${job}/thumb/${p}`).then(r => r.status)))
                 .then(done).catch(err => done(String(err)));"#,
            vec![],
        )
        .await
        .map_err(cmd_err("thumbnails of other files"))?;
    if refused != serde_json::json!([404, 404, 404]) {
        return Err(format!("thumbnails of other files: {refused}"));
    }
    let first = "#cards .card[data-status='ready'] > summary";
    let open = "return document.querySelector(\"#cards .card[data-status='ready']\").open";
    c.find(Locator::Css(first))
        .await
        .map_err(cmd_err("a ready card"))?
        .click()
        .await
        .map_err(cmd_err("open a ready card"))?;
    if js(c, open).await? != true {
        return Err("a click does not open a ready card".into());
    }
    let height: f64 = js(
        c,
        "return document.querySelector(\"#cards .card[data-status='ready'] > summary\").getBoundingClientRect().height",
    )
    .await?
    .as_f64()
    .unwrap_or(0.0);
    if height > 90.0 {
        return Err(format!("a card's line is {height} px tall"));
    }
    c.find(Locator::Css(first))
        .await
        .map_err(cmd_err("a ready card"))?
        .click()
        .await
        .map_err(cmd_err("close a ready card"))?;
    if js(c, open).await? != false {
        return Err("a second click does not close the card".into());
    }
    Ok(())
}

/// The first ready employee's platform form: every field in the platform's order, a copy
/// button for each value, and a copy that reaches the clipboard and says so.
async fn form_values_with_copy_buttons(
    c: &fantoccini::Client,
    want: &Report,
) -> Result<(), String> {
    let emp = want
        .employees
        .iter()
        .find(|e| e.status == "ready")
        .ok_or("no ready employee")?;
    let row = emp.row;
    let card = format!("#cards .card[data-row='{row}']");
    c.find(Locator::Css(&format!("{card} > summary")))
        .await
        .map_err(cmd_err("the card"))?
        .click()
        .await
        .map_err(cmd_err("open the card"))?;
    let shown = js(
        c,
        &format!(
            "return [...document.querySelectorAll(\"{card} .form-list li.field\")].map(li => [li.dataset.field, li.querySelector('.fv').textContent, !!li.querySelector('button.copy')])"
        ),
    )
    .await?;
    // Each field as shown: its key, the value, whether it has a copy button.
    let shown: Vec<(String, String, bool)> = read(shown, "the form's fields")?;
    let fields = &emp.platform_form;
    if fields.is_empty() {
        return Err(format!("no platform form for row {row}"));
    }
    let order: Vec<&str> = shown.iter().map(|f| f.0.as_str()).collect();
    let want_order: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    if order != want_order {
        return Err(format!(
            "form fields {order:?}, the platform's order is {want_order:?}"
        ));
    }
    for (f, w) in shown.iter().zip(fields) {
        let value = &w.value;
        if !value.is_empty() && (f.1 != *value || !f.2) {
            return Err(format!(
                "field {f:?} should show {value:?} with a copy button"
            ));
        }
    }
    // Copy the surname (in passport-zone letters) and paste it into a text box.
    let surname = fields
        .iter()
        .find(|f| f.field == "surname" && !f.value.is_empty())
        .ok_or("no surname in the platform form")?
        .value
        .as_str();
    c.find(Locator::Css(&format!(
        "{card} li.field[data-field='surname'] button.copy"
    )))
    .await
    .map_err(cmd_err("the surname's copy button"))?
    .click()
    .await
    .map_err(cmd_err("copy"))?;
    until(
        c,
        "the copy button says Copied",
        &format!(
            "const b = document.querySelector(\"{card} li.field[data-field='surname'] button.copy\"); return b.dataset.copied === 'yes' && b.textContent.includes('Copied')"
        ),
    )
    .await?;
    js(
        c,
        "const t = document.createElement('textarea'); t.id = 'paste-here'; document.body.append(t); t.focus(); return true",
    )
    .await?;
    let paste = c
        .find(Locator::Id("paste-here"))
        .await
        .map_err(cmd_err("the paste box"))?;
    paste
        .send_keys(&(fantoccini::key::Key::Control + "v"))
        .await
        .map_err(cmd_err("paste"))?;
    let pasted = js(
        c,
        "const t = document.getElementById('paste-here'); const v = t.value; t.remove(); return v",
    )
    .await?;
    if pasted != surname {
        return Err(format!("the clipboard holds {pasted}, not {surname:?}"));
    }
    Ok(())
}

/// The cards speak of folders and files to drop, never of the command line.
async fn no_command_line_advice(c: &fantoccini::Client) -> Result<(), String> {
    let text = js(c, "return document.body.innerText").await?;
    let text = text.as_str().unwrap_or("");
    for advice in [
        "--docs",
        "--photos",
        "--out",
        "--templates",
        "permitpack build",
        "permitpack init",
    ] {
        if text.contains(advice) {
            return Err(format!("the page gives command-line advice: {advice}"));
        }
    }
    Ok(())
}

/// The downloads are named after the company and the as-of date.
async fn download_names(c: &fantoccini::Client, want: &Report) -> Result<(), String> {
    let company = want
        .company
        .name_zh
        .as_deref()
        .ok_or("no company name in report.json")?;
    let got = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const links = ['dl-packets', 'dl-xlsx'].map(id => document.getElementById(id));
               Promise.all(links.map(a => fetch(a.href).then(r => [a.getAttribute('download'), r.headers.get('content-disposition')])))
                 .then(done).catch(err => done(String(err)));"#,
            vec![],
        )
        .await
        .map_err(cmd_err("the download names"))?;
    for (link, what) in got
        .as_array()
        .ok_or(format!("{got}"))?
        .iter()
        .zip(["packets.zip", "report.xlsx"])
    {
        let name = format!("{company}_2026-11-26_{what}");
        let encoded: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let header = link[1].as_str().unwrap_or("");
        if !header.contains(&format!("filename*=UTF-8''{encoded}")) || link[0] != "" {
            return Err(format!("{what} is saved as {link}, not {name}"));
        }
    }
    Ok(())
}

/// Sets the page's own size (the window's inside) to `w` x `h`.
async fn viewport(c: &fantoccini::Client, w: u32, h: u32) -> Result<(), String> {
    c.set_window_size(w, h)
        .await
        .map_err(cmd_err("window size"))?;
    let inner = js(c, "return [window.innerWidth, window.innerHeight]").await?;
    let (iw, ih) = (
        inner[0].as_u64().unwrap_or(0) as u32,
        inner[1].as_u64().unwrap_or(0) as u32,
    );
    if (iw, ih) != (w, h) {
        c.set_window_size(2 * w - iw.min(2 * w), 2 * h - ih.min(2 * h))
            .await
            .map_err(cmd_err("window size"))?;
    }
    let inner = js(c, "return window.innerWidth").await?;
    if inner.as_u64() != Some(w as u64) {
        return Err(format!("the page is {inner} px wide, not {w}"));
    }
    Ok(())
}

const SIDEWAYS: &str = "const d = document.documentElement; return [d.scrollWidth, d.clientWidth, [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.table-wrap, .timeline-wrap')).slice(0, 5).map(e => e.tagName + '.' + e.className)]";

/// At 390 px (a phone) neither the page nor report.html scrolls sideways: the timeline and
/// wide tables scroll in their own boxes.
async fn phone_width(
    c: &fantoccini::Client,
    shots: Option<&std::path::Path>,
) -> Result<(), String> {
    viewport(c, 390, 844).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = js(c, SIDEWAYS).await?;
    if m[0].as_u64() > m[1].as_u64() {
        return Err(format!("the page scrolls sideways at 390 px: {m}"));
    }
    if let Some(shots) = shots {
        js(
            c,
            "document.getElementById('progress').scrollIntoView(); return true",
        )
        .await?;
        let png = c.screenshot().await.map_err(cmd_err("screenshot"))?;
        std::fs::write(shots.join("serve-390.png"), png).unwrap();
    }
    let page = c.current_url().await.map_err(cmd_err("url"))?;
    let report: String = read(
        js(
            c,
            "return document.querySelector('#downloads a[target=_blank]').href",
        )
        .await?,
        "the report link",
    )?;
    c.goto(&report).await.map_err(cmd_err("open report.html"))?;
    until(
        c,
        "report.html",
        "return !!document.getElementById('timeline')",
    )
    .await?;
    let m = js(c, SIDEWAYS).await?;
    if m[0].as_u64() > m[1].as_u64() {
        return Err(format!("report.html scrolls sideways at 390 px: {m}"));
    }
    // The timeline scrolls in its own box, at a readable size.
    let tl = js(
        c,
        "const w = document.querySelector('.timeline-wrap'); const s = w.querySelector('svg'); return [w.scrollWidth > w.clientWidth, s.getBoundingClientRect().width / s.viewBox.baseVal.width]",
    )
    .await?;
    if tl[0] != true || tl[1].as_f64().unwrap_or(0.0) < 0.99 {
        return Err(format!("the timeline at 390 px: {tl}"));
    }
    if let Some(shots) = shots {
        js(
            c,
            "document.getElementById('timeline').scrollIntoView(); return true",
        )
        .await?;
        let png = c.screenshot().await.map_err(cmd_err("screenshot"))?;
        std::fs::write(shots.join("report-390.png"), png).unwrap();
    }
    c.goto(page.as_str())
        .await
        .map_err(cmd_err("back to the page"))?;
    viewport(c, 1280, 800).await?;
    until(
        c,
        "the cards again",
        "return document.querySelectorAll('#cards .card').length > 0",
    )
    .await?;
    Ok(())
}

/// Delete asks first: Cancel keeps the job, Delete removes it.
async fn delete_with_confirmation(c: &fantoccini::Client) -> Result<(), String> {
    let job = js(c, "return location.hash.replace('#job=', '')").await?;
    let job = job.as_str().unwrap_or("").to_string();
    let exists = format!(
        "const done = arguments[arguments.length - 1]; fetch('/api/jobs/{job}').then(r => done(r.status)).catch(e => done(String(e)))"
    );
    let status = |c: &fantoccini::Client| {
        let script = exists.clone();
        let c = c.clone();
        async move {
            c.execute_async(&script, vec![])
                .await
                .map_err(cmd_err("the job's status"))
        }
    };
    let click = |sel: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(sel))
                .await
                .map_err(cmd_err(sel))?
                .click()
                .await
                .map_err(cmd_err(sel))
        }
    };
    click("#delete").await?;
    until(
        c,
        "the confirmation opens",
        "return document.getElementById('confirm').open",
    )
    .await?;
    click("#confirm-cancel").await?;
    until(
        c,
        "Cancel closes it",
        "return !document.getElementById('confirm').open",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    if status(c).await? != 200 {
        return Err("Cancel deleted the job".into());
    }
    if js(c, "return document.getElementById('result').hidden").await? != false {
        return Err("Cancel hid the report".into());
    }
    click("#delete").await?;
    until(
        c,
        "the confirmation opens again",
        "return document.getElementById('confirm').open",
    )
    .await?;
    click("#confirm-delete").await?;
    until(c, "the job is deleted", "return document.getElementById('result').hidden && !document.getElementById('error').hidden").await?;
    if status(c).await? != 404 {
        return Err("Delete left the job".into());
    }
    Ok(())
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let Some(v) = A.iter().position(|&a| a == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

// ---- issue 24: add files on a card, drop three, switch the roster, reopen after a restart ---

/// Waits until `script` returns true, for up to `secs` seconds (a rerun of the job).
async fn until_for(
    c: &fantoccini::Client,
    what: &str,
    script: &str,
    secs: u64,
) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if js(c, script).await?.as_bool() == Some(true) {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let err = js(c, "return document.getElementById('error').innerText")
                .await
                .unwrap_or_default();
            return Err(format!(
                "{what}: still not so after {secs} s ({script}); error box: {err}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// With `PERMITPACK_SHOT_DIR`: the element of `selector` scrolled into view, at 1280x800 as
/// `NAME.png` and at 390x844 as `NAME-390.png` (neither scrolling sideways).
async fn shots(c: &fantoccini::Client, name: &str, selector: &str) -> Result<(), String> {
    let Some(dir) = std::env::var_os("PERMITPACK_SHOT_DIR").map(std::path::PathBuf::from) else {
        return Ok(());
    };
    let scroll = format!(
        "const e = document.querySelector({}); if (e) e.scrollIntoView({{block: 'center'}}); return !!e",
        serde_json::to_string(selector).unwrap()
    );
    for (w, h, file) in [
        (1280, 800, format!("{name}.png")),
        (390, 844, format!("{name}-390.png")),
    ] {
        viewport(c, w, h).await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
        if js(c, &scroll).await? != true {
            return Err(format!("{selector} is not on the page"));
        }
        let m = js(c, SIDEWAYS).await?;
        if m[0].as_u64() > m[1].as_u64() {
            return Err(format!("the page scrolls sideways at {w} px: {m}"));
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = c.screenshot().await.map_err(cmd_err("screenshot"))?;
        std::fs::write(dir.join(file), png).unwrap();
    }
    viewport(c, 1280, 800).await
}

/// Sets the item of each row of a card's add panel (in row order) and saves.
async fn pick_items_and_save(
    c: &fantoccini::Client,
    card: &str,
    items: &[&str],
) -> Result<(), String> {
    let script = format!(
        "const sel = [...document.querySelectorAll(\"{card} .add-panel select\")]; const items = {}; \
         if (sel.length !== items.length) return 'rows: ' + sel.length; \
         sel.forEach((s, i) => {{ s.value = items[i]; s.dispatchEvent(new Event('change')); }}); \
         return document.querySelector(\"{card} .add-save\").disabled ? 'save stays disabled' : 'ok'",
        serde_json::to_string(items).unwrap()
    );
    let r = js(c, &script).await?;
    if r != "ok" {
        return Err(format!("the add panel of {card}: {r}"));
    }
    Ok(())
}

async fn click(c: &fantoccini::Client, selector: &str) -> Result<(), String> {
    c.find(Locator::Css(selector))
        .await
        .map_err(cmd_err(selector))?
        .click()
        .await
        .map_err(cmd_err(selector))
}

#[test]
fn serve_page_adds_files_on_a_card_switches_the_roster_and_reopens_a_job() {
    if !need_tool("chromium", &["--version"]) || !need_tool("chromedriver", &["--version"]) {
        return;
    }
    let dir = Dir::new();
    crate::serve::hr_company(&dir);
    let rp = dir.write(
        "scans/IMG_2041.jpg",
        crate::fixtures::folder::scan_bytes("rp.jpg", crate::fixtures::folder::Scan::Jpeg),
    );
    let mut server = Server::start(&dir, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (driver, client) = browser(&dir).await;
        let result = fix_flows(&client, &mut server, &dir, &rp).await;
        let _ = client.close().await;
        drop(driver);
        if let Err(e) = result {
            panic!("{e}\nserver log:\n{}", server.log());
        }
    });
}

async fn fix_flows(
    c: &fantoccini::Client,
    server: &mut Server,
    dir: &Dir,
    rp: &std::path::Path,
) -> Result<(), String> {
    use crate::fixtures::folder::{AS_OF, COMPANY_ZH, Scan, scan_bytes};
    c.goto(&server.url)
        .await
        .map_err(cmd_err("open the page"))?;
    until(
        c,
        "the limits line",
        "return document.getElementById('limits').textContent.includes('64')",
    )
    .await?;
    js(
        c,
        &format!(
            "document.getElementById('as_of').value = '{AS_OF}'; document.getElementById('mode').value = 'check'; return true"
        ),
    )
    .await?;
    c.find(Locator::Id("folder"))
        .await
        .map_err(cmd_err("folder input"))?
        .send_keys(dir.join("co").to_str().unwrap())
        .await
        .map_err(cmd_err("upload the company folder"))?;
    until_for(
        c,
        "three cards",
        "return document.querySelectorAll('#cards .card').length === 3",
        240,
    )
    .await?;
    let job = js(c, "return location.hash.replace('#job=', '')").await?;
    let job = job.as_str().unwrap_or("").to_string();

    // The roster read, why, and the others to choose from.
    let why = js(c, "return document.getElementById('roster-why').innerText").await?;
    let why = why.as_str().unwrap_or("");
    if !why.contains("co/2026_花名册.xlsx") || !why.contains("latest date") {
        return Err(format!("the roster's reason: {why}"));
    }
    let others = js(
        c,
        "return [...document.querySelectorAll('#roster-pick option')].map(o => o.value)",
    )
    .await?;
    if others != json!(["co/2025_花名册.xlsx", "co/roster.xlsx"]) {
        return Err(format!("the other spreadsheets: {others}"));
    }

    // Dubois (`21AB34567_Dubois/`): a scan through "Add scans", its item chosen.
    let dubois = "#cards .card[data-passport='21AB34567']";
    let missing = js(
        c,
        &format!("return document.querySelector(\"{dubois}\").dataset.missing"),
    )
    .await?;
    if missing != "1" {
        return Err(format!("Dubois misses {missing} items before"));
    }
    c.find(Locator::Css(&format!("{dubois} input[id^='f-scan']")))
        .await
        .map_err(cmd_err("Dubois's file input"))?
        .send_keys(rp.to_str().unwrap())
        .await
        .map_err(cmd_err("choose the scan"))?;
    until(
        c,
        "the add panel",
        &format!("return !!document.querySelector(\"{dubois} .add-panel\")"),
    )
    .await?;
    let first = js(
        c,
        &format!("return [...document.querySelector(\"{dubois} .add-panel select\").options].map(o => o.value)"),
    )
    .await?;
    let first = first.as_array().cloned().unwrap_or_default();
    if first.get(1) != Some(&json!("residence_permit")) || first.last() != Some(&json!("photo")) {
        return Err(format!(
            "the items offered: missing first, photo last: {first:?}"
        ));
    }
    pick_items_and_save(c, dubois, &["residence_permit"]).await?;
    shots(c, "serve-add", &format!("{dubois} .add-panel")).await?;
    click(c, &format!("{dubois} .add-save")).await?;
    until_for(
        c,
        "Dubois's missing count drops",
        &format!("const e = document.querySelector(\"{dubois}\"); return !!e && e.dataset.missing === '0' && !!e.querySelector('.card-note')"),
        120,
    )
    .await?;
    let note = js(
        c,
        &format!("return document.querySelector(\"{dubois} .card-note\").innerText"),
    )
    .await?;
    let note = note.as_str().unwrap_or("");
    if !note.contains("docs/21AB34567_Dubois/residence_permit.jpg") || !note.contains("0") {
        return Err(format!("the card's note: {note}"));
    }
    shots(c, "serve-added", &format!("{dubois} .card-note")).await?;
    let docs = server.data.join(&job).join("in/co/docs");
    if docs.join("21AB34567").exists() {
        return Err("a new folder docs/21AB34567 was made".into());
    }
    let mut kept: Vec<String> = std::fs::read_dir(docs.join("21AB34567_Dubois"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    let mut want: Vec<String> = crate::fixtures::folder::FULL_B6
        .iter()
        .map(|(n, _)| n.to_string())
        .filter(|n| n != "居留许可页.jpg")
        .chain(["residence_permit.jpg".to_string()])
        .collect();
    want.sort();
    if kept != want {
        return Err(format!("Dubois's folder holds {kept:?}, not {want:?}"));
    }

    // Tanaka (`TK4829173 Tanaka/`): three files dropped on the card at once.
    let tanaka = "#cards .card[data-passport='TK4829173']";
    let files = json!([
        ["scan 1.jpg", "image/jpeg", scan_bytes("a.jpg", Scan::Jpeg)],
        [
            "scan 2.pdf",
            "application/pdf",
            scan_bytes("b.pdf", Scan::Pdf)
        ],
        [
            "scan 3.pdf",
            "application/pdf",
            scan_bytes("c.pdf", Scan::Pdf)
        ],
    ]);
    let dropped = c
        .execute(
            &format!(
                "const card = document.querySelector(\"{tanaka}\"); const dt = new DataTransfer(); \
                 for (const [name, type, bytes] of arguments[0]) dt.items.add(new File([new Uint8Array(bytes)], name, {{type}})); \
                 card.dispatchEvent(new DragEvent('drop', {{dataTransfer: dt, bubbles: true, cancelable: true}})); \
                 return card.querySelectorAll('.add-panel tbody tr').length"
            ),
            vec![files],
        )
        .await
        .map_err(cmd_err("drop three files"))?;
    if dropped != 3 {
        return Err(format!("{dropped} rows after dropping three files"));
    }
    pick_items_and_save(
        c,
        tanaka,
        &["residence_permit", "work_permit", "photo_receipt"],
    )
    .await?;
    shots(c, "serve-drop3", &format!("{tanaka} .add-panel")).await?;
    click(c, &format!("{tanaka} .add-save")).await?;
    until_for(
        c,
        "Tanaka's missing count drops to 0",
        &format!("const e = document.querySelector(\"{tanaka}\"); return !!e && e.dataset.missing === '0' && !!e.querySelector('.card-note')"),
        120,
    )
    .await?;
    let lines = js(
        c,
        &format!("return document.querySelectorAll(\"{tanaka} .card-note p\").length"),
    )
    .await?;
    if lines != 4 {
        return Err(format!(
            "Tanaka's note has {lines} lines, not 3 files and the count"
        ));
    }
    if !docs.join("TK4829173 Tanaka/Passport bio page.jpg").exists() {
        return Err("Tanaka's passport scan went".into());
    }

    // Last year's roster, from the page: two employees.
    shots(c, "serve-roster", "#roster-note").await?;
    js(
        c,
        "const s = document.getElementById('roster-pick'); s.value = 'co/2025_花名册.xlsx'; return true",
    )
    .await?;
    click(c, "#roster-use").await?;
    until_for(
        c,
        "last year's roster is read",
        "return document.querySelectorAll('#cards .card').length === 2 && document.getElementById('roster-why').innerText.includes('2025_花名册')",
        120,
    )
    .await?;

    // A restart: the job is in the list, with its company, and opens as it was.
    let old = server.url.clone();
    server.stop();
    *server = Server::start(dir, &[]);
    if server.url == old {
        return Err("the same address after a restart".into());
    }
    c.goto(&server.url)
        .await
        .map_err(cmd_err("open the new page"))?;
    until_for(
        c,
        "the list of jobs",
        "return document.querySelectorAll('#job-list button.job').length === 1 && document.getElementById('jobs-box').open",
        20,
    )
    .await?;
    let line = js(
        c,
        "return document.querySelector('#job-list button.job').innerText",
    )
    .await?;
    let line = line.as_str().unwrap_or("");
    if !line.contains(COMPANY_ZH) || !line.contains("2025_花名册") {
        return Err(format!("the job's line: {line}"));
    }
    shots(c, "serve-jobs", "#jobs").await?;
    click(c, "#job-list button.job").await?;
    until_for(
        c,
        "the job reopened",
        "return document.querySelectorAll('#cards .card').length === 2 && !document.getElementById('result').hidden",
        30,
    )
    .await?;
    let hash = js(c, "return location.hash").await?;
    if hash != format!("#job={job}") {
        return Err(format!("the address says {hash}"));
    }
    Ok(())
}

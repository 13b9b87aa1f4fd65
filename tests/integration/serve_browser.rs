//! The page of `permitpack serve` in a real browser: Debian's headless Chromium driven over
//! WebDriver (chromedriver, with `fantoccini`), a fresh profile and no background network.
//! It opens the printed URL, uploads the samples folder through the folder input, waits for
//! the report cards, checks what they show against the command line's report, uses a
//! filter, downloads one packet through the page's link with the browser's cookie and opens
//! it. Set `PERMITPACK_SHOT_DIR` to keep a 1280x800 screenshot (README's docs/serve.png).
//! Fails in CI when chromium or chromedriver is missing.

use crate::serve::{Server, samples};
use crate::util::{Dir, need_tool};
use fantoccini::{ClientBuilder, Locator};
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
    let want = dir.report("cli-out");
    let server = Server::start(&dir, &[]);
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
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
        let result = drive(&client, &server, &dir, &want).await;
        let _ = client.close().await;
        if let Err(e) = result {
            panic!("{e}\nserver log:\n{}", server.log());
        }
    });
    drop(driver);
}

async fn drive(
    c: &fantoccini::Client,
    server: &Server,
    dir: &Dir,
    want: &serde_json::Value,
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
    let employees = want["employees"].as_array().unwrap().len();
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
    for t in tiles.as_array().unwrap() {
        let class = t[0].as_str().unwrap();
        let status = class.rsplit("s-").next().unwrap();
        let shown: u64 = t[1].as_str().unwrap().parse().unwrap();
        if Some(shown) != want["summary"][status].as_u64() {
            return Err(format!(
                "tile {status} shows {shown}, the CLI says {}",
                want["summary"][status]
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
    let visible = visible.as_array().unwrap();
    if visible.len() as u64 != want["summary"]["too_late"].as_u64().unwrap()
        || visible.iter().any(|s| s != "too_late")
    {
        return Err(format!("the too-late filter shows {visible:?}"));
    }
    if let Some(shots) = std::env::var_os("PERMITPACK_SHOT_DIR") {
        c.find(Locator::Css("#filters button[data-f='all']"))
            .await
            .map_err(e("filter all"))?
            .click()
            .await
            .map_err(e("click all"))?;
        // The part HR looks at once the job is done: progress, counts, filters, first cards.
        c.execute(
            "document.getElementById('progress').scrollIntoView()",
            vec![],
        )
        .await
        .map_err(e("scroll"))?;
        let png = c.screenshot().await.map_err(e("screenshot"))?;
        std::fs::write(std::path::Path::new(&shots).join("serve.png"), png).unwrap();
    }
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

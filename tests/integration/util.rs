//! The harness for end-to-end tests, in ripgrep's style: a [`Dir`] is a fresh scratch folder
//! per test, a [`TestCommand`] runs the real `permitpack` binary in it, and the assertions on
//! what it did ([`Ran::assert_code`]) panic with the whole story: the command line, the
//! working folder, the exit status, stdout, stderr and a listing of the folder (the output
//! included), so one failing test is understood from CI's log alone.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory that lives as long as the test.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::Builder::new()
                .prefix("permitpack-test")
                .tempdir()
                .expect("tempdir"),
        }
    }
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.tmp.path().join(rel)
    }
    /// Writes a file, creating parent folders.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
    pub fn read(&self, rel: impl AsRef<Path>) -> Vec<u8> {
        let path = self.join(rel);
        std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\n\nfolder:\n{}",
                path.display(),
                listing(self.path())
            )
        })
    }
    /// Parsed OUT/report.json under `out`.
    pub fn report(&self, out: &str) -> serde_json::Value {
        serde_json::from_slice(&self.read(Path::new(out).join("report.json")))
            .expect("report.json parses")
    }
    /// The real binary, to run inside this directory (no password from the environment).
    pub fn command(&self) -> TestCommand {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_permitpack"));
        cmd.current_dir(self.path());
        cmd.env_remove("PERMITPACK_PASSWORD");
        TestCommand {
            dir: self.path().to_path_buf(),
            cmd,
        }
    }
    /// The underlying `Command` for tests that spawn and signal the process themselves.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut t = self.command();
        t.args(args);
        t.cmd
    }
    /// Runs the binary with `args` and returns what it did.
    pub fn run(&self, args: &[&str]) -> Ran {
        self.command().args(args).run()
    }
    /// Runs another command (a shell around the binary) in this directory.
    pub fn run_command(&self, cmd: &mut Command) -> Ran {
        TestCommand {
            dir: self.path().to_path_buf(),
            cmd: std::mem::replace(cmd, Command::new("true")),
        }
        .run()
    }
}

/// A command for the binary under test, remembering the folder it runs in.
pub struct TestCommand {
    dir: PathBuf,
    cmd: Command,
}

impl TestCommand {
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut TestCommand {
        self.cmd.arg(arg);
        self
    }
    pub fn args<I, A>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = A>,
        A: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }
    pub fn env(&mut self, key: impl AsRef<OsStr>, val: impl AsRef<OsStr>) -> &mut TestCommand {
        self.cmd.env(key, val);
        self
    }
    /// Runs the command to its end.
    pub fn run(&mut self) -> Ran {
        let out = self
            .cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.cmd));
        Ran {
            command: format!("{:?}", self.cmd),
            dir: self.dir.clone(),
            out,
        }
    }
}

/// A finished run of the binary: its output (through `Deref`) and what is needed to explain
/// it when an assertion fails.
pub struct Ran {
    command: String,
    dir: PathBuf,
    out: Output,
}

impl std::ops::Deref for Ran {
    type Target = Output;
    fn deref(&self) -> &Output {
        &self.out
    }
}

impl Ran {
    /// The exit status, -1 when a signal ended the process.
    pub fn code(&self) -> i32 {
        code(&self.out)
    }
    pub fn stdout(&self) -> String {
        stdout(&self.out)
    }
    pub fn stderr(&self) -> String {
        stderr(&self.out)
    }
    /// Panics with the whole story unless the exit status is `want`.
    #[track_caller]
    pub fn assert_code(&self, want: i32) -> &Ran {
        if self.code() != want {
            panic!("{}", self.story(&format!("expected exit status {want}")));
        }
        self
    }
    /// Panics with the whole story when the exit status is `unwanted`.
    #[track_caller]
    pub fn assert_not_code(&self, unwanted: i32) -> &Ran {
        if self.code() == unwanted {
            panic!(
                "{}",
                self.story(&format!("expected any exit status but {unwanted}"))
            );
        }
        self
    }
    /// Panics with the whole story unless `ok` holds.
    #[track_caller]
    pub fn assert_that(&self, ok: bool, what: &str) -> &Ran {
        if !ok {
            panic!("{}", self.story(what));
        }
        self
    }
    /// The command, folder, status, stdout, stderr and folder listing, for a failure message.
    pub fn story(&self, what: &str) -> String {
        format!(
            "\n\n===== {what} =====\
             \ncommand: {}\
             \ncwd: {}\
             \nstatus: {}\
             \n\n--- stdout ---\n{}\
             \n--- stderr ---\n{}\
             \n--- folder ---\n{}=====\n",
            self.command,
            self.dir.display(),
            self.out.status,
            self.stdout(),
            self.stderr(),
            listing(&self.dir),
        )
    }
}

/// Every file and folder under `root` with its size, sorted, at most 200 lines.
pub fn listing(root: &Path) -> String {
    let mut lines = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => {
                    lines.push(format!("{rel}/"));
                    stack.push(p);
                }
                Ok(m) if m.is_symlink() => lines.push(format!("{rel} -> (link)")),
                Ok(m) => lines.push(format!("{rel} ({} bytes)", m.len())),
                Err(_) => lines.push(format!("{rel} (unreadable)")),
            }
        }
    }
    lines.sort();
    let mut s = String::new();
    for l in lines.iter().take(200) {
        let _ = writeln!(s, "  {l}");
    }
    if lines.len() > 200 {
        let _ = writeln!(s, "  ... {} more", lines.len() - 200);
    }
    s
}

/// Whether an external tool the test needs is installed. Missing on a developer machine: the
/// test prints a note and is skipped. Missing in CI (`CI=true`): the test fails, so a check
/// cannot pass there by not running.
#[track_caller]
pub fn need_tool(name: &str, probe: &[&str]) -> bool {
    let found = Command::new(name)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{name} is not installed, and CI=true: install it (see .ci/run)");
    }
    eprintln!("SKIPPED: {name} is not installed");
    false
}

/// The text layer of the PDF whose name contains `entry_part` inside the packet `zip`,
/// white space removed (pdftotext breaks lines anywhere in Chinese text). `None` when
/// pdftotext is missing outside CI; the PDF is written to `scratch` on the way.
pub fn packet_pdf_text(zip: &Path, entry_part: &str, scratch: &Path) -> Option<String> {
    if !need_tool("pdftotext", &["-v"]) {
        return None;
    }
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let name = z
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .find(|n| n.contains(entry_part) && n.ends_with(".pdf"))
        .unwrap_or_else(|| panic!("no {entry_part} PDF in {}", zip.display()))
        .to_string();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name(&name).unwrap(), &mut bytes).unwrap();
    let pdf = scratch.join(format!("{entry_part}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    )
}

/// Exit code of an output.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The employee object for a sheet row in report.json.
pub fn employee_at_row(report: &serde_json::Value, row: u64) -> &serde_json::Value {
    report["employees"]
        .as_array()
        .expect("employees array")
        .iter()
        .find(|e| e["row"].as_u64() == Some(row))
        .unwrap_or_else(|| panic!("no employee at row {row} in report"))
}

/// `(code, cell)` pairs of an employee's issues whose code starts with `family`.
pub fn issue_codes(employee: &serde_json::Value, family: &str) -> Vec<(String, String)> {
    employee["issues"]
        .as_array()
        .expect("issues array")
        .iter()
        .filter(|i| i["code"].as_str().unwrap_or("").starts_with(family))
        .map(|i| {
            (
                i["code"].as_str().unwrap_or("").to_string(),
                i["cell"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Every output file under `root`, relative path -> bytes, leaving out permitpack's own
/// working state in `.permitpack/` (the lock, the rerun cache, the packets manifest).
pub fn output_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".permitpack") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

//! Shared harness for end-to-end tests: a scratch directory and a way to run the real
//! `permitpack` binary in it. Include with `mod util;` from a test file.
#![allow(dead_code)]

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
        std::fs::read(self.join(rel)).unwrap()
    }
    /// Parsed OUT/report.json under `out`.
    pub fn report(&self, out: &str) -> serde_json::Value {
        serde_json::from_slice(&self.read(Path::new(out).join("report.json")))
            .expect("report.json parses")
    }
    /// A command for the real binary, run inside this directory.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_permitpack"));
        cmd.current_dir(self.path()).args(args);
        cmd.env_remove("PERMITPACK_PASSWORD");
        cmd
    }
    /// Runs the binary and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("binary runs")
    }
}

/// Exit code of an output, with stderr shown when it is not what the test expected.
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

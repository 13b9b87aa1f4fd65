//! The server's settings as the command line gives them, the data folder (where job folders
//! live) and the `--keep` duration.

use crate::limits::ServeLimits;
use crate::run::Setup;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A setting of `permitpack serve` that cannot be used: each names the option and what to
/// do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A non-loopback address without a password.
    #[error(
        "refusing to listen on {bind} without a password: anyone on the network could read the passports; set PERMITPACK_SERVE_PASSWORD (or use --password-stdin), or leave --bind out to stay on this computer"
    )]
    NoPassword { bind: IpAddr },
    #[error("cannot create the data folder {}: {source}; choose another with --data", .dir.display())]
    DataDir { dir: PathBuf, source: io::Error },
    /// `--keep` is not a number and a unit.
    #[error("'{given}' is not a duration such as 30m, 24h or 7d")]
    BadKeep { given: String },
    #[error("--keep {given}: jobs must be kept for some time")]
    KeepZero { given: String },
    #[error("--password-stdin: cannot read standard input: {0}")]
    PasswordStdin(#[source] io::Error),
    #[error("--password-stdin: standard input gave no password")]
    EmptyPasswordStdin,
}

/// What `permitpack serve` was asked to do.
pub struct Config {
    pub bind: IpAddr,
    /// 0: any free port (the URL printed says which).
    pub port: u16,
    /// Job folders live here, one 0700 folder each.
    pub data: PathBuf,
    /// Jobs are deleted this long after their last upload.
    pub keep: Duration,
    /// Host names the server also answers to (behind a reverse proxy, an office name).
    pub allow_hosts: Vec<String>,
    /// Login password: required unless bound to loopback.
    pub password: Option<String>,
    pub open: bool,
    pub setup: Arc<Setup>,
    pub limits: ServeLimits,
    /// The `init` workbook, served by "start a new roster".
    pub starter: Vec<u8>,
    /// Concurrent jobs (one per core).
    pub workers: usize,
    /// Behind a reverse proxy: the client is the last address of `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Timeouts and connection caps.
    pub net: super::net::NetLimits,
}

impl Config {
    /// Refuses a setting that would expose the jobs: a non-loopback address without a
    /// password.
    pub fn check(&self) -> Result<(), ConfigError> {
        if !self.bind.is_loopback() && self.password.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError::NoPassword { bind: self.bind });
        }
        Ok(())
    }
}

/// The default data folder: `permitpack/serve` under the user's cache folder
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%`
/// on Windows), or the system temporary folder when none is known.
pub fn default_data_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.unwrap_or_else(std::env::temp_dir)
        .join("permitpack")
        .join("serve")
}

/// Creates the data folder, private to the user.
pub fn create_data_dir(dir: &Path) -> Result<(), ConfigError> {
    crate::fsutil::create_output_dir(dir, false).map_err(|source| ConfigError::DataDir {
        dir: dir.to_path_buf(),
        source,
    })
}

/// Parses `--keep`: a number and a unit, `90s`, `30m`, `24h` or `7d`.
pub fn parse_keep(s: &str) -> Result<Duration, ConfigError> {
    let s = s.trim();
    let bad = || ConfigError::BadKeep {
        given: s.to_string(),
    };
    let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(bad()),
    };
    if secs == 0 {
        return Err(ConfigError::KeepZero {
            given: s.to_string(),
        });
    }
    Ok(Duration::from_secs(secs))
}

/// A duration as `--keep` takes it.
pub fn show_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s % 86_400 == 0 && s >= 2 * 86_400 => format!("{}d", s / 86_400),
        _ if s % 3600 == 0 => format!("{}h", s / 3600),
        _ if s % 60 == 0 => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_durations() {
        assert_eq!(parse_keep("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_keep("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_keep("7d").unwrap(), Duration::from_secs(7 * 86_400));
        for bad in ["", "h", "24", "0h", "1w", "-1h"] {
            assert!(parse_keep(bad).is_err(), "{bad}");
        }
        assert_eq!(show_duration(Duration::from_secs(86_400)), "24h");
        assert_eq!(show_duration(Duration::from_secs(7 * 86_400)), "7d");
        assert_eq!(show_duration(Duration::from_secs(5400)), "90m");
    }

    #[test]
    fn a_bad_setting_names_the_option_and_what_to_do() {
        assert_eq!(
            parse_keep(" 1w ").unwrap_err().to_string(),
            "'1w' is not a duration such as 30m, 24h or 7d"
        );
        assert_eq!(
            parse_keep("0h").unwrap_err().to_string(),
            "--keep 0h: jobs must be kept for some time"
        );
        let open = ConfigError::NoPassword {
            bind: IpAddr::from([0, 0, 0, 0]),
        };
        assert_eq!(
            open.to_string(),
            "refusing to listen on 0.0.0.0 without a password: anyone on the network could \
             read the passports; set PERMITPACK_SERVE_PASSWORD (or use --password-stdin), or \
             leave --bind out to stay on this computer"
        );
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("data");
        std::fs::write(&file, b"x").unwrap();
        let e = create_data_dir(&file.join("serve")).unwrap_err();
        let source = std::error::Error::source(&e).unwrap().to_string();
        assert_eq!(
            e.to_string(),
            format!(
                "cannot create the data folder {}: {source}; choose another with --data",
                file.join("serve").display()
            )
        );
    }
}

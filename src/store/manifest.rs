//! The packets folder's manifest: which packets permitpack wrote in the last `build`, so a
//! rerun removes exactly the packets it wrote before and did not write again (an employee
//! who left the roster, a passport number corrected), and `check` can say that the packets
//! on disk are from that earlier build. Files permitpack did not write are never touched.
//!
//! The manifest is `OUT/.permitpack/packets.json`: beside the packets folder, not in it, so
//! the folder HR copies or hands on holds nothing but packets (and the user's own files).

use crate::fsutil;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the manifest inside the tool's state folder (`OUT/.permitpack`).
pub const MANIFEST_NAME: &str = "packets.json";

/// What one `build` wrote into the packets folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// The as-of date of that build.
    pub as_of: NaiveDate,
    /// The roster file name of that build.
    pub roster: String,
    /// Packet file names, sorted.
    pub packets: Vec<String>,
}

impl Manifest {
    /// The manifest in the state folder `state`, if there is a readable one.
    pub fn read(state: &Path) -> Option<Manifest> {
        let bytes = fsutil::read_input(&state.join(MANIFEST_NAME), 64 << 20).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Whether `name` could be a packet this tool wrote: a plain `.zip` file name, no dot first,
/// no `..` (a manifest edited by hand must not point elsewhere).
fn is_packet_name(name: &str) -> bool {
    name.ends_with(".zip")
        && !name.starts_with('.')
        && !name.contains("..")
        && fsutil::safe_file_name(name, 255) == name
}

/// Ends a build's packets in `dir`: removes the packets the previous manifest (in the state
/// folder `state`) lists that this run did not write (only regular files by those names),
/// then records `written` as the new manifest. Returns the names removed, sorted.
pub fn finish_build(
    dir: &Path,
    state: &Path,
    written: &[String],
    as_of: NaiveDate,
    roster: &str,
) -> Result<Vec<String>, fsutil::WriteError> {
    let mut written: Vec<String> = written.to_vec();
    written.sort();
    written.dedup();
    let mut removed = Vec::new();
    if let Some(old) = Manifest::read(state) {
        for name in old.packets {
            if !is_packet_name(&name) || written.binary_search(&name).is_ok() {
                continue;
            }
            let path = dir.join(&name);
            let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
            if is_file && std::fs::remove_file(&path).is_ok() {
                removed.push(name);
            }
        }
    }
    removed.sort();
    let manifest = Manifest {
        format_version: 1,
        as_of,
        roster: roster.to_string(),
        packets: written,
    };
    let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    fsutil::create_output_dir(state, false).map_err(|e| fsutil::WriteError {
        path: state.to_path_buf(),
        source: e,
    })?;
    fsutil::write_atomic(state, MANIFEST_NAME, &json)?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_rerun_removes_only_its_own_stale_packets() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for n in ["E1_A.zip", "E2_B.zip", "mine.zip", "notes.txt"] {
            std::fs::write(d.join(n), b"x").unwrap();
        }
        let state = dir.path().join(".permitpack");
        let first = finish_build(
            d,
            &state,
            &["E1_A.zip".into(), "E2_B.zip".into()],
            date(),
            "r.xlsx",
        );
        assert!(first.unwrap().is_empty());
        let m = Manifest::read(&state).unwrap();
        assert_eq!(m.packets, ["E1_A.zip", "E2_B.zip"]);
        // E2's passport number was corrected: its old packet goes, the user's files stay.
        std::fs::write(d.join("E3_B.zip"), b"x").unwrap();
        let removed = finish_build(
            d,
            &state,
            &["E1_A.zip".into(), "E3_B.zip".into()],
            date(),
            "r.xlsx",
        );
        assert_eq!(removed.unwrap(), ["E2_B.zip"]);
        for keep in ["E1_A.zip", "E3_B.zip", "mine.zip", "notes.txt"] {
            assert!(d.join(keep).exists(), "{keep}");
        }
        assert!(!d.join("E2_B.zip").exists());
    }

    #[test]
    fn a_hand_edited_manifest_cannot_reach_outside() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("packets");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(dir.path().join("outside.zip"), b"x").unwrap();
        std::fs::write(d.join(".hidden.zip"), b"x").unwrap();
        let m = r#"{"format_version":1,"as_of":"2026-11-26","roster":"r","packets":
            ["../outside.zip",".hidden.zip","a/../../outside.zip"]}"#;
        let state = dir.path().join(".permitpack");
        std::fs::create_dir(&state).unwrap();
        std::fs::write(state.join(MANIFEST_NAME), m).unwrap();
        assert!(
            finish_build(&d, &state, &[], date(), "r")
                .unwrap()
                .is_empty()
        );
        assert!(dir.path().join("outside.zip").exists());
        assert!(d.join(".hidden.zip").exists());
    }
}

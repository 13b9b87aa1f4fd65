//! `permitpack photo FILE...`: judge photo files and print one verdict per file.

use super::PhotoArgs;

pub fn run(_args: &PhotoArgs) -> anyhow::Result<i32> {
    anyhow::bail!("photo is not implemented yet")
}

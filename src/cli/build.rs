//! `permitpack build` and `permitpack check`.

use super::RunArgs;

pub fn run(_args: &RunArgs, _write_packets: bool) -> anyhow::Result<i32> {
    anyhow::bail!("build/check are not implemented yet")
}

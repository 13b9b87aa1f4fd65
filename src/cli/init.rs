//! `permitpack init DIR`: a starter workbook and a copy of the templates.

use super::InitArgs;

pub fn run(_args: &InitArgs) -> anyhow::Result<i32> {
    anyhow::bail!("init is not implemented yet")
}

//! Fuzz target: the roster reader on arbitrary bytes saved as an `.xlsx` file. Seeds are
//! small real workbooks (see `corpus/roster_xlsx`), so mutations reach the zip container,
//! the workbook parts and the sheet XML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use permitpack::assets::Templates;
use permitpack::roster::{self, ColumnAliases};
use std::sync::LazyLock;

static ALIASES: LazyLock<ColumnAliases> =
    LazyLock::new(|| ColumnAliases::load(&Templates::builtin()).expect("built-in columns load"));

fuzz_target!(|data: &[u8]| {
    let _ = roster::read(data, "roster.xlsx", &ALIASES);
});

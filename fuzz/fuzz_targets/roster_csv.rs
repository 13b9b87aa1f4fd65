//! Fuzz target: the roster reader on arbitrary bytes saved as a `.csv` file. The content
//! decides the format, so this also reaches the not-a-spreadsheet and encoding paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use permitpack::assets::Templates;
use permitpack::roster::{self, ColumnAliases};
use std::sync::LazyLock;

static ALIASES: LazyLock<ColumnAliases> =
    LazyLock::new(|| ColumnAliases::load(&Templates::builtin()).expect("built-in columns load"));

fuzz_target!(|data: &[u8]| {
    // Any result is fine; a panic (even one the reader would catch) or a crash is a bug.
    let _ = roster::read(data, "roster.csv", &ALIASES);
});

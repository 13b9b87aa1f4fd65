//! Fuzz target: the photo judge on arbitrary bytes with the default profile (size cap,
//! sniffing, header checks, decode, measurements, face detector, preview).
#![no_main]

use libfuzzer_sys::fuzz_target;
use permitpack::assets::Templates;
use permitpack::photo::{self, DEFAULT_PROFILE, PhotoProfile};
use std::sync::LazyLock;

static PROFILE: LazyLock<PhotoProfile> = LazyLock::new(|| {
    PhotoProfile::load(&Templates::builtin(), DEFAULT_PROFILE).expect("built-in profile loads")
});

fuzz_target!(|data: &[u8]| {
    let verdict = photo::judge(data, "photo.jpg", &PROFILE);
    // The verdict must be consistent: `ok` exactly when no error-level issue was raised.
    assert_eq!(
        verdict.ok(),
        !verdict.issues.iter().any(|i| i.is_error()),
        "ok flag disagrees with the issues"
    );
});

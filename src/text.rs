//! Text keys the stages share, so none imports another for them: full-width forms folded to
//! ASCII ([`halfwidth`], for roster cells and headers), the key a file or item name is
//! matched by ([`scan_key`]), and a file name's stem ([`stem`]).

use unicode_normalization::UnicodeNormalization;

/// Maps a full-width ASCII form (U+FF01..U+FF5E) and the ideographic space to ASCII.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The key a scan's file name is matched by: lower-cased NFKC text with every run of
/// characters that are not letters or digits turned into one `_`, trimmed of `_`. `"Labour-Contract (signed)"` ->
/// `"labour_contract_signed"`; full-width `ｐａｓｓｐｏｒｔ` -> `passport`.
pub fn scan_key(name: &str) -> String {
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    let composed: std::borrow::Cow<str> =
        if name.is_ascii() || is_nfkc_quick(name.chars()) == IsNormalized::Yes {
            name.into()
        } else {
            name.nfkc().collect::<String>().into()
        };
    let mut out = String::with_capacity(composed.len());
    let mut pending_sep = false;
    for c in composed.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(c);
        } else {
            pending_sep = true;
        }
    }
    out
}

/// The name without its last extension (`a.b.pdf` -> `a.b`; `.pdf` stays `.pdf`).
pub fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_width_case_and_punctuation() {
        assert_eq!(halfwidth('Ａ'), 'A');
        assert_eq!(halfwidth('\u{3000}'), ' ');
        assert_eq!(halfwidth('张'), '张');
        assert_eq!(
            scan_key("Labour-Contract (signed)"),
            "labour_contract_signed"
        );
        assert_eq!(scan_key("ｐａｓｓｐｏｒｔ"), "passport");
        assert_eq!(stem("a.b.pdf"), "a.b");
        assert_eq!(stem(".pdf"), ".pdf");
    }
}

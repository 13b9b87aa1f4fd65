//! Embeds every file under `templates/` into the binary as the built-in defaults
//! (see `src/assets.rs`), so adding a template file needs no code change, and names the
//! build (`PERMITPACK_BUILD_ID`, a digest of everything compiled in) for the rerun cache.
//! It also turns the message catalog (`templates/messages/*.toml`) into one constant per
//! issue code (`src/codes.rs`), so code that emits a code without a message does not compile.
//!
//! Cargo runs it again only when something it read changes: each folder is named once
//! (cargo scans a folder whole), and only when it exists, since cargo takes a missing path
//! as changed and would run the script, and rebuild the crate, on every build.

use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let templates = root.join("templates");
    let mut files = Vec::new();
    collect(&templates, &templates, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for rel in &files {
        let abs = templates.join(rel);
        out.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            rel,
            abs.display().to_string()
        ));
    }
    out.push_str("]\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("templates.rs");
    std::fs::write(dest, out).expect("write templates.rs");
    let codes = issue_codes(&root);
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("codes.rs");
    std::fs::write(dest, codes).expect("write codes.rs");
    println!(
        "cargo:rustc-env=PERMITPACK_BUILD_ID={:016x}",
        build_id(&root)
    );
}

/// Catalog keys that are labels looked up by a name built at run time (interface strings,
/// field and document names), not codes an issue carries.
const LABEL_PREFIXES: &[&str] = &["ui.", "template.field.", "template.document."];

/// The source of the `codes` module: one `pub const` per issue code of the built-in catalog
/// (`photo.missing.file` gives `PHOTO_MISSING_FILE`), its English message as the doc, and
/// `ALL`, every code in catalog order. A catalog file that does not parse, or two codes with
/// one constant name, stop the build.
fn issue_codes(root: &Path) -> String {
    watch(root, "templates/messages");
    let dir = root.join("templates/messages");
    let mut names = Vec::new();
    collect(&dir, &dir, &mut names);
    names.retain(|n| n.ends_with(".toml") && !n.contains('/'));
    names.sort();
    let mut codes = std::collections::BTreeMap::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("templates/messages/{name}: {e}"));
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("templates/messages/{name}: {e}"));
        for (code, entry) in table {
            if LABEL_PREFIXES.iter().any(|p| code.starts_with(p)) {
                continue;
            }
            let en = entry
                .get("en")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            codes.insert(code, en);
        }
    }
    let mut out = String::new();
    let mut consts = std::collections::BTreeMap::new();
    for (code, en) in &codes {
        let name = const_name(code);
        if let Some(other) = consts.insert(name.clone(), code) {
            panic!("codes {other} and {code} both make the constant {name}");
        }
        out.push_str(&format!(
            "#[doc = {:?}]\npub const {name}: Code = Code({code:?});\n",
            format!("`{code}`: {en}")
        ));
    }
    out.push_str("/// Every issue code of the built-in catalog.\npub const ALL: &[Code] = &[\n");
    for name in consts.keys() {
        out.push_str(&format!("    {name},\n"));
    }
    out.push_str("];\n");
    out
}

/// `photo.colour.profile_unconverted` -> `PHOTO_COLOUR_PROFILE_UNCONVERTED`.
fn const_name(code: &str) -> String {
    assert!(
        code.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
            && code.starts_with(|c: char| c.is_ascii_lowercase()),
        "issue code {code:?}: only a-z, 0-9, _ and . may make a code"
    );
    code.replace('.', "_").to_ascii_uppercase()
}

/// A digest of every file the binary's behaviour is compiled from, so the rerun cache
/// (`src/cache/`) never reuses a result computed by different code at the same version
/// number. Not cryptographic: it only has to change when the sources do.
fn build_id(root: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    // Every folder this script reads, `templates` (embedded by `main`) included.
    for dir in ["src", "templates", "fonts", "models"] {
        watch(root, dir);
        let base = root.join(dir);
        let mut found = Vec::new();
        collect(&base, &base, &mut found);
        files.extend(found.into_iter().map(|rel| format!("{dir}/{rel}")));
    }
    files.extend(["Cargo.lock".to_string(), "build.rs".to_string()]);
    watch(root, "Cargo.lock");
    files.sort();
    // SipHash with fixed keys: the same sources give the same id on every machine.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for rel in &files {
        rel.hash(&mut h);
        std::fs::read(root.join(rel))
            .unwrap_or_default()
            .hash(&mut h);
    }
    h.finish()
}

/// Tells cargo to run this script again when `rel` (a file, or a folder and everything
/// under it) changes; a path that does not exist is not named.
fn watch(root: &Path, rel: &str) {
    if root.join(rel).exists() {
        println!("cargo:rerun-if-changed={rel}");
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.is_file() {
            let rel = path.strip_prefix(root).expect("under root");
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            files.push(rel.join("/"));
        }
    }
}

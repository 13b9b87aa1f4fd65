//! BLAKE3 digests and the canonical encoding cache keys are hashed from.
//!
//! A key is the digest of a sequence of tagged fields, each written as its tag (length and
//! bytes) and its value (length and bytes), after a prefix naming the encoding and its
//! version. Lengths make the encoding unambiguous (no two different field sequences give the
//! same bytes), tags make a field that moves or disappears change the key, and the version
//! lets the encoding change without an old key ever matching a new one.

use std::fmt;

/// Version of the key encoding; part of every key.
pub const KEY_FORMAT: u32 = 1;

/// A BLAKE3 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(*blake3::hash(bytes).as_bytes())
    }

    /// Lower-case hexadecimal, 64 characters (a cache entry's file name).
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// Parses [`Digest::hex`]'s form.
    pub fn from_hex(s: &str) -> Option<Digest> {
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Digest(out))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", &self.hex()[..16])
    }
}

/// Builds a key from tagged fields (see the module doc). Fields must be added in a fixed
/// order by the caller: the order is part of the key.
pub struct KeyBuilder {
    hasher: blake3::Hasher,
}

impl KeyBuilder {
    /// A key of kind `kind` (`"run"`, `"employee"`): keys of different kinds never collide.
    pub fn new(kind: &str) -> KeyBuilder {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"permitpack.cache.key\0");
        hasher.update(&KEY_FORMAT.to_le_bytes());
        let mut k = KeyBuilder { hasher };
        k.bytes("kind", kind.as_bytes());
        k
    }

    /// One field of raw bytes.
    pub fn bytes(&mut self, tag: &str, value: &[u8]) -> &mut Self {
        debug_assert!(tag.len() < 256);
        self.hasher.update(&[tag.len() as u8]);
        self.hasher.update(tag.as_bytes());
        self.hasher.update(&(value.len() as u64).to_le_bytes());
        self.hasher.update(value);
        self
    }

    pub fn str(&mut self, tag: &str, value: &str) -> &mut Self {
        self.bytes(tag, value.as_bytes())
    }

    pub fn u64(&mut self, tag: &str, value: u64) -> &mut Self {
        self.bytes(tag, &value.to_le_bytes())
    }

    pub fn bool(&mut self, tag: &str, value: bool) -> &mut Self {
        self.bytes(tag, &[u8::from(value)])
    }

    /// An optional text: absent and empty differ.
    pub fn opt_str(&mut self, tag: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.bytes(tag, &[&[1u8][..], v.as_bytes()].concat()),
            None => self.bytes(tag, &[0u8]),
        }
    }

    pub fn digest(&mut self, tag: &str, value: &Digest) -> &mut Self {
        self.bytes(tag, &value.0)
    }

    /// An issue, with every part that reaches a message or a report: code, severity, the
    /// catalog's arguments and the location.
    pub fn issue(&mut self, tag: &str, issue: &crate::issue::Issue) -> &mut Self {
        let mut k = KeyBuilder::new("issue");
        k.str("code", &issue.code)
            .bool("error", issue.is_error())
            .u64("args", issue.args.len() as u64);
        for (name, value) in &issue.args {
            k.str("name", name).str("value", value);
        }
        let at = &issue.at;
        k.opt_str("sheet", at.sheet.as_deref())
            .opt_str("row", at.row.map(|r| r.to_string()).as_deref())
            .opt_str("cell", at.cell.as_deref())
            .opt_str("file", at.file.as_deref());
        let d = k.finish();
        self.digest(tag, &d)
    }

    /// A list of issues, in order.
    pub fn issues(&mut self, tag: &str, issues: &[crate::issue::Issue]) -> &mut Self {
        self.u64(tag, issues.len() as u64);
        for i in issues {
            self.issue(tag, i);
        }
        self
    }

    pub fn finish(&self) -> Digest {
        Digest(*self.hasher.finalize().as_bytes())
    }
}

/// The build this binary came from: the package version and a digest of the sources, the
/// built-in templates, fonts and face model it was compiled from (`build.rs`). Two binaries
/// that may compute anything differently never share a cache entry, even at the same
/// version number.
pub fn build_id() -> String {
    format!(
        "{}+{}",
        env!("CARGO_PKG_VERSION"),
        env!("PERMITPACK_BUILD_ID")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::Issue;

    #[test]
    fn hex_round_trips() {
        let d = Digest::of(b"abc");
        assert_eq!(d.hex().len(), 64);
        assert_eq!(Digest::from_hex(&d.hex()), Some(d));
        assert_eq!(Digest::from_hex("zz"), None);
        assert_eq!(Digest::from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn fields_are_unambiguous() {
        // The same bytes split differently between fields, or under another tag, give
        // another key.
        let a = KeyBuilder::new("t").str("a", "xy").str("b", "z").finish();
        let b = KeyBuilder::new("t").str("a", "x").str("b", "yz").finish();
        let c = KeyBuilder::new("t").str("a", "xy").str("c", "z").finish();
        let d = KeyBuilder::new("u").str("a", "xy").str("b", "z").finish();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(
            a,
            KeyBuilder::new("t").str("a", "xy").str("b", "z").finish()
        );
        let none = KeyBuilder::new("t").opt_str("a", None).finish();
        let empty = KeyBuilder::new("t").opt_str("a", Some("")).finish();
        assert_ne!(none, empty);
    }

    #[test]
    fn issues_differ_by_every_part() {
        let base = Issue::unlisted("photo.small", crate::issue::Severity::Warning)
            .arg("px", 10)
            .cell("P2");
        let key = |i: &Issue| KeyBuilder::new("t").issue("i", i).finish();
        let k = key(&base);
        assert_eq!(k, key(&base.clone()));
        assert_ne!(
            k,
            key(
                &Issue::unlisted("photo.small", crate::issue::Severity::Error)
                    .arg("px", 10)
                    .cell("P2")
            )
        );
        assert_ne!(
            k,
            key(
                &Issue::unlisted("photo.small", crate::issue::Severity::Warning)
                    .arg("px", 11)
                    .cell("P2")
            )
        );
        assert_ne!(
            k,
            key(
                &Issue::unlisted("photo.small", crate::issue::Severity::Warning)
                    .arg("px", 10)
                    .cell("P3")
            )
        );
        assert_ne!(k, key(&base.clone().file("a.jpg")));
    }

    #[test]
    fn build_id_names_version_and_sources() {
        let id = build_id();
        assert!(id.starts_with(env!("CARGO_PKG_VERSION")), "{id}");
        assert!(id.len() > env!("CARGO_PKG_VERSION").len() + 8, "{id}");
    }
}

//! The filesystem edge: how every input file is read ([`read_input`], [`open_input`]: opened
//! once without following a link, checked to be a regular file no larger than its limit on
//! that same handle, read once), how the output folder is created ([`create_output_dir`])
//! and written (atomic writes: temporary file in the same folder, fsync, rename over the
//! target, so an interrupted run never leaves a half-written packet or report), who may read
//! what is written ([`output_file_mode`], [`output_dir_mode`]: private to the user, or
//! group-readable with `--shared`), the clean-up of this tool's leftovers from a killed run,
//! and a file-name sanitiser that gives names safe on Windows, macOS and Linux.
//!
//! Temporary files are named `.permitpack-<name>.tmp-XXXXXX`: they start with a dot and a
//! prefix only this tool writes, and never end in the target's extension, so a leftover can
//! never be mistaken for a finished packet or report, and [`is_temp_leftover`] recognises
//! them for [`remove_stale_temps`] without touching a user's own dotfiles.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Marker between the target name and the random part of a temporary file name.
const TEMP_MARK: &str = ".tmp-";

/// Start of every temporary file name this tool writes.
const TEMP_PREFIX: &str = ".permitpack-";

/// Why an input file (roster, photo, scan, template) was not read.
#[derive(Debug)]
pub enum InputError {
    /// No such file.
    NotFound,
    /// The path is a symbolic link: inputs are never read through a link, which could be
    /// swapped for one to a file outside the input folders while the run goes on.
    Link,
    /// Not a regular file: a folder, a FIFO (which would block the run), a device such as
    /// `/dev/zero` (which never ends), a socket.
    NotRegular(&'static str),
    /// Larger than the limit for this kind of input.
    TooLarge { size: u64, limit: u64 },
    /// Any other error of the open or the read.
    Io(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => f.write_str("no such file"),
            InputError::Link => {
                f.write_str("it is a symbolic link, which permitpack does not follow")
            }
            InputError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            InputError::TooLarge { size, limit } => write!(
                f,
                "it is {}, more than the {} allowed",
                human_size(*size),
                human_size(*limit)
            ),
            InputError::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                f.write_str("permission denied")
            }
            InputError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for InputError {}

/// A byte count as people read it (`3.2 GB`, `480 KB`).
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// Opens an input file for reading without following a symbolic link in its last
/// component (`O_NOFOLLOW`, and `O_NONBLOCK` so a FIFO cannot block the open), then checks
/// on that same handle that it is a regular file of at most `limit` bytes. Returns the
/// handle and the size; read from the handle, never from the path again, so what is checked
/// is what is read. Callers resolve links that stay inside an input folder before calling.
pub fn open_input(path: &Path, limit: u64) -> Result<(File, u64), InputError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK only matters for the open of a FIFO (which would wait for a writer);
        // reads of a regular file ignore it.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) => return Err(open_error(path, e)),
    };
    let meta = file.metadata().map_err(InputError::Io)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(InputError::NotRegular(kind_name(&kind)));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok((file, meta.len()))
}

/// Reads a whole input file once through [`open_input`]: the bytes returned are the bytes
/// checked. A file that grows past `limit` while it is read is refused too.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let (file, size) = open_input(path, limit)?;
    let mut bytes = Vec::with_capacity(size.min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(InputError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn open_error(path: &Path, e: io::Error) -> InputError {
    match e.kind() {
        io::ErrorKind::NotFound => InputError::NotFound,
        // ELOOP: the last component is a symbolic link and O_NOFOLLOW refused it.
        #[cfg(unix)]
        _ if e.raw_os_error() == Some(libc::ELOOP) => InputError::Link,
        _ => match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => InputError::Link,
            _ => InputError::Io(e),
        },
    }
}

fn kind_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// The permission bits of a file permitpack writes: private to the user running it (0600),
/// since packets and reports hold passport numbers and salaries; `group_readable` (the
/// `--shared` option) gives 0640, for a team sharing the output through group membership.
pub fn output_file_mode(group_readable: bool) -> u32 {
    if group_readable { 0o640 } else { 0o600 }
}

/// The permission bits of a folder permitpack creates: 0700, or 0750 with `group_readable`.
pub fn output_dir_mode(group_readable: bool) -> u32 {
    if group_readable { 0o750 } else { 0o700 }
}

/// Creates `dir` (and its parents) for output with [`output_dir_mode`] (whatever the umask).
/// An existing folder keeps its permissions, except that `group_readable` lets the group in
/// (adds r-x for the group) when the user may change it, so a team folder a private run
/// created earlier opens up with `--shared`.
pub fn create_output_dir(dir: &Path, group_readable: bool) -> io::Result<()> {
    let existed = dir.is_dir();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(output_dir_mode(group_readable));
    }
    builder.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o7777;
        let wanted = if existed {
            if group_readable { mode | 0o050 } else { mode }
        } else {
            output_dir_mode(group_readable)
        };
        if wanted != mode {
            // Not the owner of an existing folder: it stays as its owner set it.
            let changed = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(wanted));
            if !existed {
                changed?;
            }
        }
    }
    Ok(())
}

/// Narrows the permissions of an existing folder that lets in more users than a run's mode
/// ([`output_dir_mode`]): the bits beyond it are taken away (a `packets/` folder made 0777
/// by hand, or 0750 by an earlier `--shared` run, becomes 0700), and with `group_readable`
/// the group may read it. Returns the modes before and after when it changed anything;
/// `Ok(None)` for a folder already within the mode, or on a system without Unix modes.
pub fn tighten_output_dir(dir: &Path, group_readable: bool) -> io::Result<Option<(u32, u32)>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(dir)?;
        if !meta.is_dir() {
            return Ok(None);
        }
        let mode = meta.permissions().mode() & 0o7777;
        let wanted = output_dir_mode(group_readable);
        if mode & 0o777 & !wanted == 0 {
            return Ok(None);
        }
        let group = if group_readable { 0o050 } else { 0 };
        let new = (mode & 0o7000) | (mode & wanted) | group;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(new))?;
        Ok(Some((mode, new)))
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, group_readable);
        Ok(None)
    }
}

/// A failed write into the output folder, naming the file and, for the usual causes, what to
/// do about it.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(full) = disk_full(&self.source) {
            let folder = self.path.parent().unwrap_or(&self.path);
            return write!(
                f,
                "cannot write {}: {} {}: free some space there (or write to another disk \
                 with --out) and run again",
                self.path.display(),
                full,
                folder.display()
            );
        }
        write!(f, "cannot write {}: {}", self.path.display(), self.source)?;
        match self.source.kind() {
            io::ErrorKind::PermissionDenied => f.write_str(
                " (is the file open in another program, such as Excel or a zip viewer? \
                 Close it, or check that the folder is writable, and run again)",
            ),
            _ => Ok(()),
        }
    }
}

/// Why a write found no room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskFull {
    /// No space left on the device (ENOSPC).
    Space,
    /// The user's disk quota is used up (EDQUOT).
    Quota,
}

impl fmt::Display for DiskFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiskFull::Space => "the disk is full at",
            DiskFull::Quota => "the disk quota is used up at",
        })
    }
}

/// Whether `e`, or an error it wraps (a zip or xlsx writer's I/O error inside an
/// `io::Error`), says the disk or the quota is full.
pub fn disk_full(e: &io::Error) -> Option<DiskFull> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            match io.raw_os_error() {
                Some(libc::ENOSPC) => return Some(DiskFull::Space),
                Some(libc::EDQUOT) => return Some(DiskFull::Quota),
                _ => {}
            }
            match io.kind() {
                io::ErrorKind::StorageFull => return Some(DiskFull::Space),
                io::ErrorKind::QuotaExceeded => return Some(DiskFull::Quota),
                _ => {}
            }
            if let Some(inner) = io.get_ref() {
                cur = Some(inner);
                continue;
            }
        }
        if let Some(zip::result::ZipError::Io(io)) = err.downcast_ref::<zip::result::ZipError>() {
            cur = Some(io);
            continue;
        }
        cur = err.source();
    }
    None
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Writes `bytes` to `dir/name` atomically: readers see either the old file or the complete
/// new one, never a partial file. `name` must be a single file name (see [`safe_file_name`]).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    write_atomic_with(dir, name, |w| w.write_all(bytes)).map(|(path, ())| path)
}

/// Streaming variant of [`write_atomic`]: `fill` writes the content into a buffered temporary
/// file (which is also `Seek`, as a zip writer needs). When `fill` fails, the temporary file
/// is removed and the previous `dir/name`, if any, is left untouched.
pub fn write_atomic_with<T, F>(dir: &Path, name: &str, fill: F) -> Result<(PathBuf, T), WriteError>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<T>,
{
    write_atomic_durable(dir, name, Durability::Now, fill)
}

/// When an atomically written file is forced to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync the file before the rename and the folder after it.
    Now,
    /// Rename without waiting for the disk; the caller makes the files durable later with
    /// [`sync_files`]. Readers still see either the old file or the complete new one (the
    /// rename is atomic); only a power cut before that later sync could lose the new content.
    Later,
}

/// [`write_atomic_with`] with a choice of when the file reaches the disk.
pub fn write_atomic_durable<T, F>(
    dir: &Path,
    name: &str,
    durability: Durability,
    fill: F,
) -> Result<(PathBuf, T), WriteError>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<T>,
{
    write_atomic_as(dir, name, durability, false, fill)
}

/// [`write_atomic_durable`] with the file's readers chosen: [`output_file_mode`] of
/// `group_readable`.
pub fn write_atomic_as<T, F>(
    dir: &Path,
    name: &str,
    durability: Durability,
    group_readable: bool,
    fill: F,
) -> Result<(PathBuf, T), WriteError>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<T>,
{
    let target = dir.join(name);
    let err = |source: io::Error| WriteError {
        path: target.clone(),
        source,
    };
    if !is_single_component(name) {
        return Err(err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a plain file name",
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{name}{TEMP_MARK}"))
        .suffix("")
        .rand_bytes(6)
        .tempfile_in(dir)
        .map_err(err)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut writer = BufWriter::with_capacity(256 * 1024, file);
    // On any error below, `tmp_path` (a TempPath) removes the temporary file when dropped.
    let value = fill(&mut writer).map_err(err)?;
    let file = writer.into_inner().map_err(|e| err(e.into_error()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = output_file_mode(group_readable);
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = group_readable;
    if durability == Durability::Now {
        file.sync_all().map_err(err)?;
    }
    drop(file);
    tmp_path.persist(&target).map_err(|e| err(e.error))?;
    if durability == Durability::Now {
        sync_dir(dir);
    }
    Ok((target, value))
}

/// Makes files written with [`Durability::Later`] durable: fsyncs `dir/name` for each name,
/// then `dir` itself (the renames). Returns the names that could not be synced, with the
/// error; an empty list means everything is on disk.
pub fn sync_files<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, WriteError)> {
    let mut failed = Vec::new();
    for name in names {
        let path = dir.join(name);
        if let Err(source) = File::open(&path).and_then(|f| f.sync_all()) {
            failed.push((name.to_string(), WriteError { path, source }));
        }
    }
    sync_dir(dir);
    failed
}

/// Makes the rename durable on Unix; a no-op elsewhere. Failures are ignored: the data is
/// already complete in the file, only its durability across a power cut is at stake.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Whether a file name is a temporary file left by an interrupted [`write_atomic`]: it has
/// this tool's prefix, a target name and the random part. A user's own `.notes.tmp-1` is not.
pub fn is_temp_leftover(file_name: &str) -> bool {
    file_name.strip_prefix(TEMP_PREFIX).is_some_and(|rest| {
        rest.rfind(TEMP_MARK)
            .is_some_and(|i| i > 0 && rest.len() > i + TEMP_MARK.len())
    })
}

/// Removes the temporary files an interrupted run left directly in `dir` and returns their
/// names (sorted). Nothing else is touched. A missing `dir` is not an error.
pub fn remove_stale_temps(dir: &Path) -> io::Result<Vec<String>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut removed = Vec::new();
    for entry in rd {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temp_leftover(&name) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

fn is_single_component(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).file_name().is_some_and(|n| n == name)
}

/// Characters no file system of the three accepts in a name (Windows is the strictest; `:`
/// also breaks macOS Finder).
const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Device names Windows reserves whatever the extension (`CON.zip` is still the console).
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$", "COM0", "COM1", "COM2", "COM3",
    "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Invisible characters that reorder or hide text: a name containing U+202E can display
/// `photo<U+202E>gpj.exe` as `photoexe.jpg`.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Turns any text into one file-name component that is safe on Windows, macOS and Linux and
/// stays inside the folder it is written to: Unicode NFC; path separators, characters
/// Windows forbids, control and invisible formatting characters replaced by `_`; runs of
/// white space made one `_`; no leading or trailing dots, spaces or underscores (so never
/// `.`, `..` or a hidden file); Windows device names (`CON`, `nul.txt`, `COM1`) prefixed with
/// `_`; at most `max_bytes` UTF-8 bytes, cut on a character boundary. Never empty (`_`).
pub fn safe_file_name(raw: &str, max_bytes: usize) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_sep = false;
    for c in raw.nfc() {
        let mapped = if c.is_whitespace() || c.is_control() || is_invisible_format(c) {
            None
        } else if FORBIDDEN.contains(&c) {
            Some('_')
        } else {
            Some(c)
        };
        match mapped {
            None => pending_sep = true,
            Some(c) => {
                if pending_sep && !out.is_empty() {
                    out.push('_');
                }
                pending_sep = false;
                out.push(c);
            }
        }
    }
    // `..` inside a name is harmless to a file system but reads as a path step to people
    // and to careless unzip tools: one dot.
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    let mut name = trim_edges(&out).to_string();
    if is_reserved(&name) {
        name.insert(0, '_');
    }
    let max = max_bytes.max(8);
    if name.len() > max {
        name = cap_keeping_extension(&name, max);
    }
    if name.is_empty() {
        name.push('_');
    }
    name
}

fn trim_edges(s: &str) -> &str {
    s.trim_matches(|c: char| c == '.' || c == '_' || c == ' ' || c == '-')
}

/// Whether the part before the first dot is a Windows device name (case-insensitive).
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// Cuts `name` to `max` bytes, keeping a short extension (`.zip`, `.pdf`) when there is one.
fn cap_keeping_extension(name: &str, max: usize) -> String {
    let ext = match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 9 && name.len() - i < max / 2 => &name[i..],
        _ => "",
    };
    let stem = &name[..name.len() - ext.len()];
    let stem = trim_edges(truncate_bytes(stem, max - ext.len()));
    let stem = if stem.is_empty() { "_" } else { stem };
    format!("{stem}{ext}")
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_unless_shared() {
        let dir = tempfile::tempdir().unwrap();
        let private = write_atomic(dir.path(), "a.zip", b"x").unwrap();
        assert_eq!(mode(&private), 0o600);
        let (shared, ()) = write_atomic_as(dir.path(), "b.zip", Durability::Now, true, |w| {
            w.write_all(b"x")
        })
        .unwrap();
        assert_eq!(mode(&shared), 0o640);
        // A rerun with --shared opens a file a private run wrote.
        write_atomic_as(dir.path(), "a.zip", Durability::Later, true, |w| {
            w.write_all(b"y")
        })
        .unwrap();
        assert_eq!(mode(&private), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn output_folders_are_private_unless_shared() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("out/packets");
        create_output_dir(&private, false).unwrap();
        assert_eq!(mode(&private), 0o700);
        let shared = dir.path().join("team/packets");
        create_output_dir(&shared, true).unwrap();
        assert_eq!(mode(&shared), 0o750);
        // --shared on a folder a private run created lets the group in; a private run
        // leaves an existing folder as it is.
        create_output_dir(&private, true).unwrap();
        assert_eq!(mode(&private), 0o750);
        create_output_dir(&private, false).unwrap();
        assert_eq!(mode(&private), 0o750);
    }

    #[test]
    #[cfg(unix)]
    fn a_folder_wider_than_the_runs_mode_is_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("packets");
        std::fs::create_dir(&p).unwrap();
        let set =
            |m: u32| std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        let mode = || std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        set(0o777);
        assert_eq!(tighten_output_dir(&p, false).unwrap(), Some((0o777, 0o700)));
        assert_eq!(mode(), 0o700);
        assert_eq!(tighten_output_dir(&p, false).unwrap(), None);
        set(0o777);
        assert_eq!(tighten_output_dir(&p, true).unwrap(), Some((0o777, 0o750)));
        set(0o2775);
        assert_eq!(
            tighten_output_dir(&p, true).unwrap(),
            Some((0o2775, 0o2750))
        );
        set(0o750);
        assert_eq!(tighten_output_dir(&p, false).unwrap(), Some((0o750, 0o700)));
        set(0o500);
        assert_eq!(tighten_output_dir(&p, false).unwrap(), None);
        assert_eq!(mode(), 0o500);
        set(0o700);
        assert!(tighten_output_dir(&dir.path().join("none"), false).is_err());
    }

    #[test]
    fn a_full_disk_or_quota_is_recognised_through_the_writers_wrapping() {
        let enospc = || io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(disk_full(&enospc()), Some(DiskFull::Space));
        assert_eq!(
            disk_full(&io::Error::from_raw_os_error(libc::EDQUOT)),
            Some(DiskFull::Quota)
        );
        assert_eq!(
            disk_full(&io::Error::from(io::ErrorKind::StorageFull)),
            Some(DiskFull::Space)
        );
        // The zip writer's error inside an io::Error, as a packet's fill returns it.
        let zip = zip::result::ZipError::Io(enospc());
        assert_eq!(disk_full(&io::Error::other(zip)), Some(DiskFull::Space));
        assert_eq!(disk_full(&io::Error::from_raw_os_error(libc::EACCES)), None);
        let err = WriteError {
            path: PathBuf::from("out/packets/EA1_X.zip"),
            source: io::Error::from_raw_os_error(libc::ENOSPC),
        };
        let text = err.to_string();
        assert!(text.contains("the disk is full at out/packets"), "{text}");
        assert!(!text.contains("os error"), "{text}");
    }

    #[test]
    fn deferred_writes_are_complete_and_sync_reports_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let (path, ()) = write_atomic_durable(dir.path(), "a.zip", Durability::Later, |w| {
            w.write_all(b"first")
        })
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        // A failing fill leaves the previous file and no temporary file.
        let failed = write_atomic_durable(dir.path(), "a.zip", Durability::Later, |w| {
            w.write_all(b"half")?;
            Err::<(), _>(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let problems = sync_files(dir.path(), ["a.zip", "gone.zip"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "gone.zip");
        assert_eq!(problems[0].1.source.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn safe_names_have_no_separators_or_dot_dot() {
        assert_eq!(safe_file_name("../../etc/passwd", 100), "etc_passwd");
        assert_eq!(
            safe_file_name("..\\..\\Windows\\win.ini", 100),
            "Windows_win.ini"
        );
        assert_eq!(safe_file_name("..", 100), "_");
        assert_eq!(safe_file_name(".", 100), "_");
        assert_eq!(safe_file_name("", 100), "_");
        assert_eq!(safe_file_name("   ", 100), "_");
        assert_eq!(safe_file_name(".hidden", 100), "hidden");
        assert_eq!(safe_file_name("A..B...zip", 100), "A.B.zip");
        assert_eq!(safe_file_name("..\u{200B}.x", 100), "x");
        assert_eq!(
            safe_file_name("a/b\\c:d*e?f\"g<h>i|j", 100),
            "a_b_c_d_e_f_g_h_i_j"
        );
    }

    #[test]
    fn safe_names_drop_controls_invisible_and_trailing_dots() {
        assert_eq!(safe_file_name("a\u{0}b\tc\nd", 100), "a_b_c_d");
        assert_eq!(safe_file_name("photo\u{202E}gpj.exe", 100), "photo_gpj.exe");
        assert_eq!(safe_file_name("name. . .", 100), "name");
        assert_eq!(safe_file_name("JOHN  SMITH ", 100), "JOHN_SMITH");
    }

    #[test]
    fn safe_names_avoid_windows_device_names() {
        for raw in [
            "CON", "con", "nul.zip", "COM1", "lpt9.txt", "AUX ", "CONIN$", "COM¹",
        ] {
            let safe = safe_file_name(raw, 100);
            assert!(safe.starts_with('_'), "{raw} -> {safe}");
        }
        assert_eq!(safe_file_name("CONSTANCE", 100), "CONSTANCE");
        assert_eq!(safe_file_name("COM10", 100), "COM10");
    }

    #[test]
    fn safe_names_are_nfc_and_capped_by_bytes() {
        // "é" decomposed (e + combining acute) becomes the single composed character.
        assert_eq!(safe_file_name("Jose\u{301}", 100), "José");
        let long = "张".repeat(100) + ".zip";
        let capped = safe_file_name(&long, 50);
        assert!(capped.len() <= 50, "{} bytes", capped.len());
        assert!(capped.ends_with(".zip"));
        assert!(capped.starts_with('张'));
        let long_ascii = "A".repeat(300);
        assert_eq!(safe_file_name(&long_ascii, 64).len(), 64);
    }

    #[test]
    fn inputs_are_read_once_without_links_devices_or_excess() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scan.pdf");
        std::fs::write(&file, b"%PDF-1.7 scan").unwrap();
        assert_eq!(read_input(&file, 100).unwrap(), b"%PDF-1.7 scan");
        assert!(matches!(
            read_input(&file, 4),
            Err(InputError::TooLarge { size: 13, limit: 4 })
        ));
        assert!(matches!(
            read_input(&dir.path().join("gone.pdf"), 100),
            Err(InputError::NotFound)
        ));
        assert!(matches!(
            read_input(dir.path(), 100),
            Err(InputError::NotRegular(_)) | Err(InputError::Io(_))
        ));
        #[cfg(unix)]
        {
            let secret = dir.path().join("secret.txt");
            std::fs::write(&secret, b"outside").unwrap();
            let link = dir.path().join("link.pdf");
            std::os::unix::fs::symlink(&secret, &link).unwrap();
            let e = read_input(&link, 100).unwrap_err();
            assert!(matches!(e, InputError::Link), "{e:?}");
            assert!(e.to_string().contains("symbolic link"), "{e}");
            let e = read_input(Path::new("/dev/zero"), 100).unwrap_err();
            assert!(matches!(e, InputError::NotRegular(_)), "{e:?}");
            // A FIFO with no writer: refused at once, not waited on.
            let fifo = dir.path().join("fifo.csv");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let e = read_input(&fifo, 100).unwrap_err();
            assert!(e.to_string().contains("FIFO"), "{e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn output_folders_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out/packets");
        create_output_dir(&out, false).unwrap();
        for d in [dir.path().join("out"), out] {
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", d.display());
        }
        assert_eq!(output_dir_mode(true), 0o750);
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_bytes("张三", 4), "张");
        assert_eq!(truncate_bytes("abc", 10), "abc");
        assert_eq!(truncate_bytes("é", 1), "");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_atomic(dir.path(), "a.zip", b"first").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        write_atomic(dir.path(), "a.zip", b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a.zip".to_string()]);
    }

    #[test]
    fn failed_fill_keeps_the_old_file_and_removes_the_temp() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "r.csv", b"old").unwrap();
        let res = write_atomic_with(dir.path(), "r.csv", |w| {
            w.write_all(b"half")?;
            Err::<(), _>(io::Error::other("interrupted"))
        });
        let e = res.unwrap_err();
        assert!(e.to_string().contains("r.csv"), "{e}");
        assert_eq!(std::fs::read(dir.path().join("r.csv")).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn rejects_names_that_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.zip", "a/b.zip", "..", ""] {
            assert!(write_atomic(dir.path(), bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn stale_temps_are_recognised_and_removed_but_nothing_else() {
        assert!(is_temp_leftover(".permitpack-E1_A.zip.tmp-a1B2c3"));
        assert!(!is_temp_leftover("E1_A.zip"));
        assert!(!is_temp_leftover(".permitpack-.tmp-abc"));
        assert!(!is_temp_leftover(".permitpack-x.tmp-"));
        // A user's own temporary dotfiles look alike but lack the prefix.
        assert!(!is_temp_leftover(".E1_A.zip.tmp-a1B2c3"));
        assert!(!is_temp_leftover(".notes.tmp-1"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".permitpack-E1_A.zip.tmp-abc123"), b"half").unwrap();
        std::fs::write(dir.path().join("E1_A.zip"), b"whole").unwrap();
        std::fs::write(dir.path().join(".keep"), b"user").unwrap();
        std::fs::write(dir.path().join(".draft.tmp-123456"), b"user").unwrap();
        let removed = remove_stale_temps(dir.path()).unwrap();
        assert_eq!(removed, vec![".permitpack-E1_A.zip.tmp-abc123".to_string()]);
        assert!(dir.path().join("E1_A.zip").exists());
        assert!(dir.path().join(".keep").exists());
        assert!(dir.path().join(".draft.tmp-123456").exists());
        assert!(
            remove_stale_temps(&dir.path().join("missing"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn temp_name_during_write_looks_like_a_leftover() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        write_atomic_with(dir.path(), "E1_A.zip", |_| {
            let names: Vec<String> = std::fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(names.len(), 1);
            assert!(is_temp_leftover(&names[0]), "{}", names[0]);
            assert!(!names[0].ends_with(".zip"));
            Ok(())
        })
        .unwrap();
    }
}

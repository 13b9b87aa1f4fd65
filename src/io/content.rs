//! [`Content`]: the bytes of a file a run hands on (a scan, a letter, a photo), held in
//! memory or left where it is until it is packed.

use crate::fsutil::{self, InputError};
use std::borrow::Cow;
use std::path::PathBuf;

/// The bytes of an entry: in memory, or a file copied in when the packet is written (large
/// scans need not be held in memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Content {
    /// The bytes: held ones borrowed, a file read whole (no link followed, at most `max`
    /// bytes). `Err` says why a file could not be read.
    pub fn read(&self, max: u64) -> Result<Cow<'_, [u8]>, InputError> {
        use std::io::Read;
        match self {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::File(p) => {
                let (f, size) = fsutil::open_input(p, max)?;
                let mut buf = Vec::with_capacity(size as usize);
                f.take(size).read_to_end(&mut buf).map_err(InputError::Io)?;
                Ok(Cow::Owned(buf))
            }
        }
    }
}

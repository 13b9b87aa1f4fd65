//! `packets.zip`: every packet of a job in one zip, written to the connection as it goes.
//! The packets are zips already, so each is stored (not compressed again); its CRC is taken
//! before its header is sent, so no seeking back is needed and one packet at a time is in
//! memory. Dates are fixed (1980-01-01) so the same packets give the same bytes.

use axum::body::Bytes;
use std::io;
use std::path::Path;
use tokio::sync::mpsc::Sender;

const DOS_DATE: u16 = 0x0021; // 1980-01-01
const UTF8_NAMES: u16 = 0x0800;

/// Writes the zip of `names` (files of `dir`) into `tx`. Stops early when the client leaves.
pub fn write(dir: &Path, names: &[String], tx: &Sender<io::Result<Bytes>>) -> io::Result<()> {
    let gone = || io::Error::new(io::ErrorKind::BrokenPipe, "the download was cancelled");
    let too_big =
        || io::Error::other("the packets are over 4 GB together: download them one by one");
    let mut offset: u64 = 0;
    let mut central = Vec::new();
    for name in names {
        let bytes = crate::fsutil::read_input(&dir.join(name), u32::MAX as u64)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let crc = crc32fast::hash(&bytes);
        let size = u32::try_from(bytes.len()).map_err(|_| too_big())?;
        let at = u32::try_from(offset).map_err(|_| too_big())?;
        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        entry_fields(&mut local, crc, size, name);
        local.extend_from_slice(&0u16.to_le_bytes()); // extra length
        local.extend_from_slice(name.as_bytes());
        offset += (local.len() + bytes.len()) as u64;
        tx.blocking_send(Ok(Bytes::from(local)))
            .map_err(|_| gone())?;
        tx.blocking_send(Ok(Bytes::from(bytes)))
            .map_err(|_| gone())?;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        entry_fields(&mut central, crc, size, name);
        for v in [0u16, 0, 0, 0] {
            // extra, comment, disk, internal attributes
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&at.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let count = u16::try_from(names.len()).map_err(|_| too_big())?;
    let cd_at = u32::try_from(offset).map_err(|_| too_big())?;
    let cd_len = central.len() as u32;
    let mut end = central;
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        end.extend_from_slice(&v.to_le_bytes());
    }
    end.extend_from_slice(&cd_len.to_le_bytes());
    end.extend_from_slice(&cd_at.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes());
    tx.blocking_send(Ok(Bytes::from(end))).map_err(|_| gone())
}

/// The fields a local header and a central entry share, from "version needed" to the name
/// length.
fn entry_fields(out: &mut Vec<u8>, crc: u32, size: u32, name: &str) {
    out.extend_from_slice(&10u16.to_le_bytes()); // version needed: stored
    out.extend_from_slice(&UTF8_NAMES.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // stored
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stream_is_a_zip_the_zip_crate_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.zip"), b"first packet").unwrap();
        std::fs::write(dir.path().join("张三.zip"), vec![7u8; 100_000]).unwrap();
        let names = vec!["a.zip".to_string(), "张三.zip".to_string()];
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        super::write(dir.path(), &names, &tx).unwrap();
        drop(tx);
        let mut all = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            all.extend_from_slice(&chunk.unwrap());
        }
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(all)).unwrap();
        assert_eq!(zip.len(), 2);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("a.zip").unwrap(), &mut s).unwrap();
        assert_eq!(s, "first packet");
        assert_eq!(zip.by_name("张三.zip").unwrap().size(), 100_000);
    }
}

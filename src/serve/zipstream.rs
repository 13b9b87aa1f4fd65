//! `packets.zip`: every packet of a job in one zip, written by the `zip` crate's streaming
//! writer straight into the response body. The writer runs on a blocking thread and sends
//! its bytes through a bounded channel, so a few chunks at most are in memory whatever the
//! packets' size, and a client that leaves stops it. The packets are zips already, so each
//! is stored, not compressed again; each entry's CRC and sizes follow its data (no seeking
//! back). Dates and permissions are fixed, so the same packets give the same bytes.

use crate::fsutil::open_input;
use bytes::Bytes;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use tokio::sync::mpsc::Sender;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The bytes sent to the body at a time.
const CHUNK: usize = 64 * 1024;

/// Entries at least this large need zip64 headers.
const ZIP64_THRESHOLD: u64 = 0xFFFF_0000;

/// Writes the zip of `names` (files of `dir`, in that order) into `tx`. Stops with an error
/// when the client leaves.
pub fn write(dir: &Path, names: &[String], tx: &Sender<io::Result<Bytes>>) -> io::Result<()> {
    let channel = Channel {
        tx: tx.clone(),
        gone: false,
    };
    let out = BufWriter::with_capacity(CHUNK, channel);
    let mut zip = ZipWriter::new_stream(out);
    for name in names {
        let (file, size) =
            open_input(&dir.join(name), u64::MAX).map_err(|e| io::Error::other(e.to_string()))?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            // 1980-01-01 00:00, the first date a zip can hold.
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644)
            .large_file(size >= ZIP64_THRESHOLD);
        zip.start_file(name.as_str(), options)?;
        // The size checked is the size sent, even if the file grows meanwhile.
        io::copy(&mut file.take(size), &mut zip)?;
    }
    zip.finish()?.into_inner().flush()
}

/// The response body's end of the channel, as a writer. After the client has left, every
/// write succeeds without sending anything: the error was returned once, by the write that
/// met it, and the zip writer dropped on it must not fail again (it would say so on stderr).
struct Channel {
    tx: Sender<io::Result<Bytes>>,
    gone: bool,
}

impl Write for Channel {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        let n = buf.len().min(CHUNK);
        if self
            .tx
            .blocking_send(Ok(Bytes::copy_from_slice(&buf[..n])))
            .is_err()
        {
            self.gone = true;
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the download was cancelled",
            ));
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    /// The archive sent for `names`, with the number of chunks it came in.
    fn stream(dir: &std::path::Path, names: &[String]) -> (Vec<u8>, usize) {
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let (dir, names) = (dir.to_path_buf(), names.to_vec());
        let writer = std::thread::spawn(move || super::write(&dir, &names, &tx));
        let (mut all, mut chunks) = (Vec::new(), 0);
        while let Some(chunk) = rx.blocking_recv() {
            let chunk = chunk.unwrap();
            assert!(chunk.len() <= super::CHUNK);
            all.extend_from_slice(&chunk);
            chunks += 1;
        }
        writer.join().unwrap().unwrap();
        (all, chunks)
    }

    #[test]
    fn the_stream_is_a_zip_with_every_packet_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("b.zip"), b"first packet").unwrap();
        std::fs::write(dir.path().join("张三.zip"), &big).unwrap();
        std::fs::write(dir.path().join("a.zip"), b"").unwrap();
        let names: Vec<String> = ["b.zip", "张三.zip", "a.zip"].map(String::from).to_vec();
        let (all, chunks) = stream(dir.path(), &names);
        assert!(
            chunks > big.len() / super::CHUNK,
            "sent as it goes: {chunks} chunks"
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(all.clone())).unwrap();
        let got: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(got, names);
        for (i, want) in [b"first packet".to_vec(), big, Vec::new()]
            .iter()
            .enumerate()
        {
            let mut entry = zip.by_index(i).unwrap();
            assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
            let mut got = Vec::new();
            // Read to the end: the crate checks each entry's CRC there.
            entry.read_to_end(&mut got).unwrap();
            assert_eq!(&got, want, "{}", names[i]);
        }
        assert_eq!(
            stream(dir.path(), &names).0,
            all,
            "the same packets, the same bytes"
        );
    }

    #[test]
    fn a_client_that_leaves_stops_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.zip"), vec![1u8; 4 * super::CHUNK]).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        let names = vec!["a.zip".to_string()];
        let path = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || super::write(&path, &names, &tx));
        rx.blocking_recv().unwrap().unwrap();
        drop(rx);
        let err = writer.join().unwrap().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    }
}

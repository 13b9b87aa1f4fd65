//! What a scan file really is, from its first bytes: the platform's 附件信息 page takes PDF,
//! JPEG and PNG scans, so a HEIC photo from a phone, a Word file, a text file renamed `.pdf`
//! or a file cut off at the start must be converted before it is uploaded, whatever its
//! extension says.

/// Bytes to read from the start of a file to judge it.
pub const HEAD_BYTES: usize = 4096;

/// The kind of a scan file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    Pdf,
    Jpeg,
    Png,
    /// HEIC/HEIF/AVIF (phone photos).
    Heic,
    /// Word, Excel or another Office file (OLE or OOXML), or another zip.
    Office,
    WebP,
    Tiff,
    Gif,
    Bmp,
    /// Plain text (a `.txt` or an HTML page saved under a scan's name).
    Text,
    /// Nothing recognisable.
    Unknown,
    /// The file could not be read.
    Unreadable,
}

impl ScanFormat {
    /// Whether the platform takes it as it is.
    pub fn accepted(self) -> bool {
        matches!(self, ScanFormat::Pdf | ScanFormat::Jpeg | ScanFormat::Png)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ScanFormat::Pdf => "a PDF",
            ScanFormat::Jpeg => "a JPEG image",
            ScanFormat::Png => "a PNG image",
            ScanFormat::Heic => "a HEIC/HEIF photo (iPhone format)",
            ScanFormat::Office => "a Word/Office document or zip archive",
            ScanFormat::WebP => "a WebP image",
            ScanFormat::Tiff => "a TIFF image",
            ScanFormat::Gif => "a GIF image",
            ScanFormat::Bmp => "a BMP image",
            ScanFormat::Text => "a text file",
            ScanFormat::Unknown => "not a file type permitpack recognises (damaged or cut off?)",
            ScanFormat::Unreadable => "unreadable",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ScanFormat::Pdf => "PDF 文件",
            ScanFormat::Jpeg => "JPEG 图片",
            ScanFormat::Png => "PNG 图片",
            ScanFormat::Heic => "HEIC/HEIF 照片（苹果手机格式）",
            ScanFormat::Office => "Word/Office 文档或压缩包",
            ScanFormat::WebP => "WebP 图片",
            ScanFormat::Tiff => "TIFF 图片",
            ScanFormat::Gif => "GIF 图片",
            ScanFormat::Bmp => "BMP 图片",
            ScanFormat::Text => "文本文件",
            ScanFormat::Unknown => "无法识别的文件（可能已损坏或不完整）",
            ScanFormat::Unreadable => "无法读取的文件",
        }
    }
}

/// Judges a file from its first bytes (up to [`HEAD_BYTES`]) and its full size.
pub fn sniff(head: &[u8], size: u64) -> ScanFormat {
    if size == 0 || head.is_empty() {
        return ScanFormat::Unreadable;
    }
    // A PDF may carry a few bytes of junk before its header (readers allow 1024).
    let pdf_window = &head[..head.len().min(1024)];
    if pdf_window.windows(5).any(|w| w == b"%PDF-") {
        return ScanFormat::Pdf;
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return ScanFormat::Jpeg;
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return ScanFormat::Png;
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return ScanFormat::Heic;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        || head.starts_with(b"PK\x03\x04")
    {
        return ScanFormat::Office;
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return ScanFormat::WebP;
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return ScanFormat::Tiff;
    }
    if head.starts_with(b"GIF8") {
        return ScanFormat::Gif;
    }
    if head.starts_with(b"BM") {
        return ScanFormat::Bmp;
    }
    if looks_like_text(head) {
        return ScanFormat::Text;
    }
    ScanFormat::Unknown
}

/// UTF-8 (or GBK) text without control characters other than whitespace.
fn looks_like_text(head: &[u8]) -> bool {
    let printable = |s: &str| {
        s.chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{feff}'))
    };
    // The last character may be cut by the head's end.
    let cut = head.len().saturating_sub(4);
    match std::str::from_utf8(head) {
        Ok(s) => printable(s),
        Err(e) if e.valid_up_to() >= cut => {
            printable(std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""))
        }
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(head)
            .is_some_and(|s| printable(&s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(bytes: &[u8]) -> ScanFormat {
        sniff(bytes, bytes.len() as u64)
    }

    #[test]
    fn accepted_kinds() {
        assert_eq!(of(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), ScanFormat::Pdf);
        assert_eq!(of(b"\r\n%PDF-1.4\n"), ScanFormat::Pdf);
        assert_eq!(of(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J']), ScanFormat::Jpeg);
        assert_eq!(of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), ScanFormat::Png);
        for f in [ScanFormat::Pdf, ScanFormat::Jpeg, ScanFormat::Png] {
            assert!(f.accepted());
        }
    }

    #[test]
    fn refused_kinds() {
        let heic = include_bytes!("../../tests/fixtures/photos/iphone.heic");
        assert_eq!(of(heic), ScanFormat::Heic);
        assert_eq!(of(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), ScanFormat::Heic);
        assert_eq!(
            of(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            ScanFormat::Office
        );
        assert_eq!(
            of(b"PK\x03\x04\x14\0\x06\0word/document.xml"),
            ScanFormat::Office
        );
        assert_eq!(of(b"Passport scan to follow\r\n"), ScanFormat::Text);
        assert_eq!(of("护照扫描件稍后补充\n".as_bytes()), ScanFormat::Text);
        assert_eq!(of(b"<html><body>login</body></html>"), ScanFormat::Text);
        assert_eq!(
            of(&[0x00, 0x13, 0x88, 0x02, 0xff, 0x00]),
            ScanFormat::Unknown
        );
        assert_eq!(sniff(b"", 0), ScanFormat::Unreadable);
        assert_eq!(of(b"RIFF\0\0\0\0WEBPVP8 "), ScanFormat::WebP);
        for f in [
            ScanFormat::Heic,
            ScanFormat::Office,
            ScanFormat::Text,
            ScanFormat::Unknown,
            ScanFormat::Unreadable,
            ScanFormat::WebP,
        ] {
            assert!(!f.accepted(), "{f:?}");
            assert!(!f.label_en().is_empty() && !f.label_zh().is_empty());
        }
    }

    #[test]
    fn a_jpeg_cut_before_its_marker_is_not_a_jpeg() {
        // The file's first bytes went missing (a broken download): not a JPEG any more.
        assert_eq!(
            of(&[0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46]),
            ScanFormat::Unknown
        );
    }
}

//! The order and names of the files inside one packet:
//!
//! - `00_cover_checklist.pdf`;
//! - `upload/NN_<item id>.pdf`: one file per uploaded item, in checklist order, and
//!   `upload/photo.jpg`: what HR uploads on the platform;
//! - `print/NN_<item id>.pdf`: the generated letters, to print, sign and seal;
//! - `originals/...`: the photo and scans as HR gave them, under their own names (the
//!   photo under `photos/`), so nothing is lost.
//!
//! The user's original file names are kept beside each entry for the cover and the reports.

use crate::fsutil::safe_file_name;
use crate::io::Content;
use crate::outcome::{ChecklistLine, UploadHow, UploadLine};
use crate::rules::PageSides;
use serde::Serialize;

/// Entry name of the cover checklist, always first.
pub const COVER_NAME: &str = "00_cover_checklist.pdf";

/// Item id used for the photo entry.
pub const PHOTO_ITEM: &str = "photo";

/// Folder of the platform's files.
pub const UPLOAD_DIR: &str = "upload";
/// Folder of the letters to print, sign and seal.
pub const PRINT_DIR: &str = "print";
/// Folder of the files as HR gave them.
pub const ORIGINALS_DIR: &str = "originals";

/// One made upload file of an item (see `crate::upload`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub item_id: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The files it was made from, as HR named them.
    pub files: Vec<String>,
    pub how: UploadHow,
    pub within_budget: bool,
}

/// The platform photo (`upload/photo.jpg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformPhoto {
    pub jpeg: Vec<u8>,
    /// The photo file it was made from.
    pub file: String,
    pub how: UploadHow,
    pub within_budget: bool,
}

/// Extensions whose content is already compressed: stored as is, since deflating them again
/// costs time and gains nothing.
const STORED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "jp2", "pdf", "ofd", "zip", "7z",
    "rar", "gz", "bz2", "xz", "zst", "docx", "xlsx", "pptx", "odt", "ods", "odp", "mp4", "mov",
    "mp3",
];

/// One input file for a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Checklist item this file belongs to (`salary_certificate`, `passport`).
    pub item_id: String,
    /// The file name as the user knows it (relative to the folder they gave); for a generated
    /// letter, any name with the right extension (`salary_certificate.pdf`).
    pub original: String,
    pub content: Content,
}

/// Everything that goes into one employee's packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacketSources {
    /// The cover checklist PDF (may be set later with [`PacketPlan::set_cover`], once the
    /// entry names it lists are known).
    pub cover: Vec<u8>,
    /// Generated letters (PDF), e.g. the salary certificate and the guarantee letter.
    pub letters: Vec<Document>,
    /// The photo file, original bytes.
    pub photo: Option<Document>,
    /// The photo as the platform takes it.
    pub platform_photo: Option<PlatformPhoto>,
    /// The upload files, one per item (employee's and company's).
    pub uploads: Vec<Upload>,
    /// The employee's matched scans.
    pub scans: Vec<Document>,
    /// Company-side scans shared by all packets (tax certificate, bank statements).
    pub company_scans: Vec<Document>,
}

/// One file in the packet, in final order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketEntry {
    /// Name inside the zip, e.g. `04_passport.jpg`.
    pub name: String,
    pub content: Content,
    /// Deflate (true) or store (false).
    pub compress: bool,
    /// Checklist item id (`cover` for the cover sheet).
    pub item_id: String,
    /// The user's original file name; `None` for generated files.
    pub original: Option<String>,
}

/// One line of a packet's table of contents, for report.json and the cover sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestLine {
    pub entry: String,
    pub item_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

/// The planned packet: entries in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketPlan {
    pub entries: Vec<PacketEntry>,
    /// The `upload/` files with their sizes and pages, in entry order.
    pub uploads: Vec<UploadLine>,
}

impl PacketPlan {
    /// Entry names with their item ids and original names.
    pub fn manifest(&self) -> Vec<ManifestLine> {
        self.entries
            .iter()
            .map(|e| ManifestLine {
                entry: e.name.clone(),
                item_id: e.item_id.clone(),
                original: e.original.clone(),
            })
            .collect()
    }

    /// Replaces the cover sheet's bytes (the cover may list the entry names, so it can be
    /// rendered after planning).
    pub fn set_cover(&mut self, pdf: Vec<u8>) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.name == COVER_NAME) {
            e.content = Content::Bytes(pdf);
        }
    }
}

/// Orders and names the packet's files. Upload files follow the position of their item in
/// `checklist` (items not in it last, by id); the originals follow the checklist too, with
/// a document's front before its back (`sides`: `work_permit_front` before
/// `work_permit_back`, `正面` before `背面`), so the result does not depend on the order the
/// inputs were found in. Prefixes are two digits (three when a folder has more than 99
/// files) and count up from `01`.
pub fn plan(checklist: &[ChecklistLine], sides: &PageSides, sources: PacketSources) -> PacketPlan {
    let PacketSources {
        cover,
        letters,
        photo,
        platform_photo,
        mut uploads,
        scans,
        company_scans,
    } = sources;
    let pos = |id: &str| {
        checklist
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut entries = vec![PacketEntry {
        name: COVER_NAME.to_string(),
        content: Content::Bytes(cover),
        compress: false,
        item_id: "cover".to_string(),
        original: None,
    }];
    let mut lines = Vec::new();

    uploads.sort_by(|a, b| (pos(&a.item_id), &a.item_id).cmp(&(pos(&b.item_id), &b.item_id)));
    let width = uploads.len().to_string().len().max(2);
    for (i, u) in uploads.into_iter().enumerate() {
        let name = format!(
            "{UPLOAD_DIR}/{:0width$}_{}.pdf",
            i + 1,
            safe_file_name(&u.item_id, 60)
        );
        lines.push(UploadLine {
            entry: name.clone(),
            item_id: u.item_id.clone(),
            bytes: u.pdf.len() as u64,
            pages: u.pages,
            files: u.files,
            how: u.how,
            within_budget: u.within_budget,
        });
        entries.push(PacketEntry {
            name,
            content: Content::Bytes(u.pdf),
            compress: false,
            item_id: u.item_id,
            original: None,
        });
    }
    if let Some(p) = platform_photo {
        let name = format!("{UPLOAD_DIR}/photo.jpg");
        lines.push(UploadLine {
            entry: name.clone(),
            item_id: PHOTO_ITEM.to_string(),
            bytes: p.jpeg.len() as u64,
            pages: 1,
            files: vec![p.file],
            how: p.how,
            within_budget: p.within_budget,
        });
        entries.push(PacketEntry {
            name,
            content: Content::Bytes(p.jpeg),
            compress: false,
            item_id: PHOTO_ITEM.to_string(),
            original: None,
        });
    }

    let letters = sorted(checklist, sides, letters);
    let width = letters.len().to_string().len().max(2);
    for (i, doc) in letters.into_iter().enumerate() {
        let ext = extension(&doc.original).unwrap_or_else(|| "pdf".to_string());
        entries.push(PacketEntry {
            name: format!(
                "{PRINT_DIR}/{:0width$}_{}.{ext}",
                i + 1,
                safe_file_name(&doc.item_id, 60)
            ),
            compress: !STORED_EXTENSIONS.contains(&ext.as_str()),
            content: doc.content,
            item_id: doc.item_id,
            original: None,
        });
    }

    let mut taken = std::collections::HashSet::new();
    let photo = photo.map(|mut p| {
        p.original = format!("photos/{}", p.original);
        p
    });
    let originals = photo
        .into_iter()
        .chain(sorted(checklist, sides, scans))
        .chain(sorted(checklist, sides, company_scans));
    for doc in originals {
        let ext = extension(&doc.original).unwrap_or_default();
        let name = unique(&mut taken, original_entry(&doc.original));
        entries.push(PacketEntry {
            name,
            compress: !STORED_EXTENSIONS.contains(&ext.as_str()),
            content: doc.content,
            item_id: doc.item_id,
            original: Some(doc.original),
        });
    }
    PacketPlan {
        entries,
        uploads: lines,
    }
}

/// `originals/<path as HR gave it>`: each part of the path kept as written (spaces, Chinese,
/// capitals), with only what a zip or a file system cannot hold replaced: control
/// characters, `\`, `:` and the like, and `.`/`..` parts.
fn original_entry(original: &str) -> String {
    let parts: Vec<String> = original
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let clean: String = p
                .chars()
                .map(|c| {
                    if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            let clean = clean.trim().to_string();
            if clean.is_empty() || clean.chars().all(|c| c == '.') {
                "_".to_string()
            } else {
                clean
            }
        })
        .collect();
    let path = if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    };
    format!("{ORIGINALS_DIR}/{path}")
}

/// `name`, or `name (2)`... before its extension when a file of that name (in any case) is
/// already in the packet.
fn unique(taken: &mut std::collections::HashSet<String>, name: String) -> String {
    if taken.insert(name.to_lowercase()) {
        return name;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.ends_with('/') && !e.contains('/') => (s.to_string(), format!(".{e}")),
        _ => (name.clone(), String::new()),
    };
    (2..)
        .map(|k| format!("{stem} ({k}){ext}"))
        .find(|n| taken.insert(n.to_lowercase()))
        .unwrap_or(name)
}

/// `docs` in packet order: by their item's position in `checklist`, then front before back,
/// then by name.
pub fn sorted(
    checklist: &[ChecklistLine],
    sides: &PageSides,
    docs: Vec<Document>,
) -> Vec<Document> {
    let pos = |id: &str| {
        checklist
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut keyed: Vec<_> = docs
        .into_iter()
        .map(|d| {
            let (stem, side) = sides.sort_key(&d.original);
            let key = (
                pos(&d.item_id),
                d.item_id.clone(),
                stem,
                side,
                d.original.to_lowercase(),
                d.original.clone(),
            );
            (key, d)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// The lower-case extension of a file name, when it is a plain one (ASCII letters and
/// digits, at most 8).
fn extension(original: &str) -> Option<String> {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty()
        || ext.is_empty()
        || ext.len() > 8
        || !ext.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str) -> ChecklistLine {
        ChecklistLine {
            id: id.into(),
            name_zh: String::new(),
            name_en: String::new(),
            kind: crate::outcome::ItemKind::Upload,
            status: crate::outcome::ItemStatus::Provided,
            optional: false,
            bring_original: false,
            how_zh: String::new(),
            how_en: String::new(),
            files: vec![],
        }
    }

    fn doc(item: &str, original: &str) -> Document {
        Document {
            item_id: item.into(),
            original: original.into(),
            content: Content::Bytes(original.as_bytes().to_vec()),
        }
    }

    fn sides() -> PageSides {
        PageSides {
            front: vec!["front".into(), "正面".into()],
            back: vec!["back".into(), "背面".into()],
            source: String::new(),
        }
    }

    fn checklist() -> Vec<ChecklistLine> {
        [
            "wp_extension_form",
            "guarantee_letter",
            "labour_contract",
            "passport",
            "residence_permit_page",
            "salary_certificate",
            "tax_certificate",
            "company_tax_certificate",
            "company_bank_statements",
        ]
        .into_iter()
        .map(line)
        .collect()
    }

    fn upload(item: &str) -> Upload {
        Upload {
            item_id: item.into(),
            pdf: format!("%PDF {item}").into_bytes(),
            pages: 2,
            files: vec![format!("E1/{item}.jpg")],
            how: UploadHow::Placed,
            within_budget: true,
        }
    }

    #[test]
    fn entries_go_in_upload_print_and_originals_in_checklist_order() {
        let sources = PacketSources {
            cover: b"%PDF-cover".to_vec(),
            letters: vec![
                doc("salary_certificate", "salary_certificate.pdf"),
                doc("guarantee_letter", "guarantee_letter.pdf"),
            ],
            photo: Some(doc(PHOTO_ITEM, "Smith.JPG")),
            platform_photo: Some(PlatformPhoto {
                jpeg: b"jpeg".to_vec(),
                file: "Smith.JPG".into(),
                how: UploadHow::PassedThrough,
                within_budget: true,
            }),
            uploads: vec![
                upload("company_tax_certificate"),
                upload("passport"),
                upload("labour_contract"),
            ],
            scans: vec![
                doc("tax_certificate", "E1/完税证明.PDF"),
                doc("passport", "E1/passport p2.jpg"),
                doc("passport", "E1/Passport p1.jpg"),
                doc("labour_contract", "E1/contract.docx"),
                doc("mystery", "E1/notes.txt"),
            ],
            company_scans: vec![
                doc("company_bank_statements", "_company/bank.pdf"),
                doc("company_tax_certificate", "_company/tax.pdf"),
            ],
        };
        let plan = plan(&checklist(), &sides(), sources);
        let names: Vec<&str> = plan.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "00_cover_checklist.pdf",
                "upload/01_labour_contract.pdf",
                "upload/02_passport.pdf",
                "upload/03_company_tax_certificate.pdf",
                "upload/photo.jpg",
                "print/01_guarantee_letter.pdf",
                "print/02_salary_certificate.pdf",
                "originals/photos/Smith.JPG",
                "originals/E1/contract.docx",
                "originals/E1/Passport p1.jpg",
                "originals/E1/passport p2.jpg",
                "originals/E1/完税证明.PDF",
                "originals/E1/notes.txt",
                "originals/_company/tax.pdf",
                "originals/_company/bank.pdf",
            ]
        );
        // Original names are kept for scans and the photo, not for made files.
        assert_eq!(
            plan.entries[9].original.as_deref(),
            Some("E1/Passport p1.jpg")
        );
        assert_eq!(plan.entries[1].original, None);
        // Already-compressed formats are stored, others deflated.
        assert!(!plan.entries[1].compress);
        assert!(!plan.entries[8].compress);
        assert!(plan.entries[12].compress);
        let lines: Vec<(&str, u64, usize)> = plan
            .uploads
            .iter()
            .map(|u| (u.entry.as_str(), u.bytes, u.pages))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("upload/01_labour_contract.pdf", 20, 2),
                ("upload/02_passport.pdf", 13, 2),
                ("upload/03_company_tax_certificate.pdf", 28, 2),
                ("upload/photo.jpg", 4, 1),
            ]
        );
        let manifest = plan.manifest();
        assert_eq!(manifest[7].item_id, "photo");
        assert_eq!(manifest[7].original.as_deref(), Some("photos/Smith.JPG"));
    }

    #[test]
    fn a_front_comes_before_its_back() {
        let sources = PacketSources {
            scans: vec![
                doc("work_permit", "E1/work_permit_back.jpg"),
                doc("work_permit", "E1/work_permit_front.jpg"),
                doc("residence_permit", "E1/居留许可背面.jpg"),
                doc("residence_permit", "E1/居留许可正面.jpg"),
                doc("passport", "E1/p2_front.jpg"),
                doc("passport", "E1/p1_back.jpg"),
                doc("passport", "E1/p1_front.jpg"),
            ],
            ..Default::default()
        };
        let planned = plan(&checklist(), &sides(), sources);
        let originals: Vec<&str> = planned
            .entries
            .iter()
            .filter_map(|e| e.original.as_deref())
            .collect();
        assert_eq!(
            originals,
            vec![
                "E1/p1_front.jpg",
                "E1/p1_back.jpg",
                "E1/p2_front.jpg",
                "E1/居留许可正面.jpg",
                "E1/居留许可背面.jpg",
                "E1/work_permit_front.jpg",
                "E1/work_permit_back.jpg",
            ]
        );
        // Without side words the alphabet decides: back before front.
        let plain = sorted(
            &checklist(),
            &PageSides::default(),
            vec![
                doc("work_permit", "E1/work_permit_front.jpg"),
                doc("work_permit", "E1/work_permit_back.jpg"),
            ],
        );
        assert_eq!(plain[0].original, "E1/work_permit_back.jpg");
    }

    #[test]
    fn input_order_does_not_change_the_plan() {
        let a = vec![doc("passport", "b.jpg"), doc("passport", "a.jpg")];
        let b = vec![doc("passport", "a.jpg"), doc("passport", "b.jpg")];
        let ua = vec![upload("passport"), upload("labour_contract")];
        let ub = vec![upload("labour_contract"), upload("passport")];
        let pa = plan(
            &checklist(),
            &sides(),
            PacketSources {
                scans: a,
                uploads: ua,
                ..Default::default()
            },
        );
        let pb = plan(
            &checklist(),
            &sides(),
            PacketSources {
                scans: b,
                uploads: ub,
                ..Default::default()
            },
        );
        assert_eq!(pa, pb);
    }

    #[test]
    fn odd_names_are_made_safe_and_unique() {
        let sources = PacketSources {
            uploads: vec![upload("../evil")],
            scans: vec![
                doc("passport", "../x:y.jpg"),
                doc("passport", "E1/./a.jpg"),
                doc("labour_contract", "E1/A.jpg"),
                doc("labour_contract", "E1/a.JPG"),
                doc("labour_contract", "E1\\win.pdf"),
            ],
            ..Default::default()
        };
        let plan = plan(&checklist(), &sides(), sources);
        let names: Vec<&str> = plan.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "00_cover_checklist.pdf",
                "upload/01_evil.pdf",
                "originals/E1/A.jpg",
                "originals/E1/a (2).JPG",
                "originals/E1/win.pdf",
                "originals/E1/_/a.jpg",
                "originals/_/x_y.jpg",
            ]
        );
        // The archive takes every one of them.
        assert!(
            super::super::assemble_to_vec(
                &plan.entries,
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                None,
                1 << 20
            )
            .is_ok()
        );
    }

    #[test]
    fn many_uploads_widen_the_prefix() {
        let uploads = (0..120).map(|i| upload(&format!("item{i:03}"))).collect();
        let plan = plan(
            &checklist(),
            &sides(),
            PacketSources {
                uploads,
                ..Default::default()
            },
        );
        assert_eq!(plan.entries[1].name, "upload/001_item000.pdf");
        assert_eq!(plan.entries[120].name, "upload/120_item119.pdf");
    }

    #[test]
    fn set_cover_replaces_the_first_entry() {
        let mut p = plan(&checklist(), &sides(), PacketSources::default());
        p.set_cover(b"%PDF-real".to_vec());
        assert_eq!(p.entries[0].content, Content::Bytes(b"%PDF-real".to_vec()));
    }
}

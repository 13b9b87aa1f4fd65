//! The order and names of the files inside one packet: `00_cover_checklist.pdf`, the
//! generated letters, the photo (original bytes), the employee's matched scans renamed
//! `NN_<item id>.<ext>`, then the company scans, each group in checklist order. The user's
//! original file names are kept beside each entry for the cover sheet and the reports.

use crate::fsutil::safe_file_name;
use crate::outcome::ChecklistLine;
use crate::rules::PageSides;
use serde::Serialize;
use std::path::PathBuf;

/// Entry name of the cover checklist, always first.
pub const COVER_NAME: &str = "00_cover_checklist.pdf";

/// Item id used for the photo entry.
pub const PHOTO_ITEM: &str = "photo";

/// Extensions whose content is already compressed: stored as is, since deflating them again
/// costs time and gains nothing.
const STORED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "jp2", "pdf", "ofd", "zip", "7z",
    "rar", "gz", "bz2", "xz", "zst", "docx", "xlsx", "pptx", "odt", "ods", "odp", "mp4", "mov",
    "mp3",
];

/// The bytes of an entry: in memory, or a file copied in when the packet is written (large
/// scans need not be held in memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

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

/// Orders and names the packet's files. Within each group files are sorted by the position
/// of their item in `checklist` (items not in the checklist last, by id), then by original
/// name with a document's front before its back (`sides`: `work_permit_front` before
/// `work_permit_back`, `正面` before `背面`), so the result does not depend on the order the
/// inputs were found in. When one item
/// has several files they are numbered `_1`, `_2`... Prefixes are two digits (three when a
/// packet has more than 100 files) and count up from `00`.
pub fn plan(checklist: &[ChecklistLine], sides: &PageSides, sources: PacketSources) -> PacketPlan {
    let PacketSources {
        cover,
        letters,
        photo,
        scans,
        company_scans,
    } = sources;
    let groups = [
        sorted(checklist, sides, letters),
        photo.into_iter().collect(),
        sorted(checklist, sides, scans),
        sorted(checklist, sides, company_scans),
    ];
    let total = 1 + groups.iter().map(Vec::len).sum::<usize>();
    let width = (total - 1).to_string().len().max(2);
    let mut entries = Vec::with_capacity(total);
    entries.push(PacketEntry {
        name: COVER_NAME.to_string(),
        content: Content::Bytes(cover),
        compress: false,
        item_id: "cover".to_string(),
        original: None,
    });
    let mut counter = 1usize;
    for (g, group) in groups.into_iter().enumerate() {
        let generated = g == 0;
        let mut i = 0;
        let docs: Vec<Document> = group;
        while i < docs.len() {
            let same = docs[i..]
                .iter()
                .take_while(|d| d.item_id == docs[i].item_id)
                .count();
            for (k, doc) in docs[i..i + same].iter().enumerate() {
                let ext = extension(&doc.original)
                    .unwrap_or_else(|| if generated { "pdf" } else { "bin" }.to_string());
                let item = safe_file_name(&doc.item_id, 60);
                let name = if same > 1 {
                    format!("{counter:0width$}_{item}_{}.{ext}", k + 1)
                } else {
                    format!("{counter:0width$}_{item}.{ext}")
                };
                counter += 1;
                entries.push(PacketEntry {
                    name,
                    compress: !STORED_EXTENSIONS.contains(&ext.as_str()),
                    content: doc.content.clone(),
                    item_id: doc.item_id.clone(),
                    original: (!generated).then(|| doc.original.clone()),
                });
            }
            i += same;
        }
    }
    // The cover's name must carry the same width as the rest to keep the listing sorted.
    if width > 2 {
        entries[0].name = format!("{:0width$}_cover_checklist.pdf", 0);
    }
    PacketPlan { entries }
}

fn sorted(checklist: &[ChecklistLine], sides: &PageSides, docs: Vec<Document>) -> Vec<Document> {
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

    #[test]
    fn entries_follow_the_issue_order_and_names() {
        let sources = PacketSources {
            cover: b"%PDF-cover".to_vec(),
            letters: vec![
                doc("salary_certificate", "salary_certificate.pdf"),
                doc("guarantee_letter", "guarantee_letter.pdf"),
            ],
            photo: Some(doc(PHOTO_ITEM, "photos/Smith.JPG")),
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
                "01_guarantee_letter.pdf",
                "02_salary_certificate.pdf",
                "03_photo.jpg",
                "04_labour_contract.docx",
                "05_passport_1.jpg",
                "06_passport_2.jpg",
                "07_tax_certificate.pdf",
                "08_mystery.txt",
                "09_company_tax_certificate.pdf",
                "10_company_bank_statements.pdf",
            ]
        );
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, names, "entry order is also name order");
        // Original names are kept for scans and the photo, not for generated files.
        assert_eq!(
            plan.entries[5].original.as_deref(),
            Some("E1/Passport p1.jpg")
        );
        assert_eq!(plan.entries[1].original, None);
        // Already-compressed formats are stored, others deflated.
        assert!(!plan.entries[3].compress);
        assert!(!plan.entries[4].compress);
        assert!(plan.entries[8].compress);
        let manifest = plan.manifest();
        assert_eq!(manifest[3].item_id, "photo");
        assert_eq!(manifest[3].original.as_deref(), Some("photos/Smith.JPG"));
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
        let plain = plan(
            &checklist(),
            &PageSides::default(),
            PacketSources {
                scans: vec![
                    doc("work_permit", "E1/work_permit_front.jpg"),
                    doc("work_permit", "E1/work_permit_back.jpg"),
                ],
                ..Default::default()
            },
        );
        assert_eq!(
            plain.entries[1].original.as_deref(),
            Some("E1/work_permit_back.jpg")
        );
    }

    #[test]
    fn input_order_does_not_change_the_plan() {
        let a = vec![doc("passport", "b.jpg"), doc("passport", "a.jpg")];
        let b = vec![doc("passport", "a.jpg"), doc("passport", "b.jpg")];
        let pa = plan(
            &checklist(),
            &sides(),
            PacketSources {
                scans: a,
                ..Default::default()
            },
        );
        let pb = plan(
            &checklist(),
            &sides(),
            PacketSources {
                scans: b,
                ..Default::default()
            },
        );
        assert_eq!(pa, pb);
    }

    #[test]
    fn odd_extensions_and_item_ids_are_made_safe() {
        let sources = PacketSources {
            scans: vec![
                doc("../evil", "x.j/pg"),
                doc("passport", "noext"),
                doc("labour_contract", "a.tar.gz"),
            ],
            ..Default::default()
        };
        let plan = plan(&checklist(), &sides(), sources);
        let names: Vec<&str> = plan.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "00_cover_checklist.pdf",
                "01_labour_contract.gz",
                "02_passport.bin",
                "03_evil.bin"
            ]
        );
    }

    #[test]
    fn many_files_widen_every_prefix() {
        let scans = (0..120)
            .map(|i| doc("passport", &format!("p{i:03}.jpg")))
            .collect();
        let plan = plan(
            &checklist(),
            &sides(),
            PacketSources {
                scans,
                ..Default::default()
            },
        );
        assert_eq!(plan.entries[0].name, "000_cover_checklist.pdf");
        assert_eq!(plan.entries[1].name, "001_passport_1.jpg");
        assert_eq!(plan.entries[120].name, "120_passport_120.jpg");
        let names: Vec<&String> = plan.entries.iter().map(|e| &e.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, names);
    }

    #[test]
    fn set_cover_replaces_the_first_entry() {
        let mut p = plan(&checklist(), &sides(), PacketSources::default());
        p.set_cover(b"%PDF-real".to_vec());
        assert_eq!(p.entries[0].content, Content::Bytes(b"%PDF-real".to_vec()));
    }
}

//! Tests of scan matching on plain names, with the built-in checklists.

use super::*;
use crate::assets::Templates;
use crate::catalog::Catalog;
use crate::codes;
use crate::rules::Rules;
use std::sync::Arc;

fn list(key: &str) -> Arc<[ChecklistItem]> {
    let rules = Rules::load(&Templates::builtin()).unwrap();
    rules.checklists.for_key(key).unwrap().items.clone()
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The item a single file goes to, among the (六) list.
fn item_of(file: &str) -> Option<String> {
    let items = list("B6");
    let m = match_scans(&items, &names(&[file]), &[]);
    m.items
        .iter()
        .find(|i| !i.files.is_empty())
        .map(|i| i.id.clone())
}

#[test]
fn normalize_folds_case_width_and_separators() {
    assert_eq!(
        scan_key("Labour-Contract (signed)"),
        "labour_contract_signed"
    );
    assert_eq!(scan_key("ｐａｓｓｐｏｒｔ　ＳＣＡＮ"), "passport_scan");
    assert_eq!(scan_key("  __聘用合同__2025 "), "聘用合同_2025");
    assert_eq!(scan_key("（完税证明）"), "完税证明");
    // Decomposed é (e + combining acute) equals the composed one.
    assert_eq!(
        scan_key("contrat_sign\u{65}\u{301}"),
        scan_key("contrat_sign\u{e9}")
    );
    assert_eq!(stem("passport_scan.PDF"), "passport_scan");
    assert_eq!(stem("a.b.pdf"), "a.b");
    assert_eq!(stem("noext"), "noext");
}

#[test]
fn ids_keywords_chinese_and_english() {
    assert_eq!(item_of("聘用合同.pdf").as_deref(), Some("labour_contract"));
    assert_eq!(
        item_of("劳动合同-扫描件.jpg").as_deref(),
        Some("labour_contract")
    );
    assert_eq!(
        item_of("Labour Contract.jpg").as_deref(),
        Some("labour_contract")
    );
    assert_eq!(item_of("passport_scan.PDF").as_deref(), Some("passport"));
    assert_eq!(item_of("护照首页.png").as_deref(), Some("passport"));
    assert_eq!(
        item_of("完税证明2025.pdf").as_deref(),
        Some("tax_certificate")
    );
    assert_eq!(
        item_of("tax_certificate.pdf").as_deref(),
        Some("tax_certificate")
    );
    assert_eq!(
        item_of("居留许可页.jpg").as_deref(),
        Some("residence_permit")
    );
    assert_eq!(item_of("RP page.jpg").as_deref(), Some("residence_permit"));
    assert_eq!(item_of("相片回执.jpg").as_deref(), Some("photo_receipt"));
    assert_eq!(item_of("WP.jpg").as_deref(), Some("work_permit"));
    assert_eq!(
        item_of("外国人工作许可证.jpg").as_deref(),
        Some("work_permit")
    );
    assert_eq!(
        item_of("WP_extension_form.pdf").as_deref(),
        Some("wp_extension_form")
    );
    assert_eq!(
        item_of("工作许可证延期申请表.pdf").as_deref(),
        Some("wp_extension_form")
    );
    assert_eq!(item_of("random.docx"), None);
}

#[test]
fn the_longest_match_wins() {
    assert_eq!(
        item_of("company_tax_certificate_2025Q3.pdf").as_deref(),
        Some("company_tax_certificate")
    );
    assert_eq!(
        item_of("公司纳税证明.pdf").as_deref(),
        Some("company_tax_certificate")
    );
    assert_eq!(
        item_of("公司近3个月的纳税证明.pdf").as_deref(),
        Some("company_tax_certificate")
    );
    assert_eq!(
        item_of("个人纳税证明.pdf").as_deref(),
        Some("tax_certificate")
    );
    assert_eq!(
        item_of("Service Contract ACME.pdf").as_deref(),
        Some("business_contracts")
    );
    assert_eq!(
        item_of("贸易合同.pdf").as_deref(),
        Some("business_contracts")
    );
    assert_eq!(item_of("contract.pdf").as_deref(), Some("labour_contract"));
    assert_eq!(
        item_of("passport_residence_permit_page.jpg").as_deref(),
        Some("residence_permit")
    );
}

#[test]
fn short_english_keywords_need_word_boundaries() {
    // "rp" inside "corporate", "wp" inside "wps" must not match.
    assert_eq!(item_of("corporate_profile.pdf"), None);
    assert_eq!(item_of("wps_document.pdf"), None);
    assert_eq!(item_of("scan_rp.jpg").as_deref(), Some("residence_permit"));
    assert_eq!(item_of("wp2026.jpg").as_deref(), Some("work_permit"));
    // A long keyword may be followed by letters (plurals): "bank" in "bankstatements" is not
    // at a word start only if preceded by a letter.
    assert_eq!(
        item_of("bank_statements_jul-sep.pdf").as_deref(),
        Some("company_bank_statements")
    );
    assert_eq!(item_of("mybank.pdf"), None);
}

#[test]
fn statuses_per_kind_and_missing_errors() {
    let items = list("B6");
    let m = match_scans(
        &items,
        &names(&[
            "聘用合同.pdf",
            "Labour Contract.jpg",
            "passport_scan.PDF",
            "完税证明2025.pdf",
            "random.docx",
            "居留许可.jpg",
        ]),
        &names(&["bank_statement_2026.pdf"]),
    );
    let st = |id: &str| m.status_of(id).unwrap();
    assert_eq!(st("guarantee_letter"), ItemStatus::Generated);
    assert_eq!(st("salary_certificate"), ItemStatus::Generated);
    assert_eq!(st("visa_application_form"), ItemStatus::AfterBooking);
    // Originals are uploaded too: a scan makes them provided, none makes them missing.
    assert_eq!(st("labour_contract"), ItemStatus::Provided);
    assert_eq!(st("passport"), ItemStatus::Provided);
    assert_eq!(st("work_permit"), ItemStatus::Missing);
    assert_eq!(st("tax_certificate"), ItemStatus::Provided);
    assert_eq!(st("residence_permit"), ItemStatus::Provided);
    assert_eq!(st("wp_extension_form"), ItemStatus::Missing);
    assert_eq!(st("photo_receipt"), ItemStatus::Missing);
    assert_eq!(st("company_bank_statements"), ItemStatus::Provided);
    assert_eq!(st("company_tax_certificate"), ItemStatus::Missing);
    assert_eq!(
        m.files_of("labour_contract"),
        ["Labour Contract.jpg", "聘用合同.pdf"]
    );
    assert_eq!(
        m.files_of("company_bank_statements"),
        ["_company/bank_statement_2026.pdf"]
    );
    assert_eq!(m.unmatched, ["random.docx"]);

    let errors: Vec<&str> = m
        .issues
        .iter()
        .filter(|i| i.is_error())
        .map(|i| i.get("item").unwrap())
        .collect();
    assert_eq!(
        errors,
        ["wp_extension_form", "work_permit", "photo_receipt"]
    );
    let wp = m
        .issues
        .iter()
        .find(|i| i.get("item") == Some("work_permit"))
        .unwrap();
    assert_eq!(wp.code, codes::DOCUMENT_MISSING);
    assert!(wp.get("also_en").unwrap().contains("original"));
    // The accommodation form is asked for only at the window's discretion: a warning.
    let acc = m
        .issues
        .iter()
        .find(|i| i.get("item") == Some("accommodation_registration"))
        .unwrap();
    assert_eq!(acc.code, codes::DOCUMENT_MAY_ASK_MISSING);
    assert!(!acc.is_error());
    assert!(
        m.issues
            .iter()
            .all(|i| i.code != codes::DOCUMENT_MISSING || i.is_error())
    );
    let company: Vec<&str> = m
        .issues
        .iter()
        .filter(|i| i.code == codes::DOCUMENT_COMPANY_MISSING)
        .map(|i| i.get("item").unwrap())
        .collect();
    assert_eq!(company, ["company_tax_certificate", "business_contracts"]);
    assert!(
        m.issues
            .iter()
            .filter(|i| i.code == codes::DOCUMENT_COMPANY_MISSING)
            .all(|i| !i.is_error())
    );
    let dup = m
        .issues
        .iter()
        .find(|i| i.code == codes::DOCUMENT_DUPLICATE)
        .unwrap();
    assert_eq!(dup.get("item"), Some("labour_contract"));
    assert_eq!(dup.get("count"), Some("2"));
    let un = m
        .issues
        .iter()
        .find(|i| i.code == codes::DOCUMENT_UNMATCHED)
        .unwrap();
    assert_eq!(un.at.file.as_deref(), Some("random.docx"));
}

#[test]
fn company_files_only_fill_company_items() {
    let items = list("B1");
    // A labour contract dropped into _company/ is not the employee's contract.
    let m = match_scans(&items, &[], &names(&["聘用合同.pdf", "公司纳税证明.pdf"]));
    assert!(m.files_of("labour_contract").is_empty());
    assert_eq!(
        m.files_of("company_tax_certificate"),
        ["_company/公司纳税证明.pdf"]
    );
    assert_eq!(m.unmatched, ["_company/聘用合同.pdf"]);
}

#[test]
fn no_list_means_company_files_are_left_alone() {
    let m = match_scans(&[], &names(&["passport.pdf"]), &names(&["bank.pdf"]));
    assert!(m.items.is_empty());
    assert_eq!(m.unmatched, ["passport.pdf"]);
}

#[test]
fn lines_for_the_report() {
    let items = list("B1");
    let m = match_scans(&items, &names(&["photo_receipt.jpg"]), &[]);
    let lines = to_lines(&items, &m);
    assert_eq!(lines.len(), items.len());
    let receipt = lines.iter().find(|l| l.id == "photo_receipt").unwrap();
    assert_eq!(receipt.status, ItemStatus::Provided);
    assert_eq!(receipt.kind, ItemKind::Upload);
    assert_eq!(receipt.files, ["photo_receipt.jpg"]);
    assert!(!receipt.optional);
    let bank = lines
        .iter()
        .find(|l| l.id == "company_bank_statements")
        .unwrap();
    assert!(bank.optional);
    assert_eq!(bank.status, ItemStatus::Missing);
    let json = serde_json::to_value(&lines[0]).unwrap();
    for key in ["id", "name_zh", "name_en", "kind", "status", "files"] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn unchecked_gives_one_warning() {
    let items = list("B6");
    let m = unchecked(&items);
    assert_eq!(m.status_of("tax_certificate"), Some(ItemStatus::Missing));
    assert_eq!(m.status_of("passport"), Some(ItemStatus::Missing));
    assert_eq!(m.issues.len(), 1);
    // Scans nobody looked at cannot make an employee ready.
    assert!(m.issues[0].is_error());
    // wp form, contract, passport, RP page, WP card, photo receipt, tax certificate.
    assert_eq!(m.issues[0].get("count"), Some("7"));
}

#[test]
fn every_document_code_has_a_message_without_leftover_placeholders() {
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let items = list("B6");
    let mut issues = match_scans(
        &items,
        &names(&["a.pdf", "passport1.pdf", "passport2.pdf"]),
        &[],
    )
    .issues;
    issues.extend(unchecked(&items).issues);
    let masked = "E1****678";
    issues.push(
        Issue::warning(codes::DOCUMENT_NO_FOLDER)
            .arg("passport", masked)
            .arg("passport_full", "E12345678"),
    );
    issues.push(
        Issue::warning(codes::DOCUMENT_FOLDER_AMBIGUOUS)
            .arg("passport", masked)
            .arg("count", 2)
            .arg("folders", "E12345678, E12345678 old")
            .arg("folder", "E12345678"),
    );
    issues.push(
        Issue::warning(codes::DOCUMENT_FOLDER_UNREADABLE)
            .arg("passport", masked)
            .arg("folder", "E12345678")
            .arg("detail", "permission denied"),
    );
    // The run-level and by-name issues as the docs index makes them.
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "E12345679/a.pdf",
        "Wang/b.pdf",
        "Maria GARCIA/c.pdf",
        "x.pdf",
        "Garsia.pdf",
    ] {
        let p = tmp.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }
    let person = |passport: &str, name: &str| crate::model::Employee {
        passport_no: Some(passport.into()),
        name: Some(name.into()),
        ..Default::default()
    };
    let inputs = crate::run::FsInputs::new(
        std::path::PathBuf::new(),
        None,
        None,
        Some(tmp.path().to_path_buf()),
    );
    let mut index = folder::DocsIndex::open(&inputs).unwrap().unwrap();
    index.assign(&owner::Owners::new(&[
        person("E12345678", "Maria Garcia"),
        person("W1000001", "Wang Lei"),
        person("W1000002", "Wang Fang"),
    ]));
    issues.extend(index.issues().iter().cloned());
    issues.extend(index.employee(&inputs, "E12345678").issues);
    let mut vetted = match_scans(&items, &names(&["passport.pdf"]), &[]);
    vet_files(&items, &mut vetted, |_| Ok((b"<html>".to_vec(), 6)));
    issues.extend(vetted.issues);
    for code in [
        codes::DOCUMENT_SUBFOLDER,
        codes::DOCUMENT_LINK_OUTSIDE,
        codes::DOCUMENT_EMPTY,
        codes::DOCUMENT_UNREADABLE,
        codes::DOCUMENT_BAD_NAME,
    ] {
        issues.push(Issue::warning(code).arg("file", "x.pdf"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for i in &issues {
        seen.insert(i.code.clone());
        assert!(cat.contains(&i.code), "{} has no message", i.code);
        let t = cat.text(i);
        for s in [&t.message, &t.message_zh, &t.action, &t.action_zh] {
            assert!(!s.is_empty() && !s.contains('{'), "{}: {s}", i.code);
        }
    }
    assert_eq!(seen.len(), 19, "{seen:?}");
}

/// Scan names as HR writes them (collected from real employee folders, Chinese and English,
/// phone and scanner defaults), with the item each must go to (`None`: no item). The
/// keywords and `not_keywords` of templates/checklists.toml were grown from this table: add
/// a name here with any new keyword.
const REAL_SCAN_NAMES: &[(&str, Option<&str>)] = &[
    // Passport.
    ("护照.pdf", Some("passport")),
    ("护照首页.jpg", Some("passport")),
    ("护照扫描件.pdf", Some("passport")),
    ("Passport.pdf", Some("passport")),
    ("passport bio page.jpg", Some("passport")),
    ("PP scan.pdf", Some("passport")),
    ("Passport_John_Smith_2026.pdf", Some("passport")),
    ("data page.jpg", Some("passport")),
    ("护照信息页 Passport.jpg", Some("passport")),
    // Residence Permit page.
    ("居留许可.jpg", Some("residence_permit")),
    ("居留许可页.pdf", Some("residence_permit")),
    ("签证页.jpg", Some("residence_permit")),
    ("护照签证页.jpg", Some("residence_permit")),
    ("居留证.png", Some("residence_permit")),
    ("RP page.jpg", Some("residence_permit")),
    ("Residence permit.pdf", Some("residence_permit")),
    ("visa page.jpg", Some("residence_permit")),
    ("current visa.jpg", Some("residence_permit")),
    ("RP.jpg", Some("residence_permit")),
    // Work Permit card.
    ("工作许可证.jpg", Some("work_permit")),
    ("工作证.jpg", Some("work_permit")),
    ("外国人工作许可证正面.jpg", Some("work_permit")),
    ("WP card front.jpg", Some("work_permit")),
    ("WP card back.jpg", Some("work_permit")),
    ("Work Permit.pdf", Some("work_permit")),
    ("work permit card (front).jpg", Some("work_permit")),
    ("WP.jpg", Some("work_permit")),
    ("工作许可证背面.jpg", Some("work_permit")),
    // Labour contract.
    ("劳动合同.pdf", Some("labour_contract")),
    ("聘用合同-盖章版.pdf", Some("labour_contract")),
    ("Employment Contract 2025-2027.pdf", Some("labour_contract")),
    ("Labor contract signed.pdf", Some("labour_contract")),
    ("合同.pdf", Some("labour_contract")),
    ("contract.pdf", Some("labour_contract")),
    ("劳动合同 John.pdf", Some("labour_contract")),
    // Work Permit extension form.
    ("工作许可延期申请表.pdf", Some("wp_extension_form")),
    (
        "外国人来华工作许可延期申请表.pdf",
        Some("wp_extension_form"),
    ),
    ("WP extension form.pdf", Some("wp_extension_form")),
    (
        "Work permit extension application.pdf",
        Some("wp_extension_form"),
    ),
    ("延期申请表.pdf", Some("wp_extension_form")),
    ("WP renewal form.pdf", Some("wp_extension_form")),
    // Residence Permit application drafts: the visa application form, never the RP page.
    ("居留许可延期申请.pdf", Some("visa_application_form")),
    ("居留许可申请表.pdf", Some("visa_application_form")),
    ("签证证件申请表.pdf", Some("visa_application_form")),
    ("RP application form.pdf", Some("visa_application_form")),
    (
        "Residence permit application.pdf",
        Some("visa_application_form"),
    ),
    // Photo receipt.
    ("相片回执.jpg", Some("photo_receipt")),
    ("照片回执.jpg", Some("photo_receipt")),
    ("数字相片采集检测回执.pdf", Some("photo_receipt")),
    ("photo receipt.jpg", Some("photo_receipt")),
    ("回执.jpg", Some("photo_receipt")),
    ("Photo check receipt.pdf", Some("photo_receipt")),
    // Individual income tax certificate.
    ("完税证明.pdf", Some("tax_certificate")),
    ("个人所得税完税证明.pdf", Some("tax_certificate")),
    ("个税记录2025.pdf", Some("tax_certificate")),
    ("纳税记录.pdf", Some("tax_certificate")),
    ("Receipt of tax payment.pdf", Some("tax_certificate")),
    ("tax 2025.pdf", Some("tax_certificate")),
    ("Tax certificate 2025.pdf", Some("tax_certificate")),
    ("IIT certificate.pdf", Some("tax_certificate")),
    ("Individual income tax record.pdf", Some("tax_certificate")),
    ("个人纳税证明.pdf", Some("tax_certificate")),
    // Letters permitpack writes: a scan HR made anyway lands on the generated item.
    ("担保函.pdf", Some("guarantee_letter")),
    ("薪资证明.pdf", Some("salary_certificate")),
    ("收入证明.pdf", Some("salary_certificate")),
    // Window may ask.
    ("临时住宿登记表.jpg", Some("accommodation_registration")),
    (
        "境外人员临时住宿登记表.pdf",
        Some("accommodation_registration"),
    ),
    ("住宿登记.jpg", Some("accommodation_registration")),
    (
        "Registration form of temporary residence.pdf",
        Some("accommodation_registration"),
    ),
    (
        "Accommodation registration.jpg",
        Some("accommodation_registration"),
    ),
    // Company side.
    ("公司纳税证明.pdf", Some("company_tax_certificate")),
    ("公司近3个月的纳税证明.pdf", Some("company_tax_certificate")),
    (
        "Company tax certificate Q3.pdf",
        Some("company_tax_certificate"),
    ),
    ("银行流水.pdf", Some("company_bank_statements")),
    ("对公账户对账单.pdf", Some("company_bank_statements")),
    (
        "Bank statements Jul-Sep.pdf",
        Some("company_bank_statements"),
    ),
    ("服务合同.pdf", Some("business_contracts")),
    ("Service contract ACME.pdf", Some("business_contracts")),
    // Short names, copies and phone or scanner-app names with dates (issue 21).
    ("居留.jpg", Some("residence_permit")),
    ("居留 2025-11-03.jpg", Some("residence_permit")),
    ("居留许可页(1).jpg", Some("residence_permit")),
    ("居留许可证.jpg", Some("residence_permit")),
    ("签证页 副本.jpg", Some("residence_permit")),
    ("护照签证页_20251103.jpg", Some("residence_permit")),
    (
        "Screenshot_20251103-101522_居留许可.png",
        Some("residence_permit"),
    ),
    ("护照首页_2.jpg", Some("passport")),
    ("护照资料页.jpg", Some("passport")),
    ("护照_20251103.jpg", Some("passport")),
    ("IMG_1234 passport.JPG", Some("passport")),
    ("微信图片_20251103101522_护照.jpg", Some("passport")),
    ("扫描全能王 2025-11-03 10.15 护照.pdf", Some("passport")),
    ("工作证 20251103_101522.jpg", Some("work_permit")),
    ("工作证复印件.jpg", Some("work_permit")),
    ("外国人工作许可证 正面 20251103.jpg", Some("work_permit")),
    (
        "CamScanner 11-03-2025 10.15 工作证.pdf",
        Some("work_permit"),
    ),
    ("外国人就业证.jpg", Some("work_permit")),
    ("外国专家证.jpg", Some("work_permit")),
    ("居留延期申请.pdf", Some("visa_application_form")),
    // Nothing of the list.
    ("工作证明.pdf", None),
    ("CamScanner 11-03-2025 10.15.pdf", None),
    ("mmexport1699000000000.jpg", None),
    ("IMG_20251103_101522.jpg", None),
    ("Scan0001.pdf", None),
    ("微信图片_20251103.jpg", None),
    ("简历.pdf", None),
    ("CV John Smith.pdf", None),
    ("学历证书.pdf", None),
    ("corporate profile.pdf", None),
    ("WPS文档.docx", None),
    ("工资条.pdf", None),
];

#[test]
fn real_scan_names() {
    let items = list("B6");
    let mut wrong = Vec::new();
    for (file, want) in REAL_SCAN_NAMES {
        let m = match_scans(&items, &names(&[file]), &[]);
        let got = m
            .items
            .iter()
            .find(|i| !i.files.is_empty())
            .map(|i| i.id.as_str());
        if got != *want {
            wrong.push(format!("{file}: got {got:?}, want {want:?}"));
        }
    }
    assert!(REAL_SCAN_NAMES.len() >= 60);
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn card_sides_go_front_first_and_are_not_duplicates() {
    let items = list("B1");
    let m = match_scans(
        &items,
        &names(&["WP card back.jpg", "WP card front.jpg", "工作证 正面.jpg"]),
        &[],
    );
    // Three files: a real duplicate, fronts first.
    assert_eq!(
        m.files_of("work_permit"),
        ["WP card front.jpg", "工作证 正面.jpg", "WP card back.jpg"]
    );
    assert!(m.issues.iter().any(|i| i.code == codes::DOCUMENT_DUPLICATE));
    let m = match_scans(
        &items,
        &names(&["WP card back.jpg", "WP card front.jpg"]),
        &[],
    );
    assert_eq!(
        m.files_of("work_permit"),
        ["WP card front.jpg", "WP card back.jpg"]
    );
    assert!(
        !m.issues.iter().any(|i| i.code == codes::DOCUMENT_DUPLICATE),
        "{:?}",
        m.issues
    );
}

#[test]
fn originals_carry_bring_original_on_their_lines() {
    let items = list("B1");
    let m = match_scans(&items, &names(&["passport.pdf"]), &[]);
    let lines = to_lines(&items, &m);
    let line = |id: &str| lines.iter().find(|l| l.id == id).unwrap();
    assert_eq!(
        line("passport").status,
        crate::outcome::ItemStatus::Provided
    );
    assert!(line("passport").bring_original);
    assert_eq!(
        line("work_permit").status,
        crate::outcome::ItemStatus::Missing
    );
    assert!(line("work_permit").bring_original);
    assert!(!line("work_permit").optional);
    assert!(!line("residence_permit").bring_original);
    let acc = line("accommodation_registration");
    assert!(acc.bring_original && acc.optional);
    assert_eq!(acc.status, crate::outcome::ItemStatus::Missing);
    let json = serde_json::to_value(line("passport")).unwrap();
    assert_eq!(json["bring_original"], true);
    assert_eq!(json["status"], "provided");
}

#[test]
fn files_that_cannot_be_uploaded_are_taken_off_their_item() {
    let items = list("B1");
    let files = names(&[
        "passport.pdf",
        "WP card front.jpg",
        "WP card back.heic",
        "labour_contract.docx",
        "居留许可.pdf",
        "photo_receipt.png",
        "_company/bank_statement.pdf",
    ]);
    let mut m = match_scans(&items, &files[..6], &names(&["bank_statement.pdf"]));
    let heads: std::collections::BTreeMap<&str, &[u8]> = [
        ("passport.pdf", b"%PDF-1.7\n".as_slice()),
        ("WP card front.jpg", &[0xFF, 0xD8, 0xFF, 0xE0][..]),
        ("WP card back.heic", b"\0\0\0\x18ftypheic\0\0\0\0"),
        ("labour_contract.docx", b"PK\x03\x04\x14\0\x06\0"),
        ("居留许可.pdf", b"see attachment\n"),
        ("photo_receipt.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("_company/bank_statement.pdf", b"\0\x01\x02garbage"),
    ]
    .into_iter()
    .collect();
    vet_files(&items, &mut m, |name| {
        heads
            .get(name)
            .map(|b| (b.to_vec(), b.len() as u64))
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    });
    assert_eq!(m.status_of("passport"), Some(ItemStatus::Provided));
    // The front stays; the HEIC back is refused.
    assert_eq!(m.files_of("work_permit"), ["WP card front.jpg"]);
    assert_eq!(m.status_of("work_permit"), Some(ItemStatus::Provided));
    assert_eq!(m.status_of("labour_contract"), Some(ItemStatus::Missing));
    assert_eq!(m.status_of("residence_permit"), Some(ItemStatus::Missing));
    assert_eq!(m.status_of("photo_receipt"), Some(ItemStatus::Provided));
    assert_eq!(
        m.status_of("company_bank_statements"),
        Some(ItemStatus::Missing)
    );
    let refused: Vec<(&str, bool)> = m
        .issues
        .iter()
        .filter(|i| i.code == codes::DOCUMENT_FORMAT)
        .map(|i| (i.at.file.as_deref().unwrap(), i.is_error()))
        .collect();
    let mut files: Vec<&str> = refused.iter().map(|(f, _)| *f).collect();
    files.sort();
    assert_eq!(
        files,
        [
            "WP card back.heic",
            "_company/bank_statement.pdf",
            "labour_contract.docx",
            "居留许可.pdf"
        ]
    );
    assert_eq!(refused.len(), 4);
    assert!(
        refused
            .iter()
            .all(|(f, err)| *err == !f.starts_with("_company/"))
    );
    // The refused items are not reported missing a second time; the others still are.
    let missing: Vec<&str> = m
        .issues
        .iter()
        .filter(|i| i.code == codes::DOCUMENT_MISSING)
        .map(|i| i.get("item").unwrap())
        .collect();
    assert_eq!(missing, ["wp_extension_form"]);
    let text = Catalog::load(&Templates::builtin()).unwrap().text(
        m.issues
            .iter()
            .find(|i| i.code == codes::DOCUMENT_FORMAT)
            .unwrap(),
    );
    assert!(text.action.contains("PDF or JPG"), "{}", text.action);
}

/// A matched file that cannot be opened is named as unreadable (check its permissions), not
/// as a wrong format, and blocks its item as a refused file does.
#[test]
fn a_file_that_cannot_be_opened_is_unreadable_not_a_wrong_format() {
    let items = list("B1");
    let mut m = match_scans(&items, &names(&["passport.pdf"]), &[]);
    assert_eq!(m.status_of("passport"), Some(ItemStatus::Provided));
    vet_files(&items, &mut m, |_| {
        Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
    });
    assert_eq!(m.status_of("passport"), Some(ItemStatus::Missing));
    let codes: Vec<(&str, bool)> = m
        .issues
        .iter()
        .map(|i| (i.code.as_str(), i.is_error()))
        .collect();
    assert!(
        codes.contains(&(codes::DOCUMENT_UNREADABLE.as_str(), true)),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|(c, _)| *c == codes::DOCUMENT_FORMAT),
        "{codes:?}"
    );
}

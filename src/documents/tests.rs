//! Tests of scan matching on plain names, with the built-in checklists.

use super::*;
use crate::assets::Templates;
use crate::catalog::Catalog;
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
        normalize("Labour-Contract (signed)"),
        "labour_contract_signed"
    );
    assert_eq!(normalize("ｐａｓｓｐｏｒｔ　ＳＣＡＮ"), "passport_scan");
    assert_eq!(normalize("  __聘用合同__2025 "), "聘用合同_2025");
    assert_eq!(normalize("（完税证明）"), "完税证明");
    // Decomposed é (e + combining acute) equals the composed one.
    assert_eq!(
        normalize("contrat_sign\u{65}\u{301}"),
        normalize("contrat_sign\u{e9}")
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
    assert_eq!(st("labour_contract"), ItemStatus::BringOriginal);
    assert_eq!(st("passport"), ItemStatus::BringOriginal);
    assert_eq!(st("work_permit"), ItemStatus::BringOriginal);
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
    assert_eq!(errors, ["wp_extension_form", "photo_receipt"]);
    assert!(
        m.issues
            .iter()
            .all(|i| i.code != "document.missing" || i.is_error())
    );
    let company: Vec<&str> = m
        .issues
        .iter()
        .filter(|i| i.code == "document.company_missing")
        .map(|i| i.get("item").unwrap())
        .collect();
    assert_eq!(company, ["company_tax_certificate", "business_contracts"]);
    assert!(
        m.issues
            .iter()
            .filter(|i| i.code == "document.company_missing")
            .all(|i| !i.is_error())
    );
    let dup = m
        .issues
        .iter()
        .find(|i| i.code == "document.duplicate")
        .unwrap();
    assert_eq!(dup.get("item"), Some("labour_contract"));
    assert_eq!(dup.get("count"), Some("2"));
    let un = m
        .issues
        .iter()
        .find(|i| i.code == "document.unmatched")
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
    assert_eq!(receipt.status, "provided");
    assert_eq!(receipt.kind, "upload");
    assert_eq!(receipt.files, ["photo_receipt.jpg"]);
    assert!(!receipt.optional);
    let bank = lines
        .iter()
        .find(|l| l.id == "company_bank_statements")
        .unwrap();
    assert!(bank.optional);
    assert_eq!(bank.status, "missing");
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
    assert_eq!(m.status_of("passport"), Some(ItemStatus::BringOriginal));
    assert_eq!(m.issues.len(), 1);
    assert!(!m.issues[0].is_error());
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
    issues.push(Issue::warning("document.no_folder").arg("passport", masked));
    issues.push(
        Issue::warning("document.folder_ambiguous")
            .arg("passport", masked)
            .arg("count", 2)
            .arg("folders", "E12345678, E12345678 old")
            .arg("folder", "E12345678"),
    );
    issues.push(
        Issue::warning("document.folder_unreadable")
            .arg("passport", masked)
            .arg("folder", "E12345678")
            .arg("detail", "permission denied"),
    );
    issues.push(Issue::warning("document.unclaimed_folder").arg("folder", "E12345679"));
    issues.push(Issue::warning("document.stray_file").arg("file", "x.pdf"));
    for code in [
        "document.subfolder",
        "document.link_outside",
        "document.empty",
        "document.unreadable",
        "document.bad_name",
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
    assert_eq!(seen.len(), 15, "{seen:?}");
}

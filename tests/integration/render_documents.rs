//! The three documents rendered for a sample employee: text layer (pdftotext), structure
//! (qpdf --check), one page, size, metadata and byte-identical output.

use crate::fixtures::render::*;
use permitpack::assets::Templates;
use permitpack::render::{Doc, Renderer};

fn renderer() -> Renderer {
    Renderer::new(&Templates::builtin()).expect("built-in templates load")
}

#[test]
fn salary_certificate_has_names_amounts_and_dates_in_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = renderer().salary_certificate(&letter()).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let path = save(dir.path(), "salary_certificate.pdf", &pdf.bytes);
    assert_qpdf_ok(&path);
    assert_eq!(pages(&path), 1);
    assert!(pdf.bytes.len() < 80_000, "{} bytes", pdf.bytes.len());
    let text = text_of(&path);
    assert_has(
        &text,
        &[
            "深圳市前海星河科技有限公司",
            "Shenzhen Qianhai Galaxy Technology Co., Ltd.",
            "薪资证明",
            "Salary Certificate",
            "Maria García López",
            "玛丽亚",
            // A bilingual cell: each language's text prints its own part.
            "国籍：西班牙，",
            "a national of Spain holding",
            "PAE012345",
            "现任高级软件工程师职务",
            "the position of Senior Software Engineer.",
            "2019年3月1日",
            "1 March 2019",
            "480,000.00",
            "人民币肆拾捌万元整",
            "税前",
            "王敏",
            "0755-86001234",
            "2026年11月26日",
            "91440300MA5G1234X7",
            "申请人签字",
        ],
    );
    assert!(info(&path, "Title").contains("Maria García López"));
}

#[test]
fn guarantee_letter_has_applicant_dates_term_and_representative() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = renderer().guarantee_letter(&letter()).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let path = save(dir.path(), "guarantee_letter.pdf", &pdf.bytes);
    assert_qpdf_ok(&path);
    assert_eq!(pages(&path), 1);
    assert!(pdf.bytes.len() < 80_000, "{} bytes", pdf.bytes.len());
    let text = text_of(&path);
    assert_has(
        &text,
        &[
            "深圳市公安局出入境管理局",
            "Maria García López",
            "PAE012345",
            "1985年7月14日",
            "14 July 1985",
            "2027年1月31日",
            "2年",
            "2 years",
            "2029年1月31日",
            "李建国",
            "法定代表人",
            "生活费用",
            "报告",
            "2026年11月26日",
        ],
    );
}

#[test]
fn cover_has_checklist_statuses_dates_and_photo_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = renderer().cover(&cover()).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let path = save(dir.path(), "cover.pdf", &pdf.bytes);
    assert_qpdf_ok(&path);
    assert_eq!(pages(&path), 1);
    let text = text_of(&path);
    assert_has(
        &text,
        &[
            "Maria García López",
            "PAE012345",
            "需要处理",
            "2027年1月1日",
            "2026年12月3日",
            "2026年12月21日",
            "800",
            "外国人来华工作许可延期申请表",
            "广东省外国人签证数字相片采集检测回执",
            "✗",
            "✓",
            "缺少",
            "+原件",
            "预约后打印",
            "可能需要",
            "RP page scan 2025.jpg",
            "照片合格",
            "maria.jpg",
            "0755-88121678",
            "12367",
            "缺少申请人近1年的完税证明",
        ],
    );
}

#[test]
fn output_is_byte_identical_across_runs_and_renderers() {
    let a = renderer();
    let b = renderer();
    let data = letter();
    for doc in [Doc::SalaryCertificate, Doc::GuaranteeLetter] {
        let render = |r: &Renderer| match doc {
            Doc::SalaryCertificate => r.salary_certificate(&data).unwrap().bytes,
            _ => r.guarantee_letter(&data).unwrap().bytes,
        };
        let first = render(&a);
        assert_eq!(first, render(&a), "{doc:?} differs on the same renderer");
        assert_eq!(first, render(&b), "{doc:?} differs across renderers");
    }
    let c = cover();
    assert_eq!(a.cover(&c).unwrap().bytes, b.cover(&c).unwrap().bytes);
}

#[test]
fn pdfs_declare_pdfa_language_and_the_as_of_date() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = renderer().salary_certificate(&letter()).unwrap();
    let path = save(dir.path(), "meta.pdf", &pdf.bytes);
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("pdfaid:part>2<") || raw.contains("pdfaid:part=\"2\""));
    assert!(raw.contains("zh-CN"), "language metadata");
    let created = info(&path, "CreationDate");
    assert!(
        created.contains("2026") && created.contains("Nov 26"),
        "{created}"
    );
}

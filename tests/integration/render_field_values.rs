//! Hostile field values: markup characters print as text, long values wrap without breaking
//! the page, Latin letters outside Latin-1 print with their accents; and sparse cover data
//! still gives a readable sheet.

use crate::fixtures::render::*;
use permitpack::assets::Templates;
use permitpack::countries::Countries;
use permitpack::render::{CoverData, LetterData, Renderer, TimelineData, WindowData};

const MARKUP_NAME: &str =
    "#import \"evil.typ\": * ] $x^2$ *bold* _it_ <lbl> @ref \\ // no /* comment */ `raw` = h";

fn hostile_letter() -> LetterData {
    let mut e = employee();
    e.name = Some("Łukasz Ğürsoy-Şahin Núñez Renée".into());
    e.chinese_name = Some("]）#（[".into());
    e.nationality = Some("Türkiye / Polska".into());
    e.position = Some(MARKUP_NAME.into());
    e.passport_no = Some("X<12>3$4#5".into());
    let mut c = company();
    // 200 characters of address, Chinese and Latin mixed.
    let mut address = String::from(
        "广东省深圳市南山区粤海街道高新区社区科技南十二路2号金蝶软件园A座十层1001-1008室 ",
    );
    while address.chars().count() < 200 {
        address.push_str("Room 1001-1008, Tower A, Kingdee Software Park, Nanshan District ");
    }
    let address: String = address.chars().take(200).collect();
    assert_eq!(address.chars().count(), 200);
    c.address = Some(address);
    c.name_en = Some("Shenzhen <Galaxy> & [Nebula] #1 Technology *Co.*, Ltd. $ \\ ".into());
    c.legal_representative = Some("Zoë Ñandú-Łęcka".into());
    LetterData::new(&e, &c, as_of(), Some(1.0), Countries::builtin())
}

#[test]
fn markup_characters_and_accents_print_literally_on_one_page() {
    let r = Renderer::new(&Templates::builtin()).unwrap();
    let data = hostile_letter();
    let dir = tempfile::tempdir().unwrap();
    for (file, pdf) in [
        ("hostile_salary.pdf", r.salary_certificate(&data)),
        ("hostile_guarantee.pdf", r.guarantee_letter(&data)),
    ] {
        let pdf = pdf.unwrap_or_else(|i| panic!("{file}: {i:?}"));
        assert!(pdf.warnings.is_empty(), "{file}: {:?}", pdf.warnings);
        let path = save(dir.path(), file, &pdf.bytes);
        assert_qpdf_ok(&path);
        assert_eq!(pages(&path), 1, "{file} must stay on one page");
        let text = text_of(&path);
        assert_has(
            &text,
            &[
                "Łukasz Ğürsoy-Şahin Núñez Renée",
                "]）#（[",
                "Türkiye / Polska",
                MARKUP_NAME,
                "X<12>3$4#5",
                "Shenzhen <Galaxy> & [Nebula] #1 Technology *Co.*, Ltd. $ \\",
                "Kingdee Software Park",
            ],
        );
        if file.contains("guarantee") {
            assert_has(&text, &["Zoë Ñandú-Łęcka"]);
        }
    }
}

#[test]
fn hostile_cover_renders() {
    let r = Renderer::new(&Templates::builtin()).unwrap();
    let letter = hostile_letter();
    let mut cover = cover();
    cover.employee = letter.employee.clone();
    cover.company = letter.company.clone();
    cover.checklist[0].name_en = MARKUP_NAME.into();
    cover.checklist[0].files = vec!["#include \"x\".pdf".into(), "a]b.jpg".into()];
    cover.notes[0].en = "`raw` <b> #set page(width: 1pt)".into();
    let dir = tempfile::tempdir().unwrap();
    let pdf = r.cover(&cover).unwrap();
    let path = save(dir.path(), "hostile_cover.pdf", &pdf.bytes);
    assert_qpdf_ok(&path);
    assert_eq!(pages(&path), 1);
    let text = text_of(&path);
    assert_has(
        &text,
        &[
            "Łukasz Ğürsoy-Şahin Núñez Renée",
            "X<12>3$4#5",
            MARKUP_NAME,
            "#include \"x\".pdf",
            "#set page(width: 1pt)",
        ],
    );
}

#[test]
fn sparse_cover_shows_dashes_not_blanks() {
    let r = Renderer::new(&Templates::builtin()).unwrap();
    let mut e = permitpack::model::Employee {
        sheet: "Staff".into(),
        row: 12,
        name: Some("Only Name".into()),
        passport_no: Some("E0000001".into()),
        ..Default::default()
    };
    e.cells.clear();
    let base = cover();
    let cover = CoverData {
        company: Default::default(),
        employee: permitpack::render::EmployeeData::from_employee(&e, Countries::builtin()),
        status: "attention".into(),
        window: WindowData {
            state: "unknown".into(),
            ..Default::default()
        },
        timeline: TimelineData::default(),
        term: None,
        fee_rmb: None,
        checklist: Vec::new(),
        notes: Vec::new(),
        photo: None,
        ..base
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = r.cover(&cover).unwrap();
    let path = save(dir.path(), "sparse_cover.pdf", &pdf.bytes);
    assert_qpdf_ok(&path);
    let text = text_of(&path);
    assert_has(
        &text,
        &[
            "Only Name",
            "E0000001",
            "无法判断",
            "—",
            "无照片",
            "该人才类别没有已知的材料清单",
        ],
    );
}

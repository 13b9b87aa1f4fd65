//! Hand-built outcomes for the report unit tests: one employee per status, hostile text in
//! names and cells, unknown issue codes, optional and required missing items.

use super::RunInfo;
use crate::catalog::Lang;
use crate::codes;
use crate::issue::Issue;
use crate::model::{Category, Company, Employee, Fen, Field};
use crate::outcome::{
    ChecklistLine, EmployeeOutcome, ItemKind, ItemStatus, PhotoLine, Status, WindowState,
};
use chrono::NaiveDate;
use serde_json::json;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn run(lang: Lang) -> RunInfo {
    RunInfo {
        as_of: date(2026, 11, 26),
        roster: "roster.xlsx".into(),
        sheet: Some("Staff".into()),
        company: Company {
            name_zh: Some("深圳示例科技有限公司".into()),
            name_en: Some("Shenzhen Example Technology Co., Ltd.".into()),
            uscc: Some("91440300MA5FXXXX0X".into()),
            address: Some("深圳市南山区科技园".into()),
            contact_person: Some("王芳".into()),
            contact_phone: Some("0755-12345678".into()),
            contact_email: None,
            legal_representative: Some("李强".into()),
            salary_basis: None,
        },
        roster_issues: vec![
            Issue::warning(codes::ROSTER_UNKNOWN_COLUMN)
                .arg("header", "Remarks")
                .sheet("Staff")
                .row(3)
                .cell("K3"),
        ],
        tool_version: "0.1.0".into(),
        lang,
        photo_profile: "shenzhen-2inch".into(),
        company_source: serde_json::Value::Null,
        extra: serde_json::Map::new(),
    }
}

/// A status by its report.json name.
pub fn item_status(name: &str) -> ItemStatus {
    serde_json::from_value(name.into()).expect("a checklist status")
}

pub fn line(id: &str, zh: &str, en: &str, status: &str, optional: bool) -> ChecklistLine {
    ChecklistLine {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        kind: ItemKind::Upload,
        status: item_status(status),
        optional,
        bring_original: false,
        how_zh: "公司网银".into(),
        how_en: "company online banking".into(),
        files: if status == "provided" {
            vec![format!("docs/{id}.pdf")]
        } else {
            vec![]
        },
    }
}

fn checklist(missing: &[&str]) -> Vec<ChecklistLine> {
    let items = [
        (
            "wp_extension_form",
            "外国人来华工作许可延期申请表",
            "Application Form for Extension of Work Permit",
            false,
        ),
        (
            "guarantee_letter",
            "申请签证证件的证明(担保)函件",
            "Certificate (guarantee) letter",
            false,
        ),
        (
            "passport",
            "申请人护照或国际旅行证件",
            "Passport or travel document",
            false,
        ),
        (
            "tax_certificate",
            "申请人近1年的完税证明",
            "Individual income tax certificate",
            false,
        ),
        (
            "company_bank_statements",
            "公司近3个月的对公账户银行账单",
            "Company bank statements, last 3 months",
            true,
        ),
    ];
    items
        .iter()
        .map(|(id, zh, en, opt)| {
            let status = if missing.contains(id) {
                "missing"
            } else if *id == "guarantee_letter" {
                "generated"
            } else {
                "provided"
            };
            line(id, zh, en, status, *opt)
        })
        .collect()
}

fn employee(row: u32, name: &str, passport: Option<&str>, category: Category) -> Employee {
    let mut cells = std::collections::BTreeMap::new();
    cells.insert(Field::Name, format!("B{row}"));
    cells.insert(Field::PassportNo, format!("C{row}"));
    Employee {
        sheet: "Staff".into(),
        row,
        name: Some(name.into()),
        chinese_name: None,
        passport_no: passport.map(String::from),
        nationality: Some("GBR".into()),
        category: Some(category),
        category_raw: Some(category.label_zh()),
        work_permit_expiry: Some(date(2027, 2, 14)),
        residence_permit_expiry: Some(date(2027, 2, 14)),
        annual_salary: Some(Fen::from_yuan(480_000)),
        photo: Some(format!(
            "{}.jpg",
            name.split(' ').next().unwrap_or("x").to_lowercase()
        )),
        cells,
        ..Employee::default()
    }
}

/// A tiny valid PNG (1x1, blue).
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0x70, 0x76, 0xDB, 0x06,
    0x00, 0x02, 0x1B, 0x01, 0x49, 0xB1, 0x6B, 0x4B, 0xE3, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub fn outcomes() -> Vec<EmployeeOutcome> {
    let mut ready = EmployeeOutcome {
        employee: Employee {
            chinese_name: Some("史密斯".into()),
            ..employee(4, "SMITH JOHN", Some("E12345678"), Category::B(6))
        },
        status: Status::Ready,
        ready: true,
        window_state: WindowState::Open,
        days_left: Some(80),
        window_opens: Some(date(2026, 11, 16)),
        deadline: Some(date(2027, 1, 15)),
        term_years: Some(1.0),
        fee_rmb: Some(800),
        photo: Some(PhotoLine {
            file: "smith.jpg".into(),
            ok: true,
            preview: Some(PNG_1X1.to_vec()),
            preview_mime: "image/png".into(),
        }),
        checklist: checklist(&["company_bank_statements"]),
        issues: vec![
            Issue::warning(codes::DOCUMENT_COMPANY_MISSING).arg("item", "company_bank_statements"),
        ],
        packet: Some("E12345678_SMITH_JOHN.zip".into()),
        uploads: Vec::new(),
        details: serde_json::Map::new(),
    };
    ready.details.insert(
        "eligibility".into(),
        json!({"window": "open", "days_left": 80}),
    );
    ready.details.insert(
        "photo".into(),
        json!({"width_px": 413, "height_px": 567, "ok": false}),
    );

    let attention = EmployeeOutcome {
        employee: employee(
            5,
            "<script>alert(1)</script> & \"Co\"",
            Some("=1+2"),
            Category::B(1),
        ),
        status: Status::Attention,
        ready: false,
        window_state: WindowState::Open,
        days_left: Some(45),
        window_opens: Some(date(2026, 10, 12)),
        deadline: Some(date(2026, 12, 11)),
        term_years: Some(2.0),
        fee_rmb: Some(800),
        photo: Some(PhotoLine {
            file: "x.jpg".into(),
            ok: false,
            preview: Some(b"not really an image\"><script>".to_vec()),
            preview_mime: "text/html".into(),
        }),
        checklist: checklist(&["tax_certificate"]),
        issues: vec![
            Issue::error(codes::INTERNAL_ERROR)
                .arg("detail", "test detail")
                .sheet("Staff")
                .row(5)
                .cell("F5"),
            Issue::error(codes::PHOTO_BACKGROUND)
                .arg("hue", "30")
                .file("photos/x.jpg"),
            Issue::unlisted("roster.note", crate::issue::Severity::Warning)
                .arg("text", "-cmd|' /C calc'!A0")
                .cell("@SUM(A1)"),
        ],
        packet: Some("_1_2_SCRIPT_ALERT_1_SCRIPT_&_CO.zip".into()),
        uploads: Vec::new(),
        details: serde_json::Map::new(),
    };

    let not_yet = EmployeeOutcome {
        employee: employee(6, "MÜLLER ANNA", Some("C01X00T47"), Category::B(6)),
        status: Status::NotYet,
        ready: false,
        window_state: WindowState::NotYet,
        days_left: Some(200),
        window_opens: Some(date(2027, 3, 15)),
        deadline: Some(date(2027, 5, 14)),
        term_years: Some(1.5),
        fee_rmb: Some(800),
        photo: None,
        checklist: checklist(&[]),
        issues: vec![],
        packet: Some("C01X00T47_MÜLLER_ANNA.zip".into()),
        uploads: Vec::new(),
        details: serde_json::Map::new(),
    };

    let too_late = EmployeeOutcome {
        employee: employee(7, "GARCÍA JOSÉ", None, Category::C),
        status: Status::TooLate,
        ready: false,
        window_state: WindowState::Expired,
        days_left: Some(-3),
        window_opens: None,
        deadline: Some(date(2026, 10, 24)),
        term_years: None,
        fee_rmb: None,
        photo: None,
        checklist: vec![],
        issues: vec![
            Issue::unlisted("rules.expired", crate::issue::Severity::Error)
                .arg("days", 3)
                .cell("H7"),
        ],
        packet: None,
        uploads: Vec::new(),
        details: serde_json::Map::new(),
    };
    vec![ready, attention, not_yet, too_late]
}

//! The outcomes of a run built by hand, one set for the report's unit tests and the
//! integration tests (which include this file with `#[path]`, so it names the library
//! `permitpack` in both; the library's test build calls itself that with `extern crate self`).
//!
//! A company of seven foreign employees in every status, with photo previews, matched
//! documents, problems pointing at roster cells, an employee whose name tries to inject markup
//! and formulas (with a preview that is not the image it claims to be and a problem whose code
//! no catalog lists), and one whose permit has expired and whose passport number is missing.
#![allow(dead_code)]

use chrono::NaiveDate;
use permitpack::assets::Templates;
use permitpack::catalog::{Catalog, Lang};
use permitpack::codes;
use permitpack::issue::{Issue, Location, Severity};
use permitpack::model::{Category, Company, Employee, Fen, Field};
use permitpack::outcome::{ChecklistLine, EmployeeOutcome, PhotoLine, Status};
use permitpack::report::RunInfo;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

pub fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn as_of() -> NaiveDate {
    date(2026, 11, 26)
}

/// Shorter messages for some codes the stages emit (they replace the built-in ones in the
/// test catalog), with the arguments the outcomes below carry.
pub const FIXTURE_MESSAGES: &str = r#"
["eligibility.not_yet"]
en = "The Work Permit still has {days} days left; the combined extension opens on {opens}."
zh = "工作许可剩余 {days} 天，合并延期办理自 {opens} 起开放。"
action_en = "Nothing to do now; run permitpack again after {opens}."
action_zh = "目前无需处理；请于 {opens} 之后重新运行 permitpack。"

["eligibility.too_late"]
en = "The Work Permit expires on {expiry}: the extension had to be filed by {deadline}."
zh = "工作许可将于 {expiry} 到期，延期申请应在 {deadline} 之前提交。"
action_en = "Call the Shenzhen Foreign Experts Bureau (0755-88121678) today about the options left."
action_zh = "请今天致电深圳市外国专家局（0755-88121678）咨询可行办法。"

["document.missing"]
en = "No file was found for: {item}."
zh = "未找到以下材料的文件：{item}。"
action_en = "Put the scan in docs/{passport}/ with a name containing {hint}, then run again."
action_zh = "请将扫描件放入 docs/{passport}/，文件名包含 {hint}，然后重新运行。"

["document.company_missing"]
en = "The window may ask for: {item}."
zh = "窗口可能要求提供：{item}。"
action_en = "Prepare it in case it is asked for; it does not block the application."
action_zh = "建议提前准备，以备窗口要求；不影响提交。"

["photo.background"]
en = "The photo background is not blue enough (hue {hue}°, expected 190-225°)."
zh = "照片背景不是蓝色（色相 {hue}°，应为 190-225°）。"
action_en = "Have the photo retaken at a studio with a blue background."
action_zh = "请到照相馆重新拍摄蓝底照片。"

["roster.bad_date"]
en = "'{value}' in {column} is not a date."
zh = "{column} 中的“{value}”不是日期。"
action_en = "Type the date as 2027-03-01 or 2027/3/1."
action_zh = "请按 2027-03-01 或 2027/3/1 的格式填写日期。"

["roster.unknown_column"]
en = "The column '{header}' is not used by permitpack."
zh = "permitpack 不使用“{header}”列。"
action_en = "Nothing to do if the column is only for your own notes."
action_zh = "如果该列只是备注，无需处理。"
"#;

/// A catalog with the built-in messages plus the fixture messages above.
pub fn catalog(dir: &Path) -> Catalog {
    let tdir = dir.join("templates");
    std::fs::create_dir_all(tdir.join("messages")).unwrap();
    std::fs::write(tdir.join("messages/zz_fixture.toml"), FIXTURE_MESSAGES).unwrap();
    Catalog::load(&Templates::with_dir(&tdir)).unwrap()
}

pub fn run(lang: Lang) -> RunInfo {
    RunInfo {
        as_of: as_of(),
        roster: "员工名册 roster.xlsx".into(),
        sheet: Some("Staff".into()),
        company: Company {
            name_zh: Some("深圳示例科技有限公司".into()),
            name_en: Some("Shenzhen Example Technology Co., Ltd.".into()),
            uscc: Some("91440300MA5G2X3Y4K".into()),
            address: Some("深圳市南山区粤海街道科技园科苑路15号".into()),
            contact_person: Some("王芳".into()),
            contact_phone: Some("0755-86001234".into()),
            contact_email: None,
            legal_representative: Some("李强".into()),
            salary_basis: None,
        },
        roster_issues: vec![
            Issue::warning(codes::ROSTER_UNKNOWN_COLUMN)
                .arg("header", "备注 Remarks")
                .sheet("Staff")
                .row(3)
                .cell("S3"),
        ],
        tool_version: "0.1.0".into(),
        lang,
        photo_profile: "shenzhen-2inch".into(),
        company_source: serde_json::Value::Null,
        extra: serde_json::Map::new(),
    }
}

/// A passport-style photo preview: blue background, head and shoulders, PNG.
pub fn preview(bg: [u8; 3], good: bool) -> Vec<u8> {
    let (w, h) = (150u32, 206u32);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb(bg));
    let skin = image::Rgb([233, 196, 166]);
    let hair = image::Rgb([60, 45, 35]);
    let suit = image::Rgb([40, 48, 66]);
    let shirt = image::Rgb([245, 245, 245]);
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32, y as f32);
            let head = ((fx - 75.0) / 34.0).powi(2) + ((fy - 86.0) / 44.0).powi(2) <= 1.0;
            let hair_cap =
                ((fx - 75.0) / 37.0).powi(2) + ((fy - 74.0) / 40.0).powi(2) <= 1.0 && fy < 76.0;
            let neck = (fx - 75.0).abs() < 14.0 && (120.0..150.0).contains(&fy);
            let body =
                fy >= 145.0 && ((fx - 75.0) / 72.0).powi(2) + ((fy - 215.0) / 70.0).powi(2) <= 1.0;
            let collar = body && (fx - 75.0).abs() < (fy - 140.0) * 0.35 && fy < 190.0;
            let px = if hair_cap {
                hair
            } else if head || neck {
                skin
            } else if collar {
                shirt
            } else if body {
                suit
            } else {
                continue;
            };
            img.put_pixel(x, y, px);
        }
    }
    if !good {
        // A red frame, as the photo stage annotates a failed photo.
        for x in 0..w {
            for t in 0..4 {
                img.put_pixel(x, t, image::Rgb([200, 30, 30]));
                img.put_pixel(x, h - 1 - t, image::Rgb([200, 30, 30]));
            }
        }
        for y in 0..h {
            for t in 0..4 {
                img.put_pixel(t, y, image::Rgb([200, 30, 30]));
                img.put_pixel(w - 1 - t, y, image::Rgb([200, 30, 30]));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

struct Item {
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: &'static str,
    optional: bool,
    how_zh: &'static str,
    how_en: &'static str,
}

const ITEMS: &[Item] = &[
    Item {
        id: "wp_extension_form",
        zh: "外国人来华工作许可延期申请表",
        en: "Application Form for Extension of Foreigner's Work Permit",
        kind: "upload",
        optional: false,
        how_zh: "平台材料上传页面下载模板",
        how_en: "template on the platform's upload page",
    },
    Item {
        id: "visa_form",
        zh: "外国人签证证件申请表",
        en: "Foreigner Visa Application Form",
        kind: "after_booking",
        optional: false,
        how_zh: "预约后打印，含预约号",
        how_en: "printed after booking; carries the appointment number",
    },
    Item {
        id: "guarantee_letter",
        zh: "申请签证证件的证明(担保)函件",
        en: "Certificate (guarantee) letter",
        kind: "generated",
        optional: false,
        how_zh: "公司盖章",
        how_en: "company letter, sealed",
    },
    Item {
        id: "salary_certificate",
        zh: "薪资证明材料",
        en: "Salary certificate",
        kind: "generated",
        optional: false,
        how_zh: "申请人签字，公司盖章",
        how_en: "applicant signs, company seals",
    },
    Item {
        id: "labour_contract",
        zh: "聘用合同原件",
        en: "Original labour contract",
        kind: "original",
        optional: false,
        how_zh: "公司与申请人各执一份",
        how_en: "company and applicant hold one each",
    },
    Item {
        id: "passport",
        zh: "申请人护照或国际旅行证件",
        en: "Passport or travel document",
        kind: "upload",
        optional: false,
        how_zh: "申请人",
        how_en: "applicant",
    },
    Item {
        id: "residence_permit_page",
        zh: "有效的工作类居留许可页",
        en: "Current work-type Residence Permit page",
        kind: "upload",
        optional: false,
        how_zh: "护照内页",
        how_en: "passport page",
    },
    Item {
        id: "photo_receipt",
        zh: "广东省外国人签证数字相片采集检测回执",
        en: "Guangdong digital photo verification receipt",
        kind: "upload",
        optional: false,
        how_zh: "照相馆照片检测合格后出具",
        how_en: "photo studio, after the photo passes its check",
    },
    Item {
        id: "tax_certificate",
        zh: "申请人近1年的完税证明",
        en: "Individual income tax certificate, last year",
        kind: "upload",
        optional: false,
        how_zh: "个人所得税 App 开具",
        how_en: "个人所得税 app",
    },
    Item {
        id: "company_tax_certificate",
        zh: "公司近3个月的纳税证明",
        en: "Company tax certificate, last 3 months",
        kind: "upload",
        optional: true,
        how_zh: "深圳市电子税务局 > 纳税证明开具",
        how_en: "Shenzhen e-tax bureau > tax certificate",
    },
    Item {
        id: "company_bank_statements",
        zh: "公司近3个月的对公账户银行账单",
        en: "Company bank statements, last 3 months",
        kind: "upload",
        optional: true,
        how_zh: "公司网银",
        how_en: "company online banking",
    },
];

fn checklist(passport: &str, missing: &[&str], six: bool) -> Vec<ChecklistLine> {
    ITEMS
        .iter()
        .filter(|i| six || !matches!(i.id, "salary_certificate" | "tax_certificate"))
        .map(|i| {
            let status = if missing.contains(&i.id) {
                "missing"
            } else {
                match i.kind {
                    "generated" => "generated",
                    "after_booking" => "after_booking",
                    _ => "provided",
                }
            };
            let files = if status == "provided" {
                if i.id.starts_with("company_") {
                    vec![format!("_company/{}.pdf", i.id)]
                } else {
                    vec![format!("{passport}/{}.pdf", i.id)]
                }
            } else {
                vec![]
            };
            ChecklistLine {
                id: i.id.into(),
                name_zh: i.zh.into(),
                name_en: i.en.into(),
                kind: serde_json::from_value(i.kind.into()).unwrap(),
                status: serde_json::from_value(status.into()).unwrap(),
                optional: i.optional,
                bring_original: i.kind == "original",
                how_zh: i.how_zh.into(),
                how_en: i.how_en.into(),
                files,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn employee(
    row: u32,
    name: &str,
    zh: Option<&str>,
    passport: Option<&str>,
    nationality: &str,
    category: Category,
    wp_expiry: NaiveDate,
    salary_yuan: i64,
) -> Employee {
    let mut cells = BTreeMap::new();
    for (i, f) in [
        Field::Name,
        Field::ChineseName,
        Field::PassportNo,
        Field::Nationality,
        Field::Category,
        Field::WorkPermitExpiry,
        Field::ResidencePermitExpiry,
        Field::AnnualSalary,
    ]
    .into_iter()
    .enumerate()
    {
        cells.insert(f, format!("{}{row}", (b'B' + i as u8) as char));
    }
    Employee {
        sheet: "Staff".into(),
        row,
        name: Some(name.into()),
        chinese_name: zh.map(String::from),
        passport_no: passport.map(String::from),
        passport_expiry: Some(date(2031, 5, 1)),
        nationality: Some(nationality.into()),
        date_of_birth: Some(date(1985, 7, 9)),
        category: Some(category),
        category_raw: Some(category.label_zh()),
        position: Some("Senior Engineer".into()),
        start_date: Some(date(2021, 3, 1)),
        work_permit_no: Some(format!("4403{:08}", row * 7919)),
        work_permit_expiry: Some(wp_expiry),
        residence_permit_expiry: Some(wp_expiry),
        years_in_china: Some(5.0),
        requested_term_years: Some(1.0),
        annual_salary: Some(Fen::from_yuan(salary_yuan)),
        salary_basis: Some(permitpack::model::SalaryBasis::PreTax),
        mobile: Some("13800138000".into()),
        photo: passport.map(|p| format!("{p}.jpg")),
        cells,
        month_only: Default::default(),
        ..Default::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn outcome(
    employee: Employee,
    status: Status,
    window: &str,
    days_left: i64,
    term: Option<f64>,
    fee: Option<i64>,
    photo: Option<(bool, [u8; 3])>,
    checklist: Vec<ChecklistLine>,
    issues: Vec<Issue>,
    packet: Option<&str>,
) -> EmployeeOutcome {
    let expiry = employee.work_permit_expiry.unwrap();
    let mut details = serde_json::Map::new();
    details.insert(
        "eligibility".into(),
        json!({"window": window, "days_left": days_left, "max_days_before_expiry": 90, "min_days_before_expiry": 30}),
    );
    details.insert(
        "timeline".into(),
        json!({"preliminary_review_working_days": 5, "new_permit_after_days": 14}),
    );
    let photo_line = photo.map(|(ok, bg)| {
        let file = employee.photo.clone().unwrap_or_else(|| "photo.jpg".into());
        details.insert(
            "photo".into(),
            json!({"width_px": 413, "height_px": 567, "background_rgb": bg, "profile": "shenzhen-2inch"}),
        );
        PhotoLine {
            file,
            ok,
            preview: Some(preview(bg, ok)),
            preview_mime: "image/png".into(),
        }
    });
    EmployeeOutcome {
        status,
        ready: status == Status::Ready,
        window_state: serde_json::from_value(window.into()).unwrap(),
        days_left: Some(days_left),
        window_opens: expiry.checked_sub_days(chrono::Days::new(90)),
        deadline: expiry.checked_sub_days(chrono::Days::new(30)),
        term_years: term,
        fee_rmb: fee,
        photo: photo_line,
        checklist,
        issues,
        packet: packet.map(String::from),
        uploads: Vec::new(),
        details,
        employee,
    }
}

/// Seven employees in roster order, one or more per status.
pub fn outcomes() -> Vec<EmployeeOutcome> {
    let opt_missing =
        |item: &str| Issue::warning(codes::DOCUMENT_COMPANY_MISSING).arg("item", item);
    vec![
        outcome(
            employee(
                4,
                "SMITH JOHN",
                Some("史密斯"),
                Some("E12345678"),
                "GBR",
                Category::B(6),
                date(2027, 2, 14),
                480_000,
            ),
            Status::Ready,
            "open",
            80,
            Some(1.0),
            Some(800),
            Some((true, [67, 142, 219])),
            checklist("E12345678", &["company_bank_statements"], true),
            vec![opt_missing(
                "公司近3个月的对公账户银行账单 Company bank statements",
            )],
            Some("E12345678_SMITH_JOHN.zip"),
        ),
        outcome(
            employee(
                5,
                "NGUYEN VAN AN",
                Some("阮文安"),
                Some("C4567890"),
                "VNM",
                Category::B(1),
                date(2027, 1, 20),
                360_000,
            ),
            Status::Attention,
            "open",
            55,
            Some(2.0),
            Some(800),
            Some((false, [200, 190, 170])),
            checklist(
                "C4567890",
                &["photo_receipt", "company_tax_certificate"],
                false,
            ),
            vec![
                Issue::error(codes::PHOTO_BACKGROUND)
                    .arg("hue", 38)
                    .file("photos/C4567890.jpg"),
                Issue::error(codes::DOCUMENT_MISSING)
                    .arg("item", "广东省外国人签证数字相片采集检测回执 photo receipt")
                    .arg("passport", "C4567890")
                    .arg("hint", "photo_receipt"),
                opt_missing("公司近3个月的纳税证明 Company tax certificate"),
            ],
            Some("C4567890_NGUYEN_VAN_AN.zip"),
        ),
        EmployeeOutcome {
            // A preview whose bytes are not the image type it announces.
            photo: Some(PhotoLine {
                file: "=1+2.jpg".into(),
                ok: false,
                preview: Some(b"not really an image\"><script>".to_vec()),
                preview_mime: "text/html".into(),
            }),
            ..outcome(
                employee(
                    6,
                    "<script>alert(1)</script> & \"Co\" =SUM(A1)",
                    None,
                    Some("=1+2"),
                    "USA",
                    Category::B(6),
                    date(2027, 1, 5),
                    300_000,
                ),
                Status::Attention,
                "open",
                40,
                Some(1.0),
                Some(800),
                None,
                checklist("X", &["tax_certificate"], true),
                vec![
                    Issue::error(codes::ROSTER_BAD_DATE)
                        .arg("value", "2027/13/45")
                        .arg("column", "居留许可到期 RP expiry")
                        .sheet("Staff")
                        .row(6)
                        .cell("H6"),
                    Issue::error(codes::DOCUMENT_MISSING)
                        .arg("item", "申请人近1年的完税证明 tax certificate")
                        .arg("passport", "=1+2")
                        .arg("hint", "tax"),
                    unlisted("roster.note", Severity::Warning)
                        .arg("text", "-cmd|' /C calc'!A0")
                        .cell("@SUM(A1)"),
                ],
                Some("_1_2_SCRIPT_ALERT_1_SCRIPT_&_CO_=SUM_A1.zip"),
            )
        },
        outcome(
            employee(
                7,
                "MÜLLER ANNA",
                Some("穆勒安娜"),
                Some("C01X00T47"),
                "DEU",
                Category::B(6),
                date(2027, 6, 30),
                720_000,
            ),
            Status::NotYet,
            "not_yet",
            216,
            Some(1.0),
            Some(800),
            Some((true, [98, 139, 206])),
            checklist("C01X00T47", &[], true),
            vec![
                Issue::warning(codes::ELIGIBILITY_NOT_YET)
                    .arg("days", 216)
                    .arg("opens", "2027-04-01"),
            ],
            Some("C01X00T47_MÜLLER_ANNA.zip"),
        ),
        outcome(
            employee(
                8,
                "GARCÍA LÓPEZ JOSÉ",
                None,
                Some("PAB123456"),
                "ESP",
                Category::B(6),
                date(2026, 12, 10),
                420_000,
            ),
            Status::TooLate,
            "too_late",
            14,
            Some(1.0),
            Some(800),
            Some((true, [100, 197, 255])),
            checklist(
                "PAB123456",
                &["tax_certificate", "residence_permit_page"],
                true,
            ),
            vec![
                Issue::error(codes::ELIGIBILITY_TOO_LATE)
                    .arg("expiry", "2026-12-10")
                    .arg("deadline", "2026-11-10"),
                Issue::error(codes::DOCUMENT_MISSING)
                    .arg("item", "有效的工作类居留许可页 Residence Permit page")
                    .arg("passport", "PAB123456")
                    .arg("hint", "residence"),
            ],
            Some("PAB123456_GARCÍA_LÓPEZ_JOSÉ.zip"),
        ),
        outcome(
            employee(
                9,
                "TANAKA HARUTO",
                Some("田中阳翔"),
                Some("TR0456789"),
                "JPN",
                Category::B(6),
                date(2027, 2, 1),
                540_000,
            ),
            Status::Ready,
            "open",
            67,
            Some(2.0),
            Some(800),
            Some((true, [67, 142, 219])),
            checklist("TR0456789", &[], true),
            vec![],
            Some("TR0456789_TANAKA_HARUTO.zip"),
        ),
        outcome(
            employee(
                10,
                "OKAFOR CHIDI",
                None,
                None,
                "NGA",
                Category::C,
                date(2026, 11, 23),
                200_000,
            ),
            Status::TooLate,
            "expired",
            -3,
            None,
            None,
            None,
            vec![],
            vec![
                Issue::error(codes::ELIGIBILITY_EXPIRED)
                    .arg("permit_en", "Work Permit")
                    .arg("permit_zh", "工作许可证")
                    .arg("expiry", "2026-11-23")
                    .arg("days_ago", 3),
                Issue::error(codes::ROSTER_MISSING)
                    .arg("column", "护照号码 Passport No.")
                    .sheet("Staff")
                    .row(10)
                    .cell("D10"),
            ],
            None,
        ),
    ]
}

/// An issue whose code no catalog lists, as one kept by another build may carry: the
/// catalog shows it as the code and its arguments.
fn unlisted(code: &str, severity: Severity) -> Issue {
    Issue {
        code: code.into(),
        severity,
        args: Vec::new(),
        at: Location::default(),
    }
}

//! Sample data and PDF inspection helpers shared by the `render_*` tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use permitpack::countries::Countries;
use permitpack::model::{Category, Company, Employee, Fen, Field, SalaryBasis};
use permitpack::outcome::ChecklistLine;
use permitpack::render::{
    BiText, CoverData, DateText, EmployeeData, LetterData, PhotoData, Term, TimelineData,
    WindowData,
};
use std::path::Path;
use std::process::Command;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn as_of() -> NaiveDate {
    date(2026, 11, 26)
}

pub fn employee() -> Employee {
    let mut e = Employee {
        sheet: "员工 Staff".into(),
        row: 4,
        name: Some("Maria García López".into()),
        chinese_name: Some("玛丽亚".into()),
        passport_no: Some("PAE012345".into()),
        passport_expiry: Some(date(2031, 5, 19)),
        nationality: Some("西班牙 Spain".into()),
        date_of_birth: Some(date(1985, 7, 14)),
        category: Some(Category::B(6)),
        category_raw: Some("B6".into()),
        position: Some("高级软件工程师 Senior Software Engineer".into()),
        start_date: Some(date(2019, 3, 1)),
        work_permit_no: Some("440300201900123".into()),
        work_permit_expiry: Some(date(2027, 1, 31)),
        residence_permit_expiry: Some(date(2027, 1, 31)),
        years_in_china: Some(7.5),
        requested_term_years: Some(2.0),
        annual_salary: Some(Fen::from_yuan(480_000)),
        salary_basis: Some(SalaryBasis::PreTax),
        mobile: Some("13800138000".into()),
        photo: Some("maria.jpg".into()),
        cells: Default::default(),
        month_only: Default::default(),
        ..Default::default()
    };
    for (i, f) in Field::ALL.iter().enumerate() {
        e.cells
            .insert(*f, permitpack::issue::cell_ref(i as u32, e.row));
    }
    e
}

pub fn company() -> Company {
    Company {
        name_zh: Some("深圳市前海星河科技有限公司".into()),
        name_en: Some("Shenzhen Qianhai Galaxy Technology Co., Ltd.".into()),
        uscc: Some("91440300MA5G1234X7".into()),
        address: Some("深圳市南山区粤海街道科技园科苑路15号科兴科学园B栋3单元1201室".into()),
        contact_person: Some("王敏".into()),
        contact_phone: Some("0755-86001234".into()),
        contact_email: None,
        legal_representative: Some("李建国".into()),
        salary_basis: None,
    }
}

pub fn letter() -> LetterData {
    LetterData::new(
        &employee(),
        &company(),
        as_of(),
        Some(2.0),
        Countries::builtin(),
    )
}

fn line(
    id: &str,
    zh: &str,
    en: &str,
    kind: &str,
    status: &str,
    how_zh: &str,
    how_en: &str,
) -> ChecklistLine {
    ChecklistLine {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        kind: serde_json::from_value(kind.into()).expect("a checklist kind"),
        status: serde_json::from_value(status.into()).expect("a checklist status"),
        optional: false,
        bring_original: kind == "original",
        how_zh: how_zh.into(),
        how_en: how_en.into(),
        files: Vec::new(),
    }
}

/// The category (六) list of DOMAIN.md with a mix of statuses.
pub fn checklist() -> Vec<ChecklistLine> {
    let mut v = vec![
        line(
            "wp_form",
            "外国人来华工作许可延期申请表",
            "Application Form for Extension of Foreigner's Work Permit in China",
            "upload",
            "provided",
            "平台材料上传页面下载模板",
            "template on the platform's document upload page",
        ),
        line(
            "visa_form",
            "外国人签证证件申请表",
            "Foreigner Visa Application Form",
            "after_booking",
            "after_booking",
            "预约后打印，带预约号",
            "printed after booking; carries the appointment number",
        ),
        line(
            "guarantee",
            "申请签证证件的证明（担保）函件",
            "Certificate (guarantee) letter for visa application",
            "generated",
            "generated",
            "公司出具并盖章（已生成）",
            "company letter, sealed (generated)",
        ),
        line(
            "contract",
            "聘用合同原件",
            "Original labour contract",
            "original",
            "provided",
            "公司与申请人各执一份，提交一份",
            "company and applicant hold one each; submit one",
        ),
        line(
            "passport",
            "申请人护照或国际旅行证件",
            "Original passport or travel document",
            "original",
            "provided",
            "申请人本人",
            "applicant",
        ),
        line(
            "rp_page",
            "申请人所持的有效的工作类居留许可页",
            "Copy of the current work-type Residence Permit page",
            "upload",
            "provided",
            "护照内页",
            "passport page",
        ),
        line(
            "wp_card",
            "外国人工作许可证",
            "Work Permit card",
            "original",
            "provided",
            "申请人本人",
            "applicant",
        ),
        line(
            "photo_receipt",
            "广东省外国人签证数字相片采集检测回执",
            "Guangdong digital photo collection and verification receipt",
            "upload",
            "missing",
            "照相馆拍照并检测合格后出具",
            "photo studio, after the photo passes its check",
        ),
        line(
            "salary",
            "薪资证明材料",
            "Salary certificate",
            "generated",
            "generated",
            "公司出具，申请人签字，公司盖章",
            "company letter; applicant signs, company seals",
        ),
        line(
            "tax",
            "申请人近1年的完税证明",
            "Individual income tax certificate, about the last year",
            "upload",
            "missing",
            "个人所得税App",
            "个人所得税 app",
        ),
        line(
            "company_tax",
            "公司近3个月的纳税证明",
            "Company tax certificate, last 3 months",
            "upload",
            "missing",
            "深圳市电子税务局 > 纳税证明开具",
            "Shenzhen e-tax bureau > tax certificate",
        ),
    ];
    v[0].files = vec!["工作许可延期申请表.pdf".into()];
    v[5].files = vec!["RP page scan 2025.jpg".into()];
    v[10].optional = true;
    v
}

/// A small blue-background "photo" as PNG.
pub fn thumbnail_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(105, 144, |x, y| {
        let (cx, cy) = (52.0, 60.0);
        let dx = (x as f64 - cx) / 26.0;
        let dy = (y as f64 - cy) / 33.0;
        let body = y > 100 && ((x as f64 - cx).abs() < 45.0 - (144.0 - y as f64) * 0.3);
        if dx * dx + dy * dy < 1.0 {
            image::Rgb([236, 200, 170])
        } else if body {
            image::Rgb([40, 40, 60])
        } else {
            image::Rgb([67, 142, 219])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn cover() -> CoverData {
    let e = employee();
    CoverData {
        company: (&company()).into(),
        employee: EmployeeData::from_employee(&e, Countries::builtin()),
        date: DateText::new(as_of()),
        status: "attention".into(),
        window: WindowData {
            state: "open".into(),
            days_left: Some(66),
            opens: Some(DateText::new(date(2026, 11, 2))),
            deadline: Some(DateText::new(date(2027, 1, 1))),
        },
        timeline: TimelineData {
            expected_review: Some(DateText::new(date(2026, 12, 3))),
            expected_visit: Some(DateText::new(date(2026, 12, 7))),
            expected_pickup: Some(DateText::new(date(2026, 12, 21))),
        },
        term: Term::from_years(2.0),
        fee_rmb: Some(800),
        checklist: checklist(),
        onsite: vec![],
        enquiry: vec![],
        notes: vec![
            BiText {
                zh: "缺少广东省外国人签证数字相片采集检测回执：请到照相馆拍照检测后上传。".into(),
                en: "The photo receipt is missing: have the photo taken and checked at a studio, then upload the receipt.".into(),
            },
            BiText {
                zh: "缺少申请人近1年的完税证明：请在个人所得税App开具。".into(),
                en: "The individual income tax certificate is missing: download it from the 个人所得税 app.".into(),
            },
        ],
        photo: Some(PhotoData::new(
            "maria.jpg",
            true,
            Some((thumbnail_png(), "image/png")),
        )),
        platform_form: Vec::new(),
        uploads: Vec::new(),
        as_of: as_of(),
    }
}

/// Writes the PDF under the test's temp dir (and into $PERMITPACK_KEEP_PDF when set, to
/// look at the documents) and returns its path.
pub fn save(dir: &Path, name: &str, pdf: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    if let Some(keep) = std::env::var_os("PERMITPACK_KEEP_PDF") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).unwrap();
        std::fs::write(keep.join(name), pdf).unwrap();
    }
    path
}

/// The text layer as pdftotext extracts it, with all white space removed (line breaks in
/// justified Chinese text fall anywhere).
pub fn text_of(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    squash(&String::from_utf8_lossy(&out.stdout))
}

pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that every needle (white space ignored) is in the text layer.
pub fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            text.contains(&squash(n)),
            "text layer lacks {n:?}\n--- text ---\n{text}"
        );
    }
}

/// Runs qpdf --check and asserts it finds no problem.
pub fn assert_qpdf_ok(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf is installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("No syntax or stream encoding errors"),
        "qpdf --check failed for {}:\n{stdout}\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Page count from pdfinfo.
pub fn pages(path: &Path) -> u32 {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

/// One line of pdfinfo's output, e.g. `Title`.
pub fn info(path: &Path, key: &str) -> String {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    let s = String::from_utf8_lossy(&out.stdout).to_string();
    s.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

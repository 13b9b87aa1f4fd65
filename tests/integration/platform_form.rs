//! End-to-end (issue 22, part 2): the platform form values of a roster made the way HR makes
//! it (a title row, Chinese-only headers with notes, the optional columns the platform asks
//! for, a Company sheet), through the real binary: report.json `platform_form` in the
//! platform's section order with each value's source, the names in MRZ letters and the
//! platform's rules as warnings, the report.xlsx sheet "平台填报 Platform form", and the
//! cover's platform page read back with pdftotext.

use crate::fixtures::folder::{AS_OF, day};
use crate::fixtures::spreadsheet::{excel_date as excel, ymd};
use crate::report::Report;
use crate::util::{Dir, need_tool};
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Read;
use std::path::Path;

/// A cell of the HR roster.
enum C {
    S(&'static str),
    D(NaiveDate),
    E,
}

const HEADER: [&str; 20] = [
    "序号",
    "姓名（与护照一致）",
    "姓",
    "名",
    "性别",
    "国籍",
    "出生日期",
    "护照号码",
    "护照签发日期",
    "护照有效期至",
    "人才类别",
    "职位",
    "入职日期",
    "工作许可证号",
    "工作许可到期日",
    "居留许可到期日",
    "手机号码（本人）",
    "电子邮箱",
    "在华住址",
    "合同到期日",
];

fn write_roster(path: &Path) {
    let rows: Vec<Vec<C>> = vec![
        vec![
            C::S("1"),
            C::S("Jürgen MÜLLER"),
            C::E,
            C::E,
            C::S("男"),
            C::S("德国"),
            C::D(ymd(1980, 5, 6)),
            C::S("C01X00T47"),
            C::D(ymd(2019, 3, 4)),
            C::D(ymd(2029, 3, 3)),
            C::S("（六）"),
            C::S("Senior Engineer 高级工程师"),
            C::D(ymd(2020, 1, 6)),
            C::S("110440001234"),
            C::D(day(60)),
            C::D(day(60)),
            // The HR handler's number, as HR often types it.
            C::S("138 0013 8000"),
            C::S("juergen.mueller@example.de"),
            C::S("深圳市南山区海德三道1号"),
            C::D(ymd(2027, 12, 31)),
        ],
        vec![
            C::S("2"),
            C::S("Åsa Øster-Berg"),
            C::S("ØSTER-BERG"),
            C::S("Åsa"),
            C::S("F"),
            C::S("Sweden"),
            C::D(ymd(1990, 1, 2)),
            C::S("AA1234567"),
            C::E,
            C::D(ymd(2030, 1, 1)),
            C::S("（六）"),
            C::S("Designer"),
            C::D(ymd(2022, 4, 1)),
            C::S("110440005678"),
            C::D(day(70)),
            C::D(day(70)),
            C::S("13912345678"),
            C::S("asa@example.se"),
            C::E,
            C::E,
        ],
        vec![
            C::S("3"),
            C::S("Nguyen Van An"),
            C::E,
            C::E,
            C::S("male"),
            C::S("越南"),
            C::D(ymd(1988, 8, 8)),
            C::S("C7654321"),
            C::D(ymd(2020, 2, 2)),
            C::D(ymd(2030, 2, 1)),
            C::S("（六）"),
            C::S("Analyst"),
            C::D(ymd(2023, 5, 1)),
            C::S("110440009999"),
            C::D(day(80)),
            C::D(day(80)),
            C::S("13700001111"),
            C::S("an at example"),
            C::E,
            C::E,
        ],
    ];
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("外籍员工").unwrap();
    ws.write_string(0, 0, "外籍员工花名册（2026年12月）")
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::D(d) => {
                    ws.write_datetime_with_format(r, c, excel(*d), &date)
                        .unwrap();
                }
                C::E => {}
            }
        }
    }
    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    for (i, (k, v)) in [
        ("公司名称", "深圳市平台测试科技有限公司"),
        ("统一社会信用代码", "91440300MA5FXT4L8P"),
        ("地址", "深圳市福田区福华三路88号"),
        ("联系人", "李明"),
        ("联系电话", "138-0013-8000"),
    ]
    .iter()
    .enumerate()
    {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
    wb.save(path).unwrap();
}

fn cover_text(zip: &Path, into: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut bytes = Vec::new();
    let name = (0..z.len())
        .map(|i| z.name_for_index(i).unwrap().unwrap().to_string())
        .find(|n| n.ends_with("cover_checklist.pdf"))
        .expect("a cover in the packet");
    z.by_name(&name).unwrap().read_to_end(&mut bytes).unwrap();
    let pdf = into.join("cover.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn platform_form_values_in_json_xlsx_and_cover() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.join("co")).unwrap();
    write_roster(&dir.join("co/roster.xlsx"));
    let out = dir.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"]);
    out.assert_that(matches!(out.code(), 0 | 1), "a run that completes");
    let report = Report::read(&dir, "out");
    let employees = &report.employees;
    assert_eq!(employees.len(), 3, "{report:#?}");
    let (muller, asa, an) = (&employees[0], &employees[1], &employees[2]);

    // The platform's section order, and only the three sources. The view reads every
    // field's section, field, labels, value and note as text.
    let sections: Vec<&str> = muller
        .platform_form
        .iter()
        .map(|f| f.section.as_str())
        .collect();
    let order = ["个人信息", "业务信息", "居留许可申请信息"];
    let ranks: Vec<usize> = sections
        .iter()
        .map(|s| order.iter().position(|o| o == s).unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{sections:?}");
    for e in employees {
        assert!(!e.platform_form.is_empty(), "no platform_form in {e:#?}");
        for f in &e.platform_form {
            assert!(
                ["roster", "derived", "missing"].contains(&f.source.as_str()),
                "{f:?}"
            );
        }
    }

    // Capitals mark the surname; the umlauts become MRZ letters and the report says so.
    assert_eq!(muller.form_field("surname").value, "MUELLER");
    assert_eq!(muller.form_field("surname").source, "derived");
    assert_eq!(muller.form_field("given_names").value, "JUERGEN");
    assert_eq!(muller.form_field("gender").value, "男 / Male");
    assert_eq!(muller.form_field("nationality").value, "Germany");
    assert_eq!(muller.form_field("passport_issue_date").value, "2019-03-04");
    assert_eq!(muller.form_field("email").source, "roster");
    assert_eq!(muller.form_field("contract_end_date").value, "2027-12-31");
    let c = muller.issue_codes();
    assert!(c.contains(&"platform.name_ascii"), "{c:?}");
    // The applicant's mobile is the company contact's.
    assert!(c.contains(&"platform.same_contact"), "{c:?}");
    let ascii = muller.issue("platform.name_ascii");
    assert!(ascii.message.contains("MUELLER"), "{ascii:?}");
    assert_eq!(ascii.severity, "warning");
    assert_eq!(ascii.cell.as_deref(), Some("B3"));

    // The surname and given-names columns win; a missing value says where to find it.
    assert_eq!(asa.form_field("surname").value, "OESTER BERG");
    assert_eq!(asa.form_field("given_names").value, "AASA");
    assert_eq!(asa.form_field("gender").value, "女 / Female");
    let issue = asa.form_field("passport_issue_date");
    assert_eq!(
        (issue.source.as_str(), issue.value.as_str()),
        ("missing", "")
    );
    assert!(issue.note.contains("passport data page"), "{issue:?}");
    let addr = asa.form_field("address_in_china");
    assert_eq!(addr.source, "missing");
    assert!(!addr.verified);
    assert!(!asa.issue_codes().contains(&"platform.same_contact"));
    // Missing optional columns are not errors.
    assert!(!asa.error_codes().iter().any(|c| c.starts_with("platform.")));

    // No convention: the last word, with a warning to check; a bad e-mail is a warning.
    assert_eq!(an.form_field("surname").value, "AN");
    let c = an.issue_codes();
    assert!(c.contains(&"platform.name_split"), "{c:?}");
    assert!(c.contains(&"roster.bad_email"), "{c:?}");
    assert_eq!(an.form_field("email").source, "missing");
    assert_eq!(an.form_field("nationality").value, "Vietnam");

    // report.xlsx: one row per employee, the form's columns in order, ready to copy.
    let mut wb: Xlsx<_> = open_workbook(dir.join("out/report.xlsx")).unwrap();
    let names = wb.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.contains("平台填报"))
        .unwrap_or_else(|| panic!("no platform sheet in {names:?}"))
        .clone();
    assert_eq!(sheet, "平台填报 Platform form");
    let range = wb.worksheet_range(&sheet).unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 4);
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert!(
        header[2].starts_with("姓") && header[2].contains("Surname"),
        "{header:?}"
    );
    assert!(
        header[3].starts_with("名") && header[3].contains("Given names"),
        "{header:?}"
    );
    let col = |label: &str| header.iter().position(|h| h.starts_with(label)).unwrap();
    assert_eq!(rows[1][2], Data::String("MUELLER".into()));
    assert_eq!(rows[1][3], Data::String("JUERGEN".into()));
    assert_eq!(rows[2][2], Data::String("OESTER BERG".into()));
    assert_eq!(rows[1][col("护照号码")], Data::String("C01X00T47".into()));
    assert!(
        matches!(rows[2][col("护照签发日期")], Data::Empty),
        "{:?}",
        rows[2]
    );

    // The cover's platform page, in order.
    if !need_tool("pdftotext", &["-v"]) {
        return;
    }
    let packet = muller.packet.as_deref().expect("a packet for Müller");
    let text = cover_text(&dir.join("out/packets").join(packet), dir.path());
    // The page follows the checklist and the to-do notes (which also name MUELLER).
    let start = text
        .find("平台填报信息")
        .unwrap_or_else(|| panic!("no platform page on the cover:\n{text}"));
    let page = &text[start..];
    let at = |s: &str| {
        page.find(s)
            .unwrap_or_else(|| panic!("{s:?} not on the platform page:\n{page}"))
    };
    assert!(at("MUELLER") < at("JUERGEN"));
    assert!(at("JUERGEN") < at("C01X00T47"));
    assert!(at("C01X00T47") < at("业务信息"));
    assert!(at("业务信息") < at("居留许可申请信息"));
    at("未核实");
    at("derived");
}

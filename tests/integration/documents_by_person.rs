//! End-to-end (issue 21): a company folder kept the way an HR department keeps one. Scan
//! folders named by person (`Maria GARCIA/`, `03 张伟/`, `TK4829173 Tanaka/`), scans lying
//! loose in `docs/` named `<name>_<document>`, photos named by name (`Maria Garcia.jpg`,
//! `张伟.png`), a folder and a photo two employees could own, and a folder with a typo. The
//! real binary runs; report.json must give each file to the right employee with one warning
//! each, say the ambiguity and the unmatched folder once, carry the full passport number in
//! the fix texts and never show it on the terminal.

use crate::fixtures::folder::{AS_OF, Scan, fixture_photo, scan_bytes};
use crate::util::{Dir, employee_at_row};
use serde_json::Value;

const ROSTER: &str = "\
姓名 Name,中文名 Chinese name,护照号码 Passport No.,国籍 Nationality,出生日期 Date of birth,人才类别 Talent category,职位 Position,入职日期 Start date,工作许可到期日 Work permit expiry,居留许可到期日 Residence permit expiry,年薪 Annual salary
María García,,P1234567,Spain,1986-04-12,(六),Engineer,2021-03-01,2027-01-25,2027-01-25,480000
Zhang Wei,张伟,E12345678,Singapore,1984-07-01,(六),Engineer,2021-03-01,2027-01-25,2027-01-25,480000
Kenji Tanaka,田中健二,TK4829173,Japan,1980-01-15,(六),Manager,2020-05-01,2027-01-25,2027-01-25,600000
Jean Dubois,,12AB34567,France,1979-09-30,(六),Director,2019-09-01,2027-01-25,2027-01-25,900000
Wang Lei,,K80000001,Malaysia,1990-02-02,(六),Engineer,2022-01-10,2027-01-25,2027-01-25,360000
Wang Fang,,K80000002,Malaysia,1991-03-03,(六),Engineer,2022-01-10,2027-01-25,2027-01-25,360000
";

const COMPANY: &str = "\
name_zh = \"深圳市测试科技有限公司\"
name_en = \"Shenzhen Test Technology Co., Ltd.\"
uscc = \"91440300MA5FXT4L8P\"
address = \"深圳市南山区科技南十二路18号\"
contact_person = \"王丽\"
contact_phone = \"0755-8666 1234\"
";

/// The blue-background fixture photo as PNG bytes (a phone saves PNG screenshots too).
fn png_photo() -> Vec<u8> {
    let img = image::open(fixture_photo("blue.jpg")).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn company_folder(d: &Dir) {
    d.write("co/roster.csv", ROSTER);
    d.write("co/company.toml", COMPANY);
    let blue = std::fs::read(fixture_photo("blue.jpg")).unwrap();
    d.write("co/photos/Maria Garcia.jpg", &blue);
    d.write("co/photos/张伟.png", png_photo());
    d.write("co/photos/TK4829173.jpg", &blue);
    d.write("co/photos/12AB34567.jpg", &blue);
    d.write("co/photos/Wang.jpg", &blue);
    let scan = |rel: &str, kind: Scan| {
        let name = rel.rsplit('/').next().unwrap();
        d.write(format!("co/docs/{rel}"), scan_bytes(name, kind));
    };
    scan("Maria GARCIA/护照.jpg", Scan::Jpeg);
    scan("Maria GARCIA/劳动合同.pdf", Scan::Pdf);
    scan("03 张伟/护照首页.jpg", Scan::Jpeg);
    scan("03 张伟/居留.jpg", Scan::Jpeg);
    scan("TK4829173 Tanaka/Passport.pdf", Scan::Pdf);
    scan("Dubois_passport.pdf", Scan::Pdf);
    scan("Dubois_合同.pdf", Scan::Pdf);
    scan("Wang/护照.jpg", Scan::Jpeg);
    scan("Mario Garsia/护照.jpg", Scan::Jpeg);
    scan("_company/银行流水.pdf", Scan::Pdf);
}

fn issues<'a>(e: &'a Value, code: &str) -> Vec<&'a Value> {
    e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

fn files<'a>(e: &'a Value, item: &str) -> Vec<&'a str> {
    e["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == item)
        .unwrap_or_else(|| panic!("no {item} in {e}"))["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect()
}

#[test]
fn files_and_folders_named_by_person_find_their_owner() {
    let d = Dir::new();
    company_folder(&d);
    let out = d.run(&[
        "check",
        "co/roster.csv",
        "--company",
        "co/company.toml",
        "--as-of",
        AS_OF,
        "--out",
        "o",
    ]);
    out.assert_not_code(2);
    let r = d.report("o");

    // María García: folder `Maria GARCIA/` and photo `Maria Garcia.jpg`, by name.
    let maria = employee_at_row(&r, 2);
    assert_eq!(files(maria, "passport"), ["护照.jpg"], "{maria}");
    assert_eq!(files(maria, "labour_contract"), ["劳动合同.pdf"]);
    let by_name = issues(maria, "document.by_name");
    assert_eq!(by_name.len(), 1, "{maria}");
    let w = by_name[0];
    assert_eq!(w["args"]["entries_en"], "folder 'Maria GARCIA'");
    let msg = w["message"].as_str().unwrap();
    assert!(
        msg.contains("'Maria GARCIA'") && msg.contains("María García") && msg.contains("by name"),
        "{msg}"
    );
    // The message masks the number; the fix names it in full, for HR to type.
    assert!(
        msg.contains("P1***567") && !msg.contains("P1234567"),
        "{msg}"
    );
    assert!(w["action"].as_str().unwrap().contains("P1234567"), "{w}");
    assert!(w["action_zh"].as_str().unwrap().contains("P1234567"), "{w}");
    let photo = issues(maria, "photo.by_name");
    assert_eq!(photo.len(), 1, "{maria}");
    assert_eq!(photo[0]["file"], "Maria Garcia.jpg");
    assert!(
        photo[0]["action"]
            .as_str()
            .unwrap()
            .contains("P1234567.jpg")
    );
    assert!(issues(maria, "photo.missing").is_empty());
    assert!(issues(maria, "document.no_folder").is_empty());

    // 张伟: `03 张伟/` and `张伟.png`, by the Chinese name; `居留.jpg` is the RP page.
    let zhang = employee_at_row(&r, 3);
    assert_eq!(files(zhang, "passport"), ["护照首页.jpg"], "{zhang}");
    assert_eq!(files(zhang, "residence_permit"), ["居留.jpg"]);
    let by_name = issues(zhang, "document.by_name");
    assert_eq!(by_name.len(), 1, "{zhang}");
    assert_eq!(by_name[0]["args"]["how_en"], "Chinese name");
    let photo = issues(zhang, "photo.by_name");
    assert_eq!(photo.len(), 1, "{zhang}");
    assert_eq!(photo[0]["file"], "张伟.png");

    // Tanaka: number and name, no warning needed.
    let tanaka = employee_at_row(&r, 4);
    assert_eq!(files(tanaka, "passport"), ["Passport.pdf"], "{tanaka}");
    assert!(issues(tanaka, "document.by_name").is_empty(), "{tanaka}");
    assert!(issues(tanaka, "document.no_folder").is_empty());

    // Dubois: loose scans in docs/, matched on the part after the name.
    let dubois = employee_at_row(&r, 5);
    assert_eq!(
        files(dubois, "passport"),
        ["Dubois_passport.pdf"],
        "{dubois}"
    );
    assert_eq!(files(dubois, "labour_contract"), ["Dubois_合同.pdf"]);
    let by_name = issues(dubois, "document.by_name");
    assert_eq!(by_name.len(), 1, "{dubois}");
    assert_eq!(
        by_name[0]["args"]["entries_en"],
        "files 'Dubois_passport.pdf', 'Dubois_合同.pdf'"
    );

    // The Wangs: `Wang/` and `Wang.jpg` could be either: no guess.
    for row in [6, 7] {
        let wang = employee_at_row(&r, row);
        assert!(issues(wang, "document.by_name").is_empty(), "{wang}");
        assert_eq!(issues(wang, "document.no_folder").len(), 1, "{wang}");
        assert_eq!(issues(wang, "photo.missing").len(), 1, "{wang}");
        assert!(files(wang, "passport").is_empty());
    }

    // The run says each ambiguity and the unmatched folder once.
    let run = r["roster_issues"].as_array().unwrap();
    let of = |code: &str| -> Vec<&Value> { run.iter().filter(|i| i["code"] == code).collect() };
    let docs = of("document.owner_ambiguous");
    assert_eq!(docs.len(), 1, "{run:?}");
    assert_eq!(docs[0]["file"], "Wang");
    assert_eq!(docs[0]["args"]["names"], "Wang Lei, Wang Fang");
    let fix = docs[0]["action"].as_str().unwrap();
    assert!(
        fix.contains("K80000001") && fix.contains("K80000002"),
        "{fix}"
    );
    let photos = of("photo.owner_ambiguous");
    assert_eq!(photos.len(), 1, "{run:?}");
    assert_eq!(photos[0]["file"], "Wang.jpg");
    let unclaimed = of("document.unclaimed_folder");
    assert_eq!(unclaimed.len(), 1, "{run:?}");
    assert_eq!(unclaimed[0]["args"]["folder"], "Mario Garsia");
    let msg = unclaimed[0]["message"].as_str().unwrap();
    assert!(msg.contains("Closest employee: María García"), "{msg}");
    assert!(
        unclaimed[0]["action"]
            .as_str()
            .unwrap()
            .contains("rename it to P1234567"),
        "{}",
        unclaimed[0]
    );
    assert!(of("document.stray_file").is_empty(), "{run:?}");

    // The terminal masks every passport number, fix texts included.
    let terminal = format!("{}{}", out.stdout(), out.stderr());
    for p in [
        "P1234567",
        "E12345678",
        "TK4829173",
        "12AB34567",
        "K80000001",
        "K80000002",
    ] {
        assert!(!terminal.contains(p), "{p} on the terminal:\n{terminal}");
    }
}

/// Renaming a folder from the person's name to the passport number is a new run's input:
/// the rerun cache must not serve the warning of the old name.
#[test]
fn renaming_a_folder_to_the_number_drops_the_warning_on_rerun() {
    let d = Dir::new();
    company_folder(&d);
    let build = || {
        d.run(&[
            "build",
            "co/roster.csv",
            "--company",
            "co/company.toml",
            "--as-of",
            AS_OF,
            "--out",
            "o",
        ])
    };
    build().assert_not_code(2);
    let r = d.report("o");
    assert_eq!(issues(employee_at_row(&r, 2), "document.by_name").len(), 1);
    std::fs::rename(d.join("co/docs/Maria GARCIA"), d.join("co/docs/P1234567")).unwrap();
    build().assert_not_code(2);
    let r = d.report("o");
    let maria = employee_at_row(&r, 2);
    assert!(issues(maria, "document.by_name").is_empty(), "{maria}");
    assert_eq!(files(maria, "passport"), ["护照.jpg"]);
}

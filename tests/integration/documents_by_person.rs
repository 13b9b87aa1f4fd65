//! End-to-end (issue 21): a company folder kept the way an HR department keeps one. Scan
//! folders named by person (`Maria GARCIA/`, `03 张伟/`, `TK4829173 Tanaka/`), scans lying
//! loose in `docs/` named `<name>_<document>`, photos named by name (`Maria Garcia.jpg`,
//! `张伟.png`), a folder and a photo two employees could own, and a folder with a typo. The
//! real binary runs; report.json must give each file to the right employee with one warning
//! each, say the ambiguity and the unmatched folder once, carry the full passport number in
//! the fix texts and never show it on the terminal.

use crate::fixtures::folder::{AS_OF, Scan, fixture_photo, scan_bytes};
use crate::report::Report;
use crate::util::Dir;

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
    let r = Report::read(&d, "o");

    // María García: folder `Maria GARCIA/` and photo `Maria Garcia.jpg`, by name.
    let maria = r.employee(2);
    assert_eq!(maria.item("passport").files(), ["护照.jpg"], "{maria:?}");
    assert_eq!(maria.item("labour_contract").files(), ["劳动合同.pdf"]);
    let by_name = maria.issues_of("document.by_name");
    assert_eq!(by_name.len(), 1, "{maria:?}");
    let w = by_name[0];
    assert_eq!(w.arg("entries_en"), "folder 'Maria GARCIA'");
    let msg = &w.message;
    assert!(
        msg.contains("'Maria GARCIA'") && msg.contains("María García") && msg.contains("by name"),
        "{msg}"
    );
    // The message masks the number; the fix names it in full, for HR to type.
    assert!(
        msg.contains("P1***567") && !msg.contains("P1234567"),
        "{msg}"
    );
    assert!(w.action.contains("P1234567"), "{w:?}");
    assert!(w.action_zh.contains("P1234567"), "{w:?}");
    let photo = maria.issues_of("photo.by_name");
    assert_eq!(photo.len(), 1, "{maria:?}");
    assert_eq!(photo[0].file.as_deref(), Some("Maria Garcia.jpg"));
    assert!(photo[0].action.contains("P1234567.jpg"));
    assert!(maria.issues_of("photo.missing").is_empty());
    assert!(maria.issues_of("document.no_folder").is_empty());

    // 张伟: `03 张伟/` and `张伟.png`, by the Chinese name; `居留.jpg` is the RP page.
    let zhang = r.employee(3);
    assert_eq!(
        zhang.item("passport").files(),
        ["护照首页.jpg"],
        "{zhang:?}"
    );
    assert_eq!(zhang.item("residence_permit").files(), ["居留.jpg"]);
    let by_name = zhang.issues_of("document.by_name");
    assert_eq!(by_name.len(), 1, "{zhang:?}");
    assert_eq!(by_name[0].arg("how_en"), "Chinese name");
    let photo = zhang.issues_of("photo.by_name");
    assert_eq!(photo.len(), 1, "{zhang:?}");
    assert_eq!(photo[0].file.as_deref(), Some("张伟.png"));

    // Tanaka: number and name, no warning needed.
    let tanaka = r.employee(4);
    assert_eq!(
        tanaka.item("passport").files(),
        ["Passport.pdf"],
        "{tanaka:?}"
    );
    assert!(
        tanaka.issues_of("document.by_name").is_empty(),
        "{tanaka:?}"
    );
    assert!(tanaka.issues_of("document.no_folder").is_empty());

    // Dubois: loose scans in docs/, matched on the part after the name.
    let dubois = r.employee(5);
    assert_eq!(
        dubois.item("passport").files(),
        ["Dubois_passport.pdf"],
        "{dubois:?}"
    );
    assert_eq!(dubois.item("labour_contract").files(), ["Dubois_合同.pdf"]);
    let by_name = dubois.issues_of("document.by_name");
    assert_eq!(by_name.len(), 1, "{dubois:?}");
    assert_eq!(
        by_name[0].arg("entries_en"),
        "files 'Dubois_passport.pdf', 'Dubois_合同.pdf'"
    );

    // The Wangs: `Wang/` and `Wang.jpg` could be either: no guess.
    for row in [6, 7] {
        let wang = r.employee(row);
        assert!(wang.issues_of("document.by_name").is_empty(), "{wang:?}");
        assert_eq!(wang.issues_of("document.no_folder").len(), 1, "{wang:?}");
        assert_eq!(wang.issues_of("photo.missing").len(), 1, "{wang:?}");
        assert!(wang.item("passport").files.is_empty());
    }

    // The run says each ambiguity and the unmatched folder once.
    let run = &r.roster_issues;
    let docs = r.roster_issues_of("document.owner_ambiguous");
    assert_eq!(docs.len(), 1, "{run:?}");
    assert_eq!(docs[0].file.as_deref(), Some("Wang"));
    assert_eq!(docs[0].arg("names"), "Wang Lei, Wang Fang");
    let fix = &docs[0].action;
    assert!(
        fix.contains("K80000001") && fix.contains("K80000002"),
        "{fix}"
    );
    let photos = r.roster_issues_of("photo.owner_ambiguous");
    assert_eq!(photos.len(), 1, "{run:?}");
    assert_eq!(photos[0].file.as_deref(), Some("Wang.jpg"));
    let unclaimed = r.roster_issues_of("document.unclaimed_folder");
    assert_eq!(unclaimed.len(), 1, "{run:?}");
    assert_eq!(unclaimed[0].arg("folder"), "Mario Garsia");
    let msg = &unclaimed[0].message;
    assert!(msg.contains("Closest employee: María García"), "{msg}");
    assert!(
        unclaimed[0].action.contains("rename it to P1234567"),
        "{:?}",
        unclaimed[0]
    );
    assert!(
        r.roster_issues_of("document.stray_file").is_empty(),
        "{run:?}"
    );

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
    let r = Report::read(&d, "o");
    assert_eq!(r.employee(2).issues_of("document.by_name").len(), 1);
    std::fs::rename(d.join("co/docs/Maria GARCIA"), d.join("co/docs/P1234567")).unwrap();
    build().assert_not_code(2);
    let r = Report::read(&d, "o");
    let maria = r.employee(2);
    assert!(maria.issues_of("document.by_name").is_empty(), "{maria:?}");
    assert_eq!(maria.item("passport").files(), ["护照.jpg"]);
}

//! The four reports written by the library into a real folder, then read back the way their
//! readers will: report.xlsx with calamine, report.csv as Excel sees it (BOM, formulas),
//! report.json with serde, report.html as text.

use crate::fixtures::run_outcomes;

use calamine::{Data, Reader, Xlsx, open_workbook};
use permitpack::assets::Templates;
use permitpack::catalog::Lang;
use permitpack::report::{self, Summary};
use permitpack::run::FsSink;

fn write(lang: Lang) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let cat = run_outcomes::catalog(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let paths = report::write_all(
        &FsSink::new(&out),
        &run_outcomes::run(lang),
        &run_outcomes::outcomes(),
        &cat,
        &Templates::builtin(),
    )
    .unwrap();
    (dir, paths)
}

#[test]
fn xlsx_rows_read_back_with_calamine() {
    let (dir, _) = write(Lang::Both);
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("out/report.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "员工 Employees",
            "问题 Issues",
            "材料 Documents",
            "上传文件 Uploads",
            "平台填报 Platform form",
            "运行信息 Run",
            "日历 Calendar"
        ]
    );

    let emp = wb.worksheet_range(&names[0]).unwrap();
    let rows: Vec<&[Data]> = emp.rows().collect();
    let outcomes = run_outcomes::outcomes();
    assert_eq!(rows.len(), outcomes.len() + 1);
    assert_eq!(rows[0][0], Data::String("行号 / Row".into()));
    for (r, o) in rows[1..].iter().zip(&outcomes) {
        assert_eq!(r[0], Data::Float(o.employee.row as f64));
        match o.employee.passport_no.clone() {
            Some(passport) => assert_eq!(
                r[3],
                Data::String(passport),
                "unmasked, text, leading zeros kept"
            ),
            None => assert!(matches!(&r[3], Data::Empty) || r[3] == Data::String(String::new())),
        }
        assert_eq!(r[8], Data::Float(o.days_left.unwrap() as f64));
        assert!(
            matches!(r[10], Data::DateTime(_)),
            "deadline is a date: {:?}",
            r[10]
        );
        assert_eq!(r[17], Data::Float(o.error_count() as f64));
        match o.packet.clone() {
            Some(packet) => assert_eq!(r[19], Data::String(packet)),
            None => assert!(matches!(&r[19], Data::Empty) || r[19] == Data::String(String::new())),
        }
    }
    assert_eq!(rows[1][6], Data::String("可以提交 / Ready".into()));
    assert_eq!(rows[5][6], Data::String("已错过办理期 / Too late".into()));
    assert_eq!(rows[7][6], Data::String("已错过办理期 / Too late".into()));
    // Missing items are named, optional ones marked.
    match &rows[2][16] {
        Data::String(s) => {
            assert!(s.contains("广东省外国人签证数字相片采集检测回执"), "{s}");
            assert!(s.contains("may be asked for"), "{s}");
        }
        other => panic!("{other:?}"),
    }
    // The hostile passport "=1+2" is a string cell, never a formula.
    assert_eq!(rows[3][3], Data::String("=1+2".into()));
    let formulas = wb.worksheet_formula(&names[0]).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    let issues = wb.worksheet_range(&names[1]).unwrap();
    let total: usize = outcomes.iter().map(|o| o.issues.len()).sum::<usize>() + 1;
    assert_eq!(issues.rows().count(), total + 1);
    let bad_date = issues
        .rows()
        .find(|r| r[7] == Data::String("roster.bad_date".into()))
        .unwrap();
    assert_eq!(bad_date[0], Data::Float(6.0));
    assert_eq!(bad_date[1], Data::String("Staff".into()));
    assert_eq!(bad_date[2], Data::String("H6".into()));
    assert_eq!(
        bad_date[8],
        Data::String("居留许可到期 RP expiry 中的“2027/13/45”不是日期。".into())
    );

    let run = wb.worksheet_range(&names[5]).unwrap();
    let summary = Summary::of(&outcomes, &run_outcomes::run(Lang::Both).roster_issues);
    let ready_row = run
        .rows()
        .find(|r| r[0] == Data::String("可以提交 / Ready".into()))
        .unwrap();
    assert_eq!(ready_row[1], Data::Float(summary.ready as f64));
}

#[test]
fn xlsx_and_json_are_identical_on_rerun() {
    let (a, _) = write(Lang::Both);
    let (b, _) = write(Lang::Both);
    for f in [
        "report.xlsx",
        "report.json",
        "report.csv",
        "report.html",
        "report.ics",
    ] {
        let x = std::fs::read(a.path().join("out").join(f)).unwrap();
        let y = std::fs::read(b.path().join("out").join(f)).unwrap();
        assert!(x == y, "{f} differs between identical runs");
    }
}

#[test]
fn csv_is_excel_friendly_and_injection_safe() {
    let (dir, _) = write(Lang::Zh);
    let bytes = std::fs::read(dir.path().join("out/report.csv")).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "行号");
    assert!(header.contains(&"问题说明".to_string()));
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    // One row per problem; TANAKA (no problem) once; the roster problem once.
    let outcomes = run_outcomes::outcomes();
    let expected: usize = outcomes
        .iter()
        .map(|o| o.issues.len().max(1))
        .sum::<usize>()
        + 1;
    assert_eq!(rows.len(), expected);
    let hostile: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "6").collect();
    assert_eq!(hostile.len(), 3);
    for r in &hostile {
        assert_eq!(
            r[2], "<script>alert(1)</script> & \"Co\" =SUM(A1)",
            "text kept, not at start"
        );
        assert_eq!(r[4], "'=1+2");
        assert!(
            r[9].starts_with("'=") || r[9].starts_with("_1_2"),
            "{}",
            r[9]
        );
    }
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if i == 0 || i == 6 {
                assert!(
                    c.is_empty() || c.parse::<i64>().is_ok(),
                    "number column: {c}"
                );
            } else {
                assert!(
                    !c.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']),
                    "unguarded: {c:?}"
                );
            }
        }
    }
}

#[test]
fn json_contract() {
    let (dir, _) = write(Lang::En);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(v["as_of"], "2026-11-26");
    assert_eq!(v["roster"], "员工名册 roster.xlsx");
    assert_eq!(v["company"]["name_zh"], "深圳示例科技有限公司");
    assert_eq!(v["summary"]["ready"], 2);
    assert_eq!(v["summary"]["attention"], 2);
    assert_eq!(v["summary"]["not_yet"], 1);
    assert_eq!(v["summary"]["too_late"], 2);
    let emps = v["employees"].as_array().unwrap();
    assert_eq!(emps.len(), 7);
    let nguyen = &emps[1];
    assert_eq!(nguyen["passport_no"], "C4567890");
    assert_eq!(nguyen["photo"]["ok"], false);
    assert_eq!(nguyen["photo"]["width_px"], 413);
    assert_eq!(nguyen["eligibility"]["window"], "open");
    assert_eq!(nguyen["timeline"]["preliminary_review_working_days"], 5);
    let photo_issue = &nguyen["issues"][0];
    assert_eq!(photo_issue["code"], "photo.background");
    assert_eq!(photo_issue["file"], "photos/C4567890.jpg");
    assert_eq!(
        photo_issue["message"],
        "The photo background is not blue enough (hue 38°, expected 190-225°)."
    );
    assert_eq!(photo_issue["action_zh"], "请到照相馆重新拍摄蓝底照片。");
    assert_eq!(v["roster_issues"][0]["cell"], "S3");
}

#[test]
fn html_is_escaped_self_contained_and_complete() {
    let (dir, _) = write(Lang::Both);
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; =SUM(A1)"));
    assert_eq!(html.matches("<article class=\"card").count(), 7);
    assert_eq!(html.matches("data:image/png;base64,").count(), 5);
    assert!(html.contains("href=\"packets/PAB123456_GARC%C3%8DA_L%C3%93PEZ_JOS%C3%89.zip\""));
    assert!(!html.contains("http://") && !html.contains("https://"));
    // Masked in the overview and the card headers; the full number only inside <details>
    // (file and packet names, which carry it by design, are shown as they are).
    assert!(html.contains("E1****678"));
    for line in html.lines() {
        if line.starts_with("<p class=\"sub\">") || line.starts_with("<tr class=") {
            assert!(!line.contains("E12345678"), "unmasked: {line}");
        }
    }
    assert!(html.contains("<span class=\"mono\">E12345678</span></details>"));
}

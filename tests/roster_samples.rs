//! End-to-end: the committed samples (samples/roster.xlsx, samples/roster_gbk.csv) read as
//! samples/README.md documents them.

mod util;

use util::{Dir, code, employee_at_row, issue_codes, stderr};

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn sample_workbook_reads_as_documented() {
    let dir = Dir::new();
    let roster = sample("roster.xlsx");
    let out = dir.run(&["check", &roster, "--as-of", "2026-11-26"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let r = dir.report("out");
    assert_eq!(r["sheet"], "员工名册");
    assert_eq!(r["header_row"], 3);
    assert_eq!(r["company"]["name_zh"], "深圳市前海星河科技有限公司");
    let rows: Vec<u64> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, (4..=11).chain(13..=20).collect::<Vec<u64>>());
    type Row<'a> = (u64, &'a str, &'a [(&'a str, &'a str)]);
    let expected: [Row; 16] = [
        (4, "EK1234567", &[]),
        (5, "U12345678", &[]),
        (6, "18FV12345", &[]),
        (7, "PAA123456", &[]),
        (8, "056789123", &[]),
        (9, "123456789", &[("roster.passport_as_number", "D9")]),
        (10, "PX1234567", &[]),
        (11, "C01X00T47", &[]),
        (13, "TR1234567", &[]),
        (14, "751234567", &[]),
        (15, "Z1234567", &[]),
        (16, "EK1234567", &[("roster.duplicate_passport", "D16")]),
        (17, "C1234567", &[("roster.missing", "E17")]),
        (18, "M12345678", &[("roster.bad_date", "K18")]),
        (19, "AB123456", &[("roster.bad_number", "M19")]),
        (
            20,
            "A12345678",
            &[("roster.bad_date", "F20"), ("roster.bad_money", "N20")],
        ),
    ];
    for (row, passport, codes) in expected {
        let e = employee_at_row(&r, row);
        assert_eq!(e["passport_no"], passport, "row {row}");
        assert_eq!(issue_codes(e, "roster."), pairs(codes), "row {row}");
    }
    // Window cases relative to 2026-11-26 (see samples/README.md).
    for (row, expiry) in [
        (4, "2027-01-25"),  // +60
        (5, "2027-01-10"),  // +45
        (8, "2027-02-24"),  // exactly +90
        (9, "2026-12-26"),  // exactly +30
        (13, "2027-03-26"), // +120, not yet
        (14, "2026-11-16"), // expired
        (15, "2026-12-16"), // +20, too late
    ] {
        assert_eq!(
            employee_at_row(&r, row)["work_permit_expiry"],
            expiry,
            "row {row}"
        );
    }
    assert_eq!(employee_at_row(&r, 11)["date_of_birth"], "1964-05-01");
    assert_eq!(employee_at_row(&r, 10)["category"], "B2");
    assert_eq!(employee_at_row(&r, 13)["category"], serde_json::Value::Null);
    let roster_codes: Vec<&str> = r["roster_issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        roster_codes,
        vec![
            "roster.hidden_sheet",
            "roster.unknown_column",
            "roster.unknown_column"
        ]
    );
}

#[test]
fn sample_gbk_csv_reads_with_the_company_file() {
    let dir = Dir::new();
    let out = dir.run(&[
        "check",
        &sample("roster_gbk.csv"),
        "--as-of",
        "2026-11-26",
        "--company",
        &sample("company.toml"),
    ]);
    assert_ne!(code(&out), 2, "{}", stderr(&out));
    let r = dir.report("out");
    assert_eq!(r["encoding"], "GB18030");
    assert_eq!(r["roster_issues"], serde_json::json!([]));
    let names: Vec<&str> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Hans Müller",
            "Renée Dubois",
            "David Miller",
            "Kenji Tanaka",
            "Olga Ivanova"
        ]
    );
    for e in r["employees"].as_array().unwrap() {
        assert_eq!(issue_codes(e, "roster."), vec![], "{}", e["name"]);
    }
}

//! Tests of `evaluate`: the issue codes, their places and arguments, readiness, and that
//! every code has a catalog entry.

use super::*;
use crate::catalog::{Catalog, Lang};
use crate::codes::{self, Code};
use crate::model::Category;
use chrono::Duration;
use std::collections::BTreeSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn setup() -> (Rules, Calendar) {
    let t = Templates::builtin();
    (Rules::load(&t).unwrap(), Calendar::load(&t).unwrap())
}

/// A category (六) employee on row 5 whose Work Permit and Residence Permit expire on
/// 2026-12-31, born 1980, 4 years in China, passport valid to 2035.
fn employee() -> Employee {
    let mut e = Employee {
        sheet: "Staff".into(),
        row: 5,
        name: Some("Jane Doe".into()),
        passport_no: Some("E12345678".into()),
        passport_expiry: Some(d(2035, 1, 1)),
        date_of_birth: Some(d(1980, 5, 5)),
        category: Some(Category::B(6)),
        category_raw: Some("B(六)".into()),
        work_permit_expiry: Some(d(2026, 12, 31)),
        residence_permit_expiry: Some(d(2026, 12, 31)),
        years_in_china: Some(4.0),
        ..Employee::default()
    };
    for (f, c) in [
        (Field::PassportExpiry, "D5"),
        (Field::DateOfBirth, "F5"),
        (Field::Category, "G5"),
        (Field::WorkPermitExpiry, "K5"),
        (Field::ResidencePermitExpiry, "L5"),
        (Field::YearsInChina, "M5"),
        (Field::RequestedTerm, "N5"),
    ] {
        e.cells.insert(f, c.to_string());
    }
    e
}

fn codes(ev: &Evaluation) -> Vec<&str> {
    ev.issues.iter().map(|i| i.code.as_str()).collect()
}

fn find(ev: &Evaluation, code: Code) -> &Issue {
    ev.issues
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(ev)))
}

fn with_days_left(left: i64) -> Evaluation {
    let (r, cal) = setup();
    let e = employee();
    let as_of = d(2026, 12, 31) - Duration::days(left);
    evaluate(&e, as_of, &r, &cal)
}

#[test]
fn open_window_with_no_issue_is_ready() {
    let ev = with_days_left(60);
    assert_eq!(ev.window_state(), "open");
    assert!(ev.issues.is_empty(), "{:?}", codes(&ev));
    assert!(is_ready(ev.eligibility.state, &ev.issues));
    assert_eq!(status(ev.eligibility.state, &ev.issues), Status::Ready);
    assert_eq!(ev.term_years, Some(2.0));
    assert_eq!(ev.fee_rmb, Some(800));
    // 13 items of the (六) list and the company, the accommodation form the window may ask
    // for, and the letter for a term over one year (the term is 2 years).
    assert_eq!(ev.checklist.len(), 15);
    assert!(
        ev.checklist
            .iter()
            .any(|i| i.id == "multi_year_request_letter")
    );
    assert_eq!(ev.category.as_deref(), Some("B6"));
    assert!(ev.timeline.is_some());
}

#[test]
fn ninety_days_is_open_and_ninety_one_is_not_yet_with_the_opening_date() {
    assert_eq!(with_days_left(90).window_state(), "open");
    assert!(with_days_left(90).issues.is_empty());
    let ev = with_days_left(91);
    assert_eq!(ev.window_state(), "not_yet");
    let i = find(&ev, codes::ELIGIBILITY_NOT_YET);
    assert!(!i.is_error());
    assert_eq!(i.get("window_opens"), Some("2026-10-02"));
    assert_eq!(i.at.cell.as_deref(), Some("K5"));
    assert_eq!(i.at.sheet.as_deref(), Some("Staff"));
    assert_eq!(i.at.row, Some(5));
    assert!(!is_ready(ev.eligibility.state, &ev.issues));
    assert_eq!(status(ev.eligibility.state, &ev.issues), Status::NotYet);
}

#[test]
fn thirty_one_and_thirty_are_open_twenty_nine_is_too_late() {
    assert_eq!(with_days_left(31).window_state(), "open");
    assert_eq!(with_days_left(30).window_state(), "open");
    let ev = with_days_left(29);
    assert_eq!(ev.window_state(), "too_late");
    let i = find(&ev, codes::ELIGIBILITY_TOO_LATE);
    assert!(i.is_error());
    assert_eq!(i.get("phone"), Some("0755-88121678"));
    assert_eq!(i.get("rp_phone"), Some("12367"));
    assert_eq!(i.get("deadline"), Some("2026-12-01"));
    assert!(ev.timeline.is_none());
    assert_eq!(status(ev.eligibility.state, &ev.issues), Status::TooLate);
}

#[test]
fn expired_is_an_error_naming_whom_to_call() {
    let ev = with_days_left(-3);
    assert_eq!(ev.window_state(), "expired");
    let i = find(&ev, codes::ELIGIBILITY_EXPIRED);
    assert!(i.is_error());
    assert_eq!(i.get("days_ago"), Some("3"));
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let text = cat.text(i);
    assert!(text.action.contains("0755-88121678"), "{}", text.action);
    assert!(text.action_zh.contains("12367"), "{}", text.action_zh);
}

#[test]
fn an_earlier_residence_permit_is_too_late_on_its_cell() {
    let (r, cal) = setup();
    let mut e = employee();
    e.residence_permit_expiry = Some(d(2026, 11, 20));
    let ev = evaluate(&e, d(2026, 10, 25), &r, &cal);
    assert_eq!(ev.window_state(), "too_late");
    let i = find(&ev, codes::ELIGIBILITY_TOO_LATE);
    assert_eq!(i.at.cell.as_deref(), Some("L5"));
    assert_eq!(i.get("phone"), Some("12367"));
    assert_eq!(i.get("permit_en"), Some("Residence Permit"));
}

#[test]
fn missing_dates_point_at_their_cells() {
    let (r, cal) = setup();
    let mut e = employee();
    e.work_permit_expiry = None;
    e.residence_permit_expiry = None;
    let ev = evaluate(&e, d(2026, 11, 1), &r, &cal);
    assert_eq!(ev.window_state(), "unknown");
    let i = find(&ev, codes::ELIGIBILITY_NO_WP_EXPIRY);
    assert!(i.is_error());
    assert_eq!(i.at.cell.as_deref(), Some("K5"));
    let i = find(&ev, codes::ELIGIBILITY_NO_RP_EXPIRY);
    assert!(!i.is_error());
    assert_eq!(i.at.cell.as_deref(), Some("L5"));
    assert_eq!(status(ev.eligibility.state, &ev.issues), Status::Attention);
}

#[test]
fn residence_permit_due_before_the_window_is_an_error() {
    let (r, cal) = setup();
    let mut e = employee();
    e.work_permit_expiry = Some(d(2027, 6, 30));
    e.residence_permit_expiry = Some(d(2026, 11, 20));
    let ev = evaluate(&e, d(2026, 10, 1), &r, &cal);
    assert_eq!(ev.window_state(), "not_yet");
    let i = find(&ev, codes::ELIGIBILITY_RP_FIRST);
    assert!(i.is_error());
    assert_eq!(i.get("rp_deadline"), Some("2026-10-21"));
}

#[test]
fn ages_59_and_60_for_b_c_and_a() {
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();
    e.date_of_birth = Some(d(1966, 11, 2));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.age, Some(59));
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE.as_str()));

    e.date_of_birth = Some(d(1966, 11, 1));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.age, Some(60));
    let i = find(&ev, codes::ELIGIBILITY_AGE);
    // The 2026 Shenzhen practice refuses the renewal: an error, so never ready.
    assert!(i.is_error());
    assert_eq!(i.at.cell.as_deref(), Some("F5"));
    assert!(i.get("reason_en").unwrap().contains("60"));
    assert!(i.get("route_en").unwrap().contains("category A"));
    assert!(!is_ready(ev.eligibility.state, &ev.issues));
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE_DURING_TERM.as_str()));

    // The rule's severity is data: a warning leaves the employee ready.
    let mut soft = r.clone();
    soft.data.age.severity = config::AgeSeverity::Warning;
    let ev = evaluate(&e, as_of, &soft, &cal);
    assert!(!find(&ev, codes::ELIGIBILITY_AGE).is_error());
    assert!(is_ready(ev.eligibility.state, &ev.issues));

    e.category = Some(Category::C);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert!(codes(&ev).contains(&codes::ELIGIBILITY_AGE.as_str()));
    e.category = Some(Category::A);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE.as_str()));
}

#[test]
fn category_without_list_and_unreadable_category() {
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();
    // A category without a list of its own gets the common list and one warning.
    e.category = Some(Category::B(3));
    let ev = evaluate(&e, as_of, &r, &cal);
    let i = find(&ev, codes::CATEGORY_COMMON_LIST);
    assert!(!i.is_error());
    assert_eq!(i.get("category"), Some("B3"));
    assert_eq!(i.get("wp_phone"), Some("0755-88121678"));
    assert_eq!(i.get("rp_phone"), Some("12367"));
    assert_eq!(i.at.cell.as_deref(), Some("G5"));
    let ids: Vec<&str> = ev.checklist.iter().map(|i| i.id.as_str()).collect();
    assert!(ids.contains(&"passport") && ids.contains(&"labour_contract"));
    // The tax certificate of (六) is matched when there, never required; the salary
    // certificate is written only once the category says (六).
    let tax = ev
        .checklist
        .iter()
        .find(|i| i.id == "tax_certificate")
        .unwrap();
    assert!(tax.optional() && tax.only_for == ["B6"]);
    assert!(!ids.contains(&"salary_certificate"));
    assert!(
        is_ready(ev.eligibility.state, &ev.issues),
        "{:?}",
        codes(&ev)
    );

    // The class alone: one warning naming what (六) would add, no error.
    e.category = Some(Category::B(0));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert!(!codes(&ev).contains(&codes::CATEGORY_COMMON_LIST.as_str()));
    let i = find(&ev, codes::CATEGORY_SUB_CATEGORY);
    assert!(!i.is_error());
    assert!(i.get("extra_zh").unwrap().contains("薪资证明"), "{i:?}");
    assert!(i.get("extra_en").unwrap().starts_with("B6: "), "{i:?}");
    assert!(is_ready(ev.eligibility.state, &ev.issues));

    // Without a [common] section the category is refused as before.
    let mut strict = r.clone();
    let text = Templates::builtin().get_text("checklists.toml").unwrap();
    let (head, tail) = text.split_once("\n[common]").unwrap();
    let tail = &tail[tail.find("\n[lists.").unwrap()..];
    strict.checklists = Checklists::parse(&format!("{head}{tail}")).unwrap();
    assert!(strict.checklists.common().is_none());
    e.category = Some(Category::B(3));
    let ev = evaluate(&e, as_of, &strict, &cal);
    let i = find(&ev, codes::CATEGORY_NO_LIST);
    assert!(i.is_error());
    assert!(ev.checklist.is_empty());
    assert!(!is_ready(ev.eligibility.state, &ev.issues));

    e.category = None;
    e.category_raw = Some("七".into());
    let ev = evaluate(&e, as_of, &r, &cal);
    let i = find(&ev, codes::CATEGORY_UNKNOWN);
    assert!(i.is_error());
    assert_eq!(i.get("value"), Some("七"));

    e.category = Some(Category::B(1));
    let ev = evaluate(&e, as_of, &r, &cal);
    // 8 + 3 company items + the accommodation form + the multi-year letter (term 2 years).
    assert_eq!(ev.checklist.len(), 13);
    assert_eq!(
        ev.checklist_label_zh.as_deref(),
        Some("（一）具有学士及以上学位和2年以上相关工作经历的专业人才")
    );
}

#[test]
fn terms_of_one_and_two_years_and_their_fees() {
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();
    e.years_in_china = Some(2.5);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!((ev.term_years, ev.fee_rmb), (Some(1.0), Some(800)));
    e.years_in_china = Some(3.0);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!((ev.term_years, ev.fee_rmb), (Some(2.0), Some(800)));
    // Half a year requested: 400.
    e.requested_term_years = Some(0.5);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!((ev.term_years, ev.fee_rmb), (Some(0.5), Some(400)));
    // Two years requested with 2.5 years in China: capped to 1 and explained.
    e.years_in_china = Some(2.5);
    e.requested_term_years = Some(2.0);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.term_years, Some(1.0));
    let i = find(&ev, codes::TERM_CAPPED);
    assert_eq!(i.get("requested"), Some("2"));
    assert_eq!(i.get("allowed"), Some("1"));
    assert_eq!(i.get("years_in_china"), Some("2.5"));
    assert_eq!(i.at.cell.as_deref(), Some("N5"));
}

#[test]
fn passport_caps_the_term_and_can_block_it() {
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();
    e.passport_expiry = Some(d(2027, 7, 15));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.term.months, Some(6));
    assert_eq!(ev.fee_rmb, Some(400));
    let i = find(&ev, codes::TERM_PASSPORT_CAP);
    assert_eq!(i.get("months"), Some("6"));
    assert_eq!(i.at.cell.as_deref(), Some("D5"));
    assert!(!i.is_error());

    e.passport_expiry = Some(d(2026, 12, 1));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.term_years, None);
    assert_eq!(ev.fee_rmb, None);
    assert!(find(&ev, codes::TERM_PASSPORT_TOO_SHORT).is_error());
}

#[test]
fn a_timeline_in_2027_warns_naming_the_year() {
    let (r, cal) = setup();
    let mut e = employee();
    e.work_permit_expiry = Some(d(2027, 3, 31));
    e.residence_permit_expiry = Some(d(2027, 3, 31));
    let ev = evaluate(&e, d(2027, 1, 20), &r, &cal);
    let i = find(&ev, codes::CALENDAR_NO_DATA);
    assert!(!i.is_error());
    assert_eq!(i.get("year"), Some("2027"));
    assert_eq!(
        ev.issues
            .iter()
            .filter(|i| i.code == codes::CALENDAR_NO_DATA)
            .count(),
        1
    );
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    assert!(cat.message(i, Lang::En).contains("2027"));
    // A warning only: the employee stays ready.
    assert!(is_ready(ev.eligibility.state, &ev.issues));
}

#[test]
fn details_carry_the_report_fields() {
    let ev = with_days_left(60);
    let map = ev.details();
    let elig = &map["eligibility"];
    assert_eq!(elig["state"], "open");
    assert_eq!(elig["days_left"], 60);
    assert_eq!(elig["window_opens"], "2026-10-02");
    assert_eq!(elig["deadline"], "2026-12-01");
    assert_eq!(elig["governing"], "work_permit");
    assert_eq!(map["term"]["fee_rmb"], 800);
    assert!(map["timeline"]["review_result_by"].is_string());
    assert!(map["checklist_label"].is_array());
}

#[test]
fn every_emitted_code_has_a_catalog_entry() {
    let (r, cal) = setup();
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let mut seen = BTreeSet::new();
    let mut record = |ev: Evaluation| {
        for i in ev.issues {
            seen.insert(i.code);
        }
    };
    let as_of = d(2026, 11, 1);
    let base = employee();
    type Tweak = Box<dyn Fn(&mut Employee, &mut NaiveDate)>;
    let variants: Vec<Tweak> = vec![
        Box::new(|_, a| *a = d(2026, 6, 1)),
        Box::new(|_, a| *a = d(2026, 12, 20)),
        Box::new(|_, a| *a = d(2027, 1, 5)),
        Box::new(|e, _| {
            e.work_permit_expiry = None;
            e.residence_permit_expiry = None;
        }),
        Box::new(|e, a| {
            e.work_permit_expiry = Some(d(2027, 6, 30));
            e.residence_permit_expiry = Some(d(2026, 11, 20));
            *a = d(2026, 10, 1);
        }),
        Box::new(|e, _| e.date_of_birth = Some(d(1950, 1, 1))),
        Box::new(|e, _| e.date_of_birth = Some(d(1967, 6, 15))),
        Box::new(|e, _| e.category = Some(Category::B(2))),
        Box::new(|e, _| e.category = Some(Category::B(0))),
        Box::new(|e, _| e.category = None),
        Box::new(|e, _| e.years_in_china = None),
        Box::new(|e, _| e.requested_term_years = Some(f64::NAN)),
        Box::new(|e, _| {
            e.years_in_china = Some(1.0);
            e.requested_term_years = Some(2.0);
        }),
        Box::new(|e, _| e.passport_expiry = Some(d(2027, 5, 1))),
        Box::new(|e, _| e.passport_expiry = Some(d(2026, 12, 1))),
        Box::new(|e, a| {
            e.work_permit_expiry = Some(d(2027, 2, 15));
            e.residence_permit_expiry = Some(d(2027, 2, 15));
            *a = d(2027, 1, 5);
        }),
    ];
    for v in &variants {
        let mut e = base.clone();
        let mut a = as_of;
        v(&mut e, &mut a);
        record(evaluate(&e, a, &r, &cal));
    }
    // A data file without a fee for 2 years gives term.no_fee.
    let mut no_fee = r.clone();
    no_fee.data.fee.truncate(1);
    record(evaluate(&base, as_of, &no_fee, &cal));

    let expected = [
        codes::CALENDAR_NO_DATA,
        codes::CATEGORY_COMMON_LIST,
        codes::CATEGORY_SUB_CATEGORY,
        codes::CATEGORY_UNKNOWN,
        codes::ELIGIBILITY_AGE,
        codes::ELIGIBILITY_AGE_DURING_TERM,
        codes::ELIGIBILITY_EXPIRED,
        codes::ELIGIBILITY_NO_RP_EXPIRY,
        codes::ELIGIBILITY_NO_WP_EXPIRY,
        codes::ELIGIBILITY_NOT_YET,
        codes::ELIGIBILITY_RP_FIRST,
        codes::ELIGIBILITY_TOO_LATE,
        codes::TERM_CAPPED,
        codes::TERM_INVALID_REQUEST,
        codes::TERM_NO_FEE,
        codes::TERM_PASSPORT_CAP,
        codes::TERM_PASSPORT_TOO_SHORT,
        codes::TERM_YEARS_UNKNOWN,
    ];
    let seen_codes: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(seen_codes, expected);
    for code in &seen {
        assert!(cat.contains(code), "{code} has no message");
    }
}

#[test]
fn every_message_placeholder_is_filled() {
    // Render every rules issue in both languages and check no {placeholder} survives.
    let (r, cal) = setup();
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let mut issues = Vec::new();
    let mut e = employee();
    for (as_of, tweak) in [
        (d(2026, 6, 1), 0),
        (d(2026, 12, 20), 0),
        (d(2027, 1, 5), 0),
        (d(2026, 10, 1), 1),
        (d(2026, 11, 1), 2),
    ] {
        match tweak {
            1 => {
                e.work_permit_expiry = Some(d(2027, 6, 30));
                e.residence_permit_expiry = Some(d(2026, 11, 20));
            }
            2 => {
                e.work_permit_expiry = None;
                e.residence_permit_expiry = None;
                e.category = Some(Category::B(2));
                e.date_of_birth = Some(d(1950, 1, 1));
                e.years_in_china = Some(1.0);
                e.requested_term_years = Some(2.0);
                e.passport_expiry = Some(d(2027, 5, 1));
            }
            _ => {}
        }
        issues.extend(evaluate(&e, as_of, &r, &cal).issues);
    }
    e.category = None;
    e.years_in_china = None;
    e.requested_term_years = Some(-2.0);
    e.passport_expiry = Some(d(2020, 1, 1));
    issues.extend(evaluate(&e, d(2026, 11, 1), &r, &cal).issues);
    e = employee();
    e.date_of_birth = Some(d(1967, 6, 15));
    issues.extend(evaluate(&e, d(2026, 11, 1), &r, &cal).issues);
    e = employee();
    e.work_permit_expiry = Some(d(2027, 2, 15));
    e.residence_permit_expiry = Some(d(2027, 2, 15));
    issues.extend(evaluate(&e, d(2027, 1, 5), &r, &cal).issues);
    assert!(issues.len() >= 14, "{}", issues.len());
    for i in &issues {
        let t = cat.text(i);
        for s in [&t.message, &t.message_zh, &t.action, &t.action_zh] {
            assert!(!s.is_empty(), "{} has an empty text", i.code);
            assert!(!s.contains('{'), "{}: unfilled placeholder in {s}", i.code);
        }
    }
}

#[test]
fn turning_60_during_the_term_is_a_warning() {
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();
    // 59 now; the 2-year term counted from the WP expiry (2026-12-31) ends 2028-12-31.
    e.date_of_birth = Some(d(1967, 6, 15));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.age, Some(59));
    assert_eq!(ev.term.ends, Some(d(2028, 12, 31)));
    let i = find(&ev, codes::ELIGIBILITY_AGE_DURING_TERM);
    assert!(!i.is_error());
    assert_eq!(i.get("birthday"), Some("2027-06-15"));
    assert_eq!(i.get("term_ends"), Some("2028-12-31"));
    assert_eq!(i.at.cell.as_deref(), Some("F5"));
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE.as_str()));
    assert!(is_ready(ev.eligibility.state, &ev.issues));

    // Turning 60 after the term ends: nothing to say.
    e.date_of_birth = Some(d(1969, 1, 1));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE_DURING_TERM.as_str()));
    // Category A is not under the rule.
    e.date_of_birth = Some(d(1967, 6, 15));
    e.category = Some(Category::A);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE_DURING_TERM.as_str()));
}

#[test]
fn the_age_messages_are_fully_translated() {
    let (r, cal) = setup();
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let mut e = employee();
    let mut issues = Vec::new();
    e.date_of_birth = Some(d(1964, 5, 1));
    issues.extend(evaluate(&e, d(2026, 11, 1), &r, &cal).issues);
    e.date_of_birth = Some(d(1967, 6, 15));
    issues.extend(evaluate(&e, d(2026, 11, 1), &r, &cal).issues);
    let ages: Vec<&Issue> = issues
        .iter()
        .filter(|i| i.code.starts_with("eligibility.age"))
        .collect();
    assert_eq!(ages.len(), 2);
    for i in ages {
        let t = cat.text(i);
        for zh in [&t.message_zh, &t.action_zh] {
            // No English words inside the Chinese text (category keys like B6 are fine).
            let mut run = 0;
            for c in zh.chars() {
                run = if c.is_ascii_alphabetic() { run + 1 } else { 0 };
                assert!(run < 3, "{}: English inside the Chinese text: {zh}", i.code);
            }
        }
        assert!(t.message.contains("2026"), "{}", t.message);
    }
}

#[test]
fn the_multi_year_letter_is_asked_only_for_terms_over_a_year() {
    let (r, cal) = setup();
    let mut e = employee();
    let as_of = d(2026, 11, 1);
    let ids =
        |ev: &Evaluation| -> Vec<String> { ev.checklist.iter().map(|i| i.id.clone()).collect() };
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.term_years, Some(2.0));
    assert!(ids(&ev).contains(&"multi_year_request_letter".to_string()));
    e.years_in_china = Some(1.0);
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.term_years, Some(1.0));
    assert!(!ids(&ev).contains(&"multi_year_request_letter".to_string()));
    // The accommodation form is on every list, as a warning-only original.
    let acc = ev
        .checklist
        .iter()
        .find(|i| i.id == "accommodation_registration")
        .unwrap();
    assert!(acc.may_ask && !acc.company);
    assert_eq!(acc.kind, ItemKind::Original);
    assert!(acc.source.contains("Pingshan"));
}

#[test]
fn the_age_limit_in_time_sets_the_last_day_to_file() {
    // Window: opens 2026-10-02, permits' deadline 2026-12-01 (WP expires 2026-12-31).
    let (r, cal) = setup();
    let as_of = d(2026, 11, 1);
    let mut e = employee();

    // Turns 60 on 2026-11-20, inside the window: the last day is 2026-11-19.
    e.date_of_birth = Some(d(1966, 11, 20));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.eligibility.deadline, Some(d(2026, 11, 19)));
    assert!(ev.eligibility.deadline_by_age);
    assert_eq!(ev.eligibility.days_to_deadline, Some(18));
    let i = find(&ev, codes::ELIGIBILITY_AGE_DEADLINE);
    assert!(!i.is_error());
    assert_eq!(i.get("deadline"), Some("2026-11-19"));
    assert_eq!(i.get("permit_deadline"), Some("2026-12-01"));
    assert!(!codes(&ev).contains(&codes::ELIGIBILITY_AGE_DURING_TERM.as_str()));
    // The calendar view agrees: the last-day event is the age one.
    let rc = RenewalCalendar::load(&Templates::builtin()).unwrap();
    let events = rc.events(&e, as_of);
    assert!(events.contains(&RenewalEvent {
        date: d(2026, 11, 19),
        kind: EventKind::AgeDeadline(60),
    }));
    assert!(!events.iter().any(|ev| ev.kind == EventKind::Deadline));
    // Past the day before the birthday the age check itself speaks (60 on the day).
    let ev = evaluate(&e, d(2026, 11, 20), &r, &cal);
    assert!(find(&ev, codes::ELIGIBILITY_AGE).is_error());
    assert!(!ev.eligibility.deadline_by_age);

    // Turns 60 after the permits' deadline: nothing moves.
    e.date_of_birth = Some(d(1966, 12, 2));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.eligibility.deadline, Some(d(2026, 12, 1)));
    assert!(!ev.eligibility.deadline_by_age);
    assert!(codes(&ev).contains(&codes::ELIGIBILITY_AGE_DURING_TERM.as_str()));

    // Turns 60 before the window opens: no day to file on, an error now.
    e.date_of_birth = Some(d(1966, 9, 30));
    let ev = evaluate(&e, d(2026, 8, 1), &r, &cal);
    assert_eq!(ev.eligibility.state, WindowState::NotYet);
    let i = find(&ev, codes::ELIGIBILITY_AGE_BEFORE_WINDOW);
    assert!(i.is_error());
    assert_eq!(i.get("window_opens"), Some("2026-10-02"));

    // A category the rule does not cover keeps the permits' deadline.
    e.category = Some(Category::A);
    e.date_of_birth = Some(d(1966, 11, 20));
    let ev = evaluate(&e, as_of, &r, &cal);
    assert_eq!(ev.eligibility.deadline, Some(d(2026, 12, 1)));

    // A birth month alone counts from its 1st, the earliest the birthday can be.
    e.category = Some(Category::B(6));
    e.date_of_birth = Some(d(1966, 11, 1));
    e.month_only.insert(Field::DateOfBirth);
    let ev = evaluate(&e, d(2026, 10, 15), &r, &cal);
    assert_eq!(ev.eligibility.deadline, Some(d(2026, 10, 31)));
}

//! End-to-end: `check` writes OUT/report.ics beside the other reports (parsed back with the
//! icalendar crate's parser, byte-identical on a rerun, no passport number in clear), and
//! `permitpack plan` prints the months ahead with masked passports and check's exit codes.

use crate::util::{Dir, code, stderr, stdout};
use icalendar::Component;

/// As of 2026-11-26: Anna open (deadline 2026-12-11), Bob expired, Chen not yet (window opens
/// 2027-01-10), Dana without a Work Permit expiry.
const ROSTER: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry,Annual salary\n\
Anna Nowak,EA1234567,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10,480000\n\
Bob Lee,EB7654321,USA,1990-01-01,(一),Designer,2026-11-01,2027-01-10,360000\n\
Chen Wei,EC2468013,Singapore,1958-06-30,(六),Director,2027-04-10,2027-04-10,900000\n\
Dana Cole,ED1357924,Canada,1988-08-08,(一),Analyst,,2027-06-30,300000\n";

const PASSPORTS: [&str; 4] = ["EA1234567", "EB7654321", "EC2468013", "ED1357924"];

#[test]
fn check_writes_a_calendar_that_parses_back_and_is_stable() {
    let dir = Dir::new();
    dir.write("roster.csv", ROSTER);
    let args = [
        "check",
        "roster.csv",
        "--as-of",
        "2026-11-26",
        "--out",
        "out",
    ];
    let first = dir.run(&args);
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    let bytes = dir.read("out/report.ics");
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    let again = dir.run(&args);
    assert_eq!(code(&again), 1);
    assert!(
        dir.read("out/report.ics") == bytes,
        "a rerun changed report.ics"
    );

    let cal: icalendar::Calendar = text.parse().expect("report.ics parses");
    assert_eq!(cal.property_value("METHOD"), Some("PUBLISH"));
    let events: Vec<&icalendar::Event> = cal.events().collect();
    let find = |title: &str| -> Vec<&icalendar::Event> {
        events
            .iter()
            .copied()
            .filter(|e| e.get_summary().is_some_and(|s| s.contains(title)))
            .collect()
    };
    let day = |e: &icalendar::Event| e.get_start().map(|d| d.date_naive().to_string());
    let anna_deadline = find("Last day to file: Anna Nowak");
    assert_eq!(anna_deadline.len(), 1);
    assert_eq!(day(anna_deadline[0]).as_deref(), Some("2026-12-11"));
    assert_eq!(
        anna_deadline[0]
            .get_end()
            .map(|d| d.date_naive().to_string())
            .as_deref(),
        Some("2026-12-12")
    );
    assert_eq!(anna_deadline[0].components().len(), 1, "one VALARM");
    assert_eq!(find("14 days left to file: Anna Nowak").len(), 1);
    assert_eq!(find("7 days left to file: Anna Nowak").len(), 1);
    let bob = find("Bob Lee");
    assert_eq!(bob.len(), 2, "call now + the Residence Permit expiry ahead");
    assert!(find("call the enquiry lines: Bob Lee").len() == 1);
    assert_eq!(
        day(find("call the enquiry lines: Bob Lee")[0]).as_deref(),
        Some("2026-11-26")
    );
    assert_eq!(
        day(find("Window opens: Chen Wei")[0]).as_deref(),
        Some("2027-01-10")
    );
    assert!(
        find("Window opens: Dana Cole").is_empty(),
        "no WP expiry, no window"
    );
    let uids: std::collections::BTreeSet<&str> =
        events.iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");

    let unfolded = text.replace("\r\n ", "");
    for p in PASSPORTS {
        assert!(!unfolded.contains(p), "{p} in clear in report.ics");
    }
    for private in ["480000", "480,000", "1985-02-03", "19850203"] {
        assert!(!unfolded.contains(private), "{private} in report.ics");
    }
}

#[test]
fn plan_shows_the_months_ahead_masked_with_checks_exit_codes() {
    let dir = Dir::new();
    dir.write("roster.csv", ROSTER);
    let out = dir.run(&[
        "plan",
        "roster.csv",
        "--as-of",
        "2026-11-26",
        "--months",
        "6",
        "--lang",
        "en",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "Bob is expired: {text}{}", stderr(&out));
    for p in PASSPORTS {
        assert!(!text.contains(p), "{p} in clear:\n{text}");
    }
    assert!(text.contains("EA****567"), "{text}");
    for month in [
        "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04",
    ] {
        assert!(text.lines().any(|l| l == month), "{month}:\n{text}");
    }
    assert!(!text.lines().any(|l| l == "2027-05"), "{text}");
    assert!(text.contains("12-11  Last day to file  #2"), "{text}");
    assert!(text.contains("01-10  Window opens  #4"), "{text}");
    assert!(text.contains("a permit has expired: call 0755-88121678 / 12367"));
    assert!(text.contains("no Work Permit expiry date"), "{text}");
    // Chen is 68: the age rule needs lead time; 2027 has no holiday data yet.
    assert!(text.contains("#4"), "{text}");
    assert!(text.contains("no public-holiday data for 2027"), "{text}");

    let zh = dir.run(&[
        "plan",
        "roster.csv",
        "--as-of",
        "2026-11-26",
        "--lang",
        "zh",
    ]);
    assert!(stdout(&zh).contains("最后申请日"), "{}", stdout(&zh));

    let missing = dir.run(&["plan", "nope.csv", "--lang", "en"]);
    assert_eq!(code(&missing), 2);
    assert_eq!(
        stderr(&missing).trim().lines().count(),
        1,
        "{}",
        stderr(&missing)
    );
    assert!(stdout(&missing).is_empty());
}

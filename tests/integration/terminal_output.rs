//! End-to-end (issue 13, terminal): what `build`, `check`, `photo` and `init` print. The
//! employee table fits `COLUMNS` and follows `--lang`; counts take their plural forms; only
//! passport numbers from the roster are masked, never a folder the user must find or a cell
//! that is not a passport number; a wrong folder option stops with one line and exit
//! status 2; `check --password` says the password is ignored; `init` suggests a command the
//! shell takes back and an untouched starter roster is warned about; `--shared` makes the
//! output group-readable and the end-of-run line says who can read it.

use crate::fixtures::folder;
use crate::fixtures::folder::{AS_OF, Person, standard};
use crate::report::Report;
use crate::util::{Dir, Ran, employee_at_row, stderr, stdout};
use unicode_width::UnicodeWidthStr;

/// The standard test company in `co/`.
fn company() -> Dir {
    let d = Dir::new();
    folder::write(&d.join("co"), &standard());
    d
}

fn run_at(d: &Dir, columns: usize, args: &[&str]) -> Ran {
    d.command()
        .args(args)
        .env("COLUMNS", columns.to_string())
        .run()
}

/// The table part of stdout: from the header to the last employee line.
fn table_lines(out: &str) -> Vec<&str> {
    out.lines()
        .take_while(|l| {
            !l.starts_with("名册问题")
                && !l.starts_with("Roster problems")
                && !l.starts_with("共 ")
                && !l
                    .split(' ')
                    .nth(1)
                    .is_some_and(|w| w.starts_with("employee"))
        })
        .collect()
}

#[test]
fn the_table_fits_80_and_120_columns_in_every_language() {
    let d = company();
    for columns in [80, 120] {
        for lang in ["zh", "en", "both"] {
            let out = run_at(
                &d,
                columns,
                &[
                    "check",
                    "co/roster.xlsx",
                    "--as-of",
                    AS_OF,
                    "--out",
                    "o",
                    "--lang",
                    lang,
                ],
            );
            out.assert_code(1);
            let text = stdout(&out);
            let table = table_lines(&text);
            assert!(table.len() > 7, "{text}");
            // The table, and the roster problems and counts below it (wrapped at words).
            for l in text.lines() {
                assert!(
                    l.width() <= columns,
                    "--lang {lang} at {columns}: a line of {} columns:\n{l}\n\n{text}",
                    l.width()
                );
            }
            let header = table[0];
            match lang {
                "en" => {
                    assert!(
                        header.contains("Status") && !header.contains("状态"),
                        "{text}"
                    );
                    assert!(
                        text.contains("Needs attention") && !text.contains("需要处理"),
                        "{text}"
                    );
                }
                "zh" => {
                    assert!(
                        header.contains("状态") && !header.contains("Status"),
                        "{text}"
                    );
                    assert!(
                        text.contains("需要处理") && !text.contains("Needs attention"),
                        "{text}"
                    );
                }
                _ => {
                    // Chinese header line, then the English one; each status in both.
                    assert!(
                        header.contains("状态") && table[1].contains("Status"),
                        "{text}"
                    );
                    assert!(
                        text.contains("需要处理") && text.contains("Needs attention"),
                        "{text}"
                    );
                }
            }
        }
    }
    // A wider terminal shows more of the problem.
    let narrow = stdout(&run_at(
        &d,
        80,
        &[
            "check",
            "co/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "o",
            "--lang",
            "en",
        ],
    ));
    let wide = stdout(&run_at(
        &d,
        120,
        &[
            "check",
            "co/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "o",
            "--lang",
            "en",
        ],
    ));
    let longest = |t: &str| table_lines(t).iter().map(|l| l.width()).max().unwrap_or(0);
    assert!(longest(&wide) > longest(&narrow) + 20, "{narrow}\n{wide}");
}

#[test]
fn counts_take_their_plural_form() {
    let d = Dir::new();
    folder::write(&d.join("co"), &[Person::new("Anna Nowak", "E12345678")]);
    let out = d.run(&[
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--lang",
        "en",
    ]);
    let text = stdout(&out);
    assert!(text.contains("1 employee:"), "{text}");
    assert!(text.contains("1 packet written"), "{text}");
    assert!(
        !text.contains("1 employees") && !text.contains("1 packets"),
        "{text}"
    );
    assert!(
        text.contains("0 need attention") || text.contains("1 needs attention"),
        "{text}"
    );
    let out = d.run(&[
        "check",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o2",
        "--lang",
        "en",
    ]);
    assert!(
        stdout(&out).contains("0 packets written"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn only_roster_passport_numbers_are_masked() {
    let d = company();
    // A docs folder with no employee (the user must find it), and a total row whose passport
    // cell is not a passport number.
    std::fs::create_dir_all(d.join("co/docs/EX9876543 old")).unwrap();
    std::fs::write(d.join("co/docs/EX9876543 old/passport.pdf"), b"%PDF-1.4").unwrap();
    let out = d.run(&[
        "check",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--lang",
        "en",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("EX9876543 old"),
        "the folder on disk is named in full:\n{text}"
    );
    // The roster's own passport numbers stay masked in the table.
    assert!(
        text.contains("E1****678") && !text.contains("E12345678"),
        "{text}"
    );

    // A head-count row (skipped) and a passport cell that holds no passport number: both
    // shown as written, so they can be found.
    let d = Dir::new();
    d.write(
        "r.csv",
        "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry\n\
         Anna Nowak,EA1234567,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n\
         Bob Lee,待补 TBD,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n\
         ,6人,,,,,,\n",
    );
    let out = d
        .command()
        .args([
            "check", "r.csv", "--as-of", AS_OF, "--out", "o", "--lang", "en",
        ])
        .env("COLUMNS", "200")
        .run();
    let text = out.stdout();
    out.assert_that(
        !text.contains("'**'") && !text.contains("“**”") && !text.contains("待*"),
        "no cell that is not a passport number is masked",
    );
    out.assert_that(
        text.contains("'6人'") && text.contains("'待补TBD'"),
        "the cells are shown as written",
    );
    let report = Report::read(&d, "o");
    let bob = report.employee(3);
    let messages: Vec<&str> = bob
        .issues_of("roster.bad_passport")
        .into_iter()
        .map(|i| i.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{bob:?}");
    assert!(messages[0].contains("待补TBD"), "{}", messages[0]);
}

#[test]
fn a_wrong_folder_option_stops_with_one_line() {
    let d = company();
    let mut lines = Vec::new();
    for (option, command) in [
        ("--photos", "build"),
        ("--docs", "build"),
        ("--templates", "build"),
        ("--photos", "check"),
        ("--docs", "check"),
        ("--templates", "check"),
    ] {
        let out = d.run(&[
            command,
            "co/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "o",
            "--lang",
            "en",
            option,
            "co/no such folder",
        ]);
        out.assert_code(2);
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains(option) && err.contains("no such folder"),
            "{err}"
        );
        assert!(
            !d.join("o").exists(),
            "nothing is written for a bad argument"
        );
        lines.push(err.replace(option, "OPTION"));
    }
    // The photo command's --templates says it the same way.
    let out = d.run(&[
        "photo",
        "co/photos/E12345678.jpg",
        "--lang",
        "en",
        "--templates",
        "co/no such folder",
    ]);
    out.assert_code(2);
    lines.push(stderr(&out).replace("--templates", "OPTION"));
    // Same wording everywhere, but for what is used instead.
    let start = |l: &str| l.split(" or leave").next().unwrap_or("").to_string();
    for l in &lines {
        assert_eq!(start(l), start(&lines[0]), "{lines:#?}");
    }
    // A file given as a folder.
    let out = d.run(&[
        "check",
        "co/roster.xlsx",
        "--out",
        "o",
        "--lang",
        "en",
        "--docs",
        "co/roster.xlsx",
    ]);
    out.assert_code(2);
    assert!(
        stderr(&out).contains("is a file, not a folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_says_the_password_is_ignored() {
    let d = company();
    let out = d.run(&[
        "check",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--lang",
        "en",
        "--password",
        "secret",
    ]);
    out.assert_code(1);
    assert!(stderr(&out).contains("ignored"), "{}", stderr(&out));
    let out = d
        .command()
        .args([
            "check",
            "co/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "o",
            "--lang",
            "en",
        ])
        .env("PERMITPACK_PASSWORD", "secret")
        .run();
    assert!(stderr(&out).contains("ignored"), "{}", stderr(&out));
    let out = d.run(&[
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--password",
        "pw",
    ]);
    assert!(!stderr(&out).contains("ignored"), "{}", stderr(&out));
}

#[test]
fn init_suggests_a_command_the_shell_takes_back_and_the_example_is_warned_about() {
    let d = Dir::new();
    let out = d.run(&["init", "HR files"]);
    out.assert_code(0);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("then run: "))
        .unwrap_or_else(|| panic!("{text}"));
    let command = line.split("then run: ").nth(1).unwrap().trim();
    assert_eq!(command, "permitpack check 'HR files/roster.xlsx'", "{text}");
    assert!(text.contains("--templates 'HR files/templates'"), "{text}");
    // The suggested command, as a shell runs it: the untouched example is warned about.
    let script = command.replacen("permitpack", env!("CARGO_BIN_EXE_permitpack"), 1);
    let out = d.run_command(
        std::process::Command::new("sh")
            .current_dir(d.path())
            .env("COLUMNS", "200")
            .args(["-c", &format!("{script} --lang en --out o --as-of {AS_OF}")]),
    );
    out.assert_not_code(2);
    let text = stdout(&out);
    // The example employee's own warning is in its row's problems (the report has them all).
    let report = d.report("o");
    let e = employee_at_row(&report, 3);
    assert!(
        e["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "roster.example_row"),
        "{e}"
    );
    assert!(
        text.contains("still the example of permitpack init"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn output_is_private_unless_shared() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let d = Dir::new();
    folder::write(&d.join("co"), &[Person::new("Anna Nowak", "E12345678")]);
    let out = d.run(&[
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--lang",
        "en",
    ]);
    out.assert_not_code(2);
    assert!(stdout(&out).contains("private to you"), "{}", stdout(&out));
    assert!(stdout(&out).contains("--shared"), "{}", stdout(&out));
    assert_eq!(mode(&d.join("o")), 0o700);
    assert_eq!(mode(&d.join("o/packets")), 0o700);
    assert_eq!(mode(&d.join("o/report.html")), 0o600);
    let packet = std::fs::read_dir(d.join("o/packets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(mode(&packet), 0o600);

    // The same folder, shared: the group may now enter and read.
    let out = d.run(&[
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "o",
        "--lang",
        "en",
        "--shared",
    ]);
    out.assert_not_code(2);
    assert!(
        stdout(&out).contains("readable by your group"),
        "{}",
        stdout(&out)
    );
    assert_eq!(mode(&d.join("o")), 0o750);
    assert_eq!(mode(&d.join("o/packets")), 0o750);
    for r in ["report.html", "report.json", "report.csv", "report.xlsx"] {
        assert_eq!(mode(&d.join("o").join(r)), 0o640, "{r}");
    }
    assert_eq!(mode(&packet), 0o640);
}

/// Issue 23 item 8: a `packets/` folder made before the run and open to more users than the
/// run's mode is narrowed to it, with a note on the terminal; `--shared` gives the group's
/// mode. A folder already within the mode gets no note.
#[cfg(unix)]
#[test]
fn a_packets_folder_open_to_others_is_narrowed_with_a_note() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let d = Dir::new();
    folder::write(&d.join("co"), &[Person::new("Anna Nowak", "E12345678")]);
    let packets = d.join("o/packets");
    std::fs::create_dir_all(&packets).unwrap();
    let open =
        || std::fs::set_permissions(&packets, std::fs::Permissions::from_mode(0o777)).unwrap();
    let build = |shared: bool| {
        let mut args = vec![
            "build",
            "co/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "o",
            "--lang",
            "en",
            "-q",
        ];
        if shared {
            args.push("--shared");
        }
        let out = d.run(&args);
        out.assert_not_code(2);
        out
    };
    open();
    let out = build(false);
    assert_eq!(mode(&packets), 0o700);
    let err = out.stderr();
    assert_eq!(err.matches("packets folder").count(), 1, "{err}");
    assert!(err.contains("0777") && err.contains("0700"), "{err}");
    // Already private: nothing to say.
    let out = build(false);
    assert!(!out.stderr().contains("packets folder"), "{}", out.stderr());
    open();
    let out = build(true);
    assert_eq!(mode(&packets), 0o750);
    assert!(
        out.stderr().contains("0777") && out.stderr().contains("0750"),
        "{}",
        out.stderr()
    );
    // A private run after a --shared one takes the group out again.
    let out = build(false);
    assert_eq!(mode(&packets), 0o700);
    assert!(out.stderr().contains("0750"), "{}", out.stderr());
}

//! Which spreadsheet of a folder is the roster, when a folder is given instead of a file (a
//! dropped company folder holds last year's roster beside this year's, CSV exports, other
//! sheets). [`choose`] ranks candidates given as (relative path, modification time) and says
//! why the first won; [`spreadsheets_in`] lists a folder's candidates on disk for the CLI and
//! the server.

use super::aliases::header_key;
use crate::codes;
use crate::issue::Issue;
use std::cmp::{Ordering, Reverse};
use std::fmt;
use std::path::Path;
use std::time::SystemTime;

/// Extensions a roster may have (the content decides the format).
pub const ROSTER_EXTENSIONS: [&str; 7] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "txt"];

/// Extensions of text exports, ranked after a workbook of the same standing.
const TEXT_EXTENSIONS: [&str; 2] = ["csv", "txt"];

/// Folders below the given one that are searched: a roster deeper than this is not what the
/// user meant by naming the folder (and a home folder given by mistake is not walked).
const MAX_DEPTH: usize = 4;

/// A spreadsheet that may be the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative to the folder given, `/` separators.
    pub path: String,
    /// `None` when the file system does not say.
    pub modified: Option<SystemTime>,
}

impl FileEntry {
    pub fn new(path: impl Into<String>, modified: Option<SystemTime>) -> FileEntry {
        FileEntry {
            path: path.into(),
            modified,
        }
    }

    fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    fn depth(&self) -> usize {
        self.path.matches('/').count()
    }

    fn is_text_export(&self) -> bool {
        let ext = self.name().rsplit_once('.').map(|(_, x)| x.to_lowercase());
        ext.is_some_and(|x| TEXT_EXTENSIONS.contains(&x.as_str()))
    }

    fn modified(&self) -> SystemTime {
        self.modified.unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// A date a file name carries: a year, and a month and day when given (0 when not), so
/// `2026年12月` ranks before `2026年`, which ranks before `2025年12月`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for NameDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (0, _) => write!(f, "{}", self.year),
            (m, 0) => write!(f, "{}-{m:02}", self.year),
            (m, d) => write!(f, "{}-{m:02}-{d:02}", self.year),
        }
    }
}

/// Years a file name's date may have; other digit runs are numbers, not dates.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2099;

/// The latest date in a file name (its extension left out): `2026年12月`, `2026-12`,
/// `2026.12`, `2026_12`, `202612`, `20261201`, `2026年`, `2026`, `26年`. `None` when it
/// carries none.
pub fn name_date(file_name: &str) -> Option<NameDate> {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let chars: Vec<char> = stem.chars().map(crate::text::halfwidth).collect();
    // A month or day after a separator at `i`: its value and where it ends.
    let part_after = |i: usize, seps: &[char], max: u32| -> Option<(u32, usize)> {
        let sep = *chars.get(i)?;
        if !seps.contains(&sep) || !chars.get(i + 1)?.is_ascii_digit() {
            return None;
        }
        let run = digit_run(&chars, i + 1);
        let v = (run.len() <= 2).then(|| number(run))?;
        (1..=max).contains(&v).then_some((v, i + 1 + run.len()))
    };
    let mut best: Option<NameDate> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = digit_run(&chars, i);
        let end = i + run.len();
        let found = match run.len() {
            8 => Some(NameDate {
                year: number(&run[..4]) as i32,
                month: number(&run[4..6]),
                day: number(&run[6..]),
            }),
            6 => Some(NameDate {
                year: number(&run[..4]) as i32,
                month: number(&run[4..]),
                day: 0,
            }),
            4 | 2 => {
                let year = if run.len() == 4 {
                    Some(number(run) as i32)
                } else {
                    // Two digits are a year only when 年 says so (`26年`).
                    (chars.get(end) == Some(&'年')).then(|| 2000 + number(run) as i32)
                };
                year.map(|year| {
                    let month = part_after(end, &['-', '.', '_', '/', '年', ' '], 12);
                    let day =
                        month.and_then(|(_, e)| part_after(e, &['-', '.', '_', '/', '月'], 31));
                    NameDate {
                        year,
                        month: month.map_or(0, |m| m.0),
                        day: day.map_or(0, |d| d.0),
                    }
                })
            }
            _ => None,
        };
        if let Some(d) = found.filter(valid)
            && best.is_none_or(|b| d > b)
        {
            best = Some(d);
        }
        i = end;
    }
    best
}

/// The digits starting at `i`.
fn digit_run(chars: &[char], i: usize) -> &[char] {
    let n = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    &chars[i..i + n]
}

/// The value of a run of digits (at most 8 here).
fn number(run: &[char]) -> u32 {
    run.iter()
        .fold(0u32, |n, c| n * 10 + c.to_digit(10).unwrap_or(0))
}

fn valid(d: &NameDate) -> bool {
    YEARS.contains(&d.year)
        && d.month <= 12
        && (d.day == 0
            || (d.month > 0 && chrono::NaiveDate::from_ymd_opt(d.year, d.month, d.day).is_some()))
        && (d.month > 0 || d.day == 0)
}

/// Why the first spreadsheet was chosen over the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The only spreadsheet found.
    Only,
    /// Directly in the folder, the others in sub-folders.
    Shallower,
    /// Its name says roster (`名册`, `roster`).
    Named,
    /// Its name carries the latest date.
    LaterDate,
    /// A workbook, the other a text export.
    Workbook,
    /// Modified most recently.
    Newer,
    /// Nothing else tells them apart: the first by name.
    FirstByName,
}

/// The candidates ranked, best first, and why the first won.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub ranked: Vec<FileEntry>,
    pub reason: Reason,
}

impl Choice {
    pub fn chosen(&self) -> Option<&FileEntry> {
        self.ranked.first()
    }

    /// The note saying which spreadsheet was read and why, listing the others; `None` when
    /// nothing was found. `folder` is the folder as the user gave it.
    pub fn note(&self, folder: &str) -> Option<Issue> {
        let chosen = self.chosen()?;
        let code = match self.reason {
            Reason::Only => codes::ROSTER_FILE_CHOSEN_ONLY,
            Reason::Shallower => codes::ROSTER_FILE_CHOSEN_SHALLOWER,
            Reason::Named => codes::ROSTER_FILE_CHOSEN_NAMED,
            Reason::LaterDate => codes::ROSTER_FILE_CHOSEN_DATE,
            Reason::Workbook => codes::ROSTER_FILE_CHOSEN_WORKBOOK,
            Reason::Newer => codes::ROSTER_FILE_CHOSEN_NEWER,
            Reason::FirstByName => codes::ROSTER_FILE_CHOSEN_BY_NAME,
        };
        let others: Vec<&str> = self.ranked[1..].iter().map(|f| f.path.as_str()).collect();
        let date = |f: &FileEntry| name_date(f.name()).map_or("-".into(), |d| d.to_string());
        let next = self.ranked.get(1);
        Some(
            Issue::warning(code)
                .arg("file", &chosen.path)
                .arg("folder", folder)
                .arg("date", date(chosen))
                .arg("other", next.map_or("-", |f| f.path.as_str()))
                .arg("other_date", next.map_or("-".into(), date))
                .arg("count", others.len())
                .arg("others", others.join(", "))
                .file(&chosen.path),
        )
    }
}

/// Ranks the spreadsheets of a folder, best first: the shallowest (the folder's own files
/// before a sub-folder's); then a name containing one of `roster_words` (normalised); then
/// the latest date in the name ([`name_date`]), a workbook before a text export, the newest
/// modification time, the path. A name without a date is neither older nor newer than a
/// dated one: it takes its place among them by modification time.
pub fn choose(files: Vec<FileEntry>, roster_words: &[String]) -> Choice {
    let named = |f: &FileEntry| {
        let n = header_key(f.name());
        roster_words.iter().any(|w| n.contains(w.as_str()))
    };
    let mut tiers: Vec<((usize, bool), Vec<FileEntry>)> = Vec::new();
    for f in files {
        let tier = (f.depth(), !named(&f));
        match tiers.iter_mut().find(|(t, _)| *t == tier) {
            Some((_, v)) => v.push(f),
            None => tiers.push((tier, vec![f])),
        }
    }
    tiers.sort_by_key(|(t, _)| *t);
    let mut ranked = Vec::new();
    for (_, tier) in tiers {
        ranked.extend(rank_tier(tier));
    }
    let reason = reason(&ranked, &named);
    Choice { ranked, reason }
}

/// One tier (same depth, same naming): dated names by date, undated ones by format and time,
/// merged by modification time.
fn rank_tier(tier: Vec<FileEntry>) -> Vec<FileEntry> {
    let (mut dated, mut undated): (Vec<_>, Vec<_>) = tier
        .into_iter()
        .map(|f| (name_date(f.name()), f))
        .partition(|(d, _)| d.is_some());
    let by_format_time = |a: &FileEntry, b: &FileEntry| {
        (a.is_text_export(), Reverse(a.modified()), &a.path).cmp(&(
            b.is_text_export(),
            Reverse(b.modified()),
            &b.path,
        ))
    };
    dated.sort_by(|(da, a), (db, b)| db.cmp(da).then_with(|| by_format_time(a, b)));
    undated.sort_by(|(_, a), (_, b)| by_format_time(a, b));
    let mut out = Vec::new();
    let (mut d, mut u) = (dated.into_iter().peekable(), undated.into_iter().peekable());
    loop {
        let take_dated = match (d.peek(), u.peek()) {
            (Some((_, a)), Some((_, b))) => a.modified() >= b.modified(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_dated { d.next() } else { u.next() };
        out.extend(next.map(|(_, f)| f));
    }
    out
}

/// The first criterion that put `ranked[0]` before `ranked[1]`.
fn reason(ranked: &[FileEntry], named: &dyn Fn(&FileEntry) -> bool) -> Reason {
    let [a, b, ..] = ranked else {
        return Reason::Only;
    };
    if a.depth() != b.depth() {
        return Reason::Shallower;
    }
    if named(a) != named(b) {
        return Reason::Named;
    }
    let (da, db) = (name_date(a.name()), name_date(b.name()));
    match (da, db) {
        (Some(x), Some(y)) if x != y => return Reason::LaterDate,
        (Some(_), None) | (None, Some(_)) => {
            return match a.modified().cmp(&b.modified()) {
                Ordering::Equal => Reason::LaterDate,
                _ => Reason::Newer,
            };
        }
        _ => {}
    }
    if a.is_text_export() != b.is_text_export() {
        Reason::Workbook
    } else if a.modified() != b.modified() {
        Reason::Newer
    } else {
        Reason::FirstByName
    }
}

/// The spreadsheets under `dir` that may be the roster (by extension), outside `photos/` and
/// `docs/`, at most [`MAX_DEPTH`] folders down. Excel's lock files (`~$roster.xlsx`), hidden
/// files and links are never the roster. In no particular order: [`choose`] ranks them.
pub fn spreadsheets_in(dir: &Path) -> Vec<FileEntry> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let lower = name.to_lowercase();
                    // permitpack's own output folder (marked by `.permitpack/`) holds its
                    // reports, never the roster.
                    let output = e.path().join(".permitpack").is_dir();
                    if lower != "photos"
                        && lower != "docs"
                        && !output
                        && path.matches('/').count() < MAX_DEPTH
                    {
                        stack.push((e.path(), path));
                    }
                }
                Ok(t) if t.is_file() => {
                    let ext = name.rsplit_once('.').map(|(_, x)| x.to_lowercase());
                    if ext.is_some_and(|x| ROSTER_EXTENSIONS.contains(&x.as_str())) {
                        let modified = e.metadata().and_then(|m| m.modified()).ok();
                        found.push(FileEntry::new(path, modified));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn words() -> Vec<String> {
        ["roster", "名册", "员工信息"]
            .iter()
            .map(|w| header_key(w))
            .collect()
    }

    /// A file modified `secs` seconds after the epoch.
    fn at(path: &str, secs: u64) -> FileEntry {
        FileEntry::new(
            path,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)),
        )
    }

    fn order(c: &Choice) -> Vec<&str> {
        c.ranked.iter().map(|f| f.path.as_str()).collect()
    }

    fn d(year: i32, month: u32, day: u32) -> Option<NameDate> {
        Some(NameDate { year, month, day })
    }

    #[test]
    fn dates_in_file_names() {
        for (name, want) in [
            ("2026年12月外籍员工名册.xlsx", d(2026, 12, 0)),
            ("外籍员工名册2026年.xlsx", d(2026, 0, 0)),
            ("roster-2026-12.xlsx", d(2026, 12, 0)),
            ("roster 2026.12.xlsx", d(2026, 12, 0)),
            ("名册202612.xlsx", d(2026, 12, 0)),
            ("名册_2026_12.xlsx", d(2026, 12, 0)),
            ("名册26年.xlsx", d(2026, 0, 0)),
            ("名册（26年3月）.xlsx", d(2026, 3, 0)),
            ("roster_20261201.xlsx", d(2026, 12, 1)),
            ("名册2026年12月1日.xlsx", d(2026, 12, 1)),
            ("名册２０２６年.xlsx", d(2026, 0, 0)),
            ("2025-2026 roster.xlsx", d(2026, 0, 0)),
            ("2026.xlsx", d(2026, 0, 0)),
            ("roster.xlsx", None),
            ("roster (1).xlsx", None),
            ("roster v2.xlsx", None),
            ("电话13800138000.xlsx", None),
            ("名册202613.xlsx", None),
            ("名册20261332.xlsx", None),
            ("12月名册.xlsx", None),
            ("1899名册.xlsx", None),
        ] {
            assert_eq!(name_date(name), want, "{name}");
        }
        assert!(d(2026, 12, 0) > d(2026, 0, 0));
        assert!(d(2026, 0, 0) > d(2025, 12, 31));
        assert_eq!(d(2026, 12, 0).unwrap().to_string(), "2026-12");
    }

    #[test]
    fn the_latest_date_wins_then_the_newest_file() {
        let c = choose(
            vec![
                at("2026年12月名册.xlsx", 10),
                at("2025年名册.xlsx", 50),
                at("2026年名册.xlsx", 20),
            ],
            &words(),
        );
        assert_eq!(
            order(&c),
            ["2026年12月名册.xlsx", "2026年名册.xlsx", "2025年名册.xlsx"]
        );
        assert_eq!(c.reason, Reason::LaterDate);
        let c = choose(
            vec![at("roster-2025.xlsx", 50), at("roster-2026-12.xlsx", 10)],
            &words(),
        );
        assert_eq!(order(&c)[0], "roster-2026-12.xlsx");
        // Same date: the newer file.
        let c = choose(
            vec![at("名册2026.xlsx", 10), at("名册2026 (1).xlsx", 20)],
            &words(),
        );
        assert_eq!(order(&c), ["名册2026 (1).xlsx", "名册2026.xlsx"]);
        assert_eq!(c.reason, Reason::Newer);
    }

    #[test]
    fn an_undated_name_is_placed_by_its_modification_time() {
        // The live roster.xlsx, edited after last year's archive was made: read.
        let c = choose(
            vec![at("2025年名册.xlsx", 10), at("roster.xlsx", 20)],
            &words(),
        );
        assert_eq!(order(&c), ["roster.xlsx", "2025年名册.xlsx"]);
        assert_eq!(c.reason, Reason::Newer);
        // An untouched old roster.xlsx beside this year's dated one: the dated one.
        let c = choose(
            vec![
                at("roster.xlsx", 5),
                at("2025年名册.xlsx", 10),
                at("2026年12月名册.xlsx", 20),
            ],
            &words(),
        );
        assert_eq!(
            order(&c),
            ["2026年12月名册.xlsx", "2025年名册.xlsx", "roster.xlsx"]
        );
        assert_eq!(c.reason, Reason::LaterDate);
    }

    #[test]
    fn depth_and_name_come_before_dates_and_a_workbook_before_its_export() {
        let c = choose(
            vec![
                at("company/old/2027名册.xlsx", 90),
                at("company/工资表2027.xlsx", 80),
                at("company/roster_gbk.csv", 70),
                at("company/roster.xlsx", 10),
            ],
            &words(),
        );
        assert_eq!(
            order(&c),
            [
                "company/roster.xlsx",
                "company/roster_gbk.csv",
                "company/工资表2027.xlsx",
                "company/old/2027名册.xlsx"
            ]
        );
        assert_eq!(c.reason, Reason::Workbook);
        let c = choose(vec![at("a/名册.xlsx", 1), at("a/b/名册.xlsx", 2)], &words());
        assert_eq!(c.reason, Reason::Shallower);
        let c = choose(vec![at("list.xlsx", 9), at("名册.xlsx", 1)], &words());
        assert_eq!((order(&c)[0], c.reason), ("名册.xlsx", Reason::Named));
        let c = choose(vec![at("b.xlsx", 1), at("a.xlsx", 1)], &words());
        assert_eq!((order(&c)[0], c.reason), ("a.xlsx", Reason::FirstByName));
        let c = choose(vec![at("a.xlsx", 1)], &words());
        assert_eq!(c.reason, Reason::Only);
        assert!(choose(Vec::new(), &words()).chosen().is_none());
    }

    #[test]
    fn the_note_names_the_file_the_reason_and_the_others() {
        let c = choose(
            vec![at("2025年名册.xlsx", 50), at("2026年12月名册.xlsx", 10)],
            &words(),
        );
        let n = c.note("company").unwrap();
        assert_eq!(n.code, codes::ROSTER_FILE_CHOSEN_DATE);
        assert_eq!(n.get("file"), Some("2026年12月名册.xlsx"));
        assert_eq!(n.get("date"), Some("2026-12"));
        assert_eq!(n.get("others"), Some("2025年名册.xlsx"));
        assert_eq!(n.get("other_date"), Some("2025"));
        assert!(choose(Vec::new(), &words()).note("x").is_none());
    }

    #[test]
    fn the_folder_walk_skips_photos_docs_locks_outputs_and_depth() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "名册.xlsx",
            "~$名册.xlsx",
            ".hidden.xlsx",
            "photos/p.csv",
            "Docs/E1/x.xlsx",
            "notes.pdf",
            "a/b/c/d/deep.xlsx",
            "a/b/c/d/e/too_deep.xlsx",
            // An earlier run's output folder inside the company folder.
            "out/report.xlsx",
            "out/report.csv",
            "out/.permitpack/packets.json",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let mut found: Vec<String> = spreadsheets_in(d).into_iter().map(|f| f.path).collect();
        found.sort();
        assert_eq!(found, ["a/b/c/d/deep.xlsx", "名册.xlsx"]);
        assert!(spreadsheets_in(d).iter().all(|f| f.modified.is_some()));
    }
}

//! Whose file or folder this is: the one rule photos and scans share. Given the roster's
//! employees (passport number, name, Chinese name) and a name as HR wrote it, says which
//! employee owns it and how that was seen (passport number, number and name, name, part of
//! the name, Chinese name), that two or more could own it, or that nobody does (with the
//! closest employee, by a normalised edit distance). What follows the owner part of a flat
//! file's name (`Maria Garcia_passport.pdf`, `张伟 护照.jpg`, `E12345678_合同.pdf`) is its
//! document part, matched against the checklist.
//!
//! Names are compared after NFKD with accents stripped and case folded, as tokens split on
//! anything that is not a letter or digit and between Chinese and Latin script; a name's
//! tokens are compared as a set, so `García María`, `GARCIA_Maria` and `Maria GARCIA` are all
//! `Maria Garcia`. A short leading number (`03 张伟`) is an index, not part of the name.

use crate::issue::Issue;
use crate::model::Employee;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How an owner was recognised, surest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// The passport number, alone or followed by something else than the name.
    Passport,
    /// The passport number followed by the employee's name.
    PassportAndName,
    /// Every word of the name, in any order.
    Name,
    /// Some words of the name only (a surname), and no other employee has them.
    PartialName,
    /// The Chinese name.
    ChineseName,
}

impl How {
    /// Whether the match rests on a name rather than the passport number, so the user is
    /// told what was matched.
    pub fn by_name(self) -> bool {
        matches!(self, How::Name | How::PartialName | How::ChineseName)
    }

    /// Words for messages.
    pub fn label_en(self) -> &'static str {
        match self {
            How::Passport => "passport number",
            How::PassportAndName => "passport number and name",
            How::Name => "name",
            How::PartialName => "part of the name",
            How::ChineseName => "Chinese name",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            How::Passport => "护照号",
            How::PassportAndName => "护照号和姓名",
            How::Name => "姓名",
            How::PartialName => "部分姓名",
            How::ChineseName => "中文名",
        }
    }
}

/// Who owns a name. Owners are indexes into [`Owners`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    One {
        who: usize,
        how: How,
    },
    /// Two or more employees fit equally well: no guess is made.
    Several(Vec<usize>),
    /// Nobody; the closest employee when one is near enough to be a likely typo.
    Nobody {
        closest: Option<usize>,
    },
}

/// An owner and the rest of the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub owner: Owner,
    /// The words after (or before) the owner part, joined by `_`: the document part of a
    /// flat file's name. Empty when the name was only the owner.
    pub rest: String,
}

/// One owner: the employees of the roster that share a passport number are one.
#[derive(Debug, Clone)]
pub struct Person {
    /// [`owner_key`] of the employees.
    pub key: String,
    /// The passport number as in the roster.
    pub passport: Option<String>,
    /// The name to show: the Latin name, the Chinese name, or both.
    pub shown: String,
    /// The passport number's folded words (one, unless it was typed with a separator).
    passport_toks: Vec<String>,
    /// Each name's folded words, sorted, without repeats.
    names: Vec<Vec<String>>,
    /// Each Chinese name's folded text without separators.
    chinese: Vec<String>,
}

/// The key an employee is owned by: the passport number as folders are compared (NFKC,
/// upper case), or the sheet and row when there is none.
pub fn owner_key(e: &Employee) -> String {
    match e.passport_no.as_deref().map(passport_key) {
        Some(k) if !k.is_empty() => k,
        _ => format!("\u{0}{}!{}", e.sheet, e.row),
    }
}

/// An employee as messages name them: the Latin name, the Chinese name, or both.
pub fn shown_name(e: &Employee) -> String {
    let name = e.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let chinese = e
        .chinese_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match (name, chinese) {
        (Some(n), Some(c)) if n != c => format!("{n} {c}"),
        (Some(n), _) => n.to_string(),
        (None, Some(c)) => c.to_string(),
        (None, None) => format!("{} row {}", e.sheet, e.row),
    }
}

/// A passport number or folder name as compared: NFKC, trimmed, upper case.
pub fn passport_key(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_uppercase()
}

/// The employees a name can belong to.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    people: Vec<Person>,
}

/// How much of a name one person's name took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Took {
    /// Whole tokens used.
    tokens: usize,
    /// Characters of the last token after the owner part (a Chinese name run into the
    /// document: `张伟护照`), counted from its start; 0 when whole tokens were used.
    split: usize,
    /// Folded characters matched.
    chars: usize,
    /// Every word of a name was there (or the whole Chinese name).
    full: bool,
    how: How,
}

impl Owners {
    /// The owners of `employees`, in roster order.
    pub fn new<'a>(employees: impl IntoIterator<Item = &'a Employee>) -> Owners {
        let mut people: Vec<Person> = Vec::new();
        for e in employees {
            let key = owner_key(e);
            let names: Vec<Vec<String>> = e
                .name
                .iter()
                .map(|n| {
                    let mut t = tokens(n);
                    t.sort();
                    t.dedup();
                    t
                })
                .filter(|t| !t.is_empty())
                .collect();
            let chinese: Vec<String> = e
                .chinese_name
                .iter()
                .map(|n| tokens(n).concat())
                .filter(|c| !c.is_empty())
                .collect();
            if let Some(p) = people.iter_mut().find(|p| p.key == key) {
                p.names.extend(names);
                p.chinese.extend(chinese);
                continue;
            }
            let shown = shown_name(e);
            let passport = e
                .passport_no
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string);
            people.push(Person {
                key,
                passport_toks: passport.as_deref().map(tokens).unwrap_or_default(),
                passport,
                shown,
                names,
                chinese,
            });
        }
        Owners { people }
    }

    pub fn person(&self, who: usize) -> &Person {
        &self.people[who]
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The owner with this [`owner_key`].
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.people.iter().position(|p| p.key == key)
    }

    /// The arguments every "two employees could own this" warning carries: `names` and
    /// `names_zh` (the names joined for each language) and `choices` (name and passport
    /// number of each, for the fix texts of the private reports).
    pub fn ambiguity_args(&self, who: &[usize], issue: Issue) -> Issue {
        let people: Vec<&Person> = who.iter().map(|w| self.person(*w)).collect();
        let names = |sep: &str| {
            people
                .iter()
                .map(|p| p.shown.as_str())
                .collect::<Vec<_>>()
                .join(sep)
        };
        let choices = people
            .iter()
            .map(|p| format!("{} {}", p.shown, p.passport.as_deref().unwrap_or("—")))
            .collect::<Vec<_>>()
            .join("; ");
        issue
            .arg("names", names(", "))
            .arg("names_zh", names("、"))
            .arg("choices", choices)
    }

    /// Whose a file or folder name is (for a file, give the name without its extension).
    pub fn resolve(&self, name: &str) -> Resolved {
        let toks = tokens(name);
        if toks.is_empty() {
            return Resolved {
                owner: Owner::Nobody { closest: None },
                rest: String::new(),
            };
        }
        let start = usize::from(
            toks.len() > 1 && is_index(&toks[0]) && self.passport_at(&toks, false).is_none(),
        );
        let toks = &toks[start..];
        if let Some(r) = self
            .passport_first(toks)
            .or_else(|| self.passport_last(toks))
        {
            return r;
        }
        if let Some(r) = self.name_at_start(toks) {
            return r;
        }
        // `护照_Maria Garcia`: the owner at the end.
        let reversed: Vec<String> = toks.iter().rev().cloned().collect();
        if let Some(mut r) = self.name_at_start(&reversed)
            && !r.rest.is_empty()
        {
            let mut rest: Vec<&str> = r.rest.split('_').collect();
            rest.reverse();
            r.rest = rest.join("_");
            return r;
        }
        Resolved {
            owner: Owner::Nobody {
                closest: self.closest(toks),
            },
            rest: toks.join("_"),
        }
    }

    /// [`Self::resolve`] for a folder or a photo, whose whole name is the owner's: part of a
    /// name followed by other words (`Maria Lopez` when only María García is on the roster)
    /// is nobody's, with that employee as the closest. Numbers after it (`Dubois 2025`) do
    /// not count.
    pub fn resolve_whole(&self, name: &str) -> Resolved {
        let r = self.resolve(name);
        let other_words = r
            .rest
            .split('_')
            .any(|t| !t.is_empty() && !t.chars().all(|c| c.is_ascii_digit()));
        match r.owner {
            Owner::One {
                who,
                how: How::PartialName,
            } if other_words => Resolved {
                owner: Owner::Nobody { closest: Some(who) },
                rest: r.rest,
            },
            _ => r,
        }
    }

    /// The employee whose passport number `toks` starts (or, with `at_end`, ends) with, and
    /// how many tokens it took; the longest number wins.
    fn passport_at(&self, toks: &[String], at_end: bool) -> Option<(usize, usize)> {
        self.people
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                !p.passport_toks.is_empty()
                    && if at_end {
                        toks.ends_with(&p.passport_toks)
                    } else {
                        toks.starts_with(&p.passport_toks)
                    }
            })
            .map(|(i, p)| (i, p.passport_toks.len()))
            .max_by_key(|(i, n)| (*n, std::cmp::Reverse(*i)))
    }

    /// The passport number first, then perhaps the same employee's name, then the rest.
    fn passport_first(&self, toks: &[String]) -> Option<Resolved> {
        let (who, n) = self.passport_at(toks, false)?;
        let after = &toks[n..];
        let (used, how) = match self.people[who].take(after) {
            Some(t) => (Some(t), How::PassportAndName),
            None => (None, How::Passport),
        };
        Some(Resolved {
            owner: Owner::One { who, how },
            rest: rest_after(after, used),
        })
    }

    /// `合同_E12345678`: the passport number last.
    fn passport_last(&self, toks: &[String]) -> Option<Resolved> {
        let (who, n) = self.passport_at(toks, true)?;
        let before = &toks[..toks.len() - n];
        if before.is_empty() {
            return None;
        }
        Some(Resolved {
            owner: Owner::One {
                who,
                how: How::Passport,
            },
            rest: before.join("_"),
        })
    }

    /// The employees whose name the tokens start with; the most characters matched wins,
    /// then a full name over a part of one; a tie is several owners.
    fn name_at_start(&self, toks: &[String]) -> Option<Resolved> {
        let mut best: Option<(Took, Vec<usize>)> = None;
        for (i, p) in self.people.iter().enumerate() {
            let Some(t) = p.take(toks) else { continue };
            let score = (t.chars, t.full);
            match &mut best {
                Some((b, who)) if (b.chars, b.full) == score => who.push(i),
                Some((b, _)) if (b.chars, b.full) > score => {}
                _ => best = Some((t, vec![i])),
            }
        }
        let (took, who) = best?;
        let rest = rest_after(toks, Some(took));
        let owner = if who.len() == 1 {
            Owner::One {
                who: who[0],
                how: took.how,
            }
        } else {
            Owner::Several(who)
        };
        Some(Resolved { owner, rest })
    }

    /// The employee nearest to a name that fits nobody: edit distance over the longer
    /// length, against the sorted words of the name, the Chinese name and the passport
    /// number, for the first one to four words. Only a near one (a typo) is named.
    fn closest(&self, toks: &[String]) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (i, p) in self.people.iter().enumerate() {
            let mut d = f64::MAX;
            for k in 1..=toks.len().min(4) {
                let head = &toks[..k];
                let mut sorted: Vec<&str> = head.iter().map(String::as_str).collect();
                sorted.sort();
                let words = sorted.join(" ");
                for n in &p.names {
                    d = d.min(distance(&words, &n.join(" ")));
                    if k == 1 {
                        // A misspelt surname alone.
                        for w in n.iter().filter(|w| w.chars().count() >= 4) {
                            d = d.min(distance(&words, w));
                        }
                    }
                }
                let joined = head.concat();
                for c in &p.chinese {
                    // One wrong character of a two-character name is near enough.
                    d = d.min(distance(&joined, c) * 0.75);
                }
            }
            if !p.passport_toks.is_empty() {
                let k = p.passport_toks.len().min(toks.len());
                d = d.min(distance(&toks[..k].concat(), &p.passport_toks.concat()));
            }
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, i));
            }
        }
        best.filter(|(d, _)| *d <= 0.4).map(|(_, i)| i)
    }
}

impl Person {
    /// The folded words of the person's names.
    fn has_word(&self, t: &str) -> bool {
        self.names.iter().any(|n| n.iter().any(|w| w == t))
    }

    /// How much of `toks`, from the start, is this person's name: Latin words in any order,
    /// the Chinese name, or both (`Zhang Wei 张伟`).
    fn take(&self, toks: &[String]) -> Option<Took> {
        let latin = self.take_latin(toks, 0);
        let chinese = self.take_chinese(toks, 0);
        let both = match (latin, chinese) {
            (Some(l), None) if l.split == 0 => self.take_chinese(toks, l.tokens).map(|c| Took {
                chars: l.chars + c.chars,
                full: true,
                how: How::Name,
                ..c
            }),
            (None, Some(c)) if c.split == 0 => self.take_latin(toks, c.tokens).map(|l| Took {
                chars: l.chars + c.chars,
                full: true,
                how: How::Name,
                ..l
            }),
            _ => None,
        };
        [both, latin, chinese]
            .into_iter()
            .flatten()
            .max_by_key(|t| (t.chars, t.full))
    }

    fn take_latin(&self, toks: &[String], from: usize) -> Option<Took> {
        let mut used: Vec<&str> = Vec::new();
        for t in &toks[from..] {
            if !self.has_word(t) || used.contains(&t.as_str()) {
                break;
            }
            used.push(t);
        }
        let chars: usize = used.iter().map(|t| t.chars().count()).sum();
        // A lone initial is not a name.
        if used.is_empty() || used.iter().all(|t| t.chars().count() < 2) {
            return None;
        }
        let full = self
            .names
            .iter()
            .any(|n| n.len() == used.len() && n.iter().all(|w| used.contains(&w.as_str())));
        Some(Took {
            tokens: from + used.len(),
            split: 0,
            chars,
            full,
            how: if full { How::Name } else { How::PartialName },
        })
    }

    fn take_chinese(&self, toks: &[String], from: usize) -> Option<Took> {
        let mut best = None;
        for c in &self.chinese {
            let want = c.chars().count();
            let mut seen = String::new();
            for (k, t) in toks[from..].iter().enumerate() {
                let before = seen.chars().count();
                seen.push_str(t);
                if seen == *c {
                    best = best.max(Some((want, from + k + 1, 0)));
                    break;
                }
                let now = seen.chars().count();
                if now > want {
                    // Run into the document (`张伟护照`): the rest must be a word, not one
                    // more character of a longer name (`张伟明`).
                    if seen.starts_with(c.as_str()) && now - want >= 2 {
                        best = best.max(Some((want, from + k, want - before)));
                    }
                    break;
                }
            }
        }
        best.map(|(chars, tokens, split)| Took {
            tokens,
            split,
            chars,
            full: true,
            how: How::ChineseName,
        })
    }
}

/// What is left of `toks` after the owner part.
fn rest_after(toks: &[String], used: Option<Took>) -> String {
    let Some(t) = used else {
        return toks.join("_");
    };
    let mut rest: Vec<String> = Vec::new();
    if t.split > 0
        && let Some(tok) = toks.get(t.tokens)
    {
        rest.push(tok.chars().skip(t.split).collect());
        rest.extend(toks[t.tokens + 1..].iter().cloned());
    } else {
        rest.extend(toks[t.tokens.min(toks.len())..].iter().cloned());
    }
    rest.join("_")
}

/// NFKD, accents stripped, lower case.
fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Chinese characters, kana and hangul syllables: a name in them is written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The folded words of a name: runs of letters and digits, split where the script changes
/// between Chinese and the rest (`E12345678张伟`).
pub fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_cjk = false;
    for c in fold(s).chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let cjk = is_cjk(c);
        if !cur.is_empty() && cjk != cur_cjk {
            out.push(std::mem::take(&mut cur));
        }
        cur_cjk = cjk;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A short number before a name (`03 张伟`, `1. Maria`): a list index.
fn is_index(t: &str) -> bool {
    !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Levenshtein distance over the longer length, in characters: 0 same, 1 nothing alike.
fn distance(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()] as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emp(passport: &str, name: &str, chinese: &str) -> Employee {
        Employee {
            sheet: "员工".into(),
            row: 2,
            passport_no: Some(passport.into()),
            name: (!name.is_empty()).then(|| name.into()),
            chinese_name: (!chinese.is_empty()).then(|| chinese.into()),
            ..Default::default()
        }
    }

    fn staff() -> Vec<Employee> {
        vec![
            emp("P1234567", "María García", ""),
            emp("E12345678", "Zhang Wei", "张伟"),
            emp("TK4829173", "Tanaka Kenji", "田中健二"),
            emp("G1111111", "Jean Dubois", ""),
            emp("W1000001", "Wang Lei", "王磊"),
            emp("W1000002", "Wang Fang", "王芳"),
            emp("AB-123456", "Amir Badawi", ""),
        ]
    }

    /// (name, owner's name or "" for nobody or "A|B" for several, how, rest)
    #[test]
    fn the_owner_rule_table() {
        let staff = staff();
        let owners = Owners::new(&staff);
        let shown = |i: usize| owners.person(i).shown.clone();
        let cases: &[(&str, &str, Option<How>, &str)] = &[
            ("Maria GARCIA", "María García", Some(How::Name), ""),
            ("García María", "María García", Some(How::Name), ""),
            ("GARCIA_Maria", "María García", Some(How::Name), ""),
            ("maria garcia", "María García", Some(How::Name), ""),
            ("03 张伟", "Zhang Wei 张伟", Some(How::ChineseName), ""),
            ("张伟", "Zhang Wei 张伟", Some(How::ChineseName), ""),
            (
                "E12345678 张伟",
                "Zhang Wei 张伟",
                Some(How::PassportAndName),
                "",
            ),
            ("e12345678", "Zhang Wei 张伟", Some(How::Passport), ""),
            (
                "ＡＢ-123456 scans",
                "Amir Badawi",
                Some(How::Passport),
                "scans",
            ),
            ("03 E12345678", "Zhang Wei 张伟", Some(How::Passport), ""),
            (
                "E12345678_合同",
                "Zhang Wei 张伟",
                Some(How::Passport),
                "合同",
            ),
            (
                "TK4829173 Tanaka",
                "Tanaka Kenji 田中健二",
                Some(How::PassportAndName),
                "",
            ),
            (
                "Maria Garcia_passport",
                "María García",
                Some(How::Name),
                "passport",
            ),
            (
                "张伟 护照",
                "Zhang Wei 张伟",
                Some(How::ChineseName),
                "护照",
            ),
            ("张伟护照", "Zhang Wei 张伟", Some(How::ChineseName), "护照"),
            (
                "Zhang Wei 张伟 居留许可",
                "Zhang Wei 张伟",
                Some(How::Name),
                "居留许可",
            ),
            (
                "Dubois_passport",
                "Jean Dubois",
                Some(How::PartialName),
                "passport",
            ),
            ("护照_Maria Garcia", "María García", Some(How::Name), "护照"),
            (
                "合同_E12345678",
                "Zhang Wei 张伟",
                Some(How::Passport),
                "合同",
            ),
            ("01. Wang Lei", "Wang Lei 王磊", Some(How::Name), ""),
            ("Wang", "Wang Lei 王磊|Wang Fang 王芳", None, ""),
            (
                "Wang_passport",
                "Wang Lei 王磊|Wang Fang 王芳",
                None,
                "passport",
            ),
            ("Mario Garsia", "", None, "mario_garsia"),
            ("张伟明", "", None, "张伟明"),
            ("Scan0001", "", None, "scan0001"),
            ("", "", None, ""),
        ];
        let mut wrong = Vec::new();
        for (name, want, how, rest) in cases {
            let r = owners.resolve(name);
            let (got, got_how) = match &r.owner {
                Owner::One { who, how } => (shown(*who), Some(*how)),
                Owner::Several(who) => (
                    who.iter().map(|w| shown(*w)).collect::<Vec<_>>().join("|"),
                    None,
                ),
                Owner::Nobody { .. } => (String::new(), None),
            };
            if (got.as_str(), got_how, r.rest.as_str()) != (*want, *how, *rest) {
                wrong.push(format!(
                    "{name:?}: got {got:?} {got_how:?} rest {:?}, want {want:?} {how:?} rest {rest:?}",
                    r.rest
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn nobody_names_the_closest_employee_only_when_near() {
        let staff = staff();
        let owners = Owners::new(&staff);
        let closest = |name: &str| match owners.resolve(name).owner {
            Owner::Nobody { closest } => closest.map(|i| owners.person(i).shown.clone()),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(closest("Mario Garsia").as_deref(), Some("María García"));
        assert_eq!(closest("Garsia").as_deref(), Some("María García"));
        assert_eq!(closest("E12345679").as_deref(), Some("Zhang Wei 张伟"));
        assert_eq!(closest("张玮").as_deref(), Some("Zhang Wei 张伟"));
        assert_eq!(closest("old scans 2024"), None);
        assert_eq!(
            Owners::default().resolve("x").owner,
            Owner::Nobody { closest: None }
        );
    }

    #[test]
    fn a_whole_name_is_not_part_of_a_name_and_other_words() {
        let staff = staff();
        let owners = Owners::new(&staff);
        let shown = |r: Resolved| match r.owner {
            Owner::One { who, .. } => format!("one {}", owners.person(who).shown),
            Owner::Nobody { closest } => format!(
                "nobody, closest {}",
                closest.map_or("-".into(), |i| owners.person(i).shown.clone())
            ),
            Owner::Several(_) => "several".into(),
        };
        assert_eq!(shown(owners.resolve_whole("Dubois")), "one Jean Dubois");
        assert_eq!(
            shown(owners.resolve_whole("Dubois 2025")),
            "one Jean Dubois"
        );
        assert_eq!(
            shown(owners.resolve_whole("Jean Dupont")),
            "nobody, closest Jean Dubois"
        );
        assert_eq!(
            shown(owners.resolve_whole("Maria GARCIA old")),
            "one María García"
        );
        // A loose file's rest is its document.
        assert_eq!(shown(owners.resolve("Jean Dupont")), "one Jean Dubois");
    }

    #[test]
    fn one_passport_on_two_rows_is_one_owner() {
        let mut staff = staff();
        staff.push(emp("e12345678", "Zhang Wei", ""));
        let owners = Owners::new(&staff);
        assert_eq!(owners.len(), 7);
        assert!(matches!(
            owners.resolve("Zhang Wei").owner,
            Owner::One { how: How::Name, .. }
        ));
        // Without a passport number the row is its own owner.
        let mut e = emp("", "Ana Lima", "");
        e.passport_no = None;
        e.row = 9;
        let key = owner_key(&e);
        let owners = Owners::new([&e]);
        assert_eq!(owners.index_of(&key), Some(0));
        assert!(matches!(
            owners.resolve("LIMA Ana").owner,
            Owner::One {
                who: 0,
                how: How::Name
            }
        ));
    }

    #[test]
    fn tokens_fold_accents_width_and_scripts() {
        assert_eq!(tokens("García_MARÍA-03"), ["garcia", "maria", "03"]);
        assert_eq!(tokens("Ｅ１２３４５６７８张伟"), ["e12345678", "张伟"]);
        assert_eq!(tokens("Renée  Dubois (2)"), ["renee", "dubois", "2"]);
        assert_eq!(distance("abc", "abc"), 0.0);
        assert!((distance("garcia", "garsia") - 1.0 / 6.0).abs() < 1e-9);
    }
}

//! Names as the passport's machine-readable zone writes them (ICAO Doc 9303 part 3): the
//! transliteration to plain A-Z, and the split of a roster name into surname and given names.
//! The letter table is data (`templates/platform_form.toml` `[mrz.letters]`); accents not in
//! it are dropped by Unicode decomposition.

use crate::model::Employee;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// A name in MRZ letters: upper-case A-Z and single spaces, plus the characters that have no
/// A-Z form (another script, digits), which are left out of `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ascii {
    pub text: String,
    pub unmapped: Vec<char>,
}

/// Transliterates `name` with the `letters` table (upper-case letter -> its MRZ letters):
/// hyphens, commas and other separators become the `<` filler (a space here), apostrophes
/// and full stops are dropped, an accented letter not in the table loses its accent.
pub fn transliterate(name: &str, letters: &BTreeMap<char, String>) -> Ascii {
    let mut text = String::new();
    let mut unmapped = Vec::new();
    let push_space = |text: &mut String| {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
    };
    for c in name.nfc() {
        // A table key is tried before upper-casing: `ß` upper-cases to `SS` on its own.
        let ups: Vec<char> = if letters.contains_key(&c) {
            vec![c]
        } else {
            c.to_uppercase().collect()
        };
        for u in ups {
            if let Some(m) = letters.get(&u) {
                text.push_str(m);
            } else if u.is_ascii_uppercase() {
                text.push(u);
            } else if matches!(u, '\'' | '’' | '‘' | '`' | 'ʼ' | '´' | '.') {
                // Dropped: O'Brien -> OBRIEN.
            } else if u.is_whitespace()
                || matches!(u, '-' | '‐' | '‑' | '–' | '—' | ',' | '<' | '_' | '/')
            {
                push_space(&mut text);
            } else {
                let base: Vec<char> = u
                    .nfd()
                    .filter(|b| !unicode_normalization::char::is_combining_mark(*b))
                    .collect();
                let mapped: Option<String> = base
                    .iter()
                    .map(|b| {
                        let b = b.to_ascii_uppercase();
                        letters
                            .get(&b)
                            .cloned()
                            .or_else(|| b.is_ascii_uppercase().then(|| b.to_string()))
                    })
                    .collect();
                match mapped {
                    Some(m) if !m.is_empty() => text.push_str(&m),
                    _ => unmapped.push(c),
                }
            }
        }
    }
    Ascii {
        text: text.trim_end().to_string(),
        unmapped,
    }
}

/// How a name was split into surname and given names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitHow {
    /// The roster's own surname and given-names columns.
    Columns,
    /// The roster gave one of the two; the other is the rest of the name.
    OneColumn,
    /// `SURNAME, Given`: before the comma.
    Comma,
    /// The words in capitals (`GARCIA LOPEZ Maria`, `Maria GARCIA`).
    Capitals,
    /// One word: a surname alone.
    OneWord,
    /// No convention to go by: the last word, to be checked against the passport.
    LastWord,
}

/// A passport name in two parts, as written in the roster (not yet transliterated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub surname: String,
    pub given: String,
    pub how: SplitHow,
}

/// Splits the employee's name: the surname and given-names columns when the roster has
/// them, else the name cell by its convention. `None` without any name.
pub fn split(e: &Employee) -> Option<Split> {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    let (surname, given, name) = (clean(&e.surname), clean(&e.given_names), clean(&e.name));
    match (surname, given, name) {
        (Some(surname), Some(given), _) => Some(Split {
            surname,
            given,
            how: SplitHow::Columns,
        }),
        (Some(surname), None, Some(name)) => Some(Split {
            given: without(&name, &surname),
            surname,
            how: SplitHow::OneColumn,
        }),
        (None, Some(given), Some(name)) => Some(Split {
            surname: without(&name, &given),
            given,
            how: SplitHow::OneColumn,
        }),
        (Some(surname), None, None) => Some(Split {
            surname,
            given: String::new(),
            how: SplitHow::Columns,
        }),
        (None, Some(given), None) => Some(Split {
            surname: String::new(),
            given,
            how: SplitHow::Columns,
        }),
        (None, None, Some(name)) => Some(split_name(&name)),
        (None, None, None) => None,
    }
}

/// `name` without the words of `part` (compared ignoring case), wherever they are.
fn without(name: &str, part: &str) -> String {
    let part: Vec<String> = part.split_whitespace().map(str::to_lowercase).collect();
    let words: Vec<&str> = name.split_whitespace().collect();
    let n = part.len();
    let at = (0..words.len()).find(|&i| {
        i + n <= words.len()
            && words[i..i + n]
                .iter()
                .zip(&part)
                .all(|(w, p)| w.to_lowercase() == *p)
    });
    match at {
        Some(i) => [&words[..i], &words[i + n..]].concat().join(" "),
        None => String::new(),
    }
}

/// A word in capitals: at least two letters and no lower-case letter (`GARCIA`, `O'NEIL`).
fn is_capitals(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !word.chars().any(char::is_lowercase)
}

/// Splits one name cell: `SURNAME, Given`; the words in capitals as the surname when they
/// are a run at the start or the end and the other words are not in capitals; a single
/// word; else the last word.
pub fn split_name(name: &str) -> Split {
    if let Some((surname, given)) = name.split_once(',') {
        let (surname, given) = (surname.trim(), given.trim());
        if !surname.is_empty() && !given.is_empty() {
            return Split {
                surname: surname.to_string(),
                given: given.to_string(),
                how: SplitHow::Comma,
            };
        }
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() == 1 {
        return Split {
            surname: words[0].to_string(),
            given: String::new(),
            how: SplitHow::OneWord,
        };
    }
    let caps: Vec<bool> = words.iter().map(|w| is_capitals(w)).collect();
    let n_caps = caps.iter().filter(|c| **c).count();
    if n_caps > 0 && n_caps < words.len() {
        let lead = caps.iter().take_while(|c| **c).count();
        let trail = caps.iter().rev().take_while(|c| **c).count();
        let cut = if lead == n_caps {
            Some((0, lead))
        } else if trail == n_caps {
            Some((words.len() - trail, words.len()))
        } else {
            None
        };
        if let Some((a, b)) = cut {
            let surname = words[a..b].join(" ");
            let given = [&words[..a], &words[b..]].concat().join(" ");
            return Split {
                surname,
                given,
                how: SplitHow::Capitals,
            };
        }
    }
    let (last, rest) = words.split_last().expect("two words or more");
    Split {
        surname: last.to_string(),
        given: rest.join(" "),
        how: SplitHow::LastWord,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> BTreeMap<char, String> {
        super::super::PlatformSpec::builtin().letters.clone()
    }

    /// ICAO Doc 9303 part 3 transliterations, as a passport's machine-readable zone prints
    /// them (section 6, "Transliteration of national characters").
    #[test]
    fn transliteration_table() {
        let t = table();
        let cases = [
            ("Müller", "MUELLER"),
            ("Øster", "OESTER"),
            ("Åsa", "AASA"),
            ("Łukasz", "LUKASZ"),
            ("Straße", "STRASSE"),
            ("José", "JOSE"),
            ("Nguyễn", "NGUYEN"),
            ("Muñoz", "MUNOZ"),
            ("Çelik", "CELIK"),
            ("Erdoğan", "ERDOGAN"),
            ("İsmail", "ISMAIL"),
            ("Şahin", "SAHIN"),
            ("Jäger", "JAEGER"),
            ("Östberg", "OESTBERG"),
            ("Ærø", "AEROE"),
            ("Bjørn", "BJOERN"),
            ("Łęcka", "LECKA"),
            ("Anne-Marie", "ANNE MARIE"),
            ("O'Brien", "OBRIEN"),
            ("D’Angelo", "DANGELO"),
            ("François", "FRANCOIS"),
            ("Dvořák", "DVORAK"),
            ("Žižek", "ZIZEK"),
            ("Renée", "RENEE"),
            ("Trần Thị Thu", "TRAN THI THU"),
            ("García López", "GARCIA LOPEZ"),
            ("Þór", "THOR"),
            ("ÜBER", "UEBER"),
            ("Đorđe", "DORDE"),
            ("St. John", "ST JOHN"),
            ("  Zoë   Ñandú ", "ZOE NANDU"),
        ];
        for (name, want) in cases {
            let got = transliterate(name, &t);
            assert_eq!(got.text, want, "{name}");
            assert!(got.unmapped.is_empty(), "{name}: {:?}", got.unmapped);
            assert!(got.text.chars().all(|c| c.is_ascii_uppercase() || c == ' '));
        }
        // Decomposed input (a combining diaeresis) is the same letter.
        assert_eq!(transliterate("Mu\u{0308}ller", &t).text, "MUELLER");
        // Another script has no A-Z form here: it is reported, never guessed.
        let cyr = transliterate("Иван Smith", &t);
        assert_eq!(cyr.text, "SMITH");
        assert_eq!(cyr.unmapped, vec!['И', 'в', 'а', 'н']);
    }

    #[test]
    fn names_split_by_their_convention() {
        let s = split_name("GARCIA LOPEZ Maria");
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("GARCIA LOPEZ", "Maria", SplitHow::Capitals)
        );
        let s = split_name("Maria GARCIA");
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("GARCIA", "Maria", SplitHow::Capitals)
        );
        let s = split_name("Smith, John Paul");
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("Smith", "John Paul", SplitHow::Comma)
        );
        let s = split_name("John Paul Smith");
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("Smith", "John Paul", SplitHow::LastWord)
        );
        let s = split_name("SMITH JOHN");
        assert_eq!(
            s.how,
            SplitHow::LastWord,
            "all capitals: no convention to go by"
        );
        let s = split_name("Madonna");
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("Madonna", "", SplitHow::OneWord)
        );
        // Capitals in the middle are no convention.
        assert_eq!(split_name("Anna VAN DER Berg").how, SplitHow::LastWord);
    }

    #[test]
    fn roster_columns_win_over_the_name() {
        let mut e = Employee {
            name: Some("Maria García López".into()),
            surname: Some(" García  López ".into()),
            given_names: Some("Maria".into()),
            ..Employee::default()
        };
        let s = split(&e).unwrap();
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("García López", "Maria", SplitHow::Columns)
        );
        e.given_names = None;
        let s = split(&e).unwrap();
        assert_eq!(
            (s.surname.as_str(), s.given.as_str(), s.how),
            ("García López", "Maria", SplitHow::OneColumn)
        );
        e.surname = None;
        e.given_names = Some("maria".into());
        let s = split(&e).unwrap();
        assert_eq!(s.surname, "García López");
        assert!(split(&Employee::default()).is_none());
    }
}

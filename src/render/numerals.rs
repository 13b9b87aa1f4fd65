//! Chinese capital numerals (大写金额) for amounts of money, as written on letters, cheques
//! and vouchers: `480,000.00` -> `人民币肆拾捌万元整`.
//!
//! The rules followed are those of the People's Bank of China for filling in bills and
//! settlement vouchers (《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》):
//! 壹 is always written before 拾 (壹拾万); a zero between digits is written 零, several
//! zeros in a row once; a zero group of 万 or 元 followed by a non-zero lower digit gives one
//! 零 (壹万零伍佰); an amount ending at 元 ends with 整; when 角 is zero and 分 is not, 零 is
//! written after 元 (壹元零贰分); nothing follows 分. After 角 the rules allow 整 or nothing;
//! permitpack writes 整 (伍角整) so that nothing can be added.
//!
//! The English text of a letter writes the amount in English words instead
//! ([`english_words`]): `four hundred and eighty thousand yuan only`.

use crate::model::Fen;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// The amount in capital numerals with the `人民币` prefix. `None` for a negative amount,
/// which has no meaning on a certificate.
pub fn rmb_capital(amount: Fen) -> Option<String> {
    capital(amount).map(|s| format!("人民币{s}"))
}

/// The amount in capital numerals without a currency prefix: `肆拾捌万元整`.
pub fn capital(amount: Fen) -> Option<String> {
    if amount.0 < 0 {
        return None;
    }
    let fen_total = amount.0 as u64;
    let yuan = fen_total / 100;
    let jiao = (fen_total / 10 % 10) as usize;
    let fen = (fen_total % 10) as usize;

    let mut out = String::new();
    if yuan > 0 {
        out.push_str(&integer(yuan));
        out.push('元');
    }
    match (yuan > 0, jiao, fen) {
        (false, 0, 0) => out.push_str("零元整"),
        (_, 0, 0) => out.push('整'),
        (true, 0, f) => {
            out.push('零');
            out.push(DIGITS[f]);
            out.push('分');
        }
        (false, 0, f) => {
            out.push(DIGITS[f]);
            out.push('分');
        }
        (_, j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (_, j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    Some(out)
}

/// A positive whole number in capital numerals: `100_000_500` -> `壹亿零伍佰`.
fn integer(n: u64) -> String {
    debug_assert!(n > 0);
    if n >= 100_000_000 {
        let (hi, lo) = (n / 100_000_000, n % 100_000_000);
        let mut s = integer(hi);
        s.push('亿');
        if lo > 0 {
            if lo < 10_000_000 {
                s.push('零');
            }
            s.push_str(&integer(lo));
        }
        s
    } else if n >= 10_000 {
        let (hi, lo) = (n / 10_000, n % 10_000);
        let mut s = group(hi);
        s.push('万');
        if lo > 0 {
            if lo < 1_000 {
                s.push('零');
            }
            s.push_str(&group(lo));
        }
        s
    } else {
        group(n)
    }
}

/// A number 1..=9999: `1004` -> `壹仟零肆`, `10` -> `壹拾`.
fn group(n: u64) -> String {
    debug_assert!(n > 0 && n < 10_000);
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut s = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = UNITS[3 - i];
        if d == 0 {
            if !s.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            s.push('零');
            pending_zero = false;
        }
        s.push(DIGITS[d as usize]);
        s.push_str(unit);
    }
    s
}

/// The amount in English words, as cheques and bilingual certificates write it (British
/// usage, "and" before the tens): `480,000.00` -> `four hundred and eighty thousand yuan
/// only`; `1,234.50` -> `one thousand two hundred and thirty-four yuan and fifty fen`.
/// `None` for a negative amount.
pub fn english_words(amount: Fen) -> Option<String> {
    if amount.0 < 0 {
        return None;
    }
    let total = amount.0 as u64;
    let (yuan, fen) = (total / 100, total % 100);
    let mut out = format!("{} yuan", words(yuan));
    if fen == 0 {
        out.push_str(" only");
    } else {
        out.push_str(&format!(" and {} fen", words(fen)));
    }
    Some(out)
}

fn words(n: u64) -> String {
    const SCALES: [(u64, &str); 4] = [
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    if n == 0 {
        return "zero".into();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (scale, name) in SCALES {
        if rest >= scale {
            parts.push(format!("{} {name}", below_thousand(rest / scale)));
            rest %= scale;
        }
    }
    if rest > 0 {
        let small = below_thousand(rest);
        // "one thousand and five": the last group under a hundred is joined with "and".
        if !parts.is_empty() && rest < 100 {
            parts.push(format!("and {small}"));
        } else {
            parts.push(small);
        }
    }
    parts.join(" ")
}

fn below_thousand(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let (h, r) = (n / 100, n % 100);
    let tens = match r {
        0 => String::new(),
        1..=19 => ONES[r as usize].to_string(),
        _ if r % 10 == 0 => TENS[(r / 10) as usize].to_string(),
        _ => format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize]),
    };
    match (h, tens.is_empty()) {
        (0, _) => tens,
        (h, true) => format!("{} hundred", ONES[h as usize]),
        (h, false) => format!("{} hundred and {tens}", ONES[h as usize]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(fen: i64) -> String {
        capital(Fen(fen)).unwrap()
    }
    fn yuan(y: i64) -> String {
        cap(y * 100)
    }
    /// Fen of `yuan` yuan and `cents` fen.
    fn rmb(yuan: i64, cents: i64) -> i64 {
        yuan * 100 + cents
    }

    #[test]
    fn the_issue_examples() {
        assert_eq!(
            rmb_capital(Fen::from_yuan(480_000)).unwrap(),
            "人民币肆拾捌万元整"
        );
        assert_eq!(yuan(10_500), "壹万零伍佰元整");
        assert_eq!(yuan(100_000_000), "壹亿元整");
    }

    #[test]
    fn examples_from_the_pboc_rules() {
        // 《正确填写票据和结算凭证的基本规定》 examples.
        assert_eq!(cap(rmb(1_409, 50)), "壹仟肆佰零玖元伍角整");
        assert_eq!(cap(rmb(6_007, 14)), "陆仟零柒元壹角肆分");
        assert_eq!(cap(rmb(1_680, 32)), "壹仟陆佰捌拾元叁角贰分");
        assert_eq!(cap(rmb(107_000, 53)), "壹拾万柒仟元伍角叁分");
        assert_eq!(cap(rmb(16_409, 2)), "壹万陆仟肆佰零玖元零贰分");
        assert_eq!(cap(rmb(325, 4)), "叁佰贰拾伍元零肆分");
    }

    #[test]
    fn tens_always_carry_yi() {
        assert_eq!(yuan(10), "壹拾元整");
        assert_eq!(yuan(15), "壹拾伍元整");
        assert_eq!(yuan(100_000), "壹拾万元整");
        assert_eq!(yuan(110_000), "壹拾壹万元整");
        assert_eq!(yuan(1_000_000_000), "壹拾亿元整");
    }

    #[test]
    fn zeros_inside_and_between_groups() {
        assert_eq!(yuan(1_004), "壹仟零肆元整");
        assert_eq!(yuan(1_040), "壹仟零肆拾元整");
        assert_eq!(yuan(1_400), "壹仟肆佰元整");
        assert_eq!(yuan(10_001), "壹万零壹元整");
        assert_eq!(yuan(10_010), "壹万零壹拾元整");
        assert_eq!(yuan(11_000), "壹万壹仟元整");
        assert_eq!(yuan(100_100), "壹拾万零壹佰元整");
        assert_eq!(yuan(1_001_000), "壹佰万壹仟元整");
        assert_eq!(yuan(15_000_001), "壹仟伍佰万零壹元整");
        assert_eq!(yuan(100_000_500), "壹亿零伍佰元整");
        assert_eq!(yuan(102_000_000), "壹亿零贰佰万元整");
        assert_eq!(yuan(120_000_000), "壹亿贰仟万元整");
        assert_eq!(yuan(123_456_789), "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整");
        assert_eq!(yuan(1_000_000_000_000), "壹万亿元整");
        assert_eq!(yuan(1_200_000_000_000), "壹万贰仟亿元整");
    }

    #[test]
    fn typical_salaries() {
        assert_eq!(yuan(360_000), "叁拾陆万元整");
        assert_eq!(yuan(1_250_000), "壹佰贰拾伍万元整");
        assert_eq!(cap(rmb(456_789, 12)), "肆拾伍万陆仟柒佰捌拾玖元壹角贰分");
        assert_eq!(yuan(99_999), "玖万玖仟玖佰玖拾玖元整");
    }

    #[test]
    fn jiao_and_fen_without_yuan() {
        assert_eq!(cap(0), "零元整");
        assert_eq!(cap(5), "伍分");
        assert_eq!(cap(50), "伍角整");
        assert_eq!(cap(53), "伍角叁分");
        assert_eq!(cap(100), "壹元整");
        assert_eq!(cap(102), "壹元零贰分");
        assert_eq!(cap(120), "壹元贰角整");
    }

    #[test]
    fn largest_amount_and_negative() {
        // i64::MAX fen is 92,233,720,368,547,758.07 yuan.
        assert_eq!(
            cap(i64::MAX),
            "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分"
        );
        assert_eq!(capital(Fen(-1)), None);
        assert_eq!(rmb_capital(Fen(-100)), None);
    }

    #[test]
    fn only_capital_digits_and_units_appear() {
        let allowed = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整";
        for fen in (0..2_000_000_i64).step_by(997) {
            let s = cap(fen * 37);
            assert!(s.chars().all(|c| allowed.contains(c)), "{s}");
            assert!(!s.contains("零零"), "{s}");
            assert!(!s.starts_with('零') || s == "零元整", "{s}");
        }
    }

    #[test]
    fn english_words_for_certificates() {
        let w = |yuan_fen: i64| english_words(Fen(yuan_fen)).unwrap();
        assert_eq!(w(48_000_000), "four hundred and eighty thousand yuan only");
        assert_eq!(
            w(123_450),
            "one thousand two hundred and thirty-four yuan and fifty fen"
        );
        assert_eq!(w(100_500), "one thousand and five yuan only");
        assert_eq!(w(0), "zero yuan only");
        assert_eq!(w(1), "zero yuan and one fen");
        assert_eq!(w(100_000_000), "one million yuan only");
        assert_eq!(
            w(125_001_900),
            "one million two hundred and fifty thousand and nineteen yuan only"
        );
        assert_eq!(w(36_000_000), "three hundred and sixty thousand yuan only");
        assert_eq!(w(1_100_000), "eleven thousand yuan only");
        assert!(english_words(Fen(-1)).is_none());
    }
}

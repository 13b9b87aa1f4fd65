//! The one clock: today's date where the permits are handled. Only the front ends read it,
//! when no `--as-of` date is given; everything below them takes the date as an argument.

use chrono::NaiveDate;

/// Today's date in China (UTC+8, no daylight saving).
pub fn today_in_china() -> NaiveDate {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    chrono::Utc::now().with_timezone(&offset).date_naive()
}

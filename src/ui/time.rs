//! Timestamps as staff read them: Beijing time (UTC+8), `YYYY-MM-DD HH:MM:SS`.

const OFFSET_SECS: i64 = 8 * 3600;

/// Formats Unix seconds in UTC+8.
pub fn format_timestamp(unix: i64) -> String {
    let local = unix + OFFSET_SECS;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `YYYY-MM-DD` (Beijing) to the unix second its day starts; `None` when it is not a date.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Hinnant's days_from_civil.
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let start = days * 86_400 - OFFSET_SECS;
    // 2月30日 and the like come back as another date: refuse them.
    (format_timestamp(start)[..10] == *text.trim()).then_some(start)
}

/// `YYYY-MM-DD HH:MM` (Beijing; a `T` between, as `<input type="datetime-local">` sends, works
/// too) to unix seconds; `None` when it is not such a time.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, clock) = text.split_once(['T', ' '])?;
    let (h, m) = clock.split_once(':')?;
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.get(..2)?.parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(parse_date(date)? + h * 3600 + m * 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{format_timestamp, parse_datetime};

    #[test]
    fn datetimes_read_in_beijing_time() {
        assert_eq!(parse_datetime("1970-01-01 08:01"), Some(60));
        assert_eq!(parse_datetime("1970-01-01T09:00"), Some(3600));
        assert_eq!(parse_datetime("2024-02-30 10:00"), None);
        assert_eq!(parse_datetime("2024-02-10 24:00"), None);
        assert_eq!(parse_datetime("../etc/passwd"), None);
        assert_eq!(parse_datetime(""), None);
    }

    #[test]
    fn formats_in_beijing_time() {
        assert_eq!(format_timestamp(0), "1970-01-01 08:00:00");
        // 2026-11-22T02:20:32Z
        assert_eq!(format_timestamp(1_795_314_032), "2026-11-22 10:20:32");
        // 2024-02-29T16:00:00Z is already March 1st in Beijing
        assert_eq!(format_timestamp(1_709_222_400), "2024-03-01 00:00:00");
        assert_eq!(super::parse_date("2024-03-01"), Some(1_709_222_400));
        assert_eq!(super::parse_date("1970-01-01"), Some(-8 * 3600));
        assert_eq!(super::parse_date("2023-02-30"), None);
        assert_eq!(super::parse_date("2024/03/01"), None);
        assert_eq!(super::parse_date(""), None);
    }
}

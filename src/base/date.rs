//! Dates as authors write them (ISO `YYYY-MM-DD`) and today's date.

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (num(y, 4), num(m, 2), num(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

/// An ISO date's year, month (1–12) and day (1–31); `None` for anything
/// else. Pages write it in their language's words.
pub fn parts(iso: &str) -> Option<(String, u32, u32)> {
    if !is_iso_date(iso) {
        return None;
    }
    let (year, rest) = iso.split_once('-')?;
    let (month, day) = rest.split_once('-')?;
    Some((year.to_string(), month.parse().ok()?, day.parse().ok()?))
}

/// Today's date (UTC) as YYYY-MM-DD, for new files' `updated` field.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2026-11-20"));
        assert!(!is_iso_date("2026-13-01"));
        assert!(!is_iso_date("26-11-20"));
    }

    #[test]
    fn date_parts() {
        assert_eq!(parts("2027-01-05"), Some(("2027".into(), 1, 5)));
        assert_eq!(parts("20-11-2026"), None);
    }
}

//! A length of time as the command line writes it (`--since 24h`), read and shown back alike by
//! every command with a window. Never zero, never overflowing (at most 10 years).

use std::time::Duration;

/// The longest window accepted: the log is kept far less long, and a bound keeps the
/// arithmetic on times safe.
const MAX: Duration = Duration::from_secs(3650 * 86_400);

/// Each unit and its length in seconds, longest first.
const UNITS: [(&str, u64); 4] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)];

/// Reads `24h`, `30m`, `7d`, `90s`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} has no unit: write 24h, 30m, 7d or 90s"))?;
    let (number, unit) = text.split_at(unit_at);
    let no_number = || format!("{text:?} does not start with a whole number (24h, 30m, 7d)");
    if number.is_empty() {
        return Err(no_number());
    }
    if unit.starts_with(['.', ',']) {
        let smaller = match unit.ends_with('s') {
            true => "a second is the smallest unit",
            false => "use a smaller unit (90m, not 1.5h)",
        };
        return Err(format!("{text:?} is not a whole number: {smaller}"));
    }
    let Some(&(_, seconds)) = UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!(
            "{unit:?} is not a unit: use s, m, h or d (24h, 30m, 7d)"
        ));
    };
    // All digits: a number too large for u64 is simply out of range.
    let number: u64 = number.parse().unwrap_or(u64::MAX);
    let length = Duration::from_secs(number.saturating_mul(seconds));
    if length.is_zero() || length > MAX {
        return Err(format!("{text:?} is not between 1s and 3650d"));
    }
    Ok(length)
}

/// A length as `parse` reads it back: in days from two days on, else the largest unit that
/// divides it.
pub fn show(length: Duration) -> String {
    let secs = length.as_secs();
    let (unit, size) = UNITS
        .into_iter()
        .find(|&(unit, size)| secs.is_multiple_of(size) && (unit != "d" || secs >= 2 * size))
        .unwrap_or(("s", 1));
    format!("{}{unit}", secs / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read() {
        for (text, secs) in [("24h", 86_400), ("30m", 1800), ("7d", 604_800), ("90s", 90)] {
            assert_eq!(parse(text), Ok(Duration::from_secs(secs)), "{text}");
        }
    }

    #[test]
    fn lengths_are_shown_as_they_are_read() {
        for (secs, shown) in [(172_800, "2d"), (86_400, "24h"), (5400, "90m"), (90, "90s")] {
            assert_eq!(show(Duration::from_secs(secs)), shown);
            assert_eq!(parse(shown), Ok(Duration::from_secs(secs)));
        }
    }

    #[test]
    fn bad_lengths_say_why() {
        for (text, why) in [
            ("24", "\"24\" has no unit: write 24h, 30m, 7d or 90s"),
            ("1w", "\"w\" is not a unit: use s, m, h or d (24h, 30m, 7d)"),
            (
                "h",
                "\"h\" does not start with a whole number (24h, 30m, 7d)",
            ),
            (
                "-1h",
                "\"-1h\" does not start with a whole number (24h, 30m, 7d)",
            ),
            (
                "1.5h",
                "\"1.5h\" is not a whole number: use a smaller unit (90m, not 1.5h)",
            ),
            (
                "1.5s",
                "\"1.5s\" is not a whole number: a second is the smallest unit",
            ),
            (
                "2,5d",
                "\"2,5d\" is not a whole number: use a smaller unit (90m, not 1.5h)",
            ),
            ("0h", "\"0h\" is not between 1s and 3650d"),
            ("3651d", "\"3651d\" is not between 1s and 3650d"),
            (
                "99999999999999999999d",
                "\"99999999999999999999d\" is not between 1s and 3650d",
            ),
        ] {
            assert_eq!(parse(text), Err(why.to_owned()), "{text}");
        }
    }
}

//! Numbers and instants parsed from bytes, exactly: decimals scaled to whole units, whole numbers, RFC 3339 instants.

use crate::time::round_non_negative;

/// Why a field is not the number wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NumError {
    NotANumber,
    NotFinite,
    Negative,
    TooLarge,
}

/// Parses a non-negative decimal number and scales it by `10^digits`, rounding to the nearest
/// integer (halves up): `("1.0000005", 6)` gives `1_000_001`. Plain decimals take an exact
/// integer path; anything else (exponents, `inf`) goes through `f64`.
#[inline]
pub(super) fn parse_scaled(field: &[u8], digits: u32) -> Result<u64, NumError> {
    let text = field.trim_ascii();
    match parse_plain_decimal(text, digits) {
        Some(v) => Ok(v),
        None => parse_scaled_f64(text, digits),
    }
}

/// The exact path: `[+]digits[.digits]`, at least one digit, at most 19 significant digits
/// after scaling (so that nothing overflows); `None` if anything else.
#[inline]
pub(super) fn parse_plain_decimal(text: &[u8], digits: u32) -> Option<u64> {
    const POW10: [u64; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    let text = text.strip_prefix(b"+").unwrap_or(text);
    let (mut value, mut i) = (0u64, 0usize);
    while let Some(d) = text
        .get(i)
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|&d| d <= 9)
    {
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let int_digits = i;
    let (mut kept, mut round_up) = (0u32, false);
    if text.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while let Some(d) = text
            .get(i)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|&d| d <= 9)
        {
            if kept < digits {
                value = value.wrapping_mul(10).wrapping_add(u64::from(d));
                kept += 1;
            } else if i - frac_start == digits as usize {
                round_up = d >= 5;
            }
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    if i != text.len() || int_digits + digits as usize > 19 {
        return None;
    }
    Some(value * POW10.get((digits - kept) as usize)? + u64::from(round_up))
}

pub(super) fn parse_scaled_f64(text: &[u8], digits: u32) -> Result<u64, NumError> {
    let v: f64 = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or(NumError::NotANumber)?;
    if !v.is_finite() {
        return Err(NumError::NotFinite);
    }
    if v < 0.0 {
        return Err(NumError::Negative);
    }
    let scaled = v * 10f64.powi(digits as i32);
    if scaled >= u64::MAX as f64 {
        return Err(NumError::TooLarge);
    }
    Ok(round_non_negative(scaled))
}

/// Parses a whole non-negative number that fits a `u32`.
#[inline]
pub(super) fn parse_u32(field: &[u8]) -> Result<u32, NumError> {
    let text = field.trim_ascii();
    if text.is_empty() {
        return Err(NumError::NotANumber);
    }
    let mut value: u32 = 0;
    for &b in text {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            let negative =
                text.len() > 1 && text[0] == b'-' && text[1..].iter().all(u8::is_ascii_digit);
            return Err(if negative {
                NumError::Negative
            } else {
                NumError::NotANumber
            });
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(d)))
            .ok_or(NumError::TooLarge)?;
    }
    Ok(value)
}

/// Parses a finite, non-negative `f64`.
pub(super) fn parse_f64(field: &[u8]) -> Result<f64, NumError> {
    let v: f64 = std::str::from_utf8(field.trim_ascii())
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or(NumError::NotANumber)?;
    if !v.is_finite() {
        Err(NumError::NotFinite)
    } else if v < 0.0 {
        Err(NumError::Negative)
    } else {
        Ok(v)
    }
}

/// The message for a field that is not a valid non-negative number.
pub(super) fn number_message(shown: &str, error: NumError, expected: &str) -> String {
    match error {
        NumError::NotANumber => format!("{shown} is not a number; expected {expected}"),
        NumError::NotFinite => format!("{shown} is not a finite number; expected {expected}"),
        NumError::Negative => format!("{shown} is negative; expected {expected}"),
        NumError::TooLarge => format!("{shown} is too large; expected {expected}"),
    }
}

/// Parses an RFC 3339 instant, `2021-01-31T12:00:00.25Z` or with an offset `+01:00`, into µs
/// since the Unix epoch. Lenient like `humantime::parse_rfc3339_weak`: a space or `t` may
/// replace the `T`, and a missing offset means UTC. Fractions finer than a microsecond are
/// rounded to the nearest.
pub(super) fn parse_rfc3339(field: &[u8]) -> Option<i64> {
    let b = field.trim_ascii();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(range)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000i64;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            let d = i64::from(c - b'0');
            if scale > 0 {
                micros += d * scale;
            } else if i == start + 6 && d >= 5 {
                micros += 1;
            }
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_s = match &b[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let s = h * 3600 + m * 60;
            if *sign == b'-' { -s } else { s }
        }
        _ => return None,
    };
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    Some(secs * 1_000_000 + micros)
}

//! Number formats of ticks, notes and titles: round ticks, numbers (`12.5k`), percentages, durations, dollars, counts, names cut to fit, spans, the unit of a time axis.

/// Round ticks over `[lo, hi]`: steps of 1, 2 or 5 times a power of ten, about `target` of them.
pub(super) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let target = target.max(1) as f64;
    let p = 10f64.powf((span / target).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| span / s <= target)
        .unwrap_or(10.0 * p);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A number as a tick shows it: `0.001`, `2.5`, `450`, `12.5k`, `3M`.
pub(super) fn num(v: f64) -> String {
    let a = v.abs();
    if a < 1e-12 {
        return "0".into();
    }
    if a >= 1e9 {
        return format!("{}G", trim(v / 1e9, 1));
    }
    if a >= 1e6 {
        return format!("{}M", trim(v / 1e6, 1));
    }
    if a >= 1e4 {
        return format!("{}k", trim(v / 1e3, 1));
    }
    let decimals = if a >= 100.0 {
        0
    } else {
        (2 - a.log10().floor() as i32).clamp(0, 12) as usize
    };
    trim(v, decimals)
}

fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A fraction as a percentage: `0.01 %` for 0.0001.
pub(super) fn pct(v: f64) -> String {
    format!("{} %", num(v * 100.0))
}

/// A value already in percent: `0.01 %`.
pub(super) fn pct_of(v: f64) -> String {
    format!("{} %", num(v))
}

/// A duration [ms] as people read it: `0.8 ms`, `450 ms`, `2.1 s`.
pub(super) fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{} s", num(v / 1000.0))
    } else {
        format!("{} ms", num(v))
    }
}

/// An amount [USD] as the report writes it: cents from a dollar up (`$12.34`, `$25.3k`),
/// three significant digits below (`$0.0343`, `$0.000123`).
pub fn usd(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "$0".into()
    } else if a >= 1e4 {
        format!("${}", num(v))
    } else if a >= 1.0 {
        format!("${v:.2}")
    } else {
        let decimals = (2 - a.log10().floor() as i32).clamp(2, 12) as usize;
        format!("${v:.decimals$}")
    }
}

pub(super) fn usd_tick(v: f64) -> String {
    if v.abs() < 1e-12 {
        "0".into()
    } else {
        format!("${}", num(v))
    }
}

/// A count with its thousands set apart by thin spaces: `525 340`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A function name cut in the middle to fit beside a bar, keeping both ends (names often
/// share a prefix and differ at the end).
pub(super) fn short(name: &str) -> String {
    cut(name, 26)
}

/// A text cut in the middle to at most `max` characters, keeping both ends.
pub(super) fn cut(name: &str, max: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return name.to_string();
    }
    let head: String = chars[..max / 2].iter().collect();
    let tail: String = chars[chars.len() - (max - 1 - max / 2)..].iter().collect();
    format!("{head}…{tail}")
}

/// A span [s] as a title says it: `45 s`, `21.9 min`, `6 h`, `2 days`.
pub(super) fn span(s: f64) -> String {
    if s < 120.0 {
        format!("{} s", trim(s, 1))
    } else if s < 2.0 * 3600.0 {
        format!("{} min", trim(s / 60.0, 1))
    } else if s < 2.0 * 86_400.0 {
        format!("{} h", trim(s / 3600.0, 1))
    } else {
        format!("{} days", trim(s / 86_400.0, 1))
    }
}

/// A value rounded to three significant digits.
pub(super) fn round3(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return v;
    }
    let p = 10f64.powi(2 - v.log10().floor() as i32);
    (v * p).round() / p
}

/// The unit of a run's time axis [s] and its name: whichever reads best for the horizon.
pub(super) fn time_unit(horizon_s: f64) -> (f64, &'static str) {
    if horizon_s <= 600.0 {
        (1.0, "s")
    } else if horizon_s <= 6.0 * 3600.0 {
        (60.0, "min")
    } else if horizon_s <= 4.0 * 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_read_well() {
        let labels: Vec<String> = nice_ticks(0.0, 1.0, 6).into_iter().map(num).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        assert_eq!(nice_ticks(0.0, 10.0, 6), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(num(12_500.0), "12.5k");
        assert_eq!(num(0.001), "0.001");
        assert_eq!(num(450.0), "450");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(ms(2100.0), "2.1 s");
        assert_eq!(usd(0.000123), "$0.000123");
        assert_eq!(count(525_340), "525\u{2009}340");
    }
}

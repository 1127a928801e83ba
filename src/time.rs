//! Simulated time: integer microseconds, as instants (`SimTime`) and spans (`SimDuration`), and their text form ("250ms", "10m", "3650d").

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Deserializer, Serialize};

/// Microseconds in one millisecond.
pub const MICROS_PER_MS: u64 = 1_000;
/// Microseconds in one second.
pub const MICROS_PER_S: u64 = 1_000_000;

/// The longest span a scenario or a flag may give: 1000 years of 365.25 days ("1000y").
/// Far below what a `u64` of microseconds holds (about 584 000 years), so that instants plus
/// spans (an end of run plus a keep-alive window, plus an init and an exec) never overflow.
pub const MAX_SPAN: SimDuration = SimDuration(1_000 * 31_557_600 * MICROS_PER_S);

/// An instant of simulated time [µs since the start of the run].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SimTime(pub u64);

/// A span of simulated time [µs].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The instant that never comes: used for "no deadline".
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Microseconds since the start.
    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// Seconds since the start, for reports.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_S as f64
    }

    /// Adds a span, saturating at [`SimTime::NEVER`] instead of overflowing.
    pub fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// The empty span.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of whole milliseconds, saturating at `u64::MAX` µs.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms.saturating_mul(MICROS_PER_MS))
    }

    /// A span of whole seconds, saturating at `u64::MAX` µs.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s.saturating_mul(MICROS_PER_S))
    }

    /// A span from fractional milliseconds, rounded to the nearest microsecond; negative
    /// and non-finite inputs give zero (callers validate their inputs first).
    pub fn from_millis_f64(ms: f64) -> SimDuration {
        SimDuration(round_non_negative(ms * MICROS_PER_MS as f64))
    }

    /// Microseconds in this span.
    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// Milliseconds in this span, for reports.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_MS as f64
    }

    /// Seconds in this span, for reports.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_S as f64
    }

    /// Parses the scenario form of a span: a number and a unit, several may follow one
    /// another ("250ms", "90s", "10m", "2h", "1d", "1h 30m"). Finer than a microsecond is
    /// refused, and so is longer than [`MAX_SPAN`].
    pub fn parse(text: &str) -> Result<SimDuration, String> {
        let number = text.trim();
        if !number.is_empty() && number.parse::<f64>().is_ok() {
            return Err(format!(
                "invalid duration {text:?}: a duration needs a unit, like \"{number}ms\" or \"{number}s\""
            ));
        }
        let d = humantime::parse_duration(text.trim()).map_err(|e| {
            format!("invalid duration {text:?} ({e}); write a number and a unit, like \"250ms\", \"90s\", \"10m\", \"2h\" or \"1d\"")
        })?;
        if d.subsec_nanos() % 1_000 != 0 {
            return Err(format!(
                "invalid duration {text:?}: simulated time counts whole microseconds"
            ));
        }
        match u64::try_from(d.as_micros()) {
            Ok(us) if us <= MAX_SPAN.0 => Ok(SimDuration(us)),
            _ => Err(format!(
                "invalid duration {text:?}: longer than {MAX_SPAN} (1000 years), the longest span coldsim takes"
            )),
        }
    }
}

/// Rounds a non-negative number to the nearest integer, halves up; negative numbers and NaN
/// give 0, and huge ones saturate at `u64::MAX`. Cheaper than `f64::round`, which is a libm call
/// on baseline x86-64, and this sits on the hot path of every draw.
#[inline]
pub fn round_non_negative(x: f64) -> u64 {
    // `as` truncates toward zero and saturates, mapping NaN to 0.
    (x + 0.5) as u64
}

impl Add<SimDuration> for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        self.saturating_add(rhs)
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_since(rhs)
    }
}

impl fmt::Display for SimDuration {
    /// Writes the span in the scenario's own notation ("10m", "1h 30m", "2d", "250ms").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 6] = [
            (86_400 * MICROS_PER_S, "d"),
            (3_600 * MICROS_PER_S, "h"),
            (60 * MICROS_PER_S, "m"),
            (MICROS_PER_S, "s"),
            (MICROS_PER_MS, "ms"),
            (1, "us"),
        ];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut left = self.0;
        let mut first = true;
        for (size, unit) in UNITS {
            if left >= size {
                if !first {
                    f.write_str(" ")?;
                }
                write!(f, "{}{unit}", left / size)?;
                left %= size;
                first = false;
            }
        }
        Ok(())
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", SimDuration(self.0))
    }
}

/// Serializes a span in the scenario's notation (`"10m"`, `"1h 30m"`), as a scenario file
/// writes it, for `#[serde(serialize_with)]` (the type's own `Serialize` is its µs count).
pub fn in_notation<S: serde::Serializer>(d: &SimDuration, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// [`in_notation`] for an optional span (skip it with `skip_serializing_if` when absent).
pub fn opt_in_notation<S: serde::Serializer>(
    d: &Option<SimDuration>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SimDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_of_the_scenario_format() {
        assert_eq!(SimDuration::parse("250ms"), Ok(SimDuration(250_000)));
        assert_eq!(SimDuration::parse("90s"), Ok(SimDuration(90_000_000)));
        assert_eq!(SimDuration::parse("10m"), Ok(SimDuration(600_000_000)));
        assert_eq!(SimDuration::parse("2h"), Ok(SimDuration(7_200_000_000)));
        assert_eq!(SimDuration::parse("1d"), Ok(SimDuration(86_400_000_000)));
        assert_eq!(SimDuration::parse("1h 30m"), Ok(SimDuration(5_400_000_000)));
        assert_eq!(SimDuration::parse("0ms"), Ok(SimDuration(0)));
        assert_eq!(
            SimDuration::parse("3650d"),
            Ok(SimDuration(3650 * 86_400_000_000))
        );
    }

    #[test]
    fn refuses_malformed_and_sub_microsecond_spans() {
        assert_eq!(
            SimDuration::parse(" 10 "),
            Err(
                "invalid duration \" 10 \": a duration needs a unit, like \"10ms\" or \"10s\""
                    .into()
            )
        );
        assert!(
            SimDuration::parse("10x")
                .expect_err("no unit")
                .contains("write a number and a unit")
        );
        assert!(SimDuration::parse("10x").is_err());
        assert!(SimDuration::parse("-5m").is_err());
        assert!(SimDuration::parse("").is_err());
        assert!(SimDuration::parse("1ns").is_err());
    }

    #[test]
    fn refuses_spans_past_a_thousand_years() {
        assert_eq!(SimDuration::parse("1000y"), Ok(MAX_SPAN));
        let err = SimDuration::parse("1001y").expect_err("too long");
        assert!(err.contains("longer than 365250d"), "{err}");
        // Beyond what humantime or a u64 of microseconds holds: the same message.
        for text in ["600000y", "18446744073709551615s", "99999999999999999999d"] {
            let err = SimDuration::parse(text).expect_err("too long");
            assert!(
                err.contains("1000 years") || err.contains("invalid duration"),
                "{err}"
            );
        }
        assert_eq!(SimDuration::from_secs(u64::MAX), SimDuration(u64::MAX));
    }

    #[test]
    fn rounds_fractional_milliseconds_to_the_nearest_microsecond() {
        assert_eq!(SimDuration::from_millis_f64(1.0004), SimDuration(1_000));
        assert_eq!(SimDuration::from_millis_f64(1.0006), SimDuration(1_001));
        assert_eq!(SimDuration::from_millis_f64(-3.0), SimDuration(0));
        assert_eq!(SimDuration::from_millis_f64(f64::NAN), SimDuration(0));
    }

    #[test]
    fn time_arithmetic_saturates() {
        assert_eq!(SimTime(5) + SimDuration(u64::MAX), SimTime::NEVER);
        assert_eq!(SimTime(5) - SimTime(9), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs(600).to_string(), "10m");
        assert_eq!(SimDuration::from_secs(2 * 86_400).to_string(), "2d");
        assert_eq!(SimDuration(5_400_000_250).to_string(), "1h 30m 250us");
        for text in ["250ms", "1h 30m", "3650d", "1d 2h 3m 4s 5ms 6us"] {
            let d = SimDuration::parse(text).expect("valid");
            assert_eq!(SimDuration::parse(&d.to_string()), Ok(d));
        }
    }
}

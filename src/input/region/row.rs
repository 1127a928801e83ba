//! The text of the rows: identifiers like the dataset's hashes, numbers as the files write them, a function's durations and an app's memory.

use super::day::MINUTE_WORDS;
use super::fit::EXEC_MEAN_RANGE_S;
use super::layout::{App, Function};

/// Standard normal quantiles of the duration percentiles 0 (taken at 0.1 %), 1, 25, 50, 75, 99
/// and 100 (taken at 99.9 %).
const DURATION_Z: [f64; 7] = [
    -3.090_232_306_167_813,
    -2.326_347_874_040_841,
    -0.674_489_750_196_081_7,
    0.0,
    0.674_489_750_196_081_7,
    2.326_347_874_040_841,
    3.090_232_306_167_813,
];
/// Standard normal quantiles of the memory percentiles 1, 5, 25, 50, 75, 95, 99 and 100 (taken
/// at 99.9 %).
const MEMORY_Z: [f64; 8] = [
    -2.326_347_874_040_841,
    -1.644_853_626_951_472_2,
    -0.674_489_750_196_081_7,
    0.0,
    0.674_489_750_196_081_7,
    1.644_853_626_951_472_2,
    2.326_347_874_040_841,
    3.090_232_306_167_813,
];

impl Function {
    /// `,Average,Count,Minimum,Maximum,percentile_Average_0,...,_100\n` of the durations file.
    pub(super) fn push_durations(&self, line: &mut Vec<u8>, count: u64) {
        let s = self.exec_spread;
        let median = self.exec_mean_ms * (-s * s / 2.0).exp();
        let most_ms = EXEC_MEAN_RANGE_S.1 * 1_000.0;
        let q = DURATION_Z.map(|z| (median * (s * z).exp()).min(most_ms));
        line.push(b',');
        push_decimal(line, self.exec_mean_ms);
        line.push(b',');
        push_u64(line, count);
        // Minimum and Maximum, then the seven percentiles.
        for v in [q[0], q[6]].iter().chain(&q) {
            line.push(b',');
            push_decimal(line, *v);
        }
        line.push(b'\n');
    }
}

impl App {
    /// `,SampleCount,AverageAllocatedMb,_pct1,...,_pct100\n` of the memory file.
    pub(super) fn push_memory(&self, line: &mut Vec<u8>, day: &AppDay) {
        let minutes: u32 = day.active.iter().map(|w| w.count_ones()).sum();
        line.push(b',');
        push_u64(line, 12 * u64::from(minutes));
        line.push(b',');
        push_decimal(line, self.memory_mb);
        let s = self.memory_spread;
        let median = self.memory_mb * (-s * s / 2.0).exp();
        for z in MEMORY_Z {
            line.push(b',');
            push_decimal(line, median * (s * z).exp());
        }
        line.push(b'\n');
    }
}

/// An app's day, gathered from its functions' rows.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct AppDay {
    pub(super) invocations: u64,
    /// Minutes with at least one invocation, as bits.
    pub(super) active: [u64; MINUTE_WORDS],
}

/// The three identifiers of a row, each a bijective mix of its index.
pub(super) struct Ids {
    owner: [u64; 4],
    app: [u64; 4],
    function: [u64; 4],
}

impl Ids {
    pub(super) fn of(keys: &[u64; 3], owner: u64, app: u64, function: u64) -> Ids {
        Ids {
            owner: hash(keys[0], owner),
            app: hash(keys[1], app),
            function: hash(keys[2], function),
        }
    }

    /// `owner,app,function`.
    pub(super) fn push_function(&self, line: &mut Vec<u8>) {
        self.push_app(line);
        line.push(b',');
        push_hex(line, &self.function);
    }

    /// `owner,app`.
    pub(super) fn push_app(&self, line: &mut Vec<u8>) {
        push_hex(line, &self.owner);
        line.push(b',');
        push_hex(line, &self.app);
    }
}

/// 256 bits naming `index`: the first word a bijection of it (distinct indices, distinct
/// names), the others mixed from the first.
fn hash(key: u64, index: u64) -> [u64; 4] {
    let first = mix(index ^ key);
    [
        first,
        mix(first ^ 0x9e37_79b9_7f4a_7c15),
        mix(first ^ 0x3c6e_f372_fe94_f82a),
        mix(first ^ 0xdaa6_6d2c_7ddf_743f),
    ]
}

/// MurmurHash3's 64-bit finaliser: a bijection that scatters nearby inputs.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn push_hex(line: &mut Vec<u8>, words: &[u64; 4]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for w in words {
        for shift in (0..16).rev() {
            line.push(DIGITS[((w >> (4 * shift)) & 0xf) as usize]);
        }
    }
}

pub(super) fn push_u64(line: &mut Vec<u8>, n: u64) {
    line.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A number with three decimals at most, trailing zeros dropped: `12.5`, `7`, `0.042`.
fn push_decimal(line: &mut Vec<u8>, v: f64) {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    line.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_distinct_and_look_like_the_datasets() {
        let mut seen: Vec<[u64; 4]> = (0..10_000).map(|i| hash(12345, i)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000);
        let mut line = Vec::new();
        push_hex(&mut line, &hash(1, 2));
        assert_eq!(line.len(), 64);
        assert!(
            line.iter()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn numbers_are_written_by_fixed_rules() {
        let text = |v: f64| {
            let mut l = Vec::new();
            push_decimal(&mut l, v);
            String::from_utf8(l).expect("ASCII")
        };
        assert_eq!(text(12.5), "12.5");
        assert_eq!(text(7.0), "7");
        assert_eq!(text(0.0424), "0.042");
        assert_eq!(text(1234.5678), "1234.568");
        let mut l = Vec::new();
        for n in [0, 7, 10, 1_440, u64::MAX] {
            push_u64(&mut l, n);
            l.push(b' ');
        }
        assert_eq!(l, b"0 7 10 1440 18446744073709551615 ");
    }
}

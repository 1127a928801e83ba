//! Compact specs written on the command line: keep-alive policies (`fixed:10m`, `hybrid:range=4h`), warmers (`5m,2`), objectives (`p99<300ms`), and the suggestions that follow an unknown word.

use crate::model::dist::TimeDist;
use crate::model::function::Warmer;
use crate::model::keep_alive::{HybridSpec, IdlePoint, KeepAliveSpec};
use crate::model::objective::{Metric, Percentile, Slo, Unit};
use crate::model::scenario::{MAX_ACCOUNT_CONCURRENCY, MAX_MEMORY_MB, PlatformTarget};
use crate::model::what_if::{Change, Policy, Sheet};
use crate::time::SimDuration;

/// Whether `text` names a keep-alive policy kind (what comes before its `:`).
pub fn is_keep_alive(text: &str) -> bool {
    let kind = text.split_once(':').map_or(text, |(k, _)| k);
    KINDS.contains(&kind)
}

/// Parses a compact policy spec: `fixed:10m`, `fixed-once:10m`, `none`, `uniform:5m-7m`,
/// `preset:aws-lambda-2019`, `hybrid`, `hybrid:range=4h,head=5,tail=99`,
/// `empirical:5m=0.2,15m=1`.
pub fn keep_alive(text: &str) -> Result<KeepAliveSpec, String> {
    let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
    let spec = match (kind, arg) {
        ("none", "") => KeepAliveSpec::None,
        ("fixed", a) | ("fixed-once", a) => KeepAliveSpec::Fixed {
            idle: SimDuration::parse(a)?,
            extend: (kind == "fixed-once").then_some(false),
        },
        ("uniform", a) => {
            let (min, max) = a
                .split_once('-')
                .ok_or_else(|| format!("{text:?}: write uniform:MIN-MAX, like uniform:5m-7m"))?;
            KeepAliveSpec::Uniform {
                min: SimDuration::parse(min)?,
                max: SimDuration::parse(max)?,
            }
        }
        ("preset", a) => KeepAliveSpec::Preset {
            name: a.to_string(),
        },
        ("hybrid", a) => KeepAliveSpec::Hybrid(hybrid(a)?),
        ("empirical", a) => KeepAliveSpec::Empirical {
            points: idle_points(a)?,
        },
        _ => {
            return Err(format!(
                "unknown policy {text:?}{}; write {FORMS}",
                did_you_mean(kind, &KINDS)
            ));
        }
    };
    spec.validate().map_err(|e| e.to_string())?;
    Ok(spec)
}

/// Parses a measured curve's points: `1m=0,5m=0.3,15m=1` (idle gap = probability of a cold
/// start).
fn idle_points(args: &str) -> Result<Vec<IdlePoint>, String> {
    args.split(',')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (gap, p) = pair.split_once('=').ok_or_else(|| {
                format!(
                    "empirical:{args}: write GAP=PROBABILITY pairs, like empirical:5m=0.2,15m=1"
                )
            })?;
            let p = p
                .parse::<f64>()
                .map_err(|_| format!("empirical {pair}: {p:?} is not a probability"))?;
            Ok(IdlePoint(SimDuration::parse(gap)?, p))
        })
        .collect()
}

/// Parses the compact form's arguments: `range=4h,bin=1m,head=5,tail=99,margin=0.1`.
pub fn hybrid(args: &str) -> Result<HybridSpec, String> {
    let mut h = HybridSpec::default();
    for pair in args.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("hybrid:{args}: write KEY=VALUE pairs, like range=4h,head=5"))?;
        let num = || {
            v.parse::<f64>()
                .map_err(|_| format!("hybrid {k}={v}: not a number"))
        };
        match k {
            "range" => h.range = Some(SimDuration::parse(v)?),
            "bin" => h.bin = Some(SimDuration::parse(v)?),
            "head" => h.head = Some(num()?),
            "tail" => h.tail = Some(num()?),
            "margin" => h.margin = Some(num()?),
            "cv" | "cv_threshold" => h.cv_threshold = Some(num()?),
            "oob" | "oob_threshold" => h.oob_threshold = Some(num()?),
            "min_samples" => {
                h.min_samples = Some(
                    v.parse()
                        .map_err(|_| format!("hybrid min_samples={v}: not a whole number"))?,
                )
            }
            "alpha" => h.alpha = Some(num()?),
            "forecast_margin" => h.forecast_margin = Some(num()?),
            "forecast_min_samples" => {
                h.forecast_min_samples =
                    Some(v.parse().map_err(|_| {
                        format!("hybrid forecast_min_samples={v}: not a whole number")
                    })?)
            }
            _ => {
                return Err(format!(
                    "hybrid: unknown key {k:?}; known: range, bin, head, tail, margin, cv_threshold, oob_threshold, min_samples, alpha, forecast_margin, forecast_min_samples"
                ));
            }
        }
    }
    h.validate().map_err(|e| e.to_string())?;
    Ok(h)
}

/// Parses a compact warmer spec: `5m` (one container) or `5m,3` (three), each ping 1 ms.
pub fn warmer(text: &str) -> Result<Warmer, String> {
    let (every, n) = text.split_once(',').unwrap_or((text, "1"));
    let n = n
        .parse()
        .map_err(|_| format!("warmer:{text}: write warmer:EVERY[,CONTAINERS], like warmer:5m,2"))?;
    Warmer::new(
        SimDuration::parse(every)?,
        n,
        SimDuration::from_millis_f64(1.0),
    )
    .map_err(|e| e.to_string())
}

/// Parses `METRIC<VALUE` or `METRIC<=VALUE`: latencies `p50`, `p90`, `p95`, `p99`, `p999`,
/// `mean`, `max` with a duration (`300ms`, `1.5s`); ratios `cold_start_ratio` and
/// `throttled_ratio` with a fraction (`0.01`) or a percentage (`1%`).
pub fn slo(text: &str) -> Result<Slo, String> {
    let (name, rest, inclusive) = if let Some((a, b)) = text.split_once("<=") {
        (a, b, true)
    } else if let Some((a, b)) = text.split_once('<') {
        (a, b, false)
    } else {
        return Err(format!(
            "{text:?}: write METRIC<VALUE, like \"p99<300ms\" or \"cold_start_ratio<0.01\""
        ));
    };
    let (name, rest) = (name.trim(), rest.trim());
    let metric = match name {
        "p50" => Metric::Latency(Percentile::P50),
        "p90" => Metric::Latency(Percentile::P90),
        "p95" => Metric::Latency(Percentile::P95),
        "p99" => Metric::Latency(Percentile::P99),
        "p999" => Metric::Latency(Percentile::P999),
        "mean" => Metric::MeanLatency,
        "max" => Metric::MaxLatency,
        "cold_start_ratio" => Metric::ColdStartRatio,
        "throttled_ratio" => Metric::ThrottledRatio,
        _ => {
            return Err(format!(
                "{text:?}: unknown metric {name:?}; use p50, p90, p95, p99, p999, mean, max, cold_start_ratio or throttled_ratio"
            ));
        }
    };
    let (bound, unit) = match metric {
        Metric::ColdStartRatio | Metric::ThrottledRatio => {
            let (v, unit) = match rest.strip_suffix('%') {
                Some(p) => (p, Unit::Percent),
                None => (rest, Unit::Fraction),
            };
            let bound = v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(|x| x * unit.scale())
                .ok_or_else(|| format!("{text:?}: {rest:?} is not a ratio like 0.01 or 1%"))?;
            (bound, unit)
        }
        _ => parse_ms(rest)
            .ok_or_else(|| format!("{text:?}: {rest:?} is not a duration like 300ms or 1.5s"))?,
    };
    Ok(Slo {
        text: text.to_string(),
        metric,
        bound,
        inclusive,
        unit,
    })
}

/// A decimal duration in milliseconds and the unit it was written in: `300ms`, `1.5s`, `250` (ms).
fn parse_ms(text: &str) -> Option<(f64, Unit)> {
    let t = text.trim();
    let (num, unit) = if let Some(n) = t.strip_suffix("ms") {
        (n, Unit::Ms)
    } else if let Some(n) = t.strip_suffix("us") {
        (n, Unit::Us)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, Unit::S)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, Unit::Min)
    } else {
        (t, Unit::Ms)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map(|x| (x * unit.scale(), unit))
}

/// Every form of a compared policy, for messages.
pub const POLICY_FORMS: &str = "fixed:10m, fixed-once:10m, none, uniform:5m-7m, preset:NAME, hybrid[:range=4h,head=5,tail=99], empirical:5m=0.2,15m=1, provisioned:N, warmer:EVERY[,N], snapstart:RESTORE[-MAX], memory:MB or platform:KIND";

/// A SnapStart restore time: `400ms` (always) or `300ms-600ms` (uniform between the two).
fn restore(text: &str) -> Result<TimeDist, String> {
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (SimDuration::parse(a)?, SimDuration::parse(b)?),
        None => {
            let d = SimDuration::parse(text)?;
            (d, d)
        }
    };
    if hi < lo {
        return Err(format!(
            "the longest restore ({hi}) is below the shortest ({lo})"
        ));
    }
    Ok(if lo == hi {
        TimeDist::Constant(lo)
    } else {
        TimeDist::Uniform {
            min_us: lo.as_micros(),
            max_us: hi.as_micros(),
        }
    })
}

/// Parses a compact spec: a keep-alive spec (`fixed:10m`, `fixed-once:10m`, `none`,
/// `uniform:5m-7m`, `preset:NAME`, `hybrid[:k=v,...]`), `provisioned:N` or `warmer:EVERY[,N]`.
pub fn policy(text: &str) -> Result<Policy, String> {
    let change = if let Some(n) = text.strip_prefix("provisioned:") {
        match n.parse::<u32>() {
            Ok(n @ 0..=MAX_ACCOUNT_CONCURRENCY) => Change::Provisioned(n),
            _ => {
                return Err(format!(
                    "{text:?}: write provisioned:N with N from 0 to {MAX_ACCOUNT_CONCURRENCY} containers"
                ));
            }
        }
    } else if let Some(w) = text.strip_prefix("warmer:") {
        Change::Warmer(warmer(w)?)
    } else if let Some(r) = text.strip_prefix("snapstart:") {
        Change::SnapStart(restore(r).map_err(|e| {
            format!("{text:?}: {e}; write snapstart:RESTORE (a restore time, like snapstart:400ms) or snapstart:MIN-MAX (uniform, like snapstart:300ms-600ms)")
        })?)
    } else if let Some(m) = text.strip_prefix("memory:") {
        match m.parse::<u32>() {
            Ok(mb @ 1..=MAX_MEMORY_MB) => Change::Memory(mb),
            _ => {
                return Err(format!(
                    "{text:?}: write memory:MB with MB from 1 to {}",
                    MAX_MEMORY_MB
                ));
            }
        }
    } else if let Some(p) = text.strip_prefix("platform:") {
        let target = PlatformTarget::parse(p).map_err(|e| format!("{text:?}: {e}"))?;
        Change::Platform(target, Sheet::built_in(target))
    } else if is_keep_alive(text) {
        Change::KeepAlive(keep_alive(text)?)
    } else {
        let kind = text.split_once(':').map_or(text, |(k, _)| k);
        return Err(format!(
            "unknown policy {text:?}{}; write {POLICY_FORMS}",
            did_you_mean(
                kind,
                &[
                    &KINDS[..],
                    &["provisioned", "warmer", "snapstart", "memory", "platform"]
                ]
                .concat()
            )
        ));
    };
    Ok(Policy {
        label: text.to_string(),
        change,
    })
}

/// The kinds of compact keep-alive specs, the part before the `:`.
pub const KINDS: [&str; 7] = [
    "fixed",
    "fixed-once",
    "none",
    "uniform",
    "preset",
    "hybrid",
    "empirical",
];

/// Every form of a compact keep-alive spec, for messages.
pub const FORMS: &str = "fixed:10m, fixed-once:10m, none, uniform:5m-7m, preset:NAME, hybrid[:range=4h,head=5,tail=99] or empirical:5m=0.2,15m=1";

/// ` (did you mean "x"?)` when one of `known` is within two edits of `written` (or starts
/// with it), else nothing.
pub fn did_you_mean(written: &str, known: &[&str]) -> String {
    let prefixed = known
        .iter()
        .find(|k| !written.is_empty() && k.starts_with(written));
    let near = || {
        known
            .iter()
            .map(|k| (strsim::levenshtein(k, written), k))
            .min()
            .filter(|&(d, _)| d <= 2)
            .map(|(_, k)| k)
    };
    prefixed
        .or_else(near)
        .map_or_else(String::new, |k| format!(" (did you mean {k:?}?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restore_is_a_constant_or_a_uniform_range() {
        assert_eq!(
            restore("400ms"),
            Ok(TimeDist::Constant(SimDuration::from_millis(400)))
        );
        assert_eq!(
            restore("300ms-500ms"),
            Ok(TimeDist::Uniform {
                min_us: 300_000,
                max_us: 500_000
            })
        );
        assert_eq!(
            restore("400ms-400ms"),
            Ok(TimeDist::Constant(SimDuration::from_millis(400)))
        );
    }

    #[test]
    fn suggestions_are_within_two_edits_or_extend_what_was_written() {
        let known = ["fixed", "fixed-once", "hybrid", "provisioned"];
        assert_eq!(did_you_mean("fxed", &known), " (did you mean \"fixed\"?)");
        assert_eq!(
            did_you_mean("hybird", &known),
            " (did you mean \"hybrid\"?)"
        );
        assert_eq!(
            did_you_mean("prov", &known),
            " (did you mean \"provisioned\"?)"
        );
        assert_eq!(did_you_mean("fixxxxed", &known), "");
        assert_eq!(did_you_mean("", &known), "");
        assert_eq!(did_you_mean("sometimes", &known), "");
    }

    #[test]
    fn compact_specs_parse_and_bad_ones_say_what_to_write() {
        assert_eq!(
            keep_alive("fixed:10m"),
            Ok(KeepAliveSpec::Fixed {
                idle: SimDuration::from_secs(600),
                extend: None
            })
        );
        assert_eq!(keep_alive("none"), Ok(KeepAliveSpec::None));
        assert!(keep_alive("uniform:7m-5m").is_err());
        assert!(keep_alive("preset:aws-lambda-2019").is_ok());
        let err = keep_alive("preset:aws").expect_err("unknown");
        assert!(err.contains("aws-lambda-2019"), "{err}");
        assert!(keep_alive("sometimes").is_err());
    }

    #[test]
    fn a_measured_curve_parses_and_a_bad_point_is_named() {
        let m = |min: u64, p: f64| IdlePoint(SimDuration::from_secs(60 * min), p);
        assert_eq!(
            keep_alive("empirical:3m=0,6m=0.4,7m=1"),
            Ok(KeepAliveSpec::Empirical {
                points: vec![m(3, 0.0), m(6, 0.4), m(7, 1.0)]
            })
        );
        assert!(
            keep_alive("empirical:3m")
                .expect_err("no =")
                .contains("GAP=PROBABILITY")
        );
        assert!(
            keep_alive("empirical:3m=x")
                .expect_err("not a number")
                .contains("\"x\"")
        );
        assert!(
            keep_alive("empirical:3m=0.5")
                .expect_err("not 1 at the end")
                .contains("last")
        );
    }

    #[test]
    fn bad_knobs_are_named() {
        assert!(hybrid("head=50,tail=10").expect_err("bad").contains("head"));
        assert!(hybrid("range=1m,bin=5m").expect_err("bad").contains("bin"));
        assert!(hybrid("speed=3").expect_err("bad").contains("speed"));
        assert_eq!(
            hybrid("range=4h,head=5,tail=99"),
            Ok(HybridSpec {
                range: Some(SimDuration::from_secs(4 * 3600)),
                head: Some(5.0),
                tail: Some(99.0),
                ..Default::default()
            })
        );
        // Every key the message lists is read into its own field.
        assert_eq!(
            hybrid(
                "bin=2m,margin=0.2,cv=1.5,oob=0.4,min_samples=7,alpha=0.3,\
                 forecast_margin=0.25,forecast_min_samples=4"
            ),
            Ok(HybridSpec {
                bin: Some(SimDuration::from_secs(120)),
                margin: Some(0.2),
                cv_threshold: Some(1.5),
                oob_threshold: Some(0.4),
                min_samples: Some(7),
                alpha: Some(0.3),
                forecast_margin: Some(0.25),
                forecast_min_samples: Some(4),
                ..Default::default()
            })
        );
        assert!(
            hybrid("forecast_min_samples=2.5")
                .expect_err("bad")
                .contains("forecast_min_samples=2.5: not a whole number")
        );
    }

    #[test]
    fn objectives_parse_with_units() {
        let s = slo("p99<300ms").expect("ok");
        assert_eq!(
            (s.metric, s.bound, s.inclusive),
            (Metric::Latency(Percentile::P99), 300.0, false)
        );
        assert_eq!(slo("p99<=1.5s").expect("ok").bound, 1500.0);
        assert_eq!(slo("cold_start_ratio<1%").expect("ok").bound, 0.01);
        assert_eq!(slo("cold_start_ratio < 0.02").expect("ok").bound, 0.02);
        assert!(slo("p98<3ms").expect_err("bad").contains("unknown metric"));
        assert!(slo("p99>3ms").expect_err("bad").contains("METRIC<VALUE"));
        assert!(slo("p99<fast").expect_err("bad").contains("duration"));
        // Only finite, non-negative bounds.
        assert!(slo("p99<-5ms").is_err());
        assert!(slo("p99<infms").is_err());
        assert!(slo("p99<0ms").is_ok());
    }

    #[test]
    fn specs_parse() {
        assert_eq!(
            policy("provisioned:5").expect("ok").change,
            Change::Provisioned(5)
        );
        assert!(matches!(
            policy("warmer:5m,2").expect("ok").change,
            Change::Warmer(Warmer { containers: 2, .. })
        ));
        assert!(matches!(
            policy("hybrid").expect("ok").change,
            Change::KeepAlive(KeepAliveSpec::Hybrid(_))
        ));
        assert_eq!(
            policy("memory:1024").expect("ok").change,
            Change::Memory(1024)
        );
        assert_eq!(policy("memory:1").expect("ok").change, Change::Memory(1));
        assert!(policy("memory:0").is_err());
        assert!(policy("memory:10241").is_err());
        assert!(policy("provisioned:x").is_err());
        assert!(policy("provisioned:1000001").is_err());
        assert!(policy("warmer:soon").is_err());
    }
}

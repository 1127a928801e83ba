//! Keep-alive policies: what becomes of a container that has just gone idle, behind the [`KeepAlive`] trait.

use rand::RngExt;
use serde::Deserialize;

use crate::rng::SimRng;
use crate::sim::policy::hybrid::{Hybrid, HybridSpec};
use crate::time::{SimDuration, SimTime};

/// A keep-alive policy as written in a scenario, e.g. `{ policy = "fixed", idle = "10m" }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "policy", rename_all = "lowercase", deny_unknown_fields)]
pub enum KeepAliveSpec {
    /// Keep each idle container for `idle`. With `extend = true` (the default) the timer
    /// restarts after every invocation; with `extend = false` the window runs from the
    /// container's first idle moment and reuse does not extend it (set once).
    Fixed {
        /// The idle window; may be longer than the run (`"3650d"`: never reclaimed).
        idle: SimDuration,
        /// Whether every invocation restarts the window (default true).
        #[serde(default)]
        extend: Option<bool>,
    },
    /// Reclaim a container as soon as it goes idle.
    None,
    /// Draw each idle window uniformly from `[min, max]`, since the platform does not guarantee one.
    Uniform {
        /// The shortest window.
        min: SimDuration,
        /// The longest window.
        max: SimDuration,
    },
    /// A platform's measured behaviour, by name (see [`PRESETS`]).
    Preset {
        /// The preset's name, like `"aws-lambda-2019"`.
        name: String,
    },
    /// The hybrid histogram policy of Shahrad et al., "Serverless in the Wild" (ATC 2020).
    Hybrid(HybridSpec),
}

/// Platform presets: (name, policy, source). Each is a fixed or uniform window calibrated to a
/// public measurement of idle lifetimes before reclaim.
pub const PRESETS: [(&str, &str, &str); 6] = [
    (
        "aws-lambda-2017",
        "uniform 45m to 60m",
        "Yan Cui, \"How long does AWS Lambda keep your idle functions around before a cold start?\", 2017: generally 45 to 60 minutes",
    ),
    (
        "aws-lambda-2019-early",
        "uniform 22m to 65m",
        "Kevin Lin, \"Benchmarking Lambda's idle timeout before a cold start\", January to February 2019: 22 to 65 minutes in us-east-1 (26 in us-west-2)",
    ),
    (
        "aws-lambda-2019",
        "fixed 10m",
        "Mikhail Shilkov, \"AWS Lambda cold starts after 10 minutes\", 2019: a fixed 10 minutes after the last request, from July 2019",
    ),
    (
        "aws-lambda-recent",
        "uniform 5m to 7m",
        "Mikhail Shilkov, \"When does cold start happen on AWS Lambda?\" (current revision): 5 to 7 minutes",
    ),
    (
        "azure-functions-2019",
        "fixed 20m",
        "Shahrad et al., \"Serverless in the Wild\", USENIX ATC 2020: Azure Functions kept idle instances for a fixed 20 minutes",
    ),
    (
        "none",
        "none",
        "no keep-alive at all: every start is cold (a lower bound)",
    ),
];

impl KeepAliveSpec {
    /// The concrete policy behind a preset name.
    pub fn preset(name: &str) -> Result<KeepAliveSpec, String> {
        let m = |s: u64| SimDuration::from_secs(60 * s);
        Ok(match name {
            "aws-lambda-2017" => KeepAliveSpec::Uniform {
                min: m(45),
                max: m(60),
            },
            "aws-lambda-2019-early" => KeepAliveSpec::Uniform {
                min: m(22),
                max: m(65),
            },
            "aws-lambda-2019" => KeepAliveSpec::Fixed {
                idle: m(10),
                extend: None,
            },
            "aws-lambda-recent" => KeepAliveSpec::Uniform {
                min: m(5),
                max: m(7),
            },
            "azure-functions-2019" => KeepAliveSpec::Fixed {
                idle: m(20),
                extend: None,
            },
            "none" => KeepAliveSpec::None,
            _ => {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                return Err(format!(
                    "unknown preset {name:?}; known presets: {}",
                    names.join(", ")
                ));
            }
        })
    }
}

impl Default for KeepAliveSpec {
    /// Ten minutes, fixed: AWS Lambda's behaviour as measured from 2019 (see [`PRESETS`]).
    fn default() -> Self {
        KeepAliveSpec::Fixed {
            idle: SimDuration::from_secs(600),
            extend: None,
        }
    }
}

/// What a policy decides for a container that has just gone idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Reclaim the container now.
    Reclaim,
    /// Keep the container idle for this long, then reclaim it unless an invocation takes it first.
    KeepFor(SimDuration),
    /// Reclaim the container now, and have a warm one ready `after` from now, kept idle for
    /// `keep` (pre-warming). A later arrival of the function cancels the pending pre-warm.
    Prewarm {
        /// Delay until the pre-warmed container is ready.
        after: SimDuration,
        /// How long it then stays idle, unless an invocation takes it first.
        keep: SimDuration,
    },
}

/// What a policy may know about the container that has just gone idle.
#[derive(Clone, Copy, Debug)]
pub struct IdleContext {
    /// The current instant.
    pub now: SimTime,
    /// When the container was created.
    pub created: SimTime,
    /// When the container first went idle (now, the first time).
    pub first_idle: SimTime,
    /// Invocations the container has served, the one just finished included.
    pub served: u64,
    /// Other containers of the function still busy.
    pub busy: u32,
}

/// A keep-alive policy for one function. Policies decide; the pool acts on the decision.
pub trait KeepAlive: std::fmt::Debug {
    /// Decides the fate of a container that has just finished an invocation and gone idle.
    fn on_idle(&mut self, ctx: &IdleContext, rng: &mut SimRng) -> Decision;

    /// Hears of every arrival of the function, throttled ones included, before it is served.
    /// Policies that learn from traffic override it; the default ignores it.
    fn on_arrival(&mut self, _now: SimTime) {}

    /// `Some(window)` when the policy keeps every idle container for the same window and
    /// learns nothing from arrivals: the engine then applies the window itself, without
    /// calling [`KeepAlive::on_idle`] or [`KeepAlive::on_arrival`] (a hot-path shortcut, same
    /// decisions).
    fn constant_window(&self) -> Option<SimDuration> {
        None
    }
}

/// See [`KeepAliveSpec::Fixed`].
#[derive(Clone, Debug)]
pub struct Fixed {
    idle: SimDuration,
    extend: bool,
}

impl KeepAlive for Fixed {
    fn constant_window(&self) -> Option<SimDuration> {
        self.extend.then_some(self.idle)
    }

    fn on_idle(&mut self, ctx: &IdleContext, _: &mut SimRng) -> Decision {
        if self.extend {
            return Decision::KeepFor(self.idle);
        }
        let end = ctx.first_idle + self.idle;
        if end > ctx.now {
            Decision::KeepFor(end - ctx.now)
        } else {
            Decision::Reclaim
        }
    }
}

/// See [`KeepAliveSpec::None`].
#[derive(Clone, Debug)]
pub struct Reclaim;

impl KeepAlive for Reclaim {
    fn on_idle(&mut self, _: &IdleContext, _: &mut SimRng) -> Decision {
        Decision::Reclaim
    }
}

/// See [`KeepAliveSpec::Uniform`].
#[derive(Clone, Debug)]
pub struct Uniform {
    min_us: u64,
    max_us: u64,
}

impl KeepAlive for Uniform {
    fn on_idle(&mut self, _: &IdleContext, rng: &mut SimRng) -> Decision {
        Decision::KeepFor(SimDuration(rng.random_range(self.min_us..=self.max_us)))
    }
}

impl KeepAliveSpec {
    /// Checks the parameters; the error names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            KeepAliveSpec::Uniform { min, max } if max < min => {
                Err(format!("max ({max}) must not be below min ({min})"))
            }
            KeepAliveSpec::Preset { name } => KeepAliveSpec::preset(name).map(|_| ()),
            KeepAliveSpec::Hybrid(h) => h.validate(),
            _ => Ok(()),
        }
    }

    /// Builds a fresh policy with no memory of earlier runs (the spec must be valid).
    pub fn build(&self) -> Box<dyn KeepAlive> {
        match self {
            KeepAliveSpec::Fixed { idle, extend } => Box::new(Fixed {
                idle: *idle,
                extend: extend.unwrap_or(true),
            }),
            KeepAliveSpec::None => Box::new(Reclaim),
            KeepAliveSpec::Uniform { min, max } => Box::new(Uniform {
                min_us: min.as_micros(),
                max_us: max.as_micros(),
            }),
            KeepAliveSpec::Preset { name } => KeepAliveSpec::preset(name)
                .unwrap_or_else(|e| unreachable!("validated preset: {e}"))
                .build(),
            KeepAliveSpec::Hybrid(h) => Box::new(Hybrid::new(h)),
        }
    }

    /// Whether `text` names a keep-alive policy kind (what comes before its `:`).
    pub fn is_compact(text: &str) -> bool {
        let kind = text.split_once(':').map_or(text, |(k, _)| k);
        KINDS.contains(&kind)
    }

    /// Parses a compact policy spec: `fixed:10m`, `fixed-once:10m`, `none`, `uniform:5m-7m`,
    /// `preset:aws-lambda-2019`, `hybrid`, `hybrid:range=4h,head=5,tail=99`.
    pub fn parse_compact(text: &str) -> Result<KeepAliveSpec, String> {
        let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
        let spec = match (kind, arg) {
            ("none", "") => KeepAliveSpec::None,
            ("fixed", a) | ("fixed-once", a) => KeepAliveSpec::Fixed {
                idle: SimDuration::parse(a)?,
                extend: (kind == "fixed-once").then_some(false),
            },
            ("uniform", a) => {
                let (min, max) = a.split_once('-').ok_or_else(|| {
                    format!("{text:?}: write uniform:MIN-MAX, like uniform:5m-7m")
                })?;
                KeepAliveSpec::Uniform {
                    min: SimDuration::parse(min)?,
                    max: SimDuration::parse(max)?,
                }
            }
            ("preset", a) => KeepAliveSpec::Preset {
                name: a.to_string(),
            },
            ("hybrid", a) => KeepAliveSpec::Hybrid(HybridSpec::parse_compact(a)?),
            _ => {
                return Err(format!(
                    "unknown policy {text:?}{}; write {FORMS}",
                    did_you_mean(kind, &KINDS)
                ));
            }
        };
        spec.validate()?;
        Ok(spec)
    }
}

/// The kinds of compact keep-alive specs, the part before the `:`.
pub const KINDS: [&str; 6] = ["fixed", "fixed-once", "none", "uniform", "preset", "hybrid"];

/// Every form of a compact keep-alive spec, for messages.
pub const FORMS: &str = "fixed:10m, fixed-once:10m, none, uniform:5m-7m, preset:NAME or hybrid[:range=4h,head=5,tail=99]";

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
    use crate::rng::Streams;

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

    fn ctx(now: u64, first_idle: u64) -> IdleContext {
        IdleContext {
            now: SimTime(now),
            created: SimTime(0),
            first_idle: SimTime(first_idle),
            served: 1,
            busy: 0,
        }
    }

    #[test]
    fn a_set_once_window_is_not_extended_by_reuse() {
        let mut rng = Streams::new(1).stream();
        let mut p = KeepAliveSpec::parse_compact("fixed-once:10m")
            .expect("valid")
            .build();
        let ten = SimDuration::from_secs(600).as_micros();
        assert_eq!(
            p.on_idle(&ctx(100, 100), &mut rng),
            Decision::KeepFor(SimDuration(ten))
        );
        assert_eq!(
            p.on_idle(&ctx(100 + 60_000_000, 100), &mut rng),
            Decision::KeepFor(SimDuration(ten - 60_000_000))
        );
        assert_eq!(p.on_idle(&ctx(100 + ten, 100), &mut rng), Decision::Reclaim);
    }

    #[test]
    fn compact_specs_parse_and_bad_ones_say_what_to_write() {
        assert_eq!(
            KeepAliveSpec::parse_compact("fixed:10m"),
            Ok(KeepAliveSpec::Fixed {
                idle: SimDuration::from_secs(600),
                extend: None
            })
        );
        assert_eq!(
            KeepAliveSpec::parse_compact("none"),
            Ok(KeepAliveSpec::None)
        );
        assert!(KeepAliveSpec::parse_compact("uniform:7m-5m").is_err());
        assert!(KeepAliveSpec::parse_compact("preset:aws-lambda-2019").is_ok());
        let err = KeepAliveSpec::parse_compact("preset:aws").expect_err("unknown");
        assert!(err.contains("aws-lambda-2019"), "{err}");
        assert!(KeepAliveSpec::parse_compact("sometimes").is_err());
    }

    #[test]
    fn every_preset_builds() {
        for (name, _, _) in PRESETS {
            let spec = KeepAliveSpec::Preset { name: name.into() };
            assert_eq!(spec.validate(), Ok(()), "{name}");
            let _ = spec.build();
        }
    }
}

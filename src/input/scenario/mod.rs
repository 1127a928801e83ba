//! The scenario file: TOML parsed into raw structs, then validated into a [`Scenario`] the engine trusts.
//!
//! Parse, then validate: serde refuses unknown keys and wrong types ([`raw`]); the validators
//! (one per table, [`validate`]) then check every value (positive rates, memory, bounds) and
//! resolve `[defaults]`. Every error names the file, the line when it can be found, and the
//! key ([`locate`]).

mod error;
mod locate;
mod raw;
mod validate;

use std::path::Path;

pub use error::ScenarioError;
use locate::{Checker, serde_key, with_suggestion};
use raw::RawScenario;

use crate::model::scenario::{MAX_SCENARIO_BYTES, Scenario};
use crate::text::line_at;

impl Scenario {
    /// Reads and validates a scenario file, of at most [`MAX_SCENARIO_BYTES`].
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SCENARIO_BYTES + 1).read_to_string(&mut text))
            .map_err(|source| ScenarioError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if text.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::Syntax {
                path: path.to_path_buf(),
                line: None,
                key: String::new(),
                message: format!(
                    "larger than {MAX_SCENARIO_BYTES} bytes; is it a scenario? (a trace goes in [workload] trace)"
                ),
            });
        }
        Scenario::from_toml(&text, path)
    }

    /// Parses and validates scenario text; `path` only names the source in errors and gives the default name.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, path, None)
    }

    /// Parses and validates a what-if edit of the scenario `written` (its text with some keys
    /// set): a function's times stay measured at the size the file gives it (its
    /// `reference_memory_mb` unless the edit sets one), as [`Function::with_memory`] does.
    pub fn from_toml_variant(
        text: &str,
        path: &Path,
        written: &Scenario,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, path, Some(written))
    }

    fn parse(
        text: &str,
        path: &Path,
        written: Option<&Scenario>,
    ) -> Result<Scenario, ScenarioError> {
        let de = toml::Deserializer::parse(text).map_err(|e| syntax(path, text, "", &e))?;
        let doc = toml_edit::Document::parse(text).ok();
        let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = serde_key(doc.as_ref(), e.path());
            let key = if key == "." || key.is_empty() {
                String::new()
            } else {
                format!("{key}: ")
            };
            syntax(path, text, &key, e.inner())
        })?;
        let check = Checker {
            path,
            doc,
            text,
            written,
        };
        raw.validate(&check)
    }
}

fn syntax(path: &Path, text: &str, key: &str, e: &toml::de::Error) -> ScenarioError {
    ScenarioError::Syntax {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_at(text, s.start)),
        key: key.to_string(),
        message: with_suggestion(&e.message().trim().replace('\n', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::{Arch, Package};
    use crate::model::keep_alive::KeepAliveSpec;
    use crate::time::SimDuration;

    const EXAMPLE: &str = r#"
name = "checkout"
seed = 7
duration = "6h"          # arrivals are generated in [0, duration)
warmup = "10m"           # optional: statistics ignore this prefix

[platform]
account_concurrency = 1000
routing = "mru"

[[function]]
name = "checkout-api"
memory_mb = 1024
arch = "arm64"
arrival = { process = "poisson", rate_per_s = 25.0 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 350 }
keep_alive = { policy = "fixed", idle = "10m" }
"#;

    fn parse(text: &str) -> Result<Scenario, String> {
        Scenario::from_toml(text, Path::new("s.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_documented_example_parses() {
        let s = parse(EXAMPLE).expect("valid");
        assert_eq!(s.name, "checkout");
        assert_eq!(s.seed, 7);
        assert_eq!(s.duration, Some(SimDuration::from_secs(6 * 3600)));
        assert_eq!(s.warmup, SimDuration::from_secs(600));
        let f = &s.functions[0];
        assert_eq!((f.memory_mb, f.arch), (1024, Arch::Arm64));
        assert_eq!(
            f.keep_alive,
            KeepAliveSpec::Fixed {
                idle: SimDuration::from_secs(600),
                extend: None
            }
        );
    }

    #[test]
    fn an_unknown_key_names_its_line_and_path() {
        let text = EXAMPLE.replace("rate_per_s = 25.0", "rate_per_sec = 25.0");
        let err = parse(&text).expect_err("unknown key");
        assert!(
            err.starts_with("s.toml:15: function \"checkout-api\".arrival: "),
            "{err}"
        );
        assert!(err.contains("rate_per_sec"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn a_negative_rate_names_its_line_and_key() {
        let text = EXAMPLE.replace("rate_per_s = 25.0", "rate_per_s = -3.0");
        let err = parse(&text).expect_err("negative");
        assert_eq!(
            err,
            "s.toml:15: function \"checkout-api\".arrival: rate_per_s must be positive, got -3"
        );
    }

    #[test]
    fn an_init_preset_samples_the_runtime_measured_at_the_function_size() {
        let text = EXAMPLE.replace(
            r#"init = { dist = "constant", ms = 350 }"#,
            r#"init = { runtime = "python3.12" }"#,
        );
        let s = parse(&text).expect("valid");
        let f = &s.functions[0];
        let want = crate::input::preset::init_preset("python3.12", Arch::Arm64, 1024, Package::Zip)
            .expect("measured");
        assert_eq!(format!("{:?}", f.init), format!("{want:?}"));
        assert!(!f.custom_runtime);
        let text = EXAMPLE.replace(
            r#"init = { dist = "constant", ms = 350 }"#,
            r#"init = { runtime = "rust-provided.al2023" }"#,
        );
        assert!(parse(&text).expect("valid").functions[0].custom_runtime);
    }

    #[test]
    fn defaults_fill_what_a_function_leaves_out() {
        let text = r#"
duration = "1h"
[defaults]
memory_mb = 512
init = { dist = "constant", ms = 100 }
exec = { dist = "constant", ms = 10 }
[[function]]
name = "a"
arrival = { process = "poisson", rate_per_s = 1 }
[[function]]
name = "b"
memory_mb = 256
arrival = { process = "poisson", rate_per_s = 1 }
"#;
        let s = parse(text).expect("valid");
        assert_eq!(s.name, "s");
        assert_eq!(s.functions[0].memory_mb, 512);
        assert_eq!(s.functions[1].memory_mb, 256);
    }

    #[test]
    fn reservations_may_not_exceed_the_account() {
        let text = r#"
duration = "1h"
platform = { account_concurrency = 10 }
[defaults]
init = { dist = "constant", ms = 100 }
exec = { dist = "constant", ms = 10 }
arrival = { process = "poisson", rate_per_s = 1 }
[[function]]
name = "a"
reserved_concurrency = 6
[[function]]
name = "b"
reserved_concurrency = 5
"#;
        let err = parse(text).expect_err("over");
        assert!(
            err.starts_with(
                "s.toml:13: function \"b\".reserved_concurrency: reservations add up to 11"
            ),
            "{err}"
        );
    }
}

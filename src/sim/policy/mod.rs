//! What becomes of a container that has just gone idle, and which idle container a full pool evicts: the keep-alive policies and eviction orders.

pub mod eviction;
pub mod hybrid;
pub mod keep_alive;

use crate::model::keep_alive::KeepAliveSpec;
use crate::sim::policy::hybrid::Hybrid;
use crate::sim::policy::keep_alive::{Empirical, Fixed, KeepAlive, Reclaim, Uniform};

/// Builds a fresh policy with no memory of earlier runs (the spec must be valid).
pub fn build(spec: &KeepAliveSpec) -> Box<dyn KeepAlive> {
    match spec {
        KeepAliveSpec::Fixed { idle, extend } => Box::new(Fixed {
            idle: *idle,
            extend: extend.unwrap_or(true),
        }),
        KeepAliveSpec::None => Box::new(Reclaim),
        KeepAliveSpec::Uniform { min, max } => Box::new(Uniform {
            min_us: min.as_micros(),
            max_us: max.as_micros(),
        }),
        KeepAliveSpec::Preset { name } => build(
            &KeepAliveSpec::preset(name).unwrap_or_else(|e| unreachable!("validated preset: {e}")),
        ),
        KeepAliveSpec::Hybrid(h) => Box::new(Hybrid::new(h)),
        KeepAliveSpec::Empirical { points } => Box::new(Empirical::new(points)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::keep_alive::PRESETS;

    #[test]
    fn every_preset_builds() {
        for (name, _, _) in PRESETS {
            let _ = build(&KeepAliveSpec::Preset { name: name.into() });
        }
    }
}

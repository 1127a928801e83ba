//! Keep-alive policies: what becomes of a container that has just gone idle, behind the [`KeepAlive`] trait.

use rand::RngExt;
use serde::Deserialize;

use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// A keep-alive policy as written in a scenario, e.g. `{ policy = "fixed", idle = "10m" }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "policy", rename_all = "lowercase", deny_unknown_fields)]
pub enum KeepAliveSpec {
    /// Keep each idle container for `idle`; the timer restarts after every invocation.
    Fixed {
        /// The idle window; may be longer than the run (`"3650d"`: never reclaimed).
        idle: SimDuration,
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
}

impl Default for KeepAliveSpec {
    /// Ten minutes, fixed: the middle of the 5 to 15 minutes most often measured on AWS Lambda.
    fn default() -> Self {
        KeepAliveSpec::Fixed {
            idle: SimDuration::from_secs(600),
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
}

/// What a policy may know about the container that has just gone idle.
#[derive(Clone, Copy, Debug)]
pub struct IdleContext {
    /// The current instant.
    pub now: SimTime,
    /// When the container was created.
    pub created: SimTime,
    /// Invocations the container has served, the one just finished included.
    pub served: u64,
}

/// A keep-alive policy for one function. Policies decide; the pool acts on the decision.
pub trait KeepAlive: std::fmt::Debug {
    /// Decides the fate of a container that has just finished an invocation and gone idle.
    fn on_idle(&mut self, ctx: &IdleContext, rng: &mut SimRng) -> Decision;

    /// Hears of every arrival of the function, throttled ones included, before it is served.
    /// Policies that learn from traffic override it; the default ignores it.
    fn on_arrival(&mut self, _now: SimTime) {}
}

/// See [`KeepAliveSpec::Fixed`].
#[derive(Clone, Debug)]
pub struct Fixed {
    idle: SimDuration,
}

impl KeepAlive for Fixed {
    fn on_idle(&mut self, _: &IdleContext, _: &mut SimRng) -> Decision {
        Decision::KeepFor(self.idle)
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
        if let KeepAliveSpec::Uniform { min, max } = self {
            if max < min {
                return Err(format!("max ({max}) must not be below min ({min})"));
            }
        }
        Ok(())
    }

    /// Builds a fresh policy with no memory of earlier runs.
    pub fn build(&self) -> Box<dyn KeepAlive> {
        match self {
            KeepAliveSpec::Fixed { idle } => Box::new(Fixed { idle: *idle }),
            KeepAliveSpec::None => Box::new(Reclaim),
            KeepAliveSpec::Uniform { min, max } => Box::new(Uniform {
                min_us: min.as_micros(),
                max_us: max.as_micros(),
            }),
        }
    }
}

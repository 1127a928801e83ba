//! Keep-alive policies: what becomes of a container that has just gone idle, behind the [`KeepAlive`] trait; the fixed, none and uniform policies.

use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use rand::RngExt;

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

/// See [`crate::model::keep_alive::KeepAliveSpec::Fixed`].
#[derive(Clone, Debug)]
pub struct Fixed {
    pub(super) idle: SimDuration,
    pub(super) extend: bool,
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

/// See [`crate::model::keep_alive::KeepAliveSpec::None`].
#[derive(Clone, Debug)]
pub struct Reclaim;

impl KeepAlive for Reclaim {
    fn on_idle(&mut self, _: &IdleContext, _: &mut SimRng) -> Decision {
        Decision::Reclaim
    }
}

/// See [`crate::model::keep_alive::KeepAliveSpec::Uniform`].
#[derive(Clone, Debug)]
pub struct Uniform {
    pub(super) min_us: u64,
    pub(super) max_us: u64,
}

impl KeepAlive for Uniform {
    fn on_idle(&mut self, _: &IdleContext, rng: &mut SimRng) -> Decision {
        Decision::KeepFor(SimDuration(rng.random_range(self.min_us..=self.max_us)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::keep_alive::KeepAliveSpec;
    use crate::rng::Streams;

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
        let mut p = crate::sim::policy::build(&KeepAliveSpec::Fixed {
            idle: SimDuration::from_secs(600),
            extend: Some(false),
        });
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
}

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

    /// Hears of every arrival of the function, throttled ones included, before it is served;
    /// `busy` when a container of the function is still starting or serving another request.
    /// Policies that learn from traffic override it; the default ignores it.
    fn on_arrival(&mut self, _now: SimTime, _busy: bool) {}

    /// Hears that the function's last busy container has just finished: the function is idle
    /// from `now`, whatever becomes of that container (kept, reclaimed or retired, provisioned
    /// or not). Called before [`KeepAlive::on_idle`]; the default ignores it.
    fn on_quiet(&mut self, _now: SimTime) {}

    /// `Some(window)` when the policy keeps every idle container for the same window and
    /// learns nothing from arrivals: the engine then applies the window itself, without
    /// calling [`KeepAlive::on_idle`], [`KeepAlive::on_arrival`] or [`KeepAlive::on_quiet`] (a hot-path shortcut, same
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

/// See [`crate::model::keep_alive::KeepAliveSpec::Empirical`]: the window is drawn by
/// inverting the curve's piecewise-linear CDF.
#[derive(Clone, Debug)]
pub struct Empirical {
    /// (gap [µs], cumulative probability), starting at (0, 0) unless the curve gives gap 0.
    pub(super) knots: Vec<(u64, f64)>,
}

impl Empirical {
    /// The knots of a validated curve.
    pub fn new(points: &[crate::model::keep_alive::IdlePoint]) -> Empirical {
        let mut knots = Vec::with_capacity(points.len() + 1);
        if points.first().is_some_and(|p| p.0.as_micros() > 0) {
            knots.push((0, 0.0));
        }
        knots.extend(points.iter().map(|p| (p.0.as_micros(), p.1)));
        Empirical { knots }
    }

    /// The window for a uniform draw `u` in [0, 1): the least gap whose CDF exceeds `u`,
    /// interpolated linearly inside its segment.
    pub fn window(&self, u: f64) -> SimDuration {
        let k = self.knots.partition_point(|&(_, p)| p <= u);
        if k == 0 {
            return SimDuration::ZERO;
        }
        // The last probability is 1 > u, so k is a knot, and p0 <= u < p1.
        let (g0, p0) = self.knots[k - 1];
        let (g1, p1) = self.knots[k];
        let span = (g1 - g0) as f64;
        SimDuration(g0 + ((u - p0) / (p1 - p0) * span).round() as u64)
    }
}

impl KeepAlive for Empirical {
    fn on_idle(&mut self, _: &IdleContext, rng: &mut SimRng) -> Decision {
        Decision::KeepFor(self.window(rng.random::<f64>()))
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

    #[test]
    fn an_empirical_window_inverts_the_curve_and_skips_its_flat_stretches() {
        use crate::model::keep_alive::IdlePoint;
        let m = |min: u64, p: f64| IdlePoint(SimDuration::from_secs(60 * min), p);
        let e = Empirical::new(&[m(2, 0.1), m(5, 0.1), m(8, 0.7), m(20, 1.0)]);
        let s = |secs: u64| SimDuration::from_secs(secs);
        assert_eq!(e.window(0.0), s(0));
        assert_eq!(e.window(0.05), s(60));
        // The CDF is flat at 0.1 from 2 to 5 minutes: 0.1 is first exceeded after 5.
        assert_eq!(e.window(0.1), s(300));
        assert_eq!(e.window(0.4), s(390));
        assert_eq!(e.window(0.99), SimDuration(1_176_000_000));
        // A curve that starts at gap 0 puts its first probability on reclaiming at once.
        let z = Empirical::new(&[IdlePoint(SimDuration::ZERO, 0.5), m(1, 1.0)]);
        assert_eq!(z.window(0.2), SimDuration::ZERO);
        assert_eq!(z.window(0.75), s(30));
        let mut rng = Streams::new(1).stream();
        let Decision::KeepFor(w) = e.clone().on_idle(&ctx(0, 0), &mut rng) else {
            panic!("an empirical policy keeps the container for a drawn window");
        };
        assert!(w <= s(1200), "{w}");
    }
}

//! Containers' maximum lifetimes and which retirements get a replacement ahead of time (AWS Lambda's proactive initialization): the rules and their draws; `retire.rs` holds what the engine does with them.

use rand::RngExt;

use crate::model::dist::TimeDist;
use crate::model::scenario::ProactiveInit;
use crate::rng::SimRng;
use crate::time::SimDuration;

/// The platform's lifetime rules, with the stream they draw from when they draw at all.
#[derive(Debug)]
pub struct Lifetimes {
    /// Each container's maximum lifetime.
    pub(super) dist: TimeDist,
    /// Replacements ahead of retirements.
    pub(super) proactive: Option<ProactiveInit>,
    /// Draws of lifetimes and of which retirements are replaced; `None` when nothing is
    /// random (a constant lifetime, and every retirement or none replaced), so that such runs
    /// take no stream.
    pub(super) rng: Option<SimRng>,
}

impl Lifetimes {
    /// Whether these rules draw random numbers (and so need a stream of their own).
    pub fn draws(dist: &TimeDist, proactive: Option<&ProactiveInit>) -> bool {
        !matches!(dist, TimeDist::Constant(_))
            || proactive.is_some_and(|p| p.share > 0.0 && p.share < 1.0)
    }

    /// A container's lifetime, and whether its retirement gets a replacement ahead of time.
    pub(super) fn draw(&mut self) -> (SimDuration, bool) {
        let life = match (&self.dist, &mut self.rng) {
            (TimeDist::Constant(d), _) => *d,
            (d, Some(rng)) => d.sample(rng),
            (_, None) => unreachable!("a random lifetime has a stream"),
        };
        let replaced = match self.proactive {
            None => false,
            Some(p) if p.share >= 1.0 => true,
            Some(p) if p.share <= 0.0 => false,
            Some(p) => match &mut self.rng {
                Some(rng) => rng.random::<f64>() < p.share,
                None => unreachable!("a random share has a stream"),
            },
        };
        (life, replaced)
    }
}

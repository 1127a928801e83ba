//! The engine's rules for containers' caches: a new container's cache (empty or preloaded), each request's hit or miss added to its handler time and counted (per function after the warm-up, and in the time series).

use crate::sim::cache::CacheState;
use crate::sim::engine::Simulation;
use crate::time::SimDuration;

impl Simulation {
    /// Gives a container of function `fi` just created in `slot` its fresh cache, if the
    /// function has one.
    pub(super) fn cache_new(&mut self, fi: usize, slot: u32) {
        let Some(c) = &self.funcs[fi].cache else {
            return;
        };
        let i = slot as usize;
        if self.caches.len() <= i {
            self.caches.resize_with(i + 1, CacheState::default);
        }
        self.caches[i] = c.fresh();
    }

    /// A request of function `fi` on the container in `slot`, with handler time `exec`: its
    /// cache answers, the hit or miss time is added, and the answer counted.
    pub(super) fn cached(&mut self, fi: usize, slot: u32, exec: SimDuration) -> SimDuration {
        let counted = self.now >= self.warmup;
        let func = &mut self.funcs[fi];
        let Some(c) = &mut func.cache else {
            return exec;
        };
        let (hit, extra) = c.ask(&mut self.caches[slot as usize]);
        self.series.cache(self.now, hit);
        if counted {
            if hit {
                func.stats.cache_hits += 1;
            } else {
                func.stats.cache_misses += 1;
            }
        }
        exec + extra
    }
}

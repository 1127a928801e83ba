//! The limits on new containers beyond concurrency: the scaling rate (a token bucket per function) and a memory-bounded pool that evicts idle containers to make room.

use crate::sim::engine::Simulation;
use crate::sim::policy::eviction::Eviction;

impl Simulation {
    /// Refills function `f`'s scaling-rate bucket up to now; whether a cold start may start.
    pub(super) fn has_token(&mut self, f: usize) -> bool {
        let Some((n, every)) = self.scaling else {
            return true;
        };
        let full = u128::from(n) * u128::from(every);
        let func = &mut self.funcs[f];
        let elapsed = (self.now - func.tokens.at).as_micros();
        let bucket = &mut func.tokens;
        bucket.tokens = bucket
            .tokens
            .min(full)
            .saturating_add(u128::from(elapsed) * u128::from(n))
            .min(full);
        bucket.at = self.now;
        bucket.tokens >= u128::from(every)
    }

    /// Makes room for a new container of function `f` in a memory-bounded pool, evicting idle
    /// containers in the rule's order, and counts its memory; `false` when even evicting every
    /// idle container would not be enough (nothing is evicted then).
    pub(super) fn make_room(&mut self, f: usize) -> bool {
        let need = u64::from(self.funcs[f].def.memory_mb);
        let Some(e) = &self.eviction else {
            return true;
        };
        // Evict only if it would be enough: idle memory is all that can be freed.
        if !e.could_fit(need) {
            return false;
        }
        while self.eviction.as_ref().is_some_and(|e| !e.fits(need)) {
            let Some(victim) = self.eviction.as_mut().and_then(Eviction::victim) else {
                return false;
            };
            let g = self.pool.get(victim).function.0 as usize;
            self.touch(g);
            self.unidle(g, victim);
            if self.now >= self.warmup {
                self.funcs[g].stats.evictions += 1;
            }
            self.reclaim(victim);
        }
        if let Some(e) = &mut self.eviction {
            e.used_mb += need;
        }
        true
    }
}

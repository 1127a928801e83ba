//! Pre-warming: a container a keep-alive policy asked for, made ready ahead of the arrival it expects; its init is the provider's, neither a cold start nor billed.

use crate::sim::engine::Simulation;
use crate::sim::pool::FunctionId;
use crate::time::SimTime;

impl Simulation {
    /// A pre-warm comes due: unless an arrival cancelled it, a warm container appears, idle
    /// for the policy's window. Its init happened just before, at the provider's expense: it
    /// is neither a cold start nor billed.
    pub(super) fn prewarmed(&mut self, f: FunctionId, generation: u32) {
        let fi = f.0 as usize;
        if self.funcs[fi].prewarm != generation {
            return;
        }
        self.touch(fi);
        let now = self.now;
        let keep = self.funcs[fi].prewarm_keep;
        // A pre-warm takes free memory only: it never evicts.
        let need = u64::from(self.funcs[fi].def.memory_mb);
        if let Some(e) = &mut self.eviction {
            if !e.fits(need) {
                return;
            }
            e.used_mb += need;
        }
        let slot = self.pool.create(f, now);
        self.pool.get_mut(slot).first_idle = now;
        self.funcs[fi].alive += 1;
        self.container_up(fi);
        let func = &mut self.funcs[fi];
        if now >= self.warmup {
            func.stats.prewarms += 1;
        }
        let retire_at = self.max_lifetime.map_or(SimTime::NEVER, |l| now + l);
        self.make_idle(fi, slot, (now + keep).min(retire_at));
    }
}

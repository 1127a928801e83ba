//! Pre-warming: a container a keep-alive policy asked for, made ready ahead of the arrival it expects; its init is the provider's, neither a cold start nor billed.

use crate::sim::engine::Simulation;
use crate::sim::policy::keep_alive::{Decision, IdleContext};
use crate::sim::pool::FunctionId;
use crate::time::SimDuration;

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
        let Some(slot) = self.ready_unasked(fi) else {
            return;
        };
        let func = &mut self.funcs[fi];
        if now >= self.warmup {
            func.stats.prewarms += 1;
        }
        let retire_at = self.pool.get(slot).retire_at;
        self.make_idle(fi, slot, (now + keep).min(retire_at));
    }

    /// A container of function `fi` that no arrival asked for (a pre-warm, a scaler's
    /// instance), ready now and not yet idle: counted alive with its connections; `None` when
    /// a memory-bounded pool has no free room for it (it takes free memory only, never evicts).
    pub(super) fn ready_unasked(&mut self, fi: usize) -> Option<u32> {
        let need = u64::from(self.funcs[fi].def.memory_mb);
        if let Some(e) = &mut self.eviction {
            if !e.fits(need) {
                return None;
            }
            e.used_mb += need;
        }
        let slot = self.pool.create(FunctionId(fi as u32), self.now);
        let c = self.pool.get_mut(slot);
        c.first_idle = self.now;
        // With tenant isolation: for the tenant of the function's latest request.
        c.tenant = self.funcs[fi].tenant;
        self.cache_new(fi, slot);
        self.born(slot);
        self.funcs[fi].alive += 1;
        self.container_up(fi);
        Some(slot)
    }

    /// A container no arrival asked for, just ready: kept as the keep-alive policy keeps one
    /// that has just gone idle having served nothing, until its retirement at the latest.
    pub(super) fn keep_unasked(&mut self, fi: usize, slot: u32) {
        let now = self.now;
        let func = &mut self.funcs[fi];
        let ctx = IdleContext {
            now,
            created: now,
            first_idle: now,
            served: 0,
            busy: func.busy,
        };
        let keep = match func.window {
            Some(w) => w,
            None => match func.policy.on_idle(&ctx, &mut func.policy_rng) {
                Decision::KeepFor(d) => d,
                Decision::Reclaim | Decision::Prewarm { .. } => SimDuration::ZERO,
            },
        };
        let deadline = (now + keep).min(self.pool.get(slot).retire_at);
        if deadline <= now {
            self.reclaim(slot);
            return;
        }
        self.make_idle(fi, slot, deadline);
    }
}

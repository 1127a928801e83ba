//! A function's idle containers: putting one idle until its deadline with its timer armed, taking the one the routing rule picks (reclaiming any past its deadline), and taking one out of its set and the eviction order; one set per tenant under tenant isolation.

use crate::sim::engine::Simulation;
use crate::sim::pool::State;
use crate::sim::queue::Event;
use crate::time::SimTime;

impl Simulation {
    /// Takes the idle container the routing rule picks, reclaiming any whose deadline has
    /// come: the keep-alive window is half-open, so an arrival exactly at the deadline is cold.
    #[inline(always)]
    pub(super) fn take_idle(&mut self, f: usize) -> Option<u32> {
        loop {
            let func = &mut self.funcs[f];
            let idle = if func.tenant_idle.is_empty() {
                &mut func.idle
            } else {
                &mut func.tenant_idle[func.tenant as usize]
            };
            let slot = idle.pick(&mut self.router_rng)?;
            self.unidle(f, slot);
            if self.pool.get(slot).deadline > self.now {
                return Some(slot);
            }
            self.reclaim(slot);
        }
    }

    /// Takes an idle container out of its function's idle set (and the eviction order).
    #[inline]
    pub(super) fn unidle(&mut self, f: usize, slot: u32) {
        let func = &mut self.funcs[f];
        if func.tenant_idle.is_empty() {
            func.idle.remove(&mut self.pool, slot);
        } else {
            let t = self.pool.get(slot).tenant as usize;
            func.tenant_idle[t].remove(&mut self.pool, slot);
        }
        if let Some(e) = &mut self.eviction {
            let c = self.pool.get(slot);
            e.remove(
                c.evict_key,
                c.id.0,
                slot,
                u64::from(self.funcs[f].def.memory_mb),
                f as u32,
            );
        }
    }

    /// Puts a container in its function's idle set until `deadline`, arming its timer.
    #[inline]
    pub(super) fn make_idle(&mut self, f: usize, slot: u32, deadline: SimTime) {
        let func = &mut self.funcs[f];
        if func.tenant_idle.is_empty() {
            func.idle.insert(&mut self.pool, slot);
        } else {
            let t = self.pool.get(slot).tenant as usize;
            func.tenant_idle[t].insert(&mut self.pool, slot);
        }
        if let Some(e) = &mut self.eviction {
            let func = &self.funcs[f];
            let c = self.pool.get_mut(slot);
            c.evict_key = e.key(self.now.as_micros(), deadline.as_micros());
            e.insert(
                c.evict_key,
                c.id.0,
                slot,
                u64::from(func.def.memory_mb),
                f as u32,
            );
        }
        let c = self.pool.get_mut(slot);
        c.state = State::Idle;
        c.deadline = deadline;
        // A pending timer that fires no later than the new deadline will re-arm itself; only
        // an earlier deadline needs a new timer, which makes the pending one stale.
        if c.timer_at > deadline && deadline < self.queue.end() {
            c.timer = c.timer.wrapping_add(1);
            c.timer_at = deadline;
            let timer = c.timer;
            self.schedule(deadline, Event::KeepAliveExpired { slot, timer });
        }
    }
}

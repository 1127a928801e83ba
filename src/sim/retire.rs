//! The engine's rules for containers' lifetimes: each container created on demand gets its maximum lifetime, and a replacement initialized ahead of its retirement comes due (billed as INIT, never a cold start).

use crate::sim::engine::Simulation;
use crate::sim::function::scaled;
use crate::sim::pool::State;
use crate::sim::queue::Event;
use crate::time::{SimDuration, SimTime};

impl Simulation {
    /// Gives a container just created on demand its maximum lifetime and, if its retirement
    /// is replaced ahead of time, schedules the replacement `lead` before it (at once if the
    /// lifetime is shorter than that).
    pub(super) fn born(&mut self, slot: u32) {
        let Some(l) = &mut self.lifetimes else {
            return;
        };
        let now = self.now;
        let (life, replaced) = l.draw();
        let retire_at = now + life;
        let lead = l.proactive.map_or(SimDuration::ZERO, |p| p.lead);
        let c = self.pool.get_mut(slot);
        c.retire_at = retire_at;
        if replaced {
            let at = SimTime(retire_at.as_micros().saturating_sub(lead.as_micros())).max(now);
            if at < self.queue.end() {
                c.replace_at = at;
                self.schedule(at, Event::Replace(slot));
            }
        }
    }

    /// A replacement is due: unless the container has gone (reclaimed by its keep-alive, or
    /// already replaced), a new one of its function is ready now, its init billed as INIT
    /// time and counted in `proactive_inits`, kept as the keep-alive policy keeps an idle
    /// container. The old one is retired at its age as always.
    pub(super) fn replace(&mut self, slot: u32) {
        let now = self.now;
        let c = self.pool.get_mut(slot);
        if c.state == State::Free || c.replace_at != now {
            return;
        }
        c.replace_at = SimTime::NEVER;
        let fi = c.function.0 as usize;
        self.touch(fi);
        let Some(new) = self.ready_unasked(fi) else {
            return;
        };
        let rounding_ms = self.request_rule.rounding_ms;
        let func = &mut self.funcs[fi];
        let mut init = scaled(
            func.def.cold_init().sample(&mut func.cold_rng),
            func.init_factor,
        );
        if let Some(c) = &mut func.cache {
            init = init + c.preload();
        }
        if now >= self.warmup {
            func.stats.proactive_inits += 1;
            if func.snapstart {
                func.stats.usage.on_restore(func.def.memory_mb);
            } else {
                func.stats
                    .usage
                    .on_init(func.def.memory_mb, init.as_micros(), rounding_ms);
            }
        }
        self.keep_unasked(fi, new);
    }
}

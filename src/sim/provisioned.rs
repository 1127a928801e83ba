//! Provisioned concurrency: containers kept initialized from the start, at a fixed level or one that a time-of-day schedule or target tracking changes, billed per level held (rounded up to 5 minutes).

use crate::model::function::Scaling;
use crate::sim::engine::Simulation;
use crate::sim::pool::{FunctionId, State};
use crate::sim::queue::Event;
use crate::time::{SimDuration, SimTime};

impl Simulation {
    /// Sets a function's provisioned concurrency at time 0 and schedules its changes.
    pub(super) fn provision(&mut self, f: usize) {
        let def = &self.funcs[f].def;
        let level = match &def.scaling {
            None => def.provisioned_concurrency,
            Some(Scaling::Schedule { steps, .. }) => {
                // The step in force at offset 0: the first if it starts there, else the last
                // of the previous period.
                let first = steps.first().filter(|s| s.0 == SimDuration::ZERO);
                let level = first.or(steps.last()).map_or(0, |s| s.1);
                self.funcs[f].provisioned.step = usize::from(first.is_some());
                level
            }
            Some(Scaling::Target { min, max, .. }) => def.provisioned_concurrency.clamp(*min, *max),
        };
        self.set_level(f, level);
        let next = match &self.funcs[f].def.scaling {
            None => None,
            Some(Scaling::Schedule { steps, period }) => {
                let i = self.funcs[f].provisioned.step;
                Some(steps.get(i).map_or(*period + steps[0].0, |s| s.0))
            }
            Some(Scaling::Target { interval, .. }) => Some(*interval),
        };
        if let Some(at) = next {
            self.schedule(
                SimTime(at.as_micros()),
                Event::ScalingDue(FunctionId(f as u32)),
            );
        }
    }

    /// A schedule step or a target-tracking tick of function `f`.
    pub(super) fn scale(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        self.touch(fi);
        let now = self.now;
        let func = &mut self.funcs[fi];
        let (level, next) = match &func.def.scaling {
            None => return,
            Some(Scaling::Schedule { period, steps }) => {
                let (_, level) = steps[func.provisioned.step];
                func.provisioned.step = (func.provisioned.step + 1) % steps.len();
                // Offsets are within the period: the next step is the first later one.
                let cycle = now.as_micros() / period.as_micros();
                let mut at =
                    cycle * period.as_micros() + steps[func.provisioned.step].0.as_micros();
                if at <= now.as_micros() {
                    at += period.as_micros();
                }
                (level, SimTime(at))
            }
            Some(Scaling::Target {
                utilization,
                min,
                max,
                interval,
                out_after,
                in_after,
            }) => {
                let observed = func.interval_peak.max(func.busy);
                func.interval_peak = func.busy;
                let wanted = ((f64::from(observed) / utilization).ceil() as u32).clamp(*min, *max);
                let mut level = func.provisioned.level;
                if wanted > level {
                    func.provisioned.want_more += 1;
                    func.provisioned.want_less = 0;
                    if func.provisioned.want_more >= *out_after {
                        level = wanted;
                        func.provisioned.want_more = 0;
                    }
                } else if wanted < level {
                    func.provisioned.want_less += 1;
                    func.provisioned.want_more = 0;
                    if func.provisioned.want_less >= *in_after {
                        level = wanted;
                        func.provisioned.want_less = 0;
                    }
                } else {
                    func.provisioned.want_more = 0;
                    func.provisioned.want_less = 0;
                }
                (level, now + *interval)
            }
        };
        self.set_level(fi, level);
        self.schedule(next, Event::ScalingDue(f));
    }

    /// Bills the provisioned level held since it was last set, up to now: clipped to the
    /// window, rounded up to 5 minutes.
    pub(super) fn bill_provisioned(&mut self, f: usize) {
        let unit = self.provisioned_unit_us;
        let func = &mut self.funcs[f];
        let from = func.provisioned.since.max(self.warmup);
        if func.provisioned.level > 0 && self.now > from {
            let held = (self.now - from).as_micros().div_ceil(unit) * unit;
            func.stats.provisioned_us += u128::from(func.provisioned.level) * u128::from(held);
        }
        func.provisioned.since = self.now;
    }

    /// Sets function `f`'s provisioned level: new containers are ready at once; surplus idle
    /// ones are reclaimed now, surplus busy ones when their invocation ends.
    pub(super) fn set_level(&mut self, f: usize, level: u32) {
        if level == self.funcs[f].provisioned.level && level == self.funcs[f].provisioned.alive {
            return; // unchanged: the level's billing period goes on
        }
        self.bill_provisioned(f);
        self.funcs[f].provisioned.level = level;
        while self.funcs[f].provisioned.alive > level {
            let func = &mut self.funcs[f];
            let Some(slot) = func.provisioned_idle.pick(&mut self.router_rng) else {
                break;
            };
            func.provisioned_idle.remove(&mut self.pool, slot);
            func.provisioned.alive -= 1;
            self.reclaim(slot);
        }
        while self.funcs[f].provisioned.alive < level {
            self.funcs[f].provisioned.alive += 1;
            let slot = self.pool.create(FunctionId(f as u32), self.now);
            // Provisioned containers initialize ahead, their caches (and any preload) too.
            self.cache_new(f, slot);
            let c = self.pool.get_mut(slot);
            c.provisioned = true;
            c.state = State::Idle;
            c.deadline = SimTime::NEVER;
            let func = &mut self.funcs[f];
            func.provisioned_idle.insert(&mut self.pool, slot);
            func.alive += 1;
            let memory_mb = func.def.memory_mb;
            self.container_up(f);
            // Provisioned memory is taken first and never evicted.
            if let Some(e) = &mut self.eviction {
                e.used_mb += u64::from(memory_mb);
            }
        }
    }
}

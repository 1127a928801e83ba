//! What the platforms that bill instances count: each container's busy periods (at least one request in flight, from its creation where start-up is billed) and its life, rounded as the price sheet says, clipped to the statistics window.
//!
//! A container's last request ending sets its `idle_since` (in the engine's completion rule). A
//! busy period closes lazily: a container that goes idle and takes a request at the same
//! microsecond stays in one period, so requests back to back on one instance bill as one
//! stretch, as an instance that never stopped executing.

use crate::cost::billed_ms;
use crate::sim::engine::Simulation;
use crate::time::SimTime;

impl Simulation {
    /// The container in `slot` takes a request at `start` (its creation or the end of its init
    /// for a new one, now for an idle one): it opens a busy period, or goes on with the one it
    /// closed at this very instant.
    #[inline]
    pub(super) fn went_busy(&mut self, slot: u32, start: SimTime) {
        if self.periods.is_none() {
            return;
        }
        let now = self.now;
        let c = self.pool.get_mut(slot);
        if c.idle_since == now && c.busy_since != SimTime::NEVER {
            c.idle_since = SimTime::NEVER;
            return;
        }
        let closed = (c.busy_since != SimTime::NEVER).then_some((c.busy_since, c.idle_since));
        c.busy_since = start;
        c.idle_since = SimTime::NEVER;
        if let Some((from, to)) = closed {
            self.bill_period(slot, from, to);
        }
    }

    /// The container in `slot` is reclaimed now: its open period and its life are billed.
    #[inline]
    pub(super) fn closing(&mut self, slot: u32) {
        if self.periods.is_none() {
            return;
        }
        let now = self.now;
        let c = self.pool.get(slot);
        let (from, to, created) = (c.busy_since, c.idle_since.min(now), c.created);
        if from != SimTime::NEVER {
            self.bill_period(slot, from, to);
        }
        self.bill_life(slot, created, now);
    }

    /// At the end of the run, bills the periods and lives of the containers still alive, up to
    /// the end.
    pub(super) fn settle_instances(&mut self) {
        if self.periods.is_none() {
            return;
        }
        let end = self.now;
        for slot in self.pool.alive_slots() {
            let c = self.pool.get(slot);
            let (from, to, created) = (c.busy_since, c.idle_since.min(end), c.created);
            if from != SimTime::NEVER {
                self.bill_period(slot, from, to);
            }
            self.bill_life(slot, created, end);
        }
    }

    /// Bills the busy period `[from, to)` of the container in `slot`, clipped to the window.
    fn bill_period(&mut self, slot: u32, from: SimTime, to: SimTime) {
        let Some(rule) = self.periods else {
            return;
        };
        let from = from.max(self.warmup);
        if to <= from {
            return;
        }
        let ms = rule.billed_ms((to - from).as_micros());
        let c = self.pool.get(slot);
        let usage = &mut self.funcs[c.function.0 as usize].stats.usage;
        if c.provisioned {
            usage.ready_busy_ms = usage.ready_busy_ms.saturating_add(ms);
        } else {
            usage.busy_ms = usage.busy_ms.saturating_add(ms);
        }
    }

    /// Bills the life `[created, to)` of the container in `slot`, clipped to the window.
    fn bill_life(&mut self, slot: u32, created: SimTime, to: SimTime) {
        let Some(rule) = self.periods else {
            return;
        };
        let from = created.max(self.warmup);
        if to <= from {
            return;
        }
        let ms = billed_ms((to - from).as_micros(), rule.rounding_ms);
        let f = self.pool.get(slot).function.0 as usize;
        let usage = &mut self.funcs[f].stats.usage;
        usage.alive_ms = usage.alive_ms.saturating_add(ms);
    }
}

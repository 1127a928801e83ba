//! The engine's rules for requests that share their container's CPUs: a shared request starts (or waits for its container's init), the container's one pending event moves whenever the number running changes, and what is still running at the end finishes as if nothing more arrived.

use crate::sim::engine::Simulation;
use crate::sim::invocation::{Observer, Request, Served};
use crate::sim::queue::Event;

impl Simulation {
    /// The rate at which each of the requests running in the container in `slot` advances.
    fn share_rate(&self, slot: u32, running: usize) -> f64 {
        let f = self.pool.get(slot).function.0 as usize;
        1.0 / self.funcs[f].def.slowdown(running as u32)
    }

    /// A request served by a container whose requests share its CPUs: it starts at once, or
    /// waits for the container's init, and ends when the sharing says.
    pub(super) fn share(&mut self, served: Served, request: Request) {
        let now = self.now;
        let slot = served.slot;
        let starts_at = now + served.init + served.wait;
        let n = self.sharing.get(slot).running();
        let rate = self.share_rate(slot, n);
        let s = self.sharing.get(slot);
        if starts_at > now {
            s.ready_at = starts_at;
            s.waiting.push((served, request));
        } else {
            s.advance(now, rate);
            s.start(now, served, request);
        }
        self.arm(slot);
    }

    /// Schedules the container's next change, making any pending one stale.
    fn arm(&mut self, slot: u32) {
        let now = self.now;
        let n = self.sharing.get(slot).running();
        let rate = self.share_rate(slot, n);
        let s = self.sharing.get(slot);
        s.generation = s.generation.wrapping_add(1);
        let generation = s.generation;
        if let Some(at) = s.due(now, rate) {
            self.schedule(at, Event::SharedDue { slot, generation });
        }
    }

    /// A container's change comes due, unless stale: its waiting requests start, or its first
    /// request to end ends (recorded, and the container freed of it).
    pub(super) fn shared_due<O: Observer>(&mut self, slot: u32, generation: u32, observer: &mut O) {
        let now = self.now;
        let n = self.sharing.get(slot).running();
        let rate = self.share_rate(slot, n);
        let s = self.sharing.get(slot);
        if s.generation != generation {
            return;
        }
        s.advance(now, rate);
        if let Some((served, request)) = s.step(now) {
            self.complete(&served, &request, observer);
            self.finished(slot);
        }
        self.arm(slot);
    }

    /// At the end of the run, ends the requests still sharing containers as if nothing more
    /// arrived, and records them: requests in flight at the end count in full, as elsewhere.
    pub(super) fn settle_shared<O: Observer>(&mut self, observer: &mut O) {
        for slot in 0..self.sharing.slots.len() as u32 {
            if self.sharing.get(slot).is_empty() {
                continue;
            }
            let mut now = self.now;
            let n = self.sharing.get(slot).running();
            let rate = self.share_rate(slot, n);
            self.sharing.get(slot).advance(now, rate);
            loop {
                let n = self.sharing.get(slot).running();
                if self.sharing.get(slot).is_empty() {
                    break;
                }
                let rate = self.share_rate(slot, n);
                let s = self.sharing.get(slot);
                let Some(at) = s.due(now, rate) else {
                    break;
                };
                now = at;
                s.advance(now, rate);
                if let Some((served, request)) = s.step(now) {
                    self.complete(&served, &request, observer);
                }
            }
        }
    }
}

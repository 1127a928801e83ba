//! A platform's own instance scaler (Cloud Run, Lambda Managed Instances): every window it wants enough instances for the window's mean requests in flight at its target utilisation and starts the missing ones in the background; Managed Instances also start one when an arrival finds every instance full (and refuse that arrival), growing at most by doubling per span.

use crate::sim::engine::Simulation;
use crate::sim::function::scaled;
use crate::sim::pool::FunctionId;
use crate::sim::queue::Event;

impl Simulation {
    /// Schedules the first look of function `f`'s scaler, one window in.
    pub(super) fn start_scaler(&mut self, f: usize) {
        if let Some(s) = &self.funcs[f].scaler {
            let at = self.now + s.def.window;
            self.schedule(at, Event::ScalerDue(FunctionId(f as u32)));
        }
    }

    /// The scaler of function `f` looks: the mean requests in flight over the last window,
    /// over `target` of an instance's concurrency, rounded up, is the instances it wants; it
    /// starts those missing (alive and starting counted) and looks again a window later.
    pub(super) fn scaler_due(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        self.touch(fi);
        let func = &mut self.funcs[fi];
        let capacity = f64::from(func.capacity);
        let Some(s) = func.scaler.as_mut() else {
            return;
        };
        let demand = s.demand;
        let window = s.def.window;
        let mean = (demand - s.seen) as f64 / window.as_micros() as f64;
        s.seen = demand;
        let wanted = (mean / (s.def.target * capacity) - 1e-9).ceil() as u32;
        let have = func.alive + s.starting;
        if wanted > have {
            self.scale_out(fi, wanted - have);
        }
        self.schedule(self.now + window, Event::ScalerDue(f));
    }

    /// Starts up to `n` instances of function `f` in the background, within its maximum
    /// instances and the growth its doubling span still allows; each is ready after an init
    /// drawn as a cold start's.
    pub(super) fn scale_out(&mut self, fi: usize, n: u32) {
        let now = self.now;
        let func = &mut self.funcs[fi];
        let alive = func.alive;
        let Some(s) = func.scaler.as_mut() else {
            return;
        };
        let mut n = n;
        if let Some(most) = func.max_alive {
            n = n.min(most.saturating_sub(alive + s.starting));
        }
        if let Some(span) = s.def.doubling {
            if s.span_base == 0 || now >= s.span_from + span {
                s.span_from = now;
                s.span_base = (alive + s.starting).max(1);
                s.span_started = 0;
            }
            n = n.min(s.span_base.saturating_sub(s.span_started));
            s.span_started += n;
        }
        s.starting += n;
        for _ in 0..n {
            let func = &mut self.funcs[fi];
            let init = scaled(func.def.init.sample(&mut func.cold_rng), func.init_factor);
            self.schedule(now + init, Event::ScaledOut(FunctionId(fi as u32)));
        }
    }

    /// An instance the scaler started is ready: idle, kept as the keep-alive policy keeps a
    /// container that has just gone idle. Its init is the platform's, neither a cold start nor
    /// billed.
    pub(super) fn scaled_out(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        self.touch(fi);
        let now = self.now;
        if let Some(s) = self.funcs[fi].scaler.as_mut() {
            s.starting -= 1;
        }
        let Some(slot) = self.ready_unasked(fi) else {
            return;
        };
        let func = &mut self.funcs[fi];
        if now >= self.warmup {
            func.stats.scale_outs += 1;
        }
        self.keep_unasked(fi, slot);
    }
}

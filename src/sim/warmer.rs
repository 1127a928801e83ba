//! Warmers, as the popular warm-up plugins do: every period, simultaneous pings that keep as many containers warm; billed, counted in no user statistic.

use crate::sim::engine::Simulation;
use crate::sim::invocation::{Request, Start};
use crate::sim::pool::FunctionId;
use crate::sim::queue::Event;
use crate::time::SimDuration;

impl Simulation {
    /// A warmer's pings come due: `containers` simultaneous invocations of `ping` each, so
    /// that as many containers stay warm. They look like any arrival to the platform (the
    /// keep-alive policy hears of them), are billed, but count in no user statistic.
    pub(super) fn pinged(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        let Some(w) = self.funcs[fi].def.warmer else {
            return;
        };
        self.touch(fi);
        let now = self.now;
        self.schedule(now + w.every, Event::WarmerDue(f));
        let counted = now >= self.warmup;
        for _ in 0..w.containers {
            let func = &mut self.funcs[fi];
            func.policy.on_arrival(now, func.busy > 0);
            func.prewarm = func.prewarm.wrapping_add(1);
            // With tenant isolation, pings go to the first (most popular) tenant.
            func.tenant = 0;
            let memory_mb = func.def.memory_mb;
            let Some(served) = self.serve(fi, w.ping) else {
                break;
            };
            if counted {
                let stats = &mut self.funcs[fi].stats;
                stats.warmer_pings += 1;
                stats.warmer_cold_starts += u64::from(served.start == Start::Cold);
            }
            let request = Request {
                function: f,
                origin: now,
                queued: SimDuration::ZERO,
                memory_mb,
                counted,
                ping: true,
            };
            if served.shared {
                self.share(served, request);
            } else {
                self.complete(&served, &request, &mut ());
            }
        }
    }
}

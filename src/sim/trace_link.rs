//! The link to a trace: its arrivals pulled one at a time into the queue, and its functions registered on first sight (a `[[function]]` entry of the same name, else `[defaults]`).

use crate::sim::engine::Simulation;
use crate::sim::function::Func;
use crate::sim::pool::FunctionId;

impl Simulation {
    /// Pulls the trace's next arrival into the queue.
    pub(super) fn schedule_trace_arrival(&mut self) {
        let Some(source) = &mut self.source else {
            return;
        };
        if self.source_done {
            return;
        }
        match source.next_arrival() {
            Some(a) if a.at < self.queue.end() => {
                debug_assert!(a.at >= self.now, "a trace went back in time");
                self.pending = Some(a);
                self.arrivals_pending += 1;
                self.queue.set_traced(a.at.max(self.now));
            }
            // Kept, not dropped: the last arrival's function may still need registering.
            _ => self.source_done = true,
        }
    }

    /// The engine function of a trace's function, registered on first sight.
    pub(super) fn trace_function(&mut self, index: u32) -> Option<FunctionId> {
        let i = index as usize;
        if let Some(&f) = self.source_map.get(i) {
            if f != u32::MAX {
                return Some(FunctionId(f));
            }
        }
        let meta = self.source.as_ref().map(|s| s.function(index))?;
        let f = match self.by_name.get(&meta.name) {
            Some(&f) => f,
            None => {
                let def = match self
                    .scenario
                    .trace_function(&meta.name, meta.exec, meta.memory_mb)
                {
                    Ok(def) => def,
                    Err(e) => {
                        self.failure = Some(e);
                        return None;
                    }
                };
                let f = self.funcs.len() as u32;
                let mut func = Func::new(def, &mut self.streams, self.routing, self.warmup);
                func.draw_tenants(&mut self.streams);
                if func.capacity > 1 {
                    // Until now every container served one request: in flight was busy.
                    self.total_levels.count_in_flight_apart();
                }
                self.funcs.push(func);
                self.by_name.insert(meta.name, f);
                // Minimum instances are kept warm from the function's first invocation on.
                if self.funcs[f as usize].def.provisioned_concurrency > 0 {
                    self.touch(f as usize);
                    self.provision(f as usize);
                }
                self.start_scaler(f as usize);
                f
            }
        };
        if self.source_map.len() <= i {
            self.source_map.resize(i + 1, u32::MAX);
        }
        self.source_map[i] = f;
        Some(FunctionId(f))
    }
}

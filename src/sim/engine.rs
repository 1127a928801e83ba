//! The discrete-event engine's hot path: the step loop (pop the earliest event, advance the clock, dispatch it) and the rules of arrivals, cold and warm starts, completions and keep-alive timers.
//!
//! ```text
//!   InvocationArrived ──► idle container? ──yes──► warm start ─┐
//!         │                    │no                             ├──► ExecutionFinished ──► keep-alive policy
//!         │ (next arrival      └──► under limits? ──► cold start ┘                            │
//!         │  drawn lazily)               │no                                   Reclaim ◄──────┤
//!         ▼                              ▼                                          KeepFor(d)│
//!     the queue                      throttled                  KeepAliveExpired ◄────────────┘
//! ```
//!
//! Events at the same instant leave in the order they were scheduled ([`crate::sim::queue`]).
//! Each function has one pending arrival at a time: memory grows with live containers, never
//! with invocations. Each container has at most one valid keep-alive timer; a timer whose
//! generation no longer matches its container is stale and skipped. The cold features live in
//! files of their own: provisioned concurrency, retries, warmers, pre-warms, the scaling rate
//! and bounded pools, and the trace link.

use std::collections::HashMap;

use crate::cost::{PeriodRule, RequestRule};
use crate::model::arrival::MergedPoisson;
use crate::model::scenario::{Routing, Scenario};
use crate::model::trace::{ArrivalSource, ExternalArrival};
use crate::rng::{SimRng, Streams};
use crate::sim::function::{Func, scaled};
use crate::sim::invocation::{Invocation, Observer, Request, Retry, Served, Start};
use crate::sim::policy::eviction::Eviction;
use crate::sim::policy::keep_alive::{Decision, IdleContext};
use crate::sim::pool::{ContainerId, FunctionId, Pool, State};
use crate::sim::processor::Sharing;
use crate::sim::queue::{Event, EventQueue};
use crate::sim::stats::{Connections, Latency, Levels, TimeSeries};
use crate::time::{SimDuration, SimTime};

/// A run of one scenario: build it, [`Simulation::run`] it, read its statistics.
#[derive(Debug)]
pub struct Simulation {
    pub(super) now: SimTime,
    pub(super) warmup: SimTime,
    /// Every pending event, in (instant, scheduling order).
    pub(super) queue: EventQueue,
    /// The Poisson arrivals of every function with a Poisson process, drawn as one process
    /// whose pending arrival waits in the queue beside its heaps.
    pub(super) merged: Option<MergedPoisson>,
    pub(super) merged_members: Vec<FunctionId>,
    pub(super) pool: Pool,
    pub(super) funcs: Vec<Func>,
    /// Busy containers of functions without reserved concurrency, and their shared capacity.
    pub(super) shared_in_flight: u32,
    pub(super) shared_capacity: u32,
    pub(super) lifetimes: Option<crate::sim::lifetime::Lifetimes>,
    /// How each request's duration is counted for the bill.
    pub(super) request_rule: RequestRule,
    /// The rule's rounding when it is Lambda's plain one (INIT billed, no minimum, memory as
    /// configured): the common case, billed without looking at the rest of the rule.
    pub(super) plain_rounding_ms: Option<u64>,
    /// How instances' busy periods and lives are counted, on platforms that bill instances.
    pub(super) periods: Option<PeriodRule>,
    /// Provisioned (minimum) instances bill their level in steps of this [µs]: Lambda's
    /// 5 minutes, a second elsewhere.
    pub(super) provisioned_unit_us: u64,
    pub(super) router_rng: SimRng,
    pub(super) total_busy: u32,
    /// Requests in flight over all functions.
    pub(super) total_in_flight: u32,
    pub(super) total_alive: u32,
    pub(super) total_levels: Levels,
    /// Connections held open by alive containers over all functions.
    pub(super) connections: Connections,
    /// Latencies of all functions' cold starts and warm starts, apart.
    pub(super) cold_latency: Latency,
    pub(super) warm_latency: Latency,
    /// Queueing delay of all asynchronous arrivals served after retries.
    pub(super) queue_delay: Latency,
    pub(super) series: TimeSeries,
    pub(super) events: u64,
    /// Arrival events in the queue, of processes and of the trace.
    pub(super) arrivals_pending: u32,
    /// The run ends when arrivals and executions are over, not at a set instant.
    pub(super) open_end: bool,
    pub(super) streams: Streams,
    pub(super) routing: Routing,
    /// Scaling rate: environments per period, and the period [µs].
    pub(super) scaling: Option<(u32, u64)>,
    /// Asynchronous arrivals waiting for a retry, and their free slots.
    pub(super) retries: Vec<Retry>,
    /// Each slot's container cache, for functions that have one.
    pub(super) caches: Vec<crate::sim::cache::CacheState>,
    pub(super) free_retries: Vec<u32>,
    /// The bounded pool's eviction order and memory, if bounded.
    pub(super) eviction: Option<Eviction>,
    /// The scenario, for functions that first appear in the trace.
    pub(super) scenario: Scenario,
    pub(super) by_name: HashMap<String, u32>,
    pub(super) source: Option<Box<dyn ArrivalSource>>,
    /// The source has no more arrivals.
    pub(super) source_done: bool,
    /// The trace's arrival that is in the queue.
    pub(super) pending: Option<ExternalArrival>,
    /// Engine function of each source function index; `u32::MAX` until first seen.
    pub(super) source_map: Vec<u32>,
    pub(super) failure: Option<String>,
    /// The requests sharing each container's CPUs, for functions whose requests do.
    pub(super) sharing: Sharing,
}

impl Simulation {
    /// Schedules `event` at `at` (never in the past); dropped at or after the end. Returns
    /// whether it was kept.
    #[inline]
    pub(super) fn schedule(&mut self, at: SimTime, event: Event) -> bool {
        debug_assert!(at >= self.now, "scheduled into the past");
        self.queue.schedule(at, event)
    }

    /// Draws the merged Poisson process's next arrival, if it comes before the end.
    #[inline]
    pub(super) fn schedule_merged_arrival(&mut self) {
        let Some(merged) = &mut self.merged else {
            return;
        };
        if let Some((t, member)) = merged.next_arrival() {
            if self.queue.set_merged(t, self.merged_members[member]) {
                self.arrivals_pending += 1;
            }
        }
    }

    #[inline]
    pub(super) fn schedule_next_arrival(&mut self, f: FunctionId) {
        let func = &mut self.funcs[f.0 as usize];
        if func.merged {
            self.schedule_merged_arrival();
            return;
        }
        let Some(process) = &mut func.arrivals else {
            return;
        };
        if let Some(t) = process.next_arrival(&mut func.arrival_rng) {
            if self.schedule(t, Event::InvocationArrived(f)) {
                self.arrivals_pending += 1;
            }
        }
    }

    /// Runs to the end, telling `observer` of every invocation.
    pub fn run<O: Observer>(&mut self, observer: &mut O) {
        while !self.step(u64::MAX, observer) {}
    }

    /// Handles up to `max_events` events; returns `true` once the run is over. Lets a caller
    /// show progress between slices of a long run.
    pub fn step<O: Observer>(&mut self, max_events: u64, observer: &mut O) -> bool {
        let mut left = max_events;
        while left > 0 {
            if self.failure.is_some()
                || (self.open_end && self.arrivals_pending == 0 && self.total_in_flight == 0)
            {
                self.finish(observer);
                return true;
            }
            let Some((now, event)) = self.queue.pop() else {
                self.finish(observer);
                return true;
            };
            debug_assert!(now >= self.now, "the clock went back");
            self.now = now;
            self.events += 1;
            left -= 1;
            match event {
                Event::InvocationArrived(f) => {
                    self.arrivals_pending -= 1;
                    self.schedule_next_arrival(f);
                    self.arrived(f, None, observer);
                }
                Event::TraceArrived => {
                    self.arrivals_pending -= 1;
                    let Some(a) = self.pending.take() else {
                        unreachable!("a trace event always has its arrival")
                    };
                    self.schedule_trace_arrival();
                    if let Some(f) = self.trace_function(a.function) {
                        self.arrived(f, Some(a), observer);
                    }
                }
                Event::ExecutionFinished(slot) => self.finished(slot),
                Event::SharedDue { slot, generation } => {
                    self.shared_due(slot, generation, observer)
                }
                Event::KeepAliveExpired { slot, timer } => self.expired(slot, timer),
                Event::Replace(slot) => self.replace(slot),
                Event::WarmerDue(f) => self.pinged(f),
                Event::RetryDue(i) => self.retried(i, observer),
                Event::ScalingDue(f) => self.scale(f),
                Event::ScalerDue(f) => self.scaler_due(f),
                Event::ScaledOut(f) => self.scaled_out(f),
                Event::PrewarmDue {
                    function,
                    generation,
                } => self.prewarmed(function, generation),
            }
        }
        false
    }

    /// Brings the time integrals of function `f` and of the series up to now.
    #[inline(always)]
    pub(super) fn touch(&mut self, f: usize) {
        let func = &mut self.funcs[f];
        func.stats
            .levels
            .advance(self.now, func.busy, func.alive, func.in_flight);
        if let Some(s) = &mut func.scaler {
            s.advance(self.now, func.in_flight);
        }
        self.total_levels.advance(
            self.now,
            self.total_busy,
            self.total_alive,
            self.total_in_flight,
        );
        self.connections.advance(self.now);
        self.series
            .advance(self.now, self.total_busy, self.total_alive);
    }

    #[inline]
    pub(super) fn arrived<O: Observer>(
        &mut self,
        f: FunctionId,
        traced: Option<ExternalArrival>,
        observer: &mut O,
    ) {
        let now = self.now;
        let fi = f.0 as usize;
        self.touch(fi);
        let func = &mut self.funcs[fi];
        if func.window.is_none() {
            func.policy.on_arrival(now, func.busy > 0);
        }
        func.prewarm = func.prewarm.wrapping_add(1);
        // Drawn for every arrival, served or not, so that the k-th arrival of a function gets
        // the same handler time whatever the policy (common random numbers).
        // A [[function]] entry's own exec and memory win over the trace's rows (a what-if).
        let row_exec = traced.and_then(|a| a.exec).filter(|_| !func.exec_pinned);
        let exec = match (row_exec, &func.exec) {
            (Some(e), _) => e,
            (None, Some(d)) => scaled(d.sample(&mut func.exec_rng), func.time_factor),
            (None, None) => {
                self.failure = Some(format!(
                    "function {:?}: an invocation of the trace has no handler time and the function has no exec; set one (coldsim cost: --exec 100ms; a scenario: exec in [defaults] or [[function]])",
                    func.def.name
                ));
                return;
            }
        };
        let memory_mb = traced
            .and_then(|a| a.memory_mb)
            .filter(|_| !func.memory_pinned)
            .unwrap_or(func.memory_mb);
        let counted = now >= self.warmup;
        if counted {
            func.stats.invocations += 1;
        }
        let tenant = match traced.and_then(|a| a.tenant) {
            Some(t) => {
                // A trace's tenants: one idle set each, made as they appear.
                if func.tenant_idle.len() <= t as usize {
                    let routing = self.routing;
                    func.tenant_idle
                        .resize_with(t as usize + 1, || crate::sim::pool::IdleSet::new(routing));
                    func.stats.tenants = func.stats.tenants.max(t + 1);
                }
                t
            }
            None => func.tenant_draw.as_mut().map_or(0, |d| d.draw()),
        };
        self.attempt(
            Retry {
                function: f,
                origin: now,
                exec,
                memory_mb,
                tries: 0,
                counted,
                tenant,
            },
            observer,
        );
    }

    /// Tries to serve an arrival (first try or retry). Over a limit, a synchronous one is
    /// throttled; an asynchronous one is retried after 1 s, 2 s, 4 s ... up to 5 min, unless the
    /// retry would come after its maximum event age, when it is dropped.
    #[inline]
    pub(super) fn attempt<O: Observer>(&mut self, r: Retry, observer: &mut O) {
        let now = self.now;
        let f = r.function;
        let fi = f.0 as usize;
        self.funcs[fi].tenant = r.tenant;
        let Some(served) = self.serve(fi, r.exec) else {
            if self.retry_later(r) {
                return;
            }
            self.series.arrival(r.origin, false, true);
            observer.invocation(&Invocation {
                function: f,
                arrived: r.origin,
                start: Start::Throttled,
                container: None,
                queued: now - r.origin,
                init: SimDuration::ZERO,
                exec: SimDuration::ZERO,
            });
            return;
        };
        let request = Request {
            function: f,
            origin: r.origin,
            queued: now - r.origin,
            memory_mb: r.memory_mb,
            counted: r.counted,
            ping: false,
        };
        if r.counted && r.tries > 0 {
            let func = &mut self.funcs[fi];
            func.stats.retried += 1;
            func.stats.queue_delay.record(request.queued);
            self.queue_delay.record(request.queued);
        }
        let cold = served.start == Start::Cold;
        if r.counted {
            let stats = &mut self.funcs[fi].stats;
            if cold {
                stats.cold_starts += 1;
                stats.cold_joins += u64::from(served.wait > SimDuration::ZERO);
            } else {
                stats.warm_starts += 1;
            }
        }
        self.series.arrival(r.origin, cold, false);
        if served.shared {
            self.share(served, request);
        } else {
            self.complete(&served, &request, observer);
        }
    }

    /// Records a served request once its handler time is known (at once, or when it ends
    /// when it shares its container's CPUs): its latency, its bill, and the observer's view.
    /// A warmer's ping is billed only.
    #[inline(always)]
    pub(super) fn complete<O: Observer>(
        &mut self,
        served: &Served,
        request: &Request,
        observer: &mut O,
    ) {
        let func = &mut self.funcs[request.function.0 as usize];
        if request.counted {
            if func.snapstart && served.start == Start::Cold {
                // A restore (counted where the container was made): not billed as INIT.
                let warm = Served {
                    init: SimDuration::ZERO,
                    ..*served
                };
                warm.bill(&mut func.stats.usage, request.memory_mb, &self.request_rule);
            } else {
                match self.plain_rounding_ms {
                    Some(rounding_ms) if !served.provisioned => func.stats.usage.on_demand(
                        request.memory_mb,
                        served.init.as_micros(),
                        served.exec.as_micros(),
                        rounding_ms,
                    ),
                    _ => served.bill(&mut func.stats.usage, request.memory_mb, &self.request_rule),
                }
            }
        }
        if request.ping {
            return;
        }
        let inv = Invocation {
            function: request.function,
            arrived: request.origin,
            start: served.start,
            container: Some(served.container),
            queued: request.queued,
            // A request that joined a container still initializing waited for the rest of it.
            init: served.init + served.wait,
            exec: served.exec,
        };
        if request.counted {
            func.stats.latency.record(inv.latency());
            if served.start == Start::Cold {
                self.cold_latency.record(inv.latency());
            } else {
                self.warm_latency.record(inv.latency());
            }
        }
        observer.invocation(&inv);
    }

    /// Serves an arrival of function `f` with handler time `exec`: a busy container with room
    /// for another request first (with `container_concurrency` above 1; with a platform scaler,
    /// only below its target utilisation), then a provisioned container, then an idle one the
    /// routing rule picks, then a busy one with room above the target, else a new one; `None`
    /// when a concurrency limit (on requests in flight) throttles it, or when every instance is
    /// full on a platform without cold starts (Managed Instances).
    #[inline(always)]
    pub(super) fn serve(&mut self, fi: usize, exec: SimDuration) -> Option<Served> {
        let now = self.now;
        let func = &mut self.funcs[fi];
        let throttled = match func.reserved {
            Some(cap) => func.in_flight >= cap,
            None => self.shared_in_flight >= self.shared_capacity,
        };
        if throttled {
            return None;
        }
        // A busy container with room takes it, up to the scaler's target (its whole capacity
        // without a scaler); past the target an idle container goes first, then this one.
        let mut fuller = None;
        if func.capacity > 1 {
            if let Some(slot) = func.open.pick(&mut self.router_rng) {
                if self.pool.get(slot).in_flight < func.soft_capacity {
                    return Some(self.join(fi, slot, exec));
                }
                fuller = Some(slot);
            }
        }
        let provisioned = {
            let slot = func.provisioned_idle.pick(&mut self.router_rng);
            if let Some(slot) = slot {
                func.provisioned_idle.remove(&mut self.pool, slot);
            }
            slot
        };
        let mut served = Served {
            start: Start::Warm,
            container: ContainerId(0),
            wait: SimDuration::ZERO,
            init: SimDuration::ZERO,
            exec,
            provisioned: provisioned.is_some(),
            slot: 0,
            shared: func.shares,
        };
        let reused = match provisioned {
            Some(slot) => Some(slot),
            None => self.take_idle(fi),
        };
        let slot = match reused {
            Some(slot) => {
                self.pool.get_mut(slot).state = State::Executing;
                self.went_busy(slot, now);
                slot
            }
            None => {
                if let Some(slot) = fuller {
                    return Some(self.join(fi, slot, exec));
                }
                if self.funcs[fi]
                    .scaler
                    .as_ref()
                    .is_some_and(|s| s.def.throttle_when_full)
                {
                    // No cold starts: the arrival is refused, the scaler adds an instance.
                    self.scale_out(fi, 1);
                    return None;
                }
                if self.funcs[fi]
                    .max_alive
                    .is_some_and(|m| self.funcs[fi].alive >= m)
                {
                    return None;
                }
                if !self.has_token(fi) || !self.make_room(fi) {
                    return None;
                }
                if let Some((_, every)) = self.scaling {
                    self.funcs[fi].tokens.tokens -= u128::from(every);
                }
                let func = &mut self.funcs[fi];
                served.start = Start::Cold;
                served.init = scaled(
                    func.def.cold_init().sample(&mut func.cold_rng),
                    func.init_factor,
                );
                if let Some(c) = &mut func.cache {
                    served.init = served.init + c.preload();
                }
                if func.snapstart && now >= self.warmup {
                    func.stats.usage.on_restore(func.def.memory_mb);
                }
                if let Some(d) = &func.def.cold_exec {
                    served.exec = scaled(d.sample(&mut func.cold_rng), func.time_factor);
                }
                func.alive += 1;
                self.container_up(fi);
                let slot = self.pool.create(FunctionId(fi as u32), now);
                self.born(slot);
                self.cache_new(fi, slot);
                let c = self.pool.get_mut(slot);
                c.tenant = self.funcs[fi].tenant;
                c.ready_at = now + served.init;
                self.funcs[fi].cost_ms = served.init.as_micros() as f64 / 1_000.0;
                let start = match self.periods {
                    Some(p) if !p.startup => now + served.init,
                    _ => now,
                };
                self.went_busy(slot, start);
                slot
            }
        };
        if self.funcs[fi].cache.is_some() {
            served.exec = self.cached(fi, slot, served.exec);
        }
        self.handed(fi);
        let func = &mut self.funcs[fi];
        func.busy += 1;
        func.in_flight += 1;
        func.interval_peak = func.interval_peak.max(func.busy);
        self.total_busy += 1;
        self.total_in_flight += 1;
        if func.reserved.is_none() {
            self.shared_in_flight += 1;
        }
        let c = self.pool.get_mut(slot);
        c.in_flight = 1;
        served.container = c.id;
        served.slot = slot;
        if func.capacity > 1 {
            func.open.insert(&mut self.pool, slot);
        }
        if !served.shared {
            self.schedule(
                now + served.init + served.exec,
                Event::ExecutionFinished(slot),
            );
        }
        Some(served)
    }

    /// Another request on a busy container with room for it: it starts when the container is
    /// ready (at once, or when its init ends: a cold start for it too).
    fn join(&mut self, fi: usize, slot: u32, exec: SimDuration) -> Served {
        let now = self.now;
        self.handed(fi);
        let exec = self.cached(fi, slot, exec);
        let func = &mut self.funcs[fi];
        let c = self.pool.get_mut(slot);
        c.in_flight += 1;
        let (full, start_at, provisioned, id) = (
            c.in_flight >= func.capacity,
            c.ready_at.max(now),
            c.provisioned,
            c.id,
        );
        if full {
            func.open.remove(&mut self.pool, slot);
        }
        func.in_flight += 1;
        self.total_in_flight += 1;
        if func.reserved.is_none() {
            self.shared_in_flight += 1;
        }
        let wait = start_at - now;
        let shared = func.shares;
        if !shared {
            self.schedule(start_at + exec, Event::ExecutionFinished(slot));
        }
        Served {
            start: if wait > SimDuration::ZERO {
                Start::Cold
            } else {
                Start::Warm
            },
            container: id,
            wait,
            init: SimDuration::ZERO,
            exec,
            provisioned,
            slot,
            shared,
        }
    }

    /// Counts a new container of function `f` in the totals and its open connections.
    #[inline]
    pub(super) fn container_up(&mut self, f: usize) {
        self.total_alive += 1;
        self.connections.level += u64::from(self.funcs[f].def.connections);
    }

    /// A request was just handed to a container of function `fi`: under Greedy-Dual
    /// eviction, the function's containers are ranked again.
    #[inline]
    fn handed(&mut self, fi: usize) {
        if let Some(e) = self.eviction.as_mut().filter(|e| e.greedy_dual()) {
            let func = &mut self.funcs[fi];
            func.resident += 1;
            e.prioritize(fi as u32, func.resident, func.cost_ms, func.def.memory_mb);
        }
    }

    pub(super) fn reclaim(&mut self, slot: u32) {
        self.closing(slot);
        if let Some(state) = self.caches.get_mut(slot as usize) {
            *state = crate::sim::cache::CacheState::None;
        }
        let (f, retire_at) = {
            let c = self.pool.get(slot);
            (c.function.0 as usize, c.retire_at)
        };
        if self.now >= retire_at && self.now >= self.warmup {
            self.funcs[f].stats.retired += 1;
        }
        self.funcs[f].alive -= 1;
        self.total_alive -= 1;
        self.connections.level -= u64::from(self.funcs[f].def.connections);
        if let Some(e) = &mut self.eviction {
            e.used_mb -= u64::from(self.funcs[f].def.memory_mb);
            if e.greedy_dual() {
                // Its requests leave the function's frequency with it.
                let served = self.pool.get(slot).served;
                self.funcs[f].resident -= served;
            }
        }
        self.pool.release(slot);
    }

    #[inline(always)]
    pub(super) fn finished(&mut self, slot: u32) {
        let now = self.now;
        let (f, created, served, left, retire_at) = {
            let c = self.pool.get_mut(slot);
            c.served += 1;
            c.in_flight -= 1;
            (
                c.function.0 as usize,
                c.created,
                c.served,
                c.in_flight,
                c.retire_at,
            )
        };
        self.touch(f);
        let func = &mut self.funcs[f];
        func.in_flight -= 1;
        self.total_in_flight -= 1;
        if func.reserved.is_none() {
            self.shared_in_flight -= 1;
        }
        if left > 0 {
            // Still busy; room again for one more if it was full.
            if left + 1 == func.capacity {
                func.open.insert(&mut self.pool, slot);
            }
            return;
        }
        if func.capacity > 1 {
            func.open.remove(&mut self.pool, slot);
        }
        func.busy -= 1;
        self.total_busy -= 1;
        if func.busy == 0 && func.window.is_none() {
            func.policy.on_quiet(now);
        }
        if self.periods.is_some() {
            self.pool.get_mut(slot).idle_since = now;
        }
        if self.pool.get(slot).provisioned {
            if func.provisioned.alive > func.provisioned.level {
                func.provisioned.alive -= 1;
                self.reclaim(slot);
                return;
            }
            func.provisioned_idle.insert(&mut self.pool, slot);
            self.pool.get_mut(slot).state = State::Idle;
            return;
        }
        if now >= retire_at && (func.busy > 0 || func.window.is_some()) {
            self.reclaim(slot);
            return;
        }
        // Past its lifetime, a container that leaves its function idle is retired below
        // whatever the policy decides; the policy still hears the function go idle, and a
        // pre-warm it asks for is made.
        let first_idle = {
            let c = self.pool.get_mut(slot);
            if c.first_idle == SimTime::NEVER {
                c.first_idle = now;
            }
            c.first_idle
        };
        let ctx = IdleContext {
            now,
            created,
            first_idle,
            served,
            busy: func.busy,
        };
        let decision = match func.window {
            Some(window) => Decision::KeepFor(window),
            None => func.policy.on_idle(&ctx, &mut func.policy_rng),
        };
        let deadline = match decision {
            Decision::Reclaim => now,
            Decision::KeepFor(d) => (now + d).min(retire_at),
            Decision::Prewarm { after, keep } => {
                func.prewarm = func.prewarm.wrapping_add(1);
                func.prewarm_keep = keep;
                let event = Event::PrewarmDue {
                    function: FunctionId(f as u32),
                    generation: func.prewarm,
                };
                self.schedule(now + after, event);
                now
            }
        };
        if deadline <= now {
            self.reclaim(slot);
            return;
        }
        self.make_idle(f, slot, deadline);
    }

    pub(super) fn expired(&mut self, slot: u32, timer: u32) {
        let now = self.now;
        let c = self.pool.get_mut(slot);
        if c.timer != timer || c.state == State::Free {
            return; // stale: superseded by an earlier timer, or the container is gone
        }
        c.timer_at = SimTime::NEVER;
        if c.state != State::Idle {
            return; // busy again; it re-arms when it next goes idle
        }
        if c.deadline > now {
            // Reused and idle again since this timer was set: re-arm for the new deadline.
            let deadline = c.deadline;
            if deadline < self.queue.end() {
                c.timer = c.timer.wrapping_add(1);
                c.timer_at = deadline;
                let timer = c.timer;
                self.schedule(deadline, Event::KeepAliveExpired { slot, timer });
            }
            return;
        }
        let f = c.function.0 as usize;
        self.touch(f);
        self.unidle(f, slot);
        self.reclaim(slot);
    }

    pub(super) fn finish<O: Observer>(&mut self, observer: &mut O) {
        if self.open_end {
            self.queue.set_end(self.now);
        }
        self.now = self.queue.end();
        for f in 0..self.funcs.len() {
            self.touch(f);
            self.bill_provisioned(f);
        }
        self.settle_shared(observer);
        self.settle_instances();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::arrival::ArrivalSpec;

    fn run(text: &str) -> Vec<Invocation> {
        let scenario = Scenario::from_toml(text, std::path::Path::new("t.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(&scenario);
        let mut seen: Vec<Invocation> = Vec::new();
        sim.run(&mut seen);
        seen
    }

    const TWO: &str = r#"
name = "t"
seed = 5
duration = "20s"
[defaults]
exec = { dist = "constant", ms = 1 }
init = { dist = "constant", ms = 0 }
[[function]]
name = "a"
arrival = { process = "poisson", rate_per_s = 20 }
[[function]]
name = "b"
arrival = { process = "poisson", rate_per_s = 5 }
"#;

    #[test]
    fn a_lone_poisson_function_gets_every_arrival_of_its_own_stream() {
        let seen = run(&TWO[..TWO.find("[[function]]\nname = \"b\"").unwrap_or(0)]);
        let mut streams = Streams::new(5);
        let _router = streams.stream();
        let mut rng = streams.stream();
        let mut p = ArrivalSpec::Poisson { rate_per_s: 20.0 }
            .validate(&mut rng)
            .unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<SimTime> = std::iter::from_fn(|| p.next_arrival(&mut rng))
            .take_while(|t| *t < SimTime(20_000_000))
            .collect();
        assert!(expected.len() > 300);
        let arrived: Vec<SimTime> = seen.iter().map(|i| i.arrived).collect();
        assert_eq!(arrived, expected);
    }

    #[test]
    fn poisson_functions_share_the_merged_stream_cut_after_theirs() {
        let seen = run(TWO);
        // The router, four streams per function, then the merged process's.
        let mut streams = Streams::new(5);
        for _ in 0..9 {
            streams.stream();
        }
        let Some(mut m) = MergedPoisson::new(&[20.0, 5.0], streams.stream()) else {
            panic!("valid rates")
        };
        let expected: Vec<(SimTime, FunctionId)> = std::iter::from_fn(|| m.next_arrival())
            .take_while(|(t, _)| *t < SimTime(20_000_000))
            .map(|(t, i)| (t, FunctionId(i as u32)))
            .collect();
        let arrived: Vec<(SimTime, FunctionId)> =
            seen.iter().map(|i| (i.arrived, i.function)).collect();
        assert_eq!(arrived, expected);
        let a = arrived.iter().filter(|x| x.1 == FunctionId(0)).count();
        assert!(a > 3 * (arrived.len() - a), "{a} of {}", arrived.len());
    }
}

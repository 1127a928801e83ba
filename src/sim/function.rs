//! One function's live state during a run: its hot fields first (read on every arrival and completion), then its generators, policy and statistics, and its cold state (provisioned scaling, the scaling-rate token bucket) in sub-structs; and the merge of every Poisson function into one process.

use crate::model::arrival::{ArrivalProcess, ArrivalSpec, MergedPoisson};
use crate::model::dist::TimeDist;
use crate::model::function::{Function, Scaler};
use crate::model::scenario::Routing;
use crate::rng::{SimRng, Streams};
use crate::sim::policy::keep_alive::KeepAlive;
use crate::sim::pool::{FunctionId, IdleSet};
use crate::sim::stats::FunctionStats;
use crate::time::{SimDuration, SimTime};

/// One function's live state during a run. The fields read on every arrival and completion
/// come first, so that they share a few cache lines (`repr(C)` keeps the order): with tens of
/// thousands of functions, each arrival's function is rarely in cache.
#[derive(Debug)]
#[repr(C)]
pub(super) struct Func {
    /// Containers initializing or executing.
    pub(super) busy: u32,
    /// Requests in flight (equal to `busy` when each container serves one).
    pub(super) in_flight: u32,
    /// Requests one container serves at once.
    pub(super) capacity: u32,
    /// Requests a busy container takes before an idle one is preferred: the scaler's target
    /// share of `capacity`, rounded up (all of it without a scaler).
    pub(super) soft_capacity: u32,
    /// The most containers alive at once, on platforms that bound instances.
    pub(super) max_alive: Option<u32>,
    /// Requests in one container share its CPUs and slow each other down (processor sharing,
    /// `sim/processor.rs`): with `capacity` above 1, a CPU-bound share and fewer vCPUs
    /// than `capacity`.
    pub(super) shares: bool,
    /// Lambda SnapStart: a cold start restores a snapshot, counted as a restore, not billed
    /// as INIT.
    pub(super) snapstart: bool,
    /// Containers alive (busy or idle).
    pub(super) alive: u32,
    /// Its own cap, when it has reserved concurrency; otherwise it shares the unreserved pool.
    pub(super) reserved: Option<u32>,
    /// Generation of its pending pre-warm; an arrival bumps it, cancelling the pre-warm.
    pub(super) prewarm: u32,
    /// Most containers busy at once since the last target-tracking tick.
    pub(super) interval_peak: u32,
    /// Its memory size [MB], as `def.memory_mb`.
    pub(super) memory_mb: u32,
    /// Its Poisson arrivals come from the run's merged process instead of `arrivals`.
    pub(super) merged: bool,
    /// As `def.exec_pinned` and `def.memory_pinned`.
    pub(super) exec_pinned: bool,
    pub(super) memory_pinned: bool,
    /// Factor on drawn exec times for its memory size (1 when as measured), and on init times.
    pub(super) time_factor: f64,
    pub(super) init_factor: f64,
    /// The policy's window when it is the same for every idle container (see
    /// [`KeepAlive::constant_window`]): applied without asking the policy.
    pub(super) window: Option<SimDuration>,
    pub(super) policy: Box<dyn KeepAlive>,
    pub(super) idle: IdleSet,
    /// With tenant isolation, each tenant's idle containers (instead of `idle`).
    pub(super) tenant_idle: Vec<IdleSet>,
    /// With tenant isolation, the draw of each arrival's tenant (set when the run is built).
    pub(super) tenant_draw: Option<crate::sim::popularity::PopularityDraw>,
    /// The tenant of the request being served now.
    pub(super) tenant: u32,
    /// Each container's cache, if the function has one (set when the run is built).
    pub(super) cache: Option<Box<crate::sim::cache::FuncCache>>,
    /// Idle provisioned containers, taken before on-demand ones.
    pub(super) provisioned_idle: IdleSet,
    /// Busy containers with room for another request (with `capacity` above 1), taken first.
    pub(super) open: IdleSet,
    pub(super) exec_rng: SimRng,
    /// As `def.exec`.
    pub(super) exec: Option<TimeDist>,
    pub(super) stats: FunctionStats,
    pub(super) def: Function,
    pub(super) arrivals: Option<ArrivalProcess>,
    pub(super) arrival_rng: SimRng,
    pub(super) cold_rng: SimRng,
    pub(super) policy_rng: SimRng,
    /// The scaling-rate token bucket, spent by cold starts only.
    pub(super) tokens: TokenBucket,
    /// How long a pre-warmed container stays idle once ready.
    pub(super) prewarm_keep: SimDuration,
    /// Greedy-Dual's frequency: the requests handed to the function's containers still
    /// alive (a container's leave with it).
    pub(super) resident: u64,
    /// Greedy-Dual's cost: the init time of the function's latest cold start [ms].
    pub(super) cost_ms: f64,
    /// Provisioned concurrency over time, changed by its schedule or target tracking.
    pub(super) provisioned: ProvisionedState,
    /// The platform's instance scaler and what it has started, if the platform has one.
    pub(super) scaler: Option<ScalerState>,
}

impl Func {
    /// Takes the next streams for its cache's draws (two, and a third when its hit or miss
    /// times are random) and its arrivals' tenants (one),
    /// when it has them (nothing otherwise, so that runs without either take no stream).
    pub(super) fn draw_tenants(&mut self, streams: &mut Streams) {
        if let Some(t) = &self.def.tenants {
            self.stats.tenants = t.count;
        }
        if let Some(c) = &self.def.cache {
            use crate::sim::cache::FuncCache;
            let keys = streams.stream();
            let hits = streams.stream();
            let times = FuncCache::random_times(c).then(|| streams.stream());
            self.cache = Some(Box::new(FuncCache::new(c.clone(), keys, hits, times)));
        }
        if let Some(t) = &self.def.tenants {
            self.tenant_draw = Some(crate::sim::popularity::PopularityDraw::new(
                t.count,
                t.popularity,
                streams.stream(),
            ));
        }
    }
}

impl Func {
    pub(super) fn new(
        def: Function,
        streams: &mut Streams,
        routing: Routing,
        warmup: SimTime,
    ) -> Func {
        let mut arrival_rng = streams.stream();
        let arrivals = def.arrival.as_ref().map(|a| {
            a.validate(&mut arrival_rng)
                .unwrap_or_else(|e| unreachable!("validated scenario: {e}"))
        });
        let policy = crate::sim::policy::build(&def.keep_alive);
        Func {
            arrivals,
            merged: false,
            exec_pinned: def.exec_pinned,
            memory_pinned: def.memory_pinned,
            memory_mb: def.memory_mb,
            exec: def.exec.clone(),
            window: policy.constant_window(),
            arrival_rng,
            exec_rng: streams.stream(),
            cold_rng: streams.stream(),
            policy_rng: streams.stream(),
            policy,
            idle: IdleSet::new(routing),
            tenant_idle: match &def.tenants {
                Some(t) => (0..t.count).map(|_| IdleSet::new(routing)).collect(),
                None => Vec::new(),
            },
            tenant_draw: None,
            tenant: 0,
            cache: None,
            provisioned_idle: IdleSet::new(routing),
            open: IdleSet::new(routing),
            busy: 0,
            in_flight: 0,
            capacity: def.concurrency(),
            soft_capacity: def.scaler.map_or(def.concurrency(), |s| {
                // Less a hair, so that a product a rounding error above a whole number (0.6 × 80)
                // is that number.
                ((s.target * f64::from(def.concurrency()) - 1e-9).ceil() as u32)
                    .clamp(1, def.concurrency())
            }),
            shares: def.slowdown(def.concurrency()) > 1.0,
            snapstart: def.snapstart.is_some(),
            max_alive: def.max_instances,
            alive: 0,
            reserved: def.reserved_concurrency,
            time_factor: def.time_factor(),
            init_factor: def.init_factor(),
            tokens: TokenBucket {
                tokens: u128::MAX,
                at: SimTime::ZERO,
            },
            prewarm: 0,
            prewarm_keep: SimDuration::ZERO,
            resident: 0,
            cost_ms: 0.0,
            provisioned: ProvisionedState::default(),
            interval_peak: 0,
            scaler: def.scaler.map(ScalerState::new),
            stats: FunctionStats::new(warmup, def.concurrency(), def.per_host().unwrap_or(0)),
            def,
        }
    }
}

/// A function's scaling-rate tokens, in units of a token × the refill period [µs]: a cold start
/// spends one period's worth; they refill at `environments` per period.
#[derive(Debug)]
pub(super) struct TokenBucket {
    pub(super) tokens: u128,
    /// When they were last refilled.
    pub(super) at: SimTime,
}

/// A function's provisioned concurrency as it changes.
#[derive(Debug, Default)]
pub(super) struct ProvisionedState {
    /// Containers wanted.
    pub(super) level: u32,
    /// Containers alive (more than `level` only while the extra are busy).
    pub(super) alive: u32,
    /// When the current level was set.
    pub(super) since: SimTime,
    /// Target-tracking ticks in a row that wanted more, and less.
    pub(super) want_more: u32,
    pub(super) want_less: u32,
    /// The next schedule step.
    pub(super) step: usize,
}

/// A platform scaler's state: instances it has started that are not ready yet, the demand it
/// has seen, and the growth allowed in the current doubling span.
#[derive(Debug)]
pub(super) struct ScalerState {
    pub(super) def: Scaler,
    /// Instances started, not ready yet.
    pub(super) starting: u32,
    /// Integral of the function's requests in flight from time 0, warm-up included
    /// [request·µs], brought up to date with the function's other integrals, and its value at
    /// the last look.
    pub(super) demand: u128,
    pub(super) demand_at: SimTime,
    pub(super) seen: u128,
    /// Start of the current doubling span, the instances alive or starting then, and the
    /// instances started since.
    pub(super) span_from: SimTime,
    pub(super) span_base: u32,
    pub(super) span_started: u32,
}

impl ScalerState {
    /// Accounts for `in_flight` requests since the last call, up to `now`.
    #[inline]
    pub(super) fn advance(&mut self, now: SimTime, in_flight: u32) {
        self.demand += u128::from(in_flight) * u128::from((now - self.demand_at).as_micros());
        self.demand_at = now;
    }

    fn new(def: Scaler) -> ScalerState {
        ScalerState {
            def,
            starting: 0,
            demand: 0,
            demand_at: SimTime::ZERO,
            seen: 0,
            span_from: SimTime::ZERO,
            span_base: 0,
            span_started: 0,
        }
    }
}

/// Takes the Poisson arrivals of every function with a Poisson process into one merged
/// process: with one such function, its own process and stream; with more, a stream cut after
/// every function's own. Not when their summed rate is beyond the clock's resolution (each
/// keeps its own process then).
pub(super) fn merge_poisson(
    funcs: &mut [Func],
    streams: &mut Streams,
) -> (Option<MergedPoisson>, Vec<FunctionId>) {
    let mut members = Vec::new();
    let mut rates = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        if let Some(ArrivalSpec::Poisson { rate_per_s }) = &f.def.arrival {
            members.push(FunctionId(i as u32));
            rates.push(*rate_per_s);
        }
    }
    let rng = match members.as_slice() {
        [] => return (None, members),
        [only] => funcs[only.0 as usize].arrival_rng.clone(),
        _ => streams.stream(),
    };
    let Some(merged) = MergedPoisson::new(&rates, rng) else {
        return (None, Vec::new());
    };
    for m in &members {
        let f = &mut funcs[m.0 as usize];
        f.arrivals = None;
        f.merged = true;
    }
    (Some(merged), members)
}

/// A drawn time at a memory size other than the one it was measured at.
#[inline]
pub(super) fn scaled(d: SimDuration, factor: f64) -> SimDuration {
    if factor == 1.0 {
        d
    } else {
        SimDuration(crate::time::round_non_negative(
            d.as_micros() as f64 * factor,
        ))
    }
}

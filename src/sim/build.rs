//! Building a run: every function's state and generator streams in a fixed order, the merged Poisson process, the time series, provisioned containers, and each arrival process's first arrival.

use crate::model::scenario::Scenario;
use crate::model::trace::ArrivalSource;
use crate::rng::Streams;
use crate::sim::engine::Simulation;
use crate::sim::function::{Func, merge_poisson};
use crate::sim::lifetime::Lifetimes;
use crate::sim::policy::eviction::Eviction;
use crate::sim::pool::{FunctionId, Pool};
use crate::sim::processor::Sharing;
use crate::sim::queue::{Event, EventQueue};
use crate::sim::stats::{Connections, Latency, Levels, OPEN_SERIES_ROWS, SERIES_ROWS, TimeSeries};
use crate::time::{SimDuration, SimTime};

impl Simulation {
    /// Prepares a run with the scenario's own seed and an automatic time-series width.
    pub fn new(scenario: &Scenario) -> Simulation {
        Simulation::with_options(scenario, scenario.seed, None)
    }

    /// Prepares a run with this seed and, optionally, a time-series bucket width.
    pub fn with_options(scenario: &Scenario, seed: u64, bucket: Option<SimDuration>) -> Simulation {
        Simulation::with_source(scenario, seed, bucket, None)
    }

    /// Prepares a run with this seed, an optional time-series bucket width, and optionally a
    /// trace whose arrivals join those of the scenario's own processes.
    pub fn with_source(
        scenario: &Scenario,
        seed: u64,
        bucket: Option<SimDuration>,
        source: Option<Box<dyn ArrivalSource>>,
    ) -> Simulation {
        let open_end = scenario.duration.is_none();
        let end = scenario
            .duration
            .map_or(SimTime::NEVER, |d| SimTime(d.as_micros()));
        let warmup = SimTime(scenario.warmup.as_micros());
        let mut streams = Streams::new(seed);
        let router_rng = streams.stream();
        let routing = scenario.platform.routing;
        let reserved_total: u32 = scenario
            .functions
            .iter()
            .filter_map(|f| f.reserved_concurrency)
            .sum();
        let mut funcs: Vec<Func> = scenario
            .functions
            .iter()
            .map(|f| Func::new(f.clone(), &mut streams, routing, warmup))
            .collect();
        let (merged, merged_members) = merge_poisson(&mut funcs, &mut streams);
        // Lifetimes that draw take the next stream, after every other at the start; runs
        // whose lifetimes draw nothing take none and keep every later stream in place.
        // Then each function with tenants, in order, takes one for their draws.
        let lifetimes = scenario.platform.max_lifetime.clone().map(|dist| {
            let proactive = scenario.platform.proactive_init;
            let rng = Lifetimes::draws(&dist, proactive.as_ref()).then(|| streams.stream());
            Lifetimes {
                dist,
                proactive,
                rng,
            }
        });
        for f in &mut funcs {
            f.draw_tenants(&mut streams);
        }
        let most_capacity = funcs.iter().map(|f| f.capacity).max().unwrap_or(1);
        let by_name = scenario
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        let series = match (scenario.duration, bucket) {
            (Some(d), b) => TimeSeries::new(
                end,
                b.unwrap_or_else(|| TimeSeries::auto_width(d, SERIES_ROWS)),
            ),
            // A trace of unknown length: the asked width until the rows would pass
            // OPEN_SERIES_ROWS, then pairs of rows merge (doubling the width).
            (None, Some(b)) => TimeSeries::open(b, Some(OPEN_SERIES_ROWS)),
            (None, None) => {
                TimeSeries::open(SimDuration::from_secs(1), Some(2 * SERIES_ROWS as usize))
            }
        };
        let mut sim = Simulation {
            now: SimTime::ZERO,
            warmup,
            queue: EventQueue::new(end),
            merged,
            merged_members,
            pool: Pool::default(),
            funcs,
            shared_in_flight: 0,
            shared_capacity: scenario.platform.account_concurrency - reserved_total,
            lifetimes,
            request_rule: scenario.cost.prices.requests(),
            plain_rounding_ms: {
                let rule = scenario.cost.prices.requests();
                (rule == crate::cost::RequestRule::lambda(rule.rounding_ms))
                    .then_some(rule.rounding_ms)
            },
            periods: scenario.cost.prices.periods(),
            provisioned_unit_us: if scenario.platform.kind == crate::cost::BillingModel::AwsLambda {
                300 * 1_000_000
            } else {
                1_000_000
            },
            router_rng,
            total_busy: 0,
            total_in_flight: 0,
            sharing: Sharing::default(),
            total_alive: 0,
            total_levels: Levels::of(warmup, most_capacity, 0),
            connections: Connections::new(warmup, scenario.platform.max_connections),
            cold_latency: Latency::new(),
            warm_latency: Latency::new(),
            queue_delay: Latency::new(),
            series,
            events: 0,
            arrivals_pending: 0,
            open_end,
            streams,
            routing,
            scenario: scenario.clone(),
            by_name,
            source,
            source_done: false,
            scaling: scenario
                .platform
                .scaling
                .map(|(n, every)| (n, every.as_micros())),
            retries: Vec::new(),
            caches: Vec::new(),
            free_retries: Vec::new(),
            eviction: scenario
                .platform
                .capacity_gb
                .map(|gb| Eviction::new(scenario.platform.eviction, (gb * 1024.0).floor() as u64)),
            pending: None,
            source_map: Vec::new(),
            failure: None,
        };
        let first_merged = sim.merged_members.first().copied();
        for i in 0..sim.funcs.len() {
            sim.provision(i);
            sim.start_scaler(i);
            // The merged process's first arrival is drawn in its first member's place.
            if !sim.funcs[i].merged {
                sim.schedule_next_arrival(FunctionId(i as u32));
            } else if first_merged == Some(FunctionId(i as u32)) {
                sim.schedule_merged_arrival();
            }
            if sim.funcs[i].def.warmer.is_some() {
                sim.schedule(SimTime::ZERO, Event::WarmerDue(FunctionId(i as u32)));
            }
        }
        sim.schedule_trace_arrival();
        sim
    }
}

//! What happened to an arrival: how it was served (cold, warm or throttled), what it cost the engine to bill, and the observer that sees every invocation as it happens.

use crate::cost::{RequestRule, Usage};
use crate::sim::pool::{ContainerId, FunctionId};
use crate::time::{SimDuration, SimTime};

/// How an arrival was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A new container was started.
    Cold,
    /// An idle container took it.
    Warm,
    /// A concurrency limit refused it.
    Throttled,
}

/// How a served arrival went, for billing and observers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    /// Cold or warm.
    pub start: Start,
    /// The container that served it.
    pub container: ContainerId,
    /// Time it waited for the container's init to end, having joined it while it initialized
    /// (with several requests per container).
    pub wait: SimDuration,
    /// Init time (zero when warm).
    pub init: SimDuration,
    /// Handler time.
    pub exec: SimDuration,
    /// Whether a provisioned container served it.
    pub provisioned: bool,
    /// The container's slot in the pool.
    pub(crate) slot: u32,
    /// Its handler shares the container's CPUs with the other requests in flight: `exec` is
    /// its time alone, and processor sharing says when it ends.
    pub(crate) shared: bool,
}

impl Served {
    /// Counts this invocation in `usage`: on a provisioned container or on demand.
    #[inline]
    pub(super) fn bill(&self, usage: &mut Usage, memory_mb: u32, rule: &RequestRule) {
        if self.provisioned {
            usage.on_provisioned(memory_mb, self.exec.as_micros(), rule.rounding_ms);
        } else {
            usage.on_request(
                memory_mb,
                self.init.as_micros(),
                self.exec.as_micros(),
                rule,
            );
        }
    }
}

/// One invocation as it happened, for observers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Its function.
    pub function: FunctionId,
    /// When it arrived.
    pub arrived: SimTime,
    /// How it was served.
    pub start: Start,
    /// The container that served it; `None` when throttled.
    pub container: Option<ContainerId>,
    /// Time an asynchronous arrival waited in the platform's queue before it started.
    pub queued: SimDuration,
    /// Time spent in an init: the container's whole init on the arrival that started it, the
    /// rest of it for one that joined the container while it initialized; zero on a warm
    /// start or a throttle.
    pub init: SimDuration,
    /// Handler time (zero on a throttle).
    pub exec: SimDuration,
}

impl Invocation {
    /// Arrival to response: queueing, init and exec.
    pub fn latency(&self) -> SimDuration {
        self.queued + self.init + self.exec
    }
}

/// Sees every invocation as it happens, warm-up included. `()` sees nothing and costs nothing.
pub trait Observer {
    /// Called once per arrival, after it was served or throttled.
    fn invocation(&mut self, invocation: &Invocation);
}

impl Observer for () {
    #[inline]
    fn invocation(&mut self, _: &Invocation) {}
}

impl Observer for Vec<Invocation> {
    fn invocation(&mut self, invocation: &Invocation) {
        self.push(*invocation);
    }
}

/// A served request as it is recorded when its handler time is known: whose it is, when it
/// arrived, and how it counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request {
    pub(crate) function: FunctionId,
    /// When it first arrived, and how long it waited for a retry.
    pub(crate) origin: SimTime,
    pub(crate) queued: SimDuration,
    /// Its billed memory.
    pub(crate) memory_mb: u32,
    /// It arrived inside the statistics window (billed and counted).
    pub(crate) counted: bool,
    /// A warmer's ping: billed, in no user statistic.
    pub(crate) ping: bool,
}

/// An asynchronous arrival waiting for its next try.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Retry {
    pub(crate) function: FunctionId,
    /// When it first arrived.
    pub(crate) origin: SimTime,
    /// Its handler time and billed memory, drawn at arrival.
    pub(crate) exec: SimDuration,
    pub(crate) memory_mb: u32,
    /// Tries so far.
    pub(crate) tries: u32,
    /// Whether it arrived inside the statistics window.
    pub(crate) counted: bool,
    /// Its tenant, with tenant isolation (0 otherwise).
    pub(crate) tenant: u32,
}

//! Processor sharing: the requests in flight in one container share its CPUs, so each one's handler runs slower while others run beside it; completion times are recomputed exactly whenever the number in flight changes.
//!
//! A request's handler time alone is `exec`; a share `cpu_fraction` of it computes and the rest
//! waits on I/O, finely interleaved. With `n` requests running in a container of `vcpus`, each
//! computes at min(1, vcpus / n) of a CPU instead of min(1, vcpus) alone, so its handler
//! advances at rate 1 / [`Function::slowdown`](crate::model::function::Function::slowdown)(n)
//! of its time alone. Every request of a container advances at the same rate, so one number
//! per container, the handler time each running request has done since the container was last
//! empty (its *work*), says where all of them are: a request that starts at work `w` with time
//! alone `e` ends when the work reaches `w + e`. The requests wait in a heap by that tag; a
//! change of the number running moves only the container's one pending event, to
//! now + (least tag − work) / rate, rounded to the nearest microsecond: O(log n) per change,
//! never a scan of the container's requests. Events happen at whole microseconds and the
//! rates hold between them, so the run is the exact processor sharing of requests whose ends
//! are rounded to the microsecond. Requests that joined a container while it initialized start
//! together when its init ends. Ties end in the order they started.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::sim::invocation::{Request, Served};
use crate::time::{SimDuration, SimTime};

/// One request sharing a container, keyed by the work at which it ends, then by start order.
#[derive(Debug)]
struct Job {
    /// The container's work when it ends [µs of handler time alone], as `f64` bits (the work
    /// is never negative, so the bits order as the numbers do).
    tag: u64,
    seq: u64,
    served: Served,
    request: Request,
    /// When its handler started.
    started: SimTime,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        (self.tag, self.seq) == (other.tag, other.seq)
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.tag, self.seq).cmp(&(other.tag, other.seq))
    }
}

/// The requests sharing one container.
#[derive(Debug, Default)]
pub(super) struct Share {
    /// Handler time each running request has done since the container was last empty [µs].
    work: f64,
    /// When `work` was last brought up to date.
    last: SimTime,
    /// Generation of the pending event; an event carrying another is stale. Never reset, so
    /// that a stale event of a slot's earlier container cannot match.
    pub(super) generation: u32,
    seq: u64,
    running: BinaryHeap<Reverse<Job>>,
    /// Requests that joined while the container initialized, and when it is ready.
    pub(super) waiting: Vec<(Served, Request)>,
    pub(super) ready_at: SimTime,
}

impl Share {
    /// Requests running (not waiting for the init).
    pub(super) fn running(&self) -> usize {
        self.running.len()
    }

    /// Nothing runs or waits.
    pub(super) fn is_empty(&self) -> bool {
        self.running.is_empty() && self.waiting.is_empty()
    }

    /// Brings the work up to `now` at `rate` (the rate of the requests running until now).
    pub(super) fn advance(&mut self, now: SimTime, rate: f64) {
        if !self.running.is_empty() {
            self.work += (now - self.last).as_micros() as f64 * rate;
        }
        self.last = now;
    }

    /// Starts a request's handler at `now` (the work must be up to date).
    pub(super) fn start(&mut self, now: SimTime, served: Served, request: Request) {
        if self.running.is_empty() {
            self.work = 0.0;
        }
        let tag = (self.work + served.exec.as_micros() as f64).to_bits();
        self.seq += 1;
        self.running.push(Reverse(Job {
            tag,
            seq: self.seq,
            served,
            request,
            started: now,
        }));
    }

    /// When the next change is due, from `now` at `rate`: the waiting requests start when the
    /// init ends; otherwise the least tag ends.
    pub(super) fn due(&self, now: SimTime, rate: f64) -> Option<SimTime> {
        if !self.waiting.is_empty() {
            return Some(self.ready_at.max(now));
        }
        let Reverse(first) = self.running.peek()?;
        let left = (f64::from_bits(first.tag) - self.work).max(0.0) / rate;
        Some(now + SimDuration(crate::time::round_non_negative(left)))
    }

    /// Handles the change due at `now` (the work must be up to date): starts the waiting
    /// requests, or ends the first to end and returns it with its handler time.
    pub(super) fn step(&mut self, now: SimTime) -> Option<(Served, Request)> {
        if !self.waiting.is_empty() {
            let waiting = std::mem::take(&mut self.waiting);
            for (served, request) in waiting {
                self.start(now, served, request);
            }
            return None;
        }
        // It ends now, at the microsecond nearest to where its work reaches its tag; the
        // others ran at the old rate until now (the work says so), at the new one from now.
        let Reverse(job) = self.running.pop()?;
        let mut served = job.served;
        served.exec = now - job.started;
        Some((served, job.request))
    }
}

/// Every container's sharing state, by pool slot.
#[derive(Debug, Default)]
pub(super) struct Sharing {
    pub(super) slots: Vec<Share>,
}

impl Sharing {
    pub(super) fn get(&mut self, slot: u32) -> &mut Share {
        let i = slot as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, Share::default);
        }
        &mut self.slots[i]
    }
}

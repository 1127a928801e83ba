//! The event queue: events keyed by (instant, sequence number), so that same-instant events leave in the order they were scheduled; two heaps and the two pending arrivals kept beside them, popped as one queue.
//!
//! Executions, retries, warmer pings and scaling steps go in the hot heap (a few per busy
//! container, due soon); keep-alive expiries and pre-warms in the timer heap (minutes ahead,
//! one per idle container, tens of thousands at region scale), so that the hot heap stays
//! small and in cache. The merged Poisson process's next arrival and the trace's next arrival
//! wait beside the heaps with keys of the same kind. Keys are unique, so the least of the four
//! heads is exactly what one queue of everything would give.

use std::cmp::Ordering;

use dary_heap::QuaternaryHeap;

use crate::sim::pool::FunctionId;
use crate::time::SimTime;

/// Something that happens at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An invocation of a function arrived from its own arrival process.
    InvocationArrived(FunctionId),
    /// A function's warmer pings are due.
    WarmerDue(FunctionId),
    /// An asynchronous arrival is due for another try (index into the pending retries).
    RetryDue(u32),
    /// A function's provisioned concurrency is due to change (a schedule step or a
    /// target-tracking tick).
    ScalingDue(FunctionId),
    /// A function's instance scaler looks at the last window's demand.
    ScalerDue(FunctionId),
    /// An instance the scaler started for this function is ready.
    ScaledOut(FunctionId),
    /// The pending arrival of the trace came due.
    TraceArrived,
    /// The container in this slot finished its invocation (init included, on a cold start).
    ExecutionFinished(u32),
    /// The next change of the requests sharing the container in this slot is due (one ends,
    /// or its init ends and the waiting ones start), if its generation still matches.
    SharedDue {
        /// The container's slot.
        slot: u32,
        /// The sharing generation it was scheduled with.
        generation: u32,
    },
    /// A pre-warmed container of this function is due, if no arrival has cancelled it.
    PrewarmDue {
        /// The function.
        function: FunctionId,
        /// The function's pre-warm generation when it was scheduled.
        generation: u32,
    },
    /// A replacement for the container in this slot is due ahead of its retirement, if the
    /// container is still there and still due one now.
    Replace(u32),
    /// The keep-alive timer of the container in this slot fired, if its generation still matches.
    KeepAliveExpired {
        /// The container's slot.
        slot: u32,
        /// The timer generation it was scheduled with.
        timer: u32,
    },
}

/// An event and its key: the instant in the high 64 bits, the sequence number in the low, so
/// that one comparison orders both.
#[derive(Debug)]
struct Queued {
    key: u128,
    event: Event,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // The heap is a max-heap: reverse for earliest first.
        other.key.cmp(&self.key)
    }
}

/// No event has this key: everything is scheduled before the end, so its time is below
/// `u64::MAX`.
const NONE: u128 = u128::MAX;

/// The queue of a run: everything is scheduled before `end`, and nothing into the past.
#[derive(Debug)]
pub struct EventQueue {
    hot: QuaternaryHeap<Queued>,
    timers: QuaternaryHeap<Queued>,
    seq: u64,
    /// The key of the merged Poisson process's pending arrival and its function.
    merged: Option<(u128, FunctionId)>,
    /// The key of the trace's pending arrival.
    traced: Option<u128>,
    end: SimTime,
}

impl EventQueue {
    /// An empty queue that refuses events at or after `end`.
    pub fn new(end: SimTime) -> EventQueue {
        EventQueue {
            hot: QuaternaryHeap::new(),
            timers: QuaternaryHeap::new(),
            seq: 0,
            merged: None,
            traced: None,
            end,
        }
    }

    /// The next key at `at`: the one place keys are packed.
    #[inline]
    fn key(&mut self, at: SimTime) -> u128 {
        let key = (u128::from(at.0) << 64) | u128::from(self.seq);
        self.seq += 1;
        key
    }

    /// Schedules `event` at `at`; an event at or after the end is dropped. Returns whether it
    /// was kept.
    #[inline]
    pub fn schedule(&mut self, at: SimTime, event: Event) -> bool {
        if at >= self.end {
            return false;
        }
        let key = self.key(at);
        match event {
            Event::KeepAliveExpired { .. } | Event::PrewarmDue { .. } | Event::Replace(_) => {
                self.timers.push(Queued { key, event });
            }
            _ => self.hot.push(Queued { key, event }),
        }
        true
    }

    /// Sets the merged Poisson process's pending arrival, of `function` at `at`, unless it
    /// comes at or after the end. Returns whether it was kept.
    #[inline]
    pub fn set_merged(&mut self, at: SimTime, function: FunctionId) -> bool {
        if at >= self.end {
            return false;
        }
        let key = self.key(at);
        self.merged = Some((key, function));
        true
    }

    /// Sets the trace's pending arrival at `at` (which must be before the end).
    #[inline]
    pub fn set_traced(&mut self, at: SimTime) {
        let key = self.key(at);
        self.traced = Some(key);
    }

    /// Takes the earliest event, or `None` when nothing is left.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, Event)> {
        let hot = self.hot.peek().map_or(NONE, |q| q.key);
        let timer = self.timers.peek().map_or(NONE, |q| q.key);
        let merged = self.merged.map_or(NONE, |m| m.0);
        let traced = self.traced.unwrap_or(NONE);
        let first = hot.min(timer).min(merged).min(traced);
        let event = if first == NONE {
            return None;
        } else if first == hot {
            self.hot.pop().map(|q| q.event)
        } else if first == merged {
            self.merged.take().map(|(_, f)| Event::InvocationArrived(f))
        } else if first == traced {
            self.traced = None;
            Some(Event::TraceArrived)
        } else {
            self.timers.pop().map(|q| q.event)
        };
        event.map(|e| (SimTime((first >> 64) as u64), e))
    }

    /// Moves the end to `end`, for a run whose length is known only once it is over.
    pub fn set_end(&mut self, end: SimTime) {
        self.end = end;
    }

    /// The end events must come before.
    pub fn end(&self) -> SimTime {
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_instant_events_leave_in_scheduling_order() {
        let mut q = EventQueue::new(SimTime::NEVER);
        for (slot, t) in [(0u32, 5u64), (1, 3), (2, 5), (3, 3), (4, 5)] {
            q.schedule(SimTime(t), Event::ExecutionFinished(slot));
        }
        let slots: Vec<u32> = std::iter::from_fn(|| q.pop())
            .map(|(_, e)| match e {
                Event::ExecutionFinished(s) => s,
                other => unreachable!("{other:?}"),
            })
            .collect();
        assert_eq!(slots, vec![1, 3, 0, 2, 4]);
    }

    #[test]
    fn the_heaps_and_the_pending_arrivals_leave_as_one_queue() {
        let mut q = EventQueue::new(SimTime(100));
        let f = FunctionId(7);
        // Scheduled in this order; at 10, the timer, the trace, the merged arrival and the
        // execution leave in that order too.
        q.schedule(SimTime(20), Event::ExecutionFinished(0));
        q.schedule(SimTime(10), Event::KeepAliveExpired { slot: 1, timer: 0 });
        q.set_traced(SimTime(10));
        assert!(q.set_merged(SimTime(10), f));
        q.schedule(SimTime(10), Event::ExecutionFinished(2));
        assert!(!q.set_merged(SimTime(100), f), "at the end");
        assert!(!q.schedule(SimTime(100), Event::WarmerDue(f)), "at the end");
        let got: Vec<(u64, Event)> = std::iter::from_fn(|| q.pop())
            .map(|(t, e)| (t.0, e))
            .collect();
        assert_eq!(
            got,
            vec![
                (10, Event::KeepAliveExpired { slot: 1, timer: 0 }),
                (10, Event::TraceArrived),
                (10, Event::InvocationArrived(f)),
                (10, Event::ExecutionFinished(2)),
                (20, Event::ExecutionFinished(0)),
            ]
        );
    }
}

//! Asynchronous invocations over a limit: queued by the platform and retried with backoff (1 s doubling to 5 minutes) until their maximum event age, then dropped; synchronous ones are throttled.

use crate::model::function::InvocationType;
use crate::sim::engine::Simulation;
use crate::sim::invocation::{Observer, Retry};
use crate::sim::queue::Event;
use crate::time::SimDuration;

/// The first retry's delay and the longest [µs]: AWS doubles from 1 s to 5 min.
const RETRY_FIRST_US: u64 = 1_000_000;
const RETRY_MAX_US: u64 = 300_000_000;

impl Simulation {
    /// An arrival a limit refused: an asynchronous one waits for a retry after 1 s, 2 s, 4 s
    /// ... up to 5 min, unless the retry would come after its maximum event age (then it is
    /// dropped); a synchronous one is throttled. Returns whether it waits for a retry.
    pub(super) fn retry_later(&mut self, r: Retry) -> bool {
        let now = self.now;
        let fi = r.function.0 as usize;
        let func = &mut self.funcs[fi];
        if func.def.invocation == InvocationType::Async {
            let delay = RETRY_FIRST_US
                .checked_shl(r.tries)
                .unwrap_or(RETRY_MAX_US)
                .min(RETRY_MAX_US);
            let at = now + SimDuration(delay);
            if at - r.origin <= func.def.max_event_age {
                let retry = Retry {
                    tries: r.tries + 1,
                    ..r
                };
                let i = match self.free_retries.pop() {
                    Some(i) => {
                        self.retries[i as usize] = retry;
                        i
                    }
                    None => {
                        self.retries.push(retry);
                        (self.retries.len() - 1) as u32
                    }
                };
                if !self.schedule(at, Event::RetryDue(i)) {
                    self.free_retries.push(i); // never handled: the run ends first
                    if r.counted {
                        self.funcs[fi].stats.pending += 1;
                    }
                }
                return true;
            }
            if r.counted {
                func.stats.dropped += 1;
            }
        } else if r.counted {
            func.stats.throttled += 1;
        }
        false
    }

    /// An asynchronous arrival's retry comes due.
    pub(super) fn retried<O: Observer>(&mut self, i: u32, observer: &mut O) {
        let r = self.retries[i as usize];
        self.free_retries.push(i);
        self.touch(r.function.0 as usize);
        self.attempt(r, observer);
    }
}

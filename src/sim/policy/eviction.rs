//! Memory-bounded hosts (FaasCache, ASPLOS 2021): a pool capacity in GB, and which idle container to evict when a new one does not fit.
//!
//! When a cold start needs more memory than the pool has free, idle containers of any
//! function are evicted, one at a time in the rule's order, until it fits; if evicting every
//! idle container is not enough, the arrival is throttled. Busy and provisioned containers
//! are never evicted. Rules:
//! - `ttl`: the idle container whose keep-alive deadline comes first;
//! - `lru`: the one idle the longest (least recently used);
//! - `greedy-dual` (Fuerst and Sharma, "FaasCache", ASPLOS 2021, as their simulator computes
//!   it): each time a request is handed to a container of a function, the function's
//!   containers all get the priority `clock + frequency × cost / size`, where frequency is the
//!   requests served by its containers still alive (it falls back to zero once they are all
//!   gone), cost the init time [ms] of its latest cold start and size its memory [MB]; the
//!   lowest priority goes first (of its function, the oldest idle container), and `clock`
//!   rises to each evicted priority.

use std::collections::BTreeSet;

pub use crate::model::keep_alive::EvictionRule;

/// Greedy-Dual priorities are kept in fixed point, this many units per priority unit, so that
/// ordering and the clock are exact integers.
const SCALE: f64 = 1_000_000.0;

/// The idle containers of a memory-bounded pool, in eviction order.
#[derive(Clone, Debug)]
pub struct Eviction {
    rule: EvictionRule,
    /// Capacity [MB].
    pub capacity_mb: u64,
    /// Memory of alive containers [MB].
    pub used_mb: u64,
    /// Memory of the idle containers that may be evicted [MB].
    pub idle_mb: u64,
    /// `ttl` and `lru`: (key, container id, slot), the least key first.
    idle: BTreeSet<(u64, u64, u32)>,
    /// Greedy-Dual clock, in fixed point.
    clock: u64,
    /// Greedy-Dual: (priority, function) of every function with an idle container.
    ranked: BTreeSet<(u64, u32)>,
    /// Greedy-Dual, by function: its priority and its idle containers (id, slot).
    functions: Vec<Ranked>,
}

/// A function's Greedy-Dual priority and idle containers.
#[derive(Clone, Debug, Default)]
struct Ranked {
    priority: u64,
    idle: BTreeSet<(u64, u32)>,
}

impl Eviction {
    /// An empty pool of `capacity_mb`.
    pub fn new(rule: EvictionRule, capacity_mb: u64) -> Eviction {
        Eviction {
            rule,
            capacity_mb,
            used_mb: 0,
            idle_mb: 0,
            idle: BTreeSet::new(),
            clock: 0,
            ranked: BTreeSet::new(),
            functions: Vec::new(),
        }
    }

    /// Whether the rule is Greedy-Dual, which hears of every request a container takes.
    pub fn greedy_dual(&self) -> bool {
        self.rule == EvictionRule::GreedyDual
    }

    /// The eviction key of a container going idle: its deadline [µs] for `ttl`, the instant
    /// [µs] for `lru` (Greedy-Dual ranks functions, not keys).
    pub fn key(&self, now_us: u64, deadline_us: u64) -> u64 {
        match self.rule {
            EvictionRule::Ttl => deadline_us,
            EvictionRule::Lru => now_us,
            EvictionRule::GreedyDual => 0,
        }
    }

    fn ranked(&mut self, function: u32) -> &mut Ranked {
        let f = function as usize;
        if self.functions.len() <= f {
            self.functions.resize_with(f + 1, Ranked::default);
        }
        &mut self.functions[f]
    }

    /// Greedy-Dual: a request was just handed to a container of `function`, whose alive
    /// containers have now served `frequency` requests (this one included): its containers
    /// all get `clock + frequency × cost_ms / memory_mb`.
    pub fn prioritize(&mut self, function: u32, frequency: u64, cost_ms: f64, memory_mb: u32) {
        let p = frequency as f64 * cost_ms / f64::from(memory_mb.max(1));
        let priority = self.clock.saturating_add((p * SCALE).round() as u64);
        let r = self.ranked(function);
        let old = std::mem::replace(&mut r.priority, priority);
        if !r.idle.is_empty() {
            self.ranked.remove(&(old, function));
            self.ranked.insert((priority, function));
        }
    }

    /// A container of `function` and `mb` went idle with this key.
    pub fn insert(&mut self, key: u64, id: u64, slot: u32, mb: u64, function: u32) {
        let added = if self.greedy_dual() {
            let r = self.ranked(function);
            let first = r.idle.is_empty();
            let added = r.idle.insert((id, slot));
            let priority = r.priority;
            if first && added {
                self.ranked.insert((priority, function));
            }
            added
        } else {
            self.idle.insert((key, id, slot))
        };
        if added {
            self.idle_mb += mb;
        }
    }

    /// A container of `function` and `mb` is no longer idle (taken, expired or evicted).
    pub fn remove(&mut self, key: u64, id: u64, slot: u32, mb: u64, function: u32) {
        let removed = if self.greedy_dual() {
            let r = self.ranked(function);
            let removed = r.idle.remove(&(id, slot));
            let (now_empty, priority) = (r.idle.is_empty(), r.priority);
            if removed && now_empty {
                self.ranked.remove(&(priority, function));
            }
            removed
        } else {
            self.idle.remove(&(key, id, slot))
        };
        if removed {
            self.idle_mb -= mb;
        }
    }

    /// The next victim's slot, still in the order (remove it with [`Eviction::remove`]);
    /// Greedy-Dual's clock rises to its priority.
    pub fn victim(&mut self) -> Option<u32> {
        if self.greedy_dual() {
            let &(priority, f) = self.ranked.first()?;
            self.clock = self.clock.max(priority);
            let &(_, slot) = self.functions[f as usize].idle.first()?;
            return Some(slot);
        }
        let &(_, _, slot) = self.idle.first()?;
        Some(slot)
    }

    /// Whether `mb` more fits.
    pub fn fits(&self, mb: u64) -> bool {
        self.used_mb + mb <= self.capacity_mb
    }

    /// Whether `mb` more would fit after evicting every idle container.
    pub fn could_fit(&self, mb: u64) -> bool {
        self.used_mb + mb <= self.capacity_mb + self.idle_mb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool and each idle container's (key, function), containers numbered by slot.
    struct Pool(Eviction, std::collections::HashMap<u32, (u64, u32)>);

    impl Pool {
        fn new(rule: EvictionRule) -> Pool {
            Pool(Eviction::new(rule, 1 << 20), Default::default())
        }

        fn idle(&mut self, slot: u32, now: u64, deadline: u64, function: u32) {
            let key = self.0.key(now, deadline);
            self.0.insert(key, u64::from(slot), slot, 1, function);
            self.1.insert(slot, (key, function));
        }

        fn pop(&mut self) -> Option<u32> {
            let slot = self.0.victim()?;
            let (key, function) = self.1[&slot];
            self.0.remove(key, u64::from(slot), slot, 1, function);
            Some(slot)
        }
    }

    #[test]
    fn each_rule_orders_its_own_key() {
        let mut p = Pool::new(EvictionRule::Lru);
        p.idle(0, 30, 100, 0);
        p.idle(1, 10, 900, 1);
        p.idle(2, 20, 50, 2);
        assert_eq!(
            [p.pop(), p.pop(), p.pop(), p.pop()],
            [Some(1), Some(2), Some(0), None]
        );
        let mut p = Pool::new(EvictionRule::Ttl);
        p.idle(0, 30, 100, 0);
        p.idle(1, 10, 900, 1);
        p.idle(2, 20, 50, 2);
        assert_eq!([p.pop(), p.pop(), p.pop()], [Some(2), Some(0), Some(1)]);
        assert_eq!(p.0.idle_mb, 0);
    }

    #[test]
    fn greedy_dual_keeps_expensive_frequent_small_functions_and_ages_the_rest() {
        // Priorities (frequency x cost ms / MB): a 10 x 500 / 1024 = 4.8828125 (two idle
        // containers, slots 0 and 3); b 1 x 400 / 128 = 3.125; c 2 x 1000 / 256 = 7.8125.
        // b goes first and the clock rises to 3.125; d, 1 x 100 / 1024 = 0.09765625, then
        // gets 3.22265625 and goes next; then a's older container, a's other, c.
        let mut p = Pool::new(EvictionRule::GreedyDual);
        p.0.prioritize(0, 10, 500.0, 1024);
        p.0.prioritize(1, 1, 400.0, 128);
        p.0.prioritize(2, 2, 1000.0, 256);
        p.idle(3, 0, 0, 0);
        p.idle(0, 0, 0, 0);
        p.idle(1, 0, 0, 1);
        p.idle(2, 0, 0, 2);
        assert_eq!(p.pop(), Some(1));
        assert_eq!(p.0.clock, 3_125_000);
        p.0.prioritize(3, 1, 100.0, 1024);
        p.idle(4, 0, 0, 3);
        assert_eq!(
            [p.pop(), p.pop(), p.pop(), p.pop(), p.pop()],
            [Some(4), Some(0), Some(3), Some(2), None]
        );
        assert_eq!(p.0.clock, 7_812_500);
    }

    #[test]
    fn a_new_greedy_dual_priority_moves_every_idle_container_of_its_function() {
        // a (2 x 100 / 100 = 2) ahead of b (1 x 300 / 100 = 3) until a request to a's busy
        // container raises a to 4: its idle one now goes after b's.
        let mut p = Pool::new(EvictionRule::GreedyDual);
        p.0.prioritize(0, 2, 100.0, 100);
        p.0.prioritize(1, 1, 300.0, 100);
        p.idle(0, 0, 0, 0);
        p.idle(1, 0, 0, 1);
        p.0.prioritize(0, 4, 100.0, 100);
        assert_eq!([p.pop(), p.pop()], [Some(1), Some(0)]);
        assert_eq!(p.0.clock, 4_000_000);
        // The clock never falls: c, ranked 1 while the clock was 0 and busy since, goes idle
        // and is evicted at priority 1; the clock stays at 4.
        p.0.clock = 0;
        p.0.prioritize(2, 1, 100.0, 100);
        p.0.clock = 4_000_000;
        p.idle(2, 0, 0, 2);
        assert_eq!((p.pop(), p.0.clock), (Some(2), 4_000_000));
    }
}

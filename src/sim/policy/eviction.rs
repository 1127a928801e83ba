//! Memory-bounded hosts (FaasCache, ASPLOS 2021): a pool capacity in GB, and which idle container to evict when a new one does not fit.
//!
//! When a cold start needs more memory than the pool has free, idle containers of any
//! function are evicted, one at a time in the rule's order, until it fits; if evicting every
//! idle container is not enough, the arrival is throttled. Busy and provisioned containers
//! are never evicted. Rules:
//! - `ttl`: the idle container whose keep-alive deadline comes first;
//! - `lru`: the one idle the longest (least recently used);
//! - `greedy-dual` (Fuerst and Shenoy, "FaasCache", ASPLOS 2021): the lowest priority, where a
//!   container going idle gets `clock + frequency × init cost / size` (frequency: its
//!   function's invocations so far; init cost: its own init time [ms]; size: its memory
//!   [MB]), and `clock` rises to each evicted container's priority.

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
    /// (key, container id, slot), the least key first.
    idle: BTreeSet<(u64, u64, u32)>,
    /// Greedy-Dual clock, in fixed point.
    clock: u64,
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
        }
    }

    /// The eviction key of a container going idle: its deadline [µs] for `ttl`, the instant
    /// [µs] for `lru`, its priority for `greedy-dual`.
    pub fn key(
        &self,
        now_us: u64,
        deadline_us: u64,
        frequency: u64,
        init_ms: f64,
        memory_mb: u32,
    ) -> u64 {
        match self.rule {
            EvictionRule::Ttl => deadline_us,
            EvictionRule::Lru => now_us,
            EvictionRule::GreedyDual => {
                let p = frequency as f64 * init_ms / f64::from(memory_mb.max(1));
                self.clock.saturating_add((p * SCALE).round() as u64)
            }
        }
    }

    /// A container of `mb` went idle with this key.
    pub fn insert(&mut self, key: u64, id: u64, slot: u32, mb: u64) {
        if self.idle.insert((key, id, slot)) {
            self.idle_mb += mb;
        }
    }

    /// A container of `mb` is no longer idle (taken, expired or evicted).
    pub fn remove(&mut self, key: u64, id: u64, slot: u32, mb: u64) {
        if self.idle.remove(&(key, id, slot)) {
            self.idle_mb -= mb;
        }
    }

    /// The next victim's slot, still in the order (remove it with [`Eviction::remove`]);
    /// Greedy-Dual's clock rises to its priority.
    pub fn victim(&mut self) -> Option<u32> {
        let &(key, _, slot) = self.idle.first()?;
        if self.rule == EvictionRule::GreedyDual {
            self.clock = self.clock.max(key);
        }
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

    fn pop(e: &mut Eviction) -> Option<u32> {
        let slot = e.victim()?;
        let &(key, id, _) = e.idle.first()?;
        e.remove(key, id, slot, 0);
        Some(slot)
    }

    #[test]
    fn each_rule_orders_its_own_key() {
        let mut e = Eviction::new(EvictionRule::Lru, 1024);
        e.insert(e.key(30, 100, 1, 0.0, 128), 0, 0, 0);
        e.insert(e.key(10, 900, 1, 0.0, 128), 1, 1, 0);
        e.insert(e.key(20, 50, 1, 0.0, 128), 2, 2, 0);
        assert_eq!(
            [pop(&mut e), pop(&mut e), pop(&mut e), pop(&mut e)],
            [Some(1), Some(2), Some(0), None]
        );

        let mut e = Eviction::new(EvictionRule::Ttl, 1024);
        e.insert(e.key(30, 100, 1, 0.0, 128), 0, 0, 0);
        e.insert(e.key(10, 900, 1, 0.0, 128), 1, 1, 0);
        e.insert(e.key(20, 50, 1, 0.0, 128), 2, 2, 0);
        assert_eq!(
            [pop(&mut e), pop(&mut e), pop(&mut e)],
            [Some(2), Some(0), Some(1)]
        );
    }

    #[test]
    fn greedy_dual_keeps_expensive_frequent_small_containers_and_ages_the_rest() {
        // Priorities: a = 10 × 500 / 1024 = 4.8828125; b = 1 × 500 / 128 = 3.90625;
        // c = 2 × 1000 / 256 = 7.8125. Evict b first; the clock rises to 3.90625, so a
        // container going idle afterwards with priority 1 × 100 / 1024 = 0.09765625 gets
        // 4.00390625 and is next, ahead of a.
        let mut e = Eviction::new(EvictionRule::GreedyDual, 1 << 20);
        e.insert(e.key(0, 0, 10, 500.0, 1024), 0, 0, 0);
        e.insert(e.key(0, 0, 1, 500.0, 128), 1, 1, 0);
        e.insert(e.key(0, 0, 2, 1000.0, 256), 2, 2, 0);
        assert_eq!(pop(&mut e), Some(1));
        assert_eq!(e.clock, 3_906_250);
        let k = e.key(0, 0, 1, 100.0, 1024);
        assert_eq!(k, 3_906_250 + 97_656);
        e.insert(k, 3, 3, 0);
        assert_eq!(
            [pop(&mut e), pop(&mut e), pop(&mut e)],
            [Some(3), Some(0), Some(2)]
        );
    }
}

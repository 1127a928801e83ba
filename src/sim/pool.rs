//! The container pool: a slab of containers with explicit states, and the idle sets that routing picks from.

use std::collections::BTreeSet;

use rand::RngExt;

use crate::model::scenario::Routing;
use crate::rng::SimRng;
use crate::time::SimTime;

/// A container's identity within one run: its creation number, starting at 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerId(pub u64);

/// A function's index within its scenario, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionId(pub u32);

/// Where a container is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Cold start: initializing, then running its first invocation.
    Starting,
    /// Running an invocation on a warm container.
    Executing,
    /// Waiting for an invocation until its keep-alive deadline.
    Idle,
    /// Reclaimed; the slot is free for reuse.
    Free,
}

const NIL: u32 = u32::MAX;

/// One container (execution environment).
#[derive(Clone, Debug)]
pub struct Container {
    /// The function it runs.
    pub function: FunctionId,
    /// Its identity.
    pub id: ContainerId,
    /// Its state.
    pub state: State,
    /// When it was created.
    pub created: SimTime,
    /// When an idle container is reclaimed; meaningless otherwise.
    pub deadline: SimTime,
    /// Generation of its pending keep-alive timer; a timer event carrying another is stale.
    pub timer: u32,
    /// When its pending timer fires, or [`SimTime::NEVER`] when none is pending.
    pub timer_at: SimTime,
    /// Invocations it has served to the end.
    pub served: u64,
    /// Kept initialized by provisioned concurrency: never reclaimed, billed as configured.
    pub provisioned: bool,
    /// When it first went idle; [`SimTime::NEVER`] until then.
    pub first_idle: SimTime,
    /// Its key in a memory-bounded pool's eviction order while idle.
    pub evict_key: u64,
    /// Requests it is serving (or waiting for its init to serve).
    pub in_flight: u32,
    /// When its init ends and it can run requests.
    pub ready_at: SimTime,
    /// When its open busy period began (instance platforms' billing); [`SimTime::NEVER`] when
    /// none is open.
    pub busy_since: SimTime,
    /// When its last request ended, closing its busy period unless another starts at the same
    /// instant; [`SimTime::NEVER`] while busy.
    pub idle_since: SimTime,
    /// When it reaches its maximum lifetime ([`SimTime::NEVER`]: never): retired then if idle,
    /// else when it next goes idle.
    pub retire_at: SimTime,
    /// When a replacement is initialized ahead of its retirement ([`SimTime::NEVER`]: none).
    pub replace_at: SimTime,
    /// The tenant it serves, with tenant isolation (0 otherwise).
    pub tenant: u32,
    // Links of the idle list (MRU/LRU), or `prev` as the position in the random idle vector.
    prev: u32,
    next: u32,
}

/// Every container of a run, in reusable slots.
#[derive(Debug, Default)]
pub struct Pool {
    slots: Vec<Container>,
    free: Vec<u32>,
    next_id: u64,
}

impl Pool {
    /// Creates a container in state `Starting` and returns its slot.
    pub fn create(&mut self, function: FunctionId, now: SimTime) -> u32 {
        let id = ContainerId(self.next_id);
        self.next_id += 1;
        match self.free.pop() {
            Some(slot) => {
                let c = &mut self.slots[slot as usize];
                // Keep the timer generation running so that a stale timer of the slot's
                // previous container can never match the new one.
                let timer = c.timer.wrapping_add(1);
                *c = Container::new(function, id, now);
                c.timer = timer;
                slot
            }
            None => {
                self.slots.push(Container::new(function, id, now));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Frees a slot (the container must not be in an idle set).
    pub fn release(&mut self, slot: u32) {
        let c = &mut self.slots[slot as usize];
        c.state = State::Free;
        c.timer = c.timer.wrapping_add(1);
        c.timer_at = SimTime::NEVER;
        self.free.push(slot);
    }

    /// The container in a slot.
    #[inline]
    pub fn get(&self, slot: u32) -> &Container {
        &self.slots[slot as usize]
    }

    /// The container in a slot, to change.
    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Container {
        &mut self.slots[slot as usize]
    }

    /// Containers ever created.
    pub fn created(&self) -> u64 {
        self.next_id
    }

    /// The slots of the containers alive now, in slot order.
    pub fn alive_slots(&self) -> Vec<u32> {
        (0..self.slots.len() as u32)
            .filter(|&s| self.slots[s as usize].state != State::Free)
            .collect()
    }
}

impl Container {
    fn new(function: FunctionId, id: ContainerId, now: SimTime) -> Container {
        Container {
            function,
            id,
            state: State::Starting,
            created: now,
            deadline: SimTime::NEVER,
            timer: 0,
            timer_at: SimTime::NEVER,
            served: 0,
            provisioned: false,
            first_idle: SimTime::NEVER,
            evict_key: 0,
            in_flight: 0,
            ready_at: now,
            busy_since: SimTime::NEVER,
            idle_since: SimTime::NEVER,
            retire_at: SimTime::NEVER,
            replace_at: SimTime::NEVER,
            tenant: 0,
            prev: NIL,
            next: NIL,
        }
    }
}

/// One function's idle containers (or, with several requests per container, those with room
/// for one more), ordered as its routing rule needs. A container is in one such set at most.
#[derive(Debug)]
pub enum IdleSet {
    /// In order of going idle (MRU takes the tail, LRU the head): O(1) everywhere.
    List {
        /// Most recently used takes the tail (`true`) or least recently used the head.
        mru: bool,
        /// Longest idle.
        head: u32,
        /// Most recently idle.
        tail: u32,
    },
    /// In order of creation (newest takes the last, oldest the first): O(log n).
    Created {
        /// Newest (`true`) or oldest.
        newest: bool,
        /// (creation number, slot).
        set: BTreeSet<(u64, u32)>,
    },
    /// Unordered; any is picked uniformly: O(1).
    Random(Vec<u32>),
}

impl IdleSet {
    /// An empty idle set for a routing rule.
    pub fn new(routing: Routing) -> IdleSet {
        match routing {
            Routing::Mru | Routing::Lru => IdleSet::List {
                mru: routing == Routing::Mru,
                head: NIL,
                tail: NIL,
            },
            Routing::Newest | Routing::Oldest => IdleSet::Created {
                newest: routing == Routing::Newest,
                set: BTreeSet::new(),
            },
            Routing::Random => IdleSet::Random(Vec::new()),
        }
    }

    /// Adds a container that has just gone idle.
    pub fn insert(&mut self, pool: &mut Pool, slot: u32) {
        match self {
            IdleSet::List { head, tail, .. } => {
                let old_tail = *tail;
                {
                    let c = pool.get_mut(slot);
                    c.prev = old_tail;
                    c.next = NIL;
                }
                if old_tail == NIL {
                    *head = slot;
                } else {
                    pool.get_mut(old_tail).next = slot;
                }
                *tail = slot;
            }
            IdleSet::Created { set, .. } => {
                set.insert((pool.get(slot).id.0, slot));
            }
            IdleSet::Random(v) => {
                pool.get_mut(slot).prev = v.len() as u32;
                v.push(slot);
            }
        }
    }

    /// Removes a container from the set (it must be in it).
    pub fn remove(&mut self, pool: &mut Pool, slot: u32) {
        match self {
            IdleSet::List { head, tail, .. } => {
                let (prev, next) = {
                    let c = pool.get(slot);
                    (c.prev, c.next)
                };
                if prev == NIL {
                    *head = next;
                } else {
                    pool.get_mut(prev).next = next;
                }
                if next == NIL {
                    *tail = prev;
                } else {
                    pool.get_mut(next).prev = prev;
                }
            }
            IdleSet::Created { set, .. } => {
                set.remove(&(pool.get(slot).id.0, slot));
            }
            IdleSet::Random(v) => {
                let pos = pool.get(slot).prev as usize;
                v.swap_remove(pos);
                if let Some(&moved) = v.get(pos) {
                    pool.get_mut(moved).prev = pos as u32;
                }
            }
        }
    }

    /// The container the routing rule would give the next arrival, if any is idle.
    #[inline]
    pub fn pick(&self, rng: &mut SimRng) -> Option<u32> {
        let slot = match self {
            IdleSet::List { mru, head, tail } => {
                if *mru {
                    *tail
                } else {
                    *head
                }
            }
            IdleSet::Created { newest, set } => {
                let e = if *newest { set.last() } else { set.first() };
                return e.map(|&(_, slot)| slot);
            }
            IdleSet::Random(v) => {
                if v.is_empty() {
                    return None;
                }
                return Some(v[rng.random_range(0..v.len())]);
            }
        };
        (slot != NIL).then_some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    fn filled(routing: Routing, n: u32) -> (Pool, IdleSet, Vec<u32>) {
        let mut pool = Pool::default();
        let mut set = IdleSet::new(routing);
        let slots: Vec<u32> = (0..n)
            .map(|i| pool.create(FunctionId(0), SimTime(u64::from(i))))
            .collect();
        // Go idle in reverse creation order, so that idle order and creation order differ.
        for &s in slots.iter().rev() {
            set.insert(&mut pool, s);
        }
        (pool, set, slots)
    }

    fn drain(routing: Routing) -> Vec<u32> {
        let (mut pool, mut set, _) = filled(routing, 4);
        let mut rng = Streams::new(3).stream();
        let mut order = Vec::new();
        while let Some(s) = set.pick(&mut rng) {
            set.remove(&mut pool, s);
            order.push(s);
        }
        order
    }

    #[test]
    fn each_rule_picks_in_its_own_order() {
        // Idle order (first to last): 3, 2, 1, 0. Creation order: 0, 1, 2, 3.
        assert_eq!(drain(Routing::Mru), vec![0, 1, 2, 3]);
        assert_eq!(drain(Routing::Lru), vec![3, 2, 1, 0]);
        assert_eq!(drain(Routing::Newest), vec![3, 2, 1, 0]);
        assert_eq!(drain(Routing::Oldest), vec![0, 1, 2, 3]);
        let mut random = drain(Routing::Random);
        random.sort_unstable();
        assert_eq!(random, vec![0, 1, 2, 3]);
    }

    #[test]
    fn removing_from_the_middle_keeps_the_rest_in_order() {
        for routing in [Routing::Mru, Routing::Lru, Routing::Newest, Routing::Random] {
            let (mut pool, mut set, _) = filled(routing, 5);
            set.remove(&mut pool, 2);
            let mut rng = Streams::new(3).stream();
            let mut left = Vec::new();
            while let Some(s) = set.pick(&mut rng) {
                set.remove(&mut pool, s);
                left.push(s);
            }
            left.sort_unstable();
            assert_eq!(left, vec![0, 1, 3, 4], "{routing:?}");
        }
    }

    #[test]
    fn a_reused_slot_gets_a_new_identity_and_timer_generation() {
        let mut pool = Pool::default();
        let a = pool.create(FunctionId(0), SimTime(0));
        let gen_a = pool.get(a).timer;
        pool.release(a);
        let b = pool.create(FunctionId(0), SimTime(5));
        assert_eq!(a, b);
        assert_eq!(pool.get(b).id, ContainerId(1));
        assert_ne!(pool.get(b).timer, gen_a);
        assert_eq!(pool.created(), 2);
    }
}

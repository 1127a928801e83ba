//! Each container's in-memory cache: the key a request asks for, hit or miss against the container's exact LRU list, or Che's approximation by requests served; the hit or miss time (drawn when random) added to the handler's.

use lru::LruCache;
use rand::RngExt;

use crate::model::dist::TimeDist;
use crate::model::function::{Cache, CacheModel};
use crate::rng::SimRng;
use crate::sim::popularity::{PopularityDraw, probabilities};
use crate::time::SimDuration;

/// One function's cache rules and draws.
#[derive(Debug)]
pub struct FuncCache {
    pub(super) def: Cache,
    /// The key each request asks for.
    keys: PopularityDraw,
    /// Che's approximation: (requests served, hit probability), rising, then flat past the
    /// last point.
    che: Vec<(f64, f64)>,
    /// Draws whether a request hits under Che's approximation.
    rng: SimRng,
    /// Draws hit and miss times, when either is random.
    times: Option<SimRng>,
}

/// What a container's cache holds.
#[derive(Debug, Default)]
pub enum CacheState {
    /// No cache (or no container in the slot).
    #[default]
    None,
    /// The keys, most recently used first, at most the capacity.
    Exact(LruCache<u32, ()>),
    /// Requests served so far, for Che's approximation.
    Che(u64),
}

impl FuncCache {
    /// The rules of `def`, drawing keys from `keys_rng`, Che's hits from `rng` and random hit
    /// and miss times from `times`.
    pub fn new(def: Cache, keys_rng: SimRng, rng: SimRng, times: Option<SimRng>) -> FuncCache {
        let che = match def.model {
            CacheModel::Exact => Vec::new(),
            CacheModel::Che => che_curve(&probabilities(def.keys, def.popularity), def.capacity),
        };
        FuncCache {
            keys: PopularityDraw::new(def.keys, def.popularity, keys_rng),
            che,
            rng,
            times,
            def,
        }
    }

    /// A new container's cache: empty, or holding the `warm_on_init` most popular keys (the
    /// most popular the most recently used).
    pub fn fresh(&self) -> CacheState {
        match self.def.model {
            CacheModel::Che => CacheState::Che(0),
            CacheModel::Exact => {
                let mut lru = LruCache::unbounded();
                for k in (0..self.def.warm_on_init).rev() {
                    lru.put(k, ());
                }
                CacheState::Exact(lru)
            }
        }
    }

    /// Whether hit or miss times are drawn (and need a stream of their own).
    pub fn random_times(def: &Cache) -> bool {
        !matches!(
            (&def.hit, &def.miss),
            (TimeDist::Constant(_), TimeDist::Constant(_))
        )
    }

    /// The time of a hit or a miss.
    fn time(&mut self, hit: bool) -> SimDuration {
        let d = if hit { &self.def.hit } else { &self.def.miss };
        match (d, &mut self.times) {
            (TimeDist::Constant(t), _) => *t,
            (d, Some(rng)) => d.sample(rng),
            (_, None) => unreachable!("random cache times have a stream"),
        }
    }

    /// The init time a preload adds: a miss per key loaded, each drawn.
    pub fn preload(&mut self) -> SimDuration {
        if let TimeDist::Constant(t) = self.def.miss {
            return SimDuration(t.as_micros() * u64::from(self.def.warm_on_init));
        }
        (0..self.def.warm_on_init).fold(SimDuration(0), |sum, _| sum + self.time(false))
    }

    /// One request against a container's cache: whether it hits, and the time it adds.
    pub fn ask(&mut self, state: &mut CacheState) -> (bool, SimDuration) {
        let hit = match state {
            CacheState::Exact(lru) => {
                let key = self.keys.draw();
                if lru.get(&key).is_some() {
                    true
                } else {
                    lru.put(key, ());
                    if lru.len() > self.def.capacity as usize {
                        lru.pop_lru();
                    }
                    false
                }
            }
            CacheState::Che(served) => {
                let h = che_at(&self.che, *served as f64);
                *served += 1;
                self.rng.random::<f64>() < h
            }
            CacheState::None => unreachable!("a container of a function with a cache has one"),
        };
        (hit, self.time(hit))
    }
}

/// Che's characteristic time [requests]: the `t` at which Σ (1 − e^(−p_i t)) = `capacity`;
/// `None` when every key fits.
pub fn characteristic_time(p: &[f64], capacity: u32) -> Option<f64> {
    if capacity as usize >= p.len() {
        return None;
    }
    let c = f64::from(capacity);
    let filled = |t: f64| p.iter().map(|&q| 1.0 - (-q * t).exp()).sum::<f64>();
    let (mut lo, mut hi) = (c, 2.0 * c);
    while filled(hi) < c {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if filled(mid) < c {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Che's hit probability after `r` requests into an empty cache: Σ p_i (1 − e^(−p_i
/// min(r, t_C))), the keys asked for in the last min(r, t_C) requests being those held.
pub fn che_hit(p: &[f64], t_c: Option<f64>, r: f64) -> f64 {
    let t = t_c.map_or(r, |t| r.min(t));
    p.iter().map(|&q| q * (1.0 - (-q * t).exp())).sum()
}

/// Points of Che's hit probability against requests served: every count to 64, then 5 %
/// apart up to the characteristic time (or until the cache holds nearly every key asked).
fn che_curve(p: &[f64], capacity: u32) -> Vec<(f64, f64)> {
    let t_c = characteristic_time(p, capacity);
    let mut points = Vec::new();
    let mut r = 0.0f64;
    loop {
        let h = che_hit(p, t_c, r);
        points.push((r, h));
        let last = match t_c {
            Some(t) => r >= t,
            None => h >= 1.0 - 1e-9 || r > 1e12,
        };
        if last {
            break;
        }
        r = if r < 64.0 { r + 1.0 } else { r * 1.05 };
        if let Some(t) = t_c {
            r = r.min(t);
        }
    }
    points
}

/// The curve's value at `r`, linear between its points and flat past the last.
fn che_at(curve: &[(f64, f64)], r: f64) -> f64 {
    let i = curve.partition_point(|&(x, _)| x <= r);
    if i >= curve.len() {
        return curve.last().map_or(0.0, |&(_, h)| h);
    }
    let (x1, h1) = curve[i];
    let (x0, h0) = curve[i - 1];
    h0 + (h1 - h0) * (r - x0) / (x1 - x0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::function::Popularity;
    use crate::rng::Streams;

    fn cache(capacity: u32, warm: u32, model: CacheModel) -> FuncCache {
        FuncCache::new(
            Cache {
                keys: 4,
                popularity: Popularity::Uniform,
                capacity,
                hit: TimeDist::Constant(SimDuration(1_000)),
                miss: TimeDist::Constant(SimDuration(40_000)),
                warm_on_init: warm,
                model,
            },
            Streams::new(1).stream(),
            Streams::new(2).stream(),
            None,
        )
    }

    #[test]
    fn an_lru_of_two_answers_a_sequence_by_hand() {
        // Capacity 2, keys asked 0, 1, 0, 2, 1, 0: miss, miss, hit (0 most recent), miss
        // (evicts 1), miss (evicts 0), miss (evicts 2).
        let mut c = cache(2, 0, CacheModel::Exact);
        let mut state = c.fresh();
        let CacheState::Exact(lru) = &mut state else {
            panic!("exact");
        };
        let mut got = Vec::new();
        for key in [0u32, 1, 0, 2, 1, 0] {
            let hit = if lru.get(&key).is_some() {
                true
            } else {
                lru.put(key, ());
                if lru.len() > c.def.capacity as usize {
                    lru.pop_lru();
                }
                false
            };
            got.push(hit);
        }
        assert_eq!(got, [false, false, true, false, false, false]);
        // Through `ask`, a hit adds the hit time and a miss the miss time.
        let mut state = c.fresh();
        let (hit, t) = c.ask(&mut state);
        assert!(!hit);
        assert_eq!(t, SimDuration(40_000));
    }

    #[test]
    fn a_preload_holds_the_most_popular_keys_most_recent_first() {
        let mut c = cache(3, 2, CacheModel::Exact);
        let CacheState::Exact(mut lru) = c.fresh() else {
            panic!("exact");
        };
        assert_eq!(lru.len(), 2);
        assert_eq!(lru.pop_lru(), Some((1, ())));
        assert_eq!(lru.pop_lru(), Some((0, ())));
        assert_eq!(c.preload(), SimDuration(80_000));
    }

    #[test]
    fn che_fills_to_the_capacity_at_the_characteristic_time() {
        // Four uniform keys, two entries: 4 (1 − e^(−t/4)) = 2 at t = 4 ln 2; the hit
        // probability there is 1/2, and after r < t_C requests 1 − e^(−r/4).
        let p = [0.25; 4];
        let t = characteristic_time(&p, 2).expect("does not fit");
        assert!((t - 4.0 * 2f64.ln()).abs() < 1e-9, "{t}");
        assert!((che_hit(&p, Some(t), 100.0) - 0.5).abs() < 1e-12);
        assert!((che_hit(&p, Some(t), 1.0) - (1.0 - (-0.25f64).exp())).abs() < 1e-12);
        assert_eq!(characteristic_time(&p, 4), None);
        let curve = che_curve(&p, 2);
        assert_eq!(curve[0], (0.0, 0.0));
        assert!((che_at(&curve, 1e9) - 0.5).abs() < 1e-12);
        assert!((che_at(&curve, 0.5) - 0.5 * (1.0 - (-0.25f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn between_its_points_the_curve_is_linear_and_a_cache_that_holds_every_key_reaches_one() {
        // Ten uniform keys, nine entries (t_C ≈ 23): after 2.5 requests, halfway between the
        // curve's points at 2 and 3.
        let p = [0.1; 10];
        let curve = che_curve(&p, 9);
        let h = |r: f64| 1.0 - (-0.1 * r).exp();
        assert!((che_at(&curve, 2.5) - 0.5 * (h(2.0) + h(3.0))).abs() < 1e-12);
        // Past 64 requests the points are 5 % apart: at 70, between 67.2 and 70.56.
        let p = vec![0.001; 1000];
        let curve = che_curve(&p, 999);
        let hk = |r: f64| 1.0 - (-0.001 * r).exp();
        let (x0, x1) = (64.0 * 1.05, 64.0 * 1.05 * 1.05);
        let want = hk(x0) + (hk(x1) - hk(x0)) * (70.0 - x0) / (x1 - x0);
        assert!((che_at(&curve, 70.0) - want).abs() < 1e-12);
        // Four keys in four entries: no characteristic time; the curve rises to 1 − 10⁻⁹ and
        // stops at the first point that reaches it.
        let p = [0.25; 4];
        let curve = che_curve(&p, 4);
        let (last, before) = (curve[curve.len() - 1], curve[curve.len() - 2]);
        assert!(
            last.1 >= 1.0 - 1e-9 && before.1 < 1.0 - 1e-9,
            "{last:?} {before:?}"
        );
        assert!((che_at(&curve, 1e6) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_characteristic_time_is_found_beyond_twice_the_capacity() {
        // Ten uniform keys, nine entries: 10 (1 − e^(−t/10)) = 9 at t = 10 ln 10 ≈ 23.03,
        // past the first bracket [9, 18], so the bracket must grow to find it.
        let p = [0.1; 10];
        let t = characteristic_time(&p, 9).expect("does not fit");
        assert!((t - 10.0 * 10f64.ln()).abs() < 1e-9, "{t}");
        // Far beyond: a thousand uniform keys, 999 entries: t = 1000 ln 1000 ≈ 6908.
        let p = vec![0.001; 1000];
        let t = characteristic_time(&p, 999).expect("does not fit");
        assert!((t - 1000.0 * 1000f64.ln()).abs() < 1e-6, "{t}");
    }
}

//! Draws by popularity (uniformly, or by Zipf's law), from a stream of their own: which tenant an arrival belongs to under tenant isolation, which key a request asks a container's cache for.

use rand::RngExt;
use rand_distr::{Distribution, Zipf};

use crate::model::function::Popularity;
use crate::rng::SimRng;

/// Draws one of `count` items (tenants, keys) by popularity.
#[derive(Debug)]
pub struct PopularityDraw {
    count: u32,
    zipf: Option<Zipf<f64>>,
    rng: SimRng,
}

impl PopularityDraw {
    /// Draws of `count` items of `popularity` from `rng`.
    pub fn new(count: u32, popularity: Popularity, rng: SimRng) -> PopularityDraw {
        let zipf = match popularity {
            Popularity::Uniform => None,
            Popularity::Zipf(s) => Some(
                Zipf::new(f64::from(count), s)
                    .unwrap_or_else(|e| unreachable!("validated Zipf parameters: {e}")),
            ),
        };
        PopularityDraw { count, zipf, rng }
    }

    /// The next item, from 0 (the most popular under Zipf) to `count - 1`.
    pub fn draw(&mut self) -> u32 {
        match &self.zipf {
            None => self.rng.random_range(0..self.count),
            Some(z) => (z.sample(&mut self.rng) as u32).clamp(1, self.count) - 1,
        }
    }
}

/// The probability of each of `count` items under `popularity`, most popular first.
pub fn probabilities(count: u32, popularity: Popularity) -> Vec<f64> {
    match popularity {
        Popularity::Uniform => vec![1.0 / f64::from(count); count as usize],
        Popularity::Zipf(s) => {
            let w: Vec<f64> = (1..=count).map(|k| f64::from(k).powf(-s)).collect();
            let total: f64 = w.iter().sum();
            w.into_iter().map(|x| x / total).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    #[test]
    fn zipf_draws_follow_one_over_k_and_uniform_ones_are_alike() {
        // Zipf(3, 1): probabilities 6/11, 3/11, 2/11. Over n = 110,000 draws each count's 99.9 %
        // interval is z sqrt(n p (1 - p)) with z = 3.29: at most 543.
        let n = 110_000u32;
        let mut z = PopularityDraw::new(3, Popularity::Zipf(1.0), Streams::new(5).stream());
        let mut counts = [0u32; 3];
        for _ in 0..n {
            counts[z.draw() as usize] += 1;
        }
        for (k, want) in [60_000.0, 30_000.0, 20_000.0].into_iter().enumerate() {
            let p: f64 = want / f64::from(n);
            let tol = 3.29 * (f64::from(n) * p * (1.0 - p)).sqrt();
            assert!(
                (f64::from(counts[k]) - want).abs() <= tol,
                "tenant {k}: {} draws, {want} expected within {tol}",
                counts[k]
            );
        }
        let mut u = PopularityDraw::new(4, Popularity::Uniform, Streams::new(5).stream());
        let mut seen = [false; 4];
        for _ in 0..100 {
            seen[u.draw() as usize] = true;
        }
        assert_eq!(seen, [true; 4]);
    }
}

//! Reproducible random numbers for permutation tests.
//!
//! Every permutation (Knox) or every cell (Gi*) gets its own ChaCha8 stream derived from
//! `(seed, index)`: `ChaCha8Rng::seed_from_u64(seed)` with `set_stream(index)`. Work can then be
//! split over any number of threads and the result is bit-identical for the same seed.
//! Range reduction is our own (Lemire's multiply-and-reject), so the draws do not depend on the
//! `rand` crate's sampling algorithms, only on the ChaCha8 key stream.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The RNG for unit `index` (a permutation, a cell) under `seed`.
pub fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Uniform integer in `0..n` (n ≥ 1), unbiased.
#[inline]
pub fn below(rng: &mut ChaCha8Rng, n: u32) -> u32 {
    debug_assert!(n > 0);
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    let mut low = m as u32;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// Fisher–Yates shuffle with [`below`].
pub fn shuffle<T>(rng: &mut ChaCha8Rng, values: &mut [T]) {
    for i in (1..values.len()).rev() {
        let j = below(rng, (i + 1) as u32) as usize;
        values.swap(i, j);
    }
}

/// Number of worker threads to use: `requested`, or the machine's parallelism when 0.
pub fn threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Uniform f64 in [0, 1).
#[inline]
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal (Box–Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

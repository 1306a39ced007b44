//! Special functions the statistics need (normal tail, log-gamma, count distributions).
//! Written here rather than pulling a numerics crate: each is a few lines, double precision,
//! and tested against published values.

/// sqrt(pi)
const SQRT_PI: f64 = 1.772_453_850_905_516;

/// Complementary error function erfc(x), relative error ≈ 1e-14.
///
/// |x| < 2: the all-positive series erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1}/(1·3···(2n+1));
/// x ≥ 2: the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))).
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        let mut k = 0.0;
        loop {
            k += 1.0;
            term *= 2.0 * x2 / (2.0 * k + 1.0);
            sum += term;
            if term <= 1e-17 * sum {
                break;
            }
        }
        1.0 - 2.0 / SQRT_PI * (-x2).exp() * sum
    } else if x > 27.0 {
        0.0
    } else {
        // Backward evaluation of the continued fraction; 60 levels are ample for x ≥ 2.
        let mut f = x;
        let mut k = 60.0_f64;
        while k >= 1.0 {
            f = x + (k / 2.0) / f;
            k -= 1.0;
        }
        (-x * x).exp() / (SQRT_PI * f)
    }
}

/// Standard normal upper tail 1 − Φ(z).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Two-sided normal p-value 2(1 − Φ(|z|)).
pub fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ≈ 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln P(X = k) for X ~ Poisson(mu), mu > 0.
pub fn poisson_ln_pmf(k: u64, mu: f64) -> f64 {
    k as f64 * mu.ln() - mu - ln_gamma(k as f64 + 1.0)
}

/// Upper tail P(X ≥ k) for X ~ Poisson(mu).
pub fn poisson_sf_ge(k: u64, mu: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mu <= 0.0 {
        return 0.0;
    }
    if (k as f64) < mu {
        // Sum the lower tail instead, it is the short side.
        let mut lower = 0.0;
        for j in 0..k {
            lower += poisson_ln_pmf(j, mu).exp();
        }
        return (1.0 - lower).clamp(0.0, 1.0);
    }
    let mut term = poisson_ln_pmf(k, mu).exp();
    let mut sum: f64 = 0.0;
    let mut j = k;
    while term > 1e-18 * sum.max(1e-300) || j == k {
        sum += term;
        j += 1;
        term *= mu / j as f64;
        if j > k + 100_000 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

/// ln P(X = k) for a negative binomial with mean mu and size r (variance mu + mu²/r).
pub fn negbin_ln_pmf(k: u64, mu: f64, r: f64) -> f64 {
    let kf = k as f64;
    ln_gamma(kf + r) - ln_gamma(r) - ln_gamma(kf + 1.0)
        + r * (r / (r + mu)).ln()
        + kf * (mu / (r + mu)).ln()
}

/// Upper tail P(X ≥ k) for the negative binomial with mean mu and size r.
pub fn negbin_sf_ge(k: u64, mu: f64, r: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mu <= 0.0 {
        return 0.0;
    }
    let mut lower = 0.0;
    for j in 0..k {
        lower += negbin_ln_pmf(j, mu, r).exp();
    }
    if lower < 0.5 {
        // Upper tail by direct summation is more accurate here.
        let q = mu / (r + mu);
        let mut term = negbin_ln_pmf(k, mu, r).exp();
        let mut sum: f64 = 0.0;
        let mut j = k as f64;
        let mut steps = 0;
        while steps == 0 || term > 1e-18 * sum.max(1e-300) {
            sum += term;
            term *= (j + r) / (j + 1.0) * q;
            j += 1.0;
            steps += 1;
            if steps > 1_000_000 {
                break;
            }
        }
        return sum.clamp(0.0, 1.0);
    }
    (1.0 - lower).clamp(0.0, 1.0)
}

/// Exact two-sided binomial test of k successes in n trials with probability p0: the sum of
/// the probabilities of all outcomes no more likely than the observed one (as R's `binom.test`).
pub fn binomial_two_sided_p(k: u64, n: u64, p0: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let ln_pmf = |j: u64| -> f64 {
        ln_gamma(n as f64 + 1.0) - ln_gamma(j as f64 + 1.0) - ln_gamma((n - j) as f64 + 1.0)
            + j as f64 * p0.ln()
            + (n - j) as f64 * (1.0 - p0).ln()
    };
    let observed = ln_pmf(k);
    let tolerance: f64 = 1.0 + 1e-7;
    let mut p = 0.0;
    for j in 0..=n {
        let l = ln_pmf(j);
        if l <= observed + tolerance.ln() {
            p += l.exp();
        }
    }
    p.min(1.0)
}

/// Median of a slice (sorted copy; mean of the two middle values for even length).
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    values.sort_unstable_by(f64::total_cmp);
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// Formats a number the Swedish way: decimal comma, `decimals` decimals, trailing zeros trimmed
/// when `trim` is set.
pub fn sv_number(value: f64, decimals: usize, trim: bool) -> String {
    let mut s = format!("{value:.decimals$}");
    if trim && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s.replace('.', ",").replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_published_values() {
        let cases = [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_13),
            (2.0, 0.004_677_734_981_047_266),
            (3.0, 2.209_049_699_858_544e-5),
            (5.0, 1.537_459_794_428_034_8e-12),
        ];
        for (x, want) in cases {
            let got = erfc(x);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "erfc({x}) = {got}, want {want}"
            );
        }
        assert!((two_sided_p(1.959_963_984_540_054) - 0.05).abs() < 1e-14);
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0_f64;
        for k in 1..30 {
            f *= k as f64;
            assert!((ln_gamma(k as f64 + 1.0) - f.ln()).abs() < 1e-12);
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
    }

    #[test]
    fn poisson_tail_sums_to_one() {
        for mu in [0.3, 2.0, 15.0, 400.0] {
            let mut total = 0.0;
            for k in 0..2000 {
                total += poisson_ln_pmf(k, mu).exp();
            }
            assert!((total - 1.0).abs() < 1e-10);
            let k = (mu * 1.5) as u64 + 1;
            let direct: f64 = (k..3000).map(|j| poisson_ln_pmf(j, mu).exp()).sum();
            assert!((poisson_sf_ge(k, mu) - direct).abs() < 1e-12);
        }
        // P(X >= 5 | mu = 1) = 0.003659846827343
        assert!((poisson_sf_ge(5, 1.0) - 0.003_659_846_827_343_7).abs() < 1e-13);
    }

    #[test]
    fn negbin_tail_matches_sum() {
        let (mu, r) = (6.0, 2.5);
        let direct: f64 = (10..5000).map(|j| negbin_ln_pmf(j, mu, r).exp()).sum();
        assert!((negbin_sf_ge(10, mu, r) - direct).abs() < 1e-12);
    }

    #[test]
    fn binomial_test_matches_r() {
        // binom.test(3, 20, 0.5)$p.value = 0.002576828
        assert!((binomial_two_sided_p(3, 20, 0.5) - 0.002_576_828).abs() < 1e-8);
    }

    #[test]
    fn swedish_numbers_use_decimal_comma() {
        assert_eq!(sv_number(1.84, 1, false), "1,8");
        assert_eq!(sv_number(200.0, 1, true), "200");
        assert_eq!(sv_number(0.001, 3, false), "0,001");
    }
}

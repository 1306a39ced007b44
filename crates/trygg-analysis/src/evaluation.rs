//! Evaluation of an intervention (*uppföljning*): treated area R, displacement buffer D and
//! control area C, counted before (b) and after (a) over periods of **equal length**.
//!
//! - Relative effect `RES = (Ra/Rb) / (Ca/Cb)` (< 1: the treated area fell relative to the
//!   control), with the log-normal 95 % CI `exp(ln RES ± 1.96·sqrt(1/Ra + 1/Rb + 1/Ca + 1/Cb))`.
//! - Poisson test of the change in R: with equal periods and no change, `Ra | Ra + Rb ~
//!   Bin(Ra + Rb, ½)`; exact two-sided p (outcomes no more likely than the observed, as R's
//!   `poisson.test`). The control-adjusted variant uses `π₀ = Ca/(Ca + Cb)` instead of ½
//!   (treating the control's change as known).
//! - WDQ (Bowers & Johnson 2003): success = Ra/Rb − Ca/Cb; buffer = Da/Db − Ca/Cb;
//!   WDQ = buffer/success; > 0 diffusion of benefits, < 0 displacement.
//! - WDD (Wheeler & Ratcliffe 2018): `WDD = (Ta−Tb) − (Ca−Cb) + (DTa−DTb) − (DCa−DCb)`,
//!   `Var = sum of the eight counts`, z = WDD/SE, 95 % CI = WDD ± 1.96·SE, two-sided p.

use serde::Serialize;

use crate::error::{AnalysisError, Result};
use crate::special::{binomial_two_sided_p, sv_number, two_sided_p};

const Z95: f64 = 1.959_963_984_540_054;

/// Counts before and after in treated, buffer and control areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BeforeAfter {
    /// Treated before.
    pub treated_before: u64,
    /// Treated after.
    pub treated_after: u64,
    /// Buffer before.
    pub buffer_before: u64,
    /// Buffer after.
    pub buffer_after: u64,
    /// Control before.
    pub control_before: u64,
    /// Control after.
    pub control_after: u64,
}

/// A ratio with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioCi {
    /// Point estimate.
    pub estimate: f64,
    /// Lower 95 % limit.
    pub lower: f64,
    /// Upper 95 % limit.
    pub upper: f64,
}

/// What the numbers of a follow-up cannot show: the verdict's closing sentence.
pub const CAVEAT_SV: &str = "Siffrorna visar vad som hände samtidigt som insatsen, inte att insatsen orsakade det: de kan inte utesluta andra förändringar under perioden (andra insatser, ändrad anmälningsbenägenhet, återgång mot det normala efter en topp) och säger inget om brott som inte anmäls.";

/// [`CAVEAT_SV`] in English.
pub const CAVEAT_EN: &str = "The numbers show what happened while the intervention ran, not that it caused it: they cannot rule out other changes in the period (other interventions, a change in the willingness to report, a return to normal after a peak) and say nothing of crimes that are not reported.";

/// The evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The counts.
    pub counts: BeforeAfter,
    /// RES = (Ra/Rb)/(Ca/Cb) with CI.
    pub relative_effect: RatioCi,
    /// Exact test of the change in the treated area (π₀ = ½).
    pub poisson_p: f64,
    /// The same, adjusted for the control's change (π₀ = Ca/(Ca+Cb)).
    pub poisson_p_control_adjusted: f64,
    /// Ra/Rb − Ca/Cb.
    pub success: f64,
    /// Da/Db − Ca/Cb.
    pub buffer: f64,
    /// WDQ = buffer/success (None when success = 0).
    pub wdq: Option<f64>,
    /// Verdict in Swedish, including what the numbers cannot show.
    pub verdict_sv: String,
}

fn nonzero(v: u64, what: &'static str, quantity: &'static str) -> Result<f64> {
    if v == 0 {
        Err(AnalysisError::ZeroCount { what, quantity })
    } else {
        Ok(v as f64)
    }
}

/// Evaluates an intervention (see the module docs).
pub fn evaluate(c: BeforeAfter) -> Result<Evaluation> {
    let q = "the relative effect";
    let ra = nonzero(c.treated_after, "the treated count after", q)?;
    let rb = nonzero(c.treated_before, "the treated count before", q)?;
    let ca = nonzero(c.control_after, "the control count after", q)?;
    let cb = nonzero(c.control_before, "the control count before", q)?;
    let db = nonzero(c.buffer_before, "the buffer count before", "the WDQ")?;
    let da = c.buffer_after as f64;
    let res = (ra / rb) / (ca / cb);
    let se = (1.0 / ra + 1.0 / rb + 1.0 / ca + 1.0 / cb).sqrt();
    let relative_effect = RatioCi {
        estimate: res,
        lower: (res.ln() - Z95 * se).exp(),
        upper: (res.ln() + Z95 * se).exp(),
    };
    let n = c.treated_after + c.treated_before;
    let poisson_p = binomial_two_sided_p(c.treated_after, n, 0.5);
    let poisson_p_control_adjusted = binomial_two_sided_p(c.treated_after, n, ca / (ca + cb));
    let success = ra / rb - ca / cb;
    let buffer = da / db - ca / cb;
    let wdq = (success != 0.0).then(|| buffer / success);

    let pct = |r: f64| sv_number((1.0 - r).abs() * 100.0, 0, false);
    let ci = format!(
        "relativ förändring {}, 95 % KI {}–{}",
        sv_number(res, 2, false),
        sv_number(relative_effect.lower, 2, false),
        sv_number(relative_effect.upper, 2, false)
    );
    let mut verdict = if relative_effect.upper < 1.0 {
        format!(
            "Brotten i insatsområdet minskade med omkring {} % mer än i kontrollområdet ({ci}).",
            pct(res)
        )
    } else if relative_effect.lower > 1.0 {
        format!(
            "Brotten i insatsområdet ökade med omkring {} % mer än i kontrollområdet ({ci}).",
            pct(res)
        )
    } else {
        format!(
            "Förändringen i insatsområdet skiljer sig inte säkert från kontrollområdets ({ci}); en effekt kan varken visas eller uteslutas."
        )
    };
    if let Some(w) = wdq
        && success < 0.0
    {
        verdict.push(' ');
        verdict.push_str(&if w > 0.0 {
                format!("Buffertzonen minskade också (WDQ = {}): tecken på spridning av nytta, inte förflyttning.", sv_number(w, 2, false))
            } else if w < 0.0 {
                format!("Buffertzonen ökade (WDQ = {}): tecken på att brott kan ha flyttat dit.", sv_number(w, 2, false))
            } else {
                "Buffertzonen följde kontrollområdet (WDQ = 0): varken förflyttning eller spridning av nytta syns.".to_string()
            });
    }
    verdict.push(' ');
    verdict.push_str(CAVEAT_SV);
    Ok(Evaluation {
        counts: c,
        relative_effect,
        poisson_p,
        poisson_p_control_adjusted,
        success,
        buffer,
        wdq,
        verdict_sv: verdict,
    })
}

/// A before/after pair of counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pair {
    /// Count before.
    pub before: u64,
    /// Count after.
    pub after: u64,
}

/// The weighted displacement difference and its test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Wdd {
    /// WDD (negative: fewer crimes than expected).
    pub wdd: f64,
    /// Variance = sum of the eight counts.
    pub variance: f64,
    /// Standard error.
    pub se: f64,
    /// z = WDD/SE.
    pub z: f64,
    /// Two-sided p.
    pub p: f64,
    /// 95 % CI lower.
    pub ci_lower: f64,
    /// 95 % CI upper.
    pub ci_upper: f64,
}

/// WDD of Wheeler & Ratcliffe (2018): treated, its control, displacement area, its control.
pub fn wdd(
    treated: Pair,
    control: Pair,
    displacement: Pair,
    displacement_control: Pair,
) -> Result<Wdd> {
    let d = |p: Pair| p.after as f64 - p.before as f64;
    let value = d(treated) - d(control) + d(displacement) - d(displacement_control);
    let variance: f64 = [treated, control, displacement, displacement_control]
        .iter()
        .map(|p| (p.before + p.after) as f64)
        .sum();
    if variance == 0.0 {
        return Err(AnalysisError::ZeroCount {
            what: "every count",
            quantity: "the WDD test",
        });
    }
    let se = variance.sqrt();
    let z = value / se;
    Ok(Wdd {
        wdd: value,
        variance,
        se,
        z,
        p: two_sided_p(z),
        ci_lower: value - Z95 * se,
        ci_upper: value + Z95 * se,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wdq_check_value() {
        let e = evaluate(BeforeAfter {
            treated_before: 100,
            treated_after: 50,
            buffer_before: 100,
            buffer_after: 150,
            control_before: 100,
            control_after: 100,
        })
        .unwrap();
        assert_eq!(e.wdq, Some(-1.0));
        assert!((e.relative_effect.estimate - 0.5).abs() < 1e-12);
        assert!(e.relative_effect.upper < 1.0);
        assert!(e.poisson_p < 0.001);
        assert!(
            e.verdict_sv.contains("minskade med omkring 50 %"),
            "{}",
            e.verdict_sv
        );
        assert!(e.verdict_sv.contains("flyttat"));
        assert!(e.verdict_sv.contains("inte att insatsen orsakade"));
    }

    #[test]
    fn wdd_check_values() {
        let w = wdd(
            Pair {
                before: 207,
                after: 110,
            },
            Pair {
                before: 308,
                after: 318,
            },
            Pair {
                before: 178,
                after: 157,
            },
            Pair {
                before: 150,
                after: 140,
            },
        )
        .unwrap();
        assert_eq!(w.wdd, -118.0);
        assert_eq!(w.variance, 1568.0);
        assert!((w.se - 39.597).abs() < 1e-3);
        assert!((w.z - -2.98).abs() < 0.005);
        assert!((w.ci_lower - -195.6).abs() < 0.1 && (w.ci_upper - -40.4).abs() < 0.1);
    }

    #[test]
    fn zero_counts_are_refused() {
        let e = evaluate(BeforeAfter {
            treated_before: 0,
            treated_after: 5,
            buffer_before: 1,
            buffer_after: 1,
            control_before: 1,
            control_after: 1,
        });
        assert!(matches!(e, Err(AnalysisError::ZeroCount { .. })));
    }
}

//! Measures tied to causes: where a concluded cause lies, what a measure works on, and the
//! check that the two meet.
//!
//! Brå's main criticism of local crime prevention, which lag (2023:196) answers, is that
//! measures often do not follow from the problems identified. A cause analysis
//! ([`crate::cycle::CauseAnalysis`]) places each hypothesis on the problem analysis triangle
//! ([`CauseFactor`]: offender, target, place, and their controllers handler, guardian and
//! manager) and marks the ones its evidence supports; an intervention works on factors — the
//! techniques of situational prevention imply theirs ([`technique_factors`]), a free method
//! names them. [`check_measure`] compares the two and says, in words, what does not meet.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::cycle::{CauseAnalysis, Hypothesis, HypothesisStatus, Intervention, Method, ProblemId};
pub use crate::cycle::{CauseFactor, Perspective};

/// The factors one of the 25 techniques of situational prevention works on (Cornish & Clarke
/// 2003, read against the problem analysis triangle as in Clarke & Eck's *Crime Analysis for
/// Problem Solvers*, step 40); empty for an unknown code.
pub fn technique_factors(code: &str) -> &'static [CauseFactor] {
    use CauseFactor::*;
    match code {
        "target-harden" | "conceal-targets" | "remove-targets" | "identify-property"
        | "deny-benefits" => &[Target],
        "control-access" | "screen-exits" | "post-instructions" => &[Place, Manager],
        "deflect-offenders" => &[Offender, Place],
        "control-tools"
        | "reduce-anonymity"
        | "disrupt-markets"
        | "reduce-arousal"
        | "discourage-imitation"
        | "alert-conscience" => &[Offender],
        "extend-guardianship" | "formal-surveillance" => &[Guardian],
        "natural-surveillance" => &[Guardian, Place],
        "place-managers" | "set-rules" => &[Manager],
        "reduce-frustration" | "avoid-disputes" => &[Place, Offender],
        "neutralise-peer-pressure" => &[Offender, Handler],
        "assist-compliance" => &[Place, Offender],
        "control-drugs-alcohol" => &[Offender, Place, Manager],
        _ => &[],
    }
}

/// The factors an intervention works on: its techniques' and those it names itself.
pub fn measure_factors(i: &Intervention) -> BTreeSet<CauseFactor> {
    let mut out: BTreeSet<CauseFactor> = i.addresses.iter().copied().collect();
    if let Method::Situational { techniques, .. } = &i.method {
        for t in techniques {
            out.extend(technique_factors(t));
        }
    }
    out
}

/// Something about a measure that does not follow from its problem's analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasureWarning {
    /// A problem it targets has no cause analysis yet.
    NoAnalysis {
        /// The problem.
        problem_id: ProblemId,
    },
    /// It names no cause (hypothesis) it answers.
    NoCause,
    /// It names a hypothesis the analysis has rejected.
    RejectedCause {
        /// The problem.
        problem_id: ProblemId,
        /// The hypothesis.
        key: String,
    },
    /// It says nothing of what it works on (a free method without factors).
    FactorUnknown,
    /// It works on other factors than the cause it answers, or than every concluded cause.
    Mismatch {
        /// The problem.
        problem_id: ProblemId,
        /// The hypothesis.
        key: String,
        /// Where the analysis places the cause.
        cause: CauseFactor,
        /// What the measure works on.
        measure: Vec<CauseFactor>,
    },
    /// Nothing to follow it up against: no control area.
    NoFollowUpPlan,
}

impl MeasureWarning {
    /// The warning in Swedish, for the page and the åtgärdsplan.
    pub fn message_sv(&self) -> String {
        match self {
            MeasureWarning::NoAnalysis { problem_id } => format!(
                "Problem {problem_id} har ingen orsaksanalys ännu: åtgärden kan inte visas svara mot en orsak."
            ),
            MeasureWarning::NoCause => {
                "Åtgärden anger inte vilken orsak (hypotes i orsaksanalysen) den ska påverka."
                    .into()
            }
            MeasureWarning::RejectedCause { problem_id, key } => format!(
                "Åtgärden riktar sig mot {key} i problem {problem_id}, som orsaksanalysen har avfärdat."
            ),
            MeasureWarning::FactorUnknown => {
                "Åtgärden anger inte vad den verkar på (gärningsperson, mål, plats eller deras väktare, handledare, platsansvariga)."
                    .into()
            }
            MeasureWarning::Mismatch {
                problem_id,
                key,
                cause,
                measure,
            } => format!(
                "Åtgärden verkar på {} men orsaksanalysen för problem {problem_id} placerar orsaken {key} hos {} ({}).",
                list_sv(measure),
                cause.label_sv().to_lowercase(),
                cause.perspective().label_sv()
            ),
            MeasureWarning::NoFollowUpPlan => {
                "Åtgärden har ingen uppföljningsplan: välj ett kontrollområde att jämföra med."
                    .into()
            }
        }
    }

    /// The warning in English.
    pub fn message_en(&self) -> String {
        match self {
            MeasureWarning::NoAnalysis { problem_id } => format!(
                "Problem {problem_id} has no cause analysis yet: the measure cannot be shown to answer a cause."
            ),
            MeasureWarning::NoCause => {
                "The measure names no cause (hypothesis of the cause analysis) it answers.".into()
            }
            MeasureWarning::RejectedCause { problem_id, key } => format!(
                "The measure answers {key} of problem {problem_id}, which the cause analysis has rejected."
            ),
            MeasureWarning::FactorUnknown => {
                "The measure does not say what it works on (offender, target, place, or their handlers, guardians, managers).".into()
            }
            MeasureWarning::Mismatch {
                problem_id,
                key,
                cause,
                measure,
            } => format!(
                "The measure works on {} but the cause analysis of problem {problem_id} places cause {key} with the {}.",
                measure
                    .iter()
                    .map(|f| f.label_en().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", "),
                cause.label_en().to_lowercase()
            ),
            MeasureWarning::NoFollowUpPlan => {
                "The measure has no follow-up plan: choose a control area to compare with.".into()
            }
        }
    }
}

fn list_sv(f: &[CauseFactor]) -> String {
    let names: Vec<String> = f.iter().map(|f| f.label_sv().to_lowercase()).collect();
    match names.as_slice() {
        [] => "inget angivet".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} och {last}", init.join(", ")),
    }
}

/// What does not meet between an intervention and the cause analyses of its problems
/// (`analyses`: the problems' analyses, those that exist).
///
/// - A problem without an analysis: [`MeasureWarning::NoAnalysis`].
/// - No hypothesis named: [`MeasureWarning::NoCause`]; the measure is then held against every
///   hypothesis its problems' analyses mark as supported.
/// - A named hypothesis that is rejected: [`MeasureWarning::RejectedCause`].
/// - A free method that names no factor: [`MeasureWarning::FactorUnknown`].
/// - A cause (named, or else concluded) placed on a factor the measure does not work on:
///   [`MeasureWarning::Mismatch`] — e.g. a measure aimed at the offender's motivation when the
///   analysis concluded missing guardianship at night.
/// - No control area: [`MeasureWarning::NoFollowUpPlan`].
pub fn check_measure(
    i: &Intervention,
    analyses: &[(ProblemId, &CauseAnalysis)],
) -> Vec<MeasureWarning> {
    let mut out = Vec::new();
    for p in &i.problem_ids {
        if !analyses.iter().any(|(id, _)| id == p) {
            out.push(MeasureWarning::NoAnalysis { problem_id: *p });
        }
    }
    let find = |p: ProblemId, key: &str| -> Option<&Hypothesis> {
        analyses
            .iter()
            .find(|(id, _)| *id == p)
            .and_then(|(_, a)| a.hypotheses.iter().find(|h| h.key == key))
    };
    let mut held: Vec<(ProblemId, &Hypothesis)> = Vec::new();
    if i.hypotheses.is_empty() {
        out.push(MeasureWarning::NoCause);
        for (p, a) in analyses {
            if i.problem_ids.contains(p) {
                held.extend(
                    a.hypotheses
                        .iter()
                        .filter(|h| h.status == HypothesisStatus::Supported)
                        .map(|h| (*p, h)),
                );
            }
        }
    } else {
        for r in &i.hypotheses {
            if let Some(h) = find(r.problem_id, &r.key) {
                if h.status == HypothesisStatus::Rejected {
                    out.push(MeasureWarning::RejectedCause {
                        problem_id: r.problem_id,
                        key: r.key.clone(),
                    });
                } else {
                    held.push((r.problem_id, h));
                }
            }
        }
    }
    let works_on = measure_factors(i);
    if works_on.is_empty() {
        out.push(MeasureWarning::FactorUnknown);
    } else {
        for (p, h) in held {
            if let Some(cause) = h.factor
                && !works_on.contains(&cause)
            {
                out.push(MeasureWarning::Mismatch {
                    problem_id: p,
                    key: h.key.clone(),
                    cause,
                    measure: works_on.iter().copied().collect(),
                });
            }
        }
    }
    if i.control_areas.is_empty() {
        out.push(MeasureWarning::NoFollowUpPlan);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::{HypothesisRef, Id, InterventionStatus, Responsible, TECHNIQUES};
    use crate::{AreaId, OrganisationId};

    fn analysis(hs: &[(&str, Option<CauseFactor>, HypothesisStatus)]) -> CauseAnalysis {
        CauseAnalysis {
            problem_id: Id::new(1),
            triangle: Default::default(),
            perspectives: Default::default(),
            hypotheses: hs
                .iter()
                .map(|(k, f, s)| Hypothesis {
                    key: (*k).into(),
                    text: format!("Hypotes {k}"),
                    evidence: vec![],
                    factor: *f,
                    status: *s,
                })
                .collect(),
            conclusion: String::new(),
        }
    }

    fn measure(method: Method, hyps: &[&str]) -> Intervention {
        Intervention {
            title: "Åtgärd".into(),
            description: String::new(),
            problem_ids: vec![Id::new(1)],
            hypotheses: hyps
                .iter()
                .map(|k| HypothesisRef {
                    problem_id: Id::new(1),
                    key: (*k).into(),
                })
                .collect(),
            method,
            addresses: vec![],
            responsible: Responsible {
                organisation_id: OrganisationId(1),
                unit: String::new(),
            },
            resources: vec![],
            start: jiff::civil::date(2024, 1, 1),
            end: None,
            status: InterventionStatus::Planned,
            commitment_ref: None,
            treated_areas: vec![],
            control_areas: vec![AreaId(2)],
            buffer_areas: vec![],
        }
    }

    fn situational(t: &[&str]) -> Method {
        Method::Situational {
            techniques: t.iter().map(|s| (*s).to_string()).collect(),
            text: String::new(),
        }
    }

    #[test]
    fn every_technique_works_on_something() {
        for t in TECHNIQUES {
            assert!(!technique_factors(t.code).is_empty(), "{}", t.code);
        }
        assert!(technique_factors("no-such").is_empty());
    }

    #[test]
    fn a_measure_on_the_offender_does_not_answer_missing_guardianship() {
        // The example: the analysis concluded missing guardianship at night, the
        // measure aims at the offender's motivation.
        let a = analysis(&[(
            "H1",
            Some(CauseFactor::Guardian),
            HypothesisStatus::Supported,
        )]);
        let i = measure(situational(&["alert-conscience"]), &["H1"]);
        let w = check_measure(&i, &[(Id::new(1), &a)]);
        assert_eq!(
            w,
            vec![MeasureWarning::Mismatch {
                problem_id: Id::new(1),
                key: "H1".into(),
                cause: CauseFactor::Guardian,
                measure: vec![CauseFactor::Offender],
            }]
        );
        let sv = w[0].message_sv();
        assert!(
            sv.contains("gärningspersonen") && sv.contains("väktare"),
            "{sv}"
        );
        // Extending guardianship answers it.
        let ok = measure(situational(&["extend-guardianship"]), &["H1"]);
        assert!(check_measure(&ok, &[(Id::new(1), &a)]).is_empty());
    }

    #[test]
    fn without_a_named_cause_the_concluded_ones_are_held_against_it() {
        let a = analysis(&[
            ("H1", Some(CauseFactor::Place), HypothesisStatus::Supported),
            (
                "H2",
                Some(CauseFactor::Offender),
                HypothesisStatus::Rejected,
            ),
            ("H3", Some(CauseFactor::Target), HypothesisStatus::Open),
        ]);
        let i = measure(situational(&["alert-conscience"]), &[]);
        let w = check_measure(&i, &[(Id::new(1), &a)]);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0], MeasureWarning::NoCause);
        assert!(matches!(&w[1], MeasureWarning::Mismatch { key, .. } if key == "H1"));
    }

    #[test]
    fn rejected_causes_missing_analyses_unknown_factors_and_follow_up() {
        let a = analysis(&[(
            "H2",
            Some(CauseFactor::Offender),
            HypothesisStatus::Rejected,
        )]);
        let mut i = measure(
            Method::Free {
                text: "Samtal".into(),
            },
            &["H2"],
        );
        i.control_areas.clear();
        i.problem_ids.push(Id::new(9));
        let w = check_measure(&i, &[(Id::new(1), &a)]);
        assert_eq!(
            w,
            vec![
                MeasureWarning::NoAnalysis {
                    problem_id: Id::new(9)
                },
                MeasureWarning::RejectedCause {
                    problem_id: Id::new(1),
                    key: "H2".into()
                },
                MeasureWarning::FactorUnknown,
                MeasureWarning::NoFollowUpPlan,
            ]
        );
        // A free method that names its factor is held against the cause like techniques are.
        let a = analysis(&[("H1", Some(CauseFactor::Offender), HypothesisStatus::Open)]);
        let mut i = measure(
            Method::Free {
                text: "Mentorer".into(),
            },
            &["H1"],
        );
        i.addresses = vec![CauseFactor::Handler, CauseFactor::Offender];
        assert!(check_measure(&i, &[(Id::new(1), &a)]).is_empty());
    }

    #[test]
    fn a_hypothesis_without_a_factor_is_not_judged() {
        let a = analysis(&[("H1", None, HypothesisStatus::Supported)]);
        let i = measure(situational(&["target-harden"]), &["H1"]);
        assert!(check_measure(&i, &[(Id::new(1), &a)]).is_empty());
    }
}

//! The planted intervention as a worked example of the knowledge-based cycle: the problem, a
//! short cause analysis, the intervention with resources per party, and three weekly EST
//! meetings (one action stays open and is carried over). Pure data; the caller stores it and
//! links the ids (`link`), and builds each meeting with [`WorkedExample::meeting`] so the open
//! actions of the previous one carry over.

use jiff::{Span, civil::Date};
use trygg_domain::{
    AreaId,
    cause::CauseFactor,
    cycle::{
        ActionStatus, CauseAnalysis, Evidence, Feedback, FocusPlace, Hypothesis, HypothesisRef,
        HypothesisStatus, Id, Intervention, InterventionStatus, Meeting, MeetingAction, Method,
        Origin, OriginKind, PartyResources, Perspectives, Problem, ProblemDefinition,
        ProblemStatus, RecordId, Responsible, Triangle,
    },
};

use crate::{DemoCity, DemoOrganisations};

/// The worked example.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkedExample {
    /// "Otrygghet och skadegörelse i Gottsunda centrum".
    pub problem: Problem,
    /// Its cause analysis (`problem_id` set by [`WorkedExample::link`]).
    pub analysis: CauseAnalysis,
    /// "Trygg i Gottsunda centrum" (`problem_ids` set by [`WorkedExample::link`]).
    pub intervention: Intervention,
    /// Three weekly meetings, oldest first, without carried-over actions.
    pub meetings: Vec<Meeting>,
    /// Actions closed at a meeting: (meeting index, action key).
    pub closed_at: Vec<(usize, String)>,
}

fn action(key: &str, text: &str, owner: &str, deadline: Option<Date>) -> MeetingAction {
    MeetingAction {
        key: key.into(),
        text: text.into(),
        owner: owner.into(),
        deadline,
        status: ActionStatus::Open,
        carried_from: None,
    }
}

fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

/// The worked example for `city`; `area` maps a district code ("DEMO-18") to its stored id.
/// The meetings are the three Mondays before `end` (the demo's last day). `None` when a
/// planted district has no id.
pub fn worked_example(
    city: &DemoCity,
    orgs: &DemoOrganisations,
    end: Date,
    area: impl Fn(&str) -> Option<AreaId>,
) -> Option<WorkedExample> {
    let p = &city.planted;
    let treated = area(&p.treated_district)?;
    let control = area(&p.control_district)?;
    let buffer = area(&p.displacement_district)?;
    let problem = Problem {
        title: "Otrygghet och skadegörelse i Gottsunda centrum".into(),
        description: "Återkommande otrygghetsskapande samlingar och skadegörelse (klotter, \
                      glaskross, bränder) i och kring Gottsunda centrum, mest fredag och lördag \
                      kväll. Rapporterat av fältassistenter, fritidsledare och Uppsalahem."
            .into(),
        definition: ProblemDefinition {
            categories: p.category_groups.clone(),
            areas: vec![treated],
            polygon: None,
            from: days(p.start, -365),
            to: None,
        },
        origin: Origin {
            kind: OriginKind::HotSpot,
            reference: Some(p.place.clone()),
        },
        status: ProblemStatus::Addressed,
        owners: vec![orgs.kommun, orgs.police],
    };
    let analysis = CauseAnalysis {
        problem_id: Id::new(0),
        triangle: Triangle {
            offender: "Grupper av unga, 15–20 år, som samlas när fritidsgården är stängd.".into(),
            target: "Butiker och allmänna ytor i centrumet; besökare som känner sig otrygga."
                .into(),
            place: "Centrumets entréer, gångtunneln och parkeringen: mörka hörn, dålig insyn."
                .into(),
            handler: "Föräldrar och fritidsledare: få vuxna ute kvällstid.".into(),
            guardian: "Väktare bara dagtid; ingen kamerabevakning.".into(),
            manager: "Fastighetsägaren och Uppsalahem: trasig belysning lagas sent.".into(),
        },
        perspectives: Perspectives {
            situational: "Mörker, dålig insyn och inga vuxna kvällstid gör platsen lätt att \
                          ta i anspråk."
                .into(),
            victim: "Butiksanställda och äldre besökare undviker centrumet efter 18.".into(),
            offender: "Inget alternativ kvällstid när fritidsgården stänger 19.".into(),
        },
        hypotheses: vec![
            Hypothesis {
                key: "H1".into(),
                text: "Mörker och dålig insyn vid entréerna gör att samlingar och skadegörelse \
                       sker ostört."
                    .into(),
                evidence: vec![Evidence::Figure {
                    text: "Två av tre rapporter kommer mellan 19 och 01, fredag–lördag.".into(),
                }],
                factor: Some(CauseFactor::Place),
                status: HypothesisStatus::Supported,
            },
            Hypothesis {
                key: "H2".into(),
                text: "De unga saknar en plats att vara på kvällstid.".into(),
                evidence: vec![Evidence::Attachment {
                    name: "Trygghetsvandring Gottsunda centrum (protokoll)".into(),
                    url: None,
                }],
                factor: Some(CauseFactor::Offender),
                status: HypothesisStatus::Supported,
            },
        ],
        conclusion: "Åtgärda platsen (belysning, kamera, väktare kvällstid) och ge de unga ett \
                     alternativ (fritidsgården öppen, nattvandring)."
            .into(),
    };
    let resources = |org, ph: f64, ps: f64, uh: f64, us: f64| PartyResources {
        organisation_id: org,
        planned_hours: ph,
        planned_sek: ps,
        used_hours: uh,
        used_sek: us,
    };
    let intervention = Intervention {
        title: "Trygg i Gottsunda centrum".into(),
        description: p.description.clone(),
        problem_ids: vec![],
        hypotheses: vec![],
        method: Method::Situational {
            techniques: vec![
                "extend-guardianship".into(),
                "natural-surveillance".into(),
                "formal-surveillance".into(),
                "place-managers".into(),
                "reduce-frustration".into(),
            ],
            text: "Kamerabevakning och ny belysning, fritidsgården öppen kvällstid, \
                   nattvandring fredag och lördag."
                .into(),
        },
        addresses: vec![CauseFactor::Handler],
        responsible: Responsible {
            organisation_id: orgs.kommun,
            unit: "Kommunledningskontoret, trygghet och säkerhet".into(),
        },
        resources: vec![
            resources(orgs.kommun, 1_600.0, 1_200_000.0, 1_450.0, 1_080_000.0),
            resources(orgs.police, 800.0, 0.0, 760.0, 0.0),
            resources(orgs.housing, 300.0, 450_000.0, 320.0, 470_000.0),
        ],
        start: p.start,
        end: Some(p.end),
        status: if end >= p.end {
            InterventionStatus::Completed
        } else {
            InterventionStatus::Ongoing
        },
        commitment_ref: Some(crate::partnership::GOTTSUNDA_COMMITMENT.into()),
        treated_areas: vec![treated],
        control_areas: vec![control],
        buffer_areas: vec![buffer],
    };
    let last_monday = days(end, -7 - i64::from(end.weekday().to_monday_zero_offset()));
    let m1 = days(last_monday, -14);
    let m2 = days(last_monday, -7);
    let m3 = last_monday;
    let key = |d: Date, n: u32| format!("{d}-{n}");
    let base = |date: Date| Meeting {
        date,
        briefing_week: None,
        participants: vec![
            "Utvecklingsledare (kommunen)".into(),
            "Kommunpolis".into(),
            "Uppsalahem, bovärd".into(),
            "Fältassistenter".into(),
        ],
        observations: vec![],
        actions: vec![],
        focus_places: vec![],
        feedback: vec![],
    };
    let meetings = vec![
        Meeting {
            observations: vec![
                "Klotter på nytt vid entrén mot busshållplatsen.".into(),
                "Grupp om 10–15 unga i gångtunneln fredag kväll; ingen incident.".into(),
            ],
            actions: vec![
                action(
                    &key(m1, 1),
                    "Sanera klottret vid entrén inom 24 timmar.",
                    "Gatu- och samhällsmiljö",
                    Some(days(m1, 2)),
                ),
                action(
                    &key(m1, 2),
                    "Byt trasig belysning i gångtunneln.",
                    "Uppsalahem",
                    Some(days(m1, 14)),
                ),
            ],
            focus_places: vec![FocusPlace {
                name: "Gottsunda centrum, gångtunneln".into(),
                area_id: Some(treated),
                reason: "Samlingar fredag kväll.".into(),
            }],
            feedback: vec![Feedback {
                text: "Tack för rapporterna om klottret: det saneras i veckan.".into(),
                report_ids: vec![],
                incident_ids: vec![],
            }],
            ..base(m1)
        },
        Meeting {
            observations: vec!["Lugnare helg; nattvandrarna ute båda kvällarna.".into()],
            actions: vec![action(
                &key(m2, 1),
                "Extra nattvandring lördag i samband med evenemanget.",
                "Nattvandrarna (förening)",
                Some(days(m2, 5)),
            )],
            focus_places: vec![FocusPlace {
                name: "Valsätra, lekparken".into(),
                area_id: Some(buffer),
                reason: "Fler rapporter om samlingar: har problemet flyttat?".into(),
            }],
            feedback: vec![Feedback {
                text: "Klottret vid entrén är sanerat. Belysningen i tunneln är beställd.".into(),
                report_ids: vec![],
                incident_ids: vec![],
            }],
            ..base(m2)
        },
        Meeting {
            observations: vec![
                "Inga nya rapporter från gångtunneln; belysningen ännu inte bytt.".into(),
            ],
            actions: vec![],
            focus_places: vec![FocusPlace {
                name: "Gottsunda centrum, parkeringen".into(),
                area_id: Some(treated),
                reason: "Bilåkning kvällstid rapporterad.".into(),
            }],
            feedback: vec![Feedback {
                text: "Lugnare i centrumet; fortsätt rapportera från Valsätra.".into(),
                report_ids: vec![],
                incident_ids: vec![],
            }],
            ..base(m3)
        },
    ];
    Some(WorkedExample {
        problem,
        analysis,
        intervention,
        meetings,
        closed_at: vec![(1, key(m1, 1)), (2, key(m2, 1))],
    })
}

impl WorkedExample {
    /// Sets the stored problem's id in the analysis and the intervention.
    pub fn link(&mut self, problem_id: RecordId) {
        let problem_id = Id::new(problem_id);
        self.analysis.problem_id = problem_id;
        self.intervention.problem_ids = vec![problem_id];
        self.intervention.hypotheses = self
            .analysis
            .hypotheses
            .iter()
            .map(|h| HypothesisRef {
                problem_id,
                key: h.key.clone(),
            })
            .collect();
    }

    /// Meeting `index` as it is stored: with the open actions of the previous meeting (stored
    /// as `previous_id`) carried over, and the actions closed at this meeting closed.
    pub fn meeting(&self, index: usize, previous: Option<(RecordId, &Meeting)>) -> Meeting {
        let mut m = self.meetings[index].clone();
        if let Some((id, prev)) = previous {
            m.carry_over_from(Id::new(id), prev);
        }
        for (k, key) in &self.closed_at {
            if *k == index
                && let Some(a) = m.actions.iter_mut().find(|a| &a.key == key)
            {
                a.status = ActionStatus::Closed;
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trygg_domain::{OrganisationId, cycle::Record};

    #[test]
    fn the_worked_example_is_valid_and_one_action_stays_open() {
        let orgs = DemoOrganisations {
            kommun: OrganisationId(1),
            police: OrganisationId(2),
            housing: OrganisationId(3),
        };
        let mut config = crate::DemoConfig::new(orgs);
        config.scale = 0.01;
        let city = crate::generate(&config);
        let ids: Vec<String> = city.districts.iter().map(|d| d.code.clone()).collect();
        let mut ex = worked_example(&city, &orgs, jiff::civil::date(2024, 5, 8), |c| {
            ids.iter()
                .position(|x| x == c)
                .map(|i| AreaId(i as i64 + 1))
        })
        .unwrap();
        ex.link(7);
        assert_eq!(ex.problem.validate(), Ok(()));
        assert_eq!(ex.analysis.validate(), Ok(()));
        assert_eq!(ex.intervention.validate(), Ok(()));
        assert_eq!(ex.intervention.treated_areas, vec![AreaId(18)]);
        let m0 = ex.meeting(0, None);
        let m1 = ex.meeting(1, Some((10, &m0)));
        let m2 = ex.meeting(2, Some((11, &m1)));
        for m in [&m0, &m1, &m2] {
            assert_eq!(m.validate(), Ok(()));
        }
        assert_eq!(m0.date, jiff::civil::date(2024, 4, 15));
        assert_eq!(m2.date, jiff::civil::date(2024, 4, 29));
        let open: Vec<_> = m2
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
            .collect();
        assert_eq!(open.len(), 1, "{:?}", m2.actions);
        assert_eq!(open[0].text, "Byt trasig belysning i gångtunneln.");
        assert_eq!(
            open[0].carried_from,
            Some(Id::new(10)),
            "carried over from the first meeting"
        );
    }
}

//! Every string of every record kind, of incidents and of EST reports goes through the text
//! guard: a fully filled-in valid example of each kind is serialised, each string in it in turn
//! replaced by a text with a personnummer (a valid one, one with a wrong check digit, and a NUL),
//! read back, and `validate` must refuse it naming that very field. A string that no longer
//! reads back (a date, an enum, a tag) holds no free text and is skipped — but every kind must
//! have its free texts refused, and every field must be filled in by some example, so a field
//! added later without an example, or a kind whose texts go unchecked, fails here.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::date;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use trygg_domain::cause::CauseFactor;
use trygg_domain::cycle::{
    ActionStatus, CauseAnalysis, Crs, DrawnPolygon, Evidence, Feedback, FocusPlace, FollowUp,
    Hypothesis, HypothesisRef, HypothesisStatus, Id, Intervention, InterventionStatus, Meeting,
    MeetingAction, Method, Origin, OriginKind, PartyResources, Perspectives, Problem,
    ProblemDefinition, ProblemStatus, Record, Responsible, Triangle,
};
use trygg_domain::indicator::{Indicator, IndicatorValue, Period, Unit};
use trygg_domain::own_category::OwnCategory;
use trygg_domain::partnership::{
    Activity, Agreement, BasisKind, Body, BodyKind, BodyMeeting, CitizenPromise, CollaborationForm,
    Commitment, CommitmentPlan, CommitmentStatus, CommunicationActivity, CommunicationPlan,
    Coordinator, Decision, EarlierAgreement, LawDecision, LawDocument, Member, Party, PartyKind,
    PlanStatus, PriorityArea, Promise, PromiseBasis, Resource, Signatory,
};
use trygg_domain::synonym::CategorySynonym;
use trygg_domain::{
    AreaId, Channel, ErrorCode, IncidentId, NewIncident, OrganisationId, PlaceType, Position,
    Precision, Report, ReportId, UserId, ValidationError, Visibility,
};

/// The texts each string is replaced by, and the code its refusal must carry.
const BAD: [(&str, ErrorCode); 4] = [
    // Skatteverket's published example, valid check digit.
    (
        "Ungdom 811228-9874 syntes",
        ErrorCode::PersonalIdentityNumber,
    ),
    // The same with a wrong check digit, an en dash, as Word writes it.
    (
        "Ungdom 811228–9875 syntes",
        ErrorCode::PersonalIdentityNumber,
    ),
    // Full-width digits.
    ("８１１２２８-９８７４", ErrorCode::PersonalIdentityNumber),
    ("Stora\0torget", ErrorCode::Invalid),
];

/// The path of a JSON value as the guard names it (`promises[0].activities[1].text`).
fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every string leaf of `v`, with its path.
fn strings(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::String(_) => out.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strings(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(Step::Key(k.clone()));
                strings(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Every key path of `v` with list indices left out, and whether the value there is filled in
/// (not null, not an empty list).
fn fields(v: &Value, path: &str, out: &mut BTreeMap<String, bool>) {
    match v {
        Value::Array(items) => {
            *out.entry(path.to_string()).or_default() |= !items.is_empty();
            for item in items {
                fields(item, &format!("{path}[]"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                *out.entry(p.clone()).or_default() |= !item.is_null();
                fields(item, &p, out);
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// What the walk over one kind found.
#[derive(Debug, Default)]
struct Walked {
    /// Strings refused as they must be.
    checked: BTreeSet<String>,
    /// Strings that do not read back as text (dates, enums, tags).
    not_text: BTreeSet<String>,
}

/// Walks every string of every example of one kind; panics on a string the guard misses.
fn walk<T, F>(kind: &str, examples: &[T], validate: F) -> Walked
where
    T: Serialize + DeserializeOwned + std::fmt::Debug,
    F: Fn(&T) -> Result<(), ValidationError>,
{
    let mut walked = Walked::default();
    let mut filled = BTreeMap::new();
    for (n, example) in examples.iter().enumerate() {
        assert_eq!(
            validate(example),
            Ok(()),
            "{kind} example {n} must be valid"
        );
        let json = serde_json::to_value(example).unwrap();
        fields(&json, "", &mut filled);
        let mut leaves = Vec::new();
        strings(&json, &mut Vec::new(), &mut leaves);
        for path in leaves {
            let name = render(&path);
            for (bad, code) in BAD {
                let mut changed = json.clone();
                *at(&mut changed, &path) = Value::String(bad.into());
                let Ok(value) = serde_json::from_value::<T>(changed) else {
                    walked.not_text.insert(name.clone());
                    continue;
                };
                match validate(&value) {
                    Err(e) if e.code == code && e.field == name => {
                        assert!(
                            e.message.contains(&name),
                            "{kind}: the refusal for {name} should name it: {}",
                            e.message
                        );
                        walked.checked.insert(name.clone());
                    }
                    other => panic!(
                        "{kind}: {name} = {bad:?} must be refused as {code:?} naming {name}, got {other:?}"
                    ),
                }
            }
        }
    }
    let empty: Vec<_> = filled
        .iter()
        .filter(|(_, f)| !**f)
        .map(|(p, _)| p)
        .collect();
    assert!(
        empty.is_empty(),
        "{kind}: no example fills in {empty:?}; add one, so its strings are walked too"
    );
    walked
}

fn record<T>(examples: &[T]) -> Walked
where
    T: Record + std::fmt::Debug,
{
    let w = walk(T::KIND, examples, |v| v.validate());
    assert!(
        !w.checked.is_empty(),
        "{}: no free text was checked",
        T::KIND
    );
    w
}

/// Forces the examples to cover every variant: a new one fails to compile here.
fn variants<T>(examples: &[T], index: fn(&T) -> usize, count: usize) {
    let seen: BTreeSet<usize> = examples.iter().map(index).collect();
    assert_eq!(seen, (0..count).collect(), "every variant needs an example");
}

fn tips() -> Vec<trygg_domain::tip::Tip> {
    use trygg_domain::tip::{Tip, TipCategory, TipStatus};
    let t: jiff::Timestamp = "2026-12-01T18:00:00Z".parse().unwrap();
    let new = Tip {
        category: TipCategory::Belysning,
        position: trygg_domain::Position::from_wgs84(
            59.8586,
            17.6389,
            trygg_domain::Precision::Exact,
        )
        .unwrap(),
        place: Some("Stora torget".into()),
        occurred_from: t,
        occurred_to: t,
        description: "Lampan vid trappan är trasig.".into(),
        email: Some("anna@example.se".into()),
        submitted_at: t,
        status: TipStatus::New,
        decided_at: None,
        decided_by: None,
        notify_pending: false,
        lang: Default::default(),
    };
    let rejected = Tip {
        status: TipStatus::Rejected {
            reason: "Gäller inte kommunen.".into(),
        },
        decided_at: Some(t),
        decided_by: Some(trygg_domain::UserId(3)),
        ..new.clone()
    };
    vec![new, rejected]
}

fn notices() -> Vec<trygg_domain::notice::Notice> {
    use trygg_domain::notice::{About, Delivery, FixNotice, Notice, Recipient};
    let t: jiff::Timestamp = "2026-12-01T18:00:00Z".parse().unwrap();
    let tip = Notice {
        about: About::TipDecision { tip: 4 },
        to: Recipient::Citizen,
        lang: trygg_domain::Lang::En,
        queued_at: t,
        delivery: Delivery::Pending {
            attempts: 1,
            next_at: t,
            last_error: Some("transient SMTP error 451".into()),
        },
    };
    let feedback = Notice {
        about: About::Feedback {
            meeting: 2,
            fingerprint: "0a1b2c3d4e5f6a7b".into(),
        },
        to: Recipient::User(UserId(5)),
        delivery: Delivery::Failed {
            at: t,
            attempts: 6,
            error: "permanent SMTP error 550".into(),
        },
        ..tip.clone()
    };
    let fix = Notice {
        about: About::Fix(FixNotice {
            reference: "F-2026-000042".into(),
            category_code: "otrygg-plats.belysning".into(),
            category_sv: "Belysning".into(),
            category_en: "Lighting".into(),
            status: "sent".into(),
            place: "Stora torget".into(),
            due: Some(date(2026, 12, 15)),
            link: "https://trygg.example.se/atgarder/42".into(),
            reason: Some("Ingår i nästa års plan.".into()),
        }),
        to: Recipient::User(UserId(6)),
        delivery: Delivery::Dropped {
            at: t,
            why: "the account is disabled".into(),
        },
        ..tip.clone()
    };
    let link = Notice {
        about: About::FixLink {
            fix: 42,
            reference: "F-2026-000042".into(),
            party: "Uppsalahem, förvaltning Gottsunda".into(),
        },
        to: Recipient::Party,
        delivery: Delivery::Sent { at: t, attempts: 1 },
        ..tip.clone()
    };
    vec![tip, feedback, fix, link]
}

fn walks() -> Vec<trygg_domain::walk::SafetyWalk> {
    use trygg_domain::walk::{OwnerAnswer, ParticipantGroup, Participants, SafetyWalk};
    let at = |lat, lon| {
        trygg_domain::Position::from_wgs84(lat, lon, trygg_domain::Precision::Exact).unwrap()
    };
    vec![SafetyWalk {
        title: "Trygghetsvandring Gottsunda centrum".into(),
        area: Some(AreaId(1)),
        date: date(2026, 10, 1),
        first_meeting: Some(date(2026, 9, 10)),
        route: vec![at(59.806, 17.623), at(59.807, 17.625)],
        invited: vec!["Gatukontoret".into(), "Uppsalahem".into()],
        participants: vec![Participants {
            group: ParticipantGroup::Residents,
            count: 9,
        }],
        earlier: Some(4),
        closing_meeting: Some(date(2026, 11, 5)),
        answers: vec![OwnerAnswer {
            owner: "Gatukontoret".into(),
            text: "Byter armaturerna i tunneln under november.".into(),
        }],
    }]
}

fn findings() -> Vec<trygg_domain::walk::WalkFinding> {
    use trygg_domain::walk::{FindingKind, WalkFinding};
    vec![WalkFinding {
        walk: 1,
        number: 1,
        kind: FindingKind::Unsafe,
        category: Some("otrygg-plats.belysning".into()),
        position: trygg_domain::Position::from_wgs84(
            59.806,
            17.623,
            trygg_domain::Precision::Exact,
        )
        .unwrap(),
        place: Some("Gångtunneln under Gottsundavägen".into()),
        description: "Mörkt och trasiga lampor.".into(),
        photos: vec![trygg_domain::fix::FixPhoto {
            number: 1,
            sha256: vec![1, 2, 3],
            kind: trygg_domain::fix::PhotoKind::Jpeg,
            bytes: 2048,
            added_at: "2026-10-01T18:00:00Z".parse().unwrap(),
            from_owner: Some("Gatukontoret".into()),
            approved_for_public: true,
        }],
        fix: Some(7),
        published: true,
        recorded_at: "2026-10-01T18:00:00Z".parse().unwrap(),
        client_id: Some("c-1a2b".into()),
    }]
}

fn fixes() -> Vec<trygg_domain::fix::Fix> {
    use trygg_domain::Actor;
    use trygg_domain::fix::{
        Fix, FixChange, FixEvent, FixOwner, FixSource, FixStatus, OutsideLink, Responsible as Owner,
    };
    let t: jiff::Timestamp = "2026-12-01T18:00:00Z".parse().unwrap();
    let by = Actor::User { id: UserId(3) };
    let link = Actor::system("atgardslank:1:1");
    let event = |by: &Actor, change: FixChange| FixEvent {
        at: t,
        by: by.clone(),
        change,
    };
    let owners = vec![
        FixOwner {
            responsible: Owner::Unit {
                organisation: OrganisationId(1),
                unit: "Gatu- och parkförvaltningen".into(),
            },
            lead: true,
            part: Some("Byt armaturen".into()),
            status: FixStatus::Done,
        },
        FixOwner {
            responsible: Owner::Outside {
                name: "Uppsalahem".into(),
                contact: Some("forvaltning@uppsalahem.example".into()),
                open311: None,
            },
            lead: false,
            part: Some("Klipp buskarna".into()),
            status: FixStatus::WontDo,
        },
    ];
    let history = vec![
        event(&by, FixChange::Created),
        event(
            &by,
            FixChange::Owners {
                owners: vec!["Gatu- och parkförvaltningen".into()],
                rule: Some(4),
            },
        ),
        event(
            &link,
            FixChange::Status {
                from: FixStatus::New,
                to: FixStatus::WontDo,
                reason: Some("Privat mark".into()),
                owner: Some("Uppsalahem".into()),
            },
        ),
        event(
            &by,
            FixChange::Due {
                due: Some(date(2026, 12, 31)),
            },
        ),
        event(
            &by,
            FixChange::LinkMade {
                owner: "Uppsalahem".into(),
                expires_at: t,
            },
        ),
        event(
            &by,
            FixChange::LinkRevoked {
                owner: "Uppsalahem".into(),
            },
        ),
        event(
            &link,
            FixChange::Answer {
                owner: "Uppsalahem".into(),
                text: "Buskarna står på vår mark men klipps i vår.".into(),
                photo: Some(2),
            },
        ),
        event(&by, FixChange::Photo { photo: 2 }),
        event(
            &by,
            FixChange::PhotoApproval {
                photo: 2,
                approved: true,
            },
        ),
    ];
    let done = Fix {
        category: "otrygg-plats.belysning".into(),
        position: Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap(),
        place: Some("Stora torget".into()),
        description: "Byt armaturen vid trappan.".into(),
        reporter_text: Some("Lampan vid trappan är trasig.".into()),
        source: FixSource::Walk {
            walk: 3,
            finding: Some(2),
        },
        areas: vec![AreaId(1)],
        owners,
        status: FixStatus::WontDo,
        reason: Some("Marken är privat.".into()),
        due: Some(date(2026, 12, 31)),
        created_at: t,
        closed_at: Some(t),
        history,
        links: vec![OutsideLink {
            number: 1,
            owner: 1,
            token_sha256: vec![0x9f, 0x86, 0xd0, 0x81],
            created_at: t,
            expires_at: t,
            revoked: true,
        }],
        photos: vec![trygg_domain::fix::FixPhoto {
            number: 1,
            sha256: vec![0x9f, 0x86],
            kind: trygg_domain::fix::PhotoKind::Jpeg,
            bytes: 1234,
            added_at: t,
            from_owner: Some("Uppsalahem".into()),
            approved_for_public: true,
        }],
        remote: Some(trygg_domain::fix::RemoteRequest {
            endpoint: "https://felanmalan.example.se/open311/v2/".into(),
            service_request_id: "req-7".into(),
            sent_at: t,
            status: Some("closed".into()),
            status_notes: Some("Armaturen bytt.".into()),
            polled_at: Some(t),
        }),
    };
    let sources = [
        FixSource::Manual,
        FixSource::Est {
            incident: IncidentId(4),
        },
        FixSource::Tip { tip: 5 },
        FixSource::Open311 {
            request: "638344".into(),
        },
    ];
    let mut out = vec![done.clone()];
    for source in sources {
        out.push(Fix {
            source,
            ..done.clone()
        });
    }
    variants(
        &out,
        |f| match f.source {
            FixSource::Manual => 0,
            FixSource::Est { .. } => 1,
            FixSource::Tip { .. } => 2,
            FixSource::Walk { .. } => 3,
            FixSource::Open311 { .. } => 4,
        },
        5,
    );
    out
}

fn problems() -> Vec<Problem> {
    let areas = Problem {
        title: "Otrygghet i Gottsunda centrum".into(),
        description: "Samlingar kvällstid.".into(),
        definition: ProblemDefinition {
            categories: vec!["samling".into(), "skadegorelse".into()],
            areas: vec![AreaId(18)],
            polygon: None,
            from: date(2021, 3, 1),
            to: Some(date(2022, 3, 1)),
        },
        origin: Origin {
            kind: OriginKind::HotSpot,
            reference: Some("Gottsunda centrum".into()),
        },
        status: ProblemStatus::Active,
        owners: vec![OrganisationId(1)],
    };
    let mut drawn = areas.clone();
    drawn.definition.areas.clear();
    drawn.definition.polygon = Some(DrawnPolygon {
        crs: Crs::Wgs84,
        geometry: json!({"type": "Polygon", "coordinates":
            [[[17.60, 59.80], [17.62, 59.80], [17.62, 59.81], [17.60, 59.80]]]}),
    });
    vec![areas, drawn]
}

fn cause_analysis() -> CauseAnalysis {
    CauseAnalysis {
        problem_id: Id::new(1),
        triangle: Triangle {
            offender: "Grupp ungdomar".into(),
            target: "Butiker".into(),
            place: "Entrén".into(),
            handler: "Föräldrar".into(),
            guardian: "Väktare".into(),
            manager: "Fastighetsägaren".into(),
        },
        perspectives: Perspectives {
            situational: "Mörkt".into(),
            victim: "Butiksanställda".into(),
            offender: "Sysslolösa".into(),
        },
        hypotheses: vec![Hypothesis {
            key: "H1".into(),
            text: "Mörkt vid entrén".into(),
            evidence: vec![
                Evidence::Incidents {
                    ids: vec![IncidentId(3)],
                },
                Evidence::Figure {
                    text: "70 % fredag–lördag".into(),
                },
                Evidence::Attachment {
                    name: "foto.jpg".into(),
                    url: Some("https://example.org/foto.jpg".into()),
                },
            ],
            factor: Some(CauseFactor::Place),
            status: HypothesisStatus::Supported,
        }],
        conclusion: "Belysning först.".into(),
    }
}

fn interventions() -> Vec<Intervention> {
    let situational = Intervention {
        title: "Trygg i Gottsunda centrum".into(),
        description: "Belysning och väktare.".into(),
        problem_ids: vec![Id::new(1)],
        hypotheses: vec![HypothesisRef {
            problem_id: Id::new(1),
            key: "H1".into(),
        }],
        method: Method::Situational {
            techniques: vec!["extend-guardianship".into()],
            text: "Kvällstid".into(),
        },
        addresses: vec![CauseFactor::Guardian],
        responsible: Responsible {
            organisation_id: OrganisationId(1),
            unit: "Trygghetsenheten".into(),
        },
        resources: vec![PartyResources {
            organisation_id: OrganisationId(1),
            planned_hours: 400.0,
            planned_sek: 250_000.0,
            used_hours: 10.0,
            used_sek: 1_000.0,
        }],
        start: date(2022, 3, 1),
        end: Some(date(2022, 9, 1)),
        status: InterventionStatus::Ongoing,
        commitment_ref: Some("2022-1".into()),
        treated_areas: vec![AreaId(18)],
        control_areas: vec![AreaId(17)],
        buffer_areas: vec![AreaId(19)],
    };
    let free = Intervention {
        method: Method::Free {
            text: "Dialog med föreningar".into(),
        },
        ..situational.clone()
    };
    variants(
        &[situational.method.clone(), free.method.clone()],
        |m| match m {
            Method::Situational { .. } => 0,
            Method::Free { .. } => 1,
        },
        2,
    );
    vec![situational, free]
}

fn follow_up() -> FollowUp {
    FollowUp {
        intervention_id: Id::new(1),
        evaluation: json!({"verdict": "Minskning", "series": [{"month": "2022-03", "count": 4}]}),
        approved_at: "2023-01-10T10:00:00Z".parse().unwrap(),
        approved_by: "Analytiker, Uppsala kommun".into(),
        comment: "Godkänd.".into(),
    }
}

fn meeting() -> Meeting {
    Meeting {
        date: date(2024, 5, 6),
        briefing_week: Some("2024-W18".into()),
        participants: vec!["Områdespolisen".into()],
        observations: vec!["Klotter vid entrén".into()],
        actions: vec![MeetingAction {
            key: "2024-05-06-1".into(),
            text: "Sanera klottret".into(),
            owner: "Gatukontoret".into(),
            deadline: Some(date(2024, 5, 10)),
            status: ActionStatus::Open,
            carried_from: Some(Id::new(3)),
        }],
        focus_places: vec![FocusPlace {
            name: "Gottsunda centrum".into(),
            area_id: Some(AreaId(18)),
            reason: "Samlingar".into(),
        }],
        feedback: vec![Feedback {
            text: "Tack för rapporterna".into(),
            report_ids: vec![ReportId(1)],
            incident_ids: vec![IncidentId(2)],
        }],
    }
}

fn agreement() -> Agreement {
    let (kommun, polis) = ("Uppsala kommun", "Lokalpolisområde Uppsala");
    Agreement {
        title: "Samverkansöverenskommelse".into(),
        case_number: Some("KSN-2019-03372".into()),
        parties: vec![
            Party {
                name: kommun.into(),
                kind: PartyKind::Kommun,
            },
            Party {
                name: polis.into(),
                kind: PartyKind::Lokalpolisomrade,
            },
        ],
        from_year: 2020,
        to_year: 2023,
        decided: Some(date(2019, 12, 1)),
        signatories: vec![Signatory {
            name: "Ordföranden".into(),
            title: "Kommunstyrelsens ordförande".into(),
            party: kommun.into(),
        }],
        purpose: "Minska brottsligheten.".into(),
        undertakings: vec!["Gemensam lägesbild".into()],
        earlier: vec![EarlierAgreement {
            label: "Samverkansavtal".into(),
            from_year: 2016,
            to_year: 2019,
            note: Some("förlängdes 2018".into()),
        }],
        attachments: vec!["Bilaga 1 – Åtagandeplan".into()],
        coordinators: vec![
            Coordinator {
                role: "Utvecklingsledare".into(),
                party: kommun.into(),
                name: Some("Samordnaren".into()),
            },
            Coordinator {
                role: "Kommunpolis".into(),
                party: polis.into(),
                name: Some("Kommunpolisen".into()),
            },
        ],
        economy: Some("Var part bär sina kostnader.".into()),
    }
}

fn body() -> Body {
    Body {
        kind: BodyKind::Arbetsgrupp,
        name: "Arbetsgrupp Gottsunda".into(),
        mandate: "Bereda insatser".into(),
        members: vec![Member {
            role: "Säkerhetschef".into(),
            organisation: "Uppsala kommun".into(),
            name: Some("Säkerhetschefen".into()),
            chair: true,
        }],
        appointed_by: Some("Styrgruppen".into()),
    }
}

fn body_meeting() -> BodyMeeting {
    BodyMeeting {
        body: "Styrgruppen".into(),
        date: date(2021, 3, 4),
        agenda: vec!["Lägesbild".into()],
        minutes: "Lägesbilden presenterades.".into(),
        decisions: vec![Decision {
            text: "Ta fram en åtagandeplan".into(),
            responsible: Some("Samordnarna".into()),
            due: Some(date(2021, 4, 1)),
        }],
    }
}

fn activity() -> Activity {
    Activity {
        date: Some(date(2021, 3, 4)),
        text: "SIG-möte".into(),
        done: true,
    }
}

fn collaboration_form() -> CollaborationForm {
    CollaborationForm {
        name: "Sociala insatsgrupper (SIG)".into(),
        owner: "Socialförvaltningen".into(),
        description: "Samverkan kring unga".into(),
        parent: Some("Unga i riskzon".into()),
        indicators: vec!["Antal möten".into()],
        activities: vec![activity()],
    }
}

fn plans() -> Vec<CommitmentPlan> {
    let decided = CommitmentPlan {
        year: 2020,
        introduction: "Under 2020".into(),
        status: PlanStatus::Decided {
            date: date(2020, 1, 20),
        },
        priority_areas: vec![PriorityArea {
            id: "skola".into(),
            title: "Trygg skola".into(),
            description: "Skolan".into(),
        }],
        commitments: vec![Commitment {
            id: "2020-1".into(),
            priority_area: "skola".into(),
            title: "Utbildning".into(),
            description: "Utbildningsdagar".into(),
            responsible: "Uppsala kommun".into(),
            resources: vec![Resource {
                party: "Uppsala kommun".into(),
                planned_hours: 100.0,
                used_hours: 80.0,
                planned_sek: 10_000.0,
                used_sek: 5_000.0,
            }],
            status: CommitmentStatus::Done,
            progress: 100,
            interventions: vec!["1".into()],
            collaboration_forms: vec!["SIG".into()],
            activities: vec![activity()],
        }],
    };
    let draft = CommitmentPlan {
        status: PlanStatus::Draft,
        ..decided.clone()
    };
    variants(
        &[decided.status, draft.status],
        |s| match s {
            PlanStatus::Draft => 0,
            PlanStatus::Decided { .. } => 1,
        },
        2,
    );
    vec![decided, draft]
}

fn citizen_promise() -> CitizenPromise {
    CitizenPromise {
        area: "Gottsunda".into(),
        from: date(2021, 1, 1),
        to: date(2021, 12, 31),
        basis: vec![PromiseBasis {
            kind: BasisKind::Dialog,
            description: "Medborgardialog".into(),
        }],
        promises: vec![Promise {
            text: "Vi vandrar fredagar".into(),
            activities: vec![activity()],
            follow_up: Some("Trygghetsmätning".into()),
            status: CommitmentStatus::Ongoing,
        }],
    }
}

fn communication_plan() -> CommunicationPlan {
    CommunicationPlan {
        purpose: "Berätta om arbetet".into(),
        key_messages: vec!["Tryggt tillsammans".into()],
        activities: vec![CommunicationActivity {
            date: Some(date(2021, 2, 1)),
            text: "Pressmeddelande".into(),
            channel: "uppsala.se".into(),
            audience: "Invånare".into(),
            responsible: "Kommunikationsavdelningen".into(),
        }],
        citizen_promise_plans: vec!["Medborgarlöfte Gottsunda".into()],
    }
}

fn incident() -> NewIncident {
    NewIncident {
        occurred_from: "2024-05-01T20:00:00Z".parse().unwrap(),
        occurred_to: Some("2024-05-01T21:00:00Z".parse().unwrap()),
        reported_at: Some("2024-05-02T08:00:00Z".parse().unwrap()),
        category: "skadegorelse.klotter".into(),
        place_type: Some(PlaceType::Street),
        position: Some(Position::from_wgs84(59.858, 17.639, Precision::Exact).unwrap()),
        place: Some("Stora torget".into()),
        source_org: OrganisationId(1),
        channel: Channel::Est,
        external_id: Some("AM-12345-24".into()),
        description: Some("Nytt klotter på elskåpet.".into()),
        visibility: Visibility::Shared,
        report_id: Some(ReportId(1)),
        created_by: Some(UserId(1)),
    }
}

#[test]
fn every_text_of_every_record_kind_is_guarded() {
    let evidence = cause_analysis().hypotheses[0].evidence.clone();
    variants(
        &evidence,
        |e| match e {
            Evidence::Incidents { .. } => 0,
            Evidence::Figure { .. } => 1,
            Evidence::Attachment { .. } => 2,
        },
        3,
    );
    let mut checked = BTreeMap::new();
    checked.insert(Problem::KIND, record(&problems()).checked);
    checked.insert(CauseAnalysis::KIND, record(&[cause_analysis()]).checked);
    checked.insert(Intervention::KIND, record(&interventions()).checked);
    checked.insert(FollowUp::KIND, record(&[follow_up()]).checked);
    checked.insert(Meeting::KIND, record(&[meeting()]).checked);
    checked.insert(Agreement::KIND, record(&[agreement()]).checked);
    checked.insert(Body::KIND, record(&[body()]).checked);
    checked.insert(BodyMeeting::KIND, record(&[body_meeting()]).checked);
    checked.insert(
        CollaborationForm::KIND,
        record(&[collaboration_form()]).checked,
    );
    checked.insert(CommitmentPlan::KIND, record(&plans()).checked);
    checked.insert(CitizenPromise::KIND, record(&[citizen_promise()]).checked);
    checked.insert(
        CommunicationPlan::KIND,
        record(&[communication_plan()]).checked,
    );
    checked.insert(
        CategorySynonym::KIND,
        record(&[CategorySynonym {
            value: "Ordningsstörning".into(),
            code: "ordning.ovrigt".into(),
        }])
        .checked,
    );
    checked.insert(
        LawDecision::KIND,
        record(&[LawDecision {
            document: LawDocument::Lagesbild,
            year: 2025,
            decided_by: "Kommunstyrelsen".into(),
            date: date(2025, 9, 10),
            diarienummer: "KS-2025/00123".into(),
            note: "§ 123".into(),
        }])
        .checked,
    );
    checked.insert(
        OwnCategory::KIND,
        record(&[OwnCategory {
            code: "ordning.ordningsstorning".into(),
            label_sv: "Ordningsstörning".into(),
            label_en: "Disorder".into(),
        }])
        .checked,
    );
    checked.insert(
        IndicatorValue::KIND,
        record(&[IndicatorValue {
            indicator: Indicator::named("Andel otrygga kvällstid"),
            source: "Polisens trygghetsmätning".into(),
            area: trygg_domain::AreaId(1),
            period: Period::year(2024),
            value: 32.0,
            ci_low: Some(28.0),
            ci_high: Some(36.0),
            n: Some(812),
            unit: Unit::Percent,
        }])
        .checked,
    );
    checked.insert(trygg_domain::tip::Tip::KIND, record(&tips()).checked);
    checked.insert(
        trygg_domain::notice::Notice::KIND,
        record(&notices()).checked,
    );
    checked.insert(trygg_domain::fix::Fix::KIND, record(&fixes()).checked);
    checked.insert(
        trygg_domain::walk::SafetyWalk::KIND,
        record(&walks()).checked,
    );
    checked.insert(
        trygg_domain::walk::WalkFinding::KIND,
        record(&findings()).checked,
    );
    checked.insert(
        trygg_domain::fix::FixRoutingRule::KIND,
        record(&[
            trygg_domain::fix::FixRoutingRule {
                area: Some(AreaId(1)),
                category: Some("otrygg-plats".into()),
                owner: trygg_domain::fix::Responsible::Outside {
                    name: "Uppsalahem".into(),
                    contact: Some("forvaltning@uppsalahem.example".into()),
                    open311: Some("https://felanmalan.example.se/open311/v2/".into()),
                },
            },
            trygg_domain::fix::FixRoutingRule {
                area: None,
                category: None,
                owner: trygg_domain::fix::Responsible::Unit {
                    organisation: OrganisationId(1),
                    unit: "Gatukontoret".into(),
                },
            },
        ])
        .checked,
    );
    checked.insert(
        trygg_domain::fix::FixServiceLevel::KIND,
        record(&[trygg_domain::fix::FixServiceLevel {
            category: "otrygg-plats.belysning".into(),
            days: 14,
        }])
        .checked,
    );
    // The texts the issue named as unchecked before, among them those shown on /lofte.
    for (kind, field) in [
        ("agreement", "title"),
        ("agreement", "purpose"),
        ("agreement", "case_number"),
        ("agreement", "undertakings[0]"),
        ("agreement", "signatories[0].name"),
        ("citizen_promise", "area"),
        ("citizen_promise", "basis[0].description"),
        ("body", "name"),
        ("body", "mandate"),
        ("body", "members[0].role"),
        ("commitment_plan", "introduction"),
        ("commitment_plan", "commitments[0].title"),
        ("communication_plan", "key_messages[0]"),
        ("body_meeting", "decisions[0].text"),
        ("problem", "definition.polygon.geometry.type"),
        ("cause_analysis", "hypotheses[0].evidence[1].text"),
        ("intervention", "method.text"),
        ("follow_up", "evaluation.verdict"),
        ("category_synonym", "value"),
        ("category_synonym", "code"),
        ("law_decision", "decided_by"),
        ("law_decision", "diarienummer"),
        ("law_decision", "note"),
        ("category", "code"),
        ("category", "label_sv"),
        ("category", "label_en"),
        ("indicator_value", "indicator.name"),
        ("indicator_value", "source"),
        ("tip", "description"),
        ("tip", "place"),
        ("tip", "email"),
        ("tip", "status.reason"),
        ("notice", "about.place"),
        ("notice", "about.reason"),
        ("notice", "about.link"),
        ("notice", "about.party"),
        ("notice", "delivery.error"),
        ("fix", "description"),
        ("fix", "reporter_text"),
        ("fix", "place"),
        ("fix", "reason"),
        ("fix", "owners[1].responsible.name"),
        ("fix", "owners[0].responsible.unit"),
        ("fix", "owners[0].part"),
        ("fix", "history[6].change.text"),
        ("fix", "history[2].change.reason"),
        ("fix", "source.request"),
        ("fix", "photos[0].from_owner"),
        ("fix_routing_rule", "owner.name"),
        ("fix_routing_rule", "owner.unit"),
        ("fix_service_level", "category"),
        ("safety_walk", "title"),
        ("safety_walk", "invited[1]"),
        ("safety_walk", "answers[0].owner"),
        ("safety_walk", "answers[0].text"),
        ("walk_finding", "description"),
        ("walk_finding", "place"),
        ("walk_finding", "category"),
        ("walk_finding", "client_id"),
    ] {
        assert!(
            checked[kind].contains(field),
            "{kind}.{field}: {:?}",
            checked[kind]
        );
    }
}

#[test]
fn every_text_of_an_incident_is_guarded_and_an_est_report_holds_none() {
    let w = walk("incident", &[incident()], NewIncident::validate);
    assert_eq!(
        w.checked,
        ["category", "description", "external_id", "place"]
            .map(String::from)
            .into(),
    );
    assert_eq!(
        w.not_text,
        [
            "channel",
            "occurred_from",
            "occurred_to",
            "place_type",
            "position.precision",
            "reported_at",
            "visibility",
        ]
        .map(String::from)
        .into(),
    );
    // An EST report is its incidents (each validated as above) and a record of who filed it
    // when: no text of its own. A text added to it would need a guard, and fails here.
    let report = Report {
        id: ReportId(1),
        organisation_id: OrganisationId(1),
        reporter_id: Some(UserId(1)),
        submitted_at: "2024-05-02T08:00:00Z".parse().unwrap(),
        incident_ids: vec![IncidentId(1)],
    };
    let w = walk("report", &[report], |_| Ok(()));
    assert!(w.checked.is_empty());
    assert_eq!(w.not_text, ["submitted_at".to_string()].into());
}

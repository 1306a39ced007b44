//! The partnership as real content: the agreement between Uppsala kommun and lokalpolisområde
//! Uppsala/Knivsta for 2020–2023 and the commitment plan for 2020, in the seed's own words
//! (KSN-2019-03372: tjänsteskrivelse 2019-11-27, the agreement, Bilaga 1 – Åtagandeplan,
//! Bilaga 2 – Modell för samverkan, Åtagandeplan år 2020).
//!
//! [`agreement`], [`steering_group`], [`collaboration_forms`], [`commitment_plan_2020`],
//! [`communication_plan`] and [`calendar`] hold only what the seed says. The seed says nothing
//! about how the plans were carried out: [`followed_up_plans`] adds an *invented* follow-up for
//! the demo (statuses, activities, hours and money per party, plans 2021–2023 copied from 2020,
//! and in 2022 the commitment behind the planted intervention in Gottsunda centrum), so that the
//! annual compilation and the final follow-up have substance. Nothing here is I/O.

use jiff::civil::date;
use trygg_domain::partnership::{
    Activity, Agreement, BasisKind, Body, BodyKind, BodyMeeting, CalendarEntry, CitizenPromise,
    CollaborationForm, Commitment, CommitmentPlan, CommitmentStatus, CommunicationActivity,
    CommunicationPlan, Coordinator, Decision, EarlierAgreement, JOINT, Member, Party, PartyKind,
    PlanStatus, PriorityArea, Promise, PromiseBasis, Resource, Signatory, deadlines,
};

/// The kommun, as named in the demo's organisations.
pub const KOMMUN: &str = "Uppsala kommun";
/// The lokalpolisområde, as named in the demo's organisations (the agreement writes
/// "Polismyndigheten lokalpolisområde Uppsala/Knivsta").
pub const LPO: &str = "Lokalpolisområde Uppsala/Knivsta";
/// The id the planted intervention in Gottsunda centrum is linked by in
/// [`followed_up_plans`]; whoever stores the plans replaces it with the intervention's record id.
pub const GOTTSUNDA_INTERVENTION: &str = "gottsunda-centrum-2022";
/// The commitment of the 2022 plan the planted intervention implements (its `commitment_ref`).
pub const GOTTSUNDA_COMMITMENT: &str = "2022-6";

const SEED_PURPOSE: &str = "Denna samverkansöverenskommelse syftar till att skapa en fördjupad samverkan mellan Uppsala kommun och lokalpolisområde Uppsala/Knivsta för att minska brottsligheten och öka tryggheten i alla delar av Uppsala. Överenskommelsen säkerställer att Uppsala kommun och lokalpolisområde Uppsala/Knivsta stödjer och ger resurser till det brottsförebyggande arbetet. Vår gemensamma vision är att Uppsala ska vara en trygg och säker kommun för alla som bor, besöker och verkar här. Med gemensamma prioriteringar arbetar vi för nolltolerans mot brott och för ett tryggare Uppsala. Genom samverkansöverenskommelsen förstärker vi arbetet för att skapa en trygg och säker skolmiljö som är fri från narkotika, hot och våld. Vi stärker arbetet med särskilt utsatta brottsoffer och vi möjliggör samverkan kring nya uppkomna problembilder och prioriterade insatser.";

/// The agreement 2020–2023.
pub fn agreement() -> Agreement {
    Agreement {
        title: "Samverkansöverenskommelse Uppsala kommun och lokalpolisområde Uppsala/Knivsta".into(),
        case_number: Some("KSN-2019-03372".into()),
        parties: vec![
            Party {
                name: KOMMUN.into(),
                kind: PartyKind::Kommun,
            },
            Party {
                name: LPO.into(),
                kind: PartyKind::Lokalpolisomrade,
            },
        ],
        from_year: 2020,
        to_year: 2023,
        decided: None,
        signatories: vec![
            Signatory {
                name: "Erik Pelling".into(),
                title: "Kommunstyrelsens ordförande".into(),
                party: KOMMUN.into(),
            },
            Signatory {
                name: "Jale Poljarevius".into(),
                title: "Lokalpolisområdeschef Uppsala/Knivsta".into(),
                party: LPO.into(),
            },
        ],
        purpose: SEED_PURPOSE.into(),
        undertakings: vec![
            "Arbeta med gemensamma brottsförebyggande och trygghetsskapande åtgärder och insatser utifrån ett kunskapsbaserat arbetssätt som genomförs med stöd av lokal och systematisk kartläggning/lägesbild, orsaksanalys, aktivitet samt uppföljning.".into(),
            "Utifrån en gemensam problembild arbeta i samverkan med prioriterade insatser i åtagandeplanen (bilaga 1).".into(),
            "Ge utrymme för arbete med andra insatser än de prioriterade som regleras i åtagandeplanen.".into(),
        ],
        earlier: vec![
            EarlierAgreement {
                label: "Samverkansavtal".into(),
                from_year: 2010,
                to_year: 2014,
                note: Some("Sedan 2010 har Uppsala kommun och lokalpolisområde Uppsala/Knivsta tecknat samverkansavtal med varandra.".into()),
            },
            EarlierAgreement {
                label: "Samverkansavtal".into(),
                from_year: 2015,
                to_year: 2019,
                note: Some("Undertecknades för 2015–2018 och förlängdes 2018 till 2019; löpte ut i december 2019.".into()),
            },
        ],
        attachments: vec![
            "Bilaga 1 – Åtagandeplan".into(),
            "Bilaga 2 – Modell för samverkan i Uppsala kommun".into(),
            "Åtagandeplan år 2020".into(),
        ],
        coordinators: vec![
            Coordinator {
                role: "Utvecklingsledare för det brottsförebyggande arbetet".into(),
                party: KOMMUN.into(),
                name: None,
            },
            Coordinator {
                role: "Kommunpolis".into(),
                party: LPO.into(),
                name: None,
            },
        ],
        economy: Some("Uppsala kommun och lokalpolisområde Uppsala/Knivsta svarar för sina egna kostnader om inget annat överenskommes.".into()),
    }
}

/// The styrgrupp (Bilaga 2 – Modell för samverkan).
pub fn steering_group() -> Body {
    let m = |role: &str, org: &str, chair: bool| Member {
        role: role.into(),
        organisation: org.into(),
        name: None,
        chair,
    };
    Body {
        kind: BodyKind::Styrgrupp,
        name: "Styrgrupp för samverkan polis och kommun".into(),
        mandate: "Styrgruppen har till uppgift att implementera samverkansöverenskommelsen och omsätta de prioriterade insatserna för 2020–2023 i tydliga aktiviteter och åtgärdsplaner. Styrgruppen ansvarar för att tillsätta arbetsgrupper som ska arbeta med överenskommelsens prioriterade insatser. Representanterna i gruppen ska för sin organisation eller förvaltning ha mandat att fatta beslut om operativa insatser, implementera de strategiska beslut gruppen tar och ska ses som en kommunikationskanal mellan den organisation eller förvaltning de företräder och styrgruppen. Styrgruppen ansvarar löpande för att planera och följa upp arbetet och resultaten med insatserna inom ramen för samverkansöverenskommelsen och stödja det arbetet. Den utgör också en plattform för att initiera samverkan även i andra frågor än det som reglerats i denna överenskommelse.".into(),
        members: vec![
            m("Säkerhetschef", KOMMUN, true),
            m("Utvecklingsledare för brottsförebyggande arbete", KOMMUN, false),
            m("Avdelningschef", "Uppsala kommun, utbildningsförvaltningen", false),
            m("Avdelningschef", "Uppsala kommun, socialförvaltningen", false),
            m("Avdelningschef", "Uppsala kommun, stadsbyggnadsförvaltningen", false),
            m("Kommunpolis", LPO, false),
            m("Lokalpolisområdeschef", LPO, false),
            m("De som lokalpolisområdeschefen utser", LPO, false),
        ],
        appointed_by: None,
    }
}

/// The existing collaboration forms (Bilaga 1, "Befintliga samverkansformer").
pub fn collaboration_forms() -> Vec<CollaborationForm> {
    let owner = format!("{JOINT} ({KOMMUN} och {LPO})");
    let form = |name: &str, parent: Option<&str>| CollaborationForm {
        name: name.into(),
        owner: owner.clone(),
        description: String::new(),
        parent: parent.map(str::to_string),
        indicators: Vec::new(),
        activities: Vec::new(),
    };
    let public = "Säkerhet och trygghet på offentliga platser och utrymmen";
    let mut out: Vec<CollaborationForm> = [
        "Lokala brottsförebyggande rådet i Uppsala",
        "Sociala insatsgrupper (SIG)",
        "Skola, socialtjänst, polis och fritid (SSPF)",
        "Medling",
        "Stödcentrum",
        "EU-samverkansgruppen",
        "Kunskapscentrum",
        "Det nya samarbetet Gottsunda/Valsätra",
        "Medborgarlöften",
        "Förebyggande arbete mot radikaliserings och våldsbejakande extremism",
        public,
    ]
    .iter()
    .map(|n| form(n, None))
    .collect();
    for sub in [
        "Gemensamt lägesbildsarbete",
        "Trygghetsskapande åtgärder i den fysiska miljön",
        "Nattvandring",
        "Grannsamverkan",
        "Områdesarbete",
        "Trygghetsvandringar",
        "Evenemang",
    ] {
        out.push(form(sub, Some(public)));
    }
    out
}

/// The demo's other bodies, *invented* (the seed names only the styrgrupp and "olika former av
/// arbetsgrupper"): a beredningsgrupp of the two coordinators and three arbetsgrupper appointed
/// by the styrgrupp, one per priority area.
pub fn other_bodies() -> Vec<Body> {
    let steering = steering_group().name;
    let m = |role: &str, org: &str, chair: bool| Member {
        role: role.into(),
        organisation: org.into(),
        name: None,
        chair,
    };
    let group = |name: &str, mandate: &str, members: Vec<Member>| Body {
        kind: BodyKind::Arbetsgrupp,
        name: name.into(),
        mandate: mandate.into(),
        members,
        appointed_by: Some(steering.clone()),
    };
    vec![
        Body {
            kind: BodyKind::Beredningsgrupp,
            name: "Beredningsgrupp (demo)".into(),
            mandate: "Samordnarna bereder styrgruppens möten: dagordning, underlag, åtagandeplanens uppföljning och sammanställningar till styrgruppen och KSAU.".into(),
            members: vec![
                m("Utvecklingsledare för det brottsförebyggande arbetet", KOMMUN, true),
                m("Kommunpolis", LPO, false),
                m("Analytiker", KOMMUN, false),
            ],
            appointed_by: None,
        },
        group(
            "Arbetsgrupp särskilt utsatta brottsoffer (demo)",
            "Tar fram och genomför de gemensamma utbildningsinsatserna om särskilt utsatta brottsoffer.",
            vec![
                m("Enhetschef", "Uppsala kommun, socialförvaltningen", true),
                m("Samordnare", "Stödcentrum", false),
                m("Utredare, brott i nära relation", LPO, false),
            ],
        ),
        group(
            "Arbetsgrupp trygg skolmiljö (demo)",
            "Tidig upptäckt av droganvändning och våldsförebyggande arbete i skolan, inom SSPF.",
            vec![
                m("Avdelningschef", "Uppsala kommun, utbildningsförvaltningen", true),
                m("SSPF-samordnare", KOMMUN, false),
                m("Ungdomspolis", LPO, false),
            ],
        ),
        group(
            "Arbetsgrupp Gottsunda/Valsätra (demo)",
            "Platsbaserat arbete i Gottsunda och Valsätra: lägesbild, situationella åtgärder och medborgarlöften.",
            vec![
                m("Områdesutvecklare", KOMMUN, true),
                m("Kommunpolis", LPO, false),
                m("Bovärd", "Uppsalahem", false),
            ],
        ),
    ]
}

/// *Invented* meetings of the styrgrupp for the demo: the plan decided, the October
/// compilations, the final follow-up.
pub fn steering_meetings() -> Vec<BodyMeeting> {
    let body = steering_group().name;
    let decision = |text: &str, responsible: &str, due: Option<jiff::civil::Date>| Decision {
        text: text.into(),
        responsible: Some(responsible.into()),
        due,
    };
    vec![
        BodyMeeting {
            body: body.clone(),
            date: date(2020, 1, 14),
            agenda: vec![
                "Åtagandeplan 2020".into(),
                "Arbetsgrupper för de prioriterade insatserna".into(),
            ],
            minutes: "Styrgruppen gick igenom förslaget till åtagandeplan 2020 och tillsatte tre arbetsgrupper. (Demo.)".into(),
            decisions: vec![
                decision("Åtagandeplan 2020 presenteras för KSAU.", "Samordnarna", Some(date(2020, 1, 31))),
                decision("Arbetsgrupper tillsätts för utsatta brottsoffer, skolmiljö och Gottsunda/Valsätra.", "Säkerhetschef", None),
            ],
        },
        BodyMeeting {
            body: body.clone(),
            date: date(2020, 10, 20),
            agenda: vec![
                "Sammanställning av genomförandet 2020".into(),
                "Lägesbild hösten 2020".into(),
            ],
            minutes: "Samordnarna redovisade sammanställningen av åtagandeplanen 2020. (Demo.)".into(),
            decisions: vec![decision(
                "Sammanställningen lämnas till KSAU före årsskiftet.",
                "Samordnarna",
                Some(date(2020, 12, 31)),
            )],
        },
        BodyMeeting {
            body: body.clone(),
            date: date(2022, 2, 8),
            agenda: vec!["Otrygghet och skadegörelse i Gottsunda centrum".into()],
            minutes: "Styrgruppen ställde sig bakom en situationell insats i Gottsunda centrum från mars 2022. (Demo.)".into(),
            decisions: vec![decision(
                "Åtagande 2022-6, situationell prevention i Gottsunda centrum, läggs till i åtagandeplanen 2022.",
                "Arbetsgrupp Gottsunda/Valsätra (demo)",
                Some(date(2022, 3, 1)),
            )],
        },
        BodyMeeting {
            body,
            date: date(2023, 11, 14),
            agenda: vec![
                "Slutlig uppföljning av samverkansöverenskommelsen 2020–2023".into(),
                "Ny överenskommelse 2024–2027".into(),
            ],
            minutes: "Samordnarna redovisade utkastet till slutlig uppföljning. (Demo.)".into(),
            decisions: vec![decision(
                "Den slutliga uppföljningen lämnas till KSAU i december.",
                "Samordnarna",
                Some(date(2023, 12, 31)),
            )],
        },
    ]
}

/// An *invented* citizen promise for the demo, in Gottsunda, where the planted intervention is.
pub fn citizen_promises() -> Vec<CitizenPromise> {
    vec![CitizenPromise {
        area: "Gottsunda".into(),
        from: date(2022, 1, 1),
        to: date(2023, 12, 31),
        basis: vec![
            PromiseBasis {
                kind: BasisKind::Lagesbild,
                description: "Gemensam lägesbild: skadegörelse och samlingar i Gottsunda centrum fredag och lördag kväll.".into(),
            },
            PromiseBasis {
                kind: BasisKind::Dialog,
                description: "Medborgardialog i Gottsunda centrum hösten 2021 (demo).".into(),
            },
            PromiseBasis {
                kind: BasisKind::Survey,
                description: "Trygghetsmätning 2021 (demo).".into(),
            },
        ],
        promises: vec![
            Promise {
                text: "Vi gör centrumet ljusare och tryggare att röra sig i på kvällen.".into(),
                activities: vec![act(2022, 3, 1, "Ny belysning vid entréerna och i gångtunneln")],
                follow_up: Some("Trygghetsvandring september 2022: belysningen upplevs som bättre.".into()),
                status: CommitmentStatus::Done,
            },
            Promise {
                text: "Polis och nattvandrare finns på plats fredag och lördag kväll.".into(),
                activities: vec![act(2022, 3, 4, "Fast närvaro kvällstid fredag–lördag")],
                follow_up: Some("Följs upp i den veckovisa lägesbilden.".into()),
                status: CommitmentStatus::Ongoing,
            },
        ],
    }]
}

const PRIO_FORMS: &str = "samverkansformer";
const PRIO_VICTIMS: &str = "utsatta-brottsoffer";
const PRIO_SCHOOL: &str = "skolmiljo";
const PRIO_OTHER: &str = "ovriga";

fn priority_areas() -> Vec<PriorityArea> {
    vec![
        PriorityArea {
            id: PRIO_FORMS.into(),
            title: "Utveckla arbetet med befintliga samverkansformer".into(),
            description: "Uppsala kommun och lokalpolisområde Uppsala/Knivsta åtar sig under perioden 2020–2023 att fortsätta bedriva det arbetet som sker i befintliga samverkansformer.".into(),
        },
        PriorityArea {
            id: PRIO_VICTIMS.into(),
            title: "Stärk arbetet med särskilt utsatta brottsoffer".into(),
            description: "Med särskilt utsatta brottsoffer menas: våld i barn och ungas nära relation; sexuellt våld; våld i nära relation med särskilt fokus på upprepat utsatta offer; hedersrelaterat hot och våld.".into(),
        },
        PriorityArea {
            id: PRIO_SCHOOL.into(),
            title: "Stärk arbetet för en trygg och säker skolmiljö".into(),
            description: "Fokus på trygg och säker skolmiljö och ungdomars problem kring droger.".into(),
        },
        PriorityArea {
            id: PRIO_OTHER.into(),
            title: "Övriga prioriterade insatser".into(),
            description: "Polis och kommun ska under perioden 2020–2023 ges utrymme att utifrån sin kartläggning kunna arbeta med övriga insatser och åtgärder riktade mot nya uppkomna problembilder.".into(),
        },
    ]
}

fn commitment(
    id: &str,
    area: &str,
    title: &str,
    description: &str,
    responsible: &str,
) -> Commitment {
    Commitment {
        id: id.into(),
        priority_area: area.into(),
        title: title.into(),
        description: description.into(),
        responsible: responsible.into(),
        resources: Vec::new(),
        status: CommitmentStatus::NotStarted,
        progress: 0,
        interventions: Vec::new(),
        collaboration_forms: Vec::new(),
        activities: Vec::new(),
    }
}

/// The commitment plan 2020 as decided ("Åtagandeplan år 2020", and the two 2020 tasks of the
/// tjänsteskrivelse: an action plan against human trafficking and an inquiry into a municipal
/// safety centre).
pub fn commitment_plan_2020() -> CommitmentPlan {
    let mut forms = commitment(
        "2020-1",
        PRIO_FORMS,
        "Utveckla arbetet med befintliga samverkansformer",
        "Fortsätta bedriva det arbetet som sker i befintliga samverkansformer samt se över vilka samverkansformer som behöver utvecklas och förstärkas.",
        JOINT,
    );
    forms.collaboration_forms = collaboration_forms()
        .into_iter()
        .filter(|f| f.parent.is_none())
        .map(|f| f.name)
        .collect();
    let mut victims = commitment(
        "2020-2",
        PRIO_VICTIMS,
        "Kunskapshöjande insatser om särskilt utsatta brottsoffer",
        "Arbeta med utveckling av kunskapshöjande insatser för att tidigt kunna identifiera särskilt utsatta brottsoffer genom gemensamma utbildningsinsatser till bland annat skola, socialtjänst, polis och fritid.",
        JOINT,
    );
    victims.collaboration_forms = vec!["Stödcentrum".into()];
    let mut school = commitment(
        "2020-3",
        PRIO_SCHOOL,
        "Tidig upptäckt av barns, ungdomars och unga vuxnas droganvändning",
        "Effektivisera arbetssättet för tidig upptäckt och fortsatta insatser mot barn och ungdomar samt unga vuxnas droganvändning. Arbetet kommer under 2020 att fokusera på samordnade utbildningsinsatser och erfarenhetsutbyte för bland annat skola, socialtjänst, polis och fritid.",
        JOINT,
    );
    school.collaboration_forms = vec!["Skola, socialtjänst, polis och fritid (SSPF)".into()];
    CommitmentPlan {
        year: 2020,
        introduction: "Uppsala kommun och lokalpolisområde Uppsala/Knivsta åtar sig under 2020 att arbeta med följande åtaganden.".into(),
        status: PlanStatus::Draft,
        priority_areas: priority_areas(),
        commitments: vec![
            forms,
            victims,
            school,
            commitment(
                "2020-4",
                PRIO_OTHER,
                "Handlingsplan mot människohandel",
                "Som stöd för arbetet med överenskommelsen kommer kommunen också att under 2020 ta fram en handlingsplan mot människohandel.",
                KOMMUN,
            ),
            commitment(
                "2020-5",
                PRIO_OTHER,
                "Utreda möjligheten till en kommunal trygghetscentral",
                "Som stöd för arbetet med överenskommelsen kommer kommunen också att under 2020 utreda möjligheten till en kommunal trygghetscentral i Uppsala.",
                KOMMUN,
            ),
        ],
    }
}

/// The communication plan as the agreement asks for it ("Kommunikationsplan"): its purpose and
/// key messages taken from the agreement's vision.
pub fn communication_plan() -> CommunicationPlan {
    CommunicationPlan {
        purpose: "Syftet med kommunikationsplanen är att ta fram gemensamma huvudbudskap och samordna kommunikationsaktiviteterna.".into(),
        key_messages: vec![
            "Uppsala ska vara en trygg och säker kommun för alla som bor, besöker och verkar här.".into(),
            "Med gemensamma prioriteringar arbetar kommunen och polisen för nolltolerans mot brott och för ett tryggare Uppsala.".into(),
            "Vi skapar en trygg och säker skolmiljö som är fri från narkotika, hot och våld.".into(),
            "Vi stärker arbetet med särskilt utsatta brottsoffer.".into(),
        ],
        activities: vec![CommunicationActivity {
            date: Some(date(2020, 2, 3)),
            text: "Gemensamt pressmeddelande om den nya samverkansöverenskommelsen (demo)".into(),
            channel: "Pressmeddelande".into(),
            audience: "Allmänheten".into(),
            responsible: JOINT.into(),
        }],
        citizen_promise_plans: vec!["Särskild plan för kommunikationen av medborgarlöftena".into()],
    }
}

/// The deadlines of the agreement period (the seed's and the law's).
pub fn calendar() -> Vec<CalendarEntry> {
    deadlines(&agreement())
}

fn res(party: &str, planned_h: f64, used_h: f64, planned_sek: f64, used_sek: f64) -> Resource {
    Resource {
        party: party.into(),
        planned_hours: planned_h,
        used_hours: used_h,
        planned_sek,
        used_sek,
    }
}

fn act(y: i16, m: i8, d: i8, text: &str) -> Activity {
    Activity {
        date: Some(date(y, m, d)),
        text: text.into(),
        done: true,
    }
}

/// The plans 2020–2023 with an invented follow-up for the demo (see the module docs): the
/// 2020 plan decided in January 2020 and carried out, the later plans copied as drafts and then
/// decided, and in 2022 the commitment behind the planted Gottsunda intervention
/// ([`GOTTSUNDA_INTERVENTION`]).
pub fn followed_up_plans() -> Vec<CommitmentPlan> {
    let mut p2020 = commitment_plan_2020();
    p2020.status = PlanStatus::Decided {
        date: date(2020, 1, 27),
    };
    let follow = |c: &mut Commitment, status, progress, r: Vec<Resource>, a: Vec<Activity>| {
        c.status = status;
        c.progress = progress;
        c.resources = r;
        c.activities = a;
    };
    let y = 2020;
    let cs = &mut p2020.commitments;
    follow(
        &mut cs[0],
        CommitmentStatus::Ongoing,
        75,
        vec![
            res(KOMMUN, 400.0, 320.0, 50_000.0, 38_000.0),
            res(LPO, 300.0, 260.0, 0.0, 0.0),
        ],
        vec![
            act(y, 3, 12, "Genomgång av samverkansformerna i styrgruppen"),
            act(
                y,
                9,
                24,
                "Lokala brottsförebyggande rådet: gemensam lägesbild",
            ),
        ],
    );
    follow(
        &mut cs[1],
        CommitmentStatus::Done,
        100,
        vec![
            res(KOMMUN, 200.0, 210.0, 60_000.0, 55_000.0),
            res(LPO, 120.0, 100.0, 0.0, 0.0),
        ],
        vec![
            act(
                y,
                4,
                22,
                "Utbildningsdag för skola, socialtjänst, polis och fritid",
            ),
            act(y, 10, 7, "Uppföljande seminarium om hedersrelaterat våld"),
        ],
    );
    follow(
        &mut cs[2],
        CommitmentStatus::Ongoing,
        50,
        vec![
            res(KOMMUN, 250.0, 140.0, 40_000.0, 22_000.0),
            res(LPO, 150.0, 90.0, 0.0, 0.0),
        ],
        vec![act(
            y,
            5,
            14,
            "Erfarenhetsutbyte inom SSPF om tidig upptäckt",
        )],
    );
    follow(
        &mut cs[3],
        CommitmentStatus::Done,
        100,
        vec![res(KOMMUN, 160.0, 170.0, 0.0, 0.0)],
        vec![act(
            y,
            9,
            30,
            "Handlingsplanen mot människohandel klar för beslut",
        )],
    );
    follow(
        &mut cs[4],
        CommitmentStatus::Ongoing,
        40,
        vec![res(KOMMUN, 120.0, 60.0, 100_000.0, 30_000.0)],
        vec![act(y, 6, 1, "Utredningen om trygghetscentral påbörjad")],
    );
    let mut plans = vec![p2020];
    for year in 2021..=2023 {
        let mut p = plans.last().expect("2020 is there").copy_as_draft(year);
        p.status = PlanStatus::Decided {
            date: date(year, 1, 25),
        };
        for c in &mut p.commitments {
            c.status = CommitmentStatus::Done;
            c.progress = 100;
            for r in &mut c.resources {
                r.used_hours = r.planned_hours;
                r.used_sek = r.planned_sek;
            }
            c.activities = vec![act(
                year,
                10,
                1,
                "Genomfört enligt planen; redovisat för styrgruppen",
            )];
        }
        // The completed 2020 tasks are not repeated.
        p.commitments.retain(|c| !c.id.ends_with("-4"));
        if year == 2022 {
            let mut g = commitment(
                GOTTSUNDA_COMMITMENT,
                PRIO_OTHER,
                "Situationell prevention i Gottsunda centrum",
                "Minska skadegörelse och otrygghetsskapande samlingar i Gottsunda centrum genom belysning, städning och närvaro, inom det nya samarbetet Gottsunda/Valsätra.",
                JOINT,
            );
            g.status = CommitmentStatus::Done;
            g.progress = 100;
            g.collaboration_forms = vec!["Det nya samarbetet Gottsunda/Valsätra".into()];
            g.interventions = vec![GOTTSUNDA_INTERVENTION.into()];
            g.resources = vec![
                res(KOMMUN, 600.0, 640.0, 450_000.0, 470_000.0),
                res(LPO, 400.0, 380.0, 0.0, 0.0),
            ];
            g.activities = vec![
                act(
                    2022,
                    3,
                    1,
                    "Ny belysning och röjning av buskage vid centrumtorget",
                ),
                act(2022, 3, 1, "Fast polisiär närvaro kvällstid fredag–lördag"),
                act(
                    2022,
                    9,
                    15,
                    "Trygghetsvandring med fastighetsägare och boende",
                ),
            ];
            p.commitments.push(g);
        }
        plans.push(p);
    }
    plans
}

#[cfg(test)]
mod tests {
    use super::*;
    use trygg_domain::partnership::CalendarKind;

    #[test]
    fn the_seed_content_is_valid() {
        let a = agreement();
        a.validate().unwrap();
        steering_group().validate().unwrap();
        for b in other_bodies() {
            b.validate().unwrap();
        }
        for m in steering_meetings() {
            m.validate().unwrap();
        }
        for p in citizen_promises() {
            p.validate().unwrap();
        }
        for f in collaboration_forms() {
            f.validate().unwrap();
        }
        assert_eq!(collaboration_forms().len(), 18);
        let p = commitment_plan_2020();
        p.validate(&a).unwrap();
        assert_eq!(p.priority_areas.len(), 4);
        assert_eq!(p.commitments.len(), 5);
        communication_plan().validate().unwrap();
        for p in followed_up_plans() {
            p.validate(&a).unwrap();
        }
        let plans = followed_up_plans();
        assert_eq!(
            plans.iter().map(|p| p.year).collect::<Vec<_>>(),
            vec![2020, 2021, 2022, 2023]
        );
        assert!(
            plans[2]
                .commitments
                .iter()
                .any(|c| c.interventions == vec![GOTTSUNDA_INTERVENTION.to_string()])
        );
    }

    #[test]
    fn the_calendar_of_2020_2023() {
        let c = calendar();
        let first = c.first().unwrap();
        assert_eq!(
            (first.deadline, first.kind),
            (date(2020, 1, 31), CalendarKind::PlanToKsau)
        );
        let last = c.last().unwrap();
        assert_eq!(last.deadline, date(2023, 12, 31));
        assert_eq!(
            c.iter()
                .filter(|e| e.kind == CalendarKind::CompilationToSteeringGroup)
                .count(),
            4
        );
        assert!(
            c.iter()
                .any(|e| e.kind == CalendarKind::FinalFollowUp && e.deadline == date(2023, 12, 31))
        );
        assert!(
            c.iter()
                .any(|e| e.kind == CalendarKind::Lagesbild && e.deadline == date(2023, 7, 1))
        );
    }
}

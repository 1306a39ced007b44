//! `/samverkan/overenskommelse`: the agreement's form, to change the current one or register the one that replaces it.

use super::*;
use trygg_domain::partnership::Attachment;

pub(super) const PARTY_KINDS: [(PartyKind, &str); 3] = [
    (PartyKind::Kommun, "kommun"),
    (PartyKind::Lokalpolisomrade, "lokalpolisomrade"),
    (PartyKind::Other, "other"),
];

pub(super) fn party_kind_label(l: Lang, k: PartyKind) -> &'static str {
    match k {
        PartyKind::Kommun => l.t("Kommun", "Municipality"),
        PartyKind::Lokalpolisomrade => l.t("Lokalpolisområde", "Local police area"),
        PartyKind::Other => l.t("Annan part", "Other party"),
    }
}

/// The form's values for an agreement.
pub(super) fn agreement_values(a: &Agreement) -> Fields {
    let mut v = Fields(Vec::new());
    v.push("title", &a.title);
    v.push("case_number", a.case_number.clone().unwrap_or_default());
    v.push("from_year", a.from_year.to_string());
    v.push("to_year", a.to_year.to_string());
    v.push(
        "decided",
        a.decided.map(|d| d.to_string()).unwrap_or_default(),
    );
    v.push("purpose", &a.purpose);
    v.push("undertakings", a.undertakings.join("\n"));
    v.push("economy", a.economy.clone().unwrap_or_default());
    for (k, p) in a.parties.iter().enumerate() {
        v.push(format!("party_name_{k}"), &p.name);
        let kind = PARTY_KINDS.iter().find(|(x, _)| *x == p.kind);
        v.push(format!("party_kind_{k}"), kind.map_or("other", |(_, s)| *s));
    }
    for (k, s) in a.signatories.iter().enumerate() {
        v.push(format!("signatory_name_{k}"), &s.name);
        v.push(format!("signatory_title_{k}"), &s.title);
        v.push(format!("signatory_party_{k}"), &s.party);
    }
    for (k, c) in a.coordinators.iter().enumerate() {
        v.push(format!("coordinator_role_{k}"), &c.role);
        v.push(format!("coordinator_party_{k}"), &c.party);
        v.push(
            format!("coordinator_name_{k}"),
            c.name.clone().unwrap_or_default(),
        );
    }
    for (k, e) in a.earlier.iter().enumerate() {
        v.push(format!("earlier_label_{k}"), &e.label);
        v.push(format!("earlier_from_{k}"), e.from_year.to_string());
        v.push(format!("earlier_to_{k}"), e.to_year.to_string());
        v.push(
            format!("earlier_note_{k}"),
            e.note.clone().unwrap_or_default(),
        );
    }
    for (k, d) in a.attachments.iter().enumerate() {
        v.push(format!("attachment_title_{k}"), &d.title);
        v.push(
            format!("attachment_url_{k}"),
            d.url.as_deref().unwrap_or_default(),
        );
    }
    v
}

pub(super) fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub(super) fn year(l: Lang, v: &Fields, name: &str, what: &str) -> Result<i16, String> {
    v.get(name).trim().parse::<i16>().map_err(|_| {
        format!(
            "{} {what} {}",
            l.t("Ange", "Give"),
            l.t("som ett årtal (ÅÅÅÅ).", "as a year (YYYY).")
        )
    })
}

/// The agreement the form describes; empty rows are left out. The domain's rules are checked
/// when it is stored.
pub(super) fn parse_agreement(l: Lang, v: &Fields) -> Result<Agreement, String> {
    let from_year = year(
        l,
        v,
        "from_year",
        l.t("periodens första år", "the first year"),
    )?;
    let to_year = year(l, v, "to_year", l.t("periodens sista år", "the last year"))?;
    let decided = match v.get("decided").trim() {
        "" => None,
        d => Some(d.parse::<Date>().map_err(|_| {
            l.t(
                "Ange beslutsdatumet som ÅÅÅÅ-MM-DD.",
                "Give the decision date as YYYY-MM-DD.",
            )
            .to_string()
        })?),
    };
    let mut parties = Vec::new();
    for k in 0..v.rows("party_name_") {
        let Some(name) = opt(v.get(&format!("party_name_{k}"))) else {
            continue;
        };
        let kind = v.get(&format!("party_kind_{k}"));
        let Some((kind, _)) = PARTY_KINDS.iter().find(|(_, s)| *s == kind) else {
            return Err(format!(
                "{} {name}.",
                l.t(
                    "Välj vilken sorts part som är",
                    "Choose what kind of party is"
                )
            ));
        };
        parties.push(Party { name, kind: *kind });
    }
    let mut signatories = Vec::new();
    for k in 0..v.rows("signatory_name_") {
        let Some(name) = opt(v.get(&format!("signatory_name_{k}"))) else {
            continue;
        };
        signatories.push(Signatory {
            name,
            title: v.get(&format!("signatory_title_{k}")).trim().to_string(),
            party: v.get(&format!("signatory_party_{k}")).trim().to_string(),
        });
    }
    let mut coordinators = Vec::new();
    for k in 0..v.rows("coordinator_role_") {
        let role = v.get(&format!("coordinator_role_{k}")).trim();
        let party = v.get(&format!("coordinator_party_{k}")).trim();
        if role.is_empty() && party.is_empty() {
            continue;
        }
        coordinators.push(Coordinator {
            role: role.to_string(),
            party: party.to_string(),
            name: opt(v.get(&format!("coordinator_name_{k}"))),
        });
    }
    let mut earlier = Vec::new();
    for k in 0..v.rows("earlier_label_") {
        let Some(label) = opt(v.get(&format!("earlier_label_{k}"))) else {
            continue;
        };
        let what = format!("{} \"{label}\"", l.t("åren för", "the years of"));
        earlier.push(EarlierAgreement {
            from_year: year(l, v, &format!("earlier_from_{k}"), &what)?,
            to_year: year(l, v, &format!("earlier_to_{k}"), &what)?,
            note: opt(v.get(&format!("earlier_note_{k}"))),
            label,
        });
    }
    let mut attachments = Vec::new();
    for k in 0..v.rows("attachment_title_") {
        let title = v.get(&format!("attachment_title_{k}")).trim();
        let url = v.get(&format!("attachment_url_{k}")).trim();
        if title.is_empty() && url.is_empty() {
            continue;
        }
        if title.is_empty() {
            return Err(l
                .t(
                    "Ge varje bilaga en titel.",
                    "Give every attachment a title.",
                )
                .into());
        }
        if !(url.is_empty() || trygg_domain::text::is_safe_url(url)) || url.contains(' ') {
            return Err(format!(
                "{} \"{title}\".",
                l.t(
                    "Ange en adress som börjar med https://, http:// eller mailto: för bilagan",
                    "Give an address starting with https://, http:// or mailto: for the attachment"
                )
            ));
        }
        attachments.push(Attachment::new(title, Some(url)));
    }
    Ok(Agreement {
        title: v.get("title").trim().to_string(),
        case_number: opt(v.get("case_number")),
        parties,
        from_year,
        to_year,
        decided,
        signatories,
        purpose: v.get("purpose").trim().to_string(),
        undertakings: lines(v.get("undertakings")),
        earlier,
        attachments,
        coordinators,
        economy: opt(v.get("economy")),
    })
}

/// The agreement form: `version` 0 registers a new agreement, else it changes the current one.
pub(super) fn agreement_page(
    me: &SignedIn,
    version: i64,
    v: &Fields,
    notice: Option<(&str, String)>,
) -> Markup {
    let l = me.ctx.lang;
    let rows = |prefix: &str, extra: usize| v.rows(prefix) + extra;
    let title = if version == 0 {
        l.t(
            "Registrera en ny överenskommelse",
            "Register a new agreement",
        )
    } else {
        l.t("Ändra överenskommelsen", "Change the agreement")
    };
    let body = html! {
        @if version == 0 {
            p.hint { (l.t(
                "Den nya överenskommelsen ersätter den nuvarande, som förs in bland de tidigare överenskommelserna. Den får börja tidigast det år den nuvarande slutar.",
                "The new agreement replaces the current one, which joins the earlier agreements. It may start at the earliest in the year the current one ends.",
            )) }
        }
        form.grid.record-edit method="post" action="/samverkan/overenskommelse" {
            (me.ctx.csrf_field())
            input type="hidden" name="version" value=(version);
            label { (l.t("Titel", "Title")) input type="text" name="title" required maxlength="300" value=(v.get("title")); }
            div.row {
                label { (l.t("Diarienummer", "Case number")) input type="text" name="case_number" maxlength="100" value=(v.get("case_number")); }
                label { (l.t("Från år", "From year")) input type="number" name="from_year" min="2000" max="2100" required value=(v.get("from_year")); }
                label { (l.t("Till och med år", "To year (inclusive)")) input type="number" name="to_year" min="2000" max="2100" required value=(v.get("to_year")); }
                label { (l.t("Beslutad", "Decided")) input type="date" name="decided" value=(v.get("decided")); }
            }
            fieldset {
                legend { (l.t("Parter (minst en kommun och ett lokalpolisområde)", "Parties (at least a municipality and a local police area)")) }
                @for k in 0..rows("party_name_", 1).max(2) {
                    div.row {
                        label { (l.t("Namn", "Name")) input type="text" name={ "party_name_" (k) } value=(v.get(&format!("party_name_{k}"))); }
                        label { (l.t("Sort", "Kind"))
                            select name={ "party_kind_" (k) } {
                                @for (kind, s) in PARTY_KINDS {
                                    option value=(s) selected[v.get(&format!("party_kind_{k}")) == s] { (party_kind_label(l, kind)) }
                                }
                            }
                        }
                    }
                }
            }
            label { (l.t("Syfte", "Purpose")) textarea name="purpose" rows="4" required { (v.get("purpose")) } }
            label { (l.t("Parterna åtar sig att (en punkt per rad)", "The parties undertake to (one item per line)")) textarea name="undertakings" rows="4" { (v.get("undertakings")) } }
            fieldset {
                legend { (l.t("Undertecknas av", "Signed by")) }
                @for k in 0..rows("signatory_name_", 1).max(2) {
                    div.row {
                        label { (l.t("Namn", "Name")) input type="text" name={ "signatory_name_" (k) } value=(v.get(&format!("signatory_name_{k}"))); }
                        label { (l.t("Titel", "Title")) input type="text" name={ "signatory_title_" (k) } value=(v.get(&format!("signatory_title_{k}"))); }
                        label { (l.t("Part", "Party")) input type="text" name={ "signatory_party_" (k) } value=(v.get(&format!("signatory_party_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Samordnare (en per part)", "Coordinators (one per party)")) }
                @for k in 0..rows("coordinator_role_", 0).max(2) {
                    div.row {
                        label { (l.t("Roll", "Role")) input type="text" name={ "coordinator_role_" (k) } value=(v.get(&format!("coordinator_role_{k}"))); }
                        label { (l.t("Part", "Party")) input type="text" name={ "coordinator_party_" (k) } value=(v.get(&format!("coordinator_party_{k}"))); }
                        label { (l.t("Namn (frivilligt)", "Name (optional)")) input type="text" name={ "coordinator_name_" (k) } value=(v.get(&format!("coordinator_name_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Tidigare överenskommelser", "Earlier agreements")) }
                @for k in 0..rows("earlier_label_", 1) {
                    div.row {
                        label { (l.t("Vad", "What")) input type="text" name={ "earlier_label_" (k) } value=(v.get(&format!("earlier_label_{k}"))); }
                        label { (l.t("Från år", "From year")) input type="number" name={ "earlier_from_" (k) } value=(v.get(&format!("earlier_from_{k}"))); }
                        label { (l.t("Till år", "To year")) input type="number" name={ "earlier_to_" (k) } value=(v.get(&format!("earlier_to_{k}"))); }
                        label { (l.t("Anteckning", "Note")) input type="text" name={ "earlier_note_" (k) } value=(v.get(&format!("earlier_note_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Bilagor", "Attached documents")) }
                @for k in 0..rows("attachment_title_", 1) {
                    div.row {
                        label { (l.t("Titel", "Title")) input type="text" name={ "attachment_title_" (k) } value=(v.get(&format!("attachment_title_{k}"))); }
                        label { (l.t("Webbadress (frivillig)", "Address (optional)")) input type="url" name={ "attachment_url_" (k) } value=(v.get(&format!("attachment_url_{k}"))); }
                    }
                }
            }
            label { (l.t("Ekonomi", "Costs")) textarea name="economy" rows="2" { (v.get("economy")) } }
            button.primary type="submit" { (l.t("Spara överenskommelsen", "Save the agreement")) }
        }
    };
    page(me, title, notice, body)
}

/// `GET /samverkan/overenskommelse`: the form to change the current agreement (or to register
/// the first one).
pub(super) async fn edit_agreement(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::WritePartnership)?;
    let l = me.ctx.lang;
    Ok(
        match cases::current_agreement(&state, &me.user)
            .await
            .map_err(store_err(l))?
        {
            Some(a) => agreement_page(&me, a.meta.version, &agreement_values(&a.data), None),
            None => agreement_page(&me, 0, &Fields(Vec::new()), None),
        },
    )
}

/// `GET /samverkan/overenskommelse/ny`: the form for a new agreement that replaces the current
/// one: parties and coordinators carried over, the next period, the current agreement among
/// the earlier ones.
pub(super) async fn new_agreement(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::WritePartnership)?;
    let l = me.ctx.lang;
    let current = cases::current_agreement(&state, &me.user)
        .await
        .map_err(store_err(l))?;
    let values = match current {
        None => Fields(Vec::new()),
        Some(c) => {
            let old = c.data;
            let length = old.to_year - old.from_year;
            let mut earlier = old.earlier.clone();
            earlier.push(partnership::as_earlier(&old));
            agreement_values(&Agreement {
                title: String::new(),
                case_number: None,
                from_year: old.to_year + 1,
                to_year: old.to_year + 1 + length,
                decided: None,
                signatories: Vec::new(),
                purpose: String::new(),
                undertakings: Vec::new(),
                earlier,
                attachments: Vec::new(),
                economy: old.economy.clone(),
                ..old
            })
        }
    };
    Ok(agreement_page(&me, 0, &values, None))
}

/// `POST /samverkan/overenskommelse`: registers a new agreement (`version` 0, see
/// `partnership::create_agreement`) or changes the current one at `version`.
pub(super) async fn save_agreement(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let v = Fields(f);
    let l = me.ctx.lang;
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let again = |msg: String| refused(agreement_page(&me, version, &v, Some(("error", msg))));
    let a = match parse_agreement(l, &v) {
        Ok(a) => a,
        Err(msg) => return Ok(again(msg)),
    };
    may_write(&state, &me, Some(&a)).await?;
    match cases::put_agreement(&state, &me.user, version, &a).await {
        Ok(_) => Ok(Redirect::to(&saved("/samverkan", Saved::Any)).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(again(msg)),
            None => Err(PageError::from_app(l, e)),
        },
    }
}

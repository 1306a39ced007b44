//! Citizens' tips (`/tipsa`) and their moderation (`/tips`).
//!
//! [`submit`] takes a tip from anyone, without signing in. Before anything is stored it refuses,
//! with a sentence in Swedish and English ([`Refusal`]): a form filled by a machine (the
//! honeypot field has a value, or the signed render time [`stamp`] is missing, forged, older
//! than [`STAMP_MAX_AGE`] or younger than [`TipLimits::min_fill`]), too many tips from one
//! client address ([`TipLimits`]; counted in the store's sign-in-failure table under a hash of
//! the address, so every server counts the same), and what the domain refuses (a personal
//! number, an e-mail address or a phone number in the text, a position off land) together with
//! a position outside the kommun (its kommun areas, else the union of its districts; with
//! neither, the land check alone) and a time in the future. A refused tip stores nothing.
//!
//! A tip is a record of kind `tip` owned by the first organisation of kind kommun, written by
//! the system actor `tipsa`. Coordinators and administrators ([`Permission::ModerateTips`])
//! see the queue ([`queue`]) with each tip's possible duplicates within [`DUPLICATE_METRES`],
//! and [`accept`] (an incident of channel `tips` through `Ingest`; a safe place is *noted*
//! and never becomes one), [`merge`] (linked to a duplicate, no second incident) or [`reject`]
//! it with a reason. A decision on a tip with an e-mail address sets `notify_pending`, the
//! outbox of issue #13, which sends it.

use std::net::IpAddr;
use std::sync::OnceLock;

use jiff::{SignedDuration, Timestamp, civil, tz::TimeZone};
use trygg_domain::tip::{Contact, Duplicate, Tip, TipCategory, TipStatus, find_contact};
use trygg_domain::{
    Actor, AreaKind, Channel, ErrorCode, IncidentFilter, IncidentId, NewIncident, OrgKind,
    OrganisationId, Permission, Position, Precision, Refusal, ValidationError, Visibility,
    cycle::Record,
};
use trygg_geo::Sweref99Tm;
use trygg_store::records::{self, Stored};

use crate::credentials::{generate_token, hash_token, hmac_hex};
use crate::{App, AppError, Principal};

/// Tips closer than this are offered as duplicates of each other or of an incident.
pub const DUPLICATE_METRES: f64 = 50.0;
/// A form older than this is refused (send it again: the page is new).
pub const STAMP_MAX_AGE: SignedDuration = SignedDuration::from_hours(12);
/// The system actor tips are written by.
pub const ACTOR: &str = "tipsa";

/// The per-client limit and the time check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TipLimits {
    /// Tips from one client address within `window`.
    pub per_client: u32,
    /// The window they are counted in.
    pub window: SignedDuration,
    /// A form sent sooner than this after it was shown is a machine's.
    pub min_fill: SignedDuration,
}

impl Default for TipLimits {
    fn default() -> Self {
        Self {
            per_client: 5,
            window: SignedDuration::from_mins(10),
            min_fill: SignedDuration::from_secs(3),
        }
    }
}

/// The form as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TipInput {
    /// A [`TipCategory`]'s stable text.
    pub category: String,
    /// Latitude and longitude, if a place was picked.
    pub position: Option<(f64, f64)>,
    /// The place's name or address.
    pub place: String,
    /// The local date (`2026-12-01`).
    pub date: String,
    /// The local time (`18:30`), or empty.
    pub time: String,
    /// What happened.
    pub description: String,
    /// An address for the decision, or empty.
    pub email: String,
    /// The honeypot field: people never see it, so it stays empty.
    pub honeypot: String,
    /// The signed render time from [`stamp`].
    pub stamp: String,
}

/// A stored tip: what the receipt shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The reference number (`T-2026-000123`).
    pub reference: String,
    /// Whether an e-mail address was given.
    pub wants_reply: bool,
}

fn refusal(sv: &str, en: &str) -> Refusal {
    Refusal {
        sv: sv.into(),
        en: en.into(),
    }
}

fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let hex = generate_token();
        let mut k = [0u8; 32];
        for (i, b) in k.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
        }
        k
    })
}

/// The form's render time, signed with this process's key: `<unix seconds>.<hmac>`. (A form
/// shown by one server and sent to another, or across a restart, is refused as expired; the
/// citizen sends it again.)
pub fn stamp(now: Timestamp) -> String {
    let secs = now.as_second();
    format!("{secs}.{}", hmac_hex(key(), secs.to_string().as_bytes()))
}

fn automated() -> Refusal {
    refusal(
        "Formuläret skickades för snabbt eller var ändrat, så det ser ut att vara ifyllt av en maskin. Vänta några sekunder och skicka igen.",
        "The form was sent too fast or was altered, so it looks filled in by a machine. Wait a few seconds and send it again.",
    )
}

/// Checks the honeypot and the render time.
fn check_human(input: &TipInput, now: Timestamp, limits: &TipLimits) -> Result<(), Refusal> {
    if !input.honeypot.trim().is_empty() {
        return Err(automated());
    }
    let shown = input
        .stamp
        .split_once('.')
        .filter(|(secs, sig)| hmac_hex(key(), secs.as_bytes()) == *sig)
        .and_then(|(secs, _)| secs.parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or_else(automated)?;
    let age = now.duration_since(shown);
    if age > STAMP_MAX_AGE {
        return Err(refusal(
            "Sidan har varit öppen för länge. Ladda om den och skicka igen.",
            "The page has been open too long. Reload it and send again.",
        ));
    }
    if age < limits.min_fill {
        return Err(automated());
    }
    Ok(())
}

fn client_key(from: Option<IpAddr>) -> String {
    let address = from.map_or_else(|| "unknown".to_string(), |a| a.to_string());
    format!("tip:{}", hash_token(&address))
}

async fn check_rate(app: &App, key: &str, limits: &TipLimits) -> Result<(), AppError> {
    let now = app.now();
    let (n, oldest) = app.store.sign_in_failures(key, now - limits.window).await?;
    if n < limits.per_client {
        return Ok(());
    }
    let until = oldest.unwrap_or(now) + limits.window;
    let minutes = until
        .duration_since(now)
        .unsigned_abs()
        .as_secs()
        .max(1)
        .div_ceil(60);
    Err(AppError::Forbidden(Refusal {
        sv: format!(
            "Du har skickat många tips på kort tid. Vänta {minutes} minuter och skicka igen."
        ),
        en: format!(
            "You have sent many tips in a short time. Wait {minutes} minutes and send again."
        ),
    }))
}

/// Takes a citizen's tip from `from` (the client's address). `Ok(Err(_))` is a refusal for the
/// citizen; nothing was stored.
pub async fn submit(
    app: &App,
    input: &TipInput,
    from: Option<IpAddr>,
    limits: &TipLimits,
) -> Result<Result<Receipt, Refusal>, AppError> {
    let now = app.now();
    if let Err(r) = check_human(input, now, limits) {
        return Ok(Err(r));
    }
    let key = client_key(from);
    match check_rate(app, &key, limits).await {
        Err(AppError::Forbidden(r)) => return Ok(Err(r)),
        other => other?,
    }
    let tip = match build(app, input, now).await? {
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    let owner = owner(app).await?;
    let stored = match records::create(app.store.as_ref(), &Actor::system(ACTOR), owner, &tip).await
    {
        Ok(s) => s,
        Err(trygg_store::StoreError::Invalid(e)) => return Ok(Err(explain(&e))),
        Err(e) => return Err(e.into()),
    };
    app.store
        .record_sign_in_failure(&[key], now, now - limits.window)
        .await?;
    Ok(Ok(Receipt {
        reference: reference(app, &stored),
        wants_reply: tip.email.is_some(),
    }))
}

/// The reference number of a stored tip.
pub fn reference(app: &App, tip: &Stored<Tip>) -> String {
    let year = tip.data.submitted_at.to_zoned(app.tz.clone()).year();
    Tip::reference(year, tip.meta.id)
}

/// The organisation that owns tips: the first of kind kommun.
async fn owner(app: &App) -> Result<OrganisationId, AppError> {
    app.store
        .list_organisations()
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Kommun)
        .map(|o| o.id)
        .min()
        .ok_or_else(|| {
            AppError::Internal("tips need an organisation of kind kommun; none exists".into())
        })
}

/// The tip the form describes, or why not.
async fn build(
    app: &App,
    input: &TipInput,
    now: Timestamp,
) -> Result<Result<Tip, Refusal>, AppError> {
    let Some(category) = TipCategory::parse(input.category.trim()) else {
        return Ok(Err(refusal(
            "Välj vad tipset gäller.",
            "Choose what the tip is about.",
        )));
    };
    let (lat, lon, precision) = match input.position {
        Some((lat, lon)) => (lat, lon, Precision::Exact),
        None => match named_place(app, &input.place).await? {
            Some(p) => (p.lat, p.lon, Precision::Area),
            None => {
                return Ok(Err(refusal(
                    "Välj platsen: klicka på kartan, använd din position eller skriv namnet på ett område i listan.",
                    "Choose the place: click the map, use your position or type the name of an area in the list.",
                )));
            }
        },
    };
    let position = match Position::from_wgs84(lat, lon, precision) {
        Ok(p) => p,
        Err(e) => return Ok(Err(explain(&e))),
    };
    if !inside_kommun(app, &position).await? {
        return Ok(Err(refusal(
            "Platsen ligger utanför kommunen. Tips tas bara emot om platser i kommunen.",
            "The place is outside the municipality. Tips are taken only about places in the municipality.",
        )));
    }
    let (occurred_from, occurred_to) = match when(&input.date, &input.time, &app.tz) {
        Some(w) => w,
        None => {
            return Ok(Err(refusal(
                "Skriv datumet som 2026-12-01 och tiden som 18:30 (tiden får vara tom).",
                "Write the date as 2026-12-01 and the time as 18:30 (the time may be empty).",
            )));
        }
    };
    if occurred_from > now {
        return Ok(Err(refusal(
            "Tiden ligger i framtiden. Skriv när du såg det.",
            "The time is in the future. Write when you saw it.",
        )));
    }
    // Contact details before the domain's validation, so the sentence can say which (it
    // refuses them too); a personal number is left to it, even one that starts like a phone's.
    if let Some(found) = [&input.description, &input.place]
        .into_iter()
        .filter(|t| trygg_domain::text::check("text", t).is_ok())
        .find_map(|t| find_contact(t))
    {
        return Ok(Err(contact_refusal(found)));
    }
    let trimmed = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let tip = Tip {
        category,
        position,
        place: trimmed(&input.place),
        occurred_from,
        occurred_to: occurred_to.min(now),
        description: input.description.trim().to_string(),
        email: trimmed(&input.email),
        submitted_at: now,
        status: TipStatus::New,
        decided_at: None,
        decided_by: None,
        notify_pending: false,
    };
    Ok(tip.validate().map(|()| tip).map_err(|e| explain(&e)))
}

/// The local date and optional time as a window: the moment, or the whole day.
fn when(date: &str, time: &str, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let date: civil::Date = date.trim().parse().ok()?;
    let at = |t: civil::Time| date.to_datetime(t).to_zoned(tz.clone()).ok();
    if time.trim().is_empty() {
        let from = at(civil::Time::midnight())?.timestamp();
        let to = at(civil::time(23, 59, 59, 0))?.timestamp();
        return Some((from, to));
    }
    let t: civil::Time = time.trim().parse().ok()?;
    let moment = at(t)?.timestamp();
    Some((moment, moment))
}

/// Whether `p` lies in the kommun: its kommun areas, else the union of its districts; with
/// neither stored, anywhere on land.
pub(crate) async fn inside_kommun(app: &App, p: &Position) -> Result<bool, AppError> {
    let areas = app.store.list_areas().await?;
    let of = |kind: AreaKind| -> Vec<_> {
        areas
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.id)
            .collect()
    };
    let mut allowed = of(AreaKind::Kommun);
    if allowed.is_empty() {
        allowed = of(AreaKind::District);
    }
    if allowed.is_empty() {
        return Ok(true);
    }
    let here = app.ingest.areas_at(Sweref99Tm { n: p.n, e: p.e });
    Ok(here.iter().any(|a| allowed.contains(a)))
}

/// Contact details in the text, in the citizen's words.
fn contact_refusal(found: Contact) -> Refusal {
    match found {
        Contact::Email => refusal(
            "Texten innehåller en e-postadress. Ta bort den: tipset är anonymt. Vill du ha svar, skriv adressen i fältet för e-post.",
            "The text contains an e-mail address. Remove it: the tip is anonymous. If you want a reply, put the address in the e-mail field.",
        ),
        Contact::Phone => refusal(
            "Texten innehåller ett telefonnummer. Ta bort det: tipset är anonymt och får inte innehålla personuppgifter.",
            "The text contains a phone number. Remove it: the tip is anonymous and must not hold personal data.",
        ),
    }
}

/// A domain refusal in the citizen's words.
fn explain(e: &ValidationError) -> Refusal {
    match (e.code, e.field.as_str()) {
        (ErrorCode::PersonalIdentityNumber, _) => refusal(
            "Texten innehåller ett personnummer. Ta bort det: tipset får inte innehålla personuppgifter.",
            "The text contains a personal identity number. Remove it: the tip must not hold personal data.",
        ),
        (ErrorCode::Missing, _) => refusal("Beskriv vad du såg.", "Describe what you saw."),
        (ErrorCode::TextTooLong, _) => refusal(
            "Texten är för lång. Korta den.",
            "The text is too long. Shorten it.",
        ),
        (ErrorCode::OutsideSweden, _) => refusal(
            "Platsen ligger inte på land i Sverige. Välj platsen igen på kartan.",
            "The place is not on land in Sweden. Choose it again on the map.",
        ),
        (_, "email") => refusal(
            "E-postadressen ser inte ut som en e-postadress. Skriv den som namn@exempel.se eller lämna fältet tomt.",
            "The e-mail address does not look like one. Write it as name@example.se or leave the field empty.",
        ),
        _ => refusal(&e.message, &e.message),
    }
}

/// A tip waiting in the queue, with what it may duplicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// The tip.
    pub tip: Stored<Tip>,
    /// Its reference number.
    pub reference: String,
    /// Tips (other than itself) and incidents within [`DUPLICATE_METRES`], nearest first, with
    /// their distance in metres.
    pub nearby: Vec<(Duplicate, f64)>,
}

fn distance(a: &Position, b: &Position) -> f64 {
    (a.n - b.n).hypot(a.e - b.e)
}

/// Every tip still to be decided, oldest first, with its possible duplicates.
pub async fn queue(app: &App, who: &Principal) -> Result<Vec<Queued>, AppError> {
    who.check(Permission::ModerateTips)?;
    let all = records::list::<Tip>(app.store.as_ref()).await?;
    let mut out = Vec::new();
    for t in all.iter().filter(|t| t.data.is_new()) {
        let mut nearby: Vec<(Duplicate, f64)> = all
            .iter()
            .filter(|o| o.meta.id != t.meta.id)
            .map(|o| {
                (
                    Duplicate::Tip(o.meta.id),
                    distance(&o.data.position, &t.data.position),
                )
            })
            .filter(|(_, d)| *d <= DUPLICATE_METRES)
            .collect();
        nearby.extend(
            incidents_near(app, who, &t.data)
                .await?
                .into_iter()
                .map(|(id, d)| (Duplicate::Incident(id), d)),
        );
        nearby.sort_by(|a, b| a.1.total_cmp(&b.1));
        out.push(Queued {
            reference: reference(app, t),
            tip: t.clone(),
            nearby,
        });
    }
    Ok(out)
}

/// Incidents within [`DUPLICATE_METRES`] of the tip and 30 days of its time.
async fn incidents_near(
    app: &App,
    who: &Principal,
    tip: &Tip,
) -> Result<Vec<(IncidentId, f64)>, AppError> {
    let month = SignedDuration::from_hours(24 * 30);
    let filter = IncidentFilter {
        from: Some(tip.occurred_from - month),
        to: Some(tip.occurred_to + month),
        areas: app.ingest.areas_at(Sweref99Tm {
            n: tip.position.n,
            e: tip.position.e,
        }),
        scope: who.scope(),
        limit: trygg_domain::incident::MAX_PAGE,
        ..IncidentFilter::default()
    };
    Ok(app
        .store
        .list_incidents(&filter)
        .await?
        .items
        .into_iter()
        .filter_map(|i| {
            let p = i.position.filter(|p| p.precision.is_point())?;
            let d = distance(&p, &tip.position);
            (d <= DUPLICATE_METRES).then_some((i.id, d))
        })
        .collect())
}

/// A tip still to be decided, or why not.
async fn undecided(app: &App, id: i64) -> Result<Stored<Tip>, AppError> {
    let t = records::get::<Tip>(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Tip {id} does not exist.")))?;
    if !t.data.is_new() {
        return Err(AppError::Conflict(format!(
            "Tip {id} is already decided ({}).",
            t.data.status.as_str()
        )));
    }
    Ok(t)
}

async fn decide(
    app: &App,
    who: &Principal,
    mut tip: Stored<Tip>,
    status: TipStatus,
) -> Result<Stored<Tip>, AppError> {
    tip.data.status = status;
    tip.data.decided_at = Some(app.now());
    tip.data.decided_by = Some(who.id());
    tip.data.notify_pending = tip.data.email.is_some();
    Ok(records::update(
        app.store.as_ref(),
        &who.actor(),
        tip.meta.id,
        tip.meta.version,
        &tip.data,
    )
    .await?)
}

/// Accepts tip `id`: an incident of channel `tips` through `Ingest` (the tip's category code,
/// position, place, time and description; never its e-mail), or, for a safe place, noted
/// without one.
pub async fn accept(app: &App, who: &Principal, id: i64) -> Result<Stored<Tip>, AppError> {
    who.check(Permission::ModerateTips)?;
    let tip = undecided(app, id).await?;
    let Some(code) = tip.data.category.code() else {
        return decide(app, who, tip, TipStatus::Noted).await;
    };
    let t = &tip.data;
    let incident = NewIncident {
        occurred_from: t.occurred_from,
        occurred_to: Some(t.occurred_to),
        reported_at: Some(t.submitted_at),
        category: code.into(),
        place_type: None,
        position: Some(t.position),
        place: t.place.clone(),
        source_org: tip.meta.organisation_id,
        channel: Channel::Tips,
        external_id: Some(reference(app, &tip)),
        description: Some(t.description.clone()),
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    };
    incident.validate_at(app.now())?;
    let created = app.ingest.create(&who.actor(), incident).await?;
    decide(
        app,
        who,
        tip,
        TipStatus::Accepted {
            incident: created.id,
        },
    )
    .await
}

/// Merges tip `id` with a duplicate within [`DUPLICATE_METRES`]: linked, no incident.
pub async fn merge(
    app: &App,
    who: &Principal,
    id: i64,
    with: Duplicate,
) -> Result<Stored<Tip>, AppError> {
    who.check(Permission::ModerateTips)?;
    let tip = undecided(app, id).await?;
    let there = match with {
        Duplicate::Tip(other) if other != id => records::get::<Tip>(app.store.as_ref(), other)
            .await?
            .map(|o| o.data.position),
        Duplicate::Tip(_) => None,
        Duplicate::Incident(i) => app
            .store
            .get_incident(i, who.scope())
            .await?
            .and_then(|i| i.position),
    }
    .ok_or_else(|| AppError::NotFound("The duplicate does not exist.".into()))?;
    let d = distance(&there, &tip.data.position);
    if d > DUPLICATE_METRES {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Invalid,
            "with",
            format!(
                "The duplicate is {d:.0} m away; only one within {DUPLICATE_METRES:.0} m can be merged (dubbletten ligger för långt bort)."
            ),
        )));
    }
    decide(app, who, tip, TipStatus::Merged { with }).await
}

/// Rejects tip `id` with a reason.
pub async fn reject(
    app: &App,
    who: &Principal,
    id: i64,
    reason: &str,
) -> Result<Stored<Tip>, AppError> {
    who.check(Permission::ModerateTips)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Missing,
            "reason",
            "A rejection needs a reason (skäl saknas): write why.",
        )));
    }
    let tip = undecided(app, id).await?;
    decide(
        app,
        who,
        tip,
        TipStatus::Rejected {
            reason: reason.into(),
        },
    )
    .await
}

/// The ids of the tips decided before `before` (with an e-mail address still on them, when
/// `with_email`): what the retention rules `tips_days` and `tip_email_days` hand the store. A
/// tip not yet decided is kept whatever its age: it waits for a coordinator.
pub async fn decided_before(
    app: &App,
    before: Timestamp,
    with_email: bool,
) -> Result<Vec<i64>, AppError> {
    Ok(records::list::<Tip>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|t| t.data.decided_at.is_some_and(|d| d < before))
        .filter(|t| !with_email || t.data.email.is_some())
        .map(|t| t.meta.id)
        .collect())
}

/// A place a QR link pre-fills: a name and a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefill {
    /// The area's or the walk's name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// The name and a point inside area `id` (its interior point nearest the centre), for
/// `/tipsa?omrade=ID`; `None` for an unknown area. Public: area names and boundaries are no
/// secret.
pub async fn area_prefill(
    app: &App,
    id: trygg_domain::AreaId,
) -> Result<Option<Prefill>, AppError> {
    let areas = app.store.list_areas().await?;
    Ok(areas.into_iter().find(|a| a.id == id).and_then(prefill_of))
}

/// The kommun's and districts' names, for the form's list of places to type.
pub async fn place_names(app: &App) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = app
        .store
        .list_areas()
        .await?
        .into_iter()
        .filter(|a| matches!(a.kind, AreaKind::Kommun | AreaKind::District))
        .map(|a| a.name)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The area named `name` (any but a county, ignoring case) as a place: the keyboard's way to
/// say where without a map or a position, and a QR link's area. The tip's position is then a
/// point inside the area of precision `area`, never point data.
async fn named_place(app: &App, name: &str) -> Result<Option<Prefill>, AppError> {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return Ok(None);
    }
    let areas = app.store.list_areas().await?;
    Ok(areas
        .into_iter()
        .filter(|a| a.kind != AreaKind::County)
        .find(|a| a.name.to_lowercase() == name)
        .and_then(prefill_of))
}

fn prefill_of(area: trygg_domain::Area) -> Option<Prefill> {
    let p = trygg_geo::MultiPolygon::from_geojson_wgs84(&area.geometry)
        .ok()?
        .interior_point()?;
    let w = trygg_geo::sweref99tm_to_wgs84(Sweref99Tm { n: p[1], e: p[0] });
    Some(Prefill {
        name: area.name,
        lat: w.lat,
        lon: w.lon,
    })
}

//! Safety walks (*trygghetsvandringar*): [`plan`] one (area, route, date, invited
//! organisations, the participants by group), [`record_finding`] on the walk (from a phone,
//! perhaps sent later from its offline queue: the phone's own id makes a second send a no-op),
//! [`route_finding`] a finding to its owner as a fix (through [`crate::fixes::create`], the
//! owner from the routing rules), [`publish`] it on the public protocol, write the closing
//! meeting's [`answer`]s, and [`compare`] a later walk with the earlier one on the same route.
//!
//! Reading needs [`Permission::ReadWalks`]; every change [`Permission::ManageWalks`] and the walk
//! to be the principal's organisation's (the refusal names the owner). [`public_protocol`] is
//! read without a principal: only the findings the coordinator published, with their fixes'
//! status and owner, and of their photos only those a coordinator approved ([`public_photos`],
//! served by [`public_photo`]).

use jiff::{Timestamp, civil::Date};
use trygg_domain::fix::{Fix, FixChange, FixPhoto, FixSource, FixStatus};
use trygg_domain::walk::{FindingKind, OwnerAnswer, Participants, SafetyWalk, WalkFinding, near};
use trygg_domain::{
    AreaId, ErrorCode, Permission, Position, Precision, ValidationError, cycle::Record,
};
use trygg_store::records::{self, Stored};

use crate::cycle::{check_owner, visible_to};
use crate::fixes::NewFix;
use crate::{App, AppError, Principal};

/// A walk's plan as a form or the API gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWalk {
    /// Its name.
    pub title: String,
    /// The area it walks in.
    pub area: Option<AreaId>,
    /// The day of the walk.
    pub date: Date,
    /// The day of the first meeting.
    pub first_meeting: Option<Date>,
    /// The route's points, latitude and longitude (WGS84), in walking order.
    pub route: Vec<(f64, f64)>,
    /// The invited organisations.
    pub invited: Vec<String>,
    /// The participants by group.
    pub participants: Vec<Participants>,
    /// The earlier walk on the same route.
    pub earlier: Option<i64>,
}

fn route_positions(route: &[(f64, f64)]) -> Result<Vec<Position>, AppError> {
    route
        .iter()
        .enumerate()
        .map(|(i, (lat, lon))| {
            Position::from_wgs84(*lat, *lon, Precision::Exact).map_err(|mut e| {
                e.field = format!("route[{i}]");
                AppError::Invalid(e)
            })
        })
        .collect()
}

async fn walk_from(
    app: &App,
    who: &Principal,
    new: NewWalk,
    keep: Option<&SafetyWalk>,
) -> Result<SafetyWalk, AppError> {
    if let Some(a) = new.area {
        crate::cycle::check_areas(app, "area", &[a]).await?;
    }
    if let Some(e) = new.earlier {
        let earlier = get_walk(app, who, e).await?;
        if earlier.data.date > new.date {
            return Err(AppError::invalid(
                "earlier",
                format!(
                    "earlier: walk {e} took place on {}, after this one; a later walk names an earlier one.",
                    earlier.data.date
                ),
            ));
        }
    }
    let trimmed: Vec<String> = new
        .invited
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    Ok(SafetyWalk {
        title: new.title.trim().to_string(),
        area: new.area,
        date: new.date,
        first_meeting: new.first_meeting,
        route: route_positions(&new.route)?,
        invited: trimmed,
        participants: new
            .participants
            .into_iter()
            .filter(|p| p.count > 0)
            .collect(),
        earlier: new.earlier,
        closing_meeting: keep.and_then(|w| w.closing_meeting),
        answers: keep.map(|w| w.answers.clone()).unwrap_or_default(),
    })
}

/// Plans a walk, owned by the principal's organisation.
pub async fn plan(
    app: &App,
    who: &Principal,
    new: NewWalk,
) -> Result<Stored<SafetyWalk>, AppError> {
    who.check(Permission::ManageWalks)?;
    let walk = walk_from(app, who, new, None).await?;
    Ok(records::create(app.store.as_ref(), &who.actor(), who.organisation(), &walk).await?)
}

/// Changes walk `id`'s plan (its closing meeting's answers are kept).
pub async fn update_plan(
    app: &App,
    who: &Principal,
    id: i64,
    new: NewWalk,
) -> Result<Stored<SafetyWalk>, AppError> {
    if new.earlier == Some(id) {
        return Err(AppError::invalid(
            "earlier",
            "earlier: a walk cannot check itself; name an earlier walk on the same route.",
        ));
    }
    let w = writable(app, who, id).await?;
    let walk = walk_from(app, who, new, Some(&w.data)).await?;
    Ok(records::update(app.store.as_ref(), &who.actor(), id, w.meta.version, &walk).await?)
}

/// The walks the principal reads, the latest date first.
pub async fn list(app: &App, who: &Principal) -> Result<Vec<Stored<SafetyWalk>>, AppError> {
    who.check(Permission::ReadWalks)?;
    let mut out: Vec<_> = records::list::<SafetyWalk>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|w| visible_to(who, w))
        .collect();
    out.sort_by(|a, b| {
        b.data
            .date
            .cmp(&a.data.date)
            .then(b.meta.id.cmp(&a.meta.id))
    });
    Ok(out)
}

async fn get_walk(app: &App, who: &Principal, id: i64) -> Result<Stored<SafetyWalk>, AppError> {
    who.check(Permission::ReadWalks)?;
    records::get::<SafetyWalk>(app.store.as_ref(), id)
        .await?
        .filter(|w| visible_to(who, w))
        .ok_or_else(|| AppError::NotFound(format!("Safety walk {id} does not exist.")))
}

/// Walk `id` for a change by the principal.
async fn writable(app: &App, who: &Principal, id: i64) -> Result<Stored<SafetyWalk>, AppError> {
    who.check(Permission::ManageWalks)?;
    let w = get_walk(app, who, id).await?;
    check_owner(
        app,
        who,
        Permission::ManageWalks,
        &format!("Safety walk {id}"),
        w.meta.organisation_id,
    )
    .await?;
    Ok(w)
}

/// The findings of walk `walk`, by number.
async fn findings_of(app: &App, walk: i64) -> Result<Vec<Stored<WalkFinding>>, AppError> {
    let mut out: Vec<_> = records::list::<WalkFinding>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| f.data.walk == walk)
        .collect();
    out.sort_by_key(|f| f.data.number);
    Ok(out)
}

/// A walk with its findings and the fixes made of them.
#[derive(Debug, Clone)]
pub struct WalkView {
    /// The walk.
    pub walk: Stored<SafetyWalk>,
    /// Its findings, by number.
    pub findings: Vec<Stored<WalkFinding>>,
    /// The fixes made of its findings (those the principal reads), by finding number.
    pub fixes: Vec<(u32, Stored<Fix>)>,
}

impl WalkView {
    /// The fix of finding `number`, if it was routed.
    pub fn fix(&self, number: u32) -> Option<&Stored<Fix>> {
        self.fixes
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, f)| f)
    }
}

async fn fixes_of(
    app: &App,
    findings: &[Stored<WalkFinding>],
) -> Result<Vec<(u32, Stored<Fix>)>, AppError> {
    let mut out = Vec::new();
    for f in findings {
        if let Some(id) = f.data.fix
            && let Some(fix) = records::get::<Fix>(app.store.as_ref(), id).await?
        {
            out.push((f.data.number, fix));
        }
    }
    Ok(out)
}

/// Walk `id` with its findings and fixes.
pub async fn get(app: &App, who: &Principal, id: i64) -> Result<WalkView, AppError> {
    let walk = get_walk(app, who, id).await?;
    let findings = findings_of(app, id).await?;
    let mut fixes = fixes_of(app, &findings).await?;
    fixes.retain(|(_, f)| visible_to(who, f));
    Ok(WalkView {
        walk,
        findings,
        fixes,
    })
}

/// A finding as the phone sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// Safe or unsafe.
    pub kind: FindingKind,
    /// The taxonomy code (an unsafe place needs one).
    pub category: Option<String>,
    /// Latitude and longitude (WGS84).
    pub position: Option<(f64, f64)>,
    /// The place's name.
    pub place: Option<String>,
    /// What the group saw.
    pub description: String,
    /// The phone's own id for it (a second send of it changes nothing).
    pub client_id: Option<String>,
    /// When the phone recorded it; `None` or later than now: now.
    pub recorded_at: Option<Timestamp>,
    /// A photo's bytes as sent (JPEG, PNG or WebP, at most the configured size).
    pub photo: Option<Vec<u8>>,
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Records a finding on walk `walk`: a position on land and in the kommun, the next number.
/// A finding the phone already sent (the same `client_id`) is answered with the stored one.
pub async fn record_finding(
    app: &App,
    who: &Principal,
    walk: i64,
    new: NewFinding,
) -> Result<Stored<WalkFinding>, AppError> {
    let w = writable(app, who, walk).await?;
    let findings = findings_of(app, walk).await?;
    let client_id = trimmed(new.client_id);
    if let Some(c) = &client_id
        && let Some(same) = findings
            .iter()
            .find(|f| f.data.client_id.as_ref() == Some(c))
    {
        return Ok(same.clone());
    }
    let Some((lat, lon)) = new.position else {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Missing,
            "position",
            "position: mark the place on the map or use the phone's position (plats saknas).",
        )));
    };
    let position = Position::from_wgs84(lat, lon, Precision::Exact)?;
    position.check_on_land()?;
    // A photo that is too large or not an image is refused before anything is stored.
    let photo = match new.photo.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => Some(crate::photos::clean(b, app.fixes.photos.max_bytes)?),
        None => None,
    };
    if !crate::tips::inside_kommun(app, &position).await? {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Invalid,
            "position",
            "position: the place lies outside the kommun (platsen ligger utanför kommunen); mark it where the group stood.",
        )));
    }
    let now = app.now();
    let recorded_at = new.recorded_at.filter(|t| *t <= now).unwrap_or(now);
    let mut finding = WalkFinding {
        walk,
        number: findings.iter().map(|f| f.data.number).max().unwrap_or(0) + 1,
        kind: new.kind,
        category: trimmed(new.category),
        position,
        place: trimmed(new.place),
        description: new.description.trim().to_string(),
        photos: Vec::new(),
        fix: None,
        published: false,
        recorded_at,
        client_id,
    };
    finding.validate()?;
    if let Some((kind, bytes)) = photo {
        let size = bytes.len() as u64;
        let sha256 = crate::photos::save(app, &who.actor(), kind, bytes).await?;
        finding.photos.push(trygg_domain::fix::FixPhoto {
            number: 1,
            sha256,
            kind,
            bytes: size,
            added_at: now,
            from_owner: None,
            approved_for_public: false,
        });
    }
    Ok(records::create(
        app.store.as_ref(),
        &who.actor(),
        w.meta.organisation_id,
        &finding,
    )
    .await?)
}

/// Finding `number` of walk `walk` for a change.
async fn finding_mut(
    app: &App,
    who: &Principal,
    walk: i64,
    number: u32,
) -> Result<(Stored<SafetyWalk>, Stored<WalkFinding>), AppError> {
    let w = writable(app, who, walk).await?;
    let f = findings_of(app, walk)
        .await?
        .into_iter()
        .find(|f| f.data.number == number)
        .ok_or_else(|| AppError::NotFound(format!("Walk {walk} has no finding {number}.")))?;
    Ok((w, f))
}

/// Routes finding `number` of walk `walk`: a fix through [`crate::fixes::create`], whose owner
/// the routing rules choose (none when no rule matches: the fix's page lets the coordinator
/// name one). A safe place is not routed; a finding already routed is refused naming its fix.
pub async fn route_finding(
    app: &App,
    who: &Principal,
    walk: i64,
    number: u32,
) -> Result<Stored<Fix>, AppError> {
    let (w, f) = finding_mut(app, who, walk, number).await?;
    if let Some(fix) = f.data.fix {
        return Err(AppError::Conflict(format!(
            "Finding {number} is already fix {fix} (redan ett åtgärdsärende)."
        )));
    }
    let Some(category) = f
        .data
        .category
        .clone()
        .filter(|_| f.data.kind == FindingKind::Unsafe)
    else {
        return Err(AppError::invalid(
            "kind",
            format!(
                "Finding {number} is a safe place: there is nothing to mend (en trygg plats blir inget åtgärdsärende)."
            ),
        ));
    };
    let fix = crate::fixes::create(
        app,
        who,
        NewFix {
            source: FixSource::Walk {
                walk,
                finding: Some(number),
            },
            category: Some(category),
            position: Some((f.data.position.lat, f.data.position.lon)),
            place: f.data.place.clone(),
            description: format!("{}, punkt {number}: {}", w.data.title, f.data.description)
                .chars()
                .take(trygg_domain::fix::FIX_TEXT_MAX_CHARS)
                .collect(),
            reporter_text: None,
            owner: None,
            due: None,
        },
    )
    .await?;
    let mut data = f.data.clone();
    data.fix = Some(fix.meta.id);
    records::update(
        app.store.as_ref(),
        &who.actor(),
        f.meta.id,
        f.meta.version,
        &data,
    )
    .await?;
    // The finding's photos go with it, through the fixes' own use case.
    let mut fix = fix;
    for p in &f.data.photos {
        let bytes = crate::photos::load(app, &p.sha256, p.kind).await?;
        fix = crate::fixes::add_photo(app, who, fix.meta.id, &bytes).await?;
    }
    Ok(fix)
}

/// Routes every unsafe finding of walk `walk` not routed yet; returns the fixes made.
pub async fn route_all(
    app: &App,
    who: &Principal,
    walk: i64,
) -> Result<Vec<Stored<Fix>>, AppError> {
    writable(app, who, walk).await?;
    let mut out = Vec::new();
    for f in findings_of(app, walk).await? {
        if f.data.fix.is_none() && f.data.kind == FindingKind::Unsafe {
            out.push(route_finding(app, who, walk, f.data.number).await?);
        }
    }
    Ok(out)
}

/// Shows (or hides) finding `number` on the walk's public protocol.
pub async fn publish(
    app: &App,
    who: &Principal,
    walk: i64,
    number: u32,
    published: bool,
) -> Result<Stored<WalkFinding>, AppError> {
    let (_, f) = finding_mut(app, who, walk, number).await?;
    let mut data = f.data.clone();
    data.published = published;
    Ok(records::update(
        app.store.as_ref(),
        &who.actor(),
        f.meta.id,
        f.meta.version,
        &data,
    )
    .await?)
}

/// Adds an owner's answer from the closing meeting, held on `date` (the meeting's day is set
/// by the first answer and may be moved by a later one).
pub async fn answer(
    app: &App,
    who: &Principal,
    walk: i64,
    date: Option<Date>,
    answer: OwnerAnswer,
) -> Result<Stored<SafetyWalk>, AppError> {
    let w = writable(app, who, walk).await?;
    let mut data = w.data.clone();
    data.closing_meeting = date.or(data.closing_meeting).or(Some(app.today()));
    data.answers.push(OwnerAnswer {
        owner: answer.owner.trim().to_string(),
        text: answer.text.trim().to_string(),
    });
    Ok(records::update(
        app.store.as_ref(),
        &who.actor(),
        walk,
        w.meta.version,
        &data,
    )
    .await?)
}

/// One point of the earlier walk, as the later walk found it.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The earlier walk's finding.
    pub earlier: WalkFinding,
    /// Its fix's status, if it was routed.
    pub status: Option<FixStatus>,
    /// The later walk's findings within 25 m, nearest first.
    pub near: Vec<u32>,
}

/// Walk `walk` against the earlier walk it names: each earlier point with its fix's status and
/// what this walk found within 25 m. Empty when it names none.
pub async fn compare(app: &App, who: &Principal, walk: i64) -> Result<Vec<Compared>, AppError> {
    let view = get(app, who, walk).await?;
    let Some(earlier) = view.walk.data.earlier else {
        return Ok(Vec::new());
    };
    let before = get(app, who, earlier).await?;
    let later: Vec<WalkFinding> = view.findings.iter().map(|f| f.data.clone()).collect();
    Ok(before
        .findings
        .iter()
        .map(|f| Compared {
            status: before.fix(f.data.number).map(|x| x.data.status),
            near: near(&f.data, &later),
            earlier: f.data.clone(),
        })
        .collect())
}

/// The latest answer an owner gave on the fix (through a link or a coordinator's hand).
pub fn latest_answer(fix: &Fix) -> Option<(&str, &str)> {
    fix.history.iter().rev().find_map(|e| match &e.change {
        FixChange::Answer { owner, text, .. } => Some((owner.as_str(), text.as_str())),
        _ => None,
    })
}

/// The photos of `finding` that public pages show: those its fix `fix` holds as the same
/// picture (by SHA-256: routing copies them there) and a coordinator approved there
/// (`fixes::approve_photo`, after looking for faces and anyone who could be recognised). A
/// finding not routed has no approval, so none; an approval taken back hides it again.
pub fn public_photos<'a>(finding: &'a WalkFinding, fix: Option<&Fix>) -> Vec<&'a FixPhoto> {
    let Some(fix) = fix else {
        return Vec::new();
    };
    finding
        .photos
        .iter()
        .filter(|p| {
            fix.photos
                .iter()
                .any(|q| q.approved_for_public && q.sha256 == p.sha256)
        })
        .collect()
}

/// One point of the public protocol.
#[derive(Debug, Clone)]
pub struct PublicPoint {
    /// The finding.
    pub finding: WalkFinding,
    /// Its fix's status (`None`: not routed).
    pub status: Option<FixStatus>,
    /// Its fix's lead owner.
    pub owner: Option<String>,
    /// The owner's latest answer on the fix.
    pub answer: Option<String>,
    /// The numbers of its photos a coordinator approved ([`public_photos`]).
    pub photos: Vec<u32>,
}

/// What the public protocol shows.
#[derive(Debug, Clone)]
pub struct PublicProtocol {
    /// The walk.
    pub walk: SafetyWalk,
    /// The area's name.
    pub area: Option<String>,
    /// The published points, by number.
    pub points: Vec<PublicPoint>,
}

/// Walk `id` if it is shared and has a published finding, with its published findings and
/// their fixes: what may be read without signing in. `NotFound` otherwise.
async fn published(
    app: &App,
    id: i64,
) -> Result<(SafetyWalk, Vec<(WalkFinding, Option<Fix>)>), AppError> {
    let gone = || AppError::NotFound(format!("Safety walk {id} has no public protocol."));
    let walk = records::get::<SafetyWalk>(app.store.as_ref(), id)
        .await?
        .filter(|w| w.meta.visibility == trygg_domain::Visibility::Shared)
        .ok_or_else(gone)?;
    let findings: Vec<_> = findings_of(app, id)
        .await?
        .into_iter()
        .filter(|f| f.data.published)
        .collect();
    if findings.is_empty() {
        return Err(gone());
    }
    let mut fixes = fixes_of(app, &findings).await?;
    let points = findings
        .into_iter()
        .map(|f| {
            let fix = fixes
                .iter()
                .position(|(n, _)| *n == f.data.number)
                .map(|i| fixes.swap_remove(i).1.data);
            (f.data, fix)
        })
        .collect();
    Ok((walk.data, points))
}

/// The public protocol of walk `id`: the points its coordinator published, each with its
/// fix's status, owner, the owner's answer and the photos a coordinator approved. Read
/// without signing in; a shared walk with no published point does not exist here.
pub async fn public_protocol(app: &App, id: i64) -> Result<PublicProtocol, AppError> {
    let (walk, points) = published(app, id).await?;
    let area = match walk.area {
        Some(a) => app
            .store
            .list_areas()
            .await?
            .into_iter()
            .find(|x| x.id == a)
            .map(|x| x.name),
        None => None,
    };
    let points = points
        .into_iter()
        .map(|(finding, fix)| PublicPoint {
            status: fix.as_ref().map(|x| x.status),
            owner: fix
                .as_ref()
                .and_then(|x| x.lead())
                .map(|o| o.responsible.name().to_string()),
            answer: fix
                .as_ref()
                .and_then(latest_answer)
                .map(|(_, t)| t.to_string()),
            photos: public_photos(&finding, fix.as_ref())
                .iter()
                .map(|p| p.number)
                .collect(),
            finding,
        })
        .collect();
    Ok(PublicProtocol { walk, area, points })
}

/// Photo `photo` of published point `number` of walk `id`, for everyone — only when a
/// coordinator approved it ([`public_photos`]): its media type and its bytes, stripped of
/// their metadata when they were stored. `NotFound` otherwise, the same for a photo that
/// exists unapproved as for one that does not exist.
pub async fn public_photo(
    app: &App,
    id: i64,
    number: u32,
    photo: u32,
) -> Result<(&'static str, Vec<u8>), AppError> {
    let (_, points) = published(app, id).await?;
    let p = points
        .iter()
        .find(|(f, _)| f.number == number)
        .and_then(|(f, fix)| {
            public_photos(f, fix.as_ref())
                .into_iter()
                .find(|p| p.number == photo)
        })
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "Point {number} of safety walk {id} has no public photo {photo}."
            ))
        })?;
    Ok((
        p.kind.content_type(),
        crate::photos::load(app, &p.sha256, p.kind).await?,
    ))
}

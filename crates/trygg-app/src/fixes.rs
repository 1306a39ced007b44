//! Fixes (*åtgärdsärenden*): [`create`] one from an incident, an accepted tip, a safety walk's
//! finding, an Open311 request or by hand; route it to its owner by the routing rules (area ×
//! category → a unit or an outside party) unless the coordinator names one; change or split its
//! owners ([`set_owners`], [`reroute`]); move its status ([`set_status`]); list it, and the
//! overdue ones ([`overdue`]).
//!
//! Reading needs [`Permission::ReadFixes`] (coordinators, analysts, the styrgrupp and admins;
//! not reporters: a fix carries other parties' words and owners' answers, and a reporter hears
//! back through the EST meeting's feedback). Every change needs [`Permission::ManageFixes`] and
//! the fix, rule or level to be the principal's organisation's; the refusal names the owner.
//! A fix made from an internal incident is internal too.
//!
//! Every change returns the stored fix, whose last history entry says what changed (for the
//! notices of issue #13).

use jiff::{Timestamp, civil::Date};
use serde::Deserialize;
use trygg_domain::fix::{
    Fix, FixChange, FixEvent, FixOwner, FixRoutingRule, FixServiceLevel, FixSource, FixStatus,
    Responsible, due_after, route, service_days,
};
use trygg_domain::tip::{Tip, TipStatus};
use trygg_domain::{
    Actor, AreaId, ErrorCode, Permission, Position, Precision, ValidationError, Visibility,
    cycle::Record,
};
use trygg_geo::Sweref99Tm;
use trygg_store::records::{self, Stored};

use crate::cycle::{check_owner, visible_to};
use crate::{App, AppError, Principal};

/// What a new fix is made from. For an incident or a tip, what is left out comes from it
/// (category, position, place, and its text as the reporter's); otherwise the category, the
/// position and the description are needed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFix {
    /// Where it comes from.
    pub source: FixSource,
    /// A taxonomy code; `None`: the source's.
    #[serde(default)]
    pub category: Option<String>,
    /// Latitude and longitude (WGS84); `None`: the source's.
    #[serde(default)]
    pub position: Option<(f64, f64)>,
    /// The place's name or address; `None`: the source's.
    #[serde(default)]
    pub place: Option<String>,
    /// The coordinator's words for the owner (shown to an outside party).
    pub description: String,
    /// The reporter's or citizen's own words; `None`: the source's. Never shown to outside
    /// parties.
    #[serde(default)]
    pub reporter_text: Option<String>,
    /// The owner; `None`: the routing rules choose.
    #[serde(default)]
    pub owner: Option<Responsible>,
    /// The due date; `None`: the category's service level, if any.
    #[serde(default)]
    pub due: Option<Date>,
}

impl NewFix {
    /// A fix by hand at `(lat, lon)`.
    pub fn manual(category: &str, position: (f64, f64), description: &str) -> Self {
        Self {
            source: FixSource::Manual,
            category: Some(category.into()),
            position: Some(position),
            place: None,
            description: description.into(),
            reporter_text: None,
            owner: None,
            due: None,
        }
    }
}

/// What the source gives a new fix.
struct FromSource {
    category: Option<String>,
    position: Option<Position>,
    place: Option<String>,
    text: Option<String>,
    visibility: Visibility,
}

fn missing(field: &str, message: &str) -> AppError {
    AppError::Invalid(ValidationError::new(ErrorCode::Missing, field, message))
}

async fn from_source(
    app: &App,
    who: &Principal,
    source: &FixSource,
) -> Result<FromSource, AppError> {
    let none = FromSource {
        category: None,
        position: None,
        place: None,
        text: None,
        visibility: Visibility::Shared,
    };
    Ok(match source {
        FixSource::Est { incident } => {
            let i = app
                .store
                .get_incident(*incident, who.scope())
                .await?
                .ok_or_else(|| {
                    AppError::NotFound(format!("Incident {incident} does not exist."))
                })?;
            FromSource {
                category: Some(i.category),
                position: i.position,
                place: i.place,
                text: i.description,
                visibility: i.visibility,
            }
        }
        FixSource::Tip { tip } => {
            let t = records::get::<Tip>(app.store.as_ref(), *tip)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("Tip {tip} does not exist.")))?;
            let code = t.data.category.code();
            match (&t.data.status, code) {
                (TipStatus::Accepted { .. }, Some(code)) => FromSource {
                    category: Some(code.into()),
                    position: Some(t.data.position),
                    place: t.data.place,
                    text: Some(t.data.description),
                    visibility: Visibility::Shared,
                },
                _ => {
                    return Err(AppError::Conflict(format!(
                        "Tip {tip} is {}: only an accepted tip about something to mend becomes a fix (bara ett godkänt tips om något att åtgärda blir ett åtgärdsärende).",
                        t.data.status.as_str()
                    )));
                }
            }
        }
        FixSource::Manual | FixSource::Walk { .. } | FixSource::Open311 { .. } => none,
    })
}

/// The fix already made from the same incident, tip, walk finding or Open311 request.
async fn same_source(app: &App, source: &FixSource) -> Result<Option<i64>, AppError> {
    if matches!(
        source,
        FixSource::Manual | FixSource::Walk { finding: None, .. }
    ) {
        return Ok(None);
    }
    Ok(records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .find(|f| &f.data.source == source)
        .map(|f| f.meta.id))
}

/// Checks that a unit's organisation exists.
async fn check_responsible(app: &App, field: &str, r: &Responsible) -> Result<(), AppError> {
    if let Responsible::Unit { organisation, .. } = r {
        let orgs = app.store.list_organisations().await?;
        if !orgs.iter().any(|o| o.id == *organisation) {
            return Err(AppError::invalid(
                format!("{field}.organisation"),
                format!(
                    "Organisation {organisation} does not exist: pick one of the partnership's, or name an outside party."
                ),
            ));
        }
    }
    Ok(())
}

/// The areas at `p` with their kinds.
async fn areas_at(
    app: &App,
    p: &Position,
) -> Result<Vec<(AreaId, trygg_domain::AreaKind)>, AppError> {
    let ids = app.ingest.areas_at(Sweref99Tm { n: p.n, e: p.e });
    let areas = app.store.list_areas().await?;
    Ok(ids
        .into_iter()
        .filter_map(|id| areas.iter().find(|a| a.id == id).map(|a| (id, a.kind)))
        .collect())
}

/// The owner the rules give a fix of `category` at `areas`, with the rule's id.
async fn routed(
    app: &App,
    category: &str,
    areas: &[(AreaId, trygg_domain::AreaKind)],
) -> Result<Option<(i64, Responsible)>, AppError> {
    let rules: Vec<(i64, FixRoutingRule)> = records::list::<FixRoutingRule>(app.store.as_ref())
        .await?
        .into_iter()
        .map(|r| (r.meta.id, r.data))
        .collect();
    Ok(route(&rules, category, areas).map(|(id, r)| (*id, r.owner.clone())))
}

fn lead(responsible: Responsible) -> FixOwner {
    FixOwner {
        responsible,
        lead: true,
        part: None,
        status: FixStatus::New,
    }
}

fn names(owners: &[FixOwner]) -> Vec<String> {
    let mut out: Vec<&FixOwner> = owners.iter().collect();
    out.sort_by_key(|o| !o.lead);
    out.into_iter()
        .map(|o| o.responsible.name().to_string())
        .collect()
}

/// Makes a fix (needs [`Permission::ManageFixes`]; owned by the principal's organisation).
/// The owner is the one named, else the routing rules'; the due date the one given, else today
/// plus the category's service level. One fix per incident, tip, walk finding or Open311
/// request: a second is refused naming the first.
pub async fn create(app: &App, who: &Principal, new: NewFix) -> Result<Stored<Fix>, AppError> {
    who.check(Permission::ManageFixes)?;
    if let Some(id) = same_source(app, &new.source).await? {
        return Err(AppError::Conflict(format!(
            "Fix {id} is already made from this {} (det finns redan ett åtgärdsärende): open it instead.",
            new.source.kind()
        )));
    }
    let from = from_source(app, who, &new.source).await?;
    let category = new
        .category
        .filter(|c| !c.trim().is_empty())
        .or(from.category)
        .ok_or_else(|| {
            missing(
                "category",
                "category: choose what kind of fix it is (kategori saknas).",
            )
        })?;
    let position = match new.position {
        Some((lat, lon)) => Position::from_wgs84(lat, lon, Precision::Exact)?,
        None => from.position.ok_or_else(|| {
            missing(
                "position",
                "position: choose the place on the map (plats saknas).",
            )
        })?,
    };
    let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let areas = areas_at(app, &position).await?;
    let now = app.now();
    let mut history = vec![FixEvent {
        at: now,
        by: who.actor(),
        change: FixChange::Created,
    }];
    let owners = match new.owner {
        Some(r) => {
            check_responsible(app, "owner", &r).await?;
            vec![lead(r)]
        }
        None => match routed(app, &category, &areas).await? {
            Some((rule, r)) => {
                history.push(FixEvent {
                    at: now,
                    by: who.actor(),
                    change: FixChange::Owners {
                        owners: vec![r.name().to_string()],
                        rule: Some(rule),
                    },
                });
                vec![lead(r)]
            }
            None => Vec::new(),
        },
    };
    let due = match new.due {
        Some(d) => Some(d),
        None => {
            let levels: Vec<FixServiceLevel> = records::list::<FixServiceLevel>(app.store.as_ref())
                .await?
                .into_iter()
                .map(|l| l.data)
                .collect();
            service_days(&levels, &category).and_then(|days| due_after(app.today(), days))
        }
    };
    let fix = Fix {
        category,
        position,
        place: trimmed(new.place).or(from.place),
        description: new.description.trim().to_string(),
        reporter_text: trimmed(new.reporter_text).or(from.text),
        source: new.source,
        areas: areas.into_iter().map(|(id, _)| id).collect(),
        owners,
        status: FixStatus::New,
        reason: None,
        due,
        created_at: now,
        closed_at: None,
        history,
        links: Vec::new(),
        photos: Vec::new(),
        remote: None,
    };
    Ok(records::create_as(
        app.store.as_ref(),
        &who.actor(),
        who.organisation(),
        from.visibility,
        &fix,
    )
    .await?)
}

/// What the list shows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FixQuery {
    /// Only this status.
    pub status: Option<FixStatus>,
    /// Only fixes one of whose owners' names contains this (ignoring case).
    pub owner: Option<String>,
    /// Only open fixes past their due date.
    pub overdue: bool,
    /// Only open fixes.
    pub open: bool,
}

/// The fixes the principal reads that match `q`, newest first (needs
/// [`Permission::ReadFixes`]).
pub async fn list(app: &App, who: &Principal, q: &FixQuery) -> Result<Vec<Stored<Fix>>, AppError> {
    who.check(Permission::ReadFixes)?;
    let today = app.today();
    let owner = q
        .owner
        .as_deref()
        .map(|o| o.trim().to_lowercase())
        .filter(|o| !o.is_empty());
    let mut out: Vec<Stored<Fix>> = records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| visible_to(who, f))
        .filter(|f| q.status.is_none_or(|s| f.data.status == s))
        .filter(|f| !q.open || !f.data.status.is_closed())
        .filter(|f| !q.overdue || f.data.is_overdue(today))
        .filter(|f| {
            owner.as_deref().is_none_or(|o| {
                f.data
                    .owners
                    .iter()
                    .any(|w| w.responsible.name().to_lowercase().contains(o))
            })
        })
        .collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.meta.id));
    Ok(out)
}

/// The open fixes past their due date, the longest overdue first (needs
/// [`Permission::ReadFixes`]).
pub async fn overdue(app: &App, who: &Principal) -> Result<Vec<Stored<Fix>>, AppError> {
    let mut out = list(
        app,
        who,
        &FixQuery {
            overdue: true,
            ..FixQuery::default()
        },
    )
    .await?;
    out.sort_by_key(|f| (f.data.due, f.meta.id));
    Ok(out)
}

/// Fix `id`, if the principal reads it (needs [`Permission::ReadFixes`]).
pub async fn get(app: &App, who: &Principal, id: i64) -> Result<Stored<Fix>, AppError> {
    who.check(Permission::ReadFixes)?;
    records::get::<Fix>(app.store.as_ref(), id)
        .await?
        .filter(|f| visible_to(who, f))
        .ok_or_else(|| AppError::NotFound(format!("Fix {id} does not exist.")))
}

/// Loads fix `id` for a change by the principal, applies `f` and stores it with the version
/// read.
pub(crate) async fn change(
    app: &App,
    who: &Principal,
    id: i64,
    f: impl FnOnce(&mut Fix, Timestamp) -> Result<(), AppError>,
) -> Result<Stored<Fix>, AppError> {
    who.check(Permission::ManageFixes)?;
    let mut fix = get(app, who, id).await?;
    check_owner(
        app,
        who,
        Permission::ManageFixes,
        &format!("Fix {id}"),
        fix.meta.organisation_id,
    )
    .await?;
    let before = fix.data.clone();
    f(&mut fix.data, app.now())?;
    let stored = records::update(
        app.store.as_ref(),
        &who.actor(),
        id,
        fix.meta.version,
        &fix.data,
    )
    .await?;
    crate::notify::log_failure(
        "a fix sent to its owner",
        crate::notify::fix_sent(app, &before, &stored)
            .await
            .map(drop),
    );
    Ok(stored)
}

/// Moves `fix` (or its owner `owner`'s part) to `to`, as `by`, with `reason`. The lead's part
/// moves the whole; the whole moves the lead's part.
pub(crate) fn move_status(
    fix: &mut Fix,
    by: Actor,
    now: Timestamp,
    to: FixStatus,
    reason: &str,
    owner: Option<usize>,
) -> Result<(), AppError> {
    let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
    let from = match owner {
        None => fix.status,
        Some(i) => {
            fix.owners
                .get(i)
                .ok_or_else(|| AppError::invalid("owner", format!("The fix has no owner {i}.")))?
                .status
        }
    };
    if !from.can_move_to(to) {
        let next: Vec<&str> = from.next().into_iter().map(|s| s.label().1).collect();
        let (sv, en) = from.label();
        return Err(AppError::invalid(
            "status",
            format!(
                "A fix that is {en} ({sv}) cannot become {}; it can become: {}.",
                to.label().1,
                next.join(", ")
            ),
        ));
    }
    if from.needs_reason(to) && reason.is_none() {
        return Err(missing(
            "reason",
            "reason: say why (skäl saknas) — a fix that will not be done, or is reopened, needs the reason.",
        ));
    }
    let whole = match owner {
        None => true,
        Some(i) => fix.owners[i].lead,
    };
    let name = owner.map(|i| fix.owners[i].responsible.name().to_string());
    if let Some(i) = owner {
        fix.owners[i].status = to;
    }
    if whole {
        if let Some(l) = fix.owners.iter_mut().find(|o| o.lead) {
            l.status = to;
        }
        fix.status = to;
        fix.closed_at = to.is_closed().then_some(now);
        if reason.is_some() || to.is_closed() || from.is_closed() {
            fix.reason.clone_from(&reason);
        }
    }
    fix.history.push(FixEvent {
        at: now,
        by,
        change: FixChange::Status {
            from,
            to,
            reason,
            owner: name,
        },
    });
    Ok(())
}

/// Moves fix `id` (or the part of its owner number `owner`) to status `to`; *will not be
/// done* and reopening need `reason`.
pub async fn set_status(
    app: &App,
    who: &Principal,
    id: i64,
    to: FixStatus,
    reason: &str,
    owner: Option<usize>,
) -> Result<Stored<Fix>, AppError> {
    let by = who.actor();
    change(app, who, id, |fix, now| {
        move_status(fix, by, now, to, reason, owner)
    })
    .await
}

/// Sets fix `id`'s owners: a coordinator's choice over the rules', or a split among several
/// with exactly one lead. Links of owners no longer among them stop working.
pub async fn set_owners(
    app: &App,
    who: &Principal,
    id: i64,
    owners: Vec<FixOwner>,
) -> Result<Stored<Fix>, AppError> {
    trygg_domain::fix::check_owners(&owners)?;
    for (i, o) in owners.iter().enumerate() {
        check_responsible(app, &format!("owners[{i}].responsible"), &o.responsible).await?;
    }
    let by = who.actor();
    change(app, who, id, |fix, now| {
        replace_owners(fix, by, now, owners, None);
        Ok(())
    })
    .await
}

fn replace_owners(
    fix: &mut Fix,
    by: Actor,
    now: Timestamp,
    owners: Vec<FixOwner>,
    rule: Option<i64>,
) {
    let old = std::mem::take(&mut fix.owners);
    let mut links = Vec::new();
    for mut l in std::mem::take(&mut fix.links) {
        let was = &old[l.owner].responsible;
        match owners.iter().position(|o| &o.responsible == was) {
            Some(i) => {
                l.owner = i;
                links.push(l);
            }
            None if l.is_live(now) => fix.history.push(FixEvent {
                at: now,
                by: by.clone(),
                change: FixChange::LinkRevoked {
                    owner: was.name().to_string(),
                },
            }),
            None => {}
        }
    }
    fix.history.push(FixEvent {
        at: now,
        by,
        change: FixChange::Owners {
            owners: names(&owners),
            rule,
        },
    });
    fix.owners = owners;
    fix.links = links;
}

/// Routes fix `id` again by the rules as they are now: the rule's owner becomes the only one
/// (for a fix made before its rule, or after the rules changed). Refused when no rule matches.
pub async fn reroute(app: &App, who: &Principal, id: i64) -> Result<Stored<Fix>, AppError> {
    let fix = get(app, who, id).await?;
    let areas = areas_at(app, &fix.data.position).await?;
    let Some((rule, r)) = routed(app, &fix.data.category, &areas).await? else {
        return Err(AppError::invalid(
            "owners",
            "No routing rule matches this fix's area and category (ingen regel passar): add one at /atgarder/regler or choose the owner.",
        ));
    };
    let by = who.actor();
    change(app, who, id, |fix, now| {
        replace_owners(fix, by, now, vec![lead(r)], Some(rule));
        Ok(())
    })
    .await
}

/// Sets or clears fix `id`'s due date.
pub async fn set_due(
    app: &App,
    who: &Principal,
    id: i64,
    due: Option<Date>,
) -> Result<Stored<Fix>, AppError> {
    let by = who.actor();
    change(app, who, id, |fix, now| {
        fix.due = due;
        fix.history.push(FixEvent {
            at: now,
            by,
            change: FixChange::Due { due },
        });
        Ok(())
    })
    .await
}

/// The routing rules (needs [`Permission::ReadFixes`]).
pub async fn rules(app: &App, who: &Principal) -> Result<Vec<Stored<FixRoutingRule>>, AppError> {
    who.check(Permission::ReadFixes)?;
    Ok(records::list::<FixRoutingRule>(app.store.as_ref()).await?)
}

/// Adds a routing rule, owned by the principal's organisation.
pub async fn add_rule(
    app: &App,
    who: &Principal,
    rule: FixRoutingRule,
) -> Result<Stored<FixRoutingRule>, AppError> {
    who.check(Permission::ManageFixes)?;
    check_responsible(app, "owner", &rule.owner).await?;
    if let Some(a) = rule.area {
        crate::cycle::check_areas(app, "area", &[a]).await?;
    }
    rule.validate()?;
    let same = records::list::<FixRoutingRule>(app.store.as_ref())
        .await?
        .into_iter()
        .find(|r| r.data.area == rule.area && r.data.category == rule.category);
    if let Some(r) = same {
        return Err(AppError::Conflict(format!(
            "Rule {} already routes this area and category to {} (det finns redan en regel): remove it first.",
            r.meta.id,
            r.data.owner.name()
        )));
    }
    Ok(records::create(app.store.as_ref(), &who.actor(), who.organisation(), &rule).await?)
}

/// Removes routing rule `id` (its organisation's people only).
pub async fn remove_rule(app: &App, who: &Principal, id: i64) -> Result<(), AppError> {
    who.check(Permission::ManageFixes)?;
    let rule = records::get::<FixRoutingRule>(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Routing rule {id} does not exist.")))?;
    check_owner(
        app,
        who,
        Permission::ManageFixes,
        &format!("Routing rule {id}"),
        rule.meta.organisation_id,
    )
    .await?;
    Ok(records::delete::<FixRoutingRule>(app.store.as_ref(), &who.actor(), id).await?)
}

/// The service levels (needs [`Permission::ReadFixes`]).
pub async fn levels(app: &App, who: &Principal) -> Result<Vec<Stored<FixServiceLevel>>, AppError> {
    who.check(Permission::ReadFixes)?;
    Ok(records::list::<FixServiceLevel>(app.store.as_ref()).await?)
}

/// Sets the service level of `category` to `days` (`None`: removes it). A level set by
/// another organisation is theirs to change.
pub async fn set_level(
    app: &App,
    who: &Principal,
    category: &str,
    days: Option<u32>,
) -> Result<Option<Stored<FixServiceLevel>>, AppError> {
    who.check(Permission::ManageFixes)?;
    let category = category.trim();
    let level = FixServiceLevel {
        category: category.into(),
        days: days.unwrap_or(1),
    };
    level.validate()?;
    let existing = records::list::<FixServiceLevel>(app.store.as_ref())
        .await?
        .into_iter()
        .find(|l| l.data.category == category);
    if let Some(e) = &existing {
        check_owner(
            app,
            who,
            Permission::ManageFixes,
            &format!("The service level of {category}"),
            e.meta.organisation_id,
        )
        .await?;
    }
    let store = app.store.as_ref();
    Ok(match (existing, days) {
        (None, None) => None,
        (Some(e), None) => {
            records::delete::<FixServiceLevel>(store, &who.actor(), e.meta.id).await?;
            None
        }
        (None, Some(_)) => {
            Some(records::create(store, &who.actor(), who.organisation(), &level).await?)
        }
        (Some(e), Some(_)) => {
            Some(records::update(store, &who.actor(), e.meta.id, e.meta.version, &level).await?)
        }
    })
}

/// Who made a history entry, for the fix's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// A user of the partnership, by name.
    User(String),
    /// An outside party's link: its number and the owner it answers for.
    Link {
        /// The link's number within the fix.
        number: u32,
        /// The owner's name.
        owner: String,
    },
    /// A part of the system.
    System(String),
}

/// The audit actor of an outside party's link `number` of fix `fix`: it names the link, not a
/// person.
pub fn link_actor(fix: i64, number: u32) -> Actor {
    Actor::system(format!("{LINK_ACTOR}:{fix}:{number}"))
}

/// The prefix of a link's audit actor.
pub const LINK_ACTOR: &str = "atgardslank";

/// Who made each of the fix's history entries, in order.
pub async fn history_by(app: &App, fix: &Fix) -> Result<Vec<By>, AppError> {
    let users = app.store.list_users().await?;
    Ok(fix
        .history
        .iter()
        .map(|e| match &e.by {
            Actor::User { id } => By::User(
                users
                    .iter()
                    .find(|u| u.id == *id)
                    .map_or_else(|| format!("{id}"), |u| u.display_name.clone()),
            ),
            Actor::System { name } => {
                let number = name
                    .strip_prefix(LINK_ACTOR)
                    .and_then(|rest| rest.rsplit(':').next())
                    .and_then(|n| n.parse::<u32>().ok());
                match number {
                    Some(number) => By::Link {
                        number,
                        owner: fix
                            .links
                            .iter()
                            .find(|k| k.number == number)
                            .and_then(|k| fix.owners.get(k.owner))
                            .map_or_else(String::new, |o| o.responsible.name().to_string()),
                    },
                    None => By::System(name.clone()),
                }
            }
        })
        .collect())
}

/// The fixes' settings (`[fixes]` and `[photos]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixesConfig {
    /// How many days an outside party's link works.
    pub link_days: i64,
    /// Where photos go and how large they may be.
    pub photos: crate::photos::PhotoConfig,
    /// The address trygg is reached at (`https://trygg.kommun.se`), for the links in e-mail.
    pub public_url: String,
}

impl Default for FixesConfig {
    fn default() -> Self {
        Self {
            link_days: trygg_domain::fix::DEFAULT_LINK_DAYS,
            photos: crate::photos::PhotoConfig::default(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

fn next_number(numbers: impl Iterator<Item = u32>) -> u32 {
    numbers.max().unwrap_or(0) + 1
}

/// Checks and stores a photo for `fix`, and adds it to the fix in memory (history included).
async fn take_photo(
    app: &App,
    actor: &Actor,
    fix: &mut Fix,
    bytes: &[u8],
    from_owner: Option<String>,
    now: Timestamp,
) -> Result<u32, AppError> {
    let (kind, clean) = crate::photos::clean(bytes, app.fixes.photos.max_bytes)?;
    let size = clean.len() as u64;
    let sha256 = crate::photos::save(app, actor, kind, clean).await?;
    let number = next_number(fix.photos.iter().map(|p| p.number));
    fix.photos.push(trygg_domain::fix::FixPhoto {
        number,
        sha256,
        kind,
        bytes: size,
        added_at: now,
        from_owner,
        approved_for_public: false,
    });
    fix.history.push(FixEvent {
        at: now,
        by: actor.clone(),
        change: FixChange::Photo {
            photo: i64::from(number),
        },
    });
    Ok(number)
}

/// Adds a photo to fix `id` (a JPEG, PNG or WebP within the size limit; its metadata is
/// stripped first). Not approved for public pages until a coordinator says so.
pub async fn add_photo(
    app: &App,
    who: &Principal,
    id: i64,
    bytes: &[u8],
) -> Result<Stored<Fix>, AppError> {
    who.check(Permission::ManageFixes)?;
    // Refused before anything is stored.
    crate::photos::clean(bytes, app.fixes.photos.max_bytes)?;
    let mut fix = get(app, who, id).await?;
    check_owner(
        app,
        who,
        Permission::ManageFixes,
        &format!("Fix {id}"),
        fix.meta.organisation_id,
    )
    .await?;
    take_photo(app, &who.actor(), &mut fix.data, bytes, None, app.now()).await?;
    Ok(records::update(
        app.store.as_ref(),
        &who.actor(),
        id,
        fix.meta.version,
        &fix.data,
    )
    .await?)
}

/// Approves photo `number` of fix `id` for public pages, or takes the approval back: a
/// coordinator's decision, after looking for faces and anyone who could be recognised.
pub async fn approve_photo(
    app: &App,
    who: &Principal,
    id: i64,
    number: u32,
    approved: bool,
) -> Result<Stored<Fix>, AppError> {
    let by = who.actor();
    change(app, who, id, |fix, now| {
        let p = fix
            .photos
            .iter_mut()
            .find(|p| p.number == number)
            .ok_or_else(|| AppError::NotFound(format!("Fix {id} has no photo {number}.")))?;
        p.approved_for_public = approved;
        fix.history.push(FixEvent {
            at: now,
            by,
            change: FixChange::PhotoApproval {
                photo: i64::from(number),
                approved,
            },
        });
        Ok(())
    })
    .await
}

/// Photo `number` of fix `id` for a signed-in reader of the fix: its media type and bytes.
pub async fn photo(
    app: &App,
    who: &Principal,
    id: i64,
    number: u32,
) -> Result<(&'static str, Vec<u8>), AppError> {
    let fix = get(app, who, id).await?;
    photo_bytes(app, &fix.data, id, number, false).await
}

async fn photo_bytes(
    app: &App,
    fix: &Fix,
    id: i64,
    number: u32,
    approved_only: bool,
) -> Result<(&'static str, Vec<u8>), AppError> {
    let p = fix
        .photos
        .iter()
        .find(|p| p.number == number && (p.approved_for_public || !approved_only))
        .ok_or_else(|| AppError::NotFound(format!("Fix {id} has no photo {number}.")))?;
    Ok((
        p.kind.content_type(),
        crate::photos::load(app, &p.sha256, p.kind).await?,
    ))
}

/// A link just made: the token is shown once and never stored.
#[derive(Debug, Clone)]
pub struct MadeLink {
    /// The token for `/atgard/{token}`.
    pub token: String,
    /// The link's number within the fix.
    pub number: u32,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The fix as stored.
    pub fix: Stored<Fix>,
}

fn token_digest(token: &str) -> Vec<u8> {
    crate::photos::digest(token.trim().as_bytes())
}

/// Adds a live link for outside party `owner` of `fix` with token digest `sha`, working `days`
/// days from `now`, as `by`: the party's earlier live link stops working, and its part, if new,
/// moves to *sent*. Returns the link's number and when it expires.
fn add_link(
    fix: &mut Fix,
    owner: usize,
    sha: Vec<u8>,
    days: i64,
    by: &Actor,
    now: Timestamp,
) -> Result<(u32, Timestamp), AppError> {
    let o = fix
        .owners
        .get(owner)
        .ok_or_else(|| AppError::invalid("owner", format!("The fix has no owner {owner}.")))?;
    if !o.responsible.is_outside() {
        return Err(AppError::invalid(
            "owner",
            "Links are for outside parties; a unit of the partnership signs in (länkar är för externa parter).",
        ));
    }
    let name = o.responsible.name().to_string();
    for l in fix.links.iter_mut().filter(|l| l.owner == owner) {
        if l.is_live(now) {
            l.revoked = true;
            fix.history.push(FixEvent {
                at: now,
                by: by.clone(),
                change: FixChange::LinkRevoked {
                    owner: name.clone(),
                },
            });
        }
    }
    let number = next_number(fix.links.iter().map(|l| l.number));
    let expires_at = now + jiff::SignedDuration::from_hours(24 * days.max(1));
    fix.links.push(trygg_domain::fix::OutsideLink {
        number,
        owner,
        token_sha256: sha,
        created_at: now,
        expires_at,
        revoked: false,
    });
    fix.history.push(FixEvent {
        at: now,
        by: by.clone(),
        change: FixChange::LinkMade {
            owner: name,
            expires_at,
        },
    });
    if fix.owners[owner].status == FixStatus::New {
        move_status(fix, by.clone(), now, FixStatus::Sent, "", Some(owner))?;
    }
    Ok((number, expires_at))
}

/// Makes a link for outside party `owner` (an index into the fix's owners) of fix `id`, working
/// for the configured number of days (`[fixes] link_days`, 14 by default). The party's earlier
/// live link stops working; a new part moves to *sent*.
pub async fn make_link(
    app: &App,
    who: &Principal,
    id: i64,
    owner: usize,
) -> Result<MadeLink, AppError> {
    let token = crate::credentials::generate_token();
    let sha = token_digest(&token);
    let by = who.actor();
    let mut made = (0, Timestamp::UNIX_EPOCH);
    let fix = change(app, who, id, |fix, now| {
        made = add_link(fix, owner, sha, app.fixes.link_days, &by, now)?;
        Ok(())
    })
    .await?;
    Ok(MadeLink {
        token,
        number: made.0,
        expires_at: made.1,
        fix,
    })
}

/// A link made for the e-mail to an outside party ([`mail_link`]): the token goes into that
/// mail and nowhere else.
#[derive(Debug, Clone)]
pub(crate) struct MailedLink {
    /// The token for `/atgard/{token}`.
    pub token: String,
    /// The link's number within the fix.
    pub number: u32,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The party's functional mailbox.
    pub mailbox: String,
    /// The fix as stored, with the link.
    pub fix: Stored<Fix>,
    /// The party's index among the fix's owners.
    pub owner: usize,
}

/// How many times the e-mail worker reads a fix again when a coordinator wrote it meanwhile.
const SYSTEM_WRITE_TRIES: usize = 3;

/// Reads fix `id`, lets `f` change it (or say why not, `Ok(Err(_))`) and stores it as `actor`,
/// reading it again when another write came first: the system's own changes (the e-mail
/// worker's), which no principal makes and no notice follows.
async fn system_change<T>(
    app: &App,
    actor: &Actor,
    id: i64,
    mut f: impl FnMut(&mut Fix, Timestamp) -> Result<Result<T, &'static str>, AppError>,
) -> Result<Result<(T, Stored<Fix>), &'static str>, AppError> {
    let mut tries = 0;
    loop {
        tries += 1;
        let Some(mut fix) = records::get::<Fix>(app.store.as_ref(), id).await? else {
            return Ok(Err("the fix is gone"));
        };
        let out = match f(&mut fix.data, app.now())? {
            Ok(out) => out,
            Err(why) => return Ok(Err(why)),
        };
        match records::update(app.store.as_ref(), actor, id, fix.meta.version, &fix.data).await {
            Ok(stored) => return Ok(Ok((out, stored))),
            Err(trygg_store::StoreError::Conflict(_)) if tries < SYSTEM_WRITE_TRIES => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Makes the link that the e-mail to outside party `party` of fix `id` carries, as the e-mail
/// worker (`actor`), when the mail is about to be sent — so the token is never stored, not even
/// while the mail waits for the server. Why not, when the party is no longer an owner, has no
/// mailbox (any more), or its part or the fix is closed.
pub(crate) async fn mail_link(
    app: &App,
    actor: &Actor,
    id: i64,
    party: &str,
) -> Result<Result<MailedLink, &'static str>, AppError> {
    let token = crate::credentials::generate_token();
    let sha = token_digest(&token);
    let made = system_change(app, actor, id, |fix, now| {
        let Some(owner) = fix
            .owners
            .iter()
            .position(|o| o.responsible.is_outside() && o.responsible.name() == party)
        else {
            return Ok(Err("the party is no longer an owner of the fix"));
        };
        let Responsible::Outside {
            contact: Some(mailbox),
            ..
        } = &fix.owners[owner].responsible
        else {
            return Ok(Err("the party has no mailbox (any more)"));
        };
        if fix.status.is_closed() || fix.owners[owner].status.is_closed() {
            return Ok(Err("the fix is closed"));
        }
        let mailbox = mailbox.clone();
        let (number, expires_at) =
            add_link(fix, owner, sha.clone(), app.fixes.link_days, actor, now)?;
        Ok(Ok((owner, mailbox, number, expires_at)))
    })
    .await?;
    Ok(
        made.map(|((owner, mailbox, number, expires_at), fix)| MailedLink {
            token,
            number,
            expires_at,
            mailbox,
            fix,
            owner,
        }),
    )
}

/// Revokes link `number` of fix `id`, made for a mail that did not go (so no live link is
/// left that nobody holds), as the e-mail worker.
pub(crate) async fn unmailed_link(
    app: &App,
    actor: &Actor,
    id: i64,
    number: u32,
) -> Result<(), AppError> {
    system_change(app, actor, id, |fix, now| {
        let Some(l) = fix
            .links
            .iter_mut()
            .find(|l| l.number == number && !l.revoked)
        else {
            return Ok(Err("already revoked"));
        };
        l.revoked = true;
        let owner = fix.owners[l.owner].responsible.name().to_string();
        fix.history.push(FixEvent {
            at: now,
            by: actor.clone(),
            change: FixChange::LinkRevoked { owner },
        });
        Ok(Ok(()))
    })
    .await
    .map(drop)
}

/// Revokes link `number` of fix `id`.
pub async fn revoke_link(
    app: &App,
    who: &Principal,
    id: i64,
    number: u32,
) -> Result<Stored<Fix>, AppError> {
    let by = who.actor();
    change(app, who, id, |fix, now| {
        let l = fix
            .links
            .iter_mut()
            .find(|l| l.number == number)
            .ok_or_else(|| AppError::NotFound(format!("Fix {id} has no link {number}.")))?;
        l.revoked = true;
        let owner = fix.owners[l.owner].responsible.name().to_string();
        fix.history.push(FixEvent {
            at: now,
            by,
            change: FixChange::LinkRevoked { owner },
        });
        Ok(())
    })
    .await
}

/// What an outside party's link shows: the fix as its owner needs it, never the reporter's
/// text, the other owners' parts or the history.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    /// The fix's id (its number for the party's own records).
    pub fix: i64,
    /// The owner's name.
    pub owner: String,
    /// Their part (`None`: the whole fix).
    pub part: Option<String>,
    /// Where their part stands.
    pub status: FixStatus,
    /// The category code.
    pub category: String,
    /// Where.
    pub position: Position,
    /// The place's name.
    pub place: Option<String>,
    /// The coordinator's description for the owner.
    pub description: String,
    /// The due date.
    pub due: Option<Date>,
    /// When the link stops working.
    pub expires_at: Timestamp,
    /// The numbers of the photos approved for public pages.
    pub photos: Vec<u32>,
    /// The organisation managing the fix (whom to ask).
    pub organisation: String,
}

/// A link that no longer works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGone {
    /// The organisation to ask for a new one.
    pub organisation: String,
    /// Revoked rather than expired.
    pub revoked: bool,
}

/// The fix behind a token, and the link's number and owner.
async fn by_token(
    app: &App,
    token: &str,
) -> Result<Option<(Stored<Fix>, trygg_domain::fix::OutsideLink)>, AppError> {
    let sha = token_digest(token);
    Ok(records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .find_map(|f| {
            let l = f.data.links.iter().find(|l| l.token_sha256 == sha)?.clone();
            Some((f, l))
        }))
}

/// What link `token` shows (no sign-in): the fix for its owner, or that the link has expired
/// or been revoked and whom to ask. An unknown token is `NotFound`.
pub async fn open_link(app: &App, token: &str) -> Result<Result<LinkView, LinkGone>, AppError> {
    let (fix, link) = by_token(app, token)
        .await?
        .ok_or_else(|| AppError::NotFound("The link is not known.".into()))?;
    let organisation = crate::reference::organisation_name(app, fix.meta.organisation_id).await;
    if !link.is_live(app.now()) {
        return Ok(Err(LinkGone {
            organisation,
            revoked: link.revoked,
        }));
    }
    let f = fix.data;
    let owner = &f.owners[link.owner];
    Ok(Ok(LinkView {
        fix: fix.meta.id,
        owner: owner.responsible.name().to_string(),
        part: owner.part.clone(),
        status: owner.status,
        category: f.category.clone(),
        position: f.position,
        place: f.place.clone(),
        description: f.description.clone(),
        due: f.due,
        expires_at: link.expires_at,
        photos: f
            .photos
            .iter()
            .filter(|p| p.approved_for_public)
            .map(|p| p.number)
            .collect(),
        organisation,
    }))
}

/// An outside party's answer through its link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkAnswer {
    /// Their part's new status, if it changed.
    pub status: Option<FixStatus>,
    /// What they say (also the reason for *will not be done*).
    pub text: String,
    /// One photo.
    pub photo: Option<Vec<u8>>,
}

/// Takes an outside party's answer through link `token`: their part's status, a text and a
/// photo, audited as the link (`system:atgardslank:<fix>:<link>`), not as a person. A link
/// that no longer works is `Ok(Err(_))`; a bad answer (no text, a move the status cannot make,
/// a photo too large or not an image) is refused and nothing is stored.
pub async fn answer(
    app: &App,
    token: &str,
    answer: LinkAnswer,
) -> Result<Result<Stored<Fix>, LinkGone>, AppError> {
    let (mut fix, link) = by_token(app, token)
        .await?
        .ok_or_else(|| AppError::NotFound("The link is not known.".into()))?;
    let now = app.now();
    if !link.is_live(now) {
        let organisation = crate::reference::organisation_name(app, fix.meta.organisation_id).await;
        return Ok(Err(LinkGone {
            organisation,
            revoked: link.revoked,
        }));
    }
    let text = answer.text.trim().to_string();
    if text.is_empty() {
        return Err(missing(
            "text",
            "text: write a few words on what was done or planned (svaret saknas).",
        ));
    }
    let actor = link_actor(fix.meta.id, link.number);
    let owner = fix.data.owners[link.owner].responsible.name().to_string();
    let data = &mut fix.data;
    if let Some(to) = answer
        .status
        .filter(|s| *s != data.owners[link.owner].status)
    {
        move_status(data, actor.clone(), now, to, &text, Some(link.owner))?;
    }
    // Everything but the photo's own checks, before anything is stored.
    let mut trial = data.clone();
    trial.history.push(FixEvent {
        at: now,
        by: actor.clone(),
        change: FixChange::Answer {
            owner: owner.clone(),
            text: text.clone(),
            photo: None,
        },
    });
    trial.validate()?;
    let photo = match &answer.photo {
        Some(bytes) => {
            crate::photos::clean(bytes, app.fixes.photos.max_bytes)?;
            Some(take_photo(app, &actor, data, bytes, Some(owner.clone()), now).await?)
        }
        None => None,
    };
    data.history.push(FixEvent {
        at: now,
        by: actor.clone(),
        change: FixChange::Answer {
            owner,
            text,
            photo: photo.map(i64::from),
        },
    });
    Ok(Ok(records::update(
        app.store.as_ref(),
        &actor,
        fix.meta.id,
        fix.meta.version,
        &fix.data,
    )
    .await?))
}

/// Photo `number` of the fix behind link `token`, only when approved for public pages.
pub async fn link_photo(
    app: &App,
    token: &str,
    number: u32,
) -> Result<(&'static str, Vec<u8>), AppError> {
    let fix = by_token(app, token)
        .await?
        .filter(|(_, l)| l.is_live(app.now()))
        .map(|(f, _)| f)
        .ok_or_else(|| AppError::NotFound("The link is not known.".into()))?;
    photo_bytes(app, &fix.data, fix.meta.id, number, true).await
}

/// How near an incident must lie to count for a done fix's before and after, in metres (on
/// SWEREF 99 TM).
pub const NEAR_METRES: f64 = 150.0;
/// The longest period counted on either side of the day a fix was done, in days.
pub const MEASURE_DAYS: i64 = 90;

/// The incidents near a done fix before and after it was done: the incidents of the fix's
/// category group with a point position within [`NEAR_METRES`], in the reader's scope, over two
/// equal periods on either side of the day it was done (at most [`MEASURE_DAYS`] each; as long
/// as has passed since, so the two are compared fairly), counted by the start of their time
/// window from the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nearby {
    /// The radius, in metres.
    pub metres: u32,
    /// The length of each period, in days (0: done today, nothing to compare yet).
    pub days: i64,
    /// Incidents in the period before.
    pub before: u32,
    /// Incidents in the period after.
    pub after: u32,
}

/// [`Nearby`] for `fix` in `scope` at `now`; `None` unless it is done.
pub fn nearby(app: &App, fix: &Fix, scope: trygg_domain::Scope, now: Timestamp) -> Option<Nearby> {
    let done = match (fix.status, fix.closed_at) {
        (FixStatus::Done, Some(t)) => t,
        _ => return None,
    };
    let passed = now.duration_since(done).as_hours().div_euclid(24).max(0);
    let days = passed.min(MEASURE_DAYS);
    let span = jiff::SignedDuration::from_hours(24 * days);
    let group = trygg_domain::Taxonomy
        .get(&fix.category)
        .map_or(fix.category.as_str(), |c| c.parent.unwrap_or(c.code));
    let filter = trygg_domain::IncidentFilter {
        from: Some(done - span),
        to: Some(done + span),
        categories: trygg_domain::Taxonomy
            .expand(group)
            .into_iter()
            .map(str::to_string)
            .collect(),
        scope,
        ..Default::default()
    };
    let (x, y, t, _) = app.live().with(&filter, |s, f| s.points(f));
    let done_day = done.as_second() as f64 / 86_400.0;
    let (mut before, mut after) = (0, 0);
    for ((x, y), t) in x.iter().zip(&y).zip(&t) {
        if (x - fix.position.e).hypot(y - fix.position.n) > NEAR_METRES {
            continue;
        }
        if *t < done_day {
            before += 1;
        } else {
            after += 1;
        }
    }
    Some(Nearby {
        metres: NEAR_METRES as u32,
        days,
        before,
        after,
    })
}

/// What the styrgrupp's report says of the fixes: the overdue ones, and those done in the
/// period with the incidents near them before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct FixReport {
    /// Open fixes past their due date, the longest overdue first.
    pub overdue: Vec<Stored<Fix>>,
    /// Fixes done since `since`, with their before and after.
    pub done: Vec<(Stored<Fix>, Nearby)>,
    /// Open fixes in all.
    pub open: usize,
}

/// [`FixReport`] in `scope` (a report's reader), the done ones since `since`.
pub async fn report(
    app: &App,
    scope: trygg_domain::Scope,
    since: Timestamp,
) -> Result<FixReport, AppError> {
    use trygg_domain::Scope;
    let today = app.today();
    let now = app.now();
    let all: Vec<Stored<Fix>> = records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| match scope {
            Scope::All => true,
            Scope::Shared => f.meta.visibility == Visibility::Shared,
            Scope::Organisation(o) => {
                f.meta.visibility == Visibility::Shared || f.meta.organisation_id == o
            }
        })
        .collect();
    let mut overdue: Vec<Stored<Fix>> = all
        .iter()
        .filter(|f| f.data.is_overdue(today))
        .cloned()
        .collect();
    overdue.sort_by_key(|f| (f.data.due, f.meta.id));
    let done = all
        .iter()
        .filter(|f| f.data.closed_at.is_some_and(|t| t >= since))
        .filter_map(|f| nearby(app, &f.data, scope, now).map(|n| (f.clone(), n)))
        .collect();
    Ok(FixReport {
        open: all.iter().filter(|f| !f.data.status.is_closed()).count(),
        overdue,
        done,
    })
}

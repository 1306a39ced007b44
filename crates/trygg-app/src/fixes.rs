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
    out.sort_by(|a, b| b.meta.id.cmp(&a.meta.id));
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
async fn change(
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
    f(&mut fix.data, app.now())?;
    Ok(records::update(
        app.store.as_ref(),
        &who.actor(),
        id,
        fix.meta.version,
        &fix.data,
    )
    .await?)
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

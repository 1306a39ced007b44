//! Open311 GeoReport v2, the use cases behind `/open311/v2/` and the outbound sending.
//!
//! Inbound: the services are the citizens' public tip categories ([`services`]); a filed
//! request ([`file`], needs [`Permission::FileServiceRequest`]) becomes a fix when the caller
//! may make fixes and the category is something to mend, else a tip for the moderation queue.
//! Its `service_request_id` is the record's id; [`requests`] and [`request`] read back the
//! requests filed with the caller's own account (reach: own filed), their status `open` or
//! `closed` with `status_notes`. Outside the kommun, an unknown `service_code` or a photo over
//! the limit is refused before anything is stored.
//!
//! Outbound: a routing rule's outside party may name its fault-report system's endpoint
//! ([`Responsible::Outside`]'s `open311`). [`outgoing`] gives what to post for a fix, [`sent`]
//! stores the remote `service_request_id`, [`polling`] lists the fixes to read back and
//! [`polled`] writes a remote status into the fix's history. The HTTP is the web crate's (no
//! HTTP below it); the endpoint's api_key is configuration, never stored.

use jiff::Timestamp;
use trygg_domain::fix::{
    Fix, FixChange, FixEvent, FixSource, FixStatus, RemoteRequest, Responsible,
};
use trygg_domain::tip::{Tip, TipCategory, TipStatus};
use trygg_domain::{
    Actor, ErrorCode, Permission, Position, Precision, ValidationError, cycle::Record,
};
use trygg_store::records::{self, Stored};

use crate::fixes::{self, NewFix};
use crate::{App, AppError, Principal};

/// The system actor that writes what is polled back.
pub const ACTOR: &str = "open311";

/// One service of `services.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    /// The code (a tip category's stable text).
    pub service_code: &'static str,
    /// Its name.
    pub service_name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// No extra attributes.
    pub metadata: bool,
    /// `realtime`: a request is stored at once.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Words to search by (the English label).
    pub keywords: &'static str,
    /// `fix` for something to mend, `tip` for a safe place.
    pub group: &'static str,
}

/// The services: the public tip categories, named in `sv` or English.
pub fn services(sv: bool) -> Vec<Service> {
    TipCategory::ALL
        .into_iter()
        .map(|c| {
            let (label_sv, label_en) = c.label();
            Service {
                service_code: c.as_str(),
                service_name: if sv { label_sv } else { label_en },
                description: if sv { label_sv } else { label_en },
                metadata: false,
                kind: "realtime",
                keywords: label_en,
                group: if c.code().is_some() { "fix" } else { "tip" },
            }
        })
        .collect()
}

/// A request as posted (the form's fields; names, phone numbers and device ids are not taken).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filing {
    /// A service's code.
    pub service_code: String,
    /// Latitude (WGS84), as written.
    pub lat: String,
    /// Longitude (WGS84), as written.
    pub long: String,
    /// The place's name or address.
    pub address_string: String,
    /// What is wrong.
    pub description: String,
    /// An address for the answer (kept only in a tip, like the tip form's).
    pub email: String,
    /// A photo (multipart `media`), if any.
    pub media: Option<Vec<u8>>,
}

/// A service request as `requests.json` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceRequest {
    /// The record's id.
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    /// Where it stands, in words.
    pub status_notes: String,
    /// The service's code.
    pub service_code: String,
    /// The service's name.
    pub service_name: String,
    /// The description sent.
    pub description: String,
    /// `fix` or `tip`: what it became.
    pub agency_responsible: String,
    /// When it was filed.
    pub requested_datetime: Timestamp,
    /// When it last changed.
    pub updated_datetime: Timestamp,
    /// The place's name or address.
    pub address: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub long: f64,
}

fn bad(field: &str, message: String) -> AppError {
    AppError::Invalid(ValidationError::new(ErrorCode::Invalid, field, message))
}

fn coordinate(field: &str, s: &str) -> Result<f64, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Missing,
            field,
            format!(
                "{field} is missing: send lat and long in WGS84 degrees (address_id is not supported)."
            ),
        )));
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            bad(
                field,
                format!("{field} '{s}' is not a number of degrees: write it as 59.8586."),
            )
        })
}

fn trimmed(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Files a service request for `who` (needs [`Permission::FileServiceRequest`]). A request
/// about something to mend from a caller who may make fixes becomes a fix (routed by the rules);
/// any other becomes a tip for moderation. Nothing is stored on a refusal.
pub async fn file(app: &App, who: &Principal, f: Filing) -> Result<ServiceRequest, AppError> {
    who.check(Permission::FileServiceRequest)?;
    let category = TipCategory::parse(f.service_code.trim()).ok_or_else(|| {
        bad(
            "service_code",
            format!(
                "service_code '{}' is not a service; the services are {} (see services.json).",
                f.service_code.trim(),
                TipCategory::ALL.map(|c| c.as_str()).join(", ")
            ),
        )
    })?;
    let lat = coordinate("lat", &f.lat)?;
    let lon = coordinate("long", &f.long)?;
    let position = Position::from_wgs84(lat, lon, Precision::Exact)?;
    position.check_on_land()?;
    if !crate::tips::inside_kommun(app, &position).await? {
        return Err(bad(
            "lat",
            format!(
                "The position {lat}, {lon} is outside the municipality (utanför kommunen): requests are taken only about places in it."
            ),
        ));
    }
    if let Some(bytes) = &f.media {
        crate::photos::clean(bytes, app.fixes.photos.max_bytes).map_err(|e| match e {
            AppError::Invalid(mut v) => {
                v.field = "media".into();
                AppError::Invalid(v)
            }
            other => other,
        })?;
    }
    let fix = category.code().filter(|_| who.may(Permission::ManageFixes));
    if let Some(code) = fix {
        let mut new = NewFix::manual(code, (lat, lon), &f.description);
        new.source = FixSource::Open311 {
            request: request_tag(),
        };
        new.place = trimmed(&f.address_string);
        new.reporter_text = trimmed(&f.description);
        let mut stored = fixes::create(app, who, new).await?;
        if let Some(bytes) = &f.media {
            stored = fixes::add_photo(app, who, stored.meta.id, bytes).await?;
        }
        return Ok(of_fix(&stored));
    }
    if f.media.is_some() {
        return Err(bad(
            "media",
            "A request that becomes a tip for moderation takes no photo (ett tips tar inga foton): send it without media.".into(),
        ));
    }
    let now = app.now();
    let tip = Tip {
        category,
        position,
        place: trimmed(&f.address_string),
        occurred_from: now,
        occurred_to: now,
        description: f.description.trim().to_string(),
        email: trimmed(&f.email),
        submitted_at: now,
        status: TipStatus::New,
        decided_at: None,
        decided_by: None,
        notify_pending: false,
        // GeoReport v2 carries no language for a request; the kommun's own.
        lang: trygg_domain::Lang::Sv,
    };
    tip.validate()?;
    let owner = crate::tips::owner(app).await?;
    let stored = records::create(app.store.as_ref(), &who.actor(), owner, &tip).await?;
    Ok(of_tip(&stored))
}

/// A fresh tag for a fix's Open311 source: letters only, so the text guard never reads a
/// personal number into it.
fn request_tag() -> String {
    let hex = crate::credentials::generate_token();
    let letters: String = hex
        .bytes()
        .take(16)
        .map(|b| {
            let v = (b as char).to_digit(16).unwrap_or(0) as u8;
            char::from(b'a' + v)
        })
        .collect();
    format!("open311-{letters}")
}

fn of_fix(f: &Stored<Fix>) -> ServiceRequest {
    let d = &f.data;
    let (lat, long) = (d.position.lat, d.position.lon);
    let closed = d.status.is_closed();
    let (_, label_en) = d.status.label();
    let notes = match (&d.reason, closed) {
        (Some(r), _) => format!("{label_en}: {r}"),
        (None, _) => label_en.to_string(),
    };
    let code = TipCategory::ALL
        .into_iter()
        .find(|c| c.code() == Some(d.category.as_str()));
    ServiceRequest {
        service_request_id: f.meta.id.to_string(),
        status: if closed { "closed" } else { "open" },
        status_notes: notes,
        service_code: code.map_or_else(|| d.category.clone(), |c| c.as_str().to_string()),
        service_name: d.category_label().1.to_string(),
        description: d
            .reporter_text
            .clone()
            .unwrap_or_else(|| d.description.clone()),
        agency_responsible: d
            .lead()
            .map_or_else(String::new, |o| o.responsible.name().to_string()),
        requested_datetime: f.meta.created_at,
        updated_datetime: f.meta.updated_at,
        address: d.place.clone().unwrap_or_default(),
        lat,
        long,
    }
}

fn of_tip(t: &Stored<Tip>) -> ServiceRequest {
    let d = &t.data;
    let (lat, long) = (d.position.lat, d.position.lon);
    let notes = match &d.status {
        TipStatus::New => "Waiting for moderation.".to_string(),
        TipStatus::Accepted { .. } => "Accepted: registered as an incident.".to_string(),
        TipStatus::Noted => "Noted as a safe place.".to_string(),
        TipStatus::Merged { .. } => "The same as an earlier report.".to_string(),
        TipStatus::Rejected { reason } => format!("Rejected: {reason}"),
    };
    ServiceRequest {
        service_request_id: t.meta.id.to_string(),
        status: if d.is_new() { "open" } else { "closed" },
        status_notes: notes,
        service_code: d.category.as_str().to_string(),
        service_name: d.category.label().1.to_string(),
        description: d.description.clone(),
        agency_responsible: "moderation".into(),
        requested_datetime: t.meta.created_at,
        updated_datetime: t.meta.updated_at,
        address: d.place.clone().unwrap_or_default(),
        lat,
        long,
    }
}

/// The requests filed with `who`'s account, newest first (needs
/// [`Permission::FileServiceRequest`]).
pub async fn requests(app: &App, who: &Principal) -> Result<Vec<ServiceRequest>, AppError> {
    who.check(Permission::FileServiceRequest)?;
    let me = who.actor().to_storage();
    let mut out: Vec<(i64, ServiceRequest)> = records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| f.meta.created_by == me && matches!(f.data.source, FixSource::Open311 { .. }))
        .map(|f| (f.meta.id, of_fix(&f)))
        .collect();
    out.extend(
        records::list::<Tip>(app.store.as_ref())
            .await?
            .into_iter()
            .filter(|t| t.meta.created_by == me)
            .map(|t| (t.meta.id, of_tip(&t))),
    );
    out.sort_by_key(|r| std::cmp::Reverse(r.0));
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

/// Request `id`, if `who`'s account filed it.
pub async fn request(app: &App, who: &Principal, id: &str) -> Result<ServiceRequest, AppError> {
    who.check(Permission::FileServiceRequest)?;
    let missing =
        || AppError::NotFound(format!("There is no service request '{id}' filed by you."));
    let n: i64 = id.trim().parse().map_err(|_| missing())?;
    let me = who.actor().to_storage();
    if let Some(f) = records::get::<Fix>(app.store.as_ref(), n).await?
        && f.meta.created_by == me
        && matches!(f.data.source, FixSource::Open311 { .. })
    {
        return Ok(of_fix(&f));
    }
    if let Some(t) = records::get::<Tip>(app.store.as_ref(), n).await?
        && t.meta.created_by == me
    {
        return Ok(of_tip(&t));
    }
    Err(missing())
}

/// What to post to an outside party's Open311 endpoint for a fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The fix.
    pub fix: i64,
    /// The endpoint (`…/open311/v2/`).
    pub endpoint: String,
    /// The form's fields (`service_code`, `lat`, `long`, `address_string`, `description`).
    pub fields: Vec<(&'static str, String)>,
}

/// What to send for fix `id` (needs [`Permission::ManageFixes`] on the fix): its lead owner
/// must be an outside party with an Open311 endpoint, and the fix not sent there yet. The
/// description is the coordinator's, as an outside party's link shows it; the reporter's own
/// words stay here.
pub async fn outgoing(app: &App, who: &Principal, id: i64) -> Result<Outgoing, AppError> {
    who.check(Permission::ManageFixes)?;
    let fix = fixes::get(app, who, id).await?;
    crate::cycle::check_owner(
        app,
        who,
        Permission::ManageFixes,
        &format!("Fix {id}"),
        fix.meta.organisation_id,
    )
    .await?;
    let d = &fix.data;
    if let Some(r) = &d.remote {
        return Err(AppError::Conflict(format!(
            "Fix {id} is already sent to {} as request {} (redan skickad).",
            r.endpoint, r.service_request_id
        )));
    }
    let endpoint = match d.lead().map(|o| &o.responsible) {
        Some(Responsible::Outside {
            open311: Some(url), ..
        }) => url.clone(),
        _ => {
            return Err(AppError::Conflict(format!(
                "Fix {id}'s lead owner has no Open311 endpoint (ingen Open311-adress): name one on the outside party's routing rule, or send a link instead."
            )));
        }
    };
    let code = TipCategory::ALL
        .into_iter()
        .find(|c| c.code() == Some(d.category.as_str()))
        .map_or_else(|| d.category.clone(), |c| c.as_str().to_string());
    Ok(Outgoing {
        fix: id,
        endpoint,
        fields: vec![
            ("service_code", code),
            ("lat", d.position.lat.to_string()),
            ("long", d.position.lon.to_string()),
            ("address_string", d.place.clone().unwrap_or_default()),
            ("description", d.description.clone()),
        ],
    })
}

/// Stores that fix `out.fix` was sent and got `service_request_id`; an open fix not yet sent
/// moves to *sent*.
pub async fn sent(
    app: &App,
    who: &Principal,
    out: &Outgoing,
    service_request_id: &str,
) -> Result<Stored<Fix>, AppError> {
    let by = who.actor();
    fixes::change(app, who, out.fix, |fix, now| {
        fix.remote = Some(RemoteRequest {
            endpoint: out.endpoint.clone(),
            service_request_id: service_request_id.trim().to_string(),
            sent_at: now,
            status: Some("open".into()),
            status_notes: None,
            polled_at: None,
        });
        if fix.status == FixStatus::New {
            fixes::move_status(fix, by, now, FixStatus::Sent, "", None)?;
        }
        Ok(())
    })
    .await
}

/// A fix waiting for its remote status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The fix.
    pub fix: i64,
    /// Its endpoint.
    pub endpoint: String,
    /// Its remote id.
    pub service_request_id: String,
}

/// The open fixes sent over Open311, to poll (the system's job; no principal).
pub async fn polling(app: &App) -> Result<Vec<Pending>, AppError> {
    Ok(records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| !f.data.status.is_closed())
        .filter_map(|f| {
            f.data.remote.map(|r| Pending {
                fix: f.meta.id,
                endpoint: r.endpoint,
                service_request_id: r.service_request_id,
            })
        })
        .collect())
}

/// Writes a polled remote status into fix `fix`: new `status_notes` become the lead owner's
/// answer in the history, and `closed` closes the fix as done. Nothing changes when the remote
/// says nothing new. Written by the system actor [`ACTOR`].
pub async fn polled(
    app: &App,
    fix: i64,
    status: &str,
    status_notes: Option<&str>,
) -> Result<Option<Stored<Fix>>, AppError> {
    let Some(mut stored) = records::get::<Fix>(app.store.as_ref(), fix).await? else {
        return Ok(None);
    };
    let now = app.now();
    let by = Actor::system(ACTOR);
    let d = &mut stored.data;
    let Some(remote) = d.remote.as_mut() else {
        return Ok(None);
    };
    let status = status.trim().to_lowercase();
    if status != "open" && status != "closed" {
        return Err(bad(
            "status",
            format!("The endpoint answered status '{status}'; Open311 knows open and closed."),
        ));
    }
    let notes = status_notes.and_then(trimmed);
    let new_notes = notes.is_some() && notes != remote.status_notes;
    let closes = status == "closed" && !d.status.is_closed();
    remote.polled_at = Some(now);
    remote.status = Some(status);
    if new_notes {
        remote.status_notes.clone_from(&notes);
    }
    if !new_notes && !closes {
        return Ok(None);
    }
    if let Some(text) = notes.filter(|_| new_notes) {
        let owner = d
            .lead()
            .map_or_else(String::new, |o| o.responsible.name().to_string());
        d.history.push(FixEvent {
            at: now,
            by: by.clone(),
            change: FixChange::Answer {
                owner,
                text,
                photo: None,
            },
        });
    }
    if closes {
        fixes::move_status(d, by.clone(), now, FixStatus::Done, "", None)?;
    }
    Ok(Some(
        records::update(
            app.store.as_ref(),
            &by,
            fix,
            stored.meta.version,
            &stored.data,
        )
        .await?,
    ))
}

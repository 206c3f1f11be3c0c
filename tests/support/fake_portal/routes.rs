//! The webhook controller (docs/docspace-api.md §3): routing, auth and the five operations.
//!
//! Order of events per request, as on the real server: route match (an unknown route is a
//! plain 404 even without a key), authentication (401, empty), scope (the read-only key
//! writes: 403, empty), model binding (400 validation shape), the admin check (403 "Access
//! denied" when `forbidden`), then the operation. Each operation runs under one lock.

use super::body::{self, Dto, Kind};
use super::checks::{self, Candidate};
use super::dto::{self, CALLER, ConfigDto, ListItem};
use super::envelope::{self, Ctx, Exception};
use super::log;
use super::reply::Reply;
use super::state::{Inner, Shared, Stored};
use super::triggers;

pub(super) const BASE: &str = "/api/2.0/settings/webhook";
/// The delivery log: `webhooks`, plural (docs/docspace-api.md §21).
pub(super) const LOG_PATH: &str = "/api/2.0/settings/webhooks/log";

/// A request as read off the wire.
#[derive(Clone)]
pub(super) struct Incoming {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The full request URL, for `links[].href`.
    fn href(&self) -> String {
        let host = self.header("host").unwrap_or("127.0.0.1");
        match &self.query {
            Some(q) => format!("http://{host}{}?{q}", self.path),
            None => format!("http://{host}{}", self.path),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    List,
    Create,
    Update,
    Enable,
    Delete(i32),
    Triggers,
    Log,
    RetryOne(i32),
    RetryMany,
}

pub(super) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    let route = match resolve(&req.method, &req.path) {
        Ok(route) => route,
        Err(reply) => return reply,
    };
    let read_only = {
        let inner = shared.lock();
        match authenticate(&inner, req.header("authorization")) {
            Some(read_only) => read_only,
            None => return Reply::empty(401),
        }
    };
    if read_only && !matches!(route, Route::List | Route::Triggers | Route::Log) {
        return Reply::empty(403);
    }
    let ctx = Ctx {
        href: req.href(),
        method: req.method.to_ascii_uppercase(),
    };
    let result = match route {
        Route::List => Ok(list(&shared.lock(), &ctx)),
        Route::Triggers => Ok(triggers::list(&shared.lock(), &ctx)),
        Route::Create => {
            parse(Kind::Create, req, &ctx).and_then(|dto| create(&mut shared.lock(), dto, &ctx))
        }
        Route::Update => {
            parse(Kind::Update, req, &ctx).and_then(|dto| update(&mut shared.lock(), dto, &ctx))
        }
        Route::Enable => {
            parse(Kind::Update, req, &ctx).and_then(|dto| enable(&mut shared.lock(), dto, &ctx))
        }
        Route::Delete(id) => delete(&mut shared.lock(), id, &ctx),
        Route::Log => {
            let inner = shared.lock();
            check_admin(&inner).map(|()| log::read(&inner, req.query.as_deref(), &ctx))
        }
        Route::RetryOne(id) => {
            let mut inner = shared.lock();
            check_admin(&inner).and_then(|()| log::retry_one(&mut inner, id, &ctx))
        }
        Route::RetryMany => {
            let mut inner = shared.lock();
            check_admin(&inner).and_then(|()| {
                log::retry_many(&mut inner, req.header("content-type"), &req.body, &ctx)
            })
        }
    };
    result.unwrap_or_else(|reply| reply)
}

/// Routes are case-insensitive and tolerate one trailing slash, as ASP.NET's. A known path
/// with another method is 405; `{id:int}` that is not an int32 matches nothing: plain 404.
fn resolve(method: &str, path: &str) -> Result<Route, Reply> {
    let lower = path.to_ascii_lowercase();
    let path = lower.strip_suffix('/').unwrap_or(&lower);
    let method = method.to_ascii_uppercase();
    let not_allowed = |allow: &str| Reply::empty(405).header("Allow", allow.to_owned());
    if path == LOG_PATH {
        return if method == "GET" {
            Ok(Route::Log)
        } else {
            Err(not_allowed("GET"))
        };
    }
    let Some(rest) = path.strip_prefix(BASE) else {
        return Err(Reply::empty(404));
    };
    match (rest, method.as_str()) {
        ("", "GET") => Ok(Route::List),
        ("", "POST") => Ok(Route::Create),
        ("", "PUT") => Ok(Route::Update),
        ("", _) => Err(not_allowed("GET, POST, PUT")),
        ("/enable", "PUT") => Ok(Route::Enable),
        ("/enable", _) => Err(not_allowed("PUT")),
        ("/triggers", "GET") => Ok(Route::Triggers),
        ("/triggers", _) => Err(not_allowed("GET")),
        ("/retry", "PUT") => Ok(Route::RetryMany),
        ("/retry", _) => Err(not_allowed("PUT")),
        (rest, method) if rest.ends_with("/retry") => {
            let id = rest
                .strip_prefix('/')
                .and_then(|r| r.strip_suffix("/retry"))
                .and_then(|id| id.parse::<i32>().ok());
            match id {
                Some(id) if method == "PUT" => Ok(Route::RetryOne(id)),
                Some(_) => Err(not_allowed("PUT")),
                None => Err(Reply::empty(404)),
            }
        }
        (rest, method) => match rest.strip_prefix('/').and_then(|id| id.parse::<i32>().ok()) {
            Some(id) if method == "DELETE" => Ok(Route::Delete(id)),
            Some(_) => Err(not_allowed("DELETE")),
            None => Err(Reply::empty(404)),
        },
    }
}

/// `Some(read_only)` for a known key sent as `Bearer <key>`, `None` otherwise.
fn authenticate(inner: &Inner, authorization: Option<&str>) -> Option<bool> {
    let key = authorization?.strip_prefix("Bearer ")?.trim();
    if key == inner.api_key {
        Some(false)
    } else if inner.read_only_key.as_deref() == Some(key) {
        Some(true)
    } else {
        None
    }
}

fn parse(kind: Kind, req: &Incoming, ctx: &Ctx) -> Result<Dto, Reply> {
    body::parse(kind, req.header("content-type"), &req.body, ctx)
}

/// `CheckAdminPermissionsAsync`: the guest / restricted-user switch.
fn check_admin(inner: &Inner) -> Result<(), Reply> {
    if inner.forbidden {
        Err(Exception::access_denied().into())
    } else {
        Ok(())
    }
}

fn list(inner: &Inner, ctx: &Ctx) -> Reply {
    if let Err(reply) = check_admin(inner) {
        return reply;
    }
    let repeated = inner
        .repeated
        .iter()
        .filter_map(|id| inner.webhooks.get(id));
    let items: Vec<ListItem<'_>> = inner
        .webhooks
        .values()
        .filter(|w| !inner.hidden.contains(&w.id))
        .chain(repeated)
        .map(|w| ListItem::of(w, &inner.owner))
        .collect();
    if let Some(rows) = inner.list_page {
        let total = items.len();
        return envelope::success_with_total(ctx, &items[..rows.min(total)], 1, total);
    }
    // The server's list is an async iterator, so its envelope says 1 whatever the length.
    envelope::success(ctx, items, 1)
}

fn create(inner: &mut Inner, dto: Dto, ctx: &Ctx) -> Result<Reply, Reply> {
    check_admin(inner)?;
    checks::check_webhook(inner, &candidate(&dto), true)?;
    // Case-sensitive, as on PostgreSQL (MySQL's collation would fold case).
    if inner
        .webhooks
        .values()
        .any(|w| w.name == dto.name && w.uri == dto.uri)
    {
        return Err(Exception::argument(
            "Webhook with the same name and payload URL already exists",
        )
        .into());
    }
    // The EF default-value quirk (§9): `false` is the sentinel, so the DB default `true` wins.
    let quirk = inner.create_quirk;
    let id = inner.allocate_id();
    let stored = Stored {
        id,
        name: dto.name,
        uri: match dto.uri.split_once("://") {
            Some((scheme, rest)) if inner.lower_host => {
                let at = rest.find('/').unwrap_or(rest.len());
                format!("{scheme}://{}{}", rest[..at].to_lowercase(), &rest[at..])
            }
            _ => dto.uri,
        },
        secret_key: dto.secret_key.unwrap_or_default(),
        enabled: dto.enabled || quirk,
        ssl: dto.ssl || quirk,
        triggers: dto.triggers as u64,
        target_id: dto.target_id,
        created_by: Some(CALLER.to_owned()),
        created_on: Some(dto::now()),
        modified_by: None,
        modified_on: None,
        last_failure_on: None,
        last_failure_content: None,
        last_success_on: None,
        delivery_status: 0,
    };
    let reply = envelope::success(ctx, ConfigDto::of(&stored, &inner.owner), 1);
    inner.webhooks.insert(id, stored);
    Ok(reply)
}

/// Full replacement (§10): the checks run before the lookup, omitted members reset.
fn update(inner: &mut Inner, dto: Dto, ctx: &Ctx) -> Result<Reply, Reply> {
    check_admin(inner)?;
    checks::check_webhook(inner, &candidate(&dto), false)?;
    let id = dto.id.unwrap_or_default();
    let stored = inner
        .webhooks
        .get_mut(&id)
        .ok_or_else(Exception::not_found)?;
    stored.name = dto.name;
    stored.uri = dto.uri;
    stored.enabled = dto.enabled;
    stored.ssl = dto.ssl;
    stored.triggers = dto.triggers as u64;
    stored.target_id = dto.target_id;
    if let Some(secret) = dto.secret_key.filter(|s| !s.is_empty()) {
        stored.secret_key = secret;
    }
    stored.modified_by = Some(CALLER.to_owned());
    stored.modified_on = Some(dto::now());
    Ok(envelope::success(
        ctx,
        ConfigDto::of(stored, &inner.owner),
        1,
    ))
}

/// Reads only `id` and `enabled` (§11); enabling re-checks the stored record, disabling not.
fn enable(inner: &mut Inner, dto: Dto, ctx: &Ctx) -> Result<Reply, Reply> {
    check_admin(inner)?;
    let id = dto.id.unwrap_or_default();
    let stored = inner
        .webhooks
        .get(&id)
        .cloned()
        .ok_or_else(Exception::not_found)?;
    if dto.enabled {
        let candidate = Candidate {
            name: &stored.name,
            uri: &stored.uri,
            secret_key: Some(&stored.secret_key),
            ssl: stored.ssl,
        };
        checks::check_webhook(inner, &candidate, false)?;
    }
    let stored = inner
        .webhooks
        .get_mut(&id)
        .ok_or_else(Exception::not_found)?;
    stored.enabled = dto.enabled;
    stored.modified_by = Some(CALLER.to_owned());
    stored.modified_on = Some(dto::now());
    Ok(envelope::success(
        ctx,
        ConfigDto::of(stored, &inner.owner),
        1,
    ))
}

/// Deleting a webhook deletes its delivery log (MySQL's cascade), or fails with a 500 while it
/// has deliveries (PostgreSQL's restrict, `delete_restrict`) (§21).
fn delete(inner: &mut Inner, id: i32, ctx: &Ctx) -> Result<Reply, Reply> {
    check_admin(inner)?;
    if !inner.webhooks.contains_key(&id) {
        return Err(Exception::not_found().into());
    }
    let has_log = inner.log.values().any(|row| row.config_id == id);
    if has_log && inner.delete_restrict {
        return Err(Exception::db_update().into());
    }
    inner.log.retain(|_, row| row.config_id != id);
    inner.outcomes.remove(&id);
    let removed = inner
        .webhooks
        .remove(&id)
        .ok_or_else(Exception::not_found)?;
    Ok(envelope::success(
        ctx,
        ConfigDto::of(&removed, &inner.owner),
        1,
    ))
}

/// What `CheckWebhook` looks at in a create or update body.
fn candidate(dto: &Dto) -> Candidate<'_> {
    Candidate {
        name: &dto.name,
        uri: &dto.uri,
        secret_key: dto.secret_key.as_deref(),
        ssl: dto.ssl,
    }
}

//! Model binding of `Create…`/`UpdateWebhooksConfigRequestsDto` bodies (docs/docspace-api.md §8),
//! failing the way ASP.NET's `[ApiController]` does, with a ValidationProblemDetails (§5.2).
//!
//! Like System.Text.Json: property names are case-insensitive, the first type error stops the
//! read, attribute checks (`[Required]`, `[StringLength]`) run only on a body that was read.
//! STRICTER than the real server, on purpose, so client bugs surface here instead of in
//! production: an unknown property is a 400 (the server ignores it), and numbers sent as
//! strings are refused (the server's `AllowReadingFromString` would accept `"id": "5"`).

use serde_json::{Map, Value};

use super::envelope::{self, Ctx, Errors};
use super::reply::Reply;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Create,
    Update,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Create => "ASC.Web.Api.ApiModels.RequestsDto.CreateWebhooksConfigRequestsDto",
            Kind::Update => "ASC.Web.Api.ApiModels.RequestsDto.UpdateWebhooksConfigRequestsDto",
        }
    }
}

/// A body that bound and passed the attribute checks. Omitted members carry C# defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Dto {
    /// Always `Some` for `Kind::Update`.
    pub id: Option<i32>,
    pub name: String,
    pub uri: String,
    pub secret_key: Option<String>,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: i64,
    pub target_id: Option<String>,
}

pub(super) fn parse(
    kind: Kind,
    content_type: Option<&str>,
    body: &[u8],
    ctx: &Ctx,
) -> Result<Dto, Reply> {
    if !is_json(content_type) {
        return Err(envelope::unsupported_media_type(ctx));
    }
    if body.is_empty() {
        return Err(invalid(ctx, "", "A non-empty request body is required."));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let message = format!(
            "The request body is not valid JSON: {e}. Path: $ | LineNumber: {} | BytePositionInLine: {}.",
            e.line().saturating_sub(1),
            e.column()
        );
        unreadable(ctx, "$", message)
    })?;
    let Value::Object(members) = value else {
        return Err(unreadable(ctx, "$", cannot_convert(kind.type_name(), "$")));
    };
    let (dto, has_id) =
        read_members(kind, &members).map_err(|(path, msg)| unreadable(ctx, &path, msg))?;
    if kind == Kind::Update && !has_id {
        let message = format!(
            "JSON deserialization for type '{}' was missing required properties including: 'id'.",
            kind.type_name()
        );
        return Err(unreadable(ctx, "$", message));
    }
    let errors = check_attributes(&dto);
    if errors.is_empty() {
        Ok(dto)
    } else {
        Err(envelope::validation(ctx, &errors))
    }
}

/// What `SystemTextJsonInputFormatter` accepts: `application/json`, `text/json`, `*/*+json`.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

type ReadError = (String, String);

/// Reads the members in order, stopping at the first one that cannot be read. Absent and null
/// strings both end up empty, which `[Required]` treats alike.
fn read_members(kind: Kind, members: &Map<String, Value>) -> Result<(Dto, bool), ReadError> {
    let mut dto = Dto::default();
    let mut has_id = false;
    for (key, value) in members {
        let path = format!("$.{key}");
        match key.to_ascii_lowercase().as_str() {
            "id" if kind == Kind::Update => {
                let id = value
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| (path.clone(), cannot_convert("System.Int32", &path)))?;
                dto.id = Some(id);
                has_id = true;
            }
            "name" => dto.name = string(value, &path)?.unwrap_or_default(),
            "uri" => dto.uri = string(value, &path)?.unwrap_or_default(),
            "secretkey" => dto.secret_key = string(value, &path)?,
            "targetid" => dto.target_id = string(value, &path)?,
            "enabled" => dto.enabled = boolean(value, &path)?,
            "ssl" => dto.ssl = boolean(value, &path)?,
            "triggers" => {
                // A C# enum over long, read by the default converter: integers only.
                dto.triggers = value.as_i64().ok_or_else(|| {
                    (
                        path.clone(),
                        cannot_convert("ASC.Webhooks.Core.WebhookTrigger", &path),
                    )
                })?;
            }
            _ => {
                let message = format!(
                    "The JSON property '{key}' could not be mapped to any .NET member contained in type '{}'.",
                    kind.type_name()
                );
                return Err((path, message));
            }
        }
    }
    Ok((dto, has_id))
}

fn string(value: &Value, path: &str) -> Result<Option<String>, ReadError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err((path.to_owned(), cannot_convert("System.String", path))),
    }
}

fn boolean(value: &Value, path: &str) -> Result<bool, ReadError> {
    value
        .as_bool()
        .ok_or_else(|| (path.to_owned(), cannot_convert("System.Boolean", path)))
}

fn cannot_convert(type_name: &str, path: &str) -> String {
    format!(
        "The JSON value could not be converted to {type_name}. Path: {path} | LineNumber: 0 | BytePositionInLine: 0."
    )
}

/// `[Required]` (null, empty or whitespace fails) and `[StringLength]` (UTF-16 units).
fn check_attributes(dto: &Dto) -> Errors {
    let mut errors = Errors::new();
    let mut add =
        |key: &str, message: String| errors.entry(key.to_owned()).or_default().push(message);
    let too_long = |s: &str, max: usize| s.encode_utf16().count() > max;
    if dto.name.trim().is_empty() {
        add("Name", "The Name field is required.".to_owned());
    } else if too_long(&dto.name, 50) {
        add(
            "Name",
            "The field Name must be a string with a maximum length of 50.".to_owned(),
        );
    }
    if dto.uri.trim().is_empty() {
        add("Uri", "The Uri field is required.".to_owned());
    }
    if dto.secret_key.as_deref().is_some_and(|s| too_long(s, 50)) {
        add(
            "SecretKey",
            "The field SecretKey must be a string with a maximum length of 50.".to_owned(),
        );
    }
    if dto.target_id.as_deref().is_some_and(|s| too_long(s, 255)) {
        add(
            "TargetId",
            "The field TargetId must be a string with a maximum length of 255.".to_owned(),
        );
    }
    errors
}

fn invalid(ctx: &Ctx, key: &str, message: &str) -> Reply {
    let mut errors = Errors::new();
    errors.insert(key.to_owned(), vec![message.to_owned()]);
    envelope::validation(ctx, &errors)
}

/// A body System.Text.Json could not read: its error plus the unbound parameter.
fn unreadable(ctx: &Ctx, path: &str, message: String) -> Reply {
    let mut errors = Errors::new();
    errors.insert(path.to_owned(), vec![message]);
    errors.insert(
        "inDto".to_owned(),
        vec!["The inDto field is required.".to_owned()],
    );
    envelope::validation(ctx, &errors)
}

/// `WebhookRetryRequestsDto` (docs/docspace-api.md §21): `{"ids": [int, ...]}`, the member name
/// read case-insensitively; `null` or an absent `ids` is no ids. As strict as the webhook
/// bodies: another member, or an id that is not an int32 number, is a 400.
pub(super) fn parse_ids(
    content_type: Option<&str>,
    body: &[u8],
    ctx: &Ctx,
) -> Result<Vec<i32>, Reply> {
    const TYPE: &str = "ASC.Web.Api.ApiModels.RequestsDto.WebhookRetryRequestsDto";
    if !is_json(content_type) {
        return Err(envelope::unsupported_media_type(ctx));
    }
    if body.is_empty() {
        return Err(invalid(ctx, "", "A non-empty request body is required."));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| unreadable(ctx, "$", format!("The JSON is invalid: {e}")))?;
    let Value::Object(members) = value else {
        return Err(unreadable(ctx, "$", cannot_convert(TYPE, "$")));
    };
    let mut ids = Vec::new();
    for (key, value) in &members {
        let path = format!("$.{key}");
        if !key.eq_ignore_ascii_case("ids") {
            let message = format!(
                "The JSON property '{key}' could not be mapped to any .NET member contained in type '{TYPE}'."
            );
            return Err(unreadable(ctx, &path, message));
        }
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    let id = item
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .ok_or_else(|| unreadable(ctx, &at, cannot_convert("System.Int32", &at)))?;
                    ids.push(id);
                }
            }
            _ => {
                let message =
                    cannot_convert("System.Collections.Generic.List`1[System.Int32]", &path);
                return Err(unreadable(ctx, &path, message));
            }
        }
    }
    Ok(ids)
}

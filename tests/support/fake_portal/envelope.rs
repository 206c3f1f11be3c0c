//! The envelopes the portal answers in (docs/docspace-api.md §4, §5): success, the exception
//! envelope, and the wrapped ValidationProblemDetails. Derive structs keep the server's key
//! order.

use std::collections::BTreeMap;

use serde::Serialize;

use super::reply::Reply;

const JSON: &str = "application/json; charset=utf-8";
/// ASP.NET labels ProblemDetails results this way even inside the envelope (§5.2, inferred).
const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";

/// What every envelope needs to know about the request it answers.
pub(super) struct Ctx {
    pub href: String,
    pub method: String,
}

#[derive(Serialize)]
struct Link<'a> {
    href: &'a str,
    action: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Success<'a, T: Serialize> {
    response: T,
    count: usize,
    /// Only the delivery log sets it (§4).
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<usize>,
    links: [Link<'a>; 1],
    status: u8,
    status_code: u16,
}

/// 200 with `payload` in the success envelope. `count` is passed in because the real server
/// reports 1 for its async-iterator lists whatever their length (§4).
pub(super) fn success<T: Serialize>(ctx: &Ctx, payload: T, count: usize) -> Reply {
    wrapped(ctx, 200, JSON, payload, count, None, 0)
}

/// `success` with the envelope's `total`, which only the delivery log carries (§21).
pub(super) fn success_with_total<T: Serialize>(
    ctx: &Ctx,
    payload: T,
    count: usize,
    total: usize,
) -> Reply {
    wrapped(ctx, 200, JSON, payload, count, Some(total), 0)
}

fn wrapped<T: Serialize>(
    ctx: &Ctx,
    http: u16,
    content_type: &str,
    payload: T,
    count: usize,
    total: Option<usize>,
    status: u8,
) -> Reply {
    let body = Success {
        response: payload,
        count,
        total,
        links: [Link {
            href: &ctx.href,
            action: &ctx.method,
        }],
        status,
        status_code: http,
    };
    Reply::json(http, content_type, &body)
}

/// A .NET exception the controller threw, mapped by `CustomExceptionHandler` (§5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Exception {
    pub status: u16,
    pub message: String,
    pub type_name: &'static str,
    pub hresult: i32,
}

impl Exception {
    pub fn argument(message: impl Into<String>) -> Exception {
        Exception {
            status: 400,
            message: message.into(),
            type_name: "System.ArgumentException",
            hresult: -2147024809,
        }
    }
    pub fn argument_null(parameter: &str) -> Exception {
        Exception {
            status: 400,
            message: format!("Value cannot be null. (Parameter '{parameter}')"),
            type_name: "System.ArgumentNullException",
            hresult: -2147467261,
        }
    }
    pub fn not_found() -> Exception {
        Exception {
            status: 404,
            message: "The record could not be found".to_owned(),
            type_name: "ASC.Common.Web.ItemNotFoundException",
            hresult: -2146233088,
        }
    }
    pub fn access_denied() -> Exception {
        Exception {
            status: 403,
            message: "Access denied".to_owned(),
            type_name: "System.Security.SecurityException",
            hresult: -2146233078,
        }
    }
    pub fn http_request(message: String) -> Exception {
        Exception {
            status: 500,
            message,
            type_name: "System.Net.Http.HttpRequestException",
            hresult: -2147467259,
        }
    }

    /// EF Core's wrapper of a database error, mapped to 500 with its own (outer) message: the
    /// PostgreSQL foreign-key refusal of deleting a webhook that has deliveries (§21, inferred).
    pub fn db_update() -> Exception {
        Exception {
            status: 500,
            message: "An error occurred while saving the entity changes. See the inner exception for details.".to_owned(),
            type_name: "Microsoft.EntityFrameworkCore.DbUpdateException",
            hresult: -2146233088,
        }
    }

    pub fn reply(&self) -> Reply {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            error: Error<'a>,
            status: u8,
            status_code: u16,
        }
        #[derive(Serialize)]
        struct Error<'a> {
            message: &'a str,
            #[serde(rename = "type")]
            type_name: &'a str,
            stack: &'a str,
            hresult: i32,
        }
        let body = Body {
            error: Error {
                message: &self.message,
                type_name: self.type_name,
                stack: "   at ASC.Web.Api.Controllers.Settings.WebhooksController.CheckWebhook(...)\n   at lambda_method(Closure, Object)",
                hresult: self.hresult,
            },
            status: 1,
            status_code: self.status,
        };
        Reply::json(self.status, JSON, &body)
    }
}

/// Model-binding failures, keyed the way ASP.NET keys them (`Name`, `$.triggers`, `inDto`).
pub(super) type Errors = BTreeMap<String, Vec<String>>;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    type_uri: &'a str,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a Errors>,
    trace_id: &'a str,
}

const TRACE_ID: &str = "00-8e1f0a3c5b7d49e2a6c4f1b3d5e7a9c1-1a2b3c4d5e6f7a8b-00";

/// 400 with a ValidationProblemDetails wrapped in the success envelope, `status: 1` (§5.2).
pub(super) fn validation(ctx: &Ctx, errors: &Errors) -> Reply {
    let problem = Problem {
        type_uri: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        title: "One or more validation errors occurred.",
        status: 400,
        errors: Some(errors),
        trace_id: TRACE_ID,
    };
    wrapped(ctx, 400, PROBLEM_JSON, problem, 1, None, 1)
}

/// 415 for a body that is not labelled JSON: a plain ProblemDetails, which the envelope
/// marks `status: 0` since only ValidationProblemDetails sets 1 (§4; inferred).
pub(super) fn unsupported_media_type(ctx: &Ctx) -> Reply {
    let problem = Problem {
        type_uri: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        title: "Unsupported Media Type",
        status: 415,
        errors: None,
        trace_id: TRACE_ID,
    };
    wrapped(ctx, 415, PROBLEM_JSON, problem, 1, None, 0)
}

impl From<Exception> for Reply {
    fn from(exception: Exception) -> Reply {
        exception.reply()
    }
}

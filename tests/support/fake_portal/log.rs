//! The delivery log and redelivery endpoints (docs/docspace-api.md §21): `GET
//! /api/2.0/settings/webhooks/log` and the two `PUT .../retry`.
//!
//! As on the server: the log is filtered by `configId`, `eventId`, `groupStatus` (flags),
//! `trigger` and `hookUri`, read newest first (log id descending), paged by `startIndex` and
//! `count` (1 to 100, default 100, else a 400 validation problem), and its envelope's `total` is
//! the number of matching rows while `count` says 1; unknown query parameters (the old
//! `webhookId`) are ignored. The bulk retry skips unknown ids silently and answers the new
//! rows; the single retry answers 400 for id 0 and 404 for an unknown id. Not modelled:
//! `deliveryFrom`/`deliveryTo` (refused with a 400 naming the fake, never answered wrongly)
//! and `userId` (every caller is the admin). `LogQuirks` make it answer as a broken portal, or
//! a cache in front of one, would: filters or `startIndex` ignored, pages cut short or empty
//! before `total`, a wrong `total`, dates that are not dates.

use std::collections::HashMap;

use serde::Serialize;

use super::body;
use super::deliveries::{Delivery, group_of};
use super::dto;
use super::envelope::{self, Ctx, Errors, Exception};
use super::reply::Reply;
use super::state::Inner;
use super::triggers::TRIGGERS;

/// How the log answers wrong; all off by default.
#[derive(Debug, Clone, Default)]
pub struct LogQuirks {
    /// `configId`, `groupStatus` and `trigger` are ignored, as unknown parameters are.
    pub ignore_filters: bool,
    /// `startIndex` is ignored: every page is the first.
    pub ignore_start: bool,
    /// At most this many rows a page, whatever `count` asks.
    pub page_cap: Option<usize>,
    /// No rows from this index on, while `total` still counts them.
    pub empty_from: Option<usize>,
    /// `total` says this, whatever the number of matches.
    pub total: Option<usize>,
    /// `creationTime` written as this text, by log id.
    pub dates: HashMap<i32, String>,
    /// The rows oldest first, as a cache that sorts them would serve them.
    pub oldest_first: bool,
}

/// `WebhooksLogDto`: nulls omitted; `method` and `route` are never filled by the server.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogDto<'a> {
    id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_name: Option<&'a str>,
    trigger: i64,
    creation_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_headers: Option<&'a str>,
    request_payload: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_headers: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_payload: Option<&'a str>,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<String>,
    /// Newer servers only (`FakePortal::set_newer_log_fields`).
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts: Option<u32>,
}

impl<'a> LogDto<'a> {
    fn of(row: &'a Delivery, inner: &'a Inner) -> LogDto<'a> {
        LogDto {
            id: row.id,
            config_name: inner.webhooks.get(&row.config_id).map(|w| w.name.as_str()),
            trigger: row.trigger as i64,
            creation_time: (inner.log_quirks.dates.get(&row.id).cloned())
                .unwrap_or_else(|| dto::date(row.creation_time, 0)),
            request_headers: row.request_headers.as_deref(),
            request_payload: &row.request_payload,
            response_headers: row.response_headers.as_deref(),
            response_payload: row.response_payload.as_deref(),
            status: row.status,
            delivery: row.delivery.map(|at| dto::date(at, 0)),
            attempts: inner
                .newer_log_fields
                .then_some(u32::from(row.request_headers.is_some())),
        }
    }
}

/// The query of `GET .../webhooks/log`, as bound.
#[derive(Debug, Default)]
struct Query {
    config_id: Option<i32>,
    event_id: Option<i32>,
    group_status: u32,
    trigger: u64,
    hook_uri: Option<String>,
    count: i64,
    start_index: i64,
}

pub(super) fn read(inner: &Inner, query: Option<&str>, ctx: &Ctx) -> Reply {
    let mut q = match bind(query.unwrap_or(""), ctx) {
        Ok(q) => q,
        Err(reply) => return reply,
    };
    let quirks = &inner.log_quirks;
    if quirks.ignore_filters {
        (q.config_id, q.group_status, q.trigger) = (None, 0, 0);
    }
    if quirks.ignore_start {
        q.start_index = 0;
    }
    let start = usize::try_from(q.start_index).unwrap_or(0);
    let count = usize::try_from(q.count).unwrap_or(0);
    let count = match quirks.empty_from {
        Some(from) if start >= from => 0,
        _ => quirks.page_cap.map_or(count, |cap| count.min(cap)),
    };
    let mut matching: Vec<&Delivery> = inner
        .log
        .values()
        .rev()
        // The inner join: a row whose webhook is gone is not shown.
        .filter(|row| inner.webhooks.contains_key(&row.config_id))
        .filter(|row| q.config_id.is_none_or(|id| row.config_id == id))
        .filter(|row| q.event_id.is_none_or(|id| row.id == id))
        .filter(|row| q.group_status == 0 || q.group_status & group_of(row.status) != 0)
        .filter(|row| q.trigger == 0 || row.trigger == q.trigger)
        .filter(|row| {
            q.hook_uri.as_deref().is_none_or(|uri| {
                inner
                    .webhooks
                    .get(&row.config_id)
                    .is_some_and(|w| w.uri == uri)
            })
        })
        .collect();
    if quirks.oldest_first {
        matching.reverse();
    }
    let total = matching.len();
    let page: Vec<LogDto<'_>> = matching
        .into_iter()
        .skip(start)
        .take(count)
        .map(|row| LogDto::of(row, inner))
        .collect();
    // An async iterator again: `count` says 1, `total` is the number of matches.
    let total = inner.log_quirks.total.unwrap_or(total);
    envelope::success_with_total(ctx, page, 1, total)
}

/// Model binding of the query: a value that is not of its type, or a count out of range, is a
/// 400 validation problem.
fn bind(query: &str, ctx: &Ctx) -> Result<Query, Reply> {
    let mut q = Query {
        count: 100,
        ..Query::default()
    };
    let mut errors = Errors::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key), decode(value));
        let mut bad = |name: &str| {
            errors
                .entry(name.to_owned())
                .or_default()
                .push(format!("The value '{value}' is not valid for {name}."));
        };
        match key.to_ascii_lowercase().as_str() {
            "configid" => match value.parse() {
                Ok(v) => q.config_id = Some(v),
                Err(_) => bad("ConfigId"),
            },
            "eventid" => match value.parse() {
                Ok(v) => q.event_id = Some(v),
                Err(_) => bad("EventId"),
            },
            "count" => match value.parse() {
                Ok(v) => q.count = v,
                Err(_) => bad("Count"),
            },
            "startindex" => match value.parse() {
                Ok(v) => q.start_index = v,
                Err(_) => bad("StartIndex"),
            },
            "groupstatus" => match group_status(&value) {
                Some(v) => q.group_status = v,
                None => bad("GroupStatus"),
            },
            "trigger" => match trigger(&value) {
                Some(v) => q.trigger = v,
                None => bad("Trigger"),
            },
            "hookuri" => q.hook_uri = Some(value.clone()),
            "deliveryfrom" | "deliveryto" => errors.entry(key.clone()).or_default().push(
                "The fake portal does not model deliveryFrom/deliveryTo (they match only \
                 successful deliveries)."
                    .to_owned(),
            ),
            _ => {}
        }
    }
    if errors.is_empty() && !(1..=100).contains(&q.count) {
        errors.insert(
            "Count".to_owned(),
            vec!["The field Count must be between 1 and 100.".to_owned()],
        );
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(envelope::validation(ctx, &errors))
    }
}

/// `WebhookGroupStatus` from a query string: a number, or flag names separated by commas.
fn group_status(value: &str) -> Option<u32> {
    if let Ok(n) = value.trim().parse::<u32>() {
        return Some(n);
    }
    value.split(',').try_fold(0, |acc, name| {
        let flag = match name.trim().to_ascii_lowercase().as_str() {
            "none" => 0,
            "notsent" => 1,
            "status2xx" => 2,
            "status3xx" => 4,
            "status4xx" => 8,
            "status5xx" => 16,
            _ => return None,
        };
        Some(acc | flag)
    })
}

/// `WebhookTrigger` from a query string: a number (the payload names are not enum names).
fn trigger(value: &str) -> Option<u64> {
    let n = value.trim().parse::<i64>().ok()?;
    let bit = n as u64;
    TRIGGERS
        .iter()
        .any(|(_, id)| *id as u64 == bit)
        .then_some(bit)
}

/// Percent-decoding of a query component, `+` as a space.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `PUT .../webhook/{id}/retry`.
pub(super) fn retry_one(inner: &mut Inner, id: i32, ctx: &Ctx) -> Result<Reply, Reply> {
    if id == 0 {
        return Err(Exception::argument("Id").into());
    }
    let row = inner.redeliver(id).ok_or_else(Exception::not_found)?;
    Ok(envelope::success(ctx, LogDto::of(&row, inner), 1))
}

/// `PUT .../webhook/retry` with `{"ids": [...]}`: unknown ids are skipped without a word.
pub(super) fn retry_many(
    inner: &mut Inner,
    content_type: Option<&str>,
    raw: &[u8],
    ctx: &Ctx,
) -> Result<Reply, Reply> {
    let ids = body::parse_ids(content_type, raw, ctx)?;
    let rows: Vec<Delivery> = ids.iter().filter_map(|&id| inner.redeliver(id)).collect();
    let dtos: Vec<LogDto<'_>> = rows.iter().map(|row| LogDto::of(row, inner)).collect();
    Ok(envelope::success(ctx, dtos, 1))
}

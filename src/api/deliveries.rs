//! The delivery log and redelivery (docs/docspace-api.md §21): a log row, the query that filters
//! the log, reading it a page at a time (newest first), and sending deliveries again.
//!
//! Invariants: a row's request body and headers are kept exactly as the portal recorded them (a
//! signature is checked over those bytes), while the receiver's answer, text from outside, is
//! scrubbed of every registered secret; `Debug` shows neither the body nor the signature; a page
//! is read at most once per call and no row is returned twice, even when new deliveries push
//! older rows down while the log is read.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::Value;

use super::client::Client;
use super::error::{ApiError, Endpoint};
use super::wire::{self, Fields, RetryRequest};
use crate::calendar::{civil_from_days, days_from_civil};
use crate::redact::Redactor;
use crate::triggers::TriggerSet;

const LOG_PATH: &str = "/api/2.0/settings/webhooks/log";
const RETRY_PATH: &str = "/api/2.0/settings/webhook/retry";
/// The most rows the log answers at once, and the most ids one bulk redelivery carries.
pub const LOG_PAGE: u32 = 100;
/// How far past its total a log is read: far enough for the deliveries made while it is read
/// and a total a cache keeps for a while, not on and on (a portal whose pages never end).
const PAST_TOTAL: u64 = 10 * LOG_PAGE as u64;

/// One delivery as the log records it (`WebhooksLogDto`). Members the tool does not read
/// (`method`, `route`, `responseHeaders`, anything newer) are ignored.
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The log id: what the retry endpoints take.
    pub id: i32,
    /// The webhook's name now (the log joins the webhooks); the row has no webhook id.
    pub config_name: Option<String>,
    pub trigger: TriggerSet,
    pub creation_time: String,
    /// The request headers (JSON text) and body of the last attempt, exactly as recorded.
    pub request_headers: Option<String>,
    pub request_payload: Option<String>,
    /// The receiver's answer (or the exception's text), scrubbed of every registered secret.
    pub response_payload: Option<String>,
    /// The HTTP status; 0 for "not sent yet" and for "no answer". A timeout is 500.
    pub status: u16,
    /// When it was delivered; only a successful delivery has it.
    pub delivery: Option<String>,
    /// Newer servers only: attempts so far, and when the next is due.
    pub attempts: Option<u32>,
    pub next_attempt_on: Option<String>,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = |text: &Option<String>| text.as_ref().map(String::len);
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("config_name", &self.config_name)
            .field("trigger", &self.trigger.bits())
            .field("created_at", &self.created_at())
            .field("request_headers_bytes", &size(&self.request_headers))
            .field("request_payload_bytes", &size(&self.request_payload))
            .field("response_payload_bytes", &size(&self.response_payload))
            .field("status", &self.status)
            .field("delivery", &self.delivery)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl Delivery {
    /// Below 200, then by hundreds, 500 and above in the last.
    pub fn class(&self) -> StatusClass {
        StatusClass::ALL[usize::from(self.status / 100).clamp(1, 5) - 1]
    }

    /// The recorded `x-docspace-signature-256` value (`sha256=<HEX>`). The headers' values are
    /// lists of strings, or strings; the name is matched in any case.
    pub fn signature(&self) -> Option<String> {
        let headers: Value = serde_json::from_str(self.request_headers.as_deref()?).ok()?;
        let (_, value) = headers
            .as_object()?
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("x-docspace-signature-256"))?;
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Array(values) => values.first()?.as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// Whether the sender has queued this row and not sent it yet: status 0, without the
    /// exception's text a failed attempt records (docs/docspace-api.md §21).
    pub fn is_queued(&self) -> bool {
        self.status == 0 && self.response_payload.is_none()
    }

    /// `creation_time` as a time (with the offset of the portal's process, docs/docspace-api.md
    /// §21); `None` when the text is not a date.
    pub fn created_at(&self) -> Option<SystemTime> {
        portal_time(&self.creation_time)
    }
}

/// Shown for a row's date the tool cannot read. Not the text itself: it is the portal's (or a
/// proxy's), may hold anything (an echoed key, markup for a Markdown comment), and, not being a
/// date, tells the reader nothing a date would.
pub const UNREADABLE_DATE: &str = "(unreadable date)";

/// The server's `WebhookGroupStatus` classes of a delivery's status. Each one's number is its
/// bit in the log query's `groupStatus` flags (`1 << class`), and orders them as `ALL` does.
/// Declared in the order `redeliver --status` offers them: clap's `value_variants()` are the
/// failure classes because 2xx is skipped, and the comment on `Unsent` is `//`, not `///`,
/// because clap would print a doc comment as that value's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum StatusClass {
    #[value(name = "5xx")]
    ServerError = 4,
    #[value(name = "4xx")]
    ClientError = 3,
    #[value(name = "3xx")]
    Redirect = 2,
    // Status 0: not sent yet, or no HTTP answer (DNS, refused connection, TLS).
    Unsent = 0,
    #[value(skip)]
    Success = 1,
}

impl StatusClass {
    pub const ALL: [StatusClass; 5] = [
        StatusClass::Unsent,
        StatusClass::Success,
        StatusClass::Redirect,
        StatusClass::ClientError,
        StatusClass::ServerError,
    ];
}

impl fmt::Display for StatusClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(["unsent", "2xx", "3xx", "4xx", "5xx"][*self as usize])
    }
}

/// Which rows of the log to read. Empty: every row the key may see. `deliveryFrom` and
/// `deliveryTo` are left out on purpose: they match only successful deliveries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    config_id: Option<i32>,
    config_name: Option<String>,
    group_status: u32,
    trigger: Option<u64>,
}

impl LogQuery {
    pub fn new() -> LogQuery {
        LogQuery::default()
    }

    /// Only this webhook's deliveries: by id for the portal, by name for the rows it answers.
    pub fn webhook(mut self, id: i32, name: &str) -> LogQuery {
        self.config_id = Some(id);
        self.config_name = Some(name.to_owned());
        self
    }

    /// Adds a class of status: the rows of any class added are read. Its flag in `groupStatus`
    /// is 1, 2, 4, 8, 16 in the order of `ALL`.
    pub fn status(mut self, class: StatusClass) -> LogQuery {
        self.group_status |= 1 << class as u32;
        self
    }

    /// Rows of every status class.
    pub fn any_status(mut self) -> LogQuery {
        self.group_status = 0;
        self
    }

    /// Only this trigger's events (one bit; `TriggerSet::ALL` is no filter).
    pub fn trigger(mut self, trigger: TriggerSet) -> LogQuery {
        self.trigger = (!trigger.is_all()).then_some(trigger.bits());
        self
    }

    /// Whether the row is one the query asks for. A portal, or a cache in front of it, that
    /// ignores a parameter (unknown ones are ignored, docs/docspace-api.md §21) answers others.
    /// A row names its webhook only by name, so two webhooks of one name are not told apart.
    pub fn admits(&self, row: &Delivery) -> bool {
        (self.group_status == 0 || self.group_status & (1 << row.class() as u32) != 0)
            && self.trigger.is_none_or(|bits| row.trigger.bits() == bits)
            && (self.config_name.as_ref()).is_none_or(|name| row.config_name.as_ref() == Some(name))
    }

    fn path(&self, start_index: u32, count: u32) -> String {
        let mut path = format!("{LOG_PATH}?count={count}&startIndex={start_index}");
        if let Some(id) = self.config_id {
            path.push_str(&format!("&configId={id}"));
        }
        if self.group_status != 0 {
            path.push_str(&format!("&groupStatus={}", self.group_status));
        }
        if let Some(bits) = self.trigger {
            path.push_str(&format!("&trigger={}", bits.cast_signed()));
        }
        path
    }
}

/// One page of the log, newest first, and how many rows match the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage {
    pub rows: Vec<Delivery>,
    pub total: u64,
}

/// The rows a read of the log kept, newest first, and what it left out.
#[derive(Debug, Default)]
pub struct LogRead {
    pub rows: Vec<Delivery>,
    /// Rows the portal answered that the query does not ask for (`LogQuery::admits`).
    pub outside: usize,
    /// The query's rows whose date cannot be read, left out since no row read below them is
    /// dated in the window. A row the query does not ask for may be (a success, below a
    /// failure): only a read of every status can tell.
    pub undated: Vec<Delivery>,
}

/// What a bulk redelivery did. The portal skips ids it does not know (or other users' rows, for a
/// key that is not an admin's) without a word, and the new rows do not say which id they repeat:
/// `skipped` is a count.
#[derive(Debug, Default)]
pub struct Redelivered {
    /// The new deliveries, queued (status 0).
    pub rows: Vec<Delivery>,
    /// Ids asked for, and in the requests the portal answered.
    pub asked: usize,
    pub answered: usize,
    /// New rows past one per id of the request that answered them: more than was asked for.
    pub extra: usize,
    /// Why the rest (`asked - answered`) were not sent, when a request failed.
    pub error: Option<ApiError>,
}

impl Redelivered {
    /// Ids resent, as far as the answers vouch: one a new row, none past the ids of a request.
    pub fn resent(&self) -> usize {
        self.rows.len() - self.extra
    }

    /// Ids the portal answered for without a new delivery.
    pub fn skipped(&self) -> usize {
        self.answered.saturating_sub(self.resent())
    }
}

impl Client {
    /// Up to `count` rows (1 to 100) from `start_index` on, and the query's total.
    pub async fn log_page(
        &self,
        query: &LogQuery,
        start_index: u32,
        count: u32,
    ) -> Result<LogPage, ApiError> {
        let path = query.path(start_index, count.clamp(1, LOG_PAGE));
        let endpoint = Endpoint::new(Method::GET, path);
        let v = self.send(&endpoint, None).await?;
        decode_page(&endpoint, &v)
    }

    /// The rows, newest first, down to the first that `keep` refuses or the end of the log (each
    /// page's total says where, unless rows past it prove it too small: then an empty page).
    /// `keep` says whether a row is in the window, `None` when it cannot tell (a date that cannot
    /// be read): such a row is kept when a row below it is, since the log is in the order the
    /// deliveries were made. A row the query does not ask for (`LogRead::outside`) is passed as
    /// `None` and never kept, so that a read can be bounded by the log's rows, not only by the
    /// query's.
    pub async fn log_while(
        &self,
        query: &LogQuery,
        keep: impl FnMut(Option<&Delivery>) -> Option<bool>,
    ) -> Result<LogRead, ApiError> {
        self.log_read(query, LOG_PAGE, usize::MAX, keep).await
    }

    /// The rows logged since `since`, read as `log_while` reads.
    pub async fn log_since(
        &self,
        query: &LogQuery,
        since: SystemTime,
    ) -> Result<LogRead, ApiError> {
        let keep = |row: Option<&Delivery>| {
            row.map_or(Some(true), |row| row.created_at().map(|at| at >= since))
        };
        self.log_while(query, keep).await
    }

    /// The query's rows among the newest `rows` rows of the log (at most a page), read as
    /// `log_while` reads. Rows the query does not admit count: a portal that ignores `configId`
    /// must not make it read the whole log for a webhook's own.
    pub async fn log_newest(&self, query: &LogQuery, rows: u32) -> Result<LogRead, ApiError> {
        let rows = rows.clamp(1, LOG_PAGE);
        self.log_read(query, rows, rows as usize, |_| Some(true))
            .await
    }

    /// Pages of `count` rows at first; at most `most` rows of the log read (the query's or not).
    async fn log_read(
        &self,
        query: &LogQuery,
        mut count: u32,
        most: usize,
        mut keep: impl FnMut(Option<&Delivery>) -> Option<bool>,
    ) -> Result<LogRead, ApiError> {
        // Rows whose date cannot be read (`undated`): in the window once an older row is dated in
        // it.
        let mut read = LogRead::default();
        let mut last: Option<i32> = None;
        let (mut start, mut seen) = (0, 0);
        // The largest total a page gave: rows past it prove it too small, but a log cannot go
        // on past it for more than the deliveries made while it is read.
        let mut total = 0;
        loop {
            let page = match self.log_page(query, start, count).await {
                // The log keeps each receiver's answer whole (an error page a time): a page of
                // them can outgrow what the client reads, so it is read again in smaller ones.
                Err(ApiError::TooLarge { .. }) if count > 1 => {
                    count = (count / 10).max(1);
                    continue;
                }
                page => page?,
            };
            let rows = u32::try_from(page.rows.len()).unwrap_or(u32::MAX);
            let fail = |detail: String| ApiError::LogPaging {
                endpoint: Endpoint::new(Method::GET, query.path(start, count)),
                detail,
            };
            // A page may be shorter than asked (a portal that caps it): only `total` ends the
            // log, and a page without rows before it leaves the rest unread.
            if rows == 0 && u64::from(start) < page.total {
                let total = page.total;
                return Err(fail(format!("no rows past the first {start} of {total}")));
            }
            // Only across pages can a row repeat; within one, a row not below the one before it
            // says the log is in another order (a cache that sorts it), and dropping it would
            // silently cut the read short.
            if page.rows.windows(2).any(|pair| pair[1].id >= pair[0].id) {
                let detail = "a page whose log ids do not descend (the log is not newest first)";
                return Err(fail(detail.to_owned()));
            }
            let mut fresh = false;
            for row in page.rows {
                // New deliveries push older rows down while the pages are read: a row at or
                // above the last one seen was seen already.
                if last.is_some_and(|last| row.id >= last) {
                    continue;
                }
                (last, fresh, seen) = (Some(row.id), true, seen + 1);
                if !query.admits(&row) {
                    read.outside += 1;
                    if keep(None) == Some(false) {
                        return Ok(read);
                    }
                } else {
                    match keep(Some(&row)) {
                        Some(false) => return Ok(read),
                        None => read.undated.push(row),
                        Some(true) => {
                            read.rows.append(&mut read.undated);
                            read.rows.push(row);
                        }
                    }
                }
                if seen >= most {
                    return Ok(read);
                }
            }
            // A portal that ignores `startIndex` answers the first page again and again.
            if rows > 0 && !fresh {
                return Err(fail(format!(
                    "the same rows again past the first {start} (it ignores `startIndex`)"
                )));
            }
            total = total.max(page.total);
            let read_to = start.saturating_add(rows);
            if u64::from(read_to) > total.saturating_add(PAST_TOTAL) {
                return Err(fail(format!(
                    "rows on to the {read_to}th, more than {PAST_TOTAL} past the largest total \
                     it gave ({total})"
                )));
            }
            start = read_to;
            // The total reached ends the log. Rows past it, however long their page (a portal
            // may cap pages, or ignore `count`), prove it too small: then only an empty page does.
            if rows == 0 || u64::from(start) == page.total {
                return Ok(read);
            }
        }
    }

    /// Sends these deliveries again, one request per 100 ids, in order, up to the first that
    /// fails (`Redelivered::error`).
    pub async fn redeliver(&self, log_ids: &[i32]) -> Redelivered {
        let endpoint = Endpoint::new(Method::PUT, RETRY_PATH);
        let mut done = Redelivered {
            asked: log_ids.len(),
            ..Redelivered::default()
        };
        // The ids a new row cannot have: those sent, and those earlier answers named.
        let mut seen = log_ids.iter().copied().collect();
        for ids in log_ids.chunks(LOG_PAGE as usize) {
            // Counted by a signal's notice, and named by a forced exit: it may land unreported.
            let _in_flight = self
                .halt()
                .begin(format!("resend of {} deliveries", ids.len()));
            let payload = self.payload(&endpoint, &RetryRequest { ids }, None);
            let sent = async { self.send(&endpoint, Some(&payload?)).await };
            let rows = sent.await.and_then(|v| decode_rows(&endpoint, &v));
            match rows.and_then(|rows| each_new(&endpoint, rows, &mut seen)) {
                Ok(rows) => {
                    done.answered += ids.len();
                    done.extra += rows.len().saturating_sub(ids.len());
                    done.rows.extend(rows);
                }
                Err(e) => {
                    done.error = Some(e);
                    break;
                }
            }
        }
        done
    }
}

/// A retry's new rows, each a new delivery, its id none of `seen` (the ids sent, and the new
/// rows of earlier answers). An answer that names one twice (doubled by a proxy or cache),
/// echoes the rows sent, or replays an earlier answer cannot say what the portal queued, so it
/// is not taken as the portal's.
fn each_new(
    endpoint: &Endpoint,
    rows: Vec<Delivery>,
    seen: &mut std::collections::HashSet<i32>,
) -> Result<Vec<Delivery>, ApiError> {
    match rows.iter().position(|r| !seen.insert(r.id)) {
        Some(i) => Err(wire::shape(
            endpoint,
            &format!("response[{i}].id"),
            "each new delivery once, under an id not sent",
            format!("#{} again", rows[i].id),
        )),
        None => Ok(rows),
    }
}

fn decode_page(endpoint: &Endpoint, v: &Value) -> Result<LogPage, ApiError> {
    let rows = decode_rows(endpoint, v)?;
    // `count` says 1 whatever the length: only `total` counts the matches.
    let total = v.get("total").and_then(Value::as_u64).ok_or_else(|| {
        let found = v
            .get("total")
            .map_or_else(|| "nothing (the member is missing)".to_owned(), wire::found);
        let expected = "the number of matching deliveries";
        wire::shape(endpoint, "total", expected, found)
    })?;
    Ok(LogPage { rows, total })
}

fn decode_rows(endpoint: &Endpoint, v: &Value) -> Result<Vec<Delivery>, ApiError> {
    let redactor = Redactor::registered();
    wire::list(endpoint, v, "a list of deliveries")?
        .iter()
        .enumerate()
        .map(|(i, item)| decode_row(endpoint, &format!("response[{i}]"), item, &redactor))
        .collect()
}

fn decode_row(
    endpoint: &Endpoint,
    at: &str,
    v: &Value,
    redactor: &Redactor,
) -> Result<Delivery, ApiError> {
    const EXPECTED: &str = "a delivery with id, trigger, creationTime and status";
    let Value::Object(map) = v else {
        return Err(wire::shape(endpoint, at, EXPECTED, wire::found(v)));
    };
    let f = Fields { endpoint, at, map };
    let scrubbed = |text: Option<String>| text.map(|t| redactor.scrub(&t));
    Ok(Delivery {
        id: f.required("id", "an int32 id")?,
        config_name: f.optional("configName", "a string")?,
        trigger: f.bitmask("trigger")?,
        creation_time: f.required("creationTime", "a date string")?,
        request_headers: f.optional("requestHeaders", "JSON text")?,
        request_payload: f.optional("requestPayload", "JSON text")?,
        response_payload: scrubbed(f.optional("responsePayload", "a string")?),
        status: f.required("status", "an HTTP status")?,
        delivery: f.optional("delivery", "a date string")?,
        attempts: f.optional("attempts", "a number")?,
        next_attempt_on: f.optional("nextAttemptOn", "a date string")?,
    })
}

/// A portal date (`2026-06-30T13:05:11.0000000+00:00`; also a `Z`, or no fraction or offset).
pub fn portal_time(text: &str) -> Option<SystemTime> {
    let (date, rest) = text.trim().split_once('T')?;
    let three = |text: &str, sep: char| {
        let mut parts = text.splitn(3, sep).map(str::parse::<i64>);
        let mut next = || parts.next()?.ok();
        Some((next()?, next()?, next()?))
    };
    let clock_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (clock, mut rest) = rest.split_at(clock_end);
    let ((year, month, day), (hour, minute, second)) = (three(date, '-')?, three(clock, ':')?);
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        nanos = format!("{:0<9}", &fraction[..digits.min(9)]).parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let (sign, zone) = match rest.strip_prefix('+') {
                Some(zone) => (1, zone),
                None => (-1, rest.strip_prefix('-')?),
            };
            let (h, m) = zone.split_once(':')?;
            let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
            // Bounded before any arithmetic: a portal's text is not trusted to be a date.
            if !((0..24).contains(&h) && (0..60).contains(&m)) {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // A day past its month's end (February 30th) would be counted into the next month: a date
    // that does not exist is not one.
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, nanos: u32) -> Option<SystemTime> {
        Some(UNIX_EPOCH + Duration::new(secs, nanos))
    }

    #[test]
    fn portal_dates_are_read_with_their_offset() {
        assert_eq!(
            portal_time("2026-12-01T12:00:00.0000000+00:00"),
            at(1_796_126_400, 0)
        );
        assert_eq!(
            portal_time("2026-12-01T15:00:00.5+03:00"),
            at(1_796_126_400, 500_000_000)
        );
        assert_eq!(
            portal_time("2026-12-01T07:00:00-05:00"),
            at(1_796_126_400, 0)
        );
        assert_eq!(portal_time("2026-12-01T12:00:00Z"), at(1_796_126_400, 0));
        assert_eq!(portal_time("2026-12-01T12:00:00"), at(1_796_126_400, 0));
        assert_eq!(portal_time("2024-02-29T00:00:00Z"), at(1_709_164_800, 0));
        assert_eq!(portal_time("2000-02-29T23:59:59Z"), at(951_868_799, 0));
        // What status writes, the portal's reader reads back.
        let t = UNIX_EPOCH + Duration::from_secs(1_796_126_400);
        assert_eq!(portal_time(&crate::calendar::utc(t)), Some(t));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            // Days and a second that do not exist, not the ones after them.
            "2026-02-30T10:00:00Z",
            "2026-04-31T10:00:00Z",
            "2025-02-29T10:00:00Z",
            "2100-02-29T10:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-12-01T12:00:00+0x:00",
            // A hostile portal's numbers, past any date: no overflow, no panic.
            "9223372036854775807-01-01T00:00:00Z",
            "-9223372036854775807-01-01T00:00:00Z",
            "2026-12-01T12:00:00+9223372036854775807:00",
            "2026-12-01T12:00:00-9223372036854775807:59",
        ] {
            assert_eq!(portal_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_query_names_only_what_is_asked() {
        assert_eq!(
            LogQuery::new().path(0, 100),
            "/api/2.0/settings/webhooks/log?count=100&startIndex=0"
        );
        let query = LogQuery::new()
            .webhook(5, "Crm")
            .status(StatusClass::Unsent)
            .status(StatusClass::ServerError)
            .trigger(TriggerSet::from_bits(1 << 35));
        assert_eq!(
            query.path(200, 100),
            "/api/2.0/settings/webhooks/log?count=100&startIndex=200&configId=5&groupStatus=17&trigger=34359738368"
        );
        assert_eq!(LogQuery::new().trigger(TriggerSet::ALL), LogQuery::new());
    }

    #[test]
    fn the_recorded_signature_is_found_in_either_header_shape() {
        let row = |headers: &str| Delivery {
            id: 1,
            config_name: None,
            trigger: TriggerSet::from_bits(128),
            creation_time: String::new(),
            request_headers: Some(headers.to_owned()),
            request_payload: None,
            response_payload: None,
            status: 200,
            delivery: None,
            attempts: None,
            next_attempt_on: None,
        };
        let sig = "sha256=AB";
        for headers in [
            r#"{"Accept":["*/*"],"x-docspace-signature-256":["sha256=AB"]}"#,
            r#"{"X-DocSpace-Signature-256":"sha256=AB"}"#,
        ] {
            assert_eq!(row(headers).signature().as_deref(), Some(sig), "{headers}");
        }
        for headers in [
            r#"{"Accept":["*/*"]}"#,
            "not json",
            r#"{"x-docspace-signature-256":[]}"#,
        ] {
            assert_eq!(row(headers).signature(), None, "{headers}");
        }
        let debug = format!("{:?}", row(r#"{"x-docspace-signature-256":"sha256=AB"}"#));
        assert!(!debug.contains("sha256"), "{debug}");
    }
}

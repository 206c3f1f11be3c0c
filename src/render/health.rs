//! `status`: the health of a run's portals as text, Markdown or JSON (format version 1, in
//! docs/delivery-health.md; keys only ever added within it). The same document for one portal
//! and many: the one portal of a `portal:` file has no name and no heading.
//!
//! Invariants: pure; names, portals and excerpts go through `quoted`/`plain` (excerpts are
//! redacted and escaped before they get here); a report holds no secret and no signature, so
//! none can be shown.

use std::fmt::Write;

use super::markdown::{self, ERROR_MAX, MAX_MARKDOWN_LEN, NAME_MAX, cell, code, truncated};
use super::{Format, portal_heading};
use crate::health::{self, FailureSeen, Health, Report, SecretCheck, WebhookHealth};
use crate::redact::{message, plain, quoted};
use crate::run::Part;

/// The version of `status --format json`'s document (docs/delivery-health.md).
const FORMAT_VERSION: u32 = 1;

pub fn render_health(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => json(report),
    }
}

fn text(report: &Report) -> String {
    let mut out = String::new();
    for portal in &report.run.portals {
        if !out.is_empty() {
            out.push('\n');
        }
        let heading = portal_heading(portal.name.as_deref(), &portal.portal);
        let _ = writeln!(out, "{heading}\n{}", window(report));
        if let Some(error) = &portal.error {
            let _ = writeln!(out, "\nError: {}", message(error));
            continue;
        }
        let webhooks = portal.result.as_deref().unwrap_or_default();
        if webhooks.is_empty() {
            out.push_str("\nNo webhooks on the portal.\n");
        }
        for w in webhooks {
            let label = label(w, &quoted(&w.name));
            let _ = writeln!(out, "\n  {label}: {}", w.health.as_str());
            for (key, value) in details(w) {
                let _ = writeln!(out, "      {key:<12}  {value}");
            }
        }
        let _ = writeln!(out, "\n{}", summary(webhooks));
    }
    out
}

fn window(report: &Report) -> String {
    let (since, until, window) = (&report.since, &report.until, &report.window);
    format!("Deliveries from {since} to {until} (--since {window}).")
}

/// `#2 "Crm"` (the name as `name` shows it), with `(unmanaged)` when no entry of the file
/// manages it.
fn label(w: &WebhookHealth, name: &str) -> String {
    let unmanaged = if w.managed { "" } else { " (unmanaged)" };
    format!("#{} {name}{unmanaged}", w.id)
}

/// `3: 2 2xx, 1 5xx (1 failed)`, or `none`.
fn counts(w: &WebhookHealth) -> String {
    let total: usize = w.deliveries.values().sum();
    if total == 0 {
        return "none".into();
    }
    let by: Vec<String> = w
        .deliveries
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(class, n)| format!("{n} {class}"))
        .collect();
    let failed = match w.failures {
        0 => String::new(),
        n => format!(" ({n} failed)"),
    };
    format!("{total}: {}{failed}", by.join(", "))
}

fn failure(f: &FailureSeen) -> String {
    let status = match f.status {
        0 => "no answer".to_string(),
        s => format!("status {s}"),
    };
    format!("{}, {status}: {}", f.at, quoted(&f.excerpt))
}

fn secret(w: &WebhookHealth) -> Option<String> {
    let check = w.secret.as_ref()?;
    let hint = match check {
        SecretCheck::Differs { .. } => " (`apply --rotate-secrets` sends the file's)",
        _ => "",
    };
    let detail = message(&health::detail(check, w.secret_from.as_deref()));
    Some(format!("{}: {detail}{hint}", check.verdict().as_str()))
}

/// The lines under a webhook, key and value.
fn details(w: &WebhookHealth) -> impl Iterator<Item = (&'static str, String)> {
    let disables = "the portal disables a webhook after 3 days of failures";
    let last_success = match (w.health, &w.last_success) {
        (Health::AtRisk, Some(t)) => Some(format!("{t}, over a day ago: {disables}")),
        (Health::AtRisk, None) => Some(format!("none recorded: {disables}")),
        (Health::Failing, Some(t)) => Some(t.clone()),
        _ => None,
    };
    [
        ("deliveries", Some(counts(w))),
        ("last failure", w.latest_failure.as_ref().map(failure)),
        ("last success", last_success),
        ("secret", secret(w)),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, value?)))
}

/// How many of `webhooks` are in each health, in `Health::ALL` order.
fn tally(webhooks: &[WebhookHealth]) -> impl Iterator<Item = (&'static str, usize)> {
    Health::ALL.into_iter().map(|h| {
        (
            h.as_str(),
            webhooks.iter().filter(|w| w.health == h).count(),
        )
    })
}

fn summary(webhooks: &[WebhookHealth]) -> String {
    let parts: Vec<String> = tally(webhooks).map(|(h, n)| format!("{n} {h}")).collect();
    let differs = webhooks
        .iter()
        .filter(|w| matches!(w.secret, Some(SecretCheck::Differs { .. })))
        .count();
    let secrets = match differs {
        0 => String::new(),
        1 => "; 1 secret differs".to_string(),
        n => format!("; {n} secrets differ"),
    };
    format!("Health: {}{secrets}.", parts.join(", "))
}

/// Room kept for the line that counts the portals left out, and, in each portal's share, for
/// the line that counts its webhooks left out.
const MD_RESERVED: usize = 1_000;
const MD_LEFT_OUT: usize = 300;

/// Under `MAX_MARKDOWN_LEN`, as the plan's Markdown is (`--format` promises it): every portal's
/// heading and `Health:` line while they fit, then its rows, those that need a look first, so
/// a cut table still shows what is wrong; a line counts what was left out.
fn markdown(report: &Report) -> String {
    let mut room = MAX_MARKDOWN_LEN - MD_RESERVED;
    let mut sections = Vec::new();
    for portal in &report.run.portals {
        let (head, rows, tail) = markdown_section(report, portal);
        let fixed = head.len() + tail.len() + MD_LEFT_OUT;
        if fixed >= room {
            break;
        }
        room -= fixed;
        sections.push((head, rows, tail));
    }
    // Rows that need a look first, then the rest, each in order until one does not fit: a row
    // that is fine is never shown where one that needs a look is not (the note says so).
    let mut full = false;
    for needs_look in [true, false] {
        for (unhealthy, row, shown) in sections.iter_mut().flat_map(|(_, rows, _)| rows) {
            if *unhealthy == needs_look && !full {
                full = row.len() >= room;
                if !full {
                    room -= row.len();
                    *shown = true;
                }
            }
        }
    }
    let see =
        "See the full report in the job log (`status --format text` or `status --format json`).";
    let mut out = String::new();
    for (head, rows, tail) in &sections {
        out.push_str(head);
        for (_, row, _) in rows.iter().filter(|(_, _, shown)| *shown) {
            out.push_str(row);
        }
        let cut = rows.iter().filter(|(_, _, shown)| !shown).count();
        if cut > 0 {
            let _ = writeln!(
                out,
                "\n**{cut} of {} webhooks are not shown** (those that need a look are shown \
                 first) to keep this under {MAX_MARKDOWN_LEN} characters. {see}",
                rows.len()
            );
        }
        out.push_str(tail);
    }
    let cut = report.run.portals.len() - sections.len();
    if cut > 0 {
        let total = report.run.portals.len();
        let _ = writeln!(
            out,
            "**{cut} of {total} portals are not shown** to keep this under {MAX_MARKDOWN_LEN} \
             characters. {see}"
        );
    }
    out
}

/// A portal's heading (and table head, or error), its rows (each with whether the webhook
/// needs a look, and whether it is shown: not yet), and its `Health:` line.
fn markdown_section(
    report: &Report,
    portal: &Part<Vec<WebhookHealth>>,
) -> (String, Vec<(bool, String, bool)>, String) {
    let url = code(&markdown::portal(&portal.portal));
    let title = match &portal.name {
        Some(name) => format!("{} ({url})", code(&truncated(&plain(name), NAME_MAX))),
        None => url,
    };
    let mut head = format!(
        "### Webhook health of {}\n\n{}\n\n",
        cell(&title),
        window(report)
    );
    if let Some(error) = &portal.error {
        let error = truncated(&message(error), ERROR_MAX);
        let _ = writeln!(head, "**Error:** {}\n", code(&error));
        return (head, Vec::new(), String::new());
    }
    let webhooks = portal.result.as_deref().unwrap_or_default();
    head.push_str("| Webhook | Health | Deliveries | Last failure | Secret |\n");
    head.push_str("|---|---|---|---|---|\n");
    let rows = webhooks.iter().map(|w| {
        let failure = w.latest_failure.as_ref().map(|f| {
            let answer = code(&format!("{} {}", f.status, plain(&f.excerpt)));
            cell(&format!("{} {answer}", f.at))
        });
        let row = format!(
            "| {} | {} | {} | {} | {} |\n",
            label(w, &cell(&code(&plain(&w.name)))),
            w.health.as_str(),
            match w.other_webhooks_deliveries {
                0 => counts(w),
                n => format!("{}; {n} of another webhook not counted", counts(w)),
            },
            failure.unwrap_or_default(),
            w.secret.as_ref().map_or("", |c| c.verdict().as_str()),
        );
        (w.unhealthy(), row, false)
    });
    (head, rows.collect(), format!("\n{}\n\n", summary(webhooks)))
}

fn json(report: &Report) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        format_version: u32,
        since: &'a str,
        until: &'a str,
        portals: Vec<PortalDoc<'a>>,
    }
    #[derive(serde::Serialize)]
    struct PortalDoc<'a> {
        name: Option<&'a str>,
        portal: &'a str,
        error: Option<&'a str>,
        summary: std::collections::BTreeMap<&'static str, usize>,
        webhooks: &'a [WebhookHealth],
    }
    let doc = Doc {
        format_version: FORMAT_VERSION,
        since: &report.since,
        until: &report.until,
        portals: (report.run.portals.iter())
            .map(|p| {
                let webhooks = p.result.as_deref().unwrap_or_default();
                PortalDoc {
                    name: p.name.as_deref(),
                    portal: &p.portal,
                    error: p.error.as_deref(),
                    summary: tally(webhooks).collect(),
                    webhooks,
                }
            })
            .collect(),
    };
    // Escaped as the plan's JSON is: no character a terminal would act on or hide.
    super::json::pretty(&doc)
}

//! What `show` prints of a saved plan beyond its changes: what only the reviewed config file
//! decides, so a reviewer can check where every key goes (docs/plans.md, "Saved plans"). URLs
//! are shown with their credentials masked (`plain`).

use std::fmt::Write;

use super::Format;
use super::lookalike::{beside, sentence};
use super::markdown::{MAX_MARKDOWN_LEN, code};
use crate::idn;
use crate::plan::{Field, Value};
use crate::redact::{message, plain};

/// The Markdown binding's portal lines stop here, and a line counts the rest: `show` prints
/// the binding after the plan, and the plan needs most of the room under the cap.
const MARKDOWN_BUDGET: usize = 16_000;

/// One portal part: where its key goes and what `apply` reads for it.
pub struct BoundPortal<'a> {
    /// `None` for the one portal of a `portal:` file.
    pub name: Option<&'a str>,
    pub url: &'a str,
    /// The URL is the one `--portal` or DOCSPACE_URL gave (a file without `portal:`), which
    /// the plan recorded and `apply` needs to be given again.
    pub recorded: bool,
    pub key_var: &'a str,
    /// The other variables `apply` reads for it (`Plan::secrets_needed`).
    pub secrets: Vec<&'a str>,
}

/// The binding to the config file `config` (its name as given, `-f`) in `format`: text for
/// `Text` and `Json` (whose stdout stays one document, so this goes to stderr), Markdown for
/// `Markdown`.
pub fn saved_plan_binding(
    format: Format,
    config: &str,
    config_digest: &str,
    portals: &[BoundPortal<'_>],
) -> String {
    let markdown = format == Format::Markdown;
    let show: fn(&str) -> String = if markdown { code } else { str::to_string };
    let mut out = format!(
        "Made from the config file {} (SHA-256 {}); apply takes from it alone, and refuses any \
         other file:\n{}",
        show(&message(config)),
        show(config_digest),
        if markdown { "\n" } else { "" }
    );
    for (i, portal) in portals.iter().enumerate() {
        let name = match portal.name {
            Some(name) => format!("Portal {}", show(&plain(name))),
            None => "Portal".to_string(),
        };
        let beside = beside(Field::Uri, &Value::Text(portal.url.to_string()));
        let url = format!("{}{beside}", show(&plain(portal.url)));
        let origin = if portal.recorded {
            " (given by --portal or DOCSPACE_URL when planned; apply needs it given again)"
        } else {
            ""
        };
        let reads: Vec<String> = (std::iter::once(&portal.key_var).chain(&portal.secrets))
            .map(|v| show(v))
            .collect();
        let warning = idn::lookalike_host(portal.url).map(|host| {
            sentence(
                "portal URL",
                &host,
                |s| show(&crate::redact::quoted(s)),
                |s| show(&plain(s)),
            )
        });
        if markdown {
            let mut item = format!(
                "- {name}: {url}{origin}; API key from {}; reads {}\n",
                show(portal.key_var),
                reads.join(", ")
            );
            if let Some(warning) = warning {
                let _ = writeln!(item, "  - **Warning:** {warning}.");
            }
            if out.len() + item.len() > MARKDOWN_BUDGET {
                let _ = writeln!(
                    out,
                    "- **{} of {} portals are not listed** to keep this under {MAX_MARKDOWN_LEN} \
                     characters; `show --format text` lists them all.",
                    portals.len() - i,
                    portals.len()
                );
                break;
            }
            out.push_str(&item);
        } else {
            let _ = writeln!(out, "  {name}: {url}{origin}");
            if let Some(warning) = warning {
                let _ = writeln!(out, "    ! {warning}");
            }
            let _ = writeln!(out, "    API key from: {}", portal.key_var);
            let _ = writeln!(out, "    Reads: {}", reads.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(format: Format, url: &str) -> String {
        let portal = BoundPortal {
            name: Some("prod"),
            url,
            recorded: false,
            key_var: "PROD_KEY",
            secrets: vec!["HOOK_SECRET"],
        };
        saved_plan_binding(format, "webhooks.yaml", "ab12", &[portal])
    }

    #[test]
    fn a_look_alike_portal_host_shows_its_punycode_and_the_warning_in_every_format() {
        let url = "https://b\u{456}lling.example.com";
        assert_eq!(
            binding(Format::Text, url),
            "Made from the config file webhooks.yaml (SHA-256 ab12); apply takes from it alone, \
             and refuses any other file:\n  Portal prod: https://b\u{456}lling.example.com \
             (host xn--blling-pvf.example.com)\n    ! look-alike host in the portal URL: \
             \"b\u{456}lling.example.com\" contains non-ASCII characters, which can look like \
             ASCII ones; it is xn--blling-pvf.example.com, check that this is the host you \
             mean\n    API key from: PROD_KEY\n    Reads: PROD_KEY, HOOK_SECRET\n"
        );
        let md = binding(Format::Markdown, url);
        assert!(
            md.contains(
                "- Portal `prod`: `https://b\u{456}lling.example.com` (host \
                 xn--blling-pvf.example.com); API key from `PROD_KEY`; reads `PROD_KEY`, \
                 `HOOK_SECRET`\n  - **Warning:** look-alike host in the portal URL: \
                 `\"b\u{456}lling.example.com\"`"
            ),
            "{md}"
        );
    }

    #[test]
    fn credentials_in_a_portal_url_are_masked_in_every_format() {
        for format in [Format::Text, Format::Json, Format::Markdown] {
            let shown = binding(format, "https://ops:hunter2@portal.example.com");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(
                shown.contains("https://ops:***@portal.example.com"),
                "{shown}"
            );
        }
    }
}

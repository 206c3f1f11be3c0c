//! `export`: the live webhooks as a config file, to adopt a portal that already has webhooks.
//!
//! The output is valid input and describes the portal exactly: `plan --prune` of it shows no
//! changes (a test holds it to that). Every string is written as a double-quoted scalar, which
//! YAML reads back verbatim whatever it contains, so a name like `123` or `yes: no` stays a
//! name. Secrets cannot be exported: the API never returns them.

use std::collections::HashMap;
use std::fmt::Write;

use crate::api::LiveWebhook;
use crate::triggers::TRIGGERS;

pub fn render_export(portal: &str, live: &[LiveWebhook]) -> String {
    let mut named: HashMap<&str, usize> = HashMap::new();
    for w in live {
        *named.entry(w.name.as_str()).or_default() += 1;
    }
    let mut hooks: Vec<&LiveWebhook> = live.iter().collect();
    hooks.sort_by_key(|w| w.id);

    let mut out = String::new();
    let _ = writeln!(out, "# Exported from {portal} by docspace-webhooks.");
    let _ = writeln!(
        out,
        "# secretKey is write-only: the portal never returns it, so none is exported. To manage a\n\
         # webhook's secret, add `secretKey: ${{SOME_VAR}}` to its entry and run\n\
         # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set."
    );
    let _ = writeln!(out, "portal: {}", quote(portal));
    if hooks.is_empty() {
        let _ = writeln!(out, "webhooks: {{}}");
        return out;
    }
    let _ = writeln!(out, "webhooks:");
    for w in hooks {
        if named[w.name.as_str()] > 1 {
            // Names repeat, so only the id identifies this one.
            let _ = writeln!(out, "  {}:", w.id);
            let _ = writeln!(out, "    name: {}", quote(&w.name));
        } else {
            let _ = writeln!(out, "  {}: # id {}", quote(&w.name), w.id);
        }
        let _ = writeln!(out, "    uri: {}", quote(&w.uri));
        let _ = writeln!(out, "    enabled: {}", w.enabled);
        let _ = writeln!(out, "    ssl: {}", w.ssl);
        let known = TRIGGERS.iter().fold(0, |acc, t| acc | t.bit);
        if w.triggers.bits() & !known == 0 {
            let names: Vec<String> = w.triggers.names().iter().map(|n| quote(n)).collect();
            let _ = writeln!(out, "    triggers: [{}]", names.join(", "));
        } else {
            let _ = writeln!(
                out,
                "    # triggers left out: the portal has events this version does not know ({})",
                w.triggers.bits()
            );
        }
        if let Some(target) = w.target_id.as_deref().filter(|t| !t.is_empty()) {
            let _ = writeln!(out, "    targetId: {}", quote(target));
        }
    }
    out
}

/// A YAML double-quoted scalar. JSON string syntax is a subset of it.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

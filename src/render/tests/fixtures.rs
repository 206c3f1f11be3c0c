//! Plans built by hand, shaped like the planner's output, for the renderer tests.

use secrecy::SecretString;

use crate::api::LiveWebhook;
use crate::config::{Config, SecretRef, load_document_str};
use crate::plan::{
    Change, Field, FieldChange, LastFailure, Named, Notes, Op, Plan, PlannedBody, RenameHint, Value,
};
use crate::triggers::{TRIGGERS, TriggerSet};

/// A secret that sits in the plan's ops (as a real one would) and must never be rendered.
pub(super) const SECRET: &str = "hunter2-must-never-print";

pub(super) const PORTAL: &str = "https://portal.example.com";

/// The members of a plan in JSON version 1 after its portal, which version 2 repeats per portal.
pub(super) const PLAN_PARTS: [&str; 6] = [
    "summary",
    "changes",
    "unmanaged",
    "left_out",
    "secrets_needed",
    "secrets_not_sent",
];

/// The one-portal file `yaml`, which must be valid.
pub(super) fn document(yaml: &str) -> Config {
    load_document_str(yaml, "webhooks.yaml")
        .map(|mut document| document.portals.remove(0).config)
        .expect("a valid file")
}

fn triggers(names: &[&str]) -> TriggerSet {
    let bits = names.iter().fold(0, |acc, n| {
        acc | TRIGGERS.iter().find(|t| t.name == *n).map_or(0, |t| t.bit)
    });
    TriggerSet::from_bits(bits)
}

pub(super) fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub(super) fn field(field: Field, before: Value, after: Value) -> FieldChange {
    FieldChange {
        field,
        before,
        after,
    }
}

pub(super) fn body(name: &str, uri: &str) -> PlannedBody {
    PlannedBody {
        name: name.to_string(),
        uri: uri.to_string(),
        secret_key: Some(SecretRef::Literal(SecretString::from(SECRET.to_string()))),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::ALL,
        target_id: None,
    }
}

pub(super) fn create(name: &str, uri: &str) -> Change {
    Change {
        fields: vec![
            field(Field::Name, Value::None, text(name)),
            field(Field::Uri, Value::None, text(uri)),
            field(Field::SecretKey, Value::None, Value::Sensitive),
            field(Field::Enabled, Value::None, Value::Bool(true)),
            field(Field::Ssl, Value::None, Value::Bool(true)),
            field(
                Field::Triggers,
                Value::None,
                Value::Triggers(triggers(&["file.uploaded", "room.created"])),
            ),
            field(Field::TargetId, Value::None, text("1234")),
        ],
        op: Op::Create(body(name, uri)),
        failure: None,
        uri_var: None,
        uri_hidden: false,
        deliveries: None,
    }
}

/// Name, uri, ssl, triggers and targetId change; the file's secret is sent again.
pub(super) fn update() -> Change {
    Change {
        fields: vec![
            field(Field::Name, text("orders"), text("orders-v2")),
            field(
                Field::Uri,
                text("https://old.example.com/hook"),
                text("https://new.example.com/hook"),
            ),
            field(Field::SecretKey, Value::Sensitive, Value::Sensitive),
            field(Field::Ssl, Value::Bool(true), Value::Bool(false)),
            field(
                Field::Triggers,
                Value::Triggers(triggers(&["file.created", "room.created"])),
                Value::Triggers(triggers(&["file.uploaded", "room.created"])),
            ),
            field(Field::TargetId, Value::None, text("42")),
        ],
        op: Op::Update {
            live: LiveWebhook::listed(9846, "orders", "https://old.example.com/hook"),
            body: body("orders-v2", "https://new.example.com/hook"),
        },
        failure: None,
        uri_var: None,
        uri_hidden: false,
        deliveries: None,
    }
}

/// Disabled on the portal (probably by the portal), enabled in the file.
pub(super) fn enable_after_failures() -> Change {
    Change {
        fields: vec![field(Field::Enabled, Value::Bool(false), Value::Bool(true))],
        op: Op::SetEnabled {
            live: LiveWebhook::listed(9850, "billing", "https://billing.example.com/hook"),
            enabled: true,
        },
        failure: Some(LastFailure {
            on: Some("2026-11-20T10:00:00".to_string()),
            excerpt: Some("502 Bad Gateway".to_string()),
        }),
        uri_var: None,
        uri_hidden: false,
        deliveries: None,
    }
}

/// Every live value as `before`, nothing after.
pub(super) fn delete() -> Change {
    Change {
        fields: vec![
            field(Field::Name, text("legacy-export"), Value::None),
            field(
                Field::Uri,
                text("https://legacy.example.com/in"),
                Value::None,
            ),
            field(Field::Enabled, Value::Bool(true), Value::None),
            field(Field::Ssl, Value::Bool(true), Value::None),
            field(
                Field::Triggers,
                Value::Triggers(TriggerSet::ALL),
                Value::None,
            ),
            field(Field::TargetId, text("7"), Value::None),
        ],
        op: Op::Delete(LiveWebhook::listed(
            9900,
            "legacy-export",
            "https://legacy.example.com/in",
        )),
        failure: None,
        uri_var: None,
        uri_hidden: false,
        deliveries: Some(37),
    }
}

pub(super) fn sample() -> Plan {
    Plan {
        portal: PORTAL.to_string(),
        changes: vec![
            create("crm-sync", "https://crm.example.com/docspace"),
            update(),
            enable_after_failures(),
            delete(),
        ],
        unchanged: vec![Named {
            id: 9800,
            name: "audit".to_string(),
        }],
        unmanaged: vec![
            Named {
                id: 12,
                name: "made by hand".to_string(),
            },
            Named {
                id: 13,
                name: "zapier".to_string(),
            },
        ],
        notes: Default::default(),
    }
}

pub(super) fn empty() -> Plan {
    Plan {
        portal: PORTAL.to_string(),
        changes: vec![],
        unchanged: vec![Named {
            id: 9800,
            name: "audit".to_string(),
        }],
        unmanaged: vec![],
        notes: Default::default(),
    }
}

/// `n` creates, `m` unmanaged.
pub(super) fn many(n: usize, m: usize) -> Plan {
    Plan {
        portal: PORTAL.to_string(),
        changes: (0..n)
            .map(|i| {
                create(
                    &format!("hook-{i:04}"),
                    &format!("https://h{i}.example.com/a/rather/long/path/to/pad/the/block"),
                )
            })
            .collect(),
        unchanged: vec![],
        unmanaged: (0..m)
            .map(|i| Named {
                id: 100_000 + i32::try_from(i).unwrap(),
                name: format!("unmanaged-{i}"),
            })
            .collect(),
        notes: Default::default(),
    }
}

/// Strings a hostile or broken portal could return: terminal escapes (clear screen, OSC 8
/// hyperlink, C1 CSI), newlines, bidi override, fences, HTML, mentions, links.
pub(super) const EVIL_NAME: &str = "evil\u{1b}[2J\r\n```\n<img src=x onerror=alert(1)> @admin #1 [x](https://e.example) \u{202e}gnp.exe";
pub(super) const EVIL_URI: &str = "https://e.example/`````\n</details>\n\u{9b}31m";
pub(super) const EVIL_EXCERPT: &str =
    "\u{1b}]8;;https://e.example\u{7}click\u{1b}]8;;\u{7} ``` <script>";

/// `sample()`'s shape with the hostile strings in every user-controlled place.
pub(super) fn hostile() -> Plan {
    with_strings(EVIL_NAME, EVIL_URI, EVIL_EXCERPT)
}

/// The same plan with harmless strings, to compare line and escape counts against. As long as
/// the hostile ones, so their changed values take the same two-line layout.
pub(super) fn tame() -> Plan {
    with_strings(
        "a tame name, about as long as the hostile one",
        "https://tame.example/a/path/about/as/long/as/that",
        "tame",
    )
}

fn with_strings(name: &str, uri: &str, excerpt: &str) -> Plan {
    let mut update = update();
    if let Op::Update { body, .. } = &mut update.op {
        body.name = name.to_string();
    }
    update.fields[0] = field(Field::Name, text(name), text(&format!("{name}2")));
    update.fields[1] = field(Field::Uri, text(uri), text(&format!("{uri}2")));
    update.fields[5] = field(Field::TargetId, Value::None, text(name));
    let mut enable = enable_after_failures();
    if let Op::SetEnabled { live, .. } = &mut enable.op {
        live.name = name.to_string();
    }
    enable.failure = Some(LastFailure {
        on: Some(excerpt.to_string()),
        excerpt: Some(excerpt.to_string()),
    });
    Plan {
        portal: format!("{PORTAL}/{name}"),
        changes: vec![create(name, uri), update, enable],
        unchanged: vec![],
        unmanaged: vec![Named {
            id: 1,
            name: name.to_string(),
        }],
        notes: Notes {
            left_out: 2,
            secrets_not_sent: vec![Named {
                id: 5,
                name: name.to_string(),
            }],
            renames: vec![RenameHint {
                create: name.to_string(),
                id: 1,
                name: name.to_string(),
                deleted: false,
            }],
            secrets_checked: vec![],
        },
    }
}

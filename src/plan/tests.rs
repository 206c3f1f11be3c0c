//! The planner against hand-made live lists: what counts as drift, which request fixes it, and
//! which files are refused before anything is sent.

use super::*;
use crate::config::load_document_str;
use crate::triggers::TriggerSet;

fn plan_of(yaml: &str, live: &[LiveWebhook]) -> Result<Plan, PlanError> {
    let document = load_document_str(yaml, "webhooks.yaml").expect("test file is valid");
    plan(
        document.unnamed().expect("one portal"),
        live,
        "https://portal.example.com",
        PlanOptions::default(),
    )
}

/// Plans `yaml` against a portal that holds one webhook, #7 "Hook", with the defaults.
fn plan_against_hook(yaml: &str) -> Result<Plan, PlanError> {
    plan_of(
        yaml,
        &[LiveWebhook::listed(7, "Hook", "https://a.example.com/h")],
    )
}

/// The portal's list: one webhook, with the defaults, per `(id, name)`, each at its own uri.
fn listed(hooks: &[(i32, &str)]) -> Vec<LiveWebhook> {
    let uri = |id| format!("https://{id}.example.com");
    hooks
        .iter()
        .map(|&(id, name)| LiveWebhook::listed(id, name, &uri(id)))
        .collect()
}

fn fields(change: &Change) -> Vec<&'static str> {
    change.fields.iter().map(|f| f.field.key()).collect()
}

#[test]
fn a_name_not_on_the_portal_is_created_with_defaults() {
    let plan = plan_of(
        "webhooks:\n  New:\n    uri: https://a.example.com/h\n    secretKey: ${S}\n",
        &[],
    )
    .unwrap();
    let [change] = plan.changes.as_slice() else {
        panic!("one change expected")
    };
    assert_eq!(change.action(), Action::Create);
    let Op::Create(body) = &change.op else {
        panic!("a create")
    };
    assert!(body.enabled && body.ssl && body.triggers.is_all() && body.target_id.is_none());
    assert_eq!(
        fields(change),
        ["name", "uri", "secretKey", "enabled", "ssl", "triggers"]
    );
    assert_eq!(change.fields[2].after, Value::Sensitive);
}

#[test]
fn fields_left_out_keep_the_live_values_in_the_put() {
    let mut w = LiveWebhook::listed(7, "Hook", "https://a.example.com/h");
    w.target_id = Some("room-1".into());
    w.triggers = TriggerSet::from_bits(128);
    let plan = plan_of("webhooks:\n  Hook:\n    ssl: false\n", &[w]).unwrap();
    let Op::Update { body, .. } = &plan.changes[0].op else {
        panic!("an update")
    };
    assert_eq!(plan.changes[0].id(), Some(7));
    assert_eq!(body.target_id.as_deref(), Some("room-1"));
    assert_eq!(body.triggers.bits(), 128);
    assert!(!body.ssl && body.secret_key.is_none());
    assert_eq!(fields(&plan.changes[0]), ["ssl"]);
}

#[test]
fn nothing_drifted_means_unchanged_and_the_secret_alone_is_no_change() {
    let plan = plan_against_hook(
        "webhooks:\n  Hook:\n    uri: https://a.example.com/h\n    secretKey: ${S}\n    triggers: ['*']\n    targetId: ''\n"
    )
    .unwrap();
    assert!(!plan.has_changes());
    assert_eq!(
        plan.summary(),
        "Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged."
    );
}

#[test]
fn enabled_alone_uses_the_enable_call_and_sends_no_secret() {
    let plan =
        plan_against_hook("webhooks:\n  Hook:\n    enabled: false\n    secretKey: ${S}\n").unwrap();
    assert!(matches!(
        plan.changes[0].op,
        Op::SetEnabled { enabled: false, .. }
    ));
    assert_eq!(plan.changes[0].id(), Some(7));
    assert_eq!(fields(&plan.changes[0]), ["enabled"]);
}

#[test]
fn an_update_that_sends_the_secret_shows_it_as_sensitive() {
    let plan = plan_against_hook(
        "webhooks:\n  Hook:\n    uri: https://b.example.com/h\n    secretKey: ${S}\n",
    )
    .unwrap();
    assert_eq!(fields(&plan.changes[0]), ["uri", "secretKey"]);
}

#[test]
fn triggers_compare_as_sets_and_an_id_key_renames() {
    let mut w = LiveWebhook::listed(9846, "Old", "https://a.example.com/h");
    w.triggers = TriggerSet::from_bits(256 | 128);
    let plan = plan_of(
        "webhooks:\n  9846:\n    name: New\n    triggers: [file.uploaded, FileCreated]\n",
        &[w],
    )
    .unwrap();
    assert_eq!(fields(&plan.changes[0]), ["name"]);
    assert_eq!(plan.changes[0].name(), "New");
}

#[test]
fn live_webhooks_not_in_the_file_are_unmanaged_and_untouched() {
    let plan = plan_of("webhooks: {}\n", &listed(&[(3, "B"), (1, "A")])).unwrap();
    assert!(!plan.has_changes());
    let ids: Vec<i32> = plan.unmanaged.iter().map(|u| u.id).collect();
    assert_eq!(ids, [1, 3]);
}

#[test]
fn ambiguous_names_unknown_ids_double_claims_and_incomplete_creates_are_all_reported() {
    let err = plan_of(
        "webhooks:\n  Twin: {}\n  404: {}\n  5: {}\n  Five: {}\n  New:\n    uri: https://n.example.com/h\n",
        &listed(&[(1, "Twin"), (2, "Twin"), (5, "Five")]),
    )
    .unwrap_err();
    let ConfigError::Invalid { problems, .. } = err else {
        panic!("a file problem expected, got {err:?}")
    };
    let said: Vec<_> = problems
        .iter()
        .map(|p| (p.code_str(), p.line(), p.message()))
        .collect();
    assert_eq!(
        said,
        [
            (
                "plan::ambiguous_name",
                2,
                "2 live webhooks are named \"Twin\" (ids 1, 2)"
            ),
            ("plan::unknown_id", 3, "no live webhook has id 404"),
            (
                "plan::claimed_twice",
                5,
                "this entry and #5 both manage webhook 5 (\"Five\")"
            ),
            (
                "config::missing_for_create",
                6,
                "'New' is not on the portal, and creating it needs `secretKey`"
            ),
        ]
    );
}

#[test]
fn a_create_without_uri_or_secret_is_refused() {
    let err = plan_of("webhooks:\n  New:\n    enabled: true\n", &[]).unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("uri") && text.contains("secretKey"), "{text}");
}

#[test]
fn ssl_left_true_with_a_plain_http_uri_is_refused_before_the_portal_does() {
    let err =
        plan_against_hook("webhooks:\n  Hook:\n    uri: http://a.example.com/h\n").unwrap_err();
    assert!(format!("{err:?}").contains("requires an https uri"));
}

#[test]
fn credentials_in_a_uri_are_masked_but_a_password_change_still_shows() {
    let plan = plan_of(
        "webhooks:\n  Hook:\n    uri: https://bot:new-pass@a.example.com/h\n",
        &[LiveWebhook::listed(
            7,
            "Hook",
            "https://bot:old-pass@a.example.com/h",
        )],
    )
    .unwrap();
    let change = &plan.changes[0];
    assert_eq!(
        change.fields[0].after,
        Value::Text("https://bot:***@a.example.com/h (credentials changed)".into())
    );
    assert!(!format!("{:?}", change.fields).contains("pass"));
    let Op::Update { body, .. } = &change.op else {
        panic!("an update")
    };
    assert_eq!(
        body.uri, "https://bot:new-pass@a.example.com/h",
        "the real uri is sent"
    );
}

#[test]
fn the_debug_of_a_body_hides_its_secret_at_every_stage() {
    let yaml =
        "webhooks:\n  Hook:\n    uri: https://a.example.com/h\n    secretKey: Literal-Secret-1\n";
    let plan = plan_of(yaml, &[]).unwrap();
    let Op::Create(body) = &plan.changes[0].op else {
        panic!("a create")
    };
    let sent: crate::api::WebhookBody = body.clone().map(
        |_| Some(secrecy::SecretString::from("Literal-Secret-1")),
        |triggers| triggers,
    );
    for debug in [
        format!("{body:?}"),
        format!("{sent:?}"),
        format!("{plan:?}"),
    ] {
        assert!(!debug.contains("Literal-Secret-1"), "{debug}");
    }
}

/// A value of `field` that neither a create's defaults nor `LiveWebhook::listed` give, as
/// `Webhook::value` gives it; `None` for the secret, never compared by value.
fn set_apart(field: Field) -> Option<Value> {
    Some(match field {
        Field::Name => Value::Text("Renamed".into()),
        Field::Uri => Value::Text("https://b.example.com/other".into()),
        Field::SecretKey => return None,
        Field::Enabled | Field::Ssl => Value::Bool(false),
        Field::Triggers => Value::Triggers(TriggerSet::from_bits(384)),
        Field::TargetId => Value::Text("room-1".into()),
    })
}

/// The lines of an entry that sets each of `fields` to `value_of` it (the secret to `${S}`),
/// indented by `indent`.
fn entry_lines(
    indent: &str,
    fields: &[Field],
    value_of: impl Fn(Field) -> Option<Value>,
) -> String {
    let mut lines = String::new();
    for &field in fields {
        let value = match value_of(field) {
            None => "${S}".to_string(),
            Some(Value::Text(text)) => serde_json::to_string(&text).unwrap(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Triggers(triggers)) => serde_json::to_string(&triggers.names()).unwrap(),
            Some(Value::None) => "~".to_string(),
            Some(Value::Sensitive) => unreachable!("Webhook::value never gives it"),
        };
        lines.push_str(&format!("{indent}{}: {value}\n", field.key()));
    }
    lines
}

/// Every field of the planned body, through `Webhook::value`, is what `set_apart` gives it.
fn assert_set_apart(op: &Op) {
    let (Op::Create(body) | Op::Update { body, .. }) = op else {
        panic!("a create or an update, not {op:?}")
    };
    assert!(body.secret_key.is_some());
    for &field in Field::ALL {
        assert_eq!(body.value(field), set_apart(field), "{field:?}");
    }
}

/// A file that sets every field apart from its default gets it in the body, on a create, on an
/// update of a webhook with the defaults, and from a portal's own entry over a shared one that
/// writes the defaults: the entry check not keeping a value, `merged` keeping the base's, or
/// `overlaid_by` ignoring the portal's own fail here.
#[test]
fn every_field_the_file_sets_reaches_the_body() {
    let hook = LiveWebhook::listed(7, "Hook", "https://a.example.com/h");
    let defaults = hook.settings();
    for &field in Field::ALL {
        if let Some(value) = set_apart(field) {
            assert_ne!(
                defaults.value(field),
                Some(value),
                "{field:?} is its default"
            );
        }
    }
    let Some(Value::Text(name)) = set_apart(Field::Name) else {
        panic!("a name is text")
    };
    // A name key is the name: `name:` is only written under an id key.
    let unnamed: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|&f| f != Field::Name)
        .collect();
    let create = format!(
        "webhooks:\n  {name}:\n{}",
        entry_lines("    ", &unnamed, set_apart)
    );
    let created = plan_of(&create, &[]).unwrap();
    assert_eq!(created.changes[0].action(), Action::Create);
    assert_set_apart(&created.changes[0].op);

    let update = format!(
        "webhooks:\n  7:\n{}",
        entry_lines("    ", Field::ALL, set_apart)
    );
    assert_set_apart(
        &plan_of(&update, std::slice::from_ref(&hook))
            .unwrap()
            .changes[0]
            .op,
    );

    let fleet = format!(
        "portals:\n  a:\n    url: https://portal.example.com\n    apiKey: ${{A}}\n    webhooks:\n      {name}:\n{}webhooks:\n  {name}:\n{}",
        entry_lines("        ", &unnamed, set_apart),
        entry_lines("    ", &unnamed, |field| defaults.value(field)),
    );
    let document = load_document_str(&fleet, "webhooks.yaml").expect("test file is valid");
    let overlaid = plan(
        &document.portals[0].config,
        &[],
        "https://portal.example.com",
        PlanOptions::default(),
    )
    .unwrap();
    assert_set_apart(&overlaid.changes[0].op);
}

//! Checks request bodies against the published OpenAPI (docs/docspace-api.md §2): only declared
//! properties, declared JSON types, required ones present, length limits respected.
//! One documented exception: `triggers` is sent as an int64 bitmask, which the generated
//! `WebhookTrigger` schema (single-bit values up to 2^30, or names) cannot express.

use secrecy::SecretString;
use serde_json::Value;

use super::*;

/// DocSpace's published OpenAPI document for the webhook operations, vendored so the check runs
/// from a fresh clone.
fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/openapi-webhooks.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "unresolved $ref {r}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// Properties and required names of an object schema, following `allOf`.
fn object_parts<'a>(
    doc: &'a Value,
    schema: &'a Value,
) -> (Vec<(&'a str, &'a Value)>, Vec<&'a str>) {
    let schema = resolve(doc, schema);
    let mut props = Vec::new();
    let mut required = Vec::new();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        let (p, r) = object_parts(doc, part);
        props.extend(p);
        required.extend(r);
    }
    if let Some(p) = schema["properties"].as_object() {
        props.extend(p.iter().map(|(k, v)| (k.as_str(), v)));
    }
    required.extend(
        schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str),
    );
    (props, required)
}

fn type_matches(doc: &Value, schema: &Value, v: &Value) -> bool {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema["oneOf"].as_array() {
        return branches.iter().any(|b| type_matches(doc, b, v));
    }
    let in_enum = |v: &Value| {
        schema["enum"]
            .as_array()
            .is_none_or(|values| values.contains(v))
    };
    match schema["type"].as_str() {
        Some("string") => v.is_string() && in_enum(v),
        // An integer `enum` is not checked: see the module comment.
        Some("boolean") => v.is_boolean(),
        Some("integer") if schema["format"] == "int32" => {
            v.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
        }
        Some("integer") => v.is_i64(),
        Some("array") => v
            .as_array()
            .is_some_and(|items| items.iter().all(|i| type_matches(doc, &schema["items"], i))),
        other => panic!("schema type {other:?} not handled by this check"),
    }
}

/// Every way `body` breaks the schema `name`.
fn violations(doc: &Value, name: &str, body: &Value) -> Vec<String> {
    let schema = &doc["components"]["schemas"][name];
    assert!(
        !schema.is_null(),
        "schema {name} missing from the OpenAPI file"
    );
    let (props, required) = object_parts(doc, schema);
    let Value::Object(body) = body else {
        return vec!["body is not an object".into()];
    };
    let mut out = Vec::new();
    for r in &required {
        if !body.contains_key(*r) {
            out.push(format!("required `{r}` missing"));
        }
    }
    for (key, value) in body {
        let Some((_, prop)) = props.iter().find(|(p, _)| p == key) else {
            out.push(format!("`{key}` is not declared"));
            continue;
        };
        let prop = resolve(doc, prop);
        if value.is_null() {
            if prop["nullable"] != true {
                out.push(format!("`{key}` is null but not nullable"));
            }
            continue;
        }
        if !type_matches(doc, prop, value) {
            out.push(format!("`{key}` has the wrong JSON type: {value}"));
        }
        if let (Some(max), Some(s)) = (prop["maxLength"].as_u64(), value.as_str())
            && s.chars().count() as u64 > max
        {
            out.push(format!("`{key}` is longer than {max}"));
        }
        if let (Some(min), Some(s)) = (prop["minLength"].as_u64(), value.as_str())
            && (s.chars().count() as u64) < min
        {
            out.push(format!("`{key}` is shorter than {min}"));
        }
    }
    out
}

fn json_of(v: &impl Serialize) -> Value {
    serde_json::from_slice(&serde_json::to_vec(v).unwrap()).unwrap()
}

/// The longest values the config layer lets through (name 50, secret 30 by policy but 50 by
/// the DTO, targetId 255) and a multi-bit mask including a 3.7 bit above 2^32.
fn longest_body(secret: bool) -> WebhookBody {
    WebhookBody {
        name: "n".repeat(50),
        uri: "https://hooks.example.com/docspace".into(),
        secret_key: secret.then(|| SecretString::from("s".repeat(50))),
        enabled: true,
        ssl: false,
        triggers: TriggerSet::from_bits((1 << 34) | 384),
        target_id: Some("t".repeat(255)),
    }
}

#[test]
fn request_bodies_match_the_published_schemas() {
    let doc = spec();
    let create = "CreateWebhooksConfigRequestsDto";
    let update = "UpdateWebhooksConfigRequestsDto";
    for secret in [true, false] {
        let b = longest_body(secret);
        let c = json_of(&WebhookRequest { id: None, body: &b });
        assert_eq!(violations(&doc, create, &c), Vec::<String>::new(), "{c}");
        let u = json_of(&WebhookRequest {
            id: Some(i32::MAX),
            body: &b,
        });
        assert_eq!(violations(&doc, update, &u), Vec::<String>::new(), "{u}");
        let mut minimal = b.clone();
        minimal.target_id = None;
        let u = json_of(&WebhookRequest {
            id: Some(1),
            body: &minimal,
        });
        assert_eq!(violations(&doc, update, &u), Vec::<String>::new(), "{u}");
    }
    let e = json_of(&EnableRequest {
        id: 3,
        name: "n",
        uri: "https://hooks.example.com",
        enabled: false,
    });
    assert_eq!(violations(&doc, update, &e), Vec::<String>::new(), "{e}");
    let r = json_of(&RetryRequest {
        ids: &[1, i32::MAX],
    });
    assert_eq!(
        violations(&doc, "WebhookRetryRequestsDto", &r),
        Vec::<String>::new(),
        "{r}"
    );
}

#[test]
fn the_schema_check_itself_catches_violations() {
    let doc = spec();
    let mut b = longest_body(true);
    b.name = "n".repeat(51);
    let mut c = json_of(&WebhookRequest { id: None, body: &b });
    c["triggers"] = Value::String("FileCreated, RoomCreated".into());
    c["extra"] = Value::Bool(true);
    c["enabled"] = Value::Null;
    c.as_object_mut().unwrap().remove("uri");
    let mut found = violations(&doc, "CreateWebhooksConfigRequestsDto", &c);
    found.sort();
    assert_eq!(
        found,
        [
            "`enabled` is null but not nullable",
            "`extra` is not declared",
            "`name` is longer than 50",
            "`triggers` has the wrong JSON type: \"FileCreated, RoomCreated\"",
            "required `uri` missing",
        ]
    );
    // The update schema requires the id.
    let c = json_of(&WebhookRequest {
        id: None,
        body: &longest_body(false),
    });
    assert_eq!(
        violations(&doc, "UpdateWebhooksConfigRequestsDto", &c),
        ["required `id` missing"]
    );
    let r = serde_json::json!({"ids": [1, "2", 4_294_967_296_u64]});
    assert_eq!(
        violations(&doc, "WebhookRetryRequestsDto", &r),
        [r#"`ids` has the wrong JSON type: [1,"2",4294967296]"#]
    );
}

use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;

use super::*;

fn body(secret: Option<&str>, target: Option<&str>) -> WebhookBody {
    WebhookBody {
        name: "ci-events".into(),
        uri: "https://hooks.example.com/docspace".into(),
        secret_key: secret.map(SecretString::from),
        enabled: false,
        ssl: true,
        triggers: TriggerSet::from_bits(384),
        target_id: target.map(str::to_string),
    }
}

fn to_json(v: &impl Serialize) -> String {
    String::from_utf8(serde_json::to_vec(v).unwrap()).unwrap()
}

fn ep() -> Endpoint {
    Endpoint {
        method: Method::GET,
        path: "/api/2.0/settings/webhook".into(),
    }
}

#[test]
fn create_body_is_exact() {
    let b = body(Some("Secret-123"), Some("42"));
    assert_eq!(
        to_json(&WebhookRequest { id: None, body: &b }),
        r#"{"name":"ci-events","uri":"https://hooks.example.com/docspace","secretKey":"Secret-123","enabled":false,"ssl":true,"triggers":384,"targetId":"42"}"#
    );
}

#[test]
fn update_body_has_the_id_and_omits_a_kept_secret() {
    let b = body(None, None);
    assert_eq!(
        to_json(&WebhookRequest {
            id: Some(7),
            body: &b
        }),
        r#"{"id":7,"name":"ci-events","uri":"https://hooks.example.com/docspace","enabled":false,"ssl":true,"triggers":384,"targetId":null}"#
    );
    // "" means no target, sent as null; "all events" is 0.
    let mut b = body(Some("Secret-123"), Some(""));
    b.triggers = TriggerSet::ALL;
    let json = to_json(&WebhookRequest {
        id: Some(7),
        body: &b,
    });
    assert!(json.contains(r#""secretKey":"Secret-123""#), "{json}");
    assert!(json.contains(r#""triggers":0,"targetId":null"#), "{json}");
}

/// The keys of the JSON object `json`, in the order it writes them.
fn keys_of(json: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((key, serde::de::IgnoredAny)) = map.next_entry()? {
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(Visitor)
        }
    }
    serde_json::from_str::<Keys>(json).unwrap().0
}

/// Every field goes out, by its key, in `Field::ALL` order, on a create and on an update
/// (which adds the `id` first): an arm of `WebhookRequest`'s `Serialize` that sends nothing
/// fails here, though the exact bodies above would keep their old strings.
#[test]
fn a_body_sends_every_field_by_its_key() {
    let b = body(Some("Secret-123"), Some("42"));
    for id in [None, Some(7)] {
        let mut keys = keys_of(&to_json(&WebhookRequest { id, body: &b }));
        if id.is_some() {
            assert_eq!(keys.remove(0), "id");
        }
        assert_eq!(keys, Field::KEYS, "id {id:?}");
    }
}

#[test]
fn enable_body_is_exact() {
    let r = EnableRequest {
        id: 7,
        name: "ci-events",
        uri: "https://hooks.example.com/docspace",
        enabled: true,
    };
    assert_eq!(
        to_json(&r),
        r#"{"id":7,"name":"ci-events","uri":"https://hooks.example.com/docspace","enabled":true}"#
    );
}

#[test]
fn debug_of_a_body_hides_the_secret() {
    let b = body(Some("Secret-123"), None);
    let shown = format!("{b:?} {b:#?}");
    assert!(!shown.contains("Secret-123"), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
}

#[test]
fn list_of_the_reference_example_is_read() {
    // The docs/docspace-api.md §6 example, plus an item without any optional member, an empty
    // targetId, a number-as-string trigger mask and a 3.7 high bit.
    let v = json!({
      "response": [
        {
          "configs": {
            "id": 9, "name": "minimal", "uri": "https://b.example.com", "enabled": false,
            "ssl": false, "triggers": "17179869184", "targetId": ""
          },
          "status": 0
        },
        {
          "configs": {
            "id": 7,
            "name": "ci-events",
            "uri": "https://hooks.example.com/docspace",
            "enabled": true,
            "ssl": true,
            "triggers": 384,
            "createdBy": { "id": "66faa6e4-f133-11ea-b126-00ffeec8b4ef", "displayName": "Admin",
              "avatar": "...", "avatarOriginal": "...", "avatarMax": "...", "avatarMedium": "...",
              "avatarSmall": "...", "profileUrl": "...", "hasAvatar": false, "isAnonim": false },
            "createdOn": "2026-06-30T13:05:11.0000000+00:00",
            "lastSuccessOn": "2026-06-30T13:10:02.0000000+00:00",
            "targetId": "1234"
          },
          "status": 200
        }
      ],
      "count": 1,
      "links": [ { "href": "https://portal.example.com/api/2.0/settings/webhook", "action": "GET" } ],
      "status": 0,
      "statusCode": 200
    });
    let list = decode_list(&ep(), &v).unwrap();
    assert_eq!(
        list,
        vec![
            LiveWebhook {
                id: 7,
                name: "ci-events".into(),
                uri: "https://hooks.example.com/docspace".into(),
                enabled: true,
                ssl: true,
                triggers: TriggerSet::from_bits(384),
                target_id: Some("1234".into()),
                last_failure_on: None,
                last_failure_content: None,
                last_success_on: Some("2026-06-30T13:10:02.0000000+00:00".into()),
                created_on: Some("2026-06-30T13:05:11.0000000+00:00".into()),
                created_by: Some("66faa6e4-f133-11ea-b126-00ffeec8b4ef".into()),
            },
            LiveWebhook {
                enabled: false,
                ssl: false,
                triggers: TriggerSet::from_bits(1 << 34),
                ..LiveWebhook::listed(9, "minimal", "https://b.example.com")
            },
        ]
    );
    assert!(
        decode_list(&ep(), &json!({"response": []}))
            .unwrap()
            .is_empty()
    );
}

fn shape_err(v: Value) -> String {
    match decode_list(&ep(), &v) {
        Ok(l) => panic!("expected an error, got {l:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn wrong_shapes_say_where_and_what_was_expected() {
    assert_eq!(
        shape_err(json!({"response": {"id": 1}})),
        "GET /api/2.0/settings/webhook: unexpected answer at `response`: found an object \
         (expected a list of webhooks)"
    );
    assert_eq!(
        shape_err(json!([1, 2])),
        "GET /api/2.0/settings/webhook: unexpected answer at `(top level)`: found a list of 2 \
         item(s) (expected the DocSpace envelope {\"response\": ...})"
    );
    let e = shape_err(json!({"response": [{"id": 1, "name": "old 3.0 shape"}]}));
    assert!(
        e.contains("at `response[0]`: found an object without `configs`"),
        "{e}"
    );
    let item = json!({"id": 1, "name": "n", "uri": "u", "enabled": true, "ssl": true});
    let mut bad = item.clone();
    bad["triggers"] = json!(true);
    let e = shape_err(json!({"response": [{"configs": bad}]}));
    assert!(
        e.contains("at `response[0].configs.triggers`: found true (expected an integer bitmask)"),
        "{e}"
    );
    let e = shape_err(json!({"response": [{"configs": item}]}));
    assert!(
        e.contains("`response[0].configs.triggers`: found nothing"),
        "{e}"
    );
    let mut bad = item.clone();
    bad["triggers"] = json!(0);
    bad["id"] = json!("seven");
    let e = shape_err(json!({"response": [{"configs": bad}]}));
    assert!(
        e.contains("`response[0].configs.id`: found the string \"seven\" (expected an int32 id)"),
        "{e}"
    );
}

#[test]
fn a_list_that_repeats_an_id_is_refused_naming_it() {
    let item = |id: i32, name: &str| {
        json!({"configs": {"id": id, "name": name, "uri": "https://u.example", "enabled": true,
            "ssl": true, "triggers": 0}, "status": 0})
    };
    // Even with different contents: which record is true cannot be known.
    let v = json!({"response": [item(7, "a"), item(3, "b"), item(7, "a2"), item(7, "a")]});
    assert_eq!(
        shape_err(v),
        "GET /api/2.0/settings/webhook: the portal listed webhook #7 3 times; a list that \
         repeats a webhook cannot be trusted, so none of it is used"
    );
    let distinct = json!({"response": [item(7, "a"), item(3, "a")]});
    assert_eq!(
        decode_list(&ep(), &distinct).unwrap().len(),
        2,
        "names may repeat"
    );
}

#[test]
fn single_answers_are_read_from_response() {
    let v = json!({"response": {"id": 3, "name": "n", "uri": "https://u.example", "enabled": true,
        "ssl": false, "triggers": 0}, "count": 1, "status": 0, "statusCode": 200});
    let w = decode_one(&ep(), &v).unwrap();
    assert_eq!((w.id, w.triggers, w.ssl), (3, TriggerSet::ALL, false));
}

/// A value of `field` that `LiveWebhook::listed` does not give, as the portal's answer writes
/// it and as `Webhook::value` gives it; `None` for the secret, which no answer holds.
fn answered_apart(field: Field) -> Option<(Value, crate::field::Value)> {
    use crate::field::Value::{Bool, Text, Triggers};
    Some(match field {
        Field::Name => (json!("Renamed"), Text("Renamed".into())),
        Field::Uri => (
            json!("https://b.example.com/other"),
            Text("https://b.example.com/other".into()),
        ),
        Field::SecretKey => return None,
        Field::Enabled => (json!(false), Bool(false)),
        Field::Ssl => (json!(false), Bool(false)),
        Field::Triggers => (json!(384), Triggers(TriggerSet::from_bits(384))),
        Field::TargetId => (json!("room-1"), Text("room-1".into())),
    })
}

/// A webhook that differs from the defaults in every field, as the portal answers it, keeps
/// every field through `decode_webhook` and `LiveWebhook::settings`: either giving a constant
/// (or the default) fails here.
#[test]
fn every_field_of_an_answer_reaches_the_settings() {
    let defaults = LiveWebhook::listed(7, "Hook", "https://a.example.com/h").settings();
    let mut answer = json!({"id": 7});
    for &field in Field::ALL {
        if let Some((member, _)) = answered_apart(field) {
            answer[field.key()] = member;
        }
    }
    let settings = decode_one(&ep(), &json!({ "response": answer }))
        .unwrap()
        .settings();
    for &field in Field::ALL {
        let expected = answered_apart(field).map(|(_, value)| value);
        if expected.is_some() {
            assert_ne!(defaults.value(field), expected, "{field:?} is its default");
        }
        assert_eq!(settings.value(field), expected, "{field:?}");
    }
}

/// A `total` beside the list (DocSpace sends none) must be its length, and a count: a paging
/// proxy's list is never planned from, whatever it writes there; a null one is none.
#[test]
fn a_list_whose_total_is_not_its_length_or_no_count_is_refused() {
    let one = json!({"configs": {"id": 1, "name": "a", "uri": "https://a.example.com", "enabled": true, "ssl": true, "triggers": 0}, "status": null});
    let with = |total: Value| json!({"response": [one.clone()], "total": total});
    let head =
        "GET /api/2.0/settings/webhook: the portal's list holds 1 webhook but its `total` says";
    let tail = "nothing is done with a list that may be partial, so none of it is used";
    for (total, says) in [
        (json!(3), "3"),
        (json!("1"), "a string"),
        (json!(1.0), "a number that is no count"),
        (json!([1]), "a value that is no count"),
    ] {
        assert_eq!(shape_err(with(total)), format!("{head} {says}; {tail}"));
    }
    for total in [json!(1), Value::Null] {
        assert_eq!(decode_list(&ep(), &with(total)).unwrap().len(), 1);
    }
}

#[path = "openapi_tests.rs"]
mod openapi;

//! The fields of a webhook, described once: each one's spelling (the same in the file, plans,
//! saved plans and the API's JSON), the order plans list them in, and the one record that holds
//! them, `Webhook<S, T>`: generic, not a map keyed by field, which would lose the types every
//! stage reads. A new field does not compile until every stage handles it (no wildcard arm on
//! `Field`, struct literals only): docs/contributing.md, "How to add a field".

use crate::triggers::TriggerSet;

/// Declares `Field`, `Field::ALL`, `Field::KEYS` and `Field::key` from one list, so no list can
/// miss a field.
macro_rules! fields {
    ($($(#[doc = $doc:literal])* $variant:ident = $key:literal,)+) => {
        /// One field of a webhook. Ordered as plans list them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field {
            $($(#[doc = $doc])* $variant,)+
        }

        impl Field {
            /// Every field, in the order plans and the schema list them.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)+];

            /// The spelling of every field, in the order of `ALL`.
            pub const KEYS: &'static [&'static str] = &[$($key,)+];

            /// The spelling in the config file, in plans and in the API's JSON.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Field::$variant => $key,)+
                }
            }
        }
    };
}

fields! {
    /// The webhook's name. Under a name key the key is the name; under an id key `name:`
    /// renames the webhook.
    Name = "name",
    /// Where the portal delivers events.
    Uri = "uri",
    /// Signs each delivery. Write-only: the portal never returns it.
    SecretKey = "secretKey",
    Enabled = "enabled",
    /// Whether the target's certificate is checked (and the uri must be https).
    Ssl = "ssl",
    Triggers = "triggers",
    /// Fire only for events on this entity; none when absent.
    TargetId = "targetId",
}

impl Field {
    /// The field spelled exactly `key` (case matters, as in the file).
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.key() == key)
    }

    /// Whether the value is a secret: never read back, never shown, masked in diagnostics.
    pub const fn is_secret(self) -> bool {
        match self {
            Field::SecretKey => true,
            Field::Name
            | Field::Uri
            | Field::Enabled
            | Field::Ssl
            | Field::Triggers
            | Field::TargetId => false,
        }
    }

    /// Whether its text may carry a URL's credentials, masked wherever it is shown: a uri, and
    /// a name, which may be one.
    pub const fn may_hold_credentials(self) -> bool {
        match self {
            Field::Name | Field::Uri => true,
            Field::SecretKey | Field::Enabled | Field::Ssl | Field::Triggers | Field::TargetId => {
                false
            }
        }
    }
}

/// A field's value as a plan shows and compares it. A secret is only ever `Sensitive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Not set: the "before" of a create, or no target.
    None,
    Text(String),
    Bool(bool),
    Triggers(TriggerSet),
    Sensitive,
}

/// A webhook's settings, one member per `Field` in `Field::ALL` order, as every stage that
/// holds a whole webhook holds them: `S` is how the stage holds the secret (`None` on an update
/// keeps the stored one), `T` the triggers. Its `Debug` hides the uri (`HiddenUri`), and that
/// of every `S` in use the secret. Its serde form is the saved plan's `Body` (the name its
/// messages give it).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, rename = "Body", rename_all = "camelCase")]
pub struct Webhook<S, T = TriggerSet> {
    pub name: String,
    pub uri: String,
    pub secret_key: S,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: T,
    /// `None` is "no target"; a `""` from outside is read as none (`value`).
    pub target_id: Option<String>,
}

impl<S, T> Webhook<S, T> {
    /// The same settings with the secret and the triggers held another way.
    pub fn map<S2, T2>(
        self,
        secret: impl FnOnce(S) -> S2,
        triggers: impl FnOnce(T) -> T2,
    ) -> Webhook<S2, T2> {
        Webhook {
            name: self.name,
            uri: self.uri,
            secret_key: secret(self.secret_key),
            enabled: self.enabled,
            ssl: self.ssl,
            triggers: triggers(self.triggers),
            target_id: self.target_id,
        }
    }
}

/// A uri as `Debug` shows it (one read from `uri: ${VAR}` holds a token, which a `{:?}` in a
/// log line or panic message would leak): `(uri hidden)`, and whether an optional one is set.
pub(crate) struct HiddenUri<'a, U>(pub &'a U);

impl std::fmt::Debug for HiddenUri<'_, String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(uri hidden)")
    }
}

impl std::fmt::Debug for HiddenUri<'_, Option<String>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.as_ref().map(HiddenUri).fmt(f)
    }
}

/// `Debug` for a record holding a uri, its members in order with the uri as `HiddenUri`: every
/// record that holds one (`Webhook`, `api::LiveWebhook`, `config::DesiredWebhook`) has it, and
/// so everything that holds them.
macro_rules! debug_hiding_uri {
    ($ty:ident $(<$($g:ident),+>)? { $($before:ident),*; uri; $($after:ident),* }) => {
        impl$(<$($g: std::fmt::Debug),+>)? std::fmt::Debug for $ty$(<$($g),+>)? {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // Taken apart: a new member does not compile until it is listed.
                let $ty { $($before,)* uri, $($after),* } = self;
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($before), $before))*
                    .field("uri", &$crate::field::HiddenUri(uri))
                    $(.field(stringify!($after), $after))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug_hiding_uri;

debug_hiding_uri!(Webhook<S, T> { name; uri; secret_key, enabled, ssl, triggers, target_id });

impl<S> Webhook<S> {
    /// The value of `field`, real (credentials unmasked), as plans compare it; `None` for the
    /// secret, which the portal never returns and so is never compared or shown by value.
    pub fn value(&self, field: Field) -> Option<Value> {
        let text = |s: &str| Value::Text(s.to_string());
        Some(match field {
            Field::Name => text(&self.name),
            Field::Uri => text(&self.uri),
            Field::SecretKey => return None,
            Field::Enabled => Value::Bool(self.enabled),
            Field::Ssl => Value::Bool(self.ssl),
            Field::Triggers => Value::Triggers(self.triggers),
            Field::TargetId => self.target().map_or(Value::None, text),
        })
    }

    /// The target, with `""` read as none (as the portal means it).
    pub fn target(&self) -> Option<&str> {
        self.target_id.as_deref().filter(|t| !t.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Webhook};

    #[test]
    fn every_field_reads_back_from_its_key_in_order() {
        assert_eq!(Field::ALL.len(), Field::KEYS.len());
        for (i, (field, key)) in Field::ALL.iter().zip(Field::KEYS).enumerate() {
            assert_eq!(field.key(), *key);
            assert_eq!(Field::from_key(key), Some(*field));
            assert!(Field::ALL[..i].iter().all(|earlier| earlier < field));
        }
        assert_eq!(Field::from_key("SecretKey"), None);
    }

    #[test]
    fn the_saved_form_of_a_webhook_spells_every_field_as_its_key_in_order() {
        let w = Webhook {
            name: String::new(),
            uri: String::new(),
            secret_key: (),
            enabled: true,
            ssl: true,
            triggers: (),
            target_id: None,
        };
        // No value here holds a `,` or a `:`.
        let json = serde_json::to_string(&w).unwrap();
        let keys: Vec<&str> = json
            .trim_matches(['{', '}'])
            .split(',')
            .map(|member| member.split(':').next().unwrap_or("").trim_matches('"'))
            .collect();
        assert_eq!(keys, Field::KEYS);
    }
}

//! The fields of a webhook, described once: each one's spelling (the same in the config file,
//! in plans, in a saved plan and in the API's JSON) and the order plans and the schema list
//! them in.
//!
//! Invariant: a new field does not compile until every stage handles it. Each stage that
//! treats fields one by one matches on `Field` without a wildcard arm (the loader's entry
//! check, the schema, the plan's diff, the stale check, export), and every record of a webhook
//! (`DesiredWebhook`, `PlannedBody`, `LiveWebhook`, `WebhookBody`, the saved plan's `Body` and
//! `Live`) is built with a struct literal and taken apart without `..`. The README's "How to add
//! a field" lists where the compiler sends you.

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
}

#[cfg(test)]
mod tests {
    use super::Field;

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
}

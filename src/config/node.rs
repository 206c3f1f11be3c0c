//! Pass 1 of the loader: YAML text to a loose tree of spanned nodes.
//!
//! serde stops at the first error, so nothing here knows the config's shape: any well-formed
//! YAML becomes a `Node` tree, and pass 2 (`validate`) checks the shape by hand, collecting
//! every problem. Only YAML-level failures (syntax, duplicate keys, several documents, budget
//! breaches) stop it, as a single `ParseFailure` (see `parse_error`). Every node keeps the byte span it was
//! read from, which is what lets each later problem point at its value.

use std::fmt;

use miette::SourceSpan;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::parse_error::{ParseFailure, failure};
use super::span::span_of;

/// One YAML node and where it stands in the text. No `Debug`: a node may hold a secret.
pub(super) struct Node {
    pub kind: Kind,
    /// Where the node is used: for an alias, the `*alias` token.
    pub span: SourceSpan,
    /// Where its value is written: for an alias, the anchored node. Equal to `span` otherwise.
    pub defined: SourceSpan,
}

pub(super) enum Kind {
    Null,
    Bool(bool),
    /// A plain (unquoted) integer. A quoted `"9846"` is a `Str`.
    Int(i128),
    /// A float, or an integer too big for 64 bits. Only its text matters, for messages.
    Float,
    Str(String),
    Seq(Vec<Node>),
    /// In file order.
    Map(Vec<(Node, Node)>),
}

impl Kind {
    /// For "expected X, found Y" messages.
    pub(super) fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Far beyond any real webhook file (100 webhooks with every field take about 2,500).
const MAX_NODES: usize = 50_000;
/// Far beyond the deepest valid file (4 levels), far below what overflows a thread's stack.
const MAX_DEPTH: usize = 16;

/// Parses one YAML document. An empty document (or only comments) is `Kind::Null`.
pub(super) fn parse(text: &str) -> Result<Node, ParseFailure> {
    // serde-saphyr's defaults bound depth, aliases and events; the node and replay caps are
    // tightened because a webhook file has a few thousand nodes at most, and an alias bomb
    // then stops after a fraction of the work.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    // The deepest valid node is a trigger name, 4 levels down. Each level costs the recursive
    // deserializer tens of KiB of stack in a debug build, so the default (64) could overflow a
    // 2 MiB thread before the limit is reached.
    budget.max_depth = MAX_DEPTH;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = MAX_NODES;
    let options = serde_saphyr::options! {
        // YAML 1.2 booleans only: `enabled: yes` is then a string, reported as "expected
        // true or false" instead of silently meaning true, and a webhook named `no` or `on`
        // stays a name.
        strict_booleans: true,
        // Tags have no meaning in this file; an unknown one is more likely a mistake.
        reject_unsupported_tags: true,
        // `.nan` is a value of the wrong type, reported with a span by pass 2.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        // Problems carry their own snippets.
        with_snippet: false,
        budget: Some(budget),
        alias_limits: alias_limits,
    };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(raw) => Ok(convert(raw, text)),
        Err(err) => Err(failure(&err, text)),
    }
}

fn convert(raw: Spanned<Raw>, text: &str) -> Node {
    let span = span_of(&raw.referenced, text);
    let defined = if raw.defined == raw.referenced {
        span
    } else {
        span_of(&raw.defined, text)
    };
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Int(i) => Kind::Int(i),
        Raw::Float => Kind::Float,
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|n| convert(n, text)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(k, text), convert(v, text)))
                .collect(),
        ),
    };
    Node {
        kind,
        span,
        defined,
    }
}

/// The tree as serde sees it, before spans are turned into byte ranges. Its children are
/// `Spanned<Raw>` read straight from the YAML deserializer (never buffered through serde's
/// `Content`), which is what keeps their locations.
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float,
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(i128::try_from(v).map_or(Raw::Float, Raw::Int))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
        Ok(Raw::Float)
    }

    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        // Only a `!!binary` scalar arrives here; this file has no use for one.
        Err(E::invalid_type(de::Unexpected::Bytes(v), &"a string"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

//! Pass 1 of the loader: YAML text to a loose tree of spanned nodes, byte spans and the line
//! and column a person reads, and the YAML-level failures that stop it.
//!
//! serde stops at the first error, so nothing here knows the config's shape: any well-formed
//! YAML becomes a `Node` tree, and pass 2 (`validate`, `entry`, `portals`, `checker`) checks
//! the shape by hand, collecting every problem. Only YAML-level failures (syntax, duplicate
//! keys, several documents, budget breaches) stop it, as a single `ParseFailure` with a code and
//! a hint for the mistakes people make most. Every node keeps the byte span it was read from,
//! which is what lets each later problem point at its value.
//!
//! Invariant: failure messages quote the file only escaped (`redact::escaped`), so no control
//! character in it reaches the terminal.

use std::fmt;

use miette::SourceSpan;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::redact::escaped;

/// One YAML node and where it stands in the text. No `Debug`: a node may hold a secret.
pub(super) struct Node {
    pub kind: Kind,
    /// Where the node is used: for an alias, the `*alias` token.
    pub span: SourceSpan,
    /// Where its value is written: for an alias, the anchored node. Equal to `span` otherwise.
    pub defined: SourceSpan,
}

/// A node's value; `N` is how it holds its children (`Node`s, or as serde reads them).
pub(super) enum Kind<N = Node> {
    Null,
    Bool(bool),
    /// A plain (unquoted) integer. A quoted `"9846"` is a `Str`.
    Int(i128),
    /// A float, or an integer too big for 64 bits. Only its text matters, for messages.
    Float,
    Str(String),
    Seq(Vec<N>),
    /// In file order.
    Map(Vec<(N, N)>),
}

impl<N> Kind<N> {
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

/// A ceiling on the tree, counting the nodes aliases add: it bounds the memory a file may take,
/// not what a real file holds. A file at the byte cap (`MAX_FILE_BYTES`) written as `export`
/// writes it (13 bytes an event) holds about 300,000, and so does one of 50,000 portals.
const MAX_NODES: usize = 1_000_000;
/// What aliases may add whatever the file's size: far more than a file reuses by hand (a
/// shared `triggers:` list of 10 events replays 12).
const MIN_ALIAS_EVENTS: usize = 50_000;
/// Bytes of file for each event aliases may add beyond `MIN_ALIAS_EVENTS`. `export` writes
/// about 13 bytes an event, so aliases may add a little more than the file spells out: reading
/// a bomb then costs about what an honest file of its size does (measured at the byte cap, in
/// a release build: 0.7 s and 150 MB for a padded billion laughs, 0.6 s and 90 MB for 30,000
/// short webhooks), where without the cap it grows exponentially with the file.
const BYTES_PER_ALIAS_EVENT: usize = 8;
/// Far beyond the deepest valid file (4 levels), far below what overflows a thread's stack.
const MAX_DEPTH: usize = 16;

/// Parses one YAML document. An empty document (or only comments) is `Kind::Null`.
pub(super) fn parse(text: &str) -> Result<Node, ParseFailure> {
    // The limit on size is the byte cap, checked before this. What is bounded here is what
    // aliases add, relative to that size: an alias bomb is a small file that expands without
    // end, so the replay cap stops it after work linear in its length, where a cap on nodes
    // alone would either refuse big honest files or let a bomb run to that cap.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    // Every node is at most two events (start and end), plus the stream's and document's own.
    budget.max_events = 2 * MAX_NODES + 4;
    // The deepest valid node is a trigger name, 4 levels down. Each level costs the recursive
    // deserializer tens of KiB of stack in a debug build, so the default (64) could overflow a
    // 2 MiB thread before the limit is reached.
    budget.max_depth = MAX_DEPTH;
    // Aliases and anchors are each written in the file, so the byte cap bounds their count;
    // many aliases of one anchor (`triggers: *common` on every webhook) are no bomb: what they
    // expand to is capped below.
    budget.max_aliases = usize::MAX;
    budget.max_anchors = usize::MAX;
    budget.enforce_alias_anchor_ratio = false;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events =
        MIN_ALIAS_EVENTS.max(text.len() / BYTES_PER_ALIAS_EVENT);
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
    let kind = match raw.value.0 {
        Kind::Null => Kind::Null,
        Kind::Bool(b) => Kind::Bool(b),
        Kind::Int(i) => Kind::Int(i),
        Kind::Float => Kind::Float,
        Kind::Str(s) => Kind::Str(s),
        Kind::Seq(items) => Kind::Seq(items.into_iter().map(|n| convert(n, text)).collect()),
        Kind::Map(entries) => Kind::Map(
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
struct Raw(Kind<Spanned<Raw>>);

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
        Ok(Raw(Kind::Null))
    }

    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw(Kind::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw(Kind::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw(Kind::Int(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw(Kind::Int(v.into())))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw(Kind::Int(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw(i128::try_from(v).map_or(Kind::Float, Kind::Int)))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
        Ok(Raw(Kind::Float))
    }

    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw(Kind::Str(v.to_string())))
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
        Ok(Raw(Kind::Seq(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Raw(Kind::Map(entries)))
    }
}

/// Byte span of a location. serde-saphyr gives byte offsets for values read from a string,
/// but its parser errors carry only character offsets, so those are converted here.
pub(super) fn span_of(location: &Location, text: &str) -> SourceSpan {
    if *location == Location::UNKNOWN {
        return SourceSpan::from(0..0);
    }
    let span = location.span();
    if let (Some(offset), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = clamp(offset, text);
        let end = clamp(offset.saturating_add(len), text);
        return SourceSpan::from(start..end);
    }
    let start = byte_of_char(text, span.offset());
    let end = byte_of_char(text, span.offset().saturating_add(span.len()));
    SourceSpan::from(start..end.max(start))
}

fn clamp(offset: u64, text: &str) -> usize {
    usize::try_from(offset).map_or(text.len(), |o| o.min(text.len()))
}

fn byte_of_char(text: &str, chars: u64) -> usize {
    let chars = usize::try_from(chars).unwrap_or(usize::MAX);
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// The 1-based line and column (in characters) of byte `offset`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// A YAML-level error: the file could not be read as one YAML document.
#[derive(Debug)]
pub(super) struct ParseFailure {
    pub span: SourceSpan,
    pub code: &'static str,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

pub(super) fn failure(err: &serde_saphyr::Error, text: &str) -> ParseFailure {
    let mut err = err;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = err
    {
        err = error;
    }
    let span = err
        .location()
        .map_or_else(|| SourceSpan::from(0..0), |l| span_of(&l, text));
    match err {
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => ParseFailure {
            span,
            code: "config::duplicate_key",
            message: match key {
                Some(k) => format!("duplicate key `{}`", escaped(k)),
                None => "duplicate key".to_string(),
            },
            label: "already used above in this mapping".to_string(),
            help: Some("each key may appear once in a mapping; merge the two entries".to_string()),
        },
        serde_saphyr::Error::MultipleDocuments { .. } => ParseFailure {
            span,
            code: "config::multiple_documents",
            message: "the file holds more than one YAML document".to_string(),
            label: "a second document starts here".to_string(),
            help: Some("keep every webhook in one document: remove the `---` line".to_string()),
        },
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. } => ParseFailure {
            span,
            code: "config::too_complex",
            message: format!("the file is too complex to read: {}", message_of(err)),
            label: "limit reached here".to_string(),
            help: Some(
                "a webhook file needs no deep nesting and few aliases; check for an alias bomb"
                    .to_string(),
            ),
        },
        _ => ParseFailure {
            span,
            code: "config::yaml",
            message: format!("invalid YAML: {}", message_of(err)),
            label: "here".to_string(),
            help: syntax_help(text, span),
        },
    }
}

/// Hints for the two syntax errors people make most in this file.
fn syntax_help(text: &str, span: SourceSpan) -> Option<String> {
    let line_start = text[..span.offset().min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let at = text[span.offset().min(text.len())..].chars().next();
    if line.trim_start_matches(' ').starts_with('\t') {
        Some("indent with spaces: YAML does not allow tabs in indentation".to_string())
    } else if at == Some('*') {
        Some("`*` starts an alias in YAML; for every event write `\"*\"`, with quotes".to_string())
    } else {
        None
    }
}

fn message_of(err: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter;
    escaped(&serde_saphyr::UserMessageFormatter.format_message(err))
}

/// The parser's message without the text it quotes from the file (a tag, a key): for a file
/// that may hold a secret, where such a quote could be one (`secretKey: !s3cr3t` is a tag).
/// A single quoted character (`unexpected character: `@'`) stays, as it says what to fix.
pub(super) fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        match inner.find(['`', '\'']) {
            Some(close) => {
                if inner[..close].chars().count() > 1 {
                    out.push('…');
                } else {
                    out.push_str(&inner[..close]);
                }
                out.push_str(&inner[close..=close]);
                rest = &inner[close + 1..];
            }
            None => {
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

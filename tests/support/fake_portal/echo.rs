//! Echo faults: a proxy, a WAF or a broken portal that answers with the request it received
//! (method, path, every header with the `Authorization` key, the body with its `secretKey`),
//! spelled the way such software spells text, cut short, and wrapped in an error body or a
//! header. What a client shows of such an answer must not carry the key or a secret.
//!
//! The spellings are written here from the formats' own rules, independently of the crate's
//! decoder, so a spelling the decoder misses shows up as a leak in the tests.

use super::reply::Reply;
use super::routes::Incoming;

/// How the echoed text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// As received.
    Literal,
    /// As received, its ASCII letters in upper case: a server that normalizes what it quotes.
    Upper,
    /// ... in lower case (a proxy that lower-cases header lines, key included).
    Lower,
    /// Inside a JSON string as serde_json writes it (`\"`, `\\`, `\n`, `\u001b`).
    Json,
    /// Inside a JSON string as .NET's System.Text.Json writes it by default: also `+`, `<`,
    /// `>`, `&`, `'`, `"` and every non-ASCII character as upper-case `\uXXXX`.
    DotNet,
    /// Every character but letters and digits as a decimal reference, `&#43;`.
    HtmlDecimal,
    /// ... as a hexadecimal reference, `&#x2B;`.
    HtmlHex,
    /// ... as `&#X2b;`: upper-case X, lower-case digits.
    HtmlHexUpperX,
    /// The named references HTML5 has for ASCII punctuation (`&amp;`, `&plus;`, `&sol;`),
    /// other characters as they are.
    HtmlNamed,
    /// Percent-encoding of every byte but the unreserved ones, upper-case digits (`%2B`).
    PercentUpper,
    /// ... lower-case digits (`%2b`).
    PercentLower,
    /// `application/x-www-form-urlencoded`: a space is `+`, the rest as `PercentUpper`.
    Form,
    /// Each character as it is in its own `<span>`, as a page that shows a token one character
    /// per box: a secret split by markup, its own `<` and `>` among the tags.
    Markup,
}

impl Spelling {
    pub const ALL: [Spelling; 13] = [
        Spelling::Literal,
        Spelling::Upper,
        Spelling::Lower,
        Spelling::Json,
        Spelling::DotNet,
        Spelling::HtmlDecimal,
        Spelling::HtmlHex,
        Spelling::HtmlHexUpperX,
        Spelling::HtmlNamed,
        Spelling::PercentUpper,
        Spelling::PercentLower,
        Spelling::Form,
        Spelling::Markup,
    ];

    /// `text` in this spelling.
    pub fn spell(self, text: &str) -> String {
        let each = |f: &dyn Fn(char) -> String| text.chars().map(f).collect::<String>();
        let alnum = |c: char| c.is_ascii_alphanumeric();
        match self {
            Spelling::Literal => text.to_owned(),
            Spelling::Upper => text.to_ascii_uppercase(),
            Spelling::Lower => text.to_ascii_lowercase(),
            Spelling::Json => {
                let quoted = serde_json::to_string(text).unwrap_or_default();
                quoted[1..quoted.len() - 1].to_owned()
            }
            Spelling::DotNet => each(&|c| match c {
                '\\' => "\\\\".to_owned(),
                '\n' => "\\n".to_owned(),
                '\r' => "\\r".to_owned(),
                '\t' => "\\t".to_owned(),
                c if c.is_ascii_control() || "\"&'+<>`".contains(c) => {
                    format!("\\u{:04X}", c as u32)
                }
                c if c.is_ascii() => c.to_string(),
                c => c
                    .encode_utf16(&mut [0; 2])
                    .iter()
                    .map(|u| format!("\\u{u:04X}"))
                    .collect(),
            }),
            Spelling::HtmlDecimal => each(&|c| {
                if alnum(c) {
                    c.to_string()
                } else {
                    format!("&#{};", c as u32)
                }
            }),
            Spelling::HtmlHex => each(&|c| {
                if alnum(c) {
                    c.to_string()
                } else {
                    format!("&#x{:X};", c as u32)
                }
            }),
            Spelling::HtmlHexUpperX => each(&|c| {
                if alnum(c) {
                    c.to_string()
                } else {
                    format!("&#X{:x};", c as u32)
                }
            }),
            Spelling::HtmlNamed => each(&|c| match html_name(c) {
                Some(name) => format!("&{name};"),
                None => c.to_string(),
            }),
            Spelling::PercentUpper => percent(text, false, false),
            Spelling::PercentLower => percent(text, true, false),
            Spelling::Form => percent(text, false, true),
            Spelling::Markup => each(&|c| format!("<span>{c}</span>")),
        }
    }
}

/// The HTML5 name of an ASCII punctuation character, where it has one.
fn html_name(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "amp",
        '<' => "lt",
        '>' => "gt",
        '"' => "quot",
        '\'' => "apos",
        '!' => "excl",
        '#' => "num",
        '$' => "dollar",
        '%' => "percnt",
        '(' => "lpar",
        ')' => "rpar",
        '*' => "ast",
        '+' => "plus",
        ',' => "comma",
        '.' => "period",
        '/' => "sol",
        ':' => "colon",
        ';' => "semi",
        '=' => "equals",
        '?' => "quest",
        '@' => "commat",
        '[' => "lsqb",
        '\\' => "bsol",
        ']' => "rsqb",
        '^' => "Hat",
        '_' => "lowbar",
        '`' => "grave",
        '{' => "lcub",
        '|' => "verbar",
        '}' => "rcub",
        _ => return None,
    })
}

fn percent(text: &str, lower: bool, form: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' if form => "+".to_owned(),
            b if lower => format!("%{b:02x}"),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// Where the echo goes in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// The whole body, `text/plain`.
    Text,
    /// Inside `<pre>` of a proxy's HTML error page.
    Html,
    /// DocSpace's exception envelope: `{"error":{"message": ...}}`.
    ErrorMessage,
    /// ASP.NET's validation problem: `{"title": ..., "errors": {"secretKey": [...]}}`.
    Validation,
    /// An RFC 7807 problem's `detail`, which the client does not read as a message.
    ProblemDetail,
    /// The `Location` header of a redirect (the status should be 3xx), as a query parameter.
    Location,
}

impl Wrapper {
    pub const ALL: [Wrapper; 6] = [
        Wrapper::Text,
        Wrapper::Html,
        Wrapper::ErrorMessage,
        Wrapper::Validation,
        Wrapper::ProblemDetail,
        Wrapper::Location,
    ];
}

/// One echo: the request in `spelling`, cut to at most `keep` bytes, in `wrapper`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    pub status: u16,
    pub spelling: Spelling,
    pub wrapper: Wrapper,
    pub keep: usize,
}

impl Echo {
    pub(super) fn reply(&self, req: &Incoming) -> Reply {
        let mut spelled = self.spelling.spell(&request_text(req));
        let mut keep = self.keep.min(spelled.len());
        while !spelled.is_char_boundary(keep) {
            keep -= 1;
        }
        spelled.truncate(keep);
        // Spellings that are already JSON string content go in as they are (a cut may leave
        // the JSON broken, as a truncating proxy would); the others are put in a JSON string.
        let json_string = match self.spelling {
            Spelling::Json | Spelling::DotNet => format!("\"{spelled}\""),
            _ => serde_json::to_string(&spelled).unwrap_or_default(),
        };
        let status = self.status;
        let json = |body: String| Reply::text(status, "application/json; charset=utf-8", body);
        match self.wrapper {
            Wrapper::Text => Reply::text(status, "text/plain; charset=utf-8", spelled),
            Wrapper::Html => Reply::text(
                status,
                "text/html; charset=utf-8",
                format!(
                    "<html><head><title>{status} Error</title></head><body><h1>{status} \
                     Error</h1><pre>{spelled}</pre><hr><center>nginx</center></body></html>"
                ),
            ),
            Wrapper::ErrorMessage => json(format!(
                "{{\"error\":{{\"message\":{json_string},\"type\":\"System.ArgumentException\"}},\
                 \"status\":1,\"statusCode\":{status}}}"
            )),
            Wrapper::Validation => json(format!(
                "{{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\
                 \"title\":\"One or more validation errors occurred.\",\"status\":{status},\
                 \"errors\":{{\"secretKey\":[{json_string}]}}}}"
            )),
            Wrapper::ProblemDetail => json(format!(
                "{{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":{status},\
                 \"detail\":{json_string}}}"
            )),
            Wrapper::Location => {
                // A header value holds visible ASCII only; anything else is %-encoded.
                let query: String = spelled
                    .bytes()
                    .map(|b| match b {
                        0x21..=0x7e => (b as char).to_string(),
                        b => format!("%{b:02X}"),
                    })
                    .collect();
                Reply::empty(status).header(
                    "Location",
                    format!("https://elsewhere.example/echo?r={query}"),
                )
            }
        }
    }
}

/// The request as an echoing server would print it.
fn request_text(req: &Incoming) -> String {
    let mut text = format!("{} {}\n", req.method, req.path);
    for (name, value) in &req.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&req.body));
    text
}

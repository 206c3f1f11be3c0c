//! The rules a single webhook value must follow, as pure functions of the value. The loader
//! (`checker`) turns a broken rule into a diagnostic at its line; a saved plan (`plan::saved`)
//! is held to the same rules before anything is sent, so a hand-edited plan cannot send what
//! no file could.

/// The server's limits (`[StringLength]` on the request DTO), counted as .NET counts a
/// string's length: in UTF-16 code units (docs/docspace-api.md §8).
pub const MAX_NAME_UNITS: usize = 50;
pub const MAX_TARGET_UNITS: usize = 255;

/// A value over its limit `max`, by the portal's count and by characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong {
    pub max: usize,
    pub units: usize,
    pub chars: usize,
}

/// "at most 50 characters, this one has 51", or in UTF-16 units with why when some character
/// counts twice: the words of the file's error and of a saved plan's refusal alike.
impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (max, units) = (self.max, self.units);
        if units == self.chars {
            return write!(f, "at most {max} characters, this one has {units}");
        }
        write!(
            f,
            "at most {max} UTF-16 units, this one has {units} (an emoji or another character \
             beyond U+FFFF counts as 2, as the portal counts)"
        )
    }
}

fn check_length(value: &str, max: usize) -> Result<(), TooLong> {
    let units = value.encode_utf16().count();
    if units > max {
        let chars = value.chars().count();
        Err(TooLong { max, units, chars })
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Blank,
    TooLong(TooLong),
}

pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.trim().is_empty() {
        return Err(NameProblem::Blank);
    }
    check_length(name, MAX_NAME_UNITS).map_err(NameProblem::TooLong)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    Spaces,
    /// A tab or a line break inside: the URL parser drops it, so what it checked is not what
    /// would be sent.
    TabOrBreak,
    /// With the parser's reason.
    NotAbsolute(String),
    Scheme(reqwest::Url),
    NoHost,
    /// Not `scheme://host`: the parser reads `https:host`, `https:///host` and `https:\\host`
    /// as `https://host`, but the uri is sent as written.
    Slashes,
}

impl UrlProblem {
    /// What is wrong, after the name of what is not a URL: "`uri` has no host", "it has no
    /// host". It names no part of the value (the parser's reason quotes none).
    pub fn reason(&self) -> String {
        match self {
            UrlProblem::Spaces => "has leading or trailing spaces".into(),
            UrlProblem::TabOrBreak => "has a tab or a line break inside".into(),
            UrlProblem::NotAbsolute(e) => format!("is not an absolute URL ({e})"),
            UrlProblem::Scheme(_) => {
                "has a scheme other than http or https; only http and https are allowed".into()
            }
            UrlProblem::NoHost => "has no host".into(),
            UrlProblem::Slashes => "is not written as `scheme://host`".into(),
        }
    }
}

/// An absolute http(s) URL with a host, written as `scheme://host` without surrounding
/// spaces, tabs or line breaks: the parsed URL.
pub fn check_url(uri: &str) -> Result<reqwest::Url, UrlProblem> {
    if uri.trim() != uri {
        return Err(UrlProblem::Spaces);
    }
    if uri.contains(['\t', '\n', '\r']) {
        return Err(UrlProblem::TabOrBreak);
    }
    match reqwest::Url::parse(uri) {
        Err(e) => Err(UrlProblem::NotAbsolute(e.to_string())),
        Ok(url) if !matches!(url.scheme(), "http" | "https") => Err(UrlProblem::Scheme(url)),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => Err(UrlProblem::NoHost),
        Ok(url) => {
            let rest = &uri[url.scheme().len() + 1..];
            match rest.strip_prefix("//") {
                Some(host) if !host.starts_with(['/', '\\']) => Ok(url),
                _ => Err(UrlProblem::Slashes),
            }
        }
    }
}

/// Whether `uri` is a usable plain `http` one: the portal refuses it beside `ssl: true`
/// (docs/docspace-api.md §13).
pub fn is_plain_http(uri: &str) -> bool {
    check_url(uri).is_ok_and(|url| url.scheme() == "http")
}

/// A `targetId` within the portal's limit.
pub fn check_target_id(target: &str) -> Result<(), TooLong> {
    check_length(target, MAX_TARGET_UNITS)
}

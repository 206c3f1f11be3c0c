use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderValue;

use super::*;
use crate::api::retry_after::parse_retry_after;

fn ep(method: Method, path: &str) -> Endpoint {
    Endpoint {
        method,
        path: path.into(),
    }
}

/// A request of `endpoint` to https://portal.example.com, its answer scrubbed by `redactor`.
fn asked<'a>(endpoint: &'a Endpoint, redactor: &'a Redactor) -> Asked<'a> {
    static PORTAL: std::sync::LazyLock<PortalUrl> =
        std::sync::LazyLock::new(|| PortalUrl::parse("https://portal.example.com").unwrap());
    static OPTIONS: std::sync::LazyLock<ClientOptions> =
        std::sync::LazyLock::new(ClientOptions::default);
    Asked {
        endpoint,
        portal: &PORTAL,
        options: &OPTIONS,
        redactor,
    }
}

/// An answer's headers: `name` set to `value`, when there is one.
fn headers(name: HeaderName, value: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(value) = value {
        headers.insert(name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn run(method: Method, status: u16, ct: Option<&str>, body: &str) -> Result<Value, ApiError> {
    let redactor = Redactor::new(["sk-the-api-key", "Secret-123"]);
    let endpoint = ep(method, "/api/2.0/settings/webhook");
    let asked = asked(&endpoint, &redactor);
    classify(
        &asked,
        status,
        &headers(CONTENT_TYPE, ct),
        None,
        body.as_bytes(),
    )
}

fn err(method: Method, status: u16, ct: Option<&str>, body: &str) -> ApiError {
    match run(method, status, ct, body) {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => e,
    }
}

#[test]
fn exception_envelope_gives_the_portals_message() {
    let body = r#"{"error":{"message":"Webhook with the same name and payload URL already exists",
        "type":"System.ArgumentException","stack":"   at ASC.Web.Api...","hresult":-2147024809},
        "status":1,"statusCode":400}"#;
    let e = err(Method::POST, 400, Some("application/json"), body);
    assert_eq!(
        e.to_string(),
        "POST /api/2.0/settings/webhook failed (HTTP 400): \
         Webhook with the same name and payload URL already exists"
    );
    assert!(!format!("{e:?}").contains("ASC.Web.Api"), "no stack trace");
    assert_eq!(e.status(), Some(400));
    assert!(!e.is_retryable());
}

#[test]
fn validation_envelope_is_flattened() {
    let body = r#"{"response":{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title":"One or more validation errors occurred.","status":400,
        "errors":{"Name":["The field Name must be a string with a maximum length of 50."],
                  "$.triggers":["The JSON value could not be converted.","Second."]},
        "traceId":"00-abc"},"count":1,"links":[],"status":1,"statusCode":400}"#;
    let e = err(Method::PUT, 400, Some("application/problem+json"), body);
    assert_eq!(
        e.to_string(),
        "PUT /api/2.0/settings/webhook failed (HTTP 400): \
         $.triggers: The JSON value could not be converted.; $.triggers: Second.; \
         Name: The field Name must be a string with a maximum length of 50."
    );
}

#[test]
fn validation_envelope_inside_a_2xx_is_an_error_too() {
    let body = r#"{"response":{"title":"One or more validation errors occurred.",
        "errors":{"Uri":["The Uri field is required."]}},"status":1,"statusCode":400}"#;
    let e = err(Method::POST, 200, Some("application/json"), body);
    assert_eq!(e.status(), Some(400));
    assert!(
        e.to_string().ends_with("Uri: The Uri field is required."),
        "{e}"
    );
}

#[test]
fn success_envelope_passes_through() {
    let body =
        r#"{"response":{"id":1,"name":"a","status":1},"count":1,"status":0,"statusCode":200}"#;
    let v = run(Method::POST, 200, Some("application/json"), body).unwrap();
    assert_eq!(v["response"]["id"], 1);
}

#[test]
fn unauthorized_and_forbidden_say_what_to_fix() {
    let e = err(Method::GET, 401, None, "");
    assert_eq!(
        e.to_string(),
        "the portal refused the API key (HTTP 401) on GET /api/2.0/settings/webhook"
    );
    let help = miette::Diagnostic::help(&e).unwrap().to_string();
    assert!(
        help.contains("DOCSPACE_API_KEY") && help.contains("sk-"),
        "{help}"
    );

    let e = err(
        Method::GET,
        403,
        None,
        r#"{"error":{"message":"Access denied"},"status":1}"#,
    );
    assert!(e.to_string().ends_with("(HTTP 403): Access denied"), "{e}");
    let help = miette::Diagnostic::help(&e).unwrap().to_string();
    assert!(help.contains("DocSpace admin"), "{help}");

    let e = err(Method::DELETE, 403, None, "");
    assert!(matches!(e, ApiError::ForbiddenScope { .. }), "{e:?}");
    let help = miette::Diagnostic::help(&e).unwrap().to_string();
    assert!(help.contains("*:write"), "{help}");
    let code = miette::Diagnostic::code(&e).unwrap().to_string();
    assert_eq!(code, "api::forbidden_scope");
}

#[test]
fn html_from_a_proxy_becomes_a_short_clean_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title><style>body{{color:red}}</style>\
         <script>var x = '<b>';</script></head>\n<body>\r\n<center><h1>502 Bad Gateway</h1>\
         </center><!-- comment --><hr><center>nginx &amp; co</center>\u{1b}[31m{}</body></html>",
        "x".repeat(400)
    );
    let e = err(Method::GET, 502, Some("text/html"), &page);
    let ApiError::HttpStatus { excerpt, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        excerpt.starts_with("502 Bad Gateway 502 Bad Gateway nginx & co xxx"),
        "{excerpt}"
    );
    assert_eq!(excerpt.chars().count(), 200);
    assert!(excerpt.ends_with('…'));
    assert!(
        !excerpt.contains("color") && !excerpt.contains("var x") && !excerpt.contains('\u{1b}')
    );
    assert!(e.is_retryable());
    assert!(e.to_string().contains("(HTTP 502)"), "{e}");
}

#[test]
fn non_json_2xx_is_not_docspace() {
    let e = err(
        Method::GET,
        200,
        Some("text/html"),
        "<html><body>Sign in</body></html>",
    );
    assert!(matches!(e, ApiError::NotDocSpace { .. }), "{e:?}");
    assert!(
        e.to_string().contains("not the DocSpace API: Sign in"),
        "{e}"
    );
    let help = miette::Diagnostic::help(&e).unwrap().to_string();
    assert!(help.contains("portal URL"), "{help}");
}

#[test]
fn other_json_without_a_message_and_empty_bodies() {
    let e = err(
        Method::GET,
        500,
        Some("application/json"),
        r#"{"weird":true}"#,
    );
    assert!(
        e.to_string()
            .ends_with(r#"not from the DocSpace API: {"weird":true}"#),
        "{e}"
    );
    let e = err(Method::GET, 503, None, "  ");
    assert!(e.to_string().ends_with("(empty body)"), "{e}");
    assert!(e.is_retryable());
}

#[test]
fn server_error_on_a_write_explains_the_head_probe() {
    let body = r#"{"error":{"message":"Connection refused (hooks.example.com:443)"},"status":1}"#;
    let e = err(Method::POST, 500, None, body);
    let help = miette::Diagnostic::help(&e).unwrap().to_string();
    assert!(help.contains("HEAD request"), "{help}");
}

/// The error for a list answered `status` with a `Location` header, `secrets` redacted.
fn redirect_to(status: u16, location: &str, secrets: &[&str]) -> ApiError {
    let redactor = Redactor::new(secrets.iter().copied());
    let endpoint = ep(Method::GET, "/api/2.0/settings/webhook");
    classify(
        &asked(&endpoint, &redactor),
        status,
        &headers(LOCATION, Some(location)),
        None,
        b"",
    )
    .unwrap_err()
}

#[test]
fn redirects_name_where_they_pointed() {
    let e = redirect_to(301, "/login?next=%2F", &[]);
    assert_eq!(
        e.to_string(),
        "GET /api/2.0/settings/webhook: the portal redirected (HTTP 301) to \
         https://portal.example.com/login?next=/; not followed so the API key is not sent \
         elsewhere"
    );
}

#[test]
fn rate_limit_carries_retry_after() {
    let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_450);
    let (endpoint, redactor) = (
        ep(Method::PUT, "/api/2.0/settings/webhook"),
        Redactor::registered(),
    );
    let e = classify(
        &asked(&endpoint, &redactor),
        429,
        &HeaderMap::new(),
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
        b"",
    )
    .unwrap_err();
    let ApiError::RateLimited { retry_after, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(retry_after.map(|r| r.wait), Some(Duration::from_secs(30)));
    assert!(!e.is_retryable(), "waited out, not retried");
    assert!(
        e.to_string()
            .contains("retry after 30 s (Wed, 21 Oct 2015 07:28:00 GMT)"),
        "{e}"
    );
}

#[test]
fn echoed_secrets_are_redacted() {
    let body =
        "<html>Authorization: Bearer sk-the-api-key; body {\"secretKey\":\"Secret-123\"}</html>";
    let e = err(Method::POST, 502, Some("text/html"), body);
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains("sk-the-api-key") && !shown.contains("Secret-123"),
        "{shown}"
    );
    assert!(shown.contains("[redacted]"), "{shown}");
    let body = r#"{"error":{"message":"bad secret Secret-123"}}"#;
    let e = err(Method::POST, 400, None, body);
    assert!(!e.to_string().contains("Secret-123"), "{e}");
}

#[test]
fn excerpts_lose_escapes_controls_and_bidi() {
    let body = "a\u{1b}[1;31mred\u{1b}[0m\u{1b}]0;title\u{7}b\tc\u{202e}d\n\n e";
    let e = err(Method::GET, 502, Some("text/plain"), body);
    assert!(e.to_string().ends_with(": aredb cd e"), "{e}");
    let e = err(Method::GET, 502, Some("text/plain"), &"é".repeat(300));
    assert!(
        e.to_string().ends_with(&format!("{}…", "é".repeat(199))),
        "{e}"
    );
}

/// A proxy or WAF that echoes the request back must not carry a secret into an error, in any
/// spelling and even where an excerpt would cut it in half.
#[test]
fn echoed_secrets_are_redacted_in_every_spelling_before_any_cut() {
    let secret = r#"Ab"cd\ef<gh>12"#;
    let classify_echo = |body: String, ct: &str| {
        let redactor = Redactor::new(["sk-the-api-key", secret]);
        let endpoint = ep(Method::POST, "/api/2.0/settings/webhook");
        let e = classify(
            &asked(&endpoint, &redactor),
            400,
            &headers(CONTENT_TYPE, Some(ct)),
            None,
            body.as_bytes(),
        )
        .unwrap_err();
        format!("{e} {e:?}")
    };
    let json_echo = format!(
        "you sent: {}",
        serde_json::json!({"name": "x", "secretKey": secret})
    );
    let html_echo = format!(
        "<html><body><pre>secretKey={}</pre></body></html>",
        secret
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    );
    let form_echo = "secretKey=Ab%22cd%5Cef%3Cgh%3E12&key=sk-the-api-key".to_string();
    // The secret straddles the 200-character excerpt limit.
    let long_echo = format!("{}{}", "x".repeat(190), serde_json::json!(secret));
    for (body, ct) in [
        (json_echo, "text/plain"),
        (html_echo, "text/html"),
        (form_echo, "text/plain"),
        (long_echo, "text/plain"),
    ] {
        let shown = classify_echo(body.clone(), ct);
        for leak in [
            "Ab\"cd",
            "Ab\\\"cd",
            "Ab&quot;cd",
            "Ab%22cd",
            "sk-the-api-key",
        ] {
            assert!(
                !shown.contains(leak),
                "{leak:?} leaked from {body:?}: {shown}"
            );
        }
    }
}

#[test]
fn a_redirect_location_is_redacted_too() {
    let e = redirect_to(
        302,
        "https://sso.example.com/login?key=sk-the-api-key",
        &["sk-the-api-key"],
    );
    assert!(!e.to_string().contains("sk-the-api-key"), "{e}");
    assert!(e.to_string().contains("sso.example.com"), "{e}");
    // Credentials in it are masked, after the secrets are redacted.
    let e = redirect_to(302, "https://u:pw-hunter2@elsewhere.example/x", &[]);
    assert!(e.to_string().contains("u:***@elsewhere.example/x"), "{e}");
}

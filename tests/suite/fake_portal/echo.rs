//! The echo fault: the request comes back in the spelling and wrapper asked for, cut where
//! asked, so the leak tests really do hand the client its own key and secret.

use reqwest::Method;
use serde_json::Value;

use super::Api;
use crate::support::fake_portal::{
    DEFAULT_API_KEY, Echo, Fault, FaultKind, Spelling, WEBHOOK_PATH, Wrapper,
};

fn echo(status: u16, spelling: Spelling, wrapper: Wrapper, keep: usize) -> Fault {
    Fault::any_method(
        WEBHOOK_PATH,
        FaultKind::Echo(Echo {
            status,
            spelling,
            wrapper,
            keep,
        }),
    )
}

#[test]
fn spellings_follow_their_formats() {
    let s = "a+b/c=d&e<f>'\"g\\ h";
    let cases = [
        (Spelling::Literal, s.to_owned()),
        (Spelling::Json, "a+b/c=d&e<f>'\\\"g\\\\ h".to_owned()),
        (
            Spelling::DotNet,
            "a\\u002Bb/c=d\\u0026e\\u003Cf\\u003E\\u0027\\u0022g\\\\ h".to_owned(),
        ),
        (
            Spelling::HtmlDecimal,
            "a&#43;b&#47;c&#61;d&#38;e&#60;f&#62;&#39;&#34;g&#92;&#32;h".to_owned(),
        ),
        (
            Spelling::HtmlHex,
            "a&#x2B;b&#x2F;c&#x3D;d&#x26;e&#x3C;f&#x3E;&#x27;&#x22;g&#x5C;&#x20;h".to_owned(),
        ),
        (
            Spelling::HtmlHexUpperX,
            "a&#X2b;b&#X2f;c&#X3d;d&#X26;e&#X3c;f&#X3e;&#X27;&#X22;g&#X5c;&#X20;h".to_owned(),
        ),
        (
            Spelling::HtmlNamed,
            "a&plus;b&sol;c&equals;d&amp;e&lt;f&gt;&apos;&quot;g&bsol; h".to_owned(),
        ),
        (
            Spelling::PercentUpper,
            "a%2Bb%2Fc%3Dd%26e%3Cf%3E%27%22g%5C%20h".to_owned(),
        ),
        (
            Spelling::PercentLower,
            "a%2bb%2fc%3dd%26e%3cf%3e%27%22g%5c%20h".to_owned(),
        ),
        (
            Spelling::Form,
            "a%2Bb%2Fc%3Dd%26e%3Cf%3E%27%22g%5C+h".to_owned(),
        ),
    ];
    for (spelling, expected) in cases {
        assert_eq!(spelling.spell(s), expected, "{spelling:?}");
    }
    assert_eq!(Spelling::DotNet.spell("é😀"), "\\u00E9\\uD83D\\uDE00");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_request_comes_back_whole_in_every_wrapper() {
    let api = Api::new();
    for wrapper in Wrapper::ALL {
        let status = if wrapper == Wrapper::Location {
            302
        } else {
            400
        };
        api.portal
            .inject(echo(status, Spelling::Literal, wrapper, usize::MAX));
        let call = api
            .send(
                Method::PUT,
                WEBHOOK_PATH,
                Some(DEFAULT_API_KEY),
                Some("{\"secretKey\":\"s3cret\"}"),
            )
            .await;
        assert_eq!(call.status, status, "{wrapper:?}");
        let shown = match wrapper {
            Wrapper::Text | Wrapper::Html => call.text.clone(),
            Wrapper::ErrorMessage => call.json()["error"]["message"].to_string(),
            Wrapper::Validation => call.json()["errors"]["secretKey"][0].to_string(),
            Wrapper::ProblemDetail => call.json()["detail"].to_string(),
            Wrapper::Location => call.header("location").unwrap_or_default().to_owned(),
        };
        for part in ["PUT", DEFAULT_API_KEY, "s3cret"] {
            assert!(shown.contains(part), "{wrapper:?} lacks {part}: {shown}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_echo_is_cut_where_asked_and_may_break_the_json() {
    let api = Api::new();
    api.portal
        .inject(echo(502, Spelling::Literal, Wrapper::Text, 10).times(2));
    for _ in 0..2 {
        let call = api.get(WEBHOOK_PATH).await;
        assert_eq!((call.status, call.text.as_str()), (502, "GET /api/2"));
    }
    // "GET /api/2.0/settings/webhook" and the first byte of the `\n` escape after it.
    api.portal
        .inject(echo(400, Spelling::Json, Wrapper::ErrorMessage, 30));
    let call = api.get(WEBHOOK_PATH).await;
    assert!(call.text.contains("webhook\\\""), "{}", call.text);
    assert!(
        serde_json::from_str::<Value>(&call.text).is_err(),
        "{}",
        call.text
    );
    api.portal
        .inject(echo(400, Spelling::Json, Wrapper::ErrorMessage, 29));
    assert_eq!(
        api.get(WEBHOOK_PATH).await.error_message(),
        "GET /api/2.0/settings/webhook"
    );
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 200, "used up");
}

//! Talking to the Adact server that served `embed.js`.
//!
//! Each step is one `POST` through gloo-net. Its body is the adact-wire
//! request type and its answer, where the embed reads more than its events
//! (the render, the play), the adact-wire response type, converted with
//! serde-wasm-bindgen (the browser's own `JSON` does the text, so no
//! serde_json is linked). The server compiles the same types, so the two
//! cannot drift apart, and no field name is spelt out here.

use adact_wire::{ErrorBody, ErrorDetail, RenderRequest, RenderResponse, UiText};
use gloo_net::http::Request;
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::dom::{concat, decimal};

/// Where the server is and the key to show it.
#[derive(Debug, Clone)]
pub struct Server {
    pub base: String,
    pub key: String,
}

/// A refused or failed step, in the server's error shape. The network or
/// an answer the embed cannot read is code `unavailable`.
pub type Failure = ErrorDetail;

impl Server {
    /// `POST /api/v1/embed/render`: the segment's campaign and a play
    /// session, in one round trip.
    ///
    /// `sent` is the request the loader already sent beside the wasm's
    /// download, with the Promise of its `Response`: its answer is used when
    /// that request is the one written here, else it is asked again.
    pub async fn render(
        &self,
        request: &RenderRequest,
        sent: Option<(String, js_sys::Promise)>,
    ) -> Result<RenderResponse, Failure> {
        decode(
            self.post("/api/v1/embed/render", &encode(request), sent)
                .await?,
        )
    }

    /// `POST /api/v1/embed/sessions/{session}/{name}`: a step of a play
    /// session (`register`, `play`, `finish`), its body the step's adact-wire
    /// request, [`encode`]d. Its answer, to [`decode`], carries the events
    /// the step recorded (see [`events`]).
    pub async fn step(
        &self,
        session: &str,
        name: &str,
        body: &JsValue,
    ) -> Result<JsValue, Failure> {
        self.post(&step(session, name), body, None).await
    }

    /// POSTs `body` as JSON to `path` and answers the JSON that came back;
    /// or, when `sent` is that very request (the loader sent it beside the
    /// wasm's download), takes the Promise of its `Response` instead.
    /// The body goes as `text/plain` (a string body's default) and the key
    /// in the query, so the browser sends a "simple" request with no CORS
    /// preflight.
    async fn post(
        &self,
        path: &str,
        body: &JsValue,
        sent: Option<(String, js_sys::Promise)>,
    ) -> Result<JsValue, Failure> {
        let Ok(text) = js_sys::JSON::stringify(body).map(String::from) else {
            return Err(unavailable(&["a request could not be written as JSON."]));
        };
        let response = match sent {
            Some((sent, answer)) if sent == text => JsFuture::from(answer)
                .await
                .map(web_sys::Response::from)
                .map_err(|error| crate::dom::describe(&error)),
            _ => match Request::post(&concat(&[&self.base, path]))
                .query([("key", &self.key)])
                .body(text)
            {
                Ok(request) => request.send().await,
                Err(error) => Err(error),
            }
            .map(web_sys::Response::from)
            .map_err(|error| match error {
                gloo_net::Error::JsError(error) => error.message,
                gloo_net::Error::GlooError(message) => message,
            }),
        }
        .map_err(|reason| {
            unavailable(&[
                "cannot reach the Adact server at ",
                &self.base,
                " (",
                &reason,
                ").",
            ])
        })?;
        let status = response.status();
        let status_text = response.status_text();
        // Readable from another origin only when the server exposes it.
        let retry_after = response.headers().get("retry-after").ok().flatten();
        // Undefined when the answer is not JSON.
        let json = match response.json() {
            Ok(json) => JsFuture::from(json).await.unwrap_or_default(),
            Err(_) => JsValue::UNDEFINED,
        };
        if (200..300).contains(&status) {
            return Ok(json);
        }
        let detail = serde_wasm_bindgen::from_value::<ErrorBody>(json).map(|body| body.error);
        if status == 429 {
            return Err(rate_limited(detail.ok(), retry_after));
        }
        Err(detail.unwrap_or_else(|_| {
            unavailable(&[
                "the Adact server answered ",
                &decimal(status.into()),
                " ",
                &status_text,
                ".",
            ])
        }))
    }
}

/// A request body as a plain JS object, ready for `JSON.stringify`.
pub fn encode(request: &impl Serialize) -> JsValue {
    request
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_default()
}

/// A step's `events`: the webhook bodies of the events the step recorded,
/// as the browser parsed them. They are handed to the page's `onEvent` as
/// they are, never decoded here: the page gets the webhook's shape
/// (docs/events.md) and the embed carries no code for it.
pub fn events(answer: &JsValue) -> JsValue {
    js_sys::Reflect::get(answer, &"events".into()).unwrap_or_default()
}

/// An answer as the adact-wire type it should be.
pub fn decode<T: DeserializeOwned>(json: JsValue) -> Result<T, Failure> {
    serde_wasm_bindgen::from_value(json).map_err(|error| {
        unavailable(&[
            "unexpected answer from the Adact server: ",
            &error.to_string(),
        ])
    })
}

fn unavailable(parts: &[&str]) -> Failure {
    ErrorDetail {
        code: UiText::Unavailable.key().into(),
        message: concat(parts),
        field: None,
        fields: None,
    }
}

/// A `429 Too Many Requests`: code `rate_limited` whatever the body says,
/// and the wait the server asked for, when the page may read it.
fn rate_limited(detail: Option<ErrorDetail>, retry_after: Option<String>) -> Failure {
    let mut message = detail.map_or_else(
        || "the Adact server answered 429 Too Many Requests.".into(),
        |detail| detail.message,
    );
    if let Some(seconds) = retry_after {
        message.push_str(&concat(&[" Retry after ", &seconds, " s."]));
    }
    ErrorDetail {
        code: UiText::RateLimited.key().into(),
        message,
        field: None,
        fields: None,
    }
}

fn step(session: &str, name: &str) -> String {
    concat(&[
        "/api/v1/embed/sessions/",
        &String::from(js_sys::encode_uri_component(session)),
        "/",
        name,
    ])
}

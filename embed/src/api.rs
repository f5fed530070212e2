//! Talking to the Adact server that served `embed.js`.

use adact_wire::{
    CampaignKind, CampaignView, RenderRequest, RenderResponse, SegmentRef, Texts, Theme,
};
use gloo_net::http::Request;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::Problem;

/// `POST /api/v1/embed/render`: the segment's campaign, in one round trip.
///
/// The body goes as `text/plain` (a string body's default) and the key in the
/// query, so the browser sends a "simple" request with no CORS preflight.
pub async fn render(
    server: &str,
    key: &str,
    request: &RenderRequest,
) -> Result<RenderResponse, Problem> {
    let url = format!(
        "{server}/api/v1/embed/render?key={}",
        String::from(js_sys::encode_uri_component(key))
    );
    let body = serde_wasm_bindgen::to_value(request)
        .map_err(|_| Problem::new("cannot encode the request."))?;
    let body = js_sys::JSON::stringify(&body)?;
    let unreachable = |e: gloo_net::Error| {
        Problem::new(format!("cannot reach the Adact server at {server} ({e})."))
    };
    let response = Request::post(&url)
        .body(body)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    let text = response.text().await.map_err(unreachable)?;
    let json = Reader::parse(&text);
    if response.ok() {
        json.and_then(|json| render_response(&json))
            .map_err(|Problem(e)| {
                Problem::new(format!("unexpected answer from the Adact server: {e}"))
            })
    } else {
        Err(json
            .and_then(|json| json.object("error")?.string("message"))
            .map(Problem::new)
            .unwrap_or_else(|_| {
                Problem::new(format!(
                    "the Adact server answered {} {}.",
                    response.status(),
                    response.status_text()
                ))
            }))
    }
}

fn render_response(json: &Reader) -> Result<RenderResponse, Problem> {
    let segment = json.object("segment")?;
    let campaign = json.object("campaign")?;
    let texts = campaign.object("texts")?;
    let theme = campaign.object("theme")?;
    let kind = campaign.string("kind")?;
    Ok(RenderResponse {
        segment: SegmentRef {
            id: segment.string("id")?,
            title: segment.string("title")?,
        },
        campaign: CampaignView {
            id: campaign.string("id")?,
            name: campaign.string("name")?,
            kind: CampaignKind::parse(&kind)
                .ok_or_else(|| Problem::new(format!("unknown campaign kind {kind}")))?,
            texts: Texts {
                title: texts.string("title")?,
                description: texts.string("description")?,
                play_button: texts.string("play_button")?,
            },
            theme: Theme {
                primary: theme.string("primary")?,
                background: theme.string("background")?,
                text: theme.string("text")?,
                logo_url: theme.optional_string("logo_url")?,
            },
        },
    })
}

/// Reads JSON parsed by the browser's own parser. Deserializing with serde
/// would link Rust's float formatting and error machinery into the bundle
/// (about 20 KB of wasm) for a handful of string fields.
struct Reader(JsValue);

impl Reader {
    fn parse(text: &str) -> Result<Self, Problem> {
        Ok(Self(js_sys::JSON::parse(text)?))
    }

    fn get(&self, key: &str) -> Result<JsValue, Problem> {
        if !self.0.is_object() {
            return Err(Problem::new(format!("expected an object around `{key}`")));
        }
        Ok(Reflect::get(&self.0, &JsValue::from_str(key))?)
    }

    fn object(&self, key: &str) -> Result<Self, Problem> {
        let value = self.get(key)?;
        if value.is_object() {
            Ok(Self(value))
        } else {
            Err(Problem::new(format!("`{key}` is not an object")))
        }
    }

    fn string(&self, key: &str) -> Result<String, Problem> {
        self.get(key)?
            .as_string()
            .ok_or_else(|| Problem::new(format!("`{key}` is not a string")))
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, Problem> {
        let value = self.get(key)?;
        if value.is_undefined() || value.is_null() {
            Ok(None)
        } else {
            value
                .as_string()
                .map(Some)
                .ok_or_else(|| Problem::new(format!("`{key}` is not a string")))
        }
    }
}

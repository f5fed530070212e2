//! The browser runtime behind `embed.js`.
//!
//! The loader (`embed/js/loader.js`) defines `window.renderAdact` at once and
//! forwards each call, once this module is ready, to [`render`]. Whatever
//! goes wrong, the host page sees one `console.warn` and a Promise that
//! resolves to `null`: nothing is thrown into it.

use wasm_bindgen::prelude::*;
use web_sys::Element;

mod api;
mod options;
mod render;

pub use render::Campaign;

/// Why a call rendered nothing, as the host page's developer reads it.
#[derive(Debug)]
pub(crate) struct Problem(String);

impl Problem {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl From<JsValue> for Problem {
    fn from(value: JsValue) -> Self {
        let text = js_sys::Error::from(value.clone())
            .message()
            .as_string()
            .filter(|m| !m.is_empty())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unexpected browser error".to_owned());
        Self(text)
    }
}

/// Renders the campaign of `options.segment`. Called by the loader with the
/// `<script>` element the call came from (`anchor`, if any), and the server
/// and embed key it read from its own script URL. Resolves to a
/// [`Campaign`] handle, or `null` after one `console.warn`.
#[wasm_bindgen]
pub async fn render(
    options: JsValue,
    anchor: Option<Element>,
    server: String,
    key: String,
) -> JsValue {
    match try_render(options, anchor, &server, &key).await {
        Ok(campaign) => campaign.into(),
        Err(Problem(message)) => {
            web_sys::console::warn_1(&format!("Adact: {message}").into());
            JsValue::NULL
        }
    }
}

async fn try_render(
    options: JsValue,
    anchor: Option<Element>,
    server: &str,
    key: &str,
) -> Result<Campaign, Problem> {
    let options = options::Options::parse(&options)?;
    // Find where it goes before asking the server, so a bad `container`
    // fails fast and costs no request.
    let place = render::Place::find(options.container.as_ref(), anchor)?;
    let host = render::Host::mount(&place)?;
    let shown = match api::render(server, key, &options.request).await {
        Ok(response) => host.fill(&response),
        Err(problem) => Err(problem),
    };
    if shown.is_err() {
        host.remove();
    }
    shown
}

//! The browser runtime behind `embed.js`.
//!
//! The loader (`embed/js/loader.js`) defines `window.renderAdact` at once and
//! forwards each call, once this module is ready, to [`render`]. Whatever
//! goes wrong, the host page sees one `console.warn` and a Promise that
//! resolves to `null`: nothing is thrown into it.

use wasm_bindgen::{JsCast as _, prelude::*};
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
    let mut options = options::Options::parse(&options)?;
    // Find where it goes before asking the server, so a bad `container`
    // fails fast and costs no request.
    let place = render::Place::find(options.container.as_ref(), anchor)?;
    let host = render::Host::mount(&place)?;
    let server = api::Server {
        base: server.to_owned(),
        key: key.to_owned(),
    };
    if options
        .request
        .user
        .as_ref()
        .and_then(|u| u.id.as_ref())
        .is_none()
    {
        options.request.anonymous_id = anonymous_id();
    }
    let shown = match server.render(&options.request).await {
        Ok(response) => host.fill(response, server, options.on_event),
        Err(problem) => Err(problem),
    };
    if shown.is_err() {
        host.remove();
    }
    shown
}

/// The anonymous player id kept in `localStorage`, made on first use.
/// Storage may be blocked (private modes, sandboxed frames): then the player
/// is anonymous for this page view only, and nothing throws.
fn anonymous_id() -> Option<String> {
    const KEY: &str = "adact:player";
    let storage = web_sys::window()?.local_storage().ok().flatten()?;
    if let Some(id) = storage
        .get_item(KEY)
        .ok()
        .flatten()
        .filter(|id| id.len() <= 100)
    {
        return Some(id);
    }
    let id = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|crypto| {
            let f = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
            f.dyn_ref::<js_sys::Function>()?
                .call0(&crypto)
                .ok()?
                .as_string()
        })?;
    let _ = storage.set_item(KEY, &id);
    Some(id)
}

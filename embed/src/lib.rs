//! The browser runtime behind `embed.js`.
//!
//! The loader (`embed/js/loader.js`) defines `window.renderAdact` at once and
//! forwards each call, once this module is ready, to [`render`]. Whatever
//! goes wrong, the host page sees one `console.warn` and a Promise that
//! resolves to `null`: nothing is thrown into it.
//!
//! The browser is reached through web-sys and js-sys, the server through
//! gloo-net, and every JSON body is an adact-wire type converted with
//! serde-wasm-bindgen, so the embed and the server compile the same shapes.
//! Built for size, since every visitor downloads it: a small free-list
//! allocator, and strings built with `push_str` and numbers printed by
//! [`dom::decimal`] rather than with `format!`. The embed's own words come
//! from the server with each render ([`text`]).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::Element;

mod api;
mod dom;
mod options;
mod render;
mod text;

pub use render::Campaign;

use crate::dom::concat;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Why a call rendered nothing, as the host page's developer reads it.
#[derive(Debug)]
pub(crate) struct Problem(String);

impl Problem {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// A message made of parts, without `format!`.
    pub(crate) fn of(parts: &[&str]) -> Self {
        Self(concat(parts))
    }
}

/// What a page's throwing getter or a refusing browser call threw.
impl From<JsValue> for Problem {
    fn from(value: JsValue) -> Self {
        Self(dom::describe(&value))
    }
}

/// Writes the one `console.warn` of a failed call.
pub(crate) fn warn(Problem(message): &Problem) {
    web_sys::console::warn_1(&concat(&["Adact: ", message]).into());
}

/// Renders the campaign of `options.segment` (or of `options` itself, a
/// segment title). Called by the loader with the `<script>` element the
/// call came from (`anchor`, if any), the server and embed key it read
/// from its own script URL, and the empty host element it placed at once
/// to hold the card's room (`host`, if any), which the card is drawn into,
/// and the render request it already sent (`sent`, with the Promise of its
/// `Response` in `answer`). Resolves to a [`Campaign`] handle, or to `null`
/// after one `console.warn`; never rejects. The loader takes its own host
/// out again when nothing renders.
///
/// The options are read and the campaign's place found before anything
/// awaits: a page's getter that throws, throws into the loader's Promise
/// chain, which warns.
#[wasm_bindgen]
pub fn render(
    options: JsValue,
    anchor: Option<Element>,
    server: String,
    key: String,
    host: Option<Element>,
    sent: Option<String>,
    answer: Option<js_sys::Promise>,
) -> js_sys::Promise {
    let started = options::Options::parse(&options).and_then(|options| {
        // Find where it goes before asking the server, so a bad
        // `container` fails fast and costs no request.
        let place = render::Place::find(options.container.as_ref(), anchor)?;
        let host = host
            .and_then(render::Host::adopt)
            .unwrap_or_else(|| render::Host::mount(&place));
        Ok((options, host))
    });
    future_to_promise(async move {
        let shown = match started {
            Ok((options, host)) => {
                let server = api::Server { base: server, key };
                show(options, host, server, sent.zip(answer)).await
            }
            Err(problem) => Err(problem),
        };
        Ok(match shown {
            Ok(campaign) => campaign.into(),
            Err(problem) => {
                warn(&problem);
                JsValue::NULL
            }
        })
    })
}

/// Asks the server for the campaign (or takes the loader's answer) and
/// draws it into `host`, or takes a `host` of its own making out again.
async fn show(
    options: options::Options,
    host: render::Host,
    server: api::Server,
    sent: Option<(String, js_sys::Promise)>,
) -> Result<Campaign, Problem> {
    let shown = match server.render(&options.request(), sent).await {
        Ok(response) => {
            // A new visitor: the server made their anonymous id.
            if let Some(id) = &response.session.anonymous_id {
                options::keep_anonymous_id(id);
            }
            host.fill(response, server, options.on_event)
        }
        Err(failure) => Err(Problem::new(failure.message)),
    };
    match &shown {
        // A bad `locale` is the call's one warning only when nothing else
        // went wrong: the campaign shows, in the default words.
        Ok(_) => {
            if let Some(problem) = &options.locale_problem {
                warn(problem);
            }
        }
        Err(_) => host.remove(),
    }
    shown
}

//! The browser runtime behind `embed.js`.
//!
//! The loader (`embed/js/loader.js`) defines `window.renderAdact` at once and
//! forwards each call, once this module is ready, to [`render`]. Whatever
//! goes wrong, the host page sees one `console.warn` and a Promise that
//! resolves to `null`: nothing is thrown into it.
//!
//! Built for size, since every visitor downloads it: on wasm the crate is
//! `no_std`, with a small free-list allocator and a panic handler that
//! only traps, so neither `std`'s panic machinery nor `core::fmt` is
//! linked (strings are built with `push_str`, numbers with
//! [`dom::decimal`]). The embed's own words come from the server with each
//! render ([`text`]).

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::{boxed::Box, string::String};

use wasm_bindgen::prelude::*;

mod api;
mod dom;
mod options;
mod render;
mod text;

pub use render::Campaign;

use crate::dom::{Element, Function, concat};

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// A panic would be a bug: it traps, so the call into the wasm throws, into
/// the loader's Promise chain or an event dispatch, never into the page's
/// own code.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

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

impl From<JsValue> for Problem {
    fn from(value: JsValue) -> Self {
        Self(dom::describe(&value))
    }
}

/// Writes the one `console.warn` of a failed call.
pub(crate) fn warn(Problem(message): &Problem) {
    dom::warn(&concat(&["Adact: ", message]));
}

/// Renders the campaign of `options.segment`. Called by the loader with the
/// `<script>` element the call came from (`anchor`, if any), the server and
/// embed key it read from its own script URL, and `done`, which receives a
/// [`Campaign`] handle, or `null` after one `console.warn`.
#[wasm_bindgen]
pub fn render(
    options: JsValue,
    anchor: Option<Element>,
    server: String,
    key: String,
    done: Function,
) {
    let finish = move |shown: Result<Campaign, Problem>| {
        let value = match shown {
            Ok(campaign) => campaign.into(),
            Err(problem) => {
                warn(&problem);
                JsValue::NULL
            }
        };
        done.call(&JsValue::NULL, &value);
    };
    let options = match options::Options::parse(&options) {
        Ok(options) => options,
        Err(problem) => return finish(Err(problem)),
    };
    // Find where it goes before asking the server, so a bad `container`
    // fails fast and costs no request.
    let host = match render::Place::find(options.container.as_ref(), anchor) {
        Ok(place) => render::Host::mount(&place),
        Err(problem) => return finish(Err(problem)),
    };
    let server = api::Server { base: server, key };
    let request = options.request();
    server.clone().render(
        &request,
        Box::new(move |response| {
            let shown = response.map(|response| host.fill(response, server, options.on_event));
            match &shown {
                // A bad `locale` is the call's one warning only when nothing
                // else went wrong: the campaign shows, in the default words.
                Ok(_) => {
                    if let Some(problem) = &options.locale_problem {
                        warn(problem);
                    }
                }
                Err(_) => host.remove(),
            }
            finish(shown);
        }),
    );
}

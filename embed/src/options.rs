//! The options of `renderAdact(options)`, checked with messages that say
//! what to change. `user` is decoded into adact-wire's [`User`], and the
//! render request is that type's [`RenderRequest`].

use adact_wire::{RenderRequest, User, check_text, is_language_tag};
use js_sys::{Function, Number, Object, Reflect};
use wasm_bindgen::{JsCast as _, JsValue};
use web_sys::Element;

use crate::{Problem, dom};

/// Where the caller asked the campaign to go.
#[derive(Debug)]
pub enum Container {
    Selector(String),
    Element(Element),
}

#[derive(Debug)]
pub struct Options {
    segment: String,
    user: Option<User>,
    /// `userToken`: the visitor's identity, signed by the page's server.
    user_token: Option<String>,
    /// The visitor's language: the `locale` option, else the page's, else
    /// the browser's.
    locale: Option<String>,
    /// A `locale` option that is no language tag: warned about, not fatal.
    pub locale_problem: Option<Problem>,
    pub container: Option<Container>,
    /// `onEvent(event)`: called with each event as it happens.
    pub on_event: Option<Function>,
}

const USAGE: &str = "call renderAdact({segment: 'Default Users'}).";

impl Options {
    /// Reads `renderAdact`'s argument: an options object, or a segment
    /// title on its own.
    pub fn parse(value: &JsValue) -> Result<Self, Problem> {
        if let Some(segment) = value.as_string() {
            return Self::new(segment, &Object::new());
        }
        if !value.is_object() {
            return Err(Problem::of(&[
                "renderAdact needs an options object: ",
                USAGE,
            ]));
        }
        match get(value, "segment")?.as_string() {
            Some(segment) => Self::new(segment, value),
            None => Err(segment_required()),
        }
    }

    fn new(segment: String, value: &JsValue) -> Result<Self, Problem> {
        if segment.trim().is_empty() {
            return Err(segment_required());
        }
        let container = match get(value, "container")? {
            v if v.is_undefined() || v.is_null() => None,
            v => match v.as_string() {
                Some(selector) => Some(Container::Selector(selector)),
                None => Some(Container::Element(v.dyn_into::<Element>().map_err(
                    |_| {
                        Problem::new("the `container` option must be a CSS selector or an Element.")
                    },
                )?)),
            },
        };
        let user = match get(value, "user")? {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(user(v)?),
        };
        let user_token = match get(value, "userToken")? {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(v.as_string().ok_or_else(|| {
                Problem::new(
                    "the `userToken` option must be a string: the token your server signed for this visitor.",
                )
            })?),
        };
        let on_event = match get(value, "onEvent")? {
            v if v.is_undefined() || v.is_null() => None,
            v if v.is_function() => Some(v.unchecked_into()),
            _ => {
                return Err(Problem::new(
                    "the `onEvent` option must be a function, like onEvent(event) {...}.",
                ));
            }
        };
        let (locale, locale_problem) = match get(value, "locale")? {
            v if v.is_undefined() || v.is_null() => (None, None),
            v => match v.as_string().filter(|tag| is_language_tag(tag)) {
                Some(tag) => (Some(tag), None),
                None => (
                    None,
                    Some(Problem::new(
                        "the `locale` option must be a language tag like 'de' or 'de-AT': \
                         using the page's language instead.",
                    )),
                ),
            },
        };
        let locale = locale.or_else(|| {
            dom::page_languages()
                .into_iter()
                .flatten()
                .find(|tag| is_language_tag(tag))
        });
        Ok(Self {
            segment,
            user,
            user_token,
            locale,
            locale_problem,
            container,
            on_event,
        })
    }

    /// The render request: with the kept anonymous player id when the page
    /// names no user id and one is kept.
    pub fn request(&self) -> RenderRequest {
        let user = self.user.clone();
        let anonymous_id = if user.as_ref().and_then(|u| u.id.as_ref()).is_none() {
            anonymous_id()
        } else {
            None
        };
        RenderRequest {
            segment: self.segment.clone(),
            user,
            anonymous_id,
            locale: self.locale.clone(),
            user_token: self.user_token.clone(),
        }
    }
}

fn segment_required() -> Problem {
    Problem::of(&[
        "the `segment` option is required and must be a non-empty string: ",
        USAGE,
    ])
}

/// The page's `user`, as adact-wire's [`User`]. Host pages often keep ids
/// as numbers: a number `id` is sent as JS prints it.
fn user(value: JsValue) -> Result<User, Problem> {
    let usage = "the `user` option must be an object like {id: '42', email: 'ada@example.com', name: 'Ada'}";
    if !value.is_object() {
        return Err(Problem::of(&[usage, "."]));
    }
    let id = get(&value, "id")?;
    let number = id.dyn_ref::<Number>().filter(|_| Number::is_finite(&id));
    let value = match number.and_then(|n| n.to_string_with_radix(10).ok()) {
        Some(text) => {
            let copy = Object::assign(&Object::new(), value.unchecked_ref());
            Reflect::set(&copy, &"id".into(), &text)?;
            copy.into()
        }
        None => value,
    };
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| Problem::of(&[usage, ": ", &error.to_string()]))
}

/// `options[key]`: the page's getters may throw.
fn get(options: &JsValue, key: &str) -> Result<JsValue, Problem> {
    Ok(Reflect::get(options, &key.into())?)
}

/// Where the anonymous player id is kept.
const ANONYMOUS_ID_KEY: &str = "adact:player";

/// The anonymous player id kept in `localStorage`, if there is one. A new
/// visitor has none: the server makes one with the render
/// ([`keep_anonymous_id`]). Storage may be blocked (private modes,
/// sandboxed frames): then the visitor is new on every page view, and
/// nothing throws.
fn anonymous_id() -> Option<String> {
    let storage = dom::window().local_storage().ok()??;
    storage
        .get_item(ANONYMOUS_ID_KEY)
        .ok()?
        .filter(|id| check_text(id, 1, RenderRequest::ANONYMOUS_ID_MAX_CHARS).is_ok())
}

/// Keeps the anonymous id the server made for this visitor
/// (`session.anonymous_id`), to send with every later render.
pub fn keep_anonymous_id(id: &str) {
    if let Some(storage) = dom::window().local_storage().ok().flatten() {
        let _ = storage.set_item(ANONYMOUS_ID_KEY, id);
    }
}

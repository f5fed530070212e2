//! The options of `renderAdact(options)`, checked with messages that say
//! what to change.

use alloc::string::String;

use adact_wire::{RenderRequest, User, is_language_tag};
use wasm_bindgen::{JsCast as _, JsValue};

use crate::{
    Problem,
    dom::{self, Element, Function},
};

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
    pub fn parse(value: &JsValue) -> Result<Self, Problem> {
        if !value.is_object() {
            return Err(Problem::of(&[
                "renderAdact needs an options object: ",
                USAGE,
            ]));
        }
        let segment = match get(value, "segment")?.as_string() {
            Some(s) if !s.trim().is_empty() => s,
            _ => {
                return Err(Problem::of(&[
                    "the `segment` option is required and must be a non-empty string: ",
                    USAGE,
                ]));
            }
        };
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
            v if v.is_object() => Some(User {
                id: text_or_number(&v, "id")?,
                email: text_or_number(&v, "email")?,
                name: text_or_number(&v, "name")?,
            }),
            _ => {
                return Err(Problem::new(
                    "the `user` option must be an object like {id: '42', email: 'ada@example.com'}.",
                ));
            }
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
            locale,
            locale_problem,
            container,
            on_event,
        })
    }

    /// The render request: with the anonymous player id when the page
    /// names no user id.
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
            user_token: None,
        }
    }
}

fn get(object: &JsValue, key: &str) -> Result<JsValue, Problem> {
    Ok(dom::try_get(object, key)?)
}

/// A user field as a string; ids are often numbers in host pages.
fn text_or_number(user: &JsValue, field: &str) -> Result<Option<String>, Problem> {
    let value = get(user, field)?;
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else if value.as_string().is_some() || value.as_f64().is_some_and(f64::is_finite) {
        // The browser's number formatting: Rust's would add ~15 KB of wasm.
        Ok(Some(dom::describe(&value)))
    } else {
        Err(Problem::of(&["`user.", field, "` must be a string."]))
    }
}

/// The anonymous player id kept in `localStorage`, made on first use.
/// Storage may be blocked (private modes, sandboxed frames): then the player
/// is anonymous for this page view only, and nothing throws.
fn anonymous_id() -> Option<String> {
    const KEY: &str = "adact:player";
    if let Some(id) = dom::storage_get(KEY).ok()?.filter(|id| id.len() <= 100) {
        return Some(id);
    }
    let id = dom::random_uuid().ok()?;
    let _ = dom::storage_set(KEY, &id);
    Some(id)
}

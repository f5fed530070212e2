//! The options of `renderAdact(options)`, checked with messages that say
//! what to change.

use adact_wire::{RenderRequest, User};
use js_sys::Reflect;
use wasm_bindgen::{JsCast as _, JsValue};
use web_sys::Element;

use crate::Problem;

/// Where the caller asked the campaign to go.
#[derive(Debug)]
pub enum Container {
    Selector(String),
    Element(Element),
}

#[derive(Debug)]
pub struct Options {
    pub request: RenderRequest,
    pub container: Option<Container>,
    /// `onEvent(event)`: called with each event as it happens.
    pub on_event: Option<js_sys::Function>,
}

const USAGE: &str = "call renderAdact({segment: 'Default Users'})";

impl Options {
    pub fn parse(value: &JsValue) -> Result<Self, Problem> {
        if !value.is_object() {
            return Err(Problem::new(format!(
                "renderAdact needs an options object: {USAGE}."
            )));
        }
        let segment = match get(value, "segment")?.as_string() {
            Some(s) if !s.trim().is_empty() => s,
            _ => {
                return Err(Problem::new(format!(
                    "the `segment` option is required and must be a non-empty string: {USAGE}."
                )));
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
                id: text_or_number(&v, "user.id")?,
                email: text_or_number(&v, "user.email")?,
                name: text_or_number(&v, "user.name")?,
            }),
            _ => {
                return Err(Problem::new(
                    "the `user` option must be an object like {id: '42', email: 'ada@example.com'}.",
                ));
            }
        };
        let on_event = match get(value, "onEvent")? {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(v.dyn_into::<js_sys::Function>().map_err(|_| {
                Problem::new("the `onEvent` option must be a function, like onEvent(event) {...}.")
            })?),
        };
        Ok(Self {
            request: RenderRequest {
                segment,
                user,
                anonymous_id: None,
                locale: None,
            },
            container,
            on_event,
        })
    }
}

fn get(object: &JsValue, key: &str) -> Result<JsValue, Problem> {
    Ok(Reflect::get(object, &JsValue::from_str(key))?)
}

/// A user field as a string; ids are often numbers in host pages.
fn text_or_number(user: &JsValue, path: &str) -> Result<Option<String>, Problem> {
    let field = path.rsplit('.').next().unwrap_or(path);
    let value = get(user, field)?;
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else if let Some(s) = value.as_string() {
        Ok(Some(s))
    } else if value.as_f64().is_some_and(f64::is_finite) {
        // The browser's number formatting: Rust's would add ~15 KB of wasm.
        Ok(Some(
            js_sys::Number::from(value).to_string_with_radix(10)?.into(),
        ))
    } else {
        Err(Problem::new(format!("`{path}` must be a string.")))
    }
}

//! Shared pieces: event listeners that remove themselves, timers, element
//! helpers.

use wasm_bindgen::{JsCast as _, prelude::*};
use web_sys::{Document, Element, Event, EventTarget, HtmlElement};

use crate::Problem;

/// An event listener, removed from its target when dropped.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind)
    }
}

impl Listener {
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        f: impl FnMut(Event) + 'static,
    ) -> Result<Self, Problem> {
        let closure = Closure::<dyn FnMut(Event)>::new(f);
        target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
        Ok(Self {
            target: target.clone(),
            kind,
            closure,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}

/// An element with a class, and its text when given (always as text).
pub fn element(
    document: &Document,
    tag: &str,
    class: &str,
    text: Option<&str>,
) -> Result<HtmlElement, Problem> {
    let element = document.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    if let Some(text) = text {
        element.set_text_content(Some(text));
    }
    Ok(element.unchecked_into())
}

/// A `<button type="button">` with its text.
pub fn button(document: &Document, class: &str, text: &str) -> Result<HtmlElement, Problem> {
    let b = element(document, "button", class, Some(text))?;
    b.set_attribute("type", "button")?;
    Ok(b)
}

/// An SVG element with attributes.
pub fn svg(document: &Document, tag: &str, attrs: &[(&str, &str)]) -> Result<Element, Problem> {
    let e = document.create_element_ns(Some("http://www.w3.org/2000/svg"), tag)?;
    for (name, value) in attrs {
        e.set_attribute(name, value)?;
    }
    Ok(e)
}

/// Whether the visitor asked for less motion.
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    let closure = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), ms);
    }
}

/// Sets several attributes.
pub fn attrs(element: &Element, attrs: &[(&str, &str)]) -> Result<(), Problem> {
    for (name, value) in attrs {
        element.set_attribute(name, value)?;
    }
    Ok(())
}

//! Small helpers over web-sys and js-sys that keep the call sites short.
//!
//! web-sys declares most DOM calls as throwing. Those the embed makes with
//! its own constant tag, attribute and property names on elements it made
//! cannot throw, so their `Result` is dropped here, once, rather than at
//! every call. What the page or the browser may refuse (a selector from the
//! page, storage, the clipboard) is handled where it is called.

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast as _, prelude::*};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CssStyleDeclaration, Document, Element, HtmlElement, Node, Window};

pub fn window() -> Window {
    web_sys::window().unwrap_throw()
}

pub fn document() -> Document {
    window().document().unwrap_throw()
}

/// Attribute changes and children, on elements of the embed's own making.
pub trait ElementExt {
    fn attr(&self, name: &str, value: &str);
    fn remove_attr(&self, name: &str);
    /// Appends `child` as the last child.
    fn add(&self, child: &Node);
}

impl ElementExt for Element {
    fn attr(&self, name: &str, value: &str) {
        let _ = self.set_attribute(name, value);
    }

    fn remove_attr(&self, name: &str) {
        let _ = self.remove_attribute(name);
    }

    fn add(&self, child: &Node) {
        let _ = self.append_child(child);
    }
}

/// Sets a CSS property on an inline style.
pub fn set_style(style: &CssStyleDeclaration, name: &str, value: &str) {
    let _ = style.set_property(name, value);
}

/// Moves the keyboard focus to `element`.
pub fn focus(element: &HtmlElement) {
    let _ = element.focus();
}

/// The parts one after the other. (`[..].concat()` and `join` carry panic
/// paths with messages.)
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal, without `core::fmt`.
pub fn decimal(n: u32) -> String {
    fn push(n: u32, out: &mut String) {
        if n >= 10 {
            push(n / 10, out);
        }
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    let mut out = String::new();
    push(n, &mut out);
    out
}

/// What the page threw, as JS prints an error (`TypeError: ...`).
pub fn describe(thrown: &JsValue) -> String {
    match (thrown.dyn_ref::<js_sys::Error>(), thrown.as_string()) {
        (Some(error), _) => error.to_string().into(),
        (None, Some(text)) => text,
        (None, None) => "the page threw something that is not an Error.".into(),
    }
}

/// The page's language (`<html lang>`) and the browser's, in that order.
pub fn page_languages() -> [Option<String>; 2] {
    let html = document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"));
    [html, window().navigator().language()]
}

/// An HTML element with its class (if any) and its text (always as text).
pub fn element(tag: &str, class: &str, text: &str) -> HtmlElement {
    let element: HtmlElement = document()
        .create_element(tag)
        .unwrap_throw()
        .unchecked_into();
    if !class.is_empty() {
        element.attr("class", class);
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    element
}

/// A `<button type="button">` with its text.
pub fn button(class: &str, text: &str) -> HtmlElement {
    let b = element("button", class, text);
    b.attr("type", "button");
    b
}

/// An SVG element with attributes.
pub fn svg(tag: &str, attributes: &[(&str, &str)]) -> Element {
    let e = document()
        .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
        .unwrap_throw();
    for (name, value) in attributes {
        e.attr(name, value);
    }
    e
}

/// Whether the visitor asked for less motion.
pub fn reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

/// Writes `text` to the clipboard; false where the page may not use it.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    // Not there at all outside a secure context.
    !clipboard.is_undefined() && JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// A promise, and the function that resolves it (with its argument, once:
/// later calls do nothing).
pub fn promise() -> (Promise, Function) {
    let mut resolve = None;
    // The executor runs before the constructor returns.
    let promise = Promise::new(&mut |f, _| resolve = Some(f));
    (promise, resolve.unwrap_throw())
}

/// Resolves after `ms` milliseconds: the timer resolves the promise itself.
pub fn sleep(ms: i32) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    }))
}

/// Runs `f` once before the next frame is painted, when the browser lays
/// the page out anyway.
pub fn next_frame(f: Box<dyn FnOnce()>) {
    let _ = window().request_animation_frame(Closure::once_into_js(f).unchecked_ref());
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn numbers_print_in_decimal() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(7), "7");
        assert_eq!(decimal(1234), "1234");
        assert_eq!(decimal(u32::MAX), "4294967295");
    }
}

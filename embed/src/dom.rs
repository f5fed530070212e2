//! The browser as the embed uses it: the few calls it makes, bound by hand
//! rather than through web-sys, and small helpers over them.
//!
//! A call is declared without `catch` when our own arguments cannot make it
//! throw (constant tag, attribute, event and property names, elements we
//! made), so no error path is compiled for it; with `catch` only where the
//! page or the browser may refuse: a selector from the page, the page's
//! options and callback, storage, the clipboard, `crypto`.

use alloc::{boxed::Box, string::String, vec::Vec};

use wasm_bindgen::{JsCast as _, prelude::*};

#[wasm_bindgen]
extern "C" {
    /// A node we put other nodes into: an element or a shadow root.
    #[derive(Debug, Clone)]
    pub type Node;
    #[wasm_bindgen(method, js_name = appendChild)]
    pub fn append(this: &Node, child: &Node);
    #[wasm_bindgen(method, js_name = replaceChildren)]
    pub fn replace_children(this: &Node, child: &Node);

    /// Any element, HTML or SVG.
    #[wasm_bindgen(extends = Node)]
    #[derive(Debug, Clone)]
    pub type Element;
    #[wasm_bindgen(js_namespace = document, js_name = createElement)]
    fn create_element(tag: &str) -> Element;
    #[wasm_bindgen(js_namespace = document, js_name = createElementNS)]
    fn create_element_ns(namespace: &str, tag: &str) -> Element;
    /// `document.querySelector`: throws on a malformed selector.
    #[wasm_bindgen(catch, js_namespace = document, js_name = querySelector)]
    pub fn query_selector(selector: &str) -> Result<Option<Element>, JsValue>;
    #[wasm_bindgen(method, js_name = setAttribute)]
    pub fn set_attribute(this: &Element, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = removeAttribute)]
    pub fn remove_attribute(this: &Element, name: &str);
    #[wasm_bindgen(method, js_name = hasAttribute)]
    pub fn has_attribute(this: &Element, name: &str) -> bool;
    #[wasm_bindgen(method, setter = textContent)]
    pub fn set_text(this: &Element, text: &str);
    #[wasm_bindgen(method)]
    pub fn focus(this: &Element);
    #[wasm_bindgen(method)]
    pub fn remove(this: &Element);
    /// Inserts `node` right after this element.
    #[wasm_bindgen(method)]
    pub fn after(this: &Element, node: &Node);
    #[wasm_bindgen(method, getter = isConnected)]
    pub fn is_connected(this: &Element) -> bool;
    #[wasm_bindgen(method, js_name = attachShadow)]
    pub fn attach_shadow(this: &Element, init: &JsValue) -> Node;
    #[wasm_bindgen(method, getter)]
    pub fn style(this: &Element) -> Style;
    /// An `<input>`'s value.
    #[wasm_bindgen(method, getter)]
    pub fn value(this: &Element) -> String;
    /// A checkbox's state.
    #[wasm_bindgen(method, getter)]
    pub fn checked(this: &Element) -> bool;
    #[wasm_bindgen(method, getter = clientWidth)]
    pub fn client_width(this: &Element) -> f64;
    #[wasm_bindgen(method, getter = clientHeight)]
    pub fn client_height(this: &Element) -> f64;
    #[wasm_bindgen(method, js_name = setPointerCapture)]
    pub fn set_pointer_capture(this: &Element, pointer: i32);
    /// A canvas's 2D context; `None` where the browser will not draw.
    #[wasm_bindgen(method, js_name = getContext)]
    pub fn context_2d(this: &Element, kind: &str) -> Option<Canvas>;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &Node, kind: &str, listener: &JsValue);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &Node, kind: &str, listener: &JsValue);

    #[derive(Debug)]
    pub type Style;
    #[wasm_bindgen(method, js_name = setProperty)]
    pub fn set_property(this: &Style, name: &str, value: &str);

    /// A canvas's 2D context. Its plain properties are set with [`set`].
    #[derive(Debug, Clone)]
    pub type Canvas;
    #[wasm_bindgen(method, js_name = createLinearGradient)]
    pub fn linear_gradient(this: &Canvas, x0: f64, y0: f64, x1: f64, y1: f64) -> Gradient;
    #[wasm_bindgen(method, js_name = fillRect)]
    pub fn fill_rect(this: &Canvas, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = fillText)]
    pub fn fill_text(this: &Canvas, text: &str, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = beginPath)]
    pub fn begin_path(this: &Canvas);
    #[wasm_bindgen(method, js_name = moveTo)]
    pub fn move_to(this: &Canvas, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = lineTo)]
    pub fn line_to(this: &Canvas, x: f64, y: f64);
    #[wasm_bindgen(method)]
    pub fn stroke(this: &Canvas);

    #[derive(Debug)]
    pub type Gradient;
    #[wasm_bindgen(method, js_name = addColorStop)]
    pub fn add_color_stop(this: &Gradient, offset: f64, colour: &str);

    #[derive(Debug)]
    pub type Event;
    #[wasm_bindgen(method, js_name = preventDefault)]
    pub fn prevent_default(this: &Event);
    #[wasm_bindgen(method, getter = offsetX)]
    pub fn offset_x(this: &Event) -> f64;
    #[wasm_bindgen(method, getter = offsetY)]
    pub fn offset_y(this: &Event) -> f64;
    #[wasm_bindgen(method, getter = pointerId)]
    pub fn pointer_id(this: &Event) -> i32;

    /// A function of the page's, or one of the loader's.
    #[derive(Debug, Clone)]
    pub type Function;
    /// Calls a function that cannot throw (a Promise's `resolve`).
    #[wasm_bindgen(method, js_name = call)]
    pub fn call(this: &Function, this_arg: &JsValue, arg: &JsValue);
    /// Calls the page's function, which may throw.
    #[wasm_bindgen(catch, method, js_name = call)]
    pub fn try_call(this: &Function, this_arg: &JsValue, arg: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get_index(target: &JsValue, index: u32) -> JsValue;
    /// `Reflect.get` on the page's objects, whose getters may throw.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub fn try_get(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &str, value: &JsValue);
    #[wasm_bindgen(js_namespace = JSON)]
    pub fn stringify(value: &JsValue) -> String;
    /// `String(value)`: how JS itself prints a value, e.g. an error.
    #[wasm_bindgen(js_name = String)]
    pub fn describe(value: &JsValue) -> String;

    #[wasm_bindgen(js_namespace = console)]
    pub fn warn(message: &str);
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &JsValue, ms: i32);
    #[wasm_bindgen(js_name = encodeURIComponent)]
    pub fn encode_uri_component(text: &str) -> String;
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;
    #[wasm_bindgen(js_namespace = Math)]
    pub fn sin(x: f64) -> f64;
    #[wasm_bindgen(js_namespace = Math)]
    pub fn cos(x: f64) -> f64;

    #[wasm_bindgen(js_name = matchMedia)]
    fn match_media(query: &str) -> JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = document)]
    static DOCUMENT: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = navigator)]
    static NAVIGATOR: JsValue;
    /// Storage may be blocked (private modes, sandboxed frames): it throws.
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = getItem)]
    pub fn storage_get(key: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = setItem)]
    pub fn storage_set(key: &str, value: &str) -> Result<(), JsValue>;
    /// Throws where there is none (pages not served over HTTPS).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
    pub fn random_uuid() -> Result<String, JsValue>;
    /// The loader's `adactCopy(text, done)`: `done(copied)` once the
    /// clipboard has answered, false where the page may not use it.
    #[wasm_bindgen(js_name = adactCopy)]
    fn copy_with(text: &str, done: &JsValue);

    /// The loader's `adactPost(url, body, done)`: fetch, then
    /// `done(status, statusText, json)` once; status 0 when the network
    /// failed.
    #[wasm_bindgen(js_name = adactPost)]
    pub fn post(url: &str, body: &str, done: &JsValue);

    #[wasm_bindgen(js_name = Object)]
    fn js_object() -> JsValue;
    type Array;
    #[wasm_bindgen(constructor)]
    fn new() -> Array;
    #[wasm_bindgen(method)]
    fn push(this: &Array, value: &JsValue);
}

/// `value[key]`, or `undefined` when `value` is no object.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    if value.is_object() {
        reflect_get(value, key)
    } else {
        JsValue::UNDEFINED
    }
}

/// Sets `object[key]` on an object of ours.
pub fn set(object: &JsValue, key: &str, value: &JsValue) {
    reflect_set(object, key, value);
}

/// A new plain object with these properties.
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = js_object();
    for (key, value) in properties {
        set(&object, key, value);
    }
    object
}

/// A new array of these values.
pub fn array(values: impl IntoIterator<Item = JsValue>) -> JsValue {
    let array = Array::new();
    for value in values {
        array.push(&value);
    }
    array.into()
}

/// An array's items; anything else has none.
pub fn items(value: &JsValue) -> Vec<JsValue> {
    if !value.is_array() {
        return Vec::new();
    }
    let length = get(value, "length").as_f64().unwrap_or(0.0) as u32;
    (0..length).map(|i| reflect_get_index(value, i)).collect()
}

/// The parts one after the other. (`[..].concat()` and `join` carry panic
/// paths whose messages would link `core::fmt`.)
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

/// `document.body`, if the page has one yet.
pub fn body() -> Option<Element> {
    let body = DOCUMENT.with(|d| get(d, "body"));
    body.is_object().then(|| body.unchecked_into())
}

/// The page's language (`<html lang>`) and the browser's, in that order.
pub fn page_languages() -> [Option<String>; 2] {
    let html = DOCUMENT.with(|d| get(&get(d, "documentElement"), "lang"));
    let browser = NAVIGATOR.with(|n| get(n, "language"));
    [html.as_string(), browser.as_string()]
}

/// An HTML element with its class (if any) and its text (always as text).
pub fn element(tag: &str, class: &str, text: &str) -> Element {
    let element = create_element(tag);
    if !class.is_empty() {
        element.set_attribute("class", class);
    }
    if !text.is_empty() {
        element.set_text(text);
    }
    element
}

/// A `<button type="button">` with its text.
pub fn button(class: &str, text: &str) -> Element {
    let b = element("button", class, text);
    b.set_attribute("type", "button");
    b
}

/// An SVG element with attributes.
pub fn svg(tag: &str, attributes: &[(&str, &str)]) -> Element {
    let e = create_element_ns("http://www.w3.org/2000/svg", tag);
    for (name, value) in attributes {
        e.set_attribute(name, value);
    }
    e
}

/// Whether the visitor asked for less motion.
pub fn reduced_motion() -> bool {
    get(&match_media("(prefers-reduced-motion: reduce)"), "matches").is_truthy()
}

/// Writes `text` to the clipboard, then calls `done(copied)` once.
pub fn copy_to_clipboard(text: &str, done: Box<dyn FnOnce(bool)>) {
    copy_with(text, &Closure::once_into_js(done));
}

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: i32, f: Box<dyn FnOnce()>) {
    set_timeout(&Closure::once_into_js(f), ms);
}

/// An event listener, removed from its target when dropped.
pub struct Listener {
    target: Node,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub fn new(target: &Node, kind: &'static str, f: Box<dyn FnMut(Event)>) -> Self {
        let closure = Closure::wrap(f);
        target.add_event_listener(kind, closure.as_ref());
        Self {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.target
            .remove_event_listener(self.kind, self.closure.as_ref());
    }
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

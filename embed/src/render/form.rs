//! The registration form, checked in the browser for quick feedback and
//! again by the server, whose per-field errors show inline too. Both check
//! with adact-wire's rules.

use std::{cell::Cell, collections::BTreeMap, rc::Rc};

use adact_wire::{
    FIELD_VALUE_MAX_CHARS, FieldKind, FieldValueProblem, FormField, UiText, check_field_value,
};
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlElement, HtmlInputElement};

use super::{app::App, game::Flow as _};
use crate::dom::{self, ElementExt as _, concat, decimal, element};

/// The registration form's styles, added to the card's when the campaign uses them.
pub const CSS: &str = include_str!("form.css");

/// An input of the form and the element that shows its message.
struct Input {
    /// As the server names it: `fields.email`, or `consent`.
    name: String,
    input: HtmlInputElement,
    error: HtmlElement,
    /// The field, for a form field; none for the consent checkbox.
    field: Option<FormField>,
    /// The message when it is required and empty (or unticked).
    required: Option<String>,
}

impl Input {
    /// The browser-side check: the message, if the input is bad.
    fn problem(&self, app: &App) -> Option<String> {
        let Some(field) = &self.field else {
            return self.required.clone().filter(|_| !self.input.checked());
        };
        let value = self.input.value();
        let value = value.trim();
        if value.is_empty() {
            return self.required.clone();
        }
        // A value too long is the server's to refuse: `maxlength` keeps
        // typing within the limit.
        let text = match check_field_value(field.kind, value) {
            Err(FieldValueProblem::Email) => UiText::EmailInvalid,
            Err(FieldValueProblem::Phone) => UiText::PhoneInvalid,
            Ok(()) | Err(FieldValueProblem::TooLong) => return None,
        };
        Some(app.text(text).into())
    }
}

const CONSENT: &str = "consent";

/// Builds the form onto its sheet over the game, hidden until the visitor
/// chooses to play.
pub fn build(app: &Rc<App>) {
    let form = element("form", "form", "");
    form.attr("novalidate", "");
    form.attr("aria-label", app.text(UiText::YourDetails));
    let max_chars = decimal(FIELD_VALUE_MAX_CHARS as u32);
    let mut inputs = Vec::new();
    for (i, field) in app.view.form.fields.iter().enumerate() {
        let id = concat(&["adact-f", &decimal(i as u32)]);
        let row = element("div", "field", "");
        let label = element("label", "", &field.label);
        label.attr("for", &id);
        if field.required {
            let mark = element("span", "req", " *");
            mark.attr("aria-hidden", "true");
            label.add(&mark);
        }
        let (kind, autocomplete) = match field.kind {
            FieldKind::Email => ("email", "email"),
            FieldKind::Phone => ("tel", "tel"),
            FieldKind::Name => ("text", "name"),
            FieldKind::Text => ("text", "off"),
        };
        let input = input(&id, kind);
        input.attr("autocomplete", autocomplete);
        // In UTF-16 units, so never more characters than the server takes.
        input.attr("maxlength", &max_chars);
        if field.required {
            input.attr("required", "");
        }
        if let Some(value) = app.prefill.get(&field.key) {
            input.set_value(value);
        }
        let error = error(&id);
        row.add(&label);
        row.add(&input);
        row.add(&error);
        form.add(&row);
        inputs.push(Input {
            name: concat(&["fields.", &field.key]),
            input,
            error,
            field: Some(field.clone()),
            required: field
                .required
                .then(|| app.fill(UiText::FieldRequired, &[("field", &field.label)])),
        });
    }
    if let Some(c) = &app.view.form.consent {
        let row = element("div", "consent", "");
        let input = input("adact-consent", "checkbox");
        if c.required {
            input.attr("required", "");
        }
        let label = element("label", "", &c.label);
        label.attr("for", "adact-consent");
        let error = error("adact-consent");
        row.add(&input);
        row.add(&label);
        form.add(&row);
        form.add(&error);
        inputs.push(Input {
            name: CONSENT.into(),
            input,
            error,
            field: None,
            required: c.required.then(|| app.text(UiText::ConsentRequired).into()),
        });
    }
    let submit = element("button", "play", app.text(UiText::Continue));
    submit.attr("type", "submit");
    form.add(&submit);

    let inputs = Rc::new(inputs);
    let busy = Rc::new(Cell::new(false));
    let me = app.clone();
    app.on(
        &form,
        "submit",
        Box::new(move |event| {
            let app = &me;
            event.prevent_default();
            if busy.get() {
                return;
            }
            let errors: Vec<_> = inputs
                .iter()
                .map(|i| (i.name.clone(), i.problem(app)))
                .collect();
            if mark(&inputs, &errors) {
                return;
            }
            let mut fields = BTreeMap::new();
            let mut consent = false;
            for i in inputs.iter() {
                match &i.field {
                    Some(field) => {
                        let value = i.input.value();
                        if !value.trim().is_empty() {
                            fields.insert(field.key.clone(), value);
                        }
                    }
                    None => consent = i.input.checked(),
                }
            }
            busy.set(true);
            submit.attr("aria-busy", "true");
            // The game starts at once; a field the server refuses brings
            // the form back, marked.
            let (app, inputs, busy, submit) =
                (app.clone(), inputs.clone(), busy.clone(), submit.clone());
            spawn_local(async move {
                if let Err(failure) = app.register(fields, consent).await {
                    app.reopen_form();
                    let errors: Vec<_> = failure
                        .fields
                        .into_iter()
                        .flatten()
                        .map(|f| (f.field, Some(f.message)))
                        .collect();
                    mark(&inputs, &errors);
                    busy.set(false);
                    submit.remove_attr("aria-busy");
                }
            });
            me.game();
        }),
    );
    app.set_form(&form);
}

fn input(id: &str, kind: &str) -> HtmlInputElement {
    let input = element("input", "", "");
    input.attr("id", id);
    input.attr("type", kind);
    input.attr("aria-describedby", &concat(&[id, "-e"]));
    input.unchecked_into()
}

fn error(id: &str) -> HtmlElement {
    let error = element("p", "error", "");
    error.attr("id", &concat(&[id, "-e"]));
    error
}

/// Shows each input's message (or clears it), by name; focuses the first
/// bad input. Returns whether any is bad.
fn mark(inputs: &[Input], errors: &[(String, Option<String>)]) -> bool {
    let mut first: Option<&HtmlInputElement> = None;
    for (name, message) in errors {
        let Some(input) = inputs.iter().find(|i| i.name == *name) else {
            continue;
        };
        input
            .error
            .set_text_content(Some(message.as_deref().unwrap_or("")));
        if message.is_some() {
            input.input.attr("aria-invalid", "true");
            first = first.or(Some(&input.input));
        } else {
            input.input.remove_attr("aria-invalid");
        }
    }
    if let Some(input) = first {
        dom::focus(input);
    }
    first.is_some()
}

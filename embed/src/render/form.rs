//! The registration form, checked in the browser for quick feedback and
//! again by the server, whose per-field errors show inline too.

use alloc::{borrow::ToOwned as _, boxed::Box, rc::Rc, string::String, vec::Vec};
use core::cell::Cell;

use adact_wire::{FieldKind, UiText};

use super::app::Ctx;
use crate::dom::{Element, concat, decimal, element};

/// An input of the form and the element that shows its message.
struct Input {
    /// As the server names it: `fields.email`, or `consent`.
    name: String,
    input: Element,
    error: Element,
    /// The message when it is required and empty (or unticked).
    required: Option<String>,
    /// The check of a value, and its message.
    invalid: Option<(Check, String)>,
}

/// Whether a value is good.
type Check = fn(&str) -> bool;

impl Input {
    /// The browser-side check: the message, if the input is bad.
    fn problem(&self) -> Option<String> {
        if self.name == CONSENT {
            return self.required.clone().filter(|_| !self.input.checked());
        }
        let value = self.input.value();
        let value = value.trim();
        if value.is_empty() {
            self.required.clone()
        } else {
            let (ok, message) = self.invalid.as_ref()?;
            (!ok(value)).then(|| message.clone())
        }
    }
}

const CONSENT: &str = "consent";

pub fn show(app: &Ctx) {
    let form = element("form", "form", "");
    form.set_attribute("novalidate", "");
    form.set_attribute("aria-label", app.text(UiText::YourDetails));
    let mut inputs = Vec::new();
    for (i, field) in app.view.form.fields.iter().enumerate() {
        let id = concat(&["adact-f", &decimal(i as u32)]);
        let row = element("div", "field", "");
        let label = element("label", "", &field.label);
        label.set_attribute("for", &id);
        if field.required {
            let mark = element("span", "req", " *");
            mark.set_attribute("aria-hidden", "true");
            label.append(&mark);
        }
        let (kind, autocomplete) = match field.kind {
            FieldKind::Email => ("email", "email"),
            FieldKind::Phone => ("tel", "tel"),
            FieldKind::Name => ("text", "name"),
            FieldKind::Text => ("text", "off"),
        };
        let input = input(&id, kind);
        input.set_attribute("autocomplete", autocomplete);
        if field.required {
            input.set_attribute("required", "");
        }
        let error = error(&id);
        row.append(&label);
        row.append(&input);
        row.append(&error);
        form.append(&row);
        let invalid = match field.kind {
            FieldKind::Email => Some((is_email as Check, UiText::EmailInvalid)),
            FieldKind::Phone => Some((is_phone as Check, UiText::PhoneInvalid)),
            FieldKind::Name | FieldKind::Text => None,
        };
        inputs.push(Input {
            name: concat(&["fields.", &field.key]),
            input,
            error,
            required: field
                .required
                .then(|| app.fill(UiText::FieldRequired, &[("field", &field.label)])),
            invalid: invalid.map(|(ok, text)| (ok, app.text(text).to_owned())),
        });
    }
    if let Some(c) = &app.view.form.consent {
        let row = element("div", "consent", "");
        let input = input("adact-consent", "checkbox");
        if c.required {
            input.set_attribute("required", "");
        }
        let label = element("label", "", &c.label);
        label.set_attribute("for", "adact-consent");
        let error = error("adact-consent");
        row.append(&input);
        row.append(&label);
        form.append(&row);
        form.append(&error);
        inputs.push(Input {
            name: CONSENT.into(),
            input,
            error,
            required: c
                .required
                .then(|| app.text(UiText::ConsentRequired).to_owned()),
            invalid: None,
        });
    }
    let submit = element("button", "play", app.text(UiText::Continue));
    submit.set_attribute("type", "submit");
    form.append(&submit);

    let first = inputs.first().map(|i| i.input.clone());
    let inputs = Rc::new(inputs);
    let busy = Rc::new(Cell::new(false));
    app.on(
        &form,
        "submit",
        Box::new(move |app, event| {
            event.prevent_default();
            if busy.get() {
                return;
            }
            let errors: Vec<_> = inputs
                .iter()
                .map(|i| (i.name.clone(), i.problem()))
                .collect();
            if mark(&inputs, &errors) {
                return;
            }
            let mut fields = Vec::new();
            let mut consent = false;
            for i in inputs.iter() {
                match i.name.strip_prefix("fields.") {
                    Some(key) => {
                        let value = i.input.value();
                        if !value.trim().is_empty() {
                            fields.push((key.to_owned(), value));
                        }
                    }
                    None => consent = i.input.checked(),
                }
            }
            busy.set(true);
            submit.set_attribute("aria-busy", "true");
            let (inputs, busy, submit) = (inputs.clone(), busy.clone(), submit.clone());
            app.register(
                fields,
                consent,
                Box::new(move |app, registered| match registered {
                    Ok(()) => app.game(),
                    Err(failure) => {
                        let errors: Vec<_> = failure
                            .fields
                            .into_iter()
                            .map(|(field, message)| (field, Some(message)))
                            .collect();
                        mark(&inputs, &errors);
                        busy.set(false);
                        submit.remove_attribute("aria-busy");
                    }
                }),
            );
        }),
    );
    app.show(&form, first.as_ref());
}

fn input(id: &str, kind: &str) -> Element {
    let input = element("input", "", "");
    input.set_attribute("id", id);
    input.set_attribute("type", kind);
    input.set_attribute("aria-describedby", &concat(&[id, "-e"]));
    input
}

fn error(id: &str) -> Element {
    let error = element("p", "error", "");
    error.set_attribute("id", &concat(&[id, "-e"]));
    error
}

/// Shows each input's message (or clears it), by name; focuses the first
/// bad input. Returns whether any is bad.
fn mark(inputs: &[Input], errors: &[(String, Option<String>)]) -> bool {
    let mut first: Option<&Element> = None;
    for (name, message) in errors {
        let Some(input) = inputs.iter().find(|i| i.name == *name) else {
            continue;
        };
        input.error.set_text(message.as_deref().unwrap_or(""));
        if message.is_some() {
            input.input.set_attribute("aria-invalid", "true");
            first = first.or(Some(&input.input));
        } else {
            input.input.remove_attribute("aria-invalid");
        }
    }
    if let Some(input) = first {
        input.focus();
    }
    first.is_some()
}

/// The browser-side checks; the server checks the same again.
fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !value.contains(' ')
}

fn is_phone(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::{is_email, is_phone};

    #[test]
    fn emails_and_phone_numbers_are_checked_loosely() {
        assert!(is_email("ada@example.com"));
        assert!(!is_email("ada@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("ada @example.com"));
        assert!(is_phone("+44 (20) 7946-0958"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("call 0123456"));
    }
}

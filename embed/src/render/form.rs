//! The registration form, checked in the browser for quick feedback and
//! again by the server, whose per-field errors show inline too.

use std::collections::BTreeMap;

use adact_wire::{FieldKind, RegisterRequest};
use wasm_bindgen::JsCast as _;
use web_sys::{HtmlElement, HtmlInputElement};

use super::{
    app::Ctx,
    widgets::{attrs, element},
};
use crate::Problem;

struct Input {
    key: String,
    kind: FieldKind,
    label: String,
    required: bool,
    input: HtmlInputElement,
    error: HtmlElement,
}

pub fn show(app: &Ctx) -> Result<(), Problem> {
    let d = &app.document;
    let form = element(d, "form", "form", None)?;
    form.set_attribute("novalidate", "")?;
    form.set_attribute("aria-label", "Your details")?;
    let mut inputs = Vec::new();
    for (i, field) in app.view.form.fields.iter().enumerate() {
        let id = format!("adact-f{i}");
        let row = element(d, "div", "field", None)?;
        let label = element(d, "label", "", Some(&field.label))?;
        label.set_attribute("for", &id)?;
        if field.required {
            let mark = element(d, "span", "req", Some(" *"))?;
            mark.set_attribute("aria-hidden", "true")?;
            label.append_child(&mark)?;
        }
        let input: HtmlInputElement = d.create_element("input")?.unchecked_into();
        let (kind, autocomplete) = match field.kind {
            FieldKind::Email => ("email", "email"),
            FieldKind::Phone => ("tel", "tel"),
            FieldKind::Name => ("text", "name"),
            FieldKind::Text => ("text", "off"),
        };
        attrs(
            &input,
            &[
                ("id", &id),
                ("type", kind),
                ("autocomplete", autocomplete),
                ("aria-describedby", &format!("{id}-e")),
            ],
        )?;
        input.set_required(field.required);
        let error = element(d, "p", "error", None)?;
        error.set_id(&format!("{id}-e"));
        row.append_child(&label)?;
        row.append_child(&input)?;
        row.append_child(&error)?;
        form.append_child(&row)?;
        inputs.push(Input {
            key: field.key.clone(),
            kind: field.kind,
            label: field.label.clone(),
            required: field.required,
            input,
            error,
        });
    }
    let consent = match &app.view.form.consent {
        Some(consent) => {
            let row = element(d, "div", "consent", None)?;
            let input: HtmlInputElement = d.create_element("input")?.unchecked_into();
            attrs(
                &input,
                &[
                    ("id", "adact-consent"),
                    ("type", "checkbox"),
                    ("aria-describedby", "adact-consent-e"),
                ],
            )?;
            input.set_required(consent.required);
            let label = element(d, "label", "", Some(&consent.label))?;
            label.set_attribute("for", "adact-consent")?;
            let error = element(d, "p", "error", None)?;
            error.set_id("adact-consent-e");
            row.append_child(&input)?;
            row.append_child(&label)?;
            form.append_child(&row)?;
            form.append_child(&error)?;
            Some((input, error, consent.required))
        }
        None => None,
    };
    let submit = element(d, "button", "play", Some("Continue"))?;
    submit.set_attribute("type", "submit")?;
    form.append_child(&submit)?;

    let first: Option<HtmlElement> = match (inputs.first(), consent.as_ref()) {
        (Some(i), _) => Some(i.input.clone().unchecked_into()),
        (None, Some((c, _, _))) => Some(c.clone().unchecked_into()),
        _ => None,
    };
    let inputs = std::rc::Rc::new(inputs);
    let consent = std::rc::Rc::new(consent);
    let submit_button = submit.clone();
    let busy = std::rc::Rc::new(std::cell::Cell::new(false));
    app.on(form.as_ref(), "submit", move |app, event| {
        event.prevent_default();
        if busy.get() {
            return;
        }
        let mut errors = Vec::new();
        for input in inputs.iter() {
            let value = input.input.value();
            let value = value.trim();
            let message = if value.is_empty() {
                input
                    .required
                    .then(|| format!("{} is required.", input.label))
            } else {
                check(input.kind, value).map(str::to_owned)
            };
            errors.push((format!("fields.{}", input.key), message));
        }
        if let Some((input, _, required)) = consent.as_ref() {
            let missing = *required && !input.checked();
            errors.push((
                "consent".to_owned(),
                missing.then(|| "Please accept to continue.".to_owned()),
            ));
        }
        if mark(&inputs, &consent, &errors) {
            return;
        }
        let request = RegisterRequest {
            token: String::new(),
            fields: inputs
                .iter()
                .map(|i| (i.key.clone(), i.input.value()))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect::<BTreeMap<_, _>>(),
            consent: consent
                .as_ref()
                .as_ref()
                .is_some_and(|(c, _, _)| c.checked()),
        };
        busy.set(true);
        let _ = submit_button.set_attribute("aria-busy", "true");
        let (app, inputs, consent, busy, submit) = (
            app.clone(),
            inputs.clone(),
            consent.clone(),
            busy.clone(),
            submit_button.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            match app.register(request).await {
                Ok(()) => app.game(),
                Err(failure) => {
                    let errors: Vec<_> = failure
                        .fields
                        .into_iter()
                        .map(|(f, m)| (f, Some(m)))
                        .collect();
                    mark(&inputs, &consent, &errors);
                    busy.set(false);
                    let _ = submit.remove_attribute("aria-busy");
                }
            }
        });
    })?;
    app.show(&form, first.as_ref());
    Ok(())
}

/// Shows each field's message (or clears it); focuses the first bad field.
/// Returns whether any field is bad.
fn mark(
    inputs: &[Input],
    consent: &Option<(HtmlInputElement, HtmlElement, bool)>,
    errors: &[(String, Option<String>)],
) -> bool {
    let mut first: Option<HtmlInputElement> = None;
    let mut set = |input: &HtmlInputElement, error: &HtmlElement, message: Option<&String>| {
        error.set_text_content(message.map(String::as_str));
        if message.is_some() {
            let _ = input.set_attribute("aria-invalid", "true");
            if first.is_none() {
                first = Some(input.clone());
            }
        } else {
            let _ = input.remove_attribute("aria-invalid");
        }
    };
    for (field, message) in errors {
        if let Some(input) = inputs
            .iter()
            .find(|i| field.strip_prefix("fields.") == Some(&i.key))
        {
            set(&input.input, &input.error, message.as_ref());
        } else if let (Some((input, error, _)), "consent") = (consent, field.as_str()) {
            set(input, error, message.as_ref());
        }
    }
    match first {
        Some(input) => {
            let _ = input.focus();
            true
        }
        None => false,
    }
}

/// The browser-side check; the server checks the same again.
fn check(kind: FieldKind, value: &str) -> Option<&'static str> {
    match kind {
        FieldKind::Email => {
            let ok = value.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !value.contains(' ');
            (!ok).then_some("Please enter a valid email address.")
        }
        FieldKind::Phone => {
            let digits = value.chars().filter(char::is_ascii_digit).count();
            let ok = (6..=15).contains(&digits)
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c));
            (!ok).then_some("Please enter a valid phone number.")
        }
        FieldKind::Name | FieldKind::Text => None,
    }
}

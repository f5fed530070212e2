//! The end screen: the prize and its code with a copy button, or the
//! "no prize" words.

use adact_wire::PlayResponse;
use js_sys::Reflect;
use wasm_bindgen::{JsCast as _, JsValue};

use super::{
    app::Ctx,
    widgets::{after, button, element},
};
use crate::Problem;

pub fn show(app: &Ctx, result: &PlayResponse) -> Result<(), Problem> {
    let d = &app.document;
    let screen = &app.view.end_screen;
    let end = element(d, "div", "end", None)?;
    let won = result.prize.is_some();
    end.class_list().toggle_with_force("won", won)?;
    let title = element(
        d,
        "h3",
        "end-title",
        Some(if won {
            &screen.win_title
        } else {
            &screen.lose_title
        }),
    )?;
    title.set_attribute("tabindex", "-1")?;
    end.append_child(&title)?;
    if let Some(score) = result.score {
        let total = app.view.questions.len() as u32;
        let line = format!("You answered {score} of {total} correctly.");
        end.append_child(&element(d, "p", "score", Some(&line))?.into())?;
    }
    let mut announcement = title.text_content().unwrap_or_default();
    if let Some(prize) = &result.prize {
        end.append_child(&element(d, "p", "prize", Some(&prize.name))?.into())?;
        if !prize.description.is_empty() {
            end.append_child(&element(d, "p", "prize-text", Some(&prize.description))?.into())?;
        }
        announcement = format!("{announcement} {}.", prize.name);
        if let Some(code) = &result.code {
            let row = element(d, "div", "code-row", None)?;
            let label = element(d, "span", "code-label", Some("Your code"))?;
            let value = element(d, "code", "code", Some(code))?;
            let copy = button(d, "copy", "Copy code")?;
            row.append_child(&label)?;
            row.append_child(&value)?;
            row.append_child(&copy)?;
            end.append_child(&row)?;
            announcement = format!("{announcement} Your code is {code}.");
            let code = code.clone();
            let copy_button = copy.clone();
            app.on(copy.as_ref(), "click", move |app, _| {
                let copied = copy_text(&code);
                copy_button.set_text_content(Some(if copied {
                    "Copied!"
                } else {
                    "Select and copy"
                }));
                app.announce(if copied {
                    "Code copied to the clipboard."
                } else {
                    "Could not copy: select the code and copy it."
                });
                let b = copy_button.clone();
                after(2000, move || b.set_text_content(Some("Copy code")));
            })?;
        }
    }
    let text = if won {
        &screen.win_text
    } else {
        &screen.lose_text
    };
    if !text.is_empty() {
        end.append_child(&element(d, "p", "end-text", Some(text))?.into())?;
    }
    app.show(&end, Some(&title));
    app.announce(&announcement);
    Ok(())
}

/// `navigator.clipboard.writeText`, where the browser allows it.
fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator: JsValue = window.navigator().into();
    let clipboard = Reflect::get(&navigator, &"clipboard".into()).unwrap_or_default();
    let write = Reflect::get(&clipboard, &"writeText".into()).unwrap_or_default();
    match write.dyn_ref::<js_sys::Function>() {
        Some(f) => f
            .call1(&clipboard, &text.into())
            .is_ok_and(|p| p.is_instance_of::<js_sys::Promise>()),
        None => false,
    }
}

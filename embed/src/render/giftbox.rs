//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use std::rc::Rc;

use wasm_bindgen::JsCast as _;
use web_sys::HtmlElement;

use super::{
    app::Ctx,
    widgets::{after, button, element},
};
use crate::Problem;

const BOXES: usize = 3;

pub fn show(app: &Ctx) -> Result<(), Problem> {
    let d = &app.document;
    let stage = element(d, "div", "gift-stage", None)?;
    let hint = element(d, "p", "hint", Some("Pick a box to open it."))?;
    hint.set_id("adact-gift-hint");
    stage.append_child(&hint)?;
    let row = element(d, "div", "gifts", None)?;
    let mut boxes = Vec::new();
    for i in 0..BOXES {
        let b = button(d, "gift", "")?;
        b.set_attribute("aria-label", &format!("Gift box {} of {BOXES}", i + 1))?;
        b.set_attribute("aria-describedby", "adact-gift-hint")?;
        for part in ["lid", "body", "ribbon"] {
            let e = element(d, "span", part, None)?;
            e.set_attribute("aria-hidden", "true")?;
            b.append_child(&e)?;
        }
        let inside = element(d, "span", "inside", None)?;
        inside.set_attribute("aria-hidden", "true")?;
        b.append_child(&inside)?;
        row.append_child(&b)?;
        boxes.push(b);
    }
    stage.append_child(&row)?;
    let boxes: Rc<Vec<HtmlElement>> = Rc::new(boxes);
    for chosen in boxes.iter() {
        let (all, me) = (boxes.clone(), chosen.clone());
        app.on(chosen.as_ref(), "click", move |app, _| {
            if me.has_attribute("aria-disabled") {
                return;
            }
            for b in all.iter() {
                let _ = b.set_attribute("aria-disabled", "true");
            }
            let _ = me.class_list().add_1("chosen");
            app.announce("Opening your box…");
            let (app, me) = (app.clone(), me.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(result) = app.play(Vec::new()).await else {
                    return;
                };
                if let Some(inside) = me.query_selector(".inside").ok().flatten() {
                    let label = result
                        .prize
                        .as_ref()
                        .map_or(app.view.no_prize_label.as_str(), |p| p.name.as_str());
                    inside.set_text_content(Some(label));
                }
                let _ = me.class_list().add_1("open");
                let ms = if app.reduced_motion { 600 } else { 1600 };
                after(ms, move || app.end(&result));
            });
        })?;
    }
    let first = boxes
        .first()
        .map(|b| b.clone().unchecked_into::<HtmlElement>());
    app.show(&stage, first.as_ref());
    Ok(())
}

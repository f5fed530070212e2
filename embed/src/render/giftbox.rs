//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use std::rc::Rc;

use adact_wire::UiText;
use web_sys::HtmlElement;

use super::app::Ctx;
use crate::dom::{ElementExt as _, after, button, decimal, element};

const BOXES: u32 = 3;

pub fn show(app: &Ctx) {
    let stage = element("div", "gift-stage", "");
    let hint = element("p", "hint", app.text(UiText::GiftHint));
    hint.attr("id", "adact-gift-hint");
    stage.add(&hint);
    let row = element("div", "gifts", "");
    let count = decimal(BOXES);
    let boxes: Rc<Vec<(HtmlElement, HtmlElement)>> = Rc::new(
        (1..=BOXES)
            .map(|number| {
                let b = button("gift", "");
                let label = app.fill(
                    UiText::GiftBox,
                    &[("number", &decimal(number)), ("count", &count)],
                );
                b.attr("aria-label", &label);
                b.attr("aria-describedby", "adact-gift-hint");
                let parts = ["lid", "body", "ribbon", "inside"].map(|part| {
                    let e = element("span", part, "");
                    e.attr("aria-hidden", "true");
                    b.add(&e);
                    e
                });
                row.add(&b);
                let [.., inside] = parts;
                (b, inside)
            })
            .collect(),
    );
    stage.add(&row);
    for (me, inside) in boxes.iter() {
        let (all, me, inside) = (boxes.clone(), me.clone(), inside.clone());
        app.on(
            &me.clone(),
            "click",
            Box::new(move |app, _| {
                if me.has_attribute("aria-disabled") {
                    return;
                }
                for (b, _) in all.iter() {
                    b.attr("aria-disabled", "true");
                }
                me.attr("class", "gift chosen");
                app.announce(app.text(UiText::GiftOpening));
                let (me, inside) = (me.clone(), inside.clone());
                app.play(
                    &[],
                    Box::new(move |app, result| {
                        inside.set_text_content(Some(app.outcome_label(&result)));
                        me.attr("class", "gift chosen open");
                        let ms = if app.reduced_motion { 600 } else { 1600 };
                        let app = app.clone();
                        after(ms, Box::new(move || app.end(&result)));
                    }),
                );
            }),
        );
    }
    app.show(&stage, boxes.first().map(|(b, _)| b));
}

//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use alloc::{boxed::Box, rc::Rc, vec::Vec};

use adact_wire::UiText;

use super::app::Ctx;
use crate::dom::{Element, after, button, decimal, element};

const BOXES: u32 = 3;

pub fn show(app: &Ctx) {
    let stage = element("div", "gift-stage", "");
    let hint = element("p", "hint", app.text(UiText::GiftHint));
    hint.set_attribute("id", "adact-gift-hint");
    stage.append(&hint);
    let row = element("div", "gifts", "");
    let count = decimal(BOXES);
    let boxes: Rc<Vec<(Element, Element)>> = Rc::new(
        (1..=BOXES)
            .map(|number| {
                let b = button("gift", "");
                let label = app.fill(
                    UiText::GiftBox,
                    &[("number", &decimal(number)), ("count", &count)],
                );
                b.set_attribute("aria-label", &label);
                b.set_attribute("aria-describedby", "adact-gift-hint");
                let parts = ["lid", "body", "ribbon", "inside"].map(|part| {
                    let e = element("span", part, "");
                    e.set_attribute("aria-hidden", "true");
                    b.append(&e);
                    e
                });
                row.append(&b);
                let [.., inside] = parts;
                (b, inside)
            })
            .collect(),
    );
    stage.append(&row);
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
                    b.set_attribute("aria-disabled", "true");
                }
                me.set_attribute("class", "gift chosen");
                app.announce(app.text(UiText::GiftOpening));
                let (me, inside) = (me.clone(), inside.clone());
                app.play(
                    &[],
                    Box::new(move |app, result| {
                        inside.set_text(app.outcome_label(&result));
                        me.set_attribute("class", "gift chosen open");
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

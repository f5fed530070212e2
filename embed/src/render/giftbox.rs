//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use std::{cell::Cell, rc::Rc};

use adact_wire::UiText;
use web_sys::HtmlElement;

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, after, button, concat, decimal, element};

/// The gift boxes' styles, added to the card's when the campaign uses them:
/// boxes with depth, ribbons both ways and a bow; the one picked shakes,
/// its lid flies off and the prize's tag rises out of it. Their size
/// follows the room the card has (a container query), not the screen's.
pub const CSS: &str = include_str!("giftbox.css");

const BOXES: u32 = 3;

/// Three closed boxes; once `start` has run, the one the visitor picks
/// opens on the outcome the server drew.
pub fn draw(app: &Ctx) -> Game {
    let stage = element("div", "gift-stage", "");
    let hint = element("p", "hint", app.text(UiText::GiftHint));
    hint.attr("id", "adact-gift-hint");
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
                let parts = ["shadow", "body", "lid", "inside"].map(|part| {
                    let e = element("span", part, "");
                    e.attr("aria-hidden", "true");
                    b.add(&e);
                    e
                });
                let [_, _, lid, inside] = parts;
                lid.add(&element("span", "knot", ""));
                row.add(&b);
                (b, inside)
            })
            .collect(),
    );
    stage.add(&row);
    stage.add(&hint);
    // Whether the visitor may pick: from `start` on.
    let live = Rc::new(Cell::new(false));
    for (me, inside) in boxes.iter() {
        let (all, me, inside) = (boxes.clone(), me.clone(), inside.clone());
        let (row, live) = (row.clone(), live.clone());
        app.on(
            &me.clone(),
            "click",
            Box::new(move |app, _| {
                if !live.get() || me.has_attribute("aria-disabled") {
                    return;
                }
                for (b, _) in all.iter() {
                    b.attr("aria-disabled", "true");
                }
                me.attr("class", "gift chosen");
                row.attr("class", "gifts picked");
                app.announce(app.text(UiText::GiftOpening));
                let (me, inside) = (me.clone(), inside.clone());
                app.play(
                    &[],
                    Box::new(move |app, result| {
                        let outcome = app.outcome_label(&result);
                        inside.set_text_content(Some(outcome));
                        // The open box stays in view under the end panel:
                        // its name carries what it shows.
                        let label = me.get_attribute("aria-label").unwrap_or_default();
                        me.attr("aria-label", &concat(&[&label, ": ", outcome]));
                        let lost = if result.prize.is_none() { " lost" } else { "" };
                        me.attr("class", &concat(&["gift chosen open", lost]));
                        let ms = if app.reduced_motion { 600 } else { 1600 };
                        let app = app.clone();
                        after(ms, Box::new(move || app.end(&result)));
                    }),
                );
            }),
        );
    }
    let start = Box::new(move |_: &Ctx| {
        live.set(true);
        if let Some((first, _)) = boxes.first() {
            dom::focus(first);
        }
    });
    Game {
        element: stage,
        start,
    }
}

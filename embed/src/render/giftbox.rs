//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use std::{cell::Cell, rc::Rc};

use adact_wire::UiText;
use web_sys::HtmlElement;

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, after, button, concat, decimal, element};

/// The gift boxes's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
.gifts { display: flex; gap: 20px; justify-content: center; flex-wrap: wrap; padding: 40px 0 28px; }
.gift { position: relative; appearance: none; border: 0; background: none; padding: 0; width: 96px; height: 96px; cursor: pointer; font: inherit; color: inherit; }
.gift .body { position: absolute; left: 8px; right: 8px; bottom: 0; height: 62px; border-radius: 6px; background: var(--adact-primary); }
.gift .lid { position: absolute; left: 0; right: 0; top: 14px; height: 22px; border-radius: 6px; z-index: 2;
  background: color-mix(in srgb, var(--adact-primary) 80%, #000); transition: transform .7s cubic-bezier(.3,1.6,.5,1); }
.gift .ribbon { position: absolute; left: 50%; top: 14px; bottom: 0; width: 14px; transform: translateX(-50%); background: #fbbf24; z-index: 3; }
.gift:hover:not([aria-disabled]) { transform: translateY(-3px); }
.gift[aria-disabled]:not(.chosen) { opacity: .45; cursor: default; }
.gift.open .lid { transform: translateY(-34px) rotate(-14deg); }
.gift.open .ribbon { opacity: 0; }
.gift .inside { position: absolute; left: -24px; right: -24px; top: 104px; font-weight: 700; font-size: 14px; opacity: 0; transition: opacity .5s .4s; color: var(--adact-primary); }
.gift.open .inside { opacity: 1; }
@media (max-width: 400px) { .gift { width: 80px; height: 84px; } }
"#;

const BOXES: u32 = 3;

/// Three closed boxes; once `start` has run, the one the visitor picks
/// opens on the outcome the server drew.
pub fn draw(app: &Ctx) -> Game {
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
    // Whether the visitor may pick: from `start` on.
    let live = Rc::new(Cell::new(false));
    for (me, inside) in boxes.iter() {
        let (all, me, inside, live) = (boxes.clone(), me.clone(), inside.clone(), live.clone());
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
                        me.attr("class", "gift chosen open");
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

//! The gift box: pick one of three boxes; the chosen one opens on the
//! outcome the server drew.

use adact_wire::UiText;

use crate::{
    dom::{self, ElementExt as _, button, concat, decimal, element},
    render::game::{self, Ctx, Game},
};

/// The gift boxes' styles, added to the card's when the campaign uses them:
/// boxes with depth, ribbons both ways and a bow; the one picked shakes,
/// its lid flies off and the prize's tag rises out of it. Their size
/// follows the room the card has (a container query), not the screen's.
pub const CSS: &str = include_str!("giftbox.css");

const BOXES: u32 = 3;

/// Three closed boxes; once the game has started, the one the visitor
/// picks opens on the outcome the server drew.
pub fn draw(app: &Ctx) -> Game {
    let stage = element("div", "gift-stage", "");
    let hint = element("p", "hint", app.text(UiText::GiftHint));
    hint.attr("id", "adact-gift-hint");
    let row = element("div", "gifts", "");
    let count = decimal(BOXES);
    let mut boxes = Vec::new();
    let mut insides = Vec::new();
    for number in 1..=BOXES {
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
        boxes.push(b);
        insides.push(inside);
    }
    stage.add(&row);
    stage.add(&hint);
    let app = app.clone();
    let play = Box::pin(async move {
        if let Some(first) = boxes.first() {
            dom::focus(first);
        }
        let pick = game::chosen(&*app, &boxes).await;
        // `chosen` names one of the boxes: this is never empty.
        let (Some(me), Some(inside)) = (boxes.get(pick), insides.get(pick)) else {
            return std::future::pending().await;
        };
        for b in &boxes {
            b.attr("aria-disabled", "true");
        }
        me.attr("class", "gift chosen");
        row.attr("class", "gifts picked");
        app.announce(app.text(UiText::GiftOpening));
        let result = app.play(Vec::new()).await;
        let outcome = app.outcome_label(&result);
        inside.set_text_content(Some(outcome));
        // The open box stays in view under the end panel: its name carries
        // what it shows.
        let label = me.get_attribute("aria-label").unwrap_or_default();
        me.attr("aria-label", &concat(&[&label, ": ", outcome]));
        let lost = if result.prize.is_none() { " lost" } else { "" };
        me.attr("class", &concat(&["gift chosen open", lost]));
        let _ = dom::sleep(if app.reduced_motion() { 600 } else { 1600 }).await;
        result
    });
    Game {
        element: stage,
        play,
    }
}

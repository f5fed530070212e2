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
pub const CSS: &str = r#"
.gift-stage { width: 100%; display: flex; flex-direction: column; align-items: center; container-type: inline-size; }
.gifts { display: flex; gap: 26px; justify-content: center; padding: 84px 0 22px; }
.gift { --box: var(--adact-primary); --ribbon: color-mix(in srgb, #fff 80%, var(--adact-primary)); position: relative; width: 104px; height: 108px;
  appearance: none; border: 0; background: none; padding: 0; cursor: pointer; font: inherit; color: var(--adact-text);
  animation: adact-idle 4s ease-in-out infinite; transition: transform .25s ease, opacity .4s ease, filter .4s ease; }
.gift:nth-child(2) { animation-delay: .5s; } .gift:nth-child(3) { animation-delay: 1s; }
.gift:hover:not([aria-disabled]) { animation: none; transform: translateY(-6px) rotate(-2deg); }
.gift span { position: absolute; display: block; }
.gift .shadow { left: 4px; right: 4px; bottom: -9px; height: 14px; border-radius: 50%; background: radial-gradient(closest-side, rgba(0,0,0,.28), transparent); }
.gift .body { left: 9px; right: 9px; bottom: 0; height: 66px; z-index: 2; border-radius: 3px 3px 9px 9px;
  background: linear-gradient(90deg, transparent 42%, var(--ribbon) 42% 58%, transparent 58%),
    linear-gradient(90deg, color-mix(in srgb, var(--box) 75%, #fff), var(--box) 35%, color-mix(in srgb, var(--box) 65%, #000));
  box-shadow: inset 0 10px 8px -6px rgba(0,0,0,.35), inset 0 -3px 0 rgba(0,0,0,.12); }
.gift .lid { left: 2px; right: 2px; top: 20px; height: 26px; z-index: 3; border-radius: 6px;
  background: linear-gradient(90deg, transparent 41%, var(--ribbon) 41% 59%, transparent 59%),
    linear-gradient(180deg, color-mix(in srgb, var(--box) 72%, #fff), var(--box) 60%, color-mix(in srgb, var(--box) 75%, #000));
  box-shadow: 0 4px 5px rgba(0,0,0,.22); transition: transform .9s cubic-bezier(.2,.9,.3,1.1), opacity .4s .6s; }
.gift .lid::before, .gift .lid::after { content: ""; position: absolute; bottom: 100%; width: 34px; height: 24px; margin-bottom: -3px;
  border: 7px solid var(--ribbon); border-radius: 60% 60% 45% 45%; box-shadow: 0 2px 2px rgba(0,0,0,.12); }
.gift .lid::before { right: 50%; transform: rotate(-24deg); transform-origin: 100% 100%; }
.gift .lid::after { left: 50%; transform: rotate(24deg); transform-origin: 0 100%; }
.gift .knot { left: 50%; top: -9px; width: 16px; height: 14px; margin-left: -8px; border-radius: 6px; background: var(--ribbon); z-index: 1;
  box-shadow: inset 0 -3px 0 rgba(0,0,0,.12); }
.gift .inside { left: 50%; bottom: 24px; z-index: 1; width: 132px; padding: 10px 10px 10px 24px; border-radius: 8px; opacity: 0;
  transform: translate(-50%, 0) scale(.5); background: var(--adact-background); color: var(--adact-text); font-weight: 750; font-size: 15px; line-height: 1.25;
  box-shadow: 0 6px 16px rgba(0,0,0,.22), inset 0 0 0 2px var(--adact-primary); overflow-wrap: anywhere; }
.gift .inside::before { content: ""; position: absolute; left: 9px; top: 50%; width: 8px; height: 8px; margin-top: -4px; border-radius: 50%;
  box-shadow: inset 0 0 0 2px var(--adact-primary); }
.gift:first-child .inside { left: 0; transform: translate(0, 0) scale(.5); }
.gift:last-child .inside { left: auto; right: 0; transform: translate(0, 0) scale(.5); }
.gift.chosen:not(.open) { animation: adact-shake .6s ease-in-out infinite; }
.gift.open { animation: none; }
.gift.open .lid { transform: translate(-26px, -92px) rotate(-34deg); opacity: 0; }
.gift.open .inside { opacity: 1; transform: translate(-50%, -80px); transition: transform .8s .3s cubic-bezier(.2,1.2,.4,1), opacity .3s .3s; }
.gift.open:first-child .inside, .gift.open:last-child .inside { transform: translate(0, -80px); }
.gift.lost .inside { padding-left: 10px; box-shadow: 0 6px 16px rgba(0,0,0,.22), inset 0 0 0 2px var(--line); font-weight: 600; }
.gift.lost .inside::before { display: none; }
.game[inert] .gift { animation: none; cursor: default; }
.gifts.picked .gift:not(.chosen) { opacity: .35; filter: grayscale(.7); transform: scale(.9); animation: none; cursor: default; }
.gift[aria-disabled] { cursor: default; }
@keyframes adact-idle { 0%, 78%, 100% { transform: none; } 82% { transform: rotate(-5deg); } 86% { transform: rotate(5deg); } 90% { transform: rotate(-3deg); } 94% { transform: rotate(2deg); } }
@keyframes adact-shake { 25% { transform: rotate(-7deg) translateY(-2px); } 75% { transform: rotate(7deg) translateY(-2px); } }
@container (max-width: 379px) { .gifts { gap: 12px; padding-top: 90px; } .gift { width: 88px; height: 96px; } .gift .body { height: 58px; } .gift .lid { top: 16px; height: 24px; } .gift .inside { width: 118px; font-size: 14px; } }
@container (min-width: 460px) { .gifts { zoom: 1.25; } }
.card[data-step=end] .gift-stage .hint { visibility: hidden; }
@media (prefers-reduced-motion: reduce) { .gift, .gift.chosen:not(.open) { animation: none !important; } }
"#;

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

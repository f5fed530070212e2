//! The scratch card: a coating the player scratches off with a finger or
//! the mouse, or reveals with a button, from the moment they play; the
//! outcome goes under it as soon as the server has drawn it, and the card
//! ends once both are done.

use std::{cell::Cell, f64::consts::FRAC_PI_2, rc::Rc};

use adact_wire::{PlayResponse, UiText};
use js_sys::{Array, Math};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d as Canvas, Element, HtmlCanvasElement, HtmlElement, PointerEvent,
};

use crate::{
    dom::{self, ElementExt as _, button, element, svg},
    render::game::{Ctx, Game, on_click_once},
};

/// The scratch card's styles, added to the card's when the campaign uses them.
pub const CSS: &str = include_str!("scratch.css");

/// The canvas's own size; CSS scales it to the card.
const W: f64 = 600.0;
const H: f64 = 300.0;
/// How wide a scratch is.
const LINE: f64 = 70.0;
/// The share of the coating scratched off (in percent) at which the card
/// reveals itself, and at which the reveal button shows before its time.
const ENOUGH: usize = 55;
const STARTED: usize = 12;
/// A five-pointed star, on the prize under the coating.
const STAR: &str =
    "M20 2l5.3 11.6 12.7 1.3-9.5 8.5 2.7 12.5L20 29.5 8.8 35.9l2.7-12.5L2 14.9l12.7-1.3z";

/// The coated card, its hint and its (hidden) reveal button, still;
/// played, it lets the visitor scratch and asks for the outcome to put
/// under the coating.
pub fn draw(app: &Ctx) -> Game {
    let stage = element("div", "scratch-stage", "");
    stage.add(&element("p", "hint", app.text(UiText::ScratchHint)));
    let ticket = element("div", "ticket", "");
    let card = element("div", "scratch", "");
    let under = element("div", "under", "");
    under.attr("aria-hidden", "true");
    let star = svg("svg", &[("viewBox", "0 0 40 40"), ("aria-hidden", "true")]);
    star.add(&svg("path", &[("d", STAR)]));
    under.add(&star);
    card.add(&under);
    ticket.add(&card);
    stage.add(&ticket);
    let canvas: HtmlCanvasElement = element("canvas", "", "").unchecked_into();
    canvas.attr("width", "600");
    canvas.attr("height", "300");
    canvas.attr("aria-hidden", "true");
    // A browser that will not draw still has the button.
    let ctx = canvas.get_context("2d").ok().flatten();
    let ctx = ctx.map(|ctx| ctx.unchecked_into::<Canvas>());
    if let Some(ctx) = &ctx {
        coat(app, ctx);
        card.add(&canvas);
    }
    let button = button("reveal", app.text(UiText::ScratchReveal));
    button.attr("disabled", "");
    stage.add(&button);
    let element = stage.clone();
    let app = app.clone();
    let play = Box::pin(async move { live(&app, &stage, under, canvas, ctx, button).await });
    Game { element, play }
}

/// Scratching and the button take the coating off; the outcome goes under
/// it when the server answers. The card ends when both are done, in either
/// order.
async fn live(
    app: &Ctx,
    stage: &Element,
    under: HtmlElement,
    canvas: HtmlCanvasElement,
    ctx: Option<Canvas>,
    button: HtmlElement,
) -> PlayResponse {
    let (revealed, done) = dom::promise();
    let taken = Rc::new(Cell::new(false));
    let reveal: Rc<dyn Fn()> = {
        let (taken, canvas, under) = (taken.clone(), canvas.clone(), under.clone());
        Rc::new(move || {
            if taken.replace(true) {
                return;
            }
            canvas.attr("class", "gone");
            under.remove_attr("aria-hidden");
            let _ = done.call0(&JsValue::NULL);
        })
    };
    if let Some(ctx) = ctx {
        scratching(app, stage, &canvas, ctx, taken, reveal.clone(), &button);
    }
    on_click_once(&**app, &button, Box::new(move || reveal()));
    // Shown after a few seconds, or as soon as the visitor has scratched a
    // little, or at once to the keyboard.
    button.attr("class", "reveal live");
    button.remove_attr("disabled");
    dom::focus(&button);
    let result = app.play(Vec::new()).await;
    if result.prize.is_none() {
        under.attr("class", "under lost");
    }
    under.add(&element("strong", "", app.outcome_label(&result)));
    let _ = JsFuture::from(revealed).await;
    let _ = dom::sleep(if app.reduced_motion() { 300 } else { 900 }).await;
    result
}

/// The foil: brushed silver tinted with the brand's colour, grain and
/// sparkles, and the invitation in a dashed frame. Drawn once.
fn coat(app: &Ctx, ctx: &Canvas) {
    let gradient = ctx.create_linear_gradient(0.0, 0.0, W, H);
    for (offset, colour) in [
        (0.0, "#b9bdc6"),
        (0.3, "#eef0f3"),
        (0.55, "#aeb3bd"),
        (0.8, "#e7e9ee"),
        (1.0, "#b4b8c1"),
    ] {
        let _ = gradient.add_color_stop(offset, colour);
    }
    ctx.set_fill_style_canvas_gradient(&gradient);
    ctx.fill_rect(0.0, 0.0, W, H);
    ctx.set_global_alpha(0.16);
    ctx.set_fill_style_str(&app.view().theme.primary);
    ctx.fill_rect(0.0, 0.0, W, H);
    // Grain, light and dark, then a few sparkles.
    for (alpha, colour, size) in [(0.35, "#fff", 2.0), (0.12, "#000", 2.0), (0.8, "#fff", 3.0)] {
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(colour);
        let count = if size > 2.0 { 40 } else { 900 };
        for _ in 0..count {
            let (x, y) = (Math::random() * W, Math::random() * H);
            ctx.fill_rect(x, y, size, size);
            if size > 2.0 {
                ctx.fill_rect(x - 4.0, y + 1.0, 11.0, 1.0);
                ctx.fill_rect(x + 1.0, y - 4.0, 1.0, 11.0);
            }
        }
    }
    ctx.set_global_alpha(1.0);
    // The invitation, embossed, in a dashed pill.
    ctx.begin_path();
    let (down, up) = (FRAC_PI_2, 3.0 * FRAC_PI_2);
    let _ = ctx.arc(190.0, H / 2.0, 44.0, down, up);
    let _ = ctx.arc(410.0, H / 2.0, 44.0, up, down);
    ctx.close_path();
    ctx.set_line_width(3.0);
    ctx.set_stroke_style_str("rgba(55,65,81,.45)");
    let _ = ctx.set_line_dash(&Array::of2(&10.into(), &8.into()));
    ctx.stroke();
    let _ = ctx.set_line_dash(&Array::new());
    ctx.set_font("700 36px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let text = app.text(UiText::ScratchCoating);
    ctx.set_fill_style_str("rgba(255,255,255,.8)");
    let _ = ctx.fill_text_with_max_width(text, W / 2.0, H / 2.0 + 2.0, 250.0);
    ctx.set_fill_style_str("#374151");
    let _ = ctx.fill_text_with_max_width(text, W / 2.0, H / 2.0, 250.0);
    // From now on strokes erase the coating, wholly.
    let _ = ctx.set_global_composite_operation("destination-out");
    ctx.set_stroke_style_str("#000");
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_line_width(LINE);
}

/// Strokes follow the pointer while it is down; once enough is scratched
/// off, the card reveals itself. Until the pointer is up, a swipe that
/// goes on after the reveal neither scrolls nor navigates the page.
fn scratching(
    app: &Ctx,
    stage: &Element,
    canvas: &Element,
    ctx: Canvas,
    revealed: Rc<Cell<bool>>,
    reveal: Rc<dyn Fn()>,
    button: &Element,
) {
    // Where the pointer was, while it is down.
    let last = Rc::new(Cell::new(None::<(f64, f64)>));
    let mut scratched = Coverage::default();
    {
        let (last, canvas, stage) = (last.clone(), canvas.clone(), stage.clone());
        app.on(
            &canvas.clone(),
            "pointerdown",
            Box::new(move |event| {
                let event: &PointerEvent = event.unchecked_ref();
                let _ = canvas.set_pointer_capture(event.pointer_id());
                stage.attr("class", "scratch-stage held");
                last.set(Some(at(&canvas, event)));
            }),
        );
    }
    for kind in ["pointerup", "pointercancel"] {
        let (last, me) = (last.clone(), stage.clone());
        app.on(
            stage,
            kind,
            Box::new(move |_| {
                last.set(None);
                me.attr("class", "scratch-stage");
            }),
        );
    }
    {
        let last = last.clone();
        app.on(
            stage,
            "touchmove",
            Box::new(move |event| {
                if last.get().is_some() {
                    event.prevent_default();
                }
            }),
        );
    }
    let (target, button) = (canvas.clone(), button.clone());
    app.on(
        canvas,
        "pointermove",
        Box::new(move |event| {
            let Some(from) = last.get() else { return };
            event.prevent_default();
            if revealed.get() {
                return;
            }
            let to = at(&target, event.unchecked_ref());
            last.set(Some(to));
            ctx.begin_path();
            ctx.move_to(from.0, from.1);
            ctx.line_to(to.0, to.1);
            ctx.stroke();
            scratched.stroke(from, to);
            let percent = scratched.percent();
            if percent >= STARTED {
                button.attr("class", "reveal live now");
            }
            if percent >= ENOUGH {
                reveal();
            }
        }),
    );
}

/// Where the pointer is on the canvas, from where it is on the element as
/// CSS sized it.
fn at(canvas: &Element, event: &PointerEvent) -> (f64, f64) {
    (
        f64::from(event.offset_x()) * W / f64::from(canvas.client_width().max(1)),
        f64::from(event.offset_y()) * H / f64::from(canvas.client_height().max(1)),
    )
}

/// How much of the coating is gone, on a grid of 20-pixel cells: a cell is
/// scratched once a stroke has passed over its centre. Counting strokes
/// rather than reading pixels back keeps each move cheap.
struct Coverage([bool; COLUMNS * ROWS]);

const CELL: f64 = 20.0;
const COLUMNS: usize = (W / CELL) as usize;
const ROWS: usize = (H / CELL) as usize;

impl Default for Coverage {
    fn default() -> Self {
        Self([false; COLUMNS * ROWS])
    }
}

impl Coverage {
    /// Marks the cells a round-capped stroke from `a` to `b` covers.
    fn stroke(&mut self, a: (f64, f64), b: (f64, f64)) {
        let reach = LINE / 2.0;
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length2 = dx * dx + dy * dy;
        for (i, scratched) in self.0.iter_mut().enumerate() {
            let cx = ((i % COLUMNS) as f64 + 0.5) * CELL;
            let cy = ((i / COLUMNS) as f64 + 0.5) * CELL;
            // The nearest point of the stroke to the cell's centre.
            let t = if length2 > 0.0 {
                (((cx - a.0) * dx + (cy - a.1) * dy) / length2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (px, py) = (a.0 + t * dx - cx, a.1 + t * dy - cy);
            *scratched |= px * px + py * py <= reach * reach;
        }
    }

    fn percent(&self) -> usize {
        self.0.iter().filter(|&&s| s).count() * 100 / self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_scratch_the_cells_they_pass_over() {
        let mut coverage = Coverage::default();
        assert_eq!(coverage.percent(), 0);
        // One line across the middle: 70 px of 300 clears 3 or 4 rows of 15.
        coverage.stroke((0.0, 150.0), (600.0, 150.0));
        let after_one = coverage.percent();
        assert!((20..=27).contains(&after_one), "{after_one}");
        // A dot covers only the cells around it.
        let mut dot = Coverage::default();
        dot.stroke((300.0, 150.0), (300.0, 150.0));
        assert!(dot.percent() <= 3);
        // Three more lines leave little: the card reveals itself.
        for y in [40.0, 95.0, 260.0] {
            coverage.stroke((0.0, y), (600.0, y));
        }
        assert!(coverage.percent() >= ENOUGH, "{}", coverage.percent());
    }
}

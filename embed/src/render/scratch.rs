//! The scratch card: the outcome is drawn first, then hidden under a
//! coating the player scratches off with a finger or the mouse, or reveals
//! with a button.

use std::{cell::Cell, rc::Rc};

use adact_wire::{PlayResponse, UiText};
use wasm_bindgen::JsCast as _;
use web_sys::{
    CanvasRenderingContext2d as Canvas, Element, HtmlCanvasElement, HtmlElement, PointerEvent,
};

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, after, button, element};

/// The scratch card's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
.scratch { position: relative; width: min(100%, 360px); aspect-ratio: 2; border-radius: 16px; overflow: hidden;
  background: var(--soft); box-shadow: inset 0 0 0 2px var(--line); }
.scratch .under { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; padding: 16px;
  font-size: 26px; color: var(--adact-primary); }
.scratch canvas { position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; cursor: grab; transition: opacity .6s ease; }
.scratch canvas.gone { opacity: 0; pointer-events: none; }
"#;

/// The canvas's own size; CSS scales it to the card.
const W: f64 = 600.0;
const H: f64 = 300.0;
/// How wide a scratch is.
const LINE: f64 = 70.0;
/// The share of the coating scratched off (in percent) at which the card
/// reveals itself.
const ENOUGH: usize = 45;

/// The coated card, its hint and its reveal button, still; `start` draws
/// the outcome under the coating and lets the visitor scratch.
pub fn draw(app: &Ctx) -> Game {
    let stage = element("div", "scratch-stage", "");
    stage.add(&element("p", "hint", app.text(UiText::ScratchHint)));
    let card = element("div", "scratch", "");
    let under = element("div", "under", "");
    under.attr("aria-hidden", "true");
    card.add(&under);
    stage.add(&card);
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
    let button = button("play secondary", app.text(UiText::ScratchReveal));
    button.attr("disabled", "");
    stage.add(&button);
    let start = Box::new(move |app: &Ctx| {
        app.play(
            &[],
            Box::new(move |app, result| live(app, result, under, canvas, ctx, button)),
        );
    });
    Game {
        element: stage,
        start,
    }
}

/// The outcome under the coating; scratching and the button reveal it.
fn live(
    app: &Ctx,
    result: PlayResponse,
    under: HtmlElement,
    canvas: HtmlCanvasElement,
    ctx: Option<Canvas>,
    button: HtmlElement,
) {
    under.add(&element("strong", "", app.outcome_label(&result)));
    let revealed = Rc::new(Cell::new(false));
    let reveal: Rc<dyn Fn(&Ctx)> = {
        let (revealed, canvas, under) = (revealed.clone(), canvas.clone(), under.clone());
        let result = Rc::new(result);
        Rc::new(move |app: &Ctx| {
            if revealed.replace(true) {
                return;
            }
            canvas.attr("class", "gone");
            under.remove_attr("aria-hidden");
            let (app, result) = (app.clone(), result.clone());
            let ms = if app.reduced_motion { 300 } else { 900 };
            after(ms, Box::new(move || app.end(&result)));
        })
    };
    if let Some(ctx) = ctx {
        scratching(app, &canvas, ctx, revealed, reveal.clone());
    }
    let me = button.clone();
    app.on(
        &button,
        "click",
        Box::new(move |app, _| {
            if !me.has_attribute("disabled") {
                me.attr("disabled", "");
                reveal(app);
            }
        }),
    );
    button.remove_attr("disabled");
    dom::focus(&button);
}

/// The silver coating with its invitation.
fn coat(app: &Ctx, ctx: &Canvas) {
    let gradient = ctx.create_linear_gradient(0.0, 0.0, W, H);
    for (offset, colour) in [(0.0, "#c9ccd3"), (0.5, "#eef0f3"), (1.0, "#b4b8c1")] {
        let _ = gradient.add_color_stop(offset, colour);
    }
    ctx.set_fill_style_canvas_gradient(&gradient);
    ctx.fill_rect(0.0, 0.0, W, H);
    ctx.set_fill_style_str("#4b5563");
    ctx.set_font("600 40px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(app.text(UiText::ScratchCoating), W / 2.0, H / 2.0);
    // From now on strokes erase the coating.
    let _ = ctx.set_global_composite_operation("destination-out");
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_line_width(LINE);
}

/// Strokes follow the pointer while it is down; once enough is scratched
/// off, the card reveals itself.
fn scratching(
    app: &Ctx,
    canvas: &Element,
    ctx: Canvas,
    revealed: Rc<Cell<bool>>,
    reveal: Rc<dyn Fn(&Ctx)>,
) {
    // Where the pointer was, while it is down.
    let last = Rc::new(Cell::new(None::<(f64, f64)>));
    let mut scratched = Coverage::default();
    {
        let (last, canvas) = (last.clone(), canvas.clone());
        app.on(
            &canvas.clone(),
            "pointerdown",
            Box::new(move |_, event| {
                let event: &PointerEvent = event.unchecked_ref();
                let _ = canvas.set_pointer_capture(event.pointer_id());
                last.set(Some(at(&canvas, event)));
            }),
        );
    }
    for kind in ["pointerup", "pointercancel"] {
        let last = last.clone();
        app.on(canvas, kind, Box::new(move |_, _| last.set(None)));
    }
    let target = canvas.clone();
    app.on(
        canvas,
        "pointermove",
        Box::new(move |app, event| {
            let Some(from) = last.get() else { return };
            if revealed.get() {
                return;
            }
            event.prevent_default();
            let to = at(&target, event.unchecked_ref());
            last.set(Some(to));
            ctx.begin_path();
            ctx.move_to(from.0, from.1);
            ctx.line_to(to.0, to.1);
            ctx.stroke();
            scratched.stroke(from, to);
            if scratched.percent() >= ENOUGH {
                reveal(app);
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

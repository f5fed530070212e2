//! The scratch card: the outcome is drawn first, then hidden under a
//! coating the player scratches off with a finger or the mouse, or reveals
//! with a button.

use alloc::{boxed::Box, rc::Rc};
use core::cell::Cell;

use adact_wire::{PlayResponse, UiText};
use wasm_bindgen::JsValue;

use super::app::{Ctx, action_button};
use crate::dom::{Canvas, Element, after, element, set};

/// The canvas's own size; CSS scales it to the card.
const W: f64 = 600.0;
const H: f64 = 300.0;
/// How wide a scratch is.
const LINE: f64 = 70.0;
/// The share of the coating scratched off (in percent) at which the card
/// reveals itself.
const ENOUGH: usize = 45;

pub fn show(app: &Ctx) {
    app.show(
        &element("p", "hint", app.text(UiText::ScratchPreparing)),
        None,
    );
    app.play(&[], Box::new(card));
}

fn card(app: &Ctx, result: PlayResponse) {
    let stage = element("div", "scratch-stage", "");
    stage.append(&element("p", "hint", app.text(UiText::ScratchHint)));
    let card = element("div", "scratch", "");
    let under = element("div", "under", "");
    under.set_attribute("aria-hidden", "true");
    under.append(&element("strong", "", app.outcome_label(&result)));
    card.append(&under);
    stage.append(&card);

    let revealed = Rc::new(Cell::new(false));
    let canvas = element("canvas", "", "");
    canvas.set_attribute("width", "600");
    canvas.set_attribute("height", "300");
    canvas.set_attribute("aria-hidden", "true");
    let reveal: Rc<dyn Fn(&Ctx)> = {
        let (revealed, canvas, under) = (revealed.clone(), canvas.clone(), under.clone());
        let result = Rc::new(result);
        Rc::new(move |app: &Ctx| {
            if revealed.replace(true) {
                return;
            }
            canvas.set_attribute("class", "gone");
            under.remove_attribute("aria-hidden");
            let (app, result) = (app.clone(), result.clone());
            let ms = if app.reduced_motion { 300 } else { 900 };
            after(ms, Box::new(move || app.end(&result)));
        })
    };
    // A browser that will not draw still has the button.
    if let Some(ctx) = canvas.context_2d("2d") {
        coat(app, &ctx);
        card.append(&canvas);
        scratching(app, &canvas, ctx, revealed, reveal.clone());
    }
    let button = action_button(
        app,
        "play secondary",
        app.text(UiText::ScratchReveal),
        Box::new(move |app| reveal(app)),
    );
    stage.append(&button);
    app.show(&stage, Some(&button));
}

/// The silver coating with its invitation.
fn coat(app: &Ctx, ctx: &Canvas) {
    let gradient = ctx.linear_gradient(0.0, 0.0, W, H);
    gradient.add_color_stop(0.0, "#c9ccd3");
    gradient.add_color_stop(0.5, "#eef0f3");
    gradient.add_color_stop(1.0, "#b4b8c1");
    set(ctx, "fillStyle", &gradient);
    ctx.fill_rect(0.0, 0.0, W, H);
    for (property, value) in [
        ("fillStyle", "#4b5563"),
        ("font", "600 40px system-ui, sans-serif"),
        ("textAlign", "center"),
        ("textBaseline", "middle"),
    ] {
        set(ctx, property, &value.into());
    }
    ctx.fill_text(app.text(UiText::ScratchCoating), W / 2.0, H / 2.0);
    // From now on strokes erase the coating.
    for (property, value) in [
        ("globalCompositeOperation", "destination-out"),
        ("lineCap", "round"),
        ("lineJoin", "round"),
    ] {
        set(ctx, property, &value.into());
    }
    set(ctx, "lineWidth", &JsValue::from_f64(LINE));
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
                canvas.set_pointer_capture(event.pointer_id());
                last.set(Some(at(&canvas, event.offset_x(), event.offset_y())));
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
            let to = at(&target, event.offset_x(), event.offset_y());
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

/// A point on the canvas, from one on the element as CSS sized it.
fn at(canvas: &Element, x: f64, y: f64) -> (f64, f64) {
    (
        x * W / canvas.client_width().max(1.0),
        y * H / canvas.client_height().max(1.0),
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

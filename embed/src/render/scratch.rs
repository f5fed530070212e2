//! The scratch card: the outcome the server drew lies under a coating that
//! the player scratches off with a pointer or a finger; a button reveals it
//! for keyboard users.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use adact_wire::PlayResponse;
use wasm_bindgen::JsCast as _;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, PointerEvent};

use super::{
    app::{Ctx, action_button},
    widgets::{after, element},
};
use crate::Problem;

const W: u32 = 600;
const H: u32 = 300;
/// The share of the coating scratched off at which the card reveals itself.
const ENOUGH: u32 = 45;

pub fn show(app: &Ctx) -> Result<(), Problem> {
    let d = &app.document;
    let waiting = element(d, "p", "hint", Some("Preparing your card…"))?;
    app.show(&waiting, None);
    let app = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let Some(result) = app.play(Vec::new()).await else {
            return;
        };
        if let Err(Problem(message)) = card(&app, result) {
            app.notice(&message);
        }
    });
    Ok(())
}

fn card(app: &Ctx, result: PlayResponse) -> Result<(), Problem> {
    let d = &app.document;
    let stage = element(d, "div", "scratch-stage", None)?;
    let hint = element(
        d,
        "p",
        "hint",
        Some("Scratch the card with your finger or mouse, or use the button."),
    )?;
    stage.append_child(&hint)?;
    let card = element(d, "div", "scratch", None)?;
    let under = element(d, "div", "under", None)?;
    under.set_attribute("aria-hidden", "true")?;
    let label = result
        .prize
        .as_ref()
        .map_or(app.view.no_prize_label.as_str(), |p| p.name.as_str());
    under.append_child(&element(d, "strong", "", Some(label))?.into())?;
    card.append_child(&under)?;
    let canvas: HtmlCanvasElement = d.create_element("canvas")?.unchecked_into();
    canvas.set_width(W);
    canvas.set_height(H);
    canvas.set_attribute("aria-hidden", "true")?;
    // The scratched share is measured by reading pixels back.
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"willReadFrequently".into(), &true.into())?;
    let ctx: CanvasRenderingContext2d = canvas
        .get_context_with_context_options("2d", &options)?
        .ok_or_else(|| Problem::new("this browser cannot draw the scratch card."))?
        .unchecked_into();
    coat(&ctx);
    card.append_child(&canvas)?;
    stage.append_child(&card)?;

    let result = Rc::new(result);
    let revealed = Rc::new(Cell::new(false));
    let reveal: Rc<dyn Fn(&Ctx)> = {
        let (revealed, canvas, under, result) = (
            revealed.clone(),
            canvas.clone(),
            under.clone(),
            result.clone(),
        );
        Rc::new(move |app: &Ctx| {
            if revealed.replace(true) {
                return;
            }
            let _ = canvas.class_list().add_1("gone");
            let _ = under.remove_attribute("aria-hidden");
            let (app, result) = (app.clone(), result.clone());
            let ms = if app.reduced_motion { 300 } else { 900 };
            after(ms, move || app.end(&result));
        })
    };

    let drawing = Rc::new(Cell::new(false));
    let strokes = Rc::new(Cell::new(0u32));
    let last = Rc::new(RefCell::new(None::<(f64, f64)>));
    ctx.set_global_composite_operation("destination-out")?;
    ctx.set_line_width(70.0);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    let target: &web_sys::EventTarget = canvas.as_ref();
    {
        let (drawing, last, canvas) = (drawing.clone(), last.clone(), canvas.clone());
        app.on(target, "pointerdown", move |_, event| {
            let Some(e) = event.dyn_ref::<PointerEvent>() else {
                return;
            };
            drawing.set(true);
            let _ = canvas.set_pointer_capture(e.pointer_id());
            *last.borrow_mut() = Some(to_canvas(&canvas, e));
        })?;
    }
    for kind in ["pointerup", "pointercancel"] {
        let drawing = drawing.clone();
        app.on(target, kind, move |_, _| drawing.set(false))?;
    }
    {
        let (canvas, reveal, revealed) = (canvas.clone(), reveal.clone(), revealed.clone());
        app.on(target, "pointermove", move |app, event| {
            let Some(e) = event.dyn_ref::<PointerEvent>() else {
                return;
            };
            if !drawing.get() || revealed.get() {
                return;
            }
            event.prevent_default();
            let to = to_canvas(&canvas, e);
            let from = last.borrow_mut().replace(to).unwrap_or(to);
            ctx.begin_path();
            ctx.move_to(from.0, from.1);
            ctx.line_to(to.0, to.1);
            ctx.stroke();
            // Measuring costs a read of the pixels: do it every few strokes.
            strokes.set(strokes.get() + 1);
            if strokes.get().is_multiple_of(6) && scratched_percent(&ctx) >= ENOUGH {
                reveal(app);
            }
        })?;
    }
    let button = {
        let reveal = reveal.clone();
        action_button(app, "Reveal my prize", move |app| reveal(app))?
    };
    button.class_list().add_1("secondary")?;
    stage.append_child(&button)?;
    let focus: &HtmlElement = &button;
    app.show(&stage, Some(focus));
    Ok(())
}

/// The silver coating with its invitation.
fn coat(ctx: &CanvasRenderingContext2d) {
    let gradient = ctx.create_linear_gradient(0.0, 0.0, f64::from(W), f64::from(H));
    let _ = gradient.add_color_stop(0.0, "#c9ccd3");
    let _ = gradient.add_color_stop(0.5, "#eef0f3");
    let _ = gradient.add_color_stop(1.0, "#b4b8c1");
    ctx.set_fill_style_canvas_gradient(&gradient);
    ctx.fill_rect(0.0, 0.0, f64::from(W), f64::from(H));
    ctx.set_fill_style_str("#4b5563");
    ctx.set_font("600 40px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text("Scratch here", f64::from(W) / 2.0, f64::from(H) / 2.0);
}

fn to_canvas(canvas: &HtmlCanvasElement, e: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = f64::from(W) / rect.width().max(1.0);
    let sy = f64::from(H) / rect.height().max(1.0);
    (
        (f64::from(e.client_x()) - rect.left()) * sx,
        (f64::from(e.client_y()) - rect.top()) * sy,
    )
}

/// How much of the coating is gone, sampling every 16th pixel.
fn scratched_percent(ctx: &CanvasRenderingContext2d) -> u32 {
    let Ok(image) = ctx.get_image_data(0.0, 0.0, f64::from(W), f64::from(H)) else {
        return 0;
    };
    let data = image.data();
    let (mut clear, mut total) = (0u32, 0u32);
    for alpha in data.iter().skip(3).step_by(4 * 16) {
        total += 1;
        clear += u32::from(*alpha == 0);
    }
    (clear * 100).checked_div(total).unwrap_or(0)
}

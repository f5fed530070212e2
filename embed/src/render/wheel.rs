//! Spin the wheel: slices drawn from the prizes; it spins with easing and
//! stops on the slice of the outcome the server drew. The spin is a CSS
//! transition, run by the compositor, so the page's main thread stays free.

use wasm_bindgen::JsCast as _;
use web_sys::HtmlElement;

use super::{
    app::{Ctx, action_button},
    widgets::{after, element, svg},
};
use crate::Problem;

const SPIN_MS: i32 = 5200;
const RADIUS: f64 = 480.0;

pub fn show(app: &Ctx) -> Result<(), Problem> {
    let d = &app.document;
    let stage = element(d, "div", "wheel-stage", None)?;
    let frame = element(d, "div", "wheel", None)?;
    let shown = slices(app);
    let n = shown.len();
    let names: Vec<&str> = shown.iter().map(|(_, name)| *name).collect();
    let wheel = svg(
        d,
        "svg",
        &[("viewBox", "-500 -500 1000 1000"), ("role", "img")],
    )?;
    wheel.set_attribute(
        "aria-label",
        &format!("A prize wheel with {n} slices: {}", names.join(", ")),
    )?;
    let rotor = svg(d, "g", &[("class", "rotor")])?;
    let step = 360.0 / n as f64;
    for (i, (_, name)) in shown.iter().enumerate() {
        let a0 = (i as f64 * step).to_radians();
        let a1 = ((i + 1) as f64 * step).to_radians();
        let (x0, y0) = point(a0, RADIUS);
        let (x1, y1) = point(a1, RADIUS);
        let path = format!("M0 0L{x0} {y0}A480 480 0 0 1 {x1} {y1}Z");
        // Alternate two colours; an odd count ends on a third, so that no
        // two neighbours match.
        let class = match i % 2 {
            _ if n % 2 == 1 && i == n - 1 => "s2",
            0 => "s0",
            _ => "s1",
        };
        rotor.append_child(&svg(d, "path", &[("d", &path), ("class", class)])?.into())?;
        // Labels read from the hub outward, along the slice's middle.
        let centre = ((i as f64 + 0.5) * step - 90.0).round() as i32;
        let label = svg(
            d,
            "text",
            &[
                ("x", "440"),
                ("y", "0"),
                ("class", class),
                ("transform", &format!("rotate({centre})")),
            ],
        )?;
        label.set_text_content(Some(&shorten(name, 16)));
        rotor.append_child(&label)?;
    }
    rotor.append_child(&svg(d, "circle", &[("r", "70"), ("class", "hub")])?.into())?;
    wheel.append_child(&rotor)?;
    frame.append_child(&wheel)?;
    let pointer = element(d, "div", "pointer", None)?;
    pointer.set_attribute("aria-hidden", "true")?;
    frame.append_child(&pointer)?;
    stage.append_child(&frame)?;

    let rotor: web_sys::SvgElement = rotor.unchecked_into();
    let spin = action_button(app, &app.view.texts.play_button, move |app| {
        let (app, rotor) = (app.clone(), rotor.clone());
        app.announce("The wheel is spinning…");
        wasm_bindgen_futures::spawn_local(async move {
            let Some(result) = app.play(Vec::new()).await else {
                return;
            };
            let prize_id = result.prize.as_ref().map(|p| p.id.as_str());
            let slices = slices(&app);
            let matching: Vec<usize> = (0..slices.len())
                .filter(|&i| slices[i].0 == prize_id)
                .collect();
            // Several slices may show the same outcome: any one will do.
            let pick = matching
                .get((js_sys::Math::random() * matching.len() as f64) as usize)
                .copied()
                .unwrap_or(0);
            let step = 360.0 / slices.len() as f64;
            // Land inside the slice, not on its edge.
            let jitter = (js_sys::Math::random() - 0.5) * step * 0.6;
            let target = 360.0 * 6.0 - (pick as f64 + 0.5) * step + jitter;
            let ms = if app.reduced_motion { 0 } else { SPIN_MS };
            let style = rotor.style();
            let _ = style.set_property(
                "transition",
                &format!("transform {ms}ms cubic-bezier(.12,.7,.15,1)"),
            );
            let _ = style.set_property(
                "transform",
                &format!("rotate({}deg)", target.round() as i32),
            );
            after(ms + 400, move || app.end(&result));
        });
    })?;
    stage.append_child(&spin)?;
    let focus: &HtmlElement = &spin;
    app.show(&stage, Some(focus));
    Ok(())
}

/// The wheel's slices: every prize and "no prize", repeated so that even a
/// short list makes a full-looking wheel.
fn slices(app: &Ctx) -> Vec<(Option<&str>, &str)> {
    let outcomes = app.outcomes();
    let mut slices = outcomes.clone();
    while slices.len() < 6 {
        slices.extend(outcomes.iter().copied());
    }
    slices
}

/// A point on the circle at `angle` radians clockwise from the top,
/// rounded: SVG takes whole units here, and formatting integers keeps
/// float formatting out of the wasm.
/// The browser's sine and cosine: Rust's would add their own (about 7 KB).
fn point(angle: f64, radius: f64) -> (i32, i32) {
    (
        (js_sys::Math::sin(angle) * radius).round() as i32,
        (-js_sys::Math::cos(angle) * radius).round() as i32,
    )
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

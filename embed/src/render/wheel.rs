//! Spin the wheel: slices drawn from the prizes; it spins with easing and
//! stops on the slice of the outcome the server drew. The spin is a CSS
//! transition, run by the compositor, so the page's main thread stays free.

use adact_wire::UiText;
use js_sys::Math;
use wasm_bindgen::JsCast as _;
use web_sys::{Element, SvgElement};

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, after, concat, decimal, element, svg};

/// The wheel's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
.wheel { position: relative; width: min(100%, 340px); aspect-ratio: 1; margin-top: 8px; }
.wheel svg { width: 100%; height: 100%; display: block; filter: drop-shadow(0 6px 14px rgba(0,0,0,.18)); }
.rotor { transform-origin: 0 0; will-change: transform; }
.wheel path { stroke: var(--adact-background); stroke-width: 6; }
.wheel path.s0 { fill: var(--adact-primary); }
.wheel path.s1 { fill: var(--soft); }
.wheel text { font: 700 40px system-ui, sans-serif; text-anchor: end; dominant-baseline: middle; }
.wheel text.s0 { fill: #fff; }
.wheel text.s1, .wheel text.s2 { fill: var(--adact-text); }
.wheel path.s2 { fill: color-mix(in srgb, var(--adact-primary) 35%, var(--adact-background)); }
.wheel .hub { fill: var(--adact-background); stroke: var(--adact-primary); stroke-width: 14; }
.pointer { position: absolute; left: 50%; top: -6px; width: 0; height: 0; transform: translateX(-50%);
  border-left: 16px solid transparent; border-right: 16px solid transparent; border-top: 30px solid var(--adact-text);
  filter: drop-shadow(0 2px 2px rgba(0,0,0,.25)); }
"#;

const SPIN_MS: u32 = 5200;
const RADIUS: f64 = 480.0;

/// The wheel, still; `start` spins it to the outcome the server drew.
pub fn draw(app: &Ctx) -> Game {
    let stage = element("div", "wheel-stage", "");
    let frame = element("div", "wheel", "");
    let shown = slices(app);
    let n = shown.len();
    let mut names = String::new();
    for (i, (_, name)) in shown.iter().enumerate() {
        if i > 0 {
            names.push_str(", ");
        }
        names.push_str(name);
    }
    let wheel = svg(
        "svg",
        &[("viewBox", "-500 -500 1000 1000"), ("role", "img")],
    );
    let label = app.fill(
        UiText::WheelLabel,
        &[("count", &decimal(n as u32)), ("slices", &names)],
    );
    wheel.attr("aria-label", &label);
    let rotor = svg("g", &[("class", "rotor")]);
    let step = 360.0 / n as f64;
    for (i, (_, name)) in shown.iter().enumerate() {
        let (x0, y0) = point(i as f64 * step);
        let (x1, y1) = point((i + 1) as f64 * step);
        let path = concat(&[
            "M0 0L",
            &x0,
            " ",
            &y0,
            "A480 480 0 0 1 ",
            &x1,
            " ",
            &y1,
            "Z",
        ]);
        // Alternate two colours; an odd count ends on a third, so that no
        // two neighbours match.
        let class = match i % 2 {
            _ if n % 2 == 1 && i == n - 1 => "s2",
            0 => "s0",
            _ => "s1",
        };
        rotor.add(&svg("path", &[("d", &path), ("class", class)]));
        // Labels read from the hub outward, along the slice's middle.
        let centre = rounded((i as f64 + 0.5) * step - 90.0);
        let transform = concat(&["rotate(", &centre, ")"]);
        let label = svg(
            "text",
            &[
                ("x", "440"),
                ("y", "0"),
                ("class", class),
                ("transform", &transform),
            ],
        );
        label.set_text_content(Some(&shorten(name, 16)));
        rotor.add(&label);
    }
    rotor.add(&svg("circle", &[("r", "70"), ("class", "hub")]));
    wheel.add(&rotor);
    frame.add(&wheel);
    let pointer = element("div", "pointer", "");
    pointer.attr("aria-hidden", "true");
    frame.add(&pointer);
    stage.add(&frame);

    let start = Box::new(move |app: &Ctx| {
        app.announce(app.text(UiText::WheelSpinning));
        app.play(
            &[],
            Box::new(move |app, result| {
                let ms = spin(app, &rotor, result.prize.as_ref().map(|p| p.id.as_str()));
                let app = app.clone();
                after(ms, Box::new(move || app.end(&result)));
            }),
        );
    });
    Game {
        element: stage,
        start,
    }
}

/// Turns the wheel to stop on a slice showing the outcome drawn (`prize`:
/// its id, `None` for no prize). Returns how long until the end screen, in
/// milliseconds.
fn spin(app: &Ctx, rotor: &Element, prize: Option<&str>) -> i32 {
    let slices = slices(app);
    let matching: Vec<usize> = slices
        .iter()
        .enumerate()
        .filter(|(_, (id, _))| *id == prize)
        .map(|(i, _)| i)
        .collect();
    // Several slices may show the same outcome: any one will do.
    let pick = matching
        .get((Math::random() * matching.len() as f64) as usize)
        .copied()
        .unwrap_or(0);
    let step = 360.0 / slices.len() as f64;
    // Land inside the slice, not on its edge.
    let jitter = (Math::random() - 0.5) * step * 0.6;
    let target = 360.0 * 6.0 - (pick as f64 + 0.5) * step + jitter;
    let ms = if app.reduced_motion { 0 } else { SPIN_MS };
    let style = rotor.unchecked_ref::<SvgElement>().style();
    let transition = concat(&["transform ", &decimal(ms), "ms cubic-bezier(.12,.7,.15,1)"]);
    dom::set_style(&style, "transition", &transition);
    dom::set_style(
        &style,
        "transform",
        &concat(&["rotate(", &rounded(target), "deg)"]),
    );
    ms as i32 + 400
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

/// A point on the circle at `degrees` clockwise from the top, in whole
/// units: SVG needs no more, and integers keep float formatting out of the
/// wasm. The browser's sine and cosine: Rust's would add their own.
fn point(degrees: f64) -> (String, String) {
    let angle = degrees.to_radians();
    (
        rounded(Math::sin(angle) * RADIUS),
        rounded(-Math::cos(angle) * RADIUS),
    )
}

/// `x` rounded to a whole number, in decimal.
fn rounded(x: f64) -> String {
    let whole = (x.abs() + 0.5) as u32;
    let digits = decimal(whole);
    if x < 0.0 && whole != 0 {
        concat(&["-", &digits])
    } else {
        digits
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::{rounded, shorten};

    #[test]
    fn numbers_are_rounded_half_away_from_zero() {
        assert_eq!(rounded(0.0), "0");
        assert_eq!(rounded(-0.4), "0");
        assert_eq!(rounded(2.5), "3");
        assert_eq!(rounded(-479.6), "-480");
        assert_eq!(rounded(1800.49), "1800");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("Free shipping", 16), "Free shipping");
        assert_eq!(shorten("A very long prize name", 16), "A very long pri…");
    }
}

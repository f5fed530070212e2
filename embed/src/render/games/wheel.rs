//! Spin the wheel: slices drawn from the prizes; it starts turning the
//! moment the visitor plays, and once the server has drawn the outcome it
//! slows down, from the speed it has, to stop on its slice. The turning is
//! a CSS animation, then a transition, run by the compositor, so the page's
//! main thread stays free.

use adact_wire::UiText;
use js_sys::{Date, Math};
use wasm_bindgen::JsCast as _;
use web_sys::{Element, HtmlElement, SvgElement};

use crate::{
    dom::{self, ElementExt as _, concat, decimal, element, svg},
    render::game::{Ctx, Game},
};

/// The wheel's styles, added to the card's when the campaign uses them.
/// The rotor is its own `<svg>`, so the compositor turns it; the rim, the
/// studs, the hub and the pointer stay still over it.
pub const CSS: &str = include_str!("wheel.css");

/// How long the wheel takes to stop once the outcome is known, turning at
/// least `TURNS` more times; while it waits, a turn takes `TURN_MS`, and
/// the turning starts `LEAD_MS` into its first turn, so that the very first
/// frame already shows the wheel moving (the `adact-turn` animation's
/// duration and negative delay).
const SPIN_MS: f64 = 4200.0;
const TURNS: f64 = 3.0;
const TURN_MS: f64 = 500.0;
const LEAD_MS: f64 = 20.0;
/// The slices' radius; the rim goes around them, in the same units.
const RADIUS: f64 = 455.0;
/// How far out labels end (or start, upright on the left), and how many
/// characters a line holds there at 48 units before it is squeezed.
const LABEL_END: &str = "410";
const LINE_CHARS: usize = 10;
const LINE_UNITS: &str = "300";

/// The wheel, still; played, it spins to the outcome the server drew.
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
    let label = app.fill(
        UiText::WheelLabel,
        &[("count", &decimal(n as u32)), ("slices", &names)],
    );
    frame.attr("role", "img");
    frame.attr("aria-label", &label);
    let rotor = svg(
        "svg",
        &[("viewBox", "-520 -520 1040 1040"), ("class", "rotor")],
    );
    let defs = svg("defs", &[]);
    for class in ["s0", "s1", "s2"] {
        let id = concat(&["adact-", class]);
        let gradient = svg(
            "radialGradient",
            &[
                ("id", &id),
                ("class", class),
                ("gradientUnits", "userSpaceOnUse"),
                ("r", "455"),
            ],
        );
        gradient.add(&svg("stop", &[("class", "a"), ("offset", "0.2")]));
        gradient.add(&svg("stop", &[("class", "b"), ("offset", "1")]));
        defs.add(&gradient);
    }
    rotor.add(&defs);
    let step = 360.0 / n as f64;
    let mut parts = Vec::with_capacity(n);
    for (i, (_, name)) in shown.iter().enumerate() {
        let (x0, y0) = point(i as f64 * step, RADIUS);
        let (x1, y1) = point((i + 1) as f64 * step, RADIUS);
        let path = concat(&[
            "M0 0L",
            &x0,
            " ",
            &y0,
            "A455 455 0 0 1 ",
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
        let fill = concat(&["url(#adact-", class, ")"]);
        let slice = svg("path", &[("d", &path), ("class", class), ("fill", &fill)]);
        let label = label_of(name, (i as f64 + 0.5) * step, class);
        rotor.add(&slice);
        rotor.add(&label);
        parts.push([slice, label]);
    }
    frame.add(&rotor);
    frame.add(&face(app));
    stage.add(&frame);

    let app = app.clone();
    let play = Box::pin(async move {
        app.announce(app.text(UiText::WheelSpinning));
        rotor.attr("class", "rotor free");
        frame.attr("class", "wheel spinning");
        let started = Date::now();
        let result = app.play(Vec::new()).await;
        let prize = result.prize.as_ref().map(|p| p.id.as_str());
        let (ms, pick) = spin(&app, &rotor, &frame, prize, started);
        let _ = dom::sleep(ms).await;
        land(&rotor, parts.get(pick));
        let lost = if result.prize.is_none() { " lost" } else { "" };
        frame.attr("class", &concat(&["wheel landed", lost]));
        result
    });
    Game {
        element: stage,
        play,
    }
}

/// A slice's label along its middle (`degrees` clockwise from the top),
/// reading from the hub outward on the right half and from the rim inward
/// on the left, so that none is upside down; on two lines when it is long.
fn label_of(name: &str, degrees: f64, class: &str) -> Element {
    let left = degrees > 180.0;
    let turn = rounded(if left { degrees + 90.0 } else { degrees - 90.0 });
    let transform = concat(&["rotate(", &turn, ")"]);
    let x = if left {
        concat(&["-", LABEL_END])
    } else {
        LABEL_END.to_owned()
    };
    let class = if left {
        concat(&[class, " up"])
    } else {
        class.to_owned()
    };
    let text = svg("text", &[("class", &class), ("transform", &transform)]);
    let (first, second) = lines(name, LINE_CHARS);
    for (line, dy) in [
        (Some(first), if second.is_some() { "-0.55em" } else { "0" }),
        (second, "1.1em"),
    ] {
        let Some(line) = line else { continue };
        let span = svg("tspan", &[("x", &x), ("dy", dy)]);
        if line.chars().count() > LINE_CHARS {
            span.attr("textLength", LINE_UNITS);
            span.attr("lengthAdjust", "spacingAndGlyphs");
        }
        span.set_text_content(Some(line));
        text.add(&span);
    }
    text
}

/// The rim with its studs, the gloss, the hub (the brand's logo, when the
/// theme has one) and the pointer at the top, outside the slices.
fn face(app: &Ctx) -> Element {
    let face = svg(
        "svg",
        &[
            ("viewBox", "-520 -560 1040 1080"),
            ("class", "face"),
            ("aria-hidden", "true"),
        ],
    );
    let gloss = svg(
        "radialGradient",
        &[
            ("id", "adact-gloss"),
            ("cx", "0.35"),
            ("cy", "0.25"),
            ("r", "0.8"),
        ],
    );
    for (offset, opacity) in [("0", ".32"), ("0.5", ".06"), ("1", "0")] {
        gloss.add(&svg(
            "stop",
            &[
                ("offset", offset),
                ("stop-color", "#fff"),
                ("stop-opacity", opacity),
            ],
        ));
    }
    let clip = svg("clipPath", &[("id", "adact-hub")]);
    clip.add(&svg("circle", &[("r", "62")]));
    let defs = svg("defs", &[]);
    defs.add(&gloss);
    defs.add(&clip);
    face.add(&defs);
    for (class, r) in [
        ("gloss", "455"),
        ("rim-shade", "458"),
        ("rim", "480"),
        ("rim-edge", "503"),
        ("rim-edge", "456"),
    ] {
        face.add(&svg("circle", &[("class", class), ("r", r)]));
    }
    let studs = svg("g", &[]);
    for i in 0..STUDS {
        let (cx, cy) = point(f64::from(i) * 360.0 / f64::from(STUDS), 480.0);
        studs.add(&svg(
            "circle",
            &[("class", "stud"), ("cx", &cx), ("cy", &cy), ("r", "11")],
        ));
    }
    face.add(&studs);
    face.add(&svg("circle", &[("class", "hub-ring"), ("r", "86")]));
    face.add(&svg("circle", &[("class", "hub"), ("r", "66")]));
    match &app.view().theme.logo_url {
        Some(url) => face.add(&svg(
            "image",
            &[
                ("href", url),
                ("x", "-56"),
                ("y", "-56"),
                ("width", "112"),
                ("height", "112"),
                ("clip-path", "url(#adact-hub)"),
            ],
        )),
        None => face.add(&svg("circle", &[("class", "hub-dot"), ("r", "22")])),
    }
    face.add(&svg(
        "path",
        &[
            ("class", "pointer"),
            ("d", "M0 -428L-38 -500A44 44 0 1 1 38 -500Z"),
        ],
    ));
    face.add(&svg(
        "circle",
        &[("class", "pointer-dot"), ("cy", "-520"), ("r", "14")],
    ));
    face
}

const STUDS: u32 = 24;

/// Turns the wheel, from where the waiting turning has it, to stop on a
/// slice showing the outcome drawn (`prize`: its id, `None` for no prize),
/// slowing down from the speed it has. Returns how long the spin takes, in
/// milliseconds, and the slice it lands on.
fn spin(
    app: &Ctx,
    rotor: &Element,
    frame: &HtmlElement,
    prize: Option<&str>,
    started: f64,
) -> (i32, usize) {
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
    let landing = 360.0 - (pick as f64 + 0.5) * step + jitter;
    let style = rotor.unchecked_ref::<SvgElement>().style();
    if app.reduced_motion() {
        dom::set_style(&style, "transform", &rotate(landing));
        return (250, pick);
    }
    // Where the waiting turning is, from its start (it began with the
    // next frame, a few degrees later at most, which a turning wheel does
    // not show). `floor` is one wasm instruction; `%` would link fmod.
    let turns = (Date::now() - started + LEAD_MS) / TURN_MS;
    let from = 360.0 * (turns - turns.floor());
    rotor.attr("class", "rotor");
    dom::set_style(&style, "transform", &rotate(from));
    // A layout read applies it, so that the transition starts there.
    let _ = frame.offset_width();
    let ahead = landing - from;
    let turn = 360.0 * TURNS + ahead - 360.0 * (ahead / 360.0).floor();
    // The easing's first slope (y1 / x1) keeps the waiting turn's speed; in
    // hundredths, two digits with the turns and times above.
    let slope = 360.0 / TURN_MS * SPIN_MS / turn;
    let y1 = decimal((15.0 * slope + 0.5) as u32);
    let easing = concat(&["cubic-bezier(.15,.", &y1, ",.2,1)"]);
    dom::set_style(
        &style,
        "transition",
        &concat(&["transform ", &decimal(SPIN_MS as u32), "ms ", &easing]),
    );
    dom::set_style(&style, "transform", &rotate(from + turn));
    (SPIN_MS as i32 + 250, pick)
}

fn rotate(degrees: f64) -> String {
    concat(&["rotate(", &rounded(degrees), "deg)"])
}

/// Marks the slice landed on and its label, drawn last so that its
/// outline shows whole.
fn land(rotor: &Element, landed: Option<&[Element; 2]>) {
    for part in landed.into_iter().flatten() {
        let class = part.get_attribute("class").unwrap_or_default();
        part.attr("class", &concat(&[&class, " win"]));
        rotor.add(part);
    }
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

/// A point on the circle of `radius` at `degrees` clockwise from the top, in whole
/// units: SVG needs no more, and integers keep float formatting out of the
/// wasm. The browser's sine and cosine: Rust's would add their own.
fn point(degrees: f64, radius: f64) -> (String, String) {
    let angle = degrees.to_radians();
    (
        rounded(Math::sin(angle) * radius),
        rounded(-Math::cos(angle) * radius),
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

/// The label on one line, or on two split at the space that makes the
/// longer line shortest, when it holds more than `width` characters.
/// (A line still too long is squeezed to fit where it is drawn.)
fn lines(text: &str, width: usize) -> (&str, Option<&str>) {
    let length = text.chars().count();
    if length <= width {
        return (text, None);
    }
    let mut best: Option<(usize, usize)> = None;
    for (chars, (byte, c)) in text.char_indices().enumerate() {
        let longer = chars.max(length - chars - 1);
        if c == ' ' && best.is_none_or(|(l, _)| longer < l) {
            best = Some((longer, byte));
        }
    }
    match best {
        // Split, not sliced: slicing links core's panic and `char`
        // printing into the wasm.
        Some((_, byte)) => match text.split_at_checked(byte) {
            Some((first, rest)) => (first, rest.strip_prefix(' ')),
            None => (text, None),
        },
        None => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::{lines, rounded};

    #[test]
    fn numbers_are_rounded_half_away_from_zero() {
        assert_eq!(rounded(0.0), "0");
        assert_eq!(rounded(-0.4), "0");
        assert_eq!(rounded(2.5), "3");
        assert_eq!(rounded(-479.6), "-480");
        assert_eq!(rounded(1800.49), "1800");
    }

    #[test]
    fn long_labels_go_on_two_lines_whole() {
        assert_eq!(lines("10% off", 10), ("10% off", None));
        assert_eq!(lines("Free shipping", 10), ("Free", Some("shipping")));
        assert_eq!(lines("€25 gift card", 10), ("€25 gift", Some("card")));
        assert_eq!(
            lines("A very long prize name", 10),
            ("A very long", Some("prize name"))
        );
        assert_eq!(lines("Versandkostenfrei", 10), ("Versandkostenfrei", None));
        assert_eq!(
            lines("Ein Gutschein über 25 €", 10),
            ("Ein Gutschein", Some("über 25 €"))
        );
    }
}

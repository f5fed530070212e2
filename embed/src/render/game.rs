//! The contract between the flow (`app`) and a game (the modules in
//! `games/`: `wheel`, `scratch`, `giftbox`, `quiz`): what a game is, and
//! what it may ask of the flow that runs it. The games and their table
//! (`games`) import this module and the DOM helpers, nothing above; the
//! flow implements [`Flow`].
//!
//! # A game
//!
//! Each game provides `pub fn draw(app: &Ctx) -> Game` and its
//! `pub const CSS`.
//!
//! - `draw` builds the game's element, as the visitor sees it before
//!   playing (the wheel, the coated card, the closed boxes, the first
//!   question). It asks the server nothing. The card shows the element from
//!   the intro on, inside a layer that is `inert` until the game starts, so
//!   nothing in it can be clicked or focused before then.
//! - [`Game::play`] is the game as it is played, an `async` block that
//!   `draw` returns unpolled: none of it runs before the visitor chose to
//!   play (sent the form, or pressed play when the campaign has none). It
//!   then runs at once, in the frame of the visitor's action and without
//!   waiting for the registration's answer: it makes the element live and
//!   its motion start (focus is on the element itself first; the game may
//!   move it on, e.g. to the first box), asks the server for the outcome
//!   with `app.play(answers).await` (which waits for the registration,
//!   offers Try again on a failure, and never resolves after a refusal),
//!   shows the outcome, and resolves with it once it is shown: the flow then
//!   lays the end screen over the game. It never removes or replaces the
//!   element, so the landed wheel, the scratched card, the opened box stay in
//!   view.
//! - The element keeps its size from `draw` to the end screen (stack steps
//!   in one grid cell, reserve text lines, position what appears): the card
//!   is sized before the campaign is known, and must not move the page.
//! - The server decides every outcome; a game only shows it. It is playable
//!   with the mouse, touch and keyboard, announces through
//!   [`Flow::announce`], and honours [`Flow::reduced_motion`]. Its listeners
//!   go through [`Flow::on`], which removes them when the card is destroyed.

use std::{future::Future, pin::Pin, rc::Rc};

use adact_wire::{CampaignView, PlayResponse, UiText};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, EventTarget, HtmlElement};

use crate::{
    dom::{self, ElementExt as _},
    text::Words,
};

/// A game as its module draws it: see the contract in this module's docs.
pub struct Game {
    /// The game, drawn inert; shown from the intro to the end screen.
    pub element: HtmlElement,
    /// The game played, from its start to its outcome shown.
    pub play: Pin<Box<dyn Future<Output = PlayResponse>>>,
}

/// The flow that runs a game, as the game sees it.
pub type Ctx = Rc<dyn Flow>;

/// What an event listener runs.
pub type Handler = Box<dyn FnMut(Event)>;

/// What a game may ask of the flow that runs it.
pub trait Flow {
    /// The campaign, as the server sent it.
    fn view(&self) -> &CampaignView;

    /// The embed's own words, in the visitor's language.
    fn words(&self) -> &Words;

    /// Whether the visitor asked for less motion.
    fn reduced_motion(&self) -> bool;

    /// Tells screen readers, through the card's live region.
    fn announce(&self, text: &str);

    /// Listens for `kind` on `target` until the campaign is destroyed.
    fn on(&self, target: &EventTarget, kind: &'static str, f: Handler);

    /// The outcome of the play, with the quiz's `answers` (none for the
    /// other games), as the server drew it, once the visitor is registered.
    /// A failure of the network or the server offers Try again and asks
    /// again; a refusal is shown instead, and the outcome never comes.
    fn play(&self, answers: Vec<u32>) -> Pin<Box<dyn Future<Output = PlayResponse> + '_>>;

    /// One of the embed's own words.
    fn text(&self, text: UiText) -> &str {
        self.words().get(text)
    }

    /// One of the embed's own words, its placeholders filled in.
    fn fill(&self, text: UiText, values: &[(&str, &str)]) -> String {
        self.words().fill(text, values)
    }

    /// The labels of the wheel's slices and the boxes: the prizes and "no
    /// prize", in order.
    fn outcomes(&self) -> Vec<(Option<&str>, &str)> {
        let view = self.view();
        let mut list: Vec<_> = view
            .prizes
            .iter()
            .map(|p| (Some(p.id.as_str()), p.name.as_str()))
            .collect();
        list.push((None, view.no_prize_label.as_str()));
        list
    }

    /// The label of the outcome drawn: its prize, or "no prize".
    fn outcome_label<'a>(&'a self, result: &'a PlayResponse) -> &'a str {
        result
            .prize
            .as_ref()
            .map_or(self.view().no_prize_label.as_str(), |p| p.name.as_str())
    }
}

/// Runs `f` when `button` is clicked while enabled, and disables it: once,
/// even on a double click.
pub fn on_click_once(app: &dyn Flow, button: &HtmlElement, f: Box<dyn Fn()>) {
    let me = button.clone();
    app.on(
        button,
        "click",
        Box::new(move |_| {
            if !me.has_attribute("disabled") {
                me.attr("disabled", "");
                f();
            }
        }),
    );
}

/// Which of `choices` the visitor clicked first, by its place in the list.
pub async fn chosen(app: &dyn Flow, choices: &[HtmlElement]) -> usize {
    let (picked, pick) = dom::promise();
    for (i, choice) in choices.iter().enumerate() {
        let pick = pick.clone();
        // Later clicks resolve nothing: the promise keeps the first.
        let handler = move |_| {
            let _ = pick.call1(&JsValue::NULL, &JsValue::from(i as u32));
        };
        app.on(choice, "click", Box::new(handler));
    }
    let picked = JsFuture::from(picked).await;
    picked.ok().and_then(|i| i.as_f64()).unwrap_or(0.0) as usize
}

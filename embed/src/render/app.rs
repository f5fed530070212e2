//! The play flow: intro → registration form → the game → end screen. The
//! server decides every outcome; the game only shows it.
//!
//! The game is on the card from the first screen to the last, in one place,
//! and the card keeps its size throughout: the intro shows the game itself
//! (inert) with the play button under it; the registration form is a sheet
//! over the game; the game then starts at once, without a second button;
//! the end panel goes over the game, which keeps its result in view.
//!
//! # The contract of a game module
//!
//! Each game (`wheel.rs`, `scratch.rs`, `giftbox.rs`, `quiz.rs`) provides
//! `pub fn draw(app: &Ctx) -> Game` and its `pub const CSS`.
//!
//! - `draw` builds the game's element, as the visitor sees it before
//!   playing (the wheel, the coated card, the closed boxes, the first
//!   question), and may add listeners with [`App::on`]. It asks the server
//!   nothing. The card shows the element from the intro on, inside a layer
//!   that is `inert` until the game starts, so nothing in it can be clicked
//!   or focused before then.
//! - `start` runs once, as soon as the visitor chose to play (sent the
//!   form, or pressed play when the campaign has none), without waiting for
//!   the registration's answer: it makes the element live and its motion
//!   start in the same frame (focus moves to the element itself first;
//!   `start` may move it on, e.g. to the first box), asks the server with
//!   [`App::play`] (which waits for the registration), shows the outcome,
//!   and ends with `app.end(&result)`. It never removes or replaces the
//!   element: the end panel is laid over it, so the landed wheel, the
//!   scratched card, the opened box stay in view.
//! - The element keeps its size from `draw` to the end screen (stack steps
//!   in one grid cell, reserve text lines, position what appears): the card
//!   is sized before the campaign is known, and must not move the page.

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
    rc::Rc,
};

use adact_wire::{
    CampaignView, FinishRequest, PlayRequest, PlayResponse, RegisterRequest, SessionView, UiText,
};
use js_sys::{Array, Function};
use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, EventTarget, HtmlElement};

use super::{card::Card, end, games};
use crate::{
    Problem,
    api::{Failure, Server},
    dom::{self, ElementExt as _},
    text::Words,
};

/// A game as its module draws it: see the contract in this module's docs.
pub struct Game {
    /// The game, drawn inert; shown from the intro to the end screen.
    pub element: HtmlElement,
    /// Makes it live once the visitor may play; ends with `app.end`.
    pub start: Start,
}

/// A game's `start`.
pub type Start = Box<dyn FnOnce(&Ctx)>;

/// One rendered campaign's state, shared by its event handlers. Its
/// listeners live as long as the campaign and are dropped by `destroy()`.
pub struct App {
    server: Server,
    session: SessionView,
    pub view: CampaignView,
    words: Words,
    /// The form's starting values by field key: the page's player as the
    /// server matched them to the form.
    pub prefill: BTreeMap<String, String>,
    /// The card, marked with the step shown.
    card: HtmlElement,
    /// The layer that holds the game's element, inert until it starts.
    game: HtmlElement,
    /// The row under the game with the play button.
    pub actions: HtmlElement,
    /// The sheet over the game that holds the form, if the campaign has one.
    sheet: HtmlElement,
    /// Over the game: the end panel, or a notice.
    panel: HtmlElement,
    /// The step shown.
    step: Cell<Step>,
    /// The game's `start`, until it is called.
    starter: RefCell<Option<Start>>,
    /// Where the registration stands; the play waits for it.
    registration: RefCell<Registration>,
    live: HtmlElement,
    listeners: Cell<Vec<Listener>>,
    on_event: Option<Function>,
    /// Whether `onEvent` has thrown: the page's developer is told once.
    on_event_threw: Cell<bool>,
    /// Whether a step was rate limited: the page's developer is told once.
    rate_limited: Cell<bool>,
    pub reduced_motion: bool,
    destroyed: Cell<bool>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("App")
    }
}

pub type Ctx = Rc<App>;

/// The step the card shows, mirrored in its `data-step` attribute for its
/// styles (and tests); no code reads the attribute back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Intro,
    Form,
    Play,
    End,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Self::Intro => "intro",
            Self::Form => "form",
            Self::Play => "play",
            Self::End => "end",
        }
    }
}

/// The least a game is scaled to at the end, in percent: its text stays
/// legible (the wheel's labels and the quiz's review at 11 px and up).
const END_SCALE: i32 = 75;

/// Where the visitor's registration stands. The game starts when the
/// visitor chooses to play; its play request waits here until the server
/// has registered them.
enum Registration {
    /// Not asked for yet, or answered: a play goes out at once.
    Open,
    /// Sent, or its form reopened for a field the server refused: the play
    /// that goes out once it is answered, if the game has asked for it.
    Waiting(Option<Later>),
    /// Refused (a play limit, a campaign ended): nothing more goes out.
    Refused,
}

/// An event listener added with web-sys, removed again by `destroy()`.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

/// What an event listener of the campaign runs.
pub type Handler = Box<dyn FnMut(&Ctx, &Event)>;

/// What runs once a step has its answer.
pub type Then<T> = Box<dyn FnOnce(&Ctx, T)>;

/// What runs later, once: a step sent when the registration is answered,
/// or again when the visitor asks.
type Later = Box<dyn FnOnce(&Ctx)>;

impl App {
    pub fn new(
        server: Server,
        session: SessionView,
        view: CampaignView,
        words: Words,
        prefill: BTreeMap<String, String>,
        card: Card,
        on_event: Option<Function>,
    ) -> Ctx {
        Rc::new(Self {
            server,
            session,
            view,
            words,
            prefill,
            card: card.card,
            game: card.game,
            actions: card.actions,
            sheet: card.sheet,
            panel: card.panel,
            step: Cell::new(Step::Intro),
            starter: RefCell::default(),
            registration: RefCell::new(Registration::Open),
            live: card.live,
            listeners: Cell::default(),
            on_event,
            on_event_threw: Cell::new(false),
            rate_limited: Cell::new(false),
            reduced_motion: dom::reduced_motion(),
            destroyed: Cell::new(false),
        })
    }

    /// One of the embed's own words.
    pub fn text(&self, text: UiText) -> &str {
        self.words.get(text)
    }

    /// One of the embed's own words, its placeholders filled in.
    pub fn fill(&self, text: UiText, values: &[(&str, &str)]) -> String {
        self.words.fill(text, values)
    }

    /// Listens for `kind` on `target` until the campaign is destroyed.
    pub fn on(self: &Rc<Self>, target: &EventTarget, kind: &'static str, mut f: Handler) {
        // A strong reference on purpose: the campaign stays playable even
        // when the page drops its handle; `destroy()` breaks the cycle.
        let app = self.clone();
        let listener = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            if !app.destroyed.get() {
                f(&app, &event);
            }
        });
        // Not passive (the default on the embed's own elements): the form
        // and the scratch card prevent the default.
        let _ = target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        let mut listeners = self.listeners.take();
        listeners.push((target.clone(), kind, listener));
        self.listeners.set(listeners);
    }

    /// Removes every listener; later callbacks do nothing.
    pub fn destroy(&self) {
        self.destroyed.set(true);
        for (target, kind, listener) in self.listeners.take() {
            let _ =
                target.remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
    }

    /// Marks the card with the step shown (`data-step`: `intro`, `form`,
    /// `play`, `end`), which its styles follow.
    fn step(&self, step: Step) {
        self.step.set(step);
        self.card.attr("data-step", step.name());
    }

    /// Puts the game's element on the stage, inert, until `start`.
    pub fn set_game(&self, game: Game) {
        self.game.add(&game.element);
        self.starter.replace(Some(game.start));
    }

    /// Puts the form on its sheet, hidden until `open_form`.
    pub fn set_form(&self, form: &HtmlElement) {
        self.sheet.add(form);
    }

    /// Shows `content` in the panel over the game (the end screen, a
    /// notice), and moves focus to `focus`, if given. The card keeps its
    /// size: the panel scrolls if it must.
    pub fn show(&self, content: &HtmlElement, focus: Option<&HtmlElement>) {
        self.panel.replace_children_with_node_1(content);
        if let Some(focus) = focus {
            dom::focus(focus);
        }
    }

    /// Tells screen readers, through the live region.
    pub fn announce(&self, text: &str) {
        self.live.set_text_content(Some(text));
    }

    /// Calls `onEvent(event)` with each of a step's `events`, in order, as
    /// the server sent them (the webhook bodies), never throwing.
    fn emit(&self, events: &JsValue) {
        let (Some(f), Some(events)) = (&self.on_event, events.dyn_ref::<Array>()) else {
            return;
        };
        for event in events.iter() {
            if f.call1(&JsValue::NULL, &event).is_err() && !self.on_event_threw.replace(true) {
                crate::warn(&Problem::new("the onEvent callback threw."));
            }
        }
    }

    /// A polite message in the panel over the game, e.g. a play limit
    /// reached: read out politely (`status`); a failure of the network or
    /// the server at once (`alert`).
    pub fn notice(&self, message: &str, code: &str) {
        let notice = dom::element("div", "notice", "");
        let urgent = code == UiText::Unavailable.key();
        notice.attr("role", if urgent { "alert" } else { "status" });
        if !code.is_empty() {
            notice.attr("data-code", code);
        }
        notice.add(&dom::element("p", "", message));
        self.show(&notice, None);
    }

    /// A step the server refused, or that failed: the refusal in the
    /// visitor's words, or an apology (and the details for the page's
    /// developer in the console).
    pub fn failed(&self, failure: &Failure) {
        // The refusals are named after the error codes they explain.
        let refusal = [
            UiText::CampaignNotStarted,
            UiText::CampaignEnded,
            UiText::PlayLimitReached,
            UiText::RateLimited,
        ]
        .into_iter()
        .find(|text| text.key() == failure.code);
        self.warn_rate_limited(failure);
        let text = refusal.unwrap_or_else(|| {
            crate::warn(&Problem::new(failure.message.as_str()));
            UiText::Unavailable
        });
        self.notice(self.text(text), &failure.code);
    }

    /// The one warning of a campaign whose steps were rate limited.
    fn warn_rate_limited(&self, failure: &Failure) {
        if failure.code == UiText::RateLimited.key() && !self.rate_limited.replace(true) {
            crate::warn(&Problem::of(&[
                "the Adact server is rate limiting this visitor: ",
                &failure.message,
            ]));
        }
    }

    /// Whether the campaign asks the visitor for details before playing.
    pub fn has_form(&self) -> bool {
        let form = &self.view.form;
        !form.fields.is_empty() || form.consent.is_some()
    }

    /// The player chose to play: the form, when there is one; else the
    /// game starts at once, and the registration goes beside it.
    pub fn start(self: &Rc<Self>) {
        if self.has_form() {
            self.step(Step::Form);
            if let Ok(Some(first)) = self.sheet.query_selector("input") {
                dom::focus(first.unchecked_ref());
            }
        } else {
            self.register(
                BTreeMap::new(),
                false,
                Box::new(|app, failure| app.failed(&failure)),
            );
            self.game();
        }
    }

    /// Sends the registration; the play waits for its answer. On success
    /// emits the player event. A field the server refused goes to
    /// `refused`; a failure of the network or the server offers to send it
    /// again; any other refusal is shown, and no play goes out.
    pub fn register(
        self: &Rc<Self>,
        fields: BTreeMap<String, String>,
        consent: bool,
        refused: Then<Failure>,
    ) {
        {
            let mut registration = self.registration.borrow_mut();
            if !matches!(*registration, Registration::Waiting(_)) {
                *registration = Registration::Waiting(None);
            }
        }
        let request = RegisterRequest {
            token: self.session.token.clone(),
            fields,
            consent,
        };
        self.send_register(request, refused);
    }

    fn send_register(self: &Rc<Self>, request: RegisterRequest, refused: Then<Failure>) {
        let app = self.clone();
        spawn_local(async move {
            let registered = app.server.register(&app.session.id, &request).await;
            match registered {
                _ if app.destroyed.get() => {}
                Ok((_, events)) => {
                    app.emit(&events);
                    let waiting = app.registration.replace(Registration::Open);
                    if let Registration::Waiting(Some(play)) = waiting {
                        play(&app);
                    }
                }
                Err(failure) if failure.fields.is_some() => refused(&app, failure),
                Err(failure) if failure.code == UiText::Unavailable.key() => {
                    app.offer_retry(
                        &failure,
                        Box::new(move |app| app.send_register(request, refused)),
                    );
                }
                Err(failure) => {
                    app.registration.replace(Registration::Refused);
                    app.failed(&failure);
                }
            }
        });
    }

    /// The form again, over the game, which waits inert.
    pub fn reopen_form(&self) {
        self.step(Step::Form);
        self.game.attr("inert", "");
    }

    /// The game, live and focused; started once, and shown again when its
    /// form was reopened for a field the server refused.
    pub fn game(self: &Rc<Self>) {
        self.game.remove_attr("inert");
        self.step(Step::Play);
        dom::focus(&self.game);
        if let Some(start) = self.starter.take() {
            start(self);
        }
    }

    /// Asks the server for the outcome, then runs `then`; shows a refusal
    /// politely instead, and a failure of the network or the server with a
    /// button that asks again.
    pub fn play(self: &Rc<Self>, answers: &[u32], then: Then<PlayResponse>) {
        let request = PlayRequest {
            token: self.session.token.clone(),
            answers: answers.to_vec(),
        };
        let send: Later = Box::new(move |app| app.send_play(request, then));
        let mut registration = self.registration.borrow_mut();
        match &mut *registration {
            Registration::Waiting(waiting) => *waiting = Some(send),
            Registration::Refused => {}
            Registration::Open => {
                drop(registration);
                send(self);
            }
        }
    }

    fn send_play(self: &Rc<Self>, request: PlayRequest, then: Then<PlayResponse>) {
        let app = self.clone();
        spawn_local(async move {
            let played = app.server.play(&app.session.id, &request).await;
            match played {
                // The page removed the campaign while the server answered.
                _ if app.destroyed.get() => {}
                Ok((result, events)) => {
                    app.emit(&events);
                    then(&app, result);
                }
                Err(failure) if failure.code == UiText::Unavailable.key() => {
                    app.offer_retry(&failure, Box::new(move |app| app.send_play(request, then)));
                }
                Err(failure) => app.failed(&failure),
            }
        });
    }

    /// A step that failed for the network or the server: the apology, and
    /// a button that takes it away and sends the step again (the server
    /// answers a repeated step as it did the first time).
    fn offer_retry(self: &Rc<Self>, failure: &Failure, again: Later) {
        self.failed(failure);
        let again = Cell::new(Some(again));
        let retry = action_button(
            self,
            "play retry",
            self.text(UiText::TryAgain),
            Box::new(move |app| {
                app.panel.replace_children_with_node_0();
                dom::focus(&app.game);
                if let Some(again) = again.take() {
                    again(app);
                }
            }),
        );
        if let Some(notice) = self.panel.first_element_child() {
            notice.add(&retry);
        }
        dom::focus(&retry);
    }

    /// The end screen, announced; tells the server the player got there.
    pub fn end(self: &Rc<Self>, result: &PlayResponse) {
        if self.destroyed.get() {
            return;
        }
        self.step(Step::End);
        // Played out, the game leaves the tab order and the controls it
        // had: the end panel says the result. The quiz's review stays, a
        // region to scroll and read.
        if !games::of(self.view.kind).read_at_end {
            self.game.attr("inert", "");
        }
        end::show(self, result);
        self.fit_game();
        let app = self.clone();
        let request = FinishRequest {
            token: self.session.token.clone(),
        };
        spawn_local(async move {
            match app.server.finish(&app.session.id, &request).await {
                Ok((_, events)) => app.emit(&events),
                // The end screen, with the prize's code, stays: the visitor
                // has nothing left to do.
                Err(failure) => app.warn_rate_limited(&failure),
            }
        });
    }

    /// Scales the game down into its room, if it needs to, so that it is
    /// seen whole; run when the card is drawn, at the end, and when the
    /// window's size changes. Before the end, its room is its cell of the
    /// stage (a long description or a logo can leave it less than the
    /// game's size); at the end, what the end panel leaves above it, where
    /// the intro's texts were, so that the result stays in view. A
    /// transform: the page's layout does not move.
    ///
    /// At the end, legible comes first: a game is made no smaller than
    /// [`END_SCALE`] percent, and what does not fit then goes under the end
    /// panel from the bottom, its top in view (the wheel's pointer and the
    /// slice under it, the box opened, the prize on the card). The quiz
    /// keeps its size and its review scrolls in the room.
    pub fn fit_game(&self) {
        let Some(game) = self.game.first_element_child() else {
            return;
        };
        let game: HtmlElement = game.unchecked_into();
        let ended = self.step.get() == Step::End;
        let panel = self.panel.first_element_child().filter(|_| ended);
        // All measured from the card's body, their positioned parent, and
        // without the transform: layout sizes.
        let (cell_top, room) = match &panel {
            Some(panel) => (0, panel.unchecked_ref::<HtmlElement>().offset_top() - 12),
            None => (self.game.offset_top(), self.game.client_height()),
        };
        let style = game.style();
        let scrolls = panel.is_some() && games::of(self.view.kind).read_at_end;
        if scrolls {
            dom::set_style(
                &style,
                "max-height",
                &dom::concat(&[&dom::decimal(room.max(0) as u32), "px"]),
            );
        }
        let (top, height) = (game.offset_top(), game.offset_height());
        if panel.is_none() && height <= room {
            // It fits (again, after a resize): an empty value removes them.
            dom::set_style(&style, "scale", "");
            dom::set_style(&style, "translate", "");
            return;
        }
        if room < 48 || height <= 0 {
            return;
        }
        let least = if panel.is_some() { END_SCALE } else { 0 };
        let percent = (room * 100 / height).clamp(least, 100);
        let shift = cell_top + (room - height * percent / 100).max(0) / 2 - top;
        dom::set_style(&style, "transform-origin", "50% 0");
        dom::set_style(
            &style,
            "scale",
            &dom::concat(&[&dom::decimal(percent as u32), "%"]),
        );
        let shift = if shift < 0 {
            dom::concat(&["0 -", &dom::decimal(shift.unsigned_abs()), "px"])
        } else {
            dom::concat(&["0 ", &dom::decimal(shift as u32), "px"])
        };
        dom::set_style(&style, "translate", &shift);
    }

    /// The labels of the wheel's slices and the boxes: the prizes and "no
    /// prize", in order.
    pub fn outcomes(&self) -> Vec<(Option<&str>, &str)> {
        let mut list: Vec<_> = self
            .view
            .prizes
            .iter()
            .map(|p| (Some(p.id.as_str()), p.name.as_str()))
            .collect();
        list.push((None, self.view.no_prize_label.as_str()));
        list
    }

    /// The label of the outcome drawn: its prize, or "no prize".
    pub fn outcome_label<'a>(&'a self, result: &'a PlayResponse) -> &'a str {
        result
            .prize
            .as_ref()
            .map_or(self.view.no_prize_label.as_str(), |p| p.name.as_str())
    }
}

/// A button clicked once: the handler runs once even on a double click,
/// and the button is disabled meanwhile.
pub fn action_button(app: &Ctx, class: &str, text: &str, f: Box<dyn Fn(&Ctx)>) -> HtmlElement {
    let b = dom::button(class, text);
    on_click_once(app, &b, f);
    b
}

/// Runs `f` when `button` is clicked while enabled, and disables it.
pub fn on_click_once(app: &Ctx, button: &HtmlElement, f: Box<dyn Fn(&Ctx)>) {
    let me = button.clone();
    app.on(
        button,
        "click",
        Box::new(move |app, _| {
            if !me.has_attribute("disabled") {
                me.attr("disabled", "");
                f(app);
            }
        }),
    );
}

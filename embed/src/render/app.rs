//! The play flow: intro → registration form → the game → end screen. The
//! server decides every outcome; the game only shows it.
//!
//! The game is on the card from the first screen to the last, in one place,
//! and the card keeps its size throughout: the intro shows the game itself
//! (inert) with the play button under it; the registration form is a sheet
//! over the game; the game then starts at once, without a second button;
//! the end panel goes over the game, which keeps its result in view.
//!
//! The flow names no game: it draws the campaign's kind from the table in
//! `games`, and runs it as the contract in `game` says ([`App`] is the
//! [`Flow`] a game asks for its outcome).

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
    future::{Future, pending},
    pin::Pin,
    rc::Rc,
};

use adact_wire::{
    CampaignView, FinishRequest, PlayRequest, PlayResponse, RegisterRequest, SessionView, UiText,
};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Event, EventTarget, HtmlElement};

use super::{
    card::Card,
    end,
    game::{self, Ctx, Flow, Handler},
    games,
};
use crate::{
    Problem,
    api::{self, Failure, Server},
    dom::{self, ElementExt as _},
    text::Words,
};

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
    /// The game played, until it starts.
    starter: RefCell<Option<Pin<Box<dyn Future<Output = PlayResponse>>>>>,
    /// Whether the game keeps something to read at the end: its row's
    /// `read_at_end`.
    read_at_end: bool,
    /// Resolved once the server has registered the visitor, and the function
    /// that resolves it: the play waits for it. A refused registration never
    /// resolves it, and no play goes out.
    registered: (Promise, Function),
    live: HtmlElement,
    listeners: Cell<Vec<Listener>>,
    on_event: Option<Function>,
    /// Whether `onEvent` has thrown: the page's developer is told once.
    on_event_threw: Cell<bool>,
    /// Whether a step was rate limited: the page's developer is told once.
    rate_limited: Cell<bool>,
    reduced_motion: bool,
    destroyed: Cell<bool>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("App")
    }
}

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

/// An event listener added with web-sys, removed again by `destroy()`.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

impl Flow for App {
    fn view(&self) -> &CampaignView {
        &self.view
    }

    fn words(&self) -> &Words {
        &self.words
    }

    fn reduced_motion(&self) -> bool {
        self.reduced_motion
    }

    fn announce(&self, text: &str) {
        self.live.set_text_content(Some(text));
    }

    fn on(&self, target: &EventTarget, kind: &'static str, f: Handler) {
        // The handler may hold the campaign: the campaign then stays
        // playable even when the page drops its handle, and `destroy()`
        // breaks the cycle.
        let listener = Closure::wrap(f);
        // Not passive (the default on the embed's own elements): the form
        // and the scratch card prevent the default.
        let _ = target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        let mut listeners = self.listeners.take();
        listeners.push((target.clone(), kind, listener));
        self.listeners.set(listeners);
    }

    fn play(&self, answers: Vec<u32>) -> Pin<Box<dyn Future<Output = PlayResponse> + '_>> {
        Box::pin(async move {
            let _ = JsFuture::from(self.registered.0.clone()).await;
            let body = api::encode(&PlayRequest {
                token: self.session.token.clone(),
                answers,
            });
            loop {
                match self.send("play", &body).await.and_then(api::decode) {
                    Ok(result) => return result,
                    // An answer the embed cannot read, as a failure of the
                    // server.
                    Err(failure) if failure.code == UiText::Unavailable.key() => {
                        self.offer_retry(&failure).await;
                    }
                    Err(failure) => {
                        self.failed(&failure);
                        return pending().await;
                    }
                }
            }
        })
    }
}

impl App {
    /// The campaign's flow, its game drawn from the table of games, inert,
    /// from the intro on.
    pub fn new(
        server: Server,
        session: SessionView,
        view: CampaignView,
        words: Words,
        prefill: BTreeMap<String, String>,
        card: Card,
        on_event: Option<Function>,
    ) -> Rc<Self> {
        let kind = games::of(view.kind);
        let app = Rc::new(Self {
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
            read_at_end: kind.read_at_end,
            registered: dom::promise(),
            live: card.live,
            listeners: Cell::default(),
            on_event,
            on_event_threw: Cell::new(false),
            rate_limited: Cell::new(false),
            reduced_motion: dom::reduced_motion(),
            destroyed: Cell::new(false),
        });
        let ctx: Ctx = app.clone();
        let game = (kind.draw)(&ctx);
        app.game.add(&game.element);
        app.starter.replace(Some(game.play));
        app
    }

    /// Removes every listener; later answers of the server do nothing.
    pub fn destroy(&self) {
        self.destroyed.set(true);
        // A game never started holds the campaign too.
        self.starter.take();
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

    /// Puts the form on its sheet, hidden until the visitor chooses to play.
    pub fn set_form(&self, form: &HtmlElement) {
        self.sheet.add(form);
    }

    /// The play button, under the game: it starts the campaign, once.
    pub fn play_button(self: &Rc<Self>) {
        let play = dom::button("play", &self.view.texts.play_button);
        let app = self.clone();
        game::on_click_once(&**self, &play, Box::new(move || app.start()));
        self.actions.add(&play);
    }

    /// Shows `content` in the panel over the game (the end screen, a
    /// notice), and moves focus to `focus`, if given. The card keeps its
    /// size: the panel scrolls if it must.
    fn show(&self, content: &HtmlElement, focus: Option<&HtmlElement>) {
        self.panel.replace_children_with_node_1(content);
        if let Some(focus) = focus {
            dom::focus(focus);
        }
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
            let app = self.clone();
            spawn_local(async move {
                if let Err(failure) = app.register(BTreeMap::new(), false).await {
                    app.failed(&failure);
                }
            });
            self.game();
        }
    }

    /// Sends the registration; the play waits for its answer. On success
    /// emits the player event. A failure of the network or the server
    /// offers to send it again; a field the server refused is the error;
    /// any other refusal is shown, and then neither it nor the play ever
    /// resolves.
    pub async fn register(
        &self,
        fields: BTreeMap<String, String>,
        consent: bool,
    ) -> Result<(), Failure> {
        let body = api::encode(&RegisterRequest {
            token: self.session.token.clone(),
            fields,
            consent,
        });
        match self.send("register", &body).await {
            Ok(_) => {
                let _ = self.registered.1.call0(&JsValue::NULL);
                Ok(())
            }
            Err(failure) if failure.fields.is_some() => Err(failure),
            Err(failure) => {
                self.failed(&failure);
                pending().await
            }
        }
    }

    /// Sends a step (`register`, `play`) until it is answered, emits the
    /// events it recorded, and resolves with its answer; a failure of the
    /// network or the server offers Try again, and sends it again (the
    /// server answers a repeated step as it did the first time). Never
    /// resolves once the page removed the campaign.
    async fn send(&self, step: &str, body: &JsValue) -> Result<JsValue, Failure> {
        loop {
            let answer = self.server.step(&self.session.id, step, body).await;
            if self.destroyed.get() {
                return pending().await;
            }
            match answer {
                Ok(answer) => {
                    self.emit(&api::events(&answer));
                    return Ok(answer);
                }
                Err(failure) if failure.code == UiText::Unavailable.key() => {
                    self.offer_retry(&failure).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    /// A step that failed for the network or the server: the apology, and
    /// a button; resolves when it is pressed, the apology taken away.
    async fn offer_retry(&self, failure: &Failure) {
        self.failed(failure);
        let retry = dom::button("play retry", self.text(UiText::TryAgain));
        if let Some(notice) = self.panel.first_element_child() {
            notice.add(&retry);
        }
        dom::focus(&retry);
        game::chosen(self, &[retry]).await;
        self.panel.replace_children_with_node_0();
        dom::focus(&self.game);
    }

    /// The form again, over the game, which waits inert.
    pub fn reopen_form(&self) {
        self.step(Step::Form);
        self.game.attr("inert", "");
    }

    /// The game, live and focused; started once, and shown again when its
    /// form was reopened for a field the server refused. Once the game has
    /// shown its outcome, the end screen.
    pub fn game(self: &Rc<Self>) {
        self.game.remove_attr("inert");
        self.step(Step::Play);
        dom::focus(&self.game);
        if let Some(play) = self.starter.take() {
            let app = self.clone();
            spawn_local(async move {
                let result = play.await;
                app.end(&result).await;
            });
        }
    }

    /// The end screen, announced; tells the server the player got there.
    async fn end(self: &Rc<Self>, result: &PlayResponse) {
        if self.destroyed.get() {
            return;
        }
        self.step(Step::End);
        // Played out, the game leaves the tab order and the controls it
        // had: the end panel says the result. The quiz's review stays, a
        // region to scroll and read.
        if !self.read_at_end {
            self.game.attr("inert", "");
        }
        let ctx: Ctx = self.clone();
        let (screen, heading, announcement) = end::build(&ctx, result);
        self.show(&screen, Some(&heading));
        self.announce(&announcement);
        self.fit_game();
        let body = api::encode(&FinishRequest {
            token: self.session.token.clone(),
        });
        match self.server.step(&self.session.id, "finish", &body).await {
            Ok(answer) => self.emit(&api::events(&answer)),
            // The end screen, with the prize's code, stays: the visitor
            // has nothing left to do.
            Err(failure) => self.warn_rate_limited(&failure),
        }
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
        let scrolls = panel.is_some() && self.read_at_end;
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
}

//! The play flow: intro → registration form → the game → end screen. The
//! server decides every outcome; the game only shows it.

use alloc::{boxed::Box, rc::Rc, string::String, vec, vec::Vec};
use core::cell::Cell;

use adact_wire::{CampaignKind, CampaignView, PlayResponse, UiText};
use wasm_bindgen::JsValue;

use super::{card::Card, end, form, giftbox, quiz, scratch, wheel};
use crate::{
    Problem,
    api::{Failure, Server},
    dom::{self, Element, Event, Function, Listener, Node, object},
    text::Words,
};

/// One rendered campaign's state, shared by its event handlers. Its
/// listeners live as long as the campaign and are dropped by `destroy()`.
pub struct App {
    server: Server,
    session_id: String,
    token: String,
    pub view: CampaignView,
    words: Words,
    /// The area under the title that each step replaces.
    pub stage: Element,
    live: Element,
    listeners: Cell<Vec<Listener>>,
    on_event: Option<Function>,
    /// Whether `onEvent` has thrown: the page's developer is told once.
    on_event_threw: Cell<bool>,
    pub reduced_motion: bool,
    destroyed: Cell<bool>,
}

impl core::fmt::Debug for App {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("App")
    }
}

pub type Ctx = Rc<App>;

/// What an event listener of the campaign runs.
pub type Handler = Box<dyn FnMut(&Ctx, Event)>;

/// What runs once a step has its answer.
pub type Then<T> = Box<dyn FnOnce(&Ctx, T)>;

impl App {
    pub fn new(
        server: Server,
        [session_id, token]: [String; 2],
        view: CampaignView,
        words: Words,
        card: Card,
        on_event: Option<Function>,
    ) -> Ctx {
        Rc::new(Self {
            server,
            session_id,
            token,
            view,
            words,
            stage: card.stage,
            live: card.live,
            listeners: Cell::default(),
            on_event,
            on_event_threw: Cell::new(false),
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
    pub fn on(self: &Rc<Self>, target: &Node, kind: &'static str, mut f: Handler) {
        // A strong reference on purpose: the campaign stays playable even
        // when the page drops its handle; `destroy()` breaks the cycle.
        let app = self.clone();
        let listener = Listener::new(
            target,
            kind,
            Box::new(move |event| {
                if !app.destroyed.get() {
                    f(&app, event);
                }
            }),
        );
        let mut listeners = self.listeners.take();
        listeners.push(listener);
        self.listeners.set(listeners);
    }

    /// Removes every listener; later callbacks do nothing.
    pub fn destroy(&self) {
        self.destroyed.set(true);
        drop(self.listeners.take());
    }

    /// Replaces the stage's content and moves focus to `focus`, if given.
    pub fn show(&self, content: &Element, focus: Option<&Element>) {
        self.stage.replace_children(content);
        if let Some(focus) = focus {
            focus.focus();
        }
    }

    /// Tells screen readers, through the live region.
    pub fn announce(&self, text: &str) {
        self.live.set_text(text);
    }

    /// Calls `onEvent({type, campaignId, sessionId, ...})`, never throwing.
    fn emit(&self, kind: &str, extra: &[(&str, JsValue)]) {
        let Some(f) = &self.on_event else { return };
        let event = object(&[
            ("type", kind.into()),
            ("campaignId", self.view.id.as_str().into()),
            ("sessionId", self.session_id.as_str().into()),
        ]);
        for (key, value) in extra {
            dom::set(&event, key, value);
        }
        if f.try_call(&JsValue::NULL, &event).is_err() && !self.on_event_threw.replace(true) {
            crate::warn(&Problem::new("the onEvent callback threw."));
        }
    }

    /// A polite message in place of the game, e.g. a play limit reached.
    pub fn notice(&self, message: &str, code: &str) {
        let notice = dom::element("div", "notice", "");
        notice.set_attribute("role", "alert");
        if !code.is_empty() {
            notice.set_attribute("data-code", code);
        }
        notice.append(&dom::element("p", "", message));
        self.show(&notice, None);
    }

    /// A step the server refused, or that failed: the refusal in the
    /// visitor's words, or an apology (and the details for the page's
    /// developer in the console).
    pub fn failed(&self, failure: &Failure) {
        let text = match failure.code.as_str() {
            "campaign_not_started" => UiText::CampaignNotStarted,
            "campaign_ended" => UiText::CampaignEnded,
            "play_limit_reached" => UiText::PlayLimitReached,
            _ => {
                crate::warn(&Problem::new(failure.message.as_str()));
                UiText::Unavailable
            }
        };
        self.notice(self.text(text), &failure.code);
    }

    /// The player chose to play: register (with the form when there is one),
    /// then the game.
    pub fn start(self: &Rc<Self>) {
        let form = &self.view.form;
        if form.fields.is_empty() && form.consent.is_none() {
            self.register(
                Vec::new(),
                false,
                Box::new(|app, registered| {
                    if registered.is_ok() {
                        app.game();
                    }
                }),
            );
        } else {
            form::show(self);
        }
    }

    /// Sends the registration; on success emits the player event. A
    /// failure without fields is shown in place of the form.
    pub fn register(
        self: &Rc<Self>,
        fields: Vec<(String, String)>,
        consent: bool,
        then: Then<Result<(), Failure>>,
    ) {
        let app = self.clone();
        self.server.register(
            &self.session_id,
            &self.token,
            &fields,
            consent,
            Box::new(move |registered| {
                if app.destroyed.get() {
                    return;
                }
                let registered = registered.map(|(created, player_id)| {
                    let kind = if created {
                        "player.created"
                    } else {
                        "player.updated"
                    };
                    app.emit(kind, &[("playerId", player_id.into())]);
                });
                if let Err(failure) = &registered
                    && failure.fields.is_empty()
                {
                    app.failed(failure);
                }
                then(&app, registered);
            }),
        );
    }

    /// Shows the campaign's game.
    pub fn game(self: &Rc<Self>) {
        match self.view.kind {
            CampaignKind::Wheel => wheel::show(self),
            CampaignKind::Scratch => scratch::show(self),
            CampaignKind::Giftbox => giftbox::show(self),
            CampaignKind::Quiz => quiz::show(self),
        }
    }

    /// Asks the server for the outcome, then runs `then`; shows a failure
    /// politely instead.
    pub fn play(self: &Rc<Self>, answers: &[u32], then: Then<PlayResponse>) {
        let app = self.clone();
        self.server.play(
            &self.session_id,
            &self.token,
            answers,
            Box::new(move |played| match played {
                // The page removed the campaign while the server answered.
                _ if app.destroyed.get() => {}
                Ok(result) => {
                    let mut extra = vec![("playId", result.play_id.as_str().into())];
                    if let Some(prize) = &result.prize {
                        extra.push(("prize", prize.name.as_str().into()));
                    }
                    app.emit("game.ended", &extra);
                    if let (Some(prize), Some(code)) = (&result.prize, &result.code) {
                        app.emit(
                            "prize.assigned",
                            &[
                                ("prize", prize.name.as_str().into()),
                                ("code", code.as_str().into()),
                            ],
                        );
                    }
                    then(&app, result);
                }
                Err(failure) => app.failed(&failure),
            }),
        );
    }

    /// The end screen, announced; tells the server the player got there.
    pub fn end(self: &Rc<Self>, result: &PlayResponse) {
        if self.destroyed.get() {
            return;
        }
        end::show(self, result);
        let app = self.clone();
        self.server.finish(
            &self.session_id,
            &self.token,
            Box::new(move |finished| {
                if finished {
                    app.emit("gameplay.finished", &[]);
                }
            }),
        );
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
pub fn action_button(app: &Ctx, class: &str, text: &str, f: Box<dyn Fn(&Ctx)>) -> Element {
    let b = dom::button(class, text);
    let me = b.clone();
    app.on(
        &b,
        "click",
        Box::new(move |app, _| {
            if !me.has_attribute("disabled") {
                me.set_attribute("disabled", "");
                f(app);
            }
        }),
    );
    b
}

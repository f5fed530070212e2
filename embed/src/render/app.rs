//! The play flow: intro → registration form → the game → end screen. The
//! server decides every outcome; the game only shows it.

use std::{cell::Cell, collections::BTreeMap, rc::Rc};

use adact_wire::{
    CampaignKind, CampaignView, FinishRequest, PlayRequest, PlayResponse, RegisterRequest,
    SessionView, UiText,
};
use js_sys::{Array, Function};
use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, EventTarget, HtmlElement};

use super::{card::Card, end, form, giftbox, quiz, scratch, wheel};
use crate::{
    Problem,
    api::{Failure, Server},
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
    /// The area under the title that each step replaces.
    pub stage: HtmlElement,
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

/// An event listener added with web-sys, removed again by `destroy()`.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

/// What an event listener of the campaign runs.
pub type Handler = Box<dyn FnMut(&Ctx, &Event)>;

/// What runs once a step has its answer.
pub type Then<T> = Box<dyn FnOnce(&Ctx, T)>;

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
            stage: card.stage,
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

    /// Replaces the stage's content and moves focus to `focus`, if given.
    pub fn show(&self, content: &HtmlElement, focus: Option<&HtmlElement>) {
        self.stage.replace_children_with_node_1(content);
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

    /// A polite message in place of the game, e.g. a play limit reached.
    pub fn notice(&self, message: &str, code: &str) {
        let notice = dom::element("div", "notice", "");
        notice.attr("role", "alert");
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

    /// The player chose to play: register (with the form when there is one),
    /// then the game.
    pub fn start(self: &Rc<Self>) {
        let form = &self.view.form;
        if form.fields.is_empty() && form.consent.is_none() {
            self.register(
                BTreeMap::new(),
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
        fields: BTreeMap<String, String>,
        consent: bool,
        then: Then<Result<(), Failure>>,
    ) {
        let app = self.clone();
        let request = RegisterRequest {
            token: self.session.token.clone(),
            fields,
            consent,
        };
        spawn_local(async move {
            let registered = app.server.register(&app.session.id, &request).await;
            if app.destroyed.get() {
                return;
            }
            let registered = registered.map(|(_, events)| app.emit(&events));
            if let Err(failure) = &registered
                && failure.fields.is_none()
            {
                app.failed(failure);
            }
            then(&app, registered);
        });
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
        let request = PlayRequest {
            token: self.session.token.clone(),
            answers: answers.to_vec(),
        };
        spawn_local(async move {
            let played = app.server.play(&app.session.id, &request).await;
            match played {
                // The page removed the campaign while the server answered.
                _ if app.destroyed.get() => {}
                Ok((result, events)) => {
                    app.emit(&events);
                    then(&app, result);
                }
                Err(failure) => app.failed(&failure),
            }
        });
    }

    /// The end screen, announced; tells the server the player got there.
    pub fn end(self: &Rc<Self>, result: &PlayResponse) {
        if self.destroyed.get() {
            return;
        }
        end::show(self, result);
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
    let me = b.clone();
    app.on(
        &b,
        "click",
        Box::new(move |app, _| {
            if !me.has_attribute("disabled") {
                me.attr("disabled", "");
                f(app);
            }
        }),
    );
    b
}

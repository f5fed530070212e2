//! The play flow: intro → registration form → the game → end screen. The
//! server decides every outcome; the game only shows it.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use adact_wire::{
    CampaignKind, CampaignView, FinishRequest, PlayRequest, PlayResponse, RegisterRequest,
    SessionView,
};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, Event, EventTarget, HtmlElement};

use super::{
    end, form, giftbox, quiz, scratch, wheel,
    widgets::{Listener, button, element, reduced_motion},
};
use crate::{
    Problem,
    api::{Failure, Server},
};

/// One rendered campaign's state, shared by its event handlers. Its
/// listeners live as long as the campaign and are dropped by `destroy()`.
pub struct App {
    pub document: Document,
    pub server: Server,
    pub view: CampaignView,
    pub session: SessionView,
    /// The area under the title that each step replaces.
    pub stage: HtmlElement,
    live: HtmlElement,
    listeners: RefCell<Vec<Listener>>,
    on_event: Option<Function>,
    pub reduced_motion: bool,
    destroyed: Cell<bool>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("App")
    }
}

pub type Ctx = Rc<App>;

impl App {
    pub fn new(
        document: Document,
        server: Server,
        view: CampaignView,
        session: SessionView,
        stage: HtmlElement,
        live: HtmlElement,
        on_event: Option<Function>,
    ) -> Ctx {
        Rc::new(Self {
            document,
            server,
            view,
            session,
            stage,
            live,
            listeners: RefCell::new(Vec::new()),
            on_event,
            reduced_motion: reduced_motion(),
            destroyed: Cell::new(false),
        })
    }

    /// Listens for `kind` on `target` until the campaign is destroyed.
    pub fn on(
        self: &Rc<Self>,
        target: &EventTarget,
        kind: &'static str,
        mut f: impl FnMut(&Ctx, Event) + 'static,
    ) -> Result<(), Problem> {
        // A strong reference on purpose: the campaign stays playable even
        // when the page drops its handle; `destroy()` breaks the cycle.
        let app = self.clone();
        let listener = Listener::new(target, kind, move |event| {
            if !app.destroyed.get() {
                f(&app, event);
            }
        })?;
        self.listeners.borrow_mut().push(listener);
        Ok(())
    }

    /// Removes every listener; later callbacks do nothing.
    pub fn destroy(&self) {
        self.destroyed.set(true);
        self.listeners.borrow_mut().clear();
    }

    pub fn is_destroyed(&self) -> bool {
        self.destroyed.get()
    }

    /// Replaces the stage's content and moves focus to `focus`, if given.
    pub fn show(&self, content: &Element, focus: Option<&HtmlElement>) {
        self.stage.replace_children_with_node_1(content);
        if let Some(focus) = focus {
            let _ = focus.focus();
        }
    }

    /// Tells screen readers, through the live region.
    pub fn announce(&self, text: &str) {
        self.live.set_text_content(Some(text));
    }

    /// Calls `onEvent({type, campaignId, sessionId, ...})`, never throwing.
    pub fn emit(&self, kind: &str, extra: &[(&str, JsValue)]) {
        let Some(f) = &self.on_event else { return };
        let event = Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&event, &JsValue::from_str(k), v);
        };
        set("type", &kind.into());
        set("campaignId", &self.view.id.as_str().into());
        set("sessionId", &self.session.id.as_str().into());
        for (k, v) in extra {
            set(k, v);
        }
        if f.call1(&JsValue::NULL, &event).is_err() {
            web_sys::console::warn_1(&"Adact: the onEvent callback threw.".into());
        }
    }

    /// A polite message in place of the game, e.g. a play limit reached.
    pub fn notice(self: &Rc<Self>, message: &str) {
        self.notice_with_code(message, "");
    }

    fn notice_with_code(self: &Rc<Self>, message: &str, code: &str) {
        let Ok(box_) = element(&self.document, "div", "notice", None) else {
            return;
        };
        let _ = box_.set_attribute("role", "alert");
        if !code.is_empty() {
            let _ = box_.set_attribute("data-code", code);
        }
        if let Ok(p) = element(&self.document, "p", "", Some(message)) {
            let _ = box_.append_child(&p);
        }
        self.show(&box_, None);
    }

    pub fn failed(self: &Rc<Self>, failure: &Failure) {
        self.notice_with_code(&failure.message, &failure.code);
    }

    /// The player chose to play: register (with the form when there is one),
    /// then the game.
    pub fn start(self: &Rc<Self>) {
        let form = &self.view.form;
        if form.fields.is_empty() && form.consent.is_none() {
            let app = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if app.register(RegisterRequest::default()).await.is_ok() {
                    app.game();
                }
            });
        } else if let Err(Problem(message)) = form::show(self) {
            self.notice(&message);
        }
    }

    /// Sends the registration; on success emits the player event.
    pub async fn register(self: &Rc<Self>, mut request: RegisterRequest) -> Result<(), Failure> {
        request.token = self.session.token.clone();
        match self.server.register(&self.session.id, &request).await {
            Ok(response) => {
                let kind = if response.created {
                    "player.created"
                } else {
                    "player.updated"
                };
                self.emit(kind, &[("playerId", response.player_id.as_str().into())]);
                Ok(())
            }
            Err(failure) => {
                if failure.fields.is_empty() {
                    self.failed(&failure);
                }
                Err(failure)
            }
        }
    }

    /// Shows the campaign's game.
    pub fn game(self: &Rc<Self>) {
        let shown = match self.view.kind {
            CampaignKind::Wheel => wheel::show(self),
            CampaignKind::Scratch => scratch::show(self),
            CampaignKind::Giftbox => giftbox::show(self),
            CampaignKind::Quiz => quiz::show(self),
        };
        if let Err(Problem(message)) = shown {
            self.notice(&message);
        }
    }

    /// Asks the server for the outcome; shows a failure politely.
    pub async fn play(self: &Rc<Self>, answers: Vec<u32>) -> Option<PlayResponse> {
        let request = PlayRequest {
            token: self.session.token.clone(),
            answers,
        };
        match self.server.play(&self.session.id, &request).await {
            Ok(result) => {
                let mut extra = vec![("playId", JsValue::from_str(&result.play_id))];
                if let Some(prize) = &result.prize {
                    extra.push(("prize", prize.name.as_str().into()));
                }
                self.emit("game.ended", &extra);
                if let (Some(prize), Some(code)) = (&result.prize, &result.code) {
                    self.emit(
                        "prize.assigned",
                        &[
                            ("prize", prize.name.as_str().into()),
                            ("code", code.as_str().into()),
                        ],
                    );
                }
                Some(result)
            }
            Err(failure) => {
                self.failed(&failure);
                None
            }
        }
    }

    /// The end screen, announced; tells the server the player got there.
    pub fn end(self: &Rc<Self>, result: &PlayResponse) {
        if self.is_destroyed() {
            return;
        }
        if let Err(Problem(message)) = end::show(self, result) {
            self.notice(&message);
            return;
        }
        let app = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let request = FinishRequest {
                token: app.session.token.clone(),
            };
            if app.server.finish(&app.session.id, &request).await.is_ok() {
                app.emit("gameplay.finished", &[]);
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
}

/// A primary button, clicked once: the handler runs once even on a double
/// click, and the button is disabled meanwhile.
pub fn action_button(
    app: &Ctx,
    text: &str,
    f: impl Fn(&Ctx) + 'static,
) -> Result<HtmlElement, Problem> {
    let b = button(&app.document, "play", text)?;
    let target: &EventTarget = b.as_ref();
    let me = b.clone();
    app.on(target, "click", move |app, _| {
        if me.has_attribute("disabled") {
            return;
        }
        let _ = me.set_attribute("disabled", "");
        f(app);
    })?;
    Ok(b)
}

//! Drawing a campaign into the page, inside an open shadow root so that the
//! page's CSS and ours never meet. Every campaign text goes in as text.

use std::rc::Rc;

use adact_wire::{CampaignKind, RenderResponse, Theme, is_hex_colour};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use self::game::Flow as _;
use crate::{
    Problem,
    api::Server,
    dom::{self, ElementExt as _},
    options::Container,
    text::Words,
};

mod app;
mod card;
mod end;
mod form;
mod game;
mod games;

/// The element the shadow root hangs from. A custom tag, so page rules for
/// `div` or `section` do not match it.
const HOST_TAG: &str = "adact-campaign";

/// Where the campaign goes, decided before anything is fetched.
#[derive(Debug)]
pub enum Place {
    /// Inside this element, at its end.
    Inside(Element),
    /// Right after the `<script>` that called `renderAdact`.
    After(Element),
}

impl Place {
    pub fn find(container: Option<&Container>, anchor: Option<Element>) -> Result<Self, Problem> {
        match container {
            Some(Container::Element(element)) => Ok(Self::Inside(element.clone())),
            Some(Container::Selector(selector)) => match dom::document().query_selector(selector) {
                Ok(Some(element)) => Ok(Self::Inside(element)),
                Ok(None) => Err(Problem::of(&[
                    "no element matches the container selector \"",
                    selector,
                    "\".",
                ])),
                Err(_) => Err(Problem::of(&[
                    "the container \"",
                    selector,
                    "\" is not a valid CSS selector.",
                ])),
            },
            None => match anchor.filter(|a| a.is_connected()) {
                Some(script) => Ok(Self::After(script)),
                None => dom::document()
                    .body()
                    .map(|body| Self::Inside(body.into()))
                    .ok_or_else(|| Problem::new("the page has no <body> to render into.")),
            },
        }
    }
}

/// A rendered campaign, as `renderAdact` resolves it for the host page.
#[wasm_bindgen(js_name = AdactCampaign)]
#[derive(Debug)]
pub struct Campaign {
    host: Element,
    campaign_id: String,
    segment: String,
    app: Rc<app::App>,
}

#[wasm_bindgen(js_class = AdactCampaign)]
impl Campaign {
    /// Removes the campaign from the page and its listeners.
    pub fn destroy(&self) {
        self.app.destroy();
        self.host.remove();
    }

    /// The id of the campaign shown.
    #[wasm_bindgen(getter, js_name = campaignId)]
    pub fn campaign_id(&self) -> String {
        self.campaign_id.clone()
    }

    /// The segment it was rendered for.
    #[wasm_bindgen(getter)]
    pub fn segment(&self) -> String {
        self.segment.clone()
    }
}

/// The element a campaign is drawn into. It is placed as soon as the call
/// runs, empty, so that campaigns appear in the order `renderAdact` was
/// called even when their responses arrive out of order.
#[derive(Debug)]
pub struct Host {
    element: Element,
    root: ShadowRoot,
    /// The loader's: the loader takes it out when nothing renders.
    adopted: bool,
}

impl Host {
    pub fn mount(place: &Place) -> Self {
        let element: Element = dom::element(HOST_TAG, "", "").into();
        let root = element
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .unwrap_throw();
        match place {
            Place::Inside(parent) => parent.add(&element),
            Place::After(script) => {
                let _ = script.after_with_node_1(&element);
            }
        }
        Self {
            element,
            root,
            adopted: false,
        }
    }

    /// The loader's placeholder, already in place with its shadow root, if
    /// it is still on the page.
    pub fn adopt(element: Element) -> Option<Self> {
        let root = element.shadow_root().filter(|_| element.is_connected())?;
        Some(Self {
            element,
            root,
            adopted: true,
        })
    }

    /// Draws the campaign, built off-page and attached in one step.
    pub fn fill(
        &self,
        response: RenderResponse,
        server: Server,
        on_event: Option<Function>,
    ) -> Result<Campaign, Problem> {
        let RenderResponse {
            segment,
            campaign,
            session,
            notice,
            locale,
            strings,
            prefill,
        } = response;
        let words = Words::new(&strings).map_err(|key| {
            Problem::of(&[
                "unexpected answer from the Adact server: no text `",
                key,
                "`.",
            ])
        })?;
        let style = dom::element("style", "", &stylesheet(campaign.kind));
        let card = card::build(&campaign, &locale);
        apply_theme(&card.card, &campaign.theme);
        self.element.attr("data-kind", campaign.kind.as_str());
        let campaign_id = campaign.id.clone();
        let root = card.card.clone();
        // The game is shown from the intro on; the form's sheet is there
        // from the start too, hidden, so that the card keeps its size.
        let app = app::App::new(server, session, campaign, words, prefill, card, on_event);
        match &notice {
            Some(notice) => app.notice(&notice.message, ""),
            None => {
                if app.has_form() {
                    form::build(&app);
                }
                app.play_button();
            }
        }
        // The loader's skeleton gives way to the card, in the same frame.
        self.root.set_text_content(None);
        let _ = self.root.append_child(&style);
        let _ = self.root.append_child(&root);
        // Measured in the frame's own layout, not one forced here.
        let fit = app.clone();
        dom::next_frame(Box::new(move || fit.fit_game()));
        let fit = app.clone();
        app.on(
            dom::window().as_ref(),
            "resize",
            Box::new(move |_| fit.fit_game()),
        );
        self.element.attr("data-campaign", &campaign_id);
        Ok(Campaign {
            host: self.element.clone(),
            campaign_id,
            segment: segment.title,
            app,
        })
    }

    /// Takes the empty host out again when there is nothing to show, if it
    /// is its own (the loader takes out its own when the page allows).
    pub fn remove(&self) {
        if !self.adopted {
            self.element.remove();
        }
    }
}

/// The card's styles with those of its steps and of its kind of game.
fn stylesheet(kind: CampaignKind) -> String {
    dom::concat(&[card::CSS, form::CSS, end::CSS, games::of(kind).css])
}

/// Sets the theme as CSS custom properties. The server validates colours;
/// checking again here keeps a bad value from ever reaching a style.
fn apply_theme(view: &HtmlElement, theme: &Theme) {
    let style = view.style();
    for (property, value) in [
        ("--adact-primary", &theme.primary),
        ("--adact-background", &theme.background),
        ("--adact-text", &theme.text),
    ] {
        if is_hex_colour(value) {
            dom::set_style(&style, property, value);
        }
    }
}

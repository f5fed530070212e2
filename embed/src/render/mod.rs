//! Drawing a campaign into the page, inside an open shadow root so that the
//! page's CSS and ours never meet. Every campaign text goes in as text.

use std::rc::Rc;

use adact_wire::{RenderResponse, Theme};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::{Problem, api::Server, options::Container};

mod app;
mod card;
mod end;
mod form;
mod giftbox;
mod quiz;
mod scratch;
mod wheel;
mod widgets;

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
        let document = document()?;
        match container {
            Some(Container::Element(element)) => Ok(Self::Inside(element.clone())),
            Some(Container::Selector(selector)) => match document.query_selector(selector) {
                Ok(Some(element)) => Ok(Self::Inside(element)),
                Ok(None) => Err(Problem::new(format!(
                    "no element matches the container selector \"{selector}\"."
                ))),
                Err(_) => Err(Problem::new(format!(
                    "the container \"{selector}\" is not a valid CSS selector."
                ))),
            },
            None => match anchor.filter(|a| a.is_connected() && a.parent_node().is_some()) {
                Some(script) => Ok(Self::After(script)),
                None => {
                    let body = document
                        .body()
                        .ok_or_else(|| Problem::new("the page has no <body> to render into."))?;
                    Ok(Self::Inside(body.into()))
                }
            },
        }
    }

    fn insert(&self, host: &Element) -> Result<(), Problem> {
        match self {
            Self::Inside(parent) => {
                parent.append_child(host)?;
            }
            Self::After(script) => {
                let parent = script
                    .parent_node()
                    .ok_or_else(|| Problem::new("the calling script left the page."))?;
                parent.insert_before(host, script.next_sibling().as_ref())?;
            }
        }
        Ok(())
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
}

impl Host {
    pub fn mount(place: &Place) -> Result<Self, Problem> {
        let element = document()?.create_element(HOST_TAG)?;
        let root = element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        place.insert(&element)?;
        Ok(Self { element, root })
    }

    /// Draws the campaign, built off-page and attached in one step.
    pub fn fill(
        &self,
        response: RenderResponse,
        server: Server,
        on_event: Option<Function>,
    ) -> Result<Campaign, Problem> {
        let document = document()?;
        let style = document.create_element("style")?;
        style.set_text_content(Some(card::CSS));
        let card = card::build(&document, &response.campaign)?;
        apply_theme(&card.card, &response.campaign.theme)?;
        self.element
            .set_attribute("data-kind", response.campaign.kind.as_str())?;
        let campaign_id = response.campaign.id.clone();
        let app = app::App::new(
            document.clone(),
            server,
            response.campaign,
            response.session,
            card.stage.clone(),
            card.live,
            on_event,
        );
        match &response.notice {
            Some(notice) => app.notice(&notice.message),
            None => {
                let play =
                    app::action_button(&app, &app.view.texts.play_button, |app| app.start())?;
                card.stage.append_child(&play)?;
            }
        }
        let fragment = document.create_document_fragment();
        fragment.append_child(&style)?;
        fragment.append_child(&card.card)?;
        self.root.append_child(&fragment)?;
        self.element.set_attribute("data-campaign", &campaign_id)?;
        Ok(Campaign {
            host: self.element.clone(),
            campaign_id,
            segment: response.segment.title,
            app,
        })
    }

    /// Takes the empty host out again when there is nothing to show.
    pub fn remove(&self) {
        self.element.remove();
    }
}

/// Sets the theme as CSS custom properties. The server validates colours;
/// checking again here keeps a bad value from ever reaching a style.
fn apply_theme(view: &HtmlElement, theme: &Theme) -> Result<(), Problem> {
    let style = view.style();
    for (property, value) in [
        ("--adact-primary", &theme.primary),
        ("--adact-background", &theme.background),
        ("--adact-text", &theme.text),
    ] {
        if is_hex_colour(value) {
            style.set_property(property, value)?;
        }
    }
    Ok(())
}

fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn document() -> Result<Document, Problem> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| Problem::new("there is no document to render into."))
}

#[cfg(test)]
mod tests {
    use super::is_hex_colour;

    #[test]
    fn only_plain_hex_colours_reach_styles() {
        assert!(is_hex_colour("#6d28d9"));
        assert!(!is_hex_colour("red"));
        assert!(!is_hex_colour("#123"));
        assert!(!is_hex_colour("#12345g"));
        assert!(!is_hex_colour("#fff;}x{"));
    }
}

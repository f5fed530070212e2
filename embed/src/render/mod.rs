//! Drawing a campaign into the page, inside an open shadow root so that the
//! page's CSS and ours never meet. Every campaign text goes in as text.

use alloc::{boxed::Box, string::String};

use adact_wire::Theme;
use wasm_bindgen::prelude::*;

use crate::{
    Problem,
    api::{Rendered, Server},
    dom::{self, Element, Function, Node, object},
    options::Container,
};

mod app;
mod card;
mod end;
mod form;
mod giftbox;
mod quiz;
mod scratch;
mod wheel;

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
            Some(Container::Selector(selector)) => match dom::query_selector(selector) {
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
                None => dom::body()
                    .map(Self::Inside)
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
    app: app::Ctx,
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
    root: Node,
}

impl Host {
    pub fn mount(place: &Place) -> Self {
        let element = dom::element(HOST_TAG, "", "");
        let root = element.attach_shadow(&object(&[("mode", "open".into())]));
        match place {
            Place::Inside(parent) => parent.append(&element),
            Place::After(script) => script.after(&element),
        }
        Self { element, root }
    }

    /// Draws the campaign, built off-page and attached in one step.
    pub fn fill(&self, rendered: Rendered, server: Server, on_event: Option<Function>) -> Campaign {
        let Rendered {
            segment_title,
            campaign,
            session_id,
            token,
            notice,
            locale,
            words,
        } = rendered;
        let style = dom::element("style", "", card::CSS);
        let card = card::build(&campaign, &locale);
        apply_theme(&card.card, &campaign.theme);
        self.element
            .set_attribute("data-kind", campaign.kind.as_str());
        let campaign_id = campaign.id.clone();
        let root = card.card.clone();
        let app = app::App::new(server, [session_id, token], campaign, words, card, on_event);
        match &notice {
            Some(notice) => app.notice(&notice.message, ""),
            None => {
                let play = app::action_button(
                    &app,
                    "play",
                    &app.view.texts.play_button,
                    Box::new(|app| app.start()),
                );
                app.stage.append(&play);
            }
        }
        self.root.append(&style);
        self.root.append(&root);
        self.element.set_attribute("data-campaign", &campaign_id);
        Campaign {
            host: self.element.clone(),
            campaign_id,
            segment: segment_title,
            app,
        }
    }

    /// Takes the empty host out again when there is nothing to show.
    pub fn remove(&self) {
        self.element.remove();
    }
}

/// Sets the theme as CSS custom properties. The server validates colours;
/// checking again here keeps a bad value from ever reaching a style.
fn apply_theme(view: &Element, theme: &Theme) {
    let style = view.style();
    for (property, value) in [
        ("--adact-primary", &theme.primary),
        ("--adact-background", &theme.background),
        ("--adact-text", &theme.text),
    ] {
        if is_hex_colour(value) {
            style.set_property(property, value);
        }
    }
}

fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
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

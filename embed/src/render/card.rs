//! The campaign card: logo, title, description, the stage each step fills,
//! and the live region that announces results.

use adact_wire::CampaignView;
use web_sys::HtmlElement;

use crate::dom::{ElementExt as _, element};

/// Scoped to the shadow root. `:host { all: initial }` stops inherited page
/// styles (fonts, colours, line height) from reaching in.
pub const CSS: &str = include_str!("card.css");

/// The card, its stage and the layers on it, and the live region.
pub struct Card {
    pub card: HtmlElement,
    /// Holds the game's element; inert until the game starts.
    pub game: HtmlElement,
    /// The play button's row, under the game.
    pub actions: HtmlElement,
    /// The form's sheet over the game.
    pub sheet: HtmlElement,
    /// The end panel or a notice, over the game.
    pub panel: HtmlElement,
    pub live: HtmlElement,
}

/// The card, marked with the language of the embed's words (`lang`).
pub fn build(campaign: &CampaignView, lang: &str) -> Card {
    let card = element("section", "card", "");
    card.attr("lang", lang);
    card.attr("aria-label", &campaign.name);
    card.attr("data-step", "intro");
    if let Some(url) = &campaign.theme.logo_url {
        let logo = element("img", "logo", "");
        logo.attr("src", url);
        logo.attr("alt", "");
        card.add(&logo);
    }
    let body = element("div", "body", "");
    let head = element("div", "head", "");
    let texts = &campaign.texts;
    head.add(&element("h2", "title", &texts.title));
    if !texts.description.is_empty() {
        head.add(&element("p", "description", &texts.description));
    }
    body.add(&head);
    let stage = element("div", "stage", "");
    let game = element("div", "game", "");
    game.attr("inert", "");
    game.attr("tabindex", "-1");
    let actions = element("div", "actions", "");
    let sheet = element("div", "sheet", "");
    stage.add(&game);
    stage.add(&actions);
    stage.add(&sheet);
    body.add(&stage);
    let panel = element("div", "panel", "");
    body.add(&panel);
    card.add(&body);
    let live = element("div", "sr", "");
    live.attr("role", "status");
    live.attr("aria-live", "polite");
    card.add(&live);
    Card {
        card,
        game,
        actions,
        sheet,
        panel,
        live,
    }
}

//! The campaign card: logo, title, description and the play button.

use adact_wire::CampaignView;
use wasm_bindgen::JsCast as _;
use web_sys::{Document, HtmlElement};

use super::element;
use crate::Problem;

/// Scoped to the shadow root. `:host { all: initial }` stops inherited page
/// styles (fonts, colours, line height) from reaching in.
pub const CSS: &str = r#"
:host { all: initial; display: block; contain: layout style; }
.card {
  --adact-primary: #6d28d9; --adact-background: #ffffff; --adact-text: #1f2937;
  box-sizing: border-box; max-width: 480px; margin: 16px auto; padding: 28px 24px;
  border-radius: 16px; background: var(--adact-background); color: var(--adact-text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: center; box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 8px 24px rgba(0,0,0,.08);
  border: 1px solid rgba(0,0,0,.06);
}
.card *, .card *::before, .card *::after { box-sizing: inherit; }
.logo { display: block; max-height: 48px; max-width: 60%; margin: 0 auto 12px; }
.title { margin: 0 0 8px; font-size: 24px; line-height: 1.25; font-weight: 700; letter-spacing: -.01em; color: inherit; }
.description { margin: 0 0 20px; font-size: 15px; opacity: .8; }
.play {
  appearance: none; border: 0; border-radius: 999px; padding: 12px 28px; min-height: 44px;
  background: var(--adact-primary); color: #fff; font: inherit; font-weight: 600; cursor: pointer;
  transition: transform .15s ease, filter .15s ease;
}
.play:hover { filter: brightness(1.08); }
.play:active { transform: scale(.98); }
.play:focus-visible { outline: 3px solid var(--adact-primary); outline-offset: 3px; }
@media (prefers-reduced-motion: reduce) { .play { transition: none; } }
"#;

pub fn build(document: &Document, campaign: &CampaignView) -> Result<HtmlElement, Problem> {
    let card = element(document, "section", "card", None)?;
    card.set_attribute("aria-label", &campaign.name)?;
    if let Some(url) = &campaign.theme.logo_url {
        let logo = element(document, "img", "logo", None)?;
        logo.set_attribute("src", url)?;
        logo.set_attribute("alt", "")?;
        card.append_child(&logo)?;
    }
    let texts = &campaign.texts;
    let title = element(document, "h2", "title", Some(&texts.title))?;
    card.append_child(&title)?;
    if !texts.description.is_empty() {
        let description = element(document, "p", "description", Some(&texts.description))?;
        card.append_child(&description)?;
    }
    let play = element(document, "button", "play", Some(&texts.play_button))?;
    play.set_attribute("type", "button")?;
    card.append_child(&play)?;
    Ok(card.unchecked_into())
}

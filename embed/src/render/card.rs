//! The campaign card: logo, title, description, the stage each step fills,
//! and the live region that announces results.

use adact_wire::CampaignView;
use web_sys::HtmlElement;

use crate::dom::{ElementExt as _, element};

/// Scoped to the shadow root. `:host { all: initial }` stops inherited page
/// styles (fonts, colours, line height) from reaching in.
pub const CSS: &str = r#"
:host { all: initial; display: block; contain: layout style; }
.card {
  --adact-primary: #6d28d9; --adact-background: #ffffff; --adact-text: #1f2937;
  --soft: color-mix(in srgb, var(--adact-primary) 12%, var(--adact-background));
  --line: color-mix(in srgb, var(--adact-text) 16%, transparent);
  box-sizing: border-box; max-width: 520px; margin: 16px auto; padding: 28px 24px;
  border-radius: 20px; background: var(--adact-background); color: var(--adact-text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: center; box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 12px 32px rgba(0,0,0,.10);
  border: 1px solid rgba(0,0,0,.06); overflow: hidden;
}
.card *, .card *::before, .card *::after { box-sizing: inherit; }
.logo { display: block; max-height: 48px; max-width: 60%; margin: 0 auto 12px; }
.title { margin: 0 0 8px; font-size: 24px; line-height: 1.25; font-weight: 750; letter-spacing: -.01em; color: inherit; }
.description { margin: 0 0 20px; font-size: 15px; opacity: .85; }
.stage { display: flex; flex-direction: column; align-items: center; gap: 16px; }
.play, .answer, .copy {
  appearance: none; border: 0; border-radius: 999px; padding: 12px 28px; min-height: 44px;
  background: var(--adact-primary); color: #fff; font: inherit; font-weight: 650; cursor: pointer;
  transition: transform .15s ease, filter .15s ease;
}
.play:hover, .answer:hover, .copy:hover { filter: brightness(1.08); }
.play:active, .answer:active { transform: scale(.98); }
.play[disabled] { opacity: .6; cursor: default; }
.play.secondary { background: transparent; color: var(--adact-primary); box-shadow: inset 0 0 0 2px var(--adact-primary); }
button:focus-visible, input:focus-visible, .gift:focus-visible { outline: 3px solid var(--adact-primary); outline-offset: 3px; }
.hint, .progress { margin: 0; font-size: 14px; opacity: .8; }
.notice { padding: 16px; border-radius: 12px; background: var(--soft); width: 100%; }
.notice p { margin: 0; font-weight: 600; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 400px) { .card { padding: 22px 16px; margin: 8px auto; } .title { font-size: 22px; } }
@media (prefers-reduced-motion: reduce) { .card * { transition-duration: 0s !important; transition-delay: 0s !important; } }
"#;

/// The card and its stage, and the live region inside it.
pub struct Card {
    pub card: HtmlElement,
    pub stage: HtmlElement,
    pub live: HtmlElement,
}

/// The card, marked with the language of the embed's words (`lang`).
pub fn build(campaign: &CampaignView, lang: &str) -> Card {
    let card = element("section", "card", "");
    card.attr("lang", lang);
    card.attr("aria-label", &campaign.name);
    if let Some(url) = &campaign.theme.logo_url {
        let logo = element("img", "logo", "");
        logo.attr("src", url);
        logo.attr("alt", "");
        card.add(&logo);
    }
    let texts = &campaign.texts;
    card.add(&element("h2", "title", &texts.title));
    if !texts.description.is_empty() {
        card.add(&element("p", "description", &texts.description));
    }
    let stage = element("div", "stage", "");
    card.add(&stage);
    let live = element("div", "sr", "");
    live.attr("role", "status");
    live.attr("aria-live", "polite");
    card.add(&live);
    Card { card, stage, live }
}

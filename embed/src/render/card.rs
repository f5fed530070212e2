//! The campaign card: logo, title, description, the stage each step fills,
//! and the live region that announces results.

use adact_wire::CampaignView;
use web_sys::HtmlElement;

use crate::dom::{ElementExt as _, element};

/// Scoped to the shadow root. `:host { all: initial }` stops inherited page
/// styles (fonts, colours, line height) from reaching in.
pub const CSS: &str = r#"
:host { all: initial; display: block; contain: layout style; min-height: 600px; }
.card {
  --adact-primary: #6d28d9; --adact-background: #ffffff; --adact-text: #1f2937;
  --soft: color-mix(in srgb, var(--adact-primary) 12%, var(--adact-background));
  --line: color-mix(in srgb, var(--adact-text) 16%, transparent);
  box-sizing: border-box; max-width: 520px; height: 600px; margin: 0; padding: 28px 24px;
  direction: ltr; letter-spacing: normal; word-spacing: normal; text-transform: none; text-indent: 0;
  display: flex; flex-direction: column;
  border-radius: 20px; background: var(--adact-background); color: var(--adact-text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: center; box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 12px 32px rgba(0,0,0,.10);
  border: 1px solid rgba(0,0,0,.06); overflow: hidden;
}
.card *, .card *::before, .card *::after { box-sizing: inherit; }
.card h2, .card h3, .card strong, .hint, .progress, .play, .notice p { text-wrap: balance; }
.card p { text-wrap: pretty; }
.logo { display: block; flex: none; height: 48px; width: auto; max-width: 60%; object-fit: contain; margin: 0 auto 12px; }
.title { margin: 0 0 8px; font-size: 24px; line-height: 1.25; font-weight: 750; letter-spacing: -.01em; color: inherit; }
.description { margin: 0 0 20px; font-size: 15px; opacity: .85; }
.body { position: relative; flex: 1; min-height: 0; display: flex; flex-direction: column; }
.card[data-step=end] .head { opacity: 0; }
.stage { flex: 1; min-height: 0; display: grid; grid-template-rows: minmax(0, 1fr) auto; gap: 16px; }
.game > * { display: flex; flex-direction: column; align-items: center; gap: 12px; width: 100%; }
.card[data-step=end] .game > * { transition: scale .6s ease, translate .6s ease; }
.game { isolation: isolate; grid-area: 1 / 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 16px; min-width: 0; outline: none; }
.actions { grid-area: 2 / 1; display: flex; justify-content: center; min-height: 44px; }
.card:not([data-step=intro]) .actions { visibility: hidden; }
.sheet { grid-area: 1 / 1 / 3 / 2; z-index: 1; display: flex; flex-direction: column; min-width: 0; overflow: auto;
  margin: -4px; padding: 4px; background: var(--adact-background); visibility: hidden; }
.sheet > * { margin-block: auto; }
.card[data-step=form] .sheet { visibility: visible; }
.panel { position: absolute; inset: 0; z-index: 2; display: flex; flex-direction: column; justify-content: flex-end; pointer-events: none; }
.panel:empty { display: none; }
.panel > * { pointer-events: auto; max-height: 100%; overflow: auto; padding: 20px 16px; border-radius: 16px;
  background: var(--adact-background); box-shadow: 0 0 0 1px var(--line), 0 -6px 28px rgba(0,0,0,.16); }
.play, .answer, .copy {
  -webkit-tap-highlight-color: transparent;
  appearance: none; border: 0; border-radius: 999px; padding: 12px 28px; min-height: 44px;
  background: var(--adact-primary); color: #fff; font: inherit; font-weight: 650; cursor: pointer;
  transition: transform .15s ease, filter .15s ease;
}
.play:hover, .answer:hover, .copy:hover { filter: brightness(1.08); }
.play:active, .answer:active { transform: scale(.98); }
.play[disabled] { opacity: .6; cursor: default; }
.play.secondary { background: transparent; color: var(--adact-primary); box-shadow: inset 0 0 0 2px var(--adact-primary); }
:focus-visible { outline: 3px solid #111827; outline-offset: 2px; box-shadow: 0 0 0 2px #fff; }
.game:focus-visible { outline: none; box-shadow: none; }
.hint, .progress { margin: 0; font-size: 14px; opacity: .8; }
.notice { width: 100%; }
.notice p { margin: 0; font-weight: 600; }
.notice .retry { margin-top: 12px; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 400px) { :host { min-height: 580px; } .card { height: 580px; padding: 22px 16px; } .title { font-size: 22px; } }
@media (prefers-reduced-motion: reduce) { .card * { transition-duration: 0s !important; transition-delay: 0s !important; } }
"#;

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

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

.wheel { position: relative; width: min(100%, 340px); aspect-ratio: 1; margin-top: 8px; }
.wheel svg { width: 100%; height: 100%; display: block; filter: drop-shadow(0 6px 14px rgba(0,0,0,.18)); }
.rotor { transform-origin: 0 0; will-change: transform; }
.wheel path { stroke: var(--adact-background); stroke-width: 6; }
.wheel path.s0 { fill: var(--adact-primary); }
.wheel path.s1 { fill: var(--soft); }
.wheel text { font: 700 40px system-ui, sans-serif; text-anchor: end; dominant-baseline: middle; }
.wheel text.s0 { fill: #fff; }
.wheel text.s1, .wheel text.s2 { fill: var(--adact-text); }
.wheel path.s2 { fill: color-mix(in srgb, var(--adact-primary) 35%, var(--adact-background)); }
.wheel .hub { fill: var(--adact-background); stroke: var(--adact-primary); stroke-width: 14; }
.pointer { position: absolute; left: 50%; top: -6px; width: 0; height: 0; transform: translateX(-50%);
  border-left: 16px solid transparent; border-right: 16px solid transparent; border-top: 30px solid var(--adact-text);
  filter: drop-shadow(0 2px 2px rgba(0,0,0,.25)); }

.scratch { position: relative; width: min(100%, 360px); aspect-ratio: 2; border-radius: 16px; overflow: hidden;
  background: var(--soft); box-shadow: inset 0 0 0 2px var(--line); }
.scratch .under { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; padding: 16px;
  font-size: 26px; color: var(--adact-primary); }
.scratch canvas { position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; cursor: grab; transition: opacity .6s ease; }
.scratch canvas.gone { opacity: 0; pointer-events: none; }

.gifts { display: flex; gap: 20px; justify-content: center; flex-wrap: wrap; padding: 40px 0 28px; }
.gift { position: relative; appearance: none; border: 0; background: none; padding: 0; width: 96px; height: 96px; cursor: pointer; font: inherit; color: inherit; }
.gift .body { position: absolute; left: 8px; right: 8px; bottom: 0; height: 62px; border-radius: 6px; background: var(--adact-primary); }
.gift .lid { position: absolute; left: 0; right: 0; top: 14px; height: 22px; border-radius: 6px; z-index: 2;
  background: color-mix(in srgb, var(--adact-primary) 80%, #000); transition: transform .7s cubic-bezier(.3,1.6,.5,1); }
.gift .ribbon { position: absolute; left: 50%; top: 14px; bottom: 0; width: 14px; transform: translateX(-50%); background: #fbbf24; z-index: 3; }
.gift:hover:not([aria-disabled]) { transform: translateY(-3px); }
.gift[aria-disabled]:not(.chosen) { opacity: .45; cursor: default; }
.gift.open .lid { transform: translateY(-34px) rotate(-14deg); }
.gift.open .ribbon { opacity: 0; }
.gift .inside { position: absolute; left: -24px; right: -24px; top: 104px; font-weight: 700; font-size: 14px; opacity: 0; transition: opacity .5s .4s; color: var(--adact-primary); }
.gift.open .inside { opacity: 1; }

.quiz { width: 100%; display: flex; flex-direction: column; gap: 12px; }
.question { margin: 0; font-size: 20px; line-height: 1.3; }
.answers { display: grid; gap: 10px; }
.answer { width: 100%; border-radius: 12px; background: var(--soft); color: var(--adact-text); box-shadow: inset 0 0 0 2px var(--line); text-align: left; }
.answer:hover { box-shadow: inset 0 0 0 2px var(--adact-primary); }

.form { width: 100%; display: flex; flex-direction: column; gap: 12px; text-align: left; }
.field label { display: block; font-size: 14px; font-weight: 600; margin-bottom: 4px; }
.req { color: #b91c1c; }
.field input { width: 100%; min-height: 44px; padding: 10px 12px; border-radius: 10px; border: 1px solid var(--line);
  font: inherit; color: var(--adact-text); background: var(--adact-background); }
.field input[aria-invalid] { border-color: #b91c1c; }
.consent { display: flex; gap: 10px; align-items: flex-start; font-size: 14px; }
.consent input { width: 20px; height: 20px; margin: 2px 0 0; flex: none; accent-color: var(--adact-primary); }
.error { margin: 4px 0 0; font-size: 13px; color: #b91c1c; min-height: 0; }
.error:empty { display: none; }
.form .play { align-self: center; margin-top: 4px; }

.end { display: flex; flex-direction: column; align-items: center; gap: 8px; width: 100%; }
.end-title { margin: 0; font-size: 26px; outline: none; }
.end.won .end-title { color: var(--adact-primary); }
.prize { margin: 0; font-size: 22px; font-weight: 750; }
.prize-text, .end-text, .score { margin: 0; opacity: .85; }
.code-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; justify-content: center; margin: 8px 0;
  padding: 10px 12px; border-radius: 14px; border: 2px dashed var(--adact-primary); background: var(--soft); }
.code-label { font-size: 13px; opacity: .8; }
.code { font: 700 20px ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .06em; }
.copy { padding: 8px 16px; min-height: 40px; font-size: 14px; }
@media (max-width: 400px) { .card { padding: 22px 16px; margin: 8px auto; } .title { font-size: 22px; } .gift { width: 80px; height: 84px; } }
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

//! The end screen: a win as a coupon (the prize, its code with a copy
//! button, how long it is valid) under a burst of confetti; no prize as a
//! designed panel that says when the visitor may play again. Either may
//! end with the marketer's call to action, a link.

use adact_wire::{PlayResponse, UiText};
use js_sys::Date;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlElement;

use super::game::Ctx;
use crate::dom::{self, ElementExt as _, button, concat, decimal, element};

/// How many pieces of confetti fall, and for how long they stay (ms).
const CONFETTI: u32 = 18;
const CONFETTI_MS: i32 = 3200;

/// The end screen's styles, added to the card's when the campaign uses them.
pub const CSS: &str = include_str!("end.css");

/// The end screen of `result`, the heading to focus, and what to announce.
pub fn build(app: &Ctx, result: &PlayResponse) -> (HtmlElement, HtmlElement, String) {
    let screen = &app.view().end_screen;
    let won = result.prize.is_some();
    let end = element("div", if won { "end won" } else { "end lost" }, "");
    // No prize: the title, texts and the play-again line on a panel.
    let panel = if won {
        end.clone()
    } else {
        let panel = element("div", "lost-panel", "");
        end.add(&panel);
        panel
    };
    let title = if won {
        &screen.win_title
    } else {
        &screen.lose_title
    };
    let again = (!won).then(|| play_again(app, result)).flatten();
    if again.is_some() && result.next_play_at.is_some() {
        let badge = element("div", "lost-badge", "");
        badge.attr("aria-hidden", "true");
        panel.add(&badge);
    }
    let heading = element("h3", "end-title", title);
    heading.attr("tabindex", "-1");
    panel.add(&heading);
    if let Some(score) = result.score {
        let line = app.fill(
            UiText::QuizScore,
            &[
                ("score", &decimal(score)),
                ("count", &decimal(app.view().questions.len() as u32)),
            ],
        );
        panel.add(&element("p", "score", &line));
    }
    let mut announcement = sentence(title);
    if let Some(prize) = &result.prize {
        let coupon = element("div", "coupon", "");
        let top = element("div", "coupon-top", "");
        top.add(&element("p", "prize", &prize.name));
        if !prize.description.is_empty() {
            top.add(&element("p", "prize-text", &prize.description));
        }
        coupon.add(&top);
        announcement = app.fill(
            UiText::WonAnnouncement,
            &[("title", &sentence(title)), ("prize", &prize.name)],
        );
        let valid = prize
            .valid_until
            .as_deref()
            .and_then(|date| valid_until(app, date));
        if let Some(code) = &result.code {
            let row = element("div", "coupon-code", "");
            row.add(&element("span", "code-label", app.text(UiText::CodeLabel)));
            row.add(&element("code", "code", code));
            let copy = button("copy", app.text(UiText::CopyCode));
            row.add(&copy);
            if let Some(valid) = &valid {
                row.add(&element("p", "valid", valid));
            }
            coupon.add(&row);
            announcement.push(' ');
            announcement.push_str(&app.fill(UiText::CodeAnnouncement, &[("code", code)]));
            copy_on_click(app, &copy, code);
        } else if let Some(valid) = &valid {
            top.add(&element("p", "prize-text", valid));
        }
        end.add(&coupon);
        if !app.reduced_motion() {
            confetti(&end);
        }
    }
    let text = if won {
        &screen.win_text
    } else {
        &screen.lose_text
    };
    if !text.is_empty() {
        panel.add(&element("p", "end-text", text));
    }
    if let Some(again) = again {
        panel.add(&element("p", "again", &again));
        announcement.push(' ');
        announcement.push_str(&again);
    }
    if let Some((label, url)) = screen.cta()
        && (won || screen.cta_on_lose)
        && (url.starts_with("https://") || url.starts_with("http://"))
    {
        // A new tab, so the code stays on screen while the visitor shops.
        let link = element("a", "cta", label);
        link.attr("href", url);
        link.attr("target", "_blank");
        link.attr("rel", "noopener");
        link.add(&element("span", "sr", app.text(UiText::NewTab)));
        panel.add(&link);
    }
    (end, heading, announcement)
}

/// `text` ended as a sentence ends, for the live region: a title such as
/// "Not this time" is read with a stop before what follows it.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?', '…']) {
        text.into()
    } else {
        concat(&[text, "."])
    }
}

/// The copy button copies the code and says so, or that it could not.
fn copy_on_click(app: &Ctx, copy: &HtmlElement, code: &str) {
    let code = code.to_owned();
    let (copy_button, me) = (copy.clone(), app.clone());
    app.on(
        copy,
        "click",
        Box::new(move |_| {
            // Said only once the clipboard has answered: it may refuse.
            let (copy_button, app, code) = (copy_button.clone(), me.clone(), code.clone());
            spawn_local(async move {
                let (label, said) = if dom::copy_to_clipboard(&code).await {
                    (UiText::Copied, UiText::CopiedAnnouncement)
                } else {
                    (UiText::CopyManually, UiText::CopyFailedAnnouncement)
                };
                copy_button.set_text_content(Some(app.text(label)));
                app.announce(app.text(said));
                let _ = dom::sleep(2000).await;
                copy_button.set_text_content(Some(app.text(UiText::CopyCode)));
            });
        }),
    );
}

/// When the visitor may play again, by the campaign's limit: the server's
/// words, with how long until the next play (`{time}`) when the limit has
/// one. None when the words need a time the play did not send (the
/// campaign ends first).
fn play_again(app: &Ctx, result: &PlayResponse) -> Option<String> {
    let words = app.text(UiText::PlayAgain);
    // Not `contains("{time}")`: a string pattern links core's slicing
    // panic and `char` debug printing into the wasm (1.3 KB gzip).
    if !words
        .split('{')
        .skip(1)
        .any(|part| part.starts_with("time}"))
    {
        return Some(words.to_owned());
    }
    let next = Date::new(&JsValue::from_str(result.next_play_at.as_deref()?)).get_time();
    // Whole hours, rounded up; from a day on, whole days.
    let hours = ((next - Date::now()) / 3_600_000.0).ceil().max(1.0) as u32;
    let time = match hours {
        1 => app.text(UiText::OneHour).to_owned(),
        2..=24 => app.fill(UiText::Hours, &[("count", &decimal(hours))]),
        _ => app.fill(UiText::Days, &[("count", &decimal(hours.div_ceil(24)))]),
    };
    Some(app.fill(UiText::PlayAgain, &[("time", &time)]))
}

/// "Valid until" a `YYYY-MM-DD` date, in the server's words and month
/// names (not `Intl`: a page's first date with it takes 30-60 ms).
fn valid_until(app: &Ctx, date: &str) -> Option<String> {
    let mut parts = date.split('-').map(|part| part.parse::<u32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let name = app
        .text(UiText::Months)
        .split(',')
        .nth(month.checked_sub(1)? as usize)?;
    Some(app.fill(
        UiText::ValidUntil,
        &[
            (
                "day",
                &match day {
                    1 => app.text(UiText::FirstOfMonth).to_owned(),
                    _ => decimal(day),
                },
            ),
            ("month", name),
            ("year", &decimal(year)),
        ],
    ))
}

/// Pieces of confetti falling over the end screen once, removed after.
fn confetti(end: &HtmlElement) {
    let burst = element("div", "confetti", "");
    burst.attr("aria-hidden", "true");
    for i in 0..CONFETTI {
        let piece = element("i", "", "");
        // `--j` shuffles the start times, so the pieces do not fall in rows.
        piece.attr(
            "style",
            &concat(&["--i:", &decimal(i), ";--j:", &decimal(i * 7 % CONFETTI)]),
        );
        burst.add(&piece);
    }
    end.add(&burst);
    spawn_local(async move {
        let _ = dom::sleep(CONFETTI_MS).await;
        burst.remove();
    });
}

//! The end screen: the prize and its code with a copy button, or the
//! "no prize" words.

use adact_wire::{PlayResponse, UiText};
use wasm_bindgen_futures::spawn_local;

use super::app::Ctx;
use crate::dom::{self, ElementExt as _, after, button, decimal, element};

/// The end screen's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
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
"#;

pub fn show(app: &Ctx, result: &PlayResponse) {
    let screen = &app.view.end_screen;
    let won = result.prize.is_some();
    let end = element("div", if won { "end won" } else { "end" }, "");
    let title = if won {
        &screen.win_title
    } else {
        &screen.lose_title
    };
    let heading = element("h3", "end-title", title);
    heading.attr("tabindex", "-1");
    end.add(&heading);
    if let Some(score) = result.score {
        let line = app.fill(
            UiText::QuizScore,
            &[
                ("score", &decimal(score)),
                ("count", &decimal(app.view.questions.len() as u32)),
            ],
        );
        end.add(&element("p", "score", &line));
    }
    let mut announcement = title.to_owned();
    if let Some(prize) = &result.prize {
        end.add(&element("p", "prize", &prize.name));
        if !prize.description.is_empty() {
            end.add(&element("p", "prize-text", &prize.description));
        }
        announcement = app.fill(
            UiText::WonAnnouncement,
            &[("title", title), ("prize", &prize.name)],
        );
        if let Some(code) = &result.code {
            let row = element("div", "code-row", "");
            row.add(&element("span", "code-label", app.text(UiText::CodeLabel)));
            row.add(&element("code", "code", code));
            let copy = button("copy", app.text(UiText::CopyCode));
            row.add(&copy);
            end.add(&row);
            announcement.push(' ');
            announcement.push_str(&app.fill(UiText::CodeAnnouncement, &[("code", code)]));
            let code = code.clone();
            let copy_button = copy.clone();
            app.on(
                &copy,
                "click",
                Box::new(move |app, _| {
                    // Said only once the clipboard has answered: it may refuse.
                    let (copy_button, app, code) = (copy_button.clone(), app.clone(), code.clone());
                    spawn_local(async move {
                        let (label, said) = if dom::copy_to_clipboard(&code).await {
                            (UiText::Copied, UiText::CopiedAnnouncement)
                        } else {
                            (UiText::CopyManually, UiText::CopyFailedAnnouncement)
                        };
                        copy_button.set_text_content(Some(app.text(label)));
                        app.announce(app.text(said));
                        after(
                            2000,
                            Box::new(move || {
                                copy_button.set_text_content(Some(app.text(UiText::CopyCode)))
                            }),
                        );
                    });
                }),
            );
        }
    }
    let text = if won {
        &screen.win_text
    } else {
        &screen.lose_text
    };
    if !text.is_empty() {
        end.add(&element("p", "end-text", text));
    }
    app.show(&end, Some(&heading));
    app.announce(&announcement);
}

//! The end screen: the prize and its code with a copy button, or the
//! "no prize" words.

use adact_wire::{PlayResponse, UiText};
use wasm_bindgen_futures::spawn_local;

use super::app::Ctx;
use crate::dom::{self, ElementExt as _, after, button, decimal, element};

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

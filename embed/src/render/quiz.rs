//! The quiz: one question at a time, then the server scores the answers
//! and draws the outcome.

use std::{cell::Cell, rc::Rc};

use adact_wire::UiText;

use super::app::Ctx;
use crate::dom::{ElementExt as _, button, decimal, element};

/// The quiz's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
.quiz { width: 100%; display: flex; flex-direction: column; gap: 12px; }
.question { margin: 0; font-size: 20px; line-height: 1.3; }
.answers { display: grid; gap: 10px; }
.answer { width: 100%; border-radius: 12px; background: var(--soft); color: var(--adact-text); box-shadow: inset 0 0 0 2px var(--line); text-align: left; }
.answer:hover { box-shadow: inset 0 0 0 2px var(--adact-primary); }
"#;

pub fn show(app: &Ctx) {
    question(app, Vec::new());
}

/// Shows the question after those `answers` answered, or sends them all.
fn question(app: &Ctx, answers: Vec<u32>) {
    let index = answers.len();
    let questions = &app.view.questions;
    let Some(q) = questions.get(index) else {
        let checking = app.text(UiText::QuizChecking);
        app.show(&element("p", "hint", checking), None);
        app.announce(checking);
        app.play(&answers, Box::new(|app, result| app.end(&result)));
        return;
    };
    let stage = element("div", "quiz", "");
    stage.attr("role", "group");
    stage.attr("aria-labelledby", "adact-q");
    let progress = app.fill(
        UiText::QuizProgress,
        &[
            ("number", &decimal(index as u32 + 1)),
            ("count", &decimal(questions.len() as u32)),
        ],
    );
    stage.add(&element("p", "progress", &progress));
    let text = element("h3", "question", &q.text);
    text.attr("id", "adact-q");
    text.attr("tabindex", "-1");
    stage.add(&text);
    let list = element("div", "answers", "");
    // A second click on the same question does nothing.
    let answered = Rc::new(Cell::new(false));
    for (i, answer) in q.answers.iter().enumerate() {
        let b = button("answer", answer);
        let (answered, mut answers) = (answered.clone(), answers.clone());
        answers.push(i as u32);
        app.on(
            &b,
            "click",
            Box::new(move |app, _| {
                if !answered.replace(true) {
                    question(app, answers.clone());
                }
            }),
        );
        list.add(&b);
    }
    stage.add(&list);
    app.show(&stage, Some(&text));
}

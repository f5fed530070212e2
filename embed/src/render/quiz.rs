//! The quiz: one question at a time, then the server scores the answers
//! and draws the outcome.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use adact_wire::UiText;
use web_sys::HtmlElement;

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, button, concat, decimal, element};

/// The quiz's styles, added to the card's when the campaign uses them.
pub const CSS: &str = r#"
.quiz { width: 100%; display: grid; }
.quiz .checking { grid-area: 2 / 1; }
.card[data-step=end] .quiz .checking { visibility: hidden; }
.quiz .step { grid-area: 1 / 1; display: flex; flex-direction: column; justify-content: center; gap: 12px; }
.quiz [data-off] { visibility: hidden; }
.question { margin: 0; font-size: 20px; line-height: 1.3; }
.answers { display: grid; gap: 10px; }
.answer { width: 100%; border-radius: 12px; background: var(--soft); color: var(--adact-text); box-shadow: inset 0 0 0 2px var(--line); text-align: left; }
.answer:hover { box-shadow: inset 0 0 0 2px var(--adact-primary); }
"#;

/// Every question, stacked in one place so the quiz keeps its size; the
/// first shows from the intro on. After `start`, each answer shows the next
/// question; the last sends them all.
pub fn draw(app: &Ctx) -> Game {
    let quiz = element("div", "quiz", "");
    let questions = &app.view.questions;
    let count = decimal(questions.len() as u32);
    let answers: Rc<RefCell<Vec<u32>>> = Rc::default();
    let live = Rc::new(Cell::new(false));
    // Each question's group and its heading; the last stays in view while
    // the answers are checked and under the end panel, and the "checking"
    // line, under the questions, shows meanwhile.
    let steps: Steps = Rc::default();
    for (index, q) in questions.iter().enumerate() {
        let step = element("div", "step", "");
        if index > 0 {
            step.attr("data-off", "");
        }
        let id = concat(&["adact-q", &decimal(index as u32)]);
        step.attr("role", "group");
        step.attr("aria-labelledby", &id);
        let progress = app.fill(
            UiText::QuizProgress,
            &[("number", &decimal(index as u32 + 1)), ("count", &count)],
        );
        step.add(&element("p", "progress", &progress));
        let text = element("h3", "question", &q.text);
        text.attr("id", &id);
        text.attr("tabindex", "-1");
        step.add(&text);
        let list = element("div", "answers", "");
        for (i, answer) in q.answers.iter().enumerate() {
            let b = button("answer", answer);
            list.add(&b);
            let (answers, live) = (answers.clone(), live.clone());
            let steps = steps.clone();
            app.on(
                &b,
                "click",
                Box::new(move |app, _| {
                    // A second click on the same question does nothing.
                    if !live.get() || answers.borrow().len() != index {
                        return;
                    }
                    answers.borrow_mut().push(i as u32);
                    next(app, &steps.borrow(), &answers.borrow());
                }),
            );
        }
        step.add(&list);
        quiz.add(&step);
        steps.borrow_mut().push((step, Some(text)));
    }
    let checking = element("p", "hint checking", app.text(UiText::QuizChecking));
    checking.attr("data-off", "");
    quiz.add(&checking);
    steps.borrow_mut().push((checking, None));
    let start = Box::new(move |app: &Ctx| {
        live.set(true);
        next(app, &steps.borrow(), &[]);
    });
    Game {
        element: quiz,
        start,
    }
}

type Steps = Rc<RefCell<Vec<(HtmlElement, Option<HtmlElement>)>>>;

/// Shows the question after those `answers` answered, its heading focused,
/// or sends them all.
fn next(app: &Ctx, steps: &[(HtmlElement, Option<HtmlElement>)], answers: &[u32]) {
    let index = answers.len();
    // The questions, then the "checking" line.
    let checking = steps.len() - 1;
    for (i, (step, _)) in steps.iter().enumerate() {
        let shown = i == index || (index == checking && i + 1 == checking);
        if shown {
            step.remove_attr("data-off");
        } else {
            step.attr("data-off", "");
        }
    }
    match steps.get(index) {
        Some((_, Some(heading))) => dom::focus(heading),
        _ => {
            app.announce(app.text(UiText::QuizChecking));
            app.play(answers, Box::new(|app, result| app.end(&result)));
        }
    }
}

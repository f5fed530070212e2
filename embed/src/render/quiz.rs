//! The quiz: one question at a time, then the server scores the answers
//! and draws the outcome; its answer names the right answers, which the
//! quiz then shows beside the player's.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use adact_wire::{PlayResponse, UiText};
use web_sys::HtmlElement;

use super::app::{Ctx, Game};
use crate::dom::{self, ElementExt as _, after, button, concat, decimal, element, svg};

/// The quiz's styles, added to the card's when the campaign uses them.
pub const CSS: &str = include_str!("quiz.css");

/// Every question, stacked in one place so the quiz keeps its size (it
/// scrolls in its room when a long one needs more); the first shows from
/// the intro on. After `start`, each answer shows the next question; the
/// last sends them all.
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
        step.add(&bar(index, &count));
        let text = element("h3", "question", &q.text);
        text.attr("id", &id);
        text.attr("tabindex", "-1");
        step.add(&text);
        let list = element("div", "answers", "");
        for (i, answer) in q.answers.iter().enumerate() {
            let b = button("answer", answer);
            b.attr("aria-pressed", "false");
            list.add(&b);
            let (answers, live) = (answers.clone(), live.clone());
            let (steps, me, all, quiz) = (steps.clone(), b.clone(), list.clone(), quiz.clone());
            app.on(
                &b,
                "click",
                Box::new(move |app, _| {
                    // A second click on the same question does nothing.
                    if !live.get() || answers.borrow().len() != index {
                        return;
                    }
                    answers.borrow_mut().push(i as u32);
                    // The choice shows a moment before the next question.
                    me.attr("aria-pressed", "true");
                    all.attr("class", "answers done");
                    let (app, steps, answers, quiz) =
                        (app.clone(), steps.clone(), answers.clone(), quiz.clone());
                    after(
                        350,
                        Box::new(move || next(&app, &quiz, &steps.borrow(), &answers.borrow())),
                    );
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
    let element = quiz.clone();
    let start = Box::new(move |app: &Ctx| {
        live.set(true);
        next(app, &quiz, &steps.borrow(), &[]);
    });
    Game { element, start }
}

type Steps = Rc<RefCell<Vec<(HtmlElement, Option<HtmlElement>)>>>;

/// Shows the question after those `answers` answered, its heading focused,
/// or sends them all.
fn next(
    app: &Ctx,
    quiz: &HtmlElement,
    steps: &[(HtmlElement, Option<HtmlElement>)],
    answers: &[u32],
) {
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
            let (quiz, steps, sent) = (quiz.clone(), steps.to_vec(), answers.to_vec());
            app.play(
                answers,
                Box::new(move |app, result| {
                    // The review takes the last question's place.
                    if result.correct_answers.is_some() {
                        for (step, _) in &steps {
                            step.attr("data-off", "");
                        }
                    }
                    review(app, &quiz, &sent, &result);
                    app.end(&result);
                }),
            );
        }
    }
}

/// The progress bar of question `index` (from 0) of `count`, beside its
/// words: the share reached, as a scale.
fn bar(index: usize, count: &str) -> HtmlElement {
    let bar = element("div", "bar", "");
    bar.attr("aria-hidden", "true");
    let fill = element("span", "", "");
    let share = concat(&["scaleX(calc(", &decimal(index as u32 + 1), "/", count, "))"]);
    dom::set_style(&fill.style(), "transform", &share);
    bar.add(&fill);
    bar
}

/// Each question with the player's answer and the right one, marked right
/// or wrong in words and with an icon; nothing when the server sent no
/// right answers.
fn review(app: &Ctx, quiz: &HtmlElement, answers: &[u32], result: &PlayResponse) {
    let Some(correct) = &result.correct_answers else {
        return;
    };
    let step = element("div", "step done-step", "");
    // It scrolls when the answers are long: a keyboard reaches it too.
    step.attr("tabindex", "0");
    step.attr("role", "region");
    step.attr("aria-label", app.text(UiText::QuizReview));
    let title = element("h3", "review-title", app.text(UiText::QuizReview));
    let list = element("ol", "review", "");
    for ((q, &given), &right) in app.view.questions.iter().zip(answers).zip(correct) {
        let ok = given == right;
        let item = element("li", if ok { "right" } else { "wrong" }, "");
        let icon = svg("svg", &[("viewBox", "0 0 26 26"), ("aria-hidden", "true")]);
        icon.add(&svg("circle", &[("cx", "13"), ("cy", "13"), ("r", "13")]));
        let mark = if ok {
            "M7 13.5l4 4 8-9"
        } else {
            "M8.5 8.5l9 9M17.5 8.5l-9 9"
        };
        icon.add(&svg("path", &[("d", mark)]));
        item.add(&icon);
        let words = element("div", "", "");
        words.add(&element("p", "q", &q.text));
        let verdict = app.text(if ok {
            UiText::QuizCorrect
        } else {
            UiText::QuizWrong
        });
        words.add(&element("p", "verdict", verdict));
        let answer = |i: u32| q.answers.get(i as usize).map_or("", String::as_str);
        let yours = app.fill(UiText::QuizYourAnswer, &[("answer", answer(given))]);
        words.add(&element("p", "", &yours));
        if !ok {
            let right = app.fill(UiText::QuizRightAnswer, &[("answer", answer(right))]);
            words.add(&element("p", "right-answer", &right));
        }
        item.add(&words);
        list.add(&item);
    }
    step.add(&title);
    step.add(&list);
    quiz.add(&step);
}

//! The quiz: one question at a time, then the server scores the answers
//! and draws the outcome; its answer names the right answers, which the
//! quiz then shows beside the player's.

use adact_wire::{PlayResponse, UiText};
use web_sys::HtmlElement;

use crate::{
    dom::{self, ElementExt as _, button, concat, decimal, element, svg},
    render::game::{self, Ctx, Game},
};

/// The quiz's styles, added to the card's when the campaign uses them.
pub const CSS: &str = include_str!("quiz.css");

/// Every question, stacked in one place so the quiz keeps its size (it
/// scrolls in its room when a long one needs more); the first shows from
/// the intro on. Once the game has started, each answer shows the next
/// question; the last sends them all.
pub fn draw(app: &Ctx) -> Game {
    let quiz = element("div", "quiz", "");
    let count = decimal(app.view().questions.len() as u32);
    // Each question's group, then the "checking" line, shown under the
    // last question while the answers are checked.
    let mut steps = Vec::new();
    // Each question's heading, its list of answers and their buttons.
    let mut questions = Vec::new();
    for (index, q) in app.view().questions.iter().enumerate() {
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
        let buttons: Vec<_> = q
            .answers
            .iter()
            .map(|answer| {
                let b = button("answer", answer);
                b.attr("aria-pressed", "false");
                list.add(&b);
                b
            })
            .collect();
        step.add(&list);
        quiz.add(&step);
        steps.push(step);
        questions.push((text, list, buttons));
    }
    let checking = element("p", "hint checking", app.text(UiText::QuizChecking));
    checking.attr("data-off", "");
    quiz.add(&checking);
    steps.push(checking);
    let element = quiz.clone();
    let app = app.clone();
    let play = Box::pin(async move {
        let mut answers = Vec::new();
        for (index, (heading, list, buttons)) in questions.iter().enumerate() {
            show(&steps, index);
            dom::focus(heading);
            let i = game::chosen(&*app, buttons).await;
            answers.push(i as u32);
            // The choice shows a moment before the next question.
            if let Some(b) = buttons.get(i) {
                b.attr("aria-pressed", "true");
            }
            list.attr("class", "answers done");
            let _ = dom::sleep(350).await;
        }
        show(&steps, questions.len());
        app.announce(app.text(UiText::QuizChecking));
        let result = app.play(answers.clone()).await;
        // The review takes the last question's place.
        if result.correct_answers.is_some() {
            for step in &steps {
                step.attr("data-off", "");
            }
        }
        review(&app, &quiz, &answers, &result);
        result
    });
    Game { element, play }
}

/// Shows the question after `index` answers, or, after the last, the
/// "checking" line under the last question.
fn show(steps: &[HtmlElement], index: usize) {
    // The questions, then the "checking" line.
    let checking = steps.len() - 1;
    for (i, step) in steps.iter().enumerate() {
        let shown = i == index || (index == checking && i + 1 == checking);
        if shown {
            step.remove_attr("data-off");
        } else {
            step.attr("data-off", "");
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
    for ((q, &given), &right) in app.view().questions.iter().zip(answers).zip(correct) {
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

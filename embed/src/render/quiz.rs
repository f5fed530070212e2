//! The quiz: one question at a time, then the server scores the answers
//! and draws the outcome.

use std::{cell::RefCell, rc::Rc};

use web_sys::HtmlElement;

use super::{
    app::Ctx,
    widgets::{button, element},
};
use crate::Problem;

pub fn show(app: &Ctx) -> Result<(), Problem> {
    question(app, Rc::new(RefCell::new(Vec::new())))
}

fn question(app: &Ctx, answers: Rc<RefCell<Vec<u32>>>) -> Result<(), Problem> {
    let d = &app.document;
    let index = answers.borrow().len();
    let questions = &app.view.questions;
    let Some(q) = questions.get(index) else {
        let waiting = element(d, "p", "hint", Some("Checking your answers…"))?;
        app.show(&waiting, None);
        app.announce("Checking your answers…");
        let (app, answers) = (app.clone(), answers.borrow().clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(result) = app.play(answers).await {
                app.end(&result);
            }
        });
        return Ok(());
    };
    let stage = element(d, "div", "quiz", None)?;
    stage.set_attribute("role", "group")?;
    stage.set_attribute("aria-labelledby", "adact-q")?;
    let progress = format!("Question {} of {}", index + 1, questions.len());
    stage.append_child(&element(d, "p", "progress", Some(&progress))?.into())?;
    let text = element(d, "h3", "question", Some(&q.text))?;
    text.set_id("adact-q");
    text.set_attribute("tabindex", "-1")?;
    stage.append_child(&text)?;
    let list = element(d, "div", "answers", None)?;
    for (i, answer) in q.answers.iter().enumerate() {
        let b = button(d, "answer", answer)?;
        let answers = answers.clone();
        app.on(b.as_ref(), "click", move |app, _| {
            if answers.borrow().len() != index {
                return; // a second click on the same question
            }
            answers.borrow_mut().push(i as u32);
            if let Err(Problem(message)) = question(app, answers.clone()) {
                app.notice(&message);
            }
        })?;
        list.append_child(&b)?;
    }
    stage.append_child(&list)?;
    let focus: &HtmlElement = &text;
    app.show(&stage, Some(focus));
    Ok(())
}

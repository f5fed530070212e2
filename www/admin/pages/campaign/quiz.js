// The quiz section, shown while the game is a quiz: the questions, each
// with two to six answers and the right one, and the score that enters the
// prize draw.
import { CAMPAIGN_KINDS, named } from "../../api-names.js";
import { h, uid } from "../../dom.js";
import { field, toast } from "../../ui.js";
import { number, section, text } from "./controls.js";
import { removeButton, rowList, rowPaths } from "./rows.js";

const QUIZ = named(CAMPAIGN_KINDS, "quiz");

/** The questions of `quiz` (the definition's); the section hides unless `kind` is a quiz. */
export function quizSection(quiz, kind) {
  // Another kind gets one empty question, ready if it becomes a quiz.
  const questions = rowList("definition.quiz.questions", questionRow, quiz?.questions ?? [{ text: "", answers: ["", ""], correct: 0 }],
    { add: "Add question", max: 20 });
  const passScore = number({ value: String(quiz?.pass_score ?? 1) });
  const node = section("quiz", "Quiz", "The questions, their answers and the right one. Players who answer enough of them right enter the prize draw.",
    h("div", { "data-field": "definition.quiz" }, h("p", { class: "field-error", hidden: true })),
    questions.nodes,
    field({ name: "definition.quiz.pass_score", label: "Right answers needed to enter the draw", input: passScore, hint: "0 lets everyone into the draw." }));
  const show = () => { node.hidden = kind.value() !== QUIZ; };
  show();
  kind.wrapper.addEventListener("change", show);
  return {
    node,
    read: (errors, whole) => ({ questions: questions.read(errors), pass_score: whole(passScore, "definition.quiz.pass_score") }),
  };
}

function questionRow(item) {
  const legend = h("legend");
  const question = text({ value: item?.text ?? "", maxlength: "300" });
  const answers = answersField(item);
  const paths = rowPaths();
  const { at } = paths;
  const remove = removeButton("", () => row.remove());
  const node = at(h("fieldset", { class: "row-card question" },
    legend,
    h("p", { class: "field-error", hidden: true }),
    at(field({ name: "text", label: "Question", input: question }), "text"),
    at(answers.node, "answers"),
    h("div", { class: "row-footer" }, remove)), "");
  const row = {
    node,
    setIndex(i, path) {
      legend.textContent = `Question ${i + 1}`;
      remove.setAttribute("aria-label", `Remove question ${i + 1}`);
      paths.set(path);
      answers.setPath(path);
    },
    read: () => ({ text: question.value, ...answers.read() }),
  };
  return row;
}

/** A question's answers, each with its radio for the right one; `read()` gives `answers` and `correct`. */
function answersField(item) {
  const group = uid("correct");
  const list = h("div", { class: "answers" });
  const answers = []; // {node, input, radio, wrapper, label, remove}
  let path = "";
  const renumber = () => answers.forEach((a, j) => {
    a.wrapper.dataset.field = `${path}.answers[${j}]`;
    a.label.textContent = `Answer ${j + 1}`;
    a.radio.setAttribute("aria-label", `Answer ${j + 1} is the right one`);
    a.remove.setAttribute("aria-label", `Remove answer ${j + 1}`);
    a.remove.disabled = answers.length <= 2;
  });
  const addAnswer = (value, correct) => {
    const input = text({ value, maxlength: "200" });
    const radio = h("input", { type: "radio", name: group, checked: correct, class: "answer-correct" });
    const wrapper = field({ name: "answer", label: "", input });
    const label = wrapper.querySelector("label");
    const answer = { input, radio, wrapper, label, remove: null };
    answer.remove = h("button", { type: "button", class: "btn btn-small row-remove", onclick: () => {
      answers.splice(answers.indexOf(answer), 1);
      answer.node.remove();
      if (!answers.some((a) => a.radio.checked)) answers[0].radio.checked = true;
      renumber();
      list.dispatchEvent(new Event("rows-changed", { bubbles: true }));
      answers[0].input.focus();
    } }, "×");
    answer.node = h("div", { class: "answer" }, h("label", { class: "answer-mark" }, radio, h("span", { "aria-hidden": "true" }, "Right")), wrapper, answer.remove);
    answers.push(answer);
    list.append(answer.node);
    renumber();
  };
  (item?.answers ?? ["", ""]).forEach((a, j) => addAnswer(a, j === (item?.correct ?? 0)));
  const more = h("button", { type: "button", class: "btn btn-small" }, "+ Add answer");
  more.addEventListener("click", () => {
    if (answers.length >= 6) return toast("A question has at most 6 answers.", { kind: "error" });
    addAnswer("", false);
    list.dispatchEvent(new Event("rows-changed", { bubbles: true }));
    answers.at(-1).input.focus();
  });
  const node = h("fieldset", { class: "field answers-field" },
    h("legend", null, "Answers"),
    h("p", { class: "hint" }, "Mark the right answer."),
    list,
    h("div", null, more),
    h("p", { class: "field-error", hidden: true }));
  return {
    node,
    setPath(rowPath) {
      path = rowPath;
      renumber();
    },
    read: () => ({
      answers: answers.map((a) => a.input.value),
      correct: Math.max(0, answers.findIndex((a) => a.radio.checked)),
    }),
  };
}

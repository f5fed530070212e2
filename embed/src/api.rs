//! Talking to the Adact server that served `embed.js`.
//!
//! Request bodies are built as JS objects and answers read from the
//! browser's own JSON parser: serde would link its machinery and Rust's
//! float formatting into the wasm (about 20 KB) for a handful of fields.
//! Each step calls back once with its answer; the loader's `adactPost` does
//! the fetch, so no Rust future is compiled.

use alloc::{boxed::Box, string::String, vec::Vec};
use core::cell::Cell;

use adact_wire::{
    CampaignKind, CampaignView, Consent, EndScreen, FieldKind, FinishRequest, Form, FormField,
    Notice, PlayRequest, PlayResponse, PrizeView, QuestionView, RegisterRequest, RenderRequest,
    Texts, Theme, User,
};
use wasm_bindgen::{JsValue, closure::Closure};

use crate::{
    Problem,
    dom::{self, array, concat, decimal, get, items, object},
    text::Words,
};

/// Where the server is and the key to show it.
#[derive(Debug, Clone)]
pub struct Server {
    pub base: String,
    pub key: String,
}

/// A refused or failed request: the server's `code` and message, and for
/// a form, each bad field with its message.
#[derive(Debug)]
pub struct Failure {
    pub code: String,
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl Failure {
    /// The network or an answer we cannot read: code `unavailable`.
    fn unavailable(parts: &[&str]) -> Self {
        Self {
            code: "unavailable".into(),
            message: concat(parts),
            fields: Vec::new(),
        }
    }
}

impl From<Failure> for Problem {
    fn from(failure: Failure) -> Self {
        Problem::new(failure.message)
    }
}

/// What the render answered.
#[derive(Debug)]
pub struct Rendered {
    pub segment_title: String,
    pub campaign: CampaignView,
    pub session_id: String,
    pub token: String,
    pub notice: Option<Notice>,
    /// The language of `words`, for the campaign's `lang`.
    pub locale: String,
    pub words: Words,
}

/// What a step does with its answer, called once.
pub type Reply<T> = Box<dyn FnOnce(Result<T, Failure>)>;

impl Server {
    /// POSTs `body` as JSON to `path`, then calls `done` once. The body
    /// goes as `text/plain` (a string body's default) and the key in the
    /// query, so the browser sends a "simple" request with no CORS
    /// preflight.
    fn post(&self, path: &str, body: &JsValue, done: Reply<JsValue>) {
        let url = concat(&[
            &self.base,
            path,
            "?key=",
            &dom::encode_uri_component(&self.key),
        ]);
        let base = self.base.clone();
        let callback =
            Closure::once_into_js(move |status: u16, status_text: String, json: JsValue| {
                done(answer(&base, status, &status_text, json));
            });
        dom::post(&url, &dom::stringify(body), &callback);
    }

    /// `POST /api/v1/embed/render`: the segment's campaign and a play
    /// session, in one round trip.
    pub fn render(
        &self,
        request: &RenderRequest,
        done: Box<dyn FnOnce(Result<Rendered, Problem>)>,
    ) {
        let RenderRequest {
            segment,
            user,
            anonymous_id,
            locale,
            user_token: _,
        } = request;
        let user = user.as_ref().map_or(JsValue::UNDEFINED, |user| {
            let User { id, email, name } = user;
            object(&[
                ("id", optional(id)),
                ("email", optional(email)),
                ("name", optional(name)),
            ])
        });
        let body = object(&[
            ("segment", segment.into()),
            ("user", user),
            ("anonymous_id", optional(anonymous_id)),
            ("locale", optional(locale)),
        ]);
        self.post(
            "/api/v1/embed/render",
            &body,
            Box::new(move |json| {
                done(json.map_err(Problem::from).and_then(|json| {
                    rendered(&json).map_err(|Problem(e)| {
                        Problem::of(&["unexpected answer from the Adact server: ", &e])
                    })
                }))
            }),
        );
    }

    /// The register step; `fields` are the form's values by key. Answers
    /// whether the player is new and their id.
    pub fn register(
        &self,
        session: &str,
        token: &str,
        fields: &[(String, String)],
        consent: bool,
        done: Reply<(bool, String)>,
    ) {
        // The body has the fields of the wire type: this stops compiling
        // when one is added there.
        const _: fn(RegisterRequest) = |RegisterRequest {
                                            token: _,
                                            fields: _,
                                            consent: _,
                                        }| {};
        let values = fields
            .iter()
            .map(|(key, value)| (key.as_str(), JsValue::from_str(value)))
            .collect::<Vec<_>>();
        let body = object(&[
            ("token", token.into()),
            ("fields", object(&values)),
            ("consent", consent.into()),
        ]);
        self.post(
            &step(session, "register"),
            &body,
            Box::new(move |json| {
                done(json.and_then(|json| {
                    let id = get(&json, "player_id").as_string().ok_or_else(malformed)?;
                    Ok((get(&json, "created").is_truthy(), id))
                }))
            }),
        );
    }

    pub fn play(&self, session: &str, token: &str, answers: &[u32], done: Reply<PlayResponse>) {
        const _: fn(PlayRequest) = |PlayRequest {
                                        token: _,
                                        answers: _,
                                    }| {};
        let body = object(&[
            ("token", token.into()),
            ("answers", array(answers.iter().map(|&a| a.into()))),
        ]);
        self.post(
            &step(session, "play"),
            &body,
            Box::new(move |json| done(json.and_then(|json| played(&json).ok_or_else(malformed)))),
        );
    }

    pub fn finish(&self, session: &str, token: &str, done: Box<dyn FnOnce(bool)>) {
        const _: fn(FinishRequest) = |FinishRequest { token: _ }| {};
        self.post(
            &step(session, "finish"),
            &object(&[("token", token.into())]),
            Box::new(move |json| done(json.is_ok())),
        );
    }
}

/// Reads the loader's answer: `status` 0 when the network failed (then
/// `status_text` says why), `json` undefined when the body was not JSON.
fn answer(base: &str, status: u16, status_text: &str, json: JsValue) -> Result<JsValue, Failure> {
    if status == 0 {
        return Err(Failure::unavailable(&[
            "cannot reach the Adact server at ",
            base,
            " (",
            status_text,
            ").",
        ]));
    }
    if (200..300).contains(&status) {
        return if json.is_object() {
            Ok(json)
        } else {
            Err(malformed())
        };
    }
    let error = get(&json, "error");
    Err(
        match (
            get(&error, "code").as_string(),
            get(&error, "message").as_string(),
        ) {
            (Some(code), Some(message)) => Failure {
                code,
                message,
                fields: items(&get(&error, "fields"))
                    .iter()
                    .filter_map(|f| {
                        Some((get(f, "field").as_string()?, get(f, "message").as_string()?))
                    })
                    .collect(),
            },
            _ => Failure::unavailable(&[
                "the Adact server answered ",
                &decimal(status.into()),
                " ",
                status_text,
                ".",
            ]),
        },
    )
}

fn malformed() -> Failure {
    Failure::unavailable(&["unexpected answer from the Adact server."])
}

fn optional(value: &Option<String>) -> JsValue {
    value
        .as_deref()
        .map_or(JsValue::UNDEFINED, JsValue::from_str)
}

fn step(session: &str, name: &str) -> String {
    concat(&[
        "/api/v1/embed/sessions/",
        &dom::encode_uri_component(session),
        "/",
        name,
    ])
}

fn played(json: &JsValue) -> Option<PlayResponse> {
    let prize = get(json, "prize");
    Some(PlayResponse {
        play_id: get(json, "play_id").as_string()?,
        prize: if prize.is_object() {
            Some(prize_view(&prize)?)
        } else {
            None
        },
        code: get(json, "code").as_string(),
        score: get(json, "score").as_f64().map(|n| n as u32),
    })
}

fn prize_view(json: &JsValue) -> Option<PrizeView> {
    Some(PrizeView {
        id: get(json, "id").as_string()?,
        name: get(json, "name").as_string()?,
        description: get(json, "description").as_string().unwrap_or_default(),
    })
}

fn rendered(json: &JsValue) -> Result<Rendered, Problem> {
    let r = Lenient::default();
    let segment = r.object(json, "segment");
    let campaign = r.object(json, "campaign");
    let texts = r.object(&campaign, "texts");
    let theme = r.object(&campaign, "theme");
    let form = r.object(&campaign, "form");
    let end = r.object(&campaign, "end_screen");
    let session = r.object(json, "session");
    let strings = r.object(json, "strings");
    let kind = r.string(&campaign, "kind");
    let notice = get(json, "notice");
    let consent = get(&form, "consent");
    let rendered = Rendered {
        segment_title: r.string(&segment, "title"),
        campaign: CampaignView {
            id: r.string(&campaign, "id"),
            name: r.string(&campaign, "name"),
            kind: CampaignKind::parse(&kind).unwrap_or_else(|| {
                r.fail(&kind, "not a campaign kind");
                CampaignKind::Wheel
            }),
            texts: Texts {
                title: r.string(&texts, "title"),
                description: r.string(&texts, "description"),
                play_button: r.string(&texts, "play_button"),
            },
            theme: Theme {
                primary: r.string(&theme, "primary"),
                background: r.string(&theme, "background"),
                text: r.string(&theme, "text"),
                logo_url: get(&theme, "logo_url").as_string(),
            },
            form: Form {
                fields: r
                    .list(&form, "fields")
                    .iter()
                    .map(|f| FormField {
                        key: r.string(f, "key"),
                        kind: FieldKind::parse(&r.string(f, "type")).unwrap_or(FieldKind::Text),
                        label: r.string(f, "label"),
                        required: get(f, "required").is_truthy(),
                    })
                    .collect(),
                consent: consent.is_object().then(|| Consent {
                    label: r.string(&consent, "label"),
                    required: get(&consent, "required").is_truthy(),
                }),
            },
            prizes: r
                .list(&campaign, "prizes")
                .iter()
                .map(|p| PrizeView {
                    id: r.string(p, "id"),
                    name: r.string(p, "name"),
                    description: r.string(p, "description"),
                })
                .collect(),
            no_prize_label: r.string(&campaign, "no_prize_label"),
            questions: r
                .list(&campaign, "questions")
                .iter()
                .map(|q| QuestionView {
                    text: r.string(q, "text"),
                    answers: items(&get(q, "answers"))
                        .iter()
                        .map(|a| a.as_string().unwrap_or_default())
                        .collect(),
                })
                .collect(),
            end_screen: EndScreen {
                win_title: r.string(&end, "win_title"),
                win_text: r.string(&end, "win_text"),
                lose_title: r.string(&end, "lose_title"),
                lose_text: r.string(&end, "lose_text"),
            },
        },
        session_id: r.string(&session, "id"),
        token: r.string(&session, "token"),
        notice: notice.is_object().then(|| Notice {
            code: r.string(&notice, "code"),
            message: r.string(&notice, "message"),
        }),
        locale: r.string(json, "locale"),
        words: Words::read(|key| r.string(&strings, key)),
    };
    r.finish(rendered)
}

/// Reads many fields with no early return per field (each `?` would add
/// code dropping everything read before it: quadratic in the fields). The
/// first problem is kept and reported once, at the end.
#[derive(Default)]
struct Lenient {
    problem: Cell<Option<Problem>>,
}

impl Lenient {
    fn fail(&self, key: &str, what: &str) {
        let problem = self.problem.take();
        self.problem.set(Some(
            problem.unwrap_or_else(|| Problem::of(&["`", key, "` is ", what])),
        ));
    }

    fn object(&self, from: &JsValue, key: &str) -> JsValue {
        let value = get(from, key);
        if !value.is_object() {
            self.fail(key, "not an object");
        }
        value
    }

    fn string(&self, from: &JsValue, key: &str) -> String {
        get(from, key).as_string().unwrap_or_else(|| {
            self.fail(key, "not a string");
            String::new()
        })
    }

    /// An array's items; missing is empty.
    fn list(&self, from: &JsValue, key: &str) -> Vec<JsValue> {
        let value = get(from, key);
        if !value.is_undefined() && !value.is_null() && !value.is_array() {
            self.fail(key, "not an array");
        }
        items(&value)
    }

    fn finish<T>(self, value: T) -> Result<T, Problem> {
        match self.problem.into_inner() {
            None => Ok(value),
            Some(problem) => Err(problem),
        }
    }
}

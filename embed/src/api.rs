//! Talking to the Adact server that served `embed.js`.

use adact_wire::{
    CampaignKind, CampaignView, Consent, EndScreen, FieldKind, FinishRequest, Form, FormField,
    Notice, PlayRequest, PlayResponse, PrizeView, QuestionView, RegisterRequest, RegisterResponse,
    RenderRequest, RenderResponse, SegmentRef, SessionView, Texts, Theme,
};
use js_sys::Reflect;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use crate::Problem;

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

impl From<Failure> for Problem {
    fn from(failure: Failure) -> Self {
        Problem::new(failure.message)
    }
}

impl Server {
    /// POSTs `body` as JSON to `path`. The body goes as `text/plain` (a
    /// string body's default) and the key in the query, so the browser
    /// sends a "simple" request with no CORS preflight.
    async fn post(&self, path: &str, body: &impl Body) -> Result<Reader, Failure> {
        let failure = |message: String| Failure {
            code: "unavailable".into(),
            message,
            fields: Vec::new(),
        };
        let url = format!(
            "{}{path}?key={}",
            self.base,
            String::from(js_sys::encode_uri_component(&self.key))
        );
        let body =
            js_sys::JSON::stringify(&body.to_js()).map_err(|e| failure(Problem::from(e).0))?;
        let unreachable = |e: JsValue| {
            failure(format!(
                "cannot reach the Adact server at {} ({}).",
                self.base,
                Problem::from(e).0
            ))
        };
        // The browser's fetch, straight: a string body goes as text/plain.
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let window = web_sys::window().ok_or_else(|| failure("there is no window.".into()))?;
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
            .map_err(unreachable)?
            .unchecked_into();
        let text = JsFuture::from(response.text().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default();
        let json = Reader::parse(&text);
        if response.ok() {
            return json.map_err(|Problem(e)| {
                failure(format!("unexpected answer from the Adact server: {e}"))
            });
        }
        let detail = json.and_then(|json| {
            let error = json.object("error")?;
            Ok(Failure {
                code: error.string("code")?,
                message: error.string("message")?,
                fields: error
                    .optional_array("fields")?
                    .iter()
                    .filter_map(|f| Some((f.string("field").ok()?, f.string("message").ok()?)))
                    .collect(),
            })
        });
        detail.map_or_else(
            |_| {
                Err(failure(format!(
                    "the Adact server answered {} {}.",
                    response.status(),
                    response.status_text()
                )))
            },
            Err,
        )
    }

    /// `POST /api/v1/embed/render`: the segment's campaign and a play
    /// session, in one round trip.
    pub async fn render(&self, request: &RenderRequest) -> Result<RenderResponse, Problem> {
        let json = self.post("/api/v1/embed/render", request).await?;
        render_response(&json).map_err(|Problem(e)| {
            Problem::new(format!("unexpected answer from the Adact server: {e}"))
        })
    }

    pub async fn register(
        &self,
        session: &str,
        request: &RegisterRequest,
    ) -> Result<RegisterResponse, Failure> {
        let json = self.post(&step(session, "register"), request).await?;
        Ok(RegisterResponse {
            player_id: json.string("player_id").map_err(malformed)?,
            created: json
                .get("created")
                .map_err(malformed)?
                .as_bool()
                .unwrap_or(false),
        })
    }

    pub async fn play(
        &self,
        session: &str,
        request: &PlayRequest,
    ) -> Result<PlayResponse, Failure> {
        let json = self.post(&step(session, "play"), request).await?;
        play_response(&json).map_err(malformed)
    }

    pub async fn finish(&self, session: &str, request: &FinishRequest) -> Result<(), Failure> {
        self.post(&step(session, "finish"), request).await?;
        Ok(())
    }
}

/// A request body as a JS object, built field by field: serde would link its
/// machinery into the wasm for four small shapes. Each impl destructures its
/// wire type, so a field added there cannot be forgotten here.
pub trait Body {
    fn to_js(&self) -> JsValue;
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        if !value.is_undefined() {
            let _ = Reflect::set(&object, &JsValue::from_str(key), value);
        }
    }
    object.into()
}

fn optional(value: Option<&String>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, |v| JsValue::from_str(v))
}

impl Body for RenderRequest {
    fn to_js(&self) -> JsValue {
        let Self {
            segment,
            user,
            anonymous_id,
            locale,
        } = self;
        let user = user.as_ref().map_or(JsValue::UNDEFINED, |user| {
            let adact_wire::User { id, email, name } = user;
            object(&[
                ("id", optional(id.as_ref())),
                ("email", optional(email.as_ref())),
                ("name", optional(name.as_ref())),
            ])
        });
        object(&[
            ("segment", segment.into()),
            ("user", user),
            ("anonymous_id", optional(anonymous_id.as_ref())),
            ("locale", optional(locale.as_ref())),
        ])
    }
}

impl Body for RegisterRequest {
    fn to_js(&self) -> JsValue {
        let Self {
            token,
            fields,
            consent,
        } = self;
        let values = fields
            .iter()
            .map(|(key, value)| (key.as_str(), JsValue::from_str(value)))
            .collect::<Vec<_>>();
        object(&[
            ("token", token.into()),
            ("fields", object(&values)),
            ("consent", (*consent).into()),
        ])
    }
}

impl Body for PlayRequest {
    fn to_js(&self) -> JsValue {
        let Self { token, answers } = self;
        let list: js_sys::Array = answers.iter().map(|a| JsValue::from(*a)).collect();
        object(&[("token", token.into()), ("answers", list.into())])
    }
}

impl Body for FinishRequest {
    fn to_js(&self) -> JsValue {
        let Self { token } = self;
        object(&[("token", token.into())])
    }
}

fn step(session: &str, name: &str) -> String {
    format!(
        "/api/v1/embed/sessions/{}/{name}",
        String::from(js_sys::encode_uri_component(session))
    )
}

fn malformed(Problem(e): Problem) -> Failure {
    Failure {
        code: "unavailable".into(),
        message: format!("unexpected answer from the Adact server: {e}"),
        fields: Vec::new(),
    }
}

fn play_response(json: &Reader) -> Result<PlayResponse, Problem> {
    let prize = match json.get("prize")? {
        v if v.is_object() => Some(prize(&Reader(v))?),
        _ => None,
    };
    Ok(PlayResponse {
        play_id: json.string("play_id")?,
        prize,
        code: json.optional_string("code")?,
        score: json.optional_u32("score")?,
    })
}

fn prize(json: &Reader) -> Result<PrizeView, Problem> {
    Ok(PrizeView {
        id: json.string("id")?,
        name: json.string("name")?,
        description: json.string("description")?,
    })
}

fn render_response(json: &Reader) -> Result<RenderResponse, Problem> {
    let r = Lenient::default();
    let json = &json.0;
    let segment = r.object(json, "segment");
    let campaign = r.object(json, "campaign");
    let texts = r.object(&campaign, "texts");
    let theme = r.object(&campaign, "theme");
    let form = r.object(&campaign, "form");
    let end = r.object(&campaign, "end_screen");
    let session = r.object(json, "session");
    let kind = r.string(&campaign, "kind");
    let notice = r.get(json, "notice");
    let consent = r.get(&form, "consent");
    let response = RenderResponse {
        segment: SegmentRef {
            id: r.string(&segment, "id"),
            title: r.string(&segment, "title"),
        },
        campaign: CampaignView {
            id: r.string(&campaign, "id"),
            name: r.string(&campaign, "name"),
            kind: CampaignKind::parse(&kind).unwrap_or(CampaignKind::Wheel),
            texts: Texts {
                title: r.string(&texts, "title"),
                description: r.string(&texts, "description"),
                play_button: r.string(&texts, "play_button"),
            },
            theme: Theme {
                primary: r.string(&theme, "primary"),
                background: r.string(&theme, "background"),
                text: r.string(&theme, "text"),
                logo_url: r.get(&theme, "logo_url").as_string(),
            },
            form: Form {
                fields: r
                    .list(&form, "fields")
                    .iter()
                    .map(|f| FormField {
                        key: r.string(f, "key"),
                        kind: FieldKind::parse(&r.string(f, "type")).unwrap_or(FieldKind::Text),
                        label: r.string(f, "label"),
                        required: r.get(f, "required").is_truthy(),
                    })
                    .collect(),
                consent: consent.is_object().then(|| Consent {
                    label: r.string(&consent, "label"),
                    required: r.get(&consent, "required").is_truthy(),
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
                    answers: r
                        .list(q, "answers")
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
        session: SessionView {
            id: r.string(&session, "id"),
            token: r.string(&session, "token"),
        },
        notice: notice.is_object().then(|| Notice {
            code: r.string(&notice, "code"),
            message: r.string(&notice, "message"),
        }),
        locale: String::new(),
        strings: Default::default(),
    };
    if CampaignKind::parse(&kind).is_none() {
        r.fail(&kind, "not a campaign kind");
    }
    r.finish(response)
}

/// Reads many fields with no early return per field (each `?` would add
/// code dropping everything read before it: quadratic in the fields). The
/// first problem is kept and reported once, at the end.
#[derive(Default)]
struct Lenient {
    problem: std::cell::RefCell<Option<String>>,
}

impl Lenient {
    fn fail(&self, key: &str, what: &str) {
        let mut problem = self.problem.borrow_mut();
        if problem.is_none() {
            *problem = Some(format!("`{key}` is {what}"));
        }
    }

    /// The value at `key`, `undefined` when missing (or `from` is no object).
    fn get(&self, from: &JsValue, key: &str) -> JsValue {
        if from.is_object() {
            Reflect::get(from, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    }

    fn object(&self, from: &JsValue, key: &str) -> JsValue {
        let value = self.get(from, key);
        if !value.is_object() {
            self.fail(key, "not an object");
        }
        value
    }

    fn string(&self, from: &JsValue, key: &str) -> String {
        self.get(from, key).as_string().unwrap_or_else(|| {
            self.fail(key, "not a string");
            String::new()
        })
    }

    /// An array's items; missing is empty.
    fn list(&self, from: &JsValue, key: &str) -> Vec<JsValue> {
        let value = self.get(from, key);
        if js_sys::Array::is_array(&value) {
            js_sys::Array::from(&value).iter().collect()
        } else {
            if !value.is_undefined() && !value.is_null() {
                self.fail(key, "not an array");
            }
            Vec::new()
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Problem> {
        match self.problem.into_inner() {
            None => Ok(value),
            Some(problem) => Err(Problem::new(problem)),
        }
    }
}

/// Reads JSON parsed by the browser's own parser. Deserializing with serde
/// would link Rust's float formatting and error machinery into the bundle
/// (about 20 KB of wasm) for a handful of string fields.
pub(crate) struct Reader(JsValue);

impl Reader {
    fn parse(text: &str) -> Result<Self, Problem> {
        Ok(Self(js_sys::JSON::parse(text)?))
    }

    fn get(&self, key: &str) -> Result<JsValue, Problem> {
        if !self.0.is_object() {
            return Err(Problem::new(format!("expected an object around `{key}`")));
        }
        Ok(Reflect::get(&self.0, &JsValue::from_str(key))?)
    }

    fn object(&self, key: &str) -> Result<Self, Problem> {
        let value = self.get(key)?;
        if value.is_object() {
            Ok(Self(value))
        } else {
            Err(Problem::new(format!("`{key}` is not an object")))
        }
    }

    fn string(&self, key: &str) -> Result<String, Problem> {
        self.get(key)?
            .as_string()
            .ok_or_else(|| Problem::new(format!("`{key}` is not a string")))
    }

    fn optional_array_raw(&self, key: &str) -> Result<Vec<JsValue>, Problem> {
        let value = self.get(key)?;
        if value.is_undefined() || value.is_null() {
            return Ok(Vec::new());
        }
        if !js_sys::Array::is_array(&value) {
            return Err(Problem::new(format!("`{key}` is not an array")));
        }
        Ok(js_sys::Array::from(&value).iter().collect())
    }

    fn optional_array(&self, key: &str) -> Result<Vec<Self>, Problem> {
        Ok(self
            .optional_array_raw(key)?
            .into_iter()
            .map(Self)
            .collect())
    }

    fn optional_u32(&self, key: &str) -> Result<Option<u32>, Problem> {
        let value = self.get(key)?;
        Ok(value.as_f64().map(|n| n as u32))
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, Problem> {
        let value = self.get(key)?;
        if value.is_undefined() || value.is_null() {
            Ok(None)
        } else {
            value
                .as_string()
                .map(Some)
                .ok_or_else(|| Problem::new(format!("`{key}` is not a string")))
        }
    }
}

//! The game rules: what a campaign is and what makes one valid. Nothing here
//! knows about HTTP or SQL.

use std::{collections::BTreeMap, fmt};

use adact_wire::{CampaignKind, EndScreen, FieldKind, Form, Texts, Theme};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Error;

pub mod draw;
pub mod limits;

pub use limits::{PlayLimit, Refusal};

/// Only an `active` campaign is shown to visitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Active, Self::Archived]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a marketer configures beyond name, kind and status. Stored as JSON
/// beside the campaign row; prize stock and codes live in their own tables
/// so that plays can take them atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub texts: Texts,
    #[serde(default)]
    pub theme: Theme,
    /// RFC 3339; before it, nobody can play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    /// RFC 3339; from it on, nobody can play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub play_limit: PlayLimit,
    #[serde(default)]
    pub form: Form,
    /// In the marketer's order: the wheel's slices.
    #[serde(default)]
    pub prizes: Vec<Prize>,
    #[serde(default)]
    pub no_prize: NoPrize,
    /// Required for a `quiz` campaign; no other kind has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiz: Option<Quiz>,
    #[serde(default)]
    pub end_screen: EndScreen,
}

/// A prize as configured. `id` is given by the server when it is first
/// saved; send it back on update to keep the prize's stock and codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Prize {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Relative to the other prizes and `no_prize`; 0 never wins.
    pub weight: u32,
    /// How many can be won; absent: unlimited (generated codes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u32>,
    pub codes: Codes,
}

impl Prize {
    /// The prize as a visitor sees it: no weight, stock or codes.
    pub fn view(&self) -> adact_wire::PrizeView {
        adact_wire::PrizeView {
            id: self.id.clone().unwrap_or_default(),
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}

/// Where a prize's codes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Codes {
    /// Unique codes uploaded by the marketer, each given once. On update,
    /// codes not yet in the pool are added. Not stored in the definition.
    Pool(Vec<String>),
    /// A random code per win: `prefix` then 10 letters and digits.
    Generate {
        #[serde(default)]
        prefix: String,
    },
}

// Written out rather than derived: utoipa applies `deny_unknown_fields` to
// structs only, so a derived schema would accept the extra keys serde
// refuses. `codes_schema_agrees_with_serde` keeps the two in step.
impl utoipa::PartialSchema for Codes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
        };
        let closed = || Some(AdditionalProperties::FreeForm(false));
        let variant = |name: &str, description: &str, value: Schema| {
            ObjectBuilder::new()
                .description(Some(description))
                .property(name, value)
                .required(name)
                .additional_properties(closed())
        };
        let pool = ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .build();
        let generate = ObjectBuilder::new()
            .property(
                "prefix",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .default(Some("".into())),
            )
            .additional_properties(closed())
            .build();
        OneOfBuilder::new()
            .description(Some("Where a prize's codes come from."))
            .item(variant(
                "pool",
                "Unique codes uploaded by the marketer, each given once (`stock` is \
                 required). On update, codes not yet in the pool are added.",
                pool.into(),
            ))
            .item(variant(
                "generate",
                "A random code per win: `prefix` then 10 letters and digits.",
                generate.into(),
            ))
            .into()
    }
}

impl ToSchema for Codes {}

/// The "no prize" outcome: its label (a wheel slice) and weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoPrize {
    #[serde(default = "NoPrize::default_label")]
    #[schema(default = NoPrize::default_label)]
    pub label: String,
    #[serde(default)]
    pub weight: u32,
}

impl NoPrize {
    fn default_label() -> String {
        "No luck".to_owned()
    }
}

impl Default for NoPrize {
    fn default() -> Self {
        Self {
            label: Self::default_label(),
            weight: 0,
        }
    }
}

/// A quiz: questions with their right answers. A player scoring under
/// `pass_score` wins nothing; otherwise the prize is drawn as for any kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub questions: Vec<Question>,
    #[serde(default)]
    pub pass_score: u32,
}

/// A quiz question with its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub text: String,
    pub answers: Vec<String>,
    /// The index of the right answer.
    pub correct: u32,
}

impl Quiz {
    /// How many answers are right; `answers` must have one per question.
    pub fn score(&self, answers: &[u32]) -> Result<u32, Error> {
        if answers.len() != self.questions.len() {
            return Err(Error::invalid(
                "answers",
                format!("must answer each of the {} questions", self.questions.len()),
            ));
        }
        let mut score = 0;
        for (i, (question, &answer)) in self.questions.iter().zip(answers).enumerate() {
            if answer as usize >= question.answers.len() {
                return Err(Error::invalid(
                    format!("answers[{i}]"),
                    "is not one of the question's answers",
                ));
            }
            score += u32::from(answer == question.correct);
        }
        Ok(score)
    }
}

const MAX_WEIGHT: u32 = 1_000_000;
const MAX_CODE_LEN: usize = 100;

impl Definition {
    /// Checks every field, naming the first bad one by its path.
    pub fn validate(&self, kind: CampaignKind) -> Result<(), Error> {
        let Texts {
            title,
            description,
            play_button,
        } = &self.texts;
        check_text("texts.title", title, 1, 120)?;
        check_text("texts.description", description, 0, 1000)?;
        check_text("texts.play_button", play_button, 1, 40)?;
        let Theme {
            primary,
            background,
            text,
            logo_url,
        } = &self.theme;
        check_colour("theme.primary", primary)?;
        check_colour("theme.background", background)?;
        check_colour("theme.text", text)?;
        if let Some(url) = logo_url {
            check_url("theme.logo_url", url)?;
        }
        let (starts, ends) = self.schedule()?;
        if let (Some(starts), Some(ends)) = (starts, ends)
            && ends <= starts
        {
            return Err(Error::invalid("ends_at", "must be after starts_at"));
        }
        self.validate_form()?;
        if self.prizes.len() > 50 {
            return Err(Error::invalid("prizes", "at most 50 prizes"));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, prize) in self.prizes.iter().enumerate() {
            let at = |field: &str| format!("prizes[{i}].{field}");
            check_text(&at("name"), &prize.name, 1, 80)?;
            check_text(&at("description"), &prize.description, 0, 500)?;
            if prize.weight > MAX_WEIGHT {
                return Err(Error::invalid(
                    at("weight"),
                    format!("must be at most {MAX_WEIGHT}"),
                ));
            }
            if let Some(id) = &prize.id
                && !ids.insert(id)
            {
                return Err(Error::invalid(at("id"), "is used by another prize"));
            }
            match &prize.codes {
                Codes::Pool(codes) => {
                    if prize.stock.is_none() {
                        return Err(Error::invalid(
                            at("stock"),
                            "is required for a pool of codes",
                        ));
                    }
                    let mut seen = std::collections::HashSet::new();
                    for (j, code) in codes.iter().enumerate() {
                        let field = format!("prizes[{i}].codes.pool[{j}]");
                        check_text(&field, code, 1, MAX_CODE_LEN)?;
                        if !seen.insert(code) {
                            return Err(Error::invalid(field, "is a duplicate code"));
                        }
                    }
                }
                Codes::Generate { prefix } => {
                    check_text(&format!("prizes[{i}].codes.generate.prefix"), prefix, 0, 20)?;
                }
            }
        }
        check_text("no_prize.label", &self.no_prize.label, 1, 80)?;
        if self.no_prize.weight > MAX_WEIGHT {
            return Err(Error::invalid(
                "no_prize.weight",
                format!("must be at most {MAX_WEIGHT}"),
            ));
        }
        match (&self.quiz, kind) {
            (None, CampaignKind::Quiz) => {
                return Err(Error::invalid("quiz", "a quiz needs its questions"));
            }
            (Some(_), k) if k != CampaignKind::Quiz => {
                return Err(Error::invalid("quiz", "only a quiz campaign has questions"));
            }
            (Some(quiz), _) => quiz.validate()?,
            (None, _) => {}
        }
        let e = &self.end_screen;
        check_text("end_screen.win_title", &e.win_title, 1, 120)?;
        check_text("end_screen.win_text", &e.win_text, 0, 1000)?;
        check_text("end_screen.lose_title", &e.lose_title, 1, 120)?;
        check_text("end_screen.lose_text", &e.lose_text, 0, 1000)?;
        Ok(())
    }

    fn validate_form(&self) -> Result<(), Error> {
        if self.form.fields.len() > 20 {
            return Err(Error::invalid("form.fields", "at most 20 fields"));
        }
        let mut keys = std::collections::HashSet::new();
        for (i, field) in self.form.fields.iter().enumerate() {
            let key_ok = !field.key.is_empty()
                && field.key.len() <= 40
                && field
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                return Err(Error::invalid(
                    format!("form.fields[{i}].key"),
                    "must be 1 to 40 lowercase letters, digits or _",
                ));
            }
            if !keys.insert(&field.key) {
                return Err(Error::invalid(
                    format!("form.fields[{i}].key"),
                    "is used by another field",
                ));
            }
            check_text(&format!("form.fields[{i}].label"), &field.label, 1, 200)?;
        }
        if let Some(consent) = &self.form.consent {
            check_text("form.consent.label", &consent.label, 1, 1000)?;
        }
        Ok(())
    }

    /// The schedule in unix ms, naming a bad date by its field.
    pub fn schedule(&self) -> Result<(Option<i64>, Option<i64>), Error> {
        let parse = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| {
                    parse_rfc3339(v).ok_or_else(|| {
                        Error::invalid(field, "must be an RFC 3339 time like 2026-12-01T00:00:00Z")
                    })
                })
                .transpose()
        };
        Ok((
            parse("starts_at", &self.starts_at)?,
            parse("ends_at", &self.ends_at)?,
        ))
    }

    /// A play's quiz score (none for other kinds) and whether it lets the
    /// player into the draw: a quiz needs `pass_score` right answers.
    pub fn score(&self, answers: &[u32]) -> Result<(Option<u32>, bool), Error> {
        match &self.quiz {
            Some(quiz) => {
                let score = quiz.score(answers)?;
                Ok((Some(score), score >= quiz.pass_score))
            }
            None => Ok((None, true)),
        }
    }

    /// The prize with this id.
    pub fn prize(&self, id: &str) -> Option<&Prize> {
        self.prizes.iter().find(|p| p.id.as_deref() == Some(id))
    }

    /// The prizes the draw may pick, in the marketer's order: those that
    /// have an id and that `in_stock` says have stock left.
    pub fn candidates(&self, in_stock: impl Fn(&str) -> bool) -> Vec<draw::Candidate> {
        self.prizes
            .iter()
            .filter_map(|p| {
                let id = p.id.as_deref()?;
                in_stock(id).then(|| draw::Candidate {
                    prize_id: id.to_owned(),
                    weight: p.weight,
                })
            })
            .collect()
    }

    /// Checks a player's registration against the form, naming every bad
    /// field. Returns the values to store: the form's keys only, trimmed.
    pub fn check_registration(
        &self,
        fields: &BTreeMap<String, String>,
        consent: bool,
    ) -> Result<BTreeMap<String, String>, Error> {
        let mut errors = Vec::new();
        let mut values = BTreeMap::new();
        for field in &self.form.fields {
            let path = format!("fields.{}", field.key);
            let value = fields.get(&field.key).map_or("", |v| v.trim());
            if value.is_empty() {
                if field.required {
                    errors.push((path, format!("{} is required.", field.label)));
                }
                continue;
            }
            if let Err(message) = check_field_value(field.kind, value) {
                errors.push((path, message.to_owned()));
                continue;
            }
            values.insert(field.key.clone(), value.to_owned());
        }
        if let Some(c) = &self.form.consent
            && c.required
            && !consent
        {
            errors.push((
                "consent".to_owned(),
                "Please accept to continue.".to_owned(),
            ));
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(Error::Fields(errors))
        }
    }
}

/// Why a form value is not acceptable, in words for the player.
pub fn check_field_value(kind: FieldKind, value: &str) -> Result<(), &'static str> {
    if value.chars().count() > 200 || value.chars().any(char::is_control) {
        return Err("Please shorten this value.");
    }
    match kind {
        FieldKind::Email => {
            let ok = value.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.contains(char::is_whitespace)
            });
            if ok {
                Ok(())
            } else {
                Err("Please enter a valid email address.")
            }
        }
        FieldKind::Phone => {
            let digits = value.chars().filter(char::is_ascii_digit).count();
            let ok = (6..=15).contains(&digits)
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c));
            if ok {
                Ok(())
            } else {
                Err("Please enter a valid phone number.")
            }
        }
        FieldKind::Name | FieldKind::Text => Ok(()),
    }
}

impl Quiz {
    fn validate(&self) -> Result<(), Error> {
        if self.questions.is_empty() || self.questions.len() > 20 {
            return Err(Error::invalid("quiz.questions", "1 to 20 questions"));
        }
        for (i, question) in self.questions.iter().enumerate() {
            check_text(&format!("quiz.questions[{i}].text"), &question.text, 1, 300)?;
            if !(2..=6).contains(&question.answers.len()) {
                return Err(Error::invalid(
                    format!("quiz.questions[{i}].answers"),
                    "2 to 6 answers",
                ));
            }
            for (j, answer) in question.answers.iter().enumerate() {
                check_text(&format!("quiz.questions[{i}].answers[{j}]"), answer, 1, 200)?;
            }
            if question.correct as usize >= question.answers.len() {
                return Err(Error::invalid(
                    format!("quiz.questions[{i}].correct"),
                    "must be the index of one of the answers",
                ));
            }
        }
        if self.pass_score as usize > self.questions.len() {
            return Err(Error::invalid(
                "quiz.pass_score",
                "must not exceed the number of questions",
            ));
        }
        Ok(())
    }
}

/// RFC 3339 to unix ms.
pub fn parse_rfc3339(value: &str) -> Option<i64> {
    let time =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok()
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Self::Refused {
            code: refusal.code(),
            message: refusal.message().to_owned(),
        }
    }
}

/// A campaign as the server knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub status: Status,
    pub definition: Definition,
}

impl Campaign {
    pub fn view(&self) -> adact_wire::CampaignView {
        let d = &self.definition;
        adact_wire::CampaignView {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            texts: d.texts.clone(),
            theme: d.theme.clone(),
            form: d.form.clone(),
            prizes: d.prizes.iter().map(Prize::view).collect(),
            no_prize_label: d.no_prize.label.clone(),
            questions: d
                .quiz
                .iter()
                .flat_map(|q| &q.questions)
                .map(|q| adact_wire::QuestionView {
                    text: q.text.clone(),
                    answers: q.answers.clone(),
                })
                .collect(),
            end_screen: d.end_screen.clone(),
        }
    }

    /// Whether the schedule lets anyone play at `now_ms`.
    pub fn check_schedule(&self, now_ms: i64) -> Result<(), Refusal> {
        let (starts, ends) = self.definition.schedule().unwrap_or((None, None));
        limits::check_schedule(starts, ends, now_ms)
    }
}

pub fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let len = value.trim().chars().count();
    if len < min {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_colour(field: &str, value: &str) -> Result<(), Error> {
    let hex = value.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a colour like #1a2b3c, not {value:?}"),
        ))
    }
}

fn check_url(field: &str, value: &str) -> Result<(), Error> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() <= 2048
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '<');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, "must be an absolute http(s) URL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Definition {
        serde_json::from_value(serde_json::json!({"texts": {"title": "Spin the wheel"}})).unwrap()
    }

    fn full() -> Definition {
        serde_json::from_value(serde_json::json!({
            "texts": {"title": "Spin the wheel"},
            "starts_at": "2026-12-01T00:00:00Z",
            "ends_at": "2026-12-24T00:00:00Z",
            "play_limit": "daily",
            "form": {
                "fields": [
                    {"key": "email", "type": "email", "label": "Email", "required": true},
                    {"key": "phone", "type": "phone", "label": "Phone"},
                    {"key": "shoe_size", "type": "text", "label": "Shoe size"}
                ],
                "consent": {"label": "I agree to the terms", "required": true}
            },
            "prizes": [
                {"name": "10% off", "weight": 10, "stock": 2, "codes": {"pool": ["A1", "A2"]}},
                {"name": "Free shipping", "weight": 5, "codes": {"generate": {"prefix": "SHIP-"}}}
            ],
            "no_prize": {"label": "Try again", "weight": 20}
        }))
        .unwrap()
    }

    fn field_of(err: Error) -> String {
        match err {
            Error::Invalid { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_minimal_definition_is_valid() {
        definition().validate(CampaignKind::Wheel).unwrap();
        full().validate(CampaignKind::Wheel).unwrap();
    }

    #[test]
    fn prize_and_schedule_errors_name_their_path() {
        let mut d = full();
        d.prizes[1].weight = MAX_WEIGHT + 1;
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "prizes[1].weight"
        );
        let mut d = full();
        d.prizes[0].codes = Codes::Pool(vec!["X".into(), "X".into()]);
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "prizes[0].codes.pool[1]"
        );
        let mut d = full();
        d.prizes[0].stock = None;
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "prizes[0].stock"
        );
        let mut d = full();
        d.ends_at = Some("2026-11-01T00:00:00Z".into());
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "ends_at"
        );
        let mut d = full();
        d.starts_at = Some("tomorrow".into());
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "starts_at"
        );
        let mut d = full();
        d.form.fields[2].key = "email".into();
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "form.fields[2].key"
        );
        assert_eq!(
            field_of(full().validate(CampaignKind::Quiz).unwrap_err()),
            "quiz"
        );
    }

    #[test]
    fn quizzes_are_validated_and_scored() {
        let mut d = definition();
        d.quiz = Some(Quiz {
            questions: vec![Question {
                text: "2 + 2?".into(),
                answers: vec!["3".into(), "4".into()],
                correct: 1,
            }],
            pass_score: 1,
        });
        d.validate(CampaignKind::Quiz).unwrap();
        let quiz = d.quiz.clone().unwrap();
        assert_eq!(quiz.score(&[1]).unwrap(), 1);
        assert_eq!(quiz.score(&[0]).unwrap(), 0);
        assert_eq!(field_of(quiz.score(&[2]).unwrap_err()), "answers[0]");
        assert_eq!(field_of(quiz.score(&[]).unwrap_err()), "answers");
        d.quiz.as_mut().unwrap().questions[0].correct = 2;
        assert_eq!(
            field_of(d.validate(CampaignKind::Quiz).unwrap_err()),
            "quiz.questions[0].correct"
        );
    }

    #[test]
    fn registrations_report_every_bad_field() {
        let d = full();
        let fields = BTreeMap::from([
            ("email".to_owned(), "not-an-email".to_owned()),
            ("phone".to_owned(), "call me".to_owned()),
        ]);
        match d.check_registration(&fields, false).unwrap_err() {
            Error::Fields(errors) => {
                let names: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(names, ["fields.email", "fields.phone", "consent"]);
            }
            other => panic!("{other:?}"),
        }
        let fields = BTreeMap::from([
            ("email".to_owned(), " ada@example.com ".to_owned()),
            ("unknown".to_owned(), "dropped".to_owned()),
        ]);
        let values = d.check_registration(&fields, true).unwrap();
        assert_eq!(
            values,
            BTreeMap::from([("email".to_owned(), "ada@example.com".to_owned())])
        );
    }

    #[test]
    fn errors_name_the_field_path() {
        let mut d = definition();
        d.texts.title = "   ".into();
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "texts.title"
        );

        let mut d = definition();
        d.theme.background = "red".into();
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "theme.background"
        );

        let mut d = definition();
        d.theme.logo_url = Some("javascript:alert(1)".into());
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "theme.logo_url"
        );

        let mut d = definition();
        d.texts.play_button = "x".repeat(41);
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "texts.play_button"
        );
    }

    #[test]
    fn codes_schema_agrees_with_serde() {
        use utoipa::PartialSchema as _;
        let schema = serde_json::to_value(Codes::schema()).unwrap();
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        for value in [
            serde_json::json!({"pool": ["A", "B"]}),
            serde_json::json!({"pool": []}),
            serde_json::json!({"generate": {}}),
            serde_json::json!({"generate": {"prefix": "SHIP-"}}),
            serde_json::json!({"pool": ["A"], "generate": {}}),
            serde_json::json!({"pool": ["A"], "extra": 1}),
            serde_json::json!({"generate": {"prefix": "", "extra": 1}}),
            serde_json::json!({"generate": null}),
            serde_json::json!({"pool": "A"}),
            serde_json::json!({"other": []}),
            serde_json::json!({}),
            serde_json::json!("pool"),
        ] {
            assert_eq!(
                validator.is_valid(&value),
                serde_json::from_value::<Codes>(value.clone()).is_ok(),
                "the schema and serde disagree on {value}"
            );
        }
    }

    #[test]
    fn statuses_parse_their_names() {
        for s in ["draft", "active", "archived"] {
            assert_eq!(Status::parse(s).unwrap().as_str(), s);
        }
        assert!(Status::parse("live").is_none());
    }
}

//! What a campaign is: its kind, status and definition (texts, look,
//! schedule, form, prizes, quiz, end screen), and how a visitor sees it.
//! What makes one valid is in `validate`, a registration's checks in
//! `registration`.

use adact_wire::{CampaignKind, EndScreen, Form, Texts, Theme};
use serde::{Deserialize, Serialize};

use super::{
    Error, draw,
    etag::ETag,
    limits::{self, PlayLimit, Refusal},
    time::{parse_rfc3339, rfc3339},
};

mod registration;
#[cfg(feature = "openapi")]
mod schema;
mod validate;

pub use registration::check_field_value;
pub use validate::check_text;

/// Only an `active` campaign is shown to visitors.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    strum::Display,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// What a marketer configures beyond name, kind and status. Stored as JSON
/// beside the campaign row; prize stock and codes live in their own tables
/// so that plays can take them atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub texts: Texts,
    #[serde(default)]
    pub theme: Theme,
    /// RFC 3339; before it, nobody can play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub starts_at: Option<String>,
    /// RFC 3339; from it on, nobody can play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The last day the code can be used, `YYYY-MM-DD`, shown on the end
    /// screen's coupon in the visitor's language; absent: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub valid_until: Option<String>,
}

impl Prize {
    /// The prize as a visitor sees it: no weight, stock or codes.
    pub fn view(&self) -> adact_wire::PrizeView {
        adact_wire::PrizeView {
            id: self.id.clone().unwrap_or_default(),
            name: self.name.clone(),
            description: self.description.clone(),
            valid_until: self.valid_until.clone(),
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

/// The "no prize" outcome: its label (a wheel slice) and weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoPrize {
    #[serde(default = "NoPrize::default_label")]
    #[cfg_attr(feature = "openapi", schema(default = NoPrize::default_label))]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub questions: Vec<Question>,
    #[serde(default)]
    pub pass_score: u32,
}

/// A quiz question with its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Definition {
    /// The definition as it is stored: pools of codes live in their own
    /// table (where plays take them), not here.
    #[must_use]
    pub fn without_pool_codes(&self) -> Self {
        let mut stored = self.clone();
        for prize in &mut stored.prizes {
            if let Codes::Pool(codes) = &mut prize.codes {
                codes.clear();
            }
        }
        stored
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

    /// When a player who plays at `now_ms` may play again, as RFC 3339:
    /// for a daily or weekly limit, the next window's start, unless the
    /// campaign has ended by then.
    pub fn next_play_at(&self, now_ms: i64) -> Option<String> {
        if !matches!(self.play_limit, PlayLimit::Daily | PlayLimit::Weekly) {
            return None;
        }
        let next = self.play_limit.next_window(now_ms)?;
        let (_, ends) = self.schedule().unwrap_or((None, None));
        (ends.is_none_or(|ends| next < ends)).then(|| rfc3339(next))
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

    /// For a quiz, the index of each question's right answer, which a play
    /// shows once its answers are in.
    pub fn correct_answers(&self) -> Option<Vec<u32>> {
        let quiz = self.quiz.as_ref()?;
        Some(quiz.questions.iter().map(|q| q.correct).collect())
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
}

/// What creating a campaign needs.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    pub kind: CampaignKind,
    pub status: Status,
    pub definition: Definition,
}

/// A prize's live stock and codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrizeStock {
    pub id: String,
    /// How many can still be won; `None` when unlimited.
    pub stock_remaining: Option<i64>,
    /// Codes not given yet.
    pub codes_available: i64,
    /// Codes given to winners.
    pub codes_given: i64,
}

/// How often a campaign was played: plays that reached the game step, and
/// those that won a prize.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayCounts {
    pub plays: i64,
    pub wins: i64,
}

/// How many more codes winners can be given: for each prize of
/// `definition` (by its id in `stock`), its pool codes not given yet but no
/// more than its stock left, or for generated codes its stock left. `None`
/// when a prize generates codes with no stock, so there is no end.
pub fn codes_left(definition: &Definition, stock: &[PrizeStock]) -> Option<i64> {
    let mut left = 0;
    for live in stock {
        let prize = definition
            .prizes
            .iter()
            .find(|p| p.id.as_deref() == Some(live.id.as_str()));
        left += match prize.map(|p| &p.codes) {
            Some(Codes::Generate { .. }) => live.stock_remaining?,
            // Pool codes; a prize missing from the definition has only what is left of its pool.
            _ => live
                .stock_remaining
                .map_or(live.codes_available, |s| s.min(live.codes_available)),
        };
    }
    Some(left)
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

    /// The campaign's entity tag (see `etag`): its name, kind, status and
    /// definition as stored. Not its prizes' stock left nor its plays,
    /// which change with every play; nor the pool codes an edit sent,
    /// which only ever add to the pool.
    pub fn etag(&self) -> ETag {
        ETag::of(&(
            &self.name,
            self.kind,
            self.status,
            self.definition.without_pool_codes(),
        ))
    }

    /// Whether the schedule lets anyone play at `now_ms`.
    pub fn check_schedule(&self, now_ms: i64) -> Result<(), Refusal> {
        let (starts, ends) = self.definition.schedule().unwrap_or((None, None));
        limits::check_schedule(starts, ends, now_ms)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn codes_left_counts_pool_codes_within_the_stock_and_generated_stock() {
        let definition: Definition = serde_json::from_value(serde_json::json!({
            "texts": {"title": "Win"},
            "prizes": [
                {"id": "prz_pool", "name": "Card", "weight": 1, "stock": 5, "codes": {"pool": []}},
                {"id": "prz_gen", "name": "Ship", "weight": 1, "stock": 3, "codes": {"generate": {}}},
            ],
        }))
        .unwrap();
        let live = |id: &str, stock: Option<i64>, available: i64| PrizeStock {
            id: id.into(),
            stock_remaining: stock,
            codes_available: available,
            codes_given: 0,
        };
        // 4 pool codes within a stock of 2, and 3 generated.
        let stock = [live("prz_pool", Some(2), 4), live("prz_gen", Some(3), 0)];
        assert_eq!(codes_left(&definition, &stock), Some(5));
        // More stock than codes: the codes are what is left.
        let stock = [live("prz_pool", Some(5), 1), live("prz_gen", Some(0), 0)];
        assert_eq!(codes_left(&definition, &stock), Some(1));
        // Generated with no stock: no end.
        let stock = [live("prz_pool", Some(5), 1), live("prz_gen", None, 0)];
        assert_eq!(codes_left(&definition, &stock), None);
        assert_eq!(codes_left(&definition, &[]), Some(0));
    }

    pub fn definition() -> Definition {
        serde_json::from_value(serde_json::json!({"texts": {"title": "Spin the wheel"}})).unwrap()
    }

    pub fn full() -> Definition {
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

    pub fn field_of(err: Error) -> String {
        match err {
            Error::Invalid { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn the_next_play_follows_the_limit_and_ends_with_the_campaign() {
        // 2026-12-10T15:00:00Z, a Thursday, inside `full()`'s schedule.
        let now = parse_rfc3339("2026-12-10T15:00:00Z").unwrap();
        let mut d = full();
        assert_eq!(
            d.next_play_at(now).as_deref(),
            Some("2026-12-11T00:00:00.000Z")
        );
        d.play_limit = PlayLimit::Weekly;
        assert_eq!(
            d.next_play_at(now).as_deref(),
            Some("2026-12-14T00:00:00.000Z")
        );
        // The campaign ends on the 24th: no next week after the 21st's.
        let late = parse_rfc3339("2026-12-22T15:00:00Z").unwrap();
        assert_eq!(d.next_play_at(late), None);
        for limit in [PlayLimit::Once, PlayLimit::Unlimited] {
            d.play_limit = limit;
            assert_eq!(d.next_play_at(now), None);
        }
    }

    #[test]
    fn statuses_parse_their_names() {
        for s in ["draft", "active", "archived"] {
            assert_eq!(Status::parse(s).unwrap().as_str(), s);
        }
        assert!(Status::parse("live").is_none());
        // serde and strum name the variants by the same rule.
        for &status in <Status as strum::VariantArray>::VARIANTS {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }
}

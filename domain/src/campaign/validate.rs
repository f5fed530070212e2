//! What makes a campaign valid: every field checked, the first bad one
//! named by its path (`prizes[2].weight`) so a form can show it in place.

use std::collections::HashSet;

use adact_wire::{CampaignKind, TextProblem, Texts, Theme, is_hex_colour};

use super::{Codes, Definition, Quiz};
use crate::Error;

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
        let mut ids = HashSet::new();
        for (i, prize) in self.prizes.iter().enumerate() {
            let at = |field: &str| format!("prizes[{i}].{field}");
            check_text(&at("name"), &prize.name, 1, 80)?;
            check_text(&at("description"), &prize.description, 0, 500)?;
            if let Some(date) = &prize.valid_until {
                check_date(&at("valid_until"), date)?;
            }
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
                    let mut seen = HashSet::new();
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
        check_text("end_screen.cta_label", &e.cta_label, 0, 40)?;
        if let Some(url) = &e.cta_url {
            check_url("end_screen.cta_url", url)?;
            check_text("end_screen.cta_label", &e.cta_label, 1, 40)
                .map_err(|_| Error::invalid("end_screen.cta_label", "is required with a link"))?;
        } else if e.cta_on_lose || !e.cta_label.trim().is_empty() {
            return Err(Error::invalid(
                "end_screen.cta_url",
                "is required with a button label or when shown for no prize",
            ));
        }
        Ok(())
    }

    /// Checks that every prize id names a prize of the campaign as it was
    /// (`previous`; none for a new campaign): a new prize has no id.
    pub fn check_prize_ids(&self, previous: Option<&Definition>) -> Result<(), Error> {
        let known = previous.map_or(&[][..], |d| d.prizes.as_slice());
        for (i, prize) in self.prizes.iter().enumerate() {
            if let Some(id) = &prize.id
                && !known.iter().any(|p| p.id.as_ref() == Some(id))
            {
                return Err(Error::invalid(
                    format!("prizes[{i}].id"),
                    "is not a prize of this campaign: leave it out for a new prize",
                ));
            }
        }
        Ok(())
    }

    fn validate_form(&self) -> Result<(), Error> {
        if self.form.fields.len() > 20 {
            return Err(Error::invalid("form.fields", "at most 20 fields"));
        }
        let mut keys = HashSet::new();
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

/// A text field's length and characters, by adact-wire's rule.
pub fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    adact_wire::check_text(value, min, max).map_err(|problem| match problem {
        TextProblem::Empty => Error::invalid(field, "must not be empty"),
        TextProblem::TooLong => Error::invalid(field, format!("must be at most {max} characters")),
        TextProblem::ControlCharacter => {
            Error::invalid(field, "must not contain control characters")
        }
    })
}

fn check_colour(field: &str, value: &str) -> Result<(), Error> {
    if is_hex_colour(value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a colour like #1a2b3c, not {value:?}"),
        ))
    }
}

/// An absolute `https` or `http` URL with a host: nothing else (no
/// `javascript:`, `data:` or relative link) can reach an `href` or `src`.
fn check_url(field: &str, value: &str) -> Result<(), Error> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() <= 2048
        && !value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || c == '"' || c == '\'' || c == '<' || c == '>'
        })
        && url::Url::parse(value).is_ok_and(|url| url.host_str().is_some_and(|h| !h.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, "must be an absolute http(s) URL"))
    }
}

/// A calendar date as `YYYY-MM-DD`.
fn check_date(field: &str, value: &str) -> Result<(), Error> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if value.len() == 10 && time::Date::parse(value, &format).is_ok() {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a date like 2026-12-31, not {value:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Question, tests::*};

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

        for (bad, field) in [
            ("javascript:alert(1)", "end_screen.cta_url"),
            ("https://", "end_screen.cta_url"),
            ("/sale", "end_screen.cta_url"),
            ("ftp://shop.example.com", "end_screen.cta_url"),
            ("https://shop.example.com/a b", "end_screen.cta_url"),
        ] {
            let mut d = definition();
            d.end_screen.cta_label = "Shop now".into();
            d.end_screen.cta_url = Some(bad.into());
            assert_eq!(
                field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
                field,
                "{bad}"
            );
        }
        let mut d = definition();
        d.end_screen.cta_url = Some("https://shop.example.com/sale?x=1#top".into());
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "end_screen.cta_label"
        );
        d.end_screen.cta_label = "Shop now".into();
        d.validate(CampaignKind::Wheel).unwrap();
        let mut d = definition();
        d.end_screen.cta_on_lose = true;
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "end_screen.cta_url"
        );
        for bad in [
            "2026-02-30",
            "31.12.2026",
            "2026-1-5",
            "tomorrow",
            "2026-12-31T00:00:00Z",
        ] {
            let mut d = full();
            d.prizes[1].valid_until = Some(bad.into());
            assert_eq!(
                field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
                "prizes[1].valid_until",
                "{bad}"
            );
        }
        let mut d = full();
        d.prizes[1].valid_until = Some("2028-02-29".into());
        d.validate(CampaignKind::Wheel).unwrap();

        let mut d = definition();
        d.texts.play_button = "x".repeat(41);
        assert_eq!(
            field_of(d.validate(CampaignKind::Wheel).unwrap_err()),
            "texts.play_button"
        );
    }
}

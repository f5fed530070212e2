//! A player's registration checked against the campaign's form.

use std::collections::BTreeMap;

use adact_wire::{FieldKind, FieldValueProblem};

use super::Definition;
use crate::Error;

impl Definition {
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

/// Why a form value is not acceptable, in words for the player. The rule
/// is adact-wire's, which the embed checks in the browser too.
pub fn check_field_value(kind: FieldKind, value: &str) -> Result<(), &'static str> {
    adact_wire::check_field_value(kind, value).map_err(|problem| match problem {
        FieldValueProblem::TooLong => "Please shorten this value.",
        FieldValueProblem::Email => "Please enter a valid email address.",
        FieldValueProblem::Phone => "Please enter a valid phone number.",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::tests::full;

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
}

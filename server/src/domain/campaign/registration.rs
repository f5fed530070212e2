//! A player's registration checked against the campaign's form.

use std::collections::BTreeMap;

use adact_wire::FieldKind;

use super::Definition;
use crate::domain::Error;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign::tests::full;

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

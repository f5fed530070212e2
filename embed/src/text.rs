//! The embed's own words, as the server sent them in the visitor's
//! language, and filling in their `{name}` placeholders.

use std::collections::BTreeMap;

use adact_wire::UiText;

/// Every [`UiText`], in [`UiText::ALL`]'s order.
#[derive(Debug)]
pub struct Words([String; UiText::ALL.len()]);

impl Words {
    /// The words of a render's `strings`, or the key of the first one
    /// missing.
    pub fn new(strings: &BTreeMap<String, String>) -> Result<Self, &'static str> {
        let mut missing = None;
        let words = UiText::ALL.map(|text| {
            strings.get(text.key()).cloned().unwrap_or_else(|| {
                missing.get_or_insert(text.key());
                String::new()
            })
        });
        match missing {
            None => Ok(Self(words)),
            Some(key) => Err(key),
        }
    }

    pub fn get(&self, text: UiText) -> &str {
        &self.0[text as usize]
    }

    /// The text with its placeholders filled in.
    pub fn fill(&self, text: UiText, values: &[(&str, &str)]) -> String {
        fill(self.get(text), values)
    }
}

/// Replaces each `{name}` with its value; an unknown name stays as it is.
/// (Split rather than sliced by index, which could panic.)
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut parts = template.split('{');
    let mut out = String::from(parts.next().unwrap_or_default());
    for part in parts {
        let filled = part.split_once('}').and_then(|(name, rest)| {
            let (_, value) = values.iter().find(|(n, _)| *n == name)?;
            Some((*value, rest))
        });
        match filled {
            Some((value, rest)) => {
                out.push_str(value);
                out.push_str(rest);
            }
            None => {
                out.push('{');
                out.push_str(part);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_by_name() {
        let values = [("number", "2"), ("count", "3")];
        assert_eq!(
            fill("Gift box {number} of {count}", &values),
            "Gift box 2 of 3"
        );
        assert_eq!(fill("{count}/{number}/{count}", &values), "3/2/3");
        assert_eq!(fill("Kopiert!", &values), "Kopiert!");
        assert_eq!(fill("{other} {", &values), "{other} {");
        assert_eq!(fill("Préparation… {count}", &values), "Préparation… 3");
    }

    #[test]
    fn every_text_must_come_from_the_server() {
        let mut strings: BTreeMap<_, _> = UiText::ALL
            .iter()
            .map(|t| (t.key().to_owned(), t.key().to_uppercase()))
            .collect();
        let words = Words::new(&strings).unwrap();
        assert_eq!(words.get(UiText::RateLimited), "RATE_LIMITED");
        strings.remove(UiText::Copied.key());
        assert_eq!(Words::new(&strings).unwrap_err(), "copied");
    }
}

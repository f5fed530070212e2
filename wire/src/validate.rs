//! The checks both sides make: the embed in the visitor's browser for quick
//! feedback, the server before it stores anything. One definition, so the
//! two cannot disagree about what a valid email or colour is.

use crate::FieldKind;

/// Why [`check_text`] refuses a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Fewer than `min` characters besides surrounding whitespace.
    Empty,
    /// More than `max` characters.
    TooLong,
    /// A control character other than a line break.
    ControlCharacter,
}

/// A text of at least `min` characters besides surrounding whitespace, at
/// most `max` characters in all, and no control character but `\n`.
pub fn check_text(value: &str, min: usize, max: usize) -> Result<(), TextProblem> {
    if value.trim().chars().count() < min {
        Err(TextProblem::Empty)
    } else if value.chars().count() > max {
        Err(TextProblem::TooLong)
    } else if value.chars().any(|c| c.is_control() && c != '\n') {
        Err(TextProblem::ControlCharacter)
    } else {
        Ok(())
    }
}

/// The longest value a registration form field takes, in characters.
pub const FIELD_VALUE_MAX_CHARS: usize = 200;

/// Why [`check_field_value`] refuses a form value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValueProblem {
    /// Longer than [`FIELD_VALUE_MAX_CHARS`], or a control character in it.
    TooLong,
    /// Not an email address ([`is_email`]), in an email field.
    Email,
    /// Not a phone number ([`is_phone`]), in a phone field.
    Phone,
}

/// Whether a registration form value (trimmed, not empty) suits a field of
/// this kind.
pub fn check_field_value(kind: FieldKind, value: &str) -> Result<(), FieldValueProblem> {
    if value.chars().count() > FIELD_VALUE_MAX_CHARS || value.chars().any(char::is_control) {
        return Err(FieldValueProblem::TooLong);
    }
    match kind {
        FieldKind::Email if !is_email(value) => Err(FieldValueProblem::Email),
        FieldKind::Phone if !is_phone(value) => Err(FieldValueProblem::Phone),
        _ => Ok(()),
    }
}

/// Loosely, an email address: something, `@`, a domain with a dot inside
/// it, and no whitespace anywhere. The mailbox itself is the sender's to
/// check.
pub fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !value.contains(char::is_whitespace)
}

/// Loosely, a phone number: 6 to 15 digits, with spaces and `+-().` between
/// them and nothing else.
pub fn is_phone(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
}

/// A colour as `#rrggbb`, the only form a theme takes: nothing else can
/// reach a style.
pub fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The longest language tag taken, in characters: the length RFC 5646
/// (section 4.4.1) asks every implementation to take.
pub const LANGUAGE_TAG_MAX_CHARS: usize = 35;

/// Whether `tag` looks like a BCP 47 language tag (`de`, `de-AT`,
/// `zh-Hant-TW`): subtags of 1 to 8 letters and digits joined by `-`, the
/// first of 2 to 8 letters (RFC 5646's language subtag), at most
/// [`LANGUAGE_TAG_MAX_CHARS`] characters. Loose on purpose, no registry
/// lookup: the server serves the languages it knows and English for the
/// rest. The embed sends no other; the server refuses any other.
pub fn is_language_tag(tag: &str) -> bool {
    tag.len() <= LANGUAGE_TAG_MAX_CHARS
        && tag.split('-').enumerate().all(|(i, subtag)| {
            let min = if i == 0 { 2 } else { 1 };
            (min..=8).contains(&subtag.len())
                && subtag
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_refuse_any_whitespace() {
        assert!(is_email("ada@example.com"));
        assert!(!is_email("ada@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("ada@.example.com"));
        assert!(!is_email("ada@example.com."));
        assert!(!is_email("ada @example.com"));
        assert!(!is_email("ada\t@example.com"));
        assert!(!is_email("ada@exam\u{a0}ple.com"));
    }

    #[test]
    fn phone_numbers_are_digits_and_separators() {
        assert!(is_phone("+44 (20) 7946-0958"));
        assert!(is_phone("0123456"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("1234567890123456"));
        assert!(!is_phone("call 0123456"));
        assert!(!is_phone("０１２３４５６"));
    }

    #[test]
    fn only_plain_hex_colours_pass() {
        assert!(is_hex_colour("#6d28d9"));
        assert!(is_hex_colour("#ABCDEF"));
        assert!(!is_hex_colour("red"));
        assert!(!is_hex_colour("6d28d9"));
        assert!(!is_hex_colour("#123"));
        assert!(!is_hex_colour("#12345g"));
        assert!(!is_hex_colour("#fff;}x{"));
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        for tag in [
            "de",
            "fr",
            "fr-FR",
            "pt-BR",
            "de-AT",
            "zh-Hant-TW",
            "es-419",
            "de-CH-1996",
            "de-u-co-phonebk",
        ] {
            assert!(is_language_tag(tag), "{tag:?}");
        }
        // At most 35 characters.
        let longest = "zh-Hant-TW-u-co-pinyin-x-abc-123456";
        assert_eq!(longest.len(), LANGUAGE_TAG_MAX_CHARS);
        assert!(is_language_tag(longest));
        assert!(!is_language_tag(&format!("{longest}3")));
        for tag in [
            "", "d", "de_AT", "de-", "-de", "de--AT", "1de", "de AT", "dé",
        ] {
            assert!(!is_language_tag(tag), "{tag:?}");
        }
        assert!(!is_language_tag(&"de-AT".repeat(20)));
    }

    #[test]
    fn texts_are_measured_in_characters() {
        assert_eq!(check_text("Spin", 1, 4), Ok(()));
        assert_eq!(check_text("Ünïcödé", 1, 7), Ok(()));
        assert_eq!(check_text("  ", 1, 10), Err(TextProblem::Empty));
        assert_eq!(check_text("", 0, 10), Ok(()));
        assert_eq!(check_text("Spins", 1, 4), Err(TextProblem::TooLong));
        assert_eq!(check_text("two\nlines", 1, 40), Ok(()));
        assert_eq!(
            check_text("a\u{7}b", 1, 40),
            Err(TextProblem::ControlCharacter)
        );
    }

    #[test]
    fn field_values_are_checked_by_kind() {
        use FieldValueProblem::*;
        assert_eq!(
            check_field_value(FieldKind::Email, "ada@example.com"),
            Ok(())
        );
        assert_eq!(
            check_field_value(FieldKind::Email, "ada at example"),
            Err(Email)
        );
        assert_eq!(check_field_value(FieldKind::Phone, "call me"), Err(Phone));
        assert_eq!(check_field_value(FieldKind::Text, "call me"), Ok(()));
        let long = "x".repeat(FIELD_VALUE_MAX_CHARS + 1);
        assert_eq!(check_field_value(FieldKind::Name, &long), Err(TooLong));
        assert_eq!(check_field_value(FieldKind::Name, "a\nb"), Err(TooLong));
        assert_eq!(
            check_field_value(FieldKind::Name, &"é".repeat(FIELD_VALUE_MAX_CHARS)),
            Ok(())
        );
    }
}

//! The embed's own words (button labels, hints, form messages, refusals,
//! announcements) in every language it speaks, and the choice of language
//! for a visitor. They travel with each render, so the embed compiles none
//! in; the campaign's texts stay as the marketer wrote them.
//!
//! Longer than most files: most of it is the table of every text in every
//! language, which reads best in one place.
//!
//! To add a language: a [`Language`] variant, its tag in
//! [`Language::ALL`]'s order, and its words (the tests check that every
//! text keeps the English placeholders).

use std::collections::BTreeMap;

use adact_wire::{
    LANGUAGE_TAG_MAX_CHARS,
    UiText::{self, *},
    is_language_tag,
};

use super::{
    Error,
    limits::{PlayLimit, Refusal},
};

/// A language the embed speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    De,
    Fr,
    Es,
}

impl Language {
    pub const ALL: [Language; 4] = [Self::En, Self::De, Self::Fr, Self::Es];

    /// Its BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }

    pub fn text(self, text: UiText) -> &'static str {
        match self {
            Self::En => en(text),
            Self::De => de(text),
            Self::Fr => fr(text),
            Self::Es => es(text),
        }
    }

    /// When a player who just played may play again, in their words: for
    /// a daily or weekly limit the `{time}` the end screen fills in.
    pub fn play_again(self, play_limit: PlayLimit) -> &'static str {
        let [any_time, once] = match self {
            Self::En => [
                "You can play again any time.",
                "Each person can play this game once.",
            ],
            Self::De => [
                "Sie können jederzeit wieder spielen.",
                "Jede Person kann dieses Spiel einmal spielen.",
            ],
            Self::Fr => [
                "Vous pouvez rejouer à tout moment.",
                "Chaque personne ne peut jouer qu’une fois.",
            ],
            Self::Es => [
                "Puedes volver a jugar cuando quieras.",
                "Cada persona puede jugar una sola vez.",
            ],
        };
        match play_limit {
            PlayLimit::Unlimited => any_time,
            PlayLimit::Once => once,
            PlayLimit::Daily | PlayLimit::Weekly => self.text(PlayAgain),
        }
    }

    /// Why the player may not play now, in their words.
    pub fn refusal(self, refusal: Refusal) -> &'static str {
        let [today, this_week] = match self {
            Self::En => [
                Refusal::PlayedToday.message(),
                Refusal::PlayedThisWeek.message(),
            ],
            Self::De => DE_PLAYED,
            Self::Fr => FR_PLAYED,
            Self::Es => ES_PLAYED,
        };
        match refusal {
            Refusal::NotStarted => self.text(CampaignNotStarted),
            Refusal::Ended => self.text(CampaignEnded),
            Refusal::AlreadyPlayed => self.text(PlayLimitReached),
            Refusal::PlayedToday => today,
            Refusal::PlayedThisWeek => this_week,
            Refusal::SignInRequired => match self {
                Self::En => refusal.message(),
                Self::De => "Bitte melden Sie sich an, um dieses Spiel zu spielen.",
                Self::Fr => "Connectez-vous pour jouer à ce jeu.",
                Self::Es => "Inicia sesión para jugar a este juego.",
            },
        }
    }
}

/// Checks a visitor's language tag as a request names it in `field`: one
/// [`is_language_tag`] takes (so does the embed, which sends no other).
pub fn check_tag(field: &str, tag: &str) -> Result<(), Error> {
    if is_language_tag(tag) {
        return Ok(());
    }
    Err(Error::invalid(
        field,
        format!(
            "must be a BCP 47 language tag like `de` or `pt-BR`: subtags of letters and \
             digits joined by `-`, the first of 2 to 8 letters, at most \
             {LANGUAGE_TAG_MAX_CHARS} characters"
        ),
    ))
}

/// The language chosen for a visitor, and the tag that marks the campaign
/// (`lang`): the visitor's own, well-formed tag when its language is
/// served (`de-AT` gets German), else `en`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    pub language: Language,
    pub tag: String,
}

impl Locale {
    /// RFC 4647 "lookup": the longest served prefix of the tag, dropping
    /// one subtag at a time (`de-CH-1996` → `de-CH` → `de`), then English.
    /// A malformed tag counts as none.
    pub fn negotiate(requested: Option<&str>) -> Self {
        let english = Self {
            language: Language::En,
            tag: Language::En.tag().to_owned(),
        };
        let Some(tag) = requested.filter(|t| is_language_tag(t)) else {
            return english;
        };
        let mut range = tag.to_ascii_lowercase();
        loop {
            if let Some(language) = Language::ALL.into_iter().find(|l| l.tag() == range) {
                return Self {
                    language,
                    tag: canonical_case(tag),
                };
            }
            let Some((rest, _)) = range.rsplit_once('-') else {
                return english;
            };
            // A singleton (`x`, `u`) never ends a range.
            range = match rest.rsplit_once('-') {
                Some((shorter, last)) if last.len() == 1 => shorter.to_owned(),
                _ => rest.to_owned(),
            };
        }
    }

    /// Every [`UiText`] in this language, by key. The play limit text
    /// names the campaign's own limit (today, this week, or at all), and
    /// so does the end screen's play-again line.
    pub fn strings(&self, play_limit: PlayLimit) -> BTreeMap<String, String> {
        UiText::ALL
            .into_iter()
            .map(|text| {
                let words = match (text, play_limit.check(1)) {
                    (PlayLimitReached, Err(refusal)) => self.language.refusal(refusal),
                    (PlayAgain, _) => self.language.play_again(play_limit),
                    _ => self.language.text(text),
                };
                (text.key().to_owned(), words.to_owned())
            })
            .collect()
    }
}

/// The conventional case: `de-AT`, `zh-Hant-TW`, lower case after a
/// singleton (`de-u-co-phonebk`).
fn canonical_case(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut extension = false;
    for (i, subtag) in tag.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        let letters = subtag.bytes().all(|b| b.is_ascii_alphabetic());
        if i > 0 && !extension && letters && subtag.len() == 2 {
            out.push_str(&subtag.to_ascii_uppercase());
        } else if i > 0 && !extension && letters && subtag.len() == 4 {
            out.push_str(&subtag[..1].to_ascii_uppercase());
            out.push_str(&subtag[1..].to_ascii_lowercase());
        } else {
            out.push_str(&subtag.to_ascii_lowercase());
        }
        extension |= i > 0 && subtag.len() == 1;
    }
    out
}

fn en(text: UiText) -> &'static str {
    match text {
        Continue => "Continue",
        YourDetails => "Your details",
        FieldRequired => "{field} is required.",
        ConsentRequired => "Please accept to continue.",
        EmailInvalid => "Please enter a valid email address.",
        PhoneInvalid => "Please enter a valid phone number.",
        WheelLabel => "A prize wheel with {count} slices: {slices}",
        WheelSpinning => "The wheel is spinning…",
        ScratchPreparing => "Preparing your card…",
        ScratchHint => "Scratch the card with your finger or mouse, or use the button.",
        ScratchCoating => "Scratch here",
        ScratchReveal => "Reveal my prize",
        GiftHint => "Pick a box to open it.",
        GiftBox => "Gift box {number} of {count}",
        GiftOpening => "Opening your box…",
        QuizProgress => "Question {number} of {count}",
        QuizChecking => "Checking your answers…",
        QuizScore => "You answered {score} of {count} correctly.",
        QuizReview => "Your answers",
        QuizCorrect => "Correct",
        QuizWrong => "Wrong",
        QuizYourAnswer => "Your answer: {answer}",
        QuizRightAnswer => "Right answer: {answer}",
        WonAnnouncement => "{title} Your prize: {prize}.",
        CodeLabel => "Your code",
        CodeAnnouncement => "Your code is {code}.",
        CopyCode => "Copy code",
        Copied => "Copied!",
        CopyManually => "Select and copy",
        CopiedAnnouncement => "Code copied to the clipboard.",
        CopyFailedAnnouncement => "Could not copy: select the code and copy it.",
        ValidUntil => "Valid until {month} {day}, {year}",
        Months => {
            "January,February,March,April,May,June,July,August,September,October,November,December"
        }
        FirstOfMonth => "1",
        PlayAgain => "You can play again in {time}.",
        OneHour => "1 hour",
        Hours => "{count} hours",
        Days => "{count} days",
        NewTab => "(opens in a new tab)",
        CampaignNotStarted => Refusal::NotStarted.message(),
        CampaignEnded => Refusal::Ended.message(),
        PlayLimitReached => Refusal::AlreadyPlayed.message(),
        RateLimited => "Lots of people are playing right now. Please try again in a minute.",
        Unavailable => "Sorry, something went wrong. Please try again later.",
        TryAgain => "Try again",
    }
}

// German, addressing the visitor as "Sie".
fn de(text: UiText) -> &'static str {
    match text {
        Continue => "Weiter",
        YourDetails => "Ihre Angaben",
        FieldRequired => "{field} ist ein Pflichtfeld.",
        ConsentRequired => "Bitte stimmen Sie zu, um fortzufahren.",
        EmailInvalid => "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        PhoneInvalid => "Bitte geben Sie eine gültige Telefonnummer ein.",
        WheelLabel => "Ein Glücksrad mit {count} Feldern: {slices}",
        WheelSpinning => "Das Rad dreht sich …",
        ScratchPreparing => "Ihr Rubbellos wird vorbereitet …",
        ScratchHint => {
            "Rubbeln Sie das Los mit dem Finger oder der Maus frei oder nutzen Sie die Schaltfläche."
        }
        ScratchCoating => "Hier rubbeln",
        ScratchReveal => "Gewinn aufdecken",
        GiftHint => "Wählen Sie ein Geschenk, um es zu öffnen.",
        GiftBox => "Geschenk {number} von {count}",
        GiftOpening => "Ihr Geschenk wird geöffnet …",
        QuizProgress => "Frage {number} von {count}",
        QuizChecking => "Ihre Antworten werden geprüft …",
        QuizScore => "Sie haben {score} von {count} Fragen richtig beantwortet.",
        QuizReview => "Ihre Antworten",
        QuizCorrect => "Richtig",
        QuizWrong => "Falsch",
        QuizYourAnswer => "Ihre Antwort: {answer}",
        QuizRightAnswer => "Richtige Antwort: {answer}",
        WonAnnouncement => "{title} Ihr Gewinn: {prize}.",
        CodeLabel => "Ihr Code",
        CodeAnnouncement => "Ihr Code lautet {code}.",
        CopyCode => "Code kopieren",
        Copied => "Kopiert!",
        CopyManually => "Markieren und kopieren",
        CopiedAnnouncement => "Der Code wurde in die Zwischenablage kopiert.",
        CopyFailedAnnouncement => {
            "Kopieren nicht möglich: Bitte markieren und kopieren Sie den Code."
        }
        ValidUntil => "Gültig bis {day}. {month} {year}",
        Months => {
            "Januar,Februar,März,April,Mai,Juni,Juli,August,September,Oktober,November,Dezember"
        }
        FirstOfMonth => "1",
        PlayAgain => "Sie können in {time} wieder spielen.",
        OneHour => "einer Stunde",
        Hours => "{count} Stunden",
        Days => "{count} Tagen",
        NewTab => "(öffnet in einem neuen Tab)",
        CampaignNotStarted => {
            "Dieses Spiel hat noch nicht begonnen. Schauen Sie bald wieder vorbei!"
        }
        CampaignEnded => "Dieses Spiel ist beendet. Vielen Dank für Ihr Interesse!",
        PlayLimitReached => "Sie haben dieses Spiel bereits gespielt. Danke fürs Mitspielen!",
        RateLimited => {
            "Gerade spielen sehr viele mit. Bitte versuchen Sie es in einer Minute noch einmal."
        }
        Unavailable => {
            "Leider ist etwas schiefgelaufen. Bitte versuchen Sie es später noch einmal."
        }
        TryAgain => "Erneut versuchen",
    }
}

const DE_PLAYED: [&str; 2] = [
    "Sie haben heute schon gespielt. Versuchen Sie es morgen wieder!",
    "Sie haben diese Woche schon gespielt. Versuchen Sie es nächste Woche wieder!",
];

// French, addressing the visitor as "vous"; a no-break space before
// `:` and `!`, as French typography has it.
fn fr(text: UiText) -> &'static str {
    match text {
        Continue => "Continuer",
        YourDetails => "Vos coordonnées",
        FieldRequired => "Le champ {field} est obligatoire.",
        ConsentRequired => "Veuillez accepter pour continuer.",
        EmailInvalid => "Veuillez saisir une adresse e-mail valide.",
        PhoneInvalid => "Veuillez saisir un numéro de téléphone valide.",
        WheelLabel => "Une roue de la fortune à {count} cases\u{a0}: {slices}",
        WheelSpinning => "La roue tourne…",
        ScratchPreparing => "Préparation de votre carte…",
        ScratchHint => "Grattez la carte avec le doigt ou la souris, ou utilisez le bouton.",
        ScratchCoating => "Grattez ici",
        ScratchReveal => "Découvrir mon lot",
        GiftHint => "Choisissez un cadeau pour l’ouvrir.",
        GiftBox => "Cadeau {number} sur {count}",
        GiftOpening => "Ouverture de votre cadeau…",
        QuizProgress => "Question {number} sur {count}",
        QuizChecking => "Vérification de vos réponses…",
        QuizScore => "Bonnes réponses\u{a0}: {score} sur {count}.",
        QuizReview => "Vos réponses",
        QuizCorrect => "Juste",
        QuizWrong => "Faux",
        QuizYourAnswer => "Votre réponse\u{a0}: {answer}",
        QuizRightAnswer => "Bonne réponse\u{a0}: {answer}",
        WonAnnouncement => "{title} Votre lot : {prize}.",
        CodeLabel => "Votre code",
        CodeAnnouncement => "Votre code est {code}.",
        CopyCode => "Copier le code",
        Copied => "Copié\u{a0}!",
        CopyManually => "Sélectionnez et copiez",
        CopiedAnnouncement => "Code copié dans le presse-papiers.",
        CopyFailedAnnouncement => "Copie impossible\u{a0}: sélectionnez le code et copiez-le.",
        ValidUntil => "Valable jusqu’au {day} {month} {year}",
        Months => {
            "janvier,février,mars,avril,mai,juin,juillet,août,septembre,octobre,novembre,décembre"
        }
        FirstOfMonth => "1er",
        PlayAgain => "Vous pourrez rejouer dans {time}.",
        OneHour => "1\u{a0}heure",
        Hours => "{count}\u{a0}heures",
        Days => "{count}\u{a0}jours",
        NewTab => "(s’ouvre dans un nouvel onglet)",
        CampaignNotStarted => "Ce jeu n’a pas encore commencé. Revenez bientôt\u{a0}!",
        CampaignEnded => "Ce jeu est terminé. Merci de votre intérêt\u{a0}!",
        PlayLimitReached => "Vous avez déjà joué à ce jeu. Merci d’avoir participé\u{a0}!",
        RateLimited => "Beaucoup de monde joue en ce moment. Réessayez dans une minute.",
        Unavailable => "Désolé, une erreur s’est produite. Veuillez réessayer plus tard.",
        TryAgain => "Réessayer",
    }
}

const FR_PLAYED: [&str; 2] = [
    "Vous avez déjà joué aujourd’hui. Revenez demain pour retenter votre chance\u{a0}!",
    "Vous avez déjà joué cette semaine. Revenez la semaine prochaine pour retenter votre chance\u{a0}!",
];

// Spanish, addressing the visitor as "tú", as most Spanish sites do.
fn es(text: UiText) -> &'static str {
    match text {
        Continue => "Continuar",
        YourDetails => "Tus datos",
        FieldRequired => "El campo {field} es obligatorio.",
        ConsentRequired => "Acepta para continuar.",
        EmailInvalid => "Introduce una dirección de correo electrónico válida.",
        PhoneInvalid => "Introduce un número de teléfono válido.",
        WheelLabel => "Una ruleta de premios con {count} casillas: {slices}",
        WheelSpinning => "La ruleta está girando…",
        ScratchPreparing => "Preparando tu tarjeta…",
        ScratchHint => "Rasca la tarjeta con el dedo o el ratón, o usa el botón.",
        ScratchCoating => "Rasca aquí",
        ScratchReveal => "Descubrir mi premio",
        GiftHint => "Elige una caja para abrirla.",
        GiftBox => "Caja de regalo {number} de {count}",
        GiftOpening => "Abriendo tu caja…",
        QuizProgress => "Pregunta {number} de {count}",
        QuizChecking => "Comprobando tus respuestas…",
        QuizScore => "Has acertado {score} de {count} preguntas.",
        QuizReview => "Tus respuestas",
        QuizCorrect => "Correcta",
        QuizWrong => "Incorrecta",
        QuizYourAnswer => "Tu respuesta: {answer}",
        QuizRightAnswer => "Respuesta correcta: {answer}",
        WonAnnouncement => "{title} Tu premio: {prize}.",
        CodeLabel => "Tu código",
        CodeAnnouncement => "Tu código es {code}.",
        CopyCode => "Copiar código",
        Copied => "¡Copiado!",
        CopyManually => "Selecciona y copia",
        CopiedAnnouncement => "Código copiado al portapapeles.",
        CopyFailedAnnouncement => "No se pudo copiar: selecciona el código y cópialo.",
        ValidUntil => "Válido hasta el {day} de {month} de {year}",
        Months => {
            "enero,febrero,marzo,abril,mayo,junio,julio,agosto,septiembre,octubre,noviembre,diciembre"
        }
        FirstOfMonth => "1",
        PlayAgain => "Podrás volver a jugar dentro de {time}.",
        OneHour => "1 hora",
        Hours => "{count} horas",
        Days => "{count} días",
        NewTab => "(se abre en una pestaña nueva)",
        CampaignNotStarted => "Este juego aún no ha empezado. ¡Vuelve pronto!",
        CampaignEnded => "Este juego ha terminado. ¡Gracias por tu interés!",
        PlayLimitReached => "Ya has jugado a este juego. ¡Gracias por participar!",
        RateLimited => "Mucha gente está jugando ahora mismo. Inténtalo de nuevo en un minuto.",
        Unavailable => "Lo sentimos, algo ha fallado. Inténtalo de nuevo más tarde.",
        TryAgain => "Reintentar",
    }
}

const ES_PLAYED: [&str; 2] = [
    "Ya has jugado hoy. ¡Vuelve mañana para intentarlo de nuevo!",
    "Ya has jugado esta semana. ¡Vuelve la semana que viene para intentarlo de nuevo!",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(tag: &str) -> (Language, String) {
        let locale = Locale::negotiate(Some(tag));
        (locale.language, locale.tag)
    }

    #[test]
    fn a_tag_falls_back_one_subtag_at_a_time_then_to_english() {
        assert_eq!(chosen("de-AT"), (Language::De, "de-AT".into()));
        assert_eq!(chosen("de"), (Language::De, "de".into()));
        assert_eq!(chosen("de-CH-1996"), (Language::De, "de-CH-1996".into()));
        assert_eq!(chosen("fr-x-ab"), (Language::Fr, "fr-x-ab".into()));
        assert_eq!(chosen("es-419"), (Language::Es, "es-419".into()));
        assert_eq!(chosen("pt-BR"), (Language::En, "en".into()));
        assert_eq!(chosen("zh-Hant-TW"), (Language::En, "en".into()));
        // `deu` is another language tag, not a longer `de`.
        assert_eq!(chosen("deu"), (Language::En, "en".into()));
        assert_eq!(Locale::negotiate(None).tag, "en");
    }

    #[test]
    fn tags_are_matched_in_any_case_and_marked_in_the_usual_one() {
        assert_eq!(chosen("DE-at"), (Language::De, "de-AT".into()));
        assert_eq!(chosen("en-gb"), (Language::En, "en-GB".into()));
        assert_eq!(chosen("FR-latn-FR"), (Language::Fr, "fr-Latn-FR".into()));
        assert_eq!(chosen("de-u-co-phonebk").1, "de-u-co-phonebk");
    }

    #[test]
    fn malformed_tags_get_english() {
        for tag in [
            "",
            "d",
            "de_AT",
            "de-",
            "-de",
            "de--AT",
            "de-toolongsubtag",
            "1de",
            "de AT",
            "dé",
            "<b>",
        ] {
            assert!(!is_language_tag(tag), "{tag:?}");
            assert_eq!(chosen(tag), (Language::En, "en".into()), "{tag:?}");
        }
        assert!(!is_language_tag(&"de-AT".repeat(20)));
    }

    #[test]
    fn a_request_names_its_locale_when_it_is_no_language_tag() {
        for tag in ["fr", "fr-FR", "pt-BR", "zh-Hant-TW", "de-CH-1996"] {
            assert_eq!(check_tag("locale", tag), Ok(()), "{tag}");
        }
        for tag in [
            "",
            "f",
            "fr_FR",
            "fr-",
            "français",
            "<b>",
            "de-AT-de-AT-de-AT-de-AT-de-AT-de-AT-x",
        ] {
            let Err(Error::Invalid { field, message }) = check_tag("locale", tag) else {
                panic!("{tag:?} was taken");
            };
            assert_eq!(field, "locale");
            assert!(message.contains("35 characters"), "{message}");
        }
    }

    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_language_has_every_text_with_the_english_placeholders() {
        for language in Language::ALL {
            for text in UiText::ALL {
                let words = language.text(text);
                assert!(!words.trim().is_empty(), "{language:?} {text:?}");
                assert_eq!(
                    placeholders(words),
                    placeholders(Language::En.text(text)),
                    "{language:?} {text:?}: {words}"
                );
            }
            let strings = Locale {
                language,
                tag: language.tag().into(),
            }
            .strings(PlayLimit::Daily);
            assert_eq!(strings.len(), UiText::ALL.len());
            assert_eq!(
                strings[PlayLimitReached.key()],
                language.refusal(Refusal::PlayedToday)
            );
            assert!(strings[PlayAgain.key()].contains("{time}"));
            assert_eq!(strings[Months.key()].split(',').count(), 12);
            for limit in [PlayLimit::Unlimited, PlayLimit::Once] {
                let words = language.play_again(limit);
                assert!(!words.contains('{'), "{language:?} {limit:?}");
                assert_ne!(words, language.play_again(PlayLimit::Weekly));
            }
        }
    }

    #[test]
    fn refusals_are_in_the_visitors_language() {
        assert_eq!(
            Language::En.refusal(Refusal::PlayedToday),
            Refusal::PlayedToday.message()
        );
        assert!(Language::De.refusal(Refusal::PlayedToday).contains("heute"));
        assert!(Language::Fr.refusal(Refusal::Ended).contains("terminé"));
        assert!(
            Language::Es
                .refusal(Refusal::PlayedThisWeek)
                .contains("semana")
        );
        let unlimited = Locale::negotiate(Some("es")).strings(PlayLimit::Unlimited);
        assert_eq!(
            unlimited[PlayLimitReached.key()],
            Language::Es.refusal(Refusal::AlreadyPlayed)
        );
    }
}

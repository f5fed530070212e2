//! Webhook endpoints and deliveries as the domain knows them, and the rules
//! for an endpoint's fields. Times are unix ms; `http` formats them.

pub use self::headers::{HIDDEN, HeaderChanges, Headers, change_headers, hidden};
use super::{Error, campaign::check_text, etag::ETag, events::EventType};

pub mod address;
mod headers;
pub mod signing;

/// How long an attempt may take unless the endpoint says otherwise.
pub const DEFAULT_TIMEOUT_MS: i64 = 2000;
/// The longest timeout an endpoint may ask for.
pub const MAX_TIMEOUT_MS: i64 = 15_000;
/// How long a secret keeps signing after a rotation replaced it.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

/// A customer's endpoint: where events are sent and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Subscribed event types; `["*"]` for all.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it (410 Gone, days of failures), if it did.
    pub disabled_reason: Option<String>,
    /// The signing secret, `whsec_` and base64.
    pub secret: String,
    /// Secrets that rotations replaced, each signing until its time.
    pub retired_secrets: Vec<RetiredSecret>,
    /// Its own request headers, sent on every attempt.
    pub headers: Headers,
    pub timeout_ms: i64,
    /// Delivers each player's events one after another, in sequence.
    pub ordered: bool,
    /// When the current run of failures began, if it is failing.
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Endpoint {
    /// The endpoint's entity tag (see `etag`): everything an admin sets,
    /// whether it is enabled and why not (the server may disable it), and
    /// its secrets, so that a rotation changes it. Not its failing streak,
    /// which deliveries move.
    pub fn etag(&self) -> ETag {
        ETag::of(&(
            (&self.url, &self.description, &self.events, &self.headers),
            (
                self.enabled,
                &self.disabled_reason,
                self.timeout_ms,
                self.ordered,
            ),
            (&self.secret, &self.retired_secrets),
        ))
    }
}

/// The guide's single view of webhooks: the master switch and the main
/// endpoint, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub enabled: bool,
    pub primary: Option<Endpoint>,
}

impl Settings {
    /// The settings' entity tag (see `etag`): what saving them sets, the
    /// switch and the main endpoint's URL, events and whether it is on
    /// (and which endpoint that is). Not the main endpoint's secret or
    /// other fields, which the settings do not edit: rotating its secret
    /// does not make a save of the settings a conflict.
    pub fn etag(&self) -> ETag {
        let primary = self
            .primary
            .as_ref()
            .map(|e| (&e.id, &e.url, &e.events, e.enabled));
        ETag::of(&(self.enabled, primary))
    }
}

/// A secret a rotation replaced: it keeps signing beside the new one until
/// `until` (unix ms), so a receiver has a day to switch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetiredSecret {
    pub secret: String,
    pub until: i64,
}

/// The secrets that sign an endpoint's requests at `now`: its secret, then
/// each replaced one still within its day, newest first. Standard Webhooks
/// sends one signature per secret, space-separated; a receiver that knows
/// any of them verifies.
pub fn signing_secrets(secret: &str, retired: &[RetiredSecret], now: i64) -> Vec<String> {
    let mut live: Vec<_> = retired.iter().filter(|r| r.until > now).collect();
    live.sort_by_key(|r| std::cmp::Reverse(r.until));
    std::iter::once(secret.to_owned())
        .chain(live.into_iter().map(|r| r.secret.clone()))
        .collect()
}

/// The retired secrets after a rotation at `now` replaces `secret`: it
/// signs for `ROTATION_OVERLAP_MS` more, beside every one replaced less
/// than that ago; older ones are dropped.
pub fn retire(secret: String, mut retired: Vec<RetiredSecret>, now: i64) -> Vec<RetiredSecret> {
    retired.retain(|r| r.until > now);
    retired.push(RetiredSecret {
        secret,
        until: now + ROTATION_OVERLAP_MS,
    });
    retired
}

/// The fields of an endpoint an admin sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFields {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub timeout_ms: i64,
    pub headers: Headers,
    /// Deliver each player's events one after another, in sequence.
    pub ordered: bool,
}

/// What an admin sends for an endpoint; absent fields keep their value.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges {
    /// Already checked against private addresses by the caller.
    pub url: Option<String>,
    pub description: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub timeout_ms: Option<i64>,
    /// Headers to set, replace or (`None`) remove; the others stay.
    pub headers: Option<HeaderChanges>,
    pub ordered: Option<bool>,
}

impl EndpointChanges {
    /// The changes applied over `current` (none when creating), checked.
    pub fn apply(self, current: Option<&Endpoint>) -> Result<EndpointFields, Error> {
        let url = match (self.url, current) {
            (Some(url), _) => url,
            (None, Some(current)) => current.url.clone(),
            (None, None) => return Err(Error::invalid("url", "is required")),
        };
        let description = self
            .description
            .or_else(|| current.map(|c| c.description.clone()))
            .unwrap_or_default();
        check_text("description", &description, 0, 200)?;
        let events = match (self.events, current) {
            (Some(events), _) => check_events(events)?,
            (None, Some(current)) => current.events.clone(),
            (None, None) => vec!["*".to_owned()],
        };
        let timeout_ms = self
            .timeout_ms
            .or(current.map(|c| c.timeout_ms))
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        if !(100..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
            return Err(Error::invalid(
                "timeout_ms",
                format!("must be between 100 and {MAX_TIMEOUT_MS}"),
            ));
        }
        let headers = current.map(|c| c.headers.clone()).unwrap_or_default();
        let headers = match self.headers {
            Some(changes) => change_headers(headers, changes)?,
            None => headers,
        };
        Ok(EndpointFields {
            url,
            description,
            events,
            enabled: self.enabled.or(current.map(|c| c.enabled)).unwrap_or(true),
            timeout_ms,
            headers,
            ordered: self.ordered.or(current.map(|c| c.ordered)).unwrap_or(false),
        })
    }
}

/// An event filter as given: event types, or `"*"` for all (then `["*"]`).
pub fn check_events(events: Vec<String>) -> Result<Vec<String>, Error> {
    if events.is_empty() {
        return Err(Error::invalid(
            "events",
            "choose at least one event type, or \"*\" for all",
        ));
    }
    for (i, event) in events.iter().enumerate() {
        if event != "*" && EventType::parse(event).is_none() {
            let known = EventType::all()
                .map(EventType::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::invalid(
                format!("events[{i}]"),
                format!("unknown event type {event:?}; known: {known}"),
            ));
        }
    }
    if events.iter().any(|e| e == "*") {
        return Ok(vec!["*".to_owned()]);
    }
    Ok(events)
}

/// Whether an endpoint's stored filter (space-separated types, `*` for all)
/// includes `event_type`.
pub fn subscribes(filter: &str, event_type: &str) -> bool {
    filter
        .split_whitespace()
        .any(|t| t == "*" || t == event_type)
}

/// Where a delivery stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "lowercase")
)]
#[strum(serialize_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or a retry (or being sent now).
    Pending,
    Succeeded,
    /// Given up after its last retry, or not sendable (its endpoint was
    /// deleted).
    Failed,
    /// Not sent because webhooks were off or the endpoint was disabled
    /// when it was made or due; `last_error` says which. "Recover since"
    /// queues it again.
    Skipped,
}

/// Why a delivery made while the master toggle was off was skipped.
pub const SKIPPED_WEBHOOKS_OFF: &str =
    "Not sent: webhooks were off for this account (Enable Webhooks).";

/// Why a delivery made while its endpoint was disabled was skipped.
pub fn skipped_endpoint_disabled(reason: Option<&str>) -> String {
    format!(
        "Not sent: the endpoint was disabled: {}",
        reason.unwrap_or("it was disabled by an admin.")
    )
}

/// Checks the start of a "recover since" window: not in the future, and
/// within the history kept (`retention_ms`), since older deliveries are
/// deleted.
pub fn check_recover_since(since: i64, now: i64, retention_ms: i64) -> Result<(), Error> {
    if since > now {
        return Err(Error::invalid("since", "must not be in the future"));
    }
    if since < now.saturating_sub(retention_ms) {
        let days = retention_ms / 86_400_000;
        let kept = if days > 0 {
            format!("{days} days")
        } else {
            format!("{} s", retention_ms / 1000)
        };
        return Err(Error::invalid(
            "since",
            format!("must be within the delivery history kept ({kept})"),
        ));
    }
    Ok(())
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// The event's place in its account's order (`sequence` of its body).
    pub sequence: Option<i64>,
    pub endpoint_id: String,
    /// None once the endpoint is deleted.
    pub endpoint_url: Option<String>,
    pub status: DeliveryStatus,
    /// The attempts its history holds: each one sent and answered, timed
    /// out or failed to connect. A claim that sent nothing (the endpoint or
    /// webhooks were off, see `last_error`) is not an attempt.
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    /// The campaign the event is about, when it is about one.
    pub campaign: Option<EventCampaign>,
}

/// The campaign an event names in `data.campaign`, as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCampaign {
    pub id: String,
    pub name: String,
}

impl EventCampaign {
    /// The `data.campaign` of a webhook body (`{type, timestamp, data}`),
    /// if it has one with an id and a name.
    pub fn of_payload(payload: &str) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Body {
            data: Data,
        }
        #[derive(serde::Deserialize)]
        struct Data {
            campaign: Option<Named>,
        }
        #[derive(serde::Deserialize)]
        struct Named {
            id: String,
            name: String,
        }
        let campaign = serde_json::from_str::<Body>(payload).ok()?.data.campaign?;
        Some(Self {
            id: campaign.id,
            name: campaign.name,
        })
    }
}

/// A delivery with the event body it carries and every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryDetail {
    pub delivery: Delivery,
    /// The webhook body as sent.
    pub payload: String,
    /// Oldest first.
    pub attempts: Vec<Attempt>,
}

/// One attempt to send a delivery: what was sent and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Its place in the delivery's history: 1 for the first attempt.
    pub attempt: i64,
    pub url: String,
    pub started_at: i64,
    pub duration_ms: i64,
    /// JSON `[[name, value], ...]`, as stored.
    pub request_headers: Option<String>,
    pub request_body: String,
    pub response_status: Option<i64>,
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
    pub error: Option<String>,
}

/// Filters of the delivery history.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub event_type: Option<EventType>,
    pub endpoint_id: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Only deliveries older than this id (the previous page's last).
    pub before: Option<String>,
    pub limit: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_campaign_is_read_from_its_data() {
        let game = r#"{"type": "game.ended", "timestamp": "2026-11-26T21:04:05Z",
            "data": {"campaign": {"id": "cmp_1", "name": "Holiday Wheel", "kind": "wheel"}, "play": {}}}"#;
        assert_eq!(
            EventCampaign::of_payload(game),
            Some(EventCampaign {
                id: "cmp_1".into(),
                name: "Holiday Wheel".into()
            })
        );
        let test = r#"{"type": "webhook.test", "timestamp": "2026-11-26T21:04:05Z", "data": {"account": {}}}"#;
        assert_eq!(EventCampaign::of_payload(test), None);
        assert_eq!(EventCampaign::of_payload("not json"), None);
    }

    #[test]
    fn filters_match_types_or_everything() {
        assert!(subscribes("*", "player.created"));
        assert!(subscribes(
            "player.created prize.assigned",
            "prize.assigned"
        ));
        assert!(!subscribes("player.created", "player.updated"));
        assert!(!subscribes("", "player.created"));
    }

    #[test]
    fn every_secret_replaced_within_a_day_keeps_signing() {
        let hour = 3_600_000;
        // Rotated at hour 0, 1 and 30: the first secret stops signing a day
        // after it was replaced, the second does not stop with it.
        let retired = retire("s0".into(), Vec::new(), 0);
        let retired = retire("s1".into(), retired, hour);
        assert_eq!(
            signing_secrets("s2", &retired, 2 * hour),
            ["s2", "s1", "s0"]
        );
        assert_eq!(
            signing_secrets("s2", &retired, 24 * hour),
            ["s2", "s1"],
            "a day after its rotation, s0 is done"
        );
        assert_eq!(signing_secrets("s2", &retired, 25 * hour), ["s2"]);
        let retired = retire("s2".into(), retired, 30 * hour);
        assert_eq!(retired.len(), 1, "expired secrets are dropped: {retired:?}");
        assert_eq!(signing_secrets("s3", &retired, 30 * hour), ["s3", "s2"]);
    }

    #[test]
    fn recovery_reaches_back_no_further_than_the_history() {
        let day = 86_400_000;
        let now = 40 * day;
        assert!(check_recover_since(now - day, now, 30 * day).is_ok());
        assert!(check_recover_since(now, now, 30 * day).is_ok());
        assert!(check_recover_since(now - 30 * day, now, 30 * day).is_ok());
        let err = check_recover_since(now - 31 * day, now, 30 * day).unwrap_err();
        assert!(err.to_string().contains("30 days"), "{err}");
        assert!(check_recover_since(now + 1, now, 30 * day).is_err());
    }

    #[test]
    fn statuses_parse_their_names() {
        for &status in <DeliveryStatus as strum::VariantArray>::VARIANTS {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DeliveryStatus::parse("retrying"), None);
        assert_eq!(DeliveryStatus::Succeeded.as_str(), "succeeded");
    }
}

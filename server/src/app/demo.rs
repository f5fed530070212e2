//! The demo: one campaign of each kind, each shown by its segment, in the
//! first account, for `--demo`.

use adact_wire::CampaignKind;
use serde_json::json;

use adact_domain::{
    account::Account,
    campaign::{Definition, NewCampaign, Status},
};
use adact_store::{Store, campaigns, segments};

/// The title of the demo's segment, as in the integration guide.
pub const DEMO_SEGMENT: &str = "Default Users";

/// The demo's other segments, one per game kind.
pub const DEMO_SEGMENTS: [(&str, CampaignKind); 4] = [
    (DEMO_SEGMENT, CampaignKind::Wheel),
    ("Scratch Card", CampaignKind::Scratch),
    ("Gift Box", CampaignKind::Giftbox),
    ("Quiz", CampaignKind::Quiz),
];

/// Seeds one demo campaign of each kind and its segment (the wheel's is
/// `Default Users`) into the first account, unless that segment exists.
/// Returns the demo account.
pub async fn seed_demo(store: &Store) -> anyhow::Result<Account> {
    let account = store
        .first_account()
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account to seed the demo into"))?;
    for (segment, kind) in DEMO_SEGMENTS {
        if store
            .segment_with_campaign(&account.id, segment)
            .await?
            .is_some()
        {
            continue;
        }
        let (name, definition) = demo_campaign(kind);
        let definition: Definition = serde_json::from_value(definition)?;
        definition.validate(kind)?;
        let (account_id, new) = (
            account.id.clone(),
            NewCampaign {
                name: name.into(),
                kind,
                status: Status::Active,
                definition,
            },
        );
        // The campaign and its segment in one transaction, without events.
        let campaign = store
            .transact(move |tx| {
                Box::pin(async move {
                    let campaign = campaigns::insert_campaign(tx, &account_id, new).await?;
                    segments::insert_segment(tx, &account_id, segment, &campaign.id).await?;
                    tx.changed(&account_id).await?;
                    Ok::<_, sqlx::Error>(campaign)
                })
            })
            .await?;
        tracing::info!(campaign = %campaign.id, "seeded the demo campaign of segment {segment:?}");
    }
    Ok(account)
}

fn demo_campaign(kind: CampaignKind) -> (&'static str, serde_json::Value) {
    let form = json!({
        "fields": [
            {"key": "name", "type": "name", "label": "First name"},
            {"key": "email", "type": "email", "label": "Email", "required": true}
        ],
        "consent": {"label": "Send me Northwind news and offers. Unsubscribe any time.", "required": true}
    });
    let prizes = json!([
        {"name": "10% off", "description": "Ten percent off your next order.", "weight": 30,
         "codes": {"generate": {"prefix": "TEN-"}}},
        {"name": "Free shipping", "description": "Free delivery on your next order.", "weight": 30,
         "codes": {"generate": {"prefix": "SHIP-"}}},
        {"name": "€25 gift card", "description": "A gift card for anything in the shop.", "weight": 5, "stock": 20,
         "codes": {"generate": {"prefix": "GIFT-"}}},
        {"name": "Wool beanie", "description": "Our Ember knit beanie, on the house.", "weight": 5, "stock": 10,
         "codes": {"generate": {"prefix": "HAT-"}}}
    ]);
    let end_screen = json!({
        "win_title": "You won!",
        "win_text": "Use your code at checkout. We also sent it to your inbox.",
        "lose_title": "Not this time",
        "lose_text": "Thanks for playing. Better luck next time!"
    });
    let theme = json!({"primary": "#6d28d9", "background": "#ffffff", "text": "#1f2937"});
    let mut definition = json!({
        "theme": theme,
        "play_limit": if kind == CampaignKind::Wheel { "daily" } else { "unlimited" },
        "form": form,
        "prizes": prizes,
        "no_prize": {"label": "Next time", "weight": 30},
        "end_screen": end_screen,
    });
    let (name, texts) = match kind {
        CampaignKind::Wheel => (
            "Holiday Wheel",
            json!({"title": "Spin the holiday wheel",
                   "description": "One spin a day. Win a discount, free shipping or a gift card for your next order.",
                   "play_button": "Spin the wheel"}),
        ),
        CampaignKind::Scratch => (
            "Winter Scratch Card",
            json!({"title": "Scratch and win",
                   "description": "Scratch the card to reveal your winter surprise.",
                   "play_button": "Get my card"}),
        ),
        CampaignKind::Giftbox => (
            "Gift Box Surprise",
            json!({"title": "Pick a gift box",
                   "description": "One of these boxes holds your prize. Choose wisely!",
                   "play_button": "Choose a box"}),
        ),
        CampaignKind::Quiz => {
            definition["quiz"] = json!({
                "pass_score": 1,
                "questions": [
                    {"text": "Which fibre keeps you warm even when wet?",
                     "answers": ["Cotton", "Wool", "Linen"], "correct": 1},
                    {"text": "What is down insulation made of?",
                     "answers": ["Feathers", "Foam", "Fleece"], "correct": 0}
                ]
            });
            (
                "Winter Quiz",
                json!({"title": "The winter layers quiz",
                       "description": "Answer two quick questions for a chance to win.",
                       "play_button": "Start the quiz"}),
            )
        }
    };
    definition["texts"] = texts;
    (name, definition)
}

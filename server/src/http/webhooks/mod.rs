//! The admin API of webhooks, a file per concern: the guide's settings
//! view, endpoints, the test event, and the delivery history with resend.

use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, SchemaType, Type};

use super::openapi::ApiRouter;
use adact_domain::events::EventType;

mod deliveries;
mod endpoints;
mod settings;
mod test;

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .merge(settings::router())
        .merge(endpoints::router())
        .merge(test::router())
        .merge(deliveries::router())
}

/// The schema of an endpoint's event filter, for the API document: `"*"`
/// (every event) or event types.
fn filter_schema() -> Array {
    filter_schema_builder().build()
}

/// [`filter_schema`] or null, for an optional field.
fn optional_filter_schema() -> Array {
    filter_schema_builder()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

fn filter_schema_builder() -> ArrayBuilder {
    let values = std::iter::once("*").chain(EventType::all().map(EventType::as_str));
    ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values)),
    )
}

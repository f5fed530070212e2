//! The API document's schema of `Codes`, written out (see below).

use super::Codes;
use utoipa::ToSchema;

// Written out rather than derived: utoipa applies `deny_unknown_fields` to
// structs only, so a derived schema would accept the extra keys serde
// refuses. `codes_schema_agrees_with_serde` keeps the two in step.
impl utoipa::PartialSchema for Codes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
        };
        let closed = || Some(AdditionalProperties::FreeForm(false));
        let variant = |name: &str, description: &str, value: Schema| {
            ObjectBuilder::new()
                .description(Some(description))
                .property(name, value)
                .required(name)
                .additional_properties(closed())
        };
        let pool = ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .build();
        let generate = ObjectBuilder::new()
            .property(
                "prefix",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .default(Some("".into())),
            )
            .additional_properties(closed())
            .build();
        OneOfBuilder::new()
            .description(Some("Where a prize's codes come from."))
            .item(variant(
                "pool",
                "Unique codes uploaded by the marketer, each given once (`stock` is \
                 required). On update, codes not yet in the pool are added.",
                pool.into(),
            ))
            .item(variant(
                "generate",
                "A random code per win: `prefix` then 10 letters and digits.",
                generate.into(),
            ))
            .into()
    }
}

impl ToSchema for Codes {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_schema_agrees_with_serde() {
        use utoipa::PartialSchema as _;
        let schema = serde_json::to_value(Codes::schema()).unwrap();
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        for value in [
            serde_json::json!({"pool": ["A", "B"]}),
            serde_json::json!({"pool": []}),
            serde_json::json!({"generate": {}}),
            serde_json::json!({"generate": {"prefix": "SHIP-"}}),
            serde_json::json!({"pool": ["A"], "generate": {}}),
            serde_json::json!({"pool": ["A"], "extra": 1}),
            serde_json::json!({"generate": {"prefix": "", "extra": 1}}),
            serde_json::json!({"generate": null}),
            serde_json::json!({"pool": "A"}),
            serde_json::json!({"other": []}),
            serde_json::json!({}),
            serde_json::json!("pool"),
        ] {
            assert_eq!(
                validator.is_valid(&value),
                serde_json::from_value::<Codes>(value.clone()).is_ok(),
                "the schema and serde disagree on {value}"
            );
        }
    }
}

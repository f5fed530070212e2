//! The enums stored by name (a delivery's status, a campaign's kind and
//! status, an event's type): each bound and read here, as [`Stored`], so
//! no query spells a conversion of its own and a name no variant has is a
//! decode error of its column.

use sqlx::{
    Any, Database, Decode, Encode, Type,
    any::{AnyTypeInfo, AnyValueRef},
    encode::IsNull,
    error::BoxDynError,
};

use adact_domain::{campaign::Status, events::EventType, webhook::DeliveryStatus};
use adact_wire::CampaignKind;

/// An enum stored as its name.
pub trait Named: Copy + Send + Sync + 'static {
    /// What it is, for the error of a name no variant has.
    const WHAT: &'static str;

    fn name(self) -> &'static str;

    fn from_name(name: &str) -> Option<Self>;
}

macro_rules! named {
    ($($type:ty => $what:literal),* $(,)?) => {$(
        impl Named for $type {
            const WHAT: &'static str = $what;

            fn name(self) -> &'static str {
                self.as_str()
            }

            fn from_name(name: &str) -> Option<Self> {
                Self::parse(name)
            }
        }
    )*};
}

named! {
    DeliveryStatus => "delivery status",
    Status => "campaign status",
    CampaignKind => "campaign kind",
    EventType => "event type",
}

/// A [`Named`] enum as a column's value: bind `Stored(status)`, read a
/// row struct's field of type `Stored<DeliveryStatus>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored<T>(pub T);

impl<T: Named> Type<Any> for Stored<T> {
    fn type_info() -> AnyTypeInfo {
        <str as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <str as Type<Any>>::compatible(ty)
    }
}

impl<T: Named> Encode<'_, Any> for Stored<T> {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Any>>::encode(self.0.name(), buf)
    }
}

impl<'r, T: Named> Decode<'r, Any> for Stored<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let name = <&str as Decode<Any>>::decode(value)?;
        T::from_name(name)
            .map(Stored)
            .ok_or_else(|| format!("unknown {} {name:?}", T::WHAT).into())
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection as _, Row as _};

    use super::*;

    /// Bound by name and read back, through the `Any` driver; a name no
    /// variant has fails to decode.
    #[tokio::test]
    async fn an_enum_is_bound_and_read_by_its_name() {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let row = sqlx::query("select $1 as status, 'lost' as unknown")
            .bind(Stored(DeliveryStatus::Skipped))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("status"), "skipped");
        let status: Stored<DeliveryStatus> = row.get("status");
        assert_eq!(status.0, DeliveryStatus::Skipped);
        let err = row
            .try_get::<Stored<DeliveryStatus>, _>("unknown")
            .unwrap_err();
        assert!(err.to_string().contains("unknown delivery status"), "{err}");
    }
}

//! Typed ids: a `UserId` cannot be passed where an `OrganisationId` is expected. All are
//! UUID v7, so they sort by creation time and index well.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

typed_id! {
    /// An organisation (university, enterprise, agency…).
    OrganisationId,
    /// A person with a login.
    UserId,
    /// A login token row (not the secret).
    TokenId,
    /// A research achievement (科技成果).
    AchievementId,
    /// A technology need (技术需求), including open calls.
    NeedId,
    /// An application to an open call (揭榜).
    ApplicationId,
    /// A computed need ↔ achievement match.
    MatchId,
    /// A technology broker (技术经理人).
    BrokerId,
    /// A deal in a broker's pipeline.
    DealId,
    /// A technology contract.
    ContractId,
    /// A contract registration (认定登记).
    RegistrationId,
    /// A queued job.
    JobId,
}

/// A fresh UUID v7 for tables without a typed id.
pub fn new_uuid() -> Uuid {
    Uuid::now_v7()
}

//! The words the services agree on, as enums: each variant's serde name is the code stored in
//! the database and sent on the wire, so neither changes. Columns stay strings; a service turns
//! a stored code into its enum with `FromStr`, and an unknown code is an error, not a panic.

/// Defines a vocabulary enum: serde names, `as_str`, `ALL`, `FromStr`, `TryFrom<&str>`,
/// `Display` and an OpenAPI schema listing the codes.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        // Written out, not derived: utoipa's derive cannot read a `rename` given through a
        // macro fragment and would document the Rust variant names instead of the codes.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $code ),+
                }
            }

            /// Reads a code; `None` for anything else.
            pub fn parse(code: &str) -> Option<$name> {
                match code {
                    $( $code => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownCode;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                $name::parse(code).ok_or_else(|| $crate::vocabulary::UnknownCode {
                    vocabulary: stringify!($name),
                    code: code.to_owned(),
                })
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::vocabulary::UnknownCode;
            fn try_from(code: &str) -> Result<Self, Self::Error> {
                code.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

    };
}

/// A code that is not in its vocabulary (a stored value written by a newer version, or a typo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// Which vocabulary (`Stage`, `ListingStatus`…).
    pub vocabulary: &'static str,
    pub code: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} code {:?}", self.vocabulary, self.code)
    }
}

impl std::error::Error for UnknownCode {}

pub mod accounts;
pub mod auction;
pub mod deal;
pub mod listing;
pub mod matching;
pub mod office;
pub mod partners;
pub mod services;
pub mod tto;

pub use accounts::{OrgKind, OrgRole, UserStatus, VerificationStatus};
pub use auction::{AuctionStatus, BidRefusal, DepositStatus, PriceListingStatus};
pub use deal::{
    AmountKind, AttributionRole, Basis, CertificationLevel, ContractStatus, CostKind, Dim,
    LicenceScope, MilestoneStatus, Mode, Origin, PaymentStatus, RegistrationStatus, Source, Stage,
};
pub use listing::{
    ApplicationStatus, ImportKind, ImportMode, ImportStatus, ListingKind, ListingStatus, NeedKind,
    Provenance, RevisionStatus,
};
pub use matching::{
    AlertKind, DeclineReason, FeedbackParty, MatchSideStatus, NotificationKind, Verdict,
};
pub use office::{DecisionKind, OfficeKind, PartyRole, PaymentMethod};
pub use partners::{AgencyScope, PartnerGroup};
pub use services::{
    LedgerKind, OrderDocumentKind, OrderState, ServiceKind, VoucherState, VoucherTarget,
};
pub use tto::{
    AccessDecision, AccessStatus, DisclosureTerms, DistributionRecipient, DossierAction,
    EvaluationMethod, GrantKind, ListingDocumentKind, PriceMethod,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_unknown_codes_are_errors() {
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>(), Ok(*stage));
            assert_eq!(
                serde_json::to_value(stage).ok(),
                Some(serde_json::json!(stage.as_str()))
            );
        }
        let err = "archived".parse::<ListingStatus>();
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("unknown ListingStatus code \"archived\"".to_owned())
        );
        assert_eq!(
            serde_json::from_str::<CertificationLevel>("\"中级\"").ok(),
            Some(CertificationLevel::Intermediate)
        );
    }
}

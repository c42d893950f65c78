//! The wire contract: every type that crosses a process boundary, shared by the services that
//! produce it and the portal that reads it, so a renamed field or a new stage is a compile error
//! on both sides instead of an empty value at run time.
//!
//! Nothing here knows about the database or HTTP: services convert their rows into these types
//! at the edge, and the stored codes stay the strings the enums serialize to.

pub mod accounts;
pub mod auction;
pub mod deal;
pub mod documents;
pub mod events;
pub mod ids;
pub mod listing;
pub mod matching;
pub mod office;
pub mod page;
pub mod partners;
pub mod problem;
pub mod services;
pub mod stats;
pub mod taxonomy;
pub mod training;
pub mod tto;
pub mod vocabulary;

pub use page::{Page, PageParams};
pub use problem::{FieldError, Problem};
pub use vocabulary::{
    AccessDecision, AccessStatus, AlertKind, AmountKind, ApplicationStatus, AttributionRole,
    AuctionStatus, Basis, BidRefusal, CertificationLevel, ContractStatus, CostKind, DecisionKind,
    DeclineReason, DepositStatus, Dim, DisclosureTerms, DistributionRecipient, DossierAction,
    EvaluationMethod, FeedbackParty, GrantKind, ImportKind, ImportMode, ImportStatus, LedgerKind,
    LicenceScope, ListingDocumentKind, ListingKind, ListingStatus, MatchSideStatus,
    MilestoneStatus, Mode, NeedKind, NotificationKind, OfficeKind, OrderState, OrgKind, OrgRole,
    Origin, PartyRole, PaymentMethod, PaymentStatus, PriceListingStatus, PriceMethod, Provenance,
    RegistrationStatus, RevisionStatus, ServiceKind, Source, Stage, UnknownCode, UserStatus,
    Verdict, VerificationStatus, VoucherState,
};
pub use vocabulary::{AgencyScope, PartnerGroup};
pub use vocabulary::{OrderDocumentKind, VoucherTarget};

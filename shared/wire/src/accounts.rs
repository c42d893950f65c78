//! The listing service's accounts API: organisations, people and sessions as clients see them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ids::{OrganisationId, TokenId, UserId};
use crate::vocabulary::{OrgKind, OrgRole};

/// An organisation as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrganisationOut {
    pub id: OrganisationId,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub country: String,
    pub region_code: String,
    pub credit_code: Option<String>,
    pub state_funded: bool,
    pub website: Option<String>,
    pub description: Option<String>,
    /// `pending`, `verified` or `rejected`.
    pub verification_status: String,
    pub verification_note: Option<String>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}

/// A freshly issued token: the secret is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IssuedToken {
    pub token: String,
    pub token_id: TokenId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A person as shown to clients (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserOut {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub org_role: Option<String>,
    pub is_operator: bool,
    pub locale: String,
    /// `active`, or `disabled` by an operator (cannot sign in).
    pub status: String,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}

/// What sign-up and login return: a token and who it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionOut {
    #[serde(flatten)]
    pub token: IssuedToken,
    pub user: UserOut,
    pub organisation: Option<OrganisationOut>,
}

/// A created invitation: the secret is shown once, for the admin to pass on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvitationOut {
    pub id: Uuid,
    pub email: String,
    pub org_role: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The secret the invitee sends in the body of `POST /api/v1/invitations/accept`.
    pub token: String,
}

/// A pending invitation as its organisation's admins see it (never the secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub org_role: String,
    pub invited_by: UserId,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub expires_at: chrono::DateTime<chrono::FixedOffset>,
}

/// The signed-in account, as `GET /api/v1/me` answers: who the caller is and what they may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user_id: UserId,
    pub token_id: TokenId,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub org_kind: Option<OrgKind>,
    pub org_role: Option<OrgRole>,
    /// Platform operator: reviews, verifies, registers, reads everything.
    pub is_operator: bool,
    /// Has a broker profile (技术经理人).
    pub broker_id: Option<Uuid>,
    /// Listed as an operator of at least one registration office (登记点). Platform operators
    /// act for the provincial office whether listed or not (see [`Me::acts_for_an_office`]).
    #[serde(default)]
    pub works_at_office: bool,
}

impl Me {
    /// Works a registration office: a platform operator, or someone an office lists. Clients
    /// offer the office's pages only to them; the API decides what they may do there.
    pub fn acts_for_an_office(&self) -> bool {
        self.is_operator || self.works_at_office
    }

    /// Has a broker profile.
    pub fn is_broker(&self) -> bool {
        self.broker_id.is_some()
    }

    /// Admin of their organisation.
    pub fn is_org_admin(&self) -> bool {
        self.organisation_id.is_some() && self.org_role == Some(OrgRole::Admin)
    }

    /// Universities and institutes post achievements; enterprises post needs; others may do
    /// both (the API decides; clients only choose which actions to offer first).
    pub fn posts_achievements(&self) -> bool {
        self.organisation_id.is_some() && self.org_kind != Some(OrgKind::Enterprise)
    }

    /// See [`Me::posts_achievements`].
    pub fn posts_needs(&self) -> bool {
        self.organisation_id.is_some()
            && !matches!(
                self.org_kind,
                Some(OrgKind::University | OrgKind::Institute)
            )
    }
}

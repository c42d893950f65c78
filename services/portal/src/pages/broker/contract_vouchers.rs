//! Innovation vouchers on a contract's page (`/contracts/{id}`, section `#vouchers`): what
//! vouchers have paid of the contract amount, and for the buyer of a signed contract the
//! vouchers it holds that may pay it (issued, of a programme that pays contracts, in the
//! contract's currency), with the form that redeems one. The API decides every redemption
//! again (`POST /api/v1/vouchers/{id}/contract-redemptions`).

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::path_id;
use crate::i18n::Tr;
use crate::money::money;
use crate::page::{done, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::ContractOut;
use wire::services::{ProgrammeOut, VoucherOut};
use wire::{ContractStatus, Page, VoucherState};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/contracts/{id}/voucher", post(redeem))
        .route("/contracts/{id}/voucher-claim", post(claim))
}

/// The vouchers section of a contract page.
#[derive(Default)]
pub struct VouchersView {
    /// Shown at all: something was paid, or the buyer has a voucher to offer.
    pub shown: bool,
    pub paid: String,
    pub left: String,
    /// (voucher id, "programme · value") of the buyer's vouchers that may pay it.
    pub offer: Vec<(String, String)>,
    /// (voucher id, "programme · amount paid") the seller may claim.
    pub claimable: Vec<(String, String)>,
}

/// Reads what the contract page shows of vouchers. Lists that cannot be read show as empty:
/// the contract itself was readable.
pub async fn load(portal: &Portal, viewer: &Viewer, c: &ContractOut) -> VouchersView {
    let t = Tr::new(viewer.lang);
    let currency = &c.amounts.currency;
    let left_minor = c
        .amounts
        .contract_amount_minor
        .saturating_sub(c.voucher_paid_minor);
    let buyer = viewer
        .organisation_id()
        .is_some_and(|o| Some(o.0) == c.buyer_organisation_id);
    let seller = viewer
        .organisation_id()
        .is_some_and(|o| Some(o.0) == c.seller_organisation_id);
    let mut claimable = Vec::new();
    if seller && c.voucher_paid_minor > 0 && c.status == ContractStatus::Signed {
        let path = format!(
            "/api/v1/vouchers?contract_id={}&state=redeemed&per_page=100",
            c.id.0
        );
        claimable = portal
            .api
            .get::<Page<VoucherOut>>(viewer.caller(), &path)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                (
                    v.id.to_string(),
                    format!(
                        "{} · {}",
                        v.programme_name,
                        money(&t, v.redeemed_minor, &v.currency)
                    ),
                )
            })
            .collect();
    }
    let mut offer = Vec::new();
    if buyer && c.status == ContractStatus::Signed && left_minor > 0 {
        let caller = viewer.caller();
        let (vouchers, programmes) = tokio::join!(
            portal
                .api
                .get::<Page<VoucherOut>>(caller, "/api/v1/vouchers?state=issued&per_page=100"),
            portal
                .api
                .get::<Page<ProgrammeOut>>(caller, "/api/v1/voucher-programmes?per_page=100"),
        );
        let paying: Vec<Uuid> = programmes
            .map(|p| p.items)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.pays_contracts && &p.currency == currency)
            .map(|p| p.id)
            .collect();
        offer = vouchers
            .map(|p| p.items)
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.state == VoucherState::Issued && paying.contains(&v.programme_id))
            .map(|v| {
                (
                    v.id.to_string(),
                    format!(
                        "{} · {}",
                        v.programme_name,
                        money(&t, v.reserved_minor, &v.currency)
                    ),
                )
            })
            .collect();
    }
    VouchersView {
        shown: c.voucher_paid_minor > 0 || !offer.is_empty(),
        paid: money(&t, c.voucher_paid_minor, currency),
        left: money(&t, left_minor, currency),
        offer,
        claimable,
    }
}

#[derive(Debug, Default, Deserialize)]
struct RedeemForm {
    #[serde(default)]
    voucher_id: String,
}

/// Redeems the chosen voucher against the contract.
async fn redeem(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RedeemForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    // The voucher id goes into an API path: only a well-formed one does.
    let Ok(voucher) = form.voucher_id.trim().parse::<Uuid>() else {
        return Err(viewer.error_page(StatusCode::UNPROCESSABLE_ENTITY, String::new()));
    };
    portal
        .api
        .post::<VoucherOut>(
            viewer.caller(),
            &format!("/api/v1/vouchers/{voucher}/contract-redemptions"),
            &json!({"contract_id": id}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/contracts/{id}#vouchers"), "saved"))
}

/// The seller claims what a voucher paid of the contract.
async fn claim(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RedeemForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let Ok(voucher) = form.voucher_id.trim().parse::<Uuid>() else {
        return Err(viewer.error_page(StatusCode::UNPROCESSABLE_ENTITY, String::new()));
    };
    portal
        .api
        .post::<VoucherOut>(
            viewer.caller(),
            &format!("/api/v1/vouchers/{voucher}/claim"),
            &json!({}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/contracts/{id}#vouchers"), "saved"))
}

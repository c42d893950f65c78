//! Sample data for the embedded mode's first start and `techmarket seed`: fictional
//! organisations and demo accounts (`sample/demo.json`), every one labelled 示例 / sample; on
//! an empty database's first start also the sample registration history 2021–2026
//! (`deal::sample::history`).
//! Never copied from real organisations or from the evaluation data.

use platform::auth::{OrgKind, OrgRole};
use platform::entity::{brokers, organisations, partner_countries, users};
use platform::identifiers::credit_code_check_char;
use platform::ids::{new_uuid, OrganisationId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use std::sync::OnceLock;

use crate::sample_data::{leak, parse};

/// One demo login, printed by `techmarket up` and listed in the README.
#[derive(Debug, Deserialize)]
pub struct DemoAccount {
    #[serde(deserialize_with = "leak::str")]
    pub email: &'static str,
    /// Always [`DEMO_PASSWORD`].
    #[serde(skip, default = "demo_password")]
    pub password: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub role: &'static str,
}

/// Shared by every demo account: sample data only, never for a real deployment.
pub const DEMO_PASSWORD: &str = "sample-password-2026";

fn demo_password() -> &'static str {
    DEMO_PASSWORD
}

/// A demo organisation and its admin (one of the demo accounts).
#[derive(Debug, Deserialize)]
struct SampleOrg {
    #[serde(deserialize_with = "leak::str")]
    name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    name_en: &'static str,
    kind: OrgKind,
    #[serde(deserialize_with = "leak::str")]
    country: &'static str,
    #[serde(deserialize_with = "leak::str")]
    region: &'static str,
    /// The credit code without its check character (Chinese organisations).
    credit_prefix: Option<String>,
    state_funded: bool,
    #[serde(deserialize_with = "leak::str")]
    admin: &'static str,
    #[serde(deserialize_with = "leak::str")]
    admin_name: &'static str,
}

/// `sample/demo.json`: the demo accounts (the operator first) and organisations.
#[derive(Debug, Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
struct Demo {
    #[serde(deserialize_with = "leak::slice")]
    accounts: &'static [DemoAccount],
    #[serde(deserialize_with = "leak::slice")]
    organisations: &'static [SampleOrg],
}

static DEMO: OnceLock<Demo> = OnceLock::new();

fn demo() -> anyhow::Result<&'static Demo> {
    if let Some(d) = DEMO.get() {
        return Ok(d);
    }
    let parsed: Demo = parse("demo.json", include_str!("../sample/demo.json"))?;
    anyhow::ensure!(
        !parsed.accounts.is_empty(),
        "sample data file demo.json names no accounts (the first is the operator)"
    );
    // A racing first use parsed the file too; either copy is the same data.
    Ok(DEMO.get_or_init(|| parsed))
}

/// The demo accounts sample data creates, the operator first.
pub fn demo_accounts() -> anyhow::Result<&'static [DemoAccount]> {
    Ok(demo()?.accounts)
}

/// Loads the sample data unless the database already has organisations. Returns whether it
/// loaded anything.
pub async fn load_if_empty(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<bool> {
    if organisations::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    load(db).await?;
    // The registration history behind the dashboard's trend: a few thousand sample contracts,
    // loaded only into an empty database (`up`'s first start, `seed`), in its own transaction.
    let txn = db.begin().await?;
    deal::sample::history::load(&txn, chrono::Utc::now().date_naive()).await?;
    txn.commit().await?;
    // Sample services and a voucher programme (issue #16): a separate step, so the pinned
    // listing generator and its digest are untouched.
    let txn = db.begin().await?;
    deal::sample::services::load(&txn, chrono::Utc::now().date_naive()).await?;
    // Broker training (a course, a class, certificates for sample brokers) and partner
    // countries beyond ASEAN, so those pages are not empty either.
    deal::sample::training::load(&txn, chrono::Utc::now().date_naive()).await?;
    load_partner_countries(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// Sample partner countries beyond ASEAN (Belt and Road, 一带一路), named as sample data. Japan,
/// Korea, Australia and New Zealand need none: the default configuration serves them (RCEP).
/// Added by the sample operator; a country already there is left as it is.
const SAMPLE_PARTNERS: [(&str, &str, &str); 3] = [
    ("IL", "以色列（示例）", "Israel (sample)"),
    ("PK", "巴基斯坦（示例）", "Pakistan (sample)"),
    ("KZ", "哈萨克斯坦（示例）", "Kazakhstan (sample)"),
];

/// Files the sample partner countries under Belt and Road.
pub async fn load_partner_countries(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let Some(operator) = users::Entity::find()
        .filter(users::Column::IsOperator.eq(true))
        .order_by_asc(users::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    for (code, zh, en) in SAMPLE_PARTNERS {
        if partner_countries::Entity::find_by_id(code)
            .one(db)
            .await?
            .is_some()
        {
            continue;
        }
        partner_countries::ActiveModel {
            code: Set(code.to_owned()),
            partner_group: Set(wire::PartnerGroup::BeltAndRoad.as_str().to_owned()),
            name_zh: Set(zh.to_owned()),
            name_en: Set(en.to_owned()),
            added_by: Set(operator.id),
            added_at: Set(chrono::Utc::now().fixed_offset()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Loads the sample data in one transaction.
pub async fn load(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<()> {
    let demo = demo()?;
    let operator = demo
        .accounts
        .first()
        .ok_or_else(|| anyhow::anyhow!("no sample operator account"))?;
    let txn = db.begin().await?;
    listing::domain::accounts::create_operator(
        &txn,
        operator.email,
        "平台运营（示例）",
        operator.password,
    )
    .await
    .map_err(|e| anyhow::anyhow!("Failed to create the sample operator: {e}"))?;
    let now = chrono::Utc::now();
    // The demo university and enterprise own a few sample listings, so their logins see them
    // under "my organisation".
    let mut owners = crate::sample_listings::DemoOwners::default();
    for org in demo.organisations {
        let credit_code = org
            .credit_prefix
            .as_deref()
            .and_then(|p| credit_code_check_char(p).map(|c| format!("{p}{c}")));
        let id = OrganisationId::new();
        organisations::ActiveModel {
            id: Set(id.0),
            name: Set(org.name.to_owned()),
            name_en: Set(Some(org.name_en.to_owned())),
            kind: Set(org.kind.as_str().to_owned()),
            country: Set(org.country.to_owned()),
            region_code: Set(org.region.to_owned()),
            credit_code: Set(credit_code),
            state_funded: Set(org.state_funded),
            website: Set(None),
            description: Set(Some(
                "示例数据 Sample data: a fictional organisation.".to_owned(),
            )),
            verification_status: Set("verified".to_owned()),
            verification_note: Set(Some("sample data".to_owned())),
            verified_at: Set(Some(now.into())),
            verified_by: Set(None),
            version: Set(1),
            created_at: Set(now.into()),
            updated_at: Set(now.into()),
        }
        .insert(&txn)
        .await?;
        let user = listing::domain::accounts::add_member(
            &txn,
            id,
            org.admin,
            org.admin_name,
            DEMO_PASSWORD,
            OrgRole::Admin,
        )
        .await
        .map_err(|e| anyhow::anyhow!("Failed to create sample user {}: {e}", org.admin))?;
        let owner = || crate::sample_listings::DemoOwner {
            organisation_id: id.0,
            user_id: user.id.0,
            country: org.country,
            region_code: org.region,
            contact_name: org.admin_name,
            contact_email: org.admin,
        };
        match org.kind {
            OrgKind::University => owners.university = Some(owner()),
            OrgKind::Enterprise if org.country == "CN" => owners.enterprise = Some(owner()),
            _ => {}
        }
        if org.kind == OrgKind::BrokerAgency {
            brokers::ActiveModel {
                id: Set(new_uuid()),
                user_id: Set(user.id.0),
                organisation_id: Set(Some(id.0)),
                display_name: Set(org.admin_name.to_owned()),
                certification_level: Set("intermediate".to_owned()),
                certificate_number: Set(Some("SAMPLE-0001".to_owned())),
                fields: Set(serde_json::json!([
                    "modern_agriculture",
                    "high_end_equipment"
                ])),
                regions: Set(serde_json::json!(["450000", "VN"])),
                languages: Set(serde_json::json!(["zh", "en", "vi"])),
                bio: Set(Some("示例技术经理人 Sample broker.".to_owned())),
                verification_status: Set("verified".to_owned()),
                verification_note: Set(None),
                verified_at: Set(Some(now.into())),
                verified_by: Set(None),
                version: Set(1),
                created_at: Set(now.into()),
                updated_at: Set(now.into()),
            }
            .insert(&txn)
            .await?;
        }
    }
    let counts =
        crate::sample_listings::load(&txn, chrono::Utc::now().date_naive(), &owners).await?;
    tracing::info!(
        organisations = counts.organisations,
        achievements = counts.achievements,
        needs = counts.needs,
        open_calls = counts.open_calls,
        asean_listings = counts.asean_listings,
        "sample listings created"
    );
    deal::sample::load(&txn, chrono::Utc::now().date_naive()).await?;
    txn.commit().await?;
    Ok(())
}

//! Sample data for the embedded mode's first start and `techmarket seed`: fictional
//! organisations and demo accounts, every one labelled 示例 / sample. Never copied from real
//! organisations or from the evaluation data.

use platform::auth::{OrgKind, OrgRole};
use platform::entity::{brokers, organisations};
use platform::identifiers::credit_code_check_char;
use platform::ids::{new_uuid, OrganisationId};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};

/// One demo login, printed by `techmarket up` and listed in the README.
pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: &'static str,
}

/// Shared by every demo account: sample data only, never for a real deployment.
pub const DEMO_PASSWORD: &str = "sample-password-2026";

/// The demo accounts sample data creates.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "operator@sample.techmarket.local",
        password: DEMO_PASSWORD,
        role: "operator",
    },
    DemoAccount {
        email: "tto@guijiang-university.sample",
        password: DEMO_PASSWORD,
        role: "university (admin)",
    },
    DemoAccount {
        email: "rd@liujiang-agrimach.sample",
        password: DEMO_PASSWORD,
        role: "enterprise (admin)",
    },
    DemoAccount {
        email: "broker@beibu-gulf-ttc.sample",
        password: DEMO_PASSWORD,
        role: "broker",
    },
    DemoAccount {
        email: "partner@mekong-agritech.sample",
        password: DEMO_PASSWORD,
        role: "ASEAN enterprise (Vietnam)",
    },
];

struct SampleOrg {
    name: &'static str,
    name_en: &'static str,
    kind: OrgKind,
    country: &'static str,
    region: &'static str,
    credit_prefix: Option<&'static str>,
    state_funded: bool,
    admin: &'static str,
    admin_name: &'static str,
}

const ORGS: &[SampleOrg] = &[
    SampleOrg {
        name: "桂江大学（示例）",
        name_en: "Guijiang University (sample)",
        kind: OrgKind::University,
        country: "CN",
        region: "450100",
        credit_prefix: Some("12450000MB0000001"),
        state_funded: true,
        admin: "tto@guijiang-university.sample",
        admin_name: "桂江大学技术转移办公室",
    },
    SampleOrg {
        name: "柳江智能农机有限公司（示例）",
        name_en: "Liujiang Smart Agri-Machinery Co. (sample)",
        kind: OrgKind::Enterprise,
        country: "CN",
        region: "450200",
        credit_prefix: Some("91450200MA0000002"),
        state_funded: false,
        admin: "rd@liujiang-agrimach.sample",
        admin_name: "柳江农机研发部",
    },
    SampleOrg {
        name: "北部湾技术转移中心（示例）",
        name_en: "Beibu Gulf Technology Transfer Centre (sample)",
        kind: OrgKind::BrokerAgency,
        country: "CN",
        region: "450500",
        credit_prefix: Some("52450500MJ0000003"),
        state_funded: false,
        admin: "broker@beibu-gulf-ttc.sample",
        admin_name: "黄经理（示例技术经理人）",
    },
    SampleOrg {
        name: "Mekong AgriTech JSC (sample)",
        name_en: "Mekong AgriTech JSC (sample)",
        kind: OrgKind::Enterprise,
        country: "VN",
        region: "VN",
        credit_prefix: None,
        state_funded: false,
        admin: "partner@mekong-agritech.sample",
        admin_name: "Nguyen Van An (sample)",
    },
];

/// Loads the sample data unless the database already has organisations. Returns whether it
/// loaded anything.
pub async fn load_if_empty(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<bool> {
    if organisations::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    load(db).await?;
    Ok(true)
}

/// Loads the sample data in one transaction.
pub async fn load(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let operator = &DEMO_ACCOUNTS[0];
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
    let mut demo = crate::sample_listings::DemoOwners::default();
    for org in ORGS {
        let credit_code = org
            .credit_prefix
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
            OrgKind::University => demo.university = Some(owner()),
            OrgKind::Enterprise if org.country == "CN" => demo.enterprise = Some(owner()),
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
    let counts = crate::sample_listings::load(&txn, chrono::Utc::now().date_naive(), &demo).await?;
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

//! Sample services and one sample voucher programme (issue #16), so the first start shows the
//! service directory and the voucher pages. Every row is marked `sample` and its text says so.
//! The services belong to the sample Chinese universities and institutes, the programme to the
//! sample operator; without them it does nothing. Running it twice adds nothing.

use chrono::{Duration, NaiveDate};
use platform::entity::{organisations, service_fields, services, users, voucher_programmes};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use wire::{OrgKind, ServiceKind};

/// (kind, title, fields, capacity, lead days, price range in yuan, accreditation)
type SampleService = (
    ServiceKind,
    &'static str,
    &'static [&'static str],
    &'static str,
    i32,
    (i64, i64),
    Option<&'static str>,
);

const SERVICES: &[SampleService] = &[
    (
        ServiceKind::PilotScale,
        "甘蔗渣发酵中试（示例）Sample: bagasse fermentation pilot",
        &["modern_agriculture", "biomedicine"],
        "500 L 发酵罐，每月 3 批次",
        30,
        (50_000, 200_000),
        Some("CMA"),
    ),
    (
        ServiceKind::ProofOfConcept,
        "农机概念验证（示例）Sample: farm machinery proof of concept",
        &["machinery", "modern_agriculture"],
        "样机试制与田间验证",
        60,
        (80_000, 300_000),
        None,
    ),
    (
        ServiceKind::Testing,
        "材料性能检测（示例）Sample: materials testing",
        &["advanced_metal_materials"],
        "拉伸、硬度、金相",
        7,
        (2_000, 20_000),
        Some("CNAS"),
    ),
    (
        ServiceKind::Evaluation,
        "科技成果评价（示例）Sample: achievement evaluation",
        &["electronic_information", "machinery"],
        "专家评议与第三方评价报告",
        20,
        (10_000, 50_000),
        None,
    ),
];

/// Loads the sample services and programme as of `today`.
pub async fn load(db: &impl ConnectionTrait, today: NaiveDate) -> anyhow::Result<()> {
    if voucher_programmes::Entity::find()
        .filter(voucher_programmes::Column::Sample.eq(true))
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let providers = organisations::Entity::find()
        .filter(
            organisations::Column::Kind
                .is_in([OrgKind::University.as_str(), OrgKind::Institute.as_str()]),
        )
        .filter(organisations::Column::Country.eq("CN"))
        .order_by_asc(organisations::Column::CreatedAt)
        .all(db)
        .await?;
    let now = chrono::Utc::now();
    for (i, (kind, title, fields, capacity, lead, (min, max), accreditation)) in
        SERVICES.iter().enumerate()
    {
        let Some(org) = providers.get(i % providers.len().max(1)) else {
            break;
        };
        let Some(admin) = users::Entity::find()
            .filter(users::Column::OrganisationId.eq(org.id))
            .one(db)
            .await?
        else {
            continue;
        };
        let id = new_uuid();
        services::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.id),
            kind: Set(kind.as_str().to_owned()),
            title: Set((*title).to_owned()),
            description: Set("示例数据，非真实服务。Sample data: not a real offer.".to_owned()),
            capacity: Set(Some((*capacity).to_owned())),
            lead_time_days: Set(*lead),
            price_min_minor: Set(min * 100),
            price_max_minor: Set(max * 100),
            currency: Set("CNY".to_owned()),
            accreditation: Set(accreditation.map(str::to_owned)),
            region_code: Set(org.region_code.clone()),
            sample: Set(true),
            created_by: Set(admin.id),
            version: Set(1),
            created_at: Set(now.into()),
            updated_at: Set(now.into()),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
        }
        .insert(db)
        .await?;
        for (position, code) in (0i32..).zip(fields.iter()) {
            service_fields::ActiveModel {
                service_id: Set(id),
                industry_code: Set((*code).to_owned()),
                position: Set(position),
            }
            .insert(db)
            .await?;
        }
    }
    let Some(operator) = users::Entity::find()
        .filter(users::Column::IsOperator.eq(true))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    voucher_programmes::ActiveModel {
        id: Set(new_uuid()),
        name: Set("广西科技创新券（示例）Sample innovation voucher programme".to_owned()),
        issuer: Set("示例发放单位 Sample issuer".to_owned()),
        // 500 万元, half the price up to 2 万元 per voucher.
        budget_minor: Set(500_000_000),
        currency: Set("CNY".to_owned()),
        eligible_org_kinds: Set(serde_json::json!([OrgKind::Enterprise.as_str()])),
        eligible_service_kinds: Set(serde_json::json!([
            ServiceKind::PilotScale.as_str(),
            ServiceKind::ProofOfConcept.as_str(),
            ServiceKind::Testing.as_str(),
            ServiceKind::Evaluation.as_str()
        ])),
        face_value_minor: Set(None),
        share_bp: Set(Some(5_000)),
        cap_minor: Set(Some(2_000_000)),
        valid_from: Set(today - Duration::days(30)),
        valid_until: Set(today + Duration::days(335)),
        cross_region: Set(false),
        home_region: Set("450000".to_owned()),
        // The sample programme pays technology contracts too, so the contract page offers it.
        pays_contracts: Set(true),
        issued_minor: Set(0),
        redeemed_minor: Set(0),
        released_minor: Set(0),
        claimed_minor: Set(0),
        sample: Set(true),
        created_by: Set(operator.id),
        created_at: Set(now.into()),
    }
    .insert(db)
    .await?;
    Ok(())
}

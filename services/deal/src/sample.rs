//! Sample deal data for the embedded mode's first start, so the dashboard is not empty: FX
//! rates labelled as sample (not official), a broker's deals in several stages, contracts in
//! CNY and VND, registrations and the rollups they produce.
//!
//! It builds on the sample organisations of `techmarket`'s sample data (looked up by name,
//! then by kind) and skips quietly when they are not there. Running it twice adds nothing.

use chrono::{Duration, NaiveDate};
use platform::entity::{
    achievements, attributions, brokers, contract_brokers, contract_cost_lines, contracts,
    deal_brokers, deal_events, deals, fx_rates, needs, organisations, registrations, users,
};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use wire::{CostKind, OrgKind};

use crate::domain::stats::{month_of, recompute_month};

pub mod history;
pub mod services;
pub mod training;
use wire::{
    AttributionRole, ContractStatus, Mode, Origin, RegistrationStatus, Stage, VerificationStatus,
};

/// Source written on every sample rate.
pub const SAMPLE_RATE_SOURCE: &str = "sample rate, not official / 示例汇率，非官方";
/// Contract number of the first sample contract: its presence means the sample is loaded.
const MARKER: &str = "SAMPLE-GX-0001";

async fn org_by(
    db: &impl ConnectionTrait,
    name: &str,
    kind: OrgKind,
    country: &str,
) -> anyhow::Result<Option<organisations::Model>> {
    if let Some(o) = organisations::Entity::find()
        .filter(organisations::Column::Name.eq(name))
        .one(db)
        .await?
    {
        return Ok(Some(o));
    }
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Kind.eq(kind.as_str()))
        .filter(organisations::Column::Country.eq(country))
        .order_by_asc(organisations::Column::CreatedAt)
        .one(db)
        .await?)
}

/// Loads the sample deals, contracts and registrations as of `today`.
pub async fn load<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    today: NaiveDate,
) -> anyhow::Result<()> {
    if contracts::Entity::find()
        .filter(contracts::Column::ContractNumber.eq(MARKER))
        .one(txn)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let Some(uni) = org_by(txn, "桂江大学（示例）", OrgKind::University, "CN").await?
    else {
        tracing::info!("no sample university: deal sample data skipped");
        return Ok(());
    };
    let Some(ent) = org_by(
        txn,
        "柳江智能农机有限公司（示例）",
        OrgKind::Enterprise,
        "CN",
    )
    .await?
    else {
        tracing::info!("no sample enterprise: deal sample data skipped");
        return Ok(());
    };
    let vn = org_by(
        txn,
        "Mekong AgriTech JSC (sample)",
        OrgKind::Enterprise,
        "VN",
    )
    .await?;
    let broker = brokers::Entity::find()
        .filter(brokers::Column::VerificationStatus.eq(VerificationStatus::Verified.as_str()))
        .order_by_asc(brokers::Column::CreatedAt)
        .one(txn)
        .await?;
    let actor = match users::Entity::find()
        .filter(users::Column::IsOperator.eq(true))
        .one(txn)
        .await?
    {
        Some(u) => u.id,
        None => match &broker {
            Some(b) => b.user_id,
            None => {
                tracing::info!("no operator or broker: deal sample data skipped");
                return Ok(());
            }
        },
    };
    let achievement = achievements::Entity::find()
        .filter(achievements::Column::OrganisationId.eq(uni.id))
        .one(txn)
        .await?
        .map(|a| a.id);
    let need = needs::Entity::find()
        .filter(needs::Column::OrganisationId.eq(ent.id))
        .one(txn)
        .await?
        .map(|n| n.id);
    let now = crate::domain::now();
    let provincial = crate::domain::offices::provincial(txn)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;

    // Rates: weekly sample rates for the last two months.
    for (currency, rate) in [("THB", "0.2016"), ("VND", "0.000285"), ("USD", "7.1")] {
        for weeks in 0..9 {
            let date = today - Duration::days(7 * weeks);
            let exists = fx_rates::Entity::find()
                .filter(fx_rates::Column::Currency.eq(currency))
                .filter(fx_rates::Column::RateDate.eq(date))
                .one(txn)
                .await?;
            if exists.is_none() {
                fx_rates::ActiveModel {
                    id: Set(new_uuid()),
                    currency: Set(currency.to_owned()),
                    rate_date: Set(date),
                    cny_per_unit: Set(rate.to_owned()),
                    source: Set(SAMPLE_RATE_SOURCE.to_owned()),
                    created_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
        }
    }

    struct SampleDeal<'a> {
        title: &'a str,
        mode: Mode,
        stage: Stage,
        seller: &'a organisations::Model,
        buyer: &'a organisations::Model,
        opened_days_ago: i64,
        publicity: Option<(NaiveDate, NaiveDate)>,
    }
    let mut specs = vec![
        SampleDeal {
            title: "甘蔗收割机智能控制系统专利许可（示例）",
            mode: Mode::Negotiated,
            stage: Stage::Registered,
            seller: &uni,
            buyer: &ent,
            opened_days_ago: 75,
            publicity: Some((today - Duration::days(60), today - Duration::days(46))),
        },
        SampleDeal {
            title: "丘陵蔗区切割高度自适应技术合作开发（示例）",
            mode: Mode::Negotiated,
            stage: Stage::Agreed,
            seller: &uni,
            buyer: &ent,
            opened_days_ago: 20,
            publicity: Some((today - Duration::days(3), today + Duration::days(11))),
        },
        SampleDeal {
            title: "农机远程运维平台技术咨询（示例）",
            mode: Mode::FixedPrice,
            stage: Stage::Negotiating,
            seller: &uni,
            buyer: &ent,
            opened_days_ago: 9,
            publicity: None,
        },
    ];
    if let Some(vn) = &vn {
        specs.push(SampleDeal {
            title: "Sugarcane harvester training for Mekong AgriTech (sample)",
            mode: Mode::FixedPrice,
            stage: Stage::Registered,
            seller: &ent,
            buyer: vn,
            opened_days_ago: 40,
            publicity: None,
        });
    }
    let mut deal_ids = Vec::new();
    for spec in &specs {
        let id = new_uuid();
        let opened: chrono::DateTime<chrono::FixedOffset> =
            (now - Duration::days(spec.opened_days_ago)).fixed_offset();
        deals::ActiveModel {
            id: Set(id),
            title: Set(spec.title.to_owned()),
            origin: Set(Origin::Inquiry.as_str().to_owned()),
            mode: Set(spec.mode.as_str().to_owned()),
            match_id: Set(None),
            achievement_id: Set(if spec.seller.id == uni.id {
                achievement
            } else {
                None
            }),
            need_id: Set(if spec.buyer.id == ent.id { need } else { None }),
            open_call_application_id: Set(None),
            seller_organisation_id: Set(spec.seller.id),
            buyer_organisation_id: Set(spec.buyer.id),
            stage: Set(spec.stage.as_str().to_owned()),
            lost_reason: Set(None),
            publicity_starts_on: Set(spec.publicity.map(|p| p.0)),
            publicity_ends_on: Set(spec.publicity.map(|p| p.1)),
            created_by: Set(actor),
            closed_at: Set(None),
            version: Set(1),
            created_at: Set(opened),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        deal_events::ActiveModel {
            id: Set(new_uuid()),
            deal_id: Set(id),
            actor_id: Set(Some(actor)),
            kind: Set(wire::NotificationKind::DealOpened.as_str().to_owned()),
            body: Set(Some("示例数据 sample data".to_owned())),
            data: Set(serde_json::json!({"origin": Origin::Inquiry, "mode": spec.mode})),
            created_at: Set(opened),
        }
        .insert(txn)
        .await?;
        if let Some(b) = &broker {
            deal_brokers::ActiveModel {
                id: Set(new_uuid()),
                deal_id: Set(id),
                broker_id: Set(b.id),
                assigned_by: Set(actor),
                assigned_at: Set(opened),
                unassigned_at: Set(None),
            }
            .insert(txn)
            .await?;
            attributions::ActiveModel {
                id: Set(new_uuid()),
                deal_id: Set(id),
                broker_id: Set(b.id),
                role: Set(AttributionRole::Introducer.as_str().to_owned()),
                introduced_organisation_id: Set(Some(spec.buyer.id)),
                note: Set(Some("示例数据 sample data".to_owned())),
                recorded_by: Set(actor),
                created_at: Set(opened),
            }
            .insert(txn)
            .await?;
        }
        deal_ids.push(id);
    }

    // Contracts: (deal index, number, type, subtype, scope, currency, amount, tech, signed
    // days ago, registered days ago).
    type ContractSpec<'a> = (
        usize,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        i64,
        i64,
        i64,
        Option<i64>,
    );
    let mut specs_c: Vec<ContractSpec<'_>> = vec![
        (
            0,
            MARKER,
            "licence",
            "patent_licence",
            Some("non_exclusive"),
            "CNY",
            86_000_000,
            80_000_000,
            50,
            Some(30),
        ),
        (
            2,
            "SAMPLE-GX-0003",
            "consulting",
            "consulting",
            None,
            "CNY",
            12_000_000,
            12_000_000,
            2,
            None,
        ),
    ];
    if vn.is_some() {
        specs_c.push((
            3,
            "SAMPLE-GX-0002",
            "service",
            "training",
            None,
            "VND",
            2_500_000_000,
            2_500_000_000,
            20,
            Some(10),
        ));
    }
    let mut months = Vec::new();
    for (
        deal_idx,
        number,
        ctype,
        subtype,
        scope,
        currency,
        amount,
        tech,
        signed_ago,
        registered_ago,
    ) in specs_c
    {
        let spec = &specs[deal_idx];
        let signed = today - Duration::days(signed_ago);
        // The same rule as a contract entered through the API (`platform::fx`).
        let rate = if currency == platform::fx::CNY {
            None
        } else {
            Some(platform::fx::rate_for(txn, currency, signed).await?)
        };
        let (cny, tech_cny) = match &rate {
            Some(r) => (r.convert(amount, currency)?, r.convert(tech, currency)?),
            None => (amount, tech),
        };
        let id = new_uuid();
        contracts::ActiveModel {
            id: Set(id),
            deal_id: Set(Some(deal_ids[deal_idx])),
            contract_number: Set(number.to_owned()),
            title: Set(spec.title.to_owned()),
            contract_type: Set(ctype.to_owned()),
            subtype: Set(subtype.to_owned()),
            licence_scope: Set(scope.map(str::to_owned)),
            seller_organisation_id: Set(Some(spec.seller.id)),
            buyer_organisation_id: Set(Some(spec.buyer.id)),
            intermediary_organisation_id: Set(broker.as_ref().and_then(|b| b.organisation_id)),
            signed_on: Set(signed),
            valid_from: Set(Some(signed)),
            valid_until: Set(Some(signed + Duration::days(730))),
            currency: Set(currency.to_owned()),
            contract_amount_minor: Set(amount),
            tech_amount_minor: Set(tech),
            fx_rate_id: Set(rate.as_ref().map(|r| r.row.id)),
            fx_rate: Set(rate.as_ref().map(|r| r.row.cny_per_unit.clone())),
            contract_amount_cny_minor: Set(cny),
            tech_amount_cny_minor: Set(tech_cny),
            seller_country: Set(spec.seller.country.clone()),
            seller_region_code: Set(spec.seller.region_code.clone()),
            buyer_country: Set(spec.buyer.country.clone()),
            buyer_region_code: Set(spec.buyer.region_code.clone()),
            industry_code: Set("modern_agriculture".to_owned()),
            ip_type: Set(scope.map(|_| "invention_patent".to_owned())),
            achievement_id: Set(if spec.seller.id == uni.id {
                achievement
            } else {
                None
            }),
            need_id: Set(None),
            status: Set(ContractStatus::Signed.as_str().to_owned()),
            created_by: Set(actor),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            seller_party_id: Set(None),
            buyer_party_id: Set(None),
            intermediary_party_id: Set(None),
            payment_method: Set(None),
            objectives: Set(None),
            voucher_paid_minor: Set(0),
        }
        .insert(txn)
        .await?;
        if amount > tech {
            contract_cost_lines::ActiveModel {
                id: Set(new_uuid()),
                contract_id: Set(id),
                kind: Set(CostKind::Equipment.as_str().to_owned()),
                description: Set("样机设备 prototype equipment (sample)".to_owned()),
                amount_minor: Set(amount - tech),
            }
            .insert(txn)
            .await?;
        }
        if let Some(b) = &broker {
            contract_brokers::ActiveModel {
                id: Set(new_uuid()),
                contract_id: Set(id),
                broker_id: Set(b.id),
                role: Set(AttributionRole::Introducer.as_str().to_owned()),
            }
            .insert(txn)
            .await?;
        }
        let (status, number_reg, registered_on) = match registered_ago {
            Some(days) => {
                let on = today - Duration::days(days);
                let n = crate::domain::registrations::next_number(
                    txn,
                    &platform::config::DealConfig::default().registration_number_format,
                    chrono::Datelike::year(&on),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                months.push(month_of(on));
                (RegistrationStatus::Registered, Some(n), Some(on))
            }
            None => (RegistrationStatus::Submitted, None, None),
        };
        registrations::ActiveModel {
            id: Set(new_uuid()),
            contract_id: Set(id),
            status: Set(status.as_str().to_owned()),
            registration_number: Set(number_reg),
            office: Set(
                registered_on.map(|_| platform::config::DealConfig::default().registration_office)
            ),
            registered_on: Set(registered_on),
            rejection_reason: Set(None),
            change_note: Set(None),
            submitted_by: Set(actor),
            decided_by: Set(registered_on.map(|_| actor)),
            decided_at: Set(registered_on.map(|_| now)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            office_id: Set(Some(provincial)),
            decision: Set(registered_on.map(|_| wire::DecisionKind::Registered.as_str().to_owned())),
            decision_reasons: Set(None),
            verification_code: Set(registered_on.map(|_| crate::domain::offices::new_verification_code())),
        }
        .insert(txn)
        .await?;
    }
    months.sort();
    months.dedup();
    for m in months {
        recompute_month(txn, &m).await?;
    }
    Ok(())
}

//! Insertion: the generated set as rows, in chunks, with one member user per organisation.

use super::*;

/// Rows per `INSERT`: well under both databases' bind-parameter limits.
pub(super) const CHUNK: usize = 100;

/// Inserts the sample organisations (each with one admin user, password
/// [`crate::sample::DEMO_PASSWORD`]), achievements, needs, open calls and translations in
/// `txn`. Every column is set explicitly; timestamps are relative to now.
pub async fn load(
    txn: &DatabaseTransaction,
    today: NaiveDate,
    demo: &DemoOwners,
) -> anyhow::Result<SampleCounts> {
    let data = generate(today)?;
    let (demo_achievements, demo_needs) = demo_picks(&data);
    let achievement_owner = |i: usize| {
        demo.university
            .as_ref()
            .filter(|_| demo_achievements.contains(&i))
    };
    let need_owner = |i: usize| demo.enterprise.as_ref().filter(|_| demo_needs.contains(&i));
    let now = Utc::now();
    // Organisations joined before their oldest listing (published at most 180 days ago).
    let joined = now - Duration::days(200);
    let verified = now - Duration::days(190);

    let org_ids: Vec<sea_orm::prelude::Uuid> =
        data.organisations.iter().map(|_| new_uuid()).collect();
    let org_models: Vec<organisations::ActiveModel> = data
        .organisations
        .iter()
        .zip(&org_ids)
        .map(|(o, id)| organisations::ActiveModel {
            id: Set(*id),
            name: Set(o.name.to_owned()),
            name_en: Set(Some(o.name_en.to_owned())),
            kind: Set(o.kind.to_owned()),
            country: Set(o.country.to_owned()),
            region_code: Set(o.region_code.to_owned()),
            credit_code: Set(o.credit_code.clone()),
            state_funded: Set(o.state_funded),
            website: Set(None),
            description: Set(Some(
                "示例数据 Sample data: a fictional organisation.".to_owned(),
            )),
            verification_status: Set("verified".to_owned()),
            verification_note: Set(Some("sample data".to_owned())),
            verified_at: Set(Some(verified.into())),
            verified_by: Set(None),
            version: Set(1),
            created_at: Set(joined.into()),
            updated_at: Set(verified.into()),
        })
        .collect();
    for chunk in org_models.chunks(CHUNK) {
        organisations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let mut user_ids = Vec::with_capacity(org_ids.len());
    for (o, id) in data.organisations.iter().zip(&org_ids) {
        let user = listing::domain::accounts::add_member(
            txn,
            OrganisationId(*id),
            &o.email,
            &o.contact_name,
            crate::sample::DEMO_PASSWORD,
            OrgRole::Admin,
        )
        .await
        .map_err(|e| anyhow::anyhow!("Failed to create sample user {}: {e}", o.email))?;
        user_ids.push(user.id.0);
    }

    let stamps = |t: &Timing| {
        let published = now - Duration::minutes(t.published_minutes_ago);
        let submitted = published - Duration::minutes(t.review_minutes);
        let created = submitted - Duration::minutes(t.drafting_minutes);
        (created, submitted, published)
    };

    let achievement_ids: Vec<sea_orm::prelude::Uuid> =
        data.achievements.iter().map(|_| new_uuid()).collect();
    let achievement_models: Vec<achievements::ActiveModel> = data
        .achievements
        .iter()
        .zip(&achievement_ids)
        .enumerate()
        .map(|(i, (a, id))| {
            let owner = Owner::of(
                achievement_owner(i),
                &data.organisations[a.org],
                org_ids[a.org],
                user_ids[a.org],
            );
            let (created, submitted, published) = stamps(&a.timing);
            achievements::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                posted_by_organisation_id: Set(None),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                original_language: Set(a.text.language.clone()),
                title: Set(a.text.title.clone()),
                summary: Set(a.text.summary.clone()),
                description: Set(a.text.description.clone()),
                keywords: Set(serde_json::json!(a.text.keywords)),
                industry_code: Set(a.industry.clone()),
                ipc_codes: Set(serde_json::json!(a.ipc_codes)),
                ip_type: Set(a.ip_type.clone()),
                ip_numbers: Set(serde_json::json!(a.ip_numbers)),
                patent_status: Set(a.patent_status.clone()),
                trl: Set(a.trl),
                cooperation_modes: Set(serde_json::json!(a.cooperation_modes)),
                price_min_minor: Set(a.price.min_minor),
                price_max_minor: Set(a.price.max_minor),
                currency: Set(a.price.currency.clone()),
                price_negotiable: Set(a.price.negotiable),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(a.cross_border),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(a.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in achievement_models.chunks(CHUNK) {
        achievements::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let need_ids: Vec<sea_orm::prelude::Uuid> = data.needs.iter().map(|_| new_uuid()).collect();
    let need_models: Vec<needs::ActiveModel> = data
        .needs
        .iter()
        .zip(&need_ids)
        .enumerate()
        .map(|(i, (n, id))| {
            let owner = Owner::of(
                need_owner(i),
                &data.organisations[n.org],
                org_ids[n.org],
                user_ids[n.org],
            );
            let (created, submitted, published) = stamps(&n.timing);
            needs::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                posted_by_organisation_id: Set(None),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                kind: Set(n.kind.clone()),
                original_language: Set(n.text.language.clone()),
                title: Set(n.text.title.clone()),
                summary: Set(n.text.summary.clone()),
                description: Set(n.text.description.clone()),
                keywords: Set(serde_json::json!(n.text.keywords)),
                industry_code: Set(n.industry.clone()),
                ipc_codes: Set(serde_json::json!(n.ipc_codes)),
                min_trl: Set(n.min_trl),
                budget_min_minor: Set(n.budget.min_minor),
                budget_max_minor: Set(n.budget.max_minor),
                currency: Set(n.budget.currency.clone()),
                budget_negotiable: Set(n.budget.negotiable),
                cooperation_modes: Set(serde_json::json!(n.cooperation_modes)),
                deadline: Set(n.deadline),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(n.cross_border),
                bounty_minor: Set(n.bounty_minor),
                bounty_currency: Set(n.bounty_currency.clone()),
                eligibility: Set(n.eligibility.clone()),
                awarded_application_id: Set(None),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(n.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in need_models.chunks(CHUNK) {
        needs::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let translation_models: Vec<listing_translations::ActiveModel> = data
        .translations
        .iter()
        .map(|t| {
            let (kind, listing_id, org, published_ago) = match t.listing {
                ListingRef::Achievement(i) => {
                    let a = &data.achievements[i];
                    (
                        ListingKind::Achievement.as_str(),
                        achievement_ids[i],
                        a.org,
                        a.timing.published_minutes_ago,
                    )
                }
                ListingRef::Need(i) => {
                    let n = &data.needs[i];
                    (
                        ListingKind::Need.as_str(),
                        need_ids[i],
                        n.org,
                        n.timing.published_minutes_ago,
                    )
                }
            };
            let at = now - Duration::minutes(published_ago);
            listing_translations::ActiveModel {
                id: Set(new_uuid()),
                listing_kind: Set(kind.to_owned()),
                listing_id: Set(listing_id),
                language: Set(t.text.language.clone()),
                title: Set(t.text.title.clone()),
                summary: Set(t.text.summary.clone()),
                description: Set(t.text.description.clone()),
                keywords: Set(serde_json::json!(t.text.keywords)),
                provenance: Set(t.provenance.to_owned()),
                translated_by: Set(
                    (t.provenance == Provenance::Human.as_str()).then(|| user_ids[org])
                ),
                version: Set(1),
                created_at: Set(at.into()),
                updated_at: Set(at.into()),
            }
        })
        .collect();
    for chunk in translation_models.chunks(CHUNK) {
        listing_translations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    Ok(counts(&data))
}

//! What a university's technology-transfer office needs (issue #15): an achievement's inventors
//! and the share granted to them (赋权), income-distribution rules and the append-only ledger
//! each paid payment splits into (收益分配), third-party evaluations (成果评价), the price and
//! how it was set on a deal's publicity entry, and tiered disclosure (a dossier behind
//! access requests, NDA acceptance and an access log).
//!
//! Owners: listing writes inventors, grants, evaluations and the disclosure tables; deal writes
//! rules, the ledger and deal prices. Ledger rows copy what they were computed from (inventor
//! name, user, basis points) so later edits of inventors or rules never rewrite history, which
//! is also why they have no foreign key to the inventors.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, minor_units, timestamp_now, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AchievementInventors::Table)
                    .col(pk_uuid(AchievementInventors::Id))
                    .col(uuid(AchievementInventors::AchievementId))
                    // Order on the achievement; unique, so two concurrent replacements of the
                    // list cannot interleave (the second fails on the index).
                    .col(integer(AchievementInventors::Position))
                    .col(string_len(AchievementInventors::Name, 100))
                    // A platform user, so the inventor can read their own statement.
                    .col(uuid_null(AchievementInventors::UserId))
                    .col(string_len_null(AchievementInventors::Affiliation, 200))
                    // Share of the inventors' part, in basis points; an achievement's sum 10,000.
                    .col(integer(AchievementInventors::ShareBp))
                    .col(timestamp_now(AchievementInventors::CreatedAt))
                    .foreign_key(&mut fk(
                        AchievementInventors::Table,
                        AchievementInventors::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("achievement_inventors_position_key")
                    .table(AchievementInventors::Table)
                    .col(AchievementInventors::AchievementId)
                    .col(AchievementInventors::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("achievement_inventors_user_idx")
                    .table(AchievementInventors::Table)
                    .col(AchievementInventors::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AchievementGrants::Table)
                    .col(uuid(AchievementGrants::AchievementId).primary_key())
                    // ownership | long_term_use
                    .col(string_len(AchievementGrants::Kind, 32))
                    .col(integer(AchievementGrants::ShareBp))
                    .col(date(AchievementGrants::GrantedOn))
                    .col(uuid(AchievementGrants::UpdatedBy))
                    .col(timestamp_now(AchievementGrants::UpdatedAt))
                    .foreign_key(&mut fk(
                        AchievementGrants::Table,
                        AchievementGrants::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DistributionRules::Table)
                    // The organisation's id for its default rule, an achievement's id for an
                    // override: one key, so "one rule per scope" is the primary key (a unique
                    // index over a nullable achievement column would let NULLs repeat).
                    .col(uuid(DistributionRules::ScopeId).primary_key())
                    .col(uuid(DistributionRules::OrganisationId))
                    .col(uuid_null(DistributionRules::AchievementId))
                    .col(integer(DistributionRules::InventorsBp))
                    .col(integer(DistributionRules::CollegeBp))
                    .col(integer(DistributionRules::TransferOfficeBp))
                    .col(integer(DistributionRules::UniversityBp))
                    .col(integer(DistributionRules::BrokerBp))
                    .col(version(DistributionRules::Version))
                    .col(uuid(DistributionRules::UpdatedBy))
                    .col(timestamp_now(DistributionRules::UpdatedAt))
                    .foreign_key(&mut fk(
                        DistributionRules::Table,
                        DistributionRules::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DistributionLines::Table)
                    .col(pk_uuid(DistributionLines::Id))
                    .col(uuid(DistributionLines::PaymentId))
                    .col(uuid(DistributionLines::ContractId))
                    .col(uuid(DistributionLines::AchievementId))
                    .col(uuid(DistributionLines::OrganisationId))
                    // Deterministic numbering within a payment; unique, so a split runs once.
                    .col(integer(DistributionLines::LineNo))
                    // inventor | inventors | college | transfer_office | university | broker
                    .col(string_len(DistributionLines::Recipient, 32))
                    .col(uuid_null(DistributionLines::InventorId))
                    .col(uuid_null(DistributionLines::InventorUserId))
                    .col(string_len_null(DistributionLines::InventorName, 100))
                    // Share of the payment (parts) or of the inventors' part (inventors).
                    .col(integer(DistributionLines::ShareBp))
                    .col(minor_units(DistributionLines::AmountMinor))
                    .col(string_len(DistributionLines::Currency, 3))
                    .col(date(DistributionLines::PaidOn))
                    .col(timestamp_now(DistributionLines::CreatedAt))
                    .foreign_key(&mut fk(
                        DistributionLines::Table,
                        DistributionLines::PaymentId,
                        Payments::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("distribution_lines_payment_line_key")
                    .table(DistributionLines::Table)
                    .col(DistributionLines::PaymentId)
                    .col(DistributionLines::LineNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("distribution_lines_org_paid_idx")
                    .table(DistributionLines::Table)
                    .col(DistributionLines::OrganisationId)
                    .col(DistributionLines::PaidOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("distribution_lines_inventor_user_idx")
                    .table(DistributionLines::Table)
                    .col(DistributionLines::InventorUserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AchievementEvaluations::Table)
                    .col(pk_uuid(AchievementEvaluations::Id))
                    .col(uuid(AchievementEvaluations::AchievementId))
                    .col(string_len(AchievementEvaluations::Evaluator, 200))
                    // income | market | cost | expert_review | other
                    .col(string_len(AchievementEvaluations::Method, 32))
                    .col(date(AchievementEvaluations::EvaluatedOn))
                    .col(big_integer_null(AchievementEvaluations::ValueMinMinor))
                    .col(big_integer_null(AchievementEvaluations::ValueMaxMinor))
                    .col(string_len_null(AchievementEvaluations::Currency, 3))
                    .col(string_len_null(AchievementEvaluations::Grade, 32))
                    .col(text_null(AchievementEvaluations::Summary))
                    .col(uuid(AchievementEvaluations::CreatedBy))
                    .col(timestamp_now(AchievementEvaluations::CreatedAt))
                    .foreign_key(&mut fk(
                        AchievementEvaluations::Table,
                        AchievementEvaluations::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("achievement_evaluations_achievement_idx")
                    .table(AchievementEvaluations::Table)
                    .col(AchievementEvaluations::AchievementId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DealPrices::Table)
                    .col(uuid(DealPrices::DealId).primary_key())
                    .col(minor_units(DealPrices::AmountMinor))
                    .col(string_len(DealPrices::Currency, 3))
                    // negotiated | evaluated | listed | auction
                    .col(string_len(DealPrices::Method, 32))
                    .col(uuid_null(DealPrices::EvaluationId))
                    .col(uuid(DealPrices::SetBy))
                    .col(timestamp_now(DealPrices::UpdatedAt))
                    .foreign_key(&mut fk(
                        DealPrices::Table,
                        DealPrices::DealId,
                        Deals::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ListingDisclosures::Table)
                    .col(uuid(ListingDisclosures::AchievementId).primary_key())
                    // Shown to signed-in members of verified organisations.
                    .col(text(ListingDisclosures::VerifiedText))
                    // The confidential dossier: never indexed, read only with access.
                    .col(text(ListingDisclosures::DossierText))
                    // none | nda | approval
                    .col(string_len(ListingDisclosures::Terms, 32))
                    .col(text_null(ListingDisclosures::NdaText))
                    .col(version(ListingDisclosures::Version))
                    .col(uuid(ListingDisclosures::UpdatedBy))
                    .col(timestamp_now(ListingDisclosures::UpdatedAt))
                    .foreign_key(&mut fk(
                        ListingDisclosures::Table,
                        ListingDisclosures::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DossierAccess::Table)
                    .col(pk_uuid(DossierAccess::Id))
                    .col(uuid(DossierAccess::AchievementId))
                    .col(uuid(DossierAccess::OrganisationId))
                    // requested | granted | refused | revoked
                    .col(string_len(DossierAccess::Status, 32))
                    .col(uuid(DossierAccess::RequestedBy))
                    .col(timestamp_now(DossierAccess::RequestedAt))
                    .col(text_null(DossierAccess::Message))
                    .col(uuid_null(DossierAccess::DecidedBy))
                    .col(timestamp_with_time_zone_null(DossierAccess::DecidedAt))
                    // The click-through NDA as accepted: the SHA-256 of the exact text, who,
                    // when and from where.
                    .col(string_len_null(DossierAccess::NdaSha256, 64))
                    .col(uuid_null(DossierAccess::NdaAcceptedBy))
                    .col(timestamp_with_time_zone_null(DossierAccess::NdaAcceptedAt))
                    .col(string_len_null(DossierAccess::ClientAddr, 64))
                    .col(version(DossierAccess::Version))
                    .foreign_key(&mut fk(
                        DossierAccess::Table,
                        DossierAccess::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        DossierAccess::Table,
                        DossierAccess::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One access record per organisation and listing: two concurrent requests cannot both
        // create one.
        manager
            .create_index(
                Index::create()
                    .name("dossier_access_listing_org_key")
                    .table(DossierAccess::Table)
                    .col(DossierAccess::AchievementId)
                    .col(DossierAccess::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DossierViews::Table)
                    .col(pk_uuid(DossierViews::Id))
                    .col(uuid(DossierViews::AchievementId))
                    .col(uuid(DossierViews::OrganisationId))
                    .col(uuid(DossierViews::UserId))
                    // view | download
                    .col(string_len(DossierViews::Action, 16))
                    .col(string_len_null(DossierViews::ClientAddr, 64))
                    .col(timestamp_now(DossierViews::ViewedAt))
                    .foreign_key(&mut fk(
                        DossierViews::Table,
                        DossierViews::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("dossier_views_achievement_idx")
                    .table(DossierViews::Table)
                    .col(DossierViews::AchievementId)
                    .col(DossierViews::ViewedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DossierViews::Table.into_iden(),
            DossierAccess::Table.into_iden(),
            ListingDisclosures::Table.into_iden(),
            DealPrices::Table.into_iden(),
            AchievementEvaluations::Table.into_iden(),
            DistributionLines::Table.into_iden(),
            DistributionRules::Table.into_iden(),
            AchievementGrants::Table.into_iden(),
            AchievementInventors::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
}

#[derive(DeriveIden)]
enum Deals {
    Table,
}

#[derive(DeriveIden)]
enum AchievementInventors {
    Table,
    Id,
    AchievementId,
    Position,
    Name,
    UserId,
    Affiliation,
    ShareBp,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AchievementGrants {
    Table,
    AchievementId,
    Kind,
    ShareBp,
    GrantedOn,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DistributionRules {
    Table,
    ScopeId,
    OrganisationId,
    AchievementId,
    InventorsBp,
    CollegeBp,
    TransferOfficeBp,
    UniversityBp,
    BrokerBp,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DistributionLines {
    Table,
    Id,
    PaymentId,
    ContractId,
    AchievementId,
    OrganisationId,
    LineNo,
    Recipient,
    InventorId,
    InventorUserId,
    InventorName,
    ShareBp,
    AmountMinor,
    Currency,
    PaidOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AchievementEvaluations {
    Table,
    Id,
    AchievementId,
    Evaluator,
    Method,
    EvaluatedOn,
    ValueMinMinor,
    ValueMaxMinor,
    Currency,
    Grade,
    Summary,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DealPrices {
    Table,
    DealId,
    AmountMinor,
    Currency,
    Method,
    EvaluationId,
    SetBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListingDisclosures {
    Table,
    AchievementId,
    VerifiedText,
    DossierText,
    Terms,
    NdaText,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DossierAccess {
    Table,
    Id,
    AchievementId,
    OrganisationId,
    Status,
    RequestedBy,
    RequestedAt,
    Message,
    DecidedBy,
    DecidedAt,
    NdaSha256,
    NdaAcceptedBy,
    NdaAcceptedAt,
    ClientAddr,
    Version,
}

#[derive(DeriveIden)]
enum DossierViews {
    Table,
    Id,
    AchievementId,
    OrganisationId,
    UserId,
    Action,
    ClientAddr,
    ViewedAt,
}

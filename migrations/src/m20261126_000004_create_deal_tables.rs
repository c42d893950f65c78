//! Tables the deal service owns: brokers, deals with their timeline, assignments and
//! attribution ledger, technology contracts with cost lines, milestones and payments,
//! registrations (认定登记), exchange rates, targets and the turnover rollups.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, minor_units, timestamp_now, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Brokers::Table)
                    .col(pk_uuid(Brokers::Id))
                    .col(uuid(Brokers::UserId))
                    .col(uuid_null(Brokers::OrganisationId))
                    .col(string_len(Brokers::DisplayName, 120))
                    // junior | intermediate | senior (初级 / 中级 / 高级)
                    .col(string_len(Brokers::CertificationLevel, 16))
                    .col(string_len_null(Brokers::CertificateNumber, 64))
                    .col(json_binary(Brokers::Fields))
                    .col(json_binary(Brokers::Regions))
                    .col(json_binary(Brokers::Languages))
                    .col(text_null(Brokers::Bio))
                    .col(string_len(Brokers::VerificationStatus, 16).default("pending"))
                    .col(text_null(Brokers::VerificationNote))
                    .col(timestamp_with_time_zone_null(Brokers::VerifiedAt))
                    .col(uuid_null(Brokers::VerifiedBy))
                    .col(version(Brokers::Version))
                    .col(timestamp_now(Brokers::CreatedAt))
                    .col(timestamp_now(Brokers::UpdatedAt))
                    .foreign_key(&mut fk(
                        Brokers::Table,
                        Brokers::UserId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "brokers_user_uniq",
            Brokers::Table,
            vec![Brokers::UserId.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deals::Table)
                    .col(pk_uuid(Deals::Id))
                    .col(string_len(Deals::Title, 200))
                    // match | inquiry | open_call
                    .col(string_len(Deals::Origin, 16))
                    // negotiated | fixed_price | open_call
                    .col(string_len(Deals::Mode, 16))
                    .col(uuid_null(Deals::MatchId))
                    .col(uuid_null(Deals::AchievementId))
                    .col(uuid_null(Deals::NeedId))
                    .col(uuid_null(Deals::OpenCallApplicationId))
                    .col(uuid(Deals::SellerOrganisationId))
                    .col(uuid(Deals::BuyerOrganisationId))
                    // lead | contacted | nda | negotiating | agreed | signed | registered | closed | lost
                    .col(string_len(Deals::Stage, 16).default("lead"))
                    .col(text_null(Deals::LostReason))
                    .col(date_null(Deals::PublicityStartsOn))
                    .col(date_null(Deals::PublicityEndsOn))
                    .col(uuid(Deals::CreatedBy))
                    .col(timestamp_with_time_zone_null(Deals::ClosedAt))
                    .col(version(Deals::Version))
                    .col(timestamp_now(Deals::CreatedAt))
                    .col(timestamp_now(Deals::UpdatedAt))
                    .foreign_key(&mut fk(
                        Deals::Table,
                        Deals::SellerOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Deals::Table,
                        Deals::BuyerOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "deals_stage_idx",
            Deals::Table,
            vec![Deals::Stage.into_iden()],
            false,
        )
        .await?;

        // Who works a deal now and who did before: rows are closed, never deleted.
        manager
            .create_table(
                Table::create()
                    .table(DealBrokers::Table)
                    .col(pk_uuid(DealBrokers::Id))
                    .col(uuid(DealBrokers::DealId))
                    .col(uuid(DealBrokers::BrokerId))
                    .col(uuid(DealBrokers::AssignedBy))
                    .col(timestamp_now(DealBrokers::AssignedAt))
                    .col(timestamp_with_time_zone_null(DealBrokers::UnassignedAt))
                    .foreign_key(&mut fk(
                        DealBrokers::Table,
                        DealBrokers::DealId,
                        Deals::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        DealBrokers::Table,
                        DealBrokers::BrokerId,
                        Brokers::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "deal_brokers_broker_idx",
            DealBrokers::Table,
            vec![DealBrokers::BrokerId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DealEvents::Table)
                    .col(pk_uuid(DealEvents::Id))
                    .col(uuid(DealEvents::DealId))
                    .col(uuid_null(DealEvents::ActorId))
                    // note | stage_changed | broker_assigned | broker_unassigned | objection | ...
                    .col(string_len(DealEvents::Kind, 32))
                    .col(text_null(DealEvents::Body))
                    .col(json_binary(DealEvents::Data))
                    .col(timestamp_now(DealEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        DealEvents::Table,
                        DealEvents::DealId,
                        Deals::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "deal_events_deal_idx",
            DealEvents::Table,
            vec![
                DealEvents::DealId.into_iden(),
                DealEvents::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        // Append-only: who introduced whom and when. Reward schemes read it.
        manager
            .create_table(
                Table::create()
                    .table(Attributions::Table)
                    .col(pk_uuid(Attributions::Id))
                    .col(uuid(Attributions::DealId))
                    .col(uuid(Attributions::BrokerId))
                    // introducer | co_broker | closer
                    .col(string_len(Attributions::Role, 16))
                    .col(uuid_null(Attributions::IntroducedOrganisationId))
                    .col(text_null(Attributions::Note))
                    .col(uuid(Attributions::RecordedBy))
                    .col(timestamp_now(Attributions::CreatedAt))
                    .foreign_key(&mut fk(
                        Attributions::Table,
                        Attributions::DealId,
                        Deals::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Attributions::Table,
                        Attributions::BrokerId,
                        Brokers::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FxRates::Table)
                    .col(pk_uuid(FxRates::Id))
                    .col(string_len(FxRates::Currency, 3))
                    .col(date(FxRates::RateDate))
                    // CNY per one unit of `currency`, as an exact decimal string ("0.2016").
                    .col(string_len(FxRates::CnyPerUnit, 40))
                    .col(string_len(FxRates::Source, 200))
                    .col(timestamp_now(FxRates::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "fx_rates_currency_date_uniq",
            FxRates::Table,
            vec![FxRates::Currency.into_iden(), FxRates::RateDate.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contracts::Table)
                    .col(pk_uuid(Contracts::Id))
                    .col(uuid_null(Contracts::DealId))
                    .col(string_len(Contracts::ContractNumber, 64))
                    .col(string_len(Contracts::Title, 200))
                    // development | transfer | licence | consulting | service
                    .col(string_len(Contracts::ContractType, 16))
                    .col(string_len(Contracts::Subtype, 32))
                    // exclusive | sole | non_exclusive, for licences
                    .col(string_len_null(Contracts::LicenceScope, 16))
                    .col(uuid(Contracts::SellerOrganisationId))
                    .col(uuid(Contracts::BuyerOrganisationId))
                    .col(uuid_null(Contracts::IntermediaryOrganisationId))
                    .col(date(Contracts::SignedOn))
                    .col(date_null(Contracts::ValidFrom))
                    .col(date_null(Contracts::ValidUntil))
                    .col(string_len(Contracts::Currency, 3))
                    .col(minor_units(Contracts::ContractAmountMinor))
                    .col(minor_units(Contracts::TechAmountMinor))
                    .col(uuid_null(Contracts::FxRateId))
                    .col(string_len_null(Contracts::FxRate, 40))
                    .col(minor_units(Contracts::ContractAmountCnyMinor))
                    .col(minor_units(Contracts::TechAmountCnyMinor))
                    .col(string_len(Contracts::SellerCountry, 2))
                    .col(string_len(Contracts::SellerRegionCode, 16))
                    .col(string_len(Contracts::BuyerCountry, 2))
                    .col(string_len(Contracts::BuyerRegionCode, 16))
                    .col(string_len(Contracts::IndustryCode, 64))
                    .col(string_len_null(Contracts::IpType, 32))
                    .col(uuid_null(Contracts::AchievementId))
                    .col(uuid_null(Contracts::NeedId))
                    // draft | signed | cancelled; registration state lives in registrations
                    .col(string_len(Contracts::Status, 16).default("signed"))
                    .col(uuid(Contracts::CreatedBy))
                    .col(version(Contracts::Version))
                    .col(timestamp_now(Contracts::CreatedAt))
                    .col(timestamp_now(Contracts::UpdatedAt))
                    .foreign_key(&mut fk(
                        Contracts::Table,
                        Contracts::DealId,
                        Deals::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Contracts::Table,
                        Contracts::SellerOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Contracts::Table,
                        Contracts::BuyerOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Contracts::Table,
                        Contracts::FxRateId,
                        FxRates::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "contracts_number_uniq",
            Contracts::Table,
            vec![Contracts::ContractNumber.into_iden()],
            true,
        )
        .await?;

        // The non-technical parts (equipment, materials, ...) that make the contract amount
        // larger than the technology transaction amount.
        manager
            .create_table(
                Table::create()
                    .table(ContractCostLines::Table)
                    .col(pk_uuid(ContractCostLines::Id))
                    .col(uuid(ContractCostLines::ContractId))
                    .col(string_len(ContractCostLines::Kind, 32))
                    .col(string_len(ContractCostLines::Description, 300))
                    .col(minor_units(ContractCostLines::AmountMinor))
                    .foreign_key(&mut fk(
                        ContractCostLines::Table,
                        ContractCostLines::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        // Brokers the contract names: reward schemes pay only these.
        manager
            .create_table(
                Table::create()
                    .table(ContractBrokers::Table)
                    .col(pk_uuid(ContractBrokers::Id))
                    .col(uuid(ContractBrokers::ContractId))
                    .col(uuid(ContractBrokers::BrokerId))
                    .col(string_len(ContractBrokers::Role, 16))
                    .foreign_key(&mut fk(
                        ContractBrokers::Table,
                        ContractBrokers::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ContractBrokers::Table,
                        ContractBrokers::BrokerId,
                        Brokers::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(pk_uuid(Milestones::Id))
                    .col(uuid(Milestones::ContractId))
                    .col(string_len(Milestones::Title, 200))
                    .col(date_null(Milestones::DueOn))
                    .col(minor_units(Milestones::AmountMinor))
                    .col(string_len(Milestones::Currency, 3))
                    // pending | done
                    .col(string_len(Milestones::Status, 16).default("pending"))
                    .col(version(Milestones::Version))
                    .col(timestamp_now(Milestones::CreatedAt))
                    .foreign_key(&mut fk(
                        Milestones::Table,
                        Milestones::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(pk_uuid(Payments::Id))
                    .col(uuid(Payments::ContractId))
                    .col(uuid_null(Payments::MilestoneId))
                    .col(minor_units(Payments::AmountMinor))
                    .col(string_len(Payments::Currency, 3))
                    .col(date_null(Payments::DueOn))
                    .col(date_null(Payments::PaidOn))
                    // due | paid | cancelled
                    .col(string_len(Payments::Status, 16).default("due"))
                    .col(string_len_null(Payments::Reference, 120))
                    .col(uuid(Payments::CreatedBy))
                    .col(version(Payments::Version))
                    .col(timestamp_now(Payments::CreatedAt))
                    .foreign_key(&mut fk(
                        Payments::Table,
                        Payments::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(pk_uuid(Registrations::Id))
                    .col(uuid(Registrations::ContractId))
                    // submitted | registered | rejected | cancelled
                    .col(string_len(Registrations::Status, 16).default("submitted"))
                    .col(string_len_null(Registrations::RegistrationNumber, 64))
                    .col(string_len_null(Registrations::Office, 200))
                    .col(date_null(Registrations::RegisteredOn))
                    .col(text_null(Registrations::RejectionReason))
                    .col(text_null(Registrations::ChangeNote))
                    .col(uuid(Registrations::SubmittedBy))
                    .col(uuid_null(Registrations::DecidedBy))
                    .col(timestamp_with_time_zone_null(Registrations::DecidedAt))
                    .col(version(Registrations::Version))
                    .col(timestamp_now(Registrations::CreatedAt))
                    .col(timestamp_now(Registrations::UpdatedAt))
                    .foreign_key(&mut fk(
                        Registrations::Table,
                        Registrations::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "registrations_contract_uniq",
            Registrations::Table,
            vec![Registrations::ContractId.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "registrations_number_uniq",
            Registrations::Table,
            vec![Registrations::RegistrationNumber.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Targets::Table)
                    .col(pk_uuid(Targets::Id))
                    .col(integer(Targets::Year))
                    // contract_turnover | achievements_transferred | enterprises_served | brokers_trained
                    .col(string_len(Targets::Indicator, 48))
                    // fen for turnover, counts for the others
                    .col(big_integer(Targets::TargetValue))
                    .col(big_integer_null(Targets::BaselineValue))
                    .col(integer_null(Targets::BaselineYear))
                    .col(string_len(Targets::Unit, 16))
                    .col(string_len(Targets::Source, 300))
                    .col(version(Targets::Version))
                    .col(timestamp_now(Targets::CreatedAt))
                    .col(timestamp_now(Targets::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "targets_year_indicator_uniq",
            Targets::Table,
            vec![Targets::Year.into_iden(), Targets::Indicator.into_iden()],
            true,
        )
        .await?;

        // Registered turnover summed per month and dimension, kept by the statistics queue.
        manager
            .create_table(
                Table::create()
                    .table(TurnoverRollups::Table)
                    .col(pk_uuid(TurnoverRollups::Id))
                    .col(string_len(TurnoverRollups::Month, 7))
                    // output | absorption
                    .col(string_len(TurnoverRollups::Basis, 16))
                    .col(string_len(TurnoverRollups::RegionCode, 16))
                    .col(string_len(TurnoverRollups::Country, 2))
                    .col(string_len(TurnoverRollups::ContractType, 16))
                    .col(string_len(TurnoverRollups::IndustryCode, 64))
                    .col(big_integer(TurnoverRollups::ContractCount).default(0))
                    .col(minor_units(TurnoverRollups::ContractAmountCnyMinor))
                    .col(minor_units(TurnoverRollups::TechAmountCnyMinor))
                    .col(timestamp_now(TurnoverRollups::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "turnover_rollups_dims_uniq",
            TurnoverRollups::Table,
            vec![
                TurnoverRollups::Month.into_iden(),
                TurnoverRollups::Basis.into_iden(),
                TurnoverRollups::RegionCode.into_iden(),
                TurnoverRollups::Country.into_iden(),
                TurnoverRollups::ContractType.into_iden(),
                TurnoverRollups::IndustryCode.into_iden(),
            ],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TurnoverRollups::Table.into_iden(),
            Targets::Table.into_iden(),
            Registrations::Table.into_iden(),
            Payments::Table.into_iden(),
            Milestones::Table.into_iden(),
            ContractBrokers::Table.into_iden(),
            ContractCostLines::Table.into_iden(),
            Contracts::Table.into_iden(),
            FxRates::Table.into_iden(),
            Attributions::Table.into_iden(),
            DealEvents::Table.into_iden(),
            DealBrokers::Table.into_iden(),
            Deals::Table.into_iden(),
            Brokers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum Brokers {
    Table,
    Id,
    UserId,
    OrganisationId,
    DisplayName,
    CertificationLevel,
    CertificateNumber,
    Fields,
    Regions,
    Languages,
    Bio,
    VerificationStatus,
    VerificationNote,
    VerifiedAt,
    VerifiedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Deals {
    Table,
    Id,
    Title,
    Origin,
    Mode,
    MatchId,
    AchievementId,
    NeedId,
    OpenCallApplicationId,
    SellerOrganisationId,
    BuyerOrganisationId,
    Stage,
    LostReason,
    PublicityStartsOn,
    PublicityEndsOn,
    CreatedBy,
    ClosedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DealBrokers {
    Table,
    Id,
    DealId,
    BrokerId,
    AssignedBy,
    AssignedAt,
    UnassignedAt,
}

#[derive(DeriveIden)]
enum DealEvents {
    Table,
    Id,
    DealId,
    ActorId,
    Kind,
    Body,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attributions {
    Table,
    Id,
    DealId,
    BrokerId,
    Role,
    IntroducedOrganisationId,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FxRates {
    Table,
    Id,
    Currency,
    RateDate,
    CnyPerUnit,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    Id,
    DealId,
    ContractNumber,
    Title,
    ContractType,
    Subtype,
    LicenceScope,
    SellerOrganisationId,
    BuyerOrganisationId,
    IntermediaryOrganisationId,
    SignedOn,
    ValidFrom,
    ValidUntil,
    Currency,
    ContractAmountMinor,
    TechAmountMinor,
    FxRateId,
    FxRate,
    ContractAmountCnyMinor,
    TechAmountCnyMinor,
    SellerCountry,
    SellerRegionCode,
    BuyerCountry,
    BuyerRegionCode,
    IndustryCode,
    IpType,
    AchievementId,
    NeedId,
    Status,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContractCostLines {
    Table,
    Id,
    ContractId,
    Kind,
    Description,
    AmountMinor,
}

#[derive(DeriveIden)]
enum ContractBrokers {
    Table,
    Id,
    ContractId,
    BrokerId,
    Role,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    ContractId,
    Title,
    DueOn,
    AmountMinor,
    Currency,
    Status,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    ContractId,
    MilestoneId,
    AmountMinor,
    Currency,
    DueOn,
    PaidOn,
    Status,
    Reference,
    CreatedBy,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    ContractId,
    Status,
    RegistrationNumber,
    Office,
    RegisteredOn,
    RejectionReason,
    ChangeNote,
    SubmittedBy,
    DecidedBy,
    DecidedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Targets {
    Table,
    Id,
    Year,
    Indicator,
    TargetValue,
    BaselineValue,
    BaselineYear,
    Unit,
    Source,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TurnoverRollups {
    Table,
    Id,
    Month,
    Basis,
    RegionCode,
    Country,
    ContractType,
    IndustryCode,
    ContractCount,
    ContractAmountCnyMinor,
    TechAmountCnyMinor,
    UpdatedAt,
}

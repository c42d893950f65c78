//! Tables the listing service owns: organisations, people and their sessions, achievements,
//! needs and open calls, translations of both, and operator reviews.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, timestamp_now, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(pk_uuid(Organisations::Id))
                    .col(string_len(Organisations::Name, 200))
                    .col(string_len_null(Organisations::NameEn, 200))
                    // university | institute | enterprise | broker_agency | government | other
                    .col(string_len(Organisations::Kind, 32))
                    // ISO 3166-1 alpha-2: CN or an ASEAN member
                    .col(string_len(Organisations::Country, 2))
                    // GB/T 2260 code in China, the country code elsewhere
                    .col(string_len(Organisations::RegionCode, 16))
                    .col(string_len_null(Organisations::CreditCode, 18))
                    .col(boolean(Organisations::StateFunded).default(false))
                    .col(string_len_null(Organisations::Website, 300))
                    .col(text_null(Organisations::Description))
                    // pending | verified | rejected
                    .col(string_len(Organisations::VerificationStatus, 16).default("pending"))
                    .col(text_null(Organisations::VerificationNote))
                    .col(timestamp_with_time_zone_null(Organisations::VerifiedAt))
                    .col(uuid_null(Organisations::VerifiedBy))
                    .col(version(Organisations::Version))
                    .col(timestamp_now(Organisations::CreatedAt))
                    .col(timestamp_now(Organisations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("organisations_credit_code_uniq")
                    .table(Organisations::Table)
                    .col(Organisations::CreditCode)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 120))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(uuid_null(Users::OrganisationId))
                    // admin | member, when the user belongs to an organisation
                    .col(string_len_null(Users::OrgRole, 16))
                    .col(boolean(Users::IsOperator).default(false))
                    .col(string_len(Users::Locale, 16).default("zh"))
                    // active | disabled
                    .col(string_len(Users::Status, 16).default("active"))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(version(Users::Version))
                    .col(timestamp_now(Users::CreatedAt))
                    .col(timestamp_now(Users::UpdatedAt))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_email_uniq")
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Opaque bearer tokens: only the SHA-256 of the secret is stored.
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_uuid(ApiTokens::Id))
                    .col(uuid(ApiTokens::UserId))
                    .col(string_len(ApiTokens::TokenHash, 64))
                    .col(string_len(ApiTokens::Name, 64).default("session"))
                    .col(timestamp_now(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .foreign_key(&mut fk(
                        ApiTokens::Table,
                        ApiTokens::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_tokens_hash_uniq")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(pk_uuid(Invitations::Id))
                    .col(uuid(Invitations::OrganisationId))
                    .col(string_len(Invitations::Email, 254))
                    .col(string_len(Invitations::OrgRole, 16))
                    .col(string_len(Invitations::TokenHash, 64))
                    .col(uuid(Invitations::InvitedBy))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                    .col(timestamp_now(Invitations::CreatedAt))
                    .foreign_key(&mut fk(
                        Invitations::Table,
                        Invitations::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_token_hash_uniq")
                    .table(Invitations::Table)
                    .col(Invitations::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Achievements::Table)
                    .col(pk_uuid(Achievements::Id))
                    .col(uuid(Achievements::OrganisationId))
                    .col(uuid(Achievements::CreatedBy))
                    // draft | submitted | published | rejected | withdrawn | expired | closed
                    .col(string_len(Achievements::Status, 16).default("draft"))
                    .col(string_len(Achievements::OriginalLanguage, 8))
                    .col(string_len(Achievements::Title, 200))
                    .col(string_len(Achievements::Summary, 1000))
                    .col(text(Achievements::Description))
                    .col(json_binary(Achievements::Keywords))
                    .col(string_len(Achievements::IndustryCode, 64))
                    .col(json_binary(Achievements::IpcCodes))
                    .col(string_len(Achievements::IpType, 32))
                    .col(json_binary(Achievements::IpNumbers))
                    .col(string_len_null(Achievements::PatentStatus, 32))
                    .col(small_integer(Achievements::Trl))
                    .col(json_binary(Achievements::CooperationModes))
                    .col(big_integer_null(Achievements::PriceMinMinor))
                    .col(big_integer_null(Achievements::PriceMaxMinor))
                    .col(string_len_null(Achievements::Currency, 3))
                    .col(boolean(Achievements::PriceNegotiable).default(false))
                    .col(string_len(Achievements::Country, 2))
                    .col(string_len(Achievements::RegionCode, 16))
                    .col(boolean(Achievements::CrossBorder).default(false))
                    .col(string_len_null(Achievements::ContactName, 120))
                    .col(string_len_null(Achievements::ContactEmail, 254))
                    .col(string_len_null(Achievements::ContactPhone, 40))
                    .col(date_null(Achievements::ValidUntil))
                    .col(timestamp_with_time_zone_null(Achievements::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Achievements::PublishedAt))
                    .col(timestamp_with_time_zone_null(Achievements::ClosedAt))
                    .col(timestamp_with_time_zone_null(
                        Achievements::ExpiryRemindedAt,
                    ))
                    .col(version(Achievements::Version))
                    .col(timestamp_now(Achievements::CreatedAt))
                    .col(timestamp_now(Achievements::UpdatedAt))
                    .foreign_key(&mut fk(
                        Achievements::Table,
                        Achievements::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Achievements::Table,
                        Achievements::CreatedBy,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("achievements_org_idx", Achievements::OrganisationId),
            ("achievements_status_idx", Achievements::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Achievements::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Needs::Table)
                    .col(pk_uuid(Needs::Id))
                    .col(uuid(Needs::OrganisationId))
                    .col(uuid(Needs::CreatedBy))
                    .col(string_len(Needs::Status, 16).default("draft"))
                    // need | open_call (揭榜挂帅)
                    .col(string_len(Needs::Kind, 16).default("need"))
                    .col(string_len(Needs::OriginalLanguage, 8))
                    .col(string_len(Needs::Title, 200))
                    .col(string_len(Needs::Summary, 1000))
                    .col(text(Needs::Description))
                    .col(json_binary(Needs::Keywords))
                    .col(string_len(Needs::IndustryCode, 64))
                    .col(json_binary(Needs::IpcCodes))
                    .col(small_integer(Needs::MinTrl).default(1))
                    .col(big_integer_null(Needs::BudgetMinMinor))
                    .col(big_integer_null(Needs::BudgetMaxMinor))
                    .col(string_len_null(Needs::Currency, 3))
                    .col(boolean(Needs::BudgetNegotiable).default(false))
                    .col(json_binary(Needs::CooperationModes))
                    .col(date_null(Needs::Deadline))
                    .col(string_len(Needs::Country, 2))
                    .col(string_len(Needs::RegionCode, 16))
                    .col(boolean(Needs::CrossBorder).default(false))
                    .col(big_integer_null(Needs::BountyMinor))
                    .col(string_len_null(Needs::BountyCurrency, 3))
                    .col(text_null(Needs::Eligibility))
                    .col(uuid_null(Needs::AwardedApplicationId))
                    .col(string_len_null(Needs::ContactName, 120))
                    .col(string_len_null(Needs::ContactEmail, 254))
                    .col(string_len_null(Needs::ContactPhone, 40))
                    .col(date_null(Needs::ValidUntil))
                    .col(timestamp_with_time_zone_null(Needs::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Needs::PublishedAt))
                    .col(timestamp_with_time_zone_null(Needs::ClosedAt))
                    .col(timestamp_with_time_zone_null(Needs::ExpiryRemindedAt))
                    .col(version(Needs::Version))
                    .col(timestamp_now(Needs::CreatedAt))
                    .col(timestamp_now(Needs::UpdatedAt))
                    .foreign_key(&mut fk(
                        Needs::Table,
                        Needs::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Needs::Table,
                        Needs::CreatedBy,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("needs_org_idx", Needs::OrganisationId),
            ("needs_status_idx", Needs::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Needs::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OpenCallApplications::Table)
                    .col(pk_uuid(OpenCallApplications::Id))
                    .col(uuid(OpenCallApplications::NeedId))
                    .col(uuid(OpenCallApplications::OrganisationId))
                    .col(uuid(OpenCallApplications::SubmittedBy))
                    .col(text(OpenCallApplications::Proposal))
                    .col(uuid_null(OpenCallApplications::AchievementId))
                    // submitted | shortlisted | awarded | not_selected | withdrawn
                    .col(string_len(OpenCallApplications::Status, 16).default("submitted"))
                    .col(version(OpenCallApplications::Version))
                    .col(timestamp_now(OpenCallApplications::CreatedAt))
                    .col(timestamp_now(OpenCallApplications::UpdatedAt))
                    .foreign_key(&mut fk(
                        OpenCallApplications::Table,
                        OpenCallApplications::NeedId,
                        Needs::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        OpenCallApplications::Table,
                        OpenCallApplications::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("open_call_applications_need_org_uniq")
                    .table(OpenCallApplications::Table)
                    .col(OpenCallApplications::NeedId)
                    .col(OpenCallApplications::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Translations of either listing kind; the original language lives on the listing.
        manager
            .create_table(
                Table::create()
                    .table(ListingTranslations::Table)
                    .col(pk_uuid(ListingTranslations::Id))
                    // achievement | need
                    .col(string_len(ListingTranslations::ListingKind, 16))
                    .col(uuid(ListingTranslations::ListingId))
                    .col(string_len(ListingTranslations::Language, 8))
                    .col(string_len(ListingTranslations::Title, 200))
                    .col(string_len(ListingTranslations::Summary, 1000))
                    .col(text(ListingTranslations::Description))
                    .col(json_binary(ListingTranslations::Keywords))
                    // human | machine
                    .col(string_len(ListingTranslations::Provenance, 16))
                    .col(uuid_null(ListingTranslations::TranslatedBy))
                    .col(version(ListingTranslations::Version))
                    .col(timestamp_now(ListingTranslations::CreatedAt))
                    .col(timestamp_now(ListingTranslations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("listing_translations_listing_lang_uniq")
                    .table(ListingTranslations::Table)
                    .col(ListingTranslations::ListingKind)
                    .col(ListingTranslations::ListingId)
                    .col(ListingTranslations::Language)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ListingReviews::Table)
                    .col(pk_uuid(ListingReviews::Id))
                    .col(string_len(ListingReviews::ListingKind, 16))
                    .col(uuid(ListingReviews::ListingId))
                    .col(uuid(ListingReviews::ReviewerId))
                    // published | rejected
                    .col(string_len(ListingReviews::Decision, 16))
                    .col(text_null(ListingReviews::Reason))
                    .col(timestamp_now(ListingReviews::CreatedAt))
                    .foreign_key(&mut fk(
                        ListingReviews::Table,
                        ListingReviews::ReviewerId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("listing_reviews_listing_idx")
                    .table(ListingReviews::Table)
                    .col(ListingReviews::ListingKind)
                    .col(ListingReviews::ListingId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ListingReviews::Table.into_iden(),
            ListingTranslations::Table.into_iden(),
            OpenCallApplications::Table.into_iden(),
            Needs::Table.into_iden(),
            Achievements::Table.into_iden(),
            Invitations::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Users::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    NameEn,
    Kind,
    Country,
    RegionCode,
    CreditCode,
    StateFunded,
    Website,
    Description,
    VerificationStatus,
    VerificationNote,
    VerifiedAt,
    VerifiedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    OrganisationId,
    OrgRole,
    IsOperator,
    Locale,
    Status,
    LastLoginAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    Name,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    OrganisationId,
    Email,
    OrgRole,
    TokenHash,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    Id,
    OrganisationId,
    CreatedBy,
    Status,
    OriginalLanguage,
    Title,
    Summary,
    Description,
    Keywords,
    IndustryCode,
    IpcCodes,
    IpType,
    IpNumbers,
    PatentStatus,
    Trl,
    CooperationModes,
    PriceMinMinor,
    PriceMaxMinor,
    Currency,
    PriceNegotiable,
    Country,
    RegionCode,
    CrossBorder,
    ContactName,
    ContactEmail,
    ContactPhone,
    ValidUntil,
    SubmittedAt,
    PublishedAt,
    ClosedAt,
    ExpiryRemindedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Needs {
    Table,
    Id,
    OrganisationId,
    CreatedBy,
    Status,
    Kind,
    OriginalLanguage,
    Title,
    Summary,
    Description,
    Keywords,
    IndustryCode,
    IpcCodes,
    MinTrl,
    BudgetMinMinor,
    BudgetMaxMinor,
    Currency,
    BudgetNegotiable,
    CooperationModes,
    Deadline,
    Country,
    RegionCode,
    CrossBorder,
    BountyMinor,
    BountyCurrency,
    Eligibility,
    AwardedApplicationId,
    ContactName,
    ContactEmail,
    ContactPhone,
    ValidUntil,
    SubmittedAt,
    PublishedAt,
    ClosedAt,
    ExpiryRemindedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OpenCallApplications {
    Table,
    Id,
    NeedId,
    OrganisationId,
    SubmittedBy,
    Proposal,
    AchievementId,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListingTranslations {
    Table,
    Id,
    ListingKind,
    ListingId,
    Language,
    Title,
    Summary,
    Description,
    Keywords,
    Provenance,
    TranslatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListingReviews {
    Table,
    Id,
    ListingKind,
    ListingId,
    ReviewerId,
    Decision,
    Reason,
    CreatedAt,
}

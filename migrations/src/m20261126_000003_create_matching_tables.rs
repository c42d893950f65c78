//! Tables the matching service owns: computed matches with their features and reasons, the
//! feedback parties give on them, saved searches/alerts, and in-app notifications.

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
                    .table(Matches::Table)
                    .col(pk_uuid(Matches::Id))
                    .col(uuid(Matches::NeedId))
                    .col(uuid(Matches::AchievementId))
                    // Scores are rankings, not money: a double is the right type here.
                    .col(double(Matches::Score))
                    .col(json_binary(Matches::Features))
                    .col(json_binary(Matches::Reasons))
                    .col(string_len(Matches::EngineVersion, 32))
                    .col(timestamp_now(Matches::ComputedAt))
                    // new | shortlisted | dismissed | contacted | converted, per party
                    .col(string_len(Matches::NeedSideStatus, 16).default("new"))
                    .col(string_len(Matches::AchievementSideStatus, 16).default("new"))
                    .col(timestamp_with_time_zone_null(Matches::RetiredAt))
                    .col(version(Matches::Version))
                    .col(timestamp_now(Matches::CreatedAt))
                    .col(timestamp_now(Matches::UpdatedAt))
                    .foreign_key(&mut fk(
                        Matches::Table,
                        Matches::NeedId,
                        Needs::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Matches::Table,
                        Matches::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matches_need_achievement_uniq")
                    .table(Matches::Table)
                    .col(Matches::NeedId)
                    .col(Matches::AchievementId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matches_achievement_idx")
                    .table(Matches::Table)
                    .col(Matches::AchievementId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MatchFeedback::Table)
                    .col(pk_uuid(MatchFeedback::Id))
                    .col(uuid(MatchFeedback::MatchId))
                    .col(uuid(MatchFeedback::GivenBy))
                    .col(uuid_null(MatchFeedback::GivenByOrganisationId))
                    // need_owner | achievement_owner | broker
                    .col(string_len(MatchFeedback::Party, 24))
                    // good | poor
                    .col(string_len(MatchFeedback::Verdict, 8))
                    // too_early | benefit_unclear | price | ip_unclear | not_relevant | other
                    .col(string_len_null(MatchFeedback::Reason, 24))
                    .col(text_null(MatchFeedback::Comment))
                    .col(timestamp_with_time_zone_null(MatchFeedback::SeenByOwnerAt))
                    .col(timestamp_now(MatchFeedback::CreatedAt))
                    .foreign_key(&mut fk(
                        MatchFeedback::Table,
                        MatchFeedback::MatchId,
                        Matches::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SavedSearches::Table)
                    .col(pk_uuid(SavedSearches::Id))
                    .col(uuid(SavedSearches::UserId))
                    .col(string_len(SavedSearches::Name, 120))
                    // search | new_matches
                    .col(string_len(SavedSearches::AlertKind, 16))
                    .col(text_null(SavedSearches::Query))
                    .col(json_binary(SavedSearches::Filters))
                    .col(string_len_null(SavedSearches::ListingKind, 16))
                    .col(uuid_null(SavedSearches::ListingId))
                    .col(boolean(SavedSearches::EmailEnabled).default(false))
                    .col(timestamp_with_time_zone_null(SavedSearches::LastNotifiedAt))
                    .col(version(SavedSearches::Version))
                    .col(timestamp_now(SavedSearches::CreatedAt))
                    .col(timestamp_now(SavedSearches::UpdatedAt))
                    .foreign_key(&mut fk(
                        SavedSearches::Table,
                        SavedSearches::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_uuid(Notifications::Id))
                    .col(uuid(Notifications::UserId))
                    .col(string_len(Notifications::Kind, 48))
                    .col(string_len(Notifications::Title, 300))
                    .col(text(Notifications::Body))
                    .col(string_len_null(Notifications::Link, 500))
                    .col(json_binary(Notifications::Payload))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone_null(Notifications::EmailedAt))
                    .col(timestamp_now(Notifications::CreatedAt))
                    .foreign_key(&mut fk(
                        Notifications::Table,
                        Notifications::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_user_idx")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            SavedSearches::Table.into_iden(),
            MatchFeedback::Table.into_iden(),
            Matches::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Needs {
    Table,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
    NeedId,
    AchievementId,
    Score,
    Features,
    Reasons,
    EngineVersion,
    ComputedAt,
    NeedSideStatus,
    AchievementSideStatus,
    RetiredAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MatchFeedback {
    Table,
    Id,
    MatchId,
    GivenBy,
    GivenByOrganisationId,
    Party,
    Verdict,
    Reason,
    Comment,
    SeenByOwnerAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SavedSearches {
    Table,
    Id,
    UserId,
    Name,
    AlertKind,
    Query,
    Filters,
    ListingKind,
    ListingId,
    EmailEnabled,
    LastNotifiedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    Payload,
    ReadAt,
    EmailedAt,
    CreatedAt,
}

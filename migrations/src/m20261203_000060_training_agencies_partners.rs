//! Issue 16, the listing and deal parts that are not services or vouchers:
//!
//! - `partner_countries` (owned by listing): countries an operator added to those the
//!   configuration serves (`countries.served`), each with its partner group (RCEP, Belt and
//!   Road, other) — who may register, and how statistics group counterparts.
//! - `agency_consents` (owned by listing): a client organisation's consent that a broker
//!   agency posts and manages listings for it; one row per agency and client, granted again
//!   after a withdrawal, so two grants at once cannot make two consents.
//! - `achievements.posted_by_organisation_id`, `needs.posted_by_organisation_id`: the agency
//!   that posted a listing owned by its client (null when the owner posted it).
//! - `training_courses`, `training_classes`, `training_attendance`, `broker_certificates`
//!   (owned by deal): broker training (技术经理人培训) and the certificates it leads to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, timestamp_now, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_partner_countries(manager).await?;
        create_agency_consents(manager).await?;
        add_posted_by(manager).await?;
        create_training(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BrokerCertificates::Table.into_iden(),
            TrainingAttendance::Table.into_iden(),
            TrainingClasses::Table.into_iden(),
            TrainingCourses::Table.into_iden(),
            AgencyConsents::Table.into_iden(),
            PartnerCountries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for table in [Achievements::Table.into_iden(), Needs::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Achievements::PostedByOrganisationId)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

async fn create_partner_countries(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(PartnerCountries::Table)
                // ISO 3166-1 alpha-2.
                .col(string_len(PartnerCountries::Code, 2).primary_key())
                // wire::PartnerGroup: rcep | belt_and_road | other
                .col(string_len(PartnerCountries::PartnerGroup, 16))
                .col(string_len(PartnerCountries::NameZh, 100))
                .col(string_len(PartnerCountries::NameEn, 100))
                .col(uuid(PartnerCountries::AddedBy))
                .col(timestamp_now(PartnerCountries::AddedAt))
                .foreign_key(&mut fk(
                    PartnerCountries::Table,
                    PartnerCountries::AddedBy,
                    Users::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await
}

async fn create_agency_consents(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AgencyConsents::Table)
                .col(pk_uuid(AgencyConsents::Id))
                .col(uuid(AgencyConsents::AgencyOrganisationId))
                .col(uuid(AgencyConsents::ClientOrganisationId))
                // wire::AgencyScope: achievements | needs | all
                .col(string_len(AgencyConsents::Scope, 16))
                .col(uuid(AgencyConsents::GrantedBy))
                .col(timestamp_now(AgencyConsents::GrantedAt))
                .col(uuid_null(AgencyConsents::WithdrawnBy))
                .col(timestamp_with_time_zone_null(AgencyConsents::WithdrawnAt))
                .col(version(AgencyConsents::Version))
                .foreign_key(&mut fk(
                    AgencyConsents::Table,
                    AgencyConsents::AgencyOrganisationId,
                    Organisations::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    AgencyConsents::Table,
                    AgencyConsents::ClientOrganisationId,
                    Organisations::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("agency_consents_pair_uniq")
                .table(AgencyConsents::Table)
                .col(AgencyConsents::AgencyOrganisationId)
                .col(AgencyConsents::ClientOrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("agency_consents_client_idx")
                .table(AgencyConsents::Table)
                .col(AgencyConsents::ClientOrganisationId)
                .to_owned(),
        )
        .await
}

async fn add_posted_by(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for table in [Achievements::Table.into_iden(), Needs::Table.into_iden()] {
        manager
            .alter_table(
                Table::alter()
                    .table(table)
                    .add_column(uuid_null(Achievements::PostedByOrganisationId))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

async fn create_training(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(TrainingCourses::Table)
                .col(pk_uuid(TrainingCourses::Id))
                .col(string_len(TrainingCourses::Title, 200))
                .col(string_len(TrainingCourses::Provider, 200))
                .col(integer(TrainingCourses::Hours))
                .col(uuid(TrainingCourses::CreatedBy))
                .col(timestamp_now(TrainingCourses::CreatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(TrainingClasses::Table)
                .col(pk_uuid(TrainingClasses::Id))
                .col(uuid(TrainingClasses::CourseId))
                .col(date(TrainingClasses::StartsOn))
                .col(date(TrainingClasses::EndsOn))
                .col(string_len(TrainingClasses::Place, 200))
                .col(uuid(TrainingClasses::CreatedBy))
                .col(timestamp_now(TrainingClasses::CreatedAt))
                .foreign_key(&mut fk(
                    TrainingClasses::Table,
                    TrainingClasses::CourseId,
                    TrainingCourses::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(TrainingAttendance::Table)
                .col(pk_uuid(TrainingAttendance::Id))
                .col(uuid(TrainingAttendance::ClassId))
                .col(uuid(TrainingAttendance::BrokerId))
                .col(integer(TrainingAttendance::Hours))
                .col(uuid(TrainingAttendance::RecordedBy))
                .col(timestamp_now(TrainingAttendance::RecordedAt))
                .foreign_key(&mut fk(
                    TrainingAttendance::Table,
                    TrainingAttendance::ClassId,
                    TrainingClasses::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    TrainingAttendance::Table,
                    TrainingAttendance::BrokerId,
                    Brokers::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("training_attendance_class_broker_uniq")
                .table(TrainingAttendance::Table)
                .col(TrainingAttendance::ClassId)
                .col(TrainingAttendance::BrokerId)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(BrokerCertificates::Table)
                .col(pk_uuid(BrokerCertificates::Id))
                .col(uuid(BrokerCertificates::BrokerId))
                .col(string_len(BrokerCertificates::Number, 64))
                .col(date(BrokerCertificates::IssuedOn))
                .col(string_len(BrokerCertificates::Issuer, 200))
                .col(uuid_null(BrokerCertificates::CourseId))
                .col(uuid(BrokerCertificates::RecordedBy))
                .col(timestamp_now(BrokerCertificates::RecordedAt))
                .foreign_key(&mut fk(
                    BrokerCertificates::Table,
                    BrokerCertificates::BrokerId,
                    Brokers::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    BrokerCertificates::Table,
                    BrokerCertificates::CourseId,
                    TrainingCourses::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("broker_certificates_number_uniq")
                .table(BrokerCertificates::Table)
                .col(BrokerCertificates::Number)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("broker_certificates_broker_idx")
                .table(BrokerCertificates::Table)
                .col(BrokerCertificates::BrokerId)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum PartnerCountries {
    Table,
    Code,
    PartnerGroup,
    NameZh,
    NameEn,
    AddedBy,
    AddedAt,
}

#[derive(DeriveIden)]
enum AgencyConsents {
    Table,
    Id,
    AgencyOrganisationId,
    ClientOrganisationId,
    Scope,
    GrantedBy,
    GrantedAt,
    WithdrawnBy,
    WithdrawnAt,
    Version,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    PostedByOrganisationId,
}

#[derive(DeriveIden)]
enum Needs {
    Table,
}

#[derive(DeriveIden)]
enum TrainingCourses {
    Table,
    Id,
    Title,
    Provider,
    Hours,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainingClasses {
    Table,
    Id,
    CourseId,
    StartsOn,
    EndsOn,
    Place,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainingAttendance {
    Table,
    Id,
    ClassId,
    BrokerId,
    Hours,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum BrokerCertificates {
    Table,
    Id,
    BrokerId,
    Number,
    IssuedOn,
    Issuer,
    CourseId,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Brokers {
    Table,
}

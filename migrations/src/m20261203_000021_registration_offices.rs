//! The registration office (owned by deal): offices and their operators, parties recorded off
//! the platform, the registration form's remaining fields, the 认定 decision and the
//! certificate's verification code, and the office's batch intake.
//!
//! A contract's seller and buyer may now be parties off the platform, so
//! `contracts.seller_organisation_id` and `buyer_organisation_id` become nullable; a contract
//! names each side by organisation, by recorded party, or by both once the party joined and
//! the records were linked by credit code. PostgreSQL drops the NOT NULL; SQLite cannot alter
//! a column, so the table is rebuilt the way SQLite documents (new table, copy, drop, rename,
//! indexes), with foreign-key enforcement off for the connection meanwhile — SQLite migrations
//! run outside a transaction on the one connection the pool has, and the rebuild refuses to
//! start if enforcement could not be turned off (a DROP would otherwise cascade).
//!
//! `down` drops what `up` added; the NOT NULLs are not restored (rows may have no
//! organisation by then).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::columns::{fk, timestamp_now, version};

/// The provincial office every registration without a city office belongs to.
pub const PROVINCIAL_OFFICE_ID: &str = "0193a000-0000-7000-8000-000000450000";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_offices(manager).await?;
        create_recorded_parties(manager).await?;
        create_imports(manager).await?;
        add_contract_columns(manager).await?;
        add_registration_columns(manager).await?;
        relax_contract_parties(manager).await?;
        seed_provincial_office(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for idx in [
            "registrations_office_idx",
            "registrations_verification_uniq",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(idx)
                        .table(Registrations::Table)
                        .to_owned(),
                )
                .await?;
        }
        for col in [
            Registrations::OfficeId,
            Registrations::Decision,
            Registrations::DecisionReasons,
            Registrations::VerificationCode,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Registrations::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        for idx in ["contracts_seller_party_idx", "contracts_buyer_party_idx"] {
            manager
                .drop_index(Index::drop().name(idx).table(Contracts::Table).to_owned())
                .await?;
        }
        for col in [
            Contracts::SellerPartyId,
            Contracts::BuyerPartyId,
            Contracts::IntermediaryPartyId,
            Contracts::PaymentMethod,
            Contracts::Objectives,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Contracts::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            RegistrationImports::Table.into_iden(),
            RecordedParties::Table.into_iden(),
            OfficeOperators::Table.into_iden(),
            RegistrationOffices::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_offices(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(RegistrationOffices::Table)
                .col(pk_uuid(RegistrationOffices::Id))
                .col(string_len(RegistrationOffices::Code, 16))
                .col(string_len(RegistrationOffices::Name, 200))
                .col(string_len_null(RegistrationOffices::NameEn, 200))
                // provincial | city
                .col(string_len(RegistrationOffices::Kind, 16))
                .col(string_len(RegistrationOffices::RegionCode, 16))
                .col(boolean(RegistrationOffices::Active).default(true))
                .col(version(RegistrationOffices::Version))
                .col(timestamp_now(RegistrationOffices::CreatedAt))
                .col(timestamp_now(RegistrationOffices::UpdatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("registration_offices_code_uniq")
                .table(RegistrationOffices::Table)
                .col(RegistrationOffices::Code)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(OfficeOperators::Table)
                .col(pk_uuid(OfficeOperators::Id))
                .col(uuid(OfficeOperators::OfficeId))
                .col(uuid(OfficeOperators::UserId))
                .col(timestamp_now(OfficeOperators::CreatedAt))
                .foreign_key(&mut fk(
                    OfficeOperators::Table,
                    OfficeOperators::OfficeId,
                    RegistrationOffices::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    OfficeOperators::Table,
                    OfficeOperators::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("office_operators_office_user_uniq")
                .table(OfficeOperators::Table)
                .col(OfficeOperators::OfficeId)
                .col(OfficeOperators::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("office_operators_user_idx")
                .table(OfficeOperators::Table)
                .col(OfficeOperators::UserId)
                .to_owned(),
        )
        .await
}

async fn create_recorded_parties(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(RecordedParties::Table)
                .col(pk_uuid(RecordedParties::Id))
                .col(string_len(RecordedParties::Name, 200))
                .col(string_len_null(RecordedParties::CreditCode, 18))
                .col(string_len_null(
                    RecordedParties::ForeignRegistrationNumber,
                    64,
                ))
                .col(string_len(RecordedParties::Country, 2))
                .col(string_len(RecordedParties::RegionCode, 16))
                .col(string_len_null(RecordedParties::Kind, 16))
                // Set when the party joins the platform with the same credit code.
                .col(uuid_null(RecordedParties::OrganisationId))
                .col(uuid(RecordedParties::CreatedBy))
                .col(timestamp_now(RecordedParties::CreatedAt))
                .col(timestamp_now(RecordedParties::UpdatedAt))
                .foreign_key(&mut fk(
                    RecordedParties::Table,
                    RecordedParties::OrganisationId,
                    Organisations::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("recorded_parties_credit_code_idx")
                .table(RecordedParties::Table)
                .col(RecordedParties::CreditCode)
                .to_owned(),
        )
        .await
}

async fn create_imports(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(RegistrationImports::Table)
                .col(pk_uuid(RegistrationImports::Id))
                .col(uuid(RegistrationImports::OfficeId))
                .col(uuid(RegistrationImports::CreatedBy))
                // all_or_nothing | valid_rows_only
                .col(string_len(RegistrationImports::Mode, 16))
                .col(string_len(RegistrationImports::Format, 8))
                .col(string_len(RegistrationImports::FileName, 255))
                .col(blob(RegistrationImports::Content))
                // queued | running | succeeded | failed
                .col(string_len(RegistrationImports::Status, 16))
                .col(integer(RegistrationImports::TotalRows).default(0))
                .col(integer(RegistrationImports::ProcessedRows).default(0))
                .col(integer(RegistrationImports::CreatedCount).default(0))
                .col(integer(RegistrationImports::ErrorCount).default(0))
                .col(json_binary(RegistrationImports::Errors))
                .col(text_null(RegistrationImports::Failure))
                .col(timestamp_now(RegistrationImports::CreatedAt))
                .col(timestamp_now(RegistrationImports::UpdatedAt))
                .col(timestamp_with_time_zone_null(
                    RegistrationImports::FinishedAt,
                ))
                .foreign_key(&mut fk(
                    RegistrationImports::Table,
                    RegistrationImports::OfficeId,
                    RegistrationOffices::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("registration_imports_office_idx")
                .table(RegistrationImports::Table)
                .col(RegistrationImports::OfficeId)
                .col(RegistrationImports::CreatedAt)
                .to_owned(),
        )
        .await
}

async fn add_contract_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // One column per statement: SQLite adds one at a time.
    for col in [
        uuid_null(Contracts::SellerPartyId),
        uuid_null(Contracts::BuyerPartyId),
        uuid_null(Contracts::IntermediaryPartyId),
        string_len_null(Contracts::PaymentMethod, 32),
        text_null(Contracts::Objectives),
    ] {
        let mut col = col;
        manager
            .alter_table(
                Table::alter()
                    .table(Contracts::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
    }
    for (name, col) in [
        ("contracts_seller_party_idx", Contracts::SellerPartyId),
        ("contracts_buyer_party_idx", Contracts::BuyerPartyId),
    ] {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(Contracts::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

async fn add_registration_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for col in [
        uuid_null(Registrations::OfficeId),
        string_len_null(Registrations::Decision, 32),
        text_null(Registrations::DecisionReasons),
        string_len_null(Registrations::VerificationCode, 32),
    ] {
        let mut col = col;
        manager
            .alter_table(
                Table::alter()
                    .table(Registrations::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
    }
    manager
        .create_index(
            Index::create()
                .name("registrations_office_idx")
                .table(Registrations::Table)
                .col(Registrations::OfficeId)
                .col(Registrations::RegisteredOn)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("registrations_verification_uniq")
                .table(Registrations::Table)
                .col(Registrations::VerificationCode)
                .unique()
                .to_owned(),
        )
        .await
}

/// Seller and buyer organisations become optional (see the module comment).
async fn relax_contract_parties(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    match backend {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "ALTER TABLE contracts ALTER COLUMN seller_organisation_id DROP NOT NULL, \
                 ALTER COLUMN buyer_organisation_id DROP NOT NULL",
            )
            .await?;
            Ok(())
        }
        DatabaseBackend::Sqlite => rebuild_sqlite_contracts(db).await,
        DatabaseBackend::MySql => Err(DbErr::Migration("MySQL is not supported".to_owned())),
    }
}

async fn rebuild_sqlite_contracts(
    db: &sea_orm_migration::SchemaManagerConnection<'_>,
) -> Result<(), DbErr> {
    let backend = DatabaseBackend::Sqlite;
    let one = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let table_sql: String = db
        .query_one(one(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contracts'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("no contracts table".to_owned()))?
        .try_get("", "sql")?;
    let mut new_sql = table_sql.replacen(
        "CREATE TABLE \"contracts\"",
        "CREATE TABLE \"contracts_rebuild\"",
        1,
    );
    for col in ["seller_organisation_id", "buyer_organisation_id"] {
        let strict = format!("\"{col}\" uuid_text NOT NULL");
        if !new_sql.contains(&strict) {
            return Err(DbErr::Migration(format!(
                "contracts.{col} is not declared as expected; not rebuilding"
            )));
        }
        new_sql = new_sql.replacen(&strict, &format!("\"{col}\" uuid_text NULL"), 1);
    }
    let index_rows = db
        .query_all(one(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contracts' \
             AND sql IS NOT NULL",
        ))
        .await?;
    let mut indexes = Vec::new();
    for row in index_rows {
        indexes.push(row.try_get::<String>("", "sql")?);
    }
    db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    let enforced: i32 = db
        .query_one(one("PRAGMA foreign_keys"))
        .await?
        .ok_or_else(|| DbErr::Migration("PRAGMA foreign_keys answered nothing".to_owned()))?
        .try_get_by_index(0)?;
    if enforced != 0 {
        return Err(DbErr::Migration(
            "foreign keys could not be turned off (inside a transaction?); not rebuilding contracts"
                .to_owned(),
        ));
    }
    let result = async {
        db.execute_unprepared(&new_sql).await?;
        db.execute_unprepared("INSERT INTO contracts_rebuild SELECT * FROM contracts")
            .await?;
        db.execute_unprepared("DROP TABLE contracts").await?;
        db.execute_unprepared("ALTER TABLE contracts_rebuild RENAME TO contracts")
            .await?;
        for sql in &indexes {
            db.execute_unprepared(sql).await?;
        }
        let broken = db.query_all(one("PRAGMA foreign_key_check")).await?;
        if !broken.is_empty() {
            return Err(DbErr::Migration(format!(
                "{} rows break a foreign key after rebuilding contracts",
                broken.len()
            )));
        }
        Ok(())
    }
    .await;
    db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    result
}

async fn seed_provincial_office(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    // A uuid is text on PostgreSQL and 16 bytes on SQLite (as sqlx binds it).
    let id = match db.get_database_backend() {
        DatabaseBackend::Sqlite => format!("X'{}'", PROVINCIAL_OFFICE_ID.replace('-', "")),
        _ => format!("'{PROVINCIAL_OFFICE_ID}'"),
    };
    db.execute_unprepared(&format!(
        "INSERT INTO registration_offices (id, code, name, name_en, kind, region_code) VALUES \
         ({id}, '450000', '广西壮族自治区技术合同登记机构', \
         'Guangxi Technology Contract Registration Office', 'provincial', '450000')"
    ))
    .await?;
    // Registrations made before offices existed were the provincial office's.
    db.execute_unprepared(&format!("UPDATE registrations SET office_id = {id}"))
        .await?;
    Ok(())
}

#[derive(DeriveIden)]
enum RegistrationOffices {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    Kind,
    RegionCode,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OfficeOperators {
    Table,
    Id,
    OfficeId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecordedParties {
    Table,
    Id,
    Name,
    CreditCode,
    ForeignRegistrationNumber,
    Country,
    RegionCode,
    Kind,
    OrganisationId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RegistrationImports {
    Table,
    Id,
    OfficeId,
    CreatedBy,
    Mode,
    Format,
    FileName,
    Content,
    Status,
    TotalRows,
    ProcessedRows,
    CreatedCount,
    ErrorCount,
    Errors,
    Failure,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    SellerPartyId,
    BuyerPartyId,
    IntermediaryPartyId,
    PaymentMethod,
    Objectives,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    OfficeId,
    Decision,
    DecisionReasons,
    VerificationCode,
    RegisteredOn,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

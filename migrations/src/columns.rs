//! Column shapes that recur in every table. Kept here so that "a timestamp" or "a version
//! counter" means the same thing on every table and both databases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, timestamp_with_time_zone};

/// `created_at` / `updated_at`-style column, UTC, filled by the database when omitted.
pub fn timestamp_now<T: IntoIden>(name: T) -> ColumnDef {
    timestamp_with_time_zone(name)
        .default(Expr::current_timestamp())
        .take()
}

/// Optimistic-concurrency counter: every update checks and bumps it; a stale one is a 409.
pub fn version<T: IntoIden>(name: T) -> ColumnDef {
    integer(name).default(1).take()
}

/// An amount of money in the minor unit of the currency stored beside it (fen for CNY).
pub fn minor_units<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).default(0).take()
}

/// Foreign key helper: `from_table.from_col → to_table.id`, deleting or restricting as told.
pub fn fk<F: IntoIden + 'static, C: IntoIden + 'static, T: IntoIden + 'static>(
    from_table: F,
    from_col: C,
    to_table: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .take()
}

/// Adds one column to `table`: one per statement, as SQLite's ALTER TABLE adds one at a time.
pub async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    mut col: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

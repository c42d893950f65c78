//! `cargo run -p migrations -- up|down|status` — sea-orm-migration's own CLI over our schema,
//! for developers. Operators use `techmarket migrate`.

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(migrations::Migrator).await;
}

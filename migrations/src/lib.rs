//! Database migrations for Juanzong Sync, shared by SQLite and PostgreSQL.
//!
//! Each migration runs in its own transaction on both backends. The server refuses to start on a
//! database that has a migration this build does not know, because that database was migrated by
//! a newer version (see [`newer_migrations`]).

pub use sea_orm_migration::prelude::*;

mod m20261204_000001_organisation;
mod m20261204_000002_material_lists;
mod m20261204_000003_deadlines;
mod m20261204_000004_photos;
mod m20261204_000005_center;

/// The migrator used by `juanzong migrate` and by `juanzong serve` at startup.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_000001_organisation::Migration),
            Box::new(m20261204_000002_material_lists::Migration),
            Box::new(m20261204_000003_deadlines::Migration),
            Box::new(m20261204_000004_photos::Migration),
            Box::new(m20261204_000005_center::Migration),
        ]
    }
}

/// Returns the names of migrations applied to the database that this build does not know.
///
/// A non-empty result means a newer version of the server migrated the database.
pub async fn newer_migrations<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_string())
        .collect();
    let applied = Migrator::get_migration_models(db).await?;
    Ok(applied
        .into_iter()
        .map(|model| model.version)
        .filter(|version| !known.contains(version))
        .collect())
}

/// Returns the number of migrations this build knows that are not applied yet.
pub async fn pending_count<C: ConnectionTrait>(db: &C) -> Result<usize, DbErr> {
    let applied = Migrator::get_migration_models(db).await?;
    Ok(Migrator::migrations()
        .iter()
        .filter(|migration| !applied.iter().any(|model| model.version == migration.name()))
        .count())
}

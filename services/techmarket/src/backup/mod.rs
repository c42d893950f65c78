//! `techmarket backup` and `techmarket restore`: one file that holds the whole database.
//!
//! - SQLite: `VACUUM INTO` writes a consistent copy from one read transaction, so the platform
//!   keeps serving (WAL mode: writers are not blocked). The file is itself a SQLite database.
//! - PostgreSQL: the machine's `pg_dump --format=custom` (a consistent snapshot), restored by
//!   `pg_restore --clean --single-transaction`: all or nothing.
//!
//! The search index is not in the file: it is derived data, rebuilt from the restored
//! database by the restore (and by `techmarket reindex` at any time).
//!
//! Documents kept as files (the `directory` store: always in the embedded mode) go into the
//! same file: the backup is then a tar archive of the database copy and the documents
//! ([`bundle`]), and a restore puts both back. Documents in S3-compatible storage are not
//! copied: the bucket's own versioning or replication keeps them.
//!
//! A restore replaces the database the configuration names. On SQLite it takes the data
//! directory's lock that `techmarket up` holds while serving, so it cannot pull the file from
//! under a running platform; on PostgreSQL, stop the services first (the single transaction
//! waits for their locks).

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use platform::config::DatabaseConfig;
use sea_orm::{ConnectionTrait, Statement};
use secrecy::ExposeSecret;

mod bundle;

/// The kind of database copy a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    Sqlite,
    Postgres,
}

impl Archive {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Sqlite, Self::Postgres]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// What a backup file is, known from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackupFile {
    /// The database copy alone (no documents as files, or written before documents were).
    Database(Archive),
    /// A tar archive of the database and the documents ([`bundle`]).
    Bundle,
}

impl BackupFile {
    /// Reads the file's magic: SQLite's header string, `pg_dump`'s `PGDMP` or a tar header.
    fn of(file: &Path) -> anyhow::Result<Self> {
        let mut head = Vec::with_capacity(512);
        File::open(file)
            .with_context(|| format!("Failed to open {}", file.display()))?
            .take(512)
            .read_to_end(&mut head)?;
        if head.starts_with(b"SQLite format 3\0") {
            Ok(Self::Database(Archive::Sqlite))
        } else if head.starts_with(b"PGDMP") {
            Ok(Self::Database(Archive::Postgres))
        } else if bundle::is_bundle(&head) {
            Ok(Self::Bundle)
        } else {
            bail!(
                "{} is not a TechMarket backup (neither a SQLite database, a pg_dump archive nor a backup with documents)",
                file.display()
            )
        }
    }
}

/// What a backup wrote or a restore put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub database: Archive,
    /// Documents in the file; `None` when the file has the database only.
    pub documents: Option<u64>,
}

/// The file of a `sqlite:` URL (`sqlite://path?mode=rwc`, `sqlite:path`).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Writes the configured database, and the documents under `documents` when the store keeps
/// them as files, to `out`, which must not exist yet.
pub async fn backup(
    config: &DatabaseConfig,
    documents: Option<&Path>,
    out: &Path,
) -> anyhow::Result<Outcome> {
    if out.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            out.display()
        );
    }
    let Some(documents) = documents else {
        let database = dump_database(config, out).await?;
        owner_only(out)?;
        return Ok(Outcome {
            database,
            documents: None,
        });
    };
    let documents = bundle::real_path(documents)?;
    // The documents are linked into a snapshot first, so one deleted while the backup runs
    // is still copied; then the database; then the documents stored meanwhile (see `bundle`).
    let snapshot = bundle::Snapshot::take(&documents)?;
    let scratch = private_dir(parent_of(out), ".techmarket-scratch")?;
    let copy = scratch.path().join("database");
    let database = dump_database(config, &copy).await?;
    snapshot.catch_up(&documents)?;
    let count = bundle::write(out, &copy, database, snapshot.path())?;
    Ok(Outcome {
        database,
        documents: Some(count),
    })
}

/// A fresh folder in `dir` (made if missing) that only this user can read: scratch copies of
/// the database, snapshots and staged documents all go in one.
fn private_dir(dir: &Path, prefix: &str) -> anyhow::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir_in(dir)
        .with_context(|| format!("Failed to make a folder in {}", dir.display()))
}

/// The folder `path` is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a written backup readable by its owner only: it holds every account and document.
fn owner_only(file: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("Failed to restrict {}", file.display()))
}

/// Copies the configured database to `out`.
async fn dump_database(config: &DatabaseConfig, out: &Path) -> anyhow::Result<Archive> {
    let url = config.url.expose_secret();
    if url.starts_with("sqlite:") {
        backup_sqlite(config, out).await?;
        Ok(Archive::Sqlite)
    } else if is_postgres(url) {
        let status = pg_tool("pg_dump", url)?
            .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
            .arg(out)
            .status()
            .context("Failed to run pg_dump")?;
        if !status.success() {
            bail!("pg_dump failed ({status})");
        }
        Ok(Archive::Postgres)
    } else {
        bail!("backup knows SQLite and PostgreSQL databases only")
    }
}

async fn backup_sqlite(config: &DatabaseConfig, out: &Path) -> anyhow::Result<()> {
    let target = out
        .to_str()
        .context("the backup path must be valid UTF-8 for SQLite")?;
    let db = platform::db::connect(config, "backup").await?;
    db.execute(Statement::from_sql_and_values(
        db.get_database_backend(),
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .context("VACUUM INTO failed")?;
    db.close().await?;
    Ok(())
}

/// What a restore put back; holds the embedded data directory's lock until dropped, so keep
/// it while migrating and reindexing.
pub struct Restored {
    pub outcome: Outcome,
    _lock: Option<DataDirLock>,
}

/// Replaces the configured database with the backup in `file`, and the documents under
/// `documents` with the backup's when it holds them.
///
/// Nothing changes unless the whole file unpacks and its database is whole. Then the
/// documents' folder is swapped in (two renames) and the database replaced (all or nothing);
/// if the database cannot be replaced, the documents that were there are put back.
pub async fn restore(
    config: &DatabaseConfig,
    documents: Option<&Path>,
    file: &Path,
) -> anyhow::Result<Restored> {
    let url = config.url.expose_secret();
    // SQLite: the data directory's lock for the whole restore (`up` holds it while serving).
    let lock = match sqlite_file(url) {
        Some(target) => {
            let dir = parent_of(&target);
            std::fs::create_dir_all(dir)?;
            Some(DataDirLock::acquire(dir).context(
                "the database is in use: stop `techmarket up` (or the services) before restoring",
            )?)
        }
        None => None,
    };
    let outcome = match BackupFile::of(file)? {
        BackupFile::Database(database) => {
            if documents.is_some() {
                tracing::warn!(
                    "this backup holds the database only (written before backups carried documents, or from a store kept elsewhere): the documents are left as they are"
                );
            }
            check_database(database, file).await?;
            restore_database(config, database, file)?;
            Outcome {
                database,
                documents: None,
            }
        }
        BackupFile::Bundle => {
            let documents = documents.map(bundle::real_path).transpose()?;
            let scratch_dir = match (sqlite_file(url), &documents) {
                (Some(target), _) => parent_of(&target).to_path_buf(),
                (None, Some(documents)) => parent_of(documents).to_path_buf(),
                (None, None) => std::env::temp_dir(),
            };
            let scratch = private_dir(&scratch_dir, ".techmarket-scratch")?;
            let staging = documents.as_deref().map(bundle::staging_for).transpose()?;
            let unpacked =
                bundle::unpack(file, scratch.path(), staging.as_ref().map(|s| s.path()))?;
            if BackupFile::of(&unpacked.database)? != BackupFile::Database(unpacked.kind) {
                bail!(
                    "{}: its database is not the {} copy its manifest names; nothing was restored",
                    file.display(),
                    unpacked.kind.as_str()
                );
            }
            check_database(unpacked.kind, &unpacked.database).await?;
            let swapped = match (staging, &documents) {
                (Some(staging), Some(documents)) => Some(bundle::swap_in(staging, documents)?),
                _ => None,
            };
            if let Err(e) = restore_database(config, unpacked.kind, &unpacked.database) {
                if let Some(swapped) = swapped {
                    swapped.undo()?;
                }
                return Err(e);
            }
            if let Some(swapped) = swapped {
                swapped.finish();
            }
            Outcome {
                database: unpacked.kind,
                documents: Some(unpacked.documents),
            }
        }
    };
    Ok(Restored {
        outcome,
        _lock: lock,
    })
}

/// Refuses a database copy that is not whole: SQLite's `quick_check` over the copy, opened
/// read-only. (A PostgreSQL archive is checked by `pg_restore` itself, in one transaction.)
async fn check_database(archive: Archive, file: &Path) -> anyhow::Result<()> {
    if archive != Archive::Sqlite {
        return Ok(());
    }
    let db = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .with_context(|| format!("{} does not open as a SQLite database", file.display()))?;
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA quick_check",
        ))
        .await;
    db.close().await?;
    let verdict: String = row
        .ok()
        .flatten()
        .and_then(|r| r.try_get_by_index(0).ok())
        .unwrap_or_default();
    if verdict != "ok" {
        bail!(
            "the backup's database is damaged (quick_check: {}); nothing was restored",
            if verdict.is_empty() {
                "unreadable"
            } else {
                &verdict
            }
        );
    }
    Ok(())
}

/// Replaces the configured database with the copy in `file`.
fn restore_database(config: &DatabaseConfig, archive: Archive, file: &Path) -> anyhow::Result<()> {
    let url = config.url.expose_secret();
    match archive {
        Archive::Sqlite => {
            let Some(target) = sqlite_file(url) else {
                bail!("this is a SQLite backup; the configured database is not a SQLite file");
            };
            restore_sqlite(file, &target)?;
        }
        Archive::Postgres => {
            if !is_postgres(url) {
                bail!("this is a PostgreSQL backup; the configured database is not PostgreSQL");
            }
            let status = pg_tool("pg_restore", url)?
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                ])
                .arg(file)
                .status()
                .context("Failed to run pg_restore")?;
            if !status.success() {
                bail!("pg_restore failed ({status}); the database is unchanged");
            }
        }
    }
    Ok(())
}

/// Moves the copy (checked whole by [`check_database`]) into place in one rename, after
/// the old database's WAL and shared-memory files are gone (a stale WAL would be replayed
/// onto the restored file).
fn restore_sqlite(file: &Path, target: &Path) -> anyhow::Result<()> {
    let dir = parent_of(target);
    let staged = target.with_extension("db.restoring");
    std::fs::copy(file, &staged)
        .with_context(|| format!("Failed to copy {} to {}", file.display(), staged.display()))?;
    File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = OsString::from(target.as_os_str());
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    std::fs::rename(&staged, target)?;
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// `pg_dump`/`pg_restore` from `PATH`, else the newest in Debian's `/usr/lib/postgresql/*/bin`,
/// connected to `url` with its password in the environment (not on the command line, where
/// every user of the machine could read it).
fn pg_tool(name: &str, url: &str) -> anyhow::Result<Command> {
    let mut parsed = url::Url::parse(url).context("the database URL does not parse")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    // `set_password` fails only for URLs that cannot have one; a postgres URL can.
    let _ = parsed.set_password(None);
    let mut cmd = Command::new(find_pg_binary(name)?);
    cmd.arg("--dbname").arg(parsed.as_str());
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    Ok(cmd)
}

fn find_pg_binary(name: &str) -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin").join(name);
            bin.is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).with_context(|| {
        format!("{name} not found on PATH or in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql-client)")
    })
}

/// The embedded data directory's lock: `techmarket up` holds it while serving, a SQLite
/// restore takes it, so neither runs under the other (nor two `up`s on one directory).
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("techmarket.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("Failed to open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                bail!("{} is held by another TechMarket process", path.display())
            }
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }
}

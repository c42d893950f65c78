//! The backup file of a platform whose documents are files (the `directory` store, which the
//! embedded mode always uses): one tar archive holding a manifest, the database copy and
//! every stored document, so a restore brings back the signed contracts, dossiers and reports
//! the restored rows point at, not rows pointing at nothing.
//!
//! Layout, in this order: `techmarket-backup.json` ([`Manifest`]), `database` (a SQLite file
//! or a `pg_dump` custom archive), then `documents/<key>` for each document, its path under
//! the store's folder. The database is copied before the documents are read, so every
//! document a backed-up row names was already stored (documents are written once, under new
//! keys, before their rows). Restores also accept the database-only files of earlier
//! versions and of stores kept elsewhere (S3).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::Archive;

const MANIFEST: &str = "techmarket-backup.json";
const DATABASE: &str = "database";
const DOCUMENTS: &str = "documents";
/// The layout above; a later layout gets a new number, and this version refuses it.
const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// `sqlite` or `postgres`.
    database: String,
    documents: u64,
}

/// A tar header: `ustar` at byte 257 of the first 512.
pub(super) fn is_bundle(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar".as_slice())
}

/// The stored documents under `dir`, as (path relative to `dir`, file): regular files only,
/// without the store's half-written staging files (`…#n`, removed when a write fails).
fn stored_documents(dir: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let entries = match std::fs::read_dir(&at) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && at == dir => return Ok(found),
            Err(e) => return Err(e).with_context(|| format!("Failed to read {}", at.display())),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                let relative = path.strip_prefix(dir)?.to_path_buf();
                found.push((relative, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes the bundle of `database` (already copied) and the documents under `documents` to
/// `out`, which must not exist: written beside it, then linked into place only if `out` is
/// still free, so a failed or concurrent backup never leaves a partial or overwritten file.
/// Returns how many documents it holds.
pub(super) fn write(
    out: &Path,
    database: &Path,
    kind: Archive,
    documents: &Path,
) -> anyhow::Result<u64> {
    let files = stored_documents(documents)?;
    let dir = parent_of(out);
    let staged = tempfile::Builder::new()
        .prefix(".techmarket-backup")
        .tempfile_in(dir)
        .with_context(|| format!("Failed to write in {}", dir.display()))?;
    let mut tar = tar::Builder::new(BufWriter::new(staged.as_file()));
    let manifest = serde_json::to_vec_pretty(&Manifest {
        format: FORMAT,
        database: kind.as_str().to_owned(),
        documents: u64::try_from(files.len())?,
    })?;
    let mut header = tar::Header::new_gnu();
    header.set_size(u64::try_from(manifest.len())?);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, manifest.as_slice())?;
    tar.append_path_with_name(database, DATABASE)?;
    for (relative, path) in &files {
        tar.append_path_with_name(path, Path::new(DOCUMENTS).join(relative))
            .with_context(|| format!("Failed to add {}", path.display()))?;
    }
    tar.into_inner()?.flush()?;
    staged.as_file().sync_all()?;
    staged.persist_noclobber(out).map_err(|e| {
        anyhow::anyhow!(
            "{} exists already; a backup never overwrites a file ({})",
            out.display(),
            e.error
        )
    })?;
    File::open(dir)?.sync_all()?;
    Ok(u64::try_from(files.len())?)
}

/// What [`unpack`] took out of a bundle.
pub(super) struct Unpacked {
    pub kind: Archive,
    /// The database copy, inside the scratch folder.
    pub database: PathBuf,
    pub documents: u64,
}

/// Unpacks `file`: the database into `scratch`, the documents into `staging` (an empty folder
/// beside the store's). Nothing outside those two folders is touched; an entry that would land
/// outside them, an unknown entry or layout, or documents with no folder to go to refuse the
/// whole backup.
pub(super) fn unpack(
    file: &Path,
    scratch: &Path,
    staging: Option<&Path>,
) -> anyhow::Result<Unpacked> {
    let mut archive = tar::Archive::new(
        File::open(file).with_context(|| format!("Failed to open {}", file.display()))?,
    );
    let mut manifest: Option<Manifest> = None;
    let mut database: Option<PathBuf> = None;
    let mut documents = 0u64;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        if manifest.is_none() {
            if path != Path::new(MANIFEST) {
                bail!(
                    "{} is not a TechMarket backup (no manifest first)",
                    file.display()
                );
            }
            let mut text = Vec::new();
            entry.by_ref().take(64 * 1024).read_to_end(&mut text)?;
            let read: Manifest = serde_json::from_slice(&text).with_context(|| {
                format!("{}: the backup's manifest does not parse", file.display())
            })?;
            if read.format != FORMAT {
                bail!(
                    "{}: backup format {} is not one this version reads ({FORMAT})",
                    file.display(),
                    read.format
                );
            }
            manifest = Some(read);
            continue;
        }
        let kind = entry.header().entry_type();
        if path == Path::new(DATABASE) && kind.is_file() {
            let target = scratch.join(DATABASE);
            std::io::copy(&mut entry, &mut File::create(&target)?)?;
            database = Some(target);
        } else if let Ok(relative) = path.strip_prefix(DOCUMENTS) {
            if kind.is_dir() {
                continue;
            }
            if !kind.is_file() || !is_plain_relative(relative) {
                bail!("{}: refused entry {}", file.display(), path.display());
            }
            let Some(staging) = staging else {
                bail!(
                    "{} holds documents, but the configured document store is not a folder \
                     (documents.backend = directory); nothing was restored",
                    file.display()
                );
            };
            let target = staging.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut out = File::create(&target)?;
            std::io::copy(&mut entry, &mut out)?;
            out.sync_all()?;
            documents += 1;
        } else {
            bail!("{}: unknown entry {}", file.display(), path.display());
        }
    }
    let Some(manifest) = manifest else {
        bail!(
            "{} is not a TechMarket backup (empty archive)",
            file.display()
        );
    };
    let Some(database) = database else {
        bail!("{}: the backup holds no database", file.display());
    };
    if documents != manifest.documents {
        bail!(
            "{}: the manifest names {} documents, the archive holds {documents}: truncated?",
            file.display(),
            manifest.documents
        );
    }
    let kind = Archive::parse(&manifest.database).with_context(|| {
        format!(
            "{}: unknown database {:?}",
            file.display(),
            manifest.database
        )
    })?;
    Ok(Unpacked {
        kind,
        database,
        documents,
    })
}

/// Only plain names: no root, no `..`, no `.`, not empty.
fn is_plain_relative(path: &Path) -> bool {
    path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// A fresh empty folder beside `documents` for [`unpack`] to fill: on the same filesystem, so
/// [`swap_in`] is a rename.
pub(super) fn staging_for(documents: &Path) -> anyhow::Result<tempfile::TempDir> {
    let dir = parent_of(documents);
    std::fs::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".documents-restoring")
        .tempdir_in(dir)
        .with_context(|| format!("Failed to make a staging folder in {}", dir.display()))
}

/// Puts the restored documents in place of the store's folder: two renames, then the old
/// folder is removed.
pub(super) fn swap_in(staging: tempfile::TempDir, documents: &Path) -> anyhow::Result<()> {
    let staged = staging.keep();
    if documents.exists() {
        let old = documents.with_file_name(format!(
            ".documents-replaced-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::rename(documents, &old)?;
        std::fs::rename(&staged, documents)?;
        if let Err(e) = std::fs::remove_dir_all(&old) {
            tracing::warn!(folder = %old.display(), error = %e, "the replaced documents were not removed");
        }
    } else {
        std::fs::rename(&staged, documents)?;
    }
    File::open(parent_of(documents))?.sync_all()?;
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

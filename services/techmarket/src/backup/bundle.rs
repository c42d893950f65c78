//! The backup file of a platform whose documents are files (the `directory` store, which the
//! embedded mode always uses): one tar archive holding a manifest, the database copy and
//! every stored document, so a restore brings back the signed contracts, dossiers and reports
//! the restored rows point at, not rows pointing at nothing.
//!
//! Layout, in this order: `techmarket-backup.json` ([`Manifest`]), `database` (a SQLite file
//! or a `pg_dump` custom archive), then `documents/<key>` for each document, its path under
//! the store's folder. Documents are written once, under new keys, before their rows; so the
//! documents are first hard-linked into a snapshot (one deleted while the backup runs stays
//! in it), then the database is copied, then the documents stored meanwhile join the
//! snapshot: every document a backed-up row names is in the file. Restores also accept the
//! database-only files of earlier versions and of stores kept elsewhere (S3).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::{parent_of, private_dir, Archive};

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
            } else if kind.is_symlink() {
                bail!(
                    "{} is a symbolic link: the document store writes plain files only, and a \
                     backup copies nothing it cannot restore as it was",
                    path.display()
                );
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                let relative = path.strip_prefix(dir)?.to_path_buf();
                found.push((relative, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The documents as they were when the backup began, hard-linked (or, across filesystems,
/// copied) into a private folder beside the store's, which nothing else deletes from.
pub(super) struct Snapshot {
    dir: tempfile::TempDir,
}

impl Snapshot {
    pub(super) fn take(documents: &Path) -> anyhow::Result<Self> {
        let snapshot = Self {
            dir: private_dir(parent_of(documents), ".documents-backup")?,
        };
        snapshot.catch_up(documents)?;
        Ok(snapshot)
    }

    /// Adds the documents stored since the snapshot began (those already in it stay as they
    /// are; one deleted before it could be linked is skipped).
    pub(super) fn catch_up(&self, documents: &Path) -> anyhow::Result<()> {
        for (relative, path) in stored_documents(documents)? {
            let target = self.dir.path().join(&relative);
            if target.exists() {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let linked = std::fs::hard_link(&path, &target).or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Err(e)
                } else {
                    std::fs::copy(&path, &target).map(|_| ())
                }
            });
            match linked {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("Failed to copy {}", path.display()))
                }
            }
        }
        Ok(())
    }

    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }
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
    let unreadable = || format!("{}: the archive is damaged or truncated", file.display());
    for entry in archive.entries().with_context(unreadable)? {
        let mut entry = entry.with_context(unreadable)?;
        let path = entry.path().with_context(unreadable)?.into_owned();
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
            if database.is_some() {
                bail!("{}: two databases in one backup", file.display());
            }
            let target = scratch.join(DATABASE);
            std::io::copy(&mut entry, &mut File::create(&target)?).with_context(unreadable)?;
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
                std::fs::create_dir_all(parent).with_context(|| {
                    format!(
                        "{}: entry {} cannot be restored (a file stands where its folder goes)",
                        file.display(),
                        path.display()
                    )
                })?;
            }
            let mut out = File::options()
                .write(true)
                .create_new(true)
                .open(&target)
                .with_context(|| {
                    format!(
                        "{}: entry {} cannot be restored (twice in the archive, or under a file)",
                        file.display(),
                        path.display()
                    )
                })?;
            std::io::copy(&mut entry, &mut out).with_context(unreadable)?;
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

/// The documents' folder itself when it is a symbolic link to one: the swap replaces the
/// folder the link names, not the link.
pub(super) fn real_path(documents: &Path) -> anyhow::Result<PathBuf> {
    match std::fs::canonicalize(documents) {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(documents.to_path_buf()),
        Err(e) => Err(e).with_context(|| format!("Failed to resolve {}", documents.display())),
    }
}

/// A fresh empty folder beside `documents` for [`unpack`] to fill: on the same filesystem, so
/// [`swap_in`] is a rename; readable by this user only until it is swapped in.
pub(super) fn staging_for(documents: &Path) -> anyhow::Result<tempfile::TempDir> {
    private_dir(parent_of(documents), ".documents-restoring")
}

/// The restored documents in place, the ones they replaced kept aside until the database is
/// restored too: then [`Swapped::finish`] removes them, or [`Swapped::undo`] puts them back.
#[must_use]
pub(super) struct Swapped {
    documents: PathBuf,
    replaced: Option<PathBuf>,
}

/// Puts the restored documents in place of the store's folder, in two renames; if the second
/// fails, the first is undone, so the folder is as it was.
pub(super) fn swap_in(staging: tempfile::TempDir, documents: &Path) -> anyhow::Result<Swapped> {
    let replaced = if documents.exists() {
        let aside = documents.with_file_name(format!(
            ".documents-replaced-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::rename(documents, &aside).with_context(|| {
            format!(
                "Failed to move {} aside to swap the restored documents in (a mount point \
                 cannot be: point documents.dir at a folder inside it); nothing was restored",
                documents.display()
            )
        })?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(staging.path(), documents) {
        if let Some(aside) = &replaced {
            std::fs::rename(aside, documents).with_context(|| {
                format!(
                    "the documents could not be swapped in ({e}) nor put back: they are in {}",
                    aside.display()
                )
            })?;
        }
        return Err(e).with_context(|| {
            format!(
                "Failed to move the restored documents to {}; nothing was restored",
                documents.display()
            )
        });
    }
    // The staging folder is the documents' folder now: nothing for the TempDir to remove.
    let _ = staging.keep();
    File::open(parent_of(documents))?.sync_all()?;
    Ok(Swapped {
        documents: documents.to_path_buf(),
        replaced,
    })
}

impl Swapped {
    /// The database is restored too: the replaced documents go.
    pub(super) fn finish(self) {
        if let Some(aside) = self.replaced {
            if let Err(e) = std::fs::remove_dir_all(&aside) {
                tracing::warn!(folder = %aside.display(), error = %e, "the replaced documents were not removed");
            }
        }
    }

    /// The database could not be restored: the documents that were there go back.
    pub(super) fn undo(self) -> anyhow::Result<()> {
        let failed = self.documents.with_file_name(format!(
            ".documents-not-restored-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::rename(&self.documents, &failed)?;
        if let Some(aside) = &self.replaced {
            std::fs::rename(aside, &self.documents).with_context(|| {
                format!(
                    "the documents that were there could not be put back: they are in {}",
                    aside.display()
                )
            })?;
        }
        if let Err(e) = std::fs::remove_dir_all(&failed) {
            tracing::warn!(folder = %failed.display(), error = %e, "the unrestored documents were not removed");
        }
        Ok(())
    }
}

//! The two backends, one implementation: `object_store`'s `LocalFileSystem` (a directory) and
//! `AmazonS3` (any S3-compatible service) behind the same streaming, limiting, sniffing and
//! hashing, so the rules cannot drift apart between the modes.

use std::path::Path;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::{
    sniff, Backend, ByteStream, DocumentKey, DocumentStore, Download, Listed, PutError, StoreError,
    Stored, PART_BYTES, SNIFF_BYTES,
};

/// How to reach an S3-compatible store. Keys are required: without them `object_store` would
/// look for credentials in the instance metadata service, a network call the platform must
/// not make behind an operator's back.
#[derive(Clone)]
pub struct S3Settings {
    /// Base URL of the service, e.g. `https://s3.cn-south-1.example.com` or
    /// `http://minio:9000`; `None` for AWS itself (from the region). Requests are path-style
    /// (`endpoint/bucket/key`), which every S3-compatible server accepts.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// A [`DocumentStore`] over an `object_store` backend.
#[derive(Clone)]
pub struct ObjectDocumentStore {
    inner: Arc<dyn ObjectStore>,
    backend: Backend,
}

impl std::fmt::Debug for ObjectDocumentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectDocumentStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl ObjectDocumentStore {
    /// Documents as files under `dir` (created if missing). A write goes to a staging file
    /// beside its target and is renamed into place when complete, so a reader never sees a
    /// partial file.
    pub fn directory(dir: &Path) -> anyhow::Result<ObjectDocumentStore> {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the document directory {}: {e}",
                dir.display()
            )
        })?;
        // Empty parent folders of deleted documents are removed too.
        let fs = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(ObjectDocumentStore {
            inner: Arc::new(fs),
            backend: Backend::Directory,
        })
    }

    /// Documents as objects in an S3-compatible bucket (which must exist).
    pub fn s3(settings: &S3Settings) -> anyhow::Result<ObjectDocumentStore> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        Ok(ObjectDocumentStore {
            inner: Arc::new(builder.build()?),
            backend: Backend::S3,
        })
    }

    fn path(key: &DocumentKey) -> ObjectPath {
        // A DocumentKey is lowercase letters, digits, `-`, `_` and `/`: nothing to escape, no
        // `..` segment.
        ObjectPath::from(key.as_str())
    }
}

/// A multipart upload that is aborted if it is dropped before it finished (a request dropped
/// midway): the parts written so far are discarded, not left as an orphan.
struct AbortOnDrop(Option<WriteMultipart>);

impl AbortOnDrop {
    fn get(&mut self) -> Result<&mut WriteMultipart, PutError> {
        self.0
            .as_mut()
            .ok_or_else(|| PutError::Store(anyhow::anyhow!("multipart upload already ended")))
    }

    async fn abort(&mut self) {
        if let Some(upload) = self.0.take() {
            if let Err(err) = upload.abort().await {
                tracing::warn!(error = %err, "failed to abort a document upload");
            }
        }
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(upload) = self.0.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(err) = upload.abort().await {
                        tracing::warn!(error = %err, "failed to abort a dropped document upload");
                    }
                });
            }
        }
    }
}

/// Counts and hashes the bytes of one body, refusing it past the limit.
struct Meter {
    size: u64,
    limit: u64,
    hash: Sha256,
}

impl Meter {
    fn take(&mut self, chunk: &Bytes) -> Result<(), PutError> {
        self.size = self
            .size
            .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if self.size > self.limit {
            return Err(PutError::TooLarge { limit: self.limit });
        }
        self.hash.update(chunk);
        Ok(())
    }
}

fn store_err(err: object_store::Error) -> StoreError {
    match err {
        object_store::Error::NotFound { path, .. } => StoreError::NotFound(path),
        other => StoreError::Other(other.into()),
    }
}

#[async_trait::async_trait]
impl DocumentStore for ObjectDocumentStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn put(
        &self,
        key: &DocumentKey,
        mut body: ByteStream,
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        let mut meter = Meter {
            size: 0,
            limit: max_bytes,
            hash: Sha256::new(),
        };
        // 1. The head, for the type: nothing is written before it is known.
        let mut head = BytesMut::new();
        let mut ended = false;
        while head.len() < SNIFF_BYTES {
            match body.next().await {
                Some(Ok(chunk)) => {
                    meter.take(&chunk)?;
                    head.extend_from_slice(&chunk);
                }
                Some(Err(err)) => return Err(PutError::Body(err)),
                None => {
                    ended = true;
                    break;
                }
            }
        }
        if head.is_empty() {
            return Err(PutError::Empty);
        }
        let content_type = sniff(&head).ok_or(PutError::Unsupported)?;

        // 2. Up to one part in memory: a short document is one plain PUT.
        let mut part: Vec<Bytes> = vec![head.freeze()];
        let mut part_len: usize = part.iter().map(Bytes::len).sum();
        while !ended && part_len < PART_BYTES {
            match body.next().await {
                Some(Ok(chunk)) => {
                    meter.take(&chunk)?;
                    part_len += chunk.len();
                    part.push(chunk);
                }
                Some(Err(err)) => return Err(PutError::Body(err)),
                None => ended = true,
            }
        }
        let path = Self::path(key);
        if ended {
            self.inner
                .put(&path, PutPayload::from_iter(part))
                .await
                .map_err(|e| PutError::Store(e.into()))?;
        } else {
            // 3. A long one streams as a multipart upload, one part at a time.
            let upload = self
                .inner
                .put_multipart(&path)
                .await
                .map_err(|e| PutError::Store(e.into()))?;
            let mut writer = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(
                upload, PART_BYTES,
            )));
            for chunk in part {
                writer.get()?.put(chunk);
            }
            loop {
                // Backpressure: at most two parts in flight.
                if let Err(err) = writer.get()?.wait_for_capacity(2).await {
                    writer.abort().await;
                    return Err(PutError::Store(err.into()));
                }
                match body.next().await {
                    Some(Ok(chunk)) => {
                        if let Err(err) = meter.take(&chunk) {
                            writer.abort().await;
                            return Err(err);
                        }
                        writer.get()?.put(chunk);
                    }
                    Some(Err(err)) => {
                        writer.abort().await;
                        return Err(PutError::Body(err));
                    }
                    None => break,
                }
            }
            let Some(upload) = writer.0.take() else {
                return Err(PutError::Store(anyhow::anyhow!(
                    "multipart upload already ended"
                )));
            };
            if let Err(err) = upload.finish().await {
                // finish() aborts the upload itself when a part fails.
                return Err(PutError::Store(err.into()));
            }
        }
        Ok(Stored {
            key: key.clone(),
            size: meter.size,
            sha256: hex::encode(meter.hash.finalize()),
            content_type,
        })
    }

    async fn get(&self, key: &DocumentKey) -> Result<Download, StoreError> {
        let result = self.inner.get(&Self::path(key)).await.map_err(store_err)?;
        let size = result.meta.size;
        let body = result
            .into_stream()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .boxed();
        Ok(Download { size, body })
    }

    async fn head(&self, key: &DocumentKey) -> Result<Option<u64>, StoreError> {
        match self.inner.head(&Self::path(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(StoreError::Other(other.into())),
        }
    }

    async fn delete(&self, key: &DocumentKey) -> Result<(), StoreError> {
        match self.inner.delete(&Self::path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(StoreError::Other(other.into())),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Listed>, StoreError> {
        let prefix = ObjectPath::from(prefix);
        let metas: Vec<_> = self
            .inner
            .list(Some(&prefix))
            .try_collect()
            .await
            .map_err(store_err)?;
        metas
            .into_iter()
            .map(|m| {
                let key = DocumentKey::parse(m.location.as_ref())
                    .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
                Ok(Listed {
                    key,
                    size: m.size,
                    modified: m.last_modified,
                })
            })
            .collect()
    }
}

//! Key usage counting without a database write per request (KEY-7): counts gather in memory and are added to the
//! database atomically every few seconds and on graceful shutdown. A failed flush keeps its counts (bounded) for
//! the next attempt.

use crate::db::{ApiKeyAuthStore, ApiKeyId, KeyUsage};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Keys tracked at most while the database is down; beyond that new keys' counts are dropped with a warning.
const MAX_PENDING_KEYS: usize = 100_000;

#[derive(Default)]
pub struct UsageBuffer {
    pending: Mutex<HashMap<ApiKeyId, (i64, DateTime<Utc>)>>,
    /// Held for writing while a flush moves counts from memory to the database, and for reading while a key is
    /// shown (stored row + pending counts), so a shown count is never caught half-way (counted twice or not at all).
    gate: tokio::sync::RwLock<()>,
}

impl UsageBuffer {
    pub fn record(&self, key: ApiKeyId, at: DateTime<Utc>) {
        self.add(key, 1, at);
    }

    fn add(&self, key: ApiKeyId, count: i64, at: DateTime<Utc>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() >= MAX_PENDING_KEYS && !pending.contains_key(&key) {
            tracing::warn!(key_id = key.0, "usage buffer full; count dropped");
            return;
        }
        let entry = pending.entry(key).or_insert((0, at));
        entry.0 += count;
        if at > entry.1 {
            entry.1 = at;
        }
    }

    /// Unwritten uses of one key (added to stored figures when a key is shown).
    pub fn pending(&self, key: ApiKeyId) -> Option<(i64, DateTime<Utc>)> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied()
    }

    /// Hold this while reading a key's stored usage and adding [`Self::pending`] to it.
    pub async fn read_gate(&self) -> tokio::sync::RwLockReadGuard<'_, ()> {
        self.gate.read().await
    }

    /// Writes the gathered counts; on failure they return to the buffer.
    pub async fn flush(&self, store: &dyn ApiKeyAuthStore) {
        if self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
        {
            return;
        }
        let _gate = self.gate.write().await;
        let batch: Vec<KeyUsage> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending
                .drain()
                .map(|(key_id, (count, last_used_at))| KeyUsage {
                    key_id,
                    count,
                    last_used_at,
                })
                .collect()
        };
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.add_key_usage(&batch).await {
            tracing::warn!(error = %e, keys = batch.len(), "key usage flush failed; will retry");
            for u in batch {
                self.add(u.key_id, u.count, u.last_used_at);
            }
        }
    }
}

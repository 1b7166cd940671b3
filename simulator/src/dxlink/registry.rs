//! Open DXLink sockets: their counters for `/sim/market/stats`, and a way to drop them all.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{json, Value};
use tokio::sync::watch;

/// What one socket has done, for tests that check "no duplicate subscriptions".
#[derive(Debug, Clone, Default)]
pub struct SocketStats {
    pub authorized: bool,
    pub channels: usize,
    /// Distinct (channel, type, symbol) subscriptions now.
    pub subscriptions: usize,
    /// Every `add` entry received, duplicates included.
    pub add_requests: u64,
    /// `add` entries for a subscription the channel already had.
    pub duplicate_adds: u64,
    pub messages_sent: u64,
    pub messages_received: u64,
    pub events_sent: u64,
}

impl SocketStats {
    pub fn json(&self, id: u64) -> Value {
        json!({
            "id": id,
            "authorized": self.authorized,
            "channels": self.channels,
            "subscriptions": self.subscriptions,
            "add-requests": self.add_requests,
            "duplicate-adds": self.duplicate_adds,
            "messages-sent": self.messages_sent,
            "messages-received": self.messages_received,
            "events-sent": self.events_sent,
        })
    }
}

pub struct Registry {
    next_id: AtomicU64,
    opened: AtomicU64,
    sent_by_closed: AtomicU64,
    sockets: Mutex<BTreeMap<u64, Arc<Mutex<SocketStats>>>>,
    /// Bumped to drop every open socket.
    drop_all: watch::Sender<u64>,
}

impl Default for Registry {
    fn default() -> Self {
        Self {
            next_id: AtomicU64::new(1),
            opened: AtomicU64::new(0),
            sent_by_closed: AtomicU64::new(0),
            sockets: Mutex::new(BTreeMap::new()),
            drop_all: watch::channel(0).0,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A socket's entry; it leaves the registry when dropped.
pub struct Handle<'a> {
    registry: &'a Registry,
    pub id: u64,
    pub stats: Arc<Mutex<SocketStats>>,
    pub dropped: watch::Receiver<u64>,
}

impl Handle<'_> {
    pub fn update(&self, f: impl FnOnce(&mut SocketStats)) {
        f(&mut lock(&self.stats));
    }
}

impl Drop for Handle<'_> {
    fn drop(&mut self) {
        let sent = lock(&self.stats).messages_sent;
        self.registry
            .sent_by_closed
            .fetch_add(sent, Ordering::SeqCst);
        lock(&self.registry.sockets).remove(&self.id);
    }
}

impl Registry {
    pub fn open(&self) -> Handle<'_> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        self.opened.fetch_add(1, Ordering::SeqCst);
        let stats = Arc::new(Mutex::new(SocketStats::default()));
        lock(&self.sockets).insert(id, stats.clone());
        let mut dropped = self.drop_all.subscribe();
        dropped.mark_unchanged();
        Handle {
            registry: self,
            id,
            stats,
            dropped,
        }
    }

    /// Every open socket closes (as a network drop would). Returns how many were open.
    pub fn drop_all(&self) -> usize {
        let open = lock(&self.sockets).len();
        self.drop_all.send_modify(|n| *n += 1);
        open
    }

    pub fn stats_json(&self) -> Value {
        let sockets = lock(&self.sockets);
        let per: Vec<Value> = sockets.iter().map(|(id, s)| lock(s).json(*id)).collect();
        let live_sent: u64 = sockets.values().map(|s| lock(s).messages_sent).sum();
        json!({
            "open-sockets": sockets.len(),
            "sockets-opened": self.opened.load(Ordering::SeqCst),
            "messages-sent": live_sent + self.sent_by_closed.load(Ordering::SeqCst),
            "sockets": per,
        })
    }
}

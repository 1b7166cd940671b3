//! The app keeps itself under tastytrade's order rate (60 submissions a minute per account;
//! docs/tastytrade.md §4.4) before it sends: the times of this browser's recent sends per account
//! are kept in `localStorage` (times only, nothing secret), so a reload does not reset the count,
//! and the ticket says when the next order can go instead of sending one tastytrade would refuse.
//! A self-hoster changes the rate at build time with `POCKET_ORDER_RATE_PER_MIN`.

const WINDOW_MS: f64 = 60_000.0;
const STORAGE_KEY: &str = "pocket-order-sends";

/// Orders per minute per account this build allows itself.
pub fn rate_per_min() -> usize {
    option_env!("POCKET_ORDER_RATE_PER_MIN")
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(60)
}

/// How long until another order may go (ms), given the send times in the window; `None`: now.
pub fn wait_ms(sent: &[f64], now: f64, per_min: usize) -> Option<f64> {
    let mut recent: Vec<f64> = sent
        .iter()
        .copied()
        .filter(|t| now - t < WINDOW_MS && *t <= now)
        .collect();
    if recent.len() < per_min {
        return None;
    }
    recent.sort_by(|a, b| a.total_cmp(b));
    // The slot frees when the oldest of the last `per_min` sends leaves the window.
    let oldest = recent[recent.len() - per_min];
    Some((oldest + WINDOW_MS - now).max(0.0))
}

/// `[(account, [epoch ms…])…]` as stored.
type Stored = Vec<(String, Vec<f64>)>;

fn load() -> Stored {
    let storage = window().local_storage().ok().flatten();
    storage
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn window() -> web_sys::Window {
    leptos::prelude::window()
}

/// This browser's recent send times for `account`.
pub fn sent(account: &str) -> Vec<f64> {
    load()
        .into_iter()
        .find(|(a, _)| a == account)
        .map(|(_, t)| t)
        .unwrap_or_default()
}

/// Records a send for `account` now (older entries are dropped).
pub fn record(account: &str, now: f64) {
    let mut all = load();
    for (_, times) in all.iter_mut() {
        times.retain(|t| now - t < WINDOW_MS);
    }
    match all.iter_mut().find(|(a, _)| a == account) {
        Some((_, times)) => times.push(now),
        None => all.push((account.to_owned(), vec![now])),
    }
    all.retain(|(_, t)| !t.is_empty());
    if let (Some(storage), Ok(text)) = (
        window().local_storage().ok().flatten(),
        serde_json::to_string(&all),
    ) {
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_slot_frees_when_the_oldest_send_leaves_the_minute() {
        let now = 1_000_000.0;
        let sends: Vec<f64> = (0..60)
            .map(|i| now - 59_000.0 + f64::from(i) * 100.0)
            .collect();
        assert_eq!(wait_ms(&sends, now, 60), Some(1_000.0));
        assert_eq!(wait_ms(&sends[1..], now, 60), None);
        // Old and future-dated entries do not count.
        let mut stale = sends.clone();
        stale[0] = now - 61_000.0;
        assert_eq!(wait_ms(&stale, now, 60), None);
        stale[0] = now + 5_000.0;
        assert_eq!(wait_ms(&stale, now, 60), None);
        assert_eq!(wait_ms(&[now - 10.0], now, 1), Some(59_990.0));
        assert_eq!(rate_per_min(), 60);
    }
}

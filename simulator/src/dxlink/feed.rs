//! One FEED channel: its negotiated format, aggregation period and fields, its subscriptions,
//! and what it sends at each flush (one event type per FEED_DATA, a FEED_CONFIG announcing a
//! type's fields before that type's first data).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::dxlink::events::{self, EventType, Subject, SNAPSHOT_BEGIN, SNAPSHOT_END};
use crate::market::history::Bar;
use crate::market::symbols::parse_candle;
use crate::market::{Instrument, Market};

/// Default aggregation period (what tastytrade's web platform asks for).
const DEFAULT_PERIOD: f64 = 0.1;
/// Longest aggregation period accepted; longer requests are clamped.
const MAX_PERIOD: f64 = 60.0;
/// Events per FEED_DATA message at most (a candle history can be long).
const MAX_EVENTS_PER_MESSAGE: usize = 2000;
/// Candles one snapshot carries at most (the newest).
const MAX_CANDLES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Compact,
    Full,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Self::Compact => "COMPACT",
            Self::Full => "FULL",
        }
    }
}

#[derive(Debug, Default)]
struct Sub {
    from_time: Option<i64>,
    /// Hash of the last event sent (None: nothing sent yet).
    last_sent: Option<u64>,
    /// Candles: the snapshot went out; the start of the newest candle sent.
    candle_from: Option<i64>,
}

/// How a FEED_SUBSCRIPTION changed the channel, for the socket's counters.
#[derive(Debug, Default, Clone, Copy)]
pub struct SubscriptionChange {
    pub added: u64,
    pub duplicates: u64,
}

pub struct Channel {
    format: Format,
    period: Duration,
    /// Fields asked for per type name (verbatim, in order).
    fields: HashMap<String, Vec<String>>,
    /// Types whose fields were announced since they last changed.
    announced: BTreeSet<EventType>,
    subs: BTreeMap<(String, String), Sub>,
    last_flush: Option<Instant>,
    /// New subscriptions wait for their first data; they don't wait a whole period.
    fresh: bool,
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|f| f.as_str().map(str::to_owned))
        .collect()
}

fn hash_values(values: &[Value]) -> u64 {
    let mut h = DefaultHasher::new();
    for v in values {
        v.to_string().hash(&mut h);
    }
    h.finish()
}

impl Default for Channel {
    fn default() -> Self {
        Self {
            format: Format::Compact,
            period: Duration::from_secs_f64(DEFAULT_PERIOD),
            fields: HashMap::new(),
            announced: BTreeSet::new(),
            subs: BTreeMap::new(),
            last_flush: None,
            fresh: false,
        }
    }
}

impl Channel {
    pub fn subscriptions(&self) -> usize {
        self.subs.len()
    }

    /// The fields `kind` is sent with: what the client asked for, else the defaults.
    fn fields_of(&self, kind: EventType) -> Vec<String> {
        self.fields.get(kind.name()).cloned().unwrap_or_else(|| {
            kind.default_fields()
                .iter()
                .map(|f| f.to_string())
                .collect()
        })
    }

    /// `FEED_CONFIG` as it stands, with the fields of `types`.
    fn config(&self, channel: u64, types: &[EventType]) -> Value {
        let mut msg = json!({
            "type": "FEED_CONFIG",
            "channel": channel,
            "aggregationPeriod": self.period.as_secs_f64(),
            "dataFormat": self.format.name(),
        });
        if !types.is_empty() {
            let fields: Map<String, Value> = types
                .iter()
                .map(|t| (t.name().to_owned(), json!(self.fields_of(*t))))
                .collect();
            msg["eventFields"] = Value::Object(fields);
        }
        msg
    }

    /// Applies a FEED_SETUP; answers the FEED_CONFIG it results in. Fields given for a type
    /// are echoed verbatim and in order, unknown names included.
    pub fn setup(&mut self, channel: u64, msg: &Value) -> Result<Value, String> {
        if let Some(period) = msg.get("acceptAggregationPeriod").filter(|v| !v.is_null()) {
            let secs = period
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or("acceptAggregationPeriod must be a non-negative number")?;
            self.period = Duration::from_secs_f64(secs.min(MAX_PERIOD));
        }
        match msg.get("acceptDataFormat").and_then(Value::as_str) {
            None => {}
            Some("COMPACT") => self.format = Format::Compact,
            Some("FULL") => self.format = Format::Full,
            Some(other) => return Err(format!("unknown data format {other}")),
        }
        let mut announced = Vec::new();
        if let Some(accept) = msg.get("acceptEventFields").filter(|v| !v.is_null()) {
            let accept = accept
                .as_object()
                .ok_or("acceptEventFields must be an object")?;
            for (name, list) in accept {
                let list = strings(list).ok_or("acceptEventFields lists must be strings")?;
                self.fields.insert(name.clone(), list);
                if let Some(kind) = EventType::parse(name) {
                    self.announced.remove(&kind);
                    announced.push(kind);
                }
            }
        }
        // The answer carries the fields just set; the others are announced before their data.
        for kind in &announced {
            self.announced.insert(*kind);
        }
        Ok(self.config(channel, &announced))
    }

    /// Applies a FEED_SUBSCRIPTION: `reset` first, then `remove` (no `fromTime` needed),
    /// then `add`. A re-added candle with a new `fromTime` gets a new snapshot.
    pub fn subscribe(&mut self, msg: &Value) -> Result<SubscriptionChange, String> {
        let mut change = SubscriptionChange::default();
        if msg.get("reset").and_then(Value::as_bool) == Some(true) {
            self.subs.clear();
        }
        let entries = |key: &str| -> Result<Vec<(String, String, Option<i64>)>, String> {
            let Some(list) = msg.get(key).filter(|v| !v.is_null()) else {
                return Ok(Vec::new());
            };
            list.as_array()
                .ok_or(format!("{key} must be a list"))?
                .iter()
                .map(|e| {
                    let kind = e.get("type").and_then(Value::as_str);
                    let symbol = e.get("symbol").and_then(Value::as_str);
                    match (kind, symbol) {
                        (Some(k), Some(s)) => Ok((
                            k.to_owned(),
                            s.to_owned(),
                            e.get("fromTime").and_then(Value::as_i64),
                        )),
                        _ => Err(format!("{key} entries need type and symbol")),
                    }
                })
                .collect()
        };
        let (remove, add) = (entries("remove")?, entries("add")?);
        for (kind, symbol, _) in remove {
            self.subs.remove(&(kind, symbol));
        }
        for (kind, symbol, from_time) in add {
            change.added += 1;
            match self.subs.get_mut(&(kind.clone(), symbol.clone())) {
                Some(sub) => {
                    change.duplicates += 1;
                    if kind == "Candle" && sub.from_time != from_time {
                        *sub = Sub {
                            from_time,
                            ..Sub::default()
                        };
                        self.fresh = true;
                    }
                }
                None => {
                    self.subs.insert(
                        (kind, symbol),
                        Sub {
                            from_time,
                            ..Sub::default()
                        },
                    );
                    self.fresh = true;
                }
            }
        }
        Ok(change)
    }

    /// The messages due now: nothing unless new subscriptions wait or a period has passed.
    /// Returns (messages, events sent).
    pub fn flush(&mut self, channel: u64, market: &Market, now: Instant) -> (Vec<Value>, u64) {
        let due = self.fresh
            || self
                .last_flush
                .is_none_or(|at| now.saturating_duration_since(at) >= self.period);
        if !due || self.subs.is_empty() {
            return (Vec::new(), 0);
        }
        self.fresh = false;
        self.last_flush = Some(now);
        let mut by_type: BTreeMap<EventType, Vec<Vec<Value>>> = BTreeMap::new();
        let fields: HashMap<EventType, Vec<String>> = EventType::ALL
            .iter()
            .map(|t| (*t, self.fields_of(*t)))
            .collect();
        for ((kind, symbol), sub) in self.subs.iter_mut() {
            let Some(kind) = EventType::parse(kind) else {
                continue;
            };
            let fields = &fields[&kind];
            let events = by_type.entry(kind).or_default();
            if kind == EventType::Candle {
                candle_events(market, symbol, sub, fields, events);
                continue;
            }
            let Some(inst) = market.resolve(symbol) else {
                continue;
            };
            let Some(values) = Subject::new(market, symbol, &inst).event(kind, fields) else {
                continue;
            };
            let hash = hash_values(&values);
            if sub.last_sent != Some(hash) {
                sub.last_sent = Some(hash);
                events.push(values);
            }
        }
        let mut out = Vec::new();
        let mut count = 0;
        for (kind, events) in by_type {
            if events.is_empty() {
                continue;
            }
            if self.announced.insert(kind) {
                out.push(self.config(channel, &[kind]));
            }
            count += events.len() as u64;
            for chunk in events.chunks(MAX_EVENTS_PER_MESSAGE) {
                out.push(self.data(channel, kind, &fields[&kind], chunk));
            }
        }
        (out, count)
    }

    fn data(
        &self,
        channel: u64,
        kind: EventType,
        fields: &[String],
        events: &[Vec<Value>],
    ) -> Value {
        let data = match self.format {
            Format::Compact => {
                let flat: Vec<Value> = events.iter().flatten().cloned().collect();
                json!([kind.name(), flat])
            }
            Format::Full => {
                let objects: Vec<Value> = events
                    .iter()
                    .map(|values| {
                        let mut obj = Map::new();
                        obj.insert("eventType".into(), json!(kind.name()));
                        for (f, v) in fields.iter().zip(values) {
                            obj.insert(f.clone(), v.clone());
                        }
                        Value::Object(obj)
                    })
                    .collect();
                Value::Array(objects)
            }
        };
        json!({ "type": "FEED_DATA", "channel": channel, "data": data })
    }
}

/// A candle subscription's events: first the history from `fromTime`, newest first, framed
/// as a snapshot; then updates of the newest candle (and the one it replaced, once final).
fn candle_events(
    market: &Market,
    symbol: &str,
    sub: &mut Sub,
    fields: &[String],
    out: &mut Vec<Vec<Value>>,
) {
    let Some(candle) = parse_candle(symbol) else {
        return;
    };
    let Some(Instrument::Underlying(i)) = market.resolve(&candle.base) else {
        return;
    };
    match sub.candle_from {
        None => {
            let mut bars = market.candles(i, candle.period, sub.from_time.unwrap_or(0));
            if bars.len() > MAX_CANDLES {
                bars.drain(..bars.len() - MAX_CANDLES);
            }
            sub.candle_from = Some(bars.last().map_or(i64::MIN, |b| b.time));
            sub.last_sent = bars.last().map(hash_bar);
            if bars.is_empty() {
                out.push(events::empty_candle(symbol, fields));
                return;
            }
            let n = bars.len();
            for (k, bar) in bars.iter().rev().enumerate() {
                let mut flags = 0;
                if k == 0 {
                    flags |= SNAPSHOT_BEGIN;
                }
                if k + 1 == n {
                    flags |= SNAPSHOT_END;
                }
                out.push(events::candle(symbol, bar, flags, fields));
            }
        }
        Some(newest) => {
            let recent = market.candles(i, candle.period, newest);
            for bar in recent.iter().filter(|b| b.time >= newest) {
                let hash = hash_bar(bar);
                if bar.time > newest || sub.last_sent != Some(hash) {
                    out.push(events::candle(symbol, bar, 0, fields));
                }
                sub.candle_from = Some(bar.time);
                sub.last_sent = Some(hash);
            }
        }
    }
}

fn hash_bar(bar: &Bar) -> u64 {
    let mut h = DefaultHasher::new();
    for v in [bar.open, bar.high, bar.low, bar.close, bar.volume] {
        v.to_bits().hash(&mut h);
    }
    bar.time.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_checks_what_it_is_given() {
        let mut ch = Channel::default();
        let config = ch
            .setup(
                3,
                &json!({"acceptAggregationPeriod": 120, "acceptDataFormat": "FULL",
                "acceptEventFields": {"Greeks": ["eventSymbol", "delta"], "Order": ["x"]}}),
            )
            .unwrap();
        assert_eq!(config["aggregationPeriod"], 60.0, "clamped");
        assert_eq!(config["dataFormat"], "FULL");
        assert_eq!(
            config["eventFields"],
            json!({"Greeks": ["eventSymbol", "delta"]})
        );
        assert!(ch.setup(3, &json!({"acceptDataFormat": "XML"})).is_err());
        assert!(ch
            .setup(3, &json!({"acceptAggregationPeriod": -1}))
            .is_err());
        assert!(ch
            .setup(3, &json!({"acceptEventFields": {"Quote": [1]}}))
            .is_err());
        // Nothing given: nothing changes, and the answer says so.
        let same = ch.setup(3, &json!({})).unwrap();
        assert_eq!(same["dataFormat"], "FULL");
        assert!(same.get("eventFields").is_none());
    }

    #[test]
    fn subscriptions_reset_remove_add_and_count_duplicates() {
        let mut ch = Channel::default();
        let add = |s: &str| json!({"type": "Quote", "symbol": s});
        ch.subscribe(&json!({"add": [add("A"), add("B"), add("A")]}))
            .unwrap();
        assert_eq!(ch.subscriptions(), 2);
        let change = ch
            .subscribe(&json!({"remove": [add("B")], "add": [add("A")]}))
            .unwrap();
        assert_eq!((change.added, change.duplicates), (1, 1));
        assert_eq!(ch.subscriptions(), 1);
        ch.subscribe(&json!({"reset": true, "add": [add("C")]}))
            .unwrap();
        assert_eq!(ch.subscriptions(), 1);
        assert!(ch.subs.contains_key(&("Quote".to_owned(), "C".to_owned())));
        assert!(ch.subscribe(&json!({"add": [{"symbol": "C"}]})).is_err());
        assert!(ch.subscribe(&json!({"add": {"type": "Quote"}})).is_err());
    }
}

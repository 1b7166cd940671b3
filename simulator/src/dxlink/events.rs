//! DXLink events as field values (docs/contracts.md, simulator § DXLink): the fields a client
//! asked for, in its order, any name the simulator doesn't know valued `"NaN"`. Numbers that
//! are not finite go out as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.

use serde_json::{json, Value};

use crate::market::history::Bar;
use crate::market::{Instrument, Market, OptionView, Snapshot};

/// The event types the simulator serves (the api-level entitlements plus Candle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    Quote,
    Trade,
    Greeks,
    Summary,
    Profile,
    Candle,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        Self::Quote,
        Self::Trade,
        Self::Greeks,
        Self::Summary,
        Self::Profile,
        Self::Candle,
    ];

    /// `None` for types the simulator doesn't serve (TimeAndSale, TheoPrice, Underlying,
    /// TradeETH, Order…): subscriptions to them are kept but never answered.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Quote => "Quote",
            Self::Trade => "Trade",
            Self::Greeks => "Greeks",
            Self::Summary => "Summary",
            Self::Profile => "Profile",
            Self::Candle => "Candle",
        }
    }

    /// The fields announced when a client asks for none (every field the simulator fills).
    pub fn default_fields(self) -> &'static [&'static str] {
        match self {
            Self::Quote => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "sequence",
                "timeNanoPart",
                "bidTime",
                "bidExchangeCode",
                "bidPrice",
                "bidSize",
                "askTime",
                "askExchangeCode",
                "askPrice",
                "askSize",
            ],
            Self::Trade => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "time",
                "timeNanoPart",
                "sequence",
                "exchangeCode",
                "price",
                "change",
                "size",
                "dayId",
                "dayVolume",
                "dayTurnover",
                "tickDirection",
                "extendedTradingHours",
            ],
            Self::Greeks => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "eventFlags",
                "index",
                "time",
                "sequence",
                "price",
                "volatility",
                "delta",
                "gamma",
                "theta",
                "rho",
                "vega",
            ],
            Self::Summary => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "dayId",
                "dayOpenPrice",
                "dayHighPrice",
                "dayLowPrice",
                "dayClosePrice",
                "dayClosePriceType",
                "prevDayId",
                "prevDayClosePrice",
                "prevDayClosePriceType",
                "prevDayVolume",
                "openInterest",
            ],
            Self::Profile => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "description",
                "shortSaleRestriction",
                "tradingStatus",
                "statusReason",
                "haltStartTime",
                "haltEndTime",
                "highLimitPrice",
                "lowLimitPrice",
                "high52WeekPrice",
                "low52WeekPrice",
                "beta",
                "earningsPerShare",
                "dividendFrequency",
                "exDividendAmount",
                "exDividendDayId",
                "shares",
                "freeFloat",
            ],
            Self::Candle => &[
                "eventType",
                "eventSymbol",
                "eventTime",
                "eventFlags",
                "index",
                "time",
                "sequence",
                "count",
                "open",
                "high",
                "low",
                "close",
                "volume",
                "VWAP",
                "bidVolume",
                "askVolume",
                "impVolatility",
                "openInterest",
            ],
        }
    }
}

/// Snapshot framing flags of indexed events (dxFeed `IndexedEvent`).
pub const REMOVE_EVENT: i64 = 0x02;
pub const SNAPSHOT_BEGIN: i64 = 0x04;
pub const SNAPSHOT_END: i64 = 0x08;

/// A JSON number, or DXLink's string for a non-finite one.
pub fn num(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v.is_infinite() {
        json!(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(v)
    }
}

/// A time-indexed event's index: seconds in the high 32 bits (dxFeed's layout).
fn index_of(time_ms: i64) -> i64 {
    (time_ms / 1000) << 32
}

/// What an event about one instrument is built from.
pub struct Subject<'a> {
    pub market: &'a Market,
    pub symbol: &'a str,
    pub instrument: &'a Instrument,
    pub snap: Snapshot,
    pub option: Option<OptionView>,
}

impl<'a> Subject<'a> {
    pub fn new(market: &'a Market, symbol: &'a str, instrument: &'a Instrument) -> Self {
        let option = match instrument {
            Instrument::Option(o) => Some(market.option_view(o)),
            Instrument::Underlying(_) => None,
        };
        Self {
            market,
            symbol,
            instrument,
            snap: market.snapshot(instrument),
            option,
        }
    }

    fn exchange(&self) -> &'static str {
        match self.instrument {
            Instrument::Underlying(i) => self.market.underlying(*i).listing.exchange,
            Instrument::Option(_) => "C",
        }
    }

    /// One event's values for `fields`; `None` when the type doesn't apply (Greeks of a
    /// stock), which the caller leaves unanswered.
    pub fn event(&self, kind: EventType, fields: &[String]) -> Option<Vec<Value>> {
        if kind == EventType::Greeks && self.option.is_none() {
            return None;
        }
        Some(fields.iter().map(|f| self.value(kind, f)).collect())
    }

    fn value(&self, kind: EventType, field: &str) -> Value {
        let s = &self.snap;
        let m = self.market;
        let session = m.session;
        match (kind, field) {
            (_, "eventType") => json!(kind.name()),
            (_, "eventSymbol") => json!(self.symbol),
            (_, "eventTime") => json!(0),
            (EventType::Quote, "sequence" | "timeNanoPart") => json!(0),
            (EventType::Quote, "bidTime" | "askTime") => json!(s.quote_time),
            (EventType::Quote, "bidExchangeCode" | "askExchangeCode") => json!(self.exchange()),
            (EventType::Quote, "bidPrice") => num(s.bid),
            (EventType::Quote, "askPrice") => num(s.ask),
            (EventType::Quote, "bidSize") => num(s.bid_size as f64),
            (EventType::Quote, "askSize") => num(s.ask_size as f64),
            (EventType::Trade, "time") => json!(s.trade_time),
            (EventType::Trade, "timeNanoPart" | "sequence") => json!(0),
            (EventType::Trade, "exchangeCode") => json!(self.exchange()),
            (EventType::Trade, "price") => num(s.last),
            (EventType::Trade, "change") => num(s.last - s.prev_close),
            (EventType::Trade, "size") => num(s.last_size as f64),
            (EventType::Trade, "dayId") => json!(session.day_id()),
            (EventType::Trade, "dayVolume") => num(s.volume),
            (EventType::Trade, "dayTurnover") => num(s.volume * s.mark),
            (EventType::Trade, "tickDirection") => json!(self.tick_direction()),
            (EventType::Trade, "extendedTradingHours") => json!(false),
            (EventType::Greeks, _) => self.greek(field),
            (EventType::Summary, "dayId") => json!(session.day_id()),
            (EventType::Summary, "dayOpenPrice") => num(s.open),
            (EventType::Summary, "dayHighPrice") => num(s.high),
            (EventType::Summary, "dayLowPrice") => num(s.low),
            (EventType::Summary, "dayClosePrice") => num(f64::NAN),
            (EventType::Summary, "dayClosePriceType") => json!("REGULAR"),
            (EventType::Summary, "prevDayId") => json!(session.previous().day_id()),
            (EventType::Summary, "prevDayClosePrice") => num(s.prev_close),
            (EventType::Summary, "prevDayClosePriceType") => json!("FINAL"),
            (EventType::Summary, "prevDayVolume") => num(s.prev_volume),
            // 0 rather than NaN on equities: tastyware drops a Summary with a NaN here.
            (EventType::Summary, "openInterest") => json!(s.open_interest),
            (EventType::Profile, _) => self.profile(field),
            _ => num(f64::NAN),
        }
    }

    fn tick_direction(&self) -> &'static str {
        match self.instrument {
            Instrument::Underlying(i) => self.market.underlying(*i).tick_direction,
            Instrument::Option(_) => "UNDEFINED",
        }
    }

    fn greek(&self, field: &str) -> Value {
        let Some(v) = self.option else {
            return num(f64::NAN);
        };
        let time = self.market.tick_ms();
        match field {
            "eventFlags" | "sequence" => json!(0),
            "index" => json!(index_of(time)),
            "time" => json!(time),
            "price" => num(v.theo),
            "volatility" => num(v.iv),
            "delta" => num(v.greeks.delta),
            "gamma" => num(v.greeks.gamma),
            "theta" => num(v.greeks.theta),
            "rho" => num(v.greeks.rho),
            "vega" => num(v.greeks.vega),
            _ => num(f64::NAN),
        }
    }

    fn profile(&self, field: &str) -> Value {
        let s = &self.snap;
        let listing = match self.instrument {
            Instrument::Underlying(i) => Some(&self.market.underlying(*i).listing),
            Instrument::Option(_) => None,
        };
        match field {
            "description" => json!(match (listing, self.instrument) {
                (Some(l), _) => l.description.clone(),
                (None, Instrument::Option(o)) => o.description.clone(),
                (None, _) => String::new(),
            }),
            "shortSaleRestriction" => json!("INACTIVE"),
            "tradingStatus" => json!("ACTIVE"),
            "statusReason" => json!(""),
            "haltStartTime" | "haltEndTime" | "exDividendDayId" => json!(0),
            "highLimitPrice" => num(s.prev_close * 1.1),
            "lowLimitPrice" => num(s.prev_close * 0.9),
            "high52WeekPrice" => num(s.high_52),
            "low52WeekPrice" => num(s.low_52),
            "beta" => num(listing.map_or(f64::NAN, |l| l.beta)),
            _ => num(f64::NAN),
        }
    }
}

/// A candle's values; `flags` frames the snapshot.
pub fn candle(symbol: &str, bar: &Bar, flags: i64, fields: &[String]) -> Vec<Value> {
    fields
        .iter()
        .map(|f| match f.as_str() {
            "eventType" => json!("Candle"),
            "eventSymbol" => json!(symbol),
            "eventTime" | "sequence" => json!(0),
            "eventFlags" => json!(flags),
            "index" => json!(index_of(bar.time)),
            "time" => json!(bar.time),
            "count" => json!(bar.count),
            "open" => num(bar.open),
            "high" => num(bar.high),
            "low" => num(bar.low),
            "close" => num(bar.close),
            "volume" => num(bar.volume),
            // The spec's name is VWAP; tastyware asks for vwap (docs/tastytrade.md §6.9 has
            // the open question): both get the value.
            "VWAP" | "vwap" => num(bar.vwap()),
            _ => num(f64::NAN),
        })
        .collect()
}

/// The event an empty candle snapshot consists of: begin, end and remove, NaN prices.
pub fn empty_candle(symbol: &str, fields: &[String]) -> Vec<Value> {
    let bar = Bar::flat(0, f64::NAN);
    let mut values = candle(
        symbol,
        &bar,
        SNAPSHOT_BEGIN | SNAPSHOT_END | REMOVE_EVENT,
        fields,
    );
    for (f, v) in fields.iter().zip(values.iter_mut()) {
        if f == "count" {
            *v = json!(0);
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn non_finite_numbers_are_strings() {
        assert_eq!(num(f64::NAN), json!("NaN"));
        assert_eq!(num(f64::INFINITY), json!("Infinity"));
        assert_eq!(num(f64::NEG_INFINITY), json!("-Infinity"));
        assert_eq!(num(1.5), json!(1.5));
    }

    #[test]
    fn candles_follow_the_requested_fields() {
        let mut bar = Bar::flat(1_764_688_200_000, 245.0);
        bar.update(246.0, 100.0);
        let fields = names(&[
            "eventSymbol",
            "time",
            "eventFlags",
            "close",
            "vwap",
            "VWAP",
            "odd",
        ]);
        let values = candle("AAPL{=5m}", &bar, SNAPSHOT_BEGIN, &fields);
        assert_eq!(
            values,
            vec![
                json!("AAPL{=5m}"),
                json!(1_764_688_200_000i64),
                json!(4),
                json!(246.0),
                json!(246.0),
                json!(246.0),
                json!("NaN"),
            ]
        );
        let empty = empty_candle("X{=1d}", &names(&["eventFlags", "count", "open"]));
        assert_eq!(empty, vec![json!(14), json!(0), json!("NaN")]);
    }

    #[test]
    fn every_type_has_defaults_and_a_name_it_parses_back() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.name()), Some(t));
            assert!(t
                .default_fields()
                .starts_with(&["eventType", "eventSymbol"]));
        }
        assert_eq!(EventType::parse("TimeAndSale"), None);
    }
}

//! DXLink market events and `FEED_DATA` decoding (docs/tastytrade.md §6.9).
//!
//! We ask for exactly the fields we decode ([`EventType::requested_fields`]) and decode every
//! message against the layout the server announced in `FEED_CONFIG.eventFields`, falling back
//! to what we asked for ([`FeedLayout`]): decoding against the requested layout when the server
//! chose another has caused real bugs (joaquinbejar/DXlink#63). Both data formats are read,
//! COMPACT (`[type, [values…], type, [values…]]`) and FULL (`[{eventType, eventSymbol, …}]`),
//! because the server has been seen switching a channel to FULL mid-session.
//!
//! Prices, sizes and Greeks are `Option<Decimal>`: `None` for `"NaN"`, `"Infinity"` and
//! anything else that is not a finite number. A JSON number is converted from its shortest text
//! (`559.36` stays exactly `559.36`; `1.3743299E7` → `13743299`), never through binary float
//! arithmetic.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::checked::Checked;

/// The event types the app subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        EventType::Quote,
        EventType::Trade,
        EventType::Greeks,
        EventType::Summary,
        EventType::Profile,
        EventType::Candle,
    ];

    /// The wire name (`"Quote"`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Quote => "Quote",
            EventType::Trade => "Trade",
            EventType::Greeks => "Greeks",
            EventType::Summary => "Summary",
            EventType::Profile => "Profile",
            EventType::Candle => "Candle",
        }
    }

    /// `None` for a type this client does not use (TradeETH, TimeAndSale, …): ignored.
    pub fn from_wire(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The fields our `FEED_SETUP` asks for, in order: exactly the ones [`Event`] keeps, with
    /// the names of the event-field table in docs/tastytrade.md §6.9, candle `vwap` in lower case
    /// (what tastyware asks for and gets, not the spec's `VWAP`).
    /// `eventType` is not asked for: the type is the pair's (or object's) own.
    pub fn requested_fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Self::Quote => &[EventSymbol, BidPrice, AskPrice, BidSize, AskSize],
            Self::Trade => &[EventSymbol, Time, Price, Change, Size, DayVolume],
            Self::Greeks => &[
                EventSymbol,
                Time,
                Price,
                Volatility,
                Delta,
                Gamma,
                Theta,
                Rho,
                Vega,
            ],
            Self::Summary => &[
                EventSymbol,
                DayOpenPrice,
                DayHighPrice,
                DayLowPrice,
                DayClosePrice,
                PrevDayClosePrice,
                OpenInterest,
            ],
            Self::Profile => &[
                EventSymbol,
                Description,
                TradingStatus,
                High52WeekPrice,
                Low52WeekPrice,
                Beta,
            ],
            Self::Candle => &[
                EventSymbol,
                EventFlags,
                Time,
                Open,
                High,
                Low,
                Close,
                Volume,
                Vwap,
            ],
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A field name on the wire. Names this client does not read map to [`Field::Other`] and are
/// skipped (their column still counts in a COMPACT row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    EventType,
    EventSymbol,
    EventFlags,
    Time,
    BidPrice,
    AskPrice,
    BidSize,
    AskSize,
    Price,
    Change,
    Size,
    DayVolume,
    Volatility,
    Delta,
    Gamma,
    Theta,
    Rho,
    Vega,
    DayOpenPrice,
    DayHighPrice,
    DayLowPrice,
    DayClosePrice,
    PrevDayClosePrice,
    OpenInterest,
    Description,
    TradingStatus,
    High52WeekPrice,
    Low52WeekPrice,
    Beta,
    Open,
    High,
    Low,
    Close,
    Volume,
    Vwap,
    Other,
}

/// Wire names, one table for both directions.
const FIELD_NAMES: [(Field, &str); 35] = [
    (Field::EventType, "eventType"),
    (Field::EventSymbol, "eventSymbol"),
    (Field::EventFlags, "eventFlags"),
    (Field::Time, "time"),
    (Field::BidPrice, "bidPrice"),
    (Field::AskPrice, "askPrice"),
    (Field::BidSize, "bidSize"),
    (Field::AskSize, "askSize"),
    (Field::Price, "price"),
    (Field::Change, "change"),
    (Field::Size, "size"),
    (Field::DayVolume, "dayVolume"),
    (Field::Volatility, "volatility"),
    (Field::Delta, "delta"),
    (Field::Gamma, "gamma"),
    (Field::Theta, "theta"),
    (Field::Rho, "rho"),
    (Field::Vega, "vega"),
    (Field::DayOpenPrice, "dayOpenPrice"),
    (Field::DayHighPrice, "dayHighPrice"),
    (Field::DayLowPrice, "dayLowPrice"),
    (Field::DayClosePrice, "dayClosePrice"),
    (Field::PrevDayClosePrice, "prevDayClosePrice"),
    (Field::OpenInterest, "openInterest"),
    (Field::Description, "description"),
    (Field::TradingStatus, "tradingStatus"),
    (Field::High52WeekPrice, "high52WeekPrice"),
    (Field::Low52WeekPrice, "low52WeekPrice"),
    (Field::Beta, "beta"),
    (Field::Open, "open"),
    (Field::High, "high"),
    (Field::Low, "low"),
    (Field::Close, "close"),
    (Field::Volume, "volume"),
    (Field::Vwap, "vwap"),
];

impl Field {
    /// The name we send (`vwap` in lower case; see [`EventType::requested_fields`]).
    pub fn as_str(self) -> &'static str {
        FIELD_NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, name)| name)
    }

    /// Reads a name the server announced; the spec's upper-case `VWAP` is the same column.
    pub fn from_wire(name: &str) -> Field {
        if name == "VWAP" {
            return Field::Vwap;
        }
        FIELD_NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map_or(Field::Other, |(f, _)| *f)
    }
}

/// Bid and ask (`Quote`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quote {
    pub symbol: String,
    pub bid_price: Option<Decimal>,
    pub ask_price: Option<Decimal>,
    pub bid_size: Option<Decimal>,
    pub ask_size: Option<Decimal>,
}

impl Quote {
    /// `(bid + ask) / 2`, when both sides are there (and the sum fits).
    pub fn mid(&self) -> Option<Decimal> {
        self.bid_price?.plus(self.ask_price?)?.over(Decimal::TWO)
    }
}

/// The last trade and the day's volume (`Trade`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trade {
    pub symbol: String,
    /// Epoch ms of the trade.
    pub time: Option<i64>,
    pub price: Option<Decimal>,
    /// Change from the previous day's close.
    pub change: Option<Decimal>,
    pub size: Option<Decimal>,
    pub day_volume: Option<Decimal>,
}

/// An option's model price and Greeks (`Greeks`): `volatility` is the implied volatility as a
/// fraction (0.25 = 25 %), `theta` per day, `vega` per volatility point (docs/tastytrade.md §6.9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Greeks {
    pub symbol: String,
    pub time: Option<i64>,
    pub price: Option<Decimal>,
    pub volatility: Option<Decimal>,
    pub delta: Option<Decimal>,
    pub gamma: Option<Decimal>,
    pub theta: Option<Decimal>,
    pub rho: Option<Decimal>,
    pub vega: Option<Decimal>,
}

/// The day's open/high/low, the closes and open interest (`Summary`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub symbol: String,
    pub day_open_price: Option<Decimal>,
    pub day_high_price: Option<Decimal>,
    pub day_low_price: Option<Decimal>,
    pub day_close_price: Option<Decimal>,
    pub prev_day_close_price: Option<Decimal>,
    /// `NaN` for equities.
    pub open_interest: Option<Decimal>,
}

/// Description, trading status and the 52-week range (`Profile`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub symbol: String,
    pub description: Option<String>,
    /// `ACTIVE`, `HALTED`, `UNDEFINED` (docs/tastytrade.md §6.9; spellings uncertain on
    /// tastytrade's feed).
    pub trading_status: Option<String>,
    pub high_52_week_price: Option<Decimal>,
    pub low_52_week_price: Option<Decimal>,
    pub beta: Option<Decimal>,
}

/// One bar (`Candle`); `symbol` carries the period (`AAPL{=5m}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candle {
    pub symbol: String,
    /// Snapshot framing bits ([`Candle::SNAPSHOT_BEGIN`], …); 0 when absent.
    pub event_flags: i64,
    /// Epoch ms of the bar's start.
    pub time: Option<i64>,
    pub open: Option<Decimal>,
    pub high: Option<Decimal>,
    pub low: Option<Decimal>,
    pub close: Option<Decimal>,
    pub volume: Option<Decimal>,
    pub vwap: Option<Decimal>,
}

impl Candle {
    /// dxFeed `eventFlags` bits (docs/tastytrade.md §6.9, candles).
    pub const TX_PENDING: i64 = 0x01;
    pub const REMOVE_EVENT: i64 = 0x02;
    pub const SNAPSHOT_BEGIN: i64 = 0x04;
    pub const SNAPSHOT_END: i64 = 0x08;
    pub const SNAPSHOT_SNIP: i64 = 0x10;
    pub const SNAPSHOT_MODE: i64 = 0x40;

    pub fn has_flag(&self, flag: i64) -> bool {
        self.event_flags & flag != 0
    }

    /// The first event of a (re)sent history: what was kept before is replaced.
    pub fn begins_snapshot(&self) -> bool {
        self.has_flag(Candle::SNAPSHOT_BEGIN)
    }

    /// The last event of a history (`SNAPSHOT_END` or `SNAPSHOT_SNIP`).
    pub fn ends_snapshot(&self) -> bool {
        self.has_flag(Candle::SNAPSHOT_END | Candle::SNAPSHOT_SNIP)
    }

    /// Not a bar: a removal, or the empty snapshot's placeholder (flags 14, NaN prices).
    pub fn is_removal(&self) -> bool {
        self.has_flag(Candle::REMOVE_EVENT)
    }
}

/// One decoded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Quote(Quote),
    Trade(Trade),
    Greeks(Greeks),
    Summary(Summary),
    Profile(Profile),
    Candle(Candle),
}

impl Event {
    fn empty(event_type: EventType) -> Event {
        match event_type {
            EventType::Quote => Event::Quote(Quote::default()),
            EventType::Trade => Event::Trade(Trade::default()),
            EventType::Greeks => Event::Greeks(Greeks::default()),
            EventType::Summary => Event::Summary(Summary::default()),
            EventType::Profile => Event::Profile(Profile::default()),
            EventType::Candle => Event::Candle(Candle::default()),
        }
    }

    pub fn event_type(&self) -> EventType {
        match self {
            Event::Quote(_) => EventType::Quote,
            Event::Trade(_) => EventType::Trade,
            Event::Greeks(_) => EventType::Greeks,
            Event::Summary(_) => EventType::Summary,
            Event::Profile(_) => EventType::Profile,
            Event::Candle(_) => EventType::Candle,
        }
    }

    pub fn symbol(&self) -> &str {
        match self {
            Event::Quote(e) => &e.symbol,
            Event::Trade(e) => &e.symbol,
            Event::Greeks(e) => &e.symbol,
            Event::Summary(e) => &e.symbol,
            Event::Profile(e) => &e.symbol,
            Event::Candle(e) => &e.symbol,
        }
    }

    /// Stores one value; a field this event type does not have is ignored.
    fn set(&mut self, field: Field, v: &Value) {
        use Field as F;
        if field == F::EventSymbol {
            let symbol = match self {
                Event::Quote(e) => &mut e.symbol,
                Event::Trade(e) => &mut e.symbol,
                Event::Greeks(e) => &mut e.symbol,
                Event::Summary(e) => &mut e.symbol,
                Event::Profile(e) => &mut e.symbol,
                Event::Candle(e) => &mut e.symbol,
            };
            *symbol = text_value(v).unwrap_or_default();
            return;
        }
        let slot = match (self, field) {
            (Event::Quote(q), F::BidPrice) => &mut q.bid_price,
            (Event::Quote(q), F::AskPrice) => &mut q.ask_price,
            (Event::Quote(q), F::BidSize) => &mut q.bid_size,
            (Event::Quote(q), F::AskSize) => &mut q.ask_size,
            (Event::Trade(t), F::Time) => return t.time = int_value(v),
            (Event::Trade(t), F::Price) => &mut t.price,
            (Event::Trade(t), F::Change) => &mut t.change,
            (Event::Trade(t), F::Size) => &mut t.size,
            (Event::Trade(t), F::DayVolume) => &mut t.day_volume,
            (Event::Greeks(g), F::Time) => return g.time = int_value(v),
            (Event::Greeks(g), F::Price) => &mut g.price,
            (Event::Greeks(g), F::Volatility) => &mut g.volatility,
            (Event::Greeks(g), F::Delta) => &mut g.delta,
            (Event::Greeks(g), F::Gamma) => &mut g.gamma,
            (Event::Greeks(g), F::Theta) => &mut g.theta,
            (Event::Greeks(g), F::Rho) => &mut g.rho,
            (Event::Greeks(g), F::Vega) => &mut g.vega,
            (Event::Summary(s), F::DayOpenPrice) => &mut s.day_open_price,
            (Event::Summary(s), F::DayHighPrice) => &mut s.day_high_price,
            (Event::Summary(s), F::DayLowPrice) => &mut s.day_low_price,
            (Event::Summary(s), F::DayClosePrice) => &mut s.day_close_price,
            (Event::Summary(s), F::PrevDayClosePrice) => &mut s.prev_day_close_price,
            (Event::Summary(s), F::OpenInterest) => &mut s.open_interest,
            (Event::Profile(p), F::Description) => return p.description = text_value(v),
            (Event::Profile(p), F::TradingStatus) => return p.trading_status = text_value(v),
            (Event::Profile(p), F::High52WeekPrice) => &mut p.high_52_week_price,
            (Event::Profile(p), F::Low52WeekPrice) => &mut p.low_52_week_price,
            (Event::Profile(p), F::Beta) => &mut p.beta,
            (Event::Candle(c), F::EventFlags) => return c.event_flags = int_value(v).unwrap_or(0),
            (Event::Candle(c), F::Time) => return c.time = int_value(v),
            (Event::Candle(c), F::Open) => &mut c.open,
            (Event::Candle(c), F::High) => &mut c.high,
            (Event::Candle(c), F::Low) => &mut c.low,
            (Event::Candle(c), F::Close) => &mut c.close,
            (Event::Candle(c), F::Volume) => &mut c.volume,
            (Event::Candle(c), F::Vwap) => &mut c.vwap,
            _ => return,
        };
        *slot = decimal_value(v);
    }
}

/// A DXLink number: a JSON number (read from its shortest text, so `559.36` is exact and
/// `1.3743299E7` works), or a string holding one. `"NaN"`, `"Infinity"`, `"-Infinity"`, out of
/// range values and anything else → `None`.
#[inline(never)]
pub fn decimal_value(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some(Decimal::from(i)),
            None => parse_number(&n.to_string()),
        },
        Value::String(s) => parse_number(s.trim()),
        _ => None,
    }
}

/// Decimal text with an optional exponent (`1.5E-7`). The exponent is applied by exact steps
/// of ten (rounding only past 28 decimal places), which costs far less wasm than
/// `Decimal::from_scientific`; beyond ±60 the value is out of range.
fn parse_number(text: &str) -> Option<Decimal> {
    let (mantissa, mut exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], parse_int(&text[i + 1..])?),
        None => (text, 0),
    };
    let mut value = Decimal::from_str(mantissa).ok()?;
    if exponent.abs() > 60 {
        return None;
    }
    while exponent > 0 {
        value = value.times(Decimal::TEN)?;
        exponent -= 1;
    }
    while exponent < 0 {
        value = value.over(Decimal::TEN)?;
        exponent += 1;
    }
    Some(value)
}

/// `[+-]digits` as an `i64` (at most 18 digits). One small parser for every integer in this
/// module and the URL policy, instead of a `str::parse` copy per integer type in the wasm.
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

/// A whole number (times, flags): an integral JSON number within ±2^53 or a numeric string.
fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => parse_int(s.trim()),
        _ => None,
    }
}

/// Text (symbols, descriptions); `null` → `None`.
fn text_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The column layout of each event type on one channel: what `FEED_CONFIG.eventFields`
/// announced, else what we requested.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedLayout {
    negotiated: [Option<Vec<Field>>; 6],
}

impl FeedLayout {
    /// The columns of `event_type`'s COMPACT rows.
    pub fn fields(&self, event_type: EventType) -> &[Field] {
        self.negotiated[event_type.index()]
            .as_deref()
            .unwrap_or(event_type.requested_fields())
    }

    /// Takes the layouts a `FEED_CONFIG` announced (types it does not mention keep theirs).
    pub fn configure(&mut self, event_fields: Vec<(EventType, Vec<Field>)>) {
        for (event_type, fields) in event_fields {
            self.negotiated[event_type.index()] = Some(fields);
        }
    }
}

/// Why a `FEED_DATA` message was rejected (as a whole: no partial updates from a message we
/// cannot read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedDataError {
    /// `data` is not an array of `type, [values]` pairs or of event objects.
    Shape,
    /// A COMPACT value list whose length is not a multiple of the type's field count.
    RowLength {
        event_type: EventType,
        values: usize,
        fields: usize,
    },
}

impl std::fmt::Display for FeedDataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedDataError::Shape => f.write_str("FEED_DATA has an unexpected shape"),
            FeedDataError::RowLength {
                event_type,
                values,
                fields,
            } => write!(
                f,
                "{values} {} values do not make rows of {fields} fields",
                event_type.as_str()
            ),
        }
    }
}

/// Decodes a `FEED_DATA` message's `data`: COMPACT pairs (several per message allowed) or FULL
/// objects, in any mix. Types we do not use are skipped; events without a symbol are dropped.
#[inline(never)]
pub fn decode_feed_data(data: &Value, layout: &FeedLayout) -> Result<Vec<Event>, FeedDataError> {
    let items = data.as_array().ok_or(FeedDataError::Shape)?;
    let mut events = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Value::String(name) => {
                let values = items
                    .get(i + 1)
                    .and_then(Value::as_array)
                    .ok_or(FeedDataError::Shape)?;
                i += 2;
                let Some(event_type) = EventType::from_wire(name) else {
                    continue;
                };
                let fields = layout.fields(event_type);
                if fields.is_empty() || values.len() % fields.len() != 0 {
                    return Err(FeedDataError::RowLength {
                        event_type,
                        values: values.len(),
                        fields: fields.len(),
                    });
                }
                for row in values.chunks(fields.len()) {
                    let mut event = Event::empty(event_type);
                    for (field, value) in fields.iter().zip(row) {
                        event.set(*field, value);
                    }
                    push_if_named(&mut events, event);
                }
            }
            Value::Object(object) => {
                i += 1;
                let Some(event_type) = object
                    .get("eventType")
                    .and_then(Value::as_str)
                    .and_then(EventType::from_wire)
                else {
                    continue;
                };
                let mut event = Event::empty(event_type);
                for (name, value) in object {
                    event.set(Field::from_wire(name), value);
                }
                push_if_named(&mut events, event);
            }
            _ => return Err(FeedDataError::Shape),
        }
    }
    Ok(events)
}

fn push_if_named(events: &mut Vec<Event>, event: Event) {
    if !event.symbol().is_empty() {
        events.push(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dec(s: &str) -> Option<Decimal> {
        Some(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn numbers_keep_their_shortest_text_and_nan_is_none() {
        let cases = [
            (json!(559.36), dec("559.36")),
            (json!(0.1), dec("0.1")),
            (json!(100), dec("100")),
            (json!(-0.0123), dec("-0.0123")),
            (
                serde_json::from_str::<Value>("1.3743299E7").unwrap(),
                dec("13743299"),
            ),
            (
                serde_json::from_str::<Value>("5e-7").unwrap(),
                dec("0.0000005"),
            ),
            (
                serde_json::from_str::<Value>("1e21").unwrap(),
                dec("1000000000000000000000"),
            ),
            (json!("58356.71"), dec("58356.71")),
            (json!("1.5E3"), dec("1500")),
            (json!("NaN"), None),
            (json!("Infinity"), None),
            (json!("-Infinity"), None),
            (json!("abc"), None),
            (json!(null), None),
            (json!(true), None),
            (serde_json::from_str::<Value>("1e300").unwrap(), None),
            (serde_json::from_str::<Value>("-1e300").unwrap(), None),
            (
                serde_json::from_str::<Value>("-1.25E-3").unwrap(),
                dec("-0.00125"),
            ),
            (json!("2.5e+2"), dec("250")),
            (json!("1e29"), None),
            (json!("1e-40"), dec("0")),
            (json!("1e-99"), None),
            (json!("1e"), None),
            (json!("e5"), None),
            (json!(9_007_199_254_740_993i64), dec("9007199254740993")),
        ];
        for (value, expected) in cases {
            assert_eq!(decimal_value(&value), expected, "{value}");
        }
        assert_eq!(int_value(&json!(1691402400000i64)), Some(1691402400000));
        assert_eq!(int_value(&json!(1.6914024E12)), Some(1691402400000));
        assert_eq!(int_value(&json!(1.5)), None);
        assert_eq!(int_value(&json!("NaN")), None);
        assert_eq!(int_value(&json!("14")), Some(14));
        assert_eq!(parse_int("-0042"), Some(-42));
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(
            parse_int("999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        for bad in [
            "",
            "-",
            "+",
            "1a",
            "1.0",
            " 1",
            "--1",
            "9999999999999999999",
        ] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn field_names_round_trip_and_vwap_is_lower_case() {
        for (field, name) in FIELD_NAMES {
            assert_eq!(Field::from_wire(name), field);
            assert_eq!(field.as_str(), name);
        }
        assert_eq!(Field::from_wire("VWAP"), Field::Vwap);
        assert_eq!(Field::Vwap.as_str(), "vwap");
        assert_eq!(Field::from_wire("bidExchangeCode"), Field::Other);
        for event_type in EventType::ALL {
            assert_eq!(EventType::from_wire(event_type.as_str()), Some(event_type));
            let fields = event_type.requested_fields();
            assert_eq!(fields[0], Field::EventSymbol, "{event_type:?}");
            assert!(!fields.contains(&Field::EventType) && !fields.contains(&Field::Other));
        }
        assert_eq!(EventType::from_wire("TradeETH"), None);
    }

    /// docs/tastytrade.md §6.9: the docs' COMPACT example, with `eventType` first and the
    /// numbers as JSON numbers, NaN strings and an exponent.
    #[test]
    fn compact_against_the_negotiated_layout() {
        let mut layout = FeedLayout::default();
        let names = ["eventType", "eventSymbol", "price", "dayVolume", "size"];
        layout.configure(vec![(
            EventType::Trade,
            names.iter().map(|n| Field::from_wire(n)).collect(),
        )]);
        let data: Value = serde_json::from_str(
            r#"["Trade",["Trade","SPY",559.36,1.3743299E7,100.0,"Trade","BTC/USD:CXTALP",58356.71,"NaN","NaN"]]"#,
        )
        .unwrap();
        let events = decode_feed_data(&data, &layout).unwrap();
        assert_eq!(
            events,
            vec![
                Event::Trade(Trade {
                    symbol: "SPY".into(),
                    price: dec("559.36"),
                    day_volume: dec("13743299"),
                    size: dec("100"),
                    ..Trade::default()
                }),
                Event::Trade(Trade {
                    symbol: "BTC/USD:CXTALP".into(),
                    price: dec("58356.71"),
                    ..Trade::default()
                }),
            ]
        );
        // The same message read against the requested layout would be misread: prove the
        // layouts differ, so the test above really exercised the negotiated one.
        assert_ne!(
            layout.fields(EventType::Trade),
            EventType::Trade.requested_fields()
        );
    }

    /// docs/tastytrade.md §6.9: tastyware's shape (no `eventType`, `eventSymbol` first,
    /// extra columns we skip), announced by FEED_CONFIG in its own order.
    #[test]
    fn compact_python_sdk_layout_with_unknown_columns() {
        let names = [
            "eventSymbol",
            "eventTime",
            "sequence",
            "timeNanoPart",
            "bidTime",
            "bidExchangeCode",
            "askTime",
            "askExchangeCode",
            "bidPrice",
            "askPrice",
            "bidSize",
            "askSize",
        ];
        let mut layout = FeedLayout::default();
        layout.configure(vec![(
            EventType::Quote,
            names.iter().map(|n| Field::from_wire(n)).collect(),
        )]);
        let data = json!([
            "Quote",
            [
                "AAPL", 0, 0, 0, 0, "Q", 0, "Q", 187.5, 187.52, 300, "NaN", "SPY", 0, 0, 0, 0, 81,
                0, 81, "NaN", 559.4, "Infinity", 12.0
            ]
        ]);
        let events = decode_feed_data(&data, &layout).unwrap();
        assert_eq!(
            events,
            vec![
                Event::Quote(Quote {
                    symbol: "AAPL".into(),
                    bid_price: dec("187.5"),
                    ask_price: dec("187.52"),
                    bid_size: dec("300"),
                    ask_size: None,
                }),
                Event::Quote(Quote {
                    symbol: "SPY".into(),
                    bid_price: None,
                    ask_price: dec("559.4"),
                    bid_size: None,
                    ask_size: dec("12"),
                }),
            ]
        );
        assert_eq!(events[0].event_type(), EventType::Quote);
        if let Event::Quote(q) = &events[0] {
            assert_eq!(q.mid(), dec("187.51"));
        }
    }

    #[test]
    fn several_pairs_and_unknown_types_in_one_message() {
        let layout = FeedLayout::default();
        let data = json!([
            "Quote",
            ["SPY", 1, 2, 3, 4],
            "TimeAndSale",
            ["SPY", 1, 2],
            "Greeks",
            [
                ".SPY260918C600",
                1_700_000_000_000i64,
                12.5,
                0.21,
                0.52,
                0.01,
                -0.3,
                0.05,
                0.4
            ]
        ]);
        let events = decode_feed_data(&data, &layout).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].symbol(), "SPY");
        assert_eq!(
            events[1],
            Event::Greeks(Greeks {
                symbol: ".SPY260918C600".into(),
                time: Some(1_700_000_000_000),
                price: dec("12.5"),
                volatility: dec("0.21"),
                delta: dec("0.52"),
                gamma: dec("0.01"),
                theta: dec("-0.3"),
                rho: dec("0.05"),
                vega: dec("0.4"),
            })
        );
    }

    #[test]
    fn rows_that_do_not_divide_reject_the_whole_message() {
        let layout = FeedLayout::default();
        // A valid Quote pair first: nothing from this message may be used.
        let data = json!(["Quote", ["SPY", 1, 2, 3, 4], "Trade", ["SPY", 1, 2]]);
        assert_eq!(
            decode_feed_data(&data, &layout),
            Err(FeedDataError::RowLength {
                event_type: EventType::Trade,
                values: 3,
                fields: 6
            })
        );
        let mut empty = FeedLayout::default();
        empty.configure(vec![(EventType::Quote, vec![])]);
        assert!(decode_feed_data(&json!(["Quote", []]), &empty).is_err());
        for bad in [
            json!({"Quote": []}),
            json!(["Quote"]),
            json!(["Quote", "SPY"]),
            json!([1, 2]),
            json!(null),
        ] {
            assert_eq!(
                decode_feed_data(&bad, &layout),
                Err(FeedDataError::Shape),
                "{bad}"
            );
        }
        assert!(FeedDataError::Shape.to_string().contains("shape"));
    }

    /// FULL format (the server has switched a channel to it mid-session): objects with
    /// `eventType`, in any order, unknown keys ignored, `VWAP` in the spec's spelling.
    #[test]
    fn full_format_objects() {
        let layout = FeedLayout::default();
        let data = json!([
            {"eventType": "Summary", "eventSymbol": "AAPL", "dayOpenPrice": 186.1,
             "dayHighPrice": "188.0", "dayLowPrice": 185.25, "prevDayClosePrice": 185.9,
             "openInterest": "NaN", "dayClosePriceType": "REGULAR"},
            {"eventType": "Candle", "eventSymbol": "AAPL{=5m}", "eventFlags": 4,
             "time": 1691402400000i64, "open": 1, "high": 2, "low": 0.5, "close": 1.5,
             "volume": 1000, "VWAP": 1.25},
            {"eventType": "Profile", "eventSymbol": "AAPL", "description": "Apple Inc.",
             "tradingStatus": "ACTIVE", "high52WeekPrice": 199.62, "low52WeekPrice": 124.17},
            {"eventType": "Order", "eventSymbol": "AAPL"},
            {"eventSymbol": "no type"},
            {"eventType": "Quote", "bidPrice": 1}
        ]);
        let events = decode_feed_data(&data, &layout).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(
            events[0],
            Event::Summary(Summary {
                symbol: "AAPL".into(),
                day_open_price: dec("186.1"),
                day_high_price: dec("188.0"),
                day_low_price: dec("185.25"),
                day_close_price: None,
                prev_day_close_price: dec("185.9"),
                open_interest: None,
            })
        );
        let Event::Candle(candle) = &events[1] else {
            panic!("{:?}", events[1])
        };
        assert_eq!(candle.vwap, dec("1.25"));
        assert!(candle.begins_snapshot() && !candle.ends_snapshot() && !candle.is_removal());
        let Event::Profile(profile) = &events[2] else {
            panic!("{:?}", events[2])
        };
        assert_eq!(profile.description.as_deref(), Some("Apple Inc."));
        assert_eq!(profile.high_52_week_price, dec("199.62"));
    }

    /// docs/tastytrade.md §6.9, candles: the empty snapshot some users get on an AUTO channel.
    #[test]
    fn empty_candle_snapshot_is_a_removal() {
        let layout = FeedLayout::default();
        let data = json!([
            "Candle",
            [
                "SPY{=5m}",
                14,
                1691402400000i64,
                "NaN",
                "NaN",
                "NaN",
                "NaN",
                "NaN",
                "NaN"
            ]
        ]);
        let events = decode_feed_data(&data, &layout).unwrap();
        let Event::Candle(candle) = &events[0] else {
            panic!()
        };
        assert!(candle.begins_snapshot() && candle.ends_snapshot() && candle.is_removal());
        assert_eq!(candle.open, None);
    }
}

//! The order ticket without a screen: what the person chose (legs, quantity, type, price, time in
//! force) → the order tastytrade gets (docs/tastytrade.md §6.11), with the checks that can be made
//! before asking tastytrade, the combination's bid / mid / ask from live quotes, and rounding to
//! the instrument's tick. Pure and checked: bad input is an error message, never a panic.

use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::{NewLeg, NewOrder, SymbolParts};
use rust_decimal::Decimal;

/// The `source` every order carries, so the person can tell where it came from.
pub const SOURCE: &str = "tastypocket";
/// Most shares or contracts one ticket sends (a typo guard, not tastytrade's limit).
pub const MAX_QUANTITY: u32 = 100_000;
/// tastytrade takes up to four option legs in one order.
pub const MAX_LEGS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn flip(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// What kind of instrument a leg is, from its symbol (docs/tastytrade.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Equity,
    EquityOption,
    Future,
    FutureOption,
}

impl Kind {
    pub fn of(symbol: &str) -> Kind {
        match SymbolParts::parse(symbol) {
            SymbolParts::EquityOption { .. } => Kind::EquityOption,
            SymbolParts::Future { .. } => Kind::Future,
            SymbolParts::FutureOption { .. } => Kind::FutureOption,
            SymbolParts::Other(_) => Kind::Equity,
        }
    }

    pub fn wire(self) -> &'static str {
        match self {
            Kind::Equity => "Equity",
            Kind::EquityOption => "Equity Option",
            Kind::Future => "Future",
            Kind::FutureOption => "Future Option",
        }
    }

    pub fn is_option(self) -> bool {
        matches!(self, Kind::EquityOption | Kind::FutureOption)
    }
}

/// One leg as the ticket holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub symbol: String,
    pub side: Side,
    /// Units of this leg per unit of the order (1 for a vertical's legs).
    pub ratio: u32,
    /// Closes (part of) a position rather than opening one.
    pub closing: bool,
}

impl Leg {
    pub fn kind(&self) -> Kind {
        Kind::of(&self.symbol)
    }

    /// tastytrade's action: `Buy to Open`, `Sell to Close`, …
    pub fn action(&self) -> &'static str {
        match (self.side, self.closing) {
            (Side::Buy, false) => "Buy to Open",
            (Side::Buy, true) => "Buy to Close",
            (Side::Sell, false) => "Sell to Open",
            (Side::Sell, true) => "Sell to Close",
        }
    }

    /// The short form used in addresses: `BTO`, `STC`, …
    pub fn code(&self) -> &'static str {
        match (self.side, self.closing) {
            (Side::Buy, false) => "BTO",
            (Side::Buy, true) => "BTC",
            (Side::Sell, false) => "STO",
            (Side::Sell, true) => "STC",
        }
    }

    /// `BTO:1:SPY   261218C00600000` → a leg (the ticket's address keeps its legs this way).
    pub fn parse(text: &str) -> Option<Leg> {
        let mut parts = text.splitn(3, ':');
        let (code, ratio, symbol) = (parts.next()?, parts.next()?, parts.next()?);
        let (side, closing) = match code {
            "BTO" => (Side::Buy, false),
            "BTC" => (Side::Buy, true),
            "STO" => (Side::Sell, false),
            "STC" => (Side::Sell, true),
            _ => return None,
        };
        let ratio = ratio.parse().ok().filter(|r| (1..=100).contains(r))?;
        let symbol = symbol.trim_end();
        let ok = !symbol.trim().is_empty()
            && symbol.len() <= 40
            && symbol.chars().all(|c| c.is_ascii_graphic() || c == ' ');
        ok.then(|| Leg {
            symbol: symbol.to_owned(),
            side,
            ratio,
            closing,
        })
    }

    pub fn encode(&self) -> String {
        format!("{}:{}:{}", self.code(), self.ratio, self.symbol)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Limit,
    Market,
    Stop,
    StopLimit,
}

impl OrderKind {
    pub const ALL: [OrderKind; 4] = [
        OrderKind::Limit,
        OrderKind::Market,
        OrderKind::Stop,
        OrderKind::StopLimit,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            OrderKind::Limit => "Limit",
            OrderKind::Market => "Market",
            OrderKind::Stop => "Stop",
            OrderKind::StopLimit => "Stop Limit",
        }
    }

    pub fn parse(text: &str) -> Option<OrderKind> {
        OrderKind::ALL.into_iter().find(|k| k.wire() == text)
    }

    pub fn has_price(self) -> bool {
        matches!(self, OrderKind::Limit | OrderKind::StopLimit)
    }

    pub fn has_stop(self) -> bool {
        matches!(self, OrderKind::Stop | OrderKind::StopLimit)
    }
}

/// Time in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tif {
    Day,
    Gtc,
    /// Good till this date (`YYYY-MM-DD`).
    Gtd(String),
}

impl Tif {
    pub fn wire(&self) -> &'static str {
        match self {
            Tif::Day => "Day",
            Tif::Gtc => "GTC",
            Tif::Gtd(_) => "GTD",
        }
    }
}

/// Which way the order's money goes (per unit, a magnitude in `price`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Debit,
    Credit,
}

impl Effect {
    pub fn wire(self) -> &'static str {
        match self {
            Effect::Debit => "Debit",
            Effect::Credit => "Credit",
        }
    }

    /// A signed net price (credit positive) → its effect.
    pub fn of(net: Decimal) -> Effect {
        if net < Decimal::ZERO {
            Effect::Debit
        } else {
            Effect::Credit
        }
    }
}

/// Everything the person chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub legs: Vec<Leg>,
    pub quantity: u32,
    pub kind: OrderKind,
    /// Per unit of the order, a magnitude (Limit, Stop Limit).
    pub price: Option<Decimal>,
    pub effect: Effect,
    pub stop: Option<Decimal>,
    pub tif: Tif,
}

/// A leg's live quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LegQuote {
    pub bid: Option<Decimal>,
    pub ask: Option<Decimal>,
}

/// The combination's prices, signed: credit positive, debit negative (per unit of the order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetPrices {
    /// What it fetches at once: buys at the ask, sells at the bid.
    pub natural: Decimal,
    pub mid: Decimal,
    /// The far side: buys at the bid, sells at the ask.
    pub far: Decimal,
}

/// Bid / mid / ask of the legs combined (`None` until every leg has both sides, or on overflow).
pub fn net_prices(legs: &[Leg], quotes: &[LegQuote]) -> Option<NetPrices> {
    if legs.is_empty() || legs.len() != quotes.len() {
        return None;
    }
    let (mut natural, mut mid, mut far) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (leg, q) in legs.iter().zip(quotes) {
        let (bid, ask) = (q.bid?, q.ask?);
        let ratio = Decimal::from(leg.ratio);
        let leg_mid = bid.plus(ask)?.over(Decimal::TWO)?;
        let (near, away) = match leg.side {
            Side::Buy => (ask, bid),
            Side::Sell => (bid, ask),
        };
        let sign = match leg.side {
            Side::Buy => Decimal::NEGATIVE_ONE,
            Side::Sell => Decimal::ONE,
        };
        natural = natural.plus(sign.times(near)?.times(ratio)?)?;
        far = far.plus(sign.times(away)?.times(ratio)?)?;
        mid = mid.plus(sign.times(leg_mid)?.times(ratio)?)?;
    }
    Some(NetPrices { natural, mid, far })
}

/// `price` rounded to the nearest multiple of `tick` (halves away from zero).
pub fn round_to_tick(price: Decimal, tick: Decimal) -> Option<Decimal> {
    if tick <= Decimal::ZERO {
        return None;
    }
    let steps = price.over(tick)?.round();
    steps.times(tick).map(|p| p.normalize())
}

/// A price as order tickets write it, without the locale: at least two decimals, more only when
/// the price has them (`3.5` → `3.50`, `0.0025` stays).
pub fn plain_price(price: Decimal) -> String {
    let p = price.normalize();
    if p.scale() < 2 {
        format!("{p:.2}")
    } else {
        p.to_string()
    }
}

/// Whether `price` is a whole number of `tick`s.
pub fn on_tick(price: Decimal, tick: Decimal) -> bool {
    tick > Decimal::ZERO && price.checked_rem(tick).is_some_and(|r| r.is_zero())
}

/// A typed price: digits with at most one `.`, at most 6 decimals, positive.
pub fn parse_price(text: &str) -> Result<Decimal, String> {
    let t = text.trim().trim_start_matches('$');
    if t.is_empty() {
        return Err("Enter a price.".into());
    }
    let well_formed = t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.matches('.').count() <= 1
        && t.len() <= 14;
    let value: Decimal = well_formed
        .then(|| t.parse().ok())
        .flatten()
        .ok_or_else(|| format!("“{t}” is not a price."))?;
    if value.scale() > 6 {
        return Err("A price has at most 6 decimals.".into());
    }
    if value <= Decimal::ZERO {
        return Err("The price must be above zero.".into());
    }
    Ok(value)
}

/// A typed quantity: a whole number from 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(text: &str) -> Result<u32, String> {
    let t = text.trim();
    match t.parse::<u32>() {
        Ok(q) if (1..=MAX_QUANTITY).contains(&q) => Ok(q),
        Ok(_) => Err(format!("The quantity must be from 1 to {}.", MAX_QUANTITY)),
        Err(_) if t.is_empty() => Err("Enter a quantity.".into()),
        Err(_) => Err("The quantity must be a whole number.".into()),
    }
}

/// `YYYY-MM-DD` strictly after `today` (a GTD date).
fn valid_gtd(date: &str, today: &str) -> bool {
    crate::components::filters::is_iso_date(date) && date > today
}

impl Ticket {
    /// The order tastytrade gets, or what is wrong with the ticket (every problem, in order).
    /// `tick` is the tick for this order's price (`None`: not known, not checked).
    pub fn to_order(&self, tick: Option<Decimal>, today: &str) -> Result<NewOrder, Vec<String>> {
        let mut problems = Vec::new();
        if self.legs.is_empty() {
            problems.push("The order has no legs.".to_owned());
        }
        if self.legs.len() > MAX_LEGS {
            problems.push(format!("An order has at most {MAX_LEGS} legs."));
        }
        let multi = self.legs.len() > 1;
        if multi && self.legs.iter().any(|l| !l.kind().is_option()) {
            problems.push("Only option legs can be combined in one order.".into());
        }
        if multi && self.kind != OrderKind::Limit {
            problems.push("An order with several legs must be a limit order.".into());
        }
        let mut symbols: Vec<&str> = self.legs.iter().map(|l| l.symbol.as_str()).collect();
        symbols.sort_unstable();
        if symbols.windows(2).any(|w| w[0] == w[1]) {
            problems.push("The same instrument is in two legs.".into());
        }
        if self.quantity == 0 || self.quantity > MAX_QUANTITY {
            problems.push(format!("The quantity must be from 1 to {MAX_QUANTITY}."));
        }
        let price = if self.kind.has_price() {
            match self.price {
                Some(p) if p > Decimal::ZERO => {
                    if let Some(t) = tick.filter(|t| !on_tick(p, *t)) {
                        problems.push(format!(
                            "The price must be a multiple of {} (the tick).",
                            t.normalize()
                        ));
                    }
                    Some(p)
                }
                _ => {
                    problems.push("Enter a limit price above zero.".into());
                    None
                }
            }
        } else {
            None
        };
        let stop = if self.kind.has_stop() {
            match self.stop {
                Some(s) if s > Decimal::ZERO => Some(s),
                _ => {
                    problems.push("Enter a stop price above zero.".into());
                    None
                }
            }
        } else {
            None
        };
        if self.kind == OrderKind::Market && self.tif != Tif::Day {
            problems.push("A market order is good for the day only.".into());
        }
        let gtc_date = match &self.tif {
            Tif::Gtd(date) if !valid_gtd(date, today) => {
                problems.push("Pick a date after today for “good till date”.".into());
                None
            }
            Tif::Gtd(date) => Some(date.clone()),
            _ => None,
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewOrder {
            time_in_force: self.tif.wire().into(),
            gtc_date,
            order_type: self.kind.wire().into(),
            price,
            price_effect: price.map(|_| self.effect.wire()),
            stop_trigger: stop,
            source: Some(SOURCE),
            legs: self
                .legs
                .iter()
                .map(|l| NewLeg {
                    instrument_type: l.kind().wire(),
                    symbol: l.symbol.clone(),
                    quantity: l.ratio.saturating_mul(self.quantity),
                    action: l.action(),
                })
                .collect(),
        })
    }

    /// The money the order moves at its limit: price × quantity × `multiplier`, signed (credit
    /// positive). `None` without a price or on overflow.
    pub fn amount(&self, multiplier: Decimal) -> Option<Decimal> {
        let total = self
            .price?
            .times(Decimal::from(self.quantity))?
            .times(multiplier)?;
        Some(match self.effect {
            Effect::Debit => -total,
            Effect::Credit => total,
        })
    }
}

/// A ticket's starting legs for `symbol`: buy one (or sell, closing, when the account is long it;
/// buy to close when it is short). `held` is the account's signed quantity of `symbol`.
pub fn first_leg(symbol: &str, side: Side, held: Decimal) -> Leg {
    Leg {
        symbol: symbol.to_owned(),
        side,
        ratio: 1,
        closing: closes(side, held),
    }
}

/// Whether a `side` leg closes what the account holds (`held`, signed): selling what is long,
/// buying back what is short.
pub fn closes(side: Side, held: Decimal) -> bool {
    match side {
        Side::Buy => held < Decimal::ZERO,
        Side::Sell => held > Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const CALL_600: &str = "SPY   261218C00600000";
    const CALL_610: &str = "SPY   261218C00610000";

    fn vertical() -> Ticket {
        Ticket {
            legs: vec![
                Leg::parse(&format!("BTO:1:{CALL_600}")).unwrap(),
                Leg::parse(&format!("STO:1:{CALL_610}")).unwrap(),
            ],
            quantity: 2,
            kind: OrderKind::Limit,
            price: Some(d("3.45")),
            effect: Effect::Debit,
            stop: None,
            tif: Tif::Day,
        }
    }

    #[test]
    fn legs_round_trip_through_the_address() {
        let leg = Leg::parse(&format!("STC:2:{CALL_600}")).unwrap();
        assert_eq!(leg.action(), "Sell to Close");
        assert_eq!(leg.kind(), Kind::EquityOption);
        assert_eq!(Leg::parse(&leg.encode()), Some(leg));
        assert_eq!(Kind::of("/ESZ6"), Kind::Future);
        assert_eq!(Kind::of("./ESZ6 EW3U6 260918C9100"), Kind::FutureOption);
        assert_eq!(Kind::of("AAPL"), Kind::Equity);
        for bad in [
            "XYZ:1:AAPL",
            "BTO:0:AAPL",
            "BTO:1:",
            "BTO:x:AAPL",
            "BTO:1:A\u{0}B",
            "BTO",
        ] {
            assert_eq!(Leg::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_vertical_becomes_the_documented_body() {
        let order = vertical().to_order(Some(d("0.05")), "2026-12-06").unwrap();
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["order-type"], "Limit");
        assert_eq!(json["price"], "3.45");
        assert_eq!(json["price-effect"], "Debit");
        assert_eq!(json["source"], SOURCE);
        assert_eq!(json["legs"][0]["action"], "Buy to Open");
        assert_eq!(json["legs"][1]["action"], "Sell to Open");
        assert_eq!(json["legs"][1]["quantity"], 2);
        assert_eq!(json["legs"][1]["instrument-type"], "Equity Option");
    }

    #[test]
    fn every_problem_is_named() {
        let mut t = vertical();
        t.kind = OrderKind::Market;
        t.price = None;
        t.tif = Tif::Gtc;
        let problems = t.to_order(None, "2026-12-06").unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("limit order")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("day only")),
            "{problems:?}"
        );

        let mut t = vertical();
        t.price = Some(d("3.47"));
        let problems = t.to_order(Some(d("0.05")), "2026-12-06").unwrap_err();
        assert_eq!(
            problems,
            ["The price must be a multiple of 0.05 (the tick)."]
        );

        let mut t = vertical();
        t.legs[1].symbol = CALL_600.into();
        assert!(t.to_order(None, "2026-12-06").unwrap_err()[0].contains("two legs"));

        let mut stock = Ticket {
            legs: vec![first_leg("AAPL", Side::Buy, Decimal::ZERO)],
            kind: OrderKind::Stop,
            stop: None,
            tif: Tif::Gtd("2026-12-06".into()),
            ..vertical()
        };
        let problems = stock.to_order(None, "2026-12-06").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        stock.stop = Some(d("180"));
        stock.tif = Tif::Gtd("2026-12-31".into());
        let order = stock.to_order(None, "2026-12-06").unwrap();
        assert_eq!(order.price, None);
        assert_eq!(order.price_effect, None);
        assert_eq!(order.gtc_date.as_deref(), Some("2026-12-31"));
        assert_eq!(order.legs[0].instrument_type, "Equity");

        let mut mixed = vertical();
        mixed.legs.push(first_leg("SPY", Side::Buy, Decimal::ZERO));
        assert!(mixed.to_order(None, "2026-12-06").unwrap_err()[0].contains("option legs"));
    }

    #[test]
    fn net_prices_of_a_vertical() {
        let t = vertical();
        let quotes = [
            LegQuote {
                bid: Some(d("10.00")),
                ask: Some(d("10.20")),
            },
            LegQuote {
                bid: Some(d("6.50")),
                ask: Some(d("6.70")),
            },
        ];
        let p = net_prices(&t.legs, &quotes).unwrap();
        assert_eq!(p.natural, d("-3.70"));
        assert_eq!(p.mid, d("-3.50"));
        assert_eq!(p.far, d("-3.30"));
        assert_eq!(Effect::of(p.mid), Effect::Debit);
        assert_eq!(net_prices(&t.legs, &quotes[..1]), None);
        let missing = [LegQuote::default(), quotes[1]];
        assert_eq!(net_prices(&t.legs, &missing), None);
        let huge = [
            LegQuote {
                bid: Some(Decimal::MAX),
                ask: Some(Decimal::MAX),
            },
            quotes[1],
        ];
        assert_eq!(net_prices(&t.legs, &huge), None);
    }

    #[test]
    fn ticks_prices_quantities() {
        assert_eq!(round_to_tick(d("3.474"), d("0.05")), Some(d("3.45")));
        assert_eq!(round_to_tick(d("3.475"), d("0.05")), Some(d("3.5")));
        assert_eq!(round_to_tick(d("1"), d("0")), None);
        assert_eq!(plain_price(d("3.5")), "3.50");
        assert_eq!(plain_price(d("12")), "12.00");
        assert_eq!(plain_price(d("0.0025")), "0.0025");
        assert!(on_tick(d("3.45"), d("0.05")) && !on_tick(d("3.46"), d("0.05")));
        assert_eq!(parse_price(" $1.25 "), Ok(d("1.25")));
        for bad in ["", "abc", "1.2.3", "-1", "0", "1e5", "0.0000001"] {
            assert!(parse_price(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_quantity("10"), Ok(10));
        for bad in ["0", "1.5", "", "-2", "100001"] {
            assert!(parse_quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn first_legs_close_what_is_held() {
        assert!(first_leg("AAPL", Side::Sell, d("100")).closing);
        assert!(!first_leg("AAPL", Side::Sell, d("0")).closing);
        assert!(first_leg("AAPL", Side::Buy, d("-5")).closing);
        assert!(!first_leg("AAPL", Side::Buy, d("5")).closing);
    }

    #[test]
    fn the_amount_at_the_limit() {
        let t = vertical();
        assert_eq!(t.amount(d("100")), Some(d("-690")));
        let mut credit = vertical();
        credit.effect = Effect::Credit;
        assert_eq!(credit.amount(d("100")), Some(d("690")));
        credit.price = Some(Decimal::MAX);
        assert_eq!(credit.amount(d("100")), None);
    }
}

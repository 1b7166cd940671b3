//! The instruments the simulated market knows besides the fixtures' own: well-known tickers
//! (so watchlists and the quote screen show real-looking symbols), index values, front futures,
//! and the synthetic load universe `LD0001`…`LD1000` for the app's 1,000-symbol benchmark.
//! Prices are plausible starting points, not data.

use crate::dates::Date;
use crate::ledger::rng::{seed, Rng};
use crate::ledger::symbols::front_quarterly;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stock,
    Etf,
    Index,
    Future,
}

/// Everything fixed about an underlying (an instrument that walks by itself).
#[derive(Debug, Clone)]
pub struct Listing {
    /// The DXLink streamer symbol (`AAPL`, `/ESZ26:XCME`).
    pub symbol: String,
    /// The REST/order symbol (`AAPL`, `/ESZ6`).
    pub rest_symbol: String,
    pub description: String,
    pub kind: Kind,
    pub price: f64,
    /// Annualised volatility of the walk (a fraction).
    pub vol: f64,
    pub beta: f64,
    /// Typical shares (contracts) a day.
    pub daily_volume: f64,
    pub tick: f64,
    pub multiplier: f64,
    pub sector: &'static str,
    /// Whether options are listed on it (a generated chain).
    pub optionable: bool,
    /// Quote exchange code (a string: tastyware drops rows with numeric codes).
    pub exchange: &'static str,
}

/// (symbol, description, price, vol, beta, daily volume in millions, kind, sector)
type Row = (
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
    f64,
    Kind,
    &'static str,
);

use Kind::{Etf, Index, Stock};

#[rustfmt::skip]
const TICKERS: &[Row] = &[
    ("SPY", "SPDR S&P 500 ETF Trust", 672.45, 0.15, 1.0, 60.0, Etf, ""),
    ("QQQ", "Invesco QQQ Trust", 610.0, 0.20, 1.15, 40.0, Etf, ""),
    ("IWM", "iShares Russell 2000 ETF", 245.0, 0.22, 1.2, 30.0, Etf, ""),
    ("DIA", "SPDR Dow Jones Industrial Average ETF", 470.0, 0.15, 0.9, 3.0, Etf, ""),
    ("VTI", "Vanguard Total Stock Market ETF", 322.18, 0.15, 1.0, 4.0, Etf, ""),
    ("SCHD", "Schwab US Dividend Equity ETF", 27.91, 0.13, 0.8, 12.0, Etf, ""),
    ("GLD", "SPDR Gold Shares", 380.0, 0.16, 0.1, 9.0, Etf, ""),
    ("SLV", "iShares Silver Trust", 45.0, 0.30, 0.3, 25.0, Etf, ""),
    ("TLT", "iShares 20+ Year Treasury Bond ETF", 88.0, 0.14, -0.2, 35.0, Etf, ""),
    ("GDX", "VanEck Gold Miners ETF", 75.0, 0.35, 0.5, 20.0, Etf, ""),
    ("EEM", "iShares MSCI Emerging Markets ETF", 52.0, 0.18, 0.8, 25.0, Etf, ""),
    ("XLE", "Energy Select Sector SPDR Fund", 90.0, 0.22, 0.9, 15.0, Etf, ""),
    ("XLF", "Financial Select Sector SPDR Fund", 53.0, 0.18, 1.1, 40.0, Etf, ""),
    ("XLK", "Technology Select Sector SPDR Fund", 280.0, 0.22, 1.2, 8.0, Etf, ""),
    ("HYG", "iShares iBoxx High Yield Corporate Bond ETF", 80.0, 0.06, 0.3, 30.0, Etf, ""),
    ("SMH", "VanEck Semiconductor ETF", 320.0, 0.30, 1.4, 7.0, Etf, ""),
    ("AAPL", "Apple Inc.", 245.36, 0.25, 1.08, 50.0, Stock, "Technology"),
    ("MSFT", "Microsoft Corporation", 516.05, 0.22, 0.95, 20.0, Stock, "Technology"),
    ("NVDA", "NVIDIA Corporation", 182.0, 0.45, 1.7, 180.0, Stock, "Technology"),
    ("TSLA", "Tesla, Inc.", 430.0, 0.55, 2.0, 90.0, Stock, "Consumer Cyclical"),
    ("AMZN", "Amazon.com, Inc.", 230.0, 0.30, 1.2, 40.0, Stock, "Consumer Cyclical"),
    ("META", "Meta Platforms, Inc.", 740.0, 0.32, 1.25, 12.0, Stock, "Communication Services"),
    ("GOOGL", "Alphabet Inc. Class A", 250.0, 0.28, 1.05, 30.0, Stock, "Communication Services"),
    ("GOOG", "Alphabet Inc. Class C", 251.0, 0.28, 1.05, 20.0, Stock, "Communication Services"),
    ("NFLX", "Netflix, Inc.", 1200.0, 0.32, 1.1, 4.0, Stock, "Communication Services"),
    ("AMD", "Advanced Micro Devices, Inc.", 240.0, 0.48, 1.8, 50.0, Stock, "Technology"),
    ("INTC", "Intel Corporation", 38.0, 0.45, 1.1, 80.0, Stock, "Technology"),
    ("AVGO", "Broadcom Inc.", 350.0, 0.38, 1.3, 20.0, Stock, "Technology"),
    ("ORCL", "Oracle Corporation", 290.0, 0.35, 1.1, 15.0, Stock, "Technology"),
    ("CRM", "Salesforce, Inc.", 260.0, 0.30, 1.1, 7.0, Stock, "Technology"),
    ("ADBE", "Adobe Inc.", 350.0, 0.30, 1.1, 4.0, Stock, "Technology"),
    ("JPM", "JPMorgan Chase & Co.", 310.0, 0.20, 1.05, 9.0, Stock, "Financial Services"),
    ("BAC", "Bank of America Corporation", 52.0, 0.22, 1.2, 35.0, Stock, "Financial Services"),
    ("WFC", "Wells Fargo & Company", 85.0, 0.23, 1.1, 15.0, Stock, "Financial Services"),
    ("GS", "The Goldman Sachs Group, Inc.", 790.0, 0.24, 1.3, 2.0, Stock, "Financial Services"),
    ("V", "Visa Inc.", 350.0, 0.18, 0.9, 6.0, Stock, "Financial Services"),
    ("MA", "Mastercard Incorporated", 580.0, 0.19, 0.95, 3.0, Stock, "Financial Services"),
    ("XOM", "Exxon Mobil Corporation", 115.0, 0.22, 0.7, 15.0, Stock, "Energy"),
    ("CVX", "Chevron Corporation", 155.0, 0.22, 0.8, 8.0, Stock, "Energy"),
    ("KO", "The Coca-Cola Company", 70.0, 0.14, 0.55, 14.0, Stock, "Consumer Defensive"),
    ("PEP", "PepsiCo, Inc.", 150.0, 0.15, 0.5, 6.0, Stock, "Consumer Defensive"),
    ("WMT", "Walmart Inc.", 105.0, 0.16, 0.55, 18.0, Stock, "Consumer Defensive"),
    ("COST", "Costco Wholesale Corporation", 950.0, 0.18, 0.8, 2.0, Stock, "Consumer Defensive"),
    ("UNH", "UnitedHealth Group Incorporated", 340.0, 0.30, 0.6, 8.0, Stock, "Healthcare"),
    ("JNJ", "Johnson & Johnson", 180.0, 0.14, 0.45, 7.0, Stock, "Healthcare"),
    ("PFE", "Pfizer Inc.", 25.0, 0.22, 0.6, 35.0, Stock, "Healthcare"),
    ("LLY", "Eli Lilly and Company", 820.0, 0.30, 0.5, 3.0, Stock, "Healthcare"),
    ("ABBV", "AbbVie Inc.", 220.0, 0.22, 0.55, 6.0, Stock, "Healthcare"),
    ("DIS", "The Walt Disney Company", 115.0, 0.26, 1.1, 9.0, Stock, "Communication Services"),
    ("BA", "The Boeing Company", 220.0, 0.33, 1.4, 8.0, Stock, "Industrials"),
    ("UBER", "Uber Technologies, Inc.", 95.0, 0.35, 1.3, 18.0, Stock, "Technology"),
    ("COIN", "Coinbase Global, Inc.", 330.0, 0.65, 2.6, 10.0, Stock, "Financial Services"),
    ("PLTR", "Palantir Technologies Inc.", 180.0, 0.60, 2.4, 60.0, Stock, "Technology"),
    ("SMCI", "Super Micro Computer, Inc.", 45.0, 0.75, 2.2, 30.0, Stock, "Technology"),
    ("SHOP", "Shopify Inc.", 150.0, 0.45, 2.0, 10.0, Stock, "Technology"),
    ("SPX", "S&P 500 Index", 6725.0, 0.15, 1.0, 0.0, Index, ""),
    ("NDX", "Nasdaq-100 Index", 25000.0, 0.20, 1.15, 0.0, Index, ""),
    ("RUT", "Russell 2000 Index", 2450.0, 0.22, 1.2, 0.0, Index, ""),
    ("VIX", "CBOE Volatility Index", 16.0, 0.90, -3.0, 0.0, Index, ""),
];

/// (root, description, price, vol, tick, multiplier, exchange, quarterly)
type FutureRow = (
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
    f64,
    &'static str,
    bool,
);

#[rustfmt::skip]
const FUTURES: &[FutureRow] = &[
    ("/ES", "E-mini S&P 500", 6795.75, 0.15, 0.25, 50.0, "XCME", true),
    ("/MES", "Micro E-mini S&P 500", 6795.75, 0.15, 0.25, 5.0, "XCME", true),
    ("/NQ", "E-mini Nasdaq-100", 25100.0, 0.20, 0.25, 20.0, "XCME", true),
    ("/RTY", "E-mini Russell 2000", 2460.0, 0.22, 0.1, 50.0, "XCME", true),
    ("/YM", "E-mini Dow ($5)", 47300.0, 0.15, 1.0, 5.0, "XCBT", true),
    ("/CL", "Crude Oil", 64.5, 0.32, 0.01, 1000.0, "XNYM", false),
];

/// Futures with listed options: (future root, weekly option product prefix, quarterly option
/// product). /ES weeklies are `EW1`…`EW5` by the Friday's week of the month (docs/tastytrade.md
/// §8), the quarter's third Friday the standard `ES`.
pub const FUTURE_OPTION_PRODUCTS: &[(&str, &str, &str)] = &[("/ES", "EW", "ES")];

/// A futures product as `/instruments/future-products` describes it.
#[derive(Debug, Clone)]
pub struct FutureProduct {
    /// `/ES`
    pub root: &'static str,
    pub description: &'static str,
    pub tick: f64,
    pub multiplier: f64,
    pub exchange: &'static str,
    /// Quarterly (index) contracts, or monthly.
    pub quarterly: bool,
}

/// Every futures product the catalog lists.
pub fn future_products() -> Vec<FutureProduct> {
    FUTURES
        .iter()
        .map(
            |&(root, description, _, _, tick, multiplier, exchange, quarterly)| FutureProduct {
                root,
                description,
                tick,
                multiplier,
                exchange,
                quarterly,
            },
        )
        .collect()
}

/// The load universe's size (`LD0001`…`LD1000`).
pub const LOAD_SYMBOLS: usize = 1000;

/// Month codes (docs/tastytrade.md §7).
const MONTH_CODES: [char; 12] = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'];

fn listing(row: &Row) -> Listing {
    let &(symbol, description, price, vol, beta, volume_m, kind, sector) = row;
    Listing {
        symbol: symbol.to_owned(),
        rest_symbol: symbol.to_owned(),
        description: description.to_owned(),
        kind,
        price,
        vol,
        beta,
        daily_volume: volume_m * 1e6,
        tick: 0.01,
        multiplier: 1.0,
        sector,
        optionable: kind != Kind::Index,
        exchange: if kind == Kind::Index { "" } else { "Q" },
    }
}

/// The futures month code of a month (1–12): `F` … `Z`.
pub fn month_code(month: u32) -> char {
    MONTH_CODES[(month.clamp(1, 12) - 1) as usize]
}

/// `/ESZ6` (REST) and `/ESZ26:XCME` (streamer) for a contract month.
pub fn future_symbols(root: &str, year: i32, month: u32, exchange: &str) -> (String, String) {
    let code = MONTH_CODES[(month - 1) as usize];
    (
        format!("{root}{code}{}", year.rem_euclid(10)),
        format!("{root}{code}{:02}:{exchange}", year.rem_euclid(100)),
    )
}

/// A futures contract named by its REST symbol (`/ESZ6`).
#[derive(Debug, Clone, PartialEq)]
pub struct FutureContract {
    /// `/ES`
    pub root: String,
    pub year: i32,
    pub month: u32,
    pub exchange: &'static str,
    pub description: &'static str,
    pub tick: f64,
    pub multiplier: f64,
    quarterly: bool,
}

impl FutureContract {
    /// Parses `/ESZ6` for a root the catalog lists, choosing the decade that puts the contract
    /// nearest after `today`.
    pub fn parse(rest: &str, today: Date) -> Option<Self> {
        let body = rest.strip_prefix('/')?;
        let (root_and_code, digit) = body.split_at(body.len().checked_sub(1)?);
        let digit: i32 = digit.parse().ok()?;
        let code = root_and_code.chars().last()?;
        let root = &root_and_code[..root_and_code.len() - code.len_utf8()];
        let month = MONTH_CODES.iter().position(|&c| c == code)? as u32 + 1;
        let row = FUTURES
            .iter()
            .find(|f| f.0.strip_prefix('/') == Some(root))?;
        let mut year = today.year() - today.year().rem_euclid(10) + digit;
        if year < today.year() - 1 {
            year += 10;
        }
        Some(Self {
            root: row.0.to_owned(),
            year,
            month,
            exchange: row.6,
            description: row.1,
            tick: row.4,
            multiplier: row.5,
            quarterly: row.7,
        })
    }

    /// `/ESZ26:XCME`
    pub fn streamer_symbol(&self) -> String {
        future_symbols(&self.root, self.year, self.month, self.exchange).1
    }

    /// The last trading day: the third Friday of the month for the index futures; for crude,
    /// the 20th of the month before (a simplification of the CME rule).
    pub fn expiration(&self) -> Date {
        if self.quarterly {
            return Date::nth_weekday(self.year, self.month, 5, 3);
        }
        let (y, m) = if self.month == 1 {
            (self.year - 1, 12)
        } else {
            (self.year, self.month - 1)
        };
        Date::from_ymd(y, m, 20)
            .unwrap_or_else(|| Date::nth_weekday(y, m, 5, 3))
            .on_or_before_trading()
    }
}

/// The streamer symbol of a REST future symbol (`/ESZ6` → `/ESZ26:XCME`).
pub fn future_streamer_symbol(rest: &str, today: Date) -> Option<String> {
    FutureContract::parse(rest, today).map(|c| c.streamer_symbol())
}

fn front_month(day: Date) -> (i32, u32) {
    let (y, m, _) = day.add_days(10).ymd();
    if m == 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// The front contract of every future root, trading on `today`.
pub fn futures(today: Date) -> Vec<Listing> {
    FUTURES
        .iter()
        .map(
            |&(root, description, price, vol, tick, multiplier, exchange, quarterly)| {
                let (year, month) = if quarterly {
                    let (_, expiry) = front_quarterly(root, today);
                    (expiry.year(), expiry.month())
                } else {
                    front_month(today)
                };
                let (rest, streamer) = future_symbols(root, year, month, exchange);
                Listing {
                    symbol: streamer,
                    rest_symbol: rest,
                    description: description.to_owned(),
                    kind: Kind::Future,
                    price,
                    vol,
                    beta: if root == "/CL" { 0.4 } else { 1.0 },
                    daily_volume: 1e6,
                    tick,
                    multiplier,
                    sector: "",
                    optionable: false,
                    exchange: "X",
                }
            },
        )
        .collect()
}

/// The well-known tickers and indices.
pub fn tickers() -> Vec<Listing> {
    TICKERS.iter().map(listing).collect()
}

/// `LD0001`…`LD1000`: deterministic prices, volatilities and betas from the symbol alone.
pub fn load_universe() -> Vec<Listing> {
    (1..=LOAD_SYMBOLS)
        .map(|i| {
            let symbol = format!("LD{i:04}");
            let mut rng = Rng::new(seed(&["load-universe", &symbol]));
            Listing {
                rest_symbol: symbol.clone(),
                description: format!("Load Test Corp. {i:04}"),
                symbol,
                kind: Kind::Stock,
                price: (5.0 + 495.0 * rng.unit() * rng.unit()).round(),
                vol: 0.2 + 0.4 * rng.unit(),
                beta: 0.5 + 1.5 * rng.unit(),
                daily_volume: 1e5 + 5e6 * rng.unit(),
                tick: 0.01,
                multiplier: 1.0,
                sector: "Industrials",
                optionable: false,
                exchange: "Q",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn future_symbols_follow_the_symbology() {
        let today: Date = "2026-12-02".parse().unwrap();
        assert_eq!(
            future_streamer_symbol("/ESZ6", today).as_deref(),
            Some("/ESZ26:XCME")
        );
        assert_eq!(
            future_streamer_symbol("/MESH7", today).as_deref(),
            Some("/MESH27:XCME")
        );
        assert_eq!(future_streamer_symbol("/ZZZZ6", today), None);
        let front = futures(today);
        assert!(front.iter().any(|f| f.rest_symbol == "/MESZ6"), "{front:?}");
        assert!(front.iter().any(|f| f.symbol == "/CLF27:XNYM"), "{front:?}");
        assert_eq!(load_universe().len(), LOAD_SYMBOLS);
        assert_eq!(load_universe()[0].symbol, "LD0001");
    }
}

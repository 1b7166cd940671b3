//! What happened in each demo account: the fills that opened today's positions (read from the
//! positions fixtures, at their `created-at`), and a scripted year of other activity placed
//! relative to the simulator's last trading day, so the history always looks current.

use serde_json::Value;

use crate::dates::Date;
use crate::decimal::Dec;
use crate::ledger::book::{Book, EntrySpec, LegSpec, OrderSpec, Outcome};
use crate::ledger::rng::{seed, Rng};
use crate::ledger::symbols::{describe, front_quarterly, occ};

/// The simulated clock: `today` and the last trading day on or before it.
#[derive(Clone, Copy)]
pub struct Clock {
    pub today: Date,
    pub last: Date,
}

impl Clock {
    /// `n` trading days before the last trading day.
    fn td(&self, n: u32) -> Date {
        self.last.trading_days_back(n)
    }
}

fn leg(
    instrument_type: &'static str,
    symbol: &str,
    underlying: &str,
    action: &'static str,
    quantity: i64,
    fill: &str,
) -> LegSpec {
    LegSpec {
        instrument_type,
        symbol: symbol.to_owned(),
        underlying: underlying.to_owned(),
        action,
        quantity,
        multiplier: match instrument_type {
            "Equity Option" => 100,
            _ => 1,
        },
        fill_price: Dec::lit(fill),
        fill_after_ms: 480,
    }
}

fn with_multiplier(mut l: LegSpec, multiplier: i64) -> LegSpec {
    l.multiplier = multiplier;
    l
}

fn single(
    at: i64,
    tif: &'static str,
    price: Option<(&str, &'static str)>,
    l: LegSpec,
    outcome: Outcome,
) -> OrderSpec {
    let underlying_type = if l.instrument_type.starts_with("Future") {
        "Future"
    } else {
        "Equity"
    };
    OrderSpec {
        at,
        time_in_force: tif,
        order_type: if price.is_some() { "Limit" } else { "Market" },
        price: price.map(|(p, e)| (Dec::lit(p), e)),
        size: l.quantity,
        underlying: l.underlying.clone(),
        underlying_type,
        legs: vec![l],
        outcome,
    }
}

fn spread(
    at: i64,
    price: &str,
    effect: &'static str,
    underlying: &str,
    legs: Vec<LegSpec>,
    outcome: Outcome,
) -> OrderSpec {
    OrderSpec {
        at,
        time_in_force: "Day",
        order_type: "Limit",
        price: Some((Dec::lit(price), effect)),
        size: legs.iter().map(|l| l.quantity).min().unwrap_or(1),
        underlying: underlying.to_owned(),
        underlying_type: "Equity",
        legs,
        outcome,
    }
}

fn str_field<'a>(p: &'a Value, key: &str) -> &'a str {
    p[key].as_str().unwrap_or_default()
}

/// One opening order per group of positions with the same underlying opened within two
/// seconds of each other (a multi-leg order fills its legs a moment apart), filled at each
/// position's `average-open-price` at its `created-at`.
pub fn openings(book: &mut Book, positions: &[Value]) {
    let mut groups: Vec<Vec<&Value>> = Vec::new();
    let created = |p: &Value| crate::dates::parse_datetime(str_field(p, "created-at")).unwrap_or(0);
    let mut sorted: Vec<&Value> = positions.iter().collect();
    sorted.sort_by_key(|p| created(p));
    for p in sorted {
        match groups.last_mut() {
            Some(g)
                if str_field(g[0], "underlying-symbol") == str_field(p, "underlying-symbol")
                    && created(p) - created(g[0]) < 2_000 =>
            {
                g.push(p)
            }
            _ => groups.push(vec![p]),
        }
    }
    for group in groups {
        let first_fill = created(group[0]);
        let at = first_fill - 640;
        let mut net = Dec::ZERO;
        let legs: Vec<LegSpec> = group
            .iter()
            .map(|p| {
                let itype = match str_field(p, "instrument-type") {
                    "Equity" => "Equity",
                    "Equity Option" => "Equity Option",
                    "Future" => "Future",
                    _ => "Future Option",
                };
                let long = str_field(p, "quantity-direction") == "Long";
                let action = match (itype, long) {
                    ("Future", true) => "Buy",
                    ("Future", false) => "Sell",
                    (_, true) => "Buy to Open",
                    (_, false) => "Sell to Open",
                };
                let price = Dec::lit(str_field(p, "average-open-price"));
                net = if long { net - price } else { net + price };
                LegSpec {
                    instrument_type: itype,
                    symbol: str_field(p, "symbol").to_owned(),
                    underlying: str_field(p, "underlying-symbol").to_owned(),
                    action,
                    quantity: p["quantity"].as_i64().unwrap_or(1),
                    multiplier: p["multiplier"].as_i64().unwrap_or(1),
                    fill_price: price,
                    fill_after_ms: created(p) - at,
                }
            })
            .collect();
        let single_leg = legs.len() == 1;
        let price = if single_leg {
            legs[0].fill_price
        } else {
            net.abs()
        };
        let effect = if single_leg {
            if legs[0].action.starts_with("Buy") {
                "Debit"
            } else {
                "Credit"
            }
        } else {
            net.effect()
        };
        let itype = legs[0].instrument_type;
        book.order(OrderSpec {
            at,
            time_in_force: "Day",
            order_type: "Limit",
            price: Some((price, effect)),
            size: legs.iter().map(|l| l.quantity).min().unwrap_or(1),
            underlying: legs[0].underlying.clone(),
            underlying_type: if itype.starts_with("Future") {
                "Future"
            } else {
                "Equity"
            },
            legs,
            outcome: Outcome::Filled,
        });
    }
}

/// Quarterly dividends on the stock positions held, for a year back from today: (symbol,
/// pay months, day of month, amount per share).
const DIVIDENDS: &[(&str, [u32; 4], u32, &str)] = &[
    ("AAPL", [2, 5, 8, 11], 13, "0.26"),
    ("SPY", [1, 4, 7, 10], 31, "1.81"),
    ("VTI", [3, 6, 9, 12], 27, "0.96"),
    ("SCHD", [3, 6, 9, 12], 25, "0.26"),
];

pub fn dividends(book: &mut Book, clock: Clock, positions: &[Value]) {
    let since = clock.today.add_days(-365);
    for p in positions
        .iter()
        .filter(|p| p["instrument-type"] == "Equity")
    {
        let symbol = str_field(p, "symbol");
        let Some((_, months, day, per_share)) = DIVIDENDS.iter().find(|d| d.0 == symbol) else {
            continue;
        };
        let opened = crate::dates::parse_datetime(str_field(p, "created-at")).unwrap_or(0);
        let shares = p["quantity"].as_i64().unwrap_or(0);
        for year in [clock.today.year() - 1, clock.today.year()] {
            for &m in months {
                let last = Date::last_trading_day_of_month(year, m);
                let pay = Date::from_ymd(year, m, *day).map_or(last, Date::on_or_before_trading);
                let at = pay.at_et(8, 0, 0, 0);
                if pay <= since || at < opened || pay > clock.today {
                    continue;
                }
                let amount = Dec::lit(per_share).times(shares);
                book.entry(EntrySpec {
                    at,
                    transaction_type: "Money Movement",
                    sub_type: "Dividend",
                    description: format!(
                        "{symbol} dividend: {per_share} per share on {shares} shares"
                    ),
                    value: amount,
                    instrument: Some((symbol.to_owned(), "Equity", symbol.to_owned())),
                    action: None,
                    quantity: None,
                    price: None,
                });
            }
        }
    }
}

/// Credit interest on idle cash, paid on the last trading day of each of the last 12 months.
pub fn interest(book: &mut Book, clock: Clock, account: &str, monthly: Dec) {
    let mut rng = Rng::new(seed(&[account, "interest"]));
    for back in (1..=12).rev() {
        let month = clock.today.months_back(back);
        let day = Date::last_trading_day_of_month(month.year(), month.month());
        let jitter =
            Dec::from_f64(monthly.to_f64() * (0.85 + 0.3 * rng.unit())).round_to(Dec::cents(1));
        book.cash(
            day.at_et(17, 0, 0, 0),
            "Credit Interest",
            "INTEREST ON CREDIT BALANCE".into(),
            jitter,
        );
    }
}

/// Daily futures mark-to-market from `entry` to the last settlement (or to the exit, which
/// settles the rest): the settlement prices form a seeded walk pinned at both ends, so the
/// entries add up to exactly `(end - entry) × multiplier × quantity`.
#[allow(clippy::too_many_arguments)]
fn mark_to_market(
    book: &mut Book,
    symbol: &str,
    underlying: &str,
    multiplier: i64,
    signed_quantity: i64,
    entry: (Date, Dec),
    end: (Date, Dec),
    tick: Dec,
) {
    let mut days = vec![entry.0];
    while *days.last().unwrap_or(&end.0) < end.0 {
        let next = days
            .last()
            .copied()
            .unwrap_or(end.0)
            .trading_days_forward(1);
        days.push(next);
    }
    // A random walk (about 0.8% a day) with its drift removed, so it ends where it must.
    let n = days.len();
    let mut rng = Rng::new(seed(&[symbol, &entry.0.to_string(), "settle"]));
    let (p0, p1) = (entry.1.to_f64(), end.1.to_f64());
    let mut walk = vec![0.0];
    for _ in 0..n {
        let w = walk.last().copied().unwrap_or(0.0) + rng.normal() * p0 * 0.008;
        walk.push(w);
    }
    let mut prev = entry.1;
    for (i, day) in days.iter().enumerate() {
        let t = (i + 1) as f64 / n as f64;
        let settle = if i + 1 == n {
            end.1
        } else {
            Dec::from_f64(p0 + (p1 - p0) * t + walk[i + 1] - walk[n] * t).round_to(tick)
        };
        let value = (settle - prev).times(multiplier * signed_quantity);
        prev = settle;
        book.entry(EntrySpec {
            at: day.at_et(17, 0, 0, 0),
            transaction_type: "Money Movement",
            sub_type: "Mark to Market",
            description: format!("Mark to market: {symbol} settled at {settle}"),
            value,
            instrument: Some((symbol.to_owned(), "Future", underlying.to_owned())),
            action: None,
            quantity: Some(signed_quantity.abs()),
            price: Some(settle),
        });
    }
}

/// Settlements for the futures positions held today: daily from the opening fill through the
/// trading day before the last one (the position's `close-price` is that settlement), stopping
/// at the contract's expiration.
pub fn held_futures(book: &mut Book, clock: Clock, positions: &[Value]) {
    for p in positions
        .iter()
        .filter(|p| p["instrument-type"] == "Future")
    {
        let opened = crate::dates::parse_datetime(str_field(p, "created-at")).unwrap_or(0);
        let expires = crate::dates::parse_datetime(str_field(p, "expires-at")).map(Date::of_ts);
        let mut last_settle = clock.last.trading_days_back(1);
        if let Some(e) = expires {
            last_settle = last_settle.min(e);
        }
        let start = Date::of_ts(opened);
        if last_settle < start {
            continue;
        }
        let sign = if p["quantity-direction"] == "Short" {
            -1
        } else {
            1
        };
        mark_to_market(
            book,
            str_field(p, "symbol"),
            str_field(p, "underlying-symbol"),
            p["multiplier"].as_i64().unwrap_or(1),
            sign * p["quantity"].as_i64().unwrap_or(0),
            (start, Dec::lit(str_field(p, "average-open-price"))),
            (last_settle, Dec::lit(str_field(p, "close-price"))),
            Dec::lit("0.25"),
        );
    }
}

fn expiration_entry(book: &mut Book, day: Date, l: &LegSpec) {
    let closing = if l.action.starts_with("Sell") {
        "Buy to Close"
    } else {
        "Sell to Close"
    };
    book.entry(EntrySpec {
        at: day.at_et(18, 0, 0, 0),
        transaction_type: "Receive Deliver",
        sub_type: "Expiration",
        description: format!(
            "Removal of {} {} due to expiration.",
            Dec::units(l.quantity),
            describe(&l.symbol, l.instrument_type)
        ),
        value: Dec::ZERO,
        instrument: Some((l.symbol.clone(), l.instrument_type, l.underlying.clone())),
        action: Some(closing),
        quantity: Some(l.quantity),
        price: None,
    });
}

/// The individual margin account: a vertical, an iron condor, an assignment, deposits and
/// a withdrawal, and orders that were cancelled, replaced, rejected, expired or still work.
pub fn margin_account(book: &mut Book, c: Clock) {
    book.cash(
        c.td(240).at_et(9, 2, 11, 0),
        "Deposit",
        "ACH DEPOSIT".into(),
        Dec::units(5_000),
    );
    book.cash(
        c.td(130).at_et(9, 1, 47, 0),
        "Deposit",
        "ACH DEPOSIT".into(),
        Dec::units(2_500),
    );
    let wire = c.td(40).at_et(11, 15, 0, 0);
    book.cash(
        wire,
        "Withdrawal",
        "WIRE WITHDRAWAL".into(),
        Dec::units(-3_000),
    );
    book.cash(
        wire + 1_000,
        "Fee",
        "Outgoing wire fee".into(),
        Dec::units(-25),
    );

    // QQQ bull put vertical: opened, then closed with a replaced (re-priced) order.
    let open = c.td(110);
    let exp = open.monthly_expiration_after(30);
    let (short, long) = (
        occ("QQQ", exp, false, Dec::units(560)),
        occ("QQQ", exp, false, Dec::units(550)),
    );
    book.order(spread(
        open.at_et(10, 5, 12, 331),
        "2.15",
        "Credit",
        "QQQ",
        vec![
            leg("Equity Option", &short, "QQQ", "Sell to Open", 1, "4.8"),
            leg("Equity Option", &long, "QQQ", "Buy to Open", 1, "2.65"),
        ],
        Outcome::Filled,
    ));
    book.order(spread(
        c.td(95).at_et(10, 31, 7, 120),
        "0.55",
        "Debit",
        "QQQ",
        vec![
            leg("Equity Option", &short, "QQQ", "Buy to Close", 1, "1.1"),
            leg("Equity Option", &long, "QQQ", "Sell to Close", 1, "0.45"),
        ],
        Outcome::Replaced {
            after_ms: 31 * 60_000 + 33_000,
            price: Dec::lit("0.65"),
            then: Box::new(Outcome::Filled),
        },
    ));

    // IWM iron condor, held to expiration.
    let open = c.td(75);
    let exp = open.monthly_expiration_after(28);
    let sym = |call, strike| occ("IWM", exp, call, Dec::units(strike));
    let condor = vec![
        leg(
            "Equity Option",
            &sym(false, 215),
            "IWM",
            "Sell to Open",
            1,
            "1.62",
        ),
        leg(
            "Equity Option",
            &sym(false, 210),
            "IWM",
            "Buy to Open",
            1,
            "0.98",
        ),
        leg(
            "Equity Option",
            &sym(true, 245),
            "IWM",
            "Sell to Open",
            1,
            "1.41",
        ),
        leg(
            "Equity Option",
            &sym(true, 250),
            "IWM",
            "Buy to Open",
            1,
            "0.57",
        ),
    ];
    for l in &condor {
        expiration_entry(book, exp, l);
    }
    book.order(spread(
        open.at_et(11, 42, 3, 808),
        "1.48",
        "Credit",
        "IWM",
        condor,
        Outcome::Filled,
    ));

    // TSLA cash-secured put, assigned at expiration; the shares are sold two days later.
    let open = c.td(60);
    let exp = open.monthly_expiration_after(21);
    let put = occ("TSLA", exp, false, Dec::units(400));
    book.order(single(
        open.at_et(13, 20, 45, 17),
        "Day",
        Some(("6.5", "Credit")),
        leg("Equity Option", &put, "TSLA", "Sell to Open", 1, "6.5"),
        Outcome::Filled,
    ));
    let assigned = exp.at_et(18, 30, 0, 0);
    book.entry(EntrySpec {
        at: assigned,
        transaction_type: "Receive Deliver",
        sub_type: "Assignment",
        description: format!(
            "Removal of 1.0 {} due to assignment",
            describe(&put, "Equity Option")
        ),
        value: Dec::ZERO,
        instrument: Some((put.clone(), "Equity Option", "TSLA".into())),
        action: Some("Buy to Close"),
        quantity: Some(1),
        price: None,
    });
    book.entry(EntrySpec {
        at: assigned + 1,
        transaction_type: "Receive Deliver",
        sub_type: "Buy to Open",
        description: "Bought 100 TSLA @ 400.0".into(),
        value: Dec::units(-40_000),
        instrument: Some(("TSLA".into(), "Equity", "TSLA".into())),
        action: Some("Buy to Open"),
        quantity: Some(100),
        price: Some(Dec::units(400)),
    });
    book.order(single(
        exp.trading_days_forward(2).at_et(10, 2, 36, 440),
        "Day",
        Some(("412.3", "Credit")),
        leg("Equity", "TSLA", "TSLA", "Sell to Close", 100, "412.3"),
        Outcome::Filled,
    ));

    book.order(single(
        c.td(50).at_et(9, 48, 10, 9),
        "Day",
        Some(("172.5", "Debit")),
        leg("Equity", "NVDA", "NVDA", "Buy to Open", 20, "172.5"),
        Outcome::Cancelled {
            after_ms: 41 * 60_000,
        },
    ));
    book.order(single(
        c.td(30).at_et(15, 58, 40, 602),
        "Day",
        Some(("231.4", "Debit")),
        leg("Equity", "AMD", "AMD", "Buy to Open", 10, "231.4"),
        Outcome::Rejected {
            reason: "Price is too far from the current market",
        },
    ));
    book.order(single(
        c.td(20).at_et(10, 12, 55, 301),
        "Day",
        Some(("480.0", "Debit")),
        leg("Equity", "MSFT", "MSFT", "Buy to Open", 10, "480.0"),
        Outcome::Expired,
    ));

    // META short put, bought back on the last trading day; plus today's cancelled order and
    // a GTC order still working.
    let open = c.td(18);
    let exp = open.monthly_expiration_after(35);
    let meta = occ("META", exp, false, Dec::units(680));
    book.order(single(
        open.at_et(14, 5, 9, 777),
        "Day",
        Some(("7.4", "Credit")),
        leg("Equity Option", &meta, "META", "Sell to Open", 1, "7.4"),
        Outcome::Filled,
    ));
    book.order(single(
        c.last.at_et(10, 15, 2, 45),
        "Day",
        Some(("2.1", "Debit")),
        leg("Equity Option", &meta, "META", "Buy to Close", 1, "2.1"),
        Outcome::Filled,
    ));
    book.order(single(
        c.last.at_et(10, 40, 0, 512),
        "Day",
        Some(("690.0", "Credit")),
        leg("Equity", "SPY", "SPY", "Sell to Close", 10, "690.0"),
        Outcome::Cancelled {
            after_ms: 50 * 60_000,
        },
    ));
    book.order(single(
        c.td(3).at_et(15, 20, 14, 90),
        "GTC",
        Some(("275.0", "Credit")),
        leg("Equity", "AAPL", "AAPL", "Sell to Close", 50, "275.0"),
        Outcome::Live,
    ));
}

/// The Roth IRA (cash, covered and cash-secured options only).
pub fn ira_account(book: &mut Book, c: Clock) {
    book.cash(
        c.td(200).at_et(9, 0, 31, 0),
        "Deposit",
        "IRA CONTRIBUTION".into(),
        Dec::units(7_000),
    );

    let open = c.td(100);
    let exp = open.monthly_expiration_after(28);
    let call = leg(
        "Equity Option",
        &occ("VTI", exp, true, Dec::units(330)),
        "VTI",
        "Sell to Open",
        1,
        "2.1",
    );
    expiration_entry(book, exp, &call);
    book.order(single(
        open.at_et(10, 44, 20, 5),
        "Day",
        Some(("2.1", "Credit")),
        call,
        Outcome::Filled,
    ));

    let open = c.td(70);
    let exp = open.monthly_expiration_after(30);
    let put = occ("VTI", exp, false, Dec::units(300));
    book.order(single(
        open.at_et(11, 3, 51, 640),
        "Day",
        Some(("3.2", "Credit")),
        leg("Equity Option", &put, "VTI", "Sell to Open", 1, "3.2"),
        Outcome::Filled,
    ));
    book.order(single(
        c.td(55).at_et(14, 30, 8, 215),
        "Day",
        Some(("0.9", "Debit")),
        leg("Equity Option", &put, "VTI", "Buy to Close", 1, "0.9"),
        Outcome::Filled,
    ));

    book.order(single(
        c.td(45).at_et(9, 35, 0, 70),
        "Day",
        Some(("26.1", "Debit")),
        leg("Equity", "SCHD", "SCHD", "Buy to Open", 50, "26.1"),
        Outcome::Cancelled {
            after_ms: 3 * 3_600_000,
        },
    ));
    book.order(single(
        c.td(33).at_et(12, 10, 42, 900),
        "Day",
        Some(("315.0", "Debit")),
        leg("Equity", "VTI", "VTI", "Buy to Open", 60, "315.0"),
        Outcome::Rejected {
            reason: "Insufficient cash available for this order",
        },
    ));
    book.order(single(
        c.td(12).at_et(9, 50, 5, 333),
        "Day",
        Some(("305.0", "Debit")),
        leg("Equity", "VTI", "VTI", "Buy to Open", 10, "305.0"),
        Outcome::Expired,
    ));
    book.order(single(
        c.td(5).at_et(15, 45, 30, 12),
        "GTC",
        Some(("26.0", "Debit")),
        leg("Equity", "SCHD", "SCHD", "Buy to Open", 20, "26.0"),
        Outcome::Live,
    ));
}

/// A Micro E-mini S&P leg in the front quarterly contract of `day` (multiplier 5).
fn mes(day: Date, action: &'static str, quantity: i64, fill: &str) -> LegSpec {
    let (symbol, _) = front_quarterly("/MES", day);
    with_multiplier(leg("Future", &symbol, "/MES", action, quantity, fill), 5)
}

/// The futures account: a swing trade and a day trade in /MES with their settlements, and
/// /ES orders that were cancelled, rejected, expired or still work.
pub fn futures_account(book: &mut Book, c: Clock) {
    book.cash(
        c.td(210).at_et(9, 12, 4, 0),
        "Deposit",
        "ACH DEPOSIT".into(),
        Dec::units(10_000),
    );

    let (entry, exit) = (c.td(90), c.td(86));
    let (symbol, _) = front_quarterly("/MES", entry);
    book.order(single(
        entry.at_et(9, 41, 17, 250),
        "Day",
        None,
        mes(entry, "Buy", 2, "6400.0"),
        Outcome::Filled,
    ));
    book.order(single(
        exit.at_et(14, 55, 3, 901),
        "Day",
        Some(("6461.5", "Credit")),
        mes(entry, "Sell", 2, "6461.5"),
        Outcome::Filled,
    ));
    mark_to_market(
        book,
        &symbol,
        "/MES",
        5,
        2,
        (entry, Dec::units(6400)),
        (exit, Dec::lit("6461.5")),
        Dec::lit("0.25"),
    );

    // A day trade on the last trading day, settled that evening.
    let day = c.last;
    let (symbol, _) = front_quarterly("/MES", day);
    book.order(single(
        day.at_et(10, 2, 0, 118),
        "Day",
        None,
        mes(day, "Buy", 1, "6790.25"),
        Outcome::Filled,
    ));
    book.order(single(
        day.at_et(14, 40, 30, 642),
        "Day",
        Some(("6798.5", "Credit")),
        mes(day, "Sell", 1, "6798.5"),
        Outcome::Filled,
    ));
    mark_to_market(
        book,
        &symbol,
        "/MES",
        5,
        1,
        (day, Dec::lit("6790.25")),
        (day, Dec::lit("6798.5")),
        Dec::lit("0.25"),
    );

    let es =
        |action, fill: &str| with_multiplier(leg("Future", "/ESZ6", "/ES", action, 1, fill), 50);
    book.order(single(
        c.td(8).at_et(9, 31, 0, 4),
        "Day",
        Some(("6900.0", "Credit")),
        es("Sell", "6900.0"),
        Outcome::Cancelled {
            after_ms: 2 * 3_600_000 + 7_000,
        },
    ));
    book.order(single(
        c.td(25).at_et(10, 0, 9, 876),
        "Day",
        None,
        with_multiplier(
            leg(
                "Future",
                &front_quarterly("/NQ", c.td(25)).0,
                "/NQ",
                "Buy",
                1,
                "24000.0",
            ),
            20,
        ),
        Outcome::Rejected {
            reason: "Not enough buying power for this order",
        },
    ));
    book.order(single(
        c.td(15).at_et(11, 20, 44, 159),
        "Day",
        Some(("6300.0", "Debit")),
        mes(c.td(15), "Buy", 1, "6300.0"),
        Outcome::Expired,
    ));
    book.order(single(
        c.td(6).at_et(13, 0, 0, 250),
        "GTC",
        Some(("7000.0", "Credit")),
        es("Sell", "7000.0"),
        Outcome::Live,
    ));
}

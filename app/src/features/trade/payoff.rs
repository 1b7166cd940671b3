//! What an order is worth at expiration, as a function of the underlying's price: the P/L curve,
//! its maximum profit and loss (or "unlimited"), and the breakevens. Exact for stock, futures and
//! options expiring together: the payoff is piecewise linear with its kinks at the strikes.
//!
//! P/L(S) = quantity × multiplier × (Σ legs sign × ratio × value(S) + signed price), where value is
//! S for stock and futures, max(S − K, 0) for a call and max(K − S, 0) for a put, sign is +1 for a
//! buy and −1 for a sell, and the signed price is −price for a debit and +price for a credit.
//! Worked example (the test `a_call_vertical`): buy the 100 call, sell the 110 call for 4.00 debit,
//! 1 lot of 100: below 100 it loses 400, above 110 it makes 600, breakeven 104.

use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::{OptionRight, SymbolParts};
use rust_decimal::Decimal;

use super::model::{Effect, Leg, Side, Ticket};

/// One leg or held position as the payoff sees it.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    /// Signed units of it (a sell or a short is negative), times the contract multiplier.
    units: Decimal,
    /// `None`: the underlying itself (stock, future).
    option: Option<(OptionRight, Decimal)>,
    /// The option's expiration (`YYYY-MM-DD`).
    expires: Option<String>,
}

/// An option symbol's right, strike and expiration (`None` for stock and futures).
fn option_of(symbol: &str) -> (Option<(OptionRight, Decimal)>, Option<String>) {
    match SymbolParts::parse(symbol) {
        SymbolParts::EquityOption {
            right,
            strike,
            expiration,
            ..
        }
        | SymbolParts::FutureOption {
            right,
            strike,
            expiration,
            ..
        } => (
            Some((right, strike)),
            Some(format!(
                "{:04}-{:02}-{:02}",
                expiration.year, expiration.month, expiration.day
            )),
        ),
        _ => (None, None),
    }
}

fn piece(leg: &Leg, scale: Decimal) -> Option<Piece> {
    let sign = match leg.side {
        Side::Buy => Decimal::ONE,
        Side::Sell => Decimal::NEGATIVE_ONE,
    };
    let (option, expires) = option_of(&leg.symbol);
    Some(Piece {
        units: sign.times(Decimal::from(leg.ratio))?.times(scale)?,
        option,
        expires,
    })
}

/// A position the account holds in the order's underlying.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    pub symbol: String,
    /// Shorts negative.
    pub signed_quantity: Decimal,
    pub multiplier: Decimal,
    /// Its price now (per unit): the P/L counts from here.
    pub mark: Option<Decimal>,
    /// Per-unit (delta, theta) now (`None` for an option without Greeks yet).
    pub greeks: Option<(Decimal, Decimal)>,
}

/// The order's payoff at expiration.
#[derive(Debug, Clone, PartialEq)]
pub struct Payoff {
    /// (underlying price, P/L) at the curve's corners, by price: 0, every strike, and beyond.
    pub points: Vec<(Decimal, Decimal)>,
    /// What the chart draws: the same curve from 15 % below the lowest strike (or the price
    /// now) to 15 % above the highest, where the order's outcome is decided.
    pub view: Vec<(Decimal, Decimal)>,
    /// `None`: unlimited.
    pub max_profit: Option<Decimal>,
    /// As a negative amount; `None`: unlimited.
    pub max_loss: Option<Decimal>,
    pub breakevens: Vec<Decimal>,
}

/// P/L at underlying price `s`: the pieces' value then, plus `constant` (what was paid or
/// received, or what the holdings are worth now, negated).
fn pl_at(pieces: &[Piece], s: Decimal, constant: Decimal) -> Option<Decimal> {
    let mut value = constant;
    for p in pieces {
        let v = match p.option {
            None => s,
            Some((OptionRight::Call, k)) => s.minus(k)?.max(Decimal::ZERO),
            Some((OptionRight::Put, k)) => k.minus(s)?.max(Decimal::ZERO),
        };
        value = value.plus(p.units.times(v)?)?;
    }
    Some(value)
}

/// The order's legs as pieces, and what it pays (negative) or receives at its limit.
fn order_pieces(ticket: &Ticket, multiplier: Decimal) -> Option<(Vec<Piece>, Decimal)> {
    let price = ticket.price?;
    let scale = Decimal::from(ticket.quantity).times(multiplier)?;
    let pieces = ticket
        .legs
        .iter()
        .map(|l| piece(l, scale))
        .collect::<Option<Vec<_>>>()?;
    let per_unit = match ticket.effect {
        Effect::Debit => -price,
        Effect::Credit => price,
    };
    Some((pieces, per_unit.times(scale)?))
}

/// The payoff of `ticket` at its limit price (`None`: no price, options expiring on different
/// dates, or an overflow). `multiplier`: dollars per point per unit; `spot`: the underlying's
/// price now (widens the range shown).
pub fn payoff(ticket: &Ticket, multiplier: Decimal, spot: Option<Decimal>) -> Option<Payoff> {
    let (pieces, constant) = order_pieces(ticket, multiplier)?;
    curve(&pieces, constant, spot)
}

/// The P/L curve of `pieces` (all options expiring on one date) plus `constant`.
fn curve(pieces: &[Piece], constant: Decimal, spot: Option<Decimal>) -> Option<Payoff> {
    let mut dates: Vec<&String> = pieces.iter().filter_map(|p| p.expires.as_ref()).collect();
    dates.sort();
    dates.dedup();
    if dates.len() > 1 || pieces.is_empty() {
        return None;
    }
    let mut strikes: Vec<Decimal> = pieces
        .iter()
        .filter_map(|p| p.option.map(|o| o.1))
        .collect();
    strikes.extend(spot);
    strikes.sort();
    strikes.dedup();
    let high = strikes.last().copied().unwrap_or(Decimal::ONE_HUNDRED);
    let beyond = high.times(Decimal::new(13, 1))?.max(Decimal::ONE);
    let mut xs = vec![Decimal::ZERO];
    xs.extend(strikes.iter().copied().filter(|k| *k > Decimal::ZERO));
    xs.push(beyond);
    let at = |s: &Decimal| Some((*s, pl_at(pieces, *s, constant)?));
    let points = xs.iter().map(at).collect::<Option<Vec<_>>>()?;
    let low = strikes.first().copied().unwrap_or_default();
    let mut view_xs = vec![low.times(Decimal::new(85, 2))?];
    view_xs.extend(strikes.iter().copied());
    view_xs.push(high.times(Decimal::new(115, 2))?);
    view_xs.dedup();
    let view = view_xs.iter().map(at).collect::<Option<Vec<_>>>()?;
    // Past the last strike the curve goes on with this slope (per point of the underlying).
    let slope_right: Decimal = pieces
        .iter()
        .filter(|p| !matches!(p.option, Some((OptionRight::Put, _))))
        .try_fold(Decimal::ZERO, |acc, p| acc.plus(p.units))?;
    let values = points.iter().map(|(_, v)| *v);
    let max = values.clone().max()?;
    let min = values.min()?;
    let mut breakevens = Vec::new();
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if y0.is_zero() {
            breakevens.push(x0);
        } else if (y0 < Decimal::ZERO) != (y1 < Decimal::ZERO) && !y1.is_zero() {
            // Linear between corners: x0 + (x1 − x0) × y0 / (y0 − y1).
            let x = x0.plus(x1.minus(x0)?.times(y0)?.over(y0.minus(y1)?)?)?;
            breakevens.push(x.round_dp(2));
        }
    }
    if let Some((x, y)) = points.last() {
        if y.is_zero() {
            breakevens.push(*x);
        }
    }
    breakevens.dedup();
    Some(Payoff {
        max_profit: (slope_right <= Decimal::ZERO).then_some(max),
        max_loss: (slope_right >= Decimal::ZERO).then_some(min),
        points,
        view,
        breakevens,
    })
}

/// The underlying's position group at the order's expiration, without and with the order.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    /// The holdings alone (`None` without holdings in the curve).
    pub without: Option<Payoff>,
    pub with: Option<Payoff>,
    /// Group (delta, theta) now and with the order (`None` while some Greeks are missing).
    pub risk_without: Option<(Decimal, Decimal)>,
    pub risk_with: Option<(Decimal, Decimal)>,
    /// Holdings left out of the curve: options expiring on another date.
    pub left_out: usize,
    /// Holdings in the group.
    pub held: usize,
}

/// The what-if of an option order against the account's `holdings` in its underlying: the
/// curves at the order's expiration (stock, futures and options of that date; P/L counted from
/// the holdings' marks and the order's limit) and the group's delta and theta before and after.
/// `order_greeks`: the order legs' per-unit (delta, theta).
pub fn what_if(
    ticket: &Ticket,
    multiplier: Decimal,
    spot: Option<Decimal>,
    holdings: &[Holding],
    order_greeks: &[Option<(Decimal, Decimal)>],
) -> Option<WhatIf> {
    let (order, order_constant) = order_pieces(ticket, multiplier)?;
    let date = order.iter().find_map(|p| p.expires.clone())?;
    let mut held = Vec::new();
    let mut held_constant = Decimal::ZERO;
    let mut left_out = 0;
    for h in holdings {
        let (option, expires) = option_of(&h.symbol);
        if expires.as_ref().is_some_and(|d| *d != date) {
            left_out += 1;
            continue;
        }
        let units = h.signed_quantity.times(h.multiplier)?;
        let Some(mark) = h.mark else {
            left_out += 1;
            continue;
        };
        held_constant = held_constant.minus(mark.times(units)?)?;
        held.push(Piece {
            units,
            option,
            expires,
        });
    }
    let without = (!held.is_empty())
        .then(|| curve(&held, held_constant, spot))
        .flatten();
    let mut all = held.clone();
    all.extend(order);
    let with = curve(&all, held_constant.plus(order_constant)?, spot);
    let group_risk = holdings.iter().try_fold(
        (Decimal::ZERO, Decimal::ZERO),
        |(d, t), h| -> Option<(Decimal, Decimal)> {
            let (hd, ht) = match (option_of(&h.symbol).0, h.greeks) {
                (None, _) => (Decimal::ONE, Decimal::ZERO),
                (Some(_), g) => g?,
            };
            let units = h.signed_quantity.times(h.multiplier)?;
            Some((d.plus(hd.times(units)?)?, t.plus(ht.times(units)?)?))
        },
    );
    let order_risk = order_risk(ticket, multiplier, order_greeks);
    let risk_with = group_risk
        .zip(order_risk)
        .and_then(|((gd, gt), (od, ot))| Some((gd.plus(od)?, gt.plus(ot)?)));
    Some(WhatIf {
        without,
        with,
        risk_without: group_risk,
        risk_with,
        left_out,
        held: holdings.len(),
    })
}

/// What the order adds to the account's risk: delta in units of the underlying (shares,
/// futures) and theta in dollars per day, from each leg's live Greeks (`(delta, theta)` per
/// unit; stock and futures count delta 1, theta 0). `None` while an option leg has no Greeks.
pub fn order_risk(
    ticket: &Ticket,
    multiplier: Decimal,
    greeks: &[Option<(Decimal, Decimal)>],
) -> Option<(Decimal, Decimal)> {
    let scale = Decimal::from(ticket.quantity).times(multiplier)?;
    let mut delta = Decimal::ZERO;
    let mut theta = Decimal::ZERO;
    for (leg, g) in ticket.legs.iter().zip(greeks) {
        let (d, t) = if leg.kind().is_option() {
            (*g)?
        } else {
            (Decimal::ONE, Decimal::ZERO)
        };
        let sign = match leg.side {
            Side::Buy => Decimal::ONE,
            Side::Sell => Decimal::NEGATIVE_ONE,
        };
        let units = sign.times(Decimal::from(leg.ratio))?.times(scale)?;
        delta = delta.plus(d.times(units)?)?;
        theta = theta.plus(t.times(units)?)?;
    }
    Some((delta, theta))
}

/// `v` placed between `lo` and `hi` on `0..=px` pixels (`None` on overflow or an empty span).
pub fn to_px(v: Decimal, lo: Decimal, hi: Decimal, px: i64) -> Option<i64> {
    let span = hi.minus(lo)?;
    if span <= Decimal::ZERO {
        return None;
    }
    let at = v.minus(lo)?.times(Decimal::from(px))?.over(span)?.round();
    i64::try_from(at).ok().map(|x| x.clamp(0, px))
}

/// The curves' SVG paths (`M x y L x y …`) on one scale in a `width` × `height` box, with the
/// zero line's y.
pub fn svg_paths(curves: &[&Payoff], width: i64, height: i64) -> Option<(Vec<String>, i64)> {
    let xs = curves.iter().flat_map(|c| c.view.iter().map(|(x, _)| *x));
    let ys = curves.iter().flat_map(|c| c.view.iter().map(|(_, y)| *y));
    let (x_lo, x_hi) = (xs.clone().min()?, xs.max()?);
    let y_lo = ys.clone().min()?.min(Decimal::ZERO);
    let y_hi = ys.max()?.max(Decimal::ZERO);
    let (y_lo, y_hi) = if y_lo == y_hi {
        (y_lo.minus(Decimal::ONE)?, y_hi.plus(Decimal::ONE)?)
    } else {
        (y_lo, y_hi)
    };
    let mut paths = Vec::new();
    for c in curves {
        let mut path = String::new();
        for (i, (x, y)) in c.view.iter().enumerate() {
            let px = to_px(*x, x_lo, x_hi, width)?;
            let py = height - to_px(*y, y_lo, y_hi, height)?;
            path.push_str(&format!("{}{px} {py} ", if i == 0 { "M" } else { "L" }));
        }
        paths.push(path.trim_end().to_owned());
    }
    let zero = height - to_px(Decimal::ZERO, y_lo, y_hi, height)?;
    Some((paths, zero))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::trade::model::{OrderKind, Tif};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn ticket(legs: &[&str], price: &str, effect: Effect) -> Ticket {
        Ticket {
            legs: legs.iter().map(|l| Leg::parse(l).unwrap()).collect(),
            quantity: 1,
            kind: OrderKind::Limit,
            price: Some(d(price)),
            effect,
            stop: None,
            tif: Tif::Day,
        }
    }

    #[test]
    fn a_call_vertical() {
        let t = ticket(
            &["BTO:1:XYZ   261218C00100000", "STO:1:XYZ   261218C00110000"],
            "4.00",
            Effect::Debit,
        );
        let p = payoff(&t, d("100"), Some(d("105"))).unwrap();
        assert_eq!(p.max_profit, Some(d("600")));
        assert_eq!(p.max_loss, Some(d("-400")));
        assert_eq!(p.breakevens, [d("104")]);
        assert_eq!(p.points[0], (d("0"), d("-400")));
        // The chart: 85 (15 % below the lowest strike) to 126.5 (15 % above the highest).
        assert_eq!(p.view.first(), Some(&(d("85.00"), d("-400"))));
        assert_eq!(p.view.last().map(|v| v.1), Some(d("600")));
        let (paths, zero) = svg_paths(&[&p], 300, 100).unwrap();
        let path = &paths[0];
        // -400 at the bottom, +600 at the top: zero 40 % of the way up.
        assert_eq!(zero, 60);
        assert!(path.starts_with("M0 100 L"), "{path}");
        assert!(path.ends_with(" 0"), "{path}");
        assert_eq!(to_px(d("5"), d("0"), d("10"), 300), Some(150));
        assert_eq!(to_px(d("5"), d("5"), d("5"), 300), None);
    }

    #[test]
    fn naked_and_stock_are_unlimited_where_they_should_be() {
        let short_call = ticket(&["STO:1:XYZ   261218C00100000"], "2.50", Effect::Credit);
        let p = payoff(&short_call, d("100"), None).unwrap();
        assert_eq!(p.max_profit, Some(d("250")));
        assert_eq!(p.max_loss, None);
        assert_eq!(p.breakevens, [d("102.5")]);
        let long_put = ticket(&["BTO:1:XYZ   261218P00100000"], "3", Effect::Debit);
        let p = payoff(&long_put, d("100"), None).unwrap();
        assert_eq!(p.max_profit, Some(d("9700")), "the put at zero");
        assert_eq!(p.max_loss, Some(d("-300")));
        let stock = ticket(&["BTO:1:XYZ"], "50", Effect::Debit);
        let p = payoff(&stock, d("1"), Some(d("50"))).unwrap();
        assert_eq!(p.max_profit, None);
        assert_eq!(p.max_loss, Some(d("-50")));
        assert_eq!(p.breakevens, [d("50")]);
    }

    #[test]
    fn what_the_order_adds() {
        let t = ticket(
            &["BTO:1:XYZ   261218C00100000", "STO:1:XYZ   261218C00110000"],
            "4.00",
            Effect::Debit,
        );
        let greeks = [Some((d("0.60"), d("-0.05"))), Some((d("0.35"), d("-0.04")))];
        // (0.60 − 0.35) × 100 = 25 deltas; (−0.05 + 0.04) × 100 = −1 a day.
        assert_eq!(order_risk(&t, d("100"), &greeks), Some((d("25"), d("-1"))));
        assert_eq!(order_risk(&t, d("100"), &[greeks[0], None]), None);
        let stock = ticket(&["STO:1:XYZ"], "50", Effect::Credit);
        assert_eq!(order_risk(&stock, d("1"), &[None]), Some((d("-1"), d("0"))));
    }

    #[test]
    fn a_covered_call_with_and_without() {
        // Long 100 XYZ marked at 105; the order sells the 110 call for 2.00.
        let holdings = [
            Holding {
                symbol: "XYZ".into(),
                signed_quantity: d("100"),
                multiplier: d("1"),
                mark: Some(d("105")),
                greeks: None,
            },
            Holding {
                symbol: "XYZ   270115P00090000".into(),
                signed_quantity: d("1"),
                multiplier: d("100"),
                mark: Some(d("1")),
                greeks: Some((d("-0.10"), d("-0.01"))),
            },
        ];
        let order = ticket(&["STO:1:XYZ   261218C00110000"], "2.00", Effect::Credit);
        let w = what_if(
            &order,
            d("100"),
            Some(d("105")),
            &holdings,
            &[Some((d("0.30"), d("-0.05")))],
        )
        .unwrap();
        assert_eq!(w.left_out, 1, "the January put expires on another date");
        let without = w.without.unwrap();
        assert_eq!(without.max_profit, None, "stock alone: unlimited");
        assert_eq!(without.breakevens, [d("105")]);
        let with = w.with.unwrap();
        // Capped at (110 − 105 + 2) × 100 = 700; breakeven 103.
        assert_eq!(with.max_profit, Some(d("700")));
        assert_eq!(with.breakevens, [d("103")]);
        // Delta 100 − 10 = 90 now; the short call takes 30: 60. Theta −1 now, +5 from the call.
        assert_eq!(w.risk_without, Some((d("90"), d("-1"))));
        assert_eq!(w.risk_with, Some((d("60"), d("4"))));
        let (paths, _) = svg_paths(&[&without, &with], 300, 100).unwrap();
        assert_eq!(paths.len(), 2);
        // A stock order has no expiration to look at.
        assert_eq!(
            what_if(
                &ticket(&["BTO:1:XYZ"], "1", Effect::Debit),
                d("1"),
                None,
                &holdings,
                &[None]
            ),
            None
        );
    }

    #[test]
    fn no_curve_for_calendars_or_overflow() {
        let calendar = ticket(
            &["BTO:1:XYZ   261218C00100000", "STO:1:XYZ   261120C00100000"],
            "1",
            Effect::Debit,
        );
        assert_eq!(payoff(&calendar, d("100"), None), None);
        let huge = ticket(&["BTO:1:XYZ   261218C00100000"], "1", Effect::Debit);
        assert_eq!(payoff(&huge, Decimal::MAX, None), None);
    }
}

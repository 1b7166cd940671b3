//! The review card: tastytrade's dry-run of exactly the order that "Send" sends — the order in
//! words, what it costs at the limit, buying power before / change / after and as a share of net
//! liq, the fees, and tastytrade's warnings and errors (after the review screens of tastytrade's
//! web platform, tastyware's CLI and IBKR's current / change / post-trade preview).

use pocket_shared::tastytrade::{NewOrder, OrderPreview, SymbolParts};
use rust_decimal::Decimal;

use pocket_shared::checked::Checked;

use super::super::model::plain_price;
use super::super::payoff::{svg_paths, Payoff, WhatIf};
use crate::components::dom::El;
use crate::format;

/// A finished dry-run, for the edition of the ticket it was made from.
#[derive(Clone, PartialEq)]
pub struct Review {
    pub edition: u32,
    pub order: NewOrder,
    pub preview: OrderPreview,
    /// Ids in the live order list just before: an order that appears afterwards and matches is
    /// the one sent ([`super::super::send::reconcile`]).
    pub known_ids: Vec<i64>,
    /// The order's money at its limit, signed (credit positive), when known.
    pub amount: Option<Decimal>,
    /// Its P/L at expiration (options of one expiration, stock, futures).
    pub payoff: Option<Payoff>,
    /// What it adds: delta (underlying units) and theta ($/day), from the Greeks at review time.
    pub risk: Option<(Decimal, Decimal)>,
    /// An option order against the account's positions in its underlying.
    pub what_if: Option<WhatIf>,
}

impl Review {
    /// tastytrade says it would refuse it (`errors` of a dry-run, e.g. not enough buying power).
    pub fn blocked(&self) -> bool {
        !self.preview.errors.is_empty()
    }
}

/// `Buy to Open 2 SPY 12/18/26 600C`, one per leg.
pub fn leg_lines(order: &NewOrder) -> Vec<String> {
    order
        .legs
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                l.action,
                l.quantity,
                SymbolParts::parse(&l.symbol).compact()
            )
        })
        .collect()
}

/// `Limit 3.45 debit · Day`, `Stop 180 · GTD 2026-12-31`.
pub fn terms(order: &NewOrder) -> String {
    let mut text = order.order_type.clone();
    if let Some(p) = order.price {
        text.push_str(&format!(" {}", plain_price(p)));
        if let Some(e) = order.price_effect {
            text.push_str(&format!(" {}", e.to_ascii_lowercase()));
        }
    }
    if let Some(s) = order.stop_trigger {
        text.push_str(&format!(", stop {}", plain_price(s)));
    }
    text.push_str(" · ");
    text.push_str(&order.time_in_force);
    if let Some(d) = &order.gtc_date {
        text.push_str(&format!(" {d}"));
    }
    text
}

/// `part` as a percentage of `whole`, one decimal (`None` for a non-positive whole).
pub fn share_of(part: Decimal, whole: Decimal) -> Option<String> {
    if whole <= Decimal::ZERO {
        return None;
    }
    let pct = part.abs().times(Decimal::ONE_HUNDRED)?.over(whole)?;
    if pct > Decimal::ZERO && pct < Decimal::new(1, 1) {
        return Some("under 0.1%".into());
    }
    Some(format!("{}%", pct.round_dp(1).normalize()))
}

fn row(label: &str, value: &str, testid: &str) -> El {
    El::new("div", "stat")
        .child(El::leaf("dt", "", label))
        .child(El::leaf("dd", "", value).attr("data-testid", testid))
}

fn money(v: Option<Decimal>) -> String {
    v.map(format::money).unwrap_or_else(|| "—".into())
}

/// The review's figures. `net_liq` is the account's net liquidating value (for BP %).
pub fn review_body(review: &Review, net_liq: Option<Decimal>) -> El {
    let p = &review.preview;
    let bp = p.buying_power_effect.clone().unwrap_or_default();
    let fees = p.fee_calculation.clone().unwrap_or_default();
    let change = bp.change();
    let bp_share = change
        .zip(net_liq)
        .and_then(|(c, n)| share_of(c, n))
        .unwrap_or_else(|| "—".into());
    let amount = review.amount.map(|a| {
        let word = if a < Decimal::ZERO { "Debit" } else { "Credit" };
        format!("{word} {}", format::money(a.abs()))
    });
    let lines = El::new("ul", "review-legs")
        .attr("data-testid", "review-legs")
        .children(
            leg_lines(&review.order)
                .iter()
                .map(|l| El::leaf("li", "", l)),
        );
    let notices = |class: &str, testid: &str, list: &[pocket_shared::tastytrade::Notice]| {
        (!list.is_empty()).then(|| {
            // The live region wraps the list: a role on the `<ul>` would hide its items.
            El::new("div", class)
                .attr("data-testid", testid)
                .attr(
                    "role",
                    if class.contains("error") {
                        "alert"
                    } else {
                        "status"
                    },
                )
                .child(
                    El::new("ul", "").children(list.iter().map(|n| El::leaf("li", "", &n.text()))),
                )
        })
    };
    El::new("div", "review-body")
        .child(lines)
        .child(
            El::leaf("p", "review-terms", &terms(&review.order))
                .attr("data-testid", "review-terms"),
        )
        .child(
            El::new("dl", "stats review-stats")
                .child(row(
                    "At the limit",
                    amount.as_deref().unwrap_or("Market price"),
                    "review-amount",
                ))
                .child(row(
                    "Buying power now",
                    &money(bp.current()),
                    "review-bp-current",
                ))
                .child(row(
                    "Change",
                    &change
                        .map(format::money_signed)
                        .unwrap_or_else(|| "—".into()),
                    "review-bp-change",
                ))
                .child(row(
                    "Buying power after",
                    &money(bp.new_value()),
                    "review-bp-after",
                ))
                .child(row("BP of net liq", &bp_share, "review-bp-share"))
                .child(row(
                    "Commission",
                    &money(fees.commission),
                    "review-commission",
                ))
                .child(row(
                    "Clearing + regulatory",
                    &money(
                        fees.clearing_fees
                            .zip(fees.regulatory_fees)
                            .and_then(|(a, b)| a.plus(b)),
                    ),
                    "review-other-fees",
                ))
                .child(row("Total fees", &money(fees.total_fees), "review-fees")),
        )
        .maybe(review.risk.map(risk_line))
        .maybe(what_if_line(review.what_if.as_ref()))
        .maybe(payoff_view(review.payoff.as_ref(), review.what_if.as_ref()))
        .maybe(notices(
            "review-warnings banner banner-warn",
            "review-warnings",
            &p.warnings,
        ))
        .maybe(notices(
            "review-errors banner banner-error",
            "review-errors",
            &p.errors,
        ))
}

/// "This order: Δ +25 · Θ −$1.00 a day".
fn risk_line((delta, theta): (Decimal, Decimal)) -> El {
    let delta = delta.round_dp(1).normalize();
    let sign = if delta > Decimal::ZERO { "+" } else { "" };
    El::leaf(
        "p",
        "review-risk",
        &format!(
            "This order: Δ {sign}{delta} · Θ {} a day",
            format::money_signed(theta)
        ),
    )
    .attr("data-testid", "review-risk")
}

/// "With your 2 SPY positions: Δ +100 → +121.7 · Θ −$3.00 → −$8.34 a day".
fn what_if_line(w: Option<&WhatIf>) -> Option<El> {
    let w = w.filter(|w| w.held > 0)?;
    let figures = match (w.risk_without, w.risk_with) {
        (Some((d0, t0)), Some((d1, t1))) => format!(
            "Δ {} → {} · Θ {} → {} a day",
            signed(d0),
            signed(d1),
            format::money_signed(t0),
            format::money_signed(t1)
        ),
        _ => "Greeks not in yet for every position".into(),
    };
    let positions = if w.held == 1 { "position" } else { "positions" };
    let mut text = format!("With your {} {positions} here: {figures}", w.held);
    if w.left_out > 0 {
        text.push_str(&format!(
            " ({} expiring on another date not in the curve)",
            w.left_out
        ));
    }
    Some(El::leaf("p", "review-risk", &text).attr("data-testid", "review-what-if"))
}

fn signed(v: Decimal) -> String {
    let v = v.round_dp(1).normalize();
    if v > Decimal::ZERO {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

/// The P/L at expiration: the order's curve, or the position group's without (dashed) and with
/// the order, and the figures of what is shown solid.
fn payoff_view(order: Option<&Payoff>, what_if: Option<&WhatIf>) -> Option<El> {
    const W: i64 = 320;
    const H: i64 = 120;
    let without = what_if.and_then(|w| w.without.as_ref());
    let shown = match (without, what_if.and_then(|w| w.with.as_ref())) {
        (Some(_), Some(with)) => with,
        _ => order?,
    };
    let mut curves = vec![shown];
    curves.extend(without);
    let (paths, zero) = svg_paths(&curves, W, H)?;
    let figure = |v: Option<Decimal>| {
        v.map(format::money_signed)
            .unwrap_or_else(|| "Unlimited".into())
    };
    let breakevens = if shown.breakevens.is_empty() {
        "—".to_owned()
    } else {
        shown
            .breakevens
            .iter()
            .map(|b| format::price(*b))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut chart = El::svg("svg", "payoff-chart")
        .attr("viewBox", &format!("0 0 {W} {H}"))
        .attr("preserveAspectRatio", "none")
        .attr("aria-hidden", "true")
        .child(
            El::svg("line", "payoff-zero")
                .attr("x1", "0")
                .attr("x2", &W.to_string())
                .attr("y1", &zero.to_string())
                .attr("y2", &zero.to_string()),
        );
    for (i, path) in paths.iter().enumerate().rev() {
        let class = if i == 0 {
            "payoff-line"
        } else {
            "payoff-before"
        };
        chart = chart.child(El::svg("path", class).attr("d", path));
    }
    let caption = if without.is_some() {
        "P/L at expiration: your positions here with the order (dashed: without)"
    } else {
        "P/L at expiration"
    };
    Some(
        El::new("figure", "payoff")
            .attr("data-testid", "review-payoff")
            .child(El::leaf("figcaption", "field-label", caption))
            .child(chart)
            .child(
                El::new("dl", "stats payoff-stats")
                    .child(row(
                        "Max profit",
                        &figure(shown.max_profit),
                        "payoff-max-profit",
                    ))
                    .child(row("Max loss", &figure(shown.max_loss), "payoff-max-loss"))
                    .child(row("Breakeven", &breakevens, "payoff-breakeven")),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::tastytrade::NewLeg;

    #[test]
    fn the_order_in_words() {
        let order = NewOrder {
            time_in_force: "GTD".into(),
            gtc_date: Some("2026-12-31".into()),
            order_type: "Stop Limit".into(),
            price: Some(Decimal::new(17950, 2)),
            price_effect: Some("Credit"),
            stop_trigger: Some(Decimal::new(180, 0)),
            source: None,
            legs: vec![NewLeg {
                instrument_type: "Equity",
                symbol: "AAPL".into(),
                quantity: 10,
                action: "Sell to Close",
            }],
        };
        assert_eq!(leg_lines(&order), ["Sell to Close 10 AAPL"]);
        let t = terms(&order);
        assert!(
            t.starts_with("Stop Limit ") && t.contains("credit") && t.ends_with("GTD 2026-12-31"),
            "{t}"
        );
        assert_eq!(
            share_of(Decimal::new(-2500, 0), Decimal::new(100_000, 0)).as_deref(),
            Some("2.5%")
        );
        assert_eq!(share_of(Decimal::ONE, Decimal::ZERO), None);
        assert_eq!(
            share_of(Decimal::new(728, 2), Decimal::new(80_787, 0)).as_deref(),
            Some("under 0.1%")
        );
        assert_eq!(share_of(Decimal::ZERO, Decimal::ONE).as_deref(), Some("0%"));
        assert_eq!(share_of(Decimal::MAX, Decimal::new(1, 28)), None);
    }
}

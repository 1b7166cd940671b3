//! The order ticket (`/accounts/{n}/trade?leg=…`): stock, option, vertical or future. The
//! limit starts at the mid rounded to the tick; "Review" asks tastytrade's dry-run about exactly
//! this order; "Send" sends that reviewed order once (never again by itself) and then follows it.
//! Hidden for a read-only session; kept under the order rate before anything is sent.

mod form;
mod review;
mod status;

use leptos::prelude::*;
use pocket_shared::bff::Environment;
use pocket_shared::checked::Checked;
use pocket_shared::dxlink::{Greeks, Quote};
use pocket_shared::tastytrade::{Order, Position, SymbolParts};
use rust_decimal::Decimal;

use super::instrument::{self, Spec};
use super::limit;
use super::model::{closes, first_leg, net_prices, Leg, LegQuote, Side};
use super::payoff::Holding;
use super::send;
use crate::api::ApiError;
use crate::components::card_section;
use crate::components::dom::{self, El};
use crate::data::{Data, Mutation, Query};
use crate::format;
use crate::instruments;
use crate::router::{Route, Router};
use crate::state::{Auth, AuthState};
use crate::stream::account::AccountStream;
use crate::stream::{self, Live};
use form::Inputs;
use review::{review_body, Review};
use status::{outcome_view, Outcome, Tracker};

/// The session's environment and whether it may trade.
fn session() -> (Environment, bool) {
    match AuthState::expect().get_untracked() {
        Auth::SignedIn(info) => (info.environment, super::can_trade()),
        _ => (Environment::Simulator, false),
    }
}

/// The legs in the address (`?leg=BTO:1:AAPL`, repeated), at most four, valid ones only.
fn legs_from_address(router: Router) -> Vec<Leg> {
    router
        .query_all("leg")
        .iter()
        .filter_map(|l| Leg::parse(l))
        .take(super::model::MAX_LEGS)
        .collect()
}

/// The address of a ticket for `account` with `legs`.
pub fn ticket_href(account: &str, legs: &[Leg]) -> String {
    let pairs: Vec<(&str, String)> = legs.iter().map(|l| ("leg", l.encode())).collect();
    format!(
        "{}?{}",
        Route::Trade(account.to_owned()).href(),
        crate::url::build_query(&pairs)
    )
}

/// A ticket buying (or selling) one `symbol` — the quote and chain screens' links.
pub fn single_ticket_href(account: &str, symbol: &str, side: Side) -> String {
    ticket_href(account, &[first_leg(symbol, side, Decimal::ZERO)])
}

fn read_only_notice() -> El {
    dom::empty(
        "Trading is off",
        "This deployment signs in read-only (without tastytrade's trade scope), so it cannot send orders.",
        "ticket-read-only",
    )
}

/// The live bid × ask cell of one leg.
fn bid_ask_cell(quote: Option<Live<Quote>>) -> El {
    let cell = El::new("span", "leg-quote num").attr("data-testid", "leg-quote");
    let el = cell.element();
    dom::watch(move || {
        let q = quote.and_then(|q| q.get());
        let text = match q.as_ref().and_then(|q| q.bid_price.zip(q.ask_price)) {
            Some((b, a)) => format!("{} × {}", format::price(b), format::price(a)),
            None => "—".into(),
        };
        dom::set_text(&el, &text);
    });
    cell
}

#[component]
pub(in crate::features::trade) fn TicketPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let data = Data::expect();
    let (environment, can_trade) = session();
    let legs = legs_from_address(router);
    let heading = El::new("div", "page-head")
        .child(El::leaf("h1", "", "Trade"))
        .child(
            El::leaf(
                "span",
                "ticket-account muted",
                &format!("Account {account} · {}", environment.label()),
            )
            .attr("data-testid", "ticket-account"),
        );
    if !can_trade {
        return dom::parts(vec![heading, read_only_notice()]);
    }
    if legs.is_empty() {
        return dom::parts(vec![
            heading,
            dom::empty(
                "Nothing to trade yet",
                "Find an instrument, then tap Buy or Sell on its quote or a price in its option chain.",
                "ticket-empty",
            )
            .child(El::leaf("a", "btn btn-primary", "Search").attr("href", &Route::Search.href())),
        ]);
    }
    let symbols: Vec<String> = legs.iter().map(|l| l.symbol.clone()).collect();
    let first = symbols[0].clone();
    let spec: Query<Spec> = Query::new(move |_| Some(instrument::fetch(first.clone())));
    let streamers = instruments::lookup({
        let symbols = symbols.clone();
        move || Some(symbols.clone())
    });
    let positions = data.positions(&account);
    let balances = data.balances(&account);
    let held = move |symbol: &str| -> Decimal {
        positions
            .with_ok(|list| {
                list.iter()
                    .find(|p| p.symbol == symbol)
                    .map(|p| p.signed_quantity())
            })
            .flatten()
            .unwrap_or_default()
    };
    let inputs = Inputs::new(legs);
    // Open or close: what the account holds decides (selling stock you own closes it), also when
    // the positions arrive after the ticket opened (a changed leg drops a review).
    dom::watch(move || {
        let wanted: Vec<bool> = inputs.legs.with_untracked(|legs| {
            legs.iter()
                .map(|l| closes(l.side, held(&l.symbol)))
                .collect()
        });
        let differs = inputs
            .legs
            .with_untracked(|legs| legs.iter().zip(&wanted).any(|(l, c)| l.closing != *c));
        if differs {
            inputs.legs.update(|legs| {
                for (leg, c) in legs.iter_mut().zip(wanted) {
                    leg.closing = c;
                }
            });
            inputs.edited();
        }
    });
    let account_for_body = account.clone();
    let body = dom::redrawn(move || {
        let lookup_needed = symbols.iter().any(|s| instruments::needs_lookup(s));
        let looked_up = lookup_needed
            .then(|| streamers.with(|s| s.map(|r| r.ok().cloned().unwrap_or_default())))
            .flatten();
        if lookup_needed && looked_up.is_none() {
            return Some(El::new("div", "skeleton sk-panel").attr("aria-busy", "true"));
        }
        let feeds = Feeds::of(&symbols, looked_up.as_deref());
        Some(ticket_body(
            account_for_body.clone(),
            environment,
            inputs,
            feeds,
            spec,
            (balances, positions),
            held,
            data,
        ))
    });
    dom::parts(vec![crate::components::back_button(), heading, body])
}

/// The live data the ticket reads: each leg's quote and (options) Greeks, and the underlying's
/// quote for the payoff chart's "now" (stock and equity options; not looked up for futures
/// options).
#[derive(Clone)]
struct Feeds {
    quotes: Vec<Option<Live<Quote>>>,
    greeks: Vec<Option<Live<Greeks>>>,
    spot: Option<Live<Quote>>,
    /// The order's underlying as positions name it (`underlying-symbol`).
    underlying: String,
}

impl Feeds {
    fn of(symbols: &[String], looked_up: Option<&[(String, String)]>) -> Feeds {
        let streamer = |s: &str| instruments::streamer_symbol(s, looked_up);
        let quotes: Vec<Option<Live<Quote>>> = symbols
            .iter()
            .map(|s| streamer(s).map(|st| stream::quote(&st)))
            .collect();
        let greeks = symbols
            .iter()
            .map(|s| {
                super::model::Kind::of(s)
                    .is_option()
                    .then(|| streamer(s).map(|st| stream::greeks(&st)))
                    .flatten()
            })
            .collect();
        let first = symbols.first().map(|s| SymbolParts::parse(s));
        let spot = match &first {
            Some(SymbolParts::EquityOption { root, .. }) => Some(stream::quote(root)),
            Some(SymbolParts::FutureOption { .. }) | None => None,
            Some(_) => quotes.first().copied().flatten(),
        };
        let underlying = match first {
            Some(SymbolParts::EquityOption { root, .. }) => root,
            Some(SymbolParts::FutureOption { future, .. }) => future,
            _ => symbols.first().cloned().unwrap_or_default(),
        };
        Feeds {
            quotes,
            greeks,
            spot,
            underlying,
        }
    }

    /// Each leg's (delta, theta) now, untracked.
    fn greeks_now(&self) -> Vec<Option<(Decimal, Decimal)>> {
        self.greeks
            .iter()
            .map(|g| {
                let g = untrack(|| g.and_then(|g| g.get()))?;
                Some((g.delta?, g.theta?))
            })
            .collect()
    }

    /// The underlying's mid now, untracked.
    fn spot_now(&self) -> Option<Decimal> {
        let q = untrack(|| self.spot.and_then(|q| q.get()))?;
        q.bid_price?.plus(q.ask_price?)?.over(Decimal::TWO)
    }
}

/// The account's positions in `underlying`, each with its live Greeks (equity options; others
/// have none), following the positions as they change.
fn position_group(
    positions: Query<Vec<Position>>,
    underlying: &str,
) -> RwSignal<Vec<(Position, Option<Live<Greeks>>)>> {
    let group = RwSignal::new(Vec::new());
    let underlying = underlying.to_owned();
    dom::watch(move || {
        let list: Vec<Position> = positions
            .with_ok(|l| {
                l.iter()
                    .filter(|p| p.underlying_symbol.as_deref() == Some(underlying.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let fed = list
            .into_iter()
            .map(|p| {
                let parts = SymbolParts::parse(&p.symbol);
                let greeks = matches!(parts, SymbolParts::EquityOption { .. })
                    .then(|| parts.streamer_symbol().map(|s| stream::greeks(&s)))
                    .flatten();
                (p, greeks)
            })
            .collect();
        group.set(fed);
    });
    group
}

/// The group as the what-if reads it, now.
fn holdings_now(group: RwSignal<Vec<(Position, Option<Live<Greeks>>)>>) -> Vec<Holding> {
    group.with_untracked(|list| {
        list.iter()
            .map(|(p, g)| Holding {
                symbol: p.symbol.clone(),
                signed_quantity: p.signed_quantity(),
                multiplier: p.multiplier_or_one(),
                mark: p.mark_per_unit(),
                greeks: untrack(|| g.and_then(|g| g.get()))
                    .and_then(|g| Some((g.delta?, g.theta?))),
            })
            .collect()
    })
}

/// The ticket: legs, fields, review and outcome.
#[allow(clippy::too_many_arguments)]
fn ticket_body(
    account: String,
    environment: Environment,
    inputs: Inputs,
    feeds: Feeds,
    spec: Query<Spec>,
    (balances, positions): (
        Query<pocket_shared::tastytrade::Balances>,
        Query<Vec<Position>>,
    ),
    held: impl Fn(&str) -> Decimal + Copy + 'static,
    data: Data,
) -> El {
    let group = position_group(positions, &feeds.underlying);
    let quotes = feeds.quotes.clone();
    let quotes_for_net = quotes.clone();
    let net = Memo::new(move |_| {
        let legs = inputs.legs.get();
        let live: Vec<LegQuote> = quotes_for_net
            .iter()
            .map(|q| {
                let q = q.and_then(|q| q.get());
                LegQuote {
                    bid: q.as_ref().and_then(|q| q.bid_price),
                    ask: q.as_ref().and_then(|q| q.ask_price),
                }
            })
            .collect();
        net_prices(&legs, &live)
    });
    let tick = Signal::derive(move || {
        let price = net.get().map(|n| n.mid.abs()).unwrap_or_default();
        spec.with_ok(|s| s.tick(price)).flatten()
    });
    let multiplier = Signal::derive(move || spec.with_ok(|s| s.multiplier).unwrap_or(Decimal::ONE));
    // The limit starts at the mid, rounded to the tick, once the quotes and the instrument
    // (its tick table, or the answer that there is none) are in.
    dom::watch(move || {
        if inputs.price_set.get() || !spec.with(|s| s.is_some()) {
            return;
        }
        if let Some(n) = net.get() {
            inputs.set_price_from(n.mid, tick.get_untracked());
            inputs.price_set.set(true);
        }
    });

    let review = RwSignal::new(None::<Review>);
    let problems = RwSignal::new(Vec::<String>::new());
    let review_error = RwSignal::new(None::<ApiError>);
    let send_error = RwSignal::new(None::<ApiError>);
    let rate_wait = RwSignal::new(None::<u32>);
    let outcome = RwSignal::new(None::<Outcome>);
    let stream = AccountStream::expect();
    let tracker = Tracker {
        outcome,
        data,
        connected: stream.connected(),
    };
    // tastytrade announces every change of the account's orders; the one on screen follows.
    stream.listen(move |notice| {
        if notice.kind == "Order" {
            if let Some(order) = notice.parse::<Order>() {
                tracker.show(order);
            }
        }
    });
    // The last order sent and the live order ids before it: what "Check again" looks for.
    let last_sent = StoredValue::new(None::<(pocket_shared::tastytrade::NewOrder, Vec<i64>)>);
    // An edit drops the review (and what the last send said).
    dom::watch(move || {
        let edition = inputs.edition.get();
        if review.with_untracked(|r| r.as_ref().is_some_and(|r| r.edition != edition)) {
            review.set(None);
        }
        send_error.set(None);
        problems.set(Vec::new());
    });

    let legs_card = card_section(
        "card ticket-legs",
        "ticket-legs",
        "ticket-legs-title",
        "Legs",
    )
    .child(form::legs_view(
        inputs,
        move |i| bid_ask_cell(quotes.get(i).copied().flatten()),
        held,
    ));

    let review_mutation = Mutation::new();
    let send_mutation = Mutation::new();
    let account_review = account.clone();
    let start_review = move || {
        let today = format::today_iso();
        let ticket = match inputs.ticket() {
            Ok(t) => t,
            Err(p) => return problems.set(p),
        };
        let tick_now = ticket
            .price
            .and_then(|p| spec.with_ok(|s| s.tick(p)).flatten());
        let order = match ticket.to_order(tick_now, &today) {
            Ok(o) => o,
            Err(p) => return problems.set(p),
        };
        problems.set(Vec::new());
        review_error.set(None);
        outcome.set(None);
        let edition = inputs.edition.get_untracked();
        let mult = multiplier.get_untracked();
        let amount = ticket.amount(mult);
        let payoff = super::payoff::payoff(&ticket, mult, feeds.spot_now());
        let order_greeks = feeds.greeks_now();
        let risk = super::payoff::order_risk(&ticket, mult, &order_greeks);
        let holdings = holdings_now(group);
        let what_if =
            super::payoff::what_if(&ticket, mult, feeds.spot_now(), &holdings, &order_greeks);
        let acc = account_review.clone();
        let body = order.clone();
        review_mutation.run(
            async move {
                let preview = send::dry_run(acc.clone(), body).await?;
                let live = send::live_orders(acc).await?;
                Ok((
                    preview,
                    live.iter().filter_map(|o| o.id).collect::<Vec<_>>(),
                ))
            },
            move |result| match result {
                Ok((preview, known_ids)) => review.set(Some(Review {
                    edition,
                    order,
                    preview,
                    known_ids,
                    amount,
                    payoff,
                    risk,
                    what_if,
                })),
                Err(e) => review_error.set(Some(e)),
            },
        );
    };
    let account_send = account.clone();
    let send_now = move || {
        let Some(r) = review.get_untracked() else {
            return;
        };
        if r.edition != inputs.edition.get_untracked() || r.blocked() {
            return;
        }
        let now = js_sys::Date::now();
        if let Some(wait) = limit::wait_ms(&limit::sent(&account_send), now, limit::rate_per_min())
        {
            rate_wait.set(Some((wait / 1000.0).ceil() as u32));
            return;
        }
        rate_wait.set(None);
        send_error.set(None);
        limit::record(&account_send, now);
        let acc = account_send.clone();
        let sent = r.order.clone();
        let known = r.known_ids.clone();
        last_sent.set_value(Some((sent.clone(), known.clone())));
        send_mutation.run(
            send::place(acc.clone(), r.order.clone()),
            move |result| match result {
                Ok(placed) => {
                    let id = placed.order.id;
                    outcome.set(Some(Outcome::Placed {
                        order: Box::new(placed.order),
                        found_later: false,
                    }));
                    review.set(None);
                    if let Some(id) = id {
                        status::follow(acc, id, tracker, 0);
                    }
                }
                Err(e) if send::surely_not_done(&e) => send_error.set(Some(e)),
                Err(_) => {
                    review.set(None);
                    outcome.set(Some(Outcome::Checking));
                    status::reconcile(acc, sent, known, tracker, 0);
                }
            },
        );
    };

    // Review and send.
    let review_button = El::leaf("button", "btn btn-primary", "Review order")
        .attr("type", "button")
        .attr("data-testid", "ticket-review")
        .on(&["click"], Box::new(move |_| start_review()));
    let review_button_el = review_button.element();
    let problems_list = El::new("ul", "form-problems")
        .attr("role", "alert")
        .attr("data-testid", "ticket-problems");
    let problems_el = problems_list.element();
    dom::watch(move || {
        let list = problems.get();
        problems_el.set_text_content(None);
        for p in list {
            let _ = problems_el.append_child(&El::leaf("li", "", &p).element());
        }
        let busy = review_mutation.busy().get();
        dom::set_or_remove_attr(&review_button_el, "disabled", busy.then_some(""));
        dom::set_text(
            &review_button_el,
            if busy {
                "Checking with tastytrade…"
            } else {
                "Review order"
            },
        );
    });
    let review_error_el = El::new("div", "").attr("data-testid", "ticket-review-error");
    let review_error_box = review_error_el.element();
    dom::watch(move || {
        review_error_box.set_text_content(None);
        if let Some(e) = review_error.get() {
            let panel = El::new("div", "banner banner-error")
                .attr("role", "alert")
                .child(El::leaf(
                    "p",
                    "error-title",
                    "tastytrade would not take this order",
                ))
                .child(El::leaf("p", "", &e.to_string()));
            let _ = review_error_box.append_child(&panel.element());
        }
    });
    let fields_card = card_section(
        "card ticket-order",
        "ticket-order",
        "ticket-order-title",
        "Order",
    )
    .child(form::fields(inputs, net, tick))
    .child(problems_list)
    .child(review_error_el)
    .child(review_button);

    let send_label = format!("Send order · {}", environment.label());
    let review_card = dom::redrawn(move || {
        let r = review.get()?;
        let net_liq = balances.with_ok(|b| b.net_liquidating_value).flatten();
        let send_button = El::leaf("button", "btn btn-primary btn-send", &send_label)
            .attr("type", "button")
            .attr("data-testid", "ticket-send");
        let send_el = send_button.element();
        let blocked = r.blocked();
        let send_now = send_now.clone();
        let send_button = send_button.on(&["click"], Box::new(move |_| send_now()));
        let note = El::new("p", "send-note")
            .attr("role", "status")
            .attr("data-testid", "ticket-send-note");
        let note_el = note.element();
        dom::watch(move || {
            let busy = send_mutation.busy().get();
            dom::set_or_remove_attr(&send_el, "disabled", (busy || blocked).then_some(""));
            if busy {
                dom::set_text(&send_el, "Sending…");
            }
            let text = if let Some(secs) = rate_wait.get() {
                format!(
                    "tastytrade takes {} orders a minute from an account; the next one can go in {secs} s.",
                    limit::rate_per_min()
                )
            } else if let Some(e) = send_error.get() {
                format!("Not sent: {e}")
            } else {
                String::new()
            };
            dom::set_text(&note_el, &text);
        });
        let edit = El::leaf("button", "btn btn-ghost", "Edit")
            .attr("type", "button")
            .on(&["click"], Box::new(move |_| review.set(None)));
        Some(
            card_section(
                "card ticket-review",
                "ticket-review-card",
                "ticket-review-title",
                "Review",
            )
            .child(review_body(&r, net_liq))
            .child(note)
            .child(
                El::new("div", "ticket-actions")
                    .child(edit)
                    .child(send_button),
            ),
        )
    });

    let outcome_card = card_section(
        "card ticket-outcome",
        "ticket-outcome",
        "ticket-outcome-title",
        "Your order",
    );
    let outcome_el = outcome_card.element();
    dom::watch(move || dom::set_hidden(&outcome_el, outcome.with(Option::is_none)));
    let outcome_card = outcome_card.child(outcome_view(account.clone(), tracker, move || {
        // "Check again" after a failed check: the live orders once more (a read, never a send).
        if let Some((sent, known)) = last_sent.get_value() {
            outcome.set(Some(Outcome::Checking));
            status::reconcile(account.clone(), sent, known, tracker, 0);
        }
    }));
    El::new("div", "ticket")
        .child(legs_card)
        .child(fields_card)
        .child(review_card)
        .child(outcome_card)
}

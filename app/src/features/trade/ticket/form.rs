//! The ticket's inputs as signals, and the form that edits them. Every edit drops a review
//! that no longer matches (the order sent is always the order reviewed).

use leptos::prelude::*;
use rust_decimal::Decimal;
use web_sys::{Element, Event};

use super::super::model::{
    closes, parse_price, parse_quantity, round_to_tick, Effect, Leg, NetPrices, OrderKind, Ticket,
    Tif,
};
use crate::components::dom::{self, El};
use crate::components::filters::field;
use crate::format;

/// What the person has entered (all `Copy` handles).
#[derive(Clone, Copy)]
pub struct Inputs {
    pub legs: RwSignal<Vec<Leg>>,
    pub quantity: RwSignal<String>,
    pub kind: RwSignal<OrderKind>,
    pub price: RwSignal<String>,
    /// The person typed or picked a price: the default (the mid) no longer follows.
    pub price_set: RwSignal<bool>,
    pub effect: RwSignal<Effect>,
    pub stop: RwSignal<String>,
    /// `Day`, `GTC` or `GTD`.
    pub tif: RwSignal<String>,
    pub gtd_date: RwSignal<String>,
    /// Bumped on every edit; a review remembers the edition it was made for.
    pub edition: RwSignal<u32>,
}

impl Inputs {
    pub fn new(legs: Vec<Leg>) -> Self {
        Inputs {
            legs: RwSignal::new(legs),
            quantity: RwSignal::new("1".into()),
            kind: RwSignal::new(OrderKind::Limit),
            price: RwSignal::new(String::new()),
            price_set: RwSignal::new(false),
            effect: RwSignal::new(Effect::Debit),
            stop: RwSignal::new(String::new()),
            tif: RwSignal::new("Day".into()),
            gtd_date: RwSignal::new(String::new()),
            edition: RwSignal::new(0),
        }
    }

    pub fn edited(&self) {
        self.edition.update(|e| *e = e.wrapping_add(1));
    }

    /// The ticket, or what is wrong with what was typed (tracked).
    pub fn ticket(&self) -> Result<Ticket, Vec<String>> {
        let mut problems = Vec::new();
        let quantity = parse_quantity(&self.quantity.get())
            .map_err(|e| problems.push(e))
            .unwrap_or(1);
        let kind = self.kind.get();
        let price = if kind.has_price() {
            parse_price(&self.price.get())
                .map_err(|e| problems.push(format!("Limit price: {e}")))
                .ok()
        } else {
            None
        };
        let stop = if kind.has_stop() {
            parse_price(&self.stop.get())
                .map_err(|e| problems.push(format!("Stop price: {e}")))
                .ok()
        } else {
            None
        };
        let tif = match self.tif.get().as_str() {
            "GTC" => Tif::Gtc,
            "GTD" => Tif::Gtd(self.gtd_date.get()),
            _ => Tif::Day,
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Ticket {
            legs: self.legs.get(),
            quantity,
            kind,
            price,
            effect: self.effect.get(),
            stop,
            tif,
        })
    }

    /// Sets the limit price from a signed net price (credit positive), rounded to `tick`.
    pub fn set_price_from(&self, net: Decimal, tick: Option<Decimal>) {
        let magnitude = net.abs();
        let rounded =
            round_to_tick(magnitude, tick.unwrap_or(Decimal::new(1, 2))).unwrap_or(magnitude);
        // A price that rounds to zero (a worthless leg) stays one tick above it.
        let price = if rounded <= Decimal::ZERO {
            tick.unwrap_or(Decimal::new(1, 2))
        } else {
            rounded
        };
        self.price.set(price.normalize().to_string());
        self.effect.set(Effect::of(net));
        self.edited();
    }
}

fn option(value: &str, label: &str, selected: bool) -> El {
    let o = El::leaf("option", "", label).attr("value", value);
    if selected {
        o.attr("selected", "")
    } else {
        o
    }
}

fn segmented(name: &str, testid: &str, choices: &[(&str, &str)]) -> El {
    El::new("div", "segmented")
        .attr("role", "radiogroup")
        .attr("aria-label", name)
        .attr("data-testid", testid)
        .children(choices.iter().map(|(value, label)| {
            El::leaf("button", "seg", label)
                .attr("type", "button")
                .attr("role", "radio")
                .attr("data-value", value)
                .attr("aria-checked", "false")
        }))
}

/// Marks the chosen button of a [`segmented`] group.
fn show_choice(group: &Element, chosen: &str) {
    let mut button = group.first_element_child();
    while let Some(b) = button {
        let on = b.get_attribute("data-value").as_deref() == Some(chosen);
        dom::set_attr(&b, "aria-checked", if on { "true" } else { "false" });
        button = b.next_element_sibling();
    }
}

fn leg_label(leg: &Leg) -> String {
    pocket_shared::tastytrade::SymbolParts::parse(&leg.symbol).compact()
}

/// One leg: its action (a tap flips buy/sell), the instrument and its live bid × ask.
fn leg_row(index: usize, leg: &Leg, bid_ask: El) -> El {
    El::new("li", "leg-row")
        .attr("data-testid", "ticket-leg")
        .child(
            El::leaf("button", "btn btn-sm leg-side", leg.action())
                .attr("type", "button")
                .attr("data-flip", &index.to_string())
                .attr("data-testid", "leg-side")
                .attr(
                    "aria-label",
                    &format!("{} — tap to switch buy and sell", leg.action()),
                ),
        )
        .child(El::leaf("span", "leg-ratio", &format!("{}×", leg.ratio)))
        .child(El::leaf("span", "leg-symbol", &leg_label(leg)))
        .child(bid_ask)
}

/// The legs list; `bid_ask(i)` gives leg `i`'s live quote cell.
pub fn legs_view(
    inputs: Inputs,
    bid_ask: impl Fn(usize) -> El + 'static,
    held: impl Fn(&str) -> Decimal + 'static,
) -> El {
    let list = El::new("ul", "legs").attr("aria-label", "Legs");
    let list_el = list.element();
    let on_click = move |e: &Event| {
        let Some(button) = dom::target(e, "button[data-flip]") else {
            return;
        };
        let Some(i) = button
            .get_attribute("data-flip")
            .and_then(|v| v.parse::<usize>().ok())
        else {
            return;
        };
        inputs.legs.update(|legs| {
            if let Some(leg) = legs.get_mut(i) {
                leg.side = leg.side.flip();
                leg.closing = closes(leg.side, held(&leg.symbol));
            }
        });
        // Another side is another price (a debit may become a credit): the limit starts again at
        // the new mid.
        inputs.price_set.set(false);
        inputs.edited();
    };
    dom::watch(move || {
        let legs = inputs.legs.get();
        list_el.set_text_content(None);
        for (i, leg) in legs.iter().enumerate() {
            let _ = list_el.append_child(&leg_row(i, leg, bid_ask(i)).element());
        }
    });
    list.on(&["click"], Box::new(on_click))
}

/// The order's fields: quantity, type, prices (with bid / mid / ask from `net`), time in force.
pub fn fields(inputs: Inputs, net: Memo<Option<NetPrices>>, tick: Signal<Option<Decimal>>) -> El {
    let quantity = El::new("input", "num-input")
        .attr("type", "text")
        .attr("inputmode", "numeric")
        .attr("name", "quantity")
        .attr("data-testid", "ticket-quantity")
        .attr("autocomplete", "off");
    let kind = El::new("select", "")
        .attr("name", "order-type")
        .attr("data-testid", "ticket-type")
        .children(OrderKind::ALL.map(|k| option(k.wire(), k.wire(), k == OrderKind::Limit)));
    let price = El::new("input", "num-input")
        .attr("type", "text")
        .attr("inputmode", "decimal")
        .attr("name", "price")
        .attr("data-testid", "ticket-price")
        .attr("autocomplete", "off");
    let effect = segmented(
        "Debit or credit",
        "ticket-effect",
        &[("Debit", "Debit"), ("Credit", "Credit")],
    );
    let pick = El::new("div", "price-picks")
        .attr("data-testid", "price-picks")
        .child(
            El::leaf("button", "btn btn-sm btn-ghost", "Bid")
                .attr("type", "button")
                .attr("data-pick", "far"),
        )
        .child(
            El::leaf("button", "btn btn-sm btn-ghost", "Mid")
                .attr("type", "button")
                .attr("data-pick", "mid"),
        )
        .child(
            El::leaf("button", "btn btn-sm btn-ghost", "Ask")
                .attr("type", "button")
                .attr("data-pick", "natural"),
        );
    let stop = El::new("input", "num-input")
        .attr("type", "text")
        .attr("inputmode", "decimal")
        .attr("name", "stop")
        .attr("data-testid", "ticket-stop")
        .attr("autocomplete", "off");
    let tif = El::new("select", "")
        .attr("name", "tif")
        .attr("data-testid", "ticket-tif")
        .child(option("Day", "Day", true))
        .child(option("GTC", "Good till cancelled", false))
        .child(option("GTD", "Good till date", false));
    let gtd = El::new("input", "")
        .attr("type", "date")
        .attr("name", "gtd-date")
        .attr("data-testid", "ticket-gtd");
    let net_text = El::new("p", "net-prices muted").attr("data-testid", "ticket-net");

    let price_field = field("Limit price", price).attr("data-testid", "price-field");
    let stop_field = field("Stop price", stop).attr("data-testid", "stop-field");
    let gtd_field = field("Good till", gtd).attr("data-testid", "gtd-field");
    let (price_box, stop_box, gtd_box) = (
        price_field.element(),
        stop_field.element(),
        gtd_field.element(),
    );
    let effect_el = effect.element();
    let net_el = net_text.element();
    let form = El::new("div", "ticket-fields")
        .child(field("Quantity", quantity))
        .child(field("Order type", kind))
        .child(El::new("div", "price-row").child(price_field).child(effect))
        .child(pick)
        .child(net_text)
        .child(stop_field)
        .child(field("Time in force", tif))
        .child(gtd_field);
    let form_el = form.element();

    // Values into the controls.
    dom::watch(move || {
        for (selector, text) in [
            ("[data-testid=ticket-quantity]", inputs.quantity.get()),
            ("[data-testid=ticket-price]", inputs.price.get()),
            ("[data-testid=ticket-stop]", inputs.stop.get()),
            ("[data-testid=ticket-gtd]", inputs.gtd_date.get()),
        ] {
            if let Some(control) = dom::find(&form_el, selector) {
                dom::set_value(&control, &text);
            }
        }
        let kind = inputs.kind.get();
        dom::set_hidden(&price_box, !kind.has_price());
        dom::set_hidden(&effect_el, !kind.has_price());
        dom::set_hidden(&stop_box, !kind.has_stop());
        dom::set_hidden(&gtd_box, inputs.tif.get() != "GTD");
        show_choice(&effect_el, inputs.effect.get().wire());
    });
    dom::watch(move || {
        let text = net.get().map(|n| {
            let side = |v: Decimal| {
                let t = format::price(v.abs());
                if v < Decimal::ZERO {
                    format!("{t} db")
                } else {
                    format!("{t} cr")
                }
            };
            format!(
                "Bid {} · Mid {} · Ask {}",
                side(n.far),
                side(n.mid),
                side(n.natural)
            )
        });
        dom::set_text(&net_el, text.as_deref().unwrap_or("Waiting for quotes…"));
    });

    let on_event = move |e: &Event| {
        if let Some(pick) = dom::target(e, "button[data-pick]").filter(|_| e.type_() == "click") {
            if let Some(n) = net.get_untracked() {
                let value = match pick.get_attribute("data-pick").as_deref() {
                    Some("far") => n.far,
                    Some("natural") => n.natural,
                    _ => n.mid,
                };
                inputs.price_set.set(true);
                inputs.set_price_from(value, tick.get_untracked());
            }
            return;
        }
        if let Some(seg) = dom::target(e, "button[data-value]").filter(|_| e.type_() == "click") {
            let effect = if seg.get_attribute("data-value").as_deref() == Some("Credit") {
                Effect::Credit
            } else {
                Effect::Debit
            };
            inputs.effect.set(effect);
            inputs.edited();
            return;
        }
        let Some(control) = dom::target(e, "input, select") else {
            return;
        };
        let value = dom::value(&control);
        match control.get_attribute("name").as_deref() {
            Some("quantity") => inputs.quantity.set(value),
            Some("order-type") => inputs
                .kind
                .set(OrderKind::parse(&value).unwrap_or(OrderKind::Limit)),
            Some("price") => {
                inputs.price_set.set(true);
                inputs.price.set(value);
            }
            Some("stop") => inputs.stop.set(value),
            Some("tif") => inputs.tif.set(value),
            Some("gtd-date") => inputs.gtd_date.set(value),
            _ => return,
        }
        inputs.edited();
    };
    form.on(&["input", "change", "click"], Box::new(on_event))
}

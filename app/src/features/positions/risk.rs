//! Portfolio risk at a glance, at the top of the positions card: beta-weighted delta against SPY,
//! theta in dollars per day and net vega, live (formulas and a worked example:
//! `pocket_shared::risk`).

use pocket_shared::dxlink::Quote;
use pocket_shared::risk::{self, RiskInput, RiskSummary};
use web_sys::Element;

use super::table::plural;
use crate::components::dom::{self, El};
use crate::format::{self, signed_number};
use crate::stream;

fn figure(label: &str, testid: &str, unit: &str) -> (El, Element) {
    let value = El::new("span", "").attr("data-testid", testid);
    let el = value.element();
    let stat = El::new("div", "stat")
        .child(El::leaf("dt", "", label))
        .child(
            El::new("dd", "")
                .child(value)
                .child(El::leaf("small", "unit", unit)),
        );
    (stat, el)
}

/// What the strip says: the three figures, and a note when some positions are not counted.
fn texts(summary: Option<&RiskSummary>) -> [String; 4] {
    let Some(s) = summary else {
        let dash = "—".to_owned();
        return [
            dash.clone(),
            dash.clone(),
            dash,
            "Waiting for live prices".into(),
        ];
    };
    [
        signed_number(s.beta_weighted_delta, 1),
        format::money_signed(s.theta_per_day),
        format::money_signed(s.vega),
        missing_note(s.missing_greeks, s.missing_beta),
    ]
}

/// Says how many positions the figures leave out (none: nothing to say).
fn missing_note(missing_greeks: usize, missing_beta: usize) -> String {
    let mut parts = Vec::new();
    if missing_greeks > 0 {
        parts.push(format!(
            "{} without live Greeks not counted",
            plural(missing_greeks)
        ));
    }
    if missing_beta > 0 {
        parts.push(format!(
            "{} without a beta left out of Δ",
            plural(missing_beta)
        ));
    }
    parts.join(" · ")
}

/// The strip's live parts; SPY's mid is the yardstick.
pub struct Strip {
    spy: stream::Live<Quote>,
    delta: Element,
    theta: Element,
    vega: Element,
    note: Element,
}

impl Strip {
    /// Shows the summary of `risks` (every position's inputs).
    pub fn show<'a>(&self, risks: impl IntoIterator<Item = &'a RiskInput>) {
        let spy_mid = self.spy.get().and_then(|q| q.mid());
        let summary = spy_mid.and_then(|p| risk::summarize(risks, p));
        let [d, t, v, n] = texts(summary.as_ref());
        dom::set_text(&self.delta, &d);
        dom::set_text(&self.theta, &t);
        dom::set_text(&self.vega, &v);
        dom::set_text(&self.note, &n);
    }
}

/// The strip and its live parts.
pub fn strip() -> (El, Strip) {
    let (delta, delta_el) = figure("Beta-weighted Δ", "risk-delta", "SPY shares");
    let (theta, theta_el) = figure("Theta", "risk-theta", "per day");
    let (vega, vega_el) = figure("Vega", "risk-vega", "per vol point");
    let note = El::new("p", "risk-note muted").attr("data-testid", "risk-note");
    let parts = Strip {
        spy: stream::quote("SPY"),
        delta: delta_el,
        theta: theta_el,
        vega: vega_el,
        note: note.element(),
    };
    let el = El::new("section", "risk")
        .attr("aria-label", "Portfolio risk")
        .attr("data-testid", "risk-summary")
        .child(
            El::new("dl", "stats risk-stats")
                .child(delta)
                .child(theta)
                .child(vega),
        )
        .child(note);
    (el, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_and_partial_notes() {
        assert_eq!(texts(None)[3], "Waiting for live prices");
        assert_eq!(texts(None)[0], "—");
        assert_eq!(missing_note(0, 0), "");
        assert_eq!(
            missing_note(1, 0),
            "1 position without live Greeks not counted"
        );
        assert_eq!(
            missing_note(2, 3),
            "2 positions without live Greeks not counted · 3 positions without a beta left out of Δ"
        );
    }
}

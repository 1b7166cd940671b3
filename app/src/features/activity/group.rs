//! Transactions grouped under their day, in the order tastytrade sent them (newest first).

use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::Transaction;
use rust_decimal::Decimal;

/// The day a transaction belongs to: `transaction-date`, else the date of `executed-at`.
pub fn day_of(t: &Transaction) -> &str {
    t.transaction_date
        .as_deref()
        .or_else(|| t.executed_at.as_deref().and_then(|e| e.get(..10)))
        .unwrap_or("")
}

pub struct Day<'a> {
    /// `YYYY-MM-DD` (empty when a transaction has no date at all).
    pub date: &'a str,
    pub rows: Vec<&'a Transaction>,
}

impl Day<'_> {
    /// The day's net cash effect; `None` when a row has no net value or the sum overflows
    /// (shown as "—": a total that silently left a row out would be wrong).
    pub fn net(&self) -> Option<Decimal> {
        self.rows
            .iter()
            .try_fold(Decimal::ZERO, |sum, t| sum.plus(t.signed_net_value()?))
    }
}

/// Consecutive transactions of the same day form one group (a later page continuing a day
/// joins it). Days keep the list's order.
pub fn by_day<'a>(rows: impl IntoIterator<Item = &'a Transaction>) -> Vec<Day<'a>> {
    let mut days: Vec<Day<'a>> = Vec::new();
    for t in rows {
        let date = day_of(t);
        match days.last_mut() {
            Some(day) if day.date == date => day.rows.push(t),
            _ => days.push(Day {
                date,
                rows: vec![t],
            }),
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn tx(json: serde_json::Value) -> Transaction {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn groups_consecutive_days_across_pages_with_checked_totals() {
        let first = [
            tx(
                serde_json::json!({"id": 1, "transaction-date": "2026-12-02",
                "net-value": "210.14", "net-value-effect": "Debit"}),
            ),
            tx(
                serde_json::json!({"id": 2, "transaction-date": "2026-12-02",
                "net-value": "500", "net-value-effect": "Credit"}),
            ),
        ];
        let more = [
            tx(
                serde_json::json!({"id": 3, "executed-at": "2026-12-02T15:00:00Z",
                "net-value": "0.86", "net-value-effect": "Credit"}),
            ),
            tx(
                serde_json::json!({"id": 4, "transaction-date": "2026-11-30",
                "value": "10", "value-effect": "Debit"}),
            ),
            tx(serde_json::json!({"id": 5, "transaction-date": "2026-11-30"})),
        ];
        let days = by_day(first.iter().chain(&more));
        let shape: Vec<(&str, usize)> = days.iter().map(|d| (d.date, d.rows.len())).collect();
        assert_eq!(shape, [("2026-12-02", 3), ("2026-11-30", 2)]);
        assert_eq!(days[0].net(), Some(Decimal::from_str("290.72").unwrap()));
        // A row without any value makes the day's total unknown.
        assert_eq!(days[1].net(), None);
        let max = Decimal::MAX.to_string();
        let huge = [
            tx(
                serde_json::json!({"transaction-date": "2026-12-01", "net-value": max, "net-value-effect": "Credit"}),
            ),
            tx(
                serde_json::json!({"transaction-date": "2026-12-01", "net-value": "1", "net-value-effect": "Credit"}),
            ),
        ];
        assert_eq!(by_day(&huge)[0].net(), None, "overflow reads as unknown");
        assert!(by_day(&[] as &[Transaction]).is_empty());
    }
}

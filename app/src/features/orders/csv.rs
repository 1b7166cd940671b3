//! The orders CSV: one row per loaded order (working ones first, each order once), numbers
//! unformatted, times as tastytrade sent them (ISO-8601).

use pocket_shared::tastytrade::Order;

use crate::components::{Csv, Field};

pub fn orders_csv<'a>(account: &str, orders: impl IntoIterator<Item = &'a Order>) -> String {
    let mut out = Csv::new(&[
        "Account",
        "Order ID",
        "Status",
        "Underlying",
        "Order type",
        "Time in force",
        "Size",
        "Price",
        "Price effect",
        "Signed price",
        "Stop trigger",
        "Legs",
        "Leg symbols",
        "Received at",
        "Terminal at",
        "Reject reason",
    ]);
    let mut seen = Vec::new();
    for o in orders {
        if let Some(id) = o.id {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
        }
        let text = |v: Option<&str>| Field::from(v.map(str::to_owned));
        out.row(vec![
            account.into(),
            Field::Number(o.id.map(Into::into)),
            text(o.status.as_ref().map(|s| s.as_str())),
            text(o.underlying_symbol.as_deref()),
            text(o.order_type.as_ref().map(|t| t.as_str())),
            text(o.time_in_force.as_ref().map(|t| t.as_str())),
            o.size.into(),
            o.price.into(),
            text(o.price_effect.as_ref().map(|e| e.as_str())),
            o.signed_price().into(),
            o.stop_trigger.into(),
            o.leg_summary().into(),
            o.legs
                .iter()
                .map(|l| l.symbol.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
                .into(),
            text(o.received_at.as_deref()),
            text(o.terminal_at.as_deref()),
            text(o.reject_reason.as_deref()),
        ]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_order_with_raw_values_and_quoting() {
        let orders: Vec<Order> = serde_json::from_value(serde_json::json!([
            {"id": 7, "status": "Filled", "underlying-symbol": "QQQ", "order-type": "Limit",
             "time-in-force": "Day", "size": 1, "price": "0.650", "price-effect": "Debit",
             "received-at": "2026-07-22T15:02:40.632+00:00",
             "terminal-at": "2026-07-22T15:02:41.262+00:00",
             "legs": [
                {"symbol": "QQQ   260821P00560000", "action": "Buy to Close", "quantity": 1},
                {"symbol": "QQQ   260821P00550000", "action": "Sell to Close", "quantity": 1}
             ]},
            {"id": 8, "status": "Rejected", "underlying-symbol": "TSLA", "order-type": "Market",
             "reject-reason": "Insufficient buying power, \"margin\"", "legs": []},
            {"id": 7, "status": "Filled"}
        ]))
        .unwrap();
        let csv = orders_csv("5WT00001", &orders);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, two orders, final CRLF: {csv}");
        assert!(lines[0].starts_with("Account,Order ID,Status,"));
        assert_eq!(
            lines[1],
            "5WT00001,7,Filled,QQQ,Limit,Day,1,0.65,Debit,-0.65,,\
             BTC 1 QQQ 560 Put / STC 1 QQQ 550 Put,\
             QQQ   260821P00560000 / QQQ   260821P00550000,\
             2026-07-22T15:02:40.632+00:00,2026-07-22T15:02:41.262+00:00,"
        );
        assert_eq!(
            lines[2],
            "5WT00001,8,Rejected,TSLA,Market,,,,,,,,,,,\
             \"Insufficient buying power, \"\"margin\"\"\""
        );
        assert_eq!(lines[3], "");
    }
}

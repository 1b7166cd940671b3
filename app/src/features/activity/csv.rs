//! The activity CSV: one row per loaded transaction, amounts signed (Debit negative) and
//! unformatted, dates as tastytrade sent them (ISO-8601).

use pocket_shared::tastytrade::Transaction;

use crate::components::{Csv, Field};

pub fn activity_csv<'a>(account: &str, rows: impl IntoIterator<Item = &'a Transaction>) -> String {
    let mut out = Csv::new(&[
        "Account",
        "Transaction ID",
        "Date",
        "Executed at",
        "Type",
        "Sub-type",
        "Description",
        "Symbol",
        "Underlying",
        "Action",
        "Quantity",
        "Price",
        "Value",
        "Fees",
        "Net value",
        "Estimated fee",
        "Order ID",
    ]);
    for t in rows {
        let text = |v: Option<&str>| Field::from(v.map(str::to_owned));
        out.row(vec![
            account.into(),
            Field::Number(t.id.map(Into::into)),
            text(t.transaction_date.as_deref()),
            text(t.executed_at.as_deref()),
            text(t.transaction_type.as_ref().map(|x| x.as_str())),
            text(t.transaction_sub_type.as_deref()),
            text(t.description.as_deref()),
            text(t.symbol.as_deref()),
            text(t.underlying_symbol.as_deref()),
            text(t.action.as_ref().map(|a| a.as_str())),
            t.quantity.into(),
            t.price.into(),
            t.signed_value().into(),
            t.signed_fees().into(),
            t.signed_net_value().into(),
            text(t.is_estimated_fee.map(|e| if e { "true" } else { "false" })),
            Field::Number(t.order_id.map(Into::into)),
        ]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_unformatted_amounts() {
        let rows: Vec<Transaction> = serde_json::from_value(serde_json::json!([
            {"id": 291001329, "order-id": 351001221, "transaction-type": "Trade",
             "transaction-sub-type": "Buy to Close", "action": "Buy to Close",
             "description": "Bought 1 META 12/18/26 Put 680.00 @ 2.1",
             "symbol": "META  261218P00680000", "underlying-symbol": "META",
             "quantity": "1.0", "price": "2.1", "value": "210.0", "value-effect": "Debit",
             "clearing-fees": "0.1", "clearing-fees-effect": "Debit",
             "regulatory-fees": "0.04", "regulatory-fees-effect": "Debit",
             "net-value": "210.14", "net-value-effect": "Debit", "is-estimated-fee": true,
             "executed-at": "2026-12-02T15:15:02.525Z", "transaction-date": "2026-12-02"},
            {"id": 5, "transaction-type": "Money Movement", "transaction-sub-type": "Deposit",
             "description": "Wire, \"ACH\"", "value": "1000", "value-effect": "Credit",
             "net-value": "1000", "net-value-effect": "Credit", "transaction-date": "2026-12-01"}
        ]))
        .unwrap();
        let csv = activity_csv("5WT00001", &rows);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            "5WT00001,291001329,2026-12-02,2026-12-02T15:15:02.525Z,Trade,Buy to Close,\
             Bought 1 META 12/18/26 Put 680.00 @ 2.1,META  261218P00680000,META,Buy to Close,\
             1,2.1,-210,-0.14,-210.14,true,351001221"
        );
        assert_eq!(
            lines[2],
            "5WT00001,5,2026-12-01,,Money Movement,Deposit,\"Wire, \"\"ACH\"\"\",,,,,,1000,0,1000,,"
        );
    }
}

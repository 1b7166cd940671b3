//! The example payloads in tests/fixtures (see its README) parse into the typed models
//! with the values they carry; plus tolerance for drift and the position math.

use pocket_shared::tastytrade::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---- verbatim reference payloads ---------------------------------------------------------

#[test]
fn accounts_fixture() {
    let r: AccountsResponse = serde_json::from_str(&fixture("accounts.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/customers/me/accounts"));
    assert_eq!(r.data.items.len(), 1);
    let item = &r.data.items[0];
    assert_eq!(item.authority_level, Some(AuthorityLevel::Owner));
    let a = &item.account;
    assert_eq!(a.account_number, "5YZ55555");
    assert_eq!(a.nickname.as_deref(), Some("Roth IRA"));
    assert_eq!(a.account_type_name.as_deref(), Some("Roth IRA"));
    assert_eq!(a.margin_or_cash, Some(MarginOrCash::Cash));
    assert_eq!(a.is_closed, Some(false));
    assert_eq!(a.is_futures_approved, Some(false));
    assert_eq!(
        a.suitable_options_level.as_deref(),
        Some("Defined Risk Spreads")
    );
    // Keys the UI does not use are kept in `extra`, not dropped.
    assert_eq!(a.extra["day-trader-status"], false);
    assert_eq!(a.extra["opened-at"], "2022-10-27T20:49:52.790+00:00");
    assert_eq!(
        a.extra["external-id"],
        "A1d557b2a-e5f1-483a-9798-13923403f442"
    );
    assert_eq!(a.extra["funding-date"], "2022-11-04");
    assert_eq!(a.extra["is-test-drive"], false);
    // Untyped keys are kept, not dropped.
    assert_eq!(a.extra["investment-objective"], "GROWTH");
    assert_eq!(a.extra["created-at"], "2022-10-27T20:49:52.793+00:00");
    assert_eq!(a.extra["is-firm-error"], false);
    assert_eq!(a.masked_number(), "••••5555");
    assert_eq!(a.display_name(), "Roth IRA");
}

#[test]
fn balances_fixture() {
    let r: BalancesResponse = serde_json::from_str(&fixture("balances.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/accounts/5YZ55555/balances"));
    let b = &r.data.0;
    assert_eq!(b.account_number.as_deref(), Some("5YZ55555"));
    assert_eq!(b.net_liquidating_value, Some(d("543557.677")));
    assert_eq!(b.cash_balance, Some(d("51600.762")));
    assert_eq!(b.derivative_buying_power, Some(d("20078.762")));
    assert_eq!(b.equity_buying_power, Some(d("20078.762")));
    assert_eq!(b.day_trading_buying_power, Some(Decimal::ZERO));
    assert_eq!(b.cash_available_to_withdraw, Some(d("20078.76")));
    assert_eq!(b.margin_equity, Some(d("452284.177")));
    assert_eq!(b.maintenance_requirement, Some(d("432279.234")));
    assert_eq!(b.maintenance_excess, Some(d("20078.762")));
    assert_eq!(b.extra["long-equity-value"], "281983.415");
    assert_eq!(b.extra["short-derivative-value"], "82680.5");
    assert_eq!(b.pending_cash, Some(Decimal::ZERO));
    assert_eq!(b.pending_cash_effect, Some(PriceEffect::None));
    assert_eq!(b.snapshot_date.as_deref(), Some("2023-06-08"));
    assert_eq!(
        b.updated_at.as_deref(),
        Some("2023-06-08T16:30:18.889+00:00")
    );
    assert_eq!(b.currency, None);
    assert_eq!(b.buying_power(), Some(d("20078.762")));
    assert_eq!(b.extra["used-derivative-buying-power"], "0.0");
    // Untyped keys are kept as the strings they were.
    assert_eq!(b.extra["reg-t-margin-requirement"], "432279.2338");
    assert_eq!(b.extra["effective-cryptocurrency-buying-power"], "20078.76");
    // Exactness: the decimal keeps every digit (no float rounding).
    assert_eq!(b.net_liquidating_value.unwrap().to_string(), "543557.677");
}

#[test]
fn positions_fixture() {
    let r: PositionsResponse = serde_json::from_str(&fixture("positions.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/accounts/5YZ55555/positions"));
    assert_eq!(r.data.items.len(), 1);
    let p = &r.data.items[0];
    assert_eq!(p.symbol, "RIVN  230609P00014000");
    assert_eq!(p.account_number.as_deref(), Some("5YZ55555"));
    assert_eq!(p.instrument_type, Some(InstrumentType::EquityOption));
    assert_eq!(p.underlying_symbol.as_deref(), Some("RIVN"));
    assert_eq!(p.quantity, d("40"));
    assert_eq!(p.quantity_direction, Some(QuantityDirection::Short));
    assert_eq!(p.close_price, Some(d("0.41")));
    assert_eq!(p.average_open_price, Some(d("0.79")));
    assert_eq!(p.multiplier, Some(d("100")));
    assert_eq!(p.cost_effect, Some(PriceEffect::Debit));
    assert_eq!(
        p.expires_at.as_deref(),
        Some("2023-06-09T20:00:00.000+00:00")
    );
    assert_eq!(p.realized_day_gain, Some(Decimal::ZERO));
    assert_eq!(p.realized_day_gain_effect, Some(PriceEffect::None));
    assert_eq!(p.realized_today, Some(Decimal::ZERO));
    assert_eq!(p.realized_today_effect, Some(PriceEffect::None));
    // Keys the UI does not use are kept in `extra` as sent.
    assert_eq!(p.extra["average-yearly-market-close-price"], "0.79");
    assert_eq!(p.extra["average-daily-market-close-price"], "0.41");
    assert_eq!(p.extra["is-suppressed"], false);
    assert_eq!(p.extra["is-frozen"], false);
    assert_eq!(p.extra["restricted-quantity"], 0);
    assert_eq!(p.extra["realized-day-gain-date"], "2023-05-24");
    assert_eq!(p.extra["created-at"], "2023-05-24T17:17:57.615+00:00");
    assert_eq!(p.mark, None);
    assert_eq!(p.mark_price, None);
    // Derived: short 40 puts, opened at 0.79, previous close 0.41, multiplier 100.
    assert_eq!(p.signed_quantity(), d("-40"));
    assert_eq!(p.current_price(), Some((d("0.41"), PriceSource::Close)));
    // (0.41 − 0.79) × −40 × 100 = +1520 (a short that lost value is a gain).
    assert_eq!(p.unrealized_pl(), Some(d("1520")));
    assert_eq!(p.cost_basis(), Some(d("3160")));
    assert_eq!(p.market_value(), Some(d("-1640")));
    let parts = SymbolParts::parse(&p.symbol);
    assert_eq!(parts.title(), "RIVN 14 Put");
    assert_eq!(parts.subtitle().as_deref(), Some("exp. Jun 9, 2023"));
}

#[test]
fn customer_fixture() {
    let r: CustomerResponse = serde_json::from_str(&fixture("customer.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/customers/me"));
    let c = &r.data;
    assert_eq!(c.id.as_deref(), Some("C0000001"));
    assert_eq!(c.first_name.as_deref(), Some("Demo"));
    assert_eq!(c.email.as_deref(), Some("demo@example.com"));
    assert_eq!(c.display_name().as_deref(), Some("Demo Customer"));
    assert_eq!(c.has_delayed_quotes, Some(false));
    assert_eq!(c.is_professional, Some(false));
    let types = c.permitted_account_types.as_ref().unwrap();
    assert_eq!(types[0].name.as_deref(), Some("Roth IRA"));
    assert_eq!(types[0].is_tax_advantaged, Some(true));
    assert_eq!(types[0].has_multiple_owners, Some(false));
    let margin = types[0].margin_types.as_ref().unwrap();
    assert_eq!(margin[0].name.as_deref(), Some("Cash"));
    assert_eq!(margin[0].is_margin, Some(false));
    assert_eq!(c.extra["address"]["city"], "Chicago");
    assert_eq!(c.extra["usa-citizenship-type"], "Citizen");
}

#[test]
fn token_success_fixture() {
    let t: TokenResponse = serde_json::from_str(&fixture("token-success.json")).unwrap();
    assert_eq!(t.access_token.expose(), "eyJhbGciOi...");
    assert_eq!(t.refresh_token.as_ref().unwrap().expose(), "eyJhbGciOi...");
    assert_eq!(t.id_token.as_ref().unwrap().expose(), "eyJhbGciOi...");
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert_eq!(t.expires_in, Some(900));
    assert_eq!(t.scope, None);
    // Tokens never show up in Debug output.
    let dbg = format!("{t:?}");
    assert!(!dbg.contains("eyJ"), "{dbg}");
    assert!(dbg.contains("***"));
}

#[test]
fn token_error_fixtures() {
    let e: TokenError = serde_json::from_str(&fixture("token-error-invalid-grant.json")).unwrap();
    assert_eq!(e.code(), Some("invalid_grant"));
    assert!(e.is_invalid_grant());
    assert_eq!(e.error_description.as_deref(), Some("Invalid JWT"));

    let e: TokenError = serde_json::from_str(&fixture("token-error-invalid-request.json")).unwrap();
    assert_eq!(e.code(), Some("invalid_request"));
    assert!(!e.is_invalid_grant());
    assert_eq!(
        e.error_description.as_deref(),
        Some("User is not a TastyTrade customer")
    );

    let e: TokenError = serde_json::from_str(&fixture("token-error-rfc.json")).unwrap();
    assert_eq!(e.error_code, None);
    assert_eq!(e.code(), Some("invalid_grant"));
    assert!(e.is_invalid_grant());
}

#[test]
fn error_envelope_preflight() {
    let e: ApiError = serde_json::from_str(&fixture("error-preflight.json")).unwrap();
    assert_eq!(
        e.error.code,
        Some(ErrorCode::Text("preflight_check_failure".into()))
    );
    assert_eq!(
        e.error.message.as_deref(),
        Some("One or more preflight checks failed")
    );
    assert_eq!(e.error.errors.len(), 1);
    assert_eq!(
        e.error.errors[0].code,
        Some(ErrorCode::Text("cant_buy_for_credit".into()))
    );
    assert_eq!(
        e.error.summary(),
        "One or more preflight checks failed — You cannot buy for a credit."
    );
}

#[test]
fn error_envelope_numeric_406() {
    let e: ApiError = serde_json::from_str(&fixture("error-406.json")).unwrap();
    let code = e.error.code.as_ref().unwrap();
    assert_eq!(code, &ErrorCode::Number(406));
    assert!(code.is("406"));
    assert_eq!(code.to_string(), "406");
    assert_eq!(
        e.error.message.as_deref(),
        Some("The requested version is not supported.")
    );
    assert!(e.error.errors.is_empty());
}

#[test]
fn error_envelope_composed_shapes() {
    let e: ApiError = serde_json::from_str(&fixture("error-unauthorized.json")).unwrap();
    assert!(e.error.code.as_ref().unwrap().is("unauthorized"));
    assert!(e
        .error
        .message
        .as_deref()
        .unwrap()
        .starts_with("Unauthorized."));

    let e: ApiError = serde_json::from_str(&fixture("error-not-permitted.json")).unwrap();
    assert_eq!(e.error.code.as_ref().unwrap().as_text(), "not_permitted");
    assert_eq!(e.error.summary(), "User not permitted access");

    let e: ApiError =
        serde_json::from_str(&fixture("error-validation-domain-reason.json")).unwrap();
    let item = &e.error.errors[0];
    assert_eq!(item.code, None);
    assert_eq!(item.domain.as_deref(), Some("start-date"));
    assert_eq!(item.reason.as_deref(), Some("is required"));
    assert_eq!(item.describe(), "start-date: is required");
}

// ---- tolerance --------------------------------------------------------------------------

#[test]
fn balances_accepts_items_list_form() {
    let body = r#"{"data":{"items":[{"account-number":"5WT00001","net-liquidating-value":"10.5"}]},
                  "context":"/accounts/5WT00001/balances"}"#;
    let r: BalancesResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.data.0.account_number.as_deref(), Some("5WT00001"));
    assert_eq!(r.data.0.net_liquidating_value, Some(d("10.5")));

    let empty = r#"{"data":{"items":[]}}"#;
    assert!(serde_json::from_str::<BalancesResponse>(empty).is_err());
}

#[test]
fn decimals_accept_numbers_strings_null_and_empty() {
    let body = r#"{"data":{
        "net-liquidating-value": 1234.5,
        "cash-balance": "0.1",
        "derivative-buying-power": 7,
        "equity-buying-power": null,
        "margin-equity": "",
        "maintenance-requirement": " 1000.50 ",
        "pending-cash": -2.25
    }}"#;
    let b = serde_json::from_str::<BalancesResponse>(body)
        .unwrap()
        .data
        .0;
    assert_eq!(b.net_liquidating_value, Some(d("1234.5")));
    assert_eq!(b.cash_balance, Some(d("0.1")));
    assert_eq!(b.derivative_buying_power, Some(d("7")));
    assert_eq!(b.equity_buying_power, None);
    assert_eq!(b.margin_equity, None);
    assert_eq!(b.maintenance_requirement, Some(d("1000.50")));
    assert_eq!(b.pending_cash, Some(d("-2.25")));
    assert_eq!(b.account_number, None);
    assert!(b.extra.is_empty());
    // A float becomes the nearest short decimal: 0.1 + 0.2 style drift cannot appear.
    let sum = b.cash_balance.unwrap() + d("0.2");
    assert_eq!(sum.to_string(), "0.3");
}

#[test]
fn decimal_garbage_is_an_error_not_a_zero() {
    let body = r#"{"data":{"net-liquidating-value":"12,5"}}"#;
    assert!(serde_json::from_str::<BalancesResponse>(body).is_err());
    let body = r#"{"data":{"net-liquidating-value":true}}"#;
    assert!(serde_json::from_str::<BalancesResponse>(body).is_err());
    // Exponent forms are not tastytrade's but parse exactly.
    let body = r#"{"data":{"net-liquidating-value":"1.5e3"}}"#;
    let b = serde_json::from_str::<BalancesResponse>(body)
        .unwrap()
        .data
        .0;
    assert_eq!(b.net_liquidating_value, Some(d("1500")));
}

#[test]
fn position_quantity_string_or_number_and_missing_optionals() {
    let body = r#"{"data":{"items":[
        {"symbol":"AAPL","quantity":"100","quantity-direction":"Long","instrument-type":"Equity",
         "average-open-price":"150.00","mark-price":"175.25","multiplier":1},
        {"symbol":"MSFT","quantity":3},
        {"symbol":"/ESZ6","quantity":"2.0","quantity-direction":"Short","instrument-type":"Future",
         "multiplier":"50","average-open-price":5000,"close-price":"5010.25"}
    ]}}"#;
    let items = serde_json::from_str::<PositionsResponse>(body)
        .unwrap()
        .data
        .items;
    assert_eq!(items[0].signed_quantity(), d("100"));
    assert_eq!(
        items[0].current_price(),
        Some((d("175.25"), PriceSource::Mark))
    );
    assert_eq!(items[0].unrealized_pl(), Some(d("2525.00")));
    // MSFT: nothing but symbol + quantity; everything else is None, math declines.
    assert_eq!(items[1].quantity, d("3"));
    assert_eq!(items[1].quantity_direction, None);
    assert_eq!(items[1].instrument_type, None);
    assert_eq!(items[1].signed_quantity(), d("3"));
    assert_eq!(items[1].unrealized_pl(), None);
    assert_eq!(items[1].cost_basis(), None);
    // Short 2 /ES from 5000, close 5010.25, × 50: (5010.25 − 5000) × −2 × 50 = −1025.
    assert_eq!(items[2].signed_quantity(), d("-2"));
    assert_eq!(items[2].unrealized_pl(), Some(d("-1025")));
    assert_eq!(items[2].instrument_type, Some(InstrumentType::Future));
}

#[test]
fn unknown_enum_values_and_fields_are_kept() {
    let body = r#"{"data":{"items":[{
        "symbol":"XYZ","quantity":1,"quantity-direction":"Sideways",
        "instrument-type":"Space Future","cost-effect":"Rebate",
        "brand-new-field":{"nested":[1,2,3]}
    }]},"context":"/x","api-version":"v1","surprise":true}"#;
    let r = serde_json::from_str::<PositionsResponse>(body).unwrap();
    assert_eq!(r.api_version.as_deref(), Some("v1"));
    let p = &r.data.items[0];
    assert_eq!(
        p.instrument_type,
        Some(InstrumentType::Unknown("Space Future".into()))
    );
    assert_eq!(
        p.instrument_type.as_ref().unwrap().short_label(),
        "Space Future"
    );
    assert_eq!(
        p.quantity_direction,
        Some(QuantityDirection::Unknown("Sideways".into()))
    );
    assert_eq!(p.cost_effect, Some(PriceEffect::Unknown("Rebate".into())));
    assert_eq!(p.extra["brand-new-field"]["nested"][2], 3);
    // Unknown direction counts as long rather than hiding the quantity.
    assert_eq!(p.signed_quantity(), d("1"));
    // Unknown values re-serialize unchanged.
    let json = serde_json::to_value(p).unwrap();
    assert_eq!(json["instrument-type"], "Space Future");
    assert_eq!(json["quantity"], "1");

    let accounts = r#"{"data":{"items":[{"account":{"account-number":"5WT00009",
        "margin-or-cash":"Portfolio Margin"},"authority-level":"custodian"}]}}"#;
    let r = serde_json::from_str::<AccountsResponse>(accounts).unwrap();
    let item = &r.data.items[0];
    assert_eq!(
        item.authority_level,
        Some(AuthorityLevel::Unknown("custodian".into()))
    );
    assert_eq!(
        item.account.margin_or_cash,
        Some(MarginOrCash::Unknown("Portfolio Margin".into()))
    );
    assert_eq!(item.account.nickname, None);
    assert_eq!(item.account.display_name(), "••••0009");
}

#[test]
fn known_enum_wire_values_round_trip() {
    for (wire, v) in [
        ("Equity Option", InstrumentType::EquityOption),
        ("Future Option", InstrumentType::FutureOption),
        ("Fixed Income Security", InstrumentType::FixedIncomeSecurity),
        ("Unknown", InstrumentType::Unknown("Unknown".into())),
    ] {
        let parsed: InstrumentType = serde_json::from_value(wire.into()).unwrap();
        assert_eq!(parsed, v);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), wire);
    }
    let a: AuthorityLevel = serde_json::from_value("trade-only".into()).unwrap();
    assert_eq!(a, AuthorityLevel::TradeOnly);
}

#[test]
fn envelope_with_pagination_and_null_links() {
    let body = r#"{"data":{"items":[]},"context":"/accounts/5WT00001/positions",
        "pagination":{"per-page":250,"page-offset":0,"item-offset":0,"total-items":1042,
        "total-pages":"5","current-item-count":250,"previous-link":null,"next-link":null,
        "paging-link-template":null}}"#;
    let r: PositionsResponse = serde_json::from_str(body).unwrap();
    let p = r.pagination.unwrap();
    assert_eq!(p.per_page, Some(250));
    assert_eq!(p.total_items, Some(1042));
    assert_eq!(p.total_pages, Some(5));
    assert_eq!(p.next_link, None);
    assert!(r.data.items.is_empty());
}

#[test]
fn error_envelope_tolerates_null_errors_and_missing_code() {
    let e: ApiError =
        serde_json::from_str(r#"{"error":{"message":"Server error","errors":null}}"#).unwrap();
    assert_eq!(e.error.code, None);
    assert!(e.error.errors.is_empty());
    assert_eq!(e.error.summary(), "Server error");
}

// ---- position math ------------------------------------------------------------------------

fn position(json: serde_json::Value) -> Position {
    serde_json::from_value(json).unwrap()
}

#[test]
fn pl_long_stock_gain_and_loss() {
    let mut p = position(serde_json::json!({
        "symbol": "AAPL", "quantity": "10", "quantity-direction": "Long",
        "average-open-price": "100.10", "close-price": "99.05", "multiplier": 1
    }));
    assert_eq!(p.unrealized_pl(), Some(d("-10.50")));
    p.mark_price = Some(d("120.35"));
    assert_eq!(p.unrealized_pl(), Some(d("202.50")));
    assert_eq!(p.unrealized_pl_ratio().unwrap().round_dp(4), d("0.2023"));
}

#[test]
fn pl_short_call_loss() {
    let p = position(serde_json::json!({
        "symbol": "SPY   260804C00500000", "quantity": 2, "quantity-direction": "Short",
        "instrument-type": "Equity Option", "average-open-price": "3.20",
        "mark-price": "4.05", "multiplier": 100
    }));
    // (4.05 − 3.20) × −2 × 100 = −170
    assert_eq!(p.unrealized_pl(), Some(d("-170")));
    assert_eq!(p.signed_quantity(), d("-2"));
}

#[test]
fn pl_zero_direction_and_mark_without_mark_price() {
    let p = position(serde_json::json!({
        "symbol": "X", "quantity": 0, "quantity-direction": "Zero",
        "average-open-price": "1", "close-price": "2"
    }));
    assert_eq!(p.unrealized_pl(), Some(Decimal::ZERO));

    // `mark` without `mark-price` is ambiguous (per unit or position value), so P/L uses the
    // close; `mark_per_unit` offers the position-value reading: 450 / (3 × 100) = 1.5.
    let p = position(serde_json::json!({
        "symbol": "X", "quantity": 3, "quantity-direction": "Long", "multiplier": 100,
        "average-open-price": "1.00", "mark": "450.00", "close-price": "9"
    }));
    assert_eq!(p.mark_per_unit(), Some(d("1.5")));
    assert_eq!(p.current_price(), Some((d("9"), PriceSource::Close)));
    assert_eq!(p.unrealized_pl(), Some(d("2400")));
}

#[test]
fn realized_and_pending_effects_apply_sign() {
    let p = position(serde_json::json!({
        "symbol": "X", "quantity": 1, "realized-day-gain": "12.5",
        "realized-day-gain-effect": "Debit"
    }));
    assert_eq!(p.signed_realized_day_gain(), Some(d("-12.5")));
    let b: Balances = serde_json::from_value(serde_json::json!({
        "pending-cash": "3", "pending-cash-effect": "Credit"
    }))
    .unwrap();
    assert_eq!(b.signed_pending_cash(), Some(d("3")));
}

// ---- symbols and masking ------------------------------------------------------------------

#[test]
fn symbol_parsing() {
    match SymbolParts::parse("SPY   260804C00500000") {
        SymbolParts::EquityOption {
            root,
            expiration,
            right,
            strike,
        } => {
            assert_eq!(root, "SPY");
            assert_eq!(
                (expiration.year, expiration.month, expiration.day),
                (2026, 8, 4)
            );
            assert_eq!(right, OptionRight::Call);
            assert_eq!(strike, d("500"));
        }
        other => panic!("{other:?}"),
    }
    let aapl = SymbolParts::parse("AAPL  230818C00197500");
    assert_eq!(aapl.title(), "AAPL 197.5 Call");
    assert_eq!(aapl.subtitle().as_deref(), Some("exp. Aug 18, 2023"));
    assert_eq!(
        SymbolParts::parse("SPXW  260918P05000000").title(),
        "SPXW 5000 Put"
    );
    assert_eq!(
        SymbolParts::parse("XYZ   260918P00000500").title(),
        "XYZ 0.5 Put"
    );

    assert_eq!(
        SymbolParts::parse("/ESZ6"),
        SymbolParts::Future {
            product: "ES".into(),
            month: 12,
            year_digits: "6".into()
        }
    );
    assert_eq!(
        SymbolParts::parse("/6AM3").subtitle().as_deref(),
        Some("6A Jun '3")
    );
    assert_eq!(
        SymbolParts::parse("/VXX22"),
        SymbolParts::Future {
            product: "VX".into(),
            month: 11,
            year_digits: "22".into()
        }
    );

    let fo = SymbolParts::parse("./ESZ6 EW3U6 260918C9100");
    assert_eq!(fo.title(), "/ESZ6 9100 Call");
    assert_eq!(fo.subtitle().as_deref(), Some("EW3U6 · exp. Sep 18, 2026"));
    let fo = SymbolParts::parse("./CLZ2 LO1X2 221104C91");
    match fo {
        SymbolParts::FutureOption {
            future,
            contract,
            strike,
            right,
            ..
        } => {
            assert_eq!(future, "/CLZ2");
            assert_eq!(contract, "LO1X2");
            assert_eq!(strike, d("91"));
            assert_eq!(right, OptionRight::Call);
        }
        other => panic!("{other:?}"),
    }

    for plain in ["AAPL", "BRK/B", "BTC/USD", "SPX", ""] {
        assert_eq!(SymbolParts::parse(plain), SymbolParts::Other(plain.into()));
        assert_eq!(SymbolParts::parse(plain).subtitle(), None);
    }
    // Near misses stay plain instead of producing nonsense.
    assert!(matches!(
        SymbolParts::parse("SPY   261304C00500000"),
        SymbolParts::Other(_)
    ));
    assert!(matches!(SymbolParts::parse("/ES"), SymbolParts::Other(_)));
}

#[test]
fn account_number_masking() {
    assert_eq!(mask_account_number("5WT00001"), "••••0001");
    assert_eq!(mask_account_number("5WT00002"), "••••0002");
    assert_eq!(mask_account_number("1234"), "••••234");
    assert_eq!(mask_account_number(""), "••••");
}

/// The JSON block of docs/tastytrade.md §6.2: every key of the real balances payload.
fn documented_balances() -> serde_json::Value {
    let path = format!("{}/../docs/tastytrade.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let section = doc.split("### 6.2 Balances").nth(1).expect("§6.2");
    let block = section
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("§6.2 has a JSON block");
    serde_json::from_str(block).expect("§6.2's JSON block parses")
}

#[test]
fn balances_fixture_carries_every_documented_key() {
    let documented = documented_balances();
    let documented = documented.as_object().unwrap();
    assert_eq!(documented.len(), 46);
    let fixture: serde_json::Value = serde_json::from_str(&fixture("balances.json")).unwrap();
    let data = fixture["data"].as_object().unwrap();
    let missing: Vec<_> = documented
        .keys()
        .filter(|k| !data.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/fixtures/balances.json lacks {missing:?}"
    );
}

#[test]
fn documented_balances_payload_parses_with_its_values() {
    let body = serde_json::json!({ "data": documented_balances(), "context": "/accounts/5WT00001/balances" });
    let r: BalancesResponse = serde_json::from_value(body).unwrap();
    let b = &r.data.0;
    assert_eq!(b.account_number.as_deref(), Some("5WT00001"));
    assert_eq!(b.net_liquidating_value, Some(d("543557.677")));
    assert_eq!(b.buying_power(), Some(d("20078.762")));
    // The 46 keys are typed or kept in `extra`; none is dropped.
    assert_eq!(b.extra["used-derivative-buying-power"], "0.0");
    let round_trip = serde_json::to_value(b).unwrap();
    for key in documented_balances().as_object().unwrap().keys() {
        assert!(round_trip.get(key).is_some(), "{key} lost in the model");
    }
}

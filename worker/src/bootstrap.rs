//! The first screen's data (`shared::bff::Bootstrap`) and how a returning visit gets it inlined
//! into the HTML shell (docs/contracts.md, "Bootstrap"). Pure: which account is selected, which
//! requests get the data, where it goes in the page and how it is escaped.

use crate::allowlist::is_account_number;
use pocket_shared::bff::BOOTSTRAP_ELEMENT_ID;

/// Account numbers in a `GET /customers/me/accounts` body (`data.items[].account.account-number`,
/// docs/tastytrade.md §6.1), in order, without duplicates. A number that does not look like one
/// is skipped: upstream data never becomes an upstream path unchecked.
pub fn account_numbers(accounts_body: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let items = accounts_body
        .pointer("/data/items")
        .and_then(|v| v.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    for item in items {
        if let Some(n) = item
            .pointer("/account/account-number")
            .and_then(|v| v.as_str())
            .filter(|n| is_account_number(n))
        {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_owned());
            }
        }
    }
    out
}

/// The account whose positions are fetched: `wanted` when it is one of `accounts`, else the first.
pub fn select_account<'a>(wanted: Option<&str>, accounts: &'a [String]) -> Option<&'a str> {
    wanted
        .and_then(|w| accounts.iter().find(|a| *a == w))
        .or(accounts.first())
        .map(String::as_str)
}

/// `N` of an app path `/accounts/N` or `/accounts/N/…` (the app's routes), if it looks like an
/// account number.
pub fn account_in_path(raw_path: &str) -> Option<&str> {
    let rest = raw_path.strip_prefix("/accounts/")?;
    let n = rest.split('/').next()?;
    is_account_number(n).then_some(n)
}

/// What `GET /auth/session?bootstrap=1&account=N` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionQuery<'a> {
    /// `bootstrap=1`: the first screen's data too.
    pub bootstrap: bool,
    /// `account=N`, when `N` looks like an account number.
    pub account: Option<&'a str>,
}

impl<'a> SessionQuery<'a> {
    pub fn parse(raw_query: Option<&'a str>) -> Self {
        let mut q = Self::default();
        for pair in raw_query.unwrap_or_default().split('&') {
            match pair.split_once('=') {
                Some(("bootstrap", v)) => q.bootstrap = v == "1" || v == "true",
                Some(("account", n)) if is_account_number(n) => q.account = Some(n),
                _ => {}
            }
        }
        q
    }
}

/// Whether a request for an app page may get the signed-in data inlined: a `GET` navigation to a
/// page other than `/callback` (whose URL carries a code and whose page finishes a sign-in).
/// Browsers say what a request is for in `Sec-Fetch-Mode`/`Sec-Fetch-Dest`; a client that sends
/// neither (an older browser, a script) is treated as navigating.
pub fn wants_inline_data(
    method: &str,
    raw_path: &str,
    sec_fetch_mode: Option<&str>,
    sec_fetch_dest: Option<&str>,
) -> bool {
    method == "GET"
        && !(raw_path == "/callback" || raw_path.starts_with("/callback/"))
        && sec_fetch_mode.is_none_or(|m| m.eq_ignore_ascii_case("navigate"))
        && sec_fetch_dest.is_none_or(|d| d.eq_ignore_ascii_case("document"))
}

/// The page split where the data element goes: everything before the last `</body`, and the
/// rest. `None` when the page has no body end tag (then it is served without data).
pub fn split_before_body_end(html: &str) -> Option<(&str, &str)> {
    let lower = html.to_ascii_lowercase();
    let at = lower.rfind("</body")?;
    Some(html.split_at(at))
}

/// JSON made safe as the text of a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 become
/// `\u` escapes, so no `</script>` or `<!--` can end or change the element. These characters
/// only occur inside JSON strings, where the escapes mean the same characters.
pub fn escape_json_for_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The data element carrying `json` (a `shared::bff::SignedIn`). `type="application/json"`
/// makes it a data block: never executed, so the CSP needs no hash for it.
pub fn data_element(json: &str) -> String {
    format!(
        "<script type=\"application/json\" id=\"{BOOTSTRAP_ELEMENT_ID}\">{}</script>",
        escape_json_for_html(json)
    )
}

/// `1234567.891` → `$1,234,567.89`, `-12.5` → `-$12.50` (en-US): the preview's only formatting.
/// `None` for anything that is not a plain decimal number.
pub fn us_dollars(text: &str) -> Option<String> {
    let (negative, digits) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    // Cents, rounded half up from the third decimal (display only; the app shows the exact value).
    let mut cents: u64 = whole.parse::<u64>().ok()? * 100;
    let mut f = fraction.bytes().map(|b| u64::from(b - b'0'));
    cents += f.next().unwrap_or(0) * 10 + f.next().unwrap_or(0);
    if f.next().unwrap_or(0) >= 5 {
        cents += 1;
    }
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative && cents > 0 { "-" } else { "" };
    Some(format!("{sign}${grouped}.{:02}", cents % 100))
}

/// `id` of the preview the worker writes into a signed-in page before the data element.
pub const PREVIEW_ELEMENT_ID: &str = "boot-preview";

/// What a signed-in page shows before the app has started (then the app removes it): the
/// selected account's net liquidating value, in the same markup and size as the app's headline,
/// so the largest thing on the screen is painted as soon as this part of the page arrives rather
/// than after the wasm has loaded. `signed_in` is the page's `shared::bff::SignedIn` JSON; `None`
/// without the balances of the selected account.
pub fn preview_element(signed_in: &serde_json::Value) -> Option<String> {
    let bootstrap = signed_in.get("bootstrap")?;
    let account = bootstrap.pointer("/positions/account")?.as_str()?;
    let nlv = bootstrap
        .get("balances")?
        .get(account)?
        .pointer("/data/net-liquidating-value")?;
    let money = match nlv {
        serde_json::Value::String(s) => us_dollars(s)?,
        serde_json::Value::Number(n) => us_dollars(&n.to_string())?,
        _ => return None,
    };
    Some(format!(
        "<div id=\"{PREVIEW_ELEMENT_ID}\" class=\"boot-preview\" aria-busy=\"true\">\
         <section class=\"card headline\"><div class=\"headline-main\">\
         <p class=\"label\">Net liquidating value</p><p class=\"big-number\">{money}</p>\
         </div></section><div class=\"skeleton sk-panel\"></div></div>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_numbers_from_the_accounts_body() {
        let body = json!({"data": {"items": [
            {"account": {"account-number": "5WT00001"}, "authority-level": "owner"},
            {"account": {"account-number": "5WT00002"}},
            {"account": {"account-number": "5WT00001"}},
            {"account": {"account-number": "../../oauth"}},
            {"account": {"account-number": 5}},
            {"account": {}},
            {"no-account": true},
            {"account": {"account-number": "5WT00003"}}
        ]}});
        assert_eq!(account_numbers(&body), ["5WT00001", "5WT00002", "5WT00003"]);
        assert!(account_numbers(&json!({"data": {}})).is_empty());
        assert!(account_numbers(&json!([1, 2])).is_empty());
        assert!(account_numbers(&json!({"data": {"items": "x"}})).is_empty());
    }

    #[test]
    fn the_selected_account_is_the_wanted_one_if_listed_else_the_first() {
        let accounts = ["5WT00001".to_owned(), "5WT00002".to_owned()];
        assert_eq!(
            select_account(Some("5WT00002"), &accounts),
            Some("5WT00002")
        );
        assert_eq!(
            select_account(Some("5WX99999"), &accounts),
            Some("5WT00001")
        );
        assert_eq!(select_account(None, &accounts), Some("5WT00001"));
        assert_eq!(select_account(Some("5WT00001"), &[]), None);
    }

    #[test]
    fn account_from_the_app_path() {
        assert_eq!(
            account_in_path("/accounts/5WT00002/positions"),
            Some("5WT00002")
        );
        assert_eq!(account_in_path("/accounts/5WT00002"), Some("5WT00002"));
        assert_eq!(account_in_path("/accounts/5WT00002/"), Some("5WT00002"));
        assert_eq!(account_in_path("/accounts/5wt00002/positions"), None);
        assert_eq!(account_in_path("/accounts/%35WT00002/positions"), None);
        assert_eq!(account_in_path("/accounts/"), None);
        assert_eq!(account_in_path("/watchlists"), None);
        assert_eq!(account_in_path("/"), None);
        assert_eq!(account_in_path("/x/accounts/5WT00002"), None);
    }

    #[test]
    fn session_query() {
        assert_eq!(SessionQuery::parse(None), SessionQuery::default());
        let q = SessionQuery::parse(Some("bootstrap=1&account=5WT00002"));
        assert!(q.bootstrap);
        assert_eq!(q.account, Some("5WT00002"));
        assert!(SessionQuery::parse(Some("x=1&bootstrap=true")).bootstrap);
        assert!(!SessionQuery::parse(Some("bootstrap=0")).bootstrap);
        assert!(!SessionQuery::parse(Some("bootstrap")).bootstrap);
        assert_eq!(SessionQuery::parse(Some("account=../x")).account, None);
        assert_eq!(SessionQuery::parse(Some("account=5wt00002")).account, None);
    }

    #[test]
    fn only_navigations_to_app_pages_get_data() {
        assert!(wants_inline_data("GET", "/", None, None));
        assert!(wants_inline_data(
            "GET",
            "/accounts/5WT00001/positions",
            Some("navigate"),
            Some("document")
        ));
        assert!(wants_inline_data(
            "GET",
            "/watchlists",
            Some("navigate"),
            None
        ));
        assert!(!wants_inline_data("POST", "/", None, None));
        assert!(!wants_inline_data("HEAD", "/", None, None));
        assert!(!wants_inline_data("GET", "/callback", None, None));
        assert!(!wants_inline_data("GET", "/callback/x", None, None));
        assert!(!wants_inline_data("GET", "/", Some("cors"), None));
        assert!(!wants_inline_data(
            "GET",
            "/",
            Some("no-cors"),
            Some("script")
        ));
        assert!(!wants_inline_data(
            "GET",
            "/",
            Some("navigate"),
            Some("iframe")
        ));
    }

    #[test]
    fn the_page_splits_before_its_last_body_end() {
        let html = "<html><head></head><body><p>x</p></BODY>\n</html>\n";
        let (head, tail) = split_before_body_end(html).unwrap();
        assert_eq!(head, "<html><head></head><body><p>x</p>");
        assert_eq!(tail, "</BODY>\n</html>\n");
        let twice = "<body><!-- </body> --></body></html>";
        assert_eq!(split_before_body_end(twice).unwrap().1, "</body></html>");
        assert_eq!(split_before_body_end("<html>no end</html>"), None);
        // Non-ASCII before the end tag keeps byte offsets right.
        let (head, tail) = split_before_body_end("<body>é📈</body>").unwrap();
        assert_eq!((head, tail), ("<body>é📈", "</body>"));
    }

    #[test]
    fn json_cannot_close_or_change_the_element() {
        let json = r#"{"a":"</script><script>alert(1)</script>","b":"<!-- & -->","c":"x y"}"#
            .replace("x y", "x\u{2028}y\u{2029}");
        let escaped = escape_json_for_html(&json);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!escaped.contains(bad), "{bad:?} in {escaped}");
        }
        // Still the same JSON.
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        let orig: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, orig);
        let el = data_element(&json);
        assert!(el.starts_with(r#"<script type="application/json" id="pocket-bootstrap">{"#));
        assert!(el.ends_with("}</script>"));
        assert_eq!(el.matches("</script").count(), 1);
    }
}

#[cfg(test)]
mod preview_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dollars_en_us() {
        assert_eq!(us_dollars("94898.97").as_deref(), Some("$94,898.97"));
        assert_eq!(us_dollars("1234567.891").as_deref(), Some("$1,234,567.89"));
        assert_eq!(us_dollars("1234567.895").as_deref(), Some("$1,234,567.90"));
        assert_eq!(us_dollars("-12.5").as_deref(), Some("-$12.50"));
        assert_eq!(us_dollars("0").as_deref(), Some("$0.00"));
        assert_eq!(us_dollars("-0.001").as_deref(), Some("$0.00"));
        assert_eq!(us_dollars("999.999").as_deref(), Some("$1,000.00"));
        for bad in [
            "",
            "abc",
            "1e5",
            "1,000",
            "--1",
            "1.2.3",
            "79228162514264337593543950335",
            "<b>1</b>",
        ] {
            assert_eq!(us_dollars(bad), None, "{bad}");
        }
    }

    #[test]
    fn preview_shows_the_selected_accounts_net_liq() {
        let signed_in = json!({
            "signed-in": true, "environment": "simulator",
            "bootstrap": {
                "accounts": {"data": {"items": []}},
                "balances": {
                    "5WT00001": {"data": {"net-liquidating-value": "94898.97"}},
                    "5WT00002": {"data": {"net-liquidating-value": 59260.43}}
                },
                "positions": {"account": "5WT00002", "body": {"data": {"items": []}}}
            }
        });
        let html = preview_element(&signed_in).unwrap();
        assert!(
            html.contains("<p class=\"big-number\">$59,260.43</p>"),
            "{html}"
        );
        assert!(html.starts_with("<div id=\"boot-preview\""));
        // No balances for the selected account, or no bootstrap at all: no preview.
        let mut missing = signed_in.clone();
        missing["bootstrap"]["positions"]["account"] = json!("5WT00003");
        assert_eq!(preview_element(&missing), None);
        assert_eq!(preview_element(&json!({"signed-in": true})), None);
        let mut odd = signed_in;
        odd["bootstrap"]["balances"]["5WT00002"]["data"]["net-liquidating-value"] =
            json!("<script>");
        assert_eq!(preview_element(&odd), None);
    }
}

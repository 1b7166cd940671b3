//! CSV export (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds a comma,
//! a quote, CR or LF (quotes doubled). Numbers are written unformatted (`-1234.5`, no currency
//! sign or grouping) and dates as ISO-8601, so a spreadsheet reads them as values. A text field
//! that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.

use leptos::prelude::*;
use rust_decimal::Decimal;
use wasm_bindgen::JsCast;

use super::dom::El;

/// One field of a row.
pub enum Field {
    Text(String),
    Number(Option<Decimal>),
}

impl From<&str> for Field {
    fn from(s: &str) -> Self {
        Field::Text(s.to_owned())
    }
}

impl From<String> for Field {
    fn from(s: String) -> Self {
        Field::Text(s)
    }
}

impl From<Option<String>> for Field {
    fn from(s: Option<String>) -> Self {
        Field::Text(s.unwrap_or_default())
    }
}

impl From<Option<Decimal>> for Field {
    fn from(d: Option<Decimal>) -> Self {
        Field::Number(d)
    }
}

impl From<Decimal> for Field {
    fn from(d: Decimal) -> Self {
        Field::Number(Some(d))
    }
}

/// A CSV document being built.
pub struct Csv {
    out: String,
}

impl Csv {
    pub fn new(header: &[&str]) -> Self {
        let mut csv = Csv { out: String::new() };
        csv.row(header.iter().map(|h| Field::from(*h)).collect());
        csv
    }

    pub fn row(&mut self, fields: Vec<Field>) {
        let line: Vec<String> = fields.into_iter().map(encode).collect();
        self.out.push_str(&line.join(","));
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

fn encode(field: Field) -> String {
    let text = match field {
        Field::Number(n) => return n.map(|d| d.normalize().to_string()).unwrap_or_default(),
        Field::Text(t) if t.starts_with(['=', '+', '-', '@']) => format!("'{t}"),
        Field::Text(t) => t,
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `tastypocket-5WT00001-orders-2026-12-06.csv` (today in the person's time zone).
pub fn file_name(account: &str, kind: &str) -> String {
    let now = js_sys::Date::new_0();
    format!(
        "tastypocket-{account}-{kind}-{:04}-{:02}-{:02}.csv",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// Saves `content` as a file through a temporary `<a download>`.
fn download(name: &str, content: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&content.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let anchor: web_sys::HtmlAnchorElement =
        document().create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

/// "Export CSV": builds the file when pressed (`make` returns the file name and the content,
/// or `None` while there is nothing loaded to export). `testid` is its `data-testid`.
pub fn csv_button(make: Box<dyn Fn() -> Option<(String, String)>>, testid: &str) -> El {
    let save = move |_: &web_sys::Event| {
        if let Some((name, content)) = make() {
            download(&name, &content);
        }
    };
    El::leaf("button", "btn btn-secondary btn-sm", "Export CSV")
        .attr("type", "button")
        .attr("data-testid", testid)
        .on(&["click"], Box::new(save))
}

/// [`csv_button`] for `view!` markup.
#[component]
pub fn CsvButton(
    /// Builds the file when pressed.
    #[prop(into)]
    make: Callback<(), Option<(String, String)>>,
    /// `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    csv_button(Box::new(move || make.run(())), testid).into_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn rfc4180_quoting_and_unformatted_numbers() {
        let mut csv = Csv::new(&["Symbol", "Note", "Value"]);
        csv.row(vec![
            "AAPL".into(),
            "a, \"quoted\"\nline".into(),
            Decimal::from_str("-1234.500").unwrap().into(),
        ]);
        csv.row(vec![
            "=HYPERLINK(1)".into(),
            Field::Text(String::new()),
            Field::Number(None),
        ]);
        assert_eq!(
            csv.finish(),
            "Symbol,Note,Value\r\nAAPL,\"a, \"\"quoted\"\"\nline\",-1234.5\r\n'=HYPERLINK(1),,\r\n"
        );
    }
}

//! Server-rendered pages: sign-in/consent, OAuth error, Create Grant, and the nginx-style 401.
//! No scripts and no external resources; styles are inline.

use std::fmt::Write as _;

use crate::config::{CLIENT_ID, DEMO_PASSWORD, DEMO_USERNAME};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f4f7;color:#1c2430}
main{max-width:26rem;margin:0 auto;padding:1.25rem 1rem 2rem}
.brand{font-weight:700;font-size:1.35rem;letter-spacing:-.02em;color:#c8102e;margin:.5rem 0 1rem}
.brand small{font-weight:500;font-size:.8rem;color:#5b6675;margin-left:.35rem}
.card{background:#fff;border-radius:14px;padding:1.25rem;box-shadow:0 1px 3px rgba(16,24,40,.12)}
h1{font-size:1.2rem;margin:0 0 .75rem}
p{margin:.5rem 0}
.muted{color:#5b6675;font-size:.9rem}
.demo{background:#eef6ff;border:1px solid #bcd8f5;border-radius:10px;padding:.6rem .8rem;font-size:.92rem;margin:.75rem 0}
.error{background:#fdecec;border:1px solid #f3b7b7;color:#8a1c1c;border-radius:10px;padding:.6rem .8rem;margin:.75rem 0}
ul.scopes{padding-left:1.1rem;margin:.4rem 0 1rem}
ul.scopes li{margin:.2rem 0}
label{display:block;font-weight:600;font-size:.9rem;margin:.75rem 0 .3rem}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.7rem .8rem;border:1px solid #c4ccd6;border-radius:10px;background:#fff}
input:focus{outline:2px solid #2f6fde;outline-offset:1px}
.buttons{display:flex;gap:.75rem;margin-top:1.25rem}
button{flex:1;font:inherit;font-weight:600;padding:.8rem 1rem;border-radius:10px;border:1px solid transparent;cursor:pointer;min-height:44px}
button.primary{background:#c8102e;color:#fff}
button.secondary{background:#fff;color:#1c2430;border-color:#c4ccd6}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere}
ul.scopes code{white-space:nowrap}
.token{display:block;word-break:break-all;background:#f6f8fa;border:1px solid #d8dee4;border-radius:8px;padding:.6rem;margin:.5rem 0}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head>\
         <body><main><div class=\"brand\">tastytrade<small>simulator</small></div>{body}</main></body></html>\n",
        title = escape(title),
    )
}

fn scope_description(scope: &str) -> &'static str {
    match scope {
        "read" => "View your accounts, balances and positions",
        "trade" => "Place, change and cancel orders",
        "openid" => "Confirm who you are (ID token)",
        _ => "Unknown permission",
    }
}

/// The sign-in and consent page. `hidden` are the authorization-request parameters echoed
/// back on submit so the POST can be validated from scratch.
pub fn consent_page(
    hidden: &[(&str, &str)],
    scopes: &[String],
    redirect_uri: &str,
    username: &str,
    error: Option<&str>,
) -> String {
    let mut body = String::new();
    body.push_str("<div class=\"card\">");
    let _ = write!(
        body,
        "<h1>Sign in to connect <code>{}</code></h1>",
        escape(CLIENT_ID)
    );
    let _ = write!(
        body,
        "<div class=\"demo\" id=\"demo-credentials\">Demo sign-in: username <code>{}</code>, password <code>{}</code></div>",
        escape(DEMO_USERNAME),
        escape(DEMO_PASSWORD)
    );
    if let Some(error) = error {
        let _ = write!(
            body,
            "<div class=\"error\" id=\"signin-error\" role=\"alert\">{}</div>",
            escape(error)
        );
    }
    body.push_str("<p>This application is asking to:</p><ul class=\"scopes\" id=\"scopes\">");
    for scope in scopes {
        let _ = write!(
            body,
            "<li data-scope=\"{s}\">{d} <span class=\"muted\">(<code>{s}</code>)</span></li>",
            s = escape(scope),
            d = scope_description(scope)
        );
    }
    body.push_str("</ul><form method=\"post\" action=\"/auth.html\" autocomplete=\"off\">");
    for (name, value) in hidden {
        let _ = write!(
            body,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    let _ = write!(
        body,
        "<label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocapitalize=\"none\" spellcheck=\"false\">\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\">\
         <div class=\"buttons\">\
         <button type=\"submit\" class=\"secondary\" id=\"deny\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\
         <button type=\"submit\" class=\"primary\" id=\"allow\" name=\"decision\" value=\"allow\">Allow</button>\
         </div></form>",
        escape(username)
    );
    let _ = write!(
        body,
        "<p class=\"muted\">You will be sent back to <code>{}</code>.</p></div>",
        escape(redirect_uri)
    );
    page("Sign in - tastytrade simulator", &body)
}

/// Shown instead of redirecting when the client or redirect URI can't be trusted.
pub fn error_page(message: &str) -> String {
    let body = format!(
        "<div class=\"card\"><h1>Authorization request rejected</h1>\
         <div class=\"error\" id=\"oauth-error\" role=\"alert\">{}</div>\
         <p class=\"muted\">Nothing was sent back to the application. Check the client id, the \
         registered redirect URI and the request parameters.</p></div>",
        escape(message)
    );
    page("Authorization error - tastytrade simulator", &body)
}

/// "Create Grant": mint a refresh token without the browser flow (docs/tastytrade.md §2.1).
pub fn grants_page(refresh_token: Option<&str>) -> String {
    let mut body = String::from("<div class=\"card\"><h1>Create Grant</h1>");
    let _ = write!(
        body,
        "<p>Mints a refresh token for the demo customer and client <code>{}</code>. \
         Refresh tokens never expire in the simulator.</p>",
        escape(CLIENT_ID)
    );
    if let Some(token) = refresh_token {
        let _ = write!(
            body,
            "<p>New refresh token (shown once):</p><code class=\"token\" id=\"refresh-token\">{}</code>",
            escape(token)
        );
    }
    body.push_str(
        "<form method=\"post\" action=\"/grants\"><div class=\"buttons\">\
         <button type=\"submit\" class=\"primary\" id=\"create-grant\">Create Grant</button>\
         </div></form></div>",
    );
    page("Create Grant - tastytrade simulator", &body)
}

/// What tastytrade's nginx returns for a missing or empty User-Agent (docs/tastytrade.md §3.1).
pub const NGINX_401: &str = "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n\
<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

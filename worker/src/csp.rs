//! Content-Security-Policy. HTML pages get hash sources for their own inline `<script>` and
//! `<style>` elements (Trunk's bootstrap is an inline module script), computed from the page the
//! worker is about to serve, so the policy stays right whatever Trunk emits.

use crate::crypto::sha256_base64;

/// Policy for HTML documents; `script_hashes`/`style_hashes` are complete sources
/// (`'sha256-…'`); `dxlink` is the one other place the page may connect to (the market-data
/// feed, `Config::dxlink_url_pattern`, a valid CSP host source by construction).
pub fn document_policy(
    script_hashes: &[String],
    style_hashes: &[String],
    dxlink: Option<&str>,
) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for h in script_hashes {
        script_src.push(' ');
        script_src.push_str(h);
    }
    let mut style_src = String::from("'self'");
    for h in style_hashes {
        style_src.push(' ');
        style_src.push_str(h);
    }
    let mut connect_src = String::from("'self'");
    if let Some(pattern) = dxlink {
        connect_src.push(' ');
        connect_src.push_str(pattern);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src {style_src}; \
         img-src 'self' data:; font-src 'self'; connect-src {connect_src}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Policy for everything that is not an HTML page (scripts, wasm, CSS, JSON).
pub fn static_policy() -> String {
    document_policy(&[], &[], None)
}

/// Policy for the worker's own JSON endpoints: nothing may load from them.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// `'sha256-…'` sources for the inline elements named `tag` (`script` or `style`) of `html`.
/// `<script src=…>` elements are skipped (they are covered by `'self'`), and so are JSON data
/// blocks (`<script type="application/json">`, like the inlined bootstrap data): the browser never
/// executes them, so allowing their text as script would only widen the policy.
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for el in inline_elements(html, tag) {
        let source = format!(
            "'sha256-{}'",
            sha256_base64(normalize_newlines(el).as_bytes())
        );
        if !out.contains(&source) {
            out.push(source);
        }
    }
    out
}

/// HTML parsing turns CRLF and lone CR into LF before the browser hashes an element's text.
fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_owned()
    }
}

/// Text contents of `<tag …>…</tag>` elements without a `src` attribute that are not data blocks.
fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let bytes = html.as_bytes();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(start) = find_ci(html, &open, pos) {
        let after_name = start + open.len();
        // `<scripts>` or `<script-x>` are other elements.
        match bytes.get(after_name) {
            Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/' => {}
            _ => {
                pos = after_name;
                continue;
            }
        }
        let Some(StartTag {
            end: tag_end,
            has_src,
            data_block,
        }) = scan_start_tag(bytes, after_name)
        else {
            break;
        };
        let content_start = tag_end + 1;
        let Some(end) = find_ci(html, &close, content_start) else {
            break;
        };
        if !has_src && !data_block {
            found.push(&html[content_start..end]);
        }
        pos = end + close.len();
    }
    found
}

/// What the start tag says.
struct StartTag {
    /// Offset of the `>` that ends it.
    end: usize,
    has_src: bool,
    /// `type` is a JSON MIME type: the element is data, not script.
    data_block: bool,
}

/// `type` values of data blocks this site uses (HTML: a script whose type is not a JavaScript
/// MIME type, `module` or `importmap` is never executed). Kept to JSON on purpose: hashing
/// something that is not a script is harmless, failing to hash a script is not.
const DATA_BLOCK_TYPES: [&str; 2] = ["application/json", "application/ld+json"];

/// From just after the tag name, finds the `>` that ends the start tag (respecting quoted
/// attribute values), whether a `src` attribute is present and whether `type` marks data.
fn scan_start_tag(bytes: &[u8], mut i: usize) -> Option<StartTag> {
    let mut has_src = false;
    let mut data_block = false;
    loop {
        while bytes.get(i)?.is_ascii_whitespace() || *bytes.get(i)? == b'/' {
            i += 1;
        }
        if *bytes.get(i)? == b'>' {
            return Some(StartTag {
                end: i,
                has_src,
                data_block,
            });
        }
        let name_start = i;
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_whitespace() || b == b'=' || b == b'>' || b == b'/' {
                break;
            }
            i += 1;
        }
        let name = &bytes[name_start..i];
        if name.eq_ignore_ascii_case(b"src") {
            has_src = true;
        }
        while bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if *bytes.get(i)? == b'=' {
            i += 1;
            while bytes.get(i)?.is_ascii_whitespace() {
                i += 1;
            }
            let value_start;
            let value_end;
            match *bytes.get(i)? {
                q @ (b'"' | b'\'') => {
                    i += 1;
                    value_start = i;
                    while *bytes.get(i)? != q {
                        i += 1;
                    }
                    value_end = i;
                    i += 1;
                }
                _ => {
                    value_start = i;
                    while let Some(&b) = bytes.get(i) {
                        if b.is_ascii_whitespace() || b == b'>' {
                            break;
                        }
                        i += 1;
                    }
                    value_end = i;
                }
            }
            if name.eq_ignore_ascii_case(b"type") {
                let value = bytes[value_start..value_end].trim_ascii();
                data_block = DATA_BLOCK_TYPES
                    .iter()
                    .any(|t| value.eq_ignore_ascii_case(t.as_bytes()));
            }
        }
    }
}

/// ASCII case-insensitive `find` of `needle` (ASCII) from byte offset `from`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || from > h.len() {
        return None;
    }
    (from..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape Trunk 0.21 writes (pipelines/rust/output.rs `default_initializer`).
    const TRUNK: &str = r#"<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/pocket-app-1a2b.js" crossorigin="anonymous" integrity="sha384-abc">
<link rel="preload" href="/pocket-app-1a2b_bg.wasm" crossorigin="anonymous" integrity="sha384-def" as="fetch" type="application/wasm">
<style>body{margin:0}</style>
</head><body>
<script type="module">
import init, * as bindings from '/pocket-app-1a2b.js';
const wasm = await init({ module_or_path: '/pocket-app-1a2b_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));

</script><script src="/external.js" data-x=">"></script></body></html>"#;

    #[test]
    fn hashes_the_inline_bootstrap_exactly() {
        let start = TRUNK.find("<script type=\"module\">").unwrap() + 22;
        let end = TRUNK[start..].find("</script>").unwrap() + start;
        let expected = format!("'sha256-{}'", sha256_base64(&TRUNK.as_bytes()[start..end]));
        assert_eq!(inline_hashes(TRUNK, "script"), vec![expected]);
    }

    #[test]
    fn skips_src_scripts_and_hashes_styles() {
        assert_eq!(
            inline_hashes(TRUNK, "style"),
            vec![format!("'sha256-{}'", sha256_base64(b"body{margin:0}"))]
        );
        assert!(inline_hashes(r#"<script src=/a.js></script>"#, "script").is_empty());
        assert!(inline_hashes(r#"<SCRIPT SRC="/a.js"></SCRIPT>"#, "script").is_empty());
        // `srcdoc` is not `src`; quoted `>` does not end the tag.
        assert_eq!(
            inline_hashes(r#"<script data-a="x>y" srcx=1>a()</script>"#, "script"),
            vec![format!("'sha256-{}'", sha256_base64(b"a()"))]
        );
    }

    #[test]
    fn json_data_blocks_are_not_hashed() {
        let page = format!(
            "{}<script type=\"application/json\" id=\"pocket-bootstrap\">{{\"a\":1}}</script>\
             <script type='APPLICATION/JSON '>[]</script><script type=application/ld+json>{{}}</script>",
            TRUNK
        );
        assert_eq!(
            inline_hashes(&page, "script"),
            inline_hashes(TRUNK, "script")
        );
        // Anything else that could run still is hashed.
        for html in [
            "<script type=\"text/javascript\">a()</script>",
            "<script type=module>a()</script>",
            "<script type=\"\">a()</script>",
            "<script type=\"application/jsonx\">a()</script>",
            "<script data-type=\"application/json\">a()</script>",
        ] {
            assert_eq!(inline_hashes(html, "script").len(), 1, "{html}");
        }
    }

    #[test]
    fn known_vector_and_newline_normalization() {
        // CSP spec example: sha256 of `alert('Hello, world.');`
        assert_eq!(
            inline_hashes("<script>alert('Hello, world.');</script>", "script"),
            vec!["'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='".to_owned()]
        );
        assert_eq!(
            inline_hashes("<script>a\r\nb</script>", "script"),
            inline_hashes("<script>a\nb</script>", "script")
        );
    }

    #[test]
    fn tolerates_broken_html() {
        for html in [
            "<script",
            "<script type=\"module",
            "<script>never closed",
            "<scripts>x</scripts>",
            "<script-x>x</script-x>",
            "",
            "é<script>é</script>",
        ] {
            let _ = inline_hashes(html, "script");
        }
        assert!(inline_hashes("<scripts>x</scripts>", "script").is_empty());
        assert_eq!(
            inline_hashes("<script></script><script></script>", "script").len(),
            1
        );
    }

    #[test]
    fn policy_has_every_directive() {
        let p = document_policy(&["'sha256-AAA='".into()], &[], None);
        for d in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-AAA='",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(p.split("; ").any(|x| x == d), "{d} in {p}");
        }
        assert!(!p.contains("unsafe-inline"));
        assert!(!static_policy().contains("sha256"));
    }

    #[test]
    fn the_market_data_feed_is_the_one_other_connect_source() {
        let p = document_policy(&[], &[], Some("wss://*.dxfeed.com"));
        assert!(
            p.split("; ")
                .any(|x| x == "connect-src 'self' wss://*.dxfeed.com"),
            "{p}"
        );
    }
}

//! URL pieces in Rust (unit-tested natively): `encodeURIComponent`, `decodeURIComponent` and
//! query strings.

/// `encodeURIComponent`, in Rust (so URL building is unit-tested natively): everything but
/// `A–Z a–z 0–9 - _ . ! ~ * ' ( )` is percent-encoded as UTF-8.
pub fn encode_uri_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// `decodeURIComponent`, in Rust: `None` for a malformed escape or invalid UTF-8.
pub fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Query-string pairs, decoded (`+` is a space, as in forms).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| decode_uri_component(&s.replace('+', " "));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

/// `k=v&k2=v2`, encoded; empty values are left out.
pub fn build_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_uri_component(k), encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_decode() {
        assert_eq!(
            encode_uri_component("a b&c=d/é~*'()!"),
            "a%20b%26c%3Dd%2F%C3%A9~*'()!"
        );
        for s in ["a b&c=d/é~*'()!", "", "%", "Tech Giants & /ES"] {
            assert_eq!(
                decode_uri_component(&encode_uri_component(s)).as_deref(),
                Some(s)
            );
        }
        for bad in ["%", "%2", "%zz", "%+1", "%E0%A4", "%FF"] {
            assert_eq!(decode_uri_component(bad), None, "{bad}");
        }
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("status=Filled&symbol=SPY%20X&q=a+b&empty=&bad=%zz"),
            vec![
                ("status".into(), "Filled".into()),
                ("symbol".into(), "SPY X".into()),
                ("q".into(), "a b".into()),
                ("empty".into(), "".into()),
            ]
        );
        assert_eq!(
            build_query(&[("a", "x y&".into()), ("b", String::new())]),
            "a=x%20y%26"
        );
    }
}

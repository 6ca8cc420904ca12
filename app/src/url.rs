//! Percent-encoding of a query value or a file name (RFC 3986 unreserved
//! characters kept), the same in the browser and on the server.

/// Every byte outside `A–Z a–z 0–9 - _ . ~` as `%XX`.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn unreserved_kept_everything_else_encoded() {
        assert_eq!(super::urlencode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(
            super::urlencode("苏 宁&x=1"),
            "%E8%8B%8F%20%E5%AE%81%26x%3D1"
        );
    }
}

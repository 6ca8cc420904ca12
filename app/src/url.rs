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

/// `path`, carrying the account typed so far (`?account=…`) so the next
/// page does not ask for it again.
pub fn with_account(path: &str, account: &str) -> String {
    match account.trim() {
        "" => path.to_string(),
        a => format!("{path}?account={}", urlencode(a)),
    }
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

    #[test]
    fn an_account_is_carried_only_when_typed() {
        assert_eq!(super::with_account("/change-phone", "  "), "/change-phone");
        assert_eq!(
            super::with_account("/forgot-password", " 91320102MA1XYR7K61 "),
            "/forgot-password?account=91320102MA1XYR7K61"
        );
    }
}

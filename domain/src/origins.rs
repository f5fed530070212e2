//! Allowed domains: when an account lists any, its public API answers only
//! pages whose `Origin` matches one of them.

/// A rule as an admin writes it, checked and normalised: `https://shop.example.com`
/// (that origin exactly, port included), `shop.example.com` (that host, any
/// scheme and port) or `*.example.com` (any subdomain of it).
pub fn normalise(rule: &str) -> Result<String, String> {
    let rule = rule.trim().trim_end_matches('/').to_ascii_lowercase();
    if rule.is_empty() || rule.len() > 253 {
        return Err(
            "must be a domain like shop.example.com, *.example.com or https://shop.example.com"
                .into(),
        );
    }
    if rule.contains("://") {
        let url = url::Url::parse(&rule).map_err(|_| format!("{rule:?} is not a valid origin"))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.path() != "/"
        {
            return Err(format!(
                "{rule:?} must be an origin like https://shop.example.com, with no path"
            ));
        }
        return Ok(url.origin().ascii_serialization());
    }
    let host = rule.strip_prefix("*.").unwrap_or(&rule);
    let valid_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if host.split('.').all(valid_label) {
        Ok(rule)
    } else {
        Err(format!("{rule:?} is not a valid domain"))
    }
}

/// Whether a request's `Origin` header value matches any rule.
pub fn allowed(origin: &str, rules: &[String]) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    let serialized = url.origin().ascii_serialization();
    rules.iter().any(|rule| {
        if rule.contains("://") {
            *rule == serialized
        } else if let Some(parent) = rule.strip_prefix("*.") {
            host.strip_suffix(parent)
                .is_some_and(|sub| sub.ends_with('.'))
        } else {
            host == rule
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| normalise(r).unwrap()).collect()
    }

    #[test]
    fn rules_are_normalised_or_refused() {
        assert_eq!(normalise(" Shop.Example.com ").unwrap(), "shop.example.com");
        assert_eq!(
            normalise("https://Shop.example.com/").unwrap(),
            "https://shop.example.com"
        );
        assert_eq!(
            normalise("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(normalise("*.example.com").unwrap(), "*.example.com");
        for bad in [
            "",
            "https://shop.example.com/path",
            "ftp://x.com",
            "shop example.com",
            "-x.com",
            "*.",
            "a..b",
        ] {
            assert!(normalise(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn origins_match_exactly_by_host_or_by_subdomain() {
        let rules = rules(&["https://shop.example.com", "partner.test", "*.brand.test"]);
        assert!(allowed("https://shop.example.com", &rules));
        assert!(!allowed("http://shop.example.com", &rules));
        assert!(!allowed("https://shop.example.com:8443", &rules));
        assert!(allowed("http://partner.test:8080", &rules));
        assert!(allowed("https://www.brand.test", &rules));
        assert!(allowed("https://a.b.brand.test", &rules));
        assert!(!allowed("https://brand.test", &rules));
        assert!(!allowed("https://evilbrand.test", &rules));
        assert!(!allowed("null", &rules));
        assert!(!allowed("https://partner.test.evil.com", &rules));
    }
}

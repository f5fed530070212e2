//! Name resolution for webhooks, under the address rules of
//! `adact_domain::webhook::address`: a URL's host is resolved when it is
//! saved, and the HTTP client resolves through [`GuardedResolver`] at every
//! connection, refusing any answer that holds a forbidden address.

use std::net::SocketAddr;

use adact_domain::webhook::address::is_forbidden;
use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
};

/// Resolves the URL's host now and refuses it if any address is forbidden.
pub async fn check_resolves(url: &Url, allow_private: bool) -> Result<(), String> {
    if allow_private {
        return Ok(());
    }
    let Some(url::Host::Domain(host)) = url.host() else {
        return Ok(());
    };
    resolve(host).await.map(drop)
}

/// Looks `host` up and returns its addresses, refusing the whole answer if
/// any address is forbidden (a mixed answer is how rebinding attacks start).
async fn resolve(host: &str) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|e| format!("{host} does not resolve ({e})"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} has no addresses"));
    }
    if let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
        return Err(format!(
            "{host} resolves to {}, a private or reserved address",
            bad.ip()
        ));
    }
    Ok(addrs)
}

/// The HTTP client's resolver: every connection goes through [`resolve`].
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs = resolve(name.as_str()).await?;
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use adact_domain::webhook::address::check_url;

    use super::*;

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let url = check_url("https://localhost:9/", false).unwrap();
        let err = check_resolves(&url, false).await.unwrap_err();
        assert!(err.contains("private or reserved"), "{err}");
        check_resolves(&url, true).await.unwrap();
    }
}

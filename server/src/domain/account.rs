//! An account: one customer of this server, with its credentials.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub embed_key: String,
    /// SHA-256 of the admin token, hex.
    pub admin_token_hash: String,
    /// Normalised allowed-domain rules; empty: any origin.
    pub allowed_domains: Vec<String>,
}

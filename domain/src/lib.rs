//! The domain: what an account, a campaign, a play, a prize, a segment, an
//! event and a webhook endpoint are, and every rule about them as plain
//! functions. Nothing here reads the database or speaks HTTP (no `sqlx`,
//! no `axum`): the store keeps these types, `app` applies these rules, and
//! `http` shows them.

pub mod account;
pub mod campaign;
pub mod credentials;
pub mod draw;
pub mod error;
pub mod etag;
pub mod events;
pub mod identity;
pub mod limits;
pub mod locales;
pub mod origins;
pub mod play;
pub mod player;
pub mod rate_limits;
pub mod segment;
pub mod session;
pub mod stats;
pub mod time;
pub mod webhook;

pub use error::{Error, Result};

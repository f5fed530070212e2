//! The webhook workers: every event delivered to the customer's endpoints,
//! signed, within the endpoint's timeout, retried on a schedule, with a
//! history of every attempt; and the history's retention. They take their
//! work from the store's queue and know nothing of campaigns beyond the
//! event they carry.

pub mod cleaner;
pub mod client;
pub mod dispatcher;
pub mod metrics;
pub mod policy;
pub mod signing;
pub mod ssrf;

pub use dispatcher::Dispatcher;
pub use metrics::Metrics;

//! The webhook workers: every event delivered to the customer's endpoints,
//! signed, within the endpoint's timeout, retried on a schedule, with a
//! history of every attempt; the history's retention; and the flush of
//! the campaigns' numbers. They take their
//! work from the store's queue and know nothing of campaigns beyond the
//! event they carry.

pub mod cleaner;
pub mod client;
pub mod dispatcher;
pub mod policy;
pub mod stats;

pub use dispatcher::Dispatcher;

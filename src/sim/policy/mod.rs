//! What becomes of a container that has just gone idle, and which idle container a full pool evicts: the keep-alive policies and eviction orders.

pub mod eviction;
pub mod hybrid;
pub mod keep_alive;

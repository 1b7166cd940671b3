//! DXLink market-data WebSocket (placeholder while the protocol is written).

mod registry;

pub use registry::Registry;

//! The whole sangkien system in one process: [`system::start`] runs the three services on
//! loopback ports and the gateway in front, with the settings' database and transport.
//! The `sangkien` binary and the end-to-end tests both start it this way.

pub mod example;
pub mod system;

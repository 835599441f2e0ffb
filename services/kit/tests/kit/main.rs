//! Integration tests of the kit against real databases and transports: SQLite and the
//! in-process queue by default, PostgreSQL and RabbitMQ with `SK_TEST_BACKEND=distributed`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery;
mod harness;
mod idempotency;
mod outage;
mod outbox;
mod probes;
mod publish;
mod settings_and_http;
mod store;
mod tenant;

//! Tables every service has: outbox, inbox, audit log; and their migrations.

pub mod audit_log;
pub mod inbox;
pub mod migrations;
pub mod outbox;

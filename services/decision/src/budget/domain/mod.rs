//! The budget's rules as plain functions: money arithmetic, rates and their caps, the draft
//! estimate computed from the plan, and the reconciliation of estimate against spending.

pub mod draft;
pub mod lines;
pub mod money;
pub mod rates;
pub mod status;

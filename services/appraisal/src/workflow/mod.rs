//! Steps that span several stores in one transaction: recording a stage's result (the case
//! moves on or concludes, `case.concluded` leaves through the outbox), saving a score sheet
//! (its revision, `sheet.submitted`, a third reviewer when the first two disagree), and the
//! council's conclusion when a sitting closes. Handlers call these; these call `store/`
//! and the rules in `domain/`, never actix.

pub mod assignments;
pub mod results;
pub mod rubrics;
pub mod sheets;
pub mod sittings;

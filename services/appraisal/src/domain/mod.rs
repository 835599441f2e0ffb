//! Appraisal rules as plain functions: rubrics as data, checked when saved, and the
//! outcome of a score sheet under a rubric.

pub mod assignment;
pub mod conflicts;
pub mod council;
pub mod panel;
pub mod rubric;
pub mod scoring;
pub mod sheet;
pub mod shipped;
pub mod sitting;
pub mod status;

//! The intake rules as plain functions: windows in local dates, contribution shares, the
//! decision deadline, the dossier lifecycle, and what a complete request form holds.

pub mod deadline;
pub mod form;
pub mod lifecycle;
pub mod plan;
pub mod shares;
pub mod window;

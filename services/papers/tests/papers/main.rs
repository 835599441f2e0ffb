//! The layout checks of the official papers, one test binary: DOCX pages and XLSX reports
//! rendered and read back.

#![allow(clippy::expect_used)]

mod docx_layout;
mod xlsx_layout;

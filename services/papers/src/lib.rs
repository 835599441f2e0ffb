//! Official papers in the layout of Decree 30/2020/NĐ-CP, Appendix I, written once so that the
//! decision, its certificates and the council's minutes cannot drift apart.

pub mod check;
pub mod dates;
pub mod docx;
pub mod props;
pub mod xlsx;

pub use dates::{blank_date_line, date_line, day_text};
pub use docx::{Authority, Letterhead, OfficialPaper, Signature, TableSpec};
